"""Faults shared by every photo: untrusted text made safe, and the fingerprint that lets
`capture run --resume` skip a photo already analysed (the errors of a photo with nothing to
read are in capture.interpret.photo_errors).

Text read from a photo (OCR, QR payloads) is data written by strangers: it is cut to a
length, stripped of control and bidi-override characters, and never used to build a path.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, is_dataclass, replace

from capture.core.config import Config, Limits
from capture.core.model import KitLayout, PhotoResult

# Unicode categories never wanted in a text a person reads: controls (Cc), format characters
# such as right-to-left overrides that reorder what the report shows (Cf), surrogates (Cs),
# private use (Co) and unassigned code points (Cn).
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}

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
