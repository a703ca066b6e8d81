"""Gradient descent, visualized: the Streamlit UI.

Widgets -> a plain Setup -> cached compute (optimizers.experiment) -> Plotly JSON (viz) -> page.
No math and no figure code here; every widget has a stable key (tests and share links use them).
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import streamlit as st

from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from optimizers.experiment import Setup, simulate
from optimizers.stability import regime, sharpness
from surfaces import SURFACES, data_surface, get_surface, synthetic
from surfaces.data import KINDS, parse_csv
from viz.contour import contour_figure
from viz.curve import curve_figure
from viz.figure import PreparedFigure
from viz.history import history_figure
from viz.runs import fmt, label
from viz.stability import stability_figure
from viz.style import OPTIMIZER_LABELS, color_of, format_lr
from viz.surface3d import surface_figure
from viz.tables import step_rows

DEFAULT_OPTIMIZERS = {1: ["gd"], 2: ["gd", "momentum", "adam"]}
DEFAULT_STEPS = {1: 100, 2: 300}
GOOD_LR = {  # a first learning rate that shows each surface at its most instructive
    "quadratic": 0.1,
    "double_well": 0.05,
    "wavy": 0.05,
    "bowl": 0.1,
    "ravine": 0.035,
    "rosenbrock": 0.001,
    "himmelblau": 0.005,
    "saddle": 0.05,
    "rastrigin": 0.002,
    "beale": 0.001,
    "six_hump_camel": 0.01,
    "linreg_slope": 0.05,
    "linreg": 0.05,
    "logreg": 0.5,
}
LR_PRESETS = [0.001, 0.01, 0.1, 0.4, 1.0, 10.0]
EXTRA_LRS = [
    1e-4,
    3e-4,
    0.001,
    0.003,
    0.01,
    0.03,
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.9,
    1.0,
    1.05,
    2.0,
    3.0,
    10.0,
]
TOLERANCES = [0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2]
LR_MIN, LR_MAX = 1e-6, 100.0
START_RANGE = 10.0  # a start may lie up to this many view sizes from the view's centre
VIEWS = {1: {"curve": "Loss curve"}, 2: {"contour": "Contour map", "3d": "3-D surface"}}

# Hyperparameter widgets: name -> (label, min, max, step, format). Defaults come from the
# optimizer factories themselves (PyTorch's), so they cannot drift apart.
HYPER_WIDGETS = {
    "momentum": ("momentum μ", 0.0, 0.999, 0.05, "%.3f"),
    "dampening": ("dampening", 0.0, 1.0, 0.05, "%.2f"),
    "weight_decay": ("weight decay λ", 0.0, 10.0, 0.01, "%g"),
    "lr_decay": ("lr decay", 0.0, 10.0, 0.01, "%g"),
    "initial_accumulator_value": ("initial accumulator", 0.0, 100.0, 0.1, "%g"),
    "eps": ("ε", 1e-12, 1.0, None, "%.0e"),
    "alpha": ("α (smoothing)", 0.0, 1.0, 0.01, "%.3f"),
    "beta1": ("β₁", 0.0, 0.9999, 0.01, "%.4f"),
    "beta2": ("β₂", 0.0, 0.9999, 0.001, "%.4f"),
    "min_curvature": ("min curvature", 1e-12, 1e6, None, "%.0e"),
    "c1": ("Armijo c₁", 1e-8, 0.99, None, "%.0e"),
    "shrink": ("backtracking factor", 0.01, 0.99, 0.05, "%.2f"),
    "max_backtracks": ("max halvings", 0, 200, 1, "%d"),
}
SCHEDULE_WIDGETS = {
    "step_size": ("step size", 1, 100_000, 1, "%d"),
    "gamma": ("γ", 1e-6, 1.0, 0.01, "%.4f"),
    "T_max": ("T_max", 1, 100_000, 10, "%d"),
    "eta_min": ("η_min", 0.0, 100.0, 0.001, "%g"),
    "decay": ("decay", 0.0, 100.0, 0.001, "%g"),
    "factor": ("factor", 1e-6, 0.999, 0.05, "%.3f"),
    "patience": ("patience", 0, 100_000, 1, "%d"),
    "threshold": ("threshold", 0.0, 1.0, None, "%.0e"),
    "cooldown": ("cooldown", 0, 100_000, 1, "%d"),
    "min_lr": ("min lr", 0.0, 100.0, None, "%g"),
}


# ---------------------------------------------------------------------------------- state
def surface_defaults(name: str) -> dict:
    """The widget values a surface starts with (also what a change of surface resets to)."""
    s = get_surface(name)
    values = {
        "x0": float(s.start[0]),
        "optimizers": list(DEFAULT_OPTIMIZERS[s.dim]),
        "steps": DEFAULT_STEPS[s.dim],
        "lr": GOOD_LR.get(name, 0.01),
        "lrs": [],
        "view": next(iter(VIEWS[s.dim])),
    }
    if s.dim == 2:
        values["y0"] = float(s.start[1])
    if name in KINDS:  # a data loss opens on the seeds' comparison: SGD against full batch, one optimizer
        values.update(optimizers=["gd"], batch_sizes=[1, int(st.session_state.get("data_n", 50))])
    return values


def init_state() -> None:
    ss = st.session_state
    if "surface" not in ss or ss["surface"] not in SURFACES:
        ss["surface"] = "quadratic"
    for key, value in surface_defaults(ss["surface"]).items():
        ss.setdefault(key, value)
    ss.setdefault("y0", 0.0)
    defaults = {
        "schedule": "constant",
        "tol": 1e-8,
        "noise": 0.0,
        "seed": 0,
        "data_n": 50,
        "data_noise": 1.0,
        "data_w": 2.0,
        "data_b": 1.0,
        "data_seed": 0,
        "data_standardize": False,
        "history_x": "step",
    }
    for key, value in defaults.items():
        ss.setdefault(key, value)


def on_surface_change() -> None:
    """A new surface: its own start, the defaults of its dimension, a fresh view."""
    st.session_state.update(surface_defaults(st.session_state["surface"]))


def apply_clicked_start() -> None:
    """A click on the contour selects a point of its invisible grid: make it the new start."""
    selection = (st.session_state.get("chart") or {}).get("selection") or {}
    points = selection.get("points") or []
    if not points or get_surface(st.session_state["surface"]).dim != 2:
        return
    p = points[0]
    if "x" in p and "y" in p and isinstance(p["x"], (int, float)) and isinstance(p["y"], (int, float)):
        where = (float(p["x"]), float(p["y"]))
        if st.session_state.get("_clicked") != where:
            st.session_state["_clicked"] = where
            st.session_state["x0"], st.session_state["y0"] = where


# ---------------------------------------------------------------------------------- sidebar
def surface_ui():
    def describe(name):
        s = SURFACES[name]
        return f"{s.dim}-D · {s.title}"

    name = st.selectbox(
        "Loss surface", list(SURFACES), key="surface", format_func=describe, on_change=on_surface_change
    )
    return get_surface(name)


def optimizers_ui(dim: int) -> tuple[list[str], tuple]:
    names = st.multiselect(
        "Optimizers",
        list(OPTIMIZERS),
        key="optimizers",
        format_func=OPTIMIZER_LABELS.get,
        help="Each keeps its colour in every chart.",
    )
    hyper = []
    for name in names:
        with st.expander(f"{OPTIMIZER_LABELS[name]} settings"):
            hyper.append((name, tuple(hyper_ui(name).items())))
    return names, tuple(hyper)


def hyper_ui(name: str) -> dict:
    """One optimizer's own hyperparameters (PyTorch's names and defaults) and its own lr."""
    values = {}
    if st.checkbox(
        "its own learning rate",
        key=f"{name}_own_lr",
        value=False,
        help="On rosenbrock the lr that suits GD cripples Adam: give each its own.",
    ):
        values["lr"] = st.number_input(
            "learning rate",
            LR_MIN,
            LR_MAX,
            value=float(st.session_state["lr"]),
            format="%g",
            key=f"{name}_lr",
        )
    for param, default in hyperparameters(OPTIMIZERS[name]).items():
        key = f"{name}_{param}"
        if param == "betas":
            b1 = number_widget(f"{name}_beta1", "beta1", default[0])
            b2 = number_widget(f"{name}_beta2", "beta2", default[1])
            values["betas"] = (b1, b2)
        elif param == "clip_norm":
            if st.checkbox("clip the gradient norm", key=f"{name}_clip", value=False):
                values["clip_norm"] = st.number_input(
                    "max gradient norm", 1e-6, 1e6, value=1.0, format="%g", key=key
                )
        elif isinstance(default, bool):
            values[param] = st.checkbox(param, value=default, key=key)
        elif param in HYPER_WIDGETS:
            values[param] = number_widget(key, param, default)
    return values


def number_widget(key: str, param: str, default):
    label_, lo, hi, step, fmt_ = (HYPER_WIDGETS | SCHEDULE_WIDGETS)[param]
    if isinstance(default, int) and not isinstance(default, bool):
        return int(
            st.number_input(label_, int(lo), int(hi), value=int(default), step=int(step or 1), key=key)
        )
    return float(
        st.number_input(label_, float(lo), float(hi), value=float(default), step=step, format=fmt_, key=key)
    )


BATCH_CHOICES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]


def data_ui(name: str) -> tuple[tuple, tuple]:
    """The data a data loss is built from (seeded synthetic points, or an uploaded CSV) and the
    batch sizes to compare. Returns (Setup.data, Setup.batch_sizes)."""
    kind = KINDS[name]
    with st.expander("Data", expanded=True):
        c1, c2 = st.columns(2)
        n = int(c1.number_input("points n", 2, 10_000, key="data_n", step=10))
        noise = float(c2.number_input("noise", 0.0, 100.0, key="data_noise", step=0.1, format="%g"))
        c1, c2, c3 = st.columns(3)
        w = float(c1.number_input("true w", -100.0, 100.0, key="data_w", step=0.5, format="%g"))
        b = float(c2.number_input("true b", -100.0, 100.0, key="data_b", step=0.5, format="%g"))
        seed = int(c3.number_input("data seed", 0, 2**31 - 1, key="data_seed", step=1))
        standardize = st.checkbox("standardize x", key="data_standardize")
        data = ("synthetic", n, noise, seed, w, b, standardize)
        upload = st.file_uploader(
            "or upload a CSV (columns x, y" + (", y in {0, 1})" if kind == "classification" else ")"),
            type=["csv"],
            key="data_csv",
        )
        accepted = csv_data(upload, kind, standardize)
        if accepted:
            data = accepted
            n = st.session_state["_csv_dataset"].n
    sizes = sorted({v for v in BATCH_CHOICES if v < n} | {n})
    old_n = st.session_state.get("_batch_n", n)  # "full batch" stays full batch when n changes
    chosen = [n if v == old_n else v for v in st.session_state.get("batch_sizes", [])]
    st.session_state["batch_sizes"] = list(dict.fromkeys(v for v in chosen if v in sizes)) or [n]
    st.session_state["_batch_n"] = n
    picked = st.multiselect(
        "Batch sizes to compare",
        sizes,
        key="batch_sizes",
        format_func=lambda v: f"{v} (full batch)" if v == n else "1 (SGD)" if v == 1 else f"{v} (mini-batch)",
        help="1 is SGD: one point per step, n steps per epoch. n is full batch: one smooth step per epoch.",
    )
    return data, tuple(None if v == n else int(v) for v in picked) or (None,)


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


def set_lr(value: float) -> None:
    st.session_state["lr"] = value


def lr_ui() -> tuple[float, list[float]]:
    lr = st.number_input(
        "Learning rate",
        LR_MIN,
        LR_MAX,
        format="%g",
        key="lr",
        step=0.01,
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
    lrs = st.multiselect(
        "Compare with learning rates",
        EXTRA_LRS,
        key="lrs",
        format_func=format_lr,
        help="Every optimizer also runs at these rates, side by side (try 0.4, 0.001 and 10).",
    )
    return float(lr), [float(v) for v in lrs]


def schedule_ui() -> tuple[str, tuple]:
    name = st.selectbox(
        "Learning-rate schedule", list(SCHEDULES), key="schedule", format_func=lambda n: n.replace("_", " ")
    )
    params = {}
    for param, default in hyperparameters(SCHEDULES[name]).items():
        if param in SCHEDULE_WIDGETS:
            params[param] = number_widget(f"schedule_{param}", param, default)
    return name, tuple(params.items())


def run_ui() -> tuple[int, float, float, int]:
    steps = st.number_input("Steps", 1, 10_000, key="steps", step=10)
    tol = st.select_slider(
        "Stop when |gradient| ≤ tol",
        TOLERANCES,
        key="tol",
        format_func=lambda v: "0 (the seed's loop)" if v == 0 else f"{v:.0e}",
    )
    noise = st.number_input(
        "Gradient noise σ",
        0.0,
        1000.0,
        key="noise",
        step=0.1,
        format="%g",
        help="Adds N(0, σ²) to every gradient component: the stochastic view of SGD.",
    )
    seed = st.number_input("Random seed", 0, 2**31 - 1, key="seed", step=1)
    return int(steps), float(tol), float(noise), int(seed)


def start_ui(s) -> tuple[float, ...]:
    names = ["x0"] if s.dim == 1 else ["x0", "y0"]
    labels = ["start w₀"] if s.dim == 1 else ["start x₀", "start y₀"]
    cols = st.columns(s.dim)
    values = []
    for col, key, text, (lo, hi) in zip(cols, names, labels, s.bounds):
        values.append(
            col.number_input(
                text, -1e9, 1e9, key=key, format="%g", step=0.1, help=f"the view: {lo:g} … {hi:g}"
            )
        )
    if s.dim == 2:
        st.caption("Or click on the map to start there.")
    return tuple(float(v) for v in values)


# ---------------------------------------------------------------------------------- compute
SETUP_HASH = {Setup: repr}  # a Setup is plain tuples and numbers: its repr identifies it, fast


@st.cache_data(max_entries=256, show_spinner=False, hash_funcs=SETUP_HASH)
def compute(setup: Setup):
    """The runs of a setup (cached: a rerun with the same inputs never recomputes)."""
    return simulate(setup, surface_of(setup))


@st.cache_resource(max_entries=64, show_spinner=False)
def surface_for(name: str, data: tuple, _uploaded=None):
    """The surface a setup names: from the registry, or a data loss over the chosen data (an
    uploaded Dataset is keyed by the digest of its file, in `data`)."""
    if not data:
        return get_surface(name)
    if data[0] == "csv":
        return data_surface(name, _uploaded)
    _, n, noise, seed, w, b, standardize = data
    return data_surface(
        name, synthetic(KINDS[name], n=n, w=w, b=b, noise=noise, seed=seed, standardize=standardize)
    )


def surface_of(setup: Setup):
    uploaded = st.session_state.get("_csv_dataset") if setup.data[:1] == ("csv",) else None
    return surface_for(setup.surface, setup.data, uploaded)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def figure_json(setup: Setup, view: str) -> dict:
    """The main chart's Plotly JSON (cached as is: it is never modified after it is built)."""
    s = surface_of(setup)
    runs = compute(setup)
    if s.dim == 1:
        return curve_figure(s, runs)
    return surface_figure(s, runs) if view == "3d" else contour_figure(s, runs)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=SETUP_HASH)
