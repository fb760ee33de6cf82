"""A note's outline as the paper shows it: four edges fitted where its paper ends.

The note finders cover blobs with squares (notes.find_squares) of quantised sizes at 1 px per
nominal mm, and a blob is a square only in a photo taken square on: seen askew a note is any
convex quadrilateral, and two notes touching are one blob. Starting from such a first outline,
each side is looked for on short lines across it: where the note's paper ends (the wall, a
neighbour of another colour, the shadow line between two notes of one colour), the point
farthest out on each line. A line is fitted to those points per side, robustly (a sticker or
the ink stuck across an edge, a curled corner, a note overlapping it leave points off the
edge, a minority), and the corners are where adjacent sides meet. A side with too few points
on one line keeps the first outline's.

Plain functions over arrays (work image CIELAB, corners in its pixels).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import cv2
import numpy as np

from capture.core.config import MarkerlessConfig


def _paper_distance(lab: np.ndarray, paper: np.ndarray, l_weight: float) -> np.ndarray:
    paper = np.asarray(paper)
    dt = np.result_type(lab, paper)
    if (
        lab.ndim >= 2
        and paper.ndim == 1
        and (dt == np.float64 or (dt == np.float32 and type(l_weight) is float))
    ):
        # the formula below channel by channel in place (its operations, types and order, as
        # wall_surface.foreground takes them): no N x 3 temporaries
        out = np.subtract(lab[..., 0], paper[0], dtype=dt)
        out *= l_weight
        out *= out
        for c in (1, 2):
            t = np.subtract(lab[..., c], paper[c], dtype=dt)
            t *= t
            out += t
        return np.sqrt(out, out=out)
    d = lab - paper
    return np.sqrt((l_weight * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)


def _ends_of_paper(
    prof: np.ndarray, step: int, run: int, tol: float, rise_min: float
) -> np.ndarray:
    """Per profile (rows, inward to outward, NaN off the image): the index where the paper
    ends, the outermost one (ink and stickers inside end it earlier), or -1. The paper ends
    at k when the profile `step` before k is paper (within tol of its colour), from `step`
    after it on for `run` samples it is not (a pen stroke on a note beyond is thinner), and
    it rises by rise_min or more across k."""
    n = prof.shape[1]
    notpaper = np.nan_to_num(prof, nan=-1.0) >= tol
    csum = np.concatenate([np.zeros((len(prof), 1)), np.cumsum(notpaper, 1)], 1)
    k = np.arange(step, n - step - run + 1)
    if len(k) == 0:
        return -np.ones(len(prof), int)
    before, after = prof[:, k - step], prof[:, k + step]
    ok = (before < tol) & (after - before >= rise_min)
    ok &= csum[:, k + step + run] - csum[:, k + step] == run
    idx = np.where(ok, k[None], -1)
    return idx.max(axis=1)


def _seams(prof: np.ndarray, step: int, run: int, tol: float, rise_min: float) -> np.ndarray:
    """Per profile (as _ends_of_paper's), where a thin line crosses the paper: the shared
    edge of two notes of one colour, seen only as a shadow or a brightness step between
    them. A sample k is one when the profile peaks there (the highest within `step` either
    way), rising by rise_min or more from the paper within `run` before it, and the paper comes
    back within `run` samples after it and stays for `run` more (the other note's paper:
    the line is thinner than an end of the paper). A pen stroke is one too: which of them
    is the edge is left to the line most profiles agree on. Returns (profile, k) pairs."""
    n = prof.shape[1]
    k = np.arange(run, n - 2 * run - 1)
    if len(k) == 0:
        return np.zeros((0, 2), int)
    p = np.nan_to_num(prof, nan=1e6)  # off the image: no paper
    paper = p < tol
    csum = np.concatenate([np.zeros((len(p), 1)), np.cumsum(paper, 1)], 1)
    # the paper within `run` before it (the upper note's shadow darkens the lower one's
    # paper over a few mm up to the line)
    before = np.min([p[:, k - o] for o in range(1, run + 1)], axis=0)
    peak = (before < tol) & (p[:, k] - before >= rise_min)
    for o in range(1, step + 1):
        peak &= p[:, k] >= p[:, k - o]
        peak &= p[:, np.minimum(k + o, n - 1)] <= p[:, k]
    back = np.zeros_like(peak)
    for j in range(1, run + 1):  # the paper again j samples on, for run samples
        kj = k + j
        whole = csum[:, np.minimum(kj + run, n)] - csum[:, kj] == run
        back |= whole & (kj + run <= n)
    rows, cols = np.nonzero(peak & back)
    return np.stack([rows, k[cols]], 1)


def _edge_points(
    dist: np.ndarray,
    bare: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    out: np.ndarray,
    cfg: MarkerlessConfig,
    seams: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Points (work px) where the paper ends on lines across the side a -> b, `out` its
    outward normal, the lines spread over outline_side_span of it, each reaching
    outline_reach x the side either way; and per point whether the bare wall lies just
    beyond it (`bare`: 1 on the wall's pixels), not another note. With `seams`, the thin
    lines across the paper (_seams) are added, reaching outline_seam_inward x the side
    inward, and the second array is each point's line across the side instead."""
    length = float(np.linalg.norm(b - a))
    reach = max(4.0, cfg.outline_reach * length)
    inward = max(reach, cfg.outline_seam_inward * length) if seams else reach
    lo, hi = cfg.outline_side_span
    ts = np.linspace(lo, hi, cfg.outline_lines)
    offs = np.arange(-inward, reach + 0.5, 1.0)
    base = a[None] + ts[:, None] * (b - a)[None]
    grid = base[:, None, :] + offs[None, :, None] * out[None, None, :]
    gx, gy = grid[..., 0].astype(np.float32), grid[..., 1].astype(np.float32)
    nan = float("nan")
    prof = cv2.remap(
        dist, gx, gy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=nan
    )
    step = max(1, round(cfg.outline_step_mm * cfg.work_px_per_mm))
    run = max(1, round(cfg.outline_beyond_mm * cfg.work_px_per_mm))
    k = _ends_of_paper(prof, step, run, cfg.outline_paper_de, cfg.outline_rise_min)
    hit = k >= 0
    pts = grid[hit, k[hit]]
    if seams:
        sm = _seams(prof, step, run, cfg.outline_paper_de, cfg.outline_seam_rise)
        rows = np.concatenate([np.nonzero(hit)[0], sm[:, 0]])
        return np.concatenate([pts, grid[sm[:, 0], sm[:, 1]]]).reshape(-1, 2), rows
    if len(pts) == 0:
        return pts, np.zeros(0, bool)
    beyond = pts + 2 * step * out
    wall = cv2.remap(
        bare,
        beyond[:, 0].astype(np.float32).reshape(-1, 1),
        beyond[:, 1].astype(np.float32).reshape(-1, 1),
        cv2.INTER_NEAREST,
    )
    return pts, wall.reshape(-1) > 0


def _robust_line(
    pts: np.ndarray,
    cfg: MarkerlessConfig,
    rows: np.ndarray | None = None,
    along: tuple[np.ndarray, float] | None = None,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A point and a unit direction of the line most of the points lie on (within
    outline_fit_px of it): of the lines through two of them, the one most lie near,
    refitted on those (least squares); None when fewer than outline_min_share of the lines
    across the side found the paper's end on it. Two edges seen along one side (a note's,
    and the one of a note of its colour it overlaps) are two lines: the larger share wins.
    rows: each point's line across the side when a line may hold several (seams): the
    lines through two points of one line are not tried, and the share counts lines.
    along: a unit direction and the least |cosine| a line tried makes with it. out: the
    outward normal when, of the lines outline_min_share of the lines cross, the outermost
    is wanted (a seam, not a line of writing further in along it)."""
    need = max(3, cfg.outline_min_share * cfg.outline_lines)
    rows = np.arange(len(pts)) if rows is None else np.asarray(rows)
    if len(np.unique(rows)) < need:
        return None
    i, j = np.triu_indices(len(pts), 1)
    d = pts[j] - pts[i]
    long_ = np.linalg.norm(d, axis=1)
    ok = (long_ > 1e-6) & (rows[i] != rows[j])
    if along is not None:
        ok &= np.abs(d @ along[0]) >= along[1] * long_
    i, j, d, long_ = i[ok], j[ok], d[ok], long_[ok]
    normal = np.stack([-d[:, 1], d[:, 0]], 1) / long_[:, None]
    res = np.abs(
        np.einsum("pk,nk->pn", normal, pts) - np.einsum("pk,pk->p", normal, pts[i])[:, None]
    )
    inl = res <= cfg.outline_fit_px
    if not len(inl):
        return None
    # lines (not points) near each candidate: a pen stroke crossed twice counts once
    onehot = np.zeros((len(pts), int(rows.max()) + 1), bool)
    onehot[np.arange(len(pts)), rows] = True
    support = (inl.astype(np.int32) @ onehot.astype(np.int32) > 0).sum(1)
    if support.max() < need:
        return None
    pick = int(np.argmax(support))
    if out is not None:
        enough = np.nonzero(support >= need)[0]
        pick = int(enough[np.argmax((pts[i[enough]] + pts[j[enough]]) @ out)])
    best = inl[pick]
    vx, vy, x0, y0 = cv2.fitLine(pts[best].astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01)
    return np.array([x0[0], y0[0]], float), np.array([vx[0], vy[0]], float)


def _meet(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    (p1, d1), (p2, d2) = l1, l2
    m = np.array([d1, -d2]).T
    if abs(np.linalg.det(m)) < 1e-6:
        return (p1 + p2) / 2
    t = np.linalg.solve(m, p2 - p1)
    return p1 + t[0] * d1


Line = tuple[np.ndarray, np.ndarray]  # a point and a unit direction


@dataclass(frozen=True, eq=False)
class FittedQuad:
    quad: np.ndarray  # work px, TL TR BR BL: the sides where the paper ends
    # the same with the sides that ended against another note far from the first outline's
    # kept as the first outline's (None: no such side): which of the two is this note's is
    # decided against the other notes' shapes (settle_quads)
    cautious: np.ndarray | None
    # every side fitted to the paper's edge and none in doubt: the note's own four corners,
    # as perspective shows them (what the wall plane is estimated on)
    whole: bool = False
    # per side (TL-TR, TR-BR, BR-BL, BL-TL): whether the paper's end or a seam was found on it
    # (False: the first outline's side kept: no edge there, or the photo's frame)
    edged: tuple[bool, bool, bool, bool] = (True, True, True, True)
    # the part of the quad its paper shows, when the quad reaches on under another note
    # (split_at_seam's strip of a note stuck under the next one); None: all of it
    shown: np.ndarray | None = None


def _side_line(
    dist: np.ndarray,
    bare: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    centre: np.ndarray,
    cfg: MarkerlessConfig,
    seams: bool = True,
    ink: np.ndarray | None = None,
) -> tuple[Line, bool, bool]:
    """The line of the side a -> b as the paper shows it, or the side itself when its edge
    is not seen; whether its end was seen (not a seam with a note of its colour,
    _seam_line); and whether it is in doubt: an edge against another note (most of its
    points not on the bare wall) farther than outline_note_move x the side from the first
    outline's. A note stuck over this one ends its paper there, short of its own edge; or
    this note is the one on top, and its first outline was off. seams: whether a seam
    (_seam_line) may be taken when no end is seen."""
    length = max(float(np.linalg.norm(b - a)), 1e-9)
    d = (b - a) / length
    out = np.array([d[1], -d[0]])
    if out @ ((a + b) / 2 - centre) < 0:
        out = -out
    pts, wall = _edge_points(dist, bare, a, b, out, cfg)
    fit = _robust_line(pts, cfg)
    seen = fit is not None
    if fit is None:
        # the other note's paper beyond a seam; the note under it ends a little short of
        # it, under the upper one: not its own corner for the wall plane (not seen)
        fit = _seam_line(dist, bare, (a, b, out), cfg, ink) if seams else None
        if fit is None:
            return (a, d), False, False
        wall = np.zeros(1)
    p, u = fit
    moved = abs(((a + b) / 2 - p) @ np.array([-u[1], u[0]]))
    return fit, seen, bool(wall.mean() < 0.5 and moved > cfg.outline_note_move * length)


def _seam_line(
    dist: np.ndarray,
    bare: np.ndarray,
    side: tuple[np.ndarray, np.ndarray, np.ndarray],
    cfg: MarkerlessConfig,
    ink: np.ndarray | None = None,
) -> Line | None:
    """A side whose paper runs on into a note of its colour (no end seen): the line of the
    seam between them (a shadow or brightness step, _seams) most lines across the side
    cross, within outline_seam_angle of the side's direction (a line of writing along the
    side is no straighter than that), or None. A note's own ink is crossed too, but seldom
    on one straight line over outline_min_share of the side. ink: 1 where the crop is
    writing (fit_paper_quad, with outline_seam_ink): the line must run on along its pixels
    free of ink (_continuous): a line of letters whose strokes rise like a seam is no seam
    (real post-its-8: a line through the next note's first words taken for the side)."""
    a, b, out = side
    pts, rows = _edge_points(dist, bare, a, b, out, cfg, seams=True)
    d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-9)
    cos_min = float(np.cos(np.radians(cfg.outline_seam_angle)))
    fit = _robust_line(pts, cfg, rows, (d, cos_min), out)
    if fit is None or abs(float(fit[1] @ d)) < cos_min:
        return None  # (the refit on the points may turn a little further)
    return fit if _continuous(dist, fit, side, cfg, ink, mostly_ink_whole=True) else None


