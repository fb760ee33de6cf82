"""`capture apply DIR corrections.json`: a person's corrections from report.html into the outputs.

corrections.json (schema: capture/io/schema/corrections.schema.json):
    {"version": 1, "workshop": "<id>", "author": "Camille", "created": "<ISO time>",
     "corrections": [
       {"target": {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n03"},
        "set": {"text": "...", "zone": "grille", "x": 0.2, "y": 0.8}},
       {"target": {"photo": "IMG_0001.jpg", "board": "processus", "note": "processus-n07"},
        "false_detection": true},
       {"target": {"board": "verbatim-03", "zone": "agree"},
        "set": {"count": 7, "by_color": {"red": 4, "green": 3}}}]}

       {"target": {"board": "mire", "add": "ajout-1733420000-1", "photo": "IMG_0001.jpg"},
        "set": {"text": "...", "color": "pink", "center_mm": [300, 420]}},
       {"target": {"flag": "zone_cut", "board": "verbatim-03", "zone": "agree"},
        "checked": true}]}

Every correction is absolute ("this is the value"), the first machine value of a changed item
is kept beside it under "machine", and a false detection moves a note to "rejected_notes"
(nothing is deleted): applying the same file twice changes nothing more. Each corrected item
gets "verified": true, "corrected_by": the author (or "person") and "verified_fields": the
fields a person set (a text-only edit does not vouch for the position).

Corrections target the session's result: a note correction names the photo that supplied the
note and its id there; it reaches the session entry of that note (the entry itself, the
one whose text came from that photo, "text_from", or the one it is another sighting of,
"seen_in"), and that photo's JSON. A vote zone is a
fact of the wall, so its correction reaches the session and every photo of that board. A note
a person adds (the machine missed it) lives in the session only; a checked flag is marked
resolved wherever it is listed.

Corrections live in the output folder: every applied file is merged into OUT/corrections.json
(the journal, one entry per target, the latest value of each field), which `capture run`
applies again after rebuilding the session (so `--resume` and re-runs keep them); a
correction whose note is gone from a re-run is skipped and reported, not an error.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from capture.app.markerless_out import markerless_csv_files
from capture.app.report import (
    REPORT_FILE,
    UNNAMED,
    load_outputs,
    photo_doc_paths,
    report_html,
)
from capture.app.wall_corrections import (
    apply_dot,
    apply_markerless,
    check_dot,
    check_markerless,
    wall_geometry,
)
from capture.app.wall_corrections import mark_verified as _mark
from capture.core.colour_names import COLOUR_FR_F
from capture.core.config import CONFIG
from capture.core.errors import UsageError
from capture.core.model import Finding, KitLayout
from capture.interpret.flags import render
from capture.io.atomic import ensure_writable, json_bytes, output_error, write_together
from capture.io.csv_out import csv_files
from capture.io.schema import validate
from capture.kit.layout import grid_cell

CORRECTIONS_VERSION = 1
JOURNAL = "corrections.json"  # in the output folder: every correction applied to it
NOTE_FIELDS = ("board", "zone", "text", "color", "x", "y", "cell", "center_mm")


class CorrectionsError(UsageError):
    """corrections.json is unreadable, invalid or does not fit these outputs (exit 2)."""

    code = "corrections_invalid"


@dataclass
class ApplySummary:
    corrections: int
    changed: int  # corrections that changed something (0 on a second application)
    files: list[str] = field(default_factory=list)  # output files rewritten
    skipped: list[str] = field(default_factory=list)  # stale corrections (re-runs), why
    # applied in memory only (apply_document(write=False)): the corrected session and the
    # photo JSONs it changed (path -> document), for the caller to write with its own files
    session: dict | None = None
    photo_docs: dict[Path, dict] = field(default_factory=dict)


@lru_cache(maxsize=1)
def corrections_schema() -> dict:
    text = resources.files("capture.io").joinpath(
        "schema", "corrections.schema.json").read_text("utf-8")
    return json.loads(text)


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path) or "<racine>"


def schema_errors(doc: Any) -> list[str]:
    """Readable schema violations of a corrections document (empty when valid)."""
    schema = corrections_schema()
    top = dict(schema, properties=dict(schema["properties"], corrections={"type": "array"}))
    errors = [f"{_where(e.absolute_path)}: {e.message}"
              for e in Draft202012Validator(top).iter_errors(doc)]
    if not isinstance(doc, dict) or not isinstance(doc.get("corrections"), list):
        return errors
    for i, item in enumerate(doc["corrections"]):
        if not isinstance(item, dict):
            errors.append(f"corrections/{i}: objet JSON attendu, trouvé {type(item).__name__}")
            continue
        kind = correction_kind(item)
        v = Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"})
        errors += [f"corrections/{i}/{_where(e.absolute_path)}: {e.message}"
                   .replace("/<racine>", "") for e in v.iter_errors(item)]
    return errors


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON (Python's parser takes them): refused, not applied."""
    raise ValueError(f"{name} n'est pas une valeur JSON")


