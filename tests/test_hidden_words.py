"""Words a sticker partly hides, completed from the word lists (issue 20): the pure lookup,
the line's geometry, and notes rendered with a sticker on a letter, read through the OCR."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from capture.bench.ocr_fonts import FONTS
from capture.core.config import CONFIG
from capture.core.model import OcrLine
from capture.core.text import from_lines
from capture.kit.fonts import load_font
from capture.tools.lexicon import complete_word, lexicon_for, respell_word, word_index_for
from capture.vision.hidden_words import (
    chars_at_hole,
    complete_hidden,
    complete_line,
    respell,
    respell_line,
)
from capture.vision.markerless_read import read_wall
from capture.vision.ocr import read_notes

M = CONFIG.markerless


def _complete(token: str, spots: list[int]) -> str | None:
    fr = word_index_for("fra")
    assert fr is not None
    return complete_word(
        token, spots, fr, M.complete_fill, M.complete_drop, M.complete_min_kept, M.complete_margin
    )


def test_complete_word_puts_back_the_letters_at_the_hole() -> None:
    assert _complete("électronque", [8]) == "électronique"
    assert _complete("Exeplarité", [3]) == "Exemplarité"  # the case is the reading's
    assert _complete("INSORTION", [3, 4]) == "INSERTION"  # a letter misread at the hole
    assert _complete("fournisselrs", [9]) == "fournisseurs"
    assert _complete("solidarité", [4]) is None  # a word already
    assert _complete("électronque", [2]) is None  # nothing fits at that spot
    assert _complete("fiaes", [3]) is None  # "fiables", "fiacres": no clear word
    assert _complete("Partag", [5]) is None  # never its last letter replaced


def test_complete_line_joins_a_word_cut_at_the_hole_only() -> None:
    fr = word_index_for("fra")
    assert fr is not None
    text = "Exe plarité"
    at = [i in (2, 3, 4) for i in range(len(text))]
    assert complete_line(text, at, fr, M) == "Exemplarité"
    assert complete_line(text, [False] * len(text), fr, M) == text  # no hole: as read
    both = "Pas de suivi"  # two words: a sticker between them hides no letter of theirs
    assert complete_line(both, [i in (2, 3, 4) for i in range(len(both))], fr, M) == both


def test_complete_hidden_reads_the_hole_under_the_line_box() -> None:
    """The hole mask is in the crop's pixels at HOLES_SCALE; a hole under the middle of a
    line's box completes the word there, a hole beside the box changes nothing."""
    fr = word_index_for("fra")
    assert fr is not None
    box = ((100.0, 200.0), (500.0, 200.0), (500.0, 260.0), (100.0, 260.0))
    read = from_lines([OcrLine("Four sseurs", 0.95, box)])
    holes = np.zeros((150, 150), bool)
    holes[52:62, 64:70] = True  # crop px 256-280 x 208-248: the space (5th character)
    assert chars_at_hole(read.lines[0], holes, 0.25, 0.25)[4]
    assert complete_hidden(read, holes, 0.25, fr, M).text == "Fournisseurs"
    away = np.zeros((150, 150), bool)
    away[100:110, 64:70] = True  # below the line
    assert complete_hidden(read, away, 0.25, fr, M) is read


def _notes(words: list[str], stuck: list[int | None], scale: float = 3.0) -> np.ndarray:
    """A grey wall, one yellow note (76 mm at `scale` px/mm) per word, written in Comic
    Neue; a red 12 mm sticker on letter stuck[i] of word i (None: none)."""
    side, gap, edge = round(76 * scale), round(20 * scale), round(70 * scale)
    w, h = len(words) * (side + gap) - gap + 2 * edge, side + 2 * edge
    img = Image.new("RGB", (w, h), (212, 212, 205))
    draw = ImageDraw.Draw(img)
    font = load_font(FONTS["Comic Neue"], round(11 * scale))
    for i, (word, k) in enumerate(zip(words, stuck, strict=True)):
        x0, y0 = edge + i * (side + gap), edge
        draw.rectangle((x0 + 4, y0 + 5, x0 + side + 4, y0 + side + 5), fill=(160, 160, 154))
        draw.rectangle((x0, y0, x0 + side - 1, y0 + side - 1), fill=(252, 232, 90))
        tx, ty = x0 + round(6 * scale), y0 + side // 2 - round(6 * scale)
        draw.text((tx, ty), word, font=font, fill=(25, 25, 60))
        if k is not None:
            cx = tx + font.getlength(word[:k]) + font.getlength(word[k]) / 2
            cy, r = ty + 6.5 * scale, 6 * scale
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(215, 35, 50))
    rng = np.random.default_rng(3)
    arr = np.asarray(img).astype(np.float32) + rng.normal(0, 2, (h, w, 3))
    return np.clip(arr, 0, 255).astype(np.uint8)


