"""Another workshop's board is never counted as ours, even when its QR code is not decoded.

Two workshops made from the same file with another `id` print the same marker ids on the
same boards: only the QR code tells them apart. Photographed from far enough away that the QR
code does not decode, the board's QR modules are still compared with its own code: another
workshop's board is ignored (foreign_board), ours is kept; a board whose QR code cannot be
seen is kept but flagged, and the session warns when no photo confirms it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.core.config import CONFIG
from capture.core.model import BoardResult, KitLayout, PhotoResult
from capture.core.workshop import load_workshop
from capture.interpret.merge import merge_session
from capture.kit.layout import layout_workshop
from capture.kit.render import render_board
from capture.vision.register import find_boards

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "samples/residence-achats-durables/workshop.yaml"
RENDER_PPM = 4.0


@pytest.fixture(scope="module")
def kits() -> tuple[KitLayout, KitLayout]:
    ws = load_workshop(WORKSHOP)
    return layout_workshop(ws), _other(ws.id.replace("achats", "autres"))


def _other(workshop_id: str) -> KitLayout:
    """The sample workshop copied with another id (nothing else printed differs)."""
    return layout_workshop(load_workshop(WORKSHOP).model_copy(update={"id": workshop_id}))


def _photo(kit: KitLayout, board_id: str, ppm: float, hide_qr: bool = False) -> np.ndarray:
    """The printed board seen a little from the side at about ppm photo px per board mm,
    blurred and noisy like a phone photo."""
    b = kit.board(board_id)
    img = render_board(b, RENDER_PPM, kit.aruco_dictionary).copy()
    if hide_qr:  # a sticky note stuck over the QR code
        qx, qy, qs, _ = (round(v * RENDER_PPM) for v in b.qr_rect_mm)
        img[qy - 8: qy + qs + 8, qx - 8: qx + qs + 8] = (250, 230, 110)
    w, h = b.size_mm
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]]) * RENDER_PPM
    dst = np.float32([[100, 80], [100 + w * ppm, 110], [100 + w * ppm * 0.97, 80 + h * ppm],
                      [110, 60 + h * ppm]])
    size = (round(w * ppm) + 220, round(h * ppm) + 200)
    photo = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), size,
                                flags=cv2.INTER_AREA, borderValue=(180, 175, 170))
    photo = cv2.GaussianBlur(photo, (0, 0), 0.8)
    noise = np.random.default_rng(7).normal(0, 4, photo.shape)
    return np.clip(photo + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("board", ["mire", "verbatim-02"])
def test_another_workshops_board_with_an_unread_qr_is_ignored(kits, board: str) -> None:
    ours, theirs = kits
    ppm = 1.0 if board == "mire" else 1.6  # the QR code does not decode at this distance
    fits, flags = find_boards(_photo(ours, board, ppm), ours)
    assert [f.board for f in fits] == [board]
    assert not fits[0].qr, "the QR code decodes: the photo does not test the fallback"
    assert fits[0].qr_match >= CONFIG.register.qr_confirm_min
    assert not [f for f in flags if f.code in ("foreign_board", "board_unconfirmed")]

    fits, flags = find_boards(_photo(theirs, board, ppm), ours)
    assert fits == []
    assert [(f.code, f.board) for f in flags] == [("foreign_board", board)]


@pytest.mark.parametrize("other", ["residence-voisine", "x", "residence-achats-durablez",
                                   "atelier-de-demain-a-lyon-2027-semaine-2"])
@pytest.mark.parametrize("ppm", [1.0, 1.6])
def test_another_workshops_board_is_ignored_or_flagged_never_silently_ours(kits, other: str,
                                                                           ppm: float) -> None:
    """Whatever the other workshop's id (its QR code of another size, or nearly ours)."""
    ours, _ = kits
    for board in ("mire", "verbatim-02"):
        fits, flags = find_boards(_photo(_other(other), board, ppm), ours)
        codes = {f.code for f in flags if f.board == board}
        if fits:
            assert codes == {"board_unconfirmed"}, (board, fits, codes)
        else:
            assert codes == {"foreign_board"}


def test_a_board_whose_qr_is_hidden_is_kept_but_never_silently(kits) -> None:
    ours, _ = kits
    fits, flags = find_boards(_photo(ours, "mire", 1.6, hide_qr=True), ours)
    assert [f.board for f in fits] == ["mire"]
    assert not fits[0].confirmed(CONFIG.register.qr_confirm_min)
    assert [(f.code, f.board) for f in flags] == [("board_unconfirmed", "mire")]

    hidden = PhotoResult(file="IMG_0001.jpg", boards=[BoardResult(fits[0])])
    session = merge_session([hidden], ours, CONFIG)
    warn = [f for f in session.flags if f.code == "board_unconfirmed"]
    assert [(f.board, f.severity) for f in warn] == [("mire", "warning")]
    assert "IMG_0001.jpg" in warn[0].message

    # another photo of the board shows its QR code: the board is confirmed for the session
    seen, _ = find_boards(_photo(ours, "mire", 1.6), ours)
    assert seen[0].confirmed(CONFIG.register.qr_confirm_min)
    both = [hidden, PhotoResult(file="IMG_0002.jpg", boards=[BoardResult(seen[0])])]
    session = merge_session(both, ours, CONFIG)
    assert not [f for f in session.flags if f.code == "board_unconfirmed"]
