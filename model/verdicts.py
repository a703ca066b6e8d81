"""What the app says about stability, run by run: lr * lambda_max against the run's own optimizer's
limit at the start (a local verdict), what governs the adaptive optimizers instead, lr * lambda_max
along the path, and one sentence where the run's outcome differs from the local verdict."""

from __future__ import annotations

import weakref

import numpy as np

from optimizers.fate import Fate
from optimizers.stability import effective_steps, limit, regimes, sharpness_path


def first_lr(run) -> float:
    return float(run.lrs[0]) if len(run.lrs) else float(run.lr)


def run_limit(run) -> float | None:
    """The largest lr * lambda at which the run's optimizer converges (None: no fixed limit)."""
    return limit(run.optimizer, lr=first_lr(run), **run.hyper)


def regime_of(run):
    """lr * lambda_max (a number or an array) -> the regime ids, for this run's optimizer and lr
    (weight decay included)."""
    hyper, wd = run.hyper, run.hyper.get("weight_decay", 0.0)
    lr = first_lr(run)
    return lambda a: regimes(np.asarray(a) + lr * wd, run.optimizer, **hyper)


SHARPNESS_EVERY = 10  # a network's sharpness is measured every 10 steps (Lanczos)
_PATHS: dict = {}  # what is measured along a (cached, shared) run, by the run's id


def _remembered(run, what: str, compute):
    """compute(), remembered for this (cached, shared) run while it lives."""
    key = (what, id(run))
    hit = _PATHS.get(key)
    if hit is None:
        hit = _PATHS[key] = compute()
        weakref.finalize(run, _PATHS.pop, key, None)
    return hit


def ratio_path(s, run) -> tuple[np.ndarray, np.ndarray]:
    """(steps k, lr_k * lambda_max(x_k)) along the run: every step on a surface with a Hessian to
    hand, every SHARPNESS_EVERY steps on a network (optimizers.stability.sharpness_path, Lanczos
    on Hessian-vector products, never a dim x dim Hessian per step). Remembered per run: the notes
    and the history both read it."""

    if run.ratios is not None:  # measured in the workers that made the run (ui.compute)
        return run.ratios

    def compute():
        steps, points = sharpness_points(s, run)
        lam = sharpness_path(s, points, 1) if len(points) else np.empty(0)
        return ratios_of(run, steps, lam)

    return _remembered(run, "path", compute)


def sharpness_points(s, run) -> tuple[np.ndarray, np.ndarray]:
    """The steps where ratio_path measures the sharpness, and the iterates there."""
    k = run.steps_taken
    steps = np.arange(0, k, 1 if s.dim <= 2 else SHARPNESS_EVERY)
    return steps, run.path[steps]


def ratios_of(run, steps, lam) -> tuple[np.ndarray, np.ndarray]:
    """ratio_path from the sharpness lam measured at `steps` (sharpness_points)."""
    return steps, run.lrs[steps] * lam


def start_sharpness(s, run) -> float:
    """lambda_max at the run's start (a network's by Lanczos), remembered per run."""
    return _remembered(run, "start", lambda: float(sharpness_path(s, run.path[:1], 1)[0]))


def start_ratio(s, run) -> float:
    return first_lr(run) * start_sharpness(s, run)


def strip_rows(s, runs, label, color) -> tuple[list[dict], list[dict]]:
    """(rows of the stability strip for runs with a limit, rows of effective steps for the adaptive
    runs). label and color: run -> its name and colour."""
    limited, adaptive = [], []
    names = ["w"] if s.dim == 1 else ["x", "y"]
    for run in runs:
        top = run_limit(run)
        if top is not None:
            limited.append(
                dict(
                    label=label(run),
                    ratio=start_ratio(s, run),
                    limit=top,
                    color=color(run),
                    regime_of=regime_of(run),
                )
            )
            continue
        k = run.steps_taken
        eta = effective_steps(run.optimizer, run.grads[:k], run.lrs[:k], run.path, **run.hyper)
        if eta is not None and k:
            adaptive.append(
                dict(label=label(run), color=color(run), start=eta[0], end=eta[k - 1], names=names)
            )
    return limited, adaptive


def local_regime(s, run) -> str | None:
    """The regime at the start for a quadratic curved like the start (a regime id), None for
    optimizers with no fixed limit."""
    if run_limit(run) is None:
        return None
    return str(regime_of(run)(start_ratio(s, run))[0])


def verdict(s, run) -> str | None:
    """What the strip says of a run: the regime at its start where the run's own fate agrees with
    it, and otherwise a statement about the start alone ("the first steps overshoot here" beside
    a run that converges in the end). None for optimizers with no fixed limit."""
    local = local_regime(s, run)
    if local is None:
        return None
    if local == "diverges" and run.fate != Fate.DIVERGED:
        return "diverges_here"
    if local == "bounces" and run.fate != Fate.OSCILLATING:
        return "bounces_here"
    if local in ("glides", "one_step", "overshoots") and run.fate not in (Fate.CONVERGED, Fate.MOVING):
        return "converges_here"  # locally it would converge; this run did not (and is not on its way)
    return local


def surprise(s, run, T) -> str | None:
    """One sentence where the run's outcome contradicts the local verdict at its start, saying what
    happened and what changed along the path (the learning rate, under a schedule, or the
    curvature); None where they agree."""
    said = local_regime(s, run)
    if said is None or said == "no_limit":
        return None
    top = run_limit(run)
    steps, ratios = ratio_path(s, run)
    predicted_divergence = said in ("diverges", "bounces", "oscillates")
    if predicted_divergence and run.fate in (Fate.CONVERGED, Fate.MOVING) and not _grew(run):
        above = np.flatnonzero(ratios >= top)
        after = int(above[-1]) + 1 if len(above) else 0
        if after >= len(steps):
            return None
        lrs = run.lrs[: max(run.steps_taken, 1)]
        cause = "lr" if len(lrs) and float(lrs.max()) != float(lrs.min()) else "curvature"
        return T(
            f"verdict.falls_{cause}",
            ratio=f"{start_ratio(s, run):.3g}",
            limit=f"{top:.3g}",
            k=int(steps[after]),
            outcome=T(f"outcome.{run.fate}", k=run.converged_at),
        )
    if not predicted_divergence and run.fate == Fate.DIVERGED:
        above = np.flatnonzero(ratios > top)
        k = int(steps[above[0]]) if len(above) else run.fate_at
        return T("verdict.rises", ratio=f"{start_ratio(s, run):.3g}", limit=f"{top:.3g}", k=k, d=run.fate_at)
    return None


def _grew(run) -> bool:
    """Whether the run ended higher than it started (it ran away without being stopped)."""
    k = run.steps_taken
    return bool(run.losses[k] > run.losses[0])
