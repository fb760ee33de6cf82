"""OCR character error rate per handwriting font, on note crops rendered here with PIL.

Independent of the sample generator on purpose: the crops mimic what the note stage hands
to OCR (an upright, rectified note at a few px/mm, slightly rotated writing, uneven light,
blur, noise, JPEG), so the OCR stage can be measured and tuned alone.
"""

from __future__ import annotations

import io
import time
import unicodedata
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from capture.bench.metrics import char_edits
from capture.config import CONFIG, OcrConfig
from capture.kit.fonts import find_font, load_font

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


@dataclass
class FontScore:
    font: str
    notes: int
    edits: int
    chars: int
    seconds: float

    @property
    def cer(self) -> float:
        return self.edits / self.chars if self.chars else 0.0


def measure(crops: list[NoteCrop], config: OcrConfig = CONFIG.ocr) -> dict[str, FontScore]:
    """CER per font (sum of edits / sum of truth lengths, case-insensitive)."""
    from capture.pipeline.ocr import read_note

    scores: dict[str, FontScore] = {}
    for c in crops:
        t0 = time.perf_counter()
        res = read_note(c.image, config)
        dt = time.perf_counter() - t0
        e, n = char_edits(res.text, c.text)
        s = scores.setdefault(c.font, FontScore(c.font, 0, 0, 0, 0.0))
        s.notes += 1
        s.edits += e
        s.chars += n
        s.seconds += dt
    return scores


def with_options(config: OcrConfig, **kw: object) -> OcrConfig:
    return replace(config, **kw)


def print_report(
    count: int, seed: int, level: str, px_per_mm: float, languages: str | None, console: object
) -> dict[str, FontScore]:
    """`capture bench ocr`: render, read, print CER per font."""
    from rich.table import Table

    from capture.tools.tesseract import check_tesseract

    config = CONFIG.ocr if not languages else replace(CONFIG.ocr, languages=languages)
    check_tesseract(config.languages)
    crops = make_crops(count, seed, level, px_per_mm)
    scores = measure(crops, config)
    table = Table(
        title=f"OCR on rendered note crops (level {level}, {px_per_mm:g} px/mm, "
        f"{count} per font, seed {seed}, {config.languages})"
    )
    for col in ("font", "notes", "chars", "CER", "s/note"):
        table.add_column(col, justify="left" if col == "font" else "right")
    hand = [s for name, s in scores.items() if "control" not in name]
    for s in scores.values():
        table.add_row(
            s.font,
            str(s.notes),
            str(s.chars),
            f"{100 * s.cer:.1f} %",
            f"{s.seconds / max(1, s.notes):.2f}",
        )
    e, n = sum(s.edits for s in hand), sum(s.chars for s in hand)
    table.add_row(
        "[bold]all handwriting fonts",
        str(sum(s.notes for s in hand)),
        str(n),
        f"[bold]{100 * e / max(1, n):.1f} %",
        "",
    )
    console.print(table)
    return scores
