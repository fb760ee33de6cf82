"""Hostile or careless workshop and corrections files: a clean error naming the problem (exit
2), never a traceback nor a silent choice; texts that would reorder the report are cleaned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixture import build_outputs

from capture.app.corrections import CorrectionsError, apply_corrections
from capture.cli import main
from capture.core.errors import WorkshopError
from capture.core.workshop import parse_workshop

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "samples/residence-achats-durables/workshop.yaml"
TINY = """id: w
title: Atelier
walls:
  - id: mur
    title: Mur
    boards:
      - id: v1
        kind: verbatim
        title: Verbatim
        text: Une citation
"""


@pytest.mark.parametrize(("text", "line", "words"), [
    (TINY.replace("title: Atelier\n", "title: Atelier\nmarker_id_offset: " + "9" * 5000 + "\n"),
     3, "trop long"),
    (TINY.replace("title: Atelier\n", "title: Atelier\nid: autre\n"), 3, "deux fois"),
    (TINY.replace("        title: Verbatim\n", "        title: Verbatim\n        title: Bis\n"),
     10, "deux fois"),
], ids=["5000-digit-integer", "duplicate-top-key", "duplicate-board-key"])
def test_workshop_file_errors_name_their_line(text: str, line: int, words: str) -> None:
    with pytest.raises(WorkshopError) as err:
        parse_workshop(text, "w.yaml")
    assert err.value.message.startswith(f"w.yaml:{line}:") and words in err.value.message


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def out(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine, tmp_path / "out")
    return tmp_path / "out"


def _note(out: Path) -> dict:
    return json.loads((out / "session.json").read_text("utf-8"))["notes"][0]


def _write(tmp_path: Path, corrections: list[dict], raw: str | None = None) -> Path:
    p = tmp_path / "corrections.json"
    p.write_text(raw if raw is not None else json.dumps(
        {"version": 1, "workshop": "residence-achats-durables", "corrections": corrections}))
    return p


def _target(n: dict) -> dict:
    return {"photo": n["file"], "board": n["board"], "note": n["id"]}


def _refused(out: Path, corr: Path, words: str) -> None:
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(CorrectionsError) as err:
        apply_corrections(out, corr, report=False)
    assert words in err.value.message, err.value.message
    assert err.value.exit_status == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_nan_in_a_correction_is_refused(out: Path, tmp_path: Path) -> None:
    n = _note(out)
    raw = json.dumps({"version": 1, "workshop": "residence-achats-durables", "corrections": [
        {"target": _target(n), "set": {"x": 0.5}}]}).replace("0.5", "NaN")
    _refused(out, _write(tmp_path, [], raw), "NaN")


def test_a_colour_the_workshop_does_not_declare_is_refused(out: Path, tmp_path: Path) -> None:
    n = _note(out)
    _refused(out, _write(tmp_path, [{"target": _target(n), "set": {"color": "purple"}}]),
             "'purple' n'est pas une couleur de post-it")


def test_conflicting_corrections_of_one_note_are_reported(out: Path, tmp_path: Path) -> None:
    n = _note(out)
    _refused(out, _write(tmp_path, [{"target": _target(n), "set": {"text": "Un"}},
                                    {"target": _target(n), "set": {"text": "Deux"}}]),
             "corrigent")
    # the same value twice is no conflict
    corr = _write(tmp_path, [{"target": _target(n), "set": {"text": "Un"}},
                             {"target": _target(n), "set": {"text": "Un"}}])
    apply_corrections(out, corr, report=False)
    assert _note(out)["text"] == "Un"


def test_a_huge_corrections_file_is_refused_unread(out: Path, tmp_path: Path) -> None:
    corr = tmp_path / "corrections.json"
    corr.write_bytes(b" " * 6_000_000 + b"{}")
    _refused(out, corr, "octets")


def test_apply_without_layout_json_names_an_option_that_exists(out: Path, tmp_path: Path) -> None:
    (out / "layout.json").unlink()
    n = _note(out)
    corr = _write(tmp_path, [{"target": _target(n), "set": {"text": "Corrigé"}}])
    res = CliRunner().invoke(main, ["apply", str(out), str(corr)])
    assert res.exit_code == 2 and "--workshop" in res.output, res.output
    res = CliRunner().invoke(main, ["apply", str(out), str(corr), "--workshop", str(WORKSHOP)])
    assert res.exit_code == 0, res.output
    assert _note(out)["text"] == "Corrigé"


def test_bidi_controls_never_reach_the_report(out: Path, tmp_path: Path) -> None:
    n = _note(out)
    text = "prix \u202eHT\u202c \u2066x\u2069 \u200f"
    apply_corrections(out, _write(tmp_path, [{"target": _target(n), "set": {"text": text}}]))
    assert _note(out)["text"] == text  # the data is kept as given
    html = (out / "report.html").read_text("utf-8")
    assert "prix HT x" in html
    for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert c not in html
    # nor the synthesis, which shows the same texts to readers
    res = CliRunner().invoke(main, ["publish", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    page = (out / "synthese.html").read_text("utf-8")
    assert "prix HT x" in page
    for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert c not in page
