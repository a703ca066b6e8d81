"""run(): step an optimizer on a surface from one or many starts and record every iterate.

The loop is the seed's, vectorized: a run stops at the first iterate whose true gradient norm is
<= tol (tol = 0: exactly the seed's `while derivative != 0`) or when it diverges; the call ends
when every run has stopped or after `steps` steps.

Two loops implement these semantics: `_run_arrays` steps any batch with NumPy, and
`_run_floats` steps a single run of an elementwise rule on an analytic surface with Python floats
(NumPy's ~1 us per call would dominate a 2-vector). They run the same rule and surface
functions in the same order, so they agree bit for bit (tests/test_run.py checks it).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .base import FLOAT_MATH, Optimizer, clip_grad_norm
from .batches import BatchSampler
from .registry import make_optimizer, make_schedule
from .schedules import Schedule

MAX_STEPS = 100_000
DIVERGENCE_FACTOR = 1e6  # a point farther than this many view sizes from the view has diverged


@dataclass(frozen=True)
class Trajectory:
    """Everything a run did. k = steps actually run; batch = () for one run, (n,) for n runs.

    path (k+1,) + batch + (dim,)   every iterate (finite; stopped runs repeat their last point)
    losses (k+1,) + batch          the full-data loss at each iterate
    grads (k,) + batch + (dim,)    the gradient each step used (noise, mini-batch and clipping
                                   included; 0 for steps a stopped run did not take)
    lrs (k,) + batch               the learning rate each step used (0 once a run has stopped)
    epochs (k,)                    the epoch (1-based pass over the data) each step belongs to
    batch_rows (k, b) or None      the data rows of each step's mini-batch (-1 pads a short batch)
    converged_at, diverged_at      first iterate with ||grad|| <= tol / step that left the finite
                                   world, per run; -1 if never
    With record=False, path and losses hold the first and last iterates only, and grads and lrs
    the last step only (none if no step ran).
    """

    path: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    lrs: np.ndarray
    epochs: np.ndarray
    batch_rows: np.ndarray | None
    converged_at: np.ndarray
    diverged_at: np.ndarray
    steps: int

    @property
    def converged(self) -> np.ndarray:
        return self.converged_at >= 0

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def stopped_at(self) -> np.ndarray:
        """The iterate at which each run stopped (the last one, k, if it never stopped)."""
        return np.where(
            self.converged, self.converged_at, np.where(self.diverged, self.diverged_at - 1, self.steps)
        )


def _number(name, value, lo, *, integer=False, lo_open=False, hi=math.inf):
    ok_type = isinstance(value, numbers.Integral if integer else numbers.Real) and not isinstance(value, bool)
    if not ok_type:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    v = int(value) if integer else float(value)
    if not (math.isfinite(v) and (v > lo if lo_open else v >= lo) and v <= hi):
        bound = f"> {lo:g}" if lo_open else f">= {lo:g}"
        raise ValueError(
            f"{name} must be {bound}" + (f" and <= {hi:,}" if hi < math.inf else "") + f", got {value!r}"
        )
    return v


def _starts(surface, x0, lr):
    """x0 broadcast against lr: (batch + (dim,)) starts and the lr, a float or an array (batch,)."""
    dim = surface.dim
    try:
        x = np.array(surface.start if x0 is None else x0, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be numbers, got {x0!r}") from None
    if x.ndim == 0 and dim == 1:
        x = x.reshape(1)
    if x.ndim not in (1, 2) or x.shape[-1] != dim:
        raise ValueError(
            f"x0 must have shape ({dim},) for one start or (n, {dim}) for n starts on the "
            f"{dim}-D surface {surface.name}; got shape {x.shape}"
        )
    if not np.isfinite(x).all():
        raise ValueError("x0 must be finite numbers")
    try:
        lrs = np.array(lr, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"lr must be a positive number or an array of them, got {lr!r}") from None
    if lrs.ndim > 1 or not (np.isfinite(lrs).all() and (lrs > 0).all()) or lrs.size == 0:
        raise ValueError(f"lr must be a positive finite number or a 1-D array of them, got {lr!r}")
    if lrs.ndim == 0:
        return x, float(lrs)
    if x.ndim == 1:
        x = np.broadcast_to(x, lrs.shape + (dim,))
    elif len(x) != len(lrs):
        raise ValueError(f"{len(x)} starts but {len(lrs)} learning rates: give one lr, or one per start")
    return np.array(x), lrs


def run(
    surface,
    optimizer,
    x0=None,
    lr=0.1,
    steps=100,
    schedule=None,
    tol=1e-8,
    noise=0.0,
    seed=None,
    record=True,
    batch_size=None,
    shuffle=True,
    **hyper,
) -> Trajectory:
    """Run `optimizer` on `surface` from x0 ((dim,) or (n, dim); default surface.start) with
    learning rate lr (a number, or an array (n,) for n runs at once).

    noise=sigma adds N(0, sigma^2) to each gradient component; batch_size=k steps with the mean
    gradient of k data rows (data surfaces), reshuffled each epoch when shuffle; seed seeds one
    np.random.Generator for both. Hyperparameters go by torch.optim's names (**hyper).
    """
    from surfaces import get_surface  # the engine's only link to the surface registry

    s = get_surface(surface) if isinstance(surface, str) else surface
    opt, clip = _optimizer(optimizer, hyper)
    sched: Schedule = make_schedule(schedule)
    x, lr0 = _starts(s, x0, lr)
    steps = _number("steps", steps, 0, integer=True, hi=MAX_STEPS)
    tol = _number("tol", tol, 0)
    noise = _number("noise", noise, 0)
    rng = np.random.default_rng(seed)
    sampler = BatchSampler.for_surface(s, batch_size, shuffle, rng)
    with np.errstate(all="ignore"):
        if not np.isfinite(s.value(x)).all():
            raise ValueError("the loss is not a finite number at the start point: pick another start")
        spec = getattr(opt.update, "elementwise", None)
        if x.ndim == 1 and spec is not None and getattr(s, "scalar", None):
            t = _run_floats(s, spec, sched, x, lr0, steps, tol, noise, rng, clip, sampler)
        else:
            t = _run_arrays(s, opt, sched, x, lr0, steps, tol, noise, rng, clip, sampler, record)
    return t if record else _first_and_last(t)


def _limits(s):
    """A point farther than DIVERGENCE_FACTOR view sizes from the view's centre has diverged."""
    return s.center, DIVERGENCE_FACTOR * s.size


