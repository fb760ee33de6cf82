"""The dot stickers on the notes and on the wall (markerless, no board): after wall_notes.

sticker_evidence: per work pixel how unlike its surround it is (the wall's surfaces or the
paper of the note it lies on); the discs from it (place_stickers, and faint_stickers /
faint_free_stickers for the pale ones), each judged as one sticker seen through the wall's
perspective (note_views, plane_views) and checked against ink and glare (dot_check);
find_stickers returns the WallDots and the usual sticker radius. Naming their colours is the
caller's (sticker_names, called by markerless_read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.core.config import CONFIG, MEMORY, Config, MarkerlessConfig
from capture.vision.colour import classify_map, lab_to_linear
from capture.vision.dot_check import check_disc, check_discs, raised, relief
from capture.vision.dots import place_discs
from capture.vision.note_shapes import roundness, scale_bands
from capture.vision.wall_notes import poly_mask, work_corners
from capture.vision.wall_surface import (
    chromaticity,
    foreground,
    least_distance,
    plane_distance,
    rgb8_to_lab,
)
from capture.vision.wall_types import Probe, WallDot, WallNote, WorkImages

_NONE = np.zeros((0, 3))  # no other disc (check_disc's neighbours)


def _dot_radius(
    mask: np.ndarray,
    ppm: float,
    cfg: MarkerlessConfig,
    rel: Callable[[int, int], float] | None = None,
    lab: np.ndarray | None = None,
    views: Views = (),
) -> float | None:
    """Sticker radius (px, where the scale is the usual one): the median of _dot_radii's
    samples, or None when there are none."""
    radii = _dot_radii(mask, ppm, cfg, rel, lab, views)
    return float(np.median(radii)) if radii else None


def _dot_radii(
    mask: np.ndarray,
    ppm: float,
    cfg: MarkerlessConfig,
    rel: Callable[[int, int], float] | None = None,
    lab: np.ndarray | None = None,
    views: Views = (),
) -> list[float]:
    """The radii (px, where the scale is the usual one) of the lone round blobs of a sticker's size,
    each where it lies: the samples the usual size (_dot_radius) and the pack sizes (pack_sizes) are
    read from. rel: the local scale at a pixel (x, y) a blob's radius is divided by. views: of the
    notes wholly in the photo (note_views); a blob filled as a disc only once seen through the
    nearest one's view (a sticker seen askew is an ellipse: its inscribed radius is its short axis)
    sets the size too, at its own area's radius, when its rim is a sticker's too (not ragged: blue
    marker letter loops on post-its-3's whiteboard, ragged ellipses, took the size from 7.3 to 7.2
    px and one more letter passed for a sticker), and only when no blob is filled as it is (its
    blurred copy: 7.6 to 8.0, two more). lab: the work image; a blob sets the size only when its
    colour is no shade of its surroundings' there (dot_check.shade_distance: ink darkening the
    paper) and it passes the sticker check there but for the rim's roundness: two ink-filled letter
    loops of a sticker's size on a photo with no sticker set it to theirs, and every letter's bit of
    that size then passed for one. The roundness is left to the check of each sticker: the blob test
    has judged it, and a real red dot at JPEG quality 15 is ragged 0.42. How dark a blob is in its
    own band (dot_check.reflectance) is not asked here: drawn marker stars (post-its-9) left out,
    the orange pen's dots set a smaller size and passed in their turn (8 -> 14 false stickers)."""
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
    return radii or askews


def pack_sizes(radii: list[float], r0: float, m: MarkerlessConfig) -> list[float]:
    """The radii of the other sticker packs a photo shows, besides the usual radius r0: a pack
    of dots is die-cut to one size (8, 12-13, 16, 19 mm are sold), so the radii of lone
    stickers (_dot_radii, scale divided out) come in a few modes, one per pack, not a
    spread; a wall that mixes packs shows each. The sorted radii are split where one is
    dot_pack_gap times the one before or more; a group of dot_pack_min samples or more
    whose median is dot_pack_gap from r0 or more (beyond the usual size's search) and within
    dot_pack_span of it (the smallest and the largest dots sold) is another pack, and its
    median its radius. [] when the photo shows one size."""
    if len(radii) < m.dot_pack_min:
        return []
    r = np.sort(np.asarray(radii, np.float64))
    cuts = np.nonzero(r[1:] >= m.dot_pack_gap * r[:-1])[0] + 1
    out = []
    for g in np.split(r, cuts):
        mode = float(np.median(g))
        apart = max(mode / r0, r0 / mode)
        if len(g) >= m.dot_pack_min and m.dot_pack_gap <= apart <= m.dot_pack_span:
            out.append(mode)
    return out


