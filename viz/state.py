"""The state of a picture: every control's value by its widget key, its schema, and the Setup it
means. The app's widgets, the lessons, the share links and the offline export all speak it.

    defaults(surface)          the values a surface opens with
    setup_from(state)          -> optimizers.experiment.Setup (what is run)
    encode(state) / decode()   <-> URL query parameters, checked key by key
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from optimizers.experiment import Setup
from surfaces import SURFACES
from surfaces.data import KINDS

LR_MIN, LR_MAX = 1e-6, 100.0
MAX_STEPS = 10_000
MAX_VALUE_LENGTH = 300  # a longer query value is stale or tampered with
DEFAULT_OPTIMIZERS = {1: ["gd"], 2: ["gd", "momentum", "adam"]}
DEFAULT_STEPS = {1: 100, 2: 300}
GOOD_LR = {  # a first learning rate that shows each surface at its most instructive
    "quadratic": 0.1, "double_well": 0.05, "wavy": 0.05, "bowl": 0.1, "ravine": 0.035, "rosenbrock": 0.001,
    "himmelblau": 0.005, "saddle": 0.05, "rastrigin": 0.002, "beale": 0.001, "six_hump_camel": 0.01,
    "linreg_slope": 0.05, "linreg": 0.05, "logreg": 0.5,
}  # fmt: skip
TOLERANCES = [0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2]
EXTRA_LRS = [
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
]
VIEWS = {"curve": "Loss curve", "contour": "Contour map", "3d": "3-D surface",
         "sweep": "Learning-rate sweep", "compare": "Optimizers × learning rates"}  # fmt: skip
VIEWS_BY_DIM = {1: ["curve", "sweep", "compare"], 2: ["contour", "3d", "sweep", "compare"]}

# Hyperparameter and schedule widgets: name -> (label, min, max, step, format). The defaults come
# from the optimizer and schedule factories themselves (PyTorch's), so they cannot drift apart.
HYPER_WIDGETS = {
    "momentum": ("momentum μ", 0.0, 0.999, 0.05, "%.3f"),
    "dampening": ("dampening", 0.0, 1.0, 0.05, "%.2f"),
    "weight_decay": ("weight decay λ", 0.0, 10.0, 0.01, "%g"),
    "lr_decay": ("lr decay", 0.0, 10.0, 0.01, "%g"),
    "initial_accumulator_value": ("initial accumulator", 0.0, 100.0, 0.1, "%g"),
    "eps": ("ε", 1e-12, 1.0, None, "%.0e"),
    "alpha": ("α (smoothing)", 0.0, 1.0, 0.01, "%.3f"),
    "beta1": ("β₁", 0.0, 0.9999, 0.01, "%.4f"),
    "beta2": ("β₂", 0.0, 0.9999, 0.001, "%.4f"),
    "min_curvature": ("min curvature", 1e-12, 1e6, None, "%.0e"),
    "c1": ("Armijo c₁", 1e-8, 0.99, None, "%.0e"),
    "shrink": ("backtracking factor", 0.01, 0.99, 0.05, "%.2f"),
    "max_backtracks": ("max halvings", 0, 200, 1, "%d"),
    "clip_norm": ("max gradient norm", 1e-6, 1e6, None, "%g"),
}
SCHEDULE_WIDGETS = {
    "step_size": ("step size", 1, 100_000, 1, "%d"),
    "gamma": ("γ", 1e-6, 1.0, 0.01, "%.4f"),
    "T_max": ("T_max", 1, 100_000, 10, "%d"),
    "eta_min": ("η_min", 0.0, 100.0, 0.001, "%g"),
    "decay": ("decay", 0.0, 100.0, 0.001, "%g"),
    "factor": ("factor", 1e-6, 0.999, 0.05, "%.3f"),
    "patience": ("patience", 0, 100_000, 1, "%d"),
    "threshold": ("threshold", 0.0, 1.0, None, "%.0e"),
    "cooldown": ("cooldown", 0, 100_000, 1, "%d"),
    "min_lr": ("min lr", 0.0, 100.0, None, "%g"),
}


@dataclass(frozen=True)
class Field:
    """One control: its kind ('float', 'int', 'bool', 'choice', 'floats', 'ints', 'choices', 'text'),
    its default and what values it accepts."""

    key: str
    kind: str
    default: object
    lo: float = -math.inf
    hi: float = math.inf
    choices: tuple = ()

    def check(self, value):
        """The value if it is valid for this field (ints and floats are coerced), else ValueError."""
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError("not true/false")
        if kind in ("float", "int"):
            return self._number(value, kind)
        if kind in ("floats", "ints"):
            if not isinstance(value, (list, tuple)) or len(value) > 50:
                raise ValueError("not a short list")
            return [self._number(v, kind[:-1]) for v in value]
        if kind == "choice":
            if value in self.choices:
                return value
            raise ValueError(f"not one of {', '.join(map(str, self.choices))}")
        if kind == "choices":
            if (
                isinstance(value, (list, tuple))
                and all(v in self.choices for v in value)
                and len(set(value)) == len(value)
            ):
                return list(value)
            raise ValueError("not a list of known names")
        if kind == "text":
            if isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH:
                return value
            raise ValueError("not a short text")
        raise ValueError(f"unknown kind {kind}")

    def _number(self, value, kind):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("not a number")
        v = float(value)
        if not math.isfinite(v) or not (self.lo <= v <= self.hi):
            raise ValueError(f"not between {self.lo:g} and {self.hi:g}")
        if kind == "int":
            if v != int(v):
                raise ValueError("not a whole number")
            return int(v)
        return v


def _hyper_fields() -> list[Field]:
    fields = []
    for name, factory in OPTIMIZERS.items():
        fields += [Field(f"{name}_own_lr", "bool", False), Field(f"{name}_lr", "float", 0.01, LR_MIN, LR_MAX)]
        for param, default in hyperparameters(factory).items():
            if param == "betas":
                for i, b in enumerate(default, start=1):
                    fields.append(Field(f"{name}_beta{i}", "float", b, *HYPER_WIDGETS[f"beta{i}"][1:3]))
            elif param == "clip_norm":
                fields += [
                    Field(f"{name}_clip", "bool", False),
                    Field(f"{name}_clip_norm", "float", 1.0, 1e-6, 1e6),
                ]
            elif isinstance(default, bool):
                fields.append(Field(f"{name}_{param}", "bool", default))
            elif param in HYPER_WIDGETS:
                kind = "int" if isinstance(default, int) else "float"
                fields.append(Field(f"{name}_{param}", kind, default, *HYPER_WIDGETS[param][1:3]))
    return fields


def _schedule_fields() -> list[Field]:
    fields, seen = [], set()
    for factory in SCHEDULES.values():
        for param, default in hyperparameters(factory).items():
            if param in SCHEDULE_WIDGETS and param not in seen:
                seen.add(param)
                kind = "int" if isinstance(default, int) and not isinstance(default, bool) else "float"
                fields.append(Field(f"schedule_{param}", kind, default, *SCHEDULE_WIDGETS[param][1:3]))
    return fields


def schedule_default(param: str, schedule: str):
    """A schedule parameter's default for the named schedule (they differ: gamma is 0.1 for step)."""
    return hyperparameters(SCHEDULES[schedule]).get(param)


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field("lesson", "text", "free"),
        Field("surface", "choice", "quadratic", choices=tuple(SURFACES) + ("custom",)),
        Field("optimizers", "choices", ["gd"], choices=tuple(OPTIMIZERS)),
        Field("lr", "float", 0.1, LR_MIN, LR_MAX),
        Field("lrs", "floats", [], LR_MIN, LR_MAX),
        Field("schedule", "choice", "constant", choices=tuple(SCHEDULES)),
        Field("steps", "int", 100, 1, MAX_STEPS),
        Field("tol", "float", 1e-8, 0.0, 1.0),
        Field("noise", "float", 0.0, 0.0, 1000.0),
        Field("seed", "int", 0, 0, 2**31 - 1),
        Field("x0", "float", 5.0, -1e9, 1e9),
        Field("y0", "float", 0.0, -1e9, 1e9),
        Field("start2", "bool", False),
        Field("x1", "float", 0.0, -1e9, 1e9),
        Field("y1", "float", 0.0, -1e9, 1e9),
        Field("view", "choice", "curve", choices=tuple(VIEWS)),
        Field("data_n", "int", 50, 2, 10_000),
        Field("data_noise", "float", 1.0, 0.0, 100.0),
        Field("data_w", "float", 2.0, -100.0, 100.0),
        Field("data_b", "float", 1.0, -100.0, 100.0),
        Field("data_seed", "int", 0, 0, 2**31 - 1),
        Field("data_standardize", "bool", False),
        Field("batch_sizes", "ints", [50], 1, 10_000),
        Field("history_x", "choice", "step", choices=("step", "epoch")),
        Field("formula", "text", "w^4 - 3w^2 + w"),
        Field("formula_x_lo", "float", -3.0, -1e6, 1e6),
        Field("formula_x_hi", "float", 3.0, -1e6, 1e6),
        Field("formula_y_lo", "float", -3.0, -1e6, 1e6),
        Field("formula_y_hi", "float", 3.0, -1e6, 1e6),
        *_hyper_fields(),
        *_schedule_fields(),
    ]
}


