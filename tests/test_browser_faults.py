"""Bad clicks in a real browser: Train, Pause, Step, Reset pressed in quick succession and page switches while
training never break the page or leave the views and the server at different epochs; the run is restored."""

import re

import pytest

from tests.browser_probe import FIND, epoch_of, live_labels
from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser


def _views_at(page) -> set[int]:
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch !== undefined", timeout=30_000)
    return {epoch_of(label) for label in live_labels(page).values()}


def _server_epoch(page) -> int:
    text = page.get_by_text(re.compile(r"^Epoch \d+ · loss")).inner_text()
    return int(re.match(r"Epoch (\d+)", text).group(1))


def _assert_settled(page) -> int:
    """Paused, no exception, and every view shows the epoch the server says is on screen."""
    wait_until_idle(page)
    page.wait_for_timeout(600)
    assert page.locator("[data-testid=stException]").count() == 0
    epoch = _server_epoch(page)
    assert _views_at(page) == {epoch}
    return epoch


def test_rapid_clicks_and_page_switches_keep_views_and_server_together(app_page, artifacts_dir):
    page = app_page
    buttons = {name: page.get_by_role("button", name=name, exact=True) for name in ("Train", "Pause", "Step",
                                                                                      "+10", "Reset")}
    # Quick succession, no waiting for the app between clicks (each waits only for its button to be enabled).
    for name in ("Train", "Pause", "Step", "+10", "Train", "Pause", "Reset", "+10", "Step", "Train"):
        buttons[name].click(timeout=15_000)
    page.wait_for_timeout(800)
    wait_until_idle(page)
    if buttons["Pause"].is_enabled():  # the last Train may still be playing (a click in a burst can be superseded)
        buttons["Pause"].click(timeout=15_000)
    held = _assert_settled(page)
    assert held > 0

    # Leave for another page while training plays, come back: the same run, paused where the visit paused it.
    buttons["Train"].click()
    page.wait_for_timeout(700)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Learn: the mathematics").click()
    page.locator("h1").filter(has_text="Learn: the mathematics, live").wait_for(timeout=30_000)
    wait_until_idle(page, timeout_ms=60_000)
    explained = page.locator("[data-testid=stMarkdown]").filter(has_text="hidden activation").inner_text()
    learn_epoch = int(re.search(r"epoch (\d+)", explained).group(1))  # the epoch the Learn page explains
    assert learn_epoch >= held
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Playground").click()
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=30_000)
    assert _assert_settled(page) == learn_epoch

    # Reset, then a page switch: still epoch 0 of the same run, and Train still plays.
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_until_idle(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="About").click()
    page.locator("h1").filter(has_text="About MLP Playground").wait_for(timeout=30_000)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Playground").click()
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=30_000)
    assert _assert_settled(page) == 0
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_timeout(1200)
    assert max(_views_at(page)) > 0
    page.get_by_role("button", name="Pause", exact=True).click()
    _assert_settled(page)
    page.screenshot(path=str(artifacts_dir / "faults-after-clicks.png"), full_page=True)
