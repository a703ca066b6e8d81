"""Nothing the app says is contradicted by its own run: verdicts per optimizer, the sentence when the
outcome differs from the local verdict, the Taylor columns, typed formulas' critical points and
domains, and the lecture's own notation."""

import numpy as np
import pytest

from model.experiment import Setup, simulate
from model.spec import DataSpec
from model.tables import step_rows
from model.text import texts
from optimizers import run
from surfaces import SURFACES, custom_surface

from .conftest import chart_spec, fresh, no_exception

T = texts("en")


def strip_text(at) -> str:
    return " ".join(m.value for m in at.markdown if "against its limit" in m.value)


def test_momentum_at_lr_1_5_on_the_quadratic_is_not_called_diverging():
    """lr * lambda = 3 is above gradient descent's limit 2 but below momentum's 2 (1 + 0.9) = 3.8."""
    at = fresh({"optimizers": "gd,momentum", "lr": "1.5"})
    no_exception(at)
    text = strip_text(at)
    assert "GD · lr 1.5: 3 against its limit 2 → **diverges**" in text
    assert "Momentum · lr 1.5: 3 against its limit 3.8 → **overshoots, converges**" in text
    notes = " ".join(w.value for w in at.warning)
    assert "GD · lr 1.5 diverged" in notes and "Momentum · lr 1.5 diverged" not in notes
    strip = chart_spec(at, "stability")
    assert [round(s["x0"], 6) for s in strip["layout"]["shapes"] if s["type"] == "line"] == [2.0, 3.8]


def test_the_strips_labels_are_never_clipped_and_break_in_two_on_a_phone():
    """A run's label runs past the plot area rather than being cut at its edge; on a phone (a chart
    ~300 px wide, where one line ran off it) the name stands over the numbers."""
    from viz.stability import stability_figure

    rows = [
        dict(
            label="GD · lr 0.4",
            ratio=0.8,
            limit=2.0,
            color="#0072B2",
            regime_of=lambda r: ["glides"] * len(r),
        )
    ]
    desk, phone = stability_figure(rows, T), stability_figure(rows, T, phone=True)
    assert desk["data"][0]["text"] == ["GD · lr 0.4: 0.8" + T("stability.limit", limit="2")]
    assert phone["data"][0]["text"] == ["GD · lr 0.4<br>0.8" + T("stability.limit", limit="2")]
    assert desk["data"][0]["cliponaxis"] is False and phone["data"][0]["cliponaxis"] is False
    assert phone["layout"]["height"] > desk["layout"]["height"]  # two lines need the room


def test_the_rosenbrock_verdict_says_what_happened_and_why():
    """lr 0.001 on Rosenbrock: 'diverges' for a quadratic curved like the start, converging in fact."""
    at = fresh({"surface": "rosenbrock", "optimizers": "gd"})
    no_exception(at)
    said = " ".join(i.value for i in at.info)
    assert "2.09 is above its limit 2" in said and "the curvature falls along the path" in said
    assert "keeps descending" in said
    history = chart_spec(at, "history")
    ratio = next(d for d in history["data"] if d.get("yaxis") == "y3")
    assert ratio["y"][0] > 2 > ratio["y"][-1]  # lr * lambda_max crosses the limit along the path
    assert any(s.get("y0") == 2 for s in history["layout"]["shapes"])


def test_adaptive_optimizers_show_their_effective_step_instead_of_a_limit():
    at = fresh({"surface": "rosenbrock", "optimizers": "adam"})
    no_exception(at)
    assert "no fixed limit" in " ".join(m.value for m in at.markdown)
    steps = chart_spec(at, "effective_steps")
    assert len(steps["data"]) == 2 and all(
        len(d["x"]) == 2 for d in steps["data"]
    )  # start, end per coordinate


def test_the_sweep_and_the_strip_use_the_same_words():
    """'oscillates' means 'does not settle, keeps reversing' in both; the strip's converging
    overshoot has another name."""
    assert "oscillates" in T("regime.bounces") and "oscillates" in T("sweep.oscillating")
    assert "oscillat" not in T("regime.overshoots") and "converges" in T("regime.overshoots")
    assert "not converged within the steps" in T("sweep.moving")


@pytest.mark.parametrize("surface", ["quadratic", "bowl", "ravine", "linreg"])
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_the_second_order_prediction_is_exact_on_quadratics(surface, optimizer):
    s = SURFACES[surface]
    (r,) = simulate(Setup(DataSpec(surface), (optimizer,), 0.01, tuple(s.start), steps=15))
    for row in step_rows(s, r, T)[:-1]:
        actual, first, second = row[T("steps.actual")], row[T("steps.first")], row[T("steps.second")]
        assert second == pytest.approx(actual, rel=1e-12, abs=1e-12 * max(1.0, abs(row["L"])))
        assert abs(first - actual) > 0  # the first-order view misses the curvature


