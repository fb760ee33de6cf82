"""capture bench compare: two output folders, volatile fields left out, real changes found."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from capture.bench.compare import compare_outputs
from capture.cli import main


def _write(root: Path, votes: int, started: str, crop: bytes) -> None:
    (root / "photos").mkdir(parents=True)
    (root / "session.json").write_text(json.dumps({
        "started_at": started, "tool_version": "x", "photos": [str(root / "photos" / "a.json")],
        "boards": [{"id": "b1", "votes": votes, "timings": {"load": 0.1}}],
    }))
    # as csv_out writes it: ";" between cells, decimal commas inside them
    (root / "votes.csv").write_text(f"board;zone;votes;center_x_mm\nb1;z1;{votes};{votes},5\n")
    (root / "photos" / "crop.jpg").write_bytes(crop)
    (root / "report.html").write_text(f"<p>{votes}</p>\n<p>{root}/crops</p>\n")
    (root / "capture.log").write_text(f"{started} pid 1\n")


def test_same_analysis_compares_equal_and_a_changed_vote_is_found(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    _write(a, 3, "2026-01-01T10:00:00", b"\xff\xd8one")
    _write(b, 3, "2026-02-02T11:11:11", b"\xff\xd8one")  # other clock, other folder
    _write(c, 4, "2026-01-01T10:00:00", b"\xff\xd8two")
    same = compare_outputs(a, b)
    assert same.same, same.differences
    assert same.files_compared == 4 and same.presence_only == ["capture.log"]
    diff = compare_outputs(a, c)
    assert sorted(diff.differences) == [
        "photos/crop.jpg: bytes differ",
        "report.html: 1 lines differ (first: line 1), 2 lines in A, 2 in B",
        "session.json.boards[0].votes: A=3 B=4",
        "votes.csv row 1 center_x_mm: A='3,5' B='4,5'",
        "votes.csv row 1 votes: A='3' B='4'",
    ]
    (c / "extra.csv").write_text("x\n")
    assert "extra.csv: only in B" in compare_outputs(a, c).differences


def test_cli_exit_status(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, 3, "t", b"1")
    _write(b, 5, "t", b"1")
    res = CliRunner().invoke(main, ["bench", "compare", str(a), str(a)])
    assert res.exit_code == 0 and "identical" in res.output
    res = CliRunner().invoke(main, ["bench", "compare", str(a), str(b)])
    assert res.exit_code == 1 and "votes: A=3 B=5" in res.output
