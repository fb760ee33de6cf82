"""Real notes that were not found at all (issue 20, real photos): a column of notes stuck edge
to edge on a second surface that reaches the photo's frame (a beige wall beside a
whiteboard)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision.markerless_read import read_wall

WHITEBOARD = (232, 233, 230)
BEIGE = (212, 186, 142)  # a painted wall beside the whiteboard, under the room's light
PAPER = {
    "yellow": (250, 232, 96),
    "pink": (250, 120, 170),
    "blue": (110, 190, 236),
    "orange": (250, 160, 70),
    "green": (150, 214, 110),
}


def _writing(img: np.ndarray, x0: int, y0: int, side: int) -> None:
    for k in range(2):  # two words of thin black marker
        org = (x0 + side // 8, y0 + side // 3 + k * side // 3)
        cv2.putText(img, "Idea", org, cv2.FONT_HERSHEY_SIMPLEX, side / 160, (35, 35, 35), 2)


def _column_beside_whiteboard(
    seed: int = 7,
) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """A whiteboard filling most of the photo (its most common colour) with lone notes on it,
    and along the right edge the beige wall it hangs on, reaching the frame on three sides,
    with a column of five green notes stuck edge to edge on it (each one's shadow on the next),
    the column clear of the frame. Returns the photo and each note's centre and colour."""
    rng = np.random.default_rng(seed)
    h, w, side = 760, 1100, 100
    img = np.full((h, w, 3), WHITEBOARD, np.uint8)
    img[:, 900:] = BEIGE
    img[:, 896:900] = (160, 160, 158)  # the whiteboard's frame
    notes = []
    lone = [
        (80, 90, "yellow"), (300, 70, "pink"), (560, 110, "blue"),
        (130, 330, "orange"), (420, 320, "yellow"), (660, 360, "pink"),
        (90, 580, "blue"), (380, 600, "orange"), (650, 590, "yellow"),
    ]
    for x0, y0, colour in lone:
        cv2.rectangle(img, (x0 + 4, y0 + 5), (x0 + side + 3, y0 + side + 4), (200, 200, 198), -1)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), PAPER[colour], -1)
        _writing(img, x0, y0, side)
        notes.append((x0 + side / 2, y0 + side / 2, colour))
    x0 = 950
    for k in range(5):  # the column: edge to edge, each a little over the one above it
        y0 = 110 + k * (side - 2)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), PAPER["green"], -1)
        cv2.line(img, (x0, y0), (x0 + side - 1, y0), (96, 140, 70), 3)  # the seam's shadow
        _writing(img, x0, y0, side)
        notes.append((x0 + side / 2, y0 + side / 2, "green"))
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.8), notes


def _found(img: np.ndarray, notes: list, within: float) -> list:
    """For each drawn note, the found notes within `within` px of its centre."""
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    centres = [(n.center[0] * w, n.center[1] * h) for n in res.notes]
    found = [(n.color, c) for n, c in zip(res.notes, centres, strict=True)]
    assert len(res.notes) == len(notes), found
    return [[c for c in centres if np.hypot(c[0] - x, c[1] - y) < within] for x, y, _ in notes]


@pytest.mark.slow
def test_a_column_of_notes_on_a_second_surface_reaching_the_frame() -> None:
    """The beige wall beside the whiteboard differs from it, reaches the frame and holds the
    column: one large frame-bound blob, dropped whole as the wall beyond (the five green notes
    lost). Its column shows no lone note, so the beige is no bare surface either. With the
    blob's own flat colour taken away, the beige's part reaches the frame and is left out;
    the column, clear of the frame and filling its rectangle, is notes: all 14 found, each
    once, at its place (main: 9)."""
    img, notes = _column_beside_whiteboard()
    hits = _found(img, notes, 30)
    assert all(len(h) == 1 for h in hits), hits


@pytest.mark.slow
def test_a_lamp_across_the_wall_beyond_leaves_no_false_note() -> None:
    """The same whiteboard with no column, its beige wall under a lamp at one corner (the
    light warmer across it: a third of the wall lies over fg_delta_e from its own most
    common colour): the wall's colour taken away leaves its far shades, blobs far larger
    than notes (a first design, reverted, took such shades for 11 false notes on a generated
    kraft wall). They reach the frame: the nine notes on the whiteboard are found and
    nothing else."""
    img, notes = _column_beside_whiteboard()
    img = img.copy()
    h, w = img.shape[:2]
    img[:, 900:] = BEIGE
    yy, xx = np.mgrid[0:h, 0 : w - 900].astype(np.float32)
    far = np.hypot(yy / h, xx / (w - 900)) / np.sqrt(2)  # 0 at the lamp, 1 across
    tint = np.stack([1 + 0.3 * far, np.ones_like(far), 1 - 0.8 * far], -1)
    img[:, 900:] = np.clip(img[:, 900:] * tint, 0, 255).astype(np.uint8)
    img[:, 896:900] = (160, 160, 158)
    hits = _found(img, notes[:9], 30)
    assert all(len(h) == 1 for h in hits), hits
