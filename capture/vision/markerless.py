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

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from capture.core.config import CONFIG, Config, MarkerlessConfig, NotesConfig
from capture.vision.colour import (
    C_WEIGHT_WASHED,
    SHADE_SEP,
    classify_map,
    clipped_distances,
    colour_distance,
    common_name,
    lab_to_xyz,
    srgb_to_lab,
    xyz_to_lab,
)
from capture.vision.dot_check import check_disc, check_discs
from capture.vision.dots import place_discs
from capture.vision.note_outline import FittedQuad, fit_paper_quad, seam_along, settle_quads
from capture.vision.note_stack import edge_steps, on_top, overlap_share, stack_order
from capture.vision.notes import (
    Square,
    _edge_map,
    _fill_holes,
    _ink_free_median,
    _square_corners,
    find_squares,
    lone_note_side,
)

_NONE = np.zeros((0, 3))  # no other disc (check_disc's neighbours)


@dataclass(frozen=True)
class WallNote:
    corners: tuple[tuple[float, float], ...]  # photo px, TL TR BR BL (clockwise)
    center: tuple[float, float]  # photo px
    side_px: float  # mean side in the photo
    lab: tuple[float, float, float]  # paper colour (balanced CIELAB)
    score: float  # 0-1: how well a square (or rectangle) explains the blob
    seen: float = 1.0  # share of its outline inside the photo (under 1: the frame cuts it)


@dataclass(frozen=True)
class WallDot:
    center: tuple[float, float]  # photo px
    radius_px: float
    lab: tuple[float, float, float]
    on_note: int | None  # index in WallScene.notes
    ambiguous: bool  # its cluster did not make a whole number of stickers
    # per channel (R, G, B): saturated in the photo over most of the sticker (its value is
    # then only a lower bound: an overexposed orange sticker has a yellow one's hue)
    clipped: tuple[bool, bool, bool] = (False, False, False)


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
    # per note, the notes found lying over part of it (note_stack.on_top)
    above: tuple[tuple[int, ...], ...] = ()
    # the bare surfaces (CIELAB, as wall_lab is), the wall first: a paper roll or a
    # whiteboard on it is under the same light (markerless_read.light_casts)
    surfaces: tuple[tuple[float, float, float], ...] = ()
    # the linear-light gains the photo was balanced with on its wall (its exposure left out;
    # None: not balanced): markerless_read takes them back off when the wall proves no white
    balance: tuple[float, float, float] | None = None
    exposure: float = 1.0  # the linear-light gain the photo was brightened by (exposure_gain)


def _lab(rgb8: np.ndarray) -> np.ndarray:
    if rgb8.dtype != np.uint8:
        return srgb_to_lab(rgb8.astype(np.float32) / 255.0)
    # rgb8 / 255 in float32 looked up (_UNIT8): the same values, one pass instead of two
    return srgb_to_lab(cv2.LUT(np.ascontiguousarray(rgb8), _UNIT8))


# sRGB code value -> value / 255 (float32), as rgb8.astype(np.float32) / 255.0 gives it
_UNIT8 = np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0
# sRGB code value -> (value / 255) ** 2.2 (float32): the linear light every step below takes
# of a uint8 image, looked up (the same values as computed pixel by pixel, at a tenth of the time)
_LIN8 = (np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0) ** 2.2


_LIN8_EPS = _LIN8 + np.float32(1e-3)  # _chromaticity's: no channel is 0


def _linear8(rgb8: np.ndarray) -> np.ndarray:
    """(rgb8 / 255) ** 2.2 as float32, for a uint8 image (a lookup of _LIN8)."""
    return cv2.LUT(np.ascontiguousarray(rgb8, np.uint8), _LIN8)


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
    lin = _linear8(rgb8)
    mean = lin[near].mean(0) if near.sum() > 50 else lin.reshape(-1, 3).mean(0)
    return mean.mean() / np.maximum(mean, 1e-4)


