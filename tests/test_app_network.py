"""The network in the app (surface `mlp`): its controls and link keys, the landscape and line views,
sharpness against 2/lr in the history, and the downloads. The engine's own tests are test_mlp.py."""

import base64
import csv
import io

import numpy as np
import pytest

from model.experiment import simulate
from model.state import decode, defaults, encode, setup_from
from model.text import texts
from optimizers.stability import sharpness_path
from surfaces.landscape import line_surface
from surfaces.mlp import mlp_dim, mlp_surface
from viz.runs import pin

from .conftest import chart_spec, finite_numbers, fresh, no_exception, state_of


def values(a) -> np.ndarray:
    """A Plotly data array (a list or a base64 typed array) as NumPy."""
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).astype(float)
    return np.array(a, dtype=float)


@pytest.fixture(scope="module")
def page():
    at = fresh({"surface": "mlp"}, timeout=180)
    no_exception(at)
    return at


def test_the_network_opens_on_gradient_descent_at_the_edge_of_stability_settings(page):
    state = state_of(page)
    assert state["optimizers"] == ["gd"] and state["lr"] == 0.065 and state["steps"] == 3000
    assert state["view"] == "landscape" and state["batch_sizes"] == [32]
    assert [page.number_input(key=k).value for k in ("net_width", "net_depth", "net_init")] == [16, 2, 0.5]
    assert page.number_input(key="data_n").value == 32 and page.number_input(key="data_noise").value == 0.1
    assert not [w for w in page.number_input if w.key in ("x0", "y0")]  # the start is the seeded weights
    assert any("321 parameters" in c.value for c in page.caption)


def test_the_landscape_is_a_plane_through_the_end_with_the_paths_shadows_and_the_fits(page):
    spec = chart_spec(page)
    assert spec["data"][0]["type"] == "contour" and spec["frames"]
    assert all(np.isfinite(v) for v in finite_numbers(spec))
    assert spec["layout"]["xaxis"]["title"]["text"] == "PCA direction 1"
    run = simulate(setup_from(state_of(page)))[0]
    shadow = next(d for d in spec["data"] if d.get("name") == "GD · lr 0.065")
    assert len(values(shadow["x"])) == run.steps_taken + 1
    assert (
        abs(values(shadow["x"])[-1]) < 1e-6 and abs(values(shadow["y"])[-1]) < 1e-6
    )  # the end is the center
    # the data panel: every frame moves the network's fit, a curve through the network's own outputs
    fits = [s for s in spec["frames"][-1]["layout"]["shapes"] if s.get("type") == "path"]
    assert len(fits) == 1
    xs, ys = np.array([p.split(",") for p in fits[0]["path"][1:].split("L")], dtype=float).T
    s = mlp_surface()
    expected = s.predict(run.path[run.steps_taken], xs)
    assert np.abs(ys - expected).max() < 1e-2  # rounded for the screen


def test_the_faithfulness_chart_holds_the_true_losses_and_the_plane_is_exact_at_its_center(page):
    spec = chart_spec(page, "faithfulness")
    true, plane = (values(d["y"]) for d in spec["data"][:2])
    run = simulate(setup_from(state_of(page)))[0]
    np.testing.assert_allclose(true, run.losses[: run.steps_taken + 1], rtol=1e-4)
    assert plane[-1] == pytest.approx(true[-1], rel=1e-4)  # the end point lies on its own plane
    assert (np.abs(np.log10(plane / true)) > 0.01).any()  # and elsewhere the plane is not the truth


