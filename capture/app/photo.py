"""Assemble the analysis of one photo: boards, dot votes, notes (and OCR when given), QA flags.

Pure function over an RGB array; loading the file and writing results happen at the edges.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter

import cv2
import numpy as np

from capture.core.config import CONFIG, Config
from capture.core.model import (
    BoardFit,
    BoardLayout,
    BoardResult,
    Finding,
    Flag,
    KitLayout,
    Note,
    PhotoResult,
)
from capture.core.text import OcrResult, from_lines
from capture.interpret.flags import render, render_all
from capture.vision.colour import (
    ColourRefs,
    load_colour_refs,
    normalise_board,
    refine_refs_from_card,
)
from capture.vision.dots import count_dots
from capture.vision.markerless_read import read_wall
from capture.vision.notes import find_notes
from capture.vision.ocr import low_confidence
from capture.vision.rectify import analysis_px_per_mm, rectify_board
from capture.vision.register import find_boards

SQRT_2PI = float(np.sqrt(2 * np.pi))


def marker_sharpness(rgb: np.ndarray, fit: BoardFit, board: BoardLayout) -> float | None:
    """1 / edge blur in mm, measured on the board's printed marker edges (larger is sharper).

    Greys only the markers' patches of the RGB photo (a grey copy of the whole photo would be
    12 MB more held through the boards' analysis at 12 MP).

    A step edge blurred by a Gaussian of sigma s has a peak slope of contrast / (s sqrt(2 pi)):
    the markers are known black-on-white steps, so their steepest slope gives s in photo px,
    divided by the local scale to get millimetres on the wall.
    """
    h = np.asarray(fit.homography, np.float64)
    sigmas = []
    for m in board.markers:
        if m.id not in fit.markers:
            continue
        c = np.array(m.corners_mm, np.float64)
        centre = c.mean(0)
        quad = cv2.perspectiveTransform(
            ((c - centre) * 1.15 + centre).reshape(-1, 1, 2), h
        ).reshape(4, 2)
        x0, y0 = np.floor(quad.min(0)).astype(int)
        x1, y1 = np.ceil(quad.max(0)).astype(int) + 1
        if (
            x0 < 0
            or y0 < 0
            or x1 > rgb.shape[1]
            or y1 > rgb.shape[0]
            or min(x1 - x0, y1 - y0) < 8
        ):
            continue
        patch = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
        gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3) / 8.0
        gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3) / 8.0
        slope = float(np.percentile(np.hypot(gx, gy), 99.5))
        contrast = float(np.percentile(patch, 97) - np.percentile(patch, 3))
        if slope <= 0 or contrast < 20:
            continue
        side_px = float(np.mean(np.linalg.norm(quad - np.roll(quad, 1, 0), axis=1))) / 1.15
        side_mm = float(np.linalg.norm(c[1] - c[0]))
        sigma_px = contrast / (SQRT_2PI * slope)
        sigmas.append(sigma_px / (side_px / side_mm))
    if not sigmas:
        return None
    return float(1.0 / max(np.median(sigmas), 1e-3))


def _refs_from_card(
    rgb: np.ndarray, fit: BoardFit, board: BoardLayout, config: Config, refs: ColourRefs
) -> tuple[ColourRefs, list[Flag]]:
    """Colour references measured on the calibration card when it is in the photo."""
    rect = rectify_board(rgb, fit, board, config.rectify.px_per_mm, 0.0)
    norm = normalise_board(rect, board, config.colour, config.dots.clip_level)
    refs, measured = refine_refs_from_card(
        norm, rect, board, refs, config.dots.chroma_min, config.notes.chroma_max_threshold
    )
    if not measured:
        return refs, []
    return refs, [render(Finding("colours_from_card", "", {"colours": measured}, board=board.id))]


def _analyse_board(
    rgb: np.ndarray,
    fit: BoardFit,
    board: BoardLayout,
    kit: KitLayout,
    config: Config,
    refs: ColourRefs,
    timings: dict[str, float],
) -> BoardResult:
    res = BoardResult(fit=fit)
    t = perf_counter()
    margin = config.rectify.margin_mm
    rect = rectify_board(rgb, fit, board, analysis_px_per_mm(board, margin, config.rectify), margin)
    t1 = perf_counter()
    norm = normalise_board(rect, board, config.colour, config.dots.clip_level)
    if norm.paper_clipped >= config.qa.overexposed_paper:
        res.flags.append(
            render(Finding("overexposed", "", {"share": norm.paper_clipped}, board=board.id))
        )
    t2 = perf_counter()
    res.dots, res.votes, found = count_dots(
        rect, norm, board, kit.sticker_diameter_mm, kit.note_size_mm, refs, config.dots
    )
    dflags = render_all(found)
    # the note search reads the normalised board, not these pixels: 15 MB less at its peak
    rect = rect.without_image()
    t3 = perf_counter()
    if any(z.kind in ("notes", "grid") for z in board.zones):
        res.notes, found = find_notes(
            rgb, fit, rect, norm, board, kit.note_size_mm, refs, config.notes
        )
        nflags = render_all(found)
    else:
        nflags = []
    t4 = perf_counter()
    res.flags += dflags + nflags
    for key, dt in (
        ("rectify", t1 - t),
        ("colour", t2 - t1),
        ("dots", t3 - t2),
        ("notes", t4 - t3),
    ):
        timings[key] = timings.get(key, 0.0) + dt
    return res


def without_lines_under(out: OcrResult, note: Note, over: list[Note], side_px: int) -> OcrResult:
    """`out` without the lines whose centre lies on one of the notes stuck over `note`: the
    writing there is the upper note's own (it is read on that note), not this one's. Needs
    the engine's line boxes (crop pixels of `note`'s square crop, side_px wide)."""
    square = np.array([(0, 0), (side_px, 0), (side_px, side_px), (0, side_px)], np.float32)
    to_crop = cv2.getPerspectiveTransform(np.asarray(note.corners_mm, np.float32), square)
    quads = [
        cv2.perspectiveTransform(np.asarray(o.corners_mm, np.float64).reshape(-1, 1, 2), to_crop)
        .reshape(-1, 2)
        .astype(np.float32)
        for o in over
    ]
    kept = [
        ln for ln in out.lines
        if not any(
            cv2.pointPolygonTest(q, tuple(np.mean(ln.box, axis=0).tolist()), False) >= 0
            for q in quads
        )
    ]
    return out if len(kept) == len(out.lines) else from_lines(kept)


def _read_notes(boards: list[BoardResult], ocr: Callable, low: float) -> None:
    """Text, raw text and confidence on every note with a crop; a confidence under `low`
    (the engine's threshold: capture.vision.ocr.low_confidence) flagged."""
    todo = [(b, n) for b in boards for n in b.notes if n.crop is not None]
    for (board, note), out in zip(todo, ocr([n.crop for _, n in todo]), strict=True):
        if note.covered_by and out.lines:
            over = [n for n in board.notes if n.id in note.covered_by]
            out = without_lines_under(out, note, over, np.asarray(note.crop).shape[0])
        note.text, note.raw_text, note.ocr_lines = out.text, out.raw_text, out.lines
        note.ocr_confidence = float(out.confidence) if out.confidence is not None else None
        if note.ocr_confidence is not None and note.ocr_confidence < low:
            board.flags.append(
                render(Finding("low_ocr_confidence", "", {"confidence": note.ocr_confidence},
                               board=board.board, zone=note.zone, item=note.id))
            )


def analyse_photo(
    rgb: np.ndarray,
    kit: KitLayout,
    config: Config = CONFIG,
    ocr: Callable | None = None,
    file: str = "",
    refs: ColourRefs | None = None,
) -> PhotoResult:
    """Everything the pipeline reads from one upright RGB photo.

    ocr, when given, is called once as ocr([crop_rgb, ...]) with every note's crop and
    returns one object per crop with .text, .raw_text and .confidence (0-1) (one call, so
    Tesseract loads its models once per photo). refs default to calibration/colors.yaml.
    """
    t0 = perf_counter()
    timings: dict[str, float] = {}
    result = PhotoResult(file=file, size_px=(int(rgb.shape[1]), int(rgb.shape[0])))
    if refs is None:
        refs = load_colour_refs(kit.sticker_colors, kit.note_colors)
    markerless = config.markerless.mode
    # no board to look for (--markerless without a workshop): the whole photo is the wall
    fits, found = find_boards(rgb, kit, config.register) if kit.boards else ([], [])
    reg_flags = render_all(found)
    timings["register"] = perf_counter() - t0
    sharp = []
    qa = config.qa
    card_flags: list[Flag] = []
    for fit in fits:  # the calibration card first: its stickers and notes refine the colours
        board = kit.board(fit.board)
        if board.kind == "calibration":
            try:
                refs, card_flags = _refs_from_card(rgb, fit, board, config, refs)
            except Exception as exc:  # the nominal colours still work without the card
                found = Finding("analysis_failed", "card", {"error": str(exc)}, board=board.id)
                card_flags = [render(found)]
    fits = sorted(fits, key=lambda f: kit.board(f.board).kind != "calibration")
    for fit in fits:
        board = kit.board(fit.board)
        try:
            res = _analyse_board(rgb, fit, board, kit, config, refs, timings)
        except Exception as exc:  # one board failing must not lose the others
            res = BoardResult(
                fit=fit,
                flags=[render(Finding("analysis_failed", "board", {"error": str(exc)},
                                      board=fit.board))],
            )
        res.flags = [f for f in reg_flags if f.board == fit.board] + res.flags
        if fit.reprojection_error_mm > qa.poor_fit_mm:
            values = {"error_mm": fit.reprojection_error_mm}
            res.flags.append(render(Finding("poor_fit", "residual", values, board=fit.board)))
        if fit.visible_fraction < 0.999:
            values = {"share": fit.visible_fraction}
            res.flags.append(render(Finding("board_cut", "", values, board=fit.board)))
        s = marker_sharpness(rgb, fit, board)
        if s is not None:
            sharp.append(s)
        result.boards.append(res)
    if ocr is not None:
        t = perf_counter()
        _read_notes(result.boards, ocr, low_confidence(config))
        timings["ocr"] = perf_counter() - t
    result.flags += card_flags
    seen = {f.board for f in fits}
    result.flags += [f for f in reg_flags if f.board not in seen]
    if sharp:
        result.sharpness = round(float(np.median(sharp)), 3)
        if result.sharpness < qa.blur_min:
            values = {"blur_mm": 1 / result.sharpness}
            result.flags.append(render(Finding("blurry_photo", "", values, item=file or None)))
    # auto: a photo with no board of this workshop, unless boards of another workshop (or
    # impossible ones) were seen: that photo's error says more than its notes would
    foreign = any(f.code in ("foreign_board", "degenerate_homography") for f in reg_flags)
    if markerless == "always" or (markerless == "auto" and not fits and not foreign):
        t = perf_counter()
        result.markerless = read_wall(rgb, config, ocr)
        timings["markerless"] = perf_counter() - t
    timings["total"] = perf_counter() - t0
    result.timings = {k: round(v, 3) for k, v in timings.items()}
    return result
