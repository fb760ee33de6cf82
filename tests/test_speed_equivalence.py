"""Faster stages must give the very values the slower code gave (issue 17, whole-run speed):
each rewritten step is checked bit for bit against the straightforward numpy it replaced,
on a rendered board with notes, stickers and glare."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from drawn_scene import Sticker, StickyNote, decorate, sample_kit

from capture.core.config import CONFIG
from capture.kit.render import render_board
from capture.vision.colour import (
    _LIN_LUT,
    _SRGB_LUT,
    _black_level,
    _paper_field,
    classify_map,
    colour_distance,
    load_colour_refs,
    normalise_board,
    srgb_to_lab,
    srgb_to_linear,
)
from capture.vision.rectify import Rectified


@pytest.fixture(scope="module")
def board_rgb() -> np.ndarray:
    """A rendered board at 2 px/mm with notes of every colour, stickers and a burnt-out patch."""
    kit = sample_kit()
    b = kit.board("mire")
    gx, gy, _, _ = b.zone("grille").rect_mm
    rng = np.random.default_rng(5)
    cols = list(kit.note_colors)
    notes = [
        StickyNote("mire", (gx + 80 + 110 * i, gy + 90 + 40 * (i % 2)), 7.0 * i - 10, c)
        for i, c in enumerate(cols)
    ]
    stickers = [
        Sticker("mire", (gx + 60 + 50 * i, gy + 300), c) for i, c in enumerate(kit.sticker_colors)
    ]
    img = decorate(render_board(b, 2.0), b, 2.0, stickers, notes, rng)
    img[40:90, 100:220] = 255  # glare: clipped in every channel
    img[100:120, 100:220, :2] = 255  # clipped in two channels only
    return img


def _classify_map_before(lab: np.ndarray, refs: dict[str, np.ndarray], c_weight: float = 1.0):
    """classify_map as it was: every reference's distance map stacked, then argmin and min."""
    d = np.stack(
        [
            colour_distance(lab, refs[n], c_weight=c_weight, c_weight_washed=None).astype(
                np.float32
            )
            for n in refs
        ],
        -1,
    )
    return np.argmin(d, -1), np.min(d, -1)


@pytest.mark.slow
@pytest.mark.parametrize("c_weight", [1.0, 0.35])
def test_classify_map_is_the_stacked_argmin(board_rgb: np.ndarray, c_weight: float) -> None:
    lab = srgb_to_lab(board_rgb.astype(np.float32) / 255.0)
    kit = sample_kit()
    refs = load_colour_refs(tuple(kit.sticker_colors), tuple(kit.note_colors)).notes
    window = lab[13:517, 7:611]  # a window of the map (not contiguous), as the callers pass
    for img in (lab, window):
        want_i, want_d = _classify_map_before(img, refs, c_weight)
        got_i, got_d = classify_map(img, refs, c_weight)
        assert got_i.dtype == want_i.dtype and got_d.dtype == want_d.dtype
        assert got_i.shape == want_i.shape
        assert np.array_equal(got_i, want_i)
        assert np.array_equal(got_d, want_d)
    assert len(np.unique(want_i)) >= 3  # paper and notes: several classes, ties between them


def _normalised_rgb_before(rect: Rectified, board) -> np.ndarray:
    """normalise_board's colours as they were computed: whole-board float maps at once."""
    cfg = CONFIG.colour
    field = _paper_field(rect, cfg, CONFIG.dots.clip_level).field
    black = _black_level(rect, board, cfg)
    lb = np.minimum(srgb_to_linear(black / 255.0), field.min(axis=(0, 1)) * 0.5).astype(np.float32)
    target = np.float32(srgb_to_linear(np.float32(cfg.white_target)))
    gain_c = (target / np.maximum(field - lb, 1e-4)).astype(np.float32)
    h, w = rect.image.shape[:2]
    gain = cv2.resize(gain_c, (w, h), interpolation=cv2.INTER_LINEAR)
    lut = (_LIN_LUT[:, None] - lb[None, :]).reshape(256, 1, 3).astype(np.float32)
    norm = cv2.multiply(cv2.LUT(rect.image, lut), gain)
    n = _SRGB_LUT.size - 1
    norm *= n
    np.clip(norm, 0, n, out=norm)
    rgb = _SRGB_LUT[norm.astype(np.uint16)]
    rgb[~rect.valid] = 1.0
    return rgb


def test_normalised_board_is_the_whole_board_computation(board_rgb: np.ndarray) -> None:
    """normalise_board by bands of rows gives the very colours of the whole-board computation,
    with part of the board off the photo; its glare mask (the darkest channel taken two
    channels at a time) is the min over the channels, as before."""
    kit = sample_kit()
    b = kit.board("mire")
    h, w = board_rgb.shape[:2]
    valid = np.ones((h, w), bool)
    valid[:, : w // 5] = False  # off the photo on the left...
    valid[h - 37 :, :] = False  # ...and at the bottom (a partial last band)
    rect = Rectified("mire", board_rgb, valid, 2.0, 0.0, b.size_mm, np.eye(3))
    norm = normalise_board(rect, b)
    want_rgb = _normalised_rgb_before(rect, b)
    assert norm.rgb.dtype == want_rgb.dtype == np.float32
    assert np.array_equal(norm.rgb, want_rgb)
    assert (norm.rgb[~valid] == 1.0).all()
    want = board_rgb.min(axis=-1) >= CONFIG.dots.clip_level
    assert np.array_equal(norm.clipped, want)
    assert want.sum() >= 50 * 120  # the burnt-out patch, not the two-channel one
