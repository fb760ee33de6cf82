"""Per-photo JSON and session.json: the output contract, built from the result dataclasses.

Contract keys (never removed or renamed): file, workshop, status, error, boards, votes,
actions, notes. Everything else (flags, confidences, note ids, crop paths, fits, timings)
is an extension a reader may ignore.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from capture import __version__
from capture.core.config import CONFIG, Config
from capture.core.model import (
    BoardLayout,
    BoardResult,
    Flag,
    KitLayout,
    Note,
    OcrLine,
    PhotoResult,
)
from capture.interpret.coverage import zone_coverage
from capture.interpret.flags import render_all
from capture.interpret.merge import Session
from capture.io.atomic import atomic_write_json
from capture.kit.layout import grid_cell
from capture.vision.legibility import source_px_per_mm
from capture.vision.wall_results import MarkerlessResult

CONTRACT_VERSION = 1


def _r(v: float | None, nd: int = 1) -> float | None:
    return None if v is None else round(float(v), nd)


def markerless_to_dict(res: MarkerlessResult, photo: str, crops: Mapping[str, str]) -> dict:
    """The per-photo "markerless" block of the output contract (normalised coordinates as the
    reader gives them); its findings are worded here, by the flag catalogue."""
    flags = render_all(res.findings)
    return {
        "note_side_px": res.note_side_px,
        "wall_plane": res.wall_plane,
        "wall_squares": res.wall_squares,
        "notes": [
            {
                "photo": photo,
                "id": n.id,
                "color": n.color,
                "text": n.text,
                "raw_text": n.raw_text,
                "confidence": n.confidence,
                "ocr_confidence": None if n.ocr_confidence is None else round(n.ocr_confidence, 3),
                "dots": dict(n.dots),
                "center": list(n.center),
                "corners": [list(c) for c in n.corners],
                "group": n.group,
                "row": n.row,
                "col": n.col,
                "neighbours": list(n.neighbours),
                "wall": None if n.wall is None else list(n.wall),
                "crop": crops.get(n.id),
            }
            for n in res.notes
        ],
        "dots": [
            {
                "photo": photo,
                "color": d.color,
                "center": list(d.center),
                "on_note": d.on_note,
                "confidence": d.confidence,
            }
            for d in res.dots
        ],
        "flags": [
            {"code": f.code, "severity": f.severity, "message": f.message, "item": f.item}
            for f in flags
        ],
    }


def flag_dict(flag: Flag) -> dict:
    return {k: v for k, v in asdict(flag).items()}


def _layout(kit: KitLayout, board_id: str) -> BoardLayout | None:
    return next((b for b in kit.boards if b.id == board_id), None)


def _grid_position(note: Note, layout: BoardLayout | None) -> tuple[float, float, str] | None:
    """(x, y, cell) of a note on a grid zone: the note stage's values, else from its centre."""
    if note.x is not None and note.y is not None:
        return note.x, note.y, note.cell or grid_cell(note.x, note.y)
    if layout is None or note.zone is None:
        return None
    zone = next((z for z in layout.zones if z.id == note.zone), None)
    if zone is None or zone.kind != "grid":
        return None
    zx, zy, zw, zh = zone.rect_mm
    x = min(1.0, max(0.0, (note.center_mm[0] - zx) / zw))
    y = min(1.0, max(0.0, 1.0 - (note.center_mm[1] - zy) / zh))  # impact: 0 at the bottom
    return x, y, grid_cell(x, y)


def _note_common(note: Note, file: str, crops: Mapping[str, str], board: BoardResult) -> dict:
    return {
        "id": note.id,
        "file": file,
        "source_px_per_mm": _r(source_px_per_mm(board.fit.homography, *note.center_mm), 2),
        "raw_text": note.raw_text,
        "confidence": _r(note.confidence, 3),
        "ocr_confidence": _r(note.ocr_confidence, 3),
        "corners_mm": [[_r(x), _r(y)] for x, y in note.corners_mm],
        "size_mm": _r(note.size_mm),  # side of the note found (packs of 51, 76, 102 mm)
        "crop": crops.get(note.id),
        "covered": note.covered,  # share under other notes (their ids: covered_by)
        "covered_by": list(note.covered_by),
        "lines": line_dicts(note.ocr_lines),
    }


