"""Walls with notes of several real pack sizes (76 x 76, 76 x 127, 100 x 100, 38 x 51 and
102 x 152 mm, one wall often holding two): the generator draws them with exact truth at level
hard only (easy and medium walls stay as they were), the bench scores each note by its own
side, and a card seen askew is found as one note, not split into squares (issue 20)."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.app.json_out import markerless_to_dict
from capture.bench.markerless import score_photo
from capture.core.config import CONFIG
from capture.io.decode import load_photo
from capture.synth.markerless_scene import (
    NOTE_MM,
    PACKS_MM,
    plan_wall,
    render_markerless,
    rng_for,
    wall_packs,
)
from capture.vision.markerless_read import read_wall
from capture.vision.wall_notes import plane_squares, wall_plane


def _mixed_synth():
    """The generator's medium level with every wall drawn from other packs."""
    s = CONFIG.synth
    return dataclasses.replace(s, medium=dataclasses.replace(s.medium, note_packs_p=1.0))


@pytest.mark.slow
def test_easy_and_medium_walls_hold_the_usual_notes_only() -> None:
    """At easy and medium no wall draws another pack and the packs' stream is left untouched
    (the team's sets and the bench's seeds stay byte-identical); at hard some walls do."""
    for level in ("easy", "medium"):
        assert CONFIG.synth.level(level).note_packs_p == 0.0
        for index in range(6):
            packs = rng_for(41, "ml-packs", index)
            layout = plan_wall(rng_for(41, "ml-plan", index), level, CONFIG.synth, packs)
            assert {(n.size_mm, n.tall_mm) for n in layout.notes} == {(NOTE_MM, NOTE_MM)}
            fresh = rng_for(41, "ml-packs", index)
            assert packs.random() == fresh.random()  # nothing was drawn from it
    hard = CONFIG.synth.hard.note_packs_p
    drawn = [wall_packs(rng_for(42, "ml-packs", i), hard)[0] for i in range(40)]
    assert any(p != (PACKS_MM[0],) for p in drawn)
    assert any(p == (PACKS_MM[0],) for p in drawn)
    assert all(set(p) <= set(PACKS_MM) | {(h, w) for w, h in PACKS_MM} for p in drawn)


