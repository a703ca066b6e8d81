"""Steepest descent with Armijo backtracking (not in torch.optim).

Each step tries s = lr, then s * shrink, s * shrink^2, ... and takes the first step size with
sufficient decrease

    f(x - s g) <= f(x) - c1 s ||g||^2,

or the smallest one tried after `max_backtracks` halvings. The learning rate is the first guess.
Near a minimum the promised decrease c1 s ||g||^2 can fall below the rounding error of f itself;
there a step that does not raise f by more than that rounding is accepted, so that the search
does not stall just short of tol.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, check_clip, check_range, regularize


class LineSearchState(NamedTuple):
    count: int
    rate: np.ndarray | None = None  # the step size each run took at the last step (run() records it)


def linesearch(c1=1e-4, shrink=0.5, max_backtracks=30, weight_decay=0.0, clip_norm=None):
    """x_t = x_{t-1} - s_t g_t with s_t the first Armijo step in lr * shrink^j, j = 0..max_backtracks."""
    c1 = check_range("c1", c1, 0, 1, lo_open=True)
    shrink = check_range("shrink", shrink, 0, 1, lo_open=True)
    tries = int(check_range("max_backtracks", max_backtracks, 0, 200, hi_open=False))
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    clip = check_clip(clip_norm)

    def init(x0):
        return LineSearchState(0)

    def update(grad, state, x, lr, surface):
        g = regularize(grad, x, clip, wd)
        f0 = surface.value(x)
        if wd:
            f0 = f0 + 0.5 * wd * np.sum(x * x, axis=-1)
        slope = np.sum(g * g, axis=-1)
        s = np.broadcast_to(np.asarray(lr, dtype=float)[..., 0] if np.ndim(lr) else lr, f0.shape).copy()
        searching = np.ones(f0.shape, dtype=bool)
        for j in range(tries + 1):
            trial = x - s[..., None] * g
            f = surface.value(trial)
            if wd:
                f = f + 0.5 * wd * np.sum(trial * trial, axis=-1)
            promised = c1 * s * slope
            rounding = 8 * np.finfo(float).eps * np.maximum(np.abs(f0), np.finfo(float).tiny)
            searching &= ~((f <= f0 - promised) | ((promised <= rounding) & (f <= f0 + rounding)))
            if j == tries or not searching.any():
                break
            s = np.where(searching, s * shrink, s)
        return x - s[..., None] * g, LineSearchState(state.count + 1, s)

    return Optimizer(init, update)
