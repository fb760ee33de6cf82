"""report.html and `capture apply`, without a browser: content, escaping, images, corrections."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from report_fixture import NOTE_RGB, STICKER_RGB, XSS, build_outputs, snapshot

import capture.app.report as report_module
from capture.app.corrections import CorrectionsError, apply_corrections, schema_errors
from capture.app.report import (
    asset_sizes,
    build_assets,
    build_model,
    json_for_script,
    load_outputs,
    photo_assets,
    slug,
    vote_chart,
    write_report,
)
from capture.cli import main
from capture.core.config import CONFIG
from capture.io.csv_out import read_csv
from capture.io.decode import load_photo
from capture.io.schema import validate

WORKSHOP = "residence-achats-durables"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("report"))


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    """A private copy of the outputs (apply rewrites them); photos stay where they were."""
    dst = tmp_path / "out"
    shutil.copytree(built, dst)
    return dst



def _corrections(path: Path, items: list[dict], author: str = "Camille") -> Path:
    path.write_text(json.dumps({"version": 1, "workshop": WORKSHOP, "author": author,
                                "corrections": items}), "utf-8")
    return path


def test_report_page_images_and_offline(built: Path) -> None:
    html = (built / "report.html").read_text("utf-8")
    assert "Télécharger les corrections" in html and "À vérifier" in html
    assert not re.search(r"""(src|href)=["']https?:""", html), "the page must work offline"
    srcs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(srcs) >= 2 + 5 + 5  # 2 photos, 5 rectified boards, 5 note crops
    for src in srcs:
        assert (built / src).is_file(), src
    photo = Image.open(built / "report_assets/IMG_0001.jpg")
    assert max(photo.size) <= 1600
    assert all('loading="lazy"' in tag for tag in re.findall(r"<img[^>]+>", html))


def test_text_from_photos_is_escaped(built: Path) -> None:
    html = (built / "report.html").read_text("utf-8")
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r"<script", html)) == 2  # the JSON data block and the page's code
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert "\\u003cscript\\u003e" in data.group(1)
    assert json.loads(data.group(1))["workshop"] == WORKSHOP
    # the Content-Security-Policy pins the inline script by its hash
    import base64
    import hashlib

    code = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert "onerror=" not in html and "onclick=" not in html


