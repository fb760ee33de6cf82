"""`capture publish` on walls read with no board: the whole loop as a user runs it (`capture
run --markerless` on a drawn wall shot twice, corrections applied, `capture run` again, then
`capture publish`) and the synthesis's section "Murs sans panneau": the notes ranked by their
stickers, what a person checked said plainly, rejected notes and stickers left out, added ones
in, the text escaped, the same wall counted once, each counted note numbered on its photo as
in the table."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import cv2
import numpy as np
import pytest
from browser import CHROMIUM, open_page
from click.testing import CliRunner
from PIL import Image
from test_markerless import _drawn_wall

from capture.cli import main

pytestmark = pytest.mark.slow  # `capture run` twice on two photos, Chromium
XSS = "<script>alert(1)</script> & co"


def _cli(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def _session(out: Path) -> dict:
    return json.loads((out / "session.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A drawn wall and a second photo of it (the camera stepped back and aside), run,
    corrected, run again, published. Returns the outputs, the session before the corrections
    and the corrections' targets."""
    tmp = tmp_path_factory.mktemp("publish_ml")
    img, _truth, _free = _drawn_wall(2.0)
    src = tmp / "in"
    src.mkdir()
    Image.fromarray(img).save(src / "mur.png")
    h, w = img.shape[:2]
    step_back = np.float32([[0.9, 0, 0.06 * w], [0, 0.9, 0.04 * h]])
    again = cv2.warpAffine(img, step_back, (w, h), borderValue=(214, 214, 206))
    Image.fromarray(again).save(src / "mur2.png")
    out = tmp / "out"
    run = ["run", str(src), "--markerless", "--out", str(out), "--jobs", "1"]
    _cli(*run)
    before = _session(out)
    ml = before["markerless"]
    by_dots = sorted(ml["notes"], key=lambda n: sum(n["dots"].values()))
    busiest, rejected, retyped = by_dots[-1], by_dots[0], by_dots[1]
    free = [d for d in ml["dots"] if d["on_note"] is None]
    targets = {"rejected": rejected, "retyped": retyped, "busiest": busiest, "free": free[0]}
    doc = {"version": 1, "workshop": before["workshop"], "author": "Camille", "corrections": [
        {"target": {"photo": retyped["photo"], "markerless": retyped["id"]},
         "set": {"text": XSS}},
        {"target": {"photo": rejected["photo"], "markerless": rejected["id"]},
         "set": {"text": "Pas un post-it"}, "false_detection": True},
        {"target": {"photo": "mur.png", "markerless": "ajout-1"}, "add": True,
         "set": {"text": "Oublié par la machine", "color": "yellow", "center": [0.9, 0.9],
                 "dots": {"red": 9}}},
        {"target": {"photo": free[0]["photo"], "dot": free[0]["center"]},
         "false_detection": True},
    ]}
    path = tmp / "corrections.json"
    path.write_text(json.dumps(doc), "utf-8")
    _cli("apply", str(out), str(path))
    assert "corrections reprises" in _cli(*run)  # read again: the corrections kept
    targets["said"] = _cli("publish", str(out), *([] if CHROMIUM.exists() else ["--no-pdf"]))
    return out, before, targets


