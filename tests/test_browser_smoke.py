"""The app opens in a real browser without an exception box."""

import pytest

from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser


def test_main_page_opens_without_exception(app_page, artifacts_dir):
    assert app_page.locator("h1").first.inner_text().strip() == "MLP Playground"
    assert app_page.locator("[data-testid=stException]").count() == 0
    app_page.screenshot(path=str(artifacts_dir / "smoke-main.png"), full_page=True)


def test_every_page_in_navigation_opens_without_exception(app_page, artifacts_dir):
    links = app_page.locator("[data-testid=stSidebarNav] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 2, "the sidebar should list the main page and at least one more page"
    for i, href in enumerate(hrefs):
        app_page.goto(href, wait_until="domcontentloaded")
        wait_until_idle(app_page)
        assert app_page.locator("[data-testid=stException]").count() == 0, href
        app_page.screenshot(path=str(artifacts_dir / f"smoke-page-{i}.png"), full_page=True)
