"""Notes of one colour stacked in a column (issue 20): on an affinity wall a note is often
stuck over the bottom of the one above it, so that a strip of the lower one (its first line
of writing) shows. Two such notes make a 1.3-1.8:1 rectangle of one paper, which was taken
whole for a 3 x 5" card (real post-its-9: three pairs read as one note each). The seam across
it (the upper note's edge over the lower one's paper, a thin shadow) splits it; a card with
lines of writing across it stays one note."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision.markerless_read import read_wall

SCALE = 2.0  # px per mm
WALL = (92, 100, 112)  # a slate wall (post-its-9's)
PINK, BLUE, ORANGE = (250, 120, 175), (120, 200, 240), (255, 168, 72)
YELLOW, LIME = (250, 228, 60), (200, 232, 70)
RED_DOT = (214, 38, 49)


def _note(
    img: np.ndarray,
    x_mm: float,
    y_mm: float,
    rgb: tuple,
    words: list[str],
    size: tuple[float, float] = (76, 76),
    dots: list[tuple[float, float]] = (),
    shadow: tuple[int, int] = (2, 3),
) -> None:
    """A note (size: w x h mm) with its shadow (offset px; a shadow cast upward shows over
    the paper of a note stuck above it as a thin line, the seam), a line of writing per word
    and red stickers (dots: mm from its top left corner)."""
    w_mm, h_mm = size
    x0, y0 = round(x_mm * SCALE), round(y_mm * SCALE)
    x1, y1 = round((x_mm + w_mm) * SCALE) - 1, round((y_mm + h_mm) * SCALE) - 1
    dx, dy = shadow
    patch = img[max(y0 + dy, 0) : y1 + dy + 1, max(x0 + dx, 0) : x1 + dx + 1]
    patch[:] = (patch * 0.7).astype(np.uint8)
    cv2.rectangle(img, (x0, y0), (x1, y1), rgb, -1)
    for k, word in enumerate(words):
        org = (x0 + round(8 * SCALE), y0 + round((16 + 16 * k) * SCALE))
        font = cv2.FONT_HERSHEY_SIMPLEX
        ink, thick = (150, 40, 30), round(1.5 * SCALE)
        cv2.putText(img, word, org, font, 0.5 * SCALE, ink, thick, cv2.LINE_AA)
    for px, py in dots:
        at = (round((x_mm + px) * SCALE), round((y_mm + py) * SCALE))
        cv2.circle(img, at, round(6 * SCALE), RED_DOT, -1, cv2.LINE_AA)


def _stacked_wall(seed: int = 7) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A slate wall: lone square notes of four colours; between them two yellow notes, the
    second stuck over the first's bottom third (50 mm of the first show: 1.66:1); two lime
    notes, a strip of 32 mm of the first showing (1.42:1); a lone yellow 76 x 127 mm card
    with four lines of writing (one note). Returns the photo and each note's centre (px; a
    note under another is a square all the same)."""
    rng = np.random.default_rng(seed)
    img = np.full((round(290 * SCALE), round(620 * SCALE), 3), WALL, np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    centres = []
    squares = [(20, 30, PINK), (220, 30, BLUE), (420, 30, ORANGE)]
    squares += [(20 + 100 * k, 190, rgb) for k, rgb in enumerate([PINK, BLUE, ORANGE, PINK, BLUE])]
    for i, (x, y, rgb) in enumerate(squares):
        _note(img, x, y, rgb, ["idee", "vote"], dots=[(50, 55)] if i % 2 else [])
        centres.append((x + 38, y + 38))
    # two yellow notes: the second over the first's bottom, its shadow cast upward on it
    _note(img, 120, 30, YELLOW, ["design", "cycle", "plus"])
    _note(img, 122, 80, YELLOW, ["better", "QA tools"], shadow=(1, -3))
    centres += [(120 + 38, 30 + 38), (122 + 38, 80 + 38)]
    # two lime notes, a strip of the first showing its first line of writing
    _note(img, 320, 30, LIME, ["device"])
    _note(img, 321, 62, LIME, ["more", "data"], shadow=(1, -3))
    centres += [(320 + 38, 30 + 38), (321 + 38, 62 + 38)]
    # a lone 76 x 127 mm card, writing across it: one note
    _note(img, 520, 30, YELLOW, ["Long", "card", "with", "lines"], size=(76, 127))
    centres.append((520 + 38, 30 + 63))
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * SCALE)
    img = np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)
    return img, [(x * SCALE, y * SCALE) for x, y in centres]


def _each_note_found(img: np.ndarray, centres: list[tuple[float, float]]) -> None:
    """As many notes read as drawn, and each drawn note's nearest found a different one
    each, within a fifth of a side (a strip's note reaches on under the next, to a square)."""
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    found = [(n.center[0] * w, n.center[1] * h) for n in res.notes]
    assert len(found) == len(centres), found
    pick = [int(np.argmin([np.hypot(f[0] - x, f[1] - y) for f in found])) for x, y in centres]
    assert len(set(pick)) == len(centres), (pick, found)
    for (x, y), k in zip(centres, pick, strict=True):
        assert np.hypot(found[k][0] - x, found[k][1] - y) < 0.2 * 76 * SCALE, (x, y, found[k])


@pytest.mark.slow
def test_notes_stacked_in_a_column_are_found_once_each() -> None:
    """Each note of the two stacks is one note, where it lies (a note under another as a
    square; main: the yellow and the lime pair were one note each, 11 notes of 13); the
    lone card with lines of writing across it stays one."""
    img, centres = _stacked_wall()
    _each_note_found(img, centres)


GREEN = (60, 110, 40)  # a green paper in a dim photo (L* 41: real post-its-8's at 35)
MARKER = (30, 45, 30)  # a black marker there (L* 17: 24 L* under the paper)


