"""Reading a photo with no board faster without changing what is read: each shortcut gives the
same values, bit for bit, as the computation it replaces (docs/markerless-journal.md,
"Speed of a photo with no board")."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from test_markerless import _drawn_wall, _turned_wall

from capture.core.config import CONFIG
from capture.vision import dots, note_outline, notes, wall_notes, wall_stickers, wall_surface
from capture.vision.markerless import find_wall, probe_photo
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES, load_colour_refs
from capture.vision.wall_notes import _poly_pixels, poly_mask
from capture.vision.wall_surface import _linear8, apply_gains, chromaticity, foreground


def _pixelwise_foreground(lab: np.ndarray, ref: np.ndarray, l_weight: float) -> np.ndarray:
    d = lab - ref
    return np.sqrt((l_weight * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)


def test_shortcuts_give_the_same_values_as_the_pixelwise_formulas() -> None:
    """On a rendered wall: the linear light looked up (_linear8, the gains' tables,
    chromaticity), the foreground distance computed channel by channel in place, and a
    polygon's pixels read over its bounding box equal the whole-image formulas exactly."""
    img, _truth, _free = _drawn_wall(1.5)
    lin = (img.astype(np.float32) / 255.0) ** 2.2
    assert np.array_equal(_linear8(img), lin)
    chrom = lin + 1e-3
    chrom /= chrom.sum(-1, keepdims=True)
    assert np.array_equal(chromaticity(img), chrom)
    assert np.array_equal(chromaticity(img.reshape(-1, 3)), chrom.reshape(-1, 3))  # pixels
    for gains in (np.array([1.2, 0.9, 1.05], np.float32), np.array([0.8, 1.1, 1.3])):
        direct = (np.clip(lin * gains, 0, 1) ** (1 / 2.2) * 255.0).astype(np.uint8)
        assert np.array_equal(apply_gains(img, gains), direct)
    lab = wall_surface.rgb8_to_lab(img)
    assert np.array_equal(lab, cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab))
    for ref in (np.array([80.0, 2.0, -3.0]), lab[::-1].copy(), np.float32([70, 1, 1])):
        for w in (0.5, 1.0):
            got, want = foreground(lab, ref, w), _pixelwise_foreground(lab, ref, w)
            assert got.dtype == want.dtype and np.array_equal(got, want)
    rng = np.random.default_rng(0)
    h, w = lab.shape[:2]
    for _ in range(300):  # quadrilaterals inside, across the frame and off it
        c = rng.uniform(-80, max(h, w) + 80, 2)
        quad = c + rng.uniform(-120, 120, (4, 2))
        quad = cv2.convexHull(quad.astype(np.float32)).reshape(-1, 2)
        assert np.array_equal(_poly_pixels(lab, quad), lab[poly_mask((h, w), quad)])



def _whole_frame(a, uncovered, support, edges, s, band, cfg, beyond):
    """notes._angle_frame as it was: every map over the whole turned frame, then cut."""
    h, w = uncovered.shape
    diag = int(np.ceil(np.hypot(h, w))) + 2
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), a, 1.0)
    m[:, 2] += (diag - w) / 2.0, (diag - h) / 2.0
    sup = cv2.warpAffine(support.astype(np.uint8), m, (diag, diag), flags=cv2.INTER_NEAREST)
    if any(beyond):
        sup |= notes._past_frame(m, w, h, diag, beyond)
    inside_ok = notes._box_mean(sup, s) >= cfg.inside_min
    bx, by, bw, bh = cv2.boundingRect(inside_ok.astype(np.uint8))
    bw, bh = max(bw, 1), max(bh, 1)
    reach = (s + 2 * band) // 2 + 2
    ox, oy = max(bx - reach, 0), max(by - reach, 0)
    cut = np.s_[oy : min(by + bh + reach, diag), ox : min(bx + bw + reach, diag)]
    edg = cv2.warpAffine(edges.astype(np.float32), m, (diag, diag), flags=cv2.INTER_LINEAR)
    inner = np.s_[by : by + bh, bx : bx + bw]
    bonus = notes.EDGE_WEIGHT * notes._outline_mean(edg, s, band)[inner]
    bonus[~inside_ok[inner]] = np.nan
    unc = cv2.warpAffine(uncovered, m, (diag, diag), flags=cv2.INTER_NEAREST)[cut].copy()
    return notes._AngleFrame(a, m, ox, oy, unc, bonus, bx - ox, by - oy)


