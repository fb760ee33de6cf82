"""Photos as users take them (issue 20): a wall lit by two lights of different colours, a warm
lamp on one side and daylight from a window on the other, reads as under one light."""

from __future__ import annotations

from collections import Counter

import cv2
import numpy as np
import pytest
from drawn_scene import NOTE_RGB

from capture.core.config import CONFIG
from capture.vision import markerless_read, wall_surface
from capture.vision.markerless_read import read_wall

COLOURS = ["yellow", "blue", "pink", "green", "orange"]


def _wall(seed: int = 3) -> np.ndarray:
    """A white wall (a little grey, as phones expose it) with three rows of five notes of
    five colours, each with two words of marker writing and a faint shadow."""
    rng = np.random.default_rng(seed)
    h, w, side = 700, 1050, 110
    img = np.full((h, w, 3), (214, 214, 210), np.float32)
    for r in range(3):
        for c in range(5):
            name = COLOURS[(r + c) % 5]
            x0, y0 = 70 + c * 195, 70 + r * 210
            cv2.rectangle(img, (x0 + 3, y0 + 4), (x0 + side + 3, y0 + side + 4), (180,) * 3, -1)
            cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), NOTE_RGB[name], -1)
            for j in range(2):
                org = (x0 + 12, y0 + 45 + 35 * j)
                cv2.putText(img, "Plan", org, cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 40, 60), 2)
    img = cv2.GaussianBlur(img, (0, 0), 0.8) + rng.normal(0, 2, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def _two_lights(rgb: np.ndarray, warm=(1.25, 1.0, 0.65), cool=(0.85, 1.0, 1.2)) -> np.ndarray:
    """The photo lit by a warm lamp on the left (about 3200 K) and daylight on the right
    (6500 K), the camera balanced for their mix: linear gains from `warm` at the left edge
    to `cool` at the right, smoothly between."""
    w = rgb.shape[1]
    t = np.linspace(0.0, 1.0, w, dtype=np.float32)
    t = t * t * (3 - 2 * t)
    g = (1 - t)[:, None] * np.array(warm, np.float32) + t[:, None] * np.array(cool, np.float32)
    lin = (rgb.astype(np.float32) / 255.0) ** 2.2 * g[None]
    return np.clip(np.clip(lin, 0, 1) ** (1 / 2.2) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _counts(rgb: np.ndarray) -> Counter:
    return Counter(n.color for n in read_wall(rgb, CONFIG, None).notes)


WANT = Counter({c: 3 for c in COLOURS})


@pytest.mark.slow
def test_a_wall_under_two_lights_reads_as_under_one() -> None:
    """Every note found with its colour, as on the wall under one light."""
    img = _wall()
    assert _counts(img) == WANT
    assert _counts(_two_lights(img)) == WANT


@pytest.mark.slow
def test_without_the_light_field_taken_off_the_two_lights_lose_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same photo read as it is (no light field): notes are lost or misnamed, which is
    what the test above guards against."""
    monkeypatch.setattr(markerless_read, "light_field", lambda rgb8, m: None)
    assert _counts(_two_lights(_wall())) != WANT


def test_one_light_leaves_the_photo_as_it_is() -> None:
    """A wall under one light (its cast even, or a gentle falloff of its colour) has no
    field: the photo is read bit for bit as before."""
    img = _wall()
    assert wall_surface.light_field(img, CONFIG.markerless) is None
    mild = _two_lights(img, (1.08, 1.0, 0.9), (0.95, 1.0, 1.05))
    assert wall_surface.light_field(mild, CONFIG.markerless) is None
    coef = wall_surface.light_field(_two_lights(img), CONFIG.markerless)
    assert coef is not None and coef[1] > 0.5  # cooler to the right


def test_the_field_taken_off_makes_the_wall_one_colour() -> None:
    """After the field is taken off, the wall's left and right edges have one chromaticity."""
    img = _two_lights(_wall())
    out = wall_surface.without_light_field(img, wall_surface.light_field(img, CONFIG.markerless))

    def blue_over_red(rgb: np.ndarray, cols: slice) -> float:
        lin = ((rgb[300:400, cols].astype(np.float64) / 255.0) ** 2.2).reshape(-1, 3).mean(0)
        return float(np.log(lin[2] / lin[0]))

    left, right = slice(5, 40), slice(-40, -5)
    assert abs(blue_over_red(img, left) - blue_over_red(img, right)) > 0.8
    assert abs(blue_over_red(out, left) - blue_over_red(out, right)) < 0.25
