"""The lesson file: TOML, read and checked into a Lesson. docs/lessons.md documents every key.

    [lesson]                       optional: slug, group (the seed note), order, invites
    [settings]                     a share link's keys and values (surface is required)
    [question]                     kind, its parameters, and optionally the written choices' values
    [measure]                      name = { observe = "...", run = 1, ..., format = ".2f" }
    [text.en] / [text.ko]          title, look, question, choices, explanation, why, ask

A file is a stranger's text shown to a class: at most MAX_BYTES, each text at most MAX_TEXT
characters, at most MAX_CHOICES choices, only the documented keys, values in their fields' ranges,
no control characters. Every refusal is a LessonError with a catalog key (lessonfile.*), its values
and, where the file says it, the line and column. Nothing in a file is run, fetched or evaluated:
texts are plain text, and their placeholders are bare names ({final_loss}) looked up in a table.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field

from model.fields import FIELDS, LANGS
from model.text import texts

from .kinds import KINDS
from .observe import OBSERVATIONS, OF, REQUIRED, SETUP

MAX_BYTES = 20_000
MAX_TEXT = 1_000
MAX_CHOICES = 6
MAX_MEASURES = 40
MAX_INVITES = 20
TOP = ("lesson", "settings", "question", "measure", "text", "reveal")
LESSON_KEYS = ("slug", "group", "order", "invites")
TEXT_KEYS = ("title", "look", "question", "choices", "explanation", "why", "ask")
BEFORE_REVEAL = ("title", "look", "question", "choices")  # on the page while the class predicts
VARIANT_PARTS = ("explanation", "why", "ask")  # may be a table keyed by the computed answer
NOT_SETTINGS = ("lang", "lesson", "present")  # the viewer's, not the lesson's
GROUPS = ("000", "001", "002", "003", "004", "yours")
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FORMAT_SPEC = re.compile(r",?(\.\d{1,2})?[efg%]?")
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


class LessonError(ValueError):
    """A refused lesson file: a catalog key (lessonfile.* or a share link's link.*) with its values,
    and where in the file. Its words live in the catalogs only: str() is the English one, and
    the page says it in its own language (model.text.Texts.error)."""

    def __init__(self, key: str, line: int | None = None, column: int | None = None, **values):
        self.key, self.values, self.line, self.column = key, values, line, column
        super().__init__(texts("en").error(self))

    def where(self, name: str = "lesson") -> str:
        """'file:line:column: message' (as compilers print it)."""
        return f"{name}:{self.line or 1}:{self.column or 1}: {self}"


@dataclass(frozen=True)
class Measure:
    name: str
    observe: str
    params: dict
    format: str | None = None

    @property
    def observation(self):
        return OBSERVATIONS[self.observe]


@dataclass(frozen=True)
class Lesson:
    """A lesson read from its file. `settings` are share-link values; `question` is the kind with
    every parameter (defaults filled in); `choices` the written choices' values (() to generate them);
    `texts` by language; `source` the file's text (what a download or a link carries)."""

    slug: str
    settings: dict
    question: dict
    choices: tuple
    measures: dict
    texts: dict
    invites: tuple[str, ...] = ()
    reveal: dict = field(default_factory=dict)  # invited settings Reveal changes (fractal-edge: zoom x256)
    group: str = "yours"
    order: int = 0
    source: str = field(default="", repr=False, compare=False)

    @property
    def surface(self) -> str:
        return self.settings["surface"]

    @property
    def kind(self):
        return KINDS[self.question["kind"]]

    def text(self, lang: str) -> tuple[dict, str]:
        """(the texts to show in `lang`, the language they are in: the other one when the file has
        only that)."""
        if lang in self.texts:
            return self.texts[lang], lang
        other = next(iter(self.texts))
        return self.texts[other], other


# ------------------------------------------------------------------------------ reading
def parse(source: str | bytes, slug: str | None = None) -> Lesson:
    """A Lesson from a file's text (LessonError if it is not a valid lesson). `slug`: the name it is
    known by (a built-in's file name); a teacher's file is named by its content's digest."""
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise LessonError("lessonfile.too_big", size=len(source), max=MAX_BYTES)
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            raise LessonError("lessonfile.not_utf8") from None
    if len(source.encode("utf-8")) > MAX_BYTES:
        raise LessonError("lessonfile.too_big", size=len(source.encode()), max=MAX_BYTES)
    source = source.removeprefix("\ufeff")
    doc = _toml(source)
    where = Locator(source)
    _only(doc, TOP, where, "")
    for table in TOP:
        if table in doc and not isinstance(doc[table], dict):
            raise where.error("lessonfile.not_table", (table,), table=table)
    meta = doc.get("lesson", {})
    _only(meta, LESSON_KEYS, where, "lesson")
    settings = _settings(doc.get("settings"), where)
    invites = _invites(meta.get("invites", []), where)
    reveal = _settings_of(doc.get("reveal", {}), where, "reveal")
    for key in reveal:
        if key not in invites:
            raise where.error("lessonfile.reveal_not_invited", ("reveal", key), name=key)
    question, choices = _question(doc.get("question"), where)
    measures = _measures(doc.get("measure", {}), where)
    texts = _texts(doc.get("text"), where, question, choices)
    lesson = Lesson(
        slug=_slug(meta, slug, source, where),
        settings=settings,
        question=question,
        choices=choices,
        measures=measures,
        texts=texts,
        invites=invites,
        reveal=reveal,
        group=_group(meta.get("group", "yours"), where),
        order=_order(meta.get("order", 0), where),
        source=source,
    )
    _names(lesson, where)
    return lesson


def _toml(source: str) -> dict:
    bad = next(
        (c for c in source if (unicodedata.category(c) == "Cc" and c not in "\n\t\r") or c in BIDI), None
    )
    if bad is not None:
        line = source[: source.index(bad)].count("\n") + 1
        raise LessonError("lessonfile.control", line=line, code=f"U+{ord(bad):04X}")
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        what = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err)) or "malformed TOML"
        raise LessonError("lessonfile.toml", line, col, problem=what) from None
    except RecursionError:
        raise LessonError("lessonfile.too_deep") from None


