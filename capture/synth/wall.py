"""Boards taped on walls (wall mm: x right, y down, y = 0 at the top of the boards) and the
painted wall itself, rendered directly in photo space through the camera's homography.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from capture.core.model import KitLayout
from capture.core.workshop import Workshop
from capture.synth import palette


@dataclass(frozen=True)
class Placement:
    board: str
    row: int
    col: int
    to_wall: np.ndarray  # 3x3: board mm -> wall mm (slight rotation)
    size_mm: tuple[float, float]

    def corners_wall(self) -> np.ndarray:
        w, h = self.size_mm
        pts = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], float)
        return (pts @ self.to_wall.T)[:, :2]


@dataclass(frozen=True)
class WallStyle:
    paint: tuple[float, float, float]
    texture: float  # plaster relief amplitude
    floor_y: float  # wall mm
    skirting_h: float
    skirting: tuple[int, int, int]
    floor: tuple[int, int, int]
    edge_x: tuple[float, float]  # wall ends (a corner or a door frame) in wall mm
    switch_xy: tuple[float, float] | None
    seed: int
    grain: float = 0.0  # wood panelling: streak amplitude along x
    cable: tuple[float, float, float] | None = None  # y at the fixings (wall mm), sag, x lowest


@dataclass(frozen=True)
class Poster:
    """Something else pinned on the wall: a notice, sometimes with a QR code that is not ours."""

    title: str
    lines: tuple[str, ...]
    qr: str | None
    size_mm: tuple[float, float]
    to_wall: np.ndarray  # 3x3: poster mm -> wall mm


# (title, lines, QR payload): cafeteria notices; the last is a board of another workshop
POSTERS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    (
        "Menu de la semaine",
        (
            "Lundi : lentilles, colin",
            "Mardi : couscous",
            "Mercredi : gratin",
            "Jeudi : bœuf carottes",
            "Vendredi : poisson pané",
        ),
        "https://restauration.example.org/menu",
    ),
    ("Tri des déchets", ("Papier et carton", "Verre", "Biodéchets", "Ordures ménagères"), None),
    (
        "Consignes de sécurité incendie",
        (
            "En cas d'incendie, gardez votre calme",
            "Point de rassemblement : parking B",
            "N'utilisez pas les ascenseurs",
        ),
        None,
    ),
    (
        "Wi-Fi invités",
        ("Réseau : Region-Invites", "Demandez le code à l'accueil"),
        "WIFI:T:WPA;S:Region-Invites;P:achats2014;;",
    ),
    (
        "Atelier mobilité durable",
        ("Vos idées pour venir autrement",),
        "WCAP1|atelier-mobilite|verbatim-01",
    ),
)


@dataclass(frozen=True)
class WallPlan:
    id: str
    placements: tuple[Placement, ...]
    style: WallStyle
    posters: tuple[Poster, ...] = ()

    def bbox(self, boards: list[str]) -> tuple[float, float, float, float]:
        pts = np.vstack([p.corners_wall() for p in self.placements if p.board in boards])
        return (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )


def _rows(ids: list[str], kinds: list[str]) -> list[list[str]]:
    """Verbatim walls hang in two rows; other walls in one row."""
    if len(ids) >= 8 and all(k in ("verbatim", "calibration") for k in kinds):
        per_row = math.ceil(len(ids) / 2)
        return [ids[:per_row], ids[per_row:]]
    return [ids]


def plan_walls(workshop: Workshop, kit: KitLayout, rng: np.random.Generator) -> list[WallPlan]:
    """Where each board hangs. The calibration card joins the wall with the most boards."""
    groups = [[b.id for b in wall.boards] for wall in workshop.walls]
    if any(b.id == "calibration" for b in kit.boards):
        groups[int(np.argmax([len(g) for g in groups]))].append("calibration")
    plans = []
    for wall, ids in zip(workshop.walls, groups, strict=True):
        kinds = [kit.board(i).kind for i in ids]
        placements, y = [], 0.0
        for r, row in enumerate(_rows(ids, kinds)):
            x, row_h = 0.0, 0.0
            for c, bid in enumerate(row):
                w, h = kit.board(bid).size_mm
                a = math.radians(rng.normal(0, 0.6))
                dy = rng.normal(0, 8)
                cx, cy = x + w / 2, y + h / 2 + dy
                ca, sa = math.cos(a), math.sin(a)
                to_wall = np.array(
                    [
                        [ca, -sa, cx - ca * w / 2 + sa * h / 2],
                        [sa, ca, cy - sa * w / 2 - ca * h / 2],
                        [0, 0, 1],
                    ]
                )
                placements.append(Placement(bid, r, c, to_wall, (w, h)))
                x += w + rng.uniform(60, 160 if w < 600 else 260)
                row_h = max(row_h, h)
            y += row_h + rng.uniform(70, 140)
        ends = (-rng.uniform(250, 1500), x + rng.uniform(200, 1500))
        paint = palette.WALL_PAINTS[rng.integers(len(palette.WALL_PAINTS))]
        if rng.random() < 0.25:
            paint = palette.ACCENT_PAINTS[rng.integers(len(palette.ACCENT_PAINTS))]
        cable = None
        if rng.random() < 0.3:  # a cable across the wall, above or below the boards
            cy = float(rng.choice([-rng.uniform(80, 300), y + rng.uniform(20, 250)]))
            cable = (cy, float(rng.uniform(5, 60)), float(rng.uniform(ends[0], ends[1])))
        style = WallStyle(
            paint=tuple(float(v) for v in palette.jitter_rgb(paint, rng, 0.01)),
            texture=float(rng.uniform(0.006, 0.02)),
            floor_y=float(y + rng.uniform(350, 800)),
            skirting_h=float(rng.uniform(60, 120)),
            skirting=palette.SKIRTINGS[rng.integers(len(palette.SKIRTINGS))],
            floor=((120, 110, 100), (80, 80, 84), (150, 120, 90))[rng.integers(3)],
            edge_x=(float(ends[0]), float(ends[1])),
            switch_xy=(float(ends[1] - rng.uniform(150, 300)), float(y + rng.uniform(-300, 0)))
            if rng.random() < 0.5
            else None,
            seed=int(rng.integers(2**31)),
            grain=float(rng.uniform(0.04, 0.09)) if paint == palette.WOOD else 0.0,
            cable=cable,
        )
        posters = _place_posters(placements, ends, rng)
        plans.append(WallPlan(wall.id, tuple(placements), style, posters))
    return plans


def _place_posters(
    placements: list[Placement], ends: tuple[float, float], rng: np.random.Generator
) -> tuple[Poster, ...]:
    """0-2 notices above the boards or beside them, never over a board."""
    boxes = [(*c.min(axis=0), *c.max(axis=0)) for c in (p.corners_wall() for p in placements)]
    right = max(b[2] for b in boxes)
    posters: list[Poster] = []
    for _ in range(int(rng.choice([0, 1, 2], p=[0.3, 0.45, 0.25]))):
        title, lines, qr = POSTERS[rng.integers(len(POSTERS))]
        w, h = (210.0, 297.0) if rng.random() < 0.7 else (297.0, 420.0)
        for _ in range(30):
            where = rng.random()
            if where < 0.5:  # above the boards
                x, y = rng.uniform(-100, right - w + 100), -h - rng.uniform(60, 250)
            elif where < 0.75:  # left of the boards, before the wall's end
                x, y = -w - rng.uniform(80, 400), rng.uniform(-200, 300)
            else:  # right of the boards
                x, y = right + rng.uniform(80, 400), rng.uniform(-200, 300)
            if x < ends[0] + 40 or x + w > ends[1] - 40:
                continue
            box = (x - 40, y - 40, x + w + 40, y + h + 40)
            taken = boxes + [(*q.to_wall[:2, 2], *(q.to_wall[:2, 2] + q.size_mm)) for q in posters]
            if any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
            ):
                continue
            a = math.radians(rng.normal(0, 1.0))
            rot = np.array(
                [[math.cos(a), -math.sin(a), x], [math.sin(a), math.cos(a), y], [0, 0, 1]]
            )
            posters.append(Poster(title, lines, qr, (w, h), rot))
            break
    return tuple(posters)


def _tile(seed: int, size: int, sigma: float) -> np.ndarray:
    """Periodic smooth noise (zero mean, unit std)."""
    rng = np.random.default_rng(seed)
    n = rng.normal(0, 1, (size, size)).astype(np.float32)
    n = cv2.GaussianBlur(np.tile(n, (3, 3)), (0, 0), sigma)[
        size : 2 * size, size : 2 * size
    ]  # periodic
    return (n - n.mean()) / (n.std() + 1e-6)


def wall_coordinates(
    photo_to_wall: np.ndarray, size: tuple[int, int], step: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """Wall mm (wx, wy) of every photo pixel, computed on a coarse grid and interpolated."""
    w, h = size
    gw, gh = w // step + 2, h // step + 2
    xs, ys = np.meshgrid(
        np.arange(gw, dtype=np.float64) * step, np.arange(gh, dtype=np.float64) * step
    )
    pts = np.stack([xs, ys, np.ones_like(xs)], -1) @ photo_to_wall.T
    wx = (pts[..., 0] / pts[..., 2]).astype(np.float32)
    wy = (pts[..., 1] / pts[..., 2]).astype(np.float32)
    # grid point k sits at pixel k*step: resize with that exact mapping
    m = np.float32([[1 / step, 0, 0], [0, 1 / step, 0]])
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return (
        cv2.warpAffine(wx, m, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE),
        cv2.warpAffine(wy, m, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE),
    )


def render_wall(style: WallStyle, photo_to_wall: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The painted wall as seen by the camera: H x W x 3 float32, 0-1.

    Computed at half resolution and upsampled: paint is smooth, and the photo's own grain
    and blur dominate the finest scale anyway.
    """
    w, h = size
    half = np.array([[2, 0, 0.5], [0, 2, 0.5], [0, 0, 1]], float)  # half-res px -> full-res px
    out = _render_wall_at(style, photo_to_wall @ half, ((w + 1) // 2, (h + 1) // 2))
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def _render_wall_at(
    style: WallStyle, photo_to_wall: np.ndarray, size: tuple[int, int]
) -> np.ndarray:
    wx, wy = wall_coordinates(photo_to_wall, size)
    fine = _tile(style.seed, 512, 1.2)  # 2 px per mm: plaster grain
    coarse = _tile(style.seed + 1, 256, 6.0)  # 12 mm per px: roller marks and patches
    u, v = wx * 2, wy * 2
    np.mod(u, 512, out=u)
    np.mod(v, 512, out=v)
    relief = cv2.remap(fine, u, v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
    relief *= style.texture
    np.multiply(wx, 1 / 12, out=u)
    np.multiply(wy, 1 / 12, out=v)
    np.mod(u, 256, out=u)
    np.mod(v, 256, out=v)
    relief += cv2.remap(coarse, u, v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP) * 0.008
    if style.grain > 0:  # wood: the grain tile stretched along x, plus 600 mm panel joints
        np.multiply(wx, 0.15, out=u)
        np.multiply(wy, 3.0, out=v)
        np.mod(u, 512, out=u)
        np.mod(v, 512, out=v)
        relief += cv2.remap(fine, u, v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP) * style.grain
        joint = np.abs(np.mod(wx, 600.0) - 300.0) > 299.0
        relief[joint] *= 0.8
    relief += 1
    out = relief[..., None] * (np.asarray(style.paint, np.float32) / 255)
    if style.cable is not None:  # a grey cable hanging between two fixings
        cy, sag, cx = style.cable
        x0c, x1c = style.edge_x
        span = max(x1c - cx, cx - x0c, 1.0)
        yc = cy + sag * (1 - ((wx - cx) / span) ** 2)
        on = np.abs(wy - yc) < 3.5
        if on.any():
            out[on] = np.float32(0.32) * (1 + 0.3 * (wy[on] - yc[on] < -1))[..., None]
    # features are rare: test a coarse view of the frame before touching every pixel
    xs, ys = wx[::16, ::16], wy[::16, ::16]
    x0, x1 = style.edge_x
    if xs.min() < x0 or xs.max() > x1:  # the side wall (in shade) behind a door frame
        side = (wx < x0) | (wx > x1)
        out[side] *= 0.72
        frame = ((wx >= x0 - 60) & (wx < x0)) | ((wx > x1) & (wx <= x1 + 60))
        out[frame] = np.asarray(style.skirting, np.float32) / 255 * 0.95
    if ys.max() > style.floor_y - style.skirting_h:
        skirt = (wy > style.floor_y - style.skirting_h) & (wy <= style.floor_y)
        out[skirt] = np.asarray(style.skirting, np.float32) / 255
        floor = wy > style.floor_y
        out[floor] = np.asarray(style.floor, np.float32) / 255 * relief[floor, None] ** 2
    if style.switch_xy is not None:
        sx, sy = style.switch_xy
        if ((np.abs(xs - sx) < 60) & (np.abs(ys - sy) < 60)).any():
            plate = (np.abs(wx - sx) < 40) & (np.abs(wy - sy) < 40)
            rocker = (np.abs(wx - sx) < 14) & (np.abs(wy - sy) < 22)
            out[plate] = 0.93
            out[rocker] = 0.86
    return out
