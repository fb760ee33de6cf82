"""Headless Debian Chromium for the browser tests (Playwright drives /usr/bin/chromium, which
`make install` installs; no browser is downloaded)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (CI runs as root), no GPU, and nothing that would reach the network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def open_page(playwright, url: str, errors: list[str]):
    """A 1280x900 page at `url`; page errors and console errors are appended to `errors`."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url)
    return browser, page


@contextmanager
def served_review(out: Path) -> Iterator[str]:
    """`capture review OUT` in a thread: its address, while the block runs."""
    from capture.app.review import ReviewServer

    server = ReviewServer(out)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
