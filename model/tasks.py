"""What a page computes from a Setup, as plain functions of picklable arguments, so that the shell
can run each in its own process or in a worker (ui.offload): the runs, and each view's family of
runs with its figure. An uploaded data set travels with the task (`uploads`: the worker has no
other copy of it)."""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizers.stability import limit, sharpness_path
from optimizers.sweep import compare, curvature_if_quadratic, lr_grid, lr_sweep
from surfaces.landscape import slice_surface
from viz.sweep import compare_figure, sweep_figure

from . import explore, verdicts
from .experiment import Setup, simulate
from .explore import run_options
from .spec import UPLOADS
from .text import texts

SHARED = ("schedule", "tol", "noise", "seed", "shuffle", "stop_diverged", "batch_size", "monitor")


def surface(setup: Setup, uploads: dict | None = None):
    """The setup's surface; `uploads`: the CSV data it names, where this process has none."""
    for key, data in (uploads or {}).items():
        UPLOADS.setdefault(key, data)
    return setup.spec.build()


def runs(setup: Setup, uploads: dict | None = None):
    """The setup's runs; on a network each carries its sharpness path, measured here."""
    s = surface(setup, uploads)
    made = simulate(setup, s)
    if s.dim <= 2:
        return made
    return [dataclasses.replace(r, ratios=verdicts.ratio_path(s, r)) for r in made]


def trajectories(setup: Setup, uploads: dict | None = None):
    """The setup's runs alone: a network's sharpness is left to the caller, which measures it in
    pieces (`sharpness`) on the workers left free."""
    return simulate(setup, surface(setup, uploads))


def sharpness(setup: Setup, points, uploads: dict | None = None):
    """lambda_max at each of `points` (a piece of a run's sharpness_points), one Lanczos chain."""
    return sharpness_path(surface(setup, uploads), points, 1)


def sweep(setup: Setup, lang: str, uploads: dict | None = None) -> dict:
    """The lr sweep's figure: the first optimizer at 200 rates, its regimes, 2/L on a quadratic."""
    T, s, name = texts(lang), surface(setup, uploads), setup.optimizers[0]
    options = run_options(setup, name)
    result = lr_sweep(s, name, setup.x0, lr_grid(), setup.steps, **options)
    hyper = setup.hyper_for(name)
    exact = setup.schedule == "constant" and not setup.noise and options["batch_size"] is None
    plain = exact and not hyper.get("weight_decay") and "clip_norm" not in hyper
    top = limit(name, **hyper) if plain else None
    L = curvature_if_quadratic(s) if top else None
    threshold = (top / L, f"{top:.3g}") if L else None  # the rate where lr * L reaches the limit
    return sweep_figure(result, T(f"opt.{name}.name"), T, threshold, s.f_min)


def comparison(setup: Setup, lang: str, uploads: dict | None = None) -> dict:
    """The optimizers x learning rates heatmap."""
    T, s = texts(lang), surface(setup, uploads)
    hypers = {
        n: {k: v for k, v in run_options(setup, n).items() if k not in SHARED} for n in setup.optimizers
    }
    shared = {k: v for k, v in run_options(setup, setup.optimizers[0]).items() if k in SHARED}
    result = compare(s, setup.optimizers, setup.x0, lr_grid(n=50), setup.steps, hypers, **shared)
    return compare_figure(result, {n: T(f"opt.{n}.short") for n in setup.optimizers}, T, s.f_min)


def scrub(
    setup: Setup, lang: str, decades: float = 1.0, big: bool = False, uploads: dict | None = None
) -> dict:
    return explore.scrub_spec(setup, surface(setup, uploads), texts(lang), decades, big)


def scrub_family(setup: Setup, name: str, lrs, origin, directions, uploads: dict | None = None) -> dict:
    """One chunk of a network's scrubber (explore.scrub_family): its runs' shadows on the plane
    through `origin` along `directions` (2, dim), small enough to send back."""
    s = surface(setup, uploads)
    plane = slice_surface(s, origin, np.asarray(directions))
    return explore.scrub_family(setup, s, name, lrs, plane)


def basins(setup: Setup, lang: str, zoom: int = 1, big: bool = False, uploads: dict | None = None) -> dict:
    return explore.basins_spec(setup, surface(setup, uploads), texts(lang), zoom, big)
