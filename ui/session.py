"""The one place that reads and writes Streamlit's session state.

Each rerun: the state of the last run (`_state`) plus what the person just changed (the widget
values Streamlit put in session state, a click on a chart) goes through model.state.transition; the
result is written back to the widgets' keys before any widget is drawn, and the address bar is
set to its share link. Widgets are drawn with `bind(key)`: they show the state's value and
report a change on the next rerun. A widget that was hidden keeps its value in `_state`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st

import lessons
from lessons.write import to_link
from model.explore import SCRUB_RATES
from model.fields import FIELDS, LR_MAX, LR_MIN
from model.spec import remember_upload
from model.state import decode, encode, transition
from model.text import lang_of_locale
from optimizers.sweep import scrub_rates

CHART_CLICKS = ("chart", "sweep_chart", "scrub_chart", "basin_chart")  # charts a click on changes the state


def superseded() -> bool:
    """Whether this session's rerun is no longer wanted: the student changed something since, and
    Streamlit holds a newer rerun (or a stop) for it. Read from Streamlit's script requests, which
    it checks itself only when the script next draws something; False where that changes."""
    return superseded_here()()


def superseded_here() -> Callable[[], bool]:
    """superseded, bound to this rerun: for threads this rerun starts (they have no script context)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
    except ImportError:
        return lambda: False
    if ctx is None:
        return lambda: False

    def check() -> bool:
        with contextlib.suppress(AttributeError):
            from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

            return ctx.script_requests._state != ScriptRequestType.CONTINUE
        return False

    return check


def browser_lang() -> str:
    return lang_of_locale(getattr(st.context, "locale", None))


def on_phone() -> bool:
    """Whether the browser is a phone: its User-Agent says "Mobile" (phones do, tablets and laptops
    do not). Charts of several panels then stack them (viz.style.stack_panels) and the animation
    buttons take two rows (viz.animation.controls). The server never learns the screen's width,
    and a chart the page's script enlarges in the browser is sized back by Streamlit."""
    try:
        return "Mobile" in (st.context.headers.get("User-Agent") or "")
    except (AttributeError, RuntimeError):  # no browser (AppTest, a script)
        return False


def presets() -> dict:
    """The lessons in play in this session, by slug, in the menu's order: ours, then the
    session's own (opened from a file or a link)."""
    return lessons.catalog(own_lessons())


def own_lessons() -> tuple:
    """The lessons this session opened (a teacher's file, a lesson_data link, one made here)."""
    return st.session_state.get("_own_lessons", ())


def open_lesson(lesson) -> None:
    """Put a checked lesson in this session's menu and choose it (the next rerun applies it)."""
    ss = st.session_state
    if lesson.slug not in {own.slug for own in own_lessons()}:
        ss["_own_lessons"] = (*own_lessons(), lesson)
    ss["lesson"] = lesson.slug


def lesson_problem(problem=None):
    """Why the last lesson file or link could not be opened: (its name, the LessonError) to say
    once, or None. With `problem`: remember it."""
    if problem is not None:
        st.session_state["_lesson_problem"] = problem
        return None
    return st.session_state.pop("_lesson_problem", None)


def begin() -> dict:
    """The state of this rerun, with the transition of the last interaction applied."""
    ss = st.session_state
    sent = {}
    if "_state" not in ss:  # a new session: the share link, or the defaults
        params = ss.pop("_link_params", None) or dict(st.query_params)  # a lesson_data link: ui.own
        state, problems = decode(params, lang=browser_lang(), presets=presets())
        ss["_state"], ss["_problems"], ss["_url"] = state, problems, None
        sent = _sent_values()
    prev = ss["_state"]
    cur = dict(prev) | sent
    for key in FIELDS:
        if key in ss:
            with contextlib.suppress(ValueError):  # a widget never sends an invalid value; keep the last
                cur[key] = FIELDS[key].check(ss[key])
    _apply_clicks(cur)
    csv_prev, csv = ss.get("_csv_prev", ""), ss.get("_csv", "")
    state = transition(prev, cur, csv, csv_prev, presets=presets())
    ss["_csv_prev"] = csv
    if state["lesson"] != prev["lesson"]:  # a new lesson opens predicting
        for key in ("lesson_guess", "_revealed", "_guess"):
            ss.pop(key, None)
    ss["_state"] = state
    for key in FIELDS:
        if key in ss and ss[key] != state[key]:
            ss[key] = state[key]
    return state


