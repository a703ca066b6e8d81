"""Every run draws its noise and its mini-batch order from its own streams (optimizers.streams):
its path is bit-identical whether it runs alone or beside others."""

import numpy as np
import pytest

from optimizers import run
from optimizers.streams import NOISE, Noise, run_seeds
from surfaces import SURFACES


def test_the_issue_case_double_well_with_noise_alone_and_beside_a_second_rate():
    alone = run("double_well", "gd", x0=[1.8], lr=0.05, steps=500, noise=5.0, seed=0)
    beside = run("double_well", "gd", x0=[1.8], lr=np.array([0.05, 0.1]), steps=500, noise=5.0, seed=0)
    k = alone.steps
    assert np.array_equal(alone.path, beside.path[: k + 1, 0])
    assert np.array_equal(alone.grads, beside.grads[:k, 0])


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam", "newton"])
def test_noise_does_not_depend_on_the_other_runs_of_the_call(optimizer):
    s = SURFACES["himmelblau"]
    starts = np.array([[0.0, 0.0], [1.0, -2.0], [-3.0, 3.0], [2.0, 2.0]])
    kw = dict(lr=0.002, steps=150, noise=2.0, seed=11, tol=0)
    together = run(s, optimizer, x0=starts, **kw)
    for i in (1, 3):
        alone = run(s, optimizer, x0=starts[i], **kw)
        pair = run(s, optimizer, x0=starts[[i, 0]], **kw)  # beside another run, in another position
        assert np.array_equal(alone.path, together.path[: alone.steps + 1, i])
        assert np.array_equal(alone.path, pair.path[: alone.steps + 1, 0])


@pytest.mark.parametrize("batch_size", [1, 7])
def test_mini_batch_order_does_not_depend_on_the_other_runs(batch_size):
    s = SURFACES["linreg"]
    lrs = np.array([0.05, 0.01, 0.2])
    together = run(s, "gd", lr=lrs, steps=120, tol=0, batch_size=batch_size, seed=3)
    for i, lr in enumerate(lrs):
        alone = run(s, "gd", lr=lr, steps=120, tol=0, batch_size=batch_size, seed=3)
        assert np.array_equal(alone.path, together.path[:, i])
        assert np.array_equal(alone.batch_rows, together.batch_rows[:, i])
    # each run has its own order: the same start with different rates sees different batches
    assert not np.array_equal(together.batch_rows[:, 0], together.batch_rows[:, 1])


def test_two_optimizers_from_the_same_start_and_rate_see_the_same_noise():
    s = SURFACES["rosenbrock"]
    kw = dict(x0=[-1.5, 2.0], lr=0.001, steps=40, noise=3.0, seed=5, tol=0)
    a, b = run(s, "gd", **kw), run(s, "adam", **kw)
    noise_a = a.grads - s.grad(a.path[:-1])
    noise_b = b.grads - s.grad(b.path[:-1])
    np.testing.assert_allclose(noise_a, noise_b, rtol=0, atol=1e-9)


def test_same_seed_same_path_other_seed_other_path():
    kw = dict(x0=[1.8], lr=0.05, steps=200, noise=5.0)
    a, b, c = (run("double_well", "gd", seed=s, **kw) for s in (4, 4, 5))
    assert np.array_equal(a.path, b.path) and not np.array_equal(a.path, c.path)


def test_a_block_of_noise_equals_one_draw_per_step():
    seeds = run_seeds(9, np.array([[1.0, 2.0], [3.0, 4.0]]), 0.1, NOISE)
    blocked = Noise(seeds, 2, block=16)
    stepwise = [np.random.Generator(np.random.PCG64(s)) for s in seeds]
    rows = np.arange(2)
    for _ in range(40):
        expected = np.stack([g.standard_normal(2) for g in stepwise])
        assert np.array_equal(blocked.draw(rows), expected)
