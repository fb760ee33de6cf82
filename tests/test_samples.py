"""The sample generator: deterministic by seed, truth matching what was drawn, EXIF right,
truth files in the output contract's shape."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from capture.core.workshop import load_workshop
from capture.io.schema import errors as schema_errors
from capture.kit.layout import layout_workshop
from capture.synth.camera import (
    distort_image,
    distort_points,
    distortion_pad,
    project,
    to_stored,
)
from capture.synth.generate import generate_set
from capture.synth.light import encode_jpeg

WORKSHOP = Path(__file__).resolve().parents[1] / "samples/residence-achats-durables/workshop.yaml"
MP = 1.2


@pytest.fixture(scope="module")
def workshop():
    return load_workshop(WORKSHOP)


@pytest.fixture(scope="module")
def easy_set(tmp_path_factory, workshop) -> Path:
    out = tmp_path_factory.mktemp("easy")
    generate_set(workshop, out, count=3, seed=11, level="easy", megapixels=MP, console=None)
    return out


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _upright(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))


@pytest.mark.slow
def test_files_and_manifest(easy_set):
    photos = sorted((easy_set / "photos").glob("*.jpg"))
    assert [p.name for p in photos] == ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"]
    assert sorted(p.name for p in (easy_set / "truth").glob("*.json")) == [
        "IMG_0001.json",
        "IMG_0002.json",
        "IMG_0003.json",
    ]
    manifest = _load(easy_set / "manifest.json")
    assert manifest["workshop"] == "residence-achats-durables"
    assert (manifest["seed"], manifest["level"], manifest["count"]) == (11, "easy", 3)
    assert manifest["megapixels"] == MP and manifest["generator"]


@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_differs(easy_set, workshop, tmp_path):
    again = tmp_path / "again"
    generate_set(workshop, again, count=2, seed=11, level="easy", megapixels=MP, console=None)
    for name in ("IMG_0001", "IMG_0002"):
        assert (again / "photos" / f"{name}.jpg").read_bytes() == (
            easy_set / "photos" / f"{name}.jpg"
        ).read_bytes()
        assert (again / "truth" / f"{name}.json").read_bytes() != b""
        first, second = (
            _load(again / "truth" / f"{name}.json"),
            _load(easy_set / "truth" / f"{name}.json"),
        )
        (
            second.pop("same_wall_as"),
            first.pop("same_wall_as"),
        )  # depends on the other photos of the set
        assert first == second
    other = tmp_path / "other"
    generate_set(workshop, other, count=1, seed=12, level="easy", megapixels=MP, console=None)
    assert (other / "photos/IMG_0001.jpg").read_bytes() != (
        easy_set / "photos/IMG_0001.jpg"
    ).read_bytes()


def test_truth_files_follow_the_output_contract(easy_set):
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        assert schema_errors(doc, "photo") == [], path.name
        assert doc["status"] == "ok" and doc["error"] is None
        assert doc["file"] == path.with_suffix(".jpg").name
    session = _load(easy_set / "truth.json")
    assert schema_errors(session, "session") == []
    boards_with_votes = [v["board"] for v in session["votes"]]
    assert len(boards_with_votes) == len(set(boards_with_votes))  # each board counted once
    ids = [n["id"] for n in session["notes"] + session["actions"]]
    assert len(ids) == len(set(ids))


def test_votes_only_for_boards_whose_zones_are_fully_in_frame(easy_set, workshop):
    kit = layout_workshop(workshop)
    seen_votes = 0
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        w, h = doc["size_px"]
        views = {v["board"]: v for v in doc["board_views"]}
        for vote in doc["votes"]:
            seen_votes += 1
            board = kit.board(vote["board"])
            hmat = np.array(views[vote["board"]]["homography_mm_to_px"])
            for zone in board.zones:
                x, y, zw, zh = zone.rect_mm
                p = project(hmat, np.array([[x, y], [x + zw, y], [x + zw, y + zh], [x, y + zh]]))
                assert (p >= -0.5).all() and (p[:, 0] <= w).all() and (p[:, 1] <= h).all()
            assert vote["agree"] == sum(vote["by_color"]["agree"].values())
            assert vote["disagree"] == sum(vote["by_color"]["disagree"].values())
            dots = [d for d in doc["dots"] if d["board"] == vote["board"]]
            assert vote["agree"] == sum(d["zone"] == "agree" for d in dots)
        for board in doc["partial_boards"]:
            assert board not in [v["board"] for v in doc["votes"]]
    assert seen_votes > 0, "the test set should show at least one complete verbatim board"


def _hue_close(pixel: np.ndarray, rgb: list[int], tol: int = 14) -> bool:
    hsv = cv2.cvtColor(np.uint8([[pixel, rgb]]), cv2.COLOR_RGB2HSV)[0].astype(int)
    d = abs(hsv[0, 0] - hsv[1, 0])
    return min(d, 180 - d) <= tol and hsv[0, 1] > 50


def test_stickers_are_drawn_where_truth_says(easy_set):
    checked = ok = 0
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        img = _upright(easy_set / "photos" / doc["file"])
        assert [img.shape[1], img.shape[0]] == doc["size_px"]
        for dot in doc["dots"]:
            x, y = (round(v) for v in dot["center_px"])
            if not (1 <= x < img.shape[1] - 1 and 1 <= y < img.shape[0] - 1):
                continue
            pixel = np.median(img[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3), axis=0).astype(
                np.uint8
            )
            checked += 1
            ok += _hue_close(pixel, dot["rgb"])
    assert checked >= 10
    assert ok / checked > 0.9, f"{ok}/{checked} sticker centres show the sticker's colour"


def test_notes_are_drawn_where_truth_says(easy_set, workshop):
    checked = ok = 0
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        img = _upright(easy_set / "photos" / doc["file"])
        views = {v["board"]: np.array(v["homography_mm_to_px"]) for v in doc["board_views"]}
        size, k1 = doc["size_px"], doc["camera"]["lens_k1"]  # homographies: pinhole part only
        for note in doc["notes"] + doc["actions"]:
            if note["visible"] < 0.99:
                continue
            c = np.array(note["corners_mm"])
            # points near the corners of the note, where nobody writes
            pts = np.array(
                [
                    c[0] + a * (c[1] - c[0]) + b * (c[3] - c[0])
                    for a, b in ((0.1, 0.1), (0.9, 0.1), (0.1, 0.9), (0.9, 0.9), (0.5, 0.06))
                ]
            )
            p = distort_points(project(views[note["board"]], pts), size, k1)
            p = np.clip(np.round(p).astype(int), 0, [size[0] - 1, size[1] - 1])
            pixel = np.median(img[p[:, 1], p[:, 0]], axis=0).astype(np.uint8)
            checked += 1
            ok += _hue_close(pixel, note["rgb"])
            centre = project(views[note["board"]], np.array([note["center_mm"]]))
            assert np.allclose(distort_points(centre, size, k1)[0], note["center_px"], atol=0.05)
    assert checked >= 5
    assert ok / checked > 0.9, f"{ok}/{checked} notes show the note's colour at their corners"


def test_exif_orientation_round_trip():
    """Stored pixels + tag give the upright photo back, for each tag a phone writes."""
    upright = np.zeros((40, 60, 3), np.uint8)
    upright[:10, :20] = (255, 0, 0)  # a red block at the top-left
    for tag in (1, 3, 6, 8):
        data = encode_jpeg(to_stored(upright, tag), 95, tag)
        with Image.open(io.BytesIO(data)) as im:
            assert im.getexif().get(0x0112) == tag
            back = np.asarray(ImageOps.exif_transpose(im))
        assert back.shape == upright.shape
        assert back[:10, :20, 0].mean() > 200 and back[:10, :20, 1].mean() < 60
        assert back[30:, 40:, 0].mean() < 60


def test_exif_tag_matches_truth(easy_set):
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        with Image.open(easy_set / "photos" / doc["file"]) as im:
            assert im.format == "JPEG"
            assert im.getexif().get(0x0112) == doc["exif_orientation"]
            assert list(im.size) == doc["stored_size_px"]
            assert list(ImageOps.exif_transpose(im).size) == doc["size_px"]


def test_markers_found_by_opencv_agree_with_truth(easy_set, workshop):
    """Boards in truth are the ones whose markers OpenCV decodes, at the truth's corners."""
    kit = layout_workshop(workshop)
    index = kit.marker_index()
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(
        cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, kit.aruco_dictionary)), params)
    errors = []
    for path in sorted((easy_set / "truth").glob("*.json")):
        doc = _load(path)
        grey = cv2.cvtColor(_upright(easy_set / "photos" / doc["file"]), cv2.COLOR_RGB2GRAY)
        corners, ids, _ = detector.detectMarkers(grey)
        ids = [] if ids is None else ids.ravel().tolist()
        # a sliver (e.g. 22 x 3 px on a line of small print) is no square seen in perspective
        sides = [np.linalg.norm(q[0] - np.roll(q[0], 1, axis=0), axis=1) for q in corners]
        keep = [s.min() >= 0.3 * s.max() for s in sides]
        corners = [q for q, k in zip(corners, keep, strict=True) if k]
        ids = [i for i, k in zip(ids, keep, strict=True) if k]
        found = {index[i][0].id for i in ids if i in index}
        assert found == set(doc["boards"]), doc["file"]
        views = {v["board"]: np.array(v["homography_mm_to_px"]) for v in doc["board_views"]}
        for quad, marker_id in zip(corners, ids, strict=True):
            board, marker = index[marker_id]
            expected = distort_points(
                project(views[board.id], np.array(marker.corners_mm)),
                doc["size_px"],
                doc["camera"]["lens_k1"],
            )
            errors.append(np.abs(expected - quad[0]).max())
    assert errors and float(np.median(errors)) < 1.0 and max(errors) < 2.5


