"""How much of each zone any photo saw: a zone outside every frame is unseen, not empty.

A plain function over the layout and the photos' homographies (board mm -> photo px) and
frame sizes; no files, no sentences. The session export turns the result into "coverage"
fields and the report into "non vu" / "vu à 40 %".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from capture.core.model import BoardLayout, Rect
from capture.kit.layout import grid_cell

# A view of a board: homography board mm -> photo px, and the photo's (width, height) in px.
View = tuple[np.ndarray, tuple[int, int]]


@dataclass(frozen=True)
class ZoneCoverage:
    board: str
    zone: str
    kind: str
    seen: float  # share of the zone's area inside at least one photo's frame, 0..1
    cells: tuple[tuple[str, float], ...] = ()  # grid zones: (cell label, share seen) x 9


def _samples(rect: Rect, n: int) -> np.ndarray:
    """n x n sample points at the centres of an n x n split of rect (row-major, top first)."""
    x, y, w, h = rect
    gx, gy = np.meshgrid(x + (np.arange(n) + 0.5) * w / n, y + (np.arange(n) + 0.5) * h / n)
    return np.stack([gx.ravel(), gy.ravel()], 1)


def _inside(views: Sequence[View], pts: np.ndarray) -> np.ndarray:
    """Boolean per point: inside the frame of at least one view."""
    seen = np.zeros(len(pts), bool)
    q = np.c_[pts, np.ones(len(pts))]
    for h, (w, hh) in views:
        p = q @ np.asarray(h, np.float64).T
        z = p[:, 2]
        ok = z > 1e-12  # in front of the camera
        with np.errstate(divide="ignore", invalid="ignore"):
            u, v = p[:, 0] / z, p[:, 1] / z
        seen |= ok & (u >= 0) & (u < w) & (v >= 0) & (v < hh)
    return seen


def zone_coverage(board: BoardLayout, views: Sequence[View], samples: int) -> list[ZoneCoverage]:
    """Coverage of every zone of one board over all the photos that found it.

    samples: points per side of each zone (grid zones: per side of each of the 9 cells).
    """
    out = []
    for z in board.zones:
        if z.kind == "grid":
            zx, zy, zw, zh = z.rect_mm
            cells = []
            shares = []
            for row in range(3):  # top row first: impact "fort" (y axis points up)
                for col in range(3):
                    rect = (zx + col * zw / 3, zy + row * zh / 3, zw / 3, zh / 3)
                    share = float(_inside(views, _samples(rect, samples)).mean()) if views else 0.0
                    shares.append(share)
                    cells.append((grid_cell((col + 0.5) / 3, 1 - (row + 0.5) / 3), share))
            out.append(ZoneCoverage(board.id, z.id, z.kind, float(np.mean(shares)), tuple(cells)))
        else:
            share = float(_inside(views, _samples(z.rect_mm, samples)).mean()) if views else 0.0
            out.append(ZoneCoverage(board.id, z.id, z.kind, share))
    return out
