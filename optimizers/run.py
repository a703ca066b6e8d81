"""run(): step an optimizer on a surface from one or many starts and record every iterate.

The loop is the seed's, vectorized: a run stops at the first iterate whose true gradient norm is
<= tol (tol = 0: exactly the seed's `while derivative != 0`) or when it diverges; the call ends
when every run has stopped or after `steps` steps.

Two loops implement these semantics: `_run_arrays` steps any batch with NumPy, and
`_run_floats` steps a single run of an elementwise rule on an analytic surface with Python floats
(NumPy's ~1 us per call would dominate a 2-vector). They run the same rule and surface
functions in the same order, and draw from the same per-run streams (optimizers.streams), so
they agree bit for bit (tests/test_run.py checks it).
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
    lrs (k,) + batch               the learning rate each step used (0 once a run has stopped)
    epochs (k,)                    the epoch (1-based pass over the data) each step belongs to
    batch_rows (k,) + batch + (b,)  the data rows of each step's mini-batch (-1 pads a short
                                   batch and a step not taken), or None for full-batch steps
    converged_at, diverged_at      first iterate with ||grad|| <= tol / step that left the finite
                                   world, per run; -1 if never
    left_domain                    per run: it stopped because the loss (or its gradient) is not
                                   defined at the point it reached (log of a negative number),
                                   not because it ran away; diverged_at says when
    With record=False, path and losses hold the first and last iterates only, and grads, lrs and
    batch_rows the last step only (none if no step ran).
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
        else:
            t = _run_arrays(s, opt, sched, x, lr0, steps, tol, draws, clip, batches, record, world)
    return t if record else _first_and_last(t)


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
    lr: np.ndarray
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
        f_new, g_new = s.value_and_grad(x_new)
        # Stopped runs stay where they are, put back before the check: a run that left the world
        # is not found again at every step until it is compacted away.
        stay = self.frozen
        x_new[stay], f_new[stay], g_new[stay] = self.x[stay], self.f[stay], self.g[stay]
        bad, outside = _left_the_world(x_new, f_new, g_new, world)
        if len(bad):
            x_new[bad], f_new[bad], g_new[bad] = self.x[bad], self.f[bad], self.g[bad]
            g = np.where(np.isfinite(g), g, 0.0)
        lr_used = np.broadcast_to(lr_k, self.f.shape)
        return _Moved(x_new, f_new, g_new, g, lr_used, idx, epoch, bad, outside)

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
    """What a call returns: every iterate (record=True), or the first and last iterates and the
    last step (record=False). Runs dropped from the working set repeat their last iterate."""

    def __init__(self, x0, f0, steps, record, batch_size):
        n, dim = x0.shape
        kept = steps if record else 1
        self.record, self.n = record, n
        self.path, self.losses = (
            np.empty((steps + 1 if record else 1, n, dim)),
            np.empty((steps + 1 if record else 1, n)),
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
            g, lr = g.copy(), lr.copy()
            g[stopped], lr[stopped] = 0.0, 0.0
            if idx is not None:
                idx = idx.copy()
                idx[stopped] = -1
        if not self.record:  # only the last step is kept
            self.last = (rows, g, lr, idx)
            return
        j = k - 1
        if len(rows) == self.n:
            self.path[k], self.losses[k], self.grads[j], self.lrs[j] = moved.x, moved.f, g, lr
        else:
            self.path[k], self.losses[k] = self.path[k - 1], self.losses[k - 1]
            self.path[k, rows], self.losses[k, rows], self.grads[j, rows], self.lrs[j, rows] = (
                moved.x,
                moved.f,
                g,
                lr,
            )
        if idx is not None:
            self.rows[j, rows, : idx.shape[1]] = idx

    def keep_latest(self, rows, x, f) -> None:
        self.X[rows], self.F[rows] = x, f

    def arrays(self, k):
        """(path, losses, grads, lrs, batch rows) after k steps."""
        if self.record:
            rows = None if self.rows is None else self.rows[:k]
            return self.path[: k + 1], self.losses[: k + 1], self.grads[:k], self.lrs[:k], rows
        if self.last is not None:
            rows, g, lr, idx = self.last
            self.grads[0, rows], self.lrs[0, rows] = g, lr
            if idx is not None:
                self.rows[0, rows, : idx.shape[1]] = idx
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


def _update(sched: Schedule, k, f, state, x):
    """One schedule step: from the loss, or from the point for a schedule that watches it."""
    if getattr(sched.update, "watches_point", False):
        return sched.update(k, f, state, x)
    return sched.update(k, f, state)


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
