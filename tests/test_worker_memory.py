"""What a worker keeps of a photo once it is read: `capture run` holds every photo's outcome
to the end (merge, report) and a worker ships it back to the main process, so pixels left
in it add up photo after photo (issue 17's 700 MB a worker; markerless-journal, 42nd stop)."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_markerless import _drawn_wall

from capture.app.batch import PhotoJob, process_photo
from capture.core.config import CONFIG
from capture.vision.markerless_read import empty_kit


def _array_bytes(root: object) -> int:
    """Bytes of the numpy arrays reachable from `root` (each array's own buffer once)."""
    seen: set[int] = set()
    total, todo = 0, [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, type)):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            total += obj.nbytes if obj.base is None else 0
            todo.append(obj.base)
            continue
        todo.extend(gc.get_referents(obj))
    return total


@pytest.mark.slow
def test_a_photo_read_with_no_board_keeps_no_pixels_once_written(tmp_path: Path) -> None:
    img, truth, _free = _drawn_wall(2.0)
    path = tmp_path / "mur.png"
    Image.fromarray(img).save(path)
    config = replace(CONFIG, markerless=replace(CONFIG.markerless, mode="always"))
    assert config.ocr.enabled
    out = process_photo(PhotoJob(path, "mur"), empty_kit(), config, tmp_path / "out")
    notes = out.result.markerless.notes
    assert len(notes) == len(truth) and out.crops  # read, its crops written
    assert any(n.text for n in notes)  # the OCR ran on the notes' views
    assert all(n.crop is None and n.ocr_crop is None and n.ocr_holes is None for n in notes)
    # a 6 MP photo's notes kept their 608 x 608 x 3 OCR views (1.1 MB each) here; what is
    # left is the photo's findings, no image
    assert _array_bytes(out) < 64 << 10
