"""`capture bench accuracy`: generate photos with truth, run the pipeline, score, print.

`score` is a pure function over per-photo JSON documents (pipeline output and sample
truth share one contract), so it is unit-tested on hand-made JSON.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.table import Table
from scipy.optimize import linear_sum_assignment

from capture.app.batch import run_batch
from capture.app.events import ProgressCallback, silent
from capture.bench.metrics import char_edits
from capture.core.config import CONFIG
from capture.core.workshop import load_workshop
from capture.kit.layout import layout_workshop
from capture.synth.generate import GENERATOR_VERSION, generate_set

SIDES = ("agree", "disagree")
IN_VIEW = 0.99  # truth "writing_visible" from which a note's writing counts as fully in view


@dataclass
class Tally:
    """OCR edits over a set of notes."""

    notes: int = 0
    edits: int = 0
    chars: int = 0

    def add(self, edits: int, chars: int) -> None:
        self.notes += 1
        self.edits += edits
        self.chars += chars

    @property
    def rate(self) -> float | None:
        return self.edits / self.chars if self.chars else None

    def detail(self) -> str:
        return f"{self.edits} edits / {self.chars} chars"


@dataclass
class Scores:
    photos: int = 0
    photos_failed: int = 0
    boards_truth: int = 0
    boards_found: int = 0
    boards_extra: int = 0  # reported but not in the photo
    zones: int = 0
    zones_exact: int = 0  # total count right
    zones_exact_all_colours: int = 0  # every colour's count right
    colour_zones: dict[str, int] = field(default_factory=dict)  # zones where a colour occurs
    colour_exact: dict[str, int] = field(default_factory=dict)
    sticker_abs_error: int = 0  # sum over zones of |pred - truth|
    stickers_truth: int = 0
    notes_truth: int = 0
    notes_pred: int = 0
    notes_matched: int = 0
    placement_mm: list[float] = field(default_factory=list)
    placement_grid: list[float] = field(default_factory=list)
    zone_right: int = 0
    colour_right: int = 0
    # notes under other notes (truth "covered" >= the note_covered flag's threshold)
    covered_truth: int = 0
    covered_flagged: int = 0  # ... that the pipeline reports as covered
    covered_false: int = 0  # notes reported covered that are not
    ocr: Tally = field(default_factory=Tally)  # every matched note
    # notes whose writing nothing hides (truth "writing_visible"): what a reader could see
    ocr_in_view: Tally = field(default_factory=Tally)
    # ... and photographed at a legible resolution (pred "source_px_per_mm")
    ocr_readable: Tally = field(default_factory=Tally)
    # notes the pipeline did not flag low_ocr_confidence (what a reviewer may skip)
    ocr_trusted: Tally = field(default_factory=Tally)
    # session.json against the set's truth: each note once, as the results report it
    session_notes_truth: int = 0
    session_notes_pred: int = 0
    session_notes_matched: int = 0
    session_ocr: Tally = field(default_factory=Tally)
    # ... on the notes whose writing at least one photo shows whole (truth "writing_visible",
    # the best over the photos): the text a reader could have read
    session_ocr_in_view: Tally = field(default_factory=Tally)
    # notes whose writing no photo shows whole, and the session's text_hidden flags on them
    session_hidden_truth: int = 0
    session_hidden_flagged: int = 0
    session_hidden_false: int = 0  # flagged text_hidden, yet some photo shows the writing whole
    # ... and seen at a legible resolution by some photo (pred "best_px_per_mm")
    session_ocr_readable: Tally = field(default_factory=Tally)
    # the session's OCR edits by cause (edit_causes): cause -> (notes, edits)
    session_edit_causes: dict[str, list[int]] = field(default_factory=dict)
    photo_seconds: list[float] = field(default_factory=list)

    # --- ratios (None when there is nothing to measure) ---
    @staticmethod
    def _ratio(a: float, b: float) -> float | None:
        return a / b if b else None

    @property
    def boards_found_rate(self) -> float | None:
        return self._ratio(self.boards_found, self.boards_truth)

    @property
    def zones_exact_rate(self) -> float | None:
        return self._ratio(self.zones_exact, self.zones)

    @property
    def zones_exact_all_colours_rate(self) -> float | None:
        return self._ratio(self.zones_exact_all_colours, self.zones)

    def colour_exact_rate(self, colour: str) -> float | None:
        return self._ratio(self.colour_exact.get(colour, 0), self.colour_zones.get(colour, 0))

    @property
    def mean_sticker_error(self) -> float | None:
        return self._ratio(self.sticker_abs_error, self.zones)

    @property
    def note_recall(self) -> float | None:
        return self._ratio(self.notes_matched, self.notes_truth)

    @property
    def note_precision(self) -> float | None:
        return self._ratio(self.notes_matched, self.notes_pred)

    @property
    def zone_accuracy(self) -> float | None:
        return self._ratio(self.zone_right, self.notes_matched)

    @property
    def note_colour_accuracy(self) -> float | None:
        return self._ratio(self.colour_right, self.notes_matched)

    @property
    def cer(self) -> float | None:
        return self.ocr.rate

    @property
    def covered_recall(self) -> float | None:
        return self._ratio(self.covered_flagged, self.covered_truth)

    @property
    def session_recall(self) -> float | None:
        return self._ratio(self.session_notes_matched, self.session_notes_truth)

    @property
    def session_precision(self) -> float | None:
        return self._ratio(self.session_notes_matched, self.session_notes_pred)

    @staticmethod
    def _pct(values: list[float], q: float) -> float | None:
        return float(np.percentile(values, q)) if values else None

    @property
    def placement_mm_median(self) -> float | None:
        return self._pct(self.placement_mm, 50)

    @property
    def placement_mm_p90(self) -> float | None:
        return self._pct(self.placement_mm, 90)

    @property
    def placement_grid_median(self) -> float | None:
        return self._pct(self.placement_grid, 50)

    @property
    def placement_grid_p90(self) -> float | None:
        return self._pct(self.placement_grid, 90)

    @property
    def photo_seconds_median(self) -> float | None:
        return self._pct(self.photo_seconds, 50)


def _notes_by_board(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for key in ("actions", "notes"):
        for n in doc.get(key, []):
            out.setdefault(n["board"], []).append(n)
    return out


def _centre(n: dict) -> tuple[float, float]:
    c = n.get("center_mm")
    return (float(c[0]), float(c[1])) if c else (math.nan, math.nan)


def _match(truth: list[dict], pred: list[dict], max_dist: float) -> list[tuple[int, int, float]]:
    """Hungarian matching on centre distance; pairs farther than max_dist are not matches."""
    if not truth or not pred:
        return []

    t = np.array([_centre(n) for n in truth])
    p = np.array([_centre(n) for n in pred])
    d = np.linalg.norm(t[:, None, :] - p[None, :, :], axis=2)
    d = np.where(np.isfinite(d), d, 1e9)
    big = max_dist * 10 + 1e6
    rows, cols = linear_sum_assignment(np.where(d < max_dist, d, big))
    return [
        (int(r), int(c), float(d[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if d[r, c] < max_dist
    ]


def _vote_zones(doc: dict) -> dict[tuple[str, str], tuple[int, dict[str, int]]]:
    """(board, side) -> (count, by colour)."""
    out = {}
    for v in doc.get("votes", []):
        for side in SIDES:
            by = {c: int(n) for c, n in v.get("by_color", {}).get(side, {}).items()}
            out[(v["board"], side)] = (int(v.get(side, 0)), by)
    return out


def score(
    pred_photo_jsons: Sequence[dict],
    truth_photo_jsons: Sequence[dict],
    note_size_mm: float = 76.0,
    legible_px_per_mm: float = CONFIG.ocr.min_source_px_per_mm,
) -> Scores:
    """Compare pipeline per-photo documents with truth documents (matched by "file").

    A truth photo with no prediction (or a failed one) counts as nothing found. Notes
    are matched per board by centre distance < note_size_mm / 2 (Hungarian). OCR is also
    scored apart on notes the prediction saw at >= legible_px_per_mm (photo px per mm), and
    on notes it did not flag for low OCR confidence (no low_ocr_confidence flag: each
    engine has its own threshold).
    """
    s = Scores()
    preds = {d["file"]: d for d in pred_photo_jsons}
    for truth in truth_photo_jsons:
        s.photos += 1
        pred = preds.get(truth["file"]) or {}
        if pred.get("status") != "ok":
            s.photos_failed += 1
            pred = {}
        if (t := pred.get("timings_s", {}).get("total")) is not None:
            s.photo_seconds.append(float(t))
        t_boards, p_boards = set(truth.get("boards", [])), set(pred.get("boards", []))
        s.boards_truth += len(t_boards)
        s.boards_found += len(t_boards & p_boards)
        s.boards_extra += len(p_boards - t_boards)

        t_zones, p_zones = _vote_zones(truth), _vote_zones(pred)
        for key, (t_count, t_by) in t_zones.items():
            p_count, p_by = p_zones.get(key, (None, {}))
            s.zones += 1
            s.stickers_truth += t_count
            s.zones_exact += p_count == t_count
            s.sticker_abs_error += abs((p_count or 0) - t_count)
            colours = {c for c, n in t_by.items() if n} | {c for c, n in p_by.items() if n}
            all_ok = p_count is not None
            for c in colours:
                ok = p_count is not None and t_by.get(c, 0) == p_by.get(c, 0)
                s.colour_zones[c] = s.colour_zones.get(c, 0) + 1
                s.colour_exact[c] = s.colour_exact.get(c, 0) + ok
                all_ok = all_ok and ok
            s.zones_exact_all_colours += all_ok

        n_truth, n_pred, pairs = _note_pairs(truth, pred, note_size_mm / 2)
        flags = pred.get("flags", [])
        low = {f.get("item") for f in flags if f.get("code") == "low_ocr_confidence"}
        s.notes_truth += n_truth
        s.notes_pred += n_pred
        for a, b, dist in pairs:
            s.notes_matched += 1
            s.placement_mm.append(dist)
            if a.get("x") is not None and b.get("x") is not None:
                s.placement_grid.append(math.hypot(a["x"] - b["x"], a["y"] - b["y"]))
            s.zone_right += a.get("zone") == b.get("zone")
            s.colour_right += a.get("color") == b.get("color")
            if "covered" in a:
                under = a["covered"] >= CONFIG.notes.covered_flag
                said = (b.get("covered") or 0.0) >= CONFIG.notes.covered_flag
                s.covered_truth += under
                s.covered_flagged += under and said
                s.covered_false += said and not under
            e, n = char_edits(b.get("text", ""), a.get("text", ""))
            s.ocr.add(e, n)
            if a.get("writing_visible", 1.0) >= IN_VIEW:
                s.ocr_in_view.add(e, n)
                res = b.get("source_px_per_mm")
                if res is None or res >= legible_px_per_mm:
                    s.ocr_readable.add(e, n)
            if b.get("ocr_confidence") is not None and b.get("id") not in low:
                s.ocr_trusted.add(e, n)
    return s


def _note_pairs(
    truth: dict, pred: dict, max_dist: float
) -> tuple[int, int, list[tuple[dict, dict, float]]]:
    """(truth notes, predicted notes, matched (truth, pred, distance) pairs): per board,
    Hungarian on centre distances under max_dist."""
    t_notes, p_notes = _notes_by_board(truth), _notes_by_board(pred)
    pairs = []
    for board, tn in t_notes.items():
        pn = p_notes.get(board, [])
        pairs += [(tn[i], pn[j], d) for i, j, d in _match(tn, pn, max_dist)]
    return sum(map(len, t_notes.values())), sum(map(len, p_notes.values())), pairs


def score_session(
    s: Scores,
    pred_session: dict,
    truth_session: dict,
    note_size_mm: float = 76.0,
    legible_px_per_mm: float = CONFIG.ocr.min_source_px_per_mm,
) -> Scores:
    """Add session-level note scores to s: session.json against the set's truth.json (each
    note once, whichever photo it came from), matched per board as in `score`; OCR also on
    the notes whose writing is in view, and on those some photo also saw at >=
    legible_px_per_mm."""
    n_truth, n_pred, pairs = _note_pairs(truth_session, pred_session, note_size_mm / 2)
    s.session_notes_truth += n_truth
    s.session_notes_pred += n_pred
    hidden_flags = {
        (f.get("board"), f.get("item"))
        for f in pred_session.get("flags", [])
        if f.get("code") == "text_hidden"
    }
    for a, b, _ in pairs:
        s.session_notes_matched += 1
        e, n = char_edits(b.get("text", ""), a.get("text", ""))
        s.session_ocr.add(e, n)
        hidden = a.get("writing_visible", 1.0) < IN_VIEW
        said = (b.get("board"), b.get("id")) in hidden_flags
        s.session_hidden_truth += hidden
        s.session_hidden_flagged += hidden and said
        s.session_hidden_false += said and not hidden
        if not hidden:
            s.session_ocr_in_view.add(e, n)
            res = b.get("best_px_per_mm")
            if res is None or res >= legible_px_per_mm:
                s.session_ocr_readable.add(e, n)
    return s


CAUSES = {
    "hidden": "writing under another note in every photo",
    "small": "no photo at >= 2 px/mm",
    "choice": "a photo read it better than the text kept",
    "misread": "misread in every photo",
}


def edit_causes(
    s: Scores,
    pred_photo_jsons: Sequence[dict],
    truth_photo_jsons: Sequence[dict],
    pred_session: dict,
    truth_session: dict,
    note_size_mm: float = 76.0,
    legible_px_per_mm: float = CONFIG.ocr.min_source_px_per_mm,
) -> Scores:
    """Sort the session's OCR edits by cause, each note with edits under the first that
    holds: its writing is hidden in every photo (truth writing_visible: nobody can read all
    of it); no photo found it at legible_px_per_mm; some photo's reading of it had fewer
    edits than the session's text (the choice across photos lost); every photo misread it
    (the recogniser, at the resolution and blur the photos give)."""
    preds = {d["file"]: d for d in pred_photo_jsons}
    readings: dict[tuple[str, str], list[tuple[int, float]]] = {}  # truth note -> per view
    for truth in truth_photo_jsons:
        pred = preds.get(truth["file"]) or {}
        if pred.get("status") != "ok":
            continue
        for a, b, _ in _note_pairs(truth, pred, note_size_mm / 2)[2]:
            e, _n = char_edits(b.get("text", ""), a.get("text", ""))
            key = (a["board"], a.get("id", ""))
            readings.setdefault(key, []).append((e, b.get("source_px_per_mm") or 0.0))
    for a, b, _ in _note_pairs(truth_session, pred_session, note_size_mm / 2)[2]:
        e, _n = char_edits(b.get("text", ""), a.get("text", ""))
        if not e:
            continue
        views = readings.get((a["board"], a.get("id", "")), [])
        if a.get("writing_visible", 1.0) < IN_VIEW:
            cause = "hidden"
        elif not any(px >= legible_px_per_mm for _e, px in views):
            cause = "small"
        elif any(ve < e for ve, _px in views):
            cause = "choice"
        else:
            cause = "misread"
        tally = s.session_edit_causes.setdefault(cause, [0, 0])
        tally[0] += 1
        tally[1] += e
    return s


# --- presentation ---------------------------------------------------------------------------

TARGETS_MEDIUM = {
    "boards found": ">= 100 %",
    "vote zones exact (total)": ">= 99 %",
    "note recall": ">= 99 %",
    "note precision": ">= 99 %",
    "placement error median (mm)": "<= 5",
    "OCR character error rate": "<= 10 %",
}


def _fmt(v: float | None, pct: bool = True, nd: int = 1) -> str:
    if v is None:
        return "n/a"
    return f"{100 * v:.{nd}f} %" if pct else f"{v:.{nd}f}"


def table_rows(s: Scores) -> list[tuple[str, str, str]]:
    """(metric, value, detail) rows for the console table and the README."""
    rows = [
        (
            "boards found",
            _fmt(s.boards_found_rate),
            f"{s.boards_found}/{s.boards_truth}, {s.boards_extra} extra, "
            f"{s.photos_failed}/{s.photos} photos failed",
        ),
        ("vote zones exact (total)", _fmt(s.zones_exact_rate), f"{s.zones_exact}/{s.zones}"),
        (
            "vote zones exact (every colour)",
            _fmt(s.zones_exact_all_colours_rate),
            f"{s.zones_exact_all_colours}/{s.zones}",
        ),
    ]
    for c in sorted(s.colour_zones):
        rows.append(
            (
                f"  zones exact, {c}",
                _fmt(s.colour_exact_rate(c)),
                f"{s.colour_exact.get(c, 0)}/{s.colour_zones[c]} zones holding {c}",
            )
        )
    rows += [
        (
            "mean sticker-count error",
            _fmt(s.mean_sticker_error, pct=False, nd=3),
            f"per zone; {s.sticker_abs_error} stickers off over {s.stickers_truth}",
        ),
        ("note recall", _fmt(s.note_recall), f"{s.notes_matched}/{s.notes_truth}"),
        ("note precision", _fmt(s.note_precision), f"{s.notes_matched}/{s.notes_pred}"),
        (
            "placement error median (mm)",
            _fmt(s.placement_mm_median, pct=False),
            f"p90 {_fmt(s.placement_mm_p90, pct=False)} mm",
        ),
        (
            "placement error median (grid units)",
            _fmt(s.placement_grid_median, pct=False, nd=3),
            f"p90 {_fmt(s.placement_grid_p90, pct=False, nd=3)}; grid side = 1",
        ),
        ("zone assignment accuracy", _fmt(s.zone_accuracy), f"{s.zone_right}/{s.notes_matched}"),
        (
            "note colour accuracy",
            _fmt(s.note_colour_accuracy),
            f"{s.colour_right}/{s.notes_matched}",
        ),
        (
            "covered notes flagged",
            _fmt(s.covered_recall),
            f"{s.covered_flagged}/{s.covered_truth} notes >= {CONFIG.notes.covered_flag:.0%} "
            f"under another note; {s.covered_false} flagged wrongly",
        ),
        ("OCR character error rate", _fmt(s.cer), s.ocr.detail()),
        (
            "OCR CER, writing fully in view",
            _fmt(s.ocr_in_view.rate),
            f"{s.ocr_in_view.notes}/{s.notes_matched} notes no other note or object covers; "
            + s.ocr_in_view.detail(),
        ),
        (
            "OCR CER, in view and shot legibly",
            _fmt(s.ocr_readable.rate),
            f"{s.ocr_readable.notes}/{s.notes_matched} notes, also at >= "
            f"{CONFIG.ocr.min_source_px_per_mm:g} px/mm in the photo; " + s.ocr_readable.detail(),
        ),
        (
            "OCR CER, notes not flagged for review",
            _fmt(s.ocr_trusted.rate),
            f"{s.ocr_trusted.notes}/{s.notes_matched} notes without low_ocr_confidence; "
            + s.ocr_trusted.detail(),
        ),
    ]
    if s.session_notes_truth or s.session_notes_pred:
        rows += [
            (
                "session: note recall / precision",
                f"{_fmt(s.session_recall)} / {_fmt(s.session_precision)}",
                f"session.json: {s.session_notes_matched} matched, "
                f"{s.session_notes_truth} on the walls, {s.session_notes_pred} reported",
            ),
            ("session: OCR CER", _fmt(s.session_ocr.rate), s.session_ocr.detail()),
            (
                "session: OCR CER, writing whole in >= 1 photo",
                _fmt(s.session_ocr_in_view.rate),
                f"{s.session_ocr_in_view.notes} notes some photo shows all the writing of; "
                + s.session_ocr_in_view.detail(),
            ),
            (
                "session: OCR CER, in view and shot legibly",
                _fmt(s.session_ocr_readable.rate),
                f"{s.session_ocr_readable.notes} notes, also seen at >= "
                f"{CONFIG.ocr.min_source_px_per_mm:g} px/mm in some photo; "
                + s.session_ocr_readable.detail(),
            ),
            *(
                (
                    f"  session edits: {CAUSES[c]}",
                    str(s.session_edit_causes[c][1]),
                    f"on {s.session_edit_causes[c][0]} notes",
                )
                for c in CAUSES
                if c in s.session_edit_causes
            ),
            (
                "session: writing hidden, flagged text_hidden",
                f"{s.session_hidden_flagged}/{s.session_hidden_truth}",
                f"notes under another note in every photo (no reader sees all their writing); "
                f"{s.session_hidden_false} flagged wrongly",
            ),
        ]
    rows += [
        ("time per photo, median (s)", _fmt(s.photo_seconds_median, pct=False), ""),
    ]
    return rows


def markdown_table(s: Scores) -> str:
    lines = ["| metric | value | detail |", "|---|---:|---|"]
    lines += [f"| {m.strip()} | {v} | {d} |" for m, v, d in table_rows(s)]
    return "\n".join(lines)


def load_docs(folder: Path) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(Path(folder).glob("*.json"))]


def run_accuracy(
    workshop: Path,
    level: str = "medium",
    count: int = 8,
    seed: int = 0,
    jobs: int | None = None,
    keep: Path | None = None,
    megapixels: float = 12.0,
    console: object | None = None,
    progress: ProgressCallback = silent,
    ocr: str | None = None,
    resume: bool = False,
) -> Scores:
    """Generate a set, run the pipeline on it (OCR engine `ocr`, default the configured
    one), print and return the scores. A set already in `keep` drawn with the same
    generator, seed, level, count and size is reused, so engines and code versions can be
    compared on the very same photos; each engine's outputs go to keep/out-<engine>, and
    `resume` reuses the photos analysed there with the same settings (only the session is
    merged and scored anew)."""
    engine = ocr or CONFIG.ocr.engine

    ws = load_workshop(Path(workshop))
    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="capture-bench-")
        root = Path(tmp.name)
    else:
        root = Path(keep)
        root.mkdir(parents=True, exist_ok=True)
    try:
        set_dir, out_dir = root / "set", root / f"out-{engine}"
        t0 = time.perf_counter()
        wanted = {"seed": seed, "level": level, "count": count, "megapixels": megapixels,
                  "generator": GENERATOR_VERSION}
        try:
            manifest = json.loads((set_dir / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            manifest = {}
        if any(manifest.get(k) != v for k, v in wanted.items()):
            generate_set(
                ws, set_dir, count=count, seed=seed, level=level, megapixels=megapixels,
                console=console,
            )
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = run_batch(
            [set_dir / "photos"], Path(workshop), out_dir=out_dir, jobs=jobs, progress=progress,
            ocr=engine, resume=resume,
        )
        t_run = time.perf_counter() - t0
        kit = layout_workshop(ws)
        scores = score(
            load_docs(out_dir / "photos"),
            load_docs(set_dir / "truth"),
            note_size_mm=kit.note_size_mm,
        )
        if (out_dir / "session.json").exists():
            pred_session = json.loads((out_dir / "session.json").read_text("utf-8"))
            truth_session = json.loads((set_dir / "truth.json").read_text("utf-8"))
            score_session(scores, pred_session, truth_session, kit.note_size_mm)
            edit_causes(
                scores,
                load_docs(out_dir / "photos"),
                load_docs(set_dir / "truth"),
                pred_session,
                truth_session,
                kit.note_size_mm,
            )
    finally:
        if tmp is not None:
            tmp.cleanup()
    if console is not None:
        table = Table(
            title=f"accuracy: level {level}, {count} photos, seed {seed}, {megapixels:g} MP, "
            f"OCR {engine}"
        )
        table.add_column("metric")
        table.add_column("value", justify="right")
        table.add_column("detail")
        for row in table_rows(scores):
            table.add_row(*row)
        console.print(table)
        console.print(
            f"generation {t_gen:.0f} s, pipeline {t_run:.0f} s "
            f"({summary.ok}/{summary.photos} photos ok)" + (f"; kept in {root}" if keep else ""),
            highlight=False,
        )
    return scores
