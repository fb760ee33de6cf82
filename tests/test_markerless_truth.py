"""The markerless generator's truth (issue 20): a sticker is counted on the note it is seen on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from capture.core.config import CONFIG
from capture.synth.markerless_scene import (
    NOTE_MM,
    WallLayout,
    _sticker,
    plan_wall,
    rng_for,
    wall_truth,
)


def test_sticker_in_an_overlap_is_counted_on_the_note_on_top() -> None:
    """Two notes of a planned wall, the second stuck over the first's bottom-right corner;
    stickers are drawn after every note, so one placed on the first note where the second
    covers it is seen on the second, and its truth must say so. One placed on the first
    note's uncovered part stays with it; a free one stays free."""
    rng = np.random.default_rng(5)
    layout = plan_wall(rng_for(41, "ml-plan", 0), "medium", CONFIG.synth)
    a = replace(layout.notes[0], center_mm=(100.0, 100.0), angle_deg=0.0)
    b = replace(layout.notes[1], center_mm=(100.0 + 0.7 * NOTE_MM, 100.0 + 0.6 * NOTE_MM))
    b = replace(b, angle_deg=0.0)
    overlap = np.array([100.0 + 0.4 * NOTE_MM, 100.0 + 0.4 * NOTE_MM])  # under b, on a
    alone = np.array([100.0 - 0.3 * NOTE_MM, 100.0 - 0.3 * NOTE_MM])  # on a only
    free = np.array([100.0 + 1.8 * NOTE_MM, 100.0])
    dots = (
        _sticker(overlap, 12.0, "red", rng),
        _sticker(alone, 12.0, "blue", rng),
        _sticker(free, 12.0, "green", rng),
    )
    wall = WallLayout(
        (a, b),
        ("yellow", "pink"),
        dots,
        (0, 0, None),
        None,
        (240, 240, 236),
        (0.0, 0.0, 400.0, 400.0),
    )
    truth = wall_truth("IMG_0001.jpg", wall, np.diag([4.0, 4.0, 1.0]), (1600, 1600), "medium")
    by_id = {n["id"]: n["dots"] for n in truth["notes"]}
    assert by_id[a.id] == {"blue": 1}
    assert by_id[b.id] == {"red": 1}
    assert [d["color"] for d in truth["free_dots"]] == ["green"]
