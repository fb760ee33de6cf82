"""What a facilitator who is not a programmer reads at each step of the loop on walls
photographed without the printed kit (`capture samples --markerless`, `capture run`,
`capture apply`): the next command, typed as it works, in French."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from capture.app.batch import BatchSummary
from capture.cli import main, print_summary


def test_run_without_a_workshop_names_the_markerless_command(tmp_path: Path) -> None:
    """`capture run PHOTOS` with neither a workshop file nor --markerless (the first thing one
    types on a wall photographed without the kit): the error says, in French, the two
    commands that work with these very photos. On main: "--workshop is required (or
    --markerless for photos with no board)", in English and with no command to copy."""
    photos = tmp_path / "mes photos"
    photos.mkdir()
    res = CliRunner().invoke(main, ["run", str(photos)])
    assert res.exit_code == 2
    said = " ".join(res.output.split())  # click wraps the line
    assert "il manque le fichier de l'atelier" in said
    assert f"capture run '{photos}' --markerless" in said
    assert f"capture run '{photos}' --workshop atelier.yaml" in said


def test_a_run_with_no_workshop_prints_no_board_zeros() -> None:
    """A run with --markerless alone: its summary line gives the photos and the time, not
    "0 panneaux vus · 0 votes sur 0 verbatims · 0 actions · 0 post-its" (read beside "25
    post-its lus sans panneau" as if the notes had been lost). With a workshop, the boards'
    figures stay, zeros included."""
    session = {"photos": [], "votes": [], "flags": [], "boards": [],
               "markerless": {"notes": [{"dots": {"red": 2}}], "dots": [{"on_note": None}]}}
    kw = dict(out_dir=Path("out"), photos=1, ok=1, failed=[], skipped=[], boards=0, votes=0,
              actions=0, notes=0, median_photo_s=2.0, session=session)
    buf = io.StringIO()
    print_summary(BatchSummary(**kw), Console(file=buf, width=300))
    out = buf.getvalue()
    assert "1/1 photos analysées · 2.0 s/photo" in out
    assert "panneaux vus" not in out and "verbatims" not in out
    assert "1 post-its lus sans panneau · 2 gommettes sur ces post-its · 1 hors post-it" in out
    buf = io.StringIO()
    print_summary(BatchSummary(**kw, board_names={"mire": "Mire"}), Console(file=buf, width=300))
    assert "0 panneaux vus · 0 votes sur 0 verbatims · 0 actions · 0 post-its" in buf.getvalue()


@pytest.mark.slow  # a photo drawn
def test_samples_markerless_says_the_command_that_reads_them(tmp_path: Path) -> None:
    """`capture samples --markerless` ends with the command that reads what it made (with
    --markerless: these walls have no board). On main it only said where the photos were."""
    out = tmp_path / "murs"
    res = CliRunner().invoke(main, ["samples", "--markerless", "--count", "1",
                                    "--megapixels", "0.5", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert f"à analyser : capture run {out} --markerless" in " ".join(res.output.split())


def test_a_wall_notes_flag_names_it_by_its_number_in_the_table() -> None:
    """"Le texte du post-it m02 était difficile à lire": the reviewer sees numbers on the
    photo and in the table's first column, the id only in small print beside the photo's
    name. The sentence now says "le post-it n° 3" (the number of that photo's note), and only
    for that note (m021 stays as it is); without numbers (a note not counted) it is kept."""
    from capture.app.report import _markerless_flags

    flag = {"code": "low_ocr_confidence", "severity": "warning", "item": "m02",
            "message": "Le texte du post-it m02 était difficile à lire (confiance 88%) : "
                       "vérifiez-le."}
    other = {**flag, "item": "m021", "message": "Le texte du post-it m021 était difficile"}
    doc = {"file": "IMG 1.jpg", "markerless": {"flags": [flag, other]}}
    numbers = {("IMG 1.jpg", "m02"): 3, ("IMG 2.jpg", "m021"): 7}
    out = _markerless_flags(doc, set(), lambda f, file: f["message"], numbers)
    assert out[0]["message"] == ("Le texte du post-it n° 3 était difficile à lire (confiance "
                                 "88%) : vérifiez-le.")
    assert out[1]["message"] == "Le texte du post-it m021 était difficile"  # on IMG 2 only
    assert out[0]["anchor"] == "ml-IMG_1_jpg-m02"
