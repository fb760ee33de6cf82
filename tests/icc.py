"""A Display P3 ICC profile built in the test (matrix and tone curve), for photos tagged as
iPhones tag theirs; no profile file ships with the tests."""

from __future__ import annotations

import struct

# Display P3 primaries adapted to the ICC's D50 (as in Apple's profile), white D50
P3_COLORANTS = (
    (0.51512, 0.24120, -0.00105),
    (0.29198, 0.69225, 0.04189),
    (0.15710, 0.06657, 0.78407),
)
D50 = (0.9642, 1.0, 0.8249)


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return (
        b"desc"
        + bytes(4)
        + struct.pack(">I", len(ascii_))
        + ascii_
        + bytes(8)
        + bytes(3)
        + bytes(67)
    )


def matrix_profile(
    colorants: tuple[tuple[float, float, float], ...] = P3_COLORANTS,
    gamma: float = 2.2,
    name: str = "Display P3 (test)",
) -> bytes:
    """ICC v2 RGB display profile: colorants (D50 XYZ of the R, G, B primaries), one gamma."""
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    tags = [
        (b"desc", _desc(name)),
        (b"wtpt", _xyz(*D50)),
        (b"rXYZ", _xyz(*colorants[0])),
        (b"gXYZ", _xyz(*colorants[1])),
        (b"bXYZ", _xyz(*colorants[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text" + bytes(4) + b"none\0" + bytes(3)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body + bytes(-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8)
        + struct.pack(">I", 0)
        + _s15(D50[0])
        + _s15(D50[1])
        + _s15(D50[2])
        + bytes(4)
        + bytes(16)
        + bytes(28)
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data