def test_sharpness_hovers_at_two_over_lr_in_the_history(page):
    spec = chart_spec(page, "history")
    lam_trace = next(d for d in spec["data"] if d.get("yaxis") == "y3" and d["line"].get("dash") != "dash")
    edge_trace = next(d for d in spec["data"] if d.get("yaxis") == "y3" and d["line"].get("dash") == "dash")
    steps, lam = values(lam_trace["x"]), values(lam_trace["y"])
    edge = 2 / 0.065
    np.testing.assert_allclose(values(edge_trace["y"]), edge, rtol=1e-4)
    assert steps[1] - steps[0] == 10  # measured every 10 steps
    run = simulate(setup_from(state_of(page)))[0]
    reference = sharpness_path(mlp_surface(), run.path[: run.steps_taken], 10)
    np.testing.assert_allclose(lam, reference, rtol=1e-4)
    first = int(np.argmax(lam >= edge))
    assert lam[first] >= edge and (lam[first:] > 0.9 * edge).all()  # the criterion, as drawn
    assert (np.abs(lam[-len(lam) // 4 :] - edge) <= 0.1 * edge).all()


def test_the_line_view_is_the_loss_from_start_to_end(page):
    at = page
    at.radio(key="view").set_value("line").run()
    no_exception(at)
    spec = chart_spec(at, "line_chart")
    run = simulate(setup_from(state_of(at)))[0]
    ends = next(d for d in spec["data"] if d.get("mode") == "markers+text")
    assert ends["x"] == [0.0, 1.0]
    assert ends["y"][0] == pytest.approx(run.losses[0], rel=1e-5)
    assert ends["y"][1] == pytest.approx(run.losses[run.steps_taken], rel=1e-5)
    t, L = values(spec["data"][0]["x"]), values(spec["data"][0]["y"])
    line = line_surface(mlp_surface(), run.path[0], run.path[run.steps_taken])
    np.testing.assert_allclose(L, line.value(t[:, None]), rtol=1e-5)
    at.radio(key="view").set_value("landscape").run()


def test_random_directions_and_three_optimizers_with_sgd():
    at = fresh({"surface": "mlp", "directions": "filter", "steps": "300"}, timeout=180)
    no_exception(at)
    assert chart_spec(at)["layout"]["xaxis"]["title"]["text"] == "random direction 1"
    at.multiselect(key="optimizers").set_value(["gd", "momentum", "adam"]).run()
    at.multiselect(key="batch_sizes").set_value([1, 32]).run()
    no_exception(at)
    spec = chart_spec(at)
    assert len([d for d in spec["data"] if d.get("mode") == "lines+markers"]) == 6
    table = at.dataframe[0].value
    assert len(table) == 6 and table.iloc[:, 2].str.startswith("|θ| = ").all()
    assert texts("en")("summary.distance") not in table.columns  # no minimum is known: no column of blanks
    assert not table.isna().any().any()


def test_a_smaller_network_from_the_link_and_its_link_round_trips():
    at = fresh({"surface": "mlp", "net_width": "8", "net_depth": "1", "data_n": "20", "steps": "200"})
    no_exception(at)
    state = state_of(at)
    assert any(f"{mlp_dim(8, 1)} parameters" in c.value for c in at.caption)
    assert len(setup_from(state).x0) == mlp_dim(8, 1) == 25
    assert decode(encode(state))[0] == state
    assert encode(defaults("mlp")) == {"surface": "mlp"}


def test_a_bad_network_setting_in_a_link_is_named_and_the_rest_kept():
    at = fresh({"surface": "mlp", "net_width": "1000", "lr": "0.03", "steps": "200"})
    no_exception(at)
    assert any("net_width" in i.value for i in at.info)
    state = state_of(at)
    assert state["net_width"] == 16 and state["lr"] == 0.03


def test_switching_to_and_from_the_network_takes_each_surfaces_own_defaults():
    at = fresh({"surface": "linreg"})
    at.selectbox(key="surface").set_value("mlp").run()
    no_exception(at)
    assert encode(state_of(at)) == {"surface": "mlp"}
    at.selectbox(key="surface").set_value("himmelblau").run()
    no_exception(at)
    assert encode(state_of(at)) == {"surface": "himmelblau"}


def test_the_csv_download_names_the_parameters_length():
    from model.text import texts
    from viz.export import trajectories_csv

    state = dict(defaults("mlp"), steps=20)
    runs = simulate(setup_from(state))
    rows = list(csv.reader(io.StringIO(trajectories_csv(runs, runs[0].path.shape[1], texts("en")))))
    assert rows[0] == ["run", "step", "epoch", "loss", "grad", "lr", "theta_norm"]
    assert float(rows[1][6]) == pytest.approx(np.linalg.norm(runs[0].path[0]))
    assert float(rows[1][4]) == pytest.approx(np.linalg.norm(runs[0].grads[0]))


def test_the_true_loss_along_the_run_waits_for_reveal_in_a_lesson():
    """The faithfulness chart is a loss plot: while the class predicts, it waits like the history."""
    at = fresh({"lesson": "edge-of-stability"}, timeout=180)
    no_exception(at)
    charts = [c.proto.id.split("-")[-1] for c in at.get("plotly_chart")]
    assert "faithfulness" not in charts and "history" not in charts
    assert any("appears when you press Reveal" in i.value for i in at.info)
    at.button(key="lesson_reveal").click().run()
    no_exception(at)
    charts = [c.proto.id.split("-")[-1] for c in at.get("plotly_chart")]
    assert "faithfulness" in charts and "history" in charts


def test_the_runs_made_in_workers_carry_the_sharpness_of_one_chain(monkeypatch):
    """ui.compute measures a network run's sharpness in pieces on the worker processes, beside the
    other optimizers' runs: the same runs as simulate's, and the ratio path of one Lanczos chain
    along each (verdicts.ratio_path) to Lanczos' tolerance, however the chain was cut."""
    from model import verdicts
    from ui import compute, offload

    setup = setup_from(dict(defaults("mlp"), steps=400, optimizers=("gd", "adam")))
    assert offload.WORKERS >= 2, "CI's machine has two cores: the pieces must run in parallel there"
    monkeypatch.setattr(compute, "heavy", lambda setup, what: True)  # 400 steps: heavy enough to test
    calls = []
    monkeypatch.setattr(offload, "call", lambda fn, *a, **k: calls.append(fn.__name__) or fn(*a))
    made = compute._made(setup)
    assert sorted(calls) == ["sharpness"] * 4 + ["trajectories"] * 2  # two pieces per run
    s, reference = mlp_surface(), simulate(setup)
    assert [r.optimizer for r in made] == ["gd", "adam"] and len(made) == len(reference)
    for run, ref in zip(made, reference, strict=True):
        np.testing.assert_array_equal(run.path, ref.path)
        steps, ratios = run.ratios
        ref_steps, ref_ratios = verdicts.ratio_path(s, ref)
        np.testing.assert_array_equal(steps, ref_steps)
        assert len(steps) == 40 and ref.ratios is None  # every 10 steps, measured here for the reference
        np.testing.assert_allclose(ratios, ref_ratios, rtol=1e-7)


def test_the_lr_scrubber_draws_every_rates_run_as_its_shadow_on_the_landscapes_plane():
    """view=scrub on the network: 41 rates of each optimizer (stepped in chunks by the workers),
    each slider step the shadows of those runs on the plane the landscape view draws, every
    stride-th iterate and the last; checked against run() at single rates projected by least
    squares with numpy.linalg, and the caption's lambda_max against eigvalsh of the Hessian."""
    from model.explore import SCRUB_RATES, scrub_lrs
    from optimizers import run as run_one

    at = fresh({"surface": "mlp", "view": "scrub", "steps": "600", "optimizers": "gd,adam"}, timeout=300)
    no_exception(at)
    spec = chart_spec(at, "scrub_chart")
    setup = setup_from(state_of(at))
    s, lrs = mlp_surface(), scrub_lrs(setup, 1.0)
    steps = spec["layout"]["sliders"][0]["steps"]
    assert len(steps) == SCRUB_RATES and spec["layout"]["sliders"][0]["active"] == SCRUB_RATES // 2
    first = simulate(setup)[0]  # the landscape's plane: PCA of the chosen rate's path, through its end
    X = first.path[: first.steps_taken + 1] - first.path[first.steps_taken]
    D = np.linalg.svd(X, full_matrices=False)[2][:2]
    lam = np.linalg.eigvalsh(s.hessian(np.asarray(setup.x0)))[-1]
    for i in (0, SCRUB_RATES // 2, SCRUB_RATES - 1):
        xs, ys = steps[i]["args"][0]["x"], steps[i]["args"][0]["y"]
        assert f"{lrs[i] * lam:.3g}" in steps[i]["args"][1]["annotations[0].text"]
        for lane, name in enumerate(("gd", "adam")):
            t = run_one(s, name, x0=setup.x0, lr=float(lrs[i]), steps=600, **setup.hyper_for(name))
            n = int(t.diverged_at - 1 if t.diverged else t.converged_at if t.converged else t.steps) + 1
            kept = np.unique(np.r_[np.arange(0, n - 1, 2), n - 1])  # stride 2: 600 steps, 300 points
            ab = np.linalg.lstsq(D.T, (t.path[kept] - first.path[first.steps_taken]).T, rcond=None)[0].T
            shown = np.column_stack([values(xs[lane]), values(ys[lane])])
            lo, hi = np.array([spec["layout"][axis]["range"] for axis in ("xaxis", "yaxis")]).T
            # PCA's directions are defined up to sign: each axis's sign from the points on the map
            inside = np.all((ab >= lo) & (ab <= hi) & (-ab >= lo) & (-ab <= hi), axis=1)
            assert inside[0]  # the start is on the map
            signs = np.sign(np.sum(shown[inside] * ab[inside], axis=0))
            expected, _ = pin(ab * signs, lo, hi)  # a point beyond the map sits at its edge
            np.testing.assert_allclose(shown, expected, atol=1e-5 * np.abs(hi - lo).max())
