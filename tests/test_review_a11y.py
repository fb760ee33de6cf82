"""What a screen reader finds on the photos of the report: every sticker ringed over a wall
photo is a button named in French by what it is ("gommette rouge sur le post-it n° 3"), every
note's outline an image named by its number, colour and text, a correction pending in the page
named as such; on a straightened board, its vote stickers are buttons a screen reader reaches
(on main the whole drawing was aria-hidden, its buttons with it) named by colour, zone and
board. Checked with Playwright's accessibility queries (get_by_role, the accessible name)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import CHROMIUM, open_page
from report_fixture import build_outputs
from test_review_last_mile import _add_on_wall, _copy, _run_wall

pytestmark = [
    pytest.mark.slow,  # `capture run` on a drawn wall, Chromium
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]


@pytest.fixture(scope="module")
def wall_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drawn wall with stickers (mur.png), run --markerless."""
    return _run_wall(tmp_path_factory.mktemp("a11y"))[1]


def test_wall_stickers_and_notes_have_french_names(wall_run: Path, tmp_path: Path) -> None:
    """Each sticker of the session is one button named by its colour and its note's number
    in the ranked table (or "hors post-it"); each counted note's outline is an image named
    "post-it n° N, colour : « text »"; a sticker corrected in the page is named with its new
    colour and said pending; a sticker added is named too; the sticker's dialog is named
    after the sticker it corrects."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    session = json.loads((out / "session.json").read_text("utf-8"))
    notes = session["markerless"]["notes"]
    number = {n["id"]: k + 1 for k, n in enumerate(notes)}
    colour_fr = {"red": "rouge", "blue": "bleu", "green": "vert", "yellow": "jaune",
                 "orange": "orange", "pink": "rose"}
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        photo = page.get_by_role("group", name=re.compile(r"^Photo mur\.png : post-it entourés"))
        assert photo.count() == 1
        for d in session["markerless"]["dots"]:
            where = f"sur le post-it n° {number[d['on_note']]}" if d["on_note"] else "hors post-it"
            colour = colour_fr.get(d["color"], d["color"])
            named = photo.get_by_role("button", name=re.compile(
                rf"^gommette {colour}\w* {re.escape(where)}$"))
            assert named.count() >= 1, (d, where)
        assert photo.get_by_role("button", name=re.compile("^gommette ")).count() == len(
            session["markerless"]["dots"])
        for n in notes:
            name = re.compile(rf"^post-it n° {number[n['id']]}, \w[\w ]* ")
            outline = photo.get_by_role("img", name=name)
            assert outline.count() == 1, n
            text = " ".join(n["text"].split())
            if text:
                assert f"« {text[:20]}" in outline.get_attribute("aria-label")
        # a sticker on a note corrected: its name says its new colour and that it is pending
        dot = photo.get_by_role("button", name=re.compile(r"sur le post-it n° \d+$")).first
        was = dot.get_attribute("aria-label")
        dot = photo.locator(f'circle[data-x="{dot.get_attribute("data-x")}"]'
                            f'[data-y="{dot.get_attribute("data-y")}"]')  # its name changes
        dot.scroll_into_view_if_needed()
        dot.click()
        dialog = page.get_by_role("dialog", name=re.compile("^Corriger la gommette "))
        assert dialog.is_visible()
        assert dialog.get_attribute("aria-label") == "Corriger la " + was
        dialog.get_by_role("checkbox", name="pas une gommette").check()
        dialog.get_by_role("button", name="Valider").click()
        assert dot.get_attribute("aria-label").endswith(
            "écartée (pas une gommette), corrigée, pas encore appliquée")
        # a sticker added off the notes: named on the photo as one to add
        _add_on_wall(page, "wall-dot")
        added = photo.get_by_role("img", name=re.compile(r"^gommette .* à ajouter, hors post-it"))
        assert added.count() == 1
        browser.close()
    assert errors == []


def test_board_vote_stickers_are_buttons_a_screen_reader_reaches(tmp_path: Path) -> None:
    """On a straightened board with vote zones, every vote sticker is a button in the
    accessibility tree named "gommette <couleur>, zone « D'accord » du panneau …"; on main
    the board's drawing was aria-hidden whole, so these focusable buttons had no name and
    were not in the tree at all."""
    from playwright.sync_api import sync_playwright

    out = build_outputs(tmp_path / "built")
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, (out / "report.html").as_uri(), errors)
        page.set_default_timeout(5000)
        circles = page.locator("circle.recolourable")
        assert circles.count() > 0
        named = page.get_by_role("button", name=re.compile(
            r"^gommette \w[\w ]*, zone « (D'accord|Pas d'accord) » du panneau "))
        assert named.count() == circles.count()
        first = named.first
        first.scroll_into_view_if_needed()
        first.click()
        assert page.get_by_role("dialog", name="Couleur de la gommette").is_visible()
        browser.close()
    assert errors == []
