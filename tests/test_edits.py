"""Hand edits of a run's weights: the recording's epochs after an edit are those of ``train`` going on from the edited
snapshot, computed here independently; the edit survives recomputation, Reset and the model download; links and the
browser's values are checked against the limits."""

import dataclasses

import numpy as np
import pytest

from mlp_core.architecture import parameter_table
from mlp_core.edits import Edit, branched, merged
from mlp_core.network import loss_and_gradients
from mlp_core.persistence import load_model
from mlp_core.training import train
from ui.live.payload import Sent, editing_spec, live_payload
from ui.session.data import synthetic
from ui.session.export import model_json
from ui.session.recording import Recording
from ui.settings import edits as hand
from ui.settings.experiment import Experiment, NetworkSettings, TrainingSettings
from ui.settings.limits import EDIT_LIMIT, MAX_EDITS
from ui.settings.link import from_query, to_query

EXACT = dict(rtol=0, atol=1e-12)
ADAM = dict(solver="adam", batch_size=32, learning_rate=0.01, max_epochs=300)
PLAYBACK = {"playing": False, "epoch": 0, "speed": 30, "token": 0, "replayed": None}


def _run(train_settings: dict, budget: int | None = None):
    """The app's data and run for the Playground's default settings (the article's 3-3-2-1 network on the default
    teaching data), with these training settings changed."""
    exp = Experiment(train=TrainingSettings(**train_settings))
    d = synthetic(exp.data)
    config = exp.train.training_config(exp.network)
    extra = {} if budget is None else {"budget": budget}
    return d, config, Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test, **extra)


def _independent(d, config, evaluate_every, epoch, param, value):
    """The run edited at ``epoch``, by ``train`` alone: trained to that epoch, its snapshot's parameter set (the
    divergence rule's starting loss raised to the edited weights' loss, from the readable reference, when higher),
    and training started again from it. Returns the snapshots of the epochs after it."""
    run = train(d.Z_train, d.y_train, config, d.Z_test, d.y_test, evaluate_every=evaluate_every,
                resumable=lambda e: e == epoch)
    snap = next(s for s in run if s.epoch == epoch)
    run.close()
    params = snap.params.copy()
    params[param] = value
    arch = snap.architecture
    loss = loss_and_gradients(arch.coefs(params), arch.intercepts(params), d.Z_train, d.y_train[:, None],
                              config.activation, config.alpha)[0]
    resume = dataclasses.replace(snap.resume, initial_loss=max(snap.resume.initial_loss, loss))
    start = dataclasses.replace(snap, params=params, resume=resume)
    return list(train(d.Z_train, d.y_train, config, d.Z_test, d.y_test, evaluate_every=evaluate_every, start=start))


def _same_epochs(rec, expected, edited):
    """The recording's epochs after the ``edited`` one are ``expected``'s, and so is how the run ended."""
    assert rec.n_epochs - 1 == expected[-1].epoch and rec.done
    assert rec.final.stop_rule == expected[-1].stop_rule
    assert any(want.epoch > edited for want in expected)  # trained on: there is something to compare
    for want in expected:
        if want.epoch == edited:  # diverged in the next epoch: the edited epoch repeated with the reason
            continue
        got = rec.snapshot(want.epoch)
        np.testing.assert_allclose(got.params, want.params, **EXACT)
        np.testing.assert_allclose(got.grads, want.grads, **EXACT)
        for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
            np.testing.assert_allclose(rec.scalar(name, want.epoch), getattr(want, name), **EXACT)


@pytest.mark.parametrize("settings", [{}, ADAM], ids=["default", "minibatch-adam"])
def test_the_epochs_after_an_edit_are_trains_from_the_edited_snapshot(settings):
    d, config, rec = _run(settings)
    rec.extend(until_epoch=70)  # played on past the epoch, then scrubbed back to it
    epoch, param, value = 40, 7, 0.5
    rec.edit(epoch, param, value)
    assert rec.n_epochs == epoch + 1 and rec.generation == 1  # the epochs after it forgotten, a new run for the views
    rec.extend()
    _same_epochs(rec, _independent(d, config, rec.evaluate_every, epoch, param, value), epoch)


