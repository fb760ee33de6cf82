"""Naming the colours of notes and stickers read with no board: the last stage of the path.

After find_wall (markerless) has measured each item's colour, the items are packed by colour
(colour_packs: average linkage, so shades do not chain two colours together) and each pack
is named by the nearest common name of its median, its exposure taken into account
(exposed_distances) and near ties broken (_tie_broken). Used by wall_light.
"""

from __future__ import annotations

import numpy as np

from capture.vision.colour import (
    C_WEIGHT_WASHED,
    SHADE_SEP,
    clipped_distances,
    colour_distance,
    common_name,
    lab_to_xyz,
    xyz_to_lab,
)


def colour_packs(labs: np.ndarray, cluster_de: float) -> np.ndarray:
    """Pack label (0..) of each colour (N x 3 CIELAB): colours within cluster_de of each other
    on average (average linkage, lightness at half weight) are one pack (see name_colours)."""
    a = np.asarray(labs, np.float64).reshape(-1, 3)
    if len(a) < 2:
        return np.zeros(len(a), int)
    # lazy: scipy's clustering costs 0.24 s of CPU to import, and a photo with a board
    # never clusters colours (39th stop: the samples' run)
    from scipy.cluster.hierarchy import fcluster, linkage

    return fcluster(linkage(a * (0.5, 1.0, 1.0), "average"), cluster_de, "distance") - 1


def exposed_distances(
    lab: np.ndarray, refs: dict[str, np.ndarray], exposures: np.ndarray
) -> np.ndarray:
    """Distance (colour_distance) from a colour to each reference as a photo exposed at each
    exposure holds it (len(exposures) x len(refs)): the reference's linear light times the
    exposure (white paper at 1; CIELAB unbounded, no gamut clip). A chroma under the
    reference's weighs C_WEIGHT_WASHED only when the colour is at least as light as the
    reference so seen: a veil of glare adds light as it takes chroma, and a paper both darker
    and paler than the reference at the photo's exposure is another paper (a pastel green is
    no lime in shade), its chroma counting at full weight."""
    seen = np.asarray(lab, np.float64)
    e = np.asarray(exposures, np.float64)[:, None]
    out = np.empty((len(e), len(refs)))
    for j, ref in enumerate(refs.values()):
        at = xyz_to_lab(lab_to_xyz(ref)[None] * e)
        out[:, j] = [
            float(
                colour_distance(
                    seen, v, c_weight_washed=C_WEIGHT_WASHED if seen[0] >= v[0] else None
                )
            )
            for v in at
        ]
    return out


def _pack_distances(
    labs: np.ndarray,
    sat: np.ndarray,
    median: np.ndarray,
    low: np.ndarray,
    names: dict[str, np.ndarray],
    gain_max: float,
    exps: np.ndarray,
) -> np.ndarray:
    """A pack's distance to each name at each exposure (len(exps) x len(names)), its channels
    clipped on most of its notes (low) taken as lower bounds. Such a pack is read note by note,
    each note with the channels the photo saturates on it, and the distances averaged: the
    notes of one pack are one paper, and a note a little less exposed than the rest keeps the
    channel the others lose (a lime note whose red stays at 233 while its pack's clips: no
    yellow paper gives that). A pack whose notes all clip the same channels (or none on most
    of it) is read from its median as they stand."""
    own = np.array([lo if not lo.all() else np.zeros(3, bool) for lo in sat]).reshape(-1, 3)
    if not (own[:, low] == 0).any():
        return clipped_distances(median, low, names, gain_max, exps)
    return np.mean(
        [clipped_distances(v, lo, names, gain_max, exps) for v, lo in zip(labs, own, strict=True)],
        axis=0,
    )