def line_dicts(lines: Iterable[OcrLine]) -> list[dict]:
    """The written lines a note's text was read from: text, the engine's confidence, and the
    box (4 corners, crop pixels of the note's crop, clockwise from top left)."""
    return [
        {
            "text": ln.text,
            "confidence": _r(ln.confidence, 3),
            "box": [[_r(x), _r(y)] for x, y in ln.box],
        }
        for ln in lines
    ]


def board_entries(
    board: BoardResult, kit: KitLayout, file: str, crops: Mapping[str, str] | None = None
) -> tuple[list[dict], list[dict], list[dict]]:
    """(votes, actions, notes) entries of one board seen in one photo.

    A board with vote zones gives exactly one votes entry (zeros when no sticker was
    found); notes in a grid zone are actions, every other note goes to notes.
    """
    crops = crops or {}
    layout = _layout(kit, board.board)
    votes: list[dict] = []
    vote_zones = [z for z in layout.zones if z.kind == "vote"] if layout else []
    if vote_zones or board.votes:
        entry = {
            "board": board.board,
            "text": layout.text if layout else "",
            "agree": 0,
            "disagree": 0,
            "by_color": {"agree": {}, "disagree": {}},
            "ambiguous": False,
            "file": file,
        }
        for c in kit.sticker_colors:  # every declared colour, zeros included, for stable columns
            entry["by_color"]["agree"][c] = 0
            entry["by_color"]["disagree"][c] = 0
        for vc in board.votes:
            entry[vc.vote] += int(vc.count)
            for colour, n in vc.by_color.items():
                bucket = entry["by_color"][vc.vote]
                bucket[colour] = bucket.get(colour, 0) + int(n)
            entry["ambiguous"] = entry["ambiguous"] or vc.ambiguous
        dots = [d.confidence for d in board.dots if d.zone in {z.id for z in vote_zones}]
        entry["confidence"] = _r(min(dots), 3) if dots else None
        votes.append(entry)
    actions: list[dict] = []
    notes: list[dict] = []
    for note in board.notes:
        pos = _grid_position(note, layout)
        center = [_r(note.center_mm[0]), _r(note.center_mm[1])]
        if pos is not None:
            x, y, cell = pos
            actions.append(
                {
                    "board": board.board,
                    "zone": note.zone,
                    "text": note.text,
                    "color": note.color,
                    "x": round(float(x), 3),
                    "y": round(float(y), 3),
                    "cell": cell,
                    "center_mm": center,
                    **_note_common(note, file, crops, board),
                }
            )
        else:
            notes.append(
                {
                    "board": board.board,
                    "zone": note.zone,
                    "text": note.text,
                    "color": note.color,
                    "center_mm": center,
                    **_note_common(note, file, crops, board),
                }
            )
    return votes, actions, notes


def fit_dict(board: BoardResult) -> dict:
    f = board.fit
    return {
        "board": f.board,
        "markers": list(f.markers),
        "qr": bool(f.qr),
        "qr_match": f.qr_match,  # QR not decoded: its modules compared with the board's own
        "reprojection_error_mm": _r(f.reprojection_error_mm, 2),
        "visible_fraction": _r(f.visible_fraction, 3),
        # board mm -> photo px (upright photo), for the report's overlays
        "homography": _matrix(f.homography),
    }


def _matrix(m: object) -> list[list[float]] | None:
    """A 3x3 matrix as nested lists (7 significant digits), None when absent or malformed."""
    try:
        rows = [[float(f"{float(v):.7g}") for v in row] for row in m]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return rows if len(rows) == 3 and all(len(r) == 3 for r in rows) else None


