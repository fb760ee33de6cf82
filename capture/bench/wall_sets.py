"""`capture bench score`: generated markerless sets already on disk, scored photo by photo.

Each set is a folder `capture samples --markerless` wrote (its photos and truth.json). Every
photo is read as `capture run --markerless` reads it and scored exactly as `capture bench
accuracy --markerless` scores it (bench.markerless.score_photo, summarise): the same sets
read by the old and the new code give figures that compare photo by photo, with no new
generation (which takes longer than the reading) and no change of the truth between them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from capture.bench.markerless import score_photo, summarise
from capture.bench.wall_runs import Progress, read_photos
from capture.core.config import CONFIG, Config
from capture.core.errors import UsageError


@dataclass(frozen=True)
class SetScores:
    folder: Path
    photos: list[tuple[str, dict]]  # (file, score_photo's counts), in truth.json's order

    @property
    def summary(self) -> dict:
        return summarise([s for _, s in self.photos]) if self.photos else {}


def load_truth(folder: Path) -> list[dict]:
    """The photos of a set's truth.json (written by `capture samples --markerless`)."""
    path = Path(folder) / "truth.json"
    try:
        truth = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} : introuvable ; un jeu se crée avec `capture samples "
                         "--markerless --out DOSSIER`", code="set_invalid") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} : illisible ({exc})", code="set_invalid") from None
    photos = truth.get("photos") if isinstance(truth, dict) else truth
    if not isinstance(photos, list) or not all(
            isinstance(t, dict) and "file" in t and "notes" in t for t in photos):
        raise UsageError(f"{path} : pas la vérité d'un jeu sans panneau (`capture samples "
                         "--markerless`)", code="set_invalid")
    return photos


def score_sets(
    folders: Sequence[Path],
    ocr: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    config: Config = CONFIG,
) -> list[SetScores]:
    """Read every photo of every set (all in one pool of workers) and score it."""
    truths = [(Path(f), load_truth(Path(f))) for f in folders]
    paths = [folder / t["file"] for folder, photos in truths for t in photos]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UsageError("photos de la vérité absentes : " + ", ".join(missing[:5])
                         + (f" (et {len(missing) - 5} autres)" if len(missing) > 5 else ""),
                         code="set_invalid")
    docs = iter(read_photos(paths, ocr, jobs, progress, config))
    return [SetScores(folder, [(t["file"], score_photo(t, next(docs))) for t in photos])
            for folder, photos in truths]


def _ratio(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f} ({a}/{b})" if b else "-"


# the table's columns: title, and the counts (numerator, denominator) of score_photo
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("recall", "hit", "req"),
    ("precision", "hit", "hit+false"),
    ("colour", "colour_ok", "matched"),
    ("dots exact", "dots_ok", "matched"),
    ("free recall", "free_hit", "free_truth"),
    ("free precision", "free_hit", "free_found"),
)
# with --ocr: every note's CER, on the notes whose writing nothing hides, on the letters in view
TEXT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("CER", "cer_sum", "cer_n"),
    ("CER whole", "whole_sum", "whole_n"),
    ("CER visible", "visible_sum", "visible_n"),
)


def table_cells(scores: list[dict], ocr: bool) -> list[str]:
    """One row of the table: photos, notes required, then each rate with its counts."""
    t = {k: sum(s[k] for s in scores) for k in ("req", "hit", "false", "colour_ok", "matched",
                                                 "dots_ok", "free_hit", "free_truth",
                                                 "free_found", "cer_sum", "cer_n",
                                                 "whole_sum", "whole_n", "visible_sum",
                                                 "visible_n")}
    t["hit+false"] = t["hit"] + t["false"]
    cols = COLUMNS + (TEXT_COLUMNS if ocr else ())
    return [str(len(scores)), str(t["req"])] + [_ratio(t[a], t[b]) for _, a, b in cols]


def table_columns(ocr: bool) -> list[str]:
    return ["set / photo", "photos", "notes"] + [c for c, _, _ in COLUMNS + (
        TEXT_COLUMNS if ocr else ())]


def _finite(v: object) -> object:
    """JSON has no infinity: an outline not found (inf corner error) is written null."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, list):
        return [_finite(x) for x in v]
    return v


def scores_json(sets: list[SetScores], ocr: bool) -> dict:
    """Everything measured, for a file to compare runs by (--json): each set's summary and
    each photo's counts, and the summary over all sets."""
    everything = [s for one in sets for _, s in one.photos]
    return {
        "ocr": ocr,
        "sets": [
            {"folder": str(one.folder), "summary": one.summary,
             "photos": [{"file": f, **{k: _finite(v) for k, v in s.items()}}
                        for f, s in one.photos]}
            for one in sets
        ],
        "all": summarise(everything) if everything else {},
    }
