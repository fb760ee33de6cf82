"""The one way outputs reach the disk: write a temp file next to the target, then os.replace.

A crash or a full disk never leaves a half-written JSON or CSV behind: readers see either
the previous file or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path


def _default_mode() -> int:
    """Permissions a plain open() would give (mkstemp's 0600 hides outputs from other users)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file in the same folder + os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the temp files a killed writer left in `folder` (recursively); call it only while
    holding the folder's lock (capture.export.lock), when no other writer can be mid-write."""
    removed = []
    for p in Path(folder).rglob(".*.tmp"):
        if p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed
