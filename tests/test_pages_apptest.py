"""Every page runs under Streamlit's AppTest without raising."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]


@pytest.mark.parametrize("script", PAGES, ids=[p.name for p in PAGES])
def test_page_runs_without_exception(script):
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{script.name} should start with a title"
