"""Photos with no board: notes and dots on a whole photo at unknown scale."""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest

from capture.app.json_out import markerless_to_dict
from capture.app.markerless_out import match_photos, session_markerless
from capture.bench.markerless import score_photo, summarise
from capture.core.config import CONFIG
from capture.core.model import PhotoResult
from capture.interpret.photo_errors import empty_photo_error
from capture.vision.markerless_read import _too_small, interpret, read_wall


def _drawn_wall(scale: float, seed: int = 0, stickers: bool = True
                ) -> tuple[np.ndarray, list[dict], list[tuple]]:
    """A grey wall, a 3 x 3 grid of notes (side 76 * scale px) with 0..4 stickers each, and
    free stickers between the notes' groups (stickers=False: the notes alone, a wall nobody
    voted on). Returns the photo, the notes' truth and the free stickers (x, y, colour)."""
    rng = np.random.default_rng(seed)
    side = round(76 * scale)
    r = round(6 * scale)
    w, h = round(700 * scale), round(420 * scale)
    img = np.full((h, w, 3), (214, 214, 206), np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    note_rgb = {"yellow": (252, 232, 90), "pink": (250, 120, 175), "blue": (120, 200, 240)}
    dot_rgb = {"red": (210, 35, 48), "blue": (28, 90, 188), "green": (34, 150, 80)}
    truth = []
    colours = list(note_rgb)
    for i in range(9):
        row, col = divmod(i, 3)
        x0 = round(40 * scale) + col * (side + round(14 * scale))
        y0 = round(40 * scale) + row * (side + round(14 * scale))
        colour = colours[(i + row) % 3]
        cv2.rectangle(img, (x0 + 3, y0 + 4), (x0 + side + 3, y0 + side + 4), (150, 150, 145), -1)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), note_rgb[colour], -1)
        cv2.putText(
            img,
            "idee",
            (x0 + side // 6, y0 + side // 2),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.3 * scale,
            (30, 30, 30),
            max(1, round(scale)),
        )
        dots: dict[str, int] = {}
        k = i % 5 if stickers else 0
        for j in range(k):
            c = [n for n in dot_rgb if n != colour][j % 2]
            cx = x0 + round(side * (0.2 + 0.3 * (j % 3)))
            cy = y0 + round(side * (0.25 + 0.5 * (j // 3)))
            cv2.circle(img, (cx, cy), r, dot_rgb[c], -1, cv2.LINE_AA)
            dots[c] = dots.get(c, 0) + 1
        truth.append(
            {
                "color": colour,
                "dots": dict(sorted(dots.items())),
                "center": (x0 + side / 2, y0 + side / 2),
            }
        )
    free = []
    for j, c in enumerate(["green", "red", "blue"] if stickers else []):
        x, y = round(520 * scale), round((90 + 110 * j) * scale)
        cv2.circle(img, (x, y), r, dot_rgb[c], -1, cv2.LINE_AA)
        free.append((x, y, c))
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * scale)
    return img, truth, free


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.5, 3.0])
def test_notes_and_dots_on_notes_at_any_scale(scale: float) -> None:
    """Nine notes with their stickers and free stickers between them, at 1.5 and 3 px per mm.
    At 1.5 (a whole wall in a small photo) the notes are found but their writing is under the
    2 px/mm handwriting needs (ocr.min_source_px_per_mm, as on boards): the photo is flagged
    for the reviewer (text_too_small, once for its nine notes; one note alone would be named:
    note_too_small); at 3 px/mm nothing is."""
    img, truth, free = _drawn_wall(scale)
    res = read_wall(img, CONFIG, None)
    assert len(res.notes) == len(truth)
    h, w = img.shape[:2]
    for t in truth:
        near = min(
            res.notes,
            key=lambda n: np.hypot(
                n.center[0] * w - t["center"][0], n.center[1] * h - t["center"][1]
            ),
        )
        assert (
            np.hypot(near.center[0] * w - t["center"][0], near.center[1] * h - t["center"][1])
            < 8 * scale
        )
        assert near.color == t["color"]
        assert near.dots == t["dots"], (t, near)
    free_found = [d for d in res.dots if d.on_note is None]
    assert sorted(d.color for d in free_found) == sorted(c for *_, c in free)
    # the 3 x 3 grid is one group of three rows and three columns
    assert {n.group for n in res.notes} == {"g1"}
    assert {n.row for n in res.notes} == {1, 2, 3} and {n.col for n in res.notes} == {1, 2, 3}
    small = [f for f in res.findings if f.code in ("note_too_small", "text_too_small")]
    if scale > 2:
        assert not small
    else:
        # one finding for the photo, with how many and the best resolution
        (f,) = small
        assert f.code == "text_too_small" and f.values["count"] == len(truth)
        assert abs(f.values["best"] - scale) < 0.2  # the notes' side over their 76 mm


def test_no_note_no_board_is_a_clear_error() -> None:
    img = np.full((600, 800, 3), 220, np.uint8)
    res = read_wall(img, CONFIG, None)
    assert res.notes == [] and res.dots == []
    photo = PhotoResult(file="mur.jpg", markerless=res)
    err = empty_photo_error(photo)
    assert err is not None and err.code == "no_boards"
    assert "ni post-it" in err.message


@pytest.mark.slow
def test_generated_markerless_wall() -> None:
    from capture.synth.markerless_scene import render_markerless

    data, truth = render_markerless(0, 7, "medium", 3.0)
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)[..., ::-1]
    res = read_wall(np.ascontiguousarray(arr), CONFIG, None)
    doc = markerless_to_dict(res, truth["file"], {})
    s = summarise([score_photo(truth, doc)])
    assert s["note_recall"] >= 90 and s["note_precision"] >= 90, s
    assert s["note_colour"] >= 90, s
    assert s["dots_per_note_exact"] >= 75, s


def _doc(name: str, notes: list[tuple[float, float, str, str]], size=(1000, 800)) -> dict:
    return {
        "file": name,
        "status": "ok",
        "size_px": list(size),
        "markerless": {
            "note_side_px": 80.0,
            "notes": [
                {
                    "photo": name,
                    "id": f"m{i + 1:02d}",
                    "color": c,
                    "text": t,
                    "confidence": 0.9,
                    "dots": {},
                    "center": [x / size[0], y / size[1]],
                    "corners": [],
                    "group": "g1",
                }
                for i, (x, y, c, t) in enumerate(notes)
            ],
            "dots": [],
            "flags": [],
        },
    }


