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
from report_fixture import _board_result, kit

from capture.config import CONFIG
from capture.export.corrections import apply_corrections
from capture.export.csv_out import read_csv, write_csvs
from capture.export.json_out import session_to_dict, write_session_json
from capture.export.report import write_report
from capture.model import PhotoResult
from capture.pipeline.batch import PhotoJob, process_photo
from capture.pipeline.merge import merge_session

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

    def fake_analyse(rgb, kit, config, ocr, file):
        return PhotoResult(file=file, size_px=(rgb.shape[1], rgb.shape[0]),
                           boards=analysed[file], sharpness=2.0)

    outcomes = [process_photo(PhotoJob(photos / n, Path(n).stem), kit_, CONFIG, out,
                              analyse=fake_analyse) for n in SHOTS]
    session = merge_session([o.result for o in outcomes], kit_, CONFIG)
    doc = session_to_dict(session, kit_, photo_docs={o.result.file: o.doc for o in outcomes},
                          crops={o.result.file: o.crops for o in outcomes})
    write_session_json(out, doc)
    write_csvs(out, doc)
    write_report(out, kit=kit_)
    return out


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
