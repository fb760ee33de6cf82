"""Word lists of the OCR languages, so the readings' vote can prefer a real word.

When the readings of a note disagree on a word ("achats", "achots", "acbats"), the one
that is a word of the language is more often right. The lists are pyspellchecker's word
frequency dictionaries (general vocabulary, ~140 000 French and ~160 000 English forms):
nothing here is taken from a workshop's own texts.
"""

from __future__ import annotations

import re
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
def _words(lang: str) -> frozenset[str]:
    return frozenset(SpellChecker(language=lang, distance=1).word_frequency.dictionary)


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
