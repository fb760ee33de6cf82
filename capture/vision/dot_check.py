"""Is a disc found on a wall photo a dot sticker, or marker ink, or nothing?

A dot sticker is a flat, evenly coloured disc with a crisp round rim: seen from its centre,
every direction leaves its colour at about the same distance, its radius, and none comes
back to it. Marker ink is a stroke of about constant width: where a letter's loop fills with
ink it makes a blob as round and as full as a small sticker, but the strokes run on past any
rim laid on it, in the same colour, in two directions or more (where the pen came from and
where it went). A disc laid across thin blurred writing is no flat colour, and a disc laid
on plain paper (a note whose outline or paper colour was taken a little off, a book cover)
differs from nothing around it. Black or grey ink darkens the paper it is laid on and leaves
its hue: a blob of it is a shade of its surroundings, which no sticker is (every sticker is
a colour of its own). Coloured marker ink (a dark red or brown star drawn on a note, a
letter's loop filled) is a dye film over the paper: where it is filled it takes most of the
light in every band, its own band too, while a sticker's pigment sends back in its own band
about what the palette's sticker of its hue does (a red one most of the red light, as
the paper beside it). At a small sticker's size (8 px across at 2 px/mm) neither a star's
points nor a stroke's streaks are seen, but that darkness is.

The finders (wall_stickers.place_stickers, _stickers) judge a disc by the sticker mask, opened
at a share of the sticker radius: thick marker strokes pass that opening where a loop fills
with ink, and their blob is then as round as a sticker. This check looks at the image itself
along rays from the disc's centre, after the finders.

Plain functions over arrays returning frozen dataclasses (no file, no sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.core.config import MarkerlessConfig
from capture.vision.colour import lab_to_linear


@dataclass(frozen=True)
class DiscCheck:
    contrast: float  # CIELAB distance between the disc's colour and its surroundings'
    runs_out: float  # share of rays along which the disc's own colour runs on past its rim
    uneven: float  # median distance of its core's pixels from its colour, over the contrast
    ragged: float  # spread of the rim's distance over the rays (interquartile-like / median)
    shade: float  # CIELAB distance of its colour from the nearest shade of its surroundings'
    # the light it sends back in the band of the palette's sticker of its hue (that sticker's
    # brightest linear channel), over its surroundings' there, over that sticker's own
    # (white 1; the more lenient of the two stickers whose hues bracket its hue): 1 a sticker
    # as the palette's on white paper; inf when no palette is given
    reflect: float
    reason: str  # "" a sticker; else "flat", "ink", "dark", "stroke", "uneven" or "ragged"


def _rays(
    lab: np.ndarray,
    centre: tuple[float, float],
    radius: float,
    view: np.ndarray | None,
    m: MarkerlessConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The image's colours along dot_check_rays rays from a disc's centre out to
    dot_check_reach radii every half pixel (directions x steps x 3, bilinear), through the
    disc's view when it is seen askew (a circle there is that ellipse); the sample points
    (x, y) and each step's distance in radii."""
    steps = np.arange(0.0, m.dot_check_reach * radius + 1e-6, 0.5)
    ang = np.linspace(0.0, 2 * np.pi, m.dot_check_rays, endpoint=False)
    unit = np.stack([np.cos(ang), np.sin(ang)])  # 2 x directions
    if view is not None:
        unit = view @ unit
    xs = (centre[0] + unit[0][:, None] * steps[None]).astype(np.float32)
    ys = (centre[1] + unit[1][:, None] * steps[None]).astype(np.float32)
    # (asarray: the work image is float32 already; a copy of it per disc was most of the time)
    cols = cv2.remap(
        np.asarray(lab, np.float32), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return cols, xs, ys, steps / radius


def shade_distance(colour: np.ndarray, around: np.ndarray) -> float:
    """CIELAB distance of a colour from the nearest shade of `around` (the same surface
    darkened: black or grey ink laid on it, thin or filled, blurred or not). Light taken off
    in linear light scales X, Y and Z alike: a* and b* scale as the cube root of it, and so
    does L* + 16; the shades of a colour lie on the segment from (-16, 0, 0) to it."""
    black = np.array([-16.0, 0.0, 0.0])
    d = np.asarray(colour, np.float64) - black
    a = np.asarray(around, np.float64) - black
    s = float(np.clip(d @ a / max(float(a @ a), 1e-9), 0.0, 1.0))
    return float(np.linalg.norm(d - s * a))


def reflectance(colour: np.ndarray, around: np.ndarray, refs: np.ndarray) -> float:
    """How much light a disc of `colour` sends back in its own band against what a sticker
    of its hue does. refs (k x 3 CIELAB): the palette's stickers; the disc's hue (a*, b*
    angle) lies between two of them (a purple sticker under a warm light reads between pink
    and purple): each gives a band (its brightest linear-light channel) and a level (its
    value there, white 1), and the more lenient of the two counts. The disc's value in a band
    is taken over its surroundings' (the paper or wall under the same light: a lamp, a
    shadow or the exposure cancel out; paper darker than white only raises it). About 1 or
    more for a sticker; marker ink filled dark (a dye over the paper takes its band's light
    too) far less."""
    refs = np.asarray(refs, np.float64).reshape(-1, 3)
    c = np.asarray(colour, np.float64)
    dh = np.angle(np.exp(1j * (np.arctan2(refs[:, 2], refs[:, 1]) - np.arctan2(c[2], c[1]))))
    pick = [int(np.argmin(np.where(side, np.abs(dh), np.inf))) for side in (dh >= 0, dh < 0)]
    pick = [i for i, side in zip(pick, (dh >= 0, dh < 0), strict=True) if side.any()]
    lin = lab_to_linear(np.concatenate([c[None], np.asarray(around, np.float64)[None], refs[pick]]))
    best = 0.0
    for ref in lin[2:]:
        band = int(np.argmax(ref))
        paper = max(float(lin[1, band]), 1e-4)
        best = max(best, float(lin[0, band]) / paper / max(float(ref[band]), 1e-4))
    return float(best)


def _run_ends(mine: np.ndarray, gap: int) -> np.ndarray:
    """Per ray (row), the index where its run of the disc's pixels from the centre ends: the
    first of `gap` steps in a row that are not the disc's (a one-pixel break in a blurred
    stroke does not end it); the row's length when it never ends."""
    n, k = mine.shape
    off = np.ones((n, k + gap), bool)
    off[:, :k] = ~mine
    window = np.ones((n, k), bool)
    for g in range(gap):
        window &= off[:, g : g + k]
    window[:, 0] = False  # the centre itself (a glossy highlight) does not end a run
    return np.where(window.any(axis=1), window.argmax(axis=1), k)


def check_disc(
    lab: np.ndarray,
    centre: tuple[float, float],
    radius: float,
    view: np.ndarray | None,
    others: np.ndarray,
    m: MarkerlessConfig,
    refs: np.ndarray | None = None,
) -> DiscCheck:
    """Whether a disc (work px: its centre and radius; view: how perspective shapes a disc
    there, or None) on a CIELAB image is a dot sticker. others: the other discs found (k x 3:
    x, y, radius): a ray that meets one has met a sticker touching this one: its run ends
    there (at this one's rim when they touch). refs: the palette's stickers (k x 3 CIELAB,
    balanced as the image is), for how much light a sticker of the disc's hue sends back
    (reflectance); None: not asked."""
    cols, xs, ys, t = _rays(lab, centre, radius, view, m)
    # a ray that leaves the photo says nothing past its frame (the edge replicated would run
    # a sticker the frame cuts on in its own colour): the rays that stay in it, when there
    # are enough of them (a sticker cut through its centre keeps about half)
    h, w = lab.shape[:2]
    seen = ((xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)).all(axis=1)
    if 4 <= seen.sum() < len(seen):
        cols, xs, ys = cols[seen], xs[seen], ys[seen]
    disc = np.median(cols[:, t < m.dot_check_core].reshape(-1, 3), axis=0)
    around = np.median(cols[:, t >= m.dot_check_around].reshape(-1, 3), axis=0)
    contrast = float(np.linalg.norm(disc - around))
    shade = shade_distance(disc, around)
    reflect = float("inf") if refs is None or not len(refs) else reflectance(disc, around, refs)
    d = cols - disc
    near = np.linalg.norm(d, axis=-1) < np.linalg.norm(cols - around, axis=-1)
    # its own colour: as the finders' (dot_same_colour_de, lightness at half weight); ink of
    # another colour a sticker is stuck over or beside is not it
    same = np.sqrt((0.5 * d[..., 0]) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2) < m.dot_same_colour_de
    for ox, oy, o_r in others:  # a run ends where it meets another disc
        inside = np.hypot(xs - ox, ys - oy) < o_r
        near &= ~inside
        same &= ~inside
    last = len(t) - 1
    reach = t[np.minimum(_run_ends(near, m.dot_check_gap), last)]
    # a sticker nearer the camera than the usual one is larger than the disc laid on it:
    # its own radius is where most of its runs end
    own = max(1.0, float(np.median(reach)))
    ends = t[np.minimum(_run_ends(same & near, m.dot_check_gap), last)]
    runs_out = float(np.mean(ends > m.dot_check_rim * own))
    # ragged by both runs: a sticker stuck over writing of a near colour (a purple one on
    # blue ink) is round in its own colour only, a glossy or blurred one in the nearer one
    ragged = min(_spread(reach), _spread(ends))
    core = cols[:, t < m.dot_check_core].reshape(-1, 3)
    uneven = float(np.median(np.linalg.norm(core - disc, axis=-1)) / max(contrast, 1e-6))
    reason = ""
    if contrast < m.dot_check_contrast_min:
        reason = "flat"
    elif shade < m.dot_check_shade_min:
        reason = "ink"
    elif reflect < m.dot_check_reflect_min:
        reason = "dark"
    elif runs_out > m.dot_check_runs_max:
        reason = "stroke"
    elif uneven > m.dot_check_uneven_max:
        reason = "uneven"
    elif ragged > m.dot_check_ragged_max:
        reason = "ragged"
    return DiscCheck(contrast, runs_out, uneven, ragged, shade, reflect, reason)


def _spread(reach: np.ndarray) -> float:
    """How far a rim is from round: the 80th - 20th percentile of where the runs end over
    their median."""
    q20, q50, q80 = np.percentile(reach, [20, 50, 80])
    return float((q80 - q20) / max(q50, 1e-6))


@dataclass(frozen=True)
class Relief:
    """How a disc stands off the wall (photo CIELAB around it; L* units)."""

    slope: float  # L* change across the disc per radius: a plane fitted, its highlight left out
    limb: float  # its core's L* over its rim's: a dome's side turns away from the light
    shadow: float  # its surroundings' median L* over their darkest share, their hue kept


def relief(
    lab: np.ndarray, centre: tuple[float, float], radius: float, m: MarkerlessConfig
) -> Relief:
    """A dot sticker is flat paper or vinyl on the wall: its top faces one way, evenly lit but
    for a sheen, and it is too thin to cast a shadow past its rim. A push pin's head or a
    magnet is a thick dome or drum standing off the wall: its top is shaded across (lit on
    the light's side, its side wall turning away at the rim) and it casts a shadow beside
    it, offset by its height. lab: CIELAB of the photo about the disc (centre and radius in
    its px). The slope is a plane fitted to L* within dot_relief_inner radii with its
    lightest tenth (a glossy highlight) left out; the limb the core's median L* (within half
    the radius) over the rim's (0.6-0.85 radii); the shadow the ring dot_relief_ring radii
    out: its median L* over that of its darkest twelfth, when that twelfth keeps the ring's
    hue (within dot_relief_shadow_ab in a* and b*: a dark thing beside it, a note's coloured
    edge, is no shadow), else 0."""
    h, w = lab.shape[:2]
    cx, cy = centre
    reach = m.dot_relief_ring[1] * radius + 1
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(w, int(cx + reach) + 2), min(h, int(cy + reach) + 2)
    gy, gx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    u, v = (gx - cx) / max(radius, 1e-6), (gy - cy) / max(radius, 1e-6)
    rho = np.hypot(u, v)
    patch = np.asarray(lab[y0:y1, x0:x1], np.float64)
    big = patch[..., 0]
    inner = rho < m.dot_relief_inner
    core, rim = rho < 0.5, (rho > 0.6) & (rho < 0.85)
    ring = (rho > m.dot_relief_ring[0]) & (rho < m.dot_relief_ring[1])
    if inner.sum() < 6 or not core.any() or not rim.any() or ring.sum() < 12:
        return Relief(0.0, 0.0, 0.0)
    sel = inner & (big <= np.percentile(big[inner], 90))
    design = np.stack([np.ones(int(sel.sum())), u[sel], v[sel]], 1)
    coef, *_ = np.linalg.lstsq(design, big[sel], rcond=None)
    slope = float(np.hypot(coef[1], coef[2]))
    limb = float(np.median(big[core]) - np.median(big[rim]))
    ring_px = patch[ring]
    dark = ring_px[ring_px[:, 0] <= np.percentile(ring_px[:, 0], 100 / 12)]
    med = np.median(ring_px, axis=0)
    shadow = 0.0
    if np.abs(np.median(dark[:, 1:], axis=0) - med[1:]).max() < m.dot_relief_shadow_ab:
        shadow = float(med[0] - np.median(dark[:, 0]))
    return Relief(slope, limb, shadow)


def raised(r: Relief, m: MarkerlessConfig) -> bool:
    """A disc that stands off the wall (relief): it casts a shadow of dot_raised_shadow_l and
    its top is shaded across, by dot_raised_slope_l a radius or dot_raised_limb_l from core
    to rim. Either alone is no proof: a flat sticker beside a note's lower edge lies in the
    note's shadow, and one in a blurred photo beside a lighter note's edge is lighter on
    that side. A top sloping by dot_raised_steep_l a radius or more is a dome's on its own:
    no flat sticker is lit that unevenly (a blurred rim is symmetric: it darkens the limb,
    not the slope), and a pin's shadow goes unread when the disc found is its lit core (the
    ring crosses the head's own rim) or it falls on a sheet's edge."""
    if r.slope >= m.dot_raised_steep_l:
        return True
    shaded = r.slope >= m.dot_raised_slope_l or r.limb >= m.dot_raised_limb_l
    return r.shadow >= m.dot_raised_shadow_l and shaded


def check_discs(
    lab: np.ndarray,
    discs: list[tuple[float, float, float, np.ndarray | None]],
    m: MarkerlessConfig,
    refs: np.ndarray | None = None,
) -> list[DiscCheck]:
    """check_disc for each disc (work px: x, y, radius, view), the others as its neighbours."""
    arr = np.array([d[:3] for d in discs], np.float64).reshape(-1, 3)
    return [
        check_disc(lab, (x, y), r, view, np.delete(arr, k, axis=0), m, refs)
        for k, (x, y, r, view) in enumerate(discs)
    ]
