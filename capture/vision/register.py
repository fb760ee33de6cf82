"""Find the workshop's boards in a photo: ArUco markers, QR codes, one homography per board.

Every marker id is unique across the workshop, so one marker names and locates its board;
all the corners of the markers seen are fitted together (RANSAC) for a precise homography.
Marker ids are shared between workshops printed from different files (a 4x4 dictionary has
250 ids, a workshop uses about 100), so the QR code decides whether the board belongs to this
workshop: decoded when it can be, else compared module by module with the board's own code
(qr_match). A board whose code is another's is ignored; one whose code cannot be judged on
this photo is kept and flagged board_unconfirmed (the merge warns when no photo confirms it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from pyzbar import pyzbar

from capture.core.config import CONFIG, RegisterConfig
from capture.core.model import BoardFit, BoardLayout, Finding, KitLayout, MarkerSpec
from capture.kit.layout import parse_qr_payload
from capture.kit.render import qr_modules
from capture.vision.legibility import source_px_per_mm


@dataclass(eq=False)  # compared by identity (holds arrays)
class MarkerHit:
    id: int
    corners_px: np.ndarray  # 4 x 2, TL TR BR BL as OpenCV reports them


def _cross2(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _detector(dictionary: str, cfg: RegisterConfig) -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.minMarkerPerimeterRate = cfg.min_marker_perimeter_rate
    params.minDistanceToBorder = 1
    params.adaptiveThreshWinSizeMin = cfg.adaptive_win_min
    params.adaptiveThreshWinSizeMax = cfg.adaptive_win_max
    params.adaptiveThreshWinSizeStep = cfg.adaptive_win_step
    params.polygonalApproxAccuracyRate = cfg.polygon_approx_rate
    params.perspectiveRemovePixelPerCell = 8
    params.errorCorrectionRate = (
        0.5  # a 4x4 code has little redundancy: stay strict against false ids
    )
    d = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary))
    return cv2.aruco.ArucoDetector(d, params)


def _too_small(corners: tuple, min_side: float) -> bool:
    """No marker found, or the markers found are so small that others may have been lost."""
    if not corners:
        return True
    sides = [float(np.linalg.norm(c.reshape(4, 2)[1] - c.reshape(4, 2)[0])) for c in corners]
    return float(np.median(sides)) < min_side


def detect_markers(
    grey: np.ndarray, dictionary: str, cfg: RegisterConfig = CONFIG.register
) -> list[MarkerHit]:
    """ArUco markers of a grey photo; searched on a reduced copy, corners refined at full res."""
    h, w = grey.shape
    scale = min(1.0, cfg.detect_max_side_px / max(h, w))
    small = (
        cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        if scale < 1.0
        else grey
    )
    # A white frame gives markers touching the photo's edge the quiet zone they need (markers
    # cut by it are dropped below).
    pad = 8
    framed = cv2.copyMakeBorder(small, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    corners, ids, _ = _detector(dictionary, cfg).detectMarkers(framed)
    if scale < 1.0 and _too_small(corners, cfg.min_marker_side_px):
        # Far-away markers (a whole wall in one shot) lose their cells when reduced: search the
        # photo at full resolution instead (slower, only then).
        scale = 1.0
        framed = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        corners, ids, _ = _detector(dictionary, cfg).detectMarkers(framed)
    if ids is None:
        return []
    hits = []
    for c, i in zip(corners, ids.ravel(), strict=False):
        pts = (c.reshape(4, 2).astype(np.float32) - pad) / scale
        m = cfg.edge_margin_px
        if not np.all((pts >= m) & (pts <= np.array([w - 1, h - 1]) - m)):
            continue  # maybe cut by the frame: see RegisterConfig.edge_margin_px
        if scale < 1.0:
            side = float(np.mean(np.linalg.norm(pts - np.roll(pts, 1, axis=0), axis=1)))
            win = int(max(2, min(cfg.corner_refine_win_px, side / 12)))
            crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.01)
            ok = np.all((pts >= win + 1) & (pts < np.array([w, h]) - win - 1), axis=1)
            if ok.any():  # corners at the photo's edge cannot be refined: keep them as found
                refined = pts.copy()
                refined[ok] = cv2.cornerSubPix(
                    grey, pts[ok].reshape(-1, 1, 2).copy(), (win, win), (-1, -1), crit
                ).reshape(-1, 2)
                # keep a refinement only when it stays close (it can jump to another corner)
                moved = np.linalg.norm(refined - pts, axis=1)
                pts = np.where((moved < max(1.5, 1.0 / scale))[:, None], refined, pts)
        hits.append(MarkerHit(int(i), pts))
    # The detector works in parallel threads and returns markers in no fixed order; RANSAC
    # samples by position in the list, so sort to give the same fit on every run.
    hits.sort(key=lambda m: (m.id, float(m.corners_px[0, 1]), float(m.corners_px[0, 0])))
    return hits


def _project(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(-1, 1, 2), h).reshape(-1, 2)


@dataclass(frozen=True)
class Impossible:
    """Why a homography cannot be a photo of the board: a variant of the flag
    degenerate_homography and the values its sentence quotes."""

    reason: str  # singular | horizon | not_convex | scale | perspective
    values: Mapping[str, float] = field(default_factory=dict)


def _degenerate(h: np.ndarray, board: BoardLayout, cfg: RegisterConfig) -> Impossible | None:
    """Why a homography cannot be a photo of the board, or None."""
    if not np.all(np.isfinite(h)) or abs(np.linalg.det(h)) < 1e-12:
        return Impossible("singular")
    rect = _board_rect(board)
    # points behind the camera: the projective denominator changes sign over the board
    den = rect @ h[2, :2] + h[2, 2]
    if np.any(den <= 0) and np.any(den >= 0):
        return Impossible("horizon")
    quad = _project(h, rect).astype(np.float32)
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return Impossible("not_convex")
    # local scale (px per mm) at each corner from the Jacobian's area factor
    scales = []
    for x, y in rect:
        p = _project(h, np.array([(x, y), (x + 1, y), (x, y + 1)], np.float64))
        scales.append(np.sqrt(abs(_cross2(p[1] - p[0], p[2] - p[0]))))
    smin, smax = min(scales), max(scales)
    if smin < cfg.min_scale_px_per_mm or smax > cfg.max_scale_px_per_mm:
        return Impossible("scale", {"scale_min": float(smin), "scale_max": float(smax)})
    if smax / smin > cfg.max_scale_ratio:
        return Impossible("perspective")
    return None


def _board_rect(board: BoardLayout) -> np.ndarray:
    """The board's outline in board mm: TL, TR, BR, BL."""
    w, hh = board.size_mm
    return np.array([(0, 0), (w, 0), (w, hh), (0, hh)], np.float64)


