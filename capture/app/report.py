"""report.html: what the machine found and what it doubts, for a person to review and correct.

An edge of the program: it reads the run's outputs (session.json, photos/*.json, crops/)
and the layout snapshot (layout.json, written at run time so `capture report DIR` needs no
workshop file), writes downscaled images to report_assets/ and one self-contained HTML page
(CSS and JS inlined, so it opens offline from disk).

Images: a downscaled copy of each photo and each board rectified from the original photo with
the homography the run found (stored in the per-photo JSON). Rectified images beat a drawing
because the reviewer must see the real stickers and notes to judge a count; when the original
photo is gone (outputs moved to another machine) the board is drawn from the layout and the
detections instead, so the report still works. Images are cached by the photo's SHA-256:
`capture report` and `capture apply` rebuild the page in a second.

Security: every text from a photo (OCR) or a QR code reaches the page through Jinja2 with
autoescape on, or through one <script type="application/json"> block whose "<", ">" and "&"
are \\u-escaped; the JS reads it with JSON.parse and writes only textContent / values. The
inline script is pinned by its hash in a Content-Security-Policy, so even a missed escape
could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from PIL import Image

from capture import __version__
from capture.app.markerless_report import (
    markerless_model,
    markerless_script_data,
    row_anchor,
    view_anchor,
)
from capture.core.colour_names import COLOUR_FR, COLOUR_FR_F
from capture.core.config import CONFIG, Config
from capture.core.errors import UsageError
from capture.core.model import KitLayout
from capture.interpret.flags import (
    SEVERITY_FR,
    SEVERITY_RANK,
    board_names,
    facilitator_sentence,
    seen_label,
)
from capture.io.atomic import atomic_write_bytes, atomic_write_json, atomic_write_text
from capture.io.decode import load_photo
from capture.kit.export import kit_to_dict

LAYOUT_FILE = "layout.json"
REPORT_FILE = "report.html"
ASSETS_DIR = "report_assets"
MANIFEST = "manifest.json"

# Display colours (what a person recognises), not the classification references.
STICKER_HEX = {"red": "#d62631", "green": "#249e52", "blue": "#1c5cbe", "yellow": "#f5c518",
               "orange": "#f68020", "pink": "#ec4896", "purple": "#763ea0", "white": "#f2f2ee",
               "black": "#222222", "unknown": "#8a8a8a"}
NOTE_HEX = {"yellow": "#ffee6e", "pink": "#ff80b2", "orange": "#ffa848", "green": "#a8e480",
            "blue": "#76c6ee", "purple": "#c4a0e6", "white": "#f8f8f4", "unknown": "#d0d0d0"}


# --- reading the outputs ---------------------------------------------------------------------

@dataclass
class Outputs:
    out_dir: Path
    session: dict
    photos: list[tuple[str, dict]]  # (stem, per-photo document), in session order
    layout: dict  # kit_to_dict() of the workshop


def write_layout(out_dir: Path, kit: KitLayout) -> Path:
    """Snapshot of the board layout next to the outputs (what the report and apply need)."""
    return atomic_write_json(Path(out_dir) / LAYOUT_FILE, kit_to_dict(kit, dpi=150))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"{path} est absent : est-ce bien le dossier de sortie de `capture run` ?",
                         code="outputs_missing") from exc
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} ne peut pas être lu comme du JSON ({exc})",
                         code="outputs_invalid") from exc


def photo_doc_paths(out_dir: Path, session: dict) -> list[tuple[str, Path]]:
    """(stem, path) of every per-photo JSON, in the session's photo order."""
    out: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for p in session.get("photos", []):
        rel = p.get("json")
        path = out_dir / rel if rel else None
        if path is None or not path.is_file():
            # older outputs without the "json" key: find the document by its file name
            stem = Path(p["file"]).stem
            path = next((c for c in sorted((out_dir / "photos").glob(f"{stem}*.json"))
                         if c not in seen and _read_json(c).get("file") == p["file"]), None)
        if path is not None and path not in seen:
            seen.add(path)
            out.append((path.stem, path))
    return out


def load_outputs(out_dir: Path, kit: KitLayout | None = None, session: dict | None = None,
                 photo_docs: dict[Path, dict] | None = None) -> Outputs:
    """Everything the report needs from an output folder; `session` and `photo_docs` (path ->
    document) stand for the files on disk when given (documents about to be written)."""
    out_dir = Path(out_dir)
    session = session if session is not None else _read_json(out_dir / "session.json")
    docs = photo_docs or {}
    photos = [(stem, docs[path] if path in docs else _read_json(path))
              for stem, path in photo_doc_paths(out_dir, session)]
    if kit is not None:
        layout = kit_to_dict(kit, dpi=150)
    elif (out_dir / LAYOUT_FILE).is_file():
        layout = _read_json(out_dir / LAYOUT_FILE)
    else:
        raise UsageError(f"{out_dir / LAYOUT_FILE} est absent : donnez le fichier d'atelier avec "
                         "--workshop", code="layout_missing")
    if layout.get("workshop") != session.get("workshop"):
        raise UsageError(f"les résultats de {out_dir} sont pour l'atelier "
                         f"{session.get('workshop')!r}, la mise en page pour "
                         f"{layout.get('workshop')!r}", code="workshop_mismatch")
    return Outputs(out_dir, session, photos, layout)


# --- geometry --------------------------------------------------------------------------------

def _project(h: np.ndarray, pts: Any) -> np.ndarray:
    """Board mm -> photo px through homography h (N x 2 in, N x 2 out)."""
    p = np.asarray(pts, np.float64).reshape(-1, 2)
    q = np.c_[p, np.ones(len(p))] @ h.T
    w = q[:, 2:3]
    w[np.abs(w) < 1e-12] = 1e-12
    return q[:, :2] / w


