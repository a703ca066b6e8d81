"""Disconnected sessions are dropped when their TTL is up, not at the next write (ui.housekeeping),
checked against Streamlit's own session manager and storage classes."""

import time
from types import SimpleNamespace

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui import housekeeping


def test_expired_sessions_leave_the_storage_without_a_new_write(monkeypatch):
    storage = MemorySessionStorage(ttl_seconds=1)
    manager = WebsocketSessionManager(
        session_storage=storage, uploaded_file_manager=None, script_cache=None, message_enqueued_callback=None
    )
    runtime = SimpleNamespace(_session_mgr=manager)
    monkeypatch.setattr("streamlit.runtime.Runtime.exists", staticmethod(lambda: True))
    monkeypatch.setattr("streamlit.runtime.Runtime.instance", staticmethod(lambda: runtime))
    for sid in ("a", "b", "c"):
        storage.save(SimpleNamespace(session=SimpleNamespace(id=sid)))
    assert housekeeping.drop_expired() == 0  # still within their TTL
    time.sleep(1.1)
    assert len(storage._cache._data) == 3  # Streamlit alone keeps them: nothing was written since
    assert housekeeping.drop_expired() == 3
    assert storage._cache._data == {}


def test_without_a_runtime_it_does_nothing():
    assert housekeeping.drop_expired() == 0