def load_corrections(path: Path) -> dict:
    """Read and validate corrections.json; CorrectionsError lists every problem."""
    limit = CONFIG.limits.corrections_max_bytes
    try:
        if Path(path).stat().st_size > limit:
            raise CorrectionsError(f"{path} dépasse {limit} octets : ce n'est pas un fichier de "
                                   "corrections du rapport")
        doc = json.loads(Path(path).read_text("utf-8"), parse_constant=_no_constant)
    except FileNotFoundError as exc:
        raise CorrectionsError(f"{path} n'existe pas") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorrectionsError(f"{path} n'est pas un fichier JSON lisible ({exc})") from exc
    except RecursionError:  # "[[[[…" nested deeper than the parser's stack
        raise CorrectionsError(f"{path} est bien trop imbriqué pour être un fichier de corrections"
                               ) from None
    errors = schema_errors(doc)
    if errors:
        raise CorrectionsError(f"{path} n'est pas un fichier de corrections valide :\n  - "
                               + "\n  - ".join(errors[:20]))
    return doc


def correction_kind(item: Any) -> str:
    """Which of the schema's correction kinds an item is, from its target's keys."""
    target = item.get("target") if isinstance(item, dict) else None
    target = target if isinstance(target, dict) else {}
    if "markerless" in target:
        return "markerless_correction"
    if "dot" in target:
        return "markerless_dot"
    if "note" in target:
        return "note_correction"
    if "add" in target:
        return "add_correction"
    if "flag" in target:
        return "flag_correction"
    return "vote_correction"


# --- the journal ---------------------------------------------------------------------------------

def _key(c: dict) -> str:
    return json.dumps(c["target"], sort_keys=True, ensure_ascii=False)


def merge_corrections(old: list[dict], new: list[dict]) -> list[dict]:
    """One correction per target: a later one's fields override, the others stay (a text
    fixed yesterday and a zone fixed today are both kept)."""
    out: dict[str, dict] = {_key(c): copy.deepcopy(c) for c in old}
    for c in new:
        k = _key(c)
        if k not in out:
            out[k] = copy.deepcopy(c)
            continue
        cur = out[k]
        if "set" in c and correction_kind(c) in (
                "note_correction", "add_correction", "markerless_correction", "markerless_dot"):
            cur["set"] = {**cur.get("set", {}), **c["set"]}
        elif "set" in c:
            cur["set"] = copy.deepcopy(c["set"])
        for k in ("false_detection", "checked", "by", "add"):  # the latest word, and who said it
            if k in c:
                cur[k] = c[k]
    return list(out.values())


def read_journal(out_dir: Path) -> dict | None:
    """OUT/corrections.json, or None when there is none."""
    path = Path(out_dir) / JOURNAL
    return load_corrections(path) if path.is_file() else None


def _record(out_dir: Path, doc: dict, author: str) -> dict | None:
    """The journal with doc's corrections merged in (each keeps who made it), or None when
    it already holds them (written with the rest of the outputs, see apply_document)."""
    journal = read_journal(out_dir) or {"version": CORRECTIONS_VERSION,
                                        "workshop": doc["workshop"], "corrections": []}
    stamped = []
    for c in doc["corrections"]:
        c = copy.deepcopy(c)
        c["by"] = c.get("by") or author
        stamped.append(c)
    merged = merge_corrections(journal["corrections"], stamped)
    if merged == journal["corrections"]:
        return None
    journal["corrections"] = merged
    return journal