def test_same_wall_twice_counted_once(tmp_path) -> None:
    rng = np.random.default_rng(3)
    base = [
        (100 + 100 * (i % 5), 100 + 100 * (i // 5), ["yellow", "pink"][i % 2], f"idee {i}")
        for i in range(10)
    ]
    # the second photo: the camera moved (scale 1.2, shifted), one note read differently
    moved = [
        (1.2 * x + 40, 1.2 * y - 30, c, t if i != 3 else "ldee 3")
        for i, (x, y, c, t) in enumerate(base)
    ]
    a, b = _doc("a.jpg", base), _doc("b.jpg", moved)
    got, share = match_photos(a, b, CONFIG.markerless)
    assert share == 1.0 and all(got[j] == j for j in got)
    other = _doc(
        "c.jpg",
        [
            (float(rng.uniform(50, 900)), float(rng.uniform(50, 700)), c, t[::-1])
            for _, _, c, t in base
        ],
    )
    paths = []
    for d in (a, b, other):
        p = tmp_path / f"{d['file']}.json"
        p.write_text(json.dumps(d), "utf-8")
        paths.append(p)
    ml = session_markerless(paths, CONFIG)
    assert ml is not None
    photos = [n["photo"] for n in ml["notes"]]
    assert photos.count("a.jpg") == 10 and photos.count("b.jpg") == 0
    assert photos.count("c.jpg") == 10  # another wall: all its notes count
    assert any(f["code"] == "same_wall" for f in ml["flags"])
    # two notes alike in two photos are no evidence: any two pairs fit one transform
    two = _doc("d.jpg", [(300, 300, "yellow", "x"), (700, 350, "pink", "y")])
    _got, share = match_photos(a, two, CONFIG.markerless)
    assert share == 0.0


def test_unknown_colour_named_or_flagged() -> None:
    from capture.vision.markerless import WallScene
    from capture.vision.wall_types import NotePlace, WallNote

    def note(x: float, lab: tuple) -> WallNote:
        c = ((x, 10.0), (x + 50, 10.0), (x + 50, 60.0), (x, 60.0))
        return WallNote(c, (x + 25, 35.0), 50.0, lab, 0.95)

    # a teal note (no common note name near it) and a yellow one
    scene = WallScene(
        (400, 100),
        (90, 0, 0),
        True,
        50.0,
        5.0,
        (note(10, (60.0, -40.0, -5.0)), note(100, (92.0, -6.0, 62.0))),
        (),
        (NotePlace(0, 0, 0, (1,)), NotePlace(0, 0, 1, (0,))),
        None,
    )
    res = interpret(scene, None, CONFIG)
    assert [n.color for n in res.notes] == ["unknown", "yellow"]
    assert [f.item for f in res.findings if f.code == "unknown_colour"] == ["m01"]


@pytest.mark.slow
def test_run_markerless_without_workshop(tmp_path) -> None:
    from click.testing import CliRunner
    from PIL import Image

    from capture.cli import main
    from capture.io.csv_out import read_csv
    from capture.io.schema import validate

    img, truth, free = _drawn_wall(2.0)
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(img).save(src / "mur.png")
    Image.fromarray(np.full((500, 700, 3), 215, np.uint8)).save(src / "vide.png")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["run", str(src), "--markerless", "--out", str(out), "--jobs", "1"]
    )
    assert res.exit_code == 1, res.output  # the blank wall is a failed photo
    session = json.loads((out / "session.json").read_text("utf-8"))
    validate(session, "session")
    status = {p["file"]: (p["status"], p["error_code"]) for p in session["photos"]}
    assert status == {"mur.png": ("ok", None), "vide.png": ("error", "no_boards")}
    ml = session["markerless"]
    assert len(ml["notes"]) == len(truth)
    assert sum(sum(n["dots"].values()) for n in ml["notes"]) == sum(
        sum(t["dots"].values()) for t in truth
    )
    assert sum(d["on_note"] is None for d in ml["dots"]) == len(free)
    rows = read_csv(out / "markerless_notes.csv")
    assert len(rows) == len(truth) and int(rows[0]["gommettes"]) == 4  # ranked by stickers
    html = (out / "report.html").read_text("utf-8")
    assert "Murs sans panneau" in html
    # the summary counts them too (not "0 post-it" for a wall read without boards)
    total = f'<span class="big">{len(truth)}</span><span><a href="#sans-panneau">post-it sans'
    assert total in html and f"{len(ml['dots'])} gommettes</span>" in html
    # each ranked row shows the note's cut-out beside its text, as board notes do
    crops = re.findall(r'<img class="crop zoom-img" src="(crops/[^"]+)"', html)
    assert sorted(crops) == sorted(n["crop"] for n in ml["notes"])
    assert all((out / c).is_file() for c in crops)


def test_note_scale_ignores_stickers_and_far_smaller_blobs() -> None:
    """Lone stickers (round) and lone blobs far smaller than any note perspective allows do
    not set the note scale: three 60 px notes and seven 14 px discs give 60, not 14."""
    from capture.vision.note_shapes import note_scale

    mask = np.zeros((400, 600), np.uint8)
    for x in (40, 160, 280):
        mask[50:110, x : x + 60] = 1
    for k in range(7):
        cv2.circle(mask, (60 + 70 * k, 300), 7, 1, -1)
    side, samples = note_scale(mask.astype(bool), CONFIG.notes, CONFIG.markerless)
    assert side is not None and abs(side - 60) <= 2
    assert len(samples) == 3


def test_crop_quads_read_a_tilted_note_both_ways() -> None:
    """A note at 45 degrees is read as it comes and a quarter turned; an upright one once,
    grown by the margin."""
    from capture.vision.note_text import crop_quads

    upright = np.array([(0, 0), (100, 0), (100, 100), (0, 100)], float)
    (q,) = crop_quads(upright, 0.1, 30.0)
    assert np.allclose(q[0], (-10, -10)) and np.allclose(q[2], (110, 110))
    diamond = np.array([(50, 0), (100, 50), (50, 100), (0, 50)], float)
    a, b = crop_quads(diamond, 0.0, 30.0)
    assert np.allclose(a, diamond) and np.allclose(b, np.roll(diamond, 1, axis=0))


def _marker_wall(scale: float = 2.0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A grey wall, six notes, three dot stickers (12 mm) beside them and saturated blue marker
    writing on the wall: capitals, an arrow, and the short dashes a marker leaves (7 x 4 mm,
    as round as a sticker seen askew). Returns the photo and the stickers."""
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(420 * scale), round(700 * scale), 3), (214, 214, 206), np.uint8)
    for i in range(6):
        x0 = round(30 * scale) + (i % 3) * (side + round(14 * scale))
        y0 = round(30 * scale) + (i // 3) * (side + round(14 * scale))
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), (252, 232, 90), -1)
    ink = (20, 60, 200)
    width = max(1, round(3.5 * scale))  # a thick marker: 3.5 mm strokes
    for j, word in enumerate(["LISTE", "IDEE: OK", "SUIVI"]):
        org = (round(300 * scale), round((250 + 55 * j) * scale))
        cv2.putText(img, word, org, cv2.FONT_HERSHEY_SIMPLEX, 1.1 * scale, ink, width, cv2.LINE_AA)
    a, b = (round(40 * scale), round(300 * scale)), (round(250 * scale), round(380 * scale))
    cv2.arrowedLine(img, a, b, ink, width, cv2.LINE_AA, tipLength=0.15)
    for k in range(8):  # dashes: a sticker's extent, far less than its area
        at = (round((60 + 25 * k) * scale), round(395 * scale))
        axes = (round(3.5 * scale), round(2 * scale))
        cv2.ellipse(img, at, axes, 0, 0, 360, ink, -1, cv2.LINE_AA)
    stickers = [(round(600 * scale), round((60 + 60 * j) * scale)) for j in range(3)]
    for x, y in stickers:
        cv2.circle(img, (x, y), r, (210, 35, 48), -1, cv2.LINE_AA)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), stickers


@pytest.mark.slow
def test_marker_writing_is_not_stickers() -> None:
    """Thick marker letters and arrows in saturated ink are not stickers, and the small round
    dashes a marker leaves do not set the sticker size (issue 20: real photos of whiteboards)."""
    img, stickers = _marker_wall()
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    found = [(d.center[0] * w, d.center[1] * h) for d in res.dots]
    for x, y in stickers:
        assert min(np.hypot(fx - x, fy - y) for fx, fy in found) < 6, (x, y, found)
    assert len(found) == len(stickers), found


def test_stickers_of_other_sizes_counted_once_each() -> None:
    """Stickers of a sheet 0.85 or 1.35 x the usual size (or as far or near in a tilted photo)
    beside usual ones: each lone one is one sticker at its own size, not missed (no disc of
    the usual size fits it) nor counted twice."""
    scale = 2.5
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(330 * scale), round(640 * scale), 3), (214, 214, 206), np.uint8)
    sizes = [1.0, 1.0, 0.85, 1.35]
    want = []
    for i, k in enumerate(sizes):
        x0, y0 = round((30 + 150 * i) * scale), round(40 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (252, 232, 90), -1)
        for j in range(2):
            at = (x0 + round(side * (0.3 + 0.4 * j)), y0 + round(side * 0.5))
            cv2.circle(img, at, round(r * k), (200, 30, 45), -1, cv2.LINE_AA)
        want.append(x0 + side / 2)
    free = [(round((90 + 150 * i) * scale), round(250 * scale)) for i in range(len(sizes))]
    for (x, y), k in zip(free, sizes, strict=True):
        cv2.circle(img, (x, y), round(r * k), (30, 90, 190), -1, cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * scale)
    res = read_wall(img, CONFIG, None)
    w, h = img.shape[1], img.shape[0]
    assert len(res.notes) == len(sizes)
    for cx in want:
        near = min(res.notes, key=lambda n: abs(n.center[0] * w - cx))
        assert near.dots == {"red": 2}, near
    found = [(d.center[0] * w, d.center[1] * h) for d in res.dots if d.on_note is None]
    assert len(found) == len(free), found
    for x, y in free:
        assert min(np.hypot(fx - x, fy - y) for fx, fy in found) < 6, (x, y, found)


def test_dark_sticker_on_a_note_of_its_hue_is_counted() -> None:
    """A dull blue sticker on a purple note differs from the paper mostly in lightness: found
    as one whole disc of a sticker's size; the note's writing, as dark, is not a sticker."""
    scale = 2.0
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(300 * scale), round(600 * scale), 3), (214, 214, 206), np.uint8)
    want = []
    for i in range(4):
        x0, y0 = round((30 + 140 * i) * scale), round(80 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (150, 130, 210), -1)
        cv2.putText(
            img,
            "Idee",
            (x0 + side // 8, y0 + side // 2),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.5 * scale,
            (60, 40, 110),
            max(1, round(1.2 * scale)),
            cv2.LINE_AA,
        )
        for j in range(i):
            at = (x0 + round(side * (0.25 + 0.25 * j)), y0 + round(side * 0.78))
            cv2.circle(img, at, r, (45, 75, 160), -1, cv2.LINE_AA)
        want.append(({"blue": i} if i else {}, x0 + side / 2))
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * scale)
    res = read_wall(img, CONFIG, None)
    w = img.shape[1]
    assert len(res.notes) == 4
    for dots, cx in want:
        near = min(res.notes, key=lambda n: abs(n.center[0] * w - cx))
        assert near.dots == dots, (dots, near)
    assert all(d.on_note is not None for d in res.dots)


@pytest.mark.slow
def test_glare_on_a_kraft_wall_is_not_stickers() -> None:
    """A lamp's reflection on a kraft roll is near white: unlike the wall, round where it
    fades, but colourless; the sticker beside it is found."""
    from dataclasses import replace

    scale = 2.5
    side, r = round(76 * scale), round(6 * scale)
    h, w = round(300 * scale), round(640 * scale)
    img = np.full((h, w, 3), (196, 160, 116), np.float32)
    for i in range(4):
        x0 = round((30 + 100 * i) * scale)
        cv2.rectangle(
            img, (x0, round(40 * scale)), (x0 + side, round(40 * scale) + side), (252, 232, 90), -1
        )
    gy, gx = np.mgrid[0:h, 0:w]
    for cx, cy, rad in [(540, 90, 12), (520, 190, 9), (570, 240, 7)]:  # glare spots (mm)
        k = np.exp(-((((gx - cx * scale) ** 2 + (gy - cy * scale) ** 2) / (rad * scale) ** 2) ** 2))
        img = img * (1 - k[..., None]) + 250 * k[..., None]
    sticker = (round(470 * scale), round(240 * scale))
    cv2.circle(img, sticker, r, (200, 30, 45), -1, cv2.LINE_AA)
    img = cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (0, 0), 0.6 * scale)
    res = read_wall(img, CONFIG, None)
    found = [(d.center[0] * w, d.center[1] * h) for d in res.dots]
    assert len(found) == 1 and np.hypot(found[0][0] - sticker[0], found[0][1] - sticker[1]) < 6
    # without the colour rule the glare's rims are stickers: the test tells them apart
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_colourless_chroma=0.0))
    assert len(read_wall(img, off, None).dots) > 1


def _quad_wall() -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """A grey wall with four square notes (90 px), a far note foreshortened to a narrow
    trapezoid (1.5:1, under half a note's area) and a skewed one (a parallelogram filling 70 %
    of its minimum-area rectangle), each with a line of writing. Returns the photo and each
    note's centre and colour."""
    rng = np.random.default_rng(3)
    img = np.full((520, 1000, 3), (212, 212, 204), np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    rgb = {"yellow": (252, 232, 90), "pink": (250, 120, 175), "blue": (120, 200, 240)}
    rgb["orange"] = (250, 150, 60)
    quads = [
        ("yellow", [(60, 60), (150, 60), (150, 150), (60, 150)]),
        ("pink", [(230, 60), (320, 60), (320, 150), (230, 150)]),
        ("blue", [(60, 300), (150, 300), (150, 390), (60, 390)]),
        ("pink", [(230, 300), (320, 300), (320, 390), (230, 390)]),
        ("yellow", [(480, 80), (528, 84), (528, 150), (480, 154)]),  # far, foreshortened
        ("orange", [(640, 300), (712, 300), (772, 372), (700, 372)]),  # skewed
    ]
    truth = []
    for name, pts in quads:
        p = np.array(pts, np.int32)
        cv2.fillConvexPoly(img, p + np.array((3, 4), np.int32), (150, 150, 145))
        cv2.fillConvexPoly(img, p, rgb[name])
        c = p.mean(0)
        cv2.line(img, (int(c[0] - 15), int(c[1])), (int(c[0] + 12), int(c[1]) + 2), (40, 40, 40), 2)
        truth.append((float(c[0]), float(c[1]), name))
    return cv2.GaussianBlur(img, (0, 0), 0.8), truth


@pytest.mark.slow
def test_lone_notes_of_any_quadrilateral_shape_are_found() -> None:
    """A lone note in perspective is any convex quadrilateral: one foreshortened past
    lone_aspect_max and smaller than the usual side (far in a tilted photo), and a skewed one,
    are found at their own outline; before, no square of a pack size fitted either."""
    img, truth = _quad_wall()
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    assert len(res.notes) == len(truth), [(n.color, n.center) for n in res.notes]
    for x, y, name in truth:
        near = min(res.notes, key=lambda n: np.hypot(n.center[0] * w - x, n.center[1] * h - y))
        assert np.hypot(near.center[0] * w - x, near.center[1] * h - y) < 8
        assert near.color == name


def test_sticker_touching_writing_is_counted() -> None:
    """A sticker stuck over the end of a word touches the thick ink of its letters: their
    blob is no disc and runs on past the sticker's rim, but the ink is another colour; the
    sticker's own colour is one whole disc, and counted. The letters are no sticker."""
    scale = 2.0
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(260 * scale), round(640 * scale), 3), (214, 214, 206), np.uint8)
    papers = [(252, 232, 90), (252, 232, 90), (168, 228, 128)]
    stickers = [(34, 150, 80), (118, 62, 160), (210, 35, 48)]
    want = []
    for i, (paper, dot) in enumerate(zip(papers, stickers, strict=True)):
        x0, y0 = round((30 + 150 * i) * scale), round(60 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), paper, -1)
        org = (x0 + round(8 * scale), y0 + round(42 * scale))
        ink = (30, 60, 170)  # blue marker, 2.5 mm strokes
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(img, "Ideo", org, font, 0.6 * scale, ink, round(2.5 * scale), cv2.LINE_AA)
        # over the last letter's right side: a third on the ink, the rest on the paper
        at = (x0 + round(47 * scale), y0 + round(36 * scale))
        cv2.circle(img, at, r, dot, -1, cv2.LINE_AA)
        want.append((x0 + side / 2, at))
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * scale)
    res = read_wall(img, CONFIG, None)
    w, h = img.shape[1], img.shape[0]
    assert len(res.notes) == len(papers)
    for (cx, at), name in zip(want, ["green", "purple", "red"], strict=True):
        near = min(res.notes, key=lambda n: abs(n.center[0] * w - cx))
        assert near.dots == {name: 1}, near
        found = [(d.center[0] * w, d.center[1] * h) for d in res.dots if d.on_note == near.id]
        assert np.hypot(found[0][0] - at[0], found[0][1] - at[1]) < 6, (found, at)
    assert len(res.dots) == len(stickers)


