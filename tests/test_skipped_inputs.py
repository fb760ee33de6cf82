"""Nothing given to `capture run` vanishes without a word: a folder that cannot be read, a
dangling link, a pipe, a link to a device named .jpg are each listed as skipped, with why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capture.app.batch import (
    SKIP_DANGLING,
    SKIP_NOT_PHOTO,
    SKIP_SPECIAL,
    SKIP_UNREADABLE_DIR,
    expand_inputs,
)


def test_every_input_is_a_photo_or_skipped_with_its_reason(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    (src / "ok").mkdir(parents=True)
    (src / "locked").mkdir()
    (src / "ok" / "IMG_1.jpg").write_bytes(b"x")
    (src / "locked" / "IMG_2.jpg").write_bytes(b"x")
    (src / "notes.txt").write_text("x")
    (src / "gone.jpg").symlink_to(src / "deleted.jpg")
    os.mkfifo(src / "pipe.jpg")
    (src / "device.jpg").symlink_to("/dev/null")
    (src / "loop").symlink_to(src)  # a link back up the tree: walked once, no endless loop

    real = os.scandir

    def scandir(path: object = "."):  # root reads every folder: refuse this one as a
        if Path(os.fsdecode(path)) == src / "locked":  # chmod 000 folder refuses its owner
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    photos, skipped = expand_inputs([src])
    assert photos == [src / "ok" / "IMG_1.jpg"]
    why = {p.relative_to(src).as_posix(): reason for p, reason in skipped}
    assert why == {"locked": SKIP_UNREADABLE_DIR, "gone.jpg": SKIP_DANGLING,
                   "pipe.jpg": SKIP_SPECIAL, "device.jpg": SKIP_SPECIAL,
                   "notes.txt": SKIP_NOT_PHOTO}


def test_a_dangling_link_given_by_name_is_skipped_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").symlink_to(tmp_path / "nowhere.jpg")
    photos, skipped = expand_inputs([tmp_path / "a.jpg"])
    assert photos == [] and skipped == [(tmp_path / "a.jpg", SKIP_DANGLING)]