def _sticker_palette(sticker_refs: dict[str, np.ndarray]) -> np.ndarray:
    """The palette's sticker colours (k x 3 CIELAB) for the sticker check (dot_check)."""
    rows = [np.asarray(v, np.float64).reshape(-1, 3) for v in sticker_refs.values()]
    return np.concatenate(rows) if rows else np.zeros((0, 3))


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
    # the work image (sRGB, uint8): its chromaticity (chromaticity) is taken where it is asked
    # for, crops or bands of rows, not held whole (an H x W x 3 float copy, 72 MB at 6 MP,
    # through the whole stickers stage)
    rgb: np.ndarray


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
    dist = least_distance(lab, probe.surfaces, m.fg_l_weight)
    chrom = chromaticity(img.rgb)
    near_wall = dist < m.fg_delta_e / 2
    wall_c = np.median(chrom[near_wall], axis=0) if near_wall.sum() > 50 else chrom.mean((0, 1))
    cdist = plane_distance(chrom, wall_c)
    owner = -np.ones(lab.shape[:2], np.int32)
    grow = 0.1 * m.note_mm * img.ppm
    dist_l = dist.copy()
    # deep inside a note the wall is not seen: what matches it only in hue (a dull green
    # sticker on a purple note, on a sage wall), or in colour (an orange sticker's glossy
    # highlight and rim on a note on a kraft roll), is no wall there: the lightness evidence
    # compares it with the papers only (_lower_near_note lowers it to theirs)
    hidden = _wall_hidden(lab.shape[:2], notes, img, grow)
    dist_l[hidden] = np.inf
    papers: list[np.ndarray | None] = [None] * len(notes)
    for i in order if order is not None else range(len(notes)):
        papers[i] = _lower_near_note(i, notes[i], img, chrom, grow, (dist, dist_l), cdist, owner, m)
    chroms = (chrom, wall_c, papers)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    off = _no_sticker(img, notes, chroms, chroma, m)  # the same for both masks: once
    glare = (lab[..., 0] > config.dots.glare_l_min) & (chroma < config.dots.chroma_min)
    # the chromaticity and chroma planes are done with: freed before the two masks (96 MB
    # at 6 MP, held at the stage's peak)
    del chroms, chrom, chroma, hidden
    return StickerEvidence(
        dist,
        cdist,
        owner,
        _sticker_mask(img, dist, cdist, off, m),
        glare,
        dist_l,
        _sticker_mask(img, dist_l, cdist, off, m),
        lab,
        np.array([n.lab for n in notes], np.float64).reshape(-1, 3),
        img.rgb,
    )


def _wall_hidden(
    shape: tuple[int, int], notes: list[WallNote], img: WorkImages, margin: float
) -> np.ndarray:
    """Work pixels deeper than `margin` px inside a note's outline (the outline's doubt,
    _lower_near_note's): the wall cannot be seen there, only paper and what is on it."""
    out = np.zeros(shape, np.uint8)
    for n in notes:
        cw = work_corners(n, img.fw)
        c = cw.mean(0)
        small = c + (cw - c) * max(0.0, 1 - 2 * margin / max(n.side_px * img.fw, 1.0))
        cv2.fillConvexPoly(out, np.round(small).astype(np.int32), 1)
    return out.astype(bool)


