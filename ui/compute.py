"""The page's computations, cached across reruns and sessions: a rerun with the same inputs never
recomputes. Everything is keyed by the plain, hashable Setup (its repr identifies it) and the
language; figures are cached as the Plotly JSON dicts viz builds (never modified afterwards)."""

from __future__ import annotations

import streamlit as st

from lessons import Lesson
from lessons.page import Context, revealed
from model import explore, landscape, tables, verdicts
from model.experiment import Setup, simulate
from model.explore import run_options
from model.preview import preview
from model.text import texts
from optimizers.stability import limit
from optimizers.sweep import compare, curvature_if_quadratic, lr_grid, lr_sweep
from surfaces import custom
from viz.history import history_figure
from viz.sweep import compare_figure, sweep_figure
from viz.views import main_figure

SETUP_HASH = {Setup: repr, Lesson: lambda lesson: (lesson.slug, lesson.source)}


def surface_of(setup: Setup):
    return setup.spec.build()


def prepare(setup: Setup) -> None:
    """For a typed formula, the sympy worker's analysis (remembered): it only waits on another
    process, so it is done before the rerun takes its turn (ui.turn); the rest of building the
    surface is computing, done in the turn."""
    if setup.spec.surface == "custom":
        custom.analyse_ahead(setup.spec.formula)


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs=SETUP_HASH)
def runs_of(setup: Setup):
    """The runs of a setup (shared, never modified: no copy per rerun, unlike st.cache_data)."""
    return simulate(setup, surface_of(setup))


def shown_runs(setup: Setup, predicting: bool = False):
    """The runs as the page may show them: while a lesson's question is open, their previews
    (model.preview: where they go, nothing of how they end)."""
    runs = runs_of(setup)
    if not predicting:
        return runs
    return [preview(r, setup.steps_for(r.per_epoch)) for r in runs]


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def main_json(
    setup: Setup,
    view: str,
    lang: str,
    taylor: bool = False,
    grow: bool = False,
    big: bool = False,
    phone: bool = False,
    predicting: bool = False,
) -> dict:
    runs = shown_runs(setup, predicting)
    return main_figure(surface_of(setup), runs, texts(lang), view, taylor, grow, big, phone)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def reveal_of(setup: Setup, lesson: Lesson, lang: str, state: dict):
    """A lesson after Reveal (lessons.page.Reveal): its answer and texts from the runs on the page."""
    ctx = Context(state, setup, surface_of(setup), runs_of(setup), lesson)
    return revealed(lesson, ctx, texts(lang))


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def history_json(setup: Setup, lang: str, epochs: bool = False, phone: bool = False) -> dict:
    runs, s = runs_of(setup), surface_of(setup)
    ratios = [(*verdicts.ratio_path(s, run), verdicts.run_limit(run)) for run in runs]
    network = s.dim > 2  # its sharpness against 2/lr: the edge of stability
    return history_figure(
        runs, texts(lang), lowest_known(s, runs), epochs=epochs, ratios=ratios, sharpness=network, phone=phone
    )


def lowest_known(s, runs) -> float | None:
    """L*, the lowest loss known: the lowest known minimum in view and every loss a run reached
    (a typed formula's minimum may lie outside the view). None where no minimum is known."""
    if s.f_min is None:
        return None
    reached = [float(r.losses[: r.steps_taken + 1].min()) for r in runs]
    return min([s.f_min, *reached])


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def sweep_json(setup: Setup, lang: str) -> dict:
    T = texts(lang)
    s, name = surface_of(setup), setup.optimizers[0]
    options = run_options(setup, name)
    sweep = lr_sweep(s, name, setup.x0, lr_grid(), setup.steps, **options)
    hyper = setup.hyper_for(name)
    hyper.pop("lr", None)
    exact = setup.schedule == "constant" and not setup.noise and options["batch_size"] is None
    top = (
        limit(name, **hyper) if exact and not hyper.get("weight_decay") and "clip_norm" not in hyper else None
    )
    L = curvature_if_quadratic(s) if top else None
    threshold = (top / L, f"{top:.3g}") if L else None  # the rate where lr * L reaches the limit
    return sweep_figure(sweep, T(f"opt.{name}.name"), T, threshold, s.f_min)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def compare_json(setup: Setup, lang: str) -> dict:
    T = texts(lang)
    s = surface_of(setup)
    hypers = {
        n: {k: v for k, v in run_options(setup, n).items() if k not in SHARED} for n in setup.optimizers
    }
    shared = {k: v for k, v in run_options(setup, setup.optimizers[0]).items() if k in SHARED}
    result = compare(s, setup.optimizers, setup.x0, lr_grid(n=50), setup.steps, hypers, **shared)
    return compare_figure(result, {n: T(f"opt.{n}.short") for n in setup.optimizers}, T, s.f_min)


SHARED = ("schedule", "tol", "noise", "seed", "shuffle", "stop_diverged", "batch_size")


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def scrub_json(setup: Setup, lang: str, decades: float = 1.0, big: bool = False) -> dict:
    return explore.scrub_spec(setup, surface_of(setup), texts(lang), decades, big)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=SETUP_HASH)
def basins_json(setup: Setup, lang: str, zoom: int = 1, big: bool = False) -> dict:
    return explore.basins_spec(setup, surface_of(setup), texts(lang), zoom, big)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=SETUP_HASH)
def landscape_of(
    setup: Setup,
    lang: str,
    directions: str = "pca",
    grow: bool = False,
    big: bool = False,
    phone: bool = False,
    predicting: bool = False,
):
    """The network's plane through the first run's end (model.landscape.Landscape); while a
    question is open the paths on it are previews."""
    s = surface_of(setup)
    return landscape.landscape(
        s, runs_of(setup), texts(lang), directions, grow, big, phone, shown_runs(setup, predicting)
    )


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=SETUP_HASH)
def line_json(setup: Setup, lang: str, big: bool = False) -> dict:
    return landscape.line(surface_of(setup), runs_of(setup), texts(lang), big)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def step_rows_of(setup: Setup, lang: str, index: int = 0) -> list[dict]:
    """The step table of the setup's run `index` (model.tables.step_rows)."""
    return tables.step_rows(surface_of(setup), runs_of(setup)[index], texts(lang))
