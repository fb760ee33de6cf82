"""The workshop file: the sample loads, and every mistake is reported with file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capture.core.config import CONFIG
from capture.core.errors import EXIT_USAGE, WorkshopError
from capture.core.workshop import load_workshop, parse_workshop
from capture.kit.layout import layout_workshop

SAMPLE = (
    Path(__file__).resolve().parents[1] / "samples" / "residence-achats-durables" / "workshop.yaml"
)
BASE = SAMPLE.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _error(text: str, tmp_path: Path) -> str:
    path = tmp_path / "atelier.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkshopError) as info:
        load_workshop(path)
    assert info.value.exit_status == EXIT_USAGE
    message = info.value.message
    assert str(path) in message  # every message names the file
    return message


def _edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def test_sample_workshop_loads():
    ws = load_workshop(SAMPLE)
    kinds = [b.kind for _, b in ws.boards()]
    assert kinds.count("story") == 4 and kinds.count("process") == 1 and kinds.count("mire") == 1
    assert kinds.count("verbatim") >= 12
    assert [w.title for w in ws.walls] == [
        "Projection collective en fictions",
        "Cartographie du processus d'achat",
        "Vous nous avez dit…",
    ]
    assert ws.stickers.diameter_mm == 12 and ws.stickers.colors == [
        "red",
        "green",
        "blue",
        "yellow",
    ]
    assert ws.notes.size_mm == 76
    process = next(b for _, b in ws.boards() if b.kind == "process")
    assert process.phases[0].label == "Définition du besoin"
    assert process.phases[-1].label == "Exécution et suivi"
    kit = layout_workshop(ws)
    assert len(kit.boards) == len(kinds) + 1  # and the calibration card


def test_defaults_for_stickers_and_notes():
    text = re.sub(r"stickers:.*?\n\n", "", BASE, count=1, flags=re.S)
    text = re.sub(r"notes:.*?\n\n", "", text, count=1, flags=re.S)
    ws = parse_workshop(text)
    assert ws.stickers.diameter_mm == 12 and ws.stickers.colors == [
        "red",
        "green",
        "blue",
        "yellow",
    ]
    assert ws.notes.size_mm == 76 and ws.notes.colors == [
        "yellow",
        "pink",
        "orange",
        "green",
        "blue",
    ]


def test_wrong_kind_names_line_and_field(tmp_path):
    msg = _error(_edit("kind: mire", "kind: mirror"), tmp_path)
    assert f":{_line_of(BASE, 'kind: mire')}:" in msg
    assert "walls[1].boards[1].kind" in msg and "'verbatim'" in msg


def test_duplicate_board_id_points_at_the_second_one(tmp_path):
    text = _edit("{id: verbatim-02,", "{id: verbatim-01,")
    msg = _error(text, tmp_path)
    assert f":{_line_of(BASE, 'id: verbatim-02,')}:" in msg
    assert "walls[2].boards[1].id" in msg and "'verbatim-01'" in msg and "walls[2].boards[0]" in msg


def test_reserved_calibration_id(tmp_path):
    msg = _error(_edit("{id: verbatim-05,", "{id: calibration,"), tmp_path)
    assert f":{_line_of(BASE, 'id: verbatim-05,')}:" in msg and "réservé" in msg


def test_missing_closing_quote_names_the_line_that_opens_it(tmp_path):
    line = 'title: "Projection collective en fictions"'
    msg = _error(_edit(line, line[:-1]), tmp_path)
    assert "YAML invalide" in msg
    assert f"la ligne {_line_of(BASE, line)} ouvre un guillemet" in msg


def test_unknown_colour(tmp_path):
    msg = _error(
        _edit("colors: [red, green, blue, yellow]", "colors: [red, magenta, blue]"), tmp_path
    )
    assert f":{_line_of(BASE, 'colors: [red, green')}:" in msg
    assert "stickers.colors[1]" in msg and "'red'" in msg


def test_white_notes_are_refused(tmp_path):
    """White notes or stickers cannot be told from the boards' paper: refused, not missed."""
    msg = _error(
        _edit("colors: [red, green, blue, yellow]", "colors: [red, white, blue]"), tmp_path
    )
    assert f":{_line_of(BASE, 'colors: [red, green')}:" in msg
    assert "blancs" in msg


def test_bad_yaml_syntax(tmp_path):
    msg = _error(_edit("  diameter_mm: 12\n", "  diameter_mm: 12\n bad: [1\n"), tmp_path)
    assert re.search(r"atelier\.yaml:\d+: YAML invalide", msg)
    msg = _error(_edit("  diameter_mm: 12\n", "\tdiameter_mm: 12\n"), tmp_path)
    assert f":{_line_of(BASE, 'diameter_mm: 12')}:" in msg and "tabulations" in msg


def test_aliases_are_refused(tmp_path):
    text = _edit("  diameter_mm: 12", "  diameter_mm: &d 12").replace(
        "  size_mm: 76", "  size_mm: *d"
    )
    msg = _error(text, tmp_path)
    assert f":{_line_of(BASE, 'size_mm: 76')}:" in msg and "alias (*nom) sont interdits" in msg


def test_billion_laughs_is_refused_before_expanding():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(WorkshopError, match="alias"):
        parse_workshop(bomb, "bomb.yaml")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']", "!mm 12"])
def test_custom_tags_are_refused(tmp_path, tag):
    msg = _error(_edit("  diameter_mm: 12", f"  diameter_mm: {tag}"), tmp_path)
    assert f":{_line_of(BASE, 'diameter_mm: 12')}:" in msg and "tag" in msg


def test_misspelt_field(tmp_path):
    msg = _error(_edit("  diameter_mm: 12", "  diametre_mm: 12"), tmp_path)
    assert f":{_line_of(BASE, 'diameter_mm: 12')}:" in msg and "stickers.diametre_mm" in msg


def test_verbatim_without_quote(tmp_path):
    quote = ', text: "Les labels, on ne sait pas lesquels sont sérieux."'
    msg = _error(_edit(quote, ""), tmp_path)
    assert f":{_line_of(BASE, 'id: verbatim-11,')}:" in msg
    assert "walls[2].boards[10]" in msg and "text" in msg


def test_oversize_file(tmp_path):
    msg = _error(BASE + "#" * (CONFIG.limits.workshop_max_bytes + 1) + "\n", tmp_path)
    assert "dépasse" in msg


def test_not_a_mapping_and_missing_file(tmp_path):
    assert ":1:" in _error("- a\n- b\n", tmp_path)
    with pytest.raises(WorkshopError, match="introuvable"):
        load_workshop(tmp_path / "absent.yaml")
