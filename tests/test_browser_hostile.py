"""Hostile files (tests/hostile/) uploaded in real Chromium: a selection on the main page and on the Classify
page gets its message with no exception box; on the main page the old data's run is cleared (no views, panel or
model download; Train disabled until a usable table is loaded). Names with markup or script from a file create no
element (no image, script, link, bold, formula or icon), fire no dialog, and the page never asks for anything
outside the app's own server. A file over the upload limit is refused by Streamlit itself, on a second server
started with a 1 MB limit."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_watch import ALL_TEXT, Watched
from tests.conftest import StreamlitServer, _free_port, choose, run_cleared, wait_until_idle, whole_page_screenshot
from tests.hostile.make_corpus import write_large
from ui.common.text import inert
from ui.settings.sidebar import CHOOSE

pytestmark = pytest.mark.browser
HOSTILE = Path(__file__).resolve().parent / "hostile"
CSV = HOSTILE / "csv"
MODELS = HOSTILE / "models"
MODEL_FILE, CSV_TO_CLASSIFY = "Model file (JSON)", "CSV file to classify"  # the Classify page's uploaders
HOSTILE_NAME = "**bold** <img src=x onerror=alert(1)> [link](javascript:alert(1)).csv"

@pytest.fixture
def watched(browser, streamlit_server):
    w = Watched(browser, streamlit_server.url)
    yield w
    w.context.close()


def _upload(page, path: Path, *, to: str = "CSV file", name: str | None = None) -> None:
    """Upload ``path`` (under ``name`` if given) with the file uploader whose label is ``to``."""
    uploader = page.locator("[data-testid=stFileUploader]").filter(
        has=page.locator("[data-testid=stWidgetLabel]", has_text=re.compile(f"^{re.escape(to)}$")))
    target = uploader.locator("[data-testid=stFileUploaderDropzoneInput]")
    target.wait_for(state="attached", timeout=30_000)
    if name is None:
        target.set_input_files(str(path))
    else:
        target.set_input_files({"name": name, "mimeType": "text/csv", "buffer": path.read_bytes()})
    # The uploader names the new file once it has taken it (in full in the name's title; a long name is shortened
    # in the middle): only then can the page's answer be waited for (the page may still show its answer to the
    # previous file, which can say the same words).
    chip = uploader.locator("[data-testid=stFileChipName]").and_(page.get_by_title(name or path.name, exact=True))
    chip.wait_for(timeout=60_000)


def _target_choice(page) -> None:
    """Wait until the page, having read a new file with no column named like a label, asks for its target: the
    sidebar's "Target column" shows no choice (a new file starts without the previous file's), and the main page
    says to choose one."""
    box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text="Target column")
    expect(box.locator("input")).to_have_value(CHOOSE, timeout=60_000)
    page.get_by_text("choose the target column").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)


def _error(page, *words: str) -> str:
    alert = page.locator("[data-testid=stAlertContentError]")
    for word in words:
        alert = alert.filter(has_text=word)
    alert.first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    return alert.first.inner_text()


def _epoch(page) -> int:
    text = page.get_by_text(re.compile(r"^Epoch \d+ · loss")).inner_text()
    return int(re.match(r"Epoch (\d+)", text).group(1))


def _step(page) -> int:
    """Press Step and return the epoch the toolbar then shows."""
    before = _epoch(page)
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text(re.compile(rf"^Epoch {before + 1} · loss")).wait_for(timeout=30_000)
    wait_until_idle(page)
    return _epoch(page)


def _load_good_csv(page) -> None:
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    _upload(page, CSV / "good.csv")
    page.get_by_text("What was done with good.csv").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)


def test_main_page_hostile_uploads_clear_the_run_and_show_names_as_text(watched, artifacts_dir):
    page = watched.page
    _load_good_csv(page)
    page.get_by_role("button", name="+10").click()
    page.get_by_text("Epoch 10 ·").wait_for(timeout=60_000)
    wait_until_idle(page)
    for path, words in [
        (CSV / "image_png.csv", ["PNG image", "Export the data as CSV"]),
        (CSV / "unbalanced_quotes.csv", ["quotation mark", "line 6"]),
    ]:
        _upload(page, path)
        _error(page, *words)
        assert run_cleared(page)  # good.csv's run is gone: nothing trains on the old data
        watched.assert_clean()
    _upload(page, CSV / "three_classes.csv")
    _target_choice(page)  # no two-valued label: the page asks
    assert run_cleared(page)
    choose(page, "Target column", "x1")  # a number of many values, not a class
    _error(page, "60 classes", "looks like a number to predict")
    assert run_cleared(page)
    watched.assert_clean()
    page.screenshot(path=str(artifacts_dir / "hostile-main-refused.png"))

    _upload(page, CSV / "markup_headers.csv", name=HOSTILE_NAME)
    _target_choice(page)
    choose(page, "Target column", "[link](javascript:alert(1))")  # the last column, named as a markdown link
    expander = page.locator("[data-testid=stExpander]").filter(has_text="What was done with")
    expander.filter(has_text=inert(HOSTILE_NAME)).wait_for(timeout=60_000)  # the file's name, as written
    page.get_by_text("Epoch 0 ·").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    assert _step(page) == 1
    page.get_by_role("button", name="Train", exact=True).click()  # animate the live views with those names
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_until_idle(page)
    expander.click()
    names = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**"]
    # The live views draw those names too, once their render after the Pause has arrived: wait for it (a loaded
    # machine was seen reading the page before), then read the whole page.
    every_name = f"(names) => {{ const t = ({ALL_TEXT.strip()})(); return names.every((n) => t.includes(n)); }}"
    page.wait_for_function(every_name, arg=names, timeout=30_000)
    text = page.evaluate(ALL_TEXT)
    for name in names:
        assert name in text  # shown, literally
    watched.assert_clean()
    whole_page_screenshot(page, artifacts_dir / "hostile-main-markup.png")
    # The sidebar's slice choices name the new file's inputs, not the previous file's x1 and x2.
    boxes = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]")
    shown = [boxes.filter(has_text=label).locator("input").input_value()
             for label in ("Slice: horizontal input", "Slice: vertical input")]
    header = (CSV / "markup_headers.csv").read_text().splitlines()[0].split(",")
    assert len(set(shown)) == 2 and all(any(v == h or v.startswith(h + "=") for h in header[:-1]) for v in shown)


def test_classify_page_refuses_bad_models_and_files_and_shows_names_as_text(watched, artifacts_dir, tmp_path):
    page = watched.page
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Classify a CSV").click()
    page.locator("h1").filter(has_text="Classify a CSV").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.get_by_text("A model file (JSON)").click()
    page.get_by_text(MODEL_FILE, exact=True).wait_for(timeout=30_000)
    wait_until_idle(page)
    large = write_large(tmp_path)
    for path, words in [
        (MODELS / "pickle_renamed.json", ["pickle", "never loaded"]),
        (large["huge_array_20mb.json"], ["coefs[0]", "shape (3, 3)"]),
        (MODELS / "nan_literal.json", ["NaN"]),
    ]:
        _upload(page, path, to=MODEL_FILE)
        _error(page, "This model file cannot be used", *words)
        assert page.locator("[data-testid=stFileUploaderDropzoneInput]").count() == 1  # nothing to score with
        watched.assert_clean()

    _upload(page, MODELS / "markup_names_model.json", to=MODEL_FILE)
    page.get_by_text(re.compile(r"^Model file markup_names_model\.json: 300 epochs")).wait_for(timeout=60_000)
    wait_until_idle(page)
    for path, words in [(CSV / "page_html.csv", ["HTML/XML or JSON"]), (CSV / "empty.csv", ["empty"])]:
        _upload(page, path, to=CSV_TO_CLASSIFY)
        _error(page, "This file cannot be read", *words)
        watched.assert_clean()

    _upload(page, CSV / "markup_headers.csv", to=CSV_TO_CLASSIFY, name=HOSTILE_NAME)
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3", timeout=60_000)
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    text = page.evaluate(ALL_TEXT)
    assert "<script>alert(1)</script>" in text and "**bold**" in text
    watched.assert_clean()
    whole_page_screenshot(page, artifacts_dir / "hostile-classify.png")


@pytest.fixture(scope="module")
def small_limit_server(artifacts_dir):
    """A second app server whose uploads are limited to 1 MB (Streamlit reads the environment before config.toml)."""
    server = StreamlitServer(_free_port(), artifacts_dir / "streamlit-server-1mb.log")
    saved = os.environ.get("STREAMLIT_SERVER_MAX_UPLOAD_SIZE")
    os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] = "1"
    try:
        server.start()
    finally:
        if saved is None:
            del os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"]
        else:
            os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] = saved
    yield server
    server.stop()


def test_a_file_over_the_upload_limit_is_refused_and_the_app_goes_on(browser, small_limit_server, artifacts_dir,
                                                                     tmp_path):
    watched = Watched(browser, small_limit_server.url)
    page = watched.page
    try:
        _load_good_csv(page)
        big = write_large(tmp_path)["over_limit_2mb.csv"]
        _upload(page, big)
        message = page.get_by_text(re.compile(r"File must be 1(\.0)?MB or smaller"))
        message.wait_for(timeout=30_000)
        wait_until_idle(page)
        page.screenshot(path=str(artifacts_dir / "hostile-size-limit.png"))
        assert page.get_by_text("What was done with good.csv").is_visible()
        assert _step(page) == 1
        watched.assert_clean()
    finally:
        watched.context.close()
