"""The views that answer in the browser: the lr scrubber swaps paths with no script rerun, a click
on a path makes its rate the main lr, and a click on a basin cell sets the start."""

from __future__ import annotations

import pytest

from model.explore import SCRUB_RATES
from optimizers.sweep import scrub_rates

from .conftest import box, painted, settle

pytestmark = pytest.mark.e2e

SCRUB = "[...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout && d.layout.meta && d.layout.meta.scrub)"
PATHS = "g._fullData.filter(t => t.meta && t.meta.rate_path)"
QUERY = "surface=rosenbrock&optimizers=gd,momentum,adam&lr=0.001&steps=300&view=scrub&lang=en"


@pytest.fixture
def scrub_page(browser, app_url):
    """The scrub view, with every websocket message the page sends counted (a rerun is one)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    pg = context.new_page()
    pg.sent = []
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: pg.sent.append(payload)))
    pg.goto(f"{app_url}/?{QUERY}")
    settle(pg)
    pg.wait_for_function(f"() => {{ const g = {SCRUB}; return g && g._fullLayout; }}", timeout=60_000)
    painted(pg, 5)
    yield pg
    context.close()


def scrub(pg, expr: str):
    return pg.evaluate(f"() => {{ const g = ({SCRUB}); return ({expr}); }}")


def move_slider(pg, k: int) -> None:
    rail = box(pg, ".slider-rail-rect")
    inset = 8  # plotly.js places the steps inside the rail's rounded ends
    x = rail["x"] + inset + (rail["width"] - 2 * inset) * k / (SCRUB_RATES - 1)
    pg.mouse.click(x, rail["y"] + rail["height"] / 2)
    pg.wait_for_function(f"() => ({SCRUB}).layout.sliders[0].active === {k}", timeout=10_000)
    painted(pg, 5)  # the page script swaps the paths on the slider's change


def test_the_slider_swaps_the_paths_in_the_browser_without_a_rerun(scrub_page):
    pg = scrub_page
    paths = f"{PATHS}.map(t => Array.from(t.x).slice(0, 400).join(','))"
    names = f"{PATHS}.map(t => t.name)"
    before, names_before = scrub(pg, paths), scrub(pg, names)
    assert scrub(pg, "g.layout.sliders[0].active") == SCRUB_RATES // 2
    sent = len(pg.sent)
    move_slider(pg, 36)
    after, names_after = scrub(pg, paths), scrub(pg, names)
    assert after != before and names_after != names_before
    assert len(after) == 3
    assert scrub(pg, f"{PATHS}.every(t => Array.from(t.customdata).every(i => i === 36))")
    painted(pg, 60)  # a second of frames: a rerun's message would have gone by now
    assert len(pg.sent) == sent, "moving the slider sent a message to the server (a rerun)"
    assert pg.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count() == 1


def test_a_click_on_a_path_makes_the_sliders_rate_the_main_lr(scrub_page):
    pg = scrub_page
    move_slider(pg, 30)
    point = scrub(
        pg,
        """(() => { const t = g._fullData.find(t => t.meta && t.meta.rate_path && t.x.length > 40);
                    const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis, i = 20;
                    return [xa._offset + xa.l2p(t.x[i]), ya._offset + ya.l2p(t.y[i])]; })()""",
    )
    plot = pg.locator(f"{'.js-plotly-plot'}").filter(has=pg.locator(".slider-rail-rect")).first.bounding_box()
    pg.mouse.click(plot["x"] + point[0], plot["y"] + point[1])
    want = scrub_rates(0.001, 1.0, SCRUB_RATES)[30]
    pg.wait_for_function(
        "() => location.search.includes('lr=') && !location.search.includes('lr=0.001&')", timeout=30_000
    )
    settle(pg)
    lr = float(pg.locator("[data-testid='stSidebar'] input[aria-label='Learning rate']").input_value())
    assert lr == pytest.approx(want, rel=1e-3)
    assert scrub(pg, "g.layout.sliders[0].active") == SCRUB_RATES // 2  # the grid now centres on it


def test_a_click_on_a_basin_cell_sets_the_start_and_shows_its_run(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    pg = context.new_page()
    try:
        pg.goto(f"{app_url}/?surface=himmelblau&optimizers=gd&lr=0.01&view=basins&lang=en")
        settle(pg)
        pg.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .heatmaplayer').length > 0", timeout=60_000
        )
        plot = box(pg, ".js-plotly-plot .nsewdrag")
        pg.mouse.click(plot["x"] + plot["width"] * 0.8, plot["y"] + plot["height"] * 0.25)
        pg.wait_for_function("() => location.search.includes('x0=')", timeout=30_000)
        settle(pg)
        assert "view=basins" not in pg.url  # back to the contour map, where the run is drawn
        assert float(pg.locator("input[aria-label='start x₀']").input_value()) > 1
        assert float(pg.locator("input[aria-label='start y₀']").input_value()) > 1
    finally:
        context.close()
