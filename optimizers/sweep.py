"""Learning-rate sweeps: one optimizer at many learning rates in one vectorized run() call.

Each learning rate is classified by how its run ended, from the same start and step budget, in
optimizers.fate's words (a sweep's own rules for two of them, read at a glance on its chart):

    diverged      the run diverged, or its final loss is above the initial loss (or not finite)
    converged     the gradient norm reached tol
    oscillating   still moving, and its last steps keep reversing direction (a zig-zag, even one
                  that still falls)
    moving        still moving steadily downhill when the budget ran out ("too slow")

On a quadratic surface (a constant Hessian with largest eigenvalue L) gradient descent diverges
exactly for lr > 2 / L: `gd_limit` returns that threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fate import Fate
from .run import run
from .stability import sharpness

CLASSES = (Fate.MOVING, Fate.CONVERGED, Fate.OSCILLATING, Fate.DIVERGED)  # in order of a rising lr


@dataclass(frozen=True)
class Sweep:
    lrs: np.ndarray  # (m,)
    final_loss: np.ndarray  # (m,)
    initial_loss: float
    steps_to_converge: np.ndarray  # (m,), -1 where it never converged
    verdict: np.ndarray  # (m,) of CLASSES (their str values)

    def first(self, verdict: Fate) -> float | None:
        """The smallest learning rate with this verdict (None if none has it)."""
        hit = np.flatnonzero(self.verdict == verdict)
        return float(self.lrs[hit[0]]) if len(hit) else None


def lr_grid(lo: float = 1e-4, hi: float = 10.0, n: int = 200) -> np.ndarray:
    return np.geomspace(lo, hi, n)


def scrub_rates(lr: float, decades: float = 1.0, count: int = 41) -> np.ndarray:
    """`count` log-spaced rates from lr / 10^decades to lr * 10^decades; lr itself is the middle one
    (count odd)."""
    return lr * np.logspace(-decades, decades, count)


def outcomes(t) -> tuple[np.ndarray, np.ndarray]:
    """How each run of a batched Trajectory ended: (fate, step) with fate converged (step: the
    iterate it converged at), diverged (the step it diverged at), oscillating (still moving, its
    last steps reversing direction) or moving (still moving downhill); step is the last step
    run for the last two."""
    kind = np.full(t.converged_at.shape, Fate.MOVING.value, dtype=object)
    kind[_oscillating(t.path)] = Fate.OSCILLATING.value
    kind[t.converged] = Fate.CONVERGED.value
    kind[t.diverged] = Fate.DIVERGED.value
    step = np.where(t.converged, t.converged_at, np.where(t.diverged, t.diverged_at, t.steps))
    return kind.astype(str), step


def lr_sweep(surface, optimizer: str, x0, lrs, steps: int, tol: float = 1e-8, **options) -> Sweep:
    """Run `optimizer` from x0 at every learning rate in lrs (one call) and classify each run.
    `options` are run()'s: hyperparameters, schedule, noise, seed, batch_size, ..."""
    lrs = np.asarray(lrs, dtype=float)
    t = run(surface, optimizer, x0=x0, lr=lrs, steps=steps, tol=tol, **options)
    f0 = float(t.losses[0, 0])
    final = t.losses[-1]
    verdict = np.full(len(lrs), Fate.MOVING.value, dtype=object)
    verdict[_oscillating(t.path)] = Fate.OSCILLATING.value
    verdict[t.converged] = Fate.CONVERGED.value
    verdict[t.diverged | ~np.isfinite(final) | (final > f0)] = Fate.DIVERGED.value
    return Sweep(lrs, final, f0, np.where(t.converged, t.converged_at, -1), verdict.astype(str))


def _oscillating(path: np.ndarray, window: int = 10) -> np.ndarray:
    """Runs whose last `window` steps mostly reverse direction (successive steps point apart)."""
    d = np.diff(path[-(window + 1) :], axis=0)  # (w, m, dim)
    if len(d) < 2:
        return np.zeros(path.shape[1], dtype=bool)
    dots = np.sum(d[1:] * d[:-1], axis=-1)
    moving = np.linalg.norm(d, axis=-1).max(axis=0) > 0
    return moving & (np.mean(dots < 0, axis=0) > 0.5)


def curvature_if_quadratic(surface, points: int = 7) -> float | None:
    """L, the largest eigenvalue of the Hessian, when the surface is a quadratic (the same Hessian
    everywhere, L > 0), else None."""
    rng = np.random.default_rng(0)
    P = rng.uniform(surface.bounds[:, 0], surface.bounds[:, 1], size=(points, surface.dim))
    H = surface.hessian(P)
    if not np.allclose(H, H[0], rtol=1e-12, atol=1e-12):
        return None
    L = float(sharpness(surface, P[0]))
    return L if L > 0 else None


def gd_limit(surface, points: int = 7) -> float | None:
    """2 / L when the surface is a quadratic with largest curvature L, else None."""
    L = curvature_if_quadratic(surface, points)
    return None if L is None else 2.0 / L


@dataclass(frozen=True)
class Comparison:
    optimizers: tuple[str, ...]
    lrs: np.ndarray  # (m,)
    final_loss: np.ndarray  # (k, m)
    diverged: np.ndarray  # (k, m) bool
    best_lr: np.ndarray  # (k,)


def compare(surface, optimizers, x0, lrs, steps: int, hypers: dict | None = None, **options) -> Comparison:
    """Every optimizer at every learning rate, from the same start and step budget; the best lr of
    each is the one with the lowest final loss among the runs that did not diverge. `hypers`:
    each optimizer's hyperparameters; `options`: run()'s shared ones (schedule, noise, ...)."""
    lrs = np.asarray(lrs, dtype=float)
    finals, bad = [], []
    for name in optimizers:
        hyper = dict((hypers or {}).get(name, {}))
        hyper.pop("lr", None)
        t = run(surface, name, x0=x0, lr=lrs, steps=steps, record=False, **options, **hyper)
        finals.append(t.losses[-1])
        bad.append(t.diverged | (t.losses[-1] > t.losses[0]))
    final, diverged = np.array(finals), np.array(bad)
    best = np.array(
        [lrs[np.argmin(np.where(d, np.inf, f))] if (~d).any() else np.nan for f, d in zip(final, diverged)]
    )
    return Comparison(tuple(optimizers), lrs, final, diverged, best)
