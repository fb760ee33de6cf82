"""Flags as a facilitator reads them: one plain French sentence per flag, by severity.

The pipeline's flag keeps its stable code and its technical message in the JSON (for a
developer or a script); the report and the run summary show the sentence written here,
which names boards by their printed title and notes by their number in the report, and
never shows a code, a board id, px/mm or millimetre coordinates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

SEVERITY_FR = {"error": "Erreur", "warning": "À vérifier", "info": "Info"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _pct(message: str) -> str | None:
    m = re.search(r"(\d+(?:[.,]\d+)?)\s?%", message)
    return m.group(1) if m else None


def _note(n: int | None) -> str:
    return f"Le post-it n° {n}" if n is not None else "Un post-it"


# code -> sentence(board title, zone name, note number, pipeline message)
_SENTENCES: dict[str, Callable[[str, str, int | None, str], str]] = {
    "board_missing": lambda b, z, n, m: f"« {b} » n'est sur aucune photo : photographiez ce "
                                        "panneau, ses votes et post-its manquent.",
    "board_cut": lambda b, z, n, m: f"« {b} » n'est qu'en partie sur la photo"
                                    + (f" ({_pct(m)} % visible)." if _pct(m) else "."),
    "zone_cut": lambda b, z, n, m: f"La zone « {z} » de « {b} » sort en partie de la photo : "
                                   "son décompte peut être incomplet.",
    "wall_plane_fit": lambda b, z, n, m: f"« {b} » est peu visible sur la photo : il a été "
                                         "placé d'après les panneaux voisins, vérifiez que ses "
                                         "gommettes et post-its tombent au bon endroit.",
    "poor_fit": lambda b, z, n, m: f"« {b} » est mal repéré sur la photo : les positions des "
                                   "gommettes et post-its peuvent être décalées.",
    "text_too_small": lambda b, z, n, m: f"« {b} » a été photographié de trop loin pour lire "
                                         "l'écriture de certains post-its : reprenez-le de plus "
                                         "près, ou vérifiez leur texte.",
    "note_too_small": lambda b, z, n, m: f"{_note(n)} de « {b} » a été photographié de trop "
                                         "loin pour être bien lu : vérifiez son texte.",
    "low_ocr_confidence": lambda b, z, n, m: f"{_note(n)} de « {b} » était difficile à lire : "
                                             "vérifiez son texte.",
    "note_outside_zones": lambda b, z, n, m: f"{_note(n)} de « {b} » est hors de toutes les "
                                             "zones : indiquez sa zone.",
    "note_covered": lambda b, z, n, m: f"{_note(n)} de « {b} » est en partie caché par un autre "
                                       "post-it : vérifiez son texte sur le mur.",
    "text_hidden": lambda b, z, n, m: f"{_note(n)} de « {b} » est en partie sous un autre "
                                      "post-it sur toutes les photos : une partie de son texte "
                                      "est peut-être masquée, lisez-le sur le mur (texte "
                                      "masqué).",
    "unknown_colour": lambda b, z, n, m: f"Des gommettes de la zone « {z} » de « {b} » ont une "
                                         "couleur non prévue : elles comptent comme votes, "
                                         "vérifiez leur couleur.",
    "ambiguous_cluster": lambda b, z, n, m: f"Des gommettes se chevauchent dans la zone « {z} » "
                                            f"de « {b} » : vérifiez leur nombre.",
    "views_disagree": lambda b, z, n, m: f"« {b} » est sur plusieurs photos qui ne concordent "
                                         "pas (votes ou post-its) : vérifiez le décompte.",
    "overexposed": lambda b, z, n, m: f"« {b} » est surexposé sur la photo : les couleurs des "
                                      "gommettes et post-its y sont moins sûres.",
    "glare": lambda b, z, n, m: f"Un reflet couvre une partie de « {b} » : gommettes et "
                                "post-its peuvent y être mal lus.",
    "blurry_photo": lambda b, z, n, m: "La photo est floue : gommettes et écriture risquent "
                                       "d'être mal lues.",
    "duplicate_board": lambda b, z, n, m: f"« {b} » semble apparaître deux fois sur la photo : "
                                          "vérifiez qu'il n'a été compté qu'une fois.",
}

# technical asides a sentence must not carry: "(au mieux 1.9 px/mm, il en faut 2)",
# "à (1151, 327) mm", "de 2.4 mm", "[code]", a board id in parentheses
_JARGON = [
    re.compile(r"\s*\([^()]*(?:px|mm)[^()]*\)"),
    re.compile(r"\s*à \(\s*[\d.,\s]+\)\s*mm"),
    re.compile(r"\s*\[[a-z_]+\]"),
    re.compile(r"\s*\d+(?:[.,]\d+)?\s*(?:px/mm|px|mm)\b"),
]


def scrub(message: str) -> str:
    """A pipeline message without its technical asides (for codes without a sentence)."""
    for pattern in _JARGON:
        message = pattern.sub("", message)
    return re.sub(r"\s+([,.])", r"\1", message).strip()  # French keeps its space before ":"


def facilitator_sentence(flag: Mapping, titles: Mapping[str, str], zone_names: Mapping,
                         number: int | None = None) -> str:
    """The sentence a facilitator reads for one flag (dict as in the JSON outputs).

    titles: board id -> printed title; zone_names: (board, zone) -> zone name as printed.
    """
    board = flag.get("board")
    title = titles.get(board, board or "") if board else ""
    zone = zone_names.get((board, flag.get("zone")), flag.get("zone") or "")
    make = _SENTENCES.get(flag.get("code", ""))
    message = flag.get("message", "")
    if make is not None and (title or flag.get("code") == "blurry_photo"):
        return make(title, zone, number, message)
    text = scrub(message)
    for bid in sorted(titles, key=len, reverse=True):  # longest first: verbatim-1 / -11
        text = re.sub(rf"(?<![\w-]){re.escape(bid)}(?![\w-])", f"« {titles[bid]} »", text)
    return text


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def board_names(layout: Mapping) -> dict[str, str]:
    """Board id -> the name a facilitator knows it by: its printed title, or for a verbatim
    (all titled « Vous nous avez dit… ») the start of its quote."""
    out = {}
    for b in layout.get("boards", []):
        if b.get("kind") == "verbatim" and b.get("text"):
            out[b["id"]] = _short(b["text"], 60)
        else:
            out[b["id"]] = b.get("title") or b["id"]
    return out


def seen_label(share: float | None, full: float) -> str | None:
    """"non vu" / "vu à 40 %" for a zone not fully seen; None when seen (or not measured)."""
    if share is None or share >= full:
        return None
    if share < 0.005:
        return "non vu"
    return f"vu à {max(1, min(99, round(100 * share)))} %"
