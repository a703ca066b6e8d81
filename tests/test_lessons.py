"""Every lesson: it runs, renders, and shows what its explanation says."""

import string

import numpy as np
import pytest

from model.lessons import BY_SLUG, LESSONS
from model.state import lesson_state
from model.text import texts

from .conftest import chart_spec, fresh, lesson_runs, no_exception, state_of

runs_of = lesson_runs


def test_eleven_lessons_with_unique_slugs_and_a_right_answer():
    assert len(LESSONS) >= 11 and len(BY_SLUG) == len(LESSONS)
    for lang in ("en", "ko"):
        T = texts(lang)
        for lesson in LESSONS:
            slug = lesson.slug
            assert 0 <= lesson.answer < len(T.choices(f"lesson.{slug}.choices"))
            assert T(f"lesson.{slug}.look") and T(f"lesson.{slug}.why") and T(f"lesson.{slug}.ask")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("slug", list(BY_SLUG))
def test_every_claim_of_every_lesson_holds_on_its_own_run(slug):
    lesson = BY_SLUG[slug]
    runs, state = lesson_runs(slug), lesson_state(slug)
    for claim in lesson.claims:
        measured = claim.measure(runs, state)
        assert claim.holds(measured), f"{slug}: {claim.name} is {measured!r}, the lesson says {claim.value!r}"


@pytest.mark.parametrize("slug", list(BY_SLUG))
def test_lesson_texts_state_numbers_only_through_their_claims(slug):
    """Every {placeholder} of a lesson's texts is one of its claims, in every language (a claim may
    also back an answer without being printed)."""
    lesson = BY_SLUG[slug]
    names = {c.name for c in lesson.claims}
    for lang in ("en", "ko"):
        T = texts(lang)
        used = set()
        for part in ("look", "why", "ask", "question", "explanation"):
            used |= placeholders(T.catalog[f"lesson.{slug}.{part}"])
        assert used <= names, (lang, used - names)


def test_the_seed_loop_is_the_lectures_loop_number_for_number():
    """The lesson reproduces seed 003's printed numbers (its loop, verbatim, in tests/test_seed.py)."""
    from .test_seed import seed_loop

    runs = lesson_runs("seed-loop")
    for lr in (0.4, 0.001, 10.0):
        expected = seed_loop(2, lr)
        path = runs[("gd", lr, 0, None)].path[:, 0]
        got = path[: runs[("gd", lr, 0, None)].steps_taken + 1]
        assert len(got) == len(expected)
        np.testing.assert_allclose(got, np.array(expected, dtype=float), rtol=1e-12)


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_lesson_renders_in_the_app(slug):
    at = fresh()
    at.selectbox(key="lesson").set_value(slug).run()
    no_exception(at)
    lesson = BY_SLUG[slug]
    assert at.selectbox(key="surface").value == lesson.surface and state_of(at)["lesson"] == slug
    assert any(texts("en")(f"lesson.{slug}.title") in m.value for m in at.markdown)
    if lesson.values.get("view") == "basins":  # the lesson's question is about the map itself
        assert chart_spec(at, "basin_chart")["layout"]["sliders"][0]["steps"]
    else:
        assert chart_spec(at)["frames"]
    if slug == "too-large":
        assert not any("diverged at step" in w.value for w in at.warning)  # the outcome waits for Reveal
        at.button(key="lesson_reveal").click().run()
        assert any("diverged at step" in w.value for w in at.warning)


def test_reveal_and_switching_to_free_play_keeps_the_values():
    at = fresh()
    at.selectbox(key="lesson").set_value("too-large").run()
    at.radio(key="lesson_guess").set_value("No, it bounces between 5 and −3 for ever").run()
    at.button(key="lesson_reveal").click().run()
    assert any(s.value.startswith("Right! **No, it bounces") for s in at.success)
    assert at.number_input(key="lr").value == 10.0 and at.multiselect(key="lrs").value == [1.0]
    at.number_input(key="steps").set_value(50).run()
    no_exception(at)
    assert at.selectbox(key="lesson").value == "free"
    assert at.number_input(key="lr").value == 10.0 and at.multiselect(key="lrs").value == [1.0]
    assert at.number_input(key="steps").value == 50
