"""The page around the main chart: the surface's header, the lesson panel, notes on what happened,
the stability strip, the summary, the step table and the downloads. Every text from the catalog."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import streamlit as st

from model import verdicts
from model.landscape import picture
from model.lessons import BY_SLUG, number
from model.tables import seed_rows
from viz.export import html_page, page_script, trajectories_csv
from viz.figure import PreparedFigure
from viz.runs import fmt, label
from viz.stability import effective_step_figure, stability_figure
from viz.style import color_of, format_lr

from . import compute, session

CONFIG = {"displayModeBar": False}


ASSETS = Path(__file__).parent
STAGE_OFFSET = 150  # px above the chart in presentation mode: the lesson's bar


def assets(state: dict) -> None:
    """The page's CSS (ui/page.css, ui/present.css when presenting) and script (viz/page.js)."""
    css = (ASSETS / "page.css").read_text()
    if state["present"]:
        css += (ASSETS / "present.css").read_text().replace("var(--stage-offset)", f"{STAGE_OFFSET}px")
    st.html(f"<style>{css}</style>")
    st.html(f"<script>{page_script()}</script>", unsafe_allow_javascript=True)


def predicting(state: dict) -> bool:
    """A lesson's prediction is open: its outcome stays off the page until Reveal."""
    return state["lesson"] in BY_SLUG and not session.revealed(state["lesson"])


def top(s, state: dict, T) -> None:
    """Above the chart: the surface and the lesson (its question and Reveal), compact when presenting."""
    lesson = BY_SLUG.get(state["lesson"])
    if state["present"]:
        if lesson is None:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"**{surface_title(state, T)}**")
            present_button(state, T, c2)
        else:
            question_row(lesson, state, T, compact=True)
        return
    header(s, state, T)
    if lesson is not None:
        lesson_panel(lesson, state, T)


def header(s, state: dict, T) -> None:
    left, right = st.columns([1, 1], vertical_alignment="center")
    left.latex(s.latex)
    description = (
        T("surface.custom.description")
        if state["surface"] == "custom"
        else T(f"surface.{state['surface']}.description")
    )
    right.markdown(f"**{surface_title(state, T)}** · {T('surface.dim', dim=s.dim)}  \n{description}")


def surface_title(state: dict, T) -> str:
    if state["surface"] == "custom":
        return T("surface.custom.yours", formula=state["formula"].strip())
    return T(f"surface.{state['surface']}.title")


def link_notice(problems: list, T) -> None:
    if problems:
        said = "; ".join(T.error(p) for p in problems[:6])
        st.info(T("note.link_problems", problems=said), icon=":material/link:")


def lesson_panel(lesson, state: dict, T) -> None:
    slug, facts = lesson.slug, lesson.facts()
    with st.container(border=True):
        st.markdown(
            f"**{lesson_title(slug, T)}** · **{T('lesson.look')}** {T(f'lesson.{slug}.look', **facts)}"
        )
        question_row(lesson, state, T, compact=False)


def question_row(lesson, state: dict, T, compact: bool) -> None:
    """The prediction: the question and its answers, Reveal, and the presentation switch; after
    Reveal, the answer and its explanation."""
    slug, facts = lesson.slug, lesson.facts()
    choices = T.choices(f"lesson.{slug}.choices")
    c1, c2, c3 = st.columns([6, 1.6, 1.6], vertical_alignment="bottom")
    question = T("lesson.predict", question=T(f"lesson.{slug}.question", **facts))
    if compact:
        question = f"**{lesson_title(slug, T)}** · " + question
    if compact and session.revealed(slug):  # the projector: the answer takes the radio's place
        c1.markdown(f"{question}  \n:material/lightbulb: {answer_text(lesson, T)}")
    else:
        c1.radio(question, choices, key="lesson_guess", index=None, horizontal=True)
    c2.button(
        T("lesson.reveal"),
        key="lesson_reveal",
        width="stretch",
        on_click=session.reveal,
        args=(slug,),
        type="primary",
    )
    present_button(state, T, c3)
    if session.revealed(slug) and not compact:  # the projector's explanation goes below the chart
        st.success(
            f"{answer_text(lesson, T)} {T(f'lesson.{slug}.explanation', **facts)}",
            icon=":material/lightbulb:",
        )


def answer_text(lesson, T) -> str:
    """'Right! **23, then the derivative is exactly 0.**' after Reveal."""
    choices = T.choices(f"lesson.{lesson.slug}.choices")
    guess, right = session.guess(), choices[lesson.answer]
    verdict = "" if guess is None else T("lesson.right") if guess == right else T("lesson.not_quite")
    return f"{verdict}**{right}.**"


def present_button(state: dict, T, where) -> None:
    """Enter or leave presentation mode (the sidebar has the same switch)."""
    on = state["present"]
    where.button(T("present.exit" if on else "present.enter"), key="present_button", width="stretch",
                 icon=":material/close:" if on else ":material/slideshow:",
                 on_click=session.set_value, args=("present", not on))  # fmt: skip


def lesson_details(state: dict, T) -> None:
    """Below the chart: what to look at, why it happens and what to ask the class."""
    lesson = BY_SLUG.get(state["lesson"])
    if lesson is None:
        return
    slug, facts = lesson.slug, lesson.facts()
    with st.expander(T("lesson.details"), expanded=not state["present"] or session.revealed(slug)):
        if state["present"]:
            if session.revealed(slug):
                st.success(
                    f"{answer_text(lesson, T)} {T(f'lesson.{slug}.explanation', **facts)}",
                    icon=":material/lightbulb:",
                )
            st.markdown(f"**{T('lesson.look')}** {T(f'lesson.{slug}.look', **facts)}")
        st.markdown(f"**{T('lesson.why')}** {T(f'lesson.{slug}.why', **facts)}")
        st.markdown(f"**{T('lesson.ask')}** {T(f'lesson.{slug}.ask', **facts)}")


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
                icon=":material/block:",
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
                T("stability.text", lam=f"{verdicts.start_sharpness(s, runs[0]):.4g}")  # runs[0] starts at x0
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
                T("summary.final_point"): ", ".join(fmt(v) for v in end)
                if len(end) <= 2
                else T("summary.norm", norm=fmt(float(np.linalg.norm(end)))),
                T("summary.final_loss"): float(run.losses[k]),
                T("summary.steps"): k,
                T("summary.distance"): dist,
            }
        )
    st.dataframe(
        arrow(rows),
        hide_index=True,
        width="stretch",
        column_config={
            T("summary.final_loss"): st.column_config.NumberColumn(format="%.6g"),
            T("summary.distance"): st.column_config.NumberColumn(format="%.3g"),
        },
    )


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


def file_stem(state: dict) -> str:
    """Downloads are named after the lesson, else the surface: ravine.html, seed-loop.csv."""
    return state["lesson"] if state["lesson"] in BY_SLUG else state["surface"]


def export_ui(s, state: dict, runs, T) -> None:
    """Downloads, built only when pressed (the data is a callable), and the share link. A press
    does not rerun the page (on_click="ignore"): by default it would, and a rerun that replaced the
    file the press had asked for left the button spinning, disabled, with nothing downloaded."""
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
        file_name=f"{file_stem(state)}.html",
        mime="text/html",
        data=lambda: html_page(picture(s, runs, T, state), title, [], T.lang, page_script()),
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        T("export.csv"),
        key="download_csv",
        file_name=f"{file_stem(state)}.csv",
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