def _continuous(
    dist: np.ndarray,
    line: Line,
    side: tuple[np.ndarray, np.ndarray, np.ndarray],
    cfg: MarkerlessConfig,
    ink: np.ndarray | None = None,
    mostly_ink_whole: bool = False,
) -> bool:
    """Whether a seam line runs on along the side: at every pixel along it (over
    outline_side_span of the side), the paper distance on it (the highest within
    outline_fit_px + outline_step_mm across) rises outline_seam_rise / 2 over the paper just
    inside (the least within outline_beyond_mm), on outline_seam_whole of them. An edge is one line
    end to end; a line of writing along the side breaks between letters and words.
    ink: where writing lies (1): the pixels whose band across the line crosses it tell
    nothing and are left out; with more than outline_seam_whole of them crossed, no seam
    shows (seam_along's rule), or, with mostly_ink_whole (the outline fit's seam), every
    pixel is counted as with no ink given (a seam with a line of writing all along it)."""
    a, b, out = side
    p, u = line
    lo, hi = cfg.outline_side_span
    ta, tb = sorted([float((a - p) @ u), float((b - p) @ u)])
    span = tb - ta
    ts = np.arange(ta + lo * span, ta + hi * span, 1.0)
    n = np.array([-u[1], u[0]])
    n = -n if out @ n < 0 else n
    run = max(1, round(cfg.outline_beyond_mm * cfg.work_px_per_mm))
    # (on it: within the fit's tolerance and the step either way, the seam between two notes
    # a little askew of each other is a thin wedge)
    fit = max(1, round(cfg.outline_fit_px + cfg.outline_step_mm * cfg.work_px_per_mm))
    offs = np.arange(-fit - run, fit + 1, 1.0)
    grid = p[None, None] + ts[:, None, None] * u[None, None] + offs[None, :, None] * n[None, None]
    prof = cv2.remap(
        dist,
        grid[..., 0].astype(np.float32),
        grid[..., 1].astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=float("nan"),
    )
    with warnings.catch_warnings():  # a line wholly past the photo's frame (a cut note): NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        on = np.nanmax(prof[:, run:], axis=1)
        inside = np.nanmin(prof[:, :run], axis=1)
    rise = np.nan_to_num(on - inside, nan=0.0) >= cfg.outline_seam_rise / 2
    if ink is not None:  # (seam_along: where the line crosses writing it tells nothing)
        crossed = cv2.remap(
            ink, grid[..., 0].astype(np.float32), grid[..., 1].astype(np.float32),
            cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0,
        ).max(axis=1) > 0
        if crossed.mean() <= cfg.outline_seam_whole:
            rise = rise[~crossed]
        elif not mostly_ink_whole:
            return False  # all writing: no seam shown
    return bool(len(rise) and rise.mean() >= cfg.outline_seam_whole)