class Locator:
    """Finds where a key stands in the file, for messages (TOML's parser reports only syntax)."""

    def __init__(self, source: str):
        self.lines = source.splitlines()

    def find(self, path: tuple) -> tuple[int | None, int | None]:
        table, key = ".".join(path[:-1]), path[-1] if path else ""
        current, best = "", None
        for i, line in enumerate(self.lines, start=1):
            header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]+", line)
            if header:
                current = header.group(1).replace(" ", "")
                if current == ".".join(path):
                    return i, 1
                continue
            m = re.match(rf"\s*(\"?{re.escape(str(key))}\"?)\s*=", line)
            if m and (current == table or (table and current.endswith(table))):
                return i, m.start(1) + 1
            if m and best is None:
                best = (i, m.start(1) + 1)
        return best or (None, None)

    def error(self, key: str, path: tuple, **values) -> LessonError:
        line, col = self.find(path)
        return LessonError(key, line, col, **values)


def _only(table: dict, allowed, where: Locator, name: str) -> None:
    for key in table:
        if key not in allowed:
            path = (*name.split("."), key) if name else (key,)
            if not name:
                raise where.error(
                    "lessonfile.unknown_table", path, name=str(key)[:40], allowed=", ".join(allowed)
                )
            raise where.error(
                "lessonfile.unknown_key", path, name=str(key)[:40], table=name, allowed=", ".join(allowed)
            )


def _settings(settings, where) -> dict:
    if not isinstance(settings, dict) or "surface" not in settings:
        raise where.error("lessonfile.no_surface", ("settings",))
    return _settings_of(settings, where, "settings")


def _settings_of(settings, where, table: str) -> dict:
    out = {}
    for key, value in settings.items():
        f = FIELDS.get(key)
        if f is None or key in NOT_SETTINGS:
            raise where.error("lessonfile.unknown_setting", (table, key), name=str(key)[:40])
        try:
            out[key] = f.check(value)
        except ValueError as err:  # the share link's own refusal (link.range, link.not_number, ...)
            values = getattr(err, "values", {})
            field_key = getattr(err, "key", "link.invalid")
            raise where.error(field_key, (table, key), **(values | {"field": f"{table}.{key}"})) from None
    return out


def _invites(invites, where) -> tuple[str, ...]:
    if not isinstance(invites, list) or len(invites) > MAX_INVITES:
        raise where.error("lessonfile.invites", ("lesson", "invites"))
    for key in invites:
        if key not in FIELDS or key in NOT_SETTINGS:
            raise where.error("lessonfile.unknown_setting", ("lesson", "invites"), name=str(key)[:40])
    return tuple(invites)


