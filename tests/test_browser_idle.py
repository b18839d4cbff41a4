"""A page nobody touches asks the server for nothing. Once the live views have left the page (another data source
chosen, a file that cannot be read) or been replaced by a new run's, nothing of theirs keeps drawing or asking:
before, views removed while a landscape map was on its way went on asking for it every 2 s for as long as the tab
stayed open — a rerun request per page every 2 s on the server, and a script run each whenever the views' fragment
was on the page again; a file uploaded at such a moment could wait for ever (Streamlit drops the upload's answer
queued when a run of the whole page starts)."""

import time

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.browser_probe import FIND
from tests.conftest import wait_until_idle, wait_until_main_page_ready

pytestmark = pytest.mark.browser
QUIET_SECONDS = 7  # more than three times the landscape map's 2 s asking period


class Sent:
    """The rerun requests a page sends its server, with the time each was sent."""

    def __init__(self, page):
        self.reruns: list[tuple[float, str]] = []
        page.on("websocket", lambda ws: ws.on("framesent", self._take))

    def _take(self, payload) -> None:
        msg = BackMsg()
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        if msg.WhichOneof("type") == "rerun_script":
            self.reruns.append((time.monotonic(), msg.rerun_script.fragment_id or "the whole page"))

    def since(self, t: float) -> list[str]:
        return [what for at, what in self.reruns if at >= t]


@pytest.fixture
def watched(browser, streamlit_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sent = Sent(page)
    page.goto(streamlit_server.url, wait_until="domcontentloaded")
    yield page, sent
    context.close()


def test_views_that_left_the_page_ask_for_nothing(watched):
    page, sent = watched
    wait_until_main_page_ready(page)
    # At once, while the first landscape map is still being made: the views leave the page with a map asked for.
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    page.get_by_text("Upload a CSV file to train on your own data.").wait_for(timeout=30_000)
    wait_until_idle(page)
    assert page.evaluate(f"() => ({FIND})().length") == 0  # no views on the page
    start = time.monotonic()
    page.wait_for_timeout(QUIET_SECONDS * 1000)
    assert sent.since(start) == []
    assert page.evaluate("() => window.__mlpLiveState") is None  # nothing left for the toolbar's hooks to drive


def test_a_paused_page_falls_quiet_and_a_new_run_leaves_nothing_behind(watched):
    page, sent = watched
    wait_until_main_page_ready(page)
    for click in ("Reset", "+10", "Reset", "Step"):  # a Reset starts a new run, its views replace the old run's
        page.get_by_role("button", name=click, exact=True).click()  # at once, while a landscape map is on its way
        wait_until_idle(page)
    # The landscape map of the epoch on screen is asked for until it comes: then the page falls quiet.
    page.wait_for_function("() => { const l = window.__mlpLiveState; "
                           "return l && l.store.landscape && !(l.data.landscape && l.data.landscape.due); }",
                           timeout=60_000)
    wait_until_idle(page)
    start = time.monotonic()
    page.wait_for_timeout(QUIET_SECONDS * 1000)
    assert sent.since(start) == []
