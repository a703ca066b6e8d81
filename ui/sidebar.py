"""The sidebar: one widget per control of the state, each drawn with session.bind (it shows the
state's value; a change comes back through the next rerun's transition). Labels and help come from
the text catalog."""

from __future__ import annotations

import streamlit as st

from model.fields import (
    EXTRA_LRS,
    SCHEDULE_WIDGETS,
    SURFACE_NAMES,
    TOLERANCES,
    controls,
)
from model.spec import UPLOADS, DataSpec
from model.state import MANY, NETWORK, SOFTMAX, dim_of, start_at
from model.text import LANGS, NAMES, texts
from model.text.glossary import TERMS
from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from surfaces import SURFACES
from surfaces.data import KINDS

from . import session
from .widgets import number

LR_PRESETS = (0.001, 0.01, 0.1, 0.4, 1.0, 10.0)
BATCH_CHOICES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
START_PRESETS = {1: (5.0,), 2: ()}  # the seed's start, one click away for a typed 1-D formula


def sidebar(state: dict, T) -> None:
    """Every control, in the order a class meets them."""
    st.radio(
        T("sidebar.lang"),
        LANGS,
        key=session.bind("lang"),
        format_func=NAMES.get,
        horizontal=True,
        label_visibility="collapsed",
    )
    st.toggle(T("sidebar.present"), key=session.bind("present"), help=T("sidebar.present_help"))
    st.markdown("### " + T("sidebar.title"))
    lesson_ui(T)
    surface_ui(T)
    if state["surface"] == "custom":
        formula_ui(state, T)
    elif state["surface"] in KINDS:
        data_ui(state, T)
    elif state["surface"] == NETWORK:
        network_ui(state, T)
    elif state["surface"] == SOFTMAX:
        classes_ui(state, T)
    optimizers_ui(state, T)
    lr_ui(T)
    schedule_ui(state, T)
    run_ui(T)
    start_ui(state, T)
    if dim_of(state) == 1:  # the lecture's first idea: try parameters on a grid, keep the best
        number("search_points", T("sidebar.search_points"), help=T("sidebar.search_points_help"))
    glossary_ui(T)


def lesson_ui(T) -> None:
    """The lesson menu: free play, then every lesson in play, grouped by the lecture note it comes
    from (st.selectbox has no option groups: the group's name leads each title)."""
    from . import lesson as lesson_ui

    lessons = session.presets()

    def describe(slug):
        if slug not in lessons:
            return T("lesson.free")
        return f"{T(f'group.{lessons[slug].group}')} › {lesson_ui.title(lessons[slug], T, lessons)}"

    st.selectbox(
        T("sidebar.lesson"), ["free", *lessons], key=session.bind("lesson"), format_func=describe,
        help=T("sidebar.lesson_help"),
    )  # fmt: skip
    with st.expander(T("sidebar.open_lesson")):
        st.file_uploader(
            T("sidebar.lesson_file"), type=["toml"], key="lesson_file", help=T("sidebar.lesson_file_help")
        )


def surface_ui(T) -> None:
    def describe(name):
        if name == "custom":
            return T("surface.custom.title")
        return T("surface.option", dim=SURFACES[name].dim, title=T(f"surface.{name}.title"))

    st.selectbox(T("sidebar.surface"), SURFACE_NAMES, key=session.bind("surface"), format_func=describe)


def formula_ui(state: dict, T) -> None:
    st.text_input(
        T("sidebar.formula"), key=session.bind("formula"), max_chars=200, help=T("sidebar.formula_help")
    )
    c1, c2 = st.columns(2)
    number("formula_x_lo", T("sidebar.x_from"), c1)
    number("formula_x_hi", T("sidebar.x_to"), c2)
    if dim_of(state) == 2:
        number("formula_y_lo", T("sidebar.y_from"), c1)
        number("formula_y_hi", T("sidebar.y_to"), c2)


