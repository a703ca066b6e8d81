"""Refusals meant for the person who typed the input (a formula, a CSV file)."""

from __future__ import annotations


class InputError(ValueError):
    """A ValueError whose message is English, with a catalog key and values so that the app can say
    it in the page's language (model.text.Texts.error)."""

    def __init__(self, key: str, message: str, **values):
        super().__init__(message)
        self.key, self.values = key, values
