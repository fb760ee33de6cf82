"""Small text metrics shared by the benchmarks."""

from __future__ import annotations

import unicodedata


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), O(len(a) * len(b))."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def normalise_for_cer(text: str) -> str:
    """Case-insensitive, whitespace-collapsed, NFC (accents count: "é" != "e")."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def char_edits(pred: str, truth: str) -> tuple[int, int]:
    """(edits, truth length) after normalisation; CER = sum(edits) / sum(lengths)."""
    p, t = normalise_for_cer(pred), normalise_for_cer(truth)
    return levenshtein(p, t), len(t)
