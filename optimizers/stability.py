"""Why a learning rate diverges, before pressing Play: gradient descent's stability at a point.

Near a point, L is close to its quadratic model with curvature H. On a quadratic, one GD step
multiplies the distance to the minimum along each eigenvector of H by (1 - lr * lambda), so GD
is stable only while |1 - lr * lambda_max| < 1, i.e. lr * lambda_max < 2:

    lr * lambda_max < 1        glides straight down
    = 1                        lands on the bottom in one step (along that direction)
    1 < ... < 2                overshoots and oscillates, but converges
    = 2                        bounces between two points forever (lr = 1.0 on (w-1)^2 + 2)
    > 2                        every step overshoots more: diverges

>>> regime(0.1 * 2.0), regime(1.0 * 2.0), regime(10 * 2.0)
('glides', 'bounces', 'diverges')
"""

from __future__ import annotations

import numpy as np

LIMIT = 2.0


def sharpness(surface, points) -> np.ndarray:
    """lambda_max, the largest eigenvalue of the Hessian, at each point (shape (...))."""
    return np.linalg.eigvalsh(surface.hessian(points))[..., -1]


def regime(ratio: float) -> str:
    """How gradient descent behaves with lr * lambda_max = ratio (see the module docstring), as an
    id: 'glides', 'one_step', 'overshoots' (oscillates and converges), 'bounces' (for ever),
    'diverges', or 'no_limit' where the surface is flat or curves down."""
    if ratio <= 0:
        return "no_limit"
    if np.isclose(ratio, 1.0, rtol=1e-12, atol=0):
        return "one_step"
    if ratio < 1:
        return "glides"
    if np.isclose(ratio, LIMIT, rtol=1e-12, atol=0):
        return "bounces"
    if ratio < LIMIT:
        return "overshoots"
    return "diverges"
