"""The page around the main chart: the surface's header, the lesson panel, notes on what happened,
the stability strip, the summary, the step table and the downloads. Every text from the catalog."""

from __future__ import annotations

import numpy as np
import streamlit as st

from optimizers.stability import regime, sharpness
from viz.export import html_page, trajectories_csv
from viz.figure import PreparedFigure
from viz.runs import fmt, label
from viz.stability import stability_figure
from viz.style import color_of, format_lr
from viz.views import main_figure

from . import compute, session
from .lessons import BY_SLUG
from .tables import step_rows

CONFIG = {"displayModeBar": False}


def header(s, state: dict, T) -> None:
    left, right = st.columns([1, 1], vertical_alignment="center")
    left.latex(s.latex)
    if state["surface"] == "custom":
        title, description = (
            T("surface.custom.yours", formula=state["formula"].strip()),
            T("surface.custom.description"),
        )
    else:
        title, description = (
            T(f"surface.{state['surface']}.title"),
            T(f"surface.{state['surface']}.description"),
        )
    right.markdown(f"**{title}** · {s.dim}-D  \n{description}")


def link_notice(problems: list[str], T) -> None:
    if problems:
        st.info(T("note.link_problems", problems="; ".join(problems[:6])), icon="🔗")


def lesson_panel(state: dict, T) -> None:
    lesson = BY_SLUG.get(state["lesson"])
    if lesson is None:
        return
    slug = lesson.slug
    with st.container(border=True):
        st.markdown(
            f"**{T(f'lesson.{slug}.title')}** · **{T('lesson.look')}** {T(f'lesson.{slug}.look')}  \n"
            f"**{T('lesson.ask')}** {T(f'lesson.{slug}.ask')}"
        )
        with st.expander(T("lesson.why")):
            st.markdown(T(f"lesson.{slug}.why"))
        choices = T.choices(f"lesson.{slug}.choices")
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        c1.radio(
            T("lesson.predict", question=T(f"lesson.{slug}.question")),
            choices,
            key="lesson_guess",
            index=None,
            horizontal=True,
        )
        c2.button(
            T("lesson.reveal"), key="lesson_reveal", width="stretch", on_click=session.reveal, args=(slug,)
        )
        if session.revealed(slug):
            guess = st.session_state.get("lesson_guess")
            right = choices[lesson.answer]
            verdict = "" if guess is None else T("lesson.right") if guess == right else T("lesson.not_quite")
            st.success(f"{verdict}**{right}.** {T(f'lesson.{slug}.explanation')}", icon="💡")


def problems_of(s, setup, T, start_range: float = 10.0) -> list[str]:
    """Input the engine would refuse, said plainly (the page shows it and keeps working)."""
    out = []
    if not setup.optimizers:
        out.append(T("note.no_optimizer"))
    for start in (setup.x0, *setup.starts):
        p = np.array(start)
        if not np.isfinite(p).all() or (np.abs(p - s.center) > start_range * s.size).any():
            lo, hi = s.center - start_range * s.size, s.center + start_range * s.size
            out.append(
                T(
                    "note.start_too_far",
                    start=", ".join(fmt(v) for v in start),
                    lo=f"{lo.min():g}",
                    hi=f"{hi.max():g}",
                )
            )
    return out


def divergence_notes(s, runs, T) -> None:
    for run in runs:
        if run.status == "left_domain":
            st.warning(T("note.left_domain", run=label(run, runs, T), k=run.diverged_at), icon="🚧")
        elif run.status == "diverged":
            lam = float(sharpness(s, run.path[0]))
            why = (
                T("note.diverged_why", lr=format_lr(run.lr), lam=f"{lam:.3g}", ratio=f"{run.lr * lam:.3g}")
                if run.lr * lam > 2
                else ""
            )
            st.warning(T("note.diverged", run=label(run, runs, T), k=run.diverged_at, why=why), icon="🎢")


def stability_ui(s, setup, runs, T) -> None:
    lam = float(sharpness(s, np.array(setup.x0)))
    entries, seen = [], set()
    for run in runs:
        if run.lr not in seen and run.start == 0:
            seen.add(run.lr)
            entries.append((label(run, runs, T), run.lr, lam, color_of(run.optimizer)))
    verdicts = ", ".join(
        f"lr {format_lr(lr)} → **{T('regime.' + regime(lr * lam))}**" for _, lr, _, _ in entries
    )
    text, strip = st.columns([2, 3], vertical_alignment="center")
    text.markdown(T("stability.text", lam=f"{lam:.4g}", verdicts=verdicts))
    if lam > 0 and entries:
        with strip:
            st.plotly_chart(PreparedFigure(stability_figure(entries, T)), key="stability", config=CONFIG)


def summary_ui(s, runs, T) -> None:
    rows = []
    for run in runs:
        k = run.steps_taken
        end = run.path[k]
        dist = float(np.min(np.linalg.norm(s.minima - end, axis=-1))) if len(s.minima) else float("nan")
        at = run.converged_at if run.status == "converged" else run.diverged_at
        rows.append(
            {
                T("summary.run"): label(run, runs, T),
                T("summary.status"): T(f"status.{run.status}", k=at),
                T("summary.final_point"): ", ".join(fmt(v) for v in end),
                T("summary.final_loss"): float(run.losses[k]),
                T("summary.steps"): k,
                T("summary.distance"): dist,
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            T("summary.final_loss"): st.column_config.NumberColumn(format="%.6g"),
            T("summary.distance"): st.column_config.NumberColumn(format="%.3g"),
        },
    )


def steps_ui(s, runs, T) -> None:
    with st.expander(T("steps.title"), expanded=s.dim == 1):
        run = runs[0]
        if len(runs) > 1:
            names = [label(r, runs, T) for r in runs]
            run = runs[names.index(st.selectbox(T("steps.run"), names, key="table_run"))]
        st.caption(T("steps.caption_1d") if s.dim == 1 else T("steps.caption_2d"))
        rows = step_rows(s, run, T)
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                k: st.column_config.NumberColumn(format="%.6g")
                for k in (rows[0] if rows else {})
                if k != T("steps.k")
            },
        )


def export_ui(s, state: dict, runs, T) -> None:
    """Downloads, built only when pressed (the data is a callable), and the share link."""
    c1, c2 = st.columns(2)
    slug = state["lesson"]
    title = (
        T(f"lesson.{slug}.title")
        if slug in BY_SLUG
        else T(f"surface.{state['surface']}.title")
        if state["surface"] != "custom"
        else state["formula"]
    )
    c1.download_button(
        T("export.html"),
        key="download_html",
        file_name="descent.html",
        mime="text/html",
        data=lambda: html_page(main_figure(s, runs, T, state["view"]), title, [], T.lang),
        width="stretch",
    )
    c2.download_button(
        T("export.csv"),
        key="download_csv",
        file_name="trajectories.csv",
        mime="text/csv",
        data=lambda: trajectories_csv(runs, s.dim, T),
        width="stretch",
    )
    st.caption(T("export.caption"))


def history_ui(setup, state: dict, T) -> None:
    """Loss and learning rate, step by step (or by epoch, for a data loss)."""
    st.markdown("#### " + T("history.title"))
    epochs = False
    if setup.batch_sizes:
        view = st.radio(
            T("history.x"),
            ["step", "epoch"],
            key=session.bind("history_x"),
            horizontal=True,
            format_func=lambda v: T(f"axis.{v}"),
        )
        epochs = view == "epoch"
    st.plotly_chart(PreparedFigure(compute.history_json(setup, T.lang, epochs)), key="history", config=CONFIG)
