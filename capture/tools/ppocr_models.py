"""PP-OCR's two models run on onnxruntime directly: rapidocr's own steps around them (the
detector's resize, normalisation and DB post-processing, the recogniser's resize and
normalisation, the greedy CTC reading) reproduced operation for operation, without
rapidocr's classes.

Why: importing rapidocr's classes reads its YAML model tables through omegaconf at import
(`rapidocr.utils.model_resolver`, `rapidocr.inference_engine.base`) and building its
`RapidOCR` merges its configuration the same way: 0.6-0.8 s of CPU per worker on the
2-core machine, for nothing the engine uses (the 40th stop, docs/ocr-journal.md). The
models still come from the rapidocr wheel (capture.tools.ppocr.model_files), and the
arithmetic is rapidocr 3.10.0's (`rapidocr/ch_ppocr_det/utils.py`: DetPreProcess,
DBPostProcess; `rapidocr/ch_ppocr_rec/main.py`: TextRecognizer.resize_norm_img;
`rapidocr/ch_ppocr_rec/utils.py`: CTCLabelDecode; `rapidocr/inference_engine/onnxruntime/
main.py`: the session options; Apache License 2.0), dtype for dtype, so that every box,
score and reading is the one rapidocr's classes give: tests/test_ppocr_models.py runs both
on the same images and fails if rapidocr's layout or arithmetic moves.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import cv2
import numpy as np

# The recogniser's input height (PP-OCR's line models read lines 48 px high).
REC_HEIGHT_PX = 48


def open_session(path: Path, threads: int) -> object:
    """An onnxruntime session on the model at `path` with rapidocr's options (errors only
    logged, no CPU memory arena, every graph optimisation, `threads` intra-op threads and
    one inter-op thread, the CPU provider growing its arena as requested) plus
    `session.intra_op.allow_spinning` 0: the extra threads sleep between runs instead of
    spinning, which on a busy machine burns a core per thread (docs/ocr-journal.md, "Speed
    and memory"); with one thread there is no pool to spin."""
    import onnxruntime as ort  # lazy: heavy native runtime, only when this engine is chosen

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.enable_cpu_mem_arena = False
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if 1 <= threads <= (os.cpu_count() or 1):
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(
        str(path), sess_options=opts,
        providers=[("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])


def run_session(session: object, batch: np.ndarray) -> np.ndarray:
    """The model's first output on `batch` (its one input)."""
    name = session.get_inputs()[0].name  # type: ignore[attr-defined]
    out = [o.name for o in session.get_outputs()]  # type: ignore[attr-defined]
    return session.run(out, {name: batch})[0]  # type: ignore[attr-defined]


def characters(session: object) -> list[str]:
    """The recogniser's characters as its CTC output indexes them: the blank first, the
    model's own list (its metadata), a space last."""
    meta = session.get_modelmeta().custom_metadata_map  # type: ignore[attr-defined]
    return ["blank", *meta["character"].splitlines(), " "]


# --- detection (rapidocr's DetPreProcess with limit_type "max", DBPostProcess) -----------

DET_MEAN = np.array([0.5, 0.5, 0.5])  # float64, as rapidocr holds them: the same rounding
DET_STD = np.array([0.5, 0.5, 0.5])


def det_input(img: np.ndarray, limit_side_len: int) -> np.ndarray | None:
    """The detector's input for a BGR image: shrunk when its longer side passes
    limit_side_len, each side rounded to a multiple of 32 (the network's stride),
    normalised to -1..1, channels first; None when a side rounds to 0."""
    h, w = img.shape[:2]
    ratio = float(limit_side_len) / max(h, w) if max(h, w) > limit_side_len else 1.0
    rh = int(round(int(h * ratio) / 32) * 32)
    rw = int(round(int(w * ratio) / 32) * 32)
    if rw <= 0 or rh <= 0:
        return None
    resized = cv2.resize(img, (rw, rh))
    norm = (resized.astype("float32") * (1 / 255.0) - DET_MEAN) / DET_STD
    return np.expand_dims(norm.transpose((2, 0, 1)), axis=0).astype(np.float32)


class DbPost:
    """Boxes and scores from the detector's text probability map (Differentiable
    Binarization): the map over `thresh`, dilated by 2 x 2, each region's minimum-area
    rectangle scored by the mean probability inside it (kept from box_thresh), pushed out
    by area x unclip_ratio / perimeter, mapped to the image's size, corners clockwise from
    the top left."""

    min_size = 3

    def __init__(self, box_thresh: float, unclip_ratio: float, thresh: float = 0.3,
                 max_candidates: int = 1000) -> None:
        self.box_thresh, self.unclip_ratio = box_thresh, unclip_ratio
        self.thresh, self.max_candidates = thresh, max_candidates
        self.kernel = np.array([[1, 1], [1, 1]])
        import pyclipper  # lazy: rapidocr's own dependencies, only when this engine loads
        from shapely.geometry import Polygon

        self._clipper, self._polygon = pyclipper, Polygon

    def __call__(self, pred: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, list[float]]:
        src_h, src_w = shape
        pred = pred[:, 0, :, :]
        mask = cv2.dilate(np.array(pred > self.thresh)[0].astype(np.uint8), self.kernel)
        boxes, scores = self._boxes(pred[0], mask, src_w, src_h)
        kept, kept_scores = [], []
        for box, score in zip(boxes, scores, strict=True):
            box = _clockwise(box)
            for p in range(box.shape[0]):
                box[p, 0] = int(min(max(box[p, 0], 0), src_w - 1))
                box[p, 1] = int(min(max(box[p, 1], 0), src_h - 1))
            width, height = np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[0] - box[3])
            if int(width) <= 3 or int(height) <= 3:
                continue
            kept.append(box)
            kept_scores.append(score)
        return np.array(kept), kept_scores

    def _boxes(self, pred: np.ndarray, bitmap: np.ndarray, dest_w: int,
               dest_h: int) -> tuple[np.ndarray, list[float]]:
        height, width = bitmap.shape
        contours = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST,
                                    cv2.CHAIN_APPROX_SIMPLE)[-2]
        boxes, scores = [], []
        for contour in contours[: self.max_candidates]:
            points, side = _mini_box(contour)
            if side < self.min_size:
                continue
            score = _box_score(pred, points.reshape(-1, 2))
            if self.box_thresh > score:
                continue
            poly = self._polygon(points)
            offset = self._clipper.PyclipperOffset()
            offset.AddPath(points, self._clipper.JT_ROUND, self._clipper.ET_CLOSEDPOLYGON)
            grown = np.array(offset.Execute(poly.area * self.unclip_ratio / poly.length))
            box, side = _mini_box(grown.reshape((-1, 1, 2)))
            if side < self.min_size + 2:
                continue
            box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_w), 0, dest_w)
            box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_h), 0, dest_h)
            boxes.append(box.astype(np.int32))
            scores.append(score)
        return np.array(boxes, dtype=np.int32), scores


def _mini_box(contour: np.ndarray) -> tuple[np.ndarray, float]:
    """A contour's minimum-area rectangle, corners from the top left, and its shorter side."""
    rect = cv2.minAreaRect(contour)
    p = sorted(list(cv2.boxPoints(rect)), key=lambda x: x[0])
    i1, i4 = (0, 1) if p[1][1] > p[0][1] else (1, 0)
    i2, i3 = (2, 3) if p[3][1] > p[2][1] else (3, 2)
    return np.array([p[i1], p[i2], p[i3], p[i4]]), min(rect[1])


def _box_score(bitmap: np.ndarray, pts: np.ndarray) -> float:
    """The mean of the probability map inside a box (its pixels under the filled box)."""
    h, w = bitmap.shape[:2]
    box = pts.copy()
    xmin = np.clip(np.floor(box[:, 0].min()).astype(np.int32), 0, w - 1)
    xmax = np.clip(np.ceil(box[:, 0].max()).astype(np.int32), 0, w - 1)
    ymin = np.clip(np.floor(box[:, 1].min()).astype(np.int32), 0, h - 1)
    ymax = np.clip(np.ceil(box[:, 1].max()).astype(np.int32), 0, h - 1)
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    box[:, 0] = box[:, 0] - xmin
    box[:, 1] = box[:, 1] - ymin
    cv2.fillPoly(mask, box.reshape(1, -1, 2).astype(np.int32), 1)
    return cv2.mean(bitmap[ymin : ymax + 1, xmin : xmax + 1], mask)[0]


def _clockwise(pts: np.ndarray) -> np.ndarray:
    """A box's four corners ordered top left, top right, bottom right, bottom left."""
    xs = pts[np.argsort(pts[:, 0]), :]
    left, right = xs[:2, :], xs[2:, :]
    tl, bl = left[np.argsort(left[:, 1]), :]
    tr, br = right[np.argsort(right[:, 1]), :]
    return np.array([tl, tr, br, bl], dtype="float32")


# --- recognition (rapidocr's TextRecognizer.resize_norm_img, CTCLabelDecode) -------------


def rec_input(img: np.ndarray, height: int, max_wh_ratio: float) -> np.ndarray:
    """A line image as the recogniser reads it in a batch: `height` px high, its width
    kept in proportion up to the batch's widest (max_wh_ratio x height), normalised to
    -1..1, channels first, padded with zeros on the right."""
    width = int(height * max_wh_ratio)
    h, w = img.shape[:2]
    ratio = w / float(h)
    resized_w = min(math.ceil(height * ratio), width)
    out = cv2.resize(img, (resized_w, height)).astype("float32").transpose((2, 0, 1)) / 255
    out -= 0.5
    out /= 0.5
    padded = np.zeros((img.shape[2], height, width), dtype=np.float32)
    padded[:, :, 0:resized_w] = out
    return padded


def ctc_greedy(preds: np.ndarray, chars: list[str]) -> list[tuple[str, float]]:
    """Each line's greedy reading of the recogniser's output (batch x steps x characters):
    the likeliest character per step, repeats merged, blanks dropped; with the mean of the
    kept steps' probabilities, each rounded to 5 decimals (0 when nothing is kept)."""
    index, prob = preds.argmax(axis=2), preds.max(axis=2)
    out = []
    for b in range(len(index)):
        tokens = index[b]
        keep = np.ones(len(tokens), dtype=bool)
        keep[1:] = tokens[1:] != tokens[:-1]
        keep &= tokens != 0
        conf = [round(c, 5) for c in np.array(prob[b][keep]).tolist()] or [0]
        out.append(("".join(chars[t] for t in tokens[keep]), np.mean(conf).round(5).tolist()))
    return out
