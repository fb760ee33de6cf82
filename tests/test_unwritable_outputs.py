"""An output folder that refuses writes, or a disk that fills up: exit 2 with a sentence, no
traceback, and every output file either the old one or the new one, never a mix.

Tests run as root in CI, where chmod does not stop writes: a refused folder and a full disk are
simulated where the tool writes (creating a temp file; syncing one), so they run as root too.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import badcorpus
import pytest
from click.testing import CliRunner
from report_fixture import build_outputs, snapshot

from capture.app.batch import run_batch
from capture.app.corrections import apply_corrections
from capture.cli import main
from capture.core.errors import EXIT_USAGE, OutputError


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("unwritable"))


@pytest.fixture
def out(pristine: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "out"
    shutil.copytree(pristine, dst)
    return dst


def refuse(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """`folder` (not its subfolders) refuses new files, as a read-only folder does."""
    real = tempfile.mkstemp

    def mkstemp(*args: object, **kw: object):
        if Path(str(kw.get("dir"))).resolve() == folder.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(*args, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    real_open = os.open

    def os_open(path, *args, **kw):  # the output lock file
        if Path(path).parent.resolve() == folder.resolve() and not Path(path).exists():
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", os_open)


def disk_full_at(monkeypatch: pytest.MonkeyPatch, hit: Callable[[str], bool]) -> None:
    """Syncing a file whose name passes `hit` fails with ENOSPC, as on a full disk."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if hit(os.readlink(f"/proc/self/fd/{fd}")):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _corrections(out: Path, tmp_path: Path) -> Path:
    session = json.loads((out / "session.json").read_text("utf-8"))
    note = session["notes"][0]
    corr = tmp_path / "corrections.json"
    corr.write_text(json.dumps({"version": 1, "workshop": session["workshop"], "corrections": [
        {"target": {"photo": note["file"], "board": note["board"], "note": note["id"]},
         "set": {"text": "Texte corrigé"}}]}))
    return corr


def test_apply_into_a_read_only_top_folder_writes_nothing(out: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    corr = _corrections(out, tmp_path)
    before = snapshot(out)
    refuse(monkeypatch, out)  # photos/ is writable, the folder holding session.json is not
    with pytest.raises(OutputError) as err:
        apply_corrections(out, corr)
    assert err.value.exit_status == EXIT_USAGE and "écriture refusée" in err.value.message
    assert snapshot(out) == before  # no photo JSON corrected without session.json


@pytest.mark.parametrize("victim", ["report.html", "notes.csv", "IMG_0002.json"])
def test_apply_on_a_full_disk_leaves_every_file_old(out: Path, tmp_path: Path, monkeypatch,
                                                    victim: str) -> None:
    corr = _corrections(out, tmp_path)
    before = snapshot(out)
    disk_full_at(monkeypatch, lambda name: f"/.{victim}.wcap-" in name)
    with pytest.raises(OutputError) as err:
        apply_corrections(out, corr)
    assert "le disque est plein" in err.value.message
    assert snapshot(out) == before
    monkeypatch.undo()
    apply_corrections(out, corr)  # room again: the same file applies
    assert json.loads((out / "session.json").read_text("utf-8"))["notes"][0]["text"] \
        == "Texte corrigé"


def _photo(folder: Path, side: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    badcorpus.small_photo(badcorpus.quickest_photo(), side).save(folder / f"w{side}.jpg",
                                                                 quality=88)


@pytest.mark.slow
def test_run_on_a_full_disk_keeps_the_previous_session_whole(tmp_path: Path, monkeypatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _photo(src, 340)
    run_batch([src], badcorpus.WORKSHOP, out_dir=out, jobs=1)
    names = ["session.json", "votes.csv", "actions.csv", "notes.csv", "report.html"]
    before = {n: (out / n).read_bytes() for n in names}
    _photo(src, 380)  # a second photo: the new session differs from the old one
    disk_full_at(monkeypatch, lambda name: "/.report.html.wcap-" in name)
    with pytest.raises(OutputError) as err:
        run_batch([src], badcorpus.WORKSHOP, out_dir=out, jobs=1, resume=True)
    assert "le disque est plein" in err.value.message
    assert {n: (out / n).read_bytes() for n in names} == before  # all old, none new
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.parametrize("command", ["run", "samples", "report", "apply"])
def test_commands_into_a_refused_folder_exit_2_with_a_sentence(out: Path, tmp_path: Path,
                                                               monkeypatch, command: str) -> None:
    ws = str(badcorpus.WORKSHOP)
    args = {"run": ["run", str(badcorpus.PHOTOS[0]), "--workshop", ws, "--out", str(out)],
            "samples": ["samples", ws, "--out", str(out), "--count", "1"],
            "report": ["report", str(out)],
            "apply": ["apply", str(out), str(_corrections(out, tmp_path))]}[command]
    before = snapshot(out)
    refuse(monkeypatch, out)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == EXIT_USAGE, res.output
    assert "output_unwritable" in res.output and "Traceback" not in res.output
    assert snapshot(out) == before
