"""Word-level decoding of a CTC recogniser's output with the languages' word lists.

The recogniser (PP-OCRv6, capture.tools.ppocr) gives, per time step of a line, the
probability of each character and of the CTC blank; the line is read greedily (the most
probable character per step, repeats and blanks removed). In a hard hand a word comes out
one or two letters off ("INACMATION"). Here each word of the greedy reading that is not a
word of the lists is compared, under the recogniser's own output, with the words of the
lists within a small edit distance of it: each reading's probability over the word's time
steps is the CTC forward sum (every alignment of its letters to those steps), and a word
of the list replaces the reading only when the recogniser finds it nearly as probable
(WordsConfig.ratio). A word with a letter the lists never write ("œ": their French list
has "coeur") is left as read. The lists say which strings are words; the recogniser says which of
them the ink shows.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_FLOOR = 1e-30  # probabilities under this are taken as this (log of zero)
_CORE = re.compile(r"^(\W*)(\w+(?:[-'’]\w+)*)(\W*)$")


@dataclass(frozen=True)
class WordsConfig:
    """The decoder's settings (capture.core.config.PpocrConfig holds the defaults)."""

    ratio: float  # a list word replaces the reading when P(word) >= ratio x P(reading)
    max_dist: Sequence[int]  # edits allowed: max_dist[i] for a word of min_len + i letters..
    min_len: int  # shorter words (and capitals of up to caps_len letters) are left as read,
    # and no shorter list word is a candidate
    caps_len: int
    min_count: int  # list words seen fewer times in the lists' corpora are not candidates
    limit: int  # candidates scored per word (the nearest by edit distance)
    # a space the recogniser put in a word or left out between two (None: never mended):
    # a reading's two pieces joined, or a word split in two, when that is a word, or two,
    # of the lists at least space_ratio as probable as the reading
    space_ratio: float | None = None


class WordList:
    """A word list (lower case, letters only) bucketed by length for the nearest-word
    search."""

    def __init__(self, freq: dict[str, int], min_count: int) -> None:
        self.freq = freq
        self.min_count = min_count
        self.by_len: dict[int, list[str]] = {}
        for w, n in freq.items():
            if n >= min_count and w.isalpha():
                self.by_len.setdefault(len(w), []).append(w)
        # the letters the lists write with: a word with another ("cœur", written "coeur"
        # in the French list) is one they cannot judge
        self.letters = frozenset(ch for ws in self.by_len.values() for w in ws for ch in w)

    def near(self, word: str, dist: int, limit: int) -> list[str]:
        """The list's words within `dist` edits of `word` (lower case), the nearest first."""
        pool = [w for n in range(len(word) - dist, len(word) + dist + 1)
                for w in self.by_len.get(n, ())]
        found = process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=dist,
                                limit=limit)
        return [w for w, _, _ in found if w != word]

    def has(self, word: str) -> bool:
        """Whether `word` (lower case) is a list word seen min_count times or more."""
        return self.freq.get(word, 0) >= self.min_count

    def splits(self, core: str) -> list[str]:
        """`core` (as read) cut in two by a space where both pieces are list words
        ("TOCONFIRM" -> "TO CONFIRM")."""
        return [core[:i] + " " + core[i:] for i in range(1, len(core))
                if self.has(core[:i].casefold()) and self.has(core[i:].casefold())]


def ctc_log_probs(logp: np.ndarray, seqs: Sequence[Sequence[int]], blank: int = 0) -> np.ndarray:
    """log P(seq | logp) of each label sequence (CTC forward algorithm, all at once):
    logp is T x C log-probabilities of the time steps, seqs label indices without blanks.
    A sequence longer than the steps can emit scores -inf."""
    k = len(seqs)
    t_len = logp.shape[0]
    s_len = 2 * max((len(s) for s in seqs), default=0) + 1
    ext = np.full((k, s_len), blank, np.int64)
    for i, s in enumerate(seqs):
        ext[i, 1 : 2 * len(s) : 2] = s
    ends = np.array([2 * len(s) for s in seqs])
    skip = np.zeros((k, s_len), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    emit = logp[:, ext]  # T x K x S
    alpha = np.full((k, s_len), -np.inf)
    alpha[:, 0] = emit[0, :, 0]
    if s_len > 1:
        alpha[:, 1] = emit[0, :, 1]
    ninf1 = np.full((k, 1), -np.inf)
    ninf2 = np.full((k, 2), -np.inf)
    for t in range(1, t_len):
        prev1 = np.concatenate([ninf1, alpha[:, :-1]], axis=1)
        prev2 = np.where(skip, np.concatenate([ninf2, alpha[:, :-2]], axis=1), -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, prev1), prev2) + emit[t]
    rows = np.arange(k)
    last = alpha[rows, ends]
    before = np.where(ends > 0, alpha[rows, np.maximum(ends - 1, 0)], -np.inf)
    return np.logaddexp(last, before)


def _cased(word: str, like: str) -> list[str]:
    """The ways to write a list word (lower case) in the case of `like`: as like's letters
    are cased where like is all capitals or capitalised, else lower and capitalised."""
    if like.isupper() and len(like) > 1:
        return [word.upper()]
    if like[:1].isupper():
        return [word[:1].upper() + word[1:], word.upper()]
    return [word, word[:1].upper() + word[1:]]