def _apply_gains(rgb8: np.ndarray, gains: np.ndarray | None) -> np.ndarray:
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
        out = np.subtract(lab[..., 0], ref[..., 0], dtype=dt)
        out *= l_weight
        out *= out
        for c in (1, 2):
            t = np.subtract(lab[..., c], ref[..., c], dtype=dt)
            t *= t
            out += t
        return np.sqrt(out, out=out)
    d = lab - ref
    return np.sqrt((l_weight * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)


def _least_distance(lab: np.ndarray, surfaces: Sequence, l_weight: float) -> np.ndarray:
    """Per pixel, the least foreground distance from the surfaces' colours (the minimum taken
    pairwise: the same values as np.min over their stack, without stacking whole images)."""
    return functools.reduce(np.minimum, (foreground(lab, np.array(s), l_weight) for s in surfaces))


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


def notes_in_background(
    lab: np.ndarray,
    background: np.ndarray,
    edges: np.ndarray,
    note_area: float,
    cfg: MarkerlessConfig,
) -> np.ndarray:
    """The notes inside the large frame-bound blobs _background_blobs drops (a surface
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


def _roundness(part: np.ndarray) -> float:
    """A blob's area over its minimum enclosing circle's: 1 for a disc, 2/pi for a square and
    less for any quadrilateral a note becomes in perspective."""
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return 0.0
    _c, r = cv2.minEnclosingCircle(max(cs, key=cv2.contourArea))
    return float(part.sum() / max(np.pi * (r + 0.5) ** 2, 1.0))


def _elliptic(part: np.ndarray, fit_min: float) -> bool:
    """Whether a blob is an ellipse rather than a quadrilateral: a sticker blurred or seen
    askew, not a note. Perspective (locally affine) keeps an ellipse an ellipse and a square a
    quadrilateral, so the blob is compared with both: the ellipse fitted to its outline and
    the least quadrilateral enclosing it (intersection over union each)."""
    blob = np.pad(part.astype(bool), 4)  # room for the ellipse fitted past the blob's box
    cs, _ = cv2.findContours(blob.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not cs:
        return False
    c = max(cs, key=cv2.contourArea)
    if len(c) < 5:
        return False
    ell = np.zeros(blob.shape, np.uint8)
    (ex, ey), (ea, eb), ang = cv2.fitEllipse(c)
    cv2.ellipse(ell, ((ex, ey), (ea, eb), ang), 1, -1)
    quad = _enclosing_quad(c)
    if quad is None:  # a line-thin blob: neither a sticker nor a note
        return False
    box = np.zeros(blob.shape, np.uint8)
    cv2.fillPoly(box, [np.round(quad).astype(np.int32)], 1)

    def iou(shape: np.ndarray) -> float:
        s = shape.astype(bool)
        return float((s & blob).sum()) / max(float((s | blob).sum()), 1.0)

    fit = iou(ell)
    return fit >= fit_min and fit > iou(box)


def _lone_cores(
    part: np.ndarray, lone_cfg: NotesConfig, open_fracs: tuple[float, ...]
) -> list[tuple[float, float, float]]:
    """The lone notes (x, y in the blob, side) left once a blob is opened with a disc of
    open_frac x its inscribed circle's diameter: whatever touches a note and is thinner than
    that (a pen, a cable, a shadow's bridge to the next note) goes, the note stays a square
    with its corners a little rounded. A blob of notes edge to edge stays one long blob.
    The shares are tried in turn until one leaves a lone note: two pens lying side by side
    against a note enclose a strip of desk (filled as a hole) as thick as half the note."""
    # (its holes first filled: writing on the note must not narrow it)
    pad = _fill_holes(np.pad(part, 1), 0.25 * float(part.sum())).astype(np.uint8)
    inscribed = float(cv2.distanceTransform(pad, cv2.DIST_L2, 5).max())
    for open_frac in open_fracs:
        if found := _opened_cores(pad, round(2 * open_frac * inscribed) | 1, lone_cfg):
            return found
    return []


def _opened_cores(
    pad: np.ndarray, k: int, lone_cfg: NotesConfig
) -> list[tuple[float, float, float]]:
    """The lone notes (x, y in the unpadded blob, side) of a padded blob opened with a disc
    k px wide (none under 5 px: too small a blob to hold a note's core)."""
    if k < 5:
        return []
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    n, labels, _st, cents = cv2.connectedComponentsWithStats(
        cv2.morphologyEx(pad, cv2.MORPH_OPEN, disc), connectivity=4
    )
    found = []
    for j in range(1, n):
        # (a disc, the opening's own shape, fills its square pi/4: under lone_fill_min)
        s = lone_note_side(labels == j, lone_cfg)
        if s is not None:
            found.append((float(cents[j][0]) - 1, float(cents[j][1]) - 1, s))
    return found


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


def colour_parts(
    part: np.ndarray, edges: np.ndarray, gap: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """A blob's parts of one colour: the blob cut along its colour steps, each part (holes
    filled: the writing's outline is a step too) grown back over the seam it lost. Each
    part's mask (the blob's box) and centre (x, y in the box); parts under a twentieth of
    the blob (letters, specks) are left out."""
    cut = (part & ~edges).astype(np.uint8)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(cut, connectivity=4)
    grow = np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)
    out = []
    for j in range(1, n):
        if stats[j][4] < 0.05 * part.sum():
            continue
        one = _fill_holes(labels == j, 0.5 * float(stats[j][4]))
        out.append(((cv2.dilate(one.astype(np.uint8), grow) > 0) & part, cents[j]))
    return out


def _filled_quad(one: np.ndarray, cfg: MarkerlessConfig) -> bool:
    """Whether a blob fills the least quadrilateral enclosing it (rect_fill_min), at any
    aspect: a whole note or strip, not a note's part left by another stuck over it."""
    cs, _ = cv2.findContours(one.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = _quad_of_blob(max(cs, key=cv2.contourArea)) if cs else None
    if quad is None:
        return False
    q_area = float(cv2.contourArea(quad.astype(np.float32)))
    return float(one.sum()) >= cfg.rect_fill_min * q_area


def _one_note_quad(one: np.ndarray, cfg: MarkerlessConfig) -> np.ndarray | None:
    """The corners (blob px) of a blob that is one clean quadrilateral (any convex one
    perspective makes of a note: see _lone_quads), or None."""
    if not _clean_quad(one, cfg) or _elliptic(one, cfg.ellipse_fit_min):
        return None
    cs, _ = cv2.findContours(one.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return _quad_of_blob(max(cs, key=cv2.contourArea))


def _lone_parts(
    part: np.ndarray, edges: np.ndarray, lone_cfg: NotesConfig, cfg: MarkerlessConfig
) -> list[tuple[float, float, float]]:
    """The lone notes (x, y in the blob, side) among a blob's parts of one colour
    (colour_parts): a lone square as perspective shapes it, or one clean quadrilateral (its
    area's side). Notes of different colours stuck edge to edge (a board's columns: a
    header, then notes of alternating colours) make one blob that holds no lone note as it
    is, and a board seen askew foreshortens its far notes past lone_aspect_max."""
    found = []
    for one, (cx, cy) in colour_parts(part, edges, cfg.edge_gap_px):
        s = lone_note_side(one, lone_cfg)
        if s is None and _one_note_quad(one, cfg) is not None:
            s = float(np.sqrt(one.sum()))
        if s is not None:
            found.append((float(cx), float(cy), s))
    return found


def note_scale(
    mask: np.ndarray,
    notes_cfg: NotesConfig,
    cfg: MarkerlessConfig,
    edges: np.ndarray | None = None,
) -> tuple[float | None, list[tuple[float, float, float]]]:
    """The usual note side (px) in this mask: the median side of its lone note blobs (square
    up to the shape perspective gives them, or left when thin things touching a note are
    opened away, or of one colour when the blob is notes of several colours edge to edge:
    edges, see colour_edges), else of its compact note-like blobs; None when
    nothing looks like a note. And each lone note's (x, y, side), for the scale's variation
    across a tilted photo."""
    lone_cfg = replace(
        notes_cfg, lone_aspect_max=cfg.lone_aspect_max, lone_fill_min=cfg.lone_fill_min
    )
    n, labels, stats, cents = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=4
    )
    lone, compact = [], []
    samples: list[tuple[float, float, float]] = []
    cores: list[tuple[float, float, float]] = []  # lone notes inside larger blobs
    parts: list[tuple[float, float, float]] = []  # lone notes of one colour in larger blobs
    h, w = mask.shape
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if min(bw, bh) < cfg.scale_min_px or area > 0.25 * h * w:
            continue
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # cut by the frame: its size says nothing
        part = labels[y : y + bh, x : x + bw] == i
        if _roundness(part) > cfg.scale_round_max or _elliptic(part, cfg.ellipse_fit_min):
            continue  # a sticker, a magnet: round or elliptic, not a note seen in perspective
        s = lone_note_side(part, lone_cfg)
        if s is not None:
            lone.append(s)
            samples.append((float(cents[i][0]), float(cents[i][1]), s))
            continue
        if edges is not None:
            # notes of different colours edge to edge: each a lone note of its colour
            found = _lone_parts(part, edges[y : y + bh, x : x + bw], lone_cfg, cfg)
            parts += [(x + cx, y + cy, c) for cx, cy, c in found]
        if found := _lone_cores(part, lone_cfg, cfg.scale_core_open):
            # a note with something thin touching it (a pen, a cable, a shadow's bridge)
            cores += [(x + cx, y + cy, c) for cx, cy, c in found]
        elif area / (bw * bh) > 0.6 and max(bw, bh) / min(bw, bh) < 2.5:
            compact.append(np.sqrt(area))
    if len(samples) < cfg.scale_field_min <= len(parts):
        # too few lone notes to fit the scale's plane, and enough parts of one colour to fit
        # it on their own (a board's columns stuck edge to edge): they count too. With fewer,
        # such blobs are a few notes stuck over one another, and a part is a note cut by the
        # one over it, smaller than a note (generated walls with two lone notes: one part
        # 0.6 x their size moved the usual side 12 %; one lone note and three parts fitted a
        # plane 9 % off at a note, whose faint sticker was then lost)
        lone += [c for _x, _y, c in parts]
        samples += parts
    lo, hi = cfg.scale_rel_range
    if cores and max(c[2] for c in cores) * lo / hi > max(lone, default=0.0):
        # every lone blob is far smaller than a note found in a larger blob: a phone's
        # camera, a sticker, not notes; else the lone notes alone, their outline unrounded
        lone, samples = [c[2] for c in cores], cores
    if lone:
        # perspective makes lone notes differ in size by scale_rel_range at most: far smaller
        # lone blobs are stickers or magnets (which the roundness test may miss, shaded)
        floor = max(lone) * lo / hi
        samples = [p for p in samples if p[2] >= floor]
        return float(np.median([s for s in lone if s >= floor])), samples
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


def _quad_of_blob(contour: np.ndarray) -> np.ndarray | None:
    """The four corners (TL TR BR BL) of the least quadrilateral enclosing a blob's outer
    contour: the note's own corners where the mask's opening rounded them (whether the blob
    fills it, no notch where two notes meet, is the caller's test)."""
    quad = _enclosing_quad(contour)
    if quad is None or len(quad) != 4:
        return None
    return _order_corners(quad.astype(np.float64))


def _enclosing_quad(contour: np.ndarray) -> np.ndarray | None:
    """The least quadrilateral (4 x 2, contour px) enclosing a contour, or None when its convex
    hull has fewer than four corners (a blob one pixel thin): cv2.approxPolyN asserts then."""
    hull = cv2.convexHull(contour.reshape(-1, 1, 2).astype(np.float32))
    if len(hull) < 4:
        return None
    return cv2.approxPolyN(hull, 4, ensure_convex=True).reshape(-1, 2)


def _lone_quads(
    mask: np.ndarray, side_at: Callable[[np.ndarray], float], cfg: Config
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Lone notes the square finder misses: a blob that is one clean quadrilateral (a note in
    perspective is any convex quadrilateral: a far note in a strongly tilted photo is longer
    than lone_aspect_max, a skewed one a parallelogram that fills a fraction of its minimum-area
    rectangle) of a note's size where it lies (its area's side from lone_side_range[0] to
    lone_quad_max x the side expected there: a larger quadrilateral may be two notes one over
    the other, as two yellow notes on a real kanban board), its sides within rect_aspect_max
    of each other.
    Its corners (search px) and fill, and the mask without them. side_at: the expected side at a
    point (search px)."""
    m = cfg.markerless
    n, labels, stats, cents = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=4
    )
    h, w = mask.shape
    out, rest = [], mask.copy()
    lo = m.lone_side_range[0]
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # cut by the frame: its shape says nothing
        s = side_at(cents[i])
        part = labels[y : y + bh, x : x + bw] == i
        whole = _fill_holes(part, area)  # ink and stickers inside are the note's
        if not (lo * s) ** 2 <= whole.sum() <= (m.lone_quad_max * s) ** 2:
            continue  # larger: maybe two notes one over the other (the square finder's)
        cs, _ = cv2.findContours(whole.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contour = max(cs, key=cv2.contourArea)  # the blob's outline (its holes filled or not)
        _c, (rw, rh), _a = cv2.minAreaRect(contour)
        rw, rh = rw + 1.0, rh + 1.0
        squarish = max(rw, rh) <= m.lone_aspect_max * min(rw, rh)
        if squarish and whole.sum() >= m.rect_fill_min * rw * rh:
            continue  # a filled square as perspective makes it: the square finder's
        quad = _quad_of_blob(contour)
        if quad is None:
            continue
        sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
        q_area = float(cv2.contourArea(quad.astype(np.float32)))
        fill = float(whole.sum()) / max(q_area, 1.0)
        if sides.max() > m.rect_aspect_max * sides.min() or fill < m.rect_fill_min:
            continue
        out.append((quad + np.array([x, y], np.float64), min(fill, 1.0)))
        rest[y : y + bh, x : x + bw] &= ~part
    return out, rest


def _part_quads(
    mask: np.ndarray,
    edges: np.ndarray,
    side_at: Callable[[np.ndarray], float],
    cfg: Config,
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Notes of different colours stuck edge to edge: a blob's part of one colour
    (colour_parts) that is one clean quadrilateral (_one_note_quad) of a note's size where
    it lies (its area's side from lone_side_range[0] to lone_quad_max x the side expected
    there: two notes of one colour side by side make one larger quadrilateral) is a note at
    that outline, as a lone one is (_lone_quads): the square coverer lays squares of the
    usual size, and gave a note a board seen askew foreshortens (1.8:1) two. Other parts
    (a strip, a note longer than rect_aspect_max, two notes of one colour) are left to the
    square coverer; a blob with a part that fills no quadrilateral (a note partly under
    another) is left whole to it (it lays the hidden note's square under the other note).
    Their corners (search px) and fill, and the mask without them."""
    m = cfg.markerless
    n, labels, stats, cents = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=4
    )
    h, w = mask.shape
    lo = m.lone_side_range[0]
    out, rest = [], mask.copy()
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # cut by the frame: its shape says nothing
        if area < (lo * side_at(cents[i])) ** 2:
            continue
        part = labels[y : y + bh, x : x + bw] == i
        pieces = colour_parts(part, edges[y : y + bh, x : x + bw], m.edge_gap_px)
        if len(pieces) < 2:
            continue  # one colour: the square coverer's (or a lone note's)
        if not all(_filled_quad(one, m) for one, _c in pieces):
            continue  # a part no quadrilateral: a note under another, the coverer's whole
        for one, c in pieces:
            s = side_at(np.array([x + c[0], y + c[1]]))
            q = _one_note_quad(one, m)
            if q is None or not (lo * s) ** 2 <= one.sum() <= (m.lone_quad_max * s) ** 2:
                continue  # the square coverer's
            q_area = float(cv2.contourArea(q.astype(np.float32)))
            out.append((q + np.array([x, y], np.float64), min(1.0, float(one.sum()) / q_area)))
            rest[y : y + bh, x : x + bw] &= ~one
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


def _poly_pixels(img: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """img[_poly_mask(img.shape[:2], corners)]: the image's pixels inside a convex polygon,
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
    mask: np.ndarray,
    ppm: float,
    cfg: MarkerlessConfig,
    rel: Callable[[int, int], float] | None = None,
    lab: np.ndarray | None = None,
    views: Views = (),
) -> float | None:
    """Sticker radius (px, where the scale is the usual one) from lone round blobs of a
    sticker's size, or None. rel: the local scale at a pixel (x, y) a blob's radius is divided by.
    views: of the notes wholly in the photo (note_views); a blob filled as a disc only once
    seen through the nearest one's view (a sticker seen askew is an ellipse: its inscribed
    radius is its short axis) sets the size too, at its own area's radius, when its rim is
    a sticker's too (not ragged: blue marker letter loops on post-its-3's whiteboard, ragged
    ellipses, took the size from 7.3 to 7.2 px and one more letter passed for a sticker),
    and only when no blob is filled as it is (its blurred copy: 7.6 to 8.0, two more).
    lab: the work image; a blob sets the size only when its colour is no shade of its
    surroundings' there (dot_check.shade_distance: ink darkening the paper) and it passes the
    sticker check there but for the rim's roundness: two ink-filled letter loops of a
    sticker's size on a photo with no sticker set it to theirs, and every letter's bit of
    that size then passed for one. The roundness is left to the check of each sticker: the
    blob test has judged it, and a real red dot at JPEG quality 15 is ragged 0.42. How dark a
    blob is in its own band (dot_check.reflectance) is not asked here: drawn marker stars
    (post-its-9) left out, the orange pen's dots set a smaller size and passed in their turn
    (8 -> 14 false stickers)."""
    n, labels, stats, cents = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    lo, hi = (d * ppm for d in cfg.dot_mm_range)
    radii: list[float] = []
    askews: list[float] = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if not lo <= max(bw, bh) <= hi:
            continue
        part = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
        cs, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        per = cv2.arcLength(cs[0], True)
        r_area = np.sqrt(area / np.pi)
        # a disc's inscribed circle is the disc: a marker dash or a letter's bend has a
        # sticker's extent and roundness but an inscribed radius of half its stroke
        r_in = float(cv2.distanceTransform(np.pad(part, 1), cv2.DIST_L2, 5).max())
        round_ = per > 0 and 4 * np.pi * area / per**2 >= cfg.dot_round_min
        filled = r_in >= cfg.dot_inscribed_min * r_area
        askew = False  # filled only seen through a view: its rim must be a sticker's too
        if round_ and not filled and views and lab is not None:
            near = _view_at(views, float(cents[i][0]), float(cents[i][1]), cfg)
            askew = filled = near is not None and _inscribed(_unview(part, near[0])) >= (
                cfg.dot_inscribed_min * r_area
            )
        if round_ and filled and lo / 2 <= r_area <= hi / 2:
            if lab is not None:
                at = (float(cents[i][0]), float(cents[i][1]))
                c = check_disc(lab, at, r_area, None, _NONE, cfg)
                ok = ("",) if askew else ("", "ragged")
                if c.shade < cfg.dot_size_shade_min or c.reason not in ok:
                    continue
            k = 1.0 if rel is None else rel(int(x + bw // 2), int(y + bh // 2))
            (askews if askew else radii).append(r_area / k)
    # the ones filled only seen askew set it only when none is filled as it is: blurred
    # marker letters on post-its-3's whiteboard, elongated, passed through a view
    radii = radii or askews
    return float(np.median(radii)) if radii else None


def _sticker_palette(sticker_refs: dict[str, np.ndarray]) -> np.ndarray:
    """The palette's sticker colours (k x 3 CIELAB) for the sticker check (dot_check)."""
    rows = [np.asarray(v, np.float64).reshape(-1, 3) for v in sticker_refs.values()]
    return np.concatenate(rows) if rows else np.zeros((0, 3))


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
    """A homography from photo px to the wall plane (nominal mm), when the outlines of notes
    seen whole (each side fitted to its paper, or a clean quadrilateral blob) agree on one:
    each quad's own square fit is tried on all, the one that makes the others most square
    wins if their mean error is under wall_max_error."""
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


@dataclass(frozen=True, eq=False)
class Probe:
    """The first look at a small copy of the photo: what the wall is and how large notes are."""

    surfaces: tuple[tuple[float, float, float], ...]  # bare surfaces (CIELAB): the wall first
    gains: np.ndarray | None  # linear-light gains that balance it (None: left as it is)
    side_px: float  # the usual note side in the photo
    scale: np.ndarray | None  # side / usual side = a + b x + c y (photo px), or None
    # notes of the wall's own colour (probe px, paper_islands): foreground though near a
    # bare surface; None: none
    paper: np.ndarray | None = None
    # the gains of the balance on the wall alone (the exposure left out; None: not balanced)
    balance: np.ndarray | None = None
    # a close-up: the photo's most common colour was its notes' paper (paper_islands), the
    # wall what the rest shows most; a lighter neutral background is bare (_surface_distance)
    closeup: bool = False
    # per probe px the bare surface (index) that is the notes' surround there, -1: none
    # (surface_regions; None: the wall everywhere)
    local: np.ndarray | None = None

    @property
    def balanced(self) -> bool:
        """The wall was near-neutral: colours were balanced on it."""
        return self.balance is not None


@dataclass(frozen=True, eq=False)
class WorkImages:
    """The photo resampled for the finders: stickers and colours at work_px_per_mm (`work`),
    notes at 1 px per nominal mm (`search`, where a usual note measures note_mm px)."""

    rgb: np.ndarray  # work image, balanced
    lab: np.ndarray
    fw: float  # work px per photo px
    ppm: float  # work px per nominal mm
    lab_s: np.ndarray  # search image (CIELAB)
    fs: float  # search px per work px


@dataclass(frozen=True, eq=False)
class Outline:
    corners: np.ndarray  # search px, TL TR BR BL
    score: float
    own_quad: bool  # the note's own four corners (not a fitted square's): shows perspective


@dataclass(frozen=True, eq=False)
class StickerEvidence:
    """Per work pixel: how unlike its surroundings it is, and which note it lies on."""

    dist: np.ndarray  # colour distance from the wall or the note it may lie on (least)
    cdist: np.ndarray  # chromaticity distance, likewise
    owner: np.ndarray  # index of the note the pixel lies on, -1: none
    cand: np.ndarray  # pixels that may be stickers (after pen strokes are opened away)
    glare: np.ndarray  # clipped, colourless highlights
    dist_l: np.ndarray  # as dist, lightness counting dot_l_weight against a note's paper
    cand_l: np.ndarray  # as cand, from dist_l: faint stickers are whole discs of it only
    lab: np.ndarray  # the work image (CIELAB): what colour a sticker's rim is
    papers: np.ndarray  # each note's paper (CIELAB), in the order of `owner`'s indices
    chrom: np.ndarray  # the work image's chromaticity (_chromaticity): taken once


@dataclass(frozen=True, eq=False)
class Disc:
    cx: float  # work px
    cy: float
    pixels: np.ndarray  # its pixels' CIELAB
    ambiguous: bool
    radius: float  # work px
    # how the wall's perspective shapes a disc there (2x2, determinant 1: work px per
    # rectified px), when the sticker is round only seen through it; None: as it is
    view: np.ndarray | None = None
    # its blob was tested as one sticker (round and filled, or an arc the frame cuts), not a
    # disc laid over a larger blob: near the frame it is judged on what is seen of it
    shaped: bool = False


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
        fg = _far_from(lab, surfaces, cfg, paper)
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
            rest = blob & _far_from(lab, [mode], cfg, paper)
            side, samples = note_scale(rest, notes_cfg, cfg)
            if side is not None and len(samples) >= cfg.surface_min_notes:
                surfaces.append(mode)
                added = True
                break
        if not added:
            break
    return surfaces


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


def _far_from(
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
    the frame) that are clean quadrilaterals (as _lone_quads: filling the least one enclosing
    them, sides within rect_aspect_max, no ellipse), coloured (grey_surface), far larger than
    every note the rest of the photo shows (past scale_rel_range; any size from
    scale_min_px when it shows none). A wall runs on around its notes and reaches the frame;
    an island as large as the notes is a gap enclosed by notes stuck edge to edge.

    Returns their mask (holes filled: their writing and stickers are theirs; None: none) and
    whether one of them is the wall's own paper (within paper_mode_de): the photo's most
    common colour is then the paper of notes filling a close-up, not a wall."""
    far = _far_from(lab, [wall], cfg)
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
        if not _clean_quad(whole, cfg) or _elliptic(whole, cfg.ellipse_fit_min):
            continue
        paper = np.median(lab[y : y + bh, x : x + bw][part], axis=0)
        cast = None if np.hypot(wall[1], wall[2]) < cfg.wall_neutral_chroma else wall
        if grey_surface(paper, cast, cfg):
            continue  # a white or grey island: a whiteboard, a window of wall
        out[y : y + bh, x : x + bw] |= whole
        own |= float(np.linalg.norm(paper - wall)) < cfg.paper_mode_de
    return (out if out.any() else None), own


def _clean_quad(whole: np.ndarray, cfg: MarkerlessConfig) -> bool:
    """Whether a blob (holes filled) fills the least quadrilateral enclosing it at
    rect_fill_min, that quadrilateral's sides within rect_aspect_max of each other."""
    cs, _ = cv2.findContours(whole.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = _quad_of_blob(max(cs, key=cv2.contourArea)) if cs else None
    if quad is None:
        return False
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    q_area = float(cv2.contourArea(quad.astype(np.float32)))
    fill = float(whole.sum()) / max(q_area, 1.0)
    return sides.max() <= cfg.rect_aspect_max * sides.min() and fill >= cfg.rect_fill_min


def probe_photo(rgb: np.ndarray, config: Config) -> Probe | None:
    """Wall colour, light balance, bare surfaces and note scale from a small copy of the photo;
    None when nothing there looks like a note."""
    m = config.markerless
    h, w = rgb.shape[:2]
    f0 = min(1.0, m.probe_max_side_px / max(h, w))
    size0 = (max(1, round(w * f0)), max(1, round(h * f0)))
    probe = cv2.resize(rgb, size0, interpolation=cv2.INTER_AREA)
    lab0, wall, balance, gains = _balanced_on(probe, np.ones(probe.shape[:2], bool), m)
    paper, own = paper_islands(lab0, wall, config.notes, m)
    if own:
        # the most common colour is the paper of notes filling a close-up: the wall is the
        # most common colour of the rest (own implies a coloured, unbalanced mode: lab0 raw)
        lab0, wall, balance, gains = _balanced_on(probe, _far_from(lab0, [wall], m), m)
        paper = None
    surfaces = bare_surfaces(lab0, wall, config.notes, m, paper)
    local = surface_regions(lab0, surfaces, m)
    side0, samples = note_scale(
        _far_from(lab0, surfaces, m, paper, own, local), config.notes, m, colour_edges(lab0, m)
    )
    if side0 is None or side0 < m.probe_side_min_px:
        # no note, or "notes" too small to read: letters, JPEG blocks or a clipped wall's
        # speckle set the scale, and at one px per mm the search image grew to 50 MP
        return None
    side_full = side0 / f0
    coef = scale_field([(x / f0, y / f0, s / f0) for x, y, s in samples], side_full, m)
    return Probe(
        tuple(tuple(float(v) for v in s) for s in surfaces),
        gains,
        side_full,
        coef,
        paper,
        balance,
        own,
        local,
    )


def _balanced_on(
    probe: np.ndarray, among: np.ndarray, m: MarkerlessConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The probe's CIELAB, the wall's colour (the mode of the pixels `among`), the gains that
    balanced the photo on it (near-neutral; None: it was not) and the gains for the photo
    (those times the exposure's)."""
    expo = exposure_gain(probe, m)
    gains = None if expo is None else np.full(3, expo, np.float32)
    lab0 = _lab(_apply_gains(probe, gains))
    wall = wall_colour(lab0[among][:, None], m)
    balance = None
    if float(np.hypot(wall[1], wall[2])) < m.wall_neutral_chroma:
        balance = _balance_gains(_apply_gains(probe, gains), lab0, wall)
        gains = balance if gains is None else balance * gains
        lab0 = _lab(_apply_gains(probe, gains))
        wall = wall_colour(lab0[among][:, None], m)
    return lab0, wall, balance, gains


def exposure_gain(rgb8: np.ndarray, m: MarkerlessConfig) -> float | None:
    """The gain (linear light) that brings an underexposed photo's brightest pixels (the
    exposure_white_pct percentile of each pixel's highest channel) to exposure_white, at
    most exposure_gain_max; None when the photo needs less than exposure_gain_min (it is
    exposed: its highlights near white). A photo one stop darker keeps every colour's
    chromaticity but its CIELAB chroma shrinks (a, b go as the cube root of the light): pale
    notes then fall within fg_delta_e of a white wall and are lost."""
    lin = _linear8(rgb8)
    hi = float(np.percentile(lin.max(axis=-1), m.exposure_white_pct))
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


def work_images(rgb: np.ndarray, probe: Probe, cfg: MarkerlessConfig) -> WorkImages:
    """The work image (a usual note measures note_mm * work_px_per_mm px, capped in pixels)
    and the search image (1 px per nominal mm) the note finder runs on."""
    h, w = rgb.shape[:2]
    fw = cfg.note_mm * cfg.work_px_per_mm / probe.side_px
    fw = min(fw, np.sqrt(cfg.work_max_px / (h * w)), 2.0)
    size_w = (max(1, round(w * fw)), max(1, round(h * fw)))
    work = _apply_gains(cv2.resize(rgb, size_w, interpolation=cv2.INTER_AREA), probe.gains)
    ppm = probe.side_px * fw / cfg.note_mm
    fs = 1.0 / ppm
    size_s = (max(1, round(size_w[0] * fs)), max(1, round(size_w[1] * fs)))
    lab_s = _lab(cv2.resize(work, size_s, interpolation=cv2.INTER_AREA))
    return WorkImages(work, _lab(work), fw, ppm, lab_s, fs)


def _scale_bands(
    coef: np.ndarray | None, xy_photo: np.ndarray, cfg: MarkerlessConfig
) -> np.ndarray:
    """Per point (photo px): the band of the expected note size, in steps of scale_band_step
    (0: the usual size); all 0 without a scale field."""
    if coef is None:
        return np.zeros(len(xy_photo), int)
    rel = coef[0] + coef[1] * xy_photo[:, 0] + coef[2] * xy_photo[:, 1]
    rel = np.clip(rel, cfg.scale_rel_range[0], cfg.scale_rel_range[1])
    return np.round(np.log(rel) / np.log(1 + cfg.scale_band_step)).astype(int)


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
    mask = _far_from(lab_s, surfaces, m, probe.paper, probe.closeup, probe.local)
    # a sticker stuck across a note's edge would pull its square outward: opened away
    k = max(3, round(m.note_open_mm)) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    # (holes first filled: ink and stickers inside a note must not open it up)
    filled = _fill_holes(mask, 0.5 * side * side).astype(np.uint8)
    mask &= cv2.morphologyEx(filled, cv2.MORPH_OPEN, disc).astype(bool)
    background = _background_blobs(mask, side * side)
    edges_c = colour_edges(lab_s, m)
    mask = (mask & ~background) | notes_in_background(
        lab_s, mask & background, edges_c, side * side, m
    )
    cls_s, _ = classify_map(lab_s, note_refs)
    rects, mask = _lone_rectangles(mask, side, config, cls_s)
    to_photo = 1.0 / (img.fs * img.fw)

    def side_at(c: np.ndarray) -> float:
        b = _scale_bands(probe.scale, np.asarray(c, np.float64)[None] * to_photo, m)[0]
        return side * (1 + m.scale_band_step) ** b

    quads, mask = _lone_quads(mask, side_at, config)
    parts, mask = _part_quads(mask, edges_c, side_at, config)
    quads += parts
    valid = np.ones(mask.shape, bool)

    def paper_of(sq: Square) -> np.ndarray | None:
        poly = _square_corners(sq.cx, sq.cy, 0.6 * sq.side, sq.angle)
        px = _poly_pixels(lab_s, poly)
        return _ink_free_median(px) if len(px) >= 10 else None

    _n, labels, _st, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    band = _scale_bands(probe.scale, cents * to_photo, m)
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
    return outlines + [Outline(c, fill, False) for c, fill in rects + quads]


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
    corners = _order_corners(corners)
    quad = _refine_quad(mask_c, corners)
    return Outline(quad, min(1.0, sq.score / 1.9), not np.array_equal(quad, corners))


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
    (N x 3 uint8, markerless_read.paper_pixels), brightened by `exposure` as the work image
    was but not balanced."""
    rgb = _apply_gains(np.asarray(px, np.uint8).reshape(-1, 1, 3), np.full(3, exposure, np.float32))
    return paper_colour(_lab(rgb).reshape(-1, 3), cfg)


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
    if cfg.merge_one_paper:
        kept = _one_paper(kept, img, bare, cfg)
    notes: list[WallNote] = []
    quads = []
    fitted = settle_quads([f for _o, _p, f in kept], cfg)
    wh = (img.lab.shape[1], img.lab.shape[0])
    banded = [
        _runs_on(cw, f.edged, *wh, cfg.note_cut_flag)
        for (_o, _p, f), cw in zip(kept, fitted, strict=True)
    ]
    fitted = _hidden_sides(fitted, *wh)
    for (o, paper, f), cw, band in zip(kept, fitted, banded, strict=True):
        if band:
            continue  # a band along the frame (another wall beyond), no note it cuts
        if (
            paper_share(img.lab, cw, np.asarray(paper), cfg.note_paper_de)
            < cfg.note_paper_share_min
        ):
            continue  # mostly not its paper: a square laid over objects (book covers)
        cp = (cw + 0.5) / img.fw - 0.5
        if o.own_quad or f.whole:
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
            )
        )
    side = np.median([n.side_px for n in notes]) if notes else 1.0
    notes.sort(key=lambda n: (round(n.center[1] / side), n.center[0]))
    return notes, quads


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
    no line) is noise. Two notes of one colour stacked show the upper
    one's edge over the lower one (its shadow, a brightness step: a seam, which the fit
    takes; the lower one's side is then at that seam, not inside); touching ones a seam on
    their common side, and do not overlap. The square coverer lays squares of the usual size, and
    a note larger than its neighbours, or rectangular (76 x 127 mm), gets two over its one
    paper: the side of each inside the other lies on flat paper, the paper running on.
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
    steps = edge_steps(lab32, a.quad, b.quad, papers, cfg)
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
            quad = _enclosing_quad(np.concatenate([fi.quad, fj.quad]))
            if quad is None or len(quad) != 4:
                continue
            cw = _order_corners(np.asarray(quad, np.float64))
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


def _hidden_sides(quads: list[np.ndarray], w: int, h: int) -> list[np.ndarray]:
    """Note outlines (TL TR BR BL, image px) with the side the frame of a w x h image hides
    placed where the note's shape says (_hidden_side); the shape is its nearest whole notes'
    (perspective shapes neighbours alike), a square with none."""
    qs = [np.asarray(q, np.float64) for q in quads]
    inside = [not _past(q, w, h).any() for q in qs]
    lens = [np.linalg.norm(np.roll(q, -1, 0) - q, axis=1) for q in qs]
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
        out.append(_hidden_side(q, w, h, float(np.median(aspect[near])) if len(near) else 1.0))
    return out


def _past(q: np.ndarray, w: int, h: int) -> np.ndarray:
    """Which corners (image px) lie past a w x h image's frame."""
    return (q[:, 0] < -0.5) | (q[:, 1] < -0.5) | (q[:, 0] > w - 0.5) | (q[:, 1] > h - 0.5)


def _hidden_side(quad: np.ndarray, w: int, h: int, aspect: float = 1.0) -> np.ndarray:
    """A note's outline (TL TR BR BL, image px) whose one side lies past a w x h image's frame
    (two adjacent corners outside, the other two inside): that side is placed where the note
    has its shape (aspect: width over height as seen, its neighbours'), from the visible side
    across and its length, and never inside the frame (the paper runs on to it). The search's
    square is of the usual size where the note lies, and a near or far note is not: a note the
    frame cuts by a few mm kept a square reaching a fifth of a side past it. Other outlines as
    they are."""
    q = np.asarray(quad, np.float64)
    out = _past(q, w, h)
    if out.sum() != 2:
        return q
    k = next((i for i in range(4) if out[i] and out[(i + 1) % 4]), None)
    if k is None:
        return q  # two opposite corners outside: no one side hidden
    a, b = k, (k + 1) % 4  # the hidden side's corners
    pa, pb = (k + 3) % 4, (k + 2) % 4  # their neighbours on the visible side across
    # the hidden side is the right or left one (k 1, 3): the note's width is its height x aspect
    ratio = aspect if k % 2 == 1 else 1.0 / max(aspect, 1e-6)
    length = float(np.linalg.norm(q[pb] - q[pa])) * ratio
    res = q.copy()
    for c, p in ((a, pa), (b, pb)):
        d = q[c] - q[p]
        n = float(np.linalg.norm(d))
        if n < 1e-6:
            return q
        u = d / n
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
        frame.astype(np.float32), _order_corners(quad).astype(np.float32)
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
    inside = _poly_mask(part.shape[:2], quad - (x0, y0))
    if not inside.any():
        return 0.0
    d = np.linalg.norm((part[inside] - paper) * (0.5, 1.0, 1.0), axis=-1)
    return float((d < de).mean())


def _chromaticity(rgb8: np.ndarray) -> np.ndarray:
    """Linear RGB over its sum. Shade (a curled corner, the gap between two notes, a note's own
    shadow) darkens a surface by one factor in every channel: its chromaticity stays."""
    # (the 1e-3 added in the table; the sum of the three planes as numpy's sum over the last
    # axis adds them, in order: the same values, a pass fewer and no strided reduction)
    if rgb8.ndim != 3:  # (an image: H x W x 3; N x 3 pixels the plain way)
        lin = _linear8(rgb8) + np.float32(1e-3)
        return lin / lin.sum(-1, keepdims=True)
    lin = cv2.LUT(np.ascontiguousarray(rgb8, np.uint8), _LIN8_EPS)
    r, g, b = cv2.split(lin)
    total = r + g
    total += b
    return lin / total[..., None]


def _work_corners(n: WallNote, fw: float) -> np.ndarray:
    return (np.array(n.corners) + 0.5) * fw - 0.5


def sticker_evidence(
    img: WorkImages,
    notes: list[WallNote],
    probe: Probe,
    config: Config,
    order: list[int] | None = None,
) -> StickerEvidence:
    """What differs from its note's paper on a note, from the bare surfaces elsewhere. A pixel
    near a note is compared with the surfaces and with every note it may belong to (squares
    are a little off real outlines, notes overlap): a sticker differs from all of them.
    order: the notes from the lowest to the uppermost (stack_order): where two overlap, the
    pixels are the upper one's (its own order when None)."""
    m = config.markerless
    lab = img.lab
    dist = _least_distance(lab, probe.surfaces, m.fg_l_weight)
    chrom = _chromaticity(img.rgb)
    near_wall = dist < m.fg_delta_e / 2
    wall_c = np.median(chrom[near_wall], axis=0) if near_wall.sum() > 50 else chrom.mean((0, 1))
    cdist = np.linalg.norm(chrom - wall_c, axis=-1)
    owner = -np.ones(lab.shape[:2], np.int32)
    grow = 0.1 * m.note_mm * img.ppm
    dist_l = dist.copy()
    # deep inside a note the wall is not seen: what matches it only in hue (a dull green
    # sticker on a purple note, on a sage wall) is told from it with lightness counting
    hidden = _wall_hidden(lab.shape[:2], notes, img, grow)
    if hidden.any():
        dist_l[hidden] = _least_distance(lab[hidden], probe.surfaces, m.dot_l_weight)
    papers: list[np.ndarray | None] = [None] * len(notes)
    for i in order if order is not None else range(len(notes)):
        papers[i] = _lower_near_note(i, notes[i], img, chrom, grow, (dist, dist_l), cdist, owner, m)
    chroms = (chrom, wall_c, papers)
    return StickerEvidence(
        dist,
        cdist,
        owner,
        _sticker_mask(img, notes, dist, cdist, chroms, m),
        (lab[..., 0] > config.dots.glare_l_min)
        & (np.hypot(lab[..., 1], lab[..., 2]) < config.dots.chroma_min),
        dist_l,
        _sticker_mask(img, notes, dist_l, cdist, chroms, m),
        lab,
        np.array([n.lab for n in notes], np.float64).reshape(-1, 3),
        chrom,
    )


def _wall_hidden(
    shape: tuple[int, int], notes: list[WallNote], img: WorkImages, margin: float
) -> np.ndarray:
    """Work pixels deeper than `margin` px inside a note's outline (the outline's doubt,
    _lower_near_note's): the wall cannot be seen there, only paper and what is on it."""
    out = np.zeros(shape, np.uint8)
    for n in notes:
        cw = _work_corners(n, img.fw)
        c = cw.mean(0)
        small = c + (cw - c) * max(0.0, 1 - 2 * margin / max(n.side_px * img.fw, 1.0))
        cv2.fillConvexPoly(out, np.round(small).astype(np.int32), 1)
    return out.astype(bool)


def _lower_near_note(
    i: int,
    n: WallNote,
    img: WorkImages,
    chrom: np.ndarray,
    grow: float,
    dists: tuple[np.ndarray, np.ndarray],
    cdist: np.ndarray,
    owner: np.ndarray,
    m: MarkerlessConfig,
) -> np.ndarray | None:
    """In and around note i (grown by `grow` px): distances lowered to those from its paper
    (in place; dists: lightness counting fg_l_weight, and dot_l_weight), and its own pixels
    marked as its. Returns its paper's chromaticity."""
    dist, dist_l = dists
    cw = _work_corners(n, img.fw)
    c = cw.mean(0)
    big = c + (cw - c) * (1 + 2 * grow / max(n.side_px * img.fw, 1.0))
    x0, y0 = np.maximum(np.floor(big.min(0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(big.max(0)).astype(int) + 1, (dist.shape[1], dist.shape[0]))
    if x1 <= x0 or y1 <= y0:
        return None
    sub = _poly_mask((y1 - y0, x1 - x0), big - (x0, y0))
    d = foreground(img.lab[y0:y1, x0:x1], np.array(n.lab), m.fg_l_weight)
    box = dist[y0:y1, x0:x1]
    box[sub] = np.minimum(box[sub], d[sub])
    d_l = foreground(img.lab[y0:y1, x0:x1], np.array(n.lab), m.dot_l_weight)
    box_l = dist_l[y0:y1, x0:x1]
    box_l[sub] = np.minimum(box_l[sub], d_l[sub])
    own = _poly_mask((y1 - y0, x1 - x0), cw - (x0, y0))
    paper = own & (d < m.fg_delta_e / 2)
    owner[y0:y1, x0:x1][own] = i
    if paper.sum() <= 20:
        return None
    paper_c = np.median(chrom[y0:y1, x0:x1][paper], axis=0)
    cb = cdist[y0:y1, x0:x1]
    cb[sub] = np.minimum(cb[sub], np.linalg.norm(chrom[y0:y1, x0:x1] - paper_c, axis=-1)[sub])
    return paper_c


def _sticker_mask(
    img: WorkImages,
    notes: list[WallNote],
    dist: np.ndarray,
    cdist: np.ndarray,
    chroms: tuple[np.ndarray, np.ndarray, list[np.ndarray | None]],
    m: MarkerlessConfig,
) -> np.ndarray:
    """Pixels unlike their surroundings in colour and chromaticity, not the mix of a note and
    the wall along its outline, not ink, opened at a share of the sticker radius (pen strokes
    are far thinner). chroms: per-pixel chromaticity, the wall's, each note paper's."""
    lab = img.lab
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    cand = (dist > m.dot_delta_e) & (cdist > m.dot_chromaticity)
    # along a note's outline the photo mixes paper and wall (blur, a curled corner, the
    # note's shadow): such a mix, in linear light, has a chromaticity on the segment between
    # theirs; a sticker across the outline does not, and is kept
    chrom, wall_c, papers = chroms
    hh, ww = cand.shape
    for n, paper_c in zip(notes, papers, strict=True):
        width = max(1, round(2 * m.dot_edge_band * n.side_px * img.fw))
        corners = np.round(_work_corners(n, img.fw)).astype(np.int32)
        x0, y0 = np.maximum(corners.min(0) - width, 0)
        x1, y1 = np.minimum(corners.max(0) + width + 1, (ww, hh))
        if x1 <= x0 or y1 <= y0:
            continue
        band = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.polylines(band, [corners - (x0, y0)], True, 1, width)
        sel = band.astype(bool)
        if paper_c is not None:
            sel &= _segment_distance(chrom[y0:y1, x0:x1], wall_c, paper_c) < m.dot_chromaticity
        cand[y0:y1, x0:x1] &= ~sel
    # ink is dark and nearly neutral (black, grey pens): never a sticker
    cand &= ~((chroma < 12.0) & (lab[..., 0] < 60.0))
    # stickers far off in a tilted view are a good deal smaller than near ones: the opening
    # keeps anything over half the usual size
    k = max(3, round(m.dot_mm / 2 * img.ppm * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    return cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)


def _segment_distance(pts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (last axis) from the segment a-b."""
    ab = b - a
    t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    return np.linalg.norm(pts - (a + t[..., None] * ab), axis=-1)


def place_stickers(
    img: WorkImages,
    ev: StickerEvidence,
    probe: Probe,
    sticker_refs: dict[str, np.ndarray],
    config: Config,
    views: Views = (),
    size_views: Views | None = None,
) -> tuple[list[Disc], float]:
    """Discs over the sticker pixels, with the radius expected where they lie (stickers far off
    in a tilted photo are smaller, like the notes there). A blob is covered whole in the size
    band of its centre (cut at a band's edge, neither half would hold a disc), and a lone
    round blob of about a sticker's size is one sticker at its own size (no plane of the
    notes' sizes describes every tilt), round as it is or as the wall's perspective there
    shapes a disc (views). size_views: the views the usual size may look through (_dot_radius;
    None: views). Returns the discs and the usual radius (work px)."""
    m = config.markerless
    size_views = views if size_views is None else size_views
    rel_w: Callable[[int, int], float] | None = None
    _nc, comp, stats, cents = cv2.connectedComponentsWithStats(ev.cand.astype(np.uint8), 8)
    band = np.zeros(len(stats), int)
    if probe.scale is not None:
        coef = probe.scale

        def rel_at(x: int, y: int) -> float:
            # the local scale at a work pixel, on demand (read at a few blobs' centres only,
            # not mapped over the whole image): the same float64 operations as a map
            rel = coef[0] + (coef[1] * np.float32(x) + coef[2] * np.float32(y)) / img.fw
            return float(np.clip(rel, m.scale_rel_range[0], m.scale_rel_range[1]))

        rel_w = rel_at
        band = _scale_bands(coef, (cents + 0.5) / img.fw - 0.5, m)
    r_found = _dot_radius(ev.cand, img.ppm, m, rel_w, img.lab, size_views)
    r0 = r_found if r_found is not None else m.dot_mm / 2 * img.ppm
    note_area = (m.note_mm * img.ppm) ** 2
    discs: list[Disc] = []
    r_px = r0
    rest = np.zeros(len(stats), bool)
    for i in range(1, len(stats)):
        r_exp = r0 * (1 + m.scale_band_step) ** band[i]
        d = _lone_disc(comp, i, (stats[i], r_exp), img.lab, ev.glare, m, views)
        if d is not None:
            discs.append(d)
        else:
            rest[i] = True
    bands = sorted(set(band[1:][rest[1:]].tolist()))
    # the colour classes, once for every band and only where they are read: the sticker
    # pixels (place_discs reads none elsewhere)
    classes = np.zeros(ev.cand.shape, np.intp)
    if bands:
        classes[ev.cand] = classify_map(img.lab[ev.cand], sticker_refs)[0]
    for b in bands:
        k_b = (1 + m.scale_band_step) ** b
        sel = (rest & (band == b))[comp]
        # blobs the size of notes are notes the square finder left (not stickers): dropped
        got, r_b = place_discs(
            img.lab,
            sel,
            ev.glare,
            r0 * k_b,
            note_area * k_b**2,
            sticker_refs,
            config.dots,
            classes,
        )
        discs += [Disc(float(x), float(y), pix, bool(amb), float(r_b)) for x, y, pix, amb in got]
        if b == 0 or len(bands) == 1:
            r_px = r_b
    return _drop_strokes(discs, ev.cand, m), r_px


def faint_stickers(
    img: WorkImages,
    ev: StickerEvidence,
    probe: Probe,
    r_px: float,
    m: MarkerlessConfig,
    views: Views = (),
    placed: list[Disc] | None = None,
) -> list[Disc]:
    """Stickers on a note that differ from its paper mostly in lightness (a dark blue sticker
    on a purple note): blobs of cand_l holding no disc the usual evidence placed (`placed`),
    taken only when each is one whole sticker (_lone_disc). A red sticker on a pink or an
    orange note differs from the paper in chroma only where its glossy light does not reach:
    the usual evidence holds a part of it too small for a disc, lightness counting the whole
    of it. Handwriting also differs from the paper in lightness; its strokes and loops are
    no disc of a sticker's size."""
    _n, comp, stats, cents = cv2.connectedComponentsWithStats(ev.cand_l.astype(np.uint8), 8)
    hh, ww = comp.shape
    held = {int(comp[min(round(d.cy), hh - 1), min(round(d.cx), ww - 1)]) for d in placed or []}
    band = _scale_bands(probe.scale, (cents + 0.5) / img.fw - 0.5, m)
    out = []
    for i in range(1, len(stats)):
        if i in held or ev.owner[int(cents[i][1]), int(cents[i][0])] < 0:
            continue  # found by the usual evidence, or not on a note
        r_exp = r_px * (1 + m.scale_band_step) ** band[i]
        d = _lone_disc(comp, i, (stats[i], r_exp), img.lab, ev.glare, m, views)
        if d is not None:
            out.append(d)
    return out


def _local_wall(rgb: np.ndarray, r_px: float) -> np.ndarray:
    """Per work pixel, the colour (sRGB, uint8) of what surrounds it at a sticker's scale: the
    median over about 4.5 sticker radii either way, on a copy where a sticker is 2 px wide in
    radius (it covers a sixth of the window: the median is what it lies on). A flare or a
    lamp's hot spot makes a wall locally lighter and paler than its usual colour."""
    f = min(1.0, 2.0 / max(r_px, 1e-3))
    small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    med = cv2.medianBlur(small, 9)
    return cv2.resize(med, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)


def faint_free_stickers(
    img: WorkImages,
    ev: StickerEvidence,
    probe: Probe,
    r_px: float,
    m: MarkerlessConfig,
    views: Views = (),
) -> tuple[list[Disc], StickerEvidence]:
    """Stickers on the wall (on no note) of which the usual evidence keeps too little for a
    sticker's shape or size: a far small one whose blurred rim and glossy highlight (the
    sticker's colour and the lamp's white) lie under dot_delta_e from the wall, notching
    what is left. Hysteresis: a pixel is also compared with the wall around it (_local_wall:
    light falls off across a wall, a lamp's hot spot pales it) at the lower
    dot_wall_faint_de, its chromaticity differing as in the usual evidence (shade keeps a
    surface's), and what is around it a bare surface; a blob of that is looked at only when
    the usual evidence holds its core (dot_wall_seed_min of it), and taken when it is one
    whole sticker (_lone_disc). Returns them and the evidence to judge them by (the usual
    one, the wall around each pixel explaining it too)."""
    bg = _local_wall(img.rgb, r_px)
    lab_bg = _lab(bg)
    dist = foreground(img.lab, lab_bg, m.fg_l_weight)
    cdist = np.linalg.norm(ev.chrom - _chromaticity(bg), axis=-1)
    # what is around must be a bare surface as the usual evidence sees it (a hot spot pales
    # the wall less than dot_delta_e): a note the finders missed is no wall, and its stickers
    # are not free ones
    wall = _least_distance(lab_bg, probe.surfaces, m.fg_l_weight)
    cand = (dist > m.dot_wall_faint_de) & (cdist > m.dot_chromaticity) & (ev.owner < 0)
    cand &= wall <= m.dot_delta_e
    cand &= ~ev.glare
    k = max(3, round(m.dot_mm / 2 * img.ppm * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    _n, comp, stats, cents = cv2.connectedComponentsWithStats(cand.astype(np.uint8), 8)
    band = _scale_bands(probe.scale, (cents + 0.5) / img.fw - 0.5, m)
    out = []
    # hysteresis: a blob is looked at only when the usual evidence holds the core of it (a
    # sticker whose blurred rim or highlight it lost); marker strokes, thin, are opened
    # away there and hold none, but come through this evidence thickened by their blur
    seed = np.bincount(comp[ev.cand], minlength=len(stats))
    for i in range(1, len(stats)):
        if seed[i] < m.dot_wall_seed_min * stats[i][4]:
            continue
        r_exp = r_px * (1 + m.scale_band_step) ** band[i]
        d = _lone_disc(comp, i, (stats[i], r_exp), img.lab, ev.glare, m, views)
        if d is not None:
            out.append(d)
    # the wall around every pixel explains it: the usual evidence's wall, made local
    judge = replace(ev, dist=np.minimum(ev.dist, dist), cdist=np.minimum(ev.cdist, cdist))
    return out, replace(judge, cand=cand)


def _lone_disc(
    comp: np.ndarray,
    i: int,
    at: tuple[np.ndarray, float],
    lab: np.ndarray,
    glare: np.ndarray,
    m: MarkerlessConfig,
    views: Views = (),
) -> Disc | None:
    """Blob i (at: its stats row and the radius expected there) as one sticker at its own size
    when it has a sticker's shape (_sticker_shape), as it is or seen through the wall's
    perspective there (views), and its radius is within dot_own_range of the one expected;
    else None."""
    (x, y, bw, bh, area), r_exp = (int(v) for v in at[0]), at[1]
    lo, hi = m.dot_own_range
    part = comp[y : y + bh, x : x + bw] == i
    ys, xs = np.nonzero(part)
    cx, cy = float(xs.mean() + x), float(ys.mean() + y)
    near = _view_at(views, cx, cy, m)
    # near a note seen askew, a sticker is also expected at that note's relative size; where
    # the wall plane is known, as it shapes a disc there
    nears = [v for v in (near, _view_at(views, cx, cy, m, plane=True)) if v is not None]
    sizes = [r_exp] + [r_exp * v[1] for v in nears]
    if x == 0 or y == 0 or x + bw == comp.shape[1] or y + bh == comp.shape[0]:
        cut = _cut_disc(part, (x, y), comp.shape, sizes, m, None if near is None else near[0])
        if cut is not None:
            pixels = _inner_pixels(part, (x, y), cut, lab, glare)
            return Disc(cut[0], cut[1], pixels, False, cut[2], cut[3], shaped=True)
    if not any(lo * r <= np.sqrt(area / np.pi) <= hi * r for r in sizes):
        return None
    r_area, view = 0.0, None
    for v in nears or [None]:
        r_area, view = _shape_in_view(part, None if v is None else v[0], m)
        if r_area > 0.0:
            break
    if r_area == 0.0:
        return None
    pixels = _inner_pixels(part, (x, y), (cx, cy, r_area, view), lab, glare)
    return Disc(cx, cy, pixels, False, r_area, view, shaped=True)


def _inner_pixels(
    part: np.ndarray,
    at: tuple[int, int],
    disc: tuple[float, float, float, np.ndarray | None],
    lab: np.ndarray,
    glare: np.ndarray,
) -> np.ndarray:
    """CIELAB of a blob's pixels (box at `at`) within 0.8 of a disc's radius (seen through
    its view), glare left out when enough remain."""
    cx, cy, r, view = disc
    ys, xs = np.nonzero(part)
    q = np.array([xs + at[0] - cx, ys + at[1] - cy], np.float64)
    if view is not None:
        q = np.linalg.solve(view, q)
    inner = np.hypot(q[0], q[1]) < 0.8 * r
    good = inner & ~glare[ys + at[1], xs + at[0]]
    pick = good if good.sum() >= 5 else inner
    return lab[ys[pick] + at[1], xs[pick] + at[0]]


def _cut_disc(
    part: np.ndarray,
    at: tuple[int, int],
    shape: tuple[int, ...],
    sizes: list[float],
    m: MarkerlessConfig,
    view: np.ndarray | None = None,
) -> tuple[float, float, float, np.ndarray | None] | None:
    """A blob touching the photo's frame (box at `at`, image of `shape`) as a sticker the
    frame cuts: its outline off the frame is an arc of one circle (as it is, or through the
    view of a note seen askew there) of a sticker's radius (dot_own_range of one of `sizes`),
    centred inside the photo (half of it or more is seen), and the blob fills that circle's
    part inside the frame. Returns (cx, cy, radius, view) in image px, else None. A letter or
    a note's corner at the frame is no arc of a sticker's radius, or does not fill it."""
    hh, ww = shape[0], shape[1]
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not cs:
        return None
    pts = max(cs, key=len).reshape(-1, 2).astype(np.float64) + at
    arc = pts[(pts[:, 0] > 1) & (pts[:, 1] > 1) & (pts[:, 0] < ww - 2) & (pts[:, 1] < hh - 2)]
    lo, hi = m.dot_own_range
    for v in [None] if view is None else [None, view]:
        q = arc if v is None else np.linalg.solve(v, arc.T).T
        if len(q) < 12:
            return None
        # the least-squares circle through the arc (algebraic fit: x^2 + y^2 + a x + b y + c)
        a, b, c = np.linalg.lstsq(
            np.column_stack([q, np.ones(len(q))]), -(q**2).sum(1), rcond=None
        )[0]
        centre = np.array([-a / 2, -b / 2])
        r = float(np.sqrt(max(centre @ centre - c, 0.0)))
        if r == 0 or np.percentile(np.abs(np.hypot(*(q - centre).T) - r), 90) > m.dot_arc_fit * r:
            continue
        cx, cy = centre if v is None else v @ centre
        if not (0 <= cx < ww and 0 <= cy < hh) or not any(lo * s <= r <= hi * s for s in sizes):
            continue
        # the circle's part inside the frame, with the blob in it
        reach = 1.2 * r * (1.0 if v is None else float(np.linalg.norm(v, 2)))
        x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
        x1, y1 = min(ww, int(cx + reach) + 2), min(hh, int(cy + reach) + 2)
        win = np.zeros((y1 - y0, x1 - x0), bool)
        bx0, by0 = max(at[0], x0), max(at[1], y0)
        bx1, by1 = min(at[0] + part.shape[1], x1), min(at[1] + part.shape[0], y1)
        if bx1 <= bx0 or by1 <= by0:
            continue
        win[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] = part[
            by0 - at[1] : by1 - at[1], bx0 - at[0] : bx1 - at[0]
        ]
        rr = _view_radius(Disc(cx, cy, np.zeros((0, 3)), False, r, v), x0, y0, win.shape)
        disc = rr < r
        outside = part.sum() - (win & (rr <= 1.15 * r)).sum()
        if (
            disc.any()
            and (win & disc).sum() >= m.dot_fill_min * disc.sum()
            and (outside <= 0.1 * part.sum())
        ):
            return float(cx), float(cy), r, v
    return None


# per note seen askew (work px): its centre, how the wall's perspective shapes a square there
# (2x2, determinant 1), its side (square root of its area), that over the side expected there,
# and whether it is no note but a point of the wall plane (plane_views)
Views = tuple[tuple[np.ndarray, np.ndarray, float, float, bool], ...]


def note_views(
    quads: list[np.ndarray], img: WorkImages, probe: Probe, m: MarkerlessConfig
) -> Views:
    """Per note outline (photo px, TL TR BR BL; a fitted square's shows no view): its centre,
    the affine map its square makes of a unit square scaled to determinant 1, its side, and
    its size relative to the one expected there. A sticker is a disc on the same wall: near
    that note, perspective makes it the ellipse that map makes of a circle, as much smaller
    than the usual sticker as the note is than the usual note. Notes seen nearly square
    (under dot_view_min: a disc passes as it is) or longer than dot_view_max (a 3x5" card,
    not a square seen askew) say nothing of it and are left out."""
    out = []
    usual = probe.side_px * img.fw
    for q in quads:
        w = (np.asarray(q, np.float64) + 0.5) * img.fw - 0.5
        jac = np.column_stack(((w[1] + w[2] - w[0] - w[3]) / 2, (w[3] + w[2] - w[0] - w[1]) / 2))
        det = abs(float(np.linalg.det(jac)))
        if det <= 0:
            continue
        sv = np.linalg.svd(jac, compute_uv=False)
        if not m.dot_view_min <= sv[0] / sv[1] <= m.dot_view_max:
            continue
        c = w.mean(0)
        expected = usual * _expected_rel(probe, c, img.fw, m)
        side = float(np.sqrt(det))
        out.append((c, jac / side, side, side / max(expected, 1e-6), False))
    return tuple(out)


def _expected_rel(probe: Probe, c: np.ndarray, fw: float, m: MarkerlessConfig) -> float:
    """The note size expected at a work point, over the usual one (the probe's scale field)."""
    if probe.scale is None:
        return 1.0
    coef = probe.scale
    return float(np.clip(coef[0] + (coef[1] * c[0] + coef[2] * c[1]) / fw, *m.scale_rel_range))


def plane_views(
    hw: np.ndarray | None, notes: list[WallNote], img: WorkImages, probe: Probe, m: MarkerlessConfig
) -> Views:
    """How the wall plane (hw: photo px to wall mm, wall_plane) shapes a disc, on a grid over
    the photo one usual note side apart: at each point the inverse of its local linear map
    (work px per wall mm) scaled to determinant 1, and its scale there over the median at the
    notes' centres, over the size the probe expects there. A note's own view holds near it
    only; a sticker on the wall far from any note seen askew (near the camera at the bottom of
    a tilted photo, or far off) is the ellipse the plane makes of a circle there. Points seen
    within dot_view_min:1 (a disc passes as it is) or longer than dot_view_max:1 (the longest
    ellipse the sticker check takes) are left out, as for the notes' views. Empty with no
    plane."""
    if hw is None or not notes:
        return ()

    def local(p: np.ndarray) -> np.ndarray:
        h = hw @ np.array([p[0], p[1], 1.0])
        u, v = h[0] / h[2], h[1] / h[2]
        jac = (
            np.array(
                [
                    [hw[0, 0] - u * hw[2, 0], hw[0, 1] - u * hw[2, 1]],
                    [hw[1, 0] - v * hw[2, 0], hw[1, 1] - v * hw[2, 1]],
                ]
            )
            / h[2]
        )
        return np.linalg.inv(jac)  # photo px per wall mm

    at_notes = [abs(np.linalg.det(local(np.array(n.center)))) for n in notes]
    usual = float(np.sqrt(np.median(at_notes)))
    step = probe.side_px * img.fw
    hh, ww = img.lab.shape[:2]
    out = []
    for gy in np.arange(step / 2, hh, step):
        for gx in np.arange(step / 2, ww, step):
            c = np.array([gx, gy])
            inv = local((c + 0.5) / img.fw - 0.5)
            det = float(np.linalg.det(inv))
            if det <= 0 or usual <= 0:
                continue  # beyond the plane's horizon
            sv = np.linalg.svd(inv, compute_uv=False)
            if not m.dot_view_min <= sv[0] / sv[1] <= m.dot_view_max:
                continue  # a disc passes as it is; or longer than the finders take (dot_check)
            size = np.sqrt(det)
            rel = size / usual / _expected_rel(probe, c, img.fw, m)
            out.append((c, inv / size, step / 2, float(rel), True))
    return tuple(out)


def _view_at(
    views: Views, x: float, y: float, m: MarkerlessConfig, plane: bool = False
) -> tuple[np.ndarray, float] | None:
    """The view and relative size of the nearest note seen askew within dot_view_reach of its
    sides (plane: of the wall plane's nearest point instead), else None."""
    best, best_d = None, np.inf
    for c, view, side, rel, of_plane in views:
        d = float(np.hypot(x - c[0], y - c[1]))
        if of_plane == plane and d <= m.dot_view_reach * side and d < best_d:
            best, best_d = (view, rel), d
    return best


def _unview(part: np.ndarray, view: np.ndarray) -> np.ndarray:
    """A blob mask seen through a view's inverse: what a disc the view shaped looks like on
    the wall (an ellipse made round again), about the blob's centre."""
    ys, xs = np.nonzero(part)
    c = np.array([xs.mean(), ys.mean()])
    inv = np.linalg.inv(view)
    size = int(np.ceil(2 * np.hypot(*part.shape) + 4))
    shift = size / 2 - inv @ c
    mat = np.hstack([inv, shift[:, None]]).astype(np.float64)
    out = cv2.warpAffine(part.astype(np.uint8) * 255, mat, (size, size), flags=cv2.INTER_LINEAR)
    return out > 127


def _shape_in_view(
    part: np.ndarray, view: np.ndarray | None, m: MarkerlessConfig
) -> tuple[float, np.ndarray | None]:
    """_sticker_shape of a blob as it is, else seen through the wall's perspective there (a
    far sticker in a tilted photo is an ellipse as long as a note there): its radius and the
    view it was round in (None: as it is); (0, None) when neither."""
    r = _sticker_shape(part, m)
    if r > 0 or view is None:
        return r, None
    r = _sticker_shape(_unview(part, view), m)
    return (r, view) if r > 0 else (0.0, None)


def _drop_strokes(discs: list[Disc], cand: np.ndarray, m: MarkerlessConfig) -> list[Disc]:
    """A pen line (an arrow drawn on the wall, a thick marker stroke) is laid with a chain of
    discs: stroke_min_discs or more in one blob, all on one straight line, are ink."""
    _nc, comp = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    by_comp: dict[int, list[int]] = {}
    for k, d in enumerate(discs):
        at = int(comp[min(round(d.cy), comp.shape[0] - 1), min(round(d.cx), comp.shape[1] - 1)])
        by_comp.setdefault(at, []).append(k)
    stroke: set[int] = set()
    for at, ks in by_comp.items():
        if at == 0 or len(ks) < m.stroke_min_discs:
            continue
        pts = np.array([(discs[k].cx, discs[k].cy) for k in ks], np.float64)
        ev = np.linalg.eigvalsh(np.cov((pts - pts.mean(0)).T))
        if np.sqrt(max(ev[0], 0.0)) < m.stroke_width_frac * discs[ks[0]].radius:
            stroke.update(ks)
    return [d for k, d in enumerate(discs) if k not in stroke]


def _own_radius(d: Disc, cand: np.ndarray, m: MarkerlessConfig) -> float:
    """The radius of the round blob a disc lies on, when it is one sticker alone: a near
    sticker in a tilted photo is larger than the usual one, and its rim then looks like a
    strip running on. 0 when the blob is not round (touching stickers, a stroke)."""
    r = 2.5 * d.radius
    x0, y0 = max(0, int(d.cx - r)), max(0, int(d.cy - r))
    sub = cand[y0 : int(d.cy + r) + 1, x0 : int(d.cx + r) + 1].astype(np.uint8)
    _n, labels = cv2.connectedComponents(sub, connectivity=8)
    at = labels[min(round(d.cy) - y0, sub.shape[0] - 1), min(round(d.cx) - x0, sub.shape[1] - 1)]
    if at == 0:
        return 0.0
    blob = labels == at
    ys, xs = np.nonzero(blob)
    if (
        xs.min() == 0
        or ys.min() == 0
        or xs.max() == sub.shape[1] - 1
        or ys.max() == sub.shape[0] - 1
    ):
        return 0.0  # runs past the window: not one sticker
    return _sticker_shape(blob if d.view is None else _unview(blob, d.view), m)


def _sticker_shape(part: np.ndarray, m: MarkerlessConfig) -> float:
    """A blob's radius (of its area) when it is one sticker alone: round (area over its
    enclosing circle at least dot_own_round_min) and filled (its inscribed circle at least
    dot_inscribed_min of its radius); 0 otherwise. Touching stickers and strokes are not
    round; a marker dash is longer, a letter's bend thinner. Holes are filled first (a
    sticker's glossy highlight); a ring (a letter O) is then a disc, and is left by
    _reject_disc (not full). Any ellipse is not taken (as long as a note seen askew, ink
    loops on real notes came in with it): a far sticker's is made round again first through
    the view of the notes near it (_shape_in_view)."""
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    part = cv2.drawContours(np.zeros(part.shape, np.uint8), cs, -1, 1, -1).astype(bool)
    area = float(part.sum())
    if area < 5 or _roundness(part) < m.dot_own_round_min:
        return 0.0
    r_area = float(np.sqrt(area / np.pi))
    return r_area if _inscribed(part) >= m.dot_inscribed_min * r_area else 0.0


def _inscribed(part: np.ndarray) -> float:
    """A blob's inscribed radius (px: the distance transform's largest value)."""
    return float(cv2.distanceTransform(np.pad(part, 1).astype(np.uint8), cv2.DIST_L2, 5).max())


def _view_radius(d: Disc, x0: int, y0: int, shape: tuple[int, int]) -> np.ndarray:
    """Per pixel of a window (origin x0, y0): its distance from the disc's centre on the wall,
    through the disc's view (a circle around a sticker seen askew is an ellipse)."""
    gy, gx = np.mgrid[y0 : y0 + shape[0], x0 : x0 + shape[1]].astype(np.float64)
    dx, dy = gx - d.cx, gy - d.cy
    if d.view is None:
        return np.hypot(dx, dy)
    inv = np.linalg.inv(d.view)
    return np.hypot(inv[0, 0] * dx + inv[0, 1] * dy, inv[1, 0] * dx + inv[1, 1] * dy)


def _reject_disc(
    d: Disc,
    discs: list[Disc],
    ev: StickerEvidence,
    m: MarkerlessConfig,
    views: Views = (),
    touching: list[Disc] | None = None,
) -> str:
    """Why a disc is not a sticker ("" when it is one). A sticker stands on the wall or a
    note: round, mostly surrounded by what they explain (or other stickers), a full disc of
    its colour, ending at its rim. views: see note_views."""
    hh, ww = ev.dist.shape
    cx, cy = d.cx, d.cy
    if len(d.pixels) == 0:
        return "empty"
    med = np.median(d.pixels, axis=0)
    if np.hypot(med[1], med[2]) < m.dot_colourless_chroma:
        return "colourless"  # a highlight, a white surface: every sticker is a colour
    r_d = max(d.radius, _own_radius(d, ev.cand, m))
    # a sticker seen through the wall's perspective (d.view) reaches out to its longer axis
    reach = r_d * (1.0 if d.view is None else float(np.linalg.norm(d.view, 2)))
    x0, x1 = max(0, int(cx - 2 * reach)), min(ww, int(cx + 2 * reach) + 1)
    y0, y1 = max(0, int(cy - 2 * reach)), min(hh, int(cy + 2 * reach) + 1)
    gy, gx = np.mgrid[y0:y1, x0:x1]
    rr = _view_radius(d, x0, y0, (y1 - y0, x1 - x0))
    ring = (rr > 1.3 * r_d) & (rr < 1.8 * r_d)
    # near the frame only the ring's part inside the photo is seen: too little of it says
    # nothing of the sticker's surroundings; a disc laid over a larger blob there (not tested
    # as one sticker) may be any coloured thing the frame cuts
    if min(cx, cy, ww - 1 - cx, hh - 1 - cy) < 1.8 * reach:
        xu, yu = int(cx - 2 * reach), int(cy - 2 * reach)
        ru = _view_radius(d, xu, yu, (int(cy + 2 * reach) + 1 - yu, int(cx + 2 * reach) + 1 - xu))
        whole = ((ru > 1.3 * r_d) & (ru < 1.8 * r_d)).sum()
        if not d.shaped or ring.sum() < m.dot_frame_ring_min * whole:
            return "frame"
    rim = (rr > 1.15 * r_d) & (rr < 1.5 * r_d)
    n_ring = ring.sum()
    for o in discs:  # touching stickers: their discs say nothing either way
        if o is not d and np.hypot(o.cx - cx, o.cy - cy) < 3 * r_d:
            ring &= np.hypot(gx - o.cx, gy - o.cy) > 1.1 * r_d
            rim &= np.hypot(gx - o.cx, gy - o.cy) > 1.15 * r_d
    explained = (ev.dist[y0:y1, x0:x1] <= m.dot_delta_e) | (
        ev.cdist[y0:y1, x0:x1] <= m.dot_chromaticity
    )
    if ring.sum() < 0.3 * max(n_ring, 1) or explained[ring].mean() < m.dot_ring_min:
        return "surroundings"  # a strip of another wall along the frame, a magnet's rim
    cand = ev.cand[y0:y1, x0:x1]
    disc = rr < 0.8 * r_d
    if disc.sum() and cand[disc].mean() < m.dot_fill_min:
        return "not_full"  # a disc laid along a pen stroke
    if (
        rim.sum()
        and cand[rim].mean() > m.dot_rim_max
        and not _whole_in_own_colour(d, med, ev, m, views, touching)
    ):
        return "runs_on"  # a strip (a curled corner's shade, a gap between two notes)
    return ""


def _paper_near(
    d: Disc, lab: np.ndarray, ev: StickerEvidence, reach: float, m: MarkerlessConfig
) -> tuple[int, np.ndarray, tuple[int, int]] | None:
    """The note whose paper's colour a CIELAB colour is (within dot_delta_e / 2, the wall's
    lightness weight: shade on a curled corner), among the notes within `reach` of a disc's
    centre; with the window (x0, y0 at the end) and its pixels of that paper's colour. None
    when no note near has a paper of that colour."""
    hh, ww = ev.owner.shape
    x0, y0 = max(0, int(d.cx - reach)), max(0, int(d.cy - reach))
    x1, y1 = min(ww, int(d.cx + reach) + 1), min(hh, int(d.cy + reach) + 1)
    near = np.unique(ev.owner[y0:y1, x0:x1])
    best = None
    for i in near[near >= 0]:
        de = float(foreground(lab[None], ev.papers[i], m.fg_l_weight)[0])
        if de < m.dot_delta_e / 2 and (best is None or de < best[0]):
            best = (de, int(i))
    if best is None:
        return None
    same = foreground(ev.lab[y0:y1, x0:x1], ev.papers[best[1]], m.fg_l_weight) < m.dot_delta_e / 2
    return best[1], same, (x0, y0)


def _note_around(d: Disc, ev: StickerEvidence, m: MarkerlessConfig) -> int:
    """The note a sticker outside every outline as found is on, when its surroundings (the
    ring 1.3-1.8 radii) are mostly one near note's paper: an outline found short leaves
    stickers near its edge outside it. -1 when none."""
    hh, ww = ev.owner.shape
    r = 1.8 * d.radius
    x0, y0 = max(0, int(d.cx - r)), max(0, int(d.cy - r))
    x1, y1 = min(ww, int(d.cx + r) + 1), min(hh, int(d.cy + r) + 1)
    rr = _view_radius(d, x0, y0, (y1 - y0, x1 - x0))
    ring = (rr > 1.3 * d.radius) & (rr < 1.8 * d.radius)
    if not ring.any():
        return -1
    med = np.median(ev.lab[y0:y1, x0:x1][ring], axis=0)
    found = _paper_near(d, med, ev, m.dot_paper_reach * d.radius, m)
    if found is None:
        return -1
    i, same, (sx, sy) = found
    part = same[y0 - sy : y1 - sy, x0 - sx : x1 - sx]
    return i if part[ring].mean() >= 0.5 else -1


def _stickers(
    discs: list[Disc],
    faint: list[Disc],
    evs: tuple[StickerEvidence, StickerEvidence],
    m: MarkerlessConfig,
    views: Views = (),
) -> list[Disc]:
    """The discs that pass _reject_disc. evs: the usual evidence and the one counting
    lightness (a faint sticker is told from its surroundings as it was found). A sticker
    that differs from its note's paper partly in lightness (a blue one on a purple note, its
    rim softened by blur) fills only part of its disc in the usual evidence: a disc not full
    there is judged again with lightness counting, unless it lies over a sticker kept (closer
    than dot_overlap_max radii: two stickers side by side are about two radii apart; such a
    disc covers the rest of that sticker's blob, a pen stroke beside it), and kept only when
    it is one whole sticker in its own colour there: a thick coloured marker's letters also
    differ from the paper in lightness and fill a disc laid on them, but run on in their
    colour."""
    ev, ev_l = evs
    every = discs + faint
    kept = [d for d in faint if not _reject_disc(d, every, ev_l, m, views)]
    retry, runs_on = [], []
    for d in discs:
        why = _reject_disc(d, every, ev, m, views)
        if not why:
            kept.append(d)
        elif why == "not_full":
            retry.append(d)
        elif why == "runs_on":
            runs_on.append(d)
    # a sticker over writing touched by a sticker of its colour kept (not by any disc: a pen
    # stroke is laid with a chain of discs of one colour, each of them cut off by the next)
    touching = list(kept)
    kept += [d for d in runs_on if not _reject_disc(d, every, ev, m, views, touching)]
    for d in retry:
        apart = all(
            np.hypot(o.cx - d.cx, o.cy - d.cy) >= m.dot_overlap_max * max(o.radius, d.radius)
            for o in kept
        )
        if (
            apart
            and not _reject_disc(d, every, ev_l, m, views)
            and _whole_in_own_colour(d, np.median(d.pixels, axis=0), ev_l, m, views)
        ):
            kept.append(d)
    return kept


def _faint_free(
    img: WorkImages,
    ev: StickerEvidence,
    probe: Probe,
    r_px: float,
    m: MarkerlessConfig,
    views: Views,
    kept: list[Disc],
) -> list[Disc]:
    """faint_free_stickers not over a sticker kept (closer than dot_overlap_max radii), that
    pass _reject_disc against the wall around them."""
    found, ev_w = faint_free_stickers(img, ev, probe, r_px, m, views)
    new = [
        d
        for d in found
        if all(
            np.hypot(o.cx - d.cx, o.cy - d.cy) >= m.dot_overlap_max * max(o.radius, d.radius)
            for o in kept
        )
    ]
    return [d for d in new if not _reject_disc(d, kept + new, ev_w, m, views)]


def _whole_in_own_colour(
    d: Disc,
    med: np.ndarray,
    ev: StickerEvidence,
    m: MarkerlessConfig,
    views: Views = (),
    others: list[Disc] | None = None,
) -> bool:
    """Whether the sticker pixels of the disc's own colour around it (within
    dot_same_colour_de of its median) make one whole sticker of about its size: round,
    filled, ending before 2.5 radii. A sticker stuck over or beside writing runs on into the
    letters, but the ink is another colour; a strip or a stroke a disc was laid on runs on
    in the disc's own colour. Round as it is or seen through the wall's perspective there
    (views: a far sticker in a tilted photo is an ellipse). A sticker of the same colour
    touching it (one of `others`, stickers kept) is not its running on: its disc is left
    out, as the rim test leaves it."""
    hh, ww = ev.cand.shape
    r = 2.5 * d.radius
    x0, y0 = max(0, int(d.cx - r)), max(0, int(d.cy - r))
    x1, y1 = min(ww, int(d.cx + r) + 1), min(hh, int(d.cy + r) + 1)
    same = (foreground(ev.lab[y0:y1, x0:x1], med, 0.5) < m.dot_same_colour_de) & ev.cand[
        y0:y1, x0:x1
    ]
    gy, gx = np.mgrid[y0:y1, x0:x1]
    for o in others or []:
        # (nearer than dot_overlap_max radii, two discs lie on one sticker; a disc of another
        # colour laid on the writing beside it takes nothing of its own colour)
        if (
            o is not d
            and len(o.pixels)
            and m.dot_overlap_max * d.radius <= np.hypot(o.cx - d.cx, o.cy - d.cy) < 3 * d.radius
            and foreground(np.median(o.pixels, axis=0)[None], med, 0.5)[0] < m.dot_same_colour_de
        ):
            same &= np.hypot(gx - o.cx, gy - o.cy) > 1.1 * max(o.radius, d.radius)
    # the blur where sticker and ink meet mixes their colours: a thin seam, opened away; a
    # glossy highlight is off the median colour: the notch it leaves at the rim, closed
    k = max(3, round(d.radius * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    same = cv2.morphologyEx(same.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    same = cv2.morphologyEx(same, cv2.MORPH_CLOSE, kernel)
    _n, labels = cv2.connectedComponents(same, connectivity=8)
    core = labels[_view_radius(d, x0, y0, labels.shape) < 0.8 * d.radius]
    core = core[core > 0]
    if len(core) == 0:
        return False
    at = np.bincount(core).argmax()  # the centre may fall in a glossy highlight's hole
    blob = labels == at
    ys, xs = np.nonzero(blob)
    if xs.min() == 0 or ys.min() == 0 or xs.max() == x1 - x0 - 1 or ys.max() == y1 - y0 - 1:
        return False  # runs past the window in its own colour
    lo, hi = m.dot_own_range
    if d.view is not None:
        shape = _sticker_shape(_unview(blob, d.view), m)
    else:
        near = _view_at(views, d.cx, d.cy, m)
        shape = _shape_in_view(blob, None if near is None else near[0], m)[0]
    return lo * d.radius <= shape <= hi * d.radius


def _wall_dot(
    d: Disc,
    ev: StickerEvidence,
    img: WorkImages,
    rgb: np.ndarray,
    config: Config,
) -> WallDot:
    """A sticker as found (work px) in photo px, with the note it lies on and the channels
    the photo saturates over most of it (rgb: the photo as taken, before any balance)."""
    hh, ww = ev.owner.shape
    on = int(ev.owner[min(round(d.cy), hh - 1), min(round(d.cx), ww - 1)])
    if on < 0:
        on = _note_around(d, ev, config.markerless)
    fw = img.fw
    cx, cy, r = (d.cx + 0.5) / fw - 0.5, (d.cy + 0.5) / fw - 0.5, d.radius / fw
    x0, y0 = max(0, int(cx - r)), max(0, int(cy - r))
    x1, y1 = min(rgb.shape[1], int(cx + r) + 2), min(rgb.shape[0], int(cy + r) + 2)
    gy, gx = np.mgrid[y0:y1, x0:x1]
    px = rgb[y0:y1, x0:x1][np.hypot(gx - cx, gy - cy) < 0.8 * r]
    share = (px >= config.dots.clip_level).mean(0) if len(px) else np.zeros(3)
    clipped = tuple(bool(v >= config.markerless.dot_clip_share) for v in share)
    return WallDot(
        (float(cx), float(cy)),
        float(r),
        tuple(float(v) for v in np.median(d.pixels, axis=0)),
        on if on >= 0 else None,
        d.ambiguous,
        clipped,  # type: ignore[arg-type]
    )


def find_stickers(
    rgb: np.ndarray,
    img: WorkImages,
    probe: Probe,
    notes: list[WallNote],
    sticker_refs: dict[str, np.ndarray],
    config: Config = CONFIG,
    order: list[int] | None = None,
    plane: np.ndarray | None = None,
) -> tuple[list[WallDot], float]:
    """The dot stickers of a photo (rgb as taken, img its work images) given its notes as
    found (order: from the lowest to the uppermost, see sticker_evidence; plane: the wall
    plane they make, wall_plane, or None): each with the note it lies on. Returns them and
    the usual sticker radius (work px)."""
    m = config.markerless
    ev = sticker_evidence(img, notes, probe, config, order)
    views = note_views([np.array(n.corners) for n in notes], img, probe, m)
    views += plane_views(plane, notes, img, probe, m)
    # the usual size looks through the views of notes the frame does not cut only (not
    # flagged note_cut): the hidden side of a cut one is placed by a guess (_hidden_sides)
    uncut = [np.array(n.corners) for n in notes if n.seen >= m.note_cut_flag]
    whole = note_views(uncut, img, probe, m)
    discs, r_px = place_stickers(img, ev, probe, sticker_refs, config, views, whole)
    faint = faint_stickers(img, ev, probe, r_px, m, views, discs)
    # a faint sticker is told from its surroundings as it was found: lightness counting
    ev_l = replace(ev, dist=ev.dist_l, cand=ev.cand | ev.cand_l)
    kept = _stickers(discs, faint, (ev, ev_l), m, views)
    kept += _faint_free(img, ev, probe, r_px, m, views, kept)
    # a sticker's colour ends at its rim, marker ink runs on along its strokes, and filled
    # dark it sends back far less of its own band's light than a sticker of its hue (dot_check)
    refs = _sticker_palette(sticker_refs)
    checks = check_discs(img.lab, [(d.cx, d.cy, d.radius, d.view) for d in kept], m, refs)
    dots = [
        _wall_dot(d, ev, img, rgb, config)
        for d, c in zip(kept, checks, strict=True)
        if not c.reason
    ]
    return dots, r_px


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
    f0 = min(1.0, m.probe_max_side_px / max(h, w))  # the veil, measured at the probe's size
    small = cv2.resize(
        rgb, (max(1, round(w * f0)), max(1, round(h * f0))), interpolation=cv2.INTER_AREA
    )
    rgb = without_veil(rgb, veil_level(small, m))
    probe = probe_photo(rgb, config)
    if probe is None:
        lab0 = _lab(cv2.resize(rgb, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA))
        wall = tuple(float(v) for v in wall_colour(lab0, m))
        return WallScene((w, h), wall, False, 0.0, 0.0, (), (), (), None)
    img = work_images(rgb, probe, m)
    wall = None if probe.balanced else np.array(probe.surfaces[0])
    outlines = cover_notes(img, probe, note_refs, config)
    notes, quads = notes_from_outlines(outlines, img, m, wall, probe.surfaces)
    stacked = on_top(
        img.lab, [_work_corners(n, img.fw) for n in notes], [np.array(n.lab) for n in notes], m
    )
    order = stack_order(len(notes), stacked)
    hw = wall_plane(quads, m.note_mm, m)
    dots, r_px = find_stickers(rgb, img, probe, notes, sticker_refs, config, order, hw)
    centres = np.array([n.center for n in notes], np.float64).reshape(-1, 2)
    return WallScene(
        (w, h),
        probe.surfaces[0],
        probe.balanced,
        float(probe.side_px),
        float(r_px / img.fw),
        tuple(notes),
        tuple(dots),
        tuple(_places(centres, probe.side_px, m)),
        None if hw is None else tuple(tuple(float(v) for v in row) for row in hw),
        tuple(tuple(u for u, low in stacked if low == k) for k in range(len(notes))),
        probe.surfaces,
        None if probe.balance is None else tuple(float(v) for v in probe.balance),
        _exposure_of(probe),
    )


def _exposure_of(probe: Probe) -> float:
    """The exposure gain in a probe's gains (the balance on the wall left out)."""
    if probe.gains is None:
        return 1.0
    balance = np.ones(3) if probe.balance is None else np.asarray(probe.balance, np.float64)
    return float(np.mean(np.asarray(probe.gains, np.float64) / balance))


def colour_packs(labs: np.ndarray, cluster_de: float) -> np.ndarray:
    """Pack label (0..) of each colour (N x 3 CIELAB): colours within cluster_de of each other
    on average (average linkage, lightness at half weight) are one pack (see name_colours)."""
    a = np.asarray(labs, np.float64).reshape(-1, 3)
    if len(a) < 2:
        return np.zeros(len(a), int)
    return fcluster(linkage(a * (0.5, 1.0, 1.0), "average"), cluster_de, "distance") - 1


def _exposed_distances(
    lab: np.ndarray, refs: dict[str, np.ndarray], exposures: np.ndarray
) -> np.ndarray:
    """Distance (colour_distance) from a colour to each reference as a photo exposed at each
    exposure holds it (len(exposures) x len(refs)): the reference's linear light times the
    exposure (white paper at 1; CIELAB unbounded, no gamut clip). A chroma under the
    reference's weighs C_WEIGHT_WASHED only when the colour is at least as light as the
    reference so seen: a veil of glare adds light as it takes chroma, and a paper both darker
    and paler than the reference at the photo's exposure is another paper (a pastel green is
    no lime in shade), its chroma counting at full weight."""
    seen = np.asarray(lab, np.float64)
    e = np.asarray(exposures, np.float64)[:, None]
    out = np.empty((len(e), len(refs)))
    for j, ref in enumerate(refs.values()):
        at = xyz_to_lab(lab_to_xyz(ref)[None] * e)
        out[:, j] = [
            float(
                colour_distance(
                    seen, v, c_weight_washed=C_WEIGHT_WASHED if seen[0] >= v[0] else None
                )
            )
            for v in at
        ]
    return out


def _pack_distances(
    labs: np.ndarray,
    sat: np.ndarray,
    median: np.ndarray,
    low: np.ndarray,
    names: dict[str, np.ndarray],
    gain_max: float,
    exps: np.ndarray,
) -> np.ndarray:
    """A pack's distance to each name at each exposure (len(exps) x len(names)), its channels
    clipped on most of its notes (low) taken as lower bounds. Such a pack is read note by note,
    each note with the channels the photo saturates on it, and the distances averaged: the
    notes of one pack are one paper, and a note a little less exposed than the rest keeps the
    channel the others lose (a lime note whose red stays at 233 while its pack's clips: no
    yellow paper gives that). A pack whose notes all clip the same channels (or none on most
    of it) is read from its median as they stand."""
    own = np.array([lo if not lo.all() else np.zeros(3, bool) for lo in sat]).reshape(-1, 3)
    if not (own[:, low] == 0).any():
        return clipped_distances(median, low, names, gain_max, exps)
    return np.mean(
        [clipped_distances(v, lo, names, gain_max, exps) for v, lo in zip(labs, own, strict=True)],
        axis=0,
    )


def name_colours(
    labs: list[tuple[float, float, float]],
    names: dict[str, np.ndarray],
    cluster_de: float,
    unknown_de: float,
    clipped: np.ndarray | None = None,
    gain_max: float = 8.0,
    exposure_tau: float = 0.0,
    exposure_min: float = 1.0,
    exposure_spread: float = 2.0,
    tie_de: float = 0.0,
) -> list[tuple[str, float]]:
    """Colours as they come: items whose colours lie within cluster_de of each other on
    average (lightness at half weight) are one colour, named by the nearest common name of their
    median, or "unknown" when none lies within unknown_de. Returns (name, distance) per item.

    Average linkage, not chaining: a pack's shades spread a few units, and a chain of them
    bridged the gap between two packs of neighbouring colours (a lime note named green with
    the green ones, light orange notes named yellow with the yellow ones on a real wall).

    clipped: N x 3 booleans, the channels the photo saturates on each item. On an overexposed
    photo (a cluster saturated in two channels on most of its items) an overexposed pink note
    measures purple, a pale orange one yellow: a channel saturated on most of a cluster's
    items is then a lower bound (up to gain_max x, colour.clipped_distances) and the cluster
    is compared at the photo's exposure, the one (1 to gain_max x) whose sum over the clusters
    of each one's least distance is least: a cluster alone fits any exposure, the others
    (whose lightness counts) hold it. Clusters with nothing saturated are named as measured.
    exposure_tau > 0: that exposure is a fit, often near a tie, and a clipped cluster is named
    by its distances averaged over the exposures, each weighted exp(-(its sum - the least sum)
    / exposure_tau): the exposures that explain the photo almost as well count almost as much
    (a yellow pack clipped in red and green read lime at the best exposure and yellow at the
    next ones, 0.5 units apart). 0: the best exposure alone.

    exposure_min < 1: on a photo with nothing clipped and two packs or more, the exposure is
    fitted too (exposure_min to 1 x white paper, averaged as above) and every pack compared
    with the references as seen at it (_exposed_distances): a paper's lightness is its
    reflectance times the exposure, and compared as measured a note darker than its
    reference leaned to the darker of two neighbouring papers (a neon yellow read lime on a
    photo exposed low). Only when the packs' own best exposures lie within exposure_spread x
    of each other (the light even); else, and with exposure_min 1, as measured.

    tie_de > 0, the light uneven (the packs' own exposures more than exposure_spread x apart):
    a pack whose two nearest common names lie within tie_de of each other takes the one a
    pack lit exposure_spread x more (or brighter) is named, if any: as measured, the
    lightness of a dim pack (far under every reference's) outweighs its hue, and two
    neighbouring names (lime and green, red and orange) are then as near within the noise of
    the photo's pixels; a paper the photo shows lit is likelier than one it shows nowhere.

    names: the references, keyed by name or "<name>/<shade>" (several shades sold under one
    name, colour.load_note_shades); an item is named by the common name of the nearest."""
    n = len(labs)
    if n == 0:
        return []
    a = np.array(labs, np.float64)
    cl = colour_packs(a, cluster_de)
    sat = np.zeros((n, 3), bool) if clipped is None else np.asarray(clipped, bool)
    groups = [np.nonzero(cl == c)[0] for c in np.unique(cl)]
    medians = [np.median(a[sel], axis=0) for sel in groups]
    # a channel saturated on most of a cluster's items (all three: a white, no hue to read)
    low = [
        lo if not lo.all() else np.zeros(3, bool)
        for lo in (sat[sel].mean(0) > 0.5 for sel in groups)
    ]
    clip = np.array([lo.any() for lo in low])
    # one reference per name, then the other shades sold under a name
    keys = [k for k in names if SHADE_SEP not in k]
    shades = [k for k in names if SHADE_SEP in k]
    exposure: np.ndarray | None = None
    ew = np.ones(1)
    dist: np.ndarray | None = None
    # each pack's own best exposure when the light is uneven (None: even, or not fitted)
    uneven: np.ndarray | None = None
    # the exposure is read only on an overexposed photo (a cluster saturated in two channels)
    # and from two clusters or more: one alone fits any exposure (a yellow clipped in red is
    # an orange at twice the exposure)
    if len(groups) > 1 and any(lo.sum() > 1 for lo in low):
        exps = np.exp(np.linspace(0.0, np.log(gain_max), 25))
        # a clipped pack is read against one reference per name: with only blue left, a shade
        # between two names (neon yellow, between canary and lime) explains a lime pack as
        # well at some exposure, and took clipped limes for yellows
        own = {k: names[k] for k in keys}
        d = np.stack(
            [
                _pack_distances(a[sel], sat[sel], md, lo, own, gain_max, exps)
                for sel, md, lo in zip(groups, medians, low, strict=True)
            ]
        )
        # one exposure for the photo, each cluster (a pack) one vote: the sum of its distances
        misfit = d.min(-1).sum(0)
        if exposure_tau > 0:
            # the exposures near the best, weighted by how well each explains the photo
            w = np.exp(-(misfit - misfit.min()) / exposure_tau)
            at = np.einsum("e,cen->cn", w / w.sum(), d)
        else:
            at = d[:, int(np.argmin(misfit)), :]
        # only the clusters a channel of which clips are named at that exposure; the others
        # as measured
        dist = np.where(clip[:, None], at, d[:, 0, :])
    elif len(groups) > 1 and exposure_min < 1.0:
        # nothing clipped: a paper's lightness is its reflectance times the photo's exposure,
        # one for the photo when its light is even. The packs are compared with the references
        # as seen at the exposures that explain them best together (averaged as above): a
        # neon yellow, lighter than a canary one, is no lime (a darker paper) because the
        # photo is exposed low. Each pack's own best exposure tells whether the light is even:
        # packs that need exposures more than exposure_spread x apart (a dim column beside a
        # lit board) share no exposure, and the lightness is then taken as measured.
        exps = np.exp(np.linspace(np.log(exposure_min), 0.0, 31))
        own = {k: names[k] for k in keys}
        d = np.stack([_exposed_distances(md, own, exps) for md in medians])
        best = exps[d.min(-1).argmin(-1)]
        if best.max() <= exposure_spread * best.min():
            misfit = d.min(-1).sum(0)
            w = np.exp(-(misfit - misfit.min()) / max(exposure_tau, 1e-9))
            ew = w / w.sum()
            exposure = exps
            dist = np.einsum("e,cen->cn", ew, d)
        else:
            uneven = best
    if dist is None:
        dist = np.stack([[float(colour_distance(md, names[k])) for k in keys] for md in medians])
    # the other shades, for the packs the photo saturates on none of their notes: a channel
    # clipped on some (a lime's green at 1.9 x) moves the pack's hue towards the next name,
    # and a shade between two names (neon yellow, between canary and lime) then takes it
    sh = {k: names[k] for k in shades}
    seen = np.array(
        [
            np.full(len(shades), np.inf)
            if sat[sel].any()
            else (
                ew @ _exposed_distances(md, sh, exposure)
                if exposure is not None
                else [float(colour_distance(md, names[k])) for k in shades]
            )
            for sel, md in zip(groups, medians, strict=True)
        ]
    ).reshape(len(groups), len(shades))
    dist = np.hstack([dist, seen])
    keys = keys + shades
    picked = [
        _tie_broken(dist, keys, uneven, exposure_spread, tie_de, c) for c in range(len(groups))
    ]
    out: list[tuple[str, float]] = [("unknown", np.inf)] * n
    for sel, (name, de) in zip(groups, picked, strict=True):
        for i in sel:
            out[i] = (name if de <= unknown_de else "unknown", de)
    return out


def _tie_broken(
    dist: np.ndarray,
    keys: list[str],
    uneven: np.ndarray | None,
    spread: float,
    tie_de: float,
    c: int,
) -> tuple[str, float]:
    """Pack c's common name and distance (dist: packs x keys): the nearest, or, under uneven
    light (uneven: each pack's own best exposure), the runner-up within tie_de when a pack
    lit spread x more (or brighter) is nearest to it (see name_colours)."""
    near: dict[str, float] = {}
    for k, v in zip(keys, dist[c], strict=True):
        near[common_name(k)] = min(near.get(common_name(k), np.inf), float(v))
    ranked = sorted(near.items(), key=lambda t: t[1])
    if uneven is None or tie_de <= 0 or len(ranked) < 2 or ranked[1][1] - ranked[0][1] > tie_de:
        return ranked[0]
    lit = {
        common_name(keys[int(np.argmin(row))])
        for q, row in enumerate(dist)
        if uneven[q] >= spread * uneven[c]
    }
    return ranked[1] if ranked[1][0] in lit and ranked[0][0] not in lit else ranked[0]
