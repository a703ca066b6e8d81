"""In front of a class, in a real browser: the projector layout, predictions that are not spoiled,
a colour and a label for every run, controls that never collide, phones that work by touch.
Screenshots of every lesson go to tests/e2e/output/ (not committed)."""

from __future__ import annotations

import pytest

from lessons import builtin

from .conftest import MAIN, OUTPUT, box, chart, inside_viewport, painted, settle

pytestmark = pytest.mark.e2e


def button(pg, word: str):
    return pg.locator(".updatemenu-button", has_text=word).first


def visible_points(pg) -> list[int]:
    """Per growing path trace: how many of its markers are drawn."""
    return chart(
        pg,
        """[...g.querySelectorAll('.scatterlayer .trace')].filter(t => t.__data__[0].trace.meta && t.__data__[0].trace.meta.grow)
           .map(t => [...t.querySelectorAll('path.point')].filter(p => p.style.display !== 'none').length)""",
    )


def frame_is(pg, name: str) -> None:
    """Wait until the animation shows frame `name` (a step button's click has been applied)."""
    pg.wait_for_function(f"() => ({MAIN}).__descentFrame === {name!r}", timeout=30_000)


def wait_idle(pg) -> None:
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)


def labels(pg) -> list[str]:
    return chart(pg, "[...g.querySelectorAll('.annotation-text')].map(a => a.textContent).filter(t => t)")


@pytest.mark.parametrize("slug", list(builtin()))
def test_every_lesson_fits_a_projector_in_presentation_mode(open_app, slug):
    pg = open_app(f"lesson={slug}&present=1", 1280, 720)
    OUTPUT.mkdir(exist_ok=True)
    pg.screenshot(path=str(OUTPUT / f"lesson-{slug}-1280x720.png"))
    assert inside_viewport(box(pg, ".js-plotly-plot .nsewdrag"), pg), "the chart's plot area"
    if builtin()[slug].settings.get("view") != "basins":  # a basin map has no animation, only its lr slider
        assert inside_viewport(button(pg, "Play").bounding_box(), pg), "the Play button"
    assert inside_viewport(box(pg, ".slider-rail-rect"), pg), "the slider"
    top = chart(pg, "g.getBoundingClientRect().top")
    notes = chart(pg, "[...g.querySelectorAll('.annotation-text')].map(a => a.getBoundingClientRect().top)")
    assert min(notes, default=top) >= top - 1, "every note above the plot inside the chart"
    assert inside_viewport(box(pg, ".st-key-lesson_guess"), pg), "the question and its choices"
    assert inside_viewport(pg.get_by_role("button", name="Reveal").bounding_box(), pg), "Reveal"
    assert pg.locator("[data-testid='stSidebar']").is_hidden()
    assert smallest_text(pg) >= 17.5, "no text under 18 px on the projector"
    assert tick_contrast(pg) >= 4.5, "tick labels dark enough for the back row"
    pg.get_by_role("button", name="Reveal").click()
    wait_idle(pg)
    pg.wait_for_selector("[data-testid='stAlert']")
    pg.wait_for_selector(".js-plotly-plot .nsewdrag")
    assert inside_viewport(box(pg, "[data-testid='stAlert']"), pg), "the answer and its explanation"
    assert inside_viewport(box(pg, ".js-plotly-plot .nsewdrag"), pg), "the chart, after Reveal"
    pg.screenshot(path=str(OUTPUT / f"lesson-{slug}-1280x720-revealed.png"))
    assert pg.console_errors == []


def smallest_text(pg) -> float:
    """The smallest font size, in px, of any text on the screen (the page's and the charts')."""
    return pg.evaluate(
        r"""() => {
          const seen = [];
          const walker = document.createTreeWalker(document.querySelector("[data-testid='stMain']"), NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement, text = n.textContent.trim();
            if (!text || !el) continue;
            const r = el.getBoundingClientRect(), style = getComputedStyle(el);
            if (r.width === 0 || r.bottom < 0 || r.top > innerHeight || style.visibility === "hidden") continue;
            if (style.opacity === "0" || el.closest("[aria-hidden='true'], .hoverlayer")) continue;
            if (/Material/.test(style.fontFamily)) continue;  // an icon's ligature, not text
            if ((/rgba\(0, 0, 0, 0\)/.test(style.fill) || style.fillOpacity === "0") && el.tagName === "text") continue;  // invisible
            seen.push(parseFloat(style.fontSize));
          }
          return Math.min(...seen);
        }"""
    )


