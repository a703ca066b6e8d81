"""Softmax regression: the cross-entropy of a linear classifier of 2-D points into 3 classes.

The parameters theta (dim = 9) are the weights W (3 x 2, row by row) and the biases b (3). For a
point x_i of class y_i the logits are z_ik = W_k . x_i + b_k, the probabilities p_ik =
exp(z_ik) / sum_l exp(z_il) (the softmax), and

    L(theta) = mean_i [ log sum_k exp(z_ik) - z_i,y_i ]          (over all rows, or a mini-batch)
    dL/dW_kj = mean_i (p_ik - [y_i = k]) x_ij,   dL/db_k = mean_i (p_ik - [y_i = k])
    H = mean_i (diag(p_i) - p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ,   x̃_i = (x_i1, x_i2, 1)

On data that a line can separate there is no minimum: the loss falls toward 0 while the weights
grow without bound (the logits of the right class run away from the others). Every array carries a
leading batch of parameter vectors, and sums over rows are reductions along the last axis, so a
batch and a single run give the same bits.
"""

from __future__ import annotations

import numpy as np

from .base import Surface, stack_last
from .data import Dataset

CLASSES = 3
FEATURES = 2
ORDER = [(k, j) for k in range(CLASSES) for j in range(FEATURES)] + [(k, FEATURES) for k in range(CLASSES)]


def blobs(n: int = 60, noise: float = 0.5, seed: int = 0) -> Dataset:
    """n seeded points in 3 clusters around (0, 2.5), (-2.2, -1.25) and (2.2, -1.25), with
    N(0, noise^2) scatter; y is the cluster's number (0, 1, 2), in turn."""
    rng = np.random.default_rng(seed)
    angles = np.pi / 2 + 2 * np.pi * np.arange(CLASSES) / CLASSES
    centers = 2.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.arange(n) % CLASSES
    x = centers[y] + noise * rng.normal(size=(n, FEATURES))
    return Dataset(x, y.astype(float), "synthetic")


