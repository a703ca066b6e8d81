"""What every optimizer shares: the (init, update) pair, gradient clipping and weight decay.

An optimizer is a pair of pure functions over a small state NamedTuple, like optax's
GradientTransformation, but `update` returns the new point itself (optax returns an update to
add) and takes the learning rate and the surface (Newton reads its Hessian, the line search its
values; first-order rules ignore it):

    init(x0) -> state                                   state: a NamedTuple with `count`
    update(grad, state, x, lr, surface) -> (x_new, state)

A state that has a `rate` field says which step size the update took (a line search's accepted
step, not the learning rate it started from); run() records that as the step's learning rate.

`x` and `grad` have shape batch + (dim,); `lr` is a number or an array that broadcasts
against `x` (shape batch + (1,)). Every rule is elementwise over the batch, so thousands of
starts step in one call.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


class Elementwise(NamedTuple):
    """An elementwise rule and its setup, attached to `update.elementwise` so that run() can step
    a single run on Python floats with the very same rule."""

    rule: Callable  # (g, x, slots, lr, t, xp) -> (x_new, slots)
    init_slots: Callable  # zeros (an array, or 0.0) -> slots
    state_type: type  # NamedTuple(count, *slots)
    clip_norm: float | None
    weight_decay: float


def _float_sqrt(v: float) -> float:
    return math.sqrt(v) if v >= 0 else math.nan  # NaN where NumPy's sqrt gives NaN


def _float_maximum(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan  # np.maximum propagates NaN
    return a if a >= b else b


FLOAT_MATH = SimpleNamespace(sqrt=_float_sqrt, maximum=_float_maximum)  # `xp` for plain floats


def elementwise_optimizer(state_type, init_slots, rule, clip_norm, weight_decay) -> Optimizer:
    """The (init, update) pair of an elementwise rule: g = regularize(grad), then the rule."""

    def init(x0):
        return state_type(0, *init_slots(np.zeros(np.shape(x0))))

    def update(grad, state, x, lr, surface=None):
        g = regularize(grad, x, clip_norm, weight_decay)
        t = state.count + 1
        x_new, slots = rule(g, x, tuple(state[1:]), lr, t, np)
        return x_new, state_type(t, *slots)

    update.elementwise = Elementwise(rule, init_slots, state_type, clip_norm, weight_decay)
    return Optimizer(init, update)


def clip_grad_norm(g, max_norm):
    """g * min(1, c / (||g|| + 1e-6)) per run (norm over the last axis), as
    torch.nn.utils.clip_grad_norm_ does; None leaves g as it is. g is an array (any batch) or one
    run's tuple of floats, with the same operations in the same order: the same bits."""
    if max_norm is None:
        return g
    if isinstance(g, tuple):
        sq = g[0] * g[0]
        for gi in g[1:]:
            sq = sq + gi * gi
        factor = min(1.0, max_norm / (math.sqrt(sq) + 1e-6))
        return tuple(gi * factor for gi in g)
    norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
    return g * np.minimum(1.0, max_norm / (norm + 1e-6))


def regularize(grad, x, clip_norm, weight_decay):
    """The gradient a torch.optim rule steps with: clipped, then plus weight_decay * x (arrays, or
    one run's tuples of floats, as clip_grad_norm)."""
    g = clip_grad_norm(grad, clip_norm)
    if not weight_decay:
        return g
    if isinstance(g, tuple):
        return tuple(gi + weight_decay * xi for gi, xi in zip(g, x))
    return g + weight_decay * x


def check_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=True):
    """Raise ValueError unless lo <= value < hi (bounds open or closed as asked)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    above = v > lo if lo_open else v >= lo
    below = v < hi if hi_open else v <= hi
    if not (np.isfinite(v) and above and below):
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        raise ValueError(f"{name} must lie in {left}{lo:g}, {hi:g}{right}, got {value!r}")
    return v


def check_clip(clip_norm):
    """clip_norm is None (no clipping) or a positive number."""
    return None if clip_norm is None else check_range("clip_norm", clip_norm, 0, np.inf, lo_open=True)
