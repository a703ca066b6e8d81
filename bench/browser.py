"""Browser benchmarks: the app in Debian's Chromium, as a person uses it.

    python bench/browser.py [--repeats 3] [--changes 20]

- cold start: from launching `streamlit run app.py` (Chromium already running) to the first
  chart visible, median of 3, against a one-chart Streamlit app (bench/one_chart.py) started the
  same way in turns (target <= 1.3x)
- interaction: from changing the learning rate in the sidebar to the updated chart drawn,
  median of 20 changes (target <= 300 ms)
- scrubbing: from a click on the scrubber's slider (view=scrub, 3 optimizers x 41 rates x 300
  steps) to the chart redrawn in the browser, against changing the learning rate in the sidebar
  on the same view (a server rerun), median of 20 each, in one run (target: slider >= 5x faster);
  and the scrub figure's bytes (target <= 1.5 MB); the same on the network (41 rates x 3,000
  steps): its first draw (target <= 3 s) and slider steps against lr changes (target >= 5x)
- animation: frames advanced per second of Fast Play, as shown (the slider's step read on every
  requestAnimationFrame), 3 optimizers x 133 frames on the contour view (300 steps; a map of 3 runs
  holds 133 frames, viz.animation.frames_for), against the same figure exported as plain HTML
  (python -m export) in the same browser (target >= 0.8x)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from fixtures.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    settle,
    start_server,
    stop_server,
    wait_healthy,
)
from viz.animation import frames_for

ROOT = Path(__file__).resolve().parents[1]
ONE_CHART = ROOT / "bench" / "one_chart.py"
MAIN = """[...document.querySelectorAll('.js-plotly-plot')]
          .find(d => d.layout && d.layout.sliders && d.layout.sliders.length)"""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def cold_start(browser, repeats: int, script: Path | None = None) -> list[float]:
    """One address for all repeats, as a teacher reopens the same app: the first load finds the
    browser's cache empty, the later ones find Streamlit's and Plotly's scripts in it. `script`:
    another Streamlit script started the same way (the one-chart reference)."""
    times = []
    port = free_port()
    for _ in range(repeats):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        t0 = time.perf_counter()
        proc = start_server(port) if script is None else start_script(port, script)
        try:
            url = f"http://127.0.0.1:{port}"
            while True:  # navigate as soon as the server accepts connections
                try:
                    page.goto(url, timeout=2000)
                    break
                except Exception:
                    if proc.poll() is not None or time.perf_counter() - t0 > 60:
                        raise
                    time.sleep(0.05)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            times.append(time.perf_counter() - t0)
        finally:
            page.close()
            stop_server(proc)
    return times


def start_script(port: int, script: Path):
    """`streamlit run script` with the app's own command line (deploy.serve.replica_command)."""
    import subprocess

    from deploy.serve import replica_command

    cmd = [str(script) if part.endswith("app.py") else part for part in replica_command(port)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def interaction(page, changes: int) -> list[float]:
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Learning rate']")
    times = []
    for i in range(changes):
        lr = round(0.05 + 0.01 * i, 4)
        name = f"GD · lr {lr:.4g}"
        box.fill(str(lr))
        t0 = page.evaluate("() => performance.now()")
        box.press("Enter")
        page.wait_for_function(
            f"() => {{ const g = {MAIN}; return g && g.data.some(t => t.name === {name!r}); }}", polling="raf"
        )
        times.append((page.evaluate("() => performance.now()") - t0) / 1000)
    return times


SCRUB = """[...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout && d.layout.meta && d.layout.meta.scrub)"""
ANIMATION_FRAMES = frames_for(3)
SCRUB_QUERY = "surface=rosenbrock&optimizers=gd,momentum,adam&lr=0.001&steps=300&tol=0&view=scrub"


NETWORK_QUERY = "surface=mlp"  # 3,000 steps of gradient descent: the network's page as it opens


def scrubbing(page, changes: int, query: str = SCRUB_QUERY, base_lr: float = 0.001) -> dict:
    """Slider steps (in the browser) against lr changes (a rerun) on the scrub view, alternating."""
    page.wait_for_function(f"() => !!({SCRUB})", timeout=180_000)
    settle(page)
    slider, lr_times = [], []
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Learning rate']")
    n = page.evaluate(f"() => ({SCRUB}).layout.sliders[0].steps.length")
    for i in range(changes):
        rail = page.locator(".slider-rail-rect").first.bounding_box()
        k = (7 + 13 * i) % n
        if k == page.evaluate(f"() => ({SCRUB}).layout.sliders[0].active"):
            k = (k + 1) % n
        inset = 8  # plotly.js draws the steps inside the rail's rounded ends
        x = rail["x"] + inset + (rail["width"] - 2 * inset) * k / (n - 1)
        t0 = page.evaluate("() => performance.now()")
        page.mouse.click(x, rail["y"] + rail["height"] / 2)
        page.wait_for_function(
            f"() => {{ const g = {SCRUB}; return g.layout.sliders[0].active === {k} && "
            f"g._fullData.filter(t => t.meta && t.meta.rate_path).every(t => t.customdata[0] === {k}); }}",
            polling="raf",
        )
        slider.append((page.evaluate("() => performance.now()") - t0) / 1000)
        lr = round(base_lr * (1 + 0.1 * (i + 1)), 6)
        box.fill(str(lr))
        t0 = page.evaluate("() => performance.now()")
        box.press("Enter")
        label = f"{lr:.4g}"
        page.wait_for_function(
            f"() => {{ const g = {SCRUB}; return g && g.layout.sliders[0].steps[20].label === {label!r}; }}",
            polling="raf",
            timeout=180_000,
        )
        lr_times.append((page.evaluate("() => performance.now()") - t0) / 1000)
    return dict(slider=slider, lr=lr_times, bytes=scrub_bytes(query))


def scrub_bytes(query: str) -> int:
    """The scrub figure's JSON as the server sends it, for the same link (a network's on the
    landscape's plane, as ui.compute draws it)."""
    import json
    from urllib.parse import parse_qsl

    from model import explore, landscape
    from model.experiment import simulate
    from model.state import decode, setup_from
    from model.text import texts

    state, _ = decode(dict(parse_qsl(query)))
    setup = setup_from(state)
    s = setup.spec.build()
    plane = landscape.plane_of(s, simulate(setup, s)) if s.dim > 2 else None
    spec = explore.scrub_spec(setup, s, texts("en"), plane=plane)
    return len(json.dumps(spec, separators=(",", ":")))


def network_scrubber(page, port: int, changes: int) -> dict:
    """The network's page (3,000 steps, warm), then a click on the lr scrubber view to its chart
    drawn (its 41 x 3,000 steps in chunks on the workers), then slider steps against lr changes."""
    page.goto(f"http://127.0.0.1:{port}/?{NETWORK_QUERY}", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=180_000)
    settle(page, timeout=180_000)
    t0 = page.evaluate("() => performance.now()")
    page.get_by_text("lr scrubber", exact=True).click()
    page.wait_for_function(f"() => !!({SCRUB})", timeout=180_000, polling="raf")
    first = (page.evaluate("() => performance.now()") - t0) / 1000
    sc = scrubbing(page, changes, f"{NETWORK_QUERY}&view=scrub", base_lr=0.065)
    return dict(first=first, **sc)


ANIMATION_QUERY = "surface=rosenbrock&optimizers=gd,momentum,adam&steps=299&lr=0.001"


def animation(page, seconds: float = 3.0) -> dict:
    """Frames advanced per second of Fast Play of the main chart, as a viewer sees them: the
    slider's step (the frame on screen) read on every requestAnimationFrame, from the first frame
    that moved to `seconds` later; with plotly_animatingframe events counted beside it."""
    page.wait_for_function(
        f"() => {{ const g = {MAIN}; return g && g._transitionData._frames.length === {ANIMATION_FRAMES}; }}",
        timeout=120_000,
    )
    return played(page, MAIN, seconds)


def played(page, graph: str, seconds: float) -> dict:
    page.evaluate(f"""() => {{
        const g = {graph};
        window.__events = 0; window.__seen = [];
        g.on('plotly_animatingframe', () => {{ window.__events++; }});
        const tick = () => {{
            window.__seen.push([performance.now(), g._fullLayout.sliders[0].active]);
            window.__rafId = requestAnimationFrame(tick);
        }};
        tick();
    }}""")
    page.locator(".updatemenu-button", has_text="Fast").first.click()
    page.wait_for_timeout(seconds * 1000 + 1500)
    seen = page.evaluate("() => { cancelAnimationFrame(window.__rafId); return window.__seen; }")
    events = page.evaluate("() => window.__events")
    start = next(i for i, (_, a) in enumerate(seen) if a != seen[0][1])  # the first frame that moved
    t0, a0 = seen[start - 1][0], seen[start - 1][1]
    end = [(t, a) for t, a in seen if t <= t0 + seconds * 1000][-1]
    frames = end[1] - a0
    return dict(
        fps=frames / ((end[0] - t0) / 1000), frames=frames, events=events, seconds=(end[0] - t0) / 1000
    )


def plain_html(browser, query: str, seconds: float = 3.0) -> dict:
    """The same animation exported as plain HTML (python -m export: plotly.js and the page's own
    script, no Streamlit), played the same way in the same browser."""
    import subprocess
    import tempfile

    out = Path(tempfile.mkdtemp()) / "animation.html"
    subprocess.run(
        [sys.executable, "-m", "export", "--link", query, "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(out.as_uri())
        graph = "[...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout && d.layout.sliders && d.layout.sliders.length)"
        page.wait_for_function(f"() => !!({graph})", timeout=60_000)
        return played(page, graph, seconds)
    finally:
        page.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--network-changes", type=int, default=5)
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        starts, reference = [], []
        for _ in range(args.repeats):  # in turns: the app, then the one-chart app
            starts += cold_start(browser, 1)
            reference += cold_start(browser, 1, ONE_CHART)
        med, ref = statistics.median(starts), statistics.median(reference)
        print(
            f"Cold start, server launch to first chart visible, median of {len(starts)}: {med:.2f} s against "
            f"{ref:.2f} s for a one-chart Streamlit app in the same run: {med / ref:.2f}x (target <= 1.3x) "
            f"{verdict(med <= 1.3 * ref)}; each: {', '.join(f'{t:.2f}' for t in starts)} / "
            f"{', '.join(f'{t:.2f}' for t in reference)}"
        )

        port = free_port()
        proc = start_server(port)
        try:
            wait_healthy(port, proc)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}", timeout=60_000)
            settle(page)
            times = interaction(page, args.changes)
            med = statistics.median(times) * 1000
            print(
                f"Interaction, lr changed to chart redrawn, median of {len(times)}: {med:.0f} ms "
                f"(target <= 300 ms) {verdict(med <= 300)}; min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}"
            )
            page.goto(f"http://127.0.0.1:{port}/?{SCRUB_QUERY}", timeout=60_000)
            sc = scrubbing(page, args.changes)
            s_med, l_med = statistics.median(sc["slider"]) * 1000, statistics.median(sc["lr"]) * 1000
            print(
                f"Scrubbing, 3 optimizers x 41 rates x 300 steps: slider step to chart redrawn {s_med:.0f} ms, "
                f"lr widget to chart redrawn {l_med:.0f} ms (medians of {len(sc['slider'])}, one run): "
                f"{l_med / s_med:.1f}x (target >= 5x) {verdict(l_med >= 5 * s_med)}; "
                f"figure {sc['bytes'] / 1e6:.2f} MB (target <= 1.5 MB) {verdict(sc['bytes'] <= 1.5e6)}"
            )
            nw = network_scrubber(page, port, args.network_changes)
            s_med, l_med = statistics.median(nw["slider"]) * 1000, statistics.median(nw["lr"]) * 1000
            print(
                f"Network lr scrubber, 41 rates x 3,000 steps: first draw (view switched to chart drawn) "
                f"{nw['first']:.2f} s (target <= 3 s) {verdict(nw['first'] <= 3)}; slider step {s_med:.0f} ms "
                f"against an lr change {l_med:.0f} ms (medians of {len(nw['slider'])}): {l_med / s_med:.1f}x "
                f"(target >= 5x) {verdict(l_med >= 5 * s_med)}; figure {nw['bytes'] / 1e6:.2f} MB"
            )
            page.goto(f"http://127.0.0.1:{port}/?{ANIMATION_QUERY}", timeout=60_000)
            settle(page)
            a = animation(page)
            h = plain_html(browser, ANIMATION_QUERY)
            print(
                f"Animation, 3 optimizers x {ANIMATION_FRAMES} frames on the contour view (Fast), frames advanced "
                f"per second as shown (the slider's step): {a['fps']:.1f} in the app against {h['fps']:.1f} for the "
                f"same figure exported as plain HTML: {a['fps'] / h['fps']:.2f}x (target >= 0.8x) "
                f"{verdict(a['fps'] >= 0.8 * h['fps'])}; {a['frames']} / {h['frames']} frames in "
                f"{a['seconds']:.1f} / {h['seconds']:.1f} s (plotly_animatingframe events {a['events']} / {h['events']})"
            )
        finally:
            stop_server(proc)
        browser.close()


if __name__ == "__main__":
    main()
