"""Gradient descent, visualized: the Streamlit UI.

Widgets -> their values by key (viz.state's schema, shared with lessons, share links and export)
-> a plain Setup -> cached compute (optimizers.experiment) -> Plotly JSON (viz) -> the page.
No math and no figure code here.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from optimizers.experiment import Setup, simulate
from optimizers.stability import regime, sharpness
from optimizers.sweep import compare, gd_limit, lr_grid, lr_sweep
from surfaces import SURFACES, custom_surface, data_surface, get_surface, synthetic
from surfaces.data import KINDS, parse_csv
from viz.export import html_page, trajectories_csv
from viz.figure import PreparedFigure
from viz.history import history_figure
from viz.lessons import BY_SLUG, LESSONS
from viz.runs import fmt, label
from viz.stability import stability_figure
from viz.state import (
    DETAIL_KEYS,
    EXTRA_LRS,
    FIELDS,
    HYPER_WIDGETS,
    LR_MAX,
    LR_MIN,
    SCHEDULE_WIDGETS,
    TOLERANCES,
    VIEWS,
    VIEWS_BY_DIM,
    decode,
    defaults,
    encode,
    lean,
    schedule_default,
    setup_from,
)
from viz.style import OPTIMIZER_LABELS, SHORT_LABELS, color_of, format_lr
from viz.sweep import compare_figure, sweep_figure
from viz.tables import step_rows
from viz.views import main_figure

LR_PRESETS = [0.001, 0.01, 0.1, 0.4, 1.0, 10.0]
BATCH_CHOICES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
START_RANGE = 10.0  # a start may lie up to this many view sizes from the view's centre
SURFACE_KEYS = ("x0", "y0", "optimizers", "steps", "lr", "lrs", "view", "batch_sizes", "start2", "x1", "y1")
PAGE_CSS = "<style>.block-container {padding-top: 2.2rem; padding-bottom: 2rem;}</style>"
FAILED = "Sorry, this view could not be drawn"
CONFIG = {"displayModeBar": False}
OWN_LR_KEYS = frozenset(f"{name}_lr" for name in OPTIMIZERS)  # an optimizer's own lr starts at the main one
SETUP_HASH = {Setup: repr}  # a Setup is plain tuples and numbers: its repr identifies it, fast


# ---------------------------------------------------------------------------------- state
def init_state() -> None:
    """A new session starts from the share link (or the defaults); a control that Streamlit
    forgot while it was hidden gets its default back."""
    ss = st.session_state
    if "_ready" not in ss:
        if len(st.query_params):
            state, problems = decode(dict(st.query_params))
            ss.update(lean(state))
            ss["_link_keys"] = set(st.query_params)
        else:
            problems = []
        ss["_link_problems"], ss["_ready"], ss["_url"] = problems, True, None
    base = defaults(ss["surface"]) if ss.get("surface") in SURFACES else defaults("quadratic")
    for key, value in lean(base).items():
        if key not in ss:
            ss[key] = value


def fill_defaults(keys) -> None:
    """Give the controls about to be drawn their defaults if they have no value yet."""
    ss = st.session_state
    for key in keys:
        if key not in ss:
            ss[key] = ss["lr"] if key in OWN_LR_KEYS else FIELDS[key].default


def to_free_play() -> None:
    """Any control changed after a lesson was chosen: free play, with every value kept."""
    if st.session_state.get("lesson", "free") != "free":
        st.session_state["lesson"] = "free"


def apply_lesson() -> None:
    slug = st.session_state["lesson"]
    if slug in BY_SLUG:
        ss = st.session_state
        for key in [k for k in ss if k in DETAIL_KEYS]:  # the lesson's own settings, the rest at defaults
            del ss[key]
        ss.update(lean(BY_SLUG[slug].state()))
        st.session_state.pop("lesson_guess", None)
        st.session_state["_revealed"] = None


def on_surface_change() -> None:
    """A new surface: its own start, the defaults of its dimension, a fresh view."""
    ss = st.session_state
    if ss["surface"] == "custom":
        s = custom_or_none(ss.get("formula", ""), custom_bounds(ss))
        base = defaults("custom", s.dim, s.start) if s else defaults("quadratic")
    else:
        base = defaults(ss["surface"])
    ss.update({k: base[k] for k in SURFACE_KEYS})
    to_free_play()


def apply_clicks() -> None:
    """A click on the contour selects a point of its invisible grid: the new start. A click in
    the learning-rate sweep selects a learning rate."""
    ss = st.session_state
    for key, apply in (("chart", _set_start), ("sweep_chart", _set_lr)):
        points = ((ss.get(key) or {}).get("selection") or {}).get("points") or []
        p = points[0] if points else {}
        if isinstance(p.get("x"), (int, float)) and isinstance(p.get("y"), (int, float)):
            where = (key, float(p["x"]), float(p["y"]))
            if ss.get("_clicked") != where:
                ss["_clicked"] = where
                apply(where[1], where[2])
                to_free_play()


def _set_start(x, y):
    st.session_state["x0"], st.session_state["y0"] = x, y


def _set_lr(x, y):
    st.session_state["lr"] = float(min(max(x, LR_MIN), LR_MAX))


def current_state() -> dict:
    ss = st.session_state
    return {key: ss[key] for key in FIELDS if key in ss}


def sync_url() -> None:
    """Keep the share link (the page's URL) equal to the state, only the non-default values."""
    params = encode(current_state())
    if params != st.session_state.get("_url"):
        st.session_state["_url"] = params
        st.query_params.from_dict(params)


# ---------------------------------------------------------------------------------- sidebar
def lesson_ui() -> None:
    titles = {"free": "Free play"} | {lesson.slug: lesson.title for lesson in LESSONS}
    st.selectbox(
        "Lesson",
        list(titles),
        key="lesson",
        format_func=titles.get,
        on_change=apply_lesson,
        help="A lesson sets every control; change any of them to play freely from there.",
    )


def surface_ui() -> str:
    def describe(name):
        if name == "custom":
            return "Your own function…"
        s = SURFACES[name]
        return f"{s.dim}-D · {s.title}"

    return st.selectbox(
        "Loss surface",
        [*SURFACES, "custom"],
        key="surface",
        format_func=describe,
        on_change=on_surface_change,
    )


def custom_bounds(ss) -> tuple:
    return (
        (ss.get("formula_x_lo", -3.0), ss.get("formula_x_hi", 3.0)),
        (ss.get("formula_y_lo", -3.0), ss.get("formula_y_hi", 3.0)),
    )


def custom_ui():
    """The formula box and its view: the surface, or the last good one with a message."""
    ss = st.session_state
    st.text_input(
        "f(w) or f(x, y)",
        key="formula",
        on_change=to_free_play,
        max_chars=200,
        help="Write it as on paper: w^4 - 3w^2 + w, x^2 + 10y^2, sin(x) + cos(y), 2(x-1)^2 …",
    )
    c1, c2 = st.columns(2)
    c1.number_input("x from", -1e6, 1e6, key="formula_x_lo", format="%g", on_change=to_free_play)
    c2.number_input("x to", -1e6, 1e6, key="formula_x_hi", format="%g", on_change=to_free_play)
    c1.number_input("y from (2-D)", -1e6, 1e6, key="formula_y_lo", format="%g", on_change=to_free_play)
    c2.number_input("y to (2-D)", -1e6, 1e6, key="formula_y_hi", format="%g", on_change=to_free_play)
    bounds = custom_bounds(ss)
    try:
        s = custom_cached(ss["formula"], bounds)
    except ValueError as err:
        last = ss.get("_custom_ok")
        kept = " The previous function stays." if last else ""
        st.warning(f"{err}{kept}", icon="✏️")
        if not last:
            return None, ()
        s, formula, bounds = custom_cached(*last), last[0], last[1]
    else:
        formula = ss["formula"]
        if "_custom_ok" not in ss and "x0" not in ss.get(
            "_link_keys", ()
        ):  # a first formula starts at its own start
            ss.update({k: v for k, v in defaults("custom", s.dim, s.start).items() if k in ("x0", "y0")})
        if ss.get("_custom_ok", (None,))[0] != formula or ss["_custom_ok"][1] != bounds:
            if ss.get("_custom_ok") and s.dim != custom_cached(*ss["_custom_ok"]).dim:
                ss.update({k: v for k, v in defaults("custom", s.dim, s.start).items() if k in SURFACE_KEYS})
            ss["_custom_ok"] = (formula, bounds)
    if not len(s.minima):
        st.caption("No minimum found in view.")
    return s, ("custom", formula, bounds[: s.dim])


def data_ui(name: str) -> tuple:
    """The data a data loss is built from (seeded synthetic points, or an uploaded CSV).
    Returns Setup.data."""
    kind = KINDS[name]
    with st.expander("Data", expanded=True):
        c1, c2 = st.columns(2)
        c1.number_input("points n", 2, 10_000, key="data_n", step=10, on_change=to_free_play)
        c2.number_input("noise", 0.0, 100.0, key="data_noise", step=0.1, format="%g", on_change=to_free_play)
        c1, c2, c3 = st.columns(3)
        c1.number_input("true w", -100.0, 100.0, key="data_w", step=0.5, format="%g", on_change=to_free_play)
        c2.number_input("true b", -100.0, 100.0, key="data_b", step=0.5, format="%g", on_change=to_free_play)
        c3.number_input("data seed", 0, 2**31 - 1, key="data_seed", step=1, on_change=to_free_play)
        st.checkbox("standardize x", key="data_standardize", on_change=to_free_play)
        ss = st.session_state
        data = (
            "synthetic",
            ss["data_n"],
            ss["data_noise"],
            ss["data_seed"],
            ss["data_w"],
            ss["data_b"],
            ss["data_standardize"],
        )
        upload = st.file_uploader(
            "or upload a CSV (columns x, y" + (", y in {0, 1})" if kind == "classification" else ")"),
            type=["csv"],
            key="data_csv",
        )
        accepted = csv_data(upload, kind, ss["data_standardize"])
    return accepted or data


def csv_data(upload, kind: str, standardize: bool):
    """Setup.data for an uploaded CSV: the new file if it is valid, else the last valid one (with a
    message saying what is wrong with the new one), else None (the synthetic data stays)."""
    ss = st.session_state
    if upload is not None and ss.get("_csv_file") != (upload.file_id, kind, standardize):
        ss["_csv_file"] = (upload.file_id, kind, standardize)
        content = upload.getvalue()
        try:
            dataset = parse_csv(content, kind, standardize, upload.name)
        except ValueError as err:
            ss["_csv_error"] = f"{upload.name}: {err} The previous data stays in use."
        else:
            digest = hashlib.sha1(content + bytes([standardize])).hexdigest()
            ss["_csv_data"], ss["_csv_dataset"], ss["_csv_error"] = ("csv", digest, kind), dataset, None
    if ss.get("_csv_error"):
        st.warning(ss["_csv_error"], icon="📄")
    accepted = ss.get("_csv_data")
    if accepted and accepted[2] == kind:
        dataset = ss["_csv_dataset"]
        st.caption(f"Using {dataset.source}: {dataset.n} rows.")
        return accepted[:2]
    return None


def batch_ui(n: int) -> None:
    ss = st.session_state
    sizes = sorted({v for v in BATCH_CHOICES if v < n} | {n})
    old_n = ss.get("_batch_n", n)  # "full batch" stays full batch when n changes
    chosen = [n if v == old_n else v for v in ss.get("batch_sizes", [])]
    ss["batch_sizes"] = list(dict.fromkeys(v for v in chosen if v in sizes)) or [n]
    ss["_batch_n"] = n
    st.multiselect(
        "Batch sizes to compare",
        sizes,
        key="batch_sizes",
        on_change=to_free_play,
        format_func=lambda v: f"{v} (full batch)" if v == n else "1 (SGD)" if v == 1 else f"{v} (mini-batch)",
        help="1 is SGD: one point per step, n steps per epoch. n is full batch: one smooth step per epoch.",
    )


def optimizers_ui() -> None:
    names = st.multiselect(
        "Optimizers",
        list(OPTIMIZERS),
        key="optimizers",
        format_func=OPTIMIZER_LABELS.get,
        help="Each keeps its colour in every chart.",
        on_change=to_free_play,
    )
    for name in names:
        with st.expander(f"{OPTIMIZER_LABELS[name]} settings"):
            hyper_ui(name)


def hyper_ui(name: str) -> None:
    """One optimizer's own hyperparameters (PyTorch's names and defaults) and its own lr."""
    fill_defaults(k for k in DETAIL_KEYS if k.startswith(f"{name}_"))
    if st.checkbox(
        "its own learning rate",
        key=f"{name}_own_lr",
        on_change=to_free_play,
        help="On rosenbrock the lr that suits GD cripples Adam: give each its own.",
    ):
        st.number_input(
            "learning rate", LR_MIN, LR_MAX, format="%g", key=f"{name}_lr", on_change=to_free_play
        )
    for param, default in hyperparameters(OPTIMIZERS[name]).items():
        if param == "betas":
            number_widget(f"{name}_beta1", "beta1")
            number_widget(f"{name}_beta2", "beta2")
        elif param == "clip_norm":
            if st.checkbox("clip the gradient norm", key=f"{name}_clip", on_change=to_free_play):
                number_widget(f"{name}_clip_norm", "clip_norm")
        elif isinstance(default, bool):
            st.checkbox(param, key=f"{name}_{param}", on_change=to_free_play)
        elif param in HYPER_WIDGETS:
            number_widget(f"{name}_{param}", param)


def number_widget(key: str, param: str) -> None:
    text, lo, hi, step, form = (HYPER_WIDGETS | SCHEDULE_WIDGETS)[param]
    if FIELDS[key].kind == "int":
        st.number_input(text, int(lo), int(hi), step=int(step or 1), key=key, on_change=to_free_play)
    else:
        st.number_input(text, float(lo), float(hi), step=step, format=form, key=key, on_change=to_free_play)


def set_lr(value: float) -> None:
    st.session_state["lr"] = value
    to_free_play()


def lr_ui() -> None:
    st.number_input(
        "Learning rate",
        LR_MIN,
        LR_MAX,
        format="%g",
        key="lr",
        step=0.01,
        on_change=to_free_play,
        help="The seed's values are one click away below.",
    )
    cols = st.columns(3)
    for i, value in enumerate(LR_PRESETS):
        cols[i % 3].button(
            format_lr(value),
            key=f"lr_preset_{format_lr(value)}",
            on_click=set_lr,
            args=(value,),
            width="stretch",
            help=f"set the learning rate to {format_lr(value)}",
        )
    ss = st.session_state
    ss["lrs"] = [v for v in ss.get("lrs", []) if v in EXTRA_LRS]
    st.multiselect(
        "Compare with learning rates",
        EXTRA_LRS,
        key="lrs",
        format_func=format_lr,
        on_change=to_free_play,
        help="Every optimizer also runs at these rates, side by side (try 0.4, 0.001 and 10).",
    )


def schedule_ui() -> None:
    name = st.selectbox(
        "Learning-rate schedule",
        list(SCHEDULES),
        key="schedule",
        on_change=on_schedule_change,
        format_func=lambda n: n.replace("_", " "),
    )
    fill_defaults(f"schedule_{p}" for p in hyperparameters(SCHEDULES[name]) if p in SCHEDULE_WIDGETS)
    for param in hyperparameters(SCHEDULES[name]):
        if param in SCHEDULE_WIDGETS:
            number_widget(f"schedule_{param}", param)


def on_schedule_change() -> None:
    """A new schedule starts from its own defaults (step's gamma is 0.1, exponential's 0.99)."""
    ss = st.session_state
    for param in hyperparameters(SCHEDULES[ss["schedule"]]):
        if param in SCHEDULE_WIDGETS:
            ss[f"schedule_{param}"] = schedule_default(param, ss["schedule"])
    to_free_play()


def run_ui() -> None:
    st.number_input("Steps", 1, 10_000, key="steps", step=10, on_change=to_free_play)
    st.select_slider(
        "Stop when |gradient| ≤ tol",
        TOLERANCES,
        key="tol",
        on_change=to_free_play,
        format_func=lambda v: "0 (the seed's loop)" if v == 0 else f"{v:.0e}",
    )
    st.number_input(
        "Gradient noise σ",
        0.0,
        1000.0,
        key="noise",
        step=0.1,
        format="%g",
        on_change=to_free_play,
        help="Adds N(0, σ²) to every gradient component: the stochastic view of SGD.",
    )
    st.number_input("Random seed", 0, 2**31 - 1, key="seed", step=1, on_change=to_free_play)


def start_ui(s) -> None:
    names = [("x0", "start w₀")] if s.dim == 1 else [("x0", "start x₀"), ("y0", "start y₀")]
    cols = st.columns(s.dim)
    for col, (key, text), (lo, hi) in zip(cols, names, s.bounds, strict=True):
        col.number_input(
            text,
            -1e9,
            1e9,
            key=key,
            format="%g",
            step=0.1,
            help=f"the view: {lo:g} … {hi:g}",
            on_change=to_free_play,
        )
    if st.checkbox(
        "a second start",
        key="start2",
        on_change=to_free_play,
        help="Every optimizer also runs from here: which minimum does each start reach?",
    ):
        second = [("x1", "second w")] if s.dim == 1 else [("x1", "second x"), ("y1", "second y")]
        cols = st.columns(s.dim)
        for col, (key, text) in zip(cols, second, strict=True):
            col.number_input(text, -1e9, 1e9, key=key, format="%g", step=0.1, on_change=to_free_play)
    if s.dim == 2:
        st.caption("Or click on the map to start there.")


# ---------------------------------------------------------------------------------- compute
@st.cache_resource(max_entries=64, show_spinner=False)
def custom_cached(formula: str, bounds: tuple):
    """A typed formula as a Surface (ValueError with the learner's message otherwise)."""
    return custom_surface(formula, bounds)


def custom_or_none(formula, bounds):
    try:
        return custom_cached(formula, bounds)
    except ValueError:
        return None


@st.cache_resource(max_entries=64, show_spinner=False)
def surface_for(name: str, data: tuple, _uploaded=None):
    """The surface a setup names: from the registry, a data loss over the chosen data, or a custom
    formula (an uploaded Dataset is keyed by the digest of its file, in `data`)."""
    if not data:
        return get_surface(name)
    if data[0] == "custom":
        return custom_cached(data[1], tuple(data[2]) + ((-3.0, 3.0),) * (2 - len(data[2])))
    if data[0] == "csv":
        return data_surface(name, _uploaded)
    _, n, noise, seed, w, b, standardize = data
    return data_surface(
        name, synthetic(KINDS[name], n=n, w=w, b=b, noise=noise, seed=seed, standardize=standardize)
    )


def surface_of(setup: Setup):
    uploaded = st.session_state.get("_csv_dataset") if setup.data[:1] == ("csv",) else None
    return surface_for(setup.surface, setup.data, uploaded)


@st.cache_data(max_entries=256, show_spinner=False, hash_funcs=SETUP_HASH)
def compute(setup: Setup):
    """The runs of a setup (cached: a rerun with the same inputs never recomputes)."""
    return simulate(setup, surface_of(setup))


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def figure_json(setup: Setup, view: str) -> dict:
    """The main chart's Plotly JSON (cached as is: it is never modified after it is built)."""
    return main_figure(surface_of(setup), compute(setup), view)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def history_json(setup: Setup, epochs: bool = False) -> dict:
    return history_figure(compute(setup), surface_of(setup).f_min, epochs=epochs)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def sweep_json(setup: Setup) -> dict:
    s, name = surface_of(setup), setup.optimizers[0]
    hyper = dict(setup.hyper_for(name))
    hyper.pop("lr", None)
    sweep = lr_sweep(s, name, setup.x0, lr_grid(), setup.steps, setup.tol, **hyper)
    plain_gd = (
        name == "gd"
        and not hyper.get("momentum")
        and not hyper.get("weight_decay")
        and "clip_norm" not in hyper
    )
    limit = gd_limit(s) if plain_gd else None
    return sweep_figure(sweep, OPTIMIZER_LABELS[name], limit, s.f_min)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=SETUP_HASH)
