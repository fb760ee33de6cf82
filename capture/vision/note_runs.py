"""Notes of one colour stuck in a row or a column, edge to edge or a little over each other
(shingled), re-laid at their seams.

The square coverer covers such a run as one blob with squares of its quantised size laid
where the blob's length puts them, not at the notes' seams: on real photos a square then
takes in the next note's first words (post-its-7's row of five, "Keep Lights ON" read
"eep SHO ights ON Te (audee"), and the outline fit moves a side to a seam only near the
square's. The count of squares is most often right (the blob's length is K notes); what
is wrong is where they lie. Here the run is looked at as a whole, along its axis: where
its paper begins and ends, and where a line across it changes the paper's shade (the
upper note's edge: its shadow line, a lightness step between two sheets lit at slightly
different angles, two shades of one colour), on the pixels free of ink. The K - 1 seams
are the K - 1 strongest such steps that cut the run into pieces of a note's size (the
photo's other notes give it); each outline keeps its own two long sides and takes the
seams either side of it as its ends.

Plain functions over arrays (work image CIELAB, quads TL TR BR BL in its pixels).
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from capture.core.config import MarkerlessConfig


def _sides(q: np.ndarray) -> np.ndarray:
    return np.linalg.norm(np.roll(q, -1, 0) - q, axis=1)


def _axis(q: np.ndarray, axis: int) -> np.ndarray:
    """The unit direction of a quad's rows (axis 0: its top and bottom sides) or columns."""
    d = (q[1] - q[0] + q[2] - q[3]) if axis == 0 else (q[3] - q[0] + q[2] - q[1])
    return d / max(float(np.linalg.norm(d)), 1e-9)


def _runs(
    quads: list[np.ndarray], papers: list[np.ndarray], axis: int, size: tuple[float, float],
    cfg: MarkerlessConfig,
) -> list[list[int]]:
    """Groups of outlines of one paper chained along `axis`: turned within run_angle_max
    of each other, centres within run_across x the note's size across it, and touching or
    overlapping along it (a gap under run_gap x its length), two or more each."""
    n = len(quads)
    along_len, across_len = (size[0], size[1]) if axis == 0 else (size[1], size[0])
    cs = np.array([q.mean(0) for q in quads])
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        u = _axis(quads[i], axis)
        v = np.array([-u[1], u[0]])
        for j in range(i + 1, n):
            d = np.asarray(papers[i], np.float64) - np.asarray(papers[j], np.float64)
            if np.hypot(cfg.outline_l_weight * d[0], np.hypot(d[1], d[2])) > cfg.run_paper_de:
                continue
            if abs(float(u @ _axis(quads[j], axis))) < np.cos(np.radians(cfg.run_angle_max)):
                continue  # one stuck askew: no seam across the run at its edge
            dc = cs[j] - cs[i]
            if abs(dc @ v) > cfg.run_across * across_len:
                continue
            pi, pj = quads[i] @ u, quads[j] @ u
            if max(pj.min() - pi.max(), pi.min() - pj.max()) > cfg.run_gap * along_len:
                continue
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) >= 2]


def _meet(p: np.ndarray, d: np.ndarray, q: np.ndarray, e: np.ndarray) -> np.ndarray | None:
    """Where the line p + s d meets the line q + t e."""
    m = np.array([[d[0], -e[0]], [d[1], -e[1]]])
    if abs(np.linalg.det(m)) < 1e-9:
        return None
    s, _t = np.linalg.solve(m, q - p)
    return p + s * d