def test_handwriting_stays_on_the_note():
    """Whatever the font, size, tilt and offset, no ink reaches the note's edge."""
    from capture.synth.handwriting import (
        ACTION_PHRASES,
        PROCESS_PHRASES,
        VALUE_PHRASES,
        pick_handwriting,
        text_mask,
    )

    rng = np.random.default_rng(5)
    for phrase in (*ACTION_PHRASES, *PROCESS_PHRASES, *VALUE_PHRASES):
        writing = pick_handwriting(phrase, rng)
        mask = text_mask(writing, 228, 3.0)
        border = np.concatenate([mask[:4].ravel(), mask[-4:].ravel(), mask[:, :4].ravel(),
                                 mask[:, -4:].ravel()])
        assert mask.max() > 0.5, phrase  # something was written
        assert border.max() < 0.05, (phrase, writing.font)


def test_lens_distortion_moves_pixels_where_distort_points_says():
    """A bright spot near a corner lands, once distorted, where the truth's mapping puts it."""
    h, w = 300, 400
    img = np.zeros((h, w, 3), np.float32)
    cv2.circle(img, (50, 40), 4, (1.0, 1.0, 1.0), -1)
    for k1 in (-0.02, 0.02):
        out = distort_image(img, k1, 0.0)[..., 1]
        ys, xs = np.nonzero(out > 0.1)
        wts = out[ys, xs]
        found = np.array([np.average(xs, weights=wts), np.average(ys, weights=wts)])
        expected = distort_points(np.array([[50.0, 40.0]]), (w, h), k1)[0]
        assert np.abs(expected - [50, 40]).max() > 1.5  # the effect is real at this corner
        assert np.abs(found - expected).max() < 0.3, (k1, found, expected)



