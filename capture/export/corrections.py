"""`capture apply DIR corrections.json`: a person's corrections from report.html into the outputs.

corrections.json (schema: capture/export/schema/corrections.schema.json):
    {"version": 1, "workshop": "<id>", "author": "Camille", "created": "<ISO time>",
     "corrections": [
       {"target": {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n03"},
        "set": {"text": "...", "zone": "grille", "x": 0.2, "y": 0.8}},
       {"target": {"photo": "IMG_0001.jpg", "board": "processus", "note": "processus-n07"},
        "false_detection": true},
       {"target": {"board": "verbatim-03", "zone": "agree"},
        "set": {"count": 7, "by_color": {"red": 4, "green": 3}}}]}

Every correction is absolute ("this is the value"), the first machine value of a changed item
is kept beside it under "machine", and a false detection moves a note to "rejected_notes"
(nothing is deleted): applying the same file twice changes nothing more. Each corrected item
gets "verified": true and "corrected_by": the author (or "person"). A vote zone is a fact of
the wall, so its correction reaches the session and every photo of that board; a note is one
detection in one photo, so it reaches that photo's JSON and the session when that photo is the
board's chosen view.
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

from capture.config import CONFIG
from capture.errors import UsageError
from capture.export.atomic import atomic_write_json
from capture.kit.layout import grid_cell

CORRECTIONS_VERSION = 1
NOTE_FIELDS = ("board", "zone", "text", "color", "x", "y", "cell", "center_mm")


class CorrectionsError(UsageError):
    """corrections.json is unreadable, invalid or does not fit these outputs (exit 2)."""

    code = "corrections_invalid"


@dataclass
class ApplySummary:
    corrections: int
    changed: int  # corrections that changed something (0 on a second application)
    files: list[str] = field(default_factory=list)  # output files rewritten


@lru_cache(maxsize=1)
def corrections_schema() -> dict:
    text = resources.files("capture.export").joinpath(
        "schema", "corrections.schema.json").read_text("utf-8")
    return json.loads(text)


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path) or "<racine>"


def schema_errors(doc: Any) -> list[str]:
    """Readable schema violations of a corrections document (empty when valid)."""
    from jsonschema import Draft202012Validator

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
        target = item.get("target")
        kind = "note_correction" if isinstance(target, dict) and "note" in target \
            else "vote_correction"
        v = Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"})
        errors += [f"corrections/{i}/{_where(e.absolute_path)}: {e.message}"
                   .replace("/<racine>", "") for e in v.iter_errors(item)]
    return errors


def load_corrections(path: Path) -> dict:
    """Read and validate corrections.json; CorrectionsError lists every problem."""
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
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


# --- applying ----------------------------------------------------------------------------------

def _find_note(doc: dict, board: str, note: str) -> tuple[str, dict] | None:
    for key in ("actions", "notes", "rejected_notes"):
        for entry in doc.get(key, []):
            if entry.get("id") == note and entry.get("board") == board:
                return key, entry
    return None


def _find_session_note(doc: dict, photo: str, board: str, note: str) -> tuple[str, dict] | None:
    for key in ("actions", "notes", "rejected_notes"):
        for entry in doc.get(key, []):
            if (entry.get("id") == note and entry.get("board") == board
                    and entry.get("file") == photo):
                return key, entry
    return None


def _move(doc: dict, entry: dict, src: str, dst: str) -> None:
    if src == dst:
        return
    doc[src] = [e for e in doc.get(src, []) if e is not entry]
    doc.setdefault(dst, []).append(entry)
    if src == "rejected_notes" and not doc[src]:
        del doc[src]


def _mark(entry: dict, author: str) -> None:
    entry["verified"] = True
    entry["corrected_by"] = author


def _apply_note(doc: dict, where: tuple[str, dict], corr: dict, zones: dict[str, dict],
                author: str) -> None:
    """One note correction on one document (a photo's JSON or the session)."""
    key, entry = where
    entry.setdefault("machine", {k: copy.deepcopy(entry.get(k)) for k in NOTE_FIELDS
                                 if k in entry})
    if corr.get("false_detection") is True:
        entry["false_detection"] = True
        _mark(entry, author)
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
    _mark(entry, author)


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
           layout: dict) -> list[str]:
    """Problems that make the file not fit these outputs (wrong workshop, unknown targets)."""
    boards = {b["id"]: b for b in layout["boards"]}
    problems = []
    if doc["workshop"] != session["workshop"]:
        problems.append(f"les corrections sont pour l'atelier {doc['workshop']!r}, ces résultats "
                        f"pour {session['workshop']!r}")
    for i, c in enumerate(doc["corrections"]):
        t = c["target"]
        b = boards.get(t["board"])
        if b is None:
            problems.append(f"corrections/{i}: pas de panneau {t['board']!r} dans cet atelier")
            continue
        zones = {z["id"]: z for z in b["zones"]}
        if "note" in t:
            if t["photo"] not in photos:
                problems.append(f"corrections/{i}: pas de photo {t['photo']!r} dans ces résultats")
            elif _find_note(photos[t["photo"]][1], t["board"], t["note"]) is None:
                problems.append(f"corrections/{i}: la photo {t['photo']!r} n'a pas de post-it "
                                f"{t['note']!r} sur le panneau {t['board']!r}")
            z = c.get("set", {}).get("zone")
            if z is not None and (z not in zones or zones[z]["kind"] == "vote"):
                problems.append(f"corrections/{i}: {z!r} n'est pas une zone de post-its ou de "
                                f"grille du panneau {t['board']!r} (zones : "
                                f"{', '.join(k for k, v in zones.items() if v['kind'] != 'vote')})")
        else:
            z = zones.get(t["zone"])
            if z is None or z["kind"] != "vote":
                problems.append(f"corrections/{i}: {t['zone']!r} n'est pas une zone de vote du "
                                f"panneau {t['board']!r}")
            elif not any(v["board"] == t["board"] for v in session.get("votes", [])):
                problems.append(f"corrections/{i}: le panneau {t['board']!r} n'a pas été "
                                "photographié, il n'y a pas de décompte à corriger")
            s = c["set"]
            if "count" in s and "by_color" in s and sum(s["by_color"].values()) != s["count"]:
                problems.append(f"corrections/{i}: count {s['count']} n'est pas la somme de "
                                f"by_color ({sum(s['by_color'].values())})")
    return problems


