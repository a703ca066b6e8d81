"""When a learning rate is stable: each optimizer's limit on lr * lambda, and the sharpness lambda_max.

Near a point, L is close to its quadratic model with Hessian H. Along an eigenvector of H with
eigenvalue lambda the gradient is g = lambda x, and each optimizer of torch.optim's SGD family
becomes a linear recurrence in a = lr * lambda (weight decay wd adds wd to every curvature:
a = lr (lambda + wd)). Its companion matrix M(a) decides: the run converges iff the spectral
radius rho(M) < 1.

Gradient descent   x_t = (1 - a) x_{t-1}                          M = [1 - a]
    |1 - a| < 1  <=>  0 < a < 2.                                  limit 2

Heavy ball (torch's SGD momentum mu, dampening d; b_1 = g_1, b_t = mu b_{t-1} + (1 - d) g_t,
x_t = x_{t-1} - lr b_t). With lr b_{t-1} = x_{t-2} - x_{t-1}:
    x_t = (1 + mu - a') x_{t-1} - mu x_{t-2},  a' = (1 - d) a      M = [[1 + mu - a', -mu], [1, 0]]
    characteristic z^2 - (1 + mu - a') z + mu; Jury's test (|mu| < 1, p(1) = a' > 0,
    p(-1) = 2 (1 + mu) - a' > 0) gives 0 < a' < 2 (1 + mu).       limit 2 (1 + mu) / (1 - d)

Nesterov (d_t = g_t + mu b_t, b_t = mu b_{t-1} + g_t; dampening 0). With u = lr b:
    u_t = mu u_{t-1} + a x_{t-1},  x_t = (1 - a (1 + mu)) x_{t-1} - mu^2 u_{t-1}
    M = [[1 - a (1 + mu), -mu^2], [a, mu]]: trace T = 1 + mu - a (1 + mu), det D = mu (1 - a);
    Jury: |D| < 1, 1 - T + D > 0 (a > 0), 1 + T + D > 0  <=>  a (1 + 2 mu) < 2 (1 + mu).
                                                                  limit 2 (1 + mu) / (1 + 2 mu)

Adagrad, RMSprop and Adam divide the step by a running size of the gradient, Newton by the
curvature itself, and the line search picks each step: none has a fixed limit on lr * lambda
(`limit` returns None); for the adaptive ones `effective_steps` gives the step each coordinate
actually received, lr / (sqrt(v_hat) + eps).

Gradient clipping leaves the limit as it is (near the minimum the gradient is small and nothing
is clipped), but beyond it the clipped steps stay bounded: such a run oscillates instead of
running away.

>>> limit("gd"), limit("momentum", momentum=0.9), round(limit("nesterov", momentum=0.9), 4)
(2.0, 3.8, 1.3571)
>>> regime(0.2), regime(1.0), regime(2.0), regime(20.0), regime(1.5, "momentum")
('glides', 'one_step', 'bounces', 'diverges', 'overshoots')
"""

from __future__ import annotations

import numpy as np

SGD_FAMILY = ("gd", "momentum", "nesterov")
MOMENTUM_DEFAULT = {"gd": 0.0, "momentum": 0.9, "nesterov": 0.9}
RTOL = 1e-12


def _sgd(name: str, hyper: dict) -> tuple[float, float, bool]:
    """(momentum, dampening, nesterov) of an SGD-family optimizer with torch's defaults."""
    mu = float(hyper.get("momentum", MOMENTUM_DEFAULT[name]))
    damp = float(hyper.get("dampening", 0.0))
    nesterov = name == "nesterov" or bool(hyper.get("nesterov", False))
    return mu, damp, nesterov