class SoftmaxSurface(Surface):
    """The mean cross-entropy of softmax regression over its 9 parameters (module docstring)."""

    kind = "multiclass"

    def __init__(self, data: Dataset):
        self.data = data
        start = np.zeros(CLASSES * (FEATURES + 1))  # every class equally likely: L = log 3
        super().__init__(
            name="softmax",
            title="Softmax regression, 3 classes",
            bounds=np.column_stack([start - 3.0, start + 3.0]),
            start=start,
            minima=np.empty((0, len(start))),
            latex=r"L(W, b) = \frac{1}{n}\sum_i \Big[\log \sum_k e^{z_{ik}} - z_{i y_i}\Big],\ z_{ik} = W_k \cdot x_i + b_k",
            description=f"A linear classifier of {data.n} points into 3 classes: 9 parameters.",
        )

    def _rows(self, idx):
        x, y = self.data.x, self.data.y
        if idx is None:
            return x[:, 0], x[:, 1], y
        idx = np.asarray(idx)
        return x[idx, 0], x[idx, 1], y[idx]

    def _logits(self, P, x1, x2) -> np.ndarray:
        """z, shape (..., 3, n): class by class, row by row."""
        W = P[..., : CLASSES * FEATURES].reshape(P.shape[:-1] + (CLASSES, FEATURES))
        b = P[..., CLASSES * FEATURES :]
        return W[..., :, 0, None] * x1[..., None, :] + W[..., :, 1, None] * x2[..., None, :] + b[..., :, None]

    def _terms(self, P, idx):
        P = self._points(P)
        x1, x2, y = self._rows(idx)
        z = self._logits(P, x1, x2)
        top = z.max(axis=-2, keepdims=True)
        e = np.exp(z - top)
        total = e[..., 0, :] + e[..., 1, :] + e[..., 2, :]
        onehot = (y[..., None, :] == np.arange(CLASSES)[:, None]).astype(float)
        picked = (
            z[..., 0, :] * onehot[..., 0, :]
            + z[..., 1, :] * onehot[..., 1, :]
            + z[..., 2, :] * onehot[..., 2, :]
        )
        n = z.shape[-1]
        f = np.add.reduce(top[..., 0, :] + np.log(total) - picked, axis=-1) / n
        return P, f, e / total[..., None, :], onehot, (x1, x2, n)

    def value_and_grad(self, P, idx=None):
        P, f, p, onehot, (x1, x2, n) = self._terms(P, idx)
        d = (p - onehot) / n  # (..., 3, n)
        gw1 = np.add.reduce(d * x1[..., None, :], axis=-1)
        gw2 = np.add.reduce(d * x2[..., None, :], axis=-1)
        gb = np.add.reduce(d, axis=-1)
        parts = [(gw1, gw2)[j][..., k] if j < FEATURES else gb[..., k] for k, j in ORDER]
        return f, stack_last(*parts, shape=f.shape)

    def value(self, P, idx=None):
        return self._terms(P, idx)[1]

    def grad(self, P, idx=None):
        return self.value_and_grad(P, idx)[1]

    def hessian(self, P, idx=None) -> np.ndarray:
        """The exact Hessian (module docstring): (..., 9, 9)."""
        P, f, p, _, (x1, x2, n) = self._terms(P, idx)
        features = (x1, x2, np.ones_like(x1))
        H = np.empty(f.shape + (self.dim, self.dim))
        for a, (k, j) in enumerate(ORDER):
            for c, (m, i) in enumerate(ORDER[: a + 1]):
                weight = p[..., k, :] * ((k == m) - p[..., m, :])
                H[..., a, c] = H[..., c, a] = np.add.reduce(weight * features[j] * features[i], axis=-1) / n
        return H

    def hvp(self, P, V, idx=None) -> np.ndarray:
        """H(P) V, from the exact Hessian (9 x 9)."""
        P, V = np.broadcast_arrays(self._points(P), np.asarray(V, dtype=float))
        return np.einsum("...ij,...j->...i", self.hessian(P, idx), V)

    def predict(self, P, x) -> np.ndarray:
        """The class probabilities at points x (k, 2) for parameters P (..., 9): (..., 3, k)."""
        x = np.asarray(x, dtype=float)
        z = self._logits(self._points(P), x[:, 0], x[:, 1])
        e = np.exp(z - z.max(axis=-2, keepdims=True))
        return e / e.sum(axis=-2, keepdims=True)

    def regions(self, P, box) -> list[np.ndarray]:
        """The parts of the box (lo, hi) where each class is the most likely at parameters P (9,):
        convex polygons (k, 2), each the box cut by the two half-planes z_k > z_l (where every
        class scores the same, as at the start, none wins anywhere)."""
        W = P[: CLASSES * FEATURES].reshape(CLASSES, FEATURES)
        b = P[CLASSES * FEATURES :]
        (x0, y0), (x1, y1) = box
        out = []
        for k in range(CLASSES):
            poly = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
            for m in range(CLASSES):
                if m != k and len(poly):
                    poly = _clip(poly, W[k] - W[m], b[k] - b[m])
            out.append(poly)
        return out


def _clip(poly: np.ndarray, normal: np.ndarray, offset: float) -> np.ndarray:
    """The part of a convex polygon where normal . x + offset > 0 (Sutherland-Hodgman)."""
    side = poly @ normal + offset
    out = []
    for i in range(len(poly)):
        a, b, sa, sb = poly[i], poly[(i + 1) % len(poly)], side[i], side[(i + 1) % len(poly)]
        if sa > 0:
            out.append(a)
        if (sa > 0) != (sb > 0) and sa != sb:
            out.append(a + (b - a) * (sa / (sa - sb)))
    return np.array(out).reshape(-1, 2)


def softmax_surface(n: int = 60, noise: float = 0.5, seed: int = 0) -> SoftmaxSurface:
    """The default: 60 seeded points in 3 clusters a line can separate."""
    return SoftmaxSurface(blobs(n, noise, seed))
