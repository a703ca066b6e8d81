"""python -m lessons check FILE... | list

check   read each lesson file, check it against its own runs and print its computed answer;
        a refused file is printed as FILE:LINE:COLUMN: message, and the exit status is 1
list    the built-in lessons: slug, lecture note and title
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.text import LANGS, texts

from . import LessonError, builtin, number, parse
from .check import check


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lessons", description="Check and list lesson files.")
    ap.add_argument("--lang", choices=LANGS, default="en", help="the language of messages and titles")
    sub = ap.add_subparsers(dest="command", required=True)
    checking = sub.add_parser("check", help="validate lesson files and print their computed answers")
    checking.add_argument("files", nargs="+", metavar="FILE")
    sub.add_parser("list", help="list the built-in lessons")
    args = ap.parse_args(argv)
    T = texts(args.lang)
    if args.command == "list":
        lessons = builtin()
        for slug, lesson in lessons.items():
            text, _ = lesson.text(args.lang)
            print(f"{number(slug, lessons):>2}  {slug:<20} {lesson.group}  {text['title']}")
        return 0
    failed = 0
    for name in args.files:
        try:
            try:
                raw = Path(name).read_bytes()
            except OSError as err:
                raise LessonError("lessonfile.unreadable", problem=err.strerror or str(err)) from None
            checked = check(parse(raw), args.lang)
        except LessonError as err:
            failed += 1
            print(f"{name}:{err.line or 1}:{err.column or 1}: {T.error(err)}", file=sys.stderr)
            continue
        print(f"{name}: {T('lessonfile.answer', answer=checked.answer)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
