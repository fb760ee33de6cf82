"""What a photo read with no board comes to (markerless_read): its notes, dots and findings.

WallNoteResult (a note named, placed, cropped and, once read_wall has read it, its text),
WallDotResult (a sticker named and the note it sits on) and MarkerlessResult (both lists,
the flags for the reviewer, the light's cast taken off): made by markerless_read.interpret,
filled in by markerless_read.read_wall (note_text.read_texts turns the crops), written by
app.json_out. Plain dataclasses at the end of a photo's path; every stage of the read may
import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.core.model import Finding
from capture.vision.colour import SurfaceCast


@dataclass
class WallNoteResult:
    id: str
    color: str
    confidence: float
    center: tuple[float, float]  # normalised photo coordinates (0..1)
    corners: tuple[tuple[float, float], ...]  # normalised, TL TR BR BL
    group: str
    row: int
    col: int
    neighbours: tuple[str, ...]
    dots: dict[str, int] = field(default_factory=dict)
    wall: tuple[float, float] | None = None  # wall plane (nominal mm) when estimated
    text: str = ""
    raw_text: str = ""
    ocr_confidence: float | None = None
    crop: object | None = None  # upright RGB array for the report (not exported)
    # the crop as the OCR reads it: stickers and other notes' paper painted over (ocr_view)
    ocr_crop: object | None = None
    alt_turn: int = 0  # quarter turns (np.rot90) also read, when which side is up is unsure
    # where ocr_view filled in something over the note's own paper (a sticker, a note stuck
    # on it), at HOLES_SCALE of the crop's size: the letters there are hidden
    ocr_holes: object | None = None
    # the note's outline in photo px (TL TR BR BL): where its lines lie in the photo, for a
    # line two notes both read (note_text.own_lines)
    outline_px: object | None = None
    turn: int = 0  # quarter turns (np.rot90) of the crop as it was read


@dataclass
class WallDotResult:
    color: str
    center: tuple[float, float]  # normalised
    on_note: str | None
    confidence: float


@dataclass
class MarkerlessResult:
    notes: list[WallNoteResult] = field(default_factory=list)
    dots: list[WallDotResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note_side_px: float = 0.0
    wall_plane: bool = False
    wall_squares: int = 0  # the notes seen square on the wall plane it rests on (0: no plane)
    cast: SurfaceCast | None = None  # the light's cast taken off the notes' colours, if any
