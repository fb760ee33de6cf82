"""Compose one upright photo: the wall, then every board in view warped from a canvas
rendered at the photo's own pixel density (never a giant texture warped at low res).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from capture.core.config import CONFIG, SynthConfig
from capture.core.model import KitLayout
from capture.synth.camera import Camera, project
from capture.synth.decorate import PAD_MM, BoardDeco, Canvas, draw_board, draw_poster
from capture.synth.truth import BoardView, Hidden, board_view
from capture.synth.wall import WallPlan, render_wall


def _density(
    hmat: np.ndarray, region: tuple[float, float, float, float], size: tuple[int, int]
) -> float:
    """Typical photo px per board mm over the visible region (75th percentile: perspective
    makes the near side denser; rendering for the very nearest point would be wasteful)."""
    x0, y0, x1, y1 = region
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    p = np.column_stack([gx.ravel(), gy.ravel()])
    base = project(hmat, p)
    inside = (base[:, 0] >= 0) & (base[:, 0] < size[0]) & (base[:, 1] >= 0) & (base[:, 1] < size[1])
    if inside.any():
        p, base = p[inside], base[inside]
    dx = np.linalg.norm(project(hmat, p + np.array([1.0, 0.0])) - base, axis=1)
    dy = np.linalg.norm(project(hmat, p + np.array([0.0, 1.0])) - base, axis=1)
    return float(np.percentile(np.maximum(dx, dy), 75))


def _visible_region(
    hmat: np.ndarray, size: tuple[int, int], board_size: tuple[float, float]
) -> tuple[float, float, float, float] | None:
    """Board-mm rectangle (board plus padding) that the frame can see, or None."""
    w, h = size
    frame = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    q = project(np.linalg.inv(hmat), frame)
    bw, bh = board_size
    x0, y0 = max(-PAD_MM, q[:, 0].min() - 5), max(-PAD_MM, q[:, 1].min() - 5)
    x1, y1 = min(bw + PAD_MM, q[:, 0].max() + 5), min(bh + PAD_MM, q[:, 1].max() + 5)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _composite(img: np.ndarray, cv: Canvas, hmat: np.ndarray) -> None:
    """Warp a premultiplied canvas (its own mm -> photo px by hmat) over the photo, in place."""
    h, w = img.shape[:2]
    ppm = cv.ppm
    ox, oy = cv.origin
    to_mm = np.array([[1 / ppm, 0, ox + 0.5 / ppm], [0, 1 / ppm, oy + 0.5 / ppm], [0, 0, 1]])
    m = hmat @ to_mm
    ch, cw = cv.alpha.shape
    corners = project(
        m, np.array([[-0.5, -0.5], [cw - 0.5, -0.5], [cw - 0.5, ch - 0.5], [-0.5, ch - 0.5]])
    )
    rx0, ry0 = max(0, math.floor(corners[:, 0].min())), max(0, math.floor(corners[:, 1].min()))
    rx1, ry1 = (
        min(w, math.ceil(corners[:, 0].max()) + 1),
        min(h, math.ceil(corners[:, 1].max()) + 1),
    )
    if rx1 <= rx0 or ry1 <= ry0:
        return
    shift = np.array([[1, 0, -rx0], [0, 1, -ry0], [0, 0, 1]], float)
    warped = cv2.warpPerspective(
        cv.rgba,
        shift @ m,
        (rx1 - rx0, ry1 - ry0),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    roi = img[ry0:ry1, rx0:rx1]
    roi *= 1 - warped[..., 3:4]
    roi += warped[..., :3]


def _ppm(
    hmat: np.ndarray,
    region: tuple[float, float, float, float],
    size: tuple[int, int],
    synth: SynthConfig,
) -> float:
    density = _density(hmat, region, size)
    return min(synth.canvas_px_per_mm_max, max(0.5, synth.canvas_px_per_mm_factor * density))


def render_scene(
    camera: Camera,
    wall: WallPlan,
    kit: KitLayout,
    decos: dict[str, BoardDeco],
    light_dir: tuple[float, float],
    rng: np.random.Generator,
    synth: SynthConfig = CONFIG.synth,
    hidden: Hidden | None = None,
    k1: float = 0.0,
    pad: int = 0,
) -> tuple[np.ndarray, list[BoardView], list[dict]]:
    """Upright photo (H x W x 3 float32, 0-1, evenly lit), what each board shows (k1: the
    lens distortion applied later), and the other notices in view (title and QR payload).
    pad: the image also shows this many px beyond each side of the frame (for the lens
    distortion, camera.distortion_pad); views and notices are of the frame itself."""
    size = camera.size
    wall_to_photo = camera.wall_to_photo()
    shift = np.array([[1, 0, pad], [0, 1, pad], [0, 0, 1]], float)
    grown = (size[0] + 2 * pad, size[1] + 2 * pad)
    img = render_wall(wall.style, np.linalg.inv(shift @ wall_to_photo), grown)
    posters = []
    for poster in wall.posters:
        hmat = wall_to_photo @ poster.to_wall
        hmat = hmat / hmat[2, 2]
        drawn_at = shift @ hmat  # into the grown image
        region = _visible_region(drawn_at, grown, poster.size_mm)
        if region is None:
            continue
        drawn = draw_poster(poster, _ppm(drawn_at, region, grown, synth), light_dir)
        _composite(img, drawn, drawn_at)
        w, h = poster.size_mm
        centre = project(hmat, np.array([[w / 2, h / 2]]))[0]
        if 0 <= centre[0] < size[0] and 0 <= centre[1] < size[1]:
            posters.append({"title": poster.title, "qr": poster.qr})
    views: list[BoardView] = []
    for placement in wall.placements:
        board = kit.board(placement.board)
        hmat = wall_to_photo @ placement.to_wall
        hmat = hmat / hmat[2, 2]
        drawn_at = shift @ hmat
        region = _visible_region(drawn_at, grown, board.size_mm)
        if region is None:
            continue
        ppm = _ppm(drawn_at, region, grown, synth)
        # the camera's foot on the wall, in this board's mm (for the curled notes' geometry)
        foot = np.linalg.inv(placement.to_wall) @ np.array([camera.C[0], camera.C[1], 1.0])
        viewer = (float(foot[0] / foot[2]), float(foot[1] / foot[2]), float(-camera.C[2]))
        cv = draw_board(
            board, decos[board.id], ppm, region, light_dir, kit.aruco_dictionary, rng, viewer
        )
        _composite(img, cv, drawn_at)
        views.append(board_view(board, decos[board.id], hmat, size, hidden, k1))
    return img, views, posters
