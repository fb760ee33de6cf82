"""The `ppocr` OCR engine: PP-OCR text detection and recognition (rapidocr, onnxruntime).

The models are ONNX files inside the pinned rapidocr wheel (PpocrConfig.det_model,
rec_model); they are given to rapidocr by path, so it never looks for them elsewhere and
never downloads anything. One engine per process (capture.vision.ocr.load_engine), its
onnxruntime sessions limited to the threads the batch gives each worker.

A photo's notes are read in two passes: the written lines of each note are detected on the
note resampled to PpocrConfig.det_side_px (the size marker writing needs), then every line
of every note is cut from the full-resolution crop and recognised in batches (lines sorted
by width, so a batch pads little). The crop goes in as it is, in colour: the recogniser was
trained on camera images, and binarising or flattening it was measured to read worse
(docs/ocr.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np

from capture.core.config import CONFIG, OcrConfig
from capture.core.errors import ExternalToolError
from capture.core.text import EngineInfo, OcrLine, OcrResult, from_lines

_ADVICE = (
    "réinstallez l'environnement (`make install`), ou lisez avec Tesseract : "
    "`capture run --ocr tesseract`"
)


def models_dir() -> Path:
    """The models folder of the installed rapidocr wheel (ExternalToolError if missing)."""
    try:
        import rapidocr  # lazy: heavy optional engine (ONNX models), loaded only to read
    except ImportError as exc:
        raise ExternalToolError(
            f"le moteur OCR ppocr (paquet rapidocr) n'est pas installé : {_ADVICE}",
            code="ocr_engine_missing",
        ) from exc
    return Path(rapidocr.__file__).parent / "models"


def model_files(config: OcrConfig = CONFIG.ocr) -> tuple[Path, Path]:
    """(detection, recognition) model files the engine reads with; ExternalToolError if one
    is missing."""
    folder = models_dir()
    files = (folder / config.ppocr.det_model, folder / config.ppocr.rec_model)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ExternalToolError(
            f"modèle(s) OCR introuvable(s) : {', '.join(missing)} ; {_ADVICE}",
            code="ocr_model_missing",
        )
    return files


def order_lines(boxes: np.ndarray) -> list[int]:
    """Reading order of line boxes (N x 4 x 2, corners clockwise from top left): rows top
    to bottom, a box joining the row whose vertical span holds its centre, left to right
    within a row."""
    if len(boxes) == 0:
        return []
    top, bottom = boxes[:, :, 1].min(axis=1), boxes[:, :, 1].max(axis=1)
    centre_y, left = (top + bottom) / 2, boxes[:, :, 0].min(axis=1)
    rows: list[list[int]] = []
    for i in np.argsort(centre_y, kind="stable").tolist():
        row = rows[-1] if rows else None
        if row is not None and top[row[0]] <= centre_y[i] <= bottom[row[0]]:
            row.append(i)
        else:
            rows.append([i])
    return [i for row in rows for i in sorted(row, key=lambda j: left[j])]


def cut_line(img: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The line under `box` (4 corners, clockwise from top left) warped upright. Unlike
    rapidocr's own cropper, a tall box (a single capital) is never turned on its side:
    note crops are upright already."""
    w = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    h = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    w, h = max(w, 2), max(h, 2)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(box.astype(np.float32), dst)
    return cv2.warpPerspective(
        img, m, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )


def latin_char(ch: str) -> bool:
    """A character of the Latin script as European languages write it: printable ASCII,
    the Latin-1 letters and signs (é, ç, «, °), Latin Extended-A (œ, ł, ş), and the
    typographic quotes, dashes, ellipsis and euro sign."""
    if len(ch) != 1:
        return False
    code = ord(ch)
    return (
        0x20 <= code < 0x7F
        or (0xA0 <= code <= 0x17F and ch not in "×÷")
        or ch in "‘’“”–—…€"
    )


class _ScriptMask:
    """Wraps the recogniser's onnxruntime session: per time step, the probabilities of the
    characters outside `allowed` are zeroed before rapidocr decodes, so the best allowed
    character wins. The recogniser is multilingual (its 18,000 characters are mostly
    Chinese): on a generated medium set it read two faint notes as one Chinese character;
    a workshop in a Latin-script language never writes one."""

    def __init__(self, session: object, allowed: np.ndarray) -> None:
        self.session, self.allowed = session, allowed.astype(np.float32)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session(batch) * self.allowed

    def __getattr__(self, name: str) -> object:  # everything else: the session's own
        return getattr(self.session, name)


