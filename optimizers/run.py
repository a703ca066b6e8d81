"""run(): step an optimizer on a surface from one or many starts and record every iterate.

The loop is the seed's, vectorized: a run stops at the first iterate whose true gradient norm is
<= tol (tol = 0: exactly the seed's `while derivative != 0`) or when it diverges; the call ends
when every run has stopped or after `steps` steps.

Three loops implement these semantics: `_run_arrays` steps any batch with NumPy;
`_run_floats` steps a single run of an elementwise rule on an analytic surface with Python floats
(NumPy's ~1 us per call would dominate a 2-vector); `_run_coords` steps a batch of an elementwise
rule on an analytic surface when only the end of each run is kept (record=False, no noise, no
mini-batches, no clipping: the basin map and the lr sweep), one contiguous array per coordinate
straight through the surface's fg, so no step builds or copies an (n, dim) array. They run the
same rule and surface functions in the same order, and draw from the same per-run streams
(optimizers.streams), so they agree bit for bit (tests/test_run.py checks it).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass

import numpy as np

from .base import FLOAT_MATH, Optimizer, clip_grad_norm, regularize
from .registry import make_optimizer, make_schedule
from .schedules import Schedule
from .streams import NOISE, ORDER, Noise, batches_for, run_seeds

MAX_STEPS = 100_000
DIVERGENCE_FACTOR = 1e6  # a point farther than this many view sizes from the view has diverged


@dataclass(frozen=True, kw_only=True)
class Trajectory:
    """Everything a run did. k = steps actually run; batch = () for one run, (n,) for n runs.

    path (k+1,) + batch + (dim,)   every iterate (finite; stopped runs repeat their last point)
    losses (k+1,) + batch          the full-data loss at each iterate
    grads (k,) + batch + (dim,)    the gradient each step used (noise, mini-batch and clipping
                                   included; 0 for steps a stopped run did not take)
    lrs (k,) + batch               the learning rate each step used (0 once a run has stopped; a
                                   line search's accepted step size)
    epochs (k,)                    the epoch (1-based pass over the data) each step belongs to
    batch_rows (k,) + batch + (b,)  the data rows of each step's mini-batch (-1 pads a short
                                   batch and a step not taken), or None for full-batch steps
    converged_at, diverged_at      first iterate with ||grad|| <= tol / step that left the finite
                                   world, per run; -1 if never
    left_domain                    per run: it stopped because the loss (or its gradient) is not
                                   defined at the point it reached (log of a negative number),
                                   not because it ran away; diverged_at says when
    With record=False, path and losses hold the first and last iterates only, and grads, lrs and
    batch_rows the last step only (none if no step ran); with record="path", every iterate and
    loss, and the last step only (a family of long runs drawn as paths: half the memory).
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
    left_domain: np.ndarray

    @property
    def converged(self) -> np.ndarray:
        return self.converged_at >= 0

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0


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
    stop_diverged=True,
    monitor="loss",
    **hyper,
) -> Trajectory:
    """Run `optimizer` on `surface` from x0 ((dim,) or (n, dim); default surface.start) with
    learning rate lr (a number, or an array (n,) for n runs at once).

    noise=sigma adds N(0, sigma^2) to each gradient component; batch_size=k steps with the mean
    gradient of k data rows (data surfaces), reshuffled each epoch when shuffle. Each run draws
    both from its own streams, seeded by `seed` and the run's start and lr (optimizers.streams).
    stop_diverged=False lets a run go on past the divergence cutoff until a value overflows (the
    seed's loop with lr 10 runs all its 100 iterations). monitor="validation": a schedule that
    watches the loss (reduce-on-plateau) watches the loss on the data surface's held-out rows
    instead of the training loss. Hyperparameters go by torch.optim's names (**hyper).
    """
    from surfaces import get_surface  # the engine's only link to the surface registry

    s = get_surface(surface) if isinstance(surface, str) else surface
    opt, clip = _optimizer(optimizer, hyper)
    sched: Schedule = make_schedule(schedule)
    x, lr0 = _starts(s, x0, lr)
    steps = _number("steps", steps, 0, integer=True, hi=MAX_STEPS)
    if record not in (True, False, "path"):
        raise ValueError(f"record must be True, False or 'path', got {record!r}")
    tol = _number("tol", tol, 0)
    sigma = _number("noise", noise, 0)
    starts = x.reshape(-1, s.dim)
    shuffled = batch_size is not None and shuffle
    order = run_seeds(seed, starts, lr0, ORDER) if shuffled else [None] * len(starts)
    batches = batches_for(s, batch_size, shuffle, order)
    draws = (sigma, Noise(run_seeds(seed, starts, lr0, NOISE), s.dim)) if sigma else None
    world = _world(s, stop_diverged)
    sched = _watching(sched, s, monitor)
    with np.errstate(all="ignore"):
        if not np.isfinite(s.value(x)).all():
            raise ValueError("the loss is not a finite number at the start point: pick another start")
        spec = getattr(opt.update, "elementwise", None)
        if x.ndim == 1 and spec is not None and s.scalar is not None:
            t = _run_floats(s, spec, sched, x, lr0, steps, tol, draws, clip, batches, world)
        elif by_coordinates(
            s, opt, record=record, batch_size=batch_size, noise=sigma, clip_norm=clip, monitor=monitor
        ):
            t = _run_coords(s, spec, sched, x, lr0, steps, tol, world)
        else:
            t = _run_arrays(s, opt, sched, x, lr0, steps, tol, draws, clip, batches, record, world)
    if record is True:
        return t
    return _last_step(t) if record == "path" else _first_and_last(t)


