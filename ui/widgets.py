"""A field's widget, drawn from its schema (model.fields.FIELDS): range, step and format come from
the one place that also checks a link's values, so the two cannot disagree."""

from __future__ import annotations

import streamlit as st

from model.fields import FIELDS

from . import session


def number(key: str, label: str, where=st, **extra):
    """A number input bound to field `key` (its widget key and URL key)."""
    f = FIELDS[key]
    if f.kind == "int":
        return where.number_input(
            label, int(f.lo), int(f.hi), step=int(f.step or 1), key=session.bind(key), **extra
        )
    return where.number_input(
        label, float(f.lo), float(f.hi), step=f.step, format=f.format, key=session.bind(key), **extra
    )


def slider(key: str, label: str, where=st, **extra):
    """A slider over field `key`'s range, in its steps."""
    f = FIELDS[key]
    return where.slider(label, f.lo, f.hi, step=f.step, key=session.bind(key), **extra)
