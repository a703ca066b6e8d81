"""Lessons: presets a teacher runs a class from. Each sets every control (its `values` override its
surface's defaults, model.state.defaults), says what to look at and why it happens, asks the class to
predict, and holds the answer for the Reveal button. Its words live in the text catalogs under
`lesson.<slug>.*` (title, look, why, ask, question, choices, explanation).

Every number a lesson's words state about its runs is a Claim: a measure of the lesson's own runs
and the value the words print (as {name}). tests/test_lessons.py runs every lesson and checks every
claim, so a reworded lesson cannot drift from what its run does.

`invites` names the controls the lesson asks the class to change: changing them keeps the lesson
open. The slugs are what the app's `lesson` selectbox and links hold and what
`python -m export --list` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Claim:
    """`measure(runs, state)` (runs by (optimizer, lr, start, batch size), the lesson's state) gives
    what the lesson's words state as `value`; numbers agree within `rel` (0: exactly)."""

    name: str
    measure: Callable
    value: object
    rel: float = 0.0
    fmt: str = "{}"

    def text(self) -> str:
        return self.fmt.format(self.value)

    def holds(self, measured) -> bool:
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            return bool(np.isclose(measured, self.value, rtol=self.rel, atol=0))
        return measured == self.value


@dataclass(frozen=True)
class Lesson:
    slug: str
    surface: str
    values: dict
    answer: int  # index into the catalog's choices
    invites: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()

    def facts(self) -> dict[str, str]:
        """The claims' values as the texts print them, by placeholder name."""
        return {c.name: c.text() for c in self.claims}


# ------------------------------------------------------------------------------ measures
def _run(runs, optimizer="gd", lr=None, start=0, batch=None):
    matches = [r for (o, rate, s, b), r in runs.items() if o == optimizer and s == start and b == batch]
    return matches[0] if lr is None else next(r for r in matches if r.lr == lr)


def end(optimizer="gd", lr=None, start=0, coord=0, digits=None):
    def measure(runs, state):
        r = _run(runs, optimizer, lr, start)
        v = float(r.path[r.steps_taken, coord])
        return round(v, digits) if digits is not None else v

    return measure


def final_loss(optimizer="gd", lr=None, start=0, batch=None):
    def measure(runs, state):
        r = _run(runs, optimizer, lr, start, batch)
        return float(r.losses[r.steps_taken])

    return measure


def final_loss_at(k, optimizer="gd"):
    """The loss at step k of the run."""
    return lambda runs, state: float(_run(runs, optimizer).losses[k])


def at_step(k, optimizer="gd", lr=None, start=0):
    return lambda runs, state: float(_run(runs, optimizer, lr, start).path[k, 0])


def stopped(optimizer="gd", lr=None, start=0, how="converged"):
    """The step at which the run converged / diverged (-1 if it did not)."""

    def measure(runs, state):
        r = _run(runs, optimizer, lr, start)
        return r.converged_at if how == "converged" else r.diverged_at

    return measure


def steps_taken(optimizer="gd", lr=None, start=0):
    return lambda runs, state: _run(runs, optimizer, lr, start).steps_taken


def status(optimizer="gd", lr=None, start=0):
    return lambda runs, state: _run(runs, optimizer, lr, start).status


def _other(state, **changes):
    """The runs of the lesson's own settings with some changed (a claim about what the lesson
    asks the class to try)."""
    from .experiment import simulate
    from .state import normalize, setup_from

    runs = simulate(setup_from(normalize(dict(state, **changes))))
    return {(r.optimizer, r.lr, r.start, r.batch_size): r for r in runs}


def with_settings(measure, **changes):
    return lambda runs, state: measure(_other(state, **changes), state)


def _seed_start(runs, state):
    """The lecture's own start: np.random.seed(0); np.random.randint(-2, 3)."""
    legacy = np.random.RandomState(0)
    return float(legacy.randint(-2, 3))


def _bounce_points(runs, state):
    r = _run(runs, "gd", 1.0)
    return tuple(sorted(set(r.path[: r.steps_taken + 1, 0].tolist())))


def _first_factor(runs, state):
    r = _run(runs, "gd", 0.1)
    return round(float((r.path[2, 0] - 1) / (r.path[1, 0] - 1)), 12)


def _steps_to(target, lr):
    def measure(runs, state):
        from optimizers import run

        t = run("quadratic", "gd", x0=[state["x0"]], lr=lr, steps=10_000, tol=0)
        return int(np.argmax(np.abs(t.path[:, 0] - 1) <= target))

    return measure


def _closest_rate(runs, state):
    r = min(runs.values(), key=lambda r: abs(r.path[r.steps_taken, 0] - 1))
    return r.lr


def _first_to_converge(runs, state):
    done = [r for r in runs.values() if r.status == "converged"]
    return min(done, key=lambda r: r.converged_at).optimizer


def _hilltop(runs, state):
    """The top of the hill between the double well's valleys: the middle root of L'(w) = 4w^3 - 4w + 1/2."""
    return round(float(sorted(np.roots([4, 0, -4, 0.5]).real)[1]), 3)


def _barrier(valley):
    def measure(runs, state):
        from surfaces import SURFACES

        s = SURFACES["double_well"]
        top = float(s.value([_hilltop(runs, state)]))
        low = s.minima_values[0 if valley == "deep" else 1]
        return round(top - float(low), 2)

    return measure


def _curvature(valley):
    def measure(runs, state):
        from surfaces import SURFACES

        s = SURFACES["double_well"]
        return round(float(s.hessian(s.minima[0 if valley == "deep" else 1])[0, 0]), 2)

    return measure


def _deep_minimum(runs, state):
    from surfaces import SURFACES

    return round(float(SURFACES["double_well"].minima[0, 0]), 2)


def _deep_count(runs, state):
    """How many of the seeds 0-11 end in the deep valley (w < 0) with the lesson's settings."""
    from optimizers import SCHEDULES, run

    ends = [
        run(
            "double_well",
            "gd",
            x0=[state["x0"]],
            lr=state["lr"],
            steps=state["steps"],
            noise=state["noise"],
            seed=seed,
            schedule=SCHEDULES["exponential"](gamma=state["schedule_gamma"]),
        ).path[-1, 0]
        for seed in range(12)
    ]
    return int(np.sum(np.array(ends) < 0))


def _growing_steps(runs, state):
    r = _run(runs)
    d = np.abs(r.path[: r.steps_taken + 1, 0] - 1)
    return tuple(int(k) for k in np.flatnonzero(np.diff(d) > 0) + 1)


def _lr_after(k):
    return lambda runs, state: round(float(_run(runs).lrs[k]), 6)


def _first_lr_below(value):
    return lambda runs, state: int(np.argmax(_run(runs).lrs < value))


def _rises(optimizer):
    def measure(runs, state):
        r = _run(runs, optimizer)
        return int(np.sum(np.diff(r.losses[: r.steps_taken + 1]) > 0))

    return measure


def _reversals(optimizer):
    """How many steps reverse the direction of the previous one across the valley (in y)."""

    def measure(runs, state):
        r = _run(runs, optimizer)
        dy = np.diff(r.path[: r.steps_taken + 1, 1])
        return int(np.sum(np.sign(dy[1:]) != np.sign(dy[:-1])))

    return measure


def _below_from(runs, state):
    """The step from which momentum's loss stays below gradient descent's."""
    g, m = _run(runs, "gd"), _run(runs, "momentum")
    worse = np.flatnonzero(~(m.losses < g.losses))
    return int(worse[-1] + 1) if len(worse) else 0


def _alignment(batch):
    """The mean cosine between each step and the full data's descent direction."""

    def measure(runs, state):
        from .spec import DataSpec

        s = DataSpec.from_state(state).build()
        r = _run(runs, "gd", None, 0, batch)
        path = r.path[: r.steps_taken + 1]
        d, g = np.diff(path, axis=0), -s.grad(path[:-1])
        cos = np.sum(d * g, axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(g, axis=1) + 1e-300)
        return round(float(np.mean(cos)), 2)

    return measure


def _loss_after_epochs(batch, epochs):
    def measure(runs, state):
        r = _run(runs, "gd", None, 0, batch)
        return round(float(r.losses[epochs * r.per_epoch]), 2)

    return measure


def _surface(state):
    from .state import setup_from

    return setup_from(state).spec.build()


def _sharpness(runs, state, optimizer="gd"):
    """(steps, lambda_max there) along the run, as the history panel measures it (model.verdicts)."""
    from .verdicts import ratio_path

    r = _run(runs, optimizer)
    steps, ratios = ratio_path(_surface(state), r)
    return r, steps, ratios / r.lrs[steps]


def _edge_fact(what):
    """Facts of the edge of stability: 2/lr, sharpness at the start, the step where it first
    reaches 2/lr, its lowest and highest value from then on, and its largest relative distance
    from 2/lr in the last quarter of the run."""

    def measure(runs, state):
        r, steps, lam = _sharpness(runs, state)
        edge = 2 / float(r.lrs[0])
        if what == "edge":
            return round(edge, 1)
        if what == "start":
            return round(float(lam[0]), 1)
        first = int(np.argmax(lam >= edge)) if (lam >= edge).any() else None
        if first is None:
            return None
        if what == "reach":
            return int(steps[first])
        if what == "late":  # the last quarter of the run: how far from 2/lr, at most
            return float(np.ceil(100 * np.abs(lam[-len(lam) // 4 :] / edge - 1).max()) / 100)  # "within"
        after = lam[first:]
        return round(float(after.min() if what == "low" else after.max()), 1)

    return measure


def _plane_fact(what, optimizer="adam"):
    """The landscape view's own numbers: the PCA plane's shares of the path's variance, how far the
    plane's loss strays from the true loss (a factor), and how often the loss rises on the
    straight line from start to end."""

    def measure(runs, state):
        from surfaces.landscape import line_surface

        from .landscape import plane_of, shadows

        s, r = _surface(state), _run(runs, optimizer)
        if what == "line_rises":
            line = line_surface(s, r.path[0], r.path[r.steps_taken])
            L = line.value(np.linspace(0.0, 1.0, 201)[:, None])
            return int((np.diff(L) > 0).sum())
        plane = plane_of(s, [r], "filter" if what == "gap_filter" else "pca")
        if what in ("pc1", "pc2"):
            return round(float(plane.explained[0 if what == "pc1" else 1]), 2)
        _, true, on_plane = shadows(plane, [r])
        return round(float(np.max(np.maximum(on_plane[0] / true[0], true[0] / on_plane[0]))), 1)

    return measure


# ------------------------------------------------------------------------------ the lessons
def _basin_map(state, zoom: int = 1, lr: float | None = None, grid: bool = False):
    """The basin view's map of the lesson's state: over the view's grid of rates (grid), or at the
    lesson's rate (or `lr`) alone, at zoom."""
    from optimizers.basins import basin_map

    from .explore import BASIN_STEPS, basin_of, basin_window
    from .state import normalize, setup_from

    setup = setup_from(normalize(dict(state, lr=lr or state["lr"])))
    s = setup.spec.build()
    if grid:
        return basin_of(setup, s, zoom)
    return basin_map(
        s, setup.optimizers[0], [setup.lr], steps=BASIN_STEPS, bounds=basin_window(setup, s, zoom)
    )


def _reached(runs, state):
    """The letter of the minimum the first run ends at (the basin map's names: A, B, ...)."""
    from surfaces import get_surface
    from viz.basins import letter

    r = _run(runs)
    minima = get_surface(state["surface"]).minima
    return letter(int(np.linalg.norm(minima - r.path[r.steps_taken], axis=1).argmin()))


def _critical(m):
    def measure(runs, state):
        from optimizers.basins import critical_rates
        from surfaces import get_surface

        return float(critical_rates(get_surface(state["surface"]))[m])

    return measure


def _gone(m):
    """The first rate of the basin view's grid at which minimum m's basin is empty."""

    def measure(runs, state):
        bmap = _basin_map(state, grid=True)
        empty = np.flatnonzero(bmap.shares(m + 1)[:, m] == 0)
        return round(float(bmap.lrs[empty[0]]), 4) if len(empty) else None

    return measure


def _share_at_lesson_lr(m):
    def measure(runs, state):
        bmap = _basin_map(state, grid=True)
        r = int(np.argmin(np.abs(np.log(bmap.lrs / state["lr"]))))
        return round(float(bmap.shares(m + 1)[r, m]), 2)

    return measure


def _crossings(zoom, lr=None):
    def measure(runs, state):
        return round(_basin_map(state, zoom, lr).crossings(0))

    return measure


LESSONS = [
    Lesson(
        "seed-example",
        "quadratic",
        dict(lr=0.1, x0=5.0, steps=100),
        answer=0,
        invites=("lr",),
        claims=(Claim("w1", at_step(1), 4.2, rel=1e-15), Claim("factor", _first_factor, 0.8, rel=1e-12)),
    ),
    Lesson(
        "seed-loop",
        "quadratic",
        dict(lr=0.4, lrs=[0.001, 10.0], x0=2.0, steps=100, tol=0.0, stop_diverged=False),
        answer=1,
        claims=(
            Claim("start", _seed_start, 2.0, fmt="{:g}"),
            Claim("it_04", steps_taken(lr=0.4), 23),
            Claim("w_04", end(lr=0.4), 1.0, fmt="{:.1f}"),
            Claim("loss_04", final_loss(lr=0.4), 2.0, fmt="{:.1f}"),
            Claim("w_0001", end(lr=0.001, digits=5), 1.81857, fmt="{:.5f}"),
            Claim(
                "loss_0001",
                lambda runs, state: round(final_loss(lr=0.001)(runs, state), 5),
                2.67005,
                fmt="{:.5f}",
            ),
            Claim("it_10", steps_taken(lr=10.0), 100),
            Claim("w_10", end(lr=10.0), 7.5e127, rel=0.01, fmt="{:.1e}"),
            Claim("loss_10", final_loss(lr=10.0), 5.6e255, rel=0.01, fmt="{:.1e}"),
        ),
    ),
    Lesson(
        "too-large",
        "quadratic",
        dict(lr=10.0, lrs=[1.0], x0=5.0, steps=100),
        answer=1,
        invites=("lr", "lrs"),
        claims=(
            Claim("w1", at_step(1, lr=10.0), -75.0, fmt="{:g}"),
            Claim("div", stopped(lr=10.0, how="diverged"), 6),
            Claim("bounce_points", lambda runs, state: len(_bounce_points(runs, state)), 2),
            Claim("bounce_hi", lambda runs, state: max(_bounce_points(runs, state)), 5.0, fmt="{:g}"),
            Claim("bounce_lo", lambda runs, state: min(_bounce_points(runs, state)), -3.0, fmt="{:g}"),
            Claim("status_1", status(lr=1.0), "moving"),
            Claim(
                "grow_101",
                with_settings(
                    lambda runs, state: round(abs(end(lr=1.01)(runs, state) - 1) / 4, 1), lr=1.01, lrs=[]
                ),
                7.2,
            ),
        ),
    ),
    Lesson(
        "too-small",
        "quadratic",
        dict(lr=0.001, x0=5.0, steps=100),
        answer=1,
        invites=("lr", "steps"),
        claims=(
            Claim("w100", end(digits=2), 4.27, fmt="{:.2f}"),
            Claim("to_001", _steps_to(0.01, 0.001), 2993, fmt="{:,}"),
        ),
    ),
    Lesson(
        "seed-comparison",
        "quadratic",
        dict(lr=0.1, lrs=[0.4, 0.001, 10.0], x0=5.0, steps=100, tol=0.0),
        answer=1,
        claims=(
            Claim("stop_04", stopped(lr=0.4), 24),
            Claim("status_01", status(lr=0.1), "moving"),
            Claim("div_10", stopped(lr=10.0, how="diverged"), 6),
            Claim("w_0001", end(lr=0.001, digits=2), 4.27, fmt="{:.2f}"),
            Claim("closest", _closest_rate, 0.4, fmt="{:g}"),
        ),
    ),
    Lesson(
        "local-minima",
        "double_well",
        dict(
            optimizers=["gd", "momentum"],
            lr=0.05,
            momentum_momentum=0.8,
            x0=1.8,
            start2=True,
            x1=-0.2,
            steps=200,
        ),
        answer=1,
        invites=("x0", "x1"),
        claims=(
            Claim("gd_right", end("gd", start=0, digits=2), 0.93, fmt="{:.2f}"),
            Claim("gd_left", end("gd", start=1, digits=2), -1.06, fmt="{:.2f}"),
            Claim("mom_right", end("momentum", start=0, digits=2), -1.06, fmt="{:.2f}"),
            Claim("top", _hilltop, 0.127, fmt="{:.2f}"),
            Claim("barrier", _barrier("shallow"), 0.55, fmt="{:.2f}"),
        ),
    ),
    Lesson(
        "sgd-vs-batch",
        "linreg",
        dict(lr=0.05, batch_sizes=[1, 50], steps=300, history_x="epoch"),
        answer=1,
        invites=("lr", "batch_sizes", "seed"),
        claims=(
            Claim("align_full", _alignment(None), 1.0, fmt="{:.2f}"),
            Claim("align_sgd", _alignment(1), 0.19, fmt="{:.2f}"),
            Claim("sgd_6", _loss_after_epochs(1, 6), 1.56, fmt="{:.2f}"),
            Claim("full_6", _loss_after_epochs(None, 6), 6.22, fmt="{:.2f}"),
        ),
    ),
    Lesson(
        "ravine",
        "ravine",
        dict(optimizers=["gd", "momentum"], lr=0.035, steps=100, momentum_momentum=0.7),
        answer=1,
        invites=("lr", "momentum_momentum"),
        claims=(
            Claim("gd_end", final_loss("gd"), 0.033, rel=0.02, fmt="{:.2g}"),
            Claim("mom_end", final_loss("momentum"), 7.8e-14, rel=0.02, fmt="{:.1e}"),
            Claim("below_from", _below_from, 6),
            Claim("mom_rises", _rises("momentum"), 39),
            Claim("gd_rises", _rises("gd"), 0),
            Claim("gd_flips", _reversals("gd"), 99),
            Claim("mom_flips", _reversals("momentum"), 50),
        ),
    ),
    Lesson(
        "rosenbrock",
        "rosenbrock",
        dict(
            optimizers=["gd", "momentum", "adam", "newton"],
            lr=0.001,
            steps=500,
            adam_own_lr=True,
            adam_lr=0.05,
            newton_own_lr=True,
            newton_lr=1.0,
        ),
        answer=3,
        claims=(
            Claim("newton_steps", stopped("newton"), 7),
            Claim("first", _first_to_converge, "newton"),
            Claim("gd_loss", final_loss("gd"), 4.47, rel=0.01, fmt="{:.2f}"),
            Claim("adam_loss", final_loss("adam"), 0.112, rel=0.01, fmt="{:.2f}"),
            Claim("mom_loss", final_loss("momentum"), 0.0044, rel=0.01, fmt="{:.4f}"),
        ),
    ),
    Lesson(
        "saddle",
        "saddle",
        dict(lr=0.05, x0=1.5, y0=0.0, start2=True, x1=1.5, y1=0.01, optimizers=["gd"], steps=300),
        answer=1,
        invites=("noise", "seed"),
        claims=(
            Claim(
                "ridge_end",
                lambda runs, state: tuple(np.round(_run(runs).path[_run(runs).steps_taken], 6) + 0.0),
                (0.0, 0.0),
            ),
            Claim("ridge_status", status(), "converged"),
            Claim("nudged_y", end(start=1, coord=1, digits=3), 1.0, fmt="{:g}"),
            Claim("noisy_y", with_settings(end(start=0, coord=1, digits=1), noise=0.05), -1.0, fmt="{:g}"),
        ),
    ),
    Lesson(
        "schedule-rescue",
        "quadratic",
        dict(lr=1.05, x0=5.0, steps=200, schedule="exponential", schedule_gamma=0.95),
        answer=1,
        invites=("schedule", "schedule_gamma"),
        claims=(
            Claim("growing", _growing_steps, (1,), fmt="{0[0]}"),
            Claim("lr1", _lr_after(1), 0.9975, fmt="{:g}"),
            Claim("below_half", _first_lr_below(0.5), 15),
            Claim("conv", stopped(), 17),
            Claim("constant_div", with_settings(stopped(how="diverged"), schedule="constant"), 155),
        ),
    ),
    Lesson(
        "noise-escape",
        "double_well",
        dict(lr=0.05, x0=1.8, steps=500, noise=7.0, seed=1, schedule="exponential", schedule_gamma=0.99),
        answer=1,
        invites=("seed", "noise"),
        claims=(
            Claim("end", end(digits=2), -0.98, fmt="{:.2f}"),
            Claim("deep_min", _deep_minimum, -1.06, fmt="{:.2f}"),
            Claim("quiet_end", with_settings(end(digits=2), noise=0.0), 0.93, fmt="{:.2f}"),
            Claim("deep", _deep_count, 8),
            Claim("barrier_shallow", _barrier("shallow"), 0.55, fmt="{:.2f}"),
            Claim("barrier_deep", _barrier("deep"), 1.55, fmt="{:.2f}"),
            Claim("curv_shallow", _curvature("shallow"), 6.39, fmt="{:.2f}"),
            Claim("curv_deep", _curvature("deep"), 9.42, fmt="{:.2f}"),
        ),
    ),
    Lesson(
        "basins",
        "himmelblau",
        dict(optimizers=["gd"], lr=0.01, x0=0.0, y0=0.0, steps=300, view="contour"),
        answer=2,
        invites=("lr", "view", "basin_zoom"),
        claims=(
            Claim("reached", _reached, "C"),
            Claim("steps", stopped(), 77),
            Claim("crit_a", _critical(0), 0.0149, rel=0.01, fmt="{:.3f}"),
            Claim("crit_d", _critical(3), 0.0190, rel=0.01, fmt="{:.3f}"),
            Claim("crit_c", _critical(2), 0.0243, rel=0.01, fmt="{:.3f}"),
            Claim("crit_b", _critical(1), 0.0248, rel=0.01, fmt="{:.3f}"),
            Claim("share_a", _share_at_lesson_lr(0), 0.24, fmt="{:.0%}"),
            Claim("gone_a", _gone(0), 0.0178, fmt="{:g}"),
            Claim("gone_d", _gone(3), 0.0216, fmt="{:g}"),
            Claim("gone_c", _gone(2), 0.0262, fmt="{:g}"),
            Claim("gone_b", _gone(1), 0.0262, fmt="{:g}"),
        ),
    ),
    Lesson(
        "fractal-edge",
        "himmelblau",
        dict(optimizers=["gd"], lr=0.023, x0=-0.1, y0=-3.4, steps=300, view="basins"),
        answer=1,
        invites=("basin_zoom",),
        claims=(
            Claim("ragged_1", _crossings(1), 8),
            Claim("ragged_256", _crossings(256), 13),
            Claim("smooth_256", _crossings(256, lr=0.01), 0),
        ),
    ),
    Lesson(
        "edge-of-stability",
        "mlp",
        dict(optimizers=["gd"], lr=0.065, steps=3000, tol=0.0, view="landscape"),
        answer=2,
        invites=("view", "directions", "history_x"),
        claims=(
            Claim("edge", _edge_fact("edge"), 30.8, fmt="{:.1f}"),
            Claim("lam0", _edge_fact("start"), 5.7, fmt="{:.1f}"),
            Claim("reach", _edge_fact("reach"), 1590, fmt="{:,}"),
            Claim("low", _edge_fact("low"), 28.7, fmt="{:.1f}"),
            Claim("high", _edge_fact("high"), 34.2, fmt="{:.1f}"),
            Claim("late", _edge_fact("late"), 0.03, fmt="{:.0%}"),
            Claim("rises", _rises("gd"), 482, fmt="{:,}"),
            Claim("loss0", final_loss_at(0), 0.584, rel=0.001, fmt="{:.3f}"),
            Claim("final", final_loss(), 0.0125, rel=0.01, fmt="{:.4f}"),
        ),
    ),
    Lesson(
        "network-landscape",
        "mlp",
        dict(optimizers=["adam"], lr=0.01, steps=1000, tol=0.0, view="landscape", directions="pca"),
        answer=0,
        invites=("view", "directions"),
        claims=(
            Claim("pc1", _plane_fact("pc1"), 0.87, fmt="{:.0%}"),
            Claim("pc2", _plane_fact("pc2"), 0.11, fmt="{:.0%}"),
            Claim("gap", _plane_fact("gap"), 8.3, fmt="{:g}"),
            Claim("gap_filter", _plane_fact("gap_filter"), 61.2, fmt="{:g}"),
            Claim("line_rises", _plane_fact("line_rises"), 0),
            Claim("loss0", final_loss_at(0, "adam"), 0.584, rel=0.001, fmt="{:.3f}"),
            Claim("final", final_loss("adam"), 0.0059, rel=0.01, fmt="{:.4f}"),
        ),
    ),
]
BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def get_lesson(slug: str) -> Lesson:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise ValueError(f"unknown lesson {slug!r}; choose one of: {', '.join(BY_SLUG)}") from None


def number(slug: str) -> int:
    """A lesson's place in the menu, 1-based (titles are numbered by it)."""
    return [lesson.slug for lesson in LESSONS].index(slug) + 1
