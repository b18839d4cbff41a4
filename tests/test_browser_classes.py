"""Three classes in a real browser: scikit-learn's shipped iris data, written to a CSV here, uploaded; the species
chosen as the target, trained with one softmax output per class. The slices are coloured by the class the network
predicts at each grid node — checked against the downloaded model's own probabilities in Python at the same
nodes — the network graph has three output units, and choosing one class's probability draws that probability.
Screenshots of the run are saved for a look."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.datasets import load_iris

from mlp_core.datasets import stratified_split
from mlp_core.persistence import load_model
from tests.browser_probe import FIND
from tests.conftest import choose, wait_until_idle, whole_page_screenshot

pytestmark = pytest.mark.browser
SLICES = f"({FIND})()[0].querySelector('.mlpx-slices')"
PROBE = f"() => {{ const s = {SLICES}; return s ? s.mlpProbe() : null; }}"
SHOTS = Path("/work/notes/shots19")  # where the screenshots are kept, beside tests/artifacts/


def _iris_csv(path: Path) -> None:
    data = load_iris(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame["species"] = [data.target_names[t] for t in data.target]
    frame.to_csv(path, index=False)


def _nodes(page, panel: int, grid: int, step: int) -> tuple[list, list]:
    """Panel ``panel``'s grid nodes (every ``step``-th column and row): their standardized inputs and indices."""
    where = [(i, j) for j in range(0, grid, step) for i in range(0, grid, step)]
    inputs = page.evaluate(f"(ij) => ij.map(([i, j]) => {SLICES}.mlpProbe().node({panel}, i, j))", where)
    return inputs, [j * grid + i for i, j in where]


def _save(page, name: str, artifacts_dir: Path) -> None:
    whole_page_screenshot(page, artifacts_dir / name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts_dir / name, SHOTS / name)


def test_a_three_class_table_trains_k_outputs_and_the_slices_show_the_predicted_class(app_page, artifacts_dir,
                                                                                       tmp_path):
    page = app_page
    csv = tmp_path / "iris.csv"
    _iris_csv(csv)
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(csv))
    page.get_by_text("Preview of iris.csv").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    choose(page, "Target column", "species")  # three values: not suggested, chosen
    page.get_by_text("What was done with iris.csv").wait_for(timeout=60_000)
    boxes = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]")
    assert boxes.filter(has_text="Classes").locator("input").input_value() == "all 3 classes"
    page.get_by_text("three softmax outputs, one per class").wait_for(timeout=30_000)

    train = page.get_by_role("button", name="Train", exact=True)
    train.click()  # played to its end (the weights stop moving): then the run is paused again
    expect(train).to_be_disabled(timeout=30_000)
    expect(train).to_be_enabled(timeout=180_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function(f"() => {{ const p = ({PROBE})(); return p && p.classes && p.projected; }}",
                           timeout=30_000)
    probe = page.evaluate(PROBE)
    assert probe["classes"]["k"] == 3 and probe["classes"]["shown"] is None
    assert len(set(probe["classes"]["colours"])) == 3
    grid = probe["grid"]
    regions = [set(np.unique(panel)) for panel in probe["classes"]["predicted"]]
    assert set.union(*regions) == {0, 1, 2} and all(len(r) >= 2 for r in regions), regions  # the species' regions
    predicted = np.array(probe["classes"]["predicted"][0])
    legend = page.evaluate(f"() => Array.from({SLICES}.querySelectorAll('.mlpx-legend-class'))"
                           ".map((e) => e.textContent)")
    assert legend == ["setosa", "versicolor", "virginica"]
    outputs = page.evaluate(f"() => ({FIND})()[0].querySelectorAll('.graph-svg .node-output').length")
    assert outputs == 3
    n_test = len(stratified_split(np.zeros((150, 1)), load_iris().target, test_size=0.25, seed=0)[3])
    assert probe["projected"]["n"] == n_test  # every test row, by projection
    assert probe["projected"]["wrong"] < n_test / 4  # it learnt

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the model (JSON)").click()
    model = load_model(Path(download.value.path()).read_text())
    assert list(model.preprocessing.classes) == ["setosa", "versicolor", "virginica"]
    assert json.loads(Path(download.value.path()).read_text())["architecture"]["output_activation"] == "softmax"
    inputs, at = _nodes(page, 0, grid, 5)
    P = model.estimator.predict_proba(np.array(inputs))
    np.testing.assert_array_equal(predicted[at], np.argmax(P, axis=1))  # the browser's softmax is the model's
    _save(page, "classes-3-predicted.png", artifacts_dir)

    choose(page, "Colour the boundary by", "the probability of versicolor")
    page.wait_for_function(f"() => {{ const p = ({PROBE})(); return p && p.classes && p.classes.shown === 1; }}",
                           timeout=30_000)
    probe = page.evaluate(PROBE)
    inputs, at = _nodes(page, 0, grid, 5)
    p = np.array(probe["panels"][0])[at]
    np.testing.assert_allclose(p, model.estimator.predict_proba(np.array(inputs))[:, 1], atol=1e-5)  # float32 weights
    assert page.evaluate(f"() => {SLICES}.querySelector('.mlpx-cbar').textContent").startswith("p(versicolor)")
    assert page.locator("[data-testid=stException]").count() == 0
    _save(page, "classes-3-probability.png", artifacts_dir)

    # Compare: the same three-class run beside MLPClassifier, found equal, its boundaries by class
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Compare with scikit-learn").click()
    page.get_by_text("Equal.").wait_for(timeout=120_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3",
                           timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("each of the 3 classes in its colour").count() == 1
    _save(page, "classes-3-compare.png", artifacts_dir)

    # Classify: the file scored by the run's network, a probability column per class in the download
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Classify a CSV").click()
    page.locator("h1").filter(has_text="Classify a CSV").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(csv))
    page.get_by_text("How good the predictions are").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3",
                           timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    with page.expect_download() as scored:
        page.get_by_role("button", name="Download the predictions (CSV)").click()
    predictions = pd.read_csv(scored.value.path())
    P = predictions[[f"probability_{s}" for s in ("setosa", "versicolor", "virginica")]].to_numpy()
    np.testing.assert_allclose(P, model.estimator.predict_proba(
        model.preprocessing.standardize(load_iris().data)), atol=1e-12)  # the epoch the model was downloaded at
    assert list(predictions["prediction"]) == [("setosa", "versicolor", "virginica")[i] for i in P.argmax(axis=1)]
    _save(page, "classes-3-classify.png", artifacts_dir)