def history_json(setup: Setup, epochs: bool = False) -> dict:
    return history_figure(compute(setup), surface_of(setup).f_min, epochs=epochs)


def problems(s, setup: Setup) -> list[str]:
    """Input the engine would refuse, said plainly (the page shows it and keeps working)."""
    out = []
    if not setup.optimizers:
        out.append("Pick at least one optimizer in the sidebar to see it descend.")
    if not (1 <= setup.steps <= 10_000):
        out.append("Steps must be between 1 and 10,000.")
    start = np.array(setup.x0)
    if not np.isfinite(start).all() or (np.abs(start - s.center) > START_RANGE * s.size).any():
        lo, hi = s.center - START_RANGE * s.size, s.center + START_RANGE * s.size
        out.append(
            f"The start {tuple(round(v, 6) for v in setup.x0)} is too far from the view: keep each "
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


def divergence_notes(s, runs) -> None:
    for run in runs:
        if run.diverged_at < 0:
            continue
        lam = float(sharpness(s, run.path[0]))
        why = (
            f" At the start lr × λmax = {format_lr(run.lr)} × {lam:.3g} = {run.lr * lam:.3g}, above gradient "
            f"descent's limit 2: every step overshoots the minimum by more than the last."
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
        f"**Stable?** The sharpest curvature at the start is λmax = {lam:.4g}; plain gradient "
        f"descent is stable while lr × λmax < 2. {verdicts}."
    )
    if lam > 0 and entries:
        with strip:
            st.plotly_chart(
                PreparedFigure(stability_figure(entries)), key="stability", config={"displayModeBar": False}
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
        st.dataframe(
            step_rows(s, run),
            hide_index=True,
            width="stretch",
            column_config={
                k: st.column_config.NumberColumn(format="%.6g")
                for k in ("w_k", "x_k", "y_k", "L", "L'(w_k)", "|∇L|", "lr", "step Δw", "|step|", "lr·λmax")
            },
        )


PAGE_CSS = "<style>.block-container {padding-top: 2.2rem; padding-bottom: 2rem;}</style>"


def main() -> None:
    st.set_page_config(page_title="Gradient descent, visualized", page_icon="⛰️", layout="wide")
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    try:
        page()
    except Exception as err:  # a last resort: a bug must not put a traceback in front of a class
        logging.getLogger(__name__).exception("the page failed")
        st.warning(f"{FAILED} ({type(err).__name__}: {err}). Change a setting or reload the page.", icon="🛠️")


FAILED = "Sorry, this view could not be drawn"


def page() -> None:
    init_state()
    apply_clicked_start()
    with st.sidebar:
        st.markdown("### Set up the descent")
        s = surface_ui()
        data, batch_sizes = data_ui(s.name) if s.name in KINDS else ((), ())
        names, hyper = optimizers_ui(s.dim)
        lr, lrs = lr_ui()
        schedule, schedule_params = schedule_ui()
        steps, tol, noise, seed = run_ui()
        x0 = start_ui(s)

    setup = Setup(
        surface=s.name,
        optimizers=tuple(names),
        lr=lr,
        x0=x0,
        steps=steps,
        lrs=tuple(lrs),
        hyper=hyper,
        schedule=schedule,
        schedule_params=schedule_params,
        tol=tol,
        noise=noise,
        seed=seed,
        data=data,
        batch_sizes=batch_sizes,
    )
    s = surface_of(setup)
    header(s)
    issues = problems(s, setup)
    for text in issues:
        st.info(text, icon="👉")
    if issues:
        return
    try:
        runs = compute(setup)
    except ValueError as err:  # a hyperparameter the engine refuses: say which and why
        st.info(f"That setting cannot run: {err}", icon="👉")
        return

    divergence_notes(s, runs)
    stability_ui(s, setup, runs)
    view = (
        st.radio(
            "View",
            list(VIEWS[s.dim]),
            key="view",
            horizontal=True,
            format_func=VIEWS[s.dim].get,
            label_visibility="collapsed",
        )
        if s.dim == 2
        else "curve"
    )
    fig = PreparedFigure(figure_json(setup, view))
    if s.dim == 2 and view == "contour":
        st.plotly_chart(
            fig, key="chart", on_select="rerun", selection_mode="points", config={"displayModeBar": False}
        )
        st.caption(
            "Coloured arrow: the step each optimizer took. Grey arrow: −lr·∇L, the step plain gradient descent "
            "would take from the same point (tiny steps are drawn enlarged, both arrows alike)"
            + (
                "; for a mini-batch run the grey arrow uses the batch's gradient and the black one the full "
                "data's: their difference is why SGD wobbles"
                if any(r.batch_size for r in runs)
                else ""
            )
            + ". Click the map to start there. Press ▶ Play, or drag the slider."
        )
    else:
        st.plotly_chart(fig, key="chart", config={"displayModeBar": False})
        st.caption(
            "Dotted line: the tangent at the current point (the first-order Taylor view); arrow: the step "
            "along it. Press ▶ Play, or drag the slider."
            if s.dim == 1
            else "Drag to turn the surface. Press ▶ Play to move the markers."
        )
    st.markdown("#### Loss and learning rate, step by step")
    epochs = False
    if s.name in KINDS:
        epochs = st.radio("x axis", ["step", "epoch"], key="history_x", horizontal=True) == "epoch"
    st.plotly_chart(
        PreparedFigure(history_json(setup, epochs)), key="history", config={"displayModeBar": False}
    )
    summary_ui(s, runs)
    steps_ui(s, runs)


if __name__ == "__main__":
    main()
