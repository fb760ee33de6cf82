"""Small text metrics shared by the benchmarks."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

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


def visible_edits(pred: str, truth: str, hidden: Sequence[int]) -> tuple[int, int]:
    """(edits, characters) of a reading counted on the truth's visible letters only: the
    letters at `hidden` (indices in truth, truth.hidden_chars: under a sticker or another
    note, out of the frame) cannot be read by anyone. The reading is aligned to the truth
    with the fewest edits (the usual CER's); among such alignments, the one that puts the
    most edits on hidden letters (what a person comparing them would say). An edit counts
    when it replaces or drops a visible letter, or inserts a character not next to a
    hidden one. A space beside a hidden letter counts as hidden."""
    p, t = normalise_for_cer(pred), normalise_for_cer(truth)
    if len(t) != len(truth):  # normalising moved the letters: the indices say nothing
        hidden = ()
    gone = [i in set(hidden) for i in range(len(t))]
    # a space beside a hidden letter goes with it (a hidden word is dropped with its space)
    gone = [
        g or (c == " " and ((i > 0 and gone[i - 1]) or (i + 1 < len(t) and gone[i + 1])))
        for i, (g, c) in enumerate(zip(gone, t, strict=True))
    ]
    # cost[i][j]: (edits, visible edits) aligning t[:i] with p[:j]
    inf = (1 << 30, 1 << 30)
    cost = [[inf] * (len(p) + 1) for _ in range(len(t) + 1)]
    cost[0][0] = (0, 0)
    for i in range(len(t) + 1):
        for j in range(len(p) + 1):
            e, v = cost[i][j]
            if e == inf[0]:
                continue
            steps = []
            if i < len(t) and j < len(p):
                same = t[i] == p[j]
                steps.append((i + 1, j + 1, 0 if same else 1, 0 if same or gone[i] else 1))
            if i < len(t):
                steps.append((i + 1, j, 1, 0 if gone[i] else 1))
            if j < len(p):
                near = (i > 0 and gone[i - 1]) or (i < len(t) and gone[i])
                steps.append((i, j + 1, 1, 0 if near else 1))
            for a, b, de, dv in steps:
                cost[a][b] = min(cost[a][b], (e + de, v + dv))
    return cost[len(t)][len(p)][1], len(t) - sum(gone)
