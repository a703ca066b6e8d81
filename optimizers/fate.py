"""How a run ended, in one vocabulary: the words every chart label, table, note and lesson uses.

    converged     the true gradient's norm reached tol (the run stopped there)
    diverged      the engine stopped it (a non-finite number, or a million views away), or it left
                  the view and moved farther from it on each of its last steps (still running away
                  when the steps ran out: lr 1.05 on the quadratic is at w = 55,123 after 100 steps)
    left_domain   it stopped where the loss is not defined (the log of a negative number)
    oscillating   it neither settled nor ran away: over its last quarter the loss did not fall
                  and most steps reversed the one before (lr 1.0 on the quadratic, for ever)
    moving        still on its way when the steps ran out

`fate_of` reads it off a run's arrays; model.experiment stores it in every Run; a sweep (optimizers.sweep) classifies its learning rates in the same words.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np


class Fate(StrEnum):
    CONVERGED = "converged"
    DIVERGED = "diverged"
    LEFT_DOMAIN = "left_domain"
    OSCILLATING = "oscillating"
    MOVING = "moving"


RUNAWAY_STEPS = 10  # a run outside the view whose distance from it grew on each of its last 10 steps
FLAT = 1e-9  # relative fall of the loss over the last quarter below which it "did not fall"


def distance_outside(points: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Each point's distance from the view box (0 inside it)."""
    lo, hi = bounds[:, 0], bounds[:, 1]
    gap = np.maximum(lo - points, 0.0) + np.maximum(points - hi, 0.0)
    return np.sqrt(np.sum(gap * gap, axis=-1))


def fate_of(path, losses, converged_at: int, diverged_at: int, left_domain: bool, bounds) -> tuple[Fate, int]:
    """(the fate, the step it is dated by) of one run: the step of convergence or divergence, the
    first step of its final stretch outside the view for a run that is running away, and -1
    for oscillating and moving runs. `path` and `losses` hold every iterate the run reached."""
    if left_domain:
        return Fate.LEFT_DOMAIN, diverged_at
    if diverged_at >= 0:
        return Fate.DIVERGED, diverged_at
    if converged_at >= 0:
        return Fate.CONVERGED, converged_at
    k = len(path) - 1
    if k < 2:
        return Fate.MOVING, -1
    d = distance_outside(np.asarray(path, dtype=float), np.asarray(bounds, dtype=float))
    m = min(RUNAWAY_STEPS, k)
    if d[-1] > 0 and np.all(np.diff(d[-m - 1 :]) > 0):
        inside = np.flatnonzero(d == 0)
        return Fate.DIVERGED, int(inside[-1] + 1) if len(inside) else 0
    q = max(k // 4, 2)
    L = np.asarray(losses[-q - 1 :], dtype=float)
    fell = L[-1] < L[0] - FLAT * max(abs(L[0]), 1e-300)
    steps = np.diff(np.asarray(path[-q - 2 :], dtype=float), axis=0)
    reversals = np.sum(np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0)
    if not fell and reversals > q / 2:
        return Fate.OSCILLATING, -1
    return Fate.MOVING, -1
