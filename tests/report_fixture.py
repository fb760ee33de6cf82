"""An output folder for the report tests, built without the detection core.

Boards are rendered from the kit, decorated with stickers and notes at known board-mm
positions, warped into two photos through known homographies and saved as JPEG; the
"analysis" returns exactly what was drawn. The batch runner's own per-photo export, the merge
and the session export then write the folder, so the report reads real run outputs.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from capture.app.batch import PhotoJob, process_photo
from capture.app.json_out import session_to_dict, write_session_json
from capture.app.report import write_report
from capture.core.config import CONFIG
from capture.core.model import (
    BoardFit,
    BoardResult,
    Dot,
    Flag,
    KitLayout,
    Note,
    OcrLine,
    PhotoResult,
    VoteCount,
)
from capture.core.workshop import load_workshop
from capture.interpret.merge import merge_session
from capture.io.csv_out import write_csvs
from capture.kit.layout import grid_cell, layout_workshop
from capture.kit.render import render_board

WORKSHOP = Path(__file__).resolve().parents[1] / "samples/residence-achats-durables/workshop.yaml"
PPM = 2.0  # board render density (px/mm)
STICKER_RGB = {"red": (214, 38, 49), "green": (36, 158, 82), "blue": (28, 92, 190),
               "yellow": (250, 212, 28)}
NOTE_RGB = {"yellow": (255, 238, 110), "pink": (255, 128, 178), "green": (168, 228, 128),
            "blue": (118, 198, 238), "orange": (255, 168, 72)}
XSS = "<script>alert(1)</script>"

# verbatim board -> (agree colours, disagree colours): 8/2 (consensual), 5/5 (split), 1/0
VOTES = {"verbatim-01": (["red"] * 5 + ["green"] * 3, ["blue", "blue"]),
         "verbatim-02": (["red", "green", "yellow", "yellow", "green"],
                         ["red", "red", "blue", "green", "yellow"]),
         "verbatim-03": (["green"], [])}
# mire actions: (x, y, colour, text); the second is the hostile one
ACTIONS = [(0.15, 0.85, "pink", "Former les acheteurs"), (0.5, 0.5, "yellow", XSS),
           (0.85, 0.2, "green", "Clause d'insertion")]
PROCESS_NOTES = [("besoin", "yellow", "Sourcing local"), ("analyse", "blue", "Coût global")]


def kit() -> KitLayout:
    return layout_workshop(load_workshop(WORKSHOP))


def _perspective(wall_w: float, wall_h: float, size: tuple[int, int], skew: float) -> np.ndarray:
    """Wall mm -> photo px: the wall fills most of the frame, seen a little from one side."""
    w, h = size
    src = np.float32([[0, 0], [wall_w, 0], [wall_w, wall_h], [0, wall_h]])
    dst = np.float32([[w * 0.05, h * (0.08 + skew)], [w * 0.95, h * 0.04],
                      [w * 0.93, h * 0.96], [w * 0.07, h * (0.9 - skew)]])
    return cv2.getPerspectiveTransform(src, dst).astype(np.float64)


def _zone(kit_: KitLayout, board: str, zone: str):
    return kit_.board(board).zone(zone)


def _note(board: str, nid: str, zone: str | None, c: tuple[float, float], colour: str, text: str,
          conf: float, grid: tuple[float, float] | None = None) -> Note:
    h = 38.0
    corners = ((c[0] - h, c[1] - h), (c[0] + h, c[1] - h), (c[0] + h, c[1] + h),
               (c[0] - h, c[1] + h))
    crop = np.full((152, 152, 3), NOTE_RGB[colour], np.uint8)
    cv2.putText(crop, "note", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (40, 40, 90), 2)
    x, y = grid if grid else (None, None)
    line = OcrLine(text, conf, ((18.0, 52.0), (134.0, 52.0), (134.0, 90.0), (18.0, 90.0)))
    return Note(nid, board, zone, corners, c, colour, 0.93, x=x, y=y,
                cell=grid_cell(x, y) if grid else None, text=text, raw_text=text,
                ocr_confidence=conf, crop=crop, ocr_lines=(line,) if text else ())


def _board_result(kit_: KitLayout, board: str, h: np.ndarray) -> BoardResult:
    layout = kit_.board(board)
    fit = BoardFit(board, h, tuple(m.id for m in layout.markers), 0.35, True, 1.0)
    res = BoardResult(fit)
    if board in VOTES:
        for side, colours in zip(("agree", "disagree"), VOTES[board], strict=True):
            zx, zy, zw, zh = _zone(kit_, board, side).rect_mm
            for i, colour in enumerate(colours):
                c = (zx + 20 + (i % 6) * 28, zy + 30 + (i // 6) * 28)
                res.dots.append(Dot(board, side, c, 6.0, colour, 0.9))
            counts: dict[str, int] = {}
            for colour in colours:
                counts[colour] = counts.get(colour, 0) + 1
            res.votes.append(VoteCount(board, side, side, len(colours), counts,
                                       ambiguous=board == "verbatim-02" and side == "disagree"))
        if board == "verbatim-02":
            res.flags.append(Flag("ambiguous_cluster", "warning",
                                  "Amas de gommettes ambigu : vérifier le nombre.", board=board,
                                  zone="disagree"))
    elif board == "mire":
        zx, zy, zw, zh = _zone(kit_, board, "grille").rect_mm
        for i, (x, y, colour, text) in enumerate(ACTIONS):
            res.notes.append(_note(board, f"mire-n{i:02d}", "grille",
                                   (zx + x * zw, zy + (1 - y) * zh), colour, text,
                                   0.35 if text == XSS else 0.82, grid=(x, y)))
        res.flags.append(Flag("low_ocr_confidence", "warning", "Texte difficile à lire.",
                              board=board, item="mire-n01"))
    elif board == "processus":
        for i, (zone, colour, text) in enumerate(PROCESS_NOTES):
            zx, zy, zw, zh = _zone(kit_, board, zone).rect_mm
            res.notes.append(_note(board, f"processus-n{i:02d}", zone,
                                   (zx + zw / 2, zy + 120 + 100 * i), colour, text, 0.9))
        # the second note partly under the first (as the notes stage reports it)
        res.notes[1].covered, res.notes[1].covered_by = 0.12, (res.notes[0].id,)
    return res


def _draw(kit_: KitLayout, res: BoardResult) -> np.ndarray:
    img = render_board(kit_.board(res.board), PPM, kit_.aruco_dictionary).copy()
    for n in res.notes:
        pts = (np.asarray(n.corners_mm) * PPM).astype(np.int32)
        cv2.fillConvexPoly(img, pts, NOTE_RGB[n.color], cv2.LINE_AA)
    for d in res.dots:
        cv2.circle(img, (round(d.center_mm[0] * PPM), round(d.center_mm[1] * PPM)),
                   round(d.radius_mm * PPM), STICKER_RGB[d.color], -1, cv2.LINE_AA)
    return img


def _photo(kit_: KitLayout, boards: list[str], size: tuple[int, int], skew: float,
           path: Path, keep_w: int | None = None) -> list[BoardResult]:
    """keep_w: the photo is cut to its left keep_w px (boards running off its right edge)."""
    gap = 40.0
    sizes = [kit_.board(b).size_mm for b in boards]
    wall_w = sum(s[0] for s in sizes) + gap * (len(boards) + 1)
    wall_h = max(s[1] for s in sizes) + 2 * gap
    cam = _perspective(wall_w, wall_h, size, skew)
    photo = np.full((size[1], size[0], 3), (190, 184, 170), np.uint8)
    results, x = [], gap
    for b, (bw, _bh) in zip(boards, sizes, strict=True):
        h = cam @ np.array([[1, 0, x], [0, 1, gap], [0, 0, 1]], np.float64)  # board mm -> px
        res = _board_result(kit_, b, h)
        img = _draw(kit_, res)
        m = h @ np.diag([1 / PPM, 1 / PPM, 1.0])
        warped = cv2.warpPerspective(img, m, size, flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(np.full(img.shape[:2], 255, np.uint8), m, size)
        photo[mask > 127] = warped[mask > 127]
        results.append(res)
        x += bw + gap
    if keep_w is not None:
        photo = np.ascontiguousarray(photo[:, :keep_w])
    Image.fromarray(photo).save(path, quality=88)
    return results


def build_outputs(root: Path) -> Path:
    """Two photos (verbatims + mire; process board) and an empty file -> root/out."""
    kit_ = kit()
    photos_dir, out = root / "photos", root / "out"
    photos_dir.mkdir(parents=True, exist_ok=True)
    shots = {"IMG_0001.jpg": (["verbatim-01", "verbatim-02", "verbatim-03", "mire"], 0.04),
             "IMG_0002.jpg": (["processus"], 0.0)}
    analysed: dict[str, list[BoardResult]] = {}
    for name, (boards, skew) in shots.items():
        # the process board's photo stops at 62 % of its width: phase 5 is seen at 19 %, 6 unseen
        analysed[name] = _photo(kit_, boards, (1800, 900) if len(boards) > 1 else (1400, 1000),
                                skew, photos_dir / name, None if len(boards) > 1 else 868)

    (photos_dir / "IMG_0003.jpg").write_bytes(b"")  # a failed copy from the phone: empty file
    return write_run([photos_dir / n for n in [*shots, "IMG_0003.jpg"]], analysed, out, kit_)


def write_run(photos: list[Path], analysed: dict[str, list[BoardResult]], out: Path,
              kit_: KitLayout) -> Path:
    """The batch runner's per-photo export, the merge and the session export of these photos,
    each "analysed" as `analysed[file name]` says (what was drawn)."""

    def fake_analyse(rgb, kit, config, ocr, file):  # what was drawn, sized like the photo
        return PhotoResult(file=file, size_px=(rgb.shape[1], rgb.shape[0]),
                           boards=analysed[file], sharpness=2.0)

    outcomes = [process_photo(PhotoJob(p, p.stem), kit_, CONFIG, out, analyse=fake_analyse)
                for p in photos]
    session = merge_session([o.result for o in outcomes], kit_, CONFIG)
    doc = session_to_dict(session, kit_, photo_docs={o.result.file: o.doc for o in outcomes},
                          crops={o.result.file: o.crops for o in outcomes})
    write_session_json(out, doc)
    write_csvs(out, doc)
    write_report(out, kit=kit_)
    return out


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of an output folder (but its lock, which holds the last writer's pid)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".capture.lock"}
