"""The page around the main chart: the surface's header, the lesson panel, notes on what happened,
the stability strip, the summary, the step table and the downloads. Every text from the catalog."""

from __future__ import annotations

import numpy as np
import streamlit as st

from optimizers.stability import sharpness
from viz.export import html_page, trajectories_csv
from viz.figure import PreparedFigure
from viz.runs import fmt, label
from viz.stability import effective_step_figure, stability_figure
from viz.style import color_of, format_lr
from viz.views import main_figure

from . import compute, session, verdicts
from .lessons import BY_SLUG, number
from .tables import seed_rows, step_rows

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
    slug, facts = lesson.slug, lesson.facts()
    with st.container(border=True):
        st.markdown(
            f"**{lesson_title(slug, T)}** · **{T('lesson.look')}** {T(f'lesson.{slug}.look', **facts)}  \n"
            f"**{T('lesson.ask')}** {T(f'lesson.{slug}.ask', **facts)}"
        )
        with st.expander(T("lesson.why")):
            st.markdown(T(f"lesson.{slug}.why", **facts))
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
            st.success(f"{verdict}**{right}.** {T(f'lesson.{slug}.explanation', **facts)}", icon="💡")


def lesson_title(slug: str, T) -> str:
    """'3 · Too large: ...': a lesson's title, numbered by its place in the menu."""
    return f"{number(slug)} · {T(f'lesson.{slug}.title')}"


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
    """A note per run that stopped early for want of a number, and one sentence per run whose
    outcome contradicts the local verdict at its start."""
    for run in runs:
        name = label(run, runs, T)
        if run.status == "left_domain":
            where = domain_part(s, run)
            st.warning(
                T(
                    "note.left_domain",
                    run=name,
                    k=run.diverged_at,
                    where=T(f"domain.{where}") if where else "",
                ),
                icon="🚧",
            )
        elif run.status == "diverged":
            top, ratio = verdicts.run_limit(run), verdicts.start_ratio(s, run)
            why = ""
            if top is not None and ratio > top:
                why = T(
                    "note.diverged_why",
                    lr=format_lr(verdicts.first_lr(run)),
                    lam=f"{ratio / verdicts.first_lr(run):.3g}",
                    ratio=f"{ratio:.3g}",
                    limit=f"{top:.3g}",
                    optimizer=T(f"opt.{run.optimizer}.name"),
                )
            st.warning(T("note.diverged", run=name, k=run.diverged_at, why=why), icon="🎢")
        sentence = verdicts.surprise(s, run, T)
        if sentence:
            st.info(f"**{name}**: {sentence}", icon="🔎")


def domain_part(s, run) -> str | None:
    """Which part of a typed formula was undefined where a run's last step landed: found at the
    landing point of a plain gradient step (last point - lr * g), else the formula's only part
    that can be undefined (None if unknown)."""
    problem = getattr(s, "domain_problem", None)
    if problem is None:
        return None
    k = run.steps_taken
    if run.optimizer == "gd" and not run.hyper.get("momentum") and k < len(run.grads):
        where = problem(run.path[k] - run.lrs[k] * run.grads[k])
        if where:
            return where
    return problem()


def stability_ui(s, setup, runs, T) -> None:
    """The strip: each run's lr * lambda_max at its start against its own optimizer's limit; for the
    adaptive optimizers, the step each coordinate received at the start and at the end."""
    name = lambda run: label(run, runs, T)  # noqa: E731
    limited, adaptive = verdicts.strip_rows(s, runs, name, lambda run: color_of(run.optimizer))
    lines = []
    for run in runs:
        said = verdicts.verdict(s, run)
        if said is not None:
            top = verdicts.run_limit(run)
            lines.append(
                T(
                    "stability.row",
                    run=name(run),
                    ratio=f"{verdicts.start_ratio(s, run):.3g}",
                    limit=f"{top:.3g}",
                    regime=T(f"regime.{said}"),
                )
            )
    text, strip = st.columns([2, 3], vertical_alignment="center")
    with text:
        if limited:
            st.markdown(
                T("stability.text", lam=f"{float(sharpness(s, np.array(setup.x0))):.4g}")
                + "  \n"
                + "  \n".join(lines)
            )
        if adaptive:
            st.markdown(T("stability.adaptive"))
    with strip:
        if limited:
            st.plotly_chart(PreparedFigure(stability_figure(limited, T)), key="stability", config=CONFIG)
        if adaptive:
            st.plotly_chart(
                PreparedFigure(effective_step_figure(adaptive, T)), key="effective_steps", config=CONFIG
            )


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


def steps_ui(s, state: dict, runs, T) -> None:
    with st.expander(T("steps.title"), expanded=s.dim == 1):
        run = runs[0]
        if len(runs) > 1:
            names = [label(r, runs, T) for r in runs]
            run = runs[names.index(st.selectbox(T("steps.run"), names, key="table_run"))]
        if state["lesson"] == "seed-loop":
            st.caption(T("steps.seed_caption"))
            st.dataframe(seed_rows(run), hide_index=True, width="stretch")
            return
        st.caption(
            (T("steps.caption_1d") if s.dim == 1 else T("steps.caption_2d")) + T("steps.taylor_caption")
        )
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
        lesson_title(slug, T)
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
