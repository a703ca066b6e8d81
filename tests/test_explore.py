"""The scrubber and the basin view as the app builds them (model.explore): one slider step per rate,
paths equal to run() at that rate, clicks that set the lr or the start, payloads within budget."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from model import explore
from model.state import defaults, setup_from
from model.text import texts
from optimizers import run
from optimizers.basins import critical_rates
from optimizers.sweep import scrub_rates
from ui.session import click_changes
from viz.runs import pin

from .conftest import chart_spec, fresh, no_exception, state_of


def decode(spec) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"])


def setup_for(surface, **changes):
    state = dict(defaults(surface), **changes)
    return setup_from(state), state


def test_scrub_has_one_step_per_rate_and_its_paths_equal_run():
    setup, _ = setup_for("rosenbrock", optimizers=["gd", "momentum", "adam"], lr=0.001, steps=300)
    s = setup.spec.build()
    fig = explore.scrub_spec(setup, s, texts("en"))
    lrs = explore.scrub_lrs(setup, 1.0)
    assert len(lrs) >= 40 and lrs[len(lrs) // 2] == pytest.approx(0.001)
    steps = fig["layout"]["sliders"][0]["steps"]
    assert len(steps) == len(lrs)
    traces = steps[0]["args"][2]
    lo, hi = s.bounds[:, 0], s.bounds[:, 1]
    for i in (0, 17, 40):
        update = steps[i]["args"][0]
        for k, name in enumerate(setup.optimizers):
            t = run(s, name, x0=setup.x0, lr=lrs[i], steps=300, **explore.run_options(setup, name))
            n = (t.converged_at if t.converged else (t.diverged_at - 1 if t.diverged else t.steps)) + 1
            want, _ = pin(t.path[:n], lo, hi)
            got = np.column_stack([decode(update["x"][k]), decode(update["y"][k])])
            assert got == pytest.approx(want.astype(np.float32), rel=1e-6, abs=1e-6), (i, name)
            assert (decode(update["customdata"][k]) == i).all()
            assert fig["data"][traces[k]]["name"].startswith(texts("en")(f"opt.{name}.short"))


def test_scrub_names_say_how_each_run_ended():
    """On (w-1)^2 + 2 (lambda = 2) gradient descent converges below lr 1, bounces for ever at
    exactly 1 (w = 5, -3, 5, ...) and diverges above."""
    setup, _ = setup_for("quadratic", lr=0.1, x0=5.0)
    s = setup.spec.build()
    steps = explore.scrub_spec(setup, s, texts("en"))["layout"]["sliders"][0]["steps"]
    assert explore.scrub_lrs(setup, 1.0)[-1] == pytest.approx(1.0)
    assert steps[-1]["args"][0]["name"] == ["GD: oscillates · at the start at its limit 2"]
    assert steps[20]["args"][0]["name"][0].startswith("GD: converged at step")
    assert steps[20]["args"][0]["name"][0].endswith("at the start below its limit 2")
    assert steps[20]["args"][1]["annotations[0].text"] == "lr = 0.1: lr × λmax at the start = 0.2"
    steps = explore.scrub_spec(setup, s, texts("en"), decades=1.5)["layout"]["sliders"][0]["steps"]
    t = run(s, "gd", x0=[5.0], lr=0.1 * 10**1.5, steps=100)
    assert steps[-1]["args"][0]["name"] == [
        f"GD: diverged at step {t.diverged_at} · at the start above its limit 2"
    ]


def test_scrub_payload_for_3_optimizers_40_rates_300_steps_is_within_budget():
    setup, _ = setup_for("himmelblau", optimizers=["gd", "momentum", "adam"], lr=0.01, steps=300, tol=0.0)
    fig = explore.scrub_spec(setup, setup.spec.build(), texts("en"))
    size = len(json.dumps(fig, separators=(",", ":")))
    assert size <= 1.5e6, size


def test_a_click_on_a_scrub_path_makes_its_rate_the_main_lr():
    state = dict(defaults("rosenbrock"), lr=0.002, scrub_decades=2.0, view="scrub")
    lrs = scrub_rates(0.002, 2.0, explore.SCRUB_RATES)
    assert click_changes("scrub_chart", state, 1.0, 1.0, customdata=7) == {"lr": pytest.approx(lrs[7])}
    assert click_changes("scrub_chart", state, 1.0, 1.0, customdata=[7]) == {"lr": pytest.approx(lrs[7])}
    assert click_changes("scrub_chart", state, 1.0, 1.0, customdata=99) == {}


def test_a_click_on_a_basin_cell_sets_the_start_and_goes_back_to_the_contour():
    state = dict(defaults("himmelblau"), view="basins")
    assert click_changes("basin_chart", state, 1.5, -2.0) == {"x0": 1.5, "y0": -2.0, "view": "contour"}


def test_basin_view_payload_and_ticks():
    setup, _ = setup_for("himmelblau", optimizers=["gd"])
    s = setup.spec.build()
    fig = explore.basins_spec(setup, s, texts("en"))
    heatmaps = [d for d in fig["data"] if d["type"] == "heatmap"]
    assert len(heatmaps) >= 12 and sum(d["visible"] for d in heatmaps) == 1
    assert decode(heatmaps[0]["z"]).size == explore.BASIN_GRID**2
    size = len(json.dumps(fig, separators=(",", ":")))
    assert size <= 1.5e6, size
    ticks = [a["text"] for a in fig["layout"]["annotations"] if a["text"].startswith("▲")]
    named = sorted("".join(ticks).replace("▲", "").replace("·", ""))
    assert named == ["A", "B", "C", "D"] and len(critical_rates(s)) == 4
    assert "▲C·B" in ticks  # 0.0243 and 0.0248 share one mark


def test_zoom_centres_the_window_on_the_start():
    setup, _ = setup_for("himmelblau", x0=0.5, y0=-1.0)
    s = setup.spec.build()
    w = explore.basin_window(setup, s, 8)
    assert w.mean(axis=1) == pytest.approx([0.5, -1.0])
    assert w[:, 1] - w[:, 0] == pytest.approx((s.bounds[:, 1] - s.bounds[:, 0]) / 8)


@pytest.mark.parametrize("view,key", [("scrub", "scrub_chart"), ("basins", "basin_chart")])
def test_the_app_draws_the_views_from_a_link(view, key):
    at = fresh({"surface": "himmelblau", "view": view, "optimizers": "gd,adam"})
    no_exception(at)
    assert state_of(at)["view"] == view
    spec = chart_spec(at, key)
    assert spec["layout"]["sliders"][0]["steps"]


def test_scrub_on_a_1d_surface_and_decades_in_the_link():
    at = fresh({"surface": "quadratic", "view": "scrub", "scrub_decades": "2"})
    no_exception(at)
    spec = chart_spec(at, "scrub_chart")
    labels = [s["label"] for s in spec["layout"]["sliders"][0]["steps"]]
    assert labels[0] == "0.001" and labels[-1] == "10"


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_basins_of_other_optimizers_and_of_a_typed_formula(optimizer, monkeypatch):
    """(x^2 - 1)^2 + y^2 has two minima, (+-1, 0): at the rate where most starts converge, both
    basins are on the map, each mostly on its own side. (Adam's map takes a few seconds: on a
    server that affords it, DESCENT_BUDGET_SECONDS.)"""
    monkeypatch.setenv("DESCENT_BUDGET_SECONDS", "30")
    at = fresh(
        {"surface": "custom", "formula": "(x^2 - 1)^2 + y^2", "view": "basins", "optimizers": optimizer}
    )
    no_exception(at)
    assert len([d for d in chart_spec(at, "basin_chart")["data"] if d["type"] == "heatmap"]) >= 12
    setup = setup_from(state_of(at))
    s = setup.spec.build()
    bmap = explore.basin_of(setup, s, n=40)
    r = int(np.argmax((bmap.label >= 0).mean(axis=(1, 2))))
    label = bmap.label[r]
    assert (label >= 0).mean() > 0.5
    right = int(np.argmin(np.linalg.norm(s.minima - [1.0, 0.0], axis=1)))
    assert (label[:, bmap.xs > 0] == right).sum() > (label[:, bmap.xs > 0] == 1 - right).sum()
    assert (label[:, bmap.xs < 0] == 1 - right).sum() > (label[:, bmap.xs < 0] == right).sum()


def test_a_network_scrubbers_chunks_deal_the_rates_and_join_back_in_order():
    from model.explore import SCRUB_CHUNK, joined, scrub_chunks

    lrs = np.geomspace(0.01, 1.0, 41)
    chunks = scrub_chunks(lrs)
    assert max(len(c) for c in chunks) <= SCRUB_CHUNK and np.array_equal(np.sort(np.concatenate(chunks)), lrs)
    parts = []
    for i, c in enumerate(chunks):  # the second call stops early: 3 iterates against 5
        k = 5 if i == 0 else 3
        path = c[None, :, None] * np.arange(1, k + 1)[:, None, None] * np.ones(2)
        parts.append(
            dict(
                path=path,
                losses=path[..., 0],
                last=np.full(len(c), k - 1),
                kind=np.array(["x" * (i + 1)] * len(c)),
                step=c,
            )
        )
    j = joined(parts)
    np.testing.assert_array_equal(j["step"], lrs)
    np.testing.assert_array_equal(j["path"][2, :, 0], 3 * lrs)
    np.testing.assert_array_equal(
        j["path"][4, 1::2, 0], 3 * lrs[1::2]
    )  # the short call repeats its last iterate
    assert list(j["kind"][:2]) == ["x", "xx"] and j["path"].shape == (5, 41, 2)
