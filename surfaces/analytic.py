"""Analytic loss surfaces: each function comes with its gradient and Hessian (scipy's rosen style).

>>> quadratic(5.0)
(18.0, (8.0,))
"""

from __future__ import annotations

import numpy as np

from .base import Surface
from .minima import grid_starts

# ---------------------------------------------------------------------------------- 1-D
# Each surface: fg(coords) -> (value, gradient tuple) sharing subexpressions, and
# hess(coords) -> the upper triangle of the Hessian. Powers are written as products: x * x
# rounds the same for arrays and floats, where float ** 2 goes through C's pow().


def quadratic(w):
    """The seed's loss (w - 1)^2 + 2 (minimum 2 at w = 1) and its derivative 2 (w - 1)."""
    return (w - 1) * (w - 1) + 2, (2 * (w - 1),)


def quadratic_hess(w):
    return (2.0,)


def double_well(w):
    """(w^2 - 1)^2 + w/2: a deep minimum near w = -1.06, a shallow one near w = 0.93."""
    u = w * w - 1
    return u * u + 0.5 * w, (4 * w * u + 0.5,)


def double_well_hess(w):
    return (12 * w * w - 4,)


def wavy(w):
    """w^2/10 + sin(2 w) + 1: a parabola with ripples, several local minima."""
    return 0.1 * w * w + np.sin(2 * w) + 1, (0.2 * w + 2 * np.cos(2 * w),)


def wavy_hess(w):
    return (0.2 - 4 * np.sin(2 * w),)


# ---------------------------------------------------------------------------------- 2-D
def bowl(x, y):
    """x^2 + y^2."""
    return x * x + y * y, (2 * x, 2 * y)


def bowl_hess(x, y):
    return (2.0, 0.0, 2.0)


RAVINE_C = 50.0


def ravine(x, y):
    """(x^2 + 50 y^2) / 2: curvatures 1 and 50, condition number 50."""
    return 0.5 * (x * x + RAVINE_C * y * y), (1.0 * x, RAVINE_C * y)


def ravine_hess(x, y):
    return (1.0, 0.0, RAVINE_C)


def rosen(x, y):
    """Rosenbrock (1 - x)^2 + 100 (y - x^2)^2; minimum 0 at (1, 1).

    >>> rosen(0.0, 0.0)
    (1.0, (-2.0, 0.0))
    """
    r = y - x * x
    return (1 - x) * (1 - x) + 100 * r * r, (-2 * (1 - x) - 400 * x * r, 200 * r)


def rosen_hess(x, y):
    return (2 - 400 * (y - 3 * x * x), -400 * x, 200.0)


def himmelblau(x, y):
    """(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four minima, all 0.

    >>> himmelblau(3.0, 2.0)
    (0.0, (0.0, 0.0))
    """
    a, b = x * x + y - 11, x + y * y - 7
    return a * a + b * b, (4 * x * a + 2 * b, 2 * a + 4 * y * b)


def himmelblau_hess(x, y):
    return (12 * x * x + 4 * y - 42, 4 * (x + y), 12 * y * y + 4 * x - 26)


def saddle(x, y):
    """x^2 + y^4/4 - y^2/2: a saddle at the origin between minima -1/4 at (0, +-1)."""
    y2 = y * y
    return x * x + 0.25 * y2 * y2 - 0.5 * y2, (2 * x, y2 * y - y)


def saddle_hess(x, y):
    return (2.0, 0.0, 3 * y * y - 1)


TWO_PI = 2 * np.pi


def rastrigin(x, y):
    """20 + x^2 + y^2 - 10 (cos 2 pi x + cos 2 pi y): a local minimum near every integer point.

    >>> float(rastrigin(0.0, 0.0)[0])
    0.0
    """
    k = 10 * TWO_PI
    value = 20 + x * x + y * y - 10 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y))
    return value, (2 * x + k * np.sin(TWO_PI * x), 2 * y + k * np.sin(TWO_PI * y))


def rastrigin_hess(x, y):
    k = 10 * TWO_PI * TWO_PI
    return (2 + k * np.cos(TWO_PI * x), 0.0, 2 + k * np.cos(TWO_PI * y))


def _beale_terms(x, y):
    """The residuals r_i = c_i - x + x y^i and their first and second derivatives."""
    y2 = y * y
    y3 = y2 * y
    r = (1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3)
    rx = (y - 1, y2 - 1, y3 - 1)
    ry = (x, 2 * x * y, 3 * x * y2)
    rxy = (1.0, 2 * y, 3 * y2)
    ryy = (0.0, 2 * x, 6 * x * y)
    return r, rx, ry, rxy, ryy


def beale(x, y):
    """sum_i (c_i - x + x y^i)^2 with c = (1.5, 2.25, 2.625); minimum 0 at (3, 1/2).

    >>> beale(3.0, 0.5)[0]
    0.0
    """
    r, rx, ry, _, _ = _beale_terms(x, y)
    value = r[0] * r[0] + r[1] * r[1] + r[2] * r[2]
    gx = 2 * (r[0] * rx[0] + r[1] * rx[1] + r[2] * rx[2])
    gy = 2 * (r[0] * ry[0] + r[1] * ry[1] + r[2] * ry[2])
    return value, (gx, gy)


def beale_hess(x, y):
    r, rx, ry, rxy, ryy = _beale_terms(x, y)
    fxx = 2 * (rx[0] * rx[0] + rx[1] * rx[1] + rx[2] * rx[2])
    fxy = 2 * sum(rx[i] * ry[i] + r[i] * rxy[i] for i in range(3))
    fyy = 2 * sum(ry[i] * ry[i] + r[i] * ryy[i] for i in range(3))
    return (fxx, fxy, fyy)