def _stacked_wall(offset_mm: float, seed: int = 4) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Three lone notes and two notes of one yellow stacked, the lower one stuck over the
    upper one's bottom (offset_mm down, 6 mm left). The upper one's paper lies between the
    yellow and lime classes (it speckles between them under the grain) and its writing runs
    off its sides. Returns the photo (2 px per mm) and the notes' centres."""
    scale = 2.0
    rng = np.random.default_rng(seed)
    side = round(76 * scale)
    img = np.full((round(330 * scale), round(560 * scale), 3), (214, 212, 204), np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    centres = []

    def note(x0: int, y0: int, rgb: tuple, words: list[str], ink: tuple) -> None:
        cv2.rectangle(img, (x0 + 3, y0 + 4), (x0 + side + 3, y0 + side + 4), (150, 150, 145), -1)
        cv2.rectangle(img, (x0, y0), (x0 + side - 1, y0 + side - 1), rgb, -1)
        for k, word in enumerate(words):
            org = (x0 - round(4 * scale), y0 + round((14 + 20 * k) * scale))
            font = cv2.FONT_HERSHEY_SIMPLEX
            cv2.putText(img, word, org, font, 0.62 * scale, ink, round(2.5 * scale), cv2.LINE_AA)
        centres.append((x0 + side / 2, y0 + side / 2))

    for i, rgb in enumerate([(250, 120, 175), (120, 200, 240), (250, 120, 175)]):
        note(round((30 + 100 * i) * scale), round(30 * scale), rgb, ["idee"], (30, 30, 30))
    xu, yu = round(340 * scale), round(40 * scale)
    red_ink = (110, 30, 40)
    note(xu, yu, (244, 242, 78), ["Formation", "des elusss"], red_ink)
    at = (xu + round(52 * scale), yu + round(3 * scale))
    cv2.circle(img, at, round(6 * scale), (34, 150, 80), -1, cv2.LINE_AA)
    lower = (xu - round(6 * scale), yu + round(offset_mm * scale))
    note(*lower, (252, 236, 96), ["Former"], red_ink)
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * scale)
    img = np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
    return img, centres


