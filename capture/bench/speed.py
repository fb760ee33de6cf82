"""CPU seconds to read photos with no board (`capture bench speed`): per photo, the decoding,
`find_wall` (the notes and stickers found), `interpret` (names, groups, crops) and, with an
OCR, the notes' text (read_wall's last step), and the median and maximum over the photos.

CPU time of this process (`time.process_time`, every thread of it), not the wall clock: a
laptop's other programs and a shared machine's load change the clock far more than the code
does. Run the old and the new code on the same photos one after the other and compare the
medians (and `capture bench compare` on their `capture run` outputs for what they read).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from capture.core.config import CONFIG, Config
from capture.io.decode import load_photo
from capture.vision.markerless import find_wall
from capture.vision.markerless_read import (
    NOTE_NAMES,
    STICKER_NAMES,
    interpret,
    load_colour_refs,
    read_text,
)


@dataclass(frozen=True)
class PhotoSpeed:
    name: str
    decode_s: float
    find_wall_s: float
    interpret_s: float
    notes: int
    dots: int
    ocr_s: float = 0.0  # the notes' text (0 with no OCR)
    read: int = 0  # notes whose text was read

    @property
    def total_s(self) -> float:
        return self.decode_s + self.find_wall_s + self.interpret_s + self.ocr_s


def markerless_speed(
    paths: list[Path],
    config: Config = CONFIG,
    progress: Callable[[PhotoSpeed], None] | None = None,
    ocr: Callable | None = None,
) -> list[PhotoSpeed]:
    """Each photo read the markerless way, timed stage by stage; with `ocr` (read_wall's
    reader: note crops -> OcrResults, its engine loaded before) the notes' text too."""
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    out = []
    for path in paths:
        t0 = time.process_time()
        rgb, _ = load_photo(path, config.limits)
        t1 = time.process_time()
        scene = find_wall(rgb, refs.notes, refs.stickers, config)
        t2 = time.process_time()
        res = interpret(scene, rgb, config)
        t3 = time.process_time()
        read = read_text(res, ocr, config) if ocr is not None else 0
        t4 = time.process_time()
        row = PhotoSpeed(path.name, t1 - t0, t2 - t1, t3 - t2, len(scene.notes), len(scene.dots),
                         t4 - t3, read)
        out.append(row)
        if progress is not None:
            progress(row)
    return out


def speed_summary(rows: list[PhotoSpeed]) -> dict[str, float]:
    """Median and maximum CPU seconds per photo (find_wall, and the stages together); with
    an OCR, its median per photo and its milliseconds per note read."""
    if not rows:
        return {}
    fw = np.array([r.find_wall_s for r in rows])
    tot = np.array([r.total_s for r in rows])
    out = {
        "photos": float(len(rows)),
        "find_wall_median_s": round(float(np.median(fw)), 2),
        "find_wall_max_s": round(float(fw.max()), 2),
        "total_median_s": round(float(np.median(tot)), 2),
        "total_max_s": round(float(tot.max()), 2),
    }
    read = sum(r.read for r in rows)
    if read:  # with an OCR: its median per photo and its CPU per note read
        out["ocr_median_s"] = round(float(np.median([r.ocr_s for r in rows])), 2)
        out["ocr_ms_per_note"] = round(1000 * sum(r.ocr_s for r in rows) / read, 1)
    return out
