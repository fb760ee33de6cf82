"""The printable kit: PNGs, kit.json and the PDF agree with the layout and read back.

Real image processing throughout: ArUco detection (OpenCV) and QR decoding (pyzbar) on the
written PNGs and on perspective-warped, blurred, noisy, unevenly lit JPEG renditions of them.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest
import segno
from click.testing import CliRunner
from PIL import Image
from pyzbar import pyzbar

from capture.cli import main
from capture.core.config import CONFIG
from capture.core.workshop import load_workshop
from capture.kit.export import write_kit
from capture.kit.layout import layout_workshop, parse_qr_payload
from capture.kit.pdf import PAPER_MM, ink_bbox_mm, plan_board, plan_kit
from capture.kit.render import render_board_grey

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "residence-achats-durables" / "workshop.yaml"
SCHEMA = ROOT / "capture" / "kit" / "kit.schema.json"
PNG_DPI = 100  # low resolution keeps the tests fast; markers and QR must still read
PDF_DPI = 60
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def workshop():
    return load_workshop(SAMPLE)


@pytest.fixture(scope="module")
def layout(workshop):
    return layout_workshop(workshop)


@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory, workshop) -> Path:
    out = tmp_path_factory.mktemp("kit")
    summary = write_kit(workshop, out, dpi=PNG_DPI, paper="A3", pdf_dpi=PDF_DPI)
    (out / "summary.txt").write_text(summary)
    return out


@pytest.fixture(scope="module")
def kit_json(kit_dir) -> dict:
    return json.loads((kit_dir / "kit.json").read_text(encoding="utf-8"))


def _detector(name: str) -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    # contour refinement: best corner accuracy on small, blurred markers (measured: max 1.3 mm
    # at 1.3 px/mm against 3.2 mm for sub-pixel refinement)
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_CONTOUR
    return cv2.aruco.ArucoDetector(
        cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, name)), params
    )


def _png_grey(kit_dir: Path, board: dict) -> np.ndarray:
    return np.asarray(Image.open(kit_dir / board["image"]).convert("L"))


# --- kit.json ---------------------------------------------------------------------------------


def test_kit_json_follows_the_contract(kit_json, layout):
    jsonschema.validate(kit_json, json.loads(SCHEMA.read_text()))
    assert kit_json["workshop"] == "residence-achats-durables"
    assert kit_json["dpi"] == PNG_DPI
    assert kit_json["stickers"] == {
        "diameter_mm": 12.0,
        "colors": ["red", "green", "blue", "yellow"],
    }
    assert kit_json["notes"]["colors"] == ["yellow", "pink", "orange", "green", "blue"]
    assert kit_json["aruco_dictionary"] == CONFIG.kit.aruco_dictionary
    kinds = [b["kind"] for b in kit_json["boards"]]
    assert kinds.count("verbatim") == 14 and kinds.count("story") == 4
    assert kinds.count("process") == kinds.count("mire") == kinds.count("calibration") == 1
    marker_ids = [m["id"] for b in kit_json["boards"] for m in b["markers"]]
    assert len(marker_ids) == len(set(marker_ids)), "marker ids must be unique across the workshop"
    for board in kit_json["boards"]:
        assert board["image"] == f"boards/{board['id']}.png"
        assert parse_qr_payload(board["qr_payload"]) == (kit_json["workshop"], board["id"])
        assert board["qr_payload"].startswith(kit_json["qr_prefix"] + "|")
        zones = {z["id"]: z for z in board["zones"]}
        if board["kind"] == "verbatim":
            assert {z["vote"] for z in zones.values()} == {"agree", "disagree"}
            assert board["text"]
        if board["kind"] == "mire":
            grid = zones["grille"]
            assert grid["x_axis"]["labels"][0] == "court terme"
            assert grid["y_axis"]["labels"][0] == "faible"
        if board["kind"] == "calibration":
            spots = [(s["kind"], s["value"]) for s in board["swatches"] if s["kind"] != "grey"]
            assert spots == [("sticker", c) for c in kit_json["stickers"]["colors"]] + [
                ("note", c) for c in kit_json["notes"]["colors"]
            ]
        if board["kind"] == "process":
            assert next(z["label"] for z in zones.values()).endswith("Définition du besoin")
        w, h = board["size_mm"]
        for z in board["zones"]:
            x, y, zw, zh = z["rect_mm"]
            assert x >= 0 and y >= 0 and x + zw <= w and y + zh <= h
    # the numbers are the layout's, to the rounding of the file
    for board, spec in zip(kit_json["boards"], layout.boards, strict=True):
        assert board["id"] == spec.id
        for m, ms in zip(board["markers"], spec.markers, strict=True):
            assert m["id"] == ms.id
            assert np.allclose(m["corners_mm"], ms.corners_mm, atol=1e-3)


def test_summary_states_the_tiling(kit_dir, kit_json):
    summary = (kit_dir / "summary.txt").read_text()
    assert f"{kit_json['pdf']['pages']} pages A3" in summary
    for board in kit_json["boards"]:
        tiles = board["print"]
        if tiles["pages"] > 1:
            assert f"{board['id']} {tiles['rows']} × {tiles['cols']}" in summary


# --- PNGs ---------------------------------------------------------------------------------------


def test_png_size_and_dpi_match_kit_json(kit_dir, kit_json):
    for board in kit_json["boards"]:
        with Image.open(kit_dir / board["image"]) as img:
            w_mm, h_mm = board["size_mm"]
            assert abs(img.width - w_mm * PNG_DPI / 25.4) <= 1
            assert abs(img.height - h_mm * PNG_DPI / 25.4) <= 1
            assert [round(v) for v in img.info["dpi"]] == [PNG_DPI, PNG_DPI]


def test_zones_are_neutral_and_free_for_stickers(kit_dir, kit_json):
    ppm = PNG_DPI / 25.4
    for board in kit_json["boards"]:
        with Image.open(kit_dir / board["image"]) as img:
            assert img.mode in ("L", "RGB")
            pixels = np.asarray(img)
        for zone in board["zones"]:
            x, y, w, h = zone["rect_mm"]
            inner = pixels[
                round((y + 2) * ppm) : round((y + h - 2) * ppm),
                round((x + 2) * ppm) : round((x + w - 2) * ppm),
            ]
            where = f"{board['id']}/{zone['id']}"
            if inner.ndim == 3:  # a colour PNG: no saturated ink where stickers and notes go
                saturation = inner.max(axis=2).astype(np.int16) - inner.min(axis=2)
                assert saturation.max() <= 8, f"{where}: coloured ink in a zone"
                inner = inner.min(axis=2)
            dark = (inner < 200).mean()
            assert dark < 0.05, f"{where}: {dark:.1%} of the zone is inked"


def test_markers_are_where_kit_json_says(kit_dir, kit_json):
    det = _detector(kit_json["aruco_dictionary"])
    ppm = PNG_DPI / 25.4
    for board in kit_json["boards"]:
        grey = _png_grey(kit_dir, board)
        corners, ids, _ = det.detectMarkers(grey)
        assert ids is not None
        want = {m["id"]: np.array(m["corners_mm"]) for m in board["markers"]}
        assert sorted(ids.ravel().tolist()) == sorted(want), board["id"]
        for c, i in zip(corners, ids.ravel(), strict=True):
            # OpenCV reports pixel-centre coordinates: the edge of pixel k sits at k - 0.5
            found_mm = (c.reshape(4, 2) + 0.5) / ppm
            assert np.abs(found_mm - want[int(i)]).max() < 0.6, (board["id"], int(i))
        for m in board["markers"]:  # the printed square: black frame, white paper around it
            (x0, y0), _, (x1, _y1), _ = m["corners_mm"]
            cell = (x1 - x0) / 6  # 4x4 bits + a one-cell border
            frame = grey[
                round((y0 + cell / 4) * ppm) : round((y0 + cell * 3 / 4) * ppm),
                round((x0 + cell / 4) * ppm) : round((x1 - cell / 4) * ppm),
            ]
            assert frame.mean() < 10
            above = grey[
                max(0, round((y0 - 3) * ppm)) : round((y0 - 1) * ppm),
                round(x0 * ppm) : round(x1 * ppm),
            ]
            assert above.size and above.min() > 200


@pytest.mark.slow
def test_qr_codes_decode_from_the_pngs(kit_dir, kit_json):
    ppm = PNG_DPI / 25.4
    for board in kit_json["boards"]:
        decoded = pyzbar.decode(_png_grey(kit_dir, board))
        assert [d.data.decode() for d in decoded] == [board["qr_payload"]]
        qx, qy, qs, _ = board["qr_rect_mm"]
        r = decoded[0].rect
        assert qx * ppm <= r.left and r.left + r.width <= (qx + qs) * ppm
        assert qy * ppm <= r.top and r.top + r.height <= (qy + qs) * ppm


# --- a phone's view of one board ------------------------------------------------------------------


def _camera(
    size_mm: tuple[float, float], tilt: float, pitch: float, roll: float, px_per_mm: float
) -> tuple[np.ndarray, tuple[int, int]]:
    """Homography board mm -> photo px of a pinhole camera close to a rotated board."""
    w, h = size_mm
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    a, b, c = (math.radians(v) for v in (tilt, pitch, roll))
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    dist = 1.4 * max(w, h)  # a wide-angle phone camera, close: strong perspective
    cam = pts @ (rz @ rx @ ry).T + [0, 0, dist]
    proj = px_per_mm * dist * cam[:, :2] / cam[:, 2:3]
    lo, hi = proj.min(0), proj.max(0)
    proj = proj - lo + 0.08 * (hi - lo)
    size = tuple(int(v) for v in 1.16 * (hi - lo))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.getPerspectiveTransform(src, proj.astype(np.float32)), size


def _min_scale(hom: np.ndarray, x: float, y: float) -> float:
    """Smallest photo px per board mm around (x, y), in any direction."""
    p = np.array([[[x, y], [x + 1, y], [x, y + 1]]], np.float64)
    q = cv2.perspectiveTransform(p, hom)[0]
    jac = np.stack([q[1] - q[0], q[2] - q[0]], axis=1)
    return float(np.linalg.svd(jac, compute_uv=False).min())


def _photograph(png: np.ndarray, hom: np.ndarray, size: tuple[int, int], rng) -> np.ndarray:
    """Warp the board into a photo, then degrade it like a phone would (grey result)."""
    ppm = PNG_DPI / 25.4
    warped = cv2.warpPerspective(
        cv2.cvtColor(png, cv2.COLOR_GRAY2RGB),
        hom @ np.diag([1 / ppm, 1 / ppm, 1]),
        size,
        flags=cv2.INTER_AREA,
        borderValue=(150, 140, 120),
    )
    img = warped.astype(np.float32) * np.array([1.0, 0.9, 0.75], np.float32)  # tungsten cast
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1, 2)
    light = 0.8 + 0.5 * (gx * (xx / w - 0.5) + gy * (yy / h - 0.5))  # light from one side
    light *= 1 - 0.25 * (((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
    img = cv2.GaussianBlur(img * light[..., None], (0, 0), 1.2)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    return cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)


def _fit(board: dict, corners, ids) -> tuple[np.ndarray, float]:
    """Homography board mm -> photo px from the detected markers, and its worst error in mm."""
    by_id = {m["id"]: np.array(m["corners_mm"], np.float64) for m in board["markers"]}
    src = np.concatenate([by_id[int(i)] for i in ids.ravel()])
    dst = np.concatenate([c.reshape(4, 2) for c in corners]).astype(np.float64)
    hom, _ = cv2.findHomography(src, dst)
    back = cv2.perspectiveTransform(dst[None], np.linalg.inv(hom))[0]
    return hom, float(np.abs(back - src).max())


WARPED = ["verbatim-01", "verbatim-11", "story-deniers", "processus", "mire", "calibration"]


@pytest.mark.slow
@pytest.mark.parametrize("board_id", WARPED)
def test_markers_and_qr_read_from_a_warped_degraded_photo(kit_dir, kit_json, board_id):
    board = next(b for b in kit_json["boards"] if b["id"] == board_id)
    png = _png_grey(kit_dir, board)
    det = _detector(kit_json["aruco_dictionary"])
    check_photographed_board(board, png, det, seed=WARPED.index(board_id) + 7)


def check_photographed_board(board: dict, png: np.ndarray, det, seed: int) -> None:
    """Markers from across the room, QR from a close-up, at a random steep angle and roll."""
    rng = np.random.default_rng(seed)
    tilt = rng.uniform(35, 45) * rng.choice([-1, 1])
    pitch, roll = rng.uniform(-12, 12), rng.uniform(-180, 180)
    qx, qy, qs, _ = board["qr_rect_mm"]
    module_mm = qs / segno.make(board["qr_payload"], error="l").symbol_size(border=2)[0]

    # 1. From across the room (~1.3 px/mm at the board centre): the markers alone find the board.
    hom, size = _camera(board["size_mm"], tilt, pitch, roll, 1.3)
    photo = _photograph(png, hom, size, rng)
    corners, ids, _ = det.detectMarkers(photo)
    assert ids is not None and sorted(ids.ravel().tolist()) == sorted(
        m["id"] for m in board["markers"]
    ), f"tilt {tilt:.0f}°, roll {roll:.0f}°"
    fitted, err_mm = _fit(board, corners, ids)
    assert err_mm < 3.0
    truth = np.linalg.inv(hom)  # every detected corner maps back to where the layout put it
    by_id = {m["id"]: np.array(m["corners_mm"]) for m in board["markers"]}
    for c, i in zip(corners, ids.ravel(), strict=True):
        back = cv2.perspectiveTransform(c.reshape(1, 4, 2).astype(np.float64), truth)[0]
        assert np.abs(back - by_id[int(i)]).max() < 2.5

    # 2. A close-up of the board's header (>= 3.3 px per QR module, in every direction):
    #    rectify the code with the homography of the markers in view, as the pipeline does.
    hom, size = _camera(board["size_mm"], tilt, pitch, roll, 1.0)
    k = 3.3 / (module_mm * _min_scale(hom, qx + qs / 2, qy + qs / 2))
    band = np.array(
        [
            [
                [0, 0],
                [board["size_mm"][0], 0],  # the top band: QR and top markers
                [board["size_mm"][0], qy + qs + 25],
                [0, qy + qs + 25],
            ]
        ],
        np.float64,
    )
    quad = cv2.perspectiveTransform(band, np.diag([k, k, 1]) @ hom)[0]
    lo, hi = quad.min(0) - 40, quad.max(0) + 40
    hom = np.array([[1, 0, -lo[0]], [0, 1, -lo[1]], [0, 0, 1]]) @ np.diag([k, k, 1]) @ hom
    photo = _photograph(png, hom, (int(hi[0] - lo[0]), int(hi[1] - lo[1])), rng)
    corners, ids, _ = det.detectMarkers(photo)
    top = {m["id"] for m in board["markers"] if m["corners_mm"][0][1] < qy + qs}
    assert ids is not None and set(ids.ravel().tolist()) == top
    fitted, err_mm = _fit(board, corners, ids)
    assert err_mm < 2.0
    r = 4.0 / module_mm  # 4 px per module in the rectified crop
    crop_from_mm = np.array([[1 / r, 0, qx - 3], [0, 1 / r, qy - 3], [0, 0, 1]])
    side = int((qs + 6) * r)
    crop = cv2.warpPerspective(
        photo, fitted @ crop_from_mm, (side, side), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR
    )
    assert [d.data.decode() for d in pyzbar.decode(crop)] == [board["qr_payload"]]


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page (pypdf: no poppler tools needed)."""
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(pdf).pages]


@pytest.mark.slow
def test_pdf_pages_are_a3_at_true_scale(kit_dir, kit_json):
    pages = _pdf_pages(kit_dir / "kit.pdf")
    assert (
        len(pages)
        == kit_json["pdf"]["pages"]
        == sum(b["print"]["pages"] for b in kit_json["boards"])
    )
    a3 = tuple(v * PT_PER_MM for v in PAPER_MM["A3"])
    for w, h in pages:
        assert sorted((w, h)) == pytest.approx(a3, abs=0.05)
    from pypdf import PdfReader

    for page, (w_pt, h_pt) in zip(PdfReader(kit_dir / "kit.pdf").pages, pages, strict=True):
        images = page.images
        assert len(images) == 1  # one image per page
        img = images[0].image
        assert img.mode == "L"  # 8-bit grey
        width, height = img.size
        assert abs(width - w_pt / 72 * PDF_DPI) <= 1  # drawn at PDF_DPI across the page
        assert abs(height - h_pt / 72 * PDF_DPI) <= 1


@pytest.mark.slow
def test_tiled_board_reassembles_exactly(kit_dir, kit_json, layout, tmp_path):
    """Lay the PDF's tiles on each other as the labels say: the board comes back pixel for pixel."""
    from pypdf import PdfReader

    pages = [p.images[0].image for p in PdfReader(kit_dir / "kit.pdf").pages]
    _, plans = plan_kit(layout, "A3")
    first = 0
    ppm = PDF_DPI / 25.4
    checked = 0
    for plan in plans:
        if plan.board in ("story-social", "processus", "verbatim-02"):
            board = layout.board(plan.board)
            want = render_board_grey(board, ppm, layout.aruco_dictionary)
            got = np.full_like(want, 77)  # anything not covered by a tile stays visibly wrong
            tiled = np.zeros(want.shape, bool)
            for n, tile in enumerate(plan.tiles):  # row-major: later tiles cover the glue strips
                page = np.asarray(pages[first + n].convert("L"))
                bx, by, bw, bh = tile.board_rect_mm
                sx0, sy0 = round(bx * ppm), round(by * ppm)
                sx1, sy1 = round((bx + bw) * ppm), round((by + bh) * ppm)
                px0, py0 = round(tile.page_origin_mm[0] * ppm), round(tile.page_origin_mm[1] * ppm)
                got[sy0:sy1, sx0:sx1] = page[py0 : py0 + sy1 - sy0, px0 : px0 + sx1 - sx0]
                tiled[sy0:sy1, sx0:sx1] = True
            assert (got[tiled] == want[tiled]).mean() > 0.999, plan.board
            assert (want[~tiled] == 255).all(), f"{plan.board}: printed ink left out of the tiles"
            checked += 1
        first += plan.pages
    assert first == len(pages) and checked == 3


