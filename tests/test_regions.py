"""Linear regions over a boundary slice, and the dead-unit table (ui/regions.py)."""

import numpy as np
import pytest

from mlp_core.config import TrainingConfig
from mlp_core.explain import unit_activity
from mlp_core.network import init_params, layer_units, predict_proba
from mlp_core.training import train
from ui.common.grid import axis_range
from ui.learn.regions import (
    MAX_UNIT_MAPS,
    REGION_COLOURS,
    dead_unit_table,
    pattern_text,
    regions_figure,
    regions_grid,
)
from ui.live.payload import _axis
from ui.session.data import Prepared, synthetic
from ui.settings.experiment import DataSettings


@pytest.fixture(scope="module")
def data():
    return synthetic(DataSettings())


@pytest.fixture(scope="module")
def trained(data):
    config = TrainingConfig(hidden_layer_sizes=(3, 2), max_iter=300, random_state=6).validate()
    last = list(train(data.Z_train, data.y_train, config, evaluate_every=0))[-1]
    return [np.array(W) for W in last.coefs], [np.array(b) for b in last.intercepts]


def _csv_like(d=4, n=120, seed=0, names=None, classes=("no", "yes")) -> Prepared:
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d)) * np.arange(1, d + 1) + 10
    y = (X[:, 0] - 10 + rng.normal(scale=0.5, size=n) > 0).astype(int)
    names = names or tuple(f"f{i}" for i in range(d))
    return Prepared(X, X[:10], y, y[:10], X.mean(axis=0), X.std(axis=0), tuple(names), classes, "test")


def test_patterns_and_p_match_unit_activity_at_sampled_grid_points(data, trained):
    coefs, intercepts = trained
    grid = regions_grid(coefs, intercepts, "relu", data, 0, 2, 0.4, resolution=40)
    rng = np.random.RandomState(0)
    for i, j in rng.randint(0, 40, size=(25, 2)):
        point = np.array(grid.fixed, dtype=float)
        point[0], point[2] = grid.x[j], grid.y[i]
        assert point[1] == 0.4
        Z = ((point - data.mean) / data.scale).reshape(1, -1)
        on = unit_activity(coefs, intercepts, Z, "relu")
        for layer, active in enumerate(on):
            np.testing.assert_array_equal(grid.active[layer][i, j], active[0])
        assert grid.patterns[grid.region[i, j]] == tuple(np.concatenate([a[0] for a in on]))
        np.testing.assert_allclose(grid.p[i, j], predict_proba(coefs, intercepts, Z, "relu")[0], rtol=1e-12)


def test_grid_spans_the_dashboard_slice_and_holds_the_other_inputs(data, trained):
    coefs, intercepts = trained
    grid = regions_grid(coefs, intercepts, "relu", data, 1, 0, None, resolution=30)
    ax, ay = _axis(data.X_train, 1, data.feature_names), _axis(data.X_train, 0, data.feature_names)
    # The dashboard sends its range rounded to 4 decimals; both come from ui.common.grid.axis_range.
    assert (grid.x[0], grid.x[-1], grid.y[0], grid.y[-1]) == pytest.approx(
        (ax["min"], ax["max"], ay["min"], ay["max"]), abs=5e-5)
    assert (grid.x[0], grid.x[-1]) == axis_range(data.X_train[:, 1])
    assert grid.held == (2,) and grid.fixed[2] == data.X_train.mean(axis=0)[2]
    assert grid.p.shape == grid.region.shape == (30, 30)

    wide = _csv_like(d=4)
    W = init_params(layer_units(4, (3,)), "relu", 0)
    held = regions_grid(*W, "relu", wide, 0, 1, 12.5, resolution=10)
    assert held.held == (2, 3)
    assert held.fixed[2] == 12.5 and held.fixed[3] == wide.X_train.mean(axis=0)[3]  # as views.slices_spec


