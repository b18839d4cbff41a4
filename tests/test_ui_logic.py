"""The dashboard's plain-Python parts: settings in the URL, the recording, and what the views draw."""

import json

import numpy as np
import pytest

from mlp_core.training import train as mlp_train
from ui.common.grid import points_near
from ui.live import wire
from ui.live.payload import (
    Sent,
    Want,
    dead_check_rows,
    heatmap_spec,
    live_payload,
    network_graph_spec,
    scales,
    slice_values,
    slices_spec,
)
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.settings import limits
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


def _every_snapshot(rec):
    return [rec.snapshot(e) for e in range(rec.n_epochs)]


def test_recording_grows_and_resets_to_the_same_weights():
    _, _, rec = _recording(epochs=40)
    rec.extend(until_epoch=10)
    assert rec.n_epochs == 11 and not rec.done
    rec.extend()
    assert rec.done and rec.n_epochs == 41 and rec.final.stop_rule == "max_iter"
    before = [s.params.copy() for s in _every_snapshot(rec)]
    assert rec.generation == 0
    rec.reset()
    assert rec.n_epochs == 1 and rec.generation == 1
    np.testing.assert_array_equal(rec.snapshot(0).params, before[0])
    rec.extend()
    np.testing.assert_array_equal(rec.snapshot(40).params, before[-1])  # same start, same run


def test_recording_keeps_one_entry_per_epoch_when_training_diverges():
    exp = Experiment()
    d = synthetic(exp.data)
    config = TrainingSettings(learning_rate=50.0).training_config(exp.network)
    rec = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)
    rec.extend()
    epochs = [s.epoch for s in _every_snapshot(rec)]
    assert epochs == list(range(len(epochs))) == list(range(len(rec.scalars("loss"))))
    assert rec.final.stop_rule == "diverged" and "Lower the learning rate" in rec.final.stop_reason
    assert all(np.isfinite(s.params).all() for s in _every_snapshot(rec))


@pytest.mark.parametrize("train", [dict(), dict(solver="adam", batch_size=10, learning_rate=0.01)])
def test_a_recording_holds_its_budget_and_gives_every_epoch_exactly(train):
    exp = Experiment(network=NetworkSettings((16, 16)), train=TrainingSettings(max_epochs=300, stop="epochs", **train))
    d = synthetic(exp.data)
    config = exp.train.training_config(exp.network)
    straight = list(mlp_train(d.Z_train, d.y_train, config, d.Z_test, d.y_test))
    budget = 200 * 8 * straight[0].params.size  # room for about 60 keyframes and 100 frames
    rec = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test, budget=budget)
    held = []
    while not rec.done:
        rec.extend(until_epoch=rec.n_epochs + 7)
        held.append(rec.bytes_held)
        rec.take_frames()  # sent to the browser
    assert max(held) <= budget and rec.stride > 1  # thinned to fit, not kept whole
    assert set(rec.keyframes) == set(range(0, rec.n_epochs, rec.stride))
    for e in (0, 1, rec.stride - 1, rec.stride + 3, 150, 299, 300):  # kept, or recomputed from a keyframe
        s = rec.snapshot(e)
        np.testing.assert_array_equal(s.params, straight[e].params)
        np.testing.assert_array_equal(s.grads, straight[e].grads)
    frames = dict(rec.frames_for(range(137, 149)))
    assert list(frames) == list(range(137, 149))
    for e, f in frames.items():
        np.testing.assert_array_equal(f, np.stack([straight[e].params, straight[e].grads]).astype(np.float32))


def test_network_graph_has_every_weight_as_an_edge_and_every_bias_on_a_node():
    _, d, rec = _recording()
    rec.extend()
    spec = network_graph_spec([3, 3, 2, 1], d.feature_names, "relu")
    assert len(spec["nodes"]) == 9 and len(spec["edges"]) == 3 * 3 + 3 * 2 + 2
    params = {e["param"] for e in spec["edges"]} | {n["bias"] for n in spec["nodes"] if n["bias"] is not None}
    assert params == set(range(rec.architecture.size))  # every parameter is drawn once
    assert [n["label"] for n in spec["nodes"][:3]] == list(d.feature_names)
    assert spec["nodes"][-1]["kind"] == "output" and spec["nodes"][-1]["bias"] is not None
    every = np.array([s.params for s in _every_snapshot(rec)])
    weights = every[:, [e["param"] for e in spec["edges"]]]
    assert scales(rec.architecture, rec.peaks)["weight"] == pytest.approx(np.abs(weights).max())
    xs = sorted({n["x"] for n in spec["nodes"]})
    assert len(xs) == 4 and all(0 < x < spec["width"] for x in xs)


def test_heatmap_blocks_cover_each_layer_with_a_symmetric_scale():
    _, d, rec = _recording()
    rec.extend()
    every = np.array([s.params for s in _every_snapshot(rec)])
    spec = heatmap_spec([3, 3, 2, 1], d.feature_names)
    assert [(lay["fan_in"], lay["fan_out"]) for lay in spec["layers"]] == [(3, 3), (3, 2), (2, 1)]
    first = spec["layers"][0]
    assert first["rows"] == list(d.feature_names)
    block = every[:, first["w_offset"]:first["b_offset"] + first["fan_out"]]
    assert scales(rec.architecture, rec.peaks)["layers"][0] == pytest.approx(np.abs(block).max())


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


