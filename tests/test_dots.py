"""Dot stickers: exact counts per vote zone and colour on warped, degraded photos."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from drawn_scene import (
    STICKER_RGB,
    Sticker,
    StickyNote,
    decorate,
    degrade,
    photograph,
    sample_kit,
    verbatim_stickers,
)

from capture.app.photo import analyse_photo
from capture.core.config import CONFIG
from capture.interpret.flags import render_all
from capture.kit.render import render_board
from capture.vision.colour import load_colour_refs, normalise_board
from capture.vision.dots import _notch_support, _split_by_colour, count_dots, cover_with_discs
from capture.vision.rectify import analysis_px_per_mm, rectify_board
from capture.vision.register import find_boards


def _truth(board, stickers: list[Sticker]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {z.id: {} for z in board.zones if z.kind == "vote"}
    for s in stickers:
        z = board.zone_at(*s.center_mm)
        if z is not None and z.kind == "vote":
            out[z.id][s.color] = out[z.id].get(s.color, 0) + 1
    return out


def test_cover_with_discs_counts_touching_and_overlapping() -> None:
    r = 18.0
    for centres in (
        [(60, 60)],
        [(60, 60), (96, 60)],
        [(60, 60), (86, 60)],
        [(60, 60), (86, 60), (73, 84)],
    ):
        blob = np.zeros((150, 150), np.uint8)
        for c in centres:
            cv2.circle(blob, c, int(r), 1, -1)
        found, _, _ = cover_with_discs(blob.astype(bool), r, CONFIG.dots)
        assert len(found) == len(centres)
        for c in centres:
            assert min(np.hypot(c[0] - f[0], c[1] - f[1]) for f in found) < 4


def test_sticker_notched_by_a_rim_highlight_counts_a_half_one_does_not() -> None:
    """A glossy highlight reaching the rim bites a notch out of the colour mask (no hole to
    fill): the blob's hull gives the disc its ground back. A sticker cut in half (zone or
    photo edge, a note over it) is convex already and stays below inside_min."""
    r = 18.0
    disc_area = np.pi * r * r
    notched = np.zeros((80, 80), np.uint8)
    cv2.circle(notched, (40, 40), int(r), 1, -1)
    cv2.ellipse(notched, (40, 24), (17, 13), 0, 0, 360, 0, -1)  # ~1/3 bitten from the top rim
    blob = notched.astype(bool)
    assert blob.sum() < CONFIG.dots.inside_min * disc_area
    assert cover_with_discs(blob, r, CONFIG.dots)[0] == []  # without the hull: missed
    hull = _notch_support(blob, disc_area, CONFIG.dots)
    found, _, _ = cover_with_discs(blob, r, CONFIG.dots, hull)
    assert len(found) == 1 and np.hypot(found[0][0] - 40, found[0][1] - 40) < 5
    half = np.zeros((80, 80), np.uint8)
    cv2.circle(half, (40, 40), int(r), 1, -1)
    half[:40] = 0
    blob = half.astype(bool)
    hull = _notch_support(blob, disc_area, CONFIG.dots)
    assert cover_with_discs(blob, r, CONFIG.dots, hull)[0] == []


@pytest.mark.slow
@pytest.mark.parametrize(("tilt", "seed"), [(35, 11), (45, 12)])
def test_counts_on_degraded_perspective_photos(tilt: float, seed: int) -> None:
    kit = sample_kit()
    refs = load_colour_refs(kit.sticker_colors, kit.note_colors)
    rng = np.random.default_rng(seed)
    ids = ["verbatim-08", "verbatim-09"]
    truth, boards = {}, []
    for bid, off in zip(ids, [(0, 0), (450, 0)], strict=True):
        b = kit.board(bid)
        st = verbatim_stickers(b, rng, kit.sticker_colors)
        truth[bid] = _truth(b, st)
        boards.append((decorate(render_board(b, 4.0), b, 4.0, st, [], rng), 4.0, off))
    photo, _ = photograph(boards, (870, 330), (3000, 2250), tilt, 6, rng)
    photo = degrade(
        photo, rng, cast=(1.18, 1.0, 0.72), blur_px=1.0, noise=4, jpeg=78, vignette=0.45, gain=0.85
    )
    fits, _ = find_boards(photo, kit)
    assert sorted(f.board for f in fits) == ids
    for fit in fits:
        b = kit.board(fit.board)
        rect = rectify_board(photo, fit, b, analysis_px_per_mm(b, 20), 20)
        _dots, votes, _ = count_dots(rect, normalise_board(rect, b), b, 12, 76, refs)
        got = {v.zone: v.by_color for v in votes}
        assert got == truth[fit.board]
        assert all(v.count == sum(v.by_color.values()) for v in votes)
        assert sum(v.count for v in votes) >= 10  # the scene does hold touching/overlapping pairs


@pytest.mark.slow
def test_unknown_colour_and_notes_are_not_votes() -> None:
    kit = sample_kit()
    rng = np.random.default_rng(3)
    b = kit.board("verbatim-10")
    zx, zy, _zw, zh = b.zone("agree").rect_mm
    stickers = [
        Sticker(b.id, (zx + 40, zy + 60), "purple"),
        Sticker(b.id, (zx + 80, zy + 60), "red"),
        Sticker(b.id, (zx + 120, zy + 90), "blue"),
    ]
    notes = [StickyNote(b.id, (zx + 130, zy + zh - 50), 5, "yellow")]  # a yellow note in the zone
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, notes, rng)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 25, -5, rng)
    photo = degrade(photo, rng, cast=(0.9, 1.0, 1.1), blur_px=0.8, noise=3, jpeg=85)
    result = analyse_photo(photo, kit)
    (board,) = result.boards
    votes = {v.zone: v for v in board.votes}
    assert votes["agree"].by_color == {"blue": 1, "red": 1, "unknown": 1}
    assert votes["disagree"].count == 0
    assert [f.zone for f in board.flags if f.code == "unknown_colour"] == ["agree"]
    assert {"register", "colour", "dots", "total"} <= set(result.timings)


@pytest.mark.slow
def test_calibration_card_refines_sticker_colours() -> None:
    """Teal 'green' stickers (another brand): unknown from the nominal references, recognised
    once the calibration card in the same photo shows what 'green' looks like."""
    kit = sample_kit()
    palette = dict(STICKER_RGB, green=(20, 160, 160))
    rng = np.random.default_rng(17)
    card, b = kit.board("calibration"), kit.board("verbatim-12")
    on_card = [
        Sticker(card.id, (x + w / 2, y + h / 2), colour)
        for kind, colour, (x, y, w, h) in card.swatches
        if kind == "sticker"
    ]
    zx, zy, _, _ = b.zone("agree").rect_mm
    votes = [
        Sticker(b.id, (zx + 40 + 30 * i, zy + 60), c)
        for i, c in enumerate(["green", "green", "red"])
    ]
    boards = [
        (decorate(render_board(b, 4.0), b, 4.0, votes, [], rng, palette=palette), 4.0, (0, 0)),
        (
            decorate(render_board(card, 4.0), card, 4.0, on_card, [], rng, palette=palette),
            4.0,
            (440, 0),
        ),
    ]
    photo, _ = photograph(boards, (870, 320), (3000, 1800), 20, 3, rng)
    photo = degrade(photo, rng, cast=(1.1, 1.0, 0.85), blur_px=0.8, noise=3, jpeg=85)
    without = analyse_photo(
        photo, dataclasses.replace(kit, boards=tuple(x for x in kit.boards if x.id != card.id))
    )
    with_card = analyse_photo(photo, kit)

    def agree(r):
        return next(v for br in r.boards for v in br.votes if v.board == b.id and v.zone == "agree")

    assert agree(without).by_color == {"red": 1, "unknown": 2}
    assert agree(with_card).by_color == {"green": 2, "red": 1}
    assert any(f.code == "colours_from_card" for f in with_card.flags)


@pytest.mark.slow
def test_clusters_of_slightly_larger_stickers_are_not_overcounted() -> None:
    """Real stickers are a few percent off the declared size: a tight cluster of four must
    not leave a 'sticker' of leftover rims in its middle."""
    kit = sample_kit()
    rng = np.random.default_rng(31)
    b = kit.board("verbatim-13")
    zx, zy, zw, _ = b.zone("disagree").rect_mm
    stickers = [Sticker(b.id, (zx + 30 + 40 * i, zy + 40), "green") for i in range(4)]  # lone
    cx, cy = zx + zw / 2, zy + 90
    for dx, dy, c in ((0, 0, "green"), (9.5, 0.5, "yellow"), (-1, 10.5, "blue"), (10, 9.5, "blue")):
        stickers.append(Sticker(b.id, (cx + dx, cy + dy), c))
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, [], rng, diameter_mm=12.6)
    got = _count_on_photo(kit, b, img, rng, tilt=30, roll=4, jpeg=80)
    assert got["disagree"] == {"blue": 2, "green": 5, "yellow": 1}


def _count_on_photo(kit, b, img, rng, tilt: float, roll: float, jpeg: int) -> dict:
    """Counts per vote zone and colour of one drawn board photographed and degraded."""
    refs = load_colour_refs(kit.sticker_colors, kit.note_colors)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), tilt, roll, rng)
    photo = degrade(photo, rng, blur_px=1.2, noise=3, jpeg=jpeg)
    fits, _ = find_boards(photo, kit)
    rect = rectify_board(photo, fits[0], b, analysis_px_per_mm(b, 20), 20)
    _, votes, _ = count_dots(rect, normalise_board(rect, b), b, 12, 76, refs)
    return {v.zone: v.by_color for v in votes}


def test_sticker_half_hidden_under_two_others_is_placed_on_the_whole_cluster() -> None:
    """A green sticker under a red one and a yellow one (centres 0.72 diameter apart) shows
    about 68 % of itself: on its own colour alone no disc lies 'mostly inside', on the whole
    cluster (the stickers hiding it) it does, and only one disc goes there."""
    r = 18.0
    green, red, yellow = (60, 75), (79, 57), (79, 93)
    canvas = np.zeros((150, 150), np.uint8)
    cv2.circle(canvas, green, int(r), 1, -1)
    cover = np.zeros_like(canvas)
    cv2.circle(cover, red, int(r), 1, -1)
    cv2.circle(cover, yellow, int(r), 1, -1)
    visible = (canvas > 0) & (cover == 0)
    whole = (canvas > 0) | (cover > 0)
    alone, _, _ = cover_with_discs(visible, r, CONFIG.dots)
    assert alone == []  # the visible crescent alone is not a sticker by the inside test
    found, _, _ = cover_with_discs(visible, r, CONFIG.dots, support=whole)
    assert len(found) == 1
    assert np.hypot(found[0][0] - green[0], found[0][1] - green[1]) < 6



def test_sticker_whose_rim_and_gloss_read_another_colour_stays_one_sticker() -> None:
    """A yellow sticker of a generated photo (seed 20, IMG_0002) read green on a thin rim
    (blurred into the bluish paper) and a patch under its gloss: enough green pixels for two
    colours, too scattered for a green piece. The yellow piece alone holds no whole disc and
    the sticker was lost; a single sticker's blob is kept whole."""
    r, yellow, green = 18.0, 3, 1
    yy, xx = np.mgrid[:40, :40]
    d = np.hypot(xx - 19.5, yy - 19.5)
    blob = d <= r + 0.5
    cls = np.full(blob.shape, yellow)
    cls[d > r - 2.5] = green  # the rim
    cls[np.hypot(xx - 14, yy - 13) < 7.5] = green  # the gloss
    strong = blob.copy()
    min_px = CONFIG.dots.min_fill * np.pi * r * r
    assert (cls[blob] == green).sum() >= min_px  # two colours by the count
    alone = _split_by_colour(blob, cls, strong, min_px)
    assert len(alone) == 1 and alone[0][0].sum() < 0.7 * blob.sum()  # green dropped
    assert cover_with_discs(alone[0][0], r, CONFIG.dots)[0] == []  # no disc fits the rest
    single = CONFIG.dots.single_max_area * np.pi * r * r
    ((whole, offset),) = _split_by_colour(blob, cls, strong, min_px, single)
    assert offset == (0, 0) and whole.sum() == blob.sum()
    found, _, _ = cover_with_discs(whole, r, CONFIG.dots)
    assert len(found) == 1 and np.hypot(found[0][0] - 19.5, found[0][1] - 19.5) < 2
    # two stickers' worth of blob keeps the split (a cluster, not one shaded sticker)
    two = _split_by_colour(blob, cls, strong, min_px, 0.5 * blob.sum())
    assert len(two) == 1 and two[0][0].sum() < blob.sum()


