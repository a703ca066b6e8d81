"""In front of a class, through AppTest: lessons survive their own suggestions, the epoch axis compares
like with like, the heatmap's colours say what its caption says, nothing overprints, downloads are
named and readable in Excel."""

import itertools

import numpy as np

from lessons import builtin
from ui.panels import file_stem

from .conftest import chart_spec, fresh, lesson_state, no_exception, state_of


def test_following_a_lessons_own_suggestion_keeps_the_lesson():
    """Finding 7: lesson 9 asks to set noise 0.05; doing so ended the lesson and its Reveal."""
    at = fresh({"lesson": "saddle"})
    at.number_input(key="noise").set_value(0.05).run()
    no_exception(at)
    assert state_of(at)["lesson"] == "saddle"
    assert at.button(key="lesson_reveal") is not None and any(
        "saddle" in m.value.lower() for m in at.markdown
    )
    at.number_input(key="steps").set_value(50).run()  # not something the lesson asks for
    assert state_of(at)["lesson"] == "free"


def test_the_epoch_axis_compares_runs_on_the_same_data_budget():
    """Finding 8: SGD's 6 epochs were squashed against full batch's 300."""
    at = fresh({"lesson": "sgd-vs-batch"})
    at.button(key="lesson_reveal").click().run()
    no_exception(at)
    spec = chart_spec(at, "history")
    assert spec["layout"]["xaxis"]["range"] == [0, 6.0]
    assert any("ends at 6 epochs" in c.value for c in at.caption)


def test_the_heatmaps_colours_match_its_caption():
    """Finding 9: the caption said darker is lower loss while the colour bar said the opposite."""
    at = fresh({"surface": "rosenbrock", "view": "compare"})
    no_exception(at)
    heat = chart_spec(at, "compare_chart")["data"]
    assert heat[0]["colorscale"] == "Viridis" and not heat[0].get("reversescale")  # low values dark
    assert heat[1]["colorscale"][0][1].startswith("#C8")  # diverged cells grey
    caption = " ".join(c.value for c in at.caption)
    assert "darker is a lower final loss" in caption and "grey cells diverged" in caption


def test_the_sweeps_lr_title_sits_under_the_lower_panel():
    at = fresh({"view": "sweep"})
    layout = chart_spec(at, "sweep_chart")["layout"]
    assert "title" not in layout["xaxis"] or not layout["xaxis"]["title"].get("text")
    assert (
        layout["xaxis2"]["title"]["text"].startswith("learning rate") and layout["yaxis2"]["anchor"] == "x2"
    )


def test_the_history_panels_do_not_overlap():
    at = fresh({"surface": "rosenbrock"})
    layout = chart_spec(at, "history")["layout"]
    domains = [layout[a]["domain"] for a in ("xaxis", "xaxis2", "xaxis3")]
    assert all(a[1] + 0.08 <= b[0] for a, b in itertools.pairwise(domains))  # room for each y title


def test_downloads_are_named_after_the_lesson_or_surface():
    assert file_stem(lesson_state("ravine"), builtin()) == "ravine"
    assert (
        file_stem(dict(lesson_state("ravine"), lesson="free", surface="himmelblau"), builtin())
        == "himmelblau"
    )


def test_presentation_mode_is_in_the_link_and_a_button_leaves_it():
    at = fresh({"lesson": "ravine", "present": "1"})
    no_exception(at)
    assert state_of(at)["present"] and state_of(at)["lesson"] == "ravine"
    at.button(key="present_button").click().run()
    assert not state_of(at)["present"] and state_of(at)["lesson"] == "ravine"


def test_a_prediction_hides_the_outcome_until_reveal():
    at = fresh({"lesson": "too-large"})
    assert not at.dataframe and not [w for w in at.warning if "diverged" in w.value]
    assert chart_spec(at)["layout"]["meta"]["grow"] is True
    assert [c.proto.id for c in at.get("plotly_chart") if c.proto.id.endswith("-history")] == []
    at.button(key="lesson_reveal").click().run()
    assert at.dataframe and [w for w in at.warning if "diverged" in w.value]
    spec = chart_spec(at)  # the whole paths are drawn, and the last frame says how each run ended
    assert spec["layout"]["meta"]["grow"] is False
    assert any("diverged at step" in a.get("text", "") for a in spec["frames"][-1]["layout"]["annotations"])


def _panels(layout: dict) -> list[tuple[list, list]]:
    """(x domain, y domain) of each panel of a layout, in axis order (x/y, x2/y2, ...)."""
    keys = sorted(k for k in layout if k.startswith("xaxis"))
    return [(layout[k].get("domain", [0, 1]), layout["y" + k[1:]].get("domain", [0, 1])) for k in keys]


def test_on_a_phone_panels_stack_and_the_buttons_take_two_rows():
    """A phone's screen is a few fingers wide: panels side by side would each be a sliver."""
    from model.experiment import simulate
    from model.state import defaults, setup_from
    from model.text import texts
    from viz.animation import controls_margin
    from viz.history import history_figure
    from viz.views import main_figure

    T = texts("en")
    setup = setup_from(defaults("linreg"))
    s = setup.spec.build()
    runs = simulate(setup, s)
    ratios = [(np.arange(3), np.ones(3), 2.0) for _ in runs]
    for wide, narrow in (
        (main_figure(s, runs, T, "contour"), main_figure(s, runs, T, "contour", phone=True)),
        (history_figure(runs, T, ratios=ratios), history_figure(runs, T, ratios=ratios, phone=True)),
    ):
        side = _panels(wide["layout"])
        assert all(a[0][1] < b[0][0] for a, b in itertools.pairwise(side))  # side by side
        stacked = _panels(narrow["layout"])
        assert len(stacked) == len(side) >= 2 and all(x == [0.0, 1.0] for x, _ in stacked)
        assert all(b[1][1] < a[1][0] for a, b in itertools.pairwise(stacked))  # one under the other
        assert narrow["layout"]["height"] > 1.3 * wide["layout"]["height"]
    chart = main_figure(s, runs, T, "contour", phone=True)["layout"]
    rows = [[b["label"] for b in menu["buttons"]] for menu in chart["updatemenus"]]
    assert len(rows) == 2 and [len(r) for r in rows] == [3, 3]
    tops = [menu["pad"]["t"] for menu in chart["updatemenus"]]
    assert tops[0] + 50 <= tops[1] and tops[1] + 50 <= chart["sliders"][0]["pad"]["t"]  # no overlap
    assert chart["margin"]["b"] == controls_margin(True) > controls_margin(False)
