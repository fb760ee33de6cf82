"""Test scenes for the detection core: rendered boards decorated with stickers and notes at known
positions, placed on a wall and photographed through a known perspective, then degraded.

Deliberately independent of capture.synth (the sample generator): a second, simpler renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from capture.core.model import BoardLayout, KitLayout
from capture.core.workshop import load_workshop
from capture.kit.layout import layout_workshop

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "samples" / "residence-achats-durables" / "workshop.yaml"

STICKER_RGB = {
    "red": (214, 38, 49),
    "green": (36, 158, 82),
    "blue": (28, 92, 190),
    "yellow": (250, 212, 28),
    "purple": (118, 62, 160),
}
NOTE_RGB = {
    "yellow": (255, 238, 110),
    "pink": (255, 128, 178),
    "orange": (255, 168, 72),
    "green": (168, 228, 128),
    "blue": (118, 198, 238),
}


@lru_cache(maxsize=1)
def sample_kit() -> KitLayout:
    return layout_workshop(load_workshop(WORKSHOP))


@dataclass
class Sticker:
    board: str
    center_mm: tuple[float, float]
    color: str


@dataclass
class StickyNote:
    board: str
    center_mm: tuple[float, float]
    angle_deg: float
    color: str
    size_mm: float | None = None  # None: the scene's note size (real packs: 51, 76, 102 mm)
    rgb: tuple[int, int, int] | None = None  # None: the colour's usual paper (NOTE_RGB)


@dataclass
class Scene:
    photo: np.ndarray
    homographies: dict[str, np.ndarray]  # board mm -> photo px
    stickers: list[Sticker] = field(default_factory=list)
    notes: list[StickyNote] = field(default_factory=list)


def _jitter(rgb: tuple[int, int, int], rng: np.random.Generator, amount: float = 10) -> tuple:
    return tuple(int(np.clip(v + rng.normal(0, amount), 0, 255)) for v in rgb)


def decorate(
    img: np.ndarray,
    board: BoardLayout,
    ppm: float,
    stickers: list[Sticker],
    notes: list[StickyNote],
    rng: np.random.Generator,
    diameter_mm: float = 12.0,
    note_mm: float = 76.0,
    pad_mm: float = 0.0,
    palette: dict[str, tuple[int, int, int]] | None = None,
) -> np.ndarray:
    """Draw notes (with a soft shadow and scribbled text) then stickers (with a highlight).

    palette overrides the sticker colours (supplies of another brand).
    With pad_mm > 0 the board is padded by that much and an RGBA image is returned whose alpha
    is 0 around the board except under notes overflowing its edge.
    """
    p = round(pad_mm * ppm)
    out = cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_CONSTANT, value=(0, 0, 0)).astype(
        np.float32
    )
    alpha = np.zeros(out.shape[:2], np.float32)
    alpha[p : p + img.shape[0], p : p + img.shape[1]] = 1.0
    hh, ww = out.shape[:2]

    def window(cx: float, cy: float, radius: float) -> tuple[slice, slice, np.ndarray]:
        """A local window (slices and its px origin) around a point: draw there, not everywhere."""
        x0, y0 = max(0, int(cx - radius)), max(0, int(cy - radius))
        x1, y1 = min(ww, int(cx + radius) + 1), min(hh, int(cy + radius) + 1)
        return slice(y0, y1), slice(x0, x1), np.array([x0, y0], np.float32)

    for n in notes:
        cx, cy = n.center_mm[0] + pad_mm, n.center_mm[1] + pad_mm
        half = (n.size_mm or note_mm) / 2
        a = np.deg2rad(n.angle_deg)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        sq = np.array([(-half, -half), (half, -half), (half, half), (-half, half)]) @ rot.T
        ys, xs, org = window(cx * ppm, cy * ppm, half * 1.6 * ppm)
        o, al = out[ys, xs], alpha[ys, xs]
        poly = ((sq + np.array([cx, cy])) * ppm).astype(np.float32) - org
        shadow = np.zeros(o.shape[:2], np.float32)
        cv2.fillConvexPoly(shadow, (poly + 1.5 * ppm).astype(np.int32), 1.0, cv2.LINE_AA)
        shadow = cv2.GaussianBlur(shadow, (0, 0), 1.5 * ppm)
        o *= (1 - 0.25 * shadow)[..., None]
        col = np.array(_jitter(n.rgb or NOTE_RGB[n.color], rng, 6), np.float32)
        mask = np.zeros(o.shape[:2], np.float32)
        cv2.fillConvexPoly(mask, poly.astype(np.int32), 1.0, cv2.LINE_AA)
        o[:] = o * (1 - mask[..., None]) + col * mask[..., None]
        al[:] = np.maximum(al, mask)
        ink = np.zeros(o.shape[:2], np.uint8)
        for k in range(3):  # three scribbled lines of "handwriting"
            y = -half * 0.5 + k * half * 0.45
            lx = np.linspace(-half * 0.7, half * 0.6, 30)
            ly = y + rng.normal(0, 1.5, lx.size)
            pts = ((np.stack([lx, ly], 1) @ rot.T + (cx, cy)) * ppm - org).astype(np.int32)
            cv2.polylines(ink, [pts], False, 255, max(1, int(0.8 * ppm)), cv2.LINE_AA)
        inkf = (ink / 255.0)[..., None]
        o[:] = o * (1 - inkf) + np.array([30, 30, 60], np.float32) * inkf
    r = diameter_mm / 2 * ppm
    for st in stickers:
        cx, cy = ((v + pad_mm) * ppm for v in st.center_mm)
        ys, xs, org = window(cx, cy, r * 1.5)
        o = out[ys, xs]
        lx, ly = cx - org[0], cy - org[1]
        col = np.array(_jitter((palette or STICKER_RGB)[st.color], rng, 8), np.float32)
        mask = np.zeros(o.shape[:2], np.float32)
        cv2.circle(mask, (round(lx * 16), round(ly * 16)), round(r * 16), 1.0, -1, cv2.LINE_AA, 4)
        o[:] = o * (1 - mask[..., None]) + col * mask[..., None]
        hl = np.zeros(o.shape[:2], np.float32)  # glossy highlight
        cv2.circle(hl, (int(lx - r * 0.35), int(ly - r * 0.35)), max(1, int(r * 0.22)), 1.0, -1)
        hl = cv2.GaussianBlur(hl, (0, 0), max(0.5, r * 0.1)) * mask
        o[:] = o * (1 - 0.8 * hl[..., None]) + 255 * 0.8 * hl[..., None]
    rgb = np.clip(out, 0, 255).astype(np.uint8)
    if p == 0:
        return rgb
    return np.dstack([rgb, (alpha * 255).astype(np.uint8)])


def camera(
    wall_w: float,
    wall_h: float,
    out_w: int,
    out_h: int,
    tilt_deg: float,
    roll_deg: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Homography wall mm -> photo px: the wall seen turned by tilt_deg about a vertical axis."""
    f = out_w * 0.9
    t = np.deg2rad(tilt_deg)
    r = np.deg2rad(roll_deg)
    ry = np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    rot = rz @ ry
    dist = max(wall_w, wall_h) * 1.15
    k = np.array([[f, 0, out_w / 2], [0, f, out_h / 2], [0, 0, 1]])
    # wall point (x, y, 0), centred on the wall, in front of the camera at `dist`
    tvec = np.array([0, 0, dist]) + rng.normal(0, dist * 0.01, 3)
    m = k @ np.column_stack([rot[:, 0], rot[:, 1], tvec])
    centre = np.array([[1, 0, -wall_w / 2], [0, 1, -wall_h / 2], [0, 0, 1]])
    return m @ centre


