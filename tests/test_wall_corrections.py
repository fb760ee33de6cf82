"""Corrections of walls read with no board, on the documents themselves: a note a person
added (outline, group, marked as theirs), stickers off the notes removed, recoloured, moved
onto a note or added, the notes' counts following; the schema and the checks."""

from __future__ import annotations

import copy
import json

import pytest

from capture.app.corrections import _lost_additions, merge_corrections, schema_errors
from capture.app.wall_corrections import (
    apply_dot,
    apply_markerless,
    check_dot,
    check_markerless,
    wall_geometry,
)
from capture.core.config import CONFIG


def _note(nid: str, cx: float, cy: float, dots: dict | None = None, group: str = "g1") -> dict:
    h = 0.05  # a note of 100 px on a 1000 x 1000 photo
    return {"photo": "mur.jpg", "id": nid, "color": "yellow", "text": "idée", "confidence": 0.9,
            "dots": dots or {}, "center": [cx, cy], "group": group,
            "corners": [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h]]}


def _photo() -> dict:
    ml = {"note_side_px": 100.0,
          "notes": [_note("m01", 0.2, 0.2, {"red": 1}), _note("m02", 0.32, 0.2, {}),
                    _note("m03", 0.8, 0.8, {}, group="g2")],
          "dots": [{"photo": "mur.jpg", "color": "red", "center": [0.21, 0.18],
                    "on_note": "m01", "confidence": 0.9},
                   {"photo": "mur.jpg", "color": "green", "center": [0.5, 0.5],
                    "on_note": None, "confidence": 0.9},
                   {"photo": "mur.jpg", "color": "blue", "center": [0.6, 0.1],
                    "on_note": None, "confidence": 0.9}]}
    return {"file": "mur.jpg", "size_px": [1000, 1000], "markerless": ml}


def _geometry(doc: dict) -> dict:
    return wall_geometry([doc])


def _by_id(doc: dict) -> dict[str, dict]:
    ml = doc["markerless"]
    return {n["id"]: n for n in ml["notes"] + ml.get("rejected_notes", [])}


ADD = {"target": {"photo": "mur.jpg", "markerless": "ajout-1"}, "add": True,
       "set": {"text": "Coupé par le cadre", "color": "pink", "center": [0.44, 0.2],
               "dots": {"red": 2}}}


def test_an_added_note_gets_a_square_its_neighbours_group_and_is_marked_as_a_persons() -> None:
    doc = _photo()
    geo = _geometry(doc)
    apply_markerless(doc, ADD, "Camille", geo)
    once = copy.deepcopy(doc)
    apply_markerless(doc, ADD, "Camille", geo)
    assert doc == once  # absolute: twice changes nothing more
    n = _by_id(doc)["ajout-1"]
    assert (n["text"], n["color"], n["dots"]) == ("Coupé par le cadre", "pink", {"red": 2})
    assert n["added"] is True and n["verified"] is True and n["corrected_by"] == "Camille"
    assert "machine" not in n and n["verified_fields"] == ["center", "color", "dots", "text"]
    # a square of the photo's note side (100 px on 1000) around the click
    xs = [p[0] for p in n["corners"]]
    ys = [p[1] for p in n["corners"]]
    assert max(xs) - min(xs) == pytest.approx(0.1) and max(ys) - min(ys) == pytest.approx(0.1)
    assert n["center"] == [0.44, 0.2]
    # 120 px from m02 (a gap of 20 px, under 0.6 x side): m02's group; far from all: none
    assert n["group"] == "g1" and n["neighbours"] == ["m02"]
    far = copy.deepcopy(ADD)
    far["target"]["markerless"] = "ajout-2"
    far["set"]["center"] = [0.5, 0.95]
    apply_markerless(doc, far, "Camille", geo)
    assert _by_id(doc)["ajout-2"]["group"] == ""
    # a later edit of the added note keeps it a person's (no machine values)
    apply_markerless(doc, {"target": ADD["target"], "set": {"text": "Autre"}}, "Léa", geo)
    assert "machine" not in _by_id(doc)["ajout-1"]
    apply_markerless(doc, {"target": ADD["target"], "false_detection": True}, "Léa", geo)
    assert "ajout-1" in {x["id"] for x in doc["markerless"]["rejected_notes"]}


