"""A lesson on the page, in its two phases.

    ctx = Context(state, setup, surface)                      what the page knows before Reveal
    q = predicting(lesson, ctx, T)     -> Question              title, look, question, choices
    ctx = ctx.with_runs(runs)                                  the runs on the page
    r = revealed(lesson, ctx, T, guess) -> Reveal               the answer, computed; the texts

`predicting` is given no runs: what it returns is built from the setup alone, so nothing of the
outcome can be on the page before Reveal. `revealed` computes the answer from the runs shown and
fills every {name} of the texts with what the runs measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from model.experiment import plan
from model.landscape import picture
from model.text.korean import after_value
from model.words import surface_description, surface_title
from viz.export import html_page, page_script
from viz.runs import label, power_of_ten

from .format import Lesson, placeholders
from .kinds import Choice, matches
from .observe import OBSERVATIONS, SETUP

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$:~&=^\"'])")


def plain(text: str) -> str:
    """A text as Markdown that shows exactly its characters: every character Streamlit's Markdown
    would read (links, images, HTML, LaTeX, colours, icons) escaped; `code` spans stay code spans
    (inert in Markdown: their text is shown as it is)."""
    parts = text.split("`")
    out = []
    for i, part in enumerate(parts):
        if i % 2 and i < len(parts) - 1:  # inside a pair of backticks
            out.append("`" + part.replace("\n", " ") + "`")
        else:  # outside (after an unpaired backtick, that one shown as a character)
            out.append(("\\`" if i % 2 else "") + MD_SPECIAL.sub(r"\\\1", part).replace("\n", "  \n"))
    return "".join(out)


class Context:
    """What a lesson's texts and answer are computed from: the state, its setup and surface, the
    planned runs, and (after Reveal) the runs themselves. Measures are remembered per context."""

    def __init__(self, state: dict, setup, surface, runs=None, lesson: Lesson | None = None):
        self.state, self.setup, self.surface = state, setup, surface
        self.plan = plan(setup)
        self._runs = runs
        self.lesson = lesson
        self._memo: dict = {}

    @property
    def runs(self):
        if self._runs is None:
            raise LookupError("the runs are not on the page before Reveal")
        return self._runs

    def with_runs(self, runs, lesson: Lesson | None = None) -> Context:
        return Context(self.state, self.setup, self.surface, runs, lesson or self.lesson)

    def of(self, lesson: Lesson) -> Context:
        """This context for `lesson` (its measures), with the same runs or none."""
        return (
            self
            if self.lesson is lesson
            else Context(self.state, self.setup, self.surface, self._runs, lesson)
        )

    def memo(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def measure(self, name: str):
        m = self.lesson.measures[name]
        return self.memo(("measure", name), lambda: m.observation.fn(self, **m.params))


@dataclass(frozen=True)
class Question:
    """The lesson before Reveal: everything here comes from the setup."""

    slug: str
    title: str
    look: str
    question: str
    choices: tuple[str, ...]  # labels; () for a number box
    lang: str  # the language the texts are in (the other one where the file has only that)


@dataclass(frozen=True)
class Reveal:
    """The lesson after Reveal: the answer computed from the runs, and the texts filled with them."""

    answer: str  # the right choice's label (or the number, or the answer in words if no choice fits)
    value: object  # the computed answer (a fate, a run's number, a letter, a number, ...)
    index: int | None  # the right choice among `labels` (None: a number box, or no choice fits)
    labels: tuple[str, ...]
    explanation: str
    why: str
    ask: str
    measured: dict = field(default_factory=dict)

    def judge(self, guess, question: dict) -> bool | None:
        """Whether the class's guess (a choice's label, or a number) is right; None without one."""
        if guess is None:
            return None
        if self.index is not None:
            return guess == self.labels[self.index]
        return (
            isinstance(guess, (int, float))
            and not isinstance(guess, bool)
            and matches(guess, self.value, question)
        )


# ------------------------------------------------------------------------------ values as text
def fmt_value(value, type_: str, spec: str | None, T, ctx=None, vocab: str = "") -> str:
    """A measured value as the texts print it (a word through its vocabulary: fate.diverged)."""
    if value is None:
        return T("value.none")
    if type_ == "word":
        return T(f"{vocab}.{value}")
    if type_ == "run":
        return label(ctx.plan[value - 1], ctx.plan, T)
    if type_ == "runs":  # [(run, value), ...]: "SGD (batch 1) 1.56, full batch 6.22"
        return ", ".join(
            f"{label(ctx.plan[i - 1], ctx.plan, T)} {_number(v, spec or '.3g')}" for i, v in value
        )
    if type_ == "letter":
        return value if len(value) == 1 else T(f"choice.{value}")
    if type_ == "point" and isinstance(value, (tuple, list)):
        return "(" + ", ".join(_number(v, spec or ".3g") for v in value) + ")"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(_number(v, spec or ".4g") for v in value)
    if type_ == "share":
        return _number(value, spec or ".0%")
    if type_ == "count":
        return _number(value, spec or ",")
    return _number(value, spec or ".4g")


def show(m, value, T, ctx) -> str:
    """Measure m's value as the texts print it."""
    return fmt_value(value, m.observation.type, m.format, T, ctx, m.observation.vocab)


