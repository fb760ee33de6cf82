"""The reviewer's and the facilitator's last mile, as they meet it in Chromium and in the
published synthesis: a photo gone since the run is said plainly on a board photo as on a wall
read with no board, and nothing over it opens a dialog over nothing (no enlargement, no sticker
dialog, no addition placed blind: its notes are corrected in the table); a wall nobody put a
sticker on is published as such, not as "du plus au moins choisi : 0 gommette(s)"."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from browser import CHROMIUM, open_page
from click.testing import CliRunner
from PIL import Image
from report_fixture import build_outputs
from test_markerless import _drawn_wall

from capture.cli import main

pytestmark = [
    pytest.mark.slow,  # `capture run` on a drawn wall, Chromium
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]


def _cli(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def _run_wall(tmp: Path, stickers: bool = True, portrait: bool = False) -> tuple[Path, Path]:
    img, _truth, _free = _drawn_wall(2.0, stickers=stickers)
    src = tmp / "in"
    src.mkdir()
    if portrait:  # the notes on a wall taller than wide, shot upright
        Image.fromarray(np.ascontiguousarray(np.rot90(img))).save(src / "haut.png")
    else:
        Image.fromarray(img).save(src / "mur.png")
    out = tmp / "out"
    _cli("run", str(src), "--markerless", "--out", str(out), "--jobs", "1")
    return src, out


@pytest.fixture(scope="module")
def wall_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drawn wall with stickers (mur.png), run --markerless."""
    return _run_wall(tmp_path_factory.mktemp("last_mile"))[1]


def _copy(out: Path, tmp: Path) -> Path:
    dst = tmp / "out"
    shutil.copytree(out, dst)
    return dst


def _download(page, path: Path) -> Path:
    """The page's corrections downloaded (its download button) to `path`."""
    with page.expect_download() as dl:
        page.locator("#corr-download").click()
    dl.value.save_as(path)
    return path


def _rewrite_kept_edits(page, fields: dict[str, str]) -> None:
    """Every correction the page keeps in the browser's storage made to set `fields` (a
    later edit the page's own forms cannot make on a pending addition)."""
    page.evaluate("""(fields) => {
        const k = Object.keys(localStorage).find(k => k.startsWith("wall-capture:"));
        const s = JSON.parse(localStorage.getItem(k));
        for (const c of Object.values(s.edits)) { Object.assign(c.set, fields); }
        localStorage.setItem(k, JSON.stringify(s));
    }""", fields)


def _add_on_wall(page, kind: str, text: str | None = None, colour: str | None = None):
    """A note ("wall-note", with its text) or a free sticker ("wall-dot", on no note) added at
    the top left of the wall photo mur.png by the page's own form (colour: the form's
    default when None); the photo's drawing."""
    view = page.locator('.ml-view[data-photo="mur.png"]')
    add = view.locator(f'.add-note[data-kind="{kind}"]')
    add.locator(".add-toggle").click()
    view.locator(".photo-stage").click(position={"x": 20, "y": 20})
    if text is not None:
        add.locator(".add-text").fill(text)
    if colour is not None:
        add.locator(".add-colour").select_option(colour)
    if kind == "wall-dot":
        add.locator(".add-on").select_option("")
    add.locator(".add-ok").click()
    return view


def _add_on_process_board(page, text: str, colour: str | None = None):
    """A missed note added on the straightened process board (at 337, 400 mm) by the page's
    own form (colour: the form's default when None); the board's card."""
    card = page.locator(".board-card", has=page.locator('.add-note[data-board="processus"]'))
    card.locator(".add-toggle").click()
    stage = card.locator(".board-stage")
    box = stage.bounding_box()
    stage.click(position={"x": box["width"] * 337 / 1189, "y": box["height"] * 400 / 841})
    card.locator(".add-text").fill(text)
    if colour is not None:
        card.locator(".add-colour").select_option(colour)
    card.locator(".add-ok").click()
    return card


