"""What a photo with no board says: markerless.find_wall's notes and dots, interpreted.

Colours get their common names (or "unknown", flagged), notes their text (the OCR path of the
boards), ids, groups and neighbours, and positions in the photo's normalised coordinates
(0..1) plus the wall plane when the notes' squares allow one. What a reviewer should check is
reported as findings (codes and values), worded by the flag catalogue for the outputs.

This module is the stage that calls the others, after find_wall in a photo's path:
- interpret: the light the notes are under and their colour names (wall_light), the
  stickers' names under the same light (sticker_names), each note's crop as the OCR reads
  it (note_text.note_crops), ids, places and findings;
- read_wall: find_wall + interpret + the text of every note (note_text.read_texts,
  note_text.completed).
What it hands on (WallNoteResult, WallDotResult, MarkerlessResult) is in wall_results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from capture.core.config import CONFIG, Config
from capture.core.model import Finding, KitLayout
from capture.vision.colour import (
    PLANCK_AXIS,
    SurfaceCast,
    correct_cast,
    load_colour_refs,
    load_note_shades,
    luminance,
)
from capture.vision.markerless import WallScene, find_wall
from capture.vision.note_text import completed, note_crops, own_lines, read_texts
from capture.vision.ocr import low_confidence
from capture.vision.sticker_names import name_stickers
from capture.vision.wall_light import (
    clipped_channels,
    clipped_share,
    dark_wall_gains,
    light_casts,
    light_doubt,
    lightest_pack,
    local_shifts,
    names_under,
    note_lights,
    pack_medians,
    packs_fit,
    paper_pixels,
    shaded_packs,
)
from capture.vision.wall_notes import paper_as_photographed
from capture.vision.wall_results import MarkerlessResult, WallDotResult, WallNoteResult
from capture.vision.wall_surface import light_field, without_light_field

# Every name calibration/colors.yaml has for notes and stickers: the palette colours are
# named from (white notes and stickers are left out: a white wall would be one).
NOTE_NAMES = ("yellow", "pink", "orange", "green", "blue", "purple", "lime", "red")
STICKER_NAMES = ("red", "green", "blue", "yellow", "orange", "pink", "purple")


def _wall_points(scene: WallScene) -> np.ndarray | None:
    """Each note's centre on the wall plane (nominal mm, the top-left-most note at 0: only
    the shape matters), when the scene has a wall plane."""
    if scene.wall_h is None or not scene.notes:
        return None
    c = np.array([n.center for n in scene.notes], np.float64).reshape(-1, 1, 2)
    pts = cv2.perspectiveTransform(c, np.array(scene.wall_h, np.float64)).reshape(-1, 2)
    return pts - pts.min(0)


def _note_result(
    k: int,
    scene: WallScene,
    names: list[tuple[str, float]],
    ids: list[str],
    wall_pts: np.ndarray | None,
    config: Config,
) -> WallNoteResult:
    """Note k of the scene with its colour name, confidence, place in normalised photo
    coordinates, group, row, column, neighbours and wall-plane position."""
    m = config.markerless
    w, h = scene.size
    n, place = scene.notes[k], scene.places[k]
    colour, de = names[k]
    far = 2 * m.note_unknown_delta_e
    conf = float(np.clip(n.score * (1 - min(de, far) / far), 0, 1))
    return WallNoteResult(
        id=ids[k],
        color=colour,
        confidence=round(conf, 3),
        center=(round(n.center[0] / w, 4), round(n.center[1] / h, 4)),
        corners=tuple((round(x / w, 4), round(y / h, 4)) for x, y in n.corners),
        group=f"g{place.group + 1}",
        row=place.row + 1,
        col=place.col + 1,
        neighbours=tuple(ids[j] for j in place.neighbours),
        wall=None
        if wall_pts is None
        else (round(float(wall_pts[k, 0]), 1), round(float(wall_pts[k, 1]), 1)),
    )


def interpret(
    scene: WallScene, rgb: np.ndarray | None, config: Config = CONFIG
) -> MarkerlessResult:
    """Names, ids, groups and crops for a WallScene (rgb: the photo, for the OCR crops)."""
    m = config.markerless
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    # a name's references: its palette colour and the other shades sold under it (a neon
    # yellow pad is a yellow one); the notes are named by the common name
    shades = {**refs.notes, **load_note_shades(NOTE_NAMES)}
    w, h = scene.size
    out = MarkerlessResult(
        note_side_px=round(scene.note_side_px, 1),
        wall_plane=scene.wall_h is not None,
        wall_squares=scene.wall_squares,
    )
    labs = np.array([n.lab for n in scene.notes], np.float64).reshape(-1, 3)
    # each note's paper as photographed, taken once: what the photo saturates in it
    papers = [None if rgb is None else paper_pixels(rgb, np.array(n.corners)) for n in scene.notes]
    clipped = np.zeros((len(labs), 3), bool)
    for k, px in enumerate(papers):
        if px is not None:
            clipped[k] = clipped_channels(px, config)
    lights: list[tuple[float, SurfaceCast | None]] = []
    wall_shift = 0.0
    # a wall far darker than its notes balanced on as white: that balance taken back off
    unbalance = dark_wall_gains(scene, labs, m)
    if unbalance is not None:
        # each paper measured again in the photo as taken: the balance clipped the bright
        # channels of the work image (a yellow's red under a 1.3 x gain), and a clipped
        # channel cannot be taken back off
        seen = np.array(
            [
                correct_cast(labs[k][None], unbalance)[0]
                if px is None or len(px) < 10
                else paper_as_photographed(px, scene.exposure, m)
                for k, px in enumerate(papers)
            ],
            np.float64,
        ).reshape(-1, 3)
        # a dark grey paint under a lamp and a tinted slate look alike: the packs tell which
        # (read as seen only when they lie nearer their names so; else, or with fewer than two
        # packs unclipped either way to tell it, the balance is kept)
        ones = np.ones(3)
        told = min(len(pack_medians(v, m, clipped)) for v in (seen, labs)) >= 2
        if told and packs_fit(seen, refs.notes, m, clipped)(ones) < packs_fit(
            labs, refs.notes, m, clipped
        )(ones):
            labs = seen
        else:
            unbalance = None
    if rgb is not None and m.clip_shade_share > 0 and len(labs):
        bal = np.ones(3)
        if unbalance is None and scene.balance is not None:
            bal = np.asarray(scene.balance, np.float64)
        labs, clipped = shaded_packs(labs, clipped, scene, rgb, bal, config)
    wall_y = float(luminance(np.array(scene.wall_lab, np.float64)[None])[0])
    if rgb is not None and len(labs) and wall_y >= m.wall_white_min_ratio * lightest_pack(labs, m):
        # each note under its own light: the surface around it tells how that light differs
        # from the photo's (a window on one side, a lamp on the other). Not on a wall far
        # darker than its notes (a slate): the light their papers scatter onto it (the
        # lens's flare, reflections) is a large part of its colour beside each of them
        shifts, wall_shift = note_lights(local_shifts(rgb, scene, m), scene.balanced, m)
        labs = np.array(
            [
                v if s == 0 else correct_cast(v[None], np.exp(-s * PLANCK_AXIS))[0]
                for v, s in zip(labs, shifts, strict=True)
            ],
            np.float64,
        ).reshape(-1, 3)
    # a near-black wall (a black board) shows the flare and the sensor's black, not the
    # light (wall_balance_min_l, as for the balance): no cast is read off it, the notes are
    # read as photographed, as when a balance on a dark wall is taken back off
    lit_wall = float(scene.wall_lab[0]) >= m.wall_balance_min_l
    if unbalance is None and len(labs) and lit_wall:
        # the wall, taken for a common surface (or for grey paint when balanced on), and the
        # notes' packs tell the light's cast
        wall = np.array(scene.wall_lab, np.float64)
        if wall_shift:
            # the wall's colour under the light the notes are read under
            wall = correct_cast(wall[None], np.exp(wall_shift * PLANCK_AXIS))[0]
        others = np.array(scene.surfaces[1:], np.float64).reshape(-1, 3)
        lights = light_casts(wall, labs, shades, config, scene.balanced, clipped, others)
        out.cast = lights[0][1] if lights else None
    names = names_under(labs, out.cast, shades, clipped, m)
    doubt = light_doubt(labs, lights, names, shades, clipped, m)
    # the packs a tie under uneven light named (note_name_tie_de): index -> the name as
    # measured, for the reviewer to check
    tied: dict[int, str] = {}
    if m.note_name_tie_de > 0 and len(labs):
        plain = names_under(labs, out.cast, shades, clipped, replace(m, note_name_tie_de=0.0))
        tied = {k: p for k, ((p, _), (q, _)) in enumerate(zip(plain, names, strict=True)) if p != q}
    # the packs named by their contrast with the others (note_name_share_de): index -> the
    # name the pack's colour alone is nearest, for the reviewer to check
    contrast: dict[int, str] = {}
    if m.note_name_share_de > 0 and len(labs):
        alone = names_under(labs, out.cast, shades, clipped, replace(m, note_name_share_de=0.0))
        contrast = {
            k: p for k, ((p, _), (q, _)) in enumerate(zip(alone, names, strict=True)) if p != q
        }
    ids = [f"m{k + 1:02d}" for k in range(len(scene.notes))]
    wall_pts = _wall_points(scene)
    small: dict[str, float] = {}  # note id -> its px/mm, under what handwriting needs
    for k, n in enumerate(scene.notes):
        note = _note_result(k, scene, names, ids, wall_pts, config)
        if rgb is not None and n.side_px > 0:
            note.outline_px = np.array(n.corners, np.float64)
            note.crop, note.ocr_crop, note.alt_turn, note.ocr_holes = note_crops(
                rgb, k, scene, config
            )
            share = clipped_share(papers[k], config.dots.clip_level)
            if share >= config.qa.overexposed_paper:
                values = {"share": round(share, 2)}
                out.findings.append(Finding("overexposed", "wall_note", values, item=note.id))
        if note.color == "unknown":
            out.findings.append(Finding("unknown_colour", "wall_note", item=note.id))
        elif k in doubt:
            values = {"other": doubt[k]}
            out.findings.append(Finding("light_uncertain", "wall_note", values, item=note.id))
        elif k in tied:
            values = {"other": tied[k]}
            out.findings.append(Finding("name_tie", "wall_note", values, item=note.id))
        elif k in contrast:
            values = {"other": contrast[k]}
            out.findings.append(Finding("name_contrast", "wall_note", values, item=note.id))
        scale = n.side_px / m.note_mm  # source px per mm, a note taken for the usual pack
        if 0 < scale < config.ocr.min_source_px_per_mm:
            small[note.id] = scale  # too few pixels for handwriting, as on a board
        if n.seen < m.note_cut_flag:
            # the photo's frame cuts it: its writing and stickers may be partly outside
            values = {"share": n.seen}
            out.findings.append(Finding("note_cut", "wall_note", values, item=note.id))
        out.notes.append(note)
    out.findings += _too_small(small, config.ocr.min_source_px_per_mm)
    # the stickers are under the same light as the notes: the same cast comes off their colours
    gains = unbalance if out.cast is None else out.cast.gains
    named = name_stickers(scene.dots, refs.stickers, config, gains)
    for d, (colour, de) in zip(scene.dots, named, strict=True):
        on = None if d.on_note is None else ids[d.on_note]
        conf = float(np.clip(1 - de / (2 * config.dots.unknown_delta_e), 0, 1)) * (
            0.6 if d.ambiguous else 1.0
        )
        centre = (round(d.center[0] / w, 4), round(d.center[1] / h, 4))
        out.dots.append(WallDotResult(colour, centre, on, round(conf, 3)))
        if on is not None:
            note = out.notes[d.on_note]
            note.dots[colour] = note.dots.get(colour, 0) + 1
    for note in out.notes:
        note.dots = dict(sorted(note.dots.items()))
    unknown_dots = sum(d.color == "unknown" for d in out.dots)
    if unknown_dots:
        out.findings.append(Finding("unknown_colour", "wall_dots", {"count": unknown_dots}))
    ambiguous = sum(d.ambiguous for d in scene.dots)
    if ambiguous:
        out.findings.append(Finding("ambiguous_cluster", "wall", {"count": ambiguous}))
    return out


def _too_small(small: dict[str, float], limit: float) -> list[Finding]:
    """The notes photographed under the px/mm handwriting needs (legibility.small_notes on a
    board): one note is named; several (often a whole wall taken from afar) make one
    finding for the photo, not one a note."""
    if len(small) == 1:
        ((nid, scale),) = small.items()
        values = {"scale": round(scale, 2), "limit": limit}
        return [Finding("note_too_small", "wall_note", values, item=nid)]
    if small:
        values = {"count": len(small), "best": round(max(small.values()), 2), "limit": limit}
        return [Finding("text_too_small", "wall", values)]
    return []


def read_wall(
    rgb: np.ndarray, config: Config = CONFIG, ocr: Callable | None = None
) -> MarkerlessResult:
    """find_wall + interpret + the text of every note (ocr as in photo.analyse_photo)."""
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    # two lights of different colours across the photo: read as under the one at its centre
    rgb = without_light_field(rgb, light_field(rgb, config.markerless))
    scene = find_wall(rgb, refs.notes, refs.stickers, config)
    res = interpret(scene, rgb, config)
    if ocr is not None:
        read_text(res, ocr, config)
    return res


def read_text(res: MarkerlessResult, ocr: Callable, config: Config = CONFIG) -> int:
    """The text of every note of `res` with a crop, read by `ocr` (read_wall's last step; a
    low confidence noted in res.findings). Returns how many notes were read."""
    todo = [n for n in res.notes if n.crop is not None]
    if todo:
        reads = read_texts(todo, ocr, low_confidence(config), config.markerless.ocr_turn_probe)
        m = config.markerless
        if m.ocr_own_lines:
            reads = own_lines(todo, reads, m.crop_margin, m.ocr_turn_deg)
        for note, o in zip(todo, reads, strict=True):
            o = completed(note, o, config)
            note.text, note.raw_text = o.text, o.raw_text
            note.ocr_confidence = float(o.confidence) if o.confidence is not None else None
            if note.ocr_confidence is not None and note.ocr_confidence < low_confidence(config):
                values = {"confidence": note.ocr_confidence}
                res.findings.append(Finding("low_ocr_confidence", "", values, item=note.id))
    return len(todo)


def empty_kit(config: Config = CONFIG) -> KitLayout:
    """The kit of `capture run --markerless` without a workshop: no board to look for."""
    return KitLayout(
        workshop="sans-atelier",  # ids name it in outputs: a workshop file has no part here
        title="Mur sans panneau",
        aruco_dictionary=config.kit.aruco_dictionary,
        sticker_diameter_mm=config.markerless.dot_mm,
        sticker_colors=STICKER_NAMES,
        note_size_mm=config.markerless.note_mm,
        note_colors=NOTE_NAMES,
    )
