"""What a server process does once, at its first rerun: keep freed memory for NumPy's next step
(deploy.memory), sweep disconnected sessions (ui.housekeeping), and, WARM_AFTER seconds later,
start the sympy workers for typed formulas and the heavy-work pool (ui.offload), so that the
class's first formula or network does not wait for them, and build a first table (warm_tables).

Every rerun calls `start()`; the first one, and only the first even when many sessions open at the
same moment, starts the work. The workers wait until the first page is drawn: five Python
processes importing NumPy and sympy on two cores made the first page 1.6 s slower (7.6 s from
server launch to chart against 6.0 s; bench/browser.py). A picture that needs them earlier
starts them itself.
"""

from __future__ import annotations

import threading

import pyarrow as pa

from deploy.memory import keep_freed_memory
from surfaces import sympy_pool

from . import housekeeping, offload

WARM_AFTER = 8.0  # seconds after the first rerun: a cold server's first page is drawn by then
_lock = threading.Lock()
_started = False


def warm_tables() -> None:
    """Build a one-cell Arrow table, as every table on the page is built (ui.panels.arrow): pyarrow
    imports pandas at its first conversion, and that import holds the GIL for 0.3 s on a quiet
    server, seconds under a class's load. A teacher's page shows its first table at Reveal (a
    lesson hides the tables before), where it stalled every student's page in the process
    (bench/load.py class: all 120 followed Reveal only when the teacher's rerun ended, 2.4-2.7 s)."""
    pa.Table.from_pylist([{"warm": 0.0}])


def start() -> bool:
    """Start the process's background work if no rerun has yet; True for the call that did."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True
    keep_freed_memory()
    threading.Thread(target=housekeeping.sweep, name="drop-expired-sessions", daemon=True).start()
    for name, warm in (
        ("warm-sympy-workers", sympy_pool.warm),
        ("warm-heavy-workers", offload.POOL.warm),
        ("warm-tables", warm_tables),
    ):
        timer = threading.Timer(WARM_AFTER, warm)
        timer.name, timer.daemon = name, True
        timer.start()
    return True
