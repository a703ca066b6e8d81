"""Keep freed NumPy buffers in the process instead of handing them back to the OS every time.

glibc's malloc returns the top of the heap to the OS once more than M_TRIM_THRESHOLD bytes are
free there (and serves blocks above M_MMAP_THRESHOLD with fresh mmaps). A step of 40,000 runs
allocates and frees several 640 kB temporaries, so each step trimmed the heap and page-faulted
it back in: on this project's VMs `np.sqrt(X * X)` for X of shape (40000, 2) took ~900 us
instead of ~120 us. Raising both thresholds once keeps those pages mapped (the memory is reused
by the next step, not leaked). Elsewhere than glibc this does nothing.

A deployment decision, made once at the app's start (ui.startup): this process takes the thresholds
through mallopt, and the processes it starts later (the heavy-work pool) through glibc's
environment variables, which it reads when a process starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory(trim_bytes: int = 256 << 20, mmap_bytes: int = 32 << 20) -> bool:
    """Raise glibc's trim and mmap thresholds here and in the processes started from now on; True
    if this process's C library took them."""
    os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(trim_bytes))
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(mmap_bytes))
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TRIM_THRESHOLD, trim_bytes)) and bool(
            libc.mallopt(M_MMAP_THRESHOLD, mmap_bytes)
        )
    except (OSError, AttributeError):
        return False
