"""What a photo with no board says: markerless.find_wall's notes and dots, interpreted.

Colours get their common names (or "unknown", flagged), notes their text (the OCR path of the
boards), ids, groups and neighbours, and positions in the photo's normalised coordinates
(0..1) plus the wall plane when the notes' squares allow one. What a reviewer should check is
reported as findings (codes and values), worded by the flag catalogue for the outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import cv2
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from capture.core.config import CONFIG, Config, MarkerlessConfig
from capture.core.model import Finding, KitLayout
from capture.core.text import OcrResult, read_weight
from capture.tools.lexicon import lexicon_for, word_index_for
from capture.vision.colour import (
    PLANCK_AXIS,
    SurfaceCast,
    classify,
    clipped_distances,
    colour_distance,
    correct_cast,
    lab_to_linear,
    linear_hue,
    linear_to_lab_unbounded,
    load_colour_refs,
    load_note_shades,
    load_surface_refs,
    luminance,
    srgb_to_linear,
    surface_casts,
)
from capture.vision.hidden_words import complete_hidden, respell
from capture.vision.markerless import WallScene, find_wall
from capture.vision.note_colours import colour_packs, name_colours
from capture.vision.notes import note_crop
from capture.vision.ocr import low_confidence
from capture.vision.wall_notes import paper_as_photographed
from capture.vision.wall_types import WallDot

# Every name calibration/colors.yaml has for notes and stickers: the palette colours are
# named from (white notes and stickers are left out: a white wall would be one).
NOTE_NAMES = ("yellow", "pink", "orange", "green", "blue", "purple", "lime", "red")
STICKER_NAMES = ("red", "green", "blue", "yellow", "orange", "pink", "purple")
HOLES_SCALE = 0.25  # a note's holes are kept at a quarter of its crop's size (coarse is enough)


@dataclass
class WallNoteResult:
    id: str
    color: str
    confidence: float
    center: tuple[float, float]  # normalised photo coordinates (0..1)
    corners: tuple[tuple[float, float], ...]  # normalised, TL TR BR BL
    group: str
    row: int
    col: int
    neighbours: tuple[str, ...]
    dots: dict[str, int] = field(default_factory=dict)
    wall: tuple[float, float] | None = None  # wall plane (nominal mm) when estimated
    text: str = ""
    raw_text: str = ""
    ocr_confidence: float | None = None
    crop: object | None = None  # upright RGB array for the report (not exported)
    # the crop as the OCR reads it: stickers and other notes' paper painted over (ocr_view)
    ocr_crop: object | None = None
    alt_turn: int = 0  # quarter turns (np.rot90) also read, when which side is up is unsure
    # where ocr_view filled in something over the note's own paper (a sticker, a note stuck
    # on it), at HOLES_SCALE of the crop's size: the letters there are hidden
    ocr_holes: object | None = None
    turn: int = 0  # quarter turns (np.rot90) of the crop as it was read


@dataclass
class WallDotResult:
    color: str
    center: tuple[float, float]  # normalised
    on_note: str | None
    confidence: float


@dataclass
class MarkerlessResult:
    notes: list[WallNoteResult] = field(default_factory=list)
    dots: list[WallDotResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note_side_px: float = 0.0
    wall_plane: bool = False
    cast: SurfaceCast | None = None  # the light's cast taken off the notes' colours, if any


def _wall_points(scene: WallScene) -> np.ndarray | None:
    """Each note's centre on the wall plane (nominal mm, the top-left-most note at 0: only
    the shape matters), when the scene has a wall plane."""
    if scene.wall_h is None or not scene.notes:
        return None
    c = np.array([n.center for n in scene.notes], np.float64).reshape(-1, 1, 2)
    pts = cv2.perspectiveTransform(c, np.array(scene.wall_h, np.float64)).reshape(-1, 2)
    return pts - pts.min(0)


def _note_result(
    k: int,
    scene: WallScene,
    names: list[tuple[str, float]],
    ids: list[str],
    wall_pts: np.ndarray | None,
    config: Config,
) -> WallNoteResult:
    """Note k of the scene with its colour name, confidence, place in normalised photo
    coordinates, group, row, column, neighbours and wall-plane position."""
    m = config.markerless
    w, h = scene.size
    n, place = scene.notes[k], scene.places[k]
    colour, de = names[k]
    far = 2 * m.note_unknown_delta_e
    conf = float(np.clip(n.score * (1 - min(de, far) / far), 0, 1))
    return WallNoteResult(
        id=ids[k],
        color=colour,
        confidence=round(conf, 3),
        center=(round(n.center[0] / w, 4), round(n.center[1] / h, 4)),
        corners=tuple((round(x / w, 4), round(y / h, 4)) for x, y in n.corners),
        group=f"g{place.group + 1}",
        row=place.row + 1,
        col=place.col + 1,
        neighbours=tuple(ids[j] for j in place.neighbours),
        wall=None
        if wall_pts is None
        else (round(float(wall_pts[k, 0]), 1), round(float(wall_pts[k, 1]), 1)),
    )


def _note_crops(
    rgb: np.ndarray, k: int, scene: WallScene, config: Config
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Note k's crop at the boards' density for a note of the usual size, the same crop as
    the OCR reads it (ocr_view: the stickers and the other notes in it painted over), the
    quarter turn (np.rot90) it is also read at when its top side is tilted (0: none), and
    the holes: what was painted over inside its outline (at HOLES_SCALE)."""
    m = config.markerless
    n = scene.notes[k]
    ppm = config.notes.crop_px_per_mm * m.note_mm / n.side_px
    corners = np.array(n.corners, np.float64)
    quads = crop_quads(corners, m.crop_margin, m.ocr_turn_deg)
    crop = note_crop(rgb, np.eye(3), quads[0], n.side_px, ppm)
    others = [np.array(o.corners, np.float64) for j, o in enumerate(scene.notes) if j != k]
    above = scene.above[k] if scene.above else ()
    over = [j in above for j in range(len(scene.notes)) if j != k]
    discs = [(d.center[0], d.center[1], d.radius_px) for d in scene.dots]
    hide, mine = ocr_hidden(
        crop,
        quads[0],
        corners,
        others,
        discs,
        m.ocr_hide_grow,
        config.notes.duplicate_paper_de,
        over,
    )
    view = fill_hidden(crop, hide)
    turn = 0
    if len(quads) > 1:  # the same quad rolled a corner: the crop a quarter turned
        turn = 1 if quads[0][1, 1] < quads[0][0, 1] else 3
    small = cv2.resize(hide & mine, None, fx=HOLES_SCALE, fy=HOLES_SCALE,
                       interpolation=cv2.INTER_AREA)
    return crop, view, turn, small > 0


def ocr_view(
    crop: np.ndarray,
    quad: np.ndarray,
    own: np.ndarray,
    others: list[np.ndarray],
    discs: list[tuple[float, float, float]],
    grow: float,
    paper_de: float | None = None,
    inpaint_px: int = 3,
    over: list[bool] | None = None,
) -> np.ndarray:
    """The crop (warped from `quad`, photo px) with what is not the note's writing filled
    in from around it (inpainted, Telea: the paper, and the strokes a sticker cuts run on
    into it): every sticker (discs: centre and radius, photo px, grown by `grow`) and the
    parts of other notes' outlines (photo px) outside its own outline `own`. A sticker on
    the writing is read as a letter ("O", "0") or splits the line; the crop's margin
    (crop_margin) takes in a neighbour's edge and its writing. A part of another note over
    this one's outline is filled too when its paper differs from this note's by more than
    `paper_de` (CIELAB, medians): it is the other note, stuck on top; of the same colour,
    which lies on top is not known from the papers and it is left (None: always left),
    unless `over` (per other note) says it lies on top (note_stack.on_top: its edge shows
    across this note, and its writing is its own). Painted flat in
    the paper's colour instead, the letters a sticker cuts end on a hard edge, and the
    notes read worse than with the stickers left (docs/markerless.md, "Text")."""
    hide, _ = ocr_hidden(crop, quad, own, others, discs, grow, paper_de, over)
    return fill_hidden(crop, hide, inpaint_px)


