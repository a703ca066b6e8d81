"""Every optimizer against an independent reference: hand-computed first steps, and torch.optim."""

import numpy as np
import pytest

from optimizers import OPTIMIZERS, hyperparameters, make_optimizer, run
from surfaces import get_surface

ROSEN = get_surface("rosenbrock")
X0 = np.array([-1.5, 2.0])


def two_steps(name, lr, **hyper):
    t = run(ROSEN, name, x0=X0, lr=lr, steps=2, tol=0, **hyper)
    return t.path


def grads_along(x0, x1):
    return ROSEN.grad(x0), ROSEN.grad(x1)


def test_registry_names_and_torch_defaults():
    assert set(OPTIMIZERS) >= {
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "newton",
        "linesearch",
    }
    assert hyperparameters(OPTIMIZERS["momentum"])["momentum"] == 0.9
    assert hyperparameters(OPTIMIZERS["nesterov"])["momentum"] == 0.9
    assert hyperparameters(OPTIMIZERS["gd"])["momentum"] == 0.0
    assert hyperparameters(OPTIMIZERS["adam"])["betas"] == (0.9, 0.999)
    assert hyperparameters(OPTIMIZERS["adam"])["eps"] == 1e-8
    assert hyperparameters(OPTIMIZERS["rmsprop"])["alpha"] == 0.99
    assert hyperparameters(OPTIMIZERS["adagrad"])["eps"] == 1e-10
    for name in OPTIMIZERS:
        assert "clip_norm" in hyperparameters(OPTIMIZERS[name])


def test_gd_first_two_steps():
    lr = 1e-3
    p = two_steps("gd", lr)
    g0 = ROSEN.grad(X0)
    x1 = X0 - lr * g0
    x2 = x1 - lr * ROSEN.grad(x1)
    np.testing.assert_allclose(p[1:], [x1, x2], rtol=1e-14)


def test_momentum_and_dampening_first_two_steps():
    lr, mu, d = 1e-3, 0.8, 0.25
    p = two_steps("momentum", lr, momentum=mu, dampening=d)
    g0 = ROSEN.grad(X0)
    x1 = X0 - lr * g0  # the first buffer is g itself (torch), dampening not applied
    g1 = ROSEN.grad(x1)
    x2 = x1 - lr * (mu * g0 + (1 - d) * g1)
    np.testing.assert_allclose(p[1:], [x1, x2], rtol=1e-14)


def test_nesterov_first_two_steps():
    lr, mu = 1e-3, 0.9
    p = two_steps("nesterov", lr)
    g0 = ROSEN.grad(X0)
    x1 = X0 - lr * (g0 + mu * g0)
    g1 = ROSEN.grad(x1)
    x2 = x1 - lr * (g1 + mu * (mu * g0 + g1))
    np.testing.assert_allclose(p[1:], [x1, x2], rtol=1e-14)


def test_adagrad_first_two_steps():
    lr, decay, s0, eps = 0.1, 0.5, 0.2, 1e-10
    p = two_steps("adagrad", lr, lr_decay=decay, initial_accumulator_value=s0)
    g0 = ROSEN.grad(X0)
    S1 = s0 + g0**2
    x1 = X0 - lr * g0 / (np.sqrt(S1) + eps)
    g1 = ROSEN.grad(x1)
    x2 = x1 - lr / (1 + decay) * g1 / (np.sqrt(S1 + g1**2) + eps)
    np.testing.assert_allclose(p[1:], [x1, x2], rtol=1e-14)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_first_two_steps(centered):
    lr, a, eps, mu = 0.01, 0.9, 1e-8, 0.5
    p = two_steps("rmsprop", lr, alpha=a, momentum=mu, centered=centered)
    g0 = ROSEN.grad(X0)
    v1, m1 = (1 - a) * g0**2, (1 - a) * g0
    d1 = np.sqrt(v1 - m1**2 if centered else v1) + eps
    b1 = g0 / d1
    x1 = X0 - lr * b1
    g1 = ROSEN.grad(x1)
    v2, m2 = a * v1 + (1 - a) * g1**2, a * m1 + (1 - a) * g1
    d2 = np.sqrt(v2 - m2**2 if centered else v2) + eps
    x2 = x1 - lr * (mu * b1 + g1 / d2)
    np.testing.assert_allclose(p[1:], [x1, x2], rtol=1e-12)