def test_the_edited_epoch_shows_the_loss_gradient_and_accuracy_at_the_edited_weights():
    d, config, rec = _run({})
    rec.extend(until_epoch=50)
    before = rec.snapshot(40)
    rec.edit(40, 3, -2.0)
    snap = rec.snapshot(40)
    assert snap.params[3] == -2.0
    np.testing.assert_array_equal(np.delete(snap.params, 3), np.delete(before.params, 3))
    # The readable reference (mlp_core.network), full batch: the loss and gradient at the edited weights.
    loss, dW, db, p = loss_and_gradients(snap.coefs, snap.intercepts, d.Z_train, d.y_train[:, None], "relu", 0.0)
    np.testing.assert_allclose(snap.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(snap.grads, np.concatenate([np.r_[W.ravel(), b] for W, b in zip(dW, db, strict=True)]),
                               rtol=1e-9, atol=1e-15)
    assert snap.accuracy == np.mean((p.ravel() > 0.5) == d.y_train)
    assert snap.val_accuracy == np.mean((snap.predict_proba(d.Z_test) > 0.5) == d.y_test)
    assert rec.scalar("loss", 40) == snap.loss != before.loss  # the loss curve and the status show the edit
    assert snap.max_weight_change == before.max_weight_change  # the step that led to the epoch, as before
    # The run's state kept, but for the divergence rule's starting loss: the edited loss when that is higher.
    kept = dataclasses.replace(snap.resume, initial_loss=before.resume.initial_loss)
    np.testing.assert_equal(dataclasses.astuple(kept), dataclasses.astuple(before.resume))
    assert snap.resume.initial_loss == max(before.resume.initial_loss, snap.loss)


def test_an_edit_off_the_keyframe_stride_survives_recomputation():
    d, config, rec = _run(ADAM, budget=80_000)  # room for a few keyframes of a mini-batch run: the stride grows
    rec.extend(until_epoch=40)
    epoch = next(e for e in range(37, 0, -1) if e % rec.stride)
    assert rec.stride > 1 and epoch not in rec.keyframes
    rec.edit(epoch, 5, 1.5)
    rec.extend()
    assert epoch % rec.stride and epoch not in rec.keyframes  # recomputed from the keyframe before it
    assert rec.snapshot(epoch).params[5] == 1.5
    _same_epochs(rec, _independent(d, config, rec.evaluate_every, epoch, 5, 1.5), epoch)
    frames = dict(rec.frames_for(range(epoch - 2, epoch + 3)))
    assert frames[epoch][0, 5] == np.float32(1.5)


def test_an_edit_of_the_initial_weights_and_reset_back_to_the_original_ones():
    d, config, rec = _run({})
    original = rec.snapshot(0).params.copy()
    rec.extend(until_epoch=5)
    first = rec.snapshot(1).params.copy()
    rec.edit(0, 20, 0.5)
    assert rec.n_epochs == 1 and rec.snapshot(0).params[20] == 0.5
    rec.extend()
    _same_epochs(rec, _independent(d, config, rec.evaluate_every, 0, 20, 0.5), 0)
    rec.reset()
    assert rec.edits == () and rec.generation == 2
    np.testing.assert_array_equal(rec.snapshot(0).params, original)
    rec.extend(until_epoch=1)
    np.testing.assert_array_equal(rec.snapshot(1).params, first)


def test_two_edits_at_two_epochs_and_a_later_one_winning_at_one():
    d, config, rec = _run({"max_epochs": 200})
    rec.extend(until_epoch=30)
    rec.edit(10, 2, 1.0)
    rec.edit(10, 2, -1.0)  # the same weight again: the later value wins
    rec.extend(until_epoch=30)
    rec.edit(25, 8, 0.25)
    assert rec.edits == (Edit(10, 2, -1.0), Edit(25, 8, 0.25))
    rec.extend()
    # Independently: both edits, each made on train's own snapshot.
    run = train(d.Z_train, d.y_train, config, d.Z_test, d.y_test, resumable=lambda e: e == 10)
    snap = next(s for s in run if s.epoch == 10)
    params = snap.params.copy()
    params[2] = -1.0
    run = train(d.Z_train, d.y_train, config, d.Z_test, d.y_test, resumable=lambda e: e == 25,
                start=dataclasses.replace(snap, params=params))
    snap = next(s for s in run if s.epoch == 25)
    params = snap.params.copy()
    params[8] = 0.25
    expected = list(train(d.Z_train, d.y_train, config, d.Z_test, d.y_test,
                          start=dataclasses.replace(snap, params=params)))
    _same_epochs(rec, expected, 25)
    assert rec.snapshot(10).params[2] == -1.0 and rec.snapshot(25).params[8] == 0.25


def test_an_earlier_edit_forgets_the_later_epochs_and_their_edits():
    assert branched((Edit(5, 1, 1.0), Edit(9, 2, 2.0)), Edit(7, 3, 3.0)) == (Edit(5, 1, 1.0), Edit(7, 3, 3.0))
    assert merged([Edit(9, 1, 1.0), Edit(2, 4, 1.0), Edit(9, 1, 2.0)]) == (Edit(2, 4, 1.0), Edit(9, 1, 2.0))
    _, _, rec = _run({})
    rec.extend(until_epoch=30)
    rec.edit(20, 1, 1.0)
    rec.extend(until_epoch=30)
    rec.edit(12, 2, 2.0)
    assert rec.edits == (Edit(12, 2, 2.0),) and rec.n_epochs == 13


def test_a_recording_with_a_links_edits_applies_them_when_it_reaches_their_epochs():
    d, config, _ = _run({})
    edits = (Edit(0, 4, 0.75), Edit(40, 7, 0.5))
    rec = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test, edits=edits)
    assert rec.edits == edits and rec.generation == 0 and rec.snapshot(0).params[4] == 0.75
    straight = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)
    straight.extend(until_epoch=45)
    straight.edit(0, 4, 0.75)
    straight.extend(until_epoch=45)
    straight.edit(40, 7, 0.5)
    rec.extend()
    straight.extend()
    assert rec.n_epochs == straight.n_epochs
    for e in (0, 39, 40, 41, rec.n_epochs - 1):
        np.testing.assert_array_equal(rec.snapshot(e).params, straight.snapshot(e).params)
    rec.reset()  # the original initial weights, not the link's edited ones
    assert rec.snapshot(0).params[4] != 0.75


