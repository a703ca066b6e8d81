"""Which surface a picture is on, as one small frozen value that builds it.

    spec = DataSpec.from_state(state)     # a registry surface, a data loss over seeded points or an
    surface = spec.build()                # uploaded CSV, or a typed formula; cached by value

It keys every cache (it is hashable) and lets the offline export rebuild a data loss or a typed
formula from a share link. An uploaded CSV is named by the digest of its bytes; its rows live in
a small in-process store (they are not in the link: a link to an upload reopens the seeded data).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from surfaces import SURFACES, custom_surface, data_surface, mlp_surface, synthetic
from surfaces.data import KINDS, Dataset, parse_csv
from surfaces.errors import InputError, Refusal
from surfaces.softmax import softmax_surface

UPLOADS: OrderedDict[str, Dataset] = OrderedDict()
MAX_UPLOADS = 64


@dataclass(frozen=True)
class DataSpec:
    surface: str
    formula: str = ""
    bounds: tuple = ()  # ((x_lo, x_hi),) or ((x_lo, x_hi), (y_lo, y_hi)) of a typed formula
    data: tuple = ()  # synthetic points: (n, noise, seed, w, b, standardize); the network's (n, noise,
    #                   seed, width, depth, init scale)
    csv: str = ""  # an uploaded CSV's digest (UPLOADS)

    @classmethod
    def from_state(cls, state: dict, csv: str = "") -> DataSpec:
        name = state["surface"]
        if name == "custom":
            bounds = (
                (state["formula_x_lo"], state["formula_x_hi"]),
                (state["formula_y_lo"], state["formula_y_hi"]),
            )
            return cls(name, formula=state["formula"], bounds=bounds)
        if name == "mlp":
            keys = ("data_n", "data_noise", "data_seed", "net_width", "net_depth", "net_init")
            return cls(name, data=tuple(state[k] for k in keys))
        if name == "softmax":
            return cls(name, data=tuple(state[k] for k in ("data_n", "data_noise", "data_seed")))
        if name in KINDS:
            if csv and csv in UPLOADS and csv.startswith(KINDS[name]):
                return cls(name, csv=csv)
            keys = (
                "data_n",
                "data_noise",
                "data_seed",
                "data_w",
                "data_b",
                "data_standardize",
                "data_holdout",
            )
            return cls(name, data=tuple(state[k] for k in keys))
        return cls(name)

    def build(self):
        """The Surface (ValueError with a message for the learner if a formula cannot be used; a
        refusal is remembered like a surface, so a formula that timed out is not analysed again)."""
        built = _build(self)
        if isinstance(built, Refusal):
            raise built.error()
        return built

    @property
    def n_rows(self) -> int | None:
        """The number of data rows of a data loss (None for other surfaces)."""
        if self.csv:
            return UPLOADS[self.csv].n
        return int(self.data[0]) if self.data else None


@lru_cache(maxsize=64)
def _build(spec: DataSpec):
    if spec.surface == "custom":
        try:
            return custom_surface(spec.formula, _formula_bounds(spec.formula, spec.bounds))
        except InputError as err:
            return err.refusal
    if spec.surface == "mlp":
        n, noise, seed, width, depth, init_scale = spec.data
        return mlp_surface(width, depth, n, noise, seed, init_scale)
    if spec.surface == "softmax":
        return softmax_surface(*spec.data)
    if spec.csv:
        return data_surface(spec.surface, UPLOADS[spec.csv])
    if spec.data:
        n, noise, seed, w, b, standardize, holdout = spec.data
        kind = KINDS[spec.surface]
        data = synthetic(
            kind, n=n, w=w, b=b, noise=noise, seed=seed, standardize=standardize, holdout=holdout
        )
        return data_surface(spec.surface, data)
    return SURFACES[spec.surface]


def _formula_bounds(formula: str, bounds: tuple) -> tuple:
    from surfaces.formula import variables_of

    try:
        dim = len(variables_of(formula))
    except ValueError:
        dim = 1  # custom_surface raises the formula's own message
    return tuple(bounds[:dim])


def remember_upload(content: bytes, kind: str, standardize: bool, name: str) -> str:
    """Parse an uploaded CSV (ValueError with the first problem otherwise) and keep its rows;
    returns its key: the data kind and the digest of its bytes and settings."""
    dataset = parse_csv(content, kind, standardize, name)
    key = f"{kind}:{hashlib.sha1(content + bytes([standardize])).hexdigest()}"
    UPLOADS[key] = dataset
    UPLOADS.move_to_end(key)
    while len(UPLOADS) > MAX_UPLOADS:
        UPLOADS.popitem(last=False)
    return key
