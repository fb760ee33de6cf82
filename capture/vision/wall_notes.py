"""Finding the notes and their outlines (markerless, no board): after wall_surface.

cover_notes runs the board's note finder (notes.find_squares) on the search image, band by
size band, with the lone notes, parts and quads note_shapes finds; notes_from_outlines keeps
one WallNote per note: its paper colour (paper_colour), how much of it shows (paper_share,
_runs_on: cut by the frame, hidden sides), one paper split in two merged (_one_paper). Then
how the notes stand: wall_plane (the wall's perspective from their quads) and places (groups,
rows, columns). wall_stickers finds the dots on them next.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.core.config import Config, MarkerlessConfig, NotesConfig
from capture.vision.colour import classify_map
from capture.vision.note_outline import (
    FittedQuad,
    fit_paper_quad,
    seam_along,
    settle_quads,
    shown_inside,
    split_at_seam,
)
from capture.vision.note_runs import relay_runs
from capture.vision.note_shapes import (
    enclosing_quad,
    lone_quads,
    lone_rectangles,
    order_corners,
    part_quads,
    scale_bands,
    strip_shaped,
)
from capture.vision.note_stack import edge_steps, overlap_share
from capture.vision.notes import (
    Square,
    _edge_map,
    _fill_holes,
    _ink_free_median,
    _square_corners,
    find_squares,
)
from capture.vision.wall_surface import (
    apply_gains,
    background_blobs,
    far_from,
    foreground,
    grey_surface,
    notes_in_background,
    rgb8_to_lab,
    wall_colour,
)
from capture.vision.wall_types import NotePlace, Probe, WallNote, WorkImages


def colour_edges(lab: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray:
    """Where the colour steps (two pixels either way differ by more than edge_delta_e,
    lightness down-weighted as against a wall): the seam between two notes of different
    colours stuck edge to edge, and the outline of the writing on a note."""
    gap = cfg.edge_gap_px
    d = np.zeros(lab.shape[:2], np.float32)
    dx = foreground(lab[:, 2 * gap :], lab[:, : -2 * gap], cfg.fg_l_weight)
    dy = foreground(lab[2 * gap :], lab[: -2 * gap], cfg.fg_l_weight)
    d[:, gap:-gap] = dx
    d[gap:-gap] = np.maximum(d[gap:-gap], dy)
    return d > cfg.edge_delta_e


def poly_mask(shape: tuple[int, int], corners: np.ndarray) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, np.round(corners).astype(np.int32), 1)
    return m.astype(bool)


def _poly_pixels(img: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """img[poly_mask(img.shape[:2], corners)]: the image's pixels inside a convex polygon,
    in the same order, the polygon drawn over its bounding box only (not the whole image)."""
    pts = np.round(corners).astype(np.int32)
    h, w = img.shape[:2]
    x0, y0 = np.clip(pts.min(0), 0, (w, h))
    x1, y1 = np.clip(pts.max(0) + 1, 0, (w, h))
    if x1 <= x0 or y1 <= y0:
        return img[:0, :0].reshape((0, *img.shape[2:]))
    box = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(box, pts - np.array([x0, y0], np.int32), 1)
    return img[y0:y1, x0:x1][box.astype(bool)]


def _refine_quad(mask: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The note's own four corners when its blob around the square is a clean quadrilateral
    (a lone note seen in perspective is a trapezoid, not a square), else the square's."""
    c = corners.mean(0)
    grown = c + (corners - c) * 1.2
    x0, y0 = np.maximum(np.floor(grown.min(0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(grown.max(0)).astype(int) + 1, (mask.shape[1], mask.shape[0]))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return corners
    _n, labels = cv2.connectedComponents(mask[y0:y1, x0:x1].astype(np.uint8), connectivity=4)
    own = labels[
        min(int(c[1]) - y0, labels.shape[0] - 1),
        min(int(c[0]) - x0, labels.shape[1] - 1),
    ]
    if own == 0:
        return corners
    sub = (labels == own).astype(np.uint8)
    cs, _ = cv2.findContours(sub, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return corners
    hull = cv2.convexHull(max(cs, key=cv2.contourArea))
    quad = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True).reshape(-1, 2)
    if len(quad) != 4:
        return corners
    quad = order_corners(quad.astype(np.float64) + np.array([x0, y0], np.float64))
    area_sq = cv2.contourArea(corners.astype(np.float32))
    area_q = cv2.contourArea(quad.astype(np.float32))
    # the blob must be this note alone: about its area, its centre near the square's, and
    # not running to the grown window's edge (a neighbour of the same colour touching it)
    if not 0.85 * area_sq <= area_q <= 1.1 * area_sq:
        return corners
    side = np.sqrt(area_sq)
    if np.linalg.norm(quad.mean(0) - c) > 0.1 * side:
        return corners
    if np.linalg.norm(quad - corners, axis=1).max() > 0.1 * side:
        return corners  # not this square's own corners: a neighbour, a shadow joined it
    return quad


def _linked(near: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Labels of the groups an N x N "near" relation chains items into (single linkage),
    numbered in the order the items' first members come in `order`."""
    label = -np.ones(len(near), int)
    k = 0
    for start in order:
        if label[start] >= 0:
            continue
        stack = [start]
        label[start] = k
        while stack:
            i = stack.pop()
            for j in np.nonzero(near[i] & (label < 0))[0]:
                label[j] = k
                stack.append(j)
        k += 1
    return label


def places(centres: np.ndarray, side: float, cfg: MarkerlessConfig) -> list[NotePlace]:
    """Groups (notes chained by gaps under group_gap_frac x side), rows and columns in each,
    and each note's neighbours (the notes of its group within 1.6 x side of it)."""
    n = len(centres)
    if n == 0:
        return []
    d = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    near = d < (1.0 + cfg.group_gap_frac) * side
    group = _linked(near, np.lexsort((centres[:, 0], centres[:, 1])))
    g = int(group.max()) + 1

    def bands(v: np.ndarray) -> np.ndarray:
        idx = np.argsort(v)
        out = np.zeros(len(v), int)
        k = 0
        for a, b in itertools.pairwise(idx):
            out[a] = k
            if v[b] - v[a] > cfg.row_frac * side:
                k += 1
        out[idx[-1]] = k
        return out

    rows = np.zeros(n, int)
    cols = np.zeros(n, int)
    for gi in range(g):
        sel = np.nonzero(group == gi)[0]
        rows[sel] = bands(centres[sel, 1])
        cols[sel] = bands(centres[sel, 0])
    return [
        NotePlace(
            int(group[i]),
            int(rows[i]),
            int(cols[i]),
            tuple(int(j) for j in np.nonzero(near[i] & (group == group[i]))[0] if j != i),
        )
        for i in range(n)
    ]


def _square_errors(h: np.ndarray, quads: list[np.ndarray]) -> np.ndarray:
    """How far each quad (photo px, TL TR BR BL) is from a square once through h: the spread
    of its sides over their mean plus its diagonals' ratio off 1 (0 for a square; a 76 x 127
    card 0.25, a 38 x 51 note 0.15)."""
    out = np.ones(len(quads))
    for k, q in enumerate(quads):
        p = cv2.perspectiveTransform(q.reshape(-1, 1, 2), h).reshape(4, 2)
        sides = np.linalg.norm(np.roll(p, -1, 0) - p, axis=1)
        d0, d1 = np.linalg.norm(p[2] - p[0]), np.linalg.norm(p[3] - p[1])
        if sides.min() > 0 and d1 > 0:
            out[k] = np.std(sides) / np.mean(sides) + abs(d0 / d1 - 1)
    return out


def _mean_sides(h: np.ndarray, quads: list[np.ndarray]) -> np.ndarray:
    """Each quad's mean side once through h."""
    on = [cv2.perspectiveTransform(q.reshape(-1, 1, 2), h).reshape(4, 2) for q in quads]
    return np.array([np.linalg.norm(np.roll(p, -1, 0) - p, axis=1).mean() for p in on])


def _pack_sides(sides: np.ndarray, band: float) -> np.ndarray:
    """Each square's pack side: the median of the sides within band (relative) of its own."""
    near = np.abs(np.log(sides[:, None] / sides[None, :])) < np.log1p(band)
    return np.array([np.median(sides[row]) for row in near])


def _nearest_square(p: np.ndarray, side: float) -> np.ndarray:
    """The square of the given side nearest the four points p (TL TR BR BL): its centre
    theirs, its turn the least-squares one, corners in p's order."""
    z = p[:, 0] + 1j * p[:, 1]
    zc = z - z.mean()
    unit = np.array([-1 - 1j, 1 - 1j, 1 + 1j, -1 + 1j]) / 2  # y down: clockwise as seen
    turn = np.sum(np.conj(unit) * zc)
    f = unit * (turn / abs(turn) if abs(turn) > 0 else 1) * side + z.mean()
    return np.stack([f.real, f.imag], 1)


def plane_squares(h: np.ndarray | None, quads: list[np.ndarray], cfg: MarkerlessConfig) -> int:
    """How many of the quads (photo px) are squares under the wall plane h (0 with none): the
    notes its estimate rests on."""
    if h is None or not quads:
        return 0
    qs = [np.asarray(q, np.float64).reshape(4, 2) for q in quads]
    return int((_square_errors(np.asarray(h, np.float64), qs) < cfg.wall_max_error).sum())


def wall_plane(quads: list[np.ndarray], note_mm: float, cfg: MarkerlessConfig) -> np.ndarray | None:
    """A homography from photo px to the wall plane (nominal mm: the squares of the most
    common size measure note_mm), when the outlines of notes seen whole (each side fitted to
    its paper, or a clean quadrilateral blob) show at least wall_min_quads squares that agree
    on one; None when they do not (no sound estimate).

    Packs are not all squares (cards of 76 x 127 and 102 x 152 mm, small 38 x 51 mm notes) nor
    all of one size (100 mm squares beside the usual 76 mm), so no note is taken for a square
    of note_mm until the others agree: each quad is tried as a square (a homography from its
    four corners), and the one under which most of the others are squares too (their error,
    _square_errors, under wall_max_error; a card stays a card whatever square is tried, a
    square seen in perspective is one only under the wall's plane) wins, the least median
    error between equals. Its plane rests on one note's four corners, each off by a px or
    so: it is fitted again through the corners of every square that agrees (each square's
    target the nearest square of its pack's side, so that squares of one pack have one size
    wherever they lie: that gradient across the wall is the perspective), wall_refine_rounds
    times while no square is lost. The scale last: the pack most squares belong to
    (sides within wall_pack_band of each other) is the usual one, note_mm. That pack must
    hold wall_min_quads squares: squares of one size wherever they lie are what fix the
    perspective (a card and a false note taken for squares with it agree in shape, not in
    size); else the next quad tried as a square is refitted, and with none None. Of the two
    square packs sold (wall_square_packs_mm, 100 and 76 mm), seen together, the smaller is
    the usual one even when fewer of them are seen whole."""
    if len(quads) < cfg.wall_min_quads:
        return None
    qs = [np.asarray(q, np.float64).reshape(4, 2) for q in quads]
    dst = np.array([(0, 0), (note_mm, 0), (note_mm, note_mm), (0, note_mm)], np.float32)
    tries = [cv2.getPerspectiveTransform(q.astype(np.float32), dst) for q in qs]
    errs = np.array([_square_errors(h, qs) for h in tries])
    cost = np.minimum(errs, cfg.wall_max_error).sum(1)
    tried: set[frozenset[int]] = set()
    for i in np.argsort(cost, kind="stable"):
        agree = errs[i] < cfg.wall_max_error
        key = frozenset(np.nonzero(agree)[0].tolist())
        if agree.sum() < cfg.wall_min_quads or key in tried:
            continue  # too few squares with it, or the same squares as a seed tried
        tried.add(key)
        h, square = _refit(tries[i], agree, qs, cfg)
        sides = _mean_sides(h, [qs[k] for k in np.nonzero(square)[0]])
        near = np.abs(np.log(sides[:, None] / sides[None, :])) < np.log1p(cfg.wall_pack_band)
        usual = near[int(np.argmax(near.sum(1)))]
        if usual.sum() < cfg.wall_min_quads:
            continue  # no pack seen square wall_min_quads times: its plane is no sound one
        side = float(np.median(sides[usual]))
        # two square packs are sold, 76 and 100 mm: when the more common pack here has
        # wall_min_quads squares beside it smaller by their ratio, it is the larger one
        big, small = cfg.wall_square_packs_mm
        other = np.abs(np.log(sides * big / small / side)) < np.log1p(cfg.wall_pack_band)
        if other.sum() >= cfg.wall_min_quads:
            side = float(np.median(sides[other]))
        f = note_mm / side
        h = np.diag([f, f, 1.0]) @ h
        return h / h[2, 2]
    return None


def _refit(
    h: np.ndarray, square: np.ndarray, qs: list[np.ndarray], cfg: MarkerlessConfig
) -> tuple[np.ndarray, np.ndarray]:
    """The plane h fitted again through the corners of every quad that is a square under it
    (square), each square's target the nearest square of its pack's side (_pack_sides),
    wall_refine_rounds times while no square is lost; and which quads are squares under it."""
    for _ in range(cfg.wall_refine_rounds):
        on = [qs[k] for k in np.nonzero(square)[0]]
        pack = _pack_sides(_mean_sides(h, on), cfg.wall_pack_band)
        target = [
            _nearest_square(cv2.perspectiveTransform(q.reshape(-1, 1, 2), h).reshape(4, 2), s)
            for q, s in zip(on, pack, strict=True)
        ]
        fit, _ = cv2.findHomography(np.concatenate(on), np.concatenate(target), 0)
        if fit is None:
            break
        now = _square_errors(fit, qs) < cfg.wall_max_error
        if now.sum() < square.sum():
            break  # the fit lost a square: the plane before it stands
        h, square = fit, now
    return h, square


@dataclass(frozen=True, eq=False)
class Outline:
    corners: np.ndarray  # search px, TL TR BR BL
    score: float
    own_quad: bool  # the note's own four corners (not a fitted square's): shows perspective
    # a title strip (note_shapes.strip_shaped) whose seam was looked for and not found: not split
    strip: bool = False


def _band_notes_cfg(config: Config, side_b: float) -> NotesConfig:
    """The note finder's settings for one size band: a lone note keeps the size it shows
    (every size in lone_side_range is a "pack"), lone shapes as perspective makes them."""
    m = config.markerless
    lo, hi = m.lone_side_range
    return replace(
        config.notes,
        lone_aspect_max=m.lone_aspect_max,
        lone_fill_min=m.lone_fill_min,
        size_tolerance=max(1 - lo, hi - 1),
        pack_sizes_mm=tuple(float(s) for s in np.arange(lo * side_b, hi * side_b, 0.08 * side_b)),
    )


def _without_room(
    mask: np.ndarray, probe: Probe, img: WorkImages, m: MarkerlessConfig
) -> np.ndarray:
    """The mask (search px) without the blobs the probe found far larger than the notes
    (Probe.room: a folder, a book cover): one such blob is one thing, not a block of notes.
    A blob much larger than the thing measured (it joined notes) is kept, and so is one of
    several colours (a board with notes on it: notes are on it, not of it)."""
    if not probe.room:
        return mask
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 4)
    out = mask.copy()
    k = img.fw * img.fs  # search px per photo px
    h, w = mask.shape
    for x, y, s in probe.room:
        i = labels[min(h - 1, max(0, round(y * k))), min(w - 1, max(0, round(x * k)))]
        if not i or stats[i, cv2.CC_STAT_AREA] > m.room_area_max * (s * k) ** 2:
            continue
        blob = labels == i
        ab = img.lab_s[blob][:, 1:].astype(np.float64)  # a folder's spine: its colour darker
        dist = np.linalg.norm(ab - np.median(ab, axis=0), axis=1)
        if np.mean(dist < m.edge_delta_e) >= m.room_even_min:
            out[blob] = False
    return out


def _closed_at_frame(piece: np.ndarray, at_frame: tuple[bool, bool, bool, bool]) -> np.ndarray:
    """A piece of the mask (its blob's box) with what the photo's frame opens closed:
    at_frame says which sides of the box (top, bottom, left, right) are the frame's. Along
    such a side the frame is drawn in between the first and last pixel where the piece meets
    it, and what that encloses is the piece's: a folder's label cut by the frame is a hole
    in the card, not a notch in its outline (medium --clutter seeds 53 and 54: folders
    reaching the frame through their label measured 0.81-0.94 of their hull, under
    cover_hull_min, and were covered with squares)."""
    if not any(at_frame):
        return piece
    pad = np.pad(piece, 1, constant_values=False)
    lines = (pad[1], pad[-2], pad[:, 1], pad[:, -2])
    drawn = False
    for k, (side, line) in enumerate(zip(at_frame, lines, strict=True)):
        on = np.flatnonzero(line)
        if not side or not len(on):
            continue
        span = slice(on[0], on[-1] + 1)
        if k == 0:
            pad[0, span] = True
        elif k == 1:
            pad[-1, span] = True
        elif k == 2:
            pad[span, 0] = True
        else:
            pad[span, -1] = True
        drawn = True
    if not drawn:
        return piece
    # only the holes the frame opened: those the piece encloses by itself stay out, as a
    # piece wholly in view has them (its area is counted without them either way)
    opened = _outside(np.pad(piece, 1, constant_values=False)) & ~_outside(pad)
    return (pad | opened)[1:-1, 1:-1]


def _outline_area(shape: np.ndarray) -> float:
    """The area (px) inside a shape's outer outlines, its holes counted."""
    cs, _ = cv2.findContours(shape.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros(shape.shape, np.uint8)
    cv2.drawContours(filled, cs, -1, 1, -1)
    return float(filled.sum())


def _outside(shape: np.ndarray) -> np.ndarray:
    """The pixels not in a shape (bool) that reach its box's border through one another."""
    n, lbl = cv2.connectedComponents((~shape).astype(np.uint8), connectivity=4)
    border = np.concatenate([lbl[0], lbl[-1], lbl[:, 0], lbl[:, -1]])
    open_border = ~np.concatenate([shape[0], shape[-1], shape[:, 0], shape[:, -1]])
    reach = np.zeros(n, bool)
    reach[np.unique(border[open_border])] = True
    return reach[lbl] & ~shape


def _one_cover(
    lab: np.ndarray, piece: np.ndarray, m: MarkerlessConfig, outline: np.ndarray | None = None
) -> bool:
    """Whether a piece of the mask (lab: CIELAB over its window) is one flat paper: convex
    (cover_hull_min of its convex hull: a card's straight edges; a wall's lit part that
    joined a note is ragged), of one hue (room_even_min of it within edge_delta_e of its
    median in a and b; a spine or shading is the same hue darker) and unwritten (under
    cover_ink_max of its inside, its outline filled and drawn in by a few px, lies
    cover_ink_l darker than its median L*). outline: the piece with what the frame opens
    closed (_closed_at_frame), whose outline is the card's; None: the piece's own."""
    shape = piece if outline is None else outline
    cs, _ = cv2.findContours(shape.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return False
    outer = max(cs, key=cv2.contourArea)
    if cv2.contourArea(outer) < m.cover_hull_min * cv2.contourArea(cv2.convexHull(outer)):
        return False
    px = lab[piece].astype(np.float64)
    ab = px[:, 1:]
    near = np.linalg.norm(ab - np.median(ab, axis=0), axis=1) < m.edge_delta_e
    if near.mean() < m.room_even_min:
        return False
    filled = np.zeros(piece.shape, np.uint8)
    cv2.drawContours(filled, cs, -1, 1, -1)
    inner = cv2.erode(filled, np.ones((7, 7), np.uint8)).astype(bool)
    if not inner.any():
        return False
    dark = lab[..., 0][inner] < float(np.median(px[:, 0])) - m.cover_ink_l
    return float(dark.mean()) < m.cover_ink_max


def _blob_pieces(
    mask: np.ndarray, lab_s: np.ndarray, side_at: Callable[[np.ndarray], float],
    area_min: float, m: MarkerlessConfig, clear_of_frame: bool = False,
) -> Iterator[tuple[tuple[slice, slice], np.ndarray, float, int, np.ndarray, np.ndarray]]:
    """Each blob of the mask (search px) of area_min notes' area or more (side_at: the side
    expected at its centre), cut where its lightness steps (find_squares' edge map over
    cover_edge, computed once, only if a blob is that large): its box, its pixels there,
    the side, and the pieces as connectedComponentsWithStats gives them (count, labels,
    stats). clear_of_frame: blobs touching the frame are left out."""
    n, labels, stats, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 4)
    h, w = mask.shape
    edges = None
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        side = side_at(cents[i])
        if area < area_min * side * side:
            continue
        if clear_of_frame and (x == 0 or y == 0 or x + bw >= w or y + bh >= h):
            continue  # (a blob reaching the frame is background_blobs')
        if edges is None:
            edges = _edge_map(lab_s[..., 0]) > m.cover_edge
        win = np.s_[y : y + bh, x : x + bw]
        blob = labels[win] == i
        k, pl, ps, _ = cv2.connectedComponentsWithStats((blob & ~edges[win]).astype(np.uint8), 4)
        yield win, blob, side, k, pl, ps


def _without_covers(
    mask: np.ndarray, lab_s: np.ndarray, side_at: Callable[[np.ndarray], float],
    m: MarkerlessConfig,
) -> np.ndarray:
    """The mask (search px) without folders and book covers (_one_cover): a blob cut where
    its lightness steps (find_squares' edge map over cover_edge) into pieces, a piece of
    cover_area_min to cover_area_max notes' area (side_at: the side expected there) that is
    one flat unwritten paper taken out, with what of its blob is left narrower than
    cover_strip_frac of a side (its spine, the band its edges were cut at). Notes stuck edge
    to edge show a seam (or writing) between each, so their pieces are each about a note."""
    out = mask
    h, w = mask.shape
    for win, blob, side, k, pl, ps in _blob_pieces(mask, lab_s, side_at, m.cover_area_min, m):
        least = m.cover_area_min * side * side
        most = m.cover_area_max * side * side
        gone = np.zeros(blob.shape, bool)
        frame = (win[0].start == 0, win[0].stop >= h, win[1].start == 0, win[1].stop >= w)
        for j in range(1, k):
            # a card's size is its outline's: its label (a hole in the piece) and what the
            # frame hides of its edge count (the box bounds it: most pieces end here)
            if ps[j, cv2.CC_STAT_WIDTH] * ps[j, cv2.CC_STAT_HEIGHT] < least:
                continue
            closed = _closed_at_frame(pl == j, frame)
            if not least <= _outline_area(closed) <= most:
                continue
            if _one_cover(lab_s[win], pl == j, m, closed):
                gone |= pl == j
        if not gone.any():
            continue
        rest = (blob & ~gone).astype(np.uint8)
        half = cv2.distanceTransform(rest, cv2.DIST_L2, 3)
        k2, rl = cv2.connectedComponents(rest, connectivity=4)
        wide = np.zeros(k2, bool)
        wide[rl[half >= 0.5 * m.cover_strip_frac * side]] = True
        wide[0] = False
        if out is mask:
            out = mask.copy()
        out[win] &= ~(blob & ~wide[rl])
    return out


def _boards(
    mask: np.ndarray, lab_s: np.ndarray, side_at: Callable[[np.ndarray], float],
    m: MarkerlessConfig,
) -> np.ndarray:
    """The pixels (search px) of boards hung on the wall that hold notes (a pin board, a cork
    or kraft panel under the tenth of the photo a bare surface needs), to be taken out of the
    mask as a surface local to its blob. A blob of the mask clear of the photo's frame is
    one when its largest piece, cut where the lightness steps (the covers' edge map), spans
    board_area_min notes' area or more, surface_share of it within fg_delta_e of its own
    mode, and it is unwritten and holds notes: with its holes under half a note filled
    (grain, pins, letters), under board_ink_max of it lies cover_ink_l darker than its
    median L*, and board_notes_min of its larger holes are of other colours (the notes on
    it). Notes stuck edge to edge show a seam between each, so they are cut into pieces of
    about a note; where the seams are too faint to cut, each note of the block carries
    writing and holds no note. The board's own colour goes, the notes' ink filled back, with
    what is left narrower than the note mask's opening (grain, the board's rim)."""
    out = np.zeros(mask.shape, bool)
    ks = max(3, round(m.note_open_mm)) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ks, ks))
    pieces = _blob_pieces(mask, lab_s, side_at, m.board_area_min, m, clear_of_frame=True)
    for win, blob, side, _k, pl, ps in pieces:
        least = m.board_area_min * side * side
        j = 1 + int(np.argmax(ps[1:, cv2.CC_STAT_AREA]))
        if ps[j, cv2.CC_STAT_AREA] < least:
            continue
        piece = pl == j
        lab = lab_s[win]
        px = lab[piece].astype(np.float64)
        mode = wall_colour(px.reshape(-1, 1, 3), m)
        if np.mean(foreground(px, mode, m.fg_l_weight) < m.fg_delta_e) < m.surface_share:
            continue
        whole = _fill_holes(piece, 0.5 * side * side)
        inner = cv2.erode(whole.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
        ink = float(np.mean(lab[..., 0][inner] < float(np.median(px[:, 0])) - m.cover_ink_l))
        if ink >= m.board_ink_max:
            continue
        filled = np.zeros(piece.shape, np.uint8)
        cs, _ = cv2.findContours(piece.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(filled, cs, -1, 1, -1)
        hk, hl, hs, _ = cv2.connectedComponentsWithStats(
            (filled.astype(bool) & ~whole).astype(np.uint8), 4
        )
        held = 0
        for q in range(1, hk):
            if hs[q, cv2.CC_STAT_AREA] >= 0.5 * side * side:
                far = foreground(lab[hl == q].astype(np.float64), mode, m.fg_l_weight)
                held += int(np.mean(far > m.fg_delta_e) >= m.surface_share)
        if held < m.board_notes_min:
            continue
        rest = _fill_holes(blob & (foreground(lab, mode, m.fg_l_weight) > m.fg_delta_e),
                           0.5 * side * side)
        rest = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_OPEN, disc).astype(bool)
        out[win] |= blob & ~rest
    return out


def cover_notes(
    img: WorkImages,
    probe: Probe,
    note_refs: dict[str, np.ndarray],
    config: Config,
) -> list[Outline]:
    """Note outlines (search px): lone rectangles as they are, the rest covered with squares
    of the size expected where each blob lies."""
    m = config.markerless
    side = m.note_mm
    lab_s = img.lab_s
    surfaces = [np.array(s) for s in probe.surfaces]
    mask = far_from(lab_s, surfaces, m, probe.paper, probe.closeup, probe.local)
    # a sticker stuck across a note's edge would pull its square outward: opened away
    k = max(3, round(m.note_open_mm)) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    # (holes first filled: ink and stickers inside a note must not open it up)
    filled = _fill_holes(mask, 0.5 * side * side).astype(np.uint8)
    mask &= cv2.morphologyEx(filled, cv2.MORPH_OPEN, disc).astype(bool)
    mask = _without_room(mask, probe, img, m)
    to_photo = 1.0 / (img.fs * img.fw)

    def side_at(c: np.ndarray) -> float:
        b = scale_bands(probe.scale, np.asarray(c, np.float64)[None] * to_photo, m)[0]
        return side * (1 + m.scale_band_step) ** b

    mask = _without_covers(mask, lab_s, side_at, m)
    mask = mask & ~_boards(mask, lab_s, side_at, m)
    background = background_blobs(mask, side * side)
    edges_c = colour_edges(lab_s, m)
    mask = (mask & ~background) | notes_in_background(
        lab_s, mask & background, edges_c, side * side, m
    )
    cls_s, _ = classify_map(lab_s, note_refs)
    rects, mask = lone_rectangles(mask, side, config, cls_s)
    quads, mask = lone_quads(mask, side_at, config, lab_s)
    parts, mask = part_quads(mask, edges_c, side_at, config)
    quads += parts
    valid = np.ones(mask.shape, bool)

    def paper_of(sq: Square) -> np.ndarray | None:
        poly = _square_corners(sq.cx, sq.cy, 0.6 * sq.side, sq.angle)
        px = _poly_pixels(lab_s, poly)
        return _ink_free_median(px) if len(px) >= 10 else None

    _n, labels, _st, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    band = scale_bands(probe.scale, cents * to_photo, m)
    band[0] = np.iinfo(int).min  # the background label
    squares: list[Square] = []
    mask_c = np.zeros_like(mask)
    # a blob reaching the photo's frame may have squares reaching past it, off the photo (as a
    # board's search does): a note the frame cuts is still a square of its size, not one
    # squeezed inside the frame onto the wall (or none)
    edges_s = _edge_map(lab_s[..., 0])  # once for every size band (find_squares' own)
    for b in sorted(set(band[1:].tolist())):
        side_b = side * (1 + m.scale_band_step) ** b
        sq_b, _cls, mc = find_squares(
            lab_s,
            mask & (band[labels] == b),
            valid,
            side_b,
            1.0,
            note_refs,
            paper_of,
            _band_notes_cfg(config, side_b),
            blob_size=True,
            strays=True,
            past_frame=True,
            classes=cls_s,
            edge_map=edges_s,
        )
        squares += sq_b
        mask_c |= mc
    outlines = [o for sq in squares if (o := _square_outline(sq, mask_c, config)) is not None]
    return outlines + [Outline(c, fill, False) for c, fill in rects] + [
        Outline(c, fill, False, _is_strip(c, fill, side_at, m)) for c, fill in quads
    ]


def _is_strip(
    quad: np.ndarray, fill: float, side_at: Callable[[np.ndarray], float], m: MarkerlessConfig
) -> bool:
    """Whether a lone quadrilateral lone_quads took is a title strip: its seam was looked for
    there (seam_depth, which reads a title's letters as no seam), so _split_stacked leaves it
    whole (split_at_seam took a strip's word gap or shading for a seam: generated room photo,
    a 127 x 38 mm title read as two notes)."""
    area = fill * float(cv2.contourArea(np.asarray(quad, np.float32)))
    return strip_shaped(np.asarray(quad, np.float64), area, side_at(np.asarray(quad).mean(0)), m)


def _square_outline(sq: Square, mask_c: np.ndarray, config: Config) -> Outline | None:
    """A found square as a note outline, its own corners when its blob shows them; None when
    mostly off the photo or off coloured pixels (a sliver, a guess)."""
    corners = _square_corners(sq.cx, sq.cy, sq.side, sq.angle)
    h, w = mask_c.shape
    # a square reaching past the photo's frame is a note the frame cuts: all a single photo
    # shows of it, kept when frame_visible_min of it is its paper (no other photo holds it,
    # as a board's other photos do); within the frame, a square so little on coloured pixels
    # is a sliver between notes
    past = bool((corners[:, 0] < -0.5).any() or (corners[:, 1] < -0.5).any()) or bool(
        (corners[:, 0] > w - 0.5).any() or (corners[:, 1] > h - 0.5).any()
    )
    least = config.markerless.frame_visible_min if past else config.notes.min_visible_frac
    inside = _poly_pixels(mask_c, corners)
    if len(inside) == 0 or inside.mean() * len(inside) / (sq.side**2) < least:
        return None
    cx, cy = corners.mean(0)
    if not past and not (0 <= cx < w and 0 <= cy < h):
        return None
    corners = order_corners(corners)
    quad = _refine_quad(mask_c, corners)
    return Outline(quad, min(1.0, sq.score / 1.9), not np.array_equal(quad, corners))


def paper_colour(px: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray:
    """A note's paper colour from the CIELAB pixels (N x 3) of its middle: their median with
    the ink left out (_ink_free_median), unless that lies more than paper_mix_de from their
    most common colour (wall_colour). The ink rule leaves out the least chromatic 30 %: on a
    pale note a few stickers (votes) are more chromatic than the paper, and the median was
    theirs; the paper is still the colour most of the middle has."""
    med = _ink_free_median(px)
    mode = wall_colour(px, cfg)
    return mode if float(np.linalg.norm(med - mode)) > cfg.paper_mix_de else med


def paper_as_photographed(px: np.ndarray, exposure: float, cfg: MarkerlessConfig) -> np.ndarray:
    """A note's paper colour (CIELAB, paper_colour) from its pixels in the photo as taken
    (N x 3 uint8, wall_light.paper_pixels), brightened by `exposure` as the work image
    was but not balanced."""
    rgb = apply_gains(np.asarray(px, np.uint8).reshape(-1, 1, 3), np.full(3, exposure, np.float32))
    return paper_colour(rgb8_to_lab(rgb).reshape(-1, 3), cfg)


def notes_from_outlines(
    outlines: list[Outline],
    img: WorkImages,
    cfg: MarkerlessConfig,
    wall: np.ndarray | None,
    surfaces: tuple[tuple[float, float, float], ...] = (),
) -> tuple[list[WallNote], list[np.ndarray]]:
    """Each outline as a note in photo px with its paper colour (grey or white surfaces are not
    notes, see grey_surface; wall: the wall's colour when not balanced on, else None), in
    reading order; and the own quads (photo px) that show the wall's perspective. Each
    outline is fitted to its paper's edges (note_outline.fit_paper_quad; surfaces: the bare
    surfaces' colours, an edge against none of them is against another note)."""
    kept = []
    bare = [np.array(v) for v in surfaces]
    for o in outlines:
        cw = (o.corners + 0.5) / img.fs - 0.5  # work px
        inner = (cw - cw.mean(0)) * 0.6 + cw.mean(0)
        px = _poly_pixels(img.lab, inner)
        if len(px) < 10:
            continue
        paper = paper_colour(px, cfg)
        if grey_surface(paper, wall, cfg):
            continue  # a grey or white surface (the wall beyond a paper roll): not a note
        kept.append((o, paper, fit_paper_quad(img.lab, cw, paper, bare, cfg)))
    if cfg.split_at_seam:
        kept = _split_stacked(kept, img, cfg)
    if cfg.merge_one_paper:
        kept = _one_paper(kept, img, bare, cfg)
    laid = [False] * len(kept)
    if cfg.relay_runs:
        before = [f for _o, _p, f in kept]
        kept = _relay(kept, img, cfg)
        laid = [f is not b for (_o, _p, f), b in zip(kept, before, strict=True)]
    notes: list[WallNote] = []
    quads = []
    fitted = settle_quads([f for _o, _p, f in kept], cfg)
    wh = (img.lab.shape[1], img.lab.shape[0])
    banded = [
        _runs_on(cw, f.edged, *wh, cfg.note_cut_flag)
        for (_o, _p, f), cw in zip(kept, fitted, strict=True)
    ]
    # the wall's perspective from the notes seen whole (as wall_plane is estimated on the
    # notes found): a note cut by the frame is a square on it
    at_frame = [bool(_past(cw, *wh, cfg.outline_fit_px).any()) for cw in fitted]
    whole = [
        cw
        for (o, _p, f), cw, cut in zip(kept, fitted, at_frame, strict=True)
        if (o.own_quad or f.whole) and not cut
    ]
    plane = wall_plane(whole, cfg.note_mm, cfg) if any(at_frame) else None
    placed = _hidden_sides(fitted, *wh, cfg.outline_fit_px, plane)
    # (a side placed past the frame is a guess: no corners of the note's own there)
    guessed = [not np.array_equal(a, b) for a, b in zip(fitted, placed, strict=True)]
    for (o, paper, f), cw, band, guess, re_laid in zip(
        kept, placed, banded, guessed, laid, strict=True
    ):
        if band:
            continue  # a band along the frame (another wall beyond), no note it cuts
        if (
            paper_share(img.lab, cw, np.asarray(paper), cfg.note_paper_de)
            < cfg.note_paper_share_min
        ):
            continue  # mostly not its paper: a square laid over objects (book covers)
        cp = (cw + 0.5) / img.fw - 0.5
        if (o.own_quad or f.whole) and not guess:
            quads.append(cp)
        sides = np.linalg.norm(np.roll(cp, -1, 0) - cp, axis=1)
        notes.append(
            WallNote(
                tuple((float(x), float(y)) for x, y in cp),
                (float(cp[:, 0].mean()), float(cp[:, 1].mean())),
                float(sides.mean()),
                tuple(float(v) for v in paper),
                round(float(o.score), 3),
                _share_in(cp, img.rgb.shape[1] / img.fw, img.rgb.shape[0] / img.fw),
                re_laid,
            )
        )
    side = np.median([n.side_px for n in notes]) if notes else 1.0
    notes.sort(key=lambda n: (round(n.center[1] / side), n.center[0]))
    return notes, quads


def _split_stacked(
    kept: list[tuple[Outline, np.ndarray, FittedQuad]],
    img: WorkImages,
    cfg: MarkerlessConfig,
) -> list[tuple[Outline, np.ndarray, FittedQuad]]:
    """Outlines over notes of one colour stacked end to end split at the seams across them
    (note_outline.split_at_seam; a note's shape there: the median height over width of its
    outline_aspect_near nearest outlines, perspective shapes neighbours alike), a part still
    long enough asked again, up to split_parts_max parts. A part whose shown paper lies
    split_dup_share or more inside another outline is that note's (the outline reached over
    a strip of a note found already): dropped. An outline mostly not its paper (paper_share,
    dropped further on) is not split: a part of it may pass (a square over a yellow book
    spine, real image4)."""
    if len(kept) < 2:
        return kept
    quads = [f.quad for _o, _p, f in kept]
    centres = np.array([q.mean(0) for q in quads])
    lens = np.array([np.linalg.norm(np.roll(q, -1, 0) - q, axis=1) for q in quads])
    hw = (lens[:, 1] + lens[:, 3]) / np.maximum(lens[:, 0] + lens[:, 2], 1e-9)
    wide, high = (lens[:, 0] + lens[:, 2]) / 2, (lens[:, 1] + lens[:, 3]) / 2
    out = []
    for k, (o, paper, f) in enumerate(kept):
        pap = np.asarray(paper)
        if o.strip:
            out.append((o, paper, f))  # a title strip: no seam across it (lone_quads)
            continue
        if paper_share(img.lab, f.quad, pap, cfg.note_paper_de) < cfg.note_paper_share_min:
            out.append((o, paper, f))
            continue
        order = np.argsort(np.linalg.norm(centres - centres[k], axis=1))
        near = [j for j in order if j != k][: cfg.outline_aspect_near]
        shape = float(np.median(hw[near]))
        # a note's width and height there: an outline narrower is partly under another note
        size = (float(np.median(wide[near])), float(np.median(high[near])))
        others = [q for j, q in enumerate(quads) if j != k]
        todo, done = [f], []
        while todo and len(done) + len(todo) < cfg.split_parts_max:
            g = todo.pop()
            parts = [
                p
                for p in split_at_seam(img.lab, g, pap, cfg, shape, size) or []
                if not any(shown_inside(p, q) >= cfg.split_dup_share for q in others)
            ]
            if parts:
                todo += parts
            else:
                done.append(g)
        done += todo
        if done == [f]:
            out.append((o, paper, f))
            continue
        out += [(Outline((p.quad + 0.5) * img.fs - 0.5, o.score, False), paper, p) for p in done]
    return out


def _relay(
    kept: list[tuple[Outline, np.ndarray, FittedQuad]],
    img: WorkImages,
    cfg: MarkerlessConfig,
) -> list[tuple[Outline, np.ndarray, FittedQuad]]:
    """Outlines over notes of one colour in a row or a column, edge to edge or shingled,
    re-laid at the run's seams (note_runs.relay_runs): a re-laid outline's ends are seams
    the fit did not find, its corners no note's own (not whole)."""
    new = relay_runs(img.lab, [f.quad for _o, _p, f in kept], [p for _o, p, _f in kept], cfg)
    out = []
    for (o, paper, f), q in zip(kept, new, strict=True):
        if q is None:
            out.append((o, paper, f))
            continue
        fit = replace(f, quad=q, cautious=None, whole=False, shown=None)
        out.append((Outline((q + 0.5) * img.fs - 0.5, o.score, False), paper, fit))
    return out


def _sides_inside(q: np.ndarray, other: np.ndarray, margin: float) -> list[int]:
    """The sides of quad q (TL TR BR BL) whose middle lies inside quad `other` deeper than
    `margin` px."""
    poly = np.asarray(other, np.float32).reshape(-1, 1, 2)
    mids = (q + np.roll(q, -1, 0)) / 2
    return [
        i for i, (x, y) in enumerate(mids)
        if cv2.pointPolygonTest(poly, (float(x), float(y)), True) > margin
    ]


def _no_edge_between(
    lab: np.ndarray,
    a: FittedQuad,
    b: FittedQuad,
    papers: tuple[np.ndarray, np.ndarray],
    cfg: MarkerlessConfig,
    lab32: np.ndarray | None = None,
) -> bool:
    """Whether two fitted outlines of one paper (papers: theirs) overlapping by
    stack_overlap_min or more of the smaller are one note: no side of either that lies
    inside the other shows its paper's end or a seam there (the fit found one,
    FittedQuad.edged, and it runs along the whole side, note_outline.seam_along: a line of
    writing the fit took breaks between letters), and at least one such side; and the
    step across each outline inside the other (note_stack.edge_steps, where the fit found
    no line) is noise (a line running along writing, NaN, tells nothing and is left
    out). Two notes of one colour stacked show the upper one's edge over the lower one
    (its shadow, a brightness step: a seam, which the fit takes; the lower one's side is
    then at that seam, not inside); touching ones a seam on their common side, and do not
    overlap. The square coverer lays squares of the usual size, and a note larger than its
    neighbours, or rectangular (76 x 127 mm), gets two over its one paper: the side of each
    inside the other lies on flat paper, the paper running on.
    lab32: lab smoothed by stack_blur_px (note_stack.edge_steps), made here when None."""
    if overlap_share(a.quad, b.quad) < cfg.stack_overlap_min:
        return False
    inside = []
    for q, other, paper in ((a, b, papers[0]), (b, a, papers[1])):
        side = float(np.mean(np.linalg.norm(np.roll(q.quad, -1, 0) - q.quad, axis=1)))
        margin = max(2.0, cfg.stack_margin * side)
        centre = q.quad.mean(0)
        for i in _sides_inside(q.quad, other.quad, margin):
            p0, p1 = q.quad[i], q.quad[(i + 1) % 4]
            d = (p1 - p0) / max(float(np.linalg.norm(p1 - p0)), 1e-9)
            n = np.array([-d[1], d[0]])
            n = n if n @ (centre - (p0 + p1) / 2) > 0 else -n
            inside.append(q.edged[i] and seam_along(lab, p0, p1, n, paper, cfg))
    if not inside or any(inside):
        return False
    # and both outlines lie on flat paper inside the other: the step across each (note_stack's
    # measure of which lies on top) is noise, under stack_step_min (a faint seam the fit
    # missed, or one off the square's side, still steps; both do where two notes stacked
    # askew cross: post-its-9, 3.4 each)
    if lab32 is None:
        lab32 = cv2.GaussianBlur(np.asarray(lab, np.float32), (0, 0), cfg.stack_blur_px)
    # (a line running mostly along writing tells nothing either way: NaN, left out; each
    # one measured must be flat, and with both along writing the fit's seams, none, decide)
    steps = [e for e in edge_steps(lab32, a.quad, b.quad, papers, cfg) if e is None or e == e]
    return all(e is not None and e < cfg.stack_step_min for e in steps)


def _one_paper(
    kept: list[tuple[Outline, np.ndarray, FittedQuad]],
    img: WorkImages,
    bare: list[np.ndarray],
    cfg: MarkerlessConfig,
) -> list[tuple[Outline, np.ndarray, FittedQuad]]:
    """Outlines over one sheet of paper merged (_no_edge_between; papers within
    merge_paper_ab in a*b* and stack_paper_de in L*): one note, fitted again to its paper
    from the least quadrilateral enclosing both, with the better score, unless that is
    longer than rect_aspect_max (the longest note a lone rectangle may be: 3 x 5" cards
    are 1.67; two notes side by side overlapping a little, their seam too faint for the
    fit, make 1.9). Merged again until no pair is."""
    kept = list(kept)
    lab32: np.ndarray | None = None
    merged = True
    while merged:
        merged = False
        for i, j in itertools.combinations(range(len(kept)), 2):
            (oi, pi, fi), (oj, pj, fj) = kept[i], kept[j]
            d = np.asarray(pi) - np.asarray(pj)
            if abs(d[0]) > cfg.stack_paper_de or np.hypot(d[1], d[2]) > cfg.merge_paper_ab:
                continue  # two papers (one sheet has one colour; light moves its L* only)
            if overlap_share(fi.quad, fj.quad) < cfg.stack_overlap_min:
                continue
            if lab32 is None:  # (once per photo, when a pair gets this far)
                lab32 = cv2.GaussianBlur(
                    np.asarray(img.lab, np.float32), (0, 0), cfg.stack_blur_px
                )
            papers = (np.asarray(pi), np.asarray(pj))
            if not _no_edge_between(img.lab, fi, fj, papers, cfg, lab32):
                continue
            quad = enclosing_quad(np.concatenate([fi.quad, fj.quad]))
            if quad is None or len(quad) != 4:
                continue
            cw = order_corners(np.asarray(quad, np.float64))
            fit = fit_paper_quad(img.lab, cw, pi, bare, cfg)
            sides = np.linalg.norm(np.roll(fit.quad, -1, 0) - fit.quad, axis=1)
            long_ = max(sides[0] + sides[2], sides[1] + sides[3])
            if long_ > cfg.rect_aspect_max * min(sides[0] + sides[2], sides[1] + sides[3]):
                continue  # longer than any pad (1:1.67 cards): two notes, a faint seam
            o = Outline((cw + 0.5) * img.fs - 0.5, max(oi.score, oj.score), False)
            kept = [k for n, k in enumerate(kept) if n not in (i, j)] + [(o, pi, fit)]
            merged = True
            break
    return kept


def _runs_on(
    quad: np.ndarray, edged: tuple[bool, ...], w: int, h: int, whole_min: float = 1.0
) -> bool:
    """Whether an outline reaching past a w x h image's frame runs on along it: a side that
    runs into the frame (one corner inside, one past it, nearer square to the frame than
    along it) shows no end of its paper (edged, note_outline.FittedQuad). A note the frame
    cuts ends on the sides that run into the frame (against the wall, or at a seam with a
    neighbour); a strip of another wall or object along the frame runs on, and squares laid
    along it showed a quarter of themselves each (generated seed 52: five "notes" on a strip
    of sky-blue wall). A side running along the frame (a note cut askew) is not asked to.
    An outline whole_min or more inside the photo (note_cut_flag) is not asked either: fitted
    a few px past the frame on a note that ends at it, its sides run into the frame by a
    pixel or two (post-its-3's 2 MP copy: a note at the left frame, its corners 1 and 2 px
    past it, its top side showing no paper end there, was taken for a strip)."""
    q = np.asarray(quad, np.float64)
    if _share_in(q, w, h) >= whole_min:
        return False
    out = _past(q, w, h)
    for i in range(4):
        j = (i + 1) % 4
        if out[i] == out[j] or edged[i]:
            continue
        o = q[i] if out[i] else q[j]
        dx, dy = np.abs(q[j] - q[i])
        across_x = o[0] < -0.5 or o[0] > w - 0.5  # past the left or right frame
        across_y = o[1] < -0.5 or o[1] > h - 0.5
        if (across_x and across_y) or (across_x and dx >= dy) or (across_y and dy >= dx):
            return True
    return False


def _hidden_sides(
    quads: list[np.ndarray],
    w: int,
    h: int,
    on_frame: float,
    plane: np.ndarray | None,
) -> list[np.ndarray]:
    """Note outlines (TL TR BR BL, image px) with the side the frame of a w x h image hides
    placed where the note's shape says (_hidden_side); the shape is its nearest whole notes'
    (perspective shapes neighbours alike), a square with none. A side lying on the frame
    (its corners within on_frame px of it: the outline fit's tolerance) is where the frame
    cuts the paper, not where the paper ends: a note cut by the frame is a blob with a clean
    straight side there, taken as it is for a lone quadrilateral (generated seed 48
    IMG_0007: three notes at the left frame outlined 60 % of their size). plane: the wall's
    homography from these px (wall_plane), when known: the shapes are measured on it, where
    perspective no longer makes a note at the frame narrower or wider than its neighbours
    (a strongly tilted photo: the notes' width as seen halves across it)."""
    qs = [np.asarray(q, np.float64) for q in quads]
    inside = [not _past(q, w, h, on_frame).any() for q in qs]
    on = [_to_plane(q, plane) for q in qs]
    lens = [np.linalg.norm(np.roll(q, -1, 0) - q, axis=1) for q in on]
    # width over height: the mean of the top and bottom sides over that of the left and right
    aspect = np.array([(ln[0] + ln[2]) / max(ln[1] + ln[3], 1e-6) for ln in lens])
    centres = np.array([q.mean(0) for q in qs]).reshape(-1, 2)
    whole = np.nonzero(inside)[0]
    out = []
    for k, q in enumerate(qs):
        if inside[k]:
            out.append(q)
            continue
        near = whole[np.argsort(np.linalg.norm(centres[whole] - centres[k], axis=1))][:3]
        shape = float(np.median(aspect[near])) if len(near) else 1.0
        out.append(_hidden_side(q, w, h, shape, on_frame, plane))
    return out


def _to_plane(q: np.ndarray, plane: np.ndarray | None, back: bool = False) -> np.ndarray:
    """Points (N x 2) through the wall's homography (or its inverse); as they are without one."""
    if plane is None:
        return np.asarray(q, np.float64)
    hm = np.linalg.inv(plane) if back else np.asarray(plane, np.float64)
    pts = np.asarray(q, np.float64).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(pts, hm).reshape(-1, 2)


def _past(q: np.ndarray, w: int, h: int, on_frame: float = 0.0) -> np.ndarray:
    """Which corners (image px) lie past a w x h image's frame, or within on_frame of it."""
    lo, hi_w, hi_h = -0.5 + on_frame, w - 0.5 - on_frame, h - 0.5 - on_frame
    return (q[:, 0] < lo) | (q[:, 1] < lo) | (q[:, 0] > hi_w) | (q[:, 1] > hi_h)


def _hidden_side(
    quad: np.ndarray,
    w: int,
    h: int,
    aspect: float,
    on_frame: float,
    plane: np.ndarray | None,
) -> np.ndarray:
    """A note's outline (TL TR BR BL, image px) whose one side lies past a w x h image's frame
    (two adjacent corners outside, the other two inside): that side is placed where the note
    has its shape (aspect: width over height as seen, its neighbours'), from the visible side
    across and its length, and never inside the frame (the paper runs on to it). The search's
    square is of the usual size where the note lies, and a near or far note is not: a note the
    frame cuts by a few mm kept a square reaching a fifth of a side past it. Other outlines as
    they are. on_frame: a corner within that of the frame is on it (a side along the frame,
    _hidden_sides). plane: the wall's homography (wall_plane), when known: the shape is the
    note's there (aspect measured on it), each hidden corner placed along its side on it."""
    q = np.asarray(quad, np.float64)
    out = _past(q, w, h, on_frame)
    if out.sum() != 2:
        return q
    k = next((i for i in range(4) if out[i] and out[(i + 1) % 4]), None)
    if k is None:
        return q  # two opposite corners outside: no one side hidden
    a, b = k, (k + 1) % 4  # the hidden side's corners
    pa, pb = (k + 3) % 4, (k + 2) % 4  # their neighbours on the visible side across
    # the hidden side is the right or left one (k 1, 3): the note's width is its height x aspect
    ratio = aspect if k % 2 == 1 else 1.0 / max(aspect, 1e-6)
    on = _to_plane(q, plane)
    length_on = float(np.linalg.norm(on[pb] - on[pa])) * ratio
    res = q.copy()
    for c, p in ((a, pa), (b, pb)):
        d = q[c] - q[p]
        n = float(np.linalg.norm(d))
        d_on = on[c] - on[p]
        n_on = float(np.linalg.norm(d_on))
        if n < 1e-6 or n_on < 1e-9 or not np.isfinite(on).all():
            return q
        u = d / n
        # the hidden corner where the note's length along this side puts it (on the wall's
        # plane when known), as far along the side as seen
        far = _to_plane((on[p] + d_on / n_on * length_on)[None], plane, back=True)[0]
        length = float((far - q[p]) @ u)
        # the least distance along this side that reaches the frame
        ts = [t for lim, comp in ((-0.5, 0), (-0.5, 1), (w - 0.5, 0), (h - 0.5, 1))
              if abs(u[comp]) > 1e-9 and (t := (lim - q[p][comp]) / u[comp]) > 0]
        reach = min(ts) if ts else 0.0
        res[c] = q[p] + u * max(length, reach)
    return res


def _share_in(quad: np.ndarray, w: float, h: float) -> float:
    """Share of a quadrilateral (photo px) inside a w x h photo (1: whole; a note the frame
    cuts shows less)."""
    area = abs(float(cv2.contourArea(quad.astype(np.float32))))
    if area <= 0:
        return 1.0
    frame = np.array([(-0.5, -0.5), (w - 0.5, -0.5), (w - 0.5, h - 0.5), (-0.5, h - 0.5)])
    inter, _ = cv2.intersectConvexConvex(
        frame.astype(np.float32), order_corners(quad).astype(np.float32)
    )
    return round(min(1.0, float(inter) / area), 3)


def paper_share(lab: np.ndarray, quad: np.ndarray, paper: np.ndarray, de: float) -> float:
    """Share of a quadrilateral's pixels (lab: CIELAB image, quad: 4 x 2 in its px) within de
    of a paper colour, lightness at half weight (a curl or a shadow darkens the paper). A
    note's writing, stickers and a note overlapping it take well under half of its outline;
    a square laid across book covers (bands, lettering, other covers) is mostly other colours."""
    x0, y0 = np.maximum(np.floor(quad.min(0)).astype(int), 0)
    x1, y1 = np.ceil(quad.max(0)).astype(int) + 1
    part = lab[y0:y1, x0:x1]
    inside = poly_mask(part.shape[:2], quad - (x0, y0))
    if not inside.any():
        return 0.0
    d = np.linalg.norm((part[inside] - paper) * (0.5, 1.0, 1.0), axis=-1)
    return float((d < de).mean())


def work_corners(n: WallNote, fw: float) -> np.ndarray:
    return (np.array(n.corners) + 0.5) * fw - 0.5
