"""What participants stuck on each board (dot stickers, sticky notes, tape), in board mm,
and the board's raster with its decorations (premultiplied RGBA canvas, any px/mm).

Decorations are drawn once per set (a workshop has one state of its walls), so two photos
of the same board show the same stickers and notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from capture.core.config import SynthLevel
from capture.core.model import BoardLayout, KitLayout, ZoneSpec
from capture.kit.fonts import print_font
from capture.kit.pdf import plan_board
from capture.kit.render import qr_image, render_board
from capture.synth import palette
from capture.synth.handwriting import (
    ACTION_PHRASES,
    PROCESS_PHRASES,
    VALUE_PHRASES,
    Handwriting,
    pick_handwriting,
    text_mask,
)
from capture.synth.wall import Poster

PAD_MM = 50.0  # canvas margin around a board: notes overflow (<= 44 mm), tape, shadow


@dataclass(frozen=True)
class DotDeco:
    board: str
    zone: str | None  # the zone holding the centre (truth), None outside every zone
    center_mm: tuple[float, float]
    diameter_mm: float
    color: str  # truth colour: a declared colour, or "unknown"
    paint: str  # the sticker's real colour name
    rgb: tuple[float, float, float]
    calibration: bool = False
    gloss: float = 0.25  # specular highlight strength: ~0.05 matte paper .. 0.5 glossy vinyl
    lift_dir: float | None = None  # radians: one edge peeled up on that side (shadow crescent)


@dataclass(frozen=True)
class NoteDeco:
    id: str
    board: str
    zone: str | None
    center_mm: tuple[float, float]
    size_mm: float
    angle_deg: float  # counter-clockwise on the board as seen
    color: str
    rgb: tuple[float, float, float]
    writing: Handwriting | None
    curl: float  # 0 flat .. 1 bottom edge clearly lifted
    calibration: bool = False
    lift_mm: float = 0.0  # height of the bottom edge's middle above the wall
    lift_corner: float = 0.0  # extra lift of the bottom corners (share of lift_mm): a bowed edge
    hinge: float = 0.3  # share of the height held flat by the adhesive strip
    # a pack not square (76 x 127 mm, 38 x 51 mm...): the height along b; 0: square (size_mm)
    height_mm: float = 0.0

    @property
    def tall_mm(self) -> float:
        """The note's height (along b, the adhesive strip at its top): size_mm is its width."""
        return self.height_mm or self.size_mm

    @property
    def text_mm(self) -> float:
        """Side of the square the writing is laid out in: the note's shorter side, centred."""
        return min(self.size_mm, self.tall_mm)

    def lift_at(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Height above the wall (mm) at note-local (a right, b down; 0 at the centre)."""
        s = self.tall_mm
        t = np.clip((b / s + 0.5 - self.hinge) / (1 - self.hinge), 0, 1)
        side = (2 * a / self.size_mm) ** 2
        return self.lift_mm * t * t * (1 + self.lift_corner * side)

    def sag_mm(self, b: np.ndarray) -> np.ndarray:
        """How much closer to the strip a point lies on the wall than along the paper: a
        bent sheet's footprint is shorter (arc length vs chord, z = L t^2 profile)."""
        span = self.tall_mm * (1 - self.hinge)
        t = np.clip((b / self.tall_mm + 0.5 - self.hinge) / (1 - self.hinge), 0, 1)
        return 2 * self.lift_mm**2 * t**3 / (3 * span)

    @property
    def text(self) -> str:
        return self.writing.text if self.writing else ""

    def to_board(self, local: np.ndarray) -> np.ndarray:
        """Board mm of note-local points (N x 2 mm: a right, b down, 0 at the centre)."""
        a = math.radians(self.angle_deg)
        c, s = math.cos(a), math.sin(a)
        rot = np.array([[c, s], [-s, c]])  # y down: ccw as seen
        return np.asarray(local, np.float64) @ rot.T + np.asarray(self.center_mm)

    def corners_mm(self) -> np.ndarray:
        """4x2 corners clockwise from the note's own top-left."""
        w, h = self.size_mm / 2, self.tall_mm / 2
        return self.to_board(np.array([[-w, -h], [w, -h], [w, h], [-w, h]]))


@dataclass(frozen=True)
class TapeDeco:
    center_mm: tuple[float, float]
    angle_deg: float
    length_mm: float
    width_mm: float
    rgb: tuple[float, float, float]
    opacity: float


@dataclass
class BoardDeco:
    board: str
    paper: tuple[float, float, float]  # multiplier of the printed white
    dots: list[DotDeco] = field(default_factory=list)
    notes: list[NoteDeco] = field(default_factory=list)  # in stacking order, last on top
    tapes: list[TapeDeco] = field(default_factory=list)
    waviness_seed: int = 0


# --- choosing the decorations --------------------------------------------------------------


def _sticker_counts(rng: np.random.Generator) -> int:
    """Realistic per-zone counts: some zones empty, most a handful, a few crowded (max 40)."""
    if rng.random() < 0.15:
        return 0
    return int(min(40, rng.gamma(1.6, 6.0)))


def _place_dots(
    zone: ZoneSpec,
    board: BoardLayout,
    n: int,
    kit: KitLayout,
    level: SynthLevel,
    sheets: dict[str, list[np.ndarray]],
    rng: np.random.Generator,
) -> list[DotDeco]:
    zx, zy, zw, zh = zone.rect_mm
    d0 = kit.sticker_diameter_mm
    declared = kit.sticker_colors
    extra = palette.undeclared_colors(declared)
    weights = rng.dirichlet(np.ones(len(declared)) * 0.8)
    clusters = [
        (rng.uniform(zx + d0, zx + zw - d0), rng.uniform(zy + d0, zy + zh - d0), rng.uniform(6, 25))
        for _ in range(rng.integers(1, 4))
    ]
    placed: list[DotDeco] = []
    # one pack of stickers per zone: matte paper dots or glossy vinyl ones
    gloss = float(rng.uniform(0.02, 0.08) if rng.random() < 0.35 else rng.uniform(0.15, 0.5))
    for _ in range(n * 40):
        if len(placed) >= n:
            break
        d = d0 * rng.uniform(0.95, 1.05)
        r = d / 2
        touching = False
        if placed and rng.random() < level.sticker_touch_p:
            # People stick dots right next to others: touching, sometimes overlapping by ~30 %.
            other = placed[rng.integers(len(placed))]
            angle = rng.uniform(0, 2 * math.pi)
            gap = (d + other.diameter_mm) / 2 * rng.uniform(0.72, 1.03)
            x = other.center_mm[0] + gap * math.cos(angle)
            y = other.center_mm[1] + gap * math.sin(angle)
            touching = True
        elif rng.random() < 0.55:
            cx, cy, spread = clusters[rng.integers(len(clusters))]
            x, y = rng.normal(cx, spread), rng.normal(cy, spread)
        else:
            x, y = rng.uniform(zx + r, zx + zw - r), rng.uniform(zy + r, zy + zh - r)
        on_edge = rng.random() < 0.04  # a sticker straddling the zone outline
        inset = -r * 0.4 if on_edge else r + 0.5
        if not (zx + inset <= x <= zx + zw - inset and zy + inset <= y <= zy + zh - inset):
            continue
        if not zone.contains(x, y):
            continue
        min_gap = d * (0.7 if touching or rng.random() < 0.2 else 1.0)  # at most ~30 % overlap
        if any(math.hypot(x - p.center_mm[0], y - p.center_mm[1]) < min_gap for p in placed):
            continue
        if extra and rng.random() < level.unknown_sticker_p:
            paint, truth = extra[rng.integers(len(extra))], "unknown"
            rgb = palette.sticker_shade(paint, rng)
        else:
            paint = truth = declared[rng.choice(len(declared), p=weights)]
            sheet = sheets[paint]
            rgb = sheet[rng.integers(len(sheet))]
        placed.append(
            DotDeco(
                board.id,
                zone.id,
                (float(x), float(y)),
                float(d),
                truth,
                paint,
                tuple(float(v) for v in rgb),
                gloss=gloss,
                lift_dir=float(rng.uniform(0, 2 * math.pi)) if rng.random() < 0.06 else None,
            )
        )
    return placed


def _stray_dot(
    board: BoardLayout,
    kit: KitLayout,
    sheets: dict[str, list[np.ndarray]],
    rng: np.random.Generator,
) -> DotDeco | None:
    """A sticker stuck outside every zone (in the gap or under the quote): not a vote."""
    w, h = board.size_mm
    for _ in range(50):
        x, y = rng.uniform(80, w - 80), rng.uniform(70, h - 60)
        r = kit.sticker_diameter_mm / 2
        if all(board.zone_at(x + dx, y + dy) is None for dx in (-r, r) for dy in (-r, r)):
            paint = kit.sticker_colors[rng.integers(len(kit.sticker_colors))]
            rgb = sheets[paint][0]
            return DotDeco(
                board.id,
                None,
                (float(x), float(y)),
                kit.sticker_diameter_mm,
                paint,
                paint,
                tuple(float(v) for v in rgb),
            )
    return None


def _note_count(board: BoardLayout, zone: ZoneSpec, rng: np.random.Generator) -> int:
    if zone.kind == "grid":
        return int(rng.integers(6, 11))
    return int(rng.choice(11, p=_NOTE_COUNT_P))


_NOTE_COUNT_P = np.array([8, 8, 10, 12, 12, 11, 10, 9, 8, 6, 6], float) / 100


def _phrases(board: BoardLayout, zone: ZoneSpec) -> tuple[str, ...]:
    if zone.kind == "grid":
        return ACTION_PHRASES
    return VALUE_PHRASES if board.kind == "story" else PROCESS_PHRASES


def _place_notes(
    board: BoardLayout, kit: KitLayout, level: SynthLevel, rng: np.random.Generator
) -> list[NoteDeco]:
    s = kit.note_size_mm
    w, h = board.size_mm
    notes: list[NoteDeco] = []
    used: set[str] = set()
    colors = kit.note_colors
    for zone in board.zones:
        if zone.kind not in ("notes", "grid"):
            continue
        zx, zy, zw, zh = zone.rect_mm
        n = _note_count(board, zone, rng)
        phrases = list(_phrases(board, zone))
        order = rng.permutation(len(phrases))
        zone_colors = rng.dirichlet(np.ones(len(colors)) * 0.7)
        top = zy + (0 if zone.kind == "grid" else 18.0)  # leave the zone label mostly readable
        placed = 0
        for _ in range(n * 60):
            if placed >= n:
                break
            if rng.random() < level.overflow_p:  # across the zone edge, or the board edge
                x = rng.uniform(zx - s * 0.45, zx + zw + s * 0.45)
                y = rng.uniform(top, zy + zh + s * 0.45)
            else:
                x = rng.uniform(zx + s * 0.55, zx + zw - s * 0.55)
                y = rng.uniform(top + s * 0.5, zy + zh - s * 0.55)
            if not (s * 0.2 < x < w - s * 0.2 and s * 0.2 < y < h - s * 0.2):
                continue
            # mostly apart; sometimes one corner over another note's corner (<= ~28 % each way)
            overlap_ok = rng.random() < level.note_overlap_p
            stacked = None
            zone_notes = [o for o in notes if o.zone == zone.id]
            if zone_notes and rng.random() < level.note_stack_p:
                # stuck below another one and over its lower part (often over its writing)
                stacked = zone_notes[rng.integers(len(zone_notes))]
                x = stacked.center_mm[0] + rng.normal(0, 0.12 * s)
                y = stacked.center_mm[1] + s * rng.uniform(0.5, 0.75)
                if not (zx - s * 0.45 < x < zx + zw + s * 0.45 and y < zy + zh + s * 0.45):
                    continue
                if not (s * 0.2 < x < w - s * 0.2 and s * 0.2 < y < h - s * 0.2):
                    continue
            clash = False
            for o in notes:
                if o is stacked:
                    continue
                dx, dy = abs(x - o.center_mm[0]), abs(y - o.center_mm[1])
                apart = max(dx, dy) >= 1.12 * s
                corner = overlap_ok and min(dx, dy) >= 0.72 * s
                clash = clash or not (apart or corner)
            if clash:
                continue
            if _covers_marker(board, x, y, s):
                continue
            fresh = [phrases[k] for k in order if phrases[k] not in used]  # no repeats on a board
            phrase = fresh[0] if fresh else phrases[order[placed % len(order)]]
            used.add(phrase)
            color = colors[rng.choice(len(colors), p=zone_colors)]
            owner = board.zone_at(x, y)
            notes.append(
                NoteDeco(
                    id=f"{board.id}-n{len(notes) + 1:02d}",
                    board=board.id,
                    zone=owner.id if owner else None,
                    center_mm=(float(x), float(y)),
                    size_mm=s,
                    angle_deg=float(
                        rng.uniform(-20, 20)
                        if rng.random() < level.note_spin_p
                        else np.clip(rng.normal(0, 4.5), -12, 12)
                    ),
                    color=color,
                    rgb=tuple(float(v) for v in palette.note_shade(color, rng)),
                    writing=pick_handwriting(phrase, rng),
                    curl=(curl := float(rng.uniform(0, 1))),
                    lift_mm=float(level.note_lift_mm * curl**1.5),
                    lift_corner=float(rng.uniform(0, 0.6)),
                    hinge=float(rng.uniform(0.22, 0.38)),
                )
            )
            placed += 1
    return notes


def _covers_marker(board: BoardLayout, x: float, y: float, s: float) -> bool:
    """Participants do not stick notes over the printed markers (keeps boards registrable)."""
    r = s * 0.62 + 3
    for m in board.markers:
        (x0, y0), (x1, _), (_, y1), _ = m.corners_mm
        if x0 - r < x < x1 + r and y0 - r < y < y1 + r:
            return True
    qx, qy, qs, _ = board.qr_rect_mm
    return qx - r < x < qx + qs + r and qy - r < y < qy + qs + r


def _tapes(board: BoardLayout, rng: np.random.Generator) -> list[TapeDeco]:
    """Tape pieces across the corners, kept inside the 15 mm margin around the markers."""
    w, h = board.size_mm
    masking = rng.random() < 0.6
    rgb = (226, 212, 170) if masking else (236, 238, 236)
    opacity = float(rng.uniform(0.8, 0.92) if masking else rng.uniform(0.25, 0.4))
    tapes = []
    corners = [(0, 0, 1, 1), (w, 0, -1, 1), (w, h, -1, -1), (0, h, 1, -1)]
    for cx, cy, sx, sy in corners:
        if rng.random() < 0.1:
            continue  # that corner was not taped
        style = rng.random()
        length = float(rng.uniform(28, 40))
        if style < 0.6:  # diagonal across the corner
            angle = math.degrees(math.atan2(sy, sx)) * -1 + rng.normal(0, 8)
            cxm, cym = cx - sx * 3, cy - sy * 3
        elif style < 0.8:  # along the top/bottom edge
            angle, cxm, cym = rng.normal(0, 5), cx + sx * 4, cy - sy * rng.uniform(0, 3)
        else:  # along the side edge
            angle, cxm, cym = 90 + rng.normal(0, 5), cx - sx * rng.uniform(0, 3), cy + sy * 4
        tapes.append(
            TapeDeco(
                (float(cxm), float(cym)),
                float(angle),
                length,
                float(rng.uniform(18, 25) if masking else 19.0),
                rgb,
                opacity,
            )
        )
    return tapes


def _calibration_items(
    board: BoardLayout,
    kit: KitLayout,
    sheets: dict[str, list[np.ndarray]],
    rng: np.random.Generator,
) -> tuple[list[DotDeco], list[NoteDeco]]:
    """One sticker and one blank note of each declared colour on their spots of the card."""
    dots, notes = [], []
    for kind, color, (x, y, w, h) in board.swatches:
        cx, cy = x + w / 2 + rng.normal(0, 1.0), y + h / 2 + rng.normal(0, 1.0)
        if kind == "sticker":
            dots.append(
                DotDeco(
                    board.id,
                    None,
                    (float(cx), float(cy)),
                    kit.sticker_diameter_mm,
                    color,
                    color,
                    tuple(float(v) for v in sheets[color][0]),
                    calibration=True,
                )
            )
        elif kind == "note":
            notes.append(
                NoteDeco(
                    f"{board.id}-{color}",
                    board.id,
                    None,
                    (float(cx), float(cy)),
                    kit.note_size_mm,
                    float(rng.normal(0, 2)),
                    color,
                    tuple(float(v) for v in palette.note_shade(color, rng)),
                    None,
                    float(rng.uniform(0, 0.5)),
                    calibration=True,
                )
            )
    return dots, notes


def sticker_sheets(kit: KitLayout, rng: np.random.Generator) -> dict[str, list[np.ndarray]]:
    """Two sheets per declared colour, slightly different shades (set-wide)."""
    return {c: [palette.sticker_shade(c, rng) for _ in range(2)] for c in kit.sticker_colors}


def decorate_board(
    board: BoardLayout,
    kit: KitLayout,
    level: SynthLevel,
    sheets: dict[str, list[np.ndarray]],
    rng: np.random.Generator,
) -> BoardDeco:
    """Choose everything stuck on one board (board mm)."""
    paper = tuple(float(v) for v in 1 - np.abs(rng.normal(0, [0.012, 0.015, 0.03])))
    deco = BoardDeco(
        board.id, paper, tapes=_tapes(board, rng), waviness_seed=int(rng.integers(2**31))
    )
    if board.kind == "verbatim":
        for zone in board.zones:
            deco.dots += _place_dots(zone, board, _sticker_counts(rng), kit, level, sheets, rng)
        if rng.random() < 0.05:
            stray = _stray_dot(board, kit, sheets, rng)
            if stray is not None:
                deco.dots.append(stray)
    elif board.kind == "calibration":
        deco.dots, deco.notes = _calibration_items(board, kit, sheets, rng)
    else:
        deco.notes = _place_notes(board, kit, level, rng)
    return deco


# --- drawing ---------------------------------------------------------------------------------


class Canvas:
    """Premultiplied RGBA float32 raster of a board region; px = (mm - origin) * ppm."""

    def __init__(
        self, origin_mm: tuple[float, float], size_px: tuple[int, int], ppm: float
    ) -> None:
        self.origin = origin_mm
        self.ppm = ppm
        w, h = size_px
        self.rgba = np.zeros((h, w, 4), np.float32)  # rgb premultiplied by alpha; transparent
        self.rgb = self.rgba[..., :3]
        self.alpha = self.rgba[..., 3]

    def px(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        return (x_mm - self.origin[0]) * self.ppm, (y_mm - self.origin[1]) * self.ppm

    def over(self, rgb: np.ndarray | tuple, alpha: np.ndarray, x: int, y: int) -> None:
        """Composite a straight-alpha patch (rgb array or constant colour), top-left at (x, y)."""
        h, w = alpha.shape
        H, W = self.alpha.shape
        x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None]
        if isinstance(rgb, np.ndarray):
            col = rgb[y0 - y : y1 - y, x0 - x : x1 - x]
        else:
            col = np.asarray(rgb, np.float32)
        self.rgb[y0:y1, x0:x1] = col * a + self.rgb[y0:y1, x0:x1] * (1 - a)
        self.alpha[y0:y1, x0:x1] = a[..., 0] + self.alpha[y0:y1, x0:x1] * (1 - a[..., 0])


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7), vectorised."""
    t = 1 / (1 + 0.3275911 * np.abs(x))
    y = 1 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-x * x)
    return np.sign(x) * y


def _disc(radius_px: float, size: int, cx: float, cy: float) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    dist = np.hypot(xs - cx, ys - cy)
    return np.clip(radius_px - dist + 0.5, 0, 1)


def _draw_dot(
    cv: Canvas, dot: DotDeco, light: tuple[float, float], rng: np.random.Generator
) -> None:
    ppm = cv.ppm
    r = dot.diameter_mm / 2 * ppm
    size = int(2 * r + 6 * ppm * 0.5 + 6)
    cx_px, cy_px = cv.px(*dot.center_mm)
    x0, y0 = math.floor(cx_px - size / 2), math.floor(cy_px - size / 2)
    lx, ly = cx_px - x0 - 0.5, cy_px - y0 - 0.5  # pixel centres sit at +0.5 in canvas space
    # faint contact shadow, opposite the light
    sh = _disc(r, size, lx - light[0] * 0.35 * ppm, ly - light[1] * 0.35 * ppm)
    sh = cv2.GaussianBlur(sh, (0, 0), max(0.5, 0.35 * ppm)) * 0.35
    if dot.lift_dir is not None:  # a peeled edge casts a crescent on its side
        ex, ey = math.cos(dot.lift_dir), math.sin(dot.lift_dir)
        cres = _disc(r, size, lx + ex * 0.9 * ppm, ly + ey * 0.9 * ppm)
        cres = cv2.GaussianBlur(cres, (0, 0), max(0.6, 0.6 * ppm)) * 0.45
        sh = np.maximum(sh, cres)
    cv.over((0.0, 0.0, 0.0), sh, x0, y0)
    disc = _disc(r, size, lx, ly)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    u, v = (xs - lx) / max(r, 1), (ys - ly) / max(r, 1)
    base = np.asarray(dot.rgb, np.float32) / 255
    # flat vinyl with a sheen: a faint gradient and a soft highlight towards the light
    shade = 1 - 0.03 * (u * -light[0] + v * -light[1])
    rgb = base[None, None] * shade[..., None]
    hx, hy = light[0] * 0.35, light[1] * 0.35
    spread = 1.6 if dot.gloss < 0.1 else 1.0  # matte: a broad, faint sheen
    hl = np.exp(-(((u - hx) ** 2) / (0.12 * spread) + ((v - hy) ** 2) / (0.05 * spread)))
    hl *= dot.gloss * rng.uniform(0.6, 1.2)
    if dot.lift_dir is not None:  # the peeled rim faces the light: a thin bright edge
        side = np.clip(u * math.cos(dot.lift_dir) + v * math.sin(dot.lift_dir) - 0.6, 0, 0.4)
        hl = hl + side * 0.5
    rgb = rgb + (1 - rgb) * np.clip(hl, 0, 1)[..., None]
    rim = np.clip(1 - np.abs(np.hypot(u, v) - 0.97) / 0.06, 0, 1) * 0.08
    rgb = rgb * (1 - rim[..., None])
    cv.over(np.clip(rgb, 0, 1), disc, x0, y0)


def note_raster(note: NoteDeco, ppm: float, light: tuple[float, float]) -> np.ndarray:
    """The upright note (RGB float32 0-1, its width x height) with its shading and handwriting
    (laid out in the square of its shorter side, centred)."""
    n = max(8, round(note.size_mm * ppm))
    m_rows = n if not note.height_mm else max(8, round(note.tall_mm * ppm))
    base = np.asarray(note.rgb, np.float32) / 255
    v = (np.arange(m_rows, dtype=np.float32) + 0.5) / m_rows
    # adhesive strip at the top lies flat; the lower part lifts, turns away from the ceiling
    # light and darkens with its slope (the drawn lift when there is one, else a hint of it)
    if note.lift_mm > 0:
        b = (v - 0.5) * note.tall_mm
        slope = np.gradient(note.lift_at(np.zeros_like(b), b), b)
        lift = np.clip(slope, 0, 1) * (0.25 + 0.1 * note.lift_corner)
    else:
        lift = np.clip((v - 0.3) / 0.7, 0, 1) ** 2 * note.curl * 0.13
    grad = 1 - lift - 0.03 * light[1] * (v - 0.5)
    img = np.broadcast_to(base, (m_rows, n, 3)) * grad[:, None, None]
    img = np.ascontiguousarray(img, dtype=np.float32)
    edge = max(1, int(0.5 * ppm))
    img[:, :edge] *= 0.96
    img[:, -edge:] *= 0.94
    img[-edge:] *= 0.92
    if note.writing is not None:
        k = min(n, m_rows)
        m = np.zeros((m_rows, n), np.float32)
        y, x = (m_rows - k) // 2, (n - k) // 2
        m[y : y + k, x : x + k] = text_mask(note.writing, k, ppm)
        ink = np.asarray(note.writing.ink, np.float32) / 255
        img = img * (1 - m[..., None] * 0.94) + ink * (m[..., None] * 0.94)
    return img


def _note_source(
    note: NoteDeco, qx: np.ndarray, qy: np.ndarray, viewer: tuple[float, float, float] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Note-local (a, b) mm of the paper point that the photo shows at board mm (qx, qy).

    A point lifted z mm off the wall is seen where the ray from the camera through it meets
    the wall: displaced by z / (D - z) * (P - F) from its foot point P, with F the camera's
    foot on the wall (board mm) and D its distance. That mapping is exact for a pinhole
    camera, so drawing the note at its apparent position on the board canvas, which the board
    homography then warps, gives the same image as projecting the curved sheet. The inverse is
    found by fixed-point iteration: the displacement varies slowly (contraction < 0.5).
    """
    cx, cy = note.center_mm
    t = math.radians(note.angle_deg)
    c, s = math.cos(t), math.sin(t)
    # local -> board: rot = [[c, s], [-s, c]] (see corners_mm); board -> local is its transpose
    ex, ey = qx - cx, qy - cy
    a, b = c * ex - s * ey, s * ex + c * ey
    if note.lift_mm <= 0:
        return a, b
    dx = np.zeros_like(qx)
    dy = np.zeros_like(qy)
    for _ in range(6):
        fb = b - note.sag_mm(b)  # foot point, note-local
        px, py = cx + c * a + s * fb, cy - s * a + c * fb
        z = note.lift_at(a, b)
        if viewer is not None:
            fx, fy, dist = viewer
            k = z / np.maximum(dist - z, 1.0)
            dx, dy = k * (px - fx), k * (py - fy)
        ex, ey = qx - dx - cx, qy - dy - cy
        a, fb = c * ex - s * ey, s * ex + c * ey
        b = fb + note.sag_mm(b)
    return a, b


