"""A person's corrections of walls read with no board (session.json "markerless"): a note's
text, colour, stickers per colour or false detection; a note the machine missed, added where
the person clicked on the photo; a sticker off the notes (a free dot) removed, recoloured,
moved onto a note, or added where it was missed.

Two kinds of correction (schema: capture/io/schema/corrections.schema.json):
    {"target": {"photo": "IMG_0003.jpg", "markerless": "m05"}, "set": {"text": "...",
     "color": "lime", "dots": {"red": 2}}}                  (or "false_detection": true)
    {"target": {"photo": "IMG_0003.jpg", "markerless": "ajout-lq3-1"}, "add": true,
     "set": {"text": "...", "color": "yellow", "center": [0.41, 0.77], "dots": {"red": 1}}}
    {"target": {"photo": "IMG_0003.jpg", "dot": [0.5632, 0.3311]}, "set": {"color": "blue",
     "on_note": "m05"}}                                     (or "false_detection": true)
    {"target": {"photo": "IMG_0003.jpg", "dot": [0.7021, 0.118]}, "add": true,
     "set": {"color": "red"}}

A sticker has no id: it is named by its centre (normalised photo coordinates) and found again
within `ReportConfig.wall_dot_match_side` x the photo's note side, so a re-run that moves a
centre by a pixel still finds it. Every correction sets an absolute value, applying it twice
changes nothing more; the first machine values are kept under "machine", what was removed
moves to "rejected_notes" / "rejected_dots". A sticker moved onto a note, taken off it, or
recoloured there changes that note's count per colour, unless a person typed that count
(then the typed count stands, whatever order the corrections come in).
"""

from __future__ import annotations

import copy
from typing import Any

import cv2
import numpy as np

from capture.core.config import CONFIG
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES

Geometry = dict[str, tuple[float, float, float]]  # photo -> (width px, height px, note side px)


def mark_verified(entry: dict, author: str, fields: Any = ()) -> None:
    """An item a person corrected: verified, by whom, and the fields they vouched for."""
    entry["verified"] = True
    entry["corrected_by"] = author
    if fields:  # what the person vouched for (a text edit says nothing of the position)
        entry["verified_fields"] = sorted(set(entry.get("verified_fields", [])) | set(fields))


def wall_geometry(photo_docs: list[dict]) -> Geometry:
    """Each photo read with no board: its size and its usual note side, in pixels."""
    out: Geometry = {}
    for d in photo_docs:
        ml = d.get("markerless")
        if not isinstance(ml, dict):
            continue
        w, h = d.get("size_px") or (1000, 750)
        side = float(ml.get("note_side_px") or 0) or CONFIG.report.wall_note_side_frac * max(w, h)
        out[d["file"]] = (float(w), float(h), side)
    return out


# --- notes ---------------------------------------------------------------------------------------

def _find_markerless(doc: dict, photo: str, note: str) -> tuple[str, dict] | None:
    """A note read with no board, in a document's markerless block (kept or rejected)."""
    ml = doc.get("markerless") or {}
    for key in ("notes", "rejected_notes"):
        for entry in ml.get(key, []):
            if entry.get("id") == note and entry.get("photo", doc.get("file")) == photo:
                return key, entry
    return None


def _colour_problems(colours: Any, names: tuple[str, ...], what: str) -> list[str]:
    """The colours that are none of `names` (or "unknown"), as sentences."""
    known = (*names, "unknown")
    return [f"la couleur {c!r} n'est pas une couleur de {what} ({', '.join(known)})"
            for c in colours if c not in known]


def _check_colours(s: dict) -> list[str]:
    return (_colour_problems([s["color"]] if "color" in s else [], NOTE_NAMES, "post-it")
            + _colour_problems(s.get("dots", {}), STICKER_NAMES, "gommette"))


def _move(ml: dict, key: str, entry: dict, false_detection: bool, rejected: str) -> str:
    """A note or sticker marked a false detection (to `rejected`, e.g. "rejected_notes") or
    put back (to `key`'s kept list), nothing deleted; the list it is in now."""
    kept = rejected.removeprefix("rejected_")
    dst = rejected if false_detection else kept
    if dst != key:
        ml[key] = [e for e in ml[key] if e is not entry]
        ml.setdefault(dst, []).append(entry)
        if not ml.get(rejected):
            ml.pop(rejected, None)
    if false_detection:
        entry["false_detection"] = True
    else:
        entry.pop("false_detection", None)
    return dst


