"""What a person sees in a real browser: Streamlit serving app.py, Chromium rendering it."""

from __future__ import annotations

import math

import pytest

from .conftest import painted, settle

pytestmark = pytest.mark.e2e

MAIN = """() => [...document.querySelectorAll('.js-plotly-plot')]
            .find(d => d.layout && d.layout.sliders && d.layout.sliders.length)"""


def main_chart(page, expr: str):
    """Evaluate `expr` (a JS expression of g, the animated main chart) in the page."""
    return page.evaluate(f"() => {{ const g = ({MAIN})(); return g ? ({expr}) : null; }}")


def trace_x(page, name: str):
    return main_chart(page, f"(g.data.find(t => t.name === {name!r}) || {{x: null}}).x")


def pick_surface(page, title: str):
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has_text="Loss surface"
    ).click()
    page.get_by_role("option", name=title).click()
    settle(page)


def preset(page, text: str):
    page.locator("[data-testid='stSidebar']").get_by_role("button", name=text, exact=True).click()


def exceptions(page) -> int:
    return page.locator("[data-testid='stException']").count()


def test_default_page_shows_a_chart_no_exception_and_no_console_errors(page):
    assert page.locator(".js-plotly-plot").count() >= 2
    assert exceptions(page) == 0
    assert main_chart(page, "g.data[0].name") == "loss L(w)"
    assert trace_x(page, "GD · lr 0.1")[:2] == [5, 4.2]
    painted(page, 30)  # an error from a late script would show by now
    assert page.console_errors == []


def test_changing_the_learning_rate_redraws_the_trajectory(page):
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Learning rate']")
    box.fill("0.4")
    box.press("Enter")
    page.wait_for_function(
        f"() => {{ const g = ({MAIN})(); return g && g.data.some(t => t.name === 'GD · lr 0.4'); }}"
    )
    settle(page)
    x = trace_x(page, "GD · lr 0.4")
    assert x[:3] == pytest.approx([5.0, 1.8, 1.16])  # w - 0.4 * 2 (w - 1), from w = 5
    assert trace_x(page, "GD · lr 0.1") is None
    preset(page, "0.001")
    page.wait_for_function(
        f"() => {{ const g = ({MAIN})(); return g && g.data.some(t => t.name === 'GD · lr 0.001'); }}"
    )
    assert trace_x(page, "GD · lr 0.001")[1] == pytest.approx(4.992)


def marker_state(page):
    return main_chart(
        page, "[g._fullLayout.sliders[0].active, g.layout.shapes.map(s => s.xanchor).join(',')]"
    )


def test_play_moves_the_markers_and_pause_stops_them(page):
    before = marker_state(page)
    page.locator(".updatemenu-button", has_text="Play").first.click()
    page.wait_for_function(
        f"() => ({MAIN})()._fullLayout.sliders[0].active > {before[0]} + 1", timeout=30_000
    )
    playing = marker_state(page)
    assert playing[0] > before[0] and playing[1] != before[1]
    page.locator(".updatemenu-button", has_text="Pause").first.click()
    painted(page, 5)
    paused = marker_state(page)
    painted(page, 60)  # a second of frames: an animation still running would have moved
    assert marker_state(page) == paused
    assert exceptions(page) == 0


def test_lr_10_on_the_quadratic_shows_the_divergence_note_and_a_finite_chart(page):
    preset(page, "10")
    page.wait_for_function(
        f"() => {{ const g = ({MAIN})(); return g && g.data.some(t => t.name === 'GD · lr 10'); }}"
    )
    settle(page)
    note = page.locator("[data-testid='stAlert']", has_text="diverged at step")
    assert note.count() == 1 and "lr × λmax" in note.inner_text()
    numbers = main_chart(page, "g.data.flatMap(t => [].concat(t.x || [], t.y || []))")
    assert numbers and all(isinstance(v, (int, float)) and math.isfinite(v) for v in numbers)
    assert exceptions(page) == 0


def test_the_3d_view_renders_and_animates(page):
    pick_surface(page, "2-D · Himmelblau")
    page.get_by_text("3-D surface", exact=True).click()
    page.wait_for_function(
        f"() => {{ const g = ({MAIN})(); return g && g._fullLayout && g._fullLayout.scene; }}"
    )
    settle(page)
    assert main_chart(page, "g.data[0].type") == "surface"
    assert page.locator(".js-plotly-plot canvas").count() >= 1
    main_chart(page, "(window.__frames = 0, g.on('plotly_animatingframe', () => window.__frames++), true)")
    page.locator(".updatemenu-button", has_text="Fast").first.click()
    page.wait_for_function("() => window.__frames >= 3", timeout=30_000)
    assert exceptions(page) == 0


def test_switching_1d_to_2d_and_back_keeps_working(page):
    assert page.locator("input[aria-label='start y₀']").count() == 0
    pick_surface(page, "2-D · Rosenbrock banana")
    assert page.locator("input[aria-label='start y₀']").count() == 1
    assert main_chart(page, "g.data[0].type") == "contour"
    assert page.locator("input[aria-label='start x₀']").input_value() == "-1.5"
    pick_surface(page, "1-D · Double well")
    assert page.locator("input[aria-label='start y₀']").count() == 0
    assert page.locator("input[aria-label='start w₀']").input_value() == "1.8"
    assert main_chart(page, "g.data[0].name") == "loss L(w)"
    assert exceptions(page) == 0
    assert page.console_errors == []