def test_washed_out_purple_is_unknown_not_blue() -> None:
    """Over-exposure lightens and desaturates: a purple sticker read at L 68, chroma 33 is
    nearer blue by lightness-weighted distance; its hue is purple's, so it is unknown."""
    from capture.vision.colour import classify
    from capture.vision.dots import _nearer_undeclared

    refs = load_colour_refs(("red", "green", "blue", "yellow"), ("yellow",))
    lavender = np.array([68.5, 21.2, -25.3])
    colour, de = classify(lavender, refs.stickers, CONFIG.dots.unknown_delta_e)
    assert colour == "blue"
    assert _nearer_undeclared(lavender, refs, colour, de, CONFIG.dots)
    washed_blue = np.array([73.7, 0.5, -33.0])  # a blue sticker of the same photo
    colour, de = classify(washed_blue, refs.stickers, CONFIG.dots.unknown_delta_e)
    assert colour == "blue" and not _nearer_undeclared(washed_blue, refs, colour, de, CONFIG.dots)


def test_paper_enclosed_by_a_ring_of_stickers_earns_no_sticker() -> None:
    """Six stickers round a bit of paper: the blob's holes are filled (a glossy highlight is a
    hole too), so the paper would pass for a seventh sticker; only coloured pixels count."""
    r = 18.0
    ring = np.zeros((160, 160), np.uint8)
    centres = [
        (80 + 2.05 * r * np.cos(a), 80 + 2.05 * r * np.sin(a)) for a in np.arange(6) * np.pi / 3
    ]
    for cx, cy in centres:
        cv2.circle(ring, (round(cx), round(cy)), int(r + 1), 1, -1)  # +1: blur widens them
    filled = np.zeros_like(ring)
    contours, _ = cv2.findContours(ring, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, contours, -1, 1, -1)
    assert (filled > ring).sum() > 0.5 * np.pi * r * r  # the enclosed paper
    blob, seen = filled.astype(bool), ring.astype(bool)
    assert len(cover_with_discs(blob, r, CONFIG.dots)[0]) > 6  # the paper counted
    found, _, _ = cover_with_discs(blob, r, CONFIG.dots, seen=seen)
    assert len(found) == 6
    for c in centres:
        assert min(np.hypot(c[0] - f[0], c[1] - f[1]) for f in found) < 4