def _rect_pts(rect: list[float]) -> list[list[float]]:
    x, y, w, h = rect
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def _pts_attr(pts: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _label_at(quad: np.ndarray) -> dict[str, float]:
    """Where a note's number goes: inside, near its first (top-left) corner, off the text."""
    c = quad.mean(axis=0)
    p = c + (quad[0] - c) * 0.55
    return {"cx": float(p[0]), "cy": float(p[1])}


# who applied a correction file with no name typed in the page ("corrected_by", "checked_by")
UNNAMED = "person"


def by_whom(who: object) -> str:
    """" par Camille" after "vérifié" or "ajouté"; nothing for a correction nobody signed (the
    JSON's "person" is not a French word nor anyone's name)."""
    return "" if not who or who == UNNAMED else f" par {who}"


def slug(*parts: object) -> str:
    """A safe HTML id from data (ids come from photos and files)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", str(p)) for p in parts)


# --- images ----------------------------------------------------------------------------------

def _jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def _downscale(rgb: np.ndarray, max_px: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    s = min(1.0, max_px / max(h, w))
    if s >= 1.0:
        return rgb
    return cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))),
                      interpolation=cv2.INTER_AREA)


def rectify_for_report(rgb: np.ndarray, h: np.ndarray, size_mm: tuple[float, float],
                       cfg: Any) -> np.ndarray:
    """The board straightened from the photo at a modest px/mm (for a person, not analysis)."""
    w_mm, h_mm = size_mm
    ppm = min(cfg.board_max_px_per_mm, cfg.board_max_px / max(w_mm, h_mm))
    # destination board px -> photo px; pixel centres at (i + 0.5) / ppm mm
    m = h @ np.array([[1 / ppm, 0, 0.5 / ppm], [0, 1 / ppm, 0.5 / ppm], [0, 0, 1]])
    size = (max(1, round(w_mm * ppm)), max(1, round(h_mm * ppm)))
    return cv2.warpPerspective(rgb, m, size, flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=(60, 60, 60))


def _resolve_photo(doc: dict, out_dir: Path) -> Path | None:
    raw = doc.get("path")
    if not raw:
        return None
    p = Path(raw)
    for cand in ([p] if p.is_absolute() else [Path.cwd() / p, out_dir / p, out_dir.parent / p]):
        if cand.is_file():
            return cand
    return None


def asset_sizes(layout: dict) -> dict[str, tuple]:
    """Board id -> size in mm, as the report's images are cut (from layout.json's boards)."""
    return {b["id"]: tuple(b["size_mm"]) for b in layout["boards"]}


def _asset_fits(doc: dict, sizes: dict[str, tuple]) -> list[dict]:
    return [f for f in doc.get("fits", []) if f.get("homography") and f["board"] in sizes]


def _asset_key(doc: dict, fits: list[dict], cfg: Any) -> str:
    """What a photo's report images depend on: its bytes, its boards' fits and the sizes."""
    return hashlib.sha256(json.dumps([doc.get("sha256"), fits, cfg.photo_max_px,
                                      cfg.board_max_px], sort_keys=True).encode()).hexdigest()


def photo_assets(rgb: np.ndarray, stem: str, doc: dict, sizes: dict[str, tuple],
                 out_dir: Path, config: Config = CONFIG) -> dict[str, Any]:
    """Write one photo's report images (the photo reduced, each board straightened) from its
    pixels; its manifest entry. A run writes them while the photo is still decoded (see
    build_assets' `fresh`); build_assets decodes the photo again only for the others."""
    cfg = config.report
    fits = _asset_fits(doc, sizes)
    small = _downscale(rgb, cfg.photo_max_px)
    rel = f"{ASSETS_DIR}/{stem}.jpg"
    atomic_write_bytes(out_dir / rel, _jpeg(small, cfg.photo_jpeg_quality))
    entry: dict[str, Any] = {"key": _asset_key(doc, fits, cfg),
                             "photo": {"src": rel, "w": small.shape[1], "h": small.shape[0]},
                             "boards": {}}
    for f in fits:
        board = rectify_for_report(rgb, np.asarray(f["homography"], np.float64),
                                   sizes[f["board"]], cfg)
        brel = f"{ASSETS_DIR}/{stem}--{slug(f['board'])}.jpg"
        atomic_write_bytes(out_dir / brel, _jpeg(board, cfg.board_jpeg_quality))
        entry["boards"][f["board"]] = {"src": brel, "w": board.shape[1], "h": board.shape[0]}
    return entry


def build_assets(outputs: Outputs, config: Config = CONFIG,
                 fresh: dict[str, dict] | None = None) -> dict[str, dict]:
    """Write (or reuse) the report images; stem -> {"photo": {...}, "boards": {id: {...}}}.

    A cached entry is reused when its photo's SHA-256 and homographies are unchanged; so is
    an entry of `fresh` (stem -> photo_assets' entry, written by this run's analysis).
    """
    cfg = config.report
    adir = outputs.out_dir / ASSETS_DIR
    manifest_path = adir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = {}
    sizes = asset_sizes(outputs.layout)
    new: dict[str, dict] = {}
    for stem, doc in outputs.photos:
        if doc.get("status") != "ok":
            continue
        key = _asset_key(doc, _asset_fits(doc, sizes), cfg)
        reuse = [e for e in (manifest.get(stem), (fresh or {}).get(stem))
                 if e and e.get("key") == key and all(
                     (outputs.out_dir / p["src"]).is_file()
                     for p in [e["photo"], *e["boards"].values()] if p)]
        if reuse:
            new[stem] = reuse[0]
            continue
        src = _resolve_photo(doc, outputs.out_dir)
        if src is None:
            continue  # drawn schematically
        try:
            rgb, _info = load_photo(src, config.limits)
        except Exception:  # the photo changed or vanished since the run: draw schematically
            continue
        new[stem] = photo_assets(rgb, stem, doc, sizes, outputs.out_dir, config)
        del rgb
    if new != manifest:
        atomic_write_json(manifest_path, new)
    return new


# --- the page's model --------------------------------------------------------------------------

def _zone_name(zone: dict | None) -> str:
    if zone is None:
        return "hors zone"
    if zone["kind"] == "vote":
        return "D'accord" if zone.get("vote") == "agree" else "Pas d'accord"
    if zone["kind"] == "grid":
        return zone.get("label") or "Mire"
    return zone.get("label") or zone["id"]


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _pct(a: int, total: int) -> int:
    return round(100 * a / total) if total else 0


def vote_seen(v: dict, full: float) -> dict:
    """Per side, "non vu" / "vu à 40 %" when no photo saw the whole vote zone (None: seen, or
    checked by a person). Outputs of older versions carry no coverage: taken as seen."""
    cov = v.get("coverage") or {}
    checked = set(v.get("verified_zones", []))
    return {side: None if side in checked else seen_label(cov.get(side), full)
            for side in ("agree", "disagree")}


def vote_chart(votes: list[dict], order: str, label_chars: int, full: float = 0.97) -> dict:
    """Rows of a stacked agree/disagree bar chart. order: "agreement" or "controversy".

    Agreement: share of "D'accord" (then more votes first). Controversy: many votes and a
    split opinion, total * (1 - |a - d| / total) = 2 * min(a, d) (then more votes first).
    A verbatim whose vote zones no photo saw goes last and says "non vu", never "0".
    Bar widths are percentages of the longest bar (the page draws them with CSS, so the
    text keeps its size on a phone).
    """
    seen = {v["board"]: vote_seen(v, full) for v in votes}

    def key(v: dict) -> tuple:
        a, d = v["agree"], v["disagree"]
        t = a + d
        # a verbatim with a side no photo saw cannot be ranked: after the counted ones
        blind = "non vu" in seen[v["board"]].values()
        if order == "agreement":
            return (blind, t == 0, -(a / t if t else 0), -t, v["board"])
        return (blind, t == 0, -(t - abs(a - d)), -t, v["board"])

    rows = sorted(votes, key=key)
    top = max([v["agree"] + v["disagree"] for v in rows] + [1])
    out = []
    for v in rows:
        a, d = v["agree"], v["disagree"]
        t = a + d
        s = seen[v["board"]]
        partial = [f"{'D’accord' if side == 'agree' else 'Pas d’accord'} {label}"
                   for side, label in s.items() if label]
        blind = s["agree"] == s["disagree"] == "non vu"
        # an unseen side has no count (never "0"), and no share of agreement can be given
        shown = [("?" if s[side] == "non vu" else str(n)) for side, n in (("agree", a),
                                                                         ("disagree", d))]
        if "?" in shown:
            numbers_text = f"{shown[0]} / {shown[1]}"
        elif t:
            numbers_text = f"{a} / {d} · {_pct(a, t)} % d'accord"
        else:
            numbers_text = "aucun vote vu" if partial else "aucun vote"
        out.append({
            "numbers": numbers_text,
            "board": v["board"], "text": v["text"], "label": _short(v["text"], label_chars),
            "agree": a, "disagree": d, "total": t, "pct": _pct(a, t),
            "wa": round(100 * a / top, 2), "wd": round(100 * d / top, 2),
            "controversy": t - abs(a - d), "verified": bool(v.get("verified")),
            "anchor": "votes-" + slug(v["board"]), "blind": blind,
            "partial": " · ".join(partial), "seen": s,
        })
    return {"rows": out, "order": order}


def mire_model(actions: list[dict], numbers: dict, zone: dict | None,
               cells: dict[str, float] | None = None, full: float = 0.97) -> dict:
    """Actions on a 3 x 3 drawing of the grid (échéance x, impact y up); cells no photo saw
    in full are hatched and say "non vu" / "vu à 40 %" (cells: label -> share seen)."""
    size, pad_l, pad_b, pad_t, pad_r = 600.0, 70.0, 74.0, 16.0, 16.0
    pts = []
    for a in actions:
        n = numbers.get((a.get("file"), a.get("id")))
        pts.append({
            "n": n, "text": a["text"], "label": _short(a["text"], 26), "cell": a["cell"],
            "color": a["color"],
            "fill": NOTE_HEX.get(a["color"], NOTE_HEX["unknown"]),
            "cx": pad_l + a["x"] * size, "cy": pad_t + (1 - a["y"]) * size,
            "x": a["x"], "y": a["y"], "anchor": slug("note", Path(a.get("file", "")).stem,
                                                      a.get("id", "")),
            "verified": bool(a.get("verified")),
        })
    x_axis = (zone or {}).get("x_axis") or {"name": "Échéance",
                                            "labels": ["court terme", "moyen terme", "long terme"]}
    y_axis = (zone or {}).get("y_axis") or {"name": "Impact",
                                            "labels": ["faible", "moyen", "fort"]}
    unseen = []
    for i, (label, share) in enumerate((cells or {}).items()):  # row-major, top row first
        text = seen_label(share, full)
        if text:
            row, col = divmod(i, 3)
            unseen.append({"x": pad_l + col * size / 3, "y": pad_t + row * size / 3,
                           "w": size / 3, "h": size / 3, "label": text, "cell": label})
    return {"points": pts, "size": size, "pad_l": pad_l, "pad_t": pad_t,
            "width": pad_l + size + pad_r, "height": pad_t + size + pad_b,
            "thirds": [size / 3, 2 * size / 3], "x_axis": x_axis, "y_axis": y_axis,
            "unseen": unseen}


def _note_rows(doc: dict) -> list[tuple[str, dict]]:
    rows = [("action", a) for a in doc.get("actions", [])]
    rows += [("note", n) for n in doc.get("notes", [])]
    rows += [("rejected", n) for n in doc.get("rejected_notes", [])]
    return rows


def _flag_anchor(f: dict, stem: str | None, note_ids: set[str], chosen: dict[str, str],
                 stems: dict[str, str]) -> str | None:
    if stem is None and f.get("board") in chosen:  # session flag: the board's chosen view
        stem = stems.get(chosen[f["board"]])
    if stem is None:
        return "synthese" if f.get("code") == "board_missing" else None
    if f.get("item") and f["item"] in note_ids:
        return slug("note", stem, f["item"])
    if f.get("board"):
        return slug("ph", stem, "b", f["board"])
    return slug("ph", stem)


@dataclass(frozen=True)
class ReportContext:
    """What every part of the report model looks things up in."""

    session: dict
    layout: dict
    boards: dict[str, dict]  # board id -> layout board
    stems: dict[str, str]  # photo file -> stem of its JSON
    chosen: dict[str, str]  # board id -> the photo file the session took it from
    numbers: dict[tuple[str, str], int]  # (photo file, note id) -> number across the report
    full: float  # coverage counted as whole (config.merge.coverage_full)
    coverage: dict[tuple[str, str], dict]  # (board, zone) -> session zone entry


@dataclass(frozen=True)
class ReviewFlags:
    """The flags to review, each with its sentence, and the same grouped by board."""

    flags: list[dict]
    groups: list[dict]


def build_model(outputs: Outputs, assets: dict[str, dict], config: Config = CONFIG) -> dict:
    """Everything the template draws, as plain numbers and strings."""
    ctx = _context(outputs, config)
    session, layout = ctx.session, ctx.layout
    sticker_colours = [*layout.get("stickers", {}).get("colors", []), "unknown"]
    walls = _walls(ctx, config, sticker_colours)
    review = _review_flags(ctx, outputs)
    flags = review.flags
    # notes whose session text was read on another photo of their board (see merge)
    merged = {(e["file"], e["id"]): e for e in session.get("actions", []) + session.get("notes", [])
              if e.get("text_from") and e.get("file") and e.get("id")}
    photos = [_photo_model(stem, doc, layout, ctx.boards, assets.get(stem), ctx.numbers,
                           ctx.chosen, merged)
              for stem, doc in outputs.photos]
    data = _script_data(ctx, outputs, merged)

    # "12 / 35 points vérifiés": the points to check (not the info) a person has dealt with
    to_check = [f for f in flags if f["severity"] != "info"]
    progress = {"done": sum(f["resolved"] for f in to_check), "total": len(to_check)}
    n_stickers = sum(v["agree"] + v["disagree"] for v in session.get("votes", []))
    board_ids = [b["id"] for b in layout["boards"] if b["kind"] != "calibration"]
    ok = sum(p.get("status") == "ok" for p in session.get("photos", []))
    ml = session.get("markerless")
    return {
        "title": layout.get("title") or session["workshop"],
        "workshop": session["workshop"],
        "tool_version": __version__,
        "totals": {
            "photos": len(session.get("photos", [])), "photos_ok": ok,
            "photos_failed": len(session.get("photos", [])) - ok,
            "boards_seen": sum(b in ctx.chosen for b in board_ids), "boards": len(board_ids),
            "stickers": n_stickers, "verbatims": len(session.get("votes", [])),
            "actions": len(session.get("actions", [])), "notes": len(session.get("notes", [])),
            "flags": sum(not f["resolved"] and f["severity"] != "info" for f in flags),
            # walls read without boards (None: no such photo): their notes and stickers
            # would otherwise be missing from the summary a facilitator reads first
            "wall_notes": len(ml["notes"]) if ml else None,
            "wall_dots": len(ml["dots"]) if ml else 0,
        },
        "walls": walls, "flags": flags, "flag_groups": review.groups, "photos": photos,
        "data": data, "progress": progress, "board_names": board_names(layout),
        "note_colours": layout.get("notes", {}).get("colors", []),
        "sticker_colours": sticker_colours, "colour_fr": COLOUR_FR, "colour_fr_f": COLOUR_FR_F,
        "severity_fr": SEVERITY_FR,
        "sticker_hex": STICKER_HEX,
        "skipped": session.get("skipped", []),
        "applied": session.get("corrections_applied", []),
        "markerless": markerless_model(session, outputs.photos, assets, NOTE_HEX, STICKER_HEX,
                                       COLOUR_FR),
    }


def _context(outputs: Outputs, config: Config) -> ReportContext:
    session = outputs.session
    # one number per note across the report, shared by overlays, tables and the summary
    numbers: dict[tuple[str, str], int] = {}
    for _stem, doc in outputs.photos:
        for _kind, n in _note_rows(doc):
            numbers.setdefault((doc["file"], n.get("id")), len(numbers) + 1)
    return ReportContext(
        session=session,
        layout=outputs.layout,
        boards={b["id"]: b for b in outputs.layout["boards"]},
        stems={doc["file"]: stem for stem, doc in outputs.photos},
        chosen={b["board"]: b["file"] for b in session.get("boards", [])},
        numbers=numbers,
        full=config.merge.coverage_full,
        coverage={(z["board"], z["zone"]): z for z in session.get("zones", [])},
    )


def _walls(ctx: ReportContext, config: Config, sticker_colours: list[str]) -> list[dict]:
    """The summary per wall: vote charts, action grids, notes per zone, unseen boards."""
    cfg = config.report
    session, numbers, full, coverage = ctx.session, ctx.numbers, ctx.full, ctx.coverage

    def zone_seen(bid: str, zid: str) -> str | None:
        z = coverage.get((bid, zid))
        return seen_label(z["coverage"], full) if z else None

    votes_by_board = {v["board"]: v for v in session.get("votes", [])}
    walls: list[dict] = []
    for b in ctx.layout["boards"]:
        if b["kind"] == "calibration":
            continue
        wall = next((w for w in walls if w["title"] == b["wall"]), None)
        if wall is None:
            wall = {"title": b["wall"], "id": slug("wall", len(walls)), "verbatims": [],
                    "unseen": [], "mires": [], "zone_boards": []}
            walls.append(wall)
        seen = b["id"] in ctx.chosen
        if b["kind"] == "verbatim":
            (wall["verbatims"] if b["id"] in votes_by_board else wall["unseen"]).append(b["id"])
        elif b["kind"] == "mire":
            grid = next((z for z in b["zones"] if z["kind"] == "grid"), None)
            acts = [a for a in session.get("actions", []) if a["board"] == b["id"]]
            cells = coverage.get((b["id"], grid["id"]), {}).get("cells") if grid else None
            model = mire_model(acts, numbers, grid, cells, full)
            wall["mires"].append({"board": b["id"], "title": b["title"], "seen": seen,
                                  "model": model,
                                  "seen_label": zone_seen(b["id"], grid["id"]) if grid else None,
                                  "legend": sorted(model["points"], key=lambda p: (p["n"] or 0))})
        else:
            notes = [n for n in session.get("notes", []) if n["board"] == b["id"]]
            zones = []
            for z in b["zones"]:
                if z["kind"] == "notes":
                    zones.append({"label": _zone_name(z), "seen": zone_seen(b["id"], z["id"]),
                                  "notes": [_summary_note(n, numbers) for n in notes
                                            if n["zone"] == z["id"]]})
            stray = [_summary_note(n, numbers) for n in notes
                     if n["zone"] not in {z["id"] for z in b["zones"]}]
            if stray:
                zones.append({"label": "Hors zone", "notes": stray, "seen": None})
            wall["zone_boards"].append({"board": b["id"], "title": b["title"], "seen": seen,
                                        "zones": zones})
    for wall in walls:
        vs = [votes_by_board[bid] for bid in wall["verbatims"]]
        wall["charts"] = [vote_chart(vs, "agreement", cfg.chart_label_chars, full),
                          vote_chart(vs, "controversy", cfg.chart_label_chars, full)] if vs else []
        wall["vote_rows"] = [_vote_editor(votes_by_board[bid], ctx.boards[bid], sticker_colours,
                                          full)
                             for bid in wall["verbatims"]]
    return walls


def _review_flags(ctx: ReportContext, outputs: Outputs) -> ReviewFlags:
    """Flags to review: one sentence each, grouped by board (most serious first)."""
    session, layout, chosen, stems = ctx.session, ctx.layout, ctx.chosen, ctx.stems
    names = board_names(layout)
    zone_names = {(b["id"], z["id"]): _zone_name(z) for b in layout["boards"] for z in b["zones"]}
    flags: list[dict] = []
    note_ids_by_stem = {stem: {n.get("id") for _k, n in _note_rows(doc)}
                        for stem, doc in outputs.photos}
    ml = session.get("markerless") or {}
    verified = {(n["photo"], n["id"]) for n in ml.get("notes", []) + ml.get("rejected_notes", [])
                if n.get("verified")}
    # numbered as in "Murs sans panneau" (markerless_model): the ranked table and the photo
    ml_numbers = {(n["photo"], n["id"]): k + 1 for k, n in enumerate(ml.get("notes", []))}

    def sentence(f: dict, file: str | None) -> str:
        owner = file or chosen.get(f.get("board") or "")
        return facilitator_sentence(f, names, zone_names, ctx.numbers.get((owner, f.get("item"))))

    for f in session.get("flags", []):
        flags.append(_flag(f, None, set(), chosen, stems, None, sentence(f, None)))
    for stem, doc in outputs.photos:
        if doc.get("status") != "ok":
            flags.append({"severity": "error", "code": doc.get("error_code") or "photo_error",
                          "message": doc.get("error") or "", "file": doc["file"], "board": None,
                          "anchor": slug("ph", stem), "resolved": False, "checkable": False,
                          "label": SEVERITY_FR["error"]})
        for f in doc.get("flags", []):
            flags.append(_flag(f, stem, note_ids_by_stem[stem], chosen, stems, doc["file"],
                               sentence(f, doc["file"])))
        flags += _markerless_flags(doc, verified, sentence, ml_numbers)
    flags.sort(key=lambda f: (f["resolved"], SEVERITY_RANK.get(f["severity"], 3)))
    groups: list[dict] = []
    order = {b["id"]: i for i, b in enumerate(layout["boards"])}
    for f in flags:
        key = f.get("board") or ""
        g = next((g for g in groups if g["board"] == key), None)
        if g is None:
            g = {"board": key, "title": names.get(key, key) if key else "Photos",
                 "items": [], "id": slug("flags", key or "photos")}
            groups.append(g)
        g["items"].append(f)
    for g in groups:
        g["counts"] = {sev: sum(f["severity"] == sev and not f["resolved"] for f in g["items"])
                       for sev in SEVERITY_RANK}
        g["worst"] = min((SEVERITY_RANK.get(f["severity"], 3) for f in g["items"]
                          if not f["resolved"]), default=9)
    groups.sort(key=lambda g: (g["worst"], g["board"] == "", order.get(g["board"], 999)))
    return ReviewFlags(flags, groups)


def _script_data(ctx: ReportContext, outputs: Outputs, merged: dict) -> dict:
    """The data the page's script edits (corrections): texts, zones, colours, vote counts."""
    session = ctx.session
    data_notes: dict[str, dict] = {}
    for _stem, doc in outputs.photos:
        for kind, n in _note_rows(doc):
            shown = merged.get((doc["file"], n.get("id")), n)  # the text the page shows
            data_notes[_note_key(doc["file"], n["board"], n.get("id", ""))] = {
                "text": shown.get("text", ""), "zone": n.get("zone"), "color": n.get("color"),
                "x": n.get("x"), "y": n.get("y"), "false_detection": kind == "rejected"}
    data_votes: dict[str, dict] = {}
    for v in session.get("votes", []):
        for z in ctx.boards.get(v["board"], {}).get("zones", []):
            if z["kind"] == "vote":
                side = z.get("vote")
                data_votes[f"{v['board']}|{z['id']}"] = {
                    "count": v.get(side, 0), "by_color": v["by_color"].get(side, {})}
    # identifies this set of photos: edits kept in the browser never leak into another run
    run_id = hashlib.sha256(json.dumps(
        [session["workshop"]] + [[d["file"], d.get("sha256")] for _s, d in outputs.photos]
    ).encode()).hexdigest()[:16]
    return {"version": 1, "workshop": session["workshop"], "run": run_id, "notes": data_notes,
            "votes": data_votes, "colour_fr": COLOUR_FR, "colour_fr_f": COLOUR_FR_F,
            "markerless": markerless_script_data(session),
            # the notes added by a person already in these outputs ("board|id": text, colour):
            # the page drops an addition kept in the browser once it is applied as it stands
            "added": {f"{e.get('board')}|{e.get('id')}": {"text": e.get("text", ""),
                                                          "color": e.get("color")}
                      for k in ("actions", "notes", "rejected_notes")
                      for e in session.get(k, []) if e.get("added")}}


def _note_key(file: str, board: str, note: str) -> str:
    return f"{file}|{board}|{note}"


def _summary_note(n: dict, numbers: dict) -> dict:
    return {"n": numbers.get((n.get("file"), n.get("id"))), "text": n["text"],
            "color": n["color"], "fill": NOTE_HEX.get(n["color"], NOTE_HEX["unknown"]),
            "anchor": slug("note", Path(n.get("file", "")).stem, n.get("id", "")),
            "verified": bool(n.get("verified"))}


def _vote_editor(v: dict, board: dict, colours: list[str], full: float = 0.97) -> dict:
    cols = colours  # a colour outside the workshop's keeps its count (the page sends it back)
    seen = vote_seen(v, full)
    zones = []
    for z in board["zones"]:
        if z["kind"] != "vote":
            continue
        side = z.get("vote")
        zones.append({"zone": z["id"], "side": side, "label": _zone_name(z),
                      "count": v.get(side, 0), "seen": seen.get(side),
                      "cells": [{"color": c, "value": v["by_color"].get(side, {}).get(c, 0),
                                 "hex": STICKER_HEX.get(c, STICKER_HEX["unknown"]),
                                 "name": COLOUR_FR.get(c, c)} for c in cols]})
    machine = v.get("machine")
    return {"board": v["board"], "text": v["text"], "zones": zones,
            "anchor": "votes-" + slug(v["board"]), "verified": bool(v.get("verified")),
            "corrected_by": v.get("corrected_by"), "machine": machine,
            "ambiguous": bool(v.get("ambiguous")), "views": v.get("views", 1),
            "file": v.get("file")}


def _markerless_flags(
    doc: dict, verified: set[tuple[str, str]], sentence: Callable[[dict, str | None], str],
    numbers: dict[tuple[str, str], int] | None = None,
) -> list[dict]:
    """The flags of a photo read with no board (a note's colour in doubt, a low reading...),
    each linked to its note's row in "Murs sans panneau". They are dealt with by correcting
    that row (the note is then verified), not ticked: a tick has no note to land on.
    numbers: (photo, note id) -> the note's number in the ranked table and on the photo; the
    sentence names the note by it ("le post-it n° 3"), not by an id the reviewer sees only in
    small print ("m02")."""
    out = []
    for f in (doc.get("markerless") or {}).get("flags", []):
        item = f.get("item")
        said = sentence(f, doc["file"])
        number = (numbers or {}).get((doc["file"], item)) if item else None
        if number is not None:
            said = re.sub(rf"\bpost-it {re.escape(item)}(?![\w-])", f"post-it n° {number}", said)
        flag = _flag(f, None, set(), {}, {}, doc["file"], said)
        flag.update(checkable=False, resolved=(doc["file"], item) in verified,
                    anchor=row_anchor(doc["file"], item) if item else "sans-panneau")
        out.append(flag)
    return out


def _flag(f: dict, stem: str | None, note_ids: set[str], chosen: dict, stems: dict,
          file: str | None, sentence: str) -> dict:
    sev = f.get("severity", "info")
    return {"severity": sev, "label": SEVERITY_FR.get(sev, sev), "code": f.get("code", ""),
            "message": sentence, "technical": f.get("message", ""), "board": f.get("board"),
            "zone": f.get("zone"), "item": f.get("item"), "checked_by": f.get("checked_by"),
            "checkable": bool(f.get("code")), "file": file,
            "anchor": _flag_anchor(f, stem, note_ids, chosen, stems),
            "resolved": bool(f.get("resolved"))}


def _photo_model(stem: str, doc: dict, layout: dict, boards: dict, asset: dict | None,
                 numbers: dict, chosen: dict, merged: dict | None = None) -> dict:
    size = doc.get("size_px")
    photo_img = asset["photo"] if asset else None
    if photo_img:
        vw, vh = photo_img["w"], photo_img["h"]
    elif size:
        s = min(1.0, 1600 / max(size))
        vw, vh = round(size[0] * s), round(size[1] * s)
    else:
        vw = vh = 0
    scale = vw / size[0] if size and vw else 1.0
    sm = np.diag([scale, scale, 1.0])
    fits = {f["board"]: f for f in doc.get("fits", [])}
    overlay: dict[str, list] = {"markers": [], "boards": [], "zones": [], "dots": [], "notes": []}
    board_models = []
    dots_by_board: dict[str, list] = {}
    for d in doc.get("dots", []):
        dots_by_board.setdefault(d["board"], []).append(d)
    rows = _note_rows(doc)
    for bid in doc.get("boards", []):
        b = boards.get(bid)
        f = fits.get(bid, {})
        h = np.asarray(f["homography"], np.float64) if f.get("homography") else None
        if b is not None and h is not None and vw:
            hs = sm @ h
            w_mm, h_mm = b["size_mm"]
            outline = _project(hs, _rect_pts([0, 0, w_mm, h_mm]))
            centre = _project(hs, [[w_mm / 2, h_mm * 0.04]])[0]  # label near the top edge
            overlay["boards"].append({"pts": _pts_attr(outline), "label": bid,
                                      "lx": centre[0], "ly": centre[1],
                                      "anchor": slug("ph", stem, "b", bid)})
            for m in b.get("markers", []):
                used = m["id"] in f.get("markers", [])
                overlay["markers"].append({"pts": _pts_attr(_project(hs, m["corners_mm"])),
                                           "used": used})
            for z in b["zones"]:
                overlay["zones"].append({"pts": _pts_attr(_project(hs, _rect_pts(z["rect_mm"]))),
                                         "kind": z["kind"]})
            for d in dots_by_board.get(bid, []):
                c = _project(hs, [d["center_mm"]])[0]
                r_mm = d.get("radius_mm") or 6.0
                e = _project(hs, [[d["center_mm"][0] + r_mm, d["center_mm"][1]],
                                  [d["center_mm"][0], d["center_mm"][1] + r_mm]])
                r = max(1.5, float(np.mean(np.hypot(*(e - c).T))))
                overlay["dots"].append({"cx": c[0], "cy": c[1], "r": r, "color": d["color"],
                                        "hex": STICKER_HEX.get(d["color"], STICKER_HEX["unknown"])})
            for kind, n in rows:
                if n["board"] != bid or not n.get("corners_mm"):
                    continue
                q = _project(hs, n["corners_mm"])
                c = q.mean(axis=0) + (q[0] - q.mean(axis=0)) * 0.55  # number near the top-left
                overlay["notes"].append({"pts": _pts_attr(q), "cx": c[0], "cy": c[1],
                                         "n": numbers.get((doc["file"], n.get("id"))),
                                         "rejected": kind == "rejected",
                                         "anchor": slug("note", stem, n.get("id", ""))})
        board_models.append(_board_model(stem, doc, bid, b, f, asset, dots_by_board.get(bid, []),
                                         [r for r in rows if r[1]["board"] == bid], numbers,
                                         chosen))
    notes = _note_models(stem, doc, rows, boards, numbers, chosen, merged)
    return {
        "stem": stem, "file": doc["file"], "status": doc.get("status"), "error": doc.get("error"),
        "anchor": slug("ph", stem), "image": photo_img, "vw": vw, "vh": vh,
        # where the photo was read, said when it can no longer be shown
        "path": doc.get("path") or doc["file"],
        "size": size, "sharpness": doc.get("sharpness"), "overlay": overlay,
        "boards": board_models, "notes": notes, "n_dots": len(doc.get("dots", [])),
        "flags": [f for f in doc.get("flags", [])],
        # read with no board: what was read there, counted and drawn in "Murs sans panneau"
        "ml": _ml_counts(doc),
    }


def _ml_counts(doc: dict) -> dict | None:
    """A photo read with no board: its notes and stickers (kept, not rejected) and the id of
    its drawing in "Murs sans panneau"; None for a photo read on its boards only."""
    ml = doc.get("markerless")
    if not isinstance(ml, dict):
        return None
    return {"notes": len(ml.get("notes", [])), "dots": len(ml.get("dots", [])),
            "anchor": view_anchor(doc["file"])}


def _note_models(stem: str, doc: dict, rows: list[tuple[str, dict]], boards: dict,
                 numbers: dict, chosen: dict, merged: dict | None) -> list[dict]:
    """The photo's notes as the page lists them (the session's text when another photo read
    it better)."""
    notes = []
    for kind, n in rows:
        b = boards.get(n["board"], {"zones": []})
        zopts = [{"id": z["id"], "label": _zone_name(z), "grid": z["kind"] == "grid"}
                 for z in b["zones"] if z["kind"] in ("notes", "grid")]
        zone = next((z for z in b["zones"] if z["id"] == n.get("zone")), None)
        conf = n.get("ocr_confidence")
        better = (merged or {}).get((doc["file"], n.get("id")))
        text_from = None
        if better is not None:  # the session's text came from a photo that read it better
            conf = better.get("ocr_confidence")
            text_from = {"file": better["text_from"]["file"], "own_text": n.get("text", ""),
                         "crop": better["text_from"].get("crop"),
                         "conf_pct": None if conf is None else round(100 * conf)}
            n = {**n, "text": better["text"], "raw_text": better.get("raw_text", "")}
        notes.append({
            "n": numbers.get((doc["file"], n.get("id"))), "id": n.get("id", ""),
            "board": n["board"], "zone": n.get("zone"), "zone_label": _zone_name(zone),
            "zones": zopts, "has_grid": any(z["grid"] for z in zopts),
            "is_grid": bool(zone and zone["kind"] == "grid"),
            "text": n.get("text", ""), "raw_text": n.get("raw_text", ""), "color": n["color"],
            "colour_fr": COLOUR_FR.get(n["color"], n["color"]),
            "fill": NOTE_HEX.get(n["color"], NOTE_HEX["unknown"]),
            "x": n.get("x"), "y": n.get("y"), "cell": n.get("cell"),
            "crop": n.get("crop"), "ocr_confidence": conf,
            "conf_pct": None if conf is None else round(100 * conf),
            # as the OCR engine judged it (each engine has its own threshold)
            "low": conf is not None and any(
                f.get("code") == "low_ocr_confidence" and f.get("item") == n.get("id")
                for f in doc.get("flags", [])),
            "rejected": kind == "rejected", "verified": bool(n.get("verified")),
            "corrected_by": n.get("corrected_by"), "machine": n.get("machine"),
            "anchor": slug("note", stem, n.get("id", "")),
            "chosen": chosen.get(n["board"]) == doc["file"], "text_from": text_from,
        })
    return notes


def _board_model(stem: str, doc: dict, bid: str, b: dict | None, fit: dict,
                 asset: dict | None, dots: list[dict], rows: list[tuple[str, dict]],
                 numbers: dict, chosen: dict) -> dict:
    img = (asset or {}).get("boards", {}).get(bid)
    model: dict[str, Any] = {
        "id": bid, "anchor": slug("ph", stem, "b", bid), "image": img,
        "title": b["title"] if b else bid, "known": b is not None,
        "chosen": chosen.get(bid) == doc["file"],
        "err": fit.get("reprojection_error_mm"), "n_markers": len(fit.get("markers", [])),
        "qr": fit.get("qr"), "votes": [v for v in doc.get("votes", []) if v["board"] == bid],
        "vote_anchor": "votes-" + slug(bid),
        "can_add": bool(b and any(z["kind"] in ("notes", "grid") for z in b["zones"])),
    }
    if b is None:
        return model
    w, h = b["size_mm"]
    model.update(w=w, h=h, zones=[
        {"x": z["rect_mm"][0], "y": z["rect_mm"][1], "w": z["rect_mm"][2], "h": z["rect_mm"][3],
         "kind": z["kind"], "label": _zone_name(z)} for z in b["zones"]],
        markers=[{"pts": _pts_attr(np.asarray(m["corners_mm"]))} for m in b.get("markers", [])],
        dots=[{"cx": d["center_mm"][0], "cy": d["center_mm"][1], "r": d.get("radius_mm") or 6.0,
               "hex": STICKER_HEX.get(d["color"], STICKER_HEX["unknown"]), "color": d["color"],
               "zone": d.get("zone"),
               # its zone named as in the vote table, for the sticker's name (screen reader)
               "zone_label": _zone_name(next((z for z in b["zones"] if z["id"] == d.get("zone")),
                                             None))}
              for d in dots],
        vote_zones=[z["id"] for z in b["zones"] if z["kind"] == "vote"],
        notes=[{"pts": _pts_attr(np.asarray(n["corners_mm"])),
                **_label_at(np.asarray(n["corners_mm"], np.float64)),
                "n": numbers.get((doc["file"], n.get("id"))), "rejected": kind == "rejected",
                "fill": NOTE_HEX.get(n["color"], NOTE_HEX["unknown"]),
                "anchor": slug("note", stem, n.get("id", ""))}
               for kind, n in rows if n.get("corners_mm")],
        font=max(w, h) / 45)
    return model


# --- rendering -----------------------------------------------------------------------------------

# Bidirectional controls (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F, U+061C) in a
# note's text would reorder what the page shows around them ("Trojan Source"): stripped from
# every text the report shows, kept in the JSON outputs (they are data).
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                                      "\u200e\u200f\u061c"))


