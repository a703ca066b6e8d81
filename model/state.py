"""The state of a picture, a plain dict of every control's value by key (model.fields), and the pure
rules that change it. The widgets, the lessons, the share links and the offline export all speak it.

    defaults(surface, **given)      the values a surface opens with
    normalize(state)                settings that cannot apply take their defaults (no stale keys)
    transition(prev, cur, presets)  what one interaction does: a lesson chosen, a surface switched,
                                    a setting changed (which leaves the lesson unless it invites it)
    preset_state / apply_lesson / switch_surface / is_free_play
    encode(state) / decode(params)  <-> URL query parameters; decode(encode(s)) == s
    setup_from(state)               -> model.experiment.Setup, what is run

A lesson is a preset here: its slug, its settings (a share link's values) and the settings it
invites the class to change. The rules take the presets in play as an argument (`presets`: slug ->
preset; the built-in lessons and a session's own), so the state needs nothing from the lessons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from optimizers import OPTIMIZERS, SCHEDULES, hyperparameters
from surfaces import SURFACES
from surfaces.data import KINDS
from surfaces.errors import InputError

from .experiment import Setup
from .fields import (
    BASIN_ZOOMS,
    DATA_KEYS,
    DISPLAY_KEYS,
    FIELDS,
    FORMULA_KEYS,
    KEPT_KEYS,
    MAX_VALUE_LENGTH,
    NET_DATA_KEYS,
    NET_KEYS,
    SCHEDULE_KEYS,
    SCHEDULE_WIDGETS,
    Field,
    controls,
    optimizer_keys,
    schedule_defaults,
    views_for,
)
from .spec import DataSpec

DEFAULT_OPTIMIZERS = {1: ["gd"], 2: ["gd", "momentum", "adam"]}
DEFAULT_STEPS = {1: 100, 2: 300}
NETWORK = "mlp"  # the network: its start is its seeded initialisation, its data a noisy sine
SOFTMAX = "softmax"  # 3-class softmax regression: 9 parameters, starting from zero
MANY = (NETWORK, SOFTMAX)  # many parameters: seen through a plane, started where the model starts
MANY_STEPS = {NETWORK: 3000, SOFTMAX: 400}  # the network at lr 0.065 reaches the edge of stability at ~1,600
GOOD_LR = {  # a first learning rate that shows each surface at its most instructive
    "quadratic": 0.1, "double_well": 0.05, "wavy": 0.05, "bowl": 0.1, "ravine": 0.035, "rosenbrock": 0.001,
    "himmelblau": 0.005, "saddle": 0.05, "rastrigin": 0.002, "beale": 0.001, "six_hump_camel": 0.01,
    "linreg_slope": 0.05, "linreg": 0.05, "logreg": 0.5, "custom": 0.01, "mlp": 0.065, "softmax": 0.5,
}  # fmt: skip
OWN_DATA = {  # a surface's own data settings: the registry's logistic data is centred off zero,
    "logreg": {"data_b": -0.5},  # the network fits 32 points of a sine with noise 0.1
    NETWORK: {"data_n": 32, "data_noise": 0.1},
    SOFTMAX: {"data_n": 60, "data_noise": 0.5},  # three clusters a line can separate
}
ROWS = (*KINDS, *MANY)  # the losses over data rows: batch sizes and epochs apply
# Inputs other defaults depend on: which function (and its view), how many data rows, the schedule
# (its parameters) and the page's language. (An optimizer's own lr follows the main one until it
# is ticked: normalize sees to it.)
DEPENDENT = frozenset(FORMULA_KEYS | {"data_n", "schedule", "lang"})
IDENTITY = ("surface", *sorted(FORMULA_KEYS), "data_n")  # a change of these is a new surface
SURFACE_BOUND = ("lrs",)  # extra learning rates are chosen for a surface: a new surface drops them


class Preset(Protocol):
    """What the state's rules need of a lesson (lessons.Lesson is one)."""

    slug: str
    settings: dict  # share-link keys and values, surface included
    invites: tuple[str, ...]


