"""Sticky notes and dot stickers on a photo with no board: the whole photo at unknown scale.

With no printed board there is no paper to measure the light on and no millimetre scale. The
wall stands in for both: its colour (the most common colour of the photo) balances the light
when it is near-neutral, and whatever differs enough from it may be a note. The notes
themselves give the scale: lone notes are filled squares, and their median side sets the
resolution at which the board's own finders run (notes.find_squares at 1 px per nominal mm,
dots.place_discs at work_px_per_mm). Dots on a note are what differs from that note's paper;
dots on the wall what differs from the wall. Which note a dot belongs to is decided after
finding, like zones on a board.

Detectors here are plain functions over arrays returning frozen dataclasses; naming colours
for people, flags and files are left to the callers.

This module is the stage that calls the others, in the path of a photo:
- find_wall: the veil taken off (wall_surface.veil_level), then probe_photo: a small copy's
  wall, light balance, bare surfaces (wall_surface) and the notes' scale (note_shapes);
- work_images: the photo balanced and resampled for the finders;
- wall_notes.cover_notes / notes_from_outlines: the notes and their outlines;
- wall_stickers.find_stickers: the dot stickers on notes and on the wall;
- naming colours is the caller's (note_colours.name_colours, used by wall_light; the
  stickers' by sticker_names; both called by markerless_read.interpret).
The typed results the stages hand on (WallNote, WallDot, NotePlace, Probe, WorkImages) are
in wall_types; WallScene, find_wall's result, is here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.core.config import CONFIG, Config, MarkerlessConfig
from capture.vision.note_shapes import note_scale, scale_field
from capture.vision.note_stack import on_top, stack_order, undecided_owner
from capture.vision.wall_notes import (
    colour_edges,
    cover_notes,
    notes_from_outlines,
    places,
    plane_squares,
    wall_plane,
    work_corners,
)
from capture.vision.wall_stickers import find_stickers
from capture.vision.wall_surface import (
    apply_gains,
    balanced_on,
    bare_surfaces,
    edged_sheets,
    far_from,
    floor_beside,
    floor_region,
    ground_sheets,
    on_sheets,
    paper_islands,
    paper_sheets,
    printed_on,
    rgb8_to_lab,
    surface_regions,
    veil_level,
    wall_colour,
    without_veil,
)
from capture.vision.wall_types import NotePlace, Probe, WallDot, WallNote, WorkImages


@dataclass(frozen=True)
class WallScene:
    size: tuple[int, int]  # photo width, height
    wall_lab: tuple[float, float, float]  # the wall's colour as photographed
    balanced: bool  # the wall was near-neutral: colours were balanced on it
    note_side_px: float  # the usual note side in the photo (0 when no note was found)
    dot_radius_px: float
    notes: tuple[WallNote, ...]
    dots: tuple[WallDot, ...]
    places: tuple[NotePlace, ...]  # one per note
    wall_h: tuple[tuple[float, ...], ...] | None  # photo px -> wall plane (nominal mm), or None
    # per note, the notes found lying over part of it (note_stack.on_top)
    above: tuple[tuple[int, ...], ...] = ()
    # the bare surfaces (CIELAB, as wall_lab is), the wall first: a paper roll or a
    # whiteboard on it is under the same light (wall_light.light_casts)
    surfaces: tuple[tuple[float, float, float], ...] = ()
    # the linear-light gains the photo was balanced with on its wall (its exposure left out;
    # None: not balanced): markerless_read takes them back off when the wall proves no white
    # (wall_light.dark_wall_gains)
    balance: tuple[float, float, float] | None = None
    exposure: float = 1.0  # the linear-light gain the photo was brightened by (exposure_gain)
    # the notes seen whole that are squares under wall_h: what its estimate rests on (0: none)
    wall_squares: int = 0


@dataclass(frozen=True)
class _Look:
    """What a first look at the probe finds (probe px): its CIELAB copy balanced on the wall,
    the wall's colour, the balance and gains, the notes' paper island and whether the most
    common colour was it (own), the bare surfaces and their regions, the note scale (side0,
    the lone notes' samples) and the far-larger blobs left out of it (outsized)."""

    lab0: np.ndarray
    wall: np.ndarray
    balance: np.ndarray | None
    gains: np.ndarray | None
    paper: np.ndarray | None
    own: bool
    surfaces: list
    local: np.ndarray | None
    side0: float | None
    samples: list[tuple[float, float, float]]
    outsized: list[tuple[float, float, float]]


def _first_look(probe: np.ndarray, among: np.ndarray, config: Config) -> _Look:
    """The wall (the most common colour of the probe's pixels `among`), the light balanced
    on it, the bare surfaces and the notes' scale."""
    m = config.markerless
    lab0, wall, balance, gains = balanced_on(probe, among, m)
    paper, own = paper_islands(lab0, wall, config.notes, m)
    if own:
        # the most common colour is the paper of notes filling a close-up: the wall is the
        # most common colour of the rest (own implies a coloured, unbalanced mode: lab0 raw)
        lab0, wall, balance, gains = balanced_on(probe, far_from(lab0, [wall], m) & among, m)
        paper = None
    surfaces = bare_surfaces(lab0, wall, config.notes, m, paper)
    local = surface_regions(lab0, surfaces, m)
    outsized: list[tuple[float, float, float]] = []
    fg = far_from(lab0, surfaces, m, paper, own, local)
    # printed sheets beside the wall, on it or on any other bare surface (a paint wall around
    # a kraft panel), cut by the frame or not; a region lighter than a dark surface over
    # probe_sheet_max of the view is the wall around it, no sheet
    sheets = [
        sh
        for surface in surfaces
        for sh in paper_sheets(lab0, surface, m, fg, cut=True)
        if sh[0].sum() <= m.probe_sheet_max * fg.size
    ]
    side0, samples = note_scale(
        fg, config.notes, m, colour_edges(lab0, m), outsized, sheets
    )
    return _Look(lab0, wall, balance, gains, paper, own, surfaces, local, side0, samples, outsized)


def probe_photo(rgb: np.ndarray, config: Config, small: np.ndarray | None = None) -> Probe | None:
    """Wall colour, light balance, bare surfaces and note scale from a small copy of the photo;
    None when nothing there looks like a note. small: that copy when the caller has it (the
    photo resized to probe_max_side_px with INTER_AREA, as here).

    The wall is the photo's most common colour, unless that colour shows too few notes
    (under scale_field_min lone ones, none of them on it) and lies beside the notes the rest
    shows, not around them (floor_beside): a floor, a door or a neighbouring wall filling
    much of a room's view. The wall is then the most common colour of the rest, when the
    notes it shows outnumber the first's by floor_outnumber (and are at least
    scale_field_min)."""
    m = config.markerless
    h, w = rgb.shape[:2]
    f0 = min(1.0, m.probe_max_side_px / max(h, w))
    size0 = (max(1, round(w * f0)), max(1, round(h * f0)))
    probe = cv2.resize(rgb, size0, interpolation=cv2.INTER_AREA) if small is None else small
    look = _first_look(probe, np.ones(probe.shape[:2], bool), config)
    if not look.own and len(look.samples) < m.scale_field_min:
        own_colour = floor_region(look.lab0, look.wall, m)
        if (~own_colour).mean() >= m.surface_min_frac:
            other = _first_look(probe, ~own_colour, config)
            if len(other.samples) >= max(
                m.scale_field_min, m.floor_outnumber * len(look.samples)
            ) and floor_beside(own_colour, other.samples, look.samples):
                look = other
    side0, samples = look.side0, look.samples
    if side0 is None or side0 < m.probe_side_min_px:
        # no note, or "notes" too small to read: letters, JPEG blocks or a clipped wall's
        # speckle set the scale, and at one px per mm the search image grew to 50 MP
        return None
    side_full = side0 / f0
    coef = scale_field([(x / f0, y / f0, s / f0) for x, y, s in samples], side_full, m)
    return Probe(
        tuple(tuple(float(v) for v in s) for s in look.surfaces),
        look.gains,
        side_full,
        coef,
        look.paper,
        look.balance,
        look.own,
        look.local,
        tuple((x / f0, y / f0, s / f0) for x, y, s in look.outsized),
    )


def work_images(rgb: np.ndarray, probe: Probe, cfg: MarkerlessConfig) -> WorkImages:
    """The work image (a usual note measures note_mm * work_px_per_mm px, capped in pixels)
    and the search image (1 px per nominal mm) the note finder runs on."""
    h, w = rgb.shape[:2]
    fw = cfg.note_mm * cfg.work_px_per_mm / probe.side_px
    fw = min(fw, np.sqrt(cfg.work_max_px / (h * w)), 2.0)
    size_w = (max(1, round(w * fw)), max(1, round(h * fw)))
    work = apply_gains(cv2.resize(rgb, size_w, interpolation=cv2.INTER_AREA), probe.gains)
    ppm = probe.side_px * fw / cfg.note_mm
    fs = 1.0 / ppm
    size_s = (max(1, round(size_w[0] * fs)), max(1, round(size_w[1] * fs)))
    lab_s = rgb8_to_lab(cv2.resize(work, size_s, interpolation=cv2.INTER_AREA))
    return WorkImages(work, rgb8_to_lab(work), fw, ppm, lab_s, fs)


_CIRCLE = np.linspace(0, 2 * np.pi, 16, endpoint=False)


def _printed_on(
    sheets: list, notes: list[WallNote], dots_px: list, to_search: float, m: MarkerlessConfig
) -> tuple[np.ndarray, np.ndarray]:
    """wall_surface.printed_on for found notes and dot centres (photo px)."""
    return printed_on(
        sheets, np.array([n.center for n in notes]), np.array([n.side_px for n in notes]),
        np.array(dots_px, np.float64).reshape(-1, 2), to_search, m,
    )


def _off_sheets(
    notes: list[WallNote],
    quads: list[np.ndarray],
    sheets: list,
    to_search: float,
    m: MarkerlessConfig,
) -> tuple[list[WallNote], list[np.ndarray]]:
    """The notes not printed on a sheet (paper_sheets), and the wall-plane quads (photo px)
    but those of the notes left out: a quad is its note's when their centres lie within a
    pixel (the quads are the notes fitted on all four sides, not one per note)."""
    if not sheets or not notes:
        return notes, quads
    on, _ = _printed_on(sheets, notes, [], to_search, m)
    if not on.any():
        return notes, quads
    gone = [np.array(n.center) for n, o in zip(notes, on, strict=True) if o]
    kept = [n for n, o in zip(notes, on, strict=True) if not o]
    return kept, [q for q in quads if min(np.linalg.norm(q.mean(0) - g) for g in gone) > 1.0]


def _sheets(
    rgb: np.ndarray, img: WorkImages, probe: Probe, notes: list[WallNote], m: MarkerlessConfig
) -> tuple[list, np.ndarray, np.ndarray | None]:
    """Printed sheets (paper_sheets) in the search image, as the probe finds them: lighter
    than any bare surface (a sheet on the paint around a kraft panel, or on a wall beside the
    floor the probe took for the wall), the foreground in a sheet's hull its printing (blocks
    across its margin), a region over probe_sheet_max of the view the wall around a darker
    surface; white paper neutral as taken or once balanced (paper_sheets' as_taken); the
    sheets an edge closes all round against their own surround (edged_sheets); and those
    the ground around a note found runs on over, bounded (ground_sheets). Returns the sheets,
    the printing (far_from the bare surfaces) and the search image as taken (None: not
    balanced), for ground_sheets around the stickers."""
    lab_s = img.lab_s
    h, w = lab_s.shape[:2]
    surfaces = [np.asarray(s, np.float64) for s in probe.surfaces]
    printing = far_from(lab_s, surfaces, m)
    as_taken = None
    if probe.gains is not None:
        as_taken = rgb8_to_lab(cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA))
    sheets = [
        sh
        for surface in surfaces
        for sh in paper_sheets(lab_s, surface, m, printing, as_taken=as_taken)
        if sh[0].sum() <= m.probe_sheet_max * h * w
    ]
    # and paper told by its edge against its own surround, whatever the wall (38th stop)
    sheets += edged_sheets(lab_s, m, printing, as_taken)
    # and paper told by the ground around what is printed on it (39th stop)
    to_search = img.fw * img.fs
    marks = [np.asarray(n.corners, np.float64) * to_search for n in notes]
    sheets += ground_sheets(lab_s, marks, m, printing, as_taken)
    return sheets, printing, as_taken


