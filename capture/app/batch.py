"""`capture run`: many photos in, one session out.

Each photo is processed in isolation (in a worker process when --jobs > 1): whatever goes
wrong in one becomes that photo's status "error" with a code and a readable sentence, and
the batch goes on. The main process merges the results and writes the session files.
This module is an edge (it reads photos and writes outputs); the stages it calls are not.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import signal
import stat
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from capture import __version__
from capture.app.corrections import JOURNAL, reapply_journal
from capture.app.events import ProgressCallback, RunEvent, notice, silent
from capture.app.heap import fix_heap_thresholds
from capture.app.json_out import photo_to_dict, session_to_dict, write_photo_json
from capture.app.markerless_out import markerless_csv_files, session_markerless
from capture.app.photo import analyse_photo
from capture.app.report import (
    ASSETS_DIR,
    LAYOUT_FILE,
    REPORT_FILE,
    asset_sizes,
    photo_assets,
    report_html,
)
from capture.app.runlog import log, run_log
from capture.core.config import CONFIG, Config
from capture.core.errors import (
    EXIT_OK,
    EXIT_PHOTO_FAILED,
    CaptureError,
    Interrupted,
    PhotoError,
    UsageError,
)
from capture.core.faults import (
    fingerprint,
    safe_id,
    safe_stem,
    sanitize_result,
    settings_hash,
)
from capture.core.model import Finding, KitLayout, PhotoResult
from capture.core.workshop import load_workshop
from capture.interpret.flags import board_names, render, render_all
from capture.interpret.merge import merge_session
from capture.interpret.photo_errors import empty_photo_error
from capture.io.atomic import (
    FATAL_ERRNOS,
    atomic_write_bytes,
    ensure_writable,
    json_bytes,
    output_error,
    remove_stale_temps,
    write_together,
)
from capture.io.csv_out import csv_files
from capture.io.decode import file_sha256, load_photo
from capture.io.json_in import crops_from_dict, photo_from_dict
from capture.io.lock import output_lock
from capture.io.schema import errors as schema_errors
from capture.kit.export import kit_to_dict
from capture.kit.layout import layout_workshop
from capture.tools.tesseract import tessdata_dir
from capture.vision.legibility import small_notes
from capture.vision.markerless_read import empty_kit
from capture.vision.ocr import load_engine, read_notes


@dataclass
class PhotoJob:
    path: Path
    stem: str  # unique within the batch: names of the per-photo JSON and crop folder
    # unique within the batch: the photo's name in every output ("file"); its file name, or
    # its path from the inputs' common folder when another input has the same file name
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.path.name


@dataclass
class PhotoOutcome:
    job: PhotoJob
    result: PhotoResult  # note crops already written and dropped (None)
    doc: str  # per-photo JSON, relative to the output folder
    crops: dict[str, str] = field(default_factory=dict)  # note id -> crop path (relative)
    timings: dict[str, float] = field(default_factory=dict)
    trace: str | None = None  # traceback of an internal error, for OUT/capture.log only
    resumed: bool = False  # taken from an earlier run's per-photo JSON (--resume)
    assets: dict | None = None  # its report images, written while it was decoded (report.py)


@dataclass
class BatchSummary:
    out_dir: Path
    photos: int
    ok: int
    failed: list[tuple[str, str, str]]  # (file, code, message)
    skipped: list[str]
    boards: int
    votes: int
    actions: int
    notes: int
    median_photo_s: float | None
    session: dict
    board_names: dict[str, str] = field(default_factory=dict)  # id -> name a person knows

    @property
    def exit_status(self) -> int:
        return EXIT_OK if not self.failed else EXIT_PHOTO_FAILED


# --- inputs -------------------------------------------------------------------------------------


def expand_paths(
    paths: Sequence[Path], extensions: Sequence[str] = CONFIG.batch.extensions
) -> tuple[list[Path], list[Path]]:
    """(photos, skipped files) from files and folders (searched recursively), in a stable order.

    Extensions match case-insensitively; a path that does not exist is a usage error.
    """
    photos, skipped = expand_inputs(paths, extensions)
    return photos, [p for p, _why in skipped]


SKIP_NOT_PHOTO = "pas une photo"
SKIP_DANGLING = "lien vers un fichier absent"
SKIP_SPECIAL = "pas un fichier ordinaire (tube, périphérique ou socket)"
SKIP_UNREADABLE_DIR = "dossier illisible"


def expand_inputs(
    paths: Sequence[Path], extensions: Sequence[str] = CONFIG.batch.extensions
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(photos, [(skipped path, why)]) from files and folders, searched recursively (symlinked
    folders followed once), in a stable order. Nothing found is dropped without a word: a file
    that is not a photo, a dangling link, a pipe or device, a folder that cannot be read are
    each listed as skipped with the reason."""
    exts = {e.lower() for e in extensions}
    photos: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def consider(f: Path) -> None:
        try:
            mode = f.stat().st_mode  # follows links
        except FileNotFoundError:
            skipped.append((f, SKIP_DANGLING if f.is_symlink() else "disparu"))
            return
        except OSError as exc:
            skipped.append((f, f"illisible ({exc.strerror or exc})"))
            return
        if not stat.S_ISREG(mode):
            skipped.append((f, SKIP_SPECIAL))
            return
        key = f.resolve()
        if key in seen:
            return
        seen.add(key)
        if f.suffix.lower() in exts:
            photos.append(f)
        else:
            skipped.append((f, SKIP_NOT_PHOTO))

    for p in map(Path, paths):
        if p.is_dir():
            visited = {p.resolve()}
            found: list[Path] = []

            def unreadable(exc: OSError) -> None:
                skipped.append((Path(exc.filename), SKIP_UNREADABLE_DIR))

            for root, dirs, files in os.walk(p, onerror=unreadable, followlinks=True):
                keep = []
                for d in sorted(dirs):
                    real = (Path(root) / d).resolve()
                    if real not in visited:  # a link back up the tree is walked once
                        visited.add(real)
                        keep.append(d)
                dirs[:] = keep
                found += [Path(root) / f for f in files]
            for f in sorted(found):
                consider(f)
        elif p.exists() or p.is_symlink():
            consider(p)
        else:
            raise UsageError(
                f"{p} n'existe pas (donnez des photos ou des dossiers de photos)",
                code="path_missing",
            )
    return photos, skipped