def test_adam_first_step_is_lr_times_sign_and_second_from_the_formula():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    p = two_steps("adam", lr)
    g0 = ROSEN.grad(X0)
    # t = 1: m^ = g, v^ = g^2, so the step is lr * g / (|g| + eps): lr times the sign of g
    np.testing.assert_allclose(p[1], X0 - lr * g0 / (np.abs(g0) + eps), rtol=1e-14)
    g1 = ROSEN.grad(p[1])
    m = b1 * (1 - b1) * g0 + (1 - b1) * g1
    v = b2 * (1 - b2) * g0**2 + (1 - b2) * g1**2
    x2 = p[1] - lr * (m / (1 - b1**2)) / (np.sqrt(v / (1 - b2**2)) + eps)
    np.testing.assert_allclose(p[2], x2, rtol=1e-12)


def test_amsgrad_uses_the_running_maximum():
    lr, b1, b2 = 0.1, 0.9, 0.5
    p = two_steps("adam", lr, betas=(b1, b2), amsgrad=True)
    g0, g1 = ROSEN.grad(X0), ROSEN.grad(p[1])
    v1 = (1 - b2) * g0**2
    v2 = b2 * v1 + (1 - b2) * g1**2
    vmax = np.maximum(v1, v2)
    m = b1 * (1 - b1) * g0 + (1 - b1) * g1
    x2 = p[1] - (lr / (1 - b1**2)) * m / (np.sqrt(vmax) / np.sqrt(1 - b2**2) + 1e-8)
    np.testing.assert_allclose(p[2], x2, rtol=1e-12)


def test_weight_decay_and_clipping_enter_the_gradient():
    lr, wd, c = 1e-3, 0.1, 5.0
    p = two_steps("gd", lr, weight_decay=wd, clip_norm=c)
    g0 = ROSEN.grad(X0)
    g0 = g0 * min(1.0, c / (np.linalg.norm(g0) + 1e-6)) + wd * X0
    np.testing.assert_allclose(p[1], X0 - lr * g0, rtol=1e-14)
    t = run(ROSEN, "gd", x0=X0, lr=lr, steps=1, clip_norm=c)
    assert np.linalg.norm(t.grads[0]) == pytest.approx(c, rel=1e-6)  # the recorded, clipped gradient


def test_newton_jumps_to_the_minimum_of_a_quadratic():
    for name, x0 in [("quadratic", [5.0]), ("ravine", [-9.0, 2.0]), ("bowl", [2.5, 2.0])]:
        t = run(name, "newton", x0=x0, lr=1.0, steps=5)
        assert t.converged_at == 1
        np.testing.assert_allclose(t.path[1], get_surface(name).minima[0], atol=1e-14)


def test_newton_first_step_and_saddle_free_direction():
    lr = 0.5
    p = two_steps("newton", lr)
    H, g = ROSEN.hessian(X0), ROSEN.grad(X0)
    lam, V = np.linalg.eigh(H)
    assert (lam > 0).all()  # positive definite here: the plain Newton step
    np.testing.assert_allclose(p[1], X0 - lr * np.linalg.solve(H, g), rtol=1e-12)
    # at a point where the Hessian is indefinite the step uses |eigenvalues| and still descends
    s = get_surface("saddle")
    x = np.array([0.5, 0.1])
    t = run(s, "newton", x0=x, lr=0.1, steps=1)
    H = s.hessian(x)
    lam, V = np.linalg.eigh(H)
    assert lam.min() < 0
    step = V @ ((V.T @ s.grad(x)) / np.abs(lam))
    np.testing.assert_allclose(t.path[1], x - 0.1 * step, rtol=1e-12)
    assert s.value(t.path[1]) < s.value(x)