@pytest.mark.slow
def test_a_word_a_sticker_cuts_is_read_whole() -> None:
    """Rendered notes with a sticker on one letter: the OCR reads the word cut in two
    ("Four sseurs"); completed from the French word list it is the word again. The note
    with no sticker reads the same either way."""
    words = ["Fournisseurs", "Exemplarité", "Courage"]
    photo = _notes(words, [4, 3, None])
    texts = {}
    for on in (False, True):
        config = replace(CONFIG, markerless=replace(CONFIG.markerless, ocr_complete_words=on))
        res = read_wall(photo, config, lambda crops, c=config: read_notes(crops, c.ocr))
        assert [sum(n.dots.values()) for n in res.notes] == [1, 1, 0]
        texts[on] = [n.text for n in res.notes]
    assert texts[True] == words, texts
    assert texts[False][:2] != words[:2] and texts[False][2] == texts[True][2], texts


def _known(word: str) -> bool:
    both = lexicon_for("fra+eng")
    assert both is not None
    return both.known(word)


def _respell(token: str) -> str | None:
    fr = word_index_for("fra")
    assert fr is not None
    return respell_word(token, fr, _known, M.respell_elisions, M.respell_margin,
                        M.respell_elision_min)


def test_respell_word_puts_back_accents_and_apostrophes() -> None:
    """What the recogniser misread on seeds 41-49's visible letters: an accent ("Critére",
    "Responsabilitê", "Ecologie") or an elision's apostrophe ("Clauses dinsertion", "Grille
    danalyse"). Nothing else changes: a word, capitals (accents are often left off them), a
    letter read accented losing its accent, a short piece after an elision, an English
    word, several words alike."""
    assert _respell("Critére") == "Critère"
    assert _respell("Responsabilitê") == "Responsabilité"
    assert _respell("Ecologie") == "Écologie"  # the case is the reading's
    assert _respell("electronique") == "électronique"
    assert _respell("dinsertion") == "d'insertion"
    assert _respell("lexecution") == "l'exécution"
    assert _respell("Critère") is None  # a word already
    assert _respell("ECOLOGIE") is None  # capitals
    assert _respell("pût") is None  # "put": the accent read is kept ("Coût" read "pût")
    assert _respell("tion") is None  # not "t'ion": a piece of a word a sticker cut
    assert _respell("Sourcing") is None  # an English word
    assert _respell("Enquéte") is None  # "enquête" and "enquêté": no clear word


def test_respell_line_and_note() -> None:
    fr = word_index_for("fra")
    assert fr is not None
    assert respell_line("Clauses dinsertion", fr, _known, M) == "Clauses d'insertion"
    assert respell_line("Clauses dinsertion", fr, _known, M, elide=False) == "Clauses dinsertion"
    assert respell_line("Critére prix 40 %", fr, _known, M) == "Critère prix 40 %"
    assert respell_line("Profi6 Ecologie", fr, _known, M) == "Profi6 Écologie"
    box = ((100.0, 200.0), (500.0, 200.0), (500.0, 260.0), (100.0, 260.0))
    read = from_lines([OcrLine("Grille", 0.99, box), OcrLine("danalyse", 0.99, box)])
    assert respell(read, fr, _known, M).text == "Grille d'analyse"
    same = from_lines([OcrLine("Grille d'analyse", 0.99, box)])
    assert respell(same, fr, _known, M) is same
    # a note with a word only English knows is English: "Identites" gets no French accent
    english = from_lines([OcrLine("Our Own Identites", 0.99, box)])
    assert respell(english, fr, _known, M) is english
