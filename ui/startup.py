"""What a server process does once, at its first rerun: keep freed memory for NumPy's next step
(deploy.memory), sweep disconnected sessions (ui.housekeeping), and, WARM_AFTER seconds later,
start the sympy workers for typed formulas and the heavy-work pool (ui.offload), so that the
class's first formula or network does not wait for them.

Every rerun calls `start()`; the first one, and only the first even when many sessions open at the
same moment, starts the work. The workers wait until the first page is drawn: five Python
processes importing NumPy and sympy on two cores made the first page 1.6 s slower (7.6 s from
server launch to chart against 6.0 s; bench/browser.py). A picture that needs them earlier
starts them itself.
"""

from __future__ import annotations

import threading

from deploy.memory import keep_freed_memory
from surfaces import sympy_pool

from . import housekeeping, offload

WARM_AFTER = 8.0  # seconds after the first rerun: a cold server's first page is drawn by then
_lock = threading.Lock()
_started = False


def start() -> bool:
    """Start the process's background work if no rerun has yet; True for the call that did."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True
    keep_freed_memory()
    threading.Thread(target=housekeeping.sweep, name="drop-expired-sessions", daemon=True).start()
    for name, warm in (("warm-sympy-workers", sympy_pool.warm), ("warm-heavy-workers", offload.POOL.warm)):
        timer = threading.Timer(WARM_AFTER, warm)
        timer.name, timer.daemon = name, True
        timer.start()
    return True
