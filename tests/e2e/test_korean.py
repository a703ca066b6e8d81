"""A Korean browser gets the Korean page, drawn with a font that has Hangul (not boxes); a link with
lang=en gets English in the same browser. Screenshots go to tests/e2e/output/."""

from __future__ import annotations

import re

import pytest

from .conftest import MAIN, OUTPUT, chart

pytestmark = pytest.mark.e2e

HANGUL = re.compile("[가-힣]")


def fonts_drawing(pg, selector: str) -> dict[str, int]:
    """The platform fonts Chromium used for the text of the first element matching `selector`, with
    how many glyphs each drew (DevTools' CSS.getPlatformFontsForNode): a Hangul text drawn in a font
    without Hangul would show boxes, drawn by a fallback that is not a CJK font."""
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def has_hangul_font(fonts: dict[str, int]) -> bool:
    return any(re.search("CJK|KR|Korean|Gothic|Nanum|Un ", name) and n > 0 for name, n in fonts.items())


def test_a_korean_browser_gets_the_korean_page_in_hangul_glyphs(open_app):
    pg = open_app("", 1280, 720, locale="ko-KR")
    OUTPUT.mkdir(exist_ok=True)
    pg.screenshot(path=str(OUTPUT / "korean-1280x720.png"))
    assert pg.title() == "경사 하강법 시각화"
    sidebar = pg.locator("[data-testid='stSidebar']").inner_text()
    assert "경사 하강법 설정" in sidebar and "학습률" in sidebar and "용어" in sidebar
    assert "lang=" not in pg.url  # the browser's own language: the link need not carry it
    buttons = pg.locator(".updatemenu-button").all_text_contents()
    assert any("재생" in b for b in buttons) and not any("Play" in b for b in buttons)
    assert HANGUL.search(chart(pg, "g.layout.xaxis.title.text"))
    # the sidebar's heading and the chart's axis title are drawn by a font that has Hangul
    heading = fonts_drawing(pg, "[data-testid='stSidebar'] h3")
    assert has_hangul_font(heading), heading
    axis = fonts_drawing(pg, ".js-plotly-plot .xtitle")
    assert has_hangul_font(axis), axis
    assert pg.console_errors == []


def test_a_link_with_lang_en_is_english_in_a_korean_browser(open_app):
    pg = open_app("lang=en", 1280, 720, locale="ko-KR")
    sidebar = pg.locator("[data-testid='stSidebar']").inner_text()
    assert "Set up the descent" in sidebar and "Learning rate" in sidebar
    assert any("Play" in b for b in pg.locator(".updatemenu-button").all_text_contents())
    assert not HANGUL.search(chart(pg, "g.layout.xaxis.title.text"))
    assert "lang=en" in pg.url  # differs from the browser: the link keeps it
    OUTPUT.mkdir(exist_ok=True)
    pg.screenshot(path=str(OUTPUT / "english-in-korean-browser.png"))


def test_switching_the_language_keeps_the_picture(open_app):
    pg = open_app("lang=en&lr=0.4&x0=3", 1280, 720, locale="en-US")
    pg.locator("[data-testid='stSidebar'] label", has_text="한국어").click()
    pg.wait_for_function(
        f"() => {{ const g = {MAIN}; return g && /[가-힣]/.test(g.layout.xaxis.title.text); }}",
        timeout=30_000,
    )
    assert "lr=0.4" in pg.url and "x0=3" in pg.url and "lang=ko" in pg.url
