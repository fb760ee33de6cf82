"""Notes on a second surface whose notes touch each other (issue 20, real photos): a whiteboard
on a beige wall, a column of green notes stuck edge to edge on the wall beside it, cut by
nothing, reaching no board."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision import markerless
from capture.vision.markerless_read import read_wall

PAPERS = {"yellow": (250, 228, 110), "pink": (250, 130, 176), "blue": (118, 196, 236)}
GREEN = (150, 214, 110)


def _board_and_wall() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A whiteboard filling the left three quarters of the photo with six lone notes on it
    (they set the scale), a beige wall on the right reaching the frame, and on that wall a
    column of four green notes stuck edge to edge (each overlapping the next by 4 px, the
    lower one's top edge shaded), all with writing. Returns the photo and the column notes'
    centres."""
    rng = np.random.default_rng(5)
    h, w, side = 800, 1200, 100
    img = np.full((h, w, 3), (226, 204, 168), np.float32)  # beige paint
    img[:, :900] = (236, 236, 232)  # the whiteboard
    img[:, 896:900] = (120, 120, 120)  # its frame
    notes = []
    for k, name in enumerate(["yellow", "pink", "blue", "yellow", "blue", "pink"]):
        x0, y0 = 80 + (k % 3) * 260, 120 + (k // 3) * 300
        notes.append((x0, y0, PAPERS[name]))
    column = []
    for k in range(4):
        x0, y0 = 1000, 120 + k * (side - 4)
        notes.append((x0, y0, GREEN))
        column.append((x0 + side / 2, y0 + side / 2))
    for x0, y0, paper in notes:
        cv2.rectangle(img, (x0 + 3, y0 + 4), (x0 + side + 3, y0 + side + 4), (120, 110, 95), -1)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), paper, -1)
        cv2.line(img, (x0, y0), (x0 + side - 1, y0), [0.8 * v for v in paper], 2)
        for j in range(2):  # two words of thin black marker writing
            org = (x0 + 12, y0 + 40 + 35 * j)
            cv2.putText(img, "Data", org, cv2.FONT_HERSHEY_SIMPLEX, 0.7, (30, 30, 30), 2)
    img = cv2.GaussianBlur(img, (0, 0), 0.8) + rng.normal(0, 2, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), column


def _column_found(img: np.ndarray, column: list[tuple[float, float]]) -> list[float]:
    """Per column note, how far the nearest note found on the wall lies (px); every note found
    there is green, one per column note."""
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    cs = [(n.center[0] * w, n.center[1] * h, n.color) for n in res.notes]
    on_wall = [(x, y) for x, y, c in cs if x > 900]
    assert all(c == "green" for x, _y, c in cs if x > 900), cs
    assert len(on_wall) in (0, len(column)), cs
    far = [[np.hypot(x - cx, y - cy) for x, y in on_wall] for cx, cy in column]
    return [min(d, default=np.inf) for d in far]


def test_notes_touching_on_a_second_surface_are_found() -> None:
    """The beige wall shows no lone note (its notes touch in a column), so it is no bare
    surface: its blob, reaching the frame, was dropped whole as background with the notes on
    it. Its own flat colour taken away, the column's four notes are found, each within the
    bench's match (0.35 of a side: the square coverer lays a column with no gap a quarter side
    off its seams, as on the boards' walls of notes)."""
    img, column = _board_and_wall()
    off = _column_found(img, column)
    assert max(off) < 35, off


def test_without_the_surface_taken_away_the_column_is_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same photo with the background blob dropped whole (as before): no note of the
    column is found, which is what the first test guards against."""
    img, column = _board_and_wall()
    monkeypatch.setattr(
        markerless, "_notes_on_surface", lambda lab, bg, cfg: np.zeros(bg.shape, bool)
    )
    off = _column_found(img, column)
    assert min(off) > 60, off