@pytest.mark.slow
@pytest.mark.parametrize("offset_mm", [46, 52])
def test_two_stacked_notes_of_one_colour_with_writing_to_the_edge(offset_mm: float) -> None:
    """The upper note's writing and the speckle of its in-between colour cut its paper into
    pieces that are in no colour's part; its yellow part kept only its lower half, and with the
    lower note it passed for one larger lone note. The pieces a part touches are its own now,
    and both notes are found (before: one square over the pair)."""
    img, centres = _stacked_wall(offset_mm)
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    assert len(res.notes) == len(centres), [(n.color, n.center) for n in res.notes]
    for x, y in centres:
        near = min(res.notes, key=lambda n: np.hypot(n.center[0] * w - x, n.center[1] * h - y))
        assert np.hypot(near.center[0] * w - x, near.center[1] * h - y) < 16


def _turned_wall(degrees: float) -> tuple[np.ndarray, list[tuple[np.ndarray, dict]], list]:
    """Six square notes (two stickers each) in a row and a purple sticker under each, on a
    wall turned `degrees` about its vertical centre line and seen by a pinhole camera: the far
    notes are narrow trapezoids and their stickers ellipses as long (about 1.4:1). Returns the
    photo, each note's centre (photo px) and stickers, and the free stickers' centres."""
    rng = np.random.default_rng(5)
    w, h = 1800, 700
    img = np.full((h, w, 3), (212, 212, 204), np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    side, r = 150, 13
    papers = [(252, 232, 90), (250, 120, 175), (120, 200, 240)]
    dots = {"red": (200, 30, 45), "blue": (30, 90, 190), "green": (34, 150, 80)}
    notes, free = [], []
    for i in range(6):
        x0, y0 = 60 + 290 * i, 120
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), papers[i % 3], -1)
        cv2.line(img, (x0 + 30, y0 + 110), (x0 + 110, y0 + 112), (40, 40, 40), 3)
        names = ["red", "green" if i % 3 == 2 else "blue"]
        for j, name in enumerate(names):
            cv2.circle(img, (x0 + 45 + 60 * j, y0 + 55), r, dots[name], -1, cv2.LINE_AA)
        notes.append(((x0 + side / 2, y0 + side / 2), {n: 1 for n in names}))
        cv2.circle(img, (x0 + 75, 470), r, (118, 62, 160), -1, cv2.LINE_AA)
        free.append((x0 + 75, 470))
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    t, f = np.radians(degrees), 1.4 * w

    def view(x: float, y: float) -> tuple[float, float]:
        z = f + (x - w / 2) * np.sin(t)
        return (f * (x - w / 2) * np.cos(t) / z, f * (y - h / 2) / z)

    src = np.float32([(0, 0), (w, 0), (w, h), (0, h)])
    hm = cv2.getPerspectiveTransform(src, np.float32([view(*p) for p in src]))
    lo = cv2.perspectiveTransform(src[None], hm)[0].min(0)
    hm = np.array([[1, 0, 20 - lo[0]], [0, 1, 20 - lo[1]], [0, 0, 1]]) @ hm
    size = cv2.perspectiveTransform(src[None], hm)[0].max(0) + 20
    photo = cv2.warpPerspective(img, hm, (int(size[0]), int(size[1])), borderValue=(212, 212, 204))

    def to_photo(p: tuple[float, float]) -> np.ndarray:
        return cv2.perspectiveTransform(np.float32([[p]]), hm)[0, 0]

    return photo, [(to_photo(c), d) for c, d in notes], [to_photo(p) for p in free]