def compare_json(setup: Setup) -> dict:
    s = surface_of(setup)
    hypers = {n: setup.hyper_for(n) for n in setup.optimizers}
    result = compare(s, setup.optimizers, setup.x0, lr_grid(n=50), setup.steps, hypers)
    return compare_figure(result, SHORT_LABELS, s.f_min)


def problems(s, setup: Setup) -> list[str]:
    """Input the engine would refuse, said plainly (the page shows it and keeps working)."""
    out = []
    if not setup.optimizers:
        out.append("Pick at least one optimizer in the sidebar to see it descend.")
    if not (1 <= setup.steps <= 10_000):
        out.append("Steps must be between 1 and 10,000.")
    for start in (setup.x0, *setup.starts):
        p = np.array(start)
        if not np.isfinite(p).all() or (np.abs(p - s.center) > START_RANGE * s.size).any():
            lo, hi = s.center - START_RANGE * s.size, s.center + START_RANGE * s.size
            out.append(
                f"The start {tuple(round(v, 6) for v in start)} is too far from the view: keep each "
                f"coordinate between {lo.min():g} and {hi.max():g}."
            )
    return out


# ---------------------------------------------------------------------------------- page
def header(s) -> None:
    left, right = st.columns([1, 1], vertical_alignment="center")
    with left:
        st.latex(s.latex)
    with right:
        st.markdown(f"**{s.title}** · {s.dim}-D  \n{s.description}")


