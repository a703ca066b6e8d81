"""The Surface: a loss f: R^dim -> R with its analytic gradient and Hessian.

Every method is vectorized over any leading shape, so a whole contour grid, a batch of
starting points or a stack of iterates is one call:

    value(P):   (..., dim) -> (...)
    grad(P):    (..., dim) -> (..., dim)
    hessian(P): (..., dim) -> (..., dim, dim)

A surface is defined by two functions of the coordinates (w) or (x, y), written with plain
arithmetic and NumPy ufuncs, so they take arrays of any shape and plain Python floats alike:

    fg(x, y) -> (value, (f_x, f_y))        the value and gradient, sharing subexpressions
    hess(x, y) -> (f_xx, f_xy, f_yy)       the Hessian's upper triangle, row by row

The engine steps a single run on Python floats through these same functions, where NumPy's
per-call overhead would dominate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray


class Surface:
    """A named loss surface with its view window, known minima and a default start.

    `fg` and `hess` are functions of the coordinates (see the module docstring); a subclass that
    computes `value_and_grad` and `hessian` itself passes neither (and has no Python-float path,
    `scalar` is None). `minima` holds every known minimum (global and local) in the view, each
    exact or polished by Newton's method to a gradient norm below 1e-10: pass them, or None to have
    them found (by surfaces.minima.find_minima, from `minima_starts` or a grid) when first read.

    What only some surfaces can do is declared here, with the value that means "cannot"; the rest
    of the app asks these attributes and never probes for others:
    """

    data = None  # the rows a data loss is built from (surfaces.data.Dataset): batches, a fit to draw
    kind: str | None = None  # a data loss's model: 'regression' or 'classification'
    curved = False  # its fitted model draws a curve, not a line
    hvp: Callable | None = None  # (P, V) -> H(P) V without the Hessian (a network's many parameters)
    critical = None  # every critical point in the view, (k, dim), when known (a typed formula)
    critical_kinds: tuple = ()  # their kinds: 'minimum', 'maximum', 'saddle', ...
    domain_problem: Callable | None = None  # point -> the part of the formula undefined there
    grid: int | None = None  # contour cells per axis when each cell is costly (None: the default)
    solution = None  # the exact minimizer in closed form, (dim,), where one exists (least squares)
    validation: Callable | None = None  # P -> the loss on held-out data rows (a data loss with some)

    def __init__(
        self,
        *,
        name: str,
        title: str,
        bounds,
        start,
        latex: str,
        description: str,
        fg: Callable | None = None,
        hess: Callable | None = None,
        minima=None,
        minima_starts=None,
    ):
        self.name = name
        self.title = title
        self.bounds = np.array(bounds, dtype=float).reshape(-1, 2)
        self.dim = len(self.bounds)
        self._fg, self._hess = fg, hess
        self.start = np.array(start, dtype=float).reshape(self.dim)
        self._minima = None if minima is None else np.array(minima, dtype=float).reshape(-1, self.dim)
        self.minima_starts = minima_starts
        self.latex = latex
        self.description = description

    @property
    def n_rows(self) -> int | None:
        """How many data rows the loss averages over (None: not a data loss)."""
        return None if self.data is None else self.data.n

    def __repr__(self) -> str:
        return f"Surface({self.name!r}, dim={self.dim})"

    # -- the function and its derivatives -------------------------------------------------
    def _points(self, P) -> Array:
        P = np.asarray(P, dtype=float)
        if P.ndim == 0 or P.shape[-1] != self.dim:
            raise ValueError(
                f"{self.name} is a {self.dim}-D surface: points need a last axis of size "
                f"{self.dim}, got shape {P.shape}"
            )
        return P

    def _coords(self, P) -> tuple:
        """The coordinate arrays of P; contiguous copies for large P (strided views of an
        (n, dim) array make every arithmetic pass about twice as slow)."""
        P = self._points(P)
        if P.size >= 4096:
            return tuple(np.ascontiguousarray(np.moveaxis(P, -1, 0)))
        return tuple(P[..., i] for i in range(self.dim))

    def value_and_grad(self, P) -> tuple[Array, Array]:
        """f(P), shape (...), and its gradient, shape (..., dim), in one pass."""
        c = self._coords(P)
        f, g = self._fg(*c)
        return np.broadcast_to(f, c[0].shape) + 0.0, stack_last(*g, shape=c[0].shape)

    def value(self, P) -> Array:
        """f(P), shape (...)."""
        return self.value_and_grad(P)[0]

    def grad(self, P) -> Array:
        """The gradient of f at P, shape (..., dim)."""
        return self.value_and_grad(P)[1]

    def hessian(self, P) -> Array:
        """The Hessian of f at P, shape (..., dim, dim)."""
        c = self._coords(P)
        upper = iter(self._hess(*c))
        H = np.empty(c[0].shape + (self.dim, self.dim))
        for i in range(self.dim):
            for j in range(i, self.dim):
                H[..., i, j] = H[..., j, i] = next(upper)
        return H

    @property
    def scalar(self) -> Callable | None:
        """fg(*coords) -> (value, gradient tuple), for stepping one run on Python floats (None: the
        surface has no such path, every step goes through the batched NumPy code)."""
        return self._fg

    # -- derived facts used by views and summaries ----------------------------------------
    @property
    def minima(self) -> Array:
        """Every known minimum in the view, shape (k, dim) (found once, on first use)."""
        if self._minima is None:
            from .minima import find_minima

            self._minima = find_minima(self.grad, self.hessian, self.bounds, self.minima_starts)
        return self._minima

    @minima.setter
    def minima(self, value) -> None:
        self._minima = np.array(value, dtype=float).reshape(-1, self.dim)

    @property
    def minima_values(self) -> Array:
        """f at each known minimum, shape (k,)."""
        return self.value(self.minima) if len(self.minima) else np.empty(0)

    @property
    def f_min(self) -> float | None:
        """The lowest known value (the global minimum in the view), or None if none is known."""
        return float(self.minima_values.min()) if len(self.minima) else None

    @property
    def center(self) -> Array:
        """The centre of the view window, shape (dim,)."""
        return self.bounds.mean(axis=1)

    @property
    def size(self) -> float:
        """The longest side of the view window."""
        return float(np.ptp(self.bounds, axis=1).max())


def stack_last(*components, shape=()) -> Array:
    """Components (arrays or numbers broadcastable to `shape`) stacked on a new last axis."""
    out = np.empty(tuple(shape) + (len(components),))
    for i, c in enumerate(components):
        out[..., i] = c
    return out
