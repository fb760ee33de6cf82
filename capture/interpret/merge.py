"""Merge the photos of one session: each board counted once, from its best view.

A wall is often shot twice (two angles, a retake). The view with the best registration
wins: most markers, then lowest reprojection error, largest visible fraction, fewest
flags. Views that disagree (vote counts, note count) are flagged so a person checks them;
a workshop board never seen is flagged too. A note's text is taken from the views the OCR
read it with most confidence (best_readings): the best-registered view is often a wide shot
where the handwriting is a few pixels high, while a closer photo of the same board reads it
well.
Notes the chosen view lacks (outside its frame, or found by several other photos) are
added from the other views. Each note of the session keeps the finest resolution any photo
saw it at; a board with notes that no photo shows legibly is flagged for a closer retake.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from capture.core.config import CONFIG, Config
from capture.core.model import (
    BoardLayout,
    BoardResult,
    Finding,
    Flag,
    KitLayout,
    Note,
    OcrLine,
    PhotoResult,
)
from capture.core.text import medoid
from capture.interpret.flags import render
from capture.vision.legibility import source_px_per_mm


@dataclass
class BoardView:
    file: str
    result: BoardResult


@dataclass(frozen=True)
class NoteReading:
    """The text of a note as another view of its board read it."""

    file: str
    note: str  # the note's id in that photo
    text: str
    raw_text: str
    ocr_confidence: float
    lines: tuple[OcrLine, ...] = ()  # the lines read there (boxes in that photo's crop)


@dataclass
class Session:
    workshop: str
    photos: list[PhotoResult]
    boards: dict[str, BoardView]  # chosen view per board id, in workshop order
    views: dict[str, list[str]]  # board id -> files where it was seen (best first)
    flags: list[Flag] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # (board, note id in the chosen view) -> a better reading of it from another view
    readings: dict[tuple[str, str], NoteReading] = field(default_factory=dict)
    # board id -> notes the chosen view lacks, from other views (one BoardView per photo)
    extras: dict[str, list[BoardView]] = field(default_factory=dict)
    # (file, note id) of every note of the session -> the finest photo px per board mm at
    # which a photo found it (best_resolution)
    resolution: dict[tuple[str, str], float] = field(default_factory=dict)
    # (file, note id) of every note of the session -> the same note as the board's other
    # views found it, (file, note id) each: a person's correction made on any of those photos
    # is a correction of this session note (capture apply)
    sightings: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)


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
    values: dict[str, object] = {"count": len(views), "kept": views[0].file}
    if any(vs != votes[0] for vs in votes[1:]):
        values["votes"] = "; ".join(
            f"{v.file}: " + ", ".join(f"{k} {n}" for k, n in sorted(vs.items()))
            for v, vs in zip(views, votes, strict=True)
        )
    if any(n != notes[0] for n in notes[1:]):
        values["notes"] = "; ".join(f"{v.file}: {n}" for v, n in zip(views, notes, strict=True))
    if "votes" not in values and "notes" not in values:
        return None
    variant = (
        "votes_notes" if "votes" in values and "notes" in values
        else "votes" if "votes" in values else "notes"
    )
    return render(Finding("views_disagree", variant, values, board=board_id))


def best_readings(
    views: list[BoardView], note_size_mm: float, config: Config = CONFIG
) -> dict[str, NoteReading]:
    """For the notes of views[0] (the chosen view): the reading of another view, where the
    views' vote prefers it to the chosen view's own.

    Only the views that saw the note at config.merge.text_min_px_per_mm or more take part,
    when there are any: a wide shot's few-pixel handwriting can be read confidently wrong.
    Among those readings, the ones with an OCR confidence of at least
    config.merge.text_confidence_frac of the best are the candidates, and the one closest
    to the other candidates (least summed edit distance) wins: two photos reading the same
    words outvote one confident misreading. The same note is the one whose centre lies
    within half a note of it (both ways nearest: neighbouring notes are never confused).
    """
    out: dict[str, NoteReading] = {}
    mine = views[0].result.notes
    for note in mine:
        found = [(views[0].file, note, views[0].result.fit.homography)] + [
            (view.file, other, view.result.fit.homography)
            for view in views[1:]
            if (other := _same_note(note, view.result.notes, mine, note_size_mm / 2))
        ]
        read = [
            (f, n, n.ocr_confidence, source_px_per_mm(fit, *n.center_mm) or 0.0)
            for f, n, fit in found
            if n.text and n.ocr_confidence is not None
        ]
        if not read:
            continue
        legible = [r for r in read if r[3] >= config.merge.text_min_px_per_mm]
        read = legible or read
        top = max(r[2] for r in read)
        close = [r for r in read if r[2] >= config.merge.text_confidence_frac * top]
        file, pick, conf, _ = close[medoid([r[1].text for r in close], [r[2] for r in close])]
        if pick is not note:
            out[note.id] = NoteReading(
                file, pick.id, pick.text, pick.raw_text, round(conf, 3), pick.ocr_lines
            )
    return out


def _same_note(note: Note, theirs: list[Note], mine: list[Note], max_mm: float) -> Note | None:
    def dist(a: Note, b: Note) -> float:
        return math.dist(a.center_mm, b.center_mm)

    if not theirs:
        return None
    other = min(theirs, key=lambda o: dist(note, o))
    if dist(note, other) > max_mm or min(mine, key=lambda m: dist(m, other)) is not note:
        return None
    return other


def sightings(note: Note, own: BoardView, views: list[BoardView], note_size_mm: float
              ) -> list[tuple[str, str]]:
    """(file, note id) of the same note in each of the other views of its board: within half a
    note of it, both ways nearest (as best_readings pairs a note's readings)."""
    mine = own.result.notes
    for view in views:  # an extra note's own view holds only the extras: use the whole view
        if view.file == own.file:
            mine = view.result.notes
    return [
        (view.file, other.id)
        for view in views
        if view.file != own.file
        and (other := _same_note(note, view.result.notes, mine, note_size_mm / 2)) is not None
    ]


def extra_notes(
    views: list[BoardView],
    sizes: dict[str, tuple[int, int] | None],
    note_size_mm: float,
    config: Config = CONFIG,
) -> list[BoardView]:
    """Notes of the board that the chosen view (views[0]) lacks, found in the other views.

    The best-registered view may show only part of the board, or miss a note another photo
    shows: a note found elsewhere (no note of the chosen view within half a note of it) is
    added when the chosen view did not see that place (outside its frame) or when at least
    config.merge.note_min_views other photos found it there. Each is taken from the best
    ranked of those views, and returned as one BoardView per photo holding only such notes.
    """
    half = note_size_mm / 2
    have = [n.center_mm for n in views[0].result.notes]
    groups: list[list[tuple[BoardView, Note]]] = []  # one place on the board, several views
    for view in views[1:]:
        for note in view.result.notes:
            if any(math.dist(note.center_mm, c) < half for c in have):
                continue
            for g in groups:
                if math.dist(g[0][1].center_mm, note.center_mm) < half and all(
                    v is not view for v, _ in g
                ):
                    g.append((view, note))
                    break
            else:
                groups.append([(view, note)])
    chosen = views[0]
    margin = config.notes.centre_margin_frac * note_size_mm
    out: dict[str, BoardView] = {}
    for g in groups:
        view, note = g[0]
        unseen = not _sees(chosen.result.fit.homography, sizes.get(chosen.file), note, margin)
        if unseen or len(g) >= config.merge.note_min_views:
            extra = out.setdefault(view.file, BoardView(view.file, BoardResult(view.result.fit)))
            extra.result.notes.append(note)
    return list(out.values())


def best_resolution(note: Note, views: list[BoardView], note_size_mm: float) -> float | None:
    """The finest resolution (photo px per board mm) at which one of the views found this
    note (a note of that view within half a note of its centre), or None."""
    found = []
    for view in views:
        if not view.result.notes:
            continue
        other = min(view.result.notes, key=lambda n: math.dist(n.center_mm, note.center_mm))
        if math.dist(other.center_mm, note.center_mm) < note_size_mm / 2:
            found.append(source_px_per_mm(view.result.fit.homography, *other.center_mm))
    return max((s for s in found if s is not None), default=None)


def too_small_flag(
    board: BoardLayout | None, board_id: str, scales: list[float | None], config: Config = CONFIG
) -> Flag | None:
    """A retake warning when some of a board's notes (their best resolution over the
    session: scales) were photographed too small in every photo to read their writing."""
    limit = config.ocr.min_source_px_per_mm
    small = [s for s in scales if s is not None and s < limit]
    if not small:
        return None
    title = board.title if board is not None else board_id
    worst = math.floor(min(small) * 10 + 1e-9) / 10  # 1.98 is not "2.0 px/mm" when 2 are needed
    values = {"title": title, "count": len(small), "best": worst, "limit": limit}
    variant = "many" if len(small) > 1 else "one"
    return render(Finding("text_too_small", variant, values, board=board_id))


def hidden_text_flag(
    board_id: str, note: Note, file: str, sighted: list[tuple[str, Note]], config: Config = CONFIG
) -> Flag | None:
    """A note stuck under another one in every photo that found it (`sighted`: (file, note)
    of each, this one included) has writing no photo may show: the part under the upper
    note cannot be read from any of them, so a person reads it on the wall. None when one
    photo shows it free (the upper note moved between shots) or less covered than
    config.notes.covered_flag."""
    shares = [n.covered for _, n in sighted]
    if not shares or any(c is None or c < config.notes.covered_flag for c in shares):
        return None
    files = sorted({f for f, _ in sighted})
    least = min(c for c in shares if c is not None)
    values = {"file": file, "count": len(files), "files": files, "least": least}
    variant = "one_photo" if len(files) == 1 else "photos"
    return render(Finding("text_hidden", variant, values, board_id, note.zone, note.id))


def unconfirmed_flag(board: BoardLayout | None, board_id: str, files: list[str]) -> Flag:
    """No photo showed the board's QR code readably (decoded or matched module by module): its
    markers alone say it is this workshop's board, and another workshop printed with the same
    marker ids would look the same."""
    title = board.title if board is not None else board_id
    values = {"title": title, "files": list(files)}
    return render(Finding("board_unconfirmed", "session", values, board=board_id))


def _sees(h: object, size: tuple[int, int] | None, note: Note, margin_mm: float) -> bool:
    """True when the photo (board mm -> px homography h, size w x h px) shows the note's
    centre with margin_mm around it; a photo of unknown size is taken to see everything."""
    if size is None:
        return True
    w, hh = size
    x, y = note.center_mm
    for dx, dy in ((0, 0), (-margin_mm, 0), (margin_mm, 0), (0, -margin_mm), (0, margin_mm)):
        p = np.asarray(h, np.float64) @ np.array([x + dx, y + dy, 1.0])
        if p[2] <= 0 or not (0 <= p[0] / p[2] < w and 0 <= p[1] / p[2] < hh):
            return False
    return True


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
    readings: dict[tuple[str, str], NoteReading] = {}
    extras: dict[str, list[BoardView]] = {}
    resolution: dict[tuple[str, str], float] = {}
    seen_as: dict[tuple[str, str], list[tuple[str, str]]] = {}
    sizes = {p.file: p.size_px for p in photos}
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
        for note_id, r in best_readings(ranked, kit.note_size_mm, config).items():
            readings[(board_id, note_id)] = r
        if len(ranked) > 1 and (more := extra_notes(ranked, sizes, kit.note_size_mm, config)):
            extras[board_id] = more
        scales = []
        by_id = {(v.file, n.id): n for v in ranked for n in v.result.notes}
        for view in [ranked[0], *extras.get(board_id, [])]:
            for note in view.result.notes:
                scale = best_resolution(note, ranked, kit.note_size_mm)
                if scale is not None:
                    resolution[(view.file, note.id)] = scale
                if others := sightings(note, view, ranked, kit.note_size_mm):
                    seen_as[(view.file, note.id)] = others
                scales.append(scale)
                sighted = [(view.file, note)] + [(f, by_id[(f, i)]) for f, i in others]
                if (flag := hidden_text_flag(board_id, note, view.file, sighted, config)):
                    flags.append(flag)
        layout = next((b for b in kit.boards if b.id == board_id), None)
        if (flag := too_small_flag(layout, board_id, scales, config)) is not None:
            flags.append(flag)
        if len(ranked) > 1 and (flag := _disagreement(board_id, ranked)) is not None:
            flags.append(flag)
        if not any(v.result.fit.confirmed(config.register.qr_confirm_min) for v in ranked):
            flags.append(unconfirmed_flag(layout, board_id, views[board_id]))
    for b in kit.boards:
        if b.id in boards:
            continue
        variant = "card" if b.kind == "calibration" else ""  # the card is optional on the day
        flags.append(render(Finding("board_missing", variant, {"title": b.title}, board=b.id)))
    return Session(
        kit.workshop, photos, boards, views, flags, list(skipped), readings, extras, resolution,
        seen_as,
    )