def test_free_dots_removed_recoloured_moved_onto_a_note_or_added() -> None:
    doc = _photo()
    geo = _geometry(doc)
    # the centre as given, or a few pixels off (a re-run), names the sticker
    move = {"target": {"photo": "mur.jpg", "dot": [0.5032, 0.4981]},
            "set": {"color": "blue", "on_note": "m02"}}
    apply_dot(doc, move, "Camille", geo)
    d = next(d for d in doc["markerless"]["dots"] if d["center"] == [0.5, 0.5])
    assert (d["color"], d["on_note"]) == ("blue", "m02")
    assert d["machine"] == {"color": "green", "on_note": None} and d["verified"] is True
    assert _by_id(doc)["m02"]["dots"] == {"blue": 1}  # the note's count follows
    once = copy.deepcopy(doc)
    apply_dot(doc, move, "Camille", geo)
    assert doc == once
    # a false one: to rejected_dots, kept; put back
    fd = {"target": {"photo": "mur.jpg", "dot": [0.6, 0.1]}, "false_detection": True}
    apply_dot(doc, fd, "Camille", geo)
    assert [d["center"] for d in doc["markerless"]["rejected_dots"]] == [[0.6, 0.1]]
    assert len(doc["markerless"]["dots"]) == 2
    apply_dot(doc, {**fd, "false_detection": False}, "Camille", geo)
    assert "rejected_dots" not in doc["markerless"] and len(doc["markerless"]["dots"]) == 3
    # missed, added by a click: inside m01's outline it counts on m01
    add = {"target": {"photo": "mur.jpg", "dot": [0.18, 0.22]}, "add": True,
           "set": {"color": "purple"}}
    apply_dot(doc, add, "Camille", geo)
    apply_dot(doc, add, "Camille", geo)
    new = [d for d in doc["markerless"]["dots"] if d.get("added")]
    assert len(new) == 1 and new[0]["on_note"] == "m01" and new[0]["color"] == "purple"
    assert _by_id(doc)["m01"]["dots"] == {"purple": 1, "red": 1}
    # nothing farther than the match distance is taken for the sticker
    stray = {"target": {"photo": "mur.jpg", "dot": [0.55, 0.5]}, "set": {"color": "red"}}
    before = copy.deepcopy(doc)
    apply_dot(doc, stray, "Camille", geo)
    assert doc == before
    assert CONFIG.report.wall_dot_match_side * 100 < 50


def test_a_count_a_person_typed_stands_whatever_the_order() -> None:
    """A sticker moved onto a note whose count a person typed leaves that count as typed,
    applied before or after it: the journal gives the same result in any order."""
    typed = {"target": {"photo": "mur.jpg", "markerless": "m02"}, "set": {"dots": {"blue": 1}}}
    move = {"target": {"photo": "mur.jpg", "dot": [0.5, 0.5]},
            "set": {"color": "blue", "on_note": "m02"}}
    results = []
    for order in ((typed, move), (move, typed)):
        doc = _photo()
        geo = _geometry(doc)
        for c in order:
            (apply_dot if "dot" in c["target"] else apply_markerless)(doc, c, "Camille", geo)
        results.append(_by_id(doc)["m02"]["dots"])
    assert results == [{"blue": 1}, {"blue": 1}]


def test_checks_and_schema() -> None:
    doc = _photo()
    session = {"markerless": copy.deepcopy(doc["markerless"])}
    geo = _geometry(doc)
    assert check_markerless(ADD, session, geo) == []
    gone = {**ADD, "target": {"photo": "autre.jpg", "markerless": "ajout-1"}}
    assert "autre.jpg" in check_markerless(gone, session, geo)[0]
    taken = {**ADD, "target": {"photo": "mur.jpg", "markerless": "m01"}}
    assert "nouvel identifiant" in check_markerless(taken, session, geo)[0]
    nowhere = {"target": ADD["target"], "add": True, "set": {"text": "x"}}
    assert "center" in check_markerless(nowhere, session, geo)[0]
    assert check_dot({"target": {"photo": "mur.jpg", "dot": [0.5, 0.5]},
                      "set": {"on_note": "m09", "color": "beige"}}, session, doc, geo) == [
        "pas de post-it 'm09' sur la photo 'mur.jpg' pour y mettre la gommette",
        "la couleur 'beige' n'est pas une couleur de gommette (red, green, blue, yellow, "
        "orange, pink, purple, unknown)"]
    assert "pas de gommette" in check_dot({"target": {"photo": "mur.jpg", "dot": [0.9, 0.1]},
                                           "false_detection": True}, session, doc, geo)[0]
    corr = {"version": 1, "workshop": "w", "corrections": [
        ADD,
        {"target": {"photo": "mur.jpg", "dot": [0.5, 0.5]}, "set": {"on_note": None}},
        {"target": {"photo": "mur.jpg", "dot": [0.18, 0.22]}, "add": True,
         "set": {"color": "red", "on_note": "m01"}},
        {"target": {"photo": "mur.jpg", "dot": [0.6, 0.1]}, "false_detection": True}]}
    assert schema_errors(corr) == []
    bad = json.loads(json.dumps(corr))
    bad["corrections"][0]["add"] = False
    bad["corrections"][1]["target"]["dot"] = [1.5, 0.5]
    bad["corrections"][2]["set"]["size"] = 3
    errors = schema_errors(bad)
    assert len(errors) == 3 and any("1.5" in e for e in errors)


def test_journal_keeps_an_addition_with_its_later_edits_and_a_lost_one_is_said() -> None:
    edit = {"target": ADD["target"], "set": {"text": "Corrigé"}}
    merged = merge_corrections([ADD], [edit])
    assert merged == [{**ADD, "set": {**ADD["set"], "text": "Corrigé"}}]
    session: dict = {"flags": []}
    doc = {"corrections": [ADD, {"target": {"photo": "mur.jpg", "dot": [0.1, 0.1]},
                                 "add": True, "set": {"color": "green"}}]}
    for _ in range(2):
        _lost_additions(doc, session, {})
    assert [f["code"] for f in session["flags"]] == ["addition_lost", "addition_lost"]
    assert "« Coupé par le cadre »" in session["flags"][0]["message"]
    assert "La gommette verte ajoutée" in session["flags"][1]["message"]  # feminine, agreed
    assert all(f["severity"] == "warning" for f in session["flags"])
    _lost_additions(doc, session := {}, {"mur.jpg": (1000.0, 1000.0, 100.0)})
    assert session == {}  # the photo is there: nothing lost
