"""Learning-rate schedules, named and parametrized as torch.optim.lr_scheduler where it has one.

A schedule is a pair of pure functions:

    init(lr0, batch) -> state
    update(t, loss, state) -> (lr, state)

`t` counts the steps already taken (0 for the first step), `loss` is the loss of the current
iterate (only `plateau` reads it). The closed forms, with lr0 the initial learning rate:

    constant      lr_t = lr0
    step          lr_t = lr0 * gamma^floor(t / step_size)              (StepLR)
    exponential   lr_t = lr0 * gamma^t                                 (ExponentialLR)
    cosine        lr_t = eta_min + (lr0 - eta_min)(1 + cos(pi t / T_max)) / 2  (CosineAnnealingLR)
    inverse_time  lr_t = lr0 / (1 + decay t)
    plateau       lr *= factor after more than `patience` steps without improvement (ReduceLROnPlateau)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import check_range


class Schedule(NamedTuple):
    init: Callable  # (lr0, batch shape) -> state
    update: Callable  # (step, loss, state) -> (lr, state); with update.watches_point, (..., x) too


def _closed_form(factor: Callable[[int], float]) -> Schedule:
    """A schedule lr_t = lr0 * factor(t) (the state is lr0 itself)."""

    def init(lr0, batch=()):
        return lr0

    def update(t, loss, lr0):
        f = factor(t)
        return (lr0 if f == 1.0 else lr0 * f), lr0  # x * 1.0 is x: no pass over a batch's rates

    return Schedule(init, update)


def constant() -> Schedule:
    """lr_t = lr0."""
    return _closed_form(lambda t: 1.0)


def step(step_size=30, gamma=0.1) -> Schedule:
    """lr_t = lr0 * gamma^floor(t / step_size), torch's StepLR."""
    size = int(check_range("step_size", step_size, 1, 10**9))
    gamma = check_range("gamma", gamma, 0, 1, lo_open=True, hi_open=False)
    return _closed_form(lambda t: gamma ** (t // size))


def exponential(gamma=0.99) -> Schedule:
    """lr_t = lr0 * gamma^t, torch's ExponentialLR."""
    gamma = check_range("gamma", gamma, 0, 1, lo_open=True, hi_open=False)
    return _closed_form(lambda t: gamma**t)


def inverse_time(decay=0.01) -> Schedule:
    """lr_t = lr0 / (1 + decay * t)."""
    decay = check_range("decay", decay, 0, np.inf)
    return _closed_form(lambda t: 1.0 / (1.0 + decay * t))


def cosine(T_max=100, eta_min=0.0) -> Schedule:
    """lr_t = eta_min + (lr0 - eta_min)(1 + cos(pi t / T_max)) / 2, torch's CosineAnnealingLR."""
    T = int(check_range("T_max", T_max, 1, 10**9))
    eta_min = check_range("eta_min", eta_min, 0, np.inf)

    def init(lr0, batch=()):
        return lr0

    def update(t, loss, lr0):
        return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * t / T)) / 2, lr0

    return Schedule(init, update)


class PlateauState(NamedTuple):
    lr: np.ndarray
    best: np.ndarray
    bad: np.ndarray  # steps without improvement
    cooldown: np.ndarray  # steps of cooldown left


def plateau(
    factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8
) -> Schedule:
    """torch's ReduceLROnPlateau (mode 'min'), fed the loss of each new iterate.

    The loss improves when loss < best (1 - threshold) ('rel') or loss < best - threshold ('abs').
    After more than `patience` steps without improvement, lr <- max(lr * factor, min_lr)
    (skipped when the change is below eps), then `cooldown` steps pass before counting again.
    """
    factor = check_range("factor", factor, 0, 1, lo_open=True)
    patience = int(check_range("patience", patience, 0, 10**9))
    threshold = check_range("threshold", threshold, 0, np.inf)
    if threshold_mode not in ("rel", "abs"):
        raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
    cooldown_steps = int(check_range("cooldown", cooldown, 0, 10**9))
    min_lr = check_range("min_lr", min_lr, 0, np.inf)
    eps = check_range("eps", eps, 0, np.inf)

    def init(lr0, batch=()):
        lr = np.broadcast_to(np.asarray(lr0, dtype=float), batch).copy()
        zeros = np.zeros(batch, dtype=int)
        return PlateauState(lr, np.full(batch, np.inf), zeros, zeros)

    def update(t, loss, s):
        if t == 0:  # torch steps the scheduler after each step: the first step uses lr0
            return s.lr, s
        if threshold_mode == "rel":
            better = loss < s.best * (1 - threshold)
        else:
            better = loss < s.best - threshold
        best = np.where(better, loss, s.best)
        bad = np.where(better, 0, s.bad + 1)
        cooling = s.cooldown > 0
        cool = np.where(cooling, s.cooldown - 1, s.cooldown)
        bad = np.where(cooling, 0, bad)
        reduce = bad > patience
        new_lr = np.maximum(s.lr * factor, min_lr)
        lr = np.where(reduce & (s.lr - new_lr > eps), new_lr, s.lr)
        cool = np.where(reduce, cooldown_steps, cool)
        bad = np.where(reduce, 0, bad)
        return lr, PlateauState(lr, best, bad, cool)

    return Schedule(init, update)
