"""Losses of real data: linear regression (MSE) and logistic regression (cross-entropy).

Seed 003: regression is trained with the mean squared error, classification with log loss.
A DataSurface is a Surface over the model's parameters whose value, gradient and Hessian are over
the full dataset, and which also answers for a mini-batch of rows:

    value(P, idx), grad(P, idx)     the same mean over the rows idx only

    linreg_slope  L(w)    = mean_i (w x_i - y_i)^2                         1-D
    linreg        L(w, b) = mean_i (w x_i + b - y_i)^2                     2-D
    logreg        L(w, b) = mean_i [log(1 + e^{z_i}) - y_i z_i] + (lam/2)(w^2 + b^2),  z_i = w x_i + b

The MSE losses are exact quadratics: L(theta) = L* + (theta - theta*)^T A (theta - theta*) with the
least-squares minimum theta* and A = mean of [x, 1][x, 1]^T (or mean x^2), which is also how they
are evaluated over the full data (exact, and independent of the number of rows). Cross-entropy is
computed stably with log1p/logaddexp; its minimum comes from Newton's method to 1e-12.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from .base import Surface
from .errors import InputError

LOGREG_L2 = 0.01  # a small ridge so that a minimum exists even on separable data
KINDS = {"linreg_slope": "regression", "linreg": "regression", "logreg": "classification"}


def sigmoid(z):
    """1 / (1 + e^-z), written as (1 + tanh(z / 2)) / 2: no overflow for large |z|."""
    return 0.5 * (1 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray
    y: np.ndarray
    source: str = "synthetic"  # or the uploaded file's name
    x_val: np.ndarray = field(default_factory=lambda: np.empty(0))  # held-out rows: never trained on
    y_val: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def n(self) -> int:
        return len(self.x)


def synthetic(
    kind: str,
    n: int = 50,
    w: float = 2.0,
    b: float = 1.0,
    noise: float = 1.0,
    seed: int = 0,
    standardize: bool = False,
    holdout: int = 0,
) -> Dataset:
    """A seeded dataset: y = w x + b + noise * N(0, 1) (regression), or labels
    y = [w x + b + noise * N(0, 1) > 0] (classification), with x ~ N(0, 1.5^2); and `holdout`
    more rows from the same distribution (their own stream: the training rows stay the same) held
    out for a validation loss."""

    def draw(rng, count):
        x = rng.normal(0.0, 1.5, size=count)
        y = w * x + b + noise * rng.normal(0.0, 1.0, size=count)
        return x, (y > 0).astype(float) if kind == "classification" else y

    x, y = draw(np.random.default_rng(seed), n)
    held = draw(np.random.default_rng([seed, 1]), holdout) if holdout else (np.empty(0), np.empty(0))
    return prepare(x, y, standardize, held=held)


def prepare(x, y, standardize: bool = False, source: str = "synthetic", held=None) -> Dataset:
    """A Dataset; standardized, the held-out rows scaled by the training rows' mean and spread."""
    x = np.asarray(x, dtype=float)
    x_val, y_val = (np.empty(0), np.empty(0)) if held is None else map(np.asarray, held)
    if standardize and x.std() > 0:
        mean, std = x.mean(), x.std()
        x, x_val = (x - mean) / std, (x_val - mean) / std
    return Dataset(
        x, np.asarray(y, dtype=float), source, np.asarray(x_val, dtype=float), np.asarray(y_val, dtype=float)
    )


class DataSurface(Surface):
    """A loss over model parameters built from a Dataset (see the module docstring)."""

    def __init__(self, name, data: Dataset, solution=None, **kwargs):
        self.data = data
        self.kind = KINDS[name]
        self.solution = None if solution is None else np.asarray(solution, dtype=float)
        if len(data.x_val):  # a validation loss: the same loss on the held-out rows
            self.validation = self._held_out_loss
        super().__init__(name=name, **kwargs)

    def _held_out_loss(self, P):
        """The loss over the held-out rows (what a validation split measures)."""
        return self._loss(self._points(P), self.data.x_val, self.data.y_val)

    def _rows(self, idx):
        return (self.data.x, self.data.y) if idx is None else (self.data.x[idx], self.data.y[idx])

    def value(self, P, idx=None):
        return super().value(P) if idx is None else self.batch_value(P, idx)

    def grad(self, P, idx=None):
        return super().grad(P) if idx is None else self.batch_grad(P, idx)

    def batch_grad(self, P, idx):
        """The gradient over the rows idx only (the mean over the mini-batch). idx is (k,) for one
        batch shared by every point of P, or P's leading shape + (k,) for a batch per point."""
        P = self._points(P)
        x, y = self._rows(idx)
        w, b = self._params(P)
        z = w[..., None] * x + b[..., None]
        k = x.shape[-1]
        if self.kind == "regression":
            r = z - y
            r += r  # 2 r: d/dz of (z - y)^2
            gw, gb = np.add.reduce(r * x, axis=-1) / k, np.add.reduce(r, axis=-1) / k
        else:
            d = sigmoid(z) - y
            gw = np.add.reduce(d * x, axis=-1) / k + LOGREG_L2 * w
            gb = np.add.reduce(d, axis=-1) / k + LOGREG_L2 * b
        if self.dim == 1:
            return gw[..., None]
        out = np.empty(gw.shape + (2,))
        out[..., 0], out[..., 1] = gw, gb
        return out

    def predict(self, P, x) -> np.ndarray:
        """The model's output at inputs x for parameters P (..., dim): (..., len(x))."""
        w, b = self._params(np.asarray(P, dtype=float))
        z = w[..., None] * x + b[..., None]
        return z if self.kind == "regression" else sigmoid(z)

    def _params(self, P):
        return (P[..., 0], np.zeros(P.shape[:-1])) if self.dim == 1 else (P[..., 0], P[..., 1])

    def batch_value(self, P, idx):
        """The loss over the rows idx only."""
        return self._loss(self._points(P), *self._rows(idx))

    def _loss(self, P, x, y):
        w, b = self._params(P)
        z = w[..., None] * x + b[..., None]
        if self.kind == "regression":
            r = z - y
            return np.mean(r * r, axis=-1)
        return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1) + 0.5 * LOGREG_L2 * (w * w + b * b)


