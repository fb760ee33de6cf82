"""Session merge: a board seen twice counts once (best view), disagreement and absence flagged."""

from __future__ import annotations

import dataclasses

import numpy as np
from fake_results import failed, kit, mire, photo, story, verbatim

from capture.app.json_out import session_to_dict
from capture.core.model import OcrLine
from capture.interpret.merge import merge_session
from capture.io.schema import validate


def _flags(session, code):
    return [f for f in session.flags if f.code == code]


def test_board_seen_twice_counted_once_best_view_wins() -> None:
    a = photo("A.jpg", verbatim(markers=2, err=0.3, agree={"red": 5}))
    b = photo("B.jpg", verbatim(markers=4, err=1.2, agree={"red": 5}))
    s = merge_session([a, b], kit())
    assert list(s.boards) == ["verbatim-01"]
    assert s.boards["verbatim-01"].file == "B.jpg"  # more markers beats lower error
    assert s.views["verbatim-01"] == ["B.jpg", "A.jpg"]
    assert not _flags(s, "views_disagree")
    doc = session_to_dict(s, kit())
    assert len(doc["votes"]) == 1 and doc["votes"][0]["agree"] == 5
    assert doc["votes"][0]["views"] == 2 and doc["votes"][0]["file"] == "B.jpg"


def test_ties_broken_by_error_then_visible_fraction_then_flags() -> None:
    lo = photo("lo.jpg", verbatim(err=0.2))
    hi = photo("hi.jpg", verbatim(err=2.0))
    assert merge_session([hi, lo], kit()).boards["verbatim-01"].file == "lo.jpg"
    part = photo("part.jpg", verbatim(err=0.3, visible=0.6))
    full = photo("full.jpg", verbatim(err=0.5, visible=1.0))  # within the 0.5 mm tie
    assert merge_session([part, full], kit()).boards["verbatim-01"].file == "full.jpg"
    m1, m2 = mire(), mire()
    m2.flags = []
    s = merge_session([photo("flagged.jpg", m1), photo("clean.jpg", m2)], kit())
    assert s.boards["mire"].file == "clean.jpg"


def test_views_disagree_on_votes_and_on_note_count() -> None:
    a = photo("A.jpg", verbatim(agree={"red": 5}), mire(2))
    b = photo("B.jpg", verbatim(agree={"red": 4}, err=0.9), mire(1, err=0.9))
    s = merge_session([a, b], kit())
    flagged = {f.board: f for f in _flags(s, "views_disagree")}
    assert set(flagged) == {"verbatim-01", "mire"}
    assert "A.jpg" in flagged["verbatim-01"].message and "B.jpg" in flagged["mire"].message
    assert all(f.severity == "warning" for f in flagged.values())


def test_board_missing_and_failed_photos() -> None:
    s = merge_session([photo("A.jpg", story()), failed("B.jpg")], kit())
    missing = {f.board: f.severity for f in _flags(s, "board_missing")}
    expected = {b.id for b in kit().boards} - {"story-environnement"}
    assert set(missing) == expected
    assert missing["calibration"] == "info" and missing["mire"] == "warning"
    assert [p.file for p in s.photos] == ["A.jpg", "B.jpg"]


def test_session_order_follows_workshop() -> None:
    s = merge_session([photo("A.jpg", verbatim("verbatim-03"), story(), mire())], kit())
    order = [b.id for b in kit().boards]
    assert list(s.boards) == sorted(s.boards, key=order.index)


