"""A cache shared by every session, bounded in bytes (Streamlit's caches bound only the number of
entries: 256 runs of a heavy link took a server from 1.3 to 2.8 GB). The least recently used
entries go first; freed memory goes back to the system (glibc keeps it otherwise)."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import threading
from collections import OrderedDict

import numpy as np

RUNS_BYTES = 400e6  # the runs of every session together


def nbytes(value, depth: int = 0) -> int:
    """The bytes of the NumPy arrays a value holds (runs: their paths, losses, gradients, ...), a
    few levels deep (lists, dicts, dataclasses)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if depth > 3:
        return 64
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return sum(nbytes(v, depth + 1) for v in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return 64


def trim() -> None:
    """Give freed memory back to the system (glibc's malloc_trim; nothing elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class ByteCache:
    def __init__(self, max_bytes: float):
        self.max_bytes = max_bytes
        self.items: OrderedDict = OrderedDict()
        self.sizes: dict = {}
        self.lock = threading.Lock()
        self.computing: dict = {}  # key -> a lock: one computation per key at a time

    def get(self, key, compute):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            busy = self.computing.setdefault(key, threading.Lock())
        with busy:  # another session computing the same key: wait for its result
            with self.lock:
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key]
            value = compute()
            self.put(key, value)
        with self.lock:
            self.computing.pop(key, None)
        return value

    def put(self, key, value) -> None:
        size = nbytes(value)
        evicted = False
        with self.lock:
            self.items[key], self.sizes[key] = value, size
            while sum(self.sizes.values()) > self.max_bytes and len(self.items) > 1:
                old, _ = self.items.popitem(last=False)
                self.sizes.pop(old)
                evicted = True
        if evicted:
            trim()

    @property
    def bytes(self) -> int:
        return sum(self.sizes.values())
