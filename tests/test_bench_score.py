"""The accuracy score is a pure function: checked on hand-made JSON with known answers."""

from __future__ import annotations

import copy

import pytest

from capture.bench.accuracy import markdown_table, score, score_session, table_rows
from capture.bench.metrics import char_edits, levenshtein, visible_edits


def _truth() -> list[dict]:
    return [
        {
            "file": "IMG_0001.jpg",
            "workshop": "w",
            "status": "ok",
            "error": None,
            "boards": ["verbatim-01", "mire"],
            "votes": [
                {
                    "board": "verbatim-01",
                    "text": "q",
                    "agree": 3,
                    "disagree": 1,
                    "by_color": {"agree": {"red": 2, "blue": 1}, "disagree": {"green": 1}},
                }
            ],
            "actions": [
                {
                    "board": "mire",
                    "zone": "grille",
                    "text": "Coût global",
                    "color": "pink",
                    "x": 0.2,
                    "y": 0.8,
                    "cell": "c",
                    "center_mm": [200.0, 200.0],
                },
                {
                    "board": "mire",
                    "zone": "grille",
                    "text": "Sourcer local",
                    "color": "yellow",
                    "x": 0.7,
                    "y": 0.3,
                    "cell": "c",
                    "center_mm": [500.0, 500.0],
                },
            ],
            "notes": [],
        },
        {
            "file": "IMG_0002.jpg",
            "workshop": "w",
            "status": "ok",
            "error": None,
            "boards": ["story-social"],
            "votes": [],
            "actions": [],
            "notes": [
                {
                    "board": "story-social",
                    "zone": "valeurs",
                    "text": "Équité",
                    "color": "green",
                    "center_mm": [100.0, 300.0],
                }
            ],
        },
    ]


def test_levenshtein_and_cer_normalisation() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert char_edits("ÉQUITÉ", "Équité") == (0, 6)  # case-insensitive
    assert char_edits("Equite", "Équité") == (2, 6)  # accents count
    assert char_edits("  coût   global ", "Coût global") == (0, 11)


def test_visible_edits_leave_out_the_hidden_letters() -> None:
    """Edits on letters a sticker hides do not count on the visible letters; misreadings
    of visible letters do, and the usual CER is unchanged."""
    truth = "Bio à la cantine"  # "à" (4) under a sticker
    assert visible_edits("Bio la cantine", truth, [4]) == (0, 13)  # the word and its space
    assert char_edits("Bio la cantine", truth) == (2, 16)
    assert visible_edits("Bxo la cantine", truth, [4]) == (1, 13)
    assert visible_edits("Bio O la cantine", truth, [4]) == (0, 13)  # a guess at it
    assert visible_edits("Bio à la cantinee", truth, [4]) == (1, 13)  # far from it
    assert visible_edits("Bio à la cantine", truth, []) == (0, 16)
    assert visible_edits("", "Bio", [0, 1, 2]) == (0, 0)


def test_perfect_prediction_scores_100_percent() -> None:
    truth = _truth()
    pred = copy.deepcopy(truth)
    for d in pred:
        d["timings_s"] = {"total": 2.0}
    s = score(pred, truth)
    assert s.boards_found_rate == 1.0 and s.boards_extra == 0
    assert s.zones == 2 and s.zones_exact_rate == 1.0 and s.zones_exact_all_colours_rate == 1.0
    assert s.colour_exact_rate("red") == 1.0 and s.mean_sticker_error == 0
    assert s.note_recall == 1.0 and s.note_precision == 1.0
    assert s.placement_mm_median == 0.0 and s.placement_grid_median == 0.0
    assert s.zone_accuracy == 1.0 and s.note_colour_accuracy == 1.0
    assert s.cer == 0.0 and s.photo_seconds_median == 2.0
    assert "| OCR character error rate | 0.0 % |" in markdown_table(s)


