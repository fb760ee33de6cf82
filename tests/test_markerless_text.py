"""The text of notes on a photo with no board: a photo turned as a whole (no EXIF
orientation, a phone held sideways or upside down) and stickers stuck on the writing."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from capture.bench.metrics import char_edits
from capture.bench.ocr_fonts import FONTS
from capture.core.config import CONFIG
from capture.core.text import OcrLine, OcrResult, from_lines
from capture.kit.fonts import load_font
from capture.vision.markerless_read import read_text, read_wall
from capture.vision.note_text import crop_quads, ocr_view, own_lines
from capture.vision.notes import note_crop
from capture.vision.ocr import read_notes
from capture.vision.wall_results import MarkerlessResult, WallNoteResult

WORDS = ("Partage", "Lien social", "Sobriété", "Clause sociale", "Équité", "Coût global")
PAPERS = ((252, 232, 90), (250, 130, 180), (130, 205, 240))


def _wall(scale: float = 3.0) -> np.ndarray:
    """A grey wall, two rows of three notes (76 mm at `scale` px/mm) each with one or two
    lines of handwriting (Comic Neue, 9 mm capitals), upright."""
    side, gap, edge = round(76 * scale), round(20 * scale), round(70 * scale)
    w, h = 3 * side + 2 * gap + 2 * edge, 2 * side + gap + 2 * edge
    img = Image.new("RGB", (w, h), (212, 212, 205))
    draw = ImageDraw.Draw(img)
    font = load_font(FONTS["Comic Neue"], round(12 * scale))
    for i, word in enumerate(WORDS):
        row, col = divmod(i, 3)
        x0, y0 = edge + col * (side + gap), edge + row * (side + gap)
        draw.rectangle((x0 + 4, y0 + 5, x0 + side + 4, y0 + side + 5), fill=(160, 160, 154))
        draw.rectangle((x0, y0, x0 + side - 1, y0 + side - 1), fill=PAPERS[i % 3])
        lines = word.split(" ")
        for j, line in enumerate(lines):
            y = y0 + side // 2 + round((j - len(lines) / 2) * 16 * scale)
            draw.text((x0 + round(8 * scale), y), line, font=font, fill=(25, 25, 60))
    rng = np.random.default_rng(3)
    arr = np.asarray(img).astype(np.float32) + rng.normal(0, 2, (h, w, 3))
    return np.clip(arr, 0, 255).astype(np.uint8)


def _cer(texts: list[str]) -> float:
    edits = chars = 0
    for t in WORDS:
        e, n = min(char_edits(x, t) for x in texts) if texts else char_edits("", t)
        edits, chars = edits + e, chars + n
    return edits / chars


@pytest.mark.slow
@pytest.mark.parametrize("quarters", [0, 1, 2])
def test_a_photo_turned_as_a_whole_reads_its_notes(quarters: int) -> None:
    """The same wall upright, turned a quarter and upside down: each note's crop is taken
    with the side nearest the photo's top on top, so every note of a turned photo is read
    sideways or upside down (nothing, or garbage) unless the photo's turn is found."""
    photo = np.ascontiguousarray(np.rot90(_wall(), quarters))
    res = read_wall(photo, CONFIG, lambda crops: read_notes(crops, CONFIG.ocr))
    assert len(res.notes) == len(WORDS)
    texts = [n.text for n in res.notes]
    assert _cer(texts) <= 0.1, texts
    for n in res.notes:  # the report's crop is left the way it was read: upright
        assert n.crop is not None and np.asarray(n.crop).shape[0] == np.asarray(n.crop).shape[1]


