"""Korean and English: one catalog per language with the same keys and placeholders, the lecture's
terms said one way, no string meant for people outside the catalogs, and a Korean page (every
lesson, every view, the refusals) without an English word beyond a short allowlist of names and
symbols."""

from __future__ import annotations

import ast
import json
import re
import string
import subprocess
import sys

import pytest

from lessons import builtin
from model.text import CATALOGS, en, ko, texts
from model.text.glossary import AVOID_KO, TERMS
from surfaces.formula import CONSTANTS, FUNCTIONS, VARIABLES

from .conftest import ROOT, csv_uploader, fresh, no_exception

# Names and symbols a Korean page may show as they are (the allowlist): optimizer and test
# function proper names, abbreviations, the formula language's names, the lecture code's names.
ALLOWED = {
    *("Adam", "RMSprop", "Adagrad", "Nesterov", "Newton", "AMSGrad", "Armijo"),
    *("Rosenbrock", "Himmelblau", "Rastrigin", "Beale"),
    *(
        "Cohen",
        "Goodfellow",
        "Li",
        "Antognini",
        "Sohl",
        "Dickstein",
        "LeCun",
        "PCA",
    ),  # authors cited, a method
    *("GD", "SGD", "CSV", "HTML", "TOML", "English", "lr", "tol", "max", "min", "log"),
    *FUNCTIONS,
    *CONSTANTS,
    *VARIABLES,
    *("iter_cnt", "weight"),  # the lecture's loop prints these, as its code names them
}
NOT_WORDS = re.compile(
    r"`[^`]*`"  # code spans
    r"|\$\$.*?\$\$|\$[^$]*\$"  # formulas
    r"|%\{[^}]*\}|<[^>]*>"  # hover templates and their HTML
    r"|:material/\w+:"  # icon names
    r"|\{\w*\}"  # a catalog's placeholders
    r"|loss\(weight\)",  # the lecture's loop prints its code as it is
    re.S,
)
WORD = re.compile(r"[A-Za-z][A-Za-z_]*[A-Za-z]|[A-Za-z]")


def english_words(text: str) -> set[str]:
    """The words of `text` in Latin letters that are not allowed names or symbols (single letters and
    names with an underscore, such as x_k or T_max, are symbols)."""
    words = WORD.findall(NOT_WORDS.sub(" ", text))
    return {w for w in words if len(w) > 1 and "_" not in w and w not in ALLOWED}


# ------------------------------------------------------------------------------ the catalogs
def _placeholders(value) -> set[str]:
    parts = value if isinstance(value, tuple) else (value,)
    return {name for p in parts for _, name, _, _ in string.Formatter().parse(p) if name is not None}


def test_both_catalogs_have_the_same_keys_and_placeholders():
    assert set(ko.TEXT) == set(en.TEXT)
    for key, english in en.TEXT.items():
        korean = ko.TEXT[key]
        assert type(korean) is type(english), key
        if isinstance(english, tuple):  # a lesson's choices: the answer is an index
            assert len(korean) == len(english), key
        assert _placeholders(korean) == _placeholders(english), key


def test_a_missing_key_is_an_error_not_a_fallback():
    with pytest.raises(KeyError):
        texts("ko")("no.such.key")


def test_every_korean_text_has_hangul_where_the_english_has_words():
    """A catalog entry copied from English and left untranslated is caught here."""
    for key, english in en.TEXT.items():
        korean = ko.TEXT[key]
        for e, k in zip(english, korean) if isinstance(english, tuple) else [(english, korean)]:
            if english_words(e):
                assert re.search("[가-힣]", k) or not english_words(k), (key, k)


def test_the_glossary_says_each_term_one_way():
    for term in TERMS:
        for catalog in CATALOGS.values():
            assert f"term.{term}" in catalog and f"meaning.{term}" in catalog
    korean = json.dumps(ko.TEXT, ensure_ascii=False)
    for term, avoided in AVOID_KO.items():
        for spelling in avoided:
            assert spelling not in korean, (term, spelling)
    # the lecture's words are the ones the page uses
    for word in ("경사 하강법", "학습률", "손실", "기울기", "수렴", "발산", "진동", "지역 최솟값"):
        assert korean.count(word) > 3, word
    for word in (
        "전역 최솟값",
        "안장점",
        "미니배치",
        "에폭",
        "스텝",
        "스케줄링",
        "테일러 근사",
        "모멘텀",
        "곡률",
    ):
        assert word in korean, word


