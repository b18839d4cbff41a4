"""Switching the data source to a CSV file and back, in Chromium: each source's own settings are shown again as they
were, and the next click trains on them. Streamlit forgets the value of a widget a run does not draw; before, the
teaching dataset came back as the first dataset with the sliders' minimums (20 points, no noise), which the next
click then trained on, and a file's reading choices were asked for again."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import link_settings, wait_until_idle, wait_until_main_page_ready

pytestmark = pytest.mark.browser
GOOD_CSV = Path(__file__).resolve().parent / "hostile" / "csv" / "good.csv"  # x1, x2, x3 and a yes/no label
LINK = {"ds": "moons", "n": "300", "noise": "0.25", "dseed": "3"}


def _sidebar(page):
    return page.locator("[data-testid=stSidebar]")


def _shown_dataset_settings(page) -> tuple[str, str, str, str]:
    """The Dataset box's choice, the Points and Noise sliders' values and the Data seed, as the page shows them."""
    side = _sidebar(page)
    dataset = side.locator("[data-testid=stSelectbox]").filter(has_text="Dataset").locator("input").input_value()
    slider = {name: side.locator("[data-testid=stSlider]").filter(has_text=name)
              .locator("[data-testid=stSliderThumbValue]").inner_text() for name in ("Points", "Noise")}
    seed = side.locator("[data-testid=stNumberInput]").filter(has_text="Data seed").locator("input").input_value()
    return dataset, slider["Points"], slider["Noise"], seed


def _source(page, label: str, shows: str) -> None:
    """Choose the data source ``label`` and wait until the sidebar shows its widget labelled ``shows`` and the run
    has ended (the page may still be redrawing, its old elements beside the new, when the idle marker first shows)."""
    _sidebar(page).get_by_text(label, exact=True).click()
    _sidebar(page).locator("[data-testid=stWidgetLabel]").filter(has_text=shows).first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)


def test_each_sources_settings_come_back_as_they_were(browser, streamlit_server, artifacts_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(streamlit_server.url + "/?" + "&".join(f"{k}={v}" for k, v in LINK.items()))
        wait_until_main_page_ready(page)
        before = _shown_dataset_settings(page)
        assert before == ("Interleaved moons, tilted", "300", "0.25", "3")
        _source(page, "Your CSV file", "CSV file")
        upload = page.locator("[data-testid=stFileUploaderDropzoneInput]")
        upload.set_input_files(str(GOOD_CSV))
        page.get_by_text("What was done with good.csv").wait_for(timeout=60_000)
        wait_until_idle(page, timeout_ms=60_000)
        features = _sidebar(page).locator("[data-testid=stMultiSelect]").filter(has_text="Feature columns")
        features.click()  # two of the three inputs
        for name in ("x1", "x2"):
            page.get_by_role("option", name=name, exact=True).click()
            wait_until_idle(page, timeout_ms=60_000)
        page.keyboard.press("Escape")
        page.get_by_text(re.compile(r"^Epoch 0 · loss")).first.wait_for(timeout=60_000)
        for _ in range(2):  # there and back twice
            _source(page, "Teaching dataset", "Dataset")
            page.get_by_text(re.compile(r"^Epoch 0 · loss")).first.wait_for(timeout=60_000)
            assert _shown_dataset_settings(page) == before
            step10 = page.get_by_role("button", name="+10")
            expect(step10).to_have_count(1, timeout=60_000)  # the old toolbar gone, not only the run ended
            step10.click()  # a click sends what the page shows
            page.get_by_text(re.compile(r"^Epoch 10 · loss")).first.wait_for(timeout=60_000)
            wait_until_idle(page)
            assert _shown_dataset_settings(page) == before
            assert {k: link_settings(page).get(k) for k in LINK} == LINK
            _source(page, "Your CSV file", "CSV file")
            page.get_by_text("What was done with good.csv").wait_for(timeout=60_000)
            assert _sidebar(page).get_by_text("Using good.csv, uploaded earlier").is_visible()  # the empty uploader
            chosen = features.get_by_role("group", name="Selected values").locator("[data-tag]").all_inner_texts()
            assert [t.strip() for t in chosen] == ["x1", "x2"]
        page.screenshot(path=str(artifacts_dir / "sources-back-to-csv.png"))
    finally:
        context.close()