def test_ocr_view_fills_stickers_and_neighbours_not_the_writing() -> None:
    """A red sticker on the writing and a neighbour note's edge inside the crop's margin are
    filled in from the paper around them; the writing away from them is left as it is."""
    side = 400
    crop = np.full((side, side, 3), (250, 232, 95), np.uint8)
    cv2.putText(crop, "idee", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (20, 20, 60), 8)
    cv2.circle(crop, (300, 190), 40, (210, 30, 45), -1)
    crop[:, 380:] = (245, 120, 175)  # a pink neighbour beyond the note's right edge
    quad = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float64)
    own = np.array([(10, 10), (375, 10), (375, 390), (10, 390)], np.float64)
    neighbour = np.array([(378, 0), (600, 0), (600, side), (378, side)], np.float64)
    out = ocr_view(crop, quad, own, [neighbour], [(300.0, 190.0, 40.0)], 0.0)
    disc = np.zeros((side, side), bool)
    cv2.circle(disc.view(np.uint8), (300, 190), 36, 1, -1)
    red = (out[..., 0].astype(int) - out[..., 1] > 100) & (out[..., 2] < 100)
    assert red[disc].mean() < 0.02  # the sticker is gone
    assert np.abs(out[:, 385:].astype(int) - (250, 232, 95)).max(-1).mean() < 40  # paper
    assert np.array_equal(out[:, :200], crop[:, :200])  # the writing away from them
    assert ocr_view(crop, quad, own, [], [], 0.0) is crop  # nothing to fill: the crop itself


def test_ocr_view_fills_a_note_of_another_colour_stuck_over_this_one() -> None:
    """A blue note stuck over this yellow note's lower part, with its own writing: filled in
    (it is on top: its paper is not this note's); a yellow one over it is left (same paper:
    which of the two is on top is unknown)."""
    side = 400
    quad = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float64)
    own = np.array([(10, 10), (390, 10), (390, 390), (10, 390)], np.float64)
    over = np.array([(150, 280), (500, 280), (500, 600), (150, 600)], np.float64)
    for paper, filled in (((130, 200, 240), True), ((250, 232, 95), False)):
        crop = np.full((side, side, 3), (250, 232, 95), np.uint8)
        cv2.putText(crop, "idee", (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (20, 20, 60), 8)
        crop[280:, 150:] = paper
        cv2.putText(crop, "autre", (160, 360), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 60), 8)
        out = ocr_view(crop, quad, own, [over], [], 0.0, CONFIG.notes.duplicate_paper_de)
        ink = out[300:380, 160:390].min(-1) < 80
        assert (not ink.any()) if filled else ink.any()
        assert np.array_equal(out[:200], crop[:200])


def _read_generated(index: int, seed: int) -> dict:
    """A generated markerless wall (photo `index` of `seed`, medium, 6 MP) read with the
    default OCR: each true note's text -> the note found nearest its centre."""
    from capture.synth.markerless_scene import render_markerless

    data, truth = render_markerless(index, seed, "medium", 6.0)
    photo = np.ascontiguousarray(cv2.imdecode(np.frombuffer(data, np.uint8), 1)[..., ::-1])
    res = read_wall(photo, CONFIG, lambda crops: read_notes(crops, CONFIG.ocr))
    w, h = truth["size_px"]
    return {
        t["text"]: min(res.notes, key=lambda n: np.hypot(n.center[0] * w - t["center_px"][0],
                                                          n.center[1] * h - t["center_px"][1]))
        for t in truth["notes"]
    }


@pytest.mark.slow
def test_a_word_half_under_a_sticker_is_read() -> None:
    """A generated wall (set 41's third photo, 6 MP): on "Former les acheteurs" a sticker
    covers the end of "acheteurs"; the detector scores what is left of the line under
    det_box_thresh, and the line was dropped whole ("Former les"). Read as a weak line, the
    letters a reader can see are read; the other notes read as before."""
    from dataclasses import replace

    found = _read_generated(2, 41)
    note = found["Former les acheteurs"]
    assert note.text.startswith("Former les achet"), note.text
    for text in ("Intérêt général", "Négociation ?", "Trop long"):
        assert char_edits(found[text].text, text)[0] <= 1, found[text].text
    # without weak lines the detector's lines alone drop the third line (the second look at
    # 320 px, missed_side_px, finds it too: off here, to see the 224 px detector alone)
    off = replace(CONFIG.ocr, ppocr=replace(CONFIG.ocr.ppocr, det_weak_box_thresh=None,
                                            missed_side_px=None))
    assert read_notes([np.asarray(note.ocr_crop)], off)[0].text.split() == ["Former", "les"]