def defaults(surface: str = "quadratic", dim: int | None = None, start=None) -> dict:
    """Every field's value for a fresh picture of `surface` (start and dim given for a custom one)."""
    from surfaces import get_surface

    s = get_surface(surface) if surface in SURFACES else None
    dim = s.dim if s is not None else (dim or 1)
    start = list(s.start) if s is not None else (list(start) if start is not None else [1.0] * dim)
    state = {key: f.default for key, f in FIELDS.items()}
    state.update(
        surface=surface,
        optimizers=list(DEFAULT_OPTIMIZERS[dim]),
        steps=DEFAULT_STEPS[dim],
        lr=GOOD_LR.get(surface, 0.01),
        x0=float(start[0]),
        y0=float(start[1]) if dim == 2 else 0.0,
        view=VIEWS_BY_DIM[dim][0],
    )
    if surface in KINDS:  # a data loss opens on the seeds' comparison: SGD against full batch
        state.update(optimizers=["gd"], batch_sizes=[1, state["data_n"]])
    for name in OPTIMIZERS:
        state[f"{name}_lr"] = state["lr"]
    return state


DETAIL_KEYS = frozenset(k for k in FIELDS if k.startswith("schedule_") or k.split("_")[0] in OPTIMIZERS)


def lean(state: dict) -> dict:
    """The state without optimizer and schedule settings that are at their defaults (the app
    fills those in when their widgets appear; a smaller session state keeps reruns fast)."""
    return {k: v for k, v in state.items() if not (k in DETAIL_KEYS and v == FIELDS[k].default)}


