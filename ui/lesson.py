"""A lesson on the page: the question while the class predicts (built by lessons.page from the setup
alone), Reveal, then the answer computed from the runs on the page and what the lesson says about
them. Every text a lesson file holds is shown as plain text (lessons.page.plain)."""

from __future__ import annotations

import streamlit as st

from lessons import number
from lessons.page import Context, plain, predicting
from model.text import NAMES

from . import classroom, compute, session


def context(state: dict, setup, surface) -> Context:
    return Context(state, setup, surface)


def title(lesson, T, menu: dict | None = None) -> str:
    """'3 · Turning up the learning rate': a lesson's title, numbered by its place in the menu (this
    session's, unless given)."""
    text, _ = lesson.text(T.lang)
    return f"{number(lesson.slug, session.presets() if menu is None else menu)} · {text['title']}"


def question(lesson, ctx: Context, state: dict, T, compact: bool) -> None:
    """The question and its choices (or a number box), Reveal, and in presentation mode the lesson
    buttons; after Reveal, the answer and the explanation in the question's place."""
    q = predicting(lesson, ctx, T)
    if not compact:
        _look(lesson, q, T)
    live = classroom.teacher() if compact else None
    if compact:  # one bar: the question, Reveal, the lessons before and after, the class, Exit
        c1, c2, c4, c5, c6, c3 = st.columns([5.5, 1.5, 0.75, 0.75, 1.6, 1.5], vertical_alignment="bottom")
    else:
        c1, c2, c3 = st.columns([6, 1.6, 1.6], vertical_alignment="bottom")
    label = T("lesson.predict", question=plain(q.question))
    if compact:
        label = f"**{plain(title(lesson, T))}** · " + label
    shown = session.revealed(lesson.slug)
    if shown and compact:
        c1.markdown(label)
    elif q.choices:
        c1.radio(label, [plain(c) for c in q.choices], key="lesson_guess", index=None, horizontal=True)
    else:
        c1.number_input(
            label, value=None, key="lesson_guess", format="%g", placeholder=T("lesson.number_help")
        )
    if compact and not shown:  # what the picture shows, one click away (it says nothing of the outcome)
        with c1.expander(T("lesson.look_open")):
            st.markdown(plain(q.look))
    if shown:
        c2.button(T("lesson.hide"), key="lesson_hide", width="stretch", on_click=session.hide_answer)
    elif live:  # the class's Reveal: here and on every student's page
        c2.button(T("lesson.reveal"), key="class_reveal", width="stretch", on_click=classroom.reveal,
                  args=(lesson.slug, lesson.reveal), type="primary")  # fmt: skip
    else:
        c2.button(T("lesson.reveal"), key="lesson_reveal", width="stretch", on_click=session.reveal,
                  args=(lesson.slug, lesson.reveal), type="primary")  # fmt: skip
    present_button(state, T, c3)
    if compact:
        lesson_buttons(lesson, T, c4, c5, live is not None)
        if live is None:
            c6.button(T("class.start"), key="class_start", width="stretch", icon=":material/groups:",
                      help=T("class.start_help"), on_click=classroom.start, args=(lesson, T.lang))  # fmt: skip
        else:  # in the bar, where it started: the tally beside the chart keeps the screen's height
            c6.button(T("class.end_short"), key="class_end", on_click=classroom.end, width="stretch",
                      icon=":material/stop_circle:", help=T("class.end"))  # fmt: skip
    if shown:
        answer(lesson, ctx, T)


def _look(lesson, q, T) -> None:
    st.markdown(f"**{plain(title(lesson, T))}** · **{T('lesson.look')}** {plain(q.look)}")
    if q.lang != T.lang:
        st.caption(T("lesson.other_language", language=NAMES[q.lang]))


def answer(lesson, ctx: Context, T) -> None:
    """Right or not, the answer the runs give, and the explanation filled with what they measure."""
    r = compute.reveal_of(ctx.setup, lesson, T.lang, ctx.state)
    guess = session.guess()
    if isinstance(guess, str):  # a radio's label is the choice's text as shown (escaped)
        guess = next((label for label in r.labels if plain(label) == guess), guess)
    right = r.judge(guess, lesson.question)
    verdict = "" if right is None else T("lesson.right") if right else T("lesson.not_quite")
    fits = r.index is not None or not r.labels
    said = T("lesson.answer_is" if fits else "lesson.no_choice_fits", answer=plain(r.answer))
    st.success(f"{verdict}{said} {plain(r.explanation)}", icon=":material/lightbulb:")


def details(lesson, state: dict, T) -> None:
    """Below the chart after Reveal: why it happens and what to ask the class next."""
    if not session.revealed(lesson.slug):
        return
    r = compute.reveal_of(compute_setup(state), lesson, T.lang, state)
    with st.expander(T("lesson.details"), expanded=not state["present"]):
        if r.why:
            st.markdown(f"**{T('lesson.why')}** {plain(r.why)}")
        if r.ask:
            st.markdown(f"**{T('lesson.ask')}** {plain(r.ask)}")


def compute_setup(state: dict):
    from model.state import setup_from

    return setup_from(state, session.csv_in_use())


def present_button(state: dict, T, where) -> None:
    """Enter or leave presentation mode (the sidebar has the same switch)."""
    on = state["present"]
    where.button(T("present.exit" if on else "present.enter"), key="present_button", width="stretch",
                 icon=":material/close:" if on else ":material/slideshow:",
                 on_click=session.set_value, args=("present", not on))  # fmt: skip


def lesson_buttons(lesson, T, before, after, live: bool = False) -> None:
    """The previous and the next lesson (presentation mode stays on; a lesson opens predicting).
    During a class, Next moves the whole class (class_next) and there is no way back."""
    slugs = list(session.presets())
    i = slugs.index(lesson.slug)
    following = slugs[min(i + 1, len(slugs) - 1)]
    before.button("", icon=":material/skip_previous:", key="lesson_prev", width="stretch", disabled=i == 0 or live,
                  help=T("lesson.prev"), on_click=session.set_value, args=("lesson", slugs[max(i - 1, 0)]))  # fmt: skip
    if live:
        after.button("", icon=":material/skip_next:", key="class_next", width="stretch", disabled=i == len(slugs) - 1,
                     help=T("class.next"), on_click=classroom.advance, args=(following, T.lang))  # fmt: skip
        return
    after.button("", icon=":material/skip_next:", key="lesson_next", width="stretch", disabled=i == len(slugs) - 1,
                 help=T("lesson.next"), on_click=session.set_value, args=("lesson", following))  # fmt: skip
