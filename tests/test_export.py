"""Outputs: schema validation of constructed results, CSV round trip, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fake_results import failed, kit, mire, photo, story, verbatim
from jsonschema import ValidationError

from capture.app.json_out import photo_to_dict, session_to_dict
from capture.interpret.merge import merge_session
from capture.io import csv_out
from capture.io.atomic import atomic_write_bytes, atomic_write_json
from capture.io.schema import errors, load_schema, validate


def _session_doc() -> dict:
    photos = [photo("IMG_0001.jpg", verbatim(), mire(), story()), failed("IMG_0002.jpg")]
    return session_to_dict(merge_session(photos, kit(), skipped=["notes.txt"]), kit())


def test_schemas_ship_in_the_package() -> None:
    for name in ("photo", "session"):
        schema = load_schema(name)
        assert schema["$schema"].endswith("2020-12/schema")
        assert set(schema["required"]) >= {"workshop"}


def test_photo_json_follows_contract_and_schema() -> None:
    doc = photo_to_dict(
        photo("IMG_0001.jpg", verbatim(), mire(), story()),
        kit(),
        crops={"mire-n00": "crops/IMG_0001/mire-n00.jpg"},
        timings={"total": 1.5},
    )
    validate(doc, "photo")
    assert doc["boards"] == ["verbatim-01", "mire", "story-environnement"]
    (v,) = doc["votes"]
    assert (v["agree"], v["disagree"]) == (4, 3)
    assert v["by_color"]["agree"] == {"red": 3, "green": 1, "blue": 0, "yellow": 0}
    assert v["by_color"]["disagree"]["unknown"] == 1
    assert v["text"].startswith("On achète toujours")
    assert [a["cell"] for a in doc["actions"]] == [
        "court terme / impact fort",
        "moyen terme / impact moyen",
    ]
    assert doc["actions"][0]["crop"] == "crops/IMG_0001/mire-n00.jpg"
    assert [n["zone"] for n in doc["notes"]] == ["valeurs", None]
    assert any(f["code"] == "low_ocr_confidence" for f in doc["flags"])
    json.dumps(doc)  # plain JSON types only


def test_grid_position_computed_from_centre_when_missing() -> None:
    board = mire(1)
    n = board.notes[0]
    gx, gy = n.x, n.y
    n.x = n.y = n.cell = None
    (a,) = photo_to_dict(photo("a.jpg", board), kit())["actions"]
    assert a["x"] == pytest.approx(gx, abs=1e-3) and a["y"] == pytest.approx(gy, abs=1e-3)


def test_failed_photo_validates_and_schema_rejects_broken_docs() -> None:
    doc = photo_to_dict(failed("IMG_0002.jpg"), kit())
    validate(doc, "photo")
    assert doc["status"] == "error" and doc["error_code"] == "unreadable_image"
    bad = dict(doc, error=None)  # an error without its sentence
    with pytest.raises(ValidationError):
        validate(bad, "photo")
    good = photo_to_dict(photo("a.jpg", verbatim()), kit())
    good["votes"][0]["agree"] = -1
    assert errors(good, "photo") and "votes/0/agree" in errors(good, "photo")[0]
    del good["notes"]
    assert any("notes" in e for e in errors(good, "photo"))


def test_session_json_schema_and_skipped() -> None:
    doc = _session_doc()
    validate(doc, "session")
    assert [p["status"] for p in doc["photos"]] == ["ok", "error"]
    assert doc["skipped"] == ["notes.txt"]
    missing = {f["board"] for f in doc["flags"] if f["code"] == "board_missing"}
    assert "verbatim-02" in missing and "mire" not in missing


def test_csv_round_trip_for_french_excel(tmp_path: Path) -> None:
    doc = _session_doc()
    paths = csv_out.write_csvs(tmp_path, doc)
    assert [p.name for p in paths] == ["votes.csv", "actions.csv", "notes.csv", "zones.csv"]
    raw = (tmp_path / "votes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert b";" in raw.splitlines()[0]
    votes = csv_out.read_csv(tmp_path / "votes.csv")
    assert votes[0]["board"] == "verbatim-01"
    assert votes[0]["text"] == doc["votes"][0]["text"]  # accents and quotes survive
    assert int(votes[0]["agree_red"]) == 3 and int(votes[0]["disagree_unknown"]) == 1
    actions = csv_out.read_csv(tmp_path / "actions.csv")
    assert len(actions) == len(doc["actions"]) == 2
    for row, a in zip(actions, doc["actions"], strict=True):
        assert "," in row["x"] or row["x"] in {"0", "1"}  # decimal comma
        assert csv_out.parse_number(row["x"]) == pytest.approx(a["x"], abs=1e-3)
        assert row["cell"] == a["cell"] and row["text"] == a["text"]
    notes = csv_out.read_csv(tmp_path / "notes.csv")
    assert [n["text"] for n in notes] == ["Sobriété", "Hors zone"]
    assert notes[1]["zone"] == ""


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.json"
    atomic_write_json(target, {"v": 1})
    atomic_write_json(target, {"v": "é" * 1000})
    assert json.loads(target.read_text("utf-8")) == {"v": "é" * 1000}
    assert os.listdir(target.parent) == ["a.json"]


def test_atomic_write_failure_keeps_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_coverage_says_unseen_not_zero(tmp_path: Path) -> None:
    # a frame 210 px wide at 1 px/mm: verbatim-01's agree zone (x 15-207 mm) in full, its
    # disagree zone (x 213-405) not at all; the mire's grid (x 115-760) 15 % across
    wide = photo("IMG_0001.jpg", verbatim(), mire())
    wide.size_px = (210, 1000)
    doc = session_to_dict(merge_session([wide], kit()), kit())
    validate(doc, "session")
    v = next(v for v in doc["votes"] if v["board"] == "verbatim-01")
    assert v["coverage"] == {"agree": 1.0, "disagree": 0.0}
    zones = {(z["board"], z["zone"]): z for z in doc["zones"]}
    assert zones[("verbatim-02", "agree")]["coverage"] == 0.0  # board on no photo
    grid = zones[("mire", "grille")]
    assert 0.12 < grid["coverage"] < 0.18
    cells = grid["cells"]
    assert len(cells) == 9 and 0.4 < cells["court terme / impact fort"] < 0.5
    assert cells["long terme / impact faible"] == 0.0
    assert all(a["zone_coverage"] == grid["coverage"] for a in doc["actions"])

    csv_out.write_csvs(tmp_path, doc)
    row = next(r for r in csv_out.read_csv(tmp_path / "votes.csv") if r["board"] == "verbatim-01")
    assert row["agree"] == "4" and row["coverage_agree"] == "1"
    assert row["disagree"] == "" and row["disagree_blue"] == ""  # unseen: no count, not 0
    assert row["coverage_disagree"] == "0"
    zrows = csv_out.read_csv(tmp_path / "zones.csv")
    assert {(r["board"], r["zone"], r["cell"]) for r in zrows} >= {
        ("verbatim-14", "disagree", ""), ("mire", "grille", "long terme / impact faible")}
    actions = csv_out.read_csv(tmp_path / "actions.csv")
    assert all(0.12 < csv_out.parse_number(a["zone_coverage"]) < 0.18 for a in actions)