def default_out_dir(paths: Sequence[Path], root: Path = Path("outputs")) -> Path:
    """outputs/<name of the first input> (a file's name without its extension)."""
    first = Path(paths[0])
    name = first.stem if first.is_file() else first.resolve().name
    return root / (name or "run")


def plan_jobs(photos: Sequence[Path]) -> list[PhotoJob]:
    """One job per photo; stems made unique (IMG_0001, IMG_0001-2 ...) across folders and safe
    as file names (they name the per-photo JSON and the crop folder)."""
    count = Counter(p.name.lower() for p in photos)
    clash = [p.resolve().parent for p in photos if count[p.name.lower()] > 1]
    root = Path(os.path.commonpath(clash)) if clash else None
    own = {safe_stem(p.stem).lower() for p in photos}  # each photo's own stem stays its own
    names: set[str] = set()
    stems: set[str] = set()
    jobs = []
    for p in photos:
        name = p.name
        if root is not None and count[p.name.lower()] > 1:
            name = p.resolve().relative_to(root).as_posix()
        name = _unused(name, names, lambda base, n: f"{base} ({n})", fold=False)
        stem = safe_stem(p.stem)
        if stem.lower() in stems:  # IMG_0001-2, unless another photo is called that
            stem = _unused(stem, stems | own, lambda base, n: f"{base}-{n}")
        stem = _unused(stem, stems, lambda base, n: f"{base}-{n}")
        names.add(name)
        stems.add(stem.lower())
        jobs.append(PhotoJob(p, stem, name))
    return jobs


def _unused(base: str, taken: set[str], variant: Callable[[str, int], str],
            fold: bool = True) -> str:
    """base, or its first variant (n = 2, 3 ...) not in taken (in lower case if fold: file
    names on the disks of Windows and macOS)."""
    name, n = base, 2
    while (name.lower() if fold else name) in taken:
        name, n = variant(base, n), n + 1
    return name


def default_jobs(n_photos: int, config: Config = CONFIG) -> int:
    return max(1, min(os.cpu_count() or 1, config.batch.max_jobs, n_photos))


def ocr_threads(n_jobs: int) -> int:
    """CPU threads each worker's OCR engine may use: the cores shared out between the
    workers, so that n_jobs workers never run more threads than there are cores."""
    return max(1, (os.cpu_count() or 1) // max(1, n_jobs))


# --- one photo ------------------------------------------------------------------------------------


def _encode_jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb[..., :3]).astype(np.uint8)).save(
        buf, "JPEG", quality=quality
    )
    return buf.getvalue()


def _failed(file: str, code: str, message: str, sha: str | None = None) -> PhotoResult:
    return PhotoResult(file=file, status="error", error=message, error_code=code, sha256=sha)


@dataclass(frozen=True)
class Analysed:
    """One photo read and analysed (or failed): what process_photo writes out."""

    result: PhotoResult
    sha: str | None  # of the file's bytes; None when unreadable
    trace: str | None  # traceback of an internal error, for the run log only
    rgb: np.ndarray | None = None  # the decoded photo, for its report images