def test_regions_are_distinct_patterns_largest_first(data, trained):
    grid = regions_grid(*trained, "relu", data, 0, 1, None)
    assert len(set(grid.patterns)) == len(grid.patterns) > 1
    areas = np.bincount(grid.region.ravel(), minlength=len(grid.patterns))
    assert np.all(areas > 0) and np.all(np.diff(areas) <= 0)


def test_dead_unit_is_flagged_and_off_everywhere(data):
    coefs, intercepts = init_params(layer_units(3, (3, 2)), "relu", 0)
    intercepts[0][1] = -100.0  # unit h1.2 can never switch on over this data (the others of seed 0 all do)
    rows = dead_unit_table(coefs, intercepts, "relu", data.Z_train)
    assert [(r["layer"], r["unit"], r["name"]) for r in rows] == [
        (1, 1, "h1.1"), (1, 2, "h1.2"), (1, 3, "h1.3"), (2, 1, "h2.1"), (2, 2, "h2.2")]
    dead = [r for r in rows if r["dead"]]
    assert [r["name"] for r in dead] == ["h1.2"] and dead[0]["share_on"] == 0.0
    Z1 = data.Z_train @ coefs[0] + intercepts[0]
    np.testing.assert_allclose([r["share_on"] for r in rows[:3]], (Z1 > 0).mean(axis=0))
    grid = regions_grid(coefs, intercepts, "relu", data, 0, 1, None)
    assert not grid.active[0][:, :, 1].any()
    fig = regions_figure(grid, data, 0, 1)
    assert "h1.2 (off here)" in [a.text for a in fig.layout.annotations]


def test_table_never_calls_sigmoid_units_dead(data):
    coefs, intercepts = init_params(layer_units(3, (3,)), "logistic", 1)
    intercepts[0][0] = -100.0
    rows = dead_unit_table(coefs, intercepts, "logistic", data.Z_train)
    assert rows[0]["share_on"] == 0.0 and not any(r["dead"] for r in rows)


def test_figure_has_the_region_map_the_boundary_the_points_and_a_map_per_unit(data, trained):
    grid = regions_grid(*trained, "relu", data, 0, 1, None)
    fig = regions_figure(grid, data, 0, 1)
    main, contour, *rest = fig.data
    assert main.type == "heatmap" and contour.type == "contour" and contour.contours.start == 0.5
    points, units = rest[:2], rest[2:]
    assert [t.name for t in points] == list(data.class_names) and len(units) == 5
    count = len(grid.patterns)
    assert fig.layout.title.text.startswith(f"{count} linear regions in this slice, one colour each")
    assert "x3 held at" in fig.layout.title.text and "(its mean)" in fig.layout.title.text
    colours = np.asarray(main.z)
    assert len(np.unique(colours)) == count  # one colour per region
    i, j = 60, 60
    assert pattern_text(grid.patterns[grid.region[i, j]], [3, 2]) in main.text[i][j]
    assert main.customdata[i][j] == grid.p[i, j]
    assert all(t.zmax == 1 for t in units)
    np.testing.assert_array_equal(units[3].z, grid.active[1][:, :, 0].astype(int))


def test_pattern_text_marks_on_and_off_units_by_layer():
    assert pattern_text((True, False, True, False, True), [3, 2]) == "layer 1: ●○● · layer 2: ○●"


def test_many_units_cap_the_small_maps_and_touching_regions_never_share_a_colour(data):
    coefs, intercepts = init_params(layer_units(3, (12, 12)), "relu", 3)
    grid = regions_grid(coefs, intercepts, "relu", data, 0, 1, None)
    fig = regions_figure(grid, data, 0, 1)
    assert len(grid.patterns) > len(REGION_COLOURS)
    assert sum(t.type == "heatmap" for t in fig.data) == 1 + MAX_UNIT_MAPS
    caption = " ".join(a.text for a in fig.layout.annotations)
    assert f"the first {MAX_UNIT_MAPS} of 24 units" in caption and "colours repeat" in caption
    z = np.asarray(fig.data[0].z)
    for a, b, ra, rb in ((z[:, :-1], z[:, 1:], grid.region[:, :-1], grid.region[:, 1:]),
                         (z[:-1], z[1:], grid.region[:-1], grid.region[1:])):
        assert np.all(a[ra != rb] != b[ra != rb])


