"""The `tesseract` OCR engine: the only module that talks to Tesseract (through pytesseract).

Handwriting on coloured paper reads badly as-is, so each crop is prepared first: grey
from the channel where ink stands out most against this note's paper, background
flattened (uneven light, shadows, vignetting), smoothed at the note's scale, rescaled to a
set letter height, paper whitened around the strokes, deskewed. Tesseract errs differently
on differently prepared images, so every note is read several ways (config.ocr.readings:
whole block or line by line, soft / sharpened / black-and-white / stroke-normalised / grey,
at several letter heights, with two sets of language models) and the readings vote word
by word (`combine`).

All images of a photo go to one Tesseract process per page-segmentation mode and model
set (a list file): loading the language models costs more than reading a note, so this is
~10x faster than one call per image. Text is cleaned (whitespace, hyphenated line breaks,
stray punctuation) and the raw text is kept next to it.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from capture.core.config import CONFIG, OcrConfig
from capture.core.errors import ExternalToolError
from capture.core.text import EMPTY, EngineInfo, OcrResult, clean_text, medoid, text_distance
from capture.io.model_files import language_list, models_dir
from capture.tools.lexicon import Lexicon, lexicon_for

# --- Tesseract availability ------------------------------------------------------------------


def tessdata_dir(config: OcrConfig = CONFIG.ocr) -> str | None:
    """The models folder Tesseract reads with: config.tessdata_dir, else the better models
    installed by `capture models --install` if they hold every language, else None
    (Tesseract's own)."""
    if config.tessdata_dir is not None:
        return config.tessdata_dir

    found = models_dir(config.languages)
    return None if found is None else str(found)


def _dir_option(folder: str | None) -> str:
    return "" if folder is None else f"--tessdata-dir {shlex.quote(folder)}"


@lru_cache(maxsize=8)
def check_tesseract(languages: str = CONFIG.ocr.languages, folder: str | None = None) -> str:
    """Raise ExternalToolError unless Tesseract and every language of `languages` are installed
    (in `folder`, when given: see tessdata_dir).

    Returns the Tesseract version string. Called once at the start of `capture run`.
    """
    try:
        version = str(pytesseract.get_tesseract_version())
        available = set(pytesseract.get_languages(config=_dir_option(folder)))
    except (pytesseract.TesseractNotFoundError, FileNotFoundError, OSError) as exc:
        raise ExternalToolError(
            "Tesseract OCR n'est pas installé (ou pas dans le PATH) : installez les paquets "
            "Debian tesseract-ocr et tesseract-ocr-fra, ou lancez `make demo`",
            code="tesseract_missing",
        ) from exc

    wanted = language_list(languages)
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


def stroke_width(ink: np.ndarray) -> float | None:
    """Mean stroke width (px) of an ink mask: twice the ink area over its boundary length
    (a stroke of width w and length L has area w*L and two edges of length L)."""
    ink = ink.astype(np.uint8)
    area = float(ink.sum())
    if area < 20:
        return None
    edge = float((ink - cv2.erode(ink, np.ones((3, 3), np.uint8))).sum())
    return 2.0 * area / max(edge, 1.0)


def set_stroke_width(img: np.ndarray, target_px: float) -> np.ndarray:
    """Strokes of a black-on-white uint8 image eroded or dilated to about target_px wide:
    Tesseract was trained on regular type weights, not on felt pens or hairlines."""
    ink = (img < 128).astype(np.uint8)
    w = stroke_width(ink > 0)
    if w is None:
        return img
    r = round((w - target_px) / 2)
    if r:
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(r) + 1, 2 * abs(r) + 1))
        ink = cv2.erode(ink, disc) if r > 0 else cv2.dilate(ink, disc)
    return np.where(ink > 0, 0, 255).astype(np.uint8)


def _border(img: np.ndarray, px: int) -> np.ndarray:
    return cv2.copyMakeBorder(img, px, px, px, px, cv2.BORDER_CONSTANT, value=255)