def test_json_for_script_cannot_close_the_block() -> None:
    text = json_for_script({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_vote_chart_orders() -> None:
    votes = [{"board": "a", "text": "A", "agree": 8, "disagree": 2},
             {"board": "b", "text": "B", "agree": 5, "disagree": 5},
             {"board": "c", "text": "C", "agree": 1, "disagree": 0},
             {"board": "d", "text": "D", "agree": 0, "disagree": 0}]
    by_agreement = [r["board"] for r in vote_chart(votes, "agreement", 80)["rows"]]
    by_controversy = [r["board"] for r in vote_chart(votes, "controversy", 80)["rows"]]
    assert by_agreement == ["c", "a", "b", "d"]  # 100 %, 80 %, 50 %, no vote last
    assert by_controversy == ["b", "a", "c", "d"]  # 10 split votes, then 8/2, then 1/0
    rows = vote_chart(votes, "agreement", 80)["rows"]
    assert rows[1]["wa"] == pytest.approx(4 * rows[1]["wd"])  # bar lengths follow the counts


def _close(rgb: np.ndarray, ref: tuple[int, int, int], tol: float = 45) -> bool:
    return float(np.abs(rgb.astype(float) - ref).max()) < tol


def test_overlays_land_on_what_was_photographed(built: Path) -> None:
    """The overlay's notes and stickers sit on the note / sticker pixels of the image copies."""
    outputs = load_outputs(built)
    model = build_model(outputs, json.loads((built / "report_assets/manifest.json").read_text()))
    photo = next(p for p in model["photos"] if p["file"] == "IMG_0001.jpg")
    img = np.asarray(Image.open(built / photo["image"]["src"]).convert("RGB"))
    doc = dict(outputs.photos)["IMG_0001"]
    assert len(photo["overlay"]["dots"]) == len(doc["dots"]) == 21
    for d, src in zip(photo["overlay"]["dots"], doc["dots"], strict=True):
        assert _close(img[round(d["cy"]), round(d["cx"])], STICKER_RGB[src["color"]], 70)
    for a in doc["actions"]:  # the note colour at the centre of its projected outline
        anchor = slug("note", "IMG_0001", a["id"])
        n = next(n for n in photo["overlay"]["notes"] if n["anchor"] == anchor)
        pts = np.array([[float(v) for v in p.split(",")] for p in n["pts"].split()])
        cx, cy = pts.mean(axis=0)
        assert _close(img[round(cy), round(cx)], NOTE_RGB[a["color"]])
    # the rectified board: board mm scale to its image
    board = next(b for b in photo["boards"] if b["id"] == "verbatim-01")
    bimg = np.asarray(Image.open(built / board["image"]["src"]).convert("RGB"))
    ppm = bimg.shape[1] / board["w"]
    for d in board["dots"]:
        assert _close(bimg[round(d["cy"] * ppm), round(d["cx"] * ppm)], STICKER_RGB[d["color"]], 60)


def test_summary_model(built: Path) -> None:
    outputs = load_outputs(built)
    model = build_model(outputs, {})
    t = model["totals"]
    totals = (t["photos"], t["photos_ok"], t["stickers"], t["actions"], t["notes"])
    assert totals == (3, 2, 21, 3, 2)
    walls = {w["title"]: w for w in model["walls"]}
    verbatims = walls["Vous nous avez dit…"]
    assert [len(c["rows"]) for c in verbatims["charts"]] == [3, 3]
    mire = walls["Cartographie du processus d'achat"]["mires"][0]["model"]
    assert len(mire["points"]) == 3
    p = next(p for p in mire["points"] if p["text"] == "Former les acheteurs")  # x .15, y .85
    assert p["cx"] < mire["pad_l"] + mire["size"] / 3 and p["cy"] < mire["pad_t"] + mire["size"] / 3
    sev = [f["severity"] for f in model["flags"]]
    assert sev == sorted(sev, key=["error", "warning", "info"].index)  # most serious first
    assert (model["flags"][0]["file"], model["flags"][0]["code"]) == ("IMG_0003.jpg", "empty_file")
    assert model["flags"][0]["anchor"] == "ph-IMG_0003"
    assert all(f["anchor"] for f in model["flags"] if f["code"] != "board_missing")


def test_report_without_the_original_photos_is_schematic(out: Path, tmp_path: Path) -> None:
    shutil.rmtree(out / "report_assets")
    for doc_path in (out / "photos").glob("*.json"):  # as if the photos were moved away
        doc = json.loads(doc_path.read_text())
        doc["path"] = str(tmp_path / "gone" / doc["file"])
        doc_path.write_text(json.dumps(doc))
    html = write_report(out).read_text("utf-8")
    gone = tmp_path / "gone" / "IMG_0001.jpg"
    assert f"Photo introuvable : IMG_0001.jpg</strong> n'est plus à {gone}" in html
    assert html.count('class="ov-dot') == 2 * 21  # photo overlay + schematic boards
    assert 'class="overlay schematic"' in html


def test_capture_report_rebuilds_identically(out: Path) -> None:
    before = (out / "report.html").read_bytes()
    (out / "report.html").unlink()
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_bytes() == before


def test_apply_corrections_and_idempotence(out: Path, tmp_path: Path) -> None:
    corr = _corrections(tmp_path / "corrections.json", [
        {"target": {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n01"},
         "set": {"text": "Mutualiser les achats", "x": 0.1, "y": 0.95}},
        {"target": {"photo": "IMG_0002.jpg", "board": "processus", "note": "processus-n00"},
         "set": {"zone": "redaction"}},
        {"target": {"photo": "IMG_0002.jpg", "board": "processus", "note": "processus-n01"},
         "false_detection": True},
        {"target": {"board": "verbatim-02", "zone": "disagree"},
         "set": {"count": 6, "by_color": {"red": 3, "green": 1, "blue": 1, "yellow": 1}}},
    ])
    summary = apply_corrections(out, corr)
    assert (summary.corrections, summary.changed) == (4, 4)
    session = json.loads((out / "session.json").read_text())
    validate(session, "session")
    a = next(a for a in session["actions"] if a["id"] == "mire-n01")
    assert (a["text"], a["x"], a["y"], a["cell"]) == ("Mutualiser les achats", 0.1, 0.95,
                                                      "court terme / impact fort")
    assert a["verified"] is True and a["corrected_by"] == "Camille"
    assert a["machine"]["text"] == XSS and a["machine"]["x"] == 0.5
    n = next(n for n in session["notes"] if n["id"] == "processus-n00")
    assert n["zone"] == "redaction" and n["verified"]
    assert "processus-n01" not in {n["id"] for n in session["notes"]}
    assert session["rejected_notes"][0]["id"] == "processus-n01"
    # the retake warning goes once every note no photo showed legibly is checked or rejected
    retake = {f["board"]: f.get("resolved", False) for f in session["flags"]
              if f["code"] == "text_too_small"}
    assert retake == {"processus": True, "mire": False}  # two of mire's three notes unchecked
    v = next(v for v in session["votes"] if v["board"] == "verbatim-02")
    assert (v["agree"], v["disagree"], v["by_color"]["disagree"]["red"]) == (5, 6, 3)
    assert v["machine"]["disagree"] == 5 and v["verified_zones"] == ["disagree"]
    photo = json.loads((out / "photos/IMG_0001.json").read_text())
    validate(photo, "photo")
    assert next(v for v in photo["votes"] if v["board"] == "verbatim-02")["disagree"] == 6
    flag = next(f for f in photo["flags"] if f["code"] == "ambiguous_cluster")
    assert flag["resolved"] is True
    # CSV and report follow
    notes_rows = read_csv(out / "notes.csv")
    assert {r["note_id"] for r in notes_rows} == {"processus-n00"}
    assert notes_rows[0]["verified"] == "oui" and notes_rows[0]["zone"] == "redaction"
    action = next(r for r in read_csv(out / "actions.csv") if r["note_id"] == "mire-n01")
    assert (action["text"], action["verified"], action["corrected_by"]) == (
        "Mutualiser les achats", "oui", "Camille")
    row = next(r for r in read_csv(out / "votes.csv") if r["board"] == "verbatim-02")
    assert row["disagree"] == "6" and row["verified_zones"] == "disagree"
    html = (out / "report.html").read_text("utf-8")
    assert "Mutualiser les achats" in html and "vérifié" in html
    # twice: nothing changes, byte for byte
    before = snapshot(out)
    again = apply_corrections(out, corr)
    assert again.changed == 0
    assert snapshot(out) == before


def test_false_detection_can_be_undone(out: Path, tmp_path: Path) -> None:
    target = {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n02"}
    apply_corrections(out, _corrections(tmp_path / "a.json",
                                        [{"target": target, "false_detection": True}]))
    assert len(json.loads((out / "session.json").read_text())["actions"]) == 2
    apply_corrections(out, _corrections(tmp_path / "b.json",
                                        [{"target": target, "false_detection": False}]))
    session = json.loads((out / "session.json").read_text())
    assert len(session["actions"]) == 3 and "rejected_notes" not in session
    assert len(read_csv(out / "actions.csv")) == 3


def test_invalid_corrections_exit_2_and_change_nothing(out: Path, tmp_path: Path) -> None:
    before = snapshot(out)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "workshop": WORKSHOP, "corrections": [
        {"target": {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n00"},
         "set": {"x": 1.5}},
        {"target": {"board": "verbatim-01", "zone": "agree"}, "set": {"count": -1}}]}))
    result = CliRunner().invoke(main, ["apply", str(out), str(bad)])
    assert result.exit_code == 2
    assert "set/x" in result.output and "set/count" in result.output
    unknown = _corrections(tmp_path / "unknown.json", [
        {"target": {"photo": "IMG_0001.jpg", "board": "mire", "note": "mire-n99"},
         "set": {"text": "x"}},
        {"target": {"board": "verbatim-09", "zone": "agree"}, "set": {"count": 1}}])
    with pytest.raises(CorrectionsError) as exc:
        apply_corrections(out, unknown)
    assert "mire-n99" in exc.value.message and "verbatim-09" in exc.value.message
    assert exc.value.exit_status == 2
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"version": 1, "workshop": "autre-atelier", "corrections": []}))
    assert CliRunner().invoke(main, ["apply", str(out), str(other)]).exit_code == 2
    (tmp_path / "broken.json").write_text("{not json")
    broken = tmp_path / "broken.json"
    assert CliRunner().invoke(main, ["apply", str(out), str(broken)]).exit_code == 2
    assert snapshot(out) == before


