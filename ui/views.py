"""The main chart by view: the animated loss view (1-D curve, contour map or 3-D surface), the
learning-rate sweep, or the optimizers x learning rates heatmap. When presenting, the animated
chart sits in the stage, as tall as the screen allows."""

from __future__ import annotations

import hashlib

import streamlit as st

from model import explore
from model.fields import BASIN_ZOOMS, DIRECTIONS, views_for
from viz.figure import PreparedFigure
from viz.style import format_lr

from . import compute, session
from .widgets import slider

SPOILERS = ("sweep", "compare", "scrub", "basins", "line")  # views that show how the runs end
CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


def main_view(s, setup, state: dict, runs, T, predicting: bool = False) -> None:
    """The chart of the state's view. While a prediction is open the chart shows the runs'
    previews (model.preview: nothing of how they end), and the views that would tell the outcome
    (sweep, heatmap, scrubber, basins, line) wait for Reveal unless the lesson is about that view.
    After Reveal the whole paths are drawn, and the animation stays at its frame (viz/page.js)."""
    present = state["present"]
    if not present:
        view_controls(s, state, T, predicting)
    view = state["view"]
    grow = predicting or not state["whole_path"]
    if predicting and view in SPOILERS and view != lesson_view(state):
        st.info(T("predict.sweep_waits"), icon=":material/visibility_off:")
    elif view == "scrub":
        scrub(setup, state, T)
    elif view == "basins":
        basins(setup, state, T)
    elif view == "landscape":
        landscape(setup, state, T, grow=grow, predicting=predicting)
    elif view == "line":
        line(setup, state, T)
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
        animated(s, setup, state, runs, T, grow=grow, predicting=predicting)
    if present:
        view_controls(s, state, T, predicting)


def animated(s, setup, state, runs, T, grow: bool, predicting: bool = False) -> None:
    view = state["view"]
    spec = compute.main_json(
        setup, view, T.lang, state["taylor"] and s.dim == 1, grow, big_screen(state), session.on_phone(), predicting,
        state["search_points"] if s.dim == 1 else 0,
    )  # fmt: skip
    staged(PreparedFigure(scened(spec, setup)), "chart", big_screen(state), clickable=view == "contour")
    if predicting and view in (
        "contour",
        "curve",
    ):  # a preview draws no arrows: the caption says when they come
        st.caption(T(f"view.{view}_caption_predicting") + T("view.play_hint"))
    elif view == "contour":
        mini = any(r.batch_size for r in runs)
        st.caption(
            T("view.contour_caption") + (T("view.contour_caption_mini") if mini else "") + T("view.play_hint")
        )
    else:
        st.caption(
            (T("view.curve_caption") if s.dim == 1 else T("view.surface3d_caption")) + T("view.play_hint")
        )


def lesson_view(state: dict) -> str | None:
    """The view a lesson opens in: its question is about that view, so it does not spoil it."""
    lesson = session.presets().get(state["lesson"])
    return lesson.settings.get("view") if lesson else None


def scrub(setup, state: dict, T) -> None:
    """Every optimizer at SCRUB_RATES rates; the slider under the chart switches in the browser."""
    decades = state["scrub_decades"]
    spec = compute.scrub_json(setup, T.lang, decades, big_screen(state))
    staged(PreparedFigure(spec), "scrub_chart", big_screen(state))
    lrs = explore.scrub_lrs(setup, decades)
    st.caption(
        T(
            "view.scrub_caption",
            count=len(lrs),
            lo=format_lr(lrs[0]),
            hi=format_lr(lrs[-1]),
            steps=setup.steps,
        )
        + (
            T("view.scrub_network", stride=explore.scrub_stride(setup.steps))
            if compute.surface_of(setup).dim > 2
            else ""
        )
        + settings_note(setup, T)
    )
    slider("scrub_decades", T("view.scrub_decades"), help=T("view.scrub_decades_help"))


