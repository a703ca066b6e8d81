"""Every string a person reads, in Korean and English: one catalog per language with the same keys
(model/text/ko.py, model/text/en.py), looked up by key and filled with str.format placeholders.

    T = texts("ko")
    T("sidebar.lr")                      -> "학습률"
    T("note.diverged", run="GD", k=6)    -> the sentence with its numbers
    T.choices("lesson.too-large.choices") -> a tuple of answers

A key missing from a catalog is an error (tests/test_text.py compares the catalogs), never a
silent fallback to another language.
"""

from __future__ import annotations

from functools import cache

from surfaces.errors import InputError

from . import en, ko
from .korean import format_ko

CATALOGS = {"ko": ko.TEXT, "en": en.TEXT}
LANGS = tuple(CATALOGS)
NAMES = {"ko": "한국어", "en": "English"}


class Texts:
    """The catalog of one language as a callable: T(key, **values) -> text."""

    def __init__(self, lang: str):
        self.lang = lang
        self.catalog = CATALOGS[lang]

    def __call__(self, key: str, **values) -> str:
        """The text of `key` with its {placeholders} filled ({{ and }} are braces); in Korean the
        particle after each value follows the value's reading."""
        if self.lang == "ko" and values:
            return format_ko(self.catalog[key], **values)
        return self.catalog[key].format(**values)

    def choices(self, key: str) -> tuple[str, ...]:
        return tuple(self.catalog[key])

    def error(self, err: Exception) -> str:
        """A refusal's message in this language: errors that carry a catalog key (`key` and
        `values`, as surfaces' formula and CSV checks raise them) are looked up; others as written."""
        key = getattr(err, "key", None)
        if key and key in self.catalog:  # a value that is itself a refusal is said in this language too
            values = {k: self.error(v) if isinstance(v, Exception) else v for k, v in err.values.items()}
            return self(key, **values)
        if isinstance(err, InputError):  # a key no catalog has: said as it is (never str(), which asks here)
            return f"{key} {err.values}"
        return str(err)

    def has(self, key: str) -> bool:
        return key in self.catalog


@cache
def texts(lang: str) -> Texts:
    return Texts(lang if lang in CATALOGS else "en")


InputError.english = staticmethod(lambda err: texts("en").error(err))  # str() of a refusal: its English


def lang_of_locale(locale: str | None) -> str:
    """The page's language for a browser locale: Korean for ko, ko-KR, ...; English otherwise."""
    return "ko" if (locale or "").lower().startswith("ko") else "en"