def tick_contrast(pg) -> float:
    """The lowest contrast ratio against white of the charts' tick labels (WCAG)."""
    return pg.evaluate(
        r"""() => {
          const lum = c => { const v = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(x => +x / 255)
            .map(x => x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
          const ratios = [...document.querySelectorAll(".xtick text, .ytick text")]
            .map(t => 1.05 / (lum(getComputedStyle(t).fill) + 0.05));
          return Math.min(...ratios);
        }"""
    )


def test_a_1080p_projector_gets_a_bigger_chart_and_larger_type(open_app):
    small = open_app("lesson=ravine&present=1", 1280, 720)
    h720 = chart(small, "g._fullLayout.height")
    big = open_app("lesson=ravine&present=1", 1920, 1080)
    assert chart(big, "g._fullLayout.height") > 1.4 * h720
    assert chart(big, "Math.min(g._fullLayout.xaxis.tickfont.size, g._fullLayout.yaxis.tickfont.size)") >= 16
    assert inside_viewport(button(big, "Play").bounding_box(), big)
    OUTPUT.mkdir(exist_ok=True)
    big.screenshot(path=str(OUTPUT / "lesson-ravine-1920x1080.png"))


def test_a_prediction_cannot_be_read_off_the_page_before_play_or_reveal(open_app):
    pg = open_app("lesson=too-large", 1400, 1000)
    assert visible_points(pg) == [1, 1]  # only the start: the paths grow with the animation
    assert pg.locator("[data-testid='stDataFrame']").count() == 0  # no summary, no step table
    assert pg.locator("[data-testid='stAlert']", has_text="diverged").count() == 0
    assert not any("diverged" in t for t in labels(pg))
    plot = box(pg, ".js-plotly-plot .nsewdrag")  # hover where lr 1.0 will bounce (w = -3): nothing to read
    pg.mouse.move(plot["x"] + plot["width"] * 0.1, plot["y"] + plot["height"] * 0.4)
    assert "step" not in pg.evaluate(
        "() => [...document.querySelectorAll('.hoverlayer')].map(h => h.textContent).join(' ')"
    )
    button(pg, "Fast").click()
    pg.wait_for_function(f"() => {{ const g = {MAIN}; return g.__descentFrame === '100'; }}", timeout=30_000)
    assert not any("diverged" in t for t in labels(pg))  # a preview has no fate, even at the end
    assert visible_points(pg)[1] == 101
    pg.get_by_role("button", name="Reveal").click()
    pg.locator("[data-testid='stAlert']", has_text="diverged at step 6").wait_for(timeout=30_000)  # the rerun
    settle(pg)
    assert pg.locator("[data-testid='stAlert']", has_text="diverged at step 6").count() == 1
    pg.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)  # Streamlit loads tables lazily
    pg.wait_for_function(f"() => {{ const g = {MAIN}; return g.__descentFrame === '100'; }}", timeout=30_000)
    pg.wait_for_function(  # the animation stays at its end, which now says how each run ended
        f"() => [...{MAIN}.querySelectorAll('.annotation-text')].some(a => a.textContent.includes('diverged at step 6'))",
        timeout=30_000,
    )


def test_free_play_shows_the_whole_path_at_step_0(open_app):
    pg = open_app("surface=quadratic", 1400, 1000)
    assert chart(pg, "g.layout.meta.grow") is False
    pg.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)  # the summary and the step table


def test_the_step_buttons_move_one_frame(open_app):
    pg = open_app("lesson=too-large&present=1", 1280, 720)
    for expected in ("1", "2", "3"):
        button(pg, "step").click()
        frame_is(pg, expected)
    button(pg, "back").click()
    frame_is(pg, "2")
    assert visible_points(pg) == [3, 3]
    frames = chart(pg, "(window.__f = [], g.on('plotly_animatingframe', e => window.__f.push(e.name)), true)")
    button(pg, "Slow").click()
    pg.wait_for_function("() => window.__f.length >= 1", timeout=30_000)
    button(pg, "Pause").click()
    assert frames and pg.evaluate("() => window.__f[0]") == "3"  # Play continues from the frame on show


