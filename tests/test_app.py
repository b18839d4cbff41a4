"""The dashboard's controls under Streamlit's AppTest: clicks, settings, uploads, the URL."""


import numpy as np
import pytest

from mlp_core.edits import Edit
from tests.apptest import PLAYGROUND, ask, click, let_go_replay, live_data, messages, open_app, replayed, session_of
from ui.settings.limits import MAX_EDITS
from ui.settings.sidebar import slice_keys


def test_opens_with_the_articles_network_ready_at_epoch_zero():
    at = open_app()
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    assert s.recording.snapshot(0).architecture.units == [3, 3, 2, 1]
    assert s.playback.epoch == 0 and not s.playback.playing
    assert replayed(at) == 0


def test_train_plays_and_pause_holds_the_epoch_on_screen():
    at = click(open_app(), "b_train")
    s = session_of(at)
    assert s.playback.playing and at.button(key="b_pause").disabled is False
    at = click(at, "b_pause")
    s = session_of(at)
    assert not s.playback.playing
    held = s.playback.epoch
    assert replayed(at) == held
    assert session_of(at.run()).playback.epoch == held  # paused means it stays


def test_step_moves_one_and_ten_epochs_and_reset_returns_to_the_same_weights():
    at = open_app()
    first = session_of(at).recording.snapshot(0).params.copy()
    at = click(at, "b_step")
    assert session_of(at).playback.epoch == 1
    at = click(at, "b_step10")
    assert session_of(at).playback.epoch == 11 and replayed(at) == 11
    at = click(at, "b_reset")
    s = session_of(at)
    assert s.playback.epoch == 0 and s.recording.n_epochs >= 1
    np.testing.assert_array_equal(s.recording.snapshot(0).params, first)
    assert any("Reset" in m for m in messages(at, "info"))


def test_replay_slider_shows_an_earlier_epoch_and_step_goes_on_from_there():
    at = click(click(open_app(), "b_step10"), "b_step10")
    at = let_go_replay(at, 7)
    assert session_of(at).playback.epoch == 7 and not session_of(at).playback.playing and replayed(at) == 7
    assert session_of(at.run()).playback.epoch == 7  # the report is used once: later runs keep the epoch
    at = click(at, "b_step")
    assert session_of(at).playback.epoch == 8 and replayed(at) == 8


def test_replay_let_go_while_playing_pauses_there_and_past_the_end_holds_the_last_epoch():
    at = click(click(open_app(), "b_step10"), "b_train")
    at = let_go_replay(at, 3)
    s = session_of(at)
    assert not s.playback.playing and s.playback.epoch == 3 and replayed(at) == 3
    at = let_go_replay(at, 10**6, at_time=2.0)
    s = session_of(at)
    assert s.playback.epoch == s.recording.n_epochs - 1 == replayed(at)


def test_view_options_keep_the_run_but_network_changes_reset_it_with_a_notice():
    at = click(open_app(), "b_step10")
    run = session_of(at).run_id
    at.select_slider(key="w_speed").set_value(120)
    at.checkbox(key="w_log").check()
    at = at.run()
    assert session_of(at).run_id == run and session_of(at).playback.epoch == 10
    at.text_input(key="w_hidden").input("4,3")
    at = at.run()
    s = session_of(at)
    assert s.run_id == run + 1 and s.playback.epoch == 0
    assert s.recording.snapshot(0).architecture.units == [3, 4, 3, 1]
    assert any("network settings changed" in m for m in messages(at, "info"))


def test_bad_hidden_layers_keep_the_previous_network_with_a_message():
    at = open_app()
    at.text_input(key="w_hidden").input("3,zero")
    at = at.run()
    assert not at.exception
    assert any("like 3,2" in m for m in messages(at, "error"))
    assert session_of(at).recording.snapshot(0).architecture.units == [3, 3, 2, 1]


def test_settings_come_from_the_url_and_go_back_into_it():
    at = open_app({"ds": "xor", "hidden": "4,2", "lr": "0.3", "seed": "11"})
    s = session_of(at)
    assert s.experiment.data.dataset == "xor" and s.experiment.network.hidden == (4, 2)
    assert s.experiment.train.learning_rate == 0.3 and s.experiment.train.seed == 11
    assert at.query_params["hidden"] == ["4,2"] or at.query_params["hidden"] == "4,2"