# --- applying ----------------------------------------------------------------------------------

def _find_note(doc: dict, board: str, note: str) -> tuple[str, dict] | None:
    for key in ("actions", "notes", "rejected_notes"):
        for entry in doc.get(key, []):
            if entry.get("id") == note and entry.get("board") == board:
                return key, entry
    return None


def _find_session_note(doc: dict, photo: str, board: str, note: str) -> tuple[str, dict] | None:
    """The session's entry for a note found in `photo`: the entry taken from that photo, the
    one whose text came from it, or the one it is another sighting of ("seen_in", recorded by
    the merge): the same note, another photo's entry."""
    for key in ("actions", "notes", "rejected_notes"):
        for entry in doc.get(key, []):
            if (entry.get("id") == note and entry.get("board") == board
                    and entry.get("file") == photo):
                return key, entry
    for key in ("actions", "notes", "rejected_notes"):
        for entry in doc.get(key, []):
            src = entry.get("text_from") or {}
            if (entry.get("board") == board and src.get("file") == photo
                    and src.get("id") == note):
                return key, entry
    for key in ("actions", "notes", "rejected_notes"):  # another photo that saw the note
        for entry in doc.get(key, []):
            if entry.get("board") == board and any(
                    isinstance(v, dict) and v.get("file") == photo and v.get("id") == note
                    for v in entry.get("seen_in") or []):
                return key, entry
    return None


def _move(doc: dict, entry: dict, src: str, dst: str) -> None:
    if src == dst:
        return
    doc[src] = [e for e in doc.get(src, []) if e is not entry]
    doc.setdefault(dst, []).append(entry)
    if src == "rejected_notes" and not doc[src]:
        del doc[src]


def _apply_note(doc: dict, where: tuple[str, dict], corr: dict, zones: dict[str, dict],
                author: str) -> None:
    """One note correction on one document (a photo's JSON or the session)."""
    key, entry = where
    entry.setdefault("machine", {k: copy.deepcopy(entry.get(k)) for k in NOTE_FIELDS
                                 if k in entry})
    if corr.get("false_detection") is True:
        entry["false_detection"] = True
        _mark(entry, author, ["false_detection"])
        _move(doc, entry, key, "rejected_notes")
        return
    if corr.get("false_detection") is False:
        entry.pop("false_detection", None)
        key_back = "actions" if zones.get(entry.get("zone") or "", {}).get("kind") == "grid" \
            else "notes"
        _move(doc, entry, key, key_back)
        key = key_back
    s = corr.get("set", {})
    if "text" in s:
        entry["text"] = s["text"]
    if "color" in s:
        entry["color"] = s["color"]
    if "zone" in s:
        entry["zone"] = s["zone"]
    zone = zones.get(entry.get("zone") or "")
    if key != "rejected_notes":
        if zone is not None and zone["kind"] == "grid":
            zx, zy, zw, zh = zone["rect_mm"]
            x = s.get("x", entry.get("x"))
            y = s.get("y", entry.get("y"))
            cx, cy = entry.get("center_mm") or [zx + zw / 2, zy + zh / 2]
            if x is None:  # moved onto the grid without a position: where its centre is
                x = min(1.0, max(0.0, (cx - zx) / zw))
            if y is None:
                y = min(1.0, max(0.0, 1.0 - (cy - zy) / zh))
            entry["x"], entry["y"] = round(float(x), 3), round(float(y), 3)
            entry["cell"] = grid_cell(entry["x"], entry["y"])
            if "x" in s or "y" in s:  # the person placed it: the centre follows
                entry["center_mm"] = [round(zx + entry["x"] * zw, 1),
                                      round(zy + (1 - entry["y"]) * zh, 1)]
            _move(doc, entry, key, "actions")
        else:
            for k in ("x", "y", "cell"):
                entry.pop(k, None)
            _move(doc, entry, key, "notes")
    _mark(entry, author, [k for k in s if k in ("text", "color", "zone", "x", "y")]
          or ["checked"])