Presets = Mapping[str, Preset]
NO_PRESETS: Presets = {}


# ---------------------------------------------------------------------------------- defaults
def defaults(surface: str = "quadratic", csv: str = "", **given) -> dict:
    """Every field's value for a fresh picture of `surface`. `given` may fix the inputs that other
    defaults depend on (DEPENDENT); csv names an uploaded data set (its start and view)."""
    state = {key: f.default for key, f in FIELDS.items()}
    state.update(OWN_DATA.get(surface, {}))
    state.update({k: v for k, v in given.items() if k in DEPENDENT}, surface=surface)
    if (
        surface in MANY
    ):  # full-batch gradient descent from the model's start (the network: the edge of stability)
        state.update(optimizers=["gd"], steps=MANY_STEPS[surface], lr=GOOD_LR[surface], view=views_for(0)[0])
        state.update(batch_sizes=[_rows(state, csv)])
    else:
        dim, start = _dim_and_start(state, csv)
        state.update(
            optimizers=list(DEFAULT_OPTIMIZERS[dim]),
            steps=DEFAULT_STEPS[dim],
            lr=GOOD_LR.get(surface, 0.01),
            x0=float(start[0]),
            y0=float(start[1]) if dim == 2 else 0.0,
            view=views_for(dim)[0],
        )
    if surface in KINDS:  # a data loss opens on the seeds' comparison: SGD against full batch
        state.update(optimizers=["gd"], batch_sizes=[1, _rows(state, csv)])
    state.update(schedule_defaults(state["schedule"]))
    for name in OPTIMIZERS:
        state[f"{name}_lr"] = state["lr"]
    return state


def dim_of(state: dict) -> int:
    """The dimension of the state's surface (a typed formula's from its variables; 1 if unreadable)."""
    name = state["surface"]
    if name == NETWORK:
        from surfaces.mlp import mlp_dim

        return mlp_dim(state["net_width"], state["net_depth"])
    if name in SURFACES:
        return SURFACES[name].dim
    from surfaces.formula import variables_of

    try:
        return len(variables_of(state["formula"]))
    except ValueError:
        return 1


def _dim_and_start(state: dict, csv: str = ""):
    name = state["surface"]
    if name == "custom":
        from surfaces.custom import start_guess

        dim = dim_of(state)
        return dim, start_guess(_formula_box(state)[:dim])
    if name in KINDS:
        s = DataSpec.from_state(state, csv).build()
        return s.dim, s.start
    s = SURFACES[name]
    return s.dim, s.start


def _formula_box(state):
    return ((state["formula_x_lo"], state["formula_x_hi"]), (state["formula_y_lo"], state["formula_y_hi"]))


def _rows(state, csv=""):
    return DataSpec.from_state(state, csv).n_rows


def _dependent(state: dict) -> dict:
    return {k: state[k] for k in DEPENDENT if k in state}


def defaults_like(state: dict, csv: str = "") -> dict:
    """The defaults of the state's own surface, schedule, learning rate and language."""
    return defaults(state["surface"], csv, **_dependent(state))


# ---------------------------------------------------------------------------------- rules
def normalize(state: dict, csv: str = "") -> dict:
    """The state with every setting that cannot apply at its default (`unused_keys`); an
    optimizer's own lr follows the main one until it is ticked; the view, the zoom and the batch
    sizes made valid for the surface. So a link never carries a stale key."""
    s = dict(state)
    plain = defaults(s["surface"], csv, lang=s["lang"])  # for settings that do not apply at all
    for key in unused_keys(s):
        s[key] = plain[key]
    for name in OPTIMIZERS:
        if not s[f"{name}_own_lr"]:
            s[f"{name}_lr"] = s["lr"]
    return _valid_display(s, defaults_like(s, csv), plain)