def _digest(doc: dict) -> str:
    body = {k: doc[k] for k in ("workshop", "author", "corrections") if k in doc}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def apply_corrections(out_dir: Path, corrections_path: Path, report: bool = True) -> ApplySummary:
    """Validate corrections.json, apply it to the outputs in out_dir, rewrite JSON, CSV and report.

    Raises CorrectionsError (exit 2) before writing anything when the file is invalid or does
    not fit these outputs.
    """
    from capture.export.csv_out import write_csvs
    from capture.export.report import load_outputs, photo_doc_paths, write_report
    from capture.export.schema import validate

    out_dir = Path(out_dir)
    doc = load_corrections(corrections_path)
    outputs = load_outputs(out_dir)
    session = outputs.session
    paths = dict(photo_doc_paths(out_dir, session))
    photos = {d["file"]: (paths[stem], d) for stem, d in outputs.photos}
    problems = _check(doc, session, photos, outputs.layout)
    if problems:
        raise CorrectionsError(f"{corrections_path} ne correspond pas à {out_dir} :\n  - "
                               + "\n  - ".join(problems[:20]))
    author = (doc.get("author") or "").strip() or "person"
    boards = {b["id"]: b for b in outputs.layout["boards"]}
    originals: dict[Any, str] = {path: json.dumps(d, sort_keys=True) for path, d in photos.values()}
    originals["session"] = json.dumps(session, sort_keys=True)
    changed = 0
    for c in doc["corrections"]:
        snapshot = json.dumps([session, [d for _p, d in photos.values()]], sort_keys=True)
        t = c["target"]
        zones = {z["id"]: z for z in boards[t["board"]]["zones"]}
        if "note" in t:
            pdoc = photos[t["photo"]][1]
            _apply_note(pdoc, _find_note(pdoc, t["board"], t["note"]), c, zones, author)
            _resolve_flags(pdoc, t["photo"], t["board"], t["note"], None)
            found = _find_session_note(session, t["photo"], t["board"], t["note"])
            if found is not None:
                _apply_note(session, found, c, zones, author)
                _resolve_retake(session, t["board"])
        else:
            side = zones[t["zone"]]["vote"]
            for d in [session] + [d for _p, d in photos.values()]:
                for entry in d.get("votes", []):
                    if entry["board"] == t["board"]:
                        _apply_vote(entry, side, t["zone"], c["set"], author)
                _resolve_flags(d, None, t["board"], None, t["zone"])
        if json.dumps([session, [d for _p, d in photos.values()]], sort_keys=True) != snapshot:
            changed += 1
    digest = _digest(doc)
    applied = session.setdefault("corrections_applied", [])
    if not any(a.get("sha256") == digest for a in applied):
        applied.append({"sha256": digest, "author": author, "count": len(doc["corrections"]),
                        "created": doc.get("created")})
    files: list[str] = []
    dirty = [(path, d) for path, d in photos.values()
             if json.dumps(d, sort_keys=True) != originals[path]]
    if dirty or json.dumps(session, sort_keys=True) != originals["session"]:
        for _path, d in dirty:  # nothing is written unless every document is still valid
            validate(d, "photo")
        validate(session, "session")
        for path, d in dirty:
            atomic_write_json(path, d)
            files.append(str(path.relative_to(out_dir)))
        atomic_write_json(out_dir / "session.json", session)
        files.append("session.json")
        files += [str(p.relative_to(out_dir)) for p in write_csvs(out_dir, session)]
    if report:
        write_report(out_dir)
        files.append("report.html")
    return ApplySummary(len(doc["corrections"]), changed, files)
