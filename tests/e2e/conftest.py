"""Browser end-to-end fixtures: the app served by `streamlit run` and Debian's Chromium via Playwright.

Under CI=true a missing browser or Playwright fails these tests; elsewhere they are skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from deploy.serve import replica_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
GL_ARGS = ["--use-gl=swiftshader", "--enable-unsafe-swiftshader"]  # 3-D (WebGL) in software


def missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """`streamlit run app.py`, headless, on 127.0.0.1:port."""
    cmd = [*replica_command(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    url = f"http://127.0.0.1:{port}/_stcore/health"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"no health answer from {url} in {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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


def settle(pg, timeout: float = 60_000) -> None:
    """Wait until the script has run and the charts are on the page."""
    pg.wait_for_selector(".js-plotly-plot", timeout=timeout)
    pg.wait_for_timeout(300)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    pg.wait_for_function(
        "() => window.Plotly !== undefined || document.querySelectorAll('.js-plotly-plot').length > 0"
    )
    pg.wait_for_timeout(300)


OUTPUT = Path(__file__).parent / "output"  # screenshots the tests take (not committed)
MAIN = "[...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout && d.layout.sliders && d.layout.sliders.length)"
PHONE_UA = (  # a phone introduces itself as one: the app lays its charts out for it (ui.session.on_phone)
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


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
        pg.wait_for_timeout(400)
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
