"""An experiment: several optimizers, learning rates and starts on one surface, as labelled runs.

This is what the app, the lessons and the offline export all draw: `simulate(setup)` turns a
plain, hashable Setup into a list of Run records, one per (optimizer, learning rate, start).
Runs of one optimizer share one vectorized run() call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .registry import make_schedule
from .run import run


@dataclass(frozen=True)
class Setup:
    """Everything that decides the runs. Tuples, not lists, so that it can be hashed and cached.

    hyper: ((optimizer, ((name, value), ...)), ...), an optimizer's own "lr" included;
    lrs: extra learning rates run for every optimizer; starts: extra starting points.
    """

    surface: str
    optimizers: tuple[str, ...]
    lr: float
    x0: tuple[float, ...]
    steps: int = 100
    lrs: tuple[float, ...] = ()
    starts: tuple[tuple[float, ...], ...] = ()
    hyper: tuple = ()
    schedule: str = "constant"
    schedule_params: tuple = ()
    tol: float = 1e-8
    noise: float = 0.0
    seed: int = 0

    def hyper_for(self, optimizer: str) -> dict:
        return dict(dict(self.hyper).get(optimizer, ()))


@dataclass(frozen=True)
class Run:
    """One trajectory with what a chart needs to name and style it."""

    optimizer: str
    lr: float
    start: int  # index into (x0,) + starts
    variant: int  # 0 for the first run of its optimizer, 1, 2, ... for more lrs or starts
    path: np.ndarray  # (k+1, dim)
    losses: np.ndarray  # (k+1,)
    grads: np.ndarray  # (k, dim)
    lrs: np.ndarray  # (k,)
    epochs: np.ndarray  # (k,)
    converged_at: int
    diverged_at: int
    hyper: dict = field(default_factory=dict)

    @property
    def steps_taken(self) -> int:
        """Steps this run actually took before it stopped (or all of them)."""
        if self.converged_at >= 0:
            return self.converged_at
        if self.diverged_at >= 0:
            return self.diverged_at - 1
        return len(self.path) - 1

    @property
    def status(self) -> str:
        if self.diverged_at >= 0:
            return "diverged"
        return "converged" if self.converged_at >= 0 else "moving"


def simulate(setup: Setup, surface=None) -> list[Run]:
    """Run every optimizer of `setup` at every learning rate from every start.

    `surface` overrides setup.surface with a Surface object (a custom or data surface).
    """
    s = surface if surface is not None else setup.surface
    starts = [tuple(setup.x0), *[tuple(p) for p in setup.starts]]
    runs: list[Run] = []
    for name in setup.optimizers:
        hyper = setup.hyper_for(name)
        own_lr = float(hyper.pop("lr", setup.lr))
        lrs = list(dict.fromkeys([own_lr, *map(float, setup.lrs)]))
        combos = [(lr, i) for i in range(len(starts)) for lr in lrs]
        x0 = np.array([starts[i] for _, i in combos], dtype=float)
        lr = np.array([lr for lr, _ in combos])
        schedule = make_schedule(setup.schedule, **dict(setup.schedule_params))
        t = run(
            s,
            name,
            x0=x0[0] if len(combos) == 1 else x0,
            lr=lr[0] if len(combos) == 1 else lr,
            steps=setup.steps,
            schedule=schedule,
            tol=setup.tol,
            noise=setup.noise,
            seed=setup.seed,
            **hyper,
        )
        for j, (lr_j, start) in enumerate(combos):
            pick = (slice(None),) if len(combos) == 1 else (slice(None), j)
            runs.append(
                Run(
                    optimizer=name,
                    lr=lr_j,
                    start=start,
                    variant=j,
                    path=t.path[pick],
                    losses=t.losses[pick],
                    grads=t.grads[pick],
                    lrs=t.lrs[pick],
                    epochs=t.epochs,
                    converged_at=int(np.ravel(t.converged_at)[j]),
                    diverged_at=int(np.ravel(t.diverged_at)[j]),
                    hyper=hyper,
                )
            )
    return runs