def _frames(payload) -> dict[int, np.ndarray]:
    values = payload["frames"]["values"]
    assert values.dtype == np.float32
    epochs = payload["frames"]["epochs"]
    return dict(zip(epochs, values.reshape(len(epochs), 2, -1), strict=True)) if epochs else {}


def _wire_bytes(payload) -> int:
    """What a render sends: its JSON, and the frames' numbers as an Arrow table beside it."""
    wired = wire(payload)
    table = wired.pop("frame_values")
    return len(json.dumps(wired)) + (0 if table is None else table.nbytes)


def test_the_frames_travel_as_one_float32_column_beside_the_json():
    exp, d, rec = _recording(epochs=50)
    rec.extend(until_epoch=20)
    sent = Sent()
    payload = live_payload(rec, d, "1.0", exp.view, PLAYBACK, sent)
    wired = wire(payload)
    column = wired["frame_values"].column("v")
    assert str(column.type) == "float" and len(column) == 21 * 2 * rec.architecture.size
    np.testing.assert_array_equal(column.to_numpy(), payload["frames"]["values"].ravel())
    assert "values" not in wired["frames"] and json.dumps({**wired, "frame_values": None, "unit_rows": None})
    # With new views, the graph's dead-unit check's training rows travel the same way (all of them, standardized).
    rows = wired["unit_rows"].column("v")
    assert str(rows.type) == "float" and payload["specs"]["graph"]["rows"] == {"n": len(d.Z_train), "d": 3,
                                                                                "total": len(d.Z_train)}
    np.testing.assert_array_equal(rows.to_numpy(), d.Z_train.astype(np.float32).ravel())
    # Sent already: nothing new, no table (the views' specs and their rows neither).
    empty = wire(live_payload(rec, d, "1.0", exp.view, PLAYBACK, sent))
    assert empty["frame_values"] is None and empty["frames"]["epochs"] == []
    assert empty["specs"] is None and empty["unit_rows"] is None


PLAYBACK = {"playing": False, "epoch": 3, "speed": 30, "token": 1}


def test_payload_sends_each_epoch_once_and_the_views_when_they_are_new():
    exp, d, rec = _recording(epochs=300)
    sent = Sent()
    rec.extend(until_epoch=100)
    first = live_payload(rec, d, "7.0", exp.view, PLAYBACK, sent)
    assert set(first["specs"]) == {"palette", "graph", "heatmaps", "slices", "view3d", "landscape"}
    assert list(_frames(first)) == list(range(101)) and first["scalars"]["from"] == 0
    for e, f in _frames(first).items():
        np.testing.assert_allclose(f[0], rec.snapshot(e).params, rtol=1e-6, atol=1e-7)  # float32
    assert len(first["scalars"]["loss"]) == 101 and first["n_params"] == 23
    assert first["forward"]["activation"] == "relu"  # by name: the numeric codes stay in Python
    rec.extend(until_epoch=110)
    second = live_payload(rec, d, "7.0", exp.view, PLAYBACK, sent)
    assert second["specs"] is None  # the browser keeps its views
    assert list(_frames(second)) == list(range(101, 111)) and second["scalars"]["from"] == 101
    assert len(second["scalars"]["loss"]) == 10
    third = live_payload(rec, d, "7.0", exp.view, PLAYBACK, sent)
    assert _frames(third) == {} and third["scalars"]["loss"] == []
    asked = live_payload(rec, d, "7.0", exp.view, PLAYBACK, sent, Want(40, 44))
    assert list(_frames(asked)) == [40, 41, 42, 43, 44] and asked["specs"] is None
    again = live_payload(rec, d, "7.0", exp.view, PLAYBACK, sent, Want(resync=True))
    assert again["specs"] is not None and list(_frames(again)) == list(range(111))  # a small run, whole
    assert again["scalars"]["from"] == 0 and len(again["scalars"]["loss"]) == 111
    rec.reset()
    reset = live_payload(rec, d, "7.1", exp.view, PLAYBACK, sent)  # a new generation: new views
    assert reset["specs"] is not None and list(_frames(reset)) == [0]


def test_payload_bytes_do_not_grow_with_the_epochs_recorded():
    exp, d, rec = _recording(epochs=3000)
    sent = Sent()
    live_payload(rec, d, "1.0", exp.view, PLAYBACK, sent)
    sizes = []
    for _ in range(6):
        rec.extend(until_epoch=rec.n_epochs + 400)
        live_payload(rec, d, "1.0", exp.view, PLAYBACK, sent)  # 400 new epochs: not measured, grows alike
        rec.extend(until_epoch=rec.n_epochs + 9)
        sizes.append(_wire_bytes(live_payload(rec, d, "1.0", exp.view, PLAYBACK, sent)))
    assert max(sizes) - min(sizes) < 200, sizes  # 10 new epochs each time, after 410 … 2,460 recorded


def test_the_dead_unit_check_gets_an_evenly_spread_sample_of_a_large_tables_rows(monkeypatch):
    exp, d, _ = _recording(epochs=5)
    assert dead_check_rows(d, "tanh") is None  # no unit of another activation is ever dead
    monkeypatch.setattr(limits, "UNIT_ROWS_VALUES", 3 * 50)  # room for 50 rows of the 3 inputs
    rows = dead_check_rows(d, "relu")
    assert rows.shape == (50, 3) and rows.dtype == np.float32
    idx = np.linspace(0, len(d.Z_train) - 1, 50).round().astype(int)
    np.testing.assert_array_equal(rows, d.Z_train[idx].astype(np.float32))  # first and last rows among them
