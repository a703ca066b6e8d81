"""The two views that answer in the browser: the learning-rate scrubber (every optimizer at many
rates around the chosen one) and the basin map (where every start of a grid goes, at many rates).
Each is one vectorized computation per optimizer; the figure carries every result and a slider
switches between them without a rerun. Pure functions of a Setup (ui.compute caches them)."""

from __future__ import annotations

import numpy as np

from optimizers import run
from optimizers.basins import anchored_rates, basin_map, basin_rates, critical_rates
from optimizers.fate import Fate
from optimizers.stability import limit, sharpness
from optimizers.sweep import outcomes, scrub_rates
from viz.basins import BASIN_COLORS, basins_figure, letter, slider_fraction
from viz.scrub import lane, scrub_figure
from viz.style import color_of, format_lr

SCRUB_RATES = 41  # odd: the chosen lr is the middle one
BASIN_RATES = 12
BASIN_GRID = 160
BASIN_STEPS = 300


def run_options(setup, name: str) -> dict:
    """run()'s options for `name` as the main view runs it, for a family of rates: its
    hyperparameters, schedule, noise, seed, tolerance and the first batch size."""
    options = setup.run_options(name)
    options.pop("steps")
    options["batch_size"] = setup.batch_sizes[0] if setup.batch_sizes else None
    return options


def scrub_lrs(setup, decades: float) -> np.ndarray:
    return scrub_rates(setup.lr, decades, SCRUB_RATES)


# a network's paths keep about this many iterates each (its plane is a map, not an animation)
SCRUB_POINTS = 300
SCRUB_CHUNK = 21  # a network's rates per run() call: half of them, one per worker; ~160 MB of iterates each


