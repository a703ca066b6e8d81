"""A live class through the app (AppTest): the teacher starts it from a lesson in presentation
mode, students join by code, answer, see the answer after Reveal and follow Next; and everything a
student's page might try against it is refused."""

from __future__ import annotations

import itertools
import re
import sqlite3

import pytest

from model.text import texts
from ui import classroom

from .conftest import chart_spec, fresh, no_exception, state_of


@pytest.fixture(autouse=True)
def class_store(tmp_path, monkeypatch):
    path = tmp_path / "classes.db"
    monkeypatch.setenv("DESCENT_CLASS_STORE", f"sqlite:///{path}")
    classroom.store.clear()
    yield path
    classroom.store.clear()


def teacher_on(slug="too-large"):
    t = fresh({"lesson": slug, "present": "1"})
    t.button(key="class_start").click().run()
    no_exception(t)
    return t, t.session_state["_class"]["code"]


def text_of(at) -> str:
    """Every text the page shows: Markdown, captions, alerts, code and HTML blocks."""
    shown = [
        e.value
        for kind in ("markdown", "caption", "success", "info", "warning", "code")
        for e in at.get(kind)
    ]
    return " ".join(shown + [e.proto.body for e in at.get("html")])


def test_the_loop_start_join_answer_tally_reveal_next_end(class_store):
    t, code = teacher_on()
    shown = text_of(t)
    assert code in shown and f"?class={code}" in shown and "0 joined" in shown
    secret = t.session_state["_class"]["secret"]
    assert secret not in re.sub(r"<script>.*?</script>", "", shown, flags=re.S)  # never on the projector
    assert f"{classroom.COOKIE}={code}.{secret};" in shown  # only in this browser's cookie, for a reload
    students = [fresh({"class": code, "lang": lang}) for lang in ("en", "ko", "en")]
    for i, s in enumerate(students):
        no_exception(s)
        assert "class_answer" in [r.key for r in s.radio]
        assert "answered" not in text_of(s)  # no one's answers before Reveal
        s.radio(key="class_answer").set_value(i % 3).run()
        no_exception(s)
    t.run()
    assert "3 joined · 3 answered" in text_of(t)
    t.button(key="class_reveal").click().run()
    no_exception(t)
    assert t.session_state["_revealed"] == "too-large"
    for s, lang, right in zip(students, ("en", "ko", "en"), (False, True, False), strict=True):
        s.run()  # lr 1.0 oscillates: choice 1 is right
        no_exception(s)
        said = (s.success or s.info)[0].value  # right in green, not quite in blue
        assert said.startswith(texts(lang)("lesson.right" if right else "lesson.not_quite"))
        chart = chart_spec(s, "class_chart")  # plays by itself (viz/page.js), by its own Play button
        assert chart["layout"]["meta"]["autoplay"] is True
        assert "play" in [b.get("name") for m in chart["layout"]["updatemenus"] for b in m["buttons"]]
    t.button(key="class_next").click().run()
    no_exception(t)
    assert state_of(t)["lesson"] == "too-small"
    for s in students:
        s.run()
        no_exception(s)
        assert s.number_input(key="class_answer") is not None  # a typed number for this kind
    t.button(key="class_end").click().run()
    no_exception(t)
    for s, lang in zip(students, ("en", "ko", "en"), strict=True):  # said so, not taken for a wrong code
        s.run()
        no_exception(s)
        assert texts(lang)("class.ended") in text_of(s) and "_wrong_codes" not in s.session_state
    assert sqlite3.connect(class_store).execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_a_student_who_reloads_comes_back_with_their_answer():
    _, code = teacher_on()
    s = fresh({"class": code})
    s.radio(key="class_answer").set_value(2).run()
    me = s.session_state["_student"]
    assert re.fullmatch(r"[0-9a-f]{32}", me) and s.query_params["me"] in (me, [me])
    again = fresh({"class": code, "me": me})
    no_exception(again)
    assert again.radio(key="class_answer").value == 2 and "diverges" in text_of(again)


def test_a_student_who_opens_the_class_link_again_is_the_same_student(monkeypatch):
    """A phone that lost its tab scans the QR code again (the link without its `me`): this browser's
    cookie brings back the same random id, so the answer is there and the class still counts one."""
    t, code = teacher_on()
    s = fresh({"class": code})
    me = s.session_state["_student"]
    assert f"{classroom.STUDENT_COOKIE}={me};" in text_of(s)  # written once, in this browser
    s.radio(key="class_answer").set_value(2).run()
    assert classroom.STUDENT_COOKIE not in text_of(s)  # not again at every rerun
    monkeypatch.setattr(classroom, "cookie", lambda name: me if name == classroom.STUDENT_COOKIE else "")
    again = fresh({"class": code})  # the QR code's link: no `me`
    no_exception(again)
    assert again.session_state["_student"] == me and again.radio(key="class_answer").value == 2
    t.run()
    assert "1 joined · 1 answered" in text_of(t)
    monkeypatch.setattr(classroom, "cookie", lambda name: "not-an-id")  # a cookie that is not ours
    other = fresh({"class": code})
    assert other.session_state["_student"] != me and re.fullmatch(
        r"[0-9a-f]{32}", other.session_state["_student"]
    )


