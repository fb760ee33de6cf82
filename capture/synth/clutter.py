"""The room around a wall of notes: things a phone photo shows beside the notes that are not
notes nor dot stickers, drawn with exact truth so that precision is measured on walls that
hold something to confuse the detectors.

- printed sheets (A4, A3) with a title, lines of text, coloured blocks of the sizes and
  colours of notes (a template, a slide, a chart) and printed dots of the sizes and colours
  of stickers (a legend, a dot-voting example);
- a whiteboard (aluminium frame, white glossy panel) with marker drawings: boxes, arrows,
  circles, lines and a few words;
- folders and book covers: coloured card larger than a note, a spine, a white label, a thick
  shadow (they stand off the wall);
- magnets (thick glossy domes, 15-35 mm, sticker colours) and push pins (8-12 mm glossy
  heads), loose or holding a sheet's corner;
- the room: the floor and skirting board below the wall, a door frame or corner at one side,
  a light switch (drawn by wall.render_wall from the WallStyle this module sets).

Nothing here overlaps a note or a free sticker (they keep out of the notes' region), so the
notes' and stickers' truth is unchanged; the truth lists each item (kind, colour, outline in
photo px) and the printed marks on sheets, as things a reader must not report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from capture.kit.fonts import print_font
from capture.synth import palette
from capture.synth.camera import project
from capture.synth.decorate import Canvas, _disc

DISC_COLOURS = ("red", "green", "blue", "yellow", "orange", "pink", "purple")
MARKERS = ((30, 30, 34), (30, 60, 170), (190, 40, 40), (30, 130, 70))
# folder and book covers: note-like shades and others (a red binder, a black notebook)
COVERS = (
    ("pink", (236, 120, 170)),
    ("yellow", (250, 220, 80)),
    ("green", (120, 190, 90)),
    ("blue", (70, 140, 210)),
    ("orange", (245, 140, 50)),
    ("purple", (150, 110, 190)),
    ("red", (200, 40, 40)),
    ("black", (40, 40, 44)),
)
WORDS = (
    "Objectifs", "Planning", "Atelier", "Idées", "Priorités", "Budget", "Équipe", "Q1 Q2",
    "Risques", "Actions", "Vote", "Retour", "Parcours usager", "Synthèse",
)


@dataclass(frozen=True)
class Mark:
    """Something printed or drawn on an item, in item mm (origin at its top-left)."""

    kind: str  # "block" (coloured rectangle), "dot" (printed disc), "stroke" (marker line)
    colour: str
    rgb: tuple[float, float, float]
    pts: tuple[tuple[float, float], ...]  # block: centre, (w, h); dot: centre, (d, d); stroke
    angle_deg: float = 0.0


@dataclass(frozen=True)
class Item:
    kind: str  # "sheet", "whiteboard", "folder", "magnet", "pin"
    colour: str
    rgb: tuple[float, float, float]
    center_mm: tuple[float, float]  # wall mm
    size_mm: tuple[float, float]  # w, h (discs: diameter twice)
    angle_deg: float
    marks: tuple[Mark, ...] = ()
    text: tuple[str, ...] = ()
    thick_mm: float = 0.3  # how far it stands off the wall: its shadow's offset

    def to_wall(self) -> np.ndarray:
        """3x3: item mm (origin top-left) -> wall mm."""
        t = math.radians(self.angle_deg)
        c, s = math.cos(t), math.sin(t)
        w, h = self.size_mm
        rot = np.array([[c, -s], [s, c]])
        off = np.asarray(self.center_mm) - rot @ np.array([w / 2, h / 2])
        return np.array([[c, -s, off[0]], [s, c, off[1]], [0, 0, 1]])

    def corners_mm(self) -> np.ndarray:
        w, h = self.size_mm
        p = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], float)
        return (p @ self.to_wall().T)[:, :2]


@dataclass(frozen=True)
class Room:
    items: tuple[Item, ...]  # drawing order
    view: tuple[float, float, float, float]  # wall mm the camera frames
    floor_y: float
    edge_x: tuple[float, float]
    switch_xy: tuple[float, float] | None


def _rgb(v) -> tuple[float, float, float]:
    return tuple(float(x) for x in v)  # type: ignore[return-value]


def _sheet(rng: np.random.Generator, centre: tuple[float, float]) -> Item:
    a3 = rng.random() < 0.3
    w, h = (297.0, 420.0) if a3 else (210.0, 297.0)
    if rng.random() < 0.4:
        w, h = h, w
    marks: list[Mark] = []
    m = 15.0
    top = 45.0  # below the title
    taken: list[tuple[float, float, float, float]] = []

    def free(x0: float, y0: float, x1: float, y1: float) -> bool:
        return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in taken)

    # coloured blocks the size of notes (or smaller, or longer), in note or printer shades
    for _ in range(int(rng.integers(1, 7)) * 8):
        if sum(k.kind == "block" for k in marks) >= 6:
            break
        side = float(rng.uniform(25, 95))
        bw, bh = side, side * (float(rng.uniform(0.4, 1.6)) if rng.random() < 0.5 else 1.0)
        if bw > w - 2 * m or bh > h - top - m:
            continue
        x = float(rng.uniform(m, w - m - bw))
        y = float(rng.uniform(top, h - m - bh))
        if not free(x - 3, y - 3, x + bw + 3, y + bh + 3):
            continue
        taken.append((x, y, x + bw, y + bh))
        name = str(rng.choice([c for c in palette.NOTE_SHADES if c != "white"]))
        shades = palette.NOTE_SHADES[name]
        rgb = palette.jitter_rgb(shades[int(rng.integers(len(shades)))], rng, 0.05)
        marks.append(Mark("block", name, _rgb(rgb), ((x + bw / 2, y + bh / 2), (bw, bh))))
    # printed dots: a legend or a dot-voting example, in sticker colours and sizes
    for _ in range(int(rng.integers(0, 9)) * 8):
        if sum(k.kind == "dot" for k in marks) >= 8:
            break
        d = float(rng.choice([8.0, 10.0, 12.0, 16.0, 19.0]))
        x = float(rng.uniform(m, w - m - d))
        y = float(rng.uniform(top, h - m - d))
        if not free(x - 2, y - 2, x + d + 2, y + d + 2):
            continue
        taken.append((x, y, x + d, y + d))
        name = str(rng.choice(DISC_COLOURS))
        rgb = palette.sticker_shade(name, rng)
        marks.append(Mark("dot", name, _rgb(rgb), ((x + d / 2, y + d / 2), (d, d))))
    lines = tuple(str(rng.choice(WORDS)) for _ in range(int(rng.integers(2, 7))))
    paper = palette.jitter_rgb((246, 246, 242), rng, 0.01)
    return Item(
        "sheet", "white", _rgb(paper), centre, (w, h), float(rng.normal(0, 2.0)),
        tuple(marks), lines,
    )


def _whiteboard(rng: np.random.Generator, centre: tuple[float, float]) -> Item:
    w, h = float(rng.uniform(600, 1200)), float(rng.uniform(450, 900))
    marks: list[Mark] = []
    for _ in range(int(rng.integers(4, 12))):
        rgb = _rgb(MARKERS[int(rng.integers(len(MARKERS)))])
        kind = str(rng.choice(["box", "arrow", "circle", "line"]))
        x, y = float(rng.uniform(40, w - 140)), float(rng.uniform(40, h - 120))
        bw, bh = float(rng.uniform(50, 140)), float(rng.uniform(40, 100))
        if kind == "box":
            pts = ((x, y), (x + bw, y), (x + bw, y + bh), (x, y + bh), (x, y))
        elif kind == "circle":
            t = np.linspace(0, 2 * math.pi, 40)
            pts = tuple(
                (float(x + bw / 2 * (1 + math.cos(a))), float(y + bh / 2 * (1 + math.sin(a))))
                for a in t
            )
        elif kind == "arrow":
            ex, ey = x + bw, y + float(rng.uniform(-40, 40))
            ang = math.atan2(ey - y, ex - x)
            head = [
                (ex - 18 * math.cos(ang + s), ey - 18 * math.sin(ang + s)) for s in (0.5, -0.5)
            ]
            pts = ((x, y), (ex, ey), head[0], (ex, ey), head[1])
        else:
            pts = ((x, y), (x + bw, y + float(rng.uniform(-20, 20))))
        marks.append(Mark("stroke", "marker", rgb, tuple((float(a), float(b)) for a, b in pts)))
    words = tuple(str(rng.choice(WORDS)) for _ in range(int(rng.integers(1, 4))))
    return Item(
        "whiteboard", "white", (244.0, 245.0, 246.0), centre, (w, h), float(rng.normal(0, 1.0)),
        tuple(marks), words, thick_mm=12.0,
    )


def _folder(rng: np.random.Generator, centre: tuple[float, float]) -> Item:
    name, rgb = COVERS[int(rng.integers(len(COVERS)))]
    w, h = float(rng.uniform(150, 240)), float(rng.uniform(210, 310))
    title = (str(rng.choice(WORDS)),)
    return Item(
        "folder", name, _rgb(palette.jitter_rgb(rgb, rng, 0.04)), centre, (w, h),
        float(rng.normal(0, 3.0)), (), title, thick_mm=float(rng.uniform(4, 15)),
    )


def _disc_item(rng: np.random.Generator, kind: str, centre: tuple[float, float]) -> Item:
    name = str(rng.choice(DISC_COLOURS))
    d = float(rng.uniform(15, 35)) if kind == "magnet" else float(rng.uniform(8, 12))
    thick = float(rng.uniform(4, 8)) if kind == "magnet" else float(rng.uniform(6, 10))
    return Item(
        kind, name, _rgb(palette.sticker_shade(name, rng)), centre, (d, d), 0.0,
        thick_mm=thick,
    )


def _radius(item: Item) -> float:
    return 0.5 * math.hypot(*item.size_mm)


def plan_room(
    rng: np.random.Generator, notes_bbox: tuple[float, float, float, float]
) -> Room:
    """Things around the notes' region (never in it) and the view that shows them."""
    x0, y0, x1, y1 = notes_bbox
    ml, mt, mr, mb = (float(v) for v in rng.uniform(150, 450, 4))
    view = (x0 - ml, y0 - mt, x1 + mr, y1 + mb)
    floor_y = view[3] - float(rng.uniform(40, 220)) if rng.random() < 0.6 else y1 + 5000
    floor_y = max(floor_y, y1 + 100)
    edge_x = (x0 - 5000, x1 + 5000)
    switch = None
    if rng.random() < 0.5:  # a door frame or the room's corner at one side
        if rng.random() < 0.5:
            edge_x = (view[0] + float(rng.uniform(30, ml * 0.6)), edge_x[1])
            sx = edge_x[0] + 150
        else:
            edge_x = (edge_x[0], view[2] - float(rng.uniform(30, mr * 0.6)))
            sx = edge_x[1] - 150
        if rng.random() < 0.6:
            switch = (sx, float(rng.uniform(y0, y1)))
    keep_out = [(x0 - 15, y0 - 15, x1 + 15, y1 + 15)]
    if switch is not None:
        keep_out.append((switch[0] - 60, switch[1] - 60, switch[0] + 60, switch[1] + 60))
    lo = (max(view[0], edge_x[0] + 10), view[1])
    hi = (min(view[2], edge_x[1] - 10), min(view[3], floor_y - 90))
    items: list[Item] = []
    placed: list[tuple[np.ndarray, float]] = []

    def spot(radius: float, half: tuple[float, float]) -> tuple[float, float] | None:
        for _ in range(60):
            c = rng.uniform(lo, hi)
            # the whole item hangs on the wall: above the skirting board, inside its ends
            if c[1] + half[1] > floor_y - 90 or not (
                edge_x[0] + 5 < c[0] - half[0] and c[0] + half[0] < edge_x[1] - 5
            ):
                continue
            # the item's bounding circle keeps clear of the notes' region
            near = False
            for a, b, c2, d in keep_out:
                dx = max(a - c[0], 0.0, c[0] - c2)
                dy = max(b - c[1], 0.0, c[1] - d)
                near = near or math.hypot(dx, dy) < radius
            if near:
                continue
            if any(np.hypot(*(c - p)) < radius + r for p, r in placed):
                continue
            return float(c[0]), float(c[1])
        return None

    makers = []
    if rng.random() < 0.35:
        makers.append("whiteboard")
    makers += ["sheet"] * int(rng.integers(1, 4)) + ["folder"] * int(rng.integers(0, 3))
    for kind in makers:
        probe = {"sheet": _sheet, "whiteboard": _whiteboard, "folder": _folder}[kind]
        item = probe(rng, (0.0, 0.0))
        t = math.radians(item.angle_deg)
        w, h = item.size_mm
        half = (
            (w * abs(math.cos(t)) + h * abs(math.sin(t))) / 2,
            (w * abs(math.sin(t)) + h * abs(math.cos(t))) / 2,
        )
        at = spot(_radius(item), half)
        if at is None:
            continue
        item = Item(**{**item.__dict__, "center_mm": at})
        items.append(item)
        placed.append((np.asarray(at), _radius(item)))
        if kind == "sheet" and rng.random() < 0.6:  # pinned or held by magnets at its top
            pin = "pin" if rng.random() < 0.5 else "magnet"
            for corner in item.corners_mm()[:2]:
                toward = np.asarray(at) - corner
                c = corner + toward / np.linalg.norm(toward) * 14
                items.append(_disc_item(rng, pin, (float(c[0]), float(c[1]))))
    for kind in ["magnet"] * int(rng.integers(1, 6)) + ["pin"] * int(rng.integers(0, 4)):
        item = _disc_item(rng, kind, (0.0, 0.0))
        reach = item.size_mm[0] / 2 + item.thick_mm + 5
        at = spot(reach, (reach, reach))
        if at is None:
            continue
        items.append(Item(**{**item.__dict__, "center_mm": at}))
        placed.append((np.asarray(at), item.size_mm[0] / 2 + 5))
    return Room(tuple(items), view, float(floor_y), edge_x, switch)