def _box_colour(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def test_a_board_photo_gone_is_said_like_a_wall_photo_and_not_enlarged(tmp_path: Path) -> None:
    """The board photos moved away after the run: each photo says "Photo introuvable", the
    path it was read at and how to get it back, in the same warning box as a wall read with
    no board (on main: "Photo originale introuvable : schéma seulement", grey on the dark
    stage); clicking the drawing over nothing opens no enlargement. The straightened boards,
    drawn from the layout, stay (and still zoom)."""
    out = build_outputs(tmp_path / "built")
    shutil.rmtree(out / "report_assets")
    for doc_path in (out / "photos").glob("*.json"):  # as if the photos were moved away
        doc = json.loads(doc_path.read_text())
        doc["path"] = str(tmp_path / "gone" / doc["file"])
        doc_path.write_text(json.dumps(doc))
    _cli("report", str(out))
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        missing = page.locator("section.photo .photo-missing")
        stages = page.locator("section.photo .photo-stage")
        assert missing.count() == stages.count() >= 2
        said = missing.first.inner_text()
        assert said.startswith("Photo introuvable : IMG_0001.jpg n'est plus à "
                               + str(tmp_path / "gone" / "IMG_0001.jpg"))
        assert "relancez capture report" in said
        assert missing.first.is_visible()
        assert _box_colour(page, "section.photo .photo-missing") == "rgb(255, 244, 224)"
        stage = stages.first
        assert "no-photo" in (stage.get_attribute("class") or "")
        assert stage.get_attribute("tabindex") is None  # not a stop for the keyboard
        stage.scroll_into_view_if_needed()
        stage.click()
        assert not page.locator("#lightbox").is_visible()
        page.locator(".board-stage").first.click()  # the schematic board still zooms
        assert page.locator("#lightbox").is_visible()
        browser.close()
    assert errors == []


def test_a_wall_photo_gone_opens_no_dialog_over_nothing(wall_run: Path, tmp_path: Path) -> None:
    """A wall read with no board, its photo gone: its stickers drawn over nothing no longer
    open the sticker dialog (each says why in its tooltip), the drawing is not enlarged, and
    no note or sticker can be added by clicking a place nobody sees (the box above says to
    correct the notes in the table); the table's rows stay editable and their edits download
    and apply. On main a click on a sticker opened the dialog over the dark stage."""
    out = _copy(wall_run, tmp_path)
    doc_path = out / "photos" / "mur.json"
    doc = json.loads(doc_path.read_text("utf-8"))
    doc["path"] = str(tmp_path / "gone" / "mur.png")  # moved away since the run
    doc_path.write_text(json.dumps(doc), "utf-8")
    for asset in (out / "report_assets").glob("mur*"):
        asset.unlink()
    _cli("report", str(out))
    session = json.loads((out / "session.json").read_text("utf-8"))
    note = next(n for n in session["markerless"]["notes"] if n["photo"] == "mur.png")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        view = page.locator('.ml-view[data-photo="mur.png"]')
        said = view.locator(".photo-missing").inner_text()
        assert "corrigez ses post-it dans le tableau" in said
        assert view.locator("circle.ml-mark").count() == 0
        dots = view.locator("circle.ov-dot")
        assert dots.count() > 0
        assert "photo introuvable" in dots.first.locator("title").text_content()
        view.scroll_into_view_if_needed()
        dots.first.dispatch_event("click")
        assert not page.locator("#ml-dot").is_visible()
        view.locator(".photo-stage").click()
        assert not page.locator("#lightbox").is_visible()
        assert view.locator(".add-note").count() == 0
        row = page.locator(f'.ml-row[data-ml="{note["id"]}"]')
        row.locator("textarea[data-field=text]").fill("Corrigé sans la photo")
        row.locator("textarea[data-field=text]").blur()
        path = _download(page, tmp_path / "corrections.json")
        browser.close()
    assert errors == []
    _cli("apply", str(out), str(path))
    session = json.loads((out / "session.json").read_text("utf-8"))
    texts = {n["id"]: n["text"] for n in session["markerless"]["notes"]}
    assert texts[note["id"]] == "Corrigé sans la photo"


def test_a_wall_nobody_voted_on_is_published_as_such(tmp_path: Path) -> None:
    """A wall with notes and no sticker at all: the synthesis says plainly that nobody voted
    (no "du plus au moins choisi : 0 gommette(s)"), lists the notes in the photos' order with
    no sticker columns all at 0, and its header says "aucune gommette"."""
    _src, out = _run_wall(tmp_path, stickers=False)
    session = json.loads((out / "session.json").read_text("utf-8"))
    ml = session["markerless"]
    assert len(ml["notes"]) == 9 and not ml["dots"]
    _cli("publish", str(out), "--no-pdf")
    html = (out / "synthese.html").read_text("utf-8")
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "9 post-it lus sans panneau, aucune gommette" in text
    assert "Aucune gommette sur les post-it : personne n'a voté pour eux." in text
    assert "listés dans l'ordre des photos, sans classement" in text
    assert "du plus au moins choisi" not in text and "gommette(s)" not in text
    assert "<th>Gommettes</th>" not in html and "<th>Par couleur</th>" not in html
    assert "Gommettes hors post-it" not in text
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]
    assert numbers == list(range(1, 10))


