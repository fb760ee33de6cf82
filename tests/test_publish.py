"""`capture publish`: synthese.html (self-contained), synthese.pdf (A4, Chromium), SVG per board."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixture import ACTIONS, XSS, build_outputs

from capture.cli import main

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.slow  # a browser, Chromium printing, `capture run` (conftest.py)
A4_PT = (595.3, 841.9)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build_outputs(tmp_path_factory.mktemp("publish"))
    args = ["publish", str(out)] + ([] if CHROMIUM.exists() else ["--no-pdf"])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_synthesis_page_is_self_contained_and_complete(published: Path) -> None:
    raw = (published / "synthese.html").read_text("utf-8")
    html = unescape(raw)
    # nothing fetched: no script, no link, every image inline
    assert "<script" not in raw and "<link" not in raw
    srcs = re.findall(r'src="([^"]+)"', raw)
    assert srcs and all(s.startswith("data:image/jpeg;base64,") for s in srcs)
    assert len(srcs) == 2  # one photo per photographed wall (the stories: on no photo)
    # votes ranked both ways: verbatim-03 (1/0) leads by agreement, verbatim-02 (5/5) by
    # controversy
    rankings = re.findall(r'<div class="ranking">(.*?)</ol>', raw, re.S)
    assert len(rankings) == 2
    firsts = [unescape(re.search(r'class="qnum">([^<]+)<', r).group(1)) for r in rankings]
    assert firsts == ["1 / 0 · 100 % d'accord", "5 / 5 · 50 % d'accord"]
    # the mire's actions, the phases' notes, the hostile text kept as text
    for _x, _y, _c, text in ACTIONS:
        if text != XSS:
            assert text in html
    assert XSS not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "Sourcing local" in html and "Coût global" in html
    # the phase no photo saw says so (report_fixture cuts the process board's photo)
    assert re.search(r"Exécution[^<]*</h4>|Exécution et suivi <span class=\"seen-tag\">non vu",
                     html)
    assert "aucune photo ne montre cette zone" in html
    # the review tool's machinery stays out of a page for readers
    for word in ("corrections-bar", "textarea", "À vérifier", "mire-n0"):
        assert word not in html


def test_one_svg_per_photographed_board(published: Path) -> None:
    svgs = {p.stem: p for p in (published / "panneaux").glob("*.svg")}
    assert set(svgs) == {"verbatim-01", "verbatim-02", "verbatim-03", "mire", "processus"}
    ns = {"s": "http://www.w3.org/2000/svg"}
    mire = ET.parse(svgs["mire"]).getroot()
    assert mire.get("viewBox") == "0 0 841 841" and mire.get("width") == "841mm"
    notes = mire.findall("s:g", ns)
    assert len(notes) == 3
    texts = " ".join(t.text or "" for t in mire.iter("{http://www.w3.org/2000/svg}text"))
    assert "Former les" in texts and "acheteurs" in texts and "Clause" in texts
    # each note drawn where the session puts it (grid x, y -> board mm)
    rects = [g.find("s:rect", ns) for g in notes]
    xs = sorted(float(r.get("x")) + float(r.get("width")) / 2 for r in rects)
    assert xs == pytest.approx(sorted(115 + x * 645 for x, _y, _c, _t in ACTIONS), abs=0.2)
    v1 = ET.parse(svgs["verbatim-01"]).getroot()
    assert len(v1.findall("s:circle", ns)) == 10  # 8 agree + 2 disagree stickers
    labels = [t.text for t in v1.iter("{http://www.w3.org/2000/svg}text")]
    assert "D'accord : 8" in labels and "Pas d'accord : 2" in labels
    proc = ET.parse(svgs["processus"]).getroot()
    assert any("non vu" in (t.text or "") for t in proc.iter("{http://www.w3.org/2000/svg}text"))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (make installs it)")
def test_pdf_is_a4_with_pages(published: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(published / "synthese.pdf")
    assert len(reader.pages) >= 2  # one wall per page at least
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_PT, abs=1.0)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Clause d'insertion" in text and "Sourcing local" in text


def test_publish_without_pdf_and_on_a_copy(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(published, out)
    (out / "synthese.pdf").unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["publish", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (out / "synthese.html").is_file() and not (out / "synthese.pdf").exists()