def test_the_korean_lessons_keep_the_lectures_numbers():
    from lessons.page import Context, predicting, revealed
    from model.experiment import simulate
    from model.state import preset_state, setup_from

    T, lesson = texts("ko"), builtin()["seed-example"]
    state = preset_state(lesson)
    setup = setup_from(state)
    ctx = Context(state, setup, setup.spec.build())
    q = predicting(lesson, ctx, T)
    assert (
        "w\u00a0=\u00a05" in q.question
        and "0.1" in q.question
        and "학습률" in q.question
        and "4.2" not in q.look
    )
    r = revealed(lesson, ctx.with_runs(simulate(setup), lesson), T)
    assert "=\u00a04.2입니다" in r.explanation
    assert "(w-1)² + 2" in T("surface.quadratic.title")


# ------------------------------------------------------------------------------ the source
PEOPLE_KEYWORDS = {
    *("label", "help", "placeholder", "caption", "title", "text", "name", "hovertemplate"),
    *("texttemplate", "prefix", "page_title", "body", "hovertext", "ticktext"),
}
INTERNAL = {"step-back", "step-forward", "pause"}  # plotly button names, never shown
CLI = {"add_argument", "ArgumentParser", "error", "Thread"}  # the CLI's help speaks English; thread names


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _strings(part)
    elif isinstance(node, ast.BinOp):
        yield from _strings(node.left)
        yield from _strings(node.right)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _strings(element)


ELEMENTS = {
    *("markdown", "caption", "info", "warning", "error", "success", "toast", "write", "title", "header"),
    *("subheader", "toggle", "radio", "selectbox", "multiselect", "button", "download_button", "checkbox"),
    *("number_input", "text_input", "text_area", "file_uploader", "slider", "select_slider", "expander"),
    *("popover", "tabs", "metric", "segmented_control", "pills", "set_page_config"),
}


def _on_st(func) -> bool:
    """st.markdown(...), st.sidebar.caption(...), column.toggle(...): a Streamlit element whose first
    argument is its label or body (but not st.session_state.get(...))."""
    return isinstance(func, ast.Attribute) and func.attr in ELEMENTS


def test_no_string_for_people_outside_the_catalogs():
    files = [
        ROOT / "app.py",
        *sorted(p for d in ("ui", "model", "viz", "export") for p in (ROOT / d).rglob("*.py")),
    ]
    found = []
    for path in files:
        if "text" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in CLI) or (
                isinstance(func, ast.Name) and func.id in CLI
            ):
                continue
            said = (node.args[:1] if _on_st(func) else []) + [
                k.value for k in node.keywords if k.arg in PEOPLE_KEYWORDS
            ]
            for value in said:
                for s in _strings(value):
                    if s not in INTERNAL and english_words(s):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {s[:60]!r}")
    assert not found, found


# ------------------------------------------------------------------------------ the Korean page
CHART_TEXT_KEYS = {"text", "name", "hovertemplate", "label", "prefix", "title", "texttemplate", "ticktext"}


def _chart_texts(node, out: list[str], key: str = "") -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("updatemenus",):  # buttons: their labels, not their internal names
                out.extend(b["label"] for menu in v for b in menu.get("buttons", []))
            elif k in CHART_TEXT_KEYS and isinstance(v, str):
                out.append(v)
            elif k in CHART_TEXT_KEYS and isinstance(v, list) and all(isinstance(x, str) for x in v):
                out.extend(v)
            else:
                _chart_texts(v, out, k)
    elif isinstance(node, list):
        for v in node:
            _chart_texts(v, out, key)


def page_texts(at) -> list[str]:
    """Every text a person reads on the page: elements, widget labels, help and options, table
    headers and every chart's titles, names, annotations, buttons and hover templates. The glossary
    expander (which shows the other language's word on purpose) is left out."""
    out = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "header",
        "subheader",
    ):
        out += [str(el.value) for el in at.get(kind)]
    for kind in ("selectbox", "radio", "multiselect", "number_input", "text_input", "checkbox", "toggle"):
        for el in at.get(kind):
            out += [el.label, el.help or ""]
            out += [str(o) for o in getattr(el, "options", [])]
    for kind in ("button", "download_button", "file_uploader", "expander", "select_slider", "slider"):
        for el in at.get(kind):
            proto = el.proto
            out += [getattr(proto, "label", ""), getattr(proto, "help", "")]
            out += [str(o) for o in getattr(proto, "options", [])]
    for el in at.get("arrow_data_frame"):
        out += [str(c) for c in el.value.columns]
    for chart in at.get("plotly_chart"):
        _chart_texts(json.loads(chart.proto.spec), out)
    glossary = [e for e in at.sidebar.expander if e.label == texts(state_lang(at))("glossary.title")]
    shown = {str(el.value) for g in glossary for el in (*g.markdown, *g.caption)}
    return [t for t in out if t not in shown]


