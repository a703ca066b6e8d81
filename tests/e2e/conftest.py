"""Browser end-to-end fixtures: the app served by `streamlit run` and Debian's Chromium via Playwright.

Under CI=true a missing browser or Playwright fails these tests; elsewhere they are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures.browser import (  # noqa: F401  (the test modules import them from here)
    CHROMIUM,
    CHROMIUM_ARGS,
    GL_ARGS,
    IDLE,
    MAIN,
    PHONE_UA,
    ROOT,
    free_port,
    painted,
    settle,
    start_server,
    stop_server,
    wait_healthy,
)


def missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url():
    port = free_port()
    proc = start_server(port)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + GL_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.goto(app_url)
    settle(pg)
    try:
        yield pg
    finally:
        context.close()


OUTPUT = Path(__file__).parent / "output"  # screenshots the tests take (not committed)


@pytest.fixture
def open_app(browser, app_url):
    """open_app(query, width, height, mobile=False, locale='en-US') -> a settled page; closed after
    (mobile: a touch phone with a phone's User-Agent)."""
    contexts = []

    def _open(
        query: str = "", width: int = 1280, height: int = 720, mobile: bool = False, locale: str = "en-US"
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
            **({"user_agent": PHONE_UA} if mobile else {}),
        )
        contexts.append(context)
        pg = context.new_page()
        pg.console_errors = []
        pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
        pg.goto(app_url + ("/?" + query if query else ""))
        settle(pg)
        pg.wait_for_function(f"() => {{ const g = {MAIN}; return g && g._fullLayout; }}", timeout=60_000)
        painted(pg, 5)  # the page script's sizing of the stage
        return pg

    yield _open
    for context in contexts:
        context.close()


def chart(pg, expr: str):
    """Evaluate `expr` (a JS expression of g, the animated main chart) in the page."""
    return pg.evaluate(f"() => {{ const g = ({MAIN}); return g ? ({expr}) : null; }}")


def box(pg, selector: str, nth: int = 0):
    """The bounding box (x, y, width, height) of an element, or None."""
    loc = pg.locator(selector)
    return loc.nth(nth).bounding_box() if loc.count() > nth else None


def inside_viewport(b, pg) -> bool:
    vp = pg.viewport_size
    return (
        b is not None
        and b["x"] >= 0
        and b["y"] >= 0
        and b["x"] + b["width"] <= vp["width"] + 1
        and b["y"] + b["height"] <= vp["height"] + 1
    )
