"""Lessons: presets a teacher runs a class from. Each sets every control (its `values` override its
surface's defaults, ui.state.defaults), says what to look at and why it happens, asks the class to
predict, and holds the answer for the Reveal button. Its words live in the text catalogs under
`lesson.<slug>.*` (title, look, why, ask, question, choices, explanation).

`invites` names the controls the lesson asks the class to change: changing them keeps the lesson
open. The slugs are what the app's `lesson` selectbox and links hold and what
`python -m viz.export --list` prints.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    slug: str
    surface: str
    values: dict
    answer: int  # index into the catalog's choices
    invites: tuple[str, ...] = ()


LESSONS = [
    Lesson("seed-example", "quadratic", dict(lr=0.1, x0=5.0, steps=100), answer=0),
    Lesson("too-large", "quadratic", dict(lr=10.0, lrs=[1.0], x0=5.0, steps=100), answer=1),
    Lesson("too-small", "quadratic", dict(lr=0.001, x0=5.0, steps=100), answer=1),
    Lesson("seed-comparison", "quadratic", dict(lr=0.1, lrs=[0.4, 0.001, 10.0], x0=5.0, steps=100), answer=1),
    Lesson("local-minima", "double_well", dict(lr=0.05, x0=1.8, start2=True, x1=-0.2, steps=200), answer=1),
    Lesson(
        "sgd-vs-batch", "linreg", dict(lr=0.05, batch_sizes=[1, 50], steps=300, history_x="epoch"), answer=1
    ),
    Lesson(
        "ravine",
        "ravine",
        dict(
            optimizers=["gd", "momentum"],
            lr=0.035,
            steps=100,
            momentum_momentum=0.7,
            momentum_own_lr=True,
            momentum_lr=0.02,
        ),
        answer=1,
    ),
    Lesson(
        "rosenbrock",
        "rosenbrock",
        dict(
            optimizers=["gd", "momentum", "adam", "newton"],
            lr=0.001,
            steps=500,
            adam_own_lr=True,
            adam_lr=0.05,
            newton_own_lr=True,
            newton_lr=1.0,
        ),
        answer=3,
    ),
    Lesson(
        "saddle",
        "saddle",
        dict(lr=0.05, x0=1.5, y0=0.0, start2=True, x1=1.5, y1=0.01, optimizers=["gd"], steps=300),
        answer=1,
    ),
    Lesson(
        "schedule-rescue",
        "quadratic",
        dict(lr=1.05, x0=5.0, steps=200, schedule="exponential", schedule_gamma=0.95),
        answer=1,
    ),
    Lesson(
        "noise-escape",
        "double_well",
        dict(lr=0.05, x0=1.8, steps=500, noise=5.0, seed=2, schedule="exponential", schedule_gamma=0.99),
        answer=1,
    ),
]
BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def get_lesson(slug: str) -> Lesson:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise ValueError(f"unknown lesson {slug!r}; choose one of: {', '.join(BY_SLUG)}") from None
