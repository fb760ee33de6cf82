"""Sticky notes on a board: coloured squares of a known size.

A chroma mask of the normalised board holds the notes (the print is grey only). Each blob of
one colour class is covered greedily by squares of the declared note size: every square is
placed (position and rotation) where it covers the most still-uncovered pixels while lying on
coloured pixels, preferring positions whose outline follows edges (blob borders, the shadow
line a note casts on the one below). Notes overlapping or touching, of the same colour or not,
so come apart; a note crossing the board edge or the photo frame is still one square.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import cv2
import numpy as np

from capture.core.config import CONFIG, NotesConfig
from capture.core.model import BoardFit, BoardLayout, Finding, Note
from capture.kit.layout import grid_cell
from capture.vision.colour import ColourRefs, Normalised, classify, classify_map, srgb_to_lab
from capture.vision.rectify import Rectified

EDGE_WEIGHT = 0.6  # how much an outline on edges counts against newly covered area
# How much lying flush against what is already covered (or off the blob) counts. Inside a blob
# of same-colour notes with no visible boundary every position covers as much: packing
# squares against their placed neighbours then tiles the blob note by note, instead of
# leaving slivers that call for extra, straddling squares.
CONTACT_WEIGHT = 0.3


def _fill_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes smaller than max_area (handwriting, stickers, glare), not the large ones.

    A large hole is something else inside a ring: a coloured wall around a board encloses the
    whole board, which must not become one blob.
    """
    inv = (~mask.astype(bool)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    h, w = mask.shape
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    fill = ~touches & (area <= max_area)
    fill[0] = False  # label 0 is the mask itself
    return mask.astype(bool) | fill[labels]


def _candidate_angles(mask: np.ndarray, step: float) -> list[float]:
    """Rotations (degrees, in [-45, 45)) suggested by the blob outline's edge directions."""
    m = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(m, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(m, cv2.CV_32F, 0, 1)
    mag = np.hypot(gx, gy)
    sel = mag > 0.1
    if sel.sum() < 20:
        return [0.0]
    ang = (np.degrees(np.arctan2(gy[sel], gx[sel])) + 45.0) % 90.0 - 45.0  # square symmetry
    hist, _ = np.histogram(ang, bins=90, range=(-45, 45), weights=mag[sel])
    hist = np.convolve(np.concatenate([hist[-3:], hist, hist[:3]]), np.ones(5) / 5, "same")[3:-3]
    peaks = []
    for _ in range(3):
        i = int(np.argmax(hist))
        if hist[i] <= 0 or (peaks and hist[i] < 0.25 * hist[peaks[0]]):
            break
        peaks.append(i)
        for d in range(-8, 9):
            hist[(i + d) % 90] = 0
    angles = set()
    for i in peaks:
        a = -45.0 + i + 0.5
        for d in (-step / 2, 0.0, step / 2):
            angles.add(round(((a + d + 45.0) % 90.0) - 45.0, 2))
    return sorted(angles)


def _outline_mean(img: np.ndarray, side: int, width: int) -> np.ndarray:
    """Mean of img over a square ring of the given side and band width centred on each pixel.

    Difference of two box sums (constant time per pixel, unlike a large filter2D kernel).
    """
    outer, inner = side + width, max(1, side - width)
    so = cv2.boxFilter(img, -1, (outer, outer), normalize=False, borderType=cv2.BORDER_CONSTANT)
    so -= cv2.boxFilter(img, -1, (inner, inner), normalize=False, borderType=cv2.BORDER_CONSTANT)
    so /= float(outer * outer - inner * inner)
    return so


def _box_mean(unc: np.ndarray, side: int) -> np.ndarray:
    """Mean of unc over a side x side box centred on each pixel, float32: the box sum times
    1 / side**2 in float64, rounded once, as OpenCV does for a float32 map (the same values
    for 0/1 bytes; OpenCV's own byte -> float32 mean differs in the last bit). The sums are
    integers, exact in float32; numpy scales them in place through small float64 buffers,
    not a whole float64 map (a large blob's took 18 MB at the search's peak)."""
    mean = cv2.boxFilter(unc, cv2.CV_32F, (side, side), normalize=False,
                         borderType=cv2.BORDER_CONSTANT)
    return np.multiply(mean, 1.0 / (side * side), out=mean, dtype=np.float64)


def _contact(unc: np.ndarray, side: int, width: int) -> np.ndarray:
    """Share of a thin ring just outside a square (centred on each pixel) that is no longer
    available: covered by a placed square or off the blob. 1 - mean of unc over that ring."""
    outer = side + 2 * width
    # float32 sums whatever unc's type (0/1 bytes in cover_with_squares), computed in place
    so = cv2.boxFilter(unc, cv2.CV_32F, (outer, outer), normalize=False,
                       borderType=cv2.BORDER_CONSTANT)
    so -= cv2.boxFilter(unc, cv2.CV_32F, (side, side), normalize=False,
                        borderType=cv2.BORDER_CONSTANT)
    so /= float(outer * outer - side * side)
    return np.subtract(1.0, so, out=so)


def _square_corners(cx: float, cy: float, side: float, angle_deg: float) -> np.ndarray:
    """4 x 2 corners TL, TR, BR, BL of a square rotated by angle_deg (image axes, y down)."""
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    h = side / 2
    return np.array([(-h, -h), (h, -h), (h, h), (-h, h)]) @ rot.T + (cx, cy)


class _AngleFrame(NamedTuple):
    """The blob turned by one candidate angle: m maps the blob's window into a diag x diag
    frame, of which only the part at (ox, oy) that a score reads is kept (unc). bonus and the
    score map cover only where a square may go, at (ix, iy) in unc: around it they would only
    hold -1, and nine angles of that margin took about 15 MB at a 12 MP photo's peak. bonus is
    NaN where a square may not go (off the support)."""

    angle: float
    m: np.ndarray
    ox: int
    oy: int
    unc: np.ndarray
    bonus: np.ndarray
    ix: int
    iy: int


def _angle_frame(
    a: float, uncovered: np.ndarray, support: np.ndarray, edges: np.ndarray, s: int, band: int,
    cfg: NotesConfig, beyond: tuple[bool, bool, bool, bool] = (False, False, False, False),
) -> _AngleFrame:
    """The rotated maps of one candidate angle, kept only around where a square may go
    (inside_ok) and as far as its score reads (the rest of the frame only ever scores -1: a
    large blob's nine angles of whole frames took 300 MB on a 12 MP photo). The uncovered map
    holds 0/1 as bytes (its box sums are integers, the same in any type). beyond: the window's
    sides (left, top, right, bottom) that are the photo's frame, past which a square may lie
    (off the photo: no note pixel, no edge)."""
    h, w = uncovered.shape
    centre = (w / 2.0, h / 2.0)
    diag = int(np.ceil(np.hypot(h, w))) + 2
    m = cv2.getRotationMatrix2D(centre, a, 1.0)  # rotates the image by +a (counter-clockwise)
    m[:, 2] += (diag - w) / 2.0, (diag - h) / 2.0
    # 0/1 bytes, not float32: a quarter of the frame, and _box_mean gives the float means
    sup = cv2.warpAffine(support.astype(np.uint8), m, (diag, diag), flags=cv2.INTER_NEAREST)
    if any(beyond):
        sup |= _past_frame(m, w, h, diag, beyond)
    # the means only where a box reaches the support (elsewhere 0, under inside_min): its
    # sums are integers, the same over any part of the frame holding the boxes
    qx, qy, qw, qh = cv2.boundingRect(sup)
    r = s // 2 + 1
    qx0, qy0 = max(qx - r, 0), max(qy - r, 0)
    qx1, qy1 = min(qx + qw + r, diag), min(qy + qh + r, diag)
    inside_ok = _box_mean(sup[qy0:qy1, qx0:qx1], s) >= cfg.inside_min
    del sup
    bx, by, bw, bh = cv2.boundingRect(inside_ok.astype(np.uint8))
    if bw and bh:
        inside_ok = inside_ok[by : by + bh, bx : bx + bw]
        bx, by = bx + qx0, by + qy0
    else:  # nowhere to go: one NaN pixel at the frame's corner, scoring -1, not an empty map
        bx, by, bw, bh = 0, 0, 1, 1
        inside_ok = np.zeros((1, 1), bool)
    reach = (s + 2 * band) // 2 + 2  # the widest box a score sums (_contact's ring) / 2
    ox, oy = max(bx - reach, 0), max(by - reach, 0)
    ex, ey = min(bx + bw + reach, diag), min(by + bh + reach, diag)
    cut = np.s_[oy:ey, ox:ex]
    # the frame warped and summed only as far right and down as a score reads (ex, ey): a
    # warp's pixel and a box filter's running sums over what lies above and left of it do
    # not depend on the frame's size past them (the same values, bit for bit)
    edg = cv2.warpAffine(edges.astype(np.float32, copy=False), m, (ex, ey),  # no copy
                         flags=cv2.INTER_LINEAR)
    inner = np.s_[by : by + bh, bx : bx + bw]
    bonus = EDGE_WEIGHT * _outline_mean(edg, s, band)[inner]
    del edg
    bonus[~inside_ok] = np.nan  # one map for both (a byte less per pixel and angle)
    unc = cv2.warpAffine(uncovered, m, (ex, ey), flags=cv2.INTER_NEAREST)[cut].copy()
    return _AngleFrame(a, m, ox, oy, unc, bonus, bx - ox, by - oy)


def _past_frame(
    m: np.ndarray, w: int, h: int, diag: int, beyond: tuple[bool, bool, bool, bool]
) -> np.ndarray:
    """Where a rotated frame (m: window px -> frame px) lies past the window's sides that are
    the photo's frame (beyond: left, top, right, bottom), as 0/1 bytes."""
    inv = cv2.invertAffineTransform(m).astype(np.float32)
    gy, gx = np.mgrid[0:diag, 0:diag].astype(np.float32)
    sx = inv[0, 0] * gx + inv[0, 1] * gy + inv[0, 2]
    sy = inv[1, 0] * gx + inv[1, 1] * gy + inv[1, 2]
    left, top, right, bottom = beyond
    past = np.zeros((diag, diag), bool)
    sides = ((left, sx < -0.5), (top, sy < -0.5), (right, sx > w - 0.5), (bottom, sy > h - 0.5))
    for on, out in sides:
        if on:
            past |= out
    return past.astype(np.uint8)


def _rescore(
    st: _AngleFrame, score: np.ndarray, corners: np.ndarray, s: int, band: int, pad: int,
    thr: float,
) -> None:
    """Mark a placed square covered in one angle's frame and redo the scores near it."""
    unc = st.unc
    hh, ww = unc.shape
    rc = cv2.transform(corners.reshape(-1, 1, 2), st.m).reshape(-1, 2)
    cv2.fillConvexPoly(unc, (np.round(rc) - (st.ox, st.oy)).astype(np.int32), 0.0)
    x0, y0 = np.floor(rc.min(0)).astype(int) - pad - (st.ox, st.oy)
    x1, y1 = np.ceil(rc.max(0)).astype(int) + pad + 1 - (st.ox, st.oy)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, ww), min(y1, hh)
    if x1 <= x0 or y1 <= y0:
        return
    sx0, sy0 = max(0, x0 - pad), max(0, y0 - pad)
    sx1, sy1 = min(ww, x1 + pad), min(hh, y1 + pad)
    # the same sums over the same unc window as before the score map was cut to (ix, iy):
    # only the part of the window inside the score map is written
    bh, bw = st.bonus.shape
    wx0, wy0 = max(x0, st.ix), max(y0, st.iy)
    wx1, wy1 = min(x1, st.ix + bw), min(y1, st.iy + bh)
    if wx1 <= wx0 or wy1 <= wy0:
        return
    g = _box_mean(unc[sy0:sy1, sx0:sx1], s)
    g = g[wy0 - sy0 : wy1 - sy0, wx0 - sx0 : wx1 - sx0]
    ct = CONTACT_WEIGHT * _contact(unc[sy0:sy1, sx0:sx1], s, band)
    ct = ct[wy0 - sy0 : wy1 - sy0, wx0 - sx0 : wx1 - sx0]
    win = np.s_[wy0 - st.iy : wy1 - st.iy, wx0 - st.ix : wx1 - st.ix]
    bonus = st.bonus[win]
    ok = ~np.isnan(bonus) & (g >= thr)
    score[win] = np.where(ok, g + bonus + ct, -1.0)


def cover_with_squares(
    cls_mask: np.ndarray,
    support: np.ndarray,
    edges: np.ndarray,
    side: float,
    cfg: NotesConfig,
    beyond: tuple[bool, bool, bool, bool] = (False, False, False, False),
) -> list[tuple[float, float, float, float]]:
    """Squares (cx, cy, angle_deg, score) covering a one-colour blob.

    cls_mask: the blob (bool); support: where a note may lie (any coloured or off-photo pixel);
    edges: edge strength in [0, 1]. All three arrays share one frame. beyond: the frame's sides
    (left, top, right, bottom) that are the photo's edge, past which a square may reach (off the
    photo, as support): a note the photo's frame cuts.
    """
    s = round(side)
    uncovered = cls_mask.astype(np.uint8)
    band = max(2, round(s * 0.04))
    out: list[tuple[float, float, float, float]] = []
    # Per angle: the rotated frame, its uncovered map and score map. After a square is placed
    # only the scores near it change, so they are recomputed in a window (large blobs of many
    # notes stay fast).
    states = [
        _angle_frame(a, uncovered, support, edges, s, band, cfg, beyond)
        for a in _candidate_angles(cls_mask, cfg.angle_step_deg)
    ]
    pad = s // 2 + band + 2
    # Two passes: squares covering a good share anew first; then, once those are all placed,
    # notes showing less beyond their neighbours (the middle one of three stacked). Letting
    # those compete from the start would let a well-outlined sliver beat a real note.
    passes = [cfg.new_cover_min, cfg.late_cover_min]
    thr = passes.pop(0)
    scores = [_square_scores(st, s, band, thr) for st in states]
    for _ in range(256):
        best = None
        for st, score in zip(states, scores, strict=True):
            _, val, _, (bx, by) = cv2.minMaxLoc(score)
            if val >= 0 and (best is None or val > best[0]):
                best = (val, st, bx + st.ix + st.ox, by + st.iy + st.oy)
        if best is None:
            if not passes:
                break
            thr = passes.pop(0)
            for i, st in enumerate(states):  # one map replaced at a time (not two sets held)
                scores[i] = _square_scores(st, s, band, thr)
            continue
        val, st, bx, by = best
        # an even box filter's anchor sits half a pixel right/below the box's geometric centre
        half = 0.5 if s % 2 == 0 else 0.0
        inv = cv2.invertAffineTransform(st.m)
        cx, cy = inv @ np.array([bx - half, by - half, 1.0])
        # m turned the image by -a (our y-down convention): squares at +a became axis-aligned
        corners = _square_corners(cx, cy, s, st.angle)
        out.append((float(cx), float(cy), st.angle, float(val)))
        for st, score in zip(states, scores, strict=True):
            _rescore(st, score, corners, s, band, pad, thr)
    return out


def _square_scores(st: _AngleFrame, s: int, band: int, thr: float) -> np.ndarray:
    """Score of a square centred at each pixel of st.bonus's window (-1 where it may not go:
    bonus NaN, or too little new coverage): new coverage, its outline on edges, its contact
    with what is covered already. The box sums read all of unc, the window's margin too."""
    bonus = st.bonus
    inner = np.s_[st.iy : st.iy + bonus.shape[0], st.ix : st.ix + bonus.shape[1]]
    # the gain, then the score in place; copied out of the whole map, which is then freed
    score = _box_mean(st.unc, s)[inner].copy()
    ok = ~np.isnan(bonus) & (score >= thr)
    score += bonus
    contact = _contact(st.unc, s, band)[inner]
    contact *= CONTACT_WEIGHT  # in place: one map less at the search's peak
    score += contact
    del contact
    score[~ok] = -1.0
    return score


def _edge_map(l_channel: np.ndarray) -> np.ndarray:
    """Luminance edges in [0, 1], after a median and a closing that drop handwriting strokes.

    Ink lines are dark and thin (a few mm): a grey closing fills them, while the step from a
    note to its neighbour or to the shadow line along its edge stays. Left in, lines of text
    pull square outlines onto them and a square straddles two same-colour notes.
    """
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    l8 = cv2.medianBlur(np.clip(l_channel * 2.55, 0, 255).astype(np.uint8), 5)
    lm = cv2.morphologyEx(l8, cv2.MORPH_CLOSE, k).astype(np.float32) / 2.55
    gx = cv2.Sobel(lm, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(lm, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return np.clip(np.hypot(gx, gy) / 6.0, 0.0, 1.0)  # 6 L units per px: a clear paper edge


def lone_note_side(part: np.ndarray, cfg: NotesConfig) -> float | None:
    """Side (px) of a one-colour blob that is a single lone square note, else None.

    Real packs come in several sizes (51, 76, 102 mm): a blob that fills its minimum-area
    rectangle and is about square is one note, and its own side is the note's size.
    """
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return None
    c = max(cs, key=cv2.contourArea)
    count = float(part.sum())
    if cv2.contourArea(c) < 0.9 * count - 4 * np.sqrt(count):  # other pieces nearby
        return None
    _, (w, h), _ = cv2.minAreaRect(c)
    w, h = w + 1.0, h + 1.0  # contour through pixel centres: the blob is one pixel wider
    if min(w, h) < 4 or max(w, h) / min(w, h) > cfg.lone_aspect_max:
        return None
    if count / (w * h) < cfg.lone_fill_min:
        return None
    return float(np.sqrt(w * h))


def pack_side(side: float, declared: float, px_per_mm: float, cfg: NotesConfig) -> float | None:
    """The side (px) a lone note of measured `side` keeps: the declared one when within
    size_snap of it, its own when near a real pack size (cfg.pack_sizes_mm), else None.

    A size no pack comes in is two notes: a note half stuck over another of a like colour
    makes a blob about as wide as one note and a little taller, square enough to pass
    for one bigger note.
    """
    if abs(side / declared - 1) <= cfg.size_snap:
        return declared
    lo, hi = 1 - cfg.size_tolerance, 1 + cfg.size_tolerance
    if not lo * declared <= side <= hi * declared:
        return None
    mm = side / px_per_mm
    if any(abs(mm / p - 1) <= cfg.size_snap for p in cfg.pack_sizes_mm):
        return side
    return None


def _note_sides(lone: list[float], declared: float, cfg: NotesConfig) -> tuple[float, list[float]]:
    """The side for blobs of several notes and the accepted lone sides (within tolerance).

    When enough lone notes agree on one size (another pack than declared, or a scale error)
    that size is used; when they disagree (mixed packs) the declared one is.
    """
    lo, hi = 1 - cfg.size_tolerance, 1 + cfg.size_tolerance
    ok = [s for s in lone if lo * declared <= s <= hi * declared]
    board = declared
    if len(ok) >= cfg.size_min_samples:
        q1, med, q3 = np.percentile(ok, [25, 50, 75])
        if q3 - q1 <= cfg.size_agree * med:
            board = float(med)
    if abs(board / declared - 1) <= cfg.size_snap:
        board = declared
    return board, ok


@dataclass(frozen=True, eq=False)  # holds arrays
class NoteSearch:
    """The board as notes are searched on it: a reduced copy at ppm px per mm (board mm ->
    px: (mm + margin) * ppm - 0.5), its CIELAB, the pixels inside the photo (valid) and those
    coloured enough to be a note (mask)."""

    lab: np.ndarray
    valid: np.ndarray
    mask: np.ndarray
    ppm: float


@dataclass(frozen=True)
class NoteSquare:
    """A note's square kept on the board: centre and side in board mm, rotation (deg), cover
    score (see cover_with_squares)."""

    centre_mm: tuple[float, float]
    angle: float
    score: float
    side_mm: float


@dataclass(frozen=True, eq=False)  # holds an array
class ClassFrame:
    """A colour class map of the search image and where board mm fall on it:
    px = mm * ppm + offset."""

    classes: np.ndarray
    ppm: float
    offset: float


@dataclass(frozen=True)
class Overlap:
    """Two notes' squares overlapping: `lower` (index) lies under `upper` over `share` of its
    area; sure is False when no cue settled which one is on top (given both ways then)."""

    lower: int
    upper: int
    share: float
    sure: bool


def note_search(
    rect: Rectified, norm: Normalised, board: BoardLayout, cfg: NotesConfig
) -> NoteSearch:
    """The reduced board and the note mask: chroma over a threshold that follows how neutral
    this board's paper came out."""
    f = cfg.search_px_per_mm / rect.px_per_mm
    hh, ww = rect.valid.shape
    size = (max(1, round(ww * f)), max(1, round(hh * f)))
    lab = srgb_to_lab(cv2.resize(norm.rgb, size, interpolation=cv2.INTER_AREA))
    valid = cv2.resize(rect.valid.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(
        bool
    )
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    ppm = cfg.search_px_per_mm
    # Pale, washed-out notes pass on clean paper, while a board with residual colour (mixed
    # light) stays strict. Paper is what the colour stage took for paper (pale notes among it
    # would raise it).
    on_board = np.zeros_like(valid)
    x0, y0 = (round(rect.margin_mm * ppm),) * 2
    x1, y1 = x0 + int(board.size_mm[0] * ppm), y0 + int(board.size_mm[1] * ppm)
    on_board[y0:y1, x0:x1] = True
    on_board &= cv2.resize(norm.paper.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    paperish = chroma[valid & on_board & (chroma < 2 * cfg.chroma_max_threshold)]
    level = float(np.percentile(paperish, 90)) if paperish.size > 100 else cfg.chroma_max_threshold
    thr = float(np.clip(cfg.paper_chroma_factor * level, cfg.chroma_min, cfg.chroma_max_threshold))
    return NoteSearch(lab, valid, (chroma > thr) & valid, ppm)


def _paper_under(sq: Square, ppm: float, rect: Rectified, norm: Normalised) -> np.ndarray | None:
    """The paper colour (CIELAB) of a square of the search image (find_squares' paper_of)."""
    mm = ((sq.cx + 0.5) / ppm - rect.margin_mm, (sq.cy + 0.5) / ppm - rect.margin_mm)
    inner = _square_corners(*mm, 0.6 * sq.side / ppm, sq.angle)
    return _paper_lab(_square_points(inner, 1.0 / rect.px_per_mm), norm, rect)


def squares_on_board(
    squares: list[Square],
    seen: np.ndarray,
    ppm: float,
    fit: BoardFit,
    rect: Rectified,
    board: BoardLayout,
    photo_shape: tuple[int, ...],
    note_size_mm: float,
    cfg: NotesConfig,
) -> list[NoteSquare]:
    """The squares that are this board's notes (centred on the board and in the photo, not a
    sliver at its edge: seen is the mask find_squares returns), in reading order."""
    hh, ww = rect.valid.shape
    bw, bh = board.size_mm
    to_mm = 1.0 / ppm
    kept = []
    for cx, cy, ang, score, _, sq_side in squares:
        cmm = ((cx + 0.5) * to_mm - rect.margin_mm, (cy + 0.5) * to_mm - rect.margin_mm)
        if not (0 <= cmm[0] < bw and 0 <= cmm[1] < bh):
            continue  # centred off the board: it belongs to another board (or the wall)
        u, v = (int(t) for t in rect.mm_to_px(np.array(cmm)))
        if not (0 <= v < hh and 0 <= u < ww and rect.valid[v, u]) or not _centre_in_photo(
            fit.homography, cmm, photo_shape, cfg.centre_margin_frac * sq_side * to_mm
        ):
            continue  # centred outside the photo: too little seen, another photo will hold it
        if _visible_share(seen, _square_corners(cx, cy, sq_side, ang)) < cfg.min_visible_frac:
            continue  # a sliver at the photo's edge: its position is a guess
        kept.append(NoteSquare(cmm, ang, score, sq_side * to_mm))
    kept.sort(key=lambda k: (round(k.centre_mm[1] / note_size_mm), k.centre_mm[0]))
    return kept


def build_note(
    k: int,
    squares: list[NoteSquare],
    norm: Normalised,
    rect: Rectified,
    board: BoardLayout,
    refs: ColourRefs,
    cfg: NotesConfig,
) -> Note:
    """The k-th note of the board from its square: colour, zone, grid position."""
    sq = squares[k]
    cmm = sq.centre_mm
    corners = [_square_corners(q.centre_mm[0], q.centre_mm[1], q.side_mm, q.angle) for q in squares]
    # its colour from the part no other note's square reaches: under an overlap lies either
    # the other note or this one, and only the rest is surely this note's paper
    near = [
        q
        for i, q in enumerate(corners)
        if i != k and np.hypot(*(q.mean(0) - cmm)) < sq.side_mm * np.sqrt(2)
    ]
    colour, de = _note_colour(norm, rect, corners[k], refs, cfg, near)
    zone = board.zone_at(*cmm)
    sure = min(sq.score / (1 + EDGE_WEIGHT + CONTACT_WEIGHT), 1.0) * (
        1 - de / (2 * cfg.unknown_delta_e)
    )
    note = Note(
        id=f"{board.id}-n{k + 1:02d}",
        board=board.id,
        zone=zone.id if zone else None,
        corners_mm=tuple((round(float(px), 2), round(float(py), 2)) for px, py in corners[k]),
        center_mm=(round(float(cmm[0]), 2), round(float(cmm[1]), 2)),
        color=colour,
        confidence=round(float(np.clip(sure, 0, 1)), 3),
        size_mm=round(float(sq.side_mm), 1),
    )
    if zone is not None and zone.kind == "grid":
        zx, zy, zw, zh = zone.rect_mm
        note.x = round(float(np.clip((cmm[0] - zx) / zw, 0, 1)), 4)
        note.y = round(float(np.clip(1 - (cmm[1] - zy) / zh, 0, 1)), 4)
        note.cell = grid_cell(note.x, note.y)
    return note


def mark_covered(
    notes: list[Note],
    names: list[str],
    frame: ClassFrame,
    norm: Normalised,
    rect: Rectified,
    cfg: NotesConfig,
) -> list[Finding]:
    """Set each note's covered share and the notes over it (stacking); findings for the notes
    covered enough to hide text. Hidden text is left to the reviewer: painting the covered
    part out before OCR was tried and read worse (letters cut at the other note's edge read
    as junk)."""
    colours = [names.index(n.color) if n.color in names else -1 for n in notes]
    corners = [np.asarray(n.corners_mm, np.float64) for n in notes]
    for o in stacking(corners, colours, frame, norm, rect, cfg):
        lower = notes[o.lower]
        lower.covered = round(min(1.0, (lower.covered or 0.0) + o.share), 3)
        lower.covered_by = (*lower.covered_by, notes[o.upper].id)
    return [
        Finding("note_covered", "", {"share": n.covered, "by": n.covered_by}, board=n.board,
                item=n.id)
        for n in notes
        if (n.covered or 0) >= cfg.covered_flag
    ]


def find_notes(
    rgb: np.ndarray,
    fit: BoardFit,
    rect: Rectified,
    norm: Normalised,
    board: BoardLayout,
    note_size_mm: float,
    refs: ColourRefs,
    cfg: NotesConfig = CONFIG.notes,
) -> tuple[list[Note], list[Finding]]:
    """Notes whose centre lies on the board, with colour, zone, grid position and an OCR crop,
    and the findings for review."""
    search = note_search(rect, norm, board, cfg)
    ppm = search.ppm
    paper = partial(_paper_under, ppm=ppm, rect=rect, norm=norm)
    squares, cls, seen = find_squares(
        search.lab, search.mask, search.valid, note_size_mm * ppm, ppm, refs.notes, paper, cfg
    )
    kept = squares_on_board(
        squares, seen, ppm, fit, rect, board, rgb.shape, note_size_mm, cfg
    )
    notes: list[Note] = []
    findings: list[Finding] = []
    for k, sq in enumerate(kept):
        note = build_note(k, kept, norm, rect, board, refs, cfg)
        if note.zone is None:
            values = {"colour": note.color, "x": sq.centre_mm[0], "y": sq.centre_mm[1]}
            findings.append(Finding("note_outside_zones", "", values, board=board.id, item=note.id))
        corners_mm = _square_corners(sq.centre_mm[0], sq.centre_mm[1], sq.side_mm, sq.angle)
        note.crop = note_crop(rgb, fit.homography, corners_mm, sq.side_mm, cfg.crop_px_per_mm)
        notes.append(note)
    if notes:
        # board mm -> search px: (mm + margin) * ppm - 0.5
        frame = ClassFrame(cls, ppm, rect.margin_mm * ppm - 0.5)
        findings += mark_covered(notes, list(refs.notes), frame, norm, rect, cfg)
    return notes, findings


class Square(NamedTuple):
    """A note's square in the search image: centre (px), rotation (deg), cover score, colour
    class (a key of the references) and side (px)."""

    cx: float
    cy: float
    angle: float
    score: float
    colour: str
    side: float


def find_squares(
    lab: np.ndarray,
    mask: np.ndarray,
    valid: np.ndarray,
    side: float,
    ppm: float,
    note_refs: dict[str, np.ndarray],
    paper_of: Callable[[Square], np.ndarray | None],
    cfg: NotesConfig = CONFIG.notes,
    blob_size: bool = False,
    strays: bool = False,
    past_frame: bool = False,
    classes: np.ndarray | None = None,
    edge_map: np.ndarray | None = None,
) -> tuple[list[Square], np.ndarray, np.ndarray]:
    """Sticky notes in any image region: squares covering the note-coloured blobs of `mask`.

    lab: CIELAB of the region at a scale where a note of the usual size measures `side` px
    (ppm: px per mm there, for the real pack sizes); mask: where notes may be (caller's
    choice: chroma over a board's paper, or distance from a bare wall's colour); valid: pixels
    inside the photo. paper_of(square) is the square's paper colour (CIELAB) or None, to tell
    two notes stuck over each other from one note split between two colour classes.
    blob_size: a blob that is one lone square as a whole gives its size to its colour parts
    (a note whose colour falls between two classes, seen smaller than usual in a tilted photo).
    strays: a blob's pixels in no colour part (writing, stickers, speckle of a paper whose
    colour falls between two classes) are the part's they touch (see _colour_parts).
    past_frame: the image is the whole photo (no board around it): a blob reaching the
    image's edge is a note the photo's frame cuts, and its square may reach past that edge
    (off the photo, as a board's search has it in its valid map); the others are searched
    as they were.
    classes: classify_map(lab, note_refs)'s index when the caller has it (a wall photo's size
    bands share one image), else computed here; edge_map: _edge_map(lab[..., 0]) likewise.
    Returns the squares, the per-pixel colour class map and the cleaned mask. What belongs to
    which board or zone is decided by the caller, after finding.
    """
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool)
    cls = classify_map(lab, note_refs)[0] if classes is None else classes
    cls = cv2.medianBlur(cls.astype(np.uint8), 5)
    parts = _colour_parts(
        lab, mask, valid, cls, side, list(note_refs), cfg, blob_size, strays, past_frame,
        edge_map,
    )
    board_side, _ = _note_sides([p.lone for p in parts if p.lone is not None], side, cfg)
    squares: list[Square] = []
    for p in parts:
        # a lone note keeps its own size (the declared one within noise; a real pack's)
        own = None if p.lone is None else pack_side(p.lone, side, ppm, cfg)
        s_part = board_side if own is None else own
        found = cover_with_squares(p.pixels, p.support, p.edges, s_part, cfg, p.beyond)
        for cx, cy, ang, score in found:
            squares.append(Square(cx + p.x0, cy + p.y0, ang, score, p.colour, s_part))
    return _unique_squares(squares, paper_of, cfg), cls, mask


@dataclass(frozen=True, eq=False)
class ColourPart:
    """One colour class's part of a blob, in a window around the blob: covered once every
    lone note's size is known."""

    pixels: np.ndarray
    support: np.ndarray  # where a square may lie (the blob, other notes, off the photo)
    edges: np.ndarray  # paper edges (lightness steps and the blob's outline)
    x0: int
    y0: int
    colour: str
    lone: float | None  # its side when it is one lone note (or the whole blob's, see blob_size)
    # the window's sides (left, top, right, bottom) that are the photo's frame its blob
    # reaches (find_squares' past_frame): a square may reach past them
    beyond: tuple[bool, bool, bool, bool] = (False, False, False, False)


def _colour_parts(
    lab: np.ndarray,
    mask: np.ndarray,
    valid: np.ndarray,
    cls: np.ndarray,
    side: float,
    names: list[str],
    cfg: NotesConfig,
    blob_size: bool,
    strays: bool = False,
    past_frame: bool = False,
    edge_map: np.ndarray | None = None,
) -> list[ColourPart]:
    """Every blob of the mask split by colour class (parts under min_area_frac dropped).

    strays: the blob's pixels of no colour that makes a part are given to the part they touch.
    On a whole photo the mask holds the writing (it differs from the wall) and a note's paper
    between its letters; where the writing reaches the note's edge, or the paper's colour falls
    between two classes and speckles, the part keeps only pieces of that note, and two notes
    of one colour stacked passed for one larger note (the upper one's top half lost). A board's
    mask (colour over its paper) leaves most writing out: boards do without."""
    note_area = side * side
    min_px = cfg.min_area_frac * note_area  # a part (or blob) smaller is no note
    support_all = mask | ~valid
    edges = np.maximum(_edge_map(lab[..., 0]) if edge_map is None else edge_map, 0.0)
    n_lab, labels, stats, _ = cv2.connectedComponentsWithStats(
        _fill_holes(mask, 0.5 * note_area).astype(np.uint8)
    )
    size = (mask.shape[1], mask.shape[0])
    parts: list[ColourPart] = []
    pad = int(side * (1 + cfg.size_tolerance))
    for i in range(1, n_lab):
        x, y, w, h, area = stats[i]
        if area < min_px:
            continue
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(size[0], x + w + pad), min(size[1], y + h + pad)
        reach = (x == 0, y == 0, x + w >= size[0], y + h >= size[1])
        beyond = reach if past_frame else (False, False, False, False)
        comp = labels[y0:y1, x0:x1] == i
        sup = support_all[y0:y1, x0:x1] | comp
        c_cls = cls[y0:y1, x0:x1]
        c_mask = mask[y0:y1, x0:x1] & comp
        blob_edges = cv2.morphologyEx(
            comp.astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)
        )
        edg = np.maximum(edges[y0:y1, x0:x1], blob_edges.astype(np.float32))
        whole = lone_note_side(_fill_holes(comp, 0.5 * note_area), cfg) if blob_size else None
        if any(beyond):
            whole = None  # cut by the photo's frame: its size says nothing
        stray = _strays(c_mask, c_cls, len(names), min_px) if strays else None
        for ci, name in enumerate(names):
            part = c_mask & (c_cls == ci)
            if part.sum() < min_px:
                continue
            part = _fill_holes(
                cv2.morphologyEx(part.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)),
                0.5 * note_area,
            )
            if part.sum() < min_px:
                continue
            if stray is not None:
                touching = cv2.dilate(part.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
                part = _fill_holes(part | (stray & touching), 0.5 * note_area)
            lone = None if any(beyond) else lone_note_side(part, cfg)
            parts.append(
                ColourPart(part, sup, edg, x0, y0, name, whole if lone is None else lone, beyond)
            )
    return parts


def _strays(mask: np.ndarray, cls: np.ndarray, n_classes: int, min_px: float) -> np.ndarray:
    """Pixels of the mask whose colour class has too few of them there to make a part."""
    counts = np.bincount(cls[mask].ravel(), minlength=n_classes)
    return mask & (counts[cls] < min_px)


def _unique_squares(
    squares: list[Square], paper_of: Callable[[Square], np.ndarray | None], cfg: NotesConfig
) -> list[Square]:
    """A note whose colour sits between two classes (lime, salmon) is split between them and
    each part gets a square: the same note twice. The best-scored of near-coincident ones is
    kept. Two squares of different classes this near may also be two notes stuck over each
    other (a blue one between two yellow ones): then their papers differ."""

    def same_note(sq: Square, u: Square) -> bool:
        if np.hypot(sq[0] - u[0], sq[1] - u[1]) >= cfg.duplicate_frac * min(sq[5], u[5]):
            return False
        if sq[4] == u[4]:
            return True
        pa, pb = paper_of(sq), paper_of(u)
        return pa is None or pb is None or np.linalg.norm(pa - pb) < cfg.duplicate_paper_de

    unique: list[Square] = []
    for sq in sorted(squares, key=lambda q: -q[3]):
        if not any(same_note(sq, u) for u in unique):
            unique.append(sq)
    return unique


def _outline(corners: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every ~step along a polygon's sides, the outward unit normal at each, and the
    index of the side each lies on."""
    pts, normals, sides = [], [], []
    centre = corners.mean(0)
    for k in range(len(corners)):
        a, b = corners[k], corners[(k + 1) % len(corners)]
        n = max(2, int(np.hypot(*(b - a)) / step))
        pts.append(a + ((np.arange(n) + 0.5) / n)[:, None] * (b - a))
        nv = np.array([b[1] - a[1], a[0] - b[0]]) / max(float(np.hypot(*(b - a))), 1e-9)
        if np.dot(nv, (a + b) / 2 - centre) < 0:
            nv = -nv
        normals.append(np.repeat(nv[None], n, axis=0))
        sides.append(np.full(n, k))
    return np.concatenate(pts), np.concatenate(normals), np.concatenate(sides)


def _inset(corners: np.ndarray, by: float) -> np.ndarray:
    """A square's corners moved `by` inwards on every side (outwards when negative)."""
    c = corners.mean(0)
    d = corners - c
    r = np.linalg.norm(d, axis=1, keepdims=True)
    return c + d * np.maximum(0.0, 1 - by * np.sqrt(2) / np.maximum(r, 1e-9))


def _inside(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points strictly inside a convex polygon (either winding)."""
    if not len(pts):
        return np.zeros(0, bool)
    nxt = np.roll(poly, -1, axis=0)
    cross = (nxt[:, 0] - poly[:, 0])[:, None] * (pts[None, :, 1] - poly[:, 1:2]) - (
        nxt[:, 1] - poly[:, 1]
    )[:, None] * (pts[None, :, 0] - poly[:, 0:1])
    return np.all(cross > 0, axis=0) | np.all(cross < 0, axis=0)


def _overlap_points(a: np.ndarray, b: np.ndarray, inset: float, step: float) -> np.ndarray:
    """Points every `step` inside both squares, each shrunk by `inset` (off blurred borders)."""
    a, b = _inset(a, inset), _inset(b, inset)
    lo = np.maximum(a.min(0), b.min(0))
    hi = np.minimum(a.max(0), b.max(0))
    if np.any(hi <= lo):
        return np.zeros((0, 2))
    xs, ys = np.meshgrid(np.arange(lo[0], hi[0], step), np.arange(lo[1], hi[1], step))
    pts = np.stack([xs.ravel(), ys.ravel()], 1)
    pts = pts[_inside(a, pts)]
    return pts[_inside(b, pts)]


def _colour_upper(
    a: np.ndarray, b: np.ndarray, ca: int, cb: int, frame: ClassFrame, cfg: NotesConfig
) -> bool | None:
    """True when the overlap of squares a and b has a's colour class, False b's, None unsure."""
    cls, ppm, shift = frame.classes, frame.ppm, frame.offset
    pts = _overlap_points(a, b, cfg.stack_inset_mm, 1.0 / ppm)
    xy = np.round(pts * ppm + shift).astype(int)
    h, w = cls.shape
    ok = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
    got = cls[xy[ok, 1], xy[ok, 0]]
    if got.size < cfg.stack_min_samples:
        return None
    fa, fb = np.mean(got == ca), np.mean(got == cb)
    if abs(fa - fb) < cfg.stack_colour_margin:
        return None
    return bool(fa > fb)


def _shade_upper(
    a: np.ndarray,
    b: np.ndarray,
    others: Sequence[np.ndarray],
    norm: Normalised,
    rect: Rectified,
    cfg: NotesConfig,
) -> bool | None:
    """True when the overlap of squares a and b looks like a's own paper, False b's, None
    unsure: two notes of one colour class may still differ in shade (a pastel and a neon
    pink), and the overlap shows the upper one's. Each note's own paper is read where no
    other square reaches (b's, or those of `others`, notes overlapping either), ink left
    out (_ink_free_median); the overlap where no third note reaches."""
    step = 1.0 / rect.px_per_mm
    grown = [_inset(q, -cfg.stack_inset_mm) for q in (a, b, *others)]

    def bare(pts: np.ndarray, skip: Sequence[np.ndarray]) -> np.ndarray:
        for q in skip:
            pts = pts[~_inside(q, pts)]
        return pts

    ov = bare(_overlap_points(a, b, cfg.stack_inset_mm, step), grown[2:])
    whole = [_square_points(_inset(q, cfg.stack_inset_mm), step) for q in (a, b)]
    own_a = bare(whole[0], [grown[1], *grown[2:]])
    own_b = bare(whole[1], [grown[0], *grown[2:]])
    if (
        len(ov) < cfg.stack_min_samples
        or min(len(own) / max(len(w), 1) for own, w in zip((own_a, own_b), whole, strict=True))
        < cfg.colour_min_share
    ):
        return None
    cols = [_paper_lab(pts, norm, rect) for pts in (ov, own_a, own_b)]
    if any(c is None for c in cols):
        return None
    c_ov, c_a, c_b = cols
    gap = float(np.linalg.norm(c_a - c_b))
    if gap < cfg.stack_shade_min_de:
        return None
    da, db = float(np.linalg.norm(c_ov - c_a)), float(np.linalg.norm(c_ov - c_b))
    if abs(da - db) < cfg.stack_shade_margin * gap:
        return None
    return da < db


def _square_points(corners: np.ndarray, step: float) -> np.ndarray:
    """Points every `step` inside a convex polygon (board mm)."""
    lo, hi = corners.min(0), corners.max(0)
    xs, ys = np.meshgrid(np.arange(lo[0], hi[0], step), np.arange(lo[1], hi[1], step))
    pts = np.stack([xs.ravel(), ys.ravel()], 1)
    return pts[_inside(corners, pts)]


def _paper_lab(pts_mm: np.ndarray, norm: Normalised, rect: Rectified) -> np.ndarray | None:
    """Median CIELAB of a note's paper at these board points (_ink_free_median)."""
    px = np.round(rect.mm_to_px(pts_mm)).astype(int)
    hh, ww = rect.valid.shape
    ok = (px[:, 0] >= 0) & (px[:, 0] < ww) & (px[:, 1] >= 0) & (px[:, 1] < hh)
    px = px[ok]
    px = px[rect.valid[px[:, 1], px[:, 0]]]  # off the photo: nothing to read
    if len(px) < 10:
        return None
    x0, y0 = px.min(0)
    x1, y1 = px.max(0) + 1
    return _ink_free_median(norm.lab(y0, y1, x0, x1)[px[:, 1] - y0, px[:, 0] - x0])


def _ink_free_median(lab: np.ndarray) -> np.ndarray:
    """Median CIELAB of a note's pixels (N x 3) without its ink: the least chromatic 30 %
    (grey or black pen) and the darkest 20 % are left out."""
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    sel = (chroma > np.percentile(chroma, 30)) & (lab[:, 0] > np.percentile(lab[:, 0], 20))
    return np.median(lab[sel] if sel.sum() > 10 else lab, axis=0)


def _edge_evidence(
    a: np.ndarray, b: np.ndarray, norm: Normalised, rect: Rectified, cfg: NotesConfig
) -> float | None:
    """How clearly square a's outline shows where it runs across square b (L units per mm).

    Lightness profiles across each side of that outline are averaged (a sheet's edge or its
    shadow line runs the whole side, noise does not) and the mean profile's strongest step
    is kept; as the square's angle may be a few degrees off, the profiles are also taken
    along lines turned by +-cfg.stack_tilts_deg, and the clearest is kept. Profiles crossing
    handwriting (much darker than paper, or off the notes' hue) are left out: a hidden outline
    may run right along a line of text. The result is averaged over the sides, weighted by
    their length."""
    pts, normals, sides = _outline(a, 1.0)
    keep = _inside(_inset(b, cfg.stack_inset_mm), pts)
    pts, normals, sides = pts[keep], normals[keep], sides[keep]
    if len(pts) < cfg.stack_min_samples:
        return None
    ppm = rect.px_per_mm
    offs = np.arange(-cfg.stack_edge_reach_mm, cfg.stack_edge_reach_mm + 1e-9, 1.0 / ppm)
    along = np.zeros(len(pts))  # signed distance from the middle of the side's points
    for k in np.unique(sides):
        m = sides == k
        t = np.array([normals[m][0][1], -normals[m][0][0]])
        proj = pts[m] @ t
        along[m] = proj - proj.mean()
    tilts = np.tan(np.radians(cfg.stack_tilts_deg))
    d = offs[None, None, :] + tilts[:, None, None] * along[None, :, None]  # T x N x K
    prof = pts[None, :, None, :] + d[..., None] * normals[None, :, None, :]  # T x N x K x 2
    px = rect.mm_to_px(prof.reshape(-1, 2))
    hh, ww = rect.valid.shape
    x0, y0 = np.maximum(np.floor(px.min(0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(px.max(0)).astype(int) + 3, (ww, hh))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    lab = norm.lab(y0, y1, x0, x1).astype(np.float32)
    px = (px - (x0, y0)).astype(np.float32).reshape(len(tilts) * len(pts), len(offs), 2)
    got = cv2.remap(lab, px[..., 0], px[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    got = got.reshape(len(tilts), len(pts), len(offs), 3)
    vals = got[..., 0]
    # ink: much darker than the paper, or off the notes' hue (a shadow only darkens)
    ab = got[..., 1:] - np.median(got[..., 1:].reshape(-1, 2), axis=0)
    hue = np.hypot(ab[..., 0], ab[..., 1])
    clean = (vals.min(axis=(0, 2)) > float(np.median(vals)) - cfg.stack_ink_drop) & (
        hue.max(axis=(0, 2)) < cfg.stack_ink_hue
    )
    steps, weights = [], []
    for k in np.unique(sides[clean]):
        m = clean & (sides == k)
        if m.sum() >= cfg.stack_min_samples:
            mean = vals[:, m].mean(axis=1)  # T x K
            steps.append(float(np.abs(np.diff(mean, axis=1)).max() * ppm))
            weights.append(int(m.sum()))
    return float(np.average(steps, weights=weights)) if steps else None


def stacking(
    corners: list[np.ndarray],
    colours: list[int],
    frame: ClassFrame,
    norm: Normalised,
    rect: Rectified,
    cfg: NotesConfig = CONFIG.notes,
) -> list[Overlap]:
    """Which note lies under which, for the notes whose squares overlap.

    corners: each note's square in board mm; colours: each note's class index (-1: none) in
    frame's class map. Where two squares
    overlap, the upper note shows: its colour fills the overlap when the two differ (in class,
    else in shade: _shade_upper), and its
    outline (the sheet's edge, the thin shadow it casts) runs across the lower note, while the
    lower note's outline under it is hidden. A pair neither cue settles is given both ways,
    not sure: a person looks at it either way.
    """
    out: list[Overlap] = []
    quads = [c.astype(np.float32) for c in corners]
    areas = [abs(cv2.contourArea(q)) for q in quads]
    n = len(quads)
    shared = np.zeros((n, n))  # area two squares share
    for i in range(n):
        for j in range(i + 1, n):
            shared[i, j] = shared[j, i] = cv2.intersectConvexConvex(quads[i], quads[j])[0]
    for i in range(n):
        for j in range(i + 1, n):
            inter = shared[i, j]
            if inter < cfg.stack_min_frac * min(areas[i], areas[j]):
                continue
            i_up = None
            if colours[i] != colours[j] and min(colours[i], colours[j]) >= 0:
                i_up = _colour_upper(corners[i], corners[j], colours[i], colours[j], frame, cfg)
            if i_up is None:
                others = [
                    corners[k]
                    for k in range(n)
                    if k not in (i, j) and (shared[k, i] > 0 or shared[k, j] > 0)
                ]
                i_up = _shade_upper(corners[i], corners[j], others, norm, rect, cfg)
            if i_up is None:
                ei = _edge_evidence(corners[i], corners[j], norm, rect, cfg)
                ej = _edge_evidence(corners[j], corners[i], norm, rect, cfg)
                if (
                    ei is not None
                    and ej is not None
                    and max(ei, ej) >= cfg.stack_edge_ratio * max(min(ei, ej), cfg.stack_edge_floor)
                ):
                    i_up = ei > ej
            if i_up is None:
                out.append(Overlap(i, j, inter / areas[i], False))
                out.append(Overlap(j, i, inter / areas[j], False))
            else:
                up, low = (i, j) if i_up else (j, i)
                out.append(Overlap(low, up, inter / areas[low], True))
    return out


def _centre_in_photo(
    h: np.ndarray, cmm: tuple[float, float], shape: tuple[int, ...], margin_mm: float
) -> bool:
    """True when the board point cmm (mm), and margin_mm around it, lie inside the photo frame.

    A note whose centre nobody can see cannot be placed; one whose centre sits right on the
    frame edge is only half seen, and a fit on a board seen through few markers is a few px
    off there: its centre is on the wrong side as often as not. The exact projection is
    tested (the rectified validity mask is resampled and reaches a hair past the frame).
    """
    for dx, dy in ((0, 0), (-margin_mm, 0), (margin_mm, 0), (0, -margin_mm), (0, margin_mm)):
        p = h @ np.array([cmm[0] + dx, cmm[1] + dy, 1.0])
        if p[2] <= 0:
            return False
        x, y = p[0] / p[2], p[1] / p[2]
        if not (0.0 <= x < shape[1] and 0.0 <= y < shape[0]):
            return False
    return True


def _visible_share(valid: np.ndarray, corners: np.ndarray) -> float:
    """Share of a square (corners in the frame of `valid`) lying on `valid` pixels."""
    x0, y0 = np.maximum(np.floor(corners.min(0)).astype(int), 0)
    x1, y1 = np.ceil(corners.max(0)).astype(int) + 1
    m = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    cv2.fillConvexPoly(m, np.round(corners - (x0, y0)).astype(np.int32), 1)
    total = float(m.sum())  # the square may also run past the array: that part is not photo
    sub = valid[y0:y1, x0:x1]
    seen = float((m[: sub.shape[0], : sub.shape[1]] & sub).sum())
    return seen / total if total else 0.0


def _note_colour(
    norm: Normalised,
    rect: Rectified,
    corners_mm: np.ndarray,
    refs: ColourRefs,
    cfg: NotesConfig,
    over: Sequence[np.ndarray] = (),
) -> tuple[str, float]:
    """Median colour of the note's inner area, without its ink (dark or neutral pixels) and
    without the parts `over` reaches (other notes' squares, board mm), when enough is left."""
    c = corners_mm.mean(0)
    inner = (corners_mm - c) * 0.6 + c
    poly = np.round(rect.mm_to_px(inner)).astype(np.int32)
    x0, y0 = np.maximum(poly.min(0), 0)
    x1, y1 = poly.max(0) + 1
    m = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    cv2.fillConvexPoly(m, poly - (x0, y0), 1)
    if len(over):
        own = m.copy()
        for sq in over:
            q = np.round(rect.mm_to_px(_inset(np.asarray(sq, np.float64), -cfg.stack_inset_mm)))
            cv2.fillConvexPoly(m, q.astype(np.int32) - (x0, y0), 0)
        if m.sum() < cfg.colour_min_share * own.sum():
            m = own  # too little left: the whole inner area
    lab = norm.lab(y0, y1, x0, x1)[: m.shape[0], : m.shape[1]]
    m = m[: lab.shape[0], : lab.shape[1]].astype(bool)
    px = lab[m]
    if px.size == 0:
        return "unknown", np.inf
    return classify(_ink_free_median(px), refs.notes, cfg.unknown_delta_e)


def note_crop(
    rgb: np.ndarray,
    homography: np.ndarray,
    corners_mm: np.ndarray,
    note_size_mm: float,
    px_per_mm: float,
) -> np.ndarray:
    """Upright RGB crop of a note warped from the original photo (its own rotation removed)."""
    side = round(note_size_mm * px_per_mm)
    dst = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    src = (
        cv2.perspectiveTransform(
            np.asarray(corners_mm, np.float64).reshape(-1, 1, 2), np.asarray(homography, np.float64)
        )
        .reshape(4, 2)
        .astype(np.float32)
    )
    m = cv2.getPerspectiveTransform(dst, src)
    return cv2.warpPerspective(
        rgb,
        m,
        (side, side),
        flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
