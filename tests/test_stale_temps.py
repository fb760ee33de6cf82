"""`capture run` removes only its own stale temp files, in the folders it writes: a person's
`.*.tmp` files anywhere under --out (think --out ~) are left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capture.app.batch import written_folders
from capture.io import atomic


def test_only_our_temp_files_in_our_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "home"
    theirs = [".bashrc.tmp", ".vim.swp.tmp", "docs/.draft.tmp", "photos/.notes.tmp",
              "docs/.session.json.wcap-abcd1234.tmp",  # our name, but not a folder we write
              "crops/IMG_0001/.sub/.x.jpg.wcap-abcd1234.tmp"]
    ours = [".session.json.wcap-a1b2c3d4.tmp", ".notes.csv.wcap-zz__9x0q.tmp",
            "photos/.IMG_0001.json.wcap-0a1b2c3d.tmp", "crops/IMG_0001/.n01.jpg.wcap-k2l3m4n5.tmp",
            "report_assets/.IMG_0001.jpg.wcap-qwertyui.tmp"]
    for rel in theirs + ours:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x")
    removed = atomic.remove_stale_temps(written_folders(out))
    assert sorted(p.relative_to(out).as_posix() for p in removed) == sorted(ours)
    assert all((out / rel).exists() for rel in theirs)


def test_atomic_writes_name_their_temp_files_so(tmp_path: Path, monkeypatch) -> None:
    seen = []

    def replace(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        raise KeyboardInterrupt  # killed between the write and the rename

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write_bytes(tmp_path / "session.json", b"{}")
    assert len(seen) == 1 and atomic.TEMP_RE.match(seen[0]), seen
