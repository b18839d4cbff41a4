"""A real table in a real browser, as an analyst uploads it: scikit-learn's shipped breast cancer file (no column
named like a label, so the page asks for the target) and a table written here with a one-hot colour column and a
0/1 column. Upload → preview → target → train → the slices draw the test rows and name the real row the other
inputs are held at, with no one-hot input on an axis; then a target of many values (a number, not a class) clears
the run and disables Train. Screenshots of the preview and the slices are saved for a look."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn

from tests.browser_probe import FIND
from tests.conftest import choose, run_cleared, wait_until_idle, whole_page_screenshot

pytestmark = pytest.mark.browser
BREAST_CANCER = Path(sklearn.__file__).parent / "datasets" / "data" / "breast_cancer.csv"
PROBE = f"() => {{ const s = ({FIND})()[0].querySelector('.mlpx-slices'); return s ? s.mlpProbe() : null; }}"
NODE = f"(i) => ({FIND})()[0].querySelector('.mlpx-slices').mlpProbe().node(0, i, 0)"  # panel 0, column i, row 0


def _shop_csv(path: Path) -> None:
    """Customers: the label made of two numbers, with a one-hot colour and a 0/1 member column beside them."""
    rng = np.random.RandomState(1)
    n = 360
    frame = pd.DataFrame({"colour": rng.choice(["red", "green", "blue"], n), "member": rng.choice(["yes", "no"], n),
                          "visits": rng.poisson(4, n), "age": rng.normal(40, 12, n).round(0),
                          "spend": rng.normal(80, 25, n).round(2),
                          "region": rng.choice(["north", "south", "east", "west"], n)})
    signal = (frame.age - 40) / 12 + (frame.spend - 80) / 25 + 0.4 * (frame.member == "yes")
    frame["churned"] = np.where(signal + rng.normal(0, 0.4, n) > 0, "yes", "no")
    frame.to_csv(path, index=False)


def _open_csv(page, path: Path) -> None:
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(path))
    page.get_by_text(f"Preview of {path.name}").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)


def _trained_slices(page) -> dict:
    """Train ten epochs and read the slices' probe once they have drawn the test rows."""
    page.get_by_role("button", name="+10").click()
    page.get_by_text("Epoch 10 ·").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.wait_for_function(f"() => {{ const p = ({PROBE})(); return p && p.projected && p.panels.length; }}",
                           timeout=30_000)
    return page.evaluate(PROBE)


def _screenshot_slices(page, path) -> None:
    page.evaluate(f"() => ({FIND})()[0].querySelector('.mlpx-slices').scrollIntoView()")
    page.wait_for_timeout(500)
    box = page.evaluate(f"""() => {{ const r = ({FIND})()[0].querySelector('.mlpx-slices').getBoundingClientRect();
                                     return [r.x, r.y, r.width, r.height]; }}""")
    page.screenshot(path=str(path), clip={"x": max(0, box[0] - 10), "y": max(0, box[1] - 60), "width": box[2] + 20,
                                          "height": min(box[3] + 70, 880)})


def test_breast_cancer_upload_asks_for_the_target_then_draws_test_rows_at_a_real_row(app_page, artifacts_dir):
    page = app_page
    _open_csv(page, BREAST_CANCER)
    page.get_by_text("choose the target column").wait_for(timeout=30_000)  # 31 columns, none named like a label
    assert run_cleared(page)
    preview = page.locator("[data-testid=stExpander]").filter(has_text="Preview of breast_cancer.csv")
    preview.locator("[data-testid=stDataFrame]").nth(1).wait_for(timeout=30_000)  # the first rows, the columns
    assert preview.locator("[data-testid=stDataFrame]").count() == 2
    whole_page_screenshot(page, artifacts_dir / "tabular-preview.png")

    choose(page, "Target column", "column_31")
    page.get_by_text("What was done with breast_cancer.csv").wait_for(timeout=60_000)
    page.get_by_text("majority class").first.wait_for(timeout=30_000)
    probe = _trained_slices(page)
    held = page.get_by_text("Inputs off the axes are held at training row").inner_text()
    assert "column_" in held and " = " in held  # the 27 other inputs, each at the real row's value
    n_test = round(569 * 0.25)
    assert probe["projected"]["n"] >= n_test - 2 and all(n == probe["projected"]["n"] for n in probe["points"])
    assert len({tuple(a) for a in probe["axes"]}) == 1  # every panel over the same two inputs
    assert page.locator("[data-testid=stException]").count() == 0
    _screenshot_slices(page, artifacts_dir / "tabular-slices-breast-cancer.png")


