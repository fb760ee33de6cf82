"""A note is placed only when its centre is seen: inside the photo frame, with a margin."""

from __future__ import annotations

import numpy as np

from capture.core.config import CONFIG
from capture.vision.notes import _centre_in_photo


def test_centre_on_or_past_the_frame_edge_is_not_placed() -> None:
    # board mm -> photo px: 1.6 px/mm, board origin at (3700, 1000) px in a 4000 x 3000 photo
    h = np.array([[1.6, 0.0, 3700.0], [0.0, 1.6, 1000.0], [0.0, 0.0, 1.0]])
    shape = (3000, 4000, 3)
    margin = CONFIG.notes.centre_margin_frac * 76.0  # a 76 mm note
    x_of = lambda px: (px - 3700.0) / 1.6  # noqa: E731  board mm of a photo column
    assert _centre_in_photo(h, (x_of(3850.0), 300.0), shape, margin)  # well inside
    assert not _centre_in_photo(h, (x_of(4001.0), 300.0), shape, margin)  # past the edge
    # on the edge within the fit's few px of uncertainty: half the note seen, not placed
    assert not _centre_in_photo(h, (x_of(3997.0), 300.0), shape, margin)
    assert not _centre_in_photo(h, (x_of(3850.0), -700.0), shape, margin)  # above the top