def strip_bidi(obj: Any) -> Any:
    """obj with the bidirectional controls removed from every string in it."""
    if isinstance(obj, str):
        return obj.translate(BIDI_CONTROLS)
    if isinstance(obj, list | tuple):
        return [strip_bidi(v) for v in obj]
    if isinstance(obj, dict):
        return {strip_bidi(k): strip_bidi(v) for k, v in obj.items()}
    return obj


def json_for_script(obj: Any) -> str:
    """JSON safe inside <script type="application/json">: no "</script>", no "<!--"."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _static(name: str) -> str:
    return resources.files("capture.app").joinpath("static", name).read_text("utf-8")


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


def render_report(model: dict) -> str:
    """The HTML page of a model built by build_model."""
    env = Environment(loader=PackageLoader("capture.app", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      finalize=strip_bidi)
    env.filters["n1"] = lambda v: "" if v is None else f"{float(v):.1f}"
    env.filters["by_whom"] = by_whom
    env.filters["n2"] = lambda v: "" if v is None else f"{float(v):.2f}"
    env.filters["frnum"] = lambda v, nd=2: "" if v is None else f"{float(v):.{nd}f}".replace(
        ".", ",")
    script = _static("report.js")
    return env.get_template("report.html.j2").render(
        m=model, css=Markup(_static("report.css")), js=Markup(script),
        data_json=Markup(json_for_script(strip_bidi(model["data"]))), script_hash=_csp_hash(script),
        isfinite=math.isfinite)


def write_report(out_dir: Path, kit: KitLayout | None = None, config: Config = CONFIG) -> Path:
    """(Re)build OUT/report.html from the outputs in out_dir; returns its path.

    With `kit` (at the end of `capture run`) the layout snapshot OUT/layout.json is written
    first, so later rebuilds (`capture report`, `capture apply`) need no workshop file.
    """
    out_dir = Path(out_dir)
    if kit is not None:
        write_layout(out_dir, kit)
    return atomic_write_text(out_dir / REPORT_FILE, report_html(out_dir, config=config))


def report_html(out_dir: Path, kit: KitLayout | None = None, config: Config = CONFIG,
                session: dict | None = None, photo_docs: dict[Path, dict] | None = None,
                fresh_assets: dict[str, dict] | None = None) -> str:
    """report.html's text for the outputs in out_dir, or for documents not yet written there
    (see load_outputs); its images are written (or reused) in OUT/report_assets
    (fresh_assets: see build_assets)."""
    outputs = load_outputs(out_dir, kit, session=session, photo_docs=photo_docs)
    assets = build_assets(outputs, config, fresh_assets)
    return render_report(build_model(outputs, assets, config))