def check_markerless(c: dict, session: dict, geometry: Geometry) -> list[str]:
    """Why a correction of a note read with no board does not fit these outputs."""
    t = c["target"]
    problems = []
    found = _find_markerless(session, t["photo"], t["markerless"])
    s = c.get("set") or {}
    if c.get("add"):
        if t["photo"] not in geometry:
            problems.append(f"le post-it ajouté {t['markerless']!r} est sur la photo "
                            f"{t['photo']!r}, qui n'est pas (ou plus) dans ces résultats")
        elif found is not None and not found[1].get("added"):
            problems.append(f"{t['markerless']!r} est déjà un post-it trouvé sur la photo "
                            f"{t['photo']!r} : un ajout a besoin d'un nouvel identifiant")
        elif found is None and "center" not in s:
            problems.append(f"le post-it ajouté {t['markerless']!r} a besoin de sa place "
                            "(center)")
    elif found is None:
        problems.append(f"pas de post-it {t['markerless']!r} lu sans panneau sur la photo "
                        f"{t['photo']!r} dans ces résultats")
    return problems + _check_colours(s)


def _keep_machine(note: dict) -> None:
    """A note's first machine values, kept before a person's change (a note they added has
    none)."""
    if not note.get("added"):
        note.setdefault("machine", {k: copy.deepcopy(note.get(k))
                                    for k in ("text", "color", "dots")})


def _recount(ml: dict, note_id: str | None, colour: str, delta: int) -> None:
    """A sticker put on (+1) or taken off (-1) a note: its count per colour follows, unless
    a person typed that count (their number stands)."""
    if note_id is None:
        return
    note = next((n for n in ml.get("notes", []) if n.get("id") == note_id), None)
    if note is None or "dots" in note.get("verified_fields", []):
        return
    _keep_machine(note)
    dots = dict(note.get("dots") or {})
    dots[colour] = max(0, dots.get(colour, 0) + delta)
    note["dots"] = {c: n for c, n in sorted(dots.items()) if n > 0}


def _px(geometry: Geometry, photo: str, xy: Any) -> tuple[float, float]:
    w, h, _side = geometry.get(photo, (1.0, 1.0, 1.0))
    return float(xy[0]) * w, float(xy[1]) * h


def _note_at(ml: dict, photo: str, xy: Any, geometry: Geometry) -> str | None:
    """The kept note whose outline holds a point of the photo (the topmost listed last)."""
    px, py = _px(geometry, photo, xy)
    hit = None
    for n in ml.get("notes", []):
        if n.get("photo") != photo or len(n.get("corners") or []) < 3:
            continue
        quad = np.array([_px(geometry, photo, p) for p in n["corners"]], np.float32)
        if cv2.pointPolygonTest(quad, (px, py), False) > 0:
            hit = n["id"]
    return hit


def _new_note(doc: dict, t: dict, s: dict, geometry: Geometry) -> dict:
    """A note a person added: a square of the photo's usual note side around where they
    clicked, the group of its nearest note when it is as close as a group's notes are."""
    photo = t["photo"]
    w, h, side = geometry.get(photo, (1000.0, 750.0, 60.0))
    cx, cy = (min(1.0, max(0.0, float(v))) for v in s["center"])
    hx, hy = side / 2 / w, side / 2 / h
    corners = [[round(min(1.0, max(0.0, x)), 4), round(min(1.0, max(0.0, y)), 4)]
               for x, y in ((cx - hx, cy - hy), (cx + hx, cy - hy), (cx + hx, cy + hy),
                            (cx - hx, cy + hy))]
    near_limit = (1.0 + CONFIG.markerless.group_gap_frac) * side
    px, py = cx * w, cy * h
    others = [n for n in doc["markerless"].get("notes", []) if n.get("photo") == photo]
    dist = sorted((((n["center"][0] * w - px) ** 2 + (n["center"][1] * h - py) ** 2) ** 0.5, n)
                  for n in others if n.get("id") != t["markerless"])
    dist = [(d, n) for d, n in dist if d < near_limit]
    return {"photo": photo, "id": t["markerless"], "color": "unknown", "text": "",
            "raw_text": "", "confidence": 1.0, "ocr_confidence": None, "dots": {},
            "center": [round(cx, 4), round(cy, 4)], "corners": corners,
            "group": dist[0][1].get("group", "") if dist else "",
            "neighbours": [n["id"] for _d, n in dist], "wall": None, "crop": None,
            "added": True}


def apply_markerless(doc: dict, corr: dict, author: str, geometry: Geometry) -> None:
    """One correction of a note read with no board, on one document (the session or the
    photo's JSON): its text, colour, stickers per colour, or a false detection moved to
    markerless.rejected_notes (and back); with "add", the note is created first when this
    document does not have it. The first machine values are kept."""
    t = corr["target"]
    found = _find_markerless(doc, t["photo"], t["markerless"])
    s = corr.get("set", {})
    if found is None:
        if not corr.get("add") or "center" not in s or not isinstance(doc.get("markerless"), dict):
            return
        entry = _new_note(doc, t, s, geometry)
        doc["markerless"].setdefault("notes", []).append(entry)
        found = ("notes", entry)
    key, entry = found
    _keep_machine(entry)
    ml = doc["markerless"]
    fd = corr.get("false_detection")
    if fd is not None:
        _move(ml, key, entry, fd, "rejected_notes")
    for k in ("text", "color"):
        if k in s:
            entry[k] = s[k]
    if "dots" in s:
        entry["dots"] = {c: int(n) for c, n in sorted(s["dots"].items()) if int(n) > 0}
    fields = [k for k in s if k in ("text", "color", "dots", "center")]
    mark_verified(entry, author, fields + (["false_detection"] if fd else []) or ["checked"])


