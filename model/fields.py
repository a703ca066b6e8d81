"""The schema of every control: its key (the widget key and the URL key), kind, default and range.

Defaults that depend on the surface (start, learning rate, optimizers, steps, view) are set by
model.state.defaults; the ones here are the surface-independent ones. Hyperparameter and schedule
fields are generated from the factories' own signatures (PyTorch's defaults), so they cannot
drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from surfaces import SURFACES
from surfaces.errors import InputError

from .text import LANGS

LR_MIN, LR_MAX = 1e-6, 100.0
MAX_STEPS = 10_000
MAX_VALUE_LENGTH = 300  # a longer query value is stale or tampered with
SURFACE_NAMES = (*SURFACES, "custom")
VIEWS = ("curve", "contour", "3d", "scrub", "basins", "sweep", "compare", "landscape", "line")
VIEWS_BY_DIM = {
    1: ("curve", "scrub", "sweep", "compare"),
    2: ("contour", "3d", "scrub", "basins", "sweep", "compare"),
}
# a network's hundreds of parameters, seen through a plane or a line (and each rate's run on the plane)
NETWORK_VIEWS = ("landscape", "line", "scrub")
DIRECTIONS = ("pca", "filter")  # the landscape's plane (surfaces.landscape.slice_surface)


def views_for(dim: int) -> tuple[str, ...]:
    """The views of a surface of this dimension (above 2: the network's)."""
    return VIEWS_BY_DIM.get(dim, NETWORK_VIEWS)


BASIN_ZOOMS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

TOLERANCES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2)
EXTRA_LRS = (
    1e-4,
    3e-4,
    0.001,
    0.003,
    0.01,
    0.03,
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.9,
    1.0,
    1.05,
    2.0,
    3.0,
    10.0,
)

# Number widgets of hyperparameters and schedules: name -> (min, max, step, format).
HYPER_WIDGETS = {
    "momentum": (0.0, 0.999, 0.05, "%.3f"),
    "dampening": (0.0, 1.0, 0.05, "%.2f"),
    "weight_decay": (0.0, 10.0, 0.01, "%g"),
    "lr_decay": (0.0, 10.0, 0.01, "%g"),
    "initial_accumulator_value": (0.0, 100.0, 0.1, "%g"),
    "eps": (1e-12, 1.0, None, "%.0e"),
    "alpha": (0.0, 1.0, 0.01, "%.3f"),
    "beta1": (0.0, 0.9999, 0.01, "%.4f"),
    "beta2": (0.0, 0.9999, 0.001, "%.4f"),
    "min_curvature": (1e-12, 1e6, None, "%.0e"),
    "c1": (1e-8, 0.99, None, "%.0e"),
    "shrink": (0.01, 0.99, 0.05, "%.2f"),
    "max_backtracks": (0, 200, 1, "%d"),
    "clip_norm": (1e-6, 1e6, None, "%g"),
}
SCHEDULE_WIDGETS = {
    "step_size": (1, 100_000, 1, "%d"),
    "gamma": (1e-6, 1.0, 0.01, "%.4f"),
    "T_max": (1, 100_000, 10, "%d"),
    "eta_min": (0.0, 100.0, 0.001, "%g"),
    "decay": (0.0, 100.0, 0.001, "%g"),
    "factor": (1e-6, 0.999, 0.05, "%.3f"),
    "patience": (0, 100_000, 1, "%d"),
    "threshold": (0.0, 1.0, None, "%.0e"),
    "cooldown": (0, 100_000, 1, "%d"),
    "min_lr": (0.0, 100.0, None, "%g"),
}


@dataclass(frozen=True)
class Field:
    """One control: its kind ('float', 'int', 'bool', 'choice', 'floats', 'ints', 'choices', 'text'),
    its default, what values it accepts, and how its widget steps and shows a number (None: the
    widget's own step)."""

    key: str
    kind: str
    default: object
    lo: float = -math.inf
    hi: float = math.inf
    choices: tuple = ()
    step: float | None = None
    format: str = "%g"

    def check(self, value):
        """The value if it is valid for this field (ints and floats are coerced), else ValueError."""
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise InputError("link.not_bool")
        if kind in ("float", "int"):
            return self._number(value, kind)
        if kind in ("floats", "ints"):
            if not isinstance(value, (list, tuple)) or len(value) > 50:
                raise InputError("link.not_list")
            return [self._number(v, kind[:-1]) for v in value]
        if kind == "choice":
            if value in self.choices:
                return value
            choices = ", ".join(map(str, self.choices))
            raise InputError("link.not_choice", choices=choices)
        if kind == "choices":
            if (
                isinstance(value, (list, tuple))
                and all(v in self.choices for v in value)
                and len(set(value)) == len(value)
            ):
                return list(value)
            raise InputError("link.not_names")
        if kind == "text":
            if isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH:
                return value
            raise InputError("link.not_text")
        raise ValueError(f"unknown kind {kind}")

    def _number(self, value, kind):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError("link.not_number")
        v = float(value)
        if not math.isfinite(v) or not (self.lo <= v <= self.hi):
            raise InputError("link.range", lo=f"{self.lo:g}", hi=f"{self.hi:g}")
        if kind == "int":
            if v != int(v):
                raise InputError("link.not_int")
            return int(v)
        return v