# --- drawing -------------------------------------------------------------------------------


def _shadow(cv: Canvas, mask: np.ndarray, item: Item, light: tuple[float, float]) -> None:
    """Its contact or cast shadow: the canvas-sized mask blurred, moved away from the light."""
    ppm = cv.ppm
    off = item.thick_mm * 0.8 + 0.8
    blur = max(0.7, (0.6 + 0.25 * item.thick_mm) * ppm)
    sh = cv2.GaussianBlur(mask, (0, 0), blur) * min(0.45, 0.15 + 0.03 * item.thick_mm)
    cv.over((0.0, 0.0, 0.0), sh, -round(light[0] * off * ppm), -round(light[1] * off * ppm))


def _flat(item: Item, ppm: float, light: tuple[float, float], rng: np.random.Generator) -> Canvas:
    """A sheet, whiteboard or folder upright in its own mm, with its shadow."""
    w, h = item.size_mm
    pw, ph = max(4, round(w * ppm)), max(4, round(h * ppm))
    im = Image.new("RGB", (pw, ph), tuple(int(v) for v in item.rgb))
    draw = ImageDraw.Draw(im)
    if item.kind == "sheet":
        title = print_font(True, max(6, int(12 * ppm)))
        draw.text((15 * ppm, 14 * ppm), item.text[0], font=title, fill=(30, 30, 34))
        body = print_font(False, max(5, int(6 * ppm)))
        for k, line in enumerate(item.text[1:]):
            draw.text((15 * ppm, (30 + 7 * k) * ppm), line, font=body, fill=(70, 70, 74))
    if item.kind == "folder":
        spine = round(float(rng.uniform(12, 30)) * ppm)
        dark = tuple(int(v * 0.75) for v in item.rgb)
        draw.rectangle((0, 0, spine, ph), fill=dark)
        lx, ly = spine + 0.2 * (pw - spine), 0.25 * ph
        draw.rectangle((lx, ly, pw - 0.15 * pw, ly + 0.18 * ph), fill=(240, 240, 236))
        font = print_font(True, max(5, int(9 * ppm)))
        draw.text((lx + 4 * ppm, ly + 4 * ppm), item.text[0], font=font, fill=(30, 30, 34))
    for mk in item.marks:
        if mk.kind == "block":
            (cx, cy), (bw, bh) = mk.pts
            box = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
            draw.rectangle(tuple(v * ppm for v in box), fill=tuple(int(v) for v in mk.rgb))
        elif mk.kind == "dot":
            (cx, cy), (d, _) = mk.pts
            r = d / 2 * ppm
            draw.ellipse(
                (cx * ppm - r, cy * ppm - r, cx * ppm + r, cy * ppm + r),
                fill=tuple(int(v) for v in mk.rgb),
            )
        else:
            draw.line(
                [(x * ppm, y * ppm) for x, y in mk.pts],
                fill=tuple(int(v) for v in mk.rgb),
                width=max(1, round(float(rng.uniform(2, 4)) * ppm)),
                joint="curve",
            )
    if item.kind == "whiteboard":
        font = print_font(False, max(6, int(22 * ppm)))
        for k, word in enumerate(item.text):
            draw.text(
                (60 * ppm, (h - 70 - 30 * k) * ppm), word, font=font,
                fill=MARKERS[k % len(MARKERS)],
            )
    arr = np.asarray(im, np.float32) / 255
    if item.kind == "whiteboard":  # aluminium frame and a broad sheen on the glossy panel
        f = max(2, round(15 * ppm))
        arr = arr.copy()
        ys, xs = np.mgrid[0:ph, 0:pw].astype(np.float32)
        u, v = xs / pw - 0.3 - light[0] * 0.2, ys / ph - 0.3
        sheen = np.exp(-(u**2 / 0.05 + v**2 / 0.1))
        arr = arr + (1 - arr) * (0.5 * sheen)[..., None]
        for sl in (np.s_[:f], np.s_[-f:], np.s_[:, :f], np.s_[:, -f:]):
            arr[sl] = (0.72, 0.73, 0.75)
    elif item.kind == "folder":  # a card cover: a faint sheen
        ys, xs = np.mgrid[0:ph, 0:pw].astype(np.float32)
        arr = arr * (1 - 0.05 * (ys / ph))[..., None]
    pad = round(30 * ppm)
    cv = Canvas((-pad / ppm, -pad / ppm), (pw + 2 * pad, ph + 2 * pad), ppm)
    mask = np.zeros((ph + 2 * pad, pw + 2 * pad), np.float32)
    mask[pad : pad + ph, pad : pad + pw] = 1
    _shadow(cv, mask, item, light)
    cv.over(np.clip(arr, 0, 1), np.ones((ph, pw), np.float32), pad, pad)
    return cv


