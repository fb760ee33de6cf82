"""The print-ready kit PDF: every board at true scale on A4 or A3 pages.

A board whose printed ink fits inside the paper's printable area gets one page (its own
white border may fall in the printer's unprintable margin: nothing is lost). Larger boards
are tiled: their printed part (markers to markers; the blank border around it is the
sheets' own margin) is cut into the fewest equal tiles that fit the printable area, each
overlapping its neighbours by `overlap_mm`. The overlap on the left/upper tile is hatched
and labelled "coller ici"; the next tile is cut along its crop marks and laid on it, so the
hatching ends up hidden and the assembled board is exactly the rendered one. Pages are
lossless greyscale PNGs placed by img2pdf at their true size, so "actual size / 100 %"
printing gives board millimetres on paper.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from capture.core.config import CONFIG, PrintConfig
from capture.core.errors import UsageError
from capture.core.model import BoardLayout, KitLayout, Rect
from capture.kit.render import fit_text, render_board_grey

PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MM_PER_PT = 25.4 / 72.0


@dataclass(frozen=True)
class Tile:
    """One page of a board: which part of the board, and where it lands on the page (mm)."""

    row: int
    col: int
    board_rect_mm: Rect  # x, y, w, h of the board printed on this page
    page_origin_mm: tuple[float, float]  # page position of board_rect's top-left corner


@dataclass(frozen=True)
class BoardPrint:
    """How one board is printed: paper, orientation and its tiles in row-major order."""

    board: str
    paper: str  # "A4" | "A3"
    landscape: bool
    rows: int
    cols: int
    tiles: tuple[Tile, ...]

    @property
    def page_mm(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.paper]
        return (h, w) if self.landscape else (w, h)

    @property
    def pages(self) -> int:
        return len(self.tiles)

    def describe(self) -> str:
        """Short French-free summary for the CLI, e.g. "3 × 5 A3 portrait"."""
        orient = "landscape" if self.landscape else "portrait"
        if self.pages == 1:
            return f"1 {self.paper} {orient} page"
        return f"{self.rows} × {self.cols} {self.paper} {orient} pages"


def ink_bbox_mm(board: BoardLayout) -> Rect:
    """Bounding box of all a board prints (markers, QR, zones, texts, lines, swatches)."""
    xs: list[float] = []
    ys: list[float] = []

    def add(rect: Rect) -> None:
        x, y, w, h = rect
        xs.extend((x, x + w))
        ys.extend((y, y + h))

    for marker in board.markers:
        for x, y in marker.corners_mm:
            xs.append(x)
            ys.append(y)
    add(board.qr_rect_mm)
    for zone in board.zones:
        add(zone.rect_mm)
    for block in board.texts:
        add(block.rect_mm)
    for x0, y0, x1, y1, _ in board.lines:
        xs.extend((x0, x1))
        ys.extend((y0, y1))
    for _, _, rect in board.swatches:
        add(rect)
    pad = 0.5  # outlines drawn on a rectangle's edge spill up to half a line / one pixel
    x0, y0 = max(0.0, min(xs) - pad), max(0.0, min(ys) - pad)
    x1, y1 = min(board.size_mm[0], max(xs) + pad), min(board.size_mm[1], max(ys) + pad)
    return (x0, y0, x1 - x0, y1 - y0)


def _axis_tiles(length: float, printable: float, overlap: float) -> list[tuple[float, float]]:
    """(start, size) of the fewest equal tiles covering `length`, neighbours overlapping by
    exactly `overlap` (equal tiles: no page carries a thin leftover strip)."""
    if length <= printable:
        return [(0.0, length)]
    n = math.ceil((length - overlap) / (printable - overlap) - 1e-9)  # an exact fit is a fit
    size = (length + (n - 1) * overlap) / n
    return [(i * (size - overlap), size) for i in range(n)]


def _single_page(board: BoardLayout, page: tuple[float, float], margin: float) -> Tile | None:
    """The board centred on one page, if all its ink lands inside the printable area."""
    (w, h), (pw, ph) = board.size_mm, page
    ox, oy = (pw - w) / 2, (ph - h) / 2
    ix, iy, iw, ih = ink_bbox_mm(board)
    eps = 1e-6
    if ix + ox < margin - eps or iy + oy < margin - eps:
        return None
    if ix + iw + ox > pw - margin + eps or iy + ih + oy > ph - margin + eps:
        return None
    bx0, by0 = max(0.0, -ox), max(0.0, -oy)  # a board larger than the paper loses blank border only
    bx1, by1 = min(w, pw - ox), min(h, ph - oy)
    return Tile(0, 0, (bx0, by0, bx1 - bx0, by1 - by0), (max(0.0, ox), max(0.0, oy)))


def plan_board(board: BoardLayout, paper: str, cfg: PrintConfig = CONFIG.print) -> BoardPrint:
    """Fewest pages of `paper` (either orientation) that print the board at true scale."""
    if paper not in PAPER_MM:
        raise UsageError(f"papier inconnu {paper!r} : utilisez A4 ou A3")
    m, o = cfg.printer_margin_mm, cfg.overlap_mm
    best: BoardPrint | None = None
    for landscape in (False, True):
        pw, ph = PAPER_MM[paper][::-1] if landscape else PAPER_MM[paper]
        single = _single_page(board, (pw, ph), m)
        if single is not None:
            plan = BoardPrint(board.id, paper, landscape, 1, 1, (single,))
        else:
            # Tile the printed part only: the board's blank border is the sheets' own margin.
            ix, iy, iw, ih = ink_bbox_mm(board)
            aw, ah = pw - 2 * m, ph - 2 * m
            xs, ys = _axis_tiles(iw, aw, o), _axis_tiles(ih, ah, o)
            ox, oy = (pw - xs[0][1]) / 2, (ph - ys[0][1]) / 2  # equal tiles, centred on the sheet
            tiles = tuple(
                Tile(r, c, (ix + x, iy + y, tw, th), (ox, oy))
                for r, (y, th) in enumerate(ys)
                for c, (x, tw) in enumerate(xs)
            )
            plan = BoardPrint(board.id, paper, landscape, len(ys), len(xs), tiles)
        if best is None or plan.pages < best.pages:
            best = plan
    assert best is not None
    return best


def plan_kit(
    kit: KitLayout, paper: str = "auto", cfg: PrintConfig = CONFIG.print
) -> tuple[str, list[BoardPrint]]:
    """Paper for the whole kit ("auto": the one needing fewer pages, A4 on a tie) and each plan."""
    choice = paper.upper()
    if choice == "AUTO":
        plans = {p: [plan_board(b, p, cfg) for b in kit.boards] for p in ("A4", "A3")}
        choice = min(plans, key=lambda p: (sum(pl.pages for pl in plans[p]), p != "A4"))
        return choice, plans[choice]
    if choice not in PAPER_MM:
        raise UsageError(f"papier inconnu {paper!r} : utilisez auto, A4 ou A3")
    return choice, [plan_board(b, choice, cfg) for b in kit.boards]


# --- drawing pages ----------------------------------------------------------------------------


def _px(mm: float, ppm: float) -> int:
    return round(mm * ppm)


def _text(
    draw: ImageDraw.ImageDraw,
    text: str,
    x: float,
    y: float,
    w: float,
    h: float,
    grey: int,
    ppm: float,
    align: str = "left",
) -> None:
    """One line of text fitted into a box given in page mm."""
    font, lines = fit_text(text, w * ppm, h * ppm * 1.25, h * ppm)
    line = " ".join(lines)
    lx = x * ppm + (w * ppm - font.getlength(line) if align == "right" else 0)
    draw.text((lx, y * ppm), line, font=font, fill=grey)


def _crop_marks(
    draw: ImageDraw.ImageDraw,
    rect_px: tuple[int, int, int, int],
    page_px: tuple[int, int],
    ppm: float,
    cfg: PrintConfig,
) -> None:
    """Short lines in the margin continuing each edge of the printed area (cut / align here)."""
    x0, y0, x1, y1 = rect_px
    gap, length = _px(1.5, ppm), _px(cfg.mark_mm, ppm)
    width = max(1, _px(0.25, ppm))
    pw, ph = page_px
    for x in (x0, x1):
        for y, sign in ((y0, -1), (y1, 1)):
            segs = [((x, y + sign * gap), (x, y + sign * (gap + length)))]
            hsign = -1 if x == x0 else 1
            segs.append(((x + hsign * gap, y), (x + hsign * (gap + length), y)))
            for (ax, ay), (bx, by) in segs:
                if all(0 <= v < pw for v in (ax, bx)) and all(0 <= v < ph for v in (ay, by)):
                    draw.line([(ax, ay), (bx, by)], fill=0, width=width)


def _glue_strip(
    page: Image.Image,
    strip_px: tuple[int, int, int, int],
    seam_vertical: bool,
    text: str,
    ppm: float,
    cfg: PrintConfig,
) -> None:
    """Hatch a strip that the neighbouring tile will cover, dashed seam line, "coller ici"."""
    x0, y0, x1, y1 = strip_px
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    draw = ImageDraw.Draw(page)
    step, width = _px(5.0, ppm), max(1, _px(0.3, ppm))
    hatch = Image.new("L", (x1 - x0, y1 - y0), 255)
    hd = ImageDraw.Draw(hatch)
    size = (x1 - x0) + (y1 - y0)
    for k in range(-size, size, max(2, step)):
        hd.line([(k, 0), (k + (y1 - y0), y1 - y0)], fill=cfg.glue_grey, width=width)
    region = np.asarray(page.crop((x0, y0, x1, y1)))
    page.paste(Image.fromarray(np.minimum(region, np.asarray(hatch))), (x0, y0))
    dash, gap = _px(3.0, ppm), _px(2.0, ppm)
    lw = max(1, _px(0.35, ppm))
    if seam_vertical:
        for y in range(y0, y1, dash + gap):
            draw.line([(x0, y), (x0, min(y1, y + dash))], fill=0, width=lw)
    else:
        for x in range(x0, x1, dash + gap):
            draw.line([(x, y0), (min(x1, x + dash), y0)], fill=0, width=lw)
    # the label, on a white band so it reads over any board content
    th = min(4.0 * ppm, 0.45 * ((x1 - x0) if seam_vertical else (y1 - y0)))
    length = (y1 - y0) if seam_vertical else (x1 - x0)
    font, lines = fit_text(text, length * 0.8, th * 1.3, th)
    line = " ".join(lines)
    tw, tsize = int(font.getlength(line)) + 2 * _px(1.5, ppm), font.size
    band = Image.new("L", (tw, int(tsize * 1.5)), 255)
    ImageDraw.Draw(band).text((_px(1.5, ppm), tsize * 0.15), line, font=font, fill=60)
    if seam_vertical:
        band = band.rotate(90, expand=True)
        bx = x0 + _px(1.0, ppm) + max(0, ((x1 - x0) - band.width) // 2)
        by = y0 + ((y1 - y0) - band.height) // 2
    else:
        bx = x0 + ((x1 - x0) - band.width) // 2
        by = y0 + _px(1.0, ppm) + max(0, ((y1 - y0) - band.height) // 2)
    page.paste(band, (bx, by))


def _ruler(draw: ImageDraw.ImageDraw, x_right: float, y: float, ppm: float) -> None:
    """A 50 mm scale bar ending at x_right (mm): measure it to check the print is at 100 %."""
    width = max(1, _px(0.25, ppm))
    x0 = x_right - 50.0
    draw.line([(_px(x0, ppm), _px(y, ppm)), (_px(x_right, ppm), _px(y, ppm))], fill=0, width=width)
    for i in range(6):
        tick = 1.6 if i in (0, 5) else 0.9
        x = _px(x0 + 10 * i, ppm)
        draw.line([(x, _px(y - tick, ppm)), (x, _px(y, ppm))], fill=0, width=width)


def compose_page(
    board_img: np.ndarray,
    board: BoardLayout,
    plan: BoardPrint,
    tile: Tile,
    dpi: int,
    cfg: PrintConfig = CONFIG.print,
) -> np.ndarray:
    """One page as an H x W uint8 grey array at `dpi` (the whole sheet, true scale)."""
    ppm = dpi / 25.4
    pw_mm, ph_mm = plan.page_mm
    page_px = (_px(pw_mm, ppm), _px(ph_mm, ppm))
    page = np.full((page_px[1], page_px[0]), 255, np.uint8)
    bx, by, bw, bh = tile.board_rect_mm
    sx0, sy0, sx1, sy1 = _px(bx, ppm), _px(by, ppm), _px(bx + bw, ppm), _px(by + bh, ppm)
    sx1, sy1 = min(sx1, board_img.shape[1]), min(sy1, board_img.shape[0])
    px0, py0 = _px(tile.page_origin_mm[0], ppm), _px(tile.page_origin_mm[1], ppm)
    cw, ch = min(sx1 - sx0, page_px[0] - px0), min(sy1 - sy0, page_px[1] - py0)
    page[py0 : py0 + ch, px0 : px0 + cw] = board_img[sy0 : sy0 + ch, sx0 : sx0 + cw]
    img = Image.fromarray(page)
    m = cfg.printer_margin_mm

    if plan.pages > 1:  # glue strips: the part of this tile the next column / row covers
        xs = sorted({t.board_rect_mm[0] for t in plan.tiles})
        ys = sorted({t.board_rect_mm[1] for t in plan.tiles})
        if tile.col + 1 < plan.cols:
            seam = px0 + _px(xs[tile.col + 1], ppm) - sx0  # same rounding as the crop
            bottom = (
                py0 + ch if tile.row + 1 == plan.rows else py0 + _px(ys[tile.row + 1], ppm) - sy0
            )
            _glue_strip(
                img,
                (seam, py0, px0 + cw, bottom),
                True,
                f"coller ici la colonne {tile.col + 2}",
                ppm,
                cfg,
            )
        if tile.row + 1 < plan.rows:
            seam = py0 + _px(ys[tile.row + 1], ppm) - sy0
            _glue_strip(
                img,
                (px0, seam, px0 + cw, py0 + ch),
                False,
                f"coller ici la ligne {tile.row + 2}",
                ppm,
                cfg,
            )

    draw = ImageDraw.Draw(img)
    _crop_marks(draw, (px0, py0, px0 + cw, py0 + ch), page_px, ppm, cfg)
    label_y, lh = ph_mm - m + 1.2, cfg.label_mm
    if plan.pages > 1:
        cut = [side for side, need in (("gauche", tile.col > 0), ("haut", tile.row > 0)) if need]
        how = (
            f"découper le bord {' et '.join(cut)} et le poser sur la bande « coller ici »"
            if cut
            else "page de départ : les autres se collent sur ses bandes hachurées"
        )
        label = (
            f"{board.id} – ligne {tile.row + 1} / colonne {tile.col + 1} "
            f"(sur {plan.rows} × {plan.cols}) – {how}"
        )
    else:
        label = f"{board.id} – {board.title}"
    pad = 3.0  # keep clear of the crop marks, which continue the tile's edges into the margin
    _text(draw, label, m + pad, label_y, pw_mm - 2 * m - 100, lh, 40, ppm)
    _text(draw, "imprimer à 100 % · 50 mm :", pw_mm - m - pad - 92, label_y, 40, lh, 40, ppm,
          "right")
    _ruler(draw, pw_mm - m - pad, label_y + lh, ppm)
    return np.asarray(img)


def _page_layout(dpi: int) -> Callable[[int, int, object], tuple[float, float, float, float]]:
    """img2pdf layout: the image at its true size on the exact A4/A3 sheet it was drawn for."""

    def layout(width_px: int, height_px: int, _ndpi: object) -> tuple[float, float, float, float]:
        iw, ih = width_px * 72.0 / dpi, height_px * 72.0 / dpi
        for w_mm, h_mm in PAPER_MM.values():
            for pw, ph in ((w_mm, h_mm), (h_mm, w_mm)):
                if abs(iw * MM_PER_PT - pw) < 1.0 and abs(ih * MM_PER_PT - ph) < 1.0:
                    return pw / MM_PER_PT, ph / MM_PER_PT, iw, ih
        return iw, ih, iw, ih

    return layout


def _png(page: np.ndarray, dpi: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(page).save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def render_pdf(
    kit: KitLayout,
    plans: Iterable[BoardPrint],
    dpi: int = CONFIG.kit.pdf_dpi,
    cfg: PrintConfig = CONFIG.print,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The whole kit as PDF bytes: one lossless greyscale PNG page per tile, true scale at `dpi`."""
    pages: list[bytes] = []
    for plan in plans:
        board = kit.board(plan.board)
        board_img = render_board_grey(board, dpi / 25.4, kit.aruco_dictionary)
        for tile in plan.tiles:
            pages.append(_png(compose_page(board_img, board, plan, tile, dpi, cfg), dpi))
        del board_img
        if progress is not None:
            progress(plan.board)
    import img2pdf  # lazy: it loads pikepdf (0.1 s of CPU), which a `capture run` never uses

    return img2pdf.convert(
        pages,
        layout_fun=_page_layout(dpi),
        title=kit.title,
        creator="wall capture",
        producer="wall capture (img2pdf)",
        nodate=True,
    )
