"""A live class end to end in Chromium: one teacher page projecting at 1280x720 and three students
in their own browser contexts (a Korean laptop, an English laptop, a phone by touch) join by the
code, answer, the tally reaches the teacher, Reveal reaches all three and Next moves all three. The
same loop runs against the SQLite store and against a real redis-server the test starts."""

from __future__ import annotations

import re

import pytest

from fixtures.redis import start_redis, stop_redis
from model.text import texts

from .conftest import IDLE, OUTPUT, PHONE_UA, free_port, settle, start_server, stop_server, wait_healthy

pytestmark = pytest.mark.e2e

HANGUL = re.compile("[가-힣]")
WAIT = 30_000  # ms: a condition that does not come within this is a failure


@pytest.fixture(params=["sqlite", "redis"])
def class_server(request, tmp_path):
    """An app whose classes live in the named store (a fresh one), and its URL."""
    redis = None
    if request.param == "redis":
        redis, url = start_redis()
    else:
        url = f"sqlite:///{tmp_path / 'classes.db'}"
    port = free_port()
    proc = start_server(port, {"DESCENT_CLASS_STORE": url})
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)
        if redis is not None:
            stop_redis(redis)


def key(name: str) -> str:
    return f".st-key-{name}"


def press(pg, name: str) -> None:
    pg.wait_for_selector(IDLE, timeout=WAIT)  # the page has finished its rerun: one button, live
    pg.locator(f"{key(name)} button").first.click()


def open_student(browser, url: str, code: str, kind: str):
    if kind == "phone":
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_UA, is_mobile=True,
                                  has_touch=True, locale="en-US")  # fmt: skip
    else:
        ctx = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="ko-KR" if kind == "ko" else "en-US"
        )
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(f"{url}/?class={code}")
    pg.wait_for_selector(key("class_answer"), timeout=WAIT)
    return pg


def test_the_class_loop_reaches_every_student(browser, class_server):
    url = class_server
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    teacher = teacher_ctx.new_page()
    teacher.goto(f"{url}/?lesson=too-large&present=1")
    settle(teacher)
    press(teacher, "class_start")
    teacher.wait_for_selector(".class-code", timeout=WAIT)
    code = teacher.locator(".class-code").inner_text().strip()
    assert re.fullmatch(r"[ACDEFHJKMNPRTUVWXY3479]{6}", code)
    assert teacher.locator("svg").filter(has=teacher.locator("path")).count() >= 1  # the QR code, inline
    teacher.wait_for_selector("text=0 joined · 0 answered", timeout=WAIT)

    kinds = ("ko", "en", "phone")
    students = [open_student(browser, url, code, kind) for kind in kinds]
    assert HANGUL.search(students[0].locator("body").inner_text())  # the Korean browser's page
    assert not HANGUL.search(students[1].locator("body").inner_text())
    for i, (pg, kind) in enumerate(zip(students, kinds, strict=True)):  # 1 (lr 1.0 bounces) is right
        label = pg.locator(f"{key('class_answer')} [data-testid='stRadioOption']").nth(i)
        if kind == "phone":
            assert label.bounding_box()["height"] >= 44  # a target for a finger
            label.tap()
        else:
            label.click()
        said = texts("ko" if kind == "ko" else "en")("class.your_answer", answer="|").split("|")[0]
        pg.locator("[data-testid='stCaptionContainer']").filter(has_text=said).wait_for(timeout=WAIT)
    teacher.wait_for_selector("text=3 joined · 3 answered", timeout=WAIT)
    teacher.reload()  # the projector's page reloaded: this browser's cookie gives the class back
    settle(teacher)
    assert teacher.locator(".class-code").inner_text().strip() == code
    teacher.wait_for_selector("text=3 joined · 3 answered", timeout=WAIT)
    assert "answered" not in students[1].locator("body").inner_text()  # no tally on a student's page

    OUTPUT.mkdir(exist_ok=True)
    teacher.screenshot(path=str(OUTPUT / "class-teacher-1280x720.png"))
    press(teacher, "class_reveal")
    verdicts = []
    for pg, kind in zip(students, kinds, strict=True):
        T = texts("ko" if kind == "ko" else "en")
        alert = pg.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentInfo']")
        alert.wait_for(timeout=WAIT)
        said = alert.inner_text()
        verdicts.append(said.startswith(T("lesson.right")))
        assert said.startswith(T("lesson.right")) or said.startswith(T("lesson.not_quite"))
        pg.wait_for_selector(".js-plotly-plot", timeout=WAIT)
        pg.wait_for_function(  # the run plays on their page, without a tap: its frames advance
            """() => { const g = document.querySelector('.js-plotly-plot');
                       const f = g && g._fullLayout && g._fullLayout._currentFrame;
                       return f !== undefined && f !== null && +f > 0; }""",
            timeout=WAIT,
        )
    assert verdicts == [False, True, False]
    right = teacher.locator(".tally-row.right")
    right.wait_for(timeout=WAIT)  # the projector marks the right answer and shows the shares
    assert "1 (33%)" in right.inner_text() and teacher.locator(".tally-row.other").count() == 2
    teacher.screenshot(path=str(OUTPUT / "class-teacher-revealed.png"))
    students[2].screenshot(path=str(OUTPUT / "class-phone-revealed.png"))

    press(teacher, "class_next")
    for pg in students:  # too-small asks for a number
        pg.wait_for_selector(f"{key('class_answer')} input[type='number']", timeout=WAIT)
    press(teacher, "class_end")
    for pg, kind in zip(students, kinds, strict=True):  # every page says the class has ended
        said = texts("ko" if kind == "ko" else "en")("class.ended")
        pg.locator("[data-testid='stAlertContentInfo']").filter(has_text=said).wait_for(timeout=WAIT)
        assert pg.errors == []
        pg.context.close()
    teacher_ctx.close()
