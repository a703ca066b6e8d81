"""Basins of attraction: which minimum every start of a grid reaches, at several learning rates,
in one vectorized run() call (stopped runs leave the working set as they stop).

For the start (xs[j], ys[i]) at learning rate lrs[r], label[r, i, j] is

    m >= 0   converged to surface.minima[m]: the run's stop rule fired within `steps` steps (true
             gradient norm <= tol) and its end point lies within RADIUS x the view's diagonal of
             minima[m], the nearest known minimum
    -1       diverged (run()'s rule: a non-finite point or loss, or one 1e6 view sizes away)
    -2       neither: still moving after `steps` steps, or stopped at a critical point that is no
             known minimum (a saddle point, a maximum, a minimum the surface does not list)

and steps[r, i, j] is the step it stopped at (converged_at or diverged_at), `steps` if it never did.

Gradient descent near a minimum with Hessian eigenvalues lambda is x <- (I - lr H) x: it converges
there only if lr < 2 / lambda_max, so the basin of a minimum vanishes once lr passes 2 / lambda_max
at that minimum (`critical_rates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .run import run
from .stability import sharpness

RADIUS = 1e-3  # of the view's diagonal: how close to a minimum a converged run must end
TOL = 1e-4  # the basin maps' stop rule on the gradient norm (run()'s default 1e-8 needs long runs)


@dataclass(frozen=True)
class BasinMap:
    xs: np.ndarray  # (n,) grid x
    ys: np.ndarray  # (n,) grid y
    label: np.ndarray  # (len(lrs), n, n) int8: minimum index, -1 diverged, -2 neither
    steps: np.ndarray  # (len(lrs), n, n) int: the step each run stopped at
    lrs: np.ndarray  # (len(lrs),)

    def crossings(self, r: int) -> float:
        """How ragged the map at rate r is: the mean number of label changes along a row and along
        a column (about 1 where one smooth boundary crosses the window, more where it folds)."""
        lab = self.label[r]
        rows = (lab[:, 1:] != lab[:, :-1]).sum(axis=1).mean()
        cols = (lab[1:, :] != lab[:-1, :]).sum(axis=0).mean()
        return float((rows + cols) / 2)

    def shares(self, k: int) -> np.ndarray:
        """(len(lrs), k + 2): the fraction of starts in each of k basins, diverged, undecided."""
        counts = [(self.label == m).mean(axis=(1, 2)) for m in (*range(k), -1, -2)]
        return np.stack(counts, axis=1)


def grid(bounds, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres of an n x n grid over bounds ((2, 2): x and y ranges): xs, ys, points (n*n, 2)
    row by row (y outer)."""
    b = np.asarray(bounds, dtype=float)
    xs = b[0, 0] + (np.arange(n) + 0.5) * (b[0, 1] - b[0, 0]) / n
    ys = b[1, 0] + (np.arange(n) + 0.5) * (b[1, 1] - b[1, 0]) / n
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([X.ravel(), Y.ravel()])


def basin_map(surface, optimizer, lrs, n: int = 160, steps: int = 300, bounds=None, **hyper) -> BasinMap:
    """The basins of `optimizer` on a 2-D `surface` over an n x n grid of starts (the view, or
    `bounds`), for every learning rate in `lrs`, in one run() call of len(lrs) * n * n runs.
    `hyper`: the optimizer's hyperparameters and run()'s options (tol defaults to TOL)."""
    if surface.dim != 2:
        raise ValueError(f"basin maps need a 2-D surface; {surface.name} is {surface.dim}-D")
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    bounds = surface.bounds if bounds is None else np.asarray(bounds, dtype=float)
    xs, ys, cells = grid(bounds, n)
    m = len(cells)
    starts = np.tile(cells, (len(lrs), 1))
    rates = np.repeat(lrs, m)
    hyper.setdefault("tol", TOL)
    t = run(surface, optimizer, x0=starts, lr=rates, steps=steps, record=False, **hyper)
    label = _labels(surface, t, bounds)
    stopped = np.where(t.converged, t.converged_at, np.where(t.diverged, t.diverged_at, steps))
    shape = (len(lrs), n, n)
    return BasinMap(xs, ys, label.reshape(shape).astype(np.int8), stopped.reshape(shape), lrs)


def _labels(surface, t, bounds) -> np.ndarray:
    """Each run's label (module docstring) from its end point and flags."""
    end = t.path[-1]
    label = np.full(len(end), -2)
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    done = np.flatnonzero(t.converged)
    if len(minima) and len(done):
        ex, ey = end[done, 0], end[done, 1]
        d2 = np.stack([(ex - mx) ** 2 + (ey - my) ** 2 for mx, my in minima])  # (minima, runs)
        nearest = d2.argmin(axis=0)
        d = np.sqrt(d2[nearest, np.arange(len(done))])  # np.linalg.norm's numbers, for the nearest
        near = d <= RADIUS * np.linalg.norm(bounds[:, 1] - bounds[:, 0])
        label[done[near]] = nearest[near]
    return np.where(t.diverged, -1, label)


def critical_rates(surface) -> np.ndarray:
    """2 / lambda_max at each known minimum: gradient descent's basin of that minimum vanishes past
    it (inf where the minimum is flat, lambda_max <= 0)."""
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, surface.dim)
    if not len(minima):
        return np.empty(0)
    lam = np.atleast_1d(sharpness(surface, minima))
    with np.errstate(divide="ignore"):
        return np.where(lam > 0, 2.0 / lam, np.inf)


def basin_rates(surface, count: int = 12, lr: float | None = None, top: float = 2.0) -> np.ndarray:
    """`count` log-spaced rates from a quarter of the smallest critical rate to 1.25 x the largest
    (every basin vanishes within the range), shifted so that `lr` is one of them if it is in the
    range. `top`: the optimizer's limit on lr * lambda (gradient descent's 2); around 0.01 where
    the surface lists no minima."""
    crit = critical_rates(surface) * (top / 2)
    crit = crit[np.isfinite(crit)]
    lo, hi = (crit.min() / 4, crit.max() * 1.25) if len(crit) else (1e-3, 0.1)
    return anchored_rates(lo, hi, lr, count)


def anchored_rates(lo: float, hi: float, lr: float | None, count: int) -> np.ndarray:
    """`count` rates evenly spaced in log from lo to hi, shifted (by less than one spacing) so that
    lr is one of them when it lies in the range."""
    ratio = (hi / lo) ** (1 / (count - 1))
    if lr is None or not lo <= lr <= hi:
        return lo * ratio ** np.arange(count)
    i = int(np.clip(np.round(np.log(lr / lo) / np.log(ratio)), 0, count - 1))
    return lr * ratio ** (np.arange(count) - i)
