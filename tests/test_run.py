"""run(): shapes, stopping semantics, batches equal to single runs bit for bit, bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers import OPTIMIZERS, SCHEDULES, run
from surfaces import SURFACES, get_surface


def starts_for(s, n=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))


def lr_for(name):
    return {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "newton": 0.5, "linesearch": 0.5}.get(name, 0.05)


@pytest.mark.parametrize("surface", sorted(SURFACES))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_each_run_of_a_batch_equals_its_single_run_bit_for_bit(surface, optimizer):
    s = get_surface(surface)
    X0 = starts_for(s)
    steps = 4 if s.dim > 50 and optimizer == "newton" else 60  # a network's Hessian: dim products each step
    batch = run(s, optimizer, x0=X0, lr=lr_for(optimizer), steps=steps, tol=0)
    for i, x0 in enumerate(X0):
        one = run(s, optimizer, x0=x0, lr=lr_for(optimizer), steps=steps, tol=0)
        k = one.steps
        assert np.array_equal(one.path, batch.path[: k + 1, i])
        assert np.array_equal(one.losses, batch.losses[: k + 1, i])
        assert np.array_equal(one.grads, batch.grads[:k, i])
        assert one.diverged_at == batch.diverged_at[i] and one.converged_at == batch.converged_at[i]
        assert (batch.path[k:, i] == one.path[-1]).all()  # a stopped run repeats its last point


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adagrad", "rmsprop", "adam"])
def test_float_loop_and_numpy_loop_agree_with_noise_clipping_and_schedules(optimizer):
    kw = dict(
        lr=0.02, steps=200, noise=3.0, seed=7, clip_norm=20.0, schedule=SCHEDULES["plateau"](patience=3)
    )
    one = run("rosenbrock", optimizer, x0=[-1.5, 2.0], **kw)  # Python floats
    arr = run("rosenbrock", optimizer, x0=[[-1.5, 2.0]], **kw)  # NumPy
    assert np.array_equal(one.path, arr.path[:, 0])
    assert np.array_equal(one.grads, arr.grads[:, 0])
    assert np.array_equal(one.lrs, arr.lrs[:, 0])


def test_lr_array_equals_separate_runs():
    lrs = np.geomspace(1e-3, 10, 25)
    t = run("quadratic", "gd", x0=[5.0], lr=lrs, steps=100)
    assert t.path.shape[1:] == (25, 1)
    for i, lr in enumerate(lrs):
        one = run("quadratic", "gd", x0=[5.0], lr=lr, steps=100)
        assert np.array_equal(one.path, t.path[: one.steps + 1, i])
        assert one.diverged_at == t.diverged_at[i] and one.converged_at == t.converged_at[i]
    assert t.diverged[lrs > 1].all() and not t.diverged[lrs < 1].any()  # 2 / L = 1 on this quadratic


def test_shapes_and_early_stop():
    s = get_surface("bowl")
    t = run(s, "gd", x0=[[1.0, 1.0], [2.0, -1.0], [0.0, 0.0]], lr=0.25, steps=500)
    k = t.steps
    assert t.path.shape == (k + 1, 3, 2) and t.losses.shape == (k + 1, 3)
    assert t.grads.shape == (k, 3, 2) and t.lrs.shape == (k, 3) and t.epochs.shape == (k,)
    assert t.converged_at[2] == 0  # started at the minimum
    assert t.converged.all() and k == t.converged_at.max() < 500  # the call ends when all stopped
    assert (t.grads[:, 2] == 0).all()  # a stopped run takes no steps


def test_a_diverged_run_is_frozen_and_the_others_go_on():
    t = run("quadratic", "gd", x0=[5.0], lr=np.array([0.1, 10.0]), steps=100)
    assert t.diverged.tolist() == [False, True] and t.converged.tolist() == [True, False]
    k = int(t.diverged_at[1])
    assert (t.path[k:, 1] == t.path[k - 1, 1]).all()
    assert np.isfinite(t.path).all() and np.isfinite(t.losses).all() and np.isfinite(t.grads).all()
    assert t.steps == t.converged_at[0] > k


def test_record_false_keeps_first_and_last_with_the_same_flags():
    s = get_surface("himmelblau")
    X0 = starts_for(s, 50) * 3
    full = run(s, "adam", x0=X0, lr=0.3, steps=400)
    lean = run(s, "adam", x0=X0, lr=0.3, steps=400, record=False)
    assert lean.path.shape == (2, 50, 2) and lean.losses.shape == (2, 50)
    assert np.array_equal(lean.path[0], full.path[0]) and np.array_equal(lean.path[1], full.path[-1])
    assert np.array_equal(lean.losses[1], full.losses[-1])
    assert np.array_equal(lean.converged_at, full.converged_at)
    assert np.array_equal(lean.diverged_at, full.diverged_at)
    one = run(s, "adam", x0=X0[0], lr=0.3, steps=400, record=False)
    assert one.path.shape == (2, 2) and np.array_equal(one.path[1], full.path[-1, 0])


@pytest.mark.parametrize(
    ("surface", "options"),
    [
        ("himmelblau", dict(x0=None, lr=np.geomspace(0.003, 0.3, 40))),  # a batch, some diverging
        ("himmelblau", dict(x0=[1.0, 1.0], lr=0.01)),  # one run of an analytic surface (floats)
        ("linreg", dict(x0=[0.0, 0.0], lr=np.array([0.01, 0.1, 3.0]), batch_size=4, seed=2)),
        ("mlp", dict(x0=None, lr=np.array([0.05, 0.5, 5.0]))),
    ],
)
def test_record_path_keeps_every_iterate_and_the_last_step(surface, options):
    s = get_surface(surface)
    if options["x0"] is None and surface == "himmelblau":
        options = dict(options, x0=starts_for(s, 40) * 3)
    full = run(s, "adam", steps=300, **options)
    lean = run(s, "adam", steps=300, record="path", **options)
    assert np.array_equal(lean.path, full.path) and np.array_equal(lean.losses, full.losses)
    assert np.array_equal(lean.grads, full.grads[-1:]) and np.array_equal(lean.lrs, full.lrs[-1:])
    if full.batch_rows is not None:
        assert np.array_equal(lean.batch_rows, full.batch_rows[-1:])
    for flag in ("converged_at", "diverged_at", "left_domain"):
        assert np.array_equal(getattr(lean, flag), getattr(full, flag))
    with pytest.raises(ValueError, match="record must be"):
        run(s, "adam", steps=3, record="every", **options)


ELEMENTWISE = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize("surface", sorted(n for n in SURFACES if get_surface(n).scalar is not None))
@pytest.mark.parametrize("optimizer", ELEMENTWISE)
def test_the_coordinate_loop_ends_every_run_where_the_recorded_loop_does(surface, optimizer):
    """record=False steps coordinate by coordinate (run._run_coords): the same bits as the
    recorded NumPy loop, for runs that converge, diverge and stop at once, with a schedule."""
    s = get_surface(surface)
    X0 = np.concatenate([starts_for(s, 150, seed=3), s.minima[:1]])  # one starts at a minimum
    lrs = np.geomspace(1e-4, 30.0, len(X0))
    seen = set()
    for kw in (
        {"tol": 1e-4},
        {"tol": 0, "schedule": SCHEDULES["plateau"](patience=3)},
        {"weight_decay": 0.1},
    ):
        full = run(s, optimizer, x0=X0, lr=lrs, steps=150, **kw)
        lean = run(s, optimizer, x0=X0, lr=lrs, steps=150, record=False, **kw)
        assert lean.steps == full.steps
        assert np.array_equal(lean.path, full.path[[0, -1]]) and np.array_equal(
            lean.losses, full.losses[[0, -1]]
        )
        assert np.array_equal(lean.grads, full.grads[-1:]) and np.array_equal(lean.lrs, full.lrs[-1:])
        for flag in ("converged_at", "diverged_at", "left_domain"):
            assert np.array_equal(getattr(lean, flag), getattr(full, flag)), flag
        seen |= {"diverged"} if lean.diverged.any() else set()
        seen |= {"converged"} if lean.converged.any() else set()
    adaptive = optimizer in ("adagrad", "rmsprop", "adam")  # steps of about lr: they never run away
    assert "converged" in seen and ("diverged" in seen or adaptive or s.data is not None)


def test_the_coordinate_loop_takes_a_formula_whose_derivative_is_a_constant():
    from surfaces.custom import custom_surface

    s = custom_surface("x + y**2", bounds=[[-2, 2], [-2, 2]])
    X0 = starts_for(s, 100)
    full = run(s, "adam", x0=X0, lr=0.1, steps=50, tol=0)
    lean = run(s, "adam", x0=X0, lr=0.1, steps=50, tol=0, record=False)
    assert np.array_equal(lean.path[1], full.path[-1]) and np.array_equal(lean.grads, full.grads[-1:])


def test_noise_is_seeded():
    a = run("bowl", "gd", x0=[2.0, 2.0], lr=0.1, steps=50, noise=0.5, seed=1)
    b = run("bowl", "gd", x0=[2.0, 2.0], lr=0.1, steps=50, noise=0.5, seed=1)
    c = run("bowl", "gd", x0=[2.0, 2.0], lr=0.1, steps=50, noise=0.5, seed=2)
    assert np.array_equal(a.path, b.path) and not np.array_equal(a.path, c.path)
    assert not np.array_equal(a.grads, 2 * a.path[:-1])  # the recorded gradients include the noise


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"surface": "nope"}, "unknown surface 'nope'.*quadratic"),
        ({"optimizer": "sgdd"}, "unknown optimizer 'sgdd'.*adam"),
        ({"schedule": "warm"}, "unknown schedule 'warm'.*cosine"),
        ({"x0": [1.0, 2.0]}, r"x0 must have shape \(1,\)"),
        ({"x0": [[[1.0]]]}, "x0 must have shape"),
        ({"x0": [float("nan")]}, "finite"),
        ({"lr": 0.0}, "lr must be a positive"),
        ({"lr": -1}, "lr must be a positive"),
        ({"lr": float("inf")}, "lr must be a positive"),
        ({"lr": "fast"}, "lr must be"),
        ({"steps": -1}, "steps must be >= 0"),
        ({"steps": 100_001}, "steps must be >= 0 and <= 100,000"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"tol": -1e-3}, "tol must be"),
        ({"noise": float("nan")}, "noise must be"),
        ({"beta1": 0.9}, "has no hyperparameter 'beta1'"),
        ({"batch_size": 4}, "batch_size needs a loss built from data"),
    ],
)
def test_bad_input_raises_a_learner_readable_value_error(kwargs, message):
    args = {"surface": "quadratic", "optimizer": "adam", "x0": [5.0], "lr": 0.1, "steps": 10}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        run(args.pop("surface"), args.pop("optimizer"), **args)


def test_lr_and_starts_must_pair_up():
    with pytest.raises(ValueError, match="3 starts but 2 learning rates"):
        run("bowl", "gd", x0=np.zeros((3, 2)), lr=[0.1, 0.2])
    t = run("bowl", "gd", x0=np.ones((3, 2)), lr=[0.1, 0.2, 0.3], steps=5)
    assert t.lrs.shape == (5, 3)


def test_steps_zero_returns_the_start():
    t = run("rosenbrock", "adam", x0=[-1.5, 2.0], lr=0.1, steps=0)
    assert t.steps == 0 and t.path.shape == (1, 2) and t.grads.shape == (0, 2)


# ------------------------------------------------------------------ property: never raise, never NaN
surface_names = st.sampled_from(sorted(SURFACES))


@st.composite
def scenarios(draw):
    s = get_surface(draw(surface_names))
    span = np.ptp(s.bounds, axis=1)
    lo, hi = s.center - 5 * span, s.center + 5 * span  # ten times the view
    n = draw(st.integers(1, 3))
    x0 = np.array([[draw(st.floats(lo[i], hi[i])) for i in range(s.dim)] for _ in range(n)])
    return dict(
        surface=s,
        optimizer=draw(st.sampled_from(sorted(OPTIMIZERS))),
        x0=x0[0] if n == 1 else x0,
        lr=draw(st.floats(1e-6, 1e3)),
        steps=draw(st.integers(0, 60)),
        schedule=draw(st.sampled_from(sorted(SCHEDULES))),
        noise=draw(st.sampled_from([0.0, 0.0, 1.0])),
        seed=0,
        tol=draw(st.sampled_from([0.0, 1e-8, 1e-3])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_never_raises_never_nan_and_flags_match_the_path(kw):
    s, tol = kw["surface"], kw["tol"]
    t = run(kw.pop("surface"), kw.pop("optimizer"), **kw)
    assert np.isfinite(t.path).all() and np.isfinite(t.losses).all() and np.isfinite(t.grads).all()
    assert not (t.converged & t.diverged).any()
    paths = t.path.reshape(t.steps + 1, -1, s.dim)
    for i, (c, d) in enumerate(zip(np.atleast_1d(t.converged_at), np.atleast_1d(t.diverged_at), strict=True)):
        if c >= 0:
            g = s.grad(paths[c, i])
            assert (g == 0).all() if tol == 0 else np.linalg.norm(g) <= tol
            assert (paths[c:, i] == paths[c, i]).all()
        if d >= 0:
            assert d >= 1 and (paths[d - 1 :, i] == paths[d - 1, i]).all()
        np.testing.assert_allclose(
            np.atleast_2d(t.losses.reshape(t.steps + 1, -1))[:, i], s.value(paths[:, i]), rtol=1e-12
        )


def test_a_line_search_records_the_step_size_it_took():
    """Keep a step only if the loss drops: lr 1.5 on (w - 1)^2 + 2 from 5 would land at -7 and
    raise the loss, so the first step halves to 0.75 and lands at -1; the record says 0.75, and
    every step is w_k+1 = w_k - lr_k * g_k with the recorded rate (the step table's identity)."""
    t = run("quadratic", "linesearch", x0=[5.0], lr=1.5, steps=60, tol=1e-6)
    assert t.lrs[0] == 0.75 and t.path[1, 0] == -1.0
    k = t.steps
    np.testing.assert_array_equal(t.path[1 : k + 1], t.path[:k] - t.lrs[:k, None] * t.grads[:k])
    assert (t.lrs[:k] * 2 < 2).all()  # every kept rate is below gradient descent's limit 2 / lambda
