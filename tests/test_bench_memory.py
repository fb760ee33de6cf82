"""`capture bench memory`: the resident size sampled while photos are read with no board, and
the stage at the peak (docs/markerless-journal.md, 41st stop, "Memory of a photo with no
board")."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from test_markerless import _drawn_wall

import capture
from capture.bench.memory import RssSampler, markerless_memory, memory_summary, resident_bytes
from capture.cli import main

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="/proc/self/statm is Linux's"
)

HERE = str(Path(__file__).resolve().parent)
PACKAGE = Path(capture.__file__).resolve().parent
# the reading's modules: everything of the package but the bench's own (decoding in io,
# find_wall's stages in vision, interpret's in app / interpret, the colour maths in core)
STAGES = {p.name for d in ("vision", "io", "app", "interpret", "core", "tools")
          for p in (PACKAGE / d).glob("*.py")} - {"__init__.py"}


def _hold_a_big_array(mb: int, sampler: RssSampler, before: int) -> None:
    a = np.ones(mb << 20, np.uint8)  # written: resident, not only mapped
    # held until the sampler's thread has seen it (a fixed sleep lost the race on a loaded
    # machine: the thread got no time slice before the array was freed); 10 s at most
    deadline = time.monotonic() + 10.0
    while sampler.peak - before < (mb - 5) << 20 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert a[-1] == 1


def test_the_peak_and_the_function_holding_it_are_found() -> None:
    """120 MB held inside a function until sampled: the peak rises by about that much over
    the size before, and the chain at the peak ends in that function; after it is freed the
    size is back down (the array has its own mapping, returned when freed)."""
    with RssSampler(0.002, root=HERE) as s:
        before = s.reset()
        _hold_a_big_array(120, s, before)
    after = resident_bytes()
    assert after is not None
    assert 115 << 20 <= s.peak - before <= 180 << 20
    assert s.where and s.where[-1].split(":")[1] == "_hold_a_big_array"
    assert s.where[0].startswith("test_bench_memory.py:test_the_peak")
    assert after < s.peak - (100 << 20)


@pytest.mark.slow
def test_a_photo_read_with_no_board_has_its_peak_in_a_stage(tmp_path: Path) -> None:
    """Two drawn walls read the markerless way: each photo's peak is over its size before,
    reached in the package's stages (decoding, find_wall's or interpret's functions), and the
    notes found are the drawn ones; the summary and the command say the same."""
    for k in range(2):
        img, truth, _free = _drawn_wall(1.5, seed=k)
        cv2.imwrite(str(tmp_path / f"wall{k}.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    rows = markerless_memory(sorted(tmp_path.glob("*.png")))
    assert [r.name for r in rows] == ["wall0.png", "wall1.png"]
    for r in rows:
        assert r.notes == len(truth)
        assert r.peak_mb >= r.before_mb and r.peak_mb >= r.after_mb
    # The first photo must rise over its size before (the models and buffers come in). A
    # later one may be read wholly inside memory the C heap kept from the first (its peak is
    # then its size before), since the notes' OCR views are no longer kept across photos.
    assert rows[0].peak_mb > rows[0].before_mb
    assert all(r.where for r in rows if r.peak_mb > r.before_mb)  # a chain where it rose
    # the innermost of the package's functions at the peak: the photo's reading (decode,
    # find_wall's or interpret's stages), not the bench's own loop. Asked of one photo of
    # the two: on a loaded machine the sampling thread may get no time slice during a
    # short stage, and a photo's highest sample is then the one the loop takes at its end.
    assert any(r.where and r.where[-1].split(":")[0] in STAGES for r in rows)
    summary = memory_summary(rows)
    assert summary["peak_mb"] == round(max(r.peak_mb for r in rows), 1)
    assert summary["rise_max_mb"] >= summary["rise_median_mb"] > 0
    res = CliRunner().invoke(main, ["bench", "memory", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "wall0.png" in res.output and "peak_mb" in res.output