def test_an_edit_at_the_epoch_a_run_stopped_goes_on_training():
    d, config, rec = _run({"stop": "loss", "max_epochs": 5000})
    rec.extend()
    last = rec.n_epochs - 1
    assert rec.final.stop_rule == "tol" and last < 5000
    rec.edit(last, 0, 2.0)
    assert not rec.done and rec.snapshot(last).stop_reason is None
    rec.extend()
    assert rec.n_epochs > last + 1 and rec.done  # the tol rule's counters went on too: it soon stops again
    _same_epochs(rec, _independent(d, config, rec.evaluate_every, last, 0, 2.0), last)


def test_the_model_download_at_an_edited_epoch_holds_the_edited_weight():
    d, _, rec = _run({})
    rec.extend(until_epoch=50)
    rec.edit(40, 3, 0.5)  # layer 1, W[2, 1]
    model = load_model(model_json(rec, d, 40)).estimator
    assert model.coefs_[0][1, 0] == 0.5 and model.n_iter_ == 40
    assert model.loss_curve_[-1] == rec.snapshot(40).loss


def test_the_payload_carries_the_edits_and_what_the_graph_may_change():
    d, _, rec = _run({})
    rec.extend(until_epoch=10)
    rec.edit(6, 3, -1.25)
    payload = live_payload(rec, d, "1.1", Experiment().view, PLAYBACK, Sent())
    assert payload["edits"] == [{"epoch": 6, "param": 3, "value": -1.25}]
    assert payload["editing"] == {"limit": EDIT_LIMIT, "max_edits": MAX_EDITS, "hidden": [3, 2], "units": [1, 64],
                                  "max_layers": 6}
    assert 6 in payload["frames"]["epochs"]
    big = Recording(d.Z_train, d.y_train, TrainingSettings().training_config(NetworkSettings((5, 4, 2))))
    assert editing_spec(big)["hidden"] == [5, 4, 2]


def test_edits_in_a_link_round_trip_exactly():
    exp = Experiment(edits=(Edit(40, 7, 0.1 + 0.2), Edit(41, 3, -1.25), Edit(41, 5, 1e-07)))
    query = to_query(exp)
    assert query == {"edits": "40:7:0.30000000000000004,41:3:-1.25,41:5:1e-07"}
    assert from_query(query) == (exp, [])
    assert from_query({"edits": " 41:3:-1.25, 40:7:0.30000000000000004,41:5:1e-07 "}) == (exp, [])  # any order
    assert to_query(Experiment()) == {}


