"""Training faults and bad clicks under AppTest: a diverging run is stopped and explained with its last finite
weights kept; any sequence of Train, Pause, Step, Reset, replay, settings changes and page switches leaves the
session consistent; coming back to the main page restores the run."""

import random

import numpy as np
import pytest

from mlp_core.network import init_params, layer_units
from mlp_core.persistence import load_model
from tests.apptest import PLAYGROUND, click, let_go_replay, messages, open_app, replayed, session_of
from ui.session.export import model_json

PAGES = ["app_pages/1_About.py", "app_pages/2_Compare.py", "app_pages/3_Classify.py", "app_pages/4_Learn.py",
         "app_pages/5_Landscape.py"]


def _status(at) -> str:
    return next(m.value for m in at.markdown if "mlp-status" in m.value)


def _check_consistent(at, where: str) -> None:
    """What must hold after every action, whatever came before."""
    assert not at.exception, (where, [e.value for e in at.exception])
    s = session_of(at)
    rec, exp = s.recording, s.experiment
    snapshots = [rec.snapshot(e) for e in range(rec.n_epochs)]
    epochs = [snap.epoch for snap in snapshots]
    assert epochs == list(range(len(epochs))) == list(range(len(rec.scalars("loss")))), where  # one per epoch
    assert all(np.isfinite(snap.params).all() for snap in snapshots), where
    assert rec.config == exp.train.training_config(exp.network), where  # the run is the settings' run
    assert s.run_key == (s.data_key, exp.network, exp.train), where
    coefs, intercepts = init_params(layer_units(3, exp.network.hidden), exp.network.activation, exp.train.seed)
    np.testing.assert_array_equal(rec.snapshot(0).params, rec.snapshot(0).architecture.flatten(coefs, intercepts))
    assert 0 <= s.playback.epoch <= rec.n_epochs - 1 or s.playback.playing, where
    if at.get("bidi_component") and not s.playback.playing:  # the replay slider is the live views' own
        assert replayed(at) == s.playback.epoch, where
        assert _status(at).startswith(f"<div class='mlp-status' role='status'>Epoch {s.playback.epoch} ·"), where
        assert at.number_input(key="w_seed").value == exp.train.seed, where


def test_a_diverging_learning_rate_is_stopped_explained_and_its_last_finite_weights_kept():
    at = open_app({"lr": "10"})
    for _ in range(20):
        at = click(at, "b_step10")
        if session_of(at).recording.done:
            break
    s = session_of(at)
    final = s.recording.final
    assert final is not None and final.stop_rule == "diverged"
    error = next(m for m in messages(at, "error") if "diverged" in m)
    assert "Lower the learning rate" in error and "learning rate = 10" in error  # in the page's words
    last = s.recording.n_epochs - 1
    assert s.playback.epoch == last and f"weights of epoch {last} are kept" in error
    _check_consistent(at, "diverged")
    # The kept weights are usable: the model file holds them, and they score finitely.
    model = load_model(model_json(s.recording, s.data, s.playback.epoch))  # what "Download the model" gives
    X = s.data.X_test
    p = model.estimator.predict_proba(X)[:, 1]
    assert np.isfinite(p).all()
    np.testing.assert_allclose(model.estimator.coefs_[0], s.recording.snapshot(last).coefs[0], rtol=0, atol=0)


ACTIONS = ["train", "pause", "step", "step10", "reset", "replay", "tick", "speed", "lr", "seed", "hidden", "page"]


def _act(at, action: str, rng: random.Random):
    s = session_of(at)
    if action in ("train", "pause", "step", "step10", "reset"):
        button = at.button(key=f"b_{action}")
        if button.disabled:
            return at.run()
        return click(at, f"b_{action}")
    if action == "replay":  # let go of the browser's replay slider, paused or playing
        return let_go_replay(at, rng.randint(0, s.recording.n_epochs - 1), at_time=rng.random())
    if action == "tick":  # the timer that keeps the recording ahead while playing
        return at.run()
    if action == "speed":
        at.select_slider(key="w_speed").set_value(rng.choice([10, 30, 120]))
    elif action == "lr":
        at.select_slider(key="w_lr").set_value(rng.choice([0.03, 0.1, 0.3]))
    elif action == "seed":
        at.number_input(key="w_seed").set_value(rng.choice([4, 6, 7]))
    elif action == "hidden":
        at.text_input(key="w_hidden").input(rng.choice(["3,2", "4", "3,3"]))
    elif action == "page":
        before = (s.run_id, s.playback.playing or s.playback.epoch)
        at.switch_page(rng.choice(PAGES)).run()
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page(PLAYGROUND).run()
        after = session_of(at)
        assert after.run_id == before[0]  # the run survives the visit
        return at
    return at.run()


@pytest.mark.parametrize("seed", range(4))
def test_any_sequence_of_clicks_and_page_switches_leaves_the_session_consistent(seed):
    rng = random.Random(seed)
    at = open_app({"epochs": "200"})
    _check_consistent(at, "start")
    history = []
    for _ in range(25):
        action = rng.choice(ACTIONS)
        history.append(action)
        at = _act(at, action, rng)
        _check_consistent(at, " → ".join(history))


def test_page_switches_while_training_come_back_to_the_same_run():
    at = click(click(open_app(), "b_step10"), "b_train")
    s = session_of(at)
    run, first = s.run_id, s.recording.snapshot(0).params.copy()
    for page in PAGES[:3]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
    at.switch_page(PLAYGROUND).run()
    _check_consistent(at, "back from the other pages")
    s = session_of(at)
    assert s.run_id == run and s.recording.n_epochs >= 11
    np.testing.assert_array_equal(s.recording.snapshot(0).params, first)
    at = click(at, "b_pause")
    held = session_of(at).playback.epoch
    assert held >= 10
    at.switch_page("app_pages/4_Learn.py").run()
    at.switch_page(PLAYGROUND).run()
    _check_consistent(at, "back from Learn")
    assert session_of(at).playback.epoch == held and replayed(at) == held


def test_reset_during_training_goes_back_to_epoch_zero_with_the_same_weights():
    at = click(click(open_app(), "b_train"), "b_step10")
    first = session_of(at).recording.snapshot(0).params.copy()
    at = click(at, "b_train")
    at = click(at, "b_reset")
    s = session_of(at)
    assert not s.playback.playing and s.playback.epoch == 0
    np.testing.assert_array_equal(s.recording.snapshot(0).params, first)
    _check_consistent(at, "reset while playing")
