"""One sheet of paper read as two notes (issue 20): a note larger than its neighbours, or
rectangular (76 x 127 mm, 100 x 150 mm pads among 76 mm ones), is covered by the square
coverer with squares of the usual size; two of them over one paper with no edge between
them are one note. Two notes of one colour touching or stuck over each other show a seam
(a shadow line, a brightness step) and stay two."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision.markerless_read import read_wall

SCALE = 2.0  # px per mm
WALL = (214, 212, 204)
PINK, BLUE, ORANGE = (250, 120, 175), (120, 200, 240), (255, 168, 72)
LIME, YELLOW = (200, 232, 70), (250, 236, 100)
RED_DOT = (214, 38, 49)


def _wall(w_mm: float, h_mm: float, rng: np.random.Generator) -> np.ndarray:
    img = np.full((round(h_mm * SCALE), round(w_mm * SCALE), 3), WALL, np.uint8)
    return np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)


def _note(
    img: np.ndarray,
    x_mm: float,
    y_mm: float,
    w_mm: float,
    h_mm: float,
    rgb: tuple,
    words: list[str],
    dots: list[tuple[float, float]] = (),
    lift: tuple[int, int] = (3, 4),
) -> tuple[float, float]:
    """A note with its shadow (lift: its offset, px), a line of writing per word and red dot
    stickers (dots: mm from its top left corner). Returns its centre (px)."""
    x0, y0 = round(x_mm * SCALE), round(y_mm * SCALE)
    x1, y1 = round((x_mm + w_mm) * SCALE) - 1, round((y_mm + h_mm) * SCALE) - 1
    dx, dy = lift
    cv2.rectangle(img, (x0 + dx, y0 + dy), (x1 + dx, y1 + dy), (150, 150, 145), -1)
    cv2.rectangle(img, (x0, y0), (x1, y1), rgb, -1)
    for k, word in enumerate(words):
        org = (x0 + round(8 * SCALE), y0 + round((18 + 18 * k) * SCALE))
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(img, word, org, font, 0.55 * SCALE, (40, 40, 50), round(2 * SCALE), cv2.LINE_AA)
    for dx, dy in dots:
        at = (round((x_mm + dx) * SCALE), round((y_mm + dy) * SCALE))
        cv2.circle(img, at, round(6 * SCALE), RED_DOT, -1, cv2.LINE_AA)
    return ((x0 + x1) / 2, (y0 + y1) / 2)


def _finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * SCALE)
    return np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)


def _large_note_cut_by_the_frame(seed: int = 3) -> tuple[np.ndarray, tuple[float, float]]:
    """Seven 76 mm notes and, at the right, a lime note 1.4 x their side (106 mm) touching an
    orange one at its left, whose paper the photo's right frame cuts (90 of its 106 mm in the
    photo), two stickers on it. Returns the photo and the lime note's visible part's centre
    (px)."""
    rng = np.random.default_rng(seed)
    img = _wall(480, 290, rng)
    for i, rgb in enumerate([PINK, BLUE, ORANGE, PINK, BLUE, ORANGE]):
        row, col = divmod(i, 2)
        _note(img, 30 + 100 * col, 15 + 95 * row, 76, 76, rgb, ["idee", "vote"], [(55, 60)])
    _note(img, 214, 50, 76, 76, ORANGE, ["autre"], [(30, 55)])
    _note(img, 290, 40, 106, 106, LIME, ["Vacuum", "Hall and", "Study"], [(20, 80), (62, 84)])
    return _finish(img[:, : round(380 * SCALE)], rng), ((290 + 380) / 2 * SCALE, 93 * SCALE)


def _rectangular_notes(seed: int = 4) -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    """Square 76 mm notes and two rectangular ones among them: a 76 x 127 mm (1:1.67) yellow
    note touching a pink square at its side, and a 150 x 100 mm lime note standing alone but
    for a sticker across its edge (its blob is no filled rectangle). Returns the photo and
    every note's centre (px) with its number of stickers."""
    rng = np.random.default_rng(seed)
    img = _wall(700, 300, rng)
    notes = []
    for i, rgb in enumerate([BLUE, ORANGE, PINK, BLUE, ORANGE, PINK]):
        row, col = divmod(i, 3)
        dots = [(50, 55)] if i % 2 else []
        at = _note(img, 20 + 95 * col, 20 + 130 * row, 76, 76, rgb, ["idee"], dots)
        notes.append((*at, len(dots)))
    notes.append((*_note(img, 300, 30, 76, 76, PINK, ["mur"], [(55, 55)]), 1))
    # the rectangle touching the pink square's right side, 127 mm tall
    long_dots = [(20, 100), (55, 100)]
    notes.append((*_note(img, 376, 30, 76, 127, YELLOW, ["Long", "note", "here"], long_dots), 2))
    # 150 x 100 mm lime, a sticker across its left edge
    big_dots = [(0, 50), (120, 70)]
    notes.append((*_note(img, 480, 30, 150, 100, LIME, ["Grande", "feuille"], big_dots), 2))
    notes.append((*_note(img, 500, 180, 51, 51, BLUE, []), 0))  # a smaller pad (51 mm)
    return _finish(img, rng), notes