def _light(lum: np.ndarray) -> np.ndarray:
    """CIE Y (the share of light sent back, 0-1) of CIE L*."""
    lum = np.asarray(lum, np.float64)
    return np.where(lum > 8.0, ((lum + 16.0) / 116.0) ** 3, lum / 903.3)


def seam_along(
    lab: np.ndarray, a: np.ndarray, b: np.ndarray, inward: np.ndarray, paper: np.ndarray,
    cfg: MarkerlessConfig,
) -> bool:
    """Whether a line shows along the segment a -> b (work px) of a note of this paper: its
    end or a seam (_continuous: a rise over the paper inside, `inward` the unit normal
    towards it, on outline_seam_whole of the pixels along it), ink left out: where the line
    crosses writing (a pixel within reach of it darker than the paper by merge_ink_drop in
    L*, or sending back under seam_ink_light of the paper's light: in a dim photo writing is
    less than merge_ink_drop under the paper, and its letters rise like a seam) it tells
    nothing: the line must rise on outline_seam_whole of the pixels free of ink
    (between letters and words a line of writing along the side is flat paper), and a line
    with under 1 - outline_seam_whole of them free shows no seam. The shadow or the
    brightness step between two papers of one colour is fainter; a hue step (two shades of
    one colour, the wall in a gap) is no ink."""
    reach_mm = cfg.outline_step_mm + cfg.outline_beyond_mm
    pad = cfg.outline_fit_px + reach_mm * cfg.work_px_per_mm + 2
    lo = np.maximum(np.floor(np.minimum(a, b) - pad).astype(int), 0)
    hi = np.ceil(np.maximum(a, b) + pad).astype(int) + 1
    crop = lab[lo[1] : hi[1], lo[0] : hi[0]]
    if crop.shape[0] < 2 or crop.shape[1] < 2:
        return False
    dist = _paper_distance(crop, paper, cfg.outline_l_weight).astype(np.float32)
    ink = (crop[..., 0] < float(paper[0]) - cfg.merge_ink_drop) | (
        _light(crop[..., 0]) < cfg.seam_ink_light * float(_light(np.float64(paper[0])))
    )
    a, b = a - lo, b - lo
    u = (b - a) / max(float(np.linalg.norm(b - a)), 1e-9)
    side = (a, b, -np.asarray(inward, np.float64))
    return _continuous(dist, (a, u), side, cfg, ink.astype(np.float32))


