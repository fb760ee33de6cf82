"""`capture kit`: write the printable kit (board PNGs, kit.pdf, kit.json) to a folder.

This is an edge of the program: it renders with the kit stages and writes files, each one
atomically (temporary file + os.replace) so an interrupted run never leaves a half file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from capture.core.config import CONFIG
from capture.core.errors import UsageError
from capture.core.model import Axis, KitLayout, ZoneSpec
from capture.core.workshop import Workshop
from capture.io.atomic import atomic_write_bytes
from capture.kit.layout import QR_PREFIX, layout_workshop
from capture.kit.pdf import BoardPrint, plan_kit, render_pdf
from capture.kit.render import render_board_grey

KIT_JSON_VERSION = 1


def _r(v: float) -> float:
    return round(float(v), 3)


def _axis(axis: Axis) -> dict[str, Any]:
    return {"name": axis.name, "labels": list(axis.labels)}


def _zone(zone: ZoneSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": zone.id,
        "kind": zone.kind,
        "rect_mm": [_r(v) for v in zone.rect_mm],
    }
    if zone.kind == "vote":
        out["vote"] = zone.vote
    if zone.kind == "grid":
        assert zone.x_axis is not None and zone.y_axis is not None
        out["x_axis"] = _axis(zone.x_axis)  # 0 at the zone's left edge
        out["y_axis"] = _axis(zone.y_axis)  # 0 at the zone's bottom edge
    if zone.kind == "notes" or zone.label:
        out["label"] = zone.label
    return out


def kit_to_dict(
    kit: KitLayout,
    dpi: int,
    prints: list[BoardPrint] | None = None,
    paper: str | None = None,
    pdf_dpi: int | None = None,
) -> dict[str, Any]:
    """The kit.json contract (issue 2) plus extensions; never remove or rename a key."""
    by_board = {p.board: p for p in prints or []}
    boards = []
    for b in kit.boards:
        entry: dict[str, Any] = {
            "id": b.id,
            "kind": b.kind,
            "title": b.title,
            "size_mm": [_r(v) for v in b.size_mm],
            "image": f"boards/{b.id}.png",
            "zones": [_zone(z) for z in b.zones],
            "wall": b.wall,
            "markers": [
                {"id": m.id, "corners_mm": [[_r(x), _r(y)] for x, y in m.corners_mm]}
                for m in b.markers
            ],
            "qr_rect_mm": [_r(v) for v in b.qr_rect_mm],
            "qr_payload": b.qr_payload,
            "text": b.text,
        }
        if b.swatches:  # calibration card: grey patches and one spot per sticker / note colour
            entry["swatches"] = [
                {"kind": kind, "value": value, "rect_mm": [_r(v) for v in rect]}
                for kind, value, rect in b.swatches
            ]
        plan = by_board.get(b.id)
        if plan is not None:
            entry["print"] = {
                "paper": plan.paper,
                "landscape": plan.landscape,
                "rows": plan.rows,
                "cols": plan.cols,
                "pages": plan.pages,
            }
        boards.append(entry)
    out: dict[str, Any] = {
        "workshop": kit.workshop,
        "dpi": int(dpi),
        "stickers": {
            "diameter_mm": float(kit.sticker_diameter_mm),
            "colors": list(kit.sticker_colors),
        },
        "notes": {"size_mm": float(kit.note_size_mm), "colors": list(kit.note_colors)},
        "boards": boards,
        "title": kit.title,
        "version": KIT_JSON_VERSION,
        "aruco_dictionary": kit.aruco_dictionary,
        "qr_prefix": QR_PREFIX,
    }
    if prints is not None:
        out["pdf"] = {
            "file": "kit.pdf",
            "paper": paper,
            "dpi": pdf_dpi,
            "pages": sum(p.pages for p in prints),
        }
    return out


def _png_bytes(grey: Any, dpi: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, "PNG", dpi=(dpi, dpi), optimize=False)  # pHYs = true size
    return buf.getvalue()


def _tiling_summary(prints: list[BoardPrint]) -> str:
    """e.g. "1 page each: verbatim-01, …; tiled: processus 3 × 5, mire 3 × 4"."""
    single = [p.board for p in prints if p.pages == 1]
    tiled = [f"{p.board} {p.rows} × {p.cols}" for p in prints if p.pages > 1]
    parts = []
    if single:
        parts.append(f"{len(single)} panneau(x) sur une page chacun")
    if tiled:
        parts.append("en mosaïque (lignes × colonnes) : " + ", ".join(tiled))
    return "; ".join(parts)


def write_kit(
    workshop: Workshop,
    out_dir: Path,
    dpi: int = 150,
    status: Callable[[str], None] | None = None,
    paper: str | None = None,
    pdf_dpi: int | None = None,
) -> str:
    """Write DIR/boards/<id>.png, DIR/kit.pdf and DIR/kit.json; return a short summary.

    `paper` is "auto" (fewer pages), "A4" or "A3"; `pdf_dpi` defaults to CONFIG.kit.pdf_dpi.
    `status`, when given, is told what is being drawn (the CLI shows it on a status line).
    """
    if not 30 <= dpi <= 1200:
        raise UsageError(f"--dpi {dpi} est hors limites (30 à 1200)")
    paper = paper or CONFIG.print.paper
    pdf_dpi = int(pdf_dpi or CONFIG.kit.pdf_dpi)
    out_dir = Path(out_dir)
    kit = layout_workshop(workshop)
    chosen, prints = plan_kit(kit, paper)
    ppm = dpi / 25.4

    say = status or (lambda _what: None)
    try:
        png_bytes = 0
        for board in kit.boards:
            say(f"PNG du panneau {board.id}")
            data = _png_bytes(render_board_grey(board, ppm, kit.aruco_dictionary), dpi)
            atomic_write_bytes(out_dir / "boards" / f"{board.id}.png", data)
            png_bytes += len(data)

        def progress(board_id: str) -> None:
            say(f"pages PDF de {board_id}")

        pdf = render_pdf(kit, prints, pdf_dpi, CONFIG.print, progress)
        atomic_write_bytes(out_dir / "kit.pdf", pdf)
        doc = kit_to_dict(kit, dpi, prints, chosen, pdf_dpi)
        atomic_write_bytes(
            out_dir / "kit.json",
            (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        )
    except OSError as exc:
        raise UsageError(
            f"impossible d'écrire le kit dans {out_dir} : {exc.strerror or exc}",
            code="output_unwritable",
        ) from None

    pages = sum(p.pages for p in prints)
    return (
        f"Kit de {kit.workshop} : {len(kit.boards)} panneaux -> {out_dir}/boards/*.png "
        f"({dpi} dpi, {png_bytes / 1e6:.1f} Mo), {out_dir}/kit.json, "
        f"{out_dir}/kit.pdf ({pages} pages {chosen} à {pdf_dpi} dpi, {len(pdf) / 1e6:.1f} Mo ; "
        f"{_tiling_summary(prints)}). Imprimez à 100 % / taille réelle, jamais « ajuster à "
        "la page »."
    )
