"""Photos as users take them (issue 20): notes on a black board. A near-black surface reflects
too little light to show the light's colour: its pixels are the lens's flare, the sensor's
black level and noise. When it is the photo's most common colour (a board filling the view,
or the wall around it darkened by a vignette or a window's falloff) no balance is taken on
it (`wall_balance_min_l`): at L* 3 a few codes of tint make gains of 1.5 and 0.7."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import cv2
import numpy as np
import pytest
from drawn_scene import NOTE_RGB

from capture.core.config import CONFIG, Config
from capture.synth.light import Light, apply_light
from capture.vision.markerless_read import read_wall
from capture.vision.wall_surface import balanced_on

COLOURS = ["yellow", "pink", "orange", "blue", "green"]
# a black board as photographed: a few codes of bluish tint (the flare of the room, the
# sensor's black), CIELAB about (3, 1, -4): near-neutral, so taken for a white wall's cast
BOARD = (0.030, 0.031, 0.048)


def _board_wall(seed: int = 5) -> np.ndarray:
    """A beige wall around a black board filling most of the view, with three rows of five
    notes of five colours on it, each with a word of marker writing (scene: gamma-encoded
    float32 0-1, as capture.synth.light takes it)."""
    h, w, side = 700, 1050, 115
    img = np.empty((h, w, 3), np.float32)
    img[:] = (0.80, 0.76, 0.66)
    img[50 : h - 50, 80 : w - 80] = BOARD
    for r in range(3):
        for c in range(5):
            name = COLOURS[(r + 2 * c) % 5]
            x0, y0 = 130 + c * 170, 90 + r * 190
            rgb = tuple(v / 255.0 for v in NOTE_RGB[name])
            cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), rgb, -1)
            org = (x0 + 14, y0 + 65)
            cv2.putText(img, "Plan", org, cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0.15, 0.15, 0.2), 2)
    return cv2.GaussianBlur(img, (0, 0), 0.8)


def _photo(vignetting: float, seed: int = 5) -> np.ndarray:
    """The scene photographed under one neutral light, the lens's vignetting as given (the
    corners that much under the centre), a phone's noise and sharpening."""
    light = Light(
        kelvin=5000.0,
        wb_kelvin=5000.0,
        exposure=1.0,
        gradient=(0.0, 0.0, 0.0),
        vignetting=vignetting,
        glares=(),
        shadow=None,
        shadow_depth=0.0,
        blur_sigma=0.0,
        motion=None,
        noise=1.0,
        sharpen=0.3,
        jpeg_quality=92,
        direction=(0.0, -1.0),
    )
    return apply_light(_board_wall(seed), light, np.random.default_rng(seed))


def _counts(rgb: np.ndarray, config: Config = CONFIG) -> Counter:
    return Counter(n.color for n in read_wall(rgb, config, None).notes)


WANT = Counter({c: 3 for c in COLOURS})
BALANCED_ON_BLACK = replace(CONFIG, markerless=replace(CONFIG.markerless, wall_balance_min_l=0.0))


def test_a_black_mode_is_no_balance() -> None:
    """The board is the photo's mode; its tint is no light: no balance is taken on it (on
    a white wall of the same tint, L* 80, there is one)."""
    small = cv2.resize(_photo(0.5), (525, 350), interpolation=cv2.INTER_AREA)
    every = np.ones(small.shape[:2], bool)
    _lab, wall, balance, _gains = balanced_on(small, every, CONFIG.markerless)
    assert wall[0] < CONFIG.markerless.wall_balance_min_l
    assert balance is None
    _lab, _wall, balance, _gains = balanced_on(small, every, BALANCED_ON_BLACK.markerless)
    assert balance is not None and float(balance.max() / balance.min()) > 1.2


@pytest.mark.slow
def test_notes_on_a_black_board_under_a_vignette_keep_their_names() -> None:
    """Every note found with its colour, the corners darkened by the lens or not."""
    assert _counts(_photo(0.0)) == WANT
    assert _counts(_photo(0.5)) == WANT


@pytest.mark.slow
def test_balanced_on_the_black_board_the_notes_are_misnamed() -> None:
    """The same photo balanced on its black board (main before the 40th stop): the board's
    tint taken for the light's (gains 1.6/1.5/0.58) turns the orange notes yellow, the pink
    ones red and the blue ones lime, what the test above guards against."""
    assert _counts(_photo(0.0), BALANCED_ON_BLACK) != WANT