def process_photo(
    job: PhotoJob,
    kit: KitLayout,
    config: Config,
    out_dir: Path,
    analyse: Callable | None = None,
    settings: str | None = None,
    ocr_threads: int = 1,
) -> PhotoOutcome:
    """Load, analyse and export one photo. Never raises for a problem with the photo itself.

    `analyse` defaults to capture.app.photo.analyse_photo (tests may pass another);
    `settings` is faults.settings_hash(kit, config, version) (computed when not given);
    `ocr_threads`: CPU threads the OCR engine may use (ocr_threads()).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    done = _analyse_one(job, kit, config, analyse or analyse_photo, ocr_threads, timings)
    result = done.result
    sanitize_result(result, config.limits)
    t2 = time.perf_counter()
    crops = _write_crops(job, result, out_dir, config.batch.crop_jpeg_quality)
    timings["export"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    doc_rel = f"photos/{job.stem}.json"
    doc = photo_to_dict(result, kit, crops, timings, path=str(job.path))
    settings = settings or settings_hash(kit, config, __version__)
    doc["fingerprint"] = fingerprint(done.sha, settings)
    write_photo_json(out_dir, job.stem, doc)
    assets = _report_assets(job, done, doc, kit, config, out_dir)
    return PhotoOutcome(job, result, doc_rel, crops, timings, trace=done.trace, assets=assets)


def _report_assets(job: PhotoJob, done: Analysed, doc: dict, kit: KitLayout, config: Config,
                   out_dir: Path) -> dict | None:
    """The photo's report images, written now that it is decoded (the report would decode it
    again); None when it failed or they could not be written (the report then makes them)."""
    if done.rgb is None or done.result.status != "ok":
        return None
    sizes = asset_sizes(kit_to_dict(kit, dpi=150))
    try:  # the document as the report reads it back (JSON: lists, not tuples)
        return photo_assets(done.rgb, job.stem, json.loads(json.dumps(doc)), sizes, out_dir,
                            config)
    except OSError as exc:
        log.warning("report images of %s not written now (%s): the report makes them", job.name,
                    exc)
        return None


def _analyse_one(job: PhotoJob, kit: KitLayout, config: Config, analyse: Callable,
                 ocr_threads: int, timings: dict[str, float]) -> Analysed:
    """Read and analyse one photo; any failure becomes the photo's error (status "error")."""
    name = job.name
    t0 = time.perf_counter()
    sha = None
    try:
        try:
            sha = file_sha256(job.path)
        except OSError as exc:  # permissions, a file removed meanwhile, an I/O error
            raise PhotoError(
                f"La photo {name} ne peut pas être ouverte ({exc.strerror or exc}) : vérifiez "
                "que le fichier est toujours là et lisible.",
                code="unreadable_image",
            ) from exc
        rgb, info = load_photo(job.path, config.limits)
        timings["load"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        result = analyse(
            rgb,
            kit,
            config=config,
            ocr=(
                partial(read_notes, config=config.ocr, threads=ocr_threads)
                if config.ocr.enabled
                else None
            ),
            file=name,
        )
        timings["analyse"] = time.perf_counter() - t1
        timings.update(getattr(result, "timings", None) or {})  # per stage, from analyse_photo
        for board in result.boards:  # notes too small to read, worded for the outputs
            board.flags += render_all(small_notes(board, config.ocr.min_source_px_per_mm))
        sanitize_result(result, config.limits)  # OCR and QR text are untrusted data
        failure = empty_photo_error(result)
        if failure is not None:  # keeps the flags saying why (foreign or degenerate boards)
            result.status, result.error_code, result.error = "error", failure.code, failure.message
        result.file = name
        result.sha256 = result.sha256 or sha
        if result.size_px is None:
            result.size_px = (
                int(info.get("width", rgb.shape[1])),
                int(info.get("height", rgb.shape[0])),
            )
    except CaptureError as exc:
        return Analysed(_failed(name, exc.code, exc.message, sha), sha, None)
    except MemoryError:
        return Analysed(_failed(
            name,
            "out_of_memory",
            f"La photo {name} est trop grande pour la mémoire "
            "disponible ; réessayez avec --jobs 1.",
            sha,
        ), sha, None)
    except Exception as exc:  # a bug must cost one photo, not the batch
        trace = traceback.format_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Analysed(_failed(
            name,
            "internal_error",
            f"Erreur interne en analysant {name} : {type(exc).__name__}: {exc} "
            f"({Path(where.filename).name}:{where.lineno}).",
            sha,
        ), sha, trace)
    return Analysed(result, sha, None, rgb)


def _write_crops(job: PhotoJob, result: PhotoResult, out_dir: Path, quality: int
                 ) -> dict[str, str]:
    """Each note's crop as OUT/crops/<photo>/<note id>.jpg; note id -> path written. The
    pixels are dropped from the notes (never shipped back to the main process)."""
    crops: dict[str, str] = {}
    wall = getattr(result, "markerless", None)  # notes read with no board have crops too
    every = [n for b in result.boards for n in b.notes] + list(wall.notes if wall else ())
    for note in every:
        if note.crop is None:
            continue
        rel = f"crops/{job.stem}/{safe_id(note.id)}.jpg"  # our ids, never read text
        try:
            atomic_write_bytes(out_dir / rel, _encode_jpeg(np.asarray(note.crop), quality))
            crops[note.id] = rel
        except (OSError, ValueError, TypeError) as exc:
            if isinstance(exc, OSError) and exc.errno in FATAL_ERRNOS:
                raise  # a full disk or a refused folder stops the run (output_error)
            # any other crop that cannot be written leaves the note's data intact
        note.crop = None  # do not ship pixels back to the main process
    for note in wall.notes if wall else ():
        # the OCR's view of a note and its hidden-letter mask, of no use once it is read:
        # the run keeps every photo's result to the end (merge, report) and a worker ships
        # it back, so each note's 608 x 608 x 3 view (1.1 MB) stayed for the whole run, the
        # size a worker kept growing by 55 MB over 8 photos (markerless-journal, 42nd stop)
        note.ocr_crop = note.ocr_holes = None
    return crops


# --- the batch ------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(
    kit: KitLayout, config: Config, out_dir: Path, settings: str | None, threads: int = 1
) -> None:
    # Ctrl-C reaches every process of the terminal's group: the batch process alone decides
    # (it stops the workers), a worker would otherwise catch it and go on with the next photo.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fix_heap_thresholds()
    _WORKER.update(kit=kit, config=config, out_dir=out_dir, settings=settings, threads=threads)
    _exit_with_parent(os.getppid())


