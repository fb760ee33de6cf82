"""`capture samples`: plan the set, render each photo, write photos, truth and manifest.

Everything is drawn from numpy Generators seeded by (seed, stream, index): the same seed
gives byte-identical photos and truth; photo i does not depend on how many are asked for.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from capture import __version__
from capture.core.config import CONFIG, SynthConfig, SynthLevel
from capture.core.errors import UsageError
from capture.core.model import KitLayout
from capture.core.workshop import Workshop
from capture.kit.layout import layout_workshop
from capture.synth.camera import (
    distort_image,
    distort_points,
    distortion_pad,
    frame_view,
    pick_orientation,
    to_stored,
)
from capture.synth.decorate import BoardDeco, decorate_board, sticker_sheets
from capture.synth.light import apply_light, encode_jpeg, sample_light
from capture.synth.occluder import draw_arm, sample_arm
from capture.synth.scene import render_scene
from capture.synth.truth import photo_truth, session_truth
from capture.synth.wall import WallPlan, plan_walls

GENERATOR_VERSION = "capture-synth/2"  # 2: the scene beyond the frame, not its mirror
LEVELS = ("easy", "medium", "hard")
RESHOOT_P = 0.3  # share of photos that shoot the previous photo's boards again from elsewhere
_STREAM = {
    "walls": 0,
    "sheets": 1,
    "board": 2,
    "shot": 3,
    "camera": 4,
    "light": 5,
    "render": 6,
    "exif": 7,
    "noise": 8,
    "lens": 9,
    "arm": 10,
}


def rng_for(seed: int, stream: str, index: int = 0) -> np.random.Generator:
    """Independent generator per (seed, purpose, index)."""
    return np.random.default_rng(np.random.SeedSequence([seed % 2**64, _STREAM[stream], index]))


@dataclass(frozen=True)
class Shot:
    wall: int
    boards: tuple[str, ...]
    landscape: bool
    reshoot_of: int | None


def _choose_boards(plan: WallPlan, rng: np.random.Generator) -> tuple[str, ...]:
    """A block of neighbouring boards framed like a person would: 2-6 small boards (or 1-2
    large ones) in a block whose shape is not much wider than a photo."""
    rows = sorted({p.row for p in plan.placements})
    large = any(max(p.size_mm) > 600 for p in plan.placements)
    n_rows = 2 if len(rows) > 1 and rng.random() < 0.7 else 1
    r0 = int(rng.integers(0, len(rows) - n_rows + 1))
    picked_rows = rows[r0 : r0 + n_rows]
    ncols = max(sum(1 for p in plan.placements if p.row == r) for r in picked_rows)
    lo, hi = (
        (1, min(2, ncols))
        if large
        else (min(ncols, math.ceil(2 / n_rows)), min(ncols, 6 // n_rows))
    )
    options = []
    for k in range(lo, hi + 1):
        for c0 in range(0, ncols - k + 1):
            block = tuple(
                p.board for p in plan.placements if p.row in picked_rows and c0 <= p.col < c0 + k
            )
            if not block:
                continue
            x0, y0, x1, y1 = plan.bbox(list(block))
            if (x1 - x0) <= 2.6 * (y1 - y0) or k == lo:
                options.append(block)
    return options[int(rng.integers(len(options)))] if options else (plan.placements[0].board,)


def plan_shots(walls: list[WallPlan], seed: int, count: int) -> list[Shot]:
    shots: list[Shot] = []
    fresh = 0
    for i in range(count):
        rng = rng_for(seed, "shot", i)
        if i > 0 and shots[-1].reshoot_of is None and rng.random() < RESHOOT_P:
            prev = shots[-1]
            x0, y0, x1, y1 = walls[prev.wall].bbox(list(prev.boards))
            wide = (x1 - x0) >= 0.9 * (y1 - y0)
            p_landscape = 0.75 if wide else 0.3
            shots.append(Shot(prev.wall, prev.boards, bool(rng.random() < p_landscape), i - 1))
            continue
        w = (seed + fresh) % len(walls)  # walls in turn, so that a small set shows them all
        fresh += 1
        boards = _choose_boards(walls[w], rng)
        x0, y0, x1, y1 = walls[w].bbox(list(boards))
        landscape = bool(rng.random() < (0.85 if (x1 - x0) >= 0.9 * (y1 - y0) else 0.25))
        shots.append(Shot(w, boards, landscape, None))
    return shots


def decorate_all(kit: KitLayout, seed: int, synth_level: SynthLevel) -> dict[str, BoardDeco]:
    """Everything stuck on every board, once per set (one state of the walls)."""
    sheets = sticker_sheets(kit, rng_for(seed, "sheets"))
    return {
        b.id: decorate_board(b, kit, synth_level, sheets, rng_for(seed, "board", i))
        for i, b in enumerate(kit.boards)
    }


def render_photo(
    index: int,
    shot: Shot,
    walls: list[WallPlan],
    kit: KitLayout,
    decos: dict[str, BoardDeco],
    seed: int,
    level: str,
    megapixels: float,
    synth: SynthConfig = CONFIG.synth,
) -> tuple[bytes, dict]:
    """One photo: JPEG bytes and its truth (minus the cross-photo fields)."""
    lv = synth.level(level)
    wall = walls[shot.wall]
    camera = frame_view(
        wall.bbox(list(shot.boards)), shot.landscape, megapixels, lv, rng_for(seed, "camera", index)
    )
    light = sample_light(lv, camera.size, rng_for(seed, "light", index))
    arm = sample_arm(camera.size, lv.arm_p, rng_for(seed, "arm", index))
    hidden = arm.hides(camera.size) if arm is not None else None
    lens_rng = rng_for(seed, "lens", index)
    k1 = float(lens_rng.uniform(-1, 1) * lv.lens_k1)
    ca = float(lens_rng.uniform(0.2, 1.0) * lv.lens_k1 * 0.04)  # lateral CA: ~1-2 px at corners
    pad = distortion_pad(camera.size, k1, ca)
    scene, views, posters = render_scene(
        camera, wall, kit, decos, light.direction, rng_for(seed, "render", index), synth, hidden,
        k1, pad,
    )
    if arm is not None:  # in front of the wall; same (ideal) pixels as the truth's test
        draw_arm(scene, arm.shifted(pad))
    if k1 != 0 or ca != 0:
        scene = distort_image(scene, k1, ca, pad)
    pixels = apply_light(scene, light, rng_for(seed, "noise", index))
    tag = pick_orientation(shot.landscape, synth.upside_down_p, rng_for(seed, "exif", index))
    stored = to_stored(pixels, tag or 1)
    data = encode_jpeg(stored, light.jpeg_quality, tag)
    name = f"IMG_{index + 1:04d}.jpg"
    extra = {
        "level": level,
        "wall": wall.id,
        "framed_boards": list(shot.boards),
        "size_px": list(camera.size),
        "stored_size_px": [stored.shape[1], stored.shape[0]],
        "exif_orientation": tag,
        "other_notices": posters,
        "camera": camera.describe() | {"lens_k1": round(k1, 5), "lateral_ca": round(ca, 6)},
        "light": light.describe(),
        "arm": None if arm is None else arm.describe(),
        "reshoot_of": None if shot.reshoot_of is None else f"IMG_{shot.reshoot_of + 1:04d}.jpg",
        "coordinates": "board mm (origin top-left, x right, y down); photo px upright "
        "(EXIF applied), pixel centres at integers",
    }
    truth = photo_truth(name, kit, decos, views, camera.size, extra, hidden, k1)
    _distort_truth(truth, camera.size, k1)
    return data, truth


def _distort_truth(truth: dict, size: tuple[int, int], k1: float) -> None:
    """Photo-pixel truth follows the residual lens distortion (board mm truth is unchanged;
    the stored homographies are the pinhole part only: approximate by up to k1 * diag / 2)."""
    if k1 == 0:
        return
    for key in ("actions", "notes", "dots", "calibration_items"):
        for item in truth[key]:
            if "center_px" in item:
                p = distort_points(np.array([item["center_px"]], float), size, k1)[0]
                item["center_px"] = [round(float(p[0]), 2), round(float(p[1]), 2)]


def _same_boards(truths: list[dict]) -> None:
    """Record which other photos show (register) at least one of the same boards."""
    for t in truths:
        mine = set(t["boards"])
        t["same_wall_as"] = [o["file"] for o in truths if o is not t and mine & set(o["boards"])]


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def generate_set(
    workshop: Workshop,
    out_dir: Path,
    count: int,
    seed: int,
    level: str,
    megapixels: float = 12.0,
    console: Console | None = None,
) -> dict:
    """Write DIR/photos/IMG_NNNN.jpg, DIR/truth/IMG_NNNN.json, DIR/truth.json, DIR/manifest.json."""
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    if count < 1:
        raise UsageError("--count must be at least 1")
    out_dir = Path(out_dir)
    photos_dir, truth_dir = out_dir / "photos", out_dir / "truth"
    photos_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    for old in [*photos_dir.glob("IMG_*.jpg"), *truth_dir.glob("IMG_*.json")]:
        if re.fullmatch(r"IMG_\d{4}\.(jpg|json)", old.name):
            old.unlink()  # a previous, larger set must not leave stale photos behind
    kit = layout_workshop(workshop)
    walls = plan_walls(workshop, kit, rng_for(seed, "walls"))
    decos = decorate_all(kit, seed, CONFIG.synth.level(level))
    shots = plan_shots(walls, seed, count)
    truths = []
    progress = Progress(
        TextColumn("samples"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=console is None,
    )
    with progress:
        task = progress.add_task("photos", total=count)
        for i, shot in enumerate(shots):
            data, truth = render_photo(i, shot, walls, kit, decos, seed, level, megapixels)
            (photos_dir / truth["file"]).write_bytes(data)
            truths.append(truth)
            progress.advance(task)
    _same_boards(truths)
    for t in truths:
        _dump(truth_dir / t["file"].replace(".jpg", ".json"), t)
    session = session_truth(kit.workshop, truths)
    _dump(out_dir / "truth.json", session)
    manifest = {
        "workshop": kit.workshop,
        "seed": seed,
        "level": level,
        "count": count,
        "megapixels": megapixels,
        "generator": GENERATOR_VERSION,
        "capture_version": __version__,
        "photos": [t["file"] for t in truths],
    }
    _dump(out_dir / "manifest.json", manifest)
    if console is not None:
        size = sum((photos_dir / t["file"]).stat().st_size for t in truths)
        console.print(f"{count} photos ({size / 1e6:.1f} Mo) et truth.json dans {out_dir}")
    return manifest
