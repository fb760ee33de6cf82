"""The note square search keeps byte maps where it used float32 ones (issue 17, memory):
the box means it takes of them must be the very values OpenCV gives for the float32 map,
or squares would move between versions."""

import platform

import cv2
import numpy as np
import pytest

from capture.app.heap import fix_heap_thresholds
from capture.vision.notes import _box_mean, _contact


@pytest.mark.parametrize("side", [9, 75, 76, 151])
def test_box_mean_of_bytes_is_the_float_box_filter(side: int) -> None:
    rng = np.random.default_rng(side)
    mask = rng.random((300, 420)) > 0.4
    mask[50:200, 80:300] = True  # a blob, as the search sees one
    as_float = cv2.boxFilter(
        mask.astype(np.float32), -1, (side, side), borderType=cv2.BORDER_CONSTANT
    )
    got = _box_mean(mask.astype(np.uint8), side)
    assert got.dtype == np.float32
    assert np.array_equal(got, as_float)


def test_contact_of_bytes_is_the_contact_of_floats() -> None:
    mask = np.random.default_rng(3).random((200, 260)) > 0.5
    a = _contact(mask.astype(np.float32), 76, 3)
    b = _contact(mask.astype(np.uint8), 76, 3)
    assert a.dtype == b.dtype == np.float32
    assert np.array_equal(a, b)


def test_heap_thresholds_take_on_glibc() -> None:
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert fix_heap_thresholds() is True
