"""Make a lesson from this picture: the page's settings, a question kind and its parameters, and
the texts in the page's language, as a lesson file (lessons.format) that the app checks, previews as
the class will see it before Reveal, downloads, puts in a link, and opens. Every widget key begins
with author_."""

from __future__ import annotations

import re

import streamlit as st
import tomli_w

from lessons import LessonError, parse
from lessons.format import MAX_TEXT, NOT_SETTINGS, Lesson
from lessons.kinds import KINDS
from lessons.observe import OF
from lessons.page import Context, plain, predicting
from lessons.write import MAX_LINK, to_link
from model.fields import FIELDS
from model.state import encode

from . import session

KIND_NAMES = tuple(k for k in KINDS if k != "observed")  # observed needs measures: written in a file
TEXTS = ("title", "look", "question", "explanation", "why", "ask")
LONG = ("look", "explanation", "why", "ask")


def settings_of(state: dict) -> dict:
    """The picture's settings as a lesson file writes them: the surface, and every value that differs
    from its defaults (what the share link holds), typed."""
    free = dict(state, lesson="free")
    keys = [k for k in encode(free, lang=state["lang"]) if k in FIELDS and k not in NOT_SETTINGS]
    return {"surface": state["surface"]} | {k: state[k] for k in keys if k != "surface"}


def author_ui(s, setup, state: dict, T) -> None:
    """The expander under the picture (not in presentation mode, not inside a lesson's prediction)."""
    with st.expander(T("author.title")):
        st.caption(T("author.intro"))
        kind = st.selectbox(
            T("author.kind"), KIND_NAMES, key="author_kind", format_func=lambda k: T(f"author.kind.{k}")
        )
        question = {"kind": kind} | _params(kind, setup, T)
        written = _texts(T)
        if not written.get("title", "").strip() or not written.get("question", "").strip():
            st.caption(T("author.needs"))
            return
        try:
            lesson = _lesson(state, question, written, T.lang)
            source = lesson.source
        except LessonError as err:
            st.warning(T("author.refused", problem=T.error(err)), icon=":material/edit:")
            return
        _preview(lesson, setup, s, state, T)
        _share(lesson, source, T)


def _params(kind: str, setup, T) -> dict:
    """The kind's parameters as widgets: which run, after how many steps, of what, within what."""
    out = {}
    params = KINDS[kind].params
    runs = max(1, len(setup.optimizers) * (1 + len(setup.lrs)) * (1 + len(setup.starts)))
    cols = st.columns(3)
    i = 0
    for name in ("run", "steps", "step", "of", "by", "which", "above", "tolerance"):
        if name not in params:
            continue
        where = cols[i % 3]
        i += 1
        key = f"author_{name}"
        label = T(f"author.{name}")
        if name == "run":
            out[name] = int(where.number_input(label, 1, runs, value=1, step=1, key=key))
        elif name in ("steps", "step"):
            value = where.number_input(
                label, 0 if name == "steps" else 1, 100_000, value=None, step=1, key=key
            )
            if value is not None:
                out[name] = int(value)
        elif name == "of":
            out[name] = where.selectbox(label, OF, key=key)
        elif name == "by":
            out[name] = where.selectbox(label, ("loss", "distance"), key=key)
        elif name == "which":
            out[name] = where.selectbox(
                label, ("lowest", "highest"), key=key, format_func=lambda w: T(f"author.{w}")
            )
        elif name == "above":
            value = where.number_input(label, value=None, format="%g", key=key)
            if value is not None:
                out[name] = float(value)
        else:
            value = where.number_input(label, 0.0, 1e6, value=None, format="%g", key=key)
            if value is not None:
                out[name] = float(value)
    return out


def _texts(T) -> dict:
    out = {}
    for part in TEXTS:
        widget = st.text_area if part in LONG else st.text_input
        label = T("author.title_field" if part == "title" else f"author.{part}")
        value = widget(label, key=f"author_{part}", max_chars=MAX_TEXT)
        if value and value.strip():
            out[part] = value.strip()
    return out


def _lesson(state: dict, question: dict, written: dict, lang: str) -> Lesson:
    """The lesson these widgets describe, read from its own file's text (so that it passes every
    check a teacher's file does)."""
    return parse(
        tomli_w.dumps({"settings": settings_of(state), "question": question, "text": {lang: written}})
    )


def _preview(lesson: Lesson, setup, s, state: dict, T) -> None:
    """The question as the class will see it before Reveal (nothing of the outcome)."""
    q = predicting(lesson, Context(state, setup, s, None, lesson), T)
    with st.container(border=True):
        st.caption(T("author.preview"))
        st.markdown(f"**{plain(q.title)}**" + (f" · {plain(q.look)}" if q.look else ""))
        st.markdown(T("lesson.predict", question=plain(q.question)))
        if q.choices:
            st.markdown("  \n".join(f"○ {plain(c)}" for c in q.choices))
        else:
            st.caption(T("lesson.number_help"))


def _share(lesson: Lesson, source: str, T) -> None:
    """⬇ lesson file, a link that carries the whole lesson (or why not), and open it now."""
    c1, c2 = st.columns(2)
    stem = re.sub(r"[^\w-]+", "-", lesson.text(T.lang)[0]["title"]).strip("-")[:60] or "lesson"
    c1.download_button(T("author.download"), data=source, file_name=f"{stem}.toml", mime="application/toml",
                       key="author_download", on_click="ignore", width="stretch")  # fmt: skip
    c2.button(
        T("author.open"), key="author_open", on_click=session.open_lesson, args=(lesson,), width="stretch"
    )
    try:
        data = to_link(source)
    except LessonError:
        st.caption(T("author.link_too_long", max=f"{MAX_LINK:,}"))
        return
    base = (st.context.url or "").split("?")[0]
    st.caption(T("author.link"))
    st.code(f"{base}?lesson_data={data}", language=None, wrap_lines=True)