def scrub_spec(setup, s, T, decades: float = 1.0, big: bool = False, families=None, plane=None) -> dict:
    """The scrubber's figure: each optimizer run from the start at SCRUB_RATES rates (one run()
    call each), the names saying how each run ended, the caption lr * lambda_max at the start
    against each optimizer's limit. A network's runs are drawn as their shadows on `plane` (the
    landscape's plane through the chosen rate's run), and `families` may hold them already
    ({optimizer: scrub_family(...)}, made in pieces by the workers)."""
    lrs = scrub_lrs(setup, decades)
    lam = float(sharpness(s, np.asarray(setup.x0, dtype=float)))
    families = families or {name: scrub_family(setup, s, name, lrs, plane) for name in setup.optimizers}
    lanes = []
    for name in setup.optimizers:
        fam = families[name]
        tops = [limit(name, lr=float(lr), **setup.hyper_for(name)) for lr in lrs]
        notes = [
            _outcome(k, int(n), T) + " · " + _against(lr * lam, top, T)
            for k, n, lr, top in zip(fam["kind"], fam["step"], lrs, tops)
        ]
        lanes.append(
            lane(T(f"opt.{name}.short"), color_of(name), fam["path"], fam["losses"], fam["last"], notes)
        )

    def caption(i: int) -> str:
        return T("scrub.caption", lr=format_lr(lrs[i]), ratio=f"{lrs[i] * lam:.3g}")

    if plane is None:
        return scrub_figure(s, lanes, lrs, SCRUB_RATES // 2, T, caption, big=big)
    names = tuple(T(f"axis.{plane.kind_of_directions}_{i}") for i in (1, 2))
    return scrub_figure(
        plane, lanes, lrs, SCRUB_RATES // 2, T, caption, big=big, steps=False, axis_names=names
    )


def scrub_family(setup, s, name: str, lrs, plane=None) -> dict:
    """`name` run from the start at each of lrs (one run() call): the paths (k+1, m, dim), losses
    and each run's last iterate, with how it ended (fate and step). On a network, the paths are
    their shadows on `plane` at every stride-th iterate (and the last), about SCRUB_POINTS each."""
    t = run(s, name, x0=setup.x0, lr=lrs, steps=setup.steps, record="path", **run_options(setup, name))
    kind, step = outcomes(t)
    last = np.where(kind == Fate.DIVERGED, np.maximum(step - 1, 0), step)
    if plane is None:
        return dict(path=t.path, losses=t.losses, last=last, kind=kind, step=step)
    stride = scrub_stride(setup.steps)
    keep = np.arange(0, setup.steps + 1, stride)
    shown = np.searchsorted(keep, last)  # kept iterates before each run's last: its last one's position
    i = np.arange(len(keep) + 1)[:, None]
    rows = np.where(i < shown, np.append(keep, 0)[i], last)  # (S, m): the kept iterates, then the last
    cols = np.arange(len(last))[None, :]
    with np.errstate(all="ignore"):
        ab = plane.coordinates(t.path[rows, cols] - plane.origin)
    return dict(path=ab, losses=t.losses[rows, cols], last=shown, kind=kind, step=step)


def scrub_stride(steps: int) -> int:
    """A network's scrubber keeps every stride-th iterate of each run (about SCRUB_POINTS)."""
    return max(1, -(-int(steps) // SCRUB_POINTS))


def scrub_chunks(lrs) -> list[np.ndarray]:
    """A network's rates in run() calls of at most SCRUB_CHUNK (each a worker's task), dealt in
    turn (every n-th rate), so each call holds its share of the fast, diverging runs."""
    lrs = np.asarray(lrs, dtype=float)
    n = -(-len(lrs) // SCRUB_CHUNK)
    return [lrs[i::n] for i in range(n)]


def joined(parts: list[dict]) -> dict:
    """One family from the families of scrub_chunks' calls, its runs back in the rates' order."""
    length, n = max(len(p["path"]) for p in parts), len(parts)
    where = np.concatenate(
        [np.arange(i, i + n * len(p["last"]), n)[: len(p["last"])] for i, p in enumerate(parts)]
    )
    order = np.argsort(where)  # run j of the rates is run order[j] of the concatenated calls

    def padded(a):  # a call that stopped early: its runs repeat their last iterate
        return np.concatenate([a, np.repeat(a[-1:], length - len(a), axis=0)]) if len(a) < length else a

    return dict(
        path=np.concatenate([padded(p["path"]) for p in parts], axis=1)[:, order],
        losses=np.concatenate([padded(p["losses"]) for p in parts], axis=1)[:, order],
        **{key: np.concatenate([p[key] for p in parts])[order] for key in ("last", "kind", "step")},
    )


def _against(ratio: float, top: float | None, T) -> str:
    """lr * lambda_max against the optimizer's limit, in words."""
    if top is None:
        return T("scrub.no_limit")
    side = "at" if np.isclose(ratio, top, rtol=1e-9) else ("below" if ratio < top else "above")
    return T(f"scrub.{side}", limit=f"{top:.3g}")


def _outcome(fate: str, step: int, T) -> str:
    if fate in (Fate.CONVERGED, Fate.DIVERGED):
        return T(f"status.{fate}", k=step)
    return T("sweep.oscillating") if fate == Fate.OSCILLATING else T("status.moving")


def basin_window(setup, s, zoom: int) -> np.ndarray:
    """The map's window: the view, or at zoom z a window z times smaller centred on the start."""
    if zoom <= 1:
        return np.asarray(s.bounds, dtype=float)
    center = np.asarray(setup.x0, dtype=float)
    half = (s.bounds[:, 1] - s.bounds[:, 0]) / (2 * zoom)
    return np.column_stack([center - half, center + half])


def basin_lrs(setup, s, name: str) -> np.ndarray:
    """BASIN_RATES log-spaced rates, the chosen lr one of them: past every minimum's critical rate
    (the optimizer's limit / lambda_max there) for an optimizer with a limit, otherwise a decade
    each way."""
    top = limit(name, lr=setup.lr, **setup.hyper_for(name))
    if top is None or not len(s.minima):
        return anchored_rates(setup.lr / 10, setup.lr * 10, setup.lr, BASIN_RATES)
    return basin_rates(s, BASIN_RATES, setup.lr, top)


def basin_of(setup, s, zoom: int = 1, n: int = BASIN_GRID):
    """The BasinMap of the first optimizer (the main view's hyperparameters, schedule and noise)."""
    name = setup.optimizers[0]
    options = run_options(setup, name)
    options.pop("tol")
    lrs = basin_lrs(setup, s, name)
    return basin_map(s, name, lrs, n=n, steps=BASIN_STEPS, bounds=basin_window(setup, s, zoom), **options)


def basins_spec(setup, s, T, zoom: int = 1, big: bool = False) -> dict:
    """The basin view's figure, with the share of each basin per rate and each minimum's critical
    rate marked under the slider."""
    name = setup.optimizers[0]
    bmap = basin_of(setup, s, zoom)
    k = len(s.minima)
    shares = bmap.shares(k)
    top = limit(name, lr=setup.lr, **setup.hyper_for(name))
    crit = critical_rates(s) * (top / 2) if top is not None else np.full(k, np.inf)
    active = int(np.argmin(np.abs(np.log(bmap.lrs / setup.lr))))
    opt = T(f"opt.{name}.short")

    def caption(i: int) -> str:
        parts = [f"{letter(m)} {shares[i, m]:.0%}" for m in range(k) if shares[i, m] > 0]
        for key, share in (("basins.diverged", shares[i, k]), ("basins.undecided", shares[i, k + 1])):
            if share > 0:  # named only where there are such starts
                parts.append(T(key, share=f"{share:.0%}"))
        return T("basins.caption", optimizer=opt, lr=format_lr(bmap.lrs[i])) + " · ".join(parts)

    ticks = [
        (slider_fraction(bmap.lrs, c), f"▲{letter(m)}", _dark(BASIN_COLORS[m % len(BASIN_COLORS)]))
        for m, c in enumerate(crit)
        if bmap.lrs[0] <= c <= bmap.lrs[-1]
    ]
    return basins_figure(s, bmap, T, active, caption, ticks, s.minima, setup.x0, big=big)


def _dark(color: str) -> str:
    rgb = [int(color[i : i + 2], 16) * 0.6 for i in (1, 3, 5)]
    return "#" + "".join(f"{int(c):02X}" for c in rgb)