def word_spans(best: np.ndarray, blank: int, space: int) -> list[tuple[int, int, int, int]]:
    """(first char, end char, first step, end step) of each word of a greedy path (the most
    probable label per step): words are the runs of characters between spaces; a word's
    steps run from the end of the space before it to the start of the space after it
    (the line's ends for the first and last)."""
    change = np.flatnonzero(np.diff(best)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(best)]])
    emitted = [(int(a), int(b), int(best[a])) for a, b in zip(starts, ends, strict=True)
               if best[a] != blank]
    spans = []
    word_start, step_start, first_char = None, 0, 0
    for ci, (a, b, lab) in enumerate(emitted):
        if lab == space:
            if word_start is not None:
                spans.append((first_char, ci, step_start, a))
            word_start, step_start = None, b
        elif word_start is None:
            word_start, first_char = a, ci
    if word_start is not None:
        spans.append((first_char, len(emitted), step_start, len(best)))
    return spans


def _joined(
    text: Sequence[str],
    first: tuple[int, int, int, int],
    second: tuple[int, int, int, int],
    words: WordList,
    known: Container[str],
) -> str | None:
    """The two words of a greedy reading at `first` and `second` (word_spans) written as
    one, when one space alone parts them, no sign stands between, one of them at least is
    no word the lists know and the two joined are a list word ("Da ta" -> "Data"); else
    None."""
    if first[1] + 1 != second[0]:
        return None
    a, b = (_CORE.match("".join(text[s[0] : s[1]])) for s in (first, second))
    if a is None or b is None or a.group(3) or b.group(1):
        return None
    left, right = a.group(2), b.group(2)
    if not (left.isalpha() and right.isalpha()):
        return None
    if left.casefold() in known and right.casefold() in known:
        return None
    if not words.has((left + right).casefold()):
        return None
    return a.group(1) + left + right + b.group(3)


def decode_words(
    probs: np.ndarray,
    chars: Sequence[str],
    words: WordList,
    known: Container[str],
    cfg: WordsConfig,
) -> str:
    """The greedy reading of one line's recogniser output (probs: T x C, index 0 the blank,
    chars[i] the character of index i, " " the space), each word not in the lists replaced
    by the nearest list word the recogniser finds nearly as probable (module docstring)."""
    try:  # chars holds thousands of characters: indexed only for a line with a word to
        space = chars.index(" ", 1)  # check (most lines have none)
    except ValueError:
        space = -1
    index: dict[str, int] | None = None
    best = probs.argmax(axis=1)
    keep = np.ones(len(best), bool)
    keep[1:] = best[1:] != best[:-1]
    labels = [int(x) for x in best[keep & (best != 0)]]
    text = [chars[x] for x in labels]
    out = list(text)
    spans = word_spans(best, 0, space)
    joined: set[int] = set()
    if cfg.space_ratio is not None:
        for k in range(len(spans) - 1):
            if k in joined:
                continue
            join = _joined(text, spans[k], spans[k + 1], words, known)
            if join is None:
                continue
            if index is None:
                index = {c: i for i, c in enumerate(chars) if i}
            (c0, _, t0, _), (_, c1, _, t1) = spans[k], spans[k + 1]
            seqs = [labels[c0:c1], [index[ch] for ch in join]]
            scores = ctc_log_probs(np.log(np.maximum(probs[t0:t1], _FLOOR)), seqs)
            if scores[1] >= scores[0] + np.log(cfg.space_ratio):
                out[c0:c1] = [join] + [""] * (c1 - c0 - 1)
                joined |= {k, k + 1}
    for k, (c0, c1, t0, t1) in reversed(list(enumerate(spans))):
        if k in joined:
            continue
        token = "".join(text[c0:c1])
        m = _CORE.match(token)
        if m is None:
            continue
        head, core, tail = m.groups()
        low = core.casefold()
        if (not core.isalpha() or len(core) < cfg.min_len
                or (core.isupper() and len(core) <= cfg.caps_len) or low in known
                or not set(low) <= words.letters):
            continue
        dist = cfg.max_dist[min(len(core) - cfg.min_len, len(cfg.max_dist) - 1)]
        cands = [head + c + tail for w in words.near(low, dist, cfg.limit)
                 if len(w) >= cfg.min_len for c in _cased(w, core)] if dist > 0 else []
        # a word run together with the next ("TOCONFIRM"): the letters as read, a space put
        # between two list words, at the stricter space_ratio
        cut = [head + c + tail for c in words.splits(core)] if cfg.space_ratio else []
        if index is None:
            index = {c: i for i, c in enumerate(chars) if i}
        cands = [c for c in cands + cut if all(ch in index for ch in c)]
        if not cands:
            continue
        seqs = [labels[c0:c1]] + [[index[ch] for ch in c] for c in cands]
        # the log of this word's steps only: a line's T x 18 710 matrix is logged for
        # none of the lines whose words the lists all know
        scores = ctc_log_probs(np.log(np.maximum(probs[t0:t1], _FLOOR)), seqs)
        top = int(np.argmax(scores[1:]))
        ratio = cfg.space_ratio if " " in cands[top] and cfg.space_ratio else cfg.ratio
        if scores[1 + top] >= scores[0] + np.log(ratio):
            out[c0:c1] = [cands[top]] + [""] * (c1 - c0 - 1)
    return "".join(out)
