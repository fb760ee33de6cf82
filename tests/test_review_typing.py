"""A reviewer typing in one tab while another tab of the same report writes its corrections.

Since the 41st stop every tab redraws itself from the corrections the browser stores when
another tab changes them. Two faults lost what a reviewer typed: the redraw put the stored
text back into the field under the cursor (the caret moved, a keystroke landed in a field
being rewritten), and a tab writing its own correction wrote back the whole stored set as
*it* had last read it, which could be older than the typing tab's last keystrokes (each tab
reads the storage through its own copy, brought up to date a moment later), so the typed
characters went from the storage and, at the next redraw, from the screen. The tabs are driven
as a reviewer drives them: typed key by key, while the other tab writes on its own."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from browser import CHROMIUM, served_review
from test_review_last_mile import _copy, _run_wall
from test_review_tabs import _two_tabs

pytestmark = [
    pytest.mark.slow,  # `capture run` on a drawn wall, Chromium
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent"),
]

TEXT = '[data-field="text"]'
# every note row's text, colour and "not a note", as a page shows them
ROWS = ("[...document.querySelectorAll('.ml-row')].map(r => ["
        "r.querySelector('[data-field=\"text\"]').value, "
        "r.querySelector('[data-field=\"color\"]').value, "
        "r.querySelector('[data-field=\"false_detection\"]').checked])")
# the other tab writes a correction every WRITE_MS while the reviewer types a key every
# KEY_MS: several of its writes land in the middle of the typing
WRITE_MS = 45
KEY_MS = 35


@pytest.fixture(scope="module")
def wall_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drawn wall with stickers (mur.png), run --markerless."""
    return _run_wall(tmp_path_factory.mktemp("typing"))[1]


def _stored(page) -> dict:
    return page.evaluate("""() => {
        const k = Object.keys(localStorage).find(k => k.startsWith("wall-capture:corrections:"));
        return JSON.parse(localStorage.getItem(k) || "{}");
    }""")


def _stored_texts(page) -> dict[str, str]:
    """note id -> the text the stored corrections give it."""
    edits = _stored(page).get("edits", {})
    return {c["target"]["markerless"]: c["set"]["text"] for c in edits.values()
            if "markerless" in c.get("target", {}) and "text" in c.get("set", {})}


def _writer(page, script: str) -> None:
    """`script` (a function of the step n) run every WRITE_MS in `page` until _stop()."""
    page.evaluate(f"""() => {{
        let n = 0;
        window.__writer = setInterval(() => {{ n += 1; ({script})(n); }}, {WRITE_MS});
    }}""")


def _stop(page) -> None:
    page.evaluate("() => clearInterval(window.__writer)")


# what the other tab keeps writing while the reviewer types in the first note's text: another
# note's text typed key by key, another note's colour picked again and again, another note
# marked "not a note" and back
OTHER_WRITES = {
    "text": """(n) => {
        const el = document.querySelectorAll('.ml-row')[1].querySelector('[data-field="text"]');
        el.value = 'B' + n;
        el.dispatchEvent(new Event('input', { bubbles: true }));
    }""",
    "colour": """(n) => {
        const sel = document.querySelectorAll('.ml-row')[1].querySelector('[data-field="color"]');
        sel.selectedIndex = n % sel.options.length;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
    }""",
    "checkbox": """(n) => {
        const box = document.querySelectorAll('.ml-row')[2]
            .querySelector('[data-field="false_detection"]');
        box.checked = n % 2 === 1;
        box.dispatchEvent(new Event('change', { bubbles: true }));
    }""",
}


