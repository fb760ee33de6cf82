"""Corrections and the review loop on notes read with no board: text, colour, stickers per
colour and false detections, saved through `capture review` (a browser) or `capture apply`,
landing in session.json, the photo's JSON and markerless_notes.csv, and re-applied by
`capture run`."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from browser import CHROMIUM, open_page
from click.testing import CliRunner
from PIL import Image
from test_markerless import _drawn_wall

from capture.app.corrections import CorrectionsError, apply_corrections
from capture.app.review import ReviewServer
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
    server = ReviewServer(out)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser, page = open_page(p, server.url, errors)
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
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
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
