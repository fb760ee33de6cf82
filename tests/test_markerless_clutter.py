"""The room around a markerless wall (capture.synth.clutter): its truth stays exact, and what
is printed on a sheet beside the notes is neither a note nor a sticker (issue 20)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from drawn_scene import notes_on_a_pin_board, wall_above_floor

from capture.core.config import CONFIG
from capture.synth.clutter import plan_room
from capture.synth.markerless_scene import plan_wall, render_markerless, rng_for
from capture.vision.colour import load_colour_refs
from capture.vision.markerless import find_wall, probe_photo
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES
from capture.vision.wall_notes import _boards, _without_covers
from capture.vision.wall_surface import (
    edged_sheets,
    far_from,
    floor_beside,
    foreground,
    ground_sheets,
    paper_sheets,
    printed_on,
    rgb8_to_lab,
)


def _decoded(data: bytes) -> np.ndarray:
    """A rendered photo's JPEG bytes as RGB (H x W x 3, uint8)."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _read(rgb: np.ndarray):
    """find_wall on a photo with the default references and config."""
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    return find_wall(rgb, refs.notes, refs.stickers, CONFIG)


def _assert_required_found(scene, truth: dict) -> None:
    """Every required note of the truth has a found note within 0.35 of a note's side."""
    side = np.median([n["side_px"] for n in truth["notes"]])
    for t in [n for n in truth["notes"] if n["required"]]:
        assert min(np.hypot(*(np.array(n.center) - t["center_px"])) for n in scene.notes) < (
            0.35 * side
        ), t["id"]


def test_the_room_keeps_out_of_the_notes_region() -> None:
    """Nothing of the room overlaps a note or a free sticker (they all lie in the layout's
    bbox), so the notes' and stickers' truth is the same with or without it; everything
    hangs on the wall (not over the skirting board or past a door frame); sheets carry
    blocks of a note's size and printed dots of a sticker's."""
    kinds: set[str] = set()
    for index in range(12):
        layout = plan_wall(rng_for(43, "ml-plan", index), "hard", CONFIG.synth)
        room = plan_room(rng_for(43, "ml-room", index), layout.bbox)
        x0, y0, x1, y1 = layout.bbox
        for item in room.items:
            kinds.add(item.kind)
            if item.kind in ("magnet", "pin"):
                pts = np.array([item.center_mm]) + np.array(
                    [[dx, dy] for dx in (-1, 1) for dy in (-1, 1)]
                ) * item.size_mm[0] / 2
            else:
                pts = item.corners_mm()
            inside = (pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1)
            assert not inside.any(), (index, item.kind)
            # on the wall: above the skirting board, between the wall's ends
            assert (pts[:, 1] < room.floor_y - 80).all(), (index, item.kind)
            assert (pts[:, 0] > room.edge_x[0]).all() and (pts[:, 0] < room.edge_x[1]).all()
            assert room.view[0] <= x0 and room.view[2] >= x1
            if item.kind == "sheet":
                w, h = item.size_mm
                for mk in item.marks:
                    (cx, cy), (mw, mh) = mk.pts
                    assert cx - mw / 2 > 0 and cx + mw / 2 < w and cy - mh / 2 > 0
                    assert cy + mh / 2 < h
    assert {"sheet", "magnet", "pin"} <= kinds


@pytest.mark.slow
def test_without_the_room_a_photo_is_as_before() -> None:
    """The room draws from its own random streams: at medium (clutter_p 0) a photo is the
    same bytes with the room turned off, and turning it on changes the framing only, never
    the notes' text, colours or stickers."""
    a, ta = render_markerless(0, 41, "medium", 0.5)
    b, tb = render_markerless(0, 41, "medium", 0.5, clutter=False)
    assert a == b and ta == tb and "clutter" not in ta
    _, tc = render_markerless(0, 41, "medium", 0.5, clutter=True)
    assert [(n["text"], n["color"], n["dots"]) for n in tc["notes"]] == [
        (n["text"], n["color"], n["dots"]) for n in ta["notes"]
    ]
    assert [d["color"] for d in tc["free_dots"]] == [d["color"] for d in ta["free_dots"]]
    assert tc["clutter"] and all("kind" in c for c in tc["clutter"])


@pytest.mark.slow
@pytest.mark.parametrize("index, seed", [(6, 41), (3, 42)])
def test_blocks_and_dots_printed_on_a_sheet_are_not_notes_nor_stickers(
    index: int, seed: int
) -> None:
    """Seed 41's seventh hard photo: two pink notes on a grey wall and an A4 sheet beside
    them printed with coloured blocks (one the size of a note) and dots; main at 3eb8963
    read nine notes on the sheet (the large block as four) and six free stickers. Seed 42's
    fourth: four notes on kraft, an A4 sheet on the cream wall beside them (white paper
    barely lighter than that wall, but bluer); main read two notes and nine free stickers on
    it (one the pin at its corner). None may be found on a sheet, and every required note
    still is. Drawn without the hard level's dot voting (40th stop: seed 41's seventh now
    draws a heap of 21 dots over half of one of its two notes, which is then missed: a
    weakness of its own, "Dot voting as it happens" in the journal, not this test's)."""
    data, truth = render_markerless(index, seed, "hard", 6.0, votes=False)
    scene = _read(_decoded(data))
    sheets = [c for c in truth["clutter"] if c["kind"] == "sheet"]
    assert sheets and sum(len(s["marks"]) for s in sheets) >= 10

    def on_a_sheet(p) -> bool:
        return any(
            cv2.pointPolygonTest(np.float32(s["corners_px"]), tuple(map(float, p)), False) >= 0
            for s in sheets
        )

    assert not [n.center for n in scene.notes if on_a_sheet(n.center)]
    assert not [d.center for d in scene.dots if d.on_note is None and on_a_sheet(d.center)]
    _assert_required_found(scene, truth)


