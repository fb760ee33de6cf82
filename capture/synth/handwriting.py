"""Handwritten-looking French text on sticky notes: phrases, fonts, and the note's raster.

Text is drawn with Debian handwriting fonts, then bent by a smooth random displacement
field and thickened like a felt-tip marker, so that it is not typographically perfect.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from capture.kit.fonts import find_font
from capture.synth.palette import INKS

# Action ideas placed on the mire (impact x échéance grid).
ACTION_PHRASES = (
    "Sourcer local",
    "Former les acheteurs",
    "Clauses d'insertion",
    "Coût global",
    "Allotir plus fin",
    "Sourcing fournisseurs",
    "Critère carbone",
    "Bio à la cantine",
    "Mutualiser les achats",
    "Labels fiables",
    "Réemploi du mobilier",
    "Suivi des clauses",
    "Guide achats durables",
    "Dialogue avec les PME",
    "Acheter moins",
    "Réparer avant d'acheter",
    "Variantes environnementales",
    "Marchés réservés",
    "Référent durable",
    "Bilan annuel",
    "Circuits courts",
    "Clause sociale",
    "Formation des élus",
    "Plateforme PME",
    "Contrôle à l'exécution",
    "Critère prix 40 %",
    "Achats groupés",
    "Sensibiliser",
    "Charte fournisseurs",
    "Éco-conception",
)

# Values named by participants on the story boards.
VALUE_PHRASES = (
    "Solidarité",
    "Équité",
    "Transparence",
    "Sobriété",
    "Confiance",
    "Proximité",
    "Durabilité",
    "Responsabilité",
    "Justice sociale",
    "Coopération",
    "Respect",
    "Bien commun",
    "Innovation",
    "Territoire",
    "Insertion",
    "Dignité",
    "Exemplarité",
    "Long terme",
    "Partage",
    "Intérêt général",
    "Écologie",
    "Courage",
    "Ouverture",
    "Cohérence",
    "Humanité",
    "Qualité",
    "Prudence",
    "Lien social",
    "Sincérité",
    "Audace",
)

# Remarks on the purchasing process columns.
PROCESS_PHRASES = (
    "Trop long",
    "Délais serrés",
    "Qui valide ?",
    "Pas de sourcing",
    "Cahier type",
    "Relire les clauses",
    "3 mois !",
    "Avis juridique",
    "Peu de réponses",
    "Prix seul critère",
    "Pas de suivi",
    "Réunion de lancement",
    "Visite sur site",
    "Grille d'analyse",
    "Questions des candidats",
    "Notification tardive",
    "Pénalités jamais appliquées",
    "Besoin mal défini",
    "Copier-coller",
    "Échanger en amont",
    "Bilan fournisseur",
    "Avenants fréquents",
    "Dossier trop lourd",
    "Offres PME rares",
    "Mémoire technique",
    "Jury d'analyse",
    "Négociation ?",
    "Critères flous",
    "Retour aux candidats",
    "Sous-traitance",
    "Revue de contrat",
    "Bons de commande",
    "Délai de paiement",
    "Clause de révision",
    "Signature électronique",
    "Profil acheteur",
    "Marché infructueux",
    "Veille juridique",
    "Retards de livraison",
    "Recours possible",
    "Enquête satisfaction",
    "Rapport de présentation",
    "Trop de papier",
    "Besoin urgent",
)

# (file name, weight class) of Debian handwriting fonts: fonts-comic-neue, fonts-humor-sans,
# fonts-breip, fonts-dancingscript.
HAND_FONTS = (
    "ComicNeue-Regular.otf",
    "ComicNeue-Bold.otf",
    "ComicNeue-Light.otf",
    "ComicNeue-Italic.otf",
    "Humor-Sans.ttf",
    "Breip.ttf",
    "DancingScript-Regular.otf",
    "DancingScript-Bold.otf",
)


@lru_cache(maxsize=128)
def _font(filename: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font(filename)), max(4, size_px))


@lru_cache(maxsize=64)
def _cap_ratio(filename: str) -> float:
    """Cap height as a fraction of the font size."""
    top, bottom = _font(filename, 200).getbbox("H")[1::2]
    return (bottom - top) / 200


@lru_cache(maxsize=4096)
def font_supports(filename: str, text: str) -> bool:
    """True when every character has a real glyph (Humor Sans has no accents)."""
    font = _font(filename, 40)
    missing = np.asarray(font.getmask("\ue000"))
    return all(
        c.isspace() or not np.array_equal(np.asarray(font.getmask(c)), missing) for c in set(text)
    )


@dataclass(frozen=True)
class Handwriting:
    """How one note is written (all lengths in mm)."""

    lines: tuple[str, ...]
    font: str
    ink: tuple[int, int, int]
    ink_name: str
    cap_mm: float
    stroke_mm: float  # extra thickening: 0 for a pen, up to ~0.8 for a marker
    slant: float  # shear
    line_tilt_deg: tuple[float, ...]
    offset_mm: tuple[float, float]
    align_center: bool
    wobble_seed: int
    dry: float = 0.0  # 0: even ink .. 0.6: a marker running dry (patchy, paler strokes)
    jitter: float = 0.0  # per-word size (relative std), baseline and tilt irregularity
    underline: bool = False  # the writer underlined the last line

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def split_lines(words: list[str], n_lines: int) -> tuple[str, ...]:
    """Break words into n_lines lines (at most one per word), the longest as short as can be."""
    n_lines = max(1, min(n_lines, len(words)))
    best: tuple[str, ...] = (" ".join(words),)
    best_len = len(best[0]) + 1
    for cuts in combinations(range(1, len(words)), n_lines - 1):
        bounds = (0, *cuts, len(words))
        lines = tuple(" ".join(words[a:b]) for a, b in pairwise(bounds))
        longest = max(len(li) for li in lines)
        if longest < best_len:
            best, best_len = lines, longest
    return best


def pick_handwriting(phrase: str, rng: np.random.Generator) -> Handwriting:
    """Random writer for a phrase: font, ink, size, layout."""
    fonts = [f for f in HAND_FONTS if font_supports(f, phrase)]
    font = fonts[rng.integers(len(fonts))]
    words = phrase.split()
    # people break long phrases over lines rather than writing tiny
    wanted = 1 if len(phrase) <= 9 else 2 if len(phrase) <= 18 else 3
    n_lines = int(np.clip(wanted + rng.choice([-1, 0, 0, 0, 0, 1]), 1, 3)) if len(words) > 1 else 1
    lines = split_lines(words, n_lines)
    ink_name, ink = INKS[rng.integers(len(INKS))]
    marker = rng.random() < 0.65 and "Bold" not in font
    return Handwriting(
        lines=lines,
        font=font,
        ink=ink,
        ink_name=ink_name,
        cap_mm=float(12.0 - 6.0 * rng.beta(1.2, 2.0)),  # 6-12 mm, mostly the larger sizes
        stroke_mm=float(rng.uniform(0.35, 1.0) if marker else 0.0),  # felt-tip to chisel tip
        slant=float(rng.normal(0, 0.08)),
        line_tilt_deg=tuple(float(rng.normal(0, 2.5)) for _ in lines),
        offset_mm=(float(rng.normal(0, 2.5)), float(rng.normal(0, 4.0))),
        align_center=bool(rng.random() < 0.7),
        wobble_seed=int(rng.integers(2**31)),
        dry=float(rng.uniform(0.2, 0.6) if marker and rng.random() < 0.25 else 0.0),
        jitter=float(rng.uniform(0.03, 0.12)),
        underline=bool(rng.random() < 0.08),
    )


def _wobble(mask: np.ndarray, ppm: float, seed: int, nearest: bool = False) -> np.ndarray:
    """Bend strokes with a smooth random displacement (about 0.6 mm); nearest: the pixels
    are labels (char_labels), moved without blending."""
    h, w = mask.shape
    rng = np.random.default_rng(seed)
    gh, gw = 6, 6
    amp = 0.6 * ppm
    dx = cv2.resize(
        rng.normal(0, amp, (gh, gw)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    dy = cv2.resize(
        rng.normal(0, amp, (gh, gw)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    how = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.remap(mask, xs + dx, ys + dy, how, borderMode=cv2.BORDER_CONSTANT)


def text_mask(hw: Handwriting, size_px: int, ppm: float) -> np.ndarray:
    """Ink coverage (float32 0-1) on a size_px square note, text as written by `hw`.

    The text block is laid out on a larger scratch canvas, measured by its actual ink
    (script swashes and descenders included), shrunk if it would not fit in the note's
    inner 88 %, then placed at its offset: the whole text always stays on the note.
    """
    canvas = _place_block(hw, size_px, ppm, _text_block(hw, size_px, ppm)[0])
    canvas = np.clip(canvas * 1.15, 0, 1)
    if hw.dry > 0:  # patchy ink along the strokes: a smooth field plus streaks
        rng = np.random.default_rng(hw.wobble_seed + 7)
        field = cv2.resize(
            rng.uniform(0, 1, (5, 9)).astype(np.float32),
            (size_px, size_px),
            interpolation=cv2.INTER_CUBIC,
        )
        streak = cv2.resize(
            rng.uniform(0, 1, (size_px // 3 + 1, 1)).astype(np.float32),
            (size_px, size_px),
            interpolation=cv2.INTER_LINEAR,
        )
        canvas *= np.clip(1 - hw.dry * (0.6 * field + 0.4 * streak), 0.25, 1)
    return canvas


def _place_block(
    hw: Handwriting, size_px: int, ppm: float, block: np.ndarray, labels: np.ndarray | None = None
) -> np.ndarray:
    """The text block (_text_block) cut to its ink, shrunk to fit, placed at its offset on
    the note, bent and thickened like the pen. `labels` (which character each pixel of the
    block is, char_labels) go through the same steps, nearest-neighbour, and are returned
    instead of the ink."""
    ys, xs = np.nonzero(block > 0.05)
    out = labels if labels is not None else block
    canvas = np.zeros((size_px, size_px), out.dtype)
    nearest = labels is not None
    if len(xs):
        out = out[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        room = 0.88 * size_px
        k = min(1.0, room / out.shape[1], room / out.shape[0])
        if k < 1.0:
            out = cv2.resize(
                out,
                (max(1, int(out.shape[1] * k)), max(1, int(out.shape[0] * k))),
                interpolation=cv2.INTER_NEAREST if nearest else cv2.INTER_AREA,
            )
        bh, bw = out.shape
        lo, hi_x, hi_y = 0.06 * size_px, 0.94 * size_px - bw, 0.94 * size_px - bh
        ox, oy = hw.offset_mm[0] * ppm, hw.offset_mm[1] * ppm
        x = (size_px - bw) / 2 + ox if hw.align_center else 0.08 * size_px + ox
        y = (size_px - bh) / 2 + oy
        x, y = int(min(max(x, lo), max(lo, hi_x))), int(min(max(y, lo), max(lo, hi_y)))
        _paste_max(canvas, out, x, y)
    canvas = _wobble(canvas, ppm, hw.wobble_seed, nearest)
    grow = hw.stroke_mm * ppm / 2  # felt-tip: strokes a little wider than the font's
    if grow >= 0.5:
        k = round(grow) * 2 + 1
        canvas = cv2.dilate(canvas, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return canvas


def char_labels(hw: Handwriting, size_px: int, ppm: float) -> np.ndarray:
    """Which character of hw.text each pixel of the note's writing is (text_mask's layout):
    0 for no character, i + 1 for hw.text[i] (where glyphs overlap, the later one). The
    truth uses it to tell which letters a sticker or another note hides (no reader can
    read those)."""
    block, labels = _text_block(hw, size_px, ppm, with_labels=True)
    return _place_block(hw, size_px, ppm, block, labels)


def _text_block(
    hw: Handwriting, size_px: int, ppm: float, with_labels: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """The lines as written (size, tilt, slant), centred on a scratch canvas twice the note;
    with_labels: also which character each pixel is (char_labels; None otherwise)."""
    size = hw.cap_mm * ppm / _cap_ratio(hw.font)
    font = _font(hw.font, int(size))
    widest = max(font.getlength(li) for li in hw.lines)
    if widest > 0.84 * size_px:  # people write smaller when the word is long
        size *= 0.84 * size_px / widest
        font = _font(hw.font, int(size))
    step = size * 1.15
    n = 2 * size_px
    canvas = np.zeros((n, n), np.float32)
    labels = np.zeros((n, n), np.uint8) if with_labels else None
    y = (n - (step * (len(hw.lines) - 1) + size)) / 2
    jr = np.random.default_rng(hw.wobble_seed + 3)  # per-word irregularity, fixed per writer
    ascent = font.getmetrics()[0]
    first = 0  # index in hw.text of the line's first character
    for i, (line, tilt) in enumerate(zip(hw.lines, hw.line_tilt_deg, strict=True)):
        words = line.split(" ")
        sizes = [size * float(np.clip(1 + jr.normal(0, hw.jitter), 0.8, 1.25)) for _ in words]
        fonts = [_font(hw.font, int(sz)) if hw.jitter > 0 else font for sz in sizes]
        gap = font.getlength(" ") * float(jr.uniform(0.8, 1.4))
        widths = [f.getlength(wd) for f, wd in zip(fonts, words, strict=True)]
        lw = sum(widths) + gap * (len(words) - 1)
        pad = int(size * 0.6)
        im = Image.new("L", (int(lw) + 2 * pad, int(size * 1.5) + 2 * pad), 0)
        draw = ImageDraw.Draw(im)
        lab = _LineLabels(im.size, first) if labels is not None else None
        x = float(pad)
        for f, wd, wdt in zip(fonts, words, widths, strict=True):
            # baselines aligned (ascent difference), then the hand's own wander
            dy = ascent - f.getmetrics()[0] + jr.normal(0, hw.jitter * 0.6 * size)
            draw.text((x, pad + dy), wd, font=f, fill=255)
            if lab is not None:
                lab.word((x, pad + dy), wd, f)
            x += wdt + gap
        if hw.underline and i == len(hw.lines) - 1:
            uy = pad + ascent + size * 0.18
            draw.line(
                [(pad, uy + jr.normal(0, size * 0.03)), (pad + lw, uy + jr.normal(0, size * 0.05))],
                fill=255,
                width=max(1, round(size * 0.07)),
            )
        im = im.rotate(tilt, resample=Image.BILINEAR, expand=False)
        x = (n - lw) / 2 if hw.align_center else n / 4
        _paste_max(canvas, np.asarray(im, np.float32) / 255, int(x) - pad, int(y) - pad)
        if lab is not None and labels is not None:
            turned = lab.image.rotate(tilt, resample=Image.NEAREST, expand=False)
            _paste_max(labels, np.asarray(turned, np.uint8), int(x) - pad, int(y) - pad)
        y += step
        first += len(line) + 1
    if abs(hw.slant) > 1e-3:
        shear = np.float32([[1, -hw.slant, hw.slant * n / 2], [0, 1, 0]])
        canvas = cv2.warpAffine(canvas, shear, (n, n), flags=cv2.INTER_LINEAR)
        if labels is not None:
            labels = cv2.warpAffine(labels, shear, (n, n), flags=cv2.INTER_NEAREST)
    return canvas, labels


class _LineLabels:
    """One written line's character labels (char_labels), drawn glyph by glyph where the
    word draws them (each at its advance in the word), unblended."""

    def __init__(self, size: tuple[int, int], first: int) -> None:
        self.image = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.image)
        self.draw.fontmode = "1"
        self.at = first  # index in the text of the next character drawn

    def word(self, xy: tuple[float, float], word: str, font: ImageFont.FreeTypeFont) -> None:
        for j, ch in enumerate(word):
            x = xy[0] + font.getlength(word[:j])
            self.draw.text((x, xy[1]), ch, font=font, fill=min(self.at + j + 1, 255))
        self.at += len(word) + 1


def _paste_max(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    h, w = dst.shape
    sh, sw = src.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + sw), min(h, y + sh)
    if x1 <= x0 or y1 <= y0:
        return
    region = src[y0 - y : y1 - y, x0 - x : x1 - x]
    np.maximum(dst[y0:y1, x0:x1], region, out=dst[y0:y1, x0:x1])
