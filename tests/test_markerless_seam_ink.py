"""The seam between two notes of one colour judged on its pixels free of ink (issue 20,
35th stop: note_outline._continuous with the outline fit's ink map, outline_seam_ink). On
real post-its-8's shingled side columns a line through a row of the next note's letters
rose where the strokes cross it and was taken for a note's side (its outline read the next
note's first words); on the pixels free of ink such a line is flat paper. The other side of
the same rule, rendered here: a note's last line of writing cut by the next note's edge
fills the paper just inside the seam with strokes; counted whole the seam rose on too few
pixels and the side kept the square coverer's, reaching into the next note; on the pixels
free of ink it runs on."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision.note_outline import fit_paper_quad
from capture.vision.wall_surface import rgb8_to_lab

GOLD = (232, 196, 92)
WALL = (150, 150, 150)
INK = (40, 35, 30)
PX = CONFIG.markerless.work_px_per_mm


def _column(seed: int, words: str) -> np.ndarray:
    """Two 76 mm gold notes on a grey wall (work px: work_px_per_mm per mm), the upper one
    from 20 mm down, the lower one stuck over it from 90 mm (a thin shadow line above its
    edge, the seam); `words` written on the upper one 2 mm above its covered part, their
    lower halves hidden under the lower note. Returns the work image (CIELAB)."""
    rng = np.random.default_rng(seed)
    img = np.full((round(190 * PX), round(120 * PX), 3), WALL, np.float32)
    x0, x1 = round(20 * PX), round(96 * PX)
    top, seam = round(20 * PX), round(90 * PX)
    img[top : top + round(76 * PX), x0:x1] = GOLD
    at = (x0 + round(4 * PX), seam + round(2 * PX))
    cv2.putText(img, words, at, cv2.FONT_HERSHEY_SIMPLEX, 1.6, INK, 3, cv2.LINE_AA)
    img[seam - 2 : seam, x0:x1] *= 0.72
    img[seam : seam + round(76 * PX), x0:x1] = GOLD
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * PX) + rng.normal(0, 1.5, img.shape)
    return rgb8_to_lab(np.clip(img, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_seam_with_writing_along_it_is_the_side(seed: int) -> None:
    """The upper note's outline, fitted from a square 10 mm lower (the coverer's square laid
    over the pair), ends at the seam (90 mm, the shadow line a pixel above it), its side
    seen; main kept the square's side, 16 mm into the lower note. With no writing there the
    seam was taken before as now (a guard)."""
    paper = rgb8_to_lab(np.array([[GOLD]], np.uint8))[0, 0]
    wall = rgb8_to_lab(np.array([[WALL]], np.uint8))[0, 0]
    y0, y1 = 30 * PX, 106 * PX
    first = np.array([[20 * PX, y0], [96 * PX, y0], [96 * PX, y1], [20 * PX, y1]], np.float64)
    for words in ("walled gardens", ""):
        fit = fit_paper_quad(_column(seed, words), first, paper, [wall], CONFIG.markerless)
        bottom = float(fit.quad[2:, 1].mean()) / PX
        assert abs(bottom - 89.5) < 1.5, (words, bottom)
        assert fit.edged[2], words
