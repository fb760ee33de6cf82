"""OUT/corrections.json: every applied correction is kept, merged per target, and applied
again after the outputs are rebuilt; a correction whose note is gone is skipped, not fatal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixture import build_outputs

from capture.app.corrections import (
    CorrectionsError,
    apply_document,
    merge_corrections,
    reapply_journal,
)
from capture.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("journal"))


def _doc(*corrections: dict, author: str = "Camille") -> dict:
    return {"version": 1, "workshop": "residence-achats-durables", "author": author,
            "corrections": list(corrections)}


NOTE = {"photo": "IMG_0002.jpg", "board": "processus", "note": "processus-n00"}


def test_merge_keeps_each_field_latest() -> None:
    a = {"target": NOTE, "set": {"text": "Sourcing local !"}}
    b = {"target": NOTE, "set": {"zone": "redaction"}}
    c = {"target": NOTE, "set": {"text": "Sourcing local"}}
    merged = merge_corrections([a], [b, c])
    assert merged == [{"target": NOTE, "set": {"text": "Sourcing local", "zone": "redaction"}}]


def test_journal_is_kept_and_reapplied_after_a_rebuild(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    pristine = {p: (out / p).read_bytes() for p in ("session.json", "photos/IMG_0002.json")}
    apply_document(out, _doc({"target": NOTE, "set": {"text": "Sourcing local et bio"}}), "t",
                   report=False)
    apply_document(out, _doc({"target": NOTE, "set": {"zone": "redaction"}}, author="Lou"), "t",
                   report=False)
    journal = json.loads((out / "corrections.json").read_text())
    assert journal["corrections"] == [{"target": NOTE, "by": "Lou", "set": {
        "text": "Sourcing local et bio", "zone": "redaction"}}]
    # the outputs rebuilt from scratch (a re-run): the journal brings both edits back
    for p, data in pristine.items():
        (out / p).write_bytes(data)
    summary = reapply_journal(out, report=False)
    assert summary is not None and summary.skipped == []
    note = next(n for n in json.loads((out / "session.json").read_text())["notes"]
                if n["id"] == "processus-n00")
    assert (note["text"], note["zone"], note["verified"]) == (
        "Sourcing local et bio", "redaction", True)
    assert sorted(note["verified_fields"]) == ["text", "zone"]


def test_a_stale_correction_is_skipped_on_rerun_but_refused_by_apply(built: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    gone = {"target": {**NOTE, "note": "processus-n42"}, "set": {"text": "?"}}
    with pytest.raises(CorrectionsError, match="processus-n42"):
        apply_document(out, _doc(gone), "t", report=False)
    assert not (out / "corrections.json").exists()  # nothing recorded from a refused file
    (out / "corrections.json").write_text(json.dumps(_doc(
        gone, {"target": NOTE, "set": {"color": "green"}})))
    summary = reapply_journal(out, report=False)
    assert summary is not None and len(summary.skipped) == 1
    assert "processus-n42" in summary.skipped[0]
    note = next(n for n in json.loads((out / "session.json").read_text())["notes"]
                if n["id"] == "processus-n00")
    assert note["color"] == "green"


def test_capture_apply_says_where_corrections_live(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(_doc({"target": {"flag": "board_missing", "board": "mire-x"},
                                     "checked": True})))
    bad = CliRunner().invoke(main, ["apply", str(out), str(path)])
    assert bad.exit_code == 2 and "board_missing" in bad.output
    session = json.loads((out / "session.json").read_text())
    missing = next(f for f in session["flags"] if f["code"] == "board_missing")
    path.write_text(json.dumps(_doc({"target": {"flag": "board_missing",
                                                "board": missing["board"]}, "checked": True})))
    ok = CliRunner().invoke(main, ["apply", str(out), str(path)])
    assert ok.exit_code == 0, ok.output
    assert "corrections.json" in ok.output.replace("\n", "")
    flag = next(f for f in json.loads((out / "session.json").read_text())["flags"]
                if f["code"] == "board_missing" and f["board"] == missing["board"])
    assert flag["resolved"] and flag["checked_by"] == "Camille"
