"""Every colour the tool can name has a French word for notes and for stickers."""

import yaml

from capture.core.colour_names import COLOUR_FR, COLOUR_FR_F
from capture.data import __file__ as data_init
from capture.vision.markerless_read import NOTE_NAMES, STICKER_NAMES


def _reference_names() -> set[str]:
    from pathlib import Path

    doc = yaml.safe_load((Path(data_init).parent / "colors.yaml").read_text("utf-8"))
    return set(doc["stickers"]) | set(doc["notes"])


def test_every_colour_named_has_both_french_forms():
    names = _reference_names() | set(NOTE_NAMES) | set(STICKER_NAMES) | {"unknown"}
    assert names - set(COLOUR_FR) == set()
    assert names - set(COLOUR_FR_F) == set()


def test_feminine_forms_agree_with_gommette():
    # "la gommette verte", "la gommette bleue": the forms that change do
    assert COLOUR_FR_F["green"] == "verte" and COLOUR_FR["green"] == "vert"
    assert COLOUR_FR_F["blue"] == "bleue" and COLOUR_FR_F["purple"] == "violette"
    changed = {c for c in COLOUR_FR if COLOUR_FR[c] != COLOUR_FR_F[c]}
    assert changed == {"green", "blue", "purple", "white", "black"}


def test_stickers_on_a_wall_photo_are_named_in_the_feminine() -> None:
    from capture.app.markerless_report import markerless_model
    from capture.app.report import NOTE_HEX, STICKER_HEX

    note = {"photo": "mur.jpg", "id": "m01", "color": "green", "text": "Idée", "confidence": 0.9,
            "dots": {"blue": 1}, "center": [0.3, 0.3],
            "corners": [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4]], "group": "g1"}
    dots = [{"photo": "mur.jpg", "color": "blue", "center": [0.3, 0.3], "on_note": "m01"},
            {"photo": "mur.jpg", "color": "green", "center": [0.8, 0.8], "on_note": None}]
    doc = {"file": "mur.jpg", "size_px": [1000, 750],
           "markerless": {"notes": [note], "dots": dots, "note_side_px": 150.0}}
    session = {"markerless": {"notes": [note], "dots": dots, "flags": []}}
    model = markerless_model(session, [("mur", doc)], {}, NOTE_HEX, STICKER_HEX, COLOUR_FR)
    (view,) = model["views"]
    assert [d["label"] for d in view["dots"]] == [
        "gommette bleue sur le post-it n° 1", "gommette verte hors post-it"]
    assert view["notes"][0]["label"].startswith("post-it n° 1, vert")
