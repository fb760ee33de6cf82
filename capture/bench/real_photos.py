"""`capture bench real`: real photos against labels written by eye.

No truth is exact on a real photo: what a person counted is the label. Per photo:
- notes per colour: right = per colour min(found, labelled), summed (a note named in the
  wrong colour is missing from one colour and too many in another: it is not right);
- stickers found where none are labelled (false stickers): per colour what is found beyond
  the label, on photos whose stickers were counted (`stickers:` present, `{}` for none);
- with text labels, each labelled note is matched to the found note whose outline holds
  its centre (the nearest such note when outlines overlap; none: nothing read) and its text
  scored as the bench counts (bench.metrics.char_edits: case and spacing ignored, accents
  count), with the notes read exactly.

The labels (docs/real-photos/*.yaml) are ours; the photos are not, and are never committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, TypeVar

import cv2
import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from capture.bench.metrics import char_edits
from capture.bench.wall_runs import Progress, read_photos
from capture.core.config import CONFIG, Config
from capture.core.errors import UsageError
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES

Count = Annotated[int, Field(ge=0)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


def _known(counts: dict[str, int] | None, names: Sequence[str], what: str) -> dict | None:
    """A colour the reader never names can never be right: a typo, said at once."""
    bad = sorted(set(counts or {}) - set(names) - {"unknown"})
    if bad:
        raise ValueError(f"couleur de {what} inconnue : {', '.join(bad)} (connues : "
                         f"{', '.join(names)}, unknown)")
    return counts


class PhotoColours(BaseModel):
    """One photo's labels: notes per colour, stickers per colour (None: not counted)."""

    model_config = ConfigDict(extra="forbid")
    notes: dict[str, Count] | None = None  # None: unlabelled (read, not scored)
    stickers: dict[str, Count] | None = None  # None: not counted; {}: none on the photo
    note: str = ""  # what the photo is

    @field_validator("notes")
    @classmethod
    def _note_names(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        return _known(v, NOTE_NAMES, "post-it")

    @field_validator("stickers")
    @classmethod
    def _sticker_names(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        return _known(v, STICKER_NAMES, "gommette")


class ColourLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    photos: dict[str, PhotoColours]

    @field_validator("photos", mode="before")
    @classmethod
    def _bare_names(cls, v: object) -> object:
        """A photo listed with nothing under it: read, not scored."""
        return {k: ({} if x is None else x) for k, x in v.items()} if isinstance(v, dict) else v


class NoteText(BaseModel):
    """One labelled note: its centre (normalised photo coordinates) and what it says."""

    model_config = ConfigDict(extra="forbid")
    center: tuple[Unit, Unit]
    text: str


class TextLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    photos: dict[str, list[NoteText]]


Labels = TypeVar("Labels", ColourLabels, TextLabels)


def load_labels(path: Path, model: type[Labels]) -> Labels:
    """A labels file, validated; UsageError (exit 2) naming the file and each bad field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} : fichier d'étiquettes introuvable",
                         code="labels_invalid") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} : illisible ({exc})", code="labels_invalid") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        why = getattr(exc, "problem", None) or str(exc)
        raise UsageError(f"{where} : YAML invalide ({why})", code="labels_invalid") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} : le fichier d'étiquettes doit être un dictionnaire "
                         "« photos: » (nom de chaque photo → ses étiquettes)",
                         code="labels_invalid")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(racine)"
            lines.append(f"{path} : champ {where} : {_detail(err)}")
        raise UsageError("\n".join(lines), code="labels_invalid") from None


def _detail(err: dict) -> str:
    """One pydantic error in French, pydantic's own wording kept as the precise detail."""
    if err["type"] == "value_error":  # our own checks (colour names) are French already
        return str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return "champ obligatoire absent"
    if err["type"] == "extra_forbidden":
        return "champ inconnu (faute de frappe ?)"
    return f"valeur refusée ({err['msg']})"


@dataclass(frozen=True)
class TextScore:
    notes: int  # notes labelled
    matched: int  # of them, inside a found note's outline
    edits: int
    chars: int
    exact: int  # notes read with no edit
    readings: list[tuple[str, str]] = field(default_factory=list)  # (label, read)


@dataclass(frozen=True)
class RealScore:
    photo: str
    found_notes: dict[str, int]
    found_stickers: dict[str, int]
    stickers_on_notes: int
    labels: PhotoColours | None
    text: TextScore | None = None

    @property
    def labelled(self) -> int | None:
        """Notes counted by eye (None: not counted)."""
        if self.labels is None or self.labels.notes is None:
            return None
        return sum(self.labels.notes.values())

    @property
    def right(self) -> int | None:
        if self.labels is None or self.labels.notes is None:
            return None
        return colours_right(self.labels.notes, self.found_notes)

    @property
    def stickers_right(self) -> int | None:
        if self.labels is None or self.labels.stickers is None:
            return None
        return colours_right(self.labels.stickers, self.found_stickers)

    @property
    def false_stickers(self) -> int | None:
        """Stickers found beyond the label, colour by colour (None: stickers not counted)."""
        if self.labels is None or self.labels.stickers is None:
            return None
        return sum(self.found_stickers.values()) - colours_right(self.labels.stickers,
                                                                 self.found_stickers)


def colours_right(labelled: dict[str, int], found: dict[str, int]) -> int:
    """Per colour min(found, labelled), summed."""
    return sum(min(found.get(c, 0), n) for c, n in labelled.items())


def match_text(labels: list[NoteText], doc: dict) -> TextScore:
    """Each labelled note against the found note whose outline holds its centre."""
    notes = [n for n in doc["notes"] if len(n.get("corners") or []) >= 3]
    outlines = [np.array(n["corners"], np.float32).reshape(-1, 1, 2) for n in notes]
    edits = chars = exact = matched = 0
    readings = []
    for label in labels:
        x, y = label.center
        holding = [i for i, o in enumerate(outlines)
                   if cv2.pointPolygonTest(o, (float(x), float(y)), False) >= 0]
        read = ""
        if holding:  # overlapping outlines: the note centred nearest
            i = min(holding, key=lambda i: (notes[i]["center"][0] - x) ** 2
                    + (notes[i]["center"][1] - y) ** 2)
            read = notes[i]["text"]
            matched += 1
        e, c = char_edits(read, label.text)
        edits, chars, exact = edits + e, chars + c, exact + (e == 0)
        readings.append((label.text, read))
    return TextScore(len(labels), matched, edits, chars, exact, readings)


def score_real(
    photo_dir: Path,
    colours: ColourLabels,
    text: TextLabels | None = None,
    only: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    config: Config = CONFIG,
) -> list[RealScore]:
    """Read each labelled photo of photo_dir (with the default OCR when text labels are
    given) and score it against its labels. `only`: the photos whose name holds it."""
    names = sorted(set(colours.photos) | set(text.photos if text is not None else {}))
    if only is not None:
        names = [n for n in names if only in n]
        if not names:
            raise UsageError(f"aucune photo étiquetée ne contient « {only} »", code="usage")
    paths = [Path(photo_dir) / n for n in names]
    missing = [n for n, p in zip(names, paths, strict=True) if not p.is_file()]
    if missing:
        raise UsageError(f"{photo_dir} : photos étiquetées absentes : {', '.join(missing)}",
                         code="usage")
    docs = read_photos(paths, text is not None, jobs, progress, config)
    out = []
    for name, doc in zip(names, docs, strict=True):
        notes = Counter(n["color"] for n in doc["notes"])
        stickers = Counter(d["color"] for d in doc["dots"])
        on_notes = sum(d["on_note"] is not None for d in doc["dots"])
        t = None
        if text is not None and name in text.photos:
            t = match_text(text.photos[name], doc)
        out.append(RealScore(name, dict(notes), dict(stickers), on_notes,
                             colours.photos.get(name), t))
    return out


def real_totals(scores: list[RealScore]) -> dict:
    """The figures over every photo scored: notes right of labelled, stickers, text."""
    lab = [s for s in scores if s.labelled is not None]
    counted = [s for s in scores if s.false_stickers is not None]
    texts = [s.text for s in scores if s.text is not None]
    out: dict = {
        "photos": len(scores),
        "notes_labelled": sum(s.labelled or 0 for s in lab),
        "notes_right": sum(s.right or 0 for s in lab),
        "stickers_counted_photos": len(counted),
        "stickers_labelled": sum(sum(s.labels.stickers.values()) for s in counted
                                 if s.labels is not None and s.labels.stickers is not None),
        "stickers_found": sum(sum(s.found_stickers.values()) for s in counted),
        "stickers_right": sum(s.stickers_right or 0 for s in counted),
        "false_stickers": sum(s.false_stickers or 0 for s in counted),
    }
    if texts:
        edits, chars = sum(t.edits for t in texts), sum(t.chars for t in texts)
        out.update(text_notes=sum(t.notes for t in texts),
                   text_matched=sum(t.matched for t in texts),
                   text_edits=edits, text_chars=chars,
                   text_cer=round(100.0 * edits / chars, 1) if chars else None,
                   text_exact=sum(t.exact for t in texts))
    return out


def real_json(scores: list[RealScore]) -> dict:
    """Everything measured (--json): per photo its labels, what was found, the figures and
    each labelled note's text against its reading; and the totals."""
    photos = []
    for s in scores:
        one: dict = {
            "photo": s.photo,
            "labels": s.labels.model_dump() if s.labels is not None else None,
            "found_notes": s.found_notes,
            "found_stickers": s.found_stickers,
            "stickers_on_notes": s.stickers_on_notes,
            "notes_labelled": s.labelled,
            "notes_right": s.right,
            "stickers_right": s.stickers_right,
            "false_stickers": s.false_stickers,
        }
        if s.text is not None:
            t = s.text
            one["text"] = {"notes": t.notes, "matched": t.matched, "edits": t.edits,
                           "chars": t.chars, "exact": t.exact,
                           "readings": [{"label": a, "read": b} for a, b in t.readings]}
        photos.append(one)
    return {"photos": photos, "all": real_totals(scores)}
