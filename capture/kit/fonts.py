"""Font lookup: printed boards use DejaVu Sans (Debian's fonts-dejavu-core)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from capture.core.errors import ExternalToolError

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
PRINT_FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@lru_cache(maxsize=64)
def find_font(filename: str) -> Path:
    """Path of an installed font file, searched by file name."""
    for root in FONT_DIRS:
        if root.is_dir():
            hit = next(iter(sorted(root.rglob(filename))), None)
            if hit is not None:
                return hit
    raise ExternalToolError(
        f"la police {filename} n'est pas installée : lancez `make demo` (il installe les "
        "paquets de polices Debian)",
        code="font_missing",
    )


@lru_cache(maxsize=256)
def load_font(filename: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font(filename)), max(1, size_px))


def print_font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    return load_font(PRINT_FONTS[bold], size_px)
