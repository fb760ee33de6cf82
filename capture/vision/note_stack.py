"""Which of two overlapping notes lies on top.

Where two notes overlap, what is seen there (its paper, the stickers, the writing) is the
upper note's. Of two colours, the overlap shows the upper note's paper. Of one colour, the
papers tell nothing, but the edges do: the upper note's outline runs on across the lower
note (paper ends there; its shadow and a brightness step make a line), while the lower
note's outline is hidden under the upper one, flat paper. So across each note's outline
where it lies inside the other, the lightness step is measured: the note whose edge shows
there is on top.

Plain functions over arrays (work image CIELAB, quads in its pixels).
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

import cv2
import numpy as np

from capture.core.config import MarkerlessConfig


def overlap_share(q1: np.ndarray, q2: np.ndarray) -> float:
    """The area two convex quads share over the smaller one's."""
    a = cv2.convexHull(q1.astype(np.float32))
    b = cv2.convexHull(q2.astype(np.float32))
    inter, _ = cv2.intersectConvexConvex(a, b)
    small = min(cv2.contourArea(a), cv2.contourArea(b))
    return float(inter / small) if small > 0 else 0.0


def _edge_inside(
    lab: np.ndarray,
    q: np.ndarray,
    other: np.ndarray,
    papers: tuple[np.ndarray, np.ndarray],
    margin: float,
    paper_de: float,
    paper_min: float = 0.0,
) -> float | None:
    """The median colour step across quad q's outline where it lies inside `other` (deeper
    than `margin` px in it): the CIELAB distance between `margin` px outside and inside it
    at each pixel along those parts where both are paper (within paper_de of either note's:
    the lower note's outline may run along a line of the upper one's writing). None when
    too little of it lies inside. NaN when under `paper_min` of what lies inside is paper
    both sides: the line runs along writing (or stickers), and what steps across it is the
    blurred rim of the ink, within paper_de of the paper, not the paper's end."""
    steps = []
    inside = 0
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        length = float(np.linalg.norm(b - a))
        if length < 1:
            continue
        d = (b - a) / length
        n = np.array([d[1], -d[0]])
        if n @ (a + b - 2 * q.mean(0)) < 0:
            n = -n
        ts = np.arange(0.0, length, 1.0)
        pts = a[None] + ts[:, None] * d[None]
        deep = np.array(
            [
                cv2.pointPolygonTest(other.astype(np.float32), (float(x), float(y)), True)
                for x, y in pts
            ]
        )
        pts = pts[deep > margin]
        if len(pts) == 0:
            continue
        out = cv2.remap(lab, *(pts + margin * n).T.astype(np.float32)[:, None], cv2.INTER_LINEAR)
        inn = cv2.remap(lab, *(pts - margin * n).T.astype(np.float32)[:, None], cv2.INTER_LINEAR)
        out, inn = out.reshape(-1, 3), inn.reshape(-1, 3)
        paper = np.ones(len(out), bool)
        for v in (out, inn):
            paper &= np.min([np.linalg.norm(v - p, axis=1) for p in papers], axis=0) < paper_de
        steps.append(np.linalg.norm(out - inn, axis=1)[paper])
        inside += len(out)
    if inside < 3 * margin:
        return None
    kept = sum(len(s) for s in steps)
    if kept < paper_min * inside:
        return float("nan")
    if kept < 3 * margin:
        return None
    return float(np.median(np.concatenate(steps)))


def on_top(
    lab: np.ndarray,
    quads: list[np.ndarray],
    papers: list[np.ndarray],
    cfg: MarkerlessConfig,
) -> list[tuple[int, int]]:
    """Pairs (upper, lower) of notes overlapping by stack_overlap_min of the smaller one or
    more (quads: work px; papers: their CIELAB colours). Papers more than stack_paper_de
    apart: the upper one is the one whose paper the overlap shows. Else the one whose
    outline shows a lightness step inside the other (stack_step_min more than the other's);
    a pair neither tells is left out."""
    pairs = []
    lab32: np.ndarray | None = None
    for i in range(len(quads)):
        for j in range(i + 1, len(quads)):
            if overlap_share(quads[i], quads[j]) < cfg.stack_overlap_min:
                continue
            sides = [np.linalg.norm(np.roll(q, -1, 0) - q, axis=1) for q in (quads[i], quads[j])]
            side = float(np.mean(sides))
            margin = max(2.0, cfg.stack_margin * side)
            if lab32 is None:  # smoothed once (grain and JPEG noise are steps of 2-3 units)
                lab32 = cv2.GaussianBlur(np.asarray(lab, np.float32), (0, 0), cfg.stack_blur_px)
            if np.linalg.norm(papers[i] - papers[j]) > cfg.stack_paper_de:
                top = _paper_on_top(lab, quads[i], quads[j], papers[i], papers[j], margin)
            else:
                top = _edge_on_top(
                    lab32, quads[i], quads[j], (papers[i], papers[j]), margin, cfg
                )
            if top is not None:
                pairs.append((i, j) if top == 0 else (j, i))
    return pairs