def hyper_of(state: dict, name: str) -> dict:
    """An optimizer's hyperparameters (and own lr) from the state, by torch's names."""
    out = {}
    if state.get(f"{name}_own_lr"):
        out["lr"] = state[f"{name}_lr"]
    for param, default in hyperparameters(OPTIMIZERS[name]).items():
        if param == "betas":
            out["betas"] = (state.get(f"{name}_beta1", default[0]), state.get(f"{name}_beta2", default[1]))
        elif param == "clip_norm":
            if state.get(f"{name}_clip"):
                out["clip_norm"] = state.get(f"{name}_clip_norm", 1.0)
        elif f"{name}_{param}" in state:
            out[param] = state[f"{name}_{param}"]
    return out


def schedule_params(state: dict) -> dict:
    name = state.get("schedule", "constant")
    return {
        p: state.get(f"schedule_{p}", d)
        for p, d in hyperparameters(SCHEDULES[name]).items()
        if p in SCHEDULE_WIDGETS
    }


def setup_from(state: dict, data: tuple = (), n_rows: int | None = None, dim: int | None = None) -> Setup:
    """The Setup a state means. data: what a data or custom surface is built from (see the app);
    n_rows: its number of rows, so that a batch size of n reads as full batch; dim: the surface's
    dimension when it is not a registry name (default: read from the formula)."""
    if dim is None:
        dim = SURFACES[state["surface"]].dim if state.get("surface") in SURFACES else _custom_dim(state)
    x0 = (state["x0"], state["y0"])[:dim]
    starts = ((state["x1"], state["y1"])[:dim],) if state.get("start2") else ()
    names = [n for n in OPTIMIZERS if n in state.get("optimizers", [])]
    batch_sizes = ()
    if n_rows is not None:
        batch_sizes = tuple(None if b >= n_rows else int(b) for b in state.get("batch_sizes", [])) or (None,)
    return Setup(
        surface=state["surface"],
        optimizers=tuple(names),
        lr=float(state["lr"]),
        x0=tuple(map(float, x0)),
        steps=int(state["steps"]),
        lrs=tuple(float(v) for v in state.get("lrs", [])),
        starts=starts,
        hyper=tuple((n, tuple(hyper_of(state, n).items())) for n in names),
        schedule=state["schedule"],
        schedule_params=tuple(schedule_params(state).items()),
        tol=float(state["tol"]),
        noise=float(state["noise"]),
        seed=int(state["seed"]),
        data=data,
        batch_sizes=batch_sizes,
    )


