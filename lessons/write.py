"""A lesson as a file and as a link: the TOML text of a Lesson (what the app's "⬇ lesson file"
downloads), and the compressed, URL-safe text a `?lesson_data=` link carries.

    source = dump(lesson)           # parse(source) == lesson (but for its slug, a digest of the text)
    data = to_link(source)          # LessonError over MAX_LINK characters: share the file instead
    lesson = from_link(data)        # LessonError if it is not a lesson
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib

import tomli_w

from .format import MAX_BYTES, Lesson, LessonError, parse

MAX_LINK = 8_192  # characters of lesson_data: longer links break in chat apps and QR codes


def document(lesson: Lesson) -> dict:
    """The lesson as the tables of its file (defaults left out)."""
    meta = {k: v for k, v in (("group", lesson.group), ("order", lesson.order)) if v not in ("yours", 0)}
    if lesson.invites:
        meta["invites"] = list(lesson.invites)
    kind = lesson.kind
    question = {"kind": kind.name} | {
        k: v for k, v in lesson.question.items() if k != "kind" and v != kind.params.get(k)
    }
    if lesson.choices:
        question["choices"] = [list(c) if isinstance(c, tuple) else c for c in lesson.choices]
    doc = {"lesson": meta} if meta else {}
    doc |= {"settings": dict(lesson.settings), "question": question}
    if lesson.reveal:
        doc["reveal"] = dict(lesson.reveal)
    if lesson.measures:
        doc["measure"] = {
            name: {"observe": m.observe} | m.params | ({"format": m.format} if m.format else {})
            for name, m in lesson.measures.items()
        }
    doc["text"] = {
        lang: {k: list(v) if isinstance(v, tuple) else v for k, v in t.items()}
        for lang, t in lesson.texts.items()
    }
    return doc


def dump(lesson: Lesson) -> str:
    """The lesson's file: TOML that reads back as the same lesson."""
    return tomli_w.dumps(_plain(document(lesson)))


def _plain(value):
    """Without None (TOML has no null: a parameter left at None is its default)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_link(source: str) -> str:
    """lesson_data for a lesson's file: zlib-compressed, base64url without padding."""
    data = base64.urlsafe_b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii").rstrip("=")
    if len(data) > MAX_LINK:
        raise LessonError("lessonfile.link_too_long", size=len(data), max=MAX_LINK)
    return data


def from_link(data: str) -> Lesson:
    """The lesson a lesson_data value carries (decompressed to at most MAX_BYTES: a small link cannot
    unpack into a huge text)."""
    if not isinstance(data, str) or len(data) > MAX_LINK or not re.fullmatch(r"[A-Za-z0-9_-]+", data):
        raise LessonError("lessonfile.bad_link")
    try:
        packed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        unpack = zlib.decompressobj()
        raw = unpack.decompress(packed, MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise LessonError("lessonfile.bad_link") from None
    if len(raw) > MAX_BYTES or unpack.unconsumed_tail:
        raise LessonError("lessonfile.too_big", size=len(raw), max=MAX_BYTES)
    if not unpack.eof:  # cut short
        raise LessonError("lessonfile.bad_link")
    return parse(raw)


def take_lesson_data(params: dict) -> tuple[dict, Lesson | None, LessonError | None]:
    """A link's parameters with its lesson_data opened: (the parameters, with lesson = the lesson's
    slug in its place; the lesson; why the lesson_data was refused, if it was)."""
    params = dict(params)
    data = params.pop("lesson_data", None)
    if data is None:
        return params, None, None
    try:
        lesson = from_link(data)
    except LessonError as err:
        return params, None, err
    params["lesson"] = lesson.slug
    return params, lesson, None
