"""Two output folders of `capture run` compared field by field (`capture bench compare A B`).

A refactoring must leave the outputs unchanged: run the old and the new code on the same
photos into two folders, then compare. JSON files are compared value by value, CSV files
row by row and cell by cell, crops and other binary files byte for byte. What legitimately
differs between two runs is left out: clocks (timestamps, durations), the tool version, and
the output folder's own absolute path (replaced by `<OUT>`). Resume fingerprints are
compared: they hash the layout and every setting, so a changed default shows there. HTML
pages (the report) are compared line by line; the run log and the lock file, all clocks and
process ids, only for presence.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from capture.io.csv_out import DELIMITER

# Keys whose values differ from run to run without the analysis differing.
VOLATILE_KEYS = frozenset({
    "created", "created_at", "generated", "generated_at", "started", "started_at",
    "finished", "finished_at", "timestamp", "time", "date", "timings", "timings_s",
    "duration", "duration_s", "elapsed", "elapsed_s", "seconds", "version", "tool_version",
    "capture_version",
})
# Files that embed clocks and process ids throughout: compared by presence only.
PRESENCE_ONLY = (".log", ".lock")
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


@dataclass
class Comparison:
    """What compared equal and what did not, file by file."""

    files_compared: int = 0
    fields_compared: int = 0
    presence_only: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def _normalise(value: object, root: Path) -> object:
    if isinstance(value, str):
        value = value.replace(str(root.resolve()), "<OUT>").replace(str(root), "<OUT>")
        return "<TIME>" if _ISO_TIME.match(value) else value
    return value


def _walk(a: object, b: object, where: str, roots: tuple[Path, Path], out: Comparison) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key in VOLATILE_KEYS:
                continue
            if key not in a or key not in b:
                out.differences.append(f"{where}.{key}: only in {'B' if key in b else 'A'}")
                continue
            _walk(a[key], b[key], f"{where}.{key}", roots, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.differences.append(f"{where}: {len(a)} items in A, {len(b)} in B")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _walk(x, y, f"{where}[{i}]", roots, out)
        return
    out.fields_compared += 1
    na, nb = _normalise(a, roots[0]), _normalise(b, roots[1])
    if na != nb:
        out.differences.append(f"{where}: A={na!r} B={nb!r}")


def _csv_rows(path: Path) -> list[list[str]]:
    # Our CSVs are ";"-separated with decimal commas (csv_out): read with ",", every row was
    # one cell cut at each decimal comma and differences named no column.
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=DELIMITER))


def compare_outputs(a: Path, b: Path) -> Comparison:
    """Every file of two output folders compared (see the module docstring)."""
    out = Comparison()
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    for name in sorted(files_a ^ files_b):
        out.differences.append(f"{name}: only in {'A' if name in files_a else 'B'}")
    for name in sorted(files_a & files_b):
        pa, pb = a / name, b / name
        if name.endswith(PRESENCE_ONLY):
            out.presence_only.append(name)
            continue
        out.files_compared += 1
        if name.endswith(".json"):
            _walk(json.loads(pa.read_text("utf-8")), json.loads(pb.read_text("utf-8")), name,
                  (a, b), out)
        elif name.endswith(".csv"):
            rows_a, rows_b = _csv_rows(pa), _csv_rows(pb)
            header = rows_a[0] if rows_a else []
            if len(rows_a) != len(rows_b):
                out.differences.append(f"{name}: {len(rows_a)} rows in A, {len(rows_b)} in B")
            for r, (ra, rb) in enumerate(zip(rows_a, rows_b, strict=False)):
                for c in range(max(len(ra), len(rb))):
                    col = header[c] if c < len(header) else str(c)
                    if col in VOLATILE_KEYS:
                        continue
                    out.fields_compared += 1
                    va = _normalise(ra[c], a) if c < len(ra) else None
                    vb = _normalise(rb[c], b) if c < len(rb) else None
                    if va != vb:
                        out.differences.append(f"{name} row {r} {col}: A={va!r} B={vb!r}")
        elif name.endswith(".html"):
            lines_a = str(_normalise(pa.read_text("utf-8"), a)).splitlines()
            lines_b = str(_normalise(pb.read_text("utf-8"), b)).splitlines()
            out.fields_compared += max(len(lines_a), len(lines_b))
            diff = [i for i, (x, y) in enumerate(zip(lines_a, lines_b, strict=False)) if x != y]
            if diff or len(lines_a) != len(lines_b):
                first = diff[0] + 1 if diff else min(len(lines_a), len(lines_b)) + 1
                out.differences.append(f"{name}: {len(diff)} lines differ (first: line {first}),"
                                       f" {len(lines_a)} lines in A, {len(lines_b)} in B")
        elif pa.read_bytes() != pb.read_bytes():
            out.differences.append(f"{name}: bytes differ")
    return out
