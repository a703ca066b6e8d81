"""App benchmarks, server side (streamlit.testing's AppTest runs the real script):

    python bench/app.py

- the Plotly payload of the main chart for 3 optimizers x 1,000 steps on rosenbrock (target <= 1 MB)
- the time of a warm rerun after changing the learning rate, median of 20 (target <= 150 ms)
- the network (surface mlp, 3,000 steps of a 321-parameter net): the payload of each of its charts
  with 1 and with 3 optimizers (target <= 1 MB each), and a warm rerun after changing lr, median of
  5, with the same rerun on rosenbrock measured in the same run for the ratio; and that rerun's work
  piece by piece (the functions the page calls, medians of 5 learning rates), to show where it goes
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

NETWORK_LRS = [round(0.05 + 0.002 * i, 4) for i in range(5)]


def lr_reruns(at, lrs) -> list[float]:
    """The time of each rerun after setting the learning rate to each of `lrs`, in seconds."""
    times = []
    for lr in lrs:
        at.number_input(key="lr").set_value(lr)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return times


def warm_workers() -> None:
    """The worker processes a server starts 8 s after its first page (ui.startup), started before
    anything is timed: their imports would otherwise land inside the measurements."""
    from surfaces import sympy_pool
    from ui import offload, startup

    startup.start()  # its timers, so that no warm-up starts later, mid-measurement
    offload.POOL.warm()
    sympy_pool.warm()


def main():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["surface"] = "rosenbrock"
    at.session_state["optimizers"] = ["gd", "momentum", "adam"]
    at.session_state["x0"], at.session_state["y0"] = -1.5, 2.0
    at.session_state["steps"] = 1000
    at.session_state["lr"] = 0.001
    at.run()
    assert not at.exception, at.exception
    specs = {c.proto.id: len(c.proto.spec.encode()) for c in at.get("plotly_chart")}
    main_chart = max(specs.values())
    print(
        f"Plotly payload, main chart, 3 optimizers x 1,000 steps on rosenbrock: {main_chart / 1e6:.3f} MB "
        f"(target <= 1 MB) {'PASS' if main_chart <= 1e6 else 'MISS'}"
    )
    print(f"  all charts on the page: {sum(specs.values()) / 1e6:.3f} MB")

    for lr in (0.0011, 0.0012):  # warm-up: imports, the contour grid, caches
        at.number_input(key="lr").set_value(lr).run()
    times = lr_reruns(at, [round(0.0005 + 0.00005 * i, 6) for i in range(20)])
    med = statistics.median(times) * 1e3
    print(
        f"Warm rerun after changing lr (new runs and figures each time), median of 20: {med:.0f} ms "
        f"(target <= 150 ms) {'PASS' if med <= 150 else 'MISS'}; min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f}"
    )
    at.number_input(key="lr").set_value(0.0005).run()
    t0 = time.perf_counter()
    at.run()
    print(f"Rerun with nothing changed (all cached): {(time.perf_counter() - t0) * 1e3:.0f} ms")


def network_pieces(lrs=NETWORK_LRS):
    """The network's lr-change rerun (gradient descent, the page's defaults) piece by piece: the two
    chains (the run, and its sharpness every 10 steps) and what the page draws from them."""
    import json

    from model import landscape, tables, verdicts
    from model.experiment import simulate
    from model.state import defaults, setup_from
    from model.text import texts
    from viz.history import history_figure

    T, pieces = texts("en"), {}

    def timed(name, fn):
        t0 = time.perf_counter()
        out = fn()
        pieces.setdefault(name, []).append(time.perf_counter() - t0)
        return out

    for lr in lrs:
        setup = setup_from(dict(defaults("mlp"), lr=lr))
        s = setup.spec.build()
        runs = timed("the run (3,000 steps)", lambda: simulate(setup, s))
        ratios = timed(
            "its sharpness every 10 steps",
            lambda: [(*verdicts.ratio_path(s, r), verdicts.run_limit(r)) for r in runs],
        )
        land = timed("the plane: PCA, 81 x 81 grid, shadows, map", lambda: landscape.landscape(s, runs, T))
        hist = timed("the history", lambda: history_figure(runs, T, None, ratios=ratios, sharpness=True))
        timed("the step table", lambda: tables.step_rows(s, runs[0], T))
        timed("the figures' JSON", lambda: [json.dumps(f) for f in (land.map, land.faith, hist)])
    medians = {name: statistics.median(t) * 1e3 for name, t in pieces.items()}
    print("Network, gradient descent, one lr change piece by piece (medians of 5):")
    for name, ms in medians.items():
        print(f"  {name}: {ms:.0f} ms")
    chains = sum(list(medians.values())[:2])
    print(
        f"  the chains {chains:.0f} ms; everything drawn from them {sum(medians.values()) - chains:.0f} ms "
        f"(with Streamlit's own share on top: a rerun's target is 150 ms)"
    )


def network():
    for optimizers in (["gd"], ["gd", "momentum", "adam"]):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params.update(surface="mlp")
        at.session_state["optimizers"] = optimizers
        at.run()
        assert not at.exception, at.exception
        specs = {c.proto.id.split("-")[-1]: len(c.proto.spec.encode()) for c in at.get("plotly_chart")}
        worst = max(specs.values())
        sizes = ", ".join(f"{k} {v / 1e6:.2f}" for k, v in specs.items())
        print(
            f"Network, {len(optimizers)} optimizer(s) x 3,000 steps: charts {sizes} MB; largest "
            f"{worst / 1e6:.2f} MB (target <= 1 MB) {'PASS' if worst <= 1e6 else 'MISS'}"
        )
    at.number_input(key="lr").set_value(0.06).run()  # warm-up
    times = lr_reruns(at, NETWORK_LRS)
    print(
        f"Network, 3 optimizers, warm rerun after changing lr (3 x 3,000 steps, sharpness, plane, "
        f"figures), median of 5: {statistics.median(times) * 1e3:.0f} ms; min {min(times) * 1e3:.0f}, "
        f"max {max(times) * 1e3:.0f}"
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(surface="mlp")
    at.run()
    at.number_input(key="lr").set_value(0.06).run()
    times = lr_reruns(at, NETWORK_LRS)
    print(
        f"Network, gradient descent alone, warm rerun after changing lr, median of 5: {statistics.median(times) * 1e3:.0f} ms"
    )
    at.run()
    t0 = time.perf_counter()
    at.run()
    print(f"Network, rerun with nothing changed (all cached): {(time.perf_counter() - t0) * 1e3:.0f} ms")


if __name__ == "__main__":
    warm_workers()
    main()
    network()
    network_pieces()
