"""Board geometry in millimetres, derived from the workshop file alone.

The same layout feeds the printed kit, the sample generator and the pipeline, so a
board printed from one version of a workshop file is read back with identical numbers.
"""

from __future__ import annotations

import math

from capture.core.colour_names import COLOUR_FR, COLOUR_FR_F
from capture.core.config import CONFIG, KitConfig
from capture.core.errors import WorkshopError
from capture.core.model import Axis, BoardLayout, KitLayout, MarkerSpec, Rect, TextBlock, ZoneSpec
from capture.core.workshop import SLUG_RE, BoardSpec, Workshop

QR_PREFIX = "WCAP1"
X_AXIS = Axis("Échéance", ("court terme", "moyen terme", "long terme"))
Y_AXIS = Axis("Impact politique et durabilité", ("faible", "moyen", "fort"))


def qr_payload(workshop_id: str, board_id: str) -> str:
    """Text stored in a board's QR code."""
    return f"{QR_PREFIX}|{workshop_id}|{board_id}"


def parse_qr_payload(payload: str) -> tuple[str, str] | None:
    """(workshop id, board id) from a QR payload, or None if it is not one of ours."""
    parts = payload.strip().split("|")
    if len(parts) != 3 or parts[0] != QR_PREFIX:
        return None

    if not (SLUG_RE.match(parts[1]) and (SLUG_RE.match(parts[2]))):
        return None
    return parts[1], parts[2]


def grid_cell(x: float, y: float) -> str:
    """Cell label of a grid position (x: échéance, y: impact, both in [0, 1])."""
    col = X_AXIS.labels[min(2, max(0, int(x * 3)))]
    row = Y_AXIS.labels[min(2, max(0, int(y * 3)))]
    return f"{col} / impact {row}"


def _edge_positions(start: float, end: float, spacing: float) -> list[float]:
    """Marker origins from start to end inclusive, at most `spacing` apart."""
    n = max(1, math.ceil((end - start) / spacing))
    return [start + (end - start) * i / n for i in range(n + 1)]


def _marker_origins(w: float, h: float, s: float, k: KitConfig) -> list[tuple[float, float]]:
    m = k.margin_mm
    xs = _edge_positions(m, w - m - s, k.marker_spacing_mm)
    ys = _edge_positions(m, h - m - s, k.marker_spacing_mm)
    top = [(x, m) for x in xs]
    right = [(w - m - s, y) for y in ys[1:]]
    bottom = [(x, h - m - s) for x in reversed(xs[:-1])]
    left = [(m, y) for y in reversed(ys[1:-1])]
    return top + right + bottom + left  # clockwise from the top-left corner


def _square(x: float, y: float, s: float) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + s, y), (x + s, y + s), (x, y + s))


def _header(
    title: str, subtitle: str, w: float, s: float, qr_x: float, top_xs: list[float], k: KitConfig
) -> list[TextBlock]:
    """Title and grey subtitle in the top band, between the first marker and the next obstacle."""
    m, g = k.margin_mm, k.gap_mm
    x0 = m + s + g
    obstacles = [x for x in top_xs if x > x0] + [qr_x]
    x1 = min(obstacles) - g
    return [
        TextBlock(title, (x0, m, x1 - x0, s * 0.62), size_mm=s * 0.36, bold=True),
        TextBlock(
            subtitle, (x0, m + s * 0.64, x1 - x0, s * 0.36), size_mm=s * 0.22, grey=k.label_grey
        ),
    ]


def _board(
    spec_id: str,
    kind: str,
    title: str,
    wall_title: str,
    workshop: Workshop,
    size: tuple[float, float],
    next_id: int,
    k: KitConfig,
    text: str = "",
) -> tuple[dict, int]:
    """Markers, QR and header common to every board; returns fields and the next free id."""
    w, h = size
    s = k.marker_mm_large if max(w, h) > k.large_board_mm else k.marker_mm_small
    q = k.qr_mm_large if max(w, h) > k.large_board_mm else k.qr_mm_small
    origins = _marker_origins(w, h, s, k)
    markers = tuple(MarkerSpec(next_id + i, _square(x, y, s)) for i, (x, y) in enumerate(origins))
    qr_x = w - k.margin_mm - s - k.gap_mm - q
    qr_rect: Rect = (qr_x, k.margin_mm + (s - q) / 2, q, q)
    top_xs = [x for x, y in origins if y == k.margin_mm]
    subtitle = wall_title if wall_title != title else workshop.title
    texts = _header(title, subtitle, w, s, qr_x, top_xs, k)
    fields = dict(
        id=spec_id,
        kind=kind,
        title=title,
        wall=wall_title,
        size_mm=(w, h),
        markers=markers,
        qr_rect_mm=qr_rect,
        qr_payload=qr_payload(workshop.id, spec_id),
        texts=tuple(texts),
        text=text,
    )
    return fields, next_id + len(markers)


