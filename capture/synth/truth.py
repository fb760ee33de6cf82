"""Ground truth in the pipeline's output contract, from what was actually drawn.

A board counts as seen ("boards") when a pipeline can register it: at least one of its
markers lies fully inside the frame, uncovered and large enough. A verbatim board's votes
are only stated when both vote zones are entirely inside the frame; otherwise the board is
listed under "partial_boards" so that scoring stays fair. Notes whose centre is outside
the frame are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from capture.core.model import BoardLayout, KitLayout
from capture.kit.layout import grid_cell
from capture.synth.camera import distort_points, project
from capture.synth.decorate import BoardDeco, NoteDeco
from capture.synth.handwriting import Handwriting, char_labels, text_mask

INK_SAMPLE_PPM = 2.0  # where a note's writing lies: coarse is enough to tell what covers it
INK_SAMPLE_MAX = 600
# which letter each inked point is: finer, a 6 mm letter must hold a few points
CHAR_SAMPLE_PPM = 4.0
CHAR_HIDDEN = 0.5  # a letter more than half of whose ink is hidden cannot be read

MIN_MARKER_PX = 20.0  # a marker smaller than this in the photo is not reliably decodable
MARKER_BORDER_PX = 4.0  # detectors skip markers touching the frame (OpenCV: 3 px by default)

Hidden = Callable[[np.ndarray], np.ndarray]  # photo px (N x 2) -> True where something covers


def _shown(pts: np.ndarray, hidden: Hidden | None) -> np.ndarray:
    return np.ones(len(pts), bool) if hidden is None else ~hidden(pts)


def _distorted(px: np.ndarray, size: tuple[int, int], k1: float) -> np.ndarray:
    """Ideal (pinhole) photo points where the residual lens distortion k1 moves them."""
    return distort_points(px, size, k1) if k1 else px


def _seen(
    px: np.ndarray, size: tuple[int, int], hidden: Hidden | None, k1: float = 0.0
) -> np.ndarray:
    """Ideal photo points that land in the frame once distorted, and that no foreground
    object hides (drawn in ideal pixels)."""
    return _in_frame(_distorted(px, size, k1), size) & _shown(px, hidden)


@dataclass
class BoardView:
    board: str
    homography: np.ndarray  # board mm -> upright photo px
    visible_fraction: float
    markers_visible: list[int]
    registrable: bool
    vote_zones_complete: bool


def _in_frame(pts: np.ndarray, size: tuple[int, int], margin: float = 0.0) -> np.ndarray:
    w, h = size
    return (
        (pts[:, 0] >= margin - 0.5)
        & (pts[:, 0] <= w - 0.5 - margin)
        & (pts[:, 1] >= margin - 0.5)
        & (pts[:, 1] <= h - 0.5 - margin)
    )


def inside_convex(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points strictly inside a convex polygon (any winding)."""
    signs = []
    for i in range(len(poly)):
        a, b = poly[i], poly[(i + 1) % len(poly)]
        signs.append((b[0] - a[0]) * (pts[:, 1] - a[1]) - (b[1] - a[1]) * (pts[:, 0] - a[0]))
    s = np.stack(signs)
    return np.all(s > 0, axis=0) | np.all(s < 0, axis=0)


def _grid(rect: tuple[float, float, float, float], n: int) -> np.ndarray:
    x, y, w, h = rect
    u = (np.arange(n) + 0.5) / n
    gx, gy = np.meshgrid(x + u * w, y + u * h)
    return np.column_stack([gx.ravel(), gy.ravel()])


