"""What a server process does once, at its first rerun: keep freed memory for NumPy's next step
(deploy.memory), sweep disconnected sessions (ui.housekeeping), and start the sympy workers for
typed formulas in the background, so that the class's first formula does not wait for them.

Every rerun calls `start()`; the first one, and only the first even when many sessions open at the
same moment, starts the work. (The heavy-work pool, ui.offload, starts with the first heavy
picture: started here, it would slow every class's first page.)
"""

from __future__ import annotations

import threading

from deploy.memory import keep_freed_memory
from surfaces import sympy_pool

from . import housekeeping, offload

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
    threading.Thread(target=sympy_pool.warm, name="warm-sympy-workers", daemon=True).start()
    threading.Thread(target=offload.POOL.warm, name="warm-heavy-workers", daemon=True).start()
    return True
