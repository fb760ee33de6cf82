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
