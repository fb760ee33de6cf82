"""The typed results the stages of a markerless read hand each other (see markerless).

Probe (probe_photo's first look at the wall) and WorkImages (work_images's resampled photo)
go to the note and sticker finders; WallNote (wall_notes), WallDot (wall_stickers) and
NotePlace (wall_notes.places) end up in markerless.WallScene. Plain frozen dataclasses, no
code of ours imported: every stage may import them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WallNote:
    corners: tuple[tuple[float, float], ...]  # photo px, TL TR BR BL (clockwise)
    center: tuple[float, float]  # photo px
    side_px: float  # mean side in the photo
    lab: tuple[float, float, float]  # paper colour (balanced CIELAB)
    score: float  # 0-1: how well a square (or rectangle) explains the blob
    seen: float = 1.0  # share of its outline inside the photo (under 1: the frame cuts it)
    # its ends are seams its run was re-laid at (note_runs.relay_runs): a piece of a sheet
    # shingled under the next may be a strip, its shape no square's seen askew
    laid: bool = False


@dataclass(frozen=True)
class WallDot:
    center: tuple[float, float]  # photo px
    radius_px: float
    lab: tuple[float, float, float]
    on_note: int | None  # index in WallScene.notes
    ambiguous: bool  # its cluster did not make a whole number of stickers
    # per channel (R, G, B): saturated in the photo over most of the sticker (its value is
    # then only a lower bound: an overexposed orange sticker has a yellow one's hue)
    clipped: tuple[bool, bool, bool] = (False, False, False)


@dataclass(frozen=True)
class NotePlace:
    group: int  # notes closer than group_gap_frac x their side, chained
    row: int  # within its group, from the top
    col: int  # within its group, from the left
    neighbours: tuple[int, ...]  # indices of the notes next to it in its group


@dataclass(frozen=True, eq=False)
class Probe:
    """The first look at a small copy of the photo: what the wall is and how large notes are."""

    surfaces: tuple[tuple[float, float, float], ...]  # bare surfaces (CIELAB): the wall first
    gains: np.ndarray | None  # linear-light gains that balance it (None: left as it is)
    side_px: float  # the usual note side in the photo
    scale: np.ndarray | None  # side / usual side = a + b x + c y (photo px), or None
    # notes of the wall's own colour (probe px, paper_islands): foreground though near a
    # bare surface; None: none
    paper: np.ndarray | None = None
    # the gains of the balance on the wall alone (the exposure left out; None: not balanced)
    balance: np.ndarray | None = None
    # a close-up: the photo's most common colour was its notes' paper (paper_islands), the
    # wall what the rest shows most; a lighter neutral background is bare (_surface_distance)
    closeup: bool = False
    # per probe px the bare surface (index) that is the notes' surround there, -1: none
    # (surface_regions; None: the wall everywhere)
    local: np.ndarray | None = None
    # lone blobs far larger than the many notes (note_scale's outsized: a folder, a book
    # cover), (x, y, side) photo px: not covered with notes
    room: tuple[tuple[float, float, float], ...] = ()

    @property
    def balanced(self) -> bool:
        """The wall was near-neutral: colours were balanced on it."""
        return self.balance is not None


@dataclass(frozen=True, eq=False)
class WorkImages:
    """The photo resampled for the finders: stickers and colours at work_px_per_mm (`work`),
    notes at 1 px per nominal mm (`search`, where a usual note measures note_mm px)."""

    rgb: np.ndarray  # work image, balanced
    lab: np.ndarray
    fw: float  # work px per photo px
    ppm: float  # work px per nominal mm
    lab_s: np.ndarray  # search image (CIELAB)
    fs: float  # search px per work px
