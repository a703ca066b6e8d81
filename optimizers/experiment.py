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
    batch_sizes: tuple = ()  # data surfaces: () or (None,) is full batch; 1 is SGD; k mini-batches of k rows
    shuffle: bool = True
    data: tuple = ()  # what the data surface was built from (it keys caches; the Surface is passed in)

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
    batch_size: int | None = None  # None: full batch
    per_epoch: int = 1  # steps in one pass over the data
    batch_rows: np.ndarray | None = None  # (k, batch_size) rows of each step's mini-batch

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
    """Run every optimizer of `setup` at every learning rate, from every start, with every batch
    size. `surface` overrides setup.surface with a Surface object (a custom or data surface)."""
    from surfaces import get_surface

    s = surface if surface is not None else get_surface(setup.surface)
    starts = [tuple(setup.x0), *[tuple(p) for p in setup.starts]]
    batch_sizes = list(setup.batch_sizes) or [None]
    runs: list[Run] = []
    for name in setup.optimizers:
        hyper = setup.hyper_for(name)
        own_lr = float(hyper.pop("lr", setup.lr))
        lrs = list(dict.fromkeys([own_lr, *map(float, setup.lrs)]))
        combos = [(lr, i) for i in range(len(starts)) for lr in lrs]
        variant = 0
        for batch_size in batch_sizes:
            t = _run_combos(s, name, starts, combos, setup, hyper, batch_size)
            n_rows = getattr(s, "n_rows", None)
            per_epoch = 1 if batch_size is None or n_rows is None else -(-n_rows // batch_size)
            for j, (lr_j, start) in enumerate(combos):
                pick = (slice(None),) if len(combos) == 1 else (slice(None), j)
                runs.append(
                    Run(
                        optimizer=name,
                        lr=lr_j,
                        start=start,
                        variant=variant,
                        path=t.path[pick],
                        losses=t.losses[pick],
                        grads=t.grads[pick],
                        lrs=t.lrs[pick],
                        epochs=t.epochs,
                        converged_at=int(np.ravel(t.converged_at)[j]),
                        diverged_at=int(np.ravel(t.diverged_at)[j]),
                        hyper=hyper,
                        batch_size=batch_size,
                        per_epoch=per_epoch,
                        batch_rows=t.batch_rows,
                    )
                )
                variant += 1
    return runs


def _run_combos(s, name, starts, combos, setup: Setup, hyper: dict, batch_size):
    """One vectorized run() for every (lr, start) pair of one optimizer and batch size."""
    x0 = np.array([starts[i] for _, i in combos], dtype=float)
    lr = np.array([lr for lr, _ in combos])
    one = len(combos) == 1
    schedule = make_schedule(setup.schedule, **dict(setup.schedule_params))
    return run(
        s,
        name,
        x0=x0[0] if one else x0,
        lr=lr[0] if one else lr,
        steps=setup.steps,
        schedule=schedule,
        tol=setup.tol,
        noise=setup.noise,
        seed=setup.seed,
        batch_size=batch_size,
        shuffle=setup.shuffle,
        **hyper,
    )
