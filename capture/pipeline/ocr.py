"""OCR of one sticky-note crop: the only module that talks to Tesseract (through pytesseract).

Handwriting on coloured paper reads badly as-is, so the crop is prepared first:
grey from the channel where ink stands out most against this note's paper, background
flattened (uneven light, shadows, vignetting), smoothed at the note's scale, rescaled so
letters are ~48 px tall, paper whitened around the strokes, deskewed; it is read as a block,
and unless Tesseract is confident also line by line and at a second letter size, keeping
the reading the others agree with. Text is cleaned (whitespace, hyphenated line
breaks, stray punctuation) and the raw text is kept next to it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import cv2
import numpy as np

from capture.config import CONFIG, OcrConfig
from capture.errors import ExternalToolError

# Tesseract spawns one OpenMP thread per core by default; with one worker process per core
# that oversubscribes the CPU badly, and one thread per call is faster overall.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class OcrResult:
    text: str  # cleaned, one line
    raw_text: str  # what Tesseract returned, line breaks kept
    confidence: float | None  # mean word confidence in [0, 1]; None when nothing was read


EMPTY = OcrResult("", "", None)


# --- Tesseract availability ------------------------------------------------------------------


@lru_cache(maxsize=8)
def check_tesseract(languages: str = CONFIG.ocr.languages) -> str:
    """Raise ExternalToolError unless Tesseract and every language of `languages` are installed.

    Returns the Tesseract version string. Called once at the start of `capture run`.
    """
    import pytesseract

    try:
        version = str(pytesseract.get_tesseract_version())
        available = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, FileNotFoundError, OSError) as exc:
        raise ExternalToolError(
            "Tesseract OCR n'est pas installé (ou pas dans le PATH) : installez les paquets "
            "Debian tesseract-ocr et tesseract-ocr-fra, ou lancez `make demo`",
            code="tesseract_missing",
        ) from exc
    wanted = [lang for lang in languages.split("+") if lang]
    missing = [lang for lang in wanted if lang not in available]
    if not wanted or missing:
        pkgs = " ".join(f"tesseract-ocr-{lang}" for lang in missing) or "(aucune demandée)"
        raise ExternalToolError(
            f"Tesseract n'a pas les données de langue {', '.join(missing) or repr(languages)} : "
            f"installez {pkgs} (installées : {', '.join(sorted(available)) or 'aucune'})",
            code="tesseract_lang_missing",
        )
    return version


# --- image preparation ---------------------------------------------------------------------


def _inset(rgb: np.ndarray, frac: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    dy, dx = round(h * frac), round(w * frac)
    return rgb[dy : h - dy, dx : w - dx] if h - 2 * dy > 8 and w - 2 * dx > 8 else rgb


def best_contrast_grey(rgb: np.ndarray) -> np.ndarray:
    """Grey image (float 0-255) from the channel where ink differs most from the paper.

    Candidates: R, G, B and luminance. Score: gap between the paper level (median) and the
    darkest percentile, over the paper's own noise, so a channel where the note colour
    itself is dark (blue on a yellow note) is not chosen.
    """
    f = rgb.astype(np.float32)
    lum = f @ np.array([0.299, 0.587, 0.114], np.float32)
    candidates = [f[..., 0], f[..., 1], f[..., 2], lum]
    best, best_score = lum, -1.0
    for ch in candidates:
        paper = float(np.median(ch))
        ink = float(np.percentile(ch, 1.0))
        mad = float(np.median(np.abs(ch - paper)))
        score = (paper - ink) / (1.4826 * mad + 2.0)
        if score > best_score:
            best, best_score = ch, score
    return best


def flatten_background(grey: np.ndarray, kernel_frac: float) -> np.ndarray:
    """Divide by a background estimate (grey closing removes the dark strokes): 1.0 = paper."""
    h, w = grey.shape
    k = max(15, int(min(h, w) * kernel_frac)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)
    bg = cv2.GaussianBlur(bg, (0, 0), k / 4)
    return np.clip(grey / np.maximum(bg, 1.0), 0.0, 1.0)


def letter_height(ink: np.ndarray) -> float | None:
    """Typical height (px) of the writing's core band, or None if there is no letter-like ink.

    Per ink blob, the band holding the central 80 % of its ink rows: for a printed letter
    that is about its height, for a joined cursive word its x-height band (loops above and
    below carry little ink), so both scale alike. Area-weighted median over blobs: i-dots,
    accents and specks are many but small.
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    h_img = ink.shape[0]
    hs = stats[:, cv2.CC_STAT_HEIGHT].astype(float)
    areas = stats[:, cv2.CC_STAT_AREA].astype(float)
    keep = (areas >= 6) & (hs >= 4) & (hs < h_img * 0.5)
    keep[0] = False  # background
    if not keep.any():  # (one blob is fine: a blurred word merges into one)
        return None
    ys, xs = np.nonzero(keep[labels])
    lab = labels[ys, xs]
    order = np.lexsort((ys, lab))
    ys, lab = ys[order], lab[order]
    starts = np.searchsorted(lab, np.flatnonzero(keep))
    ends = np.append(starts[1:], len(lab))
    bands = np.array([ys[s + int(0.9 * (e - s - 1))] - ys[s + int(0.1 * (e - s - 1))] + 1
                      for s, e in zip(starts, ends, strict=True)], float)
    w = areas[keep]
    idx = np.argsort(bands)
    cum = np.cumsum(w[idx])
    return float(bands[idx][np.searchsorted(cum, cum[-1] / 2)])


