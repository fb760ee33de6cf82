"""One writer per output folder: an flock on OUT/.capture.lock.

The kernel drops an flock when its process ends, however it ends (SIGKILL included), so a
lock is never stale; the pid written in the file only tells the next run who holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from capture.core.errors import UsageError

LOCK_NAME = ".capture.lock"


class OutputLocked(UsageError):
    """Another capture process is writing to the same output folder (exit 2)."""

    code = "output_locked"


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return "?"
    return pid if pid.isdigit() else "?"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[Path]:
    """Hold OUT/.capture.lock while the body runs; OutputLocked at once if another has it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLocked(
                f"un autre capture run écrit déjà dans {out_dir} (pid {_holder(fd)}) : attendez "
                "qu'il finisse, ou choisissez un autre dossier --out."
            ) from None
        # The pid is informative only (the flock is the lock): plain write is fine here.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock
