"""A high-dimensional loss seen through a plane: L(a, b) = loss(center + a d1 + b d2).

The slice is an ordinary 2-D Surface, so the contour, 3-D, basin and scrubber views work on it
unchanged; its gradient is (g . d1, g . d2) with g the network's gradient, and its Hessian
[d1 d2]^T H [d1 d2] from Hessian-vector products.

Directions:
- "filter" (Li et al. 2018, "Visualizing the loss landscape of neural nets"): Gaussian random
  directions in which each neuron's incoming weights are rescaled to the norm of that neuron's
  weights at the center, and the bias directions are zero, so that a step of 1 along d changes
  every neuron by about its own size. On a surface without layers: random unit directions scaled
  to |center|.
- "pca": the top two principal directions of a trajectory's iterates minus the center (the right
  singular vectors of the centred path), with the share of the path's variance each explains.
  Antognini & Sohl-Dickstein (2018) warn that the PCA of a random walk also looks neat: a path in
  this plane shows where the run went, not that the loss is that simple.
"""

from __future__ import annotations

import numpy as np

from .base import Surface


class SliceSurface(Surface):
    """loss(center + a d1 + b d2) over (a, b) (module docstring). Its minima are unknown (none are
    marked): a plane through hundreds of dimensions need not hold one."""

    scalar = None
    grid = 81  # contour cells per axis: 6,561 networks in one batched pass (~0.1 s)

    def __init__(self, surface, center, d1, d2, bounds, kind: str, explained=None):
        self.base, self.kind_of_directions = surface, kind
        self.origin = np.asarray(center, dtype=float)
        self.directions = np.stack([np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)])
        self.explained = explained
        self._grid = None
        super().__init__(
            name=f"{surface.name}_slice",
            title=f"{surface.title}: a plane through the parameters",
            fg=self._fg,
            hess=self._hess,
            bounds=bounds,
            start=[0.0, 0.0],
            minima=np.empty((0, 2)),
            latex=r"L(a, b) = L(\theta_c + a\,d_1 + b\,d_2)",
            description="The loss along two directions through the network's parameters.",
        )

    def params(self, a, b) -> np.ndarray:
        """The parameter vectors at plane coordinates a, b (arrays or numbers): (..., dim)."""
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        d1, d2 = self.directions
        return self.origin + a[..., None] * d1 + b[..., None] * d2

    def grid_values(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(a's, b's, the loss on their grid (grid, grid)) over the plane's bounds: the map's
        background, computed once per plane (a redrawn landscape reuses it)."""
        if self._grid is None:
            xs = np.linspace(*self.bounds[0], self.grid)
            ys = np.linspace(*self.bounds[1], self.grid)
            X, Y = np.meshgrid(xs, ys)
            with np.errstate(all="ignore"):
                self._grid = (xs, ys, self.value(np.stack([X, Y], axis=-1)))
        return self._grid

    def value(self, P) -> np.ndarray:
        """The loss alone (no gradient: half the work over a contour grid)."""
        P = self._points(P)
        return self.base.value(self.params(P[..., 0], P[..., 1]))

    def _fg(self, a, b):
        f, g = self.base.value_and_grad(self.params(a, b))
        d1, d2 = self.directions
        return f, (g @ d1, g @ d2)

    def _hess(self, a, b):
        P = self.params(a, b)
        d1, d2 = self.directions
        h1 = self.base.hvp(P, np.broadcast_to(d1 / np.linalg.norm(d1), P.shape)) * np.linalg.norm(d1)
        h2 = self.base.hvp(P, np.broadcast_to(d2 / np.linalg.norm(d2), P.shape)) * np.linalg.norm(d2)
        return h1 @ d1, h1 @ d2, h2 @ d2

    def project(self, path, losses=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each iterate's nearest point in the plane: its coordinates (k, 2) (least squares), the
        plane's loss there (k,) and the iterate's true loss (k,), to show how faithful the picture is.
        losses: the iterates' true losses when already known (a run's), so they are not computed again."""
        path = np.asarray(path, dtype=float)
        ab = self.coordinates(path - self.origin)
        return (
            ab,
            self.value(ab),
            self.base.value(path) if losses is None else np.asarray(losses, dtype=float),
        )

    def coordinates(self, V) -> np.ndarray:
        """The plane coordinates (..., 2) of the vectors V (..., dim) projected onto the plane (least
        squares: (D D^T)^-1 D v), so a step or a gradient of the network is drawn as its shadow."""
        D = self.directions
        V = np.asarray(V, dtype=float)
        return np.linalg.solve(D @ D.T, D @ V.reshape(-1, V.shape[-1]).T).T.reshape(V.shape[:-1] + (2,))


def filter_directions(surface, center, seed: int = 0) -> np.ndarray:
    """Two filter-normalized random directions (2, dim) (module docstring)."""
    rng = np.random.default_rng(seed)
    center = np.asarray(center, dtype=float)
    D = rng.normal(size=(2, surface.dim))
    if not hasattr(surface, "layers"):
        return D / np.linalg.norm(D, axis=1, keepdims=True) * max(np.linalg.norm(center), 1.0)
    out = np.zeros_like(D)
    for n in range(2):
        layers_d = surface.layers(D[n][None])
        layers_c = surface.layers(center[None])
        k = 0
        for (Wd, _), (Wc, _), (o, i) in zip(layers_d, layers_c, surface.shapes, strict=True):
            rows = (
                Wd[0]
                / np.linalg.norm(Wd[0], axis=1, keepdims=True)
                * np.linalg.norm(Wc[0], axis=1, keepdims=True)
            )
            out[n, k : k + o * i] = rows.ravel()
            k += o * i + o  # the bias directions stay 0
    return out


def pca_directions(path, center) -> tuple[np.ndarray, np.ndarray]:
    """The top two principal directions (2, dim) of the iterates minus the center, and the share
    of the variance each explains: the top eigenvectors of X^T X (dim x dim; the right singular
    vectors of X, for a few thousand iterates about 3x faster than the SVD of X itself)."""
    X = np.asarray(path, dtype=float) - np.asarray(center, dtype=float)
    lam, V = np.linalg.eigh(X.T @ X)  # ascending
    lam = np.maximum(lam[::-1], 0.0)
    share = lam / max(float(lam.sum()), 1e-300)
    return V[:, ::-1][:, :2].T, share[:2]


def slice_surface(surface, center, directions="filter", seed: int = 0, span: float = 1.0, path=None):
    """The 2-D Surface L(a, b) = loss(center + a d1 + b d2) over [-span, span]^2 ("filter"), or over
    span x the extent of the path's projection ("pca", which needs the trajectory `path`).
    `directions` may also be an array (2, dim)."""
    center = np.asarray(center, dtype=float)
    explained = None
    if isinstance(directions, str) and directions == "pca":
        if path is None or len(path) < 3:
            raise ValueError("PCA directions need a trajectory of at least 3 iterates (path=...)")
        D, explained = pca_directions(path, center)
        reach = np.abs((np.asarray(path, dtype=float) - center) @ D.T).max(axis=0)
        half = span * 1.25 * np.maximum(reach, 1e-3)
        half = np.maximum(half, 0.25 * half.max())  # a path along one line still gets a map, not a strip
        kind = "pca"
    elif isinstance(directions, str) and directions == "filter":
        D, half, kind = filter_directions(surface, center, seed), np.array([span, span]), "filter"
    elif isinstance(directions, str):
        raise ValueError(f"directions must be 'filter', 'pca' or an array (2, dim), got {directions!r}")
    else:
        D = np.asarray(directions, dtype=float)
        if D.shape != (2, surface.dim):
            raise ValueError(f"directions must have shape (2, {surface.dim}), got {D.shape}")
        half, kind = np.array([span, span]), "given"
    bounds = np.column_stack([-half, half])
    return SliceSurface(surface, center, D[0], D[1], bounds, kind, explained)


class LineSurface(Surface):
    """loss(a + t (b - a)) over t: the straight line from a to b (Goodfellow et al. 2015, "Qualitatively
    characterizing neural network optimization problems"), t = 0 at a and 1 at b; a 1-D Surface."""

    scalar = None

    def __init__(self, surface, a, b, margin: float = 0.5):
        self.base = surface
        self.a, self.b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        self.d = self.b - self.a
        super().__init__(
            name=f"{surface.name}_line",
            title=f"{surface.title}: the line from start to end",
            fg=self._fg,
            hess=self._hess,
            bounds=[[-margin, 1.0 + margin]],
            start=[0.0],
            minima=np.empty((0, 1)),
            latex=r"L(t) = L(\theta_0 + t\,(\theta_1 - \theta_0))",
            description="The loss along the straight line between two parameter vectors.",
        )

    def params(self, t) -> np.ndarray:
        return self.a + np.asarray(t, dtype=float)[..., None] * self.d

    def _fg(self, t):
        f, g = self.base.value_and_grad(self.params(t))
        return f, (g @ self.d,)

    def _hess(self, t):
        P = self.params(t)
        n = np.linalg.norm(self.d)
        return (self.base.hvp(P, np.broadcast_to(self.d / n, P.shape)) @ self.d * n,)


def line_surface(surface, a, b, margin: float = 0.5) -> LineSurface:
    """The 1-D Surface of the loss along the line from parameters a (t = 0) to b (t = 1), viewed
    over [-margin, 1 + margin]."""
    if np.asarray(a).shape != (surface.dim,) or np.asarray(b).shape != (surface.dim,):
        raise ValueError(f"a and b must be parameter vectors of shape ({surface.dim},)")
    return LineSurface(surface, a, b, margin)
