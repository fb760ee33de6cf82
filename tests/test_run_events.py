"""A run reports through typed events and logs through `logging`: the batch never holds a
console. Real runs on small photos (no OCR: the events and the log are the point)."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from pathlib import Path

import badcorpus
import pytest
from rich.console import Console

from capture.app.batch import run_batch
from capture.app.events import RunEvent
from capture.app.runlog import log, run_log
from capture.cli import RunView
from capture.core.config import CONFIG

NO_OCR = replace(CONFIG, ocr=replace(CONFIG.ocr, enabled=False))

pytestmark = pytest.mark.slow  # analyses photos (small ones: a few seconds)


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, data in enumerate(badcorpus.small_jpegs(n)):
        (folder / f"p{i}.jpg").write_bytes(data)
    return folder


def test_events_and_log_of_a_run(tmp_path: Path) -> None:
    events: list[RunEvent] = []
    out = tmp_path / "out"
    summary = run_batch([_folder(tmp_path, 2)], badcorpus.WORKSHOP, out_dir=out, jobs=1,
                        config=NO_OCR, progress=events.append, languages="fra")
    assert summary.photos == 2
    kinds = [e.kind for e in events]
    assert kinds == ["notice", "start", "photo", "photo", "end"], kinds
    assert events[0].label == "--lang" and "Tesseract" in events[0].text
    assert [e.done for e in events if e.kind == "photo"] == [1, 2]
    assert {e.file for e in events if e.kind == "photo"} == {"p0.jpg", "p1.jpg"}
    assert all(e.total == 2 for e in events[1:])
    lines = (out / "capture.log").read_text("utf-8").splitlines()
    analysed = [ln for ln in lines if " analysed " in ln]
    assert len(analysed) == 2 and all(ln[:4].isdigit() and ln[10] == "T" for ln in analysed)
    # the handler is gone once the run is over: nothing more reaches the file
    log.info("after the run")
    assert "after the run" not in (out / "capture.log").read_text("utf-8")


def test_resumed_run_analyses_nothing(tmp_path: Path) -> None:
    folder, out = _folder(tmp_path, 1), tmp_path / "out"
    run_batch([folder], badcorpus.WORKSHOP, out_dir=out, jobs=1, config=NO_OCR, resume=True)
    events: list[RunEvent] = []
    run_batch([folder], badcorpus.WORKSHOP, out_dir=out, jobs=1, config=NO_OCR, resume=True,
              progress=events.append)
    assert [(e.kind, e.total) for e in events] == [("start", 0), ("end", 0)]
    assert (out / "capture.log").read_text("utf-8").count(" resumed (unchanged) ") == 1


def test_run_log_appends_stamped_lines(tmp_path: Path) -> None:
    (tmp_path / "capture.log").write_text("earlier run\n", "utf-8")
    with run_log(tmp_path):
        log.info("one %s", "line")
        log.debug("not kept")
    text = (tmp_path / "capture.log").read_text("utf-8")
    first, second = text.splitlines()
    assert first == "earlier run" and second.endswith(" one line") and len(second) == 28
    assert not any(isinstance(h, logging.FileHandler) for h in log.handlers)


def test_run_view_draws_notices_and_the_bar() -> None:
    buf = io.StringIO()
    with RunView(Console(file=buf, width=120, force_terminal=False)) as view:
        view(RunEvent("notice", text="lit [sans] markup", label="--lang"))
        view(RunEvent("start", total=2))
        view(RunEvent("photo", done=1, total=2, file="a.jpg"))
        view(RunEvent("photo", done=2, total=2, file="b.jpg"))
        view(RunEvent("end", done=2, total=2))
    out = buf.getvalue()
    assert "--lang lit [sans] markup" in out  # user text is never read as rich markup
    assert "analyse des photos" in out and "2/2" in out
