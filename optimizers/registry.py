"""The registries: optimizer and schedule names -> factories, with friendly validation."""

from __future__ import annotations

import functools
import inspect

from . import first_order, schedules
from .base import Optimizer
from .linesearch import linesearch
from .newton import newton
from .schedules import Schedule

OPTIMIZERS = {
    "gd": first_order.gd,
    "momentum": first_order.momentum,
    "nesterov": first_order.nesterov,
    "adagrad": first_order.adagrad,
    "rmsprop": first_order.rmsprop,
    "adam": first_order.adam,
    "newton": newton,
    "linesearch": linesearch,
}

SCHEDULES = {
    "constant": schedules.constant,
    "step": schedules.step,
    "exponential": schedules.exponential,
    "cosine": schedules.cosine,
    "inverse_time": schedules.inverse_time,
    "plateau": schedules.plateau,
}


def hyperparameters(factory) -> dict:
    """The keyword arguments a factory takes, with their defaults (a copy: callers may change it)."""
    return dict(_signature_defaults(factory))


@functools.cache
def _signature_defaults(factory) -> dict:  # inspect.signature costs ~0.1 ms, and every page asks
    return {k: p.default for k, p in inspect.signature(factory).parameters.items()}


def _build(kind: str, registry: dict, name: str, params: dict):
    if not isinstance(name, str) or name not in registry:
        raise ValueError(f"unknown {kind} {name!r}; choose one of: {', '.join(registry)}")
    factory = registry[name]
    allowed = hyperparameters(factory)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(
            f"{name} has no hyperparameter {', '.join(map(repr, unknown))}; "
            f"it takes: {', '.join(allowed) or 'none'}"
        )
    return factory(**params)


def make_optimizer(name: str, **hyper) -> Optimizer:
    """OPTIMIZERS[name](**hyper), with a ValueError that lists valid names on a mistake."""
    return _build("optimizer", OPTIMIZERS, name, hyper)


def make_schedule(schedule=None, **params) -> Schedule:
    """A Schedule from None (constant), a name (its defaults) or a Schedule object."""
    if schedule is None:
        return schedules.constant()
    if isinstance(schedule, Schedule):
        return schedule
    return _build("schedule", SCHEDULES, schedule, params)