def _profiles(
    lab: np.ndarray, origin: np.ndarray, u: np.ndarray, v: np.ndarray,
    t: tuple[float, float], r: tuple[float, float], paper: np.ndarray, cfg: MarkerlessConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Along the run (1 px steps from t[0] to t[1], across from r[0] to r[1]): the share of
    each line across that is this paper (ink is not: a dark wall in a gap is as dark), and
    the median colour (L* at outline_l_weight) of its paper pixels free of ink (ink:
    run_ink_drop under the paper's L*, grown by 2 px: a stroke's soft edge is neither; NaN
    where under a third are)."""
    ts = np.arange(t[0], t[1] + 1.0)
    rs = np.arange(r[0], r[1] + 1.0)
    pts = origin + ts[:, None, None] * u + rs[None, :, None] * v
    mx, my = pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32)
    g = cv2.remap(np.asarray(lab, np.float32), mx, my, cv2.INTER_LINEAR,
                  borderMode=cv2.BORDER_CONSTANT, borderValue=(-1000.0, 0.0, 0.0))
    w = np.array([cfg.outline_l_weight, 1.0, 1.0], np.float32)
    dist = np.linalg.norm((g - np.asarray(paper, np.float32)) * w, axis=2)
    inside = g[..., 0] > -500
    on = dist < cfg.run_paper_tol
    share = on.mean(1)
    dark = (inside & (g[..., 0] < float(paper[0]) - cfg.run_ink_drop)).astype(np.uint8)
    free = on & ~cv2.dilate(dark, np.ones((5, 5), np.uint8)).astype(bool)
    gw = np.where(free[..., None], g * w, np.nan)
    med = np.full((len(ts), 3), np.nan)
    ok = free.sum(1) >= len(rs) / 3
    if ok.any():
        med[ok] = np.nanmedian(gw[ok], axis=1)
    return share, med


def _steps(mean: np.ndarray, win: int) -> np.ndarray:
    """Per position, how far the paper's median colour over `win` px after it lies from
    that over `win` px before it (2 px left out either side: the line itself)."""
    n = len(mean)
    out = np.zeros(n)
    for k in range(n):
        a = mean[max(0, k - 2 - win) : max(0, k - 2)]
        b = mean[k + 3 : k + 3 + win]
        a, b = a[~np.isnan(a).any(1)], b[~np.isnan(b).any(1)]
        if len(a) < win / 2 or len(b) < win / 2:
            continue
        out[k] = float(np.linalg.norm(np.median(a, 0) - np.median(b, 0)))
    return out


def _cuts(
    cand: list[tuple[int, float]], e0: int, e1: int, k: int, lo: float, hi: float
) -> list[int] | None:
    """k - 1 positions among the candidates (position, strength) cutting [e0, e1] into k
    pieces each lo to hi long, the strongest in sum; None when none do."""
    pos = [e0] + [c for c, _ in cand] + [e1]
    val = [0.0] + [s for _, s in cand] + [0.0]
    m = len(pos)
    best = {(0, 0): (0.0, [0])}  # (cuts made, last index) -> (sum, path)
    for j in range(1, k + 1):
        for i in range(1, m):
            if (j == k) != (i == m - 1):
                continue
            top = None
            for p in range(i):
                prev = best.get((j - 1, p))
                if prev is None or not lo <= pos[i] - pos[p] <= hi:
                    continue
                s = prev[0] + val[i]
                if top is None or s > top[0]:
                    top = (s, [*prev[1], i])
            if top is not None:
                best[(j, i)] = top
    got = best.get((k, m - 1))
    return None if got is None else [pos[i] for i in got[1][1:-1]]


def relay_runs(
    lab: np.ndarray, quads: list[np.ndarray], papers: list[np.ndarray], cfg: MarkerlessConfig
) -> list[np.ndarray | None]:
    """Per outline (work px, TL TR BR BL; papers: their CIELAB), its quad re-laid at its
    run's seams, or None where it stays (no run, no K - 1 seams of a note's size, or moved
    under run_move_min x the side)."""
    qs = [np.asarray(q, np.float64) for q in quads]
    out: list[np.ndarray | None] = [None] * len(qs)
    if len(qs) < 2:
        return out
    lens = np.array([_sides(q) for q in qs])
    size = (
        float(np.median((lens[:, 0] + lens[:, 2]) / 2)),
        float(np.median((lens[:, 1] + lens[:, 3]) / 2)),
    )
    for axis in (0, 1):
        for run in _runs(qs, papers, axis, size, cfg):
            new = _relay_one(lab, [qs[i] for i in run], papers[run[0]], axis, size, cfg)
            for i, q in zip(run, new, strict=True):
                if q is not None:
                    qs[i] = q
                    out[i] = q
    return out


def _relay_one(
    lab: np.ndarray, run: list[np.ndarray], paper: np.ndarray, axis: int,
    size: tuple[float, float], cfg: MarkerlessConfig,
) -> list[np.ndarray | None]:
    along_len = size[0] if axis == 0 else size[1]
    u = np.mean([_axis(q, axis) for q in run], axis=0)
    u /= max(float(np.linalg.norm(u)), 1e-9)
    v = np.array([-u[1], u[0]])
    origin = np.mean([q.mean(0) for q in run], axis=0)
    tq = [(q - origin) @ u for q in run]
    rq = [(q - origin) @ v for q in run]
    t0, t1 = min(float(t.min()) for t in tq), max(float(t.max()) for t in tq)
    # only a run laid off its seams: two outlines next to each other overlapping, or leaving
    # a gap, by run_mislaid x the note's length or more (edge to edge notes fitted right
    # meet, and a note shingled under the next ends at its edge)
    ends_ = sorted(((t[0] + t[3]) / 2, (t[1] + t[2]) / 2) if axis == 0
                   else ((t[0] + t[1]) / 2, (t[3] + t[2]) / 2) for t in tq)
    ends_ = sorted((min(a, b), max(a, b)) for a, b in ends_)
    if all(abs(b[0] - a[1]) < cfg.run_mislaid * along_len for a, b in itertools.pairwise(ends_)):
        return [None] * len(run)
    # across: the band every outline covers, its middle run_band share
    r0, r1 = max(float(r.min()) for r in rq), min(float(r.max()) for r in rq)
    if r1 - r0 < 0.3 * (size[1] if axis == 0 else size[0]):
        return [None] * len(run)
    pad = (1 - cfg.run_band) / 2 * (r1 - r0)
    reach = cfg.run_end_reach * along_len
    ta, tb = t0 - reach, t1 + reach
    share, mean = _profiles(lab, origin, u, v, (ta, tb), (r0 + pad, r1 - pad), paper, cfg)
    n = len(share)
    on = share >= cfg.run_paper_share
    # the run's paper: from where the outlines lie, out to where it ends (or the reach)
    mid0, mid1 = round(t0 - ta), round(t1 - ta)
    inner = np.arange(max(mid0, 0), min(mid1, n - 1) + 1)
    if len(inner) == 0 or on[inner].mean() < 0.8:
        return [None] * len(run)
    e0 = mid0
    while e0 > 0 and on[e0 - 1]:
        e0 -= 1
    while e0 < mid1 and not on[e0]:
        e0 += 1
    e1 = mid1
    while e1 < n - 1 and on[e1 + 1]:
        e1 += 1
    while e1 > mid0 and not on[e1]:
        e1 -= 1
    if e0 == 0 or e1 == n - 1:
        return [None] * len(run)  # the paper runs on past the reach: no end seen
    # a line across under run_paper_share paper: the wall between two notes apart, or the
    # shadow line of a note's edge over the next (run_line_px wide or less: a seam)
    win = max(3, round(cfg.run_step_win * along_len))
    st = _steps(mean, win)
    lines, blobs, start, c = [], [], e0, e0
    while c <= e1:
        if on[c]:
            c += 1
            continue
        g0 = c
        while c <= e1 and not on[c]:
            c += 1
        if c - g0 <= cfg.run_line_px:
            if share[g0:c].min() < cfg.run_line_share:  # (not a row of bold letters)
                lines.append((g0 + c - 1) // 2)
        else:
            blobs.append((start, g0 - 1))
            start = c
    blobs.append((start, e1))
    centres = np.array([float(t.mean()) - ta for t in tq])
    # a seam stands out of the paper's own steps (its grain, the light across it, writing
    # the ink mask missed): run_step_snr x their upper quartile along the run, at least
    # run_step_min
    floor = max(cfg.run_step_min, cfg.run_step_snr * float(np.percentile(st[e0 : e1 + 1], 75)))
    k = len(run)
    piece = (cfg.run_piece[0] * along_len, cfg.run_piece[1] * along_len)
    ends = []
    for b0, b1 in blobs:
        kb = int(((centres >= b0) & (centres <= b1)).sum())
        if kb == 0:
            continue
        if kb == 1:  # a note apart from the others: its fit stands
            ends.append(None)
            continue
        cand = [(x, 2 * cfg.run_step_min) for x in lines if b0 < x < b1]
        for x in range(b0 + win, b1 - win + 1):
            s = st[x]
            near = any(abs(x - y) <= win for y, _s in cand)
            if not near and s >= floor and s >= st[max(0, x - win) : x + win + 1].max():
                cand.append((x, float(s)))
        cuts = _cuts(sorted(cand), b0, b1, kb, *piece)
        if cuts is None:
            return [None] * k
        ends.append([b0, *cuts, b1])
    spans = [None if e is None else (e[j], e[j + 1])
             for e in ends for j in range(1 if e is None else len(e) - 1)]
    if len(spans) != k:
        return [None] * k
    order = np.argsort(centres)
    out: list[np.ndarray | None] = [None] * k
    tol = cfg.run_move_min * along_len
    own = [sorted(((t[0] + t[3]) / 2, (t[1] + t[2]) / 2) if axis == 0
                  else ((t[0] + t[1]) / 2, (t[3] + t[2]) / 2)) for t in tq]
    # two neighbours each reaching past the seam between them: of two sheets one lies on
    # top and ends at the seam (its edge casts the seam's shadow line and step), so at most
    # one reaches on under the other; which one the seam does not say, the stickers and
    # writing either side of it are each its own sheet's: both end there
    past: set[int] = set()
    if cfg.run_both_past:
        for (s0, i0), (s1, i1) in itertools.pairwise(zip(spans, order, strict=True)):
            if s0 is None or s1 is None or s0[1] != s1[0]:
                continue
            seam = ta + s0[1]
            if own[i0][1] > seam + tol and own[i1][0] < seam - tol:
                past |= {int(i0), int(i1)}
    # an end is cut along the notes' own ends (their mean other axis) through the seam found
    # at the band's middle: seen from the side a column of squares is a column of
    # parallelograms, its seams not square to it
    across = v
    if cfg.run_ends_along:
        w = np.mean([_axis(q, 1 - axis) for q in run], axis=0)
        w /= max(float(np.linalg.norm(w)), 1e-9)
        if abs(float(w @ v)) > 0.5:
            across = w
    for span, i in zip(spans, order, strict=True):
        if span is None:
            continue
        q = run[i]
        a, b = ta + span[0], ta + span[1]
        qa, qb = own[i]
        if (
            i not in past
            and qa <= a + tol
            and qb >= b - tol
            and qb - qa <= cfg.run_piece[1] * along_len
        ):
            continue  # it holds its piece, reaching on under a neighbour: a note's own length
        if axis == 0:  # the top (TL-TR) and bottom (BL-BR) sides kept
            long_ = ((q[0], q[1] - q[0]), (q[3], q[2] - q[3]))
        else:  # the left (TL-BL) and right (TR-BR) sides kept
            long_ = ((q[0], q[3] - q[0]), (q[1], q[2] - q[1]))
        pts = []
        for s in (a, b):
            p = origin + s * u
            pts.append([_meet(p0, d, p, across) for p0, d in long_])
        if any(x is None for row in pts for x in row):
            continue
        if axis == 0:
            new = np.array([pts[0][0], pts[1][0], pts[1][1], pts[0][1]])
        else:
            new = np.array([pts[0][0], pts[0][1], pts[1][1], pts[1][0]])
        side = float(_sides(q).mean())
        if np.linalg.norm(new - q, axis=1).max() >= cfg.run_move_min * side:
            out[i] = new
    return out
