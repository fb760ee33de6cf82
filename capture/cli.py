"""Command line: parse, call the stages, print, exit with the documented status.

The CLI is the only place that talks to the terminal: a run reports through typed events
(capture.app.events) that `RunView` draws with rich (notices, the progress bar), and
`print_summary` says what a run did.
Each command imports its own modules when it runs (marked `# lazy: startup`): `capture --help`
answers in 0.3 s instead of 1.5 s, and `capture kit` does not load the OCR.
Exit status: 0 all photos processed, 1 some photos failed, 2 usage or workshop-file error.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape  # "[code]" and user text must not be read as rich markup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from capture import __version__
from capture.app.events import RunEvent
from capture.core.config import CONFIG
from capture.core.errors import EXIT_INTERRUPTED, CaptureError, Interrupted
from capture.core.workshop import load_workshop
from capture.interpret.flags import scrub
from capture.io.atomic import FATAL_ERRNOS, ensure_writable, output_error
from capture.io.lock import output_lock
from capture.io.model_files import default_dir, models_dir
from capture.io.model_files import install as install_models
from capture.kit.layout import layout_workshop

if TYPE_CHECKING:  # the batch module is imported by `run` only (startup time)
    from capture.app.batch import BatchSummary

console = Console(stderr=True)


def _fail(exc: CaptureError) -> None:
    console.print(f"[bold red]erreur[/] {escape(f'[{exc.code}] {exc.message}')}", highlight=False,
                  soft_wrap=True)  # never break a file:line path across lines
    sys.exit(exc.exit_status)


class RunView:
    """Draws a run's events (capture.app.events) on the terminal: notices in colour, a
    progress bar while photos are analysed. Use as a context manager: the bar is stopped
    however the run ends."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar: Progress | None = None
        self.task: int | None = None

    def __call__(self, event: RunEvent) -> None:
        if event.kind == "notice":
            head = f"[yellow]{escape(event.label)}[/] " if event.label else ""
            self.console.print(head + escape(event.text), highlight=False)
        elif event.kind == "start":
            self.close()
            self.bar = Progress(
                TextColumn("[bold]analyse des photos"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self.bar.start()
            self.task = self.bar.add_task("photos", total=event.total)
        elif event.kind == "photo" and self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=event.done)
        elif event.kind == "end":
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> RunView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def print_summary(summary: BatchSummary, console: Console) -> None:
    """Short end-of-run report for the facilitator."""
    from capture.app.batch import SKIP_NOT_PHOTO  # lazy: startup
    c = console
    why = {s["path"]: s["reason"] for s in summary.session.get("skipped_why", [])}
    for name in summary.skipped:
        c.print(f"[dim]ignoré ({escape(why.get(name, SKIP_NOT_PHOTO))}) : {escape(name)}[/]",
                highlight=False, soft_wrap=True)  # a long path is never cut in two
    for file, code, msg in summary.failed:
        c.print(f"[red]échec[/] {escape(f'{file} [{code}] {msg}')}", highlight=False)
    for o in summary.session.get("photos", []):
        if o.get("duplicate_of") and o["status"] == "ok":  # failed copies are listed above
            c.print(
                escape(f"doublon {o['file']} : même contenu que {o['duplicate_of']}, lu une fois"),
                highlight=False,
            )
    for f in summary.session.get("flags", []):  # while the walls are still up
        if f["code"] == "text_too_small":  # the sentence without its px/mm aside
            c.print(f"[yellow]à reprendre[/] {escape(scrub(f['message']))}", highlight=False)
        elif f["code"] == "board_unconfirmed":
            c.print(f"[yellow]à vérifier[/] {escape(f['message'])}", highlight=False)
    missing = [
        f
        for f in summary.session.get("flags", [])
        if f["code"] == "board_missing" and f["severity"] != "info"
    ]
    if missing:  # named, while the walls are still up to be photographed
        names = [summary.board_names.get(f["board"], f["board"]) for f in missing]
        c.print(f"[yellow]sur aucune photo[/] ({len(names)}) : "
                + escape(" · ".join(f"« {n} »" for n in names)), highlight=False)
    # a run with no workshop file (--markerless alone) has no printed board: its boards, votes,
    # actions and board notes are zeros nobody asked for, read beside "N post-its lus sans
    # panneau" as if the notes had been lost (the report leaves them out the same way)
    kit = bool(summary.board_names) or summary.boards > 0
    c.print(
        f"[bold]{summary.ok}/{summary.photos} photos analysées[/]"
        + (f", [red]{len(summary.failed)} en échec[/]" if summary.failed else "")
        + ((f" · {summary.boards} panneaux vus"
            + (f", {len(missing)} sur aucune photo" if missing else "")
            + f" · {summary.votes} votes sur {len(summary.session['votes'])} verbatims"
            + f" · {summary.actions} actions · {summary.notes} post-its") if kit else "")
        + (f" · {summary.median_photo_s:.1f} s/photo" if summary.median_photo_s else ""),
        highlight=False,
    )
    ml = summary.session.get("markerless")
    if ml:  # photos read with no board
        on = sum(sum(n["dots"].values()) for n in ml["notes"])
        free = sum(d.get("on_note") is None for d in ml["dots"])
        c.print(
            f"[bold]{len(ml['notes'])} post-its lus sans panneau[/] · {on} gommettes sur ces "
            f"post-its · {free} hors post-it (markerless_notes.csv, markerless_dots.csv)",
            highlight=False,
        )
    c.print(
        f"résultats : {summary.out_dir}/ (session.json, votes.csv, actions.csv, notes.csv, "
        "zones.csv, photos/, crops/)",
        highlight=False,
    )
    c.print(f"à relire et corriger : capture review {summary.out_dir} (ou "
            f"{summary.out_dir / 'report.html'} dans un navigateur)", highlight=False)
    c.print(f"puis à publier : capture publish {summary.out_dir}", highlight=False)


class _Group(click.Group):
    """Turn our typed errors into one readable line and the right exit status."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CaptureError as exc:
            _fail(exc)
        except OSError as exc:  # a write refused or a full disk anywhere: exit 2, no traceback
            if exc.errno not in FATAL_ERRNOS:
                raise
            _fail(output_error(exc))
        except KeyboardInterrupt:  # Ctrl-C outside a run's photos: nothing half-written
            _fail(Interrupted("interrompu"))
        return None


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="capture")
def main() -> None:
    """wall capture: photos of workshop walls in, votes and notes out."""


@main.command()
@click.argument("workshop", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDF, the board PNGs and kit.json.")
@click.option("--dpi", default=150, show_default=True, type=click.IntRange(50, 600),
              help="Resolution of the board PNGs.")
@click.option("--paper", default="auto", show_default=True,
              type=click.Choice(["auto", "A4", "A3"], case_sensitive=False),
              help="PDF paper; auto picks the one needing fewer pages.")
def kit(workshop: Path, out_dir: Path, dpi: int, paper: str) -> None:
    """Print the wall kit: PDF (tiled on A4/A3), one PNG per board, kit.json."""
    from capture.kit.export import write_kit  # lazy: startup
    # (write_kit turns any write error into output_unwritable, exit 2, itself)
    with console.status("dessin du kit…") as status:
        summary = write_kit(load_workshop(workshop), out_dir, dpi=dpi, status=status.update,
                            paper=paper)
    console.print(summary)


@main.command()
@click.argument("workshop", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--markerless", is_flag=True,
              help="Walls with no board: notes and dots straight on a wall or kraft paper.")
@click.option("--count", default=6, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--level", default="medium", show_default=True,
              type=click.Choice(["easy", "medium", "hard"]))
@click.option("--megapixels", default=12.0, show_default=True, type=click.FloatRange(0.5, 50),
              help="Photo size; 12 MP like a phone. The committed samples use fewer to stay small.")
@click.option("--clutter/--no-clutter", default=None,
              help="With --markerless: the room around the wall in view (printed sheets, a "
                   "whiteboard, folders, magnets, pins, floor, door) on every photo, or on none "
                   "(default: as the level says: hard only, 3 photos in 4).")
@click.option("--votes/--no-votes", default=None,
              help="With --markerless: dot voting as it happens (popular notes with 8-20 dots "
                   "touching and overlapping, two pack sizes, dots straddling a note's edge, a "
                   "tight cluster of free dots) on every photo, or on none (default: as the "
                   "level says: hard only, 1 photo in 2).")
@click.option("--dim", is_flag=True,
              help="With --markerless: every photo taken in a dim room (about a stop under, "
                   "a warm lamp or cool daylight the phone left in part, high-ISO noise).")
@click.option("--headers/--no-headers", default=None,
              help="With --markerless: a title over each group of notes (a card cut in two "
                   "lengthwise, a square cut in two, a card landscape, or two squares edge to "
                   "edge) on every photo, or on none (default: as the level says: none).")
def samples(workshop: Path | None, out_dir: Path, markerless: bool, count: int, seed: int,
            level: str, megapixels: float, clutter: bool | None, votes: bool | None,
            dim: bool, headers: bool | None) -> None:
    """Generate realistic phone photos of the walls, with exact truth."""
    from capture.synth.generate import generate_set  # lazy: startup
    from capture.synth.markerless_scene import generate_markerless_set  # lazy: startup
    if markerless:
        generate_markerless_set(out_dir, count, seed, level, megapixels, clutter=clutter,
                                votes=votes, dim=dim, headers=headers)
        console.print(f"{count} photos de murs sans panneau (et truth.json) dans {out_dir}",
                      highlight=False, soft_wrap=True)
        # the next step, as it is typed: these walls have no board, so no workshop file
        console.print("à analyser : capture run " + shlex.quote(str(out_dir)) + " --markerless",
                      highlight=False, soft_wrap=True)
        return
    if workshop is None:
        raise click.UsageError("WORKSHOP is required (or --markerless)")

    ws = load_workshop(workshop)
    ensure_writable(out_dir, *[d for d in (out_dir / "photos", out_dir / "truth") if d.is_dir()])
    generate_set(ws, out_dir, count=count, seed=seed, level=level,
                 megapixels=megapixels, console=console)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workshop", type=click.Path(dir_okay=False, path_type=Path),
              help="The workshop file (YAML) the boards were printed from (optional with "
                   "--markerless).")
@click.option("--markerless", is_flag=True,
              help="Read notes and dots on the whole photo, boards or not (see docs/markerless.md)."
                   " Without it, only photos with no board are read that way.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: outputs/<name of the first input>).")
@click.option("--jobs", type=click.IntRange(1, 64),
              help="Photos analysed in parallel (default: cores).")
@click.option("--ocr", type=click.Choice(["ppocr", "tesseract"]),
              help="OCR engine: ppocr (neural, the default) or tesseract. See docs/ocr.md.")
@click.option("--lang", "languages", help="Tesseract languages, e.g. fra+eng (the default) or fra.")
@click.option("--resume", is_flag=True,
              help="Skip photos already analysed into OUT with the same content and settings.")
@click.option("--max-megapixels", type=click.FloatRange(0.1, 10_000),
              help="Refuse larger images unopened (default 100; a guard against image bombs).")
def run(paths: tuple[Path, ...], workshop: Path | None, markerless: bool, out_dir: Path | None,
        jobs: int | None, ocr: str | None, languages: str | None, resume: bool,
        max_megapixels: float | None) -> None:
    """Analyse wall photos (files or folders): votes, notes, actions -> JSON and CSV."""
    from capture.app.batch import run_batch  # lazy: startup
    if workshop is None and not markerless:
        # said in French with the two commands that work, the photos as they were typed: a
        # facilitator who photographed a wall without the printed kit needs only --markerless
        photos = " ".join(shlex.quote(str(p)) for p in paths)
        raise click.UsageError(
            "il manque le fichier de l'atelier (les panneaux imprimés) : "
            f"capture run {photos} --workshop atelier.yaml ; ou, pour des murs photographiés "
            f"sans panneau imprimé : capture run {photos} --markerless")
    with RunView(console) as view:
        summary = run_batch(list(paths), workshop, out_dir=out_dir, jobs=jobs,
                            languages=languages, progress=view, resume=resume,
                            max_megapixels=max_megapixels, markerless=markerless, ocr=ocr)
    print_summary(summary, console)
    sys.exit(summary.exit_status)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--workshop", type=click.Path(dir_okay=False, path_type=Path),
              help="The workshop file, only for outputs without layout.json.")
def report(out_dir: Path, workshop: Path | None) -> None:
    """Rebuild OUT_DIR/report.html from the outputs of `capture run`."""
    from capture.app.report import ASSETS_DIR, write_report  # lazy: startup
    kit_layout = None
    if workshop is not None:
        kit_layout = layout_workshop(load_workshop(workshop))

    ensure_writable(out_dir, *[d for d in (out_dir / ASSETS_DIR,) if d.is_dir()])
    with output_lock(out_dir):
        console.print(f"rapport : {write_report(out_dir, kit=kit_layout)}", highlight=False)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("corrections", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workshop", type=click.Path(dir_okay=False, path_type=Path),
              help="The workshop file, only for outputs without layout.json.")
def apply(out_dir: Path, corrections: Path, workshop: Path | None) -> None:
    """Apply corrections.json (downloaded from report.html) to the outputs in OUT_DIR."""
    from capture.app.corrections import apply_corrections  # lazy: startup
    ensure_writable(out_dir)  # the lock file lives there (apply checks its other folders)

    with output_lock(out_dir):  # never while a `capture run` rewrites the same outputs
        kit_layout = None
        if workshop is not None:
            kit_layout = layout_workshop(load_workshop(workshop))
        summary = apply_corrections(out_dir, corrections, kit=kit_layout)
    console.print(
        f"{summary.changed}/{summary.corrections} correction(s) ont modifié les résultats"
        + ("" if summary.changed == summary.corrections else " (les autres l'étaient déjà)")
        + f" ; fichiers réécrits : {', '.join(summary.files)}", highlight=False)
    console.print(f"corrections gardées dans {out_dir / 'corrections.json'} (reprises par "
                  "`capture run`, même avec --resume)", highlight=False, soft_wrap=True)
    # what to do next: the page open in the browser still shows the outputs it was built from
    console.print(f"à revoir : rechargez {out_dir / 'report.html'} dans le navigateur (il a été "
                  f"refait) ; puis à publier : capture publish {shlex.quote(str(out_dir))}",
                  highlight=False, soft_wrap=True)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--no-browser", is_flag=True, help="Only print the address (tests, remote use).")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: a free one chosen at random).")
def review(out_dir: Path, no_browser: bool, port: int) -> None:
    """Open the report in the browser; each correction is saved straight into OUT_DIR."""
    from capture.app.report import load_outputs  # lazy: startup
    from capture.app.review import serve  # lazy: startup
    load_outputs(out_dir)  # a clear error now rather than in the browser

    def ready(server) -> None:
        console.print(f"relecture : {server.url}", highlight=False, soft_wrap=True)
        console.print("les corrections sont enregistrées dans "
                      f"{out_dir}/ ; Ctrl-C pour arrêter", highlight=False, soft_wrap=True)

    serve(out_dir, open_browser=not no_browser, port=port, on_ready=ready)
    console.print("relecture arrêtée", highlight=False)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--no-pdf", is_flag=True, help="Skip synthese.pdf (needs Chromium).")
def publish(out_dir: Path, no_pdf: bool) -> None:
    """Write the read-only synthesis: synthese.html, synthese.pdf (A4), panneaux/*.svg."""
    from capture.app.publish import publish as write_synthesis  # lazy: startup
    with output_lock(out_dir), console.status("synthèse en cours…"):
        summary = write_synthesis(out_dir, pdf=not no_pdf)
    console.print(f"synthèse : {summary.html}", highlight=False, soft_wrap=True)
    if summary.pdf:
        console.print(f"PDF (A4) : {summary.pdf}", highlight=False, soft_wrap=True)
    if summary.svgs or not summary.wall_notes:  # no board: no folder of boards to point at
        console.print(f"{len(summary.svgs)} panneau(x) en SVG : {out_dir / 'panneaux'}/",
                      highlight=False, soft_wrap=True)
    if summary.wall_notes is not None:
        console.print(f"{summary.wall_notes} post-it lus sans panneau, classés par leurs "
                      "gommettes", highlight=False, soft_wrap=True)


@main.command()
@click.option("--install", is_flag=True,
              help="Download the better Tesseract models (npm registry, hashes pinned) if "
                   "missing (the ppocr engine's models come inside its package).")
@click.option("--ocr", default=None, type=click.Choice(["ppocr", "tesseract"]),
              help="The engine to show (default: the one `capture run` uses).")
@click.option("--lang", "languages", default="fra+eng", show_default=True,
              help="Tesseract languages to install or look for.")
def models(install: bool, ocr: str | None, languages: str) -> None:
    """Show which OCR engine and model files a run reads with; --install fetches the better
    Tesseract models."""
    from capture.vision.ocr import load_engine  # lazy: startup
    if install:
        for path in install_models(languages):
            console.print(f"modèle : {path}", highlight=False)
    config = replace(CONFIG.ocr, engine=ocr or CONFIG.ocr.engine, languages=languages)
    info = load_engine(config).info()  # ExternalToolError (exit 2) when it cannot load
    default = " (par défaut)" if info.name == CONFIG.ocr.engine else ""
    console.print(f"moteur OCR {info.name}{default} : {info.version}", highlight=False,
                  soft_wrap=True)
    for path in info.models:
        console.print(f"  modèle : {path}", highlight=False, soft_wrap=True)
    if info.name == "tesseract" and models_dir(languages) is None:
        console.print(f"  (pas de modèles améliorés dans {default_dir()} : "
                      "`capture models --install`)", highlight=False, soft_wrap=True)


@main.group()
def bench() -> None:
    """Measure the pipeline: generated photos against their truth, real photos against
    labels by eye, speed."""


@bench.command("accuracy")
@click.option("--workshop", default=Path("samples/residence-achats-durables/workshop.yaml"),
              show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--level", default="medium", show_default=True,
              type=click.Choice(["easy", "medium", "hard"]))
@click.option("--count", default=8, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--jobs", type=click.IntRange(1, 64))
@click.option("--megapixels", default=12.0, show_default=True, type=click.FloatRange(0.5, 50))
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the generated set and the outputs here (default: a temporary folder).")
@click.option("--markerless", is_flag=True,
              help="Walls with no board (capture samples --markerless), read with no board.")
@click.option("--ocr", type=click.Choice(["ppocr", "tesseract"]),
              help="OCR engine (default: the one `capture run` uses).")
@click.option("--resume", is_flag=True,
              help="With --keep: photos already analysed in KEEP/out-<engine> with the same "
                   "settings are not analysed again (capture run --resume); the session is "
                   "merged and scored anew.")
@click.option("--clutter/--no-clutter", default=None,
              help="With --markerless: the room around the wall in view (printed sheets, a "
                   "whiteboard, folders, magnets, pins, floor, door) on every photo, or on none "
                   "(default: as the level says: hard only, 3 photos in 4).")
def bench_accuracy(workshop: Path, level: str, count: int, seed: int, jobs: int | None,
                   megapixels: float, keep: Path | None, markerless: bool,
                   ocr: str | None, resume: bool, clutter: bool | None) -> None:
    """Generate photos, run the pipeline, compare with the truth, print the table."""
    from capture.bench.accuracy import run_accuracy  # lazy: startup
    from capture.bench.markerless import bench_markerless  # lazy: startup
    if markerless:
        res = bench_markerless(count, seed, level, megapixels, keep,
                               progress=lambda s: console.print(s, soft_wrap=True),
                               clutter=clutter)
        for k, v in res.items():
            console.print(f"{k:22} {v}")
        return

    if resume and keep is None:
        raise click.UsageError("--resume needs --keep (the folder of an earlier run)")
    with RunView(console) as view:
        run_accuracy(workshop, level=level, count=count, seed=seed, jobs=jobs, keep=keep,
                     megapixels=megapixels, console=console, progress=view, ocr=ocr,
                     resume=resume)


@bench.command("ocr")
@click.option("--count", default=4, show_default=True, type=click.IntRange(1, 1000),
              help="Rendered note crops per handwriting font and resolution band.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--level", default="medium", show_default=True, type=click.Choice(["medium", "hard"]))
@click.option("--ocr", "engines", multiple=True, type=click.Choice(["ppocr", "tesseract"]),
              help="Engines to compare (repeat the option; default: both).")
@click.option("--lang", "languages", default="fra+eng", show_default=True,
              help="Tesseract languages.")
def bench_ocr(count: int, seed: int, level: str, engines: tuple[str, ...],
              languages: str) -> None:
    """Both OCR engines on the same rendered note crops: CER per font and per resolution
    band, accents, CPU ms per note, peak memory."""
    from capture.bench.ocr_fonts import compare_engines  # lazy: startup
    compare_engines(count, seed, level, languages, engines or ("ppocr", "tesseract"),
                    console=console)


@bench.command("speed")
@click.argument("photos", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--ocr", "with_ocr", is_flag=True,
              help="Read the notes' text too, with the default OCR engine (loaded first, "
                   "not timed): its CPU seconds per photo and per note.")
def bench_speed(photos: tuple[Path, ...], with_ocr: bool) -> None:
    """CPU seconds per photo read with no board (the markerless way, no OCR unless --ocr):
    decoding, find_wall, interpret (and the text), then the median and the maximum.
    PHOTOS: files or folders (the photos `capture run` would read)."""
    from capture.app.batch import expand_paths  # lazy: startup
    from capture.bench.speed import markerless_speed, speed_summary  # lazy: startup

    def show(r) -> None:
        text = f"  ocr {r.ocr_s:6.2f} ({r.read} notes)" if with_ocr else ""
        console.print(f"{r.name:32} decode {r.decode_s:6.2f}  find_wall {r.find_wall_s:6.2f}  "
                      f"interpret {r.interpret_s:6.2f}{text}  notes {r.notes:3}  dots {r.dots:3}",
                      highlight=False, soft_wrap=True)

    reader = None
    if with_ocr:
        from capture.core.config import CONFIG  # lazy: startup
        from capture.vision.ocr import load_engine, read_notes  # lazy: heavy engine

        load_engine(CONFIG.ocr)  # its load is no photo's time

        def reader(crops):
            return read_notes(crops, CONFIG.ocr)

    rows = markerless_speed(expand_paths(photos)[0], progress=show, ocr=reader)
    for k, v in speed_summary(rows).items():
        console.print(f"{k:22} {v:g}", highlight=False)


@bench.command("memory")
@click.argument("photos", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--ocr", "with_ocr", is_flag=True,
              help="Read the notes' text too (the default engine, loaded first).")
def bench_memory(photos: tuple[Path, ...], with_ocr: bool) -> None:
    """Peak resident memory per photo read with no board (the markerless way, no OCR unless
    --ocr), the size before and after it, and the stage at its peak (Linux). PHOTOS: files
    or folders (the photos `capture run` would read)."""
    from capture.app.batch import expand_paths  # lazy: startup
    from capture.bench.memory import markerless_memory, memory_summary  # lazy: startup

    def show(r) -> None:
        console.print(f"{r.name:32} before {r.before_mb:6.1f}  peak {r.peak_mb:6.1f}  "
                      f"after {r.after_mb:6.1f} MB  at {' > '.join(r.where[-2:])}",
                      highlight=False, soft_wrap=True)

    reader = None
    if with_ocr:
        from capture.core.config import CONFIG  # lazy: startup
        from capture.vision.ocr import load_engine, read_notes  # lazy: heavy engine

        load_engine(CONFIG.ocr)  # loaded before the first photo: its size is every photo's

        def reader(crops):
            return read_notes(crops, CONFIG.ocr)

    try:
        rows = markerless_memory(expand_paths(photos)[0], progress=show, ocr=reader)
    except OSError as exc:
        raise click.ClickException(str(exc)) from exc
    for k, v in memory_summary(rows).items():
        console.print(f"{k:22} {v:g}", highlight=False)


class _PhotoBar:
    """A progress bar over the photos a bench reads (they take seconds each)."""

    def __init__(self, console: Console, what: str) -> None:
        self.bar = Progress(TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.description}"),
                            console=console, transient=True)
        self.task = self.bar.add_task("", total=None)

    def __call__(self, done: int, total: int, name: str) -> None:
        self.bar.update(self.task, completed=done, total=total, description=escape(name))

    def __enter__(self) -> _PhotoBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _table_console() -> Console:
    """The console a bench's table is printed on: the terminal's width there; written to a
    file or a pipe (a measurement kept for later), wide enough that no figure is cut."""
    return console if console.is_terminal else Console(stderr=True, width=max(console.width, 200))


@bench.command("score")
@click.argument("sets", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--ocr/--no-ocr", default=False, show_default=True,
              help="Read the notes' text with the default OCR engine and score its CER "
                   "(slow); without it, notes, colours and stickers only.")
@click.option("--per-photo", is_flag=True, help="A row per photo under its set's row.")
@click.option("--jobs", type=click.IntRange(1, 64),
              help="Photos read in parallel (default: cores; 1 for figures to compare on a "
                   "busy machine).")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every set's and photo's counts to this JSON file.")
def bench_score(sets: tuple[Path, ...], ocr: bool, per_photo: bool, jobs: int | None,
                json_file: Path | None) -> None:
    """Score generated markerless sets already on disk (capture samples --markerless: the
    photos and truth.json), photo by photo, as `capture bench accuracy --markerless` scores
    them. SETS: the sets' folders."""
    from rich.table import Table  # lazy: startup

    from capture.bench.wall_sets import (  # lazy: startup
        score_sets,
        scores_json,
        table_cells,
        table_columns,
    )
    from capture.io.atomic import atomic_write_json  # lazy: startup
    with _PhotoBar(console, "lecture des jeux") as bar:
        scored = score_sets(list(sets), ocr=ocr, jobs=jobs, progress=bar)
    table = Table(title=f"markerless sets scored ({'with' if ocr else 'no'} OCR)")
    for i, col in enumerate(table_columns(ocr)):
        table.add_column(col, justify="left" if i == 0 else "right", no_wrap=i == 0)
    names = [one.folder.name for one in scored]
    if len(set(names)) < len(names):  # two sets of one name in different folders
        names = [str(one.folder) for one in scored]
    for name, one in zip(names, scored, strict=True):
        table.add_row(escape(name), *table_cells([s for _, s in one.photos], ocr),
                      style="bold" if per_photo else None)
        if per_photo:
            for name, s in one.photos:
                table.add_row("  " + escape(name), *table_cells([s], ocr))
    everything = [s for one in scored for _, s in one.photos]
    if len(scored) > 1 and everything:
        table.add_row("all", *table_cells(everything, ocr), style="bold")
    _table_console().print(table)
    if json_file is not None:
        atomic_write_json(json_file, scores_json(scored, ocr))
        console.print(f"scores : {json_file}", highlight=False, soft_wrap=True)


@bench.command("real")
@click.argument("photo_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--labels", "labels_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Notes (and stickers) per colour counted by eye, per photo "
                   "(docs/real-photos/colours.yaml).")
@click.option("--text", "text_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The notes' text transcribed by eye (docs/real-photos/text.yaml): read "
                   "the notes with the default OCR engine and score the CER.")
@click.option("--jobs", type=click.IntRange(1, 64),
              help="Photos read in parallel (default: cores).")
@click.option("--only", help="Only the labelled photos whose name holds this.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write each photo's figures (and every note's reading) to this file.")
def bench_real(photo_dir: Path, labels_file: Path, text_file: Path | None, jobs: int | None,
               only: str | None, json_file: Path | None) -> None:
    """Real photos against labels by eye: notes right per colour, false stickers, and with
    --text the notes' CER and those read exactly. PHOTO_DIR: the photos the labels name."""
    from rich.table import Table  # lazy: startup

    from capture.bench.real_photos import (  # lazy: startup
        ColourLabels,
        TextLabels,
        load_labels,
        real_json,
        real_totals,
        score_real,
    )
    from capture.io.atomic import atomic_write_json  # lazy: startup
    colours = load_labels(labels_file, ColourLabels)
    text = load_labels(text_file, TextLabels) if text_file is not None else None
    with _PhotoBar(console, "lecture des photos") as bar:
        scores = score_real(photo_dir, colours, text, only=only, jobs=jobs, progress=bar)

    def counts(d: dict[str, int] | None) -> str:
        return "-" if d is None else (", ".join(f"{c} {n}" for c, n in sorted(d.items())) or "0")

    table = Table(title=f"real photos against {labels_file}")
    cols = ["photo", "labelled", "found", "right", "stickers found", "false stickers"]
    if text is not None:
        cols += ["text notes", "CER", "exact"]
    for i, col in enumerate(cols):
        table.add_column(col, justify="left" if i < 3 else "right", no_wrap=i == 0)
    for s in scores:
        lab = s.labels.notes if s.labels is not None else None
        row = [escape(s.photo), counts(lab) if lab is not None else "(unlabelled)",
               counts(s.found_notes),
               "-" if s.right is None else f"{s.right}/{s.labelled}",
               counts(s.found_stickers) + (f" ({s.stickers_on_notes} on notes)"
                                           if s.stickers_on_notes else ""),
               "-" if s.false_stickers is None else str(s.false_stickers)]
        if text is not None:
            t = s.text
            row += (["-", "-", "-"] if t is None else
                    [f"{t.matched}/{t.notes}",
                     f"{100 * t.edits / t.chars:.1f} % ({t.edits}/{t.chars})" if t.chars else "-",
                     str(t.exact)])
        table.add_row(*row)
    tot = real_totals(scores)
    pct = f" ({100 * tot['notes_right'] / tot['notes_labelled']:.0f} %)" if tot[
        "notes_labelled"] else ""
    row = ["all", str(tot["notes_labelled"]), "", f"{tot['notes_right']}/{tot['notes_labelled']}"
           + pct, str(tot["stickers_found"]), str(tot["false_stickers"])]
    if text is not None:
        row += [f"{tot['text_matched']}/{tot['text_notes']}",
                "-" if tot["text_cer"] is None else
                f"{tot['text_cer']:.1f} % ({tot['text_edits']}/{tot['text_chars']})",
                str(tot["text_exact"])]
    table.add_row(*row, style="bold")
    _table_console().print(table)
    if tot["stickers_labelled"]:
        console.print(f"stickers labelled {tot['stickers_labelled']}, found right "
                      f"{tot['stickers_right']}", highlight=False)
    if json_file is not None:
        atomic_write_json(json_file, real_json(scores))
        console.print(f"scores : {json_file}", highlight=False, soft_wrap=True)


@bench.command("compare")
@click.argument("a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--show", default=30, show_default=True, type=click.IntRange(0),
              help="Differences printed at most.")
def bench_compare(a: Path, b: Path, show: int) -> None:
    """Two `capture run` output folders field by field (JSON values, CSV cells, crop bytes),
    clocks, versions and the folders' own paths left out. Exit status 1 when they differ."""
    from capture.bench.compare import compare_outputs  # lazy: startup
    res = compare_outputs(a, b)
    console.print(f"{res.files_compared} files, {res.fields_compared} fields compared; "
                  f"present in both, not compared: {len(res.presence_only)} "
                  f"({', '.join(sorted({Path(n).suffix for n in res.presence_only}))})")
    for line in res.differences[:show]:
        console.print(escape(line), soft_wrap=True)
    if res.differences:
        console.print(f"{len(res.differences)} differences")
        sys.exit(1)
    console.print("identical")


def run_entry() -> None:  # pragma: no cover - convenience for `python -m capture`
    try:
        main(standalone_mode=True)
    except CaptureError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
