"""Word lists of the OCR languages, so the readings' vote can prefer a real word.

When the readings of a note disagree on a word ("achats", "achots", "acbats"), the one
that is a word of the language is more often right. The lists are pyspellchecker's word
frequency dictionaries (general vocabulary, ~140 000 French and ~160 000 English forms):
nothing here is taken from a workshop's own texts.

A language string's merged list (word_index_for) is read from pyspellchecker's files once
and then kept in the user's cache folder (`$CAPTURE_CACHE_DIR`, else
`$XDG_CACHE_HOME/wall-capture` or `~/.cache/wall-capture`) in marshal form, named by the
pyspellchecker version and the languages: loading it costs 0.1 s of CPU instead of 0.45 s
(JSON parsed, lower-cased, merged) in every worker of every run. Nothing is downloaded; a
cache that cannot be read or written is rebuilt, or skipped.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from spellchecker import SpellChecker

from capture.io.atomic import atomic_write_bytes
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
        # the sorted lists are built on first use: the OCR's word decoding (ctc_words) needs
        # only freq, and a board photo's run never asks for a beginning and end (the
        # reversed words alone are about 20 MB: issue 17's 700 MB a worker)
        self._sorted: tuple[list[str], list[str]] | None = None
        self._plain: dict[str, list[str]] | None = None

    def _fwd_rev(self) -> tuple[list[str], list[str]]:
        """The words sorted, and each written backwards sorted."""
        if self._sorted is None:
            self._sorted = (sorted(self.freq), sorted(w[::-1] for w in self.freq))
        return self._sorted

    def same_letters(self, word: str) -> list[str]:
        """The words written with the same letters as `word` but for their accents
        (plain(w) == plain(word)), the most frequent first."""
        if self._plain is None:  # built on first use: most photos never need it
            plain_map: dict[str, list[str]] = {}
            for w in self.freq:  # only the words with an accent: the others are their own
                p = w.translate(_BASE)
                if p != w and w.isalpha():
                    plain_map.setdefault(p, []).append(w)
            self._plain = plain_map
        key = plain(word)
        found = self._plain.get(key, []) + ([key] if key in self.freq else [])
        return sorted(found, key=lambda w: -self.freq[w])

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
        fwd, rev = self._fwd_rev()
        if len(head) >= len(tail):
            found = self._starting(fwd, head)
            return [w for w in found if len(w) == length and w.endswith(tail)]
        found = self._starting(rev, tail[::-1])
        return [w[::-1] for w in found if len(w) == length and w[::-1].startswith(head)]


def _merged_counts(codes: Sequence[str]) -> dict[str, int]:
    """The lists of pyspellchecker's languages `codes` merged: each word at its highest
    count, in the order first listed."""
    counts: dict[str, int] = {}
    for c in codes:
        for w, n in _counts(c).items():
            counts[w] = max(n, counts.get(w, 0))
    return counts


def cache_dir() -> Path:
    """The folder the merged word lists are kept in (module docstring)."""
    own = os.environ.get("CAPTURE_CACHE_DIR")
    if own:
        return Path(own)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wall-capture"


def cached_counts(codes: Sequence[str]) -> dict[str, int]:
    """_merged_counts(codes), read from the cache when it holds them (same words, counts and
    order), else built and written there (atomically: workers may write it at once)."""
    # marshal's format is Python's own: the file is named by the Python that wrote it too
    py = f"py{sys.version_info[0]}{sys.version_info[1]}"
    name = f"words-v1-{py}-pyspellchecker-{version('pyspellchecker')}-{'+'.join(codes)}"
    path = cache_dir() / name
    try:
        counts = marshal.loads(path.read_bytes())
        if isinstance(counts, dict):
            return counts
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or one that cannot be read: built again
    counts = _merged_counts(codes)
    # atomically (a temp file renamed over it, removed on failure): workers may write at once
    with suppress(OSError):  # a read-only home: every run builds the lists
        atomic_write_bytes(path, marshal.dumps(counts))
    return counts


@lru_cache(maxsize=4)
def word_index_for(languages: str) -> WordIndex | None:
    """WordIndex of a Tesseract language string ("fra+eng"); None when none has a list."""
    codes = [
        SPELLCHECKER_LANGS[lang] for lang in language_list(languages) if lang in SPELLCHECKER_LANGS
    ]
    counts = cached_counts(codes) if codes else {}
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


# The accented letters of the Latin-script languages with word lists, to their base letters
_BASE = str.maketrans(
    "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöøōőùúûüūůűųýÿžźżśšşťţŕřľĺł",
    "aaaaaaaaacccdeeeeeeeeiiiiiinnnoooooooouuuuuuuuyyzzzsssttrrlll",
) | {ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss"}


def plain(word: str) -> str:
    """word in lower case with its accents taken off ("Écologie" -> "ecologie")."""
    return word.casefold().translate(_BASE)


_VOWELS = frozenset("aeiouyhâàäéèêëîïôöûùüÿœæ")


def respell_word(
    token: str,
    index: WordIndex,
    known: Callable[[str], bool],
    elisions: Sequence[str] = (),
    margin: float = 30.0,
    min_rest: int = 5,
) -> str | None:
    """The word of the index `token` (letters only, not a word `known` knows) was written
    as, when the recogniser misread only its accents or dropped an elision's apostrophe:
    the one word written with the same letters but for their accents ("Responsabilitê" ->
    "Responsabilité", "Ecologie" -> "Écologie"), or one of `elisions` ("d", "l", "qu")
    followed by an apostrophe and such a word of min_rest letters or more beginning with a
    vowel or an h ("dinsertion" -> "d'insertion"). A letter read accented stays accented
    (a mark read is a mark written; which one may be misread). The most frequent
    candidate, when it is at least `margin` times as frequent as the next; None when the
    token is a word of the index or `known` (asked last: it may load other lists), written
    in capitals (accents are often left off capitals), shorter than three letters, or
    nothing clear is found."""
    low = token.casefold()
    if len(low) < 3 or not low.isalpha() or token.isupper() or low in index.freq:
        return None

    def clear(words: list[str]) -> str | None:
        # a mark read is a mark written: the letters read accented keep an accent
        words = [w for w in words if w != low and all(
            a == b or a == plain(a) or b != plain(b) for a, b in zip(low, w, strict=False))]
        if not words or (len(words) > 1 and index.freq[words[0]] < margin * index.freq[words[1]]):
            return None
        return words[0]

    word = clear(index.same_letters(low))
    if word is not None:
        return None if known(low) else _cased(word, token)
    found = []
    for head in elisions:
        rest = low[len(head):]
        if low.startswith(head) and len(rest) >= min_rest and rest[0] in _VOWELS:
            # the rest as read when it is a word, else its one word but for the accents
            same = [rest] if rest in index.freq else index.same_letters(rest)
            found += [(head, w) for w in same[:1] if clear(same)]
    found.sort(key=lambda hw: -index.freq[hw[1]])
    if not found or (len(found) > 1 and index.freq[found[0][1]] < margin * index.freq[found[1][1]]):
        return None
    head, word = found[0]
    return None if known(low) else _cased(head + "'" + word, token)