def dot_dicts(photo: PhotoResult) -> list[dict]:
    """Every sticker found in a photo (board mm), for the report's overlays."""
    return [
        {
            "board": d.board,
            "zone": d.zone,
            "center_mm": [_r(d.center_mm[0], 2), _r(d.center_mm[1], 2)],
            "radius_mm": _r(d.radius_mm, 2),
            "color": d.color,
            "confidence": _r(d.confidence, 3),
        }
        for b in photo.boards
        for d in b.dots
    ]


def photo_to_dict(
    photo: PhotoResult,
    kit: KitLayout,
    crops: Mapping[str, str] | None = None,
    timings: Mapping[str, float] | None = None,
    path: str | None = None,
) -> dict:
    """The per-photo JSON document (OUT/photos/<stem>.json)."""
    votes: list[dict] = []
    actions: list[dict] = []
    notes: list[dict] = []
    flags = [flag_dict(f) for f in photo.flags]
    for board in photo.boards:
        v, a, n = board_entries(board, kit, photo.file, crops)
        votes += v
        actions += a
        notes += n
        flags += [flag_dict(f) for f in board.flags]
    extra = {}
    if getattr(photo, "markerless", None) is not None:
        ml = photo.markerless
        extra["markerless"] = markerless_to_dict(ml, photo.file, crops or {})
    return {
        **extra,
        "file": photo.file,
        "workshop": kit.workshop,
        "status": photo.status,
        "error": photo.error,
        "boards": [b.board for b in photo.boards],
        "votes": votes,
        "actions": actions,
        "notes": notes,
        "error_code": photo.error_code,
        "duplicate_of": photo.duplicate_of,
        "path": path,
        "sha256": photo.sha256,
        "size_px": list(photo.size_px) if photo.size_px else None,
        "sharpness": _r(photo.sharpness, 2),
        "fits": [fit_dict(b) for b in photo.boards],
        "dots": dot_dicts(photo),
        "flags": flags,
        "timings_s": {k: round(float(v), 3) for k, v in (timings or {}).items()},
        "contract_version": CONTRACT_VERSION,
        "tool_version": __version__,
    }


def coverage_dicts(session: Session, kit: KitLayout, config: Config = CONFIG) -> list[dict]:
    """Every zone of every workshop board with the share of it any photo saw (0: unseen)."""
    views: dict[str, list] = {}
    for photo in session.photos:
        if photo.status != "ok":
            continue
        # no frame size (outputs of an older version): the view is taken as seeing all it found
        size = tuple(photo.size_px) if photo.size_px else (10**9, 10**9)
        for b in photo.boards:
            h = _matrix(b.fit.homography)
            if h is not None:
                views.setdefault(b.board, []).append((np.asarray(h), size))
    out = []
    for board in kit.boards:
        if board.kind == "calibration":
            continue
        for c in zone_coverage(board, views.get(board.id, []), config.merge.coverage_samples):
            entry: dict = {"board": c.board, "zone": c.zone, "kind": c.kind,
                           "coverage": round(c.seen, 3)}
            if c.cells:
                entry["cells"] = {label: round(share, 3) for label, share in c.cells}
            out.append(entry)
    return out


@dataclass(frozen=True)
class SessionEntries:
    """session.json's votes, actions and notes, each entry as written."""

    votes: list[dict]
    actions: list[dict]
    notes: list[dict]