TYPED = ("formula",)  # the text inputs (other text fields are choices, sent as their display names)


def _adoptable(key: str) -> bool:
    return key in FIELDS and (FIELDS[key].kind in ("float", "int", "bool") or key in TYPED)


def _sent_values() -> dict:
    """The values a page sent for its number, text and switch widgets with a new session's first
    run: a tab that reconnects to another server (its replica died) sends them with the change the
    student just made. Streamlit files them by widget id until the widgets are drawn, so they are
    read from its session state directly; where that changes, nothing is read (the picture still
    comes from the address)."""
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        states = get_session_state()._state._new_widget_state.states
    except (ImportError, AttributeError):
        return {}
    out = {}
    for widget_id, state in states.items():
        key = widget_id.rsplit("-", 1)[-1]
        proto = getattr(state, "value", None)
        if proto is None or not _adoptable(key):
            continue
        kind = proto.WhichOneof("value") if hasattr(proto, "WhichOneof") else None
        if kind in ("double_value", "int_value", "bool_value", "string_value"):
            with contextlib.suppress(ValueError):
                out[key] = FIELDS[key].check(getattr(proto, kind))
    return out


def bind(key: str) -> str:
    """Prepare widget `key` to show the state's value; returns the key for the widget call."""
    ss = st.session_state
    value = ss["_state"][key]
    if key not in ss or ss[key] != value:
        ss[key] = value
    return key


def state() -> dict:
    return st.session_state["_state"]


def csv_in_use() -> str:
    return st.session_state.get("_csv", "")


def _apply_clicks(cur: dict) -> None:
    """A click on the contour or the basin map selects a point of its invisible grid (the new
    start; from the basin map, back to the contour view to watch that run); a click in the
    learning-rate sweep selects a learning rate, and on a scrubber's path the path's rate (its
    points carry the index of their rate). Each click is applied once. In a lesson a click changes
    only what the lesson invites (the lesson stays open) and never leaves its view."""
    ss = st.session_state
    for key in CHART_CLICKS:
        points = ((ss.get(key) or {}).get("selection") or {}).get("points") or []
        p = points[0] if points else {}
        x, y = p.get("x"), p.get("y")
        if not (isinstance(x, (int, float)) and isinstance(y, (int, float))):
            continue
        where = (key, float(x), float(y), str(p.get("customdata")))
        if ss.get("_clicked") == where:
            continue
        ss["_clicked"] = where
        cur.update(lesson_click(click_changes(key, cur, float(x), float(y), p.get("customdata")), cur))


def lesson_click(changes: dict, cur: dict) -> dict:
    """What of a click's changes a lesson lets through: the settings it invites, and nothing that
    leaves its view. Outside a lesson, all of them."""
    lesson = presets().get(cur["lesson"])
    if lesson is None:
        return changes
    return {k: v for k, v in changes.items() if k in lesson.invites and k != "view"}


def click_changes(key: str, cur: dict, x: float, y: float, customdata=None) -> dict:
    """What a click on chart `key` at (x, y) changes."""
    if key == "chart":
        return {"x0": x, "y0": y}
    if key == "basin_chart":
        return {"x0": x, "y0": y, "view": "contour"}
    if key == "scrub_chart":
        index = customdata[0] if isinstance(customdata, list) and customdata else customdata
        if not (isinstance(index, (int, float)) and 0 <= index < SCRUB_RATES):
            return {}
        lr = scrub_rates(cur["lr"], cur["scrub_decades"], SCRUB_RATES)[int(index)]
        return {"lr": float(min(max(lr, LR_MIN), LR_MAX))}
    return {"lr": float(min(max(x, LR_MIN), LR_MAX))}


