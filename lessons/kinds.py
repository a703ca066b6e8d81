"""Question kinds: what a lesson asks, and its answer computed from the runs on the page.

    outcome             how one run ends: converges / oscillates / diverges / still moving
    lowest_after        which run is lowest after N steps (or epochs; by loss or by distance)
    which_run           which run's `of` at a step is above (or below) a value, or the highest / lowest
    first_to_converge   which run converges first (or none)
    which_minimum       the minimum a run ends at, by the letters on the map (or stalled, none)
    value_after         a number: w, x, y, the loss, ... after k steps, judged within a tolerance
    steps_to_converge   a number: the step at which a run converges (or never)
    largest_stable_lr   a number: the largest rate of the lr sweep below which no run diverges
    observed            the value of one of the lesson's own measures: among the file's choices,
                        or a number typed (a measure that is a number, without choices)

A kind gives the answer (`answer(ctx, q)`), the choices it generates when the file writes none
(`choices(ctx, q)`, from the setup alone: they are on the page before Reveal), and the names of
what it measures for the texts after Reveal (`names`). Numeric kinds without written choices take
a number, judged within the question's tolerance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optimizers.fate import Fate

from .observe import OF, reached_minimum

FATES = ("converged", "oscillating", "diverged", "moving")


@dataclass(frozen=True)
class Choice:
    """One answer a class can pick: its value (compared with the computed answer) and how it is
    written: a catalog key with values, or the file's own label."""

    value: object
    key: str = ""
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """The computed answer: its value and, for the texts, what the kind measured by name."""

    value: object
    measured: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    params: dict  # allowed [question] keys -> default
    answer: Callable
    choices: Callable | None  # None: a number box
    names: tuple[str, ...]
    numeric: bool = False
    doc: str = ""


def _run(ctx, q):
    return ctx.runs[q["run"] - 1]


def _run_choices(ctx, q) -> list[Choice]:
    return [Choice(i + 1, "choice.run", {"run": i + 1}) for i in range(len(ctx.plan))]


# ------------------------------------------------------------------------------ outcome
def _outcome(ctx, q) -> Answer:
    r = _run(ctx, q)
    fate = str(r.fate) if r.fate != Fate.LEFT_DOMAIN else "diverged"
    return Answer(
        fate, {"step": r.fate_at if r.fate_at >= 0 else None, "final_loss": float(r.losses[r.steps_taken])}
    )


def _outcome_choices(ctx, q) -> list[Choice]:
    return [Choice(f, f"choice.{f}") for f in FATES]


# ------------------------------------------------------------------------------ lowest_after
def _lowest(ctx, q) -> Answer:
    values = [_value_at(ctx, r, q["by"], q["steps"], q["epochs"]) for r in ctx.runs]
    best = min(values)
    winners = [i + 1 for i, v in enumerate(values) if v == best]
    return Answer(winners[0] if len(winners) == 1 else tuple(winners), {"value": best})


def _value_at(ctx, r, by, steps, epochs) -> float:
    if epochs is not None:
        k = round(epochs * r.per_epoch)
    else:
        k = r.steps_taken if steps is None else steps
    k = min(k, r.steps_taken)
    if by == "distance":
        return float(np.min(np.linalg.norm(ctx.surface.minima - r.path[k], axis=-1)))
    return float(r.losses[k])


# ------------------------------------------------------------------------------ first_to_converge
def _first(ctx, q) -> Answer:
    done = [(r.converged_at, i + 1) for i, r in enumerate(ctx.runs) if r.fate == Fate.CONVERGED]
    if not done:
        return Answer("none", {"step": None})
    step = min(done)[0]
    winners = [i for k, i in done if k == step]
    return Answer(winners[0] if len(winners) == 1 else tuple(winners), {"step": step})


def _first_choices(ctx, q) -> list[Choice]:
    return [*_run_choices(ctx, q), Choice("none", "choice.none_converges", {"steps": ctx.setup.steps})]


# ------------------------------------------------------------------------------ which_minimum
def _which(ctx, q) -> Answer:
    r = _run(ctx, q)
    where = reached_minimum(ctx.surface, r)
    return Answer(where, {"step": r.fate_at if r.fate_at >= 0 else None})


def _which_choices(ctx, q) -> list[Choice]:
    s = ctx.surface
    out = [
        Choice(chr(ord("A") + i), "choice.minimum", {"letter": chr(ord("A") + i), "point": tuple(m)})
        for i, m in enumerate(s.minima)
    ]
    return [*out, Choice("stalled", "choice.stalled"), Choice("none", "choice.no_minimum")]


