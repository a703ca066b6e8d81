"""Helpers shared by the test modules (they import these; they never import each other)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import model.text  # noqa: F401  (installs str() of a refusal: its English, from the catalog)

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def fresh(query: dict | None = None, timeout: float = 90, **state) -> AppTest:
    """The app after its first run, opened with a share link's `query` and/or with widgets set."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if query:
        at.query_params.update(query)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def chart_spec(at, key="chart") -> dict:
    """The Plotly JSON of the chart with widget key `key`."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(f"-{key}"):
            return json.loads(chart.proto.spec)
    raise AssertionError(f"no chart with key {key!r}")


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "could not be drawn" in w.value or "그릴 수 없" in w.value]


def state_of(at) -> dict:
    """The app's state (model.state) after the last run."""
    return at.session_state["_state"]


def finite_numbers(node):
    """Every number in a JSON tree (base64 typed arrays are decoded)."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            yield from np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
            return
        for v in node.values():
            yield from finite_numbers(v)
    elif isinstance(node, list):
        for v in node:
            yield from finite_numbers(v)
    elif isinstance(node, float):
        yield node


def lesson_state(slug: str) -> dict:
    """A built-in lesson's state, as the app opens it."""
    from lessons import builtin
    from model.state import preset_state

    return preset_state(builtin()[slug])


def lesson_runs(slug):
    """The runs of a lesson, computed as the app computes them, by (optimizer, lr, start, batch)."""
    from lessons import builtin
    from model.experiment import simulate
    from model.state import preset_state, setup_from

    setup = setup_from(preset_state(builtin()[slug]))
    return {(r.optimizer, r.lr, r.start, r.batch_size): r for r in simulate(setup)}


def csv_uploader(at):
    """The sidebar's CSV uploader (the lesson file uploader is the other one)."""
    return next(u for u in at.get("file_uploader") if "-data_csv" in u.proto.id)


def lesson_page(slug_or_lesson, lang="en", **changes):
    """(question, reveal, runs, state) of a lesson as the page shows it, with some settings changed
    as a class would (through the state's own transition: the lesson stays open if it invites them)."""
    from lessons import builtin
    from lessons.page import Context, predicting, revealed
    from model.experiment import simulate
    from model.state import preset_state, setup_from, transition
    from model.text import texts

    lesson = builtin()[slug_or_lesson] if isinstance(slug_or_lesson, str) else slug_or_lesson
    state = preset_state(lesson)
    if changes:
        state = transition(state, dict(state, **changes), presets={lesson.slug: lesson})
    setup = setup_from(state)
    surface = setup.spec.build()
    runs = simulate(setup, surface)
    ctx = Context(state, setup, surface)
    T = texts(lang)
    return predicting(lesson, ctx, T), revealed(lesson, ctx.with_runs(runs, lesson), T), runs, state
