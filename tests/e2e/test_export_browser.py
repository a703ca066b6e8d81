"""The exported lesson opens offline in Chromium, draws its chart and plays."""

import pytest

from export import lesson_export

pytestmark = pytest.mark.e2e


def test_exported_html_opens_offline_with_a_playable_chart(browser, tmp_path):
    page_html, _ = lesson_export("ravine")
    path = tmp_path / "ravine.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        info = page.evaluate("""() => { const g = document.querySelector('.js-plotly-plot');
            return [g.data[0].type, g._transitionData._frames.length, g._fullLayout.sliders[0].active]; }""")
        assert info[0] == "contour" and info[1] == 101 and info[2] == 0  # not playing on load
        page.locator(".updatemenu-button", has_text="Fast").first.click()
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active > 0",
            timeout=30_000,
        )
        assert errors == []
    finally:
        context.close()
