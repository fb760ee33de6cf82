"""OCR character error rate per handwriting font, on note crops rendered here with PIL.

Independent of the sample generator on purpose: the crops mimic what the note stage hands
to OCR (an upright, rectified note at a few px/mm, slightly rotated writing, uneven light,
blur, noise, JPEG), so the OCR stage can be measured and tuned alone.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from rich.table import Table

from capture.bench.metrics import char_edits
from capture.core.config import CONFIG
from capture.kit.fonts import find_font, load_font
from capture.vision.ocr import load_engine

# Handwriting-like fonts from Debian packages (plus DejaVu as a printed-text control).
FONTS = {
    "Comic Neue": "ComicNeue-Regular.otf",
    "Humor Sans": "Humor-Sans.ttf",
    "Breip": "Breip.ttf",
    "Dancing Script": "DancingScript-Regular.otf",
    "DejaVu Sans (control)": "DejaVuSans.ttf",
}

# Short French phrases of the kind written on workshop notes (own list, not the generator's).
PHRASES = (
    "Former les acheteurs",
    "Sourcing fournisseurs locaux",
    "Clauses sociales partout",
    "Coût global sur la durée",
    "Mutualiser les achats",
    "Allotir plus finement",
    "Transparence",
    "Équité",
    "Confiance",
    "Dialogue avec les entreprises",
    "Suivi des marchés après notification",
    "Critères environnementaux réels",
    "Achat de seconde main",
    "Réduire les emballages",
    "Circuits courts à la cantine",
    "Labels vérifiés",
    "Un référent achats durables",
    "Sobriété",
    "Évaluer l'impact carbone",
    "Partager les bonnes pratiques",
    "Calendrier plus long",
    "Insertion professionnelle",
    "Réparer avant de racheter",
    "Solidarité",
    "Responsabilité",
    "Innovation sociale",
)
NOTE_COLOURS = {  # sRGB of paper notes (calibration/colors.yaml)
    "yellow": (255, 238, 110),
    "pink": (255, 128, 178),
    "orange": (255, 168, 72),
    "green": (168, 228, 128),
    "blue": (118, 198, 238),
}
INKS = ((20, 20, 24), (24, 40, 140), (20, 80, 40), (150, 24, 30), (60, 30, 110))


@dataclass(frozen=True)
class NoteCrop:
    image: np.ndarray  # RGB uint8
    text: str
    font: str


def writable(text: str, font) -> str:
    """Text as a person would write it with this font's glyphs: a letter the font lacks
    (an accented capital in some handwriting fonts) is written without its accent."""
    out = []
    for ch in text:
        if ch.isspace() or font.getmask(ch).getbbox() is not None:
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFD", ch)[0])
    return "".join(out)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def render_note_crop(
    text: str,
    font_file: str,
    rng: np.random.Generator,
    px_per_mm: float = 5.0,
    note_mm: float = 76.0,
    level: str = "medium",
) -> np.ndarray:
    """A rectified sticky-note crop (RGB uint8) carrying `text` in a marker-pen size.

    `text` must already be `writable` in the font (make_crops does it)."""
    hard = level == "hard"
    ss = 3  # supersample, then resample down like a rectification would
    side = round(note_mm * px_per_mm * ss)
    paper = np.array(NOTE_COLOURS[rng.choice(list(NOTE_COLOURS))], float)
    ink = INKS[int(rng.integers(len(INKS)))]
    canvas = Image.new("L", (side, side), 0)  # ink coverage layer
    draw = ImageDraw.Draw(canvas)
    cap_mm = rng.uniform(5.5, 9.0) if not hard else rng.uniform(4.5, 8.0)
    size = int(cap_mm * px_per_mm * ss / 0.72)
    while True:
        font = load_font(font_file, size)
        lines = _wrap(draw, text, font, side * 0.86)
        line_h = size * 1.18
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (len(lines) * line_h <= side * 0.84 and widest <= side * 0.9) or size < 10:
            break
        size = int(size * 0.9)
    y = (side - len(lines) * line_h) / 2 + rng.uniform(-0.04, 0.04) * side
    stroke = max(0, round(size * rng.uniform(0.0, 0.035)))  # felt pens draw thick
    for line in lines:
        lw = draw.textlength(line, font=font)
        x = (side - lw) / 2 + rng.uniform(-0.05, 0.05) * side
        draw.text((x, y), line, fill=255, font=font, stroke_width=stroke, stroke_fill=255)
        y += line_h * rng.uniform(0.95, 1.08)
    angle = rng.uniform(-6, 6) if not hard else rng.uniform(-10, 10)
    canvas = canvas.rotate(angle, resample=Image.BICUBIC, center=(side / 2, side / 2))
    canvas = canvas.resize((side // ss, side // ss), Image.LANCZOS)
    cov = np.asarray(canvas, float)[..., None] / 255.0 * rng.uniform(0.8, 0.97)
    img = paper * (1 - cov) + np.array(ink, float) * cov
    h = img.shape[0]
    # uneven light: a linear gradient, a colour cast, a soft shadow band from an edge
    yy, xx = np.mgrid[0:h, 0:h] / h
    gx, gy = rng.uniform(-0.25, 0.25, 2)
    light = 1.0 - (0.18 if not hard else 0.3) * np.clip(
        0.5 + gx * (xx - 0.5) * 2 + gy * (yy - 0.5) * 2, 0, 1
    )
    cast = rng.uniform(0.88, 1.05, 3) if not hard else rng.uniform(0.75, 1.1, 3)
    img = img * light[..., None] * cast * rng.uniform(0.75, 1.0)
    img += rng.normal(0, 4.0 if not hard else 8.0, img.shape)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    pil = pil.filter(
        ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1) if not hard else rng.uniform(0.8, 1.6))
    )
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=int(rng.integers(60, 86)))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def make_crops(
    count_per_font: int,
    seed: int,
    level: str = "medium",
    px_per_mm: float = 5.0,
    fonts: dict[str, str] = FONTS,
) -> list[NoteCrop]:
    rng = np.random.default_rng(seed)
    crops = []
    for name, file in fonts.items():
        find_font(file)
        for _ in range(count_per_font):
            n = int(rng.integers(1, 4))
            text = " ".join(str(p) for p in rng.choice(PHRASES, n, replace=False))[:90]
            text = writable(" ".join(text.split()[:7]), load_font(file, 40))
            crops.append(
                NoteCrop(render_note_crop(text, file, rng, px_per_mm, level=level), text, name)
            )
    return crops


BANDS = (2.0, 3.0, 5.0)  # px per mm in the photo: the low end the pipeline still reads, up


def band_crops(
    count_per_font: int, seed: int, level: str, bands: tuple[float, ...] = BANDS,
    fonts: dict[str, str] = FONTS,
) -> list[tuple[float, NoteCrop]]:
    """Crops as the note stage hands them to OCR: rendered at each band's resolution (as the
    photo saw the note), then resampled to NotesConfig.crop_px_per_mm like its warp."""
    out = []
    for k, band in enumerate(bands):
        for c in make_crops(count_per_font, seed + 1000 * k, level, band, fonts):
            side = round(c.image.shape[0] * CONFIG.notes.crop_px_per_mm / band)
            img = cv2.resize(c.image, (side, side), interpolation=cv2.INTER_CUBIC)
            out.append((band, replace(c, image=img)))
    return out


@dataclass(frozen=True)
class EngineRun:
    texts: list[str]
    ms_per_note: list[float]  # per batch (a "photo"): CPU ms over its notes, one thread
    peak_mb: float  # peak resident memory of the reading process, Tesseract's included


def _engine_run(engine: str, languages: str, jpegs: list[bytes], batch: int) -> EngineRun:
    """In a fresh process: load `engine` (one thread), read the crops `batch` at a time."""
    config = replace(CONFIG.ocr, engine=engine, languages=languages)
    eng = load_engine(config, 1)
    texts: list[str] = []
    ms: list[float] = []
    for i in range(0, len(jpegs), batch):
        imgs = [np.asarray(Image.open(io.BytesIO(b)).convert("RGB")) for b in jpegs[i : i + batch]]
        t0 = os.times()
        texts += [r.text for r in eng.read(imgs)]
        t1 = os.times()
        cpu = sum(t1[:4]) - sum(t0[:4])  # user + system, own and Tesseract's processes
        ms.append(1000 * cpu / len(imgs))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return EngineRun(texts, ms, (own + child) / 1024)


def _accent_words(text: str) -> list[str]:
    return [w for w in _words(text) if any(ord(ch) > 127 for ch in w)]


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?'\"«»()") for w in unicodedata.normalize("NFC", text).casefold().split()]


def _strip_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )


def compare_engines(
    count: int, seed: int, level: str, languages: str, engines: tuple[str, ...],
    batch: int = 8, console: object | None = None,
) -> dict:
    """`capture bench ocr`: the same rendered crops read by each engine, each in its own
    process (one thread, so its peak memory is its own): CER per font and per band,
    accented words, CPU ms per note, peak memory. Returns the figures, prints tables."""
    crops = band_crops(count, seed, level)
    jpegs = []
    for _, c in crops:
        buf = io.BytesIO()
        Image.fromarray(c.image).save(buf, "JPEG", quality=92)
        jpegs.append(buf.getvalue())
    runs: dict[str, EngineRun] = {}
    for engine in engines:  # one after the other: they do not compete for the cores
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            runs[engine] = pool.submit(_engine_run, engine, languages, jpegs, batch).result()
    cer = {
        e: [char_edits(t, c.text) for t, (_, c) in zip(r.texts, crops, strict=True)]
        for e, r in runs.items()
    }

    def cell(engine: str, idx: list[int]) -> str:
        pairs = [cer[engine][i] for i in idx]
        per_note = [e / max(n, 1) for e, n in pairs]
        return f"{100 * np.mean(per_note):.1f} / {100 * np.median(per_note):.1f} %"

    title = f"OCR on rendered note crops: level {level}, {count} per font and band, seed {seed}"
    groups = [("font", name, [i for i, (_, c) in enumerate(crops) if c.font == name])
              for name in dict.fromkeys(c.font for _, c in crops)]
    groups += [("px/mm", f"{band:g} px/mm", [i for i, (b, _) in enumerate(crops) if b == band])
               for band in dict.fromkeys(b for b, _ in crops)]
    hand = [i for i, (_, c) in enumerate(crops) if "control" not in c.font]
    groups.append(("all", "all handwriting fonts", hand))
    table = Table(title=title + " (CER mean / median per note)")
    table.add_column("crops")
    table.add_column("notes", justify="right")
    for e in engines:
        table.add_column(e, justify="right")
    figures: dict = {"cer": {}, "accents": {}, "ms_per_note": {}, "peak_mb": {}}
    for _, label, idx in groups:
        table.add_row(label, str(len(idx)), *[cell(e, idx) for e in engines])
        figures["cer"][label] = {
            e: float(np.mean([cer[e][i][0] / max(cer[e][i][1], 1) for i in idx]))
            for e in engines
        }
    if console is not None:
        console.print(table)
    table = Table(title="accents, speed, memory (one thread)")
    for col in ("engine", "accented words read exactly", "accent lost only",
                "ms / note, median", "mean", "peak memory"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    for e, r in runs.items():
        exact = lost = total = 0
        for t, (_, c) in zip(r.texts, crops, strict=True):
            read = _words(t)
            plain = [_strip_accents(w) for w in read]
            for w in _accent_words(c.text):
                total += 1
                exact += w in read
                lost += w not in read and _strip_accents(w) in plain
        figures["accents"][e] = exact / max(total, 1)
        figures["ms_per_note"][e] = float(np.median(r.ms_per_note))
        figures["peak_mb"][e] = r.peak_mb
        table.add_row(e, f"{exact}/{total} ({100 * exact / max(total, 1):.0f} %)", str(lost),
                      f"{np.median(r.ms_per_note):.0f}", f"{np.mean(r.ms_per_note):.0f}",
                      f"{r.peak_mb:.0f} MB")
    if console is not None:
        console.print(table)
    return figures
