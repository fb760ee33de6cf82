"""Which blobs are shaped like a note, and the scale they give (markerless, no board).

The probe's second look (markerless.probe_photo), once wall_surface says what differs from
the wall: lone notes are filled squares (or rectangles, or quads in perspective), and their
median side sets the scale the finders run at (note_scale; scale_field: how it changes
across a wall seen at an angle; scale_bands: the size band of a place). The quad helpers
(_quad_of_blob's kin: enclosing_quad, order_corners, part_quads, lone_quads, lone_rectangles)
serve wall_surface (notes of the wall's own colour) and wall_notes (cover_notes). Shapes of
masks only: nothing here knows the wall's colour, so wall_surface may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from capture.core.config import Config, MarkerlessConfig, NotesConfig
from capture.vision.notes import _fill_holes, lone_note_side


def roundness(part: np.ndarray) -> float:
    """A blob's area over its minimum enclosing circle's: 1 for a disc, 2/pi for a square and
    less for any quadrilateral a note becomes in perspective."""
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return 0.0
    _c, r = cv2.minEnclosingCircle(max(cs, key=cv2.contourArea))
    return float(part.sum() / max(np.pi * (r + 0.5) ** 2, 1.0))


def elliptic(part: np.ndarray, fit_min: float) -> bool:
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
    quad = enclosing_quad(c)
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


def _one_note_quad(
    one: np.ndarray, cfg: MarkerlessConfig, aspect_max: float | None = None
) -> np.ndarray | None:
    """The corners (blob px) of a blob that is one clean quadrilateral (any convex one
    perspective makes of a note: see lone_quads; its sides within aspect_max, by default
    rect_aspect_max), or None."""
    if not clean_quad(one, cfg, aspect_max) or elliptic(one, cfg.ellipse_fit_min):
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
    outsized: list[tuple[float, float, float]] | None = None,
    sheets: list[tuple[np.ndarray, float, float]] | None = None,
) -> tuple[float | None, list[tuple[float, float, float]]]:
    """The usual note side (px) in this mask: the median side of its lone note blobs (square
    up to the shape perspective gives them, or left when thin things touching a note are
    opened away, or of one colour when the blob is notes of several colours edge to edge:
    edges, see colour_edges), else of its compact note-like blobs; None when
    nothing looks like a note. And each lone note's (x, y, side), for the scale's variation
    across a tilted photo. outsized: when given, the lone blobs left out as a room's things
    (scale_outnumber) are added to it as (x, y, side). sheets: the printed sheets
    (wall_surface.paper_sheets on this mask's photo): lone blobs printed on one (on_sheets)
    set no scale."""
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
        if roundness(part) > cfg.scale_round_max or elliptic(part, cfg.ellipse_fit_min):
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
    big = [c for c in cores if c[2] * lo / hi > max(lone, default=0.0)]
    if big and len(lone) < max(cfg.scale_field_min, cfg.scale_outnumber * len(big)):
        # every lone blob is far smaller than a note found in a larger blob: a phone's
        # camera, a sticker, not notes; else the lone notes alone, their outline unrounded.
        # Many lone blobs of one size outnumbering such cores are the notes, and the cores a
        # room's things (a folder with a label on it opened to its cover: scale_outnumber)
        lone, samples = [c[2] for c in cores], cores
    if lone:
        # perspective makes lone notes differ in size by scale_rel_range at most: far smaller
        # lone blobs are stickers or magnets (which the roundness test may miss, shaded)
        top = max(lone)
        below = [s for s in lone if s < top * lo / hi]
        if below and len(below) >= cfg.scale_outnumber * (len(lone) - len(below)):
            # the largest are a few things far larger than the many below them: a folder,
            # a book cover, a board in a room's view, not the wall's notes (notes share a
            # size; a folder of note colour is one of a kind)
            lone = below
            if outsized is not None:
                outsized += [p for p in samples if p[2] >= top * lo / hi]
            samples = [p for p in samples if p[2] < top * lo / hi]
            top = max(lone)
        printed = on_sheets(samples, sheets, cfg) if sheets else []
        if any(printed) and sum(printed) >= cfg.scale_printed_share * len(printed):
            # coloured blocks printed on a sheet beside the wall: a note's colour and shape,
            # of every size from a sticker's to a note's and more, and on a room's photo more
            # of them than of lone notes (their median set the scale 0.5-0.8 x the notes').
            # A few among many notes hardly move a median: they are left in then (judged
            # once a folder is left out: one far larger blob off the sheets would make the
            # sheets look note-sized).
            samples = [p for p, on in zip(samples, printed, strict=True) if not on]
            lone = [p[2] for p in samples]
            top = max(lone)
        floor = top * lo / hi
        samples = [p for p in samples if p[2] >= floor]
        return float(np.median([s for s in lone if s >= floor])), samples
    if compact:  # multi-note blobs are larger: take the small
        return float(np.percentile(compact, 25)), samples
    return None, samples


def on_sheets(
    samples: list[tuple[float, float, float]],
    sheets: list[tuple[np.ndarray, float, float]],
    cfg: MarkerlessConfig,
) -> list[bool]:
    """Which lone blobs (x, y, side in the sheets' px) lie on a printed sheet: one of
    paper_sheets (its filled mask, long and short side) that measures sheet_min_mm ..
    sheet_max_mm against the median side of the blobs off every sheet taken as note_mm, as
    wall_surface.printed_on judges found notes. With no blob off the sheets none is printed
    (a flipchart holding the notes)."""
    at = []
    for x, y, _s in samples:
        at.append([
            bool(m[min(max(round(y), 0), m.shape[0] - 1), min(max(round(x), 0), m.shape[1] - 1)])
            for m, _l, _s2 in sheets
        ])
    off = [s for (_x, _y, s), a in zip(samples, at, strict=True) if not any(a)]
    if not off:
        return [False] * len(samples)
    mm = cfg.note_mm / float(np.median(off))
    printed = [cfg.sheet_min_mm <= short * mm and long * mm <= cfg.sheet_max_mm
               for _m, long, short in sheets]
    return [any(a and p for a, p in zip(row, printed, strict=True)) for row in at]


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


def lone_rectangles(
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
        out.append((order_corners(box), float(area / (rw * rh))))
        rest[y : y + bh, x : x + bw] &= ~part.astype(bool)
    return out, rest


def _quad_of_blob(contour: np.ndarray) -> np.ndarray | None:
    """The four corners (TL TR BR BL) of the least quadrilateral enclosing a blob's outer
    contour: the note's own corners where the mask's opening rounded them (whether the blob
    fills it, no notch where two notes meet, is the caller's test)."""
    quad = enclosing_quad(contour)
    if quad is None or len(quad) != 4:
        return None
    return order_corners(quad.astype(np.float64))


def enclosing_quad(contour: np.ndarray) -> np.ndarray | None:
    """The least quadrilateral (4 x 2, contour px) enclosing a contour, or None when its convex
    hull has fewer than four corners (a blob one pixel thin): cv2.approxPolyN asserts then."""
    hull = cv2.convexHull(contour.reshape(-1, 1, 2).astype(np.float32))
    if len(hull) < 4:
        return None
    return cv2.approxPolyN(hull, 4, ensure_convex=True).reshape(-1, 2)


def lone_quads(
    mask: np.ndarray,
    side_at: Callable[[np.ndarray], float],
    cfg: Config,
    lab: np.ndarray | None = None,
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Lone notes the square finder misses: a blob that is one clean quadrilateral (a note in
    perspective is any convex quadrilateral: a far note in a strongly tilted photo is longer
    than lone_aspect_max, a skewed one a parallelogram that fills a fraction of its minimum-area
    rectangle) of a note's size where it lies (its area's side from lone_side_range[0] to
    lone_quad_max x the side expected there: a larger quadrilateral may be two notes one over
    the other, as two yellow notes on a real kanban board), its sides within rect_aspect_max
    of each other, or a card (_card) of one paper (lab, the search image in CIELAB: its two
    halves one colour, _one_paper).
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
        if not (lo * s) ** 2 <= whole.sum() <= (m.lone_quad_max * s) ** 2 * m.lone_quad_aspect_max:
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
        if fill < m.rect_fill_min:
            continue
        at = quad + np.array([x, y], np.float64)
        if strip_shaped(quad, float(whole.sum()), s, m):
            # a title strip (a card or a square cut in two): one paper, no seam across it
            if lab is None or not _one_paper(at, lab, m.card_paper_ab):
                continue
            if seam_depth(at, lab, m.seam_inner, m.seam_middle) >= m.strip_seam_max:
                continue  # two notes of one colour side by side: the coverer's
            out.append((at, min(fill, 1.0)))
            rest[y : y + bh, x : x + bw] &= ~part
            continue
        if sides.max() > m.lone_quad_aspect_max * sides.min():
            continue
        if whole.sum() > (m.lone_quad_max * s) ** 2 * _aspect(quad):
            continue  # wider than a note there: maybe two one over the other (the coverer's)
        if not _card(quad, float(whole.sum()), fill, s, m):
            continue
        if lab is not None and _aspect(quad) > m.rect_aspect_max and not _one_paper(
            at, lab, m.card_paper_ab
        ):
            continue  # two notes of two colours stuck edge to edge: the coverer's
        if lab is not None and _aspect(quad) > m.rect_aspect_max and seam_depth(
            at, lab, m.seam_inner, m.seam_middle
        ) >= m.strip_seam_max:
            continue  # two notes of one colour side by side, a seam across: the coverer's
        out.append((quad + np.array([x, y], np.float64), min(fill, 1.0)))
        rest[y : y + bh, x : x + bw] &= ~part
    return out, rest


def part_quads(
    mask: np.ndarray,
    edges: np.ndarray,
    side_at: Callable[[np.ndarray], float],
    cfg: Config,
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Notes of different colours stuck edge to edge: a blob's part of one colour
    (colour_parts) that is one clean quadrilateral (_one_note_quad) of a note's size where
    it lies (its area's side from lone_side_range[0] to lone_quad_max x the side expected
    there: two notes of one colour side by side make one larger quadrilateral) is a note at
    that outline, as a lone one is (lone_quads): the square coverer lays squares of the
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
            q = _one_note_quad(one, m, m.lone_quad_aspect_max)
            if q is None:
                continue  # the square coverer's
            if not (lo * s) ** 2 <= one.sum() <= (m.lone_quad_max * s) ** 2 * _aspect(q):
                continue
            q_area = float(cv2.contourArea(q.astype(np.float32)))
            if not _card(q, float(one.sum()), float(one.sum()) / max(q_area, 1.0), s, m):
                continue
            out.append((q + np.array([x, y], np.float64), min(1.0, float(one.sum()) / q_area)))
            rest[y : y + bh, x : x + bw] &= ~one
    return out, rest


def _aspect(quad: np.ndarray) -> float:
    """A quadrilateral's length over its width (the means of its opposite sides), at least 1:
    a card (76 x 127 mm, 3 x 5 in) is as wide as a square note and longer, so its area is
    bounded by a note's side squared times this, not by a note's area."""
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    a, b = sides[0] + sides[2], sides[1] + sides[3]
    return float(max(a, b) / max(min(a, b), 1e-9))


def _card(quad: np.ndarray, area: float, fill: float, side: float, m: MarkerlessConfig) -> bool:
    """Whether a clean quadrilateral beyond one square note's bounds (area over
    lone_quad_max x the side there squared, or a side over rect_aspect_max x another) is a
    card (76 x 127, 102 x 152 mm): as wide as one (lone_card_width_min x the side there: those
    packs are a note's width or more, narrowed only by the wall's turn; a narrower strip that
    long is a spine, a strip of a note under another or a printed block) and one sheet, its
    sides straight (fill of its quadrilateral card_fill_min or more: two notes stacked in a
    column are never quite in line, their outline steps where one overlaps the other).
    Within those bounds: True (as before the cards)."""
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    if area <= (m.lone_quad_max * side) ** 2 and sides.max() <= m.rect_aspect_max * sides.min():
        return True
    width = min(sides[0] + sides[2], sides[1] + sides[3]) / 2
    return bool(width >= m.lone_card_width_min * side and fill >= m.card_fill_min)


def strip_shaped(quad: np.ndarray, area: float, side: float, m: MarkerlessConfig) -> bool:
    """Whether a clean quadrilateral is shaped as a title strip and as no note pack: longer
    than a card (past lone_quad_aspect_max, or past rect_aspect_max and narrower than a card,
    lone_card_width_min) up to strip_aspect_max, strip_width_min to strip_width_max x the side
    there wide (narrower than a note: one as wide and 2:1 is two side by side) and at most
    strip_length_max x it long (a strip is cut from a note or a card: no longer than the
    longest pack, 152 mm), its area a note's share or more (lone_side_range).
    Whether it is one sheet is the caller's (one paper, no seam across it)."""
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    width = min(sides[0] + sides[2], sides[1] + sides[3]) / 2
    length = max(sides[0] + sides[2], sides[1] + sides[3]) / 2
    aspect = length / max(width, 1e-9)
    if aspect <= m.rect_aspect_max or aspect > m.strip_aspect_max:
        return False
    if aspect <= m.lone_quad_aspect_max and width >= m.lone_card_width_min * side:
        return False  # a card's shape: _card's
    return bool(
        m.strip_width_min * side <= width <= m.strip_width_max * side
        and length <= m.strip_length_max * side
        and area >= (m.lone_side_range[0] * side) ** 2
    )


def _one_paper(quad: np.ndarray, lab: np.ndarray, ab_max: float) -> bool:
    """Whether a card's two halves across its length are one paper: their median a*, b*
    within ab_max (a sheet's light falls off in lightness, its colour stays; two notes of two
    colours side by side, overlapping or edge to edge, make a card's outline but differ by
    far more). quad: 4 x 2 corners (search px, in order); lab: the search image (CIELAB)."""
    q = order_corners(np.asarray(quad, np.float64))
    sides = np.linalg.norm(np.roll(q, -1, 0) - q, axis=1)
    if sides[0] + sides[2] < sides[1] + sides[3]:
        q = np.roll(q, -1, 0)  # sides 0 and 2 the long ones
    m01, m23 = (q[0] + q[1]) / 2, (q[2] + q[3]) / 2
    medians = []
    for half in (np.array([q[0], m01, m23, q[3]]), np.array([m01, q[1], q[2], m23])):
        c = half.mean(axis=0)
        inner = c + 0.7 * (half - c)  # clear of the edges and their shadow
        poly = np.zeros(lab.shape[:2], np.uint8)
        cv2.fillConvexPoly(poly, np.round(inner).astype(np.int32), 1)
        px = lab[poly.astype(bool)]
        if len(px) < 10:
            return True  # too small to tell: as before
        medians.append(np.median(px[:, 1:3], axis=0))
    return bool(np.hypot(*(medians[0] - medians[1])) <= ab_max)


def seam_depth(quad: np.ndarray, lab: np.ndarray, inner: float, middle: float) -> float:
    """How much darker (L*) a line across a quadrilateral's length is than the paper on both
    sides of it, at its deepest within the middle share of the length (0 when none is): two
    notes side by side leave their edges and a shadow across, a sheet has none. Per position
    along the length the lightness is a high percentile (80th) across the inner share of the
    width (clear of the long sides' own shadow), so handwriting, which leaves a column's
    margins paper, does not darken it; a seam runs side to side and does. quad: 4 x 2 corners
    (search px, in order); lab: the search image (CIELAB)."""
    q = order_corners(np.asarray(quad, np.float64))
    sides = np.linalg.norm(np.roll(q, -1, 0) - q, axis=1)
    if sides[0] + sides[2] < sides[1] + sides[3]:
        q = np.roll(q, -1, 0)  # sides 0 and 2 the long ones
    length = round(max(sides[0] + sides[2], sides[1] + sides[3]) / 2)
    width = round(min(sides[0] + sides[2], sides[1] + sides[3]) / 2)
    if length < 16 or width < 6:
        return 0.0
    dst = np.array([[0, 0], [length - 1, 0], [length - 1, width - 1], [0, width - 1]], np.float32)
    hmat = cv2.getPerspectiveTransform(q.astype(np.float32), dst)
    flat = cv2.warpPerspective(
        np.ascontiguousarray(lab[..., 0], np.float32), hmat, (length, width), flags=cv2.INTER_LINEAR
    )
    cut = round(width * (1 - inner) / 2)
    band = flat[cut : width - cut] if width - 2 * cut >= 3 else flat
    prof = np.percentile(band, 80, axis=0)
    k = max(3, round(0.08 * length))  # the paper either side: a few mm past the line
    lo = round(length * (1 - middle) / 2)
    best = 0.0
    for i in range(max(lo, k + 1), min(length - lo, length - k - 1)):
        line = float(prof[i - 1 : i + 2].min())
        left = float(np.median(prof[i - k - 1 : i - 1]))
        right = float(np.median(prof[i + 2 : i + k + 2]))
        best = max(best, min(left, right) - line)
    return best


def m_aspect_min(cfg: Config) -> float:
    """Below this aspect a lone blob is a square note (the square finder's business)."""
    return cfg.notes.lone_aspect_max


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points as TL, TR, BR, BL (image axes): sorted by angle round their centre, starting
    from the one nearest the top-left direction."""
    pts = np.asarray(pts, np.float64).reshape(4, 2)
    c = pts.mean(0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image axes (y down)
    start = int(np.argmin(pts.sum(1)))
    return np.roll(pts, -start, axis=0)


def clean_quad(whole: np.ndarray, cfg: MarkerlessConfig, aspect_max: float | None = None) -> bool:
    """Whether a blob (holes filled) fills the least quadrilateral enclosing it at
    rect_fill_min, that quadrilateral's sides within aspect_max (default rect_aspect_max) of
    each other."""
    cs, _ = cv2.findContours(whole.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = _quad_of_blob(max(cs, key=cv2.contourArea)) if cs else None
    if quad is None:
        return False
    sides = np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)
    q_area = float(cv2.contourArea(quad.astype(np.float32)))
    fill = float(whole.sum()) / max(q_area, 1.0)
    most = cfg.rect_aspect_max if aspect_max is None else aspect_max
    return sides.max() <= most * sides.min() and fill >= cfg.rect_fill_min


def scale_bands(
    coef: np.ndarray | None, xy_photo: np.ndarray, cfg: MarkerlessConfig
) -> np.ndarray:
    """Per point (photo px): the band of the expected note size, in steps of scale_band_step
    (0: the usual size); all 0 without a scale field."""
    if coef is None:
        return np.zeros(len(xy_photo), int)
    rel = coef[0] + coef[1] * xy_photo[:, 0] + coef[2] * xy_photo[:, 1]
    rel = np.clip(rel, cfg.scale_rel_range[0], cfg.scale_rel_range[1])
    return np.round(np.log(rel) / np.log(1 + cfg.scale_band_step)).astype(int)
