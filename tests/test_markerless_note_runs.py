"""Notes of one colour in a row, shingled, re-laid at the run's seams (issue 20, 37th stop:
note_runs.relay_runs). On real post-its-7 a row of five yellow notes, each stuck a little
over the one before, was covered by squares laid by the row's length, each a third into
the next note, whose words its crop read ("Keep Lights ON" read "eep SHO ights ON Te
(audee"). Rendered here: three gold notes in a row, each over the previous one by 6 mm (a
thin shadow line at its edge, each sheet a little lighter or darker than the next, writing
on each), and outlines laid off the seams as the coverer lays them (one overlapping its
neighbour by a third of a note)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.vision.note_runs import relay_runs
from capture.vision.wall_surface import rgb8_to_lab

GOLD = np.array((236, 200, 90), np.float32)
WALL = (150, 150, 150)
INK = (40, 35, 30)
PX = CONFIG.markerless.work_px_per_mm
LEFTS = (20, 90, 160)  # mm: each note 76 mm, the next stuck over its last 6 mm
WORDS = ("plan on paper", "keep it short", "show then tell")


def _row(seed: int, shadow: bool = True) -> np.ndarray:
    """Three 76 mm gold notes on a grey wall (work px), y 20-96 mm, at LEFTS, each over the
    one before (drawn in order), a 1 px shadow line left of each upper note's edge; the
    work image (CIELAB)."""
    rng = np.random.default_rng(seed)
    img = np.full((round(120 * PX), round(260 * PX), 3), WALL, np.float32)
    y0, y1 = round(20 * PX), round(96 * PX)
    for k, (left, words) in enumerate(zip(LEFTS, WORDS, strict=True)):
        x0, x1 = round(left * PX), round((left + 76) * PX)
        if shadow and k:
            img[y0:y1, x0 - 2 : x0] *= 0.75
        img[y0:y1, x0:x1] = GOLD * (1.0, 0.93, 1.0)[k]
        at = (x0 + round(5 * PX), y0 + round((20 + 8 * k) * PX))
        cv2.putText(img, words.split()[0], at, cv2.FONT_HERSHEY_SIMPLEX, 1.2, INK, 3,
                    cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.6 * PX) + rng.normal(0, 1.5, img.shape)
    return rgb8_to_lab(np.clip(img, 0, 255).astype(np.uint8))


def _square(x0: float, x1: float) -> np.ndarray:
    return np.array([[x0, 20], [x1, 20], [x1, 96], [x0, 96]], np.float64) * PX


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_shingled_row_is_laid_at_its_seams(seed: int) -> None:
    """Outlines at 30-106, 100-176 and 150-226 mm (the second a third of a note into the
    third) end at the seams: 20-90, 90-160, 160-236 mm, within 3 mm; the notes' tops and
    bottoms kept. Without it (main) they stay where they were laid."""
    lab = _row(seed)
    paper = rgb8_to_lab(GOLD.astype(np.uint8).reshape(1, 1, 3))[0, 0].astype(np.float64)
    quads = [_square(30, 106), _square(100, 176), _square(150, 226)]
    new = relay_runs(lab, quads, [paper] * 3, CONFIG.markerless)
    want = [(20, 90), (90, 160), (160, 236)]
    got = [q if q is not None else old for q, old in zip(new, quads, strict=True)]
    for q, (a, b) in zip(got, want, strict=True):
        x = q[:, 0] / PX
        assert abs((x[0] + x[3]) / 2 - a) < 3 and abs((x[1] + x[2]) / 2 - b) < 3, (x, a, b)
        assert np.allclose(q[:, 1] / PX, [20, 20, 96, 96], atol=1.0)


def test_a_row_fitted_right_stays() -> None:
    """The same row with outlines already at the seams, and two notes apart: nothing is
    re-laid (a guard: only runs laid off their seams are)."""
    lab = _row(4)
    paper = rgb8_to_lab(GOLD.astype(np.uint8).reshape(1, 1, 3))[0, 0].astype(np.float64)
    quads = [_square(20, 90), _square(90, 160), _square(160, 236)]
    assert relay_runs(lab, quads, [paper] * 3, CONFIG.markerless) == [None] * 3


@pytest.mark.parametrize("seed", [5, 6])
def test_two_outlines_past_their_seam_both_end_there(seed: int) -> None:
    """Generated set 51 IMG_0002 (38th stop): of two yellow notes one over the other, each
    outline reached 0.12-0.19 of a side past the seam between them, each holding its piece
    and no longer than a note, so both stayed (a note shingled under the next may reach on
    under it), and the upper note's sticker near the seam was counted on the lower. Of two
    sheets one lies on top and ends at the seam: here the first two outlines reach 10 mm
    past theirs (20-100 and 80-160 mm, the seam at 90): both end at it, within 4 mm (the
    seam's step is found a little before the upper sheet's edge)."""
    lab = _row(seed)
    paper = rgb8_to_lab(GOLD.astype(np.uint8).reshape(1, 1, 3))[0, 0].astype(np.float64)
    quads = [_square(20, 100), _square(80, 160), _square(160, 236)]
    cfg = dataclasses.replace(CONFIG.markerless, run_both_past=True)  # off by default
    new = relay_runs(lab, quads, [paper] * 3, cfg)
    got = [q if q is not None else old for q, old in zip(new, quads, strict=True)]
    for q, (a, b) in zip(got[:2], [(20, 90), (90, 160)], strict=True):
        x = q[:, 0] / PX
        assert abs((x[0] + x[3]) / 2 - a) < 4 and abs((x[1] + x[2]) / 2 - b) < 4, (x, a, b)


def test_a_row_seen_from_the_side_is_cut_along_its_notes_ends() -> None:
    """Generated set 51 IMG_0002 (38th stop): seen from the side a run of notes is a run of
    parallelograms; its seams were cut square to the run, 15 degrees across the notes'
    ends. Here the row above sheared (x + 0.3 (y - 58 mm)): the re-laid outlines' corners
    lie within 4 mm of the sheared seams' (the seams are found up to 3 mm early, as
    above; square cuts leave the corners 11 mm off)."""
    k, yc = 0.3, 58 * PX
    shear = np.array([[1, k, -k * yc], [0, 1, 0]], np.float64)
    lab = _row(7)
    lab = cv2.warpAffine(lab, shear, lab.shape[1::-1], flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    paper = rgb8_to_lab(GOLD.astype(np.uint8).reshape(1, 1, 3))[0, 0].astype(np.float64)

    def sheared(q: np.ndarray) -> np.ndarray:
        return q @ shear[:, :2].T + shear[:, 2]

    quads = [sheared(_square(30, 106)), sheared(_square(100, 176)), sheared(_square(150, 226))]
    new = relay_runs(lab, quads, [paper] * 3, CONFIG.markerless)
    got = [q if q is not None else old for q, old in zip(new, quads, strict=True)]
    for q, (a, b) in zip(got, [(20, 90), (90, 160), (160, 236)], strict=True):
        err = np.linalg.norm(q - sheared(_square(a, b)), axis=1).max() / PX
        assert err < 4, (np.round(q / PX, 1), a, b)