def name_colours(
    labs: list[tuple[float, float, float]],
    names: dict[str, np.ndarray],
    cluster_de: float,
    unknown_de: float,
    clipped: np.ndarray | None = None,
    gain_max: float = 8.0,
    exposure_tau: float = 0.0,
    exposure_min: float = 1.0,
    exposure_spread: float = 2.0,
    tie_de: float = 0.0,
    share_de: float = 0.0,
    paper_de: float = 15.0,
    paper_hue: float = 20.0,
    order: bool = False,
) -> list[tuple[str, float]]:
    """Colours as they come: items whose colours lie within cluster_de of each other on
    average (lightness at half weight) are one colour, named by the nearest common name of their
    median, or "unknown" when none lies within unknown_de. Returns (name, distance) per item.

    Average linkage, not chaining: a pack's shades spread a few units, and a chain of them
    bridged the gap between two packs of neighbouring colours (a lime note named green with
    the green ones, light orange notes named yellow with the yellow ones on a real wall).

    clipped: N x 3 booleans, the channels the photo saturates on each item. On an overexposed
    photo (a cluster saturated in two channels on most of its items) an overexposed pink note
    measures purple, a pale orange one yellow: a channel saturated on most of a cluster's
    items is then a lower bound (up to gain_max x, colour.clipped_distances) and the cluster
    is compared at the photo's exposure, the one (1 to gain_max x) whose sum over the clusters
    of each one's least distance is least: a cluster alone fits any exposure, the others
    (whose lightness counts) hold it. Clusters with nothing saturated are named as measured.
    exposure_tau > 0: that exposure is a fit, often near a tie, and a clipped cluster is named
    by its distances averaged over the exposures, each weighted exp(-(its sum - the least sum)
    / exposure_tau): the exposures that explain the photo almost as well count almost as much
    (a yellow pack clipped in red and green read lime at the best exposure and yellow at the
    next ones, 0.5 units apart). 0: the best exposure alone.

    exposure_min < 1: on a photo with nothing clipped and two packs or more, the exposure is
    fitted too (exposure_min to 1 x white paper, averaged as above) and every pack compared
    with the references as seen at it (exposed_distances): a paper's lightness is its
    reflectance times the exposure, and compared as measured a note darker than its
    reference leaned to the darker of two neighbouring papers (a neon yellow read lime on a
    photo exposed low). Only when the packs' own best exposures lie within exposure_spread x
    of each other (the light even); else, and with exposure_min 1, as measured.

    tie_de > 0, the light uneven (the packs' own exposures more than exposure_spread x apart):
    a pack whose two nearest common names lie within tie_de of each other takes the one a
    pack lit exposure_spread x more (or brighter) is named, if any: as measured, the
    lightness of a dim pack (far under every reference's) outweighs its hue, and two
    neighbouring names (lime and green, red and orange) are then as near within the noise of
    the photo's pixels; a paper the photo shows lit is likelier than one it shows nowhere.

    order (with share_de > 0): two packs named alike, within paper_hue of each other, whose
    notes' hues, chromas and lightnesses all lie apart are two papers under one light, and
    keep their order: they take the two references nearest them (each within share_de of
    the pack's nearest) whose hues, chromas and lightnesses lie as the packs' do
    (_in_order; a sage column darker, paler and greener than a canary pack beside it is
    green, not a second yellow).

    names: the references, keyed by name or "<name>/<shade>" (several shades sold under one
    name, colour.load_note_shades); an item is named by the common name of the nearest."""
    n = len(labs)
    if n == 0:
        return []
    a = np.array(labs, np.float64)
    cl = colour_packs(a, cluster_de)
    sat = np.zeros((n, 3), bool) if clipped is None else np.asarray(clipped, bool)
    groups = [np.nonzero(cl == c)[0] for c in np.unique(cl)]
    medians = [np.median(a[sel], axis=0) for sel in groups]
    # a channel saturated on most of a cluster's items (all three: a white, no hue to read)
    low = [
        lo if not lo.all() else np.zeros(3, bool)
        for lo in (sat[sel].mean(0) > 0.5 for sel in groups)
    ]
    clip = np.array([lo.any() for lo in low])
    # one reference per name, then the other shades sold under a name
    keys = [k for k in names if SHADE_SEP not in k]
    shades = [k for k in names if SHADE_SEP in k]
    exposure: np.ndarray | None = None
    ew = np.ones(1)
    dist: np.ndarray | None = None
    # each pack's own best exposure when the light is uneven (None: even, or not fitted)
    uneven: np.ndarray | None = None
    clip_shades: np.ndarray | None = None
    # the exposure is read only on an overexposed photo (a cluster saturated in two channels)
    # and from two clusters or more: one alone fits any exposure (a yellow clipped in red is
    # an orange at twice the exposure)
    if len(groups) > 1 and any(lo.sum() > 1 for lo in low):
        exps = np.exp(np.linspace(0.0, np.log(gain_max), 25))
        # a clipped pack is read against every shade: with only blue left (the lime
        # reference's blue is the neon yellow's), yellow or lime is a prior, and the shades
        # move it to yellow (docs/markerless-journal.md "Neighbouring names, 33rd stop")
        own = {k: names[k] for k in keys + shades}
        d = np.stack(
            [
                _pack_distances(a[sel], sat[sel], md, lo, own, gain_max, exps)
                for sel, md, lo in zip(groups, medians, low, strict=True)
            ]
        )
        # one exposure for the photo, each cluster (a pack) one vote: the sum of its distances
        misfit = d.min(-1).sum(0)
        if exposure_tau > 0:
            # the exposures near the best, weighted by how well each explains the photo
            w = np.exp(-(misfit - misfit.min()) / exposure_tau)
            at = np.einsum("e,cen->cn", w / w.sum(), d)
        else:
            at = d[:, int(np.argmin(misfit)), :]
        # only the clusters a channel of which clips are named at that exposure; the others
        # as measured
        both = np.where(clip[:, None], at, d[:, 0, :])
        dist, clip_shades = both[:, : len(keys)], both[:, len(keys) :]
    elif len(groups) > 1 and exposure_min < 1.0:
        # nothing clipped: a paper's lightness is its reflectance times the photo's exposure,
        # one for the photo when its light is even. The packs are compared with the references
        # as seen at the exposures that explain them best together (averaged as above): a
        # neon yellow, lighter than a canary one, is no lime (a darker paper) because the
        # photo is exposed low. Each pack's own best exposure tells whether the light is even:
        # packs that need exposures more than exposure_spread x apart (a dim column beside a
        # lit board) share no exposure, and the lightness is then taken as measured.
        exps = np.exp(np.linspace(np.log(exposure_min), 0.0, 31))
        own = {k: names[k] for k in keys}
        d = np.stack([exposed_distances(md, own, exps) for md in medians])
        best = exps[d.min(-1).argmin(-1)]
        if best.max() <= exposure_spread * best.min():
            misfit = d.min(-1).sum(0)
            w = np.exp(-(misfit - misfit.min()) / max(exposure_tau, 1e-9))
            ew = w / w.sum()
            exposure = exps
            dist = np.einsum("e,cen->cn", ew, d)
        else:
            uneven = best
    if dist is None:
        dist = np.stack([[float(colour_distance(md, names[k])) for k in keys] for md in medians])
    # the other shades, for the packs the photo saturates on none of their notes: a channel
    # clipped on some (a lime's green at 1.9 x) moves the pack's hue towards the next name,
    # and a shade between two names (neon yellow, between canary and lime) then takes it
    sh = {k: names[k] for k in shades}
    seen = np.array(
        [
            np.full(len(shades), np.inf)
            if sat[sel].any()
            else (
                ew @ exposed_distances(md, sh, exposure)
                if exposure is not None
                else [float(colour_distance(md, names[k])) for k in shades]
            )
            for sel, md in zip(groups, medians, strict=True)
        ]
    ).reshape(len(groups), len(shades))
    if clip_shades is not None:  # the packs clipped on most of their notes, at the exposure
        seen = np.where(clip[:, None], clip_shades, seen)
    dist = np.hstack([dist, seen])
    keys = keys + shades
    picked = [
        _tie_broken(dist, keys, uneven, exposure_spread, tie_de, c) for c in range(len(groups))
    ]
    # the distance that tells a known colour: the name's own, or for a pack renamed by the
    # others its nearest name's (a coral 28 from orange and 30 from red is a known colour)
    known = [de for _, de in picked]
    if share_de > 0 and len(groups) > 1:
        together = _named_together(
            dist, keys, picked, medians, groups, clip, (paper_de, paper_hue), share_de
        )
        if order:
            limits = (paper_hue, share_de)
            together = _in_order(a, dist, keys, names, together, groups, clip, limits)
        known = [
            float(dist[c].min()) if together[c] != picked[c] else known[c]
            for c in range(len(groups))
        ]
        picked = together
    out: list[tuple[str, float]] = [("unknown", np.inf)] * n
    for sel, (name, de), kn in zip(groups, picked, known, strict=True):
        for i in sel:
            out[i] = (name if kn <= unknown_de else "unknown", de)
    return out


