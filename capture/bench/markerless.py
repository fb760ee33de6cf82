"""`capture bench accuracy --markerless`: generated walls with no board, scored against truth.

Notes are matched to truth notes by centre (within 0.35 x the note side); a found note
matching no truth note is a false note, unless it matches a partly seen one (neither required
nor wrong). Colour and dots per note are scored on matched notes; free dots are matched to
truth free dots within 1.5 x the sticker radius; text CER (edits / characters, as on boards)
on matched notes with text. Outlines on matched notes: each found corner's distance to the true
one (the four paired in the rotation that fits best) in true note sides, and the area
shared with the true outline (intersection over union). Wall plane: on photos where one was
estimated, the distances between matched notes' wall positions against the truth's (the
true outlines' own plane: they are exact squares on the wall), relative.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from capture.app.json_out import markerless_to_dict
from capture.bench.accuracy import IN_VIEW
from capture.bench.metrics import char_edits, visible_edits
from capture.bench.wall_runs import reading_config
from capture.core.config import CONFIG, Config
from capture.io.decode import load_photo
from capture.synth.markerless_scene import generate_markerless_set
from capture.vision.markerless_read import read_wall
from capture.vision.note_shapes import order_corners
from capture.vision.ocr import read_notes
from capture.vision.wall_notes import wall_plane


def outline_error(found: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    """A found outline (4 x 2 px) against the true one: the mean corner distance in true note
    sides, over the pairing of corners (cyclic, either direction) that fits best; and the
    intersection over union of the two quadrilaterals (convex hulls)."""
    true = np.asarray(true, np.float64).reshape(4, 2)
    found = np.asarray(found, np.float64).reshape(4, 2)
    side = float(np.mean(np.linalg.norm(np.roll(true, -1, 0) - true, axis=1)))
    pairings = [np.roll(found, k, 0) for k in range(4)]
    pairings += [np.roll(found[::-1], k, 0) for k in range(4)]
    err = min(float(np.linalg.norm(p - true, axis=1).mean()) for p in pairings) / max(side, 1e-9)
    a = cv2.convexHull(found.astype(np.float32))
    b = cv2.convexHull(true.astype(np.float32))
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return err, float(inter / union) if union > 0 else 0.0


OUTLINE_IOU = 0.9  # an outline "follows the paper" when it shares this much with the truth


def wall_distance_errors(pairs: list[tuple[list[float], list[float]]], truth: dict) -> list[float]:
    """Relative errors of the distances between notes on the wall plane: pairs of (found
    wall position in mm, true centre in photo px) of matched notes; the truth's plane is
    the one the true outlines give (wall_notes.wall_plane on exact squares)."""
    # the usual squares only (wall_plane reads squares of note_mm; other packs carry size_mm)
    quads = [
        order_corners(np.array(n["corners_px"], float))
        for n in truth["notes"]
        if "size_mm" not in n
    ]
    h = wall_plane(quads, CONFIG.markerless.note_mm, replace(CONFIG.markerless, wall_max_error=1.0))
    if h is None or len(pairs) < 2:
        return []
    found = np.array([f for f, _ in pairs], float)
    true = cv2.perspectiveTransform(np.array([[t for _, t in pairs]], float), h)[0]
    i, j = np.triu_indices(len(pairs), 1)
    d_true = np.linalg.norm(true[i] - true[j], axis=1)
    d_found = np.linalg.norm(found[i] - found[j], axis=1)
    return [float(v) for v in np.abs(d_found - d_true) / np.maximum(d_true, 1e-9)]


def score_photo(truth: dict, found: dict) -> dict:
    """Counts for one photo: found = markerless_to_dict(...) of that photo."""
    tn = truth["notes"]
    fn = found["notes"]
    w, h = truth["size_px"]
    # each note matched within 0.35 x its own side: the photo's px per mm (median over the
    # notes) times the note's own pack (its mean side, truth size_mm; none: the usual 76 mm)
    mm = [float(np.mean(n.get("size_mm", (76.0, 76.0)))) for n in tn]
    ppmm = float(np.median([n["side_px"] / m for n, m in zip(tn, mm, strict=True)])) if tn else 1.0
    sides = np.array([ppmm * m for m in mm]) if tn else np.ones(0)
    tc = np.array([n["center_px"] for n in tn], float).reshape(-1, 2)
    used: set[int] = set()
    s = dict(
        req=sum(n["required"] for n in tn),
        hit=0,
        false=0,
        colour_ok=0,
        dots_ok=0,
        matched=0,
        cer_sum=0,
        cer_n=0,
        whole_sum=0,
        whole_n=0,
        visible_sum=0,
        visible_n=0,
        hidden_n=0,
        free_truth=len(truth["free_dots"]),
        free_hit=0,
        free_found=0,
        outline_errs=[],  # per matched note: mean corner error in true sides
        outline_iou_ok=0,  # matched notes whose outline shares >= OUTLINE_IOU with the truth
        wall_photos=0,  # 1 when a wall plane was estimated
        wall_errs=[],  # relative errors of distances between matched notes on the wall plane
    )
    wall_pairs = []
    for n in fn:
        c = np.array([n["center"][0] * w, n["center"][1] * h])
        d = np.linalg.norm(tc - c, axis=1) if len(tc) else np.array([])
        order = [int(i) for i in np.argsort(d) if d[i] < 0.35 * sides[i] and int(i) not in used]
        if not order:
            s["false"] += 1
            continue
        i = order[0]
        used.add(i)
        t = tn[i]
        if not t["required"]:
            continue
        s["hit"] += 1
        s["matched"] += 1
        s["colour_ok"] += n["color"] == t["color"]
        s["dots_ok"] += dict(n["dots"]) == dict(t["dots"])
        if len(n.get("corners") or []) == 4:
            err, iou = outline_error(np.array(n["corners"]) * (w, h), t["corners_px"])
        else:
            err, iou = float("inf"), 0.0
        s["outline_errs"].append(err)
        s["outline_iou_ok"] += iou >= OUTLINE_IOU
        if n.get("wall") is not None:
            wall_pairs.append((n["wall"], t["center_px"]))
        if t["text"]:
            edits, chars = char_edits(n["text"], t["text"])
            s["cer_sum"] += edits
            s["cer_n"] += chars
            if "hidden_chars" in t:  # truth written before it was kept has none
                seen, count = visible_edits(n["text"], t["text"], t["hidden_chars"])
                s["visible_sum"] += seen
                s["visible_n"] += count
                s["hidden_n"] += chars - count
            if t.get("writing_visible", 1.0) >= IN_VIEW:  # no sticker or note hides a letter
                s["whole_sum"] += edits
                s["whole_n"] += chars
    s["wall_photos"] = int(bool(found.get("wall_plane")))
    s["wall_errs"] = wall_distance_errors(wall_pairs, truth)
    r = max(truth.get("dot_radius_px", 0.0), 2.0)
    free_found = [d for d in found["dots"] if d["on_note"] is None]
    s["free_found"] = len(free_found)
    tf = np.array([d["center_px"] for d in truth["free_dots"]], float).reshape(-1, 2)
    # each sticker's own radius where it lies (truth written before it was kept: the usual one)
    rs = [max(d.get("radius_px", r), 2.0) for d in truth["free_dots"]]
    taken: set[int] = set()
    for d in free_found:
        c = np.array([d["center"][0] * w, d["center"][1] * h])
        dist = np.linalg.norm(tf - c, axis=1) if len(tf) else np.array([])
        cand = [int(i) for i in np.argsort(dist) if dist[i] < 1.5 * rs[i] and int(i) not in taken]
        if cand:
            taken.add(cand[0])
            s["free_hit"] += 1
    return s


def summarise(scores: list[dict]) -> dict:
    t = {k: sum(s[k] for s in scores) for k in scores[0] if not k.endswith("_errs")}
    if not scores:
        return {}
    errs = [e for s in scores for e in s["outline_errs"]]
    w_errs = [e for s in scores for e in s.get("wall_errs", [])]

    def pct(a: float, b: float) -> float | None:
        return round(100.0 * a / b, 1) if b else None

    return {
        "photos": len(scores),
        "notes_required": t["req"],
        "note_recall": pct(t["hit"], t["req"]),
        "note_precision": pct(t["hit"], t["hit"] + t["false"]),
        "note_colour": pct(t["colour_ok"], t["matched"]),
        "dots_per_note_exact": pct(t["dots_ok"], t["matched"]),
        "free_dots_recall": pct(t["free_hit"], t["free_truth"]),
        "free_dots_precision": pct(t["free_hit"], t["free_found"]),
        "text_cer": pct(t["cer_sum"], t["cer_n"]),
        "text_edits_chars": f"{t['cer_sum']}/{t['cer_n']}",
        # the notes whose writing no sticker, note or frame edge hides (boards' "writing whole")
        "text_cer_whole": pct(t["whole_sum"], t["whole_n"]),
        "text_whole_edits_chars": f"{t['whole_sum']}/{t['whole_n']}",
        # outlines of matched notes: median and 90th percentile corner error (% of a side),
        # share whose outline covers the true one with IoU >= OUTLINE_IOU
        "outline_corner_err": round(100 * float(np.median(errs)), 1) if errs else None,
        "outline_corner_err_p90": round(100 * float(np.percentile(errs, 90)), 1) if errs else None,
        "outline_iou_ok": pct(t["outline_iou_ok"], t["matched"]),
        # photos with a wall plane, and the median relative error of distances on it (%)
        "wall_plane_photos": f"{t.get('wall_photos', 0)}/{len(scores)}",
        "wall_dist_err": round(100 * float(np.median(w_errs)), 1) if w_errs else None,
        # every note, the edits on the letters no sticker, note or frame edge mostly hides
        # (truth hidden_chars; metrics.visible_edits): what a reader could have read
        "text_cer_visible": pct(t["visible_sum"], t["visible_n"]),
        "text_visible_edits_chars": f"{t['visible_sum']}/{t['visible_n']}",
        "text_hidden_chars": t["hidden_n"],
    }


def bench_markerless(
    count: int,
    seed: int,
    level: str,
    megapixels: float,
    keep: Path | None,
    ocr: bool = True,
    config: Config = CONFIG,
    progress: Callable[[str], None] | None = None,
    clutter: bool | None = None,
) -> dict:
    """Generate `count` walls, read them, score them. Returns the summary (and per photo)."""
    config = reading_config(config)  # Tesseract: the models `capture run` reads with
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) if keep is not None else Path(tmp)
        truths = generate_markerless_set(
            folder, count, seed, level, megapixels, clutter=clutter
        )
        scores = []
        for t in truths:
            rgb, _ = load_photo(folder / t["file"], config.limits)
            reader = (lambda crops: read_notes(crops, config.ocr)) if ocr else None
            res = read_wall(rgb, config, reader)
            doc = markerless_to_dict(res, t["file"], {})
            if keep is not None:
                (folder / f"{Path(t['file']).stem}.found.json").write_text(
                    json.dumps(doc, ensure_ascii=False, indent=1), "utf-8"
                )
            s = score_photo(t, doc)
            scores.append(s)
            if progress is not None:
                shown = {k: v for k, v in s.items() if not k.endswith("_errs")}
                errs = s["outline_errs"]
                shown["outline_err_median"] = round(float(np.median(errs)), 3) if errs else None
                progress(f"{t['file']}: {shown}")
    return {"level": level, "seed": seed, "count": count, **summarise(scores)}
