"""Colour normalisation per board and colour classification.

Every board is printed on white paper with black markers: the paper, seen across the board,
measures the light (its colour and how it falls off), the marker black measures the flare.
Dividing by that field (in linear light) gives colours as if on white paper in daylight,
which is what the references in calibration/colors.yaml describe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import cv2
import numpy as np
import yaml

from capture.core.config import CONFIG, ColourConfig
from capture.core.model import BoardLayout
from capture.kit.render import render_board_grey
from capture.vision.rectify import Rectified

# calibration/colors.yaml, shipped inside the package (capture/data/colors.yaml links to it) so
# that a regular, non-editable install finds it wherever it runs from.
DEFAULT_COLORS_YAML = Path(str(files("capture.data") / "colors.yaml"))


@dataclass(frozen=True)
class ColourRefs:
    """Reference colours in CIELAB (L 0-100), for the colours a workshop declares."""

    stickers: dict[str, np.ndarray]
    notes: dict[str, np.ndarray]
    # colours of the calibration table the workshop does not use: a sticker nearer one of these
    # than any declared colour is "unknown" (another supply), however near a declared one it is
    undeclared_stickers: dict[str, np.ndarray] = field(default_factory=dict)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (any shape ... x 3) to CIELAB (D65)."""
    a = np.asarray(rgb, np.float32)
    shape = a.shape
    lab = cv2.cvtColor(a.reshape(-1, 1, 3), cv2.COLOR_RGB2Lab)
    return lab.reshape(shape)


