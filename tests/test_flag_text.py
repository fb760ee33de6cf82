"""Flags as a facilitator reads them, and the end-of-run summary naming unseen boards."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from fake_results import kit
from rich.console import Console

from capture.app.batch import BatchSummary
from capture.cli import print_summary
from capture.interpret.flags import board_names, facilitator_sentence, scrub, seen_label
from capture.kit.export import kit_to_dict

JARGON = re.compile(r"px|\bmm\b|[a-z]+_[a-z]+|verbatim-\d|story-|\(\d")


def _names() -> dict[str, str]:
    return board_names(kit_to_dict(kit(), dpi=150))


def test_sentences_have_no_codes_ids_or_units() -> None:
    names = _names()
    zones = {("verbatim-02", "agree"): "D'accord"}
    flags = [
        {"code": "note_too_small", "severity": "warning", "board": "processus",
         "item": "processus-n01", "message": "Post-it processus-n01 photographié trop petit "
                                             "pour être lu (1.8 px/mm, il en faut 2)."},
        {"code": "note_outside_zones", "severity": "warning", "board": "processus",
         "message": "Un post-it (orange) sur processus à (1151, 327) mm est hors de toutes "
                    "les zones."},
        {"code": "wall_plane_fit", "severity": "info", "board": "verbatim-02",
         "message": "Le panneau verbatim-02 a été placé d'après le plan du mur de verbatim-11 "
                    "(seulement 2 de ses repères vus)."},
        {"code": "zone_cut", "severity": "warning", "board": "verbatim-02", "zone": "agree",
         "message": "La zone D'accord de verbatim-02 sort en partie de la photo."},
        {"code": "some_new_code", "severity": "warning", "board": "verbatim-11",
         "message": "Le panneau verbatim-11 est décalé de 2.4 mm (écart 3.1 px) [x_y]."},
    ]
    for f in flags:
        text = facilitator_sentence(f, names, zones, number=12)
        assert not JARGON.search(text), text
        assert len(text) > 20
    assert "n° 12" in facilitator_sentence(flags[0], names, zones, 12)
    assert "D'accord" in facilitator_sentence(flags[3], names, zones)
    # an unknown code falls back to the pipeline's message, scrubbed, ids turned to names
    fallback = facilitator_sentence(flags[4], names, zones)
    assert fallback.startswith("Le panneau « ") and "décalé" in fallback
    assert scrub("lu (au mieux 1.9 px/mm, il en faut 2) : reprenez") == "lu : reprenez"


def test_seen_labels() -> None:
    assert seen_label(None, 0.97) is None and seen_label(0.98, 0.97) is None
    assert seen_label(0.0, 0.97) == "non vu"
    assert seen_label(0.404, 0.97) == "vu à 40 %"
    assert seen_label(0.999, 1.0) == "vu à 99 %"  # never "vu à 100 %" for a partial zone


def test_run_summary_names_boards_on_no_photo() -> None:
    session = {"photos": [], "votes": [], "flags": [
        {"code": "board_missing", "severity": "warning", "board": "story-social",
         "message": "…"},
        {"code": "board_missing", "severity": "warning", "board": "verbatim-03",
         "message": "…"},
        {"code": "text_too_small", "severity": "warning", "board": "processus",
         "message": "1 post-it du panneau « Le processus d'achat en Région » n'a été "
                    "photographié d'assez près sur aucune photo pour en lire l'écriture (au "
                    "mieux 1.7 px/mm, il en faut 2) : reprenez ce panneau de plus près."}]}
    summary = BatchSummary(out_dir=Path("out"), photos=1, ok=1, failed=[], skipped=[],
                           boards=3, votes=0, actions=0, notes=0, median_photo_s=None,
                           session=session, board_names=_names())
    buf = io.StringIO()
    print_summary(summary, Console(file=buf, width=200))
    out = buf.getvalue()
    verbatim = next(b for b in kit_to_dict(kit(), dpi=150)["boards"] if b["id"] == "verbatim-03")
    assert "sur aucune photo (2)" in out
    assert "« Au regard du mieux-disant social… »" in out
    assert verbatim["text"][:30] in out
    assert "à reprendre 1 post-it du panneau « Le processus d'achat en Région »" in out
    assert "px/mm" not in out
    json.dumps(session)  # untouched
