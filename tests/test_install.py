"""A regular (non-editable) install runs from any folder, nothing found via the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "samples/residence-achats-durables/set"
WORKSHOP = ROOT / "samples/residence-achats-durables/workshop.yaml"

pytestmark = pytest.mark.slow


def test_installed_wheel_runs_from_another_folder(tmp_path: Path) -> None:
    # build the wheel as `pip install .` would (offline: the venv's own setuptools), install it
    # into a bare folder, then run it from elsewhere with only that folder ahead on the path
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import capture; print(capture.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(site)  # the installed copy, not the tree
    photo = SET / "photos" / "IMG_0001.jpg"
    out = elsewhere / "out"
    run = subprocess.run(
        [sys.executable, "-m", "capture", "run", str(photo), "--workshop", str(WORKSHOP),
         "--out", str(out), "--jobs", "1"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    doc = json.loads((out / "photos" / "IMG_0001.json").read_text("utf-8"))
    truth = json.loads((SET / "truth" / "IMG_0001.json").read_text("utf-8"))
    assert doc["status"] == "ok"
    assert sorted(doc["boards"]) == sorted(truth["boards"])
