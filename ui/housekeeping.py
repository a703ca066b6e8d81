"""A server's housekeeping: disconnected sessions go when their time is up.

Streamlit keeps a closed tab's session for two minutes (so a reconnect resumes it) in a TTL cache
that drops expired entries only when something is next written to it: after a class leaves,
nothing is, and sixty sessions stay. `sweep`, a daemon thread ui.startup starts once per server
process, asks that cache to drop its expired entries every 30 s. It reaches into Streamlit's runtime (there is no
public call for this); where that changes, it does nothing.
"""

from __future__ import annotations

import logging
import time

INTERVAL = 30.0  # seconds


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


def sweep() -> None:
    """Drop expired sessions every INTERVAL seconds, for ever."""
    while True:
        time.sleep(INTERVAL)
        try:
            drop_expired()
        except Exception:  # never take the server down for housekeeping
            logging.getLogger(__name__).exception("dropping expired sessions failed")
