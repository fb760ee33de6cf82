"""The light the notes of a photo with no board are seen under, and their colours named in it.

After find_wall (markerless) has measured each note's paper, markerless_read.interpret asks
here, in a photo's path: each note's paper as photographed (paper_pixels) and the channels
the photo saturates in it (clipped_channels, clipped_share); papers in part shaded measured
on their lit side (note_paper_patch, shaded_paper_colour, shaded_packs); the balance on a
wall far darker than its notes taken back off (dark_wall_gains, lightest_pack); each note
under its own light, measured off the wall around it (local_shifts, note_lights); the
light's cast the wall and the notes' packs agree on (light_casts and its misfits:
others_fit, dark_fit, packs_fit, pack_medians); the notes named under it (names_under,
note_colours.name_colours) and those another light would name otherwise (light_doubt). The
stickers are named after, under the same cast (sticker_names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from capture.core.config import Config, MarkerlessConfig
from capture.vision.colour import (
    PLANCK_AXIS,
    Y_WEIGHTS,
    SurfaceCast,
    classify,
    colour_distance,
    correct_cast,
    lab_to_linear,
    linear_to_lab_unbounded,
    load_surface_refs,
    luminance,
    srgb_to_linear,
    surface_casts,
)
from capture.vision.markerless import WallScene
from capture.vision.note_colours import colour_packs, exposed_distances, name_colours


def paper_pixels(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """A note's paper in the photo as taken (the middle 60 % of its outline, photo px): N x 3."""
    patch, mask = note_paper_patch(rgb, corners, 0.6)
    return patch[mask]


def clipped_share(px: np.ndarray, clip_level: int) -> float:
    """Share of a note's paper (paper_pixels, N x 3) saturated in two channels or more: an
    overexposed note's hue is lost (a lime or pale orange note whose red and green clip is
    yellow in the pixels), and no cast taken off brings it back."""
    return float(((px >= clip_level).sum(-1) >= 2).mean()) if len(px) else 0.0


