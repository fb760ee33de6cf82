"""What a run pays for once per worker, not for the photos: the OCR engine's models opened
once each, no warm-up read, no module imported that a board photo never uses (39th stop:
the samples' run against the Tesseract baseline, issue 17's 2x)."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort
import pytest

from capture.bench.ocr_fonts import make_crops
from capture.core.config import CONFIG
from capture.tools.ppocr import PpocrEngine

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 2])
def test_each_model_is_opened_once_and_nothing_read_at_load(monkeypatch, threads: int) -> None:
    """Loading the engine opens the detector's and the recogniser's model once each (main at
    462b693 opened both twice with two threads: rapidocr's sessions, then ours whose threads
    sleep) and reads nothing (it read a grey warm-up image with each); what it reads is the
    same either way, and the sleeping threads are kept."""
    opened: list[str] = []
    runs: list[int] = []
    init, run = ort.InferenceSession.__init__, ort.InferenceSession.run

    def counting_init(self, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(Path(str(path)).name)
        init(self, path, *args, **kwargs)

    def counting_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(ort.InferenceSession, "__init__", counting_init)
    monkeypatch.setattr(ort.InferenceSession, "run", counting_run)
    engine = PpocrEngine(CONFIG.ocr, threads)
    assert sorted(opened) == ["PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"]
    assert not runs
    for model in (engine._det, engine._rec):
        sess = model.session
        while not hasattr(sess, "get_session_options"):  # rapidocr's wrappers, ours
            sess = sess.session
        opts = sess.get_session_options()
        assert opts.intra_op_num_threads == threads and not opts.enable_cpu_mem_arena
        if threads > 1:
            assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    crop = make_crops(1, seed=4, px_per_mm=CONFIG.notes.crop_px_per_mm)[0]
    res = engine.read([crop.image])[0]
    assert res.text and res.lines
