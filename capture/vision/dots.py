"""Dot stickers in the vote zones of a board: count them per zone and colour.

Stickers are the only saturated things printed boards leave room for (zones are grey ink),
so a chroma mask on the normalised board finds them. Touching or overlapping stickers form
one blob; the blob is covered greedily by discs of the declared diameter, each new disc
having to cover a good share of itself anew, which counts them. Note-sized blobs are notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.core.config import CONFIG, DotsConfig
from capture.core.model import BoardLayout, Dot, Finding, VoteCount, ZoneSpec
from capture.vision.colour import (
    L_WEIGHT,
    ColourRefs,
    Normalised,
    classify,
    classify_map,
    colour_distance,
    print_ink,
)
from capture.vision.rectify import Rectified


def _disc(radius: float) -> np.ndarray:
    n = int(np.ceil(radius))
    yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
    return (xx**2 + yy**2 <= radius**2).astype(np.float32)


def cover_with_discs(
    blob: np.ndarray,
    radius: float,
    cfg: DotsConfig,
    support: np.ndarray | None = None,
    seen: np.ndarray | None = None,
) -> tuple[list[tuple[float, float]], float, bool]:
    """Centres (x, y in blob px) of discs covering a blob; leftover area in disc units; ambiguous.

    Greedy: each disc goes where it covers the most still-uncovered pixels while lying mostly
    on the support (default: the blob itself); stop when no disc would cover new_cover_min of
    its area. A support wider than the blob (same shape) lets a sticker partly hidden under
    stickers of other colours be placed: its hidden part lies on them, not on the board.
    seen: the blob's pixels that count as covered ground (default: all). The blob has its
    holes filled, so a sticker keeps its glossy highlight as support; but a ring of stickers
    round a bit of paper makes a hole too, and that paper must not earn a sticker.
    A disc placed across two overlapping stickers (it covers most there) before one on each
    is dropped once the others leave it next to nothing of its own (cfg.prune_own_min).
    """
    disc = _disc(radius)
    area = float(disc.sum())
    pad = disc.shape[0]
    m = cv2.copyMakeBorder(
        blob.astype(np.float32), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0
    )
    sup = m
    if seen is not None:
        m = cv2.copyMakeBorder(
            (seen & blob).astype(np.float32), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0
        )
    if support is not None:
        sup = cv2.copyMakeBorder(
            (support | blob).astype(np.float32), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0
        )
    inside = cv2.filter2D(sup, -1, disc, borderType=cv2.BORDER_CONSTANT) / area
    uncovered = m.copy()
    centres: list[tuple[float, float]] = []
    ambiguous = False
    for _ in range(cfg.max_cluster + 1):
        gain = cv2.filter2D(uncovered, -1, disc, borderType=cv2.BORDER_CONSTANT) / area
        gain[inside < cfg.inside_min] = 0
        _, best, _, (bx, by) = cv2.minMaxLoc(gain)
        if best < cfg.new_cover_min:
            break
        if best < cfg.new_cover_min + 0.12:
            ambiguous = True  # barely enough new area: could be one sticker's ragged edge
        # sub-pixel: centroid of the near-best plateau around the maximum
        y0, y1 = max(0, by - 2), by + 3
        x0, x1 = max(0, bx - 2), bx + 3
        w = np.clip(gain[y0:y1, x0:x1] - (best - 0.02), 0, None)
        if w.sum() > 0:
            yy, xx = np.mgrid[y0:y1, x0:x1]
            cx, cy = float((xx * w).sum() / w.sum()), float((yy * w).sum() / w.sum())
        else:
            cx, cy = float(bx), float(by)
        centres.append((cx - pad, cy - pad))
        # cleared a little wider than the disc: a real sticker's rim (size, blur) is not news
        cv2.circle(uncovered, (bx, by), round(radius * cfg.clear_factor), 0.0, -1)
    centres = _prune(m, [(cx + pad, cy + pad) for cx, cy in centres], radius, cfg)
    uncovered = m.copy()
    for cx, cy in centres:
        cv2.circle(uncovered, (round(cx), round(cy)), round(radius * cfg.clear_factor), 0.0, -1)
    centres = [(cx - pad, cy - pad) for cx, cy in centres]
    # leftover: the largest uncovered piece once thin rims (blur, mask edge) are opened away
    k = max(3, round(radius * 0.3) | 1)
    rest = cv2.morphologyEx(
        (uncovered > 0).astype(np.uint8),
        cv2.MORPH_OPEN,
        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)),
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(rest)
    leftover = float(stats[1:, cv2.CC_STAT_AREA].max()) / area if n > 1 else 0.0
    if cfg.ambiguous_low <= leftover:
        ambiguous = True
    if len(centres) > cfg.max_cluster:
        return [], leftover, True
    return centres, leftover, ambiguous


def _prune(
    ground: np.ndarray, centres: list[tuple[float, float]], radius: float, cfg: DotsConfig
) -> list[tuple[float, float]]:
    """Centres left once each disc covers, alone, at least cfg.prune_own_min of a sticker's
    area of the ground (the emptiest disc is dropped first, then the rest looked at again)."""
    centres = list(centres)
    area = np.pi * radius**2
    r = round(radius * cfg.clear_factor)
    while len(centres) > 1:
        discs = []
        for cx, cy in centres:
            d = np.zeros(ground.shape, np.uint8)
            cv2.circle(d, (round(cx), round(cy)), r, 1, -1)
            discs.append(d)
        count = np.sum(discs, axis=0)
        own = [float((ground * d * (count == 1)).sum()) / area for d in discs]
        worst = int(np.argmin(own))
        if own[worst] >= cfg.prune_own_min:
            break
        del centres[worst]
    return centres


def _effective_radius(blobs: list[np.ndarray], declared_px: float, cfg: DotsConfig) -> float:
    """Sticker radius as seen on this board: the declared one, adjusted by the lone stickers.

    Real stickers differ from the declared size by a few percent and blur widens them; the
    round blobs of about one sticker's area tell by how much (median, within bounds).
    """
    area0 = np.pi * declared_px**2
    radii = []
    for b in blobs:
        a = float(b.sum())
        if not 0.6 * area0 <= a <= 1.5 * area0:
            continue
        ys, xs = np.nonzero(b)
        extent = max(np.ptp(xs), np.ptp(ys)) + 1
        if extent <= 2.3 * np.sqrt(a / np.pi):  # round: not two stickers side by side
            radii.append(np.sqrt(a / np.pi))
    if len(radii) < cfg.radius_min_samples:
        return declared_px
    lo, hi = cfg.radius_bounds
    return float(np.clip(np.median(radii), lo * declared_px, hi * declared_px))


def _notch_support(piece: np.ndarray, disc_area: float, cfg: DotsConfig) -> np.ndarray | None:
    """For a lone sticker-sized blob, its convex hull: a glossy highlight that reaches the
    rim bites a notch out of the colour mask (no hole to fill), and the hull gives the disc
    its ground back; a half-hidden or cut sticker is convex already and gains nothing."""
    if piece.sum() > cfg.notch_max_area * disc_area:
        return None
    pts = cv2.findNonZero(piece.astype(np.uint8))
    hull = np.zeros(piece.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    return hull.astype(bool)


def _fill_holes(mask: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    contours, _ = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    filled = np.zeros(mask.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, -1)
    return filled.astype(bool), list(contours)


def _nearer_undeclared(
    lab: np.ndarray, refs: ColourRefs, colour: str, de: float, cfg: DotsConfig
) -> bool:
    """True when an undeclared (coloured) sticker colour is nearer than the declared `colour`.

    The distance cut-off alone cannot tell an orange sticker from a yellow one (about 26
    apart); the table's other colours can. A saturated reading's hue is trustworthy: nearer
    is enough. A washed-out one (glare, shade: a dark crimson red then reads halfway between
    red and pink) must be clearly nearer, within cfg.undeclared_ratio of the declared
    distance. Within a sticker's normal spread of the declared colour, it is that colour.
    Near-neutral colours (white) are left out: glare washes every sticker towards them.
    The veil that washes a sticker out also lightens it: lightness then says nothing and both
    distances leave it out (a washed purple is far lighter than purple, and than blue).
    """
    if de <= cfg.undeclared_min_delta_e:
        return False
    ref_c = float(np.hypot(*refs.stickers[colour][1:3]))
    washed = float(np.hypot(lab[1], lab[2])) < cfg.undeclared_washed_chroma * ref_c
    l_weight = 0.0 if washed else L_WEIGHT
    if washed:
        de = float(colour_distance(lab, refs.stickers[colour], l_weight=l_weight))
    limit = cfg.undeclared_ratio * de if washed else de
    for ref in refs.undeclared_stickers.values():
        if np.hypot(ref[1], ref[2]) < 2 * cfg.chroma_min:
            continue
        if float(colour_distance(lab, ref, l_weight=l_weight)) < limit:
            return True
    return False


def _faint_stickers(
    chroma: np.ndarray,
    valid: np.ndarray,
    strong: np.ndarray,
    paper: np.ndarray,
    ink: np.ndarray,
    disc_area: float,
    kernel: np.ndarray,
    cfg: DotsConfig,
) -> np.ndarray:
    """Pieces of stickers washed out below cfg.chroma_min (a glare veil that does not clip).

    Pixels above a threshold set by the paper's own chroma noise (`paper`: the board's paper
    blocks; the rims of coloured things left out), in connected pieces of at least a
    sticker's min_fill of which `strong` (the chroma_min mask) holds less than
    cfg.faint_strong_max: a sticker the ordinary threshold finds, with its blurred rim, is
    mostly strong and keeps its own outline; a washed one shows at most a few strong specks.
    The board's own print (`ink`) is left out: under a strong colour cast its grey labels
    come out faintly coloured too.
    """
    rims = cv2.dilate(strong.astype(np.uint8), kernel, iterations=2) > 0
    paper = chroma[valid & paper & ~rims & (chroma < cfg.chroma_min)]
    none = np.zeros(chroma.shape, bool)
    if paper.size < 100:
        return none
    thr = max(cfg.faint_noise_factor * float(np.percentile(paper, 90)), cfg.faint_chroma_min)
    if thr >= cfg.chroma_min:
        return none
    faint = ((chroma > thr) & valid & ~ink).astype(np.uint8)
    faint = cv2.morphologyEx(faint, cv2.MORPH_OPEN, kernel)  # as the ordinary mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(faint)
    area = stats[:, cv2.CC_STAT_AREA]
    held = np.bincount(labels[strong & (labels > 0)], minlength=n)
    keep = [
        i
        for i in range(1, n)
        if area[i] >= cfg.min_fill * disc_area and held[i] < cfg.faint_strong_max * area[i]
    ]
    return np.isin(labels, keep) if keep else none


def _split_by_colour(
    blob: np.ndarray, cls: np.ndarray, strong: np.ndarray, min_px: float, single_px: float = 0.0
) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """A blob cut into one piece per colour class holding at least min_px reliable pixels.

    strong: coloured, unglared pixels (their class is trustworthy). Every other blob pixel
    (glare, rims, stray classes) joins the nearest piece. Returns (mask, (x, y) offset) pairs,
    the whole blob when it is of one colour. A piece keeps only the pixels of its colour, so a
    sticker partly under its neighbours shows less than a disc there (see cover_with_discs).
    A blob of at most single_px left with one piece is returned whole: one sticker whose rim
    and gloss drift into the next class (a yellow's into green), too scattered to make a
    piece, would otherwise keep only a partial disc, and no disc fits it.
    """
    counts = np.bincount(cls[blob & strong].ravel(), minlength=int(cls.max()) + 1)
    major = [int(c) for c in np.nonzero(counts >= min_px)[0]]
    if len(major) < 2:
        return [(blob, (0, 0))]
    dists = []
    for c in major:
        seed = (blob & strong & (cls == c)).astype(np.uint8)
        seed = cv2.morphologyEx(seed, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        dists.append(cv2.distanceTransform((1 - seed).astype(np.uint8), cv2.DIST_L2, 3))
    owner = np.argmin(np.stack(dists, -1), -1)
    pieces = []
    for k in range(len(major)):
        part = (blob & (owner == k)).astype(np.uint8)
        part = cv2.morphologyEx(part, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, lab_, stats, _ = cv2.connectedComponentsWithStats(part)
        for i in range(1, n):
            x, y, w, h, a = stats[i]
            if a >= min_px:
                pieces.append((lab_[y : y + h, x : x + w] == i, (int(x), int(y))))
    if not pieces or (len(pieces) == 1 and blob.sum() <= single_px):
        return [(blob, (0, 0))]
    return pieces


Placed = tuple[float, float, np.ndarray, bool]  # disc centre x, y (px), its pixels' Lab, ambiguous


def _merge_twins(placed: list[Placed], max_dist: float) -> list[Placed]:
    """Nearly concentric discs as one, coloured from both discs' pixels.

    Pieces of one sticker split by colour may land as separate blobs (a note's edge between
    them) and each earn a disc; two real stickers that close would hide one another.
    """
    merged: list[Placed] = []
    for p in placed:
        twin = next(
            (k for k, m in enumerate(merged) if np.hypot(p[0] - m[0], p[1] - m[1]) < max_dist),
            None,
        )
        if twin is None:
            merged.append(p)
        else:
            m = merged[twin]
            merged[twin] = (m[0], m[1], np.concatenate([m[2], p[2]]), m[3] or p[3])
    return merged


@dataclass(frozen=True, eq=False)
class StickerBlob:
    """A piece of the sticker mask to cover with discs: its pixels (box-sized), its box in the
    region, where a disc may lie (None: on the piece itself) and the blob it was split from
    (an index in the groups, None when whole)."""

    pixels: np.ndarray
    box: tuple[int, int, int, int]
    support: np.ndarray | None
    group: int | None


@dataclass(frozen=True, eq=False)
class Cover:
    pixels: np.ndarray
    box: tuple[int, int, int, int]
    centres: list  # disc centres in the box
    ambiguous: bool


def _box_of(c: np.ndarray) -> tuple[tuple[int, int, int, int], np.ndarray]:
    """A contour's bounding box and its filled pixels there."""
    bx, by, bw, bh = cv2.boundingRect(c)
    sub = np.zeros((bh, bw), np.uint8)
    cv2.drawContours(sub, [c - (bx, by)], -1, 1, -1)
    return (bx, by, bw, bh), sub.astype(bool)


def _small_blob_pieces(
    sub: np.ndarray,
    box: tuple[int, int, int, int],
    mask: np.ndarray,
    glare: np.ndarray,
    cls: np.ndarray,
    disc_area: float,
    groups: list[tuple[np.ndarray, tuple[int, int, int, int]]],
    cfg: DotsConfig,
) -> list[StickerBlob]:
    """A blob up to a note's share: touching stickers of different colours are covered one
    colour at a time, so a red disc is never credited with its yellow neighbour's pixels.
    A split blob is added to `groups` (its pieces may lie on the whole blob)."""
    bx, by, bw, bh = box
    strong = mask[by : by + bh, bx : bx + bw] & ~glare[by : by + bh, bx : bx + bw]
    pieces = _split_by_colour(
        sub,
        cls[by : by + bh, bx : bx + bw],
        strong,
        cfg.min_fill * disc_area,
        cfg.single_max_area * disc_area,
    )
    if len(pieces) == 1:  # one colour (or one piece left): cover it alone
        piece, (px, py) = pieces[0]
        pbox = (bx + px, by + py, piece.shape[1], piece.shape[0])
        return [StickerBlob(piece, pbox, _notch_support(piece, disc_area, cfg), None)]
    groups.append((sub, box))
    # one colour each, in the whole blob's frame: a sticker partly under its neighbours may
    # lie on them (the whole blob), its own colour must be new
    out = []
    for piece, (px, py) in pieces:
        ph, pw = piece.shape
        full = np.zeros((bh, bw), bool)
        full[py : py + ph, px : px + pw] = piece
        out.append(StickerBlob(full, box, sub, len(groups) - 1))
    return out


def _note_sized_pieces(
    sub: np.ndarray,
    box: tuple[int, int, int, int],
    mask: np.ndarray,
    cls: np.ndarray,
    n_classes: int,
    disc_area: float,
    note_area: float,
    cfg: DotsConfig,
) -> list[StickerBlob]:
    """A note-sized blob: a sticker may touch or sit on a note of another colour; its colour
    classes' pieces of a sticker's size are kept."""
    bx, by, bw, bh = box
    sub_cls = cls[by : by + bh, bx : bx + bw]
    sub_mask = mask[by : by + bh, bx : bx + bw] & sub
    out = []
    for ci in range(n_classes):
        _part, pcs = _fill_holes(
            cv2.morphologyEx(
                (sub_mask & (sub_cls == ci)).astype(np.uint8),
                cv2.MORPH_OPEN,
                np.ones((3, 3), np.uint8),
            )
        )
        for pc in pcs:
            if cfg.min_fill * disc_area <= cv2.contourArea(pc) <= cfg.note_area_frac * note_area:
                (px, py, pw, ph), pm = _box_of(pc)
                out.append(StickerBlob(pm, (bx + px, by + py, pw, ph), None, None))
    return out


def _cover_blobs(
    blobs: list[StickerBlob],
    groups: list[tuple[np.ndarray, tuple[int, int, int, int]]],
    mask: np.ndarray,
    r_px: float,
    disc_area: float,
    cfg: DotsConfig,
) -> list[Cover]:
    """Discs over every piece. A sticker whose colour lies between two classes (orange between
    red and yellow), or shades across them, is split by colour and each piece can earn a
    disc: a blob no larger than one sticker (and a bit) that a single disc covers whatever its
    colours is one."""
    covers = []
    for b in blobs:
        bx, by, bw, bh = b.box
        seen = mask[by : by + bh, bx : bx + bw]  # coloured pixels: not the holes filled in
        centres, _leftover, ambiguous = cover_with_discs(b.pixels, r_px, cfg, b.support, seen)
        covers.append(Cover(b.pixels, b.box, centres, ambiguous))
    # (disc_area: the expected sticker's, as the blobs were split with)
    for g, (whole, box) in enumerate(groups):
        if whole.sum() > cfg.single_max_area * disc_area:
            continue  # touching stickers of two colours: the split stands
        members = [i for i, b in enumerate(blobs) if b.group == g]
        bx, by, bw, bh = box
        seen = mask[by : by + bh, bx : bx + bw]
        centres, _leftover, ambiguous = cover_with_discs(whole, r_px, cfg, whole, seen)
        if len(centres) < sum(len(covers[i].centres) for i in members):
            for i in members:
                covers[i] = Cover(covers[i].pixels, box, [], False)
            covers.append(Cover(whole, box, centres, ambiguous))
    return covers


def _disc_pixels(
    covers: list[Cover], lab: np.ndarray, good_all: np.ndarray, r_px: float
) -> list[Placed]:
    """Each disc with its pixels' CIELAB: the blob's pixels within 0.8 r of its centre and
    nearer to it than to the others (glare left out)."""
    placed: list[Placed] = []
    for cv in covers:
        if not cv.centres:
            continue
        bx, by, bw, bh = cv.box
        pts = np.array(cv.centres) + np.array([bx, by], np.float64)
        sl = (slice(by, by + bh), slice(bx, bx + bw))
        ys, xs_ = np.nonzero(cv.pixels)
        ys, xs_ = ys + by, xs_ + bx
        d = np.hypot(xs_[:, None] - pts[None, :, 0], ys[:, None] - pts[None, :, 1])
        owner = np.argmin(d, 1)
        good = good_all[sl][cv.pixels]
        labs = lab[sl][cv.pixels]
        for i, (cx, cy) in enumerate(pts):
            sel = (owner == i) & (d[:, i] < 0.8 * r_px) & good
            if sel.sum() < 5:
                sel = (owner == i) & (d[:, i] < r_px)
            placed.append((float(cx), float(cy), labs[sel], cv.ambiguous))
    return placed


def place_discs(
    lab: np.ndarray,
    mask: np.ndarray,
    glare: np.ndarray,
    r_px: float,
    note_area: float,
    sticker_refs: dict[str, np.ndarray],
    cfg: DotsConfig = CONFIG.dots,
    classes: np.ndarray | None = None,
) -> tuple[list[Placed], float]:
    """Dot stickers in any image region: discs covering the sticker blobs of `mask`.

    lab: CIELAB of the region; mask: pixels that may be stickers (the caller's choice: chroma
    over a board's paper, or colour unlike a note's paper); glare: clipped highlights; r_px:
    the expected sticker radius (adjusted on lone stickers); note_area: a note's area in px
    (larger blobs are notes, split by colour class). Returns each sticker's centre (px), its
    pixels' CIELAB and whether its cluster was ambiguous, and the radius used. Which zone or
    note a sticker belongs to is decided by the caller. classes: classify_map(lab,
    sticker_refs)'s index where the mask is (what is read of it; elsewhere any value), when
    the caller has it (a wall photo's size bands share one image): else it is computed here.
    """
    disc_area = np.pi * r_px**2
    _filled, contours = _fill_holes(mask)  # glossy highlights inside a sticker are holes
    cls = classify_map(lab, sticker_refs)[0] if classes is None else classes
    blobs: list[StickerBlob] = []
    groups: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []  # split blobs, whole
    for c in contours:
        area = cv2.contourArea(c)
        if area < cfg.min_fill * disc_area:
            continue
        box, sub = _box_of(c)
        if area <= cfg.note_area_frac * note_area:
            blobs += _small_blob_pieces(sub, box, mask, glare, cls, disc_area, groups, cfg)
        else:
            blobs += _note_sized_pieces(
                sub, box, mask, cls, len(sticker_refs), disc_area, note_area, cfg
            )
    r_px = _effective_radius([b.pixels for b in blobs], r_px, cfg)
    covers = _cover_blobs(blobs, groups, mask, r_px, disc_area, cfg)
    placed = _disc_pixels(covers, lab, mask & ~glare, r_px)
    return _merge_twins(placed, cfg.twin_frac * r_px), r_px


# --- counting the stickers of a board's vote zones ---------------------------------------------


@dataclass(frozen=True)
class Window:
    """Where a board's stickers are looked for: the vote zones' bounding box grown by one
    sticker diameter (a sticker straddling a zone's edge is whole), in rectified board px."""

    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True, eq=False)  # holds arrays
