"""Bad clicks in a real browser: Train, Pause, Step, Reset pressed in quick succession and page switches while
training never break the page or leave the views and the server at different epochs; the run is restored.
A click that reaches the server while the first run (or the run after a page switch) draws the sidebar does not
make the sidebar show, and the next click send, the widgets' defaults instead of the link's settings."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser_probe import FIND, epoch_of, live_labels
from tests.conftest import wait_until_idle, wait_until_main_page_ready

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
    # Streamlit merges clicks that reach the server while it is busy into one run; when a Train is merged with
    # a later click, the Pause after it may never be enabled: that click is left out, the others still count.
    burst = ("Train", "Pause", "Step", "+10", "Train", "Pause", "Reset", "+10", "Step", "Train")
    left_out = []
    for name in burst:
        try:
            buttons[name].click(timeout=8_000)
        except PlaywrightTimeout:
            left_out.append(name)
    assert len(left_out) <= 2, f"most of the burst could not be clicked: {left_out}"
    page.wait_for_timeout(800)
    wait_until_idle(page)
    if buttons["Pause"].is_enabled():  # the last Train may still be playing (a click in a burst can be superseded)
        buttons["Pause"].click(timeout=15_000)
    held = _assert_settled(page)
    # Clicks that reach the server while it is busy are applied together, in the toolbar's order (Streamlit
    # merges them into one rerun), so a burst may end at any epoch, Reset's 0 included; a click after it counts.
    buttons["+10"].click(timeout=15_000)
    page.wait_for_timeout(300)
    stepped = _assert_settled(page)
    assert stepped == held + 10
    held = stepped

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


LINK = {"seed": "9", "dseed": "3", "lr": "0.3", "epochs": "500", "speed": "120", "hidden": "4,2"}
# What the sidebar must show for LINK; 400 points is the app's default, not the slider's (50).
LINK_SIDEBAR = {"Hidden layers": "4,2", "Max epochs": "500", "Weights seed": "9", "Data seed": "3",
                "Learning rate": "0.3", "Speed (epochs per second)": "120", "Points": "400"}


class ClickDuringRun:
    """A websocket proxy between the page and the app that replays, deterministically, a click reaching the server
    while a run is drawing its sidebar, before the browser got any of the run's widgets: for the first run, and for
    the run after ``arm()``.

    Every message is forwarded both ways, except in that run: once the server has sent the sidebar's last widget,
    the page's request that started the run is sent to the server a second time (an "early click" that changes
    nothing), which stops the run at its next element and starts another, or follows it if it has ended by then;
    and from the run's first widget on only the lifecycle messages are delivered, as when a new run drops the
    messages Streamlit had not sent yet (``ForwardMsgQueue.clear(retain_lifecycle_msgs=True)``). The page thus
    meets the widgets in the next run, which must send their values.

    (Sending the page's first message twice at once stops nothing: Streamlit merges two requests that arrive
    before the run starts.)"""

    AFTER = "Slices across the other input"  # the sidebar's last widget
    LIFECYCLE = {"new_session", "script_finished", "session_status_changed", "parent_message", "page_info_changed"}

    def __init__(self):
        self.runs = 0  # script runs started on the server (new_session messages)
        self.arm()

    def arm(self) -> None:
        self.target = self.runs + 1  # the run to click into
        self.request: bytes | None = None  # the page's request that started it
        self.lifecycle: list[str] = []  # from that run on: "started", "finished <ScriptFinishedStatus>", in order
        self.withholding, self.withheld = False, 0

    def route(self, ws) -> None:
        server = ws.connect_to_server()

        def from_page(message):
            back = BackMsg()
            back.ParseFromString(message)
            if self.request is None and self.runs < self.target and back.WhichOneof("type") == "rerun_script":
                # Sent again later, when the page may have dropped messages it had cached: claim none cached, so
                # that the server sends every element in full rather than as a reference the page cannot resolve.
                back.rerun_script.ClearField("cached_message_hashes")
                self.request = back.SerializeToString()
            server.send(message)

        def from_server(message):
            msg = ForwardMsg()
            msg.ParseFromString(message)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.runs += 1
                self.withholding = False
            if self.runs >= self.target and kind in ("new_session", "script_finished"):
                self.lifecycle.append("started" if kind == "new_session" else f"finished {msg.script_finished}")
            if kind == "delta" and self.runs == self.target and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                widget = getattr(element, element.WhichOneof("type"))
                if widget.DESCRIPTOR.fields_by_name.get("set_value") is not None:  # a widget with a value
                    self.withholding = True
                    if getattr(widget, "label", None) == self.AFTER:
                        server.send(self.request)  # the "early click"
            if self.withholding and kind not in self.LIFECYCLE:
                self.withheld += 1
                return
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    def assert_clicked(self) -> None:
        """The fault happened: the page saw none of the run's widgets, and another run followed it (the click
        stopped the run at its next element, or came after its end: the same for the page, which meets the widgets
        only in that next run)."""
        assert self.withheld > 0, self.lifecycle
        assert self.lifecycle.count("started") >= 2, self.lifecycle


def _sidebar_settings(page) -> dict[str, str]:
    side = page.locator("[data-testid=stSidebar]")
    values = {label: side.get_by_label(label, exact=True).input_value()
              for label in ("Hidden layers", "Max epochs", "Weights seed", "Data seed")}
    for label in ("Learning rate", "Speed (epochs per second)", "Points"):
        values[label] = side.get_by_role("slider", name=label).get_attribute("aria-valuetext")
    return values


def _step_ten_keeps_the_link(page, epoch: int) -> None:
    """+10 sends the widgets' values back: the settings stay the link's and the run goes on (no restart)."""
    page.get_by_role("button", name="+10", exact=True).click()
    page.get_by_text(re.compile(rf"^Epoch {epoch} · loss")).wait_for(timeout=60_000)
    wait_until_idle(page)
    query = dict(part.split("=", 1) for part in page.url.split("?", 1)[1].split("&"))
    assert {k: query.get(k) for k in ("lr", "epochs", "seed", "hidden")} == \
        {"lr": "0.3", "epochs": "500", "seed": "9", "hidden": "4%2C2"}
    assert page.get_by_text("settings changed").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    assert _sidebar_settings(page) == LINK_SIDEBAR


def test_link_settings_survive_a_click_while_the_first_run_draws_its_sidebar(browser, streamlit_server, artifacts_dir):
    """A click while the first run draws the sidebar (or while the run after a page switch does, or just after it)
    must not leave the sidebar showing the widgets' defaults, to be sent back as new settings with the next click."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    proxy = ClickDuringRun()
    page.route_web_socket(re.compile(r"/_stcore/stream$"), proxy.route)
    try:
        page.goto(streamlit_server.url + "/?" + "&".join(f"{k}={v}" for k, v in LINK.items()),
                  wait_until="domcontentloaded")
        wait_until_main_page_ready(page)
        # Usually the click stops the run (it still prepares the data and the run); when the first run is slow to
        # send, the click follows it: the same fault for the page, which is what this test is about.
        proxy.assert_clicked()
        page.screenshot(path=str(artifacts_dir / "faults-click-during-first-run.png"))
        assert _sidebar_settings(page) == LINK_SIDEBAR
        _step_ten_keeps_the_link(page, 10)

        # Back from another page the widgets are seeded again, by a short run: the click stops it or follows it.
        page.locator("[data-testid=stSidebarNav] a").filter(has_text="About").click()
        page.locator("h1").filter(has_text="About MLP Playground").wait_for(timeout=30_000)
        wait_until_idle(page)
        proxy.arm()
        page.locator("[data-testid=stSidebarNav] a").filter(has_text="Playground").click()
        wait_until_main_page_ready(page)
        proxy.assert_clicked()
        assert _sidebar_settings(page) == LINK_SIDEBAR
        _step_ten_keeps_the_link(page, 20)
    finally:
        context.close()
