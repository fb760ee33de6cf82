"""`capture bench score` (generated sets on disk) and `capture bench real` (photos against
labels by eye), on a small generated wall whose truth is known."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from capture.bench.markerless import bench_markerless
from capture.bench.real_photos import (
    ColourLabels,
    NoteText,
    TextLabels,
    load_labels,
    match_text,
    score_real,
)
from capture.cli import main
from capture.core.errors import UsageError

SEED, MP = 41, 1.0


@pytest.fixture(scope="module")
def wall(tmp_path_factory) -> tuple[Path, dict, dict]:
    """One generated markerless wall (kept by `capture bench accuracy --markerless`'s own
    code, no OCR), its truth, and the bench's summary of it."""
    folder = tmp_path_factory.mktemp("set")
    summary = bench_markerless(1, SEED, "medium", MP, folder, ocr=False)
    truth = json.loads((folder / "truth.json").read_text("utf-8"))["photos"][0]
    return folder, truth, summary


def _labels(truth: dict) -> dict:
    """The colour labels a person would write from this photo's truth: the notes fully in
    view, per colour; every sticker, on a note or not, per colour."""
    notes = Counter(n["color"] for n in truth["notes"] if n["required"])
    stickers: Counter = Counter(d["color"] for d in truth["free_dots"])
    for n in truth["notes"]:
        stickers.update(n["dots"])
    return {"photos": {truth["file"]: {"notes": dict(notes), "stickers": dict(stickers)}}}


@pytest.mark.slow
def test_score_gives_the_bench_figures_photo_by_photo(wall, tmp_path) -> None:
    """The set on disk scored by `capture bench score` gives exactly the figures `capture
    bench accuracy --markerless` gave when it generated and read it."""
    folder, truth, summary = wall
    out = tmp_path / "scores.json"
    res = CliRunner().invoke(main, ["bench", "score", str(folder), "--per-photo", "--jobs", "1",
                                    "--json", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text("utf-8"))
    assert doc["ocr"] is False
    (one,) = doc["sets"]
    assert {k: v for k, v in one["summary"].items() if k != "photos"} == {
        k: v for k, v in summary.items()
        if k not in ("level", "seed", "count", "photos")}
    assert doc["all"] == one["summary"]
    (photo,) = one["photos"]
    assert photo["file"] == truth["file"]
    assert photo["req"] == sum(n["required"] for n in truth["notes"]) > 0
    assert photo["free_truth"] == len(truth["free_dots"])
    assert "markerless sets scored (no OCR)" in res.output  # the table (its width: the terminal's)


def test_score_refuses_a_folder_with_no_truth(tmp_path) -> None:
    res = CliRunner().invoke(main, ["bench", "score", str(tmp_path)])
    assert res.exit_code == 2
    assert "truth.json" in res.output and "capture samples" in res.output


@pytest.mark.slow
def test_real_scores_labels_as_the_truth_says(wall, tmp_path) -> None:
    """Labels written from the truth: the notes the bench found in their colour are right,
    those it missed or named wrong are not; a wrong label lowers the figure; stickers
    counted as none make every sticker found a false one."""
    folder, truth, summary = wall
    labels = _labels(truth)
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(labels), "utf-8")
    (score,) = score_real(folder, load_labels(path, ColourLabels), jobs=1)
    req = sum(n["required"] for n in truth["notes"])
    assert score.labelled == req
    # every required note found in its own colour is right; a note can only be right
    # once, so the right ones are at least those, at most the labelled ones
    colour_right = round(summary["note_colour"] * summary["note_recall"] * req / 1e4)
    assert colour_right <= score.right <= req
    assert score.right >= req - 1  # the bench reads this wall (seed 41, 1 MP) nearly whole

    # one note of a colour the reader found moved to a colour it did not find: one fewer
    found = score.found_notes
    colour = next(c for c, n in labels["photos"][truth["file"]]["notes"].items()
                  if found.get(c, 0) >= n)
    other = next(c for c in ("purple", "blue", "green", "red", "orange", "pink", "yellow",
                             "lime") if found.get(c, 0) == 0)
    wrong = json.loads(json.dumps(labels))
    notes = wrong["photos"][truth["file"]]["notes"]
    notes[colour] -= 1
    notes[other] = 1
    path.write_text(yaml.safe_dump(wrong), "utf-8")
    res = CliRunner().invoke(main, ["bench", "real", str(folder), "--labels", str(path),
                                    "--jobs", "1", "--json", str(tmp_path / "real.json")])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "real.json").read_text("utf-8"))
    assert doc["all"]["notes_right"] == score.right - 1
    assert doc["all"]["notes_labelled"] == req

    # stickers: against the truth, the false ones are those found beyond it; counted as
    # none, every sticker found is false
    stickers_found = sum(score.found_stickers.values())
    assert stickers_found > 0
    assert score.false_stickers == stickers_found - score.stickers_right
    assert score.labels is not None
    bare = replace(score, labels=score.labels.model_copy(update={"stickers": {}}))
    assert bare.false_stickers == stickers_found > score.false_stickers


