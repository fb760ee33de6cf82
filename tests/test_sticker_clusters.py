"""Touching stickers of several colours: one disc per sticker, each with its own colour."""

from __future__ import annotations

import numpy as np
import pytest
from drawn_scene import STICKER_RGB, Sticker, decorate, degrade, photograph, sample_kit

from capture.app.photo import analyse_photo
from capture.kit.render import render_board


@pytest.mark.slow
def test_touching_mixed_cluster_counts_each_sticker_once() -> None:
    """Three touching reds under a touching yellow and green (12 mm discs, 11 mm apart), shot
    at an angle: covering the whole blob once credited red discs with yellow pixels and
    added a sticker; per-colour covering counts exactly five."""
    kit = sample_kit()
    rng = np.random.default_rng(21)
    # a darker crimson sheet: it must read red, not unknown
    palette = dict(STICKER_RGB, red=(189, 22, 54))
    b = kit.board("verbatim-10")
    zx, zy, _zw, _zh = b.zone("agree").rect_mm
    cx, cy = zx + 60, zy + 60
    stickers = [
        Sticker(b.id, (cx, cy), "red"),
        Sticker(b.id, (cx + 11, cy), "red"),
        Sticker(b.id, (cx + 22, cy), "red"),
        Sticker(b.id, (cx + 5.5, cy - 10), "yellow"),
        Sticker(b.id, (cx + 16.5, cy - 10), "green"),
    ]
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, [], rng, palette=palette)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 35, 4, rng)
    photo = degrade(photo, rng, cast=(1.05, 1.0, 0.9), blur_px=0.8, noise=3, jpeg=85)
    (board,) = analyse_photo(photo, kit).boards
    agree = {v.zone: v for v in board.votes}["agree"]
    assert agree.count == 5
    assert {k: v for k, v in agree.by_color.items() if v} == {"red": 3, "yellow": 1, "green": 1}
