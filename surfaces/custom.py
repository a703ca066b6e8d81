"""Your own loss: a formula typed as on paper, made into a Surface, safely.

    custom_surface("w^4 - 3w^2 + w")            1-D (variable w or x)
    custom_surface("x^2 + 10y^2", bounds=...)   2-D (variables x and y)

The text is checked in three layers before anything evaluates it:

1. our tokenizer: only numbers, the names below, + - * / ^ ( ) and spaces; implicit
   multiplication is made explicit (2x, 3(x-1), xy -> x*y) and ^ becomes **;
2. an `ast` whitelist of plain math: numbers, the allowed names, + - * / **, unary minus, calls of
   the allowed functions with one argument; bounded length, nesting, literals and no exponent
   towers (9^9^9 would make sympy compute a number with 370 million digits);
3. only then sympy's parse_expr (which calls eval) with empty builtins, and the symbolic gradient
   and Hessian, in a separate process (surfaces.sympy_worker) that is killed after a time limit
   (signal.alarm does not work in Streamlit's script thread); its answers come back as JSON trees
   of whitelisted node types, never as code or pickles.

The derivatives are lambdified to NumPy; the result works like any other surface. Every refusal
is a ValueError whose message is meant for the person who typed the formula.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import queue
import re
import select
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from .base import Surface
from .errors import InputError

MAX_LENGTH = 200
MAX_DEPTH = 16  # parentheses and calls within each other: a classroom formula needs few
MAX_LITERAL = 1e15
MAX_EXPONENT = 1000
TIME_LIMIT = 3.0  # seconds for parsing and differentiating
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh")
CONSTANTS = ("pi", "e")
# The lecture's names: weight, w, x or theta for one parameter; x and y, or w1 and w2, for two.
ONE_D = ("w", "x", "weight", "theta")
TWO_D = (("x", "y"), ("w1", "w2"))
VARIABLES = ("w", "x", "y", "weight", "theta", "w1", "w2")
ALLOWED = ", ".join(VARIABLES + CONSTANTS + FUNCTIONS)
TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>w[12](?![0-9])|[A-Za-z]+)|(?P<op>[-+*/^(),]))"
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) for every token; a character outside the language stops at its column."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            ch = text[col - 1]
            raise InputError(
                "formula.unexpected",
                ch=repr(ch),
                col=col,
                allowed=ALLOWED,
            )
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return out


def _explicit(text: str) -> tuple[str, list[int]]:
    """The formula with every multiplication and power written out in Python's syntax, and the
    column of the typed text that each character of it comes from."""
    pieces: list[tuple[str, str, int]] = []
    for kind, tok, col in _tokens(text):
        if kind == "name":
            if tok in FUNCTIONS or tok in CONSTANTS or tok in VARIABLES:
                pieces.append(("func" if tok in FUNCTIONS else "atom", tok, col))
            elif set(tok) <= {"x", "y"} or set(tok) <= {"w"}:  # xy means x*y
                for i, ch in enumerate(tok):
                    if i:
                        pieces.append(("op", "*", col + i))
                    pieces.append(("atom", ch, col + i))
            else:
                fn = next((f for f in FUNCTIONS if tok.startswith(f) and len(tok) > len(f)), None)
                if fn:
                    raise InputError(
                        "formula.unknown_name_hint",
                        name=repr(tok),
                        col=col,
                        fix=f"{fn}({tok[len(fn) :]})",
                        allowed=ALLOWED,
                    )
                raise InputError(
                    "formula.unknown_name",
                    name=repr(tok),
                    col=col,
                    allowed=ALLOWED,
                )
        elif kind == "num":
            pieces.append(("atom", tok, col))
        else:
            pieces.append(("op", "**" if tok == "^" else tok, col))
    depth = 0
    for _, tok, _col in pieces:
        depth += (tok == "(") - (tok == ")")
        if depth > MAX_DEPTH:
            raise _too_deep()
    out, cols = [], []
    prev = None
    for kind, tok, col in pieces:
        if prev is not None and prev[0] == "func" and tok != "(":
            raise InputError(
                "formula.needs_parens",
                fn=prev[1],
                col=col,
            )
        # implicit multiplication: 2x, x y, 3(x-1), (x+1)(x-1), x sin(x)
        ends_value = prev is not None and (prev[0] == "atom" or prev[1] == ")")
        if ends_value and (kind in ("atom", "func") or tok == "("):
            out.append("*")
            cols.append(col)
        out.append(tok)
        cols += [col] * len(tok)
        prev = (kind, tok)
    if prev is not None and prev[0] == "func":
        raise _needs_argument(prev[1])
    return "".join(out), cols


def _check_tree(source: str, cols: list[int]) -> ast.Expression:
    """The ast whitelist: plain math only (see the module docstring)."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        at = (err.offset or len(source) + 1) - 1
        if 0 <= at < len(cols):
            raise InputError(
                "formula.malformed_at",
                col=cols[at],
            ) from None
        raise InputError(
            "formula.malformed_end",
        ) from None
    except (ValueError, MemoryError, RecursionError):
        raise InputError("formula.unreadable") from None

    def depth(node, d=0):
        if d > MAX_DEPTH:
            raise _too_deep()
        for child in ast.iter_child_nodes(node):
            depth(child, d + 1)

    depth(tree)
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Expression, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
        ):
            continue
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                _check_exponent(node.right)
            elif not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
                raise InputError("formula.operators")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise InputError("formula.unary")
        elif isinstance(node, ast.Call):
            if (
                not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS)
                or node.keywords
                or len(node.args) != 1
            ):
                raise InputError(
                    "formula.one_argument",
                    functions=", ".join(FUNCTIONS),
                )
        elif isinstance(node, ast.Name):
            if node.id not in FUNCTIONS + CONSTANTS + VARIABLES:
                raise InputError(
                    "formula.unknown",
                    name=repr(node.id),
                    allowed=ALLOWED,
                )
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float) or not abs(node.value) <= MAX_LITERAL:
                raise InputError(
                    "formula.literal",
                    max=f"{MAX_LITERAL:g}",
                )
        else:
            raise InputError(
                "formula.not_math",
                what=type(node).__name__,
                allowed=ALLOWED,
            )
    for node in ast.walk(tree):  # a function name must be called, not used as a value
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and not _is_called(tree, node):
            raise _needs_argument(node.id)
    return tree