def test_known_errors_give_known_numbers() -> None:
    truth = _truth()
    pred = copy.deepcopy(truth)
    p1 = pred[0]
    # one agree sticker read as yellow instead of blue: total right, colours wrong
    p1["votes"][0]["by_color"]["agree"] = {"red": 2, "yellow": 1}
    # disagree: one sticker too many
    p1["votes"][0]["disagree"] = 2
    p1["votes"][0]["by_color"]["disagree"] = {"green": 2}
    # first action 3-4-5 mm off, text with 2 edits; second action missed; one spurious note
    p1["actions"][0]["center_mm"] = [203.0, 204.0]
    p1["actions"][0]["x"], p1["actions"][0]["y"] = 0.23, 0.76
    p1["actions"][0]["text"] = "Cout glob"  # ô->o (1) + "al" dropped (2) = 3 edits
    del p1["actions"][1]
    p1["notes"].append(
        {"board": "mire", "zone": None, "text": "x", "color": "blue", "center_mm": [700.0, 100.0]}
    )
    # second photo failed entirely
    pred[1] = {
        "file": "IMG_0002.jpg",
        "workshop": "w",
        "status": "error",
        "error": "boom",
        "boards": [],
        "votes": [],
        "actions": [],
        "notes": [],
    }
    s = score(pred, truth)
    assert s.photos == 2 and s.photos_failed == 1
    assert (s.boards_found, s.boards_truth) == (2, 3)
    assert s.zones == 2 and s.zones_exact == 1  # agree total right, disagree off by one
    assert s.zones_exact_all_colours == 0
    assert s.colour_exact_rate("red") == 1.0
    assert s.colour_exact_rate("blue") == 0.0 and s.colour_exact_rate("yellow") == 0.0
    assert s.colour_exact_rate("green") == 0.0
    assert s.mean_sticker_error == pytest.approx(0.5)
    assert (s.notes_truth, s.notes_pred, s.notes_matched) == (3, 2, 1)
    assert s.note_recall == pytest.approx(1 / 3) and s.note_precision == pytest.approx(1 / 2)
    assert s.placement_mm == [pytest.approx(5.0)]
    assert s.placement_grid[0] == pytest.approx(0.05)
    assert (s.ocr.edits, s.ocr.chars) == (3, 11)
    assert s.ocr_readable.rate == pytest.approx(3 / 11)  # no resolution given: counted legible
    p1["actions"][0]["source_px_per_mm"] = 1.0
    s = score(pred, truth, legible_px_per_mm=2.5)
    assert s.ocr_readable.notes == 0 and s.ocr_readable.rate is None
    assert s.cer == pytest.approx(3 / 11) and s.ocr_in_view.rate == pytest.approx(3 / 11)
    assert s.ocr_trusted.notes == 0 and s.ocr_trusted.rate is None  # no OCR confidence given
    p1["actions"][0]["ocr_confidence"] = 0.9
    assert score(pred, truth).ocr_trusted.rate == pytest.approx(3 / 11)
    p1["actions"][0]["ocr_confidence"] = 0.2  # under the engine's threshold: flagged
    p1["actions"][0]["id"] = "mire-n01"
    p1.setdefault("flags", []).append({"code": "low_ocr_confidence", "item": "mire-n01"})
    assert score(pred, truth).ocr_trusted.notes == 0
    truth[0]["actions"][0]["writing_visible"] = 0.6  # another note hides part of its text
    s = score(pred, truth)
    assert s.ocr_in_view.notes == 0 and s.cer == pytest.approx(3 / 11)


def test_session_scores_each_note_once() -> None:
    truth = {
        "notes": [
            {"board": "b", "text": "Prix juste", "center_mm": [100, 100], "writing_visible": 1.0},
            {"board": "b", "text": "Circuits courts", "center_mm": [300, 100]},
            {"board": "b", "text": "Sobriété", "center_mm": [500, 100], "writing_visible": 0.5},
        ],
        "actions": [],
    }
    pred = {
        "notes": [
            {"board": "b", "text": "Prix juste", "center_mm": [102, 99]},
            {"board": "b", "text": "Sob", "center_mm": [498, 103]},
            {"board": "b", "text": "tache", "center_mm": [900, 100]},
        ],
        "actions": [],
    }
    s = score_session(score([], []), pred, truth, note_size_mm=76)
    assert (s.session_notes_truth, s.session_notes_pred, s.session_notes_matched) == (3, 3, 2)
    assert s.session_recall == pytest.approx(2 / 3)
    assert (s.session_ocr.edits, s.session_ocr.chars) == (5, 18)  # "Sob" misses 5 of 8
    assert s.session_ocr_in_view.rate == 0.0  # the half-hidden note is left out
    assert s.session_ocr_readable.notes == 1  # no resolution given: counted legible
    assert any(r[0] == "session: OCR CER" for r in table_rows(s))
    pred["notes"][0]["best_px_per_mm"] = 1.6  # no photo saw it closer: not legible
    s = score_session(score([], []), pred, truth, note_size_mm=76)
    assert s.session_ocr_readable.notes == 0 and s.session_ocr_in_view.notes == 1
    pred["notes"][0]["best_px_per_mm"] = 2.4
    s = score_session(score([], []), pred, truth, note_size_mm=76)
    assert s.session_ocr_readable.notes == 1
    # text_hidden flags: on the half-hidden note (right), on the note in view (wrong)
    assert (s.session_hidden_truth, s.session_hidden_flagged, s.session_hidden_false) == (1, 0, 0)
    pred["notes"][0]["id"], pred["notes"][1]["id"] = "b-n01", "b-n02"
    pred["flags"] = [{"code": "text_hidden", "board": "b", "item": i} for i in ("b-n01", "b-n02")]
    s = score_session(score([], []), pred, truth, note_size_mm=76)
    assert (s.session_hidden_truth, s.session_hidden_flagged, s.session_hidden_false) == (1, 1, 1)
    assert ("session: writing hidden, flagged text_hidden", "1/1") in [r[:2] for r in table_rows(s)]