def _quad_of(
    lines: list[Line], corners: np.ndarray, side: float, cfg: MarkerlessConfig
) -> np.ndarray:
    """Where adjacent sides meet, or the first outline when that is no convex quadrilateral
    near it (every corner within outline_move_max x the side)."""
    quad = np.array([_meet(lines[(i + 3) % 4], lines[i]) for i in range(4)])
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return corners
    if np.linalg.norm(quad - corners, axis=1).max() > cfg.outline_move_max * side:
        return corners
    return quad


def fit_paper_quad(
    lab: np.ndarray,
    corners: np.ndarray,
    paper: np.ndarray,
    surfaces: list[np.ndarray],
    cfg: MarkerlessConfig,
) -> FittedQuad:
    """The note's four corners (work px, TL TR BR BL) where its paper's edges meet, from a
    first outline `corners` (same order), its paper colour and the bare surfaces' (CIELAB,
    none: every edge taken as against the wall). A side whose edge is not seen keeps the
    first outline's; the first outline itself when the fit is no convex quadrilateral near
    it (within outline_move_max x the side)."""
    corners = np.asarray(corners, np.float64).reshape(4, 2)
    side = float(np.mean(np.linalg.norm(np.roll(corners, -1, 0) - corners, axis=1)))
    reach = cfg.outline_reach * side + 4
    x0, y0 = np.maximum(np.floor(corners.min(0) - reach).astype(int), 0)
    x1, y1 = np.ceil(corners.max(0) + reach).astype(int) + 1
    crop = lab[y0:y1, x0:x1]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return FittedQuad(corners, None)
    dist = _paper_distance(crop, paper, cfg.outline_l_weight).astype(np.float32)
    if surfaces:
        near = np.min([_paper_distance(crop, s, cfg.fg_l_weight) for s in surfaces], axis=0)
        bare = (near <= cfg.fg_delta_e).astype(np.uint8)
    else:  # no surface known: every edge taken as against the wall
        bare = np.ones(crop.shape[:2], np.uint8)
    off = np.array([x0, y0], np.float64)
    local = corners - off
    centre = local.mean(0)
    ink = None
    if cfg.outline_seam_ink:
        ink = (
            (crop[..., 0] < float(paper[0]) - cfg.merge_ink_drop)
            | (_light(crop[..., 0]) < cfg.seam_ink_light * float(_light(np.float64(paper[0]))))
        ).astype(np.float32)
    sides = [
        _side_line(dist, bare, local[i], local[(i + 1) % 4], centre, cfg, ink=ink)
        for i in range(4)
    ]
    quad = _quad_of([ln for ln, _, _ in sides], local, side, cfg)
    if np.array_equal(quad, local):  # no quad near: fitted again with no seam taken
        sides = [
            _side_line(dist, bare, local[i], local[(i + 1) % 4], centre, cfg, seams=False)
            for i in range(4)
        ]
        quad = _quad_of([ln for ln, _, _ in sides], local, side, cfg)
    # (a side kept as the first outline's is the line through its corner a)
    edged = tuple(not np.array_equal(ln[0], local[i]) for i, (ln, _, _) in enumerate(sides))
    if not any(doubt for _, _, doubt in sides):
        whole = all(seen for _, seen, _ in sides) and not np.array_equal(quad, local)
        return FittedQuad(quad + off, None, whole, edged)
    quad = quad + off
    kept = [
        (
            local[i],
            (local[(i + 1) % 4] - local[i])
            / max(np.linalg.norm(local[(i + 1) % 4] - local[i]), 1e-9),
        )
        if doubt
        else ln
        for i, (ln, _, doubt) in enumerate(sides)
    ]
    return FittedQuad(quad, _quad_of(kept, local, side, cfg) + off, False, edged)


