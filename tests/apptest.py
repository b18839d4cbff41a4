"""Driving the whole app (``app.py`` and its pages) under Streamlit's AppTest, as the page tests do."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_app(query=None, timeout: float = 120) -> AppTest:
    """The main page after its first run, with ``query`` as the URL's settings."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def session_of(at):
    """The session's state (``ui.state.Session``)."""
    return at.session_state["mlp_session"]


def click(at, key):
    at.button(key=key).click()
    return at.run()
