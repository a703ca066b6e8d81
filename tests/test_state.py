"""The state's pure rules (model.state), without Streamlit: defaults, transitions, lessons, links."""

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import builtin
from model.fields import DISPLAY_KEYS, EXTRA_LRS, FIELDS, LR_MAX, LR_MIN, TOLERANCES
from model.state import (
    apply_lesson,
    decode,
    defaults,
    encode,
    is_free_play,
    normalize,
    switch_surface,
    transition,
)
from optimizers import OPTIMIZERS

from .conftest import lesson_state

FORMULAS = ["w^4 - 3w^2 + w", "x^2 + 10y^2", "sin(x) + cos(y)", "(w-1)^2 + 2", "x^2 + y^2 + xy"]


P = builtin()


def through_url(state, lang="en"):
    query = urlencode(encode(state, lang=lang, presets=P))  # what the address bar holds
    return decode(dict(parse_qsl(query, keep_blank_values=True)), lang=lang, presets=P)


# ------------------------------------------------------------------------------ bug 2: a switch
def test_switching_the_surface_moves_untouched_settings_to_the_new_defaults():
    """Quadratic -> rosenbrock used to keep every optimizer's own lr at 0.1 (Adam's own lr then
    diverged at step 3) and leave stale keys in the URL."""
    state = switch_surface(defaults("quadratic"), "rosenbrock", presets=P)
    fresh = defaults("rosenbrock")
    assert state == fresh
    assert all(state[f"{name}_lr"] == 0.001 for name in OPTIMIZERS)
    assert encode(state, presets=P) == {"surface": "rosenbrock"}
    ticked = transition(state, dict(state, adam_own_lr=True), presets=P)
    assert ticked["adam_lr"] == 0.001  # an own lr starts at the main one, on the new surface


def test_a_switch_keeps_what_the_user_changed_where_it_is_valid():
    s = transition(
        defaults("quadratic"),
        dict(defaults("quadratic"), steps=250, optimizers=["adam"], noise=0.5),
        presets=P,
    )
    s = transition(s, dict(s, x0=3.0), presets=P)  # a start outside rosenbrock's view
    out = switch_surface(s, "rosenbrock", presets=P)
    assert (out["steps"], out["optimizers"], out["noise"]) == (250, ["adam"], 0.5)
    assert (out["x0"], out["y0"]) == tuple(defaults("rosenbrock")[k] for k in ("x0", "y0"))
    back = switch_surface(out, "quadratic", presets=P)
    assert back["view"] == "curve" and back["steps"] == 250


def test_a_switch_to_a_data_loss_and_back_leaves_no_stale_key():
    s = switch_surface(defaults("quadratic"), "linreg", presets=P)
    assert s["batch_sizes"] == [1, 50] and s["optimizers"] == ["gd"]
    s = transition(s, dict(s, data_n=80), presets=P)
    assert s["batch_sizes"] == [1, 80]  # full batch stays full batch
    back = switch_surface(s, "himmelblau", presets=P)
    assert encode(back, presets=P) == {"surface": "himmelblau"}


def test_a_new_schedule_starts_at_its_own_parameters():
    s = defaults("quadratic")
    step = transition(s, dict(s, schedule="step"), presets=P)
    exp = transition(step, dict(step, schedule="exponential"), presets=P)
    assert step["schedule_gamma"] == 0.1 and exp["schedule_gamma"] == 0.99


# ------------------------------------------------------------------------------ lessons
def test_free_play_is_derived_from_the_state():
    s = lesson_state("ravine")
    assert not is_free_play(s, presets=P)
    for key, value in [("steps", 50), ("noise", 0.1), ("tol", 0.0), ("seed", 3)]:
        changed = transition(s, dict(s, **{key: value}), presets=P)
        assert changed["lesson"] == "free" and changed[key] == value  # every control ends the lesson
        assert {k: v for k, v in changed.items() if k not in ("lesson", key)} == {
            k: v for k, v in s.items() if k not in ("lesson", key)
        }  # ... and keeps every value


