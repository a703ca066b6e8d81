"""The main chart by view: the animated loss view (1-D curve, contour map or 3-D surface), the
learning-rate sweep, or the optimizers x learning rates heatmap."""

from __future__ import annotations

import streamlit as st

from viz.figure import PreparedFigure

from . import compute, session
from .fields import VIEWS_BY_DIM

CONFIG = {"displayModeBar": False}


def main_view(s, setup, state: dict, runs, T) -> None:
    view = st.radio(
        T("view.label"),
        VIEWS_BY_DIM[s.dim],
        key=session.bind("view"),
        horizontal=True,
        format_func=lambda v: T(f"view.{v}"),
        label_visibility="collapsed",
    )
    if view == "sweep":
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
        return
    if view == "compare":
        st.plotly_chart(
            PreparedFigure(compute.compare_json(setup, T.lang)), key="compare_chart", config=CONFIG
        )
        st.caption(T("view.compare_caption", steps=setup.steps) + settings_note(setup, T))
        return
    fig = PreparedFigure(compute.main_json(setup, view, T.lang, state["taylor"] and s.dim == 1))
    if view == "contour":
        st.plotly_chart(fig, key="chart", on_select="rerun", selection_mode="points", config=CONFIG)
        mini = any(r.batch_size for r in runs)
        st.caption(
            T("view.contour_caption") + (T("view.contour_caption_mini") if mini else "") + T("view.play_hint")
        )
    else:
        st.plotly_chart(fig, key="chart", config=CONFIG)
        st.caption(
            (T("view.curve_caption") if s.dim == 1 else T("view.surface3d_caption")) + T("view.play_hint")
        )
        if s.dim == 1:
            st.checkbox(T("view.taylor"), key=session.bind("taylor"), help=T("view.taylor_help"))


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
