"""The text of the notes on a photo with no board: their crops and how the OCR reads them.

The last stage of a photo's path with no board, after the notes are named (wall_light):
markerless_read.interpret takes each note's crop at the boards' density (note_crops: the
quads it is read from, crop_quads), with the stickers and the other notes' paper in it
filled in (ocr_view: ocr_hidden, fill_hidden) and where that hid the note's own paper (its
holes, at HOLES_SCALE); markerless_read.read_wall then reads every note (read_texts: the
crop's turn, a photo turned as a whole found from the notes with most writing) and mends
the words (completed: respelt, the words the holes cut completed from the workshop
language's word list).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import cv2
import numpy as np

from capture.core.config import Config
from capture.core.text import OcrResult, from_lines, read_weight
from capture.tools.lexicon import lexicon_for, word_index_for
from capture.vision.hidden_words import complete_hidden, respell
from capture.vision.markerless import WallScene
from capture.vision.notes import note_crop
from capture.vision.wall_results import WallNoteResult

HOLES_SCALE = 0.25  # a note's holes are kept at a quarter of its crop's size (coarse is enough)


def note_crops(
    rgb: np.ndarray, k: int, scene: WallScene, config: Config
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Note k's crop at the boards' density for a note of the usual size, the same crop as
    the OCR reads it (ocr_view: the stickers and the other notes in it painted over), the
    quarter turn (np.rot90) it is also read at when its top side is tilted (0: none), and
    the holes: what was painted over inside its outline (at HOLES_SCALE)."""
    m = config.markerless
    n = scene.notes[k]
    ppm = config.notes.crop_px_per_mm * m.note_mm / n.side_px
    corners = np.array(n.corners, np.float64)
    quads = crop_quads(corners, m.crop_margin, m.ocr_turn_deg)
    crop = note_crop(rgb, np.eye(3), quads[0], n.side_px, ppm)
    others = [np.array(o.corners, np.float64) for j, o in enumerate(scene.notes) if j != k]
    above = scene.above[k] if scene.above else ()
    over = [j in above for j in range(len(scene.notes)) if j != k]
    discs = [(d.center[0], d.center[1], d.radius_px) for d in scene.dots]
    hide, mine = ocr_hidden(
        crop,
        quads[0],
        corners,
        others,
        discs,
        m.ocr_hide_grow,
        config.notes.duplicate_paper_de,
        over,
    )
    view = fill_hidden(crop, hide)
    turn = 0
    if len(quads) > 1:  # the same quad rolled a corner: the crop a quarter turned
        turn = 1 if quads[0][1, 1] < quads[0][0, 1] else 3
    small = cv2.resize(hide & mine, None, fx=HOLES_SCALE, fy=HOLES_SCALE,
                       interpolation=cv2.INTER_AREA)
    return crop, view, turn, small > 0


def ocr_view(
    crop: np.ndarray,
    quad: np.ndarray,
    own: np.ndarray,
    others: list[np.ndarray],
    discs: list[tuple[float, float, float]],
    grow: float,
    paper_de: float | None = None,
    inpaint_px: int = 3,
    over: list[bool] | None = None,
) -> np.ndarray:
    """The crop (warped from `quad`, photo px) with what is not the note's writing filled
    in from around it (inpainted, Telea: the paper, and the strokes a sticker cuts run on
    into it): every sticker (discs: centre and radius, photo px, grown by `grow`) and the
    parts of other notes' outlines (photo px) outside its own outline `own`. A sticker on
    the writing is read as a letter ("O", "0") or splits the line; the crop's margin
    (crop_margin) takes in a neighbour's edge and its writing. A part of another note over
    this one's outline is filled too when its paper differs from this note's by more than
    `paper_de` (CIELAB, medians): it is the other note, stuck on top; of the same colour,
    which lies on top is not known from the papers and it is left (None: always left),
    unless `over` (per other note) says it lies on top (note_stack.on_top: its edge shows
    across this note, and its writing is its own). Painted flat in
    the paper's colour instead, the letters a sticker cuts end on a hard edge, and the
    notes read worse than with the stickers left (docs/markerless-journal.md, "Note text")."""
    hide, _ = ocr_hidden(crop, quad, own, others, discs, grow, paper_de, over)
    return fill_hidden(crop, hide, inpaint_px)