def _custom_dim(state) -> int:
    from surfaces.custom import variables_of

    try:
        return len(variables_of(state.get("formula", "")))
    except ValueError:
        return 1


# ------------------------------------------------------------------------------ share links
def encode(state: dict, base: dict | None = None) -> dict[str, str]:
    """Query parameters for the values that differ from `base` (default: the surface's defaults)."""
    base = base or defaults(state.get("surface", "quadratic"))
    out = {"surface": str(state.get("surface", "quadratic"))}
    for key, f in FIELDS.items():
        if key in state and state[key] != base.get(key) and key != "surface":
            out[key] = _text(state[key], f)
    return out


def _text(value, f: Field) -> str:
    if f.kind in ("floats", "ints", "choices"):
        return ",".join(_text(v, Field("", f.kind.rstrip("s"), None)) for v in value)
    if f.kind == "bool":
        return "1" if value else "0"
    if f.kind == "float":
        return repr(float(value))
    return str(value)


def decode(params: dict) -> tuple[dict, list[str]]:
    """A state from query parameters: the surface's defaults, overridden by every valid parameter.
    Returns (state, the keys that were dropped, with why). Never raises."""
    problems = []
    surface = str(params.get("surface", "quadratic"))
    if surface not in FIELDS["surface"].choices:
        problems.append(f"surface={surface[:40]!r}: unknown")
        surface = "quadratic"
    state = defaults(surface) if surface != "custom" else defaults("quadratic") | {"surface": "custom"}
    for key, raw in params.items():
        if key == "surface":
            continue
        f = FIELDS.get(key)
        if f is None:
            problems.append(f"{key[:40]}: unknown")
            continue
        try:
            if not isinstance(raw, str) or len(raw) > MAX_VALUE_LENGTH:
                raise ValueError("too long")
            state[key] = f.check(_parse(raw, f))
        except ValueError as err:
            problems.append(f"{key}: {err}")
    return state, problems


def _parse(raw: str, f: Field):
    if f.kind in ("floats", "ints", "choices"):
        item = Field("", f.kind[:-1] if f.kind != "choices" else "text", None)
        return [_parse(part, item) for part in raw.split(",") if part != ""]
    if f.kind == "bool":
        if raw in ("1", "true", "True"):
            return True
        if raw in ("0", "false", "False"):
            return False
        raise ValueError("not true/false")
    if f.kind in ("float", "int"):
        try:
            v = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        return v
    return raw