def six_hump_camel(x, y):
    """(4 - 2.1 x^2 + x^4/3) x^2 + x y + (4 y^2 - 4) y^2: six minima, two global (-1.0316)."""
    x2, y2 = x * x, y * y
    value = (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (4 * y2 - 4) * y2
    return value, (8 * x - 8.4 * x2 * x + 2 * x2 * x2 * x + y, x - 8 * y + 16 * y2 * y)


def six_hump_camel_hess(x, y):
    x2 = x * x
    return (8 - 25.2 * x2 + 10 * x2 * x2, 1.0, -8 + 48 * y * y)


# ---------------------------------------------------------------------------------- registry
def _surface(name, title, fns, bounds, start, latex, description, minima=None, starts=None):
    """A Surface; minima given exactly, or found by Newton from `starts` (default: a grid)."""
    fg, hess = fns
    return Surface(
        name=name,
        title=title,
        fg=fg,
        hess=hess,
        bounds=bounds,
        start=start,
        minima=minima,
        latex=latex,
        description=description,
        minima_starts=starts,
    )


def _integer_points(lo, hi):
    k = np.arange(np.ceil(lo), np.floor(hi) + 1)
    return grid_starts([[k[0] - 1, k[-1] + 1]] * 2, len(k))


def build_analytic() -> list[Surface]:
    """Every analytic surface, in the order the picker shows them."""
    return [
        _surface(
            "quadratic",
            "Quadratic (w-1)² + 2",
            (quadratic, quadratic_hess),
            [[-4.0, 6.0]],
            [5.0],
            r"L(w) = (w - 1)^2 + 2",
            "The lecture's first loss: one valley with its bottom at w = 1, where the loss is 2.",
            minima=[[1.0]],
        ),
        _surface(
            "double_well",
            "Double well",
            (double_well, double_well_hess),
            [[-2.0, 2.0]],
            [1.8],
            r"L(w) = (w^2 - 1)^2 + \tfrac{1}{2} w",
            "Two valleys of different depth: where you start decides which one you fall into.",
        ),
        _surface(
            "wavy",
            "Wavy parabola",
            (wavy, wavy_hess),
            [[-6.0, 6.0]],
            [5.0],
            r"L(w) = \tfrac{1}{10} w^2 + \sin(2w) + 1",
            "A parabola with ripples: several local minima can trap a small step.",
        ),
        _surface(
            "bowl",
            "Round bowl",
            (bowl, bowl_hess),
            [[-3.0, 3.0], [-3.0, 3.0]],
            [2.5, 2.0],
            r"L(x, y) = x^2 + y^2",
            "A perfectly round bowl: the gradient points straight at the bottom.",
            minima=[[0.0, 0.0]],
        ),
        _surface(
            "ravine",
            "Ravine (condition 50)",
            (ravine, ravine_hess),
            [[-10.0, 10.0], [-4.0, 4.0]],
            [-9.0, 2.0],
            r"L(x, y) = \tfrac{1}{2}(x^2 + 50\,y^2)",
            "A long narrow valley, 50 times steeper across than along: gradient descent zig-zags.",
            minima=[[0.0, 0.0]],
        ),
        _surface(
            "rosenbrock",
            "Rosenbrock banana",
            (rosen, rosen_hess),
            [[-2.0, 2.0], [-1.0, 3.0]],
            [-1.5, 2.0],
            r"L(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
            "A curved, flat-bottomed valley: easy to reach, slow to follow to the minimum at (1, 1).",
            minima=[[1.0, 1.0]],
        ),
        _surface(
            "himmelblau",
            "Himmelblau",
            (himmelblau, himmelblau_hess),
            [[-5.0, 5.0], [-5.0, 5.0]],
            [0.0, 0.0],
            r"L(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            "Four equally deep minima: the start and the optimizer decide which one you reach.",
        ),
        _surface(
            "saddle",
            "Saddle point",
            (saddle, saddle_hess),
            [[-2.0, 2.0], [-2.0, 2.0]],
            [1.5, 0.0],
            r"L(x, y) = x^2 + \tfrac{1}{4} y^4 - \tfrac{1}{2} y^2",
            "A saddle at the origin between two minima: a start on the ridge y = 0 stalls there.",
            minima=[[0.0, -1.0], [0.0, 1.0]],
        ),
        _surface(
            "rastrigin",
            "Rastrigin",
            (rastrigin, rastrigin_hess),
            [[-5.12, 5.12], [-5.12, 5.12]],
            [3.2, 2.7],
            r"L(x, y) = 20 + x^2 + y^2 - 10(\cos 2\pi x + \cos 2\pi y)",
            "An egg-carton of local minima around one global minimum at the origin.",
            starts=_integer_points(-5.12, 5.12),
        ),
        _surface(
            "beale",
            "Beale",
            (beale, beale_hess),
            [[-4.5, 4.5], [-4.5, 4.5]],
            [1.0, 1.5],
            r"L(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            "Flat plateaus and sharp ridges around one minimum at (3, 0.5).",
            minima=[[3.0, 0.5]],
        ),
        _surface(
            "six_hump_camel",
            "Six-hump camel",
            (six_hump_camel, six_hump_camel_hess),
            [[-3.0, 3.0], [-2.0, 2.0]],
            [-1.5, 1.2],
            r"L(x, y) = (4 - 2.1x^2 + \tfrac{x^4}{3})x^2 + xy + (4y^2 - 4)y^2",
            "Six valleys, two of them the deepest: a map of basins of attraction.",
        ),
    ]
