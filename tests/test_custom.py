"""Your own function: valid formulas become exact surfaces; hostile text is refused, fast, with no effect."""

import builtins
import multiprocessing as mp
import os
import string
import time
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.formulas import HOSTILE, VALID
from optimizers import run
from surfaces import custom_surface
from surfaces.custom import MAX_LENGTH

CANARY = Path("/tmp/descent-canary")


def reject(text):
    """custom_surface(text) must raise ValueError; returns (message, seconds)."""
    t0 = time.perf_counter()
    with pytest.raises(ValueError) as err:
        custom_surface(text)
    return str(err.value), time.perf_counter() - t0


def _probe(text, queue):
    try:
        custom_surface(text)
        queue.put(("accepted", 0.0))
    except ValueError as err:
        queue.put((str(err), 0.0))
    except BaseException as err:  # anything but ValueError escapes the validation layer
        queue.put((f"RAISED {type(err).__name__}", 0.0))


def test_the_corpus_is_large():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_is_refused_quickly_in_a_probe_we_can_kill(text):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    probe = ctx.Process(target=_probe, args=(text, queue))
    t0 = time.perf_counter()
    probe.start()
    probe.join(5)
    if probe.is_alive():
        probe.kill()
        pytest.fail(f"{text!r} was still being analysed after 5 s")
    message, _ = queue.get(timeout=1)
    elapsed = time.perf_counter() - t0
    assert message != "accepted" and not message.startswith("RAISED"), message
    assert len(message) > 10
    assert elapsed < 1.0, f"{elapsed:.2f} s to refuse {text!r}"


def test_no_side_effects_in_this_process():
    watched = [
        (os, "system"),
        (builtins, "open"),
        (builtins, "eval"),
        (sympy, "Symbol"),
        (sympy, "sympify"),
        (np, "sin"),
    ]
    before = [getattr(m, a) for m, a in watched]
    CANARY.unlink(missing_ok=True)
    for text in HOSTILE:
        message, seconds = reject(text)
        assert message and seconds < 1.0, (text, seconds)
    assert not CANARY.exists()
    assert [getattr(m, a) for m, a in watched] == before


def test_messages_say_what_is_wrong():
    assert "column 5" in reject("x + [1]")[0] and "'['" in reject("x + [1]")[0]
    assert "Allowed: w, x, y, weight, theta, w1, w2, pi, e, sin" in reject("z + 1")[0]
    assert "for a function of one variable" in reject("x + y + w")[0]
    assert "Type a formula" in reject("")[0]
    assert "constant" in reject("2 + 3")[0]
    assert f"within {MAX_LENGTH}" in reject("x + " * 60 + "x")[0]
    assert "nested more than 16" in reject("(" * 60 + "x" + ")" * 60)[0]
    assert "towers" in reject("9**9**9")[0]
    assert "not finite anywhere" in reject("log(-x^2 - 1)")[0]


@pytest.mark.parametrize("text", VALID)
def test_valid_formulas_have_gradients_and_hessians_matching_finite_differences(text):
    s = custom_surface(text)
    rng = np.random.default_rng(0)
    P = rng.uniform(s.bounds[:, 0] * 0.9, s.bounds[:, 1] * 0.9, size=(40, s.dim))
    h = 1e-6
    fd_g = np.stack([(s.value(P + h * e) - s.value(P - h * e)) / (2 * h) for e in np.eye(s.dim)], axis=-1)
    np.testing.assert_allclose(s.grad(P), fd_g, rtol=1e-5, atol=1e-5)
    fd_h = np.stack([(s.grad(P + h * e) - s.grad(P - h * e)) / (2 * h) for e in np.eye(s.dim)], axis=-1)
    np.testing.assert_allclose(s.hessian(P), fd_h, rtol=1e-4, atol=1e-4)
    for m in s.minima:  # marked minima: zero gradient, positive-definite Hessian
        assert np.linalg.norm(s.grad(m)) < 1e-8 and (np.linalg.eigvalsh(s.hessian(m)) > 0).all()


def test_a_custom_surface_runs_with_every_optimizer_and_implicit_products():
    s = custom_surface("2(x-1)^2 + 3(y+1)^2 + xy", bounds=((-4, 4), (-4, 4)))
    assert s.dim == 2 and s.latex.startswith("L(x, y) =")
    assert float(s.value([1.0, 2.0])) == 2 * 0 + 3 * 9 + 2
    for name in ("gd", "momentum", "adam", "newton", "linesearch"):
        t = run(s, name, lr=0.05 if name != "newton" else 1.0, steps=2000)
        assert t.converged, name
        np.testing.assert_allclose(t.path[t.steps], s.minima[0], atol=1e-6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=string.printable + "xyw^²√·×", max_size=40)
    | st.text(alphabet="xyw0123456789+-*/^(). sincoexplgqrtabh", max_size=30)
)
def test_random_strings_never_raise_past_validation(text):
    try:
        s = custom_surface(text)
    except ValueError as err:
        assert str(err)
    else:
        assert s.dim in (1, 2)


def test_the_worker_answers_with_whitelisted_trees_only():
    from surfaces.custom import _rebuild

    with pytest.raises(ValueError):
        _rebuild(["fn", "__import__", ["sym", "x"]])
    with pytest.raises(ValueError):
        _rebuild(["sym", "os"])


def test_a_late_answer_kills_the_worker_and_the_next_one_starts_fresh():
    from surfaces.custom import _POOL, symbolic

    with pytest.raises(ValueError, match="took longer than"):
        symbolic("x**2 + sin(x)**3", ("x",), time_limit=1e-6)
    assert any(w.proc is None for w in _POOL.workers)  # the late one was killed
    expr, grad, hess, latex = symbolic("x**2", ("x",))
    assert (str(expr), str(grad[0]), str(hess[0]), latex) == ("x**2", "2*x", "2", "x^{2}")


def test_a_slow_formula_does_not_hold_up_the_others():
    """One formula keeps a worker busy until its kill; others are answered meanwhile by the rest of
    the pool, each within a fraction of that time."""
    import random
    import threading
    import time

    from surfaces.custom import WORKERS, symbolic, warm  # the slow formula: 39 nested sines, >1.3 s of sympy

    assert WORKERS >= 2
    warm()  # every worker running (as a server starts them), none killed by an earlier test
    outcome = []

    def slow():
        try:
            symbolic("sin(" * 39 + f"x*y+{random.randint(100, 999)}" + ")" * 39, ("x", "y"), time_limit=0.6)
            outcome.append("answered")
        except ValueError as err:
            outcome.append(str(err))

    thread = threading.Thread(target=slow, daemon=True)
    thread.start()
    time.sleep(0.1)
    t0 = time.monotonic()
    for i in range(4):
        symbolic(f"x**{i + 2} + y", ("x", "y"))
    quick = time.monotonic() - t0
    thread.join()
    assert "took longer than 0.6 s" in outcome[0]  # the slow one held its worker until the kill
    assert quick < 0.45, quick  # while four others were answered, before that kill