def edge_steps(
    lab32: np.ndarray,
    q1: np.ndarray,
    q2: np.ndarray,
    papers: tuple[np.ndarray, np.ndarray],
    cfg: MarkerlessConfig,
) -> tuple[float | None, float | None]:
    """The steps on_top weighs for two overlapping notes of one colour (lab32: the work
    image's CIELAB smoothed by stack_blur_px): across q1's outline inside q2, and q2's
    inside q1 (_edge_inside; None where too little of it lies inside, NaN where under
    stack_paper_min of it is paper both sides: along a line of writing no step can be told,
    whether the two are one sheet is left to the fit's seams)."""
    side = float(np.mean([np.linalg.norm(np.roll(q, -1, 0) - q, axis=1) for q in (q1, q2)]))
    margin = max(2.0, cfg.stack_margin * side)
    return (
        _edge_inside(lab32, q1, q2, papers, margin, cfg.stack_ink_de, cfg.stack_paper_min),
        _edge_inside(lab32, q2, q1, papers, margin, cfg.stack_ink_de, cfg.stack_paper_min),
    )


def _paper_on_top(
    lab: np.ndarray, q1: np.ndarray, q2: np.ndarray, p1: np.ndarray, p2: np.ndarray, margin: float
) -> int | None:
    """0 when the overlap of q1 and q2 shows q1's paper p1, 1 when p2's."""
    mask = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(q1).astype(np.int32), 1)
    other = np.zeros_like(mask)
    cv2.fillConvexPoly(other, np.round(q2).astype(np.int32), 1)
    both = cv2.erode(mask & other, np.ones((3, 3), np.uint8), iterations=max(1, round(margin)))
    if both.sum() < 10:
        return None
    med = np.median(lab[both > 0], axis=0)
    return 0 if np.linalg.norm(med - p1) < np.linalg.norm(med - p2) else 1


def _edge_on_top(
    lab: np.ndarray,
    q1: np.ndarray,
    q2: np.ndarray,
    papers: tuple[np.ndarray, np.ndarray],
    margin: float,
    cfg: MarkerlessConfig,
) -> int | None:
    """0 when q1's outline shows inside q2 and not q2's inside q1, 1 the other way."""
    # (every point where both sides are paper, however few: the upper note's shadow on the
    # lower one leaves few there, and its step is what tells; edge_steps asks for more)
    e1 = _edge_inside(lab, q1, q2, papers, margin, cfg.stack_ink_de)
    e2 = _edge_inside(lab, q2, q1, papers, margin, cfg.stack_ink_de)
    if e1 is None or e2 is None or abs(e1 - e2) < cfg.stack_step_min:
        return None
    if max(e1, e2) < cfg.stack_step_ratio * min(e1, e2):
        return None
    return 0 if e1 > e2 else 1


def undecided_owner(
    point: np.ndarray, quads: list[np.ndarray], pairs: list[tuple[int, int]], owner: int
) -> int:
    """The note a point (a sticker's centre) lying inside `owner`'s outline is given to, when
    it lies inside other outlines too (quads: the notes' outlines; pairs: (upper, lower) as
    on_top decided them). Of the outlines holding it that no other one holding it is known
    to lie on, the one it lies deepest inside: where nothing told which of two notes is on
    top, the overlap is the error of both outlines (each a little off its paper, or a side
    of each guessed past the seam where two notes meet) and a point is more surely on the
    paper whose outline's nearest side is farther from it. A note known to lie under
    another holding the point is not asked: the upper one's paper is what shows there."""
    pt = (float(point[0]), float(point[1]))
    depth = {
        k: cv2.pointPolygonTest(np.asarray(q, np.float32).reshape(-1, 1, 2), pt, True)
        for k, q in enumerate(quads)
    }
    holding = [k for k, d in depth.items() if d > 0]
    if owner not in holding or len(holding) < 2:
        return owner
    under = {lower for upper, lower in pairs if upper in holding}
    tops = [k for k in holding if k not in under]
    if owner not in tops or len(tops) < 2:
        return owner
    return max(tops, key=lambda k: depth[k])


def stack_order(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    """The notes from the lowest to the uppermost: each after the ones it lies on (pairs:
    upper, lower), else in their own order; their own order when the pairs make a cycle."""
    ts: TopologicalSorter[int] = TopologicalSorter()
    for k in range(count):
        ts.add(k)
    for upper, lower in pairs:
        ts.add(upper, lower)
    try:
        ts.prepare()
    except CycleError:
        return list(range(count))
    order: list[int] = []
    while ts.is_active():
        ready = sorted(ts.get_ready())
        order += ready
        ts.done(*ready)
    return order