# ------------------------------------------------------------------------------ numbers
def _value_after(ctx, q) -> Answer:
    r = _run(ctx, q)
    n = r.steps_taken
    k = n if q["step"] == "end" else min(int(q["step"]), n)
    of = q["of"]
    if of in ("w", "x", "y"):
        v = r.path[k, 0 if of in ("w", "x") else 1]
    elif of == "loss":
        v = r.losses[k]
    elif of == "distance":
        v = np.min(np.linalg.norm(ctx.surface.minima - r.path[k], axis=-1))
    elif of == "lr":
        v = r.lrs[min(k, len(r.lrs) - 1)]
    elif of == "grad_norm":
        v = np.linalg.norm(ctx.surface.grad(r.path[k]))
    else:
        v = np.linalg.norm(r.path[k])
    return Answer(float(v))


def _steps_to(ctx, q) -> Answer:
    r = _run(ctx, q)
    return Answer(r.converged_at if r.fate == Fate.CONVERGED else "never")


def _largest_stable(ctx, q) -> Answer:
    from model.explore import run_options
    from optimizers.sweep import lr_grid, lr_sweep

    name = ctx.setup.optimizers[0]
    sweep = lr_sweep(
        ctx.surface, name, ctx.setup.x0, lr_grid(), ctx.setup.steps, **run_options(ctx.setup, name)
    )
    bad = np.flatnonzero(sweep.verdict == Fate.DIVERGED)
    stable = sweep.lrs if not len(bad) else sweep.lrs[: bad[0]]
    return Answer(float(stable[-1]) if len(stable) else None)


# ------------------------------------------------------------------------------ which_run
def _which_run(ctx, q) -> Answer:
    from .observe import _at, _series

    values = [float(_at(_series(ctx, r, q["of"]), q["step"], r.per_epoch)) for r in ctx.runs]
    if q["above"] is not None or q["below"] is not None:
        hits = [
            i + 1
            for i, v in enumerate(values)
            if (q["above"] is None or v > q["above"]) and (q["below"] is None or v < q["below"])
        ]
        answer = "none" if not hits else hits[0] if len(hits) == 1 else tuple(hits)
        return Answer(answer, {"value": values[hits[0] - 1] if len(hits) == 1 else None})
    best = max(values) if q["which"] == "highest" else min(values)
    winners = [i + 1 for i, v in enumerate(values) if v == best]
    return Answer(winners[0] if len(winners) == 1 else tuple(winners), {"value": best})


def _which_run_choices(ctx, q) -> list[Choice]:
    threshold = q["above"] is not None or q["below"] is not None
    return [*_run_choices(ctx, q), *([Choice("none", "choice.no_run")] if threshold else [])]


def _observed(ctx, q) -> Answer:
    return Answer(ctx.measure(q["measure"]))


KINDS = {
    k.name: k
    for k in [
        Kind("outcome", {"run": 1}, _outcome, _outcome_choices, ("answer", "step", "final_loss")),
        Kind(
            "lowest_after",
            {"steps": None, "epochs": None, "by": "loss"},
            _lowest,
            _run_choices,
            ("answer", "value"),
        ),
        Kind(
            "which_run",
            {"of": "loss", "step": "end", "above": None, "below": None, "which": "lowest"},
            _which_run,
            _which_run_choices,
            ("answer", "value"),
        ),
        Kind("first_to_converge", {}, _first, _first_choices, ("answer", "step")),
        Kind("which_minimum", {"run": 1}, _which, _which_choices, ("answer", "step")),
        Kind(
            "value_after",
            {"run": 1, "of": "w", "step": 1, "tolerance": None, "relative": None},
            _value_after,
            None,
            ("answer",),
            numeric=True,
        ),
        Kind(
            "steps_to_converge",
            {"run": 1, "tolerance": 0, "relative": None},
            _steps_to,
            None,
            ("answer",),
            numeric=True,
        ),
        Kind(
            "largest_stable_lr",
            {"tolerance": None, "relative": 0.1},
            _largest_stable,
            None,
            ("answer",),
            numeric=True,
        ),
        Kind(
            "observed", {"measure": None, "tolerance": None, "relative": None}, _observed, None, ("answer",)
        ),
    ]
}
VALUE_OF = OF


def matches(choice_value, answer, q) -> bool:
    """Whether a choice (a value, or a [low, high) range) is the computed answer: numbers within
    the question's tolerance (absolute, or relative to the answer), runs and words exactly; where
    several runs tie, any of them."""
    if isinstance(answer, tuple):
        return any(matches(choice_value, a, q) for a in answer)
    if isinstance(choice_value, list):  # a range [low, high)
        low, high = choice_value
        return isinstance(answer, (int, float)) and not isinstance(answer, bool) and low <= answer < high
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        if not isinstance(choice_value, (int, float)) or isinstance(choice_value, bool):
            return False
        return abs(choice_value - answer) <= tolerance(answer, q)
    return choice_value == answer


def tolerance(answer: float, q) -> float:
    tol = q.get("tolerance")
    rel = q.get("relative")
    out = 0.0
    if tol is not None:
        out = max(out, float(tol))
    if rel is not None:
        out = max(out, float(rel) * abs(answer))
    if tol is None and rel is None:
        out = 1e-9 * max(abs(answer), 1.0)
    return out
