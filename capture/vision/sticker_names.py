"""The colour names of the dot stickers on a photo with no board, under the notes' light.

After find_wall (markerless, wall_stickers) has measured each sticker's colour and
wall_light has found the light's cast off the notes, markerless_read.interpret names the
stickers here: each sticker's distance to the palette with that cast taken off
(sticker_distances), stickers of one sheet named together (name_stickers, _colour_groups),
and a sheet washed out between two names told by its linear hue (washed_name).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capture.core.config import Config, MarkerlessConfig
from capture.vision.colour import (
    clipped_distances,
    colour_distance,
    correct_cast,
    lab_to_linear,
    linear_hue,
)
from capture.vision.wall_types import WallDot


def _colour_groups(labs: np.ndarray, cluster_de: float) -> list[np.ndarray]:
    """Indices of the items (N x 3 CIELAB) whose colours lie within cluster_de of each other
    on average, lightness at half weight (average linkage: a chain of shades does not bridge
    two neighbouring colours), one array per group."""
    if len(labs) == 1:
        return [np.zeros(1, int)]
    # lazy: scipy's clustering costs 0.24 s of CPU to import, and a photo with a board
    # never clusters colours (39th stop: the samples' run)
    from scipy.cluster.hierarchy import fcluster, linkage

    cl = fcluster(linkage(labs * (0.5, 1.0, 1.0), "average"), cluster_de, "distance")
    return [np.nonzero(cl == c)[0] for c in np.unique(cl)]


def sticker_distances(
    lab: tuple[float, float, float],
    refs: dict,
    config: Config,
    gains: np.ndarray | None = None,
    clipped: tuple[bool, bool, bool] = (False, False, False),
) -> np.ndarray:
    """A sticker's distance (colour_distance, CIELAB) to each reference (in refs' order);
    gains: the light's cast taken off the notes of a wall with no white (MarkerlessResult.cast),
    taken off the sticker too (a warm lamp turns pink stickers red and purple ones pink, as it
    does the notes). clipped: the channels the photo saturates over most of the sticker, lower
    bounds then (colour.clipped_distances); all three say nothing of its hue and are read as
    they are."""
    v = np.asarray(lab, np.float64)
    if gains is not None:
        v = correct_cast(v[None], gains)[0]
    if any(clipped) and not all(clipped):
        gain_max = config.markerless.dot_clip_gain_max
        return clipped_distances(v, np.array(clipped), refs, gain_max)[0]
    return np.array([float(colour_distance(v, r)) for r in refs.values()])


def name_stickers(
    dots: Sequence[WallDot], refs: dict, config: Config, gains: np.ndarray | None = None
) -> list[tuple[str, float]]:
    """Each sticker's colour name and its distance, named with the others of its colour in
    the photo: stickers whose colours (the cast taken off) lie within dot_cluster_de of each
    other on average (lightness at half weight, _colour_groups) come from one sheet under
    one light, and take the name nearest the group as a whole (the least mean distance of its
    stickers), "unknown" when that is over dots.unknown_delta_e. One sticker's colour is
    moved by what lies on it alone (a glossy highlight, an overexposed channel, a cast taken
    off a little wrong): a pink one reads red where the others of its sheet read pink."""
    if not dots:
        return []
    dist = np.stack([sticker_distances(d.lab, refs, config, gains, d.clipped) for d in dots])
    labs = np.array([d.lab for d in dots], np.float64)
    if gains is not None:
        labs = correct_cast(labs, gains)
    keys = list(refs)
    out: list[tuple[str, float]] = [("unknown", np.inf)] * len(dots)
    groups = _colour_groups(labs, config.markerless.dot_cluster_de)
    for sel in groups:
        row = dist[sel].mean(0)
        if any(any(dots[i].clipped) for i in sel):  # its linear hue is then unknown
            j = int(np.argmin(row))
        else:
            j = washed_name(labs[sel], row, refs, config.markerless)
        name = keys[j] if row[j] <= config.dots.unknown_delta_e else "unknown"
        for i in sel:
            out[i] = (name, float(row[j]))
    for sel in groups:
        if len(sel) == 1:
            k = _nearest_sheet(int(sel[0]), groups, labs, out, config.markerless)
            if k is not None:
                out[sel[0]] = (k, float(dist[sel[0], keys.index(k)]))
    return out


def _nearest_sheet(
    i: int,
    groups: list[np.ndarray],
    labs: np.ndarray,
    named: list[tuple[str, float]],
    m: MarkerlessConfig,
) -> str | None:
    """The name a lone sticker (i, a group of its own) takes from the sheets of the photo, or
    None to keep its own. The photo's sheets show what each name looks like under its light:
    when every sheet of the name it was given lies more than dot_lone_sheet_ratio times as
    far from it as a sheet of another name within dot_lone_sheet_de (mean distance,
    lightness at half weight, as _colour_groups), that nearer sheet's name is its own (a
    sticker over writing or under its highlight reads off its sheet's colour, between two
    names: an orange one over blue ink on a kraft roll read yellow where the photo's yellow
    sheet lay 38 away and its orange sheet 12)."""
    own = named[i][0]

    def gap(sel: np.ndarray) -> float:
        return float(np.linalg.norm((labs[sel] - labs[i]) * (0.5, 1.0, 1.0), axis=1).mean())

    others = [g for g in groups if i not in g and named[g[0]][0] != "unknown"]
    same = [gap(g) for g in others if named[g[0]][0] == own]
    if not same:
        return None
    near = min((g for g in others if named[g[0]][0] != own), key=gap, default=None)
    if near is None or gap(near) > m.dot_lone_sheet_de:
        return None
    if gap(near) * m.dot_lone_sheet_ratio > min(same):
        return None
    return named[near[0]][0]


def washed_name(labs: np.ndarray, row: np.ndarray, refs: dict, m: MarkerlessConfig) -> int:
    """The index (in refs' order) of the name of a sheet of stickers (labs: their colours,
    N x 3, the cast taken off; row: the sheet's mean distance to each reference): the
    nearest, unless the sheet is washed out between two names light moves one onto the
    other. Light added over a sticker (a veil, glare, its glossy highlight) lowers its
    chroma and moves its CIELAB hue (a veiled red reads pink) but leaves the hue of its
    linear light (linear_hue): when the nearest two names are one of m.dot_veil_pairs and
    the sheet's chroma is under m.dot_washed_chroma x the nearest's, the one of the two whose
    linear hue is nearer the sheet's is taken."""
    keys = list(refs)
    if len(keys) < 2:
        return int(np.argmin(row))
    j, k = (int(i) for i in np.argsort(row)[:2])
    if {keys[j], keys[k]} not in [set(p) for p in m.dot_veil_pairs]:
        return j
    chroma = float(np.hypot(labs[:, 1], labs[:, 2]).mean())
    if chroma >= m.dot_washed_chroma * float(np.hypot(refs[keys[j]][1], refs[keys[j]][2])):
        return j
    own = float(linear_hue(lab_to_linear(labs).mean(0)))

    def off(i: int) -> float:
        ref = float(linear_hue(lab_to_linear(np.asarray(refs[keys[i]])[None])[0]))
        return abs((own - ref + 180.0) % 360.0 - 180.0)

    return min((j, k), key=off)
