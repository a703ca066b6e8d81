"""A real neural network as a loss surface: a tanh multilayer perceptron fitting 1-D data.

The parameters theta (dim = 321 for the default 1-16-16-1 net) are the layers' weights and biases,
flattened layer by layer (W_l row by row, then b_l). With h_0 = x (one input) and

    a_l = W_l h_{l-1} + b_l,   h_l = tanh(a_l) (hidden layers),   f(x) = a_L (the output layer)
    L(theta) = mean_i (f(x_i) - y_i)^2                       (over all rows, or a mini-batch idx)

backpropagation gives the gradient exactly: delta_L = 2 (f - y) / n,  dL/dW_l = delta_l^T h_{l-1},
dL/db_l = sum_i delta_l,  delta_{l-1} = (delta_l W_l) * (1 - h_{l-1}^2). Every array carries a
leading batch of parameter vectors, so many networks (the cells of a landscape slice, the probes
of a finite-difference Hessian) go through one batched forward and backward pass.

The Hessian is the central difference of the analytic gradient, column j = (g(theta + h e_j) -
g(theta - h e_j)) / 2h with h = 1e-5, all 2 dim probes in one batch, symmetrized: its error is
O(h^2 |g'''|) + O(eps |g| / h), about 1e-9 relative here (tests compare with a second method).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from .base import Surface
from .data import Dataset

FD_STEP = 1e-5
NET_BLOCK = 128  # networks per batched pass: a whole 81 x 81 grid at once spends ~5x longer faulting in
# hundreds of MB of fresh memory than computing (measured: 300 ms cold against 36 ms in blocks of 128)


def sine_data(n: int = 32, noise: float = 0.1, seed: int = 0) -> Dataset:
    """n seeded points of y = sin(x) + noise * N(0, 1), x uniform on [-3, 3]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, size=n))
    y = np.sin(x) + noise * rng.normal(size=n)
    return Dataset(x, y, "synthetic")


