"""A phone camera in front of a wall: pose, intrinsics, the wall -> photo homography, and
the EXIF orientation in which the phone stores its pixels.

World frame = wall mm (X right, Y down, Z into the wall); the wall is the plane Z = 0.
Photo pixel coordinates follow OpenCV: pixel (i, j) has its centre at (i, j).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from capture.core.config import SynthLevel


@dataclass(frozen=True)
class Camera:
    size: tuple[int, int]  # upright photo (w, h)
    K: np.ndarray
    R: np.ndarray  # world -> camera
    C: np.ndarray  # camera centre in world mm
    tilt_deg: float  # optical axis vs wall normal
    roll_deg: float
    focal_mm_35: float

    def wall_to_photo(self) -> np.ndarray:
        """3x3 homography: wall mm (Z = 0) -> upright photo px."""
        r = self.R
        m = np.column_stack([r[:, 0], r[:, 1], -r @ self.C])
        h = self.K @ m
        return h / h[2, 2]

    def describe(self) -> dict:
        return {
            "tilt_deg": round(self.tilt_deg, 2),
            "roll_deg": round(self.roll_deg, 2),
            "focal_35mm": round(self.focal_mm_35, 1),
            "distance_mm": round(float(-self.C[2]), 1),
            "size_px": list(self.size),
        }


def photo_size(megapixels: float) -> tuple[int, int]:
    """4:3 landscape size for a megapixel count (12 MP -> 4000 x 3000)."""
    w = int(round(math.sqrt(megapixels * 1e6 * 4 / 3) / 4) * 4)
    return w, int(round(w * 3 / 4 / 2) * 2)


def _rotation(axis_dir: np.ndarray, roll_deg: float) -> np.ndarray:
    """World -> camera rotation looking along axis_dir, image x following the wall's X."""
    z = axis_dir / np.linalg.norm(axis_dir)
    x = np.array([1.0, 0.0, 0.0]) - z[0] * z
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    r = np.vstack([x, y, z])
    a = math.radians(roll_deg)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    return rz @ r


