"""Loading photos: EXIF orientation, HEIC, and clear refusals of what cannot be read."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from icc import matrix_profile
from PIL import Image, ImageCms

from capture.core.config import Limits
from capture.core.errors import PhotoError
from capture.io.decode import file_sha256, load_photo

LIMITS = Limits()


def _marked(w: int = 600, h: int = 400) -> np.ndarray:
    """A grey image with a red block in its top-left corner (to see where 'up' went)."""
    a = np.full((h, w, 3), 128, np.uint8)
    a[:100, :150] = (255, 0, 0)
    return a


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _code(path: Path, limits: Limits = LIMITS) -> str:
    with pytest.raises(PhotoError) as info:
        load_photo(path, limits)
    assert info.value.message.endswith((".", "!"))  # a sentence for a person
    return info.value.code


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Orientation 6: the stored pixels must be turned 90° clockwise to be upright.
    path = tmp_path / "rotated.jpg"
    img = Image.fromarray(_marked())
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(path, exif=exif.tobytes(), quality=95)
    rgb, meta = load_photo(path, LIMITS)
    assert rgb.shape == (600, 400, 3) and rgb.dtype == np.uint8
    assert meta["exif_orientation"] == 6 and (meta["width"], meta["height"]) == (400, 600)
    # after a clockwise quarter turn the red block is at the top-right
    assert rgb[20:80, -120:-20, 0].mean() > 200 and rgb[20:80, -120:-20, 2].mean() < 60
    assert rgb[20:80, 20:120, 0].mean() < 160


def test_plain_png_and_heic(tmp_path: Path) -> None:
    png = tmp_path / "a.png"
    Image.fromarray(_marked()).save(png)
    rgb, meta = load_photo(png, LIMITS)
    assert rgb.shape == (400, 600, 3) and meta["format"] == "PNG"
    assert tuple(rgb[10, 10]) == (255, 0, 0)
    heic = tmp_path / "a.heic"
    Image.fromarray(_marked()).save(heic, quality=90)
    rgb, meta = load_photo(heic, LIMITS)
    assert meta["format"] == "HEIF" and rgb.shape == (400, 600, 3)
    assert rgb[20:80, 20:120, 0].mean() > 200


# sticker and note colours of calibration/colors.yaml, and a grey
SWATCHES = np.array(
    [
        [
            [214, 38, 49],
            [36, 158, 82],
            [28, 92, 190],
            [250, 212, 28],
            [236, 72, 150],
            [128, 128, 128],
        ]
    ],
    np.uint8,
)


def _tiles() -> np.ndarray:
    """The swatches side by side, 64 px wide (whole JPEG blocks), 384 px tall."""
    return np.repeat(np.repeat(SWATCHES, 384, axis=0), 64, axis=1)


def _p3(rgb: np.ndarray, icc: bytes) -> Image.Image:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return ImageCms.profileToProfile(
        Image.fromarray(rgb), srgb, ImageCms.ImageCmsProfile(io.BytesIO(icc)), outputMode="RGB"
    )


@pytest.mark.parametrize("ext", ["png", "jpg", "heic"])
def test_display_p3_photos_are_read_in_srgb(tmp_path: Path, ext: str) -> None:
    # What an iPhone saves: the same colours as Display P3 values, with the profile embedded.
    icc = matrix_profile()
    swatches = _tiles()
    stored = _p3(swatches, icc)
    path = tmp_path / f"p3.{ext}"
    stored.save(path, icc_profile=icc, **({} if ext == "png" else {"quality": 95}))
    rgb, meta = load_photo(path, LIMITS)
    assert meta["converted_to_srgb"] and meta["colour_profile"] == "Display P3 (test)"
    centre = rgb[32::384, 32::64].astype(int)
    raw = np.asarray(stored, np.int16)[32::384, 32::64]
    tol = 2 if ext == "png" else 6
    assert np.abs(centre - SWATCHES).max() <= tol
    # read as sRGB the red would lose 20 levels of red and gain 20 of green and blue
    assert np.abs(raw - SWATCHES).max() > 15


def test_srgb_profiles_and_broken_profiles_leave_pixels_alone(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    swatches = _tiles()
    for name, icc in (("srgb", srgb), ("broken", b"\0" * 64 + b"not a profile")):
        path = tmp_path / f"{name}.png"
        Image.fromarray(swatches).save(path, icc_profile=icc)
        rgb, meta = load_photo(path, LIMITS)
        assert not meta["converted_to_srgb"]
        assert np.array_equal(rgb, swatches)


def test_empty_truncated_and_non_images(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert _code(empty) == "empty_file"
    good = tmp_path / "good.jpg"
    Image.fromarray(_marked()).save(good, quality=90)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(data[: len(data) // 3])
    assert _code(truncated) == "unreadable_image"
    text = tmp_path / "notes.jpg"
    text.write_text("this is not a photo\n" * 20)
    assert _code(text) == "unreadable_image"
    gif = tmp_path / "anim.gif"
    Image.fromarray(_marked()).save(gif)
    assert _code(gif) == "unsupported_format"


def test_too_small_and_too_many_pixels(tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    Image.fromarray(_marked(200, 150)).save(small)
    assert _code(small) == "too_small"
    ok = tmp_path / "ok.png"
    Image.fromarray(_marked()).save(ok)
    assert _code(ok, Limits(max_pixels=100_000)) == "too_many_pixels"
    # A decompression bomb: a valid PNG header announcing 60000 x 60000 pixels.
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
    )
    assert _code(bomb) == "too_many_pixels"


def test_sha256(tmp_path: Path) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(b"wall" * 1000)
    assert file_sha256(p) == hashlib.sha256(b"wall" * 1000).hexdigest()