def _question(q, where) -> tuple[dict, tuple]:
    if not isinstance(q, dict) or "kind" not in q:
        raise where.error("lessonfile.no_kind", ("question",))
    kind = KINDS.get(q["kind"]) if isinstance(q["kind"], str) else None
    if kind is None:
        raise where.error(
            "lessonfile.unknown_kind", ("question", "kind"), name=str(q["kind"])[:40], kinds=", ".join(KINDS)
        )
    _only(q, ("kind", "choices", *kind.params), where, "question")
    out = {"kind": kind.name} | {k: q.get(k, default) for k, default in kind.params.items()}
    for key, value in out.items():
        if key != "kind" and not _param_ok(key, value, kind.name):
            raise where.error("lessonfile.bad_param", ("question", key), name=key)
    return out, _choices(q.get("choices", ()), where)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _param_ok(key: str, value, kind: str) -> bool:
    """Whether a question's parameter holds what its kind needs (None: the kind's default, unset)."""
    if value is None:
        return True
    if key in ("run", "steps", "epochs", "step"):
        if key == "step" and value == "end":
            return True
        return isinstance(value, int) and _number(value) and (1 if key == "run" else 0) <= value <= 100_000
    if key in ("tolerance", "relative"):
        return _number(value) and 0 <= value < 1e12
    if key in ("above", "below"):
        return _number(value) and abs(value) < 1e300
    if key == "which":
        return value in ("lowest", "highest")
    if key == "of":
        return value in OF
    if key == "by":
        return value in ("loss", "distance")
    if key == "measure":
        return kind != "observed" or isinstance(value, str)
    return True


def _choices(choices, where) -> tuple:
    """A question's choices: none (a number is typed) or 2..MAX_CHOICES words, numbers or points."""
    if not isinstance(choices, (list, tuple)) or not 0 <= len(choices) <= MAX_CHOICES or len(choices) == 1:
        raise where.error("lessonfile.choices", ("question", "choices"), max=MAX_CHOICES)
    for c in choices:
        word = isinstance(c, str) and len(c) <= 40
        point = isinstance(c, list) and len(c) == 2 and all(_number(v) for v in c)
        if not (word or _number(c) or point):
            raise where.error("lessonfile.choices", ("question", "choices"), max=MAX_CHOICES)
    return tuple(choices)


def _measures(table, where) -> dict[str, Measure]:
    if not isinstance(table, dict) or len(table) > MAX_MEASURES:
        raise where.error("lessonfile.measures", ("measure",), max=MAX_MEASURES)
    out = {}
    for name, spec in table.items():
        path = ("measure", name)
        if not NAME.fullmatch(name) or name in FIELDS or name in RESERVED:
            raise where.error("lessonfile.bad_name", path, name=name[:40])
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("observe"), str)
            or spec["observe"] not in OBSERVATIONS
        ):
            raise where.error(
                "lessonfile.unknown_observation", path, name=name, names=", ".join(OBSERVATIONS)
            )
        obs = OBSERVATIONS[spec["observe"]]
        _only(spec, ("observe", "format", *obs.params), where, f"measure.{name}")
        params = {}
        for p, default in obs.params.items():
            value = spec.get(p, default)
            if value is REQUIRED:
                raise where.error("lessonfile.missing_param", path, name=name, param=p)
            if not _plain(value):
                raise where.error("lessonfile.bad_param", path, name=f"{name}.{p}")
            params[p] = value
        fmt = spec.get("format")
        if fmt is not None and not (isinstance(fmt, str) and FORMAT_SPEC.fullmatch(fmt)):
            raise where.error("lessonfile.bad_format", path, name=name)
        out[name] = Measure(name, obs.name, params, fmt)
    return out


def _plain(value) -> bool:
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return True
    return isinstance(value, str) and len(value) <= 40 and bool(re.fullmatch(r"[A-Za-z0-9_.-]*", value))


