"""Load one photo file into an upright RGB array, refusing what cannot or should not be decoded.

The only stage that touches the disk. Size limits are checked from the header, before the
pixels are decoded, so a decompression bomb never reaches memory.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from capture.core.config import Limits
from capture.core.errors import PhotoError

try:  # HEIC/HEIF straight from iPhones
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_OK = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF_OK = False

# Formats a phone or a scanner produces; anything else PIL happens to open is refused.
SUPPORTED_FORMATS = {"JPEG", "MPO", "PNG", "TIFF", "HEIF", "WEBP", "BMP"}
EXIF_ORIENTATION = 0x0112
# A profile whose primaries lie this near sRGB's (ICC XYZ, D50) is sRGB under another name
# ("c2", "sRGB IEC61966-2.1 black scaled"): converting would cost time and change nothing.
SRGB_COLORANT_TOLERANCE = 0.003


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (identifies a photo across runs)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def _pil_pixel_limit(max_pixels: int) -> Iterator[None]:
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = old


def _to_rgb(img: Image.Image) -> np.ndarray:
    """8-bit RGB whatever the mode (16-bit greys, palettes, alpha over white)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        grey = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    if img.mode != "RGB":  # convert copies even an RGB image: only when it changes something
        img = img.convert("RGB")
    return np.ascontiguousarray(np.asarray(img, dtype=np.uint8))


@functools.lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    ref, got = _srgb().profile, profile.profile
    pairs = [
        (getattr(ref, n), getattr(got, n))
        for n in ("red_colorant", "green_colorant", "blue_colorant")
    ]
    if any(g is None for _, g in pairs):
        return False
    return all(
        abs(a - b) <= SRGB_COLORANT_TOLERANCE
        for r, g in pairs
        for a, b in zip(r[0], g[0], strict=True)
    )


def _as_srgb(img: Image.Image, icc: bytes | None) -> tuple[Image.Image, str | None, bool]:
    """The photo in sRGB, which the colour references assume, from its embedded ICC profile.

    iPhones save in Display P3: read as sRGB, their colours would come out paler and shifted.
    Returns the image, the profile's description and whether it was converted. A profile that
    cannot be read, or is sRGB already, leaves the pixels as they are.
    """
    if not icc or img.mode not in ("RGB", "CMYK"):
        return img, None, False
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = (src.profile.profile_description or "").strip() or None
        space = src.profile.xcolor_space.strip()
        if space != img.mode or (space == "RGB" and _is_srgb(src)):
            return img, name, False
        out = ImageCms.profileToProfile(
            img,
            src,
            _srgb(),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode="RGB",
        )
    except (OSError, ValueError, ImageCms.PyCMSError):  # a broken profile must not lose the photo
        return img, None, False
    return out, name, True


@dataclass(frozen=True)
class Decoded:
    """A photo's pixels, upright and in sRGB, with what the file said about them."""

    rgb: np.ndarray  # H x W x 3 uint8
    fmt: str  # Pillow's format name (JPEG, HEIF...)
    header_size: tuple[int, int]  # (w, h) from the header, before EXIF rotation
    orientation: int  # EXIF orientation (1: as stored)
    profile: str | None  # the embedded colour profile's description, if any
    converted: bool  # pixels converted to sRGB from that profile


def load_photo(path: Path, limits: Limits) -> tuple[np.ndarray, dict]:
    """Upright RGB uint8 array of a photo (EXIF orientation applied) and facts about the file.

    Raises PhotoError with code empty_file, unreadable_image, unsupported_format,
    too_many_pixels or too_small.
    """
    path = Path(path)
    name = path.name
    size = _file_size(path)
    # PIL's own guard follows ours while this photo opens (it refuses at twice the limit, before
    # our check), then goes back to what it was: other readers keep their own setting.
    with _pil_pixel_limit(limits.max_pixels), warnings.catch_warnings():
        # Our own pixel limit decides; PIL's bomb warning would only add noise.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with _open_image(path, limits) as img:
            d = _decode(img, name, limits)
    hh, ww = d.rgb.shape[:2]
    if min(hh, ww) < limits.min_side_px:
        raise PhotoError(
            f"L'image {name} ne fait que {ww}x{hh} pixels : trop petite pour lire un panneau "
            f"(il faut au moins {limits.min_side_px} pixels de chaque côté).",
            code="too_small",
        )
    meta = {
        "format": d.fmt,
        "bytes": size,
        "width": ww,
        "height": hh,
        "exif_orientation": d.orientation,
        "file_size_px": d.header_size,
        "colour_profile": d.profile,
        "converted_to_srgb": d.converted,
    }
    return d.rgb, meta


def _file_size(path: Path) -> int:
    """The file's size in bytes; PhotoError when it cannot be read or is empty."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PhotoError(
            f"La photo {path.name} ne peut pas être ouverte ({exc.strerror}).",
            code="unreadable_image",
        ) from exc
    if size == 0:
        raise PhotoError(
            f"Le fichier {path.name} est vide (0 octet) : recopiez la photo depuis le téléphone.",
            code="empty_file",
        )
    return size


def _open_image(path: Path, limits: Limits) -> Image.Image:
    """The image opened lazily (header only); PhotoError for what is not an image we read."""
    name = path.name
    try:
        return Image.open(path)
    except UnidentifiedImageError as exc:
        raise PhotoError(
            f"Le fichier {name} n'est pas une image que cet outil sait lire "
            "(photo JPEG, PNG, TIFF ou HEIC attendue).",
            code="unreadable_image",
        ) from exc
    except Image.DecompressionBombError as exc:
        raise PhotoError(
            f"L'image {name} dépasse de loin les {limits.max_pixels / 1e6:g} millions "
            "de pixels autorisés (--max-megapixels) : elle n'a pas été ouverte.",
            code="too_many_pixels",
        ) from exc
    except OSError as exc:
        raise PhotoError(
            f"Le fichier {name} ne peut pas être lu comme une image ({exc}).",
            code="unreadable_image",
        ) from exc


def _decode(img: Image.Image, name: str, limits: Limits) -> Decoded:
    """Format and size checked from the header, then the pixels decoded, turned upright and
    converted to sRGB."""
    fmt = (img.format or "").upper()
    if fmt not in SUPPORTED_FORMATS:
        raise PhotoError(
            f"Le fichier {name} est une image {fmt or 'de format inconnu'} : utilisez "
            "des photos JPEG, PNG, TIFF ou HEIC.",
            code="unsupported_format",
        )
    w, h = img.size  # from the header: nothing decoded yet
    if w * h > limits.max_pixels:
        raise PhotoError(
            f"L'image {name} a {w * h / 1e6:.0f} millions de pixels, plus que les "
            f"{limits.max_pixels / 1e6:g} millions autorisés (--max-megapixels) : elle "
            "n'a pas été ouverte.",
            code="too_many_pixels",
        )
    try:
        exif = img.getexif()
        orientation = int(exif.get(EXIF_ORIENTATION, 1) or 1)
    except Exception:  # broken EXIF must not lose the photo
        orientation = 1
    icc = img.info.get("icc_profile")
    try:
        img.load()
        upright = ImageOps.exif_transpose(img) if orientation != 1 else img
        upright, profile, converted = _as_srgb(upright, icc)
        rgb = _to_rgb(upright)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(
            f"La photo {name} est abîmée ou incomplète (fichier tronqué ?) : "
            "recopiez-la depuis le téléphone.",
            code="unreadable_image",
        ) from exc
    return Decoded(rgb, fmt, (w, h), orientation, profile, converted)
