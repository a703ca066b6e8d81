"""The rest of the lecture as lessons: each one's answer and numbers against an independent
computation (numpy.linalg.lstsq, finite differences, plain loops written here), with margins."""

from __future__ import annotations

import numpy as np
import pytest

from lessons import builtin
from lessons.check import check
from surfaces import get_surface
from surfaces.softmax import blobs

from .conftest import fresh, lesson_page, no_exception, state_of

NEW = (
    "mini-batch",
    "closed-form",
    "taylor",
    "search-vs-descent",
    "accept-if-lower",
    "softmax",
    "validation-plateau",
)


@pytest.mark.parametrize("slug", NEW)
def test_each_lecture_lesson_is_a_file_that_checks_and_opens_in_both_languages(slug):
    assert check(builtin()[slug]).answer
    for lang in ("en", "ko"):
        at = fresh({"lesson": slug, "lang": lang})
        no_exception(at)
        assert state_of(at)["lesson"] == slug and not at.success  # the answer waits for Reveal
        at.button(key="lesson_reveal").click().run()
        no_exception(at)
        assert at.success


def _line_data(state):
    from surfaces.data import synthetic

    data = synthetic("regression", n=state["data_n"], w=state["data_w"], b=state["data_b"],
                     noise=state["data_noise"], seed=state["data_seed"], holdout=state["data_holdout"])  # fmt: skip
    return data


def test_closed_form_is_lstsq_and_the_steps_are_a_plain_loops():
    _, r, _, state = lesson_page("closed-form")
    data = _line_data(state)
    X = np.column_stack([data.x, np.ones_like(data.x)])
    exact = np.linalg.lstsq(X, data.y, rcond=None)[0]
    s = get_surface("linreg")
    assert np.allclose(s.solution, exact, rtol=1e-12, atol=1e-12)
    theta, k = np.array([state["x0"], state["y0"]]), 0
    while np.linalg.norm(theta - exact) > 0.01:
        theta = theta - state["lr"] * 2 * X.T @ (X @ theta - data.y) / len(data.y)
        k += 1
    assert r.value == k and 10 <= k < 50 and "10 to 49" in r.answer
    assert str(k) in r.explanation


def test_taylor_gap_is_the_learning_rate_on_the_quadratic():
    """On (w - 1)^2 + 2, a step's first-order prediction misses by lr times itself: by hand."""
    _, r, runs, _ = lesson_page("taylor")
    for run in runs:
        w0 = run.path[0, 0]
        w1 = w0 - run.lr * 2 * (w0 - 1)
        predicted = 2 * (w0 - 1) * (w1 - w0)
        actual = ((w1 - 1) ** 2 + 2) - ((w0 - 1) ** 2 + 2)
        assert abs(actual - predicted) / abs(predicted) == pytest.approx(run.lr, rel=1e-9)
    above = [i + 1 for i, run in enumerate(runs) if run.lr > 0.5]
    assert r.value == above[0] and len(above) == 1 and "0.7" in r.answer


def test_search_against_a_plain_grid_loop_and_a_plain_descent_loop():
    _, r, _, state = lesson_page("search-vs-descent")
    data = _line_data(state)
    w_star = float(np.sum(data.x * data.y) / np.sum(data.x * data.x))
    lo, hi = get_surface("linreg_slope").bounds[0]
    n = 2
    while True:
        w = np.linspace(lo, hi, n)
        loss = [np.mean((wi * data.x - data.y) ** 2) for wi in w]
        if abs(w[int(np.argmin(loss))] - w_star) <= 0.01:
            break
        n += 1
    w, steps = state["x0"], 0
    while abs(w - w_star) > 0.01:
        w -= state["lr"] * np.mean(2 * (w * data.x - data.y) * data.x)
        steps += 1
    assert steps + 1 < n / 2  # descent wins by a margin
    assert r.value == "descent" and str(n) in r.explanation and str(steps) in r.explanation


def test_accept_if_lower_is_armijo_halving_by_hand():
    """A plain backtracking loop: try the step, halve it until the loss falls by c1 s |g|^2."""
    _, r, runs, state = lesson_page("accept-if-lower")
    loss = lambda w: (w - 1) ** 2 + 2  # noqa: E731
    w, k = state["x0"], 0
    while abs(2 * (w - 1)) > state["tol"]:
        g, s = 2 * (w - 1), state["lr"]
        while loss(w - s * g) > loss(w) - 1e-4 * s * g * g:
            s /= 2
        w, k = w - s * g, k + 1
    assert r.value == "converged" and runs[1].converged_at == k
    assert runs[0].fate == "diverged"  # plain descent at the same rate: lr * 2 = 3 > 2


