"""Every surface against independent references: finite differences and its documented minima."""

import numpy as np
import pytest

from surfaces import SURFACES, get_surface

NAMES = sorted(SURFACES)
DOCUMENTED = {  # name -> (number of minima in view, global minimum value)
    "quadratic": (1, 2.0),
    "double_well": (2, None),
    "wavy": (4, None),
    "bowl": (1, 0.0),
    "ravine": (1, 0.0),
    "rosenbrock": (1, 0.0),
    "himmelblau": (4, 0.0),
    "saddle": (2, -0.25),
    "rastrigin": (121, 0.0),
    "beale": (1, 0.0),
    "six_hump_camel": (6, -1.0316284534898774),
    "linreg_slope": (1, None),  # the data losses' minima are checked against lstsq in test_data.py
    "linreg": (1, None),
    "logreg": (1, None),
    "mlp": (0, None),  # a network's minima are not known in closed form: none is listed
    "softmax": (0, None),  # no closed form either (and on separable data no minimum: the loss tends to 0)
}


def random_points(s, n=200, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))


def central_difference(fun, P, h):
    """d fun / d P_i by central differences, stacked on a new last axis."""
    cols = []
    for i in range(P.shape[-1]):
        e = np.zeros(P.shape[-1])
        e[i] = h
        cols.append((fun(P + e) - fun(P - e)) / (2 * h))
    return np.stack(cols, axis=-1)


def test_registry_has_the_contract_names():
    for name in [
        "quadratic",
        "rosenbrock",
        "himmelblau",
        "double_well",
        "wavy",
        "bowl",
        "ravine",
        "saddle",
        "rastrigin",
        "beale",
        "six_hump_camel",
    ]:
        s = get_surface(name)
        assert s.name == name and s.latex and s.description and s.title
    with pytest.raises(ValueError, match="choose one of"):
        get_surface("nope")


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    s = get_surface(name)
    P = random_points(s)
    h = 1e-6 * s.size
    fd = central_difference(s.value, P, h)
    g = s.grad(P)
    scale = np.maximum(1.0, np.abs(g))
    assert np.all(np.abs(g - fd) <= 1e-5 * scale), np.abs(g - fd).max()


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_differences_of_the_gradient_and_is_symmetric(name):
    s = get_surface(name)
    P = random_points(s, seed=1)
    h = 1e-6 * s.size
    fd = central_difference(s.grad, P, h)  # (..., j, i) = d g_j / d x_i
    H = s.hessian(P)
    assert H.shape == (200, s.dim, s.dim)
    assert np.array_equal(H, np.swapaxes(H, -1, -2))
    scale = np.maximum(1.0, np.abs(H))
    assert np.all(np.abs(H - fd) <= 1e-5 * scale), np.abs(H - fd).max()


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima_are_minima_with_the_documented_values(name):
    s = get_surface(name)
    count, f_star = DOCUMENTED[name]
    assert s.minima.shape == (count, s.dim)
    if not count:
        return
    g = s.grad(s.minima)
    assert np.linalg.norm(g, axis=-1).max() <= 1e-10
    assert (np.linalg.eigvalsh(s.hessian(s.minima)) > 0).all()
    inside = (s.minima >= s.bounds[:, 0]) & (s.minima <= s.bounds[:, 1])
    assert inside.all()
    if f_star is not None:
        assert s.f_min == pytest.approx(f_star, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_vectorized_over_any_leading_shape(name):
    s = get_surface(name)
    P = random_points(s, n=24).reshape(2, 3, 4, s.dim)
    assert s.value(P).shape == (2, 3, 4)
    assert s.grad(P).shape == (2, 3, 4, s.dim)
    assert s.hessian(P).shape == (2, 3, 4, s.dim, s.dim)
    assert np.array_equal(s.value(P)[1, 2, 3], s.value(P[1, 2, 3]))
    with pytest.raises(ValueError, match="last axis"):
        s.value(np.zeros((3, s.dim + 1)))


@pytest.mark.parametrize("name", NAMES)
def test_default_start_is_inside_the_view_and_not_critical(name):
    s = get_surface(name)
    assert ((s.start >= s.bounds[:, 0]) & (s.start <= s.bounds[:, 1])).all()
    assert np.linalg.norm(s.grad(s.start)) > 1e-3


def test_known_closed_forms():
    assert get_surface("himmelblau").value([3.0, 2.0]) == 0
    assert get_surface("beale").value([3.0, 0.5]) == 0
    assert get_surface("rosenbrock").value([0.0, 0.0]) == 1.0
    # the ravine's condition number is 50
    lam = np.linalg.eigvalsh(get_surface("ravine").hessian([1.0, 1.0]))
    assert lam.max() / lam.min() == 50
    # the saddle: a saddle point at the origin, minima at (0, +-1)
    s = get_surface("saddle")
    assert np.array_equal(s.grad([0.0, 0.0]), [0.0, 0.0])
    lam = np.linalg.eigvalsh(s.hessian([0.0, 0.0]))
    assert lam.min() < 0 < lam.max()
    # the double well's two minima differ in depth
    v = get_surface("double_well").minima_values
    assert abs(v[0] - v[1]) > 0.5