class PpocrEngine:
    """The `ppocr` engine of the OCR seam. Loading it loads both models (ExternalToolError,
    exit 2, if they or onnxruntime are missing or broken)."""

    name = "ppocr"

    def __init__(self, config: OcrConfig = CONFIG.ocr, threads: int = 1) -> None:
        self.config = config
        self.det_path, self.rec_path = model_files(config)
        pc = config.ppocr
        try:
            from rapidocr import RapidOCR  # lazy: heavy, only when this engine is chosen

            params = {
                "Global.log_level": "error",
                "Global.use_cls": False,  # note crops are upright (rectified)
                "Det.model_path": str(self.det_path),
                "Rec.model_path": str(self.rec_path),
                # The crop is resampled here (det_px_per_mm); the detector only rounds it to
                # its stride, never shrinks it further.
                "Det.limit_type": "max",
                "Det.limit_side_len": 4096,
                "Det.box_thresh": pc.det_box_thresh,
                "Det.unclip_ratio": pc.det_unclip_ratio,
                "Rec.rec_batch_num": pc.rec_batch,
                "Rec.rec_img_shape": [3, 48, pc.rec_min_width],
                "EngineConfig.onnxruntime.intra_op_num_threads": max(1, int(threads)),
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
            ocr = RapidOCR(params=params)
            # The public calls load each model once (a tiny grey image: nothing to read).
            probe = np.full((48, 96, 3), 200, np.uint8)
            ocr(probe, use_det=True, use_cls=False, use_rec=False)
            ocr(probe, use_det=False, use_cls=False, use_rec=True)
            self._det, self._rec = ocr.text_det, ocr.text_rec
        except ExternalToolError:
            raise
        except Exception as exc:  # ImportError (onnxruntime), a corrupt model, ...
            raise ExternalToolError(
                f"le moteur OCR ppocr ne se charge pas ({type(exc).__name__}: {exc}) ; {_ADVICE}",
                code="ocr_engine_failed",
            ) from exc
        if self._det is None or self._rec is None:
            raise ExternalToolError(
                f"le moteur OCR ppocr ne se charge pas (modèles non chargés) ; {_ADVICE}",
                code="ocr_engine_failed",
            )
        if pc.latin_only:
            chars = self._rec.postprocess_op.character  # index 0: the CTC blank
            allowed = np.array([i == 0 or latin_char(c) for i, c in enumerate(chars)])
            self._rec.session = _ScriptMask(self._rec.session, allowed)

    def info(self) -> EngineInfo:
        import onnxruntime  # lazy: heavy native runtime, only when this engine is chosen

        return EngineInfo(
            self.name,
            f"rapidocr {version('rapidocr')}, onnxruntime {onnxruntime.__version__}",
            (str(self.det_path), str(self.rec_path)),
        )

    def detect(self, crop_bgr: np.ndarray) -> np.ndarray:
        """Line boxes (N x 4 x 2, crop pixels) found on one BGR crop."""
        pc = self.config.ppocr
        h, w = crop_bgr.shape[:2]
        dy, dx = round(h * pc.inset_frac), round(w * pc.inset_frac)
        inner = crop_bgr[dy : h - dy, dx : w - dx]
        scale = pc.det_side_px / max(inner.shape[:2])
        small = inner
        if abs(scale - 1.0) > 0.05:
            small = cv2.resize(inner, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes = self._det(small).boxes
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        return np.asarray(boxes, np.float32) / scale + np.array([dx, dy], np.float32)

    def read(self, crops: Sequence[np.ndarray | None]) -> list[OcrResult]:
        from rapidocr.ch_ppocr_rec import TextRecInput  # lazy: heavy, as RapidOCR above

        images: list[np.ndarray] = []
        owners: list[tuple[int, np.ndarray]] = []  # (crop index, box) per line image
        for ci, crop in enumerate(crops):
            if crop is None or crop.ndim != 3 or min(crop.shape[:2]) < 16:
                continue
            bgr = cv2.cvtColor(np.ascontiguousarray(crop[..., :3]), cv2.COLOR_RGB2BGR)
            boxes = self.detect(bgr)
            for bi in order_lines(boxes):
                images.append(cut_line(bgr, boxes[bi]))
                owners.append((ci, boxes[bi]))
        lines: dict[int, list[OcrLine]] = {}
        if images:
            out = self._rec(TextRecInput(img=images))
            for (ci, box), text, score in zip(owners, out.txts, out.scores, strict=True):
                corners = tuple((round(float(x), 1), round(float(y), 1)) for x, y in box)
                lines.setdefault(ci, []).append(OcrLine(str(text), float(score), corners))
        min_score = self.config.ppocr.min_line_score
        return [
            from_lines([ln for ln in lines.get(ci, []) if ln.confidence >= min_score])
            for ci in range(len(crops))
        ]
