"""The paper-white reference: which blocks of a board are paper."""

from __future__ import annotations

import cv2
import numpy as np

from capture.core.config import CONFIG
from capture.vision.colour import _grow_paper


def _chromaticity(rgb: np.ndarray) -> np.ndarray:
    return rgb / rgb.sum(-1, keepdims=True)


def test_paper_follows_a_tint_drift_but_not_into_a_pale_note() -> None:
    """4 mm blocks: paper whose tint drifts from warm to cool across the board (mixed light),
    with a pale blue note (blurred border). Seeded on the paper near the median tint (and,
    as the seed's test allows, on the note's palest middle, joined to the rest across its
    blurred border), the paper spreads over the whole drift and stops at the note's border."""
    h, w = 120, 200
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    warm, cool = np.array([1.0, 0.86, 0.66]), np.array([0.86, 0.92, 1.0])
    rgb = np.broadcast_to(warm + t * (cool - warm), (h, w, 3)).astype(np.float32) * 240
    note = np.zeros((h, w), np.float32)
    note[40:60, 60:80] = 1.0  # a 76 mm note is ~19 blocks
    note = cv2.GaussianBlur(note, (0, 0), 1.2)
    pale = rgb * np.array([0.9, 0.96, 1.0], np.float32)
    rgb = rgb * (1 - note[..., None]) + pale * note[..., None]
    rng = np.random.default_rng(0)
    rgb += rng.normal(0, 0.6, rgb.shape).astype(np.float32)  # block-averaged sensor noise
    chrom = _chromaticity(rgb)
    seed = np.zeros((h, w), bool)
    seed[:, 90:110] = True  # near the median tint: the middle of the drift
    seed[48:52, 68:72] = True  # the note's middle passed the seed's test...
    seed[50, 72:90] = True  # ...and so did a line of blocks across its blurred border
    allowed = np.ones((h, w), bool)
    paper = _grow_paper(seed, chrom, allowed, CONFIG.colour)
    inner = np.zeros((h, w), bool)
    inner[43:57, 63:77] = True
    assert paper[inner].sum() == 16 + 5  # only the seed's own blocks inside the note
    away = np.ones((h, w), bool)
    away[34:66, 54:86] = False
    assert paper[away].mean() > 0.99  # all the drift, warm end to cool end
