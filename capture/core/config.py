"""Every tunable number of wall capture, in one place, with the reason for its default.

Stages read `CONFIG` (or a copy passed in); nothing else hard-codes a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    workshop_max_bytes: int = 1_000_000  # a workshop file is a few KB; refuse anything huge
    workshop_max_depth: int = 20  # the real file nests 6 deep; far deeper would blow the stack
    # corrections.json from the report: ~300 bytes a correction, a workshop has a few hundred
    # notes; 5 MB is ten times a wall corrected twice over, and keeps a hostile file cheap
    corrections_max_bytes: int = 5_000_000
    max_pixels: int = 100_000_000  # decompression-bomb guard (100 MP)
    min_side_px: int = 320  # smaller than this cannot hold a readable board
    text_max_chars: int = 500  # OCR text and QR payloads are cut to this


@dataclass(frozen=True)
class KitConfig:
    """Printed board geometry (mm). Markers big enough to be found at 2 px/mm, 45° tilt."""

    aruco_dictionary: str = "DICT_4X4_250"
    margin_mm: float = 15.0  # printers do not print the outer ~5 mm
    marker_mm_small: float = 40.0  # boards whose larger side is <= large_board_mm
    marker_mm_large: float = 60.0
    large_board_mm: float = 600.0
    marker_spacing_mm: float = 600.0  # large boards get extra edge markers at most this far apart
    gap_mm: float = 6.0  # between printed elements
    qr_mm_small: float = 36.0
    qr_mm_large: float = 56.0
    zone_grey: int = 150  # zone outlines and labels: neutral grey, never saturated ink
    label_grey: int = 110
    default_dpi: int = 150
    pdf_dpi: int = 300  # the PDF is rendered finer than the PNGs: markers print crisp
    sizes_mm: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "verbatim": (420.0, 297.0),  # A3 landscape
            "story": (420.0, 594.0),  # A2 portrait
            "process": (1189.0, 841.0),  # A0 landscape
            "mire": (841.0, 841.0),
            "calibration": (420.0, 297.0),  # A3 landscape: five note spots fit
        }
    )


@dataclass(frozen=True)
class PrintConfig:
    """The kit PDF: paper, printer margins and how boards larger than the paper are tiled."""

    paper: str = "auto"  # "auto" picks the paper (A4 or A3) that needs fewer pages
    # most printers leave 3-6 mm blank; page labels live in the rest. 9.5 mm (not 10) lets a
    # 841 mm board (A0 height, the mire) tile on 3 rows of A3 instead of 4.
    printer_margin_mm: float = 9.5
    overlap_mm: float = 10.0  # glue strip between neighbouring tiles (1 cm: easy to glue)
    mark_mm: float = 6.0  # length of crop / alignment marks in the margin
    label_mm: float = 2.6  # text height of page labels
    glue_grey: int = 200  # hatching of glue strips (hidden once the tiles are assembled)


@dataclass(frozen=True)
class PpocrConfig:
    """The `ppocr` engine (capture.tools.ppocr): PP-OCR text detection and recognition."""

    # Model files inside the rapidocr wheel (its models/ folder): PP-OCRv6 small, detection
    # and recognition. The wheel is pinned (pyproject.toml), so are they; nothing downloads.
    det_model: str = "PP-OCRv6_det_small.onnx"
    rec_model: str = "PP-OCRv6_rec_small.onnx"
    # Lines are detected on the note resampled to each of these sizes (px on its longer
    # side), each size's lines are recognised, and the reading that says the most
    # (capture.core.text.read_weight: characters x confidence) is kept, note by note. On a
    # 76 mm note at 224 px (~3 px/mm) a marker letter (5-9 mm) is 15-26 px tall, at 320 px
    # 21-38 px: at 224 the detector finds blurred writing whole and less grain, at 320 it
    # keeps small letters. One size, 224: alone it read the boards' hard 43 and medium 40
    # better than 320 did. (224, 320) reads a little better still (markerless walls, seeds
    # 41-43: 356 against 371 edits; hard 43 per photo 331 against 356; medium unchanged)
    # but costs 2.3x the OCR time: the samples' whole run takes 22 % more CPU, which
    # breaks issue 17's speed targets (2x faster than Tesseract, <= 150 ms a note on the
    # rendered notes: 178 ms at two sizes). Kept for those who trade time for text
    # (docs/ocr-journal.md, "Detection at two sizes").
    det_sides_px: tuple[int, ...] = (224,)
    # A later size's reading replaces the one kept when its read_weight is more than this
    # much higher: one character read with full confidence. read_weight counts characters,
    # so readings within one of each other say as much, and the first size (the more
    # measured) stays. On the crops, a replacement on any gain (0) / 0.5 / 1 / 2 read the
    # markerless walls at 352 / 350 / 356 / 365 edits (224 alone: 371), hard 43 per photo at
    # 330 / 333 / 331 / 337 (356), medium 40 at 48 / 49 / 47 / 47 (47).
    det_more_chars: float = 1.0
    det_box_thresh: float = 0.5  # a detected line's mean text probability (rapidocr default)
    # Weak lines: a box the detector scores from this up to det_box_thresh, lying apart
    # from the lines read (at most weak_overlap of its area under them) on a note whose
    # lines were read, is recognised too. A word half under a sticker scored 0.3-0.5 and
    # was dropped whole though the recogniser reads it sure ("Former les" for "Former les
    # achete[urs]"). None: no weak line.
    det_weak_box_thresh: float | None = 0.3
    weak_overlap: float = 0.5
    # ... and kept only when read this sure (the review threshold, low_confidence: on the
    # real photos most weak boxes are marks, arrows and stray pen read as letters at
    # 0.5-0.85, where the generated walls' words read at 0.9 and more) and this long: a
    # lone weak character was a mark read as a digit or a capital ("0", "4", "S") on the
    # real photos 9 times out of 10 (docs/markerless-journal.md, "Note text, third round").
    weak_line_score: float = 0.9
    weak_min_chars: int = 2
    # ... unless it is a letter on a line of its own between two lines read, within their
    # span (ppocr.between_lines): "à" in "Contrôle / à / l'exécution" scored 0.35 and read
    # at 0.99999 on seed 41. The marks read as lone characters on the real photos lie
    # beside the writing or under it: of their 312 notes none reads otherwise with it
    # (docs/markerless-journal.md, "Note text, fourth round").
    weak_lone_between: bool = True
    # Line boxes are grown from the detector's text kernel by this (DB's unclip: each side
    # pushed out by about area x ratio / perimeter; rapidocr's default). 1.5 was measured
    # (docs/ocr-journal.md, "Real handwriting: lone signs kept"): on the 178 real
    # notes 747 -> 724 edits, a line's box no longer taking in its neighbours' ascenders and
    # descenders, but the boards' bench (medium 40) 107 -> 110 edits and the rendered fonts
    # 2.2 -> 2.6 % (Breip 8.2 -> 9.9 %): not kept.
    det_unclip_ratio: float = 1.6
    # The detector sees the note as a grey page (ppocr.paper_grey): its luminance, scaled so
    # that the paper (the lighter half of its middle) stands at this level (0-255). The
    # lines are still recognised on the colour crop. On coloured paper in dim light (the
    # affinity wall's red notes: paper at luminance 60-90, black ink 30-50) the detector
    # merged the lines of the colour crop into one box or found none ("Cry / Raw Data /
    # Now" read "2"); on the by-eye transcriptions of 178 notes of eight real photos
    # (docs/markerless-journal.md, "What the handwriting reads on real photos"), their crops
    # read again with the grey page on every note, the colour crop read 806 edits, grey 752,
    # grey with the paper at 200 / 230 / 255 728 / 694 / 694, the colour crop brightened the
    # same way 793: the detector wants both the grey and the contrast. None: never.
    det_paper_level: float | None = 230.0
    # ... the gain at most this (a note whose paper stands under level / max_gain, a nearly
    # black note, is brightened only this much: its grain would be taken for ink).
    det_paper_max_gain: float = 4.0
    # ... on paper darker than this (its luminance, ppocr.paper_level; None: on every note).
    # On paper as light as the generated walls' the colour crop reads as well or better: the
    # grey page on every note read the generated markerless walls' whole writing 13 -> 17
    # edits (sets 47, 53, 54; their paper stands at 120-176) while on the real photos'
    # crops it read 806 -> 708 edits. The real gain is on paper under 100 (the affinity
    # wall's reds stand at 40-80: 256 -> 190 edits on the crops); from 100 to 128 the real
    # notes read the same either way (156 -> 152) and the generated ones a few edits worse
    # (a gate at 128: the boards' medium 40 107 -> 111 edits, set 48 6 -> 7 whole).
    det_dim_paper: float | None = 100.0
    # ... and the grey page is the crop's grey along the paper's own colour
    # (ppocr.paper_shade: each channel weighted as the paper's colour weighs it), not its
    # luminance: on red paper luminance takes most of its grey from the green channel, where
    # paper and ink are both dark and the JPEG noise is most of what is left, and makes blue
    # ink as light as the paper. On the 178 real notes' crops read again (36th stop,
    # docs/ocr-journal.md, "The grey page along the paper's colour") 718 -> 687 edits, all
    # on post-its-8's dim notes ("Cry / "Raw Data / Now"" read "hew Daton" -> "Cry "Raw
    # Dotor No ..."); the brightest channel instead 687 too, but it makes blue ink on red
    # as light as the paper; CLAHE on the luminance 714. Paper at 255 instead of 230: 692,
    # the gate at 110 / 128: 693 / 691 (no more gain over 100). On every note it read the
    # real notes better still (664) but was not measured on the generated walls, where the
    # luminance grey page on every note read worse (34th stop). False: luminance (the 34th
    # stop's grey page).
    det_paper_shade: bool = True
    # Missed lines: on a note whose ink shows a written band apart from the lines read
    # (ppocr.ink_lines), the detector looks again at this size, and its boxes apart from
    # the lines read (weak_overlap) are added when read sure (weak_line_score,
    # weak_min_chars). At 224 px a line of thin slanted script is sometimes not seen
    # ("Lien / social" read "social", set 53); 320 px finds it. Detection at both sizes
    # for every note costs 2.3x the OCR time (det_sides_px); here only the notes with ink
    # apart. None: never.
    missed_side_px: int | None = 320
    # ... a band counts as apart when at most this share of it lies under the lines read:
    # ink_lines' bands are padded and take in the stickers' smears, and at 0.5 (as weak
    # lines) 17 of 46 notes of set 47 looked again (+40 % of the OCR's CPU) for the same
    # readings; at 0.05, 2 of 46.
    missed_overlap: float = 0.05
    # Lines are recognised on the full crop (8 px/mm), resized to 48 px tall, this many per
    # batch (lines sorted by width, a batch padded to its widest): on 45 rendered crops
    # 6 (rapidocr's default) took 129 ms per note, 16 152 ms, 32 166 ms (more padding).
    rec_batch: int = 6
    # ... and padded to at least this width: rapidocr pads to 320 px, which doubles the work
    # on one-word lines; 160 read the same 45 crops as well (CER 1.3 %) in 99 ms, not 129.
    rec_min_width: int = 160
    # Read Latin-script characters only (capture.tools.ppocr.latin_char): the recogniser
    # also knows Chinese, Japanese, ... which no French or English workshop writes.
    latin_only: bool = True
    # A line read with a lower mean character probability is dropped: at 0.3 / 0.5 / 0.7
    # medium 40 read at 3.1 / 3.1 / 3.5 % CER and hard 43 (>= 2 px/mm) at 31.4 / 32.2 % /
    # -: under 0.5 the lines kept are mostly noise read as letters, over it real words go.
    min_line_score: float = 0.5
    inset_frac: float = 0.02  # the note's own edge and shadow trimmed before detection
    # --- lines found from the ink (capture.tools.ppocr.ink_lines), for the notes on which
    # the detector finds no line read at min_line_score: on blurred, grainy notes it merges
    # two lines into one box or finds none. On hard 43's crops 44.0 -> 39.2 % CER (>= 2
    # px/mm: 28.4 -> 26.5 %), medium 40's unchanged (2.6 %); docs/ocr-journal.md, "Hard notes".
    # The figures below are hard 43's crops with each setting alone changed (all within
    # 2 points: none is fitted).
    ink_lines: bool = True
    # Trimmed off the crop first: the note's border, shadow and a neighbour's edge make
    # bands of "ink" along it; handwriting keeps clear of the last 6 mm (0.02: 39.9 %).
    ink_inset_frac: float = 0.08
    # The grain smoothed away before ink is measured (Gaussian sigma, px at the detection size,
    # ~0.5 mm; 1.0 / 2.5: 38.7 / 39.7 %): a grain pixel is then averaged with its ~20
    # neighbours while a stroke (1-2 mm) keeps most of its contrast.
    ink_smooth_px: float = 1.5
    # A row (column) is ink when its mean ink rises this share of the way from the paper
    # to the peak (0.3 / 0.5: 41.1 / 40.1 %)...
    ink_level: float = 0.4
    # ... and a band under this share of the tallest is an accent or an underline, not a
    # line: it joins its nearest band (0.25: 39.8 %).
    ink_min_height: float = 0.45
    # Each band grown by this share of its height on every side, up to half way to the
    # next band: the recogniser needs paper around the letters (0.5 / 0.8 / 1.3: 40.8 /
    # 40.7 / 40.5 %).
    ink_pad: float = 1.0
    # A crop none of whose pixels stands this far (Lab distance, smoothed) from its paper
    # holds no writing: blank generated and noisy notes peak at 1-8, every written crop of
    # hard 43 and medium 40 at 24 or more (6: the same texts).
    ink_min_contrast: float = 12.0
    # A note read with a lower confidence is flagged low_ocr_confidence. PP-OCR's character
    # probabilities sit near 1: on a generated medium set (seed 41, 117 notes) 0.9 flagged
    # 7 notes whose CER was 39 %, against 5 % for the rest (QaConfig.low_ocr_confidence is
    # Tesseract's).
    low_confidence: float = 0.9
    # --- each line's words decoded against the languages' word lists (capture.tools.
    # ctc_words): a word of the greedy reading that no list knows is replaced by the list
    # word within word_max_dist edits the recogniser finds the most probable over that
    # word's time steps (CTC forward sum), when it finds it at least word_ratio as probable
    # as the reading. Measured in docs/ocr-journal.md, "Word lists under the recogniser's
    # own probabilities".
    # Real walls 15.0 -> 13.1 % CER (614 -> 537 edits), generated sets 41-43, 47-52 850 ->
    # 803 edits (ev_fast --ocr), no set losing.
    lexicon_words: bool = True
    # Offline, real / generated edits at 0.1: 566 / 823, 0.03: 544 / 818, 0.01: 536 / 812,
    # 0.001: 530 / 794: both gain down to 0.001; a list word 100 times less probable than
    # the reading is the margin kept for the names and other languages' words the lists
    # lack (walls not seen have more of them).
    word_ratio: float = 0.01
    # Edits allowed for a word of word_min_len, word_min_len + 1, ... letters (the last
    # for longer words): (1, 2, 2) / (1, 1, 1) read 535 / 556 real edits.
    word_max_dist: tuple[int, ...] = (1, 1, 2)
    # Shorter words stay as read and are no candidates ("Bik" -> "Bi" on set 42: a word's
    # last letters hidden, not misread).
    word_min_len: int = 3
    word_caps_len: int = 3  # capitals of up to this many letters (acronyms) stay as read
    # List words rarer in the lists' corpora are no candidates (pyspellchecker's lists hold
    # 290 000 forms, many of them typos and rare names): 50 / 1000 / 10000 at ratio 0.1
    # read 565 / 572 / 587 real edits against 566, at 2x / 0.4x the time.
    word_min_count: int = 100
    word_limit: int = 20  # nearest list words scored per word
    # A space the recogniser left out between two list words, or put inside one, is
    # mended when the reading that comes out (a word no list knows cut into two list
    # words: "TOCONFIRM" -> "TO CONFIRM"; two words parted by one space, one no list word,
    # joined into a list word: "Da ta" -> "Data") is at least this probable against the
    # recogniser's reading (ctc_words.decode_words; None: never). On the 178 real notes
    # the candidates' log ratios were -3.0 to +0.1 for the right ones ("TOCONFIRM",
    # "CALLTO", "MIKETO", "Da ta") and -6.4 to -13.3 for the wrong ("EVER NOTE", "KAN
    # BAN", "SPRING PAD"): 0.01 (ln -4.6), word_ratio's margin, lies between; real 534 ->
    # 529 edits (0.1: 531); docs/ocr-journal.md, "Real handwriting: where the edits are".
    word_space_ratio: float | None = 0.01


@dataclass(frozen=True)
class OcrConfig:
    """Reading the handwriting on note crops: which engine, and each engine's settings."""

    # "ppocr" (neural, the default) or "tesseract" (`capture run --ocr`): docs/ocr.md.
    engine: str = "ppocr"
    ppocr: PpocrConfig = field(default_factory=PpocrConfig)
    languages: str = "fra+eng"  # Tesseract: French with English loan words; `capture run --lang`
    enabled: bool = True  # False: notes are found and placed, not read (fault tests, quick counts)
    # --- the `tesseract` engine (capture.tools.tesseract) ---
    oem: int = 1  # LSTM engine only
    # Folder of .traineddata to read with; None: the better models of `capture models
    # --install` when present (capture.io.model_files), else Tesseract's own. `capture run` sets it.
    tessdata_dir: str | None = None
    # Every note is read several times, each "mode/style/letter px", and the readings vote
    # word by word. mode: block (--psm 6) | line7 | line13 (each written line alone, --psm 7
    # or raw line 13). style: soft (grey kept around Otsu strokes) | sharp (soft + unsharp
    # mask) | core (soft cut at core_level) | otsu (black and white) | stroke (strokes set
    # to stroke_frac of the letter height) | grey (flattened grey, Tesseract binarises).
    # Chosen greedily among 28 candidates on the note crops of two generated medium sets
    # (seeds 1 and 2, 661 notes): see docs/accuracy.md, "Level medium", for a third set.
    # A "/system" suffix reads with Tesseract's own models (Debian's tessdata_fast) instead
    # of the better ones (capture.io.model_files): the two model sets err differently, and the first
    # four readings again with the other models improve the vote on real handwriting and on
    # generated notes alike (docs/accuracy.md, "OCR models"). Without the better models they
    # are dropped.
    readings: tuple[str, ...] = (
        "block/soft/36", "line13/sharp/36", "block/sharp/36", "line7/soft/48",
        "block/core/36", "block/grey/36", "line7/soft/22",
        "block/soft/36/system", "line13/sharp/36/system", "block/sharp/36/system",
        "line7/soft/48/system",
    )
    # The vote prefers a word of the languages' word lists (capture.tools.lexicon): this
    # much off its mean distance to the other readings' variants (0: no word lists).
    # On three generated medium sets 0.045 and 0.07 gave the same, 0.023 less
    # (docs/accuracy.md, "Word lists in the vote, and the session's choice among views").
    lexicon_bonus: float = 0.05
    soft_halo_frac: float = 0.3  # "soft": grey kept this far (share of letter height) around ink
    sharpen_sigma_frac: float = 1 / 16  # "sharp": unsharp-mask radius, share of letter height
    sharpen_amount: float = 1.0
    stroke_frac: float = 0.12  # "stroke": stroke width as a share of the letter height
    core_level: int = 70  # "core": pixels darker than this (0-255) are ink
    inset_frac: float = 0.025  # trim the note's own edge and shadow before reading
    max_upscale: float = 4.0
    max_downscale: float = 0.35
    flatten_kernel_frac: float = 0.12  # background estimate window, share of the crop side
    ink_min_contrast: float = 0.08  # below this contrast the note is blank: skip Tesseract
    denoise_frac: float = 0.004  # Gaussian sigma as a share of the crop side (~0.3 mm on a note)
    noise_k: float = 3.0  # ink is darker than the paper by this many noise sigmas
    min_source_px_per_mm: float = 2.0  # below, handwriting reads badly (measured): note_too_small
    border_px: int = 24  # white margin Tesseract needs around text
    deskew_max_deg: float = 10.0  # writing on a note is rarely more than this off level
    deskew_step_deg: float = 1.0
    # Lines: peaks of the row profile (smoothed at line_smooth_frac of the letter height,
    # above line_peak_frac of the fullest row, closer than line_merge_frac letters = one
    # line), cut where the valley between two drops below line_valley of the lower peak.
    line_smooth_frac: float = 0.25
    line_peak_frac: float = 0.05
    line_merge_frac: float = 0.8
    line_valley: float = 0.5
    min_word_conf: float = 20.0  # punctuation below this (0-100) is noise from paper texture
    timeout_s: float = 30.0  # one Tesseract run: base time ...
    timeout_per_page_s: float = 2.0  # ... plus this per image in it; a stuck image is retried alone