def _watching(sched: Schedule, s, monitor: str) -> Schedule:
    """The schedule, fed the held-out loss at each iterate instead of the training loss when
    monitor is "validation" (the same numbers otherwise: nothing is wrapped)."""
    if monitor == "loss":
        return sched
    if monitor != "validation" or s.validation is None:
        raise ValueError("monitor must be 'loss', or 'validation' on a data loss with held-out rows")

    def update(k, f, state, x):
        return sched.update(k, s.validation(np.asarray(x, dtype=float)), state)

    update.watches_point = True
    return Schedule(sched.init, update)


def _world(s, stop_diverged=True):
    """(center, limit, lowest sure-safe coordinate, highest sure-safe coordinate): a point farther
    than DIVERGENCE_FACTOR view sizes from the view's centre has diverged (no limit when
    stop_diverged is False: then only an overflow stops a run)."""
    center = s.center
    limit = DIVERGENCE_FACTOR * s.size if stop_diverged else math.inf
    margin = 0.999 * limit
    return center, limit, center.max() - margin, center.min() + margin


BLOCK = 1 << 14  # runs per block of the exact test: a few runs leaving a large batch cost one block


def _left_the_world(x, f, g, world):
    """The positions of the runs that just left the finite world (a non-finite point, loss or
    gradient, or a point beyond the limit) and, among them, a mask of those at a finite point in
    range (they left the function's domain). Cheap whole-batch tests first (a NaN fails them), then
    the same tests per block, and the exact per-run test only in the blocks that fail them."""
    center, limit, safe_lo, safe_hi = world
    if _all_inside(x, f, g, safe_lo, safe_hi):
        return _none, _none_bool
    n, bads, outs = len(f), [], []
    for i in range(0, n, BLOCK):
        b = slice(i, i + BLOCK)
        if n > BLOCK and _all_inside(x[b], f[b], g[b], safe_lo, safe_hi):
            continue
        xb = x[b]
        in_range = np.isfinite(xb).all(axis=-1) & (np.abs(xb - center) <= limit).all(axis=-1)
        defined = np.isfinite(f[b]) & np.isfinite(g[b]).all(axis=-1)
        bad = np.flatnonzero(~(in_range & defined))
        bads.append(bad + i)
        outs.append(in_range[bad])
    return np.concatenate(bads), np.concatenate(outs)


def _all_inside(x, f, g, safe_lo, safe_hi) -> bool:
    return bool(np.isfinite(f.sum()) and np.isfinite(g.sum()) and x.max() <= safe_hi and x.min() >= safe_lo)