# --- stickers ------------------------------------------------------------------------------------

def _find_dot(doc: dict, t: dict, added: bool, geometry: Geometry) -> tuple[str, dict] | None:
    """The sticker a correction names by its centre: the nearest within the match distance,
    among the stickers a person added (an addition) or those the machine found."""
    ml = doc.get("markerless") or {}
    photo = t["photo"]
    tx, ty = _px(geometry, photo, t["dot"])
    side = geometry.get(photo, (1.0, 1.0, 1.0))[2]
    best: tuple[float, str, dict] | None = None
    for key in ("dots", "rejected_dots"):
        for d in ml.get(key, []):
            if d.get("photo") != photo or bool(d.get("added")) != added:
                continue
            x, y = _px(geometry, photo, d["center"])
            dist = ((x - tx) ** 2 + (y - ty) ** 2) ** 0.5
            if best is None or dist < best[0]:
                best = (dist, key, d)
    limit = CONFIG.report.wall_dot_match_side * side
    if best is None or best[0] > limit:
        return None
    return best[1], best[2]


def check_dot(c: dict, session: dict, photo_doc: dict | None, geometry: Geometry,
              adding: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Why a correction of a sticker on a wall read with no board does not fit these outputs
    (`adding`: the notes (photo, id) the same corrections add: a sticker may go on them)."""
    t = c["target"]
    s = c.get("set") or {}
    where = f"({t['dot'][0]}, {t['dot'][1]})"
    if t["photo"] not in geometry:
        return [f"la gommette en {where} est sur la photo {t['photo']!r}, qui n'est pas (ou "
                "plus) lue sans panneau dans ces résultats"]
    problems = []
    docs = [d for d in (session, photo_doc) if d is not None]
    if not c.get("add") and not any(_find_dot(d, t, False, geometry)
                                    or _find_dot(d, t, True, geometry) for d in docs):
        problems.append(f"pas de gommette en {where} sur la photo {t['photo']!r}")
    note = s.get("on_note")
    if note is not None and (t["photo"], note) not in adding and not any(
            _find_markerless(d, t["photo"], note) for d in docs):
        problems.append(f"pas de post-it {note!r} sur la photo {t['photo']!r} pour y mettre la "
                        "gommette")
    return problems + _colour_problems([s["color"]] if "color" in s else [], STICKER_NAMES,
                                       "gommette")


def apply_dot(doc: dict, corr: dict, author: str, geometry: Geometry) -> None:
    """One correction of a sticker on one document (the session or the photo's JSON): removed
    (to markerless.rejected_dots) or put back, recoloured, moved onto a note or off it, or
    added where a person clicked. The notes' counts per colour follow (see _recount)."""
    ml = doc.get("markerless")
    if not isinstance(ml, dict):
        return
    t, s = corr["target"], corr.get("set", {})
    added = bool(corr.get("add"))
    found = _find_dot(doc, t, added, geometry)
    if found is None and not added:  # a sticker a person added, clicked in the rebuilt page
        found = _find_dot(doc, t, True, geometry)
    if found is None:
        if not added:
            return
        xy = [round(min(1.0, max(0.0, float(v))), 4) for v in t["dot"]]
        entry = {"photo": t["photo"], "color": "unknown", "center": xy,
                 "on_note": _note_at(ml, t["photo"], xy, geometry), "confidence": 1.0,
                 "added": True}
        ml.setdefault("dots", []).append(entry)
        _recount(ml, entry["on_note"], entry["color"], +1)
        found = ("dots", entry)
    key, entry = found
    if not entry.get("added"):
        entry.setdefault("machine", {"color": entry["color"], "on_note": entry.get("on_note")})
    counted = key == "dots"
    fd = corr.get("false_detection")
    if fd is not None and (key == "rejected_dots") != fd:
        if counted:
            _recount(ml, entry.get("on_note"), entry["color"], -1)
        counted = _move(ml, key, entry, fd, "rejected_dots") == "dots"
        if counted:
            _recount(ml, entry.get("on_note"), entry["color"], +1)
    colour = s.get("color", entry["color"])
    on_note = s.get("on_note", entry.get("on_note"))
    if (colour, on_note) != (entry["color"], entry.get("on_note")):
        if counted:
            _recount(ml, entry.get("on_note"), entry["color"], -1)
            _recount(ml, on_note, colour, +1)
        entry["color"], entry["on_note"] = colour, on_note
    mark_verified(entry, author, [k for k in s if k in ("color", "on_note")]
                  + (["false_detection"] if fd else []) or ["checked"])
