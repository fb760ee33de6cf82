"""The report's section for photos read with no board: each photo with its notes outlined and
numbered and its stickers ringed, and the notes ranked by the stickers they received."""

from __future__ import annotations

import re
from typing import Any

from capture.core.colour_names import COLOUR_FR_F
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES


def _note_label(number: int | None, note: dict, colour_fr: dict[str, str]) -> str:
    """A note's outline named for a screen reader, in French: its number in the ranked table,
    its colour and the start of its text ("post-it n° 3, jaune : « Plus de pauses »")."""
    colour = colour_fr.get(note.get("color", ""), note.get("color", ""))
    if number is None:  # not counted: marked "pas un post-it", or counted on another photo
        return f"contour d'un post-it non compté ({note['id']}, {colour})"
    text = " ".join(str(note.get("text") or "").split())
    if len(text) > 60:  # the table row holds the whole text; the name only says which note
        text = text[:59] + "…"
    return f"post-it n° {number}, {colour}" + (f" : « {text} »" if text else " (sans texte lu)")


def _dot_name(colour: str) -> str:
    """"gommette verte": the colour agreed with the sticker (capture.core.colour_names)."""
    return "gommette " + COLOUR_FR_F.get(colour, colour)


def _dot_label(dot: dict, rejected: bool, on_number: int | None) -> str:
    """A sticker ringed on the photo named for a screen reader, in French: its colour and where
    it is ("gommette rouge sur le post-it n° 3", "gommette bleue hors post-it")."""
    name = _dot_name(dot["color"])
    if rejected:
        return name + " écartée (pas une gommette)"
    on = dot.get("on_note")
    if not on:
        return name + " hors post-it"
    return name + f" sur le post-it n° {on_number}" if on_number else name + f" sur le post-it {on}"


def markerless_model(
    session: dict,
    photos: list[tuple[str, dict]],
    assets: dict[str, dict],
    note_hex: dict[str, str],
    sticker_hex: dict[str, str],
    colour_fr: dict[str, str],
) -> dict[str, Any] | None:
    """Plain numbers and strings for templates/markerless.html.j2 (None: no such photo)."""
    ml = session.get("markerless")
    if not ml:
        return None
    # colours the printed kit has no notes in, named on walls without boards
    note_hex = {"lime": "#c8e846", "red": "#d62848", **note_hex}
    stems = {doc["file"]: stem for stem, doc in photos}
    docs = {doc["file"]: doc for _, doc in photos}
    number = {(n["photo"], n["id"]): k + 1 for k, n in enumerate(ml["notes"])}
    views = []
    # every photo read with no board, even one where no note was found: a person may add
    # the notes the machine missed
    read = [doc["file"] for _stem, doc in photos if isinstance(doc.get("markerless"), dict)]
    for file in dict.fromkeys([*(n["photo"] for n in ml["notes"]), *read]):
        stem = stems.get(file)
        asset = (assets.get(stem) or {}).get("photo") if stem else None
        size = (docs.get(file) or {}).get("size_px") or [1000, 750]
        vw, vh = (asset["w"], asset["h"]) if asset else (1000, round(1000 * size[1] / size[0]))
        own = docs.get(file, {}).get("markerless", {})
        notes = [
            {
                "n": number.get((file, n["id"])),
                "id": n["id"],
                "pts": " ".join(f"{x * vw:.1f},{y * vh:.1f}" for x, y in n["corners"]),
                "cx": n["center"][0] * vw,
                "cy": n["center"][1] * vh,
                "counted": (file, n["id"]) in number,
                "added": bool(n.get("added")),
                # what a screen reader says of its outline (the drawing is all it has)
                "label": _note_label(number.get((file, n["id"])), n, colour_fr),
            }
            for n in own.get("notes", [])
        ]
        side = float(own.get("note_side_px") or 0) * vw / max(size[0], 1)
        # every sticker, off the notes or on one, can be clicked to correct it (the page
        # sends its centre as the outputs give it: a sticker has no id)
        dots = [
            {
                "cx": d["center"][0] * vw,
                "cy": d["center"][1] * vh,
                "x": d["center"][0],
                "y": d["center"][1],
                "r": max(3.0, 0.1 * side),
                "color": d["color"],
                "on": d.get("on_note") or "",
                # the number of the note it is on, as in the ranked table (None: off the notes)
                "on_n": number.get((file, d.get("on_note"))),
                "rejected": rejected,
                "name": _dot_name(d["color"]),
                "label": _dot_label(d, rejected, number.get((file, d.get("on_note")))),
                "edited": bool(d.get("verified")),
                "hex": sticker_hex.get(d["color"], sticker_hex.get("unknown", "#888")),
            }
            for rejected, key in ((False, "dots"), (True, "rejected_dots"))
            for d in own.get(key, [])
        ]
        choices = [{"id": n["id"], "label": f"n° {number[(file, n['id'])]} ({n['id']})"}
                   for n in own.get("notes", []) if (file, n["id"]) in number]
        views.append(
            {"file": file, "anchor": view_anchor(file), "image": asset, "vw": vw, "vh": vh,
             "notes": notes, "dots": dots,
             "side": max(side, 0.02 * vw), "choices": choices,
             # where the photo was read, said when it can no longer be shown
             "path": (docs.get(file) or {}).get("path") or file}
        )
    ranked = sorted(
        ml["notes"], key=lambda n: (-sum(n["dots"].values()), number[(n["photo"], n["id"])])
    )
    rejected = ml.get("rejected_notes", [])
    sticker_names = list(
        dict.fromkeys([*STICKER_NAMES, *(c for n in ml["notes"] + rejected for c in n["dots"])])
    )
    rows = [
        _row(n, number.get((n["photo"], n["id"])), sticker_names, note_hex, sticker_hex, colour_fr)
        for n in ranked + rejected
    ]
    free = sum(d["on_note"] is None for d in ml["dots"])
    note_colours = list(dict.fromkeys([*NOTE_NAMES, "unknown", *(r["color"] for r in rows)]))
    return {
        "views": views,
        "sticker_colours": [
            {"value": c, "label": colour_fr.get(c, c), "hex": sticker_hex.get(c, "#888")}
            for c in sticker_names
        ],
        "rows": rows,
        "free_dots": free,
        "flags": ml.get("flags", []),
        "note_colours": [{"value": c, "label": colour_fr.get(c, c)} for c in note_colours],
    }


