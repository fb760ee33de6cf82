"""French words for the colour names that travel (lower-case English: `red`, `lime`, ...).

Every label a person reads names a colour through these two maps: the masculine form after
"post-it" (le post-it vert), the feminine after "gommette" (la gommette verte). A colour
with no entry is shown as its English name, never dropped. Menus list colours from the
workshop or the colour references, not from these maps, so their order does not matter.
"""

from __future__ import annotations

COLOUR_FR: dict[str, str] = {
    "red": "rouge",
    "green": "vert",
    "blue": "bleu",
    "yellow": "jaune",
    "orange": "orange",
    "pink": "rose",
    "purple": "violet",
    "white": "blanc",
    "black": "noir",
    "lime": "vert anis",  # notes named on walls with no board (the kit has none)
    "unknown": "inconnue",  # "couleur inconnue"
}

COLOUR_FR_F: dict[str, str] = {  # feminine forms, for "gommette"
    "red": "rouge",
    "green": "verte",
    "blue": "bleue",
    "yellow": "jaune",
    "orange": "orange",
    "pink": "rose",
    "purple": "violette",
    "white": "blanche",
    "black": "noire",
    "lime": "vert anis",  # a compound colour word does not agree
    "unknown": "inconnue",
}
