"""What the browser benches share: the app served on loopback and a headless Chromium, both stopped at the end."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_FLAGS, StreamlitServer, _free_port  # noqa: E402


@contextlib.contextmanager
def server_and_browser() -> Iterator[tuple[StreamlitServer, object]]:
    """``streamlit run app.py`` on a free loopback port (its log in a temporary folder) and Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    server = StreamlitServer(_free_port(), Path(tempfile.mkdtemp()) / "streamlit.log")
    server.start()
    try:
        with tempfile.TemporaryDirectory() as home, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS,
                                         env={**os.environ, "HOME": home})
            try:
                yield server, browser
            finally:
                browser.close()
    finally:
        server.stop()
