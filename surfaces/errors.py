"""Refusals meant for the person who typed the input (a formula, a CSV file, a link): a catalog key
and its values, never words. The app says them in the page's language (model.text.Texts.error);
str() gives the English (model.text installs how, `InputError.english`: the catalogs live above
this layer)."""

from __future__ import annotations


class InputError(ValueError):
    """A refusal: `key` names its text in the catalogs, `values` fill it in."""

    english = staticmethod(lambda err: f"{err.key} {err.values}")  # replaced by model.text

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values

    def __str__(self) -> str:
        return InputError.english(self)

    def __reduce__(self):  # picklable (a worker process sends refusals back)
        return (_rebuild, (self.key, self.values))

    @property
    def refusal(self) -> Refusal:
        """What to remember of this refusal (a cache keeps data, not an exception whose traceback
        would grow each time it is raised again)."""
        return Refusal(self.key, tuple(self.values.items()))


class Refusal(tuple):
    """A remembered refusal: (key, values); `error()` is a fresh InputError to raise."""

    def __new__(cls, key: str, values: tuple = ()):
        return super().__new__(cls, (key, values))

    def error(self) -> InputError:
        return InputError(self[0], **dict(self[1]))


def _rebuild(key, values):
    return InputError(key, **values)