def data_ui(state: dict, T) -> None:
    """The data a data loss is built from: seeded synthetic points, or an uploaded CSV."""
    kind = KINDS[state["surface"]]
    with st.expander(T("data.title"), expanded=True):
        c1, c2 = st.columns(2)
        number("data_n", T("data.n"), c1)
        number("data_noise", T("data.noise"), c2)
        c1, c2, c3 = st.columns(3)
        number("data_w", T("data.w"), c1)
        number("data_b", T("data.b"), c2)
        number("data_seed", T("data.seed"), c3)
        st.checkbox(T("data.standardize"), key=session.bind("data_standardize"))
        number("data_holdout", T("data.holdout"), help=T("data.holdout_help"))
        upload = st.file_uploader(
            T("data.upload_classification" if kind == "classification" else "data.upload"),
            type=["csv"],
            key=session.uploader_key(),
        )
        upload_ui(upload, kind, state["data_standardize"], T)
        batch_ui(state, T)


def network_ui(state: dict, T) -> None:
    """The network and its data: hidden layers, their width, the initial weights' scale, and the
    noisy sine it fits."""
    with st.expander(T("net.title"), expanded=True):
        c1, c2, c3 = st.columns(3)
        number("net_width", T("net.width"), c1, help=T("net.width_help"))
        number("net_depth", T("net.depth"), c2, help=T("net.depth_help"))
        number("net_init", T("net.init"), c3, help=T("net.init_help"))
        c1, c2, c3 = st.columns(3)
        number("data_n", T("data.n"), c1)
        number("data_noise", T("data.noise"), c2)
        number("data_seed", T("data.seed"), c3, help=T("net.seed_help"))
        st.caption(T("net.caption", dim=dim_of(state)))
        batch_ui(state, T)


def classes_ui(state: dict, T) -> None:
    """Softmax regression's data: seeded points in three clusters, and the batch sizes."""
    with st.expander(T("data.title"), expanded=True):
        c1, c2, c3 = st.columns(3)
        number("data_n", T("data.n"), c1)
        number("data_noise", T("data.noise"), c2)
        number("data_seed", T("data.seed"), c3)
        st.caption(T("softmax.caption", dim=dim_of(state)))
        batch_ui(state, T)


def upload_ui(upload, kind: str, standardize: bool, T) -> None:
    """An uploaded CSV: used if valid; a refused file says why, leaves the uploader and the previous
    data stays in use."""
    before = session.csv_in_use()
    if upload is None:
        if before and not session.kept_after_refusal():
            session.forget_upload()
            st.rerun()
    else:
        key = session.accept_upload(upload, kind, standardize) or ""  # "" : no valid file yet
        if session.csv_error() and session.refused(upload):
            st.rerun()  # the uploader is drawn anew, without the refused file
        if key != before:
            st.rerun()
    error = session.csv_error()
    if error:
        name, err = error
        st.warning(T("data.csv_problem", name=name, problem=T.error(err)), icon=":material/description:")
    if before and before.startswith(kind):
        st.caption(T("data.using", source=UPLOADS[before].source, n=UPLOADS[before].n))


def batch_ui(state: dict, T) -> None:
    rows = DataSpec.from_state(state, session.csv_in_use()).n_rows
    sizes = sorted({v for v in BATCH_CHOICES if v < rows} | {rows})

    def describe(v):
        return T("batch.full_n", n=v) if v == rows else T("batch.sgd") if v == 1 else T("batch.mini_n", k=v)

    st.multiselect(
        placeholder=T("widget.choose"),
        label=T("sidebar.batch_sizes"),
        options=sizes,
        key=session.bind("batch_sizes"),
        format_func=describe,
        help=T("sidebar.batch_help"),
    )


def optimizers_ui(state: dict, T) -> None:
    st.multiselect(
        placeholder=T("widget.choose"),
        label=T("sidebar.optimizers"),
        options=list(OPTIMIZERS),
        key=session.bind("optimizers"),
        format_func=lambda n: T(f"opt.{n}.name"),
        help=T("sidebar.optimizers_help"),
    )
    for name in state["optimizers"]:
        with st.expander(T("sidebar.settings_of", optimizer=T(f"opt.{name}.name"))):
            hyper_ui(name, state, T)


def hyper_ui(name: str, state: dict, T) -> None:
    """One optimizer's own hyperparameters (PyTorch's names and defaults) and its own lr."""
    if st.checkbox(T("sidebar.own_lr"), key=session.bind(f"{name}_own_lr"), help=T("sidebar.own_lr_help")):
        number(f"{name}_lr", T("sidebar.lr"))
    for c in controls(name):
        if c.kind == "pair":
            for i, key in enumerate(c.keys, start=1):
                number(key, T(f"hyper.beta{i}"))
        elif c.kind == "optional":
            if st.checkbox(T("hyper.clip"), key=session.bind(c.keys[0])):
                number(c.keys[1], T(f"hyper.{c.param}"))
        elif c.kind == "bool":
            st.checkbox(T(f"hyper.{c.param}"), key=session.bind(c.keys[0]))
        else:
            number(c.keys[0], T(f"hyper.{c.param}"))