def session_to_dict(
    session: Session,
    kit: KitLayout,
    photo_docs: Mapping[str, str] | None = None,
    crops: Mapping[str, Mapping[str, str]] | None = None,
) -> dict:
    """session.json from a merged Session (capture.interpret.merge.Session).

    photo_docs: file -> relative path of its per-photo JSON; crops: file -> note id -> crop path.
    """
    photo_docs = photo_docs or {}
    entries = _session_entries(session, kit, crops or {})
    votes, actions, notes = entries.votes, entries.actions, entries.notes
    zones = coverage_dicts(session, kit)
    seen = {(z["board"], z["zone"]): z["coverage"] for z in zones}
    for entry in votes:  # how much of each vote zone the counts could come from
        layout = _layout(kit, entry["board"])
        entry["coverage"] = {z.vote: seen.get((entry["board"], z.id), 0.0)
                             for z in (layout.zones if layout else ()) if z.kind == "vote"}
    for entry in actions + notes:
        entry["zone_coverage"] = seen.get((entry["board"], entry.get("zone")))
    return {
        "workshop": kit.workshop,
        "photos": [
            {
                "file": p.file,
                "status": p.status,
                "error": p.error,
                "boards": [b.board for b in p.boards],
                "error_code": p.error_code,
                "duplicate_of": p.duplicate_of,
                "json": photo_docs.get(p.file),
            }
            for p in session.photos
        ],
        "votes": votes,
        "actions": actions,
        "notes": notes,
        "boards": [
            {
                "board": b,
                "file": view.file,
                "views": session.views.get(b, []),
                **{k: v for k, v in fit_dict(view.result).items() if k != "board"},
            }
            for b, view in session.boards.items()
        ],
        "flags": [flag_dict(f) for f in session.flags],
        "zones": zones,
        "skipped": list(session.skipped),
        "contract_version": CONTRACT_VERSION,
        "tool_version": __version__,
    }


def _session_entries(session: Session, kit: KitLayout,
                     crops: Mapping[str, Mapping[str, str]]) -> SessionEntries:
    """Every board's entries from its chosen view, texts from the view that read each note
    best, plus the notes only other views saw."""
    votes: list[dict] = []
    actions: list[dict] = []
    notes: list[dict] = []
    for board_id, view in session.boards.items():
        v, a, n = board_entries(view.result, kit, view.file, crops.get(view.file))
        for entry in v:
            entry["views"] = len(session.views.get(board_id, []))
        for entry in a + n:  # text from the view that read the note best (see merge)
            if (r := session.readings.get((board_id, entry["id"]))) is not None:
                entry["text_from"] = {
                    "file": r.file,
                    "id": r.note,
                    "crop": crops.get(r.file, {}).get(r.note),
                    "text": entry["text"],  # as the chosen view read it
                    "ocr_confidence": entry["ocr_confidence"],
                }
                entry.update(
                    text=r.text, raw_text=r.raw_text, ocr_confidence=r.ocr_confidence,
                    lines=line_dicts(r.lines),  # boxes in text_from's crop
                )
            entry["best_px_per_mm"] = _r(session.resolution.get((view.file, entry["id"])), 2)
            _seen_in(entry, session, view.file)
        votes += v
        actions += a
        notes += n
        for extra in session.extras.get(board_id, []):  # notes the chosen view lacks
            _, ea, en = board_entries(extra.result, kit, extra.file, crops.get(extra.file))
            for entry in ea + en:
                entry["other_view"] = True
                entry["best_px_per_mm"] = _r(session.resolution.get((extra.file, entry["id"])), 2)
                _seen_in(entry, session, extra.file)
            actions += ea
            notes += en
    return SessionEntries(votes, actions, notes)


def _seen_in(entry: dict, session: Session, file: str) -> None:
    """The same note in the board's other photos: a correction made on any of them reaches
    this session note (capture apply)."""
    others = session.sightings.get((file, entry["id"]))  # type: ignore[attr-defined]
    if others:
        entry["seen_in"] = [{"file": f, "id": n} for f, n in others]


def write_photo_json(out_dir: Path, stem: str, doc: dict) -> Path:
    return atomic_write_json(Path(out_dir) / "photos" / f"{stem}.json", doc)


def write_session_json(out_dir: Path, doc: dict) -> Path:
    return atomic_write_json(Path(out_dir) / "session.json", doc)
