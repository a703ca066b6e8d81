"""The page's computations, cached across reruns and sessions: a rerun with the same inputs never
recomputes. Everything is keyed by the plain, hashable Setup (its repr identifies it) and the
language; figures are cached as the Plotly JSON dicts viz builds (never modified afterwards)."""

from __future__ import annotations

import contextlib
import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import streamlit as st

from lessons import Lesson
from lessons.page import Context, revealed
from model import cost, explore, landscape, tables, tasks, verdicts
from model.cost import QUICK, Cost
from model.experiment import Setup
from model.preview import preview
from model.spec import UPLOADS
from model.text import texts
from surfaces import sympy_pool
from viz.history import history_figure
from viz.taylor import taylor_figure
from viz.views import main_figure

from . import offload, session
from .cache import RUNS_BYTES, ByteCache

SETUP_HASH = {Setup: repr, Lesson: lambda lesson: (lesson.slug, lesson.source)}


def surface_of(setup: Setup):
    return setup.spec.build()


def prepare(setup: Setup) -> None:
    """A typed formula's surface, built before the rerun takes its turn (ui.turn): its sympy
    analysis only waits on another process, and finding its critical points (up to a second for a
    deeply nested formula) would otherwise hold every other student's rerun. A formula that cannot
    be used is the page's to say (surface_of raises again, from the cache)."""
    if setup.spec.surface == "custom":
        sympy_pool.analyse_ahead(setup.spec.formula)
        with contextlib.suppress(ValueError):
            surface_of(setup)


def uploads_of(setup: Setup) -> dict:
    """The uploaded data a setup names, for a worker process (it has no copy of this one's)."""
    key = setup.spec.csv
    return {key: UPLOADS[key]} if key and key in UPLOADS else {}


def heavy(setup: Setup, what: Cost) -> bool:
    """Whether work of this cost goes to a worker process (a typed formula's surface stays here: it
    is built from its sympy analysis, which lives in this process)."""
    return what.seconds > QUICK and setup.spec.surface != "custom"


def offloaded(fn, setup: Setup, what: Cost, *args):
    """fn(setup, *args, uploads) in a worker when heavy (ui.offload), else here."""
    if not heavy(setup, what):
        return fn(setup, *args, {})
    return offload.call(
        fn, setup, *args, uploads_of(setup), seconds=what.seconds, cancelled=session.superseded
    )


RUNS = ByteCache(RUNS_BYTES)


def runs_of(setup: Setup):
    """The runs of a setup, shared by every session and never modified, kept while the cache's
    bytes allow (the largest setups cost hundreds of MB)."""
    return RUNS.get(repr(setup), lambda: _made(setup))


SHARPNESS_PIECES = 2  # a network run's sharpness chain, cut into this many chains (one cold start each)


def _made(setup: Setup):
    """The runs, each optimizer's chain in its own worker at once when the work is heavy and the
    machine has the cores (simulate runs the optimizers independently: the same runs, in order).
    A network's sharpness chain along each run (verdicts.ratio_path) is cut in SHARPNESS_PIECES
    and measured on the workers as soon as its run is back, beside the runs still stepping."""
    what = runs_cost_of(setup)
    network = surface_of(setup).dim > 2
    if offload.WORKERS < 2 or not heavy(setup, what) or (len(setup.optimizers) < 2 and not network):
        return offloaded(tasks.runs, setup, what)
    parts = [dataclasses.replace(setup, optimizers=(name,)) for name in setup.optimizers]
    uploads, cancelled = uploads_of(setup), session.superseded_here()  # the threads have no context

    def call(fn, *args):  # each task has the whole picture's time: it may queue
        return offload.call(fn, *args, uploads, seconds=what.seconds, cancelled=cancelled)

    with ThreadPoolExecutor(len(parts) * (1 + SHARPNESS_PIECES)) as pool:
        if not network:
            return [run for runs in pool.map(lambda p: call(tasks.runs, p), parts) for run in runs]

        def measured(part):
            runs = call(tasks.trajectories, part)
            return [
                _with_ratios(part, run, lambda pts: call(tasks.sharpness, part, pts), pool) for run in runs
            ]

        return [run for runs in pool.map(measured, parts) for run in runs]


def _with_ratios(setup: Setup, run, sharpness, pool):
    """The run with its ratio path, its sharpness measured piece by piece in `pool`."""
    steps, points = verdicts.sharpness_points(surface_of(setup), run)
    pieces = [p for p in np.array_split(points, SHARPNESS_PIECES) if len(p)] if len(points) else []
    lam = np.concatenate(list(pool.map(sharpness, pieces))) if pieces else np.empty(0)
    return dataclasses.replace(run, ratios=verdicts.ratios_of(run, steps, lam))


def runs_cost_of(setup: Setup) -> Cost:
    return cost.runs_cost(setup, surface_of(setup))


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs=SETUP_HASH)
def rerun_cost_of(setup: Setup, view: str, zoom: int = 1) -> Cost:
    """What a rerun of this setup and view will cost (model.cost), estimated once."""
    return cost.rerun_cost(setup, surface_of(setup), view, zoom)


LESSON_ALLOWANCE = (
    3.0  # a lesson's own pictures are measured to fit (tests/test_hostile.py): room for a busy machine
)


