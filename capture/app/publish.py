"""`capture publish OUT`: a read-only synthesis for the people who were not in the room.

From the outputs of `capture run` (with any corrections applied) it writes:
- OUT/synthese.html: one self-contained page (CSS inline, images as data: URIs, no script):
  votes ranked by agreement and by controversy, the mire, the notes per story and per phase,
  a small photo of each wall, and what no photo showed;
- OUT/synthese.pdf: that page printed on A4 by headless Chromium (Debian's /usr/bin/chromium);
- OUT/panneaux/<board>.svg: each photographed board redrawn (zones, notes at their places
  with their text, stickers), to drop into a slide or a whiteboard tool.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from PIL import Image

from capture.app.report import (
    NOTE_HEX,
    STICKER_HEX,
    UNNAMED,
    build_assets,
    build_model,
    load_outputs,
    strip_bidi,
)
from capture.core.colour_names import COLOUR_FR
from capture.core.config import CONFIG, Config
from capture.core.errors import UsageError
from capture.interpret.flags import seen_label
from capture.io.atomic import atomic_write_bytes, atomic_write_text

HTML_FILE = "synthese.html"
PDF_FILE = "synthese.pdf"
SVG_DIR = "panneaux"
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")


class PdfError(UsageError):
    """Chromium is missing or could not print the synthesis (exit 2)."""

    code = "pdf_failed"


@dataclass
class PublishSummary:
    html: Path
    pdf: Path | None
    svgs: list[Path] = field(default_factory=list)
    wall_notes: int | None = None  # notes read with no board in the synthesis (None: no such wall)


def _data_uri(path: Path, max_px: int) -> str | None:
    """A JPEG data: URI of an image, its longer side at most max_px (self-contained page)."""
    try:
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((max_px, max_px))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=72, optimize=True)
    except OSError:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _wall_photos(outputs, assets: dict, layout: dict, max_px: int) -> dict[str, dict]:
    """Wall title -> the photo showing most of its boards, as a small embedded image."""
    wall_of = {b["id"]: b["wall"] for b in layout["boards"]}
    best: dict[str, tuple[int, str, str]] = {}
    for stem, doc in outputs.photos:
        src = (assets.get(stem) or {}).get("photo", {}).get("src")
        if doc.get("status") != "ok" or not src:
            continue
        counts: dict[str, int] = {}
        for bid in doc.get("boards", []):
            if bid in wall_of:
                counts[wall_of[bid]] = counts.get(wall_of[bid], 0) + 1
        for wall, n in counts.items():
            if wall not in best or n > best[wall][0]:
                best[wall] = (n, src, doc["file"])
    out = {}
    for wall, (_n, src, file) in best.items():
        uri = _data_uri(outputs.out_dir / src, max_px)
        if uri:
            out[wall] = {"src": uri, "file": file}
    return out


# --- walls read with no board -------------------------------------------------------------------

FIELDS_FR = {"text": "texte", "color": "couleur", "dots": "gommettes", "center": "place"}


def _checked(row: dict) -> dict:
    """What a person vouched for on a note, said plainly: "oui", "en partie" or "non"."""
    who = "" if row["by_person"] == UNNAMED else row["by_person"]  # nobody's name: unsaid
    if row["added"]:
        return {"state": "oui", "label": f"ajouté par {who}" if who else "ajouté à la main"}
    if not row["verified"]:
        return {"state": "non", "label": "non"}
    fields = set(row["fields"])
    if "checked" in fields or {"text", "color", "dots"} <= fields:
        return {"state": "oui", "label": f"oui, par {who}" if who else "oui"}
    said = ", ".join(FIELDS_FR[f] for f in ("text", "color", "dots") if f in fields)
    return {"state": "partie", "label": f"en partie ({said}), par {who}" if who else
            f"en partie ({said})"}


def same_wall_sentence(flag: dict) -> str:
    """Two photos of one wall, said to the synthesis's readers: what was counted and what that
    means for them. "same_wall" says it already; "maybe_same_wall" asks a reviewer to check
    for doubles, which a reader cannot do: they are told what the counts may hold."""
    if flag.get("code") == "same_wall":
        return flag["message"]
    item, first, count = flag.get("item") or "une photo", flag.get("first"), flag.get("count")
    pair = f"{item} et {first}" if first else f"{item} et une autre photo"
    common = f"{count} post-it" if count else "des post-it"
    return (f"{pair} ont {common} semblables (couleur, place, texte) : c'est peut-être le même "
            "mur photographié deux fois. Les deux photos sont comptées, ces post-it et leurs "
            "gommettes le sont donc peut-être deux fois.")


def markerless_synthesis(ml_model: dict | None, session: dict, out_dir: Path,
                         max_px: int) -> dict | None:
    """The synthesis's section for walls read with no board, from the report's model of them
    (markerless_report.markerless_model: the same numbers, ranking and overlay): the notes
    kept, ranked by their stickers, what a person checked, the free stickers per colour, each
    photo with a counted note, small, its notes numbered as in the table. Rejected notes and
    stickers are left out, added ones are in, a note of a wall shot twice is counted once (on
    the photo the session took it from)."""
    ml = session.get("markerless")
    if not ml_model or not ml:
        return None
    rows = [dict(r, by=[b for b in r["by"] if b["n"]], checked=_checked(r))
            for r in ml_model["rows"] if not r["rejected"]]
    hexes = {c["value"]: c for c in ml_model["sticker_colours"]}
    free_dots = [d for d in ml["dots"] if d.get("on_note") is None]
    per_colour = Counter(d["color"] for d in free_dots)
    free = [{"label": hexes.get(c, {}).get("label", c), "hex": hexes.get(c, {}).get("hex", "#888"),
             "n": n} for c, n in sorted(per_colour.items(), key=lambda cn: (-cn[1], cn[0]))]
    counted = {(n["photo"], n["id"]) for n in ml["notes"]}
    free_photos = {d["photo"] for d in free_dots}
    views = []
    for v in ml_model["views"]:
        if not any(n["counted"] for n in v["notes"]):
            continue  # nothing counted there: no note, or all counted on another photo
        # the stickers the session counts: on a counted note, or off the notes of a photo
        # whose free stickers are not the first photo's of the same wall
        dots = [d for d in v["dots"] if not d["rejected"] and (
            (v["file"], d["on"]) in counted if d["on"] else v["file"] in free_photos)]
        uri = _data_uri(out_dir / v["image"]["src"], max_px) if v["image"] else None
        views.append(dict(v, dots=dots, image={"src": uri} if uri else None))
    same = [same_wall_sentence(f) for f in ml.get("flags", [])
            if f.get("code") in ("same_wall", "maybe_same_wall")]
    return {
        "rows": rows,
        "views": views,
        "free": free,
        "free_total": len(free_dots),
        "free_checked": sum(bool(d.get("verified")) for d in free_dots),
        "on_notes": sum(r["total"] for r in rows),
        "unchecked": sum(r["checked"]["state"] == "non" for r in rows),
        "same_wall": same,
    }


def reviewers(session: dict) -> list[str]:
    """Who corrected these outputs: the authors of the applied correction files and every
    "corrected_by" / "checked_by" in the session (a re-run applies OUT/corrections.json again
    without recording it as a new file, so the items themselves say who corrected them); ""
    once for any correction nobody signed."""
    names = [a.get("author") or "" for a in session.get("corrections_applied", [])]

    def walk(obj: object) -> None:
        if isinstance(obj, dict):
            names.extend(str(obj[k]) for k in ("corrected_by", "checked_by") if obj.get(k))
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk({k: v for k, v in session.items() if k != "corrections_applied"})
    # a file applied with no name typed: "" (corrected, by nobody named), not "person"
    return list(dict.fromkeys("" if n == UNNAMED else n for n in names))


# --- SVG per board -------------------------------------------------------------------------------

def _wrap(text: str, chars: int, lines: int) -> list[str]:
    words, out, line = " ".join(text.split()).split(" "), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > chars:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, chars - 1)].rstrip() + "…"
    return [o[:chars] for o in out]


def board_svg(board: dict, notes: list[dict], dots: list[dict], votes: dict | None,
              note_mm: float, zones_seen: dict[str, str | None]) -> str:
    """One board redrawn in board millimetres: paper, title, zones, notes with their text,
    stickers; zones no photo saw are hatched and say so."""
    w, h = board["size_mm"]
    title_mm = max(w, h) / 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" '
           f'width="{w:g}mm" height="{h:g}mm" font-family="DejaVu Sans, Arial, sans-serif">',
           f"<title>{escape(board['title'])}</title>",
           '<defs><pattern id="unseen" width="12" height="12" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="12" height="12" fill="#f1f2f4"/>'
           '<rect width="5" height="12" fill="#d5d9df"/></pattern></defs>',
           f'<rect x="0" y="0" width="{w:g}" height="{h:g}" fill="#ffffff" stroke="#9aa3ad" '
           'stroke-width="1.5"/>',
           f'<text x="{w / 2:.1f}" y="{title_mm * 2:.1f}" font-size="{title_mm:.1f}" '
           f'text-anchor="middle" font-weight="bold" fill="#20324d">'
           f"{escape(board['title'])}</text>"]
    if board.get("text") and board.get("kind") == "verbatim":
        for i, line in enumerate(_wrap(board["text"], 60, 3)):
            out.append(f'<text x="{w / 2:.1f}" y="{title_mm * (3.4 + 1.2 * i):.1f}" '
                       f'font-size="{title_mm * 0.8:.1f}" text-anchor="middle" fill="#333">'
                       f"{escape(line)}</text>")
    for z in board["zones"]:
        zx, zy, zw, zh = z["rect_mm"]
        seen = zones_seen.get(z["id"])
        fill = 'url(#unseen)' if seen == "non vu" else "none"
        out.append(f'<rect x="{zx:.1f}" y="{zy:.1f}" width="{zw:.1f}" height="{zh:.1f}" '
                   f'fill="{fill}" stroke="#9aa3ad" stroke-width="1" stroke-dasharray="6 4"/>')
        label = z.get("label") or ("D'accord" if z.get("vote") == "agree" else
                                   "Pas d'accord" if z.get("vote") == "disagree" else z["id"])
        if votes is not None and z["kind"] == "vote":
            label += f" : {votes.get(z.get('vote'), 0)}" if seen != "non vu" else ""
        if seen:
            label += f" ({seen})"
        fs = min(title_mm * 0.7, zw / max(8, len(label)) * 1.8)
        # above the zone (stickers and notes sit inside it), inside when at the top edge
        y = zy - fs * 0.35 if zy > fs * 1.4 else zy + fs + 3
        out.append(f'<text x="{zx + 2:.1f}" y="{y:.1f}" font-size="{fs:.1f}" '
                   f'fill="#555">{escape(label)}</text>')
    for n in notes:
        side = float(n.get("size_mm") or note_mm)
        cx, cy = n["center_mm"]
        x0, y0 = cx - side / 2, cy - side / 2
        fill = NOTE_HEX.get(n.get("color", ""), NOTE_HEX["unknown"])
        colour = COLOUR_FR.get(n.get("color", ""), n.get("color", ""))
        out.append(f'<g class="note"><title>{escape(n.get("text", ""))} ({colour})</title>'
                   f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{side:.1f}" height="{side:.1f}" '
                   f'fill="{fill}" stroke="#00000040" stroke-width="0.8"/>')
        fs = side / 7.5
        lines = _wrap(n.get("text", "") or "?", 11, 5)
        top = cy - (len(lines) - 1) * fs * 0.6
        for i, line in enumerate(lines):
            out.append(f'<text x="{cx:.1f}" y="{top + i * fs * 1.2 + fs * 0.35:.1f}" '
                       f'font-size="{fs:.1f}" text-anchor="middle" fill="#222">'
                       f"{escape(line)}</text>")
        out.append("</g>")
    for d in dots:
        cx, cy = d["center_mm"]
        r = d.get("radius_mm") or 6.0
        fill = STICKER_HEX.get(d.get("color", ""), STICKER_HEX["unknown"])
        name = escape(COLOUR_FR.get(d.get("color", ""), ""))
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}" '
                   f'stroke="#333" stroke-width="0.6"><title>{name}</title></circle>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- PDF ---------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    for c in CHROMIUM:
        path = c if os.path.isabs(c) and os.access(c, os.X_OK) else shutil.which(c)
        if path:
            return path
    return None


def print_pdf(html: Path, pdf: Path, timeout_s: float = 120.0) -> Path:
    """Print a local HTML file to an A4 PDF with headless Chromium (the page's @page rule
    sets A4). Raises PdfError when Chromium is absent or fails."""
    exe = find_chromium()
    if exe is None:
        raise PdfError("Chromium est introuvable : installez le paquet Debian « chromium » "
                       "(make install le fait), ou utilisez --no-pdf")
    with tempfile.TemporaryDirectory(prefix="capture-pdf-") as tmp:
        target = Path(tmp) / "out.pdf"
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--disable-background-networking", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}",
               html.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Chromium n'a pas imprimé {html.name} en {timeout_s:.0f} s") from exc
        if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"Chromium n'a pas pu imprimer {html.name} : " + " / ".join(tail))
        return atomic_write_bytes(pdf, target.read_bytes())


# --- the page ----------------------------------------------------------------------------------

def render_synthesis(model: dict, photos: dict[str, dict], date: str,
                     walls_ml: dict | None = None, people: list[str] | None = None) -> str:
    # text read or typed is shown without its bidi controls, as in report.html
    env = Environment(loader=PackageLoader("capture.app", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      finalize=strip_bidi)
    env.filters["n1"] = lambda v: "" if v is None else f"{float(v):.1f}"
    css = resources.files("capture.app").joinpath("static", "synthese.css").read_text("utf-8")
    return env.get_template("synthese.html.j2").render(m=model, photos=photos, date=date,
                                                       css=Markup(css), ml=walls_ml,
                                                       reviewers=people or [])


def publish(out_dir: Path, pdf: bool = True, config: Config = CONFIG) -> PublishSummary:
    """Write synthese.html, synthese.pdf (unless pdf=False) and panneaux/*.svg into out_dir."""
    out_dir = Path(out_dir)
    outputs = load_outputs(out_dir)
    assets = build_assets(outputs, config)
    model = build_model(outputs, assets, config)
    layout, session = outputs.layout, outputs.session
    photos = _wall_photos(outputs, assets, layout, config.report.publish_photo_px)
    walls_ml = markerless_synthesis(model["markerless"], session, out_dir,
                                    config.report.publish_photo_px)
    html = atomic_write_text(out_dir / HTML_FILE, render_synthesis(
        model, photos, time.strftime("%d/%m/%Y"), walls_ml, reviewers(session)))
    # one SVG per photographed board, from the session's (corrected) notes and the stickers
    # its chosen view found
    chosen = {b["board"]: b["file"] for b in session.get("boards", [])}
    docs = {doc["file"]: doc for _s, doc in outputs.photos}
    coverage = {(z["board"], z["zone"]): z["coverage"] for z in session.get("zones", [])}
    votes = {v["board"]: v for v in session.get("votes", [])}
    note_mm = float(layout.get("notes", {}).get("size_mm") or 76.0)

    svgs = []
    for b in layout["boards"]:
        if b["id"] not in chosen or b["kind"] == "calibration":
            continue
        notes = [n for n in session.get("actions", []) + session.get("notes", [])
                 if n["board"] == b["id"]]
        dots = [d for d in docs.get(chosen[b["id"]], {}).get("dots", []) if d["board"] == b["id"]]
        seen = {z["id"]: seen_label(coverage.get((b["id"], z["id"])),
                                    config.merge.coverage_full) for z in b["zones"]}
        svg = board_svg(b, notes, dots, votes.get(b["id"]), note_mm, seen)
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", b["id"])  # a file name from the workshop file
        svgs.append(atomic_write_text(out_dir / SVG_DIR / f"{name}.svg", svg))
    pdf_path = print_pdf(html, out_dir / PDF_FILE) if pdf else None
    return PublishSummary(html, pdf_path, svgs, len(walls_ml["rows"]) if walls_ml else None)