def lesson_panel() -> None:
    lesson = BY_SLUG.get(st.session_state.get("lesson", "free"))
    if lesson is None:
        return
    with st.container(border=True):
        st.markdown(f"**{lesson.title}** · **Look:** {lesson.look}  \n**Ask the class:** {lesson.ask}")
        with st.expander("Why it happens"):
            st.markdown(lesson.why)
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        c1.radio(
            f"Predict first: {lesson.question}",
            lesson.choices,
            key="lesson_guess",
            index=None,
            horizontal=True,
        )
        if c2.button("Reveal", key="lesson_reveal", width="stretch"):
            st.session_state["_revealed"] = lesson.slug
        if st.session_state.get("_revealed") == lesson.slug:
            guess = st.session_state.get("lesson_guess")
            verdict = (
                ""
                if guess is None
                else ("Right! " if guess == lesson.choices[lesson.answer] else "Not quite. ")
            )
            st.success(f"{verdict}**{lesson.choices[lesson.answer]}.** {lesson.explanation}", icon="💡")


def divergence_notes(s, runs) -> None:
    for run in runs:
        if run.diverged_at < 0:
            continue
        lam = float(sharpness(s, run.path[0]))
        why = (
            f" At the start lr × λmax = {format_lr(run.lr)} × {lam:.3g} = {run.lr * lam:.3g}, above gradient "
            "descent's limit 2: every step overshoots the minimum by more than the last."
            if run.lr * lam > 2
            else ""
        )
        st.warning(
            f"**{label(run, runs)} diverged at step {run.diverged_at}**: the next point ran off beyond any "
            f"sensible range, so the run stopped there (its last point is kept).{why} Try a smaller learning "
            f"rate, or a schedule that lowers it.",
            icon="🎢",
        )