def _tie_broken(
    dist: np.ndarray,
    keys: list[str],
    uneven: np.ndarray | None,
    spread: float,
    tie_de: float,
    c: int,
) -> tuple[str, float]:
    """Pack c's common name and distance (dist: packs x keys): the nearest, or, under uneven
    light (uneven: each pack's own best exposure), the runner-up within tie_de when a pack
    lit spread x more (or brighter) is nearest to it (see name_colours)."""
    near: dict[str, float] = {}
    for k, v in zip(keys, dist[c], strict=True):
        near[common_name(k)] = min(near.get(common_name(k), np.inf), float(v))
    ranked = sorted(near.items(), key=lambda t: t[1])
    if uneven is None or tie_de <= 0 or len(ranked) < 2 or ranked[1][1] - ranked[0][1] > tie_de:
        return ranked[0]
    lit = {
        common_name(keys[int(np.argmin(row))])
        for q, row in enumerate(dist)
        if uneven[q] >= spread * uneven[c]
    }
    return ranked[1] if ranked[1][0] in lit and ranked[0][0] not in lit else ranked[0]


def _exposure_free(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between two colours (CIELAB) once the darker is brought to the lighter's
    luminance in linear light (lightness at half weight, as colour_packs): one paper under
    more or less light (a shaded column) lies near, two papers keep their chromaticities."""
    xa, xb = lab_to_xyz(np.asarray(a, np.float64)), lab_to_xyz(np.asarray(b, np.float64))
    if xa[1] < xb[1]:
        xa, xb = xb, xa
    lb = xyz_to_lab(xb * (xa[1] / max(float(xb[1]), 1e-6)))
    return float(np.linalg.norm((xyz_to_lab(xa) - lb) * (0.5, 1.0, 1.0)))


def _named_together(
    dist: np.ndarray,
    keys: list[str],
    picked: list[tuple[str, float]],
    medians: list[np.ndarray],
    groups: list[np.ndarray],
    clip: np.ndarray,
    same: tuple[float, float],
    share_de: float,
) -> list[tuple[str, float]]:
    """The packs' names (picked: each named alone) given together, as an assignment of papers
    to references (see name_colours' share_de). Packs within paper_de of each other once
    their exposures are matched (_exposure_free: one paper split by uneven light), or
    whose hues lie within paper_hue degrees (light and the pads' shades of one name move a
    paper's lightness and chroma far more than its hue: pastel and deep purple, canary and
    neon yellow), are one paper (same = (paper_de, paper_hue)); a paper's distance to a
    reference is its packs' (weighted by their notes). Each reference (a name's shades each
    one: canary and neon yellow are two papers sold under one name) takes one paper at its
    distance, each further paper at share_de more. A paper with a pack clipped on most of its
    notes keeps its names and holds no reference: its colour is a bound, which cannot tell
    another paper (real post-its-7's yellows: a clipped pack 12.5 from the rest once exposed
    alike). A paper renamed takes the assigned name on all its packs; the others keep
    theirs (a tie under uneven light, _tie_broken)."""
    g = len(groups)
    hue = [np.degrees(np.arctan2(md[2], md[1])) for md in medians]
    link = np.zeros((g, g), bool)
    for i in range(g):
        for j in range(i + 1, g):
            link[i, j] = link[j, i] = (
                _exposure_free(medians[i], medians[j]) <= same[0]
                or abs((hue[i] - hue[j] + 180.0) % 360.0 - 180.0) <= same[1]
            )
    paper = np.arange(g)
    for i in range(g):  # one paper: packs linked, transitively
        for j in range(g):
            if link[i, j]:
                paper[paper == paper[j]] = paper[i]
    free = [p for p in np.unique(paper) if not clip[paper == p].any()]
    if not free:
        return picked
    sizes = np.array([len(s) for s in groups], np.float64)
    cost = np.stack(
        [np.average(dist[paper == p], axis=0, weights=sizes[paper == p]) for p in free]
    )
    slots = len(free)
    big = np.repeat(cost, slots, axis=1)  # key k, slot s at column k * slots + s
    big = big + share_de * np.tile(np.arange(slots) > 0, len(keys))
    # lazy, as colour_packs' clustering: a photo with a board never names packs together
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(np.where(np.isfinite(big), big, 1e9))
    out = list(picked)
    for r, col in zip(rows, cols, strict=True):
        k = int(col) // slots
        own = common_name(keys[int(np.argmin(cost[r]))])
        if common_name(keys[k]) == own:
            continue
        for c in np.nonzero(paper == free[r])[0]:
            out[c] = (common_name(keys[k]), float(dist[c, k]))
    return out


def _hue_chroma(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hue (degrees) and chroma of CIELAB colours (N x 3)."""
    v = np.asarray(lab, np.float64).reshape(-1, 3)
    return np.degrees(np.arctan2(v[:, 2], v[:, 1])), np.hypot(v[:, 1], v[:, 2])


def _apart(lo: np.ndarray, hi: np.ndarray, lo2: np.ndarray, hi2: np.ndarray) -> int:
    """+1 when the range [lo2, hi2] lies wholly above [lo, hi], -1 wholly below, 0 when they
    overlap."""
    return 1 if lo2 > hi else -1 if hi2 < lo else 0


def _in_order(
    labs: np.ndarray,
    dist: np.ndarray,
    keys: list[str],
    names: dict[str, np.ndarray],
    picked: list[tuple[str, float]],
    groups: list[np.ndarray],
    clip: np.ndarray,
    limits: tuple[float, float],
) -> list[tuple[str, float]]:
    """The packs' names (picked) with the order of two papers kept (see name_colours' order).
    Two packs of two notes or more given one common name, their hues within limits[0]
    degrees (one paper for _named_together), but their notes' hues apart (no note of one
    within the other's range), their chromas apart and their lightnesses apart, are two
    papers under one light: the light and the camera move both alike, and the direction of
    their difference is the papers' (a pack greener, paler and darker than the canary pack
    beside it is a greener, greyer paper: a pastel green, not a second canary). Such a pair
    takes the two references (a name's shades each one), each within limits[1] of the
    pack's nearest (a paper moves one name's step at most, as in _named_together), whose
    hues, chromas and lightnesses lie in the same order, the pair's distances (weighted by
    their notes) least; none such: the names stay (a pastel yellow, lighter than canary,
    has none and stays yellow). A pack clipped on most of its notes keeps its name (its
    colour is a bound: a yellow clipped in red is redder and more saturated than measured,
    which keeps the order with a greener, paler paper) and its name's nearest reference
    stands for it. One name's shades ordered so (canary and neon yellow) keep the name; one
    paper in part shaded, or two batches of one paper, have hues that overlap and are not
    ordered."""
    hue, chroma = _hue_chroma(labs)
    ref_h, ref_c = _hue_chroma(np.array([names[k] for k in keys]))
    ref_l = np.array([float(names[k][0]) for k in keys])
    out = list(picked)
    g = len(groups)
    # each pack's reference: the nearest key of its name
    ref = [
        min((k for k in range(len(keys)) if common_name(keys[k]) == out[c][0]),
            key=lambda k: dist[c, k], default=int(np.argmin(dist[c])))
        for c in range(g)
    ]
    for i in range(g):
        for j in range(i + 1, g):
            si, sj = groups[i], groups[j]
            if len(si) < 2 or len(sj) < 2 or out[i][0] != out[j][0] or (clip[i] and clip[j]):
                continue
            hi, hj = hue[si], hue[sj]
            # hues relative to pack i's median, so ranges across +-180 compare
            mid = float(np.median(hi))
            hi = (hi - mid + 180.0) % 360.0 - 180.0
            hj = (hj - mid + 180.0) % 360.0 - 180.0
            if abs(float(np.median(hj))) > limits[0]:
                continue
            dh = _apart(hi.min(), hi.max(), hj.min(), hj.max())
            # two papers differ in hue by more than one paper's own spread under the light
            # (shade, a lamp's fall-off and noise move a pack's hue by that much; one lime
            # paper half under a lamp made two packs whose hue ranges missed by 0.2 degrees,
            # medians 3 apart, each pack 1-5 wide: room c55's first photo, 41st stop)
            if abs(float(np.median(hj))) <= max(float(np.ptp(hi)), float(np.ptp(hj))):
                continue
            dc = _apart(chroma[si].min(), chroma[si].max(), chroma[sj].min(), chroma[sj].max())
            li, lj = labs[si, 0], labs[sj, 0]
            dl = _apart(li.min(), li.max(), lj.min(), lj.max())
            if dh == 0 or dc == 0 or dl == 0:
                continue
            w = np.array([len(si), len(sj)], np.float64)

            def choices(c: int) -> list[int]:
                if clip[c]:
                    return [ref[c]]
                near = float(dist[c].min())
                return [k for k in range(len(keys)) if dist[c, k] <= near + limits[1]]

            best: tuple[float, int, int] | None = None
            for ki in choices(i):
                for kj in choices(j):
                    rh = (ref_h[kj] - ref_h[ki] + 180.0) % 360.0 - 180.0
                    if (
                        np.sign(rh) != dh
                        or np.sign(ref_c[kj] - ref_c[ki]) != dc
                        or np.sign(ref_l[kj] - ref_l[ki]) != dl
                    ):
                        continue
                    cost = float(w @ (dist[i, ki], dist[j, kj]))
                    if best is None or cost < best[0]:
                        best = (cost, ki, kj)
            if best is None or common_name(keys[best[1]]) == common_name(keys[best[2]]):
                continue  # one name again: the order says nothing the names did not
            for c, k in ((i, best[1]), (j, best[2])):
                ref[c] = k
                out[c] = (common_name(keys[k]), float(dist[c, k]))
    return out
