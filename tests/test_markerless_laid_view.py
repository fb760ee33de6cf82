"""A note re-laid at its run's seams gives no view to the stickers near it (issue 20, 38th
stop: WallNote.laid, dot_view_laid). A sheet shingled under the next shows a strip; its
outline cut at the seam is a rectangle, no square seen askew, and through its view letters'
bowls as long as the strip is short came out round: on real post-its-9 (notes 70 px wide,
orange handwriting) two false orange "stickers" once its shingled pairs were cut at their
seams, and the 37th stop's re-lay two more. Those letters could not be drawn here (drawn
orange ellipses and rings pass, or fail, with the view and without it alike); drawn is
what the rule does: on the wall turned 45 degrees whose far stickers are ellipses counted
only through their notes' views, notes marked laid lend theirs no more."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_markerless import _turned_wall

from capture.core.config import CONFIG
from capture.vision import markerless, wall_notes, wall_stickers
from capture.vision.colour import load_colour_refs
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES


@pytest.mark.slow
def test_a_laid_note_lends_no_view_to_its_stickers() -> None:
    """The turned wall's notes as found: six on their notes and six free (as
    test_foreshortened_stickers_are_counted); every note marked laid, the far ellipses are
    missed (as with no view at all, dot_view_max 1); laid but dot_view_laid on, found."""
    img, _notes, _free = _turned_wall(45.0)
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)

    def count(config, laid: bool) -> int:
        m = config.markerless
        probe = markerless.probe_photo(img, config)
        work = markerless.work_images(img, probe, m)
        outlines = wall_notes.cover_notes(work, probe, refs.notes, config)
        notes, _quads = wall_notes.notes_from_outlines(outlines, work, m, None)
        notes = [replace(n, laid=laid) for n in notes]
        dots, _r = wall_stickers.find_stickers(img, work, probe, notes, refs.stickers, config)
        return len(dots)

    seen = count(CONFIG, False)
    assert seen >= 16, seen  # 12 on the notes, 6 free: the far ones through the views
    assert count(CONFIG, True) <= seen - 2
    on = replace(CONFIG, markerless=replace(CONFIG.markerless, dot_view_laid=True))
    assert count(on, True) == seen
