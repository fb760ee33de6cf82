"""Render a board layout to an RGB array at a given resolution (numpy in/out, no files)."""

from __future__ import annotations

import re

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from capture.core.config import CONFIG
from capture.core.model import BoardLayout, TextBlock
from capture.kit.fonts import print_font

NBSP = "\u00a0"
_FRENCH_SPACES = re.compile(r" (?=[?!:;»])|(?<=«) ")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap; French spacing before ? ! : ; » and after « never breaks a line."""
    lines: list[str] = []
    for paragraph in _FRENCH_SPACES.sub(NBSP, text).split("\n"):
        line = ""
        for word in (w for w in re.split(r"[ \t]+", paragraph) if w):
            trial = f"{line} {word}".strip(" ")
            if not line or font.getlength(trial) <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def fit_text(
    text: str, width_px: float, height_px: float, size_px: float, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest font <= size_px whose wrapped lines fit the box."""
    size = max(4, int(size_px))
    while True:
        font = print_font(bold, size)
        lines = _wrap(text, font, width_px)
        fits = len(lines) * size * 1.2 <= height_px and all(
            font.getlength(li) <= width_px for li in lines
        )
        if fits or size <= 4:
            return font, lines
        size = max(4, int(size * 0.92))


def _draw_text(img: Image.Image, block: TextBlock, ppm: float) -> None:
    x, y, w, h = (v * ppm for v in block.rect_mm)
    if block.vertical:  # draw into a rotated strip, then paste
        strip = Image.new("L", (int(h), int(w)), 255)
        _draw_text(
            strip,
            TextBlock(
                block.text,
                (0, 0, h / ppm, w / ppm),
                block.size_mm,
                block.grey,
                block.bold,
                block.align,
            ),
            ppm,
        )
        img.paste(strip.rotate(90, expand=True).convert(img.mode), (int(x), int(y)))
        return
    font, lines = fit_text(block.text, w, h, block.size_mm * ppm, block.bold)
    draw = ImageDraw.Draw(img)
    step = font.size * 1.2
    fill = block.grey if img.mode == "L" else (block.grey,) * 3
    for i, line in enumerate(lines):
        lx = x + (w - font.getlength(line)) / 2 if block.align == "center" else x
        draw.text((lx, y + i * step), line, font=font, fill=fill)


def marker_image(dictionary_name: str, marker_id: int, side_px: int) -> np.ndarray:
    """ArUco marker (with its one-cell black border) as a uint8 grey image."""
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary_name))
    return cv2.aruco.generateImageMarker(dictionary, marker_id, side_px, borderBits=1)


def qr_image(payload: str, side_px: int) -> np.ndarray:
    """QR code with a 2-module quiet zone, scaled to side_px (nearest neighbour).

    The smallest version (error level L, boosted to the best level that fits that version)
    and a 2-module border give the largest modules in the printed square: on the small
    boards this decides whether a phone photo can read it. The white paper around the
    square (>= gap_mm) completes the 4-module quiet zone the standard asks for.
    """
    matrix = np.where(qr_modules(payload), 0, 255).astype(np.uint8)
    return cv2.resize(matrix, (side_px, side_px), interpolation=cv2.INTER_NEAREST)


def qr_modules(payload: str) -> np.ndarray:
    """The printed QR square as modules (True: dark), its 2-module quiet zone included."""
    qr = segno.make(payload, error="l", micro=False, boost_error=True)
    return np.array([[bool(v) for v in row] for row in qr.matrix_iter(border=2)], bool)


def render_board_grey(
    board: BoardLayout, px_per_mm: float, dictionary: str = "DICT_4X4_250"
) -> np.ndarray:
    """The printed board as an H x W uint8 grey array (the kit prints no colour at all)."""
    w, h = (round(v * px_per_mm) for v in board.size_mm)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    lw = max(1, round(0.6 * px_per_mm))
    grey = CONFIG.kit.zone_grey
    for zone in board.zones:
        zx, zy, zw, zh = (v * px_per_mm for v in zone.rect_mm)
        draw.rectangle((zx, zy, zx + zw, zy + zh), outline=grey, width=lw)
    for x0, y0, x1, y1, g in board.lines:
        draw.line(
            [(x0 * px_per_mm, y0 * px_per_mm), (x1 * px_per_mm, y1 * px_per_mm)],
            fill=g,
            width=max(1, lw // 2),
        )
    for kind, value, (sx, sy, sw, sh) in board.swatches:
        box = (sx * px_per_mm, sy * px_per_mm, (sx + sw) * px_per_mm, (sy + sh) * px_per_mm)
        if kind == "grey":
            draw.rectangle(box, fill=int(value), outline=0, width=max(1, lw // 2))
        elif kind == "sticker":
            draw.ellipse(box, outline=grey, width=lw)
        else:
            draw.rectangle(box, outline=grey, width=lw)
    for block in board.texts:
        _draw_text(img, block, px_per_mm)
    arr = np.array(img)
    del img  # large boards at print resolution: free the PIL copy early
    for marker in board.markers:
        (x0, y0), (x1, _), _, _ = marker.corners_mm
        side = round((x1 - x0) * px_per_mm)
        px, py = round(x0 * px_per_mm), round(y0 * px_per_mm)
        arr[py : py + side, px : px + side] = marker_image(dictionary, marker.id, side)
    qx, qy, qs, _ = board.qr_rect_mm
    side = round(qs * px_per_mm)
    px, py = round(qx * px_per_mm), round(qy * px_per_mm)
    arr[py : py + side, px : px + side] = qr_image(board.qr_payload, side)
    return arr


def render_board(
    board: BoardLayout, px_per_mm: float, dictionary: str = "DICT_4X4_250"
) -> np.ndarray:
    """The printed board as an H x W x 3 uint8 RGB array; board mm map 1:1 at px_per_mm."""
    return np.repeat(render_board_grey(board, px_per_mm, dictionary)[..., None], 3, axis=2)
