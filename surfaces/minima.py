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


KINDS = ("minimum", "maximum", "saddle", "flat_minimum", "flat_maximum", "inflection", "degenerate")


def find_critical(value, grad, hessian, bounds, starts=None, tol=1e-10, iters=200):
    """Every critical point reached from `starts` (default: a grid) by Newton's method on the gradient
    (x <- x - H^-1 g, which finds maxima and saddles too), each with its kind (KINDS): classified by
    the Hessian's eigenvalues and, where the quadratic term does not explain the function near the
    point (a degenerate point such as w^3 or w^4 at 0), by probing the function itself a thousandth
    of the view away along each eigenvector. Returns (points (k, dim), kinds)."""
    bounds = np.asarray(bounds, dtype=float)
    dim = len(bounds)
    if starts is None:
        starts = grid_starts(bounds, 41 if dim == 1 else 15)
    x = np.array(starts, dtype=float).reshape(-1, dim)
    span = np.ptp(bounds, axis=1)
    cap = 0.1 * span.max()
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g, H = grad(x), hessian(x)
            step = np.linalg.lstsq(H[0], g[0], rcond=None)[0][None] if len(x) == 1 else _solve(H, g)
            length = np.linalg.norm(step, axis=-1, keepdims=True)
            x = x - step * np.minimum(1.0, cap / np.maximum(length, 1e-300))
            x = np.where(np.isfinite(x), x, starts)
            if not (length > 1e-14 * cap).any():
                break
        g = grad(x)
        ok = np.isfinite(x).all(-1) & (np.linalg.norm(g, axis=-1) <= tol)
        ok &= ((x >= bounds[:, 0] - 1e-9 * span) & (x <= bounds[:, 1] + 1e-9 * span)).all(-1)
    found = []
    for p in x[ok]:
        if all(np.abs(p - q).max() > 1e-6 * span.max() for q in found):
            found.append(p)
    found.sort(key=tuple)
    points = np.array(found, dtype=float).reshape(-1, dim)
    return points, [_kind(value, hessian, p, 1e-3 * span.max()) for p in points]


def _solve(H, g):
    """H^-1 g per point, least squares where H is singular."""
    try:
        return np.linalg.solve(H, g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(h, v, rcond=None)[0] for h, v in zip(H, g)])


def _kind(value, hessian, p, delta) -> str:
    lam, V = np.linalg.eigh(hessian(p[None])[0])
    f0 = float(value(p[None])[0])
    signs, explained = [], True
    for i in range(len(lam)):
        up = float(value((p + delta * V[:, i])[None])[0]) - f0
        down = float(value((p - delta * V[:, i])[None])[0]) - f0
        quad = 0.5 * lam[i] * delta * delta
        explained &= abs(quad) > 0 and abs(up - quad) < 0.5 * abs(quad) and abs(down - quad) < 0.5 * abs(quad)
        signs.append(1 if up > 0 and down > 0 else -1 if up < 0 and down < 0 else 0)
    if explained:
        return "minimum" if (lam > 0).all() else "maximum" if (lam < 0).all() else "saddle"
    if all(s == 1 for s in signs):
        return "flat_minimum"
    if all(s == -1 for s in signs):
        return "flat_maximum"
    if 1 in signs and -1 in signs:
        return "saddle"
    return "inflection" if len(lam) == 1 else "degenerate"
