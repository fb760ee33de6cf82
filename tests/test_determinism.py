"""The same photo gives the same result on every run (RANSAC, threaded detection, ordering)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from drawn_scene import STICKER_RGB, Sticker, decorate, degrade, photograph, sample_kit

from capture.app.json_out import photo_to_dict
from capture.app.photo import analyse_photo
from capture.kit.render import render_board


@pytest.mark.slow
def test_analyse_photo_twice_gives_identical_outputs() -> None:
    kit = sample_kit()
    rng = np.random.default_rng(5)
    b = kit.board("verbatim-10")
    zx, zy, _zw, _zh = b.zone("agree").rect_mm
    # a touching cluster and a crimson-ish red: the cases whose colours once varied run to run
    palette = dict(STICKER_RGB, red=(189, 22, 54))
    colours = ["red", "red", "yellow", "blue", "green", "red"]
    stickers = [
        Sticker(b.id, (zx + 30 + 11 * i, zy + 50 + 6 * (i % 2)), c) for i, c in enumerate(colours)
    ]
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, [], rng, palette=palette)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 30, 4, rng)
    photo = degrade(photo, rng, cast=(1.05, 1.0, 0.9), blur_px=0.8, noise=3, jpeg=85)
    docs = []
    for _ in range(2):
        res = analyse_photo(photo.copy(), kit)
        d = photo_to_dict(res, kit)
        d.pop("timings_s", None)
        docs.append(json.dumps(d, sort_keys=True, default=str))
    first = json.loads(docs[0])
    assert first["boards"] == [b.id] and first["votes"]
    assert docs[0] == docs[1]
