"""Seed 003's example, number for number: loss(w) = (w-1)**2 + 2 from w = 5."""

import numpy as np
import pytest

from optimizers import run
from surfaces import get_surface

from .reference import seed_loop


def test_the_surface_is_the_seeds_loss():
    s = get_surface("quadratic")
    assert s.dim == 1
    assert float(s.value([1.0])) == 2.0  # 'w=1, 오차: 2'
    assert float(s.grad([1.0])[0]) == 0.0  # 'w=1, 기울기: 0'
    assert s.minima.tolist() == [[1.0]]
    assert s.start.tolist() == [5.0]


def test_one_step_from_5_with_lr_0_1_gives_4_2():
    t = run("quadratic", "gd", x0=[5.0], lr=0.1, steps=1)
    assert t.path[1, 0] == 5 - 0.1 * 2 * (5 - 1)  # the seed's new_weight, 4.2
    assert t.path[1, 0] == pytest.approx(4.2, abs=1e-15)


def test_lr_0_1_reaches_the_minimum_within_100_steps():
    t = run("quadratic", "gd", x0=[5.0], lr=0.1, steps=100)
    assert abs(t.path[-1, 0] - 1) < 1e-6
    assert t.converged and not t.diverged


def test_lr_0_001_barely_moves():
    t = run("quadratic", "gd", x0=[5.0], lr=0.001, steps=100, tol=0)
    # w_k - 1 = 4 * (1 - 2 lr)^k exactly in real arithmetic
    assert t.path[-1, 0] == pytest.approx(1 + 4 * 0.998**100, rel=1e-12)
    assert round(t.path[-1, 0], 5) == 4.27427
    assert t.steps == 100 and not t.converged


@pytest.mark.parametrize("lr", [0.4, 0.1, 0.001, 1.0, 10.0])
@pytest.mark.parametrize("w0", [-2, -1, 0, 1, 2, 5])
def test_tol_0_is_the_seeds_loop_exactly(lr, w0):
    expected = seed_loop(float(w0), lr)
    t = run("quadratic", "gd", x0=[float(w0)], lr=lr, steps=100, tol=0)
    if t.diverged:  # lr = 10: the seed's list runs off to huge numbers; ours freezes the last sane one
        k = int(t.diverged_at)
        assert t.path[:k, 0].tolist() == expected[:k]
        assert np.isfinite(t.path).all()
    else:
        assert t.path[:, 0].tolist() == expected


def test_lr_0_4_stops_on_the_first_iterate_with_derivative_exactly_0():
    t = run("quadratic", "gd", x0=[5.0], lr=0.4, steps=100, tol=0)
    k = int(t.converged_at)
    assert t.converged and t.steps == k
    assert t.path[k, 0] == 1.0 and 2 * (t.path[k - 1, 0] - 1) != 0


def test_lr_1_oscillates_between_5_and_minus_3():
    t = run("quadratic", "gd", x0=[5.0], lr=1.0, steps=100, tol=0)
    assert t.path[0::2, 0].tolist() == [5.0] * 51
    assert t.path[1::2, 0].tolist() == [-3.0] * 50
    assert not t.converged and not t.diverged


def test_lr_10_diverges_with_a_finite_path():
    t = run("quadratic", "gd", x0=[5.0], lr=10, steps=100)
    assert t.diverged and not t.converged
    k = int(t.diverged_at)
    assert t.path[1, 0] == -75.0  # 5 - 10 * 8
    assert np.isfinite(t.path).all() and np.isfinite(t.losses).all()
    assert (t.path[k:] == t.path[k - 1]).all()
    assert t.steps == k  # the only run stopped, so the call stopped
