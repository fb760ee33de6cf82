"""Resample one board of a photo to a fixed resolution, with a margin around it.

After this stage every coordinate is in board millimetres; `Rectified` converts between its
pixels and board mm.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.core.config import CONFIG, RectifyConfig
from capture.core.geometry import Frame
from capture.core.model import BoardFit, BoardLayout


@dataclass
class Rectified:
    """A board resampled upright: pixel (u, v) = ((x + margin) * ppm, (y + margin) * ppm)."""

    board: str
    image: np.ndarray  # H x W x 3 uint8 RGB
    valid: np.ndarray  # H x W bool: the pixel was inside the photo
    px_per_mm: float
    margin_mm: float
    size_mm: tuple[float, float]  # the board's own size (without margin)
    to_photo: np.ndarray  # 3x3: rectified px -> photo px

    def without_image(self) -> Rectified:
        """The same board without its pixels (an empty image): its geometry and valid mask
        for a stage that reads the normalised board only, so the image need not be held
        through that stage's peak."""
        return replace(self, image=np.empty((0, 0, 3), np.uint8))

    @property
    def frame(self) -> Frame:
        """The mm <-> px conversion of this image."""
        return Frame(self.px_per_mm, self.margin_mm)

    def mm_to_px(self, pts_mm: np.ndarray) -> np.ndarray:
        return self.frame.to_px(pts_mm)

    def px_to_mm(self, pts_px: np.ndarray) -> np.ndarray:
        return self.frame.to_mm(pts_px)

    def rect_px(self, rect_mm: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """Integer pixel box (x0, y0, x1, y1) of a board-mm rectangle, clipped to the image."""
        x, y, w, h = rect_mm
        (x0, y0), (x1, y1) = self.mm_to_px(np.array([(x, y), (x + w, y + h)]))
        hh, ww = self.valid.shape
        return (
            max(0, int(np.floor(x0))),
            max(0, int(np.floor(y0))),
            min(ww, int(np.ceil(x1))),
            min(hh, int(np.ceil(y1))),
        )

    def board_mask(self) -> np.ndarray:
        """Pixels on the board itself (not in the margin)."""
        m = np.zeros(self.valid.shape, bool)
        x0, y0, x1, y1 = self.rect_px((0.0, 0.0, *self.size_mm))
        m[y0:y1, x0:x1] = True
        return m


def _cross2(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def analysis_px_per_mm(
    board: BoardLayout, margin_mm: float, cfg: RectifyConfig = CONFIG.rectify
) -> float:
    """Resolution for a board: cfg.px_per_mm, coarser for boards that would exceed max_pixels."""
    w, h = board.size_mm
    area = (w + 2 * margin_mm) * (h + 2 * margin_mm)
    return float(min(cfg.px_per_mm, np.sqrt(cfg.max_pixels / area)))


def mm_to_px_matrix(px_per_mm: float, margin_mm: float) -> np.ndarray:
    return Frame(px_per_mm, margin_mm).matrix()


def rectify_board(
    rgb: np.ndarray, fit: BoardFit, board: BoardLayout, px_per_mm: float, margin_mm: float
) -> Rectified:
    """The board (plus margin_mm around it) resampled at px_per_mm from the photo."""
    w_mm, h_mm = board.size_mm
    out_w = round((w_mm + 2 * margin_mm) * px_per_mm)
    out_h = round((h_mm + 2 * margin_mm) * px_per_mm)
    # rectified px -> board mm -> photo px. Rectified pixel j is centred at j + 0.5 in board
    # coordinates; photo coordinates are pixel indices (as ArUco corners are).
    centre = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], np.float64)
    to_photo = np.asarray(fit.homography, np.float64) @ np.linalg.inv(
        mm_to_px_matrix(px_per_mm, margin_mm)
    )
    m = to_photo @ centre
    src = rgb
    # Shrinking a lot with bilinear sampling aliases: pre-blur the photo when it is much finer.
    scale = _photo_px_per_out_px(to_photo, out_w, out_h)
    if scale > 1.6:
        src = cv2.GaussianBlur(rgb, (0, 0), 0.4 * scale)
    image = cv2.warpPerspective(
        src,
        m,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    ones = np.full(rgb.shape[:2], 255, np.uint8)
    valid = (
        cv2.warpPerspective(
            ones,
            m,
            (out_w, out_h),
            flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
        > 0
    )
    return Rectified(board.id, image, valid, px_per_mm, margin_mm, (w_mm, h_mm), to_photo)


def _photo_px_per_out_px(to_photo: np.ndarray, out_w: int, out_h: int) -> float:
    """Median linear scale from rectified px to photo px over the image."""
    pts = np.array(
        [(x, y) for x in (0, out_w / 2, out_w) for y in (0, out_h / 2, out_h)], np.float64
    )
    scales = []
    for x, y in pts:
        p = cv2.perspectiveTransform(
            np.array([[(x, y), (x + 1, y), (x, y + 1)]], np.float64), to_photo
        )[0]
        scales.append(np.sqrt(abs(_cross2(p[1] - p[0], p[2] - p[0]))))
    return float(np.median(scales))