def find_wall(
    rgb: np.ndarray,
    note_refs: dict[str, np.ndarray],
    sticker_refs: dict[str, np.ndarray],
    config: Config = CONFIG,
) -> WallScene:
    """Every note and dot sticker of an RGB photo (uint8) with no board, at unknown scale.

    note_refs / sticker_refs: CIELAB colours that split touching items of different colours
    (naming them for people is the caller's business).
    """
    m = config.markerless
    h, w = rgb.shape[:2]
    f0 = min(1.0, m.probe_max_side_px / max(h, w))  # the veil, measured at the probe's size
    small = cv2.resize(
        rgb, (max(1, round(w * f0)), max(1, round(h * f0))), interpolation=cv2.INTER_AREA
    )
    veil = veil_level(small, m)
    rgb = without_veil(rgb, veil)
    # with no veil taken off the photo is as it was: its small copy is the probe's
    probe = probe_photo(rgb, config, small if veil is None else None)
    if probe is None:
        eighth = cv2.resize(rgb, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
        lab0 = rgb8_to_lab(eighth)
        wall = tuple(float(v) for v in wall_colour(lab0, m))
        return WallScene((w, h), wall, False, 0.0, 0.0, (), (), (), None)
    img = work_images(rgb, probe, m)
    wall = None if probe.balanced else np.array(probe.surfaces[0])
    outlines = cover_notes(img, probe, note_refs, config)
    notes, quads = notes_from_outlines(outlines, img, m, wall, probe.surfaces)
    # coloured blocks printed on a sheet beside the notes are not notes, its dots not stickers
    sheets, printing, as_taken = _sheets(rgb, img, probe, notes, m)
    to_search = img.fw * img.fs
    notes, quads = _off_sheets(notes, quads, sheets, to_search, m)
    stacked = on_top(
        img.lab, [work_corners(n, img.fw) for n in notes], [np.array(n.lab) for n in notes], m
    )
    order = stack_order(len(notes), stacked)
    hw = wall_plane(quads, m.note_mm, m)
    dots, r_px = find_stickers(rgb, img, probe, notes, sticker_refs, config, order, hw)
    # a sticker in the overlap of two outlines neither of which is known to lie on the
    # other: the one it lies deeper inside (the stack order gave it to the later one)
    outlines = [np.array(n.corners, np.float64) for n in notes]
    dots = [
        d
        if d.on_note is None
        else replace(d, on_note=undecided_owner(np.array(d.center), outlines, stacked, d.on_note))
        for d in dots
    ]
    # and the sheets the ground around a free sticker runs on over: printed dots
    free = [d for d in dots if d.on_note is None]
    if sheets and free:  # those on a sheet found already need no look
        seen = on_sheets(sheets, np.array([d.center for d in free]), to_search)
        free = [d for d, k in zip(free, seen, strict=True) if not k]
    if free and notes:
        ring = np.stack([np.cos(_CIRCLE), np.sin(_CIRCLE)], 1)
        sheets = sheets + ground_sheets(
            img.lab_s,
            [(np.asarray(d.center) + d.radius_px * ring) * to_search for d in free],
            m,
            printing,
            as_taken,
        )
    if sheets and notes and dots:
        _, printed = _printed_on(sheets, notes, [d.center for d in dots], to_search, m)
        dots = [d for d, p in zip(dots, printed, strict=True) if d.on_note is not None or not p]
    centres = np.array([n.center for n in notes], np.float64).reshape(-1, 2)
    return WallScene(
        (w, h),
        probe.surfaces[0],
        probe.balanced,
        float(probe.side_px),
        float(r_px / img.fw),
        tuple(notes),
        tuple(dots),
        tuple(places(centres, probe.side_px, m)),
        None if hw is None else tuple(tuple(float(v) for v in row) for row in hw),
        tuple(tuple(u for u, low in stacked if low == k) for k in range(len(notes))),
        probe.surfaces,
        None if probe.balance is None else tuple(float(v) for v in probe.balance),
        _exposure_of(probe),
        plane_squares(hw, quads, m),
    )


def _exposure_of(probe: Probe) -> float:
    """The exposure gain in a probe's gains (the balance on the wall left out)."""
    if probe.gains is None:
        return 1.0
    balance = np.ones(3) if probe.balance is None else np.asarray(probe.balance, np.float64)
    return float(np.mean(np.asarray(probe.gains, np.float64) / balance))