CHUNK = 2_000_000  # parameter points x rows evaluated at once (bounds memory for big grids)


def _in_chunks(fn, w, b, n_rows):
    """fn(w, b) over arrays of parameters, a slice at a time so that no temporary exceeds CHUNK
    elements; results (a value and a tuple, or a tuple) reassembled in the input's shape."""
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    if w.size * n_rows <= CHUNK:
        return fn(w, b) if w.ndim else fn(float(w), float(b))
    flat_w, flat_b = w.ravel(), b.ravel()
    step = max(1, CHUNK // n_rows)
    parts = [fn(flat_w[i : i + step], flat_b[i : i + step]) for i in range(0, flat_w.size, step)]

    def join(items):
        if isinstance(items[0], tuple):
            return tuple(join([it[k] for it in items]) for k in range(len(items[0])))
        return np.concatenate(items).reshape(w.shape)

    return join(parts)


def _bounds_around(center, spread, dim):
    """A view of whole numbers around the minimum."""
    return [[float(np.floor(c - s)), float(np.ceil(c + s))] for c, s in zip(center, spread, strict=True)][
        :dim
    ]


def linreg_surface(data: Dataset, slope_only: bool = False) -> DataSurface:
    """MSE of y = w x (+ b): an exact quadratic around its least-squares minimum."""
    x, y = data.x, data.y
    design = x[:, None] if slope_only else np.stack([x, np.ones_like(x)], axis=-1)
    theta = np.linalg.lstsq(design, y, rcond=None)[0]  # the closed form: the normal equations' solution
    A = design.T @ design / len(x)
    resid = design @ theta - y
    L_star = float(np.mean(resid * resid))
    dim = len(theta)

    def fg(*c):
        d = [ci - ti for ci, ti in zip(c, theta, strict=True)]
        Ad = [sum(A[i, j] * d[j] for j in range(dim)) for i in range(dim)]
        value = L_star + sum(d[i] * Ad[i] for i in range(dim))
        return value, tuple(2 * a for a in Ad)

    def hess(*c):
        return tuple(2 * A[i, j] for i in range(dim) for j in range(i, dim))

    spread = np.maximum(3 * np.abs(theta), 3.0)
    name = "linreg_slope" if slope_only else "linreg"
    start = np.round(theta + np.array([-0.8, 0.7][:dim]) * spread, 1)
    return DataSurface(
        name,
        data,
        title="Linear regression, slope only" if slope_only else "Linear regression (w, b)",
        fg=fg,
        hess=hess,
        bounds=_bounds_around(theta, spread, dim),
        start=start,
        minima=[theta],
        solution=theta,
        latex=r"L(w) = \frac{1}{n}\sum_i (w x_i - y_i)^2"
        if slope_only
        else r"L(w, b) = \frac{1}{n}\sum_i (w x_i + b - y_i)^2",
        description="The mean squared error of a straight line through the data, as a function of its "
        + ("slope." if slope_only else "slope w and intercept b."),
    )


def logreg_surface(data: Dataset) -> DataSurface:
    """Mean binary cross-entropy of sigmoid(w x + b), plus a small ridge."""
    x, y = data.x, data.y

    def fg_rows(w, b):
        z = np.multiply.outer(w, x) + np.multiply.outer(b, np.ones_like(x))
        p = sigmoid(z)
        value = np.mean(np.logaddexp(0.0, z) - y * z, axis=-1) + 0.5 * LOGREG_L2 * (w * w + b * b)
        d = p - y
        return value, (np.mean(d * x, axis=-1) + LOGREG_L2 * w, np.mean(d, axis=-1) + LOGREG_L2 * b)

    def hess_rows(w, b):
        z = np.multiply.outer(w, x) + np.multiply.outer(b, np.ones_like(x))
        p = sigmoid(z)
        s = p * (1 - p)
        return (
            np.mean(s * x * x, axis=-1) + LOGREG_L2,
            np.mean(s * x, axis=-1),
            np.mean(s, axis=-1) + LOGREG_L2,
        )

    def fg(w, b):
        return _in_chunks(fg_rows, w, b, len(x))

    def hess(w, b):
        return _in_chunks(hess_rows, w, b, len(x))

    theta = np.zeros(2)
    for _ in range(100):  # Newton's method on a strictly convex loss
        g = np.array(fg(*theta)[1])
        hxx, hxy, hyy = hess(*theta)
        theta = theta - np.linalg.solve(np.array([[hxx, hxy], [hxy, hyy]]), g)
        if np.linalg.norm(g) < 1e-12:
            break
    spread = np.maximum(2.5 * np.abs(theta), 3.0)
    return DataSurface(
        "logreg",
        data,
        title="Logistic regression (w, b)",
        fg=fg,
        hess=hess,
        bounds=_bounds_around(theta, spread, 2),
        start=np.round(theta + np.array([-0.8, 0.7]) * spread, 1),
        minima=[theta],
        latex=r"L(w, b) = \frac{1}{n}\sum_i \left[\log(1 + e^{z_i}) - y_i z_i\right] + \tfrac{\lambda}{2}(w^2 + b^2),"
        r"\ z_i = w x_i + b",
        description="The cross-entropy (log loss) of a logistic model that classifies points as 0 or 1.",
    )


def data_surface(name: str, data: Dataset) -> DataSurface:
    """The data loss `name` (linreg_slope, linreg or logreg) over `data`."""
    if name == "logreg":
        return logreg_surface(data)
    return linreg_surface(data, slope_only=name == "linreg_slope")


def default_data_surfaces() -> list[DataSurface]:
    """The registry's data losses: n = 50 seeded points each."""
    reg, cls = synthetic("regression"), synthetic("classification", b=-0.5)
    return [data_surface("linreg_slope", reg), data_surface("linreg", reg), data_surface("logreg", cls)]


MAX_ROWS = 10_000
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")  # a line ends in CR LF, LF or a lone CR (old Excel)


def parse_csv(content: bytes, kind: str, standardize: bool = False, name: str = "upload.csv") -> Dataset:
    """Two numeric columns x, y from CSV bytes (a header naming x and y, or no header), checked
    row by row as they are read (a file of millions of rows stops at row MAX_ROWS + 1; old Excel
    files that end lines with a lone CR read like any other). Raises InputError with one clear
    message for the first problem found."""
    import csv

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("csv.not_text") from None
    lines = (m.group(0) for m in LINE.finditer(text) if m.group(0))  # lazily: a line at a time
    rows = (r for r in csv.reader(lines) if any(cell.strip() for cell in r))
    try:
        return _read_rows(rows, kind, standardize, name)
    except csv.Error as err:  # a cell larger than csv's field limit, a NUL byte, ...
        raise InputError("csv.unreadable", problem=str(err)[:80]) from None


def _read_rows(rows, kind: str, standardize: bool, name: str) -> Dataset:
    cols, first, rows = _columns(rows)
    xs, ys = [], []
    for i, r in enumerate(rows, start=first):
        if len(xs) == MAX_ROWS:
            raise InputError("csv.too_many", max=f"{MAX_ROWS:,}")
        if len(r) <= max(cols):
            raise InputError("csv.missing", row=i, column="x" if len(r) <= cols[0] else "y")
        xs.append(_cell(r[cols[0]], i, "x"))
        ys.append(_cell(r[cols[1]], i, "y"))
    if len(xs) < 2:
        raise InputError("csv.too_few", n=len(xs))
    y = np.array(ys)
    if kind == "classification" and not np.isin(y, (0.0, 1.0)).all():
        i = int(np.flatnonzero(~np.isin(y, (0.0, 1.0)))[0])
        raise InputError("csv.labels", row=i + first, y=f"{ys[i]:g}")
    if np.ptp(xs) == 0:
        raise InputError("csv.constant_x")
    return prepare(xs, y, standardize, source=name)


def _columns(rows):
    """(the x and y columns, the number of the first data row, the data rows): a header row that
    names x and y, or two numbers in the first row (no header)."""
    first_row = next(rows, None)
    if first_row is None:
        raise InputError("csv.empty")
    header = [cell.strip().lower() for cell in first_row]
    if "x" in header and "y" in header:
        return (header.index("x"), header.index("y")), 2, rows
    if all(_is_number(c) for c in first_row[:2]) and len(first_row) >= 2:
        return (0, 1), 1, itertools.chain([first_row], rows)
    raise InputError("csv.columns")


def _cell(text: str, row: int, column: str) -> float:
    """A cell's finite number, or the refusal that names its row and column."""
    cell = text.strip()
    if not _is_number(cell):
        raise InputError("csv.not_number", row=row, column=column, cell=cell[:20])
    v = float(cell)
    if not np.isfinite(v):
        raise InputError("csv.not_finite", row=row, column=column, cell=cell[:20])
    return v


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")
