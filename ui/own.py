"""A teacher's lesson opened in this session: a file uploaded in the sidebar (`lesson_file`) or a
link's `lesson_data`. Each is read (lessons.format), checked against its own runs (lessons.check:
the runs computed as the page computes them, within the budget), and put in the session's menu; a
refusal is said once, in the page's language, and the picture stays as it was."""

from __future__ import annotations

import streamlit as st

from lessons import LessonError, parse
from lessons.check import check
from lessons.write import take_lesson_data
from model.state import preset_state, setup_from

from . import compute, session


def open_pending() -> None:
    """Before the state's transition: a new session's lesson_data link, and a newly uploaded file."""
    ss = st.session_state
    if "_state" not in ss and "lesson_data" in st.query_params:
        params, lesson, refused = take_lesson_data(dict(st.query_params))
        try:
            if refused is not None:
                raise refused
            adopt(lesson)
            ss["_own_lessons"] = (*session.own_lessons(), lesson)
        except LessonError as err:
            params.pop("lesson", None)
            session.lesson_problem(("lesson_data", err))
        ss["_link_params"] = params
    upload = ss.get("lesson_file")
    if upload is not None and ss.get("_lesson_file_id") != upload.file_id:
        ss["_lesson_file_id"] = upload.file_id
        try:
            lesson = adopt(parse(upload.getvalue()))
        except LessonError as err:
            session.lesson_problem((upload.name, err))
        else:
            session.open_lesson(lesson)


def adopt(lesson):
    """The lesson, if its picture fits the budget and it holds together on its own runs."""
    state = preset_state(lesson)
    setup = setup_from(state)
    try:
        over = compute.afford(setup, state["view"], state["basin_zoom"])
    except ValueError as err:  # its formula or data cannot be used
        raise LessonError("lessonfile.surface", problem=err) from None
    if over is not None:
        raise LessonError(
            "lessonfile.too_costly", seconds=f"{over.seconds:.1f}", mb=f"{over.bytes / 1e6:.0f}"
        )
    return check(lesson, runs=compute.runs_of(setup)).lesson


def problem_ui(T) -> None:
    """The last lesson file's or link's refusal, said once (with where in the file, when known)."""
    problem = session.lesson_problem()
    if problem is None:
        return
    name, err = problem
    message = T.error(err)
    if err.line:
        message = T("lessonfile.at", line=err.line, column=err.column or 1, message=message)
    key = "lesson.refused_link" if name == "lesson_data" else "lesson.refused_file"
    st.warning(T(key, name=name, problem=message), icon=":material/description:")