def photograph(
    boards: list[tuple],
    wall_mm: tuple[float, float],
    out_size: tuple[int, int],
    tilt_deg: float,
    roll_deg: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Warp board images into one photo of the wall.

    Each entry: (image, px/mm, board offset on the wall in mm[, pad_mm]); an RGBA image (from
    decorate with pad_mm) is composited through its alpha, its origin pad_mm before the board's.
    """
    w, h = out_size
    cam = camera(*wall_mm, w, h, tilt_deg, roll_deg, rng)
    wall = np.full((h, w, 3), (196, 188, 172), np.float32)
    wall += rng.normal(0, 4, (h // 8 + 1, w // 8 + 1, 1)).repeat(8, 0).repeat(8, 1)[:h, :w]
    homs = []
    for entry in boards:
        img, ppm, (ox, oy) = entry[:3]
        pad = entry[3] if len(entry) > 3 else 0.0
        hb = cam @ np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]], np.float64)  # board mm -> photo
        homs.append(hb)
        m = hb @ np.array([[1, 0, -pad], [0, 1, -pad], [0, 0, 1]], np.float64)
        m = m @ np.diag([1 / ppm, 1 / ppm, 1.0])  # board image px -> photo
        m = m @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])  # pixel centres
        alpha = (
            img[..., 3].astype(np.float32) / 255.0
            if img.shape[2] == 4
            else np.ones(img.shape[:2], np.float32)
        )
        img = np.ascontiguousarray(img[..., :3])
        warped = cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(alpha, m, (w, h), flags=cv2.INTER_LINEAR)
        wall = wall * (1 - mask[..., None]) + warped.astype(np.float32) * mask[..., None]
    return np.clip(wall, 0, 255).astype(np.uint8), homs


def degrade(
    img: np.ndarray,
    rng: np.random.Generator,
    cast: tuple[float, float, float] = (1, 1, 1),
    blur_px: float = 0.0,
    noise: float = 0.0,
    jpeg: int = 0,
    vignette: float = 0.0,
    gain: float = 1.0,
    side_cast: tuple[float, float, float] | None = None,
) -> np.ndarray:
    """A phone's rendering of a scene. side_cast: mixed light, the cast turning smoothly
    from `cast` on the left to this on the right (lamps on one side, a window on the other)."""
    out = img.astype(np.float32) * np.array(cast, np.float32) * gain
    if side_cast is not None:
        w = out.shape[1]
        t = np.clip((np.arange(w, dtype=np.float32) / w - 0.3) / 0.5, 0, 1)
        t = t * t * (3 - 2 * t)  # smoothstep: light blends over half the frame
        ratio = np.array(side_cast, np.float32) / np.array(cast, np.float32)
        out *= (1 + t[None, :, None] * (ratio - 1)).astype(np.float32)
    if vignette:
        h, w = out.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / ((w / 2) ** 2 + (h / 2) ** 2)
        out *= (1 - vignette * r2)[..., None].astype(np.float32)
    if blur_px:
        out = cv2.GaussianBlur(out, (0, 0), blur_px)
    if noise:
        out += rng.normal(0, noise, out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if jpeg:
        _ok, buf = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()
    return out


def verbatim_stickers(
    board: BoardLayout,
    rng: np.random.Generator,
    colors: tuple[str, ...],
    per_zone: tuple[int, int] = (3, 6),
    touching: bool = True,
    diameter_mm: float = 12.0,
) -> list[Sticker]:
    """Stickers scattered in both vote zones, plus a touching and an overlapping pair per zone."""
    out: list[Sticker] = []
    for z in board.zones:
        zx, zy, zw, zh = z.rect_mm
        placed: list[tuple[float, float]] = []
        n = int(rng.integers(per_zone[0], per_zone[1] + 1))
        tries = 0
        while len(placed) < n and tries < 500:
            tries += 1
            p = (zx + 15 + rng.random() * (zw - 30), zy + 30 + rng.random() * (zh - 45))
            if all(np.hypot(p[0] - q[0], p[1] - q[1]) > diameter_mm * 2.2 for q in placed):
                placed.append(p)
        for p in placed:
            out.append(Sticker(board.id, p, str(rng.choice(colors))))
        if touching and placed:
            for overlap in (1.0, 0.72):  # touching, then overlapping by 28 % of the diameter
                a = rng.uniform(0, 2 * np.pi)
                for _ in range(200):
                    base = (zx + 20 + rng.random() * (zw - 40), zy + 32 + rng.random() * (zh - 50))
                    other = (
                        base[0] + np.cos(a) * diameter_mm * overlap,
                        base[1] + np.sin(a) * diameter_mm * overlap,
                    )
                    if all(
                        min(np.hypot(b[0] - q[0], b[1] - q[1]) for b in (base, other))
                        > diameter_mm * 2.2
                        for q in [s.center_mm for s in out if s.board == board.id]
                    ) and z.contains(*other):
                        out.append(Sticker(board.id, base, str(rng.choice(colors))))
                        out.append(Sticker(board.id, other, str(rng.choice(colors))))
                        break
    return out


def wall_above_floor(seed: int = 0) -> tuple[np.ndarray, list[tuple[int, int]], int]:
    """A room photographed from low down (1600 x 1200, RGB): a two-tone wall (pale blue above
    a white rail, cream below it) with 18 notes on the cream, a white skirting board and a
    wooden floor filling the lower 62 % of the frame, the photo's most common colour. The
    wall and the notes make one blob against the floor, of no one flat colour (the blue and
    the cream each under half of it). Returns the photo, the notes' centres (px) and their
    side (px)."""
    rng = np.random.default_rng(seed)
    h, w = 1200, 1600
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.1 * np.hypot(xs / w - 0.4, ys / h - 0.2)
    img = np.zeros((h, w, 3), np.float32)
    img[:] = (236, 228, 204)  # cream paint
    img[:190] = (196, 212, 232)  # pale blue above the rail
    img[190:200] = (246, 246, 244)
    img *= light[..., None]
    skirting = 440
    img[skirting : skirting + 24] = (246, 246, 244)
    grain = cv2.GaussianBlur(rng.normal(0, 4, (h, w)).astype(np.float32), (0, 0), 2)
    img[skirting + 24 :] = np.array((140, 106, 78), np.float32) + grain[skirting + 24 :, :, None]
    side = 60
    colours = list(NOTE_RGB.values())
    centres = []
    for r in range(3):
        for c in range(6):
            cx = 260 + c * 200 + int(rng.integers(-12, 12))
            cy = 250 + r * 70 + int(rng.integers(-4, 4))
            rect = ((float(cx), float(cy)), (float(side), float(side)), float(rng.uniform(-6, 6)))
            pts = cv2.boxPoints(rect).astype(np.int32)
            cv2.fillPoly(img, [pts], tuple(float(v) for v in colours[(r * 6 + c) % len(colours)]))
            centres.append((cx, cy))
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return img, centres, side


def notes_on_a_pin_board(
    seed: int = 0, board: bool = True
) -> tuple[np.ndarray, list[tuple[int, int]], tuple[int, int, int, int], int]:
    """A grey wall (1600 x 1200, RGB) with a cork pin board 440 x 340 px (8 % of the photo,
    under the tenth a bare surface needs) holding six written notes, two pairs edge to edge,
    and beside the board a block of six yellow notes stuck edge to edge (faint seams, each
    written) and four lone notes. The cork is one brown with a fine grain of specks and
    fibres that line up into nothing. Returns the photo, every note's centre (px), the
    board's box (x, y, w, h) and the notes' side (px). board=False: the wall bare there."""
    rng = np.random.default_rng(seed)
    h, w = 1200, 1600
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.08 * np.hypot(xs / w - 0.5, ys / h - 0.3)
    img = np.zeros((h, w, 3), np.float32)
    img[:] = (206, 206, 200)
    side = 64
    box = (180, 420, 440, 340)
    if board:
        bx, by, bw, bh = box
        cv2.rectangle(img, (bx + 4, by + 5), (bx + bw + 4, by + bh + 5), (150, 150, 146), -1)
        cork = np.array((176, 136, 92), np.float32)
        grain = cv2.GaussianBlur(rng.normal(0, 9, (bh, bw)).astype(np.float32), (0, 0), 0.8)
        img[by : by + bh, bx : bx + bw] = cork + grain[..., None]
        for _ in range(260):  # dark specks and short fibres, every way
            x0, y0 = int(rng.integers(bx + 3, bx + bw - 3)), int(rng.integers(by + 3, by + bh - 3))
            a = rng.uniform(0, np.pi)
            ln = rng.uniform(1, 7)
            x1, y1 = int(x0 + ln * np.cos(a)), int(y0 + ln * np.sin(a))
            cv2.line(img, (x0, y0), (x1, y1), tuple(float(v) for v in cork * 0.72), 1)
    colours = ["pink", "orange", "green", "blue", "yellow"]
    words = ["idea", "plan", "vote", "team", "map", "cost", "next", "why"]
    centres: list[tuple[int, int]] = []

    def note(cx: int, cy: int, colour: str, angle: float) -> None:
        rect = ((float(cx), float(cy)), (float(side), float(side)), angle)
        pts = cv2.boxPoints(rect).astype(np.int32)
        cv2.fillPoly(img, [pts + np.array((2, 3), np.int32)], (160, 160, 156))  # its shadow
        cv2.fillPoly(img, [pts], tuple(float(v) for v in NOTE_RGB[colour]))
        cv2.polylines(img, [pts], True, tuple(0.9 * float(v) for v in NOTE_RGB[colour]), 1)
        word = words[int(rng.integers(len(words)))]
        cv2.putText(img, word, (cx - 24, cy + 6), cv2.FONT_HERSHEY_SIMPLEX, 0.55,
                    (40, 40, 60), 2, cv2.LINE_AA)
        centres.append((cx, cy))

    # on the board: a pair edge to edge, a pair edge to edge, two apart
    for cx, cy, c in [(260, 500, "pink"), (260 + side, 500, "orange"), (460, 510, "green"),
                      (270, 660, "blue"), (460, 650, "yellow"), (460 + side, 650, "yellow")]:
        note(cx, cy, c, float(rng.uniform(-3, 3)))
    # a block of six yellow notes edge to edge beside the board
    for r in range(2):
        for c in range(3):
            note(900 + c * side, 500 + r * side, "yellow", 0.0)
    for k in range(4):  # lone notes along the top
        note(300 + k * 300, 220, colours[k], float(rng.uniform(-6, 6)))
    img *= light[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return img, centres, box, side