@pytest.mark.parametrize("text, says", [
    ("40-7-0.5", "written epoch:parameter:value"),
    ("40:7", "written epoch:parameter:value"),
    ("a:7:0.5", "written epoch:parameter:value"),
    ("-1:7:0.5", "written epoch:parameter:value"),
    ("40:7:x", "written epoch:parameter:value"),
    (",".join(f"1:{p}:0.5" for p in range(MAX_EDITS + 1)), f"at most {MAX_EDITS} edits"),
    ("40:7:nan", "from -100 to 100; got nan"),
    ("40:7:inf", "from -100 to 100; got inf"),
    ("40:7:100.5", "from -100 to 100; got 100.5"),
    ("40:7:1e308", "got 1e+308"),
    ("40:23:0.5", "numbered 0 to 22; got 23"),
    ("1001:1:0.5", "0 to 1000; got 1001"),
    ("1:1:" + "9" * 10_000, "got inf"),
    ("1" * 10_000, "written epoch:parameter:value"),
])
def test_a_links_bad_edits_are_ignored_with_a_notice_and_the_rest_kept(text, says):
    exp, notices = from_query({"edits": text, "lr": "0.3"})
    assert exp.edits == () and exp.train.learning_rate == 0.3
    assert len(notices) == 1 and notices[0].startswith("The link's edits='") and says in notices[0], notices
    assert len(notices[0]) < 400


def test_a_links_edits_are_checked_against_its_own_network_and_epochs():
    exp, notices = from_query({"edits": "300:40:0.5", "hidden": "8,4", "epochs": "300"})
    assert exp.edits == (Edit(300, 40, 0.5),) and notices == []
    exp, notices = from_query({"edits": "300:40:0.5", "epochs": "299"})
    assert exp.edits == () and "0 to 299; got 300" in notices[0]
    exp, notices = from_query({"edits": "3:500:0.5", "src": "csv"})  # a CSV file's network: known once it is read
    assert exp.edits == (Edit(3, 500, 0.5),) and notices == []


def test_parameters_are_named_as_the_heatmaps_show_them():
    table = parameter_table([3, 3, 2, 1])  # the article's network
    names = [hand.parameter_name(table, p) for p in range(23)]
    assert names[:4] == ["layer 1, W[1, 1]", "layer 1, W[1, 2]", "layer 1, W[1, 3]", "layer 1, W[2, 1]"]
    assert names[9:13] == ["layer 1, b[1]", "layer 1, b[2]", "layer 1, b[3]", "layer 2, W[1, 1]"]
    assert names[-3:] == ["layer 3, W[1, 1]", "layer 3, W[2, 1]", "layer 3, b[1]"]
    assert [hand.is_weight(table, p) for p in (8, 9, 11, 12, 22)] == [True, False, False, True, False]


def test_edits_checks_say_what_is_accepted():
    ok = Edit(3, 4, EDIT_LIMIT)
    assert hand.edit_problem(ok, 23, 3, "the epochs recorded") is None
    assert "the epochs recorded, 0 to 3; got 4" in hand.edit_problem(Edit(4, 4, 1.0), 23, 3, "the epochs recorded")
    assert "numbered 0 to 22; got -1" in hand.edit_problem(Edit(3, -1, 1.0), 23, 3, "the epochs recorded")
    assert "from -100 to 100" in hand.edit_problem(Edit(3, 4, -100.01), 23, 3, "the epochs recorded")
    assert hand.count_problem(MAX_EDITS) is None and f"at most {MAX_EDITS}" in hand.count_problem(MAX_EDITS + 1)
    assert hand.edits_problem([ok] * (MAX_EDITS + 1), 23, 3, "the epochs") == hand.count_problem(MAX_EDITS + 1)



def test_an_edit_that_raises_the_loss_is_trained_down_not_called_diverged():
    d, config, rec = _run({})
    rec.extend(until_epoch=40)
    start = rec.snapshot(0).loss
    rec.edit(40, 20, 2.0)  # the output's first weight: the loss jumps above twice the initial loss
    assert rec.snapshot(40).loss > 2 * start
    rec.extend(until_epoch=80)
    assert rec.n_epochs == 81 and rec.last.stop_rule != "diverged"  # the branch trains on from its own start
    assert rec.scalar("loss", 80) < rec.scalar("loss", 40)
