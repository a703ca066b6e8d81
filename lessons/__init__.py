"""Lessons as data: one TOML file per lesson (lessons/builtin/<slug>.toml for ours, any file a
teacher writes), read and checked by lessons.format, asked by a question kind whose answer is
computed from the runs on the page (lessons.kinds), with every number its texts state measured
from those runs (lessons.observe), and shown in two phases (lessons.page).

    from lessons import builtin, parse
    lessons = builtin()                       # slug -> Lesson, in the menu's order
    lesson = parse(open("mine.toml").read())  # a teacher's lesson (LessonError if refused)
    python -m lessons check FILE...           # validate and print the computed answer
    python -m lessons list
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .format import Lesson, LessonError, parse

BUILTIN_DIR = Path(__file__).parent / "builtin"
# The menu follows the lecture: its first example (note 003), gradient descent and the learning rate
# (001), batches and local minima (004), optimizers on hard surfaces (002), loss and search (000).
GROUP_ORDER = ("003", "001", "004", "002", "000", "yours")

__all__ = ["Lesson", "LessonError", "builtin", "catalog", "number", "parse"]


@cache
def builtin() -> dict[str, Lesson]:
    """Our lessons, by slug, in the menu's order: by the seed note they come from (in GROUP_ORDER,
    the lecture's), then their order."""
    lessons = [parse(path.read_text(encoding="utf-8"), slug=path.stem) for path in BUILTIN_DIR.glob("*.toml")]
    lessons.sort(key=lambda lesson: (GROUP_ORDER.index(lesson.group), lesson.order, lesson.slug))
    return {lesson.slug: lesson for lesson in lessons}


def catalog(own=()) -> dict[str, Lesson]:
    """The lessons in play for a session: ours, then the session's own (a teacher's files and links)."""
    out = dict(builtin())
    for lesson in own:
        out.setdefault(lesson.slug, lesson)
    return out


def number(slug: str, lessons: dict[str, Lesson]) -> int:
    """A lesson's place in the menu, from 1."""
    return list(lessons).index(slug) + 1