def test_a_data_loss_step_table_names_its_parameters_as_the_map_does():
    """A line's loss: the map's axes are w and b, so are the table's columns (not x and y, the
    data's own axes in the panel beside it)."""
    s = SURFACES["linreg"]
    (r,) = simulate(Setup(DataSpec("linreg"), ("gd",), 0.1, tuple(s.start), steps=3))
    row = step_rows(s, r, T)[1]
    assert (row["w_k"], row["b_k"]) == tuple(r.path[1]) and "x_k" not in row


def test_the_first_order_prediction_of_a_gradient_step_is_minus_lr_grad_squared():
    s = SURFACES["quadratic"]
    (r,) = simulate(Setup(DataSpec("quadratic"), ("gd",), 0.1, (5.0,), steps=3))
    row = step_rows(s, r, T)[0]
    assert row[T("steps.first")] == pytest.approx(-0.1 * 8.0**2)  # -lr |L'(5)|^2 = -6.4
    assert row[T("steps.actual")] == pytest.approx(12.24 - 18.0)


@pytest.mark.parametrize(
    ("formula", "kinds", "minima"),
    [
        ("w^3", ["inflection"], []),
        ("w^4", ["flat_minimum"], [[0.0]]),
        ("w^4 - 3w^2 + w", ["minimum", "maximum", "minimum"], [[-1.3008], [1.1309]]),
        ("x^2 - y^2", ["saddle"], []),
        ("x^3 - 3x + y^2", ["saddle", "minimum"], [[1.0, 0.0]]),
    ],
)
def test_only_minima_are_minima(formula, kinds, minima):
    s = custom_surface(formula)
    assert s.critical_kinds == kinds
    np.testing.assert_allclose(
        s.minima.reshape(-1, s.dim), np.array(minima, dtype=float).reshape(-1, s.dim), atol=1e-4
    )


def test_the_app_names_a_degenerate_point_and_gives_it_no_star():
    at = fresh({"surface": "custom", "formula": "w^3"})
    no_exception(at)
    names = [d.get("name") for d in chart_spec(at)["data"]]
    assert "minimum" not in names and any(n and n.startswith("inflection point") for n in names)


def test_a_run_that_leaves_the_domain_stops_with_a_plain_note():
    t = run(custom_surface("log(w)"), "gd", x0=[0.5], lr=0.3, steps=20)
    assert t.diverged_at == 1 and bool(t.left_domain) and np.isfinite(t.path).all()
    at = fresh({"surface": "custom", "formula": "log(w)", "x0": "0.5", "lr": "0.3", "steps": "50"})
    no_exception(at)
    notes = " ".join(w.value for w in at.warning)
    assert (
        "left the function's domain at step 1" in notes and "logarithm" in notes and "diverged" not in notes
    )
    spec = chart_spec(at)
    curve = spec["data"][0]
    assert curve["y"][0] is None and curve["y"][-1] is not None  # drawn where it is defined
    path = next(d for d in spec["data"] if d.get("name") == "GD · lr 0.3")
    assert path["x"] == [0.5]  # the path stays where the run went
    labels = [a["text"] for f in spec["frames"] for a in f["layout"].get("annotations", []) if a.get("text")]
    assert labels and not [
        t for t in labels if "<br>" in t
    ]  # no stray 'pinned' value for a point inside the view


@pytest.mark.parametrize(
    ("formula", "names"),
    [
        ("(weight-1)**2 + 2", ("weight",)),
        ("(theta - 1)^2", ("theta",)),
        ("x**2 + 10*y**2", ("x", "y")),
        ("w1^2 + 3 w2^2", ("w1", "w2")),
    ],
)
def test_the_lectures_notation_is_accepted(formula, names):
    from surfaces.formula import variables_of

    assert variables_of(formula) == names
    s = custom_surface(formula)
    assert s.dim == len(names)


def test_the_seeds_formula_starts_at_5_in_one_click():
    at = fresh({"surface": "custom", "formula": "(weight-1)**2 + 2"})
    no_exception(at)
    at.button(key="start_preset_5").click().run()
    no_exception(at)
    assert at.number_input(key="x0").value == 5.0 and at.number_input(key="formula_x_hi").value >= 5
    at.number_input(key="lr").set_value(0.1).run()
    path = next(d for d in chart_spec(at)["data"] if d.get("name") == "GD · lr 0.1")
    assert path["x"][:2] == [5.0, 4.2]  # the seed's first step, on the seed's own code


def test_stop_diverged_off_runs_the_seeds_lr_10_to_the_end():
    at = fresh({"lr": "10", "x0": "2", "tol": "0.0"})
    assert any("diverged at step" in w.value for w in at.warning)
    at.checkbox(key="stop_diverged").uncheck().run()
    no_exception(at)
    assert not any("diverged at step" in w.value for w in at.warning)
    table = at.dataframe[-1].value
    assert table["L"].iloc[-1] > 1e30  # the run went on past the cutoff
