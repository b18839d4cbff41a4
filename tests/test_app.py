"""The dashboard's controls under Streamlit's AppTest: clicks, settings, uploads, the URL."""


import numpy as np
import pytest

from tests.apptest import PLAYGROUND, click, let_go_replay, messages, open_app, replayed, session_of


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