def test_the_controls_a_lesson_invites_keep_it_open():
    s = lesson_state("ravine")  # it asks: 'and momentum with mu = 0.9?'
    out = transition(s, dict(s, momentum_momentum=0.9), presets=P)
    assert out["lesson"] == "ravine" and out["momentum_momentum"] == 0.9
    back, problems = decode(dict(parse_qsl(urlencode(encode(out, presets=P)))), presets=P)
    assert problems == [] and back == out


@pytest.mark.parametrize("key, value", [("view", "3d"), ("present", True), ("lang", "ko"), ("taylor", True)])
def test_display_settings_do_not_end_a_lesson(key, value):
    s = lesson_state("ravine")
    assert transition(s, dict(s, **{key: value}), presets=P)["lesson"] == "ravine"


def test_a_lesson_keeps_language_and_presentation():
    s = dict(defaults("quadratic"), lang="ko", present=True)
    out = apply_lesson(dict(s, lesson="rosenbrock"), P)
    assert out["lang"] == "ko" and out["present"] and out["lesson"] == "rosenbrock"
    assert apply_lesson(dict(out, lesson="free"), P)["surface"] == "rosenbrock"  # free play keeps the picture


def test_a_link_to_a_lesson_opens_with_its_values():
    """Bug 7: ?lesson=too-large opened the panel with lr 0.1 beside the text about lr 10."""
    state, problems = decode({"lesson": "too-large"}, presets=P)
    assert problems == [] and state["lesson"] == "too-large" and state["lr"] == 10.0 and state["lrs"] == [1.0]
    state, _ = decode({"lesson": "too-large", "lr": "10.0"}, presets=P)
    assert state["lesson"] == "too-large"  # the same value: still the lesson
    state, _ = decode({"lesson": "too-large", "steps": "40"}, presets=P)
    assert state["lesson"] == "free" and state["steps"] == 40 and state["lr"] == 10.0


@pytest.mark.parametrize("lesson", list(builtin().values()), ids=lambda lesson: lesson.slug)
def test_every_lesson_state_round_trips(lesson):
    state = lesson_state(lesson.slug)
    back, problems = through_url(state)
    assert problems == [] and back == state
    assert encode(state, presets=P) == {"surface": lesson.surface, "lesson": lesson.slug}


# ------------------------------------------------------------------------------ links
def test_a_link_to_a_typed_formula_round_trips():
    """Bug 3: a typed formula's link reopened at the quadratic's learning rate."""
    s = switch_surface(defaults("quadratic"), "custom", presets=P)
    s = transition(s, dict(s, formula="x^2 + 10y^2"), presets=P)
    s = transition(s, dict(s, lr=0.02, x0=1.0), presets=P)
    back, problems = through_url(s)
    assert problems == [] and back == s and back["lr"] == 0.02 and back["view"] == "contour"


def test_the_language_is_in_the_link_only_when_it_differs_from_the_browser():
    s = dict(defaults("quadratic"), lang="ko")
    assert "lang" not in encode(s, lang="ko", presets=P) and encode(s, lang="en", presets=P)["lang"] == "ko"
    assert through_url(s, lang="ko")[0] == s and through_url(s, lang="en")[0] == s


def value_for(key, state, draw):
    """A valid value for field `key`, of the sizes a person would type."""
    f = FIELDS[key]
    special = _special_value(key, state, draw)
    if special is not NONE:
        return special
    if f.kind == "bool":
        return draw(st.booleans())
    if f.kind == "choice":
        return draw(st.sampled_from(f.choices))
    if f.kind == "choices":
        return draw(st.lists(st.sampled_from(f.choices), unique=True, max_size=4))
    lo, hi = _range_for(key, state, f)
    if f.kind == "int":
        return draw(st.integers(int(lo), int(max(lo, hi))))
    return draw(st.floats(lo, max(lo, hi), allow_nan=False))


