"""Observations: the small vocabulary of what a lesson may say about the runs on its page.

Every number a lesson's words state is one of these, computed at render time from the runs the
page shows (so it is true on any CPU, after any change the lesson invites, in both languages).
A lesson file names them in its [measure] table:

    [measure]
    w1 = { observe = "value", run = 1, of = "w", step = 1 }
    div = { observe = "fate_step", run = 1 }

Runs are numbered from 1 in the legend's order (model.experiment.plan). An observation is of the
setup (`SETUP`: the settings, the surface, the starts; a question may show it before Reveal) or of
an outcome (`OUTCOME`: how the runs went; only after Reveal). Each returns a value of one type,
which says how it is written: number, count, share, word (a catalog key), letter, point, run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optimizers.fate import Fate
from optimizers.stability import limit as optimizer_limit
from optimizers.stability import sharpness

SETUP, OUTCOME = "setup", "outcome"
OF = ("w", "x", "y", "loss", "lr", "distance", "grad_norm", "theta_norm", "taylor_gap")
MAX_EXTENDED_STEPS = 10_000  # steps_within continues a run at most this far


@dataclass(frozen=True)
class Observation:
    """A named measure: `fn(ctx, **params)`; `params` maps each allowed parameter to its default
    (REQUIRED if it has none) and is what a lesson file is checked against."""

    name: str
    fn: Callable
    phase: str
    type: str  # number | count | share | word | letter | point | run | text
    params: dict = field(default_factory=dict)
    doc: str = ""
    vocab: str = ""  # a word's catalog prefix: "fate" says "diverged" as fate.diverged


REQUIRED = object()
OBSERVATIONS: dict[str, Observation] = {}


def observation(name: str, phase: str, type_: str, doc: str, vocab: str = "", **params):
    def register(fn):
        OBSERVATIONS[name] = Observation(name, fn, phase, type_, params, doc, vocab)
        return fn

    return register


# ------------------------------------------------------------------------------ helpers
def _run(ctx, run: int):
    """Run number `run` (1-based, the legend's order) of the page."""
    return ctx.runs[run - 1]


def _coord(of: str, dim: int) -> int:
    return {"w": 0, "x": 0, "y": 1}[of] if dim <= 2 else 0


def _series(ctx, r, of: str) -> np.ndarray:
    """A run's series `of` over every iterate it reached."""
    n = r.steps_taken + 1
    if of in ("w", "x", "y"):
        return r.path[:n, _coord(of, ctx.surface.dim)]
    if of == "loss":
        return r.losses[:n]
    if of == "lr":
        return r.lrs[: max(n - 1, 1)]
    if of == "distance":
        return _distance(ctx.surface, r.path[:n])
    if of == "grad_norm":
        return np.linalg.norm(ctx.surface.grad(r.path[:n]), axis=-1)
    if of == "taylor_gap":
        return taylor_gap(ctx.surface, r.path[:n], r.losses[:n])
    return np.linalg.norm(r.path[:n], axis=-1)  # theta_norm


def taylor_gap(surface, path: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """For the step from iterate k: how far the first-order prediction of the loss's change,
    ∇L(x_k) · (x_{k+1} - x_k), is off the actual change L(x_{k+1}) - L(x_k), as a share of the
    prediction. On (w - 1)² + 2 a gradient step's share is exactly lr."""
    if len(path) < 2:
        return np.zeros(1)
    predicted = np.einsum("kd,kd->k", surface.grad(path[:-1]), np.diff(path, axis=0))
    actual = np.diff(losses)
    with np.errstate(all="ignore"):
        return np.abs(actual - predicted) / np.abs(predicted)


def _distance(surface, points) -> np.ndarray:
    """Each point's distance to the nearest known minimum."""
    if not len(surface.minima):
        raise ValueError("this surface has no known minimum to measure a distance to")
    return np.min(np.linalg.norm(points[..., None, :] - surface.minima, axis=-1), axis=-1)


def _at(series: np.ndarray, step, per_epoch: int = 1, epochs=None):
    if epochs is not None:
        step = round(epochs * per_epoch)
    if step == "end":
        return series[-1]
    return series[min(int(step), len(series) - 1)]


# ------------------------------------------------------------------------------ the setup
@observation(
    "setting",
    SETUP,
    "number",
    "a setting's value (index: an item of a list setting)",
    key=REQUIRED,
    index=None,
)
def setting(ctx, key, index=None):
    value = ctx.state[key]
    return value[index] if index is not None else value


@observation("label", SETUP, "run", "run N's name, as the legend writes it", run=1)
def run_label(ctx, run):
    return run


@observation("lr", SETUP, "number", "the learning rate run N starts with", run=1)
def run_lr(ctx, run):
    return ctx.plan[run - 1].lr


@observation("start", SETUP, "number", "run N's start (coord: 0 for w or x, 1 for y)", run=1, coord=0)
def start(ctx, run, coord):
    return ctx.plan[run - 1].point[coord]


@observation("slope_at_start", SETUP, "number", "L'(w) at run N's start (in 2-D: |∇L|)", run=1)
def slope_at_start(ctx, run):
    g = ctx.surface.grad(np.asarray(ctx.plan[run - 1].point, dtype=float))
    return float(g[0]) if ctx.surface.dim == 1 else float(np.linalg.norm(g))


@observation("sharpness_at_start", SETUP, "number", "λmax, the largest curvature at run N's start", run=1)
def sharpness_at_start(ctx, run):
    return float(sharpness(ctx.surface, np.asarray(ctx.plan[run - 1].point, dtype=float)))


@observation("ratio_at_start", SETUP, "number", "lr × λmax at run N's start", run=1)
def ratio_at_start(ctx, run):
    return ctx.plan[run - 1].lr * sharpness_at_start(ctx, run)


@observation("limit", SETUP, "number", "the largest stable lr × λmax of run N's optimizer", run=1)
def limit(ctx, run):
    p = ctx.plan[run - 1]
    return optimizer_limit(p.optimizer, lr=p.lr, **ctx.setup.hyper_for(p.optimizer))


@observation(
    "sharpness_limit",
    SETUP,
    "number",
    "the largest λmax run N's optimizer is stable at with its lr: limit / lr (2/lr for gradient descent)",
    run=1,
)
def sharpness_limit(ctx, run):
    top = limit(ctx, run)
    return None if top is None else top / ctx.plan[run - 1].lr


@observation("minimum", SETUP, "point", "known minimum `index` (from 1: A, B, ...)", index=1, coord=None)
def minimum(ctx, index, coord=None):
    m = ctx.surface.minima[index - 1]
    return float(m[coord]) if coord is not None else tuple(float(v) for v in m)


@observation("minimum_loss", SETUP, "number", "the loss at known minimum `index`", index=1)
def minimum_loss(ctx, index):
    return float(ctx.surface.minima_values[index - 1])


@observation("curvature_at_minimum", SETUP, "number", "λmax at known minimum `index`", index=1)
def curvature_at_minimum(ctx, index):
    return float(sharpness(ctx.surface, ctx.surface.minima[index - 1]))


@observation(
    "critical_rate",
    SETUP,
    "number",
    "the lr at which minimum `index` repels gradient descent (2/λmax)",
    index=1,
)
def critical_rate(ctx, index):
    return 2.0 / curvature_at_minimum(ctx, index)


@observation(
    "hilltop", SETUP, "number", "1-D: w of the highest point between minima `index` and `index` + 1", index=1
)
def hilltop(ctx, index):
    return _hill(ctx.surface, index)[0]


@observation(
    "barrier", SETUP, "number", "1-D: how high the hill next to minimum `index` rises above it", index=1
)
def barrier(ctx, index):
    s = ctx.surface
    order = np.argsort(s.minima[:, 0])
    rank = int(np.flatnonzero(order == index - 1)[0])
    between = rank if rank < len(order) - 1 else rank - 1
    top = _hill(s, int(order[between]) + 1)[1]
    return top - float(s.minima_values[index - 1])


def _hill(s, index):
    """(w, L) of the highest point between minimum `index` and the next one to its right."""
    ws = np.sort(s.minima[:, 0])
    a = s.minima[index - 1, 0]
    right = ws[ws > a]
    if s.dim != 1 or not len(right):
        raise ValueError("hilltop and barrier need a 1-D surface with a minimum to the right")
    w = np.linspace(a, right[0], 20_001)
    L = s.value(w[:, None])
    i = int(np.argmax(L))
    return float(w[i]), float(L[i])


@observation(
    "legacy_randint",
    SETUP,
    "number",
    "np.random.seed(seed); np.random.randint(low, high), as the lecture's code",
    seed=0,
    low=-2,
    high=3,
)
def legacy_randint(ctx, seed, low, high):
    return int(np.random.RandomState(seed).randint(low, high))


# ------------------------------------------------------------------------------ the runs
@observation(
    "fate",
    OUTCOME,
    "word",
    "how run N ended: converged, oscillating, diverged, moving, left_domain",
    vocab="fate",
    run=1,
)
def fate(ctx, run):
    return str(_run(ctx, run).fate)


@observation(
    "fate_step", OUTCOME, "count", "the step that dates run N's fate (convergence, divergence)", run=1
)
def fate_step(ctx, run):
    r = _run(ctx, run)
    return r.fate_at if r.fate_at >= 0 else None


@observation("steps_taken", OUTCOME, "count", "how many steps run N took", run=1)
def steps_taken(ctx, run):
    return _run(ctx, run).steps_taken


@observation(
    "value",
    OUTCOME,
    "number",
    'run N\'s `of` at `step` (a number or "end") or after `epochs`',
    run=1,
    of="loss",
    step="end",
    epochs=None,
)
def value(ctx, run, of, step, epochs=None):
    r = _run(ctx, run)
    return float(_at(_series(ctx, r, of), step, r.per_epoch, epochs))


@observation(
    "each",
    OUTCOME,
    "runs",
    'every run\'s `of` at `step`, named: "SGD (batch 1) 1.56, full batch 6.22"',
    of="loss",
    step="end",
)
def each(ctx, of, step):
    return [(i + 1, float(_at(_series(ctx, r, of), step))) for i, r in enumerate(ctx.runs)]


@observation(
    "first_step",
    OUTCOME,
    "count",
    "the first step at which run N's `of` is ≤ below (or ≥ above)",
    run=1,
    of="loss",
    below=None,
    above=None,
)
def first_step(ctx, run, of, below=None, above=None):
    x = _series(ctx, _run(ctx, run), of)
    hit = x <= below if below is not None else x >= above
    return int(np.argmax(hit)) if hit.any() else None


@observation("rises", OUTCOME, "count", "on how many steps run N's `of` went up", run=1, of="loss")
def rises(ctx, run, of):
    return int(np.sum(np.diff(_series(ctx, _run(ctx, run), of)) > 0))


@observation(
    "reversals",
    OUTCOME,
    "count",
    "how many steps of run N reverse the one before along `axis` (x or y)",
    run=1,
    axis="y",
)
def reversals(ctx, run, axis):
    r = _run(ctx, run)
    d = np.diff(r.path[: r.steps_taken + 1, _coord(axis, ctx.surface.dim)])
    return int(np.sum(np.sign(d[1:]) * np.sign(d[:-1]) < 0))


@observation(
    "swing",
    OUTCOME,
    "number",
    "the mean length of run N's steps along `axis` (how far it swings across)",
    run=1,
    axis="y",
    steps=None,
)
def swing(ctx, run, axis, steps=None):
    r = _run(ctx, run)
    n = r.steps_taken if steps is None else min(steps, r.steps_taken)
    d = np.diff(r.path[: n + 1, _coord(axis, ctx.surface.dim)])
    return float(np.mean(np.abs(d))) if len(d) else 0.0


@observation(
    "travel",
    OUTCOME,
    "number",
    "how far run N moved along `axis` from its start by `step`",
    run=1,
    axis="x",
    step="end",
)
def travel(ctx, run, axis, step):
    r = _run(ctx, run)
    x = r.path[: r.steps_taken + 1, _coord(axis, ctx.surface.dim)]
    return float(abs(_at(x, step) - x[0]))


@observation(
    "extreme",
    OUTCOME,
    "number",
    "the lowest (which = min) or highest value of run N's `of` from step `after` on",
    run=1,
    of="loss",
    which="min",
    after=0,
)
def extreme(ctx, run, of, which, after):
    x = _series(ctx, _run(ctx, run), of)[after:]
    return float(x.min() if which == "min" else x.max())


@observation(
    "contraction",
    OUTCOME,
    "number",
    "run N's distance to the minimum at `step` divided by at `step` − 1 (signed in 1-D)",
    run=1,
    step=1,
)
def contraction(ctx, run, step):
    r, s = _run(ctx, run), ctx.surface
    before, after = r.path[step - 1], r.path[min(step, r.steps_taken)]
    m = s.minima[np.argmin(np.linalg.norm(s.minima - before, axis=-1))]
    if s.dim == 1:
        return float((after[0] - m[0]) / (before[0] - m[0]))
    return float(np.linalg.norm(after - m) / np.linalg.norm(before - m))


@observation(
    "alignment",
    OUTCOME,
    "number",
    "the mean cosine between run N's steps and the full data's descent direction",
    run=1,
)
def alignment(ctx, run):
    r = _run(ctx, run)
    path = r.path[: r.steps_taken + 1]
    d, g = np.diff(path, axis=0), -ctx.surface.grad(path[:-1])
    cos = np.sum(d * g, axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(g, axis=1) + 1e-300)
    return float(np.mean(cos)) if len(cos) else 1.0


@observation(
    "reached",
    OUTCOME,
    "letter",
    "the letter of the minimum run N ends at (stalled: stopped elsewhere; none)",
    run=1,
)
def reached(ctx, run):
    return reached_minimum(ctx.surface, _run(ctx, run))


NEAR = 0.05  # of the view's size: an end point this close to a minimum has reached it


def reached_minimum(surface, r) -> str:
    """'A', 'B', ... for the minimum the run's end point sits at (within NEAR of the view's size; a
    noisy run jitters near it), 'stalled' for a run that converged elsewhere (a saddle point),
    'none' otherwise (still on its way, or diverged)."""
    end = r.path[r.steps_taken]
    if r.fate not in (Fate.DIVERGED, Fate.LEFT_DOMAIN) and len(surface.minima):
        d = np.linalg.norm(surface.minima - end, axis=-1)
        size = float(np.max(surface.bounds[:, 1] - surface.bounds[:, 0]))
        if d.min() <= NEAR * size:
            return letter(int(d.argmin()))
    return "stalled" if r.fate == Fate.CONVERGED else "none"


def letter(i: int) -> str:
    return chr(ord("A") + i)


@observation(
    "steps_within",
    OUTCOME,
    "count",
    "how many steps run N needs to come within `tol` of the minimum (the run continued if needed)",
    run=1,
    tol=0.01,
)
def steps_within(ctx, run, tol):
    from optimizers import run as run_engine

    r = _run(ctx, run)
    d = _distance(ctx.surface, r.path[: r.steps_taken + 1])
    if (d <= tol).any():
        return int(np.argmax(d <= tol))
    options = ctx.setup.run_options(r.optimizer)
    options.update(steps=MAX_EXTENDED_STEPS, tol=0.0)
    t = run_engine(ctx.surface, r.optimizer, x0=r.path[0], lr=r.lr, batch_size=r.batch_size, **options)
    d = _distance(ctx.surface, t.path)
    return int(np.argmax(d <= tol)) if (d <= tol).any() else None


# ------------------------------------------------------------------------------ trends
@observation(
    "late_trend",
    OUTCOME,
    "word",
    "run N over its second half: falls_grows (the loss still falls and the parameters' length still grows), levels (neither changes by 0.1 %) or rises (the loss ends higher)",
    vocab="trend",
    run=1,
)
def late_trend(ctx, run):
    r = _run(ctx, run)
    n = r.steps_taken
    half, end = r.path[n // 2], r.path[n]
    loss0, loss1 = float(r.losses[n // 2]), float(r.losses[n])
    if loss1 > loss0 * (1 + 1e-3):
        return "rises"
    falls = loss1 < loss0 * (1 - 1e-3)
    grows = np.linalg.norm(end) > np.linalg.norm(half) * (1 + 1e-3)
    return "falls_grows" if falls and grows else "levels"


# ------------------------------------------------------------------------------ schedules
@observation(
    "lr_drop",
    OUTCOME,
    "count",
    "the first step at which run N's learning rate falls below its first; `monitor` (loss or validation): what reduce-on-plateau watches (the run repeated if the page's watches the other)",
    run=1,
    monitor=None,
)
def lr_drop(ctx, run, monitor):
    from optimizers import run as run_engine

    r = _run(ctx, run)
    if monitor is None or monitor == ctx.setup.monitor:
        lrs = r.lrs[: r.steps_taken]
    else:
        options = ctx.setup.run_options(r.optimizer) | {"monitor": monitor, "steps": r.steps_taken}
        lrs = run_engine(
            ctx.surface, r.optimizer, x0=r.path[0], lr=r.lr, batch_size=r.batch_size, **options
        ).lrs
    below = np.flatnonzero(lrs < lrs[0]) if len(lrs) else []
    return int(below[0]) if len(below) else None


# ------------------------------------------------------------------------------ search
@observation(
    "grid_evaluations",
    OUTCOME,
    "count",
    "1-D: the fewest loss evaluations on an even grid across the view whose lowest lies within `tol` of minimum `index`",
    tol=0.01,
    index=1,
)
def grid_evaluations(ctx, tol, index):
    from optimizers.search import evaluations_within

    return evaluations_within(ctx.surface, tol, float(ctx.surface.minima[index - 1, 0]))


@observation(
    "fewer_evaluations",
    OUTCOME,
    "word",
    "1-D: which needs fewer evaluations to come within `tol` of the minimum: run N's descent (one per step, and the start) or the grid",
    vocab="search",
    run=1,
    tol=0.01,
)
def fewer_evaluations(ctx, run, tol):
    descent = steps_within(ctx, run, tol)
    grid = grid_evaluations(ctx, tol, 1)
    descent = None if descent is None else descent + 1
    if descent == grid:
        return "tie"
    if grid is None or (descent is not None and descent < grid):
        return "descent"
    return "grid"


# ------------------------------------------------------------------------------ sharpness
@observation(
    "sharpness",
    OUTCOME,
    "number",
    "λmax along run N as the history measures it: which = start, max, reach (the step it first reaches 2/lr), loss_at_reach, low / high (after it reaches 2/lr), late (its largest relative distance from 2/lr in the last quarter)",
    run=1,
    which="start",
)
def sharpness_along(ctx, run, which):
    steps, lam, edge = _sharpness(ctx, run)
    if which in ("start", "max"):
        return float(lam[0] if which == "start" else lam.max())
    reach = np.flatnonzero(lam >= edge)
    if not len(reach):
        return None
    if which == "reach":
        return int(steps[reach[0]])
    if which == "loss_at_reach":
        return float(_run(ctx, run).losses[steps[reach[0]]])
    if which == "late":
        return float(np.abs(lam[-max(len(lam) // 4, 1) :] / edge - 1).max())
    after = lam[reach[0] :]
    return float(after.min() if which == "low" else after.max())


@observation(
    "edge_regime",
    OUTCOME,
    "word",
    "run N and the edge of stability: below (λmax stays under 2/lr), hovers (reaches it and the run goes on), diverges",
    vocab="edge",
    run=1,
)
def edge_regime(ctx, run):
    r = _run(ctx, run)
    if r.fate == Fate.DIVERGED:
        return "diverges"
    _steps, lam, edge = _sharpness(ctx, run)
    return "hovers" if (lam >= edge).any() else "below"


def _sharpness(ctx, run):
    """(steps, λmax there, 2/lr at the first step) along run N (model.verdicts.ratio_path)."""
    from model.verdicts import ratio_path

    r = _run(ctx, run)
    steps, ratios = ratio_path(ctx.surface, r)
    return steps, ratios / r.lrs[steps], 2.0 / float(r.lrs[0])


# ------------------------------------------------------------------------------ basins
@observation(
    "basin_share",
    OUTCOME,
    "share",
    "the share of the basin map's starts that reach minimum `index` at the lesson's lr (or `lr`)",
    index=1,
    lr=None,
)
def basin_share(ctx, index, lr=None):
    bmap = _basin_grid(ctx)
    rate = ctx.setup.lr if lr is None else lr
    r = int(np.argmin(np.abs(np.log(bmap.lrs / rate))))
    return float(bmap.shares(len(ctx.surface.minima))[r, index - 1])


@observation(
    "basin_gone",
    OUTCOME,
    "number",
    "the first rate of the basin map's grid at which minimum `index`'s basin is empty",
    index=1,
)
def basin_gone(ctx, index):
    bmap = _basin_grid(ctx)
    empty = np.flatnonzero(bmap.shares(len(ctx.surface.minima))[:, index - 1] == 0)
    return float(bmap.lrs[empty[0]]) if len(empty) else None


@observation(
    "crossings",
    OUTCOME,
    "count",
    "how often the basin changes along a row of the map at `zoom` (the lesson's lr, or `lr`)",
    zoom=1,
    lr=None,
)
def crossings(ctx, zoom, lr=None):
    from model.explore import BASIN_STEPS, basin_window
    from optimizers.basins import basin_map

    setup, s = ctx.setup, ctx.surface
    bmap = basin_map(
        s, setup.optimizers[0], [setup.lr if lr is None else lr], steps=BASIN_STEPS,
        bounds=basin_window(setup, s, zoom),
    )  # fmt: skip
    return round(bmap.crossings(0))


def _basin_grid(ctx):
    from model.explore import basin_of

    return ctx.memo("basins", lambda: basin_of(ctx.setup, ctx.surface, 1))


# ------------------------------------------------------------------------------ a network's plane
@observation(
    "plane",
    OUTCOME,
    "number",
    "the landscape's plane for run N: which = pc1 / pc2 (shares of the path's variance), gap / gap_filter (the largest factor between the plane's loss and the true loss, PCA or random directions)",
    run=1,
    which="pc1",
)
def plane(ctx, run, which):
    from model.landscape import plane_of, shadows

    r = _run(ctx, run)
    directions = "filter" if which == "gap_filter" else "pca"
    p = ctx.memo(("plane", run, directions), lambda: plane_of(ctx.surface, [r], directions))
    if which in ("pc1", "pc2"):
        return float(p.explained[0 if which == "pc1" else 1])
    _, true, on_plane = shadows(p, [r])
    return float(np.max(np.maximum(on_plane[0] / true[0], true[0] / on_plane[0])))


@observation(
    "line_rises",
    OUTCOME,
    "count",
    "on the straight line from run N's start to its end, cut in 200 equal steps, how many steps go uphill",
    run=1,
)
def line_rises(ctx, run):
    from surfaces.landscape import line_surface

    r = _run(ctx, run)
    line = line_surface(ctx.surface, r.path[0], r.path[r.steps_taken])
    L = line.value(np.linspace(0.0, 1.0, 201)[:, None])
    return int((np.diff(L) > 0).sum())


@observation(
    "line_shape",
    OUTCOME,
    "word",
    "the loss on the straight line from run N's start to its end: falls (never rises) or barrier",
    vocab="line",
    run=1,
)
def line_shape(ctx, run):
    return "falls" if line_rises(ctx, run) == 0 else "barrier"


def is_finite(value) -> bool:
    return not (isinstance(value, float) and not math.isfinite(value))