@pytest.mark.slow
def test_foreshortened_stickers_are_counted() -> None:
    """On a wall seen at 45 degrees, far stickers are ellipses as long as the notes near them
    are (about 1.4:1), past the roundness a sticker seen face on has. Seen through the affine
    map of the nearest note's outline they are round again: counted on the notes and beside
    them, at the note's smaller size. Without the notes' view (nor the wall plane's, which the
    same notes make: dot_view_max bounds both) they are missed."""
    from dataclasses import replace

    img, notes, free = _turned_wall(45.0)
    h, w = img.shape[:2]

    def read(config) -> tuple[int, int]:
        res = read_wall(img, config, None)
        exact = 0
        for c, dots in notes:
            near = min(
                res.notes, key=lambda n: np.hypot(n.center[0] * w - c[0], n.center[1] * h - c[1])
            )
            exact += near.dots == dots
        found = [(d.center[0] * w, d.center[1] * h) for d in res.dots if d.on_note is None]
        hits = sum(
            min((np.hypot(x - p[0], y - p[1]) for x, y in found), default=99) < 8 for p in free
        )
        assert len(found) == hits, found  # no false sticker
        return exact, hits

    # the sticker under the farthest note is counted since outlines follow the paper (its
    # view from the note's own quad); that note's own stickers since its paper is the most
    # common colour of its middle (wall_notes.paper_colour; the median of its most chromatic
    # pixels, its two stickers' with the paper, was named unknown and its stickers missed)
    assert read(CONFIG) == (6, 6)
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_view_max=1.0))
    exact, hits = read(off)
    assert exact <= 3 and hits <= 4


def _overexposed_wall(exposure: float) -> tuple[np.ndarray, list[tuple[float, dict]]]:
    """Four notes with orange stickers beside red, yellow and pink ones on a grey wall, the
    photo exposed `exposure` x too long (linear light) and clipped as a sensor does. Returns
    the photo and each note's centre x and stickers."""
    rng = np.random.default_rng(4)
    img = np.full((520, 1000, 3), (150, 150, 146), np.uint8)
    side, r = 150, 13
    papers = [(118, 198, 238), (200, 232, 70), (196, 160, 230), (118, 198, 238)]
    rgb = {
        "orange": (246, 128, 32),
        "yellow": (250, 212, 28),
        "red": (214, 38, 49),
        "pink": (236, 72, 150),
    }
    names = [["orange", "orange"], ["orange", "red"], ["orange", "yellow"], ["pink", "orange"]]
    want = []
    for i, paper in enumerate(papers):
        x0, y0 = 40 + 240 * i, 80
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), paper, -1)
        for j, n in enumerate(names[i]):
            cv2.circle(img, (x0 + 45 + 60 * j, y0 + 60), r, rgb[n], -1, cv2.LINE_AA)
        dots: dict[str, int] = {}
        for n in names[i]:
            dots[n] = dots.get(n, 0) + 1
        want.append((x0 + side / 2, dots))
    lin = (img.astype(np.float32) / 255) ** 2.2 * exposure
    img = np.clip(lin, 0, 1) ** (1 / 2.2) * 255
    img = np.clip(img + rng.normal(0, 1.5, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.8), want


@pytest.mark.slow
def test_overexposed_stickers_keep_their_colour() -> None:
    """Overexposed 2.1 x, an orange sticker's red clips: the photo says (254, 179, 44), a
    yellow one's hue. Its red is a lower bound when it is named: orange, beside red, pink and
    yellow stickers clipped likewise, named right. Read as measured, every orange is yellow."""
    from dataclasses import replace

    img, want = _overexposed_wall(2.1)
    w = img.shape[1]

    def exact(config) -> int:
        res = read_wall(img, config, None)
        got = [min(res.notes, key=lambda n: abs(n.center[0] * w - cx)).dots for cx, _ in want]
        return sum(g == d for g, (_, d) in zip(got, want, strict=True))

    assert exact(CONFIG) == len(want)
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_clip_share=1.01))
    assert exact(off) == 0


def _glossy_wall(
    gloss: float,
    papers: tuple = ((159, 133, 193),) * 4,
    dot: tuple[str, tuple[int, int, int]] = ("blue", (35, 85, 170)),
    ink: tuple[str, tuple[int, int, int]] = ("Bien", (40, 36, 48)),
    spot_at: tuple[float, float] = (1 / 3, -1 / 4),
    rgb: tuple[tuple[int, int, int], tuple[int, int, int], int] = (
        (200, 186, 160),
        (150, 140, 120),
        7,
    ),
) -> tuple[np.ndarray, list[tuple[float, dict]]]:
    """Four notes (default: purple) with writing and one to three stickers each (default:
    blue) on a beige wall; each sticker glossy: a broad soft highlight (`gloss` of white at
    its peak) off its centre by spot_at of its radius (default up and right), as a domed
    sticker under a lamp shows. rgb: the wall, the notes' shadow and the noise seed. Returns
    the photo and each note's centre x and stickers."""
    wall, shadow, seed = rgb
    rng = np.random.default_rng(seed)
    side, r = 240, 22
    img = np.full((520, 1250, 3), wall, np.float32)
    layer = np.zeros((520, 1250), np.float32)
    spot = np.zeros((520, 1250), np.float32)
    want = []
    for i, paper in enumerate(papers):
        x0, y0 = 40 + 300 * i, 110
        cv2.rectangle(img, (x0 + 4, y0 + 5), (x0 + side + 4, y0 + side + 5), shadow, -1)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), paper, -1)
        cv2.putText(img, ink[0], (x0 + 20, y0 + 90), cv2.FONT_HERSHEY_SIMPLEX, 1.6, ink[1], 4)
        n = i % 3 + 1
        for j in range(n):
            at = (x0 + 50 + 70 * j, y0 + 170)
            cv2.circle(layer, at, r, 1.0, -1, cv2.LINE_AA)
            off = (int(spot_at[0] * r), int(spot_at[1] * r))
            cv2.circle(spot, (at[0] + off[0], at[1] + off[1]), r // 2, 1.0, -1)
        want.append((x0 + side / 2, {dot[0]: n}))
    layer = cv2.GaussianBlur(layer, (0, 0), 0.1 * r)[..., None]
    spot = cv2.GaussianBlur(spot, (0, 0), 0.3 * r)[..., None] * gloss
    sticker = np.float32(dot[1]) * (1 - spot) + 255 * spot
    img = img * (1 - layer) + sticker * layer
    img = np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.8), want


@pytest.mark.slow
def test_glossy_blue_stickers_on_purple_notes_are_counted() -> None:
    """A blue sticker's highlight on a purple note is lighter and nearer the paper's hue: the
    usual evidence leaves a notch there and the disc is not full. Judged again with lightness
    counting, every sticker is counted and the writing is none; without (dot_overlap_max
    infinite: no disc is judged again) most are missed."""
    from dataclasses import replace

    img, want = _glossy_wall(0.2)
    w = img.shape[1]

    def read(config) -> tuple[int, int]:
        res = read_wall(img, config, None)
        got = [min(res.notes, key=lambda n: abs(n.center[0] * w - cx)).dots for cx, _ in want]
        return sum(g == d for g, (_, d) in zip(got, want, strict=True)), len(res.dots)

    assert read(CONFIG) == (4, 7)
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_overlap_max=float("inf")))
    assert read(off)[0] <= 1