class StickerMask:
    """The window's colour read for stickers: CIELAB, the pixels that may be stickers (the
    faint ones included), those found only by the faint threshold, and glare."""

    lab: np.ndarray
    mask: np.ndarray
    faint: np.ndarray
    glare: np.ndarray


@dataclass(frozen=True)
class Sticker:
    """One sticker counted: the dot, and what makes it less sure (washed out, in a cluster
    that is no whole number of stickers)."""

    dot: Dot
    faint: bool
    ambiguous: bool


def vote_window(rect: Rectified, zones: list[ZoneSpec], diameter_mm: float) -> Window:
    xs = [z.rect_mm[0] for z in zones] + [z.rect_mm[0] + z.rect_mm[2] for z in zones]
    ys = [z.rect_mm[1] for z in zones] + [z.rect_mm[1] + z.rect_mm[3] for z in zones]
    grow = diameter_mm
    return Window(*rect.rect_px(
        (min(xs) - grow, min(ys) - grow, max(xs) - min(xs) + 2 * grow, max(ys) - min(ys) + 2 * grow)
    ))


def sticker_mask(
    rect: Rectified,
    norm: Normalised,
    board: BoardLayout,
    win: Window,
    disc_area: float,
    cfg: DotsConfig,
) -> StickerMask:
    """Chroma over the normalised board (zones are grey ink), opened to drop the colour
    fringes of printed text, plus the stickers a glare veil washed out (_faint_stickers)."""
    ppm = rect.px_per_mm
    sl = (slice(win.y0, win.y1), slice(win.x0, win.x1))
    lab = norm.lab(win.y0, win.y1, win.x0, win.x1)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    valid = rect.valid[sl]
    mask = (chroma > cfg.chroma_min) & valid
    k = max(1, round(0.6 * ppm)) | 1  # opening removes colour fringes of printed text
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    h, w = rect.image.shape[:2]
    paper = cv2.resize(norm.paper.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    ink = print_ink(rect, board, cfg.faint_print_margin_mm)[sl]
    faint = _faint_stickers(chroma, valid, mask, paper[sl] > 0, ink, disc_area, kernel, cfg)
    glare = norm.clipped[sl] | ((lab[..., 0] > cfg.glare_l_min) & (chroma < cfg.chroma_min))
    return StickerMask(lab, mask | faint, faint, glare)


def read_sticker(
    placed: Placed,
    found: StickerMask,
    win: Window,
    rect: Rectified,
    board: BoardLayout,
    diameter_mm: float,
    refs: ColourRefs,
    cfg: DotsConfig,
) -> Sticker:
    """A placed disc as a dot: its colour (a declared one, or unknown when none or an
    undeclared colour is nearer), its vote zone, and a confidence lowered when unsure."""
    cx, cy, pix, ambiguous = placed
    faint = found.faint
    is_faint = bool(faint[min(round(cy), faint.shape[0] - 1), min(round(cx), faint.shape[1] - 1)])
    med = np.median(pix, axis=0)
    colour, de = classify(med, refs.stickers, cfg.unknown_delta_e)
    if colour != "unknown" and _nearer_undeclared(med, refs, colour, de, cfg):
        colour = "unknown"
    cmm = rect.px_to_mm(np.array([cx + win.x0 + 0.5, cy + win.y0 + 0.5]))  # px centres
    zone = board.zone_at(float(cmm[0]), float(cmm[1]))
    zid = zone.id if zone is not None and zone.kind == "vote" else None
    conf = float(np.clip(1.0 - de / (2 * cfg.unknown_delta_e), 0.0, 1.0)) * (
        0.6 if ambiguous or is_faint else 1.0
    )
    centre = (round(float(cmm[0]), 2), round(float(cmm[1]), 2))
    dot = Dot(board.id, zid, centre, diameter_mm / 2, colour, round(conf, 3))
    return Sticker(dot, is_faint, bool(ambiguous))


def tally(board: BoardLayout, zones: list[ZoneSpec], stickers: list[Sticker]) -> list[VoteCount]:
    """Votes per zone and colour; a zone holding an ambiguous cluster is marked so."""
    votes = []
    for z in zones:
        in_zone = [s for s in stickers if s.dot.zone == z.id]
        by_color: dict[str, int] = {}
        for s in in_zone:
            by_color[s.dot.color] = by_color.get(s.dot.color, 0) + 1
        ambiguous = any(s.ambiguous for s in in_zone)
        votes.append(VoteCount(board.id, z.id, z.vote or "agree", len(in_zone),
                               dict(sorted(by_color.items())), ambiguous=ambiguous))
    return votes


def zone_findings(
    z: ZoneSpec,
    board: BoardLayout,
    stickers: list[Sticker],
    rect: Rectified,
    norm: Normalised,
    cfg: DotsConfig,
) -> list[Finding]:
    """What a reviewer should check in one vote zone: clusters, washed-out or unknown
    stickers, glare over the zone, the zone cut by the photo's frame."""
    in_zone = [s for s in stickers if s.dot.zone == z.id]
    name = z.label or z.id
    out = []
    if any(s.ambiguous for s in in_zone):
        out.append(Finding("ambiguous_cluster", "zone", {"zone_name": name}, board.id, z.id))
    if washed := sum(s.faint for s in in_zone):
        values = {"zone_name": name, "count": washed}
        out.append(Finding("glare", "washed", values, board.id, z.id))
    if unknown := sum(s.dot.color == "unknown" for s in in_zone):
        values = {"zone_name": name, "count": unknown}
        out.append(Finding("unknown_colour", "zone", values, board.id, z.id))
    zx0, zy0, zx1, zy1 = rect.rect_px(z.rect_mm)
    zvalid = rect.valid[zy0:zy1, zx0:zx1]
    if zvalid.sum():
        share = float(norm.clipped[zy0:zy1, zx0:zx1][zvalid].mean())
        if share >= cfg.glare_zone_frac:
            values = {"zone_name": name, "share": share}
            out.append(Finding("glare", "zone", values, board.id, z.id))
    if zvalid.mean() < 0.98 if zvalid.size else True:
        out.append(Finding("zone_cut", "", {"zone_name": name}, board.id, z.id))
    return out


def count_dots(
    rect: Rectified,
    norm: Normalised,
    board: BoardLayout,
    diameter_mm: float,
    note_size_mm: float,
    refs: ColourRefs,
    cfg: DotsConfig = CONFIG.dots,
) -> tuple[list[Dot], list[VoteCount], list[Finding]]:
    """Stickers in the board's vote zones, their counts per zone and colour, and findings."""
    zones = [z for z in board.zones if z.kind == "vote"]
    if not zones:
        return [], [], []
    ppm = rect.px_per_mm
    r_px = diameter_mm / 2 * ppm
    win = vote_window(rect, zones, diameter_mm)
    found = sticker_mask(rect, norm, board, win, np.pi * r_px**2, cfg)
    note_area = (note_size_mm * ppm) ** 2
    placed, _ = place_discs(found.lab, found.mask, found.glare, r_px, note_area, refs.stickers, cfg)
    stickers = [
        read_sticker(p, found, win, rect, board, diameter_mm, refs, cfg) for p in placed
    ]
    findings = [f for z in zones for f in zone_findings(z, board, stickers, rect, norm, cfg)]
    return [s.dot for s in stickers], tally(board, zones, stickers), findings
