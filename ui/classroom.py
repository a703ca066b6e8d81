"""A live class in the page: the teacher starts one from a lesson in presentation mode; students
open `?class=CODE` on their phones, answer, and follow Reveal and Next. The class lives in
live's store (nothing in this server's memory); pages poll it.

Teacher: `class_start`, `class_reveal`, `class_next`, `class_end`; the code, a QR code of the
students' link and the live tally beside the chart. The teacher's powers are a secret kept in the
teacher's session only (a "teacher link" to resume elsewhere is shown on request).
Students: `class_answer` (a choice, or a number); one answer per question, changeable until Reveal.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
import secrets
import time
import urllib.parse

import segno
import streamlit as st

from lessons import LessonError, builtin
from lessons.page import Context, plain, predicting
from lessons.write import from_link, to_link
from live import ClassError, Question, normal_code, open_store
from model.state import preset_state, setup_from
from model.text import texts
from viz.figure import PreparedFigure

from . import compute, session, views

TEACHER_POLL = 0.5  # seconds between the teacher's tally refreshes (the count is late by at most this)
STUDENT_POLL = 1.5  # seconds between a student's looks at the class (Next reaches them within 2 s)
WRONG_SLOW, WRONG_REFUSE = 3, 10  # wrong codes from one page: then each waits, then it is refused
ANSWERS_PER_MINUTE = 30
STUDENT_ID = re.compile(r"[0-9a-f]{32}")
COOKIE = "descent_class_teacher"  # `code.secret` of the class this browser's teacher runs
STUDENT_COOKIE = "descent_class_student"  # this browser's random id as a student (nothing personal)
now = time.monotonic  # the clock of rate limits and waits (a test sets its own)


@st.cache_resource(show_spinner=False)
def store():
    """The class store of this process (live.open_store: DESCENT_CLASS_STORE)."""
    return open_store()


# ------------------------------------------------------------------------------ the teacher
def teacher() -> dict | None:
    """{code, secret} of the class this session runs, or None."""
    return st.session_state.get("_class")


def question_of(lesson, lang: str) -> Question:
    """What the class is asked: the lesson (a teacher's as link data) and how many choices."""
    state = preset_state(lesson) | {"lang": lang}
    setup = setup_from(state)
    q = predicting(lesson, Context(state, setup, compute.surface_of(setup), None, lesson), texts(lang))
    data = "" if lesson.slug in builtin() else to_link(lesson.source)
    return Question(lesson.slug, 0, "predicting", len(q.choices), data)


def start(lesson, lang: str) -> None:
    """class_start: a new class on this lesson."""
    try:
        code, secret = store().create(question_of(lesson, lang))
    except (ClassError, LessonError) as err:
        st.session_state["_class_problem"] = err
        return
    st.session_state["_class"] = {"code": code, "secret": secret}
    st.session_state["_class_cookie"] = f"{code}.{secret}"  # written by the next run (remember)


def reveal(slug: str, changes: dict) -> None:
    """class_reveal: the lesson's Reveal here, and on every student's page."""
    live = teacher()
    try:
        store().reveal(live["code"], live["secret"])
    except ClassError as err:
        st.session_state["_class_problem"] = err
    session.reveal(slug, changes)


def advance(next_slug: str, lang: str) -> None:
    """class_next: the next lesson here and on every student's page, predicting."""
    live = teacher()
    lesson = session.presets()[next_slug]
    try:
        store().advance(live["code"], live["secret"], question_of(lesson, lang))
    except (ClassError, LessonError) as err:
        st.session_state["_class_problem"] = err
    session.set_value("lesson", next_slug)


def end() -> None:
    """class_end: the class and everything it kept are deleted."""
    live = st.session_state.pop("_class", None)
    if live is not None:
        with contextlib.suppress(ClassError):  # already gone (expired): nothing to delete
            store().end(live["code"], live["secret"])
        st.session_state["_class_cookie"] = ""  # forgotten by the next run
        st.session_state["_class_ended"] = True


def resume() -> None:
    """A teacher's class survives a reload: the browser that started it keeps `code.secret` in a
    cookie (COOKIE, 3 hours, this site only), and a teacher link (`?class=CODE&teacher=SECRET`)
    resumes it on another device (the address bar loses the secret at once and opens the class's
    lesson, presenting)."""
    remember()
    T = texts(st.session_state.get("_state", {}).get("lang", "en"))
    if st.session_state.pop("_class_ended", False):
        st.toast(T("class.ended"))
    if teacher() is None:
        kept = cookie(COOKIE)
        code, _, secret = kept.partition(".")
        if _takes_over(normal_code(code), secret):
            st.toast(T("class.resumed"))
    params = st.query_params
    code, secret = normal_code(params.get("class")), params.get("teacher")
    if code is None or not secret:
        return
    if not _takes_over(code, secret):
        st.query_params.clear()
        return
    state = store().state(code)
    lesson_params = {"present": "1"}
    if state.question.lesson_data:
        lesson_params["lesson_data"] = state.question.lesson_data
    else:
        lesson_params["lesson"] = state.question.lesson
    st.query_params.from_dict(lesson_params)


def _takes_over(code: str | None, secret: str) -> bool:
    """This session runs the class if `secret` is its teacher's."""
    if code is None or not secret or store().state(code) is None:
        return False
    try:
        store().check_teacher(code, secret)
    except ClassError:
        return False
    st.session_state["_class"] = {"code": code, "secret": secret}
    return True


def cookie(name: str) -> str:
    """A cookie this browser sent with the page ("" if none)."""
    return (st.context.cookies or {}).get(name, "")


def set_cookie(name: str, value: str) -> None:
    """Write a cookie in this browser, 3 hours (a class's life), this site only. `value`: our own
    tokens (hex, our code alphabet, token_urlsafe): nothing to escape."""
    age = 3 * 3600 if value else 0
    st.html(
        f"<script>document.cookie = '{name}={value}; path=/; max-age={age}; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


def remember() -> None:
    """Write (or clear) the teacher's cookie in this browser, once after a start or an end."""
    value = st.session_state.pop("_class_cookie", None)
    if value is not None:
        set_cookie(COOKIE, value)


def students_link(code: str) -> str:
    base = (st.context.url or "").split("?")[0] or "/"
    return f"{base if base.endswith('/') else base + '/'}?class={code}"


def readable_link(link: str) -> str:
    """The link as escaped HTML that wraps only after its address and before its query (a line
    break inside "127.0.0.1" reads as two addresses from the back row)."""
    base, _, query = link.partition("?")
    return html.escape(base) + ("<wbr>?" + html.escape(query) if query else "")


def local_only(link: str) -> bool:
    """Whether the link names this computer itself: a phone cannot open it."""
    host = urllib.parse.urlsplit(link).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def qr_svg(link: str) -> str:
    """The link as a QR code, an SVG drawn by segno here (nothing fetched)."""
    return segno.make(link, error="m").svg_inline(scale=6, dark="#1B1F24", light="#FFFFFF")


def panel(lesson, state: dict, T) -> None:
    """Beside the chart while a class runs: the code, the QR code and link, the live tally (End is in
    the lesson's bar, where the class started)."""
    live = teacher()
    code = live["code"]
    link = students_link(code)
    code_mark = f"<div class='class-code'>{code}</div>"  # our alphabet only
    if st.session_state.get("_revealed") != lesson.slug:  # after Reveal the tally needs the room
        # the code beside the QR code, not above it: the tally and End fit a 1280x720 projector
        c1, c2 = st.columns([2, 3], vertical_alignment="center")
        c1.image(qr_svg(link), width=160)
        c2.markdown(code_mark, unsafe_allow_html=True)
        c2.caption(T("class.open_link"))
        c2.html(f"<div class='class-link'>{readable_link(link)}</div>")
        if local_only(link):
            c2.caption(T("class.local_link"))
    else:
        st.markdown(code_mark, unsafe_allow_html=True)
    tally(code, lesson, state, T)
    if st.toggle(T("class.teacher_link"), key="class_teacher_link", help=T("class.teacher_link_help")):
        st.code(f"{link}&teacher={live['secret']}", language=None, wrap_lines=True)
    problem = st.session_state.pop("_class_problem", None)
    if problem is not None:
        st.warning(T.error(problem), icon=":material/groups:")


@st.fragment(run_every=TEACHER_POLL)
def tally(code: str, lesson, state: dict, T) -> None:
    """How many joined and answered, and the answers as bars (the right one marked after Reveal)."""
    current = store().state(code)
    if current is None:
        st.caption(T("class.ended"))
        return
    q = current.question
    t = store().tally(code, q.number)
    st.html(
        f"<div class='class-count'>{T('class.joined', n=t.joined)} · {T('class.answered', n=t.answered)}</div>"
    )
    revealed = st.session_state.get("_revealed") == lesson.slug  # "Hide answer" hides the mark too
    if q.choices:
        labels = _labels(lesson, state, T)
        right = compute.reveal_of(setup_from(state), lesson, T.lang, state).index if revealed else None
        st.html(bars(labels, t.counts, right))
    elif t.numbers:
        judge = None
        if revealed:  # after Reveal: the right ones marked, and how many
            r = compute.reveal_of(setup_from(state), lesson, T.lang, state)
            judge = [bool(r.judge(v, lesson.question)) for v in t.numbers]
        shown = ", ".join(f"{'✓ ' * bool(judge and judge[i])}{v:g}" for i, v in enumerate(t.numbers[:40]))
        said = T("class.numbers", numbers=shown)
        if judge is not None:
            said += " " + T("class.numbers_right", right=sum(judge), total=len(judge))
        st.html(f"<div class='class-numbers'>{html.escape(said)}</div>")


def _labels(lesson, state: dict, T) -> tuple[str, ...]:
    setup = setup_from(state)
    return predicting(lesson, Context(state, setup, compute.surface_of(setup), None, lesson), T).choices


def bars(labels, counts, right: int | None) -> str:
    """The class's answers as rows of a label above its bar (long labels wrap, nothing clipped);
    after Reveal the right one green, the others grey, and each row's share. Labels are escaped:
    a teacher's lesson text is shown as text."""
    total, most = max(sum(counts), 1), max(max(counts, default=0), 1)
    rows = []
    for i, (label, n) in enumerate(zip(labels, counts, strict=True)):
        state = "" if right is None else " right" if i == right else " other"
        said = f"{n} ({n / total:.0%})" if right is not None else str(n)
        rows.append(
            f"<div class='tally-row{state}'><div class='tally-label'>{'✓ ' * (i == right)}{html.escape(label)}</div>"
            f"<div class='tally-bar'><span style='width:{85 * n / most:.1f}%'></span><b>{said}</b></div></div>"
        )
    return "<div class='tally'>" + "".join(rows) + "</div>"


# ------------------------------------------------------------------------------ the students
def student_id() -> str:
    """This browser's random id in the class: kept in the link (a reload keeps the answer) and in a
    cookie (a student who opens the class's link or QR code again, in a new tab, is the same student
    with the same answer, not a second one)."""
    ss = st.session_state
    if "_student" not in ss:
        known = (
            v
            for v in (st.query_params.get("me", ""), cookie(STUDENT_COOKIE))
            if STUDENT_ID.fullmatch(v or "")
        )
        ss["_student"] = next(known, None) or secrets.token_hex(16)
    if st.query_params.get("me") != ss["_student"]:
        st.query_params["me"] = ss["_student"]
    if cookie(STUDENT_COOKIE) != ss["_student"] and not ss.get("_student_cookie"):
        set_cookie(STUDENT_COOKIE, ss["_student"])
        ss["_student_cookie"] = True
    return ss["_student"]


def allowed(kind: str, limit: int, seconds: float = 60.0) -> bool:
    """At most `limit` actions of this kind per `seconds` from this session."""
    ss = st.session_state
    moment = now()
    recent = [t for t in ss.get(f"_rate_{kind}", []) if moment - t < seconds]
    ok = len(recent) < limit
    ss[f"_rate_{kind}"] = [*recent, moment] if ok else recent
    return ok


def student_page(lang: str) -> None:
    """What a student's phone shows: the question and an answer, then the answer and the run."""
    T = texts(lang)
    st.html(
        "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}</style>"
    )
    code = normal_code(st.query_params.get("class"))
    state = store().state(code) if code else None
    if state is None and code is not None and st.session_state.get("_joined") == code:
        st.info(T("class.ended"))  # the teacher ended it: not a wrong code
        return
    if state is None:
        join_box(code, T)
        return
    me = student_id()
    if st.session_state.get("_joined") != code:
        if not allowed("join", 10):
            st.warning(T("class.too_fast"))
            return
        store().join(code, me)
        st.session_state["_joined"] = code
    q = state.question
    lesson = _lesson(q)
    if lesson is None:
        st.warning(T("class.ended"))
        return
    lesson_state = preset_state(lesson) | {"lang": lang, "present": False}
    setup = setup_from(lesson_state)
    s = compute.surface_of(setup)
    asked = predicting(lesson, Context(lesson_state, setup, s, None, lesson), T)
    st.markdown(f"### {plain(asked.title)}")
    st.markdown(T("lesson.predict", question=plain(asked.question)))
    own = store().own_answer(code, me, q.number)
    if q.phase == "predicting":
        answer_box(code, me, q, asked, own, T)
    else:
        revealed_view(lesson, lesson_state, setup, asked, own, T)
    problem = st.session_state.pop("_answer_problem", None)
    if problem is not None:
        st.warning(T.error(problem))
    follow(code, q.number, q.phase)


def _lesson(q: Question):
    if q.lesson_data:
        try:
            return from_link(q.lesson_data)
        except LessonError:
            return None
    return builtin().get(q.lesson)


def answer_box(code: str, me: str, q: Question, asked, own, T) -> None:
    """class_answer: a choice (large, for a finger) or a number; sent on every change."""

    def send():
        value = st.session_state.get("class_answer")
        if value is None:
            return
        if not allowed("answer", ANSWERS_PER_MINUTE):
            st.session_state["_answer_problem"] = ClassError("class.too_fast")
            return
        try:
            store().answer(code, me, q.number, value)
        except ClassError as err:
            st.session_state["_answer_problem"] = err

    if q.choices:
        index = int(own) if own is not None and 0 <= own < len(asked.choices) else None
        st.radio(T("class.answer_label"), range(len(asked.choices)), key="class_answer", index=index,
                 format_func=lambda i: plain(asked.choices[i]), on_change=send)  # fmt: skip
    else:
        st.number_input(T("class.answer_label"), value=own, key="class_answer", format="%g", on_change=send,
                        placeholder=T("class.number_help"))  # fmt: skip
    if own is not None:
        said = plain(asked.choices[int(own)]) if q.choices and 0 <= own < len(asked.choices) else f"{own:g}"
        st.caption(T("class.your_answer", answer=said))
    else:
        st.caption(T("class.wait_answer" if q.choices else "class.wait_number"))


def revealed_view(lesson, state: dict, setup, asked, own, T) -> None:
    """After Reveal: right or not, the answer and why, and the run, playing by itself."""
    r = compute.reveal_of(setup, lesson, T.lang, state)
    right = False
    if own is None:
        verdict = T("class.no_answer")
    else:
        guess = asked.choices[int(own)] if asked.choices and 0 <= own < len(asked.choices) else own
        right = bool(r.judge(guess, lesson.question))
        mine = T("class.you_said", answer=plain(guess) if isinstance(guess, str) else f"{guess:g}")
        verdict = T("lesson.right" if right else "lesson.not_quite") + mine
    said = f"{verdict}{T('lesson.answer_is', answer=plain(r.answer))} {plain(r.explanation)}"
    st.success(said) if right else st.info(said)
    spec = compute.main_json(setup, state["view"], T.lang, False, False, False, session.on_phone())
    spec = views.scened(spec, setup, autoplay=True)  # the run plays without a tap (viz/page.js)
    st.plotly_chart(PreparedFigure(spec), key="class_chart", config={"displayModeBar": False})


@st.fragment(run_every=STUDENT_POLL)
def follow(code: str, number: int, phase: str) -> None:
    """Poll the class: when the teacher reveals or moves on, the whole page follows. A poll that
    finds nothing new draws nothing."""
    state = store().state(code)
    if state is None or (state.question.number, state.question.phase) != (number, phase):
        st.rerun()


def join_box(code, T) -> None:
    """A code to type (the link's is not a class). Wrong codes from one page are slowed (after
    WRONG_SLOW, the next try waits 1, 2, 4 ... s; nothing sleeps: the server serves one rerun at a
    time) and then refused. The page stays a student's page (the link keeps its class=)."""
    ss = st.session_state
    given = st.query_params.get("class", "")
    if given and ss.get("_counted") != given:  # the link's own code: one wrong try
        ss["_counted"] = given
        _wrong_try()
    wrong = len(ss.get("_wrong_codes", ()))
    if wrong >= WRONG_REFUSE:
        st.error(T("class.refused"))
        return
    st.markdown(f"### {T('class.join_title')}")
    if wrong:
        st.warning(T("class.no_class"))

    def join():
        left = cooldown()
        if left > 0:
            ss["_join_wait"] = left
            return
        typed = normal_code(ss.get("class_code"))
        if typed is None or store().state(typed) is None:
            _wrong_try()
        ss["_counted"] = typed or "?"
        st.query_params["class"] = typed or "?"

    st.text_input(T("class.code_box"), key="class_code", max_chars=12)
    st.button(T("class.join"), key="class_join", on_click=join, type="primary")
    left = ss.pop("_join_wait", 0)
    if left > 0:
        st.info(T("class.wait", seconds=math.ceil(left)))


def _wrong_try() -> None:
    ss = st.session_state
    ss["_wrong_codes"] = [*ss.get("_wrong_codes", ()), now()]


def cooldown() -> float:
    """Seconds this page must still wait before its next code: 0 for the first WRONG_SLOW wrong
    codes, then 1, 2, 4 ... s after the last one."""
    tries = st.session_state.get("_wrong_codes", ())
    if len(tries) < WRONG_SLOW:
        return 0.0
    return max(0.0, tries[-1] + 2.0 ** (len(tries) - WRONG_SLOW) - now())