@dataclass(frozen=True)
class Control:
    """How one of an optimizer's hyperparameters (`param`, torch's name) is set on the page:
    'number' or 'bool' from one field, 'pair' (betas) from two numbers, 'optional' (clip_norm) from
    a switch and a number; `keys` are its fields."""

    param: str
    kind: str
    keys: tuple[str, ...]

    def value(self, state: dict):
        """The hyperparameter's value in `state` (None: an optional one switched off)."""
        if self.kind == "pair":
            return tuple(state[k] for k in self.keys)
        if self.kind == "optional":
            return state[self.keys[1]] if state[self.keys[0]] else None
        return state[self.keys[0]]


def controls(name: str) -> list[Control]:
    """The hyperparameters of optimizer `name` the page sets, in its factory's order."""
    out = []
    for param, default in hyperparameters(OPTIMIZERS[name]).items():
        if param == "betas":
            out.append(Control(param, "pair", (f"{name}_beta1", f"{name}_beta2")))
        elif param == "clip_norm":
            out.append(Control(param, "optional", (f"{name}_clip", f"{name}_clip_norm")))
        elif isinstance(default, bool):
            out.append(Control(param, "bool", (f"{name}_{param}",)))
        elif param in HYPER_WIDGETS:
            out.append(Control(param, "number", (f"{name}_{param}",)))
    return out


def _number_field(key: str, widget: str, default) -> Field:
    lo, hi, step, form = (HYPER_WIDGETS | SCHEDULE_WIDGETS)[widget]
    kind = "int" if isinstance(default, int) and not isinstance(default, bool) else "float"
    return Field(key, kind, default, lo, hi, step=step, format=form)


def _hyper_fields() -> list[Field]:
    fields = []
    for name, factory in OPTIMIZERS.items():
        fields += [
            Field(f"{name}_own_lr", "bool", False),
            Field(f"{name}_lr", "float", 0.1, LR_MIN, LR_MAX, step=0.01),
        ]
        defaults = hyperparameters(factory)
        for c in controls(name):
            if c.kind == "pair":
                fields += [
                    _number_field(k, f"beta{i}", b)
                    for i, (k, b) in enumerate(zip(c.keys, defaults[c.param]), 1)
                ]
            elif c.kind == "optional":
                fields += [Field(c.keys[0], "bool", False), _number_field(c.keys[1], c.param, 1.0)]
            elif c.kind == "bool":
                fields.append(Field(c.keys[0], "bool", defaults[c.param]))
            else:
                fields.append(_number_field(c.keys[0], c.param, defaults[c.param]))
    return fields


def schedule_defaults(schedule: str) -> dict:
    """The schedule fields' values for `schedule`: its own defaults (gamma is 0.1 for step, 0.99 for
    exponential), and the first schedule's defaults for parameters it does not take."""
    out = {}
    for factory in SCHEDULES.values():
        for param, default in hyperparameters(factory).items():
            if param in SCHEDULE_WIDGETS:
                out.setdefault(f"schedule_{param}", default)
    for param, default in hyperparameters(SCHEDULES[schedule]).items():
        if param in SCHEDULE_WIDGETS:
            out[f"schedule_{param}"] = default
    return out


