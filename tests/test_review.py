"""`capture review`: the report served on 127.0.0.1 with a token; corrections saved into OUT,
landing in session.json and the CSVs, and surviving `capture run --resume`."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from pathlib import Path

import pytest
from browser import CHROMIUM, open_page
from click.testing import CliRunner
from report_fixture import WORKSHOP, build_outputs

from capture.app.review import MAX_BODY, ReviewServer
from capture.cli import main
from capture.io.csv_out import read_csv

pytestmark = pytest.mark.slow  # a browser, Chromium printing, `capture run` (conftest.py)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("review"))


@pytest.fixture()
def served(built: Path, tmp_path: Path):
    root = tmp_path / "run"
    shutil.copytree(built.parent, root)  # photos/ and out/, so `capture run` can resume
    server = ReviewServer(root / "out")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server, root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _as_if_run_by_the_cli(photos: Path, out: Path) -> None:
    from dataclasses import replace

    from report_fixture import kit

    from capture import __version__
    from capture.core.config import CONFIG
    from capture.core.faults import fingerprint, settings_hash
    from capture.tools.tesseract import tessdata_dir

    config = CONFIG  # run_batch resolves Tesseract's models folder only for that engine
    if CONFIG.ocr.engine == "tesseract":
        config = replace(CONFIG, ocr=replace(CONFIG.ocr, tessdata_dir=tessdata_dir(CONFIG.ocr)))
    settings = settings_hash(kit(), config, __version__)
    for doc_path in (out / "photos").glob("*.json"):
        doc = json.loads(doc_path.read_text())
        if doc.get("sha256"):
            doc["fingerprint"] = fingerprint(doc["sha256"], settings)
            doc_path.write_text(json.dumps(doc))


def _request(server: ReviewServer, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    return conn.getresponse()


def test_only_loopback_and_only_with_the_token(served) -> None:
    server, _root = served
    assert server.server_address[0] == "127.0.0.1" and server.port > 0
    assert len(server.token) >= 32
    assert _request(server, "GET", "/").status == 403
    assert _request(server, "GET", "/?token=wrong").status == 403
    assert _request(server, "GET", "/api/ping").status == 403
    ok = _request(server, "GET", f"/?token={server.token}")
    assert ok.status == 200 and b"<html" in ok.read()
    cookie = ok.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    jar = {"Cookie": cookie.split(";")[0]}
    assert _request(server, "GET", "/api/ping", headers=jar).status == 200
    # DNS rebinding: another host name carrying the cookie is refused
    assert _request(server, "GET", "/api/ping", headers={**jar, "Host": "evil.example"}
                    ).status == 403
    # only the report's own folders are served, never a path out of OUT
    assert _request(server, "GET", "/session.json", headers=jar).status == 404
    assert _request(server, "GET", "/report_assets/../session.json", headers=jar).status == 404
    assert _request(server, "GET", "/crops/../../photos/IMG_0001.jpg", headers=jar).status == 404
    # bounded bodies; malformed documents refused without touching the folder
    big = _request(server, "POST", "/api/corrections", body=b"{}",
                   headers={**jar, "Content-Length": str(MAX_BODY + 1)})
    assert big.status == 413
    bad = _request(server, "POST", "/api/corrections", body=b'{"version": 1}', headers=jar)
    assert bad.status == 400 and "workshop" in json.loads(bad.read())["error"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
def test_review_saves_edits_adds_and_checks_into_out_and_they_survive_resume(served) -> None:
    from playwright.sync_api import sync_playwright

    server, root = served
    out = root / "out"
    before = json.loads((out / "session.json").read_text())
    mire0 = next(a for a in before["actions"] if a["id"] == "mire-n00")
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = open_page(p, server.url, errors)
        save = page.locator("#corr-save")
        save.wait_for(state="visible")
        assert not page.locator("#corr-download").is_visible()  # served: no download route
        assert page.locator("#progress-done").inner_text() == "0"
        # 1. a text-only edit of an action
        page.locator('.note-row[data-note="mire-n00"] textarea').fill("Former tous les acheteurs")
        # 2. a recolour
        page.locator('.note-row[data-note="processus-n00"] select[data-field="color"]'
                     ).select_option("pink")
        # 3. a missed note, placed by a click in phase 2 of the straightened process board
        card = page.locator(".board-card", has=page.locator('.add-note[data-board="processus"]'))
        card.locator(".add-toggle").click()
        stage = card.locator(".board-stage")
        box = stage.bounding_box()
        # phase 2 ("redaction") spans x 253-421 mm of the 1189 mm board, y 81-760 of 841
        stage.click(position={"x": box["width"] * 337 / 1189, "y": box["height"] * 400 / 841})
        card.locator(".add-text").fill("Clauses sociales types")
        card.locator(".add-colour").select_option("green")
        card.locator(".add-ok").click()
        assert "Clauses sociales types" in card.locator(".add-list").inner_text()
        # 4. a point checked
        flag = page.locator(".flag-check input:not([disabled])").first
        flag.check()
        assert page.locator("#corr-count").inner_text() == "4"
        with page.expect_navigation():
            save.click()
        page.wait_for_load_state("load")
        assert page.locator("#corr-count").inner_text() == "0"
        docs = [json.loads((out / "session.json").read_text())] + [
            json.loads(f.read_text()) for f in sorted((out / "photos").glob("*.json"))]
        done = sum(bool(f.get("resolved")) for d in docs for f in d.get("flags", [])
                   if f["severity"] != "info")
        assert done >= 1
        assert page.locator("#progress-done").inner_text() == str(done)
        assert "Clauses sociales types" in page.locator(".zone-board").first.inner_text() or \
            "Clauses sociales types" in page.content()
        browser.close()
    assert errors == []

    def check(session: dict) -> None:
        a = next(a for a in session["actions"] if a["id"] == "mire-n00")
        assert a["text"] == "Former tous les acheteurs"
        assert (a["x"], a["y"], a["center_mm"]) == (mire0["x"], mire0["y"], mire0["center_mm"])
        assert a["verified_fields"] == ["text"]  # the position was not vouched for
        n0 = next(n for n in session["notes"] if n["id"] == "processus-n00")
        assert n0["color"] == "pink" and n0["text"] == "Sourcing local"
        added = next(n for n in session["notes"] if n.get("added"))
        assert (added["text"], added["color"], added["zone"]) == (
            "Clauses sociales types", "green", "redaction")

    check(json.loads((out / "session.json").read_text()))
    journal = json.loads((out / "corrections.json").read_text())
    assert len(journal["corrections"]) == 4
    notes_csv = read_csv(out / "notes.csv")
    assert any(r["text"] == "Clauses sociales types" and r["zone"] == "redaction"
               for r in notes_csv)
    assert any(r["note_id"] == "processus-n00" and r["color"] == "pink" for r in notes_csv)
    assert any(r["text"] == "Former tous les acheteurs" for r in read_csv(out / "actions.csv"))

    # a re-run with --resume rebuilds the session from the photos' JSON: corrections stay.
    # The fixture's analysis stands in for the pipeline's: stamp its JSONs with the
    # fingerprint `capture run` computes, so the run resumes them instead of analysing again.
    _as_if_run_by_the_cli(root / "photos", out)
    result = CliRunner().invoke(main, ["run", str(root / "photos"), "--workshop", str(WORKSHOP),
                                       "--out", str(out), "--resume", "--jobs", "1"])
    assert result.exit_code in (0, 1), result.output  # IMG_0003.jpg is an empty file
    assert "corrections reprises" in result.output
    check(json.loads((out / "session.json").read_text()))
    assert any(r["text"] == "Clauses sociales types" for r in read_csv(out / "notes.csv"))
