"""The Compare page's logic (ui/compare.py) and figures (ui/figures.py): the same network, proven equal."""

import copy

import numpy as np
import plotly.graph_objects as go
import pytest

from mlp_core.csv_inputs import load_csv
from ui.common import figures
from ui.compare.comparison import (
    TOLERANCE,
    boundary_slice,
    compare,
    epoch_limit,
    our_config,
    sklearn_default_params,
    sklearn_params,
)
from ui.session.data import from_csv, synthetic
from ui.settings import limits
from ui.settings.experiment import Experiment, NetworkSettings, TrainingSettings

NETWORK, TRAIN = NetworkSettings(), TrainingSettings()  # the main page's defaults: the article's network and training


def _run(data, mode="matched", epochs=1000, network=NETWORK, train=TRAIN):
    return compare(data.Z_train, data.y_train, data.Z_test, data.y_test, network, train, mode, epochs)


def _assert_equal(result, epochs):
    assert result.weight_difference.shape == (epochs + 1,)
    assert result.initial_difference == 0.0 and result.weight_difference[0] == 0.0
    assert np.all(result.weight_difference < TOLERANCE)
    assert result.loss_ours.shape == result.loss_sklearn.shape == (epochs,)
    np.testing.assert_allclose(result.loss_ours, result.loss_sklearn, rtol=0, atol=TOLERANCE)
    assert result.agreement == 1.0
    assert result.fit_difference < TOLERANCE  # a plain fit ends where the partial_fit path ends


@pytest.fixture(scope="module")
def default_data():
    return synthetic(Experiment().data)


@pytest.fixture(scope="module")
def default_result(default_data):
    return _run(default_data)