def test_text_matched_by_the_outline_holding_the_labels_centre() -> None:
    """Each labelled note takes the reading of the found note whose outline holds its
    centre (the nearest one when two overlap); none: nothing read, every letter an edit."""
    def note(x0: float, y0: float, side: float, text: str) -> dict:
        corners = [[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side]]
        return {"corners": corners, "center": [x0 + side / 2, y0 + side / 2], "text": text}

    doc = {"notes": [note(0.1, 0.1, 0.2, "Plan on paper"), note(0.25, 0.1, 0.2, "Dignité"),
                     note(0.6, 0.6, 0.2, "Equite")]}
    labels = [NoteText(center=(0.15, 0.2), text="PLAN ON PAPER"),  # case ignored: exact
              NoteText(center=(0.29, 0.2), text="Dignité"),  # in both: the nearer centre
              NoteText(center=(0.7, 0.7), text="Équité"),  # accents count: 2 edits
              NoteText(center=(0.9, 0.1), text="seul")]  # outside every outline
    t = match_text(labels, doc)
    assert (t.notes, t.matched, t.exact) == (4, 3, 2)
    assert (t.edits, t.chars) == (2 + 4, 13 + 7 + 6 + 4)
    assert t.readings[1] == ("Dignité", "Dignité") and t.readings[3] == ("seul", "")


@pytest.mark.parametrize("text, field", [
    ("photos:\n  a.jpg:\n    notes: {yelow: 3}\n", "yelow"),  # a colour the reader never names
    ("photos:\n  a.jpg:\n    notes: {yellow: -1}\n", "photos.a.jpg.notes.yellow"),
    ("photos:\n  a.jpg:\n    notes: {yellow: 2}\n    sticker: {}\n", "sticker"),  # typo
    ("photos:\n  a.jpg:\n    notes: {yellow: 2\n", ":4"),  # YAML cut: its line
    ("- a.jpg\n", "photos"),
])
def test_a_bad_labels_file_is_a_clear_error(tmp_path, text: str, field: str) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(UsageError) as err:
        load_labels(path, ColourLabels)
    assert str(path) in err.value.message and field in err.value.message
    res = CliRunner().invoke(main, ["bench", "real", str(tmp_path), "--labels", str(path)])
    assert res.exit_code == 2
    assert "labels_invalid" in res.output and field in res.output


def test_text_labels_are_validated_and_missing_photos_named(tmp_path) -> None:
    bad = tmp_path / "text.yaml"
    bad.write_text("photos:\n  a.jpg:\n    - center: [1.4, 0.2]\n      text: x\n", "utf-8")
    with pytest.raises(UsageError, match=r"photos\.a\.jpg\.0\.center"):
        load_labels(bad, TextLabels)
    good = tmp_path / "colours.yaml"
    good.write_text("photos:\n  absent.jpg:\n    notes: {yellow: 1}\n  b.jpg:\n", "utf-8")
    labels = load_labels(good, ColourLabels)
    assert labels.photos["b.jpg"].notes is None  # listed bare: read, not scored
    res = CliRunner().invoke(main, ["bench", "real", str(tmp_path), "--labels", str(good)])
    assert res.exit_code == 2 and "absent.jpg" in res.output


@pytest.mark.slow
def test_workers_give_the_docs_in_the_order_of_the_photos(wall, tmp_path) -> None:
    """Two workers: each photo's doc is what the bench wrote reading it alone, and the docs
    come back in the order of the photos whatever order the workers finish in."""
    import numpy as np
    from PIL import Image

    from capture.bench.wall_runs import read_photos

    folder, truth, _ = wall
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((600, 800, 3), 200, np.uint8)).save(blank)
    seen = []
    docs = read_photos([folder / truth["file"], blank], ocr=False, jobs=2,
                       progress=lambda done, total, name: seen.append((done, total, name)))
    kept = json.loads((folder / f"{Path(truth['file']).stem}.found.json").read_text("utf-8"))
    assert json.loads(json.dumps(docs[0])) == kept
    assert docs[1]["notes"] == [] and docs[1]["dots"] == []
    assert [(done, total) for done, total, _ in seen] == [(1, 2), (2, 2)]
    assert {name for *_, name in seen} == {truth["file"], "blank.png"}


def test_the_committed_labels_files_load() -> None:
    """docs/real-photos/*.yaml stay readable by `capture bench real`: the twelve photos'
    colours (post-its-3 listed, not counted), the eight photos' text."""
    docs = Path(__file__).resolve().parents[1] / "docs" / "real-photos"
    colours = load_labels(docs / "colours.yaml", ColourLabels)
    assert len(colours.photos) == 12
    assert sum(sum(p.notes.values()) for p in colours.photos.values() if p.notes) == 254
    assert [n for n, p in colours.photos.items() if p.notes is None] == [
        "datascopeanalytics-post-its-3.jpg"]
    text = load_labels(docs / "text.yaml", TextLabels)
    assert set(text.photos) <= set(colours.photos) and len(text.photos) == 8