def unused_keys(s: dict) -> set[str]:
    """The settings that cannot apply to this state: its surface's, its start's, its schedule's and
    its optimizers' that are not in play."""
    return _surface_unused(s) | _start_unused(s) | _schedule_unused(s) | _optimizer_unused(s)


def _surface_unused(s: dict) -> set[str]:
    """Data settings off a data loss, network settings off the network, formula settings off a
    typed formula (and its y range in 1-D); the steps when an epoch budget decides every run."""
    custom, data, many = s["surface"] == "custom", s["surface"] in KINDS, s["surface"] in MANY
    off = set(NET_KEYS) if s["surface"] != NETWORK else set()
    off |= set() if many else {"directions"}
    if many:  # a network's or a classifier's data has no line to set
        off |= DATA_KEYS - NET_DATA_KEYS
    if not data and not many:
        off |= DATA_KEYS | {"history_x", "epochs"}
    elif s["epochs"]:
        off |= {"steps"}
    if dim_of(s) != 1:
        off |= {"search_points"}
    if not custom:
        off |= FORMULA_KEYS
    elif dim_of(s) == 1:
        off |= {"formula_y_lo", "formula_y_hi"}
    return off


def _start_unused(s: dict) -> set[str]:
    """A model of many parameters starts where the model starts; y is off in 1-D; the second start
    when off."""
    if s["surface"] in MANY:
        return {"x0", "y0", "start2", "x1", "y1"}
    off = {"y0", "y1"} if dim_of(s) == 1 else set()
    return off | ({"x1", "y1"} if not s["start2"] else set())


def _schedule_unused(s: dict) -> set[str]:
    """The parameters of other schedules; what reduce-on-plateau watches, unless it is the schedule
    and the data has held-out rows to watch."""
    used = {f"schedule_{p}" for p in hyperparameters(SCHEDULES[s["schedule"]]) if p in SCHEDULE_WIDGETS}
    watch = s["schedule"] == "plateau" and s["surface"] in KINDS and s["data_holdout"] > 0
    return SCHEDULE_KEYS - used | (set() if watch else {"plateau_on"})


def _optimizer_unused(s: dict) -> set[str]:
    """Every setting of an optimizer not chosen; the clipping norm where clipping is off."""
    off = set()
    for name in OPTIMIZERS:
        if name not in s["optimizers"]:
            off |= set(optimizer_keys(name))
        else:  # an optional hyperparameter switched off: its value is not in use
            off |= {c.keys[1] for c in controls(name) if c.kind == "optional" and c.value(s) is None}
    return off


def _valid_display(s: dict, base: dict, plain: dict) -> dict:
    """A view the surface has, the scrubber's and the basin map's settings only in their views,
    a zoom of the menu's, batch sizes the data has (at least one)."""
    if s["view"] not in views_for(dim_of(s)):
        s["view"] = base["view"]
    for key, view in (("scrub_decades", "scrub"), ("basin_zoom", "basins")):
        if s["view"] != view:
            s[key] = plain[key]
    if s["basin_zoom"] not in BASIN_ZOOMS:
        s["basin_zoom"] = max(z for z in BASIN_ZOOMS if z <= s["basin_zoom"])
    if s["surface"] in ROWS:
        n = base["batch_sizes"][-1]
        s["batch_sizes"] = [b for b in dict.fromkeys(s["batch_sizes"]) if 1 <= b <= n] or [n]
    return s


def preset_state(preset: Preset, keep: dict | None = None) -> dict:
    """Every control's value for a lesson; the display settings of `keep` (language, presentation)
    stay as they are."""
    settings = preset.settings
    state = defaults(settings["surface"], **{k: v for k, v in settings.items() if k in DEPENDENT})
    if "schedule" in settings:
        state.update(schedule_defaults(settings["schedule"]))
    state.update(settings, lesson=preset.slug)
    if keep:
        state.update({k: keep[k] for k in KEPT_KEYS if k in keep})
    return normalize(state)