def board_view(
    board: BoardLayout,
    deco: BoardDeco,
    hmat: np.ndarray,
    size: tuple[int, int],
    hidden: Hidden | None = None,
    k1: float = 0.0,
) -> BoardView:
    """What of one board the photo shows (`hidden`: what a foreground object covers; k1: the
    residual lens distortion, which moves points near the frame edge in or out of it)."""

    def to_photo(pts: np.ndarray) -> np.ndarray:
        return _distorted(project(hmat, pts), size, k1)

    w, h = board.size_mm
    visible = float(_in_frame(to_photo(_grid((0, 0, w, h), 24)), size).mean())
    markers = []
    for m in board.markers:
        quad = np.asarray(m.corners_mm, float)
        pq = to_photo(quad)
        side = float(np.sqrt(abs(_area(pq))))
        (x0, y0), (x1, _), (_, y1), _ = m.corners_mm
        covered = any(
            inside_convex(n.corners_mm(), _grid((x0, y0, x1 - x0, y1 - y0), 5)).any()
            for n in deco.notes
        )
        grid = project(hmat, _grid((x0, y0, x1 - x0, y1 - y0), 5))  # arm: ideal px
        covered = covered or not _shown(grid, hidden).all()
        if _in_frame(pq, size, MARKER_BORDER_PX).all() and side >= MIN_MARKER_PX and not covered:
            markers.append(m.id)
    votes = [z for z in board.zones if z.kind == "vote"]
    complete = bool(votes) and all(
        _in_frame(to_photo(_corners(z.rect_mm)), size, 1.0).all()
        and _shown(project(hmat, _grid(z.rect_mm, 12)), hidden).all()
        for z in votes
    )
    return BoardView(board.id, hmat, visible, markers, bool(markers), complete and bool(markers))


def _corners(rect: tuple[float, float, float, float]) -> np.ndarray:
    x, y, w, h = rect
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], float)


