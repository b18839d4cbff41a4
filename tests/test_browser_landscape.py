"""The Landscape page in a real browser: opened by a link, the map draws the run's path and its epoch marker on the
initial weights; moving the epoch slider moves the drawn marker to the final weights; the race draws its paths; and
a diverging learning rate's page. Screenshots of both go to tests/artifacts."""

import re

import pytest

from tests.conftest import wait_until_idle, whole_page_screenshot

pytestmark = pytest.mark.browser
CHARTS = "[data-testid=stPlotlyChart]"


def _open(browser, server, query: str = ""):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/Landscape{query}", wait_until="domcontentloaded")
    page.locator("h1").filter(has_text="The loss landscape").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    _wait_for_charts(page, 2)
    return context, page


def _wait_for_charts(page, count: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .main-svg').length >= {2 * count}",
                           timeout=60_000)  # plotly draws two svg layers a chart
    page.wait_for_timeout(500)


def _point(page, trace: int) -> tuple[float, float]:
    """Where the map (the first chart) draws the marker of one of its scatter traces, counted from the last (-1: the
    epoch's marker, -2: the final weights' star, -3: the initial weights), in pixels."""
    transform = page.evaluate(
        "(k) => { const t = document.querySelector('[data-testid=stPlotlyChart]').querySelectorAll("
        "'.scatterlayer .trace'); return t[t.length + k].querySelector('path.point').getAttribute('transform'); }",
        trace)
    x, y = re.fullmatch(r"translate\(([-\d.e]+),\s*([-\d.e]+)\)", transform).groups()
    return float(x), float(y)


def _near(a, b, pixels: float = 1.5) -> bool:
    return abs(a[0] - b[0]) <= pixels and abs(a[1] - b[1]) <= pixels


def _race(page, count: int) -> None:
    page.get_by_role("button", name="Start the race").click()
    wait_until_idle(page, timeout_ms=120_000)
    _wait_for_charts(page, count)


def test_the_epoch_slider_moves_the_marker_from_the_initial_to_the_final_weights(browser, streamlit_server,
                                                                                 artifacts_dir):
    context, page = _open(browser, streamlit_server)
    try:
        assert page.locator("[data-testid=stException]").count() == 0
        start = _point(page, -1)
        assert _near(start, _point(page, -3))  # epoch 0: on the initial weights
        assert not _near(start, _point(page, -2), pixels=20)
        slider = page.locator("[data-testid=stSlider]").filter(has_text="Epoch").first.locator("input[type=range]")
        slider.focus()
        page.keyboard.press("End")
        wait_until_idle(page)
        page.wait_for_function(
            "(s) => { const t = document.querySelector('[data-testid=stPlotlyChart]').querySelectorAll("
            "'.scatterlayer .trace'); return t[t.length - 1].querySelector('path.point').getAttribute('transform')"
            " !== s; }", arg=f"translate({start[0]},{start[1]})", timeout=30_000)
        last = int(slider.get_attribute("value"))
        assert last > 100
        assert _near(_point(page, -1), _point(page, -2))  # the last epoch: on the final weights, the origin
        page.get_by_text(f"Epoch {last}: the training loss of its weights is").wait_for(timeout=30_000)
        _race(page, 4)
        assert page.get_by_text("reached the lowest training loss").count() == 1
        assert page.locator("[data-testid=stException]").count() == 0
        whole_page_screenshot(page, artifacts_dir / "landscape-default.png")
    finally:
        context.close()


def test_a_diverging_learning_rate_is_drawn_with_a_race_at_a_second_rate(browser, streamlit_server, artifacts_dir):
    context, page = _open(browser, streamlit_server, "?lr=10")
    try:
        page.get_by_text("This run diverged").wait_for(timeout=30_000)
        rate = page.locator("[data-testid=stSelectbox]").filter(has_text="Second learning rate").locator("input")
        rate.click()
        rate.fill("0.1")  # the options that contain it, 0.1 first
        page.keyboard.press("Enter")
        wait_until_idle(page)
        assert rate.input_value() == "0.1"
        _race(page, 4)
        assert page.get_by_text("diverged in epoch").count() >= 1
        assert page.locator("[data-testid=stException]").count() == 0
        whole_page_screenshot(page, artifacts_dir / "landscape-diverging.png")
    finally:
        context.close()