def refs_from_mapping(
    data: dict, sticker_colors: tuple[str, ...], note_colors: tuple[str, ...]
) -> ColourRefs:
    """ColourRefs from the parsed colors.yaml mapping, restricted to the declared colours."""

    def conv(section: str, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        table = data.get(section, {}) or {}
        missing = [n for n in names if n not in table]
        if missing:
            raise ValueError(f"calibration colours missing for {section}: {', '.join(missing)}")
        return {n: srgb_to_lab(np.array(table[n], np.float32) / 255.0) for n in names}

    others = tuple(n for n in (data.get("stickers", {}) or {}) if n not in sticker_colors)
    return ColourRefs(
        conv("stickers", sticker_colors), conv("notes", note_colors), conv("stickers", others)
    )


@lru_cache(maxsize=8)
def load_colour_refs(
    sticker_colors: tuple[str, ...], note_colors: tuple[str, ...], path: Path = DEFAULT_COLORS_YAML
) -> ColourRefs:
    """Read calibration/colors.yaml (the edge that touches the disk) for the declared colours."""
    with open(path, encoding="utf-8") as fh:
        return refs_from_mapping(yaml.safe_load(fh), sticker_colors, note_colors)


@lru_cache(maxsize=2)
def load_surface_refs(path: Path = DEFAULT_COLORS_YAML) -> dict[str, np.ndarray]:
    """The bare surfaces of calibration/colors.yaml (white paint, cream paint, kraft paper) in
    CIELAB: what a wall with no white on it is taken for (see surface_cast)."""
    with open(path, encoding="utf-8") as fh:
        table = yaml.safe_load(fh).get("surfaces", {}) or {}
    return {n: srgb_to_lab(np.array(v, np.float32) / 255.0) for n, v in table.items()}


SHADE_SEP = "/"  # a shade's key: "<common name>/<shade>" (load_note_shades)


def common_name(key: str) -> str:
    """The common name a reference key stands for: "yellow/neon" -> "yellow"."""
    return key.split(SHADE_SEP, 1)[0]


@lru_cache(maxsize=8)
def load_note_shades(
    note_colors: tuple[str, ...], path: Path = DEFAULT_COLORS_YAML
) -> dict[str, np.ndarray]:
    """The other shades sold under a note name (`note_shades` in calibration/colors.yaml: a
    neon yellow pad is sold as yellow beside the canary one), in CIELAB, keyed
    "<name>/<shade>" (common_name gives the name back), for the declared names only. Photos
    with no board name their notes against these too (capture run --markerless); the boards
    and their printed kit keep one reference per name (load_colour_refs)."""
    with open(path, encoding="utf-8") as fh:
        table = yaml.safe_load(fh).get("note_shades", {}) or {}
    return {
        f"{name}{SHADE_SEP}{shade}": srgb_to_lab(np.array(rgb, np.float32) / 255.0)
        for name, shades in table.items()
        if name in note_colors
        for shade, rgb in (shades or {}).items()
    }


L_WEIGHT = 0.5  # shading, gloss and exposure move lightness most
C_WEIGHT = 0.35  # a chroma different from the reference's counts this much...
C_WEIGHT_WASHED = (
    0.15  # ...and less when lower: veiling glare, blur, over-exposure wash colours out
)


def colour_distance(
    lab: np.ndarray,
    ref: np.ndarray,
    l_weight: float = L_WEIGHT,
    c_weight: float = C_WEIGHT,
    c_weight_washed: float | None = C_WEIGHT_WASHED,
) -> np.ndarray:
    """CIE94-like difference with lightness and chroma down-weighted: hue decides.

    lab: ... x 3 array; ref: one CIELAB colour. Hue difference dH^2 = da^2 + db^2 - dC^2.
    Light makes colours paler, never more saturated than the item itself, so a chroma below
    the reference's weighs c_weight_washed (None: the same as above it).
    """
    lab = np.asarray(lab, np.float64)
    el, ea, eb = lab[..., 0], lab[..., 1], lab[..., 2]
    return _distance(el, ea, eb, np.hypot(ea, eb), ref, l_weight, c_weight, c_weight_washed)


def _distance(
    el: np.ndarray,
    ea: np.ndarray,
    eb: np.ndarray,
    chroma: np.ndarray,
    ref: np.ndarray,
    l_weight: float,
    c_weight: float,
    c_weight_washed: float | None,
) -> np.ndarray:
    """colour_distance on float64 L, a, b and chroma (hypot(a, b)) given apart: classify_map
    computes the chroma once for all references."""
    dl = el - ref[0]
    da, db = ea - ref[1], eb - ref[2]
    dc = chroma - np.hypot(ref[1], ref[2])
    dh2 = np.maximum(da * da + db * db - dc * dc, 0.0)
    wc = c_weight if c_weight_washed is None else np.where(dc < 0, c_weight_washed, c_weight)
    return np.sqrt((l_weight * dl) ** 2 + (wc * dc) ** 2 + dh2)


def classify(lab: np.ndarray, refs: dict[str, np.ndarray], max_delta_e: float) -> tuple[str, float]:
    """Nearest reference colour by colour_distance, or "unknown" when none is near enough."""
    best, dist = "unknown", np.inf
    for name, ref in refs.items():
        de = float(colour_distance(lab, ref))
        if de < dist:
            best, dist = name, de
    return (best if dist <= max_delta_e else "unknown"), dist


CLASSIFY_CHUNK_PX = 1 << 15  # pixels per chunk in classify_map (its float64 temporaries: 256 KB)


def classify_map(
    lab: np.ndarray, refs: dict[str, np.ndarray], c_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel index of the nearest reference (order of refs) and its distance.

    For splitting touching items by colour, chroma keeps its full weight by default: a pixel
    halfway in hue between two references then goes by saturation too, which keeps one
    item's pixels together (the item's own colour is decided later on its median, by hue).
    """
    if not refs:
        raise ValueError("classify_map needs at least one reference colour")
    lab = np.asarray(lab)
    flat = lab.reshape(-1, lab.shape[-1])
    index = np.zeros(len(flat), np.intp)
    best = np.empty(len(flat), np.float32)
    # by chunks of pixels: each reference's float64 temporaries stay small (in cache, from the
    # heap, never a whole map each); per pixel the same values as on the whole map at once
    for s in range(0, len(flat), CLASSIFY_CHUNK_PX):
        el, ea, eb = np.array(flat[s : s + CLASSIFY_CHUNK_PX].T, np.float64)  # contiguous
        chroma = np.hypot(ea, eb)
        idx, low = index[s : s + len(el)], best[s : s + len(el)]
        for i, ref in enumerate(refs.values()):
            d = _distance(el, ea, eb, chroma, ref, L_WEIGHT, c_weight, None).astype(np.float32)
            if i == 0:
                low[:] = d
                continue
            # strictly nearer only: on a tie the first reference wins, as with argmin
            np.copyto(idx, i, where=d < low)
            np.minimum(low, d, out=low)
    return index.reshape(lab.shape[:-1]), best.reshape(lab.shape[:-1])


def srgb_to_linear(v: np.ndarray) -> np.ndarray:
    """sRGB values 0..1 (any shape) in linear light (the sRGB transfer curve undone)."""
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _to_srgb(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, 1.0)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(v, 1 / 2.4) - 0.055)


_LIN_LUT = srgb_to_linear(np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)
_SRGB_LUT = _to_srgb(np.linspace(0.0, 1.0, 4096)).astype(np.float32)


@dataclass
class Normalised:
    """A rectified board with colours corrected to white paper under daylight."""

    rgb: np.ndarray  # H x W x 3 float32 sRGB in [0, 1]
    clipped: np.ndarray  # H x W bool: saturated in the photo (glare)
    paper_rgb: tuple[float, float, float]  # the paper as photographed (0-255, board median)
    black_rgb: tuple[float, float, float]
    paper: np.ndarray  # coarse bool grid (spanning the image): blocks of paper
    paper_clipped: float  # share of the paper saturated in 2+ channels (overexposed)
    # The grey print's (L, a, b) where it still shows a colour cast (print_cast), else None
    print_cast: tuple[float, float, float] | None = None

    def lab(
        self, y0: int = 0, y1: int | None = None, x0: int = 0, x1: int | None = None
    ) -> np.ndarray:
        """CIELAB of a window (computed on demand: the whole board is rarely needed), with
        the print's remaining cast taken off the mid-tones (see print_cast)."""
        lab = srgb_to_lab(self.rgb[y0:y1, x0:x1])
        if self.print_cast is not None:
            li, ai, bi = self.print_cast
            el = lab[..., 0]
            # full at the print's lightness, none at black or at the paper (both references)
            w = np.clip(np.minimum(el / li, (100.0 - el) / (100.0 - li)), 0.0, 1.0)
            lab[..., 1] -= w * ai
            lab[..., 2] -= w * bi
        return lab


@dataclass(frozen=True)
class PaperField:
    """The light as the board's paper shows it, on a coarse grid of blocks."""

    field: np.ndarray  # linear level per channel and block
    median: np.ndarray  # the paper as photographed, sRGB 0-255
    mask: np.ndarray  # bool: which blocks are paper
    clipped: float  # share of the paper blocks saturated in two channels or more (overexposure)


def _paper_field(rect: Rectified, cfg: ColourConfig, clip_level: int) -> PaperField:
    """Coarse light field from the board's paper (see PaperField).

    Each block's level is a high percentile of its pixels (approximated by a small max filter
    on a half-block grid): the light paper, not the ink printed on it.
    """
    block = max(2, round(cfg.background_mm_per_px * rect.px_per_mm))
    img = rect.image
    h, w = img.shape[:2]
    gw, gh = max(1, w // block), max(1, h // block)
    half = cv2.resize(img, (2 * gw, 2 * gh), interpolation=cv2.INTER_AREA)
    half = cv2.dilate(half, np.ones((2, 2), np.uint8))
    coarse = cv2.resize(half, (gw, gh), interpolation=cv2.INTER_AREA).astype(np.float32)
    full_valid = (rect.valid & rect.board_mask()).astype(np.uint8) * 255
    region = cv2.resize(full_valid, (gw, gh), interpolation=cv2.INTER_AREA) == 255
    if region.sum() < 10:
        region = (
            cv2.resize(rect.valid.astype(np.uint8) * 255, (gw, gh), interpolation=cv2.INTER_AREA)
            == 255
        )
    if region.sum() < 10:
        region = np.ones((gh, gw), bool)
    lum = coarse.sum(-1) + 1e-3
    chrom = coarse / lum[..., None]
    bright = region & (lum >= np.percentile(lum[region], 60))
    c0 = np.median(chrom[bright], axis=0)
    level = np.percentile(lum[region], 90)
    paper = (
        region
        & (np.abs(chrom - c0).sum(-1) < cfg.paper_chroma_max)
        & (lum > cfg.paper_min_brightness * level)
    )
    if paper.sum() < 10:
        paper = bright
    paper = _grow_paper(paper, chrom, region & (lum > cfg.paper_min_brightness * level), cfg)
    paper_med = np.median(coarse[paper], axis=0)
    clipped = float(((coarse[paper] >= clip_level).sum(-1) >= 2).mean())
    sigma = cfg.background_sigma_mm / cfg.background_mm_per_px
    wgt = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), sigma)
    fields = []
    for c in range(3):
        num = cv2.GaussianBlur(np.where(paper, coarse[..., c], 0).astype(np.float32), (0, 0), sigma)
        f = num / np.maximum(wgt, 1e-6)
        # far from any paper (dense note clusters, outer margin): fall back to the board median
        f[wgt < 0.02] = paper_med[c]
        fields.append(f)
    field = srgb_to_linear(np.stack(fields, -1) / 255.0).astype(np.float32)
    return PaperField(field, paper_med, paper, clipped)