@pytest.mark.slow
def test_truth_gives_each_note_of_another_pack_its_size() -> None:
    """A wall mixing two packs: each note of the other pack carries its size in mm, and its
    outline in the photo is that shape (sides in the ratio of the pack's, up to the
    perspective); the notes do not overlap more than the level's overlaps make them."""
    synth = _mixed_synth()
    seen: set[tuple[float, float]] = set()
    for index in range(4):
        layout = plan_wall(
            rng_for(501, "ml-plan", index), "medium", synth, rng_for(501, "ml-packs", index)
        )
        for n in layout.notes:
            seen.add((n.size_mm, n.tall_mm))
            c = n.corners_mm()
            assert np.isclose(np.linalg.norm(c[1] - c[0]), n.size_mm)
            assert np.isclose(np.linalg.norm(c[3] - c[0]), n.tall_mm)
    assert len(seen) >= 3
    _, truth = render_markerless(3, 501, "medium", 1.0, synth=synth, clutter=False)
    other = [n for n in truth["notes"] if "size_mm" in n]
    usual = [n for n in truth["notes"] if "size_mm" not in n]
    assert other and usual
    for n in other:
        c = np.array(n["corners_px"])
        w = (np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2
        h = (np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2
        ratio = n["size_mm"][1] / n["size_mm"][0]
        assert abs(np.log((h / w) / ratio)) < np.log(1.4)  # a tilt shapes it, no more


def test_the_bench_matches_each_note_within_its_own_side() -> None:
    """A found note 0.3 x a large card's side from its centre is that card (the photo's
    median note side, of the small usual squares, would have called it a false note), and
    one 0.3 x a usual square's side off a usual square still is that square."""
    card = {"id": "n01", "color": "yellow", "text": "", "dots": {}, "required": True,
            "corners_px": [[0, 0], [200, 0], [200, 134], [0, 134]], "center_px": [100, 67],
            "side_px": 167.0, "size_mm": [152.0, 102.0]}
    squares = [
        {"id": f"n0{k + 2}", "color": "pink", "text": "", "dots": {}, "required": True,
         "corners_px": [[x, 400], [x + 100, 400], [x + 100, 500], [x, 500]],
         "center_px": [x + 50, 450], "side_px": 100.0}
        for k, x in enumerate((0, 200, 400))
    ]
    truth = {"size_px": [1000, 1000], "notes": [card, *squares], "free_dots": []}

    def found(x: float, y: float, colour: str) -> dict:
        return {"center": [x / 1000, y / 1000], "color": colour, "dots": {}, "text": ""}

    doc = {"notes": [found(100 + 50, 67, "yellow"), found(50 + 30, 450, "pink"),
                     found(250, 450, "pink"), found(450, 450, "pink")], "dots": []}
    s = score_photo(truth, doc)
    assert (s["hit"], s["false"]) == (4, 0)
    doc["notes"][1] = found(50 + 40, 450, "pink")  # 0.4 x its side off: no match
    s = score_photo(truth, doc)
    assert (s["hit"], s["false"]) == (3, 1)


@pytest.mark.slow
def test_cards_seen_askew_are_one_note_each() -> None:
    """Seed 501's fourth wall with other packs (4 MP): upright 76 x 127 mm cards among 76 mm
    squares, the wall turned from the camera so that a card reads up to 2:1. Main at 6b1146b
    laid three squares on each card (the two ends false notes, the outline a third of the
    card's): every required note is found once, no false note, every outline covers its
    paper. (The third wall, lined 102 x 152 mm cards, keeps one far card split: its curled
    outline fills its quadrilateral under card_fill_min.)"""
    index = 3
    data, truth = render_markerless(index, 501, "medium", 4.0, synth=_mixed_synth(), clutter=False)
    assert any("size_mm" in n and n["size_mm"][1] > n["size_mm"][0] for n in truth["notes"])
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "wall.jpg"
        f.write_bytes(data)
        rgb, _ = load_photo(f, CONFIG.limits)
    doc = markerless_to_dict(read_wall(rgb, CONFIG, None), "wall.jpg", {})
    s = score_photo(truth, doc)
    assert s["hit"] == s["req"] and s["false"] == 0
    assert s["outline_iou_ok"] == s["matched"]


def test_a_card_is_one_lone_note_a_strip_or_a_stepped_pair_is_not() -> None:
    """lone_quads with a note side of 60 px: an upright card 60 x 115 px (a 76 x 127 mm card
    seen askew, 1.9:1) is one note; a strip 30 px wide as long (half a note: a spine, a
    strip of a note under another) is not, nor two notes 60 px wide stacked in a column a
    few px out of line (their outline steps where they overlap)."""
    from capture.vision.note_shapes import lone_quads

    def one(mask: np.ndarray) -> int:
        quads, _ = lone_quads(mask, lambda _c: 60.0, CONFIG)
        return len(quads)

    card = np.zeros((300, 300), bool)
    card[80:195, 100:160] = True
    assert one(card) == 1
    strip = np.zeros((300, 300), bool)
    strip[80:137, 100:130] = True
    assert one(strip) == 0
    pair = np.zeros((300, 300), bool)
    pair[60:120, 100:160] = True
    pair[115:175, 106:166] = True
    assert one(pair) == 0


def _seen(hm: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Wall points (mm) as the photo shows them through hm."""
    p = np.asarray(pts, np.float64).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(p, hm).reshape(-1, 2)


def _note_mm(centre: tuple[float, float], w: float, h: float, turn: float = 0.0) -> np.ndarray:
    """A w x h mm note's corners on the wall (TL TR BR BL), turned by turn radians."""
    c, s = np.cos(turn), np.sin(turn)
    half = np.array([(-w, -h), (w, -h), (w, h), (-w, h)]) / 2
    return half @ np.array([[c, s], [-s, c]]) + np.array(centre)


# a wall turned from the camera: the far side (right) a third smaller than the near one
_TILT = np.array([[2.0, 0.15, 300.0], [0.1, 2.2, 200.0], [0.0012, 0.0001, 1.0]])


def test_the_wall_plane_takes_the_most_common_square_pack_for_the_usual_one() -> None:
    """Six usual 76 mm squares, three 100 mm squares (drawn exactly, the usual ones 0.3 px
    off, as outlines are) and two 76 x 127 mm cards: main tried every quad as a square of
    note_mm and kept the one making the others squarest, a 100 mm square here, so every
    distance on the plane came out 24 % short. The plane now rests on the squares that agree
    (both packs, not the cards) and takes the pack most of them belong to for note_mm."""
    rng = np.random.default_rng(7)
    big = [_note_mm((x, 0), 100, 100, t) for x, t in ((0, 0.02), (140, -0.03), (280, 0.01))]
    usual = [_note_mm((x, y), 76, 76, rng.uniform(-0.05, 0.05))
             for y in (150, 260) for x in (0, 110, 220)]
    cards = [_note_mm((390, 90), 76, 127, 0.02), _note_mm((390, 240), 76, 127, -0.02)]
    quads = [_seen(_TILT, q) for q in big]
    quads += [_seen(_TILT, q) + rng.normal(0, 0.3, (4, 2)) for q in usual]
    quads += [_seen(_TILT, q) for q in cards]
    m = CONFIG.markerless
    h = wall_plane(quads, m.note_mm, m)
    assert h is not None
    assert plane_squares(h, quads, m) == 9  # the cards are no squares on it
    true = np.array([q.mean(0) for q in big + usual + cards])
    found = _seen(h, np.array([q.mean(0) for q in quads]))
    i, j = np.triu_indices(len(true), 1)
    d_true = np.linalg.norm(true[i] - true[j], axis=1)
    d_found = np.linalg.norm(found[i] - found[j], axis=1)
    assert np.max(np.abs(d_found / d_true - 1)) < 0.02


def test_no_wall_plane_when_too_few_squares_agree() -> None:
    """Two squares, two upright and two landscape cards: whichever quad is tried as a square,
    at most two notes are squares with it (wall_min_quads is 3), so the shape of the wall is
    not known (a card taken for a square stretches it): no plane, and none to rest on."""
    notes = [_note_mm((0, 0), 76, 76), _note_mm((110, 0), 76, 76),
             _note_mm((0, 130), 76, 127), _note_mm((110, 130), 76, 127),
             _note_mm((30, 280), 127, 76), _note_mm((190, 280), 127, 76)]
    quads = [_seen(_TILT, q) for q in notes]
    m = CONFIG.markerless
    h = wall_plane(quads, m.note_mm, m)
    assert h is None and plane_squares(h, quads, m) == 0
    # with a third square the plane is known, and rests on the three
    quads.append(_seen(_TILT, _note_mm((220, 0), 76, 76)))
    h = wall_plane(quads, m.note_mm, m)
    assert h is not None and plane_squares(h, quads, m) == 3


@pytest.mark.slow
def test_distances_on_mixed_walls_hold_on_the_wall_plane() -> None:
    """Seed 501's walls with other packs (4 MP): the eighth mixes 76 and 100 mm squares, and
    main took a 100 mm square for the usual one (distances on the plane 22 % off, median);
    the seventh mixes squares with 76 x 127 mm cards, where main found no plane (the cards
    kept the median error of the squares over wall_max_error). Both now hold within 3 %."""
    for index in (6, 7):
        data, truth = render_markerless(
            index, 501, "medium", 4.0, synth=_mixed_synth(), clutter=False
        )
        assert len({tuple(n.get("size_mm", (NOTE_MM, NOTE_MM))) for n in truth["notes"]}) == 2
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "wall.jpg"
            f.write_bytes(data)
            rgb, _ = load_photo(f, CONFIG.limits)
        doc = markerless_to_dict(read_wall(rgb, CONFIG, None), "wall.jpg", {})
        assert doc["wall_plane"] and doc["wall_squares"] >= CONFIG.markerless.wall_min_quads
        s = score_photo(truth, doc)
        assert len(s["wall_errs"]) >= 10
        assert np.median(s["wall_errs"]) < 0.03, index


def test_no_wall_plane_from_squares_of_sizes_no_three_share() -> None:
    """Two usual squares and two squares 60 % their side (say false notes from the room, or
    two packs of two): all four are squares under one plane, but its perspective (squares
    of one size wherever they lie) rests on no three of one pack, so there is none; main
    took it on any four squares. A third usual square makes it sound again."""
    notes = [_note_mm((0, 0), 76, 76), _note_mm((200, 150), 76, 76),
             _note_mm((110, 0), 46, 46), _note_mm((0, 150), 46, 46)]
    quads = [_seen(_TILT, q) for q in notes]
    m = CONFIG.markerless
    assert wall_plane(quads, m.note_mm, m) is None
    quads.append(_seen(_TILT, _note_mm((300, 0), 76, 76)))
    h = wall_plane(quads, m.note_mm, m)
    assert h is not None and plane_squares(h, quads, m) == 5
    c = _seen(h, np.array([quads[0].mean(0), quads[4].mean(0)]))
    assert abs(np.linalg.norm(c[1] - c[0]) - 300) < 3  # the usual squares set the scale


def test_of_the_two_square_packs_the_smaller_is_the_usual_one() -> None:
    """Five 100 mm squares and three 76 mm ones: the larger pack is the more common here,
    but the two square packs sold are 100 and 76 mm, so the smaller sets note_mm (main took
    a 100 mm square for a usual one: distances 24 % short)."""
    notes = [_note_mm((x, 0), 100, 100) for x in (0, 130, 260)]
    notes += [_note_mm((x, 140), 100, 100) for x in (0, 130)]
    notes += [_note_mm((x, 140), 76, 76) for x in (240, 340, 440)]
    quads = [_seen(_TILT, q) for q in notes]
    m = CONFIG.markerless
    h = wall_plane(quads, m.note_mm, m)
    assert h is not None and plane_squares(h, quads, m) == 8
    true = np.array([q.mean(0) for q in notes])
    found = _seen(h, _seen(_TILT, true))
    i, j = np.triu_indices(len(true), 1)
    d_true = np.linalg.norm(true[i] - true[j], axis=1)
    d_found = np.linalg.norm(found[i] - found[j], axis=1)
    assert np.max(np.abs(d_found / d_true - 1)) < 0.01
