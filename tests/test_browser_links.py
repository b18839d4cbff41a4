"""Hostile links in real Chromium, on every page: a teacher's link with valid settings, damaged values and
markup. No page shows an error box or an exception; the valid settings reach the sidebar exactly (a slider keeps
437 between its steps); the ignored ones are named in notices shown as plain text; the URL keeps the valid
settings on every page; and no request leaves the machine (a link's image address is never fetched)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.browser_watch import ALL_TEXT, Watched
from tests.conftest import link_settings, wait_until_idle, wait_until_main_page_ready
from ui.settings.link import from_query, to_query

pytestmark = pytest.mark.browser

LINK = {
    "n": "437", "noise": "0.123", "lr": "0.05", "batch": "7", "seed": "100001", "speed": "7", "hidden": "4,2",
    "mom": "0.995", "act": "![x](http://example.invalid/x.png)", "alpha": "[click](http://example.invalid)",
    "dseed": "$\\rule{2000px}{300px}$", "x": "0", "y": "0", "lr ": "<img src=x onerror=alert(1)>",
}
PAGES = {"": "MLP Playground", "About": "About MLP Playground", "Compare": "Compare with scikit-learn",
         "Classify": "Classify a CSV", "Learn": "Learn: the mathematics, live"}
# What the sidebar must show for the link's valid settings: (widget kind, label) -> text.
SIDEBAR = {("slider", "Points"): "437", ("slider", "Noise"): "0.123", ("slider", "Learning rate"): "0.05",
           ("slider", "Speed (epochs per second)"): "7", ("input", "Batch size"): "7",
           ("input", "Weights seed"): "100001", ("input", "Hidden layers"): "4,2", ("slider", "Momentum"): "0.00"}


def _sidebar(page) -> dict:
    bar = page.locator("[data-testid=stSidebar]")
    shown = {}
    for kind, label in SIDEBAR:
        if kind == "slider":
            widget = bar.locator("[data-testid=stSlider]").filter(has_text=label).first
            shown[kind, label] = widget.locator("[data-testid=stSliderThumbValue]").inner_text()
        else:
            widget = bar.locator("[data-testid=stWidgetLabel]").filter(has_text=label).first
            shown[kind, label] = widget.locator("xpath=..").locator("input").first.input_value()
    return shown


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "Playground")
def test_a_hostile_link_opens_every_page_with_its_valid_settings(browser, streamlit_server, artifacts_dir, path):
    expected, notices = from_query(LINK)
    assert len(notices) == 6  # mom, act, alpha, dseed, the unknown "lr ", and y (two equal inputs)
    watched = Watched(browser, f"{streamlit_server.url}/{path}?{urlencode(LINK)}")
    page = watched.page
    try:
        page.locator("h1").filter(has_text=PAGES[path]).wait_for(timeout=60_000)
        wait_until_idle(page, timeout_ms=60_000)
        boxes = page.locator("[data-testid=stAlertContentInfo]")
        boxes.filter(has_text="The link's act=").wait_for(timeout=30_000)
        text = page.evaluate(ALL_TEXT)
        for notice in notices:
            assert notice in text  # as written: the markup of the link is shown, not rendered
        assert page.locator("[data-testid=stAlertContentError]").count() == 0
        watched.assert_clean()
        assert link_settings(page) == to_query(expected)  # the valid settings stay in the URL on every page
        page.screenshot(path=str(artifacts_dir / f"link-{path or 'Playground'}.png"))
        if path:  # then to the main page: its sidebar holds the link's settings
            page.locator("[data-testid=stSidebarNav] a").filter(has_text="Playground").click()
            wait_until_main_page_ready(page)
        assert _sidebar(page) == {key: value for key, value in SIDEBAR.items()}
        assert link_settings(page) == to_query(expected)
        page.locator("[data-testid=stSidebarNav] a").filter(has_text="Compare with scikit-learn").click()
        page.locator("h1").filter(has_text="Compare with scikit-learn").wait_for(timeout=30_000)
        wait_until_idle(page, timeout_ms=60_000)
        assert link_settings(page) == to_query(expected)
        assert page.locator("[data-testid=stAlertContentError]").count() == 0
        watched.assert_clean()
    finally:
        watched.context.close()
