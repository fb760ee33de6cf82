"""corrections.json under random input: applied, or a clean CorrectionsError (exit 2) that
changes nothing; and applying the same file twice is the same as applying it once."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from report_fixture import build_outputs, snapshot

from capture.app.corrections import CorrectionsError, apply_corrections
from capture.io.schema import validate

FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("corr"))


def _pools(out: Path) -> dict:
    session = json.loads((out / "session.json").read_text("utf-8"))
    layout = json.loads((out / "layout.json").read_text("utf-8"))
    notes = []
    for p in session["photos"]:
        if p.get("json"):
            doc = json.loads((out / p["json"]).read_text("utf-8"))
            notes += [(doc["file"], n["board"], n["id"]) for n in doc["notes"] + doc["actions"]]
    zones = {b["id"]: [z["id"] for z in b["zones"]] for b in layout["boards"]}
    votes = [(v["board"], z) for v in session["votes"] for z in zones[v["board"]]]
    return {"workshop": session["workshop"], "notes": notes, "zones": zones, "votes": votes}



junk = st.recursive(st.none() | st.booleans() | st.integers(-5, 10**6)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=8)
colours = st.sampled_from(["red", "green", "blue", "yellow", "pink", "unknown"])
bad_colours = st.sampled_from(["Rouge", "", "red "])


def _rare(draw: st.DrawFn) -> bool:
    """True one time in 12: most documents should be valid, so that applying is exercised."""
    return draw(st.integers(0, 11)) == 0


@st.composite
def correction(draw: st.DrawFn, pools: dict) -> object:
    kind = "junk" if _rare(draw) else draw(st.sampled_from(["note", "vote"]))
    if kind == "junk" or not pools["notes"]:
        return draw(junk)
    if kind == "note":
        photo, board, note = draw(st.sampled_from(pools["notes"]))
        if _rare(draw):
            note = draw(st.text(max_size=10))
        c: dict = {"target": {"photo": photo, "board": board, "note": note}}
        s = {}
        if draw(st.booleans()):
            s["text"] = draw(st.text(max_size=40))
        if draw(st.booleans()):
            s["zone"] = draw(st.sampled_from([*pools["zones"][board], None, "nowhere"]))
        for k in ("x", "y"):
            if draw(st.booleans()):
                s[k] = draw(st.floats(-0.2, 1.2) if _rare(draw) else st.floats(0, 1))
        if draw(st.booleans()):
            s["color"] = draw(bad_colours if _rare(draw) else colours)
        if s or draw(st.booleans()):
            c["set"] = s
        if draw(st.integers(0, 3)) == 0:
            c["false_detection"] = draw(st.booleans())
    else:
        board, zone = draw(st.sampled_from(pools["votes"]))
        c = {"target": {"board": board, "zone": zone}, "set": {}}
        if draw(st.booleans()):
            c["set"]["count"] = draw(st.integers(-2, 30) if _rare(draw) else st.integers(0, 30))
        if draw(st.booleans()) or not c["set"]:
            c["set"]["by_color"] = draw(st.dictionaries(
                bad_colours if _rare(draw) else colours,
                st.integers(-1, 9) if _rare(draw) else st.integers(0, 9), max_size=3))
            if "count" in c["set"] and not _rare(draw):
                c["set"]["count"] = sum(c["set"]["by_color"].values())
    if _rare(draw):  # an unknown key somewhere
        c[draw(st.text(max_size=6))] = draw(junk)
    return c


@st.composite
def documents(draw: st.DrawFn, pools: dict) -> bytes:
    shape = draw(st.integers(0, 19))
    if shape == 0:
        return draw(st.binary(max_size=200))
    if shape == 1:
        return json.dumps(draw(junk)).encode()
    doc: dict = {"version": draw(st.sampled_from([2, "1"])) if _rare(draw) else 1,
                 "workshop": "other" if _rare(draw) else pools["workshop"],
                 "corrections": draw(st.lists(correction(pools), max_size=4))}
    if draw(st.booleans()):
        doc["author"] = draw(st.text(max_size=90))
    if _rare(draw):
        del doc[draw(st.sampled_from(sorted(doc)))]
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_random_corrections_apply_or_exit_2(pristine: Path, data: st.DataObject) -> None:
    pools = _pools(pristine)
    raw = data.draw(documents(pools))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        shutil.copytree(pristine, out)
        corr = Path(tmp) / "corrections.json"
        corr.write_bytes(raw)
        before = snapshot(out)
        try:
            apply_corrections(out, corr, report=False)
        except CorrectionsError as exc:
            event("refused")
            assert exc.exit_status == 2 and exc.message
            assert snapshot(out) == before  # refused: nothing written
            return
        validate(json.loads((out / "session.json").read_text("utf-8")), "session")
        for p in (out / "photos").glob("*.json"):
            validate(json.loads(p.read_text("utf-8")), "photo")
        event("applied")
        once = snapshot(out)
        again = apply_corrections(out, corr, report=False)
        assert snapshot(out) == once  # twice == once, byte for byte
        targets = [json.dumps(c["target"], sort_keys=True)
                   for c in json.loads(raw)["corrections"]]
        if len(set(targets)) == len(targets):
            # (two corrections of one target in a file each still count as a change, the
            # later one winning: the outputs above are what must not move)
            assert again.changed == 0


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"a":' * 50_000, b"\xff\xfe\x00",
                                 b"", b"null", b'{"version": 1e999}'],
                         ids=["deep-list", "deep-object", "binary", "empty", "null", "inf"])
def test_hostile_files_are_refused_cleanly(pristine: Path, tmp_path: Path, raw: bytes) -> None:
    out = tmp_path / "out"
    shutil.copytree(pristine, out)
    corr = tmp_path / "corrections.json"
    corr.write_bytes(raw)
    with pytest.raises(CorrectionsError):
        apply_corrections(out, corr, report=False)
