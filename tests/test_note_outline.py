"""Note outlines follow the paper (a quadrilateral in perspective), and the bench measures them."""

from __future__ import annotations

import numpy as np

from capture.bench.markerless import outline_error


def test_outline_error_pairs_corners_in_any_rotation() -> None:
    quad = np.array([(0, 0), (100, 0), (100, 100), (0, 100)], np.float64)
    assert outline_error(np.roll(quad, 1, 0), quad) == (0.0, 1.0)
    err, iou = outline_error(quad[::-1] + np.array([10, 0]), quad)
    assert abs(err - 0.1) < 1e-9 and abs(iou - 90 / 110) < 1e-9
