"""A generated corpus of bad inputs for `capture run`, made from the committed sample photos.

Shared by tests/test_bad_inputs.py; kept in its own module so the corpus can be rebuilt by hand
(`python -m tests.badcorpus OUT`) to look at the files.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "residence-achats-durables"
WORKSHOP = SAMPLE / "workshop.yaml"
PHOTOS = sorted((SAMPLE / "set" / "photos").glob("*.jpg"))
SMALL_SIDE = 340  # downscaled so that decodable mutants are cheap (still above min_side_px)


@dataclass
class Item:
    name: str
    data: bytes
    expect: str | None  # an error code, "ok", or None when any known outcome is fine
    why: str


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(w: int = 50_000, h: int = 50_000) -> bytes:
    """A valid PNG header claiming w x h pixels with one tiny compressed row: a few hundred bytes
    that would decompress to gigabytes if anything tried."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def jpeg_bomb(base: bytes, w: int = 60_000, h: int = 60_000) -> bytes:
    """A real JPEG whose SOF header is rewritten to claim w x h pixels."""
    i = base.index(b"\xff\xc0")
    return base[: i + 5] + struct.pack(">HH", h, w) + base[i + 9 :]


def _encode(rgb: np.ndarray, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **kw)
    return buf.getvalue()


def quickest_photo() -> Path:
    """The sample photo with the fewest notes in its truth (least handwriting to read)."""
    import json

    def notes(p: Path) -> int:
        truth = json.loads((p.parent.parent / "truth" / f"{p.stem}.json").read_text("utf-8"))
        return len(truth["notes"]) + len(truth["actions"])

    return min(PHOTOS, key=notes)


def small_photo(path: Path, side: int) -> Image.Image:
    """A sample photo downscaled to `side` pixels on its short side."""
    with Image.open(path) as im:
        s = side / min(im.size)
        return im.convert("RGB").resize(
            (round(im.width * s), round(im.height * s)), Image.Resampling.LANCZOS
        )


def small_jpegs(n: int = 4) -> list[bytes]:
    """n small JPEGs (q85) of the sample photos, taken in turn, each at its own size (from
    SMALL_SIDE pixels on the short side up): always n distinct files, however many samples."""
    out = []
    for k in range(n):
        buf = io.BytesIO()
        small_photo(PHOTOS[k % len(PHOTOS)], SMALL_SIDE + 20 * k).save(buf, "JPEG", quality=85)
        out.append(buf.getvalue())
    return out


def foreign_board_photo() -> np.ndarray:
    """A board of the sample workshop printed for another workshop id, seen at an angle on a wall.

    Its markers are the same ids as ours (layouts number markers the same way), but its QR code
    names the other workshop: it must be recognised as foreign, never read as ours.
    """
    from capture.core.workshop import parse_workshop
    from capture.kit.layout import layout_workshop
    from capture.kit.render import render_board

    text = WORKSHOP.read_text("utf-8")
    ours = next(line for line in text.splitlines() if line.startswith("id: "))
    other = layout_workshop(parse_workshop(text.replace(ours, "id: another-workshop", 1), "x"))
    board = next(b for b in other.boards if b.kind == "verbatim")
    img = render_board(board, 3.0, other.aruco_dictionary)
    h, w = img.shape[:2]
    m = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [w, 0], [w, h], [0, h]]),
        np.float32([[150, 120], [850, 90], [870, 640], [130, 620]]),
    )
    wall = np.full((750, 1000, 3), (200, 190, 175), np.uint8)
    return cv2.warpPerspective(img, m, (1000, 750), dst=wall, borderMode=cv2.BORDER_TRANSPARENT)


