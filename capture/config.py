"""Every tunable number of wall capture, in one place, with the reason for its default.

Stages read `CONFIG` (or a copy passed in); nothing else hard-codes a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    workshop_max_bytes: int = 1_000_000  # a workshop file is a few KB; refuse anything huge
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
class OcrConfig:
    """Tesseract on note crops (handwriting on coloured paper)."""

    languages: str = "fra+eng"  # French workshops with English loan words; `capture run --lang`
    psm: int = 6  # one uniform block of text: measured best on note crops (see bench ocr)
    oem: int = 1  # LSTM engine only
    inset_frac: float = 0.04  # trim the note's own edge and shadow before reading
    target_letter_px: float = 36.0  # Tesseract reads best with ~30-40 px tall letters
    max_upscale: float = 4.0
    max_downscale: float = 0.35
    flatten_kernel_frac: float = 0.12  # background estimate window, share of the crop side
    ink_min_contrast: float = 0.12  # below this contrast the note is blank: skip Tesseract
    border_px: int = 24  # white margin Tesseract needs around text
    min_word_conf: float = 20.0  # words below this (0-100) are noise from paper texture
    low_confidence: float = 0.55  # mean word confidence (0-1) under which a note is flagged
    timeout_s: float = 30.0  # one stuck crop must not hang the batch


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


@dataclass(frozen=True)
class Config:
    limits: Limits = field(default_factory=Limits)
    kit: KitConfig = field(default_factory=KitConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    batch: BatchConfig = field(default_factory=BatchConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)


CONFIG = Config()
