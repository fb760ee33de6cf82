"""Sticky notes: found, separated, placed and cropped on warped, degraded photos."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from drawn_scene import StickyNote, decorate, degrade, photograph, sample_kit

from capture.app.photo import analyse_photo
from capture.kit.layout import grid_cell
from capture.kit.render import render_board


def _mire_notes(kit, rng: np.random.Generator) -> list[StickyNote]:
    b = kit.board("mire")
    gx, gy, _, _ = b.zone("grille").rect_mm
    cols = list(kit.note_colors)
    notes = [
        StickyNote(
            "mire",
            (
                gx + 80 + (i % 3) * 230 + rng.uniform(-25, 25),
                gy + 90 + (i // 3) * 250 + rng.uniform(-25, 25),
            ),
            float(rng.uniform(-15, 15)),
            cols[i % len(cols)],
        )
        for i in range(6)
    ]
    notes += [
        StickyNote("mire", (gx + 200, gy + 600), 4, "yellow"),  # same colour, overlapping
        StickyNote("mire", (gx + 248, gy + 632), -7, "yellow"),
        StickyNote("mire", (gx + 500, gy + 620), 2, "pink"),  # touching, different colours
        StickyNote("mire", (gx + 577, gy + 623), -3, "blue"),
        StickyNote("mire", (841 - 22, 450), 9, "green"),  # overflowing the board's right edge
    ]
    return notes


@pytest.fixture(scope="module")
def mire_scene():
    kit = sample_kit()
    rng = np.random.default_rng(21)
    b = kit.board("mire")
    notes = _mire_notes(kit, rng)
    img = decorate(render_board(b, 3.0), b, 3.0, [], notes, rng, pad_mm=60)
    photo, _ = photograph([(img, 3.0, (0, 0), 60)], (1000, 1000), (3000, 2250), 35, -8, rng)
    photo = degrade(photo, rng, cast=(0.85, 1.0, 1.2), blur_px=1.0, noise=4, jpeg=80, vignette=0.4)
    calls: list[tuple] = []

    def fake_ocr(crops: list[np.ndarray]) -> list[SimpleNamespace]:
        calls.extend(c.shape for c in crops)
        return [SimpleNamespace(text="texte", raw_text="texte\n", confidence=0.3, lines=())
                for _ in crops]

    return kit, notes, analyse_photo(photo, kit, ocr=fake_ocr, file="mire.jpg"), calls


@pytest.mark.slow
def test_every_note_found_once_and_placed(mire_scene) -> None:
    kit, truth, result, _ = mire_scene
    (board,) = result.boards
    found = board.notes
    assert len(found) == len(truth)
    errors = []
    for t in truth:
        d = [
            np.hypot(t.center_mm[0] - n.center_mm[0], t.center_mm[1] - n.center_mm[1])
            for n in found
        ]
        n = found[int(np.argmin(d))]
        errors.append(min(d))
        assert min(d) < 5.0, (t, n.center_mm)
        assert n.color == t.color
        side = np.linalg.norm(np.subtract(n.corners_mm[1], n.corners_mm[0]))
        assert side == pytest.approx(kit.note_size_mm, abs=1.0)
    assert np.median(errors) < 2.5


@pytest.mark.slow
def test_grid_position_zone_and_flags(mire_scene) -> None:
    kit, _, result, _ = mire_scene
    (board,) = result.boards
    zone = kit.board("mire").zone("grille")
    zx, zy, zw, zh = zone.rect_mm
    for n in board.notes:
        if n.zone == "grille":
            assert n.x == pytest.approx((n.center_mm[0] - zx) / zw, abs=1e-3)
            assert n.y == pytest.approx(1 - (n.center_mm[1] - zy) / zh, abs=1e-3)
            assert n.cell == grid_cell(n.x, n.y)
        else:
            assert n.x is None and n.cell is None
    outside = [n for n in board.notes if n.zone is None]
    assert len(outside) == 1 and outside[0].center_mm[0] > zx + zw  # the overflowing note
    codes = [f.code for f in board.flags]
    assert codes.count("note_outside_zones") == 1
    assert codes.count("low_ocr_confidence") == len(board.notes)


def test_crops_are_upright_notes_for_ocr(mire_scene) -> None:
    kit, _, result, calls = mire_scene
    (board,) = result.boards
    side = round(kit.note_size_mm * 8.0)
    assert calls and all(c == (side, side, 3) for c in calls)
    for n in board.notes:
        assert n.text == "texte" and n.ocr_confidence == pytest.approx(0.3)
        crop = n.crop.astype(np.float32)
        inner = crop[side // 8 : -side // 8, side // 8 : -side // 8]
        # the crop is the note itself: saturated paper colour, not the white board around it
        chroma = inner.max(-1) - inner.min(-1)
        assert np.median(chroma) > 40
        # its handwriting runs horizontally: ink rows vary far more than ink columns
        ink = (inner.mean(-1) < np.percentile(inner.mean(-1), 8)).astype(float)
        assert ink.mean(1).std() > 1.5 * ink.mean(0).std()


@pytest.mark.slow
def test_mixed_light_tinted_paper_is_not_a_note() -> None:
    """Lamps on the left, a window on the right: the paper's tint drifts across the board.
    Paper far from the board's median tint is still paper, not a run of pale notes."""
    kit = sample_kit()
    rng = np.random.default_rng(5)
    b = kit.board("mire")
    gx, gy, _, _ = b.zone("grille").rect_mm
    cols = list(kit.note_colors)
    notes = [
        StickyNote("mire", (gx + 90 + (i % 2) * 150, gy + 120 + (i // 2) * 220), 3.0 * i, cols[i])
        for i in range(len(cols))
    ]
    img = decorate(render_board(b, 3.0), b, 3.0, [], notes, rng)
    photo, _ = photograph([(img, 3.0, (0, 0))], (1000, 1000), (3000, 2250), 15, 3, rng)
    photo = degrade(
        photo, rng, cast=(1.0, 0.88, 0.62), side_cast=(0.8, 0.95, 1.15), blur_px=1.0, noise=3,
        jpeg=85,
    )
    blank = SimpleNamespace(text="", raw_text="", confidence=None, lines=())
    res = analyse_photo(photo, kit, ocr=lambda crops: [blank] * len(crops), file="mixed.jpg")
    found = [n for br in res.boards for n in br.notes]
    assert len(found) == len(notes)
    for n in notes:
        near = [f for f in found if np.hypot(*np.subtract(f.center_mm, n.center_mm)) < 10]
        assert len(near) == 1 and near[0].color == n.color


@pytest.mark.slow
@pytest.mark.parametrize(("gain", "flagged"), [(1.0, False), (1.6, True)])
def test_overexposed_board_is_flagged(gain: float, flagged: bool) -> None:
    """Paper saturated over most of the board: colours are less sure, a person checks."""
    kit = sample_kit()
    rng = np.random.default_rng(8)
    b = kit.board("mire")
    gx, gy, _, _ = b.zone("grille").rect_mm
    notes = [StickyNote("mire", (gx + 120, gy + 150), 4.0, "orange")]
    img = decorate(render_board(b, 3.0), b, 3.0, [], notes, rng)
    photo, _ = photograph([(img, 3.0, (0, 0))], (1000, 1000), (3000, 2250), 15, 3, rng)
    photo = degrade(photo, rng, cast=(0.86, 0.8, 0.7), gain=gain, blur_px=1.0, noise=2, jpeg=90)
    blank = SimpleNamespace(text="", raw_text="", confidence=None, lines=())
    res = analyse_photo(photo, kit, ocr=lambda crops: [blank] * len(crops), file="bright.jpg")
    codes = {f.code for br in res.boards for f in br.flags}
    assert ("overexposed" in codes) is flagged
    colours = [n.color for br in res.boards for n in br.notes]
    assert len(colours) == 1  # found either way; overexposed, its red clips and it can read
    assert flagged or colours == ["orange"]  # yellow: what the flag warns about