@pytest.mark.slow
def test_a_lone_letter_between_lines_and_a_dropped_apostrophe() -> None:
    """A generated wall (set 41's eighth photo, 6 MP): on "Contrôle / à / l'exécution" the
    detector scores the lone "à" 0.35 (a weak line of one letter, dropped: "Contrôle
    l'exécution"); it lies between two lines read, and is read. On "Grille d'analyse" the
    recogniser drops the apostrophe ("Grille danalyse"): the word list puts it back."""
    found = {text: note.text for text, note in _read_generated(7, 41).items()}
    assert found["Contrôle à l'exécution"].split()[:2] == ["Contrôle", "à"], found
    assert found["Grille d'analyse"] == "Grille d'analyse", found


@pytest.mark.slow
def test_a_line_the_detector_misses_at_its_first_size_is_read() -> None:
    """A generated wall (set 53's seventh photo, 6 MP): on "Lien / social", in a thin
    slanted script, the detector finds no box over "Lien" at 224 px (the note was read
    "social"); the note's ink shows a written band apart from the line read, the detector
    looks again at 320 px, finds "Lien" at 0.86, and it is read."""
    from dataclasses import replace

    found = _read_generated(6, 53)
    note = found["Lien social"]
    assert note.text == "Lien social", note.text
    off = replace(CONFIG.ocr, ppocr=replace(CONFIG.ocr.ppocr, missed_side_px=None))
    assert read_notes([np.asarray(note.ocr_crop)], off)[0].text == "social"


def _note(nid: str, outline: np.ndarray, crop: np.ndarray | None = None) -> WallNoteResult:
    """A found note with its outline in photo px (and the crop the OCR reads)."""
    c = outline.mean(0)
    return WallNoteResult(nid, "yellow", 1.0, (float(c[0]), float(c[1])),
                          tuple(map(tuple, outline)), "g1", 1, 1, (), outline_px=outline,
                          ocr_crop=crop, crop=crop)


def _square(x: float, y: float, side: float, longer: float = 0.0) -> np.ndarray:
    """A note's outline (TL TR BR BL), its lower side `longer` px further down."""
    return np.array([(x, y), (x + side, y), (x + side, y + side + longer),
                     (x, y + side + longer)], np.float64)


def _crop_box(note: WallNoteResult, box_px: np.ndarray) -> tuple:
    """A line's box given in photo px, as the OCR gives it: crop px of the note's crop."""
    side = np.asarray(note.ocr_crop).shape[0]
    quad = crop_quads(np.asarray(note.outline_px), CONFIG.markerless.crop_margin, 90.0)[0]
    square = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    h = cv2.getPerspectiveTransform(quad.astype(np.float32), square)
    pts = cv2.perspectiveTransform(box_px.reshape(-1, 1, 2), h).reshape(-1, 2)
    return tuple((float(x), float(y)) for x, y in pts)