def test_mini_batch_losses_recomputed_from_the_paths():
    _, r, runs, state = lesson_page("mini-batch")
    data = _line_data(state)
    end = [
        np.mean((run.path[run.steps_taken, 0] * data.x + run.path[run.steps_taken, 1] - data.y) ** 2)
        for run in runs
    ]
    assert np.allclose(end, [run.losses[run.steps_taken] for run in runs], rtol=1e-12)
    order = np.argsort(end)
    assert r.value == order[0] + 1 and runs[order[0]].batch_size == 10
    assert end[order[1]] > 1.05 * end[order[0]]  # a margin no BLAS kernel closes


def test_validation_plateau_against_a_plain_reduce_on_plateau_loop():
    """torch's ReduceLROnPlateau (mode min, relative threshold), by hand, on the held-out loss."""
    _, r, _, state = lesson_page("validation-plateau")
    data = _line_data(state)
    X = np.column_stack([data.x, np.ones_like(data.x)])
    Xv = np.column_stack([data.x_val, np.ones_like(data.x_val)])
    theta, lr = np.array([state["x0"], state["y0"]]), state["lr"]
    best, bad, drop = np.inf, 0, None
    patience, factor, threshold = (
        state["schedule_patience"],
        state["schedule_factor"],
        state["schedule_threshold"],
    )
    for k in range(state["steps"]):
        val = np.mean((Xv @ theta - data.y_val) ** 2)
        if val < best * (1 - threshold):
            best, bad = val, 0
        else:
            bad += 1
        if bad > patience:
            lr, bad = lr * factor, 0
            if drop is None:
                drop = k
        theta = theta - lr * 2 * X.T @ (X @ theta - data.y) / len(data.y)
    assert r.value == drop and 90 <= drop < 150
    assert str(drop) in r.explanation


def test_softmax_gradient_and_hessian_match_finite_differences():
    s = get_surface("softmax")
    rng = np.random.default_rng(3)
    for P in rng.normal(size=(3, 9)):
        h = 1e-6
        fd = np.array([(s.value(P + h * e) - s.value(P - h * e)) / (2 * h) for e in np.eye(9)])
        assert np.allclose(fd, s.grad(P), atol=1e-8)
        fdH = np.array([(s.grad(P + h * e) - s.grad(P - h * e)) / (2 * h) for e in np.eye(9)])
        assert np.allclose(fdH, s.hessian(P), atol=1e-7)


def test_softmax_on_separable_data_falls_toward_zero_as_its_weights_grow():
    """A plain softmax regression written here: the loss halves and the weights keep growing."""
    _, r, runs, state = lesson_page("softmax")
    data = blobs(state["data_n"], state["data_noise"], state["data_seed"])
    X = np.column_stack([data.x, np.ones(len(data.x))])
    Y = np.eye(3)[data.y.astype(int)]
    Theta = np.zeros((3, 3))  # rows: classes; columns: x1, x2, bias
    losses, norms = [], []
    for _ in range(state["steps"] + 1):
        Z = X @ Theta.T
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log(np.sum(P * Y, axis=1))))
        norms.append(np.linalg.norm(Theta))
        Theta -= state["lr"] * (P - Y).T @ X / len(X)
    half, end = state["steps"] // 2, state["steps"]
    assert losses[end] < 0.6 * losses[half] and norms[end] > 1.05 * norms[half]
    assert np.allclose(runs[0].losses[: end + 1], losses, rtol=1e-9, atol=1e-12)
    assert r.value == "falls_grows"


def test_the_softmax_surface_opens_from_a_link_and_its_regions_move():
    at = fresh({"surface": "softmax"})
    no_exception(at)
    assert state_of(at)["view"] == "landscape"
    from .conftest import chart_spec

    spec = chart_spec(at, "chart")
    paths = [
        s
        for f in spec["frames"]
        for s in f["layout"]["shapes"]
        if s.get("type") == "path" and s.get("xref") == "x2"
    ]
    assert paths and len({p["path"] for p in paths}) > 3  # the regions change as the animation goes