def limit(name: str, lr: float | None = None, **hyper) -> float | None:
    """The largest lr * lambda for which `name` converges on a quadratic of curvature lambda (see the
    module docstring), or None where there is no fixed limit. With weight decay wd the curvature
    the rule sees is lambda + wd, so the limit on lr * lambda depends on lr: pass it."""
    if name not in SGD_FAMILY:
        return None
    mu, damp, nesterov = _sgd(name, hyper)
    if mu == 0:
        base = 2.0
    elif nesterov:
        base = 2 * (1 + mu) / (1 + 2 * mu)
    elif damp >= 1:
        base = 0.0  # every gradient after the first is ignored: nothing converges
    else:
        base = 2 * (1 + mu) / (1 - damp)
    wd = float(hyper.get("weight_decay", 0.0))
    if wd:
        if lr is None:
            raise ValueError("with weight decay the limit on lr * lambda depends on lr: pass lr")
        return base - lr * wd
    return base


def companion(name: str, a, **hyper) -> np.ndarray:
    """The matrix M of the recurrence on a quadratic with lr * lambda = a (module docstring); for an
    array of a, a stack of them (shape a.shape + (k, k))."""
    mu, damp, nesterov = _sgd(name, hyper) if name in SGD_FAMILY else (0.0, 0.0, False)
    a = np.asarray(a, dtype=float)
    if mu == 0:
        return (1.0 - a)[..., None, None]
    one, zero = np.ones_like(a), np.zeros_like(a)
    if nesterov:
        rows = [[1 - a * (1 + mu), -mu * mu * one], [a, mu * one]]
    else:
        rows = [[1 + mu - (1 - damp) * a, -mu * one], [one, zero]]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def regimes(ratios, name: str = "gd", **hyper) -> np.ndarray:
    """regime() of every ratio in an array at once (one batched eigenvalue call)."""
    a = np.atleast_1d(np.asarray(ratios, dtype=float))
    out = np.full(a.shape, "no_limit", dtype=object)
    pos = a > 0
    if not pos.any():
        return out
    eig = np.linalg.eigvals(companion(name, a[pos], **hyper))  # (n, k)
    size = np.abs(eig)
    rho = size.max(axis=-1)
    dominant = np.take_along_axis(eig, size.argmax(axis=-1)[:, None], axis=-1)[:, 0]
    smooth = (np.abs(dominant.imag) <= 1e-12 * rho) & (dominant.real > 0)
    names = np.where(smooth, "glides", "overshoots").astype(object)
    names[rho <= 1e-12] = "one_step"
    names[rho > 1] = "oscillates" if hyper.get("clip_norm") is not None else "diverges"
    top = limit(name, **{k: v for k, v in hyper.items() if k != "weight_decay"})
    if top is not None:
        names[np.isclose(a[pos], top, rtol=RTOL, atol=0)] = "bounces"
    out[pos] = names
    return out


def regime(ratio: float, name: str = "gd", **hyper) -> str:
    """How an SGD-family optimizer behaves on a quadratic with lr * lambda = ratio, as an id:
    'glides' (converges without overshooting), 'one_step' (lands on the minimum in one step),
    'overshoots' (oscillates and converges), 'bounces' (oscillates for ever, on the limit),
    'diverges', or 'no_limit' where the surface is flat or curves down there. With clipping, a
    rate past the limit 'oscillates' with bounded steps instead of diverging."""
    return str(regimes([ratio], name, **hyper)[0])


def sharpness(surface, points) -> np.ndarray:
    """lambda_max, the largest eigenvalue of the Hessian, at each point (shape (...))."""
    return np.linalg.eigvalsh(surface.hessian(points))[..., -1]