def _interior(w: float, h: float, s: float, k: KitConfig, side_markers: bool) -> Rect:
    """Free area below the header and above the bottom markers (inside side markers if any)."""
    m, g = k.margin_mm, k.gap_mm
    x0 = m + s + g if side_markers else m
    y0 = m + s + g
    return (x0, y0, w - 2 * x0, h - 2 * y0)


def _zone_label(zone: ZoneSpec, k: KitConfig, size: float = 9.0) -> TextBlock:
    x, y, w, _ = zone.rect_mm
    return TextBlock(
        zone.label, (x + 3, y + 2, w - 6, size * 1.5), size, grey=k.label_grey, bold=True
    )


def _layout_verbatim(f: dict, k: KitConfig) -> dict:
    w, h = f["size_mm"]
    s = f["markers"][0].corners_mm[1][0] - f["markers"][0].corners_mm[0][0]
    x, y, iw, ih = _interior(w, h, s, k, side_markers=False)
    g = k.gap_mm
    quote_h = ih * 0.36
    zw = (iw - g) / 2
    zy, zh = y + quote_h + g, ih - quote_h - g
    zones = (
        ZoneSpec("agree", "vote", (x, zy, zw, zh), label="D'accord", vote="agree"),
        ZoneSpec(
            "disagree", "vote", (x + zw + g, zy, zw, zh), label="Pas d'accord", vote="disagree"
        ),
    )
    texts = [TextBlock(f"« {f['text']} »", (x, y, iw, quote_h), size_mm=12.0, align="center")]
    texts += [_zone_label(z, k, 10.0) for z in zones]
    texts.append(_footer("Collez une gommette : d'accord ou pas d'accord ?", w, h, s, k))
    return dict(f, zones=zones, texts=f["texts"] + tuple(texts))


def _footer(text: str, w: float, h: float, s: float, k: KitConfig) -> TextBlock:
    m, g = k.margin_mm, k.gap_mm
    return TextBlock(
        text,
        (m + s + g, h - m - s * 0.7, w - 2 * (m + s + g), s * 0.5),
        6.0,
        grey=k.label_grey,
        align="center",
    )


def _layout_story(f: dict, k: KitConfig) -> dict:
    w, h = f["size_mm"]
    s = f["markers"][0].corners_mm[1][0] - f["markers"][0].corners_mm[0][0]
    x, y, iw, ih = _interior(w, h, s, k, side_markers=False)
    text_h = ih * 0.32
    zone = ZoneSpec(
        "valeurs",
        "notes",
        (x, y + text_h + k.gap_mm, iw, ih - text_h - k.gap_mm),
        label="Quelles valeurs ce récit montre-t-il ?",
    )
    texts = [TextBlock(f["text"], (x, y, iw, text_h), size_mm=11.0), _zone_label(zone, k)]
    texts.append(_footer("Nommez une valeur par post-it et collez-le ici", w, h, s, k))
    return dict(f, zones=(zone,), texts=f["texts"] + tuple(texts))


def _layout_process(f: dict, spec: BoardSpec, k: KitConfig) -> dict:
    w, h = f["size_mm"]
    s = f["markers"][0].corners_mm[1][0] - f["markers"][0].corners_mm[0][0]
    x, y, iw, ih = _interior(w, h, s, k, side_markers=True)
    n, g = len(spec.phases), 4.0
    cw = (iw - g * (n - 1)) / n
    zones = tuple(
        ZoneSpec(p.id, "notes", (x + i * (cw + g), y, cw, ih), label=f"{i + 1}. {p.label}")
        for i, p in enumerate(spec.phases)
    )
    texts = tuple(
        TextBlock(z.label, (z.rect_mm[0] + 3, y + 3, cw - 6, 24), 8.0, grey=k.label_grey, bold=True)
        for z in zones
    )
    return dict(f, zones=zones, texts=f["texts"] + texts)


def _layout_mire(f: dict, k: KitConfig) -> dict:
    w, h = f["size_mm"]
    s = f["markers"][0].corners_mm[1][0] - f["markers"][0].corners_mm[0][0]
    x, y, iw, ih = _interior(w, h, s, k, side_markers=True)
    band = 34.0  # axis labels
    side = min(iw - band, ih - band)
    gx, gy = x + band, y
    zone = ZoneSpec(
        "grille", "grid", (gx, gy, side, side), label="Mire", x_axis=X_AXIS, y_axis=Y_AXIS
    )
    grey = k.zone_grey
    lines = []
    for i in (1, 2):  # thirds: the cells of the grid
        lines.append((gx + side * i / 3, gy, gx + side * i / 3, gy + side, grey))
        lines.append((gx, gy + side * i / 3, gx + side, gy + side * i / 3, grey))
    lg = k.label_grey
    texts = [
        TextBlock(
            f"{Y_AXIS.name} →", (x, gy + side * 0.25, 14, side * 0.5), 9.0, lg, True, "center", True
        ),
        TextBlock("faible", (x + 16, gy + side - 40, 14, 40), 7.0, lg, False, "center", True),
        TextBlock("fort", (x + 16, gy, 14, 40), 7.0, lg, False, "center", True),
        TextBlock(
            f"{X_AXIS.name} →",
            (gx + side * 0.3, gy + side + 18, side * 0.4, 14),
            9.0,
            lg,
            True,
            "center",
        ),
    ]
    for i, label in enumerate(X_AXIS.labels):
        texts.append(
            TextBlock(
                label, (gx + side * i / 3, gy + side + 3, side / 3, 12), 7.0, lg, align="center"
            )
        )
    return dict(f, zones=(zone,), texts=f["texts"] + tuple(texts), lines=tuple(lines))


