"""Peak resident memory of reading photos with no board (`capture bench memory`), and where it
is reached.

A thread samples the process's resident size (/proc/self/statm, Linux) every few
milliseconds while the photos are read the markerless way, as `capture bench speed` reads
them (decoding, find_wall, interpret and, with an OCR, the notes' text), and keeps, at each
photo's highest sample, the chain of the package's functions the main thread was in: the
stage holding the most at once. Resident size is what `/usr/bin/time -v` reports as the
maximum resident set size (here at the sampling's resolution: a peak shorter than the gap
between two samples can be missed), the C heap's kept-back free memory included.

A photo's rise (its peak over the size before it) is what the stages hold at once; what a
worker keeps between photos (the OCR engine, caches, the heap's fragments) is the `before`
of the next. The C heap is set as `capture run`'s workers set it (capture.app.heap).
Compare two versions of the code on the same photos, one after the other: the figures
depend far less on the machine's load than its times do.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import capture
from capture.app.heap import fix_heap_thresholds
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

MB = 1 << 20
_PACKAGE = str(Path(capture.__file__).resolve().parent)


def resident_bytes() -> int | None:
    """This process's resident size in bytes, or None where /proc/self/statm is not."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _chain(frame, root: str, depth: int) -> tuple[str, ...]:
    """The innermost `depth` frames of `frame`'s stack whose file lies under `root`, outermost
    first, as "module.py:function:line"."""
    out: list[str] = []
    while frame is not None and len(out) < depth:
        code = frame.f_code
        if code.co_filename.startswith(root):
            out.append(f"{Path(code.co_filename).name}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return tuple(reversed(out))


class RssSampler:
    """Samples the resident size every `every_s` seconds in a thread while running (a context
    manager); `peak` (bytes) and `where` (the main thread's chain of functions under `root`
    at the highest sample) since the last reset()."""

    def __init__(self, every_s: float = 0.002, root: str = _PACKAGE, depth: int = 4) -> None:
        self.every_s, self.root, self.depth = every_s, root, depth
        self.peak = 0
        self.where: tuple[str, ...] = ()
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def reset(self) -> int:
        """Start a new peak from the size now (returned, in bytes)."""
        now = resident_bytes() or 0
        with self._lock:
            self.peak, self.where = now, ()
        return now

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def sample(self) -> None:
        """One sample (the thread takes them; a caller may add its own at a point it knows)."""
        now = resident_bytes()
        if now is None:
            return
        with self._lock:
            if now > self.peak:
                frame = sys._current_frames().get(self._main)  # the stage being run
                self.peak, self.where = now, _chain(frame, self.root, self.depth)

    def __enter__(self) -> RssSampler:
        if resident_bytes() is None:
            raise OSError("resident size unknown here: /proc/self/statm (Linux) is needed")
        self.reset()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


@dataclass(frozen=True)
class PhotoMemory:
    name: str
    before_mb: float  # resident size before the photo was decoded
    peak_mb: float  # the highest while it was read
    after_mb: float  # once read (its results kept, its images freed)
    where: tuple[str, ...]  # the package's functions at the peak, outermost first
    notes: int
    dots: int

    @property
    def rise_mb(self) -> float:
        return self.peak_mb - self.before_mb


def markerless_memory(
    paths: list[Path],
    config: Config = CONFIG,
    progress: Callable[[PhotoMemory], None] | None = None,
    ocr: Callable | None = None,
    every_s: float = 0.002,
) -> list[PhotoMemory]:
    """Each photo read the markerless way (as bench.speed.markerless_speed), its resident
    size sampled: before, at its peak (and where), after. The C heap is set as a run's
    worker sets it (capture.app.heap): without it glibc keeps a photo's freed arrays in the
    heap, and the size before the next photo is the last one's peak."""
    fix_heap_thresholds()
    refs = load_colour_refs(STICKER_NAMES, NOTE_NAMES)
    out = []
    with RssSampler(every_s) as sampler:
        for path in paths:
            before = sampler.reset()
            rgb, _ = load_photo(path, config.limits)
            scene = find_wall(rgb, refs.notes, refs.stickers, config)
            res = interpret(scene, rgb, config)
            if ocr is not None:
                read_text(res, ocr, config)
            del rgb, res
            sampler.sample()
            row = PhotoMemory(path.name, before / MB, sampler.peak / MB,
                              (resident_bytes() or 0) / MB, sampler.where, len(scene.notes),
                              len(scene.dots))
            out.append(row)
            if progress is not None:
                progress(row)
    return out


def memory_summary(rows: list[PhotoMemory]) -> dict[str, float]:
    """The highest peak over the photos (MB), the median and the largest rise of a photo over
    the size before it, and how much the size before a photo grew from the first to the
    last (what a worker keeps)."""
    if not rows:
        return {}
    rise = np.array([r.rise_mb for r in rows])
    return {
        "photos": float(len(rows)),
        "peak_mb": round(max(r.peak_mb for r in rows), 1),
        "rise_median_mb": round(float(np.median(rise)), 1),
        "rise_max_mb": round(float(rise.max()), 1),
        "kept_growth_mb": round(rows[-1].before_mb - rows[0].before_mb, 1),
    }