@pytest.mark.slow
@pytest.mark.parametrize("index", [0, 2])
def test_a_folder_far_larger_than_the_notes_is_not_their_scale_nor_notes(index: int) -> None:
    """Seed 49's first and third medium photos with the room in view (2 MP). The first: a
    pink folder 5 times a note's side beside 11 notes; the third: 6 notes on a cork board
    on a grey wall, the board (a lone blob to the probe) 5 times a note. Main at b07aef0 took
    the folder or the board for the usual note (side 384 and 414 px against 73 and 76) and
    found none of the notes. The notes outnumber them: the scale is the notes', every
    required note is found; the folder (one colour) is no block of notes, while the board,
    notes on it, is still searched."""
    data, truth = render_markerless(index, 49, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    side = np.median([n["side_px"] for n in truth["notes"]])
    assert 0.8 * side < scene.note_side_px < 1.25 * side
    _assert_required_found(scene, truth)
    if index == 0:
        folder = next(c for c in truth["clutter"] if c["kind"] == "folder")
        poly = np.float32(folder["corners_px"])
        on = [n.center for n in scene.notes
              if cv2.pointPolygonTest(poly, tuple(map(float, n.center)), False) >= 0]
        assert not on


def _search_image(
    quad: np.ndarray,
    size: tuple[int, int] = (900, 700),
    wall: tuple = (62.0, 0.5, 2.0),
    paper: tuple = (93.0, 0.0, -1.0),
) -> tuple:
    """A search image (CIELAB, 1 px per mm) of a grey wall with a white paper quadrilateral
    (mm corners, drawn as the photo's frame cuts it) printed with a coloured block and a dot
    of a sticker's size about the centre of its part in view, and a note and a free sticker
    on the bare wall; with the block's and the dot's centres."""
    w, h = size
    lab = np.zeros((h, w, 3), np.float32)
    lab[...] = wall
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(quad).astype(np.int32)], 1)
    lab[mask > 0] = paper
    ys, xs = np.nonzero(mask)
    cx, cy = int(xs.mean()), int(ys.mean())
    lab[cy - 25 : cy + 25, cx - 60 : cx - 10] = (60, 60, 40)
    cv2.circle(lab, (cx + 30, cy + 10), 6, (55.0, -50.0, 40.0), -1)
    lab[560:636, 100:176] = (85.0, -5.0, 75.0)  # a yellow note on the wall
    cv2.circle(lab, (220, 600), 6, (50.0, 70.0, 50.0), -1)  # a red sticker beside it
    return lab, (cx - 35.0, float(cy)), (cx + 30.0, cy + 10.0)


def _printed(quad: np.ndarray, wall: tuple = (62.0, 0.5, 2.0), **kw) -> tuple[bool, bool]:
    """_search_image's sheet found against the wall (paper_sheets) and printed_on: whether its
    block and its dot are printed; the note and the sticker on the bare wall never are."""
    m = CONFIG.markerless
    lab, block, dot = _search_image(quad, wall=wall, **kw)
    sheets = paper_sheets(lab, wall, m)
    notes = np.array([[138.0, 598.0], block])
    dots = np.array([[220.0, 600.0], dot])
    on_n, on_d = printed_on(sheets, notes, np.array([76.0, 50.0]), dots, 1.0, m)
    assert not on_n[0] and not on_d[0]
    return bool(on_n[1]), bool(on_d[1])


@pytest.mark.parametrize(
    "quad, printed",
    [
        # an A4 sheet the frame's top edge cuts (its lower side, 210 mm, seen whole): printed
        (np.float32([[300, -100], [510, -100], [510, 197], [300, 197]]), True),
        # tilted, cut by the left edge: three corners seen (two sides whole)
        (np.float32([[-60, 180], [230, 150], [255, 440], [-35, 470]]), True),
        # a flipchart (650 mm wide) cut by the top edge: notes and stickers on it stay
        (np.float32([[150, -500], [800, -500], [800, 420], [150, 420]]), False),
        # a sheet at the frame's corner (no side seen whole: its size is unknown)
        (np.float32([[-100, -100], [150, -100], [150, 160], [-100, 160]]), False),
    ],
)
def test_a_sheet_the_frame_cuts_is_measured_by_its_sides_seen_whole(
    quad: np.ndarray, printed: bool
) -> None:
    """Main at 72165f7 kept every white region the frame cuts out of printed_on (it may be a
    flipchart): on medium --clutter 47, 48, 50 and 52, 71 of the 102 printed dots read as
    free stickers lay on sheets the frame cuts. A sheet one side of the frame cuts is
    measured by the sides seen whole: an A4 one's dots and blocks are printed; a flipchart's
    (650 mm) or one cut at a frame corner are not; the note and sticker on the wall stay."""
    assert _printed(quad) == (printed, printed)


@pytest.mark.parametrize(
    "wall, paper, printed",
    [
        # a pale yellow wall lit to the clip: the white sheet can read no lighter (c47's
        # second), but a cream wall clipped white by a lamp is as white there (plain set 54's
        # eighth photo lost a free sticker to it): no paper at the clip
        ((99.2, -5.6, 16.5), (100.0, 0.0, 0.0), False),
        # a grey wall balanced but still bluish, the paper bluer (chroma 14: c47's fourth)
        ((73.3, -1.0, -5.7), (80.3, 1.4, -13.9), True),
        # a white wall under a warm lamp, not balanced: the paper the lamp's colour (c50's third)
        ((77.9, 1.5, 13.5), (87.0, 0.2, 16.2), True),
        # a pale green painted wall (chroma 22) with a lighter patch of its own hue: no paper
        ((80.0, -15.0, 16.0), (88.0, -17.0, 19.0), False),
        # a clipped white wall and a clipped white patch: nothing tells them apart, no paper
        ((99.5, 0.0, 0.0), (100.0, 0.0, 0.0), False),
    ],
)
def test_white_paper_under_a_cast_is_a_sheet_at_the_clip_none(
    wall: tuple, paper: tuple, printed: bool
) -> None:
    """Main at eb9ecd4 saw paper only lighter than the wall by sheet_lighter_min and under
    sheet_chroma: on the 60 room photos a white sheet on a pale wall lit to the sensor's clip,
    a bluish paper on a balanced grey wall and a sheet under a warm lamp were no sheets and
    their printed dots read as free stickers. On a wall under sheet_cast_chroma (a white
    taken under a cast) paper may be the wall's own colour. A painted wall's lighter patch
    of its own hue is still no sheet, nor white at the sensor's clip (a clipped cream wall is
    as white); the note and the sticker on the wall stay."""
    quad = np.float32([[300, 150], [510, 160], [505, 457], [295, 450]])  # an A4 sheet, whole
    assert _printed(quad, wall=wall, paper=paper) == (printed, printed)


