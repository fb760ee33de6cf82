"""Sticker colours between two declared ones: an orange supply is not yellow (nor red)."""

from __future__ import annotations

import numpy as np
import pytest
from drawn_scene import STICKER_RGB, Sticker, decorate, degrade, photograph, sample_kit

from capture.app.photo import analyse_photo
from capture.kit.render import render_board


@pytest.mark.slow
def test_orange_stickers_are_unknown_and_yellow_and_red_stay_declared() -> None:
    """A yellowish orange sits within the distance cut-off of yellow: the cut-off alone calls
    it yellow; the colour table's own (undeclared) orange being nearer makes it unknown."""
    kit = sample_kit()
    rng = np.random.default_rng(11)
    palette = dict(STICKER_RGB, orange=(250, 172, 30))
    b = kit.board("verbatim-10")
    zx, zy, _zw, _zh = b.zone("agree").rect_mm
    colours = ["orange", "orange", "orange", "yellow", "yellow", "red", "red"]
    stickers = [
        Sticker(b.id, (zx + 30 + 24 * i, zy + 50 + 25 * (i % 2)), c)
        for i, c in enumerate(colours)
    ]
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, [], rng, palette=palette)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 20, 4, rng)
    photo = degrade(photo, rng, cast=(1.1, 1.0, 0.85), blur_px=0.8, noise=3, jpeg=85)
    (board,) = analyse_photo(photo, kit).boards
    votes = {v.zone: v for v in board.votes}
    got = votes["agree"].by_color
    assert votes["agree"].count == len(colours) and got.get("red") == 2
    # before the table's own orange took part, all three read as yellow (within the cut-off);
    # the sheet's colour jitter can still put one nearer yellow than orange
    assert got.get("unknown", 0) >= 2 and got.get("yellow", 0) <= 3
    assert [f.zone for f in board.flags if f.code == "unknown_colour"] == ["agree"]


@pytest.mark.slow
def test_sticker_shading_across_two_colours_counts_once() -> None:
    """Orange stickers shading from red-orange to yellow-orange across their face (sheen,
    light from one side): split by colour class, each half could earn a disc of its own.
    Whatever colour they read as, each counts once."""
    kit = sample_kit()
    rng = np.random.default_rng(4)
    ppm = 4.0
    b = kit.board("verbatim-10")
    zx, zy, _zw, _zh = b.zone("agree").rect_mm
    stickers = [
        Sticker(b.id, (zx + 30 + 26 * (i % 5), zy + 40 + 30 * (i // 5)), "orange")
        for i in range(10)
    ]
    palette = dict(STICKER_RGB, orange=(255, 140, 30))
    img = decorate(render_board(b, ppm), b, ppm, stickers, [], rng, palette=palette)
    img = img.astype(np.float32)
    yy, xx = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    for st in stickers:  # green from x0.5 on the left edge to x1.5 on the right
        cx, cy, r = st.center_mm[0] * ppm, st.center_mm[1] * ppm, 6 * ppm
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        ramp = 0.5 + np.clip((xx - cx + r) / (2 * r), 0, 1)
        img[..., 1] = np.where(inside, img[..., 1] * ramp, img[..., 1])
    img = np.clip(img, 0, 255).astype(np.uint8)
    photo, _ = photograph([(img, ppm, (0, 0))], (480, 340), (2400, 1800), 20, 4, rng)
    photo = degrade(photo, rng, cast=(0.95, 0.9, 0.85), blur_px=1.2, noise=3, jpeg=80)
    (board,) = analyse_photo(photo, kit).boards
    votes = {v.zone: v for v in board.votes}
    assert votes["agree"].count == len(stickers)  # 20 before: each half a sticker
