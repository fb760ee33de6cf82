"""The OCR seam: note crops in, text + confidence + line boxes out, whichever engine reads.

Two engines sit behind it, each in its own module under capture.tools: `ppocr` (the
default: a neural text detector and recogniser, PP-OCR models shipped inside the rapidocr
wheel, run by onnxruntime on the CPU) and `tesseract` (Tesseract through pytesseract, every
note read several ways and the readings voted). `OcrConfig.engine` (`capture run --ocr`)
chooses. An engine is loaded once per process (`load_engine`, cached) and reads all the
notes of one photo in one call, so its models load once and its work is batched.

The result types and text helpers the engines share live in capture.core.text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from capture.core.config import CONFIG, Config, OcrConfig
from capture.core.errors import UsageError
from capture.core.text import OcrEngine, OcrResult
from capture.tools.ppocr import PpocrEngine
from capture.tools.tesseract import TesseractEngine

ENGINES = ("ppocr", "tesseract")


def load_engine(config: OcrConfig = CONFIG.ocr, threads: int = 1) -> OcrEngine:
    """The engine config.engine names, loaded once per process and set of settings (a
    worker process reads every photo with the same one). threads: CPU threads the engine
    may use (the batch gives each worker its share of the cores).

    Raises UsageError for an unknown engine, ExternalToolError (exit 2) when it cannot load.
    """
    # The cache is keyed on the arguments as normalised here, not as written: lru_cache
    # keys `load_engine(cfg)`, `load_engine(cfg, 1)` and `load_engine(cfg, threads=1)`
    # apart, and `capture bench memory/speed --ocr` loaded the engine one way and read
    # through read_notes the other: a second engine (both models' sessions, about 50 MB
    # of C heap) loaded inside the first photo (docs/markerless-journal.md, 42nd stop).
    return _load_engine(config, max(1, int(threads)))


@lru_cache(maxsize=4)
def _load_engine(config: OcrConfig, threads: int) -> OcrEngine:
    if config.engine == "ppocr":
        return PpocrEngine(config, threads)
    if config.engine == "tesseract":
        return TesseractEngine(config)
    raise UsageError(
        f"moteur OCR inconnu {config.engine!r} (connus : {', '.join(ENGINES)})", code="bad_option"
    )


def low_confidence(config: Config = CONFIG) -> float:
    """The confidence under which a note's reading is flagged for review: each engine's
    confidences have their own scale (PP-OCR's character probabilities sit near 1 even on
    misread words, Tesseract's word confidences much lower)."""
    if config.ocr.engine == "ppocr":
        return config.ocr.ppocr.low_confidence
    return config.qa.low_ocr_confidence


def read_notes(
    crops: Sequence[np.ndarray | None], config: OcrConfig = CONFIG.ocr, threads: int = 1
) -> list[OcrResult]:
    """Read the notes of one photo with the engine of `config` (loaded on first use)."""
    return load_engine(config, threads).read(crops)


def read_note(crop_rgb: np.ndarray, config: OcrConfig = CONFIG.ocr) -> OcrResult:
    """read_notes for one crop (tests, the OCR bench); a photo's notes are read together."""
    return read_notes([crop_rgb], config)[0]
