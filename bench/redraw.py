"""Where an lr change's time goes in the browser, and what plotly.js alone needs for the same figures.

    python bench/redraw.py [--changes 8]

The default page in Debian's Chromium; each change types a learning rate and presses Enter. For
each change it records, from the browser's own clocks:
- when the server's messages arrived (the first websocket frame and the largest, the main figure,
  from the DevTools protocol's network events) and how many bytes they were;
- when the main chart showed the new run;
- how many chart elements were replaced by new ones (a chart whose figure changed is a new element
  in Streamlit 1.67: its id hashes the figure) and how many times plotly.js drew a chart
  (`plotly_afterplot`).
Then the same four figures, taken from the page, in a plain page with plotly.js (the `plotly`
package's copy): `Plotly.react` of each figure with its runs renamed (what an update in place
would cost) and `Plotly.newPlot` (a new element), medians of 5.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import plotly
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

MAIN = """[...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout && d.layout.sliders && d.layout.sliders.length)"""
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WATCH = """() => {
  window.__draws = 0; window.__replaced = 0;
  const hook = () => document.querySelectorAll('.js-plotly-plot').forEach(g => {
    if (g.__benchHooked || typeof g.on !== 'function') return;
    g.__benchHooked = true; window.__replaced += 1;
    g.on('plotly_afterplot', () => { window.__draws += 1; });
  });
  hook(); new MutationObserver(hook).observe(document.body, {subtree: true, childList: true});
}"""
FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => ({data: g.data, layout: g.layout,
  frames: (g._transitionData && g._transitionData._frames || []).map(f => ({name: f.name, layout: f.layout, data: f.data})),
  w: g.clientWidth, h: g.clientHeight}))"""
PLAIN = """async figs => {
  const copy = f => JSON.parse(JSON.stringify(f));
  const out = {react: [], newPlot: []};
  for (const f0 of figs) {
    const div = document.createElement('div');
    div.style.width = f0.w + 'px'; div.style.height = f0.h + 'px';
    document.body.appendChild(div);
    const times = {react: [], newPlot: []};
    for (let r = 0; r < 5; r++) {
      let f = copy(f0);
      let t0 = performance.now();
      await Plotly.newPlot(div, {data: f.data, layout: f.layout, frames: f.frames, config: {displayModeBar: false}});
      times.newPlot.push(performance.now() - t0);
      f = copy(f0); f.data.forEach(t => { if (t.name) t.name += ' '; });
      t0 = performance.now();
      await Plotly.react(div, {data: f.data, layout: f.layout, frames: f.frames, config: {displayModeBar: false}});
      times.react.push(performance.now() - t0);
      Plotly.purge(div);
    }
    div.remove();
    for (const k of ['react', 'newPlot']) out[k].push(times[k].sort((a, b) => a - b)[2]);
  }
  return out;
}"""


def changes(page, cdp, n: int) -> list[dict]:
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Learning rate']")
    frames = []
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: frames.append((e["timestamp"], len(e["response"]["payloadData"]))),
    )
    sent = []
    cdp.on("Network.webSocketFrameSent", lambda e: sent.append(e["timestamp"]))
    page.evaluate(WATCH)
    out = []
    for i in range(n):
        lr = round(0.05 + 0.01 * i, 4)
        name = f"GD · lr {lr:.4g}"
        box.fill(str(lr))
        frames.clear()
        sent.clear()
        page.evaluate("() => { window.__draws = 0; window.__replaced = 0; }")
        t0 = page.evaluate("() => performance.now()")
        box.press("Enter")
        page.wait_for_function(
            f"() => {{ const g = {MAIN}; return g && g.data.some(t => t.name === {name!r}); }}", polling="raf"
        )
        shown = page.evaluate("() => performance.now()") - t0
        settle(page)
        got = page.evaluate("() => [window.__draws, window.__replaced]")
        base = sent[0] if sent else frames[0][0]
        out.append(
            dict(
                shown=shown,
                first=(frames[0][0] - base) * 1000,
                largest=(max(frames, key=lambda f: f[1])[0] - base) * 1000,
                messages=len(frames),
                bytes=sum(b for _, b in frames),
                draws=got[0],
                replaced=got[1],
            )
        )
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=8)
    args = ap.parse_args()
    port = free_port()
    proc = start_server(port)
    try:
        wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            settle(page)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            rows = changes(page, cdp, args.changes)
            figs = page.evaluate(FIGURES)
            plain = browser.new_page(viewport={"width": 1400, "height": 1000})
            plain.set_content("<html><body></body></html>")
            plain.add_script_tag(path=str(PLOTLY_JS))
            alone = plain.evaluate(PLAIN, figs)
    finally:
        stop_server(proc)

    def med(key):
        return statistics.median(r[key] for r in rows)

    print(
        f"lr change, medians of {len(rows)}: the server's first message arrived {med('first'):.0f} ms after Enter, "
        f"the largest (the main figure) at {med('largest'):.0f} ms ({med('messages'):.0f} messages, "
        f"{med('bytes') / 1000:.0f} kB in all); the main chart showed "
        f"the new run at {med('shown'):.0f} ms (target <= 300 ms)"
    )
    print(
        f"charts on the page: {len(figs)}; per change {med('replaced'):.0f} were new elements and plotly.js "
        f"drew {med('draws'):.0f} times"
    )
    print(
        f"the same {len(figs)} figures in a plain page with plotly.js, medians of 5 (ms each): "
        f"Plotly.react {[round(t) for t in alone['react']]} = {sum(alone['react']):.0f} ms, "
        f"Plotly.newPlot {[round(t) for t in alone['newPlot']]} = {sum(alone['newPlot']):.0f} ms"
    )


if __name__ == "__main__":
    main()