def _add_note(session: dict, corr: dict, board: dict, author: str) -> None:
    """A note the machine missed, placed by a person on the straightened board: its zone, and
    on a grid its position, follow from where it was put."""
    t, s = corr["target"], corr["set"]
    found = next(((k, e) for k in ("actions", "notes") for e in session.get(k, [])
                  if e.get("id") == t["add"] and e.get("board") == t["board"]), None)
    if found is not None:  # applied before: only the fields set again change
        key, entry = found
        for k in ("text", "color"):
            if k in s:
                entry[k] = s[k]
        if "center_mm" not in s:
            return
        session[key] = [e for e in session[key] if e is not entry]
    else:
        entry = {"board": t["board"], "text": "", "color": "unknown", "id": t["add"],
                 "file": t.get("photo") or "", "added": True, "raw_text": "",
                 "confidence": None, "ocr_confidence": None, "crop": None, "corners_mm": [],
                 "covered": None, "covered_by": []}
        entry.update({k: s[k] for k in ("text", "color") if k in s})
    cx, cy = (float(v) for v in s.get("center_mm", entry.get("center_mm", [0, 0])))
    entry["center_mm"] = [round(cx, 1), round(cy, 1)]
    zone = next((z for z in board["zones"] if z["kind"] != "vote"
                 and z["rect_mm"][0] <= cx < z["rect_mm"][0] + z["rect_mm"][2]
                 and z["rect_mm"][1] <= cy < z["rect_mm"][1] + z["rect_mm"][3]), None)
    entry["zone"] = zone["id"] if zone else None
    for k in ("x", "y", "cell"):
        entry.pop(k, None)
    if zone is not None and zone["kind"] == "grid":
        zx, zy, zw, zh = zone["rect_mm"]
        entry["x"] = round(min(1.0, max(0.0, (cx - zx) / zw)), 3)
        entry["y"] = round(min(1.0, max(0.0, 1.0 - (cy - zy) / zh)), 3)
        entry["cell"] = grid_cell(entry["x"], entry["y"])
        session.setdefault("actions", []).append(entry)
    else:
        session.setdefault("notes", []).append(entry)
    _mark(entry, author, [k for k in s if k in ("text", "color", "center_mm")])


def _flag_matches(f: dict, t: dict) -> bool:
    return (f.get("code") == t["flag"] and f.get("board") == t.get("board")
            and f.get("zone") == t.get("zone") and f.get("item") == t.get("item"))


def _check_flags(docs: list[dict], t: dict, checked: bool, author: str) -> None:
    for d in docs:
        for f in d.get("flags", []):
            if _flag_matches(f, t):
                if checked:
                    f["resolved"] = True
                    f["checked_by"] = author
                elif f.get("checked_by"):  # un-checking undoes a person's check only
                    f.pop("checked_by")
                    f.pop("resolved", None)


def _apply_vote(entry: dict, side: str, zone_id: str, s: dict, author: str) -> None:
    entry.setdefault("machine", {"agree": entry["agree"], "disagree": entry["disagree"],
                                 "by_color": copy.deepcopy(entry["by_color"])})
    if "by_color" in s:
        # every colour already listed stays (at 0 if absent) so the CSV columns stay stable
        entry["by_color"][side] = {**{c: 0 for c in entry["by_color"].get(side, {})},
                                   **{c: int(n) for c, n in s["by_color"].items()}}
    entry[side] = int(s["count"]) if "count" in s else sum(entry["by_color"][side].values())
    entry["verified"] = True
    entry["corrected_by"] = author
    entry["verified_zones"] = sorted(set(entry.get("verified_zones", [])) | {zone_id})


def _resolve_flags(doc: dict, photo: str | None, board: str, note: str | None,
                   zone: str | None) -> None:
    """A flag about an item a person corrected is resolved (kept, marked)."""
    for f in doc.get("flags", []):
        if f.get("board") != board:
            continue
        if (note is not None and f.get("item") == note) or \
                (zone is not None and f.get("zone") == zone and not f.get("item")):
            f["resolved"] = True


