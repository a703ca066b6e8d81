"""The step table a class checks by hand: w_k, L(w_k), the gradient, lr, the step, lr * lambda_max."""

from __future__ import annotations

import numpy as np

from optimizers.stability import sharpness


def step_rows(surface, run, T, rows: int = 20) -> list[dict]:
    """The first `rows` iterates of a run as plain rows (numbers only; headers from the catalog)."""
    n = min(run.steps_taken + 1, rows)
    P = run.path[:n]
    grad = surface.grad(P)
    lam = sharpness(surface, P)
    names = ["w"] if surface.dim == 1 else ["x", "y"]
    out = []
    for k in range(n):
        row = {T("steps.k"): k}
        row.update({f"{v}_k": float(P[k, i]) for i, v in enumerate(names)})
        row["L"] = float(run.losses[k])
        if surface.dim == 1:
            row["L'(w_k)"] = float(grad[k, 0])
        else:
            row["|∇L|"] = float(np.linalg.norm(grad[k]))
        has_step = k < run.steps_taken
        lr = float(run.lrs[k]) if has_step else np.nan
        row["lr"] = lr
        if surface.dim == 1:
            row[T("steps.delta_w")] = float(run.path[k + 1, 0] - P[k, 0]) if has_step else np.nan
        else:
            row[T("steps.step_norm")] = float(np.linalg.norm(run.path[k + 1] - P[k])) if has_step else np.nan
        row["lr·λmax"] = lr * float(lam[k]) if has_step else np.nan
        out.append(row)
    return out