def _round(item: Item, ppm: float, light: tuple[float, float], rng: np.random.Generator) -> Canvas:
    """A magnet or push pin: a thick glossy dome with a strong highlight and an offset shadow."""
    d = item.size_mm[0]
    r = d / 2 * ppm
    pad = round((item.thick_mm + 6) * ppm)
    size = int(2 * r) + 2 * pad + 2
    cv = Canvas((-size / 2 / ppm, -size / 2 / ppm), (size, size), ppm)
    c = size / 2 - 0.5
    off = item.thick_mm * 0.8
    sh = _disc(r * 1.02, size, c - light[0] * off * ppm, c - light[1] * off * ppm)
    sh = cv2.GaussianBlur(sh, (0, 0), max(0.8, 0.25 * item.thick_mm * ppm)) * 0.45
    cv.over((0.0, 0.0, 0.0), sh, 0, 0)
    disc = _disc(r, size, c, c)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    u, v = (xs - c) / max(r, 1), (ys - c) / max(r, 1)
    rho = np.clip(np.hypot(u, v), 0, 1)
    base = np.asarray(item.rgb, np.float32) / 255
    # a dome: darker towards the rim (its side turns away), lit on the light's side
    shade = 0.62 + 0.38 * np.sqrt(np.clip(1 - rho**2, 0, 1)) + 0.15 * (u * light[0] + v * light[1])
    rgb = base[None, None] * np.clip(shade, 0.3, 1.1)[..., None]
    hx, hy = light[0] * 0.35, light[1] * 0.35 - 0.1
    hl = np.exp(-(((u - hx) ** 2) + ((v - hy) ** 2)) / 0.025) * float(rng.uniform(0.7, 1.0))
    rgb = rgb + (1 - rgb) * hl[..., None]
    cv.over(np.clip(rgb, 0, 1), disc, 0, 0)
    return cv


