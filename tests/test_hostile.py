"""Nothing a student can type, pick, link or upload stalls, crashes or exhausts the class's server:
every case an adversarial session found (and random extreme links) ends quickly with a picture or
a clear message in Korean and English, never a traceback, within the memory a rerun may use."""

import os
import subprocess
import sys
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.links import LINKS
from model import cost
from model.fields import FIELDS
from ui.compute import LESSON_ALLOWANCE

from .conftest import ROOT, fresh, no_exception, state_of

SECONDS = 2.0  # a rerun's budget (model.cost), which every case must keep to


@pytest.fixture(scope="module", autouse=True)
def warm():
    """One page first: the app's imports and Streamlit's first script run are not a case's time."""
    fresh({"surface": "mlp"})


def query(link: str) -> dict:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(link))


def said(at) -> str:
    return " ".join(
        e.value for e in (*at.warning, *at.info, *at.error, *at.caption) if isinstance(e.value, str)
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", list(LINKS))
def test_every_case_ends_with_a_picture_or_a_message(case, lang):
    tracemalloc.start()
    t = time.perf_counter()
    at = fresh(query(LINKS[case]) | {"lang": lang}, timeout=60)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    no_exception(at)
    pictured = bool(at.get("plotly_chart"))
    assert pictured or said(at), "neither a picture nor a message"
    if lang == "ko" and not pictured:
        assert any("가" <= c <= "힣" for c in said(at))
    assert elapsed < SECONDS + 1.5, f"{elapsed:.1f} s"  # the budget, and AppTest's own start
    assert peak < 1e9, f"{peak / 1e6:.0f} MB"


def test_a_refusal_offers_the_steps_that_fit_and_the_offer_fits():
    at = fresh(query(LINKS["network-newton"]))
    assert any("steps fit" in w.value for w in at.warning)
    offer = next(b for b in at.button if b.key == "budget_steps")
    offer.click().run(timeout=60)
    no_exception(at)
    assert state_of(at)["steps"] < 3000 and at.get("plotly_chart")
    assert not any("would take about" in w.value for w in at.warning)


def test_every_lesson_and_every_surfaces_first_picture_fit_the_budget():
    from lessons import builtin
    from model.state import defaults, preset_state, setup_from

    states = [preset_state(lesson) for lesson in builtin().values()]
    states += [defaults(name) for name in FIELDS["surface"].choices if name != "custom"]
    for state in states:
        setup = setup_from(state)
        estimate = cost.rerun_cost(setup, setup.spec.build(), state["view"], state["basin_zoom"])
        seconds, limit = cost.budget()
        if state["lesson"] != "free":  # the page allows a lesson's own picture more (ui.compute.afford)
            seconds, limit = LESSON_ALLOWANCE * seconds, LESSON_ALLOWANCE * limit
        assert not estimate.over((seconds, limit)), (state["lesson"], state["surface"], estimate.seconds)


EXTREME = {  # each control at its edges, where a class's fingers (or a tampered link) can put it
    "surface": st.sampled_from([s for s in FIELDS["surface"].choices if s != "custom"]),
    "steps": st.sampled_from([1, 2, 9999, 10000]),
    "lr": st.sampled_from([1e-6, 1e-3, 10.0, 100.0]),
    "optimizers": st.sampled_from(
        [
            "newton",
            "linesearch",
            "gd,adam,newton",
            "gd,momentum,nesterov,adagrad,rmsprop,adam,newton,linesearch",
        ]
    ),
    "view": st.sampled_from(["basins", "scrub", "sweep", "compare", "3d", "landscape", "line"]),
    "data_n": st.sampled_from([2, 10000]),
    "net_width": st.sampled_from([1, 64]),
    "net_depth": st.sampled_from([1, 4]),
    "noise": st.sampled_from([0.0, 1000.0]),
    "basin_zoom": st.sampled_from([1, 256]),
    "batch_sizes": st.sampled_from(["1", "1,2,3,4,5,6,7,8,9,10"]),
}


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.fixed_dictionaries({}, optional=EXTREME))
def test_random_extreme_links_end_with_a_picture_or_a_message(link):
    at = fresh({k: str(v) for k, v in link.items()}, timeout=60)
    no_exception(at)
    assert at.get("plotly_chart") or said(at)


