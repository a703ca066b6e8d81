"""The Streamlit app, driven by streamlit.testing's AppTest: what a person sees on the page."""

import math

import pytest

from model.state import MANY
from optimizers import OPTIMIZERS
from surfaces import SURFACES

from .conftest import chart_spec, finite_numbers, fresh, no_exception, state_of


def test_default_page_is_the_seeds_example():
    at = fresh()
    no_exception(at)
    assert at.selectbox(key="surface").value == "quadratic"
    assert at.multiselect(key="optimizers").value == ["gd"]
    assert at.number_input(key="lr").value == 0.1
    assert at.number_input(key="x0").value == 5.0
    assert at.number_input(key="steps").value == 100
    table = at.dataframe[-1].value  # the step-by-step table
    assert table["w_k"].iloc[0] == 5.0 and table["w_k"].iloc[1] == pytest.approx(4.2, abs=1e-15)
    assert table["L'(w_k)"].iloc[0] == 8.0 and table["step Δw"].iloc[0] == pytest.approx(-0.8)
    assert table["lr·λmax"].iloc[0] == pytest.approx(0.2)


def test_main_figure_has_frames_fixed_axes_and_no_nan():
    at = fresh()
    spec = chart_spec(at)
    assert 2 <= len(spec["frames"]) <= 301
    for axis in ("xaxis", "yaxis"):
        assert spec["layout"][axis]["autorange"] is False and len(spec["layout"][axis]["range"]) == 2
    assert all(math.isfinite(v) for v in finite_numbers(spec))
    assert "NaN" not in at.get("plotly_chart")[0].proto.spec


@pytest.mark.parametrize(
    "surface", sorted(set(SURFACES) - set(MANY))
)  # through planes: test_app_network.py, test_lecture_lessons.py
def test_every_surface_renders(surface):
    at = fresh()
    at.selectbox(key="surface").set_value(surface).run()
    no_exception(at)
    s = SURFACES[surface]
    assert at.number_input(key="x0").value == s.start[0]  # the start follows the surface
    if s.dim == 2:
        assert at.number_input(key="y0").value == s.start[1]
        expected = ["gd"] if surface in ("linreg", "logreg") else ["gd", "momentum", "adam"]
        assert at.multiselect(key="optimizers").value == expected
        spec = chart_spec(at)
        assert spec["data"][0]["type"] == "contour" and spec["frames"]
        assert all(math.isfinite(v) for v in finite_numbers(spec))
        at.radio(key="view").set_value("3d").run()
        no_exception(at)
        assert chart_spec(at)["data"][0]["type"] == "surface"


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_renders_in_1d_and_2d(optimizer):
    at = fresh(optimizers=[optimizer])
    no_exception(at)
    at.selectbox(key="surface").set_value("himmelblau").run()
    at.multiselect(key="optimizers").set_value([optimizer]).run()
    no_exception(at)
    assert len(chart_spec(at)["frames"]) > 1


def test_lr_10_on_the_quadratic_shows_the_divergence_note_and_a_finite_chart():
    at = fresh()
    at.number_input(key="lr").set_value(10.0).run()
    no_exception(at)
    notes = " ".join(w.value for w in at.warning)
    assert "diverged at step" in notes and "lr × λmax" in notes
    assert not at.error
    spec = chart_spec(at)
    assert all(math.isfinite(v) for v in finite_numbers(spec))
    summary = at.dataframe[0].value
    status = summary["status"].iloc[0]
    assert status.startswith("diverged at step")
    k = int(status.rsplit(" ", 1)[1]) - 1  # the final point shown is the last one before the step that left
    assert summary["steps to the final point"].iloc[0] == k
    w = 1 + 4 * (1 - 2 * 10.0) ** k  # from w = 5, each step multiplies w - 1 by 1 - 2 lr = -19
    for column, value in (("final loss", (w - 1) ** 2 + 2), ("distance to nearest minimum", abs(w - 1))):
        text = summary[column].iloc[0]  # the labels' notation: 9.81×10¹³, not 98097100000000
        mantissa, power = text.split("×10")
        shown = float(mantissa) * 10 ** int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")))
        assert abs(shown / value - 1) < 1e-3, (column, text, value)


def test_lr_presets_set_the_seeds_values_exactly():
    at = fresh()
    for text, value in (("0.001", 0.001), ("0.4", 0.4), ("10", 10.0)):
        at.button(key=f"lr_preset_{text}").click().run()
        assert at.number_input(key="lr").value == value


def test_comparing_the_seeds_learning_rates_in_one_picture():
    at = fresh(lrs=[0.4, 0.001, 10.0])
    no_exception(at)
    names = [d["name"] for d in chart_spec(at)["data"]]
    assert {"GD · lr 0.1", "GD · lr 0.4", "GD · lr 0.001", "GD · lr 10"} <= set(names)
    assert any("diverged" in w.value for w in at.warning)


def test_bad_input_gets_a_message_and_the_page_keeps_working():
    at = fresh()
    at.multiselect(key="optimizers").set_value([]).run()
    no_exception(at)
    assert any("at least one optimizer" in i.value for i in at.info)
    at.multiselect(key="optimizers").set_value(["gd"]).run()
    at.number_input(key="x0").set_value(1e8).run()
    no_exception(at)
    assert any("too far from the view" in i.value for i in at.info)
    assert at.number_input(key="x0").value == 1e8  # the user's value is kept
    at.number_input(key="x0").set_value(2.0).run()
    no_exception(at)
    assert chart_spec(at)["frames"]