def test_ring_of_stickers_on_a_photo_is_counted_exactly() -> None:
    kit = sample_kit()
    rng = np.random.default_rng(41)
    b = kit.board("verbatim-11")
    zx, zy, zw, zh = b.zone("agree").rect_mm
    cx, cy = zx + zw / 2, zy + zh / 2
    colours = ["green", "green", "yellow", "green", "blue", "green"]
    stickers = [
        Sticker(b.id, (cx + 12.3 * np.cos(a), cy + 12.3 * np.sin(a)), c)
        for a, c in zip(np.arange(6) * np.pi / 3, colours, strict=True)
    ]
    img = decorate(render_board(b, 4.0), b, 4.0, stickers, [], rng)
    got = _count_on_photo(kit, b, img, rng, tilt=20, roll=3, jpeg=82)
    assert got["agree"] == {"blue": 1, "green": 4, "yellow": 1}


def _drawn_verbatim(seed: int):
    """A verbatim board drawn with stickers in both zones: kit, refs, board, stickers, image,
    and the random generator to go on with."""
    kit = sample_kit()
    refs = load_colour_refs(kit.sticker_colors, kit.note_colors)
    rng = np.random.default_rng(seed)
    b = kit.board("verbatim-05")
    st = verbatim_stickers(b, rng, kit.sticker_colors)
    return kit, refs, b, st, decorate(render_board(b, 4.0), b, 4.0, st, [], rng), rng


