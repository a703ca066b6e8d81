"""First-order rules, exactly as torch.optim documents them (t counts steps from 1).

g is the gradient after optional clipping (`clip_norm`) and weight decay (g += weight_decay * x).
Each rule is elementwise: `rule(g, x, slots, lr, t, xp) -> (x_new, slots)` takes NumPy arrays of
any shape or plain floats (xp supplies sqrt and maximum for either), so the same code steps a
batch of 40,000 starts and, on Python floats, a single run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import check_clip, check_range, elementwise_optimizer


class SGDState(NamedTuple):
    count: int
    buf: np.ndarray | None = None  # momentum buffer b


def sgd(momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, clip_norm=None):
    """torch.optim.SGD:

    b_t = g_t (t = 1),  b_t = mu b_{t-1} + (1 - dampening) g_t (t > 1)
    d_t = g_t + mu b_t (nesterov)  or  b_t  (mu > 0)  or  g_t (mu = 0)
    x_t = x_{t-1} - lr d_t
    """
    mu = check_range("momentum", momentum, 0, 1)
    damp = check_range("dampening", dampening, 0, 1, hi_open=False)
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    clip = check_clip(clip_norm)
    if nesterov and (mu <= 0 or damp != 0):
        raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")

    def rule(g, x, slots, lr, t, xp):
        if mu == 0:
            return x - lr * g, (None,)
        buf = g if t == 1 else mu * slots[0] + (1 - damp) * g
        d = g + mu * buf if nesterov else buf
        return x - lr * d, (buf,)

    return elementwise_optimizer(SGDState, lambda zeros: (None,), rule, clip, wd)


def gd(momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, clip_norm=None):
    """Plain gradient descent x_t = x_{t-1} - lr g_t (torch.optim.SGD, momentum 0 by default)."""
    return sgd(momentum, dampening, nesterov, weight_decay, clip_norm)


def momentum(momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0, clip_norm=None):
    """Heavy-ball momentum: torch.optim.SGD with momentum 0.9 by default."""
    return sgd(momentum, dampening, nesterov, weight_decay, clip_norm)


def nesterov(momentum=0.9, dampening=0.0, weight_decay=0.0, clip_norm=None):
    """Nesterov momentum: torch.optim.SGD(nesterov=True), d_t = g_t + mu b_t, momentum 0.9."""
    return sgd(momentum, dampening, True, weight_decay, clip_norm)


class AdagradState(NamedTuple):
    count: int
    sum: np.ndarray  # S = initial_accumulator_value + sum of g^2


def adagrad(lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, clip_norm=None):
    """torch.optim.Adagrad:

    S_t = S_{t-1} + g_t^2   (S_0 = initial_accumulator_value)
    clr = lr / (1 + (t - 1) lr_decay)
    x_t = x_{t-1} - clr g_t / (sqrt(S_t) + eps)
    """
    decay = check_range("lr_decay", lr_decay, 0, np.inf)
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    s0 = check_range("initial_accumulator_value", initial_accumulator_value, 0, np.inf)
    eps = check_range("eps", eps, 0, np.inf)
    clip = check_clip(clip_norm)

    def rule(g, x, slots, lr, t, xp):
        clr = lr / (1 + (t - 1) * decay)
        S = slots[0] + g * g
        return x - clr * (g / (xp.sqrt(S) + eps)), (S,)

    return elementwise_optimizer(AdagradState, lambda zeros: (zeros + s0,), rule, clip, wd)


class RMSpropState(NamedTuple):
    count: int
    square_avg: np.ndarray  # v
    grad_avg: np.ndarray | None = None  # a (centered)
    buf: np.ndarray | None = None  # b (momentum)


def rmsprop(alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, clip_norm=None):
    """torch.optim.RMSprop (no bias correction):

    v_t = alpha v_{t-1} + (1 - alpha) g_t^2
    centered: a_t = alpha a_{t-1} + (1 - alpha) g_t,  v~_t = v_t - a_t^2;  else v~_t = v_t
    mu > 0:  b_t = mu b_{t-1} + g_t / (sqrt(v~_t) + eps),  x_t = x_{t-1} - lr b_t
    mu = 0:  x_t = x_{t-1} - lr g_t / (sqrt(v~_t) + eps)
    """
    alpha = check_range("alpha", alpha, 0, 1, hi_open=False)
    eps = check_range("eps", eps, 0, np.inf)
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    mu = check_range("momentum", momentum, 0, 1)
    clip = check_clip(clip_norm)

    def rule(g, x, slots, lr, t, xp):
        square_avg, grad_avg, buf = slots
        v = alpha * square_avg + (1 - alpha) * (g * g)
        if centered:
            grad_avg = alpha * grad_avg + (1 - alpha) * g
            denom = xp.sqrt(v - grad_avg * grad_avg) + eps
        else:
            denom = xp.sqrt(v) + eps
        if mu > 0:
            buf = mu * buf + g / denom
            return x - lr * buf, (v, grad_avg, buf)
        return x - lr * (g / denom), (v, grad_avg, buf)

    def init_slots(zeros):
        return zeros, zeros if centered else None, zeros if mu > 0 else None

    return elementwise_optimizer(RMSpropState, init_slots, rule, clip, wd)


class AdamState(NamedTuple):
    count: int
    m: np.ndarray  # first moment
    v: np.ndarray  # second moment
    v_max: np.ndarray | None = None  # amsgrad: running maximum of v


def adam(betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, clip_norm=None):
    """torch.optim.Adam (L2 weight decay added to the gradient, as torch's Adam does):

    m_t = b1 m_{t-1} + (1 - b1) g_t,   v_t = b2 v_{t-1} + (1 - b2) g_t^2
    amsgrad: v_t <- max(v_max, v_t)
    x_t = x_{t-1} - (lr / (1 - b1^t)) m_t / (sqrt(v_t) / sqrt(1 - b2^t) + eps)
    """
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    b1 = check_range("betas[0]", b1, 0, 1)
    b2 = check_range("betas[1]", b2, 0, 1)
    eps = check_range("eps", eps, 0, np.inf)
    wd = check_range("weight_decay", weight_decay, 0, np.inf)
    clip = check_clip(clip_norm)

    def rule(g, x, slots, lr, t, xp):
        m, v, v_max = slots
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g)
        if amsgrad:
            v_max = xp.maximum(v_max, v)
        denom = xp.sqrt(v_max if amsgrad else v) / (1 - b2**t) ** 0.5 + eps
        return x - (lr / (1 - b1**t)) * (m / denom), (m, v, v_max)

    return elementwise_optimizer(
        AdamState, lambda zeros: (zeros, zeros, zeros if amsgrad else None), rule, clip, wd
    )
