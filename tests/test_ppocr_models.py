"""capture.tools.ppocr_models against rapidocr's own classes: the engine runs PP-OCR's models
on onnxruntime without rapidocr's classes (40th stop: their import and configuration cost
0.6-0.8 s of CPU a worker), reproducing rapidocr 3.10.0's steps around the models. These
tests run both on the same images and fail when rapidocr's layout (the private classes and
methods named here) or its arithmetic moves: then ppocr_models must follow, or the pin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.bench.ocr_fonts import make_crops
from capture.core.config import CONFIG
from capture.tools import ppocr_models as ppm
from capture.tools.ppocr import DET_LIMIT_PX, PpocrEngine, model_files

ROOT = Path(__file__).resolve().parents[1]
PC = CONFIG.ocr.ppocr


@pytest.fixture(scope="module")
def rapid() -> object:
    """rapidocr's engine configured as capture.tools.ppocr configured it up to the 39th
    stop (the same models, thresholds, limits and threads)."""
    from rapidocr import RapidOCR

    det, rec = model_files()
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Det.model_path": str(det),
        "Rec.model_path": str(rec),
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_LIMIT_PX,
        "Det.box_thresh": min(PC.det_box_thresh, PC.det_weak_box_thresh or 1.0),
        "Det.unclip_ratio": PC.det_unclip_ratio,
        "Rec.rec_batch_num": PC.rec_batch,
        "Rec.rec_img_shape": [3, ppm.REC_HEIGHT_PX, PC.rec_min_width],
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


@pytest.fixture(scope="module")
def engine() -> PpocrEngine:
    return PpocrEngine(CONFIG.ocr, 1)


@pytest.fixture(scope="module")
def crops() -> list[np.ndarray]:
    """Rendered notes in BGR, at the note stage's resolution and smaller (shrunk, padded
    with paper: shapes that are no multiple of the detector's stride)."""
    out = []
    for c in make_crops(2, seed=7, px_per_mm=CONFIG.notes.crop_px_per_mm):
        bgr = np.ascontiguousarray(c.image[..., ::-1])
        out.append(bgr)
        out.append(bgr[: bgr.shape[0] * 2 // 3 + 5, : bgr.shape[1] // 2 + 13])
    return out


@pytest.mark.slow
def test_the_detector_gives_rapidocrs_boxes_and_scores(rapid, engine, crops) -> None:
    det = rapid._load_det_model()
    for crop in crops:
        for side in (*PC.det_sides_px, 50, 5000):
            scale = side / max(crop.shape[:2])
            small = crop if side == 5000 else cv2.resize(crop, None, fx=scale, fy=scale)
            pre = ppm.det_input(small, DET_LIMIT_PX)
            theirs = det.get_preprocess()(small)
            assert pre.dtype == theirs.dtype and np.array_equal(pre, theirs)
            pred = ppm.run_session(engine._det, pre)
            assert np.array_equal(pred, det.session(theirs))
            boxes, scores = engine._post(pred, small.shape[:2])
            their_boxes, their_scores = det.postprocess_op(pred, small.shape[:2])
            assert boxes.dtype == their_boxes.dtype and np.array_equal(boxes, their_boxes)
            assert scores == their_scores
    assert sum(len(engine._post(ppm.run_session(engine._det, ppm.det_input(c, DET_LIMIT_PX)),
                                c.shape[:2])[0]) for c in crops) >= len(crops)  # boxes found


@pytest.mark.slow
def test_the_recogniser_reads_as_rapidocr_reads(rapid, engine, crops) -> None:
    rec = rapid._load_rec_model()
    assert engine.chars == rec.postprocess_op.character
    lines = [c[c.shape[0] // 3 : c.shape[0] // 2, 10:-10] for c in crops]
    lines += [np.ascontiguousarray(c[:30, :200]) for c in crops[:2]]  # wider than tall x 6
    for wide in (PC.rec_min_width / ppm.REC_HEIGHT_PX, 4.0, 12.5):
        batch = np.concatenate([ppm.rec_input(im, ppm.REC_HEIGHT_PX, wide)[np.newaxis]
                                for im in lines]).astype(np.float32)
        theirs = np.concatenate([rec.resize_norm_img(im, wide)[np.newaxis]
                                 for im in lines]).astype(np.float32)
        assert np.array_equal(batch, theirs)
        preds = ppm.run_session(engine._rec, batch)
        assert np.array_equal(preds, rec.session(theirs))
        assert ppm.ctc_greedy(preds, engine.chars) == rec.postprocess_op(preds)[0]
        assert any(text for text, _ in ppm.ctc_greedy(preds, engine.chars))
    empty = np.zeros((1, 5, len(engine.chars)), np.float32)
    empty[..., 0] = 1  # blanks only: nothing read, at 0
    assert ppm.ctc_greedy(empty, engine.chars) == rec.postprocess_op(empty)[0] == [("", 0.0)]


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 2])
def test_sessions_are_opened_with_rapidocrs_options(threads: int) -> None:
    from omegaconf import OmegaConf
    from rapidocr.inference_engine.onnxruntime import OrtInferSession
    from rapidocr.inference_engine.onnxruntime.provider_config import ProviderConfig

    cfg = OmegaConf.load(Path(sys.modules["rapidocr"].__file__).parent / "config.yaml")
    engine_cfg = cfg.EngineConfig.onnxruntime
    engine_cfg.intra_op_num_threads, engine_cfg.inter_op_num_threads = threads, 1
    theirs = OrtInferSession._init_sess_opts(engine_cfg)
    ours = ppm.open_session(model_files()[0], threads)
    opts = ours.get_session_options()
    for name in ("log_severity_level", "enable_cpu_mem_arena", "graph_optimization_level",
                 "intra_op_num_threads", "inter_op_num_threads"):
        assert getattr(opts, name) == getattr(theirs, name), name
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert ours.get_providers() == ["CPUExecutionProvider"]
    assert ProviderConfig(engine_cfg=engine_cfg).get_ep_list() == [
        ("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})]


_READ = """
import sys
from capture.bench.ocr_fonts import make_crops
from capture.core.config import CONFIG
from capture.tools.ppocr import PpocrEngine
crop = make_crops(1, seed=4, px_per_mm=CONFIG.notes.crop_px_per_mm)[0]
assert PpocrEngine(CONFIG.ocr, 1).read([crop.image])[0].text
print(sorted(m for m in sys.modules if m.split(".")[0] in ("omegaconf", "yaml", "rapidocr")))
"""


@pytest.mark.slow
def test_a_note_is_read_without_rapidocrs_classes_or_omegaconf() -> None:
    """Loading the engine and reading a note imports neither rapidocr's classes nor
    omegaconf (main at 08addfc: 0.6-0.8 s of CPU a worker to import them and merge
    rapidocr's YAML configuration); only rapidocr's package, to find its models."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _READ], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=300)
    loaded = set(out.stdout.strip().splitlines()[-1].strip("[]").replace("'", "").split(", "))
    assert loaded <= {"", "rapidocr", "rapidocr.utils", "rapidocr.utils.typings"}, out.stdout