def board_quad(h: np.ndarray, board: BoardLayout) -> np.ndarray:
    """The board's outline in the photo (px), shaped for cv2.pointPolygonTest."""
    return _project(h, _board_rect(board)).astype(np.float32).reshape(-1, 1, 2)


def _inside(hit: MarkerHit, quad: np.ndarray) -> bool:
    return cv2.pointPolygonTest(quad, tuple(map(float, hit.corners_px.mean(0))), False) >= 0


def _visible_fraction(h: np.ndarray, board: BoardLayout, shape: tuple[int, int], n: int) -> float:
    w, hh = board.size_mm
    gx, gy = np.meshgrid((np.arange(n) + 0.5) * w / n, (np.arange(n) + 0.5) * hh / n)
    p = _project(h, np.stack([gx.ravel(), gy.ravel()], 1))
    inside = (p[:, 0] >= 0) & (p[:, 0] < shape[1]) & (p[:, 1] >= 0) & (p[:, 1] < shape[0])
    return float(inside.mean())


def _fit(
    board_pts: np.ndarray, photo_pts: np.ndarray, marker_px: float, cfg: RegisterConfig
) -> tuple[np.ndarray | None, np.ndarray]:
    """Homography board mm -> photo px and the inlier mask over the points."""
    if len(board_pts) < 4:
        return None, np.zeros(len(board_pts), bool)
    if len(board_pts) == 4:  # one marker: exact, nothing to vote with
        h = cv2.getPerspectiveTransform(board_pts.astype(np.float32), photo_pts.astype(np.float32))
        return h, np.ones(4, bool)
    thr = max(cfg.ransac_threshold_min_px, cfg.ransac_threshold_marker_frac * marker_px)
    h, mask = cv2.findHomography(
        board_pts, photo_pts, cv2.RANSAC, thr, maxIters=2000, confidence=0.999
    )
    if h is None:
        return None, np.zeros(len(board_pts), bool)
    inl = mask.ravel().astype(bool)
    if inl.sum() >= 8:  # refine on the inliers only (least squares, all of them)
        h2, _ = cv2.findHomography(board_pts[inl], photo_pts[inl], 0)
        if h2 is not None:
            h = h2
    return h, inl


