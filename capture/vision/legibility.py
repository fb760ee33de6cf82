"""Is a note photographed large enough to be read? Resolution at the note, in photo px per mm.

Handwriting needs a few pixels per millimetre on the wall. Measured on generated photos
(CER by resolution at the note): < 1.5 px/mm 80 %, 1.5-2 px/mm 35 %, >= 2 px/mm ~15 %.
Notes under CONFIG.ocr.min_source_px_per_mm are flagged for a closer retake.
"""

from __future__ import annotations

import numpy as np

from capture.core.model import BoardResult, Finding


def source_px_per_mm(homography: object, x_mm: float, y_mm: float) -> float | None:
    """Local scale (photo px per board mm, geometric mean of both axes) of a board-mm ->
    photo-px homography at one point; None if the homography is unusable there."""
    try:
        h = np.asarray(homography, dtype=float).reshape(3, 3)
    except (TypeError, ValueError):
        return None

    def project(x: float, y: float) -> np.ndarray:
        v = h @ np.array([x, y, 1.0])
        return v[:2] / v[2]

    with np.errstate(all="ignore"):
        c = project(x_mm, y_mm)
        jac = np.column_stack([project(x_mm + 1.0, y_mm) - c, project(x_mm, y_mm + 1.0) - c])
        det = abs(float(np.linalg.det(jac)))
    return float(np.sqrt(det)) if np.isfinite(det) and det > 0 else None


def note_scales(board: BoardResult) -> dict[str, float]:
    """note id -> source px/mm at its centre."""
    out = {}
    for n in board.notes:
        s = source_px_per_mm(board.fit.homography, *n.center_mm)
        if s is not None:
            out[n.id] = s
    return out


def small_notes(board: BoardResult, limit: float) -> list[Finding]:
    """note_too_small for each of the board's notes below the legible resolution (px/mm)."""
    return [
        Finding("note_too_small", "", {"scale": s, "limit": limit}, board=board.board, item=nid)
        for nid, s in note_scales(board).items()
        if s < limit
    ]