def _resolve_retake(session: dict, board: str) -> None:
    """A board's text_too_small warning is resolved once a person has checked every note of
    it that no photo showed legibly, or rejected it."""
    limit = CONFIG.ocr.min_source_px_per_mm
    small = [
        e
        for e in session.get("actions", []) + session.get("notes", [])
        if e["board"] == board and (e.get("best_px_per_mm") or limit) < limit
    ]
    if all(e.get("verified") for e in small):
        for f in session.get("flags", []):
            if f.get("code") == "text_too_small" and f.get("board") == board:
                f["resolved"] = True


def _check(doc: dict, session: dict, photos: dict[str, tuple[Path, dict]],
           layout: dict) -> list[tuple[int | None, str]]:
    """Problems that make corrections not fit these outputs: (index or None, message)."""
    boards = {b["id"]: b for b in layout["boards"]}
    problems: list[tuple[int | None, str]] = []
    if doc["workshop"] != session["workshop"]:
        problems.append((None, f"les corrections sont pour l'atelier {doc['workshop']!r}, ces "
                               f"résultats pour {session['workshop']!r}"))
    note_colours = set(layout.get("notes", {}).get("colors", []))
    sticker_colours = set(layout.get("stickers", {}).get("colors", [])) | {"unknown"}
    geometry = wall_geometry([d for _p, d in photos.values()])
    adding = frozenset((c["target"]["photo"], c["target"]["markerless"])
                       for c in doc["corrections"]
                       if c.get("add") and correction_kind(c) == "markerless_correction")
    for i, c in enumerate(doc["corrections"]):
        t = c["target"]
        kind = correction_kind(c)
        where = f"corrections/{i}"
        colour = (c.get("set") or {}).get("color")
        if kind in ("note_correction", "add_correction") and colour is not None \
                and colour not in note_colours:
            problems.append((i, f"{where}: la couleur {colour!r} n'est pas une couleur de "
                                f"post-it de cet atelier ({', '.join(sorted(note_colours))})"))
        if kind == "vote_correction":
            for colour in (c.get("set") or {}).get("by_color", {}):
                if colour not in sticker_colours:
                    problems.append((i, f"{where}: la couleur {colour!r} n'est pas une couleur "
                                        "de gommette de cet atelier "
                                        f"({', '.join(sorted(sticker_colours))})"))
        if kind == "markerless_correction":
            problems += [(i, f"{where}: {m}") for m in check_markerless(c, session, geometry)]
            continue
        if kind == "markerless_dot":
            own = photos.get(t["photo"], (None, None))[1]
            problems += [(i, f"{where}: {m}")
                         for m in check_dot(c, session, own, geometry, adding)]
            continue
        if kind == "flag_correction":
            docs = [session] + [d for _p, d in photos.values()]
            if not any(_flag_matches(f, t) for d in docs for f in d.get("flags", [])):
                problems.append((i, f"{where}: pas de point à vérifier {t['flag']!r} pour ces "
                                    "résultats"))
            continue
        b = boards.get(t["board"])
        if b is None:
            problems.append((i, f"{where}: pas de panneau {t['board']!r} dans cet atelier"))
            continue
        zones = {z["id"]: z for z in b["zones"]}
        if kind == "note_correction":
            if t["photo"] not in photos:
                problems.append((i, f"{where}: pas de photo {t['photo']!r} dans ces résultats"))
            elif (_find_note(photos[t["photo"]][1], t["board"], t["note"]) is None
                  and _find_session_note(session, t["photo"], t["board"], t["note"]) is None):
                problems.append((i, f"{where}: la photo {t['photo']!r} n'a pas de post-it "
                                    f"{t['note']!r} sur le panneau {t['board']!r}"))
            z = c.get("set", {}).get("zone")
            if z is not None and (z not in zones or zones[z]["kind"] == "vote"):
                problems.append((i, f"{where}: {z!r} n'est pas une zone de post-its ou de "
                                    f"grille du panneau {t['board']!r} (zones : "
                                    + ", ".join(k for k, v in zones.items() if v["kind"] != "vote")
                                    + ")"))
        elif kind == "add_correction":
            w, h = b["size_mm"]
            cx, cy = c["set"].get("center_mm", [w / 2, h / 2])
            if not (0 <= cx <= w and 0 <= cy <= h):
                problems.append((i, f"{where}: ({cx}, {cy}) mm est hors du panneau "
                                    f"{t['board']!r} ({w} x {h} mm)"))
            known = any(e.get("id") == t["add"] and e.get("board") == t["board"]
                        for e in session.get("actions", []) + session.get("notes", []))
            if not known and "center_mm" not in c["set"]:
                problems.append((i, f"{where}: un post-it ajouté a besoin de sa place "
                                    "(center_mm)"))
        else:
            z = zones.get(t["zone"])
            if z is None or z["kind"] != "vote":
                problems.append((i, f"{where}: {t['zone']!r} n'est pas une zone de vote du "
                                    f"panneau {t['board']!r}"))
            elif not any(v["board"] == t["board"] for v in session.get("votes", [])):
                problems.append((i, f"{where}: le panneau {t['board']!r} n'a pas été "
                                    "photographié, il n'y a pas de décompte à corriger"))
            s = c["set"]
            if "count" in s and "by_color" in s and sum(s["by_color"].values()) != s["count"]:
                problems.append((i, f"{where}: count {s['count']} n'est pas la somme de "
                                    f"by_color ({sum(s['by_color'].values())})"))
    return problems + _conflicts(doc, session)


