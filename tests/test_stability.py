"""Each optimizer's stability limit (optimizers.stability) against sweeps of the engine itself."""

import numpy as np
import pytest

from optimizers import run
from optimizers.stability import RITZ_TOL, companion, effective_steps, limit, regime, regimes, top_eigen
from surfaces import SURFACES

CASES = [
    ("gd", {}),
    ("momentum", {"momentum": 0.5}),
    ("momentum", {"momentum": 0.9}),
    ("momentum", {"momentum": 0.99}),
    ("momentum", {"momentum": 0.9, "dampening": 0.5}),
    ("gd", {"momentum": 0.7}),
    ("nesterov", {"momentum": 0.5}),
    ("nesterov", {"momentum": 0.9}),
    ("momentum", {"momentum": 0.8, "nesterov": True}),
    ("gd", {"weight_decay": 0.5}),
    ("momentum", {"momentum": 0.9, "weight_decay": 0.3}),
]


def measured_threshold(surface, name, hyper, lo, hi, n=400, steps=3000):
    """The grid of rates, and the index of the last rate whose run shrinks the distance to the
    minimum (every rate below it shrinks, every rate above grows)."""
    lrs = np.geomspace(lo, hi, n)
    start = surface.start
    t = run(surface, name, x0=start, lr=lrs, steps=steps, tol=0, **hyper)
    target = surface.minima[0]
    d0 = np.linalg.norm(start - target)
    d = np.linalg.norm(t.path[-1] - target, axis=-1)
    shrinks = (d < d0) & ~t.diverged
    last = int(np.flatnonzero(shrinks).max())
    assert shrinks[: last + 1].all() and not shrinks[last + 1 :].any()
    return lrs, last


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=lambda c: str(c))
@pytest.mark.parametrize("surface", ["quadratic", "ravine"])
def test_the_limit_matches_a_400_rate_sweep_within_one_grid_step(name, hyper, surface):
    s = SURFACES[surface]
    lam = float(np.linalg.eigvalsh(s.hessian(s.start)).max())
    wd = hyper.get("weight_decay", 0.0)
    base = limit(name, **{k: v for k, v in hyper.items() if k != "weight_decay"})
    # the rate at which lr * (lambda + wd) reaches the limit
    guess = base / (lam + wd)
    lrs, last = measured_threshold(s, name, hyper, guess / 2, guess * 2)
    assert lrs[last] <= guess * (1 + 1e-9) and guess <= lrs[last + 1] * (1 + 1e-9)
    assert limit(name, lr=guess, **hyper) == pytest.approx(guess * lam, rel=1e-9)  # lr * lambda at the edge


def test_the_issue_numbers():
    assert limit("gd") == 2
    assert limit("momentum") == pytest.approx(3.8)  # our momentum defaults to mu = 0.9
    assert regime(1.5 * 2, "momentum") != "diverges"  # lr 1.5 on (w-1)^2 + 2: 3 < 3.8
    assert regime(1.5 * 2, "gd") == "diverges"
    for name in ("adagrad", "rmsprop", "adam", "newton", "linesearch"):
        assert limit(name) is None
    with pytest.raises(ValueError, match="pass lr"):
        limit("gd", weight_decay=0.1)


@pytest.mark.parametrize("ratio", [0.3, 0.99, 1.0, 1.5, 1.999])
def test_gradient_descent_regimes_follow_the_sign_of_one_minus_lr_lambda(ratio):
    """glides: every step lands on the same side; overshoots: the sides alternate."""
    s = SURFACES["quadratic"]  # lambda = 2
    t = run(s, "gd", x0=[5.0], lr=ratio / 2, steps=8, tol=0)
    side = np.sign(t.path[: t.steps + 1, 0] - 1)
    name = regime(ratio)
    if name == "glides":
        assert (side[1:] == 1).all()
    elif name == "overshoots":
        assert (side[1:] * side[:-1] <= 0).all()
    else:
        assert name == "one_step" and t.path[1, 0] == 1.0


def test_effective_steps_replay_adams_own_update():
    """The step Adam took per coordinate equals lr / (sqrt(v_hat) + eps) times m_hat."""
    s = SURFACES["rosenbrock"]
    t = run(s, "adam", x0=[-1.5, 2.0], lr=0.01, steps=50, tol=0)
    eta = effective_steps("adam", t.grads, t.lrs)
    m = np.zeros(2)
    for k in range(50):
        m = 0.9 * m + 0.1 * t.grads[k]
        step = -eta[k] * m / (1 - 0.9 ** (k + 1))
        np.testing.assert_allclose(t.path[k + 1] - t.path[k], step, rtol=1e-9, atol=1e-15)
    assert effective_steps("gd", t.grads, t.lrs) is None


@pytest.mark.parametrize(
    "name, hyper",
    [("gd", {}), ("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.5, "dampening": 0.3}),
     ("nesterov", {"momentum": 0.9}), ("gd", {"clip_norm": 1.0})],
)  # fmt: skip
def test_regimes_of_a_grid_agree_with_each_matrix_on_its_own(name, hyper):
    """The batched classification (one eigvals call for the whole strip) against the spectral radius
    of each companion matrix built and solved one at a time."""
    grid = np.concatenate([np.geomspace(1e-3, 50, 400), [limit(name, **hyper)]])
    for a, got in zip(grid, regimes(grid, name, **hyper)):
        rho = max(abs(np.linalg.eigvals(companion(name, float(a), **hyper))))
        if np.isclose(a, limit(name, **hyper), rtol=1e-12, atol=0):
            assert got == "bounces"
        elif rho > 1:
            assert got == ("oscillates" if "clip_norm" in hyper else "diverges"), a
        else:
            assert got in ("glides", "overshoots", "one_step"), a


@pytest.mark.parametrize(
    "spectrum",
    [
        [5.0, 4.9999, 4.999, 1.0, 0.0],  # a tiny gap: the power method's slowest case
        [3.0, 2.0, -50.0, -49.0, 0.5],  # the most negative eigenvalue dominates in magnitude
        [-1.0, -2.0, -3.0, -4.0, -5.0],  # no positive curvature at all
    ],
)
def test_top_eigen_finds_the_largest_eigenvalue_of_a_known_spectrum(spectrum):
    rng = np.random.default_rng(3)
    basis, _ = np.linalg.qr(rng.normal(size=(60, 60)))
    lam = np.concatenate([spectrum, rng.uniform(-0.5, 0.5, size=60 - len(spectrum))])
    H = basis @ np.diag(lam) @ basis.T
    top, v = top_eigen(lambda u: H @ u, 60)
    exact = np.linalg.eigvalsh(H)[-1]
    assert abs(top - exact) <= RITZ_TOL * abs(exact)  # the stated bound: the Ritz pair's residual
    assert np.linalg.norm(H @ v - top * v) <= 2 * RITZ_TOL * abs(top)
    assert np.linalg.norm(v) == pytest.approx(1.0)