# supply shades (palette-like, not the pipeline's references): pinks, pale and deep oranges,
# purples, a blue and a green
_BRIGHT_NOTES = (
    ("pink", (252, 96, 164)),
    ("orange", (255, 178, 90)),
    ("purple", (176, 140, 220)),
    ("blue", (86, 196, 232)),
    ("pink", (244, 60, 140)),
    ("orange", (252, 150, 60)),
    ("pink", (255, 150, 190)),
    ("purple", (200, 168, 232)),
    ("green", (150, 230, 90)),
    ("orange", (255, 178, 90)),
)


def _overexposed_notes(exposure: float) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Two rows of notes with writing on a grey wall (_BRIGHT_NOTES), the photo exposed
    `exposure` x too long (linear light) and clipped as a sensor does. Returns the photo and
    each note's centre and colour."""
    rng = np.random.default_rng(5)
    img = np.full((560, 1040, 3), (150, 150, 146), np.uint8)
    side, want = 160, []
    for i, (name, paper) in enumerate(_BRIGHT_NOTES):
        x0, y0 = 40 + 200 * (i % 5), 60 + 240 * (i // 5)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), paper, -1)
        cv2.putText(img, "Idee", (x0 + 20, y0 + 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (40, 40, 50), 3)
        want.append((x0 + side / 2, y0 + side / 2, name))
    lin = (img.astype(np.float32) / 255) ** 2.2 * exposure
    img = np.clip(lin, 0, 1) ** (1 / 2.2) * 255
    img = np.clip(img + rng.normal(0, 1.5, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.8), want


@pytest.mark.slow
def test_overexposed_notes_keep_their_colour() -> None:
    """Overexposed 2 x: pink notes clip in red and blue and measure purple, pale orange ones
    clip in red and measure yellow. With the saturated channels as lower bounds and one
    exposure fitted to the photo's colour clusters, 9 or 10 of the 10 notes are named right;
    read as measured (no channel taken as clipped), half of them are wrong."""
    from dataclasses import replace

    img, want = _overexposed_notes(2.0)
    h, w = img.shape[:2]

    def right(config) -> int:
        res = read_wall(img, config, None)
        assert len(res.notes) == len(want)
        got = [
            min(res.notes, key=lambda n: np.hypot(n.center[0] * w - x, n.center[1] * h - y))
            for x, y, _ in want
        ]
        return sum(n.color == c for n, (_, _, c) in zip(got, want, strict=True))

    assert right(CONFIG) >= 9
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_clip_share=1.01))
    assert right(off) <= 5


def _framed_wall(scale: float = 2.0) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """A grey wall with six notes and free stickers along the photo's frame: two cut through
    or near their centre (half or more seen), one whole and touching the frame, one whose
    centre lies outside the photo (under half seen: not counted, as the truth does not),
    and beside them things the frame cuts that are no sticker: a note's corner and a thick
    marker stroke. Returns the photo and the stickers to count (x, y, colour)."""
    rng = np.random.default_rng(5)
    side, r = round(76 * scale), round(6 * scale)
    w, h = round(560 * scale), round(300 * scale)
    img = np.full((h, w, 3), (210, 210, 204), np.uint8)
    for i in range(6):
        row, col = divmod(i, 3)
        x0, y0 = round((110 + 110 * col) * scale), round((50 + 110 * row) * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (252, 232, 90), -1)
    dot = {"red": (210, 35, 48), "blue": (28, 90, 188), "green": (34, 150, 80)}
    want = [
        (w - 1 - round(1 * scale), round(150 * scale), "blue"),  # cut through its centre
        (round(60 * scale), round(2.5 * scale), "green"),  # cut a little past its centre
        (round(40 * scale), h - 1 - r, "red"),  # whole, touching the frame
    ]
    for x, y, c in want:
        cv2.circle(img, (x, y), r, dot[c], -1, cv2.LINE_AA)
    cv2.circle(img, (round(470 * scale), -round(3 * scale)), r, dot["red"], -1, cv2.LINE_AA)
    # an orange note's corner and a blue marker stroke, both cut by the frame
    cv2.rectangle(
        img, (-side // 2, round(120 * scale)), (side // 3, round(170 * scale)), (246, 150, 60), -1
    )
    cv2.line(
        img, (w - round(30 * scale), 0), (w - 1, round(25 * scale)), (30, 60, 170), round(3 * scale)
    )
    img = np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), want


@pytest.mark.slow
def test_stickers_cut_by_the_frame_are_counted() -> None:
    """A sticker the frame cuts shows an arc of a sticker's circle, filled: counted when its
    centre is in the photo; a sticker touching the frame is judged on the part of its ring
    inside the photo. A note's corner or a stroke the frame cuts is no arc and stays out.
    With the old rule (nothing within reach of the frame: dot_frame_ring_min above 1) none
    of the three is counted."""
    from dataclasses import replace

    img, want = _framed_wall()
    h, w = img.shape[:2]

    def found(config) -> list[tuple[float, float, str]]:
        res = read_wall(img, config, None)
        assert len(res.notes) == 6
        return [(d.center[0] * w, d.center[1] * h, d.color) for d in res.dots]

    got = found(CONFIG)
    assert len(got) == len(want), got
    for x, y, c in want:
        near = min(got, key=lambda d: np.hypot(d[0] - x, d[1] - y))
        assert np.hypot(near[0] - x, near[1] - y) < 6 and near[2] == c, (near, x, y, c)
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_frame_ring_min=1.01))
    assert found(off) == []


def test_red_stickers_on_pink_and_orange_notes_are_counted() -> None:
    """Pink and orange notes with red writing and one to three crimson stickers each, glossy:
    a red sticker differs from a pink or an orange paper partly in lightness. On a pink note
    the glossy part is near the paper in chroma, and the usual evidence keeps a piece of it
    too small for any disc. The piece's blob with lightness counting is the whole sticker,
    and counted; the red writing is none. Before the lightness evidence was tried on blobs
    the usual evidence holds a piece of (but no disc), the four on the pink notes were
    missed (2 notes exact, 3 stickers)."""
    # colours measured on generated photos: a pink paper at sRGB (234, 95, 140), an orange
    # one at (236, 105, 49), a red sticker at (172, 40, 52); red writing; highlight up left
    pink, orange = (234, 95, 140), (236, 105, 49)
    img, want = _glossy_wall(
        0.35,
        (pink, orange, pink, orange),
        ("red", (172, 40, 52)),
        ("Lien", (150, 30, 60)),
        (-1 / 3, -1 / 3),
        ((196, 190, 178), (150, 146, 136), 11),
    )
    w = img.shape[1]
    res = read_wall(img, CONFIG, None)
    got = [min(res.notes, key=lambda n: abs(n.center[0] * w - cx)).dots for cx, _ in want]
    assert got == [d for _, d in want]
    assert len(res.dots) == 7


def _short_outline_wall(scale: float = 2.0) -> tuple[np.ndarray, tuple[int, int], list]:
    """Four yellow notes on a grey wall, a purple sticker 14 mm above the second one's lower
    edge, three free stickers (one yellow) below. Returns the photo, the purple sticker's
    centre and the free ones'."""
    rng = np.random.default_rng(6)
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(300 * scale), round(560 * scale), 3), (212, 212, 206), np.uint8)
    tops = []
    for i in range(4):
        x0, y0 = round((40 + 125 * i) * scale), round(60 * scale)
        cv2.rectangle(img, (x0 + 3, y0 + 4), (x0 + side + 3, y0 + side + 4), (160, 160, 154), -1)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (250, 236, 96), -1)
        tops.append((x0, y0))
    x0, y0 = tops[1]
    on = (x0 + side // 2, y0 + round(62 * scale))
    cv2.circle(img, on, r, (118, 62, 160), -1, cv2.LINE_AA)
    free = [(round(x * scale), round(210 * scale)) for x in (120, 300, 450)]
    for (x, y), c in zip(free, [(34, 150, 80), (250, 200, 30), (210, 35, 48)], strict=True):
        cv2.circle(img, (x, y), r, c, -1, cv2.LINE_AA)
    img = np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), on, free