def _number(v, spec: str) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v == 0:
        v = 0.0  # never "-0.00"
    if isinstance(v, int) and spec in (",", ""):
        return f"{v:,}"
    if isinstance(v, int) and not spec.endswith(("%", "e", "f", "g")):
        return f"{v:{spec}}"
    text = f"{float(v):{spec}}"
    m = re.fullmatch(r"(-?[\d.]+)e([+-])0*(\d+)", text)
    if m:  # 7.5e+127 -> 7.5×10¹²⁷
        text = power_of_ten(m.group(1), int(m.group(2) + m.group(3)))
        return text.replace("-", "−", 1) if text.startswith("-") else text
    if text.endswith("%"):
        return text
    return text if spec.endswith("e") else text.replace("-", "−", 1) if text.startswith("-") else text


def fill(text: str, values: dict[str, str], lang: str) -> str:
    """`text` with each {name} replaced by its value ({{ and }} stand for braces); in Korean the
    particle after each value follows the value's reading. A formula's = and · keep their
    neighbours on the same line (no-break spaces: "w = 1" never breaks after "w =")."""
    pieces = re.split(r"\{([a-z][a-z0-9_]*)\}", text.replace("{{", "\0").replace("}}", "\1"))
    out = pieces[0]
    for name, literal in zip(pieces[1::2], pieces[2::2], strict=True):
        value = values[name]
        out += value + (after_value(value, literal) if lang == "ko" else literal)
    out = out.replace("\0", "{").replace("\1", "}")
    return re.sub(" ([=·×−]) ", "\u00a0\\1\u00a0", out)


def _setup_values(lesson: Lesson, ctx: Context, T, names) -> dict[str, str]:
    out = {}
    for name in names:
        if name in lesson.measures and lesson.measures[name].observation.phase == SETUP:
            m = lesson.measures[name]
            out[name] = show(m, ctx.measure(name), T, ctx)
        elif name == "schedule":
            out[name] = T(f"schedule.{ctx.state['schedule']}")
        elif name == "surface":
            out[name] = T(f"surface.{ctx.state['surface']}.title")
        elif name in ctx.state:
            value = ctx.state[name]
            out[name] = fmt_value(
                value,
                "count" if isinstance(value, int) and not isinstance(value, bool) else "number",
                None,
                T,
                ctx,
            )
    return out


def _values(lesson: Lesson, ctx: Context, T, texts: list[str], answer, measured: dict) -> dict[str, str]:
    names = {n for t in texts for n in placeholders(t)}
    out = _setup_values(lesson, ctx, T, names)
    for name in names - set(out):
        if name in lesson.measures:
            out[name] = show(lesson.measures[name], ctx.measure(name), T, ctx)
        elif name == "answer":
            out[name] = answer
        else:
            out[name] = fmt_value(measured.get(name), _kind_type(name), None, T, ctx)
    return out


def _kind_type(name: str) -> str:
    return {"step": "count", "final_loss": "number", "value": "number"}.get(name, "number")


# ------------------------------------------------------------------------------ the two phases
def choices_of(lesson: Lesson, ctx: Context, T, texts: dict) -> tuple[list[Choice], tuple[str, ...]]:
    """(the choices, their labels): the file's own, or the kind's (from the setup); none for a
    number box."""
    if lesson.choices:
        labels = texts.get("choices") or tuple(str(c) for c in lesson.choices)
        values = _setup_values(lesson, ctx, T, {n for t in labels for n in placeholders(t)})
        return [Choice(c) for c in lesson.choices], tuple(fill(t, values, T.lang) for t in labels)
    make = lesson.kind.choices
    if make is None:
        return [], ()
    choices = make(ctx, lesson.question)
    return choices, tuple(choice_label(c, ctx, T) for c in choices)


def choice_label(c: Choice, ctx: Context, T) -> str:
    if c.key == "choice.run":
        return label(ctx.plan[c.values["run"] - 1], ctx.plan, T)
    if c.key == "choice.minimum":
        point = fmt_value(c.values["point"], "point", None, T)
        return T("choice.minimum", letter=c.values["letter"], point=point)
    return T(c.key, **c.values)