def _underlined_wall(seed: int = 7) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A slate wall of square notes and two green notes in a dim light: a 76 x 102 mm note
    (3 x 4") stuck over the bottom of a square one, 30 mm of it showing (1.74:1); on it
    "Plateforme" and "les PME ici", "PME" underlined by a marker stroke over the middle
    third of the note, "les" and "ici" written a little lower (a hand keeps no baseline):
    the stroke and the bottoms of those words make one line across the note."""
    rng = np.random.default_rng(seed)
    img = np.full((round(290 * SCALE), round(520 * SCALE), 3), WALL, np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    centres = []
    squares = [(20, 30, BLUE), (220, 30, ORANGE), (320, 30, YELLOW), (420, 30, PINK)]
    bottom = [PINK, BLUE, ORANGE, YELLOW, LIME]
    squares += [(20 + 100 * k, 190, rgb) for k, rgb in enumerate(bottom)]
    for x, y, rgb in squares:
        _note(img, x, y, rgb, ["idee", "vote"])
        centres.append((x + 38, y + 38))
    font, thick = cv2.FONT_HERSHEY_SIMPLEX, round(1.5 * SCALE)

    def write(word: str, x_mm: float, y_mm: float, size: float) -> None:
        at = (round(x_mm * SCALE), round(y_mm * SCALE))
        cv2.putText(img, word, at, font, size * SCALE, MARKER, thick, cv2.LINE_AA)

    for x, y, w, h, shadow in [(120, 30, 76, 76, (2, 3)), (122, 60, 76, 102, (1, -3))]:
        x0, y0 = round(x * SCALE), round(y * SCALE)
        x1, y1 = round((x + w) * SCALE) - 1, round((y + h) * SCALE) - 1
        dx, dy = shadow
        patch = img[y0 + dy : y1 + dy + 1, x0 + dx : x1 + dx + 1]
        patch[:] = (patch * 0.7).astype(np.uint8)
        cv2.rectangle(img, (x0, y0), (x1, y1), GREEN, -1)
        centres.append((x + w / 2, y + h / 2))
    write("design", 128, 46, 0.5)
    write("Plateforme", 130, 76, 0.35)
    for word, x, dy in [("les", 130, 3), ("PME", 149, 0), ("ici", 176, 3)]:
        write(word, x, 92 + dy, 0.35)
    # the underline: 25-51 mm of the note's 76, 4 mm under "PME"
    a, b = (round(147 * SCALE), round(96 * SCALE)), (round(173 * SCALE), round(96 * SCALE))
    cv2.line(img, a, b, MARKER, round(1.6 * SCALE), cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * SCALE)
    img = np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)
    return img, [(x * SCALE, y * SCALE) for x, y in centres]


@pytest.mark.slow
def test_an_underlined_word_is_no_seam() -> None:
    """Two green notes stacked in a dim photo, a word on the upper one underlined: the pair
    splits at the seam between them and nowhere else. The marker is 24 L* under the paper
    there (under merge_ink_drop), yet sends back a fifth of its light: it is ink, left out of
    the seam test (main: the stroke and the words beside it rose like a seam all across,
    the 3 x 4" note was cut in two at the underline, 12 notes for 11; real post-its-8)."""
    img, centres = _underlined_wall()
    _each_note_found(img, centres)


def test_a_note_half_covered_is_no_stack() -> None:
    """The shown part of a square note half under another one is long for its width (2.1:1
    here) but no longer than a note: a line of shade across it (a crease, the edge of a
    shadow) is no seam between two notes stacked. Asked against its own width (main before,
    near (0, 0) here) it was cut there, one note too many (generated held-out seed 45
    IMG_0008: a pink note half under another); against its neighbours' width, a whole
    note's, it is left whole. Two notes stacked, of their neighbours' width, are still cut."""
    from capture.vision.note_outline import FittedQuad, split_at_seam
    from capture.vision.wall_surface import rgb8_to_lab as to_lab

    m = CONFIG.markerless
    px = m.work_px_per_mm
    img = np.full((round(160 * px), round(120 * px), 3), WALL, np.float32)

    def sheet(x_mm: float, y_mm: float, w_mm: float, h_mm: float, line_mm: float) -> np.ndarray:
        """A pink paper with a line of shade across it (0.7 of the light, as a note's
        shadow), line_mm from its top; its corners (work px, TL TR BR BL)."""
        x0, y0 = round(x_mm * px), round(y_mm * px)
        x1, y1 = x0 + round(w_mm * px), y0 + round(h_mm * px)
        img[y0:y1, x0:x1] = PINK
        y = y0 + round(line_mm * px)
        img[y : y + round(1.5 * px), x0:x1] *= 0.7
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)

    half = sheet(10, 20, 36, 76, 40)  # the shown part of a 76 mm note half covered
    stack = sheet(60, 10, 54, 122, 72)  # two 54 mm notes, one stuck over the other
    rng = np.random.default_rng(5)
    blur = cv2.GaussianBlur(img, (0, 0), 0.6 * px) + rng.normal(0, 1.5, img.shape)
    lab = to_lab(np.clip(blur, 0, 255).astype(np.uint8))
    paper = to_lab(np.array([[PINK]], np.uint8))[0, 0]

    def parts(quad: np.ndarray, near: tuple[float, float]) -> int:
        got = split_at_seam(lab, FittedQuad(quad, None), paper, m, 1.0, near)
        return 1 if got is None else len(got)

    assert parts(half, (0.0, 0.0)) == 2  # against its own width (main before): cut
    assert parts(half, (76 * px, 76 * px)) == 1
    assert parts(stack, (54 * px, 54 * px)) == 2
