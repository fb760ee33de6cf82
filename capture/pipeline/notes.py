"""Sticky notes on a board: coloured squares of a known size.

A chroma mask of the normalised board holds the notes (the print is grey only). Each blob of
one colour class is covered greedily by squares of the declared note size: every square is
placed (position and rotation) where it covers the most still-uncovered pixels while lying on
coloured pixels, preferring positions whose outline follows edges (blob borders, the shadow
line a note casts on the one below). Notes overlapping or touching, of the same colour or not,
so come apart; a note crossing the board edge or the photo frame is still one square.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.config import CONFIG, NotesConfig
from capture.kit.layout import grid_cell
from capture.model import BoardFit, BoardLayout, Flag, Note
from capture.pipeline.colour import ColourRefs, Normalised, classify, classify_map, srgb_to_lab
from capture.pipeline.rectify import Rectified

EDGE_WEIGHT = 0.6  # how much an outline on edges counts against newly covered area
# How much lying flush against what is already covered (or off the blob) counts. Inside a blob
# of same-colour notes with no visible boundary every position covers as much: packing
# squares against their placed neighbours then tiles the blob note by note, instead of
# leaving slivers that call for extra, straddling squares.
CONTACT_WEIGHT = 0.3


def _fill_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes smaller than max_area (handwriting, stickers, glare), not the large ones.

    A large hole is something else inside a ring: a coloured wall around a board encloses the
    whole board, which must not become one blob.
    """
    inv = (~mask.astype(bool)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    h, w = mask.shape
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    fill = ~touches & (area <= max_area)
    fill[0] = False  # label 0 is the mask itself
    return mask.astype(bool) | fill[labels]


def _candidate_angles(mask: np.ndarray, step: float) -> list[float]:
    """Rotations (degrees, in [-45, 45)) suggested by the blob outline's edge directions."""
    m = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(m, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(m, cv2.CV_32F, 0, 1)
    mag = np.hypot(gx, gy)
    sel = mag > 0.1
    if sel.sum() < 20:
        return [0.0]
    ang = (np.degrees(np.arctan2(gy[sel], gx[sel])) + 45.0) % 90.0 - 45.0  # square symmetry
    hist, _ = np.histogram(ang, bins=90, range=(-45, 45), weights=mag[sel])
    hist = np.convolve(np.concatenate([hist[-3:], hist, hist[:3]]), np.ones(5) / 5, "same")[3:-3]
    peaks = []
    for _ in range(3):
        i = int(np.argmax(hist))
        if hist[i] <= 0 or (peaks and hist[i] < 0.25 * hist[peaks[0]]):
            break
        peaks.append(i)
        for d in range(-8, 9):
            hist[(i + d) % 90] = 0
    angles = set()
    for i in peaks:
        a = -45.0 + i + 0.5
        for d in (-step / 2, 0.0, step / 2):
            angles.add(round(((a + d + 45.0) % 90.0) - 45.0, 2))
    return sorted(angles)


def _outline_mean(img: np.ndarray, side: int, width: int) -> np.ndarray:
    """Mean of img over a square ring of the given side and band width centred on each pixel.

    Difference of two box sums (constant time per pixel, unlike a large filter2D kernel).
    """
    outer, inner = side + width, max(1, side - width)
    so = cv2.boxFilter(img, -1, (outer, outer), normalize=False, borderType=cv2.BORDER_CONSTANT)
    si = cv2.boxFilter(img, -1, (inner, inner), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return (so - si) / float(outer * outer - inner * inner)


def _contact(unc: np.ndarray, side: int, width: int) -> np.ndarray:
    """Share of a thin ring just outside a square (centred on each pixel) that is no longer
    available: covered by a placed square or off the blob. 1 - mean of unc over that ring."""
    outer = side + 2 * width
    so = cv2.boxFilter(unc, -1, (outer, outer), normalize=False, borderType=cv2.BORDER_CONSTANT)
    si = cv2.boxFilter(unc, -1, (side, side), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return 1.0 - (so - si) / float(outer * outer - side * side)


def _square_corners(cx: float, cy: float, side: float, angle_deg: float) -> np.ndarray:
    """4 x 2 corners TL, TR, BR, BL of a square rotated by angle_deg (image axes, y down)."""
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    h = side / 2
    return np.array([(-h, -h), (h, -h), (h, h), (-h, h)]) @ rot.T + (cx, cy)


def cover_with_squares(
    cls_mask: np.ndarray, support: np.ndarray, edges: np.ndarray, side: float, cfg: NotesConfig
) -> list[tuple[float, float, float, float]]:
    """Squares (cx, cy, angle_deg, score) covering a one-colour blob.

    cls_mask: the blob (bool); support: where a note may lie (any coloured or off-photo pixel);
    edges: edge strength in [0, 1]. All three arrays share one frame.
    """
    s = round(side)
    angles = _candidate_angles(cls_mask, cfg.angle_step_deg)
    uncovered = cls_mask.astype(np.float32)
    h, w = cls_mask.shape
    centre = (w / 2.0, h / 2.0)
    diag = int(np.ceil(np.hypot(h, w))) + 2
    band = max(2, round(s * 0.04))
    out: list[tuple[float, float, float, float]] = []
    # Per angle: the rotated frame, its uncovered map and score map. After a square is placed
    # only the scores near it change, so they are recomputed in a window (large blobs of many
    # notes stay fast).
    states = []
    for a in angles:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)  # rotates the image by +a (counter-clockwise)
        m[:, 2] += (diag - w) / 2.0, (diag - h) / 2.0
        sup = cv2.warpAffine(support.astype(np.float32), m, (diag, diag), flags=cv2.INTER_NEAREST)
        edg = cv2.warpAffine(edges.astype(np.float32), m, (diag, diag), flags=cv2.INTER_LINEAR)
        inside_ok = cv2.boxFilter(sup, -1, (s, s), borderType=cv2.BORDER_CONSTANT) >= cfg.inside_min
        bonus = EDGE_WEIGHT * _outline_mean(edg, s, band)
        unc = cv2.warpAffine(uncovered, m, (diag, diag), flags=cv2.INTER_NEAREST)
        gain = cv2.boxFilter(unc, -1, (s, s), borderType=cv2.BORDER_CONSTANT)
        contact = CONTACT_WEIGHT * _contact(unc, s, band)
        score = np.where(inside_ok & (gain >= cfg.new_cover_min), gain + bonus + contact, -1.0)
        states.append([a, m, unc, inside_ok, bonus, score.astype(np.float32)])
    pad = s // 2 + band + 2
    for _ in range(256):
        best = None
        for st in states:
            _, val, _, (bx, by) = cv2.minMaxLoc(st[5])
            if val >= 0 and (best is None or val > best[0]):
                best = (val, st, bx, by)
        if best is None:
            break
        val, (a, m, *_), bx, by = best
        # an even box filter's anchor sits half a pixel right/below the box's geometric centre
        half = 0.5 if s % 2 == 0 else 0.0
        inv = cv2.invertAffineTransform(m)
        cx, cy = inv @ np.array([bx - half, by - half, 1.0])
        # m turned the image by -a (our y-down convention): squares at +a became axis-aligned
        corners = _square_corners(cx, cy, s, a)
        out.append((float(cx), float(cy), a, float(val)))
        for st in states:
            sm, unc, inside_ok, bonus, score = st[1], st[2], st[3], st[4], st[5]
            rc = cv2.transform(corners.reshape(-1, 1, 2), sm).reshape(-1, 2)
            cv2.fillConvexPoly(unc, np.round(rc).astype(np.int32), 0.0)
            x0, y0 = np.maximum(np.floor(rc.min(0)).astype(int) - pad, 0)
            x1, y1 = np.minimum(np.ceil(rc.max(0)).astype(int) + pad + 1, diag)
            sx0, sy0 = max(0, x0 - pad), max(0, y0 - pad)
            sx1, sy1 = min(diag, x1 + pad), min(diag, y1 + pad)
            g = cv2.boxFilter(unc[sy0:sy1, sx0:sx1], -1, (s, s), borderType=cv2.BORDER_CONSTANT)
            g = g[y0 - sy0 : y1 - sy0, x0 - sx0 : x1 - sx0]
            ct = CONTACT_WEIGHT * _contact(unc[sy0:sy1, sx0:sx1], s, band)
            ct = ct[y0 - sy0 : y1 - sy0, x0 - sx0 : x1 - sx0]
            ok = inside_ok[y0:y1, x0:x1] & (g >= cfg.new_cover_min)
            score[y0:y1, x0:x1] = np.where(ok, g + bonus[y0:y1, x0:x1] + ct, -1.0)
    return out


def _edge_map(l_channel: np.ndarray) -> np.ndarray:
    """Luminance edges in [0, 1], after a median and a closing that drop handwriting strokes.

    Ink lines are dark and thin (a few mm): a grey closing fills them, while the step from a
    note to its neighbour or to the shadow line along its edge stays. Left in, lines of text
    pull square outlines onto them and a square straddles two same-colour notes.
    """
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    l8 = cv2.medianBlur(np.clip(l_channel * 2.55, 0, 255).astype(np.uint8), 5)
    lm = cv2.morphologyEx(l8, cv2.MORPH_CLOSE, k).astype(np.float32) / 2.55
    gx = cv2.Sobel(lm, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(lm, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    return np.clip(np.hypot(gx, gy) / 6.0, 0.0, 1.0)  # 6 L units per px: a clear paper edge


def lone_note_side(part: np.ndarray, cfg: NotesConfig) -> float | None:
    """Side (px) of a one-colour blob that is a single lone square note, else None.

    Real packs come in several sizes (51, 76, 102 mm): a blob that fills its minimum-area
    rectangle and is about square is one note, and its own side is the note's size.
    """
    cs, _ = cv2.findContours(part.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cs:
        return None
    c = max(cs, key=cv2.contourArea)
    count = float(part.sum())
    if cv2.contourArea(c) < 0.9 * count - 4 * np.sqrt(count):  # other pieces nearby
        return None
    _, (w, h), _ = cv2.minAreaRect(c)
    w, h = w + 1.0, h + 1.0  # contour through pixel centres: the blob is one pixel wider
    if min(w, h) < 4 or max(w, h) / min(w, h) > cfg.lone_aspect_max:
        return None
    if count / (w * h) < cfg.lone_fill_min:
        return None
    return float(np.sqrt(w * h))


def _note_sides(lone: list[float], declared: float, cfg: NotesConfig) -> tuple[float, list[float]]:
    """The side for blobs of several notes and the accepted lone sides (within tolerance).

    When enough lone notes agree on one size (another pack than declared, or a scale error)
    that size is used; when they disagree (mixed packs) the declared one is.
    """
    lo, hi = 1 - cfg.size_tolerance, 1 + cfg.size_tolerance
    ok = [s for s in lone if lo * declared <= s <= hi * declared]
    board = declared
    if len(ok) >= cfg.size_min_samples:
        q1, med, q3 = np.percentile(ok, [25, 50, 75])
        if q3 - q1 <= cfg.size_agree * med:
            board = float(med)
    if abs(board / declared - 1) <= cfg.size_snap:
        board = declared
    return board, ok


def find_notes(
    rgb: np.ndarray,
    fit: BoardFit,
    rect: Rectified,
    norm: Normalised,
    board: BoardLayout,
    note_size_mm: float,
    refs: ColourRefs,
    cfg: NotesConfig = CONFIG.notes,
) -> tuple[list[Note], list[Flag]]:
    """Notes whose centre lies on the board, with colour, zone, grid position and an OCR crop."""
    f = cfg.search_px_per_mm / rect.px_per_mm
    hh, ww = rect.valid.shape
    size = (max(1, round(ww * f)), max(1, round(hh * f)))
    lab = srgb_to_lab(cv2.resize(norm.rgb, size, interpolation=cv2.INTER_AREA))
    valid = cv2.resize(rect.valid.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(
        bool
    )
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    ppm = cfg.search_px_per_mm
    side = note_size_mm * ppm
    note_area = side * side
    # The threshold follows how neutral this board's paper came out: pale, washed-out notes
    # pass on clean paper, while a board with residual colour (mixed light) stays strict.
    on_board = np.zeros_like(valid)
    x0, y0 = (round(rect.margin_mm * ppm),) * 2
    x1, y1 = x0 + int(board.size_mm[0] * ppm), y0 + int(board.size_mm[1] * ppm)
    on_board[y0:y1, x0:x1] = True
    paperish = chroma[valid & on_board & (chroma < 2 * cfg.chroma_max_threshold)]
    level = float(np.percentile(paperish, 90)) if paperish.size > 100 else cfg.chroma_max_threshold
    thr = float(np.clip(cfg.paper_chroma_factor * level, cfg.chroma_min, cfg.chroma_max_threshold))
    mask = (chroma > thr) & valid
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool)
    support_all = mask | ~valid
    cls, _ = classify_map(lab, refs.notes)
    cls = cv2.medianBlur(cls.astype(np.uint8), 5)
    edges = np.maximum(_edge_map(lab[..., 0]), 0.0)
    names = list(refs.notes)
    n_lab, labels, stats, _ = cv2.connectedComponentsWithStats(
        _fill_holes(mask, 0.5 * note_area).astype(np.uint8)
    )
    squares: list[tuple[float, float, float, float, str, float]] = []
    parts: list[tuple] = []  # one-colour blobs, covered once every lone note's size is known
    pad = int(side * (1 + cfg.size_tolerance))
    for i in range(1, n_lab):
        x, y, w, h, area = stats[i]
        if area < cfg.min_area_frac * note_area:
            continue
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(size[0], x + w + pad), min(size[1], y + h + pad)
        comp = labels[y0:y1, x0:x1] == i
        sup = support_all[y0:y1, x0:x1] | comp
        c_cls = cls[y0:y1, x0:x1]
        c_mask = mask[y0:y1, x0:x1] & comp
        blob_edges = cv2.morphologyEx(
            comp.astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)
        )
        edg = np.maximum(edges[y0:y1, x0:x1], blob_edges.astype(np.float32))
        for ci, name in enumerate(names):
            part = c_mask & (c_cls == ci)
            if part.sum() < cfg.min_area_frac * note_area:
                continue
            part = _fill_holes(
                cv2.morphologyEx(part.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)),
                0.5 * note_area,
            )
            if part.sum() < cfg.min_area_frac * note_area:
                continue
            parts.append((part, sup, edg, x0, y0, name, lone_note_side(part, cfg)))
    lone_ok = [p[6] for p in parts if p[6] is not None]
    board_side, _ = _note_sides(lone_ok, side, cfg)
    lo, hi = 1 - cfg.size_tolerance, 1 + cfg.size_tolerance
    for part, sup, edg, x0, y0, name, lone in parts:
        s_part = board_side
        if lone is not None and lo * side <= lone <= hi * side:
            # a lone note keeps its own size, unless that is the declared one within noise
            s_part = side if abs(lone / side - 1) <= cfg.size_snap else lone
        for cx, cy, ang, score in cover_with_squares(part, sup, edg, s_part, cfg):
            squares.append((cx + x0, cy + y0, ang, score, name, s_part))
    # A note whose colour sits between two classes (lime, salmon) is split between them and
    # each part gets a square: the same note twice. Keep the best-scored of near-coincident ones.
    unique: list[tuple[float, float, float, float, str, float]] = []
    for sq in sorted(squares, key=lambda q: -q[3]):
        if all(
            np.hypot(sq[0] - u[0], sq[1] - u[1]) >= cfg.duplicate_frac * min(sq[5], u[5])
            for u in unique
        ):
            unique.append(sq)
    squares = unique
    notes: list[Note] = []
    flags: list[Flag] = []
    bw, bh = board.size_mm
    to_mm = 1.0 / ppm
    kept = []
    for cx, cy, ang, score, _, sq_side in squares:
        cmm = (
            (cx + 0.5) * to_mm - rect.margin_mm,
            (cy + 0.5) * to_mm - rect.margin_mm,
        )  # px centres
        if not (0 <= cmm[0] < bw and 0 <= cmm[1] < bh):
            continue  # centred off the board: it belongs to another board (or the wall)
        u, v = (int(t) for t in rect.mm_to_px(np.array(cmm)))
        if not (0 <= v < hh and 0 <= u < ww and rect.valid[v, u]) or not _centre_in_photo(
            fit.homography, cmm, rgb.shape, cfg.centre_margin_frac * sq_side * to_mm
        ):
            continue  # centred outside the photo: too little seen, another photo will hold it
        if _visible_share(mask, _square_corners(cx, cy, sq_side, ang)) < cfg.min_visible_frac:
            continue  # a sliver at the photo's edge: its position is a guess
        kept.append((cmm, ang, score, sq_side * to_mm))
    kept.sort(key=lambda k: (round(k[0][1] / note_size_mm), k[0][0]))  # reading order
    for k, (cmm, ang, score, side_mm) in enumerate(kept):
        corners_mm = _square_corners(cmm[0], cmm[1], side_mm, ang)
        colour, de = _note_colour(norm, rect, corners_mm, refs, cfg)
        zone = board.zone_at(*cmm)
        note = Note(
            id=f"{board.id}-n{k + 1:02d}",
            board=board.id,
            zone=zone.id if zone else None,
            corners_mm=tuple((round(float(px), 2), round(float(py), 2)) for px, py in corners_mm),
            center_mm=(round(float(cmm[0]), 2), round(float(cmm[1]), 2)),
            color=colour,
            confidence=round(
                float(
                    np.clip(
                        min(score / (1 + EDGE_WEIGHT + CONTACT_WEIGHT), 1.0)
                        * (1 - de / (2 * cfg.unknown_delta_e)),
                        0,
                        1,
                    )
                ),
                3,
            ),
            size_mm=round(float(side_mm), 1),
        )
        if zone is not None and zone.kind == "grid":
            zx, zy, zw, zh = zone.rect_mm
            note.x = round(float(np.clip((cmm[0] - zx) / zw, 0, 1)), 4)
            note.y = round(float(np.clip(1 - (cmm[1] - zy) / zh, 0, 1)), 4)
            note.cell = grid_cell(note.x, note.y)
        if zone is None:
            flags.append(
                Flag(
                    "note_outside_zones",
                    "warning",
                    f"Un post-it ({colour}) sur {board.id} à ({cmm[0]:.0f}, {cmm[1]:.0f}) mm est "
                    "hors de toutes les zones.",
                    board=board.id,
                    item=note.id,
                )
            )
        note.crop = note_crop(rgb, fit.homography, corners_mm, side_mm, cfg.crop_px_per_mm)
        notes.append(note)
    return notes, flags


def _centre_in_photo(
    h: np.ndarray, cmm: tuple[float, float], shape: tuple[int, ...], margin_mm: float
) -> bool:
    """True when the board point cmm (mm), and margin_mm around it, lie inside the photo frame.

    A note whose centre nobody can see cannot be placed; one whose centre sits right on the
    frame edge is only half seen, and a fit on a board seen through few markers is a few px
    off there: its centre is on the wrong side as often as not. The exact projection is
    tested (the rectified validity mask is resampled and reaches a hair past the frame).
    """
    for dx, dy in ((0, 0), (-margin_mm, 0), (margin_mm, 0), (0, -margin_mm), (0, margin_mm)):
        p = h @ np.array([cmm[0] + dx, cmm[1] + dy, 1.0])
        if p[2] <= 0:
            return False
        x, y = p[0] / p[2], p[1] / p[2]
        if not (0.0 <= x < shape[1] and 0.0 <= y < shape[0]):
            return False
    return True


def _visible_share(valid: np.ndarray, corners: np.ndarray) -> float:
    """Share of a square (corners in the frame of `valid`) lying on `valid` pixels."""
    x0, y0 = np.maximum(np.floor(corners.min(0)).astype(int), 0)
    x1, y1 = np.ceil(corners.max(0)).astype(int) + 1
    m = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    cv2.fillConvexPoly(m, np.round(corners - (x0, y0)).astype(np.int32), 1)
    total = float(m.sum())  # the square may also run past the array: that part is not photo
    sub = valid[y0:y1, x0:x1]
    seen = float((m[: sub.shape[0], : sub.shape[1]] & sub).sum())
    return seen / total if total else 0.0


def _note_colour(
    norm: Normalised, rect: Rectified, corners_mm: np.ndarray, refs: ColourRefs, cfg: NotesConfig
) -> tuple[str, float]:
    """Median colour of the note's inner area, without its ink (dark or neutral pixels)."""
    c = corners_mm.mean(0)
    inner = (corners_mm - c) * 0.6 + c
    poly = np.round(rect.mm_to_px(inner)).astype(np.int32)
    x0, y0 = np.maximum(poly.min(0), 0)
    x1, y1 = poly.max(0) + 1
    m = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    cv2.fillConvexPoly(m, poly - (x0, y0), 1)
    lab = norm.lab(y0, y1, x0, x1)[: m.shape[0], : m.shape[1]]
    m = m[: lab.shape[0], : lab.shape[1]].astype(bool)
    px = lab[m]
    if px.size == 0:
        return "unknown", np.inf
    chroma = np.hypot(px[:, 1], px[:, 2])
    sel = chroma > np.percentile(chroma, 30)
    sel &= px[:, 0] > np.percentile(px[:, 0], 20)
    return classify(
        np.median(px[sel] if sel.sum() > 10 else px, axis=0), refs.notes, cfg.unknown_delta_e
    )


def note_crop(
    rgb: np.ndarray,
    homography: np.ndarray,
    corners_mm: np.ndarray,
    note_size_mm: float,
    px_per_mm: float,
) -> np.ndarray:
    """Upright RGB crop of a note warped from the original photo (its own rotation removed)."""
    side = round(note_size_mm * px_per_mm)
    dst = np.array([(0, 0), (side, 0), (side, side), (0, side)], np.float32)
    src = (
        cv2.perspectiveTransform(
            np.asarray(corners_mm, np.float64).reshape(-1, 1, 2), np.asarray(homography, np.float64)
        )
        .reshape(4, 2)
        .astype(np.float32)
    )
    m = cv2.getPerspectiveTransform(dst, src)
    return cv2.warpPerspective(
        rgb,
        m,
        (side, side),
        flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