def predicting(lesson: Lesson, ctx: Context, T) -> Question:
    """The lesson while the class predicts: built from the setup alone (ctx has no runs)."""
    texts, lang = lesson.text(T.lang)
    ctx = Context(ctx.state, ctx.setup, ctx.surface, None, lesson)  # no runs: nothing of the outcome
    parts = {p: texts.get(p, "") for p in ("title", "look", "question")}
    values = _setup_values(lesson, ctx, T, {n for t in parts.values() for n in placeholders(t)})
    _, labels = choices_of(lesson, ctx, T, texts)
    filled = {p: fill(t, values, lang) for p, t in parts.items()}
    return Question(lesson.slug, filled["title"], filled["look"], filled["question"], labels, lang)


def variant(text, answer) -> str:
    """A text, or from a table of texts keyed by the answer, the one for this answer."""
    if isinstance(text, str):
        return text
    key = answer_key(answer)
    return text.get(key, text.get("default", ""))


def answer_key(answer) -> str:
    """How an answer names its text in a table of texts: 'diverged', 'A', 'run2', 'hovers', 'none'."""
    if isinstance(answer, tuple):
        answer = answer[0]
    if isinstance(answer, bool):
        return str(answer).lower()
    if isinstance(answer, int):
        return f"run{answer}"
    if isinstance(answer, str):
        return answer.split(".")[-1].lower()
    return "default"


def revealed(lesson: Lesson, ctx: Context, T) -> Reveal:
    """The lesson after Reveal: the answer computed from ctx's runs, and every text filled with
    what the runs measure."""
    texts, lang = lesson.text(T.lang)
    ctx = ctx.with_runs(ctx.runs, lesson)
    result = lesson.kind.answer(ctx, lesson.question)
    choices, labels = choices_of(lesson, ctx, T, texts)
    index = next((i for i, c in enumerate(choices) if matches(c.value, result.value, lesson.question)), None)
    answer = labels[index] if index is not None else _answer_text(result.value, lesson, ctx, T)
    parts = {p: variant(texts.get(p, ""), result.value) for p in ("explanation", "why", "ask")}
    values = _values(lesson, ctx, T, list(parts.values()), answer, result.measured)
    filled = {p: fill(t, values, lang) for p, t in parts.items()}
    return Reveal(
        answer,
        result.value,
        index,
        labels,
        filled["explanation"],
        filled["why"],
        filled["ask"],
        result.measured,
    )


def _answer_text(value, lesson: Lesson, ctx: Context, T) -> str:
    """A computed answer no choice names, in words."""
    if value is None:
        return T("value.none")
    if isinstance(value, tuple):
        return ", ".join(_answer_text(v, lesson, ctx, T) for v in value)
    kind = lesson.question["kind"]
    if kind in ("lowest_after", "first_to_converge") and isinstance(value, int):
        return label(ctx.plan[value - 1], ctx.plan, T)
    if isinstance(value, str) and kind != "observed":
        return T(f"choice.{value}", steps=ctx.setup.steps) if T.has(f"choice.{value}") else value
    if kind == "observed":
        return show(lesson.measures[lesson.question["measure"]], value, T, ctx)
    return fmt_value(value, "count" if isinstance(value, int) else "number", None, T, ctx)


def setup_only(name: str) -> bool:
    return OBSERVATIONS[name].phase == SETUP


@dataclass(frozen=True)
class Handout:
    """A picture's words on a page of its own (the HTML export): its title, the paragraphs above
    the chart, and a lesson's answer (for a closed section: a handout may go out before class)."""

    title: str
    paragraphs: list[str]
    answer: list[str]


def handout(state: dict, T, ctx: Context | None = None, number: str = "") -> Handout:
    """The handout of a free-play picture (ctx None) or of lesson ctx.lesson, numbered `number`."""
    if ctx is None or ctx.lesson is None:
        return Handout(surface_title(state, T), [surface_description(state, T)], [])
    q, r = predicting(ctx.lesson, ctx, T), revealed(ctx.lesson, ctx, T)
    return Handout(
        f"{number} · {q.title}" if number else q.title,
        [p for p in (q.look, T("lesson.predict", question=q.question)) if p],
        [p for p in (T("lesson.answer_is", answer=r.answer) + " " + r.explanation, r.why, r.ask) if p],
    )


def handout_page(state: dict, setup, surface, runs, lesson: Lesson | None, number: str, T) -> str:
    """The handout as one self-contained HTML page (the picture, the lesson's words, its answer
    folded away): the app's download and `python -m export` make the same page."""
    ctx = Context(state, setup, surface, runs, lesson) if lesson is not None else None
    words = handout(state, T, ctx, number if lesson is not None else "")
    return html_page(
        picture(surface, runs, T, state),
        words.title,
        words.paragraphs,
        T.lang,
        page_script(),
        words.answer,
        T("export.answer"),
    )