def apply_lesson(state: dict, presets: Presets) -> dict:
    """Choose the lesson state["lesson"] names: its values, the display settings kept. 'free' (or
    a lesson not in play) keeps every value."""
    preset = presets.get(state["lesson"])
    if preset is None:
        return dict(state, lesson="free")
    return preset_state(preset, keep=state)


def is_free_play(state: dict, presets: Presets) -> bool:
    """True unless the state is a lesson's own picture, apart from the display settings and the
    controls the lesson invites the class to change."""
    preset = presets.get(state.get("lesson", "free"))
    if preset is None:
        return True
    ref = preset_state(preset)
    skip = DISPLAY_KEYS | set(preset.invites) | {"lesson"} | derived_keys(state)
    return any(state[k] != ref[k] for k in FIELDS if k not in skip)


def derived_keys(state: dict) -> set[str]:
    """Fields whose value follows another's: an optimizer's own lr follows the main one until ticked."""
    return {f"{name}_lr" for name in OPTIMIZERS if not state[f"{name}_own_lr"]}


def switch_surface(state: dict, name: str, csv: str = "", presets: Presets = NO_PRESETS) -> dict:
    """A new surface: every setting still at the old surface's default takes the new one's; a value
    the user changed is kept where it is valid on the new surface."""
    return transition(state, dict(state, surface=name), csv, presets=presets)


def _rebase(prev: dict, cur: dict, csv_prev: str = "", csv: str = "", lesson: dict | None = None) -> dict:
    """`cur` on its new surface: settings at the old surface's defaults (or at the values of the
    lesson it leaves, `lesson`) and extra learning rates take the new surface's."""
    if (
        cur["surface"] != prev["surface"]
    ):  # a data size still at the old surface's own default takes the new one's
        own_old, own_new = defaults(prev["surface"])["data_n"], defaults(cur["surface"])["data_n"]
        if cur["data_n"] == own_old:
            cur = dict(cur, data_n=own_new)
    old, new = defaults_like(prev, csv_prev), defaults_like(cur, csv)
    out = dict(cur)
    for key in FIELDS:
        if key in IDENTITY or key in DEPENDENT or key in KEPT_KEYS or key == "lesson":
            continue
        from_lesson = lesson is not None and cur[key] == lesson[key]
        if (
            cur[key] == old[key]
            or from_lesson
            or key in SURFACE_BOUND
            or not _valid_on(key, cur[key], new, cur, csv)
        ):
            out[key] = new[key]
    changed = cur["batch_sizes"] != old["batch_sizes"]
    if cur["surface"] in ROWS and prev["surface"] in ROWS and changed:  # full batch stays full batch
        n_old, n_new = old["batch_sizes"][-1], new["batch_sizes"][-1]
        out["batch_sizes"] = [n_new if b == n_old else b for b in cur["batch_sizes"]]
    return out


def _valid_on(key, value, new: dict, cur: dict, csv: str) -> bool:
    """Whether a user's value still makes sense on the new surface (a start inside its view)."""
    if key in ("x0", "y0", "x1", "y1"):
        lo, hi = _view_box(cur, csv)[0 if key[0] == "x" else 1]
        return lo <= value <= hi
    if key == "view":
        return value in views_for(dim_of(cur))
    if key == "batch_sizes":
        return all(b <= new["batch_sizes"][-1] for b in value)
    return True


def _view_box(state: dict, csv: str = ""):
    name = state["surface"]
    if name == "custom":
        return _formula_box(state)
    if name in ROWS:
        return DataSpec.from_state(state, csv).build().bounds.tolist() + [[0.0, 0.0]]
    return SURFACES[name].bounds.tolist() + [[0.0, 0.0]]


def _identity(state: dict) -> tuple:
    return tuple(state[k] for k in IDENTITY)


