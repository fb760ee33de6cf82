"""A note correction reaches session.json and the CSVs whichever photo of the board it names.

One board (processus) photographed three times: a wide shot with every marker (the board's
chosen view), a close-up missing one marker whose reading of the notes wins (text_from), and a
third wide shot (another sighting). The outputs are written by the batch runner's own export,
the merge and the session export; the corrections go through `capture apply`'s code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from report_fixture import _board_result, kit, write_run

from capture.app.corrections import apply_corrections
from capture.io.csv_out import read_csv

# photo -> (px per board mm, markers dropped, OCR text prefix, OCR confidence)
SHOTS = {"IMG_0010.jpg": (1.0, 0, "lu de loin", 0.5),
         "IMG_0011.jpg": (3.0, 1, "", 0.9),
         "IMG_0012.jpg": (1.1, 1, "autre vue", 0.4)}


def _build(root: Path) -> Path:
    kit_ = kit()
    photos, out = root / "photos", root / "out"
    photos.mkdir(parents=True)
    analysed = {}
    for name, (ppm, drop, prefix, conf) in SHOTS.items():
        h = np.array([[ppm, 0, 20], [0, ppm, 20], [0, 0, 1]], np.float64)
        res = _board_result(kit_, "processus", h)
        res.fit.markers = res.fit.markers[drop:]
        for n in res.notes:
            n.text = n.raw_text = f"{prefix} {n.text}".strip()
            n.ocr_confidence = conf
            n.crop = None
        analysed[name] = [res]
        Image.new("RGB", (1400, 1000), "white").save(photos / name)

    return write_run([photos / n for n in SHOTS], analysed, out, kit_)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return _build(tmp_path)


def _session_note(out: Path, note: str) -> dict:
    session = json.loads((out / "session.json").read_text("utf-8"))
    return next(n for n in session["notes"] if n["id"] == note)


def test_the_fixture_takes_the_text_from_the_close_up(out: Path) -> None:
    entry = _session_note(out, "processus-n00")
    assert entry["file"] == "IMG_0010.jpg"  # chosen view: every marker
    assert entry["text_from"]["file"] == "IMG_0011.jpg"
    assert entry["text"] == "Sourcing local"
    assert {"file": "IMG_0012.jpg", "id": "processus-n00"} in entry["seen_in"]


@pytest.mark.parametrize("photo", list(SHOTS), ids=["chosen-view", "text-source", "third-view"])
def test_a_correction_reaches_the_session_from_any_photo_of_the_note(out: Path, tmp_path: Path,
                                                                     photo: str) -> None:
    corr = tmp_path / "corrections.json"
    corr.write_text(json.dumps({
        "version": 1, "workshop": json.loads((out / "session.json").read_text())["workshop"],
        "author": "Camille",
        "corrections": [{"target": {"photo": photo, "board": "processus",
                                    "note": "processus-n00"},
                         "set": {"text": "Sourcing local et circuits courts"}}]}))
    summary = apply_corrections(out, corr, report=False)
    assert summary.changed == 1
    entry = _session_note(out, "processus-n00")
    assert entry["text"] == "Sourcing local et circuits courts"
    assert entry["verified"] is True and entry["corrected_by"] == "Camille"
    assert entry["machine"]["text"] == "Sourcing local"
    rows = [r for r in read_csv(out / "notes.csv") if r["note_id"] == "processus-n00"]
    assert [r["text"] for r in rows] == ["Sourcing local et circuits courts"]
    assert rows[0]["verified"] == "oui"
    # the other note of the board is untouched
    assert _session_note(out, "processus-n01")["text"] == "Coût global"
    assert "session.json" in summary.files
