"""Corrections and the review loop on notes read with no board: text, colour, stickers per
colour and false detections, saved through `capture review` (a browser) or `capture apply`,
landing in session.json, the photo's JSON and markerless_notes.csv, and re-applied by
`capture run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import CHROMIUM, open_page, served_review
from click.testing import CliRunner
from PIL import Image
from test_markerless import _drawn_wall

from capture.app.corrections import CorrectionsError, apply_corrections
from capture.cli import main
from capture.io.csv_out import read_csv

pytestmark = pytest.mark.slow  # `capture run` on a photo, a browser


def _run(src: Path, out: Path, *extra: str) -> str:
    res = CliRunner().invoke(
        main, ["run", str(src), "--markerless", "--out", str(out), "--jobs", "1", *extra]
    )
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture()
def wall(tmp_path: Path) -> tuple[Path, Path]:
    img, _truth, _free = _drawn_wall(2.0)
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(img).save(src / "mur.png")
    out = tmp_path / "out"
    output = _run(src, out)
    assert "post-its lus sans panneau" in output  # the run summary counts them
    return src, out


def _notes(out: Path) -> dict[str, dict]:
    session = json.loads((out / "session.json").read_text("utf-8"))
    ml = session["markerless"]
    return {n["id"]: n for n in ml["notes"] + ml.get("rejected_notes", [])}


def test_apply_corrects_markerless_notes_and_run_keeps_them(wall, tmp_path: Path) -> None:
    src, out = wall
    before = _notes(out)
    busiest = max(before.values(), key=lambda n: sum(n["dots"].values()))
    other = next(n for n in before.values() if n["id"] != busiest["id"])
    doc = {
        "version": 1,
        "workshop": json.loads((out / "session.json").read_text("utf-8"))["workshop"],
        "author": "Camille",
        "corrections": [
            {"target": {"photo": "mur.png", "markerless": busiest["id"]},
             "set": {"text": "Idée retenue", "color": "pink", "dots": {"red": 5}}},
            {"target": {"photo": "mur.png", "markerless": other["id"]},
             "false_detection": True},
        ],
    }
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(doc), "utf-8")
    summary = apply_corrections(out, path)
    assert summary.changed == 2

    def check() -> None:
        notes = _notes(out)
        n = notes[busiest["id"]]
        assert (n["text"], n["color"], n["dots"]) == ("Idée retenue", "pink", {"red": 5})
        assert n["machine"]["dots"] == busiest["dots"] and n["corrected_by"] == "Camille"
        assert notes[other["id"]]["false_detection"] is True
        session = json.loads((out / "session.json").read_text("utf-8"))
        assert other["id"] not in {x["id"] for x in session["markerless"]["notes"]}
        rows = read_csv(out / "markerless_notes.csv")
        assert rows[0]["id"] == busiest["id"] and rows[0]["gommettes"] == "5"
        assert rows[0]["texte"] == "Idée retenue"
        assert other["id"] not in {r["id"] for r in rows}
        photo = json.loads(next((out / "photos").glob("*.json")).read_text("utf-8"))
        assert other["id"] in {x["id"] for x in photo["markerless"]["rejected_notes"]}

    check()
    assert apply_corrections(out, path).changed == 0  # absolute: twice changes nothing more
    assert "corrections reprises" in _run(src, out)  # a re-run applies the journal again
    check()
    bad = dict(doc, corrections=[{"target": {"photo": "mur.png", "markerless": "m99"},
                                  "set": {"dots": {"beige": 1}}}])
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(CorrectionsError, match="m99") as err:
        apply_corrections(out, path)
    assert "beige" in str(err.value)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_review_edits_markerless_notes_in_the_browser(wall) -> None:
    from playwright.sync_api import sync_playwright

    _src, out = wall
    before = _notes(out)
    first, second = sorted(before)[:2]
    errors: list[str] = []
    with served_review(out) as url, sync_playwright() as p:
        browser, page = open_page(p, url, errors)
        save = page.locator("#corr-save")
        save.wait_for(state="visible")
        row = page.locator(f'.ml-row[data-ml="{first}"]')
        row.locator('textarea[data-field="text"]').fill("Une autre idée")
        row.locator('.ml-dot[data-color="purple"]').fill("3")
        assert row.locator(".ml-total").inner_text() == str(
            sum(before[first]["dots"].values()) + 3)
        page.locator(f'.ml-row[data-ml="{second}"] input[data-field="false_detection"]'
                     ).check()
        assert page.locator("#corr-count").inner_text() == "2"
        with page.expect_navigation():
            save.click()
        page.wait_for_load_state("load")
        assert page.locator("#corr-count").inner_text() == "0"
        assert page.locator(f'.ml-row[data-ml="{second}"]').get_attribute(
            "class").split().count("rejected") == 1
        # on a phone the ranked table scrolls inside itself, not the page sideways
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()
    assert errors == []
    notes = _notes(out)
    assert notes[first]["text"] == "Une autre idée"
    assert notes[first]["dots"] == {**before[first]["dots"], "purple": 3}
    assert notes[second].get("false_detection") is True
    journal = json.loads((out / "corrections.json").read_text("utf-8"))
    assert len(journal["corrections"]) == 2


def test_flags_of_walls_read_with_no_board_are_listed_and_linked_to_their_rows() -> None:
    """A note's flag (here its colour in doubt) is listed in "À vérifier" with a link to its
    row in "Murs sans panneau", and counts as dealt with once the note is verified."""
    from capture.app.markerless_report import row_anchor
    from capture.app.report import _markerless_flags

    flag = {"code": "light_uncertain", "severity": "warning", "item": "m02",
            "message": "La couleur du post-it m02 dépend de la lumière de la photo"}
    doc = {"file": "IMG 1.jpg", "markerless": {"flags": [flag, {**flag, "item": "m03"}]}}
    out = _markerless_flags(doc, {("IMG 1.jpg", "m03")}, lambda f, file: f["message"])
    assert [f["anchor"] for f in out] == ["ml-IMG_1_jpg-m02", "ml-IMG_1_jpg-m03"]
    assert out[0]["anchor"] == row_anchor("IMG 1.jpg", "m02")
    assert [f["resolved"] for f in out] == [False, True]
    assert out[0]["severity"] == "warning" and out[0]["file"] == "IMG 1.jpg"
    assert not any(f["checkable"] for f in out)  # dealt with by correcting the row


def _doc(out: Path, corrections: list[dict]) -> dict:
    workshop = json.loads((out / "session.json").read_text("utf-8"))["workshop"]
    return {"version": 1, "workshop": workshop, "author": "Camille", "corrections": corrections}


def _wall(out: Path) -> tuple[dict, dict]:
    """The session's markerless block and the photo JSON's."""
    session = json.loads((out / "session.json").read_text("utf-8"))
    photo = json.loads(next((out / "photos").glob("*.json")).read_text("utf-8"))
    return session.get("markerless") or {}, photo["markerless"]


def test_added_notes_and_free_dot_fixes_reach_every_output_and_outlive_reruns(
        wall, tmp_path: Path) -> None:
    src, out = wall
    ml, _own = _wall(out)
    free = [d for d in ml["dots"] if d["on_note"] is None]
    assert len(free) >= 3
    target = min(ml["notes"], key=lambda n: sum(n["dots"].values()))
    before = dict(target["dots"])
    doc = _doc(out, [  # a sticker put on the note added after it: the order does not matter
        {"target": {"photo": "mur.png", "dot": free[2]["center"]}, "set": {"on_note": "ajout-1"}},
        {"target": {"photo": "mur.png", "markerless": "ajout-1"}, "add": True,
         "set": {"text": "Coupé par le cadre", "color": "pink", "center": [0.9, 0.9],
                 "dots": {"red": 6}}},
        {"target": {"photo": "mur.png", "dot": free[0]["center"]},
         "set": {"color": "purple", "on_note": target["id"]}},
        {"target": {"photo": "mur.png", "dot": free[1]["center"]}, "false_detection": True},
        {"target": {"photo": "mur.png", "dot": [0.95, 0.05]}, "add": True,
         "set": {"color": "orange", "on_note": "ajout-2"}},
        {"target": {"photo": "mur.png", "markerless": "ajout-2"}, "add": True,
         "set": {"text": "En haut", "color": "yellow", "center": [0.93, 0.08]}},
    ])
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert apply_corrections(out, path).changed == 6

    def check() -> None:
        for block in _wall(out):  # the session and the photo's JSON
            notes = {n["id"]: n for n in block["notes"]}
            added = notes["ajout-1"]
            assert added["added"] and added["verified"] and added["corrected_by"] == "Camille"
            assert "machine" not in added and added["dots"] == {"red": 6}
            assert notes[target["id"]]["dots"] == {**before, "purple": 1}
            moved = next(d for d in block["dots"] if d["center"] == free[0]["center"])
            assert moved["on_note"] == target["id"] and moved["color"] == "purple"
            assert [d["center"] for d in block["rejected_dots"]] == [free[1]["center"]]
            onto = next(d for d in block["dots"] if d["center"] == free[2]["center"])
            assert onto["on_note"] == "ajout-1"  # its typed count (6) stands
            assert any(d.get("added") and d["color"] == "orange" for d in block["dots"])
            assert notes["ajout-2"]["dots"] == {"orange": 1}  # counted, added after it
        rows = read_csv(out / "markerless_notes.csv")
        assert rows[0]["id"] == "ajout-1" and rows[0]["gommettes"] == "6"  # ranked first
        assert rows[0]["texte"] == "Coupé par le cadre" and rows[0]["groupe"] == ""
        dots = read_csv(out / "markerless_dots.csv")
        assert len(dots) == len(ml["dots"])  # one removed, one added
        assert sum(d["couleur"] == "orange" and d["post_it"] == "ajout-2" for d in dots) == 1
        html = (out / "report.html").read_text("utf-8")
        assert "Coupé par le cadre" in html and 'data-ml="ajout-1"' in html

    check()
    assert apply_corrections(out, path).changed == 0
    assert "corrections reprises" in _run(src, out, "--resume")
    check()
    assert "corrections reprises" in _run(src, out)  # the photo read again
    check()
    # the photo gone (renamed): its additions are said, in the run and in "À vérifier"
    (src / "mur.png").rename(src / "autre.png")
    output = _run(src, out)
    assert "sans objet" in output
    session = json.loads((out / "session.json").read_text("utf-8"))
    lost = [f for f in session["flags"] if f["code"] == "addition_lost"]
    assert len(lost) == 3 and "Coupé par le cadre" in lost[0]["message"]
    assert "sans objet" in output
    assert "Coupé par le cadre" in (out / "report.html").read_text("utf-8")
    assert "ajout-1" in (out / "corrections.json").read_text("utf-8")  # nothing is lost
    # a person ticks that point: the tick outlives the next run too
    tick = {"target": {"flag": "addition_lost", "board": None, "zone": None, "item": "ajout-1"},
            "checked": True}
    path.write_text(json.dumps(_doc(out, [tick])), "utf-8")
    assert apply_corrections(out, path).changed == 1
    _run(src, out, "--resume")
    session = json.loads((out / "session.json").read_text("utf-8"))
    (flag,) = [f for f in session["flags"] if f.get("item") == "ajout-1"]
    assert flag["resolved"] is True and flag["checked_by"] == "Camille"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_review_adds_a_missed_note_and_fixes_free_dots_in_the_browser(wall, tmp_path) -> None:
    """Static page: click the photo to add a note, download, `capture apply`; served page:
    add a missed sticker, move a free one onto a note, save into the folder."""
    from playwright.sync_api import sync_playwright

    _src, out = wall
    ml, _own = _wall(out)
    free = [d for d in ml["dots"] if d["on_note"] is None]
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        view = page.locator(".ml-view").first
        view.locator('.add-note[data-kind="wall-note"] .add-toggle').click()
        fig = view.locator("figure.photo-stage")
        fig.scroll_into_view_if_needed()
        box = fig.bounding_box()
        page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.85 * box["height"])
        assert page.locator("#lightbox").is_hidden()  # the click placed it, no zoom
        form = view.locator('.add-note[data-kind="wall-note"] .add-form')
        form.locator(".add-text").fill("Post-it flou")
        form.locator(".add-colour").select_option("orange")
        form.locator('.add-dot[data-color="blue"]').fill("2")
        form.locator(".add-ok").click()
        assert view.locator("svg .ov-note.pending").count() == 1  # drawn where it was put
        assert "Post-it flou" in view.locator(".add-list").first.inner_text()
        with page.expect_download() as dl:
            page.locator("#corr-download").click()
        path = tmp_path / "corrections.json"
        dl.value.save_as(path)
        browser.close()
    doc = json.loads(path.read_text("utf-8"))
    (added,) = doc["corrections"]
    assert added["add"] is True and added["set"]["text"] == "Post-it flou"
    assert added["set"]["center"] == pytest.approx([0.8, 0.85], abs=0.01)
    res = CliRunner().invoke(main, ["apply", str(out), str(path)])
    assert res.exit_code == 0, res.output
    new = next(n for n in _wall(out)[0]["notes"] if n.get("added"))
    assert (new["text"], new["color"], new["dots"]) == ("Post-it flou", "orange", {"blue": 2})

    with served_review(out) as url, sync_playwright() as p:
        browser, page = open_page(p, url, errors)
        page.locator("#corr-save").wait_for(state="visible")
        view = page.locator(".ml-view").first
        assert view.locator("polygon.ov-note.added").count() == 1  # the note added above
        x, y = free[0]["center"]
        dot = view.locator(f'circle.ml-mark[data-x="{x}"][data-y="{y}"]')
        dot.click()
        dialog = page.locator("#ml-dot")
        dialog.locator('.recolour-choices button[data-color="yellow"]').click()
        dialog.locator(".ml-dot-on").select_option(new["id"])
        dialog.locator(".ml-dot-ok").click()
        # the note's row counts the sticker at once
        row = page.locator(f'.ml-row[data-ml="{new["id"]}"]')
        assert row.locator('.ml-dot[data-color="yellow"]').input_value() == "1"
        view.locator('.add-note[data-kind="wall-dot"] .add-toggle').click()
        fig = view.locator("figure.photo-stage")
        fig.scroll_into_view_if_needed()
        box = fig.bounding_box()  # mid-height: the sticky header may cover the top
        page.mouse.click(box["x"] + 0.97 * box["width"], box["y"] + 0.45 * box["height"])
        dform = view.locator('.add-note[data-kind="wall-dot"] .add-form')
        dform.locator(".add-colour").select_option("green")
        dform.locator(".add-ok").click()
        assert page.locator("#corr-count").inner_text() == "3"  # two stickers, one row
        with page.expect_navigation():
            page.locator("#corr-save").click()
        page.wait_for_load_state("load")
        assert page.locator("#corr-count").inner_text() == "0"
        browser.close()
    assert errors == []
    block, own = _wall(out)
    for b in (block, own):
        note = next(n for n in b["notes"] if n["id"] == new["id"])
        assert note["dots"] == {"blue": 2, "yellow": 1}
        moved = next(d for d in b["dots"] if d["center"] == [x, y])
        assert (moved["color"], moved["on_note"]) == ("yellow", new["id"])
        assert any(d.get("added") and d["color"] == "green" and d["on_note"] is None
                   for d in b["dots"])
    # the journal: one entry for the added note (its row's new count merged into it), one
    # for each sticker; a re-run makes the note again with its latest values
    journal = json.loads((out / "corrections.json").read_text("utf-8"))["corrections"]
    assert len(journal) == 3
    entry = next(c for c in journal if c["target"].get("markerless") == new["id"])
    assert entry["add"] is True and entry["set"]["dots"] == {"blue": 2, "yellow": 1}


def _on_notes(ml: dict) -> list[dict]:
    """The stickers on notes, one per note (the first listed), notes with most stickers first."""
    per: dict[str, dict] = {}
    for d in ml["dots"]:
        if d["on_note"]:
            per.setdefault(d["on_note"], d)
    counts = {n["id"]: sum(n["dots"].values()) for n in ml["notes"]}
    return sorted(per.values(), key=lambda d: -counts[d["on_note"]])


def _minus(dots: dict, colour: str) -> dict:
    out = dict(dots, **{colour: dots.get(colour, 0) - 1})
    return {c: n for c, n in out.items() if n > 0}


def test_stickers_on_notes_corrected_reach_every_output_and_outlive_reruns(
        wall, tmp_path: Path) -> None:
    """A sticker on a note (a letter's loop read as a dot, a pin, a wrong colour) is corrected
    like a free one, named by its centre: recoloured, moved onto another note, taken off the
    notes, not a sticker. The notes' counts follow in session.json, the photo's JSON and the
    CSV, a re-run keeps it, and the rebuilt report draws each one clickable again, on its new
    note and in its new colour (before the 38th stop a sticker on a note could not be clicked
    at all: it was corrected only by retyping the note's counts)."""
    src, out = wall
    ml, _own = _wall(out)
    a, b, c, d = _on_notes(ml)[:4]
    empty = next(n["id"] for n in ml["notes"] if not n["dots"])
    new = "purple" if a["color"] != "purple" else "orange"
    counts = {n["id"]: dict(n["dots"]) for n in ml["notes"]}
    expected = dict(counts)
    expected[a["on_note"]] = {**_minus(counts[a["on_note"]], a["color"]),
                              new: counts[a["on_note"]].get(new, 0) + 1}
    expected[b["on_note"]] = _minus(counts[b["on_note"]], b["color"])
    expected[empty] = {b["color"]: 1}
    expected[c["on_note"]] = _minus(counts[c["on_note"]], c["color"])
    expected[d["on_note"]] = _minus(counts[d["on_note"]], d["color"])
    doc = _doc(out, [
        {"target": {"photo": "mur.png", "dot": a["center"]}, "set": {"color": new}},
        {"target": {"photo": "mur.png", "dot": b["center"]}, "set": {"on_note": empty}},
        {"target": {"photo": "mur.png", "dot": c["center"]}, "set": {"on_note": None}},
        {"target": {"photo": "mur.png", "dot": d["center"]}, "false_detection": True},
    ])
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert apply_corrections(out, path).changed == 4

    def check() -> None:
        for block in _wall(out):  # the session and the photo's JSON
            assert {n["id"]: n["dots"] for n in block["notes"]} == expected
            at = {tuple(x["center"]): x for x in block["dots"]}
            assert (at[tuple(a["center"])]["color"], at[tuple(a["center"])]["on_note"]) == (
                new, a["on_note"])
            assert at[tuple(b["center"])]["on_note"] == empty
            assert at[tuple(c["center"])]["on_note"] is None
            assert [x["center"] for x in block["rejected_dots"]] == [d["center"]]
        rows = {r["id"]: r for r in read_csv(out / "markerless_notes.csv")}
        assert rows[empty]["gommettes"] == "1"
        html = (out / "report.html").read_text("utf-8")
        for x, colour, on in ((a, new, a["on_note"]), (b, b["color"], empty)):
            mark = html.split(f'data-x="{x["center"][0]}" data-y="{x["center"][1]}"')
            assert len(mark) == 2  # drawn once, clickable, as corrected
            assert f'data-color="{colour}" data-on="{on}"' in mark[1][:80]
            assert "ml-mark" in mark[0][-300:] and "sur le post-it n°" in mark[1][:400]

    check()
    assert apply_corrections(out, path).changed == 0  # absolute: twice changes nothing more
    assert "corrections reprises" in _run(src, out, "--resume")
    check()
    assert "corrections reprises" in _run(src, out)  # the photo read again
    check()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_review_corrects_a_sticker_on_a_note_by_clicking_it(wall, tmp_path: Path) -> None:
    """Click a sticker on a note: the dialog proposes its note; recolour it, and mark another
    one "pas une gommette": the notes' rows count it at once (and again after a reload), the
    download holds the two sticker corrections only (the machine's counts follow them, no
    count is sent as typed), and applies."""
    from playwright.sync_api import sync_playwright

    _src, out = wall
    ml, _own = _wall(out)
    a, b = _on_notes(ml)[:2]
    new = "purple" if a["color"] != "purple" else "orange"
    before = {n["id"]: dict(n["dots"]) for n in ml["notes"]}
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        view = page.locator(".ml-view").first
        dialog = page.locator("#ml-dot")

        def row_count(note: str, colour: str) -> int:
            row = page.locator(f'.ml-row[data-ml="{note}"]')
            return int(row.locator(f'.ml-dot[data-color="{colour}"]').input_value())

        x, y = a["center"]
        view.locator(f'circle.ml-mark[data-x="{x}"][data-y="{y}"]').click()
        assert dialog.is_visible()
        assert dialog.locator(".ml-dot-on").input_value() == a["on_note"]  # its note
        dialog.locator(f'.recolour-choices button[data-color="{new}"]').click()
        dialog.locator(".ml-dot-ok").click()
        assert row_count(a["on_note"], a["color"]) == before[a["on_note"]][a["color"]] - 1
        assert row_count(a["on_note"], new) == before[a["on_note"]].get(new, 0) + 1
        x, y = b["center"]
        view.locator(f'circle.ml-mark[data-x="{x}"][data-y="{y}"]').click()
        dialog.locator(".ml-dot-fd").check()
        dialog.locator(".ml-dot-ok").click()
        assert row_count(b["on_note"], b["color"]) == before[b["on_note"]][b["color"]] - 1
        assert "pas une gommette" in view.locator(".add-list").last.inner_text()
        # two sticker corrections, no typed count: the machine's counts follow them
        assert page.locator("#corr-count").inner_text() == "2"
        page.reload()  # kept in the browser: the rows show the clicked stickers again
        assert row_count(b["on_note"], b["color"]) == before[b["on_note"]][b["color"]] - 1
        assert row_count(a["on_note"], new) == before[a["on_note"]].get(new, 0) + 1
        assert page.locator("#corr-count").inner_text() == "2"
        with page.expect_download() as dl:
            page.locator("#corr-download").click()
        path = tmp_path / "corrections.json"
        dl.value.save_as(path)
        browser.close()
    assert errors == []
    assert all("dot" in c["target"] for c in json.loads(path.read_text("utf-8"))["corrections"])
    res = CliRunner().invoke(main, ["apply", str(out), str(path)])
    assert res.exit_code == 0, res.output
    assert not any("dots" in n.get("verified_fields", []) for n in _wall(out)[0]["notes"])
    notes = {n["id"]: n["dots"] for n in _wall(out)[0]["notes"]}
    assert notes[a["on_note"]] == {**_minus(before[a["on_note"]], a["color"]),
                                   new: before[a["on_note"]].get(new, 0) + 1}
    assert notes[b["on_note"]] == _minus(before[b["on_note"]], b["color"])


def test_a_photo_gone_and_a_wall_maybe_shot_twice_are_said_plainly(wall) -> None:
    """The photo moved away after the run: report.html and synthese.html say "Photo
    introuvable" above the outlines drawn over nothing (the report with where it was read). A
    wall maybe shot twice: the synthesis tells its readers what was counted, not the
    reviewer's "vérifiez qu'il n'y a pas de doublon"."""
    from capture.app.markerless_out import _flag_dict
    from capture.core.model import Finding

    src, out = wall
    session = json.loads((out / "session.json").read_text("utf-8"))
    flag = _flag_dict(Finding("maybe_same_wall", "", {"first": "autre.png", "count": 4},
                              item="mur.png"))
    assert "vérifiez" in flag["message"]  # the reviewer's sentence, in session.json
    session["markerless"]["flags"].append(flag)
    (out / "session.json").write_text(json.dumps(session), "utf-8")
    (src / "mur.png").unlink()
    for asset in (out / "report_assets").glob("mur*"):
        asset.unlink()
    assert "rapport" in CliRunner().invoke(main, ["report", str(out)]).output
    report = (out / "report.html").read_text("utf-8")
    assert "Photo introuvable : mur.png</strong> n'est plus à " + str(src / "mur.png") in report
    res = CliRunner().invoke(main, ["publish", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    synthesis = (out / "synthese.html").read_text("utf-8")
    assert "Photo introuvable : mur.png n'a pas pu être jointe" in synthesis
    assert "mur.png et autre.png ont 4 post-it semblables" in synthesis
    assert "peut-être le même mur photographié deux fois" in synthesis
    assert "doublon" not in synthesis
