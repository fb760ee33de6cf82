"""Photos read the markerless way for the development measurements (`capture bench score`,
`capture bench real`): one photo in, its "markerless" block out (the dict `capture run`
writes, app.json_out.markerless_to_dict), photo by photo in worker processes.

A worker returns plain dicts (what crosses a process boundary), and the photos come back in
the order they were given whatever order the workers finish in, so a table or a JSON file
is the same with one worker or several.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from capture.app.json_out import markerless_to_dict
from capture.core.config import CONFIG, Config
from capture.io.decode import load_photo
from capture.tools.tesseract import tessdata_dir
from capture.vision.markerless_read import read_wall
from capture.vision.ocr import read_notes

# done, total, name of the photo just read
Progress = Callable[[int, int, str], None]


def reading_config(config: Config = CONFIG) -> Config:
    """The settings a bench reads text with: Tesseract with the models `capture run` reads
    with (capture models --install), as the boards' bench; the other engines as they are."""
    if config.ocr.engine == "tesseract":
        return replace(config, ocr=replace(config.ocr, tessdata_dir=tessdata_dir(config.ocr)))
    return config


def read_photo(path: Path, ocr: bool, config: Config = CONFIG) -> dict:
    """One photo read with no board, as `capture run --markerless` reads it (decoded under
    config.limits, read_wall, the notes' text with config's OCR engine when `ocr`); its
    markerless block, named by the photo's file name."""
    rgb, _ = load_photo(Path(path), config.limits)
    reader = (lambda crops: read_notes(crops, config.ocr)) if ocr else None
    res = read_wall(rgb, config, reader)
    return markerless_to_dict(res, Path(path).name, {})


def read_photos(
    paths: Sequence[Path],
    ocr: bool,
    jobs: int | None = None,
    progress: Progress | None = None,
    config: Config = CONFIG,
) -> list[dict]:
    """read_photo on each path, `jobs` worker processes (default: the cores; 1: in this
    process, nothing forked), the docs in the order of `paths`."""
    if ocr:
        config = reading_config(config)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    docs: list[dict | None] = [None] * len(paths)
    if jobs == 1:
        for i, path in enumerate(paths):
            docs[i] = read_photo(path, ocr, config)
            if progress is not None:
                progress(i + 1, len(paths), Path(path).name)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            futures = {pool.submit(read_photo, path, ocr, config): i
                       for i, path in enumerate(paths)}
            for done, fut in enumerate(as_completed(futures), start=1):
                i = futures[fut]
                docs[i] = fut.result()
                if progress is not None:
                    progress(done, len(paths), Path(paths[i]).name)
    return [d for d in docs if d is not None]