def _area(q: np.ndarray) -> float:
    x, y = q[:, 0], q[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _r(v: float) -> float:
    return round(float(v), 2)


def _note_grid(note: NoteDeco, n: int) -> np.ndarray:
    c = note.corners_mm()
    u = (np.arange(n) + 0.5) / n
    a, b = np.meshgrid(u, u)
    a, b = a.ravel()[:, None], b.ravel()[:, None]
    return c[0] + a * (c[1] - c[0]) + b * (c[3] - c[0])


def note_visibility(
    note: NoteDeco, above: list[NoteDeco], hmat: np.ndarray, size: tuple[int, int]
) -> float:
    """Share of the note inside the frame and not under a note stuck later."""
    pts = _note_grid(note, 9)
    ok = _in_frame(project(hmat, pts), size)
    for other in above:
        ok &= ~inside_convex(other.corners_mm(), pts)
    return float(ok.mean())


def note_covered(note: NoteDeco, above: list[NoteDeco]) -> float:
    """Share of the note under notes stuck later, in or out of the frame."""
    pts = _note_grid(note, 20)
    under = np.zeros(len(pts), bool)
    for other in above:
        under |= inside_convex(other.corners_mm(), pts)
    return float(under.mean())


@lru_cache(maxsize=1024)
def _ink_points(writing: Handwriting, size_mm: float) -> np.ndarray:
    """Note-local mm (a right, b down, 0 at the centre) of up to INK_SAMPLE_MAX inked points."""
    n = max(8, round(size_mm * INK_SAMPLE_PPM))
    ys, xs = np.nonzero(text_mask(writing, n, INK_SAMPLE_PPM) > 0.5)
    step = max(1, len(xs) // INK_SAMPLE_MAX)
    pts = np.stack([xs[::step], ys[::step]], axis=1).astype(np.float64)
    return (pts + 0.5) / INK_SAMPLE_PPM - size_mm / 2


@lru_cache(maxsize=1024)
def _char_points(writing: Handwriting, size_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """Note-local mm of every inked point (as _ink_points, at CHAR_SAMPLE_PPM) and the index
    in writing.text of the character each belongs to (char_labels; an ink pixel the
    unblended glyphs miss, a stroke's soft edge, takes the label of the glyph next to it)."""
    n = max(8, round(size_mm * CHAR_SAMPLE_PPM))
    ink = text_mask(writing, n, CHAR_SAMPLE_PPM) > 0.5
    labels = char_labels(writing, n, CHAR_SAMPLE_PPM)
    for _ in range(4):
        grown = cv2.dilate(labels, np.ones((3, 3), np.uint8))
        labels = np.where(ink & (labels == 0), grown, labels)
    ys, xs = np.nonzero(ink & (labels > 0))
    pts = (np.stack([xs, ys], axis=1).astype(np.float64) + 0.5) / CHAR_SAMPLE_PPM - size_mm / 2
    return pts, labels[ys, xs].astype(np.int64) - 1


def hidden_chars(
    note: NoteDeco,
    above: list[NoteDeco],
    hmat: np.ndarray,
    size: tuple[int, int],
    stickers: tuple[tuple[float, float, float], ...] = (),
) -> list[int]:
    """Indices in note.text of the letters more than CHAR_HIDDEN of whose ink is out of the
    frame, under a note stuck later or under a sticker (as writing_visibility): letters no
    reader, human or OCR, can read."""
    if note.writing is None:
        return []
    local, which = _char_points(note.writing, note.text_mm)
    if not len(local):
        return []
    pts = note.to_board(local)
    ok = _in_frame(project(hmat, pts), size)
    for other in above:
        ok &= ~inside_convex(other.corners_mm(), pts)
    for x, y, r in stickers:
        ok &= np.hypot(pts[:, 0] - x, pts[:, 1] - y) > r
    inked = np.bincount(which, minlength=len(note.text))
    shown = np.bincount(which, weights=ok, minlength=len(note.text))
    return [int(i) for i in np.flatnonzero((inked > 0) & (shown < (1 - CHAR_HIDDEN) * inked))]


def writing_visibility(
    note: NoteDeco,
    above: list[NoteDeco],
    hmat: np.ndarray,
    size: tuple[int, int],
    hidden: Hidden | None = None,
    k1: float = 0.0,
    stickers: tuple[tuple[float, float, float], ...] = (),
) -> float:
    """Share of the note's ink inside the frame, not under a note stuck later, not under a
    sticker (x, y, radius; board mm: stuck after every note, opaque) and not behind a
    foreground object: what any reader, human or OCR, can see of its text."""
    if note.writing is None:
        return 1.0
    local = _ink_points(note.writing, note.text_mm)
    if not len(local):
        return 1.0
    pts = note.to_board(local)
    ok = _seen(project(hmat, pts), size, hidden, k1)
    for other in above:
        ok &= ~inside_convex(other.corners_mm(), pts)
    for x, y, r in stickers:
        ok &= np.hypot(pts[:, 0] - x, pts[:, 1] - y) > r
    return float(ok.mean())


def photo_truth(
    file: str,
    kit: KitLayout,
    decos: dict[str, BoardDeco],
    views: list[BoardView],
    size: tuple[int, int],
    extra: dict,
    hidden: Hidden | None = None,
    k1: float = 0.0,
) -> dict:
    """Per-photo truth, shaped like the pipeline's per-photo JSON (plus scoring extras).
    Stickers and notes whose centre a foreground object hides are left out."""
    seen = [v for v in views if v.registrable]
    votes, actions, notes, dots, partial = [], [], [], [], []
    calibration = []
    for v in seen:
        board = kit.board(v.board)
        deco = decos[v.board]
        for d in deco.dots:
            p = project(v.homography, np.array([d.center_mm]))[0]
            if not _seen(p[None], size, hidden, k1)[0]:
                continue
            item = {
                "board": d.board,
                "zone": d.zone,
                "center_mm": [_r(d.center_mm[0]), _r(d.center_mm[1])],
                "diameter_mm": _r(d.diameter_mm),
                "color": d.color,
                "paint": d.paint,
                "rgb": [round(c) for c in d.rgb],
                "center_px": [_r(p[0]), _r(p[1])],
            }
            (calibration if d.calibration else dots).append(item)
        if board.kind == "verbatim":
            if v.vote_zones_complete:
                by: dict[str, dict[str, int]] = {"agree": {}, "disagree": {}}
                for d in deco.dots:
                    zone = board.zone(d.zone) if d.zone else None
                    if zone is not None and zone.vote:
                        by[zone.vote][d.color] = by[zone.vote].get(d.color, 0) + 1
                votes.append(
                    {
                        "board": board.id,
                        "text": board.text,
                        "agree": sum(by["agree"].values()),
                        "disagree": sum(by["disagree"].values()),
                        "by_color": {k: dict(sorted(c.items())) for k, c in by.items()},
                    }
                )
            else:
                partial.append(board.id)
        for i, n in enumerate(deco.notes):
            centre = project(v.homography, np.array([n.center_mm]))[0]
            if not _seen(centre[None], size, hidden, k1)[0]:
                continue
            corners = n.corners_mm()
            item = {
                "board": n.board,
                "zone": n.zone,
                "text": n.text,
                "color": n.color,
                "center_mm": [_r(n.center_mm[0]), _r(n.center_mm[1])],
                "id": n.id,
                "corners_mm": [[_r(x), _r(y)] for x, y in corners],
                "visible": round(note_visibility(n, deco.notes[i + 1 :], v.homography, size), 3),
                "covered": round(note_covered(n, deco.notes[i + 1 :]), 3),
                "angle_deg": _r(n.angle_deg),
                "rgb": [round(c) for c in n.rgb],
                "center_px": [_r(centre[0]), _r(centre[1])],
            }
            if n.writing is not None:
                item |= {
                    "font": n.writing.font,
                    "ink": n.writing.ink_name,
                    "cap_height_mm": _r(n.writing.cap_mm),
                    "writing_visible": round(
                        writing_visibility(
                            n, deco.notes[i + 1 :], v.homography, size, hidden, k1
                        ),
                        3,
                    ),
                }
            if n.calibration:
                calibration.append(item)
                continue
            zone = board.zone(n.zone) if n.zone else None
            if zone is not None and zone.kind == "grid":
                zx, zy, zw, zh = zone.rect_mm
                x = (n.center_mm[0] - zx) / zw
                y = 1 - (n.center_mm[1] - zy) / zh
                actions.append(
                    {
                        "board": n.board,
                        "zone": n.zone,
                        "text": n.text,
                        "color": n.color,
                        "x": round(x, 4),
                        "y": round(y, 4),
                        "cell": grid_cell(x, y),
                        "center_mm": item["center_mm"],
                    }
                    | {k: v for k, v in item.items() if k not in ("text", "color", "zone", "board")}
                )
            else:
                notes.append(item)
    return {
        "file": file,
        "workshop": kit.workshop,
        "status": "ok",
        "error": None,
        "boards": [v.board for v in seen],
        "votes": votes,
        "actions": actions,
        "notes": notes,
        # --- extensions for scoring and debugging ---
        "partial_boards": partial,
        "dots": dots,
        "calibration_items": calibration,
        "board_views": [
            {
                "board": v.board,
                "visible_fraction": round(v.visible_fraction, 3),
                "registrable": v.registrable,
                "markers_visible": v.markers_visible,
                "vote_zones_complete": v.vote_zones_complete,
                "homography_mm_to_px": [[float(f"{x:.8g}") for x in row] for row in v.homography],
            }
            for v in views
        ],
    } | extra


def session_truth(workshop: str, photos: list[dict]) -> dict:
    """Set-level truth shaped like session.json: each board, vote set and note counted once."""
    votes: dict[str, dict] = {}
    actions: dict[str, dict] = {}
    notes: dict[str, dict] = {}
    keep = ("board", "zone", "text", "color", "center_mm", "id")
    for p in photos:
        for v in p["votes"]:
            votes.setdefault(v["board"], v)
        for a in p["actions"]:
            actions.setdefault(
                a["id"],
                {
                    k: a[k]
                    for k in ("board", "zone", "text", "color", "x", "y", "cell", "center_mm", "id")
                },
            )
        for n in p["notes"]:
            notes.setdefault(n["id"], {k: n[k] for k in keep})
        for n in p["notes"] + p["actions"]:  # the writing as well seen as any photo shows it
            if "writing_visible" in n:
                entry = notes.get(n["id"]) or actions[n["id"]]
                entry["writing_visible"] = max(
                    entry.get("writing_visible", 0.0), n["writing_visible"]
                )
    return {
        "workshop": workshop,
        "photos": [
            {"file": p["file"], "status": p["status"], "error": p["error"], "boards": p["boards"]}
            for p in photos
        ],
        "votes": [votes[k] for k in sorted(votes)],
        "actions": [actions[k] for k in sorted(actions)],
        "notes": [notes[k] for k in sorted(notes)],
        "boards": _session_boards(photos),
    }


def _session_boards(photos: list[dict]) -> list[dict]:
    """Each registered board once: its best view (largest visible share) and every view."""
    best: dict[str, tuple[float, str]] = {}
    views: dict[str, list[str]] = {}
    for p in photos:
        share = {v["board"]: v["visible_fraction"] for v in p.get("board_views", [])}
        for b in p["boards"]:
            views.setdefault(b, []).append(p["file"])
            if b not in best or share.get(b, 0) > best[b][0]:
                best[b] = (share.get(b, 0), p["file"])
    return [{"board": b, "file": best[b][1], "views": views[b]} for b in sorted(best)]