def set_value(key: str, value) -> None:
    """A button's callback: the control `key` takes `value` (applied at the start of the rerun)."""
    st.session_state[key] = value


def set_values(changes: dict) -> None:
    """A button's callback that changes several controls at once."""
    st.session_state.update(changes)


def take_problems() -> list[str]:
    """What the share link held that could not be used (reported once)."""
    return st.session_state.pop("_problems", []) or []


def sync_url(state: dict) -> None:
    """Keep the address bar equal to the state's share link."""
    ss = st.session_state
    params = encode(state, lang=browser_lang(), presets=presets())
    own = {lesson.slug: lesson for lesson in own_lessons()}
    if params.get("lesson") in own:  # a teacher's lesson travels whole: the link reopens it anywhere
        with contextlib.suppress(lessons.LessonError):  # too long for a link: only its name
            params = {"lesson_data": to_link(own[params["lesson"]].source)} | {
                k: v for k, v in params.items() if k != "lesson"
            }
    if params != ss.get("_url"):
        ss["_url"] = params
        st.query_params.from_dict(params)


def accept_upload(upload, kind: str, standardize: bool) -> str | None:
    """An uploaded CSV: its key if valid (it becomes the data in use), None if there is no new
    valid file. A bad file's problem is kept in `_csv_error` (the previous data stays)."""
    ss = st.session_state
    ident = (upload.file_id, kind, standardize)
    if ss.get("_csv_file") != ident:
        ss["_csv_file"] = ident
        try:
            ss["_csv"] = remember_upload(upload.getvalue(), kind, standardize, upload.name)
            ss["_csv_error"] = None
            ss.pop("_keep_csv", None)
        except ValueError as err:
            ss["_csv_error"] = (upload.name, err)
    return ss.get("_csv")


def csv_error():
    return st.session_state.get("_csv_error")


def uploader_key() -> str:
    """The CSV uploader's key: a new one after a refused file, which clears the uploader (a widget's
    file cannot be cleared otherwise)."""
    n = st.session_state.get("_uploads_refused", 0)
    return "data_csv" if not n else f"data_csv_{n}"


def refused(upload) -> bool:
    """Note that `upload` was refused (once): the uploader is drawn anew, without it."""
    ss = st.session_state
    if ss.get("_refused_file") == upload.file_id:
        return False
    ss["_refused_file"] = upload.file_id
    ss["_uploads_refused"] = ss.get("_uploads_refused", 0) + 1
    ss["_keep_csv"] = True
    return True


def kept_after_refusal() -> bool:
    """Whether the uploader is empty only because a refused file left it (the data in use stays)."""
    return bool(st.session_state.get("_keep_csv"))


def forget_upload() -> None:
    for key in ("_csv", "_csv_file", "_csv_error", "_keep_csv"):
        st.session_state.pop(key, None)


def revealed(slug: str) -> bool:
    return st.session_state.get("_revealed") == slug


def reveal(slug: str, changes: dict | None = None) -> None:
    """Reveal's callback: the lesson's answer shows, with the class's guess as it was then, and
    the settings the lesson changes on Reveal (the fractal edge zooms in x256) take their values."""
    st.session_state["_revealed"] = slug
    st.session_state["_guess"] = st.session_state.get("lesson_guess")
    st.session_state.update(changes or {})


def hide_answer() -> None:
    """Hide the answer again (for the next class): the lesson is back to predicting, no guess."""
    for key in ("_revealed", "_guess", "lesson_guess"):
        st.session_state.pop(key, None)


def guess():
    return st.session_state.get("_guess")


def keep_formula(formula_and_bounds) -> None:
    st.session_state["_formula_ok"] = formula_and_bounds


def last_good_formula():
    return st.session_state.get("_formula_ok")
