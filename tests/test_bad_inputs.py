"""Bad input never costs the batch: 200+ broken, hostile or foreign files in one `capture run`.

The corpus (tests/badcorpus.py) is made from the committed sample photos: truncations, flipped
bytes and bits, wrong signatures, empty and random files, text files with image names, a tiny
image, image bombs, unsupported formats, a board of another workshop, a blank wall, a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import badcorpus
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.core.errors import EXIT_PHOTO_FAILED
from capture.core.faults import clean_untrusted, safe_id, safe_stem
from capture.core.model import BoardFit, BoardResult, Flag, Note, PhotoResult
from capture.interpret.photo_errors import PHOTO_ERROR_CODES, empty_photo_error
from capture.io.schema import errors as schema_errors

# The corpus is about faults, not handwriting: notes are found but not read (Tesseract on
# garbage crops would triple the time); everything else is the real pipeline.
NO_OCR = replace(CONFIG, ocr=replace(CONFIG.ocr, enabled=False))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory):
    from capture.app.batch import run_batch

    root = tmp_path_factory.mktemp("bad")
    items = badcorpus.build()
    photos = root / "photos"
    badcorpus.write(items, photos)
    (photos / "readme.txt").write_text("not a photo")  # listed as skipped
    before = _digests(photos)
    summary = run_batch([photos], badcorpus.WORKSHOP, out_dir=root / "out", jobs=2, config=NO_OCR)
    return items, photos, before, summary, root / "out"


def test_corpus_is_large_and_varied() -> None:
    items = badcorpus.build()
    assert len(items) >= 200
    assert len({it.name for it in items}) == len(items)
    kinds = {re.sub(r"[-\d]+$", "", it.name.rsplit(".", 1)[0]) for it in items}
    assert {"trunc", "hdrflip", "bitflip", "zero", "random", "tiny", "bomb", "foreign"} <= kinds


def test_every_file_is_accounted_for(corpus_run) -> None:
    items, _photos, _before, summary, out = corpus_run
    session = json.loads((out / "session.json").read_text("utf-8"))
    listed = {p["file"]: p for p in session["photos"]}
    assert set(listed) == {it.name for it in items}
    assert [Path(s).name for s in session["skipped"]] == ["readme.txt"]
    assert summary.exit_status == EXIT_PHOTO_FAILED
    for it in items:
        entry = listed[it.name]
        doc = json.loads((out / entry["json"]).read_text("utf-8"))
        assert not schema_errors(doc, "photo"), it.name
        if entry["status"] == "error":
            assert entry["error_code"] in PHOTO_ERROR_CODES, (it.name, entry["error_code"])
            msg = entry["error"]
            assert msg and msg.endswith(".") and "Traceback" not in msg, (it.name, msg)
            assert entry["error_code"] not in ("internal_error", "worker_crashed"), (it.name, msg)
        else:
            assert entry["status"] == "ok", it.name
    assert not schema_errors(session, "session")
    assert not list(out.rglob("*.tmp")), "a temporary file was left behind"


def test_expected_outcomes(corpus_run) -> None:
    items, _photos, _before, _summary, out = corpus_run
    listed = {p["file"]: p for p in json.loads((out / "session.json").read_text())["photos"]}
    wrong = []
    for it in items:
        e = listed[it.name]
        # a failed copy carries its original's code; a good copy says "duplicate"
        got = e["error_code"] or ("duplicate" if e.get("duplicate_of") else e["status"])
        if it.expect is not None and got != it.expect:
            wrong.append((it.name, it.why, it.expect, got, e["error"]))
    assert not wrong, wrong


def test_good_photos_in_the_same_batch_are_read(corpus_run) -> None:
    _items, _photos, _before, summary, _out = corpus_run
    listed = {p["file"]: p for p in summary.session["photos"]}
    for name in ("good-1.jpg", "good-2-small.jpg"):
        assert listed[name]["status"] == "ok" and listed[name]["boards"], name
    # the duplicate is listed, points to the first copy and adds nothing
    dup = listed["good-9-copy.jpg"]
    assert (dup["status"], dup["duplicate_of"], dup["boards"]) == ("ok", "good-1.jpg", [])
    boards = summary.session["boards"]
    assert all(b["file"] != "good-9-copy.jpg" for b in boards)
    assert len({b["board"] for b in boards}) == len(boards)
    assert set(listed["good-1.jpg"]["boards"]) <= {b["board"] for b in boards}


def test_input_photos_are_never_modified(corpus_run) -> None:
    _items, photos, before, _summary, _out = corpus_run
    assert _digests(photos) == before


def test_foreign_board_is_flagged_not_read(corpus_run) -> None:
    _items, _photos, _before, _summary, out = corpus_run
    doc = json.loads((out / "photos" / "foreign.json").read_text("utf-8"))
    assert doc["error_code"] == "foreign_workshop" and doc["boards"] == []
    assert any(f["code"] == "foreign_board" and "another-workshop" in f["message"]
               for f in doc["flags"])


# --- the shared mechanisms, one by one ---------------------------------------------------------


def test_max_megapixels_option_refuses_before_decoding(tmp_path: Path) -> None:
    from capture.app.batch import run_batch

    photo = tmp_path / "in" / "big.jpg"
    photo.parent.mkdir()
    photo.write_bytes(badcorpus.PHOTOS[0].read_bytes())  # 6 MP
    s = run_batch([photo], badcorpus.WORKSHOP, out_dir=tmp_path / "out", jobs=1,
                  max_megapixels=2.0)
    assert [(f, c) for f, c, _m in s.failed] == [("big.jpg", "too_many_pixels")]
    assert "2 millions" in s.failed[0][2]


def test_degenerate_boards_only_make_the_photo_fail() -> None:
    flag = Flag("degenerate_homography", "warning", "Repères [3] : géométrie impossible.",
                board="mire")
    err = empty_photo_error(PhotoResult(file="x.jpg", flags=[flag]))
    assert err is not None and err.code == "no_boards" and "géométrie impossible" in err.message
    other = Flag("foreign_board", "warning", "Le QR désigne un autre atelier", board="mire")
    assert empty_photo_error(PhotoResult(file="x.jpg", flags=[flag, other])).code == (
        "foreign_workshop")
    fit = BoardFit("mire", np.eye(3), (1, 2, 3), 0.5, True, 1.0)
    assert empty_photo_error(PhotoResult(file="x.jpg", boards=[BoardResult(fit)],
                                         flags=[flag])) is None


def test_untrusted_text_is_cleaned() -> None:
    hostile = "ok\x1b[31m rouge\x00\u202egnp.exe\u200b\r\n" + "x" * 2000
    out = clean_untrusted(hostile, 100)
    assert out.startswith("ok[31m rougegnp.exe") and len(out) == 100
    assert not any(ord(c) < 32 or c in "\u202e\u200b" for c in out)
    assert clean_untrusted("a\nb", 10, keep="\n") == "a\nb"
    for bad in ("../../etc/passwd", "a/b", ".hidden", "", "x" * 300, "nul\x00"):
        token = safe_id(bad)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token), token
    assert safe_id("mire-n03") == "mire-n03"
    assert safe_id("a/b") != safe_id("a_b")  # a changed id never collides with a real one
    assert safe_stem("IMG été (2)") == "IMG été (2)"
    assert "/" not in safe_stem("..\\x/y") and not safe_stem("..\\x/y").startswith(".")


def test_hostile_note_text_and_id_stay_data(tmp_path: Path) -> None:
    """Whatever the OCR (or a forged board) returns: cut, cleaned, never a path."""
    from capture.app.batch import PhotoJob, process_photo
    from capture.core.workshop import load_workshop
    from capture.kit.layout import layout_workshop

    kit = layout_workshop(load_workshop(badcorpus.WORKSHOP))
    src = tmp_path / "wall.jpg"
    src.write_bytes(badcorpus.small_jpegs()[1])
    evil = "<script>alert(1)</script>\x07\u202e" + "A" * 5000

    def analyse(rgb, kit, config, ocr, file):
        fit = BoardFit("mire", np.eye(3), (1, 2), 0.3, True, 1.0)
        note = Note("../../../../tmp/pwned", "mire", None, ((0, 0), (70, 0), (70, 70), (0, 70)),
                    (35.0, 35.0), "yellow", 0.9, text=evil, raw_text=evil,
                    crop=np.full((40, 40, 3), 200, np.uint8))
        return PhotoResult(file=file, boards=[BoardResult(fit, notes=[note])])

    out = tmp_path / "out"
    o = process_photo(PhotoJob(src, "wall"), kit, CONFIG, out, analyse=analyse)
    assert o.result.status == "ok"
    crop = out / o.crops["../../../../tmp/pwned"]
    assert crop.is_file() and crop.parent == out / "crops" / "wall"
    doc = json.loads((out / o.doc).read_text("utf-8"))
    note = (doc["notes"] + doc["actions"])[0]
    assert len(note["text"]) == CONFIG.limits.text_max_chars
    assert "\x07" not in note["text"] and "\u202e" not in note["text"]
    assert note["text"].startswith("<script>")  # kept as data; the report escapes it


def test_a_photo_that_kills_its_worker_costs_only_itself(tmp_path: Path) -> None:
    from capture.app.batch import plan_jobs, run_photos
    from capture.core.workshop import load_workshop
    from capture.kit.layout import layout_workshop

    kit = layout_workshop(load_workshop(badcorpus.WORKSHOP))
    folder = tmp_path / "in"
    folder.mkdir()
    files = {"a-empty.jpg": b"", "b-text.jpg": b"hello", "crash-me.jpg": b"x",
             "d-empty.png": b"", "e-text.png": b"<html>", "f-random.tif": bytes(range(256))}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    jobs = plan_jobs(sorted(folder.iterdir()))
    done = []
    outcomes = run_photos(jobs, kit, NO_OCR, tmp_path / "out", 2, on_done=done.append,
                          work=badcorpus.crash_work)
    codes = {o.result.file: o.result.error_code for o in outcomes}
    assert codes == {"a-empty.jpg": "empty_file", "b-text.jpg": "unreadable_image",
                     "crash-me.jpg": "worker_crashed", "d-empty.png": "empty_file",
                     "e-text.png": "unreadable_image", "f-random.tif": "unreadable_image"}
    assert sorted(o.result.file for o in done) == sorted(files)  # each reported once
    crashed = next(o for o in outcomes if o.result.file == "crash-me.jpg")
    assert "BrokenProcessPool" in crashed.trace
    assert json.loads((tmp_path / "out" / crashed.doc).read_text())["status"] == "error"
