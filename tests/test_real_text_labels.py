"""docs/real-photos/text.yaml: the real photos' handwriting transcribed by eye (40th stop).

The photos are not in the repository (no licence stated), so the labels are what is kept:
this checks the file stays readable by `capture bench real --text` and
/work/coord/tools/real_text.py: every note a centre inside the photo and a one-line text, no
note labelled twice (two centres nearer than a note's quarter would match the same outline).
"""

from __future__ import annotations

from pathlib import Path

import yaml

LABELS = Path(__file__).resolve().parent.parent / "docs" / "real-photos" / "text.yaml"
# The notes on these photos are 4-10 % of the photo's width: two labels closer than this are
# on one note.
MIN_APART = 0.02


def test_text_labels_are_well_formed() -> None:
    photos = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["photos"]
    assert len(photos) == 8
    for name, notes in photos.items():
        assert name.endswith(".jpg") and notes, name
        centres = []
        for note in notes:
            assert set(note) == {"center", "text"}, (name, note)
            x, y = note["center"]
            assert 0 < x < 1 and 0 < y < 1, (name, note)
            text = note["text"]
            assert isinstance(text, str) and text == " ".join(text.split()) and text, (name, note)
            centres.append((x, y))
        for i, (x, y) in enumerate(centres):
            for u, v in centres[i + 1 :]:
                assert (x - u) ** 2 + (y - v) ** 2 >= MIN_APART**2, (name, (x, y), (u, v))