def test_notes_too_far_apart_do_not_match_and_matching_is_optimal() -> None:
    t = [
        {
            "file": "a.jpg",
            "status": "ok",
            "boards": ["b"],
            "votes": [],
            "actions": [],
            "notes": [
                {"board": "b", "zone": "z", "text": "un", "color": "pink", "center_mm": [0, 0]},
                {"board": "b", "zone": "z", "text": "deux", "color": "pink", "center_mm": [60, 0]},
            ],
        }
    ]
    p = copy.deepcopy(t)
    # swapped order, each 20 mm to the right: greedy nearest-first would pair wrongly
    p[0]["notes"] = [
        dict(t[0]["notes"][1], center_mm=[80, 0]),
        dict(t[0]["notes"][0], center_mm=[20, 0]),
    ]
    s = score(p, t, note_size_mm=76)
    assert s.notes_matched == 2 and s.ocr.edits == 0
    assert sorted(s.placement_mm) == [pytest.approx(20), pytest.approx(20)]
    p[0]["notes"][1]["center_mm"] = [40, 0]  # 40 mm > 76/2 from the truth at 0
    s = score(p, t, note_size_mm=76)
    assert s.notes_matched == 1


def test_notes_on_other_boards_never_match() -> None:
    t = [
        {
            "file": "a.jpg",
            "status": "ok",
            "boards": ["b", "c"],
            "votes": [],
            "actions": [],
            "notes": [
                {"board": "b", "zone": "z", "text": "un", "color": "pink", "center_mm": [0, 0]}
            ],
        }
    ]
    p = copy.deepcopy(t)
    p[0]["notes"][0]["board"] = "c"
    s = score(p, t)
    assert s.notes_matched == 0 and s.note_precision == 0.0 and s.note_recall == 0.0


def test_session_edits_are_sorted_by_cause() -> None:
    from capture.bench.accuracy import edit_causes

    def note(nid, text, x, **kw):
        return {"board": "b", "id": nid, "text": text, "center_mm": [x, 100], **kw}

    truth_notes = [
        note("t1", "Prix juste", 100, writing_visible=0.6),  # half under another note
        note("t2", "Sobriété", 300),  # seen only from afar
        note("t3", "Circuits", 500),  # a photo read it right, the session kept another
        note("t4", "Partage", 700),  # misread everywhere
        note("t5", "Équité", 900),  # right
    ]
    truth_photos = [{"file": "a.jpg", "notes": truth_notes, "actions": []}]
    seen = [("Prix", 3.0), ("Sobrte", 1.5), ("Circuits", 3.0), ("Partase", 3.0), ("Équité", 3.0)]
    pred_photos = [{"file": "a.jpg", "status": "ok", "actions": [], "notes": [
        note(f"p{i}", t, 100 + 200 * i, source_px_per_mm=px) for i, (t, px) in enumerate(seen)
    ]}]
    kept = ["Prix", "Sobrte", "Circuts", "Partase", "Équité"]
    pred_session = {"actions": [], "notes": [
        note(f"p{i}", t, 100 + 200 * i) for i, t in enumerate(kept)
    ]}
    truth_session = {"notes": truth_notes, "actions": []}
    s = score_session(score([], []), pred_session, truth_session)
    s = edit_causes(s, pred_photos, truth_photos, pred_session, truth_session)
    assert s.session_edit_causes == {
        "hidden": [1, 6], "small": [1, 3], "choice": [1, 1], "misread": [1, 1]
    }
    rows = {r[0].strip(): r[1] for r in table_rows(s)}
    assert rows["session edits: writing under another note in every photo"] == "6"