def _joined(mask: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The blobs of a mask (8-connected) holding a pixel of seed."""
    _n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.unique(labels[seed & mask])
    return np.isin(labels, keep[keep > 0])


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
    cw = work_corners(n, img.fw)
    c = cw.mean(0)
    big = c + (cw - c) * (1 + 2 * grow / max(n.side_px * img.fw, 1.0))
    x0, y0 = np.maximum(np.floor(big.min(0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(big.max(0)).astype(int) + 1, (dist.shape[1], dist.shape[0]))
    if x1 <= x0 or y1 <= y0:
        return None
    sub = poly_mask((y1 - y0, x1 - x0), big - (x0, y0))
    d = foreground(img.lab[y0:y1, x0:x1], np.array(n.lab), m.fg_l_weight)
    own = poly_mask((y1 - y0, x1 - x0), cw - (x0, y0))
    # beyond its outline (the outline's doubt) a note's paper is what joins its paper inside
    # it: a sticker of its colour on a neighbouring note, that note's paper between them,
    # is not its paper
    sub = own | _joined(sub & (d < m.dot_delta_e), own)
    box = dist[y0:y1, x0:x1]
    box[sub] = np.minimum(box[sub], d[sub])
    d_l = foreground(img.lab[y0:y1, x0:x1], np.array(n.lab), m.dot_l_weight)
    box_l = dist_l[y0:y1, x0:x1]
    box_l[sub] = np.minimum(box_l[sub], d_l[sub])
    paper = own & (d < m.fg_delta_e / 2)
    owner[y0:y1, x0:x1][own] = i
    if paper.sum() <= 20:
        return None
    paper_c = np.median(chrom[y0:y1, x0:x1][paper], axis=0)
    cb = cdist[y0:y1, x0:x1]
    cb[sub] = np.minimum(cb[sub], plane_distance(chrom[y0:y1, x0:x1], paper_c)[sub])
    return paper_c


def _sticker_mask(
    img: WorkImages, dist: np.ndarray, cdist: np.ndarray, off: np.ndarray, m: MarkerlessConfig
) -> np.ndarray:
    """Pixels unlike their surroundings in colour (dist) and chromaticity (cdist), not what
    _no_sticker says is none (off: the mix of a note and the wall along its outline, ink; the
    same for both distances, so the caller takes it once), opened at a share of the sticker
    radius (pen strokes are far thinner)."""
    cand = (dist > m.dot_delta_e) & (cdist > m.dot_chromaticity) & ~off
    # stickers far off in a tilted view are a good deal smaller than near ones: the opening
    # keeps anything over half the usual size
    k = max(3, round(m.dot_mm / 2 * img.ppm * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    return cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)


def _no_sticker(
    img: WorkImages,
    notes: list[WallNote],
    chroms: tuple[np.ndarray, np.ndarray, list[np.ndarray | None]],
    chroma: np.ndarray,
    m: MarkerlessConfig,
) -> np.ndarray:
    """The pixels that are no sticker whatever their distances (_sticker_mask's off): the mix
    of a note and the wall along its outline, ink. chroms: per-pixel chromaticity, the
    wall's, each note paper's; chroma: of img.lab."""
    lab = img.lab
    off = np.zeros(lab.shape[:2], bool)
    # along a note's outline the photo mixes paper and wall (blur, a curled corner, the
    # note's shadow): such a mix, in linear light, has a chromaticity on the segment between
    # theirs; a sticker across the outline does not, and is kept
    chrom, wall_c, papers = chroms
    hh, ww = off.shape
    for n, paper_c in zip(notes, papers, strict=True):
        width = max(1, round(2 * m.dot_edge_band * n.side_px * img.fw))
        corners = np.round(work_corners(n, img.fw)).astype(np.int32)
        x0, y0 = np.maximum(corners.min(0) - width, 0)
        x1, y1 = np.minimum(corners.max(0) + width + 1, (ww, hh))
        if x1 <= x0 or y1 <= y0:
            continue
        band = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.polylines(band, [corners - (x0, y0)], True, 1, width)
        sel = band.astype(bool)
        if paper_c is not None:
            sel &= _segment_distance(chrom[y0:y1, x0:x1], wall_c, paper_c) < m.dot_chromaticity
        off[y0:y1, x0:x1] |= sel
    # ink is dark and nearly neutral (black, grey pens): never a sticker
    off |= (chroma < 12.0) & (lab[..., 0] < 60.0)
    return off


def _segment_distance(pts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (last axis) from the segment a-b."""
    ab = b - a
    t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    return plane_distance(pts, a + t[..., None] * ab)


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
        band = scale_bands(coef, (cents + 0.5) / img.fw - 0.5, m)
    samples = _dot_radii(ev.cand, img.ppm, m, rel_w, img.lab, size_views)
    r0 = float(np.median(samples)) if samples else m.dot_mm / 2 * img.ppm
    # a second (third) pack's dots are lone stickers too, at their own size: looked for at it
    # as at the usual one (the same shape tests; every check after them the same), on the
    # notes found only (votes): off them a room's round things of any size came in (room
    # sets c52, c53: a false free dot each at the other size)
    packs = pack_sizes(samples, r0, m)
    note_area = (m.note_mm * img.ppm) ** 2
    discs: list[Disc] = []
    r_px = r0
    rest = np.zeros(len(stats), bool)
    hh, ww = ev.owner.shape
    for i in range(1, len(stats)):
        k_i = (1 + m.scale_band_step) ** band[i]
        at = (min(int(cents[i][1]), hh - 1), min(int(cents[i][0]), ww - 1))
        sizes = [r0, *packs] if ev.owner[at] >= 0 else [r0]
        for r_k in sizes:
            d = _lone_disc(comp, i, (stats[i], r_k * k_i), img.lab, ev.glare, m, views)
            if d is not None:
                break
        if d is not None:
            discs.append(d)
            continue
        for r_k in sizes:
            pair = _touching_pair(comp, i, (stats[i], r_k * k_i), img, ev, m, views)
            if pair:
                break
        if pair:
            discs += pair
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
    band = scale_bands(probe.scale, (cents + 0.5) / img.fw - 0.5, m)
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
    dist, cdist, bare = _against_local_wall(img, _local_wall(img.rgb, r_px), probe.surfaces, m)
    cand = (dist > m.dot_wall_faint_de) & (cdist > m.dot_chromaticity) & (ev.owner < 0)
    cand &= bare
    del bare
    cand &= ~ev.glare
    k = max(3, round(m.dot_mm / 2 * img.ppm * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    _n, comp, stats, cents = cv2.connectedComponentsWithStats(cand.astype(np.uint8), 8)
    band = scale_bands(probe.scale, (cents + 0.5) / img.fw - 0.5, m)
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
    del comp
    # the wall around every pixel explains it: the usual evidence's wall, made local (the
    # least taken in the type np.minimum gives, into a new array or this one's)
    judge = replace(ev, dist=_least(ev.dist, dist), cdist=_least(ev.cdist, cdist))
    return out, replace(judge, cand=cand)


def _least(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.minimum(a, b), written into b when b has the result's type and shape (b is the
    caller's own, no longer needed): the same values, a work-image plane fewer held."""
    if b.dtype == np.result_type(a, b) and b.shape == np.broadcast_shapes(a.shape, b.shape):
        return np.minimum(a, b, out=b)
    return np.minimum(a, b)


def _against_local_wall(
    img: WorkImages,
    bg: np.ndarray,
    surfaces: tuple,
    m: MarkerlessConfig,
    band_rows: int = MEMORY.band_rows,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per work pixel, against the wall around it (bg: _local_wall): its colour distance
    (foreground), its chromaticity distance, and whether that wall is a bare surface as the
    usual evidence sees it (least_distance within dot_delta_e: a hot spot pales the wall
    less than that; a note the finders missed is no wall, and its stickers are not free
    ones). Taken band_rows rows at a time (MemoryConfig): every value is a pixel's own, so the
    same values as over the whole image, without holding bg's CIELAB, both chromaticities
    and the distance to the surfaces whole (four H x W x 3 or float64 copies, 250 MB at
    6 MP, were the markerless path's peak)."""
    h = bg.shape[0]
    dist = cdist = bare = None
    for y0 in range(0, h, band_rows):
        rows = slice(y0, y0 + band_rows)
        lab_bg = rgb8_to_lab(bg[rows])
        d = foreground(img.lab[rows], lab_bg, m.fg_l_weight)
        c = plane_distance(chromaticity(img.rgb[rows]), chromaticity(bg[rows]))
        b = least_distance(lab_bg, surfaces, m.fg_l_weight) <= m.dot_delta_e
        if dist is None:
            dist = np.empty(bg.shape[:2], d.dtype)
            cdist = np.empty(bg.shape[:2], c.dtype)
            bare = np.empty(bg.shape[:2], bool)
        dist[rows], cdist[rows], bare[rows] = d, c, b
    assert dist is not None and cdist is not None and bare is not None
    return dist, cdist, bare


def _expected_at(views: Views, cx: float, cy: float, r_exp: float, m: MarkerlessConfig):
    """The views at (cx, cy) (work px) and the sticker radii expected there: (the nearest
    note's view or None, the views found, [r_exp] and r_exp at each view's relative size).
    Near a note seen askew a sticker is also expected at that note's relative size; where
    the wall plane is known, as it shapes a disc there."""
    near = _view_at(views, cx, cy, m)
    nears = [v for v in (near, _view_at(views, cx, cy, m, plane=True)) if v is not None]
    return near, nears, [r_exp] + [r_exp * v[1] for v in nears]


def _shape_seen(part: np.ndarray, nears: list, m: MarkerlessConfig) -> tuple:
    """_shape_in_view of a blob as it is, or through the first of the views (nears) that
    gives it a sticker's shape: (radius, view); radius 0.0 when none does."""
    r_area, view = 0.0, None
    for v in nears or [None]:
        r_area, view = _shape_in_view(part, None if v is None else v[0], m)
        if r_area > 0.0:
            break
    return r_area, view


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
    near, nears, sizes = _expected_at(views, cx, cy, r_exp, m)
    if x == 0 or y == 0 or x + bw == comp.shape[1] or y + bh == comp.shape[0]:
        cut = _cut_disc(part, (x, y), comp.shape, sizes, m, None if near is None else near[0])
        if cut is not None:
            pixels = _inner_pixels(part, (x, y), cut, lab, glare)
            return Disc(cut[0], cut[1], pixels, False, cut[2], cut[3], shaped=True)
    if not any(lo * r <= np.sqrt(area / np.pi) <= hi * r for r in sizes):
        return None
    r_area, view = _shape_seen(part, nears, m)
    if r_area == 0.0:
        return None
    pixels = _inner_pixels(part, (x, y), (cx, cy, r_area, view), lab, glare)
    return Disc(cx, cy, pixels, False, r_area, view, shaped=True)


def _touching_pair(
    comp: np.ndarray,
    i: int,
    at: tuple[np.ndarray, float],
    img: WorkImages,
    ev: StickerEvidence,
    m: MarkerlessConfig,
    views: Views = (),
) -> list[Disc]:
    """Blob i (at: its stats row and the radius expected there) as two stickers touching or
    overlapping, when it is two sticker shapes joined: its distance transform has two maxima
    (the two discs' centres, dot_pair_apart of the larger one's inscribed radius or more
    apart), and each half (the pixels nearer one maximum) is one sticker on its own
    (_sticker_shape, as it is or through the wall's perspective there, of a radius within
    dot_own_range of the one expected). The colour of either is not asked: two stickers of
    one colour touch as often as two of two. A pen stroke, a letter touching a sticker, a
    note's corner are no two round halves; the boards' coverer (place_discs) took such a
    pair as one disc when it made one blob of colour classes it did not tell apart (a
    crimson read pink beside a dark green), or laid a disc on the seam between them. []
    when the blob is no such pair."""
    (x, y, bw, bh, area), r_exp = (int(v) for v in at[0]), at[1]
    lo, hi = m.dot_own_range
    if not 2 * (lo * r_exp) ** 2 * np.pi <= area <= 2 * (hi * r_exp) ** 2 * np.pi:
        return []
    part = comp[y : y + bh, x : x + bw] == i
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = cv2.drawContours(np.zeros(part.shape, np.uint8), cs, -1, 1, -1)  # highlights
    dt = cv2.distanceTransform(np.pad(filled, 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    gy, gx = np.mgrid[0:bh, 0:bw]
    y1, x1 = np.unravel_index(int(dt.argmax()), dt.shape)
    far = np.hypot(gx - x1, gy - y1) >= m.dot_pair_apart * dt[y1, x1]
    if not (far & (filled > 0)).any():
        return []
    y2, x2 = np.unravel_index(int(np.where(far, dt, 0).argmax()), dt.shape)
    nearer = np.hypot(gx - x1, gy - y1) <= np.hypot(gx - x2, gy - y2)
    out = []
    for half in (part & nearer, part & ~nearer):
        ys, xs = np.nonzero(half)
        if len(xs) < 5:
            return []
        cx, cy = float(xs.mean() + x), float(ys.mean() + y)
        _near, nears, sizes = _expected_at(views, cx, cy, r_exp, m)
        r_area, view = _shape_seen(half, nears, m)
        if not any(lo * s <= r_area <= hi * s for s in sizes):
            return []
        pixels = _inner_pixels(half, (x, y), (cx, cy, r_area, view), img.lab, ev.glare)
        out.append(Disc(cx, cy, pixels, False, r_area, view, shaped=True))
    return out


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
    if area < 5 or roundness(part) < m.dot_own_round_min:
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
    cand = ev.cand[y0:y1, x0:x1]
    # what is around a sticker is explained by the surfaces, or is no sticker evidence at
    # all: the writing a sticker is stuck on (pen strokes, thinner than the opening, and
    # dark neutral ink are left out of it) is no other surface
    explained = (
        (ev.dist[y0:y1, x0:x1] <= m.dot_delta_e)
        | (ev.cdist[y0:y1, x0:x1] <= m.dot_chromaticity)
        | ~cand
    )
    if ring.sum() < 0.3 * max(n_ring, 1) or explained[ring].mean() < m.dot_ring_min:
        return "surroundings"  # a strip of another wall along the frame, a magnet's rim
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
    dot_same_colour_de of its median, or its glossy highlight on it: _highlight) make one
    whole sticker of about its size: round,
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
    lab, cand = ev.lab[y0:y1, x0:x1], ev.cand[y0:y1, x0:x1]
    same = (foreground(lab, med, 0.5) < m.dot_same_colour_de) & cand
    # its glossy highlight too, on the sticker (within its radius): lighter than what is
    # around it (the ring 1.3-1.8 radii where no sticker evidence is), so no sticker evidence
    # is asked of it (an orange sticker's pale highlight has a kraft roll's chromaticity, and
    # both evidences compare with the kraft's there, even inside a note)
    rr = _view_radius(d, x0, y0, cand.shape)
    bare = (rr > 1.3 * d.radius) & (rr < 1.8 * d.radius) & ~(cand | ev.cand_l[y0:y1, x0:x1])
    shine = np.zeros_like(same)
    if bare.sum() >= 8:
        paper_l = float(np.percentile(lab[..., 0][bare], 75))
        chrom = chromaticity(ev.rgb[y0:y1, x0:x1])
        shine = _highlight(lab, chrom, med, paper_l, m) & (rr < d.radius)
        # a highlight a few px inside the rim, no lighter than a pale paper, is a hole in the
        # sticker's own colour whose thin edge the opening below would cut into a notch
        same = _highlight_holes(same, lab, med, np.median(lab[bare], axis=0), m)
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
    # glossy highlight is off the median colour: the notch it leaves at the rim, closed (the
    # highlight joined after the opening: where it reaches the rim it is a thin crescent)
    k = max(3, round(d.radius * m.dot_open_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    same = cv2.morphologyEx(same.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    same = cv2.morphologyEx(same | shine.astype(np.uint8), cv2.MORPH_CLOSE, kernel)
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


def _highlight_holes(
    same: np.ndarray, lab: np.ndarray, med: np.ndarray, bare: np.ndarray, m: MarkerlessConfig
) -> np.ndarray:
    """`same` with its holes filled where a hole is the sticker's glossy highlight: lighter
    than the sticker (median colour `med`) by dot_highlight_l and not the colour of the
    surface around it (`bare`, within dot_delta_e / 2): a letter's counter is that surface."""
    inv = (~same).astype(np.uint8)
    n, labels = cv2.connectedComponents(inv, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    out = same.copy()
    for k in range(1, n):
        if k in edge:
            continue
        hole = labels == k
        h_med = np.median(lab[hole], axis=0)
        light = h_med[0] > med[0] + m.dot_highlight_l
        if light and float(foreground(h_med[None], bare, m.fg_l_weight)[0]) > m.dot_delta_e / 2:
            out |= hole
    return out


def _highlight(
    lab: np.ndarray, chrom: np.ndarray, med: np.ndarray, paper_l: float, m: MarkerlessConfig
) -> np.ndarray:
    """Pixels (CIELAB and chromaticity of a window) that are a sticker of colour `med` under
    its glossy highlight: the light's white added to its colour, in linear light. Their
    chromaticity lies on the segment between the sticker's and grey's (within
    dot_chromaticity, as the paper and wall mix along an outline is told), and they are
    lighter than the sticker and than the surface around it (paper_l, its lightness) by
    dot_highlight_l: a glossy highlight adds the lamp's light, while the antialiased rim of
    ink on paper (blue marker on yellow, whose mix also runs towards grey) is a blend of the
    two and never lighter than the paper. The highlight is off the sticker's median colour
    and notches its rim where the light falls; an orange sticker's pale highlight is near a
    kraft roll's colour."""
    lin = lab_to_linear(med[None])[0] + 1e-3
    own = lin / lin.sum()
    grey = np.full(3, 1.0 / 3.0)
    light = lab[..., 0] > max(float(med[0]), paper_l) + m.dot_highlight_l
    return light & (_segment_distance(chrom, own, grey) < m.dot_chromaticity)


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


def _all_rims(contour: np.ndarray, r_px: float, m: MarkerlessConfig) -> bool:
    """Whether an outline is made of sticker rims only: no straight run of it (within
    m.dot_heap_arc_tol x r of a line) as long as m.dot_heap_straight x r. A disc's rim bends
    away from any chord longer than ~1.3 r at that tolerance, so a heap of stickers has none;
    a note's side, a printed block's, a strip of wall along the frame, run many radii."""
    poly = cv2.approxPolyDP(contour, m.dot_heap_arc_tol * r_px, True).reshape(-1, 2)
    if len(poly) < 3:
        return False
    runs = np.linalg.norm(np.roll(poly, -1, 0) - poly, axis=1)
    return bool(runs.max() < m.dot_heap_straight * r_px)


def heap_members(
    discs: list[Disc], good: list[Disc], ev: StickerEvidence, m: MarkerlessConfig
) -> list[Disc]:
    """Discs laid inside a heap of dot stickers (a popular note's votes, a cluster on the
    wall) that the tests against a sticker's surroundings dropped: in a heap a dot's
    surroundings are other dots, so its ring is theirs ("surroundings"), its colour runs on
    into the next dot of that colour ("runs_on", "stroke") and it stands out from nothing
    ("flat"). A heap is told by itself instead: one blob of sticker evidence of at least
    dot_heap_min_discs stickers' area whose outline is sticker rims only (_all_rims: no pen
    stroke's, strip's or printed block's straight run), explained by stickers: the discs laid
    on it that are full of sticker colour (a pen stroke is narrower than a disc: none is
    full on it) cover dot_heap_cover of it, three of them at least and not in one row (a
    line of bold letters, blurred together), and it is not one round thing (a magnet). Its
    full, coloured discs are kept, but for one nearer than a radius to a disc kept (the same
    sticker). Only on the notes found (a popular note's votes): a cluster on the wall is left
    to the other rules."""
    if not discs:
        return []
    _, comp, stats, _ = cv2.connectedComponentsWithStats(ev.cand.astype(np.uint8), connectivity=8)
    hh, ww = comp.shape

    def full(d: Disc) -> bool:
        if len(d.pixels) == 0:
            return False
        med = np.median(d.pixels, axis=0)
        if np.hypot(med[1], med[2]) < m.dot_colourless_chroma:
            return False
        x0, x1 = max(0, int(d.cx - d.radius)), min(ww, int(d.cx + d.radius) + 1)
        y0, y1 = max(0, int(d.cy - d.radius)), min(hh, int(d.cy + d.radius) + 1)
        gy, gx = np.mgrid[y0:y1, x0:x1]
        core = np.hypot(gx - d.cx, gy - d.cy) < 0.8 * d.radius
        return bool(core.any() and ev.cand[y0:y1, x0:x1][core].mean() >= m.dot_fill_min)

    by_blob: dict[int, list[Disc]] = {}
    for d in discs:
        x, y = round(d.cx), round(d.cy)
        # on a note found only: off the notes a blob of sticker colour without straight
        # sides may be a note the square finder left, its edge ragged against a cork or
        # kraft ground of about its colour (a room photo, c55)
        if 0 <= x < ww and 0 <= y < hh and comp[y, x] and ev.owner[y, x] >= 0 and full(d):
            by_blob.setdefault(int(comp[y, x]), []).append(d)
    out: list[Disc] = []
    for k, members in by_blob.items():
        x, y, w, h, area = stats[k]
        r = float(np.median([d.radius for d in members]))
        if area < m.dot_heap_min_discs * np.pi * r**2 or len(members) < 3:
            continue
        # dots voters stick crowd in two directions; discs laid in a row across one blob
        # are a stroke or a line of bold letters (their width under stroke_width_frac radii
        # across the row, as _drop_strokes tells a pen stroke)
        xy = np.array([(d.cx, d.cy) for d in members])
        across = np.linalg.svd(xy - xy.mean(0), compute_uv=False)[1] / np.sqrt(len(xy))
        if across < m.stroke_width_frac * r:
            continue
        part = (comp[y : y + h, x : x + w] == k).astype(np.uint8)
        cs, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        outline = max(cs, key=cv2.contourArea) if cs else None
        if outline is None or not _all_rims(outline, r, m):
            continue
        # a blob that is one ellipse is one round thing seen through the perspective (a
        # magnet, a pin's head, a larger sticker), not dots stuck over one another: their
        # rims meet in notches, off any one ellipse
        if len(outline) >= 5:
            oval = np.zeros_like(part)
            cv2.ellipse(oval, cv2.fitEllipse(outline), 1, -1)
            if (oval & part).sum() >= m.dot_heap_disc_fill * (oval | part).sum():
                continue
        cover = np.zeros_like(part)
        for d in members:
            cv2.circle(cover, (round(d.cx - x), round(d.cy - y)), round(d.radius), 1, -1)
        if (cover & part).sum() < m.dot_heap_cover * area:
            continue
        for d in members:
            if all(np.hypot(o.cx - d.cx, o.cy - d.cy) >= o.radius for o in good + out):
                out.append(d)
    return out


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
    # an outline re-laid at its run's seams may be a strip of a sheet shingled under the next:
    # its shape is no square seen askew (dot_view_laid)
    viewed = [n for n in notes if m.dot_view_laid or not n.laid]
    views = note_views([np.array(n.corners) for n in viewed], img, probe, m)
    views += plane_views(plane, notes, img, probe, m)
    # the usual size looks through the views of notes the frame does not cut only (not
    # flagged note_cut): the hidden side of a cut one is placed by a guess (_hidden_sides)
    uncut = [np.array(n.corners) for n in viewed if n.seen >= m.note_cut_flag]
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
    good = [d for d, c in zip(kept, checks, strict=True) if not c.reason]
    good += heap_members(discs, good, ev, m)
    dots = [_wall_dot(d, ev, img, rgb, config) for d in good]
    # off the notes, a disc standing off the wall is a push pin or a magnet (dot_check.raised)
    dots = [d for d in dots if d.on_note is not None or not _stands_off(rgb, d, m)]
    return dots, r_px


def _stands_off(rgb: np.ndarray, d: WallDot, m: MarkerlessConfig) -> bool:
    """dot_check.raised for a sticker found (photo px), on the photo as taken about it."""
    reach = m.dot_relief_ring[1] * d.radius_px + 2
    h, w = rgb.shape[:2]
    x0, y0 = max(0, int(d.center[0] - reach)), max(0, int(d.center[1] - reach))
    x1, y1 = min(w, int(d.center[0] + reach) + 2), min(h, int(d.center[1] + reach) + 2)
    if x1 <= x0 or y1 <= y0:
        return False
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1], np.float32) / 255, cv2.COLOR_RGB2LAB)
    return raised(relief(lab, (d.center[0] - x0, d.center[1] - y0), d.radius_px, m), m)
