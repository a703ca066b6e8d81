"""Every lesson: it runs, renders, and shows what its explanation says."""

import numpy as np
import pytest

from ui.lessons import BY_SLUG, LESSONS
from ui.text import texts

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


def test_1_one_step_from_5_gives_4_2():
    (run,) = runs_of("seed-example").values()
    assert run.path[1, 0] == pytest.approx(4.2, abs=1e-15)


def test_2_lr_10_diverges_and_lr_1_bounces():
    runs = runs_of("too-large")
    assert runs[("gd", 10.0, 0, None)].status == "diverged"
    bounce = runs[("gd", 1.0, 0, None)]
    assert bounce.status == "moving" and set(bounce.path[:, 0].tolist()) == {5.0, -3.0}


def test_3_lr_0_001_ends_near_4_27():
    (run,) = runs_of("too-small").values()
    assert round(run.path[-1, 0], 2) == 4.27


def test_4_the_four_rates_of_the_lecture():
    runs = runs_of("seed-comparison")
    assert {k[1] for k in runs} == {0.1, 0.4, 0.001, 10.0}
    assert runs[("gd", 0.4, 0, None)].converged_at < runs[("gd", 0.1, 0, None)].converged_at


def test_5_two_starts_end_in_two_different_minima():
    runs = list(runs_of("local-minima").values())
    ends = sorted(round(r.path[r.steps_taken, 0], 2) for r in runs)
    assert ends == [-1.06, 0.93]


def test_6_sgd_and_full_batch_on_the_same_data():
    runs = runs_of("sgd-vs-batch")
    assert {k[3] for k in runs} == {1, None}


def test_7_momentum_reaches_a_lower_loss_than_gd():
    runs = runs_of("ravine")
    gd = runs[("gd", 0.035, 0, None)]
    mom = runs[("momentum", 0.02, 0, None)]
    assert mom.losses[mom.steps_taken] < 1e-3 * gd.losses[gd.steps_taken]


def test_8_newton_reaches_the_minimum_first():
    runs = runs_of("rosenbrock")
    newton = next(r for k, r in runs.items() if k[0] == "newton")
    assert newton.status == "converged" and np.allclose(newton.path[newton.steps_taken], [1, 1], atol=1e-6)
    assert all(newton.converged_at <= r.steps_taken for r in runs.values())


def test_9_the_ridge_start_stalls_at_the_saddle_and_the_nudged_one_escapes():
    runs = runs_of("saddle")
    ridge, nudged = runs[("gd", 0.05, 0, None)], runs[("gd", 0.05, 1, None)]
    assert np.allclose(ridge.path[ridge.steps_taken], [0, 0], atol=1e-6)
    assert np.allclose(np.abs(nudged.path[nudged.steps_taken]), [0, 1], atol=1e-3)


def test_10_the_schedule_rescues_lr_1_05():
    (run,) = runs_of("schedule-rescue").values()
    assert run.status == "converged" and abs(run.path[run.steps_taken, 0] - 1) < 1e-6
    assert abs(run.path[1, 0] - 1) > abs(run.path[0, 0] - 1)  # the first step overshoots, growing


def test_11_noise_carries_the_run_into_the_deep_valley():
    (run,) = runs_of("noise-escape").values()
    assert run.path[run.steps_taken, 0] < -0.9


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_lesson_renders_in_the_app(slug):
    at = fresh()
    at.selectbox(key="lesson").set_value(slug).run()
    no_exception(at)
    lesson = BY_SLUG[slug]
    assert at.selectbox(key="surface").value == lesson.surface and state_of(at)["lesson"] == slug
    assert any(texts("en")(f"lesson.{slug}.title") in m.value for m in at.markdown)
    assert chart_spec(at)["frames"]
    if slug == "too-large":
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
