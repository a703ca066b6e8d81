"""Schedules against their closed forms and, where installed, torch.optim.lr_scheduler."""

import math

import numpy as np
import pytest

from optimizers import SCHEDULES, make_schedule, run


def lrs(schedule, lr0=0.5, losses=None, steps=60):
    init, update = schedule
    state = init(lr0, ())
    out = []
    for t in range(steps):
        lr, state = update(t, None if losses is None else losses[t], state)
        out.append(float(lr))
    return out


def test_names():
    assert set(SCHEDULES) == {"constant", "step", "exponential", "cosine", "inverse_time", "plateau"}
    with pytest.raises(ValueError, match="unknown schedule 'warm'.*constant"):
        make_schedule("warm")
    with pytest.raises(ValueError, match="step has no hyperparameter 'size'"):
        make_schedule("step", size=3)


def test_closed_forms():
    assert lrs(SCHEDULES["constant"]()) == [0.5] * 60
    assert lrs(SCHEDULES["step"](step_size=10, gamma=0.5))[:21] == [0.5] * 10 + [0.25] * 10 + [0.125]
    assert lrs(SCHEDULES["exponential"](gamma=0.9))[3] == 0.5 * 0.9**3
    c = lrs(SCHEDULES["cosine"](T_max=40, eta_min=0.1))
    assert c[0] == 0.5 and c[20] == pytest.approx(0.3) and c[40] == pytest.approx(0.1)
    assert lrs(SCHEDULES["inverse_time"](decay=0.5))[4] == 0.5 / 3


def test_plateau_lowers_the_rate_when_the_loss_stops_falling():
    losses = [10.0 - t for t in range(10)] + [1.0] * 50  # falls, then stalls
    out = lrs(SCHEDULES["plateau"](factor=0.5, patience=3), losses=losses)
    # the best loss 1.0 comes at t = 9; t = 10..13 bring no improvement: 4 > patience
    assert out[:13] == [0.5] * 13
    assert out[13:17] == [0.25] * 4
    assert out[17] == 0.125


def test_run_uses_the_schedule_and_records_it():
    t = run(
        "quadratic",
        "gd",
        x0=[5.0],
        lr=0.4,
        steps=30,
        tol=0,
        schedule=SCHEDULES["step"](step_size=5, gamma=0.5),
    )
    assert t.lrs[:10].tolist() == [0.4] * 5 + [0.2] * 5
    t2 = run("quadratic", "gd", x0=[5.0], lr=0.4, steps=30, schedule="cosine")
    assert t2.lrs[1] == pytest.approx(0.2 * (1 + math.cos(math.pi / 100)))


def test_a_schedule_rescues_a_too_large_rate():
    plain = run("quadratic", "gd", x0=[5.0], lr=1.05, steps=200)
    decayed = run(
        "quadratic", "gd", x0=[5.0], lr=1.05, steps=200, schedule=SCHEDULES["exponential"](gamma=0.95)
    )
    assert abs(plain.path[-1, 0] - 1) > abs(plain.path[0, 0] - 1)  # |1 - 2 lr| > 1: grows
    assert decayed.converged


TORCH = {
    "step": ("StepLR", {"step_size": 7, "gamma": 0.3}),
    "exponential": ("ExponentialLR", {"gamma": 0.93}),
    "cosine": ("CosineAnnealingLR", {"T_max": 25, "eta_min": 0.01}),
}


@pytest.mark.parametrize("name", sorted(TORCH))
def test_matches_torch_schedulers(name):
    torch = pytest.importorskip("torch")
    cls, params = TORCH[name]
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5)
    sched = getattr(torch.optim.lr_scheduler, cls)(opt, **params)
    ref = []
    for _ in range(60):
        ref.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(lrs(SCHEDULES[name](**params)), ref, rtol=1e-12)


def test_plateau_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    losses = np.abs(np.cumsum(rng.normal(-0.02, 0.1, 80))) + 1.0
    params = {"factor": 0.3, "patience": 4, "threshold": 1e-3, "cooldown": 2, "min_lr": 1e-3}
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **params)
    ref = [0.5]
    for loss in losses[1:80]:  # torch is stepped with the loss after each step
        sched.step(float(loss))
        ref.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(lrs(SCHEDULES["plateau"](**params), losses=losses, steps=80), ref, rtol=1e-12)