def test_linesearch_backtracks_to_an_armijo_step():
    lr = 1.0  # far too large for rosenbrock: must be halved many times
    t = run(ROSEN, "linesearch", x0=X0, lr=lr, steps=1)
    g = ROSEN.grad(X0)
    s = lr
    while not ROSEN.value(X0 - s * g) <= ROSEN.value(X0) - 1e-4 * s * g @ g:
        s /= 2
    np.testing.assert_allclose(t.path[1], X0 - s * g, rtol=1e-14)
    t = run(ROSEN, "linesearch", x0=X0, lr=lr, steps=200)
    assert (np.diff(t.losses) <= 0).all()  # a monotone descent, whatever the lr


def test_unknown_hyperparameters_and_bad_values_are_explained():
    with pytest.raises(ValueError, match="adam has no hyperparameter 'beta1'.*betas"):
        make_optimizer("adam", beta1=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'sgdd'.*gd, momentum"):
        make_optimizer("sgdd")
    with pytest.raises(ValueError, match="momentum"):
        make_optimizer("momentum", momentum=1.5)
    with pytest.raises(ValueError, match="Nesterov"):
        make_optimizer("gd", nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        make_optimizer("adam", betas=0.9)


# ------------------------------------------------------------------ torch.optim, where installed
CASES = [
    ("gd", 1e-3, {}),
    ("gd", 1e-3, {"weight_decay": 0.1}),
    ("momentum", 1e-3, {"momentum": 0.8, "dampening": 0.1}),
    ("nesterov", 2e-4, {"momentum": 0.7, "weight_decay": 0.01}),
    ("adagrad", 0.1, {"lr_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-8, "weight_decay": 0.05}),
    ("rmsprop", 1e-2, {"alpha": 0.95}),
    ("rmsprop", 1e-3, {"alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", 1e-2, {}),
    ("adam", 5e-2, {"betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True, "weight_decay": 0.01}),
    ("adam", 5e-2, {"clip_norm": 5.0}),
]
STARTS = {
    "rosenbrock": [[-1.5, 2.0], [0.5, -0.5], [1.8, 2.9]],
    "himmelblau": [[0.0, 0.0], [-4.0, 4.5], [1.0, -3.0]],
}


def torch_path(torch, name, fun, x0, lr, steps, hyper):
    hyper = dict(hyper)
    clip = hyper.pop("clip_norm", None)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    if name in ("gd", "momentum", "nesterov"):
        mu = hyper.pop("momentum", 0.0 if name == "gd" else 0.9)
        opt = torch.optim.SGD([p], lr=lr, momentum=mu, nesterov=name == "nesterov", **hyper)
    else:
        opt = {"adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[
            name
        ]([p], lr=lr, **hyper)
    path = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        fun(p[0], p[1]).backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([p], clip)
        opt.step()
        path.append(p.detach().clone().numpy())
    return np.array(path)


TORCH_FUNS = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
}


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau"])
@pytest.mark.parametrize(("name", "lr", "hyper"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_torch_optim_for_50_steps(surface, name, lr, hyper):
    torch = pytest.importorskip("torch")
    starts = np.array(STARTS[surface])
    ours = run(surface, name, x0=starts, lr=lr, steps=50, tol=0, **hyper)
    assert not ours.diverged.any()
    for i, x0 in enumerate(starts):
        ref = torch_path(torch, name, TORCH_FUNS[surface], x0, lr, 50, hyper)
        np.testing.assert_allclose(ours.path[:, i], ref, rtol=1e-9, atol=1e-12)
        single = run(surface, name, x0=x0, lr=lr, steps=50, tol=0, **hyper)
        np.testing.assert_allclose(single.path, ref, rtol=1e-9, atol=1e-12)
