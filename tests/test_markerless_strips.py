"""Title strips (a 76 x 127 or 102 x 152 mm card cut in two along its length, a 76 mm square
cut in two: 2-3.3:1) are one note each, told from two notes of one colour side by side (the
same shape) by a seam across them, not by their aspect (issue 20, 41st stop)."""

from __future__ import annotations

import cv2
import numpy as np

from capture.core.config import CONFIG
from capture.vision.note_shapes import lone_quads, seam_depth
from capture.vision.wall_surface import rgb8_to_lab

SIDE = 60.0  # px: the usual note's side where the shapes lie
WALL = (214, 208, 196)
PAPER = (250, 178, 110)  # a light orange pack


def _wall(shape: tuple[int, int] = (300, 400)) -> np.ndarray:
    img = np.empty((*shape, 3), np.uint8)
    img[:] = WALL
    return img


def _sheet(img: np.ndarray, x0: int, y0: int, w: int, h: int, ink: bool = True) -> None:
    """A sheet of PAPER, lit a little unevenly along its length (one sheet shades smoothly),
    a word written across it in marker (strokes that cross most of its height)."""
    ramp = np.linspace(0.97, 1.0, w)[None, :, None]
    img[y0 : y0 + h, x0 : x0 + w] = np.clip(np.array(PAPER)[None, None] * ramp, 0, 255)
    if ink:
        for k in range(5):
            x = x0 + w // 6 + k * w // 7
            cv2.line(img, (x, y0 + h // 5), (x + 4, y0 + h - h // 5), (40, 40, 60), 2)


def _found(img: np.ndarray) -> list[np.ndarray]:
    lab = rgb8_to_lab(img)
    mask = np.linalg.norm(img.astype(float) - np.array(WALL), axis=2) > 40
    quads, _ = lone_quads(mask, lambda _c: SIDE, CONFIG, lab)
    return [q for q, _f in quads]


def test_a_title_strip_is_one_note() -> None:
    """Strips half a note wide and as long as a note or a card (76 x 38 mm, 2:1; 127 x 38,
    3.3:1), and one two-thirds of a note wide and twice as long (152 x 51 mm, 3:1), written
    across: one note each at its own outline. Main left every one to the square coverer
    (past lone_quad_aspect_max, or under lone_card_width_min as wide)."""
    for w, h in ((60, 30), (100, 30), (120, 40)):
        img = _wall()
        _sheet(img, 120, 100, w, h)
        quads = _found(img)
        assert len(quads) == 1, (w, h)
        q = quads[0]
        assert abs(q[:, 0].min() - 120) < 3 and abs(q[:, 0].max() - (120 + w - 1)) < 3
        assert abs(q[:, 1].min() - 100) < 3 and abs(q[:, 1].max() - (100 + h - 1)) < 3


def test_two_notes_of_one_colour_side_by_side_are_not_one_strip() -> None:
    """Two squares of one paper edge to edge, their seam a shadow line 2 px wide (the upper
    sheet's edge; 1 mm apart), 2:1 as a pair is and as wide as a note: no lone note (the
    square coverer's, which lays two squares). Without the seam the same shape is one card
    (_card: as wide as a note, within lone_quad_aspect_max), as on main with the seam too."""
    img = _wall()
    _sheet(img, 100, 100, 60, 60)
    _sheet(img, 160, 100, 59, 60)
    assert len(_found(img)) == 1  # no seam: one sheet 2:1 (a card turned)
    img[100:160, 159:161] = (120, 84, 60)  # the shadow line between the two sheets
    assert _found(img) == []
    lab = rgb8_to_lab(img)
    quad = np.array([[100, 100], [218, 100], [218, 159], [100, 159]], np.float64)
    assert seam_depth(quad, lab, 0.8, 0.6) > CONFIG.markerless.strip_seam_max


def test_writing_across_a_strip_is_no_seam() -> None:
    """Marker strokes across most of a strip's height (a title's letters) leave its margins
    paper: the seam test reads the lightness across the width at a high percentile, so one
    strip with its title shows no seam."""
    img = _wall()
    _sheet(img, 120, 100, 100, 30)
    lab = rgb8_to_lab(img)
    quad = np.array([[120, 100], [219, 100], [219, 129], [120, 129]], np.float64)
    assert seam_depth(quad, lab, 0.8, 0.6) < CONFIG.markerless.strip_seam_max