def _is_called(tree, name_node) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name_node for n in ast.walk(tree))


def _check_exponent(node) -> None:
    """An exponent is a small expression: no towers, no huge numbers."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
            raise InputError("formula.tower")
        if (
            isinstance(sub, ast.Constant)
            and isinstance(sub.value, (int, float))
            and abs(sub.value) > MAX_EXPONENT
        ):
            raise InputError("formula.exponent", max=MAX_EXPONENT)


def variables_of(text: str) -> tuple[str, ...]:
    """The formula's variables in order: one of ONE_D (a function of one parameter), or x and y, or
    w1 and w2 (two parameters); InputError otherwise."""
    tree = _check_tree(*_explicit(_checked_text(text)))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in VARIABLES}
    if not names:
        raise InputError(
            "formula.constant",
        )
    if len(names) == 1 and names <= set(ONE_D):
        return tuple(names)
    for pair in TWO_D:
        if names <= set(pair):
            return pair
    raise InputError(
        "formula.mixed",
    )


def _too_deep():
    return InputError("formula.too_deep", n=MAX_DEPTH)


def _needs_argument(fn):
    return InputError("formula.needs_argument", fn=fn)


def _checked_text(text) -> str:
    if not isinstance(text, str):
        raise InputError("formula.not_text")
    if not text.strip():
        raise InputError("formula.empty")
    if len(text) > MAX_LENGTH:
        raise InputError(
            "formula.too_long",
            n=len(text),
            max=MAX_LENGTH,
        )
    return text


# ---------------------------------------------------------------------------- the sympy step
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
            raise InputError(
                "formula.timeout",
                seconds=f"{time_limit:g}",
            )
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
    """The sympy worker's answer for a formula (a JSON dict), or its refusal (an InputError):
    remembered, so that a formula is analysed once however often the page is drawn."""
    try:
        return _POOL.ask({"source": source, "variables": list(variables)}, time_limit)
    except InputError as err:
        return err


def analyse_ahead(text: str) -> None:
    """Ask the sympy worker about a typed formula now (and remember the answer): the app does this
    before a rerun takes its turn, since it only waits on another process. Refusals are said later,
    by custom_surface."""
    with contextlib.suppress(ValueError):  # a refusal of the tokenizer: custom_surface says it
        _answer(_explicit(text)[0], tuple(variables_of(text)), TIME_LIMIT)


def symbolic(source: str, variables: tuple[str, ...], time_limit: float = TIME_LIMIT):
    """(expression, gradient, Hessian's upper triangle, LaTeX) from the sympy worker, rebuilt from
    its JSON trees with a whitelist of node types."""
    answer = _answer(source, tuple(variables), time_limit)
    if isinstance(answer, InputError):
        raise answer
    if not answer.get("ok"):
        raise InputError(
            "formula.unanalysable",
            error=str(answer.get("error", ""))[:200],
        )
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
        "sin": sympy.sin,
        "cos": sympy.cos,
        "tan": sympy.tan,
        "exp": sympy.exp,
        "log": sympy.log,
        "abs": sympy.Abs,
        "tanh": sympy.tanh,
        "sign": sympy.sign,
    }
    if kind == "fn" and args[0] in functions:
        return functions[args[0]](_rebuild(args[1]))
    raise InputError("formula.unanalysable", error="")


# ---------------------------------------------------------------------------- the surface
def custom_surface(text, bounds=None) -> Surface:
    """A Surface from a typed formula; ValueError with a message for the user otherwise.

    bounds: ((x_lo, x_hi),) or ((x_lo, x_hi), (y_lo, y_hi)); default -3 .. 3 on every axis.
    """
    import sympy

    variables = variables_of(text)
    dim = len(variables)
    box = _bounds(bounds, dim)
    source = _explicit(text)[0]
    expr, grad, hess, latex = symbolic(source, variables)
    syms = [sympy.Symbol(v, real=True) for v in variables]
    odd = (sympy.I, sympy.zoo, sympy.nan)
    if any(part.has(*odd) for part in [expr, *grad, *hess]):
        raise InputError(
            "formula.not_real",
        )
    f_and_g = sympy.lambdify(syms, [expr, grad], modules="numpy", cse=True)
    h_fn = sympy.lambdify(syms, hess, modules="numpy", cse=True)

    def fg(*c):  # NumPy's floats: a fractional power of a negative number is nan (undefined), not complex
        f, g = f_and_g(*_real(c))
        return f, tuple(g)

    def hess_upper(*c):
        return tuple(h_fn(*_real(c)))

    s = Surface(
        "custom",
        f"Your function: {text.strip()}",
        fg,
        hess_upper,
        box,
        np.mean(box, axis=1),
        None,
        f"L({', '.join(variables)}) = {latex}",
        "The function you typed, with its symbolic gradient and Hessian.",
    )
    _check_finite(s)
    s.start = _default_start(s)
    s.critical, s.critical_kinds = _critical(s)
    s.minima = s.critical[[k in ("minimum", "flat_minimum") for k in s.critical_kinds]]
    s.domain_problem = _domain_checks(expr, syms)
    return s


def _real(coords):
    """Coordinates as NumPy floats: Python's own float ** 0.5 of a negative number is complex."""
    return [np.float64(v) if isinstance(v, float) else v for v in coords]


def _bounds(bounds, dim):
    if bounds is None:
        return np.array([[-3.0, 3.0]] * dim)
    try:
        box = np.array(bounds, dtype=float)[:dim]
    except (TypeError, ValueError):
        raise InputError("formula.ranges_numbers") from None
    if box.shape != (dim, 2) or not np.isfinite(box).all() or (box[:, 0] >= box[:, 1]).any():
        raise InputError("formula.ranges_order")
    if (np.abs(box) > 1e6).any():
        raise InputError("formula.ranges_size")
    return box


def _grid(s, n):
    axes = [np.linspace(lo, hi, n) for lo, hi in s.bounds]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1)


