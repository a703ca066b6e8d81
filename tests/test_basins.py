"""Basin-of-attraction maps (optimizers.basins) against single runs and closed-form thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from optimizers import run
from optimizers.basins import RADIUS, TOL, basin_map, basin_rates, critical_rates, grid
from surfaces import get_surface


def single_label(surface, t, bounds) -> int:
    """The label of one run, from its flags and end point (the rule of the module docstring)."""
    if t.diverged:
        return -1
    if not t.converged:
        return -2
    end = t.path[-1]
    d = np.linalg.norm(surface.minima - end, axis=1)
    m = int(d.argmin())
    return m if d[m] <= RADIUS * np.linalg.norm(bounds[:, 1] - bounds[:, 0]) else -2


@pytest.mark.parametrize("optimizer,lrs", [("gd", [0.005, 0.02, 0.03]), ("momentum", [0.002, 0.006])])
def test_map_agrees_with_single_runs(optimizer, lrs):
    """200 random cells: the map's label and stop step equal those of the same start run alone."""
    s = get_surface("himmelblau")
    n, steps = 40, 300
    bmap = basin_map(s, optimizer, lrs, n=n, steps=steps)
    rng = np.random.default_rng(1)
    for _ in range(200):
        r, i, j = rng.integers(len(lrs)), rng.integers(n), rng.integers(n)
        t = run(s, optimizer, x0=[bmap.xs[j], bmap.ys[i]], lr=lrs[r], steps=steps, tol=TOL)
        assert bmap.label[r, i, j] == single_label(s, t, s.bounds), (r, i, j)
        stop = t.converged_at if t.converged else (t.diverged_at if t.diverged else steps)
        assert bmap.steps[r, i, j] == stop, (r, i, j)


def test_bowl_all_converge_below_two_over_lambda_and_all_diverge_above():
    s = get_surface("bowl")  # x^2 + y^2: lambda = 2 everywhere, 2 / lambda = 1
    assert critical_rates(s) == pytest.approx([1.0])
    bmap = basin_map(s, "gd", [0.3, 0.9, 1.1, 1.5], n=30)
    assert (bmap.label[:2] == 0).all()
    assert (bmap.label[2:] == -1).all()


def test_every_himmelblau_basin_vanishes_between_the_rates_that_bracket_its_critical_rate():
    s = get_surface("himmelblau")
    crit = critical_rates(s)
    assert np.sort(crit) == pytest.approx([0.0151, 0.0193, 0.0241, 0.0252], abs=5e-4)
    lrs = basin_rates(s)
    bmap = basin_map(s, "gd", lrs, n=80)
    for m, c in enumerate(crit):
        below, above = np.flatnonzero(lrs < c)[-1], np.flatnonzero(lrs > c)[0]
        assert (bmap.label[below] == m).sum() > 0, (m, lrs[below])
        assert (bmap.label[above] == m).sum() == 0, (m, lrs[above])


def test_grid_cells_are_centres_row_by_row():
    xs, ys, P = grid([[0, 4], [10, 12]], 4)
    assert xs == pytest.approx([0.5, 1.5, 2.5, 3.5])
    assert ys == pytest.approx([10.25, 10.75, 11.25, 11.75])
    assert P[1] == pytest.approx([1.5, 10.25]) and P[4] == pytest.approx([0.5, 10.75])


def test_shares_add_up_and_one_d_surfaces_are_refused():
    s = get_surface("himmelblau")
    bmap = basin_map(s, "adam", [0.05, 0.5], n=20)
    assert bmap.shares(4).sum(axis=1) == pytest.approx([1.0, 1.0])
    with pytest.raises(ValueError, match="2-D"):
        basin_map(get_surface("quadratic"), "gd", [0.1], n=4)
