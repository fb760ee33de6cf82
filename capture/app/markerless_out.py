"""The session's "markerless" block, its CSV files, and the same wall shot twice counted once.

Built from the per-photo JSON documents (as written), so a resumed run gives the same block.
Two photos of one wall are recognised by their notes: same colour, agreeing text where both
were read, and one similarity transform (the camera moved) placing most of one photo's
notes on the other's. Then the photo showing the notes larger (the closer or sharper view,
whose writing and stickers read better; the run's order between equals) is kept whole and
the other adds only the notes, and the free stickers outside the kept photo's frame, that it
lacks; when the evidence is partial the photos are kept apart and flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from capture.core.config import CONFIG, Config, MarkerlessConfig
from capture.core.model import Finding
from capture.core.text import text_distance
from capture.interpret.flags import render
from capture.io.csv_out import _csv_bytes


def _load(paths: list[Path]) -> list[dict]:
    docs = []
    for p in paths:
        try:
            doc = json.loads(Path(p).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if doc.get("status") == "ok" and isinstance(doc.get("markerless"), dict):
            docs.append(doc)
    return docs


def _centres_px(doc: dict) -> np.ndarray:
    w, h = doc.get("size_px") or (1, 1)
    pts = [n["center"] for n in doc["markerless"]["notes"]]
    return np.array(pts, np.float64).reshape(-1, 2) * (w, h)


def _compatible(a: dict, b: dict, cfg: MarkerlessConfig) -> bool:
    """Two notes may be one: same colour, and texts that agree when both were read."""
    if a["color"] != b["color"]:
        return False
    ta, tb = a.get("text") or "", b.get("text") or ""
    if len(ta) >= 3 and len(tb) >= 3:
        return 1.0 - text_distance(ta, tb) >= cfg.dup_text_min
    return True


def match_photos(
    a: dict, b: dict, cfg: MarkerlessConfig, seed: int = 0
) -> tuple[dict[int, int], float]:
    """Notes of photo b matched to notes of photo a ({b index: a index}) by one similarity
    transform found by RANSAC over compatible pairs, and the share of the smaller photo's
    notes matched with colour and text agreeing. When that share is evidence, b's notes that
    land on another note of a under the transform are matched to it too."""
    got, share, _b_to_a = _match(a, b, cfg, seed)
    return got, share


def _match(
    a: dict, b: dict, cfg: MarkerlessConfig, seed: int = 0
) -> tuple[dict[int, int], float, tuple[complex, complex] | None]:
    """match_photos, and the similarity z -> s z + t taking b's photo px onto a's (None when
    no two notes fit one)."""
    na, nb = a["markerless"]["notes"], b["markerless"]["notes"]
    if not na or not nb:
        return {}, 0.0, None
    pa, pb = _centres_px(a), _centres_px(b)
    side_a = float(a["markerless"].get("note_side_px") or 1.0)
    pairs = [
        (i, j) for j in range(len(nb)) for i in range(len(na)) if _compatible(na[i], nb[j], cfg)
    ]
    if len(pairs) < 2:
        return {}, 0.0, None
    rng = np.random.default_rng(seed)
    best: dict[int, int] = {}
    landed: dict[int, int] = {}
    best_landed: dict[int, int] = {}
    best_sim: tuple[complex, complex] | None = None
    tol = cfg.dup_layout_frac * side_a
    for _ in range(min(400, len(pairs) * len(pairs))):
        (i1, j1), (i2, j2) = (pairs[k] for k in rng.choice(len(pairs), 2, replace=False))
        if i1 == i2 or j1 == j2:
            continue
        # the similarity taking b's two notes onto a's (complex numbers: z -> s z + t)
        za = complex(*pa[i1]), complex(*pa[i2])
        zb = complex(*pb[j1]), complex(*pb[j2])
        if abs(zb[1] - zb[0]) < 1e-6:
            continue
        sim = (za[1] - za[0]) / (zb[1] - zb[0])
        if not 0.1 < abs(sim) < 10.0:
            continue
        shift = za[0] - sim * zb[0]
        zm = sim * (pb[:, 0] + 1j * pb[:, 1]) + shift
        moved = np.column_stack([zm.real, zm.imag])
        got: dict[int, int] = {}
        used: set[int] = set()
        for j in range(len(nb)):
            d = np.linalg.norm(pa - moved[j], axis=1)
            for i in np.argsort(d):
                if d[i] > tol:
                    break
                if i not in used and _compatible(na[i], nb[j], cfg):
                    got[j] = int(i)
                    used.add(int(i))
                    break
        if len(got) > len(best):
            best = got
            best_sim = (sim, shift)
            # once the photos are one wall, a note of b landing on any note of a is that
            # note (its text or colour read differently), not a new one
            for j in range(len(nb)):
                if j not in got:
                    d = np.linalg.norm(pa - moved[j], axis=1)
                    if d.min() <= tol and int(np.argmin(d)) not in used:
                        landed[j] = int(np.argmin(d))
            best_landed = dict(landed)
        landed = {}
    if len(best) < cfg.dup_min_notes:  # any two pairs fit one similarity exactly: no evidence
        return best, 0.0, best_sim
    return best | best_landed, len(best) / min(len(na), len(nb)), best_sim


def _view(doc: dict) -> float:
    """How large a photo shows its notes (px a side): of two photos of one wall, the larger
    view reads the writing and the stickers better (the boards' better view, likewise)."""
    return float(doc["markerless"].get("note_side_px") or 0.0)


def _seen_by(first: dict, b_to_a: tuple[complex, complex] | None, doc: dict, dot: dict) -> bool:
    """Whether a sticker of `doc` lies, under the similarity onto `first`, inside first's
    frame: that part of the wall is in the kept photo, which counts its stickers."""
    if b_to_a is None:
        return True  # no transform to tell: the kept photo is taken to hold it
    w, h = doc.get("size_px") or (1, 1)
    fw, fh = first.get("size_px") or (1, 1)
    z = b_to_a[0] * complex(dot["center"][0] * w, dot["center"][1] * h) + b_to_a[1]
    return 0.0 <= z.real <= fw and 0.0 <= z.imag <= fh


def session_markerless(paths: list[Path], config: Config = CONFIG) -> dict | None:
    """The session's "markerless" block from the per-photo JSONs, None when no photo has one."""
    docs = _load(paths)
    if not docs:
        return None
    cfg = config.markerless
    # the larger views first, each kept whole; a photo of a wall already kept adds what it
    # lacks. Sorted stably: between equal views the run's order decides, as before.
    order = sorted(range(len(docs)), key=lambda k: -_view(docs[k]))
    parts: dict[int, tuple[list[dict], list[dict], list[dict]]] = {}
    kept: list[dict] = []  # photos already in the session
    for k_doc in order:
        doc = docs[k_doc]
        ml = doc["markerless"]
        drop: set[int] = set()
        walls: list[tuple[dict, tuple[complex, complex] | None]] = []  # the same wall, kept
        flags: list[dict] = []
        for first in kept:
            got, share, b_to_a = _match(first, doc, cfg)
            if share >= cfg.dup_same_frac:
                drop |= set(got)
                walls.append((first, b_to_a))
                values = {"first": first["file"], "count": len(got)}
                flags.append(_flag_dict(Finding("same_wall", "", values, item=doc["file"])))
            elif share >= cfg.dup_undecided_frac:
                values = {"first": first["file"], "count": len(got)}
                flags.append(_flag_dict(Finding("maybe_same_wall", "", values, item=doc["file"])))
        drop -= {k for k, n in enumerate(ml["notes"]) if n.get("added")}  # a person's word
        notes = [dict(n) for k, n in enumerate(ml["notes"]) if k not in drop]
        dup_ids = {ml["notes"][k]["id"] for k in drop}
        dots = []
        for d in ml["dots"]:
            if d.get("on_note") in dup_ids:
                continue  # counted on the kept photo's note
            if d.get("on_note") is None and any(_seen_by(f, t, doc, d) for f, t in walls):
                continue  # the same wall's free sticker: the kept photo has it
            dots.append(dict(d))
        flags += [dict(f, photo=doc["file"]) for f in ml.get("flags", [])]
        parts[k_doc] = (notes, dots, flags)
        kept.append(doc)
    # written in the run's order of the photos, whichever was kept whole
    notes = [n for k in range(len(docs)) for n in parts[k][0]]
    dots = [d for k in range(len(docs)) for d in parts[k][1]]
    flags = [f for k in range(len(docs)) for f in parts[k][2]]
    rejected: dict[str, list[dict]] = {}
    for doc in docs:
        for key in ("rejected_notes", "rejected_dots"):  # a person's corrections (--resume)
            rejected.setdefault(key, []).extend(dict(e) for e in doc["markerless"].get(key, []))
    return {"notes": notes, "dots": dots, "flags": flags,
            **{k: v for k, v in rejected.items() if v}}


def _flag_dict(finding: Finding) -> dict:
    """A session flag of the markerless block, worded from the catalogue, with its values (the
    synthesis words the same fact for its readers: publish.same_wall_sentence)."""
    flag = render(finding)
    return {"code": flag.code, "severity": flag.severity, "message": flag.message,
            "item": flag.item, **finding.values}


def _dots_text(dots: dict[str, int]) -> str:
    return " ".join(f"{c}:{n}" for c, n in sorted(dots.items()))


def markerless_csv_files(out_dir: Path, session: dict) -> dict[Path, bytes]:
    """markerless_notes.csv and markerless_dots.csv as bytes (empty when the session has no
    markerless block), to be written with the session's other files."""
    ml = session.get("markerless")
    if not ml:
        return {}
    notes = sorted(ml["notes"], key=lambda n: -sum(n["dots"].values()))
    note_rows = [
        [
            n["photo"],
            n["id"],
            n["color"],
            n["text"],
            sum(n["dots"].values()),
            _dots_text(n["dots"]),
            n["center"][0],
            n["center"][1],
            n["group"],
            n.get("row"),
            n.get("col"),
            n["confidence"],
        ]
        for n in notes
    ]
    dot_rows = [
        [d["photo"], d["color"], d["center"][0], d["center"][1], d["on_note"] or ""]
        for d in ml["dots"]
    ]
    note_header = ["photo", "id", "couleur", "texte", "gommettes", "par_couleur", "x", "y"]
    note_header += ["groupe", "rangee", "colonne", "confiance"]
    out_dir = Path(out_dir)
    return {
        out_dir / "markerless_notes.csv": _csv_bytes(note_header, note_rows),
        out_dir / "markerless_dots.csv": _csv_bytes(
            ["photo", "couleur", "x", "y", "post_it"], dot_rows
        ),
    }