def test_note_text_comes_from_the_view_that_read_it_best() -> None:
    wide, close = mire(2), mire(2, err=0.9)  # the wide shot is the better-registered view
    wide.notes[0].text, wide.notes[0].ocr_confidence = "Acfion O", 0.31
    close.notes[0].text, close.notes[0].ocr_confidence = "Action 0", 0.86
    close.notes[0].ocr_lines = (OcrLine("Action 0", 0.86, ((5, 9), (50, 9), (50, 21), (5, 21))),)
    close.notes[0].id = "mire-n07"  # ids are per photo
    close.notes[1].ocr_confidence = 0.2  # read worse there: the chosen view's text stays
    s = merge_session([photo("wide.jpg", wide), photo("close.jpg", close)], kit())
    assert s.boards["mire"].file == "wide.jpg"
    assert set(s.readings) == {("mire", "mire-n00")}
    r = s.readings[("mire", "mire-n00")]
    assert (r.file, r.note, r.text, r.ocr_confidence) == ("close.jpg", "mire-n07", "Action 0", 0.86)
    crops = {"close.jpg": {"mire-n07": "crops/close/mire-n07.jpg"}}
    doc = session_to_dict(s, kit(), crops=crops)
    first, second = sorted(doc["actions"], key=lambda a: a["id"])
    assert first["text"] == "Action 0" and first["ocr_confidence"] == 0.86
    assert first["file"] == "wide.jpg" and first["id"] == "mire-n00"  # still the chosen view's
    assert first["text_from"] == {
        "file": "close.jpg",
        "id": "mire-n07",
        "crop": "crops/close/mire-n07.jpg",
        "text": "Acfion O",
        "ocr_confidence": 0.31,
    }
    assert first["lines"] == [  # the lines read in close.jpg, boxes in its crop
        {"text": "Action 0", "confidence": 0.86, "box": [[5, 9], [50, 9], [50, 21], [5, 21]]}
    ]
    assert "text_from" not in second and second["text"] == "Action 1"
    validate(doc, "session")


def test_views_reading_alike_outvote_one_confident_misreading() -> None:
    views = [mire(1), mire(1, err=0.9), mire(1, err=1.2)]  # views[0] is the chosen one
    read = [("Achats grouqés", 0.9), ("Achats groupés", 0.8), ("Achats groupés", 0.75)]
    for v, (text, conf) in zip(views, read, strict=True):
        v.notes[0].text, v.notes[0].ocr_confidence = text, conf
    files = ["wide.jpg", "a.jpg", "b.jpg"]
    s = merge_session([photo(f, v) for f, v in zip(files, views, strict=True)], kit())
    r = s.readings[("mire", "mire-n00")]
    assert (r.file, r.text) == ("a.jpg", "Achats groupés")  # the more confident of the two
    # readings far less confident than the best do not vote
    views[1].notes[0].ocr_confidence = views[2].notes[0].ocr_confidence = 0.6
    s = merge_session([photo(f, v) for f, v in zip(files, views, strict=True)], kit())
    assert ("mire", "mire-n00") not in s.readings


def test_a_wide_shot_does_not_outread_a_legible_view() -> None:
    # the chosen view is a wide shot (1.2 photo px per board mm): its confident reading of
    # few-pixel handwriting loses to the one legible view, however less confident
    views = [mire(1), mire(1, err=0.9)]
    for v, scale in zip(views, (1.2, 2.5), strict=True):
        v.fit = dataclasses.replace(v.fit, homography=np.diag([scale, scale, 1.0]))
    read = [("Ahats grques", 0.9), ("Achats groupés", 0.5)]
    for v, (text, conf) in zip(views, read, strict=True):
        v.notes[0].text, v.notes[0].ocr_confidence = text, conf
    s = merge_session([photo("wide.jpg", views[0]), photo("close.jpg", views[1])], kit())
    r = s.readings[("mire", "mire-n00")]
    assert (r.file, r.text) == ("close.jpg", "Achats groupés")
    # when no view is legible, the confidence decides as before
    views[1].fit = dataclasses.replace(views[1].fit, homography=np.diag([1.4, 1.4, 1.0]))
    s = merge_session([photo("wide.jpg", views[0]), photo("close.jpg", views[1])], kit())
    assert ("mire", "mire-n00") not in s.readings


def test_a_neighbouring_note_never_lends_its_text() -> None:
    wide, close = mire(2), mire(2, err=0.9)
    close.notes = [close.notes[1]]  # only the other note is in the close-up
    close.notes[0].ocr_confidence = 0.99
    s = merge_session([photo("wide.jpg", wide), photo("close.jpg", close)], kit())
    assert ("mire", "mire-n00") not in s.readings


