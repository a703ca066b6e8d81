"""The page around the main chart: the surface's header, the lesson panel, notes on what happened,
the stability strip, the summary, the step table and the downloads. Every text from the catalog."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import streamlit as st

from lessons import number
from lessons.page import handout_page
from model import verdicts
from model.tables import seed_rows
from model.words import surface_description, surface_title
from viz.export import page_script, trajectories_csv
from viz.figure import PreparedFigure
from viz.runs import fate_text, fmt, label
from viz.stability import effective_step_figure, stability_figure
from viz.style import color_of, format_lr

from . import compute, session
from . import lesson as lesson_ui

CONFIG = {"displayModeBar": False}


ASSETS = Path(__file__).parent


def assets(state: dict) -> None:
    """The page's CSS (ui/page.css, ui/present.css when presenting) and script (viz/page.js)."""
    css = (ASSETS / "page.css").read_text()
    if state["present"]:
        css += (ASSETS / "present.css").read_text()
    st.html(f"<style>{css}</style>")
    st.html(f"<script>{page_script()}</script>", unsafe_allow_javascript=True)


def predicting(state: dict) -> bool:
    """A lesson's prediction is open: its outcome stays off the page until Reveal."""
    return state["lesson"] in session.presets() and not session.revealed(state["lesson"])


def top(s, setup, state: dict, T) -> None:
    """Above the chart: the surface and the lesson (its question and Reveal), compact when presenting."""
    lesson = session.presets().get(state["lesson"])
    ctx = lesson_ui.context(state, setup, s) if lesson else None
    if state["present"]:
        if lesson is None:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"**{surface_title(state, T)}**")
            lesson_ui.present_button(state, T, c2)
        else:
            lesson_ui.question(lesson, ctx, state, T, compact=True)
        return
    header(s, state, T)
    if lesson is not None:
        with st.container(border=True):
            lesson_ui.question(lesson, ctx, state, T, compact=False)


def header(s, state: dict, T) -> None:
    left, right = st.columns([1, 1], vertical_alignment="center")
    left.latex(s.latex)
    description = surface_description(state, T)
    right.markdown(f"**{surface_title(state, T)}** · {T('surface.dim', dim=s.dim)}  \n{description}")


def link_notice(problems: list, T) -> None:
    if problems:
        said = "; ".join(T.error(p) for p in problems[:6])
        st.info(T("note.link_problems", problems=said), icon=":material/link:")


def lesson_details(state: dict, T) -> None:
    """Below the chart after Reveal: why it happens and what to ask the class."""
    lesson = session.presets().get(state["lesson"])
    if lesson is not None:
        lesson_ui.details(lesson, state, T)


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


def too_costly(setup, state: dict, over, stopped, T) -> None:
    """A picture this server will not compute: what it would cost, what fits instead (a button
    that sets it), and the rest of the page keeps working."""
    seconds, limit = compute.budget()
    if stopped is not None:
        st.warning(
            T(f"budget.stopped_{stopped.why}", seconds=f"{seconds:g}"), icon=":material/hourglass_disabled:"
        )
        return
    memory = over.bytes > limit
    part = T(f"budget.part.{over.largest(memory).split(':')[0] or 'runs'}")
    if memory:
        said = T("budget.memory", what=part, mb=f"{over.bytes / 1e6:,.0f}", limit=f"{limit / 1e6:,.0f}")
    else:
        said = T("budget.time", what=part, seconds=f"{over.seconds:,.0f}" if over.seconds >= 10 else f"{over.seconds:.1f}",
                 limit=f"{seconds:g}")  # fmt: skip
    fit = compute.steps_that_fit(setup, state["view"], state["basin_zoom"]) if not setup.epochs else None
    if fit is not None and fit < setup.steps:
        said += " " + T("budget.offer_steps", steps=f"{fit:,}")
    else:
        said += " " + T("budget.offer_other")
    st.warning(said, icon=":material/hourglass_disabled:")
    if fit is not None and fit < setup.steps:
        st.button(T("budget.use_steps", steps=f"{fit:,}"), key="budget_steps", on_click=session.set_value,
                  args=("steps", fit))  # fmt: skip


def divergence_notes(s, runs, T) -> None:
    """A note per run that stopped early for want of a number, and one sentence per run whose
    outcome contradicts the local verdict at its start."""
    for run in runs:
        name = label(run, runs, T)
        if run.fate == "left_domain":
            where = domain_part(s, run)
            st.warning(
                T(
                    "note.left_domain",
                    run=name,
                    k=run.diverged_at,
                    where=T(f"domain.{where}") if where else "",
                ),
                icon=":material/block:",
            )
        elif run.fate == "diverged" and run.diverged_at >= 0:
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
            st.warning(
                T("note.diverged", run=name, k=run.diverged_at, why=why), icon=":material/trending_up:"
            )
        sentence = verdicts.surprise(s, run, T)
        if sentence:
            st.info(f"**{name}**: {sentence}", icon=":material/search:")


