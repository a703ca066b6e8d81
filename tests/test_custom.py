"""Your own function: valid formulas become exact surfaces; hostile text is refused, fast, with no effect."""

import builtins
import contextlib
import multiprocessing as mp
import os
import queue
import string
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.formulas import HOSTILE, VALID
from model.text import texts
from optimizers import run
from surfaces import custom_surface
from surfaces.errors import InputError
from surfaces.formula import MAX_LENGTH

CANARY = Path("/tmp/descent-canary")


def reject(text):
    """custom_surface(text) must raise an InputError; returns its English message."""
    with pytest.raises(InputError) as err:
        custom_surface(text)
    return texts("en").error(err.value)


def _probe(inbox, answers):
    for text in iter(inbox.get, None):
        try:
            custom_surface(text)
            answers.put("accepted")
        except InputError as err:
            answers.put(texts("en").error(err))
        except BaseException as err:  # anything but a refusal escapes the validation layer
            answers.put(f"RAISED {type(err).__name__}")


@pytest.fixture(scope="module")
def probe():
    """A process that analyses one text at a time (spawned: never fork a process whose threads may
    hold locks), and is killed at the end or when an answer does not come."""
    ctx = mp.get_context("spawn")
    inbox, answers = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=_probe, args=(inbox, answers), daemon=True)
    proc.start()

    def ask(text):
        inbox.put(text)
        for _ in range(60):  # a hang, not a slow machine, fails here
            with contextlib.suppress(queue.Empty):
                return answers.get(timeout=1)
            assert proc.is_alive(), "the probe died"
        pytest.fail(f"{text!r} was still being analysed after 60 s")

    yield ask
    proc.kill()
    proc.join()


def test_the_corpus_is_large():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_is_refused_in_a_probe_we_can_kill(probe, text):
    """Refused with a message, never accepted and never hung (how fast: bench/custom.py)."""
    message = probe(text)
    assert message != "accepted" and not message.startswith("RAISED"), message
    assert len(message) > 10


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
        assert reject(text)
    assert not CANARY.exists()
    assert [getattr(m, a) for m, a in watched] == before


def test_messages_say_what_is_wrong():
    assert "column 5" in reject("x + [1]") and "'['" in reject("x + [1]")
    assert "Allowed: w, x, y, weight, theta, w1, w2, pi, e, sin" in reject("z + 1")
    assert "for a function of one variable" in reject("x + y + w")
    assert "Type a formula" in reject("")
    assert "constant" in reject("2 + 3")
    assert f"within {MAX_LENGTH}" in reject("x + " * 60 + "x")
    assert "nested more than 16" in reject("(" * 60 + "x" + ")" * 60)
    assert "towers" in reject("9**9**9")
    assert "not finite anywhere" in reject("log(-x^2 - 1)")


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
    from surfaces.sympy_pool import _rebuild

    with pytest.raises(ValueError):
        _rebuild(["fn", "__import__", ["sym", "x"]])
    with pytest.raises(ValueError):
        _rebuild(["sym", "os"])


def test_a_late_answer_kills_the_worker_and_the_next_one_starts_fresh():
    from surfaces.sympy_pool import _POOL, symbolic

    with pytest.raises(ValueError, match="took longer than"):
        symbolic("x**2 + sin(x)**3", ("x",), time_limit=1e-6)
    assert any(w.proc is None for w in _POOL.workers)  # the late one was killed
    expr, grad, hess, latex = symbolic("x**2", ("x",))
    assert (str(expr), str(grad[0]), str(hess[0]), latex) == ("x**2", "2*x", "2", "x^{2}")


def test_a_slow_formula_does_not_hold_up_the_others():
    """One formula keeps a worker busy (until its answer or its kill); four others are answered
    meanwhile by the rest of the pool, all before the slow one ends (how fast: bench/custom.py)."""
    import random
    import threading

    from surfaces.sympy_pool import WORKERS, symbolic, warm

    assert WORKERS >= 2
    warm()  # every worker running (as a server starts them), none killed by an earlier test
    ended, busy = [], threading.Event()

    def slow():  # 39 nested sines: seconds of sympy
        busy.set()
        with contextlib.suppress(ValueError):
            symbolic("sin(" * 39 + f"x*y+{random.randint(100, 999)}" + ")" * 39, ("x", "y"), time_limit=5.0)
        ended.append("slow")

    thread = threading.Thread(target=slow, daemon=True)
    thread.start()
    busy.wait()
    for i in range(4):
        _expr, grad, _hess, _latex = symbolic(f"x**{i + 3} + y", ("x", "y"))
        assert str(grad[0]) == f"{i + 3}*x**{i + 2}"
    ended.append("quick")
    thread.join()
    assert ended == ["quick", "slow"]


def test_a_remembered_refusal_is_raised_afresh_each_time():
    """A refused formula is remembered (not analysed again), as data: raising the same exception
    object again would grow its traceback by two frames on every rerun."""
    import traceback

    from model.spec import DataSpec

    spec = DataSpec("custom", formula="log(-x^2 - 1)", bounds=((-3.0, 3.0),))
    depths, errors = [], []
    for _ in range(3):
        with pytest.raises(InputError) as err:
            spec.build()
        depths.append(len(traceback.extract_tb(err.value.__traceback__)))
        errors.append(err.value)
    assert depths[0] == depths[1] == depths[2]
    assert errors[0] is not errors[1] and errors[0].key == errors[1].key == "formula.not_finite"
