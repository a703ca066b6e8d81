"""Checking a lesson against its own runs: its settings apply as written, its measures name runs
and minima that exist, exactly one written choice is the computed answer, and every text fills in
both phases. `python -m lessons check` and an upload in the app both run it."""

from __future__ import annotations

from dataclasses import dataclass

from model.experiment import simulate
from model.state import preset_state, setup_from
from model.text import texts

from .format import Lesson, LessonError
from .kinds import FATES, matches
from .page import Context, answer_key, predicting, revealed

ONE_D = ("grid_evaluations", "fewer_evaluations", "hilltop", "barrier")  # observations of a curve


@dataclass(frozen=True)
class Checked:
    lesson: Lesson
    answer: str  # the computed answer, as the English page says it
    state: dict


def check(lesson: Lesson, lang: str = "en", runs=None) -> Checked:
    """The lesson's computed answer, said in `lang` (LessonError where the file does not hold
    together). `runs`: the lesson's runs where they are already computed (the app's cache)."""
    state = _state(lesson)
    setup = setup_from(state)
    try:
        surface = setup.spec.build()
    except ValueError as err:
        raise LessonError("lessonfile.surface", problem=err) from None
    ctx = Context(state, setup, surface, lesson=lesson)
    _references(lesson, ctx)
    try:
        ctx = ctx.with_runs(simulate(setup, surface) if runs is None else runs, lesson)
        _written_choices(lesson, ctx)
        for written in lesson.texts:
            T = texts(written)
            predicting(lesson, ctx, T)
            result = lesson.kind.answer(ctx, lesson.question)
            _variants(lesson, written, result.value)
            revealed(lesson, ctx, T)
        return Checked(lesson, revealed(lesson, ctx, texts(lang)).answer, state)
    except LessonError:
        raise
    except (ValueError, ArithmeticError, LookupError, TypeError) as err:  # a measure its runs cannot give
        raise LessonError("lessonfile.cannot_measure", problem=f"{type(err).__name__}: {err}"[:200]) from None


def _state(lesson: Lesson) -> dict:
    state = preset_state(lesson)
    for key, value in lesson.settings.items():
        if state[key] != value:
            raise LessonError("lessonfile.not_applied", name=key)
    return state


def _references(lesson: Lesson, ctx: Context) -> None:
    n = len(ctx.plan)
    minima = len(ctx.surface.minima)
    runs = [("question", lesson.question.get("run"))] + [
        (f"measure {m.name}", m.params.get("run")) for m in lesson.measures.values()
    ]
    for where, run in runs:
        if run is not None and not (isinstance(run, int) and 1 <= run <= n):
            raise LessonError("lessonfile.no_run", where=where, run=run, n=n)
    for m in lesson.measures.values():
        index = m.params.get("index")
        if m.observe in (
            "minimum",
            "grid_evaluations",
            "minimum_loss",
            "curvature_at_minimum",
            "critical_rate",
            "hilltop",
            "barrier",
            "basin_share",
            "basin_gone",
        ) and not (isinstance(index, int) and 1 <= index <= minima):
            raise LessonError("lessonfile.no_minimum", where=m.name, index=index, n=minima)
        if m.observe in ONE_D and ctx.surface.dim != 1:
            raise LessonError("lessonfile.needs_1d", where=m.name, observe=m.observe)
        if m.observe == "setting" and m.params["key"] not in ctx.state:
            raise LessonError("lessonfile.unknown_setting", name=m.params["key"])


def _written_choices(lesson: Lesson, ctx: Context) -> None:
    if not lesson.choices:
        return
    kind = lesson.question["kind"]
    allowed = {
        "outcome": set(FATES),
        "which_minimum": {chr(ord("A") + i) for i in range(len(ctx.surface.minima))} | {"stalled", "none"},
        "first_to_converge": set(range(1, len(ctx.plan) + 1)) | {"none"},
        "lowest_after": set(range(1, len(ctx.plan) + 1)),
        "which_run": set(range(1, len(ctx.plan) + 1)) | {"none"},
    }.get(kind)
    for c in lesson.choices:
        if allowed is not None and c not in allowed:
            raise LessonError("lessonfile.bad_choice", choice=str(c), kind=kind)
    answer = lesson.kind.answer(ctx, lesson.question).value
    hits = [c for c in lesson.choices if matches(c, answer, lesson.question)]
    if len(hits) != 1:
        raise LessonError(
            "lessonfile.no_match" if not hits else "lessonfile.many_match", answer=str(answer), n=len(hits)
        )


def _variants(lesson: Lesson, lang: str, answer) -> None:
    for part, text in lesson.texts[lang].items():
        if isinstance(text, dict) and answer_key(answer) not in text and "default" not in text:
            raise LessonError("lessonfile.no_variant", part=part, lang=lang, answer=answer_key(answer))