def _run_arrays(s, opt, sched, x0, lr0, steps, tol, noise, rng, clip, sampler, record):
    """The NumPy loop: any optimizer, any batch of runs, mini-batches.

    A run that stops is frozen in place (its point, loss and gradient put back after each step)
    and, once an eighth of the working arrays are frozen, dropped from them and from the
    optimizer's and schedule's state, so the work per step follows the runs still moving.
    """
    batch, dim = x0.shape[:-1], x0.shape[-1]
    n = int(np.prod(batch, dtype=int))
    x = x0.reshape(n, dim)
    f, g_true = s.value_and_grad(x)
    converged_at = np.full(n, -1)
    diverged_at = np.full(n, -1)
    ostate = opt.init(x)
    sstate = sched.init(lr0 if np.ndim(lr0) == 0 else lr0.reshape(n), (n,))

    world = _world(s)
    act = np.arange(n)  # the runs in the working arrays x, f, g_true and the states
    small = _small(g_true, tol)
    frozen = np.flatnonzero(small) if small is not None else np.empty(0, dtype=int)  # stopped, in act
    converged_at[frozen] = 0
    X, F = x.copy(), f.copy()  # every run's latest point and loss (for runs dropped from act)
    rows = steps + 1 if record else 1
    path, losses = np.empty((rows, n, dim)), np.empty((rows, n))
    path[0], losses[0] = x, f
    grads = np.zeros((steps if record else 1, n, dim))
    lrs = np.zeros((steps if record else 1, n))
    batch_rows = None if sampler is None else np.full((steps, sampler.size), -1)
    epochs = np.arange(1, steps + 1)
    last = None

    k = 0
    while k < steps and len(frozen) < len(act):
        lr_k, sstate = sched.update(k, f, sstate)
        if sampler is None:
            g = g_true
        else:
            idx, epochs[k] = sampler.next()
            batch_rows[k, : len(idx)] = idx
            g = s.grad(x, idx)
        if noise:
            g = g + noise * rng.standard_normal(x.shape)
        if clip is not None:
            g = clip_grad_norm(g, clip)
        x_new, ostate = opt.update(g, ostate, x, lr_k[:, None] if np.ndim(lr_k) else lr_k, s)
        f_new, g_new = s.value_and_grad(x_new)
        k += 1
        stay = frozen
        bad = _left_the_world(x_new, f_new, world)
        if bad is not None:  # diverged: freeze at the last finite point
            bad[frozen] = False
            bad = np.flatnonzero(bad)
            diverged_at[act[bad]] = k
            stay = np.concatenate([frozen, bad])
            g = np.where(np.isfinite(g), g, 0.0)
        x_new[stay], f_new[stay], g_new[stay] = x[stay], f[stay], g_true[stay]
        done = _small(g_new, tol)
        if done is not None:
            done[stay] = False
            done = np.flatnonzero(done)
            converged_at[act[done]] = k
        lr_used = np.broadcast_to(lr_k, f.shape)
        if not record:  # only the last step is kept: zero the stopped runs' entries at the end
            last = (act, g, lr_used, frozen)
        elif len(frozen):  # a stopped run takes no step: its gradient and lr are recorded as 0
            g, lr_used = g.copy(), lr_used.copy()
            g[frozen], lr_used[frozen] = 0.0, 0.0
        if record and len(act) == n:
            path[k], losses[k], grads[k - 1], lrs[k - 1] = x_new, f_new, g, lr_used
        elif record:
            path[k], losses[k] = path[k - 1], losses[k - 1]
            path[k, act], losses[k, act], grads[k - 1, act], lrs[k - 1, act] = x_new, f_new, g, lr_used
        x, f, g_true = x_new, f_new, g_new
        if bad is not None or done is not None:
            frozen = np.concatenate([stay] + ([done] if done is not None else []))
        if len(frozen) > max(64, len(act) // 8):  # drop the frozen runs from the working arrays
            keep = np.ones(len(act), dtype=bool)
            keep[frozen] = False
            X[act[frozen]], F[act[frozen]] = x[frozen], f[frozen]
            m = len(act)
            act, x, f, g_true = act[keep], x[keep], f[keep], g_true[keep]
            ostate, sstate = _take(ostate, keep, m), _take(sstate, keep, m)
            frozen = frozen[:0]

    if record:
        path, losses, grads, lrs = path[: k + 1], losses[: k + 1], grads[:k], lrs[:k]
        if batch_rows is not None:
            batch_rows = batch_rows[:k]
    else:
        X[act], F[act] = x, f
        path, losses = np.stack([path[0], X]), np.stack([losses[0], F])
        if last is not None:
            last_act, last_g, last_lr, last_frozen = last
            grads[0, last_act], lrs[0, last_act] = last_g, last_lr
            grads[0, last_act[last_frozen]], lrs[0, last_act[last_frozen]] = 0.0, 0.0
        grads, lrs = grads[:k], lrs[:k]
        if batch_rows is not None:
            batch_rows = batch_rows[max(k - 1, 0) : k]
    lead = path.shape[:1]
    return Trajectory(
        path.reshape(lead + batch + (dim,)),
        losses.reshape(lead + batch),
        grads.reshape(grads.shape[:1] + batch + (dim,)),
        lrs.reshape(lrs.shape[:1] + batch),
        epochs[:k],
        batch_rows,
        converged_at.reshape(batch),
        diverged_at.reshape(batch),
        k,
    )


def _take(state, keep, n):
    """The rows `keep` of every array in an optimizer or schedule state whose leading axis is the
    batch of n runs (state arrays have the batch as leading axis; other fields pass through)."""
    if isinstance(state, np.ndarray):
        return state[keep] if state.ndim and len(state) == n else state
    if isinstance(state, tuple):
        fields = [_take(v, keep, n) for v in state]
        return type(state)(*fields) if hasattr(state, "_fields") else tuple(fields)
    return state


def _left_the_world(x, f, world):
    """Which runs just left the finite world (non-finite loss or point beyond the limit), or None
    if none did. Cheap whole-batch tests first (a NaN fails them); the per-run mask only when
    they fail. world = (center, limit, lowest sure-safe value, highest sure-safe value)."""
    center, limit, safe_lo, safe_hi = world
    if np.isfinite(f.sum()) and x.max() <= safe_hi and x.min() >= safe_lo:
        return None
    bad = ~(np.isfinite(f) & (np.abs(x - center) <= limit).all(axis=-1))
    return bad if bad.any() else None


def _world(s):
    center, limit = _limits(s)
    margin = 0.999 * limit
    return center, limit, center.max() - margin, center.min() + margin


def _run_floats(s, spec, sched, x0, lr0, steps, tol, noise, rng, clip, sampler=None):
    """The Python-float loop for one run: the same rule and surface functions as _run_arrays,
    coordinate by coordinate (a mini-batch gradient comes from the surface's array code, as in
    _run_arrays). Returns a recorded Trajectory."""
    fg = s.scalar
    dim = s.dim
    center, limit = _limits(s)
    center = center.tolist()
    x = x0.tolist()
    f, g_true = fg(*x)
    zeros = spec.init_slots(0.0)
    slots = [zeros] * dim
    sstate = sched.init(lr0, ())
    path, losses, grads, lrs, epochs, rows = [x], [f], [], [], [], []
    converged_at = diverged_at = -1
    if _small_floats(g_true, tol):
        converged_at = 0
    k = 0
    while k < steps and converged_at < 0 and diverged_at < 0:
        lr_k, sstate = sched.update(k, f, sstate)
        lr_k = float(lr_k)
        if sampler is None:
            g = g_true
            epochs.append(k + 1)
        else:
            idx, epoch = sampler.next()
            epochs.append(epoch)
            rows.append(np.pad(idx, (0, sampler.size - len(idx)), constant_values=-1))
            g = tuple(s.grad(np.array(x), idx).tolist())
        if noise:
            z = rng.standard_normal(dim)
            g = tuple(gi + noise * zi for gi, zi in zip(g, z))
        if clip is not None:
            g = _clip_floats(g, clip)
        used = g
        if spec.clip_norm is not None:
            g = _clip_floats(g, spec.clip_norm)
        if spec.weight_decay:
            g = tuple(gi + spec.weight_decay * xi for gi, xi in zip(g, x))
        k += 1
        try:
            x_new, new_slots = [], []
            for i in range(dim):
                xi, si = spec.rule(g[i], x[i], slots[i], lr_k, k, FLOAT_MATH)
                x_new.append(float(xi))
                new_slots.append(si)
            f_new, g_new = fg(*x_new)
            ok = math.isfinite(f_new) and all(abs(a - c) <= limit for a, c in zip(x_new, center))
        except (ArithmeticError, ValueError):  # float overflow or 0/0 where NumPy gives inf or NaN
            ok = False
        if ok:
            x, f, g_true, slots = x_new, f_new, g_new, new_slots
            if _small_floats(g_true, tol):
                converged_at = k
        else:
            diverged_at = k
            used = tuple(gi if math.isfinite(gi) else 0.0 for gi in used)
        path.append(x)
        losses.append(f)
        grads.append(used)
        lrs.append(lr_k)
    return Trajectory(
        np.array(path, dtype=float).reshape(k + 1, dim),
        np.array(losses, dtype=float),
        np.array(grads, dtype=float).reshape(k, dim),
        np.array(lrs, dtype=float),
        np.array(epochs, dtype=int),
        None if sampler is None else np.array(rows, dtype=int).reshape(k, sampler.size),
        np.array(converged_at),
        np.array(diverged_at),
        k,
    )


def _first_and_last(t: Trajectory) -> Trajectory:
    """The record=False view of a recorded trajectory."""
    if len(t.path) == 2 and len(t.grads) <= 1:
        return t
    last = slice(max(t.steps - 1, 0), t.steps)
    return Trajectory(
        t.path[[0, -1]],
        t.losses[[0, -1]],
        t.grads[last],
        t.lrs[last],
        t.epochs,
        None if t.batch_rows is None else t.batch_rows[last],
        t.converged_at,
        t.diverged_at,
        t.steps,
    )


def _small(g, tol):
    """The seed's stopping test per run, ||g|| <= tol (tol = 0: every component exactly 0), as a
    mask; None when no run passes (found with one cheap test over the batch)."""
    if tol == 0:
        small = g[..., 0] == 0
        for i in range(1, g.shape[-1]):
            small &= g[..., i] == 0
    else:
        sq = g[..., 0] * g[..., 0]
        for i in range(1, g.shape[-1]):
            sq += g[..., i] * g[..., i]
        if sq.min() > (1.01 * tol) ** 2:  # a NaN makes this False: then test run by run
            return None
        small = np.sqrt(sq) <= tol
    return small if small.any() else None


def _small_floats(g, tol):
    if tol == 0:
        return all(gi == 0 for gi in g)
    sq = g[0] * g[0]
    for gi in g[1:]:
        sq = sq + gi * gi
    return math.sqrt(sq) <= tol


def _clip_floats(g, max_norm):
    """clip_grad_norm for one run's gradient as a tuple of floats."""
    sq = g[0] * g[0]
    for gi in g[1:]:
        sq = sq + gi * gi
    factor = min(1.0, max_norm / (math.sqrt(sq) + 1e-6))
    return tuple(gi * factor for gi in g)


def _optimizer(optimizer, hyper):
    """The Optimizer to step with, and the clip_norm that run() applies (so grads record it)."""
    if isinstance(optimizer, Optimizer):
        if hyper:
            raise ValueError(
                "pass hyperparameters to OPTIMIZERS[name](...), not to run(), with an Optimizer object"
            )
        return optimizer, None
    clip = hyper.pop("clip_norm", None)
    opt = make_optimizer(optimizer, **hyper)
    if clip is not None:
        make_optimizer(optimizer, clip_norm=clip)  # validates clip_norm like any hyperparameter
    return opt, clip
