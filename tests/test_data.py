"""Losses of real data and mini-batches: SGD, mini-batch and full batch on the same data."""

import numpy as np
import pytest

from fixtures.csvs import BAD
from optimizers import OPTIMIZERS, run
from surfaces import SURFACES, data_surface, synthetic
from surfaces.data import parse_csv
from surfaces.errors import InputError

DATA = ["linreg_slope", "linreg", "logreg"]


def points(s, n=30, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("size", [1, 5, 10, 25])
def test_mean_of_an_epochs_mini_batch_gradients_is_the_full_gradient(name, size):
    s = SURFACES[name]
    P = points(s)
    order = np.random.default_rng(1).permutation(s.n_rows)
    batches = [order[i : i + size] for i in range(0, s.n_rows, size)]
    mean = np.mean([s.grad(P, idx) for idx in batches], axis=0)
    np.testing.assert_allclose(mean, s.grad(P), rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.mean([s.value(P, idx) for idx in batches], axis=0), s.value(P), atol=1e-12)


@pytest.mark.parametrize("name", DATA)
def test_full_batch_is_plain_gradient_descent_bit_for_bit(name):
    s = SURFACES[name]
    a = run(s, "gd", lr=0.05, steps=100, tol=0)
    b = run(s, "gd", lr=0.05, steps=100, tol=0, batch_size=None, seed=3)
    assert np.array_equal(a.path, b.path) and np.array_equal(a.grads, b.grads)
    assert a.epochs.tolist() == list(range(1, 101))  # one pass over the data per step


def test_sgd_is_seeded_and_records_epochs_and_rows():
    s = SURFACES["linreg"]
    a = run(s, "gd", lr=0.05, steps=120, batch_size=1, seed=7)
    b = run(s, "gd", lr=0.05, steps=120, batch_size=1, seed=7)
    c = run(s, "gd", lr=0.05, steps=120, batch_size=1, seed=8)
    assert np.array_equal(a.path, b.path) and not np.array_equal(a.path, c.path)
    assert a.epochs.tolist() == [1] * 50 + [2] * 50 + [3] * 20
    assert sorted(a.batch_rows[:50, 0].tolist()) == list(range(50))  # each row once per epoch
    assert (a.batch_rows[:, 0] >= 0).all()


def test_a_short_last_batch_and_without_shuffle():
    s = SURFACES["linreg"]
    t = run(s, "gd", lr=0.05, steps=8, batch_size=20, shuffle=False)
    assert t.epochs.tolist() == [1, 1, 1, 2, 2, 2, 3, 3]
    assert (
        t.batch_rows[0].tolist() == list(range(20))
        and t.batch_rows[2].tolist() == list(range(40, 50)) + [-1] * 10
    )


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_runs_on_mini_batches_from_many_starts(optimizer):
    s = SURFACES["logreg"]
    X0 = points(s, 4)
    t = run(s, optimizer, x0=X0, lr=0.1, steps=60, batch_size=10, seed=0)
    assert t.path.shape == (t.steps + 1, 4, 2) and np.isfinite(t.path).all()
    one = run(s, optimizer, x0=X0[2], lr=0.1, steps=60, batch_size=10, seed=0)
    # the same batches are drawn for all starts: a run of the batch equals its single run
    np.testing.assert_allclose(one.path, t.path[: one.steps + 1, 2], rtol=1e-12, atol=1e-12)


def turning(path):
    """The mean angle between successive steps (0 for a straight glide)."""
    d = np.diff(path, axis=0)
    d = d[np.linalg.norm(d, axis=1) > 0]
    cos = np.sum(d[1:] * d[:-1], axis=1) / (np.linalg.norm(d[1:], axis=1) * np.linalg.norm(d[:-1], axis=1))
    return float(np.mean(np.arccos(np.clip(cos, -1, 1))))


def alignment(s, path):
    """The mean cosine between each step and the full data's descent direction -grad L there."""
    d, g = np.diff(path, axis=0), -s.grad(path[:-1])
    moved = np.linalg.norm(d, axis=1) > 0
    cos = np.sum(d * g, axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(g, axis=1))
    return float(np.mean(cos[moved]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sgd_zig_zags_where_full_batch_glides(seed):
    s = SURFACES["linreg"]
    full = run(s, "gd", lr=0.05, steps=300, tol=0)
    sgd = run(s, "gd", lr=0.05, steps=300, tol=0, batch_size=1, seed=seed)
    mini = run(s, "gd", lr=0.05, steps=300, tol=0, batch_size=10, seed=seed)
    assert turning(full.path) < 0.05
    assert turning(sgd.path) > 10 * turning(full.path)
    # the bigger the batch, the closer each step follows the full data's descent direction
    assert alignment(s, full.path) > 0.999 > alignment(s, mini.path) > alignment(s, sgd.path)
    length = [np.sum(np.linalg.norm(np.diff(t.path, axis=0), axis=1)) for t in (full, sgd)]
    assert length[1] > 2 * length[0]


def test_closed_form_minima_agree_with_lstsq():
    data = synthetic("regression", n=200, w=-1.5, b=3.0, noise=2.0, seed=4)
    line = data_surface("linreg", data)
    A = np.stack([data.x, np.ones_like(data.x)], axis=1)
    np.testing.assert_allclose(line.minima[0], np.linalg.lstsq(A, data.y, rcond=None)[0], rtol=1e-12)
    slope = data_surface("linreg_slope", data)
    np.testing.assert_allclose(
        slope.minima[0], np.linalg.lstsq(data.x[:, None], data.y, rcond=None)[0], rtol=1e-12
    )
    for s in (line, slope):
        rows = s.value(s.minima, np.arange(s.n_rows))  # the loss from the rows themselves
        np.testing.assert_allclose(s.value(s.minima), rows, rtol=1e-12)
        assert np.abs(s.grad(s.minima)).max() < 1e-12


def test_logistic_minimum_gradient_and_hessian():
    s = SURFACES["logreg"]
    assert np.linalg.norm(s.grad(s.minima[0])) < 1e-12
    P = points(s, 50, seed=3)
    h = 1e-6
    for i in range(2):
        e = np.eye(2)[i] * h
        np.testing.assert_allclose((s.value(P + e) - s.value(P - e)) / (2 * h), s.grad(P)[:, i], atol=1e-7)
        np.testing.assert_allclose(
            (s.grad(P + e) - s.grad(P - e)) / (2 * h), s.hessian(P)[:, :, i], atol=1e-7
        )


def test_cross_entropy_is_finite_for_huge_margins():
    s = SURFACES["logreg"]
    x = s.data.x
    scale = 1e4 / np.abs(x).max()
    for w, b in [(scale, 0.0), (-scale, 0.0), (0.0, 1e4), (0.0, -1e4)]:
        value, grad = s.value_and_grad([w, b])
        assert np.isfinite(value) and np.isfinite(grad).all()
        assert value > 0


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_csv_files_each_get_their_message(case):
    content, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        parse_csv(content, "classification")


def test_good_csv_with_or_without_header():
    a = parse_csv(b"x,y\n1,2.5\n2,4.5\n3,6.5\n", "regression")
    b = parse_csv(b"1,2.5\n2,4.5\n3,6.5\n", "regression")
    assert a.x.tolist() == b.x.tolist() == [1, 2, 3] and a.y.tolist() == [2.5, 4.5, 6.5]
    c = parse_csv(b"id,Y,X\n0,1,0.5\n1,0,-0.5\n", "classification", standardize=True)
    assert c.x.tolist() == [1.0, -1.0] and c.y.tolist() == [1.0, 0.0]


def test_a_csv_of_millions_of_rows_stops_at_the_limit_without_reading_the_rest():
    """A 10 MB file of 2.5 million rows: refused at row 10,001 (read row by row, not all at once)."""
    import tracemalloc

    content = b"x,y\n" + b"1,2\n" * 2_500_000
    tracemalloc.start()
    with pytest.raises(InputError) as refusal:
        parse_csv(content, "regression")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refusal.value.key == "csv.too_many"
    assert peak < 3 * len(content)  # the text itself and little more: no list of 2.5 M rows


def test_old_excel_line_ends_read_like_any_other():
    data = parse_csv(b"x,y\r1,2\r2,4\r3,7\r", "regression")
    assert data.n == 3 and list(data.x) == [1.0, 2.0, 3.0]


def test_a_fitted_line_is_cut_at_the_box_with_its_slope_kept():
    """The data panel draws the model line inside the data's box: the drawn ends lie on the line
    (its slope kept, where clipping y alone tilted it) and span exactly the part of the line that a
    fine sampling finds inside the box."""
    from viz.data_panel import box_segment

    rng = np.random.default_rng(5)
    lo, hi = np.array([-4.0, -6.0]), np.array([3.5, 7.0])
    xs = np.array([lo[0], hi[0]])
    Y = rng.normal(0, 12, size=(400, 2))
    X, Yc = box_segment(xs, Y, lo, hi)
    slope = (Y[:, 1] - Y[:, 0]) / (xs[1] - xs[0])
    on_line = Y[:, :1] + slope[:, None] * (X - xs[0])
    grid = np.linspace(lo[0], hi[0], 20001)
    for i in range(len(Y)):
        y = Y[i, 0] + slope[i] * (grid - xs[0])
        inside = grid[(y >= lo[1]) & (y <= hi[1])]
        if len(inside):
            np.testing.assert_allclose(Yc[i], on_line[i], atol=1e-9)
            assert X[i, 0] == pytest.approx(inside.min(), abs=1e-3) and X[i, 1] == pytest.approx(
                inside.max(), abs=1e-3
            )
        else:
            assert X[i, 0] == X[i, 1]  # a line that misses the box is one point
    assert (np.abs(X - (lo[0] + hi[0]) / 2) <= (hi[0] - lo[0]) / 2 + 1e-12).all()
    assert (np.abs(Yc - (lo[1] + hi[1]) / 2) <= (hi[1] - lo[1]) / 2 + 1e-12).all()
