"""Which of two overlapping notes lies on top: the stickers and the writing in the overlap are
the upper note's."""

from __future__ import annotations

import cv2
import numpy as np

from capture.core.config import CONFIG
from capture.vision.colour import load_colour_refs
from capture.vision.markerless import find_wall
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES
from capture.vision.note_text import ocr_view

YELLOW = (250, 230, 92)


def _overlap_wall(seed: int = 2) -> tuple[np.ndarray, tuple[float, float], tuple[int, int]]:
    """Three lone notes and two yellow notes overlapping: the lower one stuck first (right,
    further down), the upper one over its top left corner, casting a soft shadow on it; a
    red sticker stuck on the upper note inside the overlap. 2 px per mm, light grain and
    blur. Returns the photo, the upper note's centre and the sticker's centre."""
    rng = np.random.default_rng(seed)
    scale = 2.0
    side = round(76 * scale)
    img = np.full((round(330 * scale), round(560 * scale), 3), (214, 212, 204), np.uint8)

    def note(x0: int, y0: int, rgb: tuple, word: str) -> None:
        # its shadow on what lies under it (the wall or the lower note), then its paper
        shadow = img[y0 + 2 : y0 + side + 6, x0 + 2 : x0 + side + 5].astype(np.float64)
        img[y0 + 2 : y0 + side + 6, x0 + 2 : x0 + side + 5] = (0.8 * shadow).astype(np.uint8)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), rgb, -1)
        org = (x0 + round(8 * scale), y0 + round(45 * scale))
        cv2.putText(img, word, org, cv2.FONT_HERSHEY_SIMPLEX, 0.62 * scale, (40, 40, 60), 4)

    for i, rgb in enumerate([(250, 120, 175), (120, 200, 240), (250, 120, 175)]):
        note(round((30 + 100 * i) * scale), round(30 * scale), rgb, "idee")
    lower = (round(400 * scale), round(170 * scale))
    note(*lower, YELLOW, "Former")
    upper = (lower[0] - round(50 * scale), lower[1] - round(46 * scale))
    note(*upper, tuple(min(255, v + 3) for v in YELLOW), "Offres")
    at = (lower[0] + round(12 * scale), lower[1] + round(14 * scale))  # in the overlap
    cv2.circle(img, at, round(6 * scale), (200, 30, 45), -1, cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    return img, (upper[0] + side / 2, upper[1] + side / 2), at


def test_a_sticker_in_an_overlap_is_on_the_upper_note() -> None:
    """The upper note is read first (it is higher and further left) and the lower one's
    outline covers the overlap too: before, the sticker went to the note found last, the
    lower one. The upper note's edge shows across the lower one (its shadow), the lower
    one's is hidden under the upper one: the sticker is the upper note's."""
    img, upper, at = _overlap_wall()
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    scene = find_wall(img, refs.notes, refs.stickers, CONFIG)
    assert len(scene.notes) == 5, [n.center for n in scene.notes]
    top = min(range(5), key=lambda i: np.hypot(*np.subtract(scene.notes[i].center, upper)))
    dot = min(scene.dots, key=lambda d: np.hypot(*np.subtract(d.center, at)))
    assert np.hypot(*np.subtract(dot.center, at)) < 6
    assert dot.on_note == top
    below = [k for k, over in enumerate(scene.above) if top in over]
    assert len(below) == 1 and below[0] != top


def test_ocr_view_fills_a_note_of_its_colour_known_on_top() -> None:
    """A yellow note over this yellow one: its writing is filled in when the stack says it
    lies on top (over), left when nothing is known (the papers alike tell nothing)."""
    side = 400
    quad = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float64)
    own = np.array([(10, 10), (390, 10), (390, 390), (10, 390)], np.float64)
    over = np.array([(150, 280), (500, 280), (500, 600), (150, 600)], np.float64)
    crop = np.full((side, side, 3), YELLOW, np.uint8)
    cv2.putText(crop, "idee", (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (20, 20, 60), 8)
    cv2.putText(crop, "autre", (160, 360), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 60), 8)
    de = CONFIG.notes.duplicate_paper_de
    for known, filled in (([True], True), ([False], False), (None, False)):
        out = ocr_view(crop, quad, own, [over], [], 0.0, de, over=known)
        ink = out[300:380, 160:390].min(-1) < 80
        assert (not ink.any()) if filled else ink.any()
        assert np.array_equal(out[:200], crop[:200])
