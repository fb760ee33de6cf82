"""Two photos with the same file name in different folders: both are read, each under its own
name in every output; a photo's own name (IMG_0001-2.jpg) is never taken by another."""

from __future__ import annotations

import json
from pathlib import Path

import badcorpus
import pytest

from capture.app.batch import plan_jobs, run_batch
from capture.io.schema import validate


def test_output_names_are_unique_whatever_the_inputs_are_called(tmp_path: Path) -> None:
    paths = [tmp_path / rel for rel in ("a/IMG_0001.jpg", "b/IMG_0001-2.jpg", "b/IMG_0001.jpg",
                                        "b/img_0001.JPG", "c/IMG_0001-3.jpg")]
    jobs = plan_jobs(paths)
    assert [j.name for j in jobs] == ["a/IMG_0001.jpg", "IMG_0001-2.jpg", "b/IMG_0001.jpg",
                                      "b/img_0001.JPG", "IMG_0001-3.jpg"]
    stems = [j.stem.lower() for j in jobs]
    assert len(set(stems)) == len(stems)
    assert jobs[1].stem == "IMG_0001-2" and jobs[4].stem == "IMG_0001-3"


@pytest.mark.slow
def test_same_file_names_in_two_folders_are_all_read(tmp_path: Path) -> None:
    src = tmp_path / "in"
    quick = badcorpus.quickest_photo()
    for side, rel in zip((340, 380, 420), ("a/IMG_0001.jpg", "b/IMG_0001.jpg",
                                           "b/IMG_0001-2.jpg"), strict=True):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        badcorpus.small_photo(quick, side).save(src / rel, quality=88)
    out = tmp_path / "out"
    summary = run_batch([src], badcorpus.WORKSHOP, out_dir=out, jobs=1)
    session = json.loads((out / "session.json").read_text("utf-8"))
    validate(session, "session")
    files = [p["file"] for p in session["photos"]]
    assert sorted(files) == ["IMG_0001-2.jpg", "a/IMG_0001.jpg", "b/IMG_0001.jpg"]
    assert summary.photos == 3 and summary.ok == 3, summary.failed
    docs = {p["file"]: json.loads((out / p["json"]).read_text("utf-8"))
            for p in session["photos"]}
    assert len({p["json"] for p in session["photos"]}) == 3
    for file, doc in docs.items():
        assert doc["file"] == file and doc["boards"]  # each photo's own JSON, its boards found
    seen = {f for b in session["boards"] for f in b["views"]}
    assert seen == set(files)  # every photo's boards reach the merge
