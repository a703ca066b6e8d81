"""Disconnected sessions are dropped when their TTL is up, not at the next write (ui.housekeeping),
checked against Streamlit's own session manager and storage classes."""

import time
from pathlib import Path
from types import SimpleNamespace

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui import housekeeping

ROOT = Path(__file__).resolve().parents[1]


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


def test_many_first_reruns_at_once_start_the_background_work_once(monkeypatch):
    """Sixty students open the link at the same moment: one sweeper, one warm-up, not sixty."""
    import threading

    from ui import startup

    started = []
    monkeypatch.setattr(startup, "_started", False)
    monkeypatch.setattr(startup, "keep_freed_memory", lambda: started.append("memory"))
    monkeypatch.setattr(startup.housekeeping, "sweep", lambda: started.append("sweep"))
    monkeypatch.setattr(startup.sympy_pool, "warm", lambda: started.append("warm"))
    monkeypatch.setattr(startup.offload.POOL, "warm", lambda: started.append("pool"))
    monkeypatch.setattr(startup, "warm_tables", lambda: started.append("tables"))
    monkeypatch.setattr(startup, "WARM_AFTER", 1.0)
    gate = threading.Barrier(16)
    results = []

    def first_rerun():
        gate.wait()
        results.append(startup.start())

    threads = [threading.Thread(target=first_rerun) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 15 + [True]
    assert not {"warm", "pool", "tables"} & set(started)  # the warm-ups wait for the first page
    waited = threading.Event()
    for _ in range(3000):  # the threads' targets return at once: wait for them, at most 30 s
        if len(started) >= 5:
            break
        waited.wait(0.01)
    assert sorted(started) == ["memory", "pool", "sweep", "tables", "warm"]


def test_a_first_table_brings_in_what_pyarrow_imports_at_its_first_conversion():
    """warm_tables does what the page's first table would: afterwards building a table imports
    nothing more (checked in a fresh interpreter, where nothing was imported before)."""
    import subprocess
    import sys

    code = (
        "import sys; from ui.startup import warm_tables; before = set(sys.modules); warm_tables(); "
        "grew = set(sys.modules) - before; from ui.panels import arrow; mid = set(sys.modules); "
        "arrow([{'a': 1.0, 'b': 'x', 'c': 3}]); print('pandas' in grew, len(set(sys.modules) - mid))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["True", "0"], out.stderr


def test_freed_memory_is_kept_here_and_in_processes_started_later(monkeypatch):
    import subprocess
    import sys

    from deploy.memory import keep_freed_memory

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    keep_freed_memory()
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ['MALLOC_TRIM_THRESHOLD_'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(child.stdout) == 256 << 20