@pytest.fixture(scope="module")
def ink(layout) -> dict[str, np.ndarray]:
    """Where each board is inked, at 2 px/mm (0.5 mm cells)."""
    return {b.id: render_board_grey(b, 2.0, layout.aruco_dictionary) < 250 for b in layout.boards}


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_tiles_cover_all_the_ink_and_fit_the_paper(layout, ink, paper):
    cfg = CONFIG.print
    m = cfg.printer_margin_mm
    for board in layout.boards:
        plan = plan_board(board, paper)
        pw, ph = plan.page_mm
        covered = np.zeros_like(ink[board.id])
        for tile in plan.tiles:
            bx, by, bw, bh = tile.board_rect_mm
            ox, oy = tile.page_origin_mm
            assert ox + bw <= pw + 1e-6 and oy + bh <= ph + 1e-6
            if plan.pages > 1:  # tiles print entirely inside the printable area
                assert ox >= m - 1e-6 and oy >= m - 1e-6
                assert ox + bw <= pw - m + 1e-6 and oy + bh <= ph - m + 1e-6
            assert bx >= 0 and by >= 0
            assert bx + bw <= board.size_mm[0] + 1e-6 and by + bh <= board.size_mm[1] + 1e-6
            covered[
                math.floor(2 * by) : math.ceil(2 * (by + bh)),
                math.floor(2 * bx) : math.ceil(2 * (bx + bw)),
            ] = True
        assert not (ink[board.id] & ~covered).any(), f"{board.id}: ink outside every tile"
        if plan.pages > 1:
            xs = sorted({t.board_rect_mm[0] for t in plan.tiles})
            widths = {t.board_rect_mm[0]: t.board_rect_mm[2] for t in plan.tiles}
            for a, b in itertools.pairwise(xs):
                assert a + widths[a] - b >= cfg.overlap_mm - 1e-6, f"{board.id}: overlap too thin"
        else:  # one page: every printed mark lands inside the printable area
            ix, iy, iw, ih = ink_bbox_mm(board)
            ox, oy = plan.tiles[0].page_origin_mm
            bx, by, _, _ = plan.tiles[0].board_rect_mm
            assert ix - bx + ox >= m - 1e-6 and iy - by + oy >= m - 1e-6
            assert ix + iw - bx + ox <= pw - m + 1e-6 and iy + ih - by + oy <= ph - m + 1e-6