@dataclass(frozen=True)
class BatchConfig:
    """`capture run`: which files, how many workers."""

    extensions: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif")
    max_jobs: int = 8  # beyond this, memory (12 MP photos x stages) grows faster than speed
    crop_jpeg_quality: int = 88  # note crops are for people to read, not archives


@dataclass(frozen=True)
class MergeConfig:
    """Choosing the best view of a board seen in several photos."""

    # Views are ranked by (markers, -reprojection error, visible fraction, -flags); error
    # differences under this many mm are treated as ties so the marker count decides first.
    error_tie_mm: float = 0.5
    # A note the chosen view lacks is added from other photos when the chosen view did not
    # see its place, or when this many other photos found it there.
    note_min_views: int = 2
    # A note's text: among the views that read it with at least this share of the best OCR
    # confidence, the reading closest to the others (merge.best_readings). Measured on four
    # generated medium sets (docs/accuracy.md, "Word lists in the vote, and the session's
    # choice among views"): 0.8 and 0.9 alike, 0.6 worse than the most confident reading
    # alone (1.0).
    text_confidence_frac: float = 0.8
    # ... among the views that saw the note at >= this many photo px per mm, when any did:
    # below it handwriting is a few pixels high (the vote's CER there: 43 %, against 16 % at
    # 2-3 px/mm) and Tesseract can still be confident about a wrong word (docs/accuracy.md,
    # "The session's text from legible views").
    text_min_px_per_mm: float = 1.5
    # Zone coverage (interpret.coverage): each zone sampled on this many points per side (grid
    # zones: per side of each of their 9 cells); 16 x 16 gives steps of 0.4 %, finer than
    # the "vu à 40 %" a person reads, and costs nothing beside the analysis.
    coverage_samples: int = 16
    # A zone seen at least this much counts as fully seen: the frame's edge grazing a zone's
    # border (a few mm of paper, no sticker fits there) must not mark its count as partial.
    coverage_full: float = 0.97


@dataclass(frozen=True)
class RegisterConfig:
    """Finding boards: ArUco markers + QR, one robust homography per board."""

    detect_max_side_px: int = 2600  # markers searched on a copy this size, refined at full res
    min_marker_perimeter_rate: float = 0.012  # of the detection image's larger side: far markers
    min_marker_side_px: float = 22.0  # reduced-copy markers smaller than this: search full size
    adaptive_win_min: int = 3
    adaptive_win_max: int = 33
    adaptive_win_step: int = 10
    corner_refine_win_px: int = 5  # full-res cornerSubPix half window
    # How far (share of its perimeter) a marker's outline may stray from its 4-corner polygon.
    # 0.05 let rounded, blurred outlines pass but cut some corners wrongly, so that a sharp,
    # plainly visible marker failed to decode; OpenCV's default 0.03 finds as many or more of
    # the markers in view on five generated sets incl. hard, with a third of the spurious ones.
    polygon_approx_rate: float = 0.03
    # A marker with a corner this close to the photo's edge may be cut by it: its corners are
    # then the frame's, and a board fitted on it lands centimetres off. Not used (OpenCV's
    # own default margin; the white frame added for detection would otherwise let it through).
    edge_margin_px: float = 3.0
    ransac_threshold_marker_frac: float = 0.04  # RANSAC inlier distance, share of the marker side
    ransac_threshold_min_px: float = 2.0
    min_scale_px_per_mm: float = 0.15  # below: absurd homography (a 40 mm marker under 6 px)
    max_scale_px_per_mm: float = 60.0
    max_scale_ratio: float = 12.0  # local scale across the board beyond this: degenerate
    qr_px_per_mm: float = 5.0  # the QR region is warped to this resolution before pyzbar reads it
    # A board whose QR code is not decoded is compared module by module with its own code
    # (register.qr_match): marker ids are not unique to a workshop, the QR code is.
    qr_match_min_module_px: float = 1.2  # smaller modules (photo px) blur into each other
    qr_match_min_seen: float = 0.8  # share of the payload's modules inside the photo to judge
    qr_match_min_pattern: float = 0.5  # finder/timing patterns this visible: a QR code is there
    qr_confirm_min: float = 0.5  # correlation at or above: the board's own code
    qr_foreign_max: float = 0.2  # below: another code (another workshop's board), ignored
    visible_grid: int = 24  # board sampled on this grid to measure its share inside the frame
    wall_plane_max_markers: int = 2  # boards seen through this few markers borrow the wall plane
    wall_scale_tol: float = 0.06  # ... of a well-seen board when their relative scale is ~1
    wall_fit_max_mm: float = 2.5  # ... and the markers fit that plane this well


@dataclass(frozen=True)
class RectifyConfig:
    """Boards resampled to a fixed resolution; every later coordinate is board mm."""

    px_per_mm: float = 3.0  # a 12 mm sticker spans 36 px
    max_pixels: int = 5_000_000  # big boards (A0) get a coarser resolution to stay fast
    margin_mm: float = 60.0  # kept around the board so notes overflowing its edge stay whole


@dataclass(frozen=True)
class ColourConfig:
    """White balance and flat field from the board's own paper, then CIELAB for classifying."""

    background_mm_per_px: float = 4.0  # the light field is estimated on a coarse grid
    background_sigma_mm: float = 30.0  # light varies slowly: smoothing of the paper-white field
    paper_chroma_max: float = 0.06  # chromaticity distance to the paper's median: "paper" pixels
    # paper spreads to neighbouring blocks this near in chromaticity (L1), where it changes
    # by less than paper_grow_gradient per block (mixed light drifts; a note's border steps)
    paper_grow_step: float = 0.006
    paper_grow_gradient: float = 0.005
    paper_min_brightness: float = 0.45  # share of the paper level: darker pixels are ink, not paper
    black_percentile: float = 3.0  # marker black level (camera flare): darkest marker pixels
    white_target: float = 1.0  # normalised paper maps to white: the references are 'on white paper'
    # The grey print, normalised, is neutral within ~2 (CIELAB chroma) on ordinary photos; a
    # tint of this much or more is a cast left in the mid-tones, taken off them
    # (colour.print_cast). Saturated colours clip differently from the grey print, so a mild
    # tint is no guide for them: at 5, an orange sticker under a mild clipped cast (print
    # tint 6) was pushed to yellow; the blue labels of the case it is for showed 25.
    print_cast_min: float = 10.0


@dataclass(frozen=True)
class DotsConfig:
    """Dot stickers in vote zones."""

    chroma_min: float = 15.0  # CIELAB chroma of a sticker pixel (washed out by glare: ~20)
    min_fill: float = 0.35  # a blob smaller than this share of one sticker's area is noise
    new_cover_min: float = 0.33  # a further sticker must cover this share of its own area anew
    ambiguous_low: float = 0.15  # leftover area in [low, new_cover_min) of a sticker: ambiguous
    inside_min: float = 0.7  # a placed sticker lies at least this much on coloured pixels
    notch_max_area: float = 1.3  # blobs up to this many stickers' area may lean on their hull
    prune_own_min: float = 0.2  # a placed sticker must cover this share of a sticker alone
    note_area_frac: float = 0.3  # blobs above this share of a note's area are notes, not stickers
    max_cluster: int = 12  # more stickers than this in one blob: not stickers
    unknown_delta_e: float = 26.0  # farther from every declared colour: "unknown" (purple-blue ~31)
    # an undeclared colour (calibration table) makes a sticker "unknown" when it is nearer than
    # the best declared one; when the sticker reads washed out (chroma below this share of the
    # declared colour's: glare, shade) its hue is unreliable and the undeclared colour must be
    # clearly nearer, within undeclared_ratio of the declared distance (a washed crimson falls
    # halfway between red and pink; a purple sticker sits on purple, far from blue)...
    undeclared_washed_chroma: float = 0.8
    undeclared_ratio: float = 0.6
    # ...and when the declared match is off by more than a well-lit sticker's usual spread
    undeclared_min_delta_e: float = 10.0
    # A glare veil that does not clip can wash a sticker below chroma_min: a piece above a
    # lower threshold, faint_noise_factor x the paper's own chroma noise (90th percentile)
    # but at least faint_chroma_min, less than faint_strong_max of it above chroma_min, is
    # counted too, and flagged for review.
    faint_noise_factor: float = 3.0
    faint_chroma_min: float = 6.0
    faint_strong_max: float = 0.5
    faint_print_margin_mm: float = 1.5  # the board's own print, grown this much, is left out
    glare_l_min: float = 93.0  # CIELAB L of a glare pixel (on the normalised board)
    glare_zone_frac: float = 0.04  # flag glare when this share of a vote zone is clipped highlight
    clip_level: int = 250  # a photo pixel at or above this in every channel is saturated
    clear_factor: float = 1.1  # a placed sticker clears this x its radius (its rim is not news)
    single_max_area: float = 1.3  # a blob up to this many stickers' area split by colour: one
    twin_frac: float = 0.5  # discs closer than this x the radius are one sticker
    radius_min_samples: int = 3  # lone stickers needed to adjust the declared radius
    radius_bounds: tuple[float, float] = (0.85, 1.2)  # ... within these factors of it


@dataclass(frozen=True)
class NotesConfig:
    """Sticky notes: coloured squares of known size."""

    search_px_per_mm: float = 1.0  # the square search runs at this resolution
    chroma_min: float = 8.0  # floor; raised on boards whose paper is less neutral (see below)
    paper_chroma_factor: float = 3.0  # threshold >= this x the paper's 90th-percentile chroma
    chroma_max_threshold: float = 16.0  # ... but never above this (pale notes must pass)
    min_area_frac: float = 0.3  # a blob under this share of a note is not a note
    new_cover_min: float = 0.3  # a further note must cover this share of its own area anew
    late_cover_min: float = 0.2  # ... or this share, once every note above the first is placed
    inside_min: float = 0.75  # a placed note lies this much on coloured (or off-photo) pixels
    angle_step_deg: float = 3.0
    unknown_delta_e: float = 45.0
    crop_px_per_mm: float = 8.0  # OCR crops: about 600 px for a 76 mm note
    min_visible_frac: float = 0.45  # less of a note inside the photo: another photo holds it
    centre_margin_frac: float = 0.1  # a note centre must lie this share of its side in the frame
    duplicate_frac: float = 0.3  # squares closer than this x the note side are one note ...
    duplicate_paper_de: float = 25.0  # ... unless of two classes whose papers differ this much
    size_tolerance: float = 0.4  # 51 to 102 mm packs for 76 declared (+ blur widening the mask)
    size_snap: float = 0.1  # measured this near the declared side: the declared (blur, shadow)
    size_min_samples: int = 3  # lone notes needed to set the side of multi-note blobs
    size_agree: float = 0.1  # ... when their sides' interquartile range is within this share
    lone_fill_min: float = 0.85  # a blob filling its min-area rectangle this much is one note...
    lone_aspect_max: float = 1.2  # ... when that rectangle is about square
    pack_sizes_mm: tuple[float, ...] = (38.0, 51.0, 76.0, 102.0)  # square sticky-note packs
    # Stacked notes (which of two overlapping notes is on top; see notes.stacking)
    stack_min_frac: float = 0.02  # overlaps under this share of the smaller note are ignored
    stack_inset_mm: float = 2.0  # cues are read this far inside the other note (blurred borders)
    stack_min_samples: int = 5  # fewer pixels than this: the cue says nothing
    stack_colour_margin: float = 0.3  # the overlap's colour must favour one note by this share
    # Else two notes whose own paper differs by this CIELAB distance (pastel and neon of one
    # colour class) are told apart by the overlap's shade, which must lie nearer one of them
    # by this share of that distance
    stack_shade_min_de: float = 12.0
    stack_shade_margin: float = 0.5
    stack_edge_reach_mm: float = 3.0  # an outline's step is looked for this far on either side
    stack_tilts_deg: tuple[float, ...] = (-4.0, -2.0, 0.0, 2.0, 4.0)  # square angle a little off
    stack_ink_drop: float = 25.0  # profiles this much darker than the paper (L) cross writing
    stack_ink_hue: float = 16.0  # ... or this far (a, b) from the notes' colour
    stack_edge_ratio: float = 1.6  # ... else one outline must show this many times the step
    stack_edge_floor: float = 1.5  # (L per mm) of the other, counted from at least this much
    covered_flag: float = 0.1  # a note this much under others is flagged note_covered
    colour_min_share: float = 0.25  # a note's colour is read off other notes' squares when
    # this share of its inner area is left


