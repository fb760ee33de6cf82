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
from pathlib import Path

from capture.export.atomic import atomic_write_bytes

ENCODING = "utf-8-sig"
DELIMITER = ";"


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".").replace(".", ",") if v == v else ""
    return str(v)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return atomic_write_bytes(path, buf.getvalue().encode(ENCODING))


def _colours(votes: list[dict]) -> list[str]:
    seen: list[str] = []
    for v in votes:
        for side in ("agree", "disagree"):
            for c in v["by_color"].get(side, {}):
                if c not in seen:
                    seen.append(c)
    return sorted(seen, key=lambda c: (c == "unknown", seen.index(c)))


def write_votes_csv(path: Path, session: dict) -> Path:
    votes = session["votes"]
    colours = _colours(votes)
    header = ["board", "text", "agree", "disagree"]
    header += [f"agree_{c}" for c in colours] + [f"disagree_{c}" for c in colours]
    header += ["ambiguous", "file"]
    rows = []
    for v in votes:
        row: list[object] = [v["board"], v["text"], v["agree"], v["disagree"]]
        row += [v["by_color"]["agree"].get(c, 0) for c in colours]
        row += [v["by_color"]["disagree"].get(c, 0) for c in colours]
        row += [v.get("ambiguous", False), v.get("file", "")]
        rows.append(row)
    return _write(path, header, rows)


def write_actions_csv(path: Path, session: dict) -> Path:
    header = [
        "board",
        "zone",
        "cell",
        "x",
        "y",
        "color",
        "text",
        "center_x_mm",
        "center_y_mm",
        "ocr_confidence",
        "raw_text",
        "note_id",
        "file",
        "crop",
    ]
    rows = [
        [
            a["board"],
            a["zone"],
            a["cell"],
            a["x"],
            a["y"],
            a["color"],
            a["text"],
            a["center_mm"][0],
            a["center_mm"][1],
            a.get("ocr_confidence"),
            a.get("raw_text", ""),
            a.get("id", ""),
            a.get("file", ""),
            a.get("crop"),
        ]
        for a in session["actions"]
    ]
    return _write(path, header, rows)


def write_notes_csv(path: Path, session: dict) -> Path:
    header = [
        "board",
        "zone",
        "color",
        "text",
        "center_x_mm",
        "center_y_mm",
        "ocr_confidence",
        "raw_text",
        "note_id",
        "file",
        "crop",
    ]
    rows = [
        [
            n["board"],
            n["zone"],
            n["color"],
            n["text"],
            n["center_mm"][0],
            n["center_mm"][1],
            n.get("ocr_confidence"),
            n.get("raw_text", ""),
            n.get("id", ""),
            n.get("file", ""),
            n.get("crop"),
        ]
        for n in session["notes"]
    ]
    return _write(path, header, rows)


def write_csvs(out_dir: Path, session: dict) -> list[Path]:
    out_dir = Path(out_dir)
    return [
        write_votes_csv(out_dir / "votes.csv", session),
        write_actions_csv(out_dir / "actions.csv", session),
        write_notes_csv(out_dir / "notes.csv", session),
    ]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read one of our CSV files back (BOM, ";"), values as strings."""
    with open(path, encoding=ENCODING, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=DELIMITER))


def parse_number(cell: str) -> float | None:
    """A CSV cell written with a decimal comma back to a float ("" -> None)."""
    return float(cell.replace(",", ".")) if cell.strip() else None
