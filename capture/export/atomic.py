"""The one way outputs reach the disk: write a temp file next to the target, then os.replace.

A crash or a full disk never leaves a half-written JSON or CSV behind: readers see either
the previous file or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

# Our temp files: ".<target name>.wcap-<mkstemp's 8 random characters>.tmp"; nothing else
# is ever removed as a stale temp (an output folder may hold a person's own files).
TEMP_MARK = ".wcap-"
TEMP_RE = re.compile(r"^\..+" + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}\.tmp$")


def _default_mode() -> int:
    """Permissions a plain open() would give (mkstemp's 0600 hides outputs from other users)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file in the same folder + os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _default_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: Path, obj: object) -> Path:
    """Pretty, UTF-8 (accents kept readable), newline-terminated JSON."""
    return atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def remove_stale_temps(folders: Iterable[Path]) -> list[Path]:
    """Delete the temp files a killed writer left in these folders (not below them): only
    files named as atomic_write_bytes names them, never another program's `.*.tmp`. Call it
    only while holding the output folder's lock (capture.export.lock), when no other writer
    can be mid-write."""
    removed = []
    for folder in folders:
        folder = Path(folder)
        if folder.is_symlink() or not folder.is_dir():
            continue
        for p in folder.glob(f".*{TEMP_MARK}*.tmp"):
            if TEMP_RE.match(p.name) and p.is_file() and not p.is_symlink():
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
    return removed
