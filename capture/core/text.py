"""What every OCR engine shares: the result types (OcrLine, OcrResult, EngineInfo, the
OcrEngine protocol), the text cleaning both engines apply, and the text distance and medoid
the session merge uses to fuse readings across photos.

They live in core so the engine wrappers (capture.tools) and the merge (capture.interpret)
need not import the OCR seam (capture.vision.ocr), which chooses and loads an engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz.distance import Levenshtein

from capture.core.config import CONFIG
from capture.core.model import OcrLine


@dataclass(frozen=True)
class OcrResult:
    text: str  # cleaned, one line
    raw_text: str  # what the engine returned, line breaks kept
    confidence: float | None  # in [0, 1]; None when nothing was read
    lines: tuple[OcrLine, ...] = ()  # per line, top to bottom (empty: the engine gives none)


EMPTY = OcrResult("", "", None)


def read_weight(o: OcrResult) -> float:
    """How much a reading says: its characters weighted by its confidence. Of two readings
    of the same writing, the one that says more wins: a reading that misses a line, cuts a
    word or reads a crop turned the wrong way reads fewer characters, and those with a
    lower confidence."""
    return len(o.text.strip()) * float(o.confidence or 0.0)


def from_lines(lines: Sequence[OcrLine]) -> OcrResult:
    """A note's result from its lines in reading order: text cleaned, the confidence the
    mean line confidence weighted by characters; EMPTY when nothing is left."""
    kept = tuple(ln for ln in lines if ln.text.strip())
    raw = "\n".join(ln.text for ln in kept)
    text = clean_text(raw)
    if not text:
        return EMPTY
    weights = [max(len(ln.text), 1) for ln in kept]
    conf = float(np.average([ln.confidence for ln in kept], weights=weights))
    return OcrResult(text, raw, round(conf, 3), kept)


@dataclass(frozen=True)
class EngineInfo:
    """What `capture models` and the run log say about an engine."""

    name: str  # "ppocr" | "tesseract"
    version: str  # of the library / program
    models: tuple[str, ...]  # model files (or folders) it reads with


class OcrEngine(Protocol):
    """An OCR engine: reads upright RGB note crops, one OcrResult per crop (EMPTY when the
    crop is blank, tiny or None)."""

    name: str

    def read(self, crops: Sequence[np.ndarray | None]) -> list[OcrResult]: ...

    def info(self) -> EngineInfo: ...


_HYPHEN_BREAK = re.compile(r"(\w)[-‐‑]\s*\n\s*(\w)")
_EDGE_NOISE = "|_~`^*\\/<>[]{}=#@°¦•·"
# Kept as a word of their own: punctuation French spaces off, and signs a note writes alone
# ("Revenue $", "Information = Power"). "=" is also edge noise, so a lone sign is taken as
# it is before the noise is stripped off (it was stripped to nothing and dropped).
_KEEP_ALONE = {"?", "!", ":", ";", "&", "%", "€", "$", "£", "+", "«", "»", "=", "→", "-"}


def clean_text(raw: str, max_chars: int = CONFIG.limits.text_max_chars) -> str:
    """One clean line from raw OCR text.

    Joins words hyphenated across a line break ("dévelop-\\npement" -> "développement"),
    turns line breaks into spaces, drops tokens that are only punctuation noise (a lone
    "?" or ":" is kept: French puts a space before them; so are a lone "$", "=" or "+"),
    strips noise characters from
    token edges, collapses whitespace and cuts to `max_chars`.
    """
    # Typographic apostrophes as typed on a keyboard ("d’insertion" -> "d'insertion").
    text = _HYPHEN_BREAK.sub(r"\1\2", raw.replace("\r", "").replace("’", "'").replace("‘", "'"))
    tokens = []
    for tok in text.split():
        if tok not in _KEEP_ALONE:
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


def text_distance(a: str, b: str) -> float:
    """Levenshtein distance over the longer length, ignoring case: 0 same, 1 nothing shared."""
    return Levenshtein.normalized_distance(a.casefold(), b.casefold())


def medoid(texts: list[str], confidences: list[float | None]) -> int:
    """Index of the text closest to all the others (least summed text_distance); the more
    confident one breaks a tie."""
    return min(
        range(len(texts)),
        key=lambda i: (
            sum(text_distance(texts[i], t) for t in texts) - 1e-3 * (confidences[i] or 0.0)
        ),
    )