def afford(setup: Setup, view: str, zoom: int = 1, lesson: bool = False) -> Cost | None:
    """None when the rerun fits the budget, else its estimated cost (the page says so and offers
    what fits instead). A lesson's own picture has LESSON_ALLOWANCE times the budget: the estimate
    measures the machine as it is (a loaded one looks slower), and a lesson must not be refused."""
    estimate = rerun_cost_of(setup, view, zoom)
    seconds, limit = cost.budget()
    allowance = LESSON_ALLOWANCE if lesson else 1.0
    return estimate if estimate.over((seconds * allowance, limit * allowance)) else None


def budget() -> tuple[float, float]:
    return cost.budget()


def steps_that_fit(setup: Setup, view: str, zoom: int = 1) -> int | None:
    return cost.steps_that_fit(setup, surface_of(setup), view, cost.budget(), zoom)


def precompute(setup: Setup, state: dict) -> None:
    """The heavy part of this rerun, done before it takes its turn (ui.turn) in worker processes:
    the runs, and the view's family. Quick work is left to the page, in its turn."""
    view, zoom = state["view"], state["basin_zoom"]
    if heavy(setup, runs_cost_of(setup)):
        runs_of(setup)
    lang, big = state["lang"], state["present"]
    family = {"sweep": lambda: sweep_json(setup, lang), "compare": lambda: compare_json(setup, lang),
              "scrub": lambda: scrub_json(setup, lang, state["scrub_decades"], big),
              "basins": lambda: basins_json(setup, lang, zoom, big)}.get(view)  # fmt: skip
    if family is not None and heavy(setup, cost.view_cost(setup, surface_of(setup), view, zoom)):
        family()


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
    search: int = 0,
) -> dict:
    runs = shown_runs(setup, predicting)
    return main_figure(surface_of(setup), runs, texts(lang), view, taylor, grow, big, phone, search)


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
    held = None if s.validation is None else [s.validation(r.path[: r.steps_taken + 1]) for r in runs]
    f_star = None if held is not None else lowest_known(s, runs)  # the held-out loss has its own floor
    return history_figure(
        runs,
        texts(lang),
        f_star,
        epochs=epochs,
        ratios=ratios,
        sharpness=network,
        phone=phone,
        validation=held,
    )


def lowest_known(s, runs) -> float | None:
    """L*, the lowest loss known: the lowest known minimum in view and every loss a run reached
    (a typed formula's minimum may lie outside the view). None where no minimum is known."""
    if s.f_min is None:
        return None
    reached = [float(r.losses[: r.steps_taken + 1].min()) for r in runs]
    return min([s.f_min, *reached])


def _view_cost(setup: Setup, view: str, zoom: int = 1) -> Cost:
    return cost.view_cost(setup, surface_of(setup), view, zoom)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def sweep_json(setup: Setup, lang: str) -> dict:
    return offloaded(tasks.sweep, setup, _view_cost(setup, "sweep"), lang)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def compare_json(setup: Setup, lang: str) -> dict:
    return offloaded(tasks.comparison, setup, _view_cost(setup, "compare"), lang)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def scrub_json(setup: Setup, lang: str, decades: float = 1.0, big: bool = False) -> dict:
    s = surface_of(setup)
    if s.dim <= 2:
        return offloaded(tasks.scrub, setup, _view_cost(setup, "scrub"), lang, decades, big)
    return _network_scrub(setup, s, lang, decades, big)


def _network_scrub(setup: Setup, s, lang: str, decades: float, big: bool) -> dict:
    """A network's scrubber: each optimizer's rates in chunks (explore.scrub_chunks), each chunk a
    worker's task at once, drawn on the landscape's plane through the chosen rate's run."""
    plane = landscape.plane_of(s, runs_of(setup))
    lrs = explore.scrub_lrs(setup, decades)
    what, uploads, cancelled = _view_cost(setup, "scrub"), uploads_of(setup), session.superseded_here()
    jobs = [(name, chunk) for name in setup.optimizers for chunk in explore.scrub_chunks(lrs)]

    def family(job):
        name, chunk = job
        args = (tasks.scrub_family, setup, name, chunk, plane.origin, plane.directions, uploads)
        return offload.call(*args, seconds=what.seconds, cancelled=cancelled)

    with ThreadPoolExecutor(len(jobs)) as pool:
        made = list(pool.map(family, jobs))
    families = {
        name: explore.joined([m for (n, _), m in zip(jobs, made, strict=True) if n == name])
        for name in setup.optimizers
    }
    return explore.scrub_spec(setup, s, texts(lang), decades, big, families, plane)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=SETUP_HASH)
def basins_json(setup: Setup, lang: str, zoom: int = 1, big: bool = False) -> dict:
    return offloaded(tasks.basins, setup, _view_cost(setup, "basins", zoom), lang, zoom, big)


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
@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def taylor_json(setup: Setup, lang: str, index: int = 0) -> dict:
    """The chart of run `index`'s changes of the loss beside their Taylor predictions."""
    series = tables.taylor_series(surface_of(setup), runs_of(setup)[index])
    return taylor_figure(*series, texts(lang))


def step_rows_of(setup: Setup, lang: str, index: int = 0) -> list[dict]:
    """The step table of the setup's run `index` (model.tables.step_rows)."""
    return tables.step_rows(surface_of(setup), runs_of(setup)[index], texts(lang))