@dataclass(frozen=True)
class QaConfig:
    """Thresholds that raise review flags."""

    poor_fit_mm: float = 2.0  # reprojection error above this: the board is poorly fitted
    blur_min: float = 1.0  # sharpness = 1 / marker edge blur in mm on the wall; below: blurry
    low_ocr_confidence: float = 0.5  # the tesseract engine's; ppocr: PpocrConfig.low_confidence
    # a board whose paper is saturated over this share is overexposed: colours less sure
    overexposed_paper: float = 0.5


@dataclass(frozen=True)
class SynthLevel:
    """How hard one level of sample photos is (ranges are sampled uniformly per photo)."""

    tilt_deg: tuple[float, float]  # angle between the optical axis and the wall normal
    roll_deg: float  # small hand roll, +-
    any_roll_p: float  # share of photos rolled by any angle
    overframe_p: float  # share framed tighter than the boards: some boards cut by the edge
    light_gradient: float  # illumination drop across the frame (fraction)
    vignetting: float  # corner darkening (fraction)
    wb_error: float  # relative white-balance error (kelvin fraction)
    glare_p: float
    shadow_p: float
    blur_px: tuple[float, float]  # defocus sigma at 12 MP
    motion_p: float
    motion_px: float  # motion blur length at 12 MP
    noise: float  # signal-dependent noise scale
    jpeg_quality: tuple[int, int]
    unknown_sticker_p: float  # per sticker: a colour nobody declared
    note_overlap_p: float  # per note: may cover a corner of another one
    overflow_p: float  # per note: placed across a zone or board edge
    sticker_touch_p: float = 0.0  # per sticker: stuck against another (touching, <= 30 % overlap)
    note_lift_mm: float = 0.0  # max lift of a note's bottom edge off the wall (curl, real geometry)
    note_spin_p: float = 0.0  # per note: rotated up to +-20 deg instead of a few degrees
    note_stack_p: float = 0.0  # per note: stuck over the lower part (text) of another note
    mixed_light_p: float = 0.0  # per photo: daylight on one side, warm lamps on the other
    lens_k1: float = 0.0  # residual radial distortion left by the phone's correction, +-
    clip_p: float = 0.0  # per photo: overexposed, paper highlights clipped
    arm_p: float = 0.0  # per photo: a person's arm or shoulder in the frame, out of focus
    # per markerless photo: the room around the wall in view (printed sheets with note-coloured
    # blocks and printed dots, a whiteboard, folders, magnets, pins, floor, door frame), framed
    # wider; 0 at easy and medium so the bench seeds' figures stay comparable across stops
    clutter_p: float = 0.0
    # per markerless photo: notes of other real packs (76 x 127, 100 x 100, 38 x 51, lined
    # 102 x 152 mm) throughout or mixed with the usual 76 mm squares (markerless_scene.
    # wall_packs); 0 at easy and medium so the bench seeds' figures stay comparable
    note_packs_p: float = 0.0
    # per markerless photo: dot voting as it happens (popular notes with 8-20 dots touching
    # and overlapping, two pack sizes, dots straddling a note's edge, a tight free cluster;
    # markerless_scene.vote_dots); 0 at easy and medium for the same reason as clutter_p
    vote_p: float = 0.0
    # per markerless photo: a title over each group of notes (a 76 x 127 or 102 x 152 card cut
    # in two along its length, a square cut in two, a card landscape, or two squares of one
    # colour edge to edge; markerless_scene.header_strips); 0 at every level for now (its own
    # stream: turning it on changes nothing else of a photo), `samples --headers` draws them
    header_p: float = 0.0


@dataclass(frozen=True)
class SynthConfig:
    """Sample photo generator (capture samples): severity per level and shared constants."""

    easy: SynthLevel = field(default_factory=lambda: SynthLevel(
        tilt_deg=(0.0, 15.0), roll_deg=3.0, any_roll_p=0.0, overframe_p=0.1,
        light_gradient=0.12, vignetting=0.12, wb_error=0.05, glare_p=0.1, shadow_p=0.1,
        blur_px=(0.0, 0.8), motion_p=0.0, motion_px=0.0, noise=0.5, jpeg_quality=(88, 95),
        unknown_sticker_p=0.0, note_overlap_p=0.05, overflow_p=0.05, sticker_touch_p=0.05,
        note_lift_mm=4.0, note_spin_p=0.0, note_stack_p=0.0,
        mixed_light_p=0.0, lens_k1=0.005, clip_p=0.0))
    medium: SynthLevel = field(default_factory=lambda: SynthLevel(
        tilt_deg=(5.0, 30.0), roll_deg=8.0, any_roll_p=0.1, overframe_p=0.3,
        light_gradient=0.3, vignetting=0.25, wb_error=0.15, glare_p=0.35, shadow_p=0.35,
        blur_px=(0.4, 1.6), motion_p=0.15, motion_px=6.0, noise=1.0, jpeg_quality=(78, 92),
        unknown_sticker_p=0.02, note_overlap_p=0.12, overflow_p=0.1, sticker_touch_p=0.15,
        note_lift_mm=9.0, note_spin_p=0.03, note_stack_p=0.04,
        mixed_light_p=0.25, lens_k1=0.012, clip_p=0.1))
    hard: SynthLevel = field(default_factory=lambda: SynthLevel(
        tilt_deg=(10.0, 45.0), roll_deg=15.0, any_roll_p=0.5, overframe_p=0.5,
        light_gradient=0.5, vignetting=0.4, wb_error=0.3, glare_p=0.6, shadow_p=0.6,
        blur_px=(0.8, 2.8), motion_p=0.35, motion_px=12.0, noise=1.8, jpeg_quality=(70, 88),
        unknown_sticker_p=0.04, note_overlap_p=0.2, overflow_p=0.15, sticker_touch_p=0.25,
        note_lift_mm=14.0, note_spin_p=0.1, note_stack_p=0.1,
        mixed_light_p=0.45, lens_k1=0.02, clip_p=0.2, arm_p=0.15, clutter_p=0.75,
        note_packs_p=0.3, vote_p=0.5))
    canvas_px_per_mm_factor: float = 1.2  # boards render at 1.2x the photo's density, then warp
    canvas_px_per_mm_max: float = 6.0  # cap: keeps an A0 board's canvas affordable
    upside_down_p: float = 0.1  # landscape shots taken with the phone upside down (EXIF 3)

    def level(self, name: str) -> SynthLevel:
        return getattr(self, name)


@dataclass(frozen=True)
class ReportConfig:
    """report.html: image sizes chosen so a report of 50 photos opens quickly from disk."""

    photo_max_px: int = 1600  # longer side of the photo copy (sharp enough to see a sticker)
    photo_jpeg_quality: int = 80
    board_max_px: int = 1100  # longer side of each rectified board image
    board_max_px_per_mm: float = 4.0  # never upsample a small board beyond the photo's detail
    board_jpeg_quality: int = 78
    chart_label_chars: int = 110  # verbatim quotes longer than this are cut in the chart label
    # capture publish: each wall's photo embedded in synthese.html at this longer side (px):
    # enough to recognise the wall on A4, ~100 kB each so the page mails easily
    publish_photo_px: int = 900
    # A person's correction names a sticker on a wall read with no board by its centre (it
    # has no id): the sticker found again within this x the photo's note side. A sticker's
    # radius is about 0.12 of a note's side (19 mm on 76 mm), so a re-run moving a centre by a
    # few pixels still finds it and two touching stickers (centres 0.25 side apart) are not
    # taken for each other.
    wall_dot_match_side: float = 0.1
    # A photo whose note side is unknown (no note found): a note taken as this share of the
    # photo's longer side, for the outline drawn around a note a person adds (10 notes across)
    wall_note_side_frac: float = 0.1


