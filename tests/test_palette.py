"""One legend across the app: each class's colour and symbol, and the probability colour scale, come from
``ui/common/palette.py`` — in every page's figures (read back from the plotly charts the pages draw under AppTest)
and in the live views, which get them in their payload and write them nowhere else."""

import json
import re
from pathlib import Path

import numpy as np

from mlp_core.config import MAX_CLASSES
from tests.apptest import click, live_data, open_app, open_page, trained_session
from ui.common import figures, palette

ROOT = Path(__file__).resolve().parent.parent


def test_every_class_up_to_max_classes_has_a_mark_of_its_own_and_the_two_classes_keep_the_maps_ends():
    marks = [(palette.class_colour(k), palette.class_symbol(k)) for k in range(MAX_CLASSES)]
    assert len(set(palette.CLASS_COLOURS)) == len(palette.CLASS_COLOURS) == MAX_CLASSES
    assert len(set(marks)) == MAX_CLASSES
    assert marks[0] == (palette.PROBABILITY_SCALE[0][1], "square")  # class 0: p = 0's end of the map
    assert marks[1] == (palette.PROBABILITY_SCALE[-1][1], "circle")  # class 1: p = 1's end
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in palette.CLASS_COLOURS)


def test_the_live_views_draw_every_symbol_the_palette_names():
    core = (ROOT / "ui" / "live" / "draw.js").read_text()
    trace = core[core.index("function traceMark"):core.index("function svgPen")]
    for symbol in palette.SYMBOLS:
        assert symbol == "circle" or f'"{symbol}"' in trace, symbol  # circle is traceMark's default


def test_no_other_file_writes_the_palettes_colours():
    rgb = [", ".join(map(str, c)) for c in (palette.NEGATIVE, palette.MIDDLE, palette.POSITIVE)]
    colours = [*palette.CLASS_COLOURS[:2], palette.hex_colour(palette.MIDDLE)]
    # classes 2 and up (k-class runs): not as numbers anywhere, and not at all in the live views, which draw every
    # class from specs.palette (black, a colour of ink too, aside)
    others = [c for c in palette.CLASS_COLOURS[2:] if c != "#000000"]
    triples = [sep.join(str(int(c[i:i + 2], 16)) for i in (1, 3, 5)) for c in others for sep in (", ", ",")]
    for path in [*ROOT.glob("ui/**/*.py"), *ROOT.glob("ui/**/*.js"), *ROOT.glob("ui/**/*.css"),
                 *ROOT.glob("app_pages/*.py")]:
        if path.name == "palette.py":
            continue
        text = path.read_text().lower()
        written = [*rgb, *colours, *triples, *(others if path.suffix == ".js" else [])]
        found = [c for c in written if c in text] + (["PuOr scale"] if '"puor"' in text else [])
        assert not found, (path.relative_to(ROOT), found)


def _charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _check_figures(at, class_names) -> set[int]:
    """Every class's markers and every map of p in the page's charts are the palette's; returns the classes seen."""
    return _check_figures_of(_charts(at), class_names)


def _check_figures_of(specs: list[dict], class_names) -> set[int]:
    seen = set()
    for spec in specs:
        for trace in spec["data"]:
            name = str(trace.get("name", ""))
            if trace.get("type") == "heatmap" and name == "p":
                assert trace["colorscale"] == [list(stop) for stop in palette.PROBABILITY_SCALE], name
            if "markers" not in str(trace.get("mode", "")):
                continue
            for k, class_name in enumerate(class_names):
                if name == class_name or name.endswith(f" {class_name}"):  # "no", "true no", "predicted no"
                    marker = trace["marker"]
                    assert (marker["color"], marker["symbol"]) == (palette.class_colour(k), palette.class_symbol(k))
                    assert marker["line"]["color"] == palette.OUTLINE
                    seen.add(k)
    return seen


def test_k_class_figures_draw_every_class_with_the_palette():
    names = ("setosa", "versicolor", "virginica")
    grid = np.linspace(0, 1, 5)
    P = np.random.RandomState(0).dirichlet(np.ones(3), size=(5, 5))
    points = {"x": [0.1, 0.5, 0.9], "y": [0.2, 0.4, 0.6], "label": [0, 1, 2]}
    fig = figures.class_boundary_figure(grid, grid, (("ours", P),), points, "a", "b", names)
    assert _check_figures_of([fig.to_plotly_json()], names) == {0, 1, 2}
    regions = fig.data[0].colorscale
    assert [regions[2 * k][1] for k in range(3)] == [palette.pale_class_colour(k) for k in range(3)]
    curve = (np.array([0.0, 1.0]), np.array([0.0, 1.0]), 0.5)
    roc = figures.class_roc_figure([(name, *curve) for name in names])
    assert [t.line.color for t in roc.data[:3]] == [palette.class_colour(k) for k in range(3)]


def test_the_compare_page_draws_the_classes_and_p_with_the_palette():
    at = open_app()
    at.switch_page("app_pages/2_Compare.py").run()
    assert not at.exception
    assert _check_figures(at, at.session_state["mlp_session"].data.class_names) == {0, 1}


def test_the_classify_page_draws_the_classes_and_p_with_the_palette():
    session = trained_session()
    names = session.data.feature_names
    at = open_page(str(ROOT / "app_pages" / "3_Classify.py"), session)
    rows = [",".join(names)] + [",".join(f"{v:.4f}" for v in row) for row in session.data.X_test[:40]]
    at.file_uploader(key="cl_csv").set_value(("points.csv", "\n".join(rows).encode(), "text/csv"))
    at = at.run()
    assert not at.exception and not at.error
    assert _check_figures(at, session.data.class_names)  # by predicted class: the classes predicted


def test_the_learn_page_draws_the_classes_with_the_palette():
    at = click(open_app(), "b_step10")
    at.switch_page("app_pages/4_Learn.py").run()
    assert not at.exception
    assert _check_figures(at, at.session_state["mlp_session"].data.class_names) == {0, 1}


def test_the_landscape_page_maps_the_loss_on_the_pale_palette():
    at = click(open_app(), "b_step10")
    at.switch_page("app_pages/5_Landscape.py").run()
    assert not at.exception
    scales = [t["colorscale"] for spec in _charts(at) for t in spec["data"] if t.get("type") == "contour"
              and "colorscale" in t and t["colorscale"][0][1] != t["colorscale"][-1][1]]
    assert scales and all(s == [list(stop) for stop in palette.PALE_SCALE] for s in scales)


def test_the_live_views_get_the_palette_in_their_payload():
    at = open_app()
    assert live_data(at)["specs"]["palette"] == json.loads(json.dumps(palette.live_spec()))
    classes = live_data(at)["specs"]["palette"]["classes"]
    assert [c["color"] for c in classes[:2]] == list(palette.CLASS_COLOURS[:2])