def _rows(raw: str) -> list[list[str]]:
    body = re.search(r'<table class="ml-ranked">.*?<tbody>(.*?)</tbody>', raw, re.S).group(1)
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_synthesis_ranks_the_corrected_notes_of_walls_with_no_board(published) -> None:
    out, before, targets = published
    raw = (out / "synthese.html").read_text("utf-8")
    session = _session(out)
    ml = session["markerless"]
    # the same wall shot twice: its notes counted once, as the session says
    assert any(f["code"] == "same_wall" for f in before["markerless"]["flags"])
    assert {n["photo"] for n in ml["notes"]} == {"mur.png"}
    assert "montre le même mur que mur.png" in unescape(raw)
    assert "<h2>Murs sans panneau</h2>" in raw
    rows = _rows(raw)
    assert len(rows) == len(ml["notes"])  # the rejected note out, the added one in
    totals = [int(r[3]) for r in rows]
    assert totals == sorted(totals, reverse=True)  # ranked by the stickers received
    _n, colour, text, total, by, photo, checked = rows[0]
    assert (colour, text, total, photo) == ("jaune", "Oublié par la machine", "9", "mur.png")
    assert by == "9 rouge" and checked == "ajouté par Camille"
    busiest = targets["busiest"]
    row = next(r for r in rows if r[0] == str(1 + [x["id"] for x in ml["notes"]].index(
        busiest["id"])))
    assert int(row[3]) == sum(busiest["dots"].values()) and row[6] == "non"
    # what a person checked, and what nobody did, said plainly
    assert next(r for r in rows if r[2] == XSS)[6] == "en partie (texte), par Camille"
    unchecked = sum(r[6] == "non" for r in rows)
    assert unchecked == len(rows) - 2
    assert f"{unchecked} post-it sur {len(rows)} n'ont été vérifiés par personne" in unescape(raw)
    # the rejected note and sticker left out; text kept as text
    assert "Pas un post-it" not in unescape(raw)
    assert XSS not in raw and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in raw
    assert "<script" not in raw
    free = [d for d in ml["dots"] if d["on_note"] is None]
    before_free = [d for d in before["markerless"]["dots"] if d["on_note"] is None]
    assert len(free) == len(before_free) - 1
    shown = re.search(r'<p class="ml-free">(.*?)</p>', raw, re.S).group(1)
    assert sum(int(k) for k in re.findall(r"</span> (\d+) ", shown)) == len(free)
    assert f"{len(free)} hors post-it" in raw
    # one photo (the second shows the same notes), its counted notes numbered as in the table
    figures = re.findall(r'<figure class="ml-photo".*?</figure>', raw, re.S)
    assert len(figures) == 1 and "<figcaption>mur.png</figcaption>" in figures[0]
    assert figures[0].count("<polygon") == len(rows)
    numbers = sorted(int(k) for k in re.findall(r'class="ov-num"[^>]*>(\d+)<', figures[0]))
    assert numbers == sorted(int(r[0]) for r in rows)
    assert figures[0].count('<img src="data:image/jpeg;base64,') == 1
    assert "cliquez" not in raw and "data-ml" not in raw  # nothing of the review tool
    # no board: no board figures in the header; the reviewer named after the re-run
    header = re.search(r'<p class="sub">(.*?)</p>', raw, re.S).group(1)
    assert "panneaux" not in header and f"{len(rows)} post-it lus sans panneau" in header
    assert "relu et corrigé (Camille)" in raw
    # the command says what it published, not an empty folder of boards
    said = " ".join(targets["said"].split())
    assert f"{len(rows)} post-it lus sans panneau" in said and "panneau(x) en SVG" not in said


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_the_photo_and_its_numbers_line_up_on_screen_and_print_on_a4(published) -> None:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    out, _before, _targets = published
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "synthese.html").resolve().as_uri(), errors)
        try:
            fig = page.locator("figure.ml-photo")
            fig.scroll_into_view_if_needed()
            img = fig.locator("img").bounding_box()
            svg = fig.locator("svg.overlay").bounding_box()
            # the drawing lies exactly on the photo, which keeps its proportions
            for k in ("x", "y", "width", "height"):
                assert abs(img[k] - svg[k]) < 1.0
            assert img["width"] > 300
            ratio = img["width"] / img["height"]
            assert abs(ratio - 1400 / 840) < 0.02, ratio  # the drawn wall: 1400 x 840 px
            # a number is drawn inside its note's outline
            first = fig.locator("polygon.ov-note").first.bounding_box()
            num = fig.locator("text.ov-num").first.bounding_box()
            cx, cy = num["x"] + num["width"] / 2, num["y"] + num["height"] / 2
            assert first["x"] < cx < first["x"] + first["width"]
            assert first["y"] < cy < first["y"] + first["height"]
        finally:
            browser.close()
    assert errors == []
    text = " ".join(pg.extract_text() for pg in PdfReader(out / "synthese.pdf").pages)
    assert "Murs sans panneau" in text and "Oublié par la machine" in text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_a_sticker_on_a_note_of_the_walls_second_photo_opens_on_its_note(published) -> None:
    """The wall's second photo: its notes are counted on the first one (not in the table), its
    stickers on them can still be clicked in report.html; the dialog proposes the note it is
    on, so "Valider" with nothing changed makes no correction (it would take it off the note)."""
    from playwright.sync_api import sync_playwright

    out, _before, _targets = published
    own = json.loads((out / "photos" / "mur2.json").read_text("utf-8"))["markerless"]
    dot = next(d for d in own["dots"] if d["on_note"])
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").resolve().as_uri(), errors)
        page.set_default_timeout(5000)
        view = page.locator('.ml-view[data-photo="mur2.png"]')
        x, y = dot["center"]
        view.locator(f'circle.ml-mark[data-x="{x}"][data-y="{y}"]').click()
        dialog = page.locator("#ml-dot")
        assert dialog.locator(".ml-dot-on").input_value() == dot["on_note"]
        dialog.locator(".ml-dot-ok").click()
        assert page.locator("#corr-count").inner_text() == "0"
        browser.close()
    assert errors == []
