"""Real-world shades of dot stickers, sticky notes, inks, paper and walls (sRGB 0-255).

These are deliberately NOT the pipeline's reference colours (calibration/colors.yaml): real
supplies vary between brands and sheets, and the generator must not hand the pipeline its
own numbers. Each colour name has several shades (e.g. canary vs neon yellow notes).
"""

from __future__ import annotations

import numpy as np

RGB = tuple[int, int, int]

STICKER_SHADES: dict[str, tuple[RGB, ...]] = {
    "red": ((206, 32, 46), (224, 44, 40), (190, 24, 52)),
    "green": ((30, 150, 76), (58, 170, 64), (20, 128, 92)),
    "blue": ((24, 86, 186), (32, 110, 200), (30, 64, 160)),
    "yellow": ((252, 214, 24), (246, 226, 40), (250, 196, 18)),
    "orange": ((244, 122, 28), (250, 140, 40)),
    "pink": ((232, 66, 146), (240, 92, 170)),
    "purple": ((112, 58, 156), (128, 72, 170)),
    "white": ((240, 240, 234),),
}

NOTE_SHADES: dict[str, tuple[RGB, ...]] = {
    # canary (classic pastel) first, then neon / "super sticky" variants
    "yellow": ((255, 240, 120), (252, 232, 88), (240, 246, 70), (255, 226, 60)),
    "pink": ((255, 150, 190), (252, 96, 164), (244, 60, 140)),
    "orange": ((255, 178, 90), (252, 150, 60), (255, 128, 50)),
    "green": ((176, 232, 132), (150, 230, 90), (196, 240, 90)),
    "blue": ((128, 204, 240), (86, 196, 232), (150, 210, 246)),
    "purple": ((200, 168, 232), (176, 140, 220)),
    "white": ((248, 248, 242),),
}

INKS: tuple[tuple[str, RGB], ...] = (
    ("black", (26, 26, 30)),
    ("black", (40, 38, 44)),
    ("blue", (24, 44, 140)),
    ("blue", (30, 70, 170)),
    ("darkred", (128, 20, 30)),
    ("green", (20, 96, 50)),
)

WALL_PAINTS: tuple[RGB, ...] = (
    (236, 232, 222),  # warm white
    (226, 220, 204),  # beige
    (214, 216, 212),  # pale grey
    (222, 228, 210),  # pale green cafeteria
    (238, 226, 200),  # cream
    (200, 206, 210),  # cool grey
)

# rarer walls: a coloured accent wall, a dark slate one (notes pop, paper glows), pale wood
ACCENT_PAINTS: tuple[RGB, ...] = (
    (190, 112, 84),  # terracotta
    (112, 146, 158),  # blue-grey
    (150, 170, 120),  # sage
    (86, 90, 96),  # dark slate
    (222, 198, 160),  # pale wood panelling (grain added by the wall renderer)
)
WOOD = ACCENT_PAINTS[-1]

SKIRTINGS: tuple[RGB, ...] = ((240, 240, 236), (120, 118, 112), (150, 110, 76), (60, 60, 62))


def jitter_rgb(rgb: RGB, rng: np.random.Generator, amount: float) -> np.ndarray:
    """A shade near `rgb` (sheet-to-sheet variation), as float 0-255."""
    base = np.asarray(rgb, np.float32)
    return np.clip(
        base * (1 + rng.normal(0, amount, 3)) + rng.normal(0, 255 * amount / 2, 3), 0, 255
    )


def sticker_shade(color: str, rng: np.random.Generator) -> np.ndarray:
    shades = STICKER_SHADES[color]
    return jitter_rgb(shades[rng.integers(len(shades))], rng, 0.03)


def note_shade(color: str, rng: np.random.Generator) -> np.ndarray:
    shades = NOTE_SHADES[color]
    return jitter_rgb(shades[rng.integers(len(shades))], rng, 0.02)


def undeclared_colors(declared: tuple[str, ...]) -> list[str]:
    """Sticker colours a participant might bring that the workshop did not declare."""
    return [c for c in STICKER_SHADES if c not in declared and c != "white"]