@pytest.mark.slow
def test_stickers_beside_an_outline_found_short() -> None:
    """A note's outline found a quarter short (a curled or overlapped note): the sticker on
    its paper beyond the outline is on that note (its surroundings are that paper), and the
    strip of paper is no sticker. The free stickers stay free, the yellow one too. With
    dot_paper_reach 0 the purple one is free."""
    from dataclasses import replace

    from capture.vision import markerless, wall_notes, wall_stickers
    from capture.vision.colour import load_colour_refs
    from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES

    img, on, free = _short_outline_wall()
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)

    def stickers(config) -> tuple[list, int]:
        m = config.markerless
        probe = markerless.probe_photo(img, config)
        work = markerless.work_images(img, probe, m)
        outlines = wall_notes.cover_notes(work, probe, refs.notes, config)
        notes, _quads = wall_notes.notes_from_outlines(outlines, work, m, None)
        assert len(notes) == 4
        k = min(range(4), key=lambda i: abs(notes[i].center[0] - on[0]))
        c = np.array(notes[k].corners)  # TL TR BR BL: the lower side a quarter up
        c[2], c[3] = c[1] + 0.75 * (c[2] - c[1]), c[0] + 0.75 * (c[3] - c[0])
        short = tuple((float(x), float(y)) for x, y in c)
        notes[k] = replace(notes[k], corners=short, center=tuple(c.mean(0)))
        dots, _r = wall_stickers.find_stickers(img, work, probe, notes, refs.stickers, config)
        return dots, k

    dots, k = stickers(CONFIG)
    assert len(dots) == 4, dots
    purple = min(dots, key=lambda d: np.hypot(d.center[0] - on[0], d.center[1] - on[1]))
    assert np.hypot(purple.center[0] - on[0], purple.center[1] - on[1]) < 6
    assert purple.on_note == k
    for x, y in free:
        near = min(dots, key=lambda d: np.hypot(d.center[0] - x, d.center[1] - y))
        assert np.hypot(near.center[0] - x, near.center[1] - y) < 6 and near.on_note is None
    off = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_paper_reach=0.0))
    dots, k = stickers(off)
    assert len(dots) == 4 and all(d.on_note is None for d in dots)


def _touching_over_writing(scale: float = 2.0) -> tuple[np.ndarray, list[float]]:
    """Three yellow notes, on each two blue stickers touching each other, the first stuck over
    the end of a word in navy marker. Returns the photo and the notes' centres x."""
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(260 * scale), round(640 * scale), 3), (214, 214, 206), np.uint8)
    want = []
    for i in range(3):
        x0, y0 = round((30 + 150 * i) * scale), round(60 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (252, 232, 90), -1)
        org = (x0 + round(8 * scale), y0 + round(42 * scale))
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(img, "Ideo", org, font, 0.6 * scale, (30, 40, 120), round(2.5 * scale))
        a = (x0 + round(47 * scale), y0 + round(36 * scale))
        b = (a[0] + round(2 * r * 0.6), a[1] + round(2 * r * 0.8))
        for at in (a, b):
            cv2.circle(img, at, r, (28, 90, 188), -1, cv2.LINE_AA)
        want.append(x0 + side / 2)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), want


def test_touching_stickers_of_one_colour_over_writing_are_counted() -> None:
    """A sticker over writing is taken when its own colour is one whole sticker; a second
    sticker of that colour touching it is not its running on (its disc is left out, as the
    rim test leaves it): both counted. Before, the pair made one blob of no sticker's shape
    and the one over the writing was missed."""
    img, want = _touching_over_writing()
    res = read_wall(img, CONFIG, None)
    w = img.shape[1]
    assert len(res.notes) == 3
    got = [min(res.notes, key=lambda n: abs(n.center[0] * w - cx)).dots for cx in want]
    assert got == [{"blue": 2}] * 3
    assert len(res.dots) == 6


