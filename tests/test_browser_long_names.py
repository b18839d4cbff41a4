"""Long column names in a real browser: with five inputs named in 60 characters, the 3-D view's legend (the inputs
held fixed) stays inside its side panel, and the Classify page's decision-boundary chart and the Learn page's regions
chart keep their titles (and the regions chart its caption) inside the chart. All are measured in the page, and
screenshots are saved for a look."""

import numpy as np
import pandas as pd
import pytest

from tests.browser_probe import FIND
from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser
NAMES = [f"average_reading_of_the_{side}_sensor_over_the_whole_window".ljust(60, "_")
         for side in ("left", "right", "upper", "lower", "middle")]

# Every HTML element of the 3-D view's side panel: where it ends, and whether its content is wider than its box
# without being clipped (text running out of the panel).
SIDE_PANEL = """
() => {
  const live = (FIND)()[0];
  const side = live.querySelector('.mlpx-3d-side');
  const panel = side.getBoundingClientRect();
  const overflowing = [];
  for (const el of side.querySelectorAll('*')) {
    if (!(el instanceof HTMLElement)) continue;
    const box = el.getBoundingClientRect();
    const clipped = getComputedStyle(el).overflowX !== 'visible';
    const outside = box.right > panel.right + 0.5 || box.left < panel.left - 0.5;
    if (outside || (!clipped && el.scrollWidth > el.clientWidth + 1))
      overflowing.push({cls: el.className, text: el.textContent.slice(0, 60), right: box.right, scroll: el.scrollWidth,
                        client: el.clientWidth});
  }
  const held = [...side.querySelectorAll('.mlpx-3d-held')].map((row) => {
    const name = row.querySelector('.mlpx-3d-held-name');
    return {title: row.title, name: name.textContent, cut: name.scrollWidth > name.clientWidth,
            value: row.querySelector('.mlpx-3d-held-value').getBoundingClientRect().right <= panel.right + 0.5};
  });
  return {width: panel.width, overflowing, held};
}
""".replace("(FIND)", "(" + FIND.strip() + ")")

# The boundary chart (the page's last plotly chart): its title and axis titles against the chart's own box.
CHART_TITLES = """
() => {
  const chart = [...document.querySelectorAll('[data-testid=stPlotlyChart]')].pop();
  const svg = chart.querySelector('.main-svg').getBoundingClientRect();
  const out = {};
  for (const [key, sel] of [['title', '.gtitle'], ['x', '.xtitle'], ['y', '.ytitle']]) {
    const r = chart.querySelector(sel).getBoundingClientRect();
    out[key] = {text: chart.querySelector(sel).textContent, inside: r.left >= svg.left - 0.5 &&
                r.right <= svg.right + 0.5 && r.top >= svg.top - 0.5 && r.bottom <= svg.bottom + 0.5};
  }
  return out;
}
"""


# The Learn page's regions chart (its title says "… in this slice"): every title and text annotation against the
# chart's own box.
REGIONS_TEXTS = """
() => {
  const chart = [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
      .find((c) => (c.querySelector('.gtitle') || {}).textContent?.includes('in this slice'));
  const svg = chart.querySelector('.main-svg').getBoundingClientRect();
  return [...chart.querySelectorAll('.gtitle, .xtitle, .ytitle, .annotation-text')].map((el) => {
    const r = el.getBoundingClientRect();
    return {cls: el.getAttribute('class'), text: el.textContent, inside: r.left >= svg.left - 0.5 &&
            r.right <= svg.right + 0.5 && r.top >= svg.top - 0.5 && r.bottom <= svg.bottom + 0.5};
  });
}
"""


def _long_names_csv(path) -> None:
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5)).round(3)
    frame = pd.DataFrame(X, columns=NAMES)
    frame["label"] = np.where(X[:, 0] + X[:, 1] - X[:, 2] > 0, "yes", "no")
    frame.to_csv(path, index=False)


def test_long_column_names_stay_inside_the_3d_legend_and_the_classify_chart(app_page, artifacts_dir, tmp_path):
    page = app_page
    csv = tmp_path / "long_names.csv"
    _long_names_csv(csv)
    assert {len(n) for n in NAMES} == {60}
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(csv))
    page.get_by_text("What was done with long_names.csv").wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.get_by_role("button", name="+10").click()
    page.get_by_text("Epoch 10 ·").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.wait_for_function(f"""() => [...((({FIND})()[0] || document).querySelectorAll('.mlpx-3d-hint'))]
                                     .some((h) => h.textContent.includes('held at'))""", timeout=30_000)

    side = page.evaluate(SIDE_PANEL)
    assert side["overflowing"] == [], side
    assert len(side["held"]) == 2  # five inputs, three on the axes
    for row in side["held"]:
        assert row["name"] in NAMES and row["title"].startswith(row["name"] + " = ")  # whole in the tooltip
        assert row["cut"] and row["value"]  # the name cut short where the panel ends, its value shown
    page.evaluate(f"() => ({FIND})()[0].querySelector('.mlpx-3d').scrollIntoView()")
    page.wait_for_timeout(500)
    box = page.evaluate(f"""() => {{ const r = ({FIND})()[0].querySelector('.mlpx-3d').getBoundingClientRect();
                                     return [r.x, r.y, r.width, r.height]; }}""")
    page.screenshot(path=str(artifacts_dir / "long-names-view3d.png"),
                    clip={"x": max(0, box[0] - 10), "y": max(0, box[1] - 10), "width": box[2] + 20,
                          "height": min(box[3] + 20, 880)})

    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Classify a CSV").click()
    page.locator("h1").filter(has_text="Classify a CSV").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(csv))
    page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 3", timeout=60_000)
    chart = page.locator("[data-testid=stPlotlyChart]").last
    for width in (1400, 900):  # the sidebar open: the chart about 940 and 440 px wide
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1000)  # plotly redraws to the new size
        chart.scroll_into_view_if_needed()
        titles = page.evaluate(CHART_TITLES)
        assert all(t["inside"] for t in titles.values()), (width, titles)
        assert titles["title"]["text"].endswith("held at their mean")
        chart.screenshot(path=str(artifacts_dir / f"long-names-classify-boundary-{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.locator("[data-testid=stException]").count() == 0

    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Learn: the mathematics").click()
    page.locator("h1").filter(has_text="Learn: the mathematics, live").wait_for(timeout=30_000)
    wait_until_idle(page, timeout_ms=60_000)
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .gtitle')]
                                    .some((t) => t.textContent.includes('in this slice'))""", timeout=60_000)
    regions = page.locator("[data-testid=stPlotlyChart]").filter(has=page.locator(".gtitle", has_text="in this slice"))
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1000)  # plotly redraws to the new size
        regions.scroll_into_view_if_needed()
        texts = page.evaluate(REGIONS_TEXTS)
        assert [t for t in texts if not t["inside"]] == [], (width, texts)
        title = next(t["text"] for t in texts if t["cls"] == "gtitle")
        assert "held at" in title and any(name[:20] in title for name in NAMES[2:])  # the held input, by its start
        assert {t["cls"] for t in texts} >= {"gtitle", "xtitle", "ytitle", "annotation-text"}
        regions.screenshot(path=str(artifacts_dir / f"long-names-learn-regions-{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.locator("[data-testid=stException]").count() == 0
