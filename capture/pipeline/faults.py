"""Faults shared by every photo: untrusted text made safe, empty results turned into clear errors,
and the fingerprint that lets `capture run --resume` skip a photo already analysed.

Text read from a photo (OCR, QR payloads) is data written by strangers: it is cut to a
length, stripped of control and bidi-override characters, and never used to build a path.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, is_dataclass, replace

from capture.config import Config, Limits
from capture.errors import PhotoError
from capture.model import KitLayout, PhotoResult

# Unicode categories never wanted in a text a person reads: controls (Cc), format characters
# such as right-to-left overrides that reorder what the report shows (Cf), surrogates (Cs),
# private use (Co) and unassigned code points (Cn).
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}

# Every code a photo's "error_code" can take (status "error"), with what a facilitator does.
PHOTO_ERROR_CODES: dict[str, str] = {
    "empty_file": "the file has 0 bytes: copy the photo again from the phone",
    "unreadable_image": "not an image, or damaged/truncated: copy it again",
    "unsupported_format": "an image format phones do not produce (GIF...): export as JPEG",
    "too_many_pixels": "more pixels than the limit (--max-megapixels): not opened",
    "too_small": "too few pixels to read a board: use the original photo",
    "no_boards": "no marker of this workshop: retake the photo closer, facing the wall",
    "foreign_workshop": "only boards of another workshop: check the workshop file",
    "out_of_memory": "not enough memory: run again with --jobs 1",
    "worker_crashed": "the analysis process died: run again with --jobs 1 (and --resume)",
    "internal_error": "a bug: the traceback is in OUT/capture.log; report it",
}
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


def clean_untrusted(text: object, max_chars: int, keep: str = "") -> str:
    """`text` as a plain string: invisible/control characters dropped (those in `keep` kept,
    e.g. newlines in a raw OCR reading), cut to `max_chars`."""
    if text is None:
        return ""
    s = str(text)
    out = "".join(
        c
        for c in s[: max_chars * 4]
        if c in keep or unicodedata.category(c) not in _DROP_CATEGORIES
    )
    return out[:max_chars]


def safe_id(text: str, max_len: int = 64) -> str:
    """A file-name-safe token from one of our ids (letters, digits, - and _ only, never
    '.' or '/'); an id that would be empty or was changed gets a short hash suffix so two
    ids never collide."""
    token = _SAFE_ID.sub("_", str(text))[:max_len].strip("_")
    if token == str(text) and token:
        return token
    digest = hashlib.sha256(str(text).encode("utf-8", "replace")).hexdigest()[:8]
    return f"{token[: max_len - 9]}-{digest}" if token else f"id-{digest}"


def safe_stem(name: str, max_len: int = 100) -> str:
    """A photo's file stem usable as an output file name: letters (accents too), digits,
    space and ._-() kept, anything else (separators, controls) replaced; never hidden or empty."""
    kept = "".join(c if (c.isalnum() or c in " ._-()") else "_" for c in str(name))
    kept = kept[:max_len].lstrip(". ").rstrip(" ")
    return kept or "photo"


def sanitize_result(result: PhotoResult, limits: Limits) -> PhotoResult:
    """Make every text of a result safe to store and show (in place; returns it)."""
    n = limits.text_max_chars
    for board in result.boards:
        for note in board.notes:
            note.text = clean_untrusted(note.text, n)
            note.raw_text = clean_untrusted(note.raw_text, n * 2, keep="\n")
            note.ocr_lines = tuple(
                replace(ln, text=clean_untrusted(ln.text, n)) for ln in note.ocr_lines
            )
        for flag in board.flags:
            flag.message = clean_untrusted(flag.message, n * 2)
    for flag in result.flags:
        flag.message = clean_untrusted(flag.message, n * 2)
    if result.error is not None:
        result.error = clean_untrusted(result.error, n * 2) or result.error_code or "error"
    return result


# --- a photo with nothing to read -----------------------------------------------------------------


def empty_photo_error(result: PhotoResult) -> PhotoError | None:
    """The error a photo with no usable board deserves, None when it has one.

    foreign_workshop: boards were found but their QR codes name another workshop;
    no_boards: no marker of this workshop (a blank wall, the floor, a screenshot), or the
    only boards found had an impossible geometry (flagged degenerate_homography).
    """
    if result.status != "ok" or result.boards:
        return None
    name = result.file or "cette photo"
    wall = getattr(result, "markerless", None)
    if wall is not None and wall.notes:
        return None  # no board, but notes read on the wall itself
    if wall is not None and not any(f.code in ("foreign_board", "degenerate_homography")
                                    for f in result.flags):
        return PhotoError(
            f"Ni panneau de cet atelier ni post-it n'a été trouvé sur {name} : aucun carré de "
            "couleur de la taille d'un post-it ne se détache du mur (photo d'autre chose, trop "
            "loin, trop sombre ?). Reprenez la photo face au mur, post-its bien visibles.",
            code="no_boards",
        )
    flags = list(result.flags) + [f for b in result.boards for f in b.flags]
    if any(f.code == "foreign_board" for f in flags):
        return PhotoError(
            f"Les panneaux de {name} appartiennent à un autre atelier (leurs QR codes le disent) : "
            "vérifiez que vous avez donné le bon fichier d'atelier, ou retirez la photo.",
            code="foreign_workshop",
        )
    if any(f.code == "degenerate_homography" for f in flags):
        return PhotoError(
            f"Des repères sont visibles sur {name} mais aucun panneau n'a pu en être placé "
            "(géométrie impossible : un reflet, un repère découpé et collé ailleurs ?) : "
            "reprenez la photo face au mur.",
            code="no_boards",
        )
    return PhotoError(
        f"Aucun panneau de cet atelier n'a été trouvé sur {name} : les repères carrés noirs "
        "aux coins des panneaux doivent être visibles (reprenez la photo plus près, plus nette, "
        "face au mur).",
        code="no_boards",
    )


# --- resume ---------------------------------------------------------------------------------------


def _canonical(obj: object) -> object:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _canonical(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, float | int | str | bool) or obj is None:
        return obj
    return repr(obj)


def settings_hash(kit: KitLayout, config: Config, version: str) -> str:
    """What, besides the photo, decides the analysis: workshop layout, every tunable and the
    tool version. Any change makes --resume analyse the photo again."""
    body = json.dumps(
        {"kit": _canonical(kit), "config": _canonical(config), "version": version},
        sort_keys=True,
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def fingerprint(photo_sha256: str | None, settings: str) -> str | None:
    """Identity of one photo's analysis: its content plus the settings hash."""
    if not photo_sha256:
        return None
    return hashlib.sha256(f"{photo_sha256}:{settings}".encode()).hexdigest()