def lr_ui(T) -> None:
    from viz.style import format_lr

    number("lr", T("sidebar.lr"), help=T("sidebar.lr_help"))
    cols = st.columns(3)
    for i, value in enumerate(LR_PRESETS):
        cols[i % 3].button(
            format_lr(value),
            key=f"lr_preset_{format_lr(value)}",
            on_click=session.set_value,
            args=("lr", value),
            width="stretch",
            help=T("sidebar.lr_preset_help", lr=format_lr(value)),
        )
    st.multiselect(
        placeholder=T("widget.choose"),
        label=T("sidebar.lrs"),
        options=sorted({*EXTRA_LRS, *session.state()["lrs"]}),  # a lesson's own rates too
        key=session.bind("lrs"),
        format_func=format_lr,
        help=T("sidebar.lrs_help"),
    )


def schedule_ui(state: dict, T) -> None:
    st.selectbox(
        T("sidebar.schedule"),
        list(SCHEDULES),
        key=session.bind("schedule"),
        format_func=lambda n: T(f"schedule.{n}"),
    )
    for param in hyperparameters(SCHEDULES[state["schedule"]]):
        if param in SCHEDULE_WIDGETS:
            number(f"schedule_{param}", T(f"hyper.{param}"))
    if state["schedule"] == "plateau" and state["surface"] in KINDS and state["data_holdout"] > 0:
        st.radio(T("sidebar.plateau_on"), ("loss", "validation"), key=session.bind("plateau_on"),
                 format_func=lambda w: T(f"sidebar.plateau_on_{w}"), horizontal=True)  # fmt: skip


def run_ui(T) -> None:
    number("steps", T("sidebar.steps"))
    st.select_slider(
        T("sidebar.tol"),
        TOLERANCES,
        key=session.bind("tol"),
        format_func=lambda v: T("sidebar.tol_zero") if v == 0 else f"{v:.0e}",
    )
    number("noise", T("sidebar.noise"), help=T("sidebar.noise_help"))
    number("seed", T("sidebar.seed"))
    st.checkbox(
        T("sidebar.stop_diverged"), key=session.bind("stop_diverged"), help=T("sidebar.stop_diverged_help")
    )


def start_ui(state: dict, T) -> None:
    if state["surface"] in MANY:  # it starts where the model starts (the network's seeded weights)
        return
    dim = dim_of(state)
    names = ("x0",) if dim == 1 else ("x0", "y0")
    for col, key in zip(st.columns(dim), names, strict=True):
        number(key, T(f"sidebar.start_{key}" if dim == 2 else "sidebar.start_w"), col)
    if state["surface"] == "custom":
        for value in START_PRESETS[dim]:
            st.button(
                T("sidebar.start_preset", w=f"{value:g}"),
                key=f"start_preset_{value:g}",
                on_click=session.set_values,
                args=(start_at(state, value),),
            )
    if st.checkbox(T("sidebar.start2"), key=session.bind("start2"), help=T("sidebar.start2_help")):
        second = ("x1",) if dim == 1 else ("x1", "y1")
        for col, key in zip(st.columns(dim), second, strict=True):
            number(key, T(f"sidebar.second_{key}" if dim == 2 else "sidebar.second_w"), col)
    if dim == 2:
        st.caption(T("sidebar.click_map"))


def glossary_ui(T) -> None:
    """The lecture's terms as this page says them, with the other language's word beside each."""
    other = texts("en" if T.lang == "ko" else "ko")
    rows = [f"| {T('glossary.term')} | {T('glossary.other')} | {T('glossary.meaning')} |", "|---|---|---|"]
    rows += [f"| **{T(f'term.{t}')}** | {other(f'term.{t}')} | {T(f'meaning.{t}')} |" for t in TERMS]
    with st.expander(T("glossary.title")):
        st.caption(T("glossary.caption"))
        st.markdown("\n".join(rows))
