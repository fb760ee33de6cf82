"""Sticker verification (capture/vision/dot_check.py): a dot sticker is a flat disc whose
colour ends at a round rim; marker ink runs on along its strokes (issue 20, real photos)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision import wall_surface
from capture.vision.dot_check import check_disc, raised, reflectance, relief, shade_distance
from capture.vision.markerless_read import read_wall

INK = (30, 60, 190)  # a blue marker
PAPERS = [(252, 232, 90), (168, 228, 128), (250, 160, 110)]  # yellow, lime, orange notes


def _loops_wall(scale: float = 2.0, seed: int = 0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A whiteboard, three notes with thick blue marker capitals whose loops (B, O, A, R, D, P)
    fill with ink, a 12 mm sticker on each note below the writing and one on the board, and
    larger capitals on the board beside them. Returns the photo and the stickers' centres."""
    rng = np.random.default_rng(seed)
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(300 * scale), round(560 * scale), 3), (236, 238, 240), np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    stickers = []
    for i, paper in enumerate(PAPERS):
        x0, y0 = round((20 + 90 * i) * scale), round(30 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), paper, -1)
        for j, word in enumerate(["BOARD", "DOPE"]):
            org = (x0 + round(5 * scale), y0 + round((25 + 22 * j) * scale))
            cv2.putText(img, word, org, font, 0.45 * scale, INK, round(2.8 * scale), cv2.LINE_AA)
        at = (x0 + round(56 * scale), y0 + round(62 * scale))
        cv2.circle(img, at, r, (34, 150, 80) if i == 0 else (210, 35, 48), -1, cv2.LINE_AA)
        stickers.append(at)
    for j, word in enumerate(["BOARD", "DOPE", "QR 8"]):
        org = (round(300 * scale), round((60 + 60 * j) * scale))
        cv2.putText(img, word, org, font, 0.9 * scale, INK, round(3.5 * scale), cv2.LINE_AA)
    at = (round(80 * scale), round(200 * scale))
    cv2.circle(img, at, r, (28, 90, 188), -1, cv2.LINE_AA)  # a blue sticker, the ink's colour
    stickers.append(at)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), stickers


@pytest.mark.slow
def test_ink_filled_letter_loops_are_not_stickers() -> None:
    """Blue marker capitals whose loops fill with ink make blobs as round and full as a
    sticker once the sticker mask is opened (5 false stickers on these notes before the
    check); their colour runs on along the strokes, a sticker's ends at its rim. Every true
    sticker is kept, the blue one on the board too."""
    img, stickers = _loops_wall()
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    found = [(d.center[0] * w, d.center[1] * h) for d in res.dots]
    assert len(res.notes) == len(PAPERS)
    for x, y in stickers:
        assert min(np.hypot(fx - x, fy - y) for fx, fy in found) < 6, (x, y, found)
    assert len(found) == len(stickers), found


def _check(img: np.ndarray, at: tuple[float, float], r: float, others=()) -> str:
    lab = wall_surface.rgb8_to_lab(cv2.GaussianBlur(img, (0, 0), 1.0))
    arr = np.array(others, np.float64).reshape(-1, 3)
    return check_disc(lab, at, r, None, arr, CONFIG.markerless).reason


def test_check_disc_tells_stickers_from_ink_and_paper() -> None:
    """At 2 px per mm: a 12 mm sticker passes, alone or touching another; a disc laid on a
    loop filled with ink where two strokes leave is a stroke; one on plain paper is flat;
    one across a thin pen line is a mix of ink and paper."""
    paper = np.full((120, 200, 3), PAPERS[0], np.uint8)
    one = paper.copy()
    cv2.circle(one, (60, 60), 12, (210, 35, 48), -1, cv2.LINE_AA)
    assert _check(one, (60, 60), 12) == ""
    two = one.copy()
    cv2.circle(two, (84, 60), 12, (210, 35, 48), -1, cv2.LINE_AA)
    assert _check(two, (60, 60), 12, [(84, 60, 12)]) == ""
    assert _check(two, (84, 60), 12, [(60, 60, 12)]) == ""
    loop = paper.copy()
    cv2.circle(loop, (60, 60), 11, INK, -1, cv2.LINE_AA)
    cv2.line(loop, (60, 60), (150, 20), INK, 9, cv2.LINE_AA)
    cv2.line(loop, (60, 60), (10, 115), INK, 9, cv2.LINE_AA)
    assert _check(loop, (60, 60), 12) == "stroke"
    assert _check(paper, (60, 60), 12) == "flat"
    line = paper.copy()
    cv2.line(line, (0, 57), (199, 63), INK, 3, cv2.LINE_AA)
    assert _check(line, (100, 60), 12) in ("uneven", "ragged")


