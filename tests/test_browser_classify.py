"""Issue 8 in a real browser: train on an uploaded CSV, step, then classify a second file on the Classify
page and download the predictions; plus the main page's model download."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import wait_until_idle, whole_page_screenshot

pytestmark = pytest.mark.browser
TITLE = "Classify a CSV"


def _fruit(path, n: int, seed: int) -> None:
    rng = np.random.RandomState(seed)
    size, weight = rng.rand(n) * 7, rng.rand(n) * 11
    colour = np.where(rng.rand(n) > 0.4, "red", "blue")
    label = np.where(size + weight + (colour == "red") * 3 > 9, "yes", "no")
    pd.DataFrame({"size": size.round(3), "colour": colour, "weight": weight.round(3), "label": label}).to_csv(
        path, index=False)


def test_train_on_a_csv_then_classify_another_and_download_the_predictions(app_page, artifacts_dir, tmp_path):
    page = app_page
    _fruit(tmp_path / "train.csv", 300, seed=0)
    _fruit(tmp_path / "new.csv", 80, seed=1)

    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(tmp_path / "train.csv"))
    page.get_by_text("What was done with train.csv").wait_for(timeout=60_000)  # the run on the file is ready
    wait_until_idle(page, timeout_ms=60_000)
    page.get_by_role("button", name="+10").click()
    page.get_by_text("Epoch 10 ·").wait_for(timeout=30_000)
    wait_until_idle(page)

    with page.expect_download() as model_download:
        page.get_by_role("button", name="Download the model (JSON)").click()
    assert model_download.value.suggested_filename == "mlp-playground-epoch-10.json"
    model_path = tmp_path / "model.json"
    model_download.value.save_as(model_path)
    model = json.loads(model_path.read_text())
    assert model["training"]["n_iter"] == 10
    assert [i["column"] for i in model["preprocessing"]["inputs"]] == ["size", "colour", "weight"]
    page.screenshot(path=str(artifacts_dir / "classify-model-download.png"))

    page.locator("[data-testid=stSidebarNav] a").filter(has_text=TITLE).click()
    page.locator("h1").filter(has_text=TITLE).wait_for(timeout=30_000)
    wait_until_idle(page)
    assert "epoch 10" in page.locator("[data-testid=stText]").first.inner_text()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(tmp_path / "new.csv"))
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3", timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the predictions (CSV)").click()
    assert download.value.suggested_filename == "new-predictions.csv"
    predictions = pd.read_csv(download.value.path(), dtype=str, keep_default_na=False)
    assert len(predictions) == 80
    assert all(predictions["probability"] != "") and set(predictions["prediction"]) <= {"yes", "no"}
    assert all(0 <= float(p) <= 1 for p in predictions["probability"])
    whole_page_screenshot(page, artifacts_dir / "classify.png")

    # The model downloaded from the browser scores the same file from the command line identically.
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "mlp_core", "predict", str(model_path), str(tmp_path / "new.csv"),
                    "--out", str(tmp_path / "cli.csv")], cwd=root, check=True, capture_output=True)
    cli = pd.read_csv(tmp_path / "cli.csv", dtype=str, keep_default_na=False)
    assert list(cli["probability"]) == list(predictions["probability"])  # the same doubles, written as repr
    assert list(cli["prediction"]) == list(predictions["prediction"])
