"""The Learn page in a real browser: reached from the sidebar after some training, its equations rendered by
KaTeX (no raw LaTeX left on the page), its gradient check read from the page."""

import pytest

from tests.conftest import wait_until_idle, whole_page_screenshot

pytestmark = pytest.mark.browser
TITLE = "Learn: the mathematics"


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has_text=label)
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_learn_page_renders_the_equations_of_the_epoch_on_screen(app_page, artifacts_dir):
    page = app_page
    page.get_by_role("button", name="+10").click()
    page.get_by_text("Epoch 10 · loss").wait_for(timeout=30_000)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=TITLE).click()
    page.locator("h1").filter(has_text="Learn: the mathematics, live").wait_for(timeout=30_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stMarkdown]").filter(has_text="hidden activation relu").filter(
        has_text="epoch 10").count() == 1

    equations = page.locator("[data-testid=stMarkdown] .katex-display")
    assert equations.count() >= 15
    assert page.locator(".katex-error").count() == 0  # every formula parsed
    forward = equations.first.inner_text()
    assert "Z" in forward and "W" in forward and "\\begin" not in forward  # typeset, not raw source
    matrices = page.locator(".katex-display .mtable")
    assert matrices.count() >= 10  # the weights, inputs and gradients written out as matrices

    assert float(_metric(page, "Largest relative error, this sample")) < 1e-6
    assert float(_metric(page, "Largest relative error, the batch")) < 1e-6
    page.locator("[data-testid=stMarkdown] .katex-display").first.screenshot(path=str(artifacts_dir / "learn-z1.png"))
    whole_page_screenshot(page, artifacts_dir / "learn.png")
