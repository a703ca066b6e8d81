"""Custom formulas: how fast hostile text is refused, and valid text becomes a surface.

    python bench/custom.py

Targets: every hostile string refused in under 1 s (each is checked in this process; the test
suite also runs each in a probe process it kills after 5 s).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.formulas import HOSTILE, VALID  # noqa: E402
from surfaces import custom_surface  # noqa: E402


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


if __name__ == "__main__":
    main()