def test_after_reveal_the_teacher_sees_which_typed_numbers_are_right():
    """too-small asks where w is after 100 steps of lr 0.001 from 5: 1 + 4 (1 - 2 lr)^100 = 4.2743
    (the closed form of gradient descent on (w - 1)^2 + 2); 4.27 is right, 3 is not."""
    t, code = teacher_on("too-small")
    expected = 1 + 4 * (1 - 2 * 0.001) ** 100
    assert abs(expected - 4.2743) < 1e-4
    for value in (4.27, 3.0):
        s = fresh({"class": code})
        s.number_input(key="class_answer").set_value(value).run()
        no_exception(s)
    t.run()
    assert "Answers so far: 3, 4.27" in text_of(t) and "right." not in text_of(t)  # nothing marked before
    t.button(key="class_reveal").click().run()
    no_exception(t)
    shown = text_of(t)
    assert "Answers so far: 3, ✓ 4.27 1 of 2 right." in shown


def test_a_students_page_cannot_act_as_the_teacher():
    t, code = teacher_on()
    for query in ({"class": code, "teacher": "guess"}, {"class": code, "teacher": ""}):
        s = fresh(query)
        no_exception(s)
        assert "_class" not in s.session_state or s.session_state["_class"] is None
        assert classroom.store().state(code).question.phase == "predicting"
    s = fresh({"class": code})
    assert not [b for b in s.get("button") if b.key and b.key.startswith("class_") and b.key != "class_join"]
    secret = t.session_state["_class"]["secret"]
    resumed = fresh({"class": code, "teacher": secret})  # the teacher link, on another device
    no_exception(resumed)
    assert resumed.session_state["_class"]["code"] == code and "teacher" not in resumed.query_params


def test_answers_out_of_range_and_too_many_are_refused():
    _, code = teacher_on("too-small")  # a number
    s = fresh({"class": code})
    s.number_input(key="class_answer").set_value(1e13).run()
    no_exception(s)
    assert "does not fit" in text_of(s)
    s.number_input(key="class_answer").set_value(4.5).run()
    assert classroom.store().own_answer(code, s.session_state["_student"], 0) == 4.5
    for v in range(classroom.ANSWERS_PER_MINUTE):
        s.number_input(key="class_answer").set_value(float(v) + 0.5).run()
    assert "Too many tries" in text_of(s)


def test_wrong_codes_are_slowed_then_refused(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(classroom, "now", lambda: clock[0])
    s = fresh({"class": "AAAAAA"})  # the link's own code is the first wrong one
    assert "no class with this code" in text_of(s)

    def try_code():
        s.text_input(key="class_code").set_value("CCCCCC").run()
        s.button(key="class_join").click().run()
        no_exception(s)

    waits = []
    while len(tries := s.session_state["_wrong_codes"]) < classroom.WRONG_REFUSE:
        try_code()
        if len(s.session_state["_wrong_codes"]) == len(tries):  # refused without looking: wait
            said = " ".join(i.value for i in s.info)
            assert said.startswith("Wait ") and tries[-1] + int(said.split()[1]) > clock[0]
            waits.append(int(said.split()[1]))
            clock[0] += waits[-1]
    assert "Too many wrong codes" in " ".join(e.value for e in s.error)
    assert not s.text_input and not s.button  # nothing left to try here
    assert len(waits) == classroom.WRONG_REFUSE - classroom.WRONG_SLOW
    assert waits[0] >= 1 and all(b >= 2 * a for a, b in itertools.pairwise(waits))  # longer each time
    assert clock[0] - 1000 < 200  # the page was never put to sleep: the server serves others meanwhile


def test_nothing_personal_is_kept(class_store):
    _, code = teacher_on()
    s = fresh({"class": code})
    s.radio(key="class_answer").set_value(1).run()
    db = sqlite3.connect(class_store)
    students = [row[0] for row in db.execute("SELECT student FROM members")]
    assert students and all(re.fullmatch(r"[0-9a-f]{32}", x) for x in students)
    columns = {
        c[1] for table in ("classes", "members", "answers") for c in db.execute(f"PRAGMA table_info({table})")
    }
    assert not columns & {"ip", "name", "address", "user_agent"}


def test_the_tally_shows_a_teachers_words_as_text_and_the_shares_after_reveal():
    labels = ["<img src=x onerror=alert(1)>", "**bold** [a](http://x)"]
    before = classroom.bars(labels, [2, 1], right=None)
    assert "<img" not in before and "&lt;img" in before and "(67%)" not in before  # no share, no mark
    after = classroom.bars(labels, [2, 1], right=1)
    assert "2 (67%)" in after and "1 (33%)" in after and after.count("tally-row right") == 1


def test_the_projected_link_wraps_before_its_query_and_warns_when_phones_cannot_open_it(monkeypatch):
    assert classroom.readable_link("http://192.168.0.10:8501/?class=ACDEFH") == (
        "http://192.168.0.10:8501/<wbr>?class=ACDEFH"
    )
    assert (
        classroom.readable_link("http://h/<x>?a=<b>") == "http://h/&lt;x&gt;<wbr>?a=&lt;b&gt;"
    )  # shown as text
    for link, local in (
        ("http://127.0.0.1:8501/?class=ACDEFH", True),
        ("http://localhost:8501/?class=ACDEFH", True),
        ("http://[::1]:8501/?class=ACDEFH", True),
        ("http://192.168.0.10:8501/?class=ACDEFH", False),
        ("https://descent.school.kr/?class=ACDEFH", False),
    ):
        assert classroom.local_only(link) is local, link
    t, _ = teacher_on()
    assert texts("en")("class.local_link") not in text_of(t)  # AppTest's page has no address
    monkeypatch.setattr(classroom, "students_link", lambda code: f"http://127.0.0.1:8501/?class={code}")
    t.run()  # the page at this computer's own address: the teacher is told
    assert texts("en")("class.local_link") in text_of(t)