def _grow_paper(
    seed: np.ndarray, chrom: np.ndarray, allowed: np.ndarray, cfg: ColourConfig
) -> np.ndarray:
    """Paper blocks grown from `seed` across smooth changes of tint.

    Under mixed light (a window on one side, lamps on the other) the paper's tint drifts
    across the board, far from its median on one side. Paper spreads to a block when its
    chromaticity is near the paper next to it and changes slowly there: the drift of light
    is gentle, while a note's border, even blurred, is a steep change that stops the spread.
    Paper so found is corrected like the rest, instead of passing for a pale note.
    """
    smooth = cv2.GaussianBlur(chrom.astype(np.float32), (0, 0), 1.0)
    grad = sum(
        np.hypot(
            cv2.Sobel(smooth[..., c], cv2.CV_32F, 1, 0, ksize=3),
            cv2.Sobel(smooth[..., c], cv2.CV_32F, 0, 1, ksize=3),
        )
        / 8.0
        for c in range(3)
    )
    ok = allowed & (grad < cfg.paper_grow_gradient)
    # grown from the main body of flat paper only: a pale note's paler middle can pass the
    # seed's test, and spreading from there would take the whole note for paper
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        (seed & ok).astype(np.uint8), connectivity=4
    )
    if n <= 1:
        return seed
    paper = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    for _ in range(sum(paper.shape)):
        # mean chromaticity of the paper among each block's 8 neighbours
        w = cv2.boxFilter(paper.astype(np.float32), -1, (3, 3), normalize=False)
        near = (
            cv2.boxFilter(
                np.where(paper[..., None], chrom, 0).astype(np.float32), -1, (3, 3), normalize=False
            )
            / np.maximum(w, 1e-6)[..., None]
        )
        new = ok & ~paper & (w > 0) & (np.abs(chrom - near).sum(-1) < cfg.paper_grow_step)
        if not new.any():
            break
        paper |= new
    return paper | seed


