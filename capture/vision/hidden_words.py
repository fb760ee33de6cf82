"""Words a sticker or another note partly hides, completed from the languages' word lists.

A dot sticker stuck on the writing, or a note stuck over another's corner, hides letters no
reader can see: the OCR reads the rest of the word ("Solid rité", "électron que", "fiaes").
Where a line's reading has a gap or a word not in the word lists exactly where something
was filled in (ocr_view's holes), the word is looked up with a few letters put back
(capture.tools.lexicon.complete_word: general French and English vocabulary, never a
workshop's own texts). Nothing is changed where no hole lies under the writing, nor a word
the lists know, nor when the lists offer no single clear word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from capture.core.config import MarkerlessConfig
from capture.core.model import OcrLine
from capture.core.text import EMPTY, OcrResult, from_lines
from capture.tools.lexicon import WordIndex, complete_word, respell_word

_LETTERS = re.compile(r"[^\W\d_]+")


def chars_at_hole(line: OcrLine, holes: np.ndarray, scale: float, reach: float) -> list[bool]:
    """Per character of line.text: whether a hole (a bool mask of the crop the line was
    read on, at `scale` of its size) lies under it, or within `reach` characters of it.
    The characters are taken evenly spread along the line's box (the recogniser gives no
    positions); the box's ends hold a little paper (its unclip margin)."""
    n = len(line.text)
    box = np.asarray(line.box, np.float64)
    if n == 0 or box.shape != (4, 2):
        return [False] * n
    tl, tr, br, bl = box
    width = float(np.linalg.norm(tr - tl))
    height = float(np.linalg.norm(bl - tl))
    pad = min(0.3 * height / max(width, 1e-6), 0.2)
    h, w = holes.shape
    at = []
    for c in range(n):
        hit = False
        for f in np.linspace(c - reach, c + 1 + reach, 5):
            u = pad + (1 - 2 * pad) * float(np.clip(f / n, 0, 1))
            top, bottom = tl + u * (tr - tl), bl + u * (br - bl)
            for v in (0.25, 0.5, 0.75):
                x, y = (top + v * (bottom - top)) * scale
                if 0 <= int(y) < h and 0 <= int(x) < w and holes[int(y), int(x)]:
                    hit = True
        at.append(hit)
    return at


def complete_line(text: str, at: list[bool], index: WordIndex, m: MarkerlessConfig) -> str:
    """The line's text with the words a hole cuts completed: two runs of letters one space
    apart where the space lies at a hole, one of them not a word, are one word cut in two
    ("Solid rité"); a run of letters not in the lists with a hole inside it lost letters
    there ("fiaes")."""
    runs = [(r.start(), r.end()) for r in _LETTERS.finditer(text)]
    out, done = [], 0
    k = 0
    while k < len(runs):
        (s, e), word = runs[k], None
        if k + 1 < len(runs) and runs[k + 1][0] == e + 1 and text[e] == " " and at[e]:
            s2, e2 = runs[k + 1]
            a, b = text[s:e], text[s2:e2]
            if not (a.casefold() in index.freq and b.casefold() in index.freq):
                # a word cut in two: letters put in at the cut only, none read replaced
                word = complete_word(a + b, [e - s], index, m.complete_fill, 0,
                                     m.complete_min_kept, m.complete_margin)
            if word is not None:
                out.append(text[done:s] + word)
                done, k = e2, k + 2
                continue
        spots = [g for g in range(1, e - s) if at[s + g - 1] or at[s + g]]
        if spots:
            word = complete_word(text[s:e], spots, index, m.complete_fill, m.complete_drop,
                                 m.complete_min_kept, m.complete_margin)
        if word is not None:
            out.append(text[done:s] + word)
            done = e
        k += 1
    return "".join(out) + text[done:]


def complete_hidden(
    o: OcrResult, holes: np.ndarray | None, scale: float, index: WordIndex, m: MarkerlessConfig
) -> OcrResult:
    """A note's reading with the words its holes cut completed (complete_line), line by
    line; holes: where something was filled in over the note's own paper, in the crop as
    read (at `scale` of its size). The reading itself when nothing changes."""
    if holes is None or not holes.any() or not o.lines:
        return o
    lines, changed = [], False
    for ln in o.lines:
        text = complete_line(ln.text, chars_at_hole(ln, holes, scale, m.complete_reach), index, m)
        changed |= text != ln.text
        lines.append(OcrLine(text, ln.confidence, ln.box))
    if not changed:
        return o
    res = from_lines(lines)
    return res if res is not EMPTY else o


def respell_line(
    text: str,
    index: WordIndex,
    known: Callable[[str], bool],
    m: MarkerlessConfig,
    elide: bool = True,
) -> str:
    """The line's text with each word the index does not know respelt when only its accents
    were misread or an elision's apostrophe dropped (lexicon.respell_word); a run of
    letters beside a digit is left as read, and one after an apostrophe takes no elision.
    known: whether another listed language knows a word (asked only of a word respelt)."""
    out, done = [], 0
    for r in _LETTERS.finditer(text):
        s, e = r.start(), r.end()
        if (s and text[s - 1].isdigit()) or (e < len(text) and text[e].isdigit()):
            continue
        after = s > 0 and text[s - 1] in "'’"  # the word after an elision
        heads = m.respell_elisions if elide and not after else ()
        word = respell_word(r.group(), index, known, heads, m.respell_margin,
                            m.respell_elision_min)
        if word is not None:
            out.append(text[done:s] + word)
            done = e
    return "".join(out) + text[done:]


def respell(
    o: OcrResult,
    index: WordIndex,
    known: Callable[[str], bool],
    m: MarkerlessConfig,
    elide: bool = True,
) -> OcrResult:
    """A note's reading with its words respelt line by line (respell_line); the reading
    itself when nothing changes, or when another of its words is one only another listed
    language knows (`known`, not `index`: "Our Disital Identites" is English, and is left).
    Unlike complete_hidden, on every note: a misread accent or a dropped apostrophe needs
    no hole. elide: the elisions are looked for (a French list)."""
    if not o.lines:
        return o
    lines = [OcrLine(respell_line(ln.text, index, known, m, elide), ln.confidence, ln.box)
             for ln in o.lines]
    if all(a.text == b.text for a, b in zip(lines, o.lines, strict=True)):
        return o
    words = {w.casefold() for w in _LETTERS.findall(o.text) if len(w) >= 3}
    if any(w not in index.freq and known(w) for w in words):
        return o  # a note in another language
    res = from_lines(lines)
    return res if res is not EMPTY else o
