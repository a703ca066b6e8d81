"""A typed formula in the app: the formula box, its last good function, links to it."""

from pathlib import Path

from .conftest import chart_spec, fresh, no_exception

CANARY = Path("/tmp/descent-canary")


def test_the_app_takes_a_formula_and_keeps_the_last_good_one():
    at = fresh()
    at.selectbox(key="surface").set_value("custom").run()
    no_exception(at)
    at.text_input(key="formula").set_value("x^2 + 10y^2").run()
    no_exception(at)
    assert at.number_input(key="y0").value is not None
    assert chart_spec(at)["data"][0]["type"] == "contour"
    assert any("x^{2} + 10 y^{2}" in latex.value for latex in at.latex)
    at.text_input(key="formula").set_value("__import__('os').system('touch /tmp/descent-canary')").run()
    no_exception(at)
    assert any("Unexpected character" in w.value and "previous function stays" in w.value for w in at.warning)
    assert chart_spec(at)["data"][0]["type"] == "contour" and not CANARY.exists()
    at.text_input(key="formula").set_value("w^4 - 3w^2 + w").run()
    no_exception(at)
    assert chart_spec(at)["data"][0]["name"] == "loss L(w)"


def test_a_link_to_a_custom_formula_starts_inside_its_view():
    at = fresh({"surface": "custom", "formula": "x^2 + 10y^2 + xy"})
    no_exception(at)
    x0, y0 = at.number_input(key="x0").value, at.number_input(key="y0").value
    assert -3 <= x0 <= 3 and -3 <= y0 <= 3 and (x0, y0) != (0.0, 0.0)
