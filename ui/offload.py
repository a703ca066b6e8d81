"""Heavy work runs in worker processes, with a deadline and a memory limit, while the server goes on.

The server computes one rerun at a time (ui.turn), so one slow rerun would freeze every student's
page. Work the cost model (model.cost) puts above QUICK seconds is sent here instead, before the
rerun takes its turn: a pool of worker processes (spawned once, one per core) runs it while the
other students' reruns keep the turn moving. A worker that passes its deadline, or that the
student's next change makes useless (a newer rerun of the same session), is killed and replaced;
one that runs out of its memory limit answers MemoryError. What it computes comes back pickled.

    result = offload.call(model.tasks.runs, setup, seconds=1.2, cancelled=session.superseded)
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from collections.abc import Callable

from model.cost import QUICK, WORKERS, budget
from surfaces.errors import InputError

POLL = 0.05  # seconds between looks at a worker's answer and at the student's next change
SLACK = 3.0  # a worker may take this many times the estimate (and at least the budget) before it is stopped


class Refused(Exception):
    """Work that was stopped: `why` is 'timeout', 'memory' or 'cancelled'."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _serve(conn, limit_bytes: int) -> None:  # in the worker process
    import contextlib
    import resource

    with contextlib.suppress(ValueError, OSError):  # anonymous memory, mmap included (Linux >= 4.7)
        resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))
    import model.tasks  # noqa: F401  (imports NumPy, the engine and the surfaces once)

    conn.send(("ready", None))  # a deadline counts the work, not this start
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("memory", None))
        except ValueError as err:  # a refusal (the caller raises it again; an InputError keeps its key)
            conn.send(("refused", err if isinstance(err, InputError) else ValueError(str(err))))
        except Exception as err:
            conn.send(("error", f"{type(err).__name__}: {err}"))


class _Worker:
    def __init__(self):
        ctx = mp.get_context("spawn")  # never fork a threaded server
        self.conn, child = ctx.Pipe()
        _seconds, limit = budget()
        self.proc = ctx.Process(target=_serve, args=(child, int(2 * limit + 600e6)), daemon=True)
        self.proc.start()
        child.close()

    def wait_ready(self, cancelled: Callable[[], bool], timeout: float = 120.0) -> None:
        """Until the new process has imported what it runs (seconds on a busy machine)."""
        end = time.monotonic() + timeout
        while not self.conn.poll(POLL):
            if cancelled() or time.monotonic() > end or not self.proc.is_alive():
                why = "cancelled" if cancelled() else "timeout" if self.proc.is_alive() else "memory"
                self.kill()
                raise Refused(why)
        self.conn.recv()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class _Pool:
    def __init__(self, size: int):
        self.size = size
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()
        self.free = threading.Semaphore(size)
        self.started = 0

    def acquire(self, cancelled: Callable[[], bool]) -> _Worker:
        while not self.free.acquire(timeout=POLL):
            if cancelled():
                raise Refused("cancelled")
        with self.lock:
            if self.idle:
                return self.idle.pop()
            self.started += 1
        worker = _Worker()
        try:
            worker.wait_ready(cancelled)
        except Refused:
            self.free.release()
            raise
        return worker

    def release(self, worker: _Worker | None) -> None:
        with self.lock:
            if worker is not None:
                self.idle.append(worker)
        self.free.release()

    def warm(self) -> None:
        """Start the workers ahead of the first heavy rerun (a spawned Python takes a second or two)."""
        workers = [self.acquire(lambda: False) for _ in range(self.size)]
        for w in workers:
            self.release(w)


POOL = _Pool(WORKERS)


def call(fn, *args, seconds: float = 0.0, cancelled: Callable[[], bool] = lambda: False):
    """fn(*args): here when `seconds` (the estimate) is below QUICK, else in a worker process that
    is stopped after SLACK times the estimate (Refused('timeout')), when `cancelled()` turns true
    (Refused('cancelled')) or when it runs out of memory (Refused('memory'))."""
    if seconds <= QUICK:
        return fn(*args)
    deadline = time.monotonic() + max(SLACK * seconds, budget()[0]) + 2.0  # the rerun's bound, all told
    worker = POOL.acquire(cancelled)
    try:
        worker.conn.send((fn, args))
        while not worker.conn.poll(POLL):
            if cancelled() or time.monotonic() > deadline or not worker.proc.is_alive():
                why = "cancelled" if cancelled() else "timeout" if worker.proc.is_alive() else "memory"
                worker.kill()
                worker = None
                raise Refused(why)
        status, value = worker.conn.recv()
    except (EOFError, OSError):  # the worker died (the kernel's OOM killer)
        if worker is not None:
            worker.kill()
            worker = None
        raise Refused("memory") from None
    finally:
        POOL.release(worker)
    if status == "memory":
        raise Refused("memory")
    if status == "refused":
        raise value
    if status == "error":
        raise RuntimeError(value)
    return value
