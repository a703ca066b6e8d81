"""Damped Newton's method (not in torch.optim): x_t = x_{t-1} - lr H~^-1 g_t.

H~ is the Hessian at x_{t-1} (plus weight_decay * I) made positive definite: with
H = V diag(l) V^T, H~ = V diag(max(|l|, min_curvature)) V^T. Where H is positive definite with
eigenvalues above min_curvature this is the plain Newton step (lr = 1 jumps to the minimum of a
quadratic in one step); where H is indefinite, the absolute eigenvalues turn the step away from
saddles and maxima instead of towards them (the "saddle-free" Newton step), and the floor
bounds the step where the surface is nearly flat.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, check_clip, check_range, regularize


class NewtonState(NamedTuple):
    count: int


def newton_direction(g, H, min_curvature):
    """H~^-1 g for stacks: g (..., d), H (..., d, d)."""
    lam, V = np.linalg.eigh(H)
    lam = np.maximum(np.abs(lam), min_curvature)
    coeff = np.einsum("...ji,...j->...i", V, g) / lam
    return np.einsum("...ij,...j->...i", V, coeff)


def newton(min_curvature=1e-4, weight_decay=0.0, clip_norm=None):
    """Damped, saddle-free Newton: x_t = x_{t-1} - lr H~^-1 g_t (see the module docstring)."""
    floor = check_range("min_curvature", min_curvature, 0, np.inf, lo_open=True)
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    clip = check_clip(clip_norm)

    def init(x0):
        return NewtonState(0)

    def update(grad, state, x, lr, surface):
        g = regularize(grad, x, clip, wd)
        H = surface.hessian(x)
        if wd:
            H = H + wd * np.eye(x.shape[-1])
        H = np.where(np.isfinite(H), H, 0.0)
        return x - lr * newton_direction(g, H, floor), NewtonState(state.count + 1)

    return Optimizer(init, update)