def _near_touching_pairs(
    gap: float, colours: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> tuple[np.ndarray, list[float]]:
    """Four yellow notes: on the first two a blue and an orange sticker apart (the photo's
    usual size), on the last two a pair of 1.3 times that size (a nearer part of the wall)
    touching or overlapping (centres `gap` radii apart, turned). Returns the photo and the
    notes' centres x."""
    scale = 2.0
    side, r = round(76 * scale), round(6 * scale)
    img = np.full((round(260 * scale), round(640 * scale), 3), (214, 214, 206), np.uint8)
    want = []
    for i in range(4):
        x0, y0 = round((20 + 150 * i) * scale), round(60 * scale)
        cv2.rectangle(img, (x0, y0), (x0 + side, y0 + side), (252, 232, 90), -1)
        a = (x0 + round(30 * scale), y0 + round(30 * scale))
        if i < 2:
            cv2.circle(img, a, r, (28, 90, 188), -1, cv2.LINE_AA)
            cv2.circle(img, (a[0] + 3 * r, a[1] + 3 * r), r, (230, 120, 30), -1, cv2.LINE_AA)
        else:
            rs, turn = 1.3 * r, (0.4, 2.0)[i - 2]
            b = (round(a[0] + gap * rs * np.cos(turn)), round(a[1] + gap * rs * np.sin(turn)))
            for at, colour in zip((a, b), colours, strict=True):
                cv2.circle(img, at, round(rs), colour, -1, cv2.LINE_AA)
        want.append(x0 + side / 2)
    return cv2.GaussianBlur(img, (0, 0), 0.6 * scale), want


@pytest.mark.parametrize(
    ("gap", "colours", "names"),
    [
        (2.0, ((40, 140, 70), (190, 35, 55)), {"green": 1, "red": 1}),
        (1.8, ((200, 30, 40), (200, 30, 40)), {"red": 2}),
    ],
)
def test_touching_stickers_larger_than_the_usual_are_two(
    gap: float, colours: tuple[tuple[int, int, int], tuple[int, int, int]], names: dict
) -> None:
    """Two stickers touching (or overlapping by a tenth of their diameter) on a nearer part
    of the wall, larger than the photo's usual sticker: their blob is split at its distance
    transform's two maxima into two sticker shapes (wall_stickers._touching_pair). Before,
    the coverer laid discs of the usual size on it and none was kept on either pair's
    notes."""
    img, want = _near_touching_pairs(gap, colours)
    res = read_wall(img, CONFIG, None)
    w = img.shape[1]
    assert len(res.notes) == 4
    got = [min(res.notes, key=lambda n: abs(n.center[0] * w - cx)).dots for cx in want]
    assert got == [{"blue": 1, "orange": 1}] * 2 + [names] * 2
    assert len(res.dots) == 8


def _desk_and_note(
    seed: int, cy: float, shadow: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A light wooden desk (1000 x 700, grain noise) with one lime note (260 px, turned 40
    degrees, centre (330, cy), a line of writing), its shadow cast down right if asked.
    Returns the photo, the note's centre and its corners (px)."""
    rng = np.random.default_rng(seed)
    img = np.full((700, 1000, 3), (226, 208, 178), np.uint8)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    c = np.array((330.0, cy))
    note = cv2.boxPoints(((c[0], c[1]), (260, 260), 40)).astype(np.int32)
    if shadow:
        cv2.fillConvexPoly(img, note + np.array((4, 5), np.int32), (180, 165, 140))
    cv2.fillConvexPoly(img, note, (200, 232, 70))
    y = round(cy)
    cv2.line(img, (285, y), (370, y + 10), (40, 60, 40), 4)
    return img, c, note


def _desk_with_one_note() -> tuple[np.ndarray, tuple[float, float]]:
    """One lime note (260 px, turned 40 degrees, a line of writing) on a light wooden desk,
    two pens lying against its corner and a small dark square (a phone's camera) beside them:
    the note is no lone blob (the pens touch it), the camera is the only small filled blob.
    Returns the photo and the note's centre."""
    img, c, note = _desk_and_note(7, 300.0, shadow=True)
    corner = note[np.argmax(note[:, 0] + note[:, 1])]  # the lower right corner
    for dx, colour in ((0, (40, 160, 90)), (34, (150, 150, 150))):
        a = (int(corner[0]) - 30 + dx, int(corner[1]) - 20)
        cv2.line(img, a, (a[0] + 170, a[1] + 150), colour, 26)
    cv2.rectangle(img, (760, 420), (786, 446), (40, 40, 45), -1)
    return cv2.GaussianBlur(img, (0, 0), 0.8), (float(c[0]), float(c[1]))


def test_one_large_note_touched_by_pens_is_one_note() -> None:
    """A note with pens lying against it is no lone blob; the note scale came from the only
    small filled blob left (a phone's camera, ten times smaller) and the note was tiled with
    squares of that size. Opened by half its inscribed circle, the blob leaves the note: the
    scale is the note's own and it is found as one note."""
    img, (x, y) = _desk_with_one_note()
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    assert len(res.notes) == 1, [(n.color, n.center) for n in res.notes]
    n = res.notes[0]
    assert np.hypot(n.center[0] * w - x, n.center[1] * h - y) < 20
    assert n.color == "lime"


def _desk_two_pens_side_by_side() -> tuple[np.ndarray, tuple[float, float]]:
    """One lime note (260 px, turned 40 degrees) on a desk, two thick pens lying side by side
    along part of its lower right side, their caps touching (the strip of desk between them
    is enclosed) and running on past the note; a small dark square (a phone's camera) apart.
    Returns the photo and the note's centre."""
    img, c, note = _desk_and_note(11, 290.0, shadow=False)
    bottom = note[np.argmax(note[:, 1])].astype(float)
    right = note[np.argmax(note[:, 0])].astype(float)
    along = (bottom - right) / np.linalg.norm(bottom - right)
    out = np.array((along[1], -along[0]))
    out = out if out @ (right - c) > 0 else -out
    start = right + 0.4 * (bottom - right)

    def line(a: np.ndarray, b: np.ndarray, colour: tuple[int, int, int], width: int) -> None:
        cv2.line(img, tuple(np.round(a).astype(int)), tuple(np.round(b).astype(int)), colour, width)

    for off, colour in ((17, (40, 160, 90)), (105, (150, 150, 150))):
        line(start + off * out, start + off * out + 300 * along, colour, 32)
    for t in (0.0, 300.0):  # the caps
        line(start + 17 * out + t * along, start + 105 * out + t * along, (60, 60, 60), 22)
    cv2.rectangle(img, (760, 420), (786, 446), (40, 40, 45), -1)
    return cv2.GaussianBlur(img, (0, 0), 0.8), (float(c[0]), float(c[1]))


@pytest.mark.slow
def test_note_with_two_pens_side_by_side_against_it_is_one_note() -> None:
    """Two pens side by side against a note enclose a strip of desk: filled as a hole, the
    pens are as thick as half the note, and opened by half its inscribed circle the blob kept
    them (no lone note; the camera set the scale: 118 squares of its size in 100 s, as a real
    desk photo resampled to 2 MP gave 183 in 199 s). The larger openings tried next leave the
    note alone: one lime note at its place, its side within 10 % of its own."""
    img, (x, y) = _desk_two_pens_side_by_side()
    res = read_wall(img, CONFIG, None)
    h, w = img.shape[:2]
    assert len(res.notes) == 1, len(res.notes)
    n = res.notes[0]
    assert np.hypot(n.center[0] * w - x, n.center[1] * h - y) < 30
    assert n.color == "lime"
    corners = np.array(n.corners) * (w, h)
    side = float(np.linalg.norm(np.roll(corners, -1, 0) - corners, axis=1).mean())
    assert abs(side / 260 - 1) < 0.1, side


def test_one_note_too_small_is_named_and_many_make_one_flag() -> None:
    """A photo's notes under the legible resolution: one note is flagged by its id, several
    make one finding for the photo (a whole wall from afar would otherwise list every note)."""
    (one,) = _too_small({"m03": 1.4}, 2.0)
    assert (one.code, one.variant, one.item) == ("note_too_small", "wall_note", "m03")
    assert one.values["scale"] == 1.4
    (many,) = _too_small({"m01": 1.2, "m02": 1.7, "m05": 0.9}, 2.0)
    assert (many.code, many.variant, many.item) == ("text_too_small", "wall", None)
    assert (many.values["count"], many.values["best"]) == (3, 1.7)
    assert _too_small({}, 2.0) == []


@pytest.mark.slow
def test_same_wall_the_closer_view_is_kept(tmp_path) -> None:
    """A wall shot whole, then its left part from closer (as the README asks for the
    handwriting): the close-up's notes are kept, the whole view adds only the notes and the
    free stickers outside the close-up, nothing is counted twice."""
    from click.testing import CliRunner

    from capture.cli import main

    whole, truth, free = _drawn_wall(2.0)
    w = whole.shape[1]
    # the left 30 % of the wall, twice as large: its first two columns of notes, no free sticker
    part = whole[:, : round(0.3 * w)]
    close = cv2.resize(part, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    src = tmp_path / "in"
    src.mkdir()
    cv2.imwrite(str(src / "a_mur.png"), cv2.cvtColor(whole, cv2.COLOR_RGB2BGR))
    cv2.imwrite(str(src / "b_de_pres.png"), cv2.cvtColor(close, cv2.COLOR_RGB2BGR))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(src), "--markerless", "--out", str(out),
                                    "--jobs", "1"])
    assert res.exit_code == 0, res.output
    ml = json.loads((out / "session.json").read_text("utf-8"))["markerless"]
    in_close = [t for t in truth if t["center"][0] < 0.3 * w]
    photos = [n["photo"] for n in ml["notes"]]
    assert len(ml["notes"]) == len(truth)  # each note once
    assert photos.count("b_de_pres.png") == len(in_close) == 6
    assert photos.count("a_mur.png") == len(truth) - len(in_close)
    on = sum(sum(n["dots"].values()) for n in ml["notes"])
    assert on == sum(sum(t["dots"].values()) for t in truth)
    # the free stickers lie right of the close-up: the whole view's are kept
    assert sorted(d["color"] for d in ml["dots"] if d["on_note"] is None) == sorted(
        c for _x, _y, c in free)
    assert any(f["code"] == "same_wall" and f["item"] == "a_mur.png" for f in ml["flags"])
