"""The detectors' steps on small drawn arrays: markers resolved to boards, discs counted in a
vote zone, a square found as a note, stacked notes ordered. Fast: no photo is rendered."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from drawn_scene import NOTE_RGB, STICKER_RGB, sample_kit

from capture.core.config import CONFIG
from capture.core.model import BoardFit, BoardLayout, Dot, Note, ZoneSpec
from capture.interpret.flags import render_all
from capture.vision.colour import Normalised, load_colour_refs
from capture.vision.dots import Sticker, Window, count_dots, tally, vote_window, zone_findings
from capture.vision.notes import ClassFrame, find_notes, mark_covered, stacking
from capture.vision.rectify import Rectified
from capture.vision.register import MarkerHit, group_by_board, one_copy, peel_sightings

PPM = 4.0  # px per mm of the drawn boards


def _project(h: np.ndarray, pts) -> np.ndarray:
    pts = np.asarray(pts, np.float64).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(pts, h).reshape(-1, 2)


def _hits(board: BoardLayout, h: np.ndarray) -> list[MarkerHit]:
    return [MarkerHit(m.id, _project(h, m.corners_mm).astype(np.float32)) for m in board.markers]


def _view(scale: float, dx: float, dy: float) -> np.ndarray:
    """A slightly tilted view of a board: board mm -> photo px."""
    return np.array([[scale, 0.08, dx], [-0.05, scale * 0.97, dy], [2e-5, 1e-5, 1.0]])


# --- register ---------------------------------------------------------------------------------


def test_markers_resolve_to_their_board_with_its_homography() -> None:
    kit = sample_kit()
    board = kit.board("verbatim-01")
    index = kit.marker_index()
    true_h = _view(2.0, 300, 200)
    stray = MarkerHit(9999, np.zeros((4, 2), np.float32))  # another kit's id
    by_board = group_by_board([*_hits(board, true_h), stray], index)
    assert list(by_board) == ["verbatim-01"]
    (seen,) = peel_sightings(by_board["verbatim-01"], board, index, CONFIG.register)
    assert {m.id for m in seen.markers} == {m.id for m in board.markers}
    assert seen.error_mm < 0.01
    w, h = board.size_mm
    grid = [(x, y) for x in np.linspace(0, w, 5) for y in np.linspace(0, h, 5)]
    assert np.abs(_project(seen.homography, grid) - _project(true_h, grid)).max() < 0.01


def test_two_printed_copies_are_two_sightings_and_one_board_is_kept() -> None:
    kit = sample_kit()
    board = kit.board("verbatim-01")
    index = kit.marker_index()
    left, right = _view(2.0, 100, 200), _view(2.0, 1400, 220)
    hits = _hits(board, left) + _hits(board, right)[:2]  # the second copy is half hidden
    sightings = peel_sightings(hits, board, index, CONFIG.register)
    assert [len(s.markers) for s in sightings] == [len(board.markers), 2]
    fits = [
        BoardFit(board.id, s.homography, tuple(sorted(m.id for m in s.markers)), s.error_mm,
                 True, 1.0)
        for s in reversed(sightings)
    ]
    kept, findings = one_copy(fits, walled=False)
    assert len(kept) == 1 and len(kept[0].markers) == len(board.markers)
    assert [(f.code, f.values["copies"]) for f in findings] == [("duplicate_board", 2)]
    assert "apparaît 2 fois" in render_all(findings)[0].message


def test_a_board_on_a_single_marker_is_flagged_unless_the_wall_placed_it() -> None:
    fit = BoardFit("story", np.eye(3), (7,), 0.0, True, 1.0)
    assert [f.item for f in one_copy([fit], walled=False)[1]] == ["single_marker"]
    assert one_copy([fit], walled=True)[1] == []


# --- a drawn board: rectified and normalised by hand --------------------------------------------


def _board(zones: tuple[ZoneSpec, ...], size=(200.0, 120.0)) -> BoardLayout:
    qr = (size[0] - 22, 2, 20, 20)  # the print (colour.print_ink) draws one
    return BoardLayout("b1", "story", "Essai", "mur", size, (), qr, "capture|essai|b1", zones, ())


def _rectified(img: np.ndarray, board: BoardLayout, valid: np.ndarray | None = None) -> Rectified:
    valid = np.ones(img.shape[:2], bool) if valid is None else valid
    to_photo = np.eye(3)
    return Rectified(board.id, img, valid, PPM, 0.0, board.size_mm, to_photo)


def _normalised(img: np.ndarray, clipped: np.ndarray | None = None) -> Normalised:
    clipped = np.zeros(img.shape[:2], bool) if clipped is None else clipped
    paper = np.ones((img.shape[0] // 16, img.shape[1] // 16), bool)
    return Normalised(img.astype(np.float32) / 255, clipped, (245, 245, 245), (20, 20, 20),
                      paper, 0.0)


def _paper(board: BoardLayout) -> np.ndarray:
    w, h = board.size_mm
    return np.full((round(h * PPM), round(w * PPM), 3), 245, np.uint8)


def _disc(img: np.ndarray, centre_mm, diameter_mm: float, rgb) -> None:
    c = tuple(round(v * PPM) for v in centre_mm)
    cv2.circle(img, c, round(diameter_mm / 2 * PPM), tuple(int(v) for v in rgb), -1, cv2.LINE_AA)


# --- dots -------------------------------------------------------------------------------------


def test_two_touching_discs_count_as_two_votes_of_their_colour() -> None:
    zones = (ZoneSpec("agree", "vote", (10, 10, 80, 100), "D'accord", "agree"),
             ZoneSpec("disagree", "vote", (110, 10, 80, 100), "Pas d'accord", "disagree"))
    board = _board(zones)
    img = _paper(board)
    _disc(img, (40, 50), 12, STICKER_RGB["red"])
    _disc(img, (51, 52), 12, STICKER_RGB["red"])  # overlapping the first
    _disc(img, (150, 60), 12, STICKER_RGB["blue"])
    refs = load_colour_refs(("red", "blue"), ("yellow",))
    dots, votes, findings = count_dots(_rectified(img, board), _normalised(img), board, 12, 76,
                                       refs)
    assert sorted((d.zone, d.color) for d in dots) == [
        ("agree", "red"), ("agree", "red"), ("disagree", "blue")]
    assert [(v.zone, v.count, v.by_color) for v in votes] == [
        ("agree", 2, {"red": 2}), ("disagree", 1, {"blue": 1})]
    centres = sorted(d.center_mm for d in dots if d.color == "red")
    assert np.allclose(centres, [(40, 50), (51, 52)], atol=1.5)
    assert findings == []


def test_vote_zone_findings_say_what_to_check() -> None:
    zone = ZoneSpec("agree", "vote", (10, 10, 80, 100), "D'accord", "agree")
    board = _board((zone,))
    img = _paper(board)
    valid = np.ones(img.shape[:2], bool)
    valid[:, round(60 * PPM):] = False  # the photo's frame cuts the zone
    clipped = np.zeros(img.shape[:2], bool)
    clipped[round(10 * PPM):round(60 * PPM), round(10 * PPM):round(60 * PPM)] = True  # glare
    rect = _rectified(img, board, valid)
    # the zone grown by a sticker's diameter (a sticker on its edge is whole), within the image
    assert vote_window(rect, [zone], 12) == Window(0, 0, round(102 * PPM), round(120 * PPM))

    def sticker(colour: str, faint: bool, ambiguous: bool) -> Sticker:
        return Sticker(Dot("b1", "agree", (30, 30), 6, colour, 1.0), faint, ambiguous)

    stickers = [sticker("red", True, True), sticker("unknown", True, False),
                sticker("red", False, True)]
    found = zone_findings(zone, board, stickers, rect, _normalised(img, clipped), CONFIG.dots)
    assert [(f.code, f.variant) for f in found] == [
        ("ambiguous_cluster", "zone"), ("glare", "washed"), ("unknown_colour", "zone"),
        ("glare", "zone"), ("zone_cut", "")]
    assert found[1].values["count"] == 2 and found[2].values["count"] == 1
    assert found[3].values["share"] == pytest.approx(50 * 50 / (50 * 100), abs=0.02)
    text = [f.message for f in render_all(found)]
    assert text[1].startswith("2 gommette(s) de la zone D'accord de b1 sont délavées")
    assert "Un reflet couvre 50% de la zone D'accord de b1" in text[3]
    (vote,) = tally(board, [zone], stickers)
    assert (vote.count, vote.by_color, vote.ambiguous) == (3, {"red": 2, "unknown": 1}, True)


# --- notes ------------------------------------------------------------------------------------


def _square(img: np.ndarray, centre_mm, side_mm: float, angle: float, rgb) -> None:
    box = cv2.boxPoints(((centre_mm[0] * PPM, centre_mm[1] * PPM), (side_mm * PPM,) * 2, angle))
    cv2.fillConvexPoly(img, np.round(box).astype(np.int32), tuple(int(v) for v in rgb),
                       cv2.LINE_AA)


def test_a_drawn_square_is_found_as_a_note_in_its_zone() -> None:
    zones = (ZoneSpec("ideas", "notes", (0, 0, 300, 200), "Idées"),)
    board = _board(zones, (400.0, 200.0))
    img = _paper(board)
    _square(img, (120, 90), 76, 8, NOTE_RGB["yellow"])
    _square(img, (340, 110), 76, -5, NOTE_RGB["pink"])  # outside every zone
    refs = load_colour_refs(("red",), ("yellow", "pink"))
    fit = BoardFit("b1", np.diag([PPM, PPM, 1.0]), (1, 2), 0.1, True, 1.0)
    notes, findings = find_notes(img, fit, _rectified(img, board), _normalised(img), board, 76,
                                 refs)
    assert [(n.id, n.color, n.zone) for n in notes] == [
        ("b1-n01", "yellow", "ideas"), ("b1-n02", "pink", None)]
    assert np.allclose(notes[0].center_mm, (120, 90), atol=2.0)
    side = np.linalg.norm(np.subtract(notes[0].corners_mm[1], notes[0].corners_mm[0]))
    assert side == pytest.approx(76, abs=3)
    assert notes[0].crop is not None and notes[0].crop.shape[2] == 3
    assert [(f.code, f.item) for f in findings] == [("note_outside_zones", "b1-n02")]
    message = render_all(findings)[0].message
    assert message.startswith("Un post-it (pink) sur b1 à (34") and "mm est hors" in message


def test_the_note_whose_colour_fills_the_overlap_is_on_top() -> None:
    board = _board((), (200.0, 120.0))
    img = _paper(board)
    classes = np.full(img.shape[:2], -1, np.int32)
    a = np.array([(20, 20), (96, 20), (96, 96), (20, 96)], np.float64)
    b = a + np.array((50.0, 10.0))
    for corners, k in ((a, 0), (b, 1)):  # b stuck over a: b's class fills the overlap
        cv2.fillConvexPoly(classes, np.round(corners * PPM).astype(np.int32), k)
    rect, norm = _rectified(img, board), _normalised(img)
    frame = ClassFrame(classes, PPM, 0.0)
    (over,) = stacking([a, b], [0, 1], frame, norm, rect, CONFIG.notes)
    assert (over.lower, over.upper, over.sure) == (0, 1, True)
    assert over.share == pytest.approx(26 * 66 / 76**2, abs=0.01)
    notes = [Note(f"b1-n0{i + 1}", "b1", None, tuple(map(tuple, c)), tuple(c.mean(0)), colour, 1.0)
             for i, (c, colour) in enumerate(((a, "yellow"), (b, "pink")))]
    findings = mark_covered(notes, ["yellow", "pink"], frame, norm, rect, CONFIG.notes)
    assert notes[0].covered_by == ("b1-n02",) and notes[0].covered == round(over.share, 3)
    assert over.share >= CONFIG.notes.covered_flag
    assert [f.item for f in findings] == ["b1-n01"]
    assert "recouvert à 30% par b1-n02" in render_all(findings)[0].message
