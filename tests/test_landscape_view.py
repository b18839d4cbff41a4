"""The Playground's landscape view as the server sends it: due once a run's recording is complete or paused (and
each time it doubles while it grows under a playback), started only when the browser asks (never in the render that
draws its views first) on the landscape thread, sent once, and what it sends is the core's landscape of the run's
path."""

import numpy as np

from mlp_core import landscape as core
from ui.landscape import live, recorded
from ui.live.payload import Sent, Want, live_payload
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.settings import limits
from ui.settings.experiment import Experiment, TrainingSettings

PAUSED = {"playing": False, "epoch": 0, "speed": 30, "token": 1}
PLAYING = {**PAUSED, "playing": True}


def _run(epochs=200, **train):
    exp = Experiment()
    d = synthetic(exp.data)
    config = TrainingSettings(max_epochs=epochs, **train).training_config(exp.network)
    return exp, d, Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)


def _ask(rec, d, run, playback, sent, maps, key) -> dict:
    """The browser's ask for a map: answered "underway", then, asked again once the landscape thread is done, by the
    map."""
    first = live_payload(rec, d, run, Experiment().view, playback, sent, Want(landscape=key), maps=maps)["landscape"]
    assert first["due"] and first["pending"], first
    maps.future.result(timeout=60)
    return live_payload(rec, d, run, Experiment().view, playback, sent, Want(landscape=key), maps=maps)["landscape"]


def test_the_map_is_due_once_recorded_computed_when_asked_and_sent_once():
    exp, d, rec = _run()
    rec.extend()
    assert rec.done
    sent, maps = Sent(), live.Maps()
    first = live_payload(rec, d, "3.0", exp.view, PLAYING, sent, maps=maps)
    assert first["specs"]["landscape"] == {"problem": None, "grid": limits.landscape_grid(23, len(d.Z_train),
                                                                                          limits.LIVE_LANDSCAPE_WORK)}
    key = f"3.0:{rec.n_epochs - 1}"
    assert first["landscape"] == {"key": key, "due": True}  # the first draw: not computed
    again = live_payload(rec, d, "3.0", exp.view, PLAYING, sent, maps=maps)
    assert again["landscape"] == {"key": key, "due": True} and maps.future is None  # not started until asked
    sent_map = _ask(rec, d, "3.0", PLAYING, sent, maps, key)
    assert sent_map["key"] == key and "problem" not in sent_map
    assert live_payload(rec, d, "3.0", exp.view, PLAYING, sent, maps=maps)["landscape"] is None  # the browser has it
    resync = live_payload(rec, d, "3.0", exp.view, PLAYING, sent, Want(resync=True), maps=maps)
    assert resync["landscape"] == {"key": key, "due": True}  # it lost its views, and the map with them
    resent = live_payload(rec, d, "3.0", exp.view, PLAYING, sent, Want(landscape=key), maps=maps)["landscape"]
    assert resent == sent_map  # computed already: sent again at once

    # What was sent is the core's landscape of the run's path, rounded for the wire.
    thetas = np.array([rec.snapshot(e).params for e in range(rec.n_epochs)])
    expected = core.trajectory_landscape(d.Z_train, d.y_train, rec.architecture, 0.0, thetas,
                                         np.arange(rec.n_epochs), len(sent_map["x"]))
    assert sent_map["epochs"] == list(range(rec.n_epochs))
    np.testing.assert_allclose(sent_map["loss"], expected.loss, rtol=1e-4)
    np.testing.assert_allclose(np.c_[sent_map["path"]["a"], sent_map["path"]["b"]], expected.path, rtol=1e-4,
                               atol=1e-9)
    row, column = expected.origin_index
    final_loss = core.LossFunction(d.Z_train, d.y_train, rec.architecture)(thetas[-1])
    np.testing.assert_allclose(sent_map["loss"][row][column], final_loss, rtol=1e-4)  # the origin: the final weights
    assert sent_map["path"]["a"][-1] == 0 and sent_map["path"]["b"][-1] == 0  # the path ends at the origin
    shares = expected.plane.shares
    assert sent_map["titles"][0].endswith(f"{shares[0]:.1%} of its variance")
    a, line = core.profile(core.LossFunction(d.Z_train, d.y_train, rec.architecture), thetas[0], thetas[-1])
    np.testing.assert_allclose(sent_map["profile"]["a"], a, rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(sent_map["profile"]["loss"], line, rtol=1e-4)


def test_while_the_recording_grows_under_the_playback_a_new_map_each_time_its_epochs_double():
    exp, d, rec = _run(epochs=400)
    rec.extend(until_epoch=50)
    sent, maps = Sent(), live.Maps()

    def render(playback, want=None):
        return live_payload(rec, d, "1.0", exp.view, playback, sent, want or Want(), maps=maps)["landscape"]

    assert render(PAUSED) == {"key": "1.0:50", "due": True}
    assert render(PAUSED, Want(landscape="1.0:50")) == {"key": "1.0:50", "due": True, "pending": True}
    rec.extend(until_epoch=60)  # recorded on while it is computed: the map is not started again
    maps.future.result(timeout=60)
    made = render(PLAYING)  # the fragment's own rerun brings it: no ask needed while it reruns every second
    assert made["key"] == "1.0:50" and made["epochs"][-1] == 50
    rec.extend(until_epoch=80)
    assert render(PLAYING) is None and maps.key == "1.0:50"  # grown, not doubled: nothing started
    rec.extend(until_epoch=100)
    assert render(PLAYING) is None and maps.key == "1.0:100"  # doubled: started, without a word to the browser
    maps.future.result(timeout=60)
    rec.extend(until_epoch=110)
    assert render(PLAYING)["epochs"][-1] == 100
    assert render(PLAYING) is None
    assert render(PAUSED) == {"key": "1.0:110", "due": True}  # paused: the epochs recorded, when asked
    assert render(PAUSED, Want(landscape="0.0:110")) == {"key": "1.0:110", "due": True}  # an ask of another run
    assert _ask(rec, d, "1.0", PAUSED, sent, maps, "1.0:110")["epochs"][-1] == 110
    rec.extend()
    assert render(PLAYING)["key"] == f"1.0:{rec.n_epochs - 1}"  # complete: due, and asked for as when paused
    assert Want.from_triggers({"landscape": "1.0:9"}).landscape == "1.0:9"
    assert Want.from_triggers({"landscape": 3}).landscape is None


def test_one_epoch_makes_a_path_and_a_network_too_large_is_not_drawn_live():
    exp, d, rec = _run(epochs=1)
    assert live.due("1.0", rec, False) is None  # only epoch 0: nothing to draw
    rec.extend()
    assert live.due("1.0", rec, False) == "1.0:1"
    epochs, thetas = recorded.path_weights(rec)
    made = live.landscape_map("1.0:1", rec.architecture, 0.0, epochs, thetas, d.Z_train, d.y_train)
    assert made["epochs"] == [0, 1]
    big = Recording(np.zeros((5000, 3)), np.r_[np.zeros(2500), np.ones(2500)],
                    TrainingSettings(max_epochs=5).training_config(exp.network.__class__((64, 64, 64), "relu")))
    spec = live.view_spec(big, 5000)
    assert spec["problem"].startswith("Not drawn live for this run: a landscape of a network of")
    assert "Landscape page" in spec["problem"]
