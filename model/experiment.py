"""An experiment: several optimizers, learning rates and starts on one surface, as labelled runs.

This is the app's compute contract, what the page, the lessons and the offline export all draw:
`simulate(setup)` turns a plain, hashable Setup into a list of Run records, one per (optimizer,
learning rate, start, batch size). Runs of one optimizer and batch size share one vectorized
run() call; each run draws its randomness from its own streams, so it is the same run alone or
beside others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizers import make_schedule, run
from optimizers.fate import Fate, fate_of


@dataclass(frozen=True)
class Setup:
    """Everything that decides the runs. Tuples, not lists, so that it can be hashed and cached.

    spec: the surface (model.spec.DataSpec); hyper: ((optimizer, ((name, value), ...)), ...), an
    optimizer's own "lr" included; lrs: extra learning rates run for every optimizer; starts:
    extra starting points; batch_sizes: for a data loss, None is full batch, 1 SGD, k mini-batches.
    """

    spec: object
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
    batch_sizes: tuple = ()
    shuffle: bool = True
    stop_diverged: bool = True
    epochs: int = 0  # > 0 (a data loss): each batch size runs this many passes over the data
    monitor: str = "loss"  # what reduce-on-plateau watches: the training loss, or the held-out one

    def steps_for(self, per_epoch: int) -> int:
        """The steps a run of `per_epoch` steps per pass takes: the epoch budget, or `steps`."""
        return self.epochs * per_epoch if self.epochs else self.steps

    def hyper_for(self, optimizer: str) -> dict:
        """The optimizer's hyperparameters by torch's names, its learning rate apart (lr_for)."""
        hyper = dict(dict(self.hyper).get(optimizer, ()))
        hyper.pop("lr", None)
        return hyper

    def lr_for(self, optimizer: str) -> float:
        """The optimizer's own learning rate where it has one, else the shared one."""
        return float(dict(dict(self.hyper).get(optimizer, ())).get("lr", self.lr))

    def run_options(self, optimizer: str) -> dict:
        """run()'s keyword arguments shared by every run of `optimizer` (all but x0, lr, batch size)."""
        hyper = self.hyper_for(optimizer)
        return dict(
            monitor=self.monitor,
            steps=self.steps,
            schedule=make_schedule(self.schedule, **dict(self.schedule_params)),
            tol=self.tol,
            noise=self.noise,
            seed=self.seed,
            shuffle=self.shuffle,
            stop_diverged=self.stop_diverged,
            **hyper,
        )


@dataclass(frozen=True)
class Run:
    """One trajectory with what a chart needs to name and style it."""

    optimizer: str
    lr: float
    start: int  # index into (x0,) + starts
    variant: int  # 0 for the first run of its optimizer, 1, 2, ... for more lrs, starts or batches
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
    sync: int = 1  # animation ticks per step: runs compared by epoch move one step per pass's share
    left_domain: bool = False  # stopped where the function is not defined (diverged_at says when)
    fate: Fate = Fate.MOVING  # how it ended (optimizers.fate), and the step that dates it (-1: none)
    fate_at: int = -1
    ratios: tuple | None = None  # (steps, lr_k * lambda_max) measured where the run was made (a network's)

    @property
    def steps_taken(self) -> int:
        """Steps this run actually took before it stopped (or all of them)."""
        if self.converged_at >= 0:
            return self.converged_at
        if self.diverged_at >= 0:
            return self.diverged_at - 1
        return len(self.path) - 1

    @property
    def point(self) -> tuple[float, ...]:
        """Where it starts."""
        return tuple(float(v) for v in self.path[0])

    @property
    def stopped(self) -> bool:
        """Whether the engine stopped it before the steps ran out (converged, diverged, left the domain)."""
        return self.converged_at >= 0 or self.diverged_at >= 0


@dataclass(frozen=True)
class Planned:
    """A run as the setup plans it, before anything is computed: what a chart labels it by."""

    optimizer: str
    lr: float
    start: int
    variant: int
    batch_size: int | None
    point: tuple[float, ...]


def plan(setup: Setup) -> list[Planned]:
    """The runs of `setup` in the order simulate returns them (the legend's order): by optimizer
    (in the menu's order), batch size, start, then learning rate (its own or the main one first)."""
    starts = [tuple(setup.x0), *[tuple(p) for p in setup.starts]]
    out = []
    for name in setup.optimizers:
        lrs = [setup.lr_for(name), *map(float, setup.lrs)]  # as asked, even twice: run N stays run N
        variant = 0
        for batch_size in list(setup.batch_sizes) or [None]:
            for i in range(len(starts)):
                for lr in lrs:
                    out.append(Planned(name, lr, i, variant, batch_size, starts[i]))
                    variant += 1
    return out


def simulate(setup: Setup, surface=None) -> list[Run]:
    """Run every optimizer of `setup` at every learning rate, from every start, with every batch
    size. `surface` is the built setup.spec (built here when not given)."""
    s = surface if surface is not None else setup.spec.build()
    starts = [tuple(setup.x0), *[tuple(p) for p in setup.starts]]
    batch_sizes = list(setup.batch_sizes) or [None]
    n_rows = s.n_rows
    per_epochs = [1 if b is None or n_rows is None else -(-n_rows // b) for b in batch_sizes]
    finest = max(per_epochs) if setup.epochs else 1
    runs: list[Run] = []
    for name in setup.optimizers:
        lrs = [setup.lr_for(name), *map(float, setup.lrs)]  # as asked, even twice: run N stays run N
        combos = [(lr, i) for i in range(len(starts)) for lr in lrs]
        x0 = np.array([starts[i] for _, i in combos], dtype=float)
        lr = np.array([lr for lr, _ in combos])
        one = len(combos) == 1  # a single run steps on Python floats: several times faster
        variant = 0
        for batch_size, per_epoch in zip(batch_sizes, per_epochs):
            options = setup.run_options(name) | {"steps": setup.steps_for(per_epoch)}
            t = run(
                s, name, x0=x0[0] if one else x0, lr=lr[0] if one else lr, batch_size=batch_size, **options
            )
            for j, (lr_j, start) in enumerate(combos):
                pick = (slice(None),) if one else (slice(None), j)
                converged_at, diverged_at = int(np.ravel(t.converged_at)[j]), int(np.ravel(t.diverged_at)[j])
                left = bool(np.ravel(t.left_domain)[j])
                end = (
                    converged_at
                    if converged_at >= 0
                    else diverged_at - 1
                    if diverged_at >= 0
                    else len(t.path) - 1
                )
                fate, fate_at = fate_of(
                    t.path[pick][: end + 1],
                    t.losses[pick][: end + 1],
                    converged_at,
                    diverged_at,
                    left,
                    s.bounds,
                )
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
                        converged_at=converged_at,
                        diverged_at=diverged_at,
                        hyper=setup.hyper_for(name),
                        batch_size=batch_size,
                        per_epoch=per_epoch,
                        sync=finest // per_epoch if setup.epochs else 1,
                        batch_rows=None if t.batch_rows is None else t.batch_rows[pick],
                        left_domain=left,
                        fate=fate,
                        fate_at=fate_at,
                    )
                )
                variant += 1
    return runs
