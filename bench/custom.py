"""Custom formulas: how fast hostile text is refused, and valid text becomes a surface.

    python bench/custom.py

Targets: every hostile string refused in under 1 s (each is checked in this process; the test
suite also runs each in a probe process, and fails one that hangs); while one formula holds a sympy
worker for seconds, four others answered within 0.45 s in all.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.formulas import HOSTILE, VALID  # noqa: E402
from surfaces import custom_surface  # noqa: E402
from surfaces.sympy_pool import symbolic, warm  # noqa: E402


def timed(text):
    t0 = time.perf_counter()
    try:
        custom_surface(text)
        ok = True
    except ValueError:
        ok = False
    return ok, time.perf_counter() - t0


def main():
    refusals = []
    for text in HOSTILE:
        ok, dt = timed(text)
        assert not ok, text
        refusals.append((dt, text))
    worst = max(refusals)
    print(
        f"Refusing {len(HOSTILE)} hostile strings: median {statistics.median(d for d, _ in refusals) * 1e3:.2f} ms, "
        f"worst {worst[0] * 1e3:.1f} ms ({worst[1][:30]!r}) (target < 1 s each) {'PASS' if worst[0] < 1 else 'MISS'}"
    )
    ok, first = timed(VALID[0])
    warm = [timed(text)[1] for text in VALID]
    print(
        f"Accepting a valid formula: first {first:.2f} s (starts the sympy worker), then median "
        f"{statistics.median(warm) * 1e3:.0f} ms, worst {max(warm) * 1e3:.0f} ms over {len(VALID)} formulas"
    )

    print(f"Four formulas while a slow one holds a worker: {slow_and_quick():.2f} s (target < 0.45 s)")


def slow_and_quick() -> float:
    """Seconds to answer four formulas while 39 nested sines keep one sympy worker busy."""
    import threading

    warm()
    busy = threading.Event()

    def slow():
        busy.set()
        with contextlib.suppress(ValueError):
            symbolic("sin(" * 39 + "x*y+17" + ")" * 39, ("x", "y"), time_limit=0.6)

    thread = threading.Thread(target=slow, daemon=True)
    thread.start()
    busy.wait()
    time.sleep(0.1)  # the slow one has reached its worker
    t0 = time.perf_counter()
    for i in range(4):
        symbolic(f"x**{i + 7} + y", ("x", "y"))
    quick = time.perf_counter() - t0
    thread.join()
    return quick


if __name__ == "__main__":
    main()
