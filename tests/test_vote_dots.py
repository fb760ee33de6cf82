"""Dot voting as it happens on real walls (markerless_scene.vote_dots): popular notes with
8-20 dots touching and overlapping, two pack sizes, dots straddling a note's edge, a tight
cluster of free dots. Its truth stays exact, the levels the team's sets use stay as they
were, and what the finder still misses of it is said (issue 20, 40th stop)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.app.json_out import markerless_to_dict
from capture.core.config import CONFIG
from capture.synth.markerless_scene import (
    VOTE_DOT_MIN_SEEN,
    _disc_points,
    plan_wall,
    render_markerless,
    rng_for,
    top_note,
    vote_dots,
)
from capture.vision.markerless_read import read_wall


def _voted(seed: int, index: int = 0):
    plain = plan_wall(rng_for(seed, "ml-plan", index), "medium")
    return plain, vote_dots(plain, rng_for(seed, "ml-votes", index))


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_votes_only_add_dots_to_the_planned_wall(seed: int) -> None:
    plain, voted = _voted(seed)
    assert voted.notes == plain.notes and voted.bbox == plain.bbox
    assert voted.dots[: len(plain.dots)] == plain.dots
    assert voted.dot_note[: len(plain.dot_note)] == plain.dot_note
    added = voted.dots[len(plain.dots) :]
    on = voted.dot_note[len(plain.dots) :]
    counts = np.bincount([i for i in on if i is not None], minlength=len(voted.notes))
    assert counts.max() >= 8  # a popular note
    assert len({d.diameter_mm for d in voted.dots}) == 2  # two packs on one wall
    # a dot's note is the note under its centre, as wall_truth counts it
    for d, i in zip(added, on, strict=True):
        if i is not None:
            assert top_note(d.center_mm, voted.notes) == i
    # a dot straddling its note's edge: centre on the note, part of the disc past it
    straddles = 0
    for d, i in zip(added, on, strict=True):
        if i is None:
            continue
        q = voted.notes[i].corners_mm().astype(np.float32)
        edge = cv2.pointPolygonTest(q, d.center_mm, True)
        straddles += 0 <= edge < d.diameter_mm / 2
    assert straddles >= 1
    # free dots in a tight cluster: some touch or overlap each other
    free = [d for d, i in zip(added, on, strict=True) if i is None]
    assert any(
        np.hypot(a.center_mm[0] - b.center_mm[0], a.center_mm[1] - b.center_mm[1])
        <= (a.diameter_mm + b.diameter_mm) / 2
        for k, a in enumerate(free)
        for b in free[k + 1 :]
    )


def test_every_vote_dot_stays_in_view_enough_to_count() -> None:
    _, voted = _voted(42)
    dots = voted.dots
    overlapped = 0
    for k, d in enumerate(dots):
        pts = _disc_points(d.center_mm, d.diameter_mm / 2)
        hidden = np.zeros(len(pts), bool)
        for e in dots[k + 1 :]:
            hidden |= np.hypot(pts[:, 0] - e.center_mm[0], pts[:, 1] - e.center_mm[1]) <= (
                e.diameter_mm / 2
            )
        assert 1 - hidden.mean() >= VOTE_DOT_MIN_SEEN
        overlapped += bool(hidden.any())
    assert overlapped >= 3  # later voters' dots do cover earlier ones


@pytest.mark.slow
def test_medium_photos_are_unchanged_unless_votes_are_asked_for() -> None:
    base, _ = render_markerless(0, 41, "medium", 1.0)
    assert render_markerless(0, 41, "medium", 1.0, votes=False)[0] == base
    voted, truth = render_markerless(0, 41, "medium", 1.0, votes=True)
    assert voted != base
    assert max(sum(n["dots"].values()) for n in truth["notes"]) >= 8


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="40th stop: in a heap of a popular note's dots, the smaller pack's dots and dots "
    "mostly under later ones get no disc (21 found 10); see markerless-journal.md",
)
def test_a_popular_notes_dots_are_counted() -> None:
    data, truth = render_markerless(4, 41, "medium", 6.0, votes=True)
    rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(data, np.uint8), 1), cv2.COLOR_BGR2RGB)
    doc = markerless_to_dict(read_wall(rgb, CONFIG, None), truth["file"], {})
    h, w = rgb.shape[:2]
    top = max(truth["notes"], key=lambda n: sum(n["dots"].values()))
    c = np.array(top["center_px"])
    found = min(doc["notes"], key=lambda n: np.linalg.norm(np.array(n["center"]) * (w, h) - c))
    assert np.linalg.norm(np.array(found["center"]) * (w, h) - c) < 0.35 * top["side_px"]
    assert dict(found["dots"]) == top["dots"]


def _evidence(cand: np.ndarray):
    from capture.vision.wall_stickers import StickerEvidence

    z = np.zeros(cand.shape, np.float32)
    lab = np.zeros((*cand.shape, 3), np.float32)
    return StickerEvidence(
        z, z, np.zeros(cand.shape, int), cand, np.zeros_like(cand), z, cand, lab,
        np.zeros((0, 3)), np.zeros((*cand.shape, 3), np.uint8),
    )


def _disc(x: float, y: float, r: float):
    from capture.vision.wall_stickers import Disc

    red = np.tile(np.array([[50.0, 60.0, 40.0]], np.float32), (30, 1))
    return Disc(x, y, red, False, r)


def test_a_heap_of_dots_is_judged_as_a_whole_not_a_stroke_nor_a_note() -> None:
    from capture.vision.wall_stickers import heap_members

    r = 10.0
    m = CONFIG.markerless
    # five dots stuck over one another: one blob, its outline their rims
    heap = np.zeros((200, 300), np.uint8)
    at = [(60, 60), (75, 62), (68, 76), (84, 78), (55, 80)]
    for x, y in at:
        cv2.circle(heap, (x, y), int(r), 1, -1)
    discs, ev = [_disc(x, y, r) for x, y in at], _evidence(heap.astype(bool))
    assert len(heap_members(discs, [], ev, m)) == 5
    # off every note found, a blob like it is left to the other rules (a note missed)
    off = _evidence(heap.astype(bool))
    off.owner[:] = -1
    assert heap_members(discs, [], off, m) == []
    # a kept disc is not counted twice
    got = heap_members(discs, [_disc(*at[0], r)], ev, m)
    assert len(got) == 4
    # a thick stroke (narrower than a disc): no disc laid along it is full
    stroke = np.zeros((200, 300), np.uint8)
    cv2.line(stroke, (40, 150), (200, 120), 1, int(1.2 * r))
    along = [_disc(40 + k * 20.0, 150 - k * 3.75, r) for k in range(9)]
    assert heap_members(along, [], _evidence(stroke.astype(bool)), m) == []
    # a note-sized square of sticker colour: straight sides, no heap
    square = np.zeros((200, 300), np.uint8)
    square[20:140, 150:270] = 1
    grid = [_disc(160 + 20.0 * i, 30 + 20.0 * j, r) for i in range(6) for j in range(6)]
    assert heap_members(grid, [], _evidence(square.astype(bool)), m) == []
    # one round thing larger than a sticker (a magnet, a pin's head): no notches, no heap
    magnet = np.zeros((200, 300), np.uint8)
    cv2.circle(magnet, (100, 100), int(2.5 * r), 1, -1)
    on_it = [_disc(100 + dx, 100 + dy, r) for dx, dy in [(0, 0), (-12, 0), (12, 0), (0, 12)]]
    assert heap_members(on_it, [], _evidence(magnet.astype(bool)), m) == []
