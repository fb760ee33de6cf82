"""Merge the photos of one session: each board counted once, from its best view.

A wall is often shot twice (two angles, a retake). The view with the best registration
wins: most markers, then lowest reprojection error, largest visible fraction, fewest
flags. Views that disagree (vote counts, note count) are flagged so a person checks them;
a workshop board never seen is flagged too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from capture.config import CONFIG, Config
from capture.model import BoardResult, Flag, KitLayout, PhotoResult


@dataclass
class BoardView:
    file: str
    result: BoardResult


@dataclass
class Session:
    workshop: str
    photos: list[PhotoResult]
    boards: dict[str, BoardView]  # chosen view per board id, in workshop order
    views: dict[str, list[str]]  # board id -> files where it was seen (best first)
    flags: list[Flag] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _err(board: BoardResult) -> float:
    e = board.fit.reprojection_error_mm
    return e if math.isfinite(e) else 1e9


def view_rank(board: BoardResult, best_err: float = 0.0, config: Config = CONFIG) -> tuple:
    """Sort key, larger is better: markers, low error (errors within error_tie_mm of the
    best view count as equal), visible fraction, few flags, then the exact error."""
    f = board.fit
    tie = max(config.merge.error_tie_mm, 1e-9)
    err = _err(board)
    return (
        len(f.markers),
        -math.floor((err - best_err) / tie),
        round(f.visible_fraction, 2),
        -len(board.flags),
        -err,
    )


def _vote_summary(board: BoardResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in board.votes:
        out[v.vote] = out.get(v.vote, 0) + v.count
    return out


def _disagreement(board_id: str, views: list[BoardView]) -> Flag | None:
    votes = [_vote_summary(v.result) for v in views]
    notes = [len(v.result.notes) for v in views]
    reasons = []
    if any(vs != votes[0] for vs in votes[1:]):
        desc = "; ".join(
            f"{v.file}: " + ", ".join(f"{k} {n}" for k, n in sorted(vs.items()))
            for v, vs in zip(views, votes, strict=True)
        )
        reasons.append(f"votes différents ({desc})")
    if any(n != notes[0] for n in notes[1:]):
        desc = "; ".join(f"{v.file}: {n}" for v, n in zip(views, notes, strict=True))
        reasons.append(f"nombres de post-its différents ({desc})")
    if not reasons:
        return None
    return Flag(
        "views_disagree",
        "warning",
        f"Le panneau {board_id} a été photographié {len(views)} fois et les vues ne "
        f"concordent pas : {' ; '.join(reasons)}. Vue retenue : {views[0].file}.",
        board=board_id,
    )


def merge_session(
    photos: Iterable[PhotoResult],
    kit: KitLayout,
    config: Config = CONFIG,
    skipped: Iterable[str] = (),
) -> Session:
    """One Session from every photo's result (errors included, they carry no boards)."""
    photos = list(photos)
    seen: dict[str, list[BoardView]] = {}
    for photo in photos:
        if photo.status != "ok":
            continue
        for board in photo.boards:
            seen.setdefault(board.board, []).append(BoardView(photo.file, board))
    boards: dict[str, BoardView] = {}
    views: dict[str, list[str]] = {}
    flags: list[Flag] = []
    order = [b.id for b in kit.boards] + sorted(set(seen) - {b.id for b in kit.boards})
    for board_id in order:
        if board_id not in seen:
            continue
        best_err = min(_err(v.result) for v in seen[board_id])
        ranked = sorted(
            seen[board_id], key=lambda v: view_rank(v.result, best_err, config), reverse=True
        )
        boards[board_id] = ranked[0]
        views[board_id] = [v.file for v in ranked]
        if len(ranked) > 1 and (flag := _disagreement(board_id, ranked)) is not None:
            flags.append(flag)
    for b in kit.boards:
        if b.id in boards:
            continue
        # The calibration card is optional on the day; a missing workshop board is data lost.
        severity = "info" if b.kind == "calibration" else "warning"
        flags.append(
            Flag(
                "board_missing",
                severity,
                f"Le panneau « {b.title} » ({b.id}) n'apparaît sur aucune photo.",
                board=b.id,
            )
        )
    return Session(kit.workshop, photos, boards, views, flags, list(skipped))
