"""Texts that a spreadsheet would run as formulas (CSV injection) are neutralised in the CSVs
as OWASP advises, and kept exact in session.json."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from capture.io.csv_out import ENCODING, read_csv, write_csvs

HOSTILE = ["=HYPERLINK(\"http://x.example\",\"clic\")", "+33 6 12", "- former les acheteurs",
           "@SUM(A1:A9)", "\t=1+1", "\r=1", "＝1+1", "'=déjà neutralisé"]


def _session(texts: list[str]) -> dict:
    notes = [{"board": "processus", "zone": "besoin", "text": t, "color": "yellow",
              "center_mm": [10.0, -2.5], "raw_text": t, "corrected_by": "=Camille",
              "id": f"processus-n{i:02d}", "file": "-IMG.jpg"} for i, t in enumerate(texts)]
    votes = [{"board": "verbatim-01", "text": "=1+1 « citation »", "agree": 2, "disagree": 0,
              "by_color": {"agree": {"red": 2}, "disagree": {"red": 0}}, "file": "IMG.jpg"}]
    return {"workshop": "w", "photos": [], "votes": votes, "actions": [], "notes": notes}


def _raw(path: Path) -> list[list[str]]:
    with open(path, encoding=ENCODING, newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_texts_are_neutralised_in_csv(tmp_path: Path, text: str) -> None:
    session = _session([text, "Sourcing local"])
    write_csvs(tmp_path, session)
    rows = _raw(tmp_path / "notes.csv")
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    for col in ("text", "raw_text", "corrected_by", "file"):
        assert first[col].startswith("'"), (col, first[col])
        assert not first[col][1:].startswith("'") or text.startswith("'")
    assert first["center_y_mm"] == "-2,5"  # numbers are never prefixed
    assert dict(zip(header, rows[2], strict=True))["text"] == "Sourcing local"
    votes = _raw(tmp_path / "votes.csv")
    assert votes[1][1] == "'=1+1 « citation »"
    # reading our CSV back gives the texts exactly as session.json holds them
    assert read_csv(tmp_path / "notes.csv")[0]["text"] == text
    assert session["notes"][0]["text"] == text
    json.dumps(session)  # the session document itself is untouched
