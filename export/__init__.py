"""The command line of the offline export: a lesson or a share link as one self-contained HTML file
(and its trajectories as CSV), computed without Streamlit running.

    python -m export --list
    python -m export --lesson ravine --out ravine.html [--csv ravine.csv] [--lang ko]
    python -m export --link 'surface=linreg&batch_sizes=1,50' --out sgd.html
    python -m export --lesson-file mine.toml --out mine.html     (a teacher's lesson file)

`--link` takes the query string the app writes in its address bar (a share link, with or without
the address before the '?'), so a data loss or a typed formula is rebuilt exactly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import lessons
from lessons import LessonError
from lessons.check import check
from lessons.page import handout_page
from lessons.write import take_lesson_data
from model.experiment import simulate
from model.state import decode, preset_state, setup_from
from model.text import LANGS, texts
from viz.export import trajectories_csv


def picture_export(state: dict, lang: str | None = None, catalog: dict | None = None) -> tuple[str, str]:
    """(HTML, CSV) of a picture given as a state (model.state), computed from scratch. A lesson's
    page has its title, what to look at and its question; the answer, computed from the runs, and
    the lesson's explanation sit in a closed "Answer" section (a handout may go out before class)."""
    catalog = lessons.catalog() if catalog is None else catalog
    T = texts(lang or state["lang"])
    setup = setup_from(state)
    surface = setup.spec.build()
    runs = simulate(setup, surface)
    lesson = catalog.get(state["lesson"])
    number = lessons.number(lesson.slug, catalog) if lesson else ""
    page = handout_page(state, setup, surface, runs, lesson, number, T)
    return page, trajectories_csv(runs, surface.dim, T)


def lesson_export(lesson, lang: str = "en") -> tuple[str, str]:
    """(HTML, CSV) of a lesson: a built-in lesson's slug, or a Lesson (a teacher's file)."""
    catalog = lessons.catalog()
    if isinstance(lesson, str):
        if lesson not in catalog:
            raise ValueError(f"unknown lesson {lesson!r}; choose one of: {', '.join(catalog)}")
        lesson = catalog[lesson]
    else:
        catalog = lessons.catalog([lesson])
    return picture_export(preset_state(lesson) | {"lang": lang}, catalog=catalog)


def link_export(link: str, lang: str | None = None) -> tuple[tuple[str, str], list[str]]:
    """((HTML, CSV), what the link held that could not be used) for a share link's query string."""
    query = urlsplit(link).query if "?" in link else link
    params, lesson, refused = take_lesson_data(dict(parse_qsl(query, keep_blank_values=True)))
    if lesson is not None:
        check(lesson)  # a teacher's lesson holds together before it is exported
    catalog = lessons.catalog([lesson] if lesson is not None else [])
    state, problems = decode(params, lang=lang or "en", presets=catalog)
    return picture_export(state, lang, catalog), problems + ([refused] if refused else [])


def read_lesson(path: str):
    """A teacher's lesson file, read and checked against its own runs (LessonError if refused)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise LessonError("lessonfile.unreadable", problem=err.strerror or str(err)) from None
    return check(lessons.parse(raw)).lesson


def unwritable(path: str) -> str | None:
    """Why `path` cannot be written ('' / None: it can), without leaving a file behind."""
    target = Path(path)
    if target.is_dir():
        return "it is a folder"
    existed = target.exists()
    try:
        with open(target, "a", encoding="utf-8"):
            pass
    except OSError as err:
        return err.strerror or str(err)
    if not existed:
        target.unlink()
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m export", description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print the lesson slugs and titles")
    ap.add_argument("--lesson", help="the lesson to export")
    ap.add_argument("--lesson-file", help="a lesson file (TOML) to export, as a teacher writes it")
    ap.add_argument("--link", help="a share link (or its query string) to export, as the app writes it")
    ap.add_argument("--out", help="the HTML file to write")
    ap.add_argument("--csv", help="also write the trajectories as CSV here")
    ap.add_argument(
        "--lang", choices=LANGS, help="the language of the page (default: English, or the link's)"
    )
    args = ap.parse_args(argv)
    if args.list:
        for lesson in lessons.builtin().values():
            print(f"{lesson.slug}\t{lesson.text(args.lang or 'en')[0]['title']}")
        return 0
    sources = [s for s in (args.lesson, args.lesson_file, args.link) if s]
    if len(sources) != 1 or not args.out:
        ap.error(
            "give --list, or one of --lesson NAME / --lesson-file FILE / --link QUERY, and --out FILE.html"
        )
    for path in filter(None, (args.out, args.csv)):  # before computing anything
        problem = unwritable(path)
        if problem:
            print(f"error: cannot write {path}: {problem}", file=sys.stderr)
            return 2
    try:
        if args.lesson_file:
            page, table = lesson_export(read_lesson(args.lesson_file), args.lang or "en")
        elif args.lesson:
            page, table = lesson_export(args.lesson, args.lang or "en")
        else:
            (page, table), problems = link_export(args.link, args.lang)
            for problem in problems:
                print(f"warning: ignored {problem}", file=sys.stderr)
    except LessonError as err:
        print(err.where(args.lesson_file), file=sys.stderr)
        return 1
    except ValueError as err:  # an unknown lesson, or a link the engine refuses
        print(f"error: {err}", file=sys.stderr)
        return 2
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(page)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(table)
    print(f"wrote {args.out} ({len(page.encode()) / 1e6:.1f} MB)" + (f" and {args.csv}" if args.csv else ""))
    return 0