def _black_level(rect: Rectified, board: BoardLayout, cfg: ColourConfig) -> np.ndarray:
    """Darkest marker pixels (sRGB 0-255 per channel): the print black plus camera flare."""
    samples = []
    for m in board.markers:
        (x0, y0), _, (x1, y1), _ = m.corners_mm
        bx0, by0, bx1, by1 = rect.rect_px((x0, y0, x1 - x0, y1 - y0))
        patch = rect.image[by0:by1, bx0:bx1][rect.valid[by0:by1, bx0:bx1]]
        if patch.size:
            samples.append(patch.reshape(-1, 3))
    if not samples:
        return np.zeros(3, np.float32)
    px = np.concatenate(samples).astype(np.float32)
    return np.percentile(px, cfg.black_percentile, axis=0)


@lru_cache(maxsize=32)
def _layout_grey(board: BoardLayout, px_per_mm: float) -> np.ndarray:
    """The board's print as the kit renders it (shared between calls: read-only)."""
    grey = render_board_grey(board, px_per_mm)
    grey.flags.writeable = False
    return grey


def placed_print(rect: Rectified, board: BoardLayout) -> np.ndarray:
    """The board's print in the rectified image's frame: H x W uint8, 255 where nothing is
    printed (paper, margin)."""
    grey = _layout_grey(board, rect.px_per_mm)
    out = np.full(rect.image.shape[:2], 255, np.uint8)
    x0, y0 = (round(v) for v in rect.mm_to_px(np.zeros(2)))
    h, w = out.shape
    gh, gw = grey.shape
    ox, oy = max(0, x0), max(0, y0)
    ex, ey = min(w, x0 + gw), min(h, y0 + gh)
    if ex > ox and ey > oy:
        out[oy:ey, ox:ex] = grey[oy - y0 : ey - y0, ox - x0 : ex - x0]
    return out