def _conflicts(doc: dict, session: dict) -> list[tuple[int | None, str]]:
    """Two corrections of one note (named on any of its photos) or one vote zone that say
    different things: reported, never settled by their order in the file."""
    said: dict[tuple, tuple[int, dict]] = {}
    problems: list[tuple[int | None, str]] = []
    for i, c in enumerate(doc["corrections"]):
        t = c["target"]
        kind = correction_kind(c)
        what: dict = dict(c.get("set") or {})
        if kind == "note_correction":
            keys = [("note", t["photo"], t["board"], t["note"])]
            found = _find_session_note(session, t["photo"], t["board"], t["note"])
            if found is not None:
                keys.append(("session", t["board"], found[1].get("file"), found[1].get("id")))
            if "false_detection" in c:
                what["false_detection"] = c["false_detection"]
        elif kind == "vote_correction":
            keys = [("vote", t["board"], t["zone"])]
        elif kind == "markerless_correction":
            keys = [("markerless", t["photo"], t["markerless"])]
            if "false_detection" in c:
                what["false_detection"] = c["false_detection"]
        elif kind == "markerless_dot":
            keys = [("dot", t["photo"], bool(c.get("add")),
                     *(round(float(v), 4) for v in t["dot"]))]
            if "false_detection" in c:
                what["false_detection"] = c["false_detection"]
        else:
            continue
        for key in keys:
            if key not in said:
                said[key] = (i, what)
                continue
            j, before = said[key]
            clash = sorted(k for k in set(before) & set(what) if before[k] != what[k])
            if clash:
                name = (t.get("note") or t.get("markerless")
                        or (f"la gommette en {tuple(t['dot'])}" if "dot" in t else None)
                        or f"{t['board']}/{t['zone']}")
                problems.append((i, f"corrections/{j} et corrections/{i} corrigent {name} "
                                    "différemment ("
                                    + ", ".join(f"{k} : {before[k]!r} / {what[k]!r}"
                                                for k in clash)
                                    + ") : gardez-en une"))
                break
    return problems


