"""Frame: the one mm <-> px conversion of a board image, checked against a real warp."""

from __future__ import annotations

import cv2
import numpy as np

from capture.core.geometry import Frame


def test_round_trip_and_margin() -> None:
    f = Frame(px_per_mm=4.0, margin_mm=10.0)
    pts = np.array([[0.0, 0.0], [12.5, 3.25], [-10.0, -10.0]])
    assert np.allclose(f.to_px(pts), [[40.0, 40.0], [90.0, 53.0], [0.0, 0.0]])
    assert np.allclose(f.to_mm(f.to_px(pts)), pts)
    assert f.length_px(2.5) == 10.0 and f.length_mm(10.0) == 2.5  # lengths ignore the margin


def test_matrix_agrees_with_to_px_through_opencv() -> None:
    f = Frame(px_per_mm=3.0, margin_mm=5.0)
    pts = np.array([[[1.0, 2.0]], [[100.0, 40.0]]], np.float64)
    warped = cv2.perspectiveTransform(pts, f.matrix())[:, 0, :]
    assert np.allclose(warped, f.to_px(pts[:, 0, :]))
    # A white square at board mm (10..20, 10..20) drawn through the matrix lands where to_px says.
    board = np.zeros((40, 40), np.uint8)
    board[10:20, 10:20] = 255
    img = cv2.warpPerspective(board, f.matrix(), (150, 150), flags=cv2.INTER_NEAREST)
    ys, xs = np.nonzero(img)
    (x0, y0), (x1, y1) = f.to_px(np.array([[10.0, 10.0], [20.0, 20.0]]))
    # (within a pixel: nearest-neighbour sampling rounds at pixel centres)
    assert abs(xs.min() - x0) <= 1 and abs(ys.min() - y0) <= 1
    assert abs(xs.max() + 1 - x1) <= 1 and abs(ys.max() + 1 - y1) <= 1
