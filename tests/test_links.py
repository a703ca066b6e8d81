"""Share links: the whole state in the URL, round-tripped, and tampered links handled gently."""

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from viz.lessons import LESSONS
from viz.state import FIELDS, decode, defaults, encode

from .test_app import APP, chart_spec, no_exception


def through_url(state):
    query = urlencode(encode(state))  # what the address bar holds
    return decode(dict(parse_qsl(query, keep_blank_values=True)))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_state_round_trips(lesson):
    state = lesson.state()
    back, problems = through_url(state)
    assert problems == []
    assert {k: back[k] for k in FIELDS} == {k: state[k] for k in FIELDS}


def test_a_hand_made_state_round_trips():
    state = defaults("rosenbrock") | dict(
        optimizers=["adam", "newton"],
        lr=0.0123,
        lrs=[0.001, 10.0],
        adam_own_lr=True,
        adam_lr=0.05,
        adam_beta1=0.8,
        adam_amsgrad=True,
        schedule="cosine",
        schedule_T_max=250,
        steps=777,
        tol=0.0,
        noise=0.25,
        seed=42,
        x0=-1.25,
        y0=2.5,
        start2=True,
        x1=0.5,
        y1=-0.5,
        view="3d",
        formula="x^2 + 10y^2",
    )
    back, problems = through_url(state)
    assert problems == [] and {k: back[k] for k in FIELDS} == {k: state[k] for k in FIELDS}


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
    ],
)
def test_bad_keys_fall_back_to_defaults_and_are_reported(params, bad):
    state, problems = decode({"surface": "quadratic", **params} if "surface" not in params else params)
    assert any(p.startswith(bad) for p in problems)
    assert state["lr"] == defaults("quadratic")["lr"] or "lr" not in params
    for key, f in FIELDS.items():  # everything that is left is valid
        f.check(state[key])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(list(FIELDS) + ["junk", ""]) | st.text(max_size=12), st.text(max_size=40), max_size=8
    )
)
def test_fuzzed_query_strings_never_raise(params):
    state, problems = decode(params)
    for key, f in FIELDS.items():
        f.check(state[key])
    assert isinstance(problems, list)


def test_the_app_opens_a_link_and_says_what_it_dropped():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {
            "surface": "rosenbrock",
            "optimizers": "adam,gd",
            "lr": "0.002",
            "steps": "abc",
            "bogus": "1",
            "x0": "nan",
        }
    )
    at.run()
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
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.number_input(key="lr").set_value(0.4).run()
    assert at.query_params["lr"] == ["0.4"] or at.query_params["lr"] == "0.4"
    at.selectbox(key="lesson").set_value("ravine").run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    back, problems = decode(params)
    assert problems == [] and back["lesson"] == "ravine" and back["momentum_momentum"] == 0.7