def transition(
    prev: dict, cur: dict, csv: str = "", csv_prev: str | None = None, presets: Presets = NO_PRESETS
) -> dict:
    """The state after one interaction: `cur` is `prev` with the widget (or click) that changed.
    A lesson chosen sets its values; a new surface (or formula, or data size) rebases the settings
    still at their defaults, and leaving a lesson that way takes the lesson's own settings with it;
    a new schedule starts at its own parameters; any other change ends the lesson unless the
    lesson invites it."""
    if cur["lesson"] != prev["lesson"]:
        return apply_lesson(cur, presets)
    cur = dict(cur)
    if cur["schedule"] != prev["schedule"]:
        cur.update(schedule_defaults(cur["schedule"]))
    csv_prev = csv if csv_prev is None else csv_prev
    if _identity(cur) != _identity(prev) or csv != csv_prev:
        preset = presets.get(prev["lesson"])
        cur = _rebase(prev, cur, csv_prev, csv, preset_state(preset) if preset else None)
    return _settled(cur, csv, presets)


def _settled(state: dict, csv: str, presets: Presets) -> dict:
    """The state normalized, and out of its lesson if it is no longer the lesson's picture (what
    every interaction and every link ends with)."""
    state = normalize(state, csv)
    if state["lesson"] != "free" and is_free_play(state, presets):
        state["lesson"] = "free"
    return state


def start_at(state: dict, x0: float) -> dict:
    """The changes that start a typed 1-D formula at w = x0, widening its view to show the start."""
    changes = {"x0": float(x0)}
    lo, hi = state["formula_x_lo"], state["formula_x_hi"]
    if not lo <= x0 <= hi:
        pad = 0.2 * max(hi - lo, abs(x0))
        changes.update(formula_x_lo=min(lo, x0 - pad), formula_x_hi=max(hi, x0 + pad))
    return changes


# ------------------------------------------------------------------------------ share links
def encode(state: dict, lang: str = "en", presets: Presets = NO_PRESETS) -> dict[str, str]:
    """Query parameters for the values that differ from the lesson's (when one is open) or the
    surface's defaults. `lang` is the language the browser asks for: the link names the page's
    language only when it differs."""
    lesson = state.get("lesson", "free")
    if lesson in presets:
        base = preset_state(presets[lesson])
    else:  # defaults that follow the state's formula, data size and schedule; those inputs themselves
        base = defaults_like(state)  # compared with the surface's own
        base.update({k: v for k, v in defaults(state["surface"]).items() if k in DEPENDENT})
    out = {"surface": str(state["surface"])}
    if lesson in presets:
        out["lesson"] = lesson
    derived = derived_keys(state)
    for key, f in FIELDS.items():
        if key in ("surface", "lesson", "lang") or key in derived:
            continue
        if state[key] != base[key]:
            out[key] = _text(state[key], f)
    if state["lang"] != lang:
        out["lang"] = state["lang"]
    return out


def _text(value, f: Field) -> str:
    if f.kind in ("floats", "ints", "choices"):
        return ",".join(_text(v, Field("", f.kind.rstrip("s"), None)) for v in value)
    if f.kind == "bool":
        return "1" if value else "0"
    if f.kind == "float":
        return repr(float(value))
    return str(value)


def decode(params: dict, lang: str = "en", presets: Presets = NO_PRESETS) -> tuple[dict, list[InputError]]:
    """A state from query parameters: the lesson's values (if the link names one) or the surface's
    defaults, then every valid parameter on top. Returns (state, the parameters that were dropped,
    each an InputError saying which and why). Never raises."""
    given, problems = _read(params)
    lesson = given.pop("lesson", "free")
    if lesson not in presets and lesson != "free":
        problems.append(InputError("link.not_lesson", lesson=lesson[:40]))
        lesson = "free"
    given.setdefault("lang", lang)
    if lesson in presets:
        base = preset_state(presets[lesson], keep=given)
    else:
        base = defaults(
            given.get("surface", "quadratic"), **{k: v for k, v in given.items() if k in DEPENDENT}
        )
    state = dict(base)
    if "schedule" in given and given["schedule"] != base["schedule"]:
        state.update(schedule_defaults(given["schedule"]))
    state.update(given)
    if _identity(state) != _identity(base):
        state = _rebase(base, state)
        state.update({k: v for k, v in given.items() if k not in IDENTITY})
    return _settled(state, "", presets), problems