def _special_value(key, state, draw):
    """Fields whose values a person picks from a short list, or that a state holds fixed; NONE
    for the rest."""
    if key == "lr" or (key.endswith("_lr") and FIELDS[key].kind == "float"):
        return draw(st.floats(LR_MIN, LR_MAX))
    if key == "tol":
        return draw(st.sampled_from(TOLERANCES))
    if key == "lrs":
        return draw(st.lists(st.sampled_from(EXTRA_LRS), unique=True, max_size=3))
    if key == "batch_sizes":
        return draw(st.lists(st.integers(1, state["data_n"]), unique=True, min_size=1, max_size=3))
    if key == "formula":
        return draw(st.sampled_from(FORMULAS))
    if key in ("lesson", "surface", "lang"):
        return state[key]
    return NONE


NONE = object()


def _range_for(key, state, f):
    """The range a person types a number field in: its own, at most 20 wide, and a formula's view
    range lower end below its upper end."""
    lo, hi = max(f.lo, -20.0), min(f.hi, 20.0 if f.kind == "float" else f.lo + 500)
    if key.startswith("formula_") and key.endswith("_hi"):
        lo = state[key.replace("_hi", "_lo")] + 0.5
        hi = max(hi, lo + 1)
    if key.startswith("formula_") and key.endswith("_lo"):
        hi = min(hi, state[key.replace("_lo", "_hi")] - 0.5)
    return lo, hi


@st.composite
def states(draw):
    """States reached as a person reaches them: a surface or a lesson, then a few changes."""
    if draw(st.booleans()):
        state = lesson_state(draw(st.sampled_from(list(P))))
    else:
        state = switch_surface(
            defaults("quadratic"), draw(st.sampled_from(list(FIELDS["surface"].choices))), presets=P
        )
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 5)) == 0:
            state = switch_surface(state, draw(st.sampled_from(list(FIELDS["surface"].choices))), presets=P)
            continue
        key = draw(st.sampled_from(sorted(FIELDS)))
        state = transition(state, dict(state, **{key: value_for(key, state, draw)}), presets=P)
    return state


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(), st.sampled_from(["en", "ko"]))
def test_every_reachable_state_round_trips_through_its_link(state, lang):
    assert state == normalize(state)
    back, problems = through_url(state, lang)
    assert problems == []
    assert back == state


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*FIELDS, "junk", ""]) | st.text(max_size=12), st.text(max_size=40), max_size=8
    )
)
def test_fuzzed_query_strings_never_raise(params):
    state, problems = decode(params, presets=P)
    for key, f in FIELDS.items():
        f.check(state[key])
    assert isinstance(problems, list)


def other_value(key, value):
    """A different valid value for field `key`."""
    f = FIELDS[key]
    if f.kind == "bool":
        return not value
    if f.kind == "choice":
        return next(c for c in f.choices if c != value)
    if f.kind == "choices":
        return [c for c in f.choices if c not in value][:1] or f.choices[:1]
    if f.kind == "floats":
        return [0.3] if value != [0.3] else [0.03]
    if f.kind == "ints":
        return [1] if value != [1] else [2]
    if f.kind == "text":
        return "x^2 + y^2" if value != "x^2 + y^2" else "w^2"
    step = 1 if f.kind == "int" else max(abs(value) * 0.25, 0.01)
    return f.check(value + step if value + step <= f.hi else value - step)


@pytest.mark.parametrize("slug", ["ravine", "sgd-vs-batch", "schedule-rescue"])
def test_every_control_that_applies_ends_the_lesson_and_keeps_the_values(slug):
    s = lesson_state(slug)
    invited = set(P[slug].invites)
    checked = 0
    for key in FIELDS:
        if key in DISPLAY_KEYS or key in ("lesson", "surface"):
            continue
        cur = dict(s, **{key: other_value(key, s[key])})
        if normalize(cur)[key] == s[key]:
            continue  # a setting that does not apply here (no widget shows it)
        out = transition(s, cur, presets=P)
        checked += 1
        assert out["lesson"] == (slug if key in invited else "free"), key
        assert out[key] == cur[key] or key.startswith("formula") or key == "data_n", key
    assert checked >= 15