class MLPSurface(Surface):
    """The mean squared error of a tanh MLP over its parameters (module docstring)."""

    kind = "regression"
    curved = True  # its fit is a curve, not a line (viz.data_panel)

    def __init__(self, data: Dataset, hidden=(16, 16), seed: int = 0, init_scale: float = 0.5):
        self.data = data
        self.hidden = tuple(int(h) for h in hidden)
        self.sizes = (1, *self.hidden, 1)
        self.shapes = [(o, i) for i, o in zip(self.sizes[:-1], self.sizes[1:])]
        dim = sum(o * i + o for o, i in self.shapes)
        start = self.init(seed, init_scale)
        bounds = np.column_stack([start - 3.0, start + 3.0])
        width = "-".join(map(str, self.sizes))
        super().__init__(
            name="mlp",
            title=f"Neural network {width}",
            bounds=bounds,
            start=start,
            minima=np.empty((0, dim)),
            latex=r"L(\theta) = \frac{1}{n}\sum_i (f_\theta(x_i) - y_i)^2",
            description=f"A {width} tanh network fitting {data.n} noisy points of a sine: {dim} parameters.",
        )

    def init(self, seed: int, scale: float) -> np.ndarray:
        """Seeded weights N(0, scale^2 / fan_in) (LeCun's initialisation), biases 0."""
        rng = np.random.default_rng(seed)
        parts = []
        for o, i in self.shapes:
            parts += [rng.normal(0.0, scale / np.sqrt(i), size=o * i), np.zeros(o)]
        return np.concatenate(parts)

    def layers(self, P):
        """Views of P (m, dim) as [(W (m, out, in), b (m, out)), ...]."""
        out, k = [], 0
        for o, i in self.shapes:
            W = P[:, k : k + o * i].reshape(-1, o, i)
            k += o * i
            out.append((W, P[:, k : k + o]))
            k += o
        return out

    def _rows(self, idx, m):
        """Inputs and targets (m, k) for m parameter vectors: all rows, one batch idx (k,) for all,
        or a batch per vector idx (m, k)."""
        x, y = self.data.x, self.data.y
        if idx is None:
            return np.broadcast_to(x, (m, len(x))), np.broadcast_to(y, (m, len(y)))
        idx = np.asarray(idx)
        return np.broadcast_to(x[idx], (m, idx.shape[-1])), np.broadcast_to(y[idx], (m, idx.shape[-1]))

    def forward(self, P, x):
        """The activations h_0 .. h_L of the nets P (m, dim) at inputs x (m, k): list of (m, k, width)."""
        hs = [x[..., None]]
        for layer, (W, b) in enumerate(self.layers(P)):
            a = np.matmul(hs[-1], np.swapaxes(W, 1, 2)) + b[:, None, :]
            hs.append(np.tanh(a) if layer < len(self.shapes) - 1 else a)
        return hs

    def predict(self, P, x) -> np.ndarray:
        """The networks' outputs at inputs x: (..., len(x)) for parameters P (..., dim)."""
        P = self._points(P)
        flat = P.reshape(-1, self.dim)
        xs = np.broadcast_to(np.asarray(x, dtype=float), (len(flat), len(np.atleast_1d(x))))
        return self.forward(flat, xs)[-1][..., 0].reshape(P.shape[:-1] + (xs.shape[-1],))

    def _one(self, p, idx=None, want_grad=True):
        """One network (p of shape (dim,)): the same backpropagation on 2-D arrays, without the
        batch axis (a run of one network steps here: about half the NumPy calls)."""
        x, y = (self.data.x, self.data.y) if idx is None else (self.data.x[idx], self.data.y[idx])
        hs, k0 = [x[:, None]], 0
        layers = []
        for layer, (o, i) in enumerate(self.shapes):
            W, b = p[k0 : k0 + o * i].reshape(o, i), p[k0 + o * i : k0 + o * i + o]
            layers.append((W, k0))
            k0 += o * i + o
            a = hs[-1] @ W.T + b
            hs.append(np.tanh(a) if layer < len(self.shapes) - 1 else a)
        r = hs[-1][:, 0] - y
        k = len(r)
        f = float(np.einsum("k,k->", r, r)) / k  # as the batched path sums: bit for bit the same
        if not want_grad:
            return np.float64(f), None
        g = np.empty(self.dim)
        delta = (2.0 / k) * r[:, None]
        for layer in range(len(self.shapes) - 1, -1, -1):
            (W, k0), h = layers[layer], hs[layer]
            g[k0 : k0 + W.size] = (delta.T @ h).ravel()
            g[k0 + W.size : k0 + W.size + W.shape[0]] = delta.sum(axis=0)
            if layer:
                delta = (delta @ W) * (1.0 - h * h)
        return np.float64(f), g

    def _value_and_grad(self, P, idx=None, want_grad=True):
        P = self._points(P)
        if P.size == self.dim and (idx is None or np.size(idx) == np.shape(idx)[-1]):  # one network
            f, g = self._one(P.reshape(self.dim), None if idx is None else np.ravel(idx), want_grad)
            lead = P.shape[:-1]
            return np.full(lead, f), None if g is None else g.reshape(P.shape)
        lead = P.shape[:-1]
        flat = P.reshape(-1, self.dim)
        m = len(flat)
        idx_flat = None if idx is None else np.asarray(idx).reshape((m, -1) if np.ndim(idx) > 1 else (-1,))
        if m > NET_BLOCK:  # block by block: each network's numbers are the same, the memory stays warm
            f, g = np.empty(m), np.empty_like(flat) if want_grad else None
            for i in range(0, m, NET_BLOCK):
                part = idx_flat if idx_flat is None or idx_flat.ndim == 1 else idx_flat[i : i + NET_BLOCK]
                fb, gb = self._value_and_grad(flat[i : i + NET_BLOCK], part, want_grad)
                f[i : i + NET_BLOCK] = fb
                if want_grad:
                    g[i : i + NET_BLOCK] = gb
            return f.reshape(lead), None if g is None else g.reshape(lead + (self.dim,))
        x, y = self._rows(idx_flat, m)
        hs = self.forward(flat, x)
        r = hs[-1][..., 0] - y  # (m, k)
        k = r.shape[-1]
        f = np.einsum("mk,mk->m", r, r) / k
        if not want_grad:
            return f.reshape(lead), None
        g = np.empty_like(flat)
        delta = (2.0 / k) * r[..., None]  # (m, k, 1): dL/da_L
        layers = self.layers(flat)
        offsets = np.cumsum([0] + [o * i + o for o, i in self.shapes])
        for layer in range(len(self.shapes) - 1, -1, -1):
            W, _ = layers[layer]
            h = hs[layer]
            o, i = self.shapes[layer]
            k0 = offsets[layer]
            g[:, k0 : k0 + o * i] = np.matmul(np.swapaxes(delta, 1, 2), h).reshape(m, o * i)
            g[:, k0 + o * i : k0 + o * i + o] = delta.sum(axis=1)
            if layer:
                delta = np.matmul(delta, W) * (1.0 - h * h)
        return f.reshape(lead), g.reshape(lead + (self.dim,))

    def value_and_grad(self, P, idx=None):
        return self._value_and_grad(P, idx)

    def value(self, P, idx=None):
        return self._value_and_grad(P, idx, want_grad=False)[0]

    def grad(self, P, idx=None):
        return self._value_and_grad(P, idx)[1]

    def hvp(self, P, V, eps: float = FD_STEP, idx=None) -> np.ndarray:
        """Hessian-vector products H(P) V by central differences of the gradient (P, V: (..., dim);
        V of unit norm for the stated error); over the rows idx (k,) only if given."""
        P, V = np.broadcast_arrays(self._points(P), np.asarray(V, dtype=float))
        g = self.grad(np.stack([P + eps * V, P - eps * V]), idx)
        return (g[0] - g[1]) / (2 * eps)

    def hessian(self, P) -> np.ndarray:
        """The Hessian at P (..., dim): (..., dim, dim), from 2 dim gradient probes per point."""
        P = self._points(P)
        flat = P.reshape(-1, self.dim)
        eye = np.eye(self.dim)
        out = np.empty((len(flat), self.dim, self.dim))
        for n, p in enumerate(flat):
            H = self.hvp(p, eye)  # row j: H e_j
            out[n] = (H + H.T) / 2
        return out.reshape(P.shape[:-1] + (self.dim, self.dim))


def mlp_dim(width: int = 16, depth: int = 2) -> int:
    """The number of parameters of a 1-width-...-width-1 network with `depth` hidden layers."""
    sizes = (1, *(int(width),) * int(depth), 1)
    return sum(o * i + o for i, o in pairwise(sizes))


def mlp_surface(
    width: int = 16, depth: int = 2, n: int = 32, noise: float = 0.1, seed: int = 0, init_scale: float = 0.5
) -> MLPSurface:
    """The default network: `depth` hidden layers of `width` tanh units on n noisy sine points,
    weights drawn at half LeCun's scale (its sharpness then starts below 2/lr for lr 0.25, and
    gradient descent shows the edge of stability)."""
    return MLPSurface(sine_data(n, noise, seed), (width,) * depth, seed, init_scale)