def _aspect(q: np.ndarray) -> float:
    """Mean length of the top and bottom sides over the left and right ones'."""
    s = np.linalg.norm(np.roll(q, -1, 0) - q, axis=1)
    return float((s[0] + s[2]) / max(s[1] + s[3], 1e-9))


def settle_quads(fits: list[FittedQuad], cfg: MarkerlessConfig) -> list[np.ndarray]:
    """Each note's quad: a fit in doubt (a side ending against another note, far from its
    first outline) is taken when its shape (width over height) is within
    outline_aspect_tol of its outline_aspect_near nearest notes' in no doubt (median):
    perspective shapes notes near each other alike, a note partly under another is cut
    short. Else its cautious quad (and with no note in no doubt)."""
    sure = [f for f in fits if f.cautious is None]
    if not sure:
        return [f.quad if f.cautious is None else f.cautious for f in fits]
    centres = np.array([f.quad.mean(0) for f in sure])
    aspects = np.array([_aspect(f.quad) for f in sure])
    tol = np.log(1 + cfg.outline_aspect_tol)
    out = []
    for f in fits:
        if f.cautious is None:
            out.append(f.quad)
            continue
        near = np.argsort(np.linalg.norm(centres - f.quad.mean(0), axis=1))
        ref = float(np.median(aspects[near[: cfg.outline_aspect_near]]))
        out.append(f.quad if abs(np.log(_aspect(f.quad) / ref)) <= tol else f.cautious)
    return out