def ocr_hidden(
    crop: np.ndarray,
    quad: np.ndarray,
    own: np.ndarray,
    others: list[np.ndarray],
    discs: list[tuple[float, float, float]],
    grow: float,
    paper_de: float | None = None,
    over: list[bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """What ocr_view fills in (uint8 mask, 1: hidden, the crop's size) and the note's own
    outline in the crop (uint8 mask)."""
    side = crop.shape[0]
    square = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    to_crop = cv2.getPerspectiveTransform(quad.astype(np.float32), square)

    def warp(pts: np.ndarray) -> np.ndarray:
        p = cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(-1, 1, 2), to_crop)
        return p.reshape(-1, 2)

    mine = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillPoly(mine, [np.round(warp(own)).astype(np.int32)], 1)
    parts, tops = [], []
    for q, top in zip(others, over or [False] * len(others), strict=True):
        pts = np.round(warp(q)).astype(np.int32)
        if _off_crop(pts, mine.shape):
            continue  # its part would be empty: it hides nothing, and tells no paper apart
        part = np.zeros_like(mine)
        cv2.fillPoly(part, [pts], 1)
        parts.append(part)
        tops.append(top)
    hide = np.zeros_like(mine)
    for part in parts:
        hide |= part & (1 - mine)
    if parts and paper_de is not None:
        # a part of another note inside this one's outline lies on top of it when its paper
        # is another colour than this note's own (same colours: which is on top is unknown)
        # medians over every 4th pixel each way: the papers are flat, and it is 16x faster
        lab = cv2.cvtColor(crop[::4, ::4].astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
        ins = [(p & mine) > 0 for p in parts]
        alone = (mine[::4, ::4] > 0) & ~np.logical_or.reduce([i[::4, ::4] for i in ins])
        if alone.sum() > 0.2 * (mine[::4, ::4] > 0).sum():
            paper = np.median(lab[alone], axis=0)
            for inside in ins:
                sub = inside[::4, ::4]
                if sub.any() and np.linalg.norm(np.median(lab[sub], 0) - paper) > paper_de:
                    hide |= inside.astype(np.uint8)
    for part, top in zip(parts, tops, strict=True):
        if top:  # known to lie on top of this note, whatever its colour
            hide |= part & mine
    scale = side / float(np.mean(np.linalg.norm(np.roll(quad, -1, 0) - quad, axis=1)))
    for x, y, r in discs:
        (cx, cy), = warp(np.array([(x, y)]))
        rr = r * scale * (1 + grow)
        if -rr < cx < side + rr and -rr < cy < side + rr:
            cv2.circle(hide, (round(cx), round(cy)), max(1, round(rr)), 1, -1)
    return hide, mine


def _off_crop(pts: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a polygon (int px, of moderate size: no overflow in the fill) lies wholly
    beside a crop of `shape`: filled, it would mark none of its pixels. On a wall of 70 notes
    every note's crop drew the other 69 whole and read them, most of them far off."""
    lo, hi = pts.min(0), pts.max(0)
    if np.abs(pts).max() >= 1 << 20:
        return False
    return bool(hi[0] < 0 or hi[1] < 0 or lo[0] >= shape[1] or lo[1] >= shape[0])


def fill_hidden(crop: np.ndarray, hide: np.ndarray, inpaint_px: int = 3) -> np.ndarray:
    """The crop with the pixels of `hide` inpainted from around them (ocr_view)."""
    if not hide.any():
        return crop
    # filled at half size (a quarter of the time; the fill is smooth paper), pasted back
    small = cv2.resize(crop, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    hole = cv2.resize(hide, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    filled = cv2.inpaint(small, (hole > 0).astype(np.uint8), inpaint_px, cv2.INPAINT_TELEA)
    up = cv2.resize(filled, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = crop.copy()
    out[hide > 0] = up[hide > 0]
    return out


def crop_quads(corners: np.ndarray, margin: float, turn_deg: float) -> list[np.ndarray]:
    """The quads (photo px, TL TR BR BL) a note's text is read from: its outline grown by
    `margin` of its size each way (an outline a little off must not cut the first letters),
    and, when its top side is tilted more than turn_deg (a note at 45 degrees, a photo taken
    askew: which side is up is unsure), the same turned a quarter."""
    c = corners.mean(0)
    grown = c + (corners - c) * (1 + 2 * margin)
    top = grown[1] - grown[0]
    tilt = abs(np.degrees(np.arctan2(top[1], top[0])))
    if tilt <= turn_deg:
        return [grown]
    return [grown, np.roll(grown, 1 if top[1] > 0 else -1, axis=0)]


def completed(note: WallNoteResult, o: OcrResult, config: Config) -> OcrResult:
    """The note's reading with its words respelt (hidden_words.respell: accents misread, an
    elision's apostrophe dropped) and the words its holes cut completed (complete_hidden),
    from the word list of the workshop's language (the first listed: the others' are loan
    words; a word their lists know is left as read)."""
    m = config.markerless
    holes = None if note.ocr_holes is None else np.asarray(note.ocr_holes)
    complete = m.ocr_complete_words and holes is not None and holes.any()
    if not (complete or (m.ocr_respell and o.lines)):
        return o
    first, *others = config.ocr.languages.split("+")
    index = word_index_for(first)
    if index is None:
        return o
    if m.ocr_respell:  # a word the other languages' lists know is theirs (English)
        o = respell(o, index, partial(_known, "+".join(others)), m,
                    first == m.respell_elision_lang)
    if not complete:
        return o
    return complete_hidden(o, np.rot90(holes, note.turn), HOLES_SCALE, index, m)


def _known(languages: str, word: str) -> bool:
    """Whether a word list of the languages knows `word` (loaded on first use; none:
    False)."""
    lexicon = lexicon_for(languages)
    return lexicon is not None and lexicon.known(word)


def read_texts(
    notes: list[WallNoteResult], ocr: Callable, doubt: float, probe: int = 4
) -> list[OcrResult]:
    """Each note's reading (of its ocr_crop), its crop left turned the way it was read.
    Crops are taken with the side nearest the photo's top on top; a note whose outline tilts
    past ocr_turn_deg is also read a quarter turned (alt_turn), the reading that says more
    kept (read_weight). A photo can be turned as a whole (no EXIF orientation, a phone held
    sideways or upside down, a wall shot rolled): every note then reads poorly. When the
    median confidence of the photo's readings is under `doubt` (the review threshold), the
    `probe` notes with the most writing are read at the three other quarter turns; when one
    of them says more, summed over those notes, than the photo as it is, every note is read
    under it, and a note whose outline is tilted (unsure which side is up) may take a
    quarter turn more or less than the photo when that reads better."""
    views = [np.asarray(n.ocr_crop if n.ocr_crop is not None else n.crop) for n in notes]

    def turned(i: int, k: int) -> np.ndarray:
        return np.ascontiguousarray(np.rot90(views[i], k)) if k % 4 else views[i]

    alts = [i for i, n in enumerate(notes) if n.alt_turn]
    reads = ocr(views + [turned(i, notes[i].alt_turn) for i in alts])
    # readings of note i at quarter turn k, as they are made
    got: dict[tuple[int, int], OcrResult] = {(i, 0): o for i, o in enumerate(reads)}
    got |= {(i, notes[i].alt_turn): o for i, o in zip(alts, reads[len(notes) :], strict=True)}

    def best(i: int, turns: list[int]) -> int:
        """The quarter turn of note i, among those read, whose reading says the most."""
        return max(turns, key=lambda k: read_weight(got[i, k]))

    turn = [best(i, [k for j, k in got if j == i]) for i in range(len(notes))]
    if float(np.median([got[i, turn[i]].confidence or 0.0 for i in range(len(notes))])) < doubt:
        sample = sorted(range(len(notes)), key=lambda i: -_writing(views[i]))[:probe]

        def read(pairs: list[tuple[int, int]]) -> None:
            todo = [(i, k) for i, k in dict.fromkeys(pairs) if (i, k) not in got]
            got.update(zip(todo, ocr([turned(i, k) for i, k in todo]), strict=True))

        read([(i, k) for i in sample for k in (1, 2, 3)])
        photo = max(range(4), key=lambda k: sum(read_weight(got[i, k]) for i in sample))
        if photo:
            # a note unsure of its side up may take a quarter turn more or less than the photo
            near = {
                i: [photo] + ([(photo + 1) % 4, (photo - 1) % 4] if notes[i].alt_turn else [])
                for i in range(len(notes))
            }
            read([(i, k) for i, ks in near.items() for k in ks])
            turn = [best(i, near[i]) for i in range(len(notes))]
    for n, k in zip(notes, turn, strict=True):
        n.turn = k
        if k:
            n.crop = np.ascontiguousarray(np.rot90(np.asarray(n.crop), k))
    return [got[i, k] for i, k in enumerate(turn)]


def _writing(crop: np.ndarray) -> float:
    """How much writing a crop holds, roughly: the spread of its grey levels in its middle
    (stickers are filled in already; the paper is flat, the ink dark)."""
    h, w = crop.shape[:2]
    grey = crop[h // 5 : h - h // 5, w // 5 : w - w // 5].mean(axis=-1)
    return float(grey.std())


def line_places(note: WallNoteResult, o: OcrResult, margin: float, turn_deg: float
                ) -> list[np.ndarray]:
    """Each line of the note's reading `o` as a polygon in photo px (its box in the crop as
    it was read, turned back by note.turn and carried through the crop's quad)."""
    if note.outline_px is None or note.ocr_crop is None or not o.lines:
        return []
    side = float(np.asarray(note.ocr_crop).shape[0])
    quad = crop_quads(np.asarray(note.outline_px, np.float64), margin, turn_deg)[0]
    square = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    to_photo = cv2.getPerspectiveTransform(square, quad.astype(np.float32))
    out = []
    for ln in o.lines:
        p = np.asarray(ln.box, np.float64).reshape(-1, 2)
        for _ in range(note.turn % 4):  # np.rot90 once: (x, y) read at (y, side - x)
            p = np.stack([side - p[:, 1], p[:, 0]], axis=1)
        out.append(cv2.perspectiveTransform(p.reshape(-1, 1, 2), to_photo).reshape(-1, 2))
    return out


def own_lines(notes: list[WallNoteResult], reads: list[OcrResult], margin: float,
              turn_deg: float) -> list[OcrResult]:
    """The readings with each line of writing given to one note. Where two notes' outlines
    overlap (a note stuck over another, an outline that takes in part of the note beside
    it), both read the lines in the overlap: the same place in the photo, the centre of a
    line of one inside a line of the other. Writing is put in the middle of the note it is
    on, so those shared lines are kept by the note they lie deeper in (the mean distance of
    their centres inside its outline, over its side) and dropped from the other. An outline
    is only known to `margin` of its side (crop_margin: no board to fit it to), so a
    difference within it is a tie and both keep them (a column of notes each stuck over
    the bottom of the one above: a line in the overlap lies as near the edge of one as of
    the other). Lines only one note reads are never touched."""
    places = [line_places(n, o, margin, turn_deg) for n, o in zip(notes, reads, strict=True)]
    outlines = [None if n.outline_px is None else np.asarray(n.outline_px, np.float32)
                for n in notes]
    sides = [0.0 if q is None else float(np.sqrt(abs(cv2.contourArea(q)))) for q in outlines]
    centres = [[p.mean(0) for p in ps] for ps in places]
    drop: list[set[int]] = [set() for _ in notes]

    def inside(pt: np.ndarray, poly: np.ndarray) -> bool:
        return cv2.pointPolygonTest(poly.astype(np.float32), (float(pt[0]), float(pt[1])),
                                    False) >= 0

    def depth(k: int, lines: set[int]) -> float:
        q = outlines[k]
        return float(np.mean([cv2.pointPolygonTest(q, tuple(map(float, centres[k][a])), True)
                              for a in lines])) / max(sides[k], 1.0)

    # each outline's bounds grown by the crop's margin: the lines read lie in the crop
    boxes = [None if q is None else (q.min(0) - margin * s, q.max(0) + margin * s)
             for q, s in zip(outlines, sides, strict=True)]
    for i in range(len(notes)):
        for j in range(i + 1, len(notes)):
            if not places[i] or not places[j] or boxes[i] is None or boxes[j] is None:
                continue
            if (boxes[i][0] > boxes[j][1]).any() or (boxes[j][0] > boxes[i][1]).any():
                continue  # crops apart: no line of one lies on the other
            mine, theirs = set(), set()
            for a, pa in enumerate(places[i]):
                for b, pb in enumerate(places[j]):
                    if inside(centres[i][a], pb) or inside(centres[j][b], pa):
                        mine.add(a)
                        theirs.add(b)
            if not mine:
                continue
            di, dj = depth(i, mine), depth(j, theirs)
            if di > dj + margin:
                drop[j] |= theirs
            elif dj > di + margin:
                drop[i] |= mine
    return [o if not d else from_lines([ln for a, ln in enumerate(o.lines) if a not in d])
            for o, d in zip(reads, drop, strict=True)]
