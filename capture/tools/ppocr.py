"""The `ppocr` OCR engine: PP-OCR text detection and recognition (rapidocr's models, onnxruntime).

The models are ONNX files inside the pinned rapidocr wheel (PpocrConfig.det_model,
rec_model), opened by path with onnxruntime (capture.tools.ppocr_models, which does
rapidocr's steps around them without its classes), so nothing is ever looked for elsewhere
or downloaded. One engine per process (capture.vision.ocr.load_engine), its onnxruntime
sessions limited to the threads the batch gives each worker.

A photo's notes are read in two passes: the written lines of each note are detected on the
note resampled to each size of PpocrConfig.det_sides_px (the sizes marker writing needs),
then every line of every note is cut from the full-resolution crop and recognised in
batches (lines sorted by width, so a batch pads little); each note keeps the reading, of
one size's lines, that says the most (capture.core.text.read_weight). The crop goes in as
it is, in colour: the recogniser was trained on camera images, and binarising or
flattening it was measured to read worse (docs/ocr-journal.md).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from capture.core.config import CONFIG, OcrConfig, PpocrConfig
from capture.core.errors import ExternalToolError
from capture.core.text import EMPTY, EngineInfo, OcrLine, OcrResult, from_lines, read_weight
from capture.tools import ppocr_models as ppm
from capture.tools.ctc_words import WordList, WordsConfig, decode_words
from capture.tools.lexicon import word_index_for

# The detector's input is never shrunk below this longer side (it only rounds the crop,
# resampled to det_sides_px, to its stride of 32 px).
DET_LIMIT_PX = 4096

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


def _band_at(box: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The y of a line box's top and bottom edges (corners clockwise from top left),
    extended along their own direction, at abscissa x."""

    def at(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        dx = q[0] - p[0]
        if abs(dx) < 1e-6:
            return np.full_like(x, (p[1] + q[1]) / 2)
        return p[1] + (x - p[0]) * (q[1] - p[1]) / dx

    return at(box[0], box[1]), at(box[3], box[2])


def order_lines(boxes: np.ndarray) -> list[int]:
    """Reading order of line boxes (N x 4 x 2, corners clockwise from top left): rows top
    to bottom, left to right within a row. A box joins the row above when its centre lies
    between that row's first box's top and bottom edges taken at the box's centre, along
    their slant: on a tilted note (a wall photographed askew) two lines' boxes overlap in
    height, and an upright span would put the lower line first when it starts further
    left."""
    if len(boxes) == 0:
        return []
    centre = boxes.mean(axis=1)
    left = boxes[:, :, 0].min(axis=1)
    rows: list[list[int]] = []
    for i in np.argsort(centre[:, 1], kind="stable").tolist():
        row = rows[-1] if rows else None
        if row is not None:
            top, bottom = _band_at(boxes[row[0]], centre[i, 0])
            if top <= centre[i, 1] <= bottom:
                row.append(i)
                continue
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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True in a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def _inset(crop: np.ndarray, frac: float, side_px: int) -> tuple[np.ndarray, float, np.ndarray]:
    """The crop with `frac` of each side trimmed (the note's edge and shadow), the scale that
    brings its longer side to side_px, and the (x, y) offset of the trimmed part in the crop:
    boxes found on the part resampled by that scale map back as boxes / scale + offset."""
    h, w = crop.shape[:2]
    dy, dx = round(h * frac), round(w * frac)
    inner = crop[dy : h - dy, dx : w - dx]
    return inner, side_px / max(inner.shape[:2]), np.array([dx, dy], np.float32)


def paper_level(grey: np.ndarray) -> float:
    """The paper's luminance on a grey crop (0-255): the median of the lighter half of the
    crop's middle (the ink is the dark minority; the middle leaves out a neighbour's edge and
    the shadow)."""
    h, w = grey.shape
    mid = grey[h // 6 : h - h // 6, w // 6 : w - w // 6]
    mid = mid if mid.size else grey
    return float(np.median(mid[mid >= np.median(mid)]))


def paper_shade(bgr: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """The crop's grey taken along its paper's own colour: each pixel's channels weighted
    as the paper's colour weighs them (the mean of the pixels of the crop's middle at least
    as light, in `grey`, as their median; weights summing to 1). On red paper under room
    light (B, G, R about 25, 20, 110) luminance takes 59 % of its grey from the green
    channel, where paper and ink are both near 20 and the JPEG noise is most of the signal;
    this grey takes it from the red, where the paper stands at 110 and black ink at 50, and
    blue or green ink, which luminance makes as light as red paper, stays dark."""
    h, w = grey.shape
    middle = (slice(h // 6, h - h // 6), slice(w // 6, w - w // 6))
    mid, light = bgr[middle], grey[middle]
    if not mid.size:
        mid, light = bgr, grey
    paper = mid[light >= np.median(light)].reshape(-1, 3).astype(np.float32).mean(axis=0)
    weights = paper / max(float(paper.sum()), 1.0)
    return cv2.transform(bgr, weights.reshape(1, 3))


def paper_grey(bgr: np.ndarray, level: float, max_gain: float, shade: bool = True) -> np.ndarray:
    """The crop as the detector sees it on dim paper (PpocrConfig.det_paper_level): its
    grey along the paper's own colour (paper_shade; shade False: its luminance) scaled so
    that the paper (paper_level) stands at `level` (gain at most max_gain), in three
    channels. Dark ink on dim coloured paper (red, a note in shade) then stands out as it
    does on white."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if shade:
        grey = paper_shade(bgr, grey)
    return grey_page(grey, paper_level(grey), level, max_gain)


def grey_page(grey: np.ndarray, paper: float, level: float, max_gain: float) -> np.ndarray:
    """paper_grey from the crop's grey and its paper_level, when the caller has them."""
    gain = min(level / max(paper, 1.0), max_gain)
    return cv2.cvtColor(cv2.convertScaleAbs(grey, alpha=gain), cv2.COLOR_GRAY2BGR)


def ink_bands(profile: np.ndarray, pc: PpocrConfig) -> list[tuple[int, int]]:
    """Bands of a 1-D ink profile: the runs over ink_level of the way from the paper
    (5th percentile) to the peak; a band shorter than ink_min_height of the tallest (an
    accent, an underline) joins its nearest band."""
    floor = float(np.percentile(profile, 5))
    span = float(profile.max()) - floor
    if span <= 0:
        return []
    found = _runs(profile > floor + pc.ink_level * span)
    if not found:
        return []
    tallest = max(b - a for a, b in found)
    main = [[a, b] for a, b in found if b - a >= pc.ink_min_height * tallest]
    for a, b in found:
        if b - a < pc.ink_min_height * tallest:
            near = min(main, key=lambda m: min(abs(a - m[1]), abs(m[0] - b)))
            near[0], near[1] = min(near[0], a), max(near[1], b)
    return sorted((a, b) for a, b in main)


def ink_lines(crop_bgr: np.ndarray, pc: PpocrConfig, side_px: int | None = None) -> np.ndarray:
    """Written lines found from the ink alone (N x 4 x 2 boxes, crop pixels): the crop
    resampled to side_px (default: the first of det_sides_px), each pixel's Lab distance
    from the paper around it after the grain is smoothed away; rows of ink grouped into
    bands (ink_bands), each band's ink columns giving its width. For notes the neural
    detector finds nothing readable on; nothing when no pixel stands ink_min_contrast from
    its paper (a blank note)."""
    inner, scale, offset = _inset(crop_bgr, pc.ink_inset_frac, side_px or pc.det_sides_px[0])
    small = cv2.resize(inner, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    lab = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2Lab).astype(np.float32), (0, 0),
                           pc.ink_smooth_px)
    # The paper's colour around each pixel: a median over a quarter of the note (ink
    # covers little of any such window), taken at a quarter of the size.
    quarter = cv2.resize(small, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.medianBlur(quarter, max(3, (min(quarter.shape[:2]) // 4) | 1))
    paper = cv2.resize(paper, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_LINEAR)
    ink = np.linalg.norm(lab - cv2.cvtColor(paper, cv2.COLOR_BGR2Lab).astype(np.float32), axis=2)
    if float(np.percentile(ink, 99.5)) < pc.ink_min_contrast:
        return np.zeros((0, 4, 2), np.float32)
    rows = ink_bands(ink.mean(axis=1), pc)
    height = ink.shape[0]
    boxes = []
    for i, (a, b) in enumerate(rows):
        if a == 0 or b == height:
            continue  # a band on the edge: the note's border or shadow, not writing
        pad = (b - a) * pc.ink_pad
        top = max(a - pad, (rows[i - 1][1] + a) / 2 if i else 0.0)
        bottom = min(b + pad, (b + rows[i + 1][0]) / 2 if i + 1 < len(rows) else height)
        cols = ink_bands(ink[a:b].mean(axis=0), pc)
        left, right = (cols[0][0], cols[-1][1]) if cols else (0, ink.shape[1])
        left, right = max(left - pad, 0.0), min(right + pad, float(ink.shape[1]))
        boxes.append([[left, top], [right, top], [right, bottom], [left, bottom]])
    if not boxes:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(boxes, np.float32) / scale + offset


def apart(cand: np.ndarray, read: Sequence[object], overlap: float) -> np.ndarray:
    """Per box of `cand` (N x 4 x 2, crop px): whether at most `overlap` of its area lies
    under the lines `read` (corners, crop px)."""
    if not len(cand):
        return np.zeros(0, bool)
    if not len(read):
        return np.ones(len(cand), bool)
    size = np.ceil(np.maximum(cand.reshape(-1, 2).max(0),
                              np.asarray(read, np.float32).reshape(-1, 2).max(0))).astype(int) + 1
    taken = np.zeros((size[1], size[0]), np.uint8)
    for c in read:  # one by one: fillPoly leaves where two polygons overlap unfilled
        cv2.fillPoly(taken, [np.round(np.asarray(c, np.float32)).astype(np.int32)], 1)
    keep = []
    for box in cand:
        own = np.zeros_like(taken)
        cv2.fillPoly(own, [np.round(box).astype(np.int32)], 1)
        area = int(own.sum())
        keep.append(area > 0 and int((own & taken).sum()) <= overlap * area)
    return np.array(keep, bool)


def weak_lines(
    boxes: np.ndarray, scores: np.ndarray, read: Sequence[object], pc: PpocrConfig
) -> np.ndarray:
    """The detector's weak boxes (scored from det_weak_box_thresh up to det_box_thresh)
    that lie apart from the lines `read` (corners, crop px): at most weak_overlap of a weak
    box's area under a line read, so that a piece of a line already read is not read
    twice. None when det_weak_box_thresh is None."""
    if pc.det_weak_box_thresh is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    cand = boxes[(scores >= pc.det_weak_box_thresh) & (scores < pc.det_box_thresh)]
    if not len(cand) or not len(read):
        return cand
    return cand[apart(cand, read, pc.weak_overlap)]


def between_lines(box: object, read: Sequence[object]) -> bool:
    """Whether a box (corners, crop px) lies between two lines read, one above and one
    below its centre, within the span of their left and right ends: a short word on a
    line of its own in the middle of the writing ("Contrôle / à / l'exécution"), not a
    mark beside it or under it."""
    if len(read) < 2:
        return False
    c = np.asarray(box, np.float64).reshape(-1, 2).mean(0)
    lines = [np.asarray(r, np.float64).reshape(-1, 2) for r in read]
    left = min(float(r[:, 0].min()) for r in lines)
    right = max(float(r[:, 0].max()) for r in lines)
    above = any(float(r[:, 1].mean()) < c[1] for r in lines)
    below = any(float(r[:, 1].mean()) > c[1] for r in lines)
    return above and below and left <= c[0] <= right


class WordDecoder(NamedTuple):
    """decode_words' arguments after a line's output."""

    chars: list[str]  # the recogniser's characters, index 0 the CTC blank
    words: WordList  # the languages' words a reading may be replaced by
    known: Container[str]  # every word the lists know (left as read)
    cfg: WordsConfig


def word_decoder(chars: Sequence[str], config: OcrConfig) -> WordDecoder | None:
    """The word decoding's arguments for this engine's recogniser; None when lexicon_words
    is off or no language has a list."""
    pc = config.ppocr
    index = word_index_for(config.languages) if pc.lexicon_words else None
    if index is None:
        return None
    cfg = WordsConfig(pc.word_ratio, pc.word_max_dist, pc.word_min_len, pc.word_caps_len,
                      pc.word_min_count, pc.word_limit, pc.word_space_ratio)
    return WordDecoder(list(chars), WordList(index.freq, pc.word_min_count), index.freq, cfg)


class PpocrEngine:
    """The `ppocr` engine of the OCR seam. Loading it loads both models (ExternalToolError,
    exit 2, if they or onnxruntime are missing or broken)."""

    name = "ppocr"

    def __init__(self, config: OcrConfig = CONFIG.ocr, threads: int = 1) -> None:
        self.config = config
        self.det_path, self.rec_path = model_files(config)
        pc = config.ppocr
        threads = max(1, int(threads))
        try:
            # Each model opened once, straight on onnxruntime (capture.tools.ppocr_models:
            # rapidocr's classes cost 0.6-0.8 s of CPU a worker to import and configure),
            # and nothing read at load (a warm-up image costs 0.1 s and changes nothing).
            self._det = ppm.open_session(self.det_path, threads)
            self._rec = ppm.open_session(self.rec_path, threads)
            self.chars = ppm.characters(self._rec)  # index 0: the CTC blank
            # The detector keeps boxes down to the weak lines' score (weak_lines).
            self._post = ppm.DbPost(min(pc.det_box_thresh, pc.det_weak_box_thresh or 1.0),
                                    pc.det_unclip_ratio)
        except ExternalToolError:
            raise
        except Exception as exc:  # ImportError (onnxruntime), a corrupt model, ...
            raise ExternalToolError(
                f"le moteur OCR ppocr ne se charge pas ({type(exc).__name__}: {exc}) ; {_ADVICE}",
                code="ocr_engine_failed",
            ) from exc
        # Per character, 1 when it may be read, 0 when not: with latin_only the
        # probabilities of the characters outside the Latin script are zeroed before the
        # reading, so the best allowed character wins. The recogniser is multilingual (its
        # 18,000 characters are mostly Chinese): on a generated medium set it read two
        # faint notes as one Chinese character; a workshop in a Latin-script language
        # never writes one.
        self.allowed: np.ndarray | None = None
        if pc.latin_only:
            self.allowed = np.array([i == 0 or latin_char(c) for i, c in enumerate(self.chars)],
                                    np.float32)
        self._words = word_decoder(self.chars, config)

    def info(self) -> EngineInfo:
        import onnxruntime  # lazy: heavy native runtime, only when this engine is chosen

        return EngineInfo(
            self.name,
            f"rapidocr {version('rapidocr')}, onnxruntime {onnxruntime.__version__}",
            (str(self.det_path), str(self.rec_path)),
        )

    def detect(self, crop_bgr: np.ndarray, side_px: int | None = None) -> np.ndarray:
        """Line boxes (N x 4 x 2, crop pixels) found on one BGR crop resampled to side_px
        on its longer side (default: the first of det_sides_px), scored at least
        det_box_thresh."""
        boxes, scores = self.detect_scored(crop_bgr, side_px)
        return boxes[scores >= self.config.ppocr.det_box_thresh]

    def detect_scored(
        self, crop_bgr: np.ndarray, side_px: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """detect's boxes down to det_weak_box_thresh, each with the detector's score (the
        mean text probability inside it). On dim paper (det_dim_paper) the detector sees the
        crop grey along the paper's own colour (paper_shade), its paper brought near white
        (paper_grey, det_paper_level)."""
        pc = self.config.ppocr
        inner, scale, offset = _inset(crop_bgr, pc.inset_frac, side_px or pc.det_sides_px[0])
        small = inner
        if abs(scale - 1.0) > 0.05:
            small = cv2.resize(inner, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if pc.det_paper_level is not None:
            grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
            paper = paper_level(grey)  # once: it gates the grey page and sets its gain
            if pc.det_dim_paper is None or paper < pc.det_dim_paper:
                if pc.det_paper_shade:
                    grey = paper_shade(small, grey)
                    paper = paper_level(grey)
                small = grey_page(grey, paper, pc.det_paper_level, pc.det_paper_max_gain)
        # The crop is resampled above (det_sides_px); the detector only rounds it to its
        # stride, never shrinks it further. Its boxes are left in the map's order (rapidocr's
        # own call sorts the boxes but not their scores; order_lines sorts them).
        pre = ppm.det_input(small, DET_LIMIT_PX)
        if pre is None:
            return np.zeros((0, 4, 2), np.float32), np.zeros(0)
        boxes, scores = self._post(ppm.run_session(self._det, pre), small.shape[:2])
        if len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32), np.zeros(0)
        return np.asarray(boxes, np.float32) / scale + offset, np.asarray(scores, np.float64)

    def read(self, crops: Sequence[np.ndarray | None]) -> list[OcrResult]:
        pc = self.config.ppocr
        bgrs: dict[int, np.ndarray] = {}
        for ci, crop in enumerate(crops):
            if crop is None or crop.ndim != 3 or min(crop.shape[:2]) < 16:
                continue
            bgrs[ci] = cv2.cvtColor(np.ascontiguousarray(crop[..., :3]), cv2.COLOR_RGB2BGR)
        best: dict[int, OcrResult] = {}
        for side in pc.det_sides_px:
            # Each size's reading of a note: the detector's lines; where it found no line
            # it could read (blur and grain merge its lines or hide them), the lines found
            # again from the ink alone; where it did, its weak lines added (weak_lines). A
            # later size's reading replaces an earlier one when it says det_more_chars more.
            scored = {ci: self.detect_scored(bgr, side) for ci, bgr in bgrs.items()}
            strong = {ci: b[s >= pc.det_box_thresh] for ci, (b, s) in scored.items()}
            found = self._read_lines(bgrs, strong)
            found = self._with_weak_lines(bgrs, found, scored)
            if pc.missed_side_px:
                found = self._with_missed_lines(bgrs, found, side)
            if pc.ink_lines:
                missed = {ci: bgr for ci, bgr in bgrs.items() if ci not in found}
                found.update(self._read_lines(
                    missed, {ci: ink_lines(bgr, pc, side) for ci, bgr in missed.items()}))
            for ci, res in found.items():
                if ci not in best or read_weight(res) > read_weight(best[ci]) + pc.det_more_chars:
                    best[ci] = res
        return [best.get(ci, EMPTY) for ci in range(len(crops))]

    def _with_weak_lines(
        self,
        bgrs: dict[int, np.ndarray],
        found: dict[int, OcrResult],
        scored: dict[int, tuple[np.ndarray, np.ndarray]],
    ) -> dict[int, OcrResult]:
        """`found` (readings of the detector's lines) with each note's weak lines added:
        boxes scored from det_weak_box_thresh to det_box_thresh lying apart from the lines
        read (weak_lines), kept when read sure (weak_line_score, weak_min_chars). A word
        half under a sticker or a line of faint ink scores under det_box_thresh while the
        recogniser reads it sure; a note with no line read keeps ink_lines' reading."""
        pc = self.config.ppocr
        weak = {
            ci: w
            for ci, res in found.items()
            if len(w := weak_lines(*scored[ci], [ln.box for ln in res.lines], pc))
        }
        return self._with_sure(found, self._read_lines({ci: bgrs[ci] for ci in weak}, weak))

    def _with_sure(
        self, found: dict[int, OcrResult], extra: dict[int, OcrResult]
    ) -> dict[int, OcrResult]:
        """`found` with the lines of `extra` read sure added in reading order: at
        weak_line_score or more, and weak_min_chars long (or a lone letter between two
        lines read: weak_lone_between)."""
        pc = self.config.ppocr
        out = dict(found)
        for ci, more in extra.items():
            read = [ln.box for ln in found[ci].lines]
            sure = [ln for ln in more.lines if ln.confidence >= pc.weak_line_score
                    and (len(ln.text.strip()) >= pc.weak_min_chars
                         or (pc.weak_lone_between and ln.text.strip().isalpha()
                             and between_lines(ln.box, read)))]
            if not sure:
                continue
            lines = list(found[ci].lines) + sure
            order = order_lines(np.array([ln.box for ln in lines], np.float32))
            out[ci] = from_lines([lines[i] for i in order])
        return out

    def _with_missed_lines(
        self, bgrs: dict[int, np.ndarray], found: dict[int, OcrResult], side: int
    ) -> dict[int, OcrResult]:
        """`found` with the lines the detector missed at `side` added: on a note whose ink
        (ink_lines) shows a written band lying apart from the lines read (at most
        missed_overlap of it under them), the detector looks again at missed_side_px, and
        its boxes apart from the lines read are read and added when read sure
        (_with_sure). A line of thin or slanted script is sometimes not seen at 224 px
        ("Lien / social" read "social") while 320 px finds it at 0.86."""
        pc = self.config.ppocr
        todo: dict[int, np.ndarray] = {}
        for ci, res in found.items():
            read = [ln.box for ln in res.lines]
            ink = ink_lines(bgrs[ci], pc, side)
            if not apart(ink, read, pc.missed_overlap).any():
                continue
            boxes, scores = self.detect_scored(bgrs[ci], pc.missed_side_px)
            strong = boxes[scores >= pc.det_box_thresh]
            new = strong[apart(strong, read, pc.weak_overlap)]
            if len(new):
                todo[ci] = new
        return self._with_sure(found, self._read_lines({ci: bgrs[ci] for ci in todo}, todo))

    def _read_lines(
        self, bgrs: dict[int, np.ndarray], boxes: dict[int, np.ndarray]
    ) -> dict[int, OcrResult]:
        """Each crop's reading from its lines under `boxes`, in reading order, all crops'
        lines recognised in batches; only the lines read with at least min_line_score, and
        only the crops with such a line."""
        owners = [(ci, boxes[ci][bi]) for ci in bgrs for bi in order_lines(boxes[ci])]
        reads = self._recognise([cut_line(bgrs[ci], box) for ci, box in owners])
        lines: dict[int, list[OcrLine]] = {}
        for (ci, box), (text, score) in zip(owners, reads, strict=True):
            if score >= self.config.ppocr.min_line_score:
                corners = tuple((round(float(x), 1), round(float(y), 1)) for x, y in box)
                lines.setdefault(ci, []).append(OcrLine(text, score, corners))
        return {ci: res for ci, ls in lines.items() if (res := from_lines(ls)).text}

    def _recognise(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, mean character probability) of each line image, recognised in batches as
        rapidocr does (sorted by width, each batch padded to its widest), read greedily;
        with lexicon_words each line's words are then decoded against the word lists
        (ctc_words.decode_words), the probability staying the greedy reading's."""
        if not images:
            return []
        pc = self.config.ppocr
        height, width = ppm.REC_HEIGHT_PX, pc.rec_min_width
        ratios = np.array([im.shape[1] / float(im.shape[0]) for im in images])
        order = np.argsort(ratios)
        out: list[tuple[str, float]] = [("", 0.0)] * len(images)
        for start in range(0, len(images), pc.rec_batch):
            idx = order[start : start + pc.rec_batch]
            wide = max(width / height, float(ratios[idx].max()))
            batch = np.concatenate([ppm.rec_input(images[i], height, wide)[np.newaxis]
                                    for i in idx]).astype(np.float32)
            preds = ppm.run_session(self._rec, batch)
            if self.allowed is not None:
                preds = preds * self.allowed
            lines = ppm.ctc_greedy(preds, self.chars)
            for k, i in enumerate(idx):
                text, score = lines[k]
                if self._words is not None:
                    text = decode_words(preds[k], *self._words)
                out[i] = (str(text), float(score))
        return out