def test_barrel_distortion_shows_what_lies_beyond_the_frame():
    """With barrel distortion the frame's edge shows the scene just outside the pinhole view:
    the scene rendered in distortion_pad's margin, not a mirror image of the frame's own
    pixels (which put false ink beside markers touching the edge)."""
    h, w, k1, ca = 300, 400, -0.02, 0.001
    pad = distortion_pad((w, h), k1, ca)
    assert pad % 8 == 0 and pad >= 8
    assert distortion_pad((w, h), 0.02, 0.0) == 0  # pincushion samples inside the frame
    scene = np.ones((h + 2 * pad, w + 2 * pad, 3), np.float32)  # white paper everywhere
    scene[pad + 100 : pad + 200, pad - 4 : pad - 1] = 0.0  # a dark bar just left of the frame
    scene[pad + 100 : pad + 200, pad + 30 : pad + 40] = 0.0  # and one inside it
    out = distort_image(scene, k1, ca, pad)[..., 1]
    assert out.shape == (h, w)
    rows = out[110:190]
    assert rows[:, 0].max() < 0.2  # the outside bar is pulled into view at the left edge
    inner = distort_points(np.array([[30.0, 150.0]]), (w, h), k1)[0, 0]
    assert rows[:, 3 : int(inner) - 2].min() > 0.9  # paper between the bars: nothing mirrored