@dataclass(frozen=True)
class MarkerlessConfig:
    """Photos without a board of the workshop: notes and dots found on the whole photo."""

    mode: str = "auto"  # auto: when no board is found; always: `capture run --markerless`
    probe_max_side_px: int = 1000  # the first look (wall colour, note scale) runs this size
    note_mm: float = 76.0  # a note of the usual size is taken as this (the common pack)
    work_px_per_mm: float = 2.0  # dots and colours are read at this density (notes at half)
    work_max_px: int = 6_000_000  # ... unless the work image would exceed this many pixels
    wall_bins: int = 16  # CIELAB histogram bins per axis for the wall's colour (its mode)
    wall_neutral_chroma: float = 12.0  # a wall this neutral is white under a cast: balanced
    # (painted walls measure up to ~10 under warm light; a kraft roll ~14 and more)
    # ... and reflects light enough to show it: a mode under wall_balance_min_l (CIELAB L*
    # after the exposure's gain; 15 is 1.9 % of white) is no balance. A black board's pixels
    # are the lens's flare (a phone's veiling glare is 1-2 % of the highlights: the scene's
    # average colour, here its notes'), the sensor's black level and noise, not the light:
    # post-its-4's black board (L* 3.5-3.8) became the mode under a vignette or a window's
    # light (the wall around it spread over more bins) and its balance (1.49/1.18/0.67)
    # turned the beige wall yellow and lost every note. A dark slate (post-its-9, L* 22-28)
    # still shows its light; no generated wall comes near (every mode the probe reads: L* 48.8
    # or more on the 104 plain photos, 18.2 or more on the 52 room photos)
    wall_balance_min_l: float = 15.0
    # An underexposed photo (its brightest exposure_white_pct percentile under exposure_white
    # in linear light, by exposure_gain_min or more) is brightened that far, up to
    # exposure_gain_max (two stops): one stop darker, the pale blue notes of a real kanban
    # whiteboard fell within fg_delta_e of the board (CIELAB chroma shrinks with the light)
    # and 5 of 6 were lost. A photo exposed as phones do is left: the real photos' brightest
    # 0.5 % measure 0.65-1.0 (within two thirds of a stop of white), the generated 0.55-1.0
    exposure_white_pct: float = 99.5
    exposure_white: float = 0.85
    exposure_gain_min: float = 1.6
    exposure_gain_max: float = 4.0
    # A hazy photo (a flare, a smudged lens, a shot through glass: one light added to every
    # pixel) has its veil taken off first: the least channel's veil_pct percentile (linear)
    # when veil_min or more. A veil of 0.3 of white over the real photos
    # lost pale notes against a white board (kanban 24 -> 17) and renamed every colour.
    # Measured on 3 x 3 means in the probe, the least channel's 0.1 % floor: the real photos
    # 0.00-0.02 (a close-up of yellow notes with no ink: 0.02), 2/3 stop brighter up to 0.03,
    # the generated walls (seeds 41-52, their flare veils included) up to 0.06, the real ones
    # hazed 0.14-0.18. A veil is about one light in every channel (their floors within
    # veil_tint_max of each other; the hazed real photos 1.0-1.35, one 2.7): a kraft wall with
    # yellow notes and no ink has floors of 0.55, 0.35, 0.10, a colour, not a veil
    veil_pct: float = 0.1
    veil_min: float = 0.08
    veil_tint_max: float = 2.0
    # A light that changes colour across the photo (a warm lamp on one side, daylight from a
    # window on the other) is taken off before the photo is read (wall_surface.light_field):
    # one paint reflects every part of the light alike, so the wall's log chromaticity along
    # the black-body axis (PLANCK_AXIS), fitted as a plane over the photo (at
    # light_field_side_px; the wall: pixels off every colour step, local_light_step, not
    # darker than local_light_dark of the photo's light, within local_light_off of the axis;
    # residuals trimmed light_field_trim times at light_field_keep x their median), is the
    # light's colour there. When that plane spans light_field_min or more between the
    # photo's corners each pixel's light is brought to the one at its centre. A lamp at
    # about 3200 K and daylight (6500 K) across the twelve real photos span 0.69-1.18 (seven
    # over 0.85; notes read: 0 of 5 kanban notes, 18 of 73 on the dense whiteboard); the
    # photos as taken 0.03-0.70 (post-its-8's dim, warmer top; 0.67-0.78 under the older
    # transforms of /tmp/tf, one stop darker the most), the generated plain walls 0.00-1.35
    light_field_min: float = 0.85
    light_field_side_px: int = 500
    light_field_trim: int = 5
    light_field_keep: float = 2.5
    # the wall's pixels found so must be light_field_share_min of the photo or more: on a dark
    # slate (post-its-9: 0.24) they are the notes' pale papers, not a wall; walls under two
    # lights 0.35-0.69, the photos as taken 0.40-0.63
    light_field_share_min: float = 0.3
    # and the plane must explain the wall: the standard deviation of its log chromaticity
    # around the plane light_field_explained or less of it without: the real photos under two
    # lights 0.10-0.63 (the spread is the light's), the generated walls with a slope over
    # light_field_min 0.29 (a side light) and 0.76-1.0 (a kraft board on a grey wall, the
    # generator's window light that no plane follows): there, taking a plane off lost 3
    # notes, 5 stickers per note or added 6 false notes on 3 of 9 photos
    light_field_explained: float = 0.7
    fg_l_weight: float = 0.3  # lightness counts this much against a wall (light falls off)
    fg_delta_e: float = 16.0  # a pixel this far from the wall's colour may be a note
    # In a close-up (the notes' paper the photo's most common colour: Probe.closeup), against a
    # neutral surface (white, grey) a lighter pixel's lightness counts this much: a
    # close-up's background out of focus runs from a grey board to a white wall in the light
    # (real close-up image8: wall L* 46, the white beyond it L* 91-97 at chroma 0-2 measured
    # 14-16 at fg_l_weight, and joined the notes cut by the frame into one blob); a neutral
    # paper is no note (grey_surface), so only chroma tells a note from such a surface. Not on
    # whole walls: on a dark slate (real post-its-9) the grey gaps between stacked notes left the
    # mask and the stacks split into more squares (34 -> 36 yellow for 29 labelled)
    fg_lighter_l_weight: float = 0.0
    # A note the photo's frame cuts gets a square of its size reaching past the frame (as a
    # board's search does; in the photo alone, a square had to lie inside_min on its note inside
    # the frame: a note cut to under 3/4 of its side got none or one squeezed onto the wall).
    # Such a square is a note when this share of it is its paper inside the photo (its centre
    # may lie past the frame). A board drops notes under min_visible_frac (0.45):
    # another photo of the board holds them; a wall photo is often the only one, cut close
    # (a close-up's notes at its top, cut to a third: real image8)
    frame_visible_min: float = 0.25
    # a note whose outline lies less than this share inside the photo is flagged note_cut (its
    # writing and stickers may be partly outside); an outline fitted a few px past the frame
    # on a note that ends at it is no cut
    note_cut_flag: float = 0.97
    # A paper roll or a whiteboard on a wall is a second bare surface: a blob of at least
    # surface_min_frac of the photo, surface_share of it one flat colour, whose colour taken
    # away leaves surface_min_notes lone notes (a wall of notes edge to edge leaves none)
    # The photo's most common colour is no wall when it shows fewer than scale_field_min lone
    # notes and lies beside the notes, not around them (wall_surface.floor_beside): the
    # floor, a door or a neighbouring wall of a room's view (medium --clutter seed 42's first
    # photo: a grey-brown floor and door 33 % of the photo, the cream wall with a kraft panel
    # and 25 notes above it; the floor as the wall showed one lone blob, a folder, and every
    # note was missed). The wall is then the most common colour of the pixels farther than
    # floor_de from it in full CIELAB (a floor differs from the wall above it mostly in
    # lightness: L* 39-60 against 78-98 on the six room photos whose mode is the floor),
    # when that shows floor_outnumber times as many lone notes and scale_field_min or more
    # (that photo: 1 -> 25; real image4's desk, 1 -> 5 letters on books, is kept: its note
    # lies on it)
    floor_de: float = 12.0
    floor_outnumber: float = 2.0
    surfaces_max: int = 3
    surface_min_frac: float = 0.1
    surface_share: float = 0.5
    surface_min_notes: int = 2
    # A large blob reaching the frame is a surface beyond (dropped whole). With its own flat
    # colour taken away and cut where the colour steps, a part of it clear of the frame, a
    # note's area or more, at least lone_side_range[0] x a note wide and filling its
    # minimum-area rectangle this much is notes stuck on that surface (a column edge to edge
    # on a beige wall beside a whiteboard, real post-its-8: six green notes were dropped with
    # the wall). A column or a grid of notes edge to edge fills its rectangle but for its
    # corners and a note stuck a little askew (the real column: 0.95); the light falling off
    # across a wall leaves parts that reach the frame or are ragged
    bg_part_fill_min: float = 0.8
    rect_aspect_max: float = 1.8  # a lone filled rectangle up to this aspect is one note (3x5")
    rect_one_colour: float = 0.0  # ... and this much of it is one colour class (off: two
    # notes side by side then break into squares of the wrong size; measured on a real photo)
    rect_fill_min: float = 0.9  # ... when it fills its minimum-area rectangle this much
    # With no board the photo is not rectified: perspective makes near notes larger and turns
    # squares into trapezoids. A lone blob this square and this full is one note at its own
    # size (any size from lone_side_range x the usual one), not a pack size of the board's.
    lone_aspect_max: float = 1.45
    lone_fill_min: float = 0.8
    lone_side_range: tuple[float, float] = (0.55, 1.45)
    scale_min_px: float = 12.0  # notes smaller than this in the probe are not read
    # ... and a photo whose usual note side (the blobs' median) is under probe_side_min_px
    # in the probe (50 notes across it) holds no note to read: on a real photo overexposed
    # by 2/3 stop (a cream wall clipped to speckle) or saved at JPEG quality 15 the side
    # came from specks or letters (9 and 16 px), giving 156 and 55 false notes in up to 7
    # minutes; the real and generated photos measure 46 px and more
    probe_side_min_px: float = 24.0
    scale_round_max: float = 0.8  # a blob this round (area / enclosing circle) is a sticker
    # (a disc ~0.9, a square 0.64): not a note to take the scale from
    # A blob that fits its ellipse (the least-squares one of its outline) at least
    # ellipse_fit_min (intersection over union) and better than its least quadrilateral is a
    # sticker seen blurred or askew, not a note: a 1.6:1 ellipse is as "round" as a square by
    # area over enclosing circle (0.62 against 0.64), but a note fits its quadrilateral at
    # 0.95-1 and its ellipse at 0.8-0.9, a disc or an ellipse the other way (real blurred
    # red dots 0.95-0.98 against 0.89-0.94 in the 1000 px probe)
    ellipse_fit_min: float = 0.9
    # The wall's colour holds a note when an island of it (enclosed by other colours, not
    # reaching the frame) is a clean quadrilateral far larger than every note the rest shows
    # (past scale_rel_range): lime notes the colour of a cream wall on a dark board. An island
    # within paper_mode_de of the wall's colour is the same paper: the photo's most common
    # colour is then note paper (a close-up whose notes fill the frame), not a wall, and the
    # wall is the most common colour of the rest (one paper's shades spread 2-5 units; lime
    # against cream paint measures 14)
    paper_mode_de: float = 8.0
    # a blob that is no lone note is opened with a disc of this share of its inscribed circle's
    # diameter (half a note's side for a note): a pen or a cable touching a note goes, the
    # note's rounded corners keep it over lone_fill_min (area lost: 5 %). The next share is
    # tried when one leaves no lone note: two pens side by side against a real note (the desk
    # photo resampled to 2 MP) enclose a strip of desk that, filled as a hole, is half the
    # note thick, and a disc that wide still straddles note and pens where they touch along
    # more than its width. At 0.8 a note keeps 86 % of its square (corners rounded), still
    # over lone_fill_min; its side is measured on its square (min-area rectangle) as before
    scale_core_open: tuple[float, ...] = (0.5, 0.65, 0.8)
    # In a tilted photo far notes are smaller: the note side is fitted as a plane over the
    # photo on lone notes (at least scale_field_min of them), and blobs are covered with the
    # side expected where they are, in bands of scale_band_step, within scale_rel_range
    scale_field_min: int = 4
    # A blob of notes of different colours edge to edge (a board's columns) is cut where the
    # colour steps: pixels edge_gap_px either way differ by more than edge_delta_e (as
    # against a wall: lightness at fg_l_weight). Each part is a lone note for the scale: the
    # seam between two pack colours is 25-60 units (light orange against red 30, lime
    # against orange 40), a note's own shading and JPEG noise under 8; fg_delta_e, the step
    # from the wall a note needs, is the same kind of difference
    edge_delta_e: float = 16.0
    # A lone clean quadrilateral is one note up to this times the side expected where it lies
    # (area side): the expected side is the scale plane's rounded to a band of
    # scale_band_step (up to 6 % off), and lone notes scatter about the plane (on the real
    # dark board seen askew, 0.97-1.03 x it); larger may be two notes one over the other (a
    # clean quadrilateral on a real kanban board). At 1.0 a 1.5:1 note there (a square
    # foreshortened), 1.08 x its band's side, went to the square coverer and got two squares
    lone_quad_max: float = 1.12
    # ... its sides within this ratio of each other: notes come in a few packs, the longest
    # 5:3 (76 x 127 mm, 3 x 5 in; lined 102 x 152 mm 3:2), and a wall turned 30-35 degrees
    # from the camera (medium's tilt) foreshortens the short sides of an upright card to
    # 1.9-2.0:1 as seen (generated 76 x 127 cards beside 76 mm squares: 1.95, split into three
    # squares under rect_aspect_max). Two notes of one colour in a column are told by their
    # seam after (split_at_seam), as a stack the square coverer lays is
    lone_quad_aspect_max: float = 2.0
    # ... and one longer than rect_aspect_max is a card only when at least this x the side
    # there wide: 76 and 102 mm cards are a note's width or more, foreshortened by a 35 degree
    # turn to 0.82 and the side rounded to its band (6 %): 0.77. Narrower strips that long
    # are no pack (room photos c52/c49: a strip 0.5-0.6 of a note wide read as a note)
    lone_card_width_min: float = 0.7
    # ... and it fills its quadrilateral this much: one sheet has straight sides (a card
    # seen askew on the generated mixed walls 0.99-1.0); two notes of one colour stacked in a
    # column, never quite in line, step where they overlap (0.90-0.95 on plain set 54's fourth,
    # room photos c54/c57, which such a pair's seam too faint for split_at_seam made one card)
    card_fill_min: float = 0.97
    # ... and its two halves across its length are one paper, their median a*, b* within
    # this: light falling off across one sheet moves its lightness, not its colour (a few
    # units); two notes of two colours overlapping or edge to edge make a card's outline (a
    # yellow under a pink: about 50 apart) and are the square coverer's, as before the cards
    card_paper_ab: float = 8.0
    # A title strip (a 76 x 127 or 102 x 152 mm card cut in two along its length, a 76 mm
    # square cut in two: 2-3.3:1, 38-51 mm wide) is a clean quadrilateral of one paper past a
    # card's shape up to strip_aspect_max (3.3:1 with its short sides foreshortened by a 35
    # degree turn: 4.0; 4.5 with the scale band's rounding), strip_width_min x the side there
    # wide or more (38 mm of 76, foreshortened: 0.41, rounded to its band: 0.38) and
    # strip_length_max x it long at most (cut from a pack no longer than 152 mm, 2 x the
    # side; scale plane scatter and band rounding: 2.4; a folder's spine or a printed bar
    # runs longer), with no seam across it: two notes of one colour side by side, the shape
    # of a 2:1 strip, leave their two edges and a shadow line across (seam_depth: L* 11 on
    # the generated pairs, 0.1-0.9 across one strip with its writing). The seam is looked for
    # across the middle seam_middle of the length (a pair's seam is near its middle), in the
    # inner seam_inner of the width (clear of the long sides' shadow). The same test takes
    # back a card (past rect_aspect_max, _card) with a seam across it
    strip_aspect_max: float = 4.5
    strip_width_min: float = 0.38
    # ... and narrower than a note: a 51 mm strip is 0.67 of a 76 mm note, 0.71 rounded to its
    # band, 0.73 with the plane's scatter; a note's width is 0.82 or more foreshortened by a
    # 35 degree turn, 0.77 rounded. A blob a note wide and 2:1 is two notes side by side, left
    # to the coverer as before even when their seam is faint (room photo c54's third: L* 3.4)
    strip_width_max: float = 0.75
    strip_length_max: float = 2.4
    strip_seam_max: float = 4.0
    seam_inner: float = 0.8
    seam_middle: float = 0.6
    edge_gap_px: int = 1
    scale_band_step: float = 0.12
    scale_rel_range: tuple[float, float] = (0.5, 1.6)
    # Lone blobs past scale_rel_range above this many times fewer than the lone blobs below
    # them are things of a room (a folder, a book cover, a board), not notes: the scale is
    # the rest's. On medium --clutter walls a folder or two printed blocks (2-4 blobs) set the
    # scale 2.8-5.5 x the notes' over 8-40 note blobs, and every note was missed (35 of 92
    # on seeds 47-49's first four photos); the notes of one wall outnumber its folders.
    # Likewise lone blobs this many times as many as the cores far larger than them
    # (note_shapes._lone_cores: a folder opened away from its label), and at least
    # scale_field_min, keep the scale: on medium --clutter seed 56's third photo one
    # folder's core (3.7 x a note) set it over 18 lone notes and all 18 were missed
    scale_outnumber: float = 2.0
    # lone blobs printed on a sheet (note_shapes.on_sheets) are left out of the scale when
    # they are this share of the lone blobs or more: fewer move the median a rank at most
    # (one block among three notes moved it 4 %, within the notes' own spread, and a note
    # was lost downstream at the new scale: hard seed 42's fourth); on room photos where
    # they set the scale 0.5-0.8 x the notes' they were 0.5-0.9 of the lone blobs
    scale_printed_share: float = 1 / 3
    # such a blob is left out of the notes when the note finder's mask shows it as one blob
    # of at most this many times its measured side squared (a folder is about 1.0; more
    # means it joined notes or other things, which the note finder then sorts as before)
    room_area_max: float = 1.5
    # and when this share of it lies within edge_delta_e of its median colour in a and b
    # (one card of one hue: its spine and shading are the same hue darker, so lightness is
    # left out). Folders on medium --clutter seeds 47 and 49 measured 0.977-0.997 (in full
    # CIELAB 0.85-0.88: the spine); a cork board with 6 notes on it 0.80 (kept, searched)
    room_even_min: float = 0.93
    # A blob of the note finder's mask cut where its lightness steps (notes.find_squares' edge
    # map over cover_edge: a seam, a note's shadow line, a spine) whose largest piece is one
    # flat paper of cover_area_min notes' area or more, of one hue (room_even_min) and
    # unwritten (under cover_ink_max of it cover_ink_l darker than its median L*) is a
    # folder or book cover, not a block of notes: notes stuck edge to edge show a seam
    # between each and writing on each. Measured on the first mask of medium --clutter 47-50
    # and 52 (4 photos each) and the twelve real photos: folders' largest pieces 3.2-16 notes
    # with 0.0-0.25 % ink; real blocks of notes of one hue with faint seams (post-its-8's
    # orange column: 3.75 notes) hold 12 % ink, the others are under 2.3 notes. A 4 x 6"
    # note (2.7 notes) stays under cover_area_min; a blank 6 x 8" pad sheet would not. Since
    # the 40th stop a piece's area is its outline's (a folder's label, a hole in the piece,
    # counted: one at a slant measured 2.8 notes without it) and its outline is closed along
    # the photo's frame where it meets it (wall_notes._closed_at_frame: a folder the frame
    # cuts through its label measured 0.81-0.94 of its hull, under cover_hull_min)
    cover_area_min: float = 3.0
    # and at most this many (an A3 binder is 22 notes' area): a larger flat piece is a wall, a
    # kraft roll or a panel, which background_blobs and notes_in_background sort (bench seed 42
    # with the room, seventh photo: a kraft panel taken out as a cover left its notes' ragged
    # surroundings to the square coverer, 9 false notes and 6 colours wrong)
    cover_area_max: float = 24.0
    # and convex, this share of its convex hull: a card's or a printed block's piece fills
    # 0.975-0.993 of it (folders and blocks on medium --clutter 48, 50, 52); a cream wall's lit
    # part joined to a yellow note whose edge steps too little to cut (bench seed 41 with the
    # room, fifth photo: 0.90; the note was lost at 3.0 notes without this) is ragged
    cover_hull_min: float = 0.95
    cover_edge: float = 0.15
    cover_ink_l: float = 10.0
    cover_ink_max: float = 0.01
    # what is left of such a blob narrower than this times a note's side (a cover's spine, its
    # cut-out edges) goes with it; a note touching the cover is wider and stays
    cover_strip_frac: float = 0.5
    # A blob of the note mask clear of the photo's frame is a board hung on the wall holding
    # notes (a pin board, a cork or kraft panel under the tenth of the photo a bare surface
    # needs), taken out as a surface local to it (wall_notes._boards), when its largest
    # piece cut as a cover's spans board_area_min notes' area or more, is mostly one flat
    # colour (surface_share), unwritten (under board_ink_max of it, small holes filled,
    # cover_ink_l darker than its median) and holds board_notes_min holes of half a note or
    # more of other colours (notes on it). Measured (search px, the scale's side): panels
    # holding notes on medium --clutter seeds 49 and 53: pieces 23-138 notes, ink
    # 0.8-1.3 %, 2-4 notes held; a drawn cork board 27 notes, no ink, 4 held. Real blocks of
    # one colour edge to edge with faint seams (post-its-3's yellow, post-its-8) are pieces
    # of 3.6-3.7 notes holding none (ink 1.6 and 12 %); a drawn block of six written yellow
    # notes is a piece of 4.4 notes with 11 % ink. A4 folders are 11 notes, a binder 22,
    # but hold one hole (the label): the held notes tell them apart, not the size; 8 keeps
    # the faint-seamed blocks out by size as well. Printed sheets (white, their text and dots
    # 1.8-5.7 % ink on medium --clutter 47 and 49) mostly fail on ink; one that passes (49's
    # third, 1.8 %) has its blocks left as lone blobs, put off the sheet (paper_sheets) as
    # before
    board_area_min: float = 8.0
    board_ink_max: float = 0.02
    board_notes_min: int = 2
    dot_delta_e: float = 22.0  # a pixel this far from its note's paper (a, b) may be a sticker
    # (beyond a note's outline, within the outline's doubt, its paper is only what joins the
    # paper inside it within this: a sticker of its colour on a neighbour is not its paper)
    dot_l_weight: float = 1.0  # a blob unlike a note's paper only with lightness counting
    # this much (against the wall fg_l_weight: light falls off across a wall, hardly across
    # one note) is a faint sticker when it is one whole disc of a sticker's size: a dark blue
    # sticker on a purple note differs from it mostly in lightness, and so does handwriting.
    # Deep inside a note (past the outline's doubt) this evidence compares with the papers
    # only: the wall is not seen there (an orange sticker's highlight on a kraft roll)
    dot_mm: float = 12.0  # sticker diameter assumed until lone stickers give theirs
    dot_open_frac: float = 0.55  # opening kernel (diameter) as a share of that radius
    dot_mm_range: tuple[float, float] = (6.0, 25.0)  # lone round blobs in this range set it
    # A sticker pack is die-cut to one size (dot-voting packs: 8, 12-13, 16, 19 mm) and a wall
    # that mixes packs shows its dots in a few sizes, not a spread: the lone round blobs'
    # radii (scale divided out), sorted, split where one is dot_pack_gap times the one before
    # or more (8 -> 12 mm is 1.5, 12 -> 16 1.33, 12 -> 19 1.58; 16 and 19 mm, 1.19 apart, are
    # one size to this rule and the usual search takes both; a blob's radius wanders by a few
    # % with blur and JPEG),
    # and a group of dot_pack_min or more whose median is dot_pack_gap or more from the
    # usual radius is another pack, looked for at its own size (wall_stickers.pack_sizes):
    # the usual size's lone-sticker search reaches 0.8 of it only (dot_own_range), and an
    # 8 mm dot beside 12 mm ones is 0.67
    # Dots sold run from 8 to 19 mm (2.4 times): a group farther than dot_pack_span from the
    # usual radius is not another pack of the same thing, one of the two is not dots (a room
    # photo, c49, whose usual size came out 2.6 times a 12 mm dot's, had its true dots' size
    # as a group 3.3 times smaller: looked for at it, three more false free dots)
    dot_pack_gap: float = 1.25
    dot_pack_min: int = 2
    dot_pack_span: float = 2.5
    dot_ring_min: float = 0.6  # a lone sticker's surroundings: this share wall or note paper,
    # or no sticker evidence at all (the writing it is stuck on: pen strokes are opened away)
    dot_chromaticity: float = 0.06  # ... and whose chromaticity (rgb / sum) differs this much
    dot_edge_band: float = 0.05  # either side of a note's outline (x its side): no sticker
    dot_rim_max: float = 0.12  # share of a sticker's rim (1.15-1.5 r) still sticker-coloured
    # ... and of the disc's own colour: within this (CIELAB, lightness at half weight) of its
    # median. A strip a disc was laid on runs on in its colour; the writing a sticker is stuck
    # over or beside is ink of another colour (blue ink by a purple sticker ~18 away, by a
    # green one ~60) and was read as the sticker running on
    dot_same_colour_de: float = 14.0
    # a sticker's glossy highlight counts as its colour (wall_stickers._highlight) when it is
    # this much lighter (CIELAB L) than the sticker and than the surface around it (the 75th
    # percentile of the bare ring's lightness): the lamp's light added is lighter than both,
    # a blend of ink and paper (the antialiased rim of blue marker on yellow, whose
    # chromaticity also runs towards grey) never lighter than the paper; the margin is over
    # a paper's noise in L (1-2 on the generated walls; the real photos at JPEG quality 15,
    # ringing around letters, read the same with it)
    dot_highlight_l: float = 4.0
    dot_colourless_chroma: float = 6.0  # a disc whose median CIELAB chroma is under this is a
    # glare highlight or a white surface beyond the wall, not a sticker: every sticker name is
    # a colour, and one washed out by glare keeps more (the boards' faint_chroma_min)
    dot_fill_min: float = 0.85  # share of a sticker's disc (0.8 r) that is sticker-coloured
    # a heap of dot stickers (wall_stickers.heap_members): its dots' surroundings are other
    # dots, so it is judged as a whole. At least this many stickers' area (three: a pair is
    # _touching_pair's), its outline sticker rims only (no straight run of dot_heap_straight
    # radii within dot_heap_arc_tol radii of a line: a disc's rim leaves a line by 0.25 r
    # within 1.3 r; a note's side runs 4-12 sticker radii), and this share of it under the
    # full discs laid on it (a heap is discs; a stroke narrower than a disc fills none).
    dot_heap_min_discs: float = 1.5
    dot_heap_arc_tol: float = 0.25
    dot_heap_straight: float = 3.0
    dot_heap_cover: float = 0.6
    # ...and it is not one round thing: a blob sharing this much (intersection over union)
    # with the ellipse fitted to its outline is a disc seen askew (a magnet, a pin's head);
    # three dots overlapping share ~0.75-0.85 with theirs (notches, lobes)
    dot_heap_disc_fill: float = 0.88
    # a disc judged again with lightness counting (not full in the usual evidence) is kept
    # only this many radii or more from a sticker already kept: two stickers touching lie two
    # radii apart, stuck overlapping by a tenth of their diameter 1.8; nearer, the disc covers
    # the rest of that sticker's blob and whatever touches it (a pen stroke)
    dot_overlap_max: float = 1.8
    stroke_min_discs: int = 4  # discs in one blob on one line (spread across it under
    stroke_width_frac: float = 0.35  # this x the radius): a pen stroke, not stickers
    dot_round_min: float = 0.72  # circularity 4 pi A / P^2 of a lone sticker blob
    dot_inscribed_min: float = 0.8  # ... whose inscribed radius (distance transform) is this
    # share of its area's radius or more (a disc ~0.95, a 7 x 4 mm marker dash 0.7), and its
    # radius within dot_mm_range: only such blobs set the sticker size. Marker dashes and
    # bends set it to half a sticker on real whiteboards, and every thick stroke then filled
    # a disc that small (issue 20)
    dot_own_round_min: float = 0.75  # a lone blob this round (area / enclosing circle) is one
    # sticker: its own radius (a near one is larger than the usual) sets its rim test
    # A far sticker in a tilted photo is an ellipse (1.4:1 seen on the generated walls), past
    # dot_own_round_min. Perspective shapes it as it shapes the notes near it: a blob that is
    # round once seen through the affine map of the nearest note's outline (its square seen
    # askew) is one sticker, as much smaller than the usual one as that note is than the
    # usual note. Ink loops are shaped by the hand, not the view: taking any ellipse up to
    # 1.45:1 brought them in on real notes. A note seen under dot_view_min:1 leaves a disc
    # round enough as it is; over dot_view_max:1 a lone note is more likely a 3x5" card
    # (1.67:1) than a square seen askew; a note's view holds within dot_view_reach of its
    # sides (perspective changes slowly along a wall)
    dot_view_min: float = 1.1
    # ... but not a note whose outline was re-laid at its run's seams (note_runs.relay_runs,
    # WallNote.laid): a sheet shingled under the next shows a strip, a rectangle that is no
    # square seen askew, and its view made letter bowls round (real post-its-9: two false
    # stickers, 4 -> 6, with the outlines of its shingled pairs cut at their seams); True
    # takes their views as any note's (for measuring)
    dot_view_laid: bool = False
    # A sticker the photo's frame cuts is one when its outline off the frame is an arc of one
    # circle (90 % of its points within dot_arc_fit x the radius of it; a blurred rim and the
    # mask's opening keep a whole sticker's within ~5 %) of a sticker's radius, centred inside
    # the photo, and the blob fills that circle's part inside the frame (dot_fill_min). A
    # sticker near the frame is judged on the part of its ring (1.3-1.8 radii) inside the
    # photo, when that is dot_frame_ring_min of the whole ring or more: a sticker cut through
    # its centre shows half its ring; under 0.45 its surroundings are mostly unseen
    dot_arc_fit: float = 0.1
    # A sticker outside every outline whose ring is mostly the paper (within dot_delta_e / 2)
    # of a note within dot_paper_reach radii is on that note: an outline found short (a note
    # curled or overlapped, off by up to a third of its side) leaves it outside
    dot_paper_reach: float = 6.0
    # A sticker on the wall is also looked for against the wall around it (the median over a
    # few sticker radii) at dot_wall_faint_de (wall_stickers.faint_free_stickers): a far small
    # sticker's blurred rim and glossy highlight lie within dot_delta_e of the wall (the far
    # orange of 42 IMG_0007: its highlight 18-20 from the kraft wall), notching what the usual
    # evidence keeps of it. Half dot_delta_e: the rim and the highlight are about half the
    # sticker's contrast; only whole round stickers are taken from it.
    dot_wall_faint_de: float = 11.0
    # ... and only blobs of which the usual evidence holds this share (hysteresis: it seeds,
    # the faint evidence gives the extent). A marker letter on a whiteboard holds none (its
    # strokes are opened away there) but comes through the faint evidence thickened by its
    # blur, a letter's bend as round as a small sticker (real post-its-3); the far orange
    # sticker of 42 IMG_0007, notched by its highlight, holds 0.6 of its faint blob (a
    # sticker fainter still, less).
    dot_wall_seed_min: float = 0.3
    dot_frame_ring_min: float = 0.45
    dot_view_max: float = 1.6
    dot_view_reach: float = 3.0
    # An overexposed sticker saturates a channel (an orange one's red): measured, its hue is
    # another colour's (orange reads yellow). A channel at or above dots.clip_level over
    # dot_clip_share of the sticker's disc (most of it, not its glossy highlight) is a lower
    # bound when the sticker is named, up to dot_clip_gain_max x in linear light (3 stops:
    # a photo metered on a dark wall with the notes in the light). The same holds for a note's
    # paper (its middle 60 %): a pink note clipped in red and blue measures purple; there the
    # photo's exposure (1 to dot_clip_gain_max x) is fitted too (note_colours.name_colours)
    dot_clip_share: float = 0.5
    dot_clip_gain_max: float = 8.0
    # That exposure is a fit, often near a tie: several exposures explain the photo within a
    # unit or two, and a clipped lime pack read yellow or orange at the best one and lime at
    # its neighbours. A clipped pack is named by its distances averaged over the exposures,
    # each weighted exp(-misfit / this) (misfit: the photo's sum over packs of each one's
    # least distance, above its least): the exposures that explain the photo almost as well
    # count almost as much. One colour unit: a pack's own shades spread a few. Rendered limes
    # clipped in a row, part in shade (27 photos, exposure 1.6-3.4 x): 21 -> 9 notes wrong
    # (4 photos better, none worse); the 72 development photos named alike
    # (note_colours.name_colours)
    clip_exposure_tau: float = 1.0
    # On a photo with nothing clipped the exposure is fitted too (the same fit and averaging,
    # from note_exposure_min to 1 x white paper): a paper's lightness is its reflectance times
    # the exposure, and compared as measured a note seen darker than its reference leans to
    # the darker paper of two neighbouring hues (a neon yellow, lighter than canary, read lime
    # on walls exposed at 0.6-0.8). Three stops under white paper (0.125): the dimmest photos
    # read (a dim room's notes fit 0.13-0.5, a stop darker copies of the real photos).
    # 1.0: off, the lightness as measured (note_colours.name_colours)
    note_exposure_min: float = 0.125
    # One exposure holds when the light is even over the wall: each pack's own best exposure
    # (against its nearest name) within this factor of the others'. A dim column beside a lit
    # board (real post-its-8: packs at 0.13-0.5) or notes in a bright window and in shade
    # share none, and their lightness is taken as measured, as before. Measured (packs' own
    # exposures, max over min): the 65 generated development photos with two packs or more
    # and nothing clipped 1.0-2.0 but two (2.14, 2.30); the real photos post-its-1, -2, -5,
    # -7, -9 1.32-1.87; -4, -6, -8, -3 2.30-4.29 (-8 and -3 would rename 9 notes each if
    # fitted one exposure: dim greens lime, red-orange notes orange). One stop
    note_exposure_spread: float = 2.0
    # Under uneven light (the spread above exceeded) the packs are named as measured, and a
    # dim pack's lightness (far under every reference's) outweighs its hue: its two nearest
    # names may lie within the noise of the pixels (real post-its-8's dim greens: lime 25.52,
    # green 25.95; the same photo re-encoded, 25.54 and 25.49). Such a pack takes the
    # runner-up name when a pack lit a stop more bears it (and none the nearest): a paper the
    # photo shows lit is likelier than one it shows nowhere (note_colours.name_colours). One
    # unit: re-encoding the twelve real photos (JPEG 92) moves a pack's distance to a name
    # 0.07 median, 0.4 at the 90th percentile, 1.4 at most. 0: off
    note_name_tie_de: float = 1.0
    # The packs of one photo are named together (note_colours._named_together): packs that
    # are other papers take one reference (a name's shade) each, and a second paper under one
    # reference costs this much more, so two papers the photo shows apart share a name only
    # when every other name is this much worse for one of them; a person names notes by their
    # contrast with the others beside them (real post-its-8's gold column, 27.6 from yellow
    # and 18.0 from orange, beside an orange pack 17.8 from orange: read orange, labelled
    # yellow; post-its-4's coral, 28.2 from orange and 30.3 from red, beside a peach at 4.0
    # from orange: labelled red). The step between the two nearest references of distinct
    # names (neon yellow and lime, 13.2): a paper moves to a name at most about one such
    # step further than its own. The twelve real photos take the same names from 11 to 60
    # (at 10 post-its-8's golds stay orange); the plain development sets (104 photos) name
    # every note as main does up to 20 (at 30 a pale purple pack reads red). 0: off
    note_name_share_de: float = 13.0
    # Two packs are one paper (share a reference freely) when they lie within this once the
    # darker is brought to the lighter's luminance in linear light (lightness at half
    # weight, note_colours._exposure_free): one paper split by uneven light. Real post-its-8's
    # shaded columns: its greens 10.9 apart, its reds 6.1-17.4 (linked through the middle
    # pack); the phone's tone curve is not linear light, so a dim pack's chroma scales
    # loosely. Its different papers lie 18.4 (orange and its dim pack) and more apart
    note_paper_de: float = 15.0
    # ...or when their hues (CIELAB) lie within this many degrees: light and the shades a
    # name is sold in (pastel and deep purple, canary and neon yellow, 6 deg) move a
    # paper's lightness and chroma far more than its hue. The generated walls' shades of one
    # name lie up to 17.3 deg apart (two oranges, set 42); the real papers a person names
    # apart 23.8-27.8 (post-its-8's gold and orange, post-its-4's coral and peach). Names
    # whose references lie closer in hue (yellow and lime 15 deg, lime and green 16) are
    # thus never named by contrast: measured at the 33rd stop, no rule on the packs names
    # both such pairs right ("Neighbouring names, 33rd stop")
    note_paper_hue: float = 20.0
    # ...but two packs within note_paper_hue whose notes' hues, chromas and lightnesses all
    # lie apart (no note of one within the other's range of each; two notes a pack at least)
    # are two papers under one light, and the light and the camera move both alike: the
    # direction of their difference is the papers'. They take the two references (a name's
    # shades each one, each within note_name_share_de of the pack's nearest) whose hues,
    # chromas and lightnesses lie in the same order (note_colours._in_order). Real post-its-9:
    # a sage-green column (hue 105, C* 34, L* 70-78) beside a clipped canary pack (hue 88-97,
    # C* 78-90, L* 79-91) read yellow, 12.2 from yellow and 12.3 from lime, as the canary;
    # greener, paler and darker than it, only green keeps the order (8 notes right). One name's
    # shades (canary and neon yellow) keep their name; a pack in shade or two batches of one
    # paper overlap in hue; a pastel yellow, lighter than canary, has no such reference and
    # stays yellow. False: off
    note_name_order: bool = True
    # A pack clipped in two channels (a yellow or a lime keeps only its blue, and the fitted
    # exposure decides between them) read from its notes' shaded paper (a curled corner, an
    # edge, a shadow across it: wall_light.shaded_paper_colour, shaded_packs): the pixels
    # inside each outline shrunk to clip_shade_share (not the wall's blend at the outline),
    # 1.5 radii off its stickers, whose clipped channels lie under clip_shade_level x the
    # clip (0.9: 225 of 255; with every channel merely under the clip, the clipped paper's
    # own noise passes, R = G whatever the paper: seed 47 IMG_0002's four limes read yellow), the
    # others under the clip and no brighter than the lit paper, the brightest channel at least
    # clip_shade_dark of the clip in linear light (no ink core), in an area of such pixels
    # (an opening of clip_shade_open of the note's side, 3 px at least: red or orange
    # writing on a yellow note passes every other test, and did on a real overexposed yellow,
    # post-its-9 2/3 stop brighter, its strokes 1-2 px wide). A note has its colour when
    # clip_shade_min_px of them (and clip_shade_min_share of its pixels) agree within
    # clip_shade_spread (median absolute deviation of log chromaticity; channels under
    # clip_shade_floor of the brightest left out: a deep yellow's blue is JPEG noise there),
    # and a pack when clip_shade_notes of its notes clipped in two channels have one: a note
    # alone may show only ink edges (a real overexposed yellow read orange from its red
    # marker). 0 share: not read. Rendered yellows and limes as the test draws them (44
    # photos: six papers, exposure 1.6-3 x, a shadow of 0.35 or 0.5 across a quarter of
    # each): 7 photos right that main names lime (or whose pinks it names red), none worse.
    clip_shade_share: float = 0.95
    clip_shade_level: float = 0.9
    clip_shade_dark: float = 0.25
    clip_shade_min_px: int = 50
    clip_shade_min_share: float = 0.005
    clip_shade_spread: float = 0.15
    clip_shade_floor: float = 0.1
    clip_shade_notes: float = 0.5
    clip_shade_open: float = 0.02
    # Stickers of one photo whose colours (the cast taken off) lie within dot_cluster_de of
    # each other on average (average linkage, lightness at half weight) are one sheet's
    # colour under one light and share one name, the nearest to the group as a whole: one
    # sticker's own reading is moved by its highlight, a saturated channel or a cast taken off
    # a little wrong. The shades of one sheet under one light spread a few units; the nearest
    # two names (red and pink, purple and blue) lie 25-40 apart
    dot_cluster_de: float = 10.0
    # A sticker alone in its group (one off its sheet: over writing, its highlight in its
    # median) whose name's sheets in the photo all lie more than dot_lone_sheet_ratio times
    # as far from it as a sheet of another name within dot_lone_sheet_de (mean CIELAB
    # distance, lightness at half weight) takes that nearer sheet's name
    # (sticker_names._nearest_sheet): the photo's sheets show each name under its light.
    # Twice dot_cluster_de: a sticker moved by what lies on it stays within about that of
    # its sheet, the nearest two names' sheets lie 25-40 apart. Twice as near: only a
    # reading the photo's sheets clearly place (an orange over blue ink 12 from its orange
    # sheet, 38 from the yellow one); a dark blue between a pale blue sheet (22 away) and a
    # purple one (18) is left to the palette (seed 42 IMG_0008: it is blue)
    dot_lone_sheet_de: float = 20.0
    dot_lone_sheet_ratio: float = 2.0
    # Light added over a sticker (a flare's veil, a lamp's glare, the sticker's own glossy
    # highlight in its median) lowers its chroma and moves its CIELAB hue, but not the hue
    # of its linear light (the direction of its R-G, B-G differences: a grey veil adds the
    # same to every channel). Pink is a lighter red in CIELAB, so a veiled red reads pink
    # (seeds 41-52: washed reds at hue 7-14 deg, chroma 27-51, where the pink stickers lie at
    # -34 to 8 deg, chroma 39-80). A sheet (dot_cluster_de) whose nearest two names are
    # one of dot_veil_pairs and whose chroma is under dot_washed_chroma x its name's
    # reference (the veiled reds, nearest pink, 0.39-0.74 of its chroma 69; a raspberry pink
    # at full chroma is named by CIELAB as before) takes the one of the two whose linear-light
    # hue is nearer its own (red -1 deg, pink -18: the veiled reds measure -5 to -9, every
    # pink of those seeds -9.1 or less, cast taken off). 0.8: the washed reds up to 0.74, a
    # margin above; at 0.7 two of the eight stay pink.
    dot_washed_chroma: float = 0.8
    dot_veil_pairs: tuple[tuple[str, str], ...] = (("red", "pink"),)
    # Two stickers touching or overlapping make one blob of no sticker's shape (and, of two
    # colours the coverer's classes do not tell apart, a crimson read pink beside a dark
    # green, one disc): a blob whose distance transform has two maxima this many times the
    # larger one's value apart or more (the inscribed radius of one disc: stuck touching, two
    # radii apart; overlapping by a tenth of their diameter, 1.8; a disc's own maximum
    # wanders under a radius with its highlight and rim), each half (the pixels nearer one)
    # one sticker on its own (wall_stickers._touching_pair), is two stickers
    dot_pair_apart: float = 1.4
    dot_own_range: tuple[float, float] = (0.8, 1.6)  # a lone blob of a sticker's shape (round
    # and filled, see _sticker_shape) whose radius is within this range of the one expected
    # where it lies is one sticker at its own size: with no scale plane (fewer than
    # scale_field_min lone notes) far stickers are smaller and near ones larger than the
    # usual one, and no disc of the usual size fits the far ones. Below 0.8 the ink-filled
    # loops of marker letters come in (0.6-0.75 of a sticker on a real whiteboard); a
    # sticker's blob is its size within ~15 % (blur, the opening) where the expected size is
    # right
    # Sticker verification (vision/dot_check.py), after the finders, on the image itself
    # along dot_check_rays rays from each disc's centre out to dot_check_reach radii: its
    # colour is the median within dot_check_core radii, its surroundings' beyond
    # dot_check_around; a ray's run of pixels nearer its colour ends at a break of
    # dot_check_gap half-pixel steps (a one-pixel gap in a blurred stroke does not end it)
    dot_check_rays: int = 32
    dot_check_reach: float = 2.4
    dot_check_core: float = 0.6
    dot_check_around: float = 1.8
    dot_check_gap: int = 3
    # A disc under dot_check_contrast_min from its surroundings is paper (a note's outline
    # or paper colour taken a little off, a book cover): 1-10 on real photos, stickers on
    # the generated walls 24 and more (median 75)
    dot_check_contrast_min: float = 15.0
    # A disc within dot_check_shade_min of a shade of its surroundings (shade_distance: the
    # same colour darkened, as black or grey ink darkens the paper it is on) is ink: a black
    # marker's letter loop filled on a yellow note measures 8 on a real photo (post-its-7),
    # a dark red marker star on a red note 11 (post-its-9); of the 561 stickers that pass the
    # check on seeds 41-43 and 47's first photos the nearest is 17.3 (a blue sticker on a
    # purple note: both bluish; then 20.5, 20.8), median 62; the real red dots of image8 61
    dot_check_shade_min: float = 12.0
    # The usual sticker size is set only by lone round blobs lying this far or more from any
    # shade of their surroundings (wall_stickers._dot_radius): the size holds for the whole
    # photo, so the colour must be one no ink gives. Black marker letter loops filled with
    # ink on yellow notes, blurred at 2 MP, measure 12-17 (they set the size to 3 mm and every
    # letter's bit of it passed for a sticker); 560 of those 561 generated stickers 20.5 and
    # more (a sticker left out only sets no size: seeds 41-52 read the same), the real red
    # dots of image8 61. Such a blob must also pass the check of each sticker (dot_check)
    # but for the rim's roundness (the blob test judged it): with the roundness too, the red
    # dot of image8 at JPEG quality 15 (ragged 0.42) no longer set the size, and was lost
    dot_size_shade_min: float = 20.0
    # A disc sending back under dot_check_reflect_min of the light a sticker of its hue does
    # in that sticker's band (dot_check.reflectance: of the two palette stickers whose hues
    # bracket its hue the more lenient, its brightest linear channel, the disc over its
    # surroundings there, over that sticker's own value) is dark ink: a dye filled over the
    # paper takes its own band's light too, a sticker's pigment sends it back. Measured on
    # the discs that pass the rest of the check: 1615 on the nine development and bench
    # sets (seeds 41-43, 47-52) 0.72 and more, the real red dots of image8 0.89-0.90 (as they
    # are, 2 MP, JPEG 15); the dark red / brown marker stars of post-its-9 0.13-0.42, black
    # marker on post-its-7 at JPEG quality 15 0.07-0.40 for most. Half of a sticker's light
    # in its own band: a sticker that dark is the palette's hue darkened by half (a dark
    # green at 0.17 of white in green), which no kit of dots we know is
    dot_check_reflect_min: float = 0.5
    # Over dot_check_runs_max of the rays run on in the disc's own colour past dot_check_rim
    # x its own radius: a marker stroke leaving a loop filled with ink (two strokes ~ 5-7 of
    # 32 rays: 0.2 median on real whiteboards); a sticker's runs end at its rim (4 rays at
    # most of 1006 stickers on the generated walls, where one touches writing of a near colour)
    dot_check_rim: float = 1.4
    dot_check_runs_max: float = 0.15
    # A sticker is one flat colour: its core's pixels lie within a few percent of the
    # contrast from its median (0.15 at most on the generated walls, glossy ones included);
    # a disc laid across thin blurred writing is a mix of ink and paper (0.25-0.9 on real notes)
    dot_check_uneven_max: float = 0.25
    # A sticker's rim is round: where the rays leave its colour spreads little about its
    # radius (80th - 20th percentile over the median, runs ending where they meet another
    # disc). A disc seen askew at 1.6:1 (dot_view_max, the longest the finders take) spreads
    # 0.33, the 1006 stickers of the generated walls 0.32 at most; 0.4 is an ellipse of
    # 1.8:1. Ink is cut by strokes and gaps: 0.4-0.55 at the ends and bends of strokes on
    # real whiteboards and notes, up to 10 across letters. The lesser of the spreads in its
    # own colour and in any colour nearer it than its surroundings': a purple sticker over
    # blue writing is round only in its own, a blurred one in the nearer one
    dot_check_ragged_max: float = 0.4
    # A free sticker that stands off the wall is a push pin's head or a magnet, not a
    # sticker (dot_check.relief, raised): a sticker is flat paper or vinyl, a pin or magnet a
    # glossy dome or drum 4-10 mm thick, shaded across its top and casting a shadow beside
    # it. Measured on the photo (L*) in the ring dot_relief_ring radii out (its darkest
    # twelfth under its median, the hue kept within dot_relief_shadow_ab) and within
    # dot_relief_inner radii (a plane's slope per radius, the lightest tenth left out; the
    # core's median over the rim's). On medium --clutter 47, 48, 50, 52 (main 72165f7): the
    # 71 true free stickers found cast 0.7-18.4 (one beside a note's lower edge; median 2.2)
    # and are shaded 0.5-4.4 a radius (median 2.1) or 0.5-4.7 core to rim (median 0.9), none
    # both; 28 pins cast 7-30 (median 23) and are shaded 6.3 a radius (median); 15 magnets
    # 1-19 (median 11.5; a flat-topped one in the light casts little). Both asked: 27 pins
    # and 6 magnets dropped, no true sticker; the shadow alone (8, 35th stop, not kept) lost
    # true stickers beside notes' lower edges on sets 43 and 50.
    dot_relief_ring: tuple[float, float] = (1.2, 1.9)
    dot_relief_inner: float = 0.8
    dot_relief_shadow_ab: float = 8.0
    dot_raised_shadow_l: float = 8.0
    dot_raised_slope_l: float = 4.0
    dot_raised_limb_l: float = 3.0
    # A top sloping this steeply (L* a radius) stands off the wall with no shadow read beside
    # it: a pin's dome lit from one side. Its shadow goes unread when the disc found is the
    # head's lit core (the ring then crosses the head's own darker rim, of its hue, not the
    # wall's) or falls on a sheet's edge; a flat sticker's top is one plane, evenly lit but
    # for its sheen (left out). The limb is not asked alone: a light sticker's rim blurred
    # into a darker wall darkens it all round, with no slope. On medium --clutter 47-50, 52
    # and bench seeds 41-43 with the room (main d09e24b) the 49 true free stickers on the 11
    # photos holding a pin or magnet read as one slope 4.0 at most (the 36th stop's 71: 4.4;
    # one on bench 41's sixth: limb 8.8, a light sticker's blurred rim); of the 13 pins and
    # magnets read as stickers, 6 slope 6.5-10.6 (the others flat-topped in a shadow of 15-24
    # L*, or sloping about 4 with no shadow read)
    dot_raised_steep_l: float = 6.0
    note_open_mm: float = 15.0  # the note mask is opened this wide (nominal mm): a sticker
    # (12 mm) across a note's edge would otherwise pull the note's square outward
    crop_margin: float = 0.06  # OCR crops reach this share of a note's side past its outline:
    # an outline a few mm off (no board to fit it to) must not cut the first letters
    # a line of writing two notes both read (their outlines overlap: a note stuck over
    # another, an outline that takes in part of the note beside it) is kept by the note it
    # lies deeper in and dropped from the other (note_text.own_lines); False: both keep it
    ocr_own_lines: bool = True
    ocr_hide_grow: float = 0.0  # stickers are filled in (inpainted) in the OCR's crop at
    # their radius grown by this share; grown by 0.15 (for the rim and the shadow) it takes
    # more of the letters beside them than it removes: seeds 42-43, 201 -> 241 edits
    # Words a sticker or a note stuck over this one partly hides are completed from the
    # word lists (capture.vision.hidden_words; general French and English vocabulary):
    # only where a filled-in hole lies under the word, only a word the lists do not know
    # or one cut in two at the hole, and only when one word stands out.
    ocr_complete_words: bool = True
    # Letters put back at a hole: a 12 mm sticker on 6-12 mm capitals hides 1-3 letters.
    complete_fill: int = 3
    # Letters read at the hole that may be replaced (the hole's edge read as a letter):
    # with none put back only (0), the same sets kept 575 of 577 edits; 2 fitted odd
    # words to two misread letters ("Morché" -> "Mouché") more often than right ones.
    complete_drop: int = 1
    # Letters the reading must keep around the hole: with 3 a short reading fits too many
    # words ("Beso" -> "Best"); 5 kept 549 edits against 4's 545 (margin 3).
    complete_min_kept: int = 4
    # The most frequent candidate is taken when this many times as frequent as the next;
    # otherwise the word is left as read (nothing clear). On the sticker-covered notes of
    # seeds 41-43 and 47-49 (4835 letters, 577 edits read as they are) 3 / 10 / 30 left
    # 545 / 546 / 542 edits, 231 / 227 / 225 of them on visible letters (226 as read):
    # the less sure completions are as often wrong as right; 30 keeps the clear ones.
    complete_margin: float = 30.0
    # A character counts as at a hole when one lies within this many characters of it: the
    # recogniser gives no positions, the characters are taken evenly spread on the line.
    complete_reach: float = 0.75
    # Words the lists do not know are respelt when one word of the workshop's language is
    # written with the same letters but for their accents ("Critére", "Responsabilitê",
    # "Ecologie"), or is one of these elisions, its apostrophe dropped by the recogniser,
    # before such a word ("dinsertion" -> "d'insertion"): capitals are left (accents are
    # often left off them), a word either list knows, and a note with a word only the
    # English list knows (an English note: "Our Digital Identites" on a real wall). On seeds
    # 41-43 and 47-49, 9 visible edits fewer, none more; on the 12 real (English) photos
    # no reading changes. The elisions are French: looked for only when the workshop's
    # first language is respell_elision_lang.
    ocr_respell: bool = True
    respell_elisions: tuple[str, ...] = ("c", "d", "j", "l", "m", "n", "qu", "s", "t")
    respell_elision_lang: str = "fra"
    # ... before a word of this many letters or more: a shorter one is as often a piece of
    # a word a sticker cut, read apart ("tion" -> "t'ion", "tere" -> "t'ère", "Coh" ->
    # "C'oh" on seeds 41-49), as an elided one ("d'un", "l'eau" stay as read).
    respell_elision_min: int = 5
    # The most frequent candidate is taken when this many times as frequent as the next,
    # as complete_margin.
    respell_margin: float = 30.0
    ocr_turn_probe: int = 4  # a photo whose notes read poorly is tried at the other quarter
    # turns on this many notes (those with the most writing) first, not on all: real photos
    # of poor handwriting read under the review confidence too, and are seldom turned
    ocr_turn_deg: float = 30.0  # a note whose top side tilts more is also read a quarter
    # turned (a note stuck at 45 degrees, a photo taken askew), the better reading kept
    note_chroma_min: float = 15.0  # sticky-note papers are coloured (pastel blue ~25): white
    # notes cannot be told from a white wall and are not read
    note_grey_off: float = 6.0  # with no white to balance on, a paper under note_chroma_min
    # is grey (a white wall beyond a kraft roll) only within this of the line through neutral
    # along the wall's chromaticity: greys lie within 1-2 units of it (the light's cast moves
    # them along it), a pale purple note on a cream wall 13 off it (chroma 14)
    note_unknown_delta_e: float = 30.0  # farther from every common note colour: "unknown"
    colour_cluster_de: float = 10.0  # notes' colours nearer than this on average (average
    # linkage) are one pack colour: a pack's shades under one light spread less
    # A note's paper colour is the median of its middle with the ink left out (the least
    # chromatic 30 %, the darkest 20 %); on a pale note under vote stickers those 30 % are the
    # paper and the median is the stickers' (a pale blue note under two yellow, a pink and an
    # orange sticker read lime, and its stickers were not found). When that median lies more
    # than this from the middle's most common colour (wall_colour's histogram peak), it is a
    # mix, and the most common colour is the paper. A pack's shades spread less
    paper_mix_de: float = 10.0
    # A note is one paper over most of its outline: the share of its outline's pixels within
    # note_paper_de of its paper colour (lightness at half weight: shade on a curl) is 0.6
    # and more on the generated walls (stickers, overlaps, curls) and 0.41 and more on the
    # real ones (a note half black with marker, "CONTRAST"). Squares laid over objects that
    # are no notes (the lettering and bands of book covers on a desk: 0.13-0.32) are under
    # note_paper_share_min and are dropped.
    note_paper_de: float = 12.0
    note_paper_share_min: float = 0.35
    # A wall with no white (not near-neutral: kraft, cream paint, or white under a strong cast)
    # is taken for the common surface (colors.yaml `surfaces`) that a shift along the black-body
    # axis within cast_max_shift (log gain; 1.0 is about a 3000 K lamp left uncorrected) brings
    # within cast_surface_tol (a*b*) of it, the least shift winning; the notes' colours are read
    # with that cast taken off. Kraft and cream walls under lamps turned pink notes red and green
    # ones lime (issue 20). A wall no surface explains (an accent paint) is left as it is.
    cast_surface_tol: float = 6.0  # about the spread of one surface's shades (kraft papers vary)
    cast_max_shift: float = 1.0
    # Which surface: the least shift, and the wall's lightness against the surface's at the
    # notes' exposure (kraft is half as light as cream paint), counted at this weight (log units
    # both): light falls off across a wall, which often lies farther from the lamp than the
    # notes (a real cream wall beside a board read 0.4 darker than cream at the notes' light).
    # No cast on a photo balanced on its wall is white paint, charged its lightness as white
    # at the same weight unless the wall is under wall_white_min_ratio of its lightest pack
    # (grey paint, a slate: any lightness): kraft and cream under a cool light the balance
    # made grey lost to it on the packs alone (generated seeds 41-52: 6 notes)
    cast_lightness_weight: float = 0.5
    # ... and how far the notes' packs then lie from their names (mean CIELAB distance over
    # the packs, two packs or more), at this weight per unit: 10 units off per pack on
    # average weigh as much as a 3000 K lamp left uncorrected (shift 1.0). A cream wall under
    # a warm lamp matched kraft (pink notes read red), a kraft roll under a cool light looked
    # grey (yellow notes read lime): the packs of such photos fit their names only under the
    # right light (issue 20)
    cast_packs_weight: float = 0.15
    # ... the packs compared with their names at the exposure that fits them best together
    # (note_exposure_min to 1, as when they are named): a paper's lightness and chroma are its
    # reflectance times the exposure. Compared as measured (False), a dim photo's packs lay
    # far from their names under the light on them and a warming light that renames them
    # darker (yellow orange, pink red) fitted better: a dim white wall was taken for kraft
    # (real post-its-7 a stop under, generated `samples --dim`; 41st stop)
    cast_packs_exposed: bool = True
    # ... and how far the photo's other bare surfaces (a kraft roll on a painted wall, a
    # whiteboard) then lie from their nearest common surface (a*b*, mean over them), at this
    # weight per unit, a pack's: one light falls on the wall and on the roll. A cream wall
    # under a cool light was taken for white under a cooler one (yellow notes read lime): the
    # kraft roll on it lay 4.7 from kraft under the right light, 7.1 under that one (issue 20)
    cast_others_weight: float = 0.15
    # a surface darker than this L* (a blackboard) holds no hue to measure: left out
    cast_others_l_min: float = 25.0
    # A dark bare surface (a black or charcoal board, L* cast_dark_l_min to cast_others_l_min)
    # is taken for neutral paint: each light is charged, at this weight per log unit, for the
    # board's tint along the black-body axis left with its cast taken off, beyond
    # cast_dark_tol (wall_light.dark_fit). The weight is twice the shift's own (1 per
    # unit): a neutral surface measures the light, the shift's charge is only the prior that
    # the phone balanced nearly right; at 1 the two cancel and the board never overrules the
    # phone. The tolerance: black paints and boards lean a few percent warm or cool.
    cast_dark_weight: float = 2.0
    cast_dark_tol: float = 0.1
    # darker boards are left out: at L* 8 the sRGB codes are about 20 (a code is 5 % of a
    # channel, JPEG and the tone curve's toe move the ratios) and the lens's flare from the
    # light wall around is a large part of the board's light (real post-its-4's black board
    # reads L* 4)
    cast_dark_l_min: float = 8.0
    # a tint off the black-body axis (green-magenta, log units) beyond this is the paint's own
    # (a dark green chalkboard): no lamp gives it, and the board is no neutral
    cast_dark_off_max: float = 0.15
    # Two lights whose misfits lie within cast_doubt_margin of each other are both plausible:
    # the notes they name differently are flagged light_uncertain (the reviewer checks their
    # colour). Measured on 72 generated photos (seeds 41-43, 47-52): the 5 photos whose two
    # best lights lay within 0.12 held 12 notes named differently by them, 10 named wrong by
    # the light chosen; the next photos, 0.13-0.35 apart, held 31 such notes, 30+ right
    cast_doubt_margin: float = 0.12
    # The light a note is under, against the photo's (wall_light.local_shifts): the wall
    # around it (within local_light_ring note sides of its centre) against the whole wall,
    # along the black-body axis. The wall: pixels not darker than local_light_dark of it
    # (ink, gaps), within local_light_off of its colour off the axis (no lamp moves a colour
    # there) and local_light_span along it, reached from its own colour (within
    # local_light_dead) without crossing a step of local_light_step per pixel (the photo at
    # local_light_side_px: a light's change spreads over the wall, a paint's or a board's
    # edge is one or two pixels), in parts local_light_seed_share or more of which have that
    # colour (a cork board's grain holds a few pixels of the grey wall's colour; a light
    # turning across a wall leaves a band of it); a shift within local_light_dead is the
    # wall's own shades.
    local_light_ring: float = 2.0
    local_light_dark: float = 0.15
    local_light_off: float = 0.15
    local_light_span: float = 0.8
    local_light_step: float = 0.03
    local_light_dead: float = 0.05
    local_light_seed_share: float = 0.05
    local_light_min_px: int = 60
    local_light_side_px: int = 500
    # ... less what a sheen explains (wall_light._less_sheen): a lamp's gloss adds the
    # light's own colour to a coloured surface (a kraft roll), which then looks greyer, as
    # under a cooler light, and lighter by what was added. Generated set 49 photo 5: a kraft
    # roll under a broad sheen, its 7 notes there read +0.16 to +0.37 cooler, warmed on top of
    # the kraft cast taken off the whole photo (2 purples pink, a blue green)
    local_light_sheen: bool = True
    # A near-neutral wall far darker than its notes is no white: white paper under the notes'
    # light is at least as light as any of them. A wall whose luminance is under this share of
    # the lightest pack's (its median) is then no reference for the light: the balance on it is
    # taken back off the notes' and stickers' colours and they are read as photographed (the
    # phone's own balance), unless the packs lie nearer their names balanced (a dark neutral
    # grey under a lamp looks like a bluish slate under white light). A bluish slate (real
    # post-its-9: 0.12 of its yellow pack) taken for white under a cool light turned pale
    # green notes yellow (hue 100-107 -> 85-91). Light
    # falls off across a wall (the wall's mode may lie in a shade: half the notes' light) and a
    # mid-grey paint (L* 60) stays balanced on at 0.37 of a yellow note; the 72 generated
    # photos of seeds 41-43 and 47-52 measure 0.34 and more
    wall_white_min_ratio: float = 0.25
    group_gap_frac: float = 0.6  # notes closer than this x their side (edge to edge): one group
    row_frac: float = 0.5  # centres within this x the side: same row (column)
    # A note's outline follows its paper (vision/note_outline.py): the first outline (a
    # square of the finder's quantised sizes, off the paper by up to a fifth of a side on a
    # wall seen askew) is refitted side by side on outline_lines lines across each side, over
    # outline_side_span of it (a curled corner bends the last tenth), reaching outline_reach
    # x the side either way. On each line the paper ends where, outline_step_mm before, the
    # pixel is within outline_paper_de of the paper's colour (lightness at outline_l_weight:
    # the shadow line between two notes of one colour is darker, not another hue) and after
    # it is not for outline_beyond_mm (a pen stroke on the note beyond is thinner), rising
    # by outline_rise_min across it. A side is the line through the points
    # within outline_fit_px (work px) of it, when at least outline_min_share of the lines found
    # one (a sticker or a neighbour over the edge leaves a minority off it); the fitted quad
    # is kept when convex and no corner moved more than outline_move_max x the side. An edge
    # against another note (not the bare wall beyond it) farther than outline_note_move x
    # the side from the first outline's is in doubt: a note stuck over this one ends its
    # paper short of its own edge (the first outline, a square, holds the hidden part), or
    # this note is on top and its first outline was off. It is this note's when the note's
    # shape (width / height) stays within outline_aspect_tol of its outline_aspect_near
    # nearest notes' (median, notes in no doubt): perspective shapes notes near each other
    # alike (true outlines on the generated walls, seeds 41-43 and 47-50: within 10 % of
    # their 3 nearest for 90 % of notes, 14 % for 95 %), a note a fifth under another is
    # 1.25:1. A quad refused keeps its first outline's side there (no worse than before).
    outline_lines: int = 24
    outline_side_span: tuple[float, float] = (0.12, 0.88)
    outline_reach: float = 0.25
    outline_step_mm: float = 1.0
    outline_paper_de: float = 12.0
    outline_l_weight: float = 0.5
    outline_rise_min: float = 8.0
    outline_beyond_mm: float = 4.0
    outline_fit_px: float = 2.5
    outline_min_share: float = 0.4
    outline_move_max: float = 0.35
    outline_note_move: float = 0.08
    outline_aspect_tol: float = 0.1
    outline_aspect_near: int = 3
    # A side whose paper runs on into a note of its own colour shows no end: the edge
    # between them is a thin line (the upper note's shadow, a brightness step, a sliver of
    # wall) with the same paper beyond it. It is looked for on the same lines, where the
    # paper distance peaks outline_seam_rise above the paper just inside (a shadow line on
    # real notes is faint: under outline_rise_min) and paper is back within
    # outline_beyond_mm, and taken when outline_min_share of the lines cross it on one line
    # within outline_seam_angle degrees of the side's direction (the first outline's sides
    # are within a few degrees of the paper's; a line of writing rarely is that straight
    # that long).
    outline_seam_rise: float = 6.0
    # A seam the outline fit takes must rise along its pixels free of ink (seam_along's
    # ink: merge_ink_drop, seam_ink_light; note_outline._continuous), on
    # outline_seam_whole of them: counted whole, a line through a row of letters rose
    # where the strokes cross it (the ink is far from the paper) and was taken for the side
    # (real post-its-8, its side columns of shingled notes: a note's outline ended in the
    # next note's first words, which it read). A line with writing all along it (over
    # outline_seam_whole of its pixels crossed) is counted whole, as before. False: every
    # pixel counted (as before the 35th stop; for measuring)
    outline_seam_ink: bool = True
    # the square coverer covers two notes of one colour as one blob, and its square may
    # take in a good part of the other note (seed 41 IMG_0001: 45 % larger than the note):
    # the seam is looked for up to this share of the side inward
    outline_seam_inward: float = 0.45
    # a seam is one line end to end: found on outline_min_share of the lines across, it is
    # taken when it rises over the paper inside on this share of the pixels along it (a line
    # of writing parallel to the side, crossed on as many lines, breaks between letters)
    outline_seam_whole: float = 0.8
    # Notes of one colour in a row or a column, edge to edge or shingled (note_runs): the
    # square coverer lays its squares where the run's length puts them, not at the seams
    # (real post-its-7: a row of five yellow notes, each outline a third into the next note,
    # whose words it read). On (37th stop): real text 688 -> 614 edits of 4103 (labels of
    # post-its-7's row set at its notes' centres by eye; 688 either way on main), the
    # generated plain sets identical per photo; the cost, real post-its-9 two false stickers
    # more (4 -> 6: letter bowls on two re-laid 70 px notes read as yellow stickers, a
    # sticker finder's weakness on a photo too small to read, not an outline's: the re-laid
    # outlines are right by eye). False: the squares as the coverer laid them
    # (docs/markerless-journal.md, "Notes of one colour in a row re-laid").
    relay_runs: bool = True
    # a run: outlines whose papers lie within run_paper_de (lightness at outline_l_weight;
    # two colours lie 20 and more apart), centres within run_across x the note's size across
    # the run (notes stuck in a row are a few mm off each other), their outlines touching or
    # overlapping along it (a gap under run_gap x the note's length: an outline may end a
    # few px short of its paper)
    run_paper_de: float = 15.0
    run_across: float = 0.3
    run_gap: float = 0.25
    # ... and turned within run_angle_max degrees of each other: a note stuck askew in a
    # column has no seam square across it (real post-its-9: a note turned 9-13 deg, its
    # neighbour re-laid across the wall beside it, a corner of it taken for a sticker;
    # fitted outlines of notes stuck square lie within 3-5 deg of each other, post-its-7)
    run_angle_max: float = 7.0
    # along the run, on the middle run_band of the band all its outlines cover: a pixel is
    # paper when run_paper_tol or less from the run's paper; a line across with under
    # run_paper_share of it paper is none (the wall, or a seam's shadow line; ink is not
    # counted either way: a dark wall is as dark, and a line along a row of letters is a
    # third to a half ink); the run ends where a line is none, looked for up to
    # run_end_reach x the note's length past its outermost outlines (as far as the outline
    # fit moves a side)
    run_paper_tol: float = 16.0
    run_paper_share: float = 0.25
    run_band: float = 0.6
    run_end_reach: float = 0.35
    # a seam: the paper's mean colour (ink-free pixels) over run_step_win x the note's length
    # after a line differs from that before it by run_step_min or more, the most within as
    # much either way (real post-its-7: 3-5 at its row's seams, under 2.5 elsewhere on
    # the paper)
    run_step_win: float = 0.06
    run_step_min: float = 3.0
    # ... and run_step_snr x the upper quartile of the steps along the run: a seam stands out
    # of the paper's own (post-its-7's row: quartile 0.9-1.0, seams 3-4; the dim, grainy
    # post-its-9: quartile 1.6-4.5, every other line a step of 5-10, and runs re-laid there
    # at lines of writing took five false stickers into their outlines)
    run_step_snr: float = 3.0
    # ink left out of the paper's colour: run_ink_drop (L*) under the paper, grown by 2 px
    # (a stroke's soft edge is neither ink nor paper: counted, the letters' edges stepped
    # 5-10 on post-its-7's notes)
    run_ink_drop: float = 10.0
    # a line across the run under half paper and at most run_line_px (work px) wide is a
    # seam: the shadow line of a note's edge over the next (post-its-7: 3-4 px); wider,
    # the wall between two notes apart, whose ends the fit found
    run_line_px: int = 6
    run_line_share: float = 0.1
    # the K - 1 seams cut the run into pieces of run_piece x the note's length (the photo's
    # median outline): a note shingled under the next shows part of itself
    run_piece: tuple[float, float] = (0.5, 1.12)
    # a run is re-laid only when two outlines next to each other overlap or leave a gap of
    # run_mislaid x the note's length or more along it (squares laid by the run's length:
    # post-its-7 a third of a note); notes fitted right meet within a few % (the generated
    # walls: re-laid on every run, sets 41, 42, 47 lost 3-4 points of outlines IoU >= 0.9)
    run_mislaid: float = 0.15
    # an outline moved under run_move_min x its side stays as fitted, and so does one that
    # holds its piece and is no longer than a note: a note shingled under the next shows a
    # piece, its outline reaching on under the next (generated seed 43 IMG_0001: cut to the
    # piece, its IoU with the whole note fell under 0.9)
    run_move_min: float = 0.08
    # ... unless its neighbour reaches past their seam too (each by run_move_min x the
    # note's length or more): one of two sheets lies on top and ends at the seam, so both
    # are cut there (generated set 51 IMG_0002: two yellow notes, each outline 0.12-0.19 of
    # a side past their seam, the upper note's sticker counted on the lower). Off by
    # default: on real post-its-9 the seam found between two such outlines was a line of
    # writing, and both cut there left "EATING AWESOME FOOD." read empty (7 -> 20 edits);
    # on, real text 612 edits as off, set 51 IMG_0002 9 -> 11 notes' stickers right. A
    # seam a line of writing cannot fake is what it waits for (38th stop, engineer 6)
    run_both_past: bool = False
    # a re-laid outline's ends are cut through the seam found along the run's middle, along
    # the notes' own ends (their mean other axis), not square to the run: seen from the side
    # a column of notes is a column of parallelograms (generated set 51 IMG_0002: ends
    # square to the column cut 15 degrees across the notes' tops); False: square to the run
    run_ends_along: bool = True
    # Which of two overlapping notes lies on top (note_stack.on_top; the stickers and the
    # writing in the overlap are the upper note's). Notes overlapping by stack_overlap_min
    # of the smaller one or more (less is two outlines a little off their paper: the 90th
    # percentile of the outline error is 3-5 % of a side on the generated walls). Papers
    # more than stack_paper_de apart (CIELAB; two shades of one colour on the generated
    # walls lie 4-8 apart, two colours 20 and more): the overlap's paper tells. Else the
    # lightness step across each outline where it lies inside the other, measured
    # stack_margin x the side either way of it (and that deep inside the other): the upper
    # note's edge shows (its shadow on the lower one, a brightness step), the lower one's is
    # flat paper (smoothed, its steps are noise: under 1 unit); taken when one is
    # stack_step_ratio x the other and stack_step_min (CIELAB) more. Only where
    # both sides are paper, within stack_ink_de of either note's (the lower note's outline,
    # a guess under the upper one, may run along a line of its writing).
    stack_overlap_min: float = 0.06
    # Two outlines of one paper overlapping by stack_overlap_min or more, no side of either
    # inside the other showing the paper's end or a seam, the step across each inside the
    # other noise (under stack_step_min), together no longer than rect_aspect_max, are one
    # note (the square coverer's squares of the usual size over a larger or rectangular
    # note: wall_notes._one_paper); False reads them as before (for measuring)
    merge_one_paper: bool = True
    # ... a side's line (note_outline.seam_along) crossing writing tells nothing there: a pixel
    # darker than the paper by merge_ink_drop (L*) is ink (the board's stack_ink_drop); the
    # shadow line between two notes is fainter (real ones: outline_seam_rise). Not a hue
    # step: two shades of one colour stacked (the rendered yellows 244/242/78 and 252/236/96)
    # differ by as much in a*b* as ink does (stack_ink_hue, 16, merged three stacked pairs)
    merge_ink_drop: float = 25.0
    # ... or a pixel sending back under seam_ink_light of its paper's light (CIE Y): ink
    # absorbs a share of the light whatever the exposure, a fixed L* drop does not (25 L*
    # under a paper at L* 85 is 0.42 of its light, under one at L* 35 only 0.13: on the dim
    # real post-its-8, writing at L* 8-17 on a green at 35, 0.1-0.25 of its light, was no
    # ink and its letters made a line under a word rise like a seam). A note's shadow line
    # on the one under it takes far less light away (outline_seam_rise: a few L*).
    seam_ink_light: float = 0.4
    # ... and only papers within merge_paper_ab in a*b* (L* within stack_paper_de: light
    # falls off across a large note): one sheet is one colour. Measured (a*b*, the inner 60 %
    # of each outline): two outlines over one sheet 0.1-1.4 apart (9 pairs on generated
    # walls and the rendered tests, 0.4 on post-its-4's tall note); two shades of one colour
    # stacked 4-8 (stack_paper_de's note), 2.4-4.2 on three such pairs a first version merged
    merge_paper_ab: float = 2.0
    stack_paper_de: float = 12.0
    stack_margin: float = 0.03
    stack_step_min: float = 1.0
    stack_step_ratio: float = 2.0
    stack_ink_de: float = 10.0
    # Whether two outlines of one paper are one sheet (wall_notes._no_edge_between) asks the
    # step across each only where stack_paper_min or more of its points inside the other are
    # paper both sides: a side of one of the coverer's two squares over a large note running
    # along a line of its writing has most of its points on ink and the rest on the letters'
    # blurred rims (L* 50-55 on a paper at 60, within stack_ink_de), which step like an edge
    # (generated set 43 IMG_0006: 72 of 164 points paper, step 2.6, one pink note read as
    # two stacked). Under it the step tells nothing (left out: the other, when measured, must
    # be flat; both along writing, the fit's seams decide, as they do first anyway). An
    # upper note's edge with a dark shadow leaves few paper points too: the fit's seam test
    # comes first there (FittedQuad.edged), and on_top weighs every paper point as before.
    # 0: measured wherever any paper is, as before
    stack_paper_min: float = 0.5
    stack_blur_px: float = 1.5  # work px (2 per mm): the image smoothed first (grain, JPEG)
    outline_seam_angle: float = 15.0
    # An outline split_aspect_min or more longer than a note there (its outline_aspect_near
    # nearest outlines' height over width, median: perspective shapes neighbours alike; a
    # plain 1.3:1 bound split notes seen askew on seeds 42, 49, 50) whose paper a seam crosses
    # from one long side to the other (note_outline.split_at_seam) is notes of one colour
    # stacked, the lower one stuck over the upper one's bottom (affinity walls stack notes in
    # columns, a strip of each showing: real post-its-9, three yellow pairs and a green one
    # 1.5-1.8:1 read as one 3 x 5" card each, rect_aspect_max). A seam leaving under
    # split_part_min x the width on one side is the note's curled end or a line of writing
    # near it. split_tries: the lines across looked at (writing is crossed as often as a seam).
    split_at_seam: bool = True
    split_aspect_min: float = 1.3
    split_part_min: float = 0.2
    split_tries: int = 4
    # ... a part whose shown paper lies split_dup_share or more inside another outline is
    # that note (the outline reached over a strip of a note found already): dropped
    split_dup_share: float = 0.5
    split_parts_max: int = 6  # parts of one outline at most (a column of strips)
    wall_min_quads: int = 3  # notes with four clear corners needed for a wall plane
    wall_max_error: float = 0.08  # ... each a square under the plane within this side/angle
    # error (a 38 x 51 mm note is 0.15 off a square, a 76 x 127 mm card 0.25: never one)
    wall_refine_rounds: int = 3  # the plane fitted again through every square that agrees
    # (one note's four corners are each off by a px: all of them average it out)
    wall_pack_band: float = 0.08  # squares whose sides on the plane are within this of each
    # other are one pack: a pack's own differ by the outlines' error (corner error p90 under
    # 4 % of a side), 76 and 100 mm squares by 32 %
    # the two square packs sold, in mm (3 x 3 in and the 4 x 4 in "super sticky"): of squares
    # of both on one wall the smaller are the usual ones, however many of each are seen
    wall_square_packs_mm: tuple[float, float] = (100.0, 76.0)
    dup_text_min: float = 0.35  # texts both read this unlike (1 - distance): two notes (OCR of
    # one handwritten note on two photos often agrees on half its letters only)
    dup_same_frac: float = 0.6  # this share of the smaller photo's notes matched: same wall
    dup_undecided_frac: float = 0.3  # between this and dup_same_frac: flagged, not merged
    dup_min_notes: int = 3  # fewer matched notes say nothing (two always fit a transform)
    dup_layout_frac: float = 0.5  # matched notes must agree in place within this x the side
    # Printed sheets (a poster, a template, a slide on A4/A3) beside the notes: their coloured
    # blocks have a note's size and colour and their printed dots a sticker's; on a real
    # sheet they sit inside its white margin. A region of the search image (1 px per nominal
    # mm) lighter than the wall's light there (a quadratic fitted across the photo) by
    # sheet_lighter_min and unlike it by sheet_brighter_l (CIELAB distance: white paper on a
    # cream or grey wall differs in colour as well), under sheet_chroma in the photo as taken
    # or once balanced on the wall (white paper is neutral under the light or under white
    # light; a beige wall balanced to grey leaves it blue, chroma 14), its printing closed
    # over sheet_close_mm, a quadrilateral (its area sheet_rect_fill of its convex hull, which
    # approxPolyDP makes four corners), whole in the frame (one it cuts may be a flipchart),
    # whose sides measure sheet_min_mm..sheet_max_mm against the notes found off every sheet
    # (a note is 76, an A4 sheet 210 x 297, an A3 297 x 420 mm; a flipchart 650 x 1000 and a
    # whiteboard are larger: notes stuck on them stay) is a printed sheet: a note or free
    # sticker found with its centre on it is printed, not stuck (dropped). A sheet on a wall
    # as white as it is left unseen (sheet_brighter_l); notes stuck on a small sheet are lost.
    # The probe finds the sheets too (on its small copy, against the lone blobs off every sheet):
    # a lone blob printed on one sets no note scale (note_shapes.on_sheets), as printed blocks
    # 0.3-1.1 x a note outnumbered the lone notes on room photos (scale 0.6-0.8 x the notes').
    # There a sheet is paper lighter than any bare surface, the frame may cut it (its size
    # then the part in view's), and the foreground in its hull counts as its printing (a
    # block across its margin notched 0.77 fill); a region over probe_sheet_max of the probe
    # is no sheet but the wall around a darker panel (a kraft roll: 0.95 of the view). Since
    # the 37th stop the notes' pass finds them as the probe does (lighter than any bare
    # surface, printing counted, probe_sheet_max of the search image), but whole in the frame
    # or cut with a side seen whole (sheet_frame_mm).
    sheet_brighter_l: float = 6.0
    sheet_lighter_min: float = 3.0
    sheet_chroma: float = 12.0
    sheet_close_mm: float = 5.0
    sheet_rect_fill: float = 0.9
    sheet_min_mm: float = 110.0
    sheet_max_mm: float = 470.0
    # ... measured against the notes' side where the sheet lies (wall_surface._side_at: a
    # plane over the photo fitted on the notes off the sheets; perspective makes a sheet on
    # the near side of a tilted photo larger than the notes' median says: an A3 sheet on
    # medium --clutter seed 47's second photo measured 570 x 379 mm against the median, 454
    # x 302 where it lies). A note off that plane by more than sheet_scale_tol of the median
    # side is no note of the usual pack at that place (notes scatter about the plane by
    # scale_band_step at most, a smaller pack or a false note by a third and more) and is
    # left out of the fit
    sheet_scale_tol: float = 0.15
    # A sheet one side of the frame cuts (a phone frames the notes, not the room: 71 of the
    # 102 printed dots read as free stickers on medium --clutter 47, 48, 50, 52 lay on such
    # sheets) is measured by the sides seen whole: a corner of its hull's polygon within
    # sheet_frame_mm (search px, about mm) of the frame lies on it. The sides the frame
    # crosses must be no longer than sheet_max_mm either; one cut at a frame corner or across,
    # or with no side seen whole, keeps the whole-in-frame rule (it may be a flipchart).
    sheet_frame_mm: float = 3.0
    # White paper seen as paper under a cast (37th stop; on the 60 room photos printed dots
    # on sheets not seen read as free stickers): on a wall under sheet_cast_chroma (too grey
    # for a note's paper, note_chroma_min: a white taken under a cast, balanced or not)
    # paper may read the wall's own colour (the light's) within sheet_chroma instead of
    # neutral: a bluish paper (chroma 14) on a balanced
    # grey wall, a sheet under a warm lamp (chroma 16, the wall 13.6). A painted wall's own
    # lighter patch (chroma over sheet_cast_chroma) stays no paper.
    sheet_cast_chroma: float = 15.0
    # A stronger cast, for a sheet its cut edge closes (edged_sheets, 41st stop): lights lie
    # along the daylight and lamp locus, which in CIELAB about a D65 white runs along b* (a
    # tungsten lamp at 2856 K a* 25 b* 62, fluorescents F2 and F11 7-10 and 30-32, a 10000 K
    # sky 4 and -22: |a*| at most 0.4 |b*|). A surround of such a hue may be a white under
    # that light, so paper within sheet_chroma of it is white there (room b43's first and
    # seventh, c56's second: walls of chroma 17-23 unbalanced, the paper the wall's hue);
    # a green or pink paint (|a*| near |b*|) is no light's colour and a paper of its hue no
    # white. A lamp's lighter patch on a cream wall has that hue too, but no edge closes it.
    sheet_light_hue: float = 0.5
    probe_sheet_max: float = 0.25
    # A sheet told by its edge (38th stop): paper is a flat region its own edge closes all
    # round, whatever the wall's light. The search image's CIELAB gradient (Sobel over a
    # 5 px median, CIELAB units per px at 1 px per nominal mm) of sheet_edge_step or more is
    # an edge (a paper's cut edge steps 3-10 L* or 10-18 in colour within 1-2 px; the wall's
    # grain and a lamp's fall-off stay under 0.5 per px, so a wall clipped white by a lamp is
    # no region of its own); a flat region between the edges (4-connected) that fills a
    # quadrilateral as paper_sheets' do (printing and edges counted), holds sheet_print_min
    # of its hull in printing (blocks, text: no printing, nothing to drop), is white as
    # paper_sheets has it (neutral, or the surround's own light under sheet_cast_chroma) and
    # unlike the surround just outside it (a ring sheet_ring_mm wide, 2 px out) by
    # sheet_brighter_l, not darker, is a sheet: on a paint wall beside a floor or kraft panel
    # taken for the wall (8-9 L* over its surround, 30-50 over the "wall"), or white on a
    # cream wall at the clip (1 L* lighter, 16-18 in colour).
    sheet_edge_step: float = 1.5
    # An edge's fainter parts, as Canny's hysteresis: the pixels at sheet_edge_faint or more
    # of a line that reaches sheet_edge_step somewhere are edge too (a sheet's edge fades to
    # 1 L* per px where a lamp lights the wall beside it as bright or its shadow thins: on
    # 18 dev room photos, c47-c50 and c52's first two, the one threshold left 54 false notes
    # and 46 false free stickers of main's 59 and 58, with the faint parts 49 and 41; the
    # wall's grain alone reaches no sheet_edge_step, so it is no edge however faint)
    sheet_edge_faint: float = 0.7
    sheet_print_min: float = 0.01
    sheet_ring_mm: float = 6.0
    # and that ring is bare surface (no foreground) for sheet_ring_bare of it: a sheet hangs
    # on the wall, a patch of wall closed in by notes has notes around it (the real photos
    # post-its-3 and -7: whiteboard and door-panel patches between notes, 0.18-0.67 bare,
    # lost 3 notes; the 22 sheets so found on 18 dev room photos: 0.93-1.0)
    sheet_ring_bare: float = 0.8
    # A sheet found from what is printed on it (39th stop): a printed block or dot lies on a
    # white ground that runs on past it all round and ends at the sheet's edge, a note stuck
    # on the wall has the wall for its ground. Around each note found, the ground in a ring
    # sheet_ground_mm wide just outside it (bare of foreground for sheet_ground_bare of the
    # ring: a note in a cluster has notes around it) is flooded over the pixels within
    # sheet_ground_de of its colour (in L* and in a*b*, on the 5 px median): a region bounded
    # within sheet_max_mm of the note that fills a quadrilateral, whose rim (4 px in) and
    # the ring just outside it differ by sheet_ground_de (a cut edge: a plain wall's light
    # falling off into a vignette bounds such a flood too, set 48's seventh photo, with
    # 0.2 across its bound, where the sheets step 4) is a sheet, judged as
    # edged_sheets' are (white, not darker than the ring outside it, that ring bare) and by
    # printed_on's size. On the 44 dev room photos white paper on a white or grey wall is
    # 2.7-3.2 L* lighter than its surround and 3-4 apart in colour (under sheet_brighter_l,
    # and its blurred edge 0.8-1.0 per px at the median: no sheet_edge_step all round), the
    # paper itself within 1 of its median; a bare wall runs on past the window.
    sheet_ground_mm: float = 4.0
    sheet_ground_de: float = 2.0
    sheet_ground_bare: float = 0.5