def _row(
    n: dict,
    number: int | None,
    sticker_names: list[str],
    note_hex: dict[str, str],
    sticker_hex: dict[str, str],
    colour_fr: dict[str, str],
) -> dict[str, Any]:
    """One note of the ranked table, with an input per sticker colour for corrections."""
    conf = n.get("ocr_confidence")
    return {
        "n": number or "",
        "photo": n["photo"],
        "id": n["id"],
        "anchor": row_anchor(n["photo"], n["id"]),
        "text": n["text"],
        # the note's cut-out beside its text: the reviewer corrects what the photo shows
        "crop": n.get("crop"),
        "conf_pct": None if conf is None else round(100 * conf),
        "color": n["color"],
        "colour": colour_fr.get(n["color"], n["color"]),
        "fill": note_hex.get(n["color"], note_hex.get("unknown", "#ddd")),
        "total": sum(n["dots"].values()),
        "by": [
            {
                "color": c,
                "hex": sticker_hex.get(c, "#888"),
                "label": colour_fr.get(c, c),
                "n": n["dots"].get(c, 0),
            }
            for c in sticker_names
        ],
        "group": n["group"],
        "rejected": bool(n.get("false_detection")),
        "verified": bool(n.get("verified")),
        # who vouched for what (the synthesis says plainly what no person checked)
        "by_person": n.get("corrected_by") or "",
        "fields": list(n.get("verified_fields") or []),
        "added": bool(n.get("added")),
    }


def row_anchor(photo: str, note_id: str) -> str:
    """The HTML id of a note's row in "Murs sans panneau": "À vérifier" links its flags there
    (ids come from file names: anything but letters, digits and _ becomes _, as report.slug)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", p) for p in ("ml", photo, note_id))


def view_anchor(photo: str) -> str:
    """The HTML id of a photo's drawing in "Murs sans panneau" (the "Photos" section links a
    photo read with no board there)."""
    return "mlv-" + re.sub(r"[^A-Za-z0-9_]+", "_", photo)


def markerless_script_data(session: dict) -> dict[str, dict]:
    """What the page's script compares edits with: each note read with no board (kept or
    rejected) by "photo|id", its text, colour, stickers per colour, false detection."""
    ml = session.get("markerless") or {}
    return {
        f"{n['photo']}|{n['id']}": {
            "text": n["text"],
            "color": n["color"],
            "dots": dict(n["dots"]),
            "false_detection": bool(n.get("false_detection")),
        }
        for n in ml.get("notes", []) + ml.get("rejected_notes", [])
    }
