"""The run log, OUT/capture.log, through the `logging` module.

The batch logs to the `capture.run` logger (one line per photo, the OCR engine, stale temp
files removed, corrections re-applied, a stop or an interruption); `run_log` attaches the
file handler while a run holds OUT, so only the application's edge touches the file. Lines
are appended and stamped as before: `2026-01-31T10:00:00 <message>`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG_NAME = "capture.log"
STAMP = "%Y-%m-%dT%H:%M:%S"
log = logging.getLogger("capture.run")


@contextmanager
def run_log(out_dir: Path) -> Iterator[logging.Handler]:
    """OUT/capture.log receives the run's log lines (INFO and up) until the block ends."""
    handler = logging.FileHandler(out_dir / LOG_NAME, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", STAMP))
    handler.setLevel(logging.INFO)
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        handler.close()