def print_cast(
    rgb: np.ndarray, rect: Rectified, board: BoardLayout, min_chroma: float
) -> tuple[float, float, float] | None:
    """Median (L, a, b) of the board's grey print (zone outlines and labels, from the layout)
    in the normalised image, when its chroma is at least min_chroma; else None.

    Paper and marker black are neutral after normalisation, but a tone curve that is not a
    plain gain (a strong white-balance error with the paper near clipping, seen on generated
    photos under tungsten light) leaves the mid-tones tinted: grey labels turn blue enough
    to pass for stickers. The print is grey by construction, so its tint measures the cast.
    """
    if board.kind == "calibration":
        return None  # its printed outlines frame real stickers: their colour bleeds in
    grey = placed_print(rect, board)
    ink = (cv2.absdiff(grey, CONFIG.kit.zone_grey) < 40) & rect.valid  # |grey - zone grey|
    if ink.sum() < 200:
        return None
    lab = srgb_to_lab(rgb[ink])
    lab = lab[lab[:, 0] < 97.0]  # misregistered by a pixel: paper, not print
    if len(lab) < 100:
        return None
    li, ai, bi = np.median(lab, axis=0)
    if np.hypot(ai, bi) < min_chroma or not 5.0 < li < 95.0:
        return None
    return float(li), float(ai), float(bi)


def print_ink(rect: Rectified, board: BoardLayout, grow_mm: float) -> np.ndarray:
    """Where the board's own print (markers, text, zone outlines) lies in the rectified
    image, grown by grow_mm for registration error and blur (H x W bool)."""
    k = 2 * max(1, round(grow_mm * rect.px_per_mm)) + 1
    ink = (placed_print(rect, board) < 250).astype(np.uint8)
    return cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0


# normalise_board works a band of rows at a time, each band's float32 temporaries this big:
# under the worker's mmap threshold (HeapConfig), so they come from the heap and are reused
NORMALISE_BAND_BYTES = 1 << 19


