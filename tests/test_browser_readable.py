"""Readable from the back of a room: the text in the live views is at least 13 px (16 px in Present), the views grow
with the screen, Present puts the network, the loss and a slice on one 1400 × 900 screen, the toolbar keeps its
labels at 150 % zoom, and a phone stacks the views full width with labels of at least 11 px.

150 % zoom is played as Chromium plays it: a 1400 × 900 window at 150 % is a 933 × 600 CSS-pixel page drawn at a
device pixel ratio of 1.5. One server for the module (the session's); one browser page per screen."""

import pytest

from tests.browser_probe import FIND, smallest_text
from tests.conftest import wait_until_main_page_ready

pytestmark = pytest.mark.browser
TOOLBAR_BUTTONS = ("b_train", "b_pause", "b_step", "b_step10", "b_reset")


def _open(browser, url: str, width: int, height: int, scale: float = 1):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_until_main_page_ready(page)
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch !== undefined", timeout=30_000)
    page.wait_for_timeout(300)  # the views' resize observers have laid them out for their width
    return page


def _boxes(page) -> dict:
    """Where the views are on the page at scroll 0, in CSS px: {name: [left, top, right, bottom]}."""
    return page.evaluate(f"""() => {{ const live = ({FIND})()[0], out = {{}};
        for (const [name, sel] of Object.entries({{graph: ".panel-graph", loss: ".panel-loss", slice: ".mlpx-slice",
                                                   panels: ".live-grid", heatmaps: ".panel-heatmaps"}})) {{
            const r = live.querySelector(sel).getBoundingClientRect();
            out[name] = [r.left, r.top, r.right, r.bottom]; }}
        out.page = [innerWidth, document.documentElement.scrollWidth];
        return out; }}""")


@pytest.fixture(scope="module")
def screens(browser, streamlit_server):
    """Each screen's page, opened once for the module: {name: page}."""
    opened = {}

    def get(name):
        if name not in opened:
            width, height, scale, query = {"1400": (1400, 900, 1, ""), "present": (1400, 900, 1, "?present=1"),
                                           "1920": (1920, 1080, 1, ""), "zoom150": (933, 600, 1.5, ""),
                                           "phone": (390, 844, 3, "")}[name]
            opened[name] = _open(browser, streamlit_server.url + query, width, height, scale)
        return opened[name]

    yield get
    for page in opened.values():
        page.context.close()


def test_the_text_in_the_live_views_is_at_least_13_px(screens):
    text = smallest_text(screens("1400"))
    assert text["px"] >= 13, text


def test_present_enlarges_the_text_and_puts_the_network_the_loss_and_a_slice_on_one_screen(screens):
    page = screens("present")
    text = smallest_text(page)
    assert text["px"] >= 16, text
    boxes = _boxes(page)
    for view in ("graph", "loss", "slice"):
        left, top, right, bottom = boxes[view]
        assert top >= 0 and bottom <= 900 and right <= 1400, (view, boxes[view])
    assert boxes["graph"][1] == boxes["loss"][1]  # side by side
    assert page.locator(".st-key-w_present input").is_checked()  # the sidebar shows it on


def test_a_wider_screen_gets_bigger_drawings(screens):
    at_1400, at_1920 = _boxes(screens("1400")), _boxes(screens("1920"))
    slice_width = {k: b["slice"][2] - b["slice"][0] for k, b in (("1400", at_1400), ("1920", at_1920))}
    assert slice_width["1920"] > 1.2 * slice_width["1400"], slice_width
    heat_1920 = at_1920["heatmaps"][3] - at_1920["heatmaps"][1]
    heat_1400 = at_1400["heatmaps"][3] - at_1400["heatmaps"][1]
    assert heat_1920 > heat_1400, (heat_1400, heat_1920)  # larger cells, not wider margins


def test_the_toolbar_buttons_keep_their_labels_at_150_percent_zoom(screens):
    page = screens("zoom150")
    for key in TOOLBAR_BUTTONS:
        button = page.locator(f".st-key-{key} button").first
        label = button.locator("[data-testid=stMarkdownContainer]")
        b, t = button.bounding_box(), label.bounding_box()
        assert t is not None and t["width"] > 10 and t["x"] + t["width"] <= b["x"] + b["width"] + 0.5, (key, b, t)
    assert page.evaluate("document.documentElement.scrollWidth") <= 933


def test_a_phone_stacks_the_views_full_width_with_readable_labels(screens):
    page = screens("phone")
    text = smallest_text(page)
    assert text["px"] >= 11, text
    boxes = _boxes(page)
    width, scroll_width = boxes["page"]
    assert scroll_width <= width  # nothing wider than the screen
    grid = boxes["panels"]
    for view in ("graph", "loss", "heatmaps"):
        left, _, right, _ = boxes[view]
        assert left >= 0 and right <= width and right - left >= 0.95 * (grid[2] - grid[0]), (view, boxes[view])
    assert boxes["graph"][3] <= boxes["loss"][1] <= boxes["heatmaps"][1]  # one under the other
    left, _, right, _ = boxes["slice"]
    assert right <= width and right - left >= 0.9 * (grid[2] - grid[0]) - 40, boxes["slice"]  # a slice a row, wide
