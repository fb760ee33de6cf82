"""Plain dataclasses shared by the stages. Geometry is in board millimetres unless named *_px.

Board mm: origin at the board's top-left corner, x right, y down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ZoneKind = Literal["vote", "grid", "notes"]
Rect = tuple[float, float, float, float]  # x, y, w, h in mm


@dataclass(frozen=True)
class Axis:
    name: str  # e.g. "Échéance"
    labels: tuple[str, ...]  # from 0 to 1, e.g. ("court terme", "moyen terme", "long terme")


@dataclass(frozen=True)
class ZoneSpec:
    id: str
    kind: ZoneKind
    rect_mm: Rect
    label: str = ""
    vote: Literal["agree", "disagree"] | None = None
    x_axis: Axis | None = None  # grid zones: 0 at the left edge
    y_axis: Axis | None = None  # grid zones: 0 at the bottom edge

    def contains(self, x: float, y: float) -> bool:
        zx, zy, zw, zh = self.rect_mm
        return zx <= x < zx + zw and zy <= y < zy + zh


@dataclass(frozen=True)
class MarkerSpec:
    id: int
    corners_mm: tuple[tuple[float, float], ...]  # TL, TR, BR, BL as OpenCV reports them


@dataclass(frozen=True)
class TextBlock:
    """Printed text: the renderer fits it in rect_mm (wrapping, shrinking to at most size_mm)."""

    text: str
    rect_mm: Rect
    size_mm: float
    grey: int = 0
    bold: bool = False
    align: Literal["left", "center"] = "left"
    vertical: bool = False  # rotated 90° counter-clockwise (the mire's y axis)


@dataclass(frozen=True)
class BoardLayout:
    id: str
    kind: str  # story | process | mire | verbatim | calibration
    title: str
    wall: str
    size_mm: tuple[float, float]
    markers: tuple[MarkerSpec, ...]
    qr_rect_mm: Rect
    qr_payload: str
    zones: tuple[ZoneSpec, ...]
    texts: tuple[TextBlock, ...]
    lines: tuple[tuple[float, float, float, float, int], ...] = ()  # x0, y0, x1, y1, grey
    text: str = ""  # verbatim quote / story opening
    swatches: tuple[tuple[str, str, Rect], ...] = ()  # calibration: (kind, colour, rect)

    def zone(self, zone_id: str) -> ZoneSpec:
        return next(z for z in self.zones if z.id == zone_id)

    def zone_at(self, x: float, y: float) -> ZoneSpec | None:
        return next((z for z in self.zones if z.contains(x, y)), None)


@dataclass(frozen=True)
class KitLayout:
    workshop: str
    title: str
    aruco_dictionary: str
    sticker_diameter_mm: float
    sticker_colors: tuple[str, ...]
    note_size_mm: float
    note_colors: tuple[str, ...]
    boards: tuple[BoardLayout, ...] = field(default_factory=tuple)

    def board(self, board_id: str) -> BoardLayout:
        return next(b for b in self.boards if b.id == board_id)

    def marker_index(self) -> dict[int, tuple[BoardLayout, MarkerSpec]]:
        return {m.id: (b, m) for b in self.boards for m in b.markers}


# --- what the pipeline finds (all geometry in board mm) -------------------------------------

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """Something a detector wants a reviewer to look at, before it is put into words.

    `code` is the flag's stable code, `variant` which of the code's sentences fits (a code such
    as foreign_board has several causes), `values` what the sentence quotes (counts, shares,
    ids). Severity and the French sentence come from the flag catalogue when the results are
    interpreted, so detectors hold no prose.
    """

    code: str
    variant: str = ""
    values: Mapping[str, object] = field(default_factory=dict)
    board: str | None = None
    zone: str | None = None
    item: str | None = None


@dataclass
class Flag:
    """Something a reviewer should look at. `code` is stable; `message` is for people (French)."""

    code: str  # e.g. board_missing, poor_fit, blurry_photo, glare, ambiguous_cluster,
    #           low_ocr_confidence, note_outside_zones, views_disagree
    severity: Severity
    message: str
    board: str | None = None
    zone: str | None = None
    item: str | None = None  # id of the dot / note concerned


@dataclass
class BoardFit:
    board: str
    homography: object  # 3x3 numpy array, board mm -> photo px
    markers: tuple[int, ...]  # marker ids used in the fit
    reprojection_error_mm: float
    qr: bool  # the board's QR code was decoded in this photo
    visible_fraction: float  # share of the board's area inside the photo frame
    # QR not decoded: correlation of the photographed QR modules with the board's own code
    # (register.qr_match), None when it could not be judged (out of frame, too small)
    qr_match: float | None = None

    def confirmed(self, min_match: float) -> bool:
        """The photo shows this workshop's board: its QR decoded, or its modules matching."""
        return self.qr or (self.qr_match is not None and self.qr_match >= min_match)


@dataclass
class Dot:
    board: str
    zone: str | None
    center_mm: tuple[float, float]
    radius_mm: float
    color: str  # a declared sticker colour, or "unknown"
    confidence: float


@dataclass
class Note:
    id: str  # unique within a photo, e.g. "mire-n03"
    board: str
    zone: str | None
    corners_mm: tuple[tuple[float, float], ...]  # 4 corners, clockwise from top-left
    center_mm: tuple[float, float]
    color: str
    confidence: float
    x: float | None = None  # grid zones only: échéance, 0 = court terme
    y: float | None = None  # grid zones only: impact, 0 = faible
    cell: str | None = None
    text: str = ""
    raw_text: str = ""
    ocr_confidence: float | None = None
    crop: object | None = None  # upright RGB numpy array of the note, for OCR and the report
    size_mm: float | None = None  # side of the square found (real packs: 51, 76, 102 mm)
    covered: float | None = None  # share of the note under other notes (None: none over it)
    covered_by: tuple[str, ...] = ()  # ids of the notes stuck over it
    ocr_lines: tuple[OcrLine, ...] = ()  # the lines its text was read from, reading order


@dataclass(frozen=True)
class OcrLine:
    """One written line of a note as the OCR engine read it."""

    text: str
    confidence: float  # in [0, 1]
    box: tuple[tuple[float, float], ...]  # corners in crop pixels, clockwise from top left


@dataclass
class VoteCount:
    board: str
    zone: str
    vote: Literal["agree", "disagree"]
    count: int
    by_color: dict[str, int]
    ambiguous: bool = False


@dataclass
class BoardResult:
    fit: BoardFit
    dots: list[Dot] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    votes: list[VoteCount] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def board(self) -> str:
        return self.fit.board


@dataclass
class PhotoResult:
    file: str
    status: Literal["ok", "error"] = "ok"
    error: str | None = None
    error_code: str | None = None
    sha256: str | None = None
    size_px: tuple[int, int] | None = None  # width, height after EXIF orientation
    boards: list[BoardResult] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    sharpness: float | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    duplicate_of: str | None = None  # same bytes as this earlier photo of the batch (not re-read)
    markerless: object | None = None  # MarkerlessResult: notes and dots read with no board