def sauvola(img: np.ndarray, window: int, k: float = 0.2, r: float = 0.5) -> np.ndarray:
    """Sauvola threshold map for a [0, 1] image (True = ink)."""
    window |= 1
    mean = cv2.boxFilter(img, cv2.CV_32F, (window, window))
    sq = cv2.boxFilter(img * img, cv2.CV_32F, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    return img < mean * (1.0 + k * (std / r - 1.0))


def stroke_width(ink: np.ndarray) -> float | None:
    """Mean stroke width (px) of an ink mask: twice the ink area over its boundary length
    (a stroke of width w and length L has area w*L and two edges of length L)."""
    ink = ink.astype(np.uint8)
    area = float(ink.sum())
    if area < 20:
        return None
    edge = float((ink - cv2.erode(ink, np.ones((3, 3), np.uint8))).sum())
    return 2.0 * area / max(edge, 1.0)


def normalise_strokes(img: np.ndarray, target_px: float) -> np.ndarray:
    """Thicken thin writing (fine pen, light cursive) to about target_px by a grey min
    filter; never thins (that would break strokes). img: uint8, dark ink on white."""
    w = stroke_width(img < 128)
    if w is None or target_px - w < 1.0:
        return img
    k = round(target_px - w) + 1
    return cv2.erode(img, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))


