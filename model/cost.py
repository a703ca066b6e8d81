"""What a picture will cost before anything runs: seconds and bytes, from what it will compute.

A run() call of n runs for k steps costs about

    k * (A[optimizer] + n * G(surface) * M[optimizer])        batched (NumPy)
    k * F[optimizer] * max(1, G(surface) / G_FLOAT)           one run of an analytic surface (floats)

where G is the surface's cost of one gradient at one point, measured on the surface itself the
first time it is asked, in turns with a fixed reference workload (so a 10,000-row data set costs
what it costs, and a busy neighbour at that moment does not inflate it: the estimate is the idle
machine's), and A, M, F and the reference's own time are this machine kind's, fitted by
`python bench/cost.py`. Newton adds the Hessian (measured the same way) and its
eigendecomposition; a mini-batch step costs its share of the rows. Bytes are the arrays a call
keeps (every iterate, gradient and rate of every run, each run's batch order). The views add their
own families of runs (the lr sweep, the scrubber, the basin map) and grids (the contour, a
network's plane). An estimate is an upper bound where runs stop early; the basin map measures its
early stopping on a coarse grid first.

    cost = rerun_cost(setup, surface, view="contour")    # Cost(seconds, bytes, parts)
    cost.over(budget())                                   # what exceeds the budget, if anything
"""

from __future__ import annotations

import os
import time
import weakref
from dataclasses import dataclass, field

import numpy as np

from optimizers import OPTIMIZERS, by_coordinates

# Fitted by bench/cost.py on this project's machine kind (2 shared cores); seconds.
A = {"gd": 45e-6, "momentum": 50e-6, "nesterov": 55e-6, "adagrad": 55e-6, "rmsprop": 60e-6,
     "adam": 60e-6, "newton": 80e-6, "linesearch": 90e-6}  # fmt: skip
M = {"gd": 1.3, "momentum": 1.5, "nesterov": 1.6, "adagrad": 1.7, "rmsprop": 1.8, "adam": 2.0,
     "newton": 2.0, "linesearch": 3.5}  # fmt: skip
F = {"gd": 6e-6, "momentum": 7e-6, "nesterov": 8e-6, "adagrad": 8e-6, "rmsprop": 8e-6, "adam": 9e-6,
     "newton": 90e-6, "linesearch": 150e-6}  # fmt: skip
G_FLOAT = 2e-7  # a gradient this cheap per point (the analytic surfaces) runs at F's pace on floats
EIGH = 3e-10  # seconds per dim^3 of one symmetric eigendecomposition (Newton's saddle-free step)
FIGURE = 12e-6  # seconds per run and frame to build and send an animated chart
BASIN_PROBE = 8  # the basin map's early stopping is measured on a BASIN_PROBE^2 grid first
BASIN_FACTOR = 2.5  # a basin map compacts its stopped runs as it goes: that bookkeeping, measured
BASIN_FACTOR_COORDS = 1.1  # the same, stepped coordinate by coordinate (optimizers.by_coordinates)
BATCH_FIXED = 0.9e-6  # seconds per point of a mini-batch step, whatever its size (gathering the rows)
BYTES = 8

SECONDS, MEGABYTES = 2.0, 500.0  # the default budget of one rerun
QUICK = 0.25  # seconds: work estimated above this runs in a worker process, off the turn
WORKERS = max(1, min(2, os.cpu_count() or 1))  # worker processes (ui.offload): one per core, two at most


def budget() -> tuple[float, float]:
    """(seconds, bytes) one rerun may cost: 2 s and 500 MB, or the server's own
    (DESCENT_BUDGET_SECONDS, DESCENT_BUDGET_MB: a teacher's own machine can afford more)."""
    seconds = _env("DESCENT_BUDGET_SECONDS", SECONDS)
    megabytes = _env("DESCENT_BUDGET_MB", MEGABYTES)
    return seconds, megabytes * 1e6


def _env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Cost:
    """Estimated seconds and bytes, and the parts they come from ((name, seconds, bytes), ...)."""

    seconds: float = 0.0
    bytes: float = 0.0
    parts: tuple = field(default_factory=tuple)

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.seconds + other.seconds, self.bytes + other.bytes, self.parts + other.parts)

    def over(self, limits: tuple[float, float]) -> bool:
        return self.seconds > limits[0] or self.bytes > limits[1]

    def largest(self, memory: bool = False) -> str:
        """The part that takes the most time (or memory)."""
        return max(self.parts, key=lambda p: p[2 if memory else 1])[0] if self.parts else ""


# ------------------------------------------------------------------------------ unit costs
_UNITS: dict = {}


def _measured(surface, what: str, compute):
    key = (id(surface), what)
    if key not in _UNITS:
        _UNITS[key] = compute()
        weakref.finalize(surface, _UNITS.pop, key, None)
    return _UNITS[key]


def _points(surface, n: int) -> np.ndarray:
    lo, hi = surface.bounds[:, 0], surface.bounds[:, 1]
    frac = (np.arange(n)[:, None] + 0.5) / n
    return surface.start + 0.01 * (lo + frac * (hi - lo) - surface.start)