def _seam_candidates(
    pts: np.ndarray, rows: np.ndarray, cfg: MarkerlessConfig, along: tuple[np.ndarray, float]
):
    """The lines (_robust_line) the seam points lie on, best supported first: each found
    line's points taken away before the next is looked for (writing across a note is crossed
    on as many lines as a seam; seam_along tells them apart)."""
    left = np.ones(len(pts), bool)
    for _ in range(cfg.split_tries):
        if left.sum() < 3:
            return
        fit = _robust_line(pts[left], cfg, rows[left], along)
        if fit is None:
            return
        yield fit
        p, u = fit
        n = np.array([-u[1], u[0]])
        left &= np.abs((pts - p) @ n) > cfg.outline_fit_px


def split_at_seam(
    lab: np.ndarray,
    fit: FittedQuad,
    paper: np.ndarray,
    cfg: MarkerlessConfig,
    shape: float = 1.0,
    near: tuple[float, float] = (0.0, 0.0),
) -> list[FittedQuad] | None:
    """An outline over notes of one colour stacked or touching end to end: its paper crossed
    by seams (the upper note's edge over the lower one, its shadow: _seams) running from one
    long side to the other, within outline_seam_angle of the short sides, each a line end to
    end with the ink left out (seam_along). Asked of an outline split_aspect_min or more
    longer than a note there (shape: a note's height over its width there, its neighbours'
    as perspective shapes them; a note shows no seam across it; two notes stacked so that a
    strip of the lower one shows make a 1.3-1.8:1 rectangle, taken whole for a 3 x 5" card
    up to rect_aspect_max), each seam leaving split_part_min x its width or more on each
    side. near: a note's width and height there (its neighbours'): an outline narrower than a
    note is one partly under another, and its length is measured against a whole note's
    (a note half covered by its neighbour is no stack, 1.3:1 as it shows).
    Returns the parts (TL TR BR BL, work px): the longest is the note on top, each
    other one shorter than a note a strip of a note under the next one towards it, reaching
    on under it to a note's length (the part of a note under another is a guess;
    FittedQuad.shown: the strip); or None."""
    q = np.asarray(fit.quad, np.float64)
    lens = np.linalg.norm(np.roll(q, -1, 0) - q, axis=1)
    tall = lens[0] + lens[2] < lens[1] + lens[3]
    # r: the quad with its short sides first and third (r0 -> r1, r2 -> r3)
    r = q if tall else np.roll(q, -1, 0)
    edged = np.array(fit.edged if tall else np.roll(fit.edged, -1))
    width = float(lens[0] + lens[2] if tall else lens[1] + lens[3]) / 2
    length = float(lens[1] + lens[3] if tall else lens[0] + lens[2]) / 2
    # a note's length here, along the outline's long sides
    across = max(width, near[0] if tall else near[1])
    usual = across * (shape if tall else 1.0 / max(shape, 1e-9))
    if length < cfg.split_aspect_min * usual or width < 8:
        return None
    pad = cfg.outline_fit_px + (cfg.outline_step_mm + cfg.outline_beyond_mm) * cfg.work_px_per_mm
    x0, y0 = np.maximum(np.floor(q.min(0) - pad).astype(int), 0)
    x1, y1 = np.ceil(q.max(0) + pad).astype(int) + 1
    crop = lab[y0:y1, x0:x1]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return None
    off = np.array([x0, y0], np.float64)
    rl = r - off
    dist = _paper_distance(crop, paper, cfg.outline_l_weight).astype(np.float32)
    # lines from the first short side to the other, spread over outline_side_span across
    lo, hi = cfg.outline_side_span
    us = np.linspace(lo, hi, cfg.outline_lines)
    start = rl[0][None] + us[:, None] * (rl[1] - rl[0])[None]
    end = rl[3][None] + us[:, None] * (rl[2] - rl[3])[None]
    ts = np.linspace(0.0, 1.0, max(8, round(length)))
    grid = start[:, None] + ts[None, :, None] * (end - start)[:, None]
    prof = cv2.remap(
        dist, grid[..., 0].astype(np.float32), grid[..., 1].astype(np.float32),
        cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=float("nan"),
    )
    step = max(1, round(cfg.outline_step_mm * cfg.work_px_per_mm))
    run = max(1, round(cfg.outline_beyond_mm * cfg.work_px_per_mm))
    sm = _seams(prof, step, run, cfg.outline_paper_de, cfg.outline_seam_rise)
    part = cfg.split_part_min * width / length
    sm = sm[(ts[sm[:, 1]] >= part) & (ts[sm[:, 1]] <= 1 - part)] if len(sm) else sm
    if len(sm) == 0:
        return None
    pts = grid[sm[:, 0], sm[:, 1]].reshape(-1, 2)
    across = (rl[1] - rl[0]) / max(float(np.linalg.norm(rl[1] - rl[0])), 1e-9)
    cos_min = float(np.cos(np.radians(cfg.outline_seam_angle)))
    side_a = (rl[0], (rl[3] - rl[0]) / max(float(np.linalg.norm(rl[3] - rl[0])), 1e-9))
    side_b = (rl[1], (rl[2] - rl[1]) / max(float(np.linalg.norm(rl[2] - rl[1])), 1e-9))
    len_a = max(float(np.linalg.norm(rl[3] - rl[0])), 1e-9)
    len_b = max(float(np.linalg.norm(rl[2] - rl[1])), 1e-9)
    cuts: list[tuple[float, float]] = []  # (ta, tb): where each seam crosses the long sides
    for p, u in _seam_candidates(pts, sm[:, 0], cfg, (across, cos_min)):
        if abs(float(u @ across)) < cos_min:
            continue
        a, b = _meet((p, u), side_a), _meet((p, u), side_b)
        ta, tb = float((a - rl[0]) @ side_a[1]) / len_a, float((b - rl[1]) @ side_b[1]) / len_b
        if not (part <= ta <= 1 - part and part <= tb <= 1 - part):
            continue
        if any(abs((ta + tb) / 2 - (ca + cb) / 2) < part for ca, cb in cuts):
            continue  # (the same seam again, or a strip thinner than a note shows)
        n = np.array([-u[1], u[0]])
        if not (
            seam_along(lab, a + off, b + off, n, paper, cfg)
            or seam_along(lab, a + off, b + off, -n, paper, cfg)
        ):
            continue  # a line of writing across the note, not a seam
        cuts.append((ta, tb))
        break  # the best supported seam; a part still long enough is asked again
    if not cuts:
        return None
    # the parts from the first short side to the other; the longest is the note on top of
    # the others (whole), each other shorter than a note a strip of a note under the next
    # one towards it, reaching on under it to a note's length
    at = [(0.0, 0.0), *sorted(cuts, key=sum), (1.0, 1.0)]
    ends = [(rl[0] + t0 * len_a * side_a[1], rl[1] + t1 * len_b * side_b[1]) for t0, t1 in at]
    spans = [(n0 + n1 - p0 - p1) / 2 for (n0, n1), (p0, p1) in zip(at[1:], at[:-1], strict=True)]
    lengths = [sp * length for sp in spans]
    top = int(np.argmax(lengths))
    edge_of = [bool(edged[0])] + [True] * len(cuts) + [bool(edged[2])]
    out = []
    for k in range(len(lengths)):
        (a0, b0), (a1, b1) = ends[k], ends[k + 1]
        seen = np.array([a0, b0, b1, a1])
        quad = seen.copy()
        e = [edge_of[k], bool(edged[1]), edge_of[k + 1], bool(edged[3])]
        reach = min(usual, length) / max(lengths[k], 1e-9)
        if lengths[k] < usual and k < top:  # reaching on towards the far short side
            quad[2], quad[3] = b0 + (b1 - b0) * reach, a0 + (a1 - a0) * reach
            e[2] = False
        elif lengths[k] < usual and k > top:  # ... towards the first one
            quad[0], quad[1] = a1 + (a0 - a1) * reach, b1 + (b0 - b1) * reach
            e[0] = False
        quad, seen = quad + off, seen + off
        if not tall:  # back to TL TR BR BL
            quad, seen, e = np.roll(quad, 1, 0), np.roll(seen, 1, 0), list(np.roll(e, 1))
        out.append(FittedQuad(quad, None, False, tuple(bool(v) for v in e), seen))
    return out


def shown_inside(part: FittedQuad, other: np.ndarray) -> float:
    """The share of the paper a part shows (FittedQuad.shown, else its quad) that lies inside
    the convex quad `other`."""
    seen = np.asarray(part.quad if part.shown is None else part.shown, np.float32)
    a = cv2.convexHull(seen)
    area = cv2.contourArea(a)
    if area <= 0:
        return 0.0
    inter, _ = cv2.intersectConvexConvex(a, cv2.convexHull(np.asarray(other, np.float32)))
    return float(inter / area)
