"""Word lists of the OCR languages, so the readings' vote can prefer a real word.

When the readings of a note disagree on a word ("achats", "achots", "acbats"), the one
that is a word of the language is more often right. The lists are pyspellchecker's word
frequency dictionaries (general vocabulary, ~140 000 French and ~160 000 English forms):
nothing here is taken from a workshop's own texts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spellchecker import SpellChecker

from capture.io.model_files import language_list

# Tesseract language code -> pyspellchecker dictionary; other languages have no word list.
SPELLCHECKER_LANGS = {
    "fra": "fr",
    "eng": "en",
    "deu": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "rus": "ru",
    "ara": "ar",
    "fas": "fa",
    "lav": "lv",
    "eus": "eu",
}

_EDGES = re.compile(r"^\W*(.*?)\W*$")
_PARTS = re.compile(r"[-'’]")


@lru_cache(maxsize=16)
def _counts(lang: str) -> dict[str, int]:
    return dict(SpellChecker(language=lang, distance=1).word_frequency.dictionary)


def _words(lang: str) -> frozenset[str]:
    return frozenset(_counts(lang))


@dataclass(frozen=True)
class Lexicon:
    words: frozenset[str]  # every language's list together

    def known(self, token: str) -> bool:
        """True when every part of token (edge punctuation stripped, split at hyphens and
        apostrophes: "copier-coller", "l'achat") is a word, a number or a single letter."""
        core = _EDGES.match(token).group(1).casefold()  # type: ignore[union-attr]
        return all(len(p) <= 1 or p.isdigit() or p in self.words for p in _PARTS.split(core))


@lru_cache(maxsize=8)
def lexicon_for(languages: str) -> Lexicon | None:
    """The word lists of a Tesseract language string ("fra+eng"); None when none of its
    languages has one."""
    codes = [
        SPELLCHECKER_LANGS[lang] for lang in language_list(languages) if lang in SPELLCHECKER_LANGS
    ]
    return Lexicon(frozenset().union(*(_words(c) for c in codes))) if codes else None


class WordIndex:
    """The languages' words (lower case) with their frequencies, searchable by a known
    beginning and end: the words a reading with a few letters hidden can be."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.freq = counts
        self._fwd = sorted(counts)
        self._rev = sorted(w[::-1] for w in counts)

    @staticmethod
    def _starting(words: list[str], start: str) -> list[str]:
        i = bisect_left(words, start)
        out = []
        while i < len(words) and words[i].startswith(start):
            out.append(words[i])
            i += 1
        return out

    def between(self, head: str, tail: str, length: int) -> list[str]:
        """The words of `length` letters that begin with head and end with tail."""
        if len(head) >= len(tail):
            found = self._starting(self._fwd, head)
            return [w for w in found if len(w) == length and w.endswith(tail)]
        found = self._starting(self._rev, tail[::-1])
        return [w[::-1] for w in found if len(w) == length and w[::-1].startswith(head)]


@lru_cache(maxsize=4)
def word_index_for(languages: str) -> WordIndex | None:
    """WordIndex of a Tesseract language string ("fra+eng"); None when none has a list."""
    codes = [
        SPELLCHECKER_LANGS[lang] for lang in language_list(languages) if lang in SPELLCHECKER_LANGS
    ]
    counts: dict[str, int] = {}
    for c in codes:
        for w, n in _counts(c).items():
            counts[w] = max(n, counts.get(w, 0))
    return WordIndex(counts) if counts else None


def _cased(word: str, like: str) -> str:
    """word written in the case of `like` (all capitals, a capital first, or lower)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def complete_word(
    token: str,
    spots: Sequence[int],
    index: WordIndex,
    fill: int = 3,
    drop: int = 2,
    min_kept: int = 3,
    margin: float = 3.0,
) -> str | None:
    """The word `token` is once the letters a sticker or a note hides are put back: at a
    spot (an index between token's letters where something hides the writing) one to
    `fill` letters are put in, in place of up to `drop` letters read there (what the edge
    of the hole was read as; never the token's first or last letter). Of the words of the
    index so found, those that change the least are kept, and the most frequent of them
    when it is at least `margin` times as frequent as the next; None when the token is a
    word already, keeps fewer than min_kept of its letters, or nothing (or nothing clear)
    is found. Only letters; the case is the token's."""
    low = token.casefold()
    if not low.isalpha() or low in index.freq:
        return None
    found: dict[str, int] = {}  # word -> letters changed
    for i in sorted(set(spots)):
        # the token's last letter is kept: a hole at its end hides how many letters follow
        for j in range(i, min(i + drop, len(low) - 1) + 1):
            head, tail = low[:i], low[j:]
            if len(head) + len(tail) < min_kept:
                continue
            for k in range(1, fill + 1):  # a hole hides one letter at least
                for w in index.between(head, tail, len(head) + k + len(tail)):
                    if w != low and w.isalpha():
                        found[w] = min(found.get(w, 99), k + j - i)
    if not found:
        return None
    least = min(found.values())
    best = sorted((w for w, c in found.items() if c == least), key=lambda w: -index.freq[w])
    if len(best) > 1 and index.freq[best[0]] < margin * index.freq[best[1]]:
        return None
    return _cased(best[0], token)