def _wall_plane_fit(
    ref_h: np.ndarray, board_pts: np.ndarray, photo_pts: np.ndarray, cfg: RegisterConfig
) -> tuple[np.ndarray, float] | None:
    """Homography of a board lying in the plane of a reference board: ref_h @ rigid placement.

    The marker corners are mapped into the reference board's millimetres (the wall plane) and
    a rotation + translation (unit scale: both are printed at true scale) is fitted. None when
    the board is evidently not in that plane (scale off, residual too large).
    """
    q = _project(np.linalg.inv(ref_h), photo_pts)
    m, _ = cv2.estimateAffinePartial2D(board_pts, q, method=cv2.LMEDS)
    if m is None:
        return None
    scale = float(np.hypot(m[0, 0], m[1, 0]))
    if abs(scale - 1.0) > cfg.wall_scale_tol:
        return None
    rot = m[:, :2] / scale
    t = (q - board_pts @ rot.T).mean(0)
    s = np.array([[rot[0, 0], rot[0, 1], t[0]], [rot[1, 0], rot[1, 1], t[1]], [0, 0, 1]])
    h = ref_h @ s
    err = _reprojection_mm(h, board_pts, photo_pts)
    return (h, err) if err <= cfg.wall_fit_max_mm else None


def _reprojection_mm(h: np.ndarray, board_pts: np.ndarray, photo_pts: np.ndarray) -> float:
    back = _project(np.linalg.inv(h), photo_pts)
    return float(np.sqrt(np.mean(np.sum((back - board_pts) ** 2, axis=1))))


