"""Share links in the app: the address bar follows the state, a link opens its picture, a tampered
link is handled gently."""

import pytest

from lessons import builtin
from model.fields import FIELDS
from model.state import decode, defaults

from .conftest import chart_spec, fresh, no_exception, state_of


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"surface": "nope"}, "surface"),
        ({"optimizers": "adam,sgdd"}, "optimizers"),
        ({"lr": "nan"}, "lr"),
        ({"lr": "1e300"}, "lr"),
        ({"steps": "2.5"}, "steps"),
        ({"steps": "ten"}, "steps"),
        ({"adam_amsgrad": "maybe"}, "adam_amsgrad"),
        ({"x0": "x" * 10_000}, "x0"),
        ({"whatever": "1"}, "whatever"),
        ({"lrs": "0.1,inf"}, "lrs"),
        ({"view": "4d"}, "view"),
        ({"lesson": "nope"}, "lesson"),
    ],
)
def test_bad_keys_fall_back_to_defaults_and_are_reported(params, bad):
    state, problems = decode(
        {"surface": "quadratic", **params} if "surface" not in params else params, presets=builtin()
    )
    assert any(f"`{bad}`" in str(p) and p.values.get("field", "lesson") == bad for p in problems)
    assert state["lr"] == defaults("quadratic")["lr"] or "lr" not in params
    for key, f in FIELDS.items():  # everything that is left is valid
        f.check(state[key])


def test_the_app_opens_a_link_and_says_what_it_dropped():
    at = fresh(
        {
            "surface": "rosenbrock",
            "optimizers": "adam,gd",
            "lr": "0.002",
            "steps": "abc",
            "bogus": "1",
            "x0": "nan",
        }
    )
    no_exception(at)
    assert at.selectbox(key="surface").value == "rosenbrock"
    assert (
        at.multiselect(key="optimizers").value == ["adam", "gd"] and at.number_input(key="lr").value == 0.002
    )
    assert at.number_input(key="steps").value == 300 and at.number_input(key="x0").value == -1.5
    notice = " ".join(i.value for i in at.info)
    assert "could not be used" in notice and "steps" in notice and "bogus" in notice
    assert chart_spec(at)["frames"]


def test_the_url_follows_the_controls():
    at = fresh()
    at.number_input(key="lr").set_value(0.4).run()
    assert dict(at.query_params) in (
        {"surface": "quadratic", "lr": "0.4"},
        {"surface": ["quadratic"], "lr": ["0.4"]},
    )
    at.selectbox(key="lesson").set_value("ravine").run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params == {"surface": "ravine", "lesson": "ravine"}
    back, problems = decode(params, presets=builtin())
    assert problems == [] and back == state_of(at)


def test_a_lesson_link_opens_the_lesson_with_its_values():
    at = fresh({"lesson": "too-large"})
    no_exception(at)
    assert at.selectbox(key="lesson").value == "too-large" and at.number_input(key="lr").value == 10.0
    names = [d.get("name") for d in chart_spec(at)["data"]]
    assert "GD · lr 10" in names and "GD · lr 1" in names
    at.button(key="lesson_reveal").click().run()
    assert any("diverged at step" in w.value for w in at.warning)


def test_switching_surface_in_the_app_leaves_no_stale_key_in_the_url():
    at = fresh()
    at.selectbox(key="surface").set_value("rosenbrock").run()
    at.checkbox(key="adam_own_lr").check().run()
    no_exception(at)
    assert at.number_input(key="adam_lr").value == 0.001
    names = [d.get("name") for d in chart_spec(at)["data"]]
    assert "Adam · lr 0.001" in names
    assert {k: v for k, v in at.query_params.items()} in (
        {"surface": "rosenbrock", "adam_own_lr": "1"},
        {"surface": ["rosenbrock"], "adam_own_lr": ["1"]},
    )