def ocr_hidden(
    crop: np.ndarray,
    quad: np.ndarray,
    own: np.ndarray,
    others: list[np.ndarray],
    discs: list[tuple[float, float, float]],
    grow: float,
    paper_de: float | None = None,
    over: list[bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """What ocr_view fills in (uint8 mask, 1: hidden, the crop's size) and the note's own
    outline in the crop (uint8 mask)."""
    side = crop.shape[0]
    square = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    to_crop = cv2.getPerspectiveTransform(quad.astype(np.float32), square)

    def warp(pts: np.ndarray) -> np.ndarray:
        p = cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(-1, 1, 2), to_crop)
        return p.reshape(-1, 2)

    mine = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillPoly(mine, [np.round(warp(own)).astype(np.int32)], 1)
    parts, tops = [], []
    for q, top in zip(others, over or [False] * len(others), strict=True):
        pts = np.round(warp(q)).astype(np.int32)
        if _off_crop(pts, mine.shape):
            continue  # its part would be empty: it hides nothing, and tells no paper apart
        part = np.zeros_like(mine)
        cv2.fillPoly(part, [pts], 1)
        parts.append(part)
        tops.append(top)
    hide = np.zeros_like(mine)
    for part in parts:
        hide |= part & (1 - mine)
    if parts and paper_de is not None:
        # a part of another note inside this one's outline lies on top of it when its paper
        # is another colour than this note's own (same colours: which is on top is unknown)
        # medians over every 4th pixel each way: the papers are flat, and it is 16x faster
        lab = cv2.cvtColor(crop[::4, ::4].astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
        ins = [(p & mine) > 0 for p in parts]
        alone = (mine[::4, ::4] > 0) & ~np.logical_or.reduce([i[::4, ::4] for i in ins])
        if alone.sum() > 0.2 * (mine[::4, ::4] > 0).sum():
            paper = np.median(lab[alone], axis=0)
            for inside in ins:
                sub = inside[::4, ::4]
                if sub.any() and np.linalg.norm(np.median(lab[sub], 0) - paper) > paper_de:
                    hide |= inside.astype(np.uint8)
    for part, top in zip(parts, tops, strict=True):
        if top:  # known to lie on top of this note, whatever its colour
            hide |= part & mine
    scale = side / float(np.mean(np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)))
    for x, y, r in discs:
        (cx, cy), = warp(np.array([(x, y)]))
        rr = r * scale * (1 + grow)
        if -rr < cx < side + rr and -rr < cy < side + rr:
            cv2.circle(hide, (round(cx), round(cy)), max(1, round(rr)), 1, -1)
    return hide, mine


def _off_crop(pts: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a polygon (int px, of moderate size: no overflow in the fill) lies wholly
    beside a crop of `shape`: filled, it would mark none of its pixels. On a wall of 70 notes
    every note's crop drew the other 69 whole and read them, most of them far off."""
    lo, hi = pts.min(0), pts.max(0)
    if np.abs(pts).max() >= 1 << 20:
        return False
    return bool(hi[0] < 0 or hi[1] < 0 or lo[0] >= shape[1] or lo[1] >= shape[0])


def fill_hidden(crop: np.ndarray, hide: np.ndarray, inpaint_px: int = 3) -> np.ndarray:
    """The crop with the pixels of `hide` inpainted from around them (ocr_view)."""
    if not hide.any():
        return crop
    # filled at half size (a quarter of the time; the fill is smooth paper), pasted back
    small = cv2.resize(crop, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    hole = cv2.resize(hide, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    filled = cv2.inpaint(small, (hole > 0).astype(np.uint8), inpaint_px, cv2.INPAINT_TELEA)
    up = cv2.resize(filled, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = crop.copy()
    out[hide > 0] = up[hide > 0]
    return out


def paper_pixels(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """A note's paper in the photo as taken (the middle 60 % of its outline, photo px): N x 3."""
    c = corners.mean(0)
    inner = (corners - c) * 0.6 + c
    x0, y0 = np.maximum(np.floor(inner.min(0)).astype(int), 0)
    x1, y1 = np.ceil(inner.max(0)).astype(int) + 1
    patch = rgb[y0:y1, x0:x1]
    if patch.size == 0:
        return np.zeros((0, 3), rgb.dtype)
    mask = np.zeros(patch.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(inner - (x0, y0)).astype(np.int32), 1)
    return patch[mask > 0]


def clipped_share(px: np.ndarray, clip_level: int) -> float:
    """Share of a note's paper (paper_pixels, N x 3) saturated in two channels or more: an
    overexposed note's hue is lost (a lime or pale orange note whose red and green clip is
    yellow in the pixels), and no cast taken off brings it back."""
    return float(((px >= clip_level).sum(-1) >= 2).mean()) if len(px) else 0.0


def note_paper_patch(
    rgb: np.ndarray,
    corners: np.ndarray,
    share: float,
    discs: Sequence[tuple[tuple[float, float], float]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """A note's patch of the photo as taken (h x w x 3) and the mask (h x w bool) of its
    outline shrunk to `share` about its centre (photo px) but within 1.5 radii of a sticker
    (discs: centre and radius, photo px; its rim and shadow too). paper_pixels is the middle
    (0.6); a note's shaded parts (a curled corner, its edges, the falloff of the light) lie
    nearer its outline."""
    c = corners.mean(0)
    inner = (corners - c) * share + c
    x0, y0 = np.maximum(np.floor(inner.min(0)).astype(int), 0)
    x1, y1 = np.ceil(inner.max(0)).astype(int) + 1
    patch = rgb[y0:y1, x0:x1]
    mask = np.zeros(patch.shape[:2], np.uint8)
    if patch.size == 0:
        return patch, mask.astype(bool)
    cv2.fillConvexPoly(mask, np.round(inner - (x0, y0)).astype(np.int32), 1)
    for (cx, cy), r in discs:
        centre = (round(cx - x0), round(cy - y0))
        cv2.circle(mask, centre, max(1, round(1.5 * r)), 0, -1)
    return patch, mask > 0


def shaded_paper_colour(
    patch: np.ndarray,
    mask: np.ndarray,
    lab: np.ndarray,
    clipped: np.ndarray,
    balance: np.ndarray,
    config: Config,
) -> np.ndarray | None:
    """A clipped note's paper (CIELAB) read from its shaded parts (patch, mask:
    note_paper_patch, the photo as taken; lab: its paper colour as measured, its `clipped`
    channels saturated), or None when too few of them say the same. A note clipped in a
    channel is rarely clipped everywhere: where it lies in shade (a curled corner, an edge, a
    shadow across it) its channels drop under the clip and keep the paper's chromaticity
    (ratios of linear channels: the paper's times the light's), whatever the exposure. A
    pixel is that paper in shade when its clipped channels lie clearly under the clip
    (clip_shade_level: not the clipped paper's noise dipping under it), the others under it
    and no brighter than the lit paper, it is no ink core (its brightest channel at
    clip_shade_dark or more of the clip), each channel the note clips is, over the unclipped
    ones, at least what the note shows (a lower bound), the unclipped channels keep the
    note's ratios among them (ink, stickers and the wall break one or the other), and it lies
    in an area of such pixels, not a stroke (an opening of clip_shade_open of the note's side:
    red or orange writing on a yellow note passes every test above). Their median
    chromaticity (balance: the gains `lab` was balanced with, applied to them too) is the
    paper at the exposure that brings its brightest channel to the clip: its hue is the
    paper's, its lightness that of a bright note (the true exposure is unknown). None with
    fewer than clip_shade_min_px of them (clip_shade_min_share of the mask) or spread over
    clip_shade_spread (median absolute deviation of the log chromaticity, channels under
    clip_shade_floor of the brightest left out: a deep yellow's blue is noise there)."""
    m = config.markerless
    clipped = np.asarray(clipped, bool)
    ref = ~clipped
    area = int(np.count_nonzero(mask))
    if not clipped.any() or not ref.any() or not area:
        return None
    px = np.asarray(patch).reshape(-1, 3)
    seen = lab_to_linear(np.asarray(lab, np.float32)[None])[0].astype(np.float64)
    v = np.asarray(px, np.float64) / 255.0
    lin = srgb_to_linear(v) * balance
    dark = (float(config.dots.clip_level) / 255.0) ** 2.2 * m.clip_shade_dark
    raw = np.asarray(px)
    den = lin[:, ref].sum(1)
    body = (raw[:, clipped].min(1) >= config.dots.clip_level) & mask.ravel()
    lit = float(np.median(den[body])) if body.any() else float(np.median(den))
    # clearly under the clip in the channels the note clips (not its noise dipping under it),
    # under it in the others, and no brighter than the lit paper in those
    ok = (raw[:, clipped].max(1) < m.clip_shade_level * config.dots.clip_level) & (
        raw.max(1) < config.dots.clip_level
    )
    ok &= (lin.max(1) >= dark) & (den <= lit)
    ok &= den > 1e-6
    bound = seen[clipped] / max(float(seen[ref].sum()), 1e-6)
    ratio = lin[:, clipped] / np.maximum(den, 1e-6)[:, None]
    ok &= (ratio >= bound).all(1)
    # the channels the note keeps keep their ratios in its shade (the same paper, less lit)
    idx = np.flatnonzero(ref)
    for i in idx[1:]:
        own = np.log(max(float(seen[i]), 1e-6) / max(float(seen[idx[0]]), 1e-6))
        at = np.log(np.maximum(lin[:, i], 1e-6) / np.maximum(lin[:, idx[0]], 1e-6))
        ok &= np.abs(at - own) <= m.clip_shade_spread
    # an area of paper in shade, not a stroke of ink nor the outline's edge
    ok = ok.reshape(mask.shape) & mask
    k = max(3, round(m.clip_shade_open * np.sqrt(area)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    ok = cv2.morphologyEx(ok.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool).ravel()
    n = int(ok.sum())
    if n < max(m.clip_shade_min_px, m.clip_shade_min_share * area):
        return None
    chroma = lin[ok] / lin[ok].max(1, keepdims=True)
    c = np.median(chroma, 0)
    # a channel near black in the shade (a deep yellow's blue) holds only noise: left out of
    # the spread
    held = c >= m.clip_shade_floor
    logs = np.log(np.maximum(chroma[:, held], 1e-6))
    if float(np.median(np.abs(logs - np.median(logs, 0)), 0).max()) > m.clip_shade_spread:
        return None
    # the paper at the exposure that brings its brightest channel to the clip
    return linear_to_lab_unbounded(c[None])[0]


def shaded_packs(
    labs: np.ndarray,
    clipped: np.ndarray,
    scene: WallScene,
    rgb: np.ndarray,
    balance: np.ndarray,
    config: Config,
) -> tuple[np.ndarray, np.ndarray]:
    """The notes' colours and clipped channels with each pack (markerless.colour_packs) that
    the photo clips in two channels on most of its notes read from its shaded paper
    (shaded_paper_colour): the median over its notes that have enough of it, given to every
    note of the pack, its channels values again. With one channel left (a yellow or a lime
    clipped in red and green keeps only its blue) the pack's name hangs on the photo's fitted
    exposure (markerless.name_colours), and one note in part shaded tells it. Packs clipped in
    one channel keep their bounds (the exposure fit names them well: a blue clipped in blue, a
    pink in red)."""
    m = config.markerless
    labs = np.asarray(labs, np.float64).copy()
    clipped = np.asarray(clipped, bool).copy()
    packs = colour_packs(labs, m.colour_cluster_de)
    discs = [(d.center, d.radius_px) for d in scene.dots]
    for p in np.unique(packs):
        sel = np.flatnonzero(packs == p)
        low = clipped[sel].mean(0) > 0.5
        if low.sum() != 2:
            continue
        read = [
            shaded_paper_colour(
                *note_paper_patch(rgb, np.array(scene.notes[k].corners), m.clip_shade_share, discs),
                labs[k],
                clipped[k],
                balance,
                config,
            )
            for k in sel
            if clipped[k].sum() == 2
        ]
        # most of them: one note's few shaded pixels may be ink or a sticker's rim
        if sum(v is not None for v in read) >= max(1, m.clip_shade_notes * len(read)):
            read = [v for v in read if v is not None]
            labs[sel] = np.median(np.array(read), axis=0)
            clipped[sel] = False
    return labs, clipped


def clipped_channels(px: np.ndarray, config: Config) -> np.ndarray:
    """Per channel (R, G, B): saturated over most of a note's paper (paper_pixels, N x 3;
    dot_clip_share of it, as for a sticker), its value then only a lower bound."""
    if not len(px):
        return np.zeros(3, bool)
    return (px >= config.dots.clip_level).mean(0) >= config.markerless.dot_clip_share


def light_casts(
    wall_lab: np.ndarray,
    note_labs: np.ndarray,
    note_refs: dict[str, np.ndarray],
    config: Config,
    balanced: bool = False,
    clipped: np.ndarray | None = None,
    others: np.ndarray | None = None,
) -> list[tuple[float, SurfaceCast | None]]:
    """The lights that may be on a photo (colour.surface_casts), each with its misfit, the
    best first: of the common surfaces the wall
    may be, the one needing the least shift of the light and whose lightness fits best, both
    in log units: |shift| + w |log(wall Y / (exposure x surface Y))| (w: cast_lightness_weight),
    plus how far the notes' packs then lie from their names (packs_fit). No cast (balanced)
    is white paint: its lightness is charged as white's, unless the wall is far darker than
    its notes (wall_white_min_ratio: grey paint, a slate).
    The exposure is the notes' own: their luminance over that of the colour each is nearest.
    Colour alone cannot tell kraft under a cool light from cream paint under a warm one;
    kraft is half as light as a cream wall or a yellow note, and that tells them apart.
    balanced: the wall was near-neutral and the photo balanced on it; it may still be a
    kraft roll under a light the phone made grey, so the surfaces compete with no cast (None)
    there: white paint, charged for its lightness as any surface is.
    clipped: N x 3, the channels saturated on each note (packs_fit leaves those packs out).
    others: the photo's other bare surfaces (a paper roll, a whiteboard; CIELAB as wall_lab):
    under the right light each is a common surface too (others_fit), and a dark grey or
    black one (a board) is neutral under it (dark_fit)."""
    m = config.markerless
    surfaces = load_surface_refs()
    casts: list[SurfaceCast | None] = list(
        surface_casts(wall_lab, surfaces, m.cast_surface_tol, m.cast_max_shift)
    )
    if balanced:
        # white paint balanced on is white already: no cast (None) stands for it
        casts = [None, *(c for c in casts if c is not None and c.surface != "white")]
    if len(casts) < 2:
        return [(0.0, c) for c in casts]
    refs_y = {n: float(luminance(r)[0]) for n, r in note_refs.items()}
    fit = packs_fit(note_labs, note_refs, m, clipped)
    bare = others_fit(others, surfaces, m)
    dark = dark_fit(others, m)

    def lightness(notes: np.ndarray, wall: float, surface: str) -> float:
        """|log(wall Y / (exposure x surface Y))|, the exposure the notes' own."""
        near = [classify(v, note_refs, np.inf)[0] for v in notes]
        exposure = float(np.median(luminance(notes) / [refs_y[n] for n in near]))
        y = float(luminance(surfaces[surface])[0])
        return abs(float(np.log(max(wall, 1e-4) / (exposure * y))))

    # no cast (balanced on the wall) is white paint under the light the balance took off, as
    # light as white at the notes' exposure; a wall far darker than its notes is no white
    # (wall_white_min_ratio: grey paint, a slate) and may have any lightness
    wall0 = float(luminance(np.asarray(wall_lab, np.float64)[None])[0])
    white_y = 0.0
    if "white" in surfaces and wall0 >= m.wall_white_min_ratio * lightest_pack(note_labs, m):
        white_y = m.cast_lightness_weight * lightness(note_labs, wall0, "white")

    def misfit(c: SurfaceCast | None) -> float:
        if c is None:
            return (
                white_y
                + m.cast_packs_weight * fit(np.ones(3))
                + m.cast_others_weight * bare(np.ones(3))
                + m.cast_dark_weight * dark(0.0)
            )
        notes = correct_cast(note_labs, c.gains)
        wall = float(luminance(correct_cast(wall_lab[None], c.gains))[0])
        light = abs(c.shift) + m.cast_lightness_weight * lightness(notes, wall, c.surface)
        return (
            light
            + m.cast_packs_weight * fit(c.gains)
            + m.cast_others_weight * bare(c.gains)
            + m.cast_dark_weight * dark(c.shift)
        )

    # stable: of lights that fit alike, the least shift first (surface_casts' order)
    return sorted(((misfit(c), c) for c in casts), key=lambda t: t[0])


def lightest_pack(labs: np.ndarray, m: MarkerlessConfig) -> float:
    """The luminance of the notes' lightest pack (markerless.colour_packs, each pack's
    median): white paper under the notes' light is at least as light."""
    labs = np.asarray(labs, np.float64).reshape(-1, 3)
    packs = colour_packs(labs, m.colour_cluster_de)
    return max(float(np.median(luminance(labs[packs == p]))) for p in np.unique(packs))


def dark_wall_gains(
    scene: WallScene, labs: np.ndarray, m: MarkerlessConfig
) -> np.ndarray | None:
    """The gains that take the balance on the wall back off (linear light), when the photo was
    balanced on a wall far darker than its notes: its luminance under wall_white_min_ratio of
    the lightest pack's (markerless.colour_packs, each pack's median). White paper under the
    notes' light is at least as light as any of them, so such a wall (slate, dark paint) is
    no white under a cast, and a tint of its own (a bluish slate) balanced away moves every
    note the other way (pale greens turned yellow). interpret then reads the notes as
    photographed, as on a wall no common surface explains, when their packs lie nearer their
    names so (packs_fit; a dark neutral grey under a lamp is balanced on rightly). None: not
    balanced, or the wall may be white (or mid-grey paint) at the notes' light."""
    if not scene.balanced or scene.balance is None or not len(labs):
        return None
    wall = float(luminance(np.array(scene.wall_lab, np.float64)[None])[0])
    if wall >= m.wall_white_min_ratio * lightest_pack(labs, m):
        return None
    return 1.0 / np.asarray(scene.balance, np.float64)


def _names_under(
    labs: np.ndarray,
    cast: SurfaceCast | None,
    refs: dict[str, np.ndarray],
    clipped: np.ndarray,
    m: MarkerlessConfig,
) -> list[tuple[str, float]]:
    """name_colours of the notes' colours (N x 3, as photographed) with a light's cast off."""
    seen = labs if cast is None or not len(labs) else correct_cast(labs, cast.gains)
    return name_colours(
        [tuple(v) for v in seen],
        refs,
        m.colour_cluster_de,
        m.note_unknown_delta_e,
        clipped,
        m.dot_clip_gain_max,
        m.clip_exposure_tau,
        m.note_exposure_min,
        m.note_exposure_spread,
        m.note_name_tie_de,
    )


def _light_doubt(
    labs: np.ndarray,
    lights: list[tuple[float, SurfaceCast | None]],
    names: list[tuple[str, float]],
    refs: dict[str, np.ndarray],
    clipped: np.ndarray,
    m: MarkerlessConfig,
) -> dict[int, str]:
    """The notes the runner-up light names otherwise, when it fits within cast_doubt_margin
    of the light chosen: index -> the other name. Colour alone cannot tell such lights apart
    (a cream wall under white light, a white one under a warm lamp)."""
    if len(lights) < 2 or lights[1][0] - lights[0][0] > m.cast_doubt_margin:
        return {}
    other = _names_under(labs, lights[1][1], refs, clipped, m)
    return {k: b for k, ((a, _), (b, _)) in enumerate(zip(names, other, strict=True)) if a != b}


def others_fit(
    others: np.ndarray | None, surfaces: dict[str, np.ndarray], m: MarkerlessConfig
) -> Callable[[np.ndarray], float]:
    """How well a light explains the photo's other bare surfaces (a kraft roll on a painted
    wall, a whiteboard): gains -> the mean, over those surfaces, of each one's a*b* distance to
    its nearest common surface with the gains taken off. One light falls on the wall and on
    the roll: a cream wall under a cool light and a white one under a cooler light both
    explain the wall, but only one of them turns the roll beside it into kraft. Only the
    distance beyond cast_surface_tol counts (within it, a surface's own shades: kraft papers
    vary, and a light is not chosen by how near a roll lies to the reference kraft). Surfaces
    darker than cast_others_l_min (a blackboard) hold no hue to measure and are left out; with
    none left every light fits alike (0)."""
    seen = np.asarray(others if others is not None else [], np.float64).reshape(-1, 3)
    seen = seen[seen[:, 0] >= m.cast_others_l_min]
    if not len(seen):
        return lambda gains: 0.0
    refs = np.array(list(surfaces.values()), np.float64)

    def fit(gains: np.ndarray) -> float:
        ab = correct_cast(seen, gains)[:, 1:]
        d = np.linalg.norm(ab[:, None, :] - refs[None, :, 1:], axis=-1)
        return float(np.maximum(d.min(1) - m.cast_surface_tol, 0.0).mean())

    return fit


def dark_tint(lab: np.ndarray) -> tuple[float, float]:
    """A colour's tint (CIELAB -> linear light): its log chromaticity along PLANCK_AXIS (> 0:
    bluer than neutral, as under a cool light; a SurfaceCast of shift -along makes it grey)
    and the length of the rest (green-magenta: no black-body light gives it)."""
    lin = np.maximum(lab_to_linear(np.asarray(lab, np.float64).reshape(1, 3))[0], 1e-6)
    log = np.log(lin) - np.log(lin).mean()
    along = float(log @ PLANCK_AXIS)
    return along, float(np.linalg.norm(log - along * PLANCK_AXIS))


def dark_fit(others: np.ndarray | None, m: MarkerlessConfig) -> Callable[[float], float]:
    """How well a light explains the photo's dark bare surfaces (a black or charcoal board:
    darker than cast_others_l_min, where others_fit finds no hue to compare): shift (along
    PLANCK_AXIS, a SurfaceCast's; 0 for no cast) -> the mean, over them, of the log
    chromaticity left along the black-body axis with the cast taken off, beyond
    cast_dark_tol (a black paint's own tint). A black or grey paint reflects every colour
    alike, so the light's colour is what it shows: a wall of cream paint under a cool light
    and of white paint under none look alike, the board beside them does not. Left out: a
    surface darker than cast_dark_l_min (the toe of the phone's tone curve and 8-bit codes
    under 20: a code is 5 % of a channel, and the lens's flare from the light wall around
    is a large part of its light), and one tinted off the black-body axis by more than
    cast_dark_off_max (a dark green chalkboard: no light gives that tint, the paint does);
    with none left every light fits alike (0). A navy board tinted along the axis looks
    like black under a cool light: not told apart (docs/markerless.md, "Limits")."""
    seen = np.asarray(others if others is not None else [], np.float64).reshape(-1, 3)
    seen = seen[(seen[:, 0] < m.cast_others_l_min) & (seen[:, 0] >= m.cast_dark_l_min)]
    tints = [dark_tint(v) for v in seen]
    along = np.array([a for a, off in tints if off <= m.cast_dark_off_max])
    if not len(along):
        return lambda shift: 0.0

    def fit(shift: float) -> float:
        return float(np.maximum(np.abs(along + shift) - m.cast_dark_tol, 0.0).mean())

    return fit


def local_shifts(rgb: np.ndarray, scene: WallScene, m: MarkerlessConfig) -> np.ndarray:
    """Each note's light against the photo's (N, along PLANCK_AXIS; NaN where not told), read
    off the bare surface around it. One paint (or one whiteboard) reflects every part of the
    light alike, so where the light changes colour across the photo (a lamp on one side,
    daylight from a window on the other; a lit board and its dim, warmer top) the surface
    around a note changes with it: its log chromaticity there against the same surface's
    over the whole photo is how much warmer (< 0) or cooler (> 0) the note's light is than
    the one the photo is read under. A SurfaceCast of shift -along takes it off.

    A light changes smoothly across a surface, a paint at a step: a beige wall beside a
    whiteboard has the whiteboard's chromaticity under a warmer lamp. The surface is the
    pixels (the photo at about local_light_side_px, linear light balanced as the scene's
    surfaces were) outside every note's outline (grown by a fifth: shadows, blur), not darker
    than local_light_dark of the surface (ink, gaps), within local_light_off (log
    chromaticity off the black-body axis) and local_light_span (along it) of the surface's
    colour and off every colour step (local_light_step per pixel along the axis, smoothed:
    the board's frame, a paint's edge), in the connected parts local_light_seed_share or more
    of which has the surface's own colour (within local_light_dead along): reached from it
    through shades alone. The surfaces: each bare surface of the scene (lighter than
    cast_others_l_min: a dark board holds its notes' flare) and, when the photo was balanced
    on its wall, grey first. A note's light is the median of the pixels of the surface most
    of its surround is, within local_light_ring sides of its centre (twice that when too
    few), against the median of that surface's own colour."""
    n = len(scene.notes)
    out = np.full(n, np.nan)
    if not n or m.local_light_ring <= 0 or not scene.surfaces:
        return out
    h, w = rgb.shape[:2]
    f = min(1.0, m.local_light_side_px / max(h, w))
    size = (max(1, round(w * f)), max(1, round(h * f)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    # balanced as the surfaces were measured (scene.balance): a shift is a difference of two
    # log chromaticities, the same whatever gains the photo is later read under
    balance = np.ones(3) if scene.balance is None else np.asarray(scene.balance, np.float64)
    lin = np.maximum(srgb_to_linear(small.astype(np.float32) / 255.0) * balance, 1e-4)
    log = np.log(lin)
    log = cv2.GaussianBlur(log - log.mean(-1, keepdims=True), (0, 0), 1.0)
    along = log @ PLANCK_AXIS
    off = log - along[..., None] * PLANCK_AXIS
    y = lin @ np.array([0.2126, 0.7152, 0.0722])
    gy, gx = np.gradient(along)
    # a colour step (a paint's or a board's edge), and the pixels beside it
    step = np.hypot(gx, gy) > m.local_light_step
    step = cv2.dilate(step.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    notes = np.zeros(small.shape[:2], np.uint8)
    for note in scene.notes:
        c = np.array(note.corners, np.float64) * f
        mid = c.mean(0)
        cv2.fillConvexPoly(notes, np.round((c - mid) * 1.2 + mid).astype(np.int32), 1)
    # the references: each bare surface as it stands (the wall's mode, a paper roll) and,
    # balanced on the wall, grey (the light that left it grey; once balanced, the wall's mode
    # may lie elsewhere, under another light). A dark one holds its notes' flare: left out
    refs = [
        np.maximum(lab_to_linear(np.array(v, np.float64)[None])[0], 1e-4)
        for v in scene.surfaces
        if v[0] >= m.cast_others_l_min
    ]
    logs = [np.log(r) - np.log(r).mean() for r in refs]
    if scene.balance is not None and refs:
        refs, logs = [refs[0], *refs], [np.zeros(3), *logs]
    owner = np.full(small.shape[:2], -1, np.int32)
    whole: list[float] = []
    for k, (ref, ref_log) in enumerate(zip(refs, logs, strict=True)):
        ref_along = float(ref_log @ PLANCK_AXIS)
        ref_off = ref_log - ref_along * PLANCK_AXIS
        ref_y = float(ref @ np.array([0.2126, 0.7152, 0.0722]))
        cand = (notes == 0) & ~step & (owner < 0)
        cand &= y * scene.exposure >= m.local_light_dark * ref_y
        cand &= np.linalg.norm(off - ref_off, axis=-1) < m.local_light_off
        cand &= np.abs(along - ref_along) < m.local_light_span
        _n, parts = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
        seed = cand & (np.abs(along - ref_along) < m.local_light_dead)
        # a part is the surface when enough of it has the surface's colour: a cork board's
        # grain holds a few pixels of a grey wall's colour, a wall under a light turning
        # across it a band of them
        size = np.bincount(parts.ravel())
        seeds = np.bincount(parts[seed], minlength=len(size))
        keep = (seeds >= m.local_light_min_px) & (seeds >= m.local_light_seed_share * size)
        keep[0] = False
        # the light the photo is read under: the one on the surface's own colour (the mode
        # its cast is read from, or grey), measured here as every pixel is
        whole.append(float(np.median(along[seed & keep[parts]])) if keep.any() else 0.0)
        owner[keep[parts]] = k
    yy, xx = np.mgrid[: small.shape[0], : small.shape[1]]
    for i, note in enumerate(scene.notes):
        mid = np.array(note.corners, np.float64).mean(0) * f
        for grow in (1.0, 2.0):
            r = grow * m.local_light_ring * note.side_px * f
            x0, x1 = max(0, int(mid[0] - r)), min(small.shape[1], int(mid[0] + r) + 1)
            y0, y1 = max(0, int(mid[1] - r)), min(small.shape[0], int(mid[1] + r) + 1)
            win = np.s_[y0:y1, x0:x1]
            near = owner[win][np.hypot(xx[win] - mid[0], yy[win] - mid[1]) <= r]
            near = near[near >= 0]
            if len(near) < m.local_light_min_px:
                continue
            k = int(np.bincount(near).argmax())
            ring = (owner[win] == k) & (np.hypot(xx[win] - mid[0], yy[win] - mid[1]) <= r)
            if ring.sum() >= m.local_light_min_px:
                out[i] = float(np.median(along[win][ring])) - whole[k]
                break
    return out


def note_lights(
    shifts: np.ndarray, balanced: bool, m: MarkerlessConfig
) -> tuple[np.ndarray, float]:
    """The shift that brings each note (shifts: local_shifts, NaN where not told) under the
    light the photo is read under, and the shift of that light from the wall's (0: the
    wall's). Balanced on its wall, the photo is read under the light that left the wall grey.
    Otherwise the light is read off the wall's colour (light_casts), and a wall's mode may
    lie at one end of a light turning across the photo: the light is then read at the
    notes' median light, the wall's colour moved there by the same measure, so that the
    notes are moved no further on average than they stand. A shift within local_light_dead
    is none (the wall's own shades, noise)."""
    told = np.isfinite(shifts)
    t = 0.0 if balanced or not told.any() else float(np.median(shifts[told]))
    d = np.where(told, shifts - t, 0.0)
    return np.sign(d) * np.maximum(np.abs(d) - m.local_light_dead, 0.0), t


def pack_medians(
    note_labs: np.ndarray, m: MarkerlessConfig, clipped: np.ndarray | None = None
) -> list[np.ndarray]:
    """The median colour of each of the notes' packs (markerless.colour_packs) but those
    clipped in a channel on most of their notes (their colour is a bound, not a value)."""
    labs = np.asarray(note_labs, np.float64).reshape(-1, 3)
    packs = colour_packs(labs, m.colour_cluster_de)
    sat = np.zeros((len(labs), 3), bool) if clipped is None else np.asarray(clipped, bool)
    return [
        np.median(labs[packs == p], axis=0)
        for p in np.unique(packs)
        if not (sat[packs == p].mean(0) > 0.5).any()
    ]


def packs_fit(
    note_labs: np.ndarray,
    note_refs: dict[str, np.ndarray],
    m: MarkerlessConfig,
    clipped: np.ndarray | None = None,
) -> Callable[[np.ndarray], float]:
    """How well a light explains the notes: gains -> the mean, over the photo's packs
    (markerless.colour_packs), of each pack's distance to its nearest name with those gains
    taken off. One pack fits any light (a lime pack on grey paint is a yellow one on kraft
    under a cool light): with fewer than two packs every light fits alike (0). Packs clipped
    in a channel on most of their notes are left out: their colour is a bound, not a value."""
    medians = pack_medians(note_labs, m, clipped)
    if len(medians) < 2:
        return lambda gains: 0.0
    meds = np.array(medians)

    def fit(gains: np.ndarray) -> float:
        seen = correct_cast(meds, gains)
        return float(
            np.mean([min(float(colour_distance(v, r)) for r in note_refs.values()) for v in seen])
        )

    return fit


def interpret(
    scene: WallScene, rgb: np.ndarray | None, config: Config = CONFIG
) -> MarkerlessResult:
    """Names, ids, groups and crops for a WallScene (rgb: the photo, for the OCR crops)."""
    m = config.markerless
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    # a name's references: its palette colour and the other shades sold under it (a neon
    # yellow pad is a yellow one); the notes are named by the common name
    shades = {**refs.notes, **load_note_shades(NOTE_NAMES)}
    w, h = scene.size
    out = MarkerlessResult(
        note_side_px=round(scene.note_side_px, 1), wall_plane=scene.wall_h is not None
    )
    labs = np.array([n.lab for n in scene.notes], np.float64).reshape(-1, 3)
    # each note's paper as photographed, taken once: what the photo saturates in it
    papers = [None if rgb is None else paper_pixels(rgb, np.array(n.corners)) for n in scene.notes]
    clipped = np.zeros((len(labs), 3), bool)
    for k, px in enumerate(papers):
        if px is not None:
            clipped[k] = clipped_channels(px, config)
    lights: list[tuple[float, SurfaceCast | None]] = []
    wall_shift = 0.0
    # a wall far darker than its notes balanced on as white: that balance taken back off
    unbalance = dark_wall_gains(scene, labs, m)
    if unbalance is not None:
        # each paper measured again in the photo as taken: the balance clipped the bright
        # channels of the work image (a yellow's red under a 1.3 x gain), and a clipped
        # channel cannot be taken back off
        seen = np.array(
            [
                correct_cast(labs[k][None], unbalance)[0]
                if px is None or len(px) < 10
                else paper_as_photographed(px, scene.exposure, m)
                for k, px in enumerate(papers)
            ],
            np.float64,
        ).reshape(-1, 3)
        # a dark grey paint under a lamp and a tinted slate look alike: the packs tell which
        # (read as seen only when they lie nearer their names so; else, or with fewer than two
        # packs unclipped either way to tell it, the balance is kept)
        ones = np.ones(3)
        told = min(len(pack_medians(v, m, clipped)) for v in (seen, labs)) >= 2
        if told and packs_fit(seen, refs.notes, m, clipped)(ones) < packs_fit(
            labs, refs.notes, m, clipped
        )(ones):
            labs = seen
        else:
            unbalance = None
    if rgb is not None and m.clip_shade_share > 0 and len(labs):
        bal = np.ones(3)
        if unbalance is None and scene.balance is not None:
            bal = np.asarray(scene.balance, np.float64)
        labs, clipped = shaded_packs(labs, clipped, scene, rgb, bal, config)
    wall_y = float(luminance(np.array(scene.wall_lab, np.float64)[None])[0])
    if rgb is not None and len(labs) and wall_y >= m.wall_white_min_ratio * lightest_pack(labs, m):
        # each note under its own light: the surface around it tells how that light differs
        # from the photo's (a window on one side, a lamp on the other). Not on a wall far
        # darker than its notes (a slate): the light their papers scatter onto it (the
        # lens's flare, reflections) is a large part of its colour beside each of them
        shifts, wall_shift = note_lights(local_shifts(rgb, scene, m), scene.balanced, m)
        labs = np.array(
            [
                v if s == 0 else correct_cast(v[None], np.exp(-s * PLANCK_AXIS))[0]
                for v, s in zip(labs, shifts, strict=True)
            ],
            np.float64,
        ).reshape(-1, 3)
    if unbalance is None and len(labs):
        # the wall, taken for a common surface (or for grey paint when balanced on), and the
        # notes' packs tell the light's cast
        wall = np.array(scene.wall_lab, np.float64)
        if wall_shift:
            # the wall's colour under the light the notes are read under
            wall = correct_cast(wall[None], np.exp(wall_shift * PLANCK_AXIS))[0]
        others = np.array(scene.surfaces[1:], np.float64).reshape(-1, 3)
        lights = light_casts(wall, labs, shades, config, scene.balanced, clipped, others)
        out.cast = lights[0][1] if lights else None
    names = _names_under(labs, out.cast, shades, clipped, m)
    doubt = _light_doubt(labs, lights, names, shades, clipped, m)
    # the packs a tie under uneven light named (note_name_tie_de): index -> the name as
    # measured, for the reviewer to check
    tied: dict[int, str] = {}
    if m.note_name_tie_de > 0 and len(labs):
        plain = _names_under(labs, out.cast, shades, clipped, replace(m, note_name_tie_de=0.0))
        tied = {k: p for k, ((p, _), (q, _)) in enumerate(zip(plain, names, strict=True)) if p != q}
    ids = [f"m{k + 1:02d}" for k in range(len(scene.notes))]
    wall_pts = _wall_points(scene)
    for k, n in enumerate(scene.notes):
        note = _note_result(k, scene, names, ids, wall_pts, config)
        if rgb is not None and n.side_px > 0:
            note.crop, note.ocr_crop, note.alt_turn, note.ocr_holes = _note_crops(
                rgb, k, scene, config
            )
            share = clipped_share(papers[k], config.dots.clip_level)
            if share >= config.qa.overexposed_paper:
                values = {"share": round(share, 2)}
                out.findings.append(Finding("overexposed", "wall_note", values, item=note.id))
        if note.color == "unknown":
            out.findings.append(Finding("unknown_colour", "wall_note", item=note.id))
        elif k in doubt:
            values = {"other": doubt[k]}
            out.findings.append(Finding("light_uncertain", "wall_note", values, item=note.id))
        elif k in tied:
            values = {"other": tied[k]}
            out.findings.append(Finding("name_tie", "wall_note", values, item=note.id))
        if n.seen < m.note_cut_flag:
            # the photo's frame cuts it: its writing and stickers may be partly outside
            values = {"share": n.seen}
            out.findings.append(Finding("note_cut", "wall_note", values, item=note.id))
        out.notes.append(note)
    # the stickers are under the same light as the notes: the same cast comes off their colours
    gains = unbalance if out.cast is None else out.cast.gains
    named = name_stickers(scene.dots, refs.stickers, config, gains)
    for d, (colour, de) in zip(scene.dots, named, strict=True):
        on = None if d.on_note is None else ids[d.on_note]
        conf = float(np.clip(1 - de / (2 * config.dots.unknown_delta_e), 0, 1)) * (
            0.6 if d.ambiguous else 1.0
        )
        centre = (round(d.center[0] / w, 4), round(d.center[1] / h, 4))
        out.dots.append(WallDotResult(colour, centre, on, round(conf, 3)))
        if on is not None:
            note = out.notes[d.on_note]
            note.dots[colour] = note.dots.get(colour, 0) + 1
    for note in out.notes:
        note.dots = dict(sorted(note.dots.items()))
    unknown_dots = sum(d.color == "unknown" for d in out.dots)
    if unknown_dots:
        out.findings.append(Finding("unknown_colour", "wall_dots", {"count": unknown_dots}))
    ambiguous = sum(d.ambiguous for d in scene.dots)
    if ambiguous:
        out.findings.append(Finding("ambiguous_cluster", "wall", {"count": ambiguous}))
    return out


def _colour_groups(labs: np.ndarray, cluster_de: float) -> list[np.ndarray]:
    """Indices of the items (N x 3 CIELAB) whose colours lie within cluster_de of each other
    on average, lightness at half weight (average linkage: a chain of shades does not bridge
    two neighbouring colours), one array per group."""
    if len(labs) == 1:
        return [np.zeros(1, int)]
    cl = fcluster(linkage(labs * (0.5, 1.0, 1.0), "average"), cluster_de, "distance")
    return [np.nonzero(cl == c)[0] for c in np.unique(cl)]


def sticker_distances(
    lab: tuple[float, float, float],
    refs: dict,
    config: Config,
    gains: np.ndarray | None = None,
    clipped: tuple[bool, bool, bool] = (False, False, False),
) -> np.ndarray:
    """A sticker's distance (colour_distance, CIELAB) to each reference (in refs' order);
    gains: the light's cast taken off the notes of a wall with no white (MarkerlessResult.cast),
    taken off the sticker too (a warm lamp turns pink stickers red and purple ones pink, as it
    does the notes). clipped: the channels the photo saturates over most of the sticker, lower
    bounds then (colour.clipped_distances); all three say nothing of its hue and are read as
    they are."""
    v = np.asarray(lab, np.float64)
    if gains is not None:
        v = correct_cast(v[None], gains)[0]
    if any(clipped) and not all(clipped):
        gain_max = config.markerless.dot_clip_gain_max
        return clipped_distances(v, np.array(clipped), refs, gain_max)[0]
    return np.array([float(colour_distance(v, r)) for r in refs.values()])


def name_stickers(
    dots: Sequence[WallDot], refs: dict, config: Config, gains: np.ndarray | None = None
) -> list[tuple[str, float]]:
    """Each sticker's colour name and its distance, named with the others of its colour in
    the photo: stickers whose colours (the cast taken off) lie within dot_cluster_de of each
    other on average (lightness at half weight, _colour_groups) come from one sheet under
    one light, and take the name nearest the group as a whole (the least mean distance of its
    stickers), "unknown" when that is over dots.unknown_delta_e. One sticker's colour is
    moved by what lies on it alone (a glossy highlight, an overexposed channel, a cast taken
    off a little wrong): a pink one reads red where the others of its sheet read pink."""
    if not dots:
        return []
    dist = np.stack([sticker_distances(d.lab, refs, config, gains, d.clipped) for d in dots])
    labs = np.array([d.lab for d in dots], np.float64)
    if gains is not None:
        labs = correct_cast(labs, gains)
    keys = list(refs)
    out: list[tuple[str, float]] = [("unknown", np.inf)] * len(dots)
    for sel in _colour_groups(labs, config.markerless.dot_cluster_de):
        row = dist[sel].mean(0)
        if any(any(dots[i].clipped) for i in sel):  # its linear hue is then unknown
            j = int(np.argmin(row))
        else:
            j = washed_name(labs[sel], row, refs, config.markerless)
        name = keys[j] if row[j] <= config.dots.unknown_delta_e else "unknown"
        for i in sel:
            out[i] = (name, float(row[j]))
    return out


def washed_name(labs: np.ndarray, row: np.ndarray, refs: dict, m: MarkerlessConfig) -> int:
    """The index (in refs' order) of the name of a sheet of stickers (labs: their colours,
    N x 3, the cast taken off; row: the sheet's mean distance to each reference): the
    nearest, unless the sheet is washed out between two names light moves one onto the
    other. Light added over a sticker (a veil, glare, its glossy highlight) lowers its
    chroma and moves its CIELAB hue (a veiled red reads pink) but leaves the hue of its
    linear light (linear_hue): when the nearest two names are one of m.dot_veil_pairs and
    the sheet's chroma is under m.dot_washed_chroma x the nearest's, the one of the two whose
    linear hue is nearer the sheet's is taken."""
    keys = list(refs)
    if len(keys) < 2:
        return int(np.argmin(row))
    j, k = (int(i) for i in np.argsort(row)[:2])
    if {keys[j], keys[k]} not in [set(p) for p in m.dot_veil_pairs]:
        return j
    chroma = float(np.hypot(labs[:, 1], labs[:, 2]).mean())
    if chroma >= m.dot_washed_chroma * float(np.hypot(refs[keys[j]][1], refs[keys[j]][2])):
        return j
    own = float(linear_hue(lab_to_linear(labs).mean(0)))

    def off(i: int) -> float:
        ref = float(linear_hue(lab_to_linear(np.asarray(refs[keys[i]])[None])[0]))
        return abs((own - ref + 180.0) % 360.0 - 180.0)

    return min((j, k), key=off)


def crop_quads(corners: np.ndarray, margin: float, turn_deg: float) -> list[np.ndarray]:
    """The quads (photo px, TL TR BR BL) a note's text is read from: its outline grown by
    `margin` of its size each way (an outline a little off must not cut the first letters),
    and, when its top side is tilted more than turn_deg (a note at 45 degrees, a photo taken
    askew: which side is up is unsure), the same turned a quarter."""
    c = corners.mean(0)
    grown = c + (corners - c) * (1 + 2 * margin)
    top = grown[1] - grown[0]
    tilt = abs(np.degrees(np.arctan2(top[1], top[0])))
    if tilt <= turn_deg:
        return [grown]
    return [grown, np.roll(grown, 1 if top[1] > 0 else -1, axis=0)]


def read_wall(
    rgb: np.ndarray, config: Config = CONFIG, ocr: Callable | None = None
) -> MarkerlessResult:
    """find_wall + interpret + the text of every note (ocr as in photo.analyse_photo)."""
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    scene = find_wall(rgb, refs.notes, refs.stickers, config)
    res = interpret(scene, rgb, config)
    todo = [n for n in res.notes if n.crop is not None]
    if ocr is not None and todo:
        reads = read_texts(todo, ocr, low_confidence(config), config.markerless.ocr_turn_probe)
        for note, o in zip(todo, reads, strict=True):
            o = _completed(note, o, config)
            note.text, note.raw_text = o.text, o.raw_text
            note.ocr_confidence = float(o.confidence) if o.confidence is not None else None
            if note.ocr_confidence is not None and note.ocr_confidence < low_confidence(config):
                values = {"confidence": note.ocr_confidence}
                res.findings.append(Finding("low_ocr_confidence", "", values, item=note.id))
    return res


def _completed(note: WallNoteResult, o: OcrResult, config: Config) -> OcrResult:
    """The note's reading with its words respelt (hidden_words.respell: accents misread, an
    elision's apostrophe dropped) and the words its holes cut completed (complete_hidden),
    from the word list of the workshop's language (the first listed: the others' are loan
    words; a word their lists know is left as read)."""
    m = config.markerless
    holes = None if note.ocr_holes is None else np.asarray(note.ocr_holes)
    complete = m.ocr_complete_words and holes is not None and holes.any()
    if not (complete or (m.ocr_respell and o.lines)):
        return o
    first, *others = config.ocr.languages.split("+")
    index = word_index_for(first)
    if index is None:
        return o
    if m.ocr_respell:  # a word the other languages' lists know is theirs (English)
        o = respell(o, index, partial(_known, "+".join(others)), m,
                    first == m.respell_elision_lang)
    if not complete:
        return o
    return complete_hidden(o, np.rot90(holes, note.turn), HOLES_SCALE, index, m)


def _known(languages: str, word: str) -> bool:
    """Whether a word list of the languages knows `word` (loaded on first use; none:
    False)."""
    lexicon = lexicon_for(languages)
    return lexicon is not None and lexicon.known(word)


def read_texts(
    notes: list[WallNoteResult], ocr: Callable, doubt: float, probe: int = 4
) -> list[OcrResult]:
    """Each note's reading (of its ocr_crop), its crop left turned the way it was read.
    Crops are taken with the side nearest the photo's top on top; a note whose outline tilts
    past ocr_turn_deg is also read a quarter turned (alt_turn), the reading that says more
    kept (read_weight). A photo can be turned as a whole (no EXIF orientation, a phone held
    sideways or upside down, a wall shot rolled): every note then reads poorly. When the
    median confidence of the photo's readings is under `doubt` (the review threshold), the
    `probe` notes with the most writing are read at the three other quarter turns; when one
    of them says more, summed over those notes, than the photo as it is, every note is read
    under it, and a note whose outline is tilted (unsure which side is up) may take a
    quarter turn more or less than the photo when that reads better."""
    views = [np.asarray(n.ocr_crop if n.ocr_crop is not None else n.crop) for n in notes]

    def turned(i: int, k: int) -> np.ndarray:
        return np.ascontiguousarray(np.rot90(views[i], k)) if k % 4 else views[i]

    alts = [i for i, n in enumerate(notes) if n.alt_turn]
    reads = ocr(views + [turned(i, notes[i].alt_turn) for i in alts])
    # readings of note i at quarter turn k, as they are made
    got: dict[tuple[int, int], OcrResult] = {(i, 0): o for i, o in enumerate(reads)}
    got |= {(i, notes[i].alt_turn): o for i, o in zip(alts, reads[len(notes) :], strict=True)}

    def best(i: int, turns: list[int]) -> int:
        """The quarter turn of note i, among those read, whose reading says the most."""
        return max(turns, key=lambda k: read_weight(got[i, k]))

    turn = [best(i, [k for j, k in got if j == i]) for i in range(len(notes))]
    if float(np.median([got[i, turn[i]].confidence or 0.0 for i in range(len(notes))])) < doubt:
        sample = sorted(range(len(notes)), key=lambda i: -_writing(views[i]))[:probe]

        def read(pairs: list[tuple[int, int]]) -> None:
            todo = [(i, k) for i, k in dict.fromkeys(pairs) if (i, k) not in got]
            got.update(zip(todo, ocr([turned(i, k) for i, k in todo]), strict=True))

        read([(i, k) for i in sample for k in (1, 2, 3)])
        photo = max(range(4), key=lambda k: sum(read_weight(got[i, k]) for i in sample))
        if photo:
            # a note unsure of its side up may take a quarter turn more or less than the photo
            near = {
                i: [photo] + ([(photo + 1) % 4, (photo - 1) % 4] if notes[i].alt_turn else [])
                for i in range(len(notes))
            }
            read([(i, k) for i, ks in near.items() for k in ks])
            turn = [best(i, near[i]) for i in range(len(notes))]
    for n, k in zip(notes, turn, strict=True):
        n.turn = k
        if k:
            n.crop = np.ascontiguousarray(np.rot90(np.asarray(n.crop), k))
    return [got[i, k] for i, k in enumerate(turn)]


def _writing(crop: np.ndarray) -> float:
    """How much writing a crop holds, roughly: the spread of its grey levels in its middle
    (stickers are filled in already; the paper is flat, the ink dark)."""
    h, w = crop.shape[:2]
    grey = crop[h // 5 : h - h // 5, w // 5 : w - w // 5].mean(axis=-1)
    return float(grey.std())


def empty_kit(config: Config = CONFIG) -> KitLayout:
    """The kit of `capture run --markerless` without a workshop: no board to look for."""
    return KitLayout(
        workshop="sans-atelier",  # ids name it in outputs: a workshop file has no part here
        title="Mur sans panneau",
        aruco_dictionary=config.kit.aruco_dictionary,
        sticker_diameter_mm=config.markerless.dot_mm,
        sticker_colors=STICKER_NAMES,
        note_size_mm=config.markerless.note_mm,
        note_colors=NOTE_NAMES,
    )