def _note_canvas(lift: float, viewer):
    from capture.synth.decorate import Canvas, NoteDeco, _draw_note

    note = NoteDeco(
        "n", "b", None, (100.0, 100.0), 76.0, 0.0, "yellow", (250, 230, 80), None, 0.0,
        lift_mm=lift, lift_corner=0.5, hinge=0.3,
    )
    cv = Canvas((0.0, 0.0), (200 * 4, 200 * 4), 4.0)
    cv.alpha[:] = 0
    _draw_note(cv, note, (0.0, -1.0), viewer)
    return cv, note


def test_curled_note_outline_follows_the_camera():
    """The adhesive strip stays on its flat position; the lifted bottom is seen displaced away
    from the camera's foot point (here the camera is far below: the bottom edge rises) and the
    bottom edge bows (corners lift more than the middle)."""
    flat, _ = _note_canvas(0.0, (100.0, 2000.0, 600.0))
    curled, note = _note_canvas(12.0, (100.0, 2000.0, 600.0))

    def bottom_px(cv, x_mm):
        col = cv.alpha[:, round(x_mm * 4)]
        return np.nonzero(col > 0.9)[0].max() / 4  # lowest row the note covers, mm (not shadow)

    def top_px(cv, x_mm):
        return np.nonzero(cv.alpha[:, round(x_mm * 4)] > 0.9)[0].min() / 4

    for x in (70.0, 100.0, 130.0):
        assert abs(top_px(curled, x) - top_px(flat, x)) <= 0.5  # the strip does not move
        assert bottom_px(curled, x) < bottom_px(flat, x) - 1.0  # the lifted edge rises
    # bowed: the corners (lifted more) rise more than the middle
    assert bottom_px(curled, 64.0) < bottom_px(curled, 100.0) - 0.3
    # truth stays the flat square
    assert np.allclose(note.corners_mm()[2], [138.0, 138.0])


def test_arm_hides_what_truth_leaves_out():
    """A foreground object over a board's markers makes it unregistrable in truth."""
    from capture.synth.truth import board_view

    kit = layout_workshop(load_workshop(WORKSHOP))
    board = next(b for b in kit.boards if b.kind == "verbatim")
    from capture.synth.decorate import BoardDeco

    deco = BoardDeco(board.id, (1.0, 1.0, 1.0))
    w, h = board.size_mm
    hmat = np.array([[2.0, 0, 50], [0, 2.0, 50], [0, 0, 1]])
    size = (int(2 * w + 100), int(2 * h + 100))
    seen = board_view(board, deco, hmat, size)
    assert seen.registrable and seen.vote_zones_complete
    everything = board_view(board, deco, hmat, size, lambda p: np.ones(len(p), bool))
    assert not everything.registrable and not everything.markers_visible
    left = board_view(board, deco, hmat, size, lambda p: p[:, 0] < size[0] / 2)
    assert 0 < len(left.markers_visible) < len(seen.markers_visible)
    assert not left.vote_zones_complete  # part of a vote zone hidden: votes not stated