def _timed(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


REFERENCE_SECONDS = (
    1.12e-4  # the reference workload below on this machine kind, idle (bench/cost.py prints it)
)
_REF = np.linspace(-3.0, 3.0, 2 * 16384).reshape(16384, 2)


def _reference() -> None:
    """A fixed NumPy workload like a surface's gradient (Himmelblau's, on 16,384 points)."""
    x, y = _REF[:, 0], _REF[:, 1]
    a, b = x * x + y - 11, x + y * y - 7
    return a * a + b * b, 4 * x * a + 2 * b, 2 * a + 4 * y * b


def relative(fn, repeat: int = 5) -> float:
    """fn's time as it would be on an idle machine: timed in turns with the reference workload,
    each the best of `repeat`, so a busy neighbour slows both alike and cancels out."""
    ref, own = np.inf, np.inf
    for _ in range(repeat):
        ref = min(ref, _timed(_reference, 1))
        own = min(own, _timed(fn, 1))
    return own / ref * REFERENCE_SECONDS


def network_unit() -> float:
    """Seconds per parameter and data row of one network's gradient, in a batch: measured once on
    the default network (321 weights, 32 rows), which is cheap to time."""

    def measure():
        from surfaces.mlp import mlp_surface

        net = mlp_surface()
        P = _points(net, 64)
        return relative(lambda: net.grad(P)) / 64 / (net.dim * net.n_rows)

    return _measured(network_unit, "unit", measure)


def gradient_cost(surface) -> float:
    """Seconds for one gradient at one point, in a batch (measured once per surface; a network's
    from its size and the default network's unit cost: timing a wide one on many rows would be the
    heavy work itself)."""
    rows = surface.n_rows or 1
    if surface.dim > 50:
        return network_unit() * surface.dim * rows + 2e-6

    def measure():
        n = int(np.clip(2e6 / rows, 4, 256)) if rows > 1 else 4096
        P = _points(surface, n)
        with np.errstate(all="ignore"):
            return (
                _timed(lambda: surface.grad(P), repeat=5) / n
            )  # the best of 5: a busy neighbour inflates one

    return _measured(surface, "grad", measure)


def hessian_cost(surface) -> float:
    """Seconds for one Hessian at one point: measured on a low-dimensional surface; a network's is
    2 dim gradients (differences of its gradient along each axis), never measured (for a wide
    network that measurement would itself be the heavy work)."""
    if surface.dim > 50:
        return 2 * surface.dim * gradient_cost(surface)

    def measure():
        P = _points(surface, 64)
        with np.errstate(all="ignore"):
            return relative(lambda: surface.hessian(P)) / 64

    return _measured(surface, "hessian", measure)


def batch_gradient_cost(surface, batch_size) -> float:
    """One gradient at one point over a mini-batch: its share of the rows, and a fixed cost per
    point for gathering them (which dominates on small data)."""
    G = gradient_cost(surface)
    n = surface.n_rows
    if batch_size is None or not n:
        return G
    return G * batch_size / n + BATCH_FIXED


# ------------------------------------------------------------------------------ a run() call
def call_cost(
    surface, optimizer: str, n: int, steps: int, batch_size=None, record: bool | str = True, part="runs"
) -> Cost:
    """One run() call: n runs of `optimizer` for `steps` steps."""
    G = batch_gradient_cost(surface, batch_size)
    per_point = G * M.get(optimizer, 2.0)
    if optimizer == "newton":
        per_point += hessian_cost(surface) + EIGH * surface.dim**3
    analytic = surface.n_rows is None and surface.dim <= 2
    if n == 1 and analytic:
        seconds = steps * F.get(optimizer, 10e-6) * max(1.0, G / G_FLOAT)
    else:
        seconds = steps * (A.get(optimizer, 60e-6) + n * per_point)
    width = 2 * surface.dim + 3 if record is True else surface.dim + 1  # "path": iterates and losses
    kept = n * (steps + 1) * width * BYTES if record else 6 * n * width * BYTES
    if optimizer == "newton":  # each point's Hessian, and for a network its 2 dim gradient probes
        kept += n * surface.dim**2 * BYTES * (3 if surface.dim > 50 else 1)
    if batch_size is not None and surface.n_rows:
        kept += n * surface.n_rows * BYTES  # each run's order of the data rows
        if record:
            kept += n * steps * batch_size * BYTES
    return Cost(seconds, kept, ((part, seconds, kept),))


def runs_cost(setup, surface) -> Cost:
    """The runs of a setup (model.experiment.simulate)."""
    total = Cost()
    n_rows = surface.n_rows
    for name in setup.optimizers:
        n = (1 + len(setup.lrs)) * (1 + len(setup.starts))
        for batch_size in setup.batch_sizes or (None,):
            per_epoch = 1 if batch_size is None or not n_rows else -(-n_rows // batch_size)
            total += call_cost(surface, name, n, setup.steps_for(per_epoch), batch_size, part=f"runs:{name}")
    return total


def figure_cost(runs: int, frames: int = 300) -> Cost:
    seconds, kept = FIGURE * runs * frames, runs * frames * 400
    return Cost(seconds, kept, (("figure", seconds, kept),))


def grid_cost(surface, cells: int, part: str) -> Cost:
    seconds, kept = 0.6 * gradient_cost(surface) * cells, cells * 8 * BYTES
    return Cost(seconds, kept, ((part, seconds, kept),))


# ------------------------------------------------------------------------------ the views
def view_cost(setup, surface, view: str, zoom: int = 1) -> Cost:
    """What the view adds to the runs: its family of runs or its grid."""
    name = setup.optimizers[0] if setup.optimizers else "gd"
    batch = setup.batch_sizes[0] if setup.batch_sizes else None
    k = len(setup.optimizers)
    if view == "sweep":
        return call_cost(surface, name, 200, setup.steps, batch, part="sweep")
    if view == "compare":
        return sum(
            (call_cost(surface, o, 50, setup.steps, batch, part="compare") for o in setup.optimizers), Cost()
        )
    if view == "scrub" and surface.dim > 2:  # chunks of rates, WORKERS at a time (ui.compute)
        from .explore import SCRUB_CHUNK, SCRUB_RATES, scrub_chunks

        chunks = len(scrub_chunks(range(SCRUB_RATES)))
        one = call_cost(surface, name, SCRUB_CHUNK, setup.steps, batch, record="path", part="scrub")
        rounds = -(-chunks * k // WORKERS)
        return Cost(
            one.seconds * rounds,
            one.bytes * min(WORKERS, chunks * k),
            (("scrub", one.seconds * rounds, one.bytes),),
        )
    if view == "scrub":
        return sum(
            (call_cost(surface, o, 41, setup.steps, batch, part="scrub") for o in setup.optimizers), Cost()
        )
    if view == "basins":
        return basin_cost(setup, surface, zoom)
    if view in ("landscape", "line"):
        return grid_cost(surface, 81 * 81 if view == "landscape" else 201, view) + figure_cost(k, 150)
    if view in ("contour", "3d"):
        return grid_cost(surface, 150 * 150, "contour")
    return grid_cost(surface, 400, "curve")


def basin_cost(setup, surface, zoom: int = 1) -> Cost:
    """The basin map: BASIN_GRID^2 starts x BASIN_RATES rates for BASIN_STEPS steps, most of which
    stop early: the share of steps actually taken is measured on a coarse grid first (itself
    estimated and skipped when even that would be too dear)."""
    from .explore import BASIN_GRID, BASIN_RATES, BASIN_STEPS, basin_of

    name = setup.optimizers[0] if setup.optimizers else "gd"
    batch = setup.batch_sizes[0] if setup.batch_sizes else None
    n = BASIN_GRID**2 * BASIN_RATES
    full = call_cost(surface, name, n, BASIN_STEPS, batch, record=False, part="basins")
    probe = call_cost(surface, name, BASIN_PROBE**2 * BASIN_RATES, BASIN_STEPS, batch, record=False)
    share = 1.0
    if full.seconds > QUICK and probe.seconds < 0.5 and probe.bytes < 50e6:
        bmap = basin_of(setup, surface, zoom, n=BASIN_PROBE)
        share = max(float(np.mean(bmap.steps)) / BASIN_STEPS, 0.02)
    from .explore import run_options

    coords = by_coordinates(surface, name, record=False, **run_options(setup, name))
    seconds = full.seconds * share * (BASIN_FACTOR_COORDS if coords else BASIN_FACTOR)
    return Cost(seconds, full.bytes, (("basins", seconds, full.bytes),))


def rerun_cost(setup, surface, view: str, zoom: int = 1) -> Cost:
    """A rerun's runs, its view and its animated chart."""
    runs = runs_cost(setup, surface)
    n_runs = (
        len(setup.optimizers)
        * (1 + len(setup.lrs))
        * (1 + len(setup.starts))
        * max(len(setup.batch_sizes), 1)
    )
    sharp = Cost()
    if surface.dim > 2:  # a network's sharpness along each run (Lanczos every 10 steps)
        seconds = n_runs * setup.steps / 10 * 12 * gradient_cost(surface) * 4
        sharp = Cost(seconds, 0, (("sharpness", seconds, 0),))
    return runs + view_cost(setup, surface, view, zoom) + figure_cost(n_runs) + sharp


def steps_that_fit(setup, surface, view: str, limits: tuple[float, float], zoom: int = 1) -> int | None:
    """The largest number of steps (at most the setup's) whose rerun fits the budget, None if
    not even 1 does (the steps are not what costs)."""
    from dataclasses import replace

    lo, hi = 1, setup.steps
    if rerun_cost(replace(setup, steps=1, epochs=0), surface, view, zoom).over(limits):
        return None
    while lo < hi:  # the cost grows with the steps: bisect
        mid = (lo + hi + 1) // 2
        if rerun_cost(replace(setup, steps=mid, epochs=0), surface, view, zoom).over(limits):
            hi = mid - 1
        else:
            lo = mid
    return lo


KNOWN = frozenset(OPTIMIZERS)
