"""Clicks that arrive while a large network is still recording, in real Chromium: +10 then Reset, +10 then Step,
and bursts of both. Streamlit starts the new click's run at once, in another thread, while the previous one is
still training; the session's lock makes the second wait, so no click is lost and none breaks the recording
(before the lock: an exception box, "generator already executing", and a +10 lost)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.browser_probe import FIND, epoch_of, live_labels
from tests.conftest import wait_until_idle, wait_until_main_page_ready

pytestmark = pytest.mark.browser

# The largest network on 2,000 points, one row per gradient step: +10 takes seconds to record.
LARGE = {"hidden": "64,64,64,64,64,64", "n": "2000", "batch": "1", "lr": "0.0001", "epochs": "150", "stop": "epochs"}


def _status_epoch(page) -> int:
    text = page.get_by_text(re.compile(r"^Epoch \d+ · loss")).inner_text()
    return int(re.match(r"Epoch (\d+)", text).group(1))


def _settled(page) -> int:
    """Idle, no exception or error, and every view at the epoch the status line gives."""
    wait_until_idle(page, timeout_ms=120_000)
    page.wait_for_timeout(500)
    wait_until_idle(page, timeout_ms=120_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    epoch = _status_epoch(page)
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch == {epoch}", timeout=30_000)
    assert {epoch_of(label) for label in live_labels(page).values()} == {epoch}
    return epoch


def test_clicks_while_a_large_network_records_are_applied_in_turn(browser, streamlit_server, artifacts_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{streamlit_server.url}/?{urlencode(LARGE)}", wait_until="domcontentloaded")
        wait_until_main_page_ready(page, timeout_ms=120_000)
        buttons = {name: page.get_by_role("button", name=name, exact=True) for name in ("Step", "+10", "Reset")}
        start = _settled(page)

        buttons["+10"].click()
        page.wait_for_timeout(1000)  # +10 is still recording (about 0.3 s an epoch here)
        buttons["Reset"].click()
        assert _settled(page) == 0

        buttons["+10"].click()
        page.wait_for_timeout(500)
        buttons["Step"].click()
        assert _settled(page) == 11

        for _ in range(3):  # a burst, as fast as a person clicks
            buttons["+10"].click()
            page.wait_for_timeout(150)
            buttons["Step"].click()
            page.wait_for_timeout(150)
        assert _settled(page) == 44
        page.screenshot(path=str(artifacts_dir / "race-large-network.png"))
        assert start == 0
    finally:
        context.close()
    log = streamlit_server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "generator already executing" not in log