def test_auto_paper_picks_fewer_pages(layout):
    paper, plans = plan_kit(layout, "auto")
    totals = {p: sum(pl.pages for pl in plan_kit(layout, p)[1]) for p in ("A4", "A3")}
    assert sum(pl.pages for pl in plans) == min(totals.values())
    assert paper == min(totals, key=lambda p: (totals[p], p != "A4"))
    # the verbatims (A3 boards with a 15 mm white border) print on one A3 sheet each
    assert all(pl.pages == 1 for pl in plan_kit(layout, "A3")[1] if pl.board.startswith("verbatim"))


# --- the command ----------------------------------------------------------------------------------

TINY = """\
id: tiny
title: "Atelier test"
walls:
  - id: mur
    title: "Vous nous avez dit…"
    boards:
      - {id: v1, kind: verbatim, title: "Vous nous avez dit…", text: "Une phrase courte."}
"""


def test_cli_writes_the_kit(tmp_path):
    ws = tmp_path / "w.yaml"
    ws.write_text(TINY, encoding="utf-8")
    out = tmp_path / "kit"
    result = CliRunner().invoke(
        main, ["kit", str(ws), "--out", str(out), "--dpi", "60", "--paper", "a4"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "kit.json").read_text(encoding="utf-8"))
    assert [b["id"] for b in doc["boards"]] == ["v1", "calibration"]
    assert doc["pdf"]["paper"] == "A4" and doc["pdf"]["dpi"] == CONFIG.kit.pdf_dpi
    pages = _pdf_pages(out / "kit.pdf")
    assert len(pages) == doc["pdf"]["pages"] == sum(b["print"]["pages"] for b in doc["boards"])
    assert all(b["print"]["paper"] == "A4" and b["print"]["pages"] > 1 for b in doc["boards"])
    a4 = tuple(v * PT_PER_MM for v in PAPER_MM["A4"])
    assert all(sorted(p) == pytest.approx(a4, abs=0.05) for p in pages)
    assert sorted(p.name for p in (out / "boards").iterdir()) == ["calibration.png", "v1.png"]
    assert not list(out.rglob("*.tmp"))  # atomic writes leave no temporary files


def test_cli_reports_a_bad_workshop_with_file_and_line(tmp_path):
    ws = tmp_path / "w.yaml"
    ws.write_text(TINY.replace("kind: verbatim", "kind: verbatime"), encoding="utf-8")
    result = CliRunner().invoke(main, ["kit", str(ws), "--out", str(tmp_path / "kit")])
    assert result.exit_code == 2
    assert f"[workshop_invalid] {ws}:7: field walls[0].boards[0].kind" in result.output
    assert not (tmp_path / "kit").exists()


def test_unwritable_output_is_a_clear_error(tmp_path):
    ws = tmp_path / "w.yaml"
    ws.write_text(TINY, encoding="utf-8")
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["kit", str(ws), "--out", str(tmp_path / "file" / "kit")])
    assert result.exit_code == 2
    assert "[output_unwritable] impossible d'écrire le kit dans" in result.output