def _lost_additions(doc: dict, session: dict, geometry: dict) -> None:
    """A note or sticker a person added on a photo this run does not have (moved away,
    renamed, not read with no board): a point to check in the session, once."""
    for c in doc["corrections"]:
        t = c["target"]
        kind = correction_kind(c)
        if not c.get("add") or kind not in ("markerless_correction", "markerless_dot") \
                or t["photo"] in geometry:
            continue
        s = c.get("set") or {}
        if kind == "markerless_correction":
            finding = Finding("addition_lost", "note", {"text": s.get("text", ""),
                                                       "photo": t["photo"]}, item=t["markerless"])
        else:
            colour = s.get("color", "unknown")
            finding = Finding("addition_lost", "dot", {"colour": COLOUR_FR_F.get(colour, colour),
                                                      "photo": t["photo"]})
        flag = render(finding)
        entry = {"code": flag.code, "severity": flag.severity, "message": flag.message,
                 "board": None, "zone": None, "item": flag.item}
        if entry not in session.setdefault("flags", []):
            session["flags"].append(entry)


def _digest(doc: dict) -> str:
    body = {k: doc[k] for k in ("workshop", "author", "corrections") if k in doc}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def apply_corrections(out_dir: Path, corrections_path: Path, report: bool = True,
                      kit: KitLayout | None = None) -> ApplySummary:
    """Validate corrections.json, record it in OUT/corrections.json, apply it to the outputs
    in out_dir, rewrite JSON, CSV and report.

    Raises CorrectionsError (exit 2) before writing anything when the file is invalid or does
    not fit these outputs. `kit` (the workshop's layout) is needed only for outputs without
    layout.json.
    """
    doc = load_corrections(corrections_path)
    return apply_document(out_dir, doc, str(corrections_path), report=report, kit=kit)


def reapply_journal(out_dir: Path, report: bool = True, kit: KitLayout | None = None,
                    session: dict | None = None) -> ApplySummary | None:
    """After `capture run` rebuilt the outputs: apply OUT/corrections.json again. Corrections
    whose target is gone (a note not found by the re-run) are skipped and listed. With
    `session` (a run's, not written yet) it is applied in memory only: the summary holds the
    corrected session and photo JSONs, for the run to write with its other files."""
    journal = read_journal(out_dir)
    if journal is None:
        return None
    return apply_document(out_dir, journal, JOURNAL, report=report and session is None,
                          strict=False, record=False, kit=kit, session=session,
                          write=session is None)


def _apply_one(c: dict, session: dict, photos: dict[str, tuple[Path, dict]],
               boards: dict[str, dict], who: str, geometry: dict) -> None:
    """One correction applied in place to the session and the photo JSONs it concerns."""
    t = c["target"]
    kind = correction_kind(c)
    if kind == "flag_correction":
        _check_flags([session] + [d for _p, d in photos.values()], t, c["checked"], who)
    elif kind == "add_correction":
        _add_note(session, c, boards[t["board"]], who)
    elif kind in ("markerless_correction", "markerless_dot"):
        apply = apply_markerless if kind == "markerless_correction" else apply_dot
        own = photos.get(t["photo"], (None, None))[1]  # the session, and that photo's JSON
        for d in [session] + ([own] if own is not None else []):
            apply(d, c, who, geometry)
    elif kind == "note_correction":
        zones = {z["id"]: z for z in boards[t["board"]]["zones"]}
        pdoc = photos[t["photo"]][1]
        own = _find_note(pdoc, t["board"], t["note"])
        if own is not None:
            _apply_note(pdoc, own, c, zones, who)
            _resolve_flags(pdoc, t["photo"], t["board"], t["note"], None)
        found = _find_session_note(session, t["photo"], t["board"], t["note"])
        if found is not None:
            _apply_note(session, found, c, zones, who)
            _resolve_flags(session, None, t["board"], found[1].get("id"), None)
            _resolve_retake(session, t["board"])
    else:
        zones = {z["id"]: z for z in boards[t["board"]]["zones"]}
        side = zones[t["zone"]]["vote"]
        for d in [session] + [d for _p, d in photos.values()]:
            for entry in d.get("votes", []):
                if entry["board"] == t["board"]:
                    _apply_vote(entry, side, t["zone"], c["set"], who)
            _resolve_flags(d, None, t["board"], None, t["zone"])


