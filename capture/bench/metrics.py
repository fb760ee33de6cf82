"""Small text metrics shared by the benchmarks."""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    return int(Levenshtein.distance(a, b))


def normalise_for_cer(text: str) -> str:
    """Case-insensitive, whitespace-collapsed, NFC (accents count: "é" != "e")."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def char_edits(pred: str, truth: str) -> tuple[int, int]:
    """(edits, truth length) after normalisation; CER = sum(edits) / sum(lengths)."""
    p, t = normalise_for_cer(pred), normalise_for_cer(truth)
    return levenshtein(p, t), len(t)
