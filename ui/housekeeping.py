"""A server's housekeeping: disconnected sessions go when their time is up; the sympy workers for
typed formulas start before the first formula.

Streamlit keeps a closed tab's session for two minutes (so a reconnect resumes it) in a TTL cache
that drops expired entries only when something is next written to it: after a class leaves,
nothing is, and sixty sessions stay. A daemon thread, started once per server process, asks that
cache to drop its expired entries every 30 s. It reaches into Streamlit's runtime (there is no
public call for this); where that changes, it does nothing.
"""

from __future__ import annotations

import logging
import threading
import time

from surfaces import custom

INTERVAL = 30.0  # seconds
_started = threading.Event()


def _storage_cache():
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    storage = getattr(manager, "_session_storage", None)
    return getattr(storage, "_cache", None)


def drop_expired() -> int:
    """Drop the expired disconnected sessions now; how many went."""
    cache = _storage_cache()
    expire = getattr(cache, "expire", None)
    return len(expire()) if callable(expire) else 0


def _loop() -> None:
    while True:
        time.sleep(INTERVAL)
        try:
            drop_expired()
        except Exception:  # never take the server down for housekeeping
            logging.getLogger(__name__).exception("dropping expired sessions failed")


def start() -> None:
    """Start the sweeper once per process (every rerun may call this), and warm the sympy workers
    for typed formulas in the background."""
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_loop, name="drop-expired-sessions", daemon=True).start()
        threading.Thread(target=custom.warm, name="warm-sympy-workers", daemon=True).start()