def test_a_wall_photo_is_drawn_once_its_numbers_legible(tmp_path: Path) -> None:
    """A photo read with no board: "Photos" says what was read there ("lu sans panneau", its
    notes and stickers; on main "0 panneau(x) · 0 gommettes · 0 post-it") and links to its
    drawing in "Murs sans panneau" instead of showing it a second time with nothing marked;
    the notes' numbers on a portrait photo are 11 px or more on screen (on main 1/60 of its
    width: under 10 px). With no printed board in the run, the boards' totals (all 0) and the
    empty vote table are left out (on main "0/0 panneaux trouvés", "0 actions sur la mire"
    and a table of headers)."""
    from playwright.sync_api import sync_playwright

    out = _run_wall(tmp_path, portrait=True)[1]
    session = json.loads((out / "session.json").read_text("utf-8"))
    counts = {"haut.png": (len(session["markerless"]["notes"]), len(session["markerless"]["dots"]))}
    assert counts["haut.png"][0] == 9
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        for file, (notes, dots) in counts.items():
            sec = page.locator(f'section.photo#ph-{file.split(".")[0]}')
            said = sec.locator("h3 small").inner_text()
            assert said.startswith(f"lu sans panneau · {notes} post-it · {dots} gommette(s)")
            assert sec.locator(".photo-stage").count() == 0
            sec.locator(".ml-link a").click()
            view = page.locator(f'.ml-view[data-photo="{file}"]')
            for _ in range(40):  # the page scrolls smoothly, under its sticky header
                if abs(view.evaluate("e => e.getBoundingClientRect().top") - 100) < 20:
                    break
                page.wait_for_timeout(100)
            assert abs(view.evaluate("e => e.getBoundingClientRect().top") - 100) < 20
        assert page.locator("#votes").count() == 0
        assert page.locator('nav a[href="#votes"]').count() == 0
        cards = page.locator("#synthese .totals").inner_text()
        assert "panneaux trouvés" not in cards and "actions sur la mire" not in cards
        assert "post-it sans panneau" in cards and "photos analysées" in cards
        tall = page.locator('.ml-view[data-photo="haut.png"] text.ov-num')
        assert tall.count() >= 9
        tall.first.scroll_into_view_if_needed()
        heights = [tall.nth(k).evaluate("e => e.getBoundingClientRect().height")
                   for k in range(tall.count())]
        assert min(heights) >= 11
        browser.close()
    assert errors == []