def normalise_board(
    rect: Rectified,
    board: BoardLayout,
    cfg: ColourConfig = CONFIG.colour,
    clip_level: int = CONFIG.dots.clip_level,
) -> Normalised:
    """White-balance and flat-field a rectified board on its own paper and marker black."""
    paper = _paper_field(rect, cfg, clip_level)
    field = paper.field
    black = _black_level(rect, board, cfg)
    lb = np.minimum(srgb_to_linear(black / 255.0), field.min(axis=(0, 1)) * 0.5).astype(np.float32)
    target = np.float32(srgb_to_linear(np.float32(cfg.white_target)))
    gain_c = (target / np.maximum(field - lb, 1e-4)).astype(np.float32)  # coarse, smooth
    h, w = rect.image.shape[:2]
    # the coarse grid spans the image to within one block: stretching it is exact enough
    gain = cv2.resize(gain_c, (w, h), interpolation=cv2.INTER_LINEAR)
    lut = (_LIN_LUT[:, None] - lb[None, :]).reshape(256, 1, 3).astype(np.float32)
    rgb = np.empty((h, w, 3), np.float32)
    n = _SRGB_LUT.size - 1
    # a band of rows at a time: the same values per pixel, without three whole-board float
    # temporaries (60 MB each at 5 MP) mapped, zeroed and unmapped for every board
    rows = max(1, NORMALISE_BAND_BYTES // (w * 3 * 4))
    for y0 in range(0, h, rows):
        band = np.s_[y0 : y0 + rows]
        norm = cv2.multiply(cv2.LUT(rect.image[band], lut), gain[band])  # (linear - black) x gain
        norm *= n
        np.clip(norm, 0, n, out=norm)
        # linear -> sRGB by a fine table (indices clipped above: 'clip' checks no bounds)
        np.take(_SRGB_LUT, norm.astype(np.uint16), out=rgb[band], mode="clip")
        valid = rect.valid[band]
        if not valid.all():
            rgb[band][~valid] = 1.0  # outside the photo: neutral white, never a colour
    # the darkest channel, two channels at a time (a min over the last axis of a uint8 image
    # is many times slower in numpy)
    low = np.minimum(rect.image[..., 0], rect.image[..., 1])
    clipped = np.minimum(low, rect.image[..., 2], out=low) >= clip_level
    return Normalised(
        rgb,
        clipped,
        tuple(float(v) for v in paper.median),
        tuple(float(v) for v in black),
        paper.mask,
        paper.clipped,
        print_cast(rgb, rect, board, cfg.print_cast_min),
    )


def refine_refs_from_card(
    norm: Normalised,
    rect: Rectified,
    board: BoardLayout,
    refs: ColourRefs,
    sticker_chroma_min: float,
    note_chroma_min: float,
    max_shift: float = 40.0,
) -> tuple[ColourRefs, list[str]]:
    """References measured on the calibration card, where one sticker and one note of each
    colour sit on their labelled spots; the colours actually in use replace the nominal ones.

    A spot is used only when something coloured covers it and its colour is nearer its own
    nominal reference than any other (and within max_shift): a missing or misplaced item
    changes nothing. Returns the refined references and the names of the colours measured.
    """
    new = {"sticker": dict(refs.stickers), "note": dict(refs.notes)}
    measured: list[str] = []
    for kind, colour, (x, y, w, h) in board.swatches:
        if kind not in new or colour not in new[kind]:
            continue
        inset = 0.2 if kind == "note" else 0.1  # the note is larger than its spot; the ring
        x0, y0, x1, y1 = rect.rect_px(
            (x + w * inset, y + h * inset, w * (1 - 2 * inset), h * (1 - 2 * inset))
        )
        if x1 <= x0 or y1 <= y0 or not rect.valid[y0:y1, x0:x1].all():
            continue
        lab = norm.lab(y0, y1, x0, x1).reshape(-1, 3)
        chroma = np.hypot(lab[:, 1], lab[:, 2])
        thr = sticker_chroma_min if kind == "sticker" else note_chroma_min
        sel = chroma > thr
        # a 12 mm sticker fills ~30 % of its (inset) spot; a note covers its whole spot
        if sel.mean() < (0.15 if kind == "sticker" else 0.5):
            continue
        value = np.median(lab[sel], axis=0)
        table = new[kind]
        own = float(colour_distance(value, table[colour]))
        others = [float(colour_distance(value, r)) for n, r in table.items() if n != colour]
        if own <= max_shift and all(own < o for o in others):
            table[colour] = value.astype(np.float32)
            measured.append(f"{kind} {colour}")
    return ColourRefs(new["sticker"], new["note"], refs.undeclared_stickers), measured


def lab_to_linear(lab: np.ndarray) -> np.ndarray:
    """CIELAB (... x 3) to linear-light sRGB (N x 3, unclipped above: a bright note stays)."""
    a = np.asarray(lab, np.float32).reshape(-1, 1, 3)
    rgb = np.clip(cv2.cvtColor(a, cv2.COLOR_Lab2RGB).reshape(-1, 3), 0.0, None)
    return srgb_to_linear(rgb)


def linear_hue(lin: np.ndarray) -> np.ndarray:
    """Hue angle (degrees) of linear-light sRGB colours (... x 3) about the grey axis: the
    direction of (R - (G + B) / 2, sqrt(3) / 2 (G - B)). Light of the grey axis's colour
    added to a colour (a veil, glare, a gloss highlight) leaves it, and so does a gain."""
    v = np.asarray(lin, np.float64)
    x = v[..., 0] - (v[..., 1] + v[..., 2]) / 2
    y = np.sqrt(3.0) / 2 * (v[..., 1] - v[..., 2])
    return np.degrees(np.arctan2(y, x))


def linear_to_lab(lin: np.ndarray) -> np.ndarray:
    """Linear-light sRGB (N x 3) to CIELAB (N x 3)."""
    v = np.clip(np.asarray(lin, np.float64), 0.0, None)
    rgb = np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(v, 1 / 2.4) - 0.055)
    return srgb_to_lab(rgb.astype(np.float32))