def state_lang(at) -> str:
    return at.session_state["_state"]["lang"]


def assert_korean(at) -> None:
    no_exception(at)
    texts_ = page_texts(at)
    assert any(re.search("[가-힣]", t) for t in texts_)
    left = {w: t[:100] for t in texts_ for w in english_words(t)}
    assert not left, left


@pytest.mark.parametrize("slug", list(builtin()))
def test_every_lesson_in_korean(slug):
    at = fresh({"lang": "ko", "lesson": slug})
    assert_korean(at)
    guess = at.radio(key="lesson_guess") if any(r.key == "lesson_guess" for r in at.radio) else None
    if guess is not None:
        guess.set_value(guess.options[0]).run()
    else:
        at.number_input(key="lesson_guess").set_value(1.0).run()
    at.button(key="lesson_reveal").click().run()
    assert_korean(at)  # the explanation, the history, the tables and the downloads


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"view": "sweep"},
        {"view": "compare"},
        {"surface": "rosenbrock", "view": "contour", "optimizers": "gd,momentum,adam,newton"},
        {"surface": "himmelblau", "view": "3d"},
        {"surface": "rosenbrock", "view": "sweep"},
        {"surface": "rosenbrock", "view": "compare"},
        {"surface": "linreg", "batch_sizes": "1,10,50"},
        {"surface": "logreg"},
        {"surface": "double_well", "lrs": "0.1,10", "x0": "1.8", "start2": "1", "x1": "-0.2"},
        {"surface": "quadratic", "lr": "10", "stop_diverged": "1"},
        {"lr": "abc", "surface": "nope", "whatever": "1"},  # a broken link: what was dropped, in Korean
    ],
    ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "default",
)
def test_every_view_in_korean(query):
    assert_korean(fresh({"lang": "ko", **query}))


@pytest.mark.parametrize("formula", ["w^4 - 3ww + sin(", "x^2 + q", "sin x", "9^9^9", "x + y + w"])
def test_a_bad_formula_is_refused_in_korean(formula):
    at = fresh({"lang": "ko", "surface": "custom", "formula": formula})
    assert_korean(at)
    assert any(re.search("[가-힣]", w.value) for w in at.warning)


@pytest.mark.parametrize(
    "content",
    [b"x,y\n1,a\n2,3\n", b"", b"a,b\nc,d\n", b"x,y\n1,2\n", b"x,y\n1,1\n1,2\n", b"\xff\xfe\x00"],
)
def test_a_bad_csv_is_refused_in_korean(content):
    at = fresh({"lang": "ko", "surface": "linreg"})
    csv_uploader(at).set_value(("bad.csv", content, "text/csv")).run()
    assert_korean(at)
    assert any("이전 데이터를 그대로 씁니다" in m for m in page_texts(at))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The file has too few data rows (1); at least 2 are needed."),
        ("ko", "데이터 행이 너무 적습니다 (1개). 적어도 2개가 필요합니다."),
    ],
)
def test_a_one_row_file_is_said_with_the_count_and_no_broken_plural(lang, expected):
    """The refusal's words live only in the catalogs (the raising code once wrote "1 data rows")."""
    from surfaces.data import parse_csv
    from surfaces.errors import InputError

    with pytest.raises(InputError) as err:
        parse_csv(b"x,y\n1,2\n", "regression")
    assert texts(lang).error(err.value) == expected
    assert err.value.key == "csv.too_few" and err.value.values == {"n": 1}


def test_the_english_page_has_no_korean_but_its_language_choice_and_glossary():
    at = fresh({"lang": "en", "lesson": "seed-example"})
    no_exception(at)
    hangul = [t for t in page_texts(at) if re.search("[가-힣]", t) and t != "한국어"]
    assert not hangul, hangul


