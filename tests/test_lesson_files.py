"""A teacher's lesson: a file or a link that the app reads, checks against its own runs, shows as
text only, and opens like ours; made in the app from the picture on the page."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from fixtures.lesson_files import HOSTILE, SHOWN_AS_TEXT, SMALLEST
from lessons import LessonError, builtin, parse
from lessons.check import check
from lessons.write import MAX_LINK, dump, from_link, take_lesson_data, to_link
from model.text import texts

from .conftest import ROOT, fresh, no_exception, state_of


def test_the_smallest_file_is_valid_and_its_computed_answer_is_diverges():
    lesson = parse(SMALLEST)
    checked = check(lesson)
    assert checked.answer == "It diverges"
    # the closed form: w_k - 1 = (1 - 2 lr)^k (w_0 - 1), |1 - 2.1| = 1.1 > 1: away from the minimum for ever
    w = 5.0
    for _ in range(100):
        w -= 1.05 * 2 * (w - 1)
    assert abs(w - 1) == pytest.approx(4 * 1.1**100, rel=1e-9)
    assert lesson.kind.answer(_ctx(checked), lesson.question).value == "diverged"


def _ctx(checked):
    from lessons.page import Context
    from model.experiment import simulate
    from model.state import setup_from

    setup = setup_from(checked.state)
    surface = setup.spec.build()
    return Context(checked.state, setup, surface, simulate(setup, surface), checked.lesson)


@pytest.mark.parametrize("slug", list(builtin()))
def test_every_builtin_lesson_round_trips_through_a_file_and_a_link(slug):
    lesson = builtin()[slug]
    again = parse(dump(lesson), slug=slug)
    assert again == lesson  # every field the page reads: settings, question, choices, measures, texts
    linked = from_link(to_link(lesson.source))
    assert (linked.settings, linked.question, linked.texts, linked.measures) == (
        lesson.settings,
        lesson.question,
        lesson.texts,
        lesson.measures,
    )


def test_a_builtin_lessons_page_is_the_same_from_its_file_and_from_its_round_trip():
    """The page a lesson shows (before and after Reveal, both languages) depends only on what the
    file says: the lesson read back from its own dump asks and answers the same."""
    from lessons.page import predicting, revealed

    for slug in ("seed-example", "too-large", "local-minima", "basins"):
        lesson = builtin()[slug]
        again = parse(dump(lesson), slug=slug)
        ctx = _ctx(check(lesson))
        for lang in ("en", "ko"):
            T = texts(lang)
            assert predicting(lesson, ctx, T) == predicting(again, ctx, T)
            assert revealed(lesson, ctx, T) == revealed(again, ctx, T)


def test_a_link_over_8_kb_is_refused_with_the_file_suggested():
    rng = np.random.default_rng(0)

    def words(n):  # Hangul syllables in no order: text that compresses as little as a class's does
        return "".join(chr(0xAC00 + int(c)) for c in rng.integers(0, 11172, n))

    parts = "".join(f'{part} = "{words(900)}"\n' for part in ("look", "explanation", "why", "ask"))
    source = SMALLEST.replace("[text.en]\n", "[text.en]\n" + parts)
    lesson = parse(source)
    assert len(source.encode()) < 20_000  # a valid file ...
    with pytest.raises(LessonError) as err:
        to_link(dump(lesson))  # ... too long for a link
    assert err.value.key == "lessonfile.link_too_long" and err.value.values["max"] == MAX_LINK
    assert "lesson file" in texts("en").error(err.value) and "수업 파일" in texts("ko").error(err.value)


def test_a_damaged_or_bomb_link_is_refused():
    import base64
    import zlib

    for data in ("", "not base64!", "eNo" + "A" * 50, to_link(SMALLEST)[:-20]):
        with pytest.raises(LessonError):
            from_link(data)
    bomb = base64.urlsafe_b64encode(zlib.compress(b"a" * 5_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < MAX_LINK
    with pytest.raises(LessonError) as err:
        from_link(bomb)
    assert err.value.key == "lessonfile.too_big"
    params, lesson, refused = take_lesson_data({"lesson_data": "###", "lr": "0.1"})
    assert params == {"lr": "0.1"} and lesson is None and refused.key == "lessonfile.bad_link"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_message_in_both_languages(name):
    source, key = HOSTILE[name]
    with pytest.raises(LessonError) as err:
        check(parse(source))
    assert key is None or err.value.key == key
    english, korean = texts("en").error(err.value), texts("ko").error(err.value)
    assert len(english) > 15 and not english.startswith("lessonfile.")
    assert re.search("[가-힣]", korean) and not korean.startswith("lessonfile.")


def test_texts_are_shown_as_text_never_as_html_markdown_or_latex():
    from lessons.page import plain

    lesson = parse(SHOWN_AS_TEXT)
    for text in lesson.texts["en"].values():
        shown = plain(text)
        assert not re.search(r"(?<!\\)[<>\[\]()!*$:_{}]", shown), shown  # every mark escaped ...
        assert re.sub(r"\\(.)", r"\1", shown) == text  # ... and every character still there


def test_a_hostile_but_valid_lesson_opened_in_the_app_shows_its_text_as_text():
    at = fresh({"surface": "quadratic"})
    _upload(at, "shown.toml", SHOWN_AS_TEXT.encode())
    no_exception(at)
    assert state_of(at)["lesson"].startswith("t-")
    shown = " ".join(m.value for m in at.markdown) + " ".join(r.label for r in at.radio)
    unescaped = r"(?<!\\)<(script|img|iframe|b>)|(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\):(red|material)"
    assert not re.search(unescaped, shown), re.search(unescaped, shown)
    assert "\\<script\\>" in shown and "\\<img src" in shown  # shown, as the characters they are


def _upload(at, name: str, content: bytes):
    uploader = next(u for u in at.get("file_uploader") if u.proto.id.endswith("-lesson_file"))
    return uploader.set_value((name, content, "application/toml")).run()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_uploaded_hostile_file_is_refused_in_the_pages_language_and_the_picture_stays(lang):
    at = fresh({"surface": "rosenbrock", "lr": "0.002", "lang": lang})
    before = dict(state_of(at))
    for name in ("a false written answer", "format-string trick", "malformed toml", "setting out of range"):
        source, _ = HOSTILE[name]
        _upload(at, "bad.toml", source.encode() if isinstance(source, str) else source)
        no_exception(at)
        said = " ".join(w.value for w in at.warning)
        assert "bad.toml" in said
        assert (re.search("[가-힣]", said) is not None) == (lang == "ko")
        assert state_of(at) == before


def test_an_uploaded_lesson_joins_the_menu_and_works_like_ours():
    at = fresh({"surface": "quadratic"})
    _upload(at, "mine.toml", SMALLEST.encode())
    no_exception(at)
    state = state_of(at)
    assert state["lesson"].startswith("t-") and state["lr"] == 1.05 and state["steps"] == 100
    assert any("A step too far?" in o for o in at.selectbox(key="lesson").options)
    guess = at.radio(key="lesson_guess")
    assert "It diverges" in guess.options and not at.success  # nothing of the outcome before Reveal
    guess.set_value("It diverges").run()
    at.button(key="lesson_reveal").click().run()
    no_exception(at)
    assert "Right!" in at.success[0].value and "It diverges" in at.success[0].value
    # its link carries the whole lesson, and opens it in a new session
    data = at.query_params["lesson_data"]
    data = data[0] if isinstance(data, list) else data
    other = fresh({"lesson_data": data})
    no_exception(other)
    assert state_of(other)["lesson"] == state["lesson"] and state_of(other)["lr"] == 1.05


def test_a_damaged_lesson_link_says_so_and_opens_the_picture():
    at = fresh({"lesson_data": to_link(SMALLEST)[:-30], "lr": "0.3"})
    no_exception(at)
    said = " ".join(w.value for w in at.warning)
    assert "cannot be opened" in said and state_of(at)["lesson"] == "free" and state_of(at)["lr"] == 0.3


def test_a_teacher_makes_a_lesson_from_lr_1_05_and_its_answer_is_diverges():
    at = fresh({"surface": "quadratic", "lr": "1.05"})
    at.selectbox(key="author_kind").set_value("outcome").run()
    at.text_input(key="author_title").set_value("A step too far?").run()
    at.text_input(key="author_question").set_value("Does lr 1.05 converge from w = 5?").run()
    no_exception(at)
    link = at.code[0].value
    assert "?lesson_data=" in link
    lesson = from_link(link.split("lesson_data=")[1])
    assert lesson.question["kind"] == "outcome" and lesson.settings == {"surface": "quadratic", "lr": 1.05}
    assert check(lesson).answer == "It diverges"
    at.button(key="author_open").click().run()
    no_exception(at)
    assert state_of(at)["lesson"] == lesson.slug
    at.button(key="lesson_reveal").click().run()
    assert "It diverges" in at.success[0].value


def test_the_command_line_checks_files_and_lists_ours(tmp_path):
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(SMALLEST)
    bad.write_text(HOSTILE["format-string trick"][0])
    run = [sys.executable, "-m", "lessons"]
    ok = subprocess.run([*run, "check", str(good)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "It diverges" in ok.stdout
    refused = subprocess.run(
        [*run, "check", str(good), str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1
    assert re.search(
        rf"{re.escape(str(bad))}:8:1: text\.en\.title: \{{0\.__class__\}} is not a plain name", refused.stderr
    )
    korean = subprocess.run(
        [*run, "--lang", "ko", "check", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert korean.returncode == 1 and "단순한 이름이 아닙니다" in korean.stderr
    listed = subprocess.run([*run, "list"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(builtin())


def test_the_export_takes_a_lesson_file(tmp_path):
    source, page = tmp_path / "mine.toml", tmp_path / "mine.html"
    source.write_text(SMALLEST)
    done = subprocess.run(
        [sys.executable, "-m", "export", "--lesson-file", str(source), "--out", str(page)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = page.read_text()
    assert "A step too far?" in html and "It diverges" in html
    bad = tmp_path / "bad.toml"
    bad.write_text(HOSTILE["a false written answer"][0])
    refused = subprocess.run(
        [sys.executable, "-m", "export", "--lesson-file", str(bad), "--out", str(page)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode == 1 and "None of the written choices" in refused.stderr


def test_written_choices_must_hold_exactly_one_computed_answer_across_kinds():
    """Exactly one written choice matches: checked for a run choice too (lowest_after), with the
    answer computed independently (a plain loop on the quadratic)."""
    base = 'surface = "quadratic"\nlr = 0.1\nlrs = [0.4]\nsteps = 3\n'
    losses = {}
    for run, lr in ((1, 0.1), (2, 0.4)):
        w = 5.0
        for _ in range(3):
            w -= lr * 2 * (w - 1)
        losses[run] = (w - 1) ** 2 + 2
    lowest = min(losses, key=losses.get)
    assert lowest == 2
    text = '[text.en]\ntitle = "T"\nquestion = "Which is lowest?"\n'
    ok = parse(f"[settings]\n{base}\n[question]\nkind = 'lowest_after'\nchoices = [1, 2]\n{text}")
    assert check(ok).answer.startswith("Run 2") or "2" in check(ok).answer
    wrong = parse(f"[settings]\n{base}\n[question]\nkind = 'lowest_after'\nchoices = [1, 1]\n{text}")
    with pytest.raises(LessonError) as err:
        check(wrong)
    assert err.value.key == "lessonfile.no_match"
    assert np.isfinite(losses[1])


def test_the_documented_files_are_valid_and_every_kind_and_observation_is_documented():
    from lessons.kinds import KINDS
    from lessons.observe import OBSERVATIONS

    docs = (ROOT / "docs" / "lessons.md").read_text()
    readme = (ROOT / "README.md").read_text()
    files = re.findall(r"```toml\n(.+?)```", docs, re.S) + re.findall(r"```toml\n(.+?)```", readme, re.S)
    assert len(files) == 3
    for source in files:
        check(parse(source))
    assert check(parse(files[0])).answer == "It diverges" and files[0] == SMALLEST
    for name in KINDS:
        assert re.search(rf"^\| `{name}` \|", docs, re.M), name
    for name in OBSERVATIONS:
        assert re.search(rf"^\| `{name}` \|", docs, re.M), name
