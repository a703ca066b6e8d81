"""Search instead of descent: the lecture's first idea, trying parameters one after another and
keeping the best, as an even grid over the view (1-D).

    w, L, best = grid_search(surface, 25)          # 25 evaluations: the points and the best one
    n = evaluations_within(surface, 0.01, w_star)   # the fewest grid points whose best is within 0.01

A grid of n points spaced h apart finds the minimum only to within h/2 (if the loss is smooth), so
its cost grows as 1/tol in 1-D and 1/tol^d in d dimensions; descent needs a gradient per step.
"""

from __future__ import annotations

import numpy as np

MAX_POINTS = 100_000  # evaluations_within gives up beyond this


def grid_points(surface, n: int) -> np.ndarray:
    """n evenly spaced parameters across the view, ends included: (n, 1)."""
    lo, hi = surface.bounds[0]
    return np.linspace(lo, hi, int(n))[:, None]


def grid_search(surface, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(the n points, the loss at each, the index of the lowest)."""
    w = grid_points(surface, n)
    losses = surface.value(w)
    return w[:, 0], losses, int(np.nanargmin(losses))


def evaluations_within(surface, tol: float, target: float, start: int = 2) -> int | None:
    """The fewest evaluations n (an even grid over the view, ends included) whose lowest point lies
    within `tol` of `target`; None beyond MAX_POINTS. Grids are tried in order, in blocks."""
    n = start
    while n <= MAX_POINTS:
        sizes = np.arange(n, min(2 * n, MAX_POINTS + 1))
        for size in sizes:
            w, _, best = grid_search(surface, size)
            if abs(w[best] - target) <= tol:
                return int(size)
        n = int(sizes[-1]) + 1
    return None