def basins(setup, state: dict, T) -> None:
    """The first optimizer's basin map over the view (or a zoomed window around the start)."""
    zoom = state["basin_zoom"]
    spec = compute.basins_json(setup, T.lang, zoom, big_screen(state))
    staged(PreparedFigure(spec), "basin_chart", big_screen(state))
    st.caption(
        T("view.basins_caption", optimizer=T(f"opt.{setup.optimizers[0]}.name"), steps=explore.BASIN_STEPS)
        + settings_note(setup, T)
    )
    st.select_slider(
        T("view.basin_zoom"),
        BASIN_ZOOMS,
        key=session.bind("basin_zoom"),
        format_func=lambda z: f"×{z}",
        help=T("view.basin_zoom_help"),
    )


def landscape(setup, state: dict, T, grow: bool, predicting: bool = False) -> None:
    """The network's loss on a plane through the first run's end point, the runs as their shadows
    and the networks' fits beside; under it, the true loss of each iterate against the plane's (a
    loss plot: while a prediction is open it waits for Reveal, as the history does)."""
    present = state["present"]
    view = compute.landscape_of(
        setup, T.lang, state["directions"], grow, big_screen(state), session.on_phone(), predicting
    )
    staged(PreparedFigure(scened(view.map, setup)), "chart", big_screen(state), clickable=False)
    if view.explained is not None:
        plane = T(
            "landscape.pca_caption", first=f"{view.explained[0]:.1%}", second=f"{view.explained[1]:.1%}"
        )
    else:
        plane = T("landscape.filter_caption")
    st.caption(plane + T("view.play_hint"))
    if present:
        return
    if predicting:
        st.info(T("predict.faith_waits"), icon=":material/visibility_off:")
        return
    st.plotly_chart(PreparedFigure(view.faith), key="faithfulness", config=CONFIG)
    st.caption(T("landscape.faith_caption", ratio=f"{10**view.worst:.3g}" if view.worst < 300 else "∞"))


def line(setup, state: dict, T) -> None:
    """The loss on the straight line from the first run's start to its end (Goodfellow et al. 2015)."""
    staged(
        PreparedFigure(compute.line_json(setup, T.lang, big_screen(state))),
        "line_chart",
        big_screen(state),
        False,
    )
    st.caption(T("landscape.line_caption"))


def scened(spec: dict, setup, **more) -> dict:
    """The figure marked with its scene, the runs it animates (viz/page.js keeps the frame on show
    when the same scene is drawn again: Reveal), and `more` of viz/page.js's marks (autoplay). A
    shallow copy: cached figures are never changed."""
    scene = hashlib.sha1(repr(setup).encode()).hexdigest()[:12]
    meta = dict(spec["layout"].get("meta") or {}, scene=scene, **more)
    return dict(spec, layout=dict(spec["layout"], meta=meta))


def big_screen(state: dict) -> bool:
    """Presenting on a projector: the chart fills the screen below the lesson's bar, in the back
    row's sizes. A phone with a presentation link keeps its own sizes (the bar alone would fill
    its screen, leaving the chart a strip)."""
    return state["present"] and not session.on_phone()


def staged(fig, key: str, present: bool, clickable: bool = True) -> None:
    """A main chart; when presenting, in the stage, as tall as the screen allows. A click on a
    clickable chart reruns the script with the selected point (ui.session applies it)."""
    with st.container(key="stage", height=500, border=False) if present else st.container():
        st.plotly_chart(
            fig,
            key=key,
            on_select="rerun" if clickable else "ignore",
            selection_mode="points",
            config=CONFIG,
            height="stretch" if present else "content",
        )


def view_controls(s, state: dict, T, predicting: bool) -> None:
    """The view, and how the paths are drawn: whole from the start, or growing with the animation."""
    c1, c2, c3 = st.columns([6, 2, 2], vertical_alignment="center")
    c1.radio(
        T("view.label"),
        views_for(s.dim),
        key=session.bind("view"),
        horizontal=True,
        format_func=lambda v: T(f"view.{v}"),
        label_visibility="collapsed",
    )
    if state["view"] == "landscape":
        c3.selectbox(
            T("view.directions"),
            DIRECTIONS,
            key=session.bind("directions"),
            format_func=lambda d: T(f"view.directions_{d}"),
            help=T("view.directions_help"),
        )
    if state["view"] in ("scrub", "basins", "line"):  # whole paths, no animation
        return
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