def project(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.column_stack([pts, np.ones(len(pts))]) @ h.T
    return p[:, :2] / p[:, 2:3]


def frame_view(
    bbox: tuple[float, float, float, float],
    landscape: bool,
    megapixels: float,
    level: SynthLevel,
    rng: np.random.Generator,
) -> Camera:
    """Aim a phone at a wall region: random tilt/roll for the level, distance to fit the region."""
    w, h = photo_size(megapixels)
    size = (w, h) if landscape else (h, w)
    focal_35 = float(rng.uniform(24, 28))
    f = focal_35 / 43.27 * math.hypot(*size)
    K = np.array(
        [
            [f, 0, size[0] / 2 - 0.5 + rng.normal(0, 4)],
            [0, f, size[1] / 2 - 0.5 + rng.normal(0, 4)],
            [0, 0, 1],
        ]
    )
    tilt = float(rng.uniform(*level.tilt_deg))
    # mostly sideways (people stand left or right of a wall), sometimes from below
    az = float(
        rng.choice(
            [0, 180, 90, 270, 45, 135, 225, 315], p=[0.3, 0.3, 0.04, 0.12, 0.06, 0.06, 0.06, 0.06]
        )
    )
    az = math.radians(az + rng.normal(0, 10))
    t = math.radians(tilt)
    d = np.array([math.sin(t) * math.cos(az), math.sin(t) * math.sin(az), math.cos(t)])
    roll = float(
        rng.uniform(-180, 180)
        if rng.random() < level.any_roll_p
        else rng.normal(0, level.roll_deg / 2)
    )
    R = _rotation(d, roll)
    fill = float(
        rng.uniform(1.05, 1.35) if rng.random() < level.overframe_p else rng.uniform(0.78, 0.95)
    )
    x0, y0, x1, y1 = bbox
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
    target = np.array([(x0 + x1) / 2, (y0 + y1) / 2, 0.0])
    shift = rng.normal(0, 0.04, 2) * np.array(size)
    dist = 2000.0
    for _ in range(6):
        C = target - dist * d
        cam = Camera(size, K, R, C, tilt, roll, focal_35)
        hmat = cam.wall_to_photo()
        p = project(hmat, corners)
        extent = max(np.ptp(p[:, 0]) / size[0], np.ptp(p[:, 1]) / size[1])
        dist *= extent / fill if extent > 0 else 1.0
        # re-centre the region (plus a hand-held offset)
        centre_px = p.mean(axis=0) - shift
        want = np.array([size[0] / 2, size[1] / 2])
        inv = np.linalg.inv(hmat)
        a, b = project(inv, np.array([centre_px, want]))
        target[:2] += a - b
    C = target - dist * d
    return Camera(size, K, R, C, tilt, roll, focal_35)


# EXIF orientation: stored = to_stored(upright); a viewer applying the tag gets upright back.
def to_stored(upright: np.ndarray, tag: int) -> np.ndarray:
    if tag == 3:
        return upright[::-1, ::-1]
    if tag == 6:  # viewer rotates 90 deg clockwise
        return np.rot90(upright, 1)
    if tag == 8:  # viewer rotates 90 deg counter-clockwise
        return np.rot90(upright, -1)
    return upright


def pick_orientation(landscape: bool, upside_down_p: float, rng: np.random.Generator) -> int | None:
    """EXIF tag as a phone would write it: portrait shots are stored sideways with tag 6 (or 8)."""
    if not landscape:
        u = rng.random()
        return 6 if u < 0.7 else 8 if u < 0.8 else (1 if u < 0.9 else None)
    if rng.random() < upside_down_p:
        return 3  # phone held upside down
    return 1 if rng.random() < 0.8 else None


# Residual lens distortion: phones correct most of it; what is left is a mild radial term.
# Model (r normalised by the half diagonal): p_d = c + (p_u - c) * (1 + k1 * r_u^2).
def _radial(pts: np.ndarray, size: tuple[int, int], k1: float, inverse: bool) -> np.ndarray:
    w, h = size
    c = np.array([(w - 1) / 2, (h - 1) / 2])
    norm = math.hypot(w, h) / 2
    d = (np.asarray(pts, float) - c) / norm
    if not inverse:
        return c + d * (1 + k1 * (d**2).sum(axis=-1, keepdims=True)) * norm
    u = d.copy()  # undistorted point whose image is d (fixed point, converges fast: k1 small)
    for _ in range(4):
        u = d / (1 + k1 * (u**2).sum(axis=-1, keepdims=True))
    return c + u * norm


def distort_points(pts: np.ndarray, size: tuple[int, int], k1: float) -> np.ndarray:
    """Where ideal (pinhole) photo points land once the residual distortion is applied."""
    return _radial(pts, size, k1, inverse=False)


def distortion_pad(size: tuple[int, int], k1: float, ca: float) -> int:
    """Margin (px, a multiple of 8) of ideal image needed beyond each side of the frame: with
    barrel distortion (k1 < 0) the frame's edges show what lies just outside the pinhole
    view, so the scene must be rendered there too (mirroring the frame's own pixels instead
    would paint false ink at the edge: a marker touching it merged with its mirror image)."""
    w, h = size
    corners = np.array([(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)], float)
    reach = 0.0
    for k in (k1 - abs(ca), k1 + abs(ca)):
        src = _radial(corners, size, k, inverse=True)
        reach = max(reach, float(np.max(np.maximum(-src, src - corners.max(axis=0)))))
    return 0 if reach <= 0 else 8 * math.ceil((reach + 2) / 8)


def distort_image(img: np.ndarray, k1: float, ca: float, pad: int = 0) -> np.ndarray:
    """Apply the residual distortion to an ideal image, with lateral chromatic aberration:
    red and blue magnified by +-ca relative to green (edges fringe). img: the H x W x 3
    float32 frame rendered `pad` px beyond each side (distortion_pad); returns H x W x 3."""
    h, w = img.shape[0] - 2 * pad, img.shape[1] - 2 * pad
    # the maps are smooth: displacement computed at the centres of step x step cells, then
    # upsampled (cv2.resize maps cell centres to pixel centres exactly)
    step = 8
    cw, chh = -(-w // step), -(-h // step)
    gx, gy = np.meshgrid((np.arange(cw) + 0.5) * step - 0.5, (np.arange(chh) + 0.5) * step - 0.5)
    xs = np.arange(w, dtype=np.float32)[None, :] + pad
    ys = np.arange(h, dtype=np.float32)[:, None] + pad
    out = np.empty((h, w, img.shape[2]), img.dtype)
    for ch, k in ((0, k1 + ca), (1, k1), (2, k1 - ca)):
        src = _radial(np.dstack([gx, gy]), (w, h), k, inverse=True)
        disp = (src - np.dstack([gx, gy])).astype(np.float32)
        big = cv2.resize(disp, (cw * step, chh * step), interpolation=cv2.INTER_LINEAR)[:h, :w]
        out[..., ch] = cv2.remap(
            img[..., ch],
            big[..., 0] + xs,
            big[..., 1] + ys,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,  # (only past the margin: not reached)
        )
    return out