MARKER = (58, 44, 22)  # a black marker as a phone sees it on yellow paper: warm, chroma ~20
YELLOW = (250, 222, 70)


def _filled_letter(img: np.ndarray, x: int, y: int, kind: str, s: float) -> None:
    """A handwritten letter whose bowl fills with ink: a disc 3 mm in radius (a small
    sticker's) and a stem 2 mm wide leaving it (d, b, p, a)."""
    r, w, up = round(3.0 * s), max(1, round(2.0 * s)), round(9 * s)
    cv2.circle(img, (x, y), r, MARKER, -1, cv2.LINE_AA)
    stems = {
        "d": ((x + r, y + r), (x + r, y - up)),
        "b": ((x - r, y + r), (x - r, y - up)),
        "p": ((x - r, y - r), (x - r, y + up)),
        "a": ((x + r, y - r), (x + r + round(2 * s), y + r)),
    }
    cv2.line(img, *stems[kind], MARKER, w, cv2.LINE_AA)


def _marker_notes(dots: bool, scale: float = 2.0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A whiteboard, four yellow notes with black marker words whose letters' bowls fill with
    ink (sticker-sized blobs), and, when `dots`, a small red sticker (3.3 mm in radius, as
    the real ones of image8) on two of them. Returns the photo and the stickers' centres."""
    rng = np.random.default_rng(0)
    side = round(76 * scale)
    img = np.full((round(260 * scale), round(360 * scale), 3), (236, 238, 240), np.uint8)
    words = ["dab", "bad", "pad", "dap", "bab", "dad", "pap", "bap"]
    stickers = []
    for i in range(4):
        x0, y0 = round((20 + 90 * (i % 2)) * scale), round((20 + 100 * (i // 2)) * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), YELLOW, -1)
        for j in range(2):
            for k, ch in enumerate(words[2 * i + j]):
                at = (x0 + round((12 + 13 * k) * scale), y0 + round((20 + 22 * j) * scale))
                _filled_letter(img, *at, ch, scale)
        if dots and i < 2:
            at = (x0 + round(60 * scale), y0 + round(64 * scale))
            cv2.circle(img, at, round(3.3 * scale), (215, 40, 40), -1, cv2.LINE_AA)
            stickers.append(at)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), stickers



def _assert_only_stickers(make) -> None:
    """On the four notes make(dots) draws, with its stickers and without: the stickers are
    found, each within 4 px, and nothing else."""
    for dots in (True, False):
        img, stickers = make(dots)
        res = read_wall(img, CONFIG, None)
        h, w = img.shape[:2]
        found = [(d.center[0] * w, d.center[1] * h) for d in res.dots]
        assert len(res.notes) == 4
        assert len(found) == len(stickers), (dots, found)
        for x, y in stickers:
            assert min(np.hypot(fx - x, fy - y) for fx, fy in found) < 4, (x, y, found)

@pytest.mark.slow
def test_black_marker_letter_bowls_are_not_stickers() -> None:
    """Black marker letters whose bowls fill with ink, 3 mm in radius, on yellow notes (as on
    the real post-its-7 at 2 MP): before, the bowls passed every disc test, set the usual
    sticker size to theirs and came out as 24 stickers; they are the paper darkened (a shade
    of it), no sticker's colour. Found: the two small red stickers beside them, or none."""
    _assert_only_stickers(_marker_notes)


def test_shade_of_the_paper_is_ink() -> None:
    """A disc of black marker on yellow paper is a shade of it (the paper darkened): "ink";
    a red sticker there, or a blue one on a purple note (both bluish, the nearest of the
    generated walls' stickers to a shade), is not."""
    paper = np.full((120, 200, 3), YELLOW, np.uint8)
    loop = paper.copy()
    cv2.circle(loop, (60, 60), 7, MARKER, -1, cv2.LINE_AA)
    assert _check(loop, (60, 60), 7) == "ink"
    red = paper.copy()
    cv2.circle(red, (60, 60), 7, (215, 40, 40), -1, cv2.LINE_AA)
    assert _check(red, (60, 60), 7) == ""
    assert shade_distance((41.0, 16.0, -43.0), (65.0, 23.0, -30.0)) > 20
    ink_on_yellow = shade_distance((13.0, 6.0, 14.0), (74.0, 4.0, 70.0))  # real post-its-7
    assert ink_on_yellow < CONFIG.markerless.dot_check_shade_min


STAR_INK = (122, 50, 14)  # a dark red / brown marker filled on yellow paper (post-its-9: L* 26-38)


def _star(img: np.ndarray, x: int, y: int, r: float) -> None:
    """A five-pointed star filled with marker, r its points' radius (px)."""
    ang = -np.pi / 2 + np.arange(10) * np.pi / 5
    rad = np.where(np.arange(10) % 2 == 0, r, 0.5 * r)
    pts = np.stack([x + rad * np.cos(ang), y + rad * np.sin(ang)], axis=1)
    cv2.fillPoly(img, [np.round(pts).astype(np.int32)], STAR_INK, cv2.LINE_AA)


def _star_notes(dots: bool, scale: float = 2.0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A whiteboard, four yellow notes with a few thin pen lines and one to three filled dark
    red marker stars (votes drawn by hand, 5 mm to their points), and, when `dots`, a red and
    an orange sticker (4 mm in radius) on the first two. Returns the photo and the stickers'
    centres."""
    rng = np.random.default_rng(1)
    side = round(76 * scale)
    img = np.full((round(260 * scale), round(360 * scale), 3), (236, 238, 240), np.uint8)
    stickers = []
    for i in range(4):
        x0, y0 = round((20 + 90 * (i % 2)) * scale), round((20 + 100 * (i // 2)) * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), YELLOW, -1)
        for j in range(3):
            yl = y0 + round((14 + 9 * j) * scale)
            cv2.line(img, (x0 + round(8 * scale), yl), (x0 + round(60 * scale), yl), MARKER, 1)
        for k in range(1 + i % 3):
            _star(img, x0 + round((14 + 18 * k) * scale), y0 + round(54 * scale), 5 * scale)
        if dots and i < 2:
            at = (x0 + round(62 * scale), y0 + round(62 * scale))
            colour = (215, 40, 40) if i == 0 else (244, 122, 28)
            cv2.circle(img, at, round(4 * scale), colour, -1, cv2.LINE_AA)
            stickers.append(at)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), stickers


@pytest.mark.slow
def test_dark_marker_stars_are_not_stickers() -> None:
    """Filled stars drawn with a dark red marker on yellow notes (votes by hand, as on the
    real post-its-9) are round and full at a sticker's size and no shade of the paper: their
    dye takes most of the red light too, where a red or orange sticker sends back about
    what the paper does. Found: the two stickers beside them, or none."""
    _assert_only_stickers(_star_notes)


def test_reflectance_tells_stickers_from_dark_ink() -> None:
    """A red sticker on a yellow note sends back about the red light a palette red does; a
    dark red marker star (real post-its-9) a fifth of it; a green sticker (the darkest of the
    palette in its band) on white, and a red one in a shadow with its paper, stay over the
    floor."""
    refs = np.array([[46.8, 65.5, 39.5], [57.5, -49.8, 30.6], [65.8, 39.5, 66.2]])
    floor = CONFIG.markerless.dot_check_reflect_min
    yellow = np.array([87.0, -3.0, 86.0])
    assert reflectance(np.array([44.0, 55.0, 44.0]), yellow, refs) > 1.5 * floor
    assert reflectance(np.array([29.0, 28.0, 40.0]), yellow, refs) < floor
    assert reflectance(np.array([42.0, -31.0, 8.0]), np.array([86.0, -7.0, 55.0]), refs) > floor
    shadow = reflectance(np.array([30.0, 45.0, 28.0]), np.array([62.0, -2.0, 60.0]), refs)
    assert shadow > floor


def _relief_scene(kind: str, side_light: float = 0.15) -> np.ndarray:
    """A CIELAB patch of a grey wall (L* 70) with one disc of radius 12 px at (40, 40): a
    flat sticker (one colour, a broad faint sheen, a thin contact shadow), the same in the
    shadow a note's lower edge casts below it (the wall darker over its lower half), or a
    push pin's head (a dome: lit on one side, side_light of its shade across it, its side
    wall darker at the rim, a small specular spot, a shadow cast beside it by its height)."""
    ys, xs = np.mgrid[0:80, 0:80].astype(np.float32)
    u, v = (xs - 40) / 12, (ys - 40) / 12
    rho = np.hypot(u, v)
    lab = np.zeros((80, 80, 3), np.float32)
    lab[..., 0] = 70.0
    if kind == "pin":
        shadow = np.clip(1.0 - np.hypot(u - 0.6, v - 0.6), 0, 1)
        lab[..., 0] -= 25 * cv2.GaussianBlur(shadow, (0, 0), 2.0)
    elif kind == "in_a_note_shadow":
        lab[..., 0] -= np.where(ys > 52, 15.0, 0.0).astype(np.float32)
    disc = rho <= 1
    if kind == "pin":
        dome = np.sqrt(np.clip(1 - rho**2, 0, 1))
        shade = 0.62 + 0.38 * dome - side_light * (u + v) / 2
        spot = 40 * np.exp(-((u + 0.35) ** 2 + (v + 0.45) ** 2) / 0.025)
        lab[disc, 0] = (50 * shade + spot)[disc]
    else:
        lab[disc, 0] = (50 + 5 * np.exp(-((u + 0.3) ** 2 / 0.12 + (v + 0.3) ** 2 / 0.05)))[disc]
        ring = (rho > 1) & (rho < 1.15)
        lab[ring, 0] -= 2.0
    lab[disc, 1], lab[disc, 2] = 55.0, 35.0
    return cv2.GaussianBlur(lab, (0, 0), 0.7)


def test_a_pin_standing_off_the_wall_is_raised_a_flat_sticker_is_not() -> None:
    """A push pin's head or a magnet is a dome standing off the wall: shaded across its top
    and casting a shadow beside it (dot_check.relief, raised); a flat sticker is neither,
    and one lying in a note's shadow casts none of its own (its top is flat: not raised).
    Main at 72165f7 had no such test: 28 pins and 15 magnets read as free stickers on medium
    --clutter 47, 48, 50 and 52."""
    m = CONFIG.markerless
    pin = relief(_relief_scene("pin"), (40.0, 40.0), 12.0, m)
    flat = relief(_relief_scene("flat"), (40.0, 40.0), 12.0, m)
    shaded = relief(_relief_scene("in_a_note_shadow"), (40.0, 40.0), 12.0, m)
    assert raised(pin, m), pin
    assert not raised(flat, m) and flat.shadow < m.dot_raised_shadow_l, flat
    assert shaded.shadow >= m.dot_raised_shadow_l, shaded  # the note's shadow is there...
    assert not raised(shaded, m), shaded  # ...but the sticker's top is flat


def _blurred_disc(
    r: float, blur: float, edge: float | None, note_l: float, disc_l: float
) -> np.ndarray:
    """A CIELAB patch of a grey wall (L* 60) with a flat yellow sticker of radius r px at
    (40, 40) and, edge radii above its centre, a note's lower edge (note_l, blue), the whole
    blurred by blur px (a shaken or out-of-focus photo)."""
    ys, xs = np.mgrid[0:80, 0:80].astype(np.float32)
    u, v = (xs - 40) / r, (ys - 40) / r
    lab = np.zeros((80, 80, 3), np.float32)
    lab[..., 0] = 60.0
    if edge is not None:
        note = v < -edge
        lab[note] = (note_l, 10.0, -40.0)
    lab[np.hypot(u, v) <= 1] = (disc_l, -3.0, 80.0)
    return cv2.GaussianBlur(lab, (0, 0), blur)


def test_a_pin_lit_from_one_side_is_raised_though_its_shadow_goes_unread() -> None:
    """A push pin's head found as its lit core (0.75 of its radius): the ring where its
    shadow is sought crosses the head's own darker rim, of the head's hue, and no shadow is
    read; its top slopes steeply (dot_raised_steep_l) as no flat sticker's does, so it stands
    off the wall. A flat sticker blurred into its wall or beside a note's blurred edge
    darkens its rim all round (limb) but does not slope: not raised. Main d09e24b asked a
    shadow always: 6 pins and magnets on medium --clutter 47-50, 52 and bench seeds 41-43
    with the room read as free stickers so."""
    m = CONFIG.markerless
    core = relief(_relief_scene("pin", side_light=0.25), (40.0, 40.0), 9.0, m)
    assert core.shadow < m.dot_raised_shadow_l, core  # its shadow unread...
    assert core.slope >= m.dot_raised_steep_l, core
    assert raised(core, m), core  # ...yet it stands off the wall
    for r in (8.0, 12.0):
        for blur in (1.5, 2.5, 4.0):
            for edge, note_l, disc_l in ((None, 60.0, 88.0), (1.05, 30.0, 88.0),
                                         (1.15, 92.0, 40.0), (1.4, 30.0, 88.0)):
                flat = relief(_blurred_disc(r, blur, edge, note_l, disc_l), (40.0, 40.0), r, m)
                assert not raised(flat, m), (r, blur, edge, flat)
