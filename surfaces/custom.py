"""Your own loss: a formula typed as on paper, made into a Surface, safely.

    custom_surface("w^4 - 3w^2 + w")            1-D (variable w or x)
    custom_surface("x^2 + 10y^2", bounds=...)   2-D (variables x and y)

The text passes surfaces.formula's checks (the tokenizer and the ast whitelist) before anything
evaluates it; sympy parses and differentiates it in another process (surfaces.sympy_pool); the
derivatives are lambdified to NumPy, and the result works like any other surface, with what only a
typed formula knows: its critical points and where it is undefined (FormulaSurface). Every refusal
is an InputError for the person who typed the formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .base import Surface
from .errors import InputError
from .formula import explicit, variables_of
from .sympy_pool import symbolic


class FormulaSurface(Surface):
    """A typed formula's surface: a Surface that also knows every critical point in its view
    (`critical`, with `critical_kinds`: 'minimum', 'maximum', 'saddle', ...) and, through
    `domain_problem(point)`, which part of the formula is undefined at a point."""

    def __init__(self, text: str, variables, fg, hess, box, latex: str, domain_problem: Callable):
        super().__init__(
            name="custom",
            title=f"Your function: {text.strip()}",
            fg=fg,
            hess=hess,
            bounds=box,
            start=np.mean(box, axis=1),
            latex=f"L({', '.join(variables)}) = {latex}",
            description="The function you typed, with its symbolic gradient and Hessian.",
        )
        self.text = text
        self.variables = tuple(variables)
        self.domain_problem = domain_problem
        _check_finite(self)
        self.start = _default_start(self)
        self.critical, self.critical_kinds = _critical(self)
        self.minima = self.critical[[k in ("minimum", "flat_minimum") for k in self.critical_kinds]]


def custom_surface(text, bounds=None) -> FormulaSurface:
    """A Surface from a typed formula; an InputError for the person who typed it otherwise.

    bounds: ((x_lo, x_hi),) or ((x_lo, x_hi), (y_lo, y_hi)); default -3 .. 3 on every axis.
    """
    import sympy

    variables = variables_of(text)
    dim = len(variables)
    box = _bounds(bounds, dim)
    source = explicit(text)[0]
    expr, grad, hess, latex = symbolic(source, variables)
    syms = [sympy.Symbol(v, real=True) for v in variables]
    odd = (sympy.I, sympy.zoo, sympy.nan)
    if any(part.has(*odd) for part in [expr, *grad, *hess]):
        raise InputError("formula.not_real")
    f_and_g = sympy.lambdify(syms, [expr, grad], modules="numpy", cse=True)
    h_fn = sympy.lambdify(syms, hess, modules="numpy", cse=True)

    def fg(*c):  # NumPy's floats: a fractional power of a negative number is nan (undefined), not complex
        f, g = f_and_g(*_real(c))
        return f, tuple(g)

    def hess_upper(*c):
        return tuple(h_fn(*_real(c)))

    return FormulaSurface(text, variables, fg, hess_upper, box, latex, _domain_checks(expr, syms))


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
        raise InputError("formula.not_real") from None
    if any(np.iscomplexobj(part) for part in parts) or not np.isfinite(values).any():
        raise InputError("formula.not_finite")


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