# ------------------------------------------------------------------------------ the cost model
SPREAD = [  # settings that take every step (tol 0), from a single run to families of hundreds
    "surface=rosenbrock&optimizers=gd,momentum,adam,newton&steps=1000&tol=0",
    "surface=himmelblau&optimizers=adam&lrs=0.001,0.01,0.1&start2=1&x1=1&y1=1&steps=2000&tol=0",
    "surface=logreg&data_n=2000&batch_sizes=10,2000&steps=1000&tol=0",
    "surface=mlp&optimizers=adam,momentum&steps=400&net_width=32&tol=0",
    "surface=mlp&optimizers=newton&steps=10&tol=0",
    "surface=rastrigin&optimizers=linesearch,newton&steps=2000&tol=0",
]


def test_the_cost_models_estimates_are_within_3x_of_the_clock():
    """Estimated against measured seconds, over a spread of settings (the best of three runs, so a
    neighbour's passing load does not decide it)."""
    from lessons import builtin
    from model.experiment import simulate
    from model.state import decode, setup_from

    for link in SPREAD:
        state, _ = decode(query(link), presets=builtin())
        setup = setup_from(state)
        s = setup.spec.build()
        cost._UNITS.clear()  # the surface's unit cost measured now, under the same load as the runs
        estimate = cost.runs_cost(setup, s).seconds
        measured = []
        for _ in range(3):
            t = time.perf_counter()
            simulate(setup, s)
            measured.append(time.perf_counter() - t)
        ratio = estimate / min(measured)
        assert 1 / 3 <= ratio <= 3, (link, estimate, min(measured))


# ------------------------------------------------------------------------------ worker processes
def test_heavy_work_in_a_worker_gives_the_same_runs():
    from model import tasks
    from model.state import decode, setup_from
    from ui import offload

    state, _ = decode({"surface": "rosenbrock", "optimizers": "gd,adam", "steps": "200"})
    setup = setup_from(state)
    here = tasks.runs(setup)
    there = offload.call(tasks.runs, setup, {}, seconds=1.0)  # above QUICK: in a worker
    assert [r.path.tolist() for r in here] == [r.path.tolist() for r in there]


def test_each_optimizers_chain_in_its_own_worker_gives_the_same_runs_and_sharpness():
    import numpy as np

    from model import tasks, verdicts
    from model.experiment import simulate
    from model.state import decode, setup_from
    from ui import compute

    state, _ = decode({"surface": "mlp", "optimizers": "gd,momentum,adam", "steps": "2000"})
    setup = setup_from(state)
    s = setup.spec.build()
    plain = simulate(setup, s)  # one process, one optimizer after another, sharpness not attached
    split = compute._made(setup)  # heavy: three workers' results joined in order
    assert compute.heavy(setup, compute.runs_cost_of(setup))
    assert [(r.optimizer, r.variant) for r in split] == [(r.optimizer, r.variant) for r in plain]
    for a, b in zip(plain, split, strict=True):
        assert np.array_equal(a.path, b.path) and np.array_equal(a.losses, b.losses)
        steps, ratio = verdicts.ratio_path(s, a)  # measured afresh, here
        assert np.array_equal(b.ratios[0], steps) and np.allclose(b.ratios[1], ratio, rtol=1e-9)
    assert all(r.ratios is not None for r in tasks.runs(setup))


def test_a_worker_past_its_deadline_or_out_of_memory_is_stopped_and_the_pool_goes_on():
    from ui import offload

    t = time.perf_counter()
    with pytest.raises(offload.Refused) as stopped:
        offload.call(time.sleep, 60, seconds=0.5)  # estimated 0.5 s: stopped at its deadline
    assert stopped.value.why == "timeout" and time.perf_counter() - t < 15
    with pytest.raises(offload.Refused) as stopped:
        offload.call(bytearray, 8 * 10**9, seconds=0.5)  # 8 GB: past the worker's memory limit
    assert stopped.value.why == "memory"
    t = time.perf_counter()
    with pytest.raises(offload.Refused) as stopped:
        offload.call(time.sleep, 60, seconds=0.5, cancelled=lambda: time.perf_counter() - t > 0.3)
    assert stopped.value.why == "cancelled" and time.perf_counter() - t < 5
    assert offload.call(sum, [1, 2, 3], seconds=0.5) == 6  # the pool replaced its workers


# ------------------------------------------------------------------------------ the command lines
def test_the_export_checks_its_paths_before_computing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "export", "--lesson", "ravine", "--out", str(tmp_path / "no" / "such" / "dir.html")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "cannot write" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("flags", [["--port", "70000"], ["--base-port", "80"], ["--port", "8601"]])
def test_deploy_serve_checks_its_ports(flags):
    done = subprocess.run(
        [sys.executable, "-m", "deploy.serve", *flags], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PATH=os.environ.get("PATH", "")),
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr and "port" in done.stderr