def test_notes_the_chosen_view_lacks_come_from_the_other_views() -> None:
    wide, close, third = mire(2), mire(2, err=0.9), mire(2, err=0.8)
    wide.notes = wide.notes[:1]  # the chosen view shows (or finds) only the first note
    s = merge_session(
        [photo("wide.jpg", wide), photo("close.jpg", close), photo("third.jpg", third)], kit()
    )
    assert s.boards["mire"].file == "wide.jpg"
    # the second note lies in the chosen photo's frame: two other photos found it there
    (extra,) = s.extras["mire"]
    assert extra.file == "third.jpg" and [n.id for n in extra.result.notes] == ["mire-n01"]
    doc = session_to_dict(s, kit())
    assert [(a["file"], a["id"], a.get("other_view")) for a in doc["actions"]] == [
        ("wide.jpg", "mire-n00", None),
        ("third.jpg", "mire-n01", True),
    ]
    validate(doc, "session")
    # found by one other photo only, where the chosen photo looked: not added
    s = merge_session([photo("wide.jpg", wide), photo("close.jpg", close)], kit())
    assert not s.extras
    # ... unless the chosen photo did not see that place (outside its frame)
    small = photo("wide.jpg", wide)
    small.size_px = (int(wide.notes[0].center_mm[0]) + 100, 3000)
    s = merge_session([small, photo("close.jpg", close)], kit())
    assert [n.id for v in s.extras["mire"] for n in v.result.notes] == ["mire-n01"]


def test_notes_no_photo_shows_legibly_ask_for_a_closer_retake() -> None:
    # a wide shot (1.2 px/mm) and a close-up (2.5 px/mm) that found only the first note
    wide, close = mire(2), mire(2, err=0.9)
    close.notes = close.notes[:1]
    for v, scale in ((wide, 1.2), (close, 2.5)):
        v.fit = dataclasses.replace(v.fit, homography=np.diag([scale, scale, 1.0]))
    s = merge_session([photo("wide.jpg", wide), photo("close.jpg", close)], kit())
    assert s.boards["mire"].file == "wide.jpg"
    (flag,) = _flags(s, "text_too_small")
    assert flag.board == "mire" and flag.severity == "warning"
    assert flag.message.startswith("1 post-it du panneau") and "1.2 px/mm" in flag.message
    doc = session_to_dict(s, kit())
    validate(doc, "session")
    assert [(a["id"], a["best_px_per_mm"]) for a in doc["actions"]] == [
        ("mire-n00", 2.5),  # the close-up saw it legibly
        ("mire-n01", 1.2),
    ]
    # the close-up of the whole board: nothing to retake
    close.notes = mire(2).notes
    s = merge_session([photo("wide.jpg", wide), photo("close.jpg", close)], kit())
    assert not _flags(s, "text_too_small")


def test_note_under_another_in_every_photo_is_flagged_text_hidden() -> None:
    # note n00 is under another note in both photos: part of its writing no photo shows
    a, b = mire(2), mire(2, err=0.9)
    for v, share in ((a, 0.3), (b, 0.25)):
        v.notes[0].covered, v.notes[0].covered_by = share, ("mire-n09",)
    b.notes[1].covered = 0.4  # n01 covered in one photo only: the other one shows it whole
    s = merge_session([photo("A.jpg", a), photo("B.jpg", b)], kit())
    (flag,) = _flags(s, "text_hidden")
    assert (flag.board, flag.item, flag.severity) == ("mire", "mire-n00", "warning")
    assert "A.jpg, B.jpg" in flag.message and "25%" in flag.message
    validate(session_to_dict(s, kit()), "session")
    # under the note_covered threshold in one photo: that photo may show the writing
    b.notes[0].covered = 0.05
    assert not _flags(merge_session([photo("A.jpg", a), photo("B.jpg", b)], kit()), "text_hidden")