def test_uploaded_csv_trains_on_its_columns_and_a_bad_file_clears_the_old_run():
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    rows = ["size,colour,weight,label"] + [
        f"{i % 7},{'red' if i % 3 else 'blue'},{(i * 37) % 11},{'yes' if (i % 7) + (i * 37) % 11 > 8 else 'no'}"
        for i in range(120)
    ]
    good = "\n".join(rows).encode()
    at.file_uploader(key="w_upload").set_value(("fruit.csv", good, "text/csv"))
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    assert at.selectbox(key="w_target").value == "label"  # two values, named like a label: suggested
    assert s.data.feature_names == ("size", "colour", "weight")
    assert s.recording.snapshot(0).architecture.units[0] == 3
    assert not at.button(key="b_train").disabled and len(at.get("download_button")) == 1
    at.file_uploader(key="w_upload").set_value(("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv"))
    at = at.run()
    assert not at.exception
    assert any("PNG" in m for m in messages(at, "error"))
    s = session_of(at)
    assert s.data is None and s.recording is None  # the old run is gone from the page ...
    assert at.button(key="b_train").disabled and len(at.get("download_button")) == 0
    assert not [e for e in at.expander if "What was done" in e.label]
    at.file_uploader(key="w_upload").set_value(("fruit.csv", good, "text/csv"))
    at = at.run()
    assert session_of(at).data.feature_names == ("size", "colour", "weight")  # ... and back with a usable file
    assert not at.button(key="b_train").disabled


def test_switching_the_data_source_and_back_keeps_each_sources_settings():
    # The widgets of the source not shown are not drawn, and Streamlit forgets an undrawn widget's value: coming
    # back, the teaching dataset showed its first dataset and the sliders' minimums (20 points, no noise) and
    # trained on them, and a file's chosen target was asked for again; each set of inputs' slice axes too.
    at = open_app({"ds": "moons", "n": "300", "noise": "0.25", "dseed": "3"})
    teaching_x, teaching_y = slice_keys(("x1", "x2", "x3"))
    at.selectbox(key=teaching_x).set_value(2)  # x3 across
    at = at.run()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    rows = ["a,b,year,score"] + [f"{i % 5},{(i * 7) % 3},{2007 + i % 3},{i % 4}" for i in range(90)]
    at.file_uploader(key="w_upload").set_value(("years.csv", "\n".join(rows).encode(), "text/csv"))
    at = at.run()
    at.selectbox(key="w_target").set_value("score")
    at = at.run()
    assert session_of(at).data.feature_names == ("a", "b", "year")
    file_x, file_y = slice_keys(("a", "b", "year"))
    at.selectbox(key=file_x).set_value(1)  # b across
    at = at.run()
    at.selectbox(key=file_y).set_value(2)  # year up
    at = at.run()
    for _ in range(2):  # there and back twice: the held values survive more than one run
        at.radio(key="w_src").set_value("synthetic")
        at = at.run()
        assert not at.exception
        widgets = (at.selectbox(key="w_ds").value, at.slider(key="w_n").value, at.slider(key="w_noise").value,
                   at.number_input(key="w_dseed").value)
        assert widgets == ("moons", 300, 0.25, 3)
        data = session_of(at).experiment.data
        assert (data.source, data.dataset, data.n, data.noise, data.seed) == ("synthetic", "moons", 300, 0.25, 3)
        assert (at.selectbox(key=teaching_x).value, session_of(at).experiment.view.x_input) == (2, 2)
        at.radio(key="w_src").set_value("csv")
        at = at.run()
        assert not at.exception
        assert at.selectbox(key="w_target").value == "score"
        assert session_of(at).data.feature_names == ("a", "b", "year")  # trained on the same choices again
        assert any(c.value.startswith("Using years\\.csv, uploaded earlier") for c in at.sidebar.caption)
        view = session_of(at).experiment.view
        shown = (at.selectbox(key=file_x).value, at.selectbox(key=file_y).value)
        assert shown == (view.x_input, view.y_input) == (1, 2)


def test_a_many_valued_target_is_never_taken_silently_and_its_error_disables_train():
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    rows = ["a,b,year,score"] + [f"{i % 5},{(i * 7) % 3},{2007 + i % 3},{i % 30}" for i in range(90)]
    at.file_uploader(key="w_upload").set_value(("years.csv", "\n".join(rows).encode(), "text/csv"))
    at = at.run()
    assert not at.exception
    assert at.selectbox(key="w_target").value == "(choose the target)"  # no label-like two-valued column: ask
    assert session_of(at).data is None and at.button(key="b_train").disabled
    assert any("choose the target column" in m for m in messages(at, "info"))
    at.selectbox(key="w_target").set_value("score")
    at = at.run()
    assert any("has 30 classes" in m for m in messages(at, "error"))  # more than 20: a number, not a class
    assert session_of(at).data is None and at.button(key="b_train").disabled
    at.selectbox(key="w_target").set_value("year")  # three classes: each its own output
    at = at.run()
    assert session_of(at).data.class_names == ("2007", "2008", "2009") and not at.button(key="b_train").disabled
    at.selectbox(key="w_positive").set_value("2008")
    at = at.run()
    assert session_of(at).data.class_names == ("rest", "2008") and not at.button(key="b_train").disabled
    assert session_of(at).csv_choices["target"] == "year"  # the choices made were kept


