"""Gradient descent, visualized: the Streamlit page.

The state of the picture (model.state) comes from the share link and the widgets (ui.session), the
sidebar draws its controls (ui.sidebar), the runs are computed and cached (ui.compute) and the
page shows them (ui.views, ui.panels). No math, no figure code and no state rule here.
"""

from __future__ import annotations

import logging

import streamlit as st

from model.state import setup_from
from model.text import texts
from ui import author, classroom, compute, offload, own, panels, session, sidebar, startup, views
from ui.turn import turn


def page(state: dict, over=None, stopped=None) -> None:
    """The page of a state; `over`: the estimated cost of a picture the budget refuses (model.cost);
    `stopped`: why its heavy work was stopped (ui.offload.Refused)."""
    T = texts(state["lang"])
    st.set_page_config(page_title=T("page.title"))
    panels.assets(state)
    with st.sidebar:
        sidebar.sidebar(state, T)
    panels.link_notice(session.take_problems(), T)
    own.problem_ui(T)
    setup = usable_setup(state, T)
    if setup is None:
        session.sync_url(state)
        return
    s = compute.surface_of(setup)
    panels.top(s, setup, state, T)
    problems = panels.problems_of(s, setup, T)
    for text in problems:
        st.info(text, icon=":material/arrow_forward:")
    session.sync_url(state)
    if problems:
        return
    if over is not None or stopped is not None:  # nothing runs: say why, and what fits instead
        panels.too_costly(setup, state, over, stopped, T)
        return
    try:
        runs = compute.runs_of(setup)
    except ValueError as err:  # a hyperparameter the engine refuses: say which and why
        st.info(T("note.cannot_run", problem=T.error(err)), icon=":material/arrow_forward:")
        return
    hidden = panels.predicting(state)  # a prediction is open: the outcome waits for Reveal
    lesson = session.presets().get(state["lesson"])
    if state["present"] and lesson is not None and classroom.teacher() is not None:
        chart, side = st.columns([3, 2])  # a live class: its code, link and tally beside the chart
        with chart:
            views.main_view(s, setup, state, runs, T, hidden)
        with side:
            classroom.panel(lesson, state, T)
    else:
        views.main_view(s, setup, state, runs, T, hidden)
    if hidden:
        st.caption(T("predict.hidden"))
        return
    panels.lesson_details(state, T)
    panels.divergence_notes(s, runs, T)
    panels.stability_ui(s, setup, runs, T)
    panels.history_ui(setup, state, runs, T)
    panels.summary_ui(s, runs, T)
    panels.steps_ui(s, setup, state, runs, T)
    panels.export_ui(s, setup, state, runs, T)
    if not state["present"]:
        author.author_ui(s, setup, state, T)


def usable_setup(state, T):
    """The state's setup; for a typed formula that cannot be used, its message and the last good
    formula in its place (None if there was none yet)."""
    setup = setup_from(state, session.csv_in_use())
    try:
        s = compute.surface_of(setup)
    except ValueError as err:
        last = session.last_good_formula()
        kept = " " + T("note.formula_kept") if last else ""
        st.warning(T("note.formula_problem", problem=T.error(err)) + kept, icon=":material/edit:")
        return setup_from(state | last) if last else None
    if state["surface"] == "custom":
        session.keep_formula({k: v for k, v in state.items() if k.startswith("formula")})
        if not len(s.minima):
            st.caption(T("note.no_minimum"))
    return setup


def heavy_work(setup, state):
    """(the estimate of a picture too costly to compute, why its heavy work stopped): both None
    when the heavy part is done (in worker processes, before the rerun takes its turn) or there is
    none. A formula that cannot be used is the page's to say."""
    try:
        lesson = state["lesson"] in session.presets()
        over = compute.afford(setup, state["view"], state["basin_zoom"], lesson)
        if over is None:
            compute.precompute(setup, state)
        return over, None
    except offload.Refused as refusal:
        if refusal.why == "cancelled":  # the student changed something: the next rerun follows
            st.stop()
        return None, refusal
    except ValueError:
        return None, None


def main() -> None:
    st.set_page_config(page_icon="⛰️", layout="wide")
    startup.start()
    try:
        if "class" in st.query_params and "teacher" not in st.query_params:  # a student's phone
            lang = st.query_params.get("lang")
            panels.assets({"present": False})
            # 120 phones rerun at a Reveal: in turn, most see it early and the tally keeps its pace
            with turn():
                classroom.student_page(lang if lang in ("en", "ko") else session.browser_lang())
            return
        classroom.resume()  # a teacher link: this session runs that class
        own.open_pending()  # a teacher's lesson file or link, before the state's transition
        state = session.begin()
        setup = setup_from(state, session.csv_in_use())
        compute.prepare(setup)  # a typed formula's analysis: no turn needed
        over, stopped = heavy_work(setup, state)
        with turn():
            page(state, over, stopped)
    except Exception as err:  # a last resort: a bug must not put a traceback in front of a class
        logging.getLogger(__name__).exception("the page failed")
        T = texts(st.session_state.get("_state", {}).get("lang", "en"))
        st.warning(T("note.failed", error=f"{type(err).__name__}: {err}"), icon=":material/build:")


if __name__ == "__main__":
    main()