def _seamed_pairs(seed: int = 5) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Notes of one colour that are two: two yellow ones touching edge to edge (a shadow line
    1 mm wide between them), two lime ones, the right stuck over the left's right third (its
    shadow on the lower one along its left side) 20 mm lower, and a pink and a blue one beside
    them. Returns the photo and the notes' centres (px)."""
    rng = np.random.default_rng(seed)
    img = _wall(700, 220, rng)
    centres = [
        _note(img, 20, 30, 76, 76, YELLOW, ["idee"], [(40, 60)]),
        _note(img, 96, 30, 76, 76, YELLOW, ["vote"], [(40, 60)], lift=(-2, 3)),
        _note(img, 200, 30, 76, 76, LIME, ["mur"], [(20, 60)]),
        _note(img, 252, 50, 76, 76, LIME, ["autre"], [(50, 60)], lift=(-3, 4)),
        _note(img, 350, 30, 76, 76, PINK, ["x"]),
        _note(img, 445, 36, 76, 76, BLUE, ["y"], [(30, 50)]),
        _note(img, 540, 30, 76, 76, ORANGE, ["z"]),
        _note(img, 60, 130, 76, 76, PINK, ["w"], [(30, 50)]),
        _note(img, 420, 130, 76, 76, BLUE, ["v"]),
    ]
    return _finish(img, rng), centres


def _found(res, img: np.ndarray) -> list[tuple[float, float, int]]:
    h, w = img.shape[:2]
    return [(n.center[0] * w, n.center[1] * h, sum(n.dots.values())) for n in res.notes]


def _near(found: list[tuple[float, float, int]], x: float, y: float, r: float) -> list:
    return [f for f in found if np.hypot(f[0] - x, f[1] - y) < r]


@pytest.mark.slow
def test_a_large_note_cut_by_the_frame_is_one_note() -> None:
    """A lime note 1.4 x its neighbours' side touching an orange one, its paper cut by the
    right frame (the held-out seed 44 IMG_0003's defect): the square coverer laid one square
    of the usual size inside it and a second reaching past the frame over the strip the
    first left (overlapping 67 % of the smaller); its two stickers were counted on one of
    the two. No side of either inside the other shows an edge: one note, both stickers."""
    img, (x, y) = _large_note_cut_by_the_frame()
    res = read_wall(img, CONFIG, None)
    found = _found(res, img)
    assert len(found) == 8, found
    lime = _near(found, x, y, 0.6 * 106 * SCALE)
    assert len(lime) == 1, lime
    assert abs(lime[0][0] - x) < 0.15 * 106 * SCALE and abs(lime[0][1] - y) < 0.15 * 106 * SCALE
    assert lime[0][2] == 2, lime


@pytest.mark.slow
def test_a_rectangular_note_among_square_ones_is_one_note() -> None:
    """A 76 x 127 mm yellow note (1:1.67) touching a pink square is no lone rectangle (its blob
    holds the pink one) nor one colour part of a note's size (1.67 x a square's area): the
    square coverer laid two squares of the usual size over it, overlapping by half, the
    stickers at its bottom counted on the lower one. It is one note now, with both. (The
    150 x 100 mm lime note beside it is still read as two halves side by side: their squares
    barely overlap, see docs/markerless-journal.md "One sheet read as two notes".)"""
    img, notes = _rectangular_notes()
    res = read_wall(img, CONFIG, None)
    found = _found(res, img)
    x, y, dots = notes[7]  # the yellow rectangle
    yellow = _near(found, x, y, 0.45 * 127 * SCALE)
    assert len(yellow) == 1, found
    assert abs(yellow[0][1] - y) < 0.1 * 127 * SCALE and yellow[0][2] == dots, yellow
    for x, y, dots in notes[:7] + notes[9:]:  # the square ones as they were
        near = _near(found, x, y, 0.3 * 76 * SCALE)
        assert len(near) == 1 and near[0][2] == dots, (x, y, found)


@pytest.mark.slow
def test_notes_of_one_colour_with_a_seam_between_stay_two() -> None:
    """Two yellow notes touching edge to edge with a thin shadow line between them, and two
    lime ones the right stuck over the left (its shadow on the lower one): the seam is an
    edge between two papers, and each pair stays two notes with a sticker each."""
    img, centres = _seamed_pairs()
    res = read_wall(img, CONFIG, None)
    found = _found(res, img)
    assert len(found) == len(centres), found
    for x, y in centres[:4]:
        near = _near(found, x, y, 0.3 * 76 * SCALE)
        assert len(near) == 1 and near[0][2] == 1, (x, y, found)