def _stop_pool(executor: ProcessPoolExecutor) -> None:
    """Stop a pool now: queued photos cancelled, photos in progress abandoned (their outputs
    are written atomically, a killed worker leaves at most a temp file the next run removes)."""
    # the worker processes: no public API before Python 3.14 (terminate_workers); read them
    # before shutdown(), which forgets them
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(timeout=5)


def _exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """End this worker soon after the batch process dies (kill -9 included).

    Orphaned workers would otherwise block forever on their task queue, or finish a photo and
    write into an output folder whose lock a new run now holds.
    """
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(every_s)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _work(job: PhotoJob) -> PhotoOutcome:
    return process_photo(
        job,
        _WORKER["kit"],
        _WORKER["config"],
        _WORKER["out_dir"],
        settings=_WORKER["settings"],
        ocr_threads=_WORKER.get("threads", 1),
    )


def run_photos(
    jobs: list[PhotoJob],
    kit: KitLayout,
    config: Config,
    out_dir: Path,
    n_jobs: int,
    on_done: Callable[[PhotoOutcome], None] | None = None,
    settings: str | None = None,
    work: Callable[[PhotoJob], PhotoOutcome] | None = None,
) -> list[PhotoOutcome]:
    """Process every job (in a process pool when n_jobs > 1); outcomes in job order.

    A photo that kills its worker process (a crash in a native library, the kernel's
    out-of-memory killer) breaks the whole pool: the jobs lost with it are run again one at
    a time, so only the photo that really kills a worker is reported (worker_crashed).
    `work` replaces the per-photo function in the workers (tests: a module-level function).
    """
    if n_jobs <= 1 or len(jobs) <= 1:
        return _run_serial(jobs, kit, config, out_dir, on_done, settings)
    outcomes: dict[int, PhotoOutcome] = {}

    work = work or _work
    # spawn: workers start clean (no inherited threads from the progress bar).
    ctx = multiprocessing.get_context("spawn")

    def pool(workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(kit, config, out_dir, settings, ocr_threads(workers)),
        )

    def finish(i: int, outcome: PhotoOutcome) -> None:
        outcomes[i] = outcome
        if on_done:
            on_done(outcome)

    lost: list[int] = []
    executor = pool(n_jobs)
    try:
        futures = {executor.submit(work, job): i for i, job in enumerate(jobs)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                finish(i, fut.result())
            except BrokenProcessPool:
                lost.append(i)  # this photo, or another one in flight, killed a worker
            except (CaptureError, OSError) as exc:
                if isinstance(exc, CaptureError) or exc.errno in FATAL_ERRNOS:
                    raise  # the outputs cannot be written (full disk...): stop the run
                finish(i, _crashed(jobs[i], exc, kit, out_dir))
            except Exception as exc:  # the outcome could not come back (not picklable...)
                finish(i, _crashed(jobs[i], exc, kit, out_dir))
    except BaseException:  # Ctrl-C (KeyboardInterrupt), a failed write: stop now
        _stop_pool(executor)
        raise
    executor.shutdown()
    _rerun_lost([jobs[i] for i in sorted(lost)], sorted(lost), work, pool, finish, kit, out_dir)
    return [outcomes[i] for i in range(len(jobs))]


def _run_serial(jobs: list[PhotoJob], kit: KitLayout, config: Config, out_dir: Path,
                on_done: Callable[[PhotoOutcome], None] | None, settings: str | None
                ) -> list[PhotoOutcome]:
    """run_photos in this process, one photo after the other."""
    fix_heap_thresholds()
    outcomes = []
    for job in jobs:
        outcomes.append(
            process_photo(job, kit, config, out_dir, settings=settings, ocr_threads=ocr_threads(1))
        )
        if on_done:
            on_done(outcomes[-1])
    return outcomes


def _rerun_lost(lost: list[PhotoJob], indexes: list[int],
                work: Callable[[PhotoJob], PhotoOutcome],
                pool: Callable[[int], ProcessPoolExecutor],
                finish: Callable[[int, PhotoOutcome], None], kit: KitLayout,
                out_dir: Path) -> None:
    """The photos lost with a broken pool, run again one at a time in a fresh worker: a crash
    now is this photo's own (worker_crashed), and the next one gets a new worker."""
    executor: ProcessPoolExecutor | None = None
    try:
        for i, job in zip(indexes, lost, strict=True):
            executor = executor or pool(1)
            try:
                finish(i, executor.submit(work, job).result())
            except Exception as exc:
                finish(i, _crashed(job, exc, kit, out_dir))
                if isinstance(exc, BrokenProcessPool):
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = None
    except BaseException:
        if executor is not None:
            _stop_pool(executor)
        raise
    if executor is not None:
        executor.shutdown()


def _crashed(job: PhotoJob, exc: BaseException, kit: KitLayout, out_dir: Path) -> PhotoOutcome:
    """The outcome of a photo whose worker process died (or could not send its result back)."""
    res = _failed(
        job.name,
        "worker_crashed",
        f"L'analyse de {job.name} a été interrompue "
        f"({type(exc).__name__}) ; réessayez avec --jobs 1.",
    )
    outcome = _write_failure(job, res, kit, out_dir)
    outcome.trace = "".join(traceback.format_exception(exc))
    return outcome


def _write_failure(job: PhotoJob, res: PhotoResult, kit: KitLayout, out_dir: Path) -> PhotoOutcome:
    write_photo_json(out_dir, job.stem, photo_to_dict(res, kit, path=str(job.path)))
    return PhotoOutcome(job, res, f"photos/{job.stem}.json")


def run_batch(
    paths: Sequence[Path],
    workshop: Path | None,
    out_dir: Path | None = None,
    jobs: int | None = None,
    languages: str | None = None,
    config: Config = CONFIG,
    progress: ProgressCallback = silent,
    resume: bool = False,
    max_megapixels: float | None = None,
    markerless: bool = False,
    ocr: str | None = None,
) -> BatchSummary:
    """The whole `capture run`. Raises UsageError / WorkshopError / ExternalToolError (exit 2)
    before any photo is touched; photo problems end up in the summary instead. `ocr` names
    the OCR engine (default config.ocr.engine).

    Holds OUT/.capture.lock while writing (a second run into OUT exits 2). With `resume`,
    a photo whose per-photo JSON is valid and carries the same fingerprint (content, workshop
    layout, settings, version) is not analysed again. Photos with the same bytes are analysed
    once: the later ones are listed with duplicate_of and add nothing to the counts.
    """
    if not paths:
        raise UsageError("donnez au moins une photo ou un dossier", code="no_input")
    # --markerless alone: no board to look for
    kit = empty_kit() if workshop is None else layout_workshop(load_workshop(Path(workshop)))
    if markerless:
        config = replace(config, markerless=replace(config.markerless, mode="always"))
    if languages:
        config = replace(config, ocr=replace(config.ocr, languages=languages))
    if ocr:
        config = replace(config, ocr=replace(config.ocr, engine=ocr))
    if languages and config.ocr.engine != "tesseract":
        notice(progress, f"ne règle que Tesseract (--ocr tesseract) : le moteur "
               f"{config.ocr.engine} lit le français et l'anglais sans réglage", label="--lang")
    if max_megapixels is not None:
        if not max_megapixels > 0:
            raise UsageError("--max-megapixels doit être positif", code="bad_option")
        config = replace(
            config, limits=replace(config.limits, max_pixels=int(max_megapixels * 1_000_000))
        )
    if config.ocr.enabled and config.ocr.engine == "tesseract":
        # Resolved once, here: the folder is then part of the settings (--resume's hash).
        config = replace(config, ocr=replace(config.ocr, tessdata_dir=tessdata_dir(config.ocr)))
    if config.ocr.enabled:
        # Loaded before any photo: an engine that cannot load stops the run (exit 2) with
        # what to do; with one worker this is the very engine that reads.
        load_engine(config.ocr, ocr_threads(1))
    photos, skipped = expand_inputs(paths, config.batch.extensions)
    if not photos:
        raise UsageError(
            f"aucune photo trouvée dans {', '.join(map(str, paths))} (extensions cherchées : "
            f"{' '.join(config.batch.extensions)})",
            code="no_photos",
        )
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(paths)
    # An output folder inside an input folder: its crops are ours, never photos to analyse.
    out_abs = out_dir.resolve()
    photos = [p for p in photos if out_abs not in p.resolve().parents]
    if not photos:
        raise UsageError(f"aucune photo trouvée hors du dossier de sortie {out_dir}",
                         code="no_photos")

    # before any photo is read: OUT and the folders a run writes into take files
    ensure_writable(*[d for d in written_folders(out_dir) if d == out_dir or d.is_dir()])

    with output_lock(out_dir), run_log(out_dir):
        return _run_locked(plan_jobs(photos), skipped, kit, config, out_dir, jobs, resume,
                           progress)


def written_folders(out_dir: Path) -> list[Path]:
    """The folders `capture run` writes into: OUT, its photos/, crops/<photo>/ and the
    report's assets (only these are cleaned of our stale temp files)."""
    crops = out_dir / "crops"
    per_photo = sorted(d for d in crops.iterdir() if d.is_dir() and not d.is_symlink()) \
        if crops.is_dir() and not crops.is_symlink() else []
    return [out_dir, out_dir / "photos", out_dir / ASSETS_DIR, *per_photo]


# Failures that may not happen again (resources, crashes): --resume analyses those photos anew.
TRANSIENT_CODES = {"worker_crashed", "out_of_memory", "internal_error"}


def _log(outcome: PhotoOutcome, how: str) -> None:
    """One line per photo in the run log (plus the traceback of an internal error)."""
    r = outcome.result
    what = r.status if r.status == "ok" else f"error {r.error_code} ({r.error})"
    trace = "\n" + outcome.trace.rstrip() if outcome.trace else ""
    log.info("pid %d %s %s -> %s: %s%s", os.getpid(), how, outcome.job.path, outcome.doc, what,
             trace)


def _resumable(job: PhotoJob, out_dir: Path, kit: KitLayout, fp: str | None) -> PhotoOutcome | None:
    """The outcome stored by an earlier run for this exact photo and settings, if complete."""
    path = out_dir / "photos" / f"{job.stem}.json"
    if fp is None or not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("fingerprint") != fp:
        return None
    if doc.get("file") != job.name:
        return None
    if doc.get("error_code") in TRANSIENT_CODES or doc.get("duplicate_of") or schema_errors(
        doc, "photo"
    ):
        return None
    crops = crops_from_dict(doc)
    if any(not (out_dir / rel).is_file() for rel in crops.values()):
        return None
    return PhotoOutcome(
        job,
        photo_from_dict(doc, kit),
        f"photos/{job.stem}.json",
        crops,
        dict(doc.get("timings_s") or {}),
        resumed=True,
    )


def _as_written(outcome: PhotoOutcome, out_dir: Path, kit: KitLayout) -> PhotoResult:
    """The photo's result read back from its per-photo JSON (the in-memory one if unreadable)."""
    if outcome.resumed:
        return outcome.result
    try:
        doc = json.loads((out_dir / outcome.doc).read_text("utf-8"))
        return photo_from_dict(doc, kit)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return outcome.result


def _duplicate(job: PhotoJob, first: PhotoOutcome, kit: KitLayout, out_dir: Path, fp: str | None
               ) -> PhotoOutcome:
    """Outcome of a photo with the same bytes as `first`: listed, pointing to it, nothing read."""
    src = first.result
    ok = src.status == "ok"
    res = PhotoResult(
        file=job.name,
        status=src.status,
        error_code=src.error_code,
        error=None if ok else f"Même contenu que {src.file} : {src.error}",
        sha256=src.sha256,
        size_px=src.size_px,
        duplicate_of=src.file,
        flags=[render(Finding("duplicate_photo", "", {"first": src.file}, item=job.name))],
    )
    doc = photo_to_dict(res, kit, path=str(job.path))
    doc["fingerprint"] = fp
    write_photo_json(out_dir, job.stem, doc)
    return PhotoOutcome(job, res, f"photos/{job.stem}.json")


@dataclass(frozen=True)
class RunPlan:
    """Which photos of a run are analysed now: the rest are duplicates of an earlier photo of
    the run (same bytes) or resumed from an earlier run's JSON (--resume)."""

    shas: tuple[str | None, ...]  # per job; None: unreadable (process_photo reports it)
    dup_of: dict[int, int]  # job index -> index of the first job with the same bytes
    resumed: dict[int, PhotoOutcome]  # job index -> outcome read back from OUT
    todo: tuple[int, ...]  # job indexes to analyse, in order


def _run_locked(
    plan: list[PhotoJob],
    skipped: list[tuple[Path, str]],
    kit: KitLayout,
    config: Config,
    out_dir: Path,
    jobs: int | None,
    resume: bool,
    progress: ProgressCallback,
) -> BatchSummary:
    """run_batch once OUT is locked: plan duplicates and resumes, analyse the rest, merge, write."""
    settings = settings_hash(kit, config, __version__)
    _announce_engine(config, progress)
    for tmp in remove_stale_temps(written_folders(out_dir)):  # a killed run's (we hold the lock)
        log.info("removed stale %s", tmp)
    run = _plan_run(plan, out_dir, kit, settings, resume)
    fresh = _analyse([plan[i] for i in run.todo], kit, config, out_dir, jobs, settings, progress)
    outcomes: dict[int, PhotoOutcome] = {**run.resumed, **dict(zip(run.todo, fresh, strict=True))}
    for i in sorted(run.dup_of):
        outcomes[i] = _duplicate(
            plan[i], outcomes[run.dup_of[i]], kit, out_dir, fingerprint(run.shas[i], settings)
        )
        _log(outcomes[i], f"duplicate of {plan[run.dup_of[i]].name}")
    ordered = [outcomes[i] for i in range(len(plan))]
    doc = _session_doc(ordered, skipped, kit, config, out_dir)
    fresh_assets = {o.job.stem: o.assets for o in fresh if o.assets is not None}
    doc = _write_session(out_dir, kit, config, doc, progress, fresh_assets)
    return _summary(ordered, doc, [str(p) for p, _why in skipped], out_dir, kit)


def _announce_engine(config: Config, progress: ProgressCallback) -> None:
    """The OCR engine in the log; a notice when Tesseract reads with its base models."""
    if config.ocr.enabled:
        info = load_engine(config.ocr, ocr_threads(1)).info()  # loaded by run_batch already
        log.info("OCR engine %s (%s), models: %s", info.name, info.version,
                 ", ".join(info.models))
    tesseract = config.ocr.enabled and config.ocr.engine == "tesseract"
    if tesseract and config.ocr.tessdata_dir is None:
        notice(progress, "avec les modèles de base de Tesseract : `capture models --install` "
               "installe ceux qui lisent mieux l'écriture (voir README)", label="OCR")


def _plan_run(plan: list[PhotoJob], out_dir: Path, kit: KitLayout, settings: str,
              resume: bool) -> RunPlan:
    """Duplicates (same bytes as an earlier photo) and, with `resume`, photos already analysed."""
    shas: list[str | None] = []
    for job in plan:
        try:
            shas.append(file_sha256(job.path))
        except OSError:
            shas.append(None)  # unreadable: process_photo reports it
    first_of: dict[str, int] = {}
    dup_of: dict[int, int] = {}
    for i, sha in enumerate(shas):
        if sha is None:
            continue
        if sha in first_of:
            dup_of[i] = first_of[sha]
        else:
            first_of[sha] = i
    resumed: dict[int, PhotoOutcome] = {}
    todo: list[int] = []
    for i, job in enumerate(plan):
        if i in dup_of:
            continue
        found = _resumable(job, out_dir, kit, fingerprint(shas[i], settings)) if resume else None
        if found is not None:
            resumed[i] = found
            _log(found, "resumed (unchanged)")
        else:
            todo.append(i)
    return RunPlan(tuple(shas), dup_of, resumed, tuple(todo))


def _analyse(work: list[PhotoJob], kit: KitLayout, config: Config, out_dir: Path,
             jobs: int | None, settings: str, progress: ProgressCallback) -> list[PhotoOutcome]:
    """The photos of `work` analysed (in workers), each logged and reported as it ends."""
    n_jobs = max(1, min(jobs or default_jobs(len(work) or 1, config), len(work) or 1))
    finished = [0]

    def done(o: PhotoOutcome) -> None:
        finished[0] += 1
        _log(o, "analysed")
        progress(RunEvent("photo", done=finished[0], total=len(work), file=o.result.file))

    try:
        progress(RunEvent("start", total=len(work)))
        try:
            return run_photos(work, kit, config, out_dir, n_jobs, done, settings)
        finally:
            progress(RunEvent("end", done=finished[0], total=len(work)))
    except OSError as exc:  # a full disk, a folder that refuses writes (from any photo)
        if exc.errno not in FATAL_ERRNOS:
            raise
        log.info("stopped: %s", exc)
        raise output_error(exc) from exc
    except KeyboardInterrupt:
        log.info("interrupted: %d/%d photos analysed", finished[0], len(work))
        raise Interrupted(
            f"interrompu : {finished[0]} photo(s) sur {len(work)} analysée(s) et gardée(s) "
            f"dans {out_dir}, les résultats de la séance ne sont pas écrits ; relancez la même "
            "commande avec --resume pour finir sans refaire celles-là.",
        ) from None


def _session_doc(outcomes: list[PhotoOutcome], skipped: list[tuple[Path, str]],
                 kit: KitLayout, config: Config, out_dir: Path) -> dict:
    """session.json's document: the photos merged, markerless walls, what was skipped."""
    # The session is built from what the per-photo JSONs say (rounded as written), whether a
    # photo was analysed now or by an earlier run: a resumed run gives the same session.
    results = [_as_written(o, out_dir, kit) for o in outcomes]
    session = merge_session(results, kit, config, skipped=[str(p) for p, _why in skipped])
    doc = session_to_dict(
        session,
        kit,
        photo_docs={o.result.file: o.doc for o in outcomes},
        crops={o.result.file: o.crops for o in outcomes},
    )
    wall = session_markerless([out_dir / o.doc for o in outcomes], config)
    if wall is not None:  # photos read with no board
        doc["markerless"] = wall
    doc["skipped_why"] = [{"path": str(p), "reason": why} for p, why in skipped]
    return doc


def _write_session(out_dir: Path, kit: KitLayout, config: Config, doc: dict,
                   progress: ProgressCallback, fresh_assets: dict[str, dict] | None = None,
                   ) -> dict:
    """A person's corrections re-applied, then the session's files written; the final doc.

    session.json, the CSVs, report.html, layout.json (for rebuilds) and the photo JSONs a
    person's corrections touch, all or none: a full disk leaves the previous run's files whole
    and in step, never half of each. A person's corrections (OUT/corrections.json) outlive
    re-runs and --resume: applied again here, in memory, before anything is written.
    """
    try:
        reapplied = reapply_journal(out_dir, kit=kit, session=doc)
        photo_docs: dict[Path, dict] = {}
        if reapplied is not None:
            doc, photo_docs = reapplied.session, reapplied.photo_docs
            kept = reapplied.corrections - len(reapplied.skipped)
            log.info("corrections re-applied: %d, skipped: %s", kept,
                     "; ".join(reapplied.skipped) or "none")
            notice(progress, f"corrections reprises de {JOURNAL} : {kept}"
                   + (f" ({len(reapplied.skipped)} sans objet : post-it absent de cette "
                      "analyse)" if reapplied.skipped else ""))
        html = report_html(out_dir, kit=kit, config=config, session=doc, photo_docs=photo_docs,
                           fresh_assets=fresh_assets)
        write_together({
            **{path: json_bytes(d) for path, d in photo_docs.items()},
            out_dir / "session.json": json_bytes(doc),
            **csv_files(out_dir, doc),
            **markerless_csv_files(out_dir, doc),
            out_dir / REPORT_FILE: html.encode("utf-8"),
            out_dir / LAYOUT_FILE: json_bytes(kit_to_dict(kit, dpi=150)),
        })
    except OSError as exc:
        raise output_error(exc) from exc
    return doc


def _summary(outcomes: list[PhotoOutcome], doc: dict, skipped: list[str], out_dir: Path,
             kit: KitLayout) -> BatchSummary:
    totals = [
        o.timings["total"] for o in outcomes if o.result.status == "ok" and "total" in o.timings
    ]
    return BatchSummary(
        out_dir=out_dir,
        photos=len(outcomes),
        ok=sum(o.result.status == "ok" for o in outcomes),
        failed=[
            (o.result.file, o.result.error_code or "error", o.result.error or "")
            for o in outcomes
            if o.result.status != "ok"
        ],
        skipped=skipped,
        boards=len(doc.get("boards", [])),
        votes=sum(v["agree"] + v["disagree"] for v in doc["votes"]),
        actions=len(doc["actions"]),
        notes=len(doc["notes"]),
        median_photo_s=float(np.median(totals)) if totals else None,
        session=doc,
        board_names=_board_names(kit),
    )


def _board_names(kit: KitLayout) -> dict[str, str]:
    return board_names(kit_to_dict(kit, dpi=150))