_XYZ_OF_LINEAR = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


def lab_to_xyz(lab: np.ndarray) -> np.ndarray:
    """CIELAB (D65, ... x 3) to XYZ relative to white (... x 3), unbounded."""
    lab = np.asarray(lab, np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    return np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29))


def xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    """XYZ relative to white (... x 3) to CIELAB (D65), unbounded (no clip above white)."""
    xyz = np.asarray(xyz, np.float64)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def linear_to_lab_unbounded(lin: np.ndarray) -> np.ndarray:
    """Linear-light sRGB (N x 3) to CIELAB (D65) with no clip above 1 (linear_to_lab clips
    there): what a saturated channel may have been, brighter than the sensor could say."""
    return xyz_to_lab((np.clip(np.asarray(lin, np.float64), 0.0, None) @ _XYZ_OF_LINEAR.T) / _D65)


def raised_channels(
    lin: np.ndarray, clipped: np.ndarray, gain_max: float, steps: int = 48
) -> np.ndarray:
    """Every value a linear-light colour (3,) may have had when its clipped channels (R, G, B
    booleans) are lower bounds: each clipped channel on its own from as measured up to
    gain_max x (steps per channel, log-spaced), the others as measured. K x 3."""
    gains = np.exp(np.linspace(0.0, np.log(gain_max), steps))
    idx = np.flatnonzero(clipped)
    mult = np.ones((steps ** len(idx), 3))
    for j, grid in enumerate(np.meshgrid(*([gains] * len(idx)), indexing="ij")):
        mult[:, idx[j]] = grid.ravel()
    return np.asarray(lin, np.float64)[None] * mult


def clipped_distances(
    lab: np.ndarray,
    clipped: np.ndarray,
    refs: dict[str, np.ndarray],
    gain_max: float,
    exposures: np.ndarray | None = None,
) -> np.ndarray:
    """Distance (colour_distance) from a colour whose clipped channels (R, G, B booleans) are
    lower bounds to each reference: the colour at the values of those channels (each from as
    measured up to gain_max x, linear light, on its own) that bring it nearest. exposures: the
    photo's exposure relative to the references' (white paper at 1), each giving a row: the
    colour is divided by it first. Returns len(exposures) x len(refs) (one row by default)."""
    lin = lab_to_linear(np.asarray(lab, np.float32))[0]
    raised = raised_channels(lin, np.asarray(clipped, bool), gain_max)
    exp = np.ones(1) if exposures is None else np.asarray(exposures, np.float64)
    seen = linear_to_lab_unbounded((raised[None] / exp[:, None, None]).reshape(-1, 3))
    seen = seen.reshape(len(exp), len(raised), 3)
    return np.stack([colour_distance(seen, ref).min(axis=1) for ref in refs.values()], -1)