def effective_steps(name: str, grads: np.ndarray, lrs: np.ndarray, path: np.ndarray | None = None, **hyper):
    """The step size each coordinate received at each step, lr / (sqrt(v_hat) + eps), for the adaptive
    optimizers (shape (k, dim)), replayed from a run's gradients and learning rates with torch's
    rules (module docstring of optimizers.first_order); None for the others. `path` supplies the
    points for weight decay (g + wd x)."""
    if name not in ("adagrad", "rmsprop", "adam"):
        return None
    g = np.asarray(grads, dtype=float)
    wd = float(hyper.get("weight_decay", 0.0))
    if wd and path is not None:
        g = g + wd * np.asarray(path, dtype=float)[: len(g)]
    eps = float(hyper.get("eps", 1e-10 if name == "adagrad" else 1e-8))
    out = np.empty_like(g)
    if name == "adagrad":
        S = np.full(g.shape[1:], float(hyper.get("initial_accumulator_value", 0.0)))
        decay = float(hyper.get("lr_decay", 0.0))
        for t in range(len(g)):
            S = S + g[t] * g[t]
            out[t] = lrs[t] / (1 + t * decay) / (np.sqrt(S) + eps)
        return out
    if name == "rmsprop":
        alpha = float(hyper.get("alpha", 0.99))
        v, a = np.zeros(g.shape[1:]), np.zeros(g.shape[1:])
        for t in range(len(g)):
            v = alpha * v + (1 - alpha) * g[t] * g[t]
            a = alpha * a + (1 - alpha) * g[t] if hyper.get("centered") else a
            out[t] = lrs[t] / (np.sqrt(np.maximum(v - a * a, 0.0)) + eps)
        return out
    b2 = hyper.get("betas", (0.9, 0.999))[1]
    v, vmax = np.zeros(g.shape[1:]), np.zeros(g.shape[1:])
    for t in range(len(g)):
        v = b2 * v + (1 - b2) * g[t] * g[t]
        vmax = np.maximum(vmax, v)
        v_hat = (vmax if hyper.get("amsgrad") else v) / (1 - b2 ** (t + 1))
        out[t] = lrs[t] / (np.sqrt(v_hat) + eps)
    return out


RITZ_TOL, KRYLOV_MAX = 1e-5, 80


def sharpness_path(surface, path, every: int = 10, idx=None) -> np.ndarray:
    """lambda_max of the Hessian at path[0], path[every], path[2 every], ... (path (k+1, dim)).

    Small dimension: eigvalsh of the exact Hessian. Otherwise (a surface with `hvp`, such as the
    network) Lanczos on Hessian-vector products (top_eigen), each point's Krylov space started
    from the previous point's top eigenvector, so a few products per point suffice along a run.
    The products are central differences of the analytic gradient: about 1e-9 relative error.
    idx: a mini-batch's rows (the loss the steps saw) instead of the full data."""
    points = np.asarray(path, dtype=float)[::every]
    if surface.hvp is None:
        return sharpness(surface, points)
    out, v = np.empty(len(points)), None
    for k, p in enumerate(points):
        out[k], v = top_eigen(lambda u, p=p: surface.hvp(p, u, idx=idx), surface.dim, v)
    return out


def top_eigen(hvp, dim: int, v=None, seed: int = 0) -> tuple[float, np.ndarray]:
    """(lambda_max, its unit eigenvector) of a symmetric operator given by hvp(v) = H v: the top
    Ritz pair of the Lanczos tridiagonal T_j = Q_j^T H Q_j (full reorthogonalization), stopped
    when its residual |H y - theta y| = beta_j |s_j| is <= RITZ_TOL |theta| (then |theta -
    lambda_max| <= that residual, and ~residual^2 / gap). Lanczos finds the largest eigenvalue
    itself, however negative the others, and needs ~sqrt of the power method's steps when
    lambda_1 and lambda_2 are close (an adaptive optimizer's path: up to 200 power steps a point)."""
    q = np.random.default_rng(seed).normal(size=dim) if v is None else np.asarray(v, dtype=float)
    size = min(KRYLOV_MAX, dim)
    Q, T = np.empty((size, dim)), np.zeros((size, size))
    Q[0] = q / np.linalg.norm(q)
    for j in range(size):
        w = hvp(Q[j])
        T[j, j] = Q[j] @ w
        basis = Q[: j + 1]
        w = w - basis.T @ (basis @ w)
        w -= basis.T @ (basis @ w)  # twice is enough (Giraud et al. 2005)
        beta = float(np.linalg.norm(w))
        theta, S = np.linalg.eigh(T[: j + 1, : j + 1])
        top = S[:, -1]
        if beta * abs(top[-1]) <= RITZ_TOL * abs(theta[-1]) or beta == 0.0 or j + 1 == size:
            y = top @ basis
            return float(theta[-1]), y / np.linalg.norm(y)
        Q[j + 1] = w / beta
        T[j, j + 1] = T[j + 1, j] = beta
    raise AssertionError("unreachable")