def _csv_data(d=5, n=160, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = np.where(X[:, 0] - X[:, 1 % d] / 2 > 0.1, "yes", "no")
    names = ["<b>age</b>", "income", "score", "weight", "height"][:d]
    lines = [",".join([*names, "bought"])] + [",".join([*(f"{v:.4f}" for v in row), label])
                                               for row, label in zip(X, y, strict=True)]
    return from_csv(load_csv("\n".join(lines).encode()), 0.25, 0, "shop.csv")


def test_default_settings_map_onto_mlpclassifier():
    config = our_config(NETWORK, TRAIN, "matched", 500)
    assert config.tol is None and config.weight_tol is None and config.shuffle is False and config.max_iter == 500
    params = sklearn_params(config, 300)
    assert params["hidden_layer_sizes"] == (3, 2) and params["activation"] == "relu" and params["solver"] == "sgd"
    assert params["learning_rate_init"] == 0.1 and params["alpha"] == 0.0 and params["momentum"] == 0.0
    assert params["batch_size"] == 300  # full batch: None becomes n
    assert params["random_state"] == TrainingSettings().seed
    assert params["nesterovs_momentum"] is False and params["shuffle"] is False
    assert params["early_stopping"] is False and params["learning_rate"] == "constant"
    for batch, n, expected in ((32, 300, 32), (100, 40, 40)):  # larger than n: clipped, as the core clips it
        config = our_config(NETWORK, TrainingSettings(batch_size=batch), "matched", 5)
        assert sklearn_params(config, n)["batch_size"] == expected


def test_defaults_mode_sets_only_the_network_the_seed_and_the_epochs():
    config = our_config(NetworkSettings((4,), "tanh"), TrainingSettings(seed=3), "defaults", 200)
    assert sklearn_default_params(config, 200) == dict(hidden_layer_sizes=(4,), activation="tanh", random_state=3,
                                                       max_iter=200)
    assert config.shuffle is True and config.weight_tol is not None  # ours as the main page trains it


def test_epoch_limit_caps_epochs_weight_updates_and_work():
    assert epoch_limit(3, NETWORK, 300, None) == limits.COMPARE_EPOCHS
    assert epoch_limit(3, NETWORK, 300, 32) == limits.COMPARE_EPOCHS
    assert epoch_limit(3, NETWORK, 300, 1) < 100  # scikit-learn's cost per partial_fit and per batch
    assert epoch_limit(3, NETWORK, 10**6, 1) == 1
    big = NetworkSettings((64,) * 6)  # the largest network the sidebar allows: its arithmetic is the limit
    most = epoch_limit(3, big, 3750, None)
    assert 1 <= most < 100
    assert 3 * most * limits.epoch_work(limits.parameter_count(3, big.hidden), 3750, None) <= limits.PAGE_WORK


def test_default_config_walks_scikit_learns_path_at_every_epoch(default_result):
    _assert_equal(default_result, 1000)
    assert default_result.largest_difference < TOLERANCE
    assert default_result.seconds_ours > 0 and default_result.seconds_sklearn > 0
    assert all(same for *_, same in default_result.settings)


def test_final_metrics_are_the_same_for_both(default_result):
    rows = {(r["model"], r["split"]): r for r in default_result.metrics}
    assert set(rows) == {(m, s) for m in ("ours", "scikit-learn") for s in ("train", "test")}
    for split in ("train", "test"):
        ours, ref = rows["ours", split], rows["scikit-learn", split]
        assert ours["accuracy"] == ref["accuracy"]
        np.testing.assert_allclose(ours["log loss"], ref["log loss"], rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(ours["ROC AUC"], ref["ROC AUC"], rtol=0, atol=TOLERANCE)
    assert rows["ours", "test"]["accuracy"] > 0.8  # it learned: equality of two dead networks would prove little


def test_momentum_with_mini_batches_walks_the_same_path(default_data):
    result = _run(default_data, epochs=150, train=TrainingSettings(momentum=0.9, batch_size=32, alpha=1e-3))
    _assert_equal(result, 150)
    assert any("Shuffling" in note and "mini-batches" in note for note in result.notes)


def test_adam_walks_the_same_path(default_data):
    result = _run(default_data, epochs=200, network=NetworkSettings((4, 3), "tanh"),
                  train=TrainingSettings(solver="adam", learning_rate=0.01, alpha=1e-4))
    _assert_equal(result, 200)
    assert not any("Nesterov" in note for note in result.notes)


def test_csv_data_with_five_inputs_walks_the_same_path():
    data = _csv_data()
    result = _run(data, epochs=300)
    _assert_equal(result, 300)
    cut = boundary_slice(result, data, 1, 3, grid=30)
    assert cut.p_ours.shape == cut.p_sklearn.shape == (30, 30)
    np.testing.assert_allclose(cut.p_ours, cut.p_sklearn, rtol=0, atol=TOLERANCE)
    assert (cut.x_name, cut.y_name) == ("income", "weight")
    assert cut.held == ("<b>age</b>", "score", "height")


def test_one_input_gives_p_over_that_input():
    data = _csv_data(d=1)
    result = _run(data, epochs=100)
    _assert_equal(result, 100)
    cut = boundary_slice(result, data, 0, 1, grid=40)
    assert cut.y is None and cut.p_ours.shape == (40,)
    np.testing.assert_allclose(cut.p_ours, cut.p_sklearn, rtol=0, atol=TOLERANCE)


def test_defaults_mode_runs_and_reports_the_settings_that_differ(default_data):
    result = _run(default_data, mode="defaults", epochs=300)
    assert result.weight_difference is None and result.largest_difference is None
    assert result.initial_difference == 0.0  # another optimizer, the same initial weights
    different = {name for name, _, _, same in result.settings if not same}
    assert {"optimizer", "learning rate", "batches", "when to stop"} <= different
    assert {"hidden layers", "initial weights"}.isdisjoint(different)
    assert any("differ by design" in note for note in result.notes)
    assert len(result.loss_sklearn) <= 300
    # The agreement, counted here with scikit-learn's own predict: once with its weights, once with ours.
    twin = copy.deepcopy(result.reference)
    twin.coefs_, twin.intercepts_ = list(result.ours.coefs), list(result.ours.intercepts)
    Z = default_data.Z_test
    assert result.agreement == np.mean(twin.predict(Z) == result.reference.predict(Z))
    assert 0.6 < result.agreement < 1.0  # other optimizers and stop rules: the two networks mostly agree, not always


def test_divergence_raises_a_value_error_with_the_cores_message(default_data):
    with pytest.raises(ValueError, match="diverged"):
        _run(default_data, epochs=100, train=TrainingSettings(learning_rate=10.0))


def test_loss_figure_overlays_ours_solid_and_scikit_learn_dashed():
    fig = figures.loss_figure(np.linspace(0.7, 0.2, 50), np.linspace(0.7, 0.2, 50))
    assert isinstance(fig, go.Figure) and [t.type for t in fig.data] == ["scatter", "scatter"]
    assert [t.name for t in fig.data] == [figures.OURS_NAME, figures.SKLEARN_NAME]
    assert fig.data[0].line.dash is None and fig.data[1].line.dash == "dash"
    assert list(fig.data[0].x) == list(range(1, 51))
    assert fig.layout.xaxis.title.text == "epoch"


def test_weight_difference_figure_is_on_a_log_axis_with_zeros_at_the_floor():
    difference = np.array([0.0, 1e-16, 0.0, 4e-16])
    fig = figures.weight_difference_figure(difference, tolerance=1e-9)
    assert fig.layout.yaxis.type == "log"
    line, zeros, tolerance = fig.data
    assert list(line.y) == [figures.ZERO_FLOOR, 1e-16, figures.ZERO_FLOOR, 4e-16]
    assert list(zeros.x) == [0, 2] and list(zeros.y) == [figures.ZERO_FLOOR] * 2
    assert "exactly 0" in zeros.name
    assert list(tolerance.y) == [1e-9, 1e-9]
    low, high = fig.layout.yaxis.range
    assert low < np.log10(figures.ZERO_FLOOR) and high > -9
    assert len(figures.weight_difference_figure(np.array([1e-16, 2e-16]), 1e-12).data) == 2  # no zeros, no zero trace


def test_boundary_figure_has_heatmaps_on_0_1_the_half_contour_and_points_by_class():
    x, y = np.linspace(-2, 2, 20), np.linspace(-1, 1, 10)
    p = 1 / (1 + np.exp(-(x[None, :] + y[:, None])))
    points = {"x": [0.1, -0.5, 1.0], "y": [0.2, 0.3, -0.4], "label": [0, 1, 1]}
    fig = figures.boundary_figure(x, y, p, p, points, "<i>x</i>", "x2", ("<a href='x'>no</a>", "yes"), ("x3",))
    types = [t.type for t in fig.data]
    assert types.count("heatmap") == 2 and types.count("contour") == 2 and types.count("scatter") == 4
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert all(h.zmin == 0 and h.zmax == 1 for h in heatmaps)
    # p from orange (0) to purple (1): the one probability scale (ui/common/palette.py, tests/test_palette.py)
    assert heatmaps[0].colorscale[0][1] == "#b35806" and heatmaps[0].colorscale[-1][1] == "#542788"
    assert [h.showscale for h in heatmaps] == [True, False]  # one colour bar for both
    for contour in (t for t in fig.data if t.type == "contour"):
        assert contour.contours.start == contour.contours.end == 0.5
    scatters = [t for t in fig.data if t.type == "scatter"]
    assert scatters[0].marker.symbol != scatters[1].marker.symbol
    assert list(scatters[1].x) == [-0.5, 1.0] and list(scatters[0].x) == [0.1]
    # Names from a user's file are shown literally, never as plotly markup.
    assert scatters[0].name == "&lt;a href='x'&gt;no&lt;/a&gt;"
    assert fig.layout.xaxis.title.text == "&lt;i&gt;x&lt;/i&gt;"
    assert [a.text for a in fig.layout.annotations] == [figures.OURS_NAME, figures.SKLEARN_NAME]
    assert "x3" in fig.layout.title.text


def test_probability_figure_draws_p_over_one_input():
    x = np.linspace(-2, 2, 30)
    p = 1 / (1 + np.exp(-x))
    fig = figures.probability_figure(x, p, p, {"x": [0.0, 1.0], "label": [0, 1]}, "dose", ("no", "yes"))
    assert [t.name for t in fig.data][:3] == [figures.OURS_NAME, figures.SKLEARN_NAME, "p = 0.5"]
    assert list(fig.data[2].y) == [0.5, 0.5]
    assert fig.data[1].line.dash == "dash"
    assert list(fig.data[3].y) == [0.0] and list(fig.data[4].y) == [1.0]