def _read(params: dict) -> tuple[dict, list[InputError]]:
    """(the valid parameters, by key and checked, an InputError for each one dropped)."""
    problems, given = [], {}
    for key, raw in params.items():
        f = FIELDS.get(key)
        name = str(key)[:40]
        if f is None:
            problems.append(InputError("link.unknown", field=name))
            continue
        try:
            if not isinstance(raw, str) or len(raw) > MAX_VALUE_LENGTH:
                raise InputError("link.too_long")
            given[key] = f.check(_parse(raw, f))
        except ValueError as err:
            values = getattr(err, "values", {})
            problems.append(InputError(getattr(err, "key", "link.invalid"), field=key, **values))
    return given, problems


def _parse(raw: str, f: Field):
    if f.kind in ("floats", "ints", "choices"):
        item = Field("", f.kind[:-1] if f.kind != "choices" else "text", None)
        return [_parse(part, item) for part in raw.split(",") if part != ""]
    if f.kind == "bool":
        if raw in ("1", "true", "True"):
            return True
        if raw in ("0", "false", "False"):
            return False
        raise InputError("link.not_bool")
    if f.kind in ("float", "int"):
        try:
            v = float(raw)
        except ValueError:
            raise InputError("link.not_number") from None
        return v
    return raw


# ---------------------------------------------------------------------------------- setup
def hyper_of(state: dict, name: str) -> dict:
    """An optimizer's hyperparameters (and own lr) from the state, by torch's names."""
    out = {}
    if state[f"{name}_own_lr"]:
        out["lr"] = state[f"{name}_lr"]
    for control in controls(name):
        value = control.value(state)
        if value is not None:
            out[control.param] = value
    return out


def schedule_params(state: dict) -> dict:
    params = hyperparameters(SCHEDULES[state["schedule"]])
    return {p: state[f"schedule_{p}"] for p in params if p in SCHEDULE_WIDGETS}


def setup_from(state: dict, csv: str = "") -> Setup:
    """The Setup a state means (csv: the digest of an uploaded data set in use)."""
    spec = DataSpec.from_state(state, csv)
    dim = dim_of(state)
    if state["surface"] in MANY:  # the model's own start (the network's seeded weights)
        x0, starts = tuple(spec.build().start.tolist()), ()
    else:
        x0 = (state["x0"], state["y0"])[:dim]
        starts = ((state["x1"], state["y1"])[:dim],) if state["start2"] else ()
    names = [n for n in OPTIMIZERS if n in state["optimizers"]]
    batch_sizes = ()
    if spec.n_rows is not None:
        n = spec.n_rows
        batch_sizes = tuple(dict.fromkeys(None if b >= n else int(b) for b in state["batch_sizes"])) or (
            None,
        )
    return Setup(
        spec=spec,
        optimizers=tuple(names),
        lr=float(state["lr"]),
        x0=tuple(map(float, x0)),
        steps=int(state["steps"]),
        lrs=tuple(float(v) for v in state["lrs"]),
        starts=starts,
        hyper=tuple((n, tuple(hyper_of(state, n).items())) for n in names),
        schedule=state["schedule"],
        schedule_params=tuple(schedule_params(state).items()),
        tol=float(state["tol"]),
        noise=float(state["noise"]),
        seed=int(state["seed"]),
        batch_sizes=batch_sizes,
        stop_diverged=bool(state["stop_diverged"]),
        epochs=int(state["epochs"]) if batch_sizes else 0,
        monitor="validation" if state["plateau_on"] == "validation" else "loss",
    )