def _schedule_fields() -> list[Field]:
    fields = []
    for key, default in schedule_defaults("constant").items():
        fields.append(_number_field(key, key.removeprefix("schedule_"), default))
    return fields


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field("lang", "choice", "en", choices=LANGS),
        Field("lesson", "text", "free"),
        Field("present", "bool", False),
        Field("surface", "choice", "quadratic", choices=SURFACE_NAMES),
        Field("optimizers", "choices", ["gd"], choices=tuple(OPTIMIZERS)),
        Field("lr", "float", 0.1, LR_MIN, LR_MAX, step=0.01),
        Field("lrs", "floats", [], LR_MIN, LR_MAX),
        Field("schedule", "choice", "constant", choices=tuple(SCHEDULES)),
        Field("steps", "int", 100, 1, MAX_STEPS, step=10),
        Field("tol", "float", 1e-8, 0.0, 1.0),
        Field("stop_diverged", "bool", True),
        Field("noise", "float", 0.0, 0.0, 1000.0, step=0.1),
        Field("seed", "int", 0, 0, 2**31 - 1, step=1),
        Field("x0", "float", 5.0, -1e9, 1e9, step=0.1),
        Field("y0", "float", 0.0, -1e9, 1e9, step=0.1),
        Field("start2", "bool", False),
        Field("x1", "float", 0.0, -1e9, 1e9, step=0.1),
        Field("y1", "float", 0.0, -1e9, 1e9, step=0.1),
        Field("view", "choice", "curve", choices=VIEWS),
        Field("whole_path", "bool", True),
        Field("taylor", "bool", False),
        Field("search_points", "int", 0, 0, 1000, step=5),  # 1-D: a grid search's evaluations drawn (0: none)
        Field("scrub_decades", "float", 1.0, 0.25, 3.0, step=0.25),
        Field("basin_zoom", "int", 1, 1, BASIN_ZOOMS[-1]),
        Field("directions", "choice", "pca", choices=DIRECTIONS),
        Field("history_x", "choice", "step", choices=("step", "epoch")),
        Field("data_n", "int", 50, 2, 10_000, step=10),
        Field("data_noise", "float", 1.0, 0.0, 100.0, step=0.1),
        Field("data_w", "float", 2.0, -100.0, 100.0, step=0.5),
        Field("data_b", "float", 1.0, -100.0, 100.0, step=0.5),
        Field("data_seed", "int", 0, 0, 2**31 - 1, step=1),
        Field("data_standardize", "bool", False),
        Field("data_holdout", "int", 0, 0, 5_000, step=10),  # held-out rows: a validation loss
        Field(
            "plateau_on", "choice", "loss", choices=("loss", "validation")
        ),  # what reduce-on-plateau watches
        Field("batch_sizes", "ints", [50], 1, 10_000),
        Field("epochs", "int", 0, 0, 1000),  # > 0: every batch size runs this many passes over the data
        Field("net_width", "int", 16, 1, 64, step=1),
        Field("net_depth", "int", 2, 1, 4, step=1),
        Field("net_init", "float", 0.5, 0.01, 5.0, step=0.1),
        Field("formula", "text", "w^4 - 3w^2 + w"),
        Field("formula_x_lo", "float", -3.0, -1e6, 1e6),
        Field("formula_x_hi", "float", 3.0, -1e6, 1e6),
        Field("formula_y_lo", "float", -3.0, -1e6, 1e6),
        Field("formula_y_hi", "float", 3.0, -1e6, 1e6),
        *_hyper_fields(),
        *_schedule_fields(),
    ]
}

# Keys that change how the picture is shown, not which runs are made: changing them never ends a
# lesson, and a lesson's link does not need them.
DISPLAY_KEYS = frozenset(
    {
        "lang",
        "present",
        "view",
        "whole_path",
        "history_x",
        "taylor",
        "search_points",
        "scrub_decades",
        "basin_zoom",
        "directions",
    }
)
KEPT_KEYS = DISPLAY_KEYS - {
    "view",
    "search_points",
    "history_x",
    "scrub_decades",
    "basin_zoom",
    "directions",
}  # a person's display choices a lesson does not change
DATA_KEYS = frozenset(k for k in FIELDS if k.startswith("data_")) | {"batch_sizes"}
FORMULA_KEYS = frozenset(k for k in FIELDS if k.startswith("formula"))
NET_KEYS = frozenset(k for k in FIELDS if k.startswith("net_"))
NET_DATA_KEYS = frozenset({"data_n", "data_noise", "data_seed", "batch_sizes"})  # the network's data
SCHEDULE_KEYS = frozenset(k for k in FIELDS if k.startswith("schedule_"))


def optimizer_keys(name: str) -> list[str]:
    """The fields of one optimizer's own settings ({name}_own_lr, {name}_lr, its hyperparameters)."""
    return [k for k in FIELDS if k.startswith(f"{name}_")]
