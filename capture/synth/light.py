"""What light and a phone's image pipeline do to a photo: uneven illumination, vignetting,
colour cast (tungsten to daylight, imperfect white balance), glare, soft shadows, blur,
signal-dependent noise, sharpening halos and JPEG compression.

Works in gamma-encoded float32 (0-1): a gain g on linear light is g ** (1 / 2.2) here.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, replace

import cv2
import numpy as np
from PIL import Image

from capture.core.config import SynthLevel

GAMMA = 2.2


@dataclass(frozen=True)
class Light:
    kelvin: float
    wb_kelvin: float  # what the phone's white balance assumed
    exposure: float
    gradient: tuple[float, float, float]  # direction x, y and depth
    vignetting: float
    glares: tuple[
        tuple[float, float, float, float], ...
    ]  # x, y (0-1), radius (frac of diag), strength
    shadow: tuple[tuple[float, float], ...] | None  # polygon (0-1 coords)
    shadow_depth: float
    blur_sigma: float  # px at this photo size
    motion: tuple[float, float] | None  # length px, angle deg
    noise: float
    sharpen: float
    jpeg_quality: int
    direction: tuple[float, float]  # where light comes from, in the photo (unit-ish): highlights
    flare: float = 0.0  # veiling glare in the lens: lifts the blacks towards the mean level
    # mixed lighting: (direction x, y, kelvin) of window daylight on one side of the frame
    # while the rest is lit by the main (often warm) source; white balance sees their mix
    side_light: tuple[float, float, float] | None = None
    overexpose: float = 1.0  # > 1: the phone metered on the wall, bright paper clips

    def describe(self) -> dict:
        d = asdict(self)
        return {
            k: (round(v, 3) if isinstance(v, float) else v)
            for k, v in d.items()
            if k not in ("shadow", "glares")
        } | {"glare_spots": len(self.glares), "shadow": self.shadow is not None}


def kelvin_rgb(kelvin: float) -> np.ndarray:
    """sRGB white of a black body (Tanner Helland's fit), 0-1."""
    t = kelvin / 100
    r = 255 if t <= 66 else 329.698727446 * (t - 60) ** -0.1332047592
    g = (
        99.4708025861 * math.log(t) - 161.1195681661
        if t <= 66
        else 288.1221695283 * (t - 60) ** -0.0755148492
    )
    b = 255 if t >= 66 else (0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307)
    return np.clip(np.array([r, g, b], np.float32), 1, 255) / 255


def sample_light(level: SynthLevel, size: tuple[int, int], rng: np.random.Generator) -> Light:
    w, h = size
    scale = math.hypot(w, h) / 5000  # 12 MP reference
    kelvin = float(
        rng.choice(
            [rng.uniform(2700, 3300), rng.uniform(3800, 4600), rng.uniform(5000, 6800)],
            p=[0.3, 0.35, 0.35],
        )
    )
    # phones leave part of a warm cast on purpose, and misjudge by a few percent; under
    # tungsten in hard conditions they correct only about half of it
    keep = rng.uniform(0.0, 0.35 + level.wb_error)
    assumed = kelvin + (6500 - kelvin) * keep
    wb = float(assumed * (1 + rng.normal(0, level.wb_error)))
    ang = rng.uniform(0, 2 * math.pi)
    glares = []
    if rng.random() < level.glare_p:
        for _ in range(rng.integers(1, 3)):
            glares.append(
                (
                    float(rng.uniform(0.1, 0.9)),
                    float(rng.uniform(0.1, 0.9)),
                    float(rng.uniform(0.04, 0.16)),
                    float(rng.uniform(0.15, 0.35 + 0.4 * level.light_gradient)),
                )
            )
    shadow = None
    if rng.random() < level.shadow_p:  # a person's or the phone's shadow from one edge
        edge = rng.integers(4)
        c = rng.uniform(0.2, 0.8)
        wdt = rng.uniform(0.15, 0.4)
        depth = rng.uniform(0.25, 0.7)
        poly = [(c - wdt, 0), (c + wdt, 0), (c + wdt * 0.6, depth), (c - wdt * 0.7, depth)]
        rot = {
            0: lambda p: p,
            1: lambda p: (1 - p[1], p[0]),
            2: lambda p: (p[0], 1 - p[1]),
            3: lambda p: (p[1], p[0]),
        }[int(edge)]
        shadow = tuple((float(x), float(y)) for x, y in map(rot, poly))
    lo, hi = level.blur_px
    motion = None
    if rng.random() < level.motion_p:
        motion = (
            float(rng.uniform(2, max(2.5, level.motion_px)) * scale),
            float(rng.uniform(0, 180)),
        )
    side = None
    if rng.random() < level.mixed_light_p:
        a = rng.uniform(0, 2 * math.pi)
        side = (math.cos(a), math.sin(a), float(rng.uniform(5500, 7500)))
        if kelvin > 5000:  # daylight on one side only makes sense against warm lamps
            kelvin = float(rng.uniform(2700, 3300))
    overexpose = float(rng.uniform(1.15, 1.45)) if rng.random() < level.clip_p else 1.0
    light_from = rng.uniform(-0.6, 0.6), -rng.uniform(0.5, 1.0)  # ceiling lights: from above
    n = math.hypot(*light_from)
    return Light(
        kelvin=kelvin,
        wb_kelvin=wb,
        exposure=float(rng.uniform(0.72, 1.02)),
        gradient=(
            math.cos(ang),
            math.sin(ang),
            float(rng.uniform(0.3, 1.0) * level.light_gradient),
        ),
        vignetting=float(rng.uniform(0.5, 1.0) * level.vignetting),
        glares=tuple(glares),
        shadow=shadow,
        shadow_depth=float(rng.uniform(0.12, 0.35)),
        blur_sigma=float(rng.uniform(lo, hi) * scale),
        motion=motion,
        noise=float(level.noise * rng.uniform(0.6, 1.4)),
        sharpen=float(rng.uniform(0.2, 0.8)),
        jpeg_quality=int(rng.integers(level.jpeg_quality[0], level.jpeg_quality[1] + 1)),
        direction=(float(light_from[0] / n), float(light_from[1] / n)),
        flare=float(rng.uniform(0.01, 0.03 + 0.06 * level.light_gradient)),
        side_light=side,
        overexpose=overexpose,
    )


def dim_light(light: Light, rng: np.random.Generator) -> Light:
    """`light` in a dim room (an evening workshop, a basement): the photo exposed 0.75 to 1.3
    stops under the usual (exposure x 0.4-0.6: the phone caps its ISO and shutter time, and
    meters for the notes, not the wall), the sensor's noise of a high ISO (twice as strong),
    and a light whose colour the phone's balance left in part, warm or cool alike: a lamp of
    2700-3300 K corrected only 30-60 % of the way to daylight (as phones do on purpose in
    the evening), or daylight (5500-7000 K) from a window the phone took for a warmer light
    (balanced for 0.62-0.8 of its temperature: a white wall turns blue-grey, a kraft roll
    greyish). A white wall is then as dim as a kraft roll at the usual exposure and, balanced
    grey by the phone, as neutral: the case in which the two are told apart by the notes
    alone (docs/markerless-journal.md, 41st stop). No glare: a dim room has no bright spot."""
    if rng.random() < 0.5:
        kelvin = float(rng.uniform(2700, 3300))
        wb = kelvin + (6500 - kelvin) * float(rng.uniform(0.3, 0.6))
    else:
        kelvin = float(rng.uniform(5500, 7000))
        wb = kelvin * float(rng.uniform(0.62, 0.8))
    return replace(
        light,
        kelvin=kelvin,
        wb_kelvin=wb,
        exposure=light.exposure * float(rng.uniform(0.4, 0.6)),
        glares=(),
        side_light=None,
        overexpose=1.0,
        noise=light.noise * 2.0,
    )


def _illumination(light: Light, size: tuple[int, int]) -> np.ndarray:
    """Multiplicative light field (linear), computed small and upsampled: it is smooth."""
    w, h = size
    sw, sh = 160, max(2, int(160 * h / w))
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    u, v = xs / (sw - 1), ys / (sh - 1)
    gx, gy, depth = light.gradient
    ramp = (u - 0.5) * gx + (v - 0.5) * gy  # -0.7 .. 0.7
    field = 1 - depth * (ramp + 0.7) / 1.4
    r2 = ((u - 0.5) ** 2 + ((v - 0.5) * h / w) ** 2) / (0.25 + 0.25 * (h / w) ** 2)
    field *= 1 - light.vignetting * r2**1.2
    if light.shadow is not None:
        mask = np.zeros((sh, sw), np.float32)
        pts = np.array([[x * sw, y * sh] for x, y in light.shadow], np.float32)
        cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 1.0, cv2.LINE_AA, shift=4)
        mask = cv2.GaussianBlur(mask, (0, 0), sw * 0.05)
        field *= 1 - light.shadow_depth * mask
    field *= light.exposure
    return field