def stability_ui(s, setup: Setup, runs) -> None:
    lam = float(sharpness(s, np.array(setup.x0)))
    entries, seen = [], set()
    for run in runs:
        if run.lr not in seen and run.start == 0:
            seen.add(run.lr)
            entries.append((label(run, runs), run.lr, lam, color_of(run.optimizer)))
    verdicts = ", ".join(f"lr {format_lr(lr)} → **{regime(lr * lam)}**" for _, lr, _, _ in entries)
    text, strip = st.columns([2, 3], vertical_alignment="center")
    text.markdown(
        f"**Stable near the start?** The sharpest curvature there is λmax = {lam:.4g}; on a quadratic "
        f"curved like that, plain gradient descent is stable while lr × λmax < 2. {verdicts}."
    )
    if lam > 0 and entries:
        with strip:
            st.plotly_chart(PreparedFigure(stability_figure(entries)), key="stability", config=CONFIG)


def main_view(s, setup: Setup, runs) -> None:
    views = VIEWS_BY_DIM[s.dim]
    if st.session_state.get("view") not in views:
        st.session_state["view"] = views[0]
    view = st.radio(
        "View",
        views,
        key="view",
        horizontal=True,
        format_func=VIEWS.get,
        label_visibility="collapsed",
        on_change=to_free_play,
    )
    if view == "sweep":
        st.plotly_chart(
            PreparedFigure(sweep_json(setup)),
            key="sweep_chart",
            on_select="rerun",
            selection_mode="points",
            config=CONFIG,
        )
        st.caption(
            f"{OPTIMIZER_LABELS[setup.optimizers[0]]} from the same start at 200 learning rates, "
            f"{setup.steps} steps each, in one vectorized run. Click a point to use that learning rate."
        )
        return
    if view == "compare":
        st.plotly_chart(PreparedFigure(compare_json(setup)), key="compare_chart", config=CONFIG)
        st.caption(
            f"Every selected optimizer at 50 learning rates, same start, {setup.steps} steps: darker is a "
            "lower final loss, the darkest cells diverged; ★ marks each optimizer's best learning rate."
        )
        return
    fig = PreparedFigure(figure_json(setup, view))
    if view == "contour":
        st.plotly_chart(fig, key="chart", on_select="rerun", selection_mode="points", config=CONFIG)
        mini = any(r.batch_size for r in runs)
        st.caption(
            "Coloured arrow: the step each optimizer took. Grey arrow: −lr·∇L, the step plain gradient "
            "descent would take from the same point (tiny steps are drawn enlarged, both arrows alike)"
            + (
                "; for a mini-batch run the grey arrow uses the batch's gradient and the black one the full "
                "data's: their difference is why SGD wobbles"
                if mini
                else ""
            )
            + ". Click the map to start there. Press ▶ Play, or drag the slider."
        )
    else:
        st.plotly_chart(fig, key="chart", config=CONFIG)
        st.caption(
            "Dotted line: the tangent at the current point (the first-order Taylor view); arrow: the step "
            "along it. Press ▶ Play, or drag the slider."
            if s.dim == 1
            else "Drag to turn the surface. Press ▶ Play to move the markers."
        )