@pytest.mark.parametrize("other", sorted(OTHER_WRITES))
def test_typing_in_one_tab_while_the_other_writes_loses_nothing(wall_run: Path, tmp_path: Path,
                                                                other: str) -> None:
    """Tab A types a note's text key by key while tab B writes another correction many times
    over. Every character A typed is in A's field, in the storage and in B's field; A's caret
    stayed where A typed; B's last correction shows in A too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    typed = "Mutualiser les achats de fournitures, 2 fois par an"
    with sync_playwright() as p:
        browser, (a, b) = _two_tabs(p, (out / "report.html").as_uri(), errors)
        assert a.locator(".ml-row").count() >= 3
        field = a.locator(".ml-row").nth(0).locator(TEXT)
        field.click()
        field.press("Control+a")
        _writer(b, OTHER_WRITES[other])
        field.press_sequentially(typed, delay=KEY_MS)
        caret = field.evaluate("e => [e.selectionStart, e.selectionEnd, e.value.length]")
        _stop(b)
        assert caret == [len(typed)] * 3  # the caret at the end of what was typed
        # the last write of each tab reaches the other (the once-a-second look at the latest):
        # B shows all A typed, then A shows B's rows as B has them (A's note as typed)
        with contextlib.suppress(PlaywrightTimeout):
            b.wait_for_function(f"() => {ROWS}[0][0] === {json.dumps(typed)}")
        b_rows = b.evaluate(ROWS)
        assert b_rows[0][0] == typed
        with contextlib.suppress(PlaywrightTimeout):
            a.wait_for_function(f"(want) => JSON.stringify({ROWS}) === JSON.stringify(want)",
                                arg=b_rows)
        assert a.evaluate(ROWS) == b_rows
        assert field.input_value() == typed
        assert b.locator(".ml-row").nth(0).locator(TEXT).input_value() == typed
        first = a.locator(".ml-row").nth(0).get_attribute("data-ml")
        assert _stored_texts(a).get(first) == typed, json.dumps(_stored(a))[:2000]
        assert _stored_texts(b).get(first) == typed
        # and the field left, nothing changes: what A typed stays, B's work stays
        a.locator("#corr-author").click()
        a.wait_for_timeout(1300)  # a second look at the storage
        assert field.input_value() == typed
        assert _stored_texts(a).get(first) == typed
        assert a.evaluate("() => document.querySelector('#corr-count').textContent") == \
            b.evaluate("() => document.querySelector('#corr-count').textContent")
        browser.close()
    assert errors == []


def test_choosing_and_ticking_in_one_tab_while_the_other_types_loses_nothing(
        wall_run: Path, tmp_path: Path) -> None:
    """Tab A picks a note's colour from its list with the keyboard and ticks "not a note" on
    another, again and again, while tab B types a third note's text. A's last choices are the
    ones stored and shown in both tabs, and B's text shows in A."""
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, (a, b) = _two_tabs(p, (out / "report.html").as_uri(), errors)
        colour = a.locator(".ml-row").nth(0).locator('[data-field="color"]')
        box = a.locator(".ml-row").nth(2).locator('[data-field="false_detection"]')
        n_colours = colour.locator("option").count()
        was = colour.evaluate("e => [...e.options].find(o => o.defaultSelected).value")
        assert n_colours >= 2
        _writer(b, OTHER_WRITES["text"])
        for _ in range(12):
            colour.focus()
            colour.press("ArrowUp" if colour.evaluate("e => e.selectedIndex") == n_colours - 1
                         else "ArrowDown")
            a.wait_for_timeout(KEY_MS)
            box.click()
            a.wait_for_timeout(KEY_MS)
        want = (colour.input_value(), box.is_checked())
        _stop(b)
        b_text = b.locator(".ml-row").nth(1).locator(TEXT).input_value()
        a.locator("#corr-author").focus()  # A leaves the list
        a.wait_for_function("(t) => document.querySelectorAll('.ml-row')[1]"
                            ".querySelector('[data-field=\"text\"]').value === t", arg=b_text)
        assert (colour.input_value(), box.is_checked()) == want
        b.wait_for_function("(w) => { const r = document.querySelectorAll('.ml-row');"
                            " return r[0].querySelector('[data-field=\"color\"]').value === w[0]"
                            " && r[2].querySelector('[data-field=\"false_detection\"]').checked"
                            " === w[1]; }", arg=list(want))
        a.wait_for_timeout(1300)  # a second look at the storage changes nothing
        assert (colour.input_value(), box.is_checked()) == want
        stored = _stored(a)["edits"]
        ids = [a.locator(".ml-row").nth(i).get_attribute("data-ml") for i in (0, 2)]
        by_id = {c["target"].get("markerless"): c for c in stored.values()}
        kept = by_id.get(ids[0], {}).get("set", {}).get("color")
        assert kept == (None if want[0] == was else want[0])  # None: no correction
        assert by_id.get(ids[1], {}).get("false_detection", False) == want[1]
        browser.close()
    assert errors == []


def test_a_save_from_the_other_tab_takes_or_keeps_every_key_typed(wall_run: Path,
                                                                  tmp_path: Path) -> None:
    """`capture review`: tab A types a note's text key by key; tab B saves into the folder the
    moment A's last key is typed. The folder gets what A typed, or the keys it did not get
    stay pending in A, reloaded by the save: A's field shows every key typed, never fewer (on
    main B sent the page it had drawn, up to a redraw behind A's typing, then emptied the
    storage, A's last keys with it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out = _copy(wall_run, tmp_path)
    errors: list[str] = []
    typed = "Un atelier par trimestre"
    with served_review(out) as url, sync_playwright() as p:
        browser, (a, b) = _two_tabs(p, url, errors)
        b.locator("#corr-save").wait_for(state="visible")
        b.locator(".ml-row").nth(1).locator(TEXT).fill("Dans B")
        # B presses "Enregistrer" the moment A's last key is typed (told by a channel of
        # the test's own, as fast as the reviewer of B could not be)
        b.evaluate("() => { new BroadcastChannel('test-go').onmessage ="
                   " () => document.querySelector('#corr-save').click(); }")
        with a.expect_navigation(), b.expect_navigation():
            # A types by itself, a key every KEY_MS
            a.evaluate(f"""(typed) => {{
                const el = document.querySelector('.ml-row [data-field="text"]');
                const go = new BroadcastChannel('test-go');
                el.focus();
                let i = 0;
                const t = setInterval(() => {{
                    i += 1;
                    el.value = typed.slice(0, i);
                    el.dispatchEvent(new Event('input', {{ bubbles: true }}));
                    if (i === typed.length) {{ clearInterval(t); go.postMessage(1); }}
                }}, {KEY_MS});
            }}""", typed)
        for page in (a, b):
            page.wait_for_load_state("load")
        with contextlib.suppress(PlaywrightTimeout):  # the field, as A's page shows it
            a.wait_for_function("(t) => document.querySelector('.ml-row "
                                "[data-field=\"text\"]').value === t", arg=typed,
                                timeout=5000)
        assert a.locator(".ml-row").nth(0).locator(TEXT).input_value() == typed
        browser.close()
    assert errors == []
    kept = json.loads((out / "corrections.json").read_text("utf-8"))
    texts = {c["set"]["text"] for c in kept["corrections"] if "text" in c.get("set", {})}
    assert "Dans B" in texts
