"""Walls with no board: sticky notes straight on a painted wall or a kraft paper roll, dot
stickers on the notes and beside them, photographed like the board samples (same camera,
light, handwriting, curl and shadows), with exact truth.

The truth says, per photo, every note (corners and centre in photo px, colour, text, dots per
colour) and every dot not on a note. A note counts as in view when its centre is in the
frame and at least `min_visible` of it is; less seen notes are "partial" (neither required
nor wrong when found).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from capture.core.config import CONFIG, SynthConfig
from capture.synth import palette
from capture.synth.camera import frame_view, project
from capture.synth.clutter import draw_items, plan_room, room_truth
from capture.synth.decorate import Canvas, DotDeco, NoteDeco, _draw_dot, _draw_note
from capture.synth.handwriting import (
    ACTION_PHRASES,
    PROCESS_PHRASES,
    VALUE_PHRASES,
    pick_handwriting,
)
from capture.synth.light import apply_light, dim_light, encode_jpeg, sample_light
from capture.synth.scene import _composite, _ppm
from capture.synth.truth import hidden_chars, writing_visibility
from capture.synth.wall import WallStyle, render_wall

NOTE_MM = 76.0
# Real pack sizes (width x height mm, the adhesive strip along the top): the usual 76 x 76,
# 3 x 5 in and lined 4 x 6 in cards stuck landscape (their strip is on a long side), the
# 100 x 100 "super sticky" squares and the small 1.5 x 2 in notes. A wall often holds two.
PACKS_MM = ((76.0, 76.0), (127.0, 76.0), (100.0, 100.0), (51.0, 38.0), (152.0, 102.0))
# The name people give each note shade (the palette's "green" pack has a lime neon shade).
NOTE_NAMES = {("green", 2): "lime"}
DOT_COLOURS = ("red", "green", "blue", "yellow", "orange", "pink", "purple")
# a sticker the colour of the note it is on is nearly invisible: participants pick another
SAME_FAMILY = {
    "yellow": {"yellow", "orange"},
    "orange": {"orange", "yellow"},
    "pink": {"pink"},
    "green": {"green"},
    "lime": {"green", "yellow"},
    "blue": {"blue"},
    "purple": {"purple", "pink"},
}
KRAFT = ((196, 160, 116), (176, 136, 96), (206, 176, 134))
MIN_VISIBLE = 0.6


@dataclass(frozen=True)
class WallLayout:
    notes: tuple[NoteDeco, ...]  # stacking order, last on top
    note_colours: tuple[str, ...]  # the name of each note's colour (truth)
    dots: tuple[DotDeco, ...]  # on notes (drawn over them) and free (drawn on the wall)
    dot_note: tuple[int | None, ...]  # index of the note each dot was placed on (None: free)
    kraft: tuple[float, float, float] | None  # paper roll colour, None: painted wall
    paint: tuple[float, float, float]
    bbox: tuple[float, float, float, float]  # wall mm holding every note


def _sticker(at: np.ndarray, dot_mm: float, colour: str, rng: np.random.Generator) -> DotDeco:
    """A dot sticker of that colour (a real shade of it) at wall mm `at`."""
    shade = tuple(float(v) for v in palette.sticker_shade(colour, rng))
    return DotDeco(
        "wall",
        None,
        (float(at[0]), float(at[1])),
        dot_mm,
        colour,
        colour,
        shade,
        gloss=float(rng.uniform(0.05, 0.4)),
    )


def top_note(at: tuple[float, float], notes: tuple[NoteDeco, ...] | list[NoteDeco]) -> int | None:
    """Index of the note a point of the wall (mm) is seen on: the last drawn (stuck last, on
    top) of the notes whose outline holds it, or None."""
    for i in range(len(notes) - 1, -1, -1):
        q = notes[i].corners_mm().astype(np.float32)
        if cv2.pointPolygonTest(q, (float(at[0]), float(at[1])), False) >= 0:
            return i
    return None


def wall_packs(
    rng: np.random.Generator, packs_p: float
) -> tuple[tuple[tuple[float, float], ...], float]:
    """The note packs of one wall: ((w, h) mm, ...) and the share of notes from the packs
    after the first. With probability 1 - packs_p the usual 76 mm squares only; else one other
    pack throughout (a third of such walls) or the usual squares mixed with another pack (a
    share of 0.2-0.5 of the notes), sometimes turned portrait."""
    if packs_p <= 0 or rng.random() >= packs_p:
        return (PACKS_MM[0],), 0.0
    w, h = PACKS_MM[1 + int(rng.integers(len(PACKS_MM) - 1))]
    other = (h, w) if w != h and rng.random() < 0.3 else (w, h)
    if rng.random() < 1 / 3:
        return (other,), 0.0
    return (PACKS_MM[0], other), float(rng.uniform(0.2, 0.5))


def plan_wall(
    rng: np.random.Generator,
    level: str,
    synth: SynthConfig = CONFIG.synth,
    packs_rng: np.random.Generator | None = None,
) -> WallLayout:
    """A wall's notes and stickers. `packs_rng` (its own stream, so that a level without
    other packs draws nothing from it and keeps its walls) picks the note packs
    (wall_packs, the level's note_packs_p)."""
    lv = synth.level(level)
    packs, other_share = (
        wall_packs(packs_rng, lv.note_packs_p) if packs_rng is not None else ((PACKS_MM[0],), 0.0)
    )
    # the grid's pitch: the largest pack's sides (one pack of 76 mm: the usual NOTE_MM)
    pitch_x = max(w for w, _ in packs)
    pitch_y = max(h for _, h in packs)
    colours = [c for c in palette.NOTE_SHADES if c != "white"]
    pick = list(rng.choice(colours, size=int(rng.integers(2, 5)), replace=False))
    shade_of = {c: int(rng.integers(len(palette.NOTE_SHADES[c]))) for c in pick}
    dot_mm = float(rng.choice([10.0, 12.0, 12.0, 16.0]))
    phrases = ACTION_PHRASES + PROCESS_PHRASES + VALUE_PHRASES
    notes: list[NoteDeco] = []
    names: list[str] = []
    n_groups = int(rng.integers(1, 4))
    x_at = 0.0
    for g in range(n_groups):
        rows, cols = int(rng.integers(2, 4)), int(rng.integers(1, 4))
        gap = float(rng.uniform(10, 35))
        y0 = float(rng.uniform(0, 120))
        for r in range(rows):
            for c in range(cols):
                if rng.random() < 0.1:
                    continue  # an empty place in the grid
                colour = pick[int(rng.integers(len(pick)))]
                shade = (
                    shade_of[colour]
                    if rng.random() < 0.8
                    else int(rng.integers(len(palette.NOTE_SHADES[colour])))
                )
                rgb = palette.jitter_rgb(palette.NOTE_SHADES[colour][shade], rng, 0.02)
                cx = x_at + c * (pitch_x + gap) + pitch_x / 2 + rng.normal(0, 4)
                cy = y0 + r * (pitch_y + gap) + pitch_y / 2 + rng.normal(0, 4)
                if rng.random() < lv.note_overlap_p:  # stuck over a neighbour's corner
                    cx -= float(rng.uniform(0.2, 0.35)) * (pitch_x + gap)
                    cy -= float(rng.uniform(0.1, 0.3)) * pitch_y
                pack = packs[0]
                if len(packs) > 1 and packs_rng is not None and packs_rng.random() < other_share:
                    pack = packs[1]
                spin = lv.note_spin_p and rng.random() < lv.note_spin_p
                angle = float(rng.uniform(-20, 20) if spin else rng.normal(0, 2.5))
                lift = float(rng.uniform(0, lv.note_lift_mm)) if rng.random() < 0.5 else 0.0
                notes.append(
                    NoteDeco(
                        id=f"n{len(notes) + 1:02d}",
                        board="wall",
                        zone=f"g{g + 1}",
                        center_mm=(float(cx), float(cy)),
                        size_mm=pack[0],
                        angle_deg=angle,
                        color=colour,
                        rgb=tuple(float(v) for v in rgb),
                        writing=pick_handwriting(str(rng.choice(phrases)), rng),
                        curl=float(rng.uniform(0, 1)),
                        lift_mm=lift,
                        lift_corner=float(rng.uniform(0, 0.6)),
                        height_mm=0.0 if pack[0] == pack[1] else pack[1],
                    )
                )
                names.append(NOTE_NAMES.get((colour, shade), colour))
        x_at += cols * (pitch_x + gap) + float(rng.uniform(110, 260))
    dots: list[DotDeco] = []
    on: list[int | None] = []
    r = dot_mm / 2
    for i, (note, name) in enumerate(zip(notes, names, strict=True)):
        k = int(rng.choice([0, 0, 1, 1, 2, 3, 4, 5]))
        allowed = [c for c in DOT_COLOURS if c not in SAME_FAMILY.get(name, {name})]
        placed: list[np.ndarray] = []
        for _ in range(k * 6):
            if len(placed) >= k:
                break
            half = np.array([note.size_mm, note.tall_mm]) / 2
            if note.height_mm or note.size_mm != NOTE_MM:
                loc = rng.uniform(-half + r + 4, np.maximum(half - r - 4, -half + r + 4), 2)
            else:  # the usual square: the draws every existing seed was made with
                loc = rng.uniform(-NOTE_MM / 2 + r + 4, NOTE_MM / 2 - r - 4, 2)
            if any(np.hypot(*(loc - p)) < 2 * r * 1.05 for p in placed):
                continue
            placed.append(loc)
            c = str(rng.choice(allowed))
            centre = note.to_board(loc[None])[0]
            dots.append(_sticker(centre, dot_mm, c, rng))
            on.append(i)
    big = max(max(n.size_mm, n.tall_mm) for n in notes)
    x0 = min(n.center_mm[0] for n in notes) - big
    x1 = max(n.center_mm[0] for n in notes) + big
    y0 = min(n.center_mm[1] for n in notes) - big
    y1 = max(n.center_mm[1] for n in notes) + big
    free = int(rng.integers(2, 9))
    tries = 0
    while free > 0 and tries < 200:
        tries += 1
        p = rng.uniform((x0 + 20, y0 + 20), (x1 - 20, y1 - 20))
        if any(
            np.hypot(*(p - np.array(n.center_mm))) < max(n.size_mm, n.tall_mm) * 0.75 + r + 6
            for n in notes
        ):
            continue
        if any(np.hypot(p[0] - d.center_mm[0], p[1] - d.center_mm[1]) < 2 * r * 1.05 for d in dots):
            continue
        c = str(rng.choice(DOT_COLOURS))
        dots.append(_sticker(p, dot_mm, c, rng))
        on.append(None)
        free -= 1
    kraft = None
    if rng.random() < 0.4:
        kraft = tuple(
            float(v) for v in palette.jitter_rgb(KRAFT[int(rng.integers(len(KRAFT)))], rng, 0.02)
        )
    paint = palette.WALL_PAINTS[int(rng.integers(len(palette.WALL_PAINTS)))]
    return WallLayout(
        tuple(notes),
        tuple(names),
        tuple(dots),
        tuple(on),
        kraft,
        tuple(float(v) for v in paint),
        (x0, y0, x1, y1),
    )


def _kraft_canvas(layout: WallLayout, ppm: float, rng: np.random.Generator) -> Canvas:
    """A paper roll behind the notes: kraft colour, fibres, a contact shadow at its edges."""
    x0, y0, x1, y1 = layout.bbox
    pad = 60.0
    cv = Canvas(
        (x0 - pad, y0 - pad), (int((x1 - x0 + 2 * pad) * ppm), int((y1 - y0 + 2 * pad) * ppm)), ppm
    )
    h, w = cv.alpha.shape
    base = np.asarray(layout.kraft, np.float32) / 255
    small = rng.normal(0, 0.035, (max(2, h // 6), max(2, w // 6))).astype(np.float32)
    fib = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    fib += cv2.GaussianBlur(rng.normal(0, 0.03, (h, w)).astype(np.float32), (0, 0), 0.8)
    cv.over(
        np.clip(base[None, None] * (1 + fib[..., None]), 0, 1), np.ones((h, w), np.float32), 0, 0
    )
    return cv


_STREAMS = {
    "ml-plan": 100,
    "ml-render": 101,
    "ml-camera": 102,
    "ml-light": 103,
    "ml-noise": 104,
    "ml-room": 105,  # the room around the wall (clutter): its own streams, so that turning it
    "ml-room-render": 106,  # on changes nothing else of a photo's plan
    "ml-packs": 107,  # the note packs (wall_packs): a level without other packs draws nothing
    "ml-votes": 108,  # dot voting as it happens (vote_dots): its own stream, likewise
    "ml-dim": 109,  # a dim room (light.dim_light): its own stream, likewise
    "ml-headers": 110,  # column titles over the groups (header_strips): likewise
}


def rng_for(seed: int, stream: str, index: int) -> np.random.Generator:
    """Independent generator per (seed, purpose, index), apart from the board samples'."""
    return np.random.default_rng(np.random.SeedSequence([seed % 2**64, _STREAMS[stream], index]))


def render_markerless(
    index: int,
    seed: int,
    level: str,
    megapixels: float,
    synth: SynthConfig = CONFIG.synth,
    clutter: bool | None = None,
    votes: bool | None = None,
    dim: bool = False,
    headers: bool | None = None,
) -> tuple[bytes, dict]:
    """One photo of a wall with no board: JPEG bytes and its truth. `clutter`: the room
    around the wall in view (capture.synth.clutter) always (True), never (False), or as the
    level says (None: its clutter_p). `votes`: dot voting as it happens (vote_dots) likewise,
    as the level's vote_p says when None. `dim`: taken in a dim room (light.dim_light:
    exposed a stop under, a warm or cool cast left, high-ISO noise); the rest of the photo
    (wall, notes, camera) is the one drawn without it. `headers`: a title over each group of notes
    (header_strips) likewise, as the level's header_p says when None."""
    lv = synth.level(level)
    layout = plan_wall(
        rng_for(seed, "ml-plan", index), level, synth, rng_for(seed, "ml-packs", index)
    )
    head_rng = rng_for(seed, "ml-headers", index)
    if (head_rng.random() < lv.header_p) if headers is None else headers:
        layout = header_strips(layout, head_rng, lv.note_lift_mm)
    vote_rng = rng_for(seed, "ml-votes", index)
    if (vote_rng.random() < lv.vote_p) if votes is None else votes:
        layout = vote_dots(layout, vote_rng)
    rng = rng_for(seed, "ml-render", index)
    x0, y0, x1, y1 = layout.bbox
    room_rng = rng_for(seed, "ml-room", index)
    with_room = room_rng.random() < lv.clutter_p if clutter is None else clutter
    room = plan_room(room_rng, layout.bbox) if with_room else None
    view = layout.bbox if room is None else room.view
    landscape = (view[2] - view[0]) >= (view[3] - view[1])
    cam = frame_view(view, landscape, megapixels, lv, rng_for(seed, "ml-camera", index))
    light = sample_light(lv, cam.size, rng_for(seed, "ml-light", index))
    if dim:  # its own stream: the photos drawn without it stay as they were
        light = dim_light(light, rng_for(seed, "ml-dim", index))
    hmat = cam.wall_to_photo()
    style = WallStyle(
        paint=layout.paint,
        texture=float(rng.uniform(0.006, 0.02)),
        floor_y=y1 + 5000,
        skirting_h=80,
        skirting=(240, 240, 236),
        floor=(120, 110, 100),
        edge_x=(x0 - 5000, x1 + 5000),
        switch_xy=None,
        seed=int(rng.integers(2**31)),
    )
    if room is not None:  # the floor, a door frame or corner, a switch: in view
        style = replace(style, floor_y=room.floor_y, edge_x=room.edge_x, switch_xy=room.switch_xy)
    img = render_wall(style, np.linalg.inv(hmat), cam.size)
    region = (x0 - 60, y0 - 60, x1 + 60, y1 + 60)
    ppm = _ppm(hmat, region, cam.size, synth)
    if room is not None:
        draw_items(
            img, room, hmat, ppm, light.direction, rng_for(seed, "ml-room-render", index),
            _composite,
        )
    if layout.kraft is not None:
        _composite(img, _kraft_canvas(layout, ppm, rng), hmat)
    cv = Canvas((x0 - 60, y0 - 60), (int((x1 - x0 + 120) * ppm), int((y1 - y0 + 120) * ppm)), ppm)
    foot = (float(cam.C[0]), float(cam.C[1]), float(-cam.C[2]))
    for d, n in zip(layout.dots, layout.dot_note, strict=True):
        if n is None:
            _draw_dot(cv, d, light.direction, rng)
    for note in layout.notes:
        _draw_note(cv, note, light.direction, foot)
    for d, n in zip(layout.dots, layout.dot_note, strict=True):
        if n is not None:
            _draw_dot(cv, d, light.direction, rng)
    _composite(img, cv, hmat)
    pixels = apply_light(img, light, rng_for(seed, "ml-noise", index))
    data = encode_jpeg(pixels, light.jpeg_quality, None)
    truth = wall_truth(f"IMG_{index + 1:04d}.jpg", layout, hmat, cam.size, level)
    if room is not None:
        truth["clutter"] = room_truth(room, hmat, cam.size)
    return data, truth


# Column titles as workshops write them (width x height mm): a 76 x 127 card cut in two
# along its length (127 x 38), a lined 102 x 152 card likewise (152 x 51), a 76 mm square
# cut in two (76 x 38), a 76 x 127 card stuck landscape, or two 76 mm squares of one colour
# stuck edge to edge with the title written across both ("pair": two notes in the truth).
HEADERS_MM: tuple[tuple[float, float] | str, ...] = (
    (127.0, 38.0), (152.0, 51.0), (76.0, 38.0), (127.0, 76.0), "pair",
)
HEADER_WORDS = (
    "START", "IDÉES", "À FAIRE", "EN COURS", "FAIT", "QUESTIONS", "ACTIONS", "RISQUES",
    "STOP", "CONTINUER", "BILAN", "ENVIES",
)


def _overlaps(rect: tuple[float, float, float, float], layout: WallLayout, margin: float) -> bool:
    """Whether a wall rectangle (x0, y0, x1, y1 mm) comes within margin of a note or a dot."""
    x0, y0, x1, y1 = rect
    for n in layout.notes:
        c = n.corners_mm()
        if (c[:, 0].min() < x1 + margin and c[:, 0].max() > x0 - margin
                and c[:, 1].min() < y1 + margin and c[:, 1].max() > y0 - margin):
            return True
    for d in layout.dots:
        r = d.diameter_mm / 2 + margin
        if x0 - r < d.center_mm[0] < x1 + r and y0 - r < d.center_mm[1] < y1 + r:
            return True
    return False


def header_strips(layout: WallLayout, rng: np.random.Generator, lift_mm: float) -> WallLayout:
    """A title over each group of notes, as facilitators head a wall's columns (HEADERS_MM,
    one kind and one colour per wall, any note colour, the paper's own: a title is on a note
    of the packs there, often of the notes' colours): 8-25 mm above the group's top notes,
    centred over it, a few degrees askew, curled and lifted as little as a strip that short
    lifts. A title that would touch a note or a dot is left out. The titles are notes in the
    truth (drawn last: on top), with no dots."""
    kind = HEADERS_MM[int(rng.integers(len(HEADERS_MM)))]
    colour = str(rng.choice([c for c in palette.NOTE_SHADES if c != "white"]))
    shade = int(rng.integers(len(palette.NOTE_SHADES[colour])))
    name = NOTE_NAMES.get((colour, shade), colour)
    notes, names = list(layout.notes), list(layout.note_colours)
    for g in sorted({n.zone for n in layout.notes if n.zone}):
        corners = np.concatenate([n.corners_mm() for n in layout.notes if n.zone == g])
        cx = float(corners[:, 0].min() + corners[:, 0].max()) / 2 + float(rng.normal(0, 5))
        bottom = float(corners[:, 1].min()) - float(rng.uniform(8, 25))
        w, h = (NOTE_MM, NOTE_MM) if kind == "pair" else kind
        word = str(rng.choice(HEADER_WORDS))
        if kind == "pair":  # edge to edge (1 mm apart), the title written across both
            parts = [(cx - NOTE_MM - 0.5, cx - 0.5), (cx + 0.5, cx + NOTE_MM + 0.5)]
            cut = word.index(" ") if " " in word else len(word) // 2
            words = [word[:cut].strip(), word[cut:].strip()]
        else:
            parts, words = [(cx - w / 2, cx + w / 2)], [word]
        rect = (parts[0][0], bottom - h, parts[-1][1], bottom)
        paper = palette.jitter_rgb(palette.NOTE_SHADES[colour][shade], rng, 0.02)
        rgb = (float(paper[0]), float(paper[1]), float(paper[2]))
        angle = float(rng.normal(0, 1.5))
        if _overlaps(rect, layout, 3.0):
            continue
        for k, (a, b) in enumerate(parts):
            lift = float(rng.uniform(0, lift_mm * h / NOTE_MM)) if rng.random() < 0.5 else 0.0
            notes.append(
                NoteDeco(
                    id=f"n{len(notes) + 1:02d}",
                    board="wall",
                    zone=g,
                    center_mm=((a + b) / 2, bottom - h / 2 + float(rng.normal(0, 0.7)) * k),
                    size_mm=w,
                    angle_deg=angle + float(rng.normal(0, 0.7)) * k,
                    color=colour,
                    rgb=rgb,
                    writing=pick_handwriting(words[k], rng),
                    curl=float(rng.uniform(0, 0.5)),
                    lift_mm=lift,
                    lift_corner=float(rng.uniform(0, 0.6)),
                    height_mm=0.0 if w == h else h,
                )
            )
            names.append(name)
    x0, y0, x1, y1 = layout.bbox
    big = max(max(n.size_mm, n.tall_mm) for n in notes)
    y0 = min(y0, min(n.center_mm[1] for n in notes) - big)
    return replace(layout, notes=tuple(notes), note_colours=tuple(names), bbox=(x0, y0, x1, y1))


# sticker packs sold for dot voting: 8, 12 and 19 mm (Avery/Herma sizes); one wall often
# mixes two packs
DOT_PACKS_MM = (8.0, 12.0, 19.0)
# a later voter's dot may cover an earlier one, but not so that less than this share of any
# dot stays in view (a voter sticks a dot where it still shows as a vote of its own)
VOTE_DOT_MIN_SEEN = 0.55
# the share of a popular note dots may cover, counted as if none overlapped
VOTE_NOTE_COVER = 0.5


def _disc_points(centre: tuple[float, float], r: float) -> np.ndarray:
    """A fixed grid of points over a disc (wall mm): shares of it hidden are counted on them."""
    g = np.linspace(-1, 1, 15)
    u, v = np.meshgrid(g, g)
    keep = u**2 + v**2 <= 1
    return np.stack([u[keep] * r + centre[0], v[keep] * r + centre[1]], 1)


def _seen_after(dots: list[DotDeco], new: DotDeco) -> bool:
    """Whether every dot of `dots` (in stacking order) keeps VOTE_DOT_MIN_SEEN of its disc in
    view once `new` is stuck over them all."""
    stack = [*dots, new]
    for k, d in enumerate(dots):
        near = [
            e for e in stack[k + 1 :]
            if np.hypot(e.center_mm[0] - d.center_mm[0], e.center_mm[1] - d.center_mm[1])
            < (e.diameter_mm + d.diameter_mm) / 2
        ]
        if not near or near[-1] is not new:
            continue  # new does not touch this one: its share is what it was
        pts = _disc_points(d.center_mm, d.diameter_mm / 2)
        hidden = np.zeros(len(pts), bool)
        for e in near:
            hidden |= np.hypot(pts[:, 0] - e.center_mm[0], pts[:, 1] - e.center_mm[1]) <= (
                e.diameter_mm / 2
            )
        if 1 - hidden.mean() < VOTE_DOT_MIN_SEEN:
            return False
    return True


def vote_dots(layout: WallLayout, rng: np.random.Generator) -> WallLayout:
    """Dot voting as real walls show it, added to a planned wall: one to three popular notes
    with 8-20 dots each (touching, a later voter's dot partly over an earlier one), dots of a
    second pack size, dots straddling a note's edge (centre on the note, the rest on the wall
    or the neighbour note), and a tight cluster of dots in a free area. Truth stays exact: a
    dot's note is the note under its centre (wall_truth), and no dot is hidden past
    VOTE_DOT_MIN_SEEN."""
    dots = list(layout.dots)
    on = list(layout.dot_note)
    first = dots[0].diameter_mm if dots else 12.0
    packs = [first, float(rng.choice([s for s in DOT_PACKS_MM if abs(s - first) >= 4]))]
    notes = layout.notes

    def add(centre: np.ndarray, size: float, colour: str, note: int | None) -> bool:
        d = _sticker(centre, size, colour, rng)
        if not _seen_after(dots, d):
            return False
        dots.append(d)
        on.append(note)
        return True

    order = [int(i) for i in rng.permutation(len(notes))]
    for i in order[: int(rng.integers(1, 4))]:  # the popular notes
        name = layout.note_colours[i]
        allowed = [c for c in DOT_COLOURS if c not in SAME_FAMILY.get(name, {name})]
        voters = [str(c) for c in rng.choice(allowed, size=int(rng.integers(1, 3)), replace=False)]
        # 8-20 dots, but no more than cover VOTE_NOTE_COVER of the note: past that voters
        # stick theirs on the wall beside it
        disc = np.pi / 4 * (0.7 * packs[0] ** 2 + 0.3 * packs[1] ** 2)
        fit = int(VOTE_NOTE_COVER * NOTE_MM**2 / disc)
        want, placed = min(int(rng.integers(8, 21)), fit), 0
        for _ in range(want * 12):
            if placed >= want:
                break
            size = packs[int(rng.random() < 0.3)]
            # voters aim at the note's middle: dots crowd there, a few at its edge
            loc = np.clip(rng.normal(0, NOTE_MM * 0.2, 2), -NOTE_MM / 2 + 1, NOTE_MM / 2 - 1)
            centre = notes[i].to_board(loc[None])[0]
            if top_note(tuple(centre), notes) != i:
                continue  # under a later note there: that note's dot, not this one's
            placed += add(centre, size, voters[int(rng.integers(len(voters)))], i)
    for i in order[3 : 3 + int(rng.integers(1, 5))]:  # a dot straddling the note's edge
        name = layout.note_colours[i]
        allowed = [c for c in DOT_COLOURS if c not in SAME_FAMILY.get(name, {name})]
        size = packs[int(rng.integers(2))]
        for _ in range(10):
            side = int(rng.integers(4))
            along = float(rng.uniform(-NOTE_MM / 2 + 8, NOTE_MM / 2 - 8))
            # centre inside by 1 mm .. just under the radius: the rest lies past the edge
            inset = NOTE_MM / 2 - float(rng.uniform(1.0, size / 2 - 0.5))
            loc = [(along, inset), (along, -inset), (inset, along), (-inset, along)][side]
            centre = notes[i].to_board(np.array([loc]))[0]
            if top_note(tuple(centre), notes) == i and add(
                centre, size, str(rng.choice(allowed)), i
            ):
                break
    x0, y0, x1, y1 = layout.bbox
    for _ in range(50):  # a tight cluster of dots in a free area
        p = rng.uniform((x0 + 30, y0 + 30), (x1 - 30, y1 - 30))
        reach = NOTE_MM * 0.75 + 30
        if all(np.hypot(*(p - np.array(n.center_mm))) > reach for n in notes):
            break
    else:
        p = None
    if p is not None:
        colours = [str(c) for c in rng.choice(DOT_COLOURS, size=int(rng.integers(1, 3)))]
        want, placed = int(rng.integers(4, 11)), 0
        for _ in range(want * 12):
            if placed >= want:
                break
            size = packs[int(rng.random() < 0.3)]
            centre = p + rng.normal(0, size * 0.7, 2)
            placed += add(centre, size, colours[int(rng.integers(len(colours)))], None)
    return replace(layout, dots=tuple(dots), dot_note=tuple(on))


def _seen_share(corners: np.ndarray, size: tuple[int, int]) -> float:
    w, h = size
    g = np.linspace(0.05, 0.95, 8)
    a, b = np.meshgrid(g, g)
    p = (
        corners[0]
        + a.ravel()[:, None] * (corners[1] - corners[0])
        + b.ravel()[:, None] * (corners[3] - corners[0])
    )
    return float(((p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)).mean())


def _covered(i: int, notes: tuple[NoteDeco, ...]) -> float:
    """Share of note i under notes stuck after it."""
    poly = notes[i].corners_mm()
    g = np.linspace(0.05, 0.95, 10)
    a, b = np.meshgrid(g, g)
    p = (
        poly[0]
        + a.ravel()[:, None] * (poly[1] - poly[0])
        + b.ravel()[:, None] * (poly[3] - poly[0])
    )
    hidden = np.zeros(len(p), bool)
    for other in notes[i + 1 :]:
        q = other.corners_mm().astype(np.float32)
        hidden |= np.array(
            [cv2.pointPolygonTest(q, (float(x), float(y)), False) >= 0 for x, y in p]
        )
    return float(hidden.mean())


def sticker_radius_px(hmat: np.ndarray, center_mm: tuple[float, float], r_mm: float) -> float:
    """The radius (px) of a sticker of radius r_mm at wall mm center_mm in the photo: the
    radius of a circle of the area of the ellipse the homography makes of it there (the
    square root of the local Jacobian's determinant, from the disc's four rim points)."""
    c = np.array(center_mm, np.float64)
    rim = project(hmat, c + np.array([[r_mm, 0], [-r_mm, 0], [0, r_mm], [0, -r_mm]]))
    ax = (rim[0] - rim[1]) / 2
    ay = (rim[2] - rim[3]) / 2
    return float(np.sqrt(abs(ax[0] * ay[1] - ax[1] * ay[0])))


def wall_truth(
    name: str, layout: WallLayout, hmat: np.ndarray, size: tuple[int, int], level: str
) -> dict:
    # stickers are drawn after every note: one placed on a note where a later note overlaps it
    # is seen on that later note (the topmost holding its centre), and its truth says so
    owner = [
        on if on is None else top_note(d.center_mm, layout.notes)
        for d, on in zip(layout.dots, layout.dot_note, strict=True)
    ]
    # a sticker whose centre is past the photo's frame is not in the photo (half of it or
    # more is cut away): it is counted on no note, as a free one past the frame is not listed
    w_px, h_px = size
    for k, d in enumerate(layout.dots):
        p = project(hmat, np.array([d.center_mm]))[0]
        if not (0 <= p[0] < w_px and 0 <= p[1] < h_px):
            owner[k] = None
    notes = []
    for i, (n, colour) in enumerate(zip(layout.notes, layout.note_colours, strict=True)):
        c = project(hmat, n.corners_mm())
        centre = project(hmat, np.array([n.center_mm]))[0]
        seen = _seen_share(c, size)
        in_frame = 0 <= centre[0] < size[0] and 0 <= centre[1] < size[1]
        dots: dict[str, int] = {}
        for d, on in zip(layout.dots, owner, strict=True):
            if on == i:
                dots[d.color] = dots.get(d.color, 0) + 1
        covered = _covered(i, layout.notes)
        stuck = tuple((d.center_mm[0], d.center_mm[1], d.diameter_mm / 2) for d in layout.dots)
        above = list(layout.notes[i + 1 :])
        visible = writing_visibility(n, above, hmat, size, stickers=stuck)
        notes.append(
            {
                "id": n.id,
                "color": colour,
                "text": n.text,
                "dots": dict(sorted(dots.items())),
                "corners_px": [[round(float(x), 2), round(float(y), 2)] for x, y in c],
                "center_px": [round(float(centre[0]), 2), round(float(centre[1]), 2)],
                "group": n.zone,
                "covered": round(covered, 3),
                # share of its ink no later note, sticker or frame edge hides
                "writing_visible": round(visible, 3),
                # the letters of text (indices) no reader can read: mostly hidden as above
                "hidden_chars": hidden_chars(n, above, hmat, size, stickers=stuck),
                "required": bool(in_frame and seen >= MIN_VISIBLE and covered < 0.5),
                "side_px": round(float(np.mean(np.linalg.norm(np.roll(c, -1, 0) - c, axis=1))), 2),
            }
        )
        if (n.size_mm, n.tall_mm) != PACKS_MM[0]:  # another pack (the usual one: no key, so
            notes[-1]["size_mm"] = [n.size_mm, n.tall_mm]  # the existing truths stay as made)
    free = []
    radii = []
    for d, on in zip(layout.dots, layout.dot_note, strict=True):
        p = project(hmat, np.array([d.center_mm]))[0]
        if not (0 <= p[0] < size[0] and 0 <= p[1] < size[1]):
            continue
        r_here = sticker_radius_px(hmat, d.center_mm, d.diameter_mm / 2)
        radii.append(r_here)
        if on is None:
            free.append(
                {
                    "color": d.color,
                    "center_px": [round(float(p[0]), 2), round(float(p[1]), 2)],
                    "radius_px": round(r_here, 2),
                }
            )
    # the usual sticker radius: the median of the stickers in view, each where it lies (a
    # tilted photo shows a near sticker up to twice as large as a far one)
    r_px = float(np.median(radii)) if radii else 0.0
    return {
        "file": name,
        "level": level,
        "size_px": list(size),
        "markerless": True,
        "background": "kraft" if layout.kraft is not None else "paint",
        "notes": notes,
        "free_dots": free,
        "dot_radius_px": round(r_px, 2),
        "coordinates": "photo px upright, pixel centres at integers",
    }


def generate_markerless_set(
    out_dir: Path,
    count: int,
    seed: int,
    level: str,
    megapixels: float,
    progress=None,
    clutter: bool | None = None,
    votes: bool | None = None,
    dim: bool = False,
    headers: bool | None = None,
) -> list[dict]:
    """count photos and truth.json into out_dir (clutter, votes, dim, headers: see
    render_markerless)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    truths = []
    for i in range(count):
        data, truth = render_markerless(
            i, seed, level, megapixels, clutter=clutter, votes=votes, dim=dim, headers=headers
        )
        (out_dir / truth["file"]).write_bytes(data)
        truths.append(truth)
        if progress is not None:
            progress(i + 1)
    (out_dir / "truth.json").write_text(
        json.dumps({"markerless": True, "seed": seed, "level": level, "photos": truths}, indent=1),
        "utf-8",
    )
    return truths
