"""The step table a class checks by hand: each iterate, the gradient, the learning rate, the step,
lr * lambda_max against the run's own limit, and the change of the loss beside its Taylor
predictions (the seed's first-order view of a step, and the second order):

    actual       L(x + d) - L(x)
    1st order    grad L . d                 (= -lr |grad L|^2 for gradient descent)
    2nd order    grad L . d + d^T H d / 2   (exact on a quadratic)

and the lecture's own loop printed as its code prints it."""

from __future__ import annotations

import numpy as np

from optimizers.stability import sharpness_path

from .verdicts import run_limit


def step_rows(surface, run, T, rows: int = 20) -> list[dict]:
    """The first `rows` iterates of a run as plain rows (numbers only; headers from the catalog)."""
    n = min(run.steps_taken + 1, rows)
    P = run.path[:n]
    grad = surface.grad(P)
    lam = sharpness_path(surface, P, 1)  # a network's by Lanczos: no dim x dim Hessian
    plane = ["w", "b"] if surface.data is not None else ["x", "y"]  # a line's slope and intercept
    names = ["w"] if surface.dim == 1 else plane if surface.dim == 2 else []
    top = run_limit(run)
    out = []
    for k in range(n):
        row = {T("steps.k"): k}
        row.update({f"{v}_k": float(P[k, i]) for i, v in enumerate(names)})
        if not names:  # hundreds of parameters: their length
            row["|θ_k|"] = float(np.linalg.norm(P[k]))
        row["L"] = float(run.losses[k])
        if surface.dim == 1:
            row["L'(w_k)"] = float(grad[k, 0])
        else:
            row["|∇L|"] = float(np.linalg.norm(grad[k]))
        has_step = k < run.steps_taken
        lr = float(run.lrs[k]) if has_step else np.nan
        row["lr"] = lr
        d = run.path[k + 1] - P[k] if has_step else np.full(surface.dim, np.nan)
        if surface.dim == 1:
            row[T("steps.delta_w")] = float(d[0])
        else:
            row[T("steps.step_norm")] = float(np.linalg.norm(d))
        row["lr·λmax"] = lr * float(lam[k]) if has_step else np.nan
        if top is not None:
            row[T("steps.limit")] = top
        first = float(grad[k] @ d) if has_step else np.nan
        row[T("steps.actual")] = float(run.losses[k + 1] - run.losses[k]) if has_step else np.nan
        row[T("steps.first")] = first
        row[T("steps.second")] = first + 0.5 * curvature(surface, P[k], d) if has_step else np.nan
        out.append(row)
    return out


def taylor_series(surface, run, steps: int = 20) -> tuple[np.ndarray, ...]:
    """(k, actual, first order, second order) for the run's first `steps` steps: the step table's
    three changes of the loss, as arrays for a chart."""
    n = min(run.steps_taken, steps)
    P = run.path[: n + 1]
    d = np.diff(P, axis=0)
    first = np.einsum("kd,kd->k", surface.grad(P[:-1]), d)
    second = first + 0.5 * np.array([curvature(surface, P[k], d[k]) for k in range(n)])
    return np.arange(n), np.diff(run.losses[: n + 1]), first, second


def curvature(surface, p, d) -> float:
    """d^T H(p) d: from the Hessian, or from one Hessian-vector product on a network."""
    if surface.hvp is not None:
        size = float(np.linalg.norm(d))
        return float(d @ surface.hvp(p, d / size)) * size if size else 0.0
    return float(d @ surface.hessian(p) @ d)


def seed_rows(run) -> list[dict]:
    """Every iteration of the lecture's loop as its code prints it: iter_cnt, weight, loss(weight),
    full precision (Python's repr)."""
    k = run.steps_taken
    return [
        {"iter_cnt": i, "weight": repr(float(run.path[i, 0])), "loss(weight)": repr(float(run.losses[i]))}
        for i in range(k + 1)
    ]
