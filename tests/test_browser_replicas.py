"""Two replicas behind HAProxy (``deploy/serve.py``) in real Chromium: HAProxy's cookie keeps a browser on its
replica while it trains and switches pages; a second browser is placed on the other replica, and its upload (a
request of its own, outside the websocket) reaches it there; when one replica is killed, the other's visitor goes
on untouched and the killed one's visitor, on reload, gets a working page from the survivor, started from its
link's settings. Then SIGTERM stops serve.py and every process it started."""

from __future__ import annotations

import os
import re
import signal

import pytest

from deploy.haproxy_config import COOKIE
from tests.browser_probe import FIND
from tests.conftest import CONNECTED, wait_until_idle, wait_until_main_page_ready
from tests.serve_process import Served, wait_ended

pytestmark = pytest.mark.browser
LINK = "?hidden=4,2&dseed=3"  # the first visitor's settings, which its link carries to any replica


@pytest.fixture
def served(artifacts_dir):
    served = Served(2, artifacts_dir / "serve-replicas.log")
    yield served
    served.stop()


def _visit(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_until_main_page_ready(page)
    return context, page


def _replica(context) -> str:
    """The replica HAProxy's cookie pins this browser to."""
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def _wait_for_epoch(page, epoch: int) -> None:
    """Until the status line says the run stands at ``epoch``."""
    page.get_by_text(re.compile(rf"^Epoch {epoch} · loss")).wait_for()


def _hidden_layers(page) -> str:
    label = page.locator("[data-testid=stSidebar] [data-testid=stWidgetLabel]").filter(has_text="Hidden layers")
    return label.first.locator("xpath=..").locator("input").first.input_value()


def _upload(page, path) -> None:
    """Choose "Your CSV file" and upload ``path``: until the run on it is ready."""
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(path))
    page.get_by_text(f"What was done with {path.name}").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)


def test_replicas_keep_each_browser_and_survive_the_death_of_one(browser, served, artifacts_dir, tmp_path):
    assert set(served.pids) == {"r1", "r2", "haproxy"}
    first, a = _visit(browser, served.url + "/" + LINK)
    second = None
    try:
        home = _replica(first)
        # Trains, pauses, visits the Learn page and comes back: the same run, on the same replica.
        a.get_by_role("button", name="Train", exact=True).click()
        a.wait_for_function(f"() => Number((({FIND})()[0] || {{}}).dataset?.epoch) >= 20")
        a.get_by_role("button", name="Pause", exact=True).click()
        wait_until_idle(a)
        paused = int(re.match(r"Epoch (\d+)", a.get_by_text(re.compile(r"^Epoch \d+ · loss")).inner_text()).group(1))
        a.locator("[data-testid=stSidebarNav] a").filter(has_text="Learn: the mathematics").click()
        a.locator("h1").filter(has_text="Learn: the mathematics, live").wait_for(timeout=60_000)
        wait_until_idle(a, timeout_ms=60_000)
        a.locator("[data-testid=stSidebarNav] a").filter(has_text="Playground").click()
        wait_until_main_page_ready(a)
        _wait_for_epoch(a, paused)
        assert _replica(first) == home

        # A new browser, without the cookie, goes to the replica with fewer connections: the other one. Its
        # upload, a request HAProxy balances on its own, lands where its session is: the cookie pins it.
        second, b = _visit(browser, served.url)
        away = _replica(second)
        assert {home, away} == {"r1", "r2"}
        rows = [f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{i % 3 / 3:.3f},{'yes' if i % 7 > 3 else 'no'}" for i in range(80)]
        (tmp_path / "pinned.csv").write_text("a,b,c,label\n" + "\n".join(rows) + "\n")
        _upload(b, tmp_path / "pinned.csv")
        b.get_by_role("button", name="+10", exact=True).click()
        _wait_for_epoch(b, 10)

        os.kill(served.pids[home], signal.SIGKILL)
        while not served.next_line(timeout=30).startswith(f"{home} exited"):
            pass

        # The survivor's visitor: still connected to the same session, which goes on from epoch 10.
        assert b.locator(CONNECTED).count() == 1
        b.get_by_role("button", name="+10", exact=True).click()
        _wait_for_epoch(b, 20)
        assert _replica(second) == away
        assert b.locator("[data-testid=stException]").count() == 0

        # The killed replica's visitor reloads: a working page from the survivor, from its link's settings.
        a.reload(wait_until="domcontentloaded")
        wait_until_main_page_ready(a)
        assert _replica(first) == away
        assert _hidden_layers(a) == "4,2"
        _wait_for_epoch(a, 0)
        a.get_by_role("button", name="+10", exact=True).click()
        _wait_for_epoch(a, 10)
        assert a.locator("[data-testid=stException]").count() == 0
        a.screenshot(path=str(artifacts_dir / "replicas-after-reload.png"))
    finally:
        first.close()
        if second is not None:
            second.close()

    assert served.stop(signal.SIGTERM) == 0
    assert wait_ended(list(served.pids.values()), timeout=30) == []