def test_a_table_with_categories_keeps_one_hot_inputs_off_the_axes_and_an_error_clears_the_run(
        app_page, artifacts_dir, tmp_path):
    page = app_page
    csv = tmp_path / "shop.csv"
    _shop_csv(csv)
    _open_csv(page, csv)
    page.get_by_text("What was done with shop.csv").wait_for(timeout=60_000)  # 'churned' suggested: it trains
    boxes = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]")
    assert boxes.filter(has_text="Target column").locator("input").input_value() == "churned"
    probe = _trained_slices(page)
    x_name, y_name = probe["axes"][0]
    assert {x_name, y_name} == {"age", "spend"}  # the two numbers the label is made of, by importance
    assert not any("=" in name or name == "member" for name in (x_name, y_name))
    held = page.get_by_text("Inputs off the axes are held at training row").inner_text()
    assert held.count("colour=") == 3 and held.count("region=") == 4
    assert sum(f"colour={c} = 1" in held for c in ("red", "green", "blue")) == 1  # one colour: a real row
    assert probe["projected"]["n"] == 90 and probe["projected"]["wrong"] < 90
    _screenshot_slices(page, artifacts_dir / "tabular-slices-shop.png")
    whole_page_screenshot(page, artifacts_dir / "tabular-trained-shop.png")

    why = page.locator("[data-testid=stExpander]").filter(has_text="Which inputs the network relies on (why")
    why.locator("summary").click()
    why.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=30_000)
    bars = why.locator("[data-testid=stPlotlyChart] .ytick text").evaluate_all("els => els.map((e) => e.textContent)")
    assert set(bars[-2:]) == {"age", "spend"}  # the two largest bars (plotly lists the axis from the bottom)
    why.screenshot(path=str(artifacts_dir / "tabular-importance.png"))

    choose(page, "Slice: horizontal input", "member")  # a 0/1 input on an axis: the network at 0 and at 1 only
    page.wait_for_function(f"() => {{ const p = ({PROBE})(); return p && p.axes[0][0] === 'member'; }}",
                           timeout=30_000)
    probe = page.evaluate(PROBE)
    grid = probe["grid"]
    for panel in probe["panels"]:
        rows = np.array(panel).reshape(grid, grid)  # row j: y fixed, x across
        assert all(len(np.unique(row)) == 2 for row in rows)
    assert probe["projected"]["n"] == 90

    choose(page, "Slice: horizontal input", "colour=red")  # chosen: a one-hot input on an axis
    page.wait_for_function(f"() => {{ const p = ({PROBE})(); return p && p.axes[0][0] === 'colour=red'; }}",
                           timeout=30_000)
    probe = page.evaluate(PROBE)
    names = ["colour=blue", "colour=green", "colour=red", "member", "visits", "age", "spend", "region=east",
             "region=north", "region=south", "region=west"]  # the inputs, as the graph names them
    colour = [names.index(n) for n in ("colour=blue", "colour=green", "colour=red")]
    for i in (0, probe["grid"] - 1):  # red = 0, red = 1: one colour set in either (a 0/1 input is 1 above its mean)
        node = page.evaluate(NODE, i)
        assert sum(node[c] > 0 for c in colour) == 1, (i, node)
        assert (node[names.index("colour=red")] > 0) == (i > 0)

    choose(page, "Target column", "age")  # a number of many values, not a class: refused
    page.locator("[data-testid=stAlertContentError]").filter(has_text="looks like a number to predict").wait_for(
        timeout=60_000)
    wait_until_idle(page)
    assert run_cleared(page)
    whole_page_screenshot(page, artifacts_dir / "tabular-error-cleared.png")
    choose(page, "Target column", "churned")  # the same file, a usable target again: it trains
    page.get_by_text("What was done with shop.csv").wait_for(timeout=60_000)
    assert not page.get_by_role("button", name="Train", exact=True).is_disabled()