def read_board_qr(
    grey: np.ndarray, h: np.ndarray, board: BoardLayout, cfg: RegisterConfig
) -> str | None:
    """Decode the QR code printed on a board, warped upright from where the homography puts it."""
    qx, qy, qs, _ = board.qr_rect_mm
    pad = qs * 0.25  # quiet zone plus fit error
    ppm = cfg.qr_px_per_mm
    side = round((qs + 2 * pad) * ppm)
    s = np.array([[ppm, 0, -(qx - pad) * ppm], [0, ppm, -(qy - pad) * ppm], [0, 0, 1]], np.float64)
    m = h @ np.linalg.inv(s)  # patch px -> photo px
    patch = cv2.warpPerspective(
        grey,
        m,
        (side, side),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    for img in (patch, cv2.threshold(patch, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]):
        for sym in pyzbar.decode(img, symbols=[pyzbar.ZBarSymbol.QRCODE]):
            try:
                return sym.data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return None


@lru_cache(maxsize=256)
def _qr_expected(payload: str) -> tuple[np.ndarray, np.ndarray]:
    """(dark modules, data modules) of the QR code printed with this payload.

    The data modules are those that depend on the payload: the ones that differ from another
    workshop's QR code of the same size in at least one of a few decoys (payloads with the
    workshop id replaced). Finder, timing and alignment patterns are the same in every QR code
    of a version and say nothing about whose it is.
    """
    mine = qr_modules(payload)
    prefix, _, rest = payload.partition("|")
    workshop, _, board = rest.partition("|")
    same = np.ones_like(mine)
    for k in range(8):
        decoy_id = hashlib.sha256(f"{workshop}/{k}".encode()).hexdigest()[: len(workshop)]
        other = qr_modules(f"{prefix}|{decoy_id}|{board}")
        if other.shape == mine.shape:
            same &= other == mine
    return mine, ~same


def qr_match(
    grey: np.ndarray, h: np.ndarray, board: BoardLayout, cfg: RegisterConfig
) -> float | None:
    """How well the photographed QR square matches the board's own QR code, when it could not
    be decoded: the correlation of the photo's module darkness with the expected modules,
    over the modules that carry the payload. About 1 for this board's code (less when blurred),
    about 0 for another workshop's code of the same layout. None when the square is not in the
    photo or its modules are too small to compare.
    """
    mine, data = _qr_expected(board.qr_payload)
    n = mine.shape[0]
    qx, qy, qs, _ = board.qr_rect_mm
    module_mm = qs / n
    scale = source_px_per_mm(h, qx + qs / 2, qy + qs / 2)
    if scale is None or scale * module_mm < cfg.qr_match_min_module_px:
        return None
    k = 6  # patch px per module; the central 4 x 4 are averaged
    ppm = k / module_mm
    s = np.array([[ppm, 0, -qx * ppm], [0, ppm, -qy * ppm], [0, 0, 1]], np.float64)
    m = h @ np.linalg.inv(s)  # patch px -> photo px
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    patch = cv2.warpPerspective(grey, m, (n * k, n * k), flags=flags).astype(np.float64)
    inside = cv2.warpPerspective(np.full(grey.shape, 255, np.uint8), m, (n * k, n * k),
                                 flags=flags, borderValue=0)
    cells = patch.reshape(n, k, n, k)[:, 1:-1, :, 1:-1].mean(axis=(1, 3))
    seen = inside.reshape(n, k, n, k).min(axis=(1, 3)) == 255
    if (data & seen).sum() < cfg.qr_match_min_seen * data.sum():
        return None

    def corr(where: np.ndarray) -> float:
        darkness, expected = -cells[where & seen], mine[where & seen].astype(np.float64)
        if darkness.std() < 1e-6 or expected.std() < 1e-6:
            return 0.0
        return float(np.corrcoef(darkness, expected)[0, 1])

    # A QR code of this size is there at all (its finder and timing patterns show): else the
    # square is covered, washed out or too blurred, and says nothing about whose board it is.
    if corr(~data) < cfg.qr_match_min_pattern:
        return None
    return corr(data)


# --- from markers to boards -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # holds arrays
class Sighting:
    """One copy of a board in the photo: markers agreeing on one homography (board mm -> px)."""

    homography: np.ndarray
    markers: tuple[MarkerHit, ...]
    error_mm: float  # reprojection error of those markers


@dataclass(frozen=True, eq=False)  # holds arrays
class Placement:
    """Where a sighting puts its board: its own homography, or a rigid placement in the plane
    of a well-seen board of the same wall (via: that board's id)."""

    homography: np.ndarray
    error_mm: float
    via: str | None = None


@dataclass(frozen=True)
class QrCheck:
    """What the board's QR code says about a sighting: decoded, or compared module by module
    (match); foreign when it is another board's or workshop's code (the sighting is dropped);
    finding: why it was dropped, or that nothing confirms it."""

    decoded: bool = False
    match: float | None = None
    foreign: bool = False
    finding: Finding | None = None


@dataclass(frozen=True)
class Judged:
    """A sighting judged: the fit kept (None when dropped) and the findings on the way."""

    fit: BoardFit | None
    findings: tuple[Finding, ...]
    via: str | None = None  # placed in the wall plane of this board


def group_by_board(
    hits: list[MarkerHit], index: Mapping[int, tuple[BoardLayout, MarkerSpec]]
) -> dict[str, list[MarkerHit]]:
    """The markers of this kit per board id; other ids (another kit, a false detection) dropped."""
    by_board: dict[str, list[MarkerHit]] = {}
    for hit in hits:
        if hit.id in index:
            by_board.setdefault(index[hit.id][0].id, []).append(hit)
    return by_board


def _points(
    markers: list[MarkerHit], index: Mapping[int, tuple[BoardLayout, MarkerSpec]]
) -> tuple[np.ndarray, np.ndarray]:
    """The markers' corners on the board (mm) and in the photo (px), in the same order."""
    board_pts = np.concatenate([index[m.id][1].corners_mm for m in markers]).astype(np.float64)
    photo_pts = np.concatenate([m.corners_px for m in markers]).astype(np.float64)
    return board_pts, photo_pts


def peel_sightings(
    hits: list[MarkerHit],
    board: BoardLayout,
    index: Mapping[int, tuple[BoardLayout, MarkerSpec]],
    cfg: RegisterConfig,
) -> list[Sighting]:
    """The copies of one board its markers show. Same ids twice in a photo (two printed kits
    side by side): one copy is peeled off at a time, the largest consensus first."""
    remaining = list(hits)
    out: list[Sighting] = []
    while remaining:
        marker_px = float(
            np.median([np.linalg.norm(m.corners_px[1] - m.corners_px[0]) for m in remaining])
        )
        h, inl = _fit(*_points(remaining, index), marker_px, cfg)
        if h is None:
            break
        used = [m for k, m in enumerate(remaining) if inl[4 * k : 4 * k + 4].sum() >= 3]
        if not used:
            break
        ib, ip = _points(used, index)
        if len(used) >= 2:
            h = cv2.findHomography(ib, ip, 0)[0] if len(ib) >= 4 else h
        remaining = [m for m in remaining if m not in used]
        if out:
            # markers lying on the board already found are its outliers (cut by the frame,
            # smeared), not a second copy of it
            quad = board_quad(out[0].homography, board)
            used = [m for m in used if not _inside(m, quad)]
            if not used:
                continue
            ib, ip = _points(used, index)
            if len(used) == 1:
                h = cv2.getPerspectiveTransform(ib.astype(np.float32), ip.astype(np.float32))
        out.append(Sighting(h, tuple(used), _reprojection_mm(h, ib, ip)))
        if len(out) > 4:
            break
    return out


def place(
    sighting: Sighting,
    references: list[BoardFit],
    index: Mapping[int, tuple[BoardLayout, MarkerSpec]],
    cfg: RegisterConfig,
) -> Placement:
    """Few markers pin a board's perspective badly; a well-seen board taped on the same wall
    (references, best first) shares its plane: borrow that plane, fit only a rigid placement."""
    if len(sighting.markers) <= cfg.wall_plane_max_markers and references:
        ib, ip = _points(list(sighting.markers), index)
        for ref in references:
            alt = _wall_plane_fit(ref.homography, ib, ip, cfg)
            if alt is not None:
                return Placement(alt[0], alt[1], ref.board)
    return Placement(sighting.homography, sighting.error_mm)


def check_qr(
    grey: np.ndarray, h: np.ndarray, board: BoardLayout, workshop: str, cfg: RegisterConfig
) -> QrCheck:
    """Whether the QR code where the homography puts it is this board's (see module doc)."""
    payload = read_board_qr(grey, h, board, cfg)
    if payload is not None:
        parsed = parse_qr_payload(payload)
        if parsed is None or parsed[0] != workshop:
            other = parsed[0] if parsed else payload[:60]
            found = Finding("foreign_board", "other_workshop", {"other": other}, board=board.id)
            return QrCheck(foreign=True, finding=found)
        if parsed[1] != board.id:
            found = Finding("foreign_board", "other_board", {"qr_board": parsed[1]}, board=board.id)
            return QrCheck(foreign=True, finding=found)
        return QrCheck(decoded=True)
    match = qr_match(grey, h, board, cfg)
    if match is not None and match < cfg.qr_foreign_max:
        return QrCheck(match=match, foreign=True,
                       finding=Finding("foreign_board", "qr_mismatch", board=board.id))
    if match is None or match < cfg.qr_confirm_min:
        return QrCheck(match=match, finding=Finding("board_unconfirmed", "photo", board=board.id))
    return QrCheck(match=match)


def judge_sighting(
    grey: np.ndarray,
    sighting: Sighting,
    board: BoardLayout,
    kit: KitLayout,
    references: list[BoardFit],
    cfg: RegisterConfig,
) -> Judged:
    """A sighting placed, checked for an impossible geometry and for its QR code: kept as a
    BoardFit, or dropped with the reason."""
    spot = place(sighting, references, kit.marker_index(), cfg)
    ids = tuple(sorted(m.id for m in sighting.markers))
    impossible = _degenerate(spot.homography, board, cfg)
    if impossible is not None:
        values = {"markers": list(ids), **impossible.values}
        found = Finding("degenerate_homography", impossible.reason, values, board=board.id)
        return Judged(None, (found,))
    qr = check_qr(grey, spot.homography, board, kit.workshop, cfg)
    findings = () if qr.finding is None else (qr.finding,)
    if qr.foreign:
        return Judged(None, findings)
    fit = BoardFit(
        board=board.id,
        homography=spot.homography,
        markers=ids,
        reprojection_error_mm=spot.error_mm,
        qr=qr.decoded,
        visible_fraction=_visible_fraction(spot.homography, board, grey.shape, cfg.visible_grid),
        qr_match=None if qr.match is None else round(qr.match, 3),
    )
    if spot.via is not None:
        values = {"via": spot.via, "seen": len(ids)}
        findings += (Finding("wall_plane_fit", "", values, board=board.id),)
    return Judged(fit, findings, spot.via)


def one_copy(kept: list[BoardFit], walled: bool) -> tuple[list[BoardFit], list[Finding]]:
    """One physical board: of the copies kept, the best supported (most markers, then the
    smallest error), flagged when there were several or it rests on a single marker (unless
    the wall plane placed it)."""
    findings: list[Finding] = []
    if len(kept) > 1:
        kept = sorted(kept, key=lambda f: (-len(f.markers), f.reprojection_error_mm))
        findings.append(Finding("duplicate_board", "", {"copies": len(kept)}, board=kept[0].board))
        kept = kept[:1]
    for fit in kept:
        if len(fit.markers) == 1 and not walled:
            findings.append(
                Finding("poor_fit", "single_marker", board=fit.board, item="single_marker")
            )
    return kept, findings


def find_boards(
    rgb: np.ndarray, kit: KitLayout, cfg: RegisterConfig = CONFIG.register
) -> tuple[list[BoardFit], list[Finding]]:
    """Workshop boards seen in an RGB photo, each with its homography (board mm -> photo px),
    and the findings for review (flag codes with their values)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    index = kit.marker_index()
    by_board = group_by_board(detect_markers(grey, kit.aruco_dictionary, cfg), index)
    fits: list[BoardFit] = []
    findings: list[Finding] = []
    # Boards seen through several markers first: a lone marker lying inside one of them is a
    # false detection (in a QR code, in handwriting), since boards do not overlap.
    solid: list[np.ndarray] = []
    references: list[BoardFit] = []  # well-fitted boards, best first: their plane is the wall's
    for board_id, board_hits in sorted(by_board.items(), key=lambda kv: -len(kv[1])):
        if len(board_hits) == 1 and any(_inside(board_hits[0], q) for q in solid):
            continue
        board = kit.board(board_id)
        kept: list[BoardFit] = []
        walled = False
        for sighting in peel_sightings(board_hits, board, index, cfg):
            judged = judge_sighting(grey, sighting, board, kit, references, cfg)
            findings += judged.findings
            if judged.fit is None:
                continue
            kept.append(judged.fit)
            walled |= judged.via is not None
            if judged.via is None and len(judged.fit.markers) > cfg.wall_plane_max_markers:
                references.append(judged.fit)
                references.sort(key=lambda f: (-len(f.markers), f.reprojection_error_mm))
            if len(judged.fit.markers) >= 2:
                solid.append(board_quad(judged.fit.homography, board))
        kept, more = one_copy(kept, walled)
        fits += kept
        findings += more
    fits.sort(key=lambda f: f.board)
    return fits, findings