def test_stickers_are_corrected_with_the_keyboard(wall_run: Path, tmp_path: Path) -> None:
    """Tab to a sticker, Enter: its dialog opens with the focus on its colour; Tab, Enter picks
    the next colour, "Valider" records it and the focus goes back to the sticker; Space opens
    another one, Escape closes it with nothing recorded. On main a sticker could not be
    reached from the keyboard and Escape left the dialog open."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        dialog = page.locator("#ml-dot")
        marks = page.locator('.ml-view[data-photo="mur.png"] circle.ml-mark')
        first = marks.first
        first.scroll_into_view_if_needed()
        first.focus()
        assert first.evaluate("e => document.activeElement === e")
        page.keyboard.press("Enter")
        assert dialog.is_visible()
        was = first.get_attribute("data-color")
        focused = "() => document.activeElement.getAttribute('data-color')"
        assert page.evaluate(focused) == was
        page.keyboard.press("Tab")
        new = page.evaluate(focused)
        assert new and new != was
        page.keyboard.press("Enter")
        dialog.locator(".ml-dot-ok").focus()
        page.keyboard.press("Enter")
        assert not dialog.is_visible()
        assert first.evaluate("e => document.activeElement === e")
        assert page.locator("#corr-count").inner_text() == "1"
        second = marks.nth(1)
        second.focus()
        page.keyboard.press(" ")
        assert dialog.is_visible()
        page.keyboard.press("Escape")
        assert not dialog.is_visible()
        assert second.evaluate("e => document.activeElement === e")
        assert page.locator("#corr-count").inner_text() == "1"
        path = _download(page, tmp_path / "corrections.json")
        browser.close()
    assert errors == []
    doc = json.loads(path.read_text("utf-8"))
    assert [c["set"]["color"] for c in doc["corrections"]] == [new]
    _cli("apply", str(out), str(path))


def test_corrections_applied_are_not_pending_again_in_the_page(wall_run: Path,
                                                               tmp_path: Path) -> None:
    """The static page (no server): a sticker on a note marked "pas une gommette" and a note
    added, downloaded, `capture apply`, the page reopened in the same browser. The rebuilt
    page holds them: nothing is pending any more, and the note's row shows the count the
    outputs give. On main the two stayed listed "à ajouter" / "pas une gommette" and the
    sticker's count was taken off the note's row a second time, sent as a typed count (3
    corrections pending)."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        view = page.locator('.ml-view[data-photo="mur.png"]')
        dot = view.locator('circle.ml-mark:not([data-on=""])').first
        note, colour = dot.get_attribute("data-on"), dot.get_attribute("data-color")
        dot.scroll_into_view_if_needed()
        dot.click()
        page.locator("#ml-dot .ml-dot-fd").check()
        page.locator("#ml-dot .ml-dot-ok").click()
        _add_on_wall(page, "wall-note", text="Oublié par la machine")
        assert page.locator("#corr-count").inner_text() == "2"
        path = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(path))
        page.reload()
        assert page.locator("#corr-count").inner_text() == "0"
        assert view.locator(".add-list li").count() == 0
        session = json.loads((out / "session.json").read_text("utf-8"))
        counted = next(n for n in session["markerless"]["notes"] if n["id"] == note)
        row = page.locator(f'.ml-row[data-photo="mur.png"][data-ml="{note}"]')
        shown = int(row.locator(f'.ml-dot[data-color="{colour}"]').input_value())
        assert shown == counted["dots"].get(colour, 0)
        assert any(n.get("added") and n["text"] == "Oublié par la machine"
                   for n in session["markerless"]["notes"])
        browser.close()
    assert errors == []


def test_a_board_note_added_and_applied_is_not_pending_again(tmp_path: Path) -> None:
    """The same on a board: a missed note added on the straightened process board,
    downloaded, applied, the page reopened: it is a note of the outputs, no longer "à
    ajouter" (on main it stayed pending, to be downloaded and applied again)."""
    from playwright.sync_api import sync_playwright

    out = build_outputs(tmp_path / "built")
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        card = _add_on_process_board(page, "Clauses sociales types")
        assert page.locator("#corr-count").inner_text() == "1"
        path = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(path))
        page.reload()
        assert page.locator("#corr-count").inner_text() == "0"
        assert card.locator(".add-list li").count() == 0
        browser.close()
    assert errors == []
    session = json.loads((out / "session.json").read_text("utf-8"))
    assert any(e.get("added") and e["text"] == "Clauses sociales types"
               for e in session["notes"] + session["actions"])


