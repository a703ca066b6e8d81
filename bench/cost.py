"""The cost model against the clock: for a spread of settings, the estimated seconds of the runs and
of each view's family (model.cost) beside the measured ones, and their ratio (target: within 3x).

    python bench/cost.py            # prints one line per setting and the worst ratio
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.memory import keep_freed_memory
from lessons import builtin
from model import cost, explore
from model.experiment import simulate
from model.state import decode, setup_from

SETTINGS = [  # share-link queries, as a class would open them (tol 0: the runs take every step, so the
    # estimate, an upper bound where runs stop early, is compared with runs that do not)
    "surface=quadratic",
    "surface=rosenbrock&optimizers=gd,momentum,adam,newton&steps=1000",
    "surface=himmelblau&optimizers=adam&lrs=0.001,0.01,0.1&start2=1&x1=1&y1=1&steps=2000",
    "surface=linreg&data_n=5000&batch_sizes=1,10,5000&steps=2000",
    "surface=logreg&data_n=2000&batch_sizes=10,2000&steps=1000",
    "surface=mlp&steps=600",
    "surface=mlp&optimizers=adam,momentum&steps=400&net_width=32",
    "surface=mlp&optimizers=newton&steps=20",
    "surface=rastrigin&optimizers=linesearch,newton&steps=2000",
    "surface=custom&formula=x^2%2B10y^2&steps=3000&optimizers=gd,adam",
]
VIEWS = [  # (query, view): the families the views add
    ("surface=himmelblau&steps=300", "sweep"),
    ("surface=rosenbrock&optimizers=gd,adam&steps=500", "compare"),
    ("surface=himmelblau&optimizers=gd,momentum&steps=500", "scrub"),
    ("surface=himmelblau&optimizers=gd&lr=0.01", "basins"),
    ("surface=six_hump_camel&optimizers=adam&lr=0.05", "basins"),
]


def best_of(fn, repeat=2) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def view_family(setup, s, view):
    from model.explore import run_options
    from optimizers import run
    from optimizers.sweep import compare, lr_grid, lr_sweep

    if view == "sweep":
        name = setup.optimizers[0]
        return lambda: lr_sweep(s, name, setup.x0, lr_grid(), setup.steps, **run_options(setup, name))
    if view == "compare":
        return lambda: compare(s, setup.optimizers, setup.x0, lr_grid(n=50), setup.steps)
    if view == "scrub":
        return lambda: [
            run(
                s,
                o,
                x0=setup.x0,
                lr=explore.scrub_lrs(setup, 1.0),
                steps=setup.steps,
                **run_options(setup, o),
            )
            for o in setup.optimizers
        ]
    return lambda: explore.basin_of(setup, s, 1)


def rows():
    presets = builtin()
    out = []
    for query in SETTINGS:
        state, _ = decode(dict(parse_qsl(query + "&tol=0")), presets=presets)
        setup = setup_from(state)
        s = setup.spec.build()
        simulate(replace(setup, steps=2), s)  # warm: imports, the surface's first evaluations
        est = cost.runs_cost(setup, s).seconds
        out.append((query, "runs", est, best_of(lambda: simulate(setup, s))))
    for query, view in VIEWS:
        state, _ = decode(dict(parse_qsl(query)), presets=presets)
        setup = setup_from(state)
        s = setup.spec.build()
        est = cost.view_cost(setup, s, view).seconds
        out.append((query, view, est, best_of(view_family(setup, s, view), repeat=1)))
    return out


def main() -> int:
    keep_freed_memory()  # as the app does at its start
    from model.cost import REFERENCE_SECONDS, _reference, _timed

    reference = min(_timed(_reference, 1) for _ in range(100))
    print(
        f"the reference workload: {reference * 1e6:.0f} us here (model.cost.REFERENCE_SECONDS: {REFERENCE_SECONDS * 1e6:.0f} us)"
    )
    worst = 1.0
    print(f"{'setting':70s} {'what':8s} {'estimate':>9s} {'measured':>9s} {'ratio':>6s}")
    for query, what, est, real in rows():
        ratio = max(est / real, real / est)
        worst = max(worst, ratio)
        print(f"{query[:70]:70s} {what:8s} {est:8.3f}s {real:8.3f}s {est / real:6.2f}")
    print(f"worst ratio {worst:.2f} (target: within 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