def _layout_calibration(f: dict, workshop: Workshop, k: KitConfig) -> dict:
    w, h = f["size_mm"]
    s = f["markers"][0].corners_mm[1][0] - f["markers"][0].corners_mm[0][0]
    x, y, iw, _ = _interior(w, h, s, k, side_markers=False)
    lg, swatches, texts = k.label_grey, [], []
    greys = (255, 230, 190, 150, 110, 70, 20)
    pw = iw / len(greys)
    for i, v in enumerate(greys):
        swatches.append(("grey", str(v), (x + i * pw, y, pw, 18.0)))
    d = workshop.stickers.diameter_mm
    cols = workshop.stickers.colors
    sy = y + 32
    for i, c in enumerate(cols):
        cx = x + (i + 0.5) * iw / len(cols)
        swatches.append(("sticker", c, (cx - d, sy, 2 * d, 2 * d)))
        texts.append(
            TextBlock(
                f"gommette {COLOUR_FR_F[c]}",
                (cx - 35, sy + 2 * d + 1, 70, 7),
                5.0,
                lg,
                align="center",
            )
        )
    ncols = workshop.notes.colors
    ns = min(60.0, (iw - 8 * (len(ncols) - 1)) / len(ncols))
    ny = sy + 2 * d + 16
    for i, c in enumerate(ncols):
        nx = x + i * (iw - ns) / max(1, len(ncols) - 1)
        texts.append(TextBlock(f"post-it {COLOUR_FR[c]}", (nx, ny, ns, 7), 5.0, lg, align="center"))
        swatches.append(("note", c, (nx, ny + 8, ns, ns)))
    texts.append(
        _footer(
            "Carte d'étalonnage : une gommette et un post-it de chaque couleur sur leur case",
            w,
            h,
            s,
            k,
        )
    )
    return dict(f, zones=(), texts=f["texts"] + tuple(texts), swatches=tuple(swatches))


def layout_workshop(workshop: Workshop, kit: KitConfig = CONFIG.kit) -> KitLayout:
    """Every board of the workshop (and its calibration card): markers, zones and texts in mm."""
    next_id = workshop.marker_id_offset
    boards: list[BoardLayout] = []
    for wall, spec in workshop.boards():
        size = spec.size_mm or kit.sizes_mm[spec.kind]
        f, next_id = _board(
            spec.id, spec.kind, spec.title, wall.title, workshop, size, next_id, kit, text=spec.text
        )
        if spec.kind == "verbatim":
            f = _layout_verbatim(f, kit)
        elif spec.kind == "story":
            f = _layout_story(f, kit)
        elif spec.kind == "process":
            f = _layout_process(f, spec, kit)
        else:
            f = _layout_mire(f, kit)
        boards.append(BoardLayout(**f))
    if workshop.calibration_card:
        f, next_id = _board(
            "calibration",
            "calibration",
            "Carte d'étalonnage des couleurs",
            workshop.title,
            workshop,
            kit.sizes_mm["calibration"],
            next_id,
            kit,
        )
        boards.append(BoardLayout(**_layout_calibration(f, workshop, kit)))
    if next_id > _dictionary_size(kit.aruco_dictionary):
        raise WorkshopError(
            f"l'atelier demande {next_id} repères ArUco mais {kit.aruco_dictionary} n'en a "
            f"que {_dictionary_size(kit.aruco_dictionary)} : utilisez moins de panneaux ou un "
            "marker_id_offset plus petit"
        )
    return KitLayout(
        workshop=workshop.id,
        title=workshop.title,
        aruco_dictionary=kit.aruco_dictionary,
        sticker_diameter_mm=workshop.stickers.diameter_mm,
        sticker_colors=tuple(workshop.stickers.colors),
        note_size_mm=workshop.notes.size_mm,
        note_colors=tuple(workshop.notes.colors),
        boards=tuple(boards),
    )


def _dictionary_size(name: str) -> int:
    return int(name.rsplit("_", 1)[1])