def test_the_page_title_is_in_the_pages_language():
    assert texts("ko")("page.title") == "경사 하강법 시각화"
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert 'page_title=T("page.title")' in source


# ------------------------------------------------------------------------------ the export
def test_the_export_writes_a_korean_page(tmp_path):
    out = tmp_path / "f.html"
    subprocess.run(
        [sys.executable, "-m", "export", "--lesson", "seed-example", "--lang", "ko", "--out", str(out)],
        cwd=ROOT,
        check=True,
    )
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ko">' in page
    assert "경사 하강법의 한 스텝" in page and "<summary>정답</summary>" in page
    assert any(form in page for form in ("재생", json.dumps("재생")[1:-1]))  # the Play button, in Korean
    assert "Plotly.register" in page and '"locale": "ko"' in page  # plotly's own tooltips, in Korean
    body = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)
    assert not english_words(re.sub(r"<[^>]+>", " ", body))


# ------------------------------------------------------------------------------ Korean as a teacher writes it
PLAIN_ENDING = re.compile(r"([가-힣])다(?=[.!]|\s*$)")  # a sentence ending in 다 that is not ...니다
POLITE_ENDING = re.compile(r"([가-힣])요(?=[.!?:]|\s*$)")  # 해요체: '보세요', '될까요?', '아쉽네요.'
NOUNS_IN_YO = set("필중주개수")  # 필요, 중요, 주요, 개요, 수요: nouns, not endings


def plain_style(text: str) -> list[str]:
    """The sentence endings of `text` that are not 합니다체: 한다체 ('머문다', '수렴한다') and 해요체
    ('보세요', '수렴할까요?')."""
    plain = [m.group(0) for m in PLAIN_ENDING.finditer(text) if m.group(1) != "니"]
    return plain + [m.group(0) for m in POLITE_ENDING.finditer(text) if m.group(1) not in NOUNS_IN_YO]


def test_the_register_check_catches_both_other_registers():  # the check above can fail
    assert plain_style("경로가 머문다.") == ["문다"]
    assert plain_style("학습률 1은 수렴할까요?") == ["까요"]
    assert plain_style("보세요: 곡선") == ["세요"]
    assert plain_style("수렴합니다. 무엇이 필요합니까? 필요.") == []


@pytest.mark.parametrize("slug", list(builtin()))
def test_korean_lessons_read_as_a_korean_teacher_writes(slug):
    """Every Korean text of a lesson, as the page fills it before and after Reveal: 합니다체, particles
    that follow the numbers' reading (30.8과, 20으로), no placeholder left."""
    from lessons.page import Context, predicting, revealed
    from model.experiment import simulate
    from model.state import preset_state, setup_from
    from model.text.korean import wrong_particles

    lesson, T = builtin()[slug], texts("ko")
    state = preset_state(lesson)
    setup = setup_from(state)
    ctx = Context(state, setup, setup.spec.build())
    q = predicting(lesson, ctx, T)
    r = revealed(lesson, ctx.with_runs(simulate(setup), lesson), T)
    for text in (q.title, q.look, q.question, *q.choices, r.answer, r.explanation, r.why, r.ask):
        assert not wrong_particles(text), (text, wrong_particles(text))
        assert not plain_style(text), (text, plain_style(text))
        assert "{" not in text and "}" not in text


def test_the_korean_catalog_is_in_one_register():
    for key, value in ko.TEXT.items():
        for text in value if isinstance(value, tuple) else (value,):
            assert not plain_style(text), (key, plain_style(text))


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("30.8", "와", "과"),
        ("20", "로", "으로"),
        ("(0, 1)", "으로", "로"),
        ("3.8", "와", "과"),
        ("5", "과", "와"),
        ("10", "를", "을"),
        ("1,590", "와", "과"),
        ("100", "가", "이"),
        ("2", "은", "는"),
        ("0", "와", "과"),
        ("87%", "과", "와"),
        ("A", "이", "가"),
        ("lr", "으로", "로"),
        ("Adam", "는", "은"),
        ("1.0", "로", "으로"),
        ("7", "으로", "로"),
        ("1000", "를", "을"),
        ("10000", "와", "과"),
        ("경사 하강법", "가", "이"),
        ("모멘텀", "를", "을"),
    ],
)
def test_particles_follow_the_reading(word, particle, expected):
    from model.text.korean import particle as choose

    assert choose(word, particle) == expected
