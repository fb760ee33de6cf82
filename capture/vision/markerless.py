"""Sticky notes and dot stickers on a photo with no board: the whole photo at unknown scale.

With no printed board there is no paper to measure the light on and no millimetre scale. The
wall stands in for both: its colour (the most common colour of the photo) balances the light
when it is near-neutral, and whatever differs enough from it may be a note. The notes
themselves give the scale: lone notes are filled squares, and their median side sets the
resolution at which the board's own finders run (notes.find_squares at 1 px per nominal mm,
dots.place_discs at work_px_per_mm). Dots on a note are what differs from that note's paper;
dots on the wall what differs from the wall. Which note a dot belongs to is decided after
finding, like zones on a board.

Detectors here are plain functions over arrays returning frozen dataclasses; naming colours
for people, flags and files are left to the callers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.core.config import CONFIG, Config, MarkerlessConfig
from capture.vision.colour import classify, classify_map, srgb_to_lab
from capture.vision.dots import place_discs
from capture.vision.notes import (
    Square,
    _ink_free_median,
    _square_corners,
    find_squares,
    lone_note_side,
)


@dataclass(frozen=True)
class WallNote:
    corners: tuple[tuple[float, float], ...]  # photo px, TL TR BR BL (clockwise)
    center: tuple[float, float]  # photo px
    side_px: float  # mean side in the photo
    lab: tuple[float, float, float]  # paper colour (balanced CIELAB)
    score: float  # 0-1: how well a square (or rectangle) explains the blob


@dataclass(frozen=True)
class WallDot:
    center: tuple[float, float]  # photo px
    radius_px: float
    lab: tuple[float, float, float]
    on_note: int | None  # index in WallScene.notes
    ambiguous: bool  # its cluster did not make a whole number of stickers


@dataclass(frozen=True)
class NotePlace:
    group: int  # notes closer than group_gap_frac x their side, chained
    row: int  # within its group, from the top
    col: int  # within its group, from the left
    neighbours: tuple[int, ...]  # indices of the notes next to it in its group


@dataclass(frozen=True)
class WallScene:
    size: tuple[int, int]  # photo width, height
    wall_lab: tuple[float, float, float]  # the wall's colour as photographed
    balanced: bool  # the wall was near-neutral: colours were balanced on it
    note_side_px: float  # the usual note side in the photo (0 when no note was found)
    dot_radius_px: float
    notes: tuple[WallNote, ...]
    dots: tuple[WallDot, ...]
    places: tuple[NotePlace, ...]  # one per note
    wall_h: tuple[tuple[float, ...], ...] | None  # photo px -> wall plane (nominal mm), or None


def _lab(rgb8: np.ndarray) -> np.ndarray:
    return srgb_to_lab(rgb8.astype(np.float32) / 255.0)


def wall_colour(lab: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray:
    """The wall's colour: the mode of the photo's colours (a coarse CIELAB histogram's peak),
    refined as the median of the pixels in that bin."""
    px = lab.reshape(-1, 3)
    lo = np.array([0.0, -100.0, -100.0])
    span = np.array([100.0, 200.0, 200.0])
    idx = np.clip(((px - lo) / span * cfg.wall_bins).astype(int), 0, cfg.wall_bins - 1)
    flat = (idx[:, 0] * cfg.wall_bins + idx[:, 1]) * cfg.wall_bins + idx[:, 2]
    counts = np.bincount(flat, minlength=cfg.wall_bins**3)
    peak = int(np.argmax(counts))
    return np.median(px[flat == peak], axis=0)


def _balance_gains(rgb8: np.ndarray, lab: np.ndarray, wall: np.ndarray) -> np.ndarray:
    """Per-channel gains (linear light) that make the wall's pixels grey at their lightness."""
    near = np.linalg.norm(lab - wall, axis=-1) < 6.0
    lin = (rgb8.astype(np.float32) / 255.0) ** 2.2
    mean = lin[near].mean(0) if near.sum() > 50 else lin.reshape(-1, 3).mean(0)
    return mean.mean() / np.maximum(mean, 1e-4)


def _apply_gains(rgb8: np.ndarray, gains: np.ndarray | None) -> np.ndarray:
    if gains is None:
        return rgb8
    lin = (rgb8.astype(np.float32) / 255.0) ** 2.2 * gains
    return (np.clip(lin, 0, 1) ** (1 / 2.2) * 255.0).astype(np.uint8)


def foreground(lab: np.ndarray, ref: np.ndarray, l_weight: float) -> np.ndarray:
    """Distance of each pixel from a reference colour (per pixel or one), lightness
    down-weighted: light falling off across a wall changes L far more than a, b."""
    d = lab - ref
    return np.sqrt((l_weight * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)


def _background_blobs(mask: np.ndarray, note_area: float) -> np.ndarray:
    """Large blobs reaching the photo's frame: the wall around a whiteboard, a table, a
    coloured wall beyond the paper; no group of notes is that large and frame-bound."""
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    h, w = mask.shape
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    fill = area / np.maximum(bw * bh, 1)
    side = np.sqrt(note_area)
    long_ = np.maximum(bw, bh)
    # a band along the frame (the wall beyond a paper roll or a whiteboard) is longer than a
    # row of four notes with no gap; notes cut by the frame rarely make such a band
    drop = touches & (
        (area > 12 * note_area) | ((area > 3 * note_area) & (fill < 0.35)) | (long_ > 4.5 * side)
    )
    drop[0] = False
    return drop[labels]


def note_scale(
    mask: np.ndarray, cfg: Config
) -> tuple[float | None, list[tuple[float, float, float]]]:
    """The usual note side (px) in this mask: the median side of its lone square blobs, else
    of its compact note-like blobs; None when nothing looks like a note. And each lone note's
    (x, y, side), for the scale's variation across a tilted photo."""
    n, labels, stats, cents = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=4
    )
    lone, compact = [], []
    samples: list[tuple[float, float, float]] = []
    h, w = mask.shape
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if min(bw, bh) < cfg.markerless.scale_min_px or area > 0.25 * h * w:
            continue
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # cut by the frame: its size says nothing
        part = labels[y : y + bh, x : x + bw] == i
        s = lone_note_side(part, cfg.notes)
        if s is not None:
            lone.append(s)
            samples.append((float(cents[i][0]), float(cents[i][1]), s))
        elif area / (bw * bh) > 0.6 and max(bw, bh) / min(bw, bh) < 2.5:
            compact.append(np.sqrt(area))
    if lone:
        return float(np.median(lone)), samples
    if compact:  # multi-note blobs are larger: take the small
        return float(np.percentile(compact, 25)), samples
    return None, samples


def scale_field(
    samples: list[tuple[float, float, float]], side: float, cfg: MarkerlessConfig
) -> np.ndarray | None:
    """Coefficients (a, b, c) of side / usual side = a + b x + c y (photo px) fitted on lone
    notes, when enough of them spread over the photo; perspective makes far notes smaller."""
    if len(samples) < cfg.scale_field_min:
        return None
    a = np.array(samples, np.float64)
    a = a[(a[:, 2] > 0.5 * side) & (a[:, 2] < 2.0 * side)]  # a sticker, two notes: not notes
    if len(a) < cfg.scale_field_min:
        return None
    design = np.column_stack([np.ones(len(a)), a[:, 0], a[:, 1]])
    coef, *_ = np.linalg.lstsq(design, a[:, 2] / side, rcond=None)
    pred = design @ coef
    rel = a[:, 2] / side
    spread = float(np.std(rel))
    explained = 1.0 - float(np.var(rel - pred)) / max(spread**2, 1e-12)
    if np.ptp(pred) < 0.15 or spread < 0.06 or explained < 0.6:
        return None  # about one size everywhere, or sizes no plane explains: one scale
    return coef


def _lone_rectangles(
    mask: np.ndarray, side: float, cfg: Config, cls: np.ndarray | None = None
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Lone rectangular notes (3x5" cards, 4x6"): filled rectangles of a note's width and up to
    rect_aspect_max long. Their corners (search px) and fill, and the mask without them."""
    m = cfg.markerless
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=4)
    out, rest = [], mask.copy()
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < 0.5 * side * side or area > 2.5 * side * side:
            continue
        part = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
        cs, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        (cx, cy), (rw, rh), ang = cv2.minAreaRect(max(cs, key=cv2.contourArea))
        rw, rh = rw + 1.0, rh + 1.0
        short, long_ = min(rw, rh), max(rw, rh)
        if long_ / short <= m_aspect_min(cfg) or long_ / short > m.rect_aspect_max:
            continue
        if not 0.6 * side <= short <= 1.4 * side or area / (rw * rh) < m.rect_fill_min:
            continue
        if cls is not None:
            share = np.bincount(cls[y : y + bh, x : x + bw][part.astype(bool)].ravel())
            if share.max() < m.rect_one_colour * share.sum():
                continue  # two notes of different colours side by side
        box = cv2.boxPoints(((cx + x, cy + y), (rw, rh), ang))
        out.append((_order_corners(box), float(area / (rw * rh))))
        rest[y : y + bh, x : x + bw] &= ~part.astype(bool)
    return out, rest


def m_aspect_min(cfg: Config) -> float:
    """Below this aspect a lone blob is a square note (the square finder's business)."""
    return cfg.notes.lone_aspect_max


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points as TL, TR, BR, BL (image axes): sorted by angle round their centre, starting
    from the one nearest the top-left direction."""
    pts = np.asarray(pts, np.float64).reshape(4, 2)
    c = pts.mean(0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image axes (y down)
    start = int(np.argmin(pts.sum(1)))
    return np.roll(pts, -start, axis=0)


def _poly_mask(shape: tuple[int, int], corners: np.ndarray) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, np.round(corners).astype(np.int32), 1)
    return m.astype(bool)


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
    quad = _order_corners(quad.astype(np.float64) + np.array([x0, y0], np.float64))
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


def _dot_radius(
    mask: np.ndarray, ppm: float, cfg: MarkerlessConfig, rel: np.ndarray | None = None
) -> float | None:
    """Sticker radius (px, where the scale is the usual one) from lone round blobs of a
    sticker's size, or None. rel: the local scale (per pixel) a blob's radius is divided by."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    lo, hi = (d * ppm for d in cfg.dot_mm_range)
    radii = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if not lo <= max(bw, bh) <= hi:
            continue
        part = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
        cs, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        per = cv2.arcLength(cs[0], True)
        if per > 0 and 4 * np.pi * area / per**2 >= cfg.dot_round_min:
            k = 1.0 if rel is None else float(rel[y + bh // 2, x + bw // 2])
            radii.append(np.sqrt(area / np.pi) / k)
    return float(np.median(radii)) if radii else None


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


def _places(centres: np.ndarray, side: float, cfg: MarkerlessConfig) -> list[NotePlace]:
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


def wall_plane(quads: list[np.ndarray], note_mm: float, cfg: MarkerlessConfig) -> np.ndarray | None:
    """A homography from photo px to the wall plane (nominal mm), when lone notes' outlines
    agree on one: each quad's own square fit is tried on all, the one that makes the others
    most square wins if their mean error is under wall_max_error."""
    if len(quads) < cfg.wall_min_quads:
        return None
    dst = np.array([(0, 0), (note_mm, 0), (note_mm, note_mm), (0, note_mm)], np.float32)
    best, best_err = None, np.inf
    for q in quads:
        h = cv2.getPerspectiveTransform(q.astype(np.float32), dst)
        errs = []
        for o in quads:
            p = cv2.perspectiveTransform(o.reshape(-1, 1, 2).astype(np.float64), h).reshape(4, 2)
            sides = np.linalg.norm(np.roll(p, -1, 0) - p, axis=1)
            if sides.min() <= 0:
                errs.append(1.0)
                continue
            diag = np.linalg.norm(p[2] - p[0]), np.linalg.norm(p[3] - p[1])
            errs.append(float(np.std(sides) / np.mean(sides) + abs(diag[0] / diag[1] - 1)))
        err = float(np.median(errs))
        if err < best_err:
            best, best_err = h, err
    if best is None or best_err > cfg.wall_max_error:
        return None
    # keep the wall upright and anchored at the first note: only its shape matters here
    return best


def find_wall(
    rgb: np.ndarray,
    note_refs: dict[str, np.ndarray],
    sticker_refs: dict[str, np.ndarray],
    config: Config = CONFIG,
) -> WallScene:
    """Every note and dot sticker of an RGB photo (uint8) with no board, at unknown scale.

    note_refs / sticker_refs: CIELAB colours that split touching items of different colours
    (naming them for people is the caller's business).
    """
    m = config.markerless
    h, w = rgb.shape[:2]
    f0 = min(1.0, m.probe_max_side_px / max(h, w))
    probe = cv2.resize(
        rgb,
        (max(1, round(w * f0)), max(1, round(h * f0))),
        interpolation=cv2.INTER_AREA,
    )
    lab0 = _lab(probe)
    wall = wall_colour(lab0, m)
    balanced = float(np.hypot(wall[1], wall[2])) < m.wall_neutral_chroma
    gains = _balance_gains(probe, lab0, wall) if balanced else None
    if gains is not None:
        lab0 = _lab(_apply_gains(probe, gains))
        wall = wall_colour(lab0, m)
    fg0 = foreground(lab0, wall, m.fg_l_weight) > m.fg_delta_e
    fg0 = cv2.morphologyEx(fg0.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    side0, samples = note_scale(fg0, config)
    empty = WallScene((w, h), tuple(float(v) for v in wall), balanced, 0.0, 0.0, (), (), (), None)
    if side0 is None:
        return empty
    side_full = side0 / f0
    # work image: a usual note measures note_mm * work_px_per_mm px (capped in pixels)
    fw = m.note_mm * m.work_px_per_mm / side_full
    fw = min(fw, np.sqrt(m.work_max_px / (h * w)), 2.0)
    size_w = (max(1, round(w * fw)), max(1, round(h * fw)))
    work = _apply_gains(cv2.resize(rgb, size_w, interpolation=cv2.INTER_AREA), gains)
    lab_w = _lab(work)
    ppm_w = side_full * fw / m.note_mm  # work px per nominal mm
    # notes: at 1 px per nominal mm, as on a board
    fs = 1.0 / ppm_w
    size_s = (max(1, round(size_w[0] * fs)), max(1, round(size_w[1] * fs)))
    lab_s = _lab(cv2.resize(work, size_s, interpolation=cv2.INTER_AREA))
    side = m.note_mm
    note_area = side * side
    mask = foreground(lab_s, wall, m.fg_l_weight) > m.fg_delta_e
    mask &= ~_background_blobs(mask, note_area)
    cls_s, _ = classify_map(lab_s, note_refs)
    rects, mask = _lone_rectangles(mask, side, config, cls_s)
    valid = np.ones(mask.shape, bool)

    def paper_of(sq: Square) -> np.ndarray | None:
        poly = _square_corners(sq.cx, sq.cy, 0.6 * sq.side, sq.angle)
        px = lab_s[_poly_mask(mask.shape, poly)]
        return _ink_free_median(px) if len(px) >= 10 else None

    lo, hi = m.lone_side_range
    # blobs by the note size expected where they are (bands of scale_band_step)
    coef = scale_field([(x / f0, y / f0, s / f0) for x, y, s in samples], side_full, m)
    n_lab, labels, _st, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    band = np.zeros(n_lab, int)
    if coef is not None:
        to_full = 1.0 / (fs * fw)
        rel = coef[0] + coef[1] * cents[:, 0] * to_full + coef[2] * cents[:, 1] * to_full
        rel = np.clip(rel, m.scale_rel_range[0], m.scale_rel_range[1])
        band = np.round(np.log(rel) / np.log(1 + m.scale_band_step)).astype(int)
    band[0] = np.iinfo(int).min  # the background label
    squares: list[Square] = []
    mask_c = np.zeros_like(mask)
    for b in sorted(set(band[1:].tolist())):
        side_b = side * (1 + m.scale_band_step) ** b
        notes_cfg = replace(
            config.notes,
            lone_aspect_max=m.lone_aspect_max,
            lone_fill_min=m.lone_fill_min,
            size_tolerance=max(1 - lo, hi - 1),
            # every size in the range is a "pack": a lone note keeps the size it shows
            pack_sizes_mm=tuple(
                float(s) for s in np.arange(lo * side_b, hi * side_b, 0.08 * side_b)
            ),
        )
        sq_b, _cls, mc = find_squares(
            lab_s,
            mask & (band[labels] == b),
            valid,
            side_b,
            1.0,
            note_refs,
            paper_of,
            notes_cfg,
            blob_size=True,
        )
        squares += sq_b
        mask_c |= mc
    outlines: list[tuple[np.ndarray, float]] = []
    for sq in squares:
        corners = _square_corners(sq.cx, sq.cy, sq.side, sq.angle)
        poly = _poly_mask(mask.shape, corners)
        if poly.sum() == 0 or mask_c[poly].mean() * poly.sum() / (sq.side**2) < (
            config.notes.min_visible_frac
        ):
            continue  # mostly off the photo or off coloured pixels: a sliver, a guess
        cx, cy = corners.mean(0)
        if not (0 <= cx < size_s[0] and 0 <= cy < size_s[1]):
            continue
        score = min(1.0, sq.score / 1.9)
        outlines.append((_order_corners(corners), score))
    refined = [(_refine_quad(mask_c, c), sc) for c, sc in outlines]
    # a note whose own four corners were found shows the wall's perspective
    own_quad = [not np.array_equal(q, c) for (q, _), (c, _) in zip(refined, outlines, strict=True)]
    outlines = refined + rects
    own_quad += [False] * len(rects)
    # search px (pixel centres) -> photo px
    to_photo = 1.0 / (fs * fw)
    notes: list[WallNote] = []
    quads = []
    for (corners, score), own in zip(outlines, own_quad, strict=True):
        cp = (corners + 0.5) * to_photo - 0.5
        if own:
            quads.append(cp)
        cw = (corners + 0.5) / fs - 0.5  # work px
        inner = (cw - cw.mean(0)) * 0.6 + cw.mean(0)
        px = lab_w[_poly_mask(lab_w.shape[:2], inner)]
        if len(px) < 10:
            continue
        paper = _ink_free_median(px)
        if np.hypot(paper[1], paper[2]) < m.note_chroma_min:
            continue  # a grey or white surface (the wall beyond a paper roll): not a note
        sides = np.linalg.norm(np.roll(cp, -1, 0) - cp, axis=1)
        notes.append(
            WallNote(
                tuple((float(x), float(y)) for x, y in cp),
                (float(cp[:, 0].mean()), float(cp[:, 1].mean())),
                float(sides.mean()),
                tuple(float(v) for v in paper),
                round(float(score), 3),
            )
        )
    # reading order: rows of notes top to bottom, left to right in each
    notes.sort(key=lambda n: (round(n.center[1] / side_full), n.center[0]))
    # dots: what differs from its note's paper on a note, from the wall elsewhere. A pixel
    # near a note is compared with the wall and with every note it may belong to (squares
    # are a little off real outlines, notes overlap): a sticker differs from all of them.
    dist = foreground(lab_w, wall, m.fg_l_weight)
    # Shade (a curled corner, the gap between two notes, a note's own shadow) darkens a
    # surface by the same factor in every channel: its chromaticity (linear RGB over their
    # sum) stays the surface's. A sticker's does not.
    lin = (work.astype(np.float32) / 255.0) ** 2.2 + 1e-3
    chrom = lin / lin.sum(-1, keepdims=True)
    near_wall = dist < m.fg_delta_e / 2
    wall_c = np.median(chrom[near_wall], axis=0) if near_wall.sum() > 50 else chrom.mean((0, 1))
    cdist = np.linalg.norm(chrom - wall_c, axis=-1)
    owner = -np.ones(lab_w.shape[:2], np.int32)
    grow = 0.1 * m.note_mm * ppm_w
    for i, n in enumerate(notes):
        cw = (np.array(n.corners) + 0.5) * fw - 0.5
        c = cw.mean(0)
        big = c + (cw - c) * (1 + 2 * grow / max(n.side_px * fw, 1.0))
        x0, y0 = np.maximum(np.floor(big.min(0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(big.max(0)).astype(int) + 1, (lab_w.shape[1], lab_w.shape[0]))
        if x1 <= x0 or y1 <= y0:
            continue
        sub = _poly_mask((y1 - y0, x1 - x0), big - (x0, y0))
        d = foreground(lab_w[y0:y1, x0:x1], np.array(n.lab), m.fg_l_weight)
        box = dist[y0:y1, x0:x1]
        box[sub] = np.minimum(box[sub], d[sub])
        own = _poly_mask((y1 - y0, x1 - x0), cw - (x0, y0))
        paper_c = (
            np.median(chrom[y0:y1, x0:x1][own & (d < m.fg_delta_e / 2)], axis=0)
            if ((own & (d < m.fg_delta_e / 2)).sum() > 20)
            else None
        )
        if paper_c is not None:
            cb = cdist[y0:y1, x0:x1]
            cb[sub] = np.minimum(
                cb[sub], np.linalg.norm(chrom[y0:y1, x0:x1] - paper_c, axis=-1)[sub]
            )
        ob = owner[y0:y1, x0:x1]
        ob[own] = i
    chroma = np.hypot(lab_w[..., 1], lab_w[..., 2])
    cand = (dist > m.dot_delta_e) & (cdist > m.dot_chromaticity)
    # along a note's outline the photo mixes paper, wall and the note's shadow (a curled
    # corner, blur): nothing there is a sticker's own colour, a sticker reaches past it
    edge = np.zeros(cand.shape, np.uint8)
    for n in notes:
        cw = (np.array(n.corners) + 0.5) * fw - 0.5
        width = max(1, round(2 * m.dot_edge_band * n.side_px * fw))
        cv2.polylines(edge, [np.round(cw).astype(np.int32)], True, 1, width)
    cand &= edge == 0
    # ink is dark and nearly neutral (black, grey pens): never a sticker
    cand &= ~((chroma < 12.0) & (lab_w[..., 0] < 60.0))
    r_guess = m.dot_mm / 2 * ppm_w
    # pen strokes are far thinner than a sticker; stickers far off in a tilted view are a
    # good deal smaller than near ones: the opening keeps anything over half the usual size
    k = max(3, round(r_guess * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    # the local scale: stickers far off in a tilted photo are smaller, like the notes there
    rel_w = None
    band_w = np.zeros(cand.shape, int)
    if coef is not None:
        gy, gx = np.mgrid[0 : cand.shape[0], 0 : cand.shape[1]].astype(np.float32)
        rel_w = coef[0] + (coef[1] * gx + coef[2] * gy) / fw
        rel_w = np.clip(rel_w, m.scale_rel_range[0], m.scale_rel_range[1])
        band_w = np.round(np.log(rel_w) / np.log(1 + m.scale_band_step)).astype(int)
    r_found = _dot_radius(cand, ppm_w, m, rel_w)
    r0 = r_found if r_found is not None else r_guess
    glare = (lab_w[..., 0] > config.dots.glare_l_min) & (chroma < config.dots.chroma_min)
    dot_area_note = (side * ppm_w) ** 2
    placed = []
    r_px = r0
    for b in sorted(set(np.unique(band_w).tolist())):
        k_b = (1 + m.scale_band_step) ** b
        sel = cand & (band_w == b)
        if not sel.any():
            continue
        # blobs the size of notes are notes the square finder left (not stickers): dropped
        got, r_b = place_discs(
            lab_w, sel, glare, r0 * k_b, dot_area_note * k_b**2, sticker_refs, config.dots
        )
        placed += [(*p, r_b) for p in got]
        if b == 0 or len(set(band_w.ravel().tolist())) == 1:
            r_px = r_b
    # a pen line (an arrow drawn on the wall, a thick marker stroke) is laid with a chain of
    # discs: four or more in one blob, all on one straight line, are ink, not stickers
    _nc, comp = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    by_comp: dict[int, list[int]] = {}
    for k, p in enumerate(placed):
        lab_k = int(comp[min(round(p[1]), comp.shape[0] - 1), min(round(p[0]), comp.shape[1] - 1)])
        by_comp.setdefault(lab_k, []).append(k)
    stroke: set[int] = set()
    for lab_k, ks in by_comp.items():
        if lab_k == 0 or len(ks) < m.stroke_min_discs:
            continue
        pts = np.array([placed[k][:2] for k in ks], np.float64)
        ev = np.linalg.eigvalsh(np.cov((pts - pts.mean(0)).T))
        if np.sqrt(max(ev[0], 0.0)) < m.stroke_width_frac * placed[ks[0]][4]:
            stroke.update(ks)
    placed = [p for k, p in enumerate(placed) if k not in stroke]
    dots: list[WallDot] = []
    explained = (dist <= m.dot_delta_e) | (cdist <= m.dot_chromaticity)
    yy, xx = np.mgrid[0 : dist.shape[0], 0 : dist.shape[1]]
    for cx, cy, pix, ambiguous, r_d in placed:
        if len(pix) == 0:
            continue
        # a sticker stands on the wall or a note: round it, mostly what they explain (or
        # other stickers); a strip of another wall along the frame, a magnet's rim is not
        hh, ww = dist.shape
        if min(cx, cy, ww - 1 - cx, hh - 1 - cy) < 1.8 * r_d:
            continue  # cut by the frame, its surroundings unseen: a strip of something else
        x0, x1 = max(0, int(cx - 2 * r_d)), min(dist.shape[1], int(cx + 2 * r_d) + 1)
        y0, y1 = max(0, int(cy - 2 * r_d)), min(dist.shape[0], int(cy + 2 * r_d) + 1)
        gx, gy = xx[y0:y1, x0:x1], yy[y0:y1, x0:x1]
        rr = np.hypot(gx - cx, gy - cy)
        ring = (rr > 1.3 * r_d) & (rr < 1.8 * r_d)
        n_ring = ring.sum()
        for (
            ox,
            oy,
            *_,
        ) in placed:  # touching stickers: their discs say nothing either way
            if 0 < np.hypot(ox - cx, oy - cy) < 3 * r_d:
                ring &= np.hypot(gx - ox, gy - oy) > 1.1 * r_d
        if ring.sum() < 0.3 * max(n_ring, 1) or explained[y0:y1, x0:x1][ring].mean() < (
            m.dot_ring_min
        ):
            continue
        # a sticker is a full disc of its colour: a disc laid along a pen stroke is not
        disc = rr < 0.8 * r_d
        if disc.sum() and cand[y0:y1, x0:x1][disc].mean() < m.dot_fill_min:
            continue
        # a sticker ends at its rim: a strip (a curled corner's shade, a gap between two
        # notes) runs on past the disc
        rim = (rr > 1.15 * r_d) & (rr < 1.5 * r_d)
        for ox, oy, *_ in placed:
            if 0 < np.hypot(ox - cx, oy - cy) < 3 * r_d:
                rim &= np.hypot(gx - ox, gy - oy) > 1.15 * r_d
        if rim.sum() and cand[y0:y1, x0:x1][rim].mean() > m.dot_rim_max:
            continue
        xi, yi = min(round(cx), owner.shape[1] - 1), min(round(cy), owner.shape[0] - 1)
        on = int(owner[yi, xi])
        dots.append(
            WallDot(
                (float((cx + 0.5) / fw - 0.5), float((cy + 0.5) / fw - 0.5)),
                float(r_d / fw),
                tuple(float(v) for v in np.median(pix, axis=0)),
                on if on >= 0 else None,
                bool(ambiguous),
            )
        )
    centres = np.array([n.center for n in notes], np.float64).reshape(-1, 2)
    places = _places(centres, side_full, m)
    hw = wall_plane(quads, m.note_mm, m)
    return WallScene(
        (w, h),
        tuple(float(v) for v in wall),
        balanced,
        float(side_full),
        float(r_px / fw),
        tuple(notes),
        tuple(dots),
        tuple(places),
        None if hw is None else tuple(tuple(float(v) for v in row) for row in hw),
    )


def name_colours(
    labs: list[tuple[float, float, float]],
    names: dict[str, np.ndarray],
    cluster_de: float,
    unknown_de: float,
) -> list[tuple[str, float]]:
    """Colours as they come: items whose colours lie within cluster_de of each other (chained)
    are one colour, named by the nearest common name of their median, or "unknown" when none
    lies within unknown_de. Returns (name, distance) per item."""
    n = len(labs)
    if n == 0:
        return []
    a = np.array(labs, np.float64)
    d = np.linalg.norm((a[:, None] - a[None]) * (0.5, 1, 1), axis=-1)
    cl = _linked(d < cluster_de, np.arange(n))
    k = int(cl.max()) + 1
    out: list[tuple[str, float]] = [("unknown", np.inf)] * n
    for c in range(k):
        sel = np.nonzero(cl == c)[0]
        name, de = classify(np.median(a[sel], axis=0), names, unknown_de)
        for i in sel:
            out[i] = (name, de)
    return out
