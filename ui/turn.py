"""One rerun computes at a time, first come first served.

Streamlit runs each session's script in a thread of its own. Under the GIL, sixty of them share
one core in 5-ms slices (and queue on Streamlit's config lock in between), so every rerun of a
class finishes about as late as the last; one at a time, each finishes in its own few tens of
milliseconds and the queue drains in order (bench/load.py measures both). Waiting on another
process (the sympy worker analysing a typed formula) happens before a script takes its turn.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_TURN = threading.Lock()


@contextmanager
def turn():
    with _TURN:
        yield
