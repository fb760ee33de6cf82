"""How the process's C heap hands memory back: a process setting, applied once per worker.

A photo's stages allocate and free arrays of 1-40 MB. With glibc's dynamic mmap threshold,
the first such array freed raises the threshold to its size, so the next ones come from the
heap, whose free space is only returned from its top: the resident size of a worker then
grows with the photos it saw. A fixed threshold keeps big arrays in their own mappings,
unmapped when freed. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

from capture.core.config import HEAP, HeapConfig

M_TRIM_THRESHOLD = -1  # glibc malloc.h
M_MMAP_THRESHOLD = -3


def fix_heap_thresholds(cfg: HeapConfig = HEAP) -> bool:
    """Fix glibc's mmap and trim thresholds (cfg); True when the C library took them."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to set
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(M_MMAP_THRESHOLD, cfg.mmap_threshold_bytes)
        and mallopt(M_TRIM_THRESHOLD, cfg.trim_threshold_bytes)
    )
