"""Shared fixtures, including the real-browser harness.

The browser fixtures start ``streamlit run app.py`` on a free loopback port, drive Debian's
Chromium through Playwright, and never skip: if the browser cannot run, the tests fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
CONNECTED = "[data-testid=stApp][data-test-connection-state=CONNECTED]"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium) "
            "or run `bash tests/run_all.sh`, which installs it.",
            pytrace=False,
        )
    return path


class StreamlitServer:
    """A ``streamlit run app.py`` process on loopback, started and stopped by the fixture."""

    def __init__(self, port: int, log_path: Path, extra: list[str] | None = None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.extra = list(extra or [])  # more command-line settings, e.g. ["--server.disconnectedSessionTTL", "10"]
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--client.showErrorDetails", "full",
            *self.extra,
        ]
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def streamlit_server(artifacts_dir: Path) -> Iterator[StreamlitServer]:
    server = StreamlitServer(_free_port(), artifacts_dir / "streamlit-server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    with tempfile.TemporaryDirectory(prefix="mlp-chromium-home-") as home, sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            env={**os.environ, "HOME": home},
        )
        yield b
        b.close()


def wait_until_idle(page, timeout_ms: float = 30_000) -> None:
    """Wait until the app is connected to its server and no script is running."""
    page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def wait_until_main_page_ready(page, timeout_ms: float = 60_000) -> None:
    """Wait until the main page's first run has drawn its sidebar and toolbar and finished. The connection
    and script-state markers alone can report idle before the first run has even started, and a click on
    the sidebar during that run makes Streamlit forget the widgets it had not drawn yet."""
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar's selectbox labelled ``label``, and wait for the run."""
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label).click()
    page.keyboard.type(option)  # the list shows only the options in view: filter it to the one wanted
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page, timeout_ms=60_000)


def link_settings(page) -> dict[str, str]:
    """The settings in the page's link (its query string), each key's last value."""
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def run_cleared(page) -> bool:
    """Whether the main page shows no run: no live views, no "What was done" panel, no model download, and Train
    disabled."""
    from tests.browser_probe import FIND

    train = page.get_by_role("button", name="Train", exact=True)
    return (page.evaluate(f"() => ({FIND})().length") == 0 and page.get_by_text("What was done with").count() == 0
            and page.get_by_role("button", name="Download the model (JSON)").count() == 0 and train.is_disabled())


def whole_page_screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so make the window as tall as the content."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, height + 40)})
    page.wait_for_timeout(800)  # plotly redraws to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def app_page(browser, streamlit_server: StreamlitServer):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(streamlit_server.url, wait_until="domcontentloaded")
    wait_until_main_page_ready(page)
    yield page
    context.close()