def test_a_correction_nobody_signed_names_nobody(wall_run: Path, tmp_path: Path) -> None:
    """A corrections file downloaded with no name typed (its JSON says "corrected_by":
    "person"): the report says "✔ vérifié" and the synthesis "ajouté à la main" and "relu et
    corrigé", with no "person" (on main: "ajouté par person", "relu et corrigé (person)")."""
    out = _copy(wall_run, tmp_path)
    session = json.loads((out / "session.json").read_text("utf-8"))
    note = session["markerless"]["notes"][0]
    doc = {"version": 1, "workshop": session["workshop"], "corrections": [
        {"target": {"photo": "mur.png", "markerless": note["id"]}, "set": {"text": "Relu"}},
        {"target": {"photo": "mur.png", "markerless": "ajout-1"}, "add": True,
         "set": {"text": "Oublié", "color": "yellow", "center": [0.9, 0.9]}}]}
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(doc), "utf-8")
    _cli("apply", str(out), str(path))
    after = json.loads((out / "session.json").read_text("utf-8"))
    assert {n.get("corrected_by") for n in after["markerless"]["notes"]} >= {"person"}
    _cli("publish", str(out), "--no-pdf")
    synthesis = unescape(re.sub(r"<[^>]+>", "", (out / "synthese.html").read_text("utf-8")))
    assert "ajouté à la main" in synthesis and "en partie (texte)" in synthesis
    assert "relu et corrigé." in synthesis
    assert not re.search(r"\bperson\b", synthesis)  # "personne" is French
    report = (out / "report.html").read_text("utf-8")
    assert "par person" not in report
    assert "Corrections déjà appliquées :\n2 sans nom.</p>" in report


