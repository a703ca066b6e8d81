"""Find the local minima of a surface in its view: many starts, saddle-free Newton, Newton polish.

Each start moves by the saddle-free Newton step  x <- x - |H|^-1 g  (|H| the Hessian with its
eigenvalues replaced by their absolute values, so the step always descends), capped at a tenth of
the view, until the gradient norm is below `tol`. Points that reach a positive-definite Hessian
inside the view are minima; duplicates are merged.
"""

from __future__ import annotations

import numpy as np


def _newton_direction(g, H, floor=1e-12):
    """|H|^-1 g for stacks: g (n, d), H (n, d, d)."""
    lam, V = np.linalg.eigh(H)
    lam = np.maximum(np.abs(lam), floor)
    coeff = np.einsum("nji,nj->ni", V, g) / lam
    return np.einsum("nij,nj->ni", V, coeff)


def grid_starts(bounds, per_axis: int) -> np.ndarray:
    """A regular grid of starts inside the view, shape (per_axis**dim, dim)."""
    axes = [np.linspace(lo, hi, per_axis + 2)[1:-1] for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1)


def find_minima(grad, hessian, bounds, starts=None, tol=1e-10, iters=200) -> np.ndarray:
    """The distinct minima reached from `starts` (default: a grid), shape (k, dim).

    grad: (n, d) -> (n, d); hessian: (n, d) -> (n, d, d). Sorted by position for stable output.
    """
    bounds = np.asarray(bounds, dtype=float)
    dim = len(bounds)
    if starts is None:
        starts = grid_starts(bounds, 41 if dim == 1 else 21)
    x = np.array(starts, dtype=float).reshape(-1, dim)
    cap = 0.1 * np.ptp(bounds, axis=1).max()
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g = grad(x)
            step = _newton_direction(g, hessian(x))
            length = np.linalg.norm(step, axis=-1, keepdims=True)
            x = x - step * np.minimum(1.0, cap / np.maximum(length, 1e-300))
            x = np.where(np.isfinite(x), x, starts)
            if not (length > 1e-13 * cap).any():  # every start has stopped moving
                break
        g = grad(x)
        ok = np.isfinite(x).all(-1) & (np.linalg.norm(g, axis=-1) <= tol)
        lam = np.linalg.eigvalsh(hessian(x))
        ok &= (lam > 0).all(-1)
        span = np.ptp(bounds, axis=1)
        ok &= ((x >= bounds[:, 0] - 1e-9 * span) & (x <= bounds[:, 1] + 1e-9 * span)).all(-1)
    found = []
    for p in x[ok]:
        if all(np.abs(p - q).max() > 1e-6 * span.max() for q in found):
            found.append(p)
    found.sort(key=tuple)
    return np.array(found, dtype=float).reshape(-1, dim)