def test_turned_frames_cut_to_what_a_score_reads_give_the_same_maps() -> None:
    """notes._angle_frame warps and sums only the part of a blob's turned frame that a
    square's score reads: its maps equal those of the whole frame, cut afterwards, bit for
    bit (a rendered wall's edges; blobs of one note, of notes side by side, cut by the frame,
    and a support too thin to hold a note)."""
    img, _truth, _free = _drawn_wall(1.5)
    lab = wall_surface.rgb8_to_lab(img)
    edges = notes._edge_map(lab[..., 0])
    h, w = edges.shape
    cfg = CONFIG.notes
    s = round(76 * 1.5)
    band = max(2, round(s * 0.04))
    blobs = []
    for box, beyond in (
        (((40, 30), (40 + s, 30 + s)), (False,) * 4),
        (((20, 200), (20 + 2 * s + 3, 200 + s)), (False,) * 4),
        (((0, 60), (s // 2, 60 + s)), (True, False, False, False)),
        (((300, 300), (300 + s, 306)), (False,) * 4),  # a strip: nowhere to go
    ):
        blob = np.zeros((h, w), np.uint8)
        cv2.rectangle(blob, box[0], box[1], 1, -1)
        blobs.append((blob, beyond))
    for blob, beyond in blobs:
        for a in (-44.5, -17.25, 0.0, 3.5, 30.0):
            got = notes._angle_frame(a, blob, blob > 0, edges, s, band, cfg, beyond)
            want = _whole_frame(a, blob, blob > 0, edges, s, band, cfg, beyond)
            assert (got.ox, got.oy, got.ix, got.iy) == (want.ox, want.oy, want.ix, want.iy)
            assert np.array_equal(got.m, want.m) and np.array_equal(got.unc, want.unc)
            assert np.array_equal(got.bonus, want.bonus, equal_nan=True)


def test_plane_by_plane_distances_and_histogram_give_the_same_values() -> None:
    """On a rendered wall: chromaticity distances plane by plane (plane_distance) equal
    np.linalg.norm's, the wall colour's histogram bins taken plane by plane equal the whole
    array's formula, and the exposure's highest channel looked up from the highest code
    equals the highest linear value."""
    img, _truth, _free = _drawn_wall(1.5)
    chrom = chromaticity(img)
    lab = wall_surface.rgb8_to_lab(img)
    for a, b in ((chrom, chrom[0, 0]), (chrom, chrom[::-1].copy()), (lab, np.array([70.0, 1, 2]))):
        got, want = wall_surface.plane_distance(a, b), np.linalg.norm(a - b, axis=-1)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    m = CONFIG.markerless
    for arr in (lab, lab.astype(np.float64) * 1.01 - 0.3):
        px = arr.reshape(-1, 3)
        lo, span = np.array([0.0, -100.0, -100.0]), np.array([100.0, 200.0, 200.0])
        idx = np.clip(((px - lo) / span * m.wall_bins).astype(int), 0, m.wall_bins - 1)
        flat = (idx[:, 0] * m.wall_bins + idx[:, 1]) * m.wall_bins + idx[:, 2]
        counts = np.bincount(flat, minlength=m.wall_bins**3)
        want = np.median(px[flat == int(np.argmax(counts))], axis=0)
        assert np.array_equal(wall_surface.wall_colour(arr, m), want)
    dark = (img * 0.4).astype(np.uint8)
    hi = float(np.percentile(_linear8(dark).max(axis=-1), m.exposure_white_pct))
    want_gain = min(m.exposure_white / max(hi, 1e-4), m.exposure_gain_max)
    assert wall_surface.exposure_gain(dark, m) == want_gain


def test_paper_distance_in_place_and_the_probe_from_the_veil_copy() -> None:
    """note_outline._paper_distance channel by channel in place equals its whole-array
    formula (float32 and float64 papers); the probe read from the small copy the veil was
    measured on (find_wall passes it when no veil is taken off) equals the probe that
    resizes the photo itself."""
    img, _truth, _free = _drawn_wall(1.5)
    lab = wall_surface.rgb8_to_lab(img)
    for paper in (np.array([85.0, -2.0, 40.0]), np.float32([60, 30, 5]), lab[7, 9]):
        for w in (0.5, 1.0):
            d = lab - paper
            want = np.sqrt((w * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)
            got = note_outline._paper_distance(lab, paper, w)
            assert got.dtype == want.dtype and np.array_equal(got, want)
    h, w = img.shape[:2]
    f0 = min(1.0, CONFIG.markerless.probe_max_side_px / max(h, w))
    small = cv2.resize(
        img, (max(1, round(w * f0)), max(1, round(h * f0))), interpolation=cv2.INTER_AREA
    )
    probe = probe_photo(img, CONFIG, small)
    assert probe is not None and repr(probe) == repr(probe_photo(img, CONFIG))

@pytest.mark.slow
def test_colours_classified_once_per_image_and_stickers_only_where_read(monkeypatch) -> None:
    """A wall seen at 45 degrees (its notes in several size bands): the note colour classes and
    the edges of the search image are taken once for every band (they were taken again by
    find_squares in each band), and the sticker classes once, on the sticker pixels only
    (place_discs took them over the whole work image in each band). The wall reads as
    before (its test)."""
    calls: list[tuple[int, int]] = []
    real = wall_notes.classify_map

    def counting(lab, refs, *args, **kwargs):
        calls.append((len(refs), int(np.asarray(lab).size // 3)))
        return real(lab, refs, *args, **kwargs)

    for module in (wall_notes, wall_stickers, notes, dots):
        monkeypatch.setattr(module, "classify_map", counting)
    edge_maps = []
    real_edges = notes._edge_map

    def counting_edges(l_channel):
        edge_maps.append(l_channel.shape)
        return real_edges(l_channel)

    for module in (wall_notes, notes):
        monkeypatch.setattr(module, "_edge_map", counting_edges, raising=False)
    img, centres, _free = _turned_wall(45.0)
    # three stickers touching in a row (one blob of three colours: the disc coverer's, not a
    # lone disc, nor a pair of sticker shapes wall_stickers._touching_pair splits)
    x = round(centres[2][0][0])
    for dx, colour in ((-21, (200, 30, 45)), (0, (30, 90, 190)), (21, (40, 140, 70))):
        cv2.circle(img, (x + dx, 380), 12, colour, -1, cv2.LINE_AA)
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    scene = find_wall(img, refs.notes, refs.stickers, CONFIG)
    assert len(scene.notes) == 6
    row = [d for d in scene.dots if abs(d.center[0] - x) < 40 and abs(d.center[1] - 380) < 20]
    assert len(row) == 3
    by_notes = [px for n, px in calls if n == len(refs.notes)]
    by_stickers = [px for n, px in calls if n == len(refs.stickers)]
    assert len(by_notes) == 1
    assert len(edge_maps) == 1  # the search image's edges, likewise
    assert len(by_stickers) == 1
    # the work image is larger than the search one; the sticker pixels a small part of it
    assert by_stickers[0] < by_notes[0]


def test_ocr_crop_draws_only_the_notes_that_reach_it(monkeypatch) -> None:
    """A wall of 8 x 8 notes: a note's OCR crop (its outline grown by the crop margin) draws
    its own outline and the few neighbours reaching into it, not all 63 other notes; what it
    hides (a neighbour of another colour stuck over it, one of its colour known on top, a
    sticker) is the same as with every note drawn (each one far off draws nothing)."""
    from capture.vision import note_text
    from capture.vision.note_text import ocr_hidden

    side, pitch = 76.0, 84.0
    square = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float64)
    outlines = [square + np.array([pitch * (k % 8), pitch * (k // 8)]) for k in range(64)]
    k = 27  # a note inside the grid; its right neighbour is stuck over its edge
    outlines[28] = outlines[28] - (12.0, 0.0)
    outlines[19] = outlines[19] + (0.0, 12.0)  # the one above it, known on top
    own = outlines[k]
    c = own.mean(0)
    quad = c + (own - c) * 1.3
    crop = np.full((200, 200, 3), (250, 232, 95), np.uint8)
    crop[:, 170:] = (130, 200, 240)  # the neighbour over its edge: another paper
    others = [o for j, o in enumerate(outlines) if j != k]
    over = [j == 19 for j in range(64) if j != k]  # the note above, known on top
    discs = [(float(c[0]), float(c[1]), 6.0)]
    calls = []
    real = cv2.fillPoly

    def counting(img, pts, *args, **kwargs):
        calls.append(1)
        return real(img, pts, *args, **kwargs)

    monkeypatch.setattr(note_text.cv2, "fillPoly", counting)
    hide, mine = ocr_hidden(crop, quad, own, others, discs, 0.2, 6.0, over)
    drawn = len(calls)
    assert drawn <= 1 + 8  # its own outline and its eight neighbours at most
    # the same as drawing every note: the neighbours alone (far ones drew nothing)
    near = [j for j, o in enumerate(others) if np.abs(o.mean(0) - c).max() < 1.5 * pitch]
    assert len(near) == 8
    alone = ocr_hidden(
        crop, quad, own, [others[j] for j in near], discs, 0.2, 6.0, [over[j] for j in near]
    )
    assert np.array_equal(hide, alone[0]) and np.array_equal(mine, alone[1])
    assert hide[60:140, 170:].all()  # the neighbour of another paper over its edge
    assert hide[25:30, 60:140].all()  # the one of its paper known on top
    assert hide[100, 100]  # the sticker
    assert not hide[60:90, 40:80].any()  # its own paper


@pytest.mark.slow
def test_bench_speed_times_each_photo_read_with_no_board(tmp_path) -> None:
    """`capture bench speed FOLDER`: per photo the CPU seconds of decoding, find_wall and
    interpret with what was found, then the median and the maximum over the photos."""
    from click.testing import CliRunner
    from PIL import Image

    from capture.cli import main

    img, truth, _free = _drawn_wall(1.5)
    Image.fromarray(img).save(tmp_path / "mur.png")
    Image.fromarray(np.full((400, 600, 3), 215, np.uint8)).save(tmp_path / "vide.png")
    res = CliRunner().invoke(main, ["bench", "speed", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = {line.split()[0]: line for line in res.output.splitlines() if "find_wall " in line}
    assert set(rows) == {"mur.png", "vide.png"}
    assert f"notes {len(truth):3}" in rows["mur.png"]
    assert "notes   0" in rows["vide.png"]
    lines = res.output.splitlines()
    summary = dict(line.split() for line in lines if line.startswith(("find", "total", "photos")))
    assert summary["photos"] == "2"
    assert float(summary["find_wall_max_s"]) >= float(summary["find_wall_median_s"]) > 0


@pytest.mark.slow
def test_bench_speed_times_the_text_with_the_default_ocr(tmp_path) -> None:
    """`capture bench speed --ocr`: each photo's OCR seconds and notes read, the median and
    the milliseconds per note; the text read is read_wall's (read_text is its last step)."""
    from click.testing import CliRunner
    from PIL import Image

    from capture.bench.speed import markerless_speed
    from capture.cli import main
    from capture.vision.markerless_read import read_wall
    from capture.vision.ocr import read_notes

    img, truth, _free = _drawn_wall(1.5)
    Image.fromarray(img).save(tmp_path / "mur.png")
    res = CliRunner().invoke(main, ["bench", "speed", "--ocr", str(tmp_path)])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.output.splitlines() if line.startswith("mur.png"))
    assert f"({len(truth)} notes)" in row and float(row.split("ocr")[1].split()[0]) > 0
    summary = dict(line.split() for line in res.output.splitlines()
                   if line.startswith(("ocr_", "photos")))
    assert summary["photos"] == "1" and float(summary["ocr_ms_per_note"]) > 0
    assert float(summary["ocr_median_s"]) > 0

    def reader(crops):
        return read_notes(crops, CONFIG.ocr)

    seen = []
    (one,) = markerless_speed([tmp_path / "mur.png"], ocr=reader, progress=seen.append)
    assert one.read == len(truth) and one.total_s > one.ocr_s > 0 and seen == [one]
    texts = sorted(n.text for n in read_wall(img, CONFIG, reader).notes)
    assert any(texts)


def test_chromaticity_and_plane_distance_hold_no_extra_image_sized_planes() -> None:
    """On a rendered wall, the chromaticity and the plane-by-plane distance keep their values
    (the formulas above) and hold fewer whole-image planes at once (tracemalloc sees numpy's
    and OpenCV's arrays): the chromaticity its linear image and their sum (4 planes; was 10:
    split copies of the planes and a second image for the quotient), the distance its result
    and one plane for the other two differences (2; was 3)."""
    import tracemalloc

    img, _truth, _free = _drawn_wall(1.5)
    lab = wall_surface.rgb8_to_lab(img)
    h, w = img.shape[:2]
    lin = (img.astype(np.float32) / 255.0) ** 2.2 + 1e-3
    want_chrom = lin / lin.sum(-1, keepdims=True)
    ref = np.array([80.0, 2.0, -3.0])
    want_dist = _pixelwise_foreground(lab, ref, 0.5)
    tracemalloc.start()
    try:
        peaks = []
        for f, plane, want in (
            (lambda: chromaticity(img), 4 * h * w, want_chrom),
            (lambda: wall_surface.plane_distance(lab, ref, 0.5), 8 * h * w, want_dist),
        ):
            tracemalloc.reset_peak()
            before, _ = tracemalloc.get_traced_memory()
            got = f()
            _, peak = tracemalloc.get_traced_memory()
            assert np.array_equal(got, want)
            peaks.append((peak - before) / plane)
            del got
    finally:
        tracemalloc.stop()
    assert peaks[0] < 4.5 and peaks[1] < 2.5, peaks
