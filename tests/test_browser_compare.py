"""The Compare page in a real browser: reached from the sidebar, drawn without an exception, proven equal."""

import pytest

from tests.conftest import wait_until_idle, whole_page_screenshot
from ui.compare.comparison import TOLERANCE

pytestmark = pytest.mark.browser
TITLE = "Compare with scikit-learn"


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has_text=label)
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def _charts_drawn(page, count: int) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= {count}",
        timeout=60_000,
    )


def test_compare_page_opens_from_the_sidebar_and_shows_the_networks_equal(app_page, artifacts_dir):
    page = app_page
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=TITLE).click()
    page.locator("h1").filter(has_text=TITLE).wait_for(timeout=30_000)
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    _charts_drawn(page, 3)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=stException]").count() == 0
    assert float(_metric(page, "Largest weight difference")) < TOLERANCE
    assert _metric(page, "Test predictions that agree") == "100.0%"
    assert "Ball inside a shell" in page.locator("[data-testid=stText]").first.inner_text()  # the main page's data
    whole_page_screenshot(page, artifacts_dir / "compare-matched.png")

    page.get_by_text("scikit-learn with its own defaults").click()
    page.get_by_text("No weight difference to plot in this mode").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    _charts_drawn(page, 2)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=stException]").count() == 0
    whole_page_screenshot(page, artifacts_dir / "compare-defaults.png")