def blank_wall(seed: int = 0) -> np.ndarray:
    """A plaster wall: smooth shading and grain, nothing printed on it."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:600, 0:800]
    shade = 190 + 25 * np.sin(x / 300.0) * np.cos(y / 250.0)
    grain = rng.normal(0, 4, (600, 800))
    grey = np.clip(shade + grain, 0, 255)
    return np.stack([grey + 6, grey + 2, grey - 4], axis=2).clip(0, 255).astype(np.uint8)


def build(seed: int = 5) -> list[Item]:
    """The corpus: over 200 files, each with what the batch must say about it."""
    rng = random.Random(seed)
    bases = small_jpegs()
    items: list[Item] = []
    add = items.append

    # good photos (the batch must still read them) and a duplicate under another name
    good = _encode(np.asarray(small_photo(PHOTOS[0], 1000)), "JPEG", quality=90)
    add(Item("good-1.jpg", good, "ok", "a sample photo (1000 px)"))
    add(Item("good-2-small.jpg", bases[2], "ok", "a sample photo downscaled"))
    add(Item("good-9-copy.jpg", good, "duplicate", "same bytes as good-1"))

    for k, base in enumerate(bases):
        n = len(base)
        # truncations at many offsets: headers cut, scans cut, only the end marker missing
        cuts = sorted({1, 2, 3, 10, 100, 400, n // 10, n // 4, n // 2, 3 * n // 4, 9 * n // 10,
                       n - 200, n - 20, n - 2} | {rng.randrange(4, n - 2) for _ in range(14)})
        for c in cuts:
            # without its 2-byte end marker a JPEG may still decode whole: any outcome is fine
            expect = "unreadable_image" if c < n - 2 else None
            add(Item(f"trunc-{k}-{c}.jpg", base[:c], expect, f"cut at byte {c}/{n}"))
        # wrong magic numbers in front of a JPEG body
        add(Item(f"pngmagic-{k}.png", b"\x89PNG\r\n\x1a\n" + base[2:], "unreadable_image",
                 "PNG signature, JPEG body"))
        add(Item(f"gifmagic-{k}.jpg", b"GIF89a" + base[6:], None, "GIF signature, JPEG body"))
        add(Item(f"tiffmagic-{k}.tif", b"II*\x00" + base[4:], "unreadable_image",
                 "TIFF signature, JPEG body"))
        add(Item(f"nosoi-{k}.jpg", base[2:], "unreadable_image", "JPEG without its first marker"))
        add(Item(f"heicbox-{k}.heic", b"\x00\x00\x00\x18ftypheic" + base[12:], None,
                 "HEIC box, JPEG body"))
        add(Item(f"riff-{k}.jpg", b"RIFF\x00\x10\x00\x00WEBPVP8 " + base[16:], None,
                 "WebP signature, JPEG body"))
        if k not in (1, 2):
            continue
        # Flipped bytes in the header (markers, tables) and bits in the scan data; on two of
        # the photos only, since most of these still decode and get analysed (the slow part).
        sos = base.index(b"\xff\xda")
        for j in range(5):
            pos = rng.randrange(2, sos + 12)
            data = bytearray(base)
            data[pos] ^= rng.randrange(1, 256)
            add(Item(f"hdrflip-{k}-{j}-{pos}.jpg", bytes(data), None, f"byte {pos} changed"))
        for j in range(4):
            data = bytearray(base)
            for _ in range(rng.choice((1, 4, 32))):
                pos = rng.randrange(sos + 12, n - 2)
                data[pos] ^= 1 << rng.randrange(8)
            add(Item(f"bitflip-{k}-{j}.jpg", bytes(data), None, "bits flipped in the scan"))

    for ext in (".jpg", ".png", ".heic", ".tif"):
        add(Item(f"zero{ext}", b"", "empty_file", "0 bytes"))
    for j in range(36):
        ext = (".jpg", ".jpeg", ".png", ".heic", ".tif", ".tiff")[j % 6]
        size = rng.choice((1, 7, 64, 1000, 20_000))
        add(Item(f"random-{j}{ext}", rng.randbytes(size), "unreadable_image", f"{size} bytes"))
    texts = {
        "notes.jpg": b"Compte rendu de l'atelier\nIMG_0001 IMG_0002\n",
        "page.png": b"<html><script>alert(1)</script></html>",
        "data.heic": b'{"photos": []}',
        "script.jpg": b"#!/bin/sh\nrm -rf /\n",
        "utf16.jpeg": "photo".encode("utf-16"),
    }
    for name, data in texts.items():
        add(Item(name, data, "unreadable_image", "a text file with an image name"))

    rgb = np.asarray(Image.open(io.BytesIO(bases[1])).convert("RGB"))
    tiny = np.full((10, 10, 3), 128, np.uint8)
    add(Item("tiny.png", _encode(tiny, "PNG"), "too_small", "10x10 pixels"))
    add(Item("tiny.jpg", _encode(tiny, "JPEG"), "too_small", "10x10 pixels"))
    add(Item("bomb.png", png_bomb(), "too_many_pixels", "PNG header claiming 50000x50000"))
    add(Item("bomb-150mp.png", png_bomb(15_000, 10_000), "too_many_pixels", "150 MP claimed"))
    add(Item("bomb.jpg", jpeg_bomb(bases[0]), "too_many_pixels", "JPEG header claiming 60000^2"))
    add(Item("anim.jpg", _encode(rgb, "GIF"), "unsupported_format", "a GIF named .jpg"))
    add(Item("scan.jpg", _encode(rgb, "BMP"), None, "a BMP named .jpg (BMP is supported)"))
    add(Item("web.png", _encode(rgb, "WEBP"), None, "a WebP named .png (WebP is supported)"))
    add(Item("icon.jpg", _encode(rgb[:64, :64], "ICO"), "unsupported_format", "an icon"))
    add(Item("foreign.jpg", _encode(foreign_board_photo(), "JPEG", quality=90),
             "foreign_workshop", "a board printed for another workshop"))
    add(Item("blank-wall.jpg", _encode(blank_wall(), "JPEG", quality=90), "no_boards",
             "a wall with nothing on it"))
    add(Item("dark.jpg", _encode(np.zeros((480, 640, 3), np.uint8), "JPEG"), "no_boards",
             "lens cap on"))
    return items


def write(items: list[Item], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for it in items:
        (folder / it.name).write_bytes(it.data)


if __name__ == "__main__":  # pragma: no cover - for looking at the corpus by hand
    corpus = build()
    write(corpus, Path(sys.argv[1]))
    print(f"{len(corpus)} files in {sys.argv[1]}")


def crash_work(job: object) -> object:
    """The batch's per-photo work, except that a photo named crash* kills its worker process
    the way a segfault in a native library or the out-of-memory killer would."""
    import os
    import signal

    from capture.app.batch import _work

    if job.path.name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _work(job)
