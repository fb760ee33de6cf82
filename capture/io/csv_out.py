"""votes.csv, actions.csv, notes.csv from session.json's document.

Format choice: the facilitators open these in French Excel or LibreOffice. French Excel
splits a double-clicked CSV on the locale's list separator, ";" (a "," file lands in one
column), reads it as UTF-8 only when it starts with a BOM (else "é" shows as "Ã©"), and
reads "0.42" as text or a date, so decimals use a comma. LibreOffice shows an import
dialog that detects ";", the BOM and the decimal comma on its own. Hence: UTF-8 with BOM,
";" separator, decimal comma, CRLF line ends (csv module default, what Excel writes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from capture.io.atomic import atomic_write_bytes, write_together

ENCODING = "utf-8-sig"
DELIMITER = ";"


# A text cell starting with one of these is read as a formula by Excel and LibreOffice
# (=HYPERLINK(...), "- former..." shown as #NAME?): OWASP's advice for CSV injection is to
# prefix such a cell with a single quote, which the spreadsheet shows as text. Only texts
# (notes, titles, corrections, file names) are touched; numbers we write are never prefixed,
# and session.json keeps every text exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _formula_like(v: str) -> bool:
    """Starts like a formula, or like a text we neutralised (so that reading back is exact)."""
    return v.startswith(FORMULA_START) or (v.startswith("'") and _formula_like(v[1:]))


def _text(v: str) -> str:
    return "'" + v if _formula_like(v) else v


def _untext(v: str) -> str:
    return v[1:] if v.startswith("'") and _formula_like(v[1:]) else v


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".").replace(".", ",") if v == v else ""
    if isinstance(v, str):
        return _text(v)
    return str(v)


def _csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL)
    w.writerow([_text(h) for h in header])  # colour names from the session are data too
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue().encode(ENCODING)


# Where a CSV goes once made: written at once (one file), or collected (csv_files: written
# together with the session's other files).
Sink = Callable[[Path, list[str], list[list[object]]], Path]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    return atomic_write_bytes(path, _csv_bytes(header, rows))


def _colours(votes: list[dict]) -> list[str]:
    seen: list[str] = []
    for v in votes:
        for side in ("agree", "disagree"):
            for c in v["by_color"].get(side, {}):
                if c not in seen:
                    seen.append(c)
    return sorted(seen, key=lambda c: (c == "unknown", seen.index(c)))


def _seen(v: dict, side: str) -> float | None:
    """Share of a vote zone any photo saw (None: outputs of a version that did not say)."""
    return (v.get("coverage") or {}).get(side)


def write_votes_csv(path: Path, session: dict, sink: Sink = _write) -> Path:
    """One row per verbatim. A zone no photo saw has empty counts (not 0: nobody counted
    there); coverage_agree / coverage_disagree say how much of each zone was seen."""
    votes = session["votes"]
    colours = _colours(votes)
    header = ["board", "text", "agree", "disagree"]
    header += [f"agree_{c}" for c in colours] + [f"disagree_{c}" for c in colours]
    header += ["coverage_agree", "coverage_disagree", "ambiguous", "verified_zones", "file"]
    rows = []
    for v in votes:
        unseen = {side: _seen(v, side) == 0 and side not in v.get("verified_zones", [])
                  for side in ("agree", "disagree")}
        row: list[object] = [v["board"], v["text"]]
        row += [None if unseen[side] else v[side] for side in ("agree", "disagree")]
        for side in ("agree", "disagree"):
            row += [None if unseen[side] else v["by_color"][side].get(c, 0) for c in colours]
        row += [_seen(v, "agree"), _seen(v, "disagree")]
        row += [v.get("ambiguous", False), " ".join(v.get("verified_zones", [])), v.get("file", "")]
        rows.append(row)
    return sink(path, header, rows)


# Columns of actions.csv and notes.csv: (header, value from the note's session entry).
_NOTE_COLUMNS: list[tuple[str, Callable[[dict], object]]] = [
    ("board", lambda n: n["board"]),
    ("zone", lambda n: n["zone"]),
    ("color", lambda n: n["color"]),
    ("text", lambda n: n["text"]),
    ("center_x_mm", lambda n: n["center_mm"][0]),
    ("center_y_mm", lambda n: n["center_mm"][1]),
    ("ocr_confidence", lambda n: n.get("ocr_confidence")),
    ("raw_text", lambda n: n.get("raw_text", "")),
    ("zone_coverage", lambda n: n.get("zone_coverage")),  # < 1: the zone's list may miss notes
    ("verified", lambda n: n.get("verified", False)),  # set by `capture apply`
    ("corrected_by", lambda n: n.get("corrected_by", "")),
    ("note_id", lambda n: n.get("id", "")),
    ("file", lambda n: n.get("file", "")),
    ("crop", lambda n: n.get("crop")),
]
_GRID_COLUMNS: list[tuple[str, Callable[[dict], object]]] = [
    ("cell", lambda a: a["cell"]),
    ("x", lambda a: a["x"]),
    ("y", lambda a: a["y"]),
]


def _write_notes(path: Path, entries: list[dict], columns: list[tuple[str, Callable]],
                 sink: Sink = _write) -> Path:
    return sink(path, [h for h, _ in columns], [[get(e) for _, get in columns] for e in entries])


def write_actions_csv(path: Path, session: dict, sink: Sink = _write) -> Path:
    """The mire's actions: where each note sits on the grid, then the note's own columns."""
    columns = _NOTE_COLUMNS[:2] + _GRID_COLUMNS + _NOTE_COLUMNS[2:]
    return _write_notes(path, session["actions"], columns, sink)


def write_notes_csv(path: Path, session: dict, sink: Sink = _write) -> Path:
    return _write_notes(path, session["notes"], _NOTE_COLUMNS, sink)


def write_zones_csv(path: Path, session: dict, sink: Sink = _write) -> Path:
    """Every zone of every board and how much of it any photo saw (0: unseen)."""
    rows: list[list[object]] = []
    for z in session.get("zones", []):
        rows.append([z["board"], z["zone"], z["kind"], "", z["coverage"]])
        rows += [[z["board"], z["zone"], z["kind"], cell, share]
                 for cell, share in z.get("cells", {}).items()]
    return sink(path, ["board", "zone", "kind", "cell", "coverage"], rows)


def csv_files(out_dir: Path, session: dict) -> dict[Path, bytes]:
    """votes.csv, actions.csv, notes.csv and zones.csv of a session, as bytes (to be written
    together with the session's other files)."""
    out_dir = Path(out_dir)
    files: dict[Path, bytes] = {}

    def collect(path: Path, header: list[str], rows: list[list[object]]) -> Path:
        files[Path(path)] = _csv_bytes(header, rows)
        return Path(path)

    write_votes_csv(out_dir / "votes.csv", session, collect)
    write_actions_csv(out_dir / "actions.csv", session, collect)
    write_notes_csv(out_dir / "notes.csv", session, collect)
    write_zones_csv(out_dir / "zones.csv", session, collect)
    return files


def write_csvs(out_dir: Path, session: dict) -> list[Path]:
    """The session's CSV files, all or none."""
    return write_together(csv_files(out_dir, session))


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read one of our CSV files back (BOM, ";"), values as strings (texts as written in
    session.json: the quote that neutralised a formula-like text removed)."""
    with open(path, encoding=ENCODING, newline="") as fh:
        return [{_untext(k): _untext(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(fh, delimiter=DELIMITER)]


def parse_number(cell: str) -> float | None:
    """A CSV cell written with a decimal comma back to a float ("" -> None)."""
    return float(cell.replace(",", ".")) if cell.strip() else None