def test_an_added_note_edited_after_it_was_applied_stays_pending(wall_run: Path,
                                                                  tmp_path: Path) -> None:
    """The static page: a note added on a wall, downloaded, `capture apply`; the addition kept
    in the browser then says another text and colour (the later edit: written here into the
    page's storage as the page keeps it, since a pending addition has no form of its own) and
    the page is reopened. The outputs hold the note, not as it now stands: its row shows the
    later text and colour, one correction is pending, it downloads as that row's correction
    (no second addition) and applies. On main the addition was dropped as applied because a
    note of that id existed, and the later edit was lost (0 pending)."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        view = _add_on_wall(page, "wall-note", text="Oublié par la machine", colour="yellow")
        first = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(first))
        note = json.loads(first.read_text("utf-8"))["corrections"][0]["target"]["markerless"]
        _rewrite_kept_edits(page, {"text": "Oublié par la machine, relu", "color": "pink"})
        page.reload()
        assert page.locator("#corr-count").inner_text() == "1"
        assert view.locator(".add-list li").count() == 0  # a row of the page, not "à ajouter"
        row = page.locator(f'.ml-row[data-photo="mur.png"][data-ml="{note}"]')
        assert row.locator('[data-field="text"]').input_value() == "Oublié par la machine, relu"
        assert row.locator('[data-field="color"]').input_value() == "pink"
        second = _download(page, tmp_path / "corrections-2.json")
        doc = json.loads(second.read_text("utf-8"))
        assert doc["corrections"] == [{"target": {"photo": "mur.png", "markerless": note},
                                       "set": {"text": "Oublié par la machine, relu",
                                               "color": "pink"}}]
        _cli("apply", str(out), str(second))
        page.reload()
        assert page.locator("#corr-count").inner_text() == "0"  # held as it stands: no edit
        browser.close()
    assert errors == []
    notes = json.loads((out / "session.json").read_text("utf-8"))["markerless"]["notes"]
    held = [n for n in notes if n["id"] == note]
    assert [(n["text"], n["color"]) for n in held] == [("Oublié par la machine, relu", "pink")]


def test_a_board_note_edited_after_it_was_applied_stays_pending(tmp_path: Path) -> None:
    """The same on a board: a note added on the process board, downloaded, applied; the
    addition kept in the browser then says another text and colour, the page reopened. It
    stays "à ajouter" as it now stands and, applied again, the note of that id takes the later
    text and colour (no second note). On main it was dropped as applied (0 pending)."""
    from playwright.sync_api import sync_playwright

    out = build_outputs(tmp_path / "built")
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        card = _add_on_process_board(page, "Clauses sociales types", colour="yellow")
        first = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(first))
        added = json.loads(first.read_text("utf-8"))["corrections"][0]["target"]["add"]
        _rewrite_kept_edits(page, {"text": "Clauses sociales et vertes", "color": "green"})
        page.reload()
        assert page.locator("#corr-count").inner_text() == "1"
        assert "Clauses sociales et vertes" in card.locator(".add-list li").inner_text()
        second = _download(page, tmp_path / "corrections-2.json")
        _cli("apply", str(out), str(second))
        page.reload()
        assert page.locator("#corr-count").inner_text() == "0"
        browser.close()
    assert errors == []
    session = json.loads((out / "session.json").read_text("utf-8"))
    held = [e for e in session["notes"] + session["actions"] if e.get("id") == added]
    assert [(e["text"], e["color"]) for e in held] == [("Clauses sociales et vertes", "green")]


def test_a_sticker_added_then_recoloured_after_it_was_applied_stays_pending(
        wall_run: Path, tmp_path: Path) -> None:
    """A sticker added on a wall, downloaded, applied; the addition kept in the browser then
    says another colour, the page reopened. The outputs hold a sticker at that place, not of
    that colour: the addition stays pending and, applied again, recolours the sticker added
    there (no second sticker). On main any sticker at that place counted as applied (0
    pending, the colour lost)."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        _add_on_wall(page, "wall-dot", colour="green")
        first = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(first))
        xy = json.loads(first.read_text("utf-8"))["corrections"][0]["target"]["dot"]
        _rewrite_kept_edits(page, {"color": "blue"})
        page.reload()
        assert page.locator("#corr-count").inner_text() == "1"
        second = _download(page, tmp_path / "corrections-2.json")
        doc = json.loads(second.read_text("utf-8"))
        assert [(c["target"], c.get("add"), c["set"]["color"]) for c in doc["corrections"]] \
            == [({"photo": "mur.png", "dot": xy}, True, "blue")]
        _cli("apply", str(out), str(second))
        page.reload()
        assert page.locator("#corr-count").inner_text() == "0"
        browser.close()
    assert errors == []
    dots = json.loads((out / "session.json").read_text("utf-8"))["markerless"]["dots"]
    assert [d["color"] for d in dots if d["center"] == xy] == ["blue"]


def test_a_sticker_added_and_applied_is_corrected_in_the_rebuilt_page(wall_run: Path,
                                                                      tmp_path: Path) -> None:
    """A sticker added on a wall, downloaded, applied; in the rebuilt page it is a sticker like
    the others: clicked, recoloured, downloaded, applied. On main `capture apply` refused that
    file (exit 2, "pas de gommette en (…)": a plain sticker correction was matched only with
    the stickers the machine found)."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        view = _add_on_wall(page, "wall-dot", colour="green")
        first = _download(page, tmp_path / "corrections.json")
        _cli("apply", str(out), str(first))
        xy = json.loads(first.read_text("utf-8"))["corrections"][0]["target"]["dot"]
        page.reload()
        view.locator(f'circle.ml-mark[data-x="{xy[0]}"][data-y="{xy[1]}"]').click()
        page.locator('#ml-dot .recolour-choices button[data-color="blue"]').click()
        page.locator("#ml-dot .ml-dot-ok").click()
        second = _download(page, tmp_path / "corrections-2.json")
        _cli("apply", str(out), str(second))
        browser.close()
    assert errors == []
    for doc in (out / "session.json", out / "photos" / "mur.json"):
        ml = json.loads(doc.read_text("utf-8"))["markerless"]
        assert [d["color"] for d in ml["dots"] if d["center"] == xy] == ["blue"]