def test_user_names_are_escaped(trained):
    data = _csv_like(d=3, names=("<b>bold</b>", "a<br>b", "<i>held</i>"), classes=("<a>no</a>", "<b>yes</b>"))
    grid = regions_grid(*trained, "relu", data, 0, 1, None, resolution=20)
    fig = regions_figure(grid, data, 0, 1)
    texts = [fig.layout.xaxis.title.text, fig.layout.yaxis.title.text, fig.layout.title.text,
             *(t.name for t in fig.data if t.type == "scatter")]
    assert texts[0] == "&lt;b&gt;bold&lt;/b&gt;" and texts[1] == "a&lt;br&gt;b"
    assert "&lt;i&gt;held&lt;/i&gt;" in texts[2]
    assert texts[3:] == ["&lt;a&gt;no&lt;/a&gt;", "&lt;b&gt;yes&lt;/b&gt;"]
    assert not any("<b>" in t or "<a>" in t or "<i>" in t for t in texts)


def test_the_two_inputs_must_differ(data, trained):
    with pytest.raises(ValueError, match="two different inputs"):
        regions_grid(*trained, "relu", data, 1, 1, None)


def test_long_names_are_cut_in_the_titles_wrapped_and_named_whole_in_the_hover(trained):
    from ui.common.figures import NAME_CHARS, TITLE_CHARS
    from ui.learn.regions import CAPTION_CHARS

    names = tuple(f"average_reading_of_the_{side}_sensor_over_the_whole_window".ljust(60, "_")
                  for side in ("left", "right", "upper"))
    data = _csv_like(d=3, names=names)
    grid = regions_grid(*trained, "relu", data, 0, 1, None, resolution=20)
    fig = regions_figure(grid, data, 0, 1)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= TITLE_CHARS for line in lines), lines
    assert lines[0].startswith(f"{len(grid.patterns)} linear regions in this slice")
    assert any(line.startswith(names[2][:NAME_CHARS - 1] + "… held at") for line in lines)
    assert names[2] not in fig.layout.title.text  # cut short: plotly would run it out of the chart
    for axis, name in ((fig.layout.xaxis, names[0]), (fig.layout.yaxis, names[1])):
        assert len(axis.title.text) == NAME_CHARS and name.startswith(axis.title.text.removesuffix("…"))
    main = fig.data[0]
    assert list(main.meta) == [names[0], names[1]]  # whole in the hover, passed as data, not as a template
    assert "%{meta[0]}" in main.hovertemplate and "%{meta[1]}" in main.hovertemplate
    # The map keeps its size: the title's further lines go into the top margin.
    short = regions_figure(regions_grid(*trained, "relu", _csv_like(d=3), 0, 1, None, resolution=20),
                           _csv_like(d=3), 0, 1)
    extra = fig.layout.height - short.layout.height
    assert extra == fig.layout.margin.t - short.layout.margin.t >= 0
    caption = next(a.text for a in fig.layout.annotations if a.text.startswith("Each hidden unit"))
    assert all(len(line) <= CAPTION_CHARS for line in caption.split("<br>"))


def test_a_held_value_equal_to_the_mean_up_to_rounding_is_called_the_mean(trained):
    """The Learn page's slider starts at the column's mean computed by pandas; NumPy's mean of the same column
    can differ in the last digits, and the title must still say "(its mean)"."""
    data = _csv_like(d=3)
    mean = float(data.X_train.mean(axis=0)[2])
    for held, said in ((np.nextafter(mean, np.inf), True), (mean + 1e-3, False)):
        grid = regions_grid(*trained, "relu", data, 0, 1, held)
        assert ("(its mean)" in regions_figure(grid, data, 0, 1).layout.title.text) is said
