"""Read a per-photo JSON back into a PhotoResult (the inverse of json_out.photo_to_dict).

Used by `capture run --resume`: a photo analysed by an earlier run is not analysed again,
but the session is always rebuilt from every photo's result. The per-photo JSON keeps one
vote entry per board (agree/disagree), so each side comes back as one VoteCount on the
board's first vote zone of that side: totals and colours, which is what the session uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from capture.core.model import (
    BoardFit,
    BoardResult,
    Dot,
    Flag,
    KitLayout,
    Note,
    OcrLine,
    PhotoResult,
    VoteCount,
)


def _flag(d: dict) -> Flag:
    return Flag(
        d["code"], d["severity"], d["message"], d.get("board"), d.get("zone"), d.get("item")
    )


def _pair(v: Any) -> tuple[float, float]:
    return float(v[0]), float(v[1])


def _note(d: dict) -> Note:
    return Note(
        id=d["id"],
        board=d["board"],
        zone=d.get("zone"),
        corners_mm=tuple(_pair(c) for c in d.get("corners_mm") or ()),
        center_mm=_pair(d["center_mm"]),
        color=d["color"],
        confidence=float(d.get("confidence") or 0.0),
        x=d.get("x"),
        y=d.get("y"),
        cell=d.get("cell"),
        text=d.get("text") or "",
        raw_text=d.get("raw_text") or "",
        ocr_confidence=d.get("ocr_confidence"),
        size_mm=d.get("size_mm"),
        covered=d.get("covered"),
        covered_by=tuple(d.get("covered_by") or ()),
        ocr_lines=tuple(
            OcrLine(
                ln.get("text") or "",
                float(ln.get("confidence") or 0.0),
                tuple(_pair(c) for c in ln.get("box") or ()),
            )
            for ln in d.get("lines") or ()
        ),
    )


def _vote_zone(kit: KitLayout, board: str, side: str) -> str:
    layout = next((b for b in kit.boards if b.id == board), None)
    zones = [z for z in (layout.zones if layout else ()) if z.kind == "vote"]
    match = [z.id for z in zones if getattr(z, "vote", None) == side]
    return match[0] if match else side


def photo_from_dict(doc: dict, kit: KitLayout) -> PhotoResult:
    """PhotoResult of a per-photo JSON (schema-valid). Note crops are not reloaded."""
    boards: dict[str, BoardResult] = {}
    for f in doc.get("fits", []):
        h = f.get("homography")
        fit = BoardFit(
            board=f["board"],
            homography=np.array(h, np.float64) if h is not None else None,
            markers=tuple(int(m) for m in f.get("markers", [])),
            reprojection_error_mm=float(
                f["reprojection_error_mm"] if f.get("reprojection_error_mm") is not None else "inf"
            ),
            qr=bool(f.get("qr")),
            visible_fraction=float(f.get("visible_fraction") or 0.0),
            qr_match=float(f["qr_match"]) if f.get("qr_match") is not None else None,
        )
        boards[fit.board] = BoardResult(fit=fit)
    for d in doc.get("dots", []):
        if d["board"] in boards:
            boards[d["board"]].dots.append(
                Dot(d["board"], d.get("zone"), _pair(d["center_mm"]), float(d["radius_mm"]),
                    d["color"], float(d.get("confidence") or 0.0))
            )
    for n in list(doc.get("actions", [])) + list(doc.get("notes", [])):
        if n["board"] in boards:
            boards[n["board"]].notes.append(_note(n))
    for v in doc.get("votes", []):
        if v["board"] not in boards:
            continue
        for side in ("agree", "disagree"):
            if v[side] or any(v["by_color"][side].values()):
                boards[v["board"]].votes.append(
                    VoteCount(v["board"], _vote_zone(kit, v["board"], side), side, int(v[side]),
                              {c: int(k) for c, k in v["by_color"][side].items() if k},
                              bool(v.get("ambiguous")))
                )
    photo_flags: list[Flag] = []
    for fd in doc.get("flags", []):
        # Board-level and photo-level flags share one list in the JSON: a flag naming a board
        # seen in the photo goes back to that board (it only counts in the merge's ranking).
        target = boards.get(fd.get("board") or "")
        (target.flags if target is not None else photo_flags).append(_flag(fd))
    size = doc.get("size_px")
    return PhotoResult(
        file=doc["file"],
        status=doc["status"],
        error=doc.get("error"),
        error_code=doc.get("error_code"),
        sha256=doc.get("sha256"),
        size_px=(int(size[0]), int(size[1])) if size else None,
        boards=[boards[b] for b in doc.get("boards", []) if b in boards],
        flags=photo_flags,
        sharpness=doc.get("sharpness"),
        timings=dict(doc.get("timings_s") or {}),
        duplicate_of=doc.get("duplicate_of"),
    )


def crops_from_dict(doc: dict) -> dict[str, str]:
    """note id -> crop path (relative to the output folder) of a per-photo JSON."""
    return {
        n["id"]: n["crop"]
        for n in list(doc.get("actions", [])) + list(doc.get("notes", []))
        if n.get("crop") and n.get("id")
    }