@pytest.mark.parametrize("activation", ["logistic", "tanh", "identity"])
def test_every_activation_runs(activation):
    at = open_app({"act": activation})
    assert not at.exception
    assert session_of(at).recording.config.activation == activation


def test_settings_and_the_run_survive_a_visit_to_another_page():
    at = open_app()
    at.number_input(key="w_epochs").set_value(300)
    at.text_input(key="w_hidden").input("4,2")
    at = at.run()
    at = click(at, "b_step10")
    run = session_of(at).run_id
    at.switch_page("app_pages/1_About.py").run()
    at.switch_page(PLAYGROUND).run()
    assert not at.exception
    s = session_of(at)
    assert at.number_input(key="w_epochs").value == 300 and at.text_input(key="w_hidden").value == "4,2"
    assert s.run_id == run and s.playback.epoch == 10  # the run was not reset


def test_present_comes_from_the_link_goes_back_into_it_and_moves_the_introduction_below_the_views():
    at = open_app({"present": "1"})
    assert at.toggle(key="w_present").value is True and session_of(at).experiment.view.present
    assert at.query_params["present"] in (["1"], "1")
    main = [getattr(e, "key", None) or type(e).__name__ for e in at.main]
    assert main.index("Title") > main.index("b_train")  # the title after the toolbar (its Train button)
    at.toggle(key="w_present").set_value(False)
    at = at.run()
    assert not session_of(at).experiment.view.present and "present" not in at.query_params
    main = [getattr(e, "key", None) or type(e).__name__ for e in at.main]
    assert main.index("Title") < main.index("b_train")


def _edit(at, epoch, param, value, at_time, run=None):
    """A weight set on the live network graph, for the run the views show (or ``run``)."""
    return ask(at, "edit", {"run": run or live_data(at)["run_id"], "epoch": epoch, "param": param, "value": value,
                            "at": at_time})


def test_a_weight_set_on_the_graph_branches_the_run_there_and_reset_drops_it():
    at = click(click(open_app(), "b_step10"), "b_step10")
    first = session_of(at).recording.snapshot(1).params.copy()
    run = live_data(at)["run_id"]
    at = _edit(at, 12, 20, 0.5, at_time=1)
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    assert s.recording.edits == (Edit(12, 20, 0.5),) and s.recording.n_epochs == 13
    assert s.recording.snapshot(12).params[20] == 0.5
    assert not s.playback.playing and s.playback.epoch == 12 and replayed(at) == 12
    assert ("Weight layer 3, W[1, 1] set to 0.5 at epoch 12: the run goes on from there (Reset goes back to the "
            "original initial weights).") in messages(at, "info")
    assert at.query_params["edits"] in (["12:20:0.5"], "12:20:0.5")
    data = live_data(at)
    assert data["run_id"] != run and data["edits"] == [{"epoch": 12, "param": 20, "value": 0.5}]  # new views
    assert 12 in data["frames"]["epochs"]
    generation = s.recording.generation
    at = at.run()  # the ask is still in the component's state: used once
    assert session_of(at).recording.generation == generation and session_of(at).playback.epoch == 12
    at = click(at, "b_step")  # training goes on from the edited weights
    assert session_of(at).playback.epoch == 13 and session_of(at).recording.snapshot(12).params[20] == 0.5
    at = click(at, "b_reset")
    s = session_of(at)
    assert s.recording.edits == () and "edits" not in at.query_params and live_data(at)["edits"] == []
    assert any("Reset" in m and "hand edit of a weight was dropped" in m for m in messages(at, "info"))
    s.recording.extend(until_epoch=1)
    np.testing.assert_array_equal(s.recording.snapshot(1).params, first)


