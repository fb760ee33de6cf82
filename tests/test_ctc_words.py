"""Word-level decoding of the recogniser's output against the word lists
(capture.tools.ctc_words): the CTC forward sum, the words' time steps, the choice."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from capture.tools.ctc_words import WordList, WordsConfig, ctc_log_probs, decode_words, word_spans

CHARS = ["blank", *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,", " "]
CFG = WordsConfig(ratio=0.1, max_dist=(1, 1, 2), min_len=3, caps_len=3, min_count=1, limit=20)
WORDS = WordList({"monde": 500, "ronde": 50, "onu": 900, "the": 5000, "world": 800,
                  **dict.fromkeys(("quick", "brown", "fox", "jumps", "over", "lazy", "dog"), 1)}, 1)


def _collapse(path: tuple[int, ...]) -> tuple[int, ...]:
    out = [k for i, k in enumerate(path) if k and (i == 0 or k != path[i - 1])]
    return tuple(out)


def test_forward_sum_is_the_sum_over_every_alignment() -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=5)  # 5 steps, blank + 3 letters
    seqs = [[1], [1, 2], [2, 2], [1, 2, 3], [3, 3, 3], []]
    want = {tuple(s): 0.0 for s in seqs}
    for path in itertools.product(range(4), repeat=5):
        key = _collapse(path)
        if key in want:
            want[key] += float(np.prod([probs[t, k] for t, k in enumerate(path)]))
    got = np.exp(ctc_log_probs(np.log(probs), seqs))
    np.testing.assert_allclose(got, [want[tuple(s)] for s in seqs], rtol=1e-9)


def _line(steps: list[dict[str, float]]) -> np.ndarray:
    """A recogniser output: per step, the probability of some characters, the rest blank."""
    probs = np.zeros((len(steps), len(CHARS)))
    for t, step in enumerate(steps):
        for ch, p in step.items():
            probs[t, CHARS.index(ch)] = p
        probs[t, 0] = 1.0 - sum(step.values())
    return probs


def _word(letters: str, doubt: dict[int, dict[str, float]] | None = None) -> list[dict]:
    """Steps of a word read sure, letter by letter (a blank step between), but for the
    letters of `doubt` (index -> probabilities)."""
    steps: list[dict] = []
    for i, ch in enumerate(letters):
        steps += [(doubt or {}).get(i, {ch: 0.98}), {}]
    return steps


def test_words_steps_are_split_at_the_spaces() -> None:
    probs = _line([*_word("the"), {" ": 0.9}, *_word("world")])
    best = probs.argmax(axis=1)
    assert word_spans(best, 0, CHARS.index(" ")) == [(0, 3, 0, 6), (4, 9, 7, 17)]


def test_a_letter_in_doubt_takes_the_list_words_reading() -> None:
    """"mondc" with its last letter c 0.55 / e 0.40: "monde" is nearly as probable under
    the recogniser, and a word; read sure (c 0.95 / e 0.03), it stays as read."""
    doubt = _line(_word("mondc", {4: {"c": 0.55, "e": 0.40}}))
    sure = _line(_word("mondc", {4: {"c": 0.95, "e": 0.03}}))
    assert decode_words(doubt, CHARS, WORDS, frozenset(WORDS.freq), CFG) == "monde"
    assert decode_words(sure, CHARS, WORDS, frozenset(WORDS.freq), CFG) == "mondc"


def test_acronyms_known_words_and_far_words_stay_as_read() -> None:
    """Capitals of 2-3 letters (an acronym), a word of the list and a reading with no list
    word within reach are left as read, however unsure."""
    known = frozenset(WORDS.freq)
    onv = _line(_word("ONV", {2: {"V": 0.5, "U": 0.45}}))
    assert decode_words(onv, CHARS, WORDS, known, CFG) == "ONV"
    ronde = _line(_word("ronde", {0: {"r": 0.5, "m": 0.45}}))
    assert decode_words(ronde, CHARS, WORDS, known, CFG) == "ronde"
    far = _line(_word("xyzzq", {0: {"x": 0.5, "m": 0.45}}))
    assert decode_words(far, CHARS, WORDS, known, CFG) == "xyzzq"


def test_case_and_punctuation_are_kept() -> None:
    probs = _line(_word("Wortd,", {3: {"t": 0.5, "l": 0.45}}))
    assert decode_words(probs, CHARS, WORDS, frozenset(WORDS.freq), CFG) == "World,"


def test_a_word_with_a_letter_the_lists_never_write_stays_as_read() -> None:
    """"cœur" (the French list writes "coeur") with its œ unsure (o nearly as probable) is
    not turned into "cour"; were œ a letter of the lists, it would be."""
    chars = [*CHARS, "œ"]
    steps = [{"c": 0.98}, {}, {"œ": 0.6, "o": 0.35}, {}, {"u": 0.98}, {}, {"r": 0.98}, {}]
    probs = np.zeros((len(steps), len(chars)))
    for t, step in enumerate(steps):
        for ch, p in step.items():
            probs[t, chars.index(ch)] = p
        probs[t, 0] = 1.0 - sum(step.values())
    words = WordList({"cour": 900, "coeur": 500, **WORDS.freq}, 1)
    assert decode_words(probs, chars, words, words.freq, CFG) == "cœur"
    with_oe = WordList({"cour": 900, "coeur": 500, "cœur": 1, **WORDS.freq}, 1)
    assert decode_words(probs, chars, with_oe, {"cour", "coeur"}, CFG) == "cour"


SPACED = dataclasses.replace(CFG, space_ratio=0.01)
PLAIN = WordList({"to": 5000, "confirm": 900, "data": 800, "in": 9000, "times": 700,
                  "intimes": 300, "ta": 400}, 1)


def test_a_space_left_out_between_two_list_words_is_put_back() -> None:
    """"toconfirm": the recogniser gives the gap between "to" and "confirm" a space at 0.3
    (the blank 0.7, so the greedy reading runs them together); both are list words and the
    reading with the space is nearly as probable: it is mended. Read with no space there
    at all, or with the mending off, it stays as read."""
    gap = _line([*_word("to"), {" ": 0.3}, *_word("confirm")])
    none = _line([*_word("to"), {}, *_word("confirm")])
    none[:, CHARS.index(" ")] = 0.0
    known = frozenset(PLAIN.freq)
    assert decode_words(gap, CHARS, PLAIN, known, CFG) == "toconfirm"
    assert decode_words(gap, CHARS, PLAIN, known, SPACED) == "to confirm"
    assert decode_words(none, CHARS, PLAIN, known, SPACED) == "toconfirm"


def test_a_word_cut_in_two_is_joined_only_when_a_piece_is_no_word() -> None:
    """"Da ta" (a space at 0.55 in the gap): "Da" is no list word and "Data" is one, the
    recogniser finding it nearly as probable: joined. "in times" stays two words though
    "intimes" is a list word: both pieces are words."""
    known = frozenset(PLAIN.freq)
    cut = _line([*_word("Da"), {" ": 0.55}, *_word("ta")])
    assert decode_words(cut, CHARS, PLAIN, known, CFG) == "Da ta"
    assert decode_words(cut, CHARS, PLAIN, known, SPACED) == "Data"
    both = _line([*_word("in"), {" ": 0.55}, *_word("times")])
    assert decode_words(both, CHARS, PLAIN, known, SPACED) == "in times"
