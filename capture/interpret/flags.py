"""The flag catalogue: every flag code with its severity and its French sentences.

Detectors report a `Finding` (code, variant, values); `render` turns it into the `Flag` the
outputs carry, its severity and technical message taken from CATALOGUE (the JSON `message`,
for a developer or a script). The report and the run summary show a second, plainer sentence
(facilitator_sentence), which names boards by their printed title and notes by their number
in the report, and never shows a code, a board id, px/mm or millimetre coordinates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from capture.core.model import Finding, Flag, Severity

SEVERITY_FR = {"error": "Erreur", "warning": "À vérifier", "info": "Info"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Wording:
    """A flag's severity and technical message: a str.format template over the finding's
    values plus its board, zone and item (a list or tuple value is written "a, b")."""

    severity: Severity
    message: str


def _impossible(why: str) -> Wording:
    return Wording("warning", "Les repères [{markers}] du panneau {board} donnent une géométrie "
                   f"impossible ({why}) : le panneau a été ignoré.")


def _lost(what: str, counted: str) -> Wording:
    return Wording("warning", what + " à la main sur la photo {photo} n'est plus " + counted
                   + " : cette photo n'est pas dans cette analyse (la correction reste dans "
                   "corrections.json : remettez la photo, ou corrigez sur une autre).")


def _too_small(which: str) -> Wording:
    return Wording("warning", which + " d'assez près sur aucune photo pour en lire l'écriture "
                   "(au mieux {best:.1f} px/mm, il en faut {limit:g}) : reprenez ce panneau de "
                   "plus près, le texte lu est peu fiable.")


def _disagree(reasons: str) -> Wording:
    return Wording("warning", "Le panneau {board} a été photographié {count} fois et les vues ne "
                   f"concordent pas : {reasons}. Vue retenue : {{kept}}.")


def _hidden(where: str) -> Wording:
    return Wording("warning", "Le post-it {item} ({file}) est en partie sous un autre post-it "
                   + where + " ({files} ; au moins {least:.0%} caché) : une partie de son texte "
                   "peut être masquée, lisez-le sur le mur.")


_ZONE = "de la zone {zone_name} de {board}"
_VOTES = "votes différents ({votes})"
_NOTE_COUNTS = "nombres de post-its différents ({notes})"

# (code, variant) -> wording. The variant names the cause when a code has several.
CATALOGUE: dict[tuple[str, str], Wording] = {
    # registration (finding the boards)
    ("degenerate_homography", "singular"): _impossible("homographie singulière"),
    ("degenerate_homography", "horizon"): _impossible("le panneau franchit l'horizon"),
    ("degenerate_homography", "not_convex"): _impossible("le panneau projeté n'est pas convexe"),
    ("degenerate_homography", "scale"): _impossible(
        "échelle absurde ({scale_min:.2f}-{scale_max:.2f} px/mm)"),
    ("degenerate_homography", "perspective"): _impossible("perspective extrême"),
    ("foreign_board", "other_workshop"): Wording(
        "warning", "Un panneau dont le QR code désigne un autre atelier ({other}) partage des "
        "repères avec {board} : il a été ignoré."),
    ("foreign_board", "other_board"): Wording(
        "warning", "Le QR code indique le panneau {qr_board} alors que les repères indiquent "
        "{board} : le panneau a été ignoré."),
    ("foreign_board", "qr_mismatch"): Wording(
        "warning", "Un panneau porte les repères de {board} mais pas son QR code (celui d'un "
        "autre atelier, ou un QR caché) : il a été ignoré."),
    ("board_unconfirmed", "photo"): Wording(
        "info", "Le QR code du panneau {board} n'a pas pu être lu ni comparé sur cette photo "
        "(hors cadre, caché ou flou) : rien ne confirme que le panneau est bien de cet atelier."),
    ("wall_plane_fit", ""): Wording(
        "info", "Le panneau {board} a été placé d'après le plan du mur de {via} (seulement "
        "{seen} de ses repères vus)."),
    ("duplicate_board", ""): Wording(
        "warning", "Le panneau {board} apparaît {copies} fois sur la photo : seule la copie la "
        "mieux repérée a été lue."),
    ("poor_fit", "single_marker"): Wording(
        "warning", "Un seul repère du panneau {board} a été vu : les positions sont "
        "approximatives loin de ce repère."),
    ("poor_fit", "residual"): Wording(
        "warning", "Le panneau {board} est mal repéré sur la photo (ses repères divergent de "
        "{error_mm:.1f} mm) : positions peut-être décalées."),
    ("board_cut", ""): Wording("info", "Seuls {share:.0%} du panneau {board} sont sur la photo."),
    # colour, dots, notes
    ("colours_from_card", ""): Wording(
        "info", "Couleurs mesurées sur la carte de calibration : {colours}."),
    ("overexposed", ""): Wording(
        "warning", "Le papier du panneau {board} est saturé (photo surexposée) sur {share:.0%} "
        "de sa surface : les couleurs des gommettes et des post-its y sont moins sûres."),
    ("overexposed", "wall_note"): Wording(
        "warning", "Le post-it {item} est saturé sur la photo (surexposée) sur {share:.0%} de "
        "sa surface : sa couleur est moins sûre (un post-it vert, orange ou citron vert peut "
        "y paraître jaune)."),
    ("ambiguous_cluster", "zone"): Wording(
        "warning", "Un amas de gommettes dans la zone {zone_name} de {board} ne fait pas un "
        "nombre entier de gommettes : vérifiez le décompte."),
    ("ambiguous_cluster", "wall"): Wording(
        "warning", "{count} gommette(s) font partie d'amas qui ne font pas un nombre entier de "
        "gommettes : vérifiez le décompte."),
    ("glare", "washed"): Wording(
        "warning", "{count} gommette(s) " + _ZONE + " sont délavées par un reflet : comptées, "
        "mais vérifiez-les sur la photo."),
    ("glare", "zone"): Wording(
        "warning", "Un reflet couvre {share:.0%} de la zone {zone_name} de {board} : des "
        "gommettes dessous peuvent manquer."),
    ("unknown_colour", "zone"): Wording(
        "warning", "{count} gommette(s) " + _ZONE + " ne correspondent à aucune couleur "
        "déclarée (autre couleur, ou délavée par la lumière) : elles comptent comme votes, "
        "vérifiez leur couleur."),
    ("unknown_colour", "wall_dots"): Wording(
        "warning", "{count} gommette(s) n'ont pas de couleur courante reconnaissable : elles "
        "comptent, vérifiez leur couleur sur la photo."),
    ("light_uncertain", "wall_note"): Wording(
        "warning", "La couleur du post-it {item} dépend de la lumière de la photo, que deux "
        "éclairages expliquent presque aussi bien : vérifiez sa couleur sur la photo."),
    ("name_tie", "wall_note"): Wording(
        "warning", "Le post-it {item} est dans une partie moins éclairée de la photo, entre deux "
        "couleurs : il est nommé comme les post-its éclairés qui lui ressemblent. Vérifiez sa "
        "couleur sur la photo."),
    ("name_contrast", "wall_note"): Wording(
        "warning", "Le post-it {item} est nommé par contraste avec les autres post-its de la "
        "photo (seule, sa couleur serait plus proche d'un autre nom) : vérifiez sa couleur "
        "sur la photo."),
    ("note_cut", "wall_note"): Wording(
        "warning", "Le post-it {item} sort en partie de la photo ({share:.0%} visible) : son "
        "texte et ses gommettes peuvent être incomplets."),
    ("unknown_colour", "wall_note"): Wording(
        "warning", "Le post-it {item} a une couleur qu'aucun nom courant ne décrit : vérifiez "
        "sa couleur sur la photo."),
    ("zone_cut", ""): Wording(
        "warning", "La zone {zone_name} de {board} sort en partie de la photo : son décompte "
        "peut être incomplet."),
    ("note_outside_zones", ""): Wording(
        "warning", "Un post-it ({colour}) sur {board} à ({x:.0f}, {y:.0f}) mm est hors de "
        "toutes les zones."),
    ("note_covered", ""): Wording(
        "warning", "Le post-it {item} est recouvert à {share:.0%} par {by} : une partie de son "
        "texte peut être cachée. Vérifiez-le sur le mur."),
    # reading the text
    ("note_too_small", ""): Wording(
        "warning", "Post-it {item} photographié trop petit pour être lu ({scale:.1f} px/mm, il "
        "en faut {limit:g}) : reprenez le panneau de plus près."),
    ("note_too_small", "wall_note"): Wording(
        "warning", "Le post-it {item} est photographié trop petit pour que son écriture soit "
        "bien lue ({scale:.1f} px/mm, il en faut {limit:g}) : vérifiez son texte, ou "
        "reprenez le mur de plus près."),
    ("text_too_small", "wall"): Wording(
        "warning", "{count} post-its de cette photo sont photographiés trop petits pour que leur "
        "écriture soit bien lue (au mieux {best:.1f} px/mm, il en faut {limit:g}) : vérifiez "
        "leur texte, ou reprenez le mur de plus près."),
    ("low_ocr_confidence", ""): Wording(
        "warning", "Le texte du post-it {item} était difficile à lire (confiance "
        "{confidence:.0%}) : vérifiez-le."),
    # the photo as a whole
    ("blurry_photo", ""): Wording(
        "warning", "La photo est floue (contours étalés sur {blur_mm:.1f} mm du mur) : "
        "gommettes et écriture risquent d'être mal lues."),
    ("analysis_failed", "card"): Wording(
        "warning", "La carte de calibration n'a pas pu être lue : {error}"),
    ("analysis_failed", "board"): Wording(
        "error", "Le panneau {board} n'a pas pu être analysé : {error}"),
    ("duplicate_photo", ""): Wording(
        "info", "{item} a exactement le même contenu que {first} : elle a été lue et comptée "
        "une seule fois."),
    # the session (merge of every photo)
    # walls with no board: two photos of the same wall
    ("same_wall", ""): Wording(
        "info", "{item} montre le même mur que {first} ({count} post-its en commun) : ils ne "
        "sont comptés qu'une fois."),
    ("maybe_same_wall", ""): Wording(
        "warning", "{item} et {first} ont {count} post-its qui se ressemblent (couleur, place, "
        "texte) sans qu'on puisse dire s'il s'agit du même mur : les deux sont comptés, "
        "vérifiez qu'il n'y a pas de doublon."),
    # walls with no board: what a person added on a photo this run no longer has
    ("addition_lost", "note"): _lost("Le post-it « {text} » ajouté", "compté"),
    ("addition_lost", "dot"): _lost("La gommette {colour} ajoutée", "comptée"),
    ("views_disagree", "votes"): _disagree(_VOTES),
    ("views_disagree", "notes"): _disagree(_NOTE_COUNTS),
    ("views_disagree", "votes_notes"): _disagree(_VOTES + " ; " + _NOTE_COUNTS),
    ("text_too_small", "one"): _too_small("1 post-it du panneau « {title} » n'a été photographié"),
    ("text_too_small", "many"): _too_small(
        "{count} post-its du panneau « {title} » n'ont été photographiés"),
    ("text_hidden", "one_photo"): _hidden("sur la photo qui le montre"),
    ("text_hidden", "photos"): _hidden("sur les {count} photos qui le montrent"),
    ("board_unconfirmed", "session"): Wording(
        "warning", "Le QR code du panneau « {title} » ({board}) n'est lisible sur aucune photo "
        "({files}) : vérifiez que ce panneau est bien celui de cet atelier, ou reprenez une "
        "photo où son QR code se voit."),
    ("board_missing", ""): Wording(
        "warning", "Le panneau « {title} » ({board}) n'apparaît sur aucune photo."),
    # the calibration card is optional on the day; a missing workshop board is data lost
    ("board_missing", "card"): Wording(
        "info", "Le panneau « {title} » ({board}) n'apparaît sur aucune photo."),
}


def render(finding: Finding) -> Flag:
    """The flag a finding becomes: severity and message from the catalogue."""
    wording = CATALOGUE[(finding.code, finding.variant)]
    values: dict[str, object] = {"board": finding.board, "zone": finding.zone,
                                 "item": finding.item}
    for key, value in finding.values.items():
        values[key] = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
    return Flag(finding.code, wording.severity, wording.message.format_map(values),
                board=finding.board, zone=finding.zone, item=finding.item)


def render_all(findings: list[Finding]) -> list[Flag]:
    return [render(f) for f in findings]


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
    "note_cut": lambda b, z, n, m: f"{_note(n)} sort en partie de la photo : son texte et ses "
                                   "gommettes peuvent être incomplets, vérifiez-le sur le mur.",
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
