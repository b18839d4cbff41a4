"""The dashboard's plain-Python parts: settings in the URL, the recording, and what the views draw."""

import base64

import numpy as np
import pytest

from ui.common.grid import points_near
from ui.live.payload import heatmap_spec, live_payload, network_graph_spec, slice_values, slices_spec
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.settings.experiment import DataSettings, Experiment, NetworkSettings, TrainingSettings, ViewSettings
from ui.settings.link import from_query, to_query
from ui.settings.table import parse_hidden


def _recording(epochs=50, **data):
    exp = Experiment(data=DataSettings(**data))
    d = synthetic(exp.data)
    config = TrainingSettings(max_epochs=epochs).training_config(exp.network)
    return exp, d, Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)


def test_default_experiment_has_an_empty_query_and_changes_round_trip():
    assert to_query(Experiment()) == {}
    exp = Experiment(DataSettings(dataset="xor", n=250, noise=0.3, seed=4), NetworkSettings((5, 4, 2), "tanh"),
                     TrainingSettings("adam", 0.01, 0.0, 0.001, 32, 300, 9, "either"), ViewSettings(60, True, 1, 2, 5))
    query = to_query(exp)
    assert query["hidden"] == "5,4,2" and query["batch"] == "32" and query["log"] == "1"
    back, notices = from_query(query)
    assert back == exp and notices == []


def test_a_damaged_link_opens_with_notices_instead_of_failing():
    exp, notices = from_query({"lr": "fast", "hidden": "3,x", "n": "5", "act": "softmax", "ds": "xor"})
    assert exp == Experiment(DataSettings(dataset="xor"))  # the valid part of the link is applied
    assert len(notices) == 4
    for key in ("lr", "hidden", "n", "act"):
        assert any(n.startswith(f"The link's {key}=") for n in notices)


def test_hidden_layers_parse_with_messages():
    assert parse_hidden(" 3, 2 ") == (3, 2)
    assert parse_hidden("none") == ()
    with pytest.raises(ValueError, match="like 3,2"):
        parse_hidden("three")
    with pytest.raises(ValueError, match="at least one unit"):
        parse_hidden("3,0")


def test_stop_rules_map_to_the_cores_settings():
    net = NetworkSettings()
    rules = {stop: TrainingSettings(stop=stop).training_config(net) for stop in ("weights", "loss", "either", "epochs")}
    assert rules["weights"].tol is None and rules["weights"].weight_tol is not None
    assert rules["loss"].tol is not None and rules["loss"].weight_tol is None
    assert rules["either"].tol is not None and rules["either"].weight_tol is not None
    assert rules["epochs"].tol is None and rules["epochs"].weight_tol is None


def test_recording_grows_resets_to_the_same_weights_and_stacks_arrays():
    _, _, rec = _recording(epochs=40)
    rec.extend(until_epoch=10)
    assert rec.n_epochs == 11 and not rec.done
    rec.extend()
    assert rec.done and rec.n_epochs == 41 and rec.final.stop_rule == "max_iter"
    params = rec.array("params")
    assert params.shape == (41, rec.snapshots[0].params.size)
    first = params[0].copy()
    rec.reset()
    assert rec.n_epochs == 1
    np.testing.assert_array_equal(rec.array("params")[0], first)
    rec.extend()
    np.testing.assert_array_equal(rec.array("params")[-1], params[-1])  # same start, same run


def test_recording_keeps_one_entry_per_epoch_when_training_diverges():
    exp = Experiment()
    d = synthetic(exp.data)
    config = TrainingSettings(learning_rate=50.0).training_config(exp.network)
    rec = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)
    rec.extend()
    epochs = [s.epoch for s in rec.snapshots]
    assert epochs == list(range(len(epochs)))
    assert rec.final.stop_rule == "diverged" and "Lower the learning rate" in rec.final.stop_reason
    assert np.isfinite(rec.array("params")).all()


def test_network_graph_has_every_weight_as_an_edge_and_every_bias_on_a_node():
    _, d, rec = _recording()
    rec.extend()
    spec = network_graph_spec([3, 3, 2, 1], d.feature_names, "relu", rec.array("params"))
    assert len(spec["nodes"]) == 9 and len(spec["edges"]) == 3 * 3 + 3 * 2 + 2
    params = {e["param"] for e in spec["edges"]} | {n["bias"] for n in spec["nodes"] if n["bias"] is not None}
    assert params == set(range(rec.array("params").shape[1]))  # every parameter is drawn once
    assert [n["label"] for n in spec["nodes"][:3]] == list(d.feature_names)
    assert spec["nodes"][-1]["kind"] == "output" and spec["nodes"][-1]["bias"] is not None
    weights = rec.array("params")[:, [e["param"] for e in spec["edges"]]]
    assert spec["weight_scale"] == pytest.approx(np.abs(weights).max())
    xs = sorted({n["x"] for n in spec["nodes"]})
    assert len(xs) == 4 and all(0 < x < spec["width"] for x in xs)


def test_heatmap_blocks_cover_each_layer_with_a_symmetric_scale():
    _, d, rec = _recording()
    rec.extend()
    params = rec.array("params")
    spec = heatmap_spec([3, 3, 2, 1], d.feature_names, params)
    assert [(lay["fan_in"], lay["fan_out"]) for lay in spec["layers"]] == [(3, 3), (3, 2), (2, 1)]
    first = spec["layers"][0]
    assert first["rows"] == list(d.feature_names)
    block = params[:, first["w_offset"]:first["b_offset"] + first["fan_out"]]
    assert first["scale"] == pytest.approx(np.abs(block).max())


def test_slices_cut_across_the_held_input_and_keep_only_nearby_points():
    _, d, _ = _recording(dataset="spheres")
    values = slice_values(d.X_train, 2, 3)
    assert values == sorted(values) and len(values) == 3
    spec = slices_spec(d, 0, 1, 3)
    assert len(spec["panels"]) == 3
    for panel, value in zip(spec["panels"], values, strict=True):
        assert panel["fixed"][2] == pytest.approx(value, abs=1e-5)
        assert panel["title"].startswith("x3 = ")
        assert panel["x"]["name"] == "x1" and panel["y"]["name"] == "x2"
    binary = np.column_stack([d.X_train[:, :2], d.X_train[:, 2] > 0])
    assert slice_values(binary, 2, 3) == [0.0, 1.0]  # a 0/1 input is cut at its two values, not thrice
    width = d.X_train.std(axis=0) / 6
    near = points_near(d.X_train, d.y_train, np.array(spec["panels"][1]["fixed"]), (0, 1), width)
    assert 0 < len(near["x"]) < len(d.X_train)
    kept = np.abs(d.X_train[:, 2] - spec["panels"][1]["fixed"][2]) <= width[2]
    assert len(near["x"]) == min(400, kept.sum())


def test_payload_carries_the_run_as_float32_and_every_view():
    exp, d, rec = _recording()
    rec.extend()
    payload = live_payload(rec, d, "7", exp.view, {"playing": False, "epoch": 3, "speed": 30, "token": 1}, 50)
    params = np.frombuffer(base64.b64decode(payload["params"]), dtype="<f4").reshape(payload["n_epochs"], -1)
    np.testing.assert_allclose(params, rec.array("params"), rtol=1e-6, atol=1e-7)
    assert payload["n_params"] == params.shape[1] == 23
    assert {"graph", "heatmaps", "loss", "slices", "view3d"} <= set(payload)
    assert len(payload["loss"]["loss"]) == payload["n_epochs"]
    assert payload["forward"]["activation"] == "relu"  # by name: the numeric codes stay in Python