def domain_part(s, run) -> str | None:
    """Which part of a typed formula was undefined where a run's last step landed: found at the
    landing point of a plain gradient step (last point - lr * g), else the formula's only part
    that can be undefined (None if unknown)."""
    problem = s.domain_problem
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
            lam = verdicts.start_sharpness(s, runs[0])  # runs[0] starts at x0
            st.markdown(
                T("stability.text" if lam >= 0 else "stability.text_down", lam=f"{lam:.4g}".replace("-", "−"))
                + "  \n"
                + "  \n".join(lines)
            )
        if adaptive:
            st.markdown(T("stability.adaptive"))
    with strip:
        if limited:
            figure = stability_figure(limited, T, phone=session.on_phone())
            st.plotly_chart(PreparedFigure(figure), key="stability", config=CONFIG)
        if adaptive:
            st.plotly_chart(
                PreparedFigure(effective_step_figure(adaptive, T)), key="effective_steps", config=CONFIG
            )


def summary_ui(s, runs, T) -> None:
    """One row per run: how it ended, where, at what loss, after how many steps. Numbers in the
    notation of the chart's labels (9.81×10¹³, not 98097100000000 beside −9.904×10⁶); the steps are
    those to the final point shown, so a run that diverged at step 6 ends after 5."""
    if s.solution is not None:  # least squares: the exact answer every run is heading for
        point = "(" + ", ".join(fmt(float(v)) for v in s.solution) + ")"
        st.caption(T("summary.closed_form", point=point, loss=fmt(float(s.value(s.solution)))))
    rows = []
    for run in runs:
        k = run.steps_taken
        end = run.path[k]
        row = {
            T("summary.run"): label(run, runs, T),
            T("summary.status"): fate_text(run, T),
            T("summary.final_point"): ", ".join(fmt(v) for v in end)
            if len(end) <= 2
            else T("summary.norm", norm=fmt(float(np.linalg.norm(end)))),
            T("summary.final_loss"): fmt(float(run.losses[k])),
            T("summary.steps"): k,
        }
        if len(s.minima):  # no column where no minimum is known (a network, some formulas)
            row[T("summary.distance")] = fmt(float(np.min(np.linalg.norm(s.minima - end, axis=-1))))
        rows.append(row)
    st.dataframe(arrow(rows), hide_index=True, width="stretch")


def steps_ui(s, setup, state: dict, runs, T) -> None:
    with st.expander(T("steps.title"), expanded=s.dim == 1):
        i = 0
        if len(runs) > 1:
            names = [label(r, runs, T) for r in runs]
            i = names.index(st.selectbox(T("steps.run"), names, key="table_run"))
        run = runs[i]
        if state["lesson"] == "seed-loop":
            st.caption(T("steps.seed_caption"))
            st.dataframe(arrow(seed_rows(run)), hide_index=True, width="stretch")
            return
        caption = (
            "steps.caption_1d" if s.dim == 1 else "steps.caption_2d" if s.dim == 2 else "steps.caption_net"
        )
        if run.steps_taken:
            st.markdown(f"**{T('taylor.title')}**")
            figure = PreparedFigure(compute.taylor_json(setup, T.lang, i))
            st.plotly_chart(figure, key="taylor_chart", config=CONFIG)
        st.caption(T(caption) + T("steps.taylor_caption"))
        rows = compute.step_rows_of(setup, T.lang, i)
        st.dataframe(
            arrow(rows),
            hide_index=True,
            width="stretch",
            column_config={
                k: st.column_config.NumberColumn(format="%.6g")
                for k in (rows[0] if rows else {})
                if k != T("steps.k")
            },
        )


def arrow(rows: list[dict]) -> pa.Table:
    """Table rows as an Arrow table: what st.dataframe sends anyway, built without pandas (which
    took a tenth of a rerun's time)."""
    return pa.Table.from_pylist(rows)


def file_stem(state: dict, lessons: dict) -> str:
    """Downloads are named after the lesson, else the surface: ravine.html, seed-loop.csv."""
    return state["lesson"] if state["lesson"] in lessons else state["surface"]


def export_ui(s, setup, state: dict, runs, T) -> None:
    """Downloads, built only when pressed (the data is a callable), and the share link. A press
    does not rerun the page (on_click="ignore"): by default it would, and a rerun that replaced the
    file the press had asked for left the button spinning, disabled, with nothing downloaded."""
    c1, c2 = st.columns(2)
    presets = session.presets()
    lesson = presets.get(state["lesson"])

    def page() -> str:  # the same page as `python -m export` makes
        return handout_page(state, setup, s, runs, lesson, number(lesson.slug, presets) if lesson else "", T)

    c1.download_button(
        T("export.html"),
        key="download_html",
        file_name=f"{file_stem(state, session.presets())}.html",
        mime="text/html",
        data=page,
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        T("export.csv"),
        key="download_csv",
        file_name=f"{file_stem(state, session.presets())}.csv",
        mime="text/csv",
        data=lambda: "\ufeff" + trajectories_csv(runs, s.dim, T),  # a byte-order mark: Excel reads UTF-8
        on_click="ignore",
        width="stretch",
    )
    st.caption(T("export.caption"))


def history_ui(setup, state: dict, runs, T) -> None:
    """Loss and learning rate, step by step (or by epoch, for a data loss: the axis ends where the
    shortest run's passes over the data end, so every run is compared on the same data budget)."""
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
    spec = compute.history_json(setup, T.lang, epochs, session.on_phone())
    st.plotly_chart(PreparedFigure(spec), key="history", config=CONFIG)
    if epochs:
        st.caption(T("history.epoch_caption", epochs=f"{epoch_budget(runs):g}"))


def epoch_budget(runs) -> float:
    """The passes over the data every run made: the epoch axis ends there."""
    return min(r.steps_taken / r.per_epoch for r in runs)
