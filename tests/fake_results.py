"""Hand-built PhotoResults on the sample workshop, for export / merge tests (no image analysis)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from capture.core.model import (
    BoardFit,
    BoardResult,
    Dot,
    Flag,
    KitLayout,
    Note,
    PhotoResult,
    VoteCount,
)
from capture.core.workshop import load_workshop
from capture.kit.layout import grid_cell, layout_workshop

WORKSHOP = Path(__file__).resolve().parents[1] / "samples/residence-achats-durables/workshop.yaml"


@lru_cache(maxsize=1)
def kit() -> KitLayout:
    return layout_workshop(load_workshop(WORKSHOP))


def fit(board: str, markers: int = 4, err: float = 0.4, visible: float = 1.0) -> BoardFit:
    return BoardFit(board, np.eye(3), tuple(range(markers)), err, True, visible)


def verbatim(
    board: str = "verbatim-01", agree: dict | None = None, disagree: dict | None = None, **fit_kw
) -> BoardResult:
    agree = agree if agree is not None else {"red": 3, "green": 1}
    disagree = disagree if disagree is not None else {"blue": 2, "unknown": 1}
    votes = [
        VoteCount(board, "agree", "agree", sum(agree.values()), dict(agree)),
        VoteCount(board, "disagree", "disagree", sum(disagree.values()), dict(disagree)),
    ]
    dots = [
        Dot(board, "agree", (100.0 + i * 15, 200.0), 6.0, c, 0.9)
        for i, c in enumerate(c for c, n in agree.items() for _ in range(n))
    ]
    return BoardResult(fit(board, **fit_kw), dots=dots, votes=votes)


def note(
    board: str,
    nid: str,
    zone: str | None,
    cx: float,
    cy: float,
    text: str = "Équité",
    color: str = "yellow",
    grid: tuple[float, float] | None = None,
    crop: bool = False,
) -> Note:
    h = 38.0
    corners = ((cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h))
    x, y = grid if grid else (None, None)
    img = np.full((60, 60, 3), (255, 238, 110), np.uint8) if crop else None
    return Note(
        nid,
        board,
        zone,
        corners,
        (cx, cy),
        color,
        0.95,
        x=x,
        y=y,
        cell=grid_cell(*grid) if grid else None,
        text=text,
        raw_text=text + "\n",
        ocr_confidence=0.8,
        crop=img,
    )


def mire(notes: int = 2, **fit_kw) -> BoardResult:
    k = kit().board("mire")
    zx, zy, zw, zh = k.zone("grille").rect_mm
    out = []
    for i in range(notes):
        gx, gy = 0.2 + 0.3 * i, 0.8 - 0.3 * i
        out.append(
            note(
                "mire",
                f"mire-n{i:02d}",
                "grille",
                zx + gx * zw,
                zy + (1 - gy) * zh,
                text=f"Action {i}",
                color="pink",
                grid=(gx, gy),
                crop=True,
            )
        )
    return BoardResult(
        fit("mire", **fit_kw),
        notes=out,
        flags=[Flag("low_ocr_confidence", "info", "relire", board="mire", item="mire-n00")],
    )


def story(board: str = "story-environnement", **fit_kw) -> BoardResult:
    zx, zy, _zw, _zh = kit().board(board).zone("valeurs").rect_mm
    return BoardResult(
        fit(board, **fit_kw),
        notes=[
            note(board, f"{board}-n00", "valeurs", zx + 60, zy + 60, "Sobriété", "green"),
            note(board, f"{board}-n01", None, 8.0, 8.0, "Hors zone", "blue"),  # outside every zone
        ],
    )


def photo(file: str, *boards: BoardResult) -> PhotoResult:
    return PhotoResult(
        file=file, sha256="0" * 64, size_px=(4000, 3000), boards=list(boards), sharpness=120.0
    )


def failed(file: str) -> PhotoResult:
    return PhotoResult(
        file=file, status="error", error="La photo est illisible.", error_code="unreadable_image"
    )