@pytest.mark.slow
def test_grey_print_tinted_by_a_clipped_white_balance_is_not_counted() -> None:
    """A strong blue cast with the paper's blue channel clipped: normalising on the paper
    leaves the mid-tones blue (on a generated photo under tungsten light the grey labels
    counted as blue stickers and red ones read unknown; here a red one reads unknown). The
    grey print's own tint is measured and taken off the mid-tones."""
    kit, refs, b, st, img, rng = _drawn_verbatim(21)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 8, 3, rng)
    fits, _ = find_boards(photo, kit)
    rect = rectify_board(photo, fits[0], b, analysis_px_per_mm(b, 20), 20)
    assert normalise_board(rect, b).print_cast is None  # neutral light: nothing to take off
    tinted = degrade(photo, rng, cast=(0.7, 0.85, 2.0), blur_px=1.0, noise=3, jpeg=85)
    fits, _ = find_boards(tinted, kit)
    rect = rectify_board(tinted, fits[0], b, analysis_px_per_mm(b, 20), 20)
    norm = normalise_board(rect, b)
    assert norm.print_cast is not None and norm.print_cast[2] < -5  # the labels came out blue
    _, votes, _ = count_dots(rect, norm, b, 12, 76, refs)
    assert {v.zone: v.by_color for v in votes} == _truth(b, st)
    untreated = dataclasses.replace(norm, print_cast=None)
    _, votes, _ = count_dots(rect, untreated, b, 12, 76, refs)
    assert {v.zone: v.by_color for v in votes} != _truth(b, st)  # what the tint did before


