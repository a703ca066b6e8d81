"""The main chart by view: the animated loss view (1-D curve, contour map or 3-D surface), the
learning-rate sweep, or the optimizers x learning rates heatmap. When presenting, the animated
chart sits in the stage, as tall as the screen allows."""

from __future__ import annotations

import streamlit as st

from viz.figure import PreparedFigure

from . import compute, session
from .fields import VIEWS_BY_DIM

CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


def main_view(s, setup, state: dict, runs, T, predicting: bool = False) -> None:
    """The chart of the state's view. While a prediction is open the paths grow with the animation
    and the views that would tell the outcome (sweep, heatmap) wait for Reveal."""
    present = state["present"]
    if not present:
        view_controls(s, state, T, predicting)
    view = state["view"]
    if view in ("sweep", "compare") and predicting:
        st.info(T("predict.sweep_waits"), icon=":material/visibility_off:")
    elif view == "sweep":
        st.plotly_chart(
            PreparedFigure(compute.sweep_json(setup, T.lang)),
            key="sweep_chart",
            on_select="rerun",
            selection_mode="points",
            config=CONFIG,
        )
        st.caption(
            T("view.sweep_caption", optimizer=T(f"opt.{setup.optimizers[0]}.name"), steps=setup.steps)
            + settings_note(setup, T)
        )
    elif view == "compare":
        st.plotly_chart(
            PreparedFigure(compute.compare_json(setup, T.lang)), key="compare_chart", config=CONFIG
        )
        st.caption(T("view.compare_caption", steps=setup.steps) + settings_note(setup, T))
    else:
        animated(s, setup, state, runs, T, grow=predicting or not state["whole_path"])
    if present:
        view_controls(s, state, T, predicting)


def animated(s, setup, state, runs, T, grow: bool) -> None:
    present = state["present"]
    view = state["view"]
    spec = compute.main_json(setup, view, T.lang, state["taylor"] and s.dim == 1, grow, present)
    fig = PreparedFigure(spec)
    clickable = view == "contour"
    with st.container(key="stage", height=500, border=False) if present else st.container():
        st.plotly_chart(
            fig,
            key="chart",
            on_select="rerun" if clickable else "ignore",
            selection_mode="points",
            config=CONFIG,
            height="stretch" if present else "content",
        )
    if view == "contour":
        mini = any(r.batch_size for r in runs)
        st.caption(
            T("view.contour_caption") + (T("view.contour_caption_mini") if mini else "") + T("view.play_hint")
        )
    else:
        st.caption(
            (T("view.curve_caption") if s.dim == 1 else T("view.surface3d_caption")) + T("view.play_hint")
        )


def view_controls(s, state: dict, T, predicting: bool) -> None:
    """The view, and how the paths are drawn: whole from the start, or growing with the animation."""
    c1, c2, c3 = st.columns([6, 2, 2], vertical_alignment="center")
    c1.radio(
        T("view.label"),
        VIEWS_BY_DIM[s.dim],
        key=session.bind("view"),
        horizontal=True,
        format_func=lambda v: T(f"view.{v}"),
        label_visibility="collapsed",
    )
    c2.toggle(
        T("view.whole_path"),
        key=session.bind("whole_path"),
        help=T("view.whole_path_help"),
        disabled=predicting,
    )
    if s.dim == 1:
        c3.toggle(T("view.taylor"), key=session.bind("taylor"), help=T("view.taylor_help"))


def settings_note(setup, T) -> str:
    """What a sweep shares with the main view: said where it is more than the plain defaults."""
    parts = []
    if setup.schedule != "constant":
        parts.append(T("view.with_schedule", schedule=T(f"schedule.{setup.schedule}")))
    if setup.noise:
        parts.append(T("view.with_noise", noise=f"{setup.noise:g}", seed=setup.seed))
    if setup.batch_sizes and setup.batch_sizes[0] is not None:
        parts.append(T("view.with_batch", k=setup.batch_sizes[0]))
    return (" " + T("view.same_settings", settings=", ".join(parts))) if parts else ""
