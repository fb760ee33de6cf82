"""What a run pays for once per worker, not for the photos: the OCR engine's models opened
once each, no warm-up read, no module imported that a board photo never uses (39th stop:
the samples' run against the Tesseract baseline, issue 17's 2x)."""

from __future__ import annotations

import subprocess
import sys
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
    for sess in (engine._det, engine._rec):
        opts = sess.get_session_options()
        assert opts.intra_op_num_threads == threads and not opts.enable_cpu_mem_arena
        if threads > 1:
            assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    crop = make_crops(1, seed=4, px_per_mm=CONFIG.notes.crop_px_per_mm)[0]
    res = engine.read([crop.image])[0]
    assert res.text and res.lines


_BOARD_RUN = """
import sys
import numpy as np
from types import SimpleNamespace
from drawn_scene import StickyNote, decorate, photograph, sample_kit
from capture.app.batch import run_photos  # the run's own imports
from capture.app.photo import analyse_photo
from capture.kit.render import render_board

kit = sample_kit()
rng = np.random.default_rng(2)
b = kit.board("mire")
gx, gy, _, _ = b.zone("grille").rect_mm
notes = [StickyNote("mire", (gx + 90, gy + 120), 3.0, list(kit.note_colors)[0])]
img = decorate(render_board(b, 3.0), b, 3.0, [], notes, rng)
photo, _ = photograph([(img, 3.0, (0, 0))], (1000, 1000), (3000, 2250), 15, 3, rng)
blank = SimpleNamespace(text="", raw_text="", confidence=None, lines=())
res = analyse_photo(photo, kit, ocr=lambda crops: [blank] * len(crops), file="mire.jpg")
assert len(res.boards) == 1 and len(res.boards[0].notes) == 1, res
print(sum(m.split(".")[0] == "scipy" for m in sys.modules))
"""


@pytest.mark.slow
def test_a_board_photo_never_imports_scipys_clustering() -> None:
    """A rendered board photo read as a run reads it: scipy (0.24 s of CPU to import its
    clustering, which only a wall with no board uses to group colours) is never loaded."""
    env = {"PYTHONPATH": f"{ROOT}{':' + str(ROOT / 'tests')}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _BOARD_RUN], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "0", out.stdout  # main at 462b693: 200 modules


@pytest.mark.slow
def test_the_word_lists_are_built_once_then_read_from_the_cache(tmp_path, monkeypatch) -> None:
    """The merged French and English lists (the word decoding's, 292 000 words) are built
    from pyspellchecker's files once, then read from the cache folder: the same words,
    counts and order; a cache that cannot be read is built again; with no folder it can
    write to, the lists are built every time. A rendered note reads the same with them."""
    from capture.tools import lexicon

    monkeypatch.setenv("CAPTURE_CACHE_DIR", str(tmp_path / "c"))
    built = lexicon._merged_counts(["fr", "en"])
    first = lexicon.cached_counts(["fr", "en"])
    (path,) = (tmp_path / "c").iterdir()
    assert list(first.items()) == list(built.items()) and len(built) > 250_000

    def no_build(codes):  # type: ignore[no-untyped-def]
        raise AssertionError("built again")

    with monkeypatch.context() as m:
        m.setattr(lexicon, "_merged_counts", no_build)
        assert list(lexicon.cached_counts(["fr", "en"]).items()) == list(built.items())
    path.write_bytes(path.read_bytes()[:1000])  # cut short: built again, and rewritten
    assert list(lexicon.cached_counts(["fr", "en"]).items()) == list(built.items())
    assert path.stat().st_size > 1_000_000
    (tmp_path / "ro").write_text("a file, not a folder")
    monkeypatch.setenv("CAPTURE_CACHE_DIR", str(tmp_path / "ro"))
    assert list(lexicon.cached_counts(["fr", "en"]).items()) == list(built.items())
    monkeypatch.setenv("CAPTURE_CACHE_DIR", str(tmp_path / "c"))
    lexicon.word_index_for.cache_clear()
    try:
        crop = make_crops(1, seed=5, px_per_mm=CONFIG.notes.crop_px_per_mm)[0]
        engine = PpocrEngine(CONFIG.ocr, 1)
        assert engine._words is not None and engine._words.known == built
        assert engine.read([crop.image])[0].text
    finally:
        lexicon.word_index_for.cache_clear()
