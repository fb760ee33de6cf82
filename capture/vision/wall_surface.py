"""The wall's colour and light (markerless, no board): the second stage of a photo's path.

From the decoded photo: the wall's colour (wall_colour, the photo's most common colour), the
light balanced on it when it is near-neutral (balanced_on, exposure_gain; the haze taken off
by veil_level / without_veil), the other bare surfaces on it (bare_surfaces: a paper roll, a
whiteboard; surface_regions: which one surrounds the notes where) and notes of the wall's own
colour (paper_islands, notes_in_background). foreground / far_from say what differs enough
from those surfaces to be a note or a sticker; the later stages (wall_notes, wall_stickers)
measure against them. Uses note_shapes for what a note looks like.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from capture.core.config import MarkerlessConfig, NotesConfig
from capture.vision.colour import PLANCK_AXIS, Y_WEIGHTS, srgb_to_lab
from capture.vision.note_shapes import clean_quad, elliptic, note_scale
from capture.vision.notes import _fill_holes


def rgb8_to_lab(rgb8: np.ndarray) -> np.ndarray:
    """sRGB (H x W x 3, uint8, or floats 0..255) to CIELAB (float32, same shape)."""
    if rgb8.dtype != np.uint8:
        return srgb_to_lab(rgb8.astype(np.float32) / 255.0)
    # rgb8 / 255 in float32 looked up (_UNIT8): the same values, one pass instead of two
    return srgb_to_lab(cv2.LUT(np.ascontiguousarray(rgb8), _UNIT8))


# sRGB code value -> value / 255 (float32), as rgb8.astype(np.float32) / 255.0 gives it
_UNIT8 = np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0
# sRGB code value -> (value / 255) ** 2.2 (float32): the linear light every step below takes
# of a uint8 image, looked up (the same values as computed pixel by pixel, at a tenth of the time)
_LIN8 = (np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0) ** 2.2


_LIN8_EPS = _LIN8 + np.float32(1e-3)  # chromaticity's: no channel is 0


def _linear8(rgb8: np.ndarray) -> np.ndarray:
    """(rgb8 / 255) ** 2.2 as float32, for a uint8 image (a lookup of _LIN8)."""
    return cv2.LUT(np.ascontiguousarray(rgb8, np.uint8), _LIN8)


def wall_colour(lab: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray:
    """The wall's colour: the mode of the photo's colours (a coarse CIELAB histogram's peak),
    refined as the median of the pixels in that bin."""
    px = lab.reshape(-1, 3)
    lo = np.array([0.0, -100.0, -100.0])
    span = np.array([100.0, 200.0, 200.0])
    # each axis's bin as ((px - lo) / span * wall_bins) over the whole array would give it
    # (the same float64 operations), one plane at a time: no N x 3 float64 temporaries
    flat = np.zeros(len(px), int)
    for c in range(3):
        v = np.subtract(px[:, c], lo[c], dtype=np.result_type(px, lo))
        v /= span[c]
        v *= cfg.wall_bins
        flat *= cfg.wall_bins
        flat += np.clip(v.astype(int), 0, cfg.wall_bins - 1)
    counts = np.bincount(flat, minlength=cfg.wall_bins**3)
    peak = int(np.argmax(counts))
    return np.median(px[flat == peak], axis=0)


def _balance_gains(rgb8: np.ndarray, lab: np.ndarray, wall: np.ndarray) -> np.ndarray:
    """Per-channel gains (linear light) that make the wall's pixels grey at their lightness."""
    near = np.linalg.norm(lab - wall, axis=-1) < 6.0
    lin = _linear8(rgb8)
    mean = lin[near].mean(0) if near.sum() > 50 else lin.reshape(-1, 3).mean(0)
    return mean.mean() / np.maximum(mean, 1e-4)


def apply_gains(rgb8: np.ndarray, gains: np.ndarray | None) -> np.ndarray:
    if gains is None:
        return rgb8
    # per channel a table of the 256 code values (each pixel's value depends on its own only)
    lin = _LIN8[:, None] * np.asarray(gains)
    table = (np.clip(lin, 0, 1) ** (1 / 2.2) * 255.0).astype(np.uint8)
    return cv2.LUT(np.ascontiguousarray(rgb8), table.reshape(1, 256, 3))


def foreground(lab: np.ndarray, ref: np.ndarray, l_weight: float) -> np.ndarray:
    """Distance of each pixel from a reference colour (per pixel or one), lightness
    down-weighted: light falling off across a wall changes L far more than a, b."""
    ref = np.asarray(ref)
    dt = np.result_type(lab, ref)
    if (
        lab.ndim >= 2
        and (ref.ndim == 1 or ref.shape == lab.shape)
        and (dt == np.float64 or (dt == np.float32 and type(l_weight) is float))
    ):
        # one colour (or one per pixel) against an image: the same operations in the same
        # type and order, channel by channel in place (no N x 3 temporaries: a third of the
        # time on a work image); a Python float weight is taken in the image's type, as
        # l_weight * d is
        return plane_distance(lab, ref, l_weight)
    d = lab - ref
    return np.sqrt((l_weight * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)


def least_distance(lab: np.ndarray, surfaces: Sequence, l_weight: float) -> np.ndarray:
    """Per pixel, the least foreground distance from the surfaces' colours (the minimum taken
    pairwise: the same values as np.min over their stack, without stacking whole images)."""
    return functools.reduce(np.minimum, (foreground(lab, np.array(s), l_weight) for s in surfaces))


def plane_distance(a: np.ndarray, b: np.ndarray, l_weight: float | None = None) -> np.ndarray:
    """np.linalg.norm(a - b, axis=-1) for three planes (H x W x 3 against one colour or one
    per pixel), taken plane by plane: the same values (numpy's norm squares and adds the
    planes in this order, in the same type) without the H x W x 3 temporaries. With
    `l_weight`, the first plane's difference is multiplied by it before squaring (as
    `foreground` weighs lightness)."""
    b = np.asarray(b)
    dt = np.result_type(a, b)
    out = np.subtract(a[..., 0], b[..., 0], dtype=dt)
    if l_weight is not None:
        out *= l_weight
    out *= out
    t = np.empty_like(out)  # one plane for both (a fresh one per plane held two at once)
    for c in (1, 2):
        np.subtract(a[..., c], b[..., c], out=t, dtype=dt)
        t *= t
        out += t
    return np.sqrt(out, out=out)


def background_blobs(mask: np.ndarray, note_area: float) -> np.ndarray:
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


def notes_in_background(
    lab: np.ndarray,
    background: np.ndarray,
    edges: np.ndarray,
    note_area: float,
    cfg: MarkerlessConfig,
) -> np.ndarray:
    """The notes inside the large frame-bound blobs background_blobs drops (a surface
    beyond: a wall around a whiteboard, a table). A column of green notes stuck edge to edge
    on a beige wall beside a whiteboard joins the wall's blob, and edge to edge it shows no
    lone note, so the wall is no bare surface either (real post-its-8: six notes dropped
    with the wall). Each blob that is mostly one flat colour (_surface_of_blob) has that
    colour taken away and is cut where the colour steps (edges, see colour_edges: a note's
    blurred seam with a lit wall may step too gently for them); a part left clear of the
    frame, of a note's area or more, at least a note's narrowest side wide
    (lone_side_range[0]) and filling its minimum-area rectangle (bg_part_fill_min: a column
    or a grid of notes edge to edge does; a wall's light and texture leave ragged parts) is
    notes on that surface. The parts reaching the frame are the surface's own shades (light
    falling off across it). A blob of no one flat colour (books, a poster) is left out."""
    out = np.zeros(background.shape, bool)
    if not background.any():
        return out
    h, w = background.shape
    side = float(np.sqrt(note_area))
    k = max(3, round(cfg.note_open_mm)) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    nb, blabels, bstats, _bc = cv2.connectedComponentsWithStats(background.astype(np.uint8), 8)
    for i in range(1, nb):
        bx, by, bbw, bbh, _ba = bstats[i]
        win = np.s_[by : by + bbh, bx : bx + bbw]
        blob = blabels[win] == i
        mode = _surface_of_blob(lab[win], blob, cfg)
        if mode is None:
            continue
        rest = blob & (foreground(lab[win], mode, cfg.fg_l_weight) > cfg.fg_delta_e)
        rest &= ~edges[win]
        # (holes first filled: ink, and a dim note's paper near the surface's colour)
        rest = _fill_holes(np.pad(rest, 1), 0.5 * note_area)[1:-1, 1:-1] & blob
        rest = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_OPEN, disc)
        n, labels, stats, _c = cv2.connectedComponentsWithStats(rest, connectivity=4)
        for j in range(1, n):
            x, y, bw, bh, area = stats[j]
            if bx + x == 0 or by + y == 0 or bx + x + bw >= w or by + y + bh >= h:
                continue  # the surface's own shades (or a note the frame cuts)
            if area < note_area:
                continue  # a speck
            one = _fill_holes(labels[y : y + bh, x : x + bw] == j, 0.5 * note_area)
            cs, _ = cv2.findContours(
                one.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            _rc, (rw, rh), _a = cv2.minAreaRect(max(cs, key=cv2.contourArea))
            rw, rh = rw + 1.0, rh + 1.0
            if min(rw, rh) < cfg.lone_side_range[0] * side:
                continue  # a band thinner than a note: a strip of light, a shadow
            if float(one.sum()) < cfg.bg_part_fill_min * rw * rh:
                continue  # ragged: light or texture on the surface, not notes
            # grown back over the seam the edges and the opening took, within the blob
            grown = cv2.dilate(one.astype(np.uint8), disc) > 0
            out[win][y : y + bh, x : x + bw] |= grown & blob[y : y + bh, x : x + bw]
    return out


def _surface_of_blob(lab: np.ndarray, blob: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray | None:
    """The colour of a large blob when most of it is one flat colour (a kraft roll, a
    whiteboard on a painted wall): its mode, if that mode covers surface_share of it."""
    px = lab[blob]
    mode = wall_colour(px.reshape(-1, 1, 3), cfg)
    near = foreground(px, mode, cfg.fg_l_weight) < cfg.fg_delta_e
    return mode if near.mean() >= cfg.surface_share else None


def bare_surfaces(
    lab: np.ndarray,
    wall: np.ndarray,
    notes_cfg: NotesConfig,
    cfg: MarkerlessConfig,
    paper: np.ndarray | None = None,
) -> list[np.ndarray]:
    """The wall and the other bare surfaces of a photo (a paper roll or a whiteboard on the
    wall): a blob of a tenth of the photo or more, mostly one flat colour, is one when taking
    its colour away leaves lone notes in it; a wall of notes stuck edge to edge leaves none.
    paper: notes of the wall's own colour (paper_islands), part of the blobs they lie in."""
    surfaces = [wall]
    h, w = lab.shape[:2]
    for _ in range(cfg.surfaces_max - 1):
        fg = far_from(lab, surfaces, cfg, paper)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(fg.astype(np.uint8), connectivity=8)
        big = [i for i in range(1, n) if stats[i][4] >= cfg.surface_min_frac * h * w]
        added = False
        for i in sorted(big, key=lambda i: -stats[i][4]):
            blob = labels == i
            mode = _surface_of_blob(lab, blob, cfg)
            if mode is None:
                continue
            if paper is not None:  # notes of the wall's colour on it (holes in its blob)
                blob = blob | (_fill_holes(blob, stats[i][4]) & paper)
            rest = blob & far_from(lab, [mode], cfg, paper)
            side, samples = note_scale(rest, notes_cfg, cfg)
            if side is not None and len(samples) >= cfg.surface_min_notes:
                surfaces.append(mode)
                added = True
                break
        if not added:
            break
    return surfaces


def floor_region(lab: np.ndarray, wall: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray:
    """Where the photo shows the wall's colour itself: pixels within floor_de of it in full
    CIELAB (lightness counting: a floor or a door of a painted wall's hue differs from it
    mostly in lightness), opened (single pixels of noise are not a surface)."""
    near = plane_distance(lab, np.asarray(wall, lab.dtype)) <= cfg.floor_de
    return cv2.morphologyEx(near.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0


def floor_beside(
    region: np.ndarray,
    notes: Sequence[tuple[float, float, float]],
    own: Sequence[tuple[float, float, float]] = (),
) -> bool:
    """Whether a surface (a mask, floor_region) lies beside the notes, not around them: notes
    are stuck on the wall, so the wall holds them (as holes of its region, once a board or a
    paper roll on it is filled in too) and spreads around them; a floor or a door beside the
    notes holds under half of them and its centre lies outside the box their centres span
    (below them, or to one side). own: the lone blobs the photo showed with that surface
    taken for the wall: one it holds is a note on it (a desk with a note on it, as a wall),
    so the surface is no floor. A blob is held when it lies in the region's holes or the
    region rings it (things touching it may join it to the frame: a note and the pens on
    it, real image4). notes, own: (x, y, side) in the mask's px."""
    if not notes or not region.any():
        return False
    h, w = region.shape
    filled = _fill_holes(region, region.size)

    def held(points: Sequence[tuple[float, float, float]]) -> int:
        # within its filled region, or ringed by it: the band 0.25-0.5 of a side beyond a
        # blob's edge mostly the surface (a blob whose neighbours join it to the frame
        # is no hole of it)
        n = 0
        for x, y, side in points:
            xi, yi = min(max(round(x), 0), w - 1), min(max(round(y), 0), h - 1)
            if filled[yi, xi]:
                n += 1
                continue
            win = np.s_[
                max(0, round(y - side)) : min(h, round(y + side) + 1),
                max(0, round(x - side)) : min(w, round(x + side) + 1),
            ]
            inner = np.s_[
                max(0, round(y - 0.75 * side)) : min(h, round(y + 0.75 * side) + 1),
                max(0, round(x - 0.75 * side)) : min(w, round(x + 0.75 * side) + 1),
            ]
            ring = float(region[win].sum()) - float(region[inner].sum())
            size = float(region[win].size) - float(region[inner].size)
            n += int(size > 0 and ring >= 0.5 * size)
        return n

    if held(own) or 2 * held(notes) >= len(notes):
        return False
    ys, xs = np.nonzero(region)
    cx, cy = float(xs.mean()), float(ys.mean())
    xy = np.array([(x, y) for x, y, _s in notes], np.float64)
    (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
    return not (x0 <= cx <= x1 and y0 <= cy <= y1)


def _surface_distance(
    lab: np.ndarray, surface: np.ndarray, cfg: MarkerlessConfig, closeup: bool = False
) -> np.ndarray:
    """Distance of each pixel from a bare surface (foreground, lightness at fg_l_weight). In a
    close-up (closeup: the notes' paper is the photo's most common colour, the wall only what
    the rest shows most, out of focus) a neutral surface (chroma under wall_neutral_chroma:
    white, grey) counts a lighter pixel's lightness at fg_lighter_l_weight only: the
    background runs from a grey board to a white wall in the window's light, all neutral, and
    a neutral paper is no note (grey_surface). A note is told from it by its chroma; darker
    pixels (ink, shadows) count as before. (On a whole wall the rule is not used: on a dark
    slate the grey gaps between stacked notes left the mask and the stacks split into more
    squares.)"""
    surface = np.asarray(surface, np.float32)
    d = foreground(lab, surface, cfg.fg_l_weight)
    if not closeup or float(np.hypot(surface[1], surface[2])) >= cfg.wall_neutral_chroma:
        return d
    lighter = lab[..., 0] > surface[0]
    if not lighter.any():
        return d
    d[lighter] = foreground(lab[lighter], surface, cfg.fg_lighter_l_weight)
    return d


def far_from(
    lab: np.ndarray,
    surfaces: list[np.ndarray],
    cfg: MarkerlessConfig,
    paper: np.ndarray | None = None,
    closeup: bool = False,
    local: np.ndarray | None = None,
) -> np.ndarray:
    """Pixels unlike every bare surface (opened: single pixels of noise are not notes), and
    the notes of a surface's own colour (paper: a mask at any size, see paper_islands).
    closeup: see _surface_distance.
    local: per pixel (a map at any size, see surface_regions) the index of the bare surface
    it lies within (a board hung on the wall), -1 none: there a pixel is compared with that
    surface alone (a lime note on a black board is a note, though near a cream wall)."""
    h, w = lab.shape[:2]
    if local is None:
        # the minimum taken pairwise: no stack of whole images
        d = least = functools.reduce(
            np.minimum, (_surface_distance(lab, s, cfg, closeup) for s in surfaces)
        )
    else:
        ds = [_surface_distance(lab, s, cfg, closeup) for s in surfaces]
        d = least = functools.reduce(np.minimum, ds)
        loc = cv2.resize(local.astype(np.int16), (w, h), interpolation=cv2.INTER_NEAREST)
        for k in range(1, len(ds)):
            d = np.where(loc == k, ds[k], d)
    fg = (d > cfg.fg_delta_e).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    if local is not None:
        fg = _past_the_edge(lab, fg, loc >= 1, least, cfg)
    if paper is not None:
        # each note of a surface's colour a blob of its own: its outline is left out (it lies
        # on a board or among notes that differ from the wall, and would join their blob)
        own = cv2.resize(paper.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
        fg &= ~(cv2.dilate(own, np.ones((3, 3), np.uint8)) > 0)
        fg |= own > 0
    return fg


def _past_the_edge(
    lab: np.ndarray, fg: np.ndarray, inside: np.ndarray, d_bare: np.ndarray, cfg: MarkerlessConfig
) -> np.ndarray:
    """fg with the notes on a board that overhang its edge followed onto the wall: a blob
    inside the board's outline that reaches it goes on outside over the pixels nearer its
    own paper (its median colour) than any bare surface (d_bare: their least distance) and
    within fg_delta_e of it. A lime note stuck across a black board's edge is as near the
    cream wall beyond as its own shades, and was cut at the edge."""
    ring = (cv2.dilate(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~inside
    n, labels, stats, _c = cv2.connectedComponentsWithStats((fg & inside).astype(np.uint8), 8)
    out = fg.copy()
    near = cv2.dilate(ring.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    h, w = fg.shape
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        # (a window of the blob's size around it: an overhang is part of one note)
        win = np.s_[max(0, y - bh) : min(h, y + 2 * bh), max(0, x - bw) : min(w, x + 2 * bw)]
        blob = labels[win] == i
        if area < 20 or not (blob & near[win]).any():
            continue
        paper = np.median(lab[win][blob], axis=0)
        dp = foreground(lab[win], paper, cfg.fg_l_weight)
        cand = (~inside[win] & (dp < d_bare[win]) & (dp < cfg.fg_delta_e)) | blob
        _k, parts = cv2.connectedComponents(cand.astype(np.uint8), connectivity=4)
        ids = np.unique(parts[blob])
        out[win] |= np.isin(parts, ids[ids > 0])
    return out


def surface_regions(
    lab: np.ndarray, surfaces: list[np.ndarray], cfg: MarkerlessConfig
) -> np.ndarray | None:
    """Where each bare surface but the wall is the notes' surround (probe px: its index, -1
    elsewhere; None: nowhere): the convex hull of each blob of its colour of
    surface_min_frac of the photo or more (a board, a paper roll, a whiteboard is one convex
    sheet; the notes on it lie inside its outline), when that hull holds less of the wall's
    colour than of its own (else the "surface" is the wall around something: a grey wall
    framing a whiteboard, whose hull is the photo). A note there differs from the surface it
    lies on, not necessarily from the wall beyond it: lime notes on a black board hung on a
    cream wall measure 13 units from the cream."""
    if len(surfaces) < 2:
        return None
    h, w = lab.shape[:2]
    near = [foreground(lab, s, cfg.fg_l_weight) <= cfg.fg_delta_e for s in surfaces]
    out = np.full((h, w), -1, np.int8)
    for k in range(1, len(surfaces)):
        own = cv2.morphologyEx(near[k].astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(own, connectivity=8)
        for i in range(1, n):
            if stats[i][4] < cfg.surface_min_frac * h * w:
                continue
            cs, _ = cv2.findContours(
                (labels == i).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            hull = np.zeros((h, w), np.uint8)
            cv2.fillPoly(hull, [cv2.convexHull(max(cs, key=cv2.contourArea))], 1)
            inside = hull > 0
            wall_px = int((inside & near[0] & ~near[k]).sum())
            if wall_px >= int((inside & near[k]).sum()):
                continue
            out[inside & (out < 0)] = k
    return out if (out >= 0).any() else None


def paper_islands(
    lab: np.ndarray, wall: np.ndarray, notes_cfg: NotesConfig, cfg: MarkerlessConfig
) -> tuple[np.ndarray | None, bool]:
    """Notes of the wall's own colour: islands of it (enclosed by other colours, not reaching
    the frame) that are clean quadrilaterals (as lone_quads: filling the least one enclosing
    them, sides within rect_aspect_max, no ellipse), coloured (grey_surface), far larger than
    every note the rest of the photo shows (past scale_rel_range; any size from
    scale_min_px when it shows none). A wall runs on around its notes and reaches the frame;
    an island as large as the notes is a gap enclosed by notes stuck edge to edge.

    Returns their mask (holes filled: their writing and stickers are theirs; None: none) and
    whether one of them is the wall's own paper (within paper_mode_de): the photo's most
    common colour is then the paper of notes filling a close-up, not a wall."""
    far = far_from(lab, [wall], cfg)
    side, _samples = note_scale(far, notes_cfg, cfg)
    lo, hi = cfg.scale_rel_range
    floor = max(cfg.scale_min_px, (side or 0.0) * hi / lo)
    near = cv2.morphologyEx((~far).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(near, connectivity=4)
    h, w = near.shape
    out = np.zeros((h, w), bool)
    own = False
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h or area < floor**2:
            continue  # the wall reaching the frame, or no larger than the notes
        part = labels[y : y + bh, x : x + bw] == i
        whole = _fill_holes(part, area)
        if not clean_quad(whole, cfg) or elliptic(whole, cfg.ellipse_fit_min):
            continue
        paper = np.median(lab[y : y + bh, x : x + bw][part], axis=0)
        cast = None if np.hypot(wall[1], wall[2]) < cfg.wall_neutral_chroma else wall
        if grey_surface(paper, cast, cfg):
            continue  # a white or grey island: a whiteboard, a window of wall
        out[y : y + bh, x : x + bw] |= whole
        own |= float(np.linalg.norm(paper - wall)) < cfg.paper_mode_de
    return (out if out.any() else None), own


def balanced_on(
    probe: np.ndarray, among: np.ndarray, m: MarkerlessConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The probe's CIELAB, the wall's colour (the mode of the pixels `among`), the gains that
    balanced the photo on it (near-neutral; None: it was not) and the gains for the photo
    (those times the exposure's)."""
    expo = exposure_gain(probe, m)
    gains = None if expo is None else np.full(3, expo, np.float32)
    lab0 = rgb8_to_lab(apply_gains(probe, gains))
    wall = wall_colour(lab0[among][:, None], m)
    balance = None
    # a near-black mode (a black board) shows the flare and the sensor's black, not the light
    neutral = float(np.hypot(wall[1], wall[2])) < m.wall_neutral_chroma
    if neutral and wall[0] >= m.wall_balance_min_l:
        balance = _balance_gains(apply_gains(probe, gains), lab0, wall)
        gains = balance if gains is None else balance * gains
        lab0 = rgb8_to_lab(apply_gains(probe, gains))
        wall = wall_colour(lab0[among][:, None], m)
    return lab0, wall, balance, gains


def exposure_gain(rgb8: np.ndarray, m: MarkerlessConfig) -> float | None:
    """The gain (linear light) that brings an underexposed photo's brightest pixels (the
    exposure_white_pct percentile of each pixel's highest channel) to exposure_white, at
    most exposure_gain_max; None when the photo needs less than exposure_gain_min (it is
    exposed: its highlights near white). A photo one stop darker keeps every colour's
    chromaticity but its CIELAB chroma shrinks (a, b go as the cube root of the light): pale
    notes then fall within fg_delta_e of a white wall and are lost."""
    # each pixel's highest channel in linear light: its highest code looked up (_LIN8 rises)
    top = _LIN8[np.asarray(rgb8, np.uint8).max(axis=-1)]
    hi = float(np.percentile(top, m.exposure_white_pct))
    gain = min(m.exposure_white / max(hi, 1e-4), m.exposure_gain_max)
    return gain if gain >= m.exposure_gain_min else None


def veil_level(rgb8: np.ndarray, m: MarkerlessConfig) -> float | None:
    """The veil over a hazy photo (linear light): the least of the channels' floors (each
    channel's veil_pct percentile), when it is veil_min or more and the floors are about one
    light (the largest within veil_tint_max of the least: a flare is near white); None when
    the photo's darkest things are near black (every photo shows some ink, a shadow, a gap)
    or its floors are a colour (a kraft wall and yellow notes with no ink: their blue
    channel is low, their red high). A flare or a smudged lens adds one light to every
    pixel: chroma shrinks (pale notes fall within fg_delta_e of a white wall) and every
    colour moves towards grey."""
    # (3 x 3 means: JPEG's coarse chroma puts a saturated colour's lowest channel under the
    # veil on single pixels; ink strokes and shadows are wider)
    lin = cv2.blur(_linear8(rgb8), (3, 3))
    floors = np.percentile(lin.reshape(-1, 3), m.veil_pct, axis=0)
    veil = float(floors.min())
    if veil < m.veil_min or float(floors.max()) > m.veil_tint_max * veil:
        return None
    return veil


def without_veil(rgb8: np.ndarray, veil: float | None) -> np.ndarray:
    """The photo with a veil (linear light) taken off every channel, the rest stretched back
    to white (a lookup table: one pass over the photo)."""
    if veil is None:
        return rgb8
    lin = (np.arange(256, dtype=np.float64) / 255.0) ** 2.2
    lut = np.clip((lin - veil) / (1.0 - veil), 0.0, 1.0) ** (1 / 2.2) * 255.0
    return cv2.LUT(np.ascontiguousarray(rgb8), np.round(lut).astype(np.uint8))


def light_field(rgb8: np.ndarray, m: MarkerlessConfig) -> np.ndarray | None:
    """The light's colour over a photo lit by two lights (a warm lamp on one side, daylight
    from a window on the other): the plane a + b x + c y (x, y from the photo's centre over
    its long side) of its wall's log chromaticity along the black-body axis, or None when
    that plane spans under light_field_min between the photo's corners (one light) or too
    little wall shows to fit it. One paint (or one whiteboard) reflects every part of the
    light alike, and a light's colour changes smoothly, along the black-body axis: the
    surface's change across the photo is the light's, and the notes on it take the same.
    The wall: pixels off every colour step (local_light_step per pixel along the axis: a
    paint's edge, a note's), not darker than local_light_dark of the photo's light (the
    95th percentile: ink, gaps, shadows), within local_light_off of the axis (white, grey,
    beige and cream under any lamp; a note's paper lies off it, but for a pale orange or
    yellow one: they are fewer than the wall's pixels and their residuals are trimmed). The
    plane must explain the wall: the spread left around it light_field_explained of the
    spread without it or less (else two surfaces, not two lights)."""
    h, w = rgb8.shape[:2]
    f = min(1.0, m.light_field_side_px / max(h, w))
    small = cv2.resize(
        rgb8, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA
    )
    lin = np.maximum(_linear8(small), 1e-4)
    log = np.log(lin)
    log = cv2.GaussianBlur(log - log.mean(-1, keepdims=True), (0, 0), 1.0)
    along = log @ PLANCK_AXIS.astype(np.float32)
    off = log - along[..., None] * PLANCK_AXIS.astype(np.float32)
    y = lin @ Y_WEIGHTS.astype(np.float32)
    gy, gx = np.gradient(along)
    wall = np.hypot(gx, gy) <= m.local_light_step
    wall &= y >= m.local_light_dark * np.percentile(y, 95)
    wall &= np.linalg.norm(off, axis=-1) < m.local_light_off
    sh, sw = along.shape
    if wall.sum() < max(3, m.light_field_share_min * sh * sw):
        return None
    yy, xx = np.nonzero(wall)
    side = float(max(sh, sw))
    X = np.stack([np.ones(len(xx)), (xx - sw / 2) / side, (yy - sh / 2) / side], 1)
    z = along[wall].astype(np.float64)
    keep = np.ones(len(z), bool)
    coef = np.zeros(3)
    for _ in range(m.light_field_trim):
        coef = np.linalg.lstsq(X[keep], z[keep], rcond=None)[0]
        r = np.abs(z - X @ coef)
        keep = r <= max(m.local_light_dead, m.light_field_keep * float(np.median(r[keep])))
    corners = np.array([[1.0, sx * sw / 2 / side, sy * sh / 2 / side]
                        for sx in (-1, 1) for sy in (-1, 1)])
    at = corners @ coef
    if float(at.max() - at.min()) < m.light_field_min:
        return None
    # a light explains the surface: its spread along the axis mostly goes with the plane.
    # Two paints (a kraft board on a grey wall) or a textured surface keep theirs: no light
    # field, whatever slope the fit finds between them
    left = float(np.std(z - X @ coef))
    return coef if left <= m.light_field_explained * float(np.std(z)) else None


def without_light_field(rgb8: np.ndarray, coef: np.ndarray | None) -> np.ndarray:
    """The photo with its light brought to the one at its centre (light_field's plane): each
    pixel's linear channels times exp(-(field - field at the centre) * PLANCK_AXIS), the
    gains of a light that much warmer or cooler taken off. Row bands at a time."""
    if coef is None:
        return rgb8
    h, w = rgb8.shape[:2]
    side = float(max(h, w))
    xs = ((np.arange(w) - w / 2) / side).astype(np.float32)
    axis = PLANCK_AXIS.astype(np.float32)
    enc = (np.arange(65536, dtype=np.float32) / 65535.0) ** (1 / 2.2) * 255.0 + 0.5
    enc = enc.astype(np.uint8)
    out = np.empty_like(rgb8)
    band = max(1, 2_000_000 // max(w, 1))
    for y0 in range(0, h, band):
        ys = ((np.arange(y0, min(h, y0 + band)) - h / 2) / side).astype(np.float32)
        shift = np.float32(coef[1]) * xs[None, :] + np.float32(coef[2]) * ys[:, None]
        lin = _linear8(rgb8[y0 : y0 + len(ys)])
        lin *= np.exp(-shift[..., None] * axis)
        idx = np.clip(lin * 65535.0 + 0.5, 0, 65535).astype(np.int32)
        out[y0 : y0 + len(ys)] = enc[idx]
    return out


def grey_surface(paper: np.ndarray, wall: np.ndarray | None, cfg: MarkerlessConfig) -> bool:
    """Whether a paper colour (CIELAB) is a grey or white surface, not a note. wall: the wall's
    colour when the photo was not balanced on it (None: balanced, white is neutral).

    Under the photo's light a white or grey surface lies on the line through neutral along the
    wall's chromaticity (the light's cast, or the wall's own tint: white beyond a kraft roll
    measures within 1-2 units of it, at chroma 4-8). A pale note is coloured by its own tint,
    off that line: a pale purple note on a cream wall has chroma 14, 13 off the line. So with
    no white to balance on, a paper under note_chroma_min is grey only when it lies within
    note_grey_off of that line."""
    a, b = float(paper[1]), float(paper[2])
    if np.hypot(a, b) >= cfg.note_chroma_min:
        return False
    if wall is None or np.hypot(wall[1], wall[2]) < 1e-6:
        return True
    d = np.array([wall[1], wall[2]], np.float64) / np.hypot(wall[1], wall[2])
    return abs(a * d[1] - b * d[0]) < cfg.note_grey_off


def chromaticity(rgb8: np.ndarray) -> np.ndarray:
    """Linear RGB over its sum. Shade (a curled corner, the gap between two notes, a note's own
    shadow) darkens a surface by one factor in every channel: its chromaticity stays."""
    # (the 1e-3 added in the table; the sum of the three planes as numpy's sum over the last
    # axis adds them, in order: the same values, a pass fewer and no strided reduction)
    if rgb8.ndim != 3:  # (an image: H x W x 3; N x 3 pixels the plain way)
        lin = _linear8(rgb8) + np.float32(1e-3)
        return lin / lin.sum(-1, keepdims=True)
    # (the planes added as strided views and the division in place: no split copies of the
    # planes, no second H x W x 3 float image; the same operations in the same order)
    lin = cv2.LUT(np.ascontiguousarray(rgb8, np.uint8), _LIN8_EPS)
    total = lin[..., 0] + lin[..., 1]
    total += lin[..., 2]
    lin /= total[..., None]
    return lin


def paper_sheets(
    lab_s: np.ndarray,
    wall_lab,
    cfg: MarkerlessConfig,
    printing: np.ndarray | None = None,
    cut: bool = False,
    as_taken: np.ndarray | None = None,
) -> list[tuple[np.ndarray, float, float]]:
    """Sheets of white paper in the search image: regions sheet_brighter_l lighter than the
    wall and under sheet_chroma (or within it of a wall under sheet_cast_chroma: a white
    under a cast), their printing closed over sheet_close_mm, rectangular
    (sheet_rect_fill of their convex hull, which is a quadrilateral), whole in the frame or
    cut by one side of it with a side seen whole (_cut_sheet_sides; one cut otherwise may be
    a flipchart or a whiteboard). Each as its filled mask (printing included), long and short
    side in search px; how large a sheet is against the notes is the caller's (printed_on).
    printing: when given, these pixels (what differs from the bare surfaces) count as the
    sheet's where they lie in its hull: a block printed across its margin notches it. cut
    (the probe's, for the note scale): every sheet the frame cuts is kept, its sides those of
    the part in view's least-area rectangle (any number of corners). as_taken: the search
    image's CIELAB before the light was balanced on the wall (None: not balanced): white
    paper is neutral under the light as taken or once balanced on the wall, so under
    sheet_chroma in either (a cream or beige wall balanced to grey leaves the paper blue)."""
    h, w = lab_s.shape[:2]
    lab = cv2.medianBlur(np.ascontiguousarray(lab_s, np.float32), 5)  # the sensor's grain
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    lighter = lab[..., 0] - _wall_light(lab_s, wall_lab, cfg)
    # lighter than the wall there and unlike it: by sheet_brighter_l in lightness, or by less
    # when its colour differs from the wall's too (white paper on a cream or grey wall)
    light_ab = np.hypot(lab[..., 1] - wall_lab[1], lab[..., 2] - wall_lab[2])
    unlike = np.hypot(np.maximum(lighter, 0), light_ab)
    # no pixel at the sensor's clip counts as lighter by itself: a cream wall clipped white
    # by a lamp is as white as paper there (37th stop, set 54's eighth photo)
    lit = lighter >= cfg.sheet_lighter_min
    # white paper is neutral under the light as taken or once balanced on the wall, or under
    # a cast the light's own colour: the wall's, when the wall is a white taken under that
    # cast (under sheet_cast_chroma)
    white = chroma < cfg.sheet_chroma
    if as_taken is not None:
        raw = cv2.medianBlur(np.ascontiguousarray(as_taken, np.float32), 5)
        white |= np.hypot(raw[..., 1], raw[..., 2]) < cfg.sheet_chroma
    if np.hypot(wall_lab[1], wall_lab[2]) < cfg.sheet_cast_chroma:
        white |= light_ab < cfg.sheet_chroma
    paper = lit & (unlike >= cfg.sheet_brighter_l) & white
    k = max(1, round(cfg.sheet_close_mm)) | 1
    paper = cv2.morphologyEx(
        paper.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    out = []
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        cut_by = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
        hull = cv2.convexHull(c)
        if printing is None:
            fill = cv2.contourArea(c) / max(cv2.contourArea(hull), 1.0)
        else:
            # drawn in the hull's box only: a photo's paper mask holds many small regions
            hx, hy, hw, hh = cv2.boundingRect(hull)
            inside = np.zeros((hh, hw), np.uint8)
            cv2.drawContours(inside, [hull], -1, 1, -1, offset=(-hx, -hy))
            own = np.zeros((hh, hw), np.uint8)
            cv2.drawContours(own, [c], -1, 1, -1, offset=(-hx, -hy))
            inside = inside.astype(bool)
            printed = printing[hy : hy + hh, hx : hx + hw]
            fill = float(((own > 0) | printed)[inside].sum()) / max(float(inside.sum()), 1.0)
        if fill < cfg.sheet_rect_fill:
            continue
        if cut_by and cut:
            # the probe's: the part in view, its least-area rectangle's sides
            _c, (a, b), _ang = cv2.minAreaRect(hull)
        else:
            sides = _sheet_sides(hull, (w, h), cut_by, cfg.sheet_frame_mm)
            if sides is None:
                continue
            a, b = sides
        if min(a, b) < 8:
            continue
        filled = np.zeros((h, w), np.uint8)
        cv2.drawContours(filled, [hull], -1, 1, -1)
        out.append((filled.astype(bool), float(max(a, b)), float(min(a, b))))
    return out


def edged_sheets(
    lab_s: np.ndarray,
    cfg: MarkerlessConfig,
    printing: np.ndarray,
    as_taken: np.ndarray | None = None,
) -> list[tuple[np.ndarray, float, float]]:
    """Sheets of paper told by their edge, whatever the wall's light (sheet_edge_step, its
    faint parts sheet_edge_faint): flat regions of the search image that an edge closes all
    round, filling a quadrilateral (their
    printing and inner edges counted, sheet_rect_fill), whole in the frame or cut by one side
    of it with a side seen whole (_cut_sheet_sides), holding sheet_print_min of their hull in
    printing, white (under sheet_chroma as balanced or as taken, or within it of the
    surround's own colour when that is under sheet_cast_chroma or of a light's hue,
    sheet_light_hue: the light's colour on both) and unlike the surround just
    outside them (a ring sheet_ring_mm wide, sheet_ring_bare of it bare) by
    sheet_brighter_l, not darker. Each as
    paper_sheets gives them: filled mask, long and short side in search px."""
    h, w = lab_s.shape[:2]
    lab = cv2.medianBlur(np.ascontiguousarray(lab_s, np.float32), 5)  # the sensor's grain
    grad = np.zeros((h, w), np.float32)
    for ch in range(3):
        gx = cv2.Sobel(lab[..., ch], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(lab[..., ch], cv2.CV_32F, 0, 1, ksize=3)
        grad += gx * gx + gy * gy
    # an edge: sheet_edge_step or more, and the fainter parts (sheet_edge_faint) of a line
    # that is one somewhere (a sheet's edge fades where its shadow thins or the lamp lights
    # the wall beside it as bright; Canny's hysteresis). (Sobel's 3 x 3 weighs a step by 8.)
    faint = (grad >= (8 * cfg.sheet_edge_faint) ** 2).astype(np.uint8)
    n, lines = cv2.connectedComponents(faint, connectivity=8)
    strong = np.zeros(n, bool)
    strong[np.unique(lines[grad >= (8 * cfg.sheet_edge_step) ** 2])] = True
    strong[0] = False
    edge = strong[lines]
    n, lbl, stats, _ = cv2.connectedComponentsWithStats((~edge).astype(np.uint8), connectivity=4)
    raw = None
    if as_taken is not None:
        raw = cv2.medianBlur(np.ascontiguousarray(as_taken, np.float32), 5)
    ring_k = 2 * round(cfg.sheet_ring_mm) + 5
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < (cfg.sheet_min_mm / 2) ** 2 or area > cfg.probe_sheet_max * h * w:
            continue
        comp = (lbl[y : y + bh, x : x + bw] == i).astype(np.uint8)
        cs, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = cv2.convexHull(max(cs, key=cv2.contourArea) + np.array([x, y], np.int32))
        hx, hy, hw, hh = cv2.boundingRect(hull)
        inside = np.zeros((hh, hw), np.uint8)
        cv2.drawContours(inside, [hull], -1, 1, -1, offset=(-hx, -hy))
        inside = inside.astype(bool)
        own = lbl[hy : hy + hh, hx : hx + hw] == i
        printed = printing[hy : hy + hh, hx : hx + hw] & inside & ~own
        held = own | printed | edge[hy : hy + hh, hx : hx + hw]
        if float(held[inside].sum()) < cfg.sheet_rect_fill * float(inside.sum()):
            continue
        if float(printed.sum()) < cfg.sheet_print_min * float(inside.sum()):
            continue
        at_frame = hx <= 1 or hy <= 1 or hx + hw >= w - 1 or hy + hh >= h - 1
        sides = _sheet_sides(hull, (w, h), at_frame, cfg.sheet_frame_mm)
        if sides is None or min(sides) < 8:
            continue
        a, b = sides
        filled, ring = _hull_ring(hull, (h, w), ring_k)
        # a sheet hangs on the wall: the strip just outside its edge is bare nearly all
        # round; a patch of wall closed in by notes, or a door's panel between them, has
        # notes for its surround
        if not ring.any() or float(printing[ring].mean()) > 1.0 - cfg.sheet_ring_bare:
            continue
        paper = np.median(lab[hy : hy + hh, hx : hx + hw][own], 0)
        around = np.median(lab[ring], 0)
        white = np.hypot(paper[1], paper[2]) < cfg.sheet_chroma
        if raw is not None:
            white |= np.hypot(*np.median(raw[hy : hy + hh, hx : hx + hw][own][:, 1:], 0)) < (
                cfg.sheet_chroma
            )
        apart = float(np.hypot(paper[1] - around[1], paper[2] - around[2]))
        # under a coloured light white paper takes the light's colour, as the wall beside it
        # does: within sheet_chroma of its surround when that surround is grey enough to be
        # a white under a cast (sheet_cast_chroma) or has a light's hue (sheet_light_hue: a
        # strong warm or blue cast). paper_sheets and ground_sheets keep the cap alone: a
        # lamp's patch on a cream wall falls off under sheet_edge_step per px, a cut paper
        # edge steps over it all round (41st stop)
        if np.hypot(around[1], around[2]) < cfg.sheet_cast_chroma or abs(around[1]) <= (
            cfg.sheet_light_hue * abs(around[2])
        ):
            white |= apart < cfg.sheet_chroma
        lighter = float(paper[0] - around[0])
        if not white or lighter < 0 or np.hypot(lighter, apart) < cfg.sheet_brighter_l:
            continue
        out.append((filled.astype(bool), float(max(a, b)), float(min(a, b))))
    return out


def ground_sheets(
    lab_s: np.ndarray,
    marks: Sequence[np.ndarray],
    cfg: MarkerlessConfig,
    printing: np.ndarray,
    as_taken: np.ndarray | None = None,
) -> list[tuple[np.ndarray, float, float]]:
    """Sheets of paper found from the marks printed on them: the ground around a mark (marks:
    outlines, search px, N x 2: the notes or stickers found) that runs on past it, one
    flat colour (within sheet_ground_de of the ground in a ring sheet_ground_mm wide just
    outside the mark) over a region bounded all round within sheet_max_mm of it, filling a
    quadrilateral (its printing counted, sheet_rect_fill), whole in the frame or cut with a
    side seen whole (_sheet_sides), stepping by sheet_ground_de from its rim to the ring just
    outside it (sheet_ring_mm, bare for sheet_ring_bare of it; a wall's light falling off
    bounds a flood with no step), white as paper_sheets has it and not darker than that
    ring. A note stuck on the wall has the wall for its ground: it runs on past
    sheet_max_mm. Each as paper_sheets gives them: filled mask, long and short side in
    search px."""
    h, w = lab_s.shape[:2]
    if not len(marks):
        return []
    lab = cv2.medianBlur(np.ascontiguousarray(lab_s, np.float32), 5)  # the sensor's grain
    raw = None
    if as_taken is not None:
        raw = cv2.medianBlur(np.ascontiguousarray(as_taken, np.float32), 5)
    g = max(1, round(cfg.sheet_ground_mm))
    half = int(np.ceil(cfg.sheet_max_mm))  # search px are nominal mm
    ring_k = 2 * round(cfg.sheet_ring_mm) + 5
    close_k = max(1, round(cfg.sheet_close_mm)) | 1
    tol = cfg.sheet_ground_de
    taken = np.zeros((h, w), bool)
    out = []
    for q in marks:
        q = np.asarray(q, np.float64).reshape(-1, 2)
        cx, cy = q.mean(0)
        ix, iy = int(np.clip(cx, 0, w - 1)), int(np.clip(cy, 0, h - 1))
        if taken[iy, ix]:
            continue
        x0, y0 = max(0, int(cx) - half), max(0, int(cy) - half)
        x1, y1 = min(w, int(cx) + half + 1), min(h, int(cy) + half + 1)
        win = lab[y0:y1, x0:x1]
        own = np.zeros(win.shape[:2], np.uint8)
        cv2.fillPoly(own, [np.round(q - (x0, y0)).astype(np.int32)], 1)
        ring = cv2.dilate(own, np.ones((2 * g + 3, 2 * g + 3), np.uint8)) > 0
        ring &= ~(cv2.dilate(own, np.ones((3, 3), np.uint8)) > 0)
        ground = ring & ~printing[y0:y1, x0:x1]
        if ground.sum() < cfg.sheet_ground_bare * max(int(ring.sum()), 1):
            continue
        paper = np.median(win[ground], 0)
        near = (np.abs(win[..., 0] - paper[0]) < tol) & (
            np.hypot(win[..., 1] - paper[1], win[..., 2] - paper[2]) < tol
        )
        n, lbl = cv2.connectedComponents(near.astype(np.uint8), connectivity=4)
        seeds = lbl[ground & near]
        if n < 2 or not len(seeds):
            continue
        reg = lbl == int(np.bincount(seeds, minlength=n)[1:].argmax() + 1)
        ys, xs = np.nonzero(reg)
        # the ground runs on to the window's side (and the frame is not there): the wall
        if (
            (xs.min() == 0 and x0 > 0)
            or (ys.min() == 0 and y0 > 0)
            or (xs.max() == x1 - x0 - 1 and x1 < w)
            or (ys.max() == y1 - y0 - 1 and y1 < h)
        ):
            continue
        reg = cv2.morphologyEx(
            reg.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((close_k, close_k), np.uint8)
        )
        cs, _ = cv2.findContours(reg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        c = max(cs, key=cv2.contourArea) + np.array([x0, y0], np.int32)
        hull = cv2.convexHull(c)
        hx, hy, hw, hh = cv2.boundingRect(hull)
        if min(hw, hh) < cfg.sheet_min_mm / 2:
            continue
        inside = np.zeros((hh, hw), np.uint8)
        cv2.drawContours(inside, [hull], -1, 1, -1, offset=(-hx, -hy))
        held = np.zeros((hh, hw), np.uint8)
        cv2.drawContours(held, [c], -1, 1, -1, offset=(-hx, -hy))
        inside = inside.astype(bool)
        held = (held > 0) | printing[hy : hy + hh, hx : hx + hw]
        if float(held[inside].sum()) < cfg.sheet_rect_fill * float(inside.sum()):
            continue
        at_frame = hx <= 1 or hy <= 1 or hx + hw >= w - 1 or hy + hh >= h - 1
        sides = _sheet_sides(hull, (w, h), at_frame, cfg.sheet_frame_mm)
        if sides is None or min(sides) < 8:
            continue
        filled, around = _hull_ring(hull, (h, w), ring_k)
        if not around.any() or float(printing[around].mean()) > 1.0 - cfg.sheet_ring_bare:
            continue
        beyond = np.median(lab[around], 0)
        # paper ends at its cut edge: a step of sheet_ground_de or more from just inside it to
        # just outside; where the wall's light falls off, the flood's bound is no step
        rim = (filled > 0) & ~(cv2.erode(filled, np.ones((9, 9), np.uint8)) > 0)
        if np.linalg.norm(np.median(lab[rim], 0) - beyond) < tol:
            continue
        white = np.hypot(paper[1], paper[2]) < cfg.sheet_chroma
        if raw is not None:
            white |= np.hypot(*np.median(raw[y0:y1, x0:x1][ground][:, 1:], 0)) < cfg.sheet_chroma
        if np.hypot(beyond[1], beyond[2]) < cfg.sheet_cast_chroma:
            white |= np.hypot(paper[1] - beyond[1], paper[2] - beyond[2]) < cfg.sheet_chroma
        if not white or paper[0] < beyond[0]:
            continue
        taken |= filled > 0
        out.append((filled.astype(bool), float(max(sides)), float(min(sides))))
    return out


def _hull_ring(
    hull: np.ndarray, size: tuple[int, int], ring_k: int
) -> tuple[np.ndarray, np.ndarray]:
    """A sheet's hull (search px) filled (size = (h, w), uint8 0/1) and the strip just
    outside it, where its surround is read: the hull grown by ring_k // 2 px less the hull
    grown by 2 px (its own blurred edge)."""
    filled = np.zeros(size, np.uint8)
    cv2.drawContours(filled, [hull], -1, 1, -1)
    ring = cv2.dilate(filled, np.ones((ring_k, ring_k), np.uint8)) > 0
    ring &= ~(cv2.dilate(filled, np.ones((5, 5), np.uint8)) > 0)
    return filled, ring


def _sheet_sides(
    hull: np.ndarray, size: tuple[int, int], cut_by_frame: bool, frame_mm: float
) -> tuple[float, float] | None:
    """A sheet's (long, short) sides, its px, from its hull (N x 1 x 2): a sheet the frame
    cuts by the sides seen whole (_cut_sheet_sides: a flipchart's are longer), one in view
    by its quadrilateral's (a sheet seen in perspective is one: None if the hull is not)."""
    quad = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True).reshape(-1, 2)
    if cut_by_frame:
        return _cut_sheet_sides(quad, size, frame_mm)
    return _quad_sides(quad) if len(quad) == 4 else None


def _quad_sides(quad: np.ndarray) -> tuple[float, float]:
    """A quadrilateral's (4 x 2) opposite sides averaged: (long, short), its px."""
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    a, b = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    return float(max(a, b)), float(min(a, b))


def _cut_sheet_sides(
    poly: np.ndarray, size: tuple[int, int], near: float
) -> tuple[float, float] | None:
    """A sheet one side of the frame cuts (poly: its hull's polygon, search px): the frame
    crosses two of its sides and hides one corner or two, so the polygon has four or five
    corners, two of them on the frame (within `near` px) and one side along it. The sides
    seen whole (neither end on the frame) are the sheet's own; the two the frame crosses are
    at most as long as theirs. A quadrilateral whose one corner only touches the frame is
    measured as a whole sheet. Returns (the longest side seen, the shortest seen whole) for
    printed_on's size test, or None: not such a shape (a frame corner or two sides of the
    frame cut it, or no side is seen whole: its size is unknown and it may be a flipchart)."""
    w, h = size
    if len(poly) not in (4, 5):
        return None
    x, y = poly[:, 0].astype(np.float64), poly[:, 1].astype(np.float64)
    edges = np.stack([x <= near, y <= near, x >= w - 1 - near, y >= h - 1 - near], 1)
    on = edges.any(1)
    nxt = np.roll(np.arange(len(poly)), -1)
    lengths = np.linalg.norm(poly[nxt] - poly, axis=1)
    if len(poly) == 4 and on.sum() <= 1:
        # the frame only grazes a corner, or a side bowed onto it between two corners in
        # view: a quadrilateral still, measured as a whole one
        return _quad_sides(poly)
    if on.sum() != 2 or edges.any(0).sum() != 1:
        return None
    whole = ~on & ~on[nxt]
    if not whole.any() or (on & on[nxt]).sum() != 1:
        return None
    seen = lengths[~(on & on[nxt])]
    return float(seen.max()), float(lengths[whole].min())


def _wall_light(lab_s: np.ndarray, wall_lab, cfg: MarkerlessConfig) -> np.ndarray:
    """The wall's lightness across the search image: a quadratic in x, y fitted to the pixels
    near the wall's colour (light falls off across a photo and into its corners), outliers
    (sheets, shadows) left out by trimming; the wall's own L where too few pixels fit."""
    h, w = lab_s.shape[:2]
    f = min(1.0, 160 / max(h, w))
    size = (max(2, round(w * f)), max(2, round(h * f)))
    small = cv2.resize(lab_s, size, interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float64)
    xs, ys = xs / sw - 0.5, ys / sh - 0.5
    near = np.hypot(small[..., 1] - wall_lab[1], small[..., 2] - wall_lab[2]) < cfg.sheet_chroma
    design = np.stack([np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys], -1)
    lum = small[..., 0].astype(np.float64)
    keep = near & (np.abs(lum - wall_lab[0]) < 25)
    coef = None
    for _ in range(3):
        if keep.sum() < 50:
            break
        coef, *_ = np.linalg.lstsq(design[keep], lum[keep], rcond=None)
        keep = near & (np.abs(design @ coef - lum) < cfg.sheet_brighter_l * 0.6)
    if coef is None:
        return np.full((h, w), float(wall_lab[0]), np.float32)
    fit = (design @ coef).astype(np.float32)
    return cv2.resize(fit, (w, h), interpolation=cv2.INTER_LINEAR)


def printed_on(
    sheets: list[tuple[np.ndarray, float, float]],
    notes_px: np.ndarray,
    sides_px: np.ndarray,
    dots_px: np.ndarray,
    to_search: float,
    cfg: MarkerlessConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Which notes and which dots (centres in photo px) lie on a printed sheet: one of
    paper_sheets whose sides measure sheet_min_mm..sheet_max_mm against the notes found off
    every sheet (their side is note_mm; with no note off the sheets nothing is printed: a
    flipchart filling the view holds the notes), as they measure where the sheet lies
    (_side_at: perspective makes a sheet on the near side of a tilted photo larger than the
    notes' median says). Returns two bool arrays."""
    notes_px = np.asarray(notes_px, np.float64).reshape(-1, 2)
    dots_px = np.asarray(dots_px, np.float64).reshape(-1, 2)
    on_n = np.zeros(len(notes_px), bool)
    on_d = np.zeros(len(dots_px), bool)
    if not sheets or not len(notes_px):
        return on_n, on_d
    at = [_at(s[0], notes_px, to_search) for s in sheets]
    off = ~np.any(at, axis=0)
    if not off.any():
        return on_n, on_d
    side_at = _side_at(notes_px[off], np.asarray(sides_px, np.float64)[off], cfg)
    for (mask, long, short), hit in zip(sheets, at, strict=True):
        ys, xs = np.nonzero(mask)
        mm = cfg.note_mm / (side_at((xs.mean() + 0.5) / to_search - 0.5,
                                    (ys.mean() + 0.5) / to_search - 0.5) * to_search)
        if short * mm < cfg.sheet_min_mm or long * mm > cfg.sheet_max_mm:
            continue
        on_n |= hit
        on_d |= _at(mask, dots_px, to_search)
    return on_n, on_d


def _side_at(
    centres: np.ndarray, sides: np.ndarray, cfg: MarkerlessConfig
) -> Callable[[float, float], float]:
    """The notes' side (photo px) at a point (x, y, photo px): a wall's scale in a photo is
    linear in the image's coordinates (it goes as one over the depth), so with
    scale_field_min notes or more a plane side = a + b x + c y fitted on them, refitted
    without those off it by more than sheet_scale_tol of their median side (a note of
    another pack, a false one) while that leaves scale_field_min. The side at a point is
    the median side times the plane there over the plane's median at the notes (on a photo
    taken square to the wall: the median), held within scale_rel_range (the note finder's
    own bounds). Fewer notes: their median side everywhere (as before the 42nd stop)."""
    med = float(np.median(sides))
    if len(sides) < cfg.scale_field_min:
        return lambda _x, _y: med
    keep = np.ones(len(sides), bool)
    coef = None
    # about the notes' mean: a direction they do not spread along (one row) gets no slope
    # (the least-norm fit), the side there is the row's
    mid = centres.mean(axis=0)
    rel = centres - mid
    for _ in range(2):
        design = np.column_stack([np.ones(int(keep.sum())), rel[keep]])
        coef, *_ = np.linalg.lstsq(design, sides[keep], rcond=None)
        off = np.abs(np.column_stack([np.ones(len(sides)), rel]) @ coef - sides)
        again = off <= cfg.sheet_scale_tol * med
        if again.sum() < cfg.scale_field_min or (again == keep).all():
            break
        keep = again
    lo, hi = cfg.scale_rel_range
    a, b, c = (float(v) for v in coef)
    at_notes = float(np.median(a + b * rel[keep, 0] + c * rel[keep, 1]))
    if at_notes <= 0:
        return lambda _x, _y: med
    mx, my = (float(v) for v in mid)
    return lambda x, y: med * float(
        np.clip((a + b * (x - mx) + c * (y - my)) / at_notes, lo, hi)
    )


def on_sheets(sheets: list, points_px: np.ndarray, to_search: float) -> np.ndarray:
    """Which points (photo px, N x 2) lie on any of the sheets (whatever their size)."""
    points_px = np.asarray(points_px, np.float64).reshape(-1, 2)
    if not sheets:
        return np.zeros(len(points_px), bool)
    return np.any([_at(s[0], points_px, to_search) for s in sheets], axis=0)


def _at(mask: np.ndarray, points_px: np.ndarray, to_search: float) -> np.ndarray:
    h, w = mask.shape
    p = np.round((points_px + 0.5) * to_search - 0.5)
    x = np.clip(p[:, 0].astype(int), 0, w - 1)
    y = np.clip(p[:, 1].astype(int), 0, h - 1)
    return mask[y, x]
