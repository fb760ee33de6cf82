"""Typed errors: each carries a stable code, a sentence a facilitator reads, an exit status.

Exit statuses follow the CLI contract: 0 all photos processed, 1 some photos failed,
2 usage or workshop-file error (an output folder not writable, a full disk included),
130 interrupted (Ctrl-C: what was finished is kept, `--resume` goes on from there).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PHOTO_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C


class CaptureError(Exception):
    """Base of every error the tool reports on purpose (never a traceback for these)."""

    code = "error"
    exit_status = EXIT_PHOTO_FAILED

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class UsageError(CaptureError):
    code = "usage"
    exit_status = EXIT_USAGE


class OutputError(UsageError):
    """The output folder cannot be written (no right to, read-only, disk full): exit 2, with
    nothing half-written."""

    code = "output_unwritable"


class WorkshopError(CaptureError):
    """The workshop file is missing, unreadable or invalid; message names file, line and field."""

    code = "workshop_invalid"
    exit_status = EXIT_USAGE


class PhotoError(CaptureError):
    """One photo could not be processed; the batch goes on."""

    code = "photo_error"
    exit_status = EXIT_PHOTO_FAILED


class ExternalToolError(CaptureError):
    """A required external program (tesseract, zbar) is missing or failed."""

    code = "tool_missing"
    exit_status = EXIT_USAGE


class Interrupted(CaptureError):
    """The person pressed Ctrl-C: stopped at once, finished photos kept for --resume."""

    code = "interrupted"
    exit_status = EXIT_INTERRUPTED