def test_a_sheet_touching_the_frame_with_every_corner_in_view_is_whole() -> None:
    """c47's first room photo: an A4 sheet seen at a slant, its right side bowed onto the
    frame between two corners 4-5 px inside it. Main at eb9ecd4 took it as cut by the frame
    with no corner on it (no side seen as cut, so no size) and read its 8 printed dots as
    free stickers; its four corners are in view: it is measured as a whole quadrilateral."""
    w = 900
    quad = np.float32([[690, 160], [w - 6, 170], [w - 1, 310], [w - 6, 455], [690, 445]])
    assert _printed(quad) == (True, True)


def _edged(lab: np.ndarray, surfaces: list, block: tuple, dot: tuple) -> tuple[bool, bool]:
    """_search_image's block and dot printed on a sheet told by its edge (edged_sheets, the
    foreground against the given bare surfaces its printing); the wall's note and sticker
    never are."""
    m = CONFIG.markerless
    sheets = edged_sheets(lab, m, far_from(lab, [np.asarray(s) for s in surfaces], m))
    notes = np.array([[138.0, 598.0], block])
    dots = np.array([[220.0, 600.0], dot])
    on_n, on_d = printed_on(sheets, notes, np.array([76.0, 50.0]), dots, 1.0, m)
    assert not on_n[0] and not on_d[0]
    return bool(on_n[1]), bool(on_d[1])


_A4 = np.float32([[300, 150], [510, 160], [505, 457], [295, 450]])


def test_a_sheet_on_a_lighter_paint_wall_than_the_floor_taken_for_the_wall() -> None:
    """c47's third room photo: a dark floor (L* 35) is the photo's "wall" and the paint wall
    the sheets hang on (L* 78) is lighter too, so paper_sheets' region against the floor is
    the whole paint wall, no quadrilateral: the sheets' blocks and dots read as notes and
    free stickers (main d09e24b: 4 and 11). Told by its edge against its own surround (8 L*
    lighter, bluish as balanced on the floor) the sheet is paper."""
    floor = (35.5, 1.9, -1.3)
    lab, block, dot = _search_image(_A4, wall=(78.0, 0.0, 0.0), paper=(87.0, 0.5, -11.0))
    lab[640:, :] = floor  # the floor along the photo's foot
    m = CONFIG.markerless
    sheets = paper_sheets(lab, floor, m, far_from(lab, [np.asarray(floor)], m))
    on_n, on_d = printed_on(sheets, np.array([block]), np.array([76.0]), np.array([dot]), 1.0, m)
    assert not on_n[0] and not on_d[0]  # (the lightness rule alone: no sheet)
    assert _edged(lab, [floor], block, dot) == (True, True)


@pytest.mark.parametrize(
    "wall, paper, edge, printed",
    [
        # white paper on a cream wall lit near the clip (c47's second: 1 L* lighter, 17 in
        # colour): its cut edge closes it
        ((99.1, -5.6, 16.5), (100.0, 0.0, 0.0), True, True),
        # the same cream wall clipped white by a lamp: the light falls off over 100 mm, no
        # edge closes the white: no sheet
        ((99.1, -5.6, 16.5), (100.0, 0.0, 0.0), False, False),
        # a poster of the wall's own hue, lighter, on a pale green paint: no white paper
        ((80.0, -15.0, 16.0), (88.0, -17.0, 19.0), True, False),
        # a white sheet darker than its wall (a shadowed card on a lit white wall): no paper
        ((95.0, 0.0, 0.0), (88.0, 0.0, 0.0), True, False),
    ],
)
def test_a_sheet_is_told_by_its_edge_a_lamps_white_is_not(
    wall: tuple, paper: tuple, edge: bool, printed: bool
) -> None:
    """A sheet of paper is a flat region its cut edge closes all round, lighter than or unlike
    its own surround; a wall lit white by a lamp has no such edge (the light falls off
    smoothly), and paper is white: a lighter patch of the wall's own hue, or a region
    darker than its surround, is none. The note and sticker on the wall stay."""
    lab, block, dot = _search_image(_A4, wall=wall, paper=paper)
    if not edge:
        # the lamp's white: the paper's colour blends into the wall's over 100 mm around it
        mask = np.zeros(lab.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(_A4).astype(np.int32)], 1)
        dist = cv2.distanceTransform(1 - mask, cv2.DIST_L2, 5)
        t = np.clip(dist / 100.0, 0, 1)[..., None]
        far = (dist > 0)[..., None]
        blend = (1 - t) * np.float32(paper) + t * np.float32(wall)
        lab = np.where(far & (t < 1), blend, lab).astype(np.float32)
        lab[560:636, 100:176] = (85.0, -5.0, 75.0)
        cv2.circle(lab, (220, 600), 6, (50.0, 70.0, 50.0), -1)
    assert _edged(lab, [wall], block, dot) == (printed, printed)


_A4_CUT = np.float32([[300, -100], [510, -100], [510, 197], [300, 197]])  # the top cuts it


@pytest.mark.parametrize(
    "quad, wall, paper",
    [
        # a beige wall under a warm light, not balanced (room b43's first: chroma 16.9; the
        # sheets the frame's top cuts, the paper chroma 12.5-13.3 and 6-7 from the wall)
        (_A4_CUT, (83.4, -3.2, 16.6), (89.1, 1.8, 13.2)),
        # a white wall under a strong warm cast (room b43's seventh: chroma 23, the paper
        # its colour, 10 L* lighter)
        (_A4, (79.9, 4.4, 22.7), (90.3, 4.8, 22.4)),
        # a bluish cast (room c56's second: the wall chroma 19, the paper 23, cut by the top)
        (_A4_CUT, (79.4, 4.3, -18.8), (85.1, 1.5, -22.7)),
    ],
)
def test_white_paper_under_a_strong_cast_is_told_by_its_edge(
    quad: np.ndarray, wall: tuple, paper: tuple
) -> None:
    """Main at 6bf350d took paper for white only under sheet_chroma or within it of a
    surround under sheet_cast_chroma (15): under a stronger cast the sheets its edge closes
    (room b43's first and seventh, c56's second) were no sheets and their printed blocks and
    dots read as notes and free stickers. Under a coloured light white paper takes the
    light's colour as the wall beside it does; a cut paper edge, not the colour, tells it
    from a lamp's patch (which no edge closes). The note and sticker on the wall stay."""
    lab, block, dot = _search_image(quad, wall=wall, paper=paper)
    assert _edged(lab, [wall], block, dot) == (True, True)


def test_a_patch_of_wall_closed_in_by_notes_is_no_sheet() -> None:
    """Real photos post-its-3 and -7: a patch of whiteboard or of a door's panel closed in by
    notes is flat, lighter than the notes around it and its edges close it, yet it is the
    wall: notes, not bare wall, lie just outside it. A sheet hangs on the wall, bare all
    round but where something touches it (sheet_ring_bare); with that rule off the patch
    reads as a sheet, the note inside it as printed."""
    wall = (80.0, 0.0, 0.0)
    lab = np.zeros((700, 900, 3), np.float32)
    lab[...] = wall
    lab[200:500, 250:550] = (92.0, 0.0, 0.0)  # the lit patch
    colours = [(85.0, -5.0, 75.0), (70.0, 40.0, 10.0), (75.0, -30.0, 40.0)]
    k = 0
    for x in range(250, 550, 75):  # notes edge to edge all round it
        for y in (200, 425):
            lab[y : y + 75, x : x + 75] = colours[k % 3]
            k += 1
    for y in range(275, 425, 75):
        for x in (250, 475):
            lab[y : y + 75, x : x + 75] = colours[k % 3]
            k += 1
    lab[330:380, 360:440] = (60.0, 60.0, 40.0)  # a note inside it
    lab[560:636, 100:176] = (85.0, -5.0, 75.0)
    cv2.circle(lab, (220, 600), 6, (50.0, 70.0, 50.0), -1)
    m = CONFIG.markerless
    printing = far_from(lab, [np.asarray(wall)], m)
    notes = np.array([[138.0, 598.0], [400.0, 355.0]])

    def on(cfg) -> bool:
        sheets = edged_sheets(lab, cfg, printing)
        on_n, _ = printed_on(sheets, notes, np.array([76.0, 76.0]), np.zeros((0, 2)), 1.0, cfg)
        return bool(on_n[1])

    assert not on(m)
    assert on(dataclasses.replace(m, sheet_ring_bare=0.0))


@pytest.mark.slow
def test_blocks_on_a_sheet_beside_the_floor_taken_for_the_wall_are_not_notes() -> None:
    """Seed 47's third medium photo with the room in view (2 MP): a dark floor is taken for
    the wall and the two sheets hang on the lighter paint wall beside it, both cut by the
    frame. Main d09e24b read 3 notes and 7 stickers on the lower one (and 1 and 6 on the
    upper); told by its edges (the left side of the frame cuts it, two sides seen whole) the
    lower one holds none, and the notes off the sheets are still found. (The upper one, cut by
    the top, is left at 2 MP: blocks at its margin leave its ring 0.76 bare, under
    sheet_ring_bare; at 6 MP both are found.)"""
    data, truth = render_markerless(2, 47, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    sheets = [np.float32(c["corners_px"]) for c in truth["clutter"] if c["kind"] == "sheet"]
    lower = max(sheets, key=lambda poly: float(poly[:, 1].mean()))
    on = [c for c in [n.center for n in scene.notes] + [d.center for d in scene.dots]
          if cv2.pointPolygonTest(lower, tuple(map(float, c)), False) >= 0]
    assert not on
    # the true notes as main finds them at 2 MP: 12 of 13 (n10 is missed by both)
    side = np.median([n["side_px"] for n in truth["notes"]])
    found = [t["id"] for t in truth["notes"]
             if min(np.hypot(*(np.array(n.center) - t["center_px"])) for n in scene.notes)
             < 0.35 * side]
    assert len(found) >= 12


@pytest.mark.slow
def test_push_pins_beside_the_notes_are_not_free_stickers() -> None:
    """Seed 50's second medium photo with the room in view (2 MP): two free stickers beside
    the notes and push pins on the wall around them (8-12 mm glossy heads, sticker colours,
    a sticker's size). Main at 72165f7 read two pins as free stickers (found 4, 2 true).
    A pin's head stands off the wall (shaded across, a shadow beside it: dot_check.raised):
    no free sticker lies on a pin, both true ones are found."""
    data, truth = render_markerless(1, 50, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    free = [np.array(d.center) for d in scene.dots if d.on_note is None]
    pins = [c for c in truth["clutter"] if c["kind"] in ("pin", "magnet")]
    assert pins
    for c in pins:
        assert all(np.hypot(*(p - c["center_px"])) > 1.5 * c["radius_px"] for p in free), c
    for t in truth["free_dots"]:
        assert any(np.hypot(*(p - t["center_px"])) < 1.5 * t["radius_px"] for p in free), t

@pytest.mark.slow
@pytest.mark.parametrize("index, seed", [(3, 48), (3, 42), (2, 48)])
def test_blocks_printed_on_a_sheet_do_not_set_the_note_scale(index: int, seed: int) -> None:
    """Seed 48's and seed 42's fourth medium photos with the room in view (2 MP): one and
    four lone notes beside A4 sheets printed with coloured blocks 0.4-0.8 x a note's side
    (two and seven lone blobs to the probe, outnumbering the notes). Main at 72165f7 took
    their median for the usual note (0.83 and 0.77 x the notes' side here, 0.65 and 0.77 at
    6 MP), and the coverer tiled the notes' blobs with small squares. Seed 48's third: three
    notes, three sheets the frame cuts (main 0.81 here, 0.82 at 6 MP). Blobs printed on a
    sheet (paper_sheets, of a sheet's size against the blobs off it) set no scale: it is
    the notes' within 0.85-1.18."""
    data, truth = render_markerless(index, seed, "medium", 2.0, clutter=True)
    rgb = _decoded(data)
    probe = probe_photo(rgb, CONFIG)
    side = np.median([n["side_px"] for n in truth["notes"]])
    assert probe is not None and 0.85 * side < probe.side_px < 1.18 * side


@pytest.mark.slow
def test_a_folder_is_no_block_of_notes_when_the_notes_set_the_scale() -> None:
    """Seed 50's second medium photo with the room in view (2 MP): 10 notes, some stuck edge
    to edge, a green folder (spine, white label) and an orange one beside them, each 2-4
    notes wide, and the notes outnumbering them, so the probe's scale is already the
    notes' (Probe.room is empty). Main at 72165f7 covered the green folder with 9 squares,
    each a false note. A folder is one flat paper with no seam and no writing on it: it
    is left out (wall_notes._without_covers), and every required note is still found."""
    data, truth = render_markerless(1, 50, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    _assert_required_found(scene, truth)
    folders = [np.float32(c["corners_px"]) for c in truth["clutter"] if c["kind"] == "folder"]
    assert folders
    on = [n.center for n in scene.notes for poly in folders
          if cv2.pointPolygonTest(poly, tuple(map(float, n.center)), False) >= 0]
    assert not on


@pytest.mark.slow
def test_a_floor_below_the_wall_is_not_taken_for_the_wall() -> None:
    """Seed 42's first medium photo with the room in view (4 MP): a grey-brown floor and a
    door strip fill a third of the photo, the photo's most common colour; above the skirting
    board a cream wall with its white trim, a kraft panel and 25 notes on it. Main at
    72165f7 took the floor for the wall: wall, trim, panel and notes were one blob with no
    flat colour, the one lone blob a folder (side 275 px against 70) and no note was found.
    The floor shows one lone note-like blob and lies beside the notes, not around them: the
    wall is the most common colour of the rest, the scale the notes' and every required note
    is found."""
    data, truth = render_markerless(0, 42, "medium", 4.0, clutter=True)
    scene = _read(_decoded(data))
    side = np.median([n["side_px"] for n in truth["notes"]])
    assert 0.8 * side < scene.note_side_px < 1.25 * side
    assert scene.wall_lab[0] > 80  # the wall or its trim, not the floor (L* 60)
    _assert_required_found(scene, truth)


@pytest.mark.slow
def test_a_floor_filling_most_of_the_photo_is_not_the_wall() -> None:
    """A wall photographed from low down (drawn_scene.wall_above_floor): a wooden floor fills
    62 % of the frame below the skirting board; above it a pale blue and cream wall with 18
    notes on the cream, one blob against the floor and of no one flat colour. Main at
    72165f7 took the floor for the wall and found no note. The floor shows no lone note and
    lies below them: the wall is the most common colour of the rest (the cream), and every
    note is found at its size."""
    rgb, centres, side = wall_above_floor()
    scene = _read(rgb)
    assert 0.85 * side < scene.note_side_px < 1.2 * side
    assert len(scene.notes) == len(centres)
    for c in centres:
        assert min(np.hypot(*(np.array(n.center) - c)) for n in scene.notes) < 0.35 * side

def test_floor_beside_tells_a_floor_below_the_notes_from_the_wall_around_them() -> None:
    """floor_beside: a band along the photo's bottom (a floor under the skirting board) or
    its side (a door) holds none of the notes above it and its centre lies outside the box
    they span; the wall around the notes holds them (as holes of its region), and so does a
    wall around a board that holds them; a region that holds half the notes is no floor, nor
    one holding a note it showed as the wall (a desk: real image4's note beside its pens)."""
    h, w = 300, 400
    notes = [(x, y, 20.0) for x in (100, 160, 220, 280) for y in (60, 110)]
    floor = np.zeros((h, w), bool)
    floor[200:] = True
    assert floor_beside(floor, notes)
    door = np.zeros((h, w), bool)
    door[:, 340:] = True
    assert floor_beside(door, notes)
    wall = ~floor
    for x, y, s in notes:
        wall[int(y - s / 2) : int(y + s / 2), int(x - s / 2) : int(x + s / 2)] = False
    assert not floor_beside(wall, notes)
    board_wall = ~floor
    board_wall[30:150, 70:320] = False  # a board on the wall, the notes on the board
    assert not floor_beside(board_wall, notes)
    low = np.zeros((h, w), bool)
    low[85:, :] = True  # the lower row of notes lies in it: no floor
    for x, y, s in notes:
        low[int(y - s / 2) : int(y + s / 2), int(x - s / 2) : int(x + s / 2)] = False
    assert not floor_beside(low, notes)
    assert not floor_beside(floor, [])
    # a desk (the photo's most common colour) with a note on it that pens join to the frame,
    # and letters on book covers beside it taken for notes: the note it holds is on it
    desk = np.ones((h, w), bool)
    desk[:, 300:] = False  # the books
    desk[180:220, 40:80] = False  # the note
    desk[200:, 70:76] = False  # a pen from the note to the frame
    letters = [(320.0 + 15 * i, 50.0 + 40 * i, 12.0) for i in range(5)]
    assert floor_beside(desk, letters)
    assert not floor_beside(desk, letters, [(60.0, 200.0, 40.0)])


@pytest.mark.slow
def test_a_folders_core_does_not_outvote_many_notes_of_one_size() -> None:
    """Seed 56's third medium photo with the room in view (6 MP): 18 lone notes of one size
    (side 124-145 px) and an orange folder with a white label, one blob larger than a note
    whose core (its label opened away) is 3.7 times a note. Main at 448da54 took that core for
    the usual note, every lone blob being far smaller than it (a phone's camera, a sticker),
    and set the scale to 490 px against 133: 18 notes missed. Lone blobs outnumbering such
    cores by scale_outnumber (and at least scale_field_min) are the notes: the scale is
    theirs."""
    data, truth = render_markerless(2, 56, "medium", 6.0, clutter=True)
    rgb = _decoded(data)
    side = np.median([n["side_px"] for n in truth["notes"]])
    probe = probe_photo(rgb, CONFIG)
    assert probe is not None and 0.85 * side < probe.side_px < 1.18 * side


def _board_mask(board: bool) -> tuple:
    """drawn_scene.notes_on_a_pin_board at the search scale (a note's side note_mm px): its
    CIELAB, the note mask (far from the grey wall) and the notes' centres and the board's
    box there."""
    rgb, centres, box, side = notes_on_a_pin_board(0, board)
    k = CONFIG.markerless.note_mm / side
    rgb = cv2.resize(rgb, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    lab = rgb8_to_lab(rgb)
    wall = np.median(lab[:40, :40].reshape(-1, 3), axis=0)
    m = CONFIG.markerless
    mask = foreground(lab, wall, m.fg_l_weight) > m.fg_delta_e
    return lab, mask, [(round(x * k), round(y * k)) for x, y in centres], [v * k for v in box]


@pytest.mark.slow
def test_a_pin_board_is_a_surface_and_a_block_of_written_notes_is_not() -> None:
    """wall_notes._boards on drawn_scene.notes_on_a_pin_board: the cork board (8 % of the
    photo, one blob with the six notes on it) is one flat unwritten piece of 27 notes' area
    holding notes of other colours: its cork is taken out of the mask, its notes are not.
    The block of six yellow notes edge to edge beside it (one piece: faint seams) carries
    writing on each: nothing of it is taken out, nor of the lone notes, nor anything when
    the board is not there."""
    m = CONFIG.markerless
    lab, mask, centres, (bx, by, bw, bh) = _board_mask(True)
    side = float(m.note_mm)
    drop = _boards(mask, lab, lambda _c: side, m)
    inner = np.s_[round(by + 8) : round(by + bh - 8), round(bx + 8) : round(bx + bw - 8)]
    notes = np.zeros(mask.shape, bool)  # each note (its side 76 px) and its shadow
    cores = np.zeros(mask.shape, bool)  # each note well inside its edges
    for x, y in centres:
        notes[y - 44 : y + 44, x - 44 : x + 44] = True
        cores[y - 30 : y + 30, x - 30 : x + 30] = True
    bare = mask[inner] & ~notes[inner]
    assert drop[inner][bare].mean() > 0.95  # the cork
    assert not (drop & cores).any()  # the notes on it and beside it
    assert not drop[:, round(bx + bw + 20) :].any()  # the yellow block, the lone notes
    lab, mask, _c, _b = _board_mask(False)
    assert not _boards(mask, lab, lambda _c: side, m).any()


@pytest.mark.slow
def test_notes_on_a_pin_board_are_found_and_its_cork_is_no_note() -> None:
    """A drawn grey wall with a cork pin board under a tenth of the photo holding six written
    notes (drawn_scene.notes_on_a_pin_board), a block of six yellow notes edge to edge and
    four lone notes beside it. Main at 84b7d5d covered the bare cork with squares: 44 notes
    found for 16, 28 of them false. The board's cork is taken away as a surface local to
    its blob (wall_notes._boards): the 16 notes are found, none false."""
    rgb, centres, _box, side = notes_on_a_pin_board(0, True)
    scene = _read(rgb)
    assert len(scene.notes) == len(centres)
    for c in centres:
        assert min(np.hypot(*(np.array(n.center) - c)) for n in scene.notes) < 0.35 * side


@pytest.mark.slow
def test_blocks_on_a_sheet_the_balance_tints_are_not_notes() -> None:
    """Seed 49's second medium photo with the room in view (2 MP): two notes on a beige wall
    the photo is balanced on, two A4 sheets beside them printed with coloured blocks;
    balanced to grey the white paper reads blue (chroma 14 > sheet_chroma), though it is
    neutral as taken. Main at eb9ecd4 read 11 notes on the sheets (6 MP; 4 here). White
    paper is neutral under the light as taken or once balanced on the wall: no note is
    found on the sheets, and both required notes still are."""
    data, truth = render_markerless(1, 49, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    sheets = [np.float32(c["corners_px"]) for c in truth["clutter"] if c["kind"] == "sheet"]
    assert sheets
    on = [n.center for n in scene.notes for poly in sheets
          if cv2.pointPolygonTest(poly, tuple(map(float, n.center)), False) >= 0]
    assert not on
    _assert_required_found(scene, truth)


def _white_on_grey() -> tuple:
    """b35c_41's third and b35c_43's sixth room photos, as the search image has them: a white
    A4 sheet on a white wall in dim light (grey, L* 76), the paper 3 L* lighter and 3 apart
    in colour (bluish), its edge blurred over 2-3 px, grain; a block and a dot printed on
    it, a note and a sticker on the wall beside it. With the block's outline and centre,
    the dot's centre, the note's outline, the surfaces' printing."""
    wall, paper = (76.0, 0.3, 0.2), (79.0, 0.3, -2.8)
    lab, block, dot = _search_image(_A4, wall=wall, paper=paper)
    lab = cv2.GaussianBlur(lab, (0, 0), 1.2)
    lab += np.random.default_rng(3).normal(0, 0.6, lab.shape).astype(np.float32)
    m = CONFIG.markerless
    printing = far_from(lab, [np.asarray(wall)], m)
    bx, by = block
    outline = np.float32(
        [[bx - 25, by - 25], [bx + 25, by - 25], [bx + 25, by + 25], [bx - 25, by + 25]]
    )
    note = np.float32([[100, 560], [176, 560], [176, 636], [100, 636]])
    return lab, outline, block, dot, note, printing


def test_white_paper_barely_lighter_than_its_wall_is_found_from_its_blocks_ground() -> None:
    """White paper 3 L* lighter than a grey wall (under sheet_brighter_l, its blurred edge
    under sheet_edge_step): neither paper_sheets nor edged_sheets sees it, and its block and
    dot read as a note and a free sticker (main 462b693, as on 63 false notes and 99 false
    free stickers of the 44 dev room photos). The ground around the block runs on past it
    and ends all round at the sheet's edge: a sheet, and the block and dot on it are printed.
    The note on the wall has the wall for its ground: no sheet from it."""
    lab, outline, block, dot, note, printing = _white_on_grey()
    m = CONFIG.markerless
    notes = np.array([[138.0, 598.0], block])
    dots = np.array([[220.0, 600.0], dot])
    sides = np.array([76.0, 50.0])
    old = paper_sheets(lab, (76.0, 0.3, 0.2), m, printing) + edged_sheets(lab, m, printing)
    on_n, on_d = printed_on(old, notes, sides, dots, 1.0, m)
    assert not on_n[1] and not on_d[1]
    assert not ground_sheets(lab, [note], m, printing)
    sheets = ground_sheets(lab, [note, outline], m, printing)
    assert len(sheets) == 1
    on_n, on_d = printed_on(sheets, notes, sides, dots, 1.0, m)
    assert on_n.tolist() == [False, True] and on_d.tolist() == [False, True]


def test_a_note_on_a_white_wall_between_notes_is_no_sheet() -> None:
    """A note whose ground is the wall between other notes (a cluster on a white wall): the
    wall between them is bounded by notes, not by a sheet's edge all round (the ring outside
    it is notes, sheet_ring_bare), and a note with notes all round it has no ground
    (sheet_ground_bare): no sheet."""
    wall = (80.0, 0.0, 0.0)
    lab = np.zeros((700, 900, 3), np.float32)
    lab[...] = wall
    colours = [(85.0, -5.0, 75.0), (70.0, 40.0, 10.0), (75.0, -30.0, 40.0)]
    outlines = []
    k = 0
    for x in range(250, 550, 80):
        for y in range(200, 500, 80):
            if (x, y) == (410, 360):
                continue
            lab[y : y + 76, x : x + 76] = colours[k % 3]
            outlines.append(np.float32([[x, y], [x + 76, y], [x + 76, y + 76], [x, y + 76]]))
            k += 1
    lab[330:420, 390:500] = (88.0, 0.0, 0.0)  # a lit patch of wall in the cluster
    m = CONFIG.markerless
    printing = far_from(lab, [np.asarray(wall)], m)
    assert not ground_sheets(lab, outlines, m, printing)


@pytest.mark.slow
def test_blocks_on_white_paper_barely_lighter_than_a_grey_wall_are_not_notes() -> None:
    """Seed 41's third medium photo with the room in view (2 MP): an A4 sheet printed with
    four coloured blocks and dots on a white wall in dim light, the paper 3 L* lighter than
    the wall around it and 4 apart in colour, its edge soft: neither the lightness rule nor
    the edge sees it (main 462b693: 3 notes and 8 free stickers on it here, 4 and 8 at 6
    MP). The ground around the blocks runs on past them to the sheet's edge: at most one
    note (the orange block by its dim left edge, where the paper falls off past
    sheet_ground_de of the ground by the other blocks: left) and four free stickers are
    found on it, and every required note still is."""
    data, truth = render_markerless(2, 41, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    sheets = [np.float32(c["corners_px"]) for c in truth["clutter"] if c["kind"] == "sheet"]
    assert sheets

    def on_a_sheet(p) -> bool:
        return any(cv2.pointPolygonTest(s, tuple(map(float, p)), False) >= 0 for s in sheets)

    assert len([n for n in scene.notes if on_a_sheet(n.center)]) <= 1
    assert len([d for d in scene.dots if d.on_note is None and on_a_sheet(d.center)]) <= 4
    _assert_required_found(scene, truth)


@pytest.mark.slow
def test_a_wall_lit_brighter_in_the_middle_is_no_sheet_around_its_notes() -> None:
    """Seed 48's seventh medium photo (no room): a close-up of a grey-green wall whose light
    falls off towards the frame; flooded from a note's ground, the lit middle is bounded by
    that fall-off (a region 500 x 460 mm, neutral, bare all round), but its bound is no cut
    edge: 0.2 across it where a sheet's steps 4 (sheet_ground_de). Without that test the
    first version of ground_sheets took it for a sheet and lost 6 of the 14 notes."""
    data, truth = render_markerless(6, 48, "medium", 6.0)
    scene = _read(_decoded(data))
    _assert_required_found(scene, truth)


def _folder_at_the_frame(top: int, label_top: int, seams: bool = False) -> tuple:
    """A search image (1 px per nominal mm, a note 76 px) of a grey wall and an orange card
    240 x 230 px (9.5 notes) from row `top` down, its spine darker, a white label 110 x 55
    px from row `label_top` (0: the frame cuts the card through its label); seams: the card
    drawn as notes 76 px edge to edge, a shadow line between each. With its note mask (the
    orange, the label left out as paper lighter than the wall is)."""
    lab = np.zeros((500, 600, 3), np.float32)
    lab[...] = (72.0, 0.5, 2.0)
    x0 = 150
    lab[top : top + 230, x0 : x0 + 240] = (66.0, 32.0, 58.0)
    lab[top : top + 230, x0 : x0 + 18] = (52.0, 30.0, 50.0)  # the spine
    if seams:
        for x in range(x0 + 76, x0 + 240, 76):
            lab[top : top + 230, x - 1 : x + 1] = (50.0, 20.0, 40.0)
        for y in range(top + 76, top + 230, 76):
            lab[y - 1 : y + 1, x0 : x0 + 240] = (50.0, 20.0, 40.0)
    lab[label_top : label_top + 55, x0 + 80 : x0 + 190] = (93.0, 0.0, 1.0)
    m = CONFIG.markerless
    mask = foreground(lab, np.array((72.0, 0.5, 2.0)), m.fg_l_weight) > m.fg_delta_e
    mask &= lab[..., 0] < 90.0
    return lab, mask, np.s_[top : top + 230, x0 : x0 + 240]


@pytest.mark.parametrize("top", [0, 120])
def test_a_folder_the_frame_cuts_through_its_label_is_a_cover(top: int) -> None:
    """A folder reaching the photo's frame through its white label (medium --clutter seeds
    53 and 54, the 40th stop: 9 false notes on two such folders): the frame opens the label,
    a hole in the card, into a notch in its outline (0.89 of its hull here, under
    cover_hull_min), so main at 08addfc covered it with squares. The frame is drawn in
    where the card meets it: one flat unwritten card, taken out of the mask, as the same
    folder wholly in view (top 120) is."""
    lab, mask, card = _folder_at_the_frame(top, top + 10 if top else 0)
    side = CONFIG.markerless.note_mm
    out = _without_covers(mask, lab, lambda _c: side, CONFIG.markerless)
    assert mask[card].mean() > 0.8
    assert out[card].mean() < 0.05


def test_notes_edge_to_edge_at_the_frame_stay_notes() -> None:
    """The same outline made of notes of one colour stuck edge to edge, the frame cutting
    them at the label's gap: each note is cut from the next at its seam, a piece of about a
    note, under cover_area_min: none is taken out as a cover."""
    lab, mask, card = _folder_at_the_frame(0, 0, seams=True)
    side = CONFIG.markerless.note_mm
    out = _without_covers(mask, lab, lambda _c: side, CONFIG.markerless)
    assert out[card].sum() >= 0.95 * mask[card].sum()


@pytest.mark.slow
@pytest.mark.parametrize("index, seed", [(1, 54), (3, 53)])
def test_folders_the_frame_cuts_through_their_label_are_not_notes(index: int, seed: int) -> None:
    """Seed 54's second and seed 53's fourth medium photos with the room in view (2 MP):
    folders cut by the top or right side of the frame through their white label, and one
    seen at a slant whose label is a hole (2.8 notes without it). Main at 08addfc covered
    them with squares (8 and 2 notes on the folders here; 9 at 6 MP). A card's outline is
    closed where the frame cuts it and its size is its outline's: no note on a folder, and
    every required note is still found."""
    data, truth = render_markerless(index, seed, "medium", 2.0, clutter=True)
    scene = _read(_decoded(data))
    folders = [np.float32(c["corners_px"]) for c in truth["clutter"] if c["kind"] == "folder"]
    assert folders
    on = [n.center for n in scene.notes for poly in folders
          if cv2.pointPolygonTest(poly, tuple(map(float, n.center)), False) >= 0]
    assert not on
    _assert_required_found(scene, truth)


def _tilted_wall_sheet(rect: tuple[int, int, int, int]) -> tuple:
    """A search image (CIELAB, 1 px per nominal mm, 1500 x 1000) of a grey wall photographed
    askew, the notes' side growing from 60 px on the left to 100 px on the right (their
    centres along the bottom, median 80 px), with one white sheet (x0, y0, x1, y1) and a
    coloured block of 50 px at its centre; and the notes' centres and sides (the block's
    last)."""
    lab = np.zeros((1000, 1500, 3), np.float32)
    lab[...] = (62.0, 0.5, 2.0)
    x0, y0, x1, y1 = rect
    lab[y0:y1, x0:x1] = (93.0, 0.0, -1.0)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    lab[cy - 25 : cy + 25, cx - 25 : cx + 25] = (60.0, 60.0, 40.0)
    xs = np.linspace(100.0, 1400.0, 11)
    centres = [(float(x), 850.0) for x in xs] + [(float(cx), float(cy))]
    sides = [60.0 + 40.0 * (x - 100.0) / 1300.0 for x in xs] + [50.0]
    return lab, np.array(centres), np.array(sides)


@pytest.mark.parametrize(
    "rect, printed",
    [
        # an A3 sheet on the near side (the notes 92 px there): 420 x 297 mm where it lies,
        # 485 mm long against the notes' median side (over sheet_max_mm): main kept its block
        ((895, 100, 1405, 461), True),
        # a board 520 x 380 mm on the far side (the notes 68 px there), holding a note: 441
        # mm long against the median side, an A3 sheet's size: main took its note for printed
        ((118, 100, 581, 439), False),
    ],
)
def test_a_sheet_is_measured_against_the_notes_where_it_lies(
    rect: tuple[int, int, int, int], printed: bool
) -> None:
    """Perspective makes a sheet on the near side of a tilted photo larger in px than the
    notes' median side says and one on the far side smaller. On medium --clutter seed 47's
    second photo an A3 sheet near the camera measured 570 x 379 mm against the median (over
    sheet_max_mm 470) and its five blocks and five dots read as notes and free stickers
    (main beb6c21), as four blocks on seed 56's fourth. Measured against the notes' side
    where the sheet lies (a plane over the photo fitted on the notes off the sheets: a
    wall's scale is linear in the image's coordinates), the A3 sheet is printed and a board
    of 520 mm on the far side is not; the notes on the wall never are."""
    m = CONFIG.markerless
    lab, centres, sides = _tilted_wall_sheet(rect)
    sheets = paper_sheets(lab, (62.0, 0.5, 2.0), m)
    assert len(sheets) == 1
    on_n, _ = printed_on(sheets, centres, sides, np.zeros((0, 2)), 1.0, m)
    assert not on_n[:-1].any()
    assert bool(on_n[-1]) is printed