@dataclass(frozen=True)
class FlatNote:
    """A note crop reduced to flattened grey (1.0 = paper), with what every rendering needs."""

    flat: np.ndarray  # float32
    paper: float  # paper level
    threshold: float  # ink below this
    letter_px: float  # measured letter (core band) height


def flatten_note(crop_rgb: np.ndarray, config: OcrConfig = CONFIG.ocr) -> FlatNote | None:
    """Grey, denoised, background-flattened note and its ink threshold; None if blank."""
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
    lh = letter_height(flat < t)
    return None if lh is None else FlatNote(flat, paper, t, lh)


def prepare(
    crop: np.ndarray | FlatNote,
    letter_px: float,
    style: str = "soft",
    config: OcrConfig = CONFIG.ocr,
) -> np.ndarray | None:
    """uint8 image for Tesseract (dark ink on white, letters ~letter_px tall, deskewed,
    bordered), or None if the note is blank. crop: RGB crop, or flatten_note's result
    (shared by all renderings of one note). style: see OcrConfig.readings."""
    note = crop if isinstance(crop, FlatNote) else flatten_note(crop, config)
    if note is None:
        return None
    flat, paper, t, lh = note.flat, note.paper, note.threshold, note.letter_px
    scale = float(np.clip(letter_px / lh, config.max_downscale, config.max_upscale))
    if abs(scale - 1.0) > 0.05:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        flat = cv2.resize(flat, None, fx=scale, fy=scale, interpolation=interp)
    if style == "grey":  # Tesseract binarises itself: no deskew (it needs strokes)
        return _border((flat * 255).astype(np.uint8), config.border_px)
    # Strokes by Otsu, specks far smaller than a stroke (paper grain) opened away.
    ink = cv2.morphologyEx((flat < t).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    if style == "otsu":
        out = np.where(ink > 0, 0, 255).astype(np.uint8)
    else:
        # Grey levels kept on and around the strokes (soft edges of blurred writing help
        # Tesseract), paper and grain elsewhere set to white; contrast stretched.
        k = max(3, int(letter_px * config.soft_halo_frac)) | 1
        near = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
        ink_level = float(np.percentile(flat[ink > 0], 10)) if ink.any() else 0.0
        soft = np.clip((flat - ink_level) / max(paper - ink_level, 1e-3), 0.0, 1.0)
        out = (np.where(near, soft, 1.0) * 255).astype(np.uint8)
    return restyle(_deskew(_border(out, config.border_px), config), style, letter_px, config)


def base_style(style: str) -> str:
    """The rendering a style starts from: "grey" and "otsu" are their own, the rest are
    finishings of "soft" (restyle)."""
    return style if style in ("grey", "otsu") else "soft"


def restyle(img: np.ndarray, style: str, letter_px: float, config: OcrConfig) -> np.ndarray:
    """Finish a prepared "soft" image into `style` (other styles are returned as they are)."""
    if style == "sharp":
        sigma = letter_px * config.sharpen_sigma_frac
        blur = cv2.GaussianBlur(img.astype(np.float32), (0, 0), sigma)
        return np.clip(img + config.sharpen_amount * (img - blur), 0, 255).astype(np.uint8)
    if style == "stroke":
        return set_stroke_width(img, config.stroke_frac * letter_px)
    if style == "core":  # only the darkest middle of each stroke: blurred letters come apart
        return np.where(img < config.core_level, 0, 255).astype(np.uint8)
    if style not in ("soft", "otsu", "grey"):
        raise ValueError(f"unknown OCR preparation style {style!r}")
    return img


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


def line_images(
    img: np.ndarray, letter_px: float, config: OcrConfig = CONFIG.ocr
) -> list[np.ndarray]:
    """One bordered image per written line of a prepared, deskewed note (top to bottom).

    Lines are the peaks of the smoothed row profile, cut at deep valleys; each ink blob
    goes whole to the line holding its centre, so loops and descenders crossing into the
    next line's rows are neither cut nor read twice.
    """
    ink = (img < 128).astype(np.uint8)
    prof = ink.sum(axis=1).astype(np.float32)
    if prof.max() <= 0:
        return []
    sigma = max(1.0, config.line_smooth_frac * letter_px)
    sm = cv2.GaussianBlur(prof.reshape(-1, 1), (1, 0), sigmaX=0, sigmaY=sigma).ravel()
    inner = sm[1:-1]
    is_peak = (inner >= sm[:-2]) & (inner > sm[2:]) & (inner > config.line_peak_frac * sm.max())
    peaks: list[int] = []
    for y in (np.flatnonzero(is_peak) + 1).tolist():
        if peaks and y - peaks[-1] < config.line_merge_frac * letter_px:
            if sm[y] > sm[peaks[-1]]:
                peaks[-1] = y
        else:
            peaks.append(y)
    cuts: list[int] = []
    kept = peaks[:1]
    for y in peaks[1:]:
        valley = kept[-1] + int(np.argmin(sm[kept[-1] : y + 1]))
        if sm[valley] < config.line_valley * min(sm[kept[-1]], sm[y]):
            cuts.append(valley)
            kept.append(y)
        elif sm[y] > sm[kept[-1]]:
            kept[-1] = y
    _, labels, _, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    line_of = np.searchsorted(np.asarray(cuts), centres[:, 1], side="right")
    out = []
    for k in range(len(cuts) + 1):
        sel = line_of == k
        sel[0] = False  # background
        mask = sel[labels]
        if mask.sum() < 20:
            continue
        ys, xs = np.nonzero(mask)
        box = np.s_[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        out.append(_border(np.where(mask, img, 255).astype(np.uint8)[box], config.border_px))
    return out


def _run_tesseract(
    target: str, psm: int, config: OcrConfig, timeout: float, system: bool = False
) -> dict:
    folder = None if system else tessdata_dir(config)
    try:
        return pytesseract.image_to_data(
            target,
            lang=config.languages,
            config=f"--psm {psm} --oem {config.oem} {_dir_option(folder)}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise ExternalToolError("Tesseract OCR est introuvable", code="tesseract_missing") from exc


def tesseract_pages(
    images: list[np.ndarray], psm: int, config: OcrConfig = CONFIG.ocr, system: bool = False
) -> list[tuple[str, list[float]]]:
    """(text with line breaks, word confidences) for each image, from one Tesseract run.

    The images go to Tesseract as a list file, read as the pages of one document, so the
    language models load once. If the run times out, each image is read alone (its own
    timeout), so one pathological image costs only its own reading. system: read with
    Tesseract's own models rather than tessdata_dir(config).
    """
    # A page without a single dark pixel holds no text; Tesseract's line modes can still
    # "read" one there (tessdata_best reads "1" on a white page), so it is not sent.
    inked = [i for i, img in enumerate(images) if (img < 128).any()]
    if len(inked) < len(images):
        out: list[tuple[str, list[float]]] = [("", [])] * len(images)
        for i, res in zip(
            inked, tesseract_pages([images[i] for i in inked], psm, config, system), strict=True
        ):
            out[i] = res
        return out
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="capture-ocr-") as tmp:
        paths = []
        for i, img in enumerate(images):
            paths.append(os.path.join(tmp, f"{i:05d}.png"))
            cv2.imwrite(paths[-1], img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        listing = Path(tmp, "pages.txt")
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")  # scratch, not an output

        try:
            timeout = config.timeout_s + config.timeout_per_page_s * len(images)
            data = _run_tesseract(str(listing), psm, config, timeout, system)
        except pytesseract.TesseractError as exc:  # Tesseract ran and failed (a RuntimeError too)
            if len(images) == 1:
                raise ExternalToolError(
                    f"Tesseract a échoué (code {exc.status}) : {exc.message or 'sans message'}",
                    code="tesseract_failed",
                ) from exc
            # One bad image must not cost the others: each is read alone, and only the one
            # that fails again raises.
            return [tesseract_pages([img], psm, config, system)[0] for img in images]
        except RuntimeError as exc:  # pytesseract's timeout: "Tesseract process timeout"
            if "timeout" not in str(exc):
                raise
            if len(images) == 1:
                return [("", [])]
            return [tesseract_pages([img], psm, config, system)[0] for img in images]
    pages: dict[int, dict[str, list]] = {}
    keys = ("text", "conf", "block_num", "par_num", "line_num")
    for i, page in enumerate(data["page_num"]):
        d = pages.setdefault(int(page) - 1, {k: [] for k in keys})
        for k in keys:
            d[k].append(data[k][i])
    return [
        _lines_from_data(pages[i], config.min_word_conf) if i in pages else ("", [])
        for i in range(len(images))
    ]


def _align_words(ref: list[str], other: list[str]) -> list[str]:
    """For each word of ref, the word of other aligned with it ("" where none): edit
    distance over words, a substitution costing the words' normalised distance x 1.5."""
    n, m = len(ref), len(other)
    d = np.zeros((n + 1, m + 1))
    d[:, 0], d[0, :] = np.arange(n + 1), np.arange(m + 1)
    sub = [[1.5 * text_distance(a, b) for b in other] for a in ref]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + sub[i - 1][j - 1])
    out = [""] * n
    i, j = n, m
    while i > 0 and j > 0:
        if np.isclose(d[i, j], d[i - 1, j - 1] + sub[i - 1][j - 1]):
            out[i - 1] = other[j - 1]
            i, j = i - 1, j - 1
        elif np.isclose(d[i, j], d[i - 1, j] + 1):
            i -= 1
        else:
            j -= 1
    return out


def combine(
    readings: list[OcrResult], lexicon: Lexicon | None = None, lexicon_bonus: float = 0.0
) -> OcrResult:
    """One reading from several of the same note (ROVER-style vote).

    The reading closest to all others (least summed normalised edit distance) sets the
    words; each of its words is then replaced by the variant, among the words the other
    readings align with it, that agrees best with them all (an empty variant drops a
    word); a variant that is a word of the lexicon gains lexicon_bonus on its mean
    distance, so a real word wins over a near-tie. Readings of one note under different
    preparations err differently, so the vote is right more often than any single reading
    (measured: docs/accuracy.md, "OCR models"). The confidence is that reading's Tesseract
    confidence times the readings' agreement.
    """
    live = [r for r in readings if r.text]
    if not live:
        return readings[0] if readings else EMPTY
    texts = [r.text for r in live]
    mid = medoid(texts, [r.confidence for r in live])
    ref = texts[mid].split()
    columns = [[w] for w in ref]
    for i, t in enumerate(texts):
        if i != mid:
            for col, w in zip(columns, _align_words(ref, t.split()), strict=True):
                col.append(w)

    def disagreement(w: str, col: list[str]) -> float:
        d = sum(text_distance(w, v) for v in col) - 1e-3 * len(w)
        if lexicon is not None and w and lexicon.known(w):
            d -= lexicon_bonus * len(col)
        return d

    words = [min(col, key=lambda w, col=col: disagreement(w, col)) for col in columns]
    text = " ".join(w for w in words if w)
    agreement = 1.0 - float(np.mean([text_distance(text, t) for t in texts]))
    conf = live[mid].confidence
    return OcrResult(
        text,
        live[mid].raw_text,
        round(conf * agreement, 3) if conf is not None and text else None,
    )


@dataclass(frozen=True)
class ReadingSpec:
    psm: int  # Tesseract page segmentation mode
    by_line: bool  # each written line alone
    style: str  # see OcrConfig.readings
    letter_px: float
    system: bool = False  # with Tesseract's own models, not the better ones (tessdata_dir)

    @classmethod
    def parse(cls, spec: str) -> ReadingSpec:
        """"block/soft/36" -> psm 6, whole note; "line13/sharp/36" -> psm 13, per line;
        a "/system" suffix reads with Tesseract's own models."""
        mode, style, px, *models = spec.split("/")
        if models not in ([], ["system"]):
            raise ValueError(f"unknown OCR models in {spec!r}")
        system = bool(models)
        if mode == "block":
            return cls(6, False, style, float(px), system)
        if mode.startswith("line") and mode[4:].isdigit():
            return cls(int(mode[4:]), True, style, float(px), system)
        raise ValueError(f"unknown OCR reading mode {spec!r}")


def read_notes(
    crops: Sequence[np.ndarray | None], config: OcrConfig = CONFIG.ocr
) -> list[OcrResult]:
    """Read the handwriting on upright note crops (RGB uint8), one OcrResult per crop.

    Every crop is prepared and cut into lines as config.readings says; all images of one
    page segmentation mode and model set go to a single Tesseract run (tesseract_pages); each
    crop's readings are then combined. A blank or tiny crop gives EMPTY; so does a crop whose
    readings all time out (flagged for low OCR confidence downstream, the batch goes on).
    """
    specs = [ReadingSpec.parse(s) for s in config.readings]
    if tessdata_dir(config) is None:  # no better models: "/system" readings would repeat others
        specs = list(dict.fromkeys(replace(s, system=False) for s in specs))
    # (psm, system models) -> (crop, spec, image)
    pages: dict[tuple[int, bool], list[tuple[int, int, np.ndarray]]] = {}
    for ci, crop in enumerate(crops):
        if crop is None or crop.ndim != 3 or min(crop.shape[:2]) < 16:
            continue
        note = flatten_note(crop, config)
        if note is None:
            continue  # blank
        bases: dict[tuple[float, str], np.ndarray | None] = {}  # styles of one size share it
        for si, spec in enumerate(specs):
            key = (spec.letter_px, base_style(spec.style))
            if key not in bases:
                bases[key] = prepare(note, *key, config)
            img = bases[key]
            if img is None:
                continue
            img = restyle(img, spec.style, spec.letter_px, config)
            images = line_images(img, spec.letter_px, config) if spec.by_line else [img]
            pages.setdefault((spec.psm, spec.system), []).extend((ci, si, im) for im in images)
    parts: dict[tuple[int, int], tuple[list[str], list[float]]] = {}
    for (psm, system), items in pages.items():
        for (ci, si, _), (text, confs) in zip(
            items, tesseract_pages([im for _, _, im in items], psm, config, system), strict=True
        ):
            texts, all_confs = parts.setdefault((ci, si), ([], []))
            if text:
                texts.append(text.replace("\n", " ") if specs[si].by_line else text)
                all_confs.extend(confs)
    readings: dict[int, list[OcrResult]] = {}
    for (ci, _), (texts, confs) in sorted(parts.items()):
        readings.setdefault(ci, []).append(_result("\n".join(texts), confs))
    words = lexicon_for(config.languages) if config.lexicon_bonus else None
    return [
        combine(readings[ci], words, config.lexicon_bonus) if ci in readings else EMPTY
        for ci in range(len(crops))
    ]


def limit_threads() -> None:
    """One OpenMP thread per Tesseract process. Tesseract spawns one per core by default;
    with one worker process per core that oversubscribes the CPU badly, and one thread per
    call is faster overall. The variable is inherited by the tesseract processes pytesseract
    starts; a value the user set is kept."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class TesseractEngine:
    """The `tesseract` engine of the OCR seam (capture.vision.ocr): read_notes above.
    Loading it checks that Tesseract and the languages are installed (ExternalToolError)."""

    name = "tesseract"

    def __init__(self, config: OcrConfig = CONFIG.ocr) -> None:
        limit_threads()
        self.config = config
        folder = tessdata_dir(config)
        self.version = check_tesseract(config.languages, folder)
        if folder and any(ReadingSpec.parse(r).system for r in config.readings):
            check_tesseract(config.languages)  # some readings use Tesseract's own models too
        self.folder = folder

    def read(self, crops: Sequence[np.ndarray | None]) -> list[OcrResult]:
        return read_notes(crops, self.config)

    def info(self) -> EngineInfo:
        where = self.folder or "/usr/share/tesseract-ocr/5/tessdata"
        return EngineInfo(
            self.name,
            f"Tesseract {self.version}",
            tuple(f"{where}/{lang}.traineddata" for lang in language_list(self.config.languages)),
        )


def read_note(crop_rgb: np.ndarray, config: OcrConfig = CONFIG.ocr) -> OcrResult:
    """read_notes for one crop (tests, the OCR bench); a photo's notes are read together."""
    return read_notes([crop_rgb], config)[0]
