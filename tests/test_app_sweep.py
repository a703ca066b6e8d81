"""The sweep and heatmap views in the app: they run with the main view's settings."""

import numpy as np

from .conftest import chart_spec, fresh, no_exception, state_of


def test_the_sweep_views_render_and_a_click_sets_the_learning_rate():
    at = fresh()
    at.radio(key="view").set_value("sweep").run()
    no_exception(at)
    spec = chart_spec(at, "sweep_chart")
    assert len(spec["data"][0]["x"]) == 200 and any(
        "2/L = 1" in a["text"] for a in spec["layout"]["annotations"]
    )
    at.session_state["sweep_chart"] = {"selection": {"points": [{"x": 0.35, "y": 1e-9}]}}
    at.run()
    assert at.number_input(key="lr").value == 0.35
    at.radio(key="view").set_value("compare").run()
    no_exception(at)
    spec = chart_spec(at, "compare_chart")
    assert spec["data"][0]["type"] == "heatmap" and len(spec["data"][0]["x"]) == 50


def verdict_at(spec, lr):
    """The sweep's verdict text at the grid rate nearest to lr."""
    x = np.array(spec["data"][0]["x"])
    return spec["data"][0]["customdata"][int(np.argmin(np.abs(np.log(x / lr))))]


def test_the_sweep_keeps_the_schedule_of_the_main_view():
    """Issue 11, bug 4: in the schedule lesson lr 1.05 converges in the main view; the sweep agrees."""
    at = fresh()
    at.selectbox(key="lesson").set_value("schedule-rescue").run()
    at.radio(key="view").set_value("sweep").run()
    no_exception(at)
    assert state_of(at)["lesson"] == "schedule-rescue"  # changing the view does not end the lesson
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-sweep_chart")]  # it would tell
    at.button(key="lesson_reveal").click().run()
    spec = chart_spec(at, "sweep_chart")
    assert verdict_at(spec, 1.05).startswith("converges")
    assert not any("2/L" in a["text"] for a in spec["layout"]["annotations"])  # no constant-lr limit drawn
    assert any("exponential schedule" in c.value for c in at.caption)
    at.radio(key="view").set_value("compare").run()
    heat = chart_spec(at, "compare_chart")
    lrs = 10 ** np.array(heat["data"][0]["x"])
    text = heat["data"][0]["text"][0][int(np.argmin(np.abs(np.log(lrs / 1.05))))]
    assert "diverge" not in text


def test_the_sweep_keeps_noise_and_batch_size():
    at = fresh()
    at.selectbox(key="surface").set_value("linreg").run()
    at.multiselect(key="batch_sizes").set_value([5]).run()
    at.radio(key="view").set_value("sweep").run()
    no_exception(at)
    assert any("batch size 5" in c.value for c in at.caption)


def test_the_sweep_draws_each_optimizers_own_threshold_and_the_engine_agrees():
    """On (w-1)^2 + 2 (L = 2) momentum's threshold is 3.8 / 2 = 1.9: the sweep's verdicts change there."""
    at = fresh({"optimizers": "momentum", "view": "sweep"})
    no_exception(at)
    spec = chart_spec(at, "sweep_chart")
    assert any(a["text"] == "3.8/L = 1.9" for a in spec["layout"]["annotations"])
    assert not verdict_at(spec, 1.8).startswith("diverges") and verdict_at(spec, 2.0).startswith("diverges")