def _run_arrays(s, opt, sched, x0, lr0, steps, tol, noise, clip, batches, record, world):
    """The NumPy loop: any optimizer, any batch of runs, mini-batches.

    Each step moves the runs still in the working set (_Working.step); the record keeps what the
    call returns (_Record); once an eighth of the working set has stopped, the stopped runs are
    dropped from it and from the optimizer's and schedule's state (_Working.compact), so the
    work per step follows the runs still moving.
    """
    batch, dim = x0.shape[:-1], x0.shape[-1]
    n = int(np.prod(batch, dtype=int))
    x = x0.reshape(n, dim)
    f, g = s.value_and_grad(x)
    sched_lr = lr0 if np.ndim(lr0) == 0 else lr0.reshape(n)
    work = _Working(np.arange(n), x, f, g, opt.init(x), sched.init(sched_lr, (n,)), _none)
    ends = _Ends(n)
    small = _small(g, tol)
    if small is not None:
        work.frozen = np.flatnonzero(small)
        ends.converged_at[work.frozen] = 0
    rec = _Record(x, f, steps, record, None if batches is None else batches.size)
    k = 0
    while k < steps and len(work.frozen) < len(work.rows):
        moved = work.step(s, opt, sched, k, noise, clip, batches, world)
        k += 1
        stopped = ends.update(k, work, moved, tol)
        rec.write(k, work.rows, moved, work.frozen)
        work.advance(moved, stopped)
        if len(work.frozen) > max(64, len(work.rows) // 8):
            rec.keep_latest(work.rows[work.frozen], work.x[work.frozen], work.f[work.frozen])
            work.compact()
    rec.keep_latest(work.rows, work.x, work.f)
    path, losses, grads, lrs, rows = rec.arrays(k)
    lead = path.shape[:1]
    return Trajectory(
        path=path.reshape(lead + batch + (dim,)),
        losses=losses.reshape(lead + batch),
        grads=grads.reshape(grads.shape[:1] + batch + (dim,)),
        lrs=lrs.reshape(lrs.shape[:1] + batch),
        epochs=rec.epochs[:k],
        batch_rows=None if rows is None else rows.reshape(rows.shape[:1] + batch + rows.shape[-1:]),
        converged_at=ends.converged_at.reshape(batch),
        diverged_at=ends.diverged_at.reshape(batch),
        steps=k,
        left_domain=ends.left_domain.reshape(batch),
    )


_none = np.empty(0, dtype=int)
_none_bool = np.empty(0, dtype=bool)


@dataclass
class _Moved:
    """One step of the working set: the new points, losses and true gradients, the gradient and
    learning rate each run stepped with, its mini-batch rows, and which runs left the world."""

    x: np.ndarray
    f: np.ndarray
    g_true: np.ndarray
    g_used: np.ndarray
    lr: np.ndarray | float  # one rate for every run, or a rate per run
    rows: np.ndarray | None
    epoch: int
    bad: np.ndarray  # positions that left the finite world at this step
    outside: np.ndarray  # among them, the ones at a finite point in range: left the function's domain


@dataclass
class _Working:
    """The runs still in the working arrays: their indices among the call's runs, point, loss, true
    gradient, optimizer and schedule states; `frozen` holds the positions of runs that have
    stopped but are not yet dropped (they are put back in place after every step)."""

    rows: np.ndarray
    x: np.ndarray
    f: np.ndarray
    g: np.ndarray
    ostate: object
    sstate: object
    frozen: np.ndarray

    def step(self, s, opt, sched, k, noise, clip, batches, world) -> _Moved:
        """Step every working run once (k: steps already taken)."""
        lr_k, self.sstate = _update(sched, k, self.f, self.sstate, self.x)
        if batches is None:
            g, idx, epoch = self.g, None, k + 1
        else:
            idx, epoch = batches.next(self.rows)
            g = s.grad(self.x, idx)
        if noise is not None:
            g = g + noise[0] * noise[1].draw(self.rows)
        if clip is not None:
            g = clip_grad_norm(g, clip)
        x_new, self.ostate = opt.update(g, self.ostate, self.x, lr_k[:, None] if np.ndim(lr_k) else lr_k, s)
        lr_k = _rate_taken(self.ostate, lr_k)
        f_new, g_new = s.value_and_grad(x_new)
        # Stopped runs stay where they are, put back before the check: a run that left the world
        # is not found again at every step until it is compacted away.
        stay = self.frozen
        if len(stay):
            x_new[stay], f_new[stay], g_new[stay] = self.x[stay], self.f[stay], self.g[stay]
        bad, outside = _left_the_world(x_new, f_new, g_new, world)
        if len(bad):
            x_new[bad], f_new[bad], g_new[bad] = self.x[bad], self.f[bad], self.g[bad]
            g = np.where(np.isfinite(g), g, 0.0)
        return _Moved(x_new, f_new, g_new, g, lr_k, idx, epoch, bad, outside)

    def advance(self, moved: _Moved, stopped: np.ndarray) -> None:
        self.x, self.f, self.g = moved.x, moved.f, moved.g_true
        if len(stopped):
            self.frozen = np.concatenate([self.frozen, stopped])

    def compact(self) -> None:
        """Drop the stopped runs from the working arrays and states."""
        keep = np.ones(len(self.rows), dtype=bool)
        keep[self.frozen] = False
        m = len(self.rows)
        self.rows, self.x, self.f, self.g = self.rows[keep], self.x[keep], self.f[keep], self.g[keep]
        self.ostate, self.sstate = _take(self.ostate, keep, m), _take(self.sstate, keep, m)
        self.frozen = _none


class _Ends:
    """How each run ended: the iterate it converged at, the step it diverged at (-1 if never), and
    whether it left the function's domain (a non-finite loss at a finite point)."""

    def __init__(self, n):
        self.converged_at = np.full(n, -1)
        self.diverged_at = np.full(n, -1)
        self.left_domain = np.zeros(n, dtype=bool)

    def update(self, k, work: _Working, moved: _Moved, tol) -> np.ndarray:
        """Mark the runs that stopped at step k; their positions in the working set."""
        bad = moved.bad
        if len(bad):
            self.diverged_at[work.rows[bad]] = k
            self.left_domain[work.rows[bad[moved.outside]]] = True
        done = _small(moved.g_true, tol)
        if done is None:
            return bad
        done[work.frozen] = False
        done[bad] = False
        done = np.flatnonzero(done)
        self.converged_at[work.rows[done]] = k
        return np.concatenate([bad, done])


class _Record:
    """What a call returns: every iterate (record=True), every iterate but only the last step
    (record="path"), or the first and last iterates and the last step (record=False). Runs
    dropped from the working set repeat their last iterate."""

    def __init__(self, x0, f0, steps, record, batch_size):
        n, dim = x0.shape
        self.paths, self.steps_kept = bool(record), record is True
        kept = steps if self.steps_kept else 1
        self.n = n
        self.path, self.losses = (
            np.empty((steps + 1 if self.paths else 1, n, dim)),
            np.empty((steps + 1 if self.paths else 1, n)),
        )
        self.path[0], self.losses[0] = x0, f0
        self.grads, self.lrs = np.zeros((kept, n, dim)), np.zeros((kept, n))
        self.rows = None if batch_size is None else np.full((kept, n, batch_size), -1)
        self.epochs = np.arange(1, steps + 1)
        self.X, self.F = x0.copy(), f0.copy()  # every run's latest point and loss
        self.last = None

    def write(self, k, rows, moved: _Moved, stopped) -> None:
        """Step k (1-based) of the working runs `rows`; those at positions `stopped` took no step
        (their gradient, lr and batch rows are recorded as 0, 0 and -1)."""
        self.epochs[k - 1] = moved.epoch
        g, lr, idx = moved.g_used, moved.lr, moved.rows
        if len(stopped):
            g, lr = g.copy(), np.array(np.broadcast_to(lr, moved.f.shape), dtype=float)
            g[stopped], lr[stopped] = 0.0, 0.0
            if idx is not None:
                idx = idx.copy()
                idx[stopped] = -1
        if self.paths:
            if len(rows) == self.n:
                self.path[k], self.losses[k] = moved.x, moved.f
            else:
                self.path[k], self.losses[k] = self.path[k - 1], self.losses[k - 1]
                self.path[k, rows], self.losses[k, rows] = moved.x, moved.f
        if not self.steps_kept:  # only the last step is kept
            self.last = (rows, g, lr, idx)
            return
        j = k - 1
        if len(rows) == self.n:
            self.grads[j], self.lrs[j] = g, lr
        else:
            self.grads[j, rows], self.lrs[j, rows] = g, lr
        if idx is not None:
            self.rows[j, rows, : idx.shape[1]] = idx

    def keep_latest(self, rows, x, f) -> None:
        self.X[rows], self.F[rows] = x, f

    def arrays(self, k):
        """(path, losses, grads, lrs, batch rows) after k steps."""
        if self.steps_kept:
            rows = None if self.rows is None else self.rows[:k]
            return self.path[: k + 1], self.losses[: k + 1], self.grads[:k], self.lrs[:k], rows
        if self.last is not None:
            rows, g, lr, idx = self.last
            self.grads[0, rows], self.lrs[0, rows] = g, lr
            if idx is not None:
                self.rows[0, rows, : idx.shape[1]] = idx
        if self.paths:
            path, losses = self.path[: k + 1], self.losses[: k + 1]
        else:
            path, losses = np.stack([self.path[0], self.X]), np.stack([self.losses[0], self.F])
        return path, losses, self.grads[:k], self.lrs[:k], None if self.rows is None else self.rows[:k]


def _take(state, keep, n):
    """The rows `keep` of every array in an optimizer or schedule state whose leading axis is the
    batch of n runs (state arrays have the batch as leading axis; other fields pass through)."""
    if isinstance(state, np.ndarray):
        return state[keep] if state.ndim and len(state) == n else state
    if isinstance(state, tuple):
        fields = [_take(v, keep, n) for v in state]
        return type(state)(*fields) if hasattr(state, "_fields") else tuple(fields)
    return state


def _run_floats(s, spec, sched, x0, lr0, steps, tol, draws, clip, batches, world):
    """The Python-float loop for one run: the same rule, surface functions and streams as
    _run_arrays, coordinate by coordinate (a mini-batch gradient comes from the surface's array
    code, as in _run_arrays). Returns a recorded Trajectory."""
    fg = s.scalar
    dim = s.dim
    center, limit = world[0].tolist(), world[1]
    one = np.zeros(1, dtype=int)
    x = x0.tolist()
    f, g_true = fg(*x)
    slots = [spec.init_slots(0.0)] * dim
    sstate = sched.init(lr0, ())
    path, losses, grads, lrs, epochs = [x], [f], [], [], []
    rows = None if batches is None else np.full((steps, batches.size), -1, dtype=int)  # -1 pads
    converged_at = diverged_at = -1
    outside = False
    if _small_floats(g_true, tol):
        converged_at = 0
    k = 0
    while k < steps and converged_at < 0 and diverged_at < 0:
        lr_k, sstate = _update(sched, k, f, sstate, x)
        lr_k = float(lr_k)
        if batches is None:
            g = g_true
            epochs.append(k + 1)
        else:
            idx, epoch = batches.next(one)
            epochs.append(epoch)
            rows[k, : idx.shape[1]] = idx[0]
            g = tuple(s.grad(np.array(x), idx[0]).tolist())
        if draws is not None:
            z = draws[1].draw(one)[0].tolist()
            g = tuple(gi + draws[0] * zi for gi, zi in zip(g, z))
        g = used = clip_grad_norm(tuple(g), clip)
        g = regularize(g, tuple(x), spec.clip_norm, spec.weight_decay)
        k += 1
        x_new, new_slots, in_range, defined = _float_step(spec, fg, g, x, slots, lr_k, k, center, limit)
        if in_range and defined:
            x, f, g_true, slots = x_new[0], x_new[1], x_new[2], new_slots
            if _small_floats(g_true, tol):
                converged_at = k
        else:
            diverged_at, outside = k, in_range
            used = tuple(gi if math.isfinite(gi) else 0.0 for gi in used)
        path.append(x)
        losses.append(f)
        grads.append(used)
        lrs.append(lr_k)
    return Trajectory(
        path=np.array(path, dtype=float).reshape(k + 1, dim),
        losses=np.array(losses, dtype=float),
        grads=np.array(grads, dtype=float).reshape(k, dim),
        lrs=np.array(lrs, dtype=float),
        epochs=np.array(epochs, dtype=int),
        batch_rows=None if rows is None else rows[:k],
        converged_at=np.array(converged_at),
        diverged_at=np.array(diverged_at),
        steps=k,
        left_domain=np.array(outside),
    )


def _float_step(spec, fg, g, x, slots, lr, t, center, limit):
    """One step of one run on floats: ((x, f, g), slots, whether x is finite and in range,
    whether f and g are defined there). Python raises where NumPy gives inf or NaN."""
    in_range = defined = False
    try:
        x_new, new_slots = [], []
        for i in range(len(x)):
            xi, si = spec.rule(g[i], x[i], slots[i], lr, t, FLOAT_MATH)
            x_new.append(float(xi))
            new_slots.append(si)
        in_range = all(math.isfinite(a) and abs(a - c) <= limit for a, c in zip(x_new, center))
        f_new, g_new = fg(*x_new)
        defined = math.isfinite(f_new) and all(math.isfinite(gi) for gi in g_new)
    except (ArithmeticError, ValueError):
        return (None, None, None), None, in_range, False
    return (x_new, f_new, g_new), new_slots, in_range, defined


def by_coordinates(
    surface, optimizer, *, record=True, batch_size=None, noise=0.0, clip_norm=None, monitor="loss", **_
) -> bool:
    """Whether run(surface, optimizer, ...) with these options steps a batch coordinate by
    coordinate (_run_coords): only the ends kept, an elementwise rule without clipping, a surface
    with fg, no noise, no mini-batches, a schedule that watches the training loss."""
    opt = make_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    spec = getattr(opt.update, "elementwise", None)
    return (
        not record
        and spec is not None
        and spec.clip_norm is None
        and clip_norm is None
        and surface.scalar is not None
        and batch_size is None
        and not noise
        and monitor == "loss"
    )


def _run_coords(s, spec, sched, x0, lr0, steps, tol, world):
    """The record=False loop of an elementwise rule on a surface with fg, coordinate by coordinate:
    x[i] is the (n,) array of every working run's i-th coordinate and the rule steps each
    coordinate (as _run_floats does, on arrays). A stopped run steps with lr 0, which keeps it where
    it is (its end was written out when it stopped, and the tests pass it over), until an eighth of
    the working set has stopped and the stopped runs are dropped."""
    n, dim = x0.shape
    fg = s.scalar
    x = [np.ascontiguousarray(x0[:, i]) for i in range(dim)]
    f, g = _fg_arrays(fg, x, (n,))
    center, limit, safe_lo, safe_hi = world
    path0, f0 = x0.copy(), f + 0.0  # value_and_grad's numbers: a loss of -0.0 is 0.0
    X, F = x0.copy(), f + 0.0  # every run's end, written as it stops
    G, LR = np.zeros((1, n, dim)), np.zeros((1, n))  # the last step: its gradient and rate
    conv, div, outside_at = np.full(n, -1), np.full(n, -1), np.zeros(n, dtype=bool)
    rows, live = np.arange(n), np.ones(n, dtype=bool)
    slots = [spec.init_slots(np.zeros(n)) for _ in range(dim)]
    sstate = sched.init(lr0, (n,))
    stopped = _small_coords(g, _squares(g) if tol else None, tol, live)
    conv[stopped] = 0
    live[stopped] = False
    frozen = len(stopped)
    k = 0
    masked = source = None  # lr_k * live, kept while the schedule gives the same rates (constant)
    while k < steps and frozen < len(rows):
        lr_k, sstate = sched.update(k, f, sstate)
        if not frozen:
            lr_step = lr_k
        elif masked is not None and lr_k is source:
            masked[stopped] = 0.0  # the runs that stopped at the last step (it has been recorded)
            lr_step = masked
        else:
            lr_step = masked = lr_k * live
            source = lr_k
        k += 1
        used = [
            spec.rule(regularize(g[i], x[i], None, spec.weight_decay), x[i], slots[i], lr_step, k, np)
            for i in range(dim)
        ]
        x_new, slots = [u[0] for u in used], [u[1] for u in used]
        f_new, g_new = _fg_arrays(fg, x_new, (len(rows),))
        sq = _squares(g_new) if tol else None
        bad, outside = _left_coords(x_new, f_new, g_new, sq, center, limit, safe_lo, safe_hi, live)
        g_used = g
        if len(bad):  # they stay at their last point in the world
            for new, old in ((x_new, x), (g_new, g), ([f_new], [f])):
                for a, b in zip(new, old):
                    a[bad] = b[bad]
            div[rows[bad]], outside_at[rows[bad[outside]]] = k, True
            g_used = [np.where(np.isfinite(gi), gi, 0.0) for gi in g]
        live[bad] = False
        done = _small_coords(g_new, sq, tol, live)
        conv[rows[done]] = k
        live[done] = False
        x, f, g = x_new, f_new, g_new
        last = (rows, g_used, lr_step)
        stopped = np.concatenate([bad, done])
        if len(stopped):
            X[rows[stopped]] = np.stack([xi[stopped] for xi in x], axis=-1)
            F[rows[stopped]] = f[stopped] + 0.0
            frozen += len(stopped)
        if frozen > max(64, len(rows) // 8):
            m = len(rows)
            rows, f, x, g = rows[live], f[live], [xi[live] for xi in x], [gi[live] for gi in g]
            slots = [_take(si, live, m) for si in slots]
            sstate, live, frozen, masked = _take(sstate, live, m), live[live], 0, None
    X[rows] = np.stack(x, axis=-1)
    F[rows] = f + 0.0
    if k:
        at, g_used, lr_step = last
        gl = np.stack(g_used, axis=-1)
        lr_l = np.array(np.broadcast_to(lr_step, (len(at),)), dtype=float)
        c, d = conv[at], div[at]
        stepped = ((c < 0) | (c == k)) & ((d < 0) | (d == k))  # it had not stopped before step k
        gl[~stepped] = 0.0  # a run that had stopped took no step: its gradient is recorded as 0
        G[0, at], LR[0, at] = gl, lr_l
    return Trajectory(
        path=np.stack([path0, X]),
        losses=np.stack([f0, F]),
        grads=G[:k],
        lrs=LR[:k],
        epochs=np.arange(1, k + 1),
        batch_rows=None,
        converged_at=conv,
        diverged_at=div,
        steps=k,
        left_domain=outside_at,
    )


def _fg_arrays(fg, x, shape):
    """f and the gradient's coordinate arrays at the coordinate arrays x, each (n,), new and
    writable (a surface's fg may give a constant, or one of its inputs, for a coordinate)."""
    f, g = fg(*x)
    return _own(f, x, shape), [_own(gi, x, shape) for gi in g]


def _own(v, inputs, shape):
    fresh = isinstance(v, np.ndarray) and v.shape == shape and v.dtype == float and v.flags.writeable
    if fresh and not any(np.may_share_memory(v, xi) for xi in inputs):
        return v
    return np.array(np.broadcast_to(v, shape), dtype=float)


def _squares(g):
    """||g||^2 per run, summed coordinate by coordinate as _small does."""
    sq = g[0] * g[0]
    for gi in g[1:]:
        sq += gi * gi
    return sq


def _left_coords(x, f, g, sq, center, limit, safe_lo, safe_hi, live):
    """_left_the_world for coordinate arrays, among the live runs: their positions, and among them
    those at a finite point in range (they left the function's domain). `sq`: ||g||^2 per run, or
    None (a finite sum of squares says every gradient is finite). Cheap whole-batch tests first; a
    batch whose losses and gradients are all finite can only have left by range, which is tested
    on the coordinates that fail the cheap test alone."""
    finite = all(np.isfinite(gi.sum()) for gi in g) if sq is None else np.isfinite(sq.sum())
    finite = finite and np.isfinite(f.sum())
    far = [i for i, xi in enumerate(x) if not (xi.max() <= safe_hi and xi.min() >= safe_lo)]
    if finite and not far:
        return _none, _none_bool
    if finite:  # only a range to test: |x_i - c_i| <= limit is False for a NaN or an infinity too
        out = np.zeros(len(f), dtype=bool)
        for i in far:
            out |= ~(np.abs(x[i] - center[i]) <= limit)
        bad = np.flatnonzero(out & live)
        return bad, np.zeros(len(bad), dtype=bool)
    in_range = np.ones(len(f), dtype=bool)
    defined = np.isfinite(f)
    for xi, gi, c in zip(x, g, center):
        in_range &= np.isfinite(xi) & (np.abs(xi - c) <= limit)
        defined &= np.isfinite(gi)
    bad = np.flatnonzero(~(in_range & defined) & live)
    return bad, in_range[bad]


def _small_coords(g, sq, tol, live):
    """The positions of the live runs whose gradient passes _small's test (sq: _squares(g), or
    None when tol is 0)."""
    if tol == 0:
        small = g[0] == 0
        for gi in g[1:]:
            small &= gi == 0
        near = np.flatnonzero(small)
        return near[live[near]]
    near = np.flatnonzero(sq <= (1.01 * tol) ** 2)  # then the exact test on these alone
    near = near[live[near]]
    return near[np.sqrt(sq[near]) <= tol]


def _rate_taken(ostate, lr):
    """The step size a step took: the optimizer's own where its state says (optimizers.base), else
    the schedule's learning rate."""
    rate = ostate.rate if "rate" in getattr(type(ostate), "_fields", ()) else None
    return lr if rate is None else rate


def _update(sched: Schedule, k, f, state, x):
    """One schedule step: from the loss, or from the point for a schedule that watches it."""
    if getattr(sched.update, "watches_point", False):
        return sched.update(k, f, state, x)
    return sched.update(k, f, state)


def _last_step(t: Trajectory) -> Trajectory:
    """The record="path" view of a recorded trajectory: every iterate, the last step only."""
    if len(t.grads) <= 1:
        return t
    last = slice(t.steps - 1, t.steps)
    rows = None if t.batch_rows is None else t.batch_rows[last]
    return dataclasses.replace(t, grads=t.grads[last], lrs=t.lrs[last], batch_rows=rows)


def _first_and_last(t: Trajectory) -> Trajectory:
    """The record=False view of a recorded trajectory."""
    if len(t.path) == 2 and len(t.grads) <= 1:
        return t
    last = slice(max(t.steps - 1, 0), t.steps)
    return dataclasses.replace(
        t,
        path=t.path[[0, -1]],
        losses=t.losses[[0, -1]],
        grads=t.grads[last],
        lrs=t.lrs[last],
        batch_rows=None if t.batch_rows is None else t.batch_rows[last],
    )


def _small(g, tol):
    """The seed's stopping test per run, ||g|| <= tol (tol = 0: every component exactly 0), as a
    mask; None when no run passes (found with one cheap test over the batch)."""
    few = g.shape[-1] <= 4  # a few columns: column by column beats a reduction over a short last axis
    if tol == 0:
        if few:
            small = g[..., 0] == 0
            for i in range(1, g.shape[-1]):
                small &= g[..., i] == 0
        else:
            small = ~g.any(axis=-1)
    else:
        if few:
            sq = g[..., 0] * g[..., 0]
            for i in range(1, g.shape[-1]):
                sq += g[..., i] * g[..., i]
        else:
            sq = np.einsum("...i,...i->...", g, g)
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