def test_a_run_that_diverges_at_once_is_a_note_not_an_error():
    at = fresh()
    at.selectbox(key="surface").set_value("rosenbrock").run()
    at.number_input(key="lr").set_value(10.0).run()
    no_exception(at)
    assert not at.error
    notes = [w.value for w in at.warning]
    assert any(n.startswith("**GD · lr 10 diverged at step 2**") for n in notes)
    assert chart_spec(at)["frames"]


def test_changing_the_surface_resets_start_and_optimizers():
    at = fresh()
    at.selectbox(key="surface").set_value("saddle").run()
    assert at.multiselect(key="optimizers").value == ["gd", "momentum", "adam"]
    assert (at.number_input(key="x0").value, at.number_input(key="y0").value) == (1.5, 0.0)
    at.selectbox(key="surface").set_value("double_well").run()
    no_exception(at)
    assert at.multiselect(key="optimizers").value == ["gd"] and at.number_input(key="x0").value == 1.8


def test_an_optimizer_gets_its_own_learning_rate():
    at = fresh()
    at.selectbox(key="surface").set_value("rosenbrock").run()
    at.checkbox(key="adam_own_lr").check().run()
    at.number_input(key="adam_lr").set_value(0.05).run()
    no_exception(at)
    names = [d["name"] for d in chart_spec(at)["data"]]
    assert "Adam · lr 0.05" in names and "GD · lr 0.001" in names


def test_a_click_on_the_map_sets_the_start():
    at = fresh()
    at.selectbox(key="surface").set_value("himmelblau").run()
    at.session_state["chart"] = {"selection": {"points": [{"x": 1.5, "y": -2.0}]}}
    at.run()
    no_exception(at)
    assert (at.number_input(key="x0").value, at.number_input(key="y0").value) == (1.5, -2.0)


def test_a_noisy_run_is_the_same_alone_and_beside_a_second_rate():
    """Issue 11, bug 1: on the double well with noise 5 the run ended at -0.96 alone and at +0.41
    once a second learning rate was compared."""
    at = fresh()
    at.selectbox(key="surface").set_value("double_well").run()
    at.number_input(key="noise").set_value(5.0).run()
    alone = next(d for d in chart_spec(at)["data"] if d.get("name") == "GD · lr 0.05")
    at.multiselect(key="lrs").set_value([0.1]).run()
    no_exception(at)
    beside = next(d for d in chart_spec(at)["data"] if d.get("name") == "GD · lr 0.05")
    assert alone["x"] == beside["x"] and alone["customdata"] == beside["customdata"]


def test_loss_history_measures_from_the_lowest_loss_known():
    """Bug 5: L - L* was floored with L* the lowest minimum in view, so a run that went lower (a
    typed formula whose deeper minimum lies outside the view) was drawn as perfect convergence."""
    at = fresh(
        {"surface": "custom", "formula": "w^4 - 3w^2 + w", "formula_x_lo": "0.5", "x0": "0.1", "steps": "200"}
    )
    no_exception(at)
    spec = chart_spec(at, "history")
    loss = spec["data"][0]
    assert "lowest loss known" in spec["layout"]["annotations"][0]["text"]  # the loss panel's title
    s = state_of(at)
    assert s["formula_x_lo"] == 0.5 and s["x0"] == 0.1
    # the run ends in the deep valley at w = -1.30 (L = -3.51), below the view's only minimum
    # (w = 1.13, L = -1.07); measured from the lowest loss known, it is still far above L* where
    # it passes -1.07 (the old floor drew it as converged from there on)
    star = -3.51391
    assert "-3.51391" in spec["layout"]["annotations"][0]["text"]
    losses = [y + star for y in loss["y"]]
    passing = next(i for i, v in enumerate(losses) if v < -1.0701)
    assert loss["y"][passing] > 2 and min(loss["y"]) == 1e-16


def test_the_epoch_axis_hovers_epoch():
    """Bug 6: the loss history's hover said 'step' on the epoch axis."""
    at = fresh()
    at.selectbox(key="surface").set_value("linreg").run()
    at.radio(key="history_x").set_value("epoch").run()
    no_exception(at)
    assert all(d["hovertemplate"].startswith("epoch ") for d in chart_spec(at, "history")["data"])


def test_a_map_shares_its_frames_among_its_runs():
    """Every frame carries every run's marks: one run gets up to 300 frames, three runs 133 each, and
    the first and last steps are always frames."""
    from viz.animation import frames_for

    assert [frames_for(n) for n in (1, 2, 3, 12)] == [300, 200, 133, 60]
    one = fresh(query={"surface": "rosenbrock", "optimizers": "gd", "steps": "1000"})
    three = fresh(query={"surface": "rosenbrock", "optimizers": "gd,momentum,adam", "steps": "1000"})
    for at, frames in ((one, 300), (three, 133)):
        no_exception(at)
        spec = chart_spec(at)
        assert len(spec["frames"]) == frames
        assert spec["frames"][0]["name"] == "0" and spec["frames"][-1]["name"] == "1000"
