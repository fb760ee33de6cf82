"""A person's arm or shoulder entering the frame: close to the lens, so strongly out of focus,
in front of everything. Truth treats what it hides as not seen (see truth.Occluder use).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

# sleeves (navy, grey, burgundy, denim) and skin tones, sRGB
SLEEVES = ((40, 46, 70), (110, 110, 112), (110, 40, 50), (70, 90, 120))
SKINS = ((224, 182, 150), (190, 140, 105), (120, 82, 60))


@dataclass(frozen=True)
class Arm:
    """A capsule from outside the frame edge inwards (photo px), with its colour."""

    start: tuple[float, float]
    end: tuple[float, float]
    width: float
    rgb: tuple[int, int, int]
    blur: float  # defocus sigma, px

    def mask(self, size: tuple[int, int]) -> np.ndarray:
        """Coverage 0-1 (H x W float32), drawn small then upsampled: it is out of focus."""
        w, h = size
        k = 8
        sw, sh = -(-w // k), -(-h // k)
        m = np.zeros((sh, sw), np.float32)
        p0 = (round(self.start[0] / k), round(self.start[1] / k))
        p1 = (round(self.end[0] / k), round(self.end[1] / k))
        cv2.line(m, p0, p1, 1.0, max(1, round(self.width / k)), cv2.LINE_AA)
        cv2.circle(m, p1, max(1, round(self.width * 0.55 / k)), 1.0, -1, cv2.LINE_AA)
        m = cv2.GaussianBlur(m, (0, 0), max(0.5, self.blur / k))
        return cv2.resize(m, (sw * k, sh * k), interpolation=cv2.INTER_LINEAR)[:h, :w]

    def shifted(self, d: float) -> Arm:
        """The same arm in a frame grown by d px on every side (drawn beyond the photo's edge)."""
        (x0, y0), (x1, y1) = self.start, self.end
        return replace(self, start=(x0 + d, y0 + d), end=(x1 + d, y1 + d))

    def hides(self, size: tuple[int, int]):
        """Function: photo points (N x 2) -> True where the arm covers them (coverage > 0.3)."""
        m = self.mask(size)
        h, w = m.shape

        def hidden(pts: np.ndarray) -> np.ndarray:
            p = np.asarray(pts, float).reshape(-1, 2)
            x = np.clip(np.round(p[:, 0]).astype(int), 0, w - 1)
            y = np.clip(np.round(p[:, 1]).astype(int), 0, h - 1)
            return m[y, x] > 0.3

        return hidden

    def describe(self) -> dict:
        return {
            "start_px": [round(v, 1) for v in self.start],
            "end_px": [round(v, 1) for v in self.end],
            "width_px": round(self.width, 1),
        }


def sample_arm(size: tuple[int, int], p: float, rng: np.random.Generator) -> Arm | None:
    """With probability p, an arm reaching in from the left, right or bottom edge."""
    if rng.random() >= p:
        return None
    w, h = size
    diag = math.hypot(w, h)
    edge = int(rng.choice(3, p=[0.35, 0.35, 0.3]))
    t = float(rng.uniform(0.5, 1.0))  # mostly the lower part of a side
    if edge == 0:
        start, inward = (-0.1 * w, t * h), 0.0
    elif edge == 1:
        start, inward = (1.1 * w, t * h), math.pi
    else:
        start, inward = (float(rng.uniform(0.1, 0.9)) * w, 1.1 * h), -math.pi / 2
    a = inward + rng.normal(0, 0.35)
    reach = float(rng.uniform(0.15, 0.3)) * diag
    end = (start[0] + reach * math.cos(a), start[1] + reach * math.sin(a))
    palette = SLEEVES if rng.random() < 0.6 else SKINS
    rgb = palette[rng.integers(len(palette))]
    return Arm(
        (float(start[0]), float(start[1])),
        (float(end[0]), float(end[1])),
        float(rng.uniform(0.1, 0.18) * min(w, h)),
        rgb,
        float(rng.uniform(0.01, 0.025) * diag),
    )


def draw_arm(img: np.ndarray, arm: Arm) -> None:
    """Composite the arm over an H x W x 3 float32 (0-1) photo, in place; shading across it."""
    h, w = img.shape[:2]
    m = arm.mask((w, h))
    base = np.asarray(arm.rgb, np.float32) / 255
    # rounder towards its edges: darker where coverage is partial (the limb turns away)
    shade = 0.65 + 0.35 * np.clip(m * 1.5 - 0.3, 0, 1)
    img *= 1 - m[..., None]
    img += (m * shade)[..., None] * base