def test_a_stale_or_bad_edit_from_the_browser_changes_nothing_and_a_bad_one_says_why():
    at = click(open_app(), "b_step10")
    rec = session_of(at).recording
    at = _edit(at, 5, 3, 0.5, at_time=1, run="0.0")  # a run the views no longer show: ignored
    assert rec.edits == () and rec.generation == 0 and not messages(at, "info")
    last = rec.n_epochs - 1  # recorded ahead of the playback
    for when, (epoch, param, value, says) in enumerate([
        (last + 1, 3, 0.5, f"an edit's epoch is one of the epochs recorded, 0 to {last}; got {last + 1}"),
        (5, 23, 0.5, "the network's weights and biases are numbered 0 to 22; got 23"),
        (5, -1, 0.5, "numbered 0 to 22; got -1"),
        (5, 3, float("nan"), "a number from -100 to 100; got nan"),
        (5, 3, 1e300, "got 1e+300"),
        (5, 3, 10**400, "got inf"),
        (5, 3, "0.5", "an edit needs an epoch and a parameter, whole numbers, and a value, a number"),
        (5.0, 3, 0.5, "whole numbers"),
        (True, 3, 0.5, "whole numbers"),
    ], start=2):
        at = _edit(at, epoch, param, value, at_time=when)
        assert not at.exception, [e.value for e in at.exception]
        assert any(m.startswith("The weight was not set: ") and says in m for m in messages(at, "info")), messages(at)
        assert rec.edits == () and rec.generation == 0 and session_of(at).playback.epoch == 10
    for param in range(MAX_EDITS):
        rec.edit(10, param, 0.25)
    at = _edit(at, 10, MAX_EDITS, 0.5, at_time=99, run=session_of(at).views_run)
    assert f"The weight was not set: a run takes at most {MAX_EDITS} edits" in " ".join(messages(at, "info"))
    assert len(rec.edits) == MAX_EDITS
    at = _edit(at, 10, 0, -0.5, at_time=100, run=session_of(at).views_run)  # one of them again: still 20
    assert rec.edits[0] == Edit(10, 0, -0.5) and len(rec.edits) == MAX_EDITS


def test_the_graphs_plus_and_minus_set_the_hidden_layers_as_the_sidebar_does():
    at = click(open_app(), "b_step10")
    run = session_of(at).run_id
    at = ask(at, "network", {"hidden": [3, 3], "at": 1})
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    assert at.text_input(key="w_hidden").value == "3,3" and s.experiment.network.hidden == (3, 3)
    assert s.recording.snapshot(0).architecture.units == [3, 3, 3, 1] and s.run_id == run + 1
    assert at.query_params["hidden"] in (["3,3"], "3,3") and live_data(at)["editing"]["hidden"] == [3, 3]
    assert any("network settings changed" in m for m in messages(at, "info"))
    for when, hidden in enumerate([[0], [65], [3] * 7, "3,3", [True], [2.5], None], start=2):
        at = ask(at, "network", {"hidden": hidden, "at": when})
        assert not at.exception, [e.value for e in at.exception]
        assert any(m.startswith("The hidden layers were not changed: the hidden layers must be at most 6 hidden "
                                "layers of 1 to 64 units") for m in messages(at, "info")), (hidden, messages(at))
        assert session_of(at).run_id == run + 1 and at.text_input(key="w_hidden").value == "3,3"
    at = ask(at, "network", {"hidden": [], "at": 20})  # the last hidden layer removed: a single sigmoid unit
    assert session_of(at).recording.snapshot(0).architecture.units == [3, 1]
    assert at.text_input(key="w_hidden").value == "none"


def test_hidden_layers_too_large_for_the_server_are_refused_with_the_sidebars_words():
    at = open_app({"n": "5000", "batch": "1"})
    at = ask(at, "network", {"hidden": [64] * 6, "at": 1})
    assert not at.exception
    assert any(m.startswith("The hidden layers were not changed: this run is larger than one visitor may ask")
               for m in messages(at, "info")), messages(at)
    assert session_of(at).experiment.network.hidden == (3, 2) and not messages(at, "error")


def test_a_link_with_edits_opens_the_edited_run_and_a_new_run_drops_them():
    at = open_app({"edits": "0:3:0.5,5:7:-1.25"})
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    assert s.recording.edits == (Edit(0, 3, 0.5), Edit(5, 7, -1.25)) == s.experiment.edits
    assert s.recording.snapshot(0).params[3] == 0.5 and not messages(at, "info")
    assert at.query_params["edits"] in (["0:3:0.5,5:7:-1.25"], "0:3:0.5,5:7:-1.25")
    at = click(at, "b_step10")
    assert session_of(at).recording.snapshot(5).params[7] == -1.25
    at.text_input(key="w_hidden").input("4,3")
    at = at.run()
    s = session_of(at)
    assert s.recording.edits == () == s.experiment.edits and "edits" not in at.query_params
    assert ("The network settings changed, so training starts again from epoch 0. The run's 2 hand edits of its "
            "weights were dropped.") in messages(at, "info")


def test_a_links_edits_that_do_not_fit_are_ignored_with_a_notice():
    at = open_app({"edits": "0:99:0.5", "lr": "0.3"})
    assert not at.exception and session_of(at).recording.edits == ()
    assert session_of(at).experiment.train.learning_rate == 0.3 and "edits" not in at.query_params
    assert ("The link's edits='0:99:0.5' was ignored: the network's weights and biases are numbered 0 to 22; got 99."
            in messages(at, "info"))