def prepare(crop_rgb: np.ndarray, config: OcrConfig = CONFIG.ocr) -> np.ndarray | None:
    """uint8 image for Tesseract (dark ink on white), or None if the note is blank."""
    rgb = _inset(np.ascontiguousarray(crop_rgb[..., :3]), config.inset_frac)
    grey = best_contrast_grey(rgb)
    # Sensor noise, paper grain and JPEG blocks are finer than a marker stroke: smooth them
    # away at a scale tied to the note (the crop side), before any threshold.
    sigma = config.denoise_frac * min(grey.shape)
    if sigma >= 0.5:
        grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    flat = flatten_background(grey, config.flatten_kernel_frac).astype(np.float32)
    paper = float(np.median(flat))
    noise = 1.4826 * float(np.median(np.abs(flat - paper)))
    # Ink must stand out of the paper's own noise, not only exceed a fixed contrast.
    gap = max(config.ink_min_contrast, config.noise_k * noise)
    if paper - float(np.percentile(flat, 0.5)) < gap:
        return None  # nothing darker than the paper: a blank note
    otsu_t, _ = cv2.threshold(
        (flat * 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    # Otsu on a grainy, mostly blank note splits the grain: keep the threshold below it.
    t = min(otsu_t / 255.0, paper - gap)
    ink = flat < t
    lh = letter_height(ink)
    if lh is None:
        return None
    scale = float(np.clip(config.target_letter_px / lh, config.max_downscale, config.max_upscale))
    if abs(scale - 1.0) > 0.05:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        flat = cv2.resize(flat, None, fx=scale, fy=scale, interpolation=interp)
    if config.binarize == "sauvola":
        ink = sauvola(flat, window=int(config.target_letter_px * 2)) & (flat < paper - gap)
    elif config.binarize == "otsu":
        ink = flat < t
    elif config.binarize == "soft":
        # Grey levels kept on and around the strokes (soft edges of blurred writing help
        # Tesseract), paper and grain elsewhere set to white; contrast stretched.
        ink = cv2.morphologyEx(
            (flat < t).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)
        )
        k = max(3, int(config.target_letter_px * config.soft_halo_frac)) | 1
        near = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
        ink_level = float(np.percentile(flat[ink > 0], 10)) if ink.any() else 0.0
        span = max(paper - ink_level, 1e-3)
        soft = np.clip((flat - ink_level) / span, 0.0, 1.0)
        out = np.where(near, soft, 1.0)
        out = (out * 255).astype(np.uint8)
        if config.stroke_frac > 0:
            out = normalise_strokes(out, config.stroke_frac * config.target_letter_px)
        return cv2.copyMakeBorder(out, *[config.border_px] * 4, cv2.BORDER_CONSTANT, value=255)
    else:  # "grey": hand Tesseract the flattened grey image and let it binarise
        out = (flat * 255).astype(np.uint8)
        return cv2.copyMakeBorder(out, *[config.border_px] * 4, cv2.BORDER_CONSTANT, value=255)
    # Specks far smaller than a letter's stroke are paper grain, not ink.
    ink = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    out = np.where(ink > 0, 0, 255).astype(np.uint8)
    return cv2.copyMakeBorder(out, *[config.border_px] * 4, cv2.BORDER_CONSTANT, value=255)


# --- text cleaning ----------------------------------------------------------------------------

_HYPHEN_BREAK = re.compile(r"(\w)[-‐‑]\s*\n\s*(\w)")
_EDGE_NOISE = "|_~`^*\\/<>[]{}=#@°¦•·"
_KEEP_ALONE = {"?", "!", ":", ";", "&", "%", "€", "+", "«", "»", "=", "→", "-"}


def clean_text(raw: str, max_chars: int = CONFIG.limits.text_max_chars) -> str:
    """One clean line from raw OCR text.

    Joins words hyphenated across a line break ("dévelop-\\npement" -> "développement"),
    turns line breaks into spaces, drops tokens that are only punctuation noise (a lone
    "?" or ":" is kept: French puts a space before them), strips noise characters from
    token edges, collapses whitespace and cuts to `max_chars`.
    """
    text = _HYPHEN_BREAK.sub(r"\1\2", raw.replace("\r", ""))
    tokens = []
    for tok in text.split():
        tok = tok.strip(_EDGE_NOISE)
        if not tok:
            continue
        if not any(c.isalnum() for c in tok) and tok not in _KEEP_ALONE:
            continue
        tokens.append(tok)
    # A "-" kept alone is a dash between words, never at the ends.
    while tokens and tokens[0] in {"-", "=", "→"}:
        tokens.pop(0)
    while tokens and tokens[-1] in {"-", "=", "→"}:
        tokens.pop()
    return " ".join(tokens)[:max_chars].rstrip()


# --- Tesseract ----------------------------------------------------------------------------------


def _lines_from_data(data: dict, min_conf: float) -> tuple[str, list[float]]:
    """Text (lines joined by newlines) and word confidences from image_to_data output."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        if conf < min_conf and not any(c.isalnum() for c in word):
            continue  # a low-confidence speck of punctuation (dropping low-confidence words
            # too was measured: it loses more real words than it removes noise)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        confs.append(conf)
    text = "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))
    return text, confs


def deskew_angle(ink: np.ndarray, max_deg: float, step_deg: float) -> float:
    """Rotation (degrees, OpenCV sign) that makes the written lines horizontal: the angle
    whose row profile is most peaked (sum of squares), searched on a half-size copy."""
    small = cv2.resize(ink.astype(np.uint8), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    best, best_angle = -1.0, 0.0
    for angle in np.arange(-max_deg, max_deg + step_deg / 2, step_deg):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        prof = cv2.warpAffine(small, m, (w, h)).sum(axis=1).astype(float)
        score = float((prof**2).sum())
        if score > best + 1e-9:
            best, best_angle = score, float(angle)
    return best_angle


def text_lines(ink: np.ndarray, config: OcrConfig) -> list[tuple[int, int]]:
    """Row bands (y0, y1) of the written lines of a deskewed ink mask.

    Bands closer than line_gap_frac of their height are one line (accents, loops); bands
    much thinner than the tallest are specks.
    """
    prof = ink.sum(axis=1).astype(float)
    if prof.max() <= 0:
        return []
    on = np.concatenate([[False], prof > config.line_ink_frac * prof.max(), [False]])
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    bands: list[list[int]] = []
    for y0, y1 in zip(edges[::2], edges[1::2], strict=True):
        gap = config.line_gap_frac * max(y1 - y0, bands[-1][1] - bands[-1][0]) if bands else 0
        if bands and y0 - bands[-1][1] < gap:
            bands[-1][1] = int(y1)
        else:
            bands.append([int(y0), int(y1)])
    tallest = max(b[1] - b[0] for b in bands)
    return [(b[0], b[1]) for b in bands if b[1] - b[0] > config.line_min_frac * tallest]


def _tesseract(img: np.ndarray, psm: int, config: OcrConfig) -> tuple[str, list[float]]:
    """Raw text (lines joined by newlines) and word confidences of one Tesseract call."""
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            img,
            lang=config.languages,
            config=f"--psm {psm} --oem {config.oem}",
            output_type=pytesseract.Output.DICT,
            timeout=config.timeout_s,
        )
    except RuntimeError:  # pytesseract raises RuntimeError on timeout
        return "", []
    except pytesseract.TesseractNotFoundError as exc:
        raise ExternalToolError("Tesseract OCR est introuvable", code="tesseract_missing") from exc
    return _lines_from_data(data, config.min_word_conf)


def _read_by_lines(img: np.ndarray, config: OcrConfig) -> tuple[str, list[float]]:
    """Each written line cut out tightly and read as one raw line (psm 13): Tesseract's own
    page layout tends to shatter cursive words with tall loops."""
    ink = img < 128
    texts: list[str] = []
    confs: list[float] = []
    b = config.border_px
    for y0, y1 in text_lines(ink, config):
        pad = int(0.15 * (y1 - y0))
        band = img[max(0, y0 - pad) : y1 + pad]
        cols = np.flatnonzero((band < 128).any(axis=0))
        if len(cols) == 0:
            continue
        band = band[:, cols[0] : cols[-1] + 1]
        band = cv2.copyMakeBorder(band, b, b, b, b, cv2.BORDER_CONSTANT, value=255)
        text, c = _tesseract(band, config.line_psm, config)
        if text:
            texts.append(text.replace("\n", " "))
            confs += c
    return "\n".join(texts), confs


def _deskew(img: np.ndarray, config: OcrConfig) -> np.ndarray:
    h, w = img.shape
    angle = deskew_angle(img < 128, config.deskew_max_deg, config.deskew_step_deg)
    if not angle:
        return img
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=255)


def _result(raw: str, confs: list[float]) -> OcrResult:
    raw = raw[: CONFIG.limits.text_max_chars * 2]
    text = clean_text(raw)
    conf = round(float(np.mean(confs)) / 100.0, 3) if confs and text else None
    return OcrResult(text, raw, conf)


def consensus(results: list[OcrResult]) -> OcrResult:
    """The reading that agrees best with the others (least summed normalised edit distance;
    Tesseract's confidence breaks ties). Readings of the same note under different
    preparations err differently, so their medoid is right more often than the most
    confident one (measured on generated photos: 10 % vs 13-15 % CER)."""
    from capture.bench.metrics import levenshtein, normalise_for_cer

    texts = [normalise_for_cer(r.text) for r in results]

    def cost(i: int) -> float:
        d = sum(levenshtein(texts[i], t) / max(len(texts[i]), len(t), 1) for t in texts)
        return d - 1e-3 * (results[i].confidence or 0.0)

    return results[min(range(len(results)), key=cost)]


def read_note(crop_rgb: np.ndarray, config: OcrConfig = CONFIG.ocr) -> OcrResult:
    """Read the handwriting on one upright note crop (RGB uint8).

    The prepared, deskewed image is read as a block (config.psm). Unless Tesseract is at
    least config.accept_conf confident, it is also read line by line (config.line_psm), and
    both readings are repeated on the crop prepared at config.alt_letter_px; the reading
    agreeing best with the others wins (consensus). Each Tesseract call costs ~0.2 s, so a
    confident first reading ends there.
    A blank note gives OcrResult("", "", None); so does a Tesseract timeout (the note is
    then flagged for low OCR confidence downstream, the batch goes on).
    """
    if crop_rgb is None or crop_rgb.ndim != 3 or min(crop_rgb.shape[:2]) < 16:
        return EMPTY
    img = prepare(crop_rgb, config)
    if img is None:
        return EMPTY
    if config.binarize == "grey":  # Tesseract binarises: no deskew, no line cutting
        return _result(*_tesseract(img, config.psm, config))
    img = _deskew(img, config)
    first = _result(*_tesseract(img, config.psm, config))
    if (first.confidence or 0.0) >= config.accept_conf:
        return first
    readings = [first]
    if config.line_psm:
        readings.append(_result(*_read_by_lines(img, config)))
    if config.alt_letter_px:
        alt_cfg = replace(config, target_letter_px=config.alt_letter_px)
        alt = prepare(crop_rgb, alt_cfg)
        if alt is not None:
            alt = _deskew(alt, alt_cfg)
            readings.append(_result(*_tesseract(alt, config.psm, config)))
            if config.line_psm:
                readings.append(_result(*_read_by_lines(alt, alt_cfg)))
    readings = [r for r in readings if r.text] or [first]
    return consensus(readings)
