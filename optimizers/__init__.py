"""Optimizers as pure (init, update) pairs, learning-rate schedules, and run().

>>> from optimizers import run
>>> t = run("quadratic", "gd", x0=[5.0], lr=0.1, steps=1)
>>> float(t.path[1, 0])
4.2
"""

from .base import Optimizer, clip_grad_norm
from .registry import OPTIMIZERS, SCHEDULES, hyperparameters, make_optimizer, make_schedule
from .run import Trajectory, by_coordinates, run
from .schedules import Schedule

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "Optimizer",
    "Schedule",
    "Trajectory",
    "by_coordinates",
    "clip_grad_norm",
    "hyperparameters",
    "make_optimizer",
    "make_schedule",
    "run",
]