def note_paper_patch(
    rgb: np.ndarray,
    corners: np.ndarray,
    share: float,
    discs: Sequence[tuple[tuple[float, float], float]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """A note's patch of the photo as taken (h x w x 3) and the mask (h x w bool) of its
    outline shrunk to `share` about its centre (photo px) but within 1.5 radii of a sticker
    (discs: centre and radius, photo px; its rim and shadow too). paper_pixels is the middle
    (0.6); a note's shaded parts (a curled corner, its edges, the falloff of the light) lie
    nearer its outline."""
    c = corners.mean(0)
    inner = (corners - c) * share + c
    x0, y0 = np.maximum(np.floor(inner.min(0)).astype(int), 0)
    x1, y1 = np.ceil(inner.max(0)).astype(int) + 1
    patch = rgb[y0:y1, x0:x1]
    mask = np.zeros(patch.shape[:2], np.uint8)
    if patch.size == 0:
        return patch, mask.astype(bool)
    cv2.fillConvexPoly(mask, np.round(inner - (x0, y0)).astype(np.int32), 1)
    for (cx, cy), r in discs:
        centre = (round(cx - x0), round(cy - y0))
        cv2.circle(mask, centre, max(1, round(1.5 * r)), 0, -1)
    return patch, mask > 0


def shaded_paper_colour(
    patch: np.ndarray,
    mask: np.ndarray,
    lab: np.ndarray,
    clipped: np.ndarray,
    balance: np.ndarray,
    config: Config,
) -> np.ndarray | None:
    """A clipped note's paper (CIELAB) read from its shaded parts (patch, mask:
    note_paper_patch, the photo as taken; lab: its paper colour as measured, its `clipped`
    channels saturated), or None when too few of them say the same. A note clipped in a
    channel is rarely clipped everywhere: where it lies in shade (a curled corner, an edge, a
    shadow across it) its channels drop under the clip and keep the paper's chromaticity
    (ratios of linear channels: the paper's times the light's), whatever the exposure. A
    pixel is that paper in shade when its clipped channels lie clearly under the clip
    (clip_shade_level: not the clipped paper's noise dipping under it), the others under it
    and no brighter than the lit paper, it is no ink core (its brightest channel at
    clip_shade_dark or more of the clip), each channel the note clips is, over the unclipped
    ones, at least what the note shows (a lower bound), the unclipped channels keep the
    note's ratios among them (ink, stickers and the wall break one or the other), and it lies
    in an area of such pixels, not a stroke (an opening of clip_shade_open of the note's side:
    red or orange writing on a yellow note passes every test above). Their median
    chromaticity (balance: the gains `lab` was balanced with, applied to them too) is the
    paper at the exposure that brings its brightest channel to the clip: its hue is the
    paper's, its lightness that of a bright note (the true exposure is unknown). None with
    fewer than clip_shade_min_px of them (clip_shade_min_share of the mask) or spread over
    clip_shade_spread (median absolute deviation of the log chromaticity, channels under
    clip_shade_floor of the brightest left out: a deep yellow's blue is noise there)."""
    m = config.markerless
    clipped = np.asarray(clipped, bool)
    ref = ~clipped
    area = int(np.count_nonzero(mask))
    if not clipped.any() or not ref.any() or not area:
        return None
    px = np.asarray(patch).reshape(-1, 3)
    seen = lab_to_linear(np.asarray(lab, np.float32)[None])[0].astype(np.float64)
    v = np.asarray(px, np.float64) / 255.0
    lin = srgb_to_linear(v) * balance
    dark = (float(config.dots.clip_level) / 255.0) ** 2.2 * m.clip_shade_dark
    raw = np.asarray(px)
    den = lin[:, ref].sum(1)
    body = (raw[:, clipped].min(1) >= config.dots.clip_level) & mask.ravel()
    lit = float(np.median(den[body])) if body.any() else float(np.median(den))
    # clearly under the clip in the channels the note clips (not its noise dipping under it),
    # under it in the others, and no brighter than the lit paper in those
    ok = (raw[:, clipped].max(1) < m.clip_shade_level * config.dots.clip_level) & (
        raw.max(1) < config.dots.clip_level
    )
    ok &= (lin.max(1) >= dark) & (den <= lit)
    ok &= den > 1e-6
    bound = seen[clipped] / max(float(seen[ref].sum()), 1e-6)
    ratio = lin[:, clipped] / np.maximum(den, 1e-6)[:, None]
    ok &= (ratio >= bound).all(1)
    # the channels the note keeps keep their ratios in its shade (the same paper, less lit)
    idx = np.flatnonzero(ref)
    for i in idx[1:]:
        own = np.log(max(float(seen[i]), 1e-6) / max(float(seen[idx[0]]), 1e-6))
        at = np.log(np.maximum(lin[:, i], 1e-6) / np.maximum(lin[:, idx[0]], 1e-6))
        ok &= np.abs(at - own) <= m.clip_shade_spread
    # an area of paper in shade, not a stroke of ink nor the outline's edge
    ok = ok.reshape(mask.shape) & mask
    k = max(3, round(m.clip_shade_open * np.sqrt(area)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    ok = cv2.morphologyEx(ok.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool).ravel()
    n = int(ok.sum())
    if n < max(m.clip_shade_min_px, m.clip_shade_min_share * area):
        return None
    chroma = lin[ok] / lin[ok].max(1, keepdims=True)
    c = np.median(chroma, 0)
    # a channel near black in the shade (a deep yellow's blue) holds only noise: left out of
    # the spread
    held = c >= m.clip_shade_floor
    logs = np.log(np.maximum(chroma[:, held], 1e-6))
    if float(np.median(np.abs(logs - np.median(logs, 0)), 0).max()) > m.clip_shade_spread:
        return None
    # the paper at the exposure that brings its brightest channel to the clip
    return linear_to_lab_unbounded(c[None])[0]


def shaded_packs(
    labs: np.ndarray,
    clipped: np.ndarray,
    scene: WallScene,
    rgb: np.ndarray,
    balance: np.ndarray,
    config: Config,
) -> tuple[np.ndarray, np.ndarray]:
    """The notes' colours and clipped channels with each pack (markerless.colour_packs) that
    the photo clips in two channels on most of its notes read from its shaded paper
    (shaded_paper_colour): the median over its notes that have enough of it, given to every
    note of the pack, its channels values again. With one channel left (a yellow or a lime
    clipped in red and green keeps only its blue) the pack's name hangs on the photo's fitted
    exposure (markerless.name_colours), and one note in part shaded tells it. Packs clipped in
    one channel keep their bounds (the exposure fit names them well: a blue clipped in blue, a
    pink in red)."""
    m = config.markerless
    labs = np.asarray(labs, np.float64).copy()
    clipped = np.asarray(clipped, bool).copy()
    packs = colour_packs(labs, m.colour_cluster_de)
    discs = [(d.center, d.radius_px) for d in scene.dots]
    for p in np.unique(packs):
        sel = np.flatnonzero(packs == p)
        low = clipped[sel].mean(0) > 0.5
        if low.sum() != 2:
            continue
        read = [
            shaded_paper_colour(
                *note_paper_patch(rgb, np.array(scene.notes[k].corners), m.clip_shade_share, discs),
                labs[k],
                clipped[k],
                balance,
                config,
            )
            for k in sel
            if clipped[k].sum() == 2
        ]
        # most of them: one note's few shaded pixels may be ink or a sticker's rim
        if sum(v is not None for v in read) >= max(1, m.clip_shade_notes * len(read)):
            read = [v for v in read if v is not None]
            labs[sel] = np.median(np.array(read), axis=0)
            clipped[sel] = False
    return labs, clipped


def clipped_channels(px: np.ndarray, config: Config) -> np.ndarray:
    """Per channel (R, G, B): saturated over most of a note's paper (paper_pixels, N x 3;
    dot_clip_share of it, as for a sticker), its value then only a lower bound."""
    if not len(px):
        return np.zeros(3, bool)
    return (px >= config.dots.clip_level).mean(0) >= config.markerless.dot_clip_share


def light_casts(
    wall_lab: np.ndarray,
    note_labs: np.ndarray,
    note_refs: dict[str, np.ndarray],
    config: Config,
    balanced: bool = False,
    clipped: np.ndarray | None = None,
    others: np.ndarray | None = None,
) -> list[tuple[float, SurfaceCast | None]]:
    """The lights that may be on a photo (colour.surface_casts), each with its misfit, the
    best first: of the common surfaces the wall
    may be, the one needing the least shift of the light and whose lightness fits best, both
    in log units: |shift| + w |log(wall Y / (exposure x surface Y))| (w: cast_lightness_weight),
    plus how far the notes' packs then lie from their names (packs_fit). No cast (balanced)
    is white paint: its lightness is charged as white's, unless the wall is far darker than
    its notes (wall_white_min_ratio: grey paint, a slate).
    The exposure is the notes' own: their luminance over that of the colour each is nearest.
    Colour alone cannot tell kraft under a cool light from cream paint under a warm one;
    kraft is half as light as a cream wall or a yellow note, and that tells them apart.
    balanced: the wall was near-neutral and the photo balanced on it; it may still be a
    kraft roll under a light the phone made grey, so the surfaces compete with no cast (None)
    there: white paint, charged for its lightness as any surface is.
    clipped: N x 3, the channels saturated on each note (packs_fit leaves those packs out).
    others: the photo's other bare surfaces (a paper roll, a whiteboard; CIELAB as wall_lab):
    under the right light each is a common surface too (others_fit), and a dark grey or
    black one (a board) is neutral under it (dark_fit)."""
    m = config.markerless
    surfaces = load_surface_refs()
    casts: list[SurfaceCast | None] = list(
        surface_casts(wall_lab, surfaces, m.cast_surface_tol, m.cast_max_shift)
    )
    if balanced:
        # white paint balanced on is white already: no cast (None) stands for it
        casts = [None, *(c for c in casts if c is not None and c.surface != "white")]
    if len(casts) < 2:
        return [(0.0, c) for c in casts]
    refs_y = {n: float(luminance(r)[0]) for n, r in note_refs.items()}
    fit = packs_fit(note_labs, note_refs, m, clipped)
    bare = others_fit(others, surfaces, m)
    dark = dark_fit(others, m)

    def lightness(notes: np.ndarray, wall: float, surface: str) -> float:
        """|log(wall Y / (exposure x surface Y))|, the exposure the notes' own."""
        near = [classify(v, note_refs, np.inf)[0] for v in notes]
        exposure = float(np.median(luminance(notes) / [refs_y[n] for n in near]))
        y = float(luminance(surfaces[surface])[0])
        return abs(float(np.log(max(wall, 1e-4) / (exposure * y))))

    # no cast (balanced on the wall) is white paint under the light the balance took off, as
    # light as white at the notes' exposure; a wall far darker than its notes is no white
    # (wall_white_min_ratio: grey paint, a slate) and may have any lightness
    wall0 = float(luminance(np.asarray(wall_lab, np.float64)[None])[0])
    white_y = 0.0
    if "white" in surfaces and wall0 >= m.wall_white_min_ratio * lightest_pack(note_labs, m):
        white_y = m.cast_lightness_weight * lightness(note_labs, wall0, "white")

    def misfit(c: SurfaceCast | None) -> float:
        if c is None:
            return (
                white_y
                + m.cast_packs_weight * fit(np.ones(3))
                + m.cast_others_weight * bare(np.ones(3))
                + m.cast_dark_weight * dark(0.0)
            )
        notes = correct_cast(note_labs, c.gains)
        wall = float(luminance(correct_cast(wall_lab[None], c.gains))[0])
        light = abs(c.shift) + m.cast_lightness_weight * lightness(notes, wall, c.surface)
        return (
            light
            + m.cast_packs_weight * fit(c.gains)
            + m.cast_others_weight * bare(c.gains)
            + m.cast_dark_weight * dark(c.shift)
        )

    # stable: of lights that fit alike, the least shift first (surface_casts' order)
    return sorted(((misfit(c), c) for c in casts), key=lambda t: t[0])


def lightest_pack(labs: np.ndarray, m: MarkerlessConfig) -> float:
    """The luminance of the notes' lightest pack (markerless.colour_packs, each pack's
    median): white paper under the notes' light is at least as light."""
    labs = np.asarray(labs, np.float64).reshape(-1, 3)
    packs = colour_packs(labs, m.colour_cluster_de)
    return max(float(np.median(luminance(labs[packs == p]))) for p in np.unique(packs))


def dark_wall_gains(
    scene: WallScene, labs: np.ndarray, m: MarkerlessConfig
) -> np.ndarray | None:
    """The gains that take the balance on the wall back off (linear light), when the photo was
    balanced on a wall far darker than its notes: its luminance under wall_white_min_ratio of
    the lightest pack's (markerless.colour_packs, each pack's median). White paper under the
    notes' light is at least as light as any of them, so such a wall (slate, dark paint) is
    no white under a cast, and a tint of its own (a bluish slate) balanced away moves every
    note the other way (pale greens turned yellow). interpret then reads the notes as
    photographed, as on a wall no common surface explains, when their packs lie nearer their
    names so (packs_fit; a dark neutral grey under a lamp is balanced on rightly). None: not
    balanced, or the wall may be white (or mid-grey paint) at the notes' light."""
    if not scene.balanced or scene.balance is None or not len(labs):
        return None
    wall = float(luminance(np.array(scene.wall_lab, np.float64)[None])[0])
    if wall >= m.wall_white_min_ratio * lightest_pack(labs, m):
        return None
    return 1.0 / np.asarray(scene.balance, np.float64)


def names_under(
    labs: np.ndarray,
    cast: SurfaceCast | None,
    refs: dict[str, np.ndarray],
    clipped: np.ndarray,
    m: MarkerlessConfig,
) -> list[tuple[str, float]]:
    """name_colours of the notes' colours (N x 3, as photographed) with a light's cast off."""
    seen = labs if cast is None or not len(labs) else correct_cast(labs, cast.gains)
    return name_colours(
        [tuple(v) for v in seen],
        refs,
        m.colour_cluster_de,
        m.note_unknown_delta_e,
        clipped,
        m.dot_clip_gain_max,
        m.clip_exposure_tau,
        m.note_exposure_min,
        m.note_exposure_spread,
        m.note_name_tie_de,
        m.note_name_share_de,
        m.note_paper_de,
        m.note_paper_hue,
        m.note_name_order,
    )


def light_doubt(
    labs: np.ndarray,
    lights: list[tuple[float, SurfaceCast | None]],
    names: list[tuple[str, float]],
    refs: dict[str, np.ndarray],
    clipped: np.ndarray,
    m: MarkerlessConfig,
) -> dict[int, str]:
    """The notes the runner-up light names otherwise, when it fits within cast_doubt_margin
    of the light chosen: index -> the other name. Colour alone cannot tell such lights apart
    (a cream wall under white light, a white one under a warm lamp)."""
    if len(lights) < 2 or lights[1][0] - lights[0][0] > m.cast_doubt_margin:
        return {}
    other = names_under(labs, lights[1][1], refs, clipped, m)
    return {k: b for k, ((a, _), (b, _)) in enumerate(zip(names, other, strict=True)) if a != b}


def others_fit(
    others: np.ndarray | None, surfaces: dict[str, np.ndarray], m: MarkerlessConfig
) -> Callable[[np.ndarray], float]:
    """How well a light explains the photo's other bare surfaces (a kraft roll on a painted
    wall, a whiteboard): gains -> the mean, over those surfaces, of each one's a*b* distance to
    its nearest common surface with the gains taken off. One light falls on the wall and on
    the roll: a cream wall under a cool light and a white one under a cooler light both
    explain the wall, but only one of them turns the roll beside it into kraft. Only the
    distance beyond cast_surface_tol counts (within it, a surface's own shades: kraft papers
    vary, and a light is not chosen by how near a roll lies to the reference kraft). Surfaces
    darker than cast_others_l_min (a blackboard) hold no hue to measure and are left out; with
    none left every light fits alike (0)."""
    seen = np.asarray(others if others is not None else [], np.float64).reshape(-1, 3)
    seen = seen[seen[:, 0] >= m.cast_others_l_min]
    if not len(seen):
        return lambda gains: 0.0
    refs = np.array(list(surfaces.values()), np.float64)

    def fit(gains: np.ndarray) -> float:
        ab = correct_cast(seen, gains)[:, 1:]
        d = np.linalg.norm(ab[:, None, :] - refs[None, :, 1:], axis=-1)
        return float(np.maximum(d.min(1) - m.cast_surface_tol, 0.0).mean())

    return fit


def dark_tint(lab: np.ndarray) -> tuple[float, float]:
    """A colour's tint (CIELAB -> linear light): its log chromaticity along PLANCK_AXIS (> 0:
    bluer than neutral, as under a cool light; a SurfaceCast of shift -along makes it grey)
    and the length of the rest (green-magenta: no black-body light gives it)."""
    lin = np.maximum(lab_to_linear(np.asarray(lab, np.float64).reshape(1, 3))[0], 1e-6)
    log = np.log(lin) - np.log(lin).mean()
    along = float(log @ PLANCK_AXIS)
    return along, float(np.linalg.norm(log - along * PLANCK_AXIS))


def dark_fit(others: np.ndarray | None, m: MarkerlessConfig) -> Callable[[float], float]:
    """How well a light explains the photo's dark bare surfaces (a black or charcoal board:
    darker than cast_others_l_min, where others_fit finds no hue to compare): shift (along
    PLANCK_AXIS, a SurfaceCast's; 0 for no cast) -> the mean, over them, of the log
    chromaticity left along the black-body axis with the cast taken off, beyond
    cast_dark_tol (a black paint's own tint). A black or grey paint reflects every colour
    alike, so the light's colour is what it shows: a wall of cream paint under a cool light
    and of white paint under none look alike, the board beside them does not. Left out: a
    surface darker than cast_dark_l_min (the toe of the phone's tone curve and 8-bit codes
    under 20: a code is 5 % of a channel, and the lens's flare from the light wall around
    is a large part of its light), and one tinted off the black-body axis by more than
    cast_dark_off_max (a dark green chalkboard: no light gives that tint, the paint does);
    with none left every light fits alike (0). A navy board tinted along the axis looks
    like black under a cool light: not told apart (docs/markerless.md, "Limits")."""
    seen = np.asarray(others if others is not None else [], np.float64).reshape(-1, 3)
    seen = seen[(seen[:, 0] < m.cast_others_l_min) & (seen[:, 0] >= m.cast_dark_l_min)]
    tints = [dark_tint(v) for v in seen]
    along = np.array([a for a, off in tints if off <= m.cast_dark_off_max])
    if not len(along):
        return lambda shift: 0.0

    def fit(shift: float) -> float:
        return float(np.maximum(np.abs(along + shift) - m.cast_dark_tol, 0.0).mean())

    return fit


def local_shifts(rgb: np.ndarray, scene: WallScene, m: MarkerlessConfig) -> np.ndarray:
    """Each note's light against the photo's (N, along PLANCK_AXIS; NaN where not told), read
    off the bare surface around it. One paint (or one whiteboard) reflects every part of the
    light alike, so where the light changes colour across the photo (a lamp on one side,
    daylight from a window on the other; a lit board and its dim, warmer top) the surface
    around a note changes with it: its log chromaticity there against the same surface's
    over the whole photo is how much warmer (< 0) or cooler (> 0) the note's light is than
    the one the photo is read under. A SurfaceCast of shift -along takes it off.

    A light changes smoothly across a surface, a paint at a step: a beige wall beside a
    whiteboard has the whiteboard's chromaticity under a warmer lamp. The surface is the
    pixels (the photo at about local_light_side_px, linear light balanced as the scene's
    surfaces were) outside every note's outline (grown by a fifth: shadows, blur), not darker
    than local_light_dark of the surface (ink, gaps), within local_light_off (log
    chromaticity off the black-body axis) and local_light_span (along it) of the surface's
    colour and off every colour step (local_light_step per pixel along the axis, smoothed:
    the board's frame, a paint's edge), in the connected parts local_light_seed_share or more
    of which has the surface's own colour (within local_light_dead along): reached from it
    through shades alone. The surfaces: each bare surface of the scene (lighter than
    cast_others_l_min: a dark board holds its notes' flare) and, when the photo was balanced
    on its wall, grey first. A note's light is the median of the pixels of the surface most
    of its surround is, within local_light_ring sides of its centre (twice that when too
    few), against the median of that surface's own colour."""
    n = len(scene.notes)
    out = np.full(n, np.nan)
    if not n or m.local_light_ring <= 0 or not scene.surfaces:
        return out
    h, w = rgb.shape[:2]
    f = min(1.0, m.local_light_side_px / max(h, w))
    size = (max(1, round(w * f)), max(1, round(h * f)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    # balanced as the surfaces were measured (scene.balance): a shift is a difference of two
    # log chromaticities, the same whatever gains the photo is later read under
    balance = np.ones(3) if scene.balance is None else np.asarray(scene.balance, np.float64)
    lin = np.maximum(srgb_to_linear(small.astype(np.float32) / 255.0) * balance, 1e-4)
    log = np.log(lin)
    log = cv2.GaussianBlur(log - log.mean(-1, keepdims=True), (0, 0), 1.0)
    along = log @ PLANCK_AXIS
    off = log - along[..., None] * PLANCK_AXIS
    y = lin @ Y_WEIGHTS
    gy, gx = np.gradient(along)
    # a colour step (a paint's or a board's edge), and the pixels beside it
    step = np.hypot(gx, gy) > m.local_light_step
    step = cv2.dilate(step.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    notes = np.zeros(small.shape[:2], np.uint8)
    for note in scene.notes:
        c = np.array(note.corners, np.float64) * f
        mid = c.mean(0)
        cv2.fillConvexPoly(notes, np.round((c - mid) * 1.2 + mid).astype(np.int32), 1)
    # the references: each bare surface as it stands (the wall's mode, a paper roll) and,
    # balanced on the wall, grey (the light that left it grey; once balanced, the wall's mode
    # may lie elsewhere, under another light). A dark one holds its notes' flare: left out
    refs = [
        np.maximum(lab_to_linear(np.array(v, np.float64)[None])[0], 1e-4)
        for v in scene.surfaces
        if v[0] >= m.cast_others_l_min
    ]
    logs = [np.log(r) - np.log(r).mean() for r in refs]
    if scene.balance is not None and refs:
        refs, logs = [refs[0], *refs], [np.zeros(3), *logs]
    owner = np.full(small.shape[:2], -1, np.int32)
    whole: list[float] = []
    # each surface's own colour and lightness where it stands at its mode (linear, as lin)
    own: list[np.ndarray] = []
    for k, (ref, ref_log) in enumerate(zip(refs, logs, strict=True)):
        ref_along = float(ref_log @ PLANCK_AXIS)
        ref_off = ref_log - ref_along * PLANCK_AXIS
        ref_y = float(ref @ Y_WEIGHTS)
        cand = (notes == 0) & ~step & (owner < 0)
        cand &= y * scene.exposure >= m.local_light_dark * ref_y
        cand &= np.linalg.norm(off - ref_off, axis=-1) < m.local_light_off
        cand &= np.abs(along - ref_along) < m.local_light_span
        _n, parts = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
        seed = cand & (np.abs(along - ref_along) < m.local_light_dead)
        # a part is the surface when enough of it has the surface's colour: a cork board's
        # grain holds a few pixels of a grey wall's colour, a wall under a light turning
        # across it a band of them
        counts = np.bincount(parts.ravel())
        seeds = np.bincount(parts[seed], minlength=len(counts))
        keep = (seeds >= m.local_light_min_px) & (seeds >= m.local_light_seed_share * counts)
        keep[0] = False
        # the light the photo is read under: the one on the surface's own colour (the mode
        # its cast is read from, or grey), measured here as every pixel is
        whole.append(float(np.median(along[seed & keep[parts]])) if keep.any() else 0.0)
        own.append(np.median(lin[seed & keep[parts]], axis=0) if keep.any() else ref)
        owner[keep[parts]] = k
    yy, xx = np.mgrid[: small.shape[0], : small.shape[1]]
    for i, note in enumerate(scene.notes):
        mid = np.array(note.corners, np.float64).mean(0) * f
        for grow in (1.0, 2.0):
            r = grow * m.local_light_ring * note.side_px * f
            x0, x1 = max(0, int(mid[0] - r)), min(small.shape[1], int(mid[0] + r) + 1)
            y0, y1 = max(0, int(mid[1] - r)), min(small.shape[0], int(mid[1] + r) + 1)
            win = np.s_[y0:y1, x0:x1]
            disc = np.hypot(xx[win] - mid[0], yy[win] - mid[1]) <= r
            near = owner[win][disc]
            near = near[near >= 0]
            if len(near) < m.local_light_min_px:
                continue
            k = int(np.bincount(near).argmax())
            ring = (owner[win] == k) & disc
            if ring.sum() >= m.local_light_min_px:
                out[i] = float(np.median(along[win][ring])) - whole[k]
                if m.local_light_sheen:
                    out[i] = _less_sheen(out[i], own[k], float(np.median(y[win][ring])))
                break
    return out


def _less_sheen(shift: float, surface: np.ndarray, y: float) -> float:
    """A note's light (shift against the surface's own, along PLANCK_AXIS) less what a sheen
    explains. A lamp's gloss on a paper roll or a satin paint adds the light's own colour
    (grey, balanced as the surface was measured) to the surface's: a coloured surface is
    then greyer, which along the axis looks like a light cooler than the one on it (a kraft
    roll under a lamp's broad sheen: +0.16 to +0.37 on the notes under it, warmed as if
    under another light), and it is lighter by as much as was added. The ring's lightness
    over the surface's own (surface: linear RGB at its mode; y: the ring's luminance) bounds
    the light a sheen added; the shift that much grey gives the surface is taken off the
    note's when both lie the same way (never past none). A white or grey surface has no
    such shift (grey added to grey), nor does a ring no lighter than the surface."""
    y0 = float(surface @ Y_WEIGHTS)
    if not np.isfinite(shift) or y <= y0 or y0 <= 0:
        return shift
    base = np.log(np.maximum(surface, 1e-6))
    mixed = np.log(np.maximum(surface + (y - y0), 1e-6))
    explained = float((mixed - base) @ PLANCK_AXIS)
    if explained * shift <= 0:
        return shift
    return float(np.sign(shift) * max(abs(shift) - abs(explained), 0.0))


def note_lights(
    shifts: np.ndarray, balanced: bool, m: MarkerlessConfig
) -> tuple[np.ndarray, float]:
    """The shift that brings each note (shifts: local_shifts, NaN where not told) under the
    light the photo is read under, and the shift of that light from the wall's (0: the
    wall's). Balanced on its wall, the photo is read under the light that left the wall grey.
    Otherwise the light is read off the wall's colour (light_casts), and a wall's mode may
    lie at one end of a light turning across the photo: the light is then read at the
    notes' median light, the wall's colour moved there by the same measure, so that the
    notes are moved no further on average than they stand. A shift within local_light_dead
    is none (the wall's own shades, noise)."""
    told = np.isfinite(shifts)
    t = 0.0 if balanced or not told.any() else float(np.median(shifts[told]))
    d = np.where(told, shifts - t, 0.0)
    return np.sign(d) * np.maximum(np.abs(d) - m.local_light_dead, 0.0), t


def pack_medians(
    note_labs: np.ndarray, m: MarkerlessConfig, clipped: np.ndarray | None = None
) -> list[np.ndarray]:
    """The median colour of each of the notes' packs (markerless.colour_packs) but those
    clipped in a channel on most of their notes (their colour is a bound, not a value)."""
    labs = np.asarray(note_labs, np.float64).reshape(-1, 3)
    packs = colour_packs(labs, m.colour_cluster_de)
    sat = np.zeros((len(labs), 3), bool) if clipped is None else np.asarray(clipped, bool)
    return [
        np.median(labs[packs == p], axis=0)
        for p in np.unique(packs)
        if not (sat[packs == p].mean(0) > 0.5).any()
    ]


def packs_fit(
    note_labs: np.ndarray,
    note_refs: dict[str, np.ndarray],
    m: MarkerlessConfig,
    clipped: np.ndarray | None = None,
) -> Callable[[np.ndarray], float]:
    """How well a light explains the notes: gains -> the mean, over the photo's packs
    (markerless.colour_packs), of each pack's distance to its nearest name with those gains
    taken off. One pack fits any light (a lime pack on grey paint is a yellow one on kraft
    under a cool light): with fewer than two packs every light fits alike (0). Packs clipped
    in a channel on most of their notes are left out: their colour is a bound, not a value.
    The packs are compared with the names as seen at the photo's exposure, as name_colours
    compares them (cast_packs_exposed; note_exposure_min to 1 x white paper, the one that
    fits them best together; as measured when their own best exposures lie over
    note_exposure_spread apart): a paper's lightness and chroma are its reflectance times
    the exposure. Compared as measured, a dim photo's packs (a stop under: a yellow note at
    L* 60, chroma 57) lay far from every name under the light that is on them, and a warming
    light that turns them into darker names (yellow to orange, pink to red) fitted better: a
    dim white wall under a cool light was taken for kraft (real post-its-7 a stop under,
    41st stop)."""
    medians = pack_medians(note_labs, m, clipped)
    if len(medians) < 2:
        return lambda gains: 0.0
    meds = np.array(medians)
    exps = np.exp(np.linspace(np.log(min(m.note_exposure_min, 1.0)), 0.0, 31))

    def fit(gains: np.ndarray) -> float:
        seen = correct_cast(meds, gains)
        measured = float(
            np.mean([min(float(colour_distance(v, r)) for r in note_refs.values()) for v in seen])
        )
        if not m.cast_packs_exposed or m.note_exposure_min >= 1.0:
            return measured
        d = np.stack([exposed_distances(v, note_refs, exps) for v in seen]).min(-1)
        best = exps[d.argmin(-1)]
        if best.max() > m.note_exposure_spread * best.min():
            return measured
        return float(d.mean(0).min())

    return fit
