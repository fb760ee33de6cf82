"""Board millimetres <-> pixels of an image drawn at a fixed resolution.

After rectification every measurement is in board millimetres; an image of the board is
drawn at `px_per_mm`, with `margin_mm` of wall around the board on every side, so pixel
(u, v) = ((x + margin) * px_per_mm, (y + margin) * px_per_mm). `Frame` holds that one
conversion, so it is written once instead of inline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Frame:
    """The pixel frame of a board image: resolution and margin (both in board terms)."""

    px_per_mm: float
    margin_mm: float = 0.0

    def to_px(self, pts_mm: np.ndarray) -> np.ndarray:
        """Board-mm points (..., 2) -> pixel coordinates in this frame."""
        return (np.asarray(pts_mm, np.float64) + self.margin_mm) * self.px_per_mm

    def to_mm(self, pts_px: np.ndarray) -> np.ndarray:
        """Pixel coordinates in this frame -> board-mm points."""
        return np.asarray(pts_px, np.float64) / self.px_per_mm - self.margin_mm

    def length_px(self, mm: float) -> float:
        """A length (not a position: no margin) in pixels."""
        return mm * self.px_per_mm

    def length_mm(self, px: float) -> float:
        """A length in pixels back to millimetres."""
        return px / self.px_per_mm

    def matrix(self) -> np.ndarray:
        """3x3 homogeneous board-mm -> pixel matrix (for cv2.warpPerspective and the like)."""
        s, m = self.px_per_mm, self.margin_mm
        return np.array([[s, 0, m * s], [0, s, m * s], [0, 0, 1]], np.float64)