def _texts(table, where, question, choices) -> dict:
    if not isinstance(table, dict) or not table:
        raise where.error("lessonfile.no_text", ("text",))
    _only(table, LANGS, where, "text")
    out = {}
    for lang, written in table.items():
        if not isinstance(written, dict):
            raise where.error("lessonfile.not_table", ("text", lang), table=f"text.{lang}")
        _only(written, TEXT_KEYS, where, f"text.{lang}")
        for part in ("title", "question"):
            if part not in written:
                raise where.error("lessonfile.missing_text", ("text", lang), part=part, lang=lang)
        clean = {}
        for part, value in written.items():
            path = ("text", lang, part)
            if part == "choices":
                if not isinstance(value, list) or len(value) != len(choices) or not choices:
                    raise where.error("lessonfile.choice_texts", path, n=len(choices), lang=lang)
                clean[part] = tuple(_text(v, where, path) for v in value)
            elif isinstance(value, dict) and part in VARIANT_PARTS:
                clean[part] = {str(k): _text(v, where, (*path, k)) for k, v in value.items()}
                for k in clean[part]:
                    if not re.fullmatch(r"[a-z0-9_]{1,40}", k):
                        raise where.error("lessonfile.bad_name", (*path, k), name=k[:40])
            else:
                clean[part] = _text(value, where, path)
        out[lang] = clean
    return out


def _text(value, where, path) -> str:
    if not isinstance(value, str):
        raise where.error("lessonfile.not_text", path, name=".".join(map(str, path)))
    if len(value) > MAX_TEXT:
        raise where.error(
            "lessonfile.text_too_long", path, name=".".join(map(str, path)), n=len(value), max=MAX_TEXT
        )
    return value


def _slug(meta, slug, source, where) -> str:
    if slug is not None:
        return slug
    given = meta.get("slug")
    if given is not None and not (isinstance(given, str) and SLUG.fullmatch(given)):
        raise where.error("lessonfile.bad_slug", ("lesson", "slug"))
    return "t-" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def _group(group, where) -> str:
    if group not in GROUPS:
        raise where.error("lessonfile.bad_group", ("lesson", "group"), groups=", ".join(GROUPS))
    return group


def _order(order, where) -> int:
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 1000:
        raise where.error("lessonfile.bad_param", ("lesson", "order"), name="order")
    return order


# ------------------------------------------------------------------------------ names in texts
RESERVED = frozenset({"answer", "step", "final_loss", "value"})  # what the kinds measure
SETUP_WORDS = frozenset({"schedule", "surface"})  # settings shown as words


def setup_names() -> frozenset[str]:
    """The settings a text may name before Reveal: every number field, and the schedule's name."""
    numeric = {k for k, f in FIELDS.items() if f.kind in ("float", "int") and k not in NOT_SETTINGS}
    return frozenset(numeric) | SETUP_WORDS


def placeholders(text: str) -> list[str]:
    """The {names} a text uses ({{ and }} are literal braces)."""
    return PLACEHOLDER.findall(text.replace("{{", "").replace("}}", ""))


def _names(lesson: Lesson, where) -> None:
    """Every {name} of every text is a bare name the lesson measures or a setting; before Reveal
    (title, look, question, choices) only what the setup decides."""
    setup = setup_names() | {n for n, m in lesson.measures.items() if m.observation.phase == SETUP}
    after = setup | set(lesson.measures) | set(lesson.kind.names)
    for lang, written in lesson.texts.items():
        for part, value in written.items():
            for text in _strings(value):
                for name in placeholders(text):
                    path = ("text", lang, part)
                    if not NAME.fullmatch(name):
                        raise where.error(
                            "lessonfile.bad_placeholder", path, name=name[:40], part=part, lang=lang
                        )
                    if part in BEFORE_REVEAL and name not in setup:
                        if name in after:
                            raise where.error(
                                "lessonfile.outcome_before_reveal", path, name=name, part=part, lang=lang
                            )
                        raise where.error("lessonfile.unknown_name", path, name=name, part=part, lang=lang)
                    if name not in after:
                        raise where.error("lessonfile.unknown_name", path, name=name, part=part, lang=lang)
    if lesson.question["kind"] == "observed":
        measure = lesson.measures.get(lesson.question["measure"])
        if measure is None:
            raise where.error(
                "lessonfile.unknown_name",
                ("question", "measure"),
                name=str(lesson.question["measure"])[:40],
                part="question",
                lang="-",
            )
        if not lesson.choices and measure.observation.type not in ("number", "count", "share"):
            raise where.error("lessonfile.needs_choices", ("question", "choices"))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from value.values()
    else:
        yield from value