def test_a_click_on_the_map_sets_the_start_after_playing_and_scrubbing(open_app):
    """plotly.js ignores a click on the plot after frames applied without a redraw; the page's script
    re-applies the frame on show, redrawn, when an animation stops."""
    pg = open_app("surface=ravine", 1400, 1200)
    button(pg, "Fast").click()
    pg.wait_for_function(
        f"() => {{ const g = {MAIN}; return g.__descentFrame === g._transitionData._frames.slice(-1)[0].name; }}",
        timeout=60_000,
    )
    pg.wait_for_function(f"() => ({MAIN}).__descentSame === false", timeout=30_000)  # the frame re-applied
    plot = box(pg, ".js-plotly-plot .nsewdrag")
    pg.mouse.click(plot["x"] + plot["width"] * 0.75, plot["y"] + plot["height"] * 0.3)
    pg.wait_for_function("() => location.search.includes('x0=')", timeout=30_000)
    settle(pg)
    assert float(pg.locator("input[aria-label='start x₀']").input_value()) > 0


def test_a_1d_point_off_the_view_is_labelled_with_its_value(open_app):
    """Finding 3: lesson 2 at step 1 drew the pinned point's label empty."""
    pg = open_app("lesson=too-large&present=1", 1280, 720)
    button(pg, "step").click()
    frame_is(pg, "1")
    assert any("w = −75, L = 5778" in t for t in labels(pg))


def test_every_run_has_its_own_colour_and_a_label_by_its_point(open_app):
    pg = open_app("lesson=seed-comparison", 1400, 1000)
    colours = chart(pg, "g._fullData.filter(t => t.meta && t.meta.grow).map(t => t.line.color)")
    assert len(colours) == 4 and len(set(colours)) == 4
    assert sorted(labels(pg)) == sorted(["GD · lr 0.1", "GD · lr 0.4", "GD · lr 0.001", "GD · lr 10"])


@pytest.mark.parametrize(("width", "height", "mobile"), [(700, 900, False), (390, 844, True)])
def test_the_animation_controls_never_collide(open_app, width, height, mobile):
    pg = open_app("surface=ravine", width, height, mobile)
    buttons = [button(pg, w).bounding_box() for w in ("back", "step", "Play", "Fast", "Slow", "Pause")]
    slider = box(pg, ".slider-rail-rect")
    label = box(pg, ".slider-label")
    for b in buttons:
        assert b["height"] >= 44  # a finger's target
        assert b["x"] >= 0 and b["x"] + b["width"] <= width  # on the screen: a phone puts them in two rows
        for other in (slider, label):
            assert (
                b["y"] + b["height"] <= other["y"]
                or other["y"] + other["height"] <= b["y"]
                or b["x"] + b["width"] <= other["x"]
            )
    assert label["width"] > 0 and chart(pg, "g.querySelector('.slider-label').textContent") == "step 0"
    pg.locator(".slider-grip-rect").first.scroll_into_view_if_needed()
    grip = box(pg, ".slider-grip-rect")
    on_top = pg.evaluate(
        f"() => document.elementFromPoint({grip['x'] + grip['width'] / 2}, {grip['y'] + grip['height'] / 2}).getAttribute('class')"
    )
    assert "slider-grip" in on_top  # nothing covers the grip at step 0


@pytest.mark.parametrize(("width", "height", "mobile"), [(700, 900, False), (390, 844, True)])
def test_nothing_starts_under_the_header_on_narrow_screens(open_app, width, height, mobile):
    """Up to 768 px wide Streamlit's header is opaque: the formula and the first lines start below it."""
    pg = open_app("surface=rosenbrock", width, height, mobile)
    header = box(pg, "header[data-testid=stHeader]")
    tops = pg.evaluate(
        """() => [...document.querySelectorAll('.block-container [data-testid=stElementContainer], .katex')]
             .map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => r.top)"""
    )
    assert tops and min(tops) >= header["y"] + header["height"]


def test_a_phone_gets_the_data_under_the_map_and_the_history_one_panel_a_row(open_app):
    pg = open_app("surface=linreg", 390, 844, mobile=True)
    x, y, y2 = chart(
        pg, "[g._fullLayout.xaxis.domain, g._fullLayout.yaxis.domain, g._fullLayout.yaxis2.domain]"
    )
    assert x == [0, 1] and y2[1] < y[0]  # the data panel under the map
    assert box(pg, ".js-plotly-plot .nsewdrag")["width"] > 200  # the map is as wide as the phone allows
    history = pg.evaluate(
        """() => { const g = [...document.querySelectorAll('.js-plotly-plot')].find(d => d.layout.yaxis3);
                   const f = g._fullLayout; return [f.yaxis.domain, f.yaxis2.domain, f.yaxis3.domain, f.xaxis3.domain]; }"""
    )
    assert history[0][0] > history[1][1] and history[1][0] > history[2][1] and history[3] == [0, 1]
    desktop = open_app("surface=linreg", 1280, 720)
    assert chart(desktop, "g._fullLayout.xaxis.domain")[1] < chart(desktop, "g._fullLayout.xaxis2.domain")[0]