def _glare(light: Light, size: tuple[int, int]) -> np.ndarray | None:
    if not light.glares:
        return None
    w, h = size
    sw, sh = 256, max(2, int(256 * h / w))
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    g = np.zeros((sh, sw), np.float32)
    diag = math.hypot(sw, sh)
    for x, y, rad, strength in light.glares:
        d2 = (xs - x * sw) ** 2 + (ys - y * sh) ** 2
        g += strength * np.exp(-d2 / (2 * (rad * diag) ** 2))  # broad sheen
        g += strength * 0.8 * np.exp(-d2 / (2 * (rad * diag * 0.25) ** 2))  # hot core
    return np.clip(cv2.resize(g, (w, h), interpolation=cv2.INTER_LINEAR), 0, 0.97)


def apply_light(img: np.ndarray, light: Light, rng: np.random.Generator) -> np.ndarray:
    """Scene (H x W x 3 float32 0-1, gamma-encoded, well lit) -> what the phone saves (uint8).

    The scene buffer is reused (overwritten) to keep memory traffic low.
    """
    h, w = img.shape[:2]
    small = _illumination(light, (w, h))
    cast = (kelvin_rgb(light.kelvin) / kelvin_rgb(light.wb_kelvin)) ** (1 / GAMMA)
    cast /= cast[1]
    gain = (small ** (1 / GAMMA))[..., None] * cast
    if light.side_light is not None:
        # daylight from a window fades across the frame; elsewhere the main source's cast
        sx, sy, sk = light.side_light
        gh, gw = gain.shape[:2]
        ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32)
        ramp = ((xs / max(1, gw - 1) - 0.5) * sx + (ys / max(1, gh - 1) - 0.5) * sy) * 2
        share = np.clip(0.5 + 0.6 * ramp, 0, 1)[..., None] ** 1.5
        day = (kelvin_rgb(sk) / kelvin_rgb(light.wb_kelvin)) ** (1 / GAMMA)
        day /= day[1]
        gain = gain * (1 - share * 0.8) + (small ** (1 / GAMMA))[..., None] * day * share * 0.8
    gain = np.ascontiguousarray(gain * light.overexpose, dtype=np.float32)
    # in place where possible: 12 MP float buffers are large, allocations cost time
    out = cv2.multiply(img, cv2.resize(gain, (w, h), interpolation=cv2.INTER_LINEAR), dst=img)
    if light.flare > 0:  # stray light spread over the frame: blacks become dark grey
        out *= 1 - light.flare
        out += light.flare * 0.7
    glare = _glare(light, (w, h))
    if glare is not None:  # screen blend, 1 - (1 - out)(1 - glare): washes colours to white
        np.clip(out, 0, 1, out=out)
        out -= 1
        out *= (1 - glare)[..., None]
        out += 1
    if light.motion is not None:
        length, ang = light.motion
        k = max(3, round(length) | 1)
        kernel = np.zeros((k, k), np.float32)
        c = k // 2
        dx, dy = math.cos(math.radians(ang)), math.sin(math.radians(ang))
        cv2.line(
            kernel,
            (round(c - dx * c), round(c - dy * c)),
            (round(c + dx * c), round(c + dy * c)),
            1.0,
            1,
            cv2.LINE_AA,
        )
        out = cv2.filter2D(out, -1, kernel / kernel.sum(), dst=out)
    if light.blur_sigma > 0.25:
        out = cv2.GaussianBlur(out, (0, 0), light.blur_sigma, dst=out)
    # sensor noise after the phone's denoiser: signal-dependent grain (shot noise grows with
    # the signal, a read-noise floor), a little clumped; darker scenes mean higher ISO
    iso = 1 / max(0.4, float(small.mean()))
    level = cv2.cvtColor(np.clip(out, 0, 1), cv2.COLOR_RGB2GRAY)
    sigma = light.noise * iso * (0.002 + 0.007 * np.sqrt(level))
    luma = rng.standard_normal((h, w), dtype=np.float32)
    luma = cv2.GaussianBlur(luma, (0, 0), 0.6) * 1.9  # keeps the std near 1
    luma *= sigma
    half = (max(1, w // 2), max(1, h // 2))
    chroma = cv2.resize(rng.standard_normal((half[1], half[0], 3), dtype=np.float32), (w, h))
    chroma *= (sigma * 0.3)[..., None]  # phones denoise chroma hard
    out += luma[..., None]
    out += chroma
    # phone sharpening: unsharp mask, halos on edges
    soft = cv2.GaussianBlur(out, (0, 0), 1.0 + light.blur_sigma * 0.3)
    out = cv2.addWeighted(out, 1 + light.sharpen, soft, -light.sharpen, 0.5 / 255, dst=out)
    np.clip(out, 0, 1, out=out)
    out *= 255
    return out.astype(np.uint8)


def encode_jpeg(pixels: np.ndarray, quality: int, orientation: int | None) -> bytes:
    """JPEG bytes, with an EXIF Orientation tag (0x0112) when `orientation` is given."""
    im = Image.fromarray(np.ascontiguousarray(pixels))
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "capture samples"  # Model
    exif[0x0131] = "wall capture sample generator"  # Software
    if orientation is not None:
        exif[0x0112] = orientation
    im.save(buf, "JPEG", quality=quality, exif=exif.tobytes(), subsampling=2)
    return buf.getvalue()