def draw_items(
    img: np.ndarray,
    room: Room,
    hmat: np.ndarray,
    ppm: float,
    light: tuple[float, float],
    rng: np.random.Generator,
    composite,
) -> None:
    """Draw every item over the photo (in place); `composite(img, canvas, hmat)` warps one."""
    for item in room.items:
        if item.kind in ("magnet", "pin"):
            cv = _round(item, ppm, light, rng)
            t = np.array([[1, 0, item.center_mm[0]], [0, 1, item.center_mm[1]], [0, 0, 1]])
        else:
            cv = _flat(item, ppm, light, rng)
            t = item.to_wall()
        composite(img, cv, hmat @ t)


def room_truth(room: Room, hmat: np.ndarray, size: tuple[int, int]) -> list[dict]:
    """What a reader must not report: each item in view and each printed mark on a sheet."""
    w, h = size

    def seen(p: np.ndarray) -> bool:
        return bool(((p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)).any())

    out = []
    for item in room.items:
        if item.kind in ("magnet", "pin"):
            c = project(hmat, np.array([item.center_mm]))
            if not seen(c):
                continue
            r = item.size_mm[0] / 2
            rim = project(hmat, np.asarray(item.center_mm) + np.array([[r, 0], [-r, 0]]))
            out.append(
                {
                    "kind": item.kind,
                    "color": item.colour,
                    "center_px": [round(float(v), 2) for v in c[0]],
                    "radius_px": round(float(np.linalg.norm(rim[0] - rim[1]) / 2), 2),
                }
            )
            continue
        corners = project(hmat, item.corners_mm())
        if not seen(corners):
            continue
        marks = []
        to_photo = hmat @ item.to_wall()
        for mk in item.marks:
            if mk.kind == "stroke":
                continue
            (cx, cy), (mw, mh) = mk.pts
            if mk.kind == "block":
                q = np.array(
                    [[cx - mw / 2, cy - mh / 2], [cx + mw / 2, cy - mh / 2],
                     [cx + mw / 2, cy + mh / 2], [cx - mw / 2, cy + mh / 2]]
                )
                marks.append(
                    {
                        "kind": "printed_block",
                        "color": mk.colour,
                        "corners_px": [[round(float(x), 2), round(float(y), 2)]
                                       for x, y in project(to_photo, q)],
                    }
                )
            else:
                p = project(to_photo, np.array([[cx, cy], [cx + mw / 2, cy]]))
                marks.append(
                    {
                        "kind": "printed_dot",
                        "color": mk.colour,
                        "center_px": [round(float(v), 2) for v in p[0]],
                        "radius_px": round(float(np.linalg.norm(p[1] - p[0])), 2),
                    }
                )
        out.append(
            {
                "kind": item.kind,
                "color": item.colour,
                "corners_px": [[round(float(x), 2), round(float(y), 2)] for x, y in corners],
                "marks": marks,
            }
        )
    return out