def test_a_phone_with_a_presentation_link_keeps_a_phones_chart(open_app):
    """A presentation link opened on a phone: the lesson's bar fills the phone's first screen, so the
    chart is not squeezed into the rest of it (a strip 56 px tall) but drawn as on any phone, every
    animation button within the screen's width."""
    pg = open_app("lesson=taylor&present=1&lang=ko", 390, 844, mobile=True, locale="ko-KR")
    assert box(pg, ".js-plotly-plot .nsewdrag")["height"] > 150  # a strip of 56 px before
    right = pg.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.js-plotly-plot .updatemenu-button')]
                   .map(b => b.getBoundingClientRect().right))"""
    )
    assert 0 < right <= 390


def touch_drag(pg, x0, y0, x1, y1, moves=12):
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, moves + 1):
        t = i / moves
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x0 + t * (x1 - x0), "y": y0 + t * (y1 - y0)}]},
        )
        painted(pg, 1)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    painted(pg, 30)  # a scroll's momentum and a slider's last step come to rest


def test_on_a_phone_a_swipe_scrolls_a_tap_sets_the_start_and_the_slider_drags(open_app):
    pg = open_app("surface=himmelblau", 390, 844, mobile=True)  # a square map: a long swipe fits on it
    plot = box(pg, ".js-plotly-plot .nsewdrag")
    scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop"
    touch_drag(
        pg,
        plot["x"] + plot["width"] / 2,
        plot["y"] + plot["height"] * 0.8,
        plot["x"] + plot["width"] / 2,
        plot["y"] + 10,
    )
    assert pg.evaluate(scrolled) > 100  # the page scrolled
    assert chart(pg, "g._fullLayout.xaxis.range") == [-5, 5]  # the map did not pan
    grip = box(pg, ".slider-grip-rect")
    rail = box(pg, ".slider-rail-rect")
    touch_drag(
        pg,
        grip["x"] + grip["width"] / 2,
        grip["y"] + grip["height"] / 2,
        rail["x"] + rail["width"] * 0.5,
        grip["y"] + grip["height"] / 2,
    )
    assert chart(pg, "g._fullLayout.sliders[0].active") > 10  # dragged from step 0 by a finger
    pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    pg.wait_for_function("() => document.querySelector('[data-testid=stMain]').scrollTop === 0")
    painted(pg, 2)
    plot = box(pg, ".js-plotly-plot .nsewdrag")
    pg.touchscreen.tap(plot["x"] + plot["width"] * 0.75, plot["y"] + plot["height"] * 0.3)
    pg.wait_for_function("() => location.search.includes('x0=')", timeout=30_000)
    settle(pg)
    assert float(pg.locator("input[aria-label='start x₀']").input_value()) > 0  # the start moved to the tap


def click_to_download(pg, button):
    """The download a click on `button` starts."""
    with pg.expect_download(timeout=30_000) as info:
        button.click()
    return info.value


def test_downloads_are_named_after_the_lesson_and_the_csv_reads_in_excel(open_app):
    pg = open_app("lesson=ravine", 1400, 1000)
    pg.get_by_role("button", name="Reveal").click()
    settle(pg)
    for i, suffix in enumerate((".html", ".csv")):
        download = click_to_download(pg, pg.locator("[data-testid='stDownloadButton'] button").nth(i))
        assert download.suggested_filename == f"ravine{suffix}"
        if suffix == ".csv":
            with open(download.path(), "rb") as fh:
                content = fh.read()
            assert content.startswith(b"\xef\xbb\xbfrun,step,epoch")  # UTF-8 with a byte-order mark


def test_quick_clicks_on_the_downloads_each_download(open_app):
    """A press used to rerun the page too; a rerun replacing the file a press asked for left the
    button spinning and disabled for good (4 of 12 quick presses, ui.panels.export_ui)."""
    pg = open_app("lesson=ravine", 1400, 1000)
    pg.get_by_role("button", name="Reveal").click()
    settle(pg)
    buttons = pg.locator("[data-testid='stDownloadButton'] button")
    for i in range(8):
        assert click_to_download(pg, buttons.nth(i % 2)).suggested_filename.startswith("ravine")
