"""Learning-rate sweeps: the measured divergence threshold is 2/L on quadratics; the views render."""

import numpy as np
import pytest

from optimizers.fate import Fate
from optimizers.sweep import compare, gd_limit, lr_grid, lr_sweep
from surfaces import SURFACES


@pytest.mark.parametrize("name", ["quadratic", "bowl", "ravine", "linreg", "linreg_slope"])
def test_measured_divergence_threshold_matches_2_over_L_within_one_grid_step(name):
    s = SURFACES[name]
    limit = gd_limit(s)
    L = np.linalg.eigvalsh(s.hessian(s.start)).max()
    assert limit == pytest.approx(2 / L, rel=1e-12)
    grid = lr_grid()
    sweep = lr_sweep(s, "gd", s.start, grid, steps=300)
    measured = sweep.first(Fate.DIVERGED)
    below = grid[grid < limit].max()
    assert measured == grid[grid > limit].min()  # the first grid value above 2/L diverges ...
    assert sweep.verdict[grid == below][0] != Fate.DIVERGED  # ... and the one below does not
    assert measured / limit <= grid[1] / grid[0]


def test_the_four_regimes_appear_in_order_on_the_quadratic():
    sweep = lr_sweep(SURFACES["quadratic"], "gd", [5.0], lr_grid(), steps=100)
    order = list(dict.fromkeys(sweep.verdict))
    assert order == [Fate.MOVING, Fate.CONVERGED, Fate.OSCILLATING, Fate.DIVERGED]
    assert (
        sweep.first(Fate.CONVERGED) < 0.5 < sweep.first(Fate.OSCILLATING) <= 1.0 < sweep.first(Fate.DIVERGED)
    )


def test_non_quadratic_surfaces_have_no_single_threshold():
    assert gd_limit(SURFACES["rosenbrock"]) is None and gd_limit(SURFACES["himmelblau"]) is None


def test_compare_marks_each_optimizers_best_rate():
    s = SURFACES["rosenbrock"]
    result = compare(s, ("gd", "adam"), s.start, lr_grid(n=50), 300)
    assert result.final_loss.shape == (2, 50)
    for i in range(2):
        ok = ~result.diverged[i]
        best = result.lrs[ok][np.argmin(result.final_loss[i][ok])]
        assert result.best_lr[i] == best
    assert result.best_lr[1] > result.best_lr[0]  # Adam wants a larger rate than GD here
