"""The one way outputs reach the disk: write a temp file next to the target, then os.replace.

A crash or a full disk never leaves a half-written JSON or CSV behind: readers see either
the previous file or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from capture.core.errors import OutputError

# Our temp files: ".<target name>.wcap-<mkstemp's 8 random characters>.tmp"; nothing else
# is ever removed as a stale temp (an output folder may hold a person's own files).
TEMP_MARK = ".wcap-"
TEMP_RE = re.compile(r"^\..+" + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}\.tmp$")


def _default_mode() -> int:
    """Permissions a plain open() would give (mkstemp's 0600 hides outputs from other users)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_temp(path: Path, data: bytes) -> str:
    """`data` in a synced temp file next to `path`; its name (removed again on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _default_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_together(files: Mapping[Path, bytes]) -> list[Path]:
    """Write several files all or none: every one is written and synced to a temp file first
    (a full disk or a folder that refuses fails here, with nothing replaced), then each is
    renamed over its target, which needs no space. Readers see all old or all new files."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            temps.append((_write_temp(Path(path), data), Path(path)))
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return [Path(p) for p in files]


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file in the same folder + os.replace)."""
    write_together({Path(path): data})
    return Path(path)


def json_bytes(obj: object) -> bytes:
    """Pretty, UTF-8 (accents kept readable), newline-terminated JSON."""
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Errors that no retry fixes while the run goes on: the disk (or quota) is full, or the folder
# refuses writes. Any of them stops the command with OutputError (exit 2).
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def output_error(exc: OSError, what: str = "") -> OutputError:
    """The sentence for a write that failed: full disk, no right to write, or the system's."""
    where = exc.filename or what
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "le disque est plein"
        hint = "libérez de la place (ou choisissez un autre --out) puis relancez"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "écriture refusée (dossier en lecture seule ou sans droit d'écriture)"
        hint = "choisissez un dossier où vous pouvez écrire"
    else:
        why = exc.strerror or str(exc)
        hint = "vérifiez le dossier de sortie"
    return OutputError(f"impossible d'écrire {where} : {why} ; {hint}. Les fichiers déjà "
                       "présents sont restés tels quels (anciens ou nouveaux, jamais à moitié).")


def ensure_writable(*folders: Path) -> None:
    """Check, before any work, that each folder exists (created if needed) and takes a file;
    OutputError (exit 2) when not."""
    for folder in folders:
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.unlink(_write_temp(folder / "write-check", b""))
        except OSError as exc:
            raise output_error(exc, str(folder)) from exc


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: Path, obj: object) -> Path:
    """Pretty, UTF-8 (accents kept readable), newline-terminated JSON."""
    return atomic_write_bytes(path, json_bytes(obj))


def remove_stale_temps(folders: Iterable[Path]) -> list[Path]:
    """Delete the temp files a killed writer left in these folders (not below them): only
    files named as atomic_write_bytes names them, never another program's `.*.tmp`. Call it
    only while holding the output folder's lock (capture.io.lock), when no other writer
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