def _draw_note(
    cv: Canvas,
    note: NoteDeco,
    light: tuple[float, float],
    viewer: tuple[float, float, float] | None = None,
) -> None:
    """A (possibly curled) note, drawn where the camera sees it, over its shadow on the wall."""
    ppm = cv.ppm
    img = note_raster(note, ppm, light)
    n = max(img.shape[:2])
    cx, cy = cv.px(*note.center_mm)
    reach = note.lift_mm * (1.5 if viewer is None else 1 + 2 * note.lift_mm / 50)
    diag = int(n * 1.5) + int((8 + 2 * reach) * ppm)
    x0, y0 = int(cx - diag / 2), int(cy - diag / 2)
    # inverse map on a coarse grid (it is smooth), upsampled to the patch
    step = 4
    cells = -(-diag // step)
    g = (np.arange(cells, dtype=np.float32) + 0.5) * step - 0.5  # cell centres (see resize)
    gx, gy = np.meshgrid(g, g)
    qx = (x0 + gx + 0.5) / ppm + cv.origin[0]
    qy = (y0 + gy + 0.5) / ppm + cv.origin[1]
    a, b = _note_source(note, qx, qy, viewer)
    half, half_b = note.size_mm / 2, note.tall_mm / 2
    mx = ((a + half) * ppm - 0.5).astype(np.float32)
    my = ((b + half_b) * ppm - 0.5).astype(np.float32)
    # linear upsampling maps cell centres to pixel centres exactly; only the patch border
    # (transparent: the note sits well inside) sees the clamped extrapolation
    full = cells * step
    mx = cv2.resize(mx, (full, full), interpolation=cv2.INTER_LINEAR)[:diag, :diag]
    my = cv2.resize(my, (full, full), interpolation=cv2.INTER_LINEAR)[:diag, :diag]
    rgba = cv2.remap(
        np.dstack([img, np.ones(img.shape[:2], np.float32)]),
        mx,
        my,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )  # black border: rgb comes out premultiplied
    alpha = np.ascontiguousarray(rgba[..., 3])
    # shadow of the sheet on the wall: its flat footprint, darker and softer under the
    # lifted part; where the lifted edge is seen away from the wall, the gap shows it
    foot = np.zeros((diag, diag), np.float32)
    corners = (note.corners_mm() - np.array(cv.origin)) * ppm - np.array([x0, y0]) - 0.5
    cv2.fillConvexPoly(foot, np.round(corners * 16).astype(np.int32), 1.0, cv2.LINE_AA, shift=4)
    off = (1.0 + 2.0 * note.curl + 0.4 * note.lift_mm) * ppm
    sdx, sdy = round(-light[0] * off), round(-light[1] * off + 0.5 * off)
    blur = max(0.8, (1.2 + 1.5 * note.curl + 0.3 * note.lift_mm) * ppm)
    sh = cv2.GaussianBlur(foot, (0, 0), blur) * (0.4 + 0.015 * min(note.lift_mm, 14))
    cv.over((0.0, 0.0, 0.0), sh, x0 + sdx, y0 + sdy)
    straight = rgba[..., :3] / np.maximum(alpha, 1e-6)[..., None]
    cv.over(straight, alpha, x0, y0)


def _draw_tape(cv: Canvas, tape: TapeDeco) -> None:
    ppm = cv.ppm
    L, W = tape.length_mm * ppm, tape.width_mm * ppm
    size = int(math.hypot(L, W)) + 4
    cx, cy = cv.px(*tape.center_mm)
    x0, y0 = int(cx - size / 2), int(cy - size / 2)
    pts = cv2.boxPoints(((cx - x0, cy - y0), (L, W), -tape.angle_deg))
    mask = np.zeros((size, size), np.uint8)
    cv2.fillConvexPoly(mask, np.round(pts * 16).astype(np.int32), 255, cv2.LINE_AA, shift=4)
    a = mask.astype(np.float32) / 255 * tape.opacity
    cv.over(tuple(v / 255 for v in tape.rgb), a, x0, y0)


def _draw_seams(cv: Canvas, board: BoardLayout, deco: BoardDeco) -> None:
    """Boards larger than A3 are assembled from printed sheets (the kit's own tiling): each
    sheet is a slightly different white, and the edge of a sheet glued over its neighbour
    casts a hairline shadow. The printed content stays exactly where the layout says."""
    tiles = plan_board(board, "A3").tiles
    if len(tiles) < 2:
        return
    trng = np.random.default_rng(deco.waviness_seed + 1)
    h_px, w_px = cv.alpha.shape
    for tile in tiles:  # row-major: later sheets lie over earlier ones
        x, y, tw, th = tile.board_rect_mm
        x0, y0 = cv.px(x, y)
        x1, y1 = cv.px(x + tw, y + th)
        ix0, iy0 = max(0, round(x0)), max(0, round(y0))
        ix1, iy1 = min(w_px, round(x1)), min(h_px, round(y1))
        if ix1 <= ix0 or iy1 <= iy0:
            continue
        cv.rgb[iy0:iy1, ix0:ix1] *= np.float32(1 + trng.normal(0, 0.012))
        line = max(1, round(0.35 * cv.ppm))
        if tile.col > 0 and 0 <= round(x0) < w_px:
            cv.rgb[iy0:iy1, round(x0) : min(w_px, round(x0) + line)] *= np.float32(0.86)
        if tile.row > 0 and 0 <= round(y0) < h_px:
            cv.rgb[round(y0) : min(h_px, round(y0) + line), ix0:ix1] *= np.float32(0.86)


def draw_board(
    board: BoardLayout,
    deco: BoardDeco,
    ppm: float,
    region_mm: tuple[float, float, float, float],
    light: tuple[float, float],
    dictionary: str,
    rng: np.random.Generator,
    viewer: tuple[float, float, float] | None = None,
) -> Canvas:
    """Board, shadow, paper tint, stickers, notes and tape over region_mm = (x0, y0, x1, y1).

    viewer = (x, y, distance): the camera's foot on the wall in this board's mm and its
    distance from the wall, so that curled notes are drawn as that camera sees them."""
    x0, y0, x1, y1 = region_mm
    x0, y0 = math.floor(x0 * ppm) / ppm, math.floor(y0 * ppm) / ppm  # board pixels land on the grid
    w_px, h_px = max(1, math.ceil((x1 - x0) * ppm)), max(1, math.ceil((y1 - y0) * ppm))
    cv = Canvas((x0, y0), (w_px, h_px), ppm)
    printed = render_board(board, ppm, dictionary)
    bh, bw = printed.shape[:2]
    px, py = round(-x0 * ppm), round(-y0 * ppm)
    # contact shadow of the paper on the wall: a blurred rectangle is separable (erf profiles)
    sig = max(0.7, 1.2 * ppm)
    ox, oy = -light[0] * 0.8 * ppm, -light[1] * 0.8 * ppm
    us = np.arange(w_px, dtype=np.float32) - px - ox
    vs = np.arange(h_px, dtype=np.float32) - py - oy
    prof_x = 0.5 * (_erf(us / (sig * 1.414)) - _erf((us - bw) / (sig * 1.414)))
    prof_y = 0.5 * (_erf(vs / (sig * 1.414)) - _erf((vs - bh) / (sig * 1.414)))
    cv.alpha[:] = np.outer(prof_y, prof_x) * 0.2  # paper lies almost flat: a faint contact shadow
    # paper: tint and gentle waviness (not perfectly flat, not perfectly white)
    sx0, sy0, sx1, sy1 = max(0, px), max(0, py), min(w_px, px + bw), min(h_px, py + bh)
    if sx1 > sx0 and sy1 > sy0:
        wrng = np.random.default_rng(deco.waviness_seed)
        wave = cv2.resize(
            wrng.normal(0, 0.018, (5, 7)).astype(np.float32),
            (bw, bh),
            interpolation=cv2.INTER_CUBIC,
        )[sy0 - py : sy1 - py, sx0 - px : sx1 - px]
        # toner on paper is never pure black: ink reflects ~6 % (0 -> 0.06 of the paper white)
        tint = np.asarray(deco.paper, np.float32) * (0.94 / 255)
        crop = printed[sy0 - py : sy1 - py, sx0 - px : sx1 - px].astype(np.float32)
        crop *= tint
        crop += np.asarray(deco.paper, np.float32) * 0.06
        cv.rgb[sy0:sy1, sx0:sx1] = crop * (1 + wave[..., None])
        cv.alpha[sy0:sy1, sx0:sx1] = 1
    _draw_seams(cv, board, deco)
    for dot in deco.dots:
        _draw_dot(cv, dot, light, rng)
    for note in deco.notes:
        _draw_note(cv, note, light, viewer)
    for tape in deco.tapes:
        _draw_tape(cv, tape)
    return cv


def draw_poster(poster: Poster, ppm: float, light: tuple[float, float]) -> Canvas:
    """A printed notice (title, a few lines, maybe a QR code) with its contact shadow."""
    w, h = poster.size_mm
    pad = 8.0
    cv = Canvas((-pad, -pad), (int((w + 2 * pad) * ppm), int((h + 2 * pad) * ppm)), ppm)
    pw, ph = round(w * ppm), round(h * ppm)
    im = Image.new("L", (pw, ph), 246)
    draw = ImageDraw.Draw(im)
    margin = 18 * ppm
    title = print_font(True, max(6, int(14 * ppm)))
    draw.text((margin, margin), poster.title, font=title, fill=30)
    body = print_font(False, max(5, int(7 * ppm)))
    y = margin + 30 * ppm
    for line in poster.lines:
        draw.text((margin, y), line, font=body, fill=70)
        y += 12 * ppm
    arr = np.asarray(im, np.float32) / 255
    if poster.qr is not None:
        side = round(min(60.0, w * 0.35) * ppm)
        q = qr_image(poster.qr, side).astype(np.float32) / 255
        qx, qy = pw - side - round(margin), ph - side - round(margin)
        arr = arr.copy()
        arr[qy : qy + side, qx : qx + side] = np.minimum(arr[qy : qy + side, qx : qx + side], q)
    px = round(pad * ppm)
    sh = np.zeros((ph + 2 * px, pw + 2 * px), np.float32)
    sh[px : px + ph, px : px + pw] = 1
    sh = cv2.GaussianBlur(sh, (0, 0), max(0.7, 1.2 * ppm)) * 0.15
    cv.over((0.0, 0.0, 0.0), sh, -round(light[0] * 0.8 * ppm), -round(light[1] * 0.8 * ppm))
    cv.over(np.repeat(arr[..., None], 3, axis=2), np.ones_like(arr), px, px)
    return cv