def summary_ui(s, runs) -> None:
    rows = []
    for run in runs:
        k = run.steps_taken
        end = run.path[k]
        dist = float(np.min(np.linalg.norm(s.minima - end, axis=-1))) if len(s.minima) else float("nan")
        status = {
            "converged": f"converged at step {run.converged_at}",
            "diverged": f"diverged at step {run.diverged_at}",
            "moving": "still moving",
        }[run.status]
        rows.append(
            {
                "run": label(run, runs),
                "status": status,
                "final point": ", ".join(fmt(v) for v in end),
                "final loss": float(run.losses[k]),
                "steps taken": k,
                "distance to nearest minimum": dist,
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.6g"),
            "distance to nearest minimum": st.column_config.NumberColumn(format="%.3g"),
        },
    )


def steps_ui(s, runs) -> None:
    with st.expander("Step by step: check the first steps by hand", expanded=s.dim == 1):
        run = runs[0]
        if len(runs) > 1:
            names = [label(r, runs) for r in runs]
            run = runs[names.index(st.selectbox("run", names, key="table_run"))]
        st.caption(
            "w_{k+1} = w_k − lr · L'(w_k). lr·λmax is the stability number: GD needs it below 2."
            if s.dim == 1
            else "The step is what the optimizer actually did; for GD it is −lr·∇L."
        )
        columns = ("w_k", "x_k", "y_k", "L", "L'(w_k)", "|∇L|", "lr", "step Δw", "|step|", "lr·λmax")
        st.dataframe(
            step_rows(s, run),
            hide_index=True,
            width="stretch",
            column_config={k: st.column_config.NumberColumn(format="%.6g") for k in columns},
        )


