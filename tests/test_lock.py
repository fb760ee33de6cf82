"""Two runs into one output folder cannot interleave: the second stops at once, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from capture.io.lock import LOCK_NAME, output_lock

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "samples" / "residence-achats-durables" / "workshop.yaml"
CAPTURE = [sys.executable, "-m", "capture"]


def _run(*args: object) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([*CAPTURE, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)


@pytest.mark.slow
def test_second_run_into_a_locked_folder_exits_2(tmp_path: Path) -> None:
    photos = tmp_path / "in"
    photos.mkdir()
    (photos / "empty.jpg").write_bytes(b"")  # fails fast: the run itself is not what we test
    out = tmp_path / "out"
    with output_lock(out):
        res = _run("run", photos, "--workshop", WORKSHOP, "--out", out)
        assert res.returncode == 2, res.stderr
        assert f"un autre capture run écrit déjà dans {out} (pid {os.getpid()})" in res.stderr
        assert "output_locked" in res.stderr and "Traceback" not in res.stderr
        assert not (out / "session.json").exists()  # nothing written by the refused run
        # `capture apply` and `capture report` respect the same lock
        res = _run("report", out)
        assert res.returncode == 2 and "un autre capture run" in res.stderr
    # released (as it is when the holder dies, SIGKILL included): the next run goes through
    res = _run("run", photos, "--workshop", WORKSHOP, "--out", out)
    assert res.returncode == 1, res.stderr  # 1: the empty photo failed, the batch completed
    assert (out / "session.json").is_file()


def test_a_lock_file_left_by_a_dead_run_is_not_a_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("999999\n")  # a pid that held it once, the flock is gone
    with output_lock(out) as path:
        assert path.read_text().strip() == str(os.getpid())
