"""The sympy step of typed formulas: a few long-lived `python -m surfaces.sympy_worker` processes
that parse and differentiate a formula that has passed surfaces.formula's checks, each killed and
replaced when an answer is late (signal.alarm does not work in Streamlit's script thread). Answers
come back as JSON trees of whitelisted node types, never as code or pickles, and are rebuilt here
from surfaces.formula's names alone.

    expr, grad, hess_upper, latex = symbolic("x**2+10*y**2", ("x", "y"))
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from .errors import InputError, Refusal
from .formula import DERIVATIVE_FUNCTIONS, SYMPY_FUNCTIONS, VARIABLES, explicit, variables_of

TIME_LIMIT = 3.0  # seconds for parsing and differentiating


class _Worker:
    """One long-lived `python -m surfaces.sympy_worker` process (sympy imported once), asked one
    formula at a time over JSON lines; killed and replaced when an answer is late."""

    def __init__(self):
        self.proc = None

    def _start(self):
        root = Path(__file__).resolve().parents[1]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "surfaces.sympy_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            cwd=root,
            env=env,
        )

    def ask(self, request: dict, time_limit: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], time_limit)
            line = self.proc.stdout.readline() if ready else ""
        except OSError:
            line = ""
        if not line:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise InputError("formula.timeout", seconds=f"{time_limit:g}")
        return json.loads(line)


class _Pool:
    """A few workers, each serving one formula at a time: a formula that takes sympy seconds (up to
    the kill) holds one worker while the others keep answering. Workers start when first needed."""

    def __init__(self, size: int):
        self.workers = [_Worker() for _ in range(size)]
        self.free: queue.Queue[_Worker] = queue.Queue()
        for worker in self.workers:
            self.free.put(worker)

    def warm(self) -> None:
        """Start every worker and wait until each answers (each imports sympy, ~0.4 s, in parallel),
        so that a class's first formulas do not wait for it."""
        taken = [self.free.get() for _ in self.workers]
        try:
            for worker in taken:
                if worker.proc is None or worker.proc.poll() is not None:
                    worker._start()
            for worker in taken:
                worker.ask({"source": "x", "variables": ["x"]}, 30.0)
        finally:
            for worker in taken:
                self.free.put(worker)

    def ask(self, request: dict, time_limit: float) -> dict:
        worker = self.free.get()
        try:
            return worker.ask(request, time_limit)
        finally:
            self.free.put(worker)


WORKERS = 3  # sympy processes per server (~70 MB each): one slow formula leaves two for the class
_POOL = _Pool(WORKERS)


def warm() -> None:
    """Start the sympy workers and import sympy here too (for lambdify): a server calls this once
    at start, in a background thread."""
    import sympy  # noqa: F401

    _POOL.warm()


@lru_cache(maxsize=256)
def _answer(source: str, variables: tuple[str, ...], time_limit: float):
    """The sympy worker's answer for a formula (a JSON dict), or its refusal (a Refusal):
    remembered, so that a formula is analysed once however often the page is drawn."""
    try:
        return _POOL.ask({"source": source, "variables": list(variables)}, time_limit)
    except InputError as err:
        return err.refusal


def analyse_ahead(text: str) -> None:
    """Ask the sympy worker about a typed formula now (and remember the answer): the app does this
    before a rerun takes its turn, since it only waits on another process. Refusals are said later,
    by custom_surface."""
    with contextlib.suppress(ValueError):  # a refusal of the tokenizer: custom_surface says it
        _answer(explicit(text)[0], tuple(variables_of(text)), TIME_LIMIT)


def symbolic(source: str, variables: tuple[str, ...], time_limit: float = TIME_LIMIT):
    """(expression, gradient, Hessian's upper triangle, LaTeX) from the sympy worker, rebuilt from
    its JSON trees with a whitelist of node types."""
    answer = _answer(source, tuple(variables), time_limit)
    if isinstance(answer, Refusal):
        raise answer.error()
    if not answer.get("ok"):
        raise InputError("formula.unanalysable", error=str(answer.get("error", ""))[:200])
    return (
        _rebuild(answer["expr"]),
        [_rebuild(g) for g in answer["grad"]],
        [_rebuild(h) for h in answer["hess"]],
        str(answer["latex"])[:2000],
    )


def _rebuild(node):
    """A sympy expression from the worker's tree (only the node types the worker may send)."""
    import sympy

    kind, *args = node
    if kind == "sym" and args[0] in VARIABLES:
        return sympy.Symbol(args[0], real=True)
    if kind == "num":
        if "/" in args[0]:
            p, q = args[0].split("/")
            return sympy.Rational(int(p), int(q))
        return sympy.Float(float(args[0]))
    if kind == "pi":
        return sympy.pi
    if kind == "E":
        return sympy.E
    if kind == "add":
        return sympy.Add(*map(_rebuild, args))
    if kind == "mul":
        return sympy.Mul(*map(_rebuild, args))
    if kind == "pow":
        return sympy.Pow(_rebuild(args[0]), _rebuild(args[1]))
    functions = {
        name: getattr(sympy, attr) for name, attr in (SYMPY_FUNCTIONS | DERIVATIVE_FUNCTIONS).items()
    }
    if kind == "fn" and args[0] in functions:
        return functions[args[0]](_rebuild(args[1]))
    raise InputError("formula.unanalysable", error="")