def _check_finite(s) -> None:
    """The formula evaluates to real numbers somewhere in the view (value, gradient and Hessian),
    or it is refused here, before any run: a number too large for a float (2^1000 · 2^1000 · x)
    or a value that is not a number at all is said plainly, never raised later."""
    grid = _grid(s, 41 if s.dim == 2 else 401)
    try:
        with np.errstate(all="ignore"):
            values = np.broadcast_to(s.value(grid), (len(grid),))
            parts = [np.asarray(s.grad(grid[:5]), dtype=float), np.asarray(s.hessian(grid[:5]), dtype=float)]
            for point in grid[:: max(len(grid) // 7, 1)][:7]:  # the single-run path: Python floats
                parts.append(np.asarray(s._fg(*map(float, point))[0], dtype=float))
    except (OverflowError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        raise InputError(
            "formula.not_real",
        ) from None
    if any(np.iscomplexobj(part) for part in parts) or not np.isfinite(values).any():
        raise InputError(
            "formula.not_finite",
        )


def start_guess(bounds) -> np.ndarray:
    """A typed formula's first start: two thirds of the way from the view's centre towards a corner
    (rounded to 3 decimals). Pure: the app's defaults and share links use it without sympy."""
    box = np.asarray(bounds, dtype=float).reshape(-1, 2)
    center, span = box.mean(axis=1), np.ptp(box, axis=1)
    return np.round(center + 0.33 * span * np.array([1.0, 0.6][: len(box)]), 3)


def _default_start(s) -> np.ndarray:
    """start_guess, or a point nudged from it where the loss is not finite or the gradient is 0."""
    guess = start_guess(s.bounds)
    with np.errstate(all="ignore"):
        if np.isfinite(s.value(guess)) and np.linalg.norm(s.grad(guess)) > 1e-6:
            return guess
    span = np.ptp(s.bounds, axis=1)
    for frac in (0.45, 0.8, 0.3, -0.5):
        p = s.center + frac * 0.5 * span * np.array([1.0, 0.6][: s.dim])
        with np.errstate(all="ignore"):
            ok = np.isfinite(s.value(p)) and np.linalg.norm(s.grad(p)) > 1e-6
        if ok:
            return np.round(p, 3)
    return s.center.copy()


def _critical(s):
    """The formula's critical points in view and their kinds (surfaces.minima.find_critical)."""
    from .minima import find_critical, grid_starts

    with np.errstate(all="ignore"):
        try:
            return find_critical(
                s.value, s.grad, s.hessian, s.bounds, grid_starts(s.bounds, 31 if s.dim == 1 else 11)
            )
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return np.empty((0, s.dim)), []


def _domain_checks(expr, syms):
    """point -> which part of the formula is undefined there ('log', 'sqrt', 'division', 'power'),
    'other' if none of those, None if the formula is defined there."""
    import sympy

    checks = []
    for node in sympy.preorder_traversal(expr):
        if node.func == sympy.log:
            checks.append(("log", sympy.lambdify(syms, node.args[0], modules="numpy"), lambda a: a <= 0))
        elif isinstance(node, sympy.Pow) and node.exp.is_number:
            base = sympy.lambdify(syms, node.base, modules="numpy")
            if node.exp.is_negative:
                checks.append(("division", base, lambda a: a == 0))
            if not node.exp.is_integer:
                checks.append(
                    ("sqrt" if node.exp == sympy.Rational(1, 2) else "power", base, lambda a: a < 0)
                )
    full = sympy.lambdify(syms, expr, modules="numpy")

    def problem(point=None):
        if point is None:  # no point: the one part of the formula that can be undefined, if one
            names = {name for name, _, _ in checks}
            return names.pop() if len(names) == 1 else None
        with np.errstate(all="ignore"):
            if np.isfinite(full(*np.asarray(point, dtype=float))):
                return None
            for name, arg, bad in checks:
                if bad(arg(*np.asarray(point, dtype=float))):
                    return name
        return "other"

    return problem