def _veil(img: np.ndarray, centre_px: tuple[float, float], sigma_px: float, peak: float):
    """Glare that does not clip: white light added over a spot, mixed in linear light."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    g = peak * np.exp(-((xx - centre_px[0]) ** 2 + (yy - centre_px[1]) ** 2) / (2 * sigma_px**2))
    lin = (img[..., :3].astype(np.float32) / 255.0) ** 2.2
    lin = lin * (1 - g[..., None]) + g[..., None]
    out = img.copy()
    out[..., :3] = np.clip(lin ** (1 / 2.2) * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


@pytest.mark.slow
def test_stickers_washed_out_by_glare_are_counted_and_flagged() -> None:
    """A veil of glare that clips nothing washes a zone's stickers below the ordinary chroma
    threshold (on generated photos, three touching stickers were missed without a flag): the
    pieces above the paper's own noise, mostly below the ordinary threshold, are counted and
    flagged."""
    kit, refs, b, st, img, rng = _drawn_verbatim(5)
    target = st[0].center_mm
    img = _veil(img, (target[0] * 4.0, target[1] * 4.0), 4.0 * 14, 0.72)
    photo, _ = photograph([(img, 4.0, (0, 0))], (480, 340), (2400, 1800), 8, 3, rng)
    photo = degrade(photo, rng, blur_px=1.0, noise=2, jpeg=88)
    fits, _ = find_boards(photo, kit)
    rect = rectify_board(photo, fits[0], b, analysis_px_per_mm(b, 20), 20)
    norm = normalise_board(rect, b)
    x, y = (round(v) for v in rect.mm_to_px(np.array(target)))
    lab = norm.lab(y - 4, y + 5, x - 4, x + 5).reshape(-1, 3)
    assert np.median(np.hypot(lab[:, 1], lab[:, 2])) < CONFIG.dots.chroma_min  # washed out
    dots, votes, flags = count_dots(rect, norm, b, 12, 76, refs)
    assert {v.zone: v.by_color for v in votes} == _truth(b, st)
    assert any(f.code == "glare" and "délavées" in f.message for f in render_all(flags))
    near = min(dots, key=lambda d: np.hypot(d.center_mm[0] - target[0], d.center_mm[1] - target[1]))
    assert near.confidence <= 0.6  # a washed sticker is counted, with less confidence
    plain = dataclasses.replace(CONFIG.dots, faint_chroma_min=CONFIG.dots.chroma_min)
    _, votes, _ = count_dots(rect, norm, b, 12, 76, refs, plain)
    assert {v.zone: v.by_color for v in votes} != _truth(b, st)  # missed without the faint path


def test_faint_pieces_on_the_boards_own_print_are_not_stickers() -> None:
    """The faint path keeps a sticker-sized piece above the paper's noise, but not on the
    board's print: under a strong cast a grey label comes out faintly coloured (on a
    generated photo, "Pas d'accord" read as a washed yellow sticker)."""
    from capture.vision.dots import _faint_stickers

    r = 18.0
    chroma = np.abs(np.random.default_rng(3).normal(0, 0.8, (200, 300))).astype(np.float32)
    cv2.circle(chroma, (70, 100), int(r), 11.0, -1)  # washed-out sticker on paper
    cv2.circle(chroma, (220, 100), int(r), 11.0, -1)  # the same on a printed label
    ink = np.zeros(chroma.shape, bool)
    ink[70:130, 185:260] = True
    valid = np.ones(chroma.shape, bool)
    strong = chroma > CONFIG.dots.chroma_min
    kernel = np.ones((3, 3), np.uint8)
    found = _faint_stickers(chroma, valid, strong, valid, ink, np.pi * r * r, kernel, CONFIG.dots)
    assert found[100, 70] and not found[100, 220]
    none = np.zeros(chroma.shape, bool)
    found = _faint_stickers(chroma, valid, strong, valid, none, np.pi * r * r, kernel, CONFIG.dots)
    assert found[100, 70] and found[100, 220]
    # a sticker the ordinary threshold finds, with a faint rim, keeps its own outline
    cv2.circle(chroma, (70, 100), int(r), 40.0, -1)
    strong = chroma > CONFIG.dots.chroma_min
    found = _faint_stickers(chroma, valid, strong, valid, ink, np.pi * r * r, kernel, CONFIG.dots)
    assert not found[100, 70]