def apply_document(out_dir: Path, doc: dict, source: str, report: bool = True,
                   strict: bool = True, record: bool = True, kit: KitLayout | None = None,
                   session: dict | None = None, write: bool = True) -> ApplySummary:
    """Apply a validated corrections document (see apply_corrections). strict=False skips the
    corrections that do not fit instead of refusing them all; record=False leaves the journal.
    `session` stands for OUT/session.json (a run's, not written yet); write=False changes no
    file and returns the corrected documents in the summary."""
    out_dir = Path(out_dir)
    outputs = load_outputs(out_dir, kit, session=session)
    session = outputs.session
    paths = dict(photo_doc_paths(out_dir, session))
    photos = {d["file"]: (paths[stem], d) for stem, d in outputs.photos}
    if not strict:  # a person's addition on a photo gone from this run: said, not dropped
        # (before the checks: a tick on that point, in the same journal, finds it)
        _lost_additions(doc, session, wall_geometry([d for _p, d in photos.values()]))
    problems = _check(doc, session, photos, outputs.layout)
    if problems and (strict or any(i is None for i, _m in problems)):
        raise CorrectionsError(f"{source} ne correspond pas à {out_dir} :\n  - "
                               + "\n  - ".join(m for _i, m in problems[:20]))
    bad = {i for i, _m in problems}
    author = (doc.get("author") or "").strip() or UNNAMED
    journal = _record(out_dir, doc, author) if record else None
    boards = {b["id"]: b for b in outputs.layout["boards"]}
    geometry = wall_geometry([d for _p, d in photos.values()])
    originals: dict[Any, str] = {path: json.dumps(d, sort_keys=True) for path, d in photos.values()}
    originals["session"] = json.dumps(session, sort_keys=True)
    changed = 0
    # the notes a person added first: a sticker put on one of them counts there whatever
    # the order of the file (every correction is absolute, so nothing else depends on it)
    order = sorted(enumerate(doc["corrections"]), key=lambda ic: not (
        ic[1].get("add") and correction_kind(ic[1]) == "markerless_correction"))
    for i, c in order:
        if i in bad:
            continue
        snapshot = json.dumps([session, [d for _p, d in photos.values()]], sort_keys=True)
        _apply_one(c, session, photos, boards, c.get("by") or author, geometry)
        if json.dumps([session, [d for _p, d in photos.values()]], sort_keys=True) != snapshot:
            changed += 1
    if record:
        digest = _digest(doc)
        applied = session.setdefault("corrections_applied", [])
        if not any(a.get("sha256") == digest for a in applied):
            applied.append({"sha256": digest, "author": author, "count": len(doc["corrections"]),
                            "created": doc.get("created")})
    dirty = [(path, d) for path, d in photos.values()
             if json.dumps(d, sort_keys=True) != originals[path]]
    skipped = [m for i, m in problems if i is not None]
    out: dict[Path, bytes] = {}
    if dirty or json.dumps(session, sort_keys=True) != originals["session"]:
        for _path, d in dirty:  # nothing is written unless every document is still valid
            validate(d, "photo")
        validate(session, "session")
        out.update({path: json_bytes(d) for path, d in dirty})
        out[out_dir / "session.json"] = json_bytes(session)
        out.update(csv_files(out_dir, session))
        out.update(markerless_csv_files(out_dir, session))
    if not write:
        return ApplySummary(len(doc["corrections"]), changed, [], skipped, session, dict(dirty))
    if journal is not None:
        out[out_dir / JOURNAL] = json_bytes(journal)
    # Every folder written into must take files before anything is written: a read-only top
    # folder must not leave a photo's JSON corrected and session.json not (out of step).
    ensure_writable(*sorted({p.parent for p in out} | {out_dir}))
    try:
        if report:
            html = report_html(out_dir, kit, session=session, photo_docs=dict(dirty))
            out[out_dir / REPORT_FILE] = html.encode("utf-8")
        write_together(out)  # journal, photo JSONs, session.json, CSVs, report: all or none
    except OSError as exc:
        raise output_error(exc) from exc
    files = [str(p.relative_to(out_dir)) for p in out]
    return ApplySummary(len(doc["corrections"]), changed, files, skipped)