def test_a_line_two_notes_read_is_kept_by_the_note_it_lies_deeper_in() -> None:
    """Two notes of 200 px one under the other, the upper one's outline taking in the top
    of the lower one (an outline across two touching notes of one colour): the lower
    note's first line, read by both, stays the lower note's; each note's own lines stay.
    Two notes overlapping where a shared line lies as near the edge of one as of the
    other (a column of notes each stuck over the one above): a tie, both keep it."""
    m = CONFIG.markerless
    blank = np.zeros((240, 240, 3), np.uint8)

    def line(y: float) -> np.ndarray:
        return np.array([(30, y - 12), (170, y - 12), (170, y + 12), (30, y + 12)], np.float64)

    def read(note: WallNoteResult, texts_ys: list[tuple[str, float]]) -> OcrResult:
        return from_lines([OcrLine(t, 0.9, _crop_box(note, line(y))) for t, y in texts_ys])

    upper = _note("m01", _square(0, 0, 200, 80), blank)
    lower = _note("m02", _square(0, 210, 200), blank)
    reads = [read(upper, [("Partage", 60), ("Lien", 110), ("Sobriete", 260)]),
             read(lower, [("Sobriete", 260), ("Equite", 300)])]
    got = own_lines([upper, lower], reads, m.crop_margin, m.ocr_turn_deg)
    assert [o.text for o in got] == ["Partage Lien", "Sobriete Equite"]
    # the same readings turned: the boxes are those of the crop as it was read
    upper.turn = 2
    turned = [from_lines([OcrLine(ln.text, ln.confidence,
                                  tuple((240 - x, 240 - y) for x, y in ln.box))
                          for ln in reads[0].lines]), reads[1]]
    assert [o.text for o in own_lines([upper, lower], turned, m.crop_margin, 90.0)] == [
        "Partage Lien", "Sobriete Equite"]
    upper.turn = 0
    # the shared line half way between the two edges: nothing tells whose it is
    above = _note("m01", _square(0, 0, 200), blank)
    below = _note("m02", _square(0, 150, 200), blank)
    reads = [read(above, [("Partage", 60), ("Lien", 175)]),
             read(below, [("Lien", 175), ("Equite", 280)])]
    got = own_lines([above, below], reads, m.crop_margin, m.ocr_turn_deg)
    assert [o.text for o in got] == ["Partage Lien", "Lien Equite"]
    # lines only one note reads are never touched
    far = _note("m03", _square(600, 0, 200), blank)
    alone = [read(above, [("Partage", 60)]), read(far, [("Equite", 100)])]
    assert own_lines([above, far], alone, m.crop_margin, m.ocr_turn_deg) == alone


@pytest.mark.slow
def test_a_neighbours_writing_an_outline_takes_in_is_dropped() -> None:
    """Rendered: two yellow notes touching one under the other, the upper one found with an
    outline that takes in three quarters of the lower one and its writing (as on a real
    wall where no seam shows between them). Read as read_wall reads them, the upper note
    gives its own word only, the lower one its own; with ocr_own_lines off the upper note
    reads both words."""
    scale, side = 3.0, 228
    img = Image.new("RGB", (side + 200, 2 * side + 200), (212, 212, 205))
    draw = ImageDraw.Draw(img)
    font = load_font(FONTS["Comic Neue"], round(12 * scale))
    for k, word in enumerate(("Partage", "Sobriété")):
        y0 = 100 + k * side
        draw.rectangle((100, y0, 100 + side - 1, y0 + side - 1), fill=PAPERS[0])
        draw.text((100 + 24, y0 + side // 2 - 20), word, font=font, fill=(25, 25, 60))
    photo = np.asarray(img)
    outlines = [_square(100, 100, side, 3 * side // 4),
                _square(100, 100 + side, side)]
    m = CONFIG.markerless
    ppm = CONFIG.notes.crop_px_per_mm * m.note_mm / side
    for own in (True, False):
        res = MarkerlessResult()
        for k, q in enumerate(outlines):
            crop = note_crop(photo, np.eye(3), crop_quads(q, m.crop_margin, m.ocr_turn_deg)[0],
                             side, ppm)
            res.notes.append(_note(f"m0{k + 1}", q, crop))
        config = replace(CONFIG, markerless=replace(m, ocr_own_lines=own))
        read_text(res, lambda crops: read_notes(crops, CONFIG.ocr), config)
        texts = [n.text for n in res.notes]
        if own:
            assert char_edits(texts[0], "Partage")[0] <= 1, texts
            assert char_edits(texts[1], "Sobriété")[0] <= 1, texts
        else:
            assert char_edits(texts[0], "Partage Sobriété")[0] <= 2, texts