def test_schema_accepts_what_the_page_writes() -> None:
    doc = {"version": 1, "workshop": WORKSHOP, "author": "Camille", "created": "2026-01-01T10:00Z",
           "corrections": [
               {"target": {"photo": "a.jpg", "board": "mire", "note": "mire-n00"},
                "set": {"text": "t", "zone": None, "x": 0, "y": 1}},
               {"target": {"photo": "a.jpg", "board": "mire", "note": "mire-n01"},
                "false_detection": True},
               {"target": {"board": "verbatim-01", "zone": "agree"},
                "set": {"count": 2, "by_color": {"red": 2}}}]}
    assert schema_errors(doc) == []
    assert schema_errors(dict(doc, corrections=[{"target": {"board": "b", "zone": "z"}}]))
    assert schema_errors(dict(doc, extra=1))


def test_capture_report_needs_the_layout_or_the_workshop(out: Path) -> None:
    from report_fixture import WORKSHOP as WORKSHOP_FILE

    (out / "layout.json").unlink()
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 2 and "--workshop" in result.output
    result = CliRunner().invoke(main, ["report", str(out), "--workshop", str(WORKSHOP_FILE)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "layout.json").read_text())["workshop"] == WORKSHOP


def test_text_read_on_another_photo_is_shown_and_not_a_correction(out: Path) -> None:
    session = json.loads((out / "session.json").read_text("utf-8"))
    entry = next(a for a in session["actions"] if a["text"] == "Former les acheteurs")
    own = entry["text"]
    entry["text_from"] = {"file": "IMG_0009.jpg", "id": "mire-n04", "crop": None,
                          "text": own, "ocr_confidence": 0.4}
    entry["text"], entry["ocr_confidence"] = "Former nos acheteurs", 0.93
    (out / "session.json").write_text(json.dumps(session, ensure_ascii=False), "utf-8")
    validate(session, "session")
    html = write_report(out).read_text("utf-8")
    assert ("Texte retenu pour les résultats : celui lu sur IMG_0009.jpg, la photo où la "
            "lecture est la plus sûre (confiance 93 %)") in html
    assert f"cette photo lisait « {own} »" in html
    assert ">Former nos acheteurs</textarea>" in html
    # the page's script only sends what a person changed: its reference is the shown text
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', html, re.S).group(1))
    key = f"{entry['file']}|{entry['board']}|{entry['id']}"
    assert data["notes"][key]["text"] == "Former nos acheteurs"


def test_report_images_made_while_decoded_are_reused_as_made_again(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run writes each photo's report images while the photo is decoded (photo_assets); the
    report then takes them without decoding the photo again, and they are the very bytes the
    report makes from the photo file."""
    made = {p.name: p.read_bytes() for p in (out / "report_assets").iterdir()}
    shutil.rmtree(out / "report_assets")
    outputs = load_outputs(out)
    sizes = asset_sizes(outputs.layout)
    fresh = {}
    for stem, doc in outputs.photos:
        if doc.get("status") == "ok":
            rgb, _ = load_photo(Path(doc["path"]), CONFIG.limits)
            fresh[stem] = photo_assets(rgb, stem, doc, sizes, out)
    assert len(fresh) == 2

    def no_decode(*_a, **_k):
        raise AssertionError("the report decoded a photo again")

    monkeypatch.setattr(report_module, "load_photo", no_decode)
    assets = build_assets(outputs, CONFIG, fresh)
    assert assets == fresh
    again = {p.name: p.read_bytes() for p in (out / "report_assets").iterdir()}
    assert again == made