def classify_clipped(
    lab: np.ndarray,
    clipped: np.ndarray,
    refs: dict[str, np.ndarray],
    max_delta_e: float,
    gain_max: float,
) -> tuple[str, float]:
    """classify for a colour whose clipped channels are lower bounds (clipped_distances). An
    orange sticker overexposed to sRGB (255, 185, 57) has a yellow one's hue as measured; its
    red was far above 255."""
    d = clipped_distances(lab, clipped, refs, gain_max)[0]
    i = int(np.argmin(d))
    return (list(refs)[i] if d[i] <= max_delta_e else "unknown"), float(d[i])


def _planck_axis() -> np.ndarray:
    """The way lamps, daylight and a phone's white balance move colours: the log-gain direction
    (linear RGB, zero mean, unit length) from a 3000 K black body's white to a 6500 K one
    (sRGB 255,180,107 and 255,254,250). A gain exp(s * axis) with s > 0 cools, s < 0 warms."""
    warm = srgb_to_linear(np.array([255.0, 180.0, 107.0]) / 255.0)
    cool = srgb_to_linear(np.array([255.0, 254.0, 250.0]) / 255.0)
    d = np.log(cool / warm)
    d -= d.mean()
    return d / np.linalg.norm(d)


PLANCK_AXIS = _planck_axis()


@dataclass(frozen=True)
class SurfaceCast:
    """The light's cast on a photo with no white, read off its wall taken for a common surface."""

    surface: str  # the common surface the wall was taken for (white, cream, kraft ...)
    shift: float  # along PLANCK_AXIS (log gain) that undoes the cast: > 0 cools, < 0 warms
    residual: float  # a*b* distance left between the corrected wall and that surface

    @property
    def gains(self) -> np.ndarray:
        """Linear-light RGB gains that undo the cast."""
        return np.exp(self.shift * PLANCK_AXIS)


def surface_casts(
    wall_lab: np.ndarray,
    surfaces: dict[str, np.ndarray],
    tolerance: float,
    max_shift: float,
    steps: int = 201,
) -> list[SurfaceCast]:
    """What a wall that is not white may be: a common surface (surfaces, in CIELAB) seen under a
    lamp or daylight the phone did not fully balance. A surface explains the wall when some
    shift along the black-body axis (within max_shift) brings the wall within `tolerance` (a*b*)
    of it. Every surface that does, the least shift first; none for a wall no common surface
    explains (a painted accent wall): its colours are then read as they are."""
    lin = lab_to_linear(np.asarray(wall_lab, np.float32))[0]
    shifts = np.linspace(-max_shift, max_shift, steps)
    seen = linear_to_lab(lin[None] * np.exp(shifts[:, None] * PLANCK_AXIS[None]))
    out = []
    for name, ref in surfaces.items():
        d = np.hypot(seen[:, 1] - ref[1], seen[:, 2] - ref[2])
        i = int(np.argmin(d))
        if d[i] <= tolerance:
            out.append(SurfaceCast(name, float(shifts[i]), float(d[i])))
    return sorted(out, key=lambda c: abs(c.shift))


# Relative luminance Y of linear sRGB (Rec. 709 weights: the middle row of _XYZ_OF_LINEAR)
Y_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def luminance(lab: np.ndarray) -> np.ndarray:
    """Relative luminance Y (linear light, white 1) of CIELAB colours (N x 3)."""
    return lab_to_linear(lab) @ Y_WEIGHTS


def correct_cast(lab: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """CIELAB colours (N x 3) with linear-light gains applied (a cast taken off)."""
    return linear_to_lab(lab_to_linear(lab) * np.asarray(gains)[None])
