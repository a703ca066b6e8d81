"""Independent references the tests compare against: the lecture's own loop, verbatim, and plain
loops written for one surface and one rule, sharing no code with the engine."""

from __future__ import annotations

import numpy as np


def seed_loop(weight, learning_rate, max_iter=100):
    """The lecture's loop (seed 003), verbatim apart from names: stop when the derivative is exactly 0."""

    def derived_loss(w):
        return 2 * (w - 1)

    weight_list = [weight]
    iter_cnt = 0
    while True:
        if derived_loss(weight) == 0:
            break
        if iter_cnt == max_iter:
            break
        weight = weight - learning_rate * derived_loss(weight)
        weight_list.append(weight)
        iter_cnt += 1
    return weight_list


def gd(grad, x0, lr, steps, momentum=0.0, tol=None):
    """Plain (heavy-ball, torch's form) gradient descent: b = mu b + g; x -= lr b. Returns the
    iterates and the step it stopped at (|g| <= tol), or None."""
    x = np.array(x0, dtype=float)
    b = np.zeros_like(x)
    path = [x.copy()]
    for k in range(steps):
        g = np.asarray(grad(x), dtype=float)
        if tol is not None and np.linalg.norm(g) <= tol:
            return np.array(path), k
        b = momentum * b + g if k else g.copy()
        x = x - lr * b
        path.append(x.copy())
    g = np.asarray(grad(x), dtype=float)
    return np.array(path), (steps if tol is not None and np.linalg.norm(g) <= tol else None)


def quadratic_grad(x):
    return 2 * (x - 1)


def ravine_grad(p):
    return np.array([p[0], 50.0 * p[1]])


def ravine_loss(p):
    return 0.5 * (p[..., 0] ** 2 + 50.0 * p[..., 1] ** 2)


def himmelblau_grad(p):
    x, y = p
    a, b = x * x + y - 11, x + y * y - 7
    return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])


def rosenbrock_loss(p):
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2