def export_ui(s, setup: Setup, runs) -> None:
    """Downloads, built only when pressed (the data is a callable), and the share link."""
    c1, c2 = st.columns(2)
    title = (
        BY_SLUG[st.session_state["lesson"]].title if st.session_state.get("lesson") in BY_SLUG else s.title
    )
    c1.download_button(
        "⬇ Animation (offline HTML)",
        key="download_html",
        file_name="descent.html",
        mime="text/html",
        data=lambda: html_page(
            main_figure(s, runs, st.session_state.get("view", "")), title, [s.description]
        ),
        width="stretch",
    )
    c2.download_button(
        "⬇ Trajectories (CSV)",
        key="download_csv",
        file_name="trajectories.csv",
        mime="text/csv",
        data=lambda: trajectories_csv(runs, s.dim),
        width="stretch",
    )
    st.caption(
        "The address bar holds every setting: copy it to share this exact picture. Add &embed=true for a "
        "clean page to embed in course material."
    )


def page() -> None:
    init_state()
    apply_clicks()
    ss = st.session_state
    with st.sidebar:
        st.markdown("### Set up the descent")
        lesson_ui()
        name = surface_ui()
        data, n_rows = (), None
        if name == "custom":
            s, data = custom_ui()
            if s is None:
                return
        else:
            s = get_surface(name)
            if name in KINDS:
                data = data_ui(name)
        if name in KINDS:
            s = surface_for(name, data, ss.get("_csv_dataset") if data[:1] == ("csv",) else None)
            n_rows = s.n_rows
            batch_ui(n_rows)
        optimizers_ui()
        lr_ui()
        schedule_ui()
        run_ui()
        start_ui(s)

    if ss.get("_link_problems"):
        st.info(
            "Some settings in the link could not be used and were reset to their defaults: "
            + "; ".join(ss["_link_problems"][:6])
            + ".",
            icon="🔗",
        )
        ss["_link_problems"] = []
    setup = setup_from(current_state(), data, n_rows, s.dim)
    header(s)
    lesson_panel()
    issues = problems(s, setup)
    for text in issues:
        st.info(text, icon="👉")
    sync_url()
    if issues:
        return
    try:
        runs = compute(setup)
    except ValueError as err:  # a hyperparameter the engine refuses: say which and why
        st.info(f"That setting cannot run: {err}", icon="👉")
        return
    divergence_notes(s, runs)
    main_view(s, setup, runs)
    stability_ui(s, setup, runs)
    st.markdown("#### Loss and learning rate, step by step")
    epochs = (
        name in KINDS
        and st.radio("x axis", ["step", "epoch"], key="history_x", horizontal=True, on_change=to_free_play)
        == "epoch"
    )
    st.plotly_chart(PreparedFigure(history_json(setup, epochs)), key="history", config=CONFIG)
    summary_ui(s, runs)
    steps_ui(s, runs)
    export_ui(s, setup, runs)


def main() -> None:
    st.set_page_config(page_title="Gradient descent, visualized", page_icon="⛰️", layout="wide")
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    try:
        page()
    except Exception as err:  # a last resort: a bug must not put a traceback in front of a class
        logging.getLogger(__name__).exception("the page failed")
        st.warning(f"{FAILED} ({type(err).__name__}: {err}). Change a setting or reload the page.", icon="🛠️")


if __name__ == "__main__":
    main()