@dataclass(frozen=True)
class Config:
    limits: Limits = field(default_factory=Limits)
    kit: KitConfig = field(default_factory=KitConfig)
    print: PrintConfig = field(default_factory=PrintConfig)
    register: RegisterConfig = field(default_factory=RegisterConfig)
    rectify: RectifyConfig = field(default_factory=RectifyConfig)
    colour: ColourConfig = field(default_factory=ColourConfig)
    dots: DotsConfig = field(default_factory=DotsConfig)
    notes: NotesConfig = field(default_factory=NotesConfig)
    qa: QaConfig = field(default_factory=QaConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    batch: BatchConfig = field(default_factory=BatchConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    synth: SynthConfig = field(default_factory=SynthConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    markerless: MarkerlessConfig = field(default_factory=MarkerlessConfig)


CONFIG = Config()


@dataclass(frozen=True)
class HeapConfig:
    """How a worker's C heap returns memory (capture.app.heap). Kept out of Config: it
    decides no result, so it is not part of the settings hash (--resume keeps its photos)."""

    # Arrays at least this big get their own memory mapping, returned to the system when
    # freed. glibc's default threshold rises to 32 MB after the first big free, so a photo's
    # 10-30 MB arrays then stay in the heap and a worker's resident size only grows
    # (measured on 12 MP photos: about 110 MB less at the peak with 1 MB). The price: every
    # mapped array is zeroed page by page by the kernel when first written (on the samples
    # 1.1 million page faults, a fifth of the run's CPU). 16 MB took that to a third of the
    # faults and the samples' CPU down 16 %, but the 12 MP peak (--jobs 1) varied from run
    # to run: 686, 689 and 923 MB (cause not found; glibc keeps a heap per thread):
    # over the 700 MB target, so 1 MB stays. docs/ocr-journal.md "Speed and memory".
    mmap_threshold_bytes: int = 1 << 20
    trim_threshold_bytes: int = 4 << 20  # free heap top kept before giving it back


HEAP = HeapConfig()


@dataclass(frozen=True)
class MemoryConfig:
    """How much of an image a stage holds at once. Kept out of Config, as HeapConfig: it
    decides no result (the same values whatever it is), so it is not in the settings hash."""

    # The faint stickers' per-pixel distances against the wall around each pixel
    # (wall_stickers._against_local_wall) are taken this many work rows at a time: each value
    # is a pixel's own, so any band gives the same values; a band holds a few MB of
    # temporaries instead of four whole-image copies (about 250 MB at 6 MP work images, the
    # markerless path's peak). A multiple of 64 rows keeps a band's pixel count a multiple of
    # the vector width the colour conversions run at. docs/markerless-journal.md, 41st stop.
    band_rows: int = 256


MEMORY = MemoryConfig()
