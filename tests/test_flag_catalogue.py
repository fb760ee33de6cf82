"""The flag catalogue: every flag the code can raise has its wording there, and every wording
renders. The code is read (not run) for the findings it can emit."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from capture.core.model import Finding
from capture.interpret.flags import CATALOGUE, render

CAPTURE = Path(__file__).resolve().parents[1] / "capture"
CONTEXT = {"board", "zone", "item"}  # a finding's own fields, always there for the sentence


def _literals(node: ast.expr, assigned: dict[str, list[ast.expr]]) -> set[str] | None:
    """The strings an expression can take: a literal, a conditional of literals, or a name
    assigned such in the same function; None when it cannot be told by reading."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _literals(node.body, assigned), _literals(node.orelse, assigned)
        return None if a is None or b is None else a | b
    if isinstance(node, ast.Name) and node.id in assigned:
        out: set[str] = set()
        for value in assigned[node.id]:
            got = _literals(value, assigned)
            if got is None:
                return None
            out |= got
        return out
    return None


def _dict_keys(node: ast.expr | None) -> set[str] | None:
    if node is None:
        return set()
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return {k.value for k in node.keys}  # type: ignore[union-attr]
    return None  # built elsewhere: the renderings below check it


def _arg(call: ast.Call, pos: int, name: str) -> ast.expr | None:
    if len(call.args) > pos:
        return call.args[pos]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _emitted() -> list[tuple[str, str, str, set[str] | None]]:
    """(file:line, code, variant, value keys or None) for every Finding the code builds."""
    out = []
    for path in sorted(CAPTURE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            assigned.setdefault(t.id, []).append(node.value)
            for node in ast.walk(fn):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                        "Finding", "Impossible")):
                    continue
                where = f"{path.relative_to(CAPTURE.parent)}:{node.lineno}"
                if node.func.id == "Impossible":  # register: why a homography is impossible
                    (reason,) = _literals(node.args[0], assigned) or {None}
                    out.append((where, "degenerate_homography", reason, None))
                    continue
                codes = _literals(node.args[0], assigned)
                assert codes is not None and len(codes) == 1, f"{where}: code is not a literal"
                variant = _arg(node, 1, "variant")
                variants = {""} if variant is None else _literals(variant, assigned)
                if variants is None and ast.unparse(variant) == "impossible.reason":
                    continue  # the Impossible(...) calls above name them
                assert variants is not None, f"{where}: variant cannot be read"
                keys = _dict_keys(_arg(node, 2, "values"))
                out += [(where, next(iter(codes)), v, keys) for v in sorted(variants)]
    return out


def test_every_finding_the_code_emits_has_its_wording_and_values() -> None:
    emitted = _emitted()
    assert len(emitted) >= 30  # the scan does find the detectors' findings
    for where, code, variant, keys in emitted:
        assert (code, variant) in CATALOGUE, f"{where}: ({code!r}, {variant!r}) not catalogued"
        if keys is not None:
            fields = {f for _, f, _, _ in string.Formatter().parse(
                CATALOGUE[(code, variant)].message) if f}
            assert fields <= keys | CONTEXT, f"{where}: {fields - keys - CONTEXT} missing"
    # and nothing catalogued that no code raises (a sentence nobody can see)
    assert set(CATALOGUE) == {(code, variant) for _, code, variant, _ in emitted}


def _sample(spec: str) -> object:
    return 0.42 if spec and spec[-1] in "f%g" else "x"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_wording_renders(key: tuple[str, str]) -> None:
    wording = CATALOGUE[key]
    values = {f: _sample(spec) for _, f, spec, _ in string.Formatter().parse(wording.message)
              if f and f not in CONTEXT}
    flag = render(Finding(*key, values, board="story", zone="agree", item="story-n01"))
    assert (flag.code, flag.board, flag.zone, flag.item) == (key[0], "story", "agree", "story-n01")
    assert flag.severity in ("info", "warning", "error")
    assert flag.message and "{" not in flag.message and "None" not in flag.message


def test_values_are_written_as_the_detectors_wrote_them() -> None:
    degenerate = Finding("degenerate_homography", "scale",
                         {"markers": [3, 7], "scale_min": 0.004, "scale_max": 0.0051}, board="b")
    assert render(degenerate).message == (
        "Les repères [3, 7] du panneau b donnent une géométrie impossible (échelle absurde "
        "(0.00-0.01 px/mm)) : le panneau a été ignoré.")
    covered = Finding("note_covered", "", {"share": 0.254, "by": ("b-n02", "b-n05")}, board="b",
                      item="b-n01")
    assert render(covered).message == (
        "Le post-it b-n01 est recouvert à 25% par b-n02, b-n05 : une partie de son texte peut "
        "être cachée. Vérifiez-le sur le mur.")
    braces = Finding("analysis_failed", "board", {"error": "KeyError: '{x}'"}, board="b")
    assert render(braces).message == "Le panneau b n'a pas pu être analysé : KeyError: '{x}'"
    card = Finding("board_missing", "card", {"title": "Carte"}, board="c")
    assert render(card).severity == "info"


# Where a Flag (a worded flag) may be built: the catalogue, and the reader of the JSON outputs.
FLAG_BUILDERS = {"capture/interpret/flags.py", "capture/io/json_in.py"}


def test_flags_are_worded_only_by_the_catalogue() -> None:
    """Code elsewhere reports a Finding; a Flag(...) or a {"code", "severity", "message"} dict
    built anywhere else would be a sentence outside the catalogue."""
    stray = []
    for path in sorted(CAPTURE.rglob("*.py")):
        name = str(path.relative_to(CAPTURE.parent))
        if name in FLAG_BUILDERS or name.startswith(("capture/synth/", "capture/bench/")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Flag":
                stray.append(f"{name}:{node.lineno} Flag(...)")
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                message = next((v for k, v in zip(node.keys, node.values, strict=True)
                                if isinstance(k, ast.Constant) and k.value == "message"), None)
                if {"code", "severity"} <= keys and isinstance(message, ast.JoinedStr):
                    stray.append(f"{name}:{node.lineno} flag dict with an f-string message")
    assert not stray, "build a Finding and word it with capture.interpret.flags.render: " + str(
        stray)
