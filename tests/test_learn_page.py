"""The Learn page under Streamlit's AppTest: it explains the main page's network at the epoch on screen,
its gradients agree with finite differences as read from the page, and a stuck network is offered a way out."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from mlp_core import network
from tests.apptest import APP, PLAYGROUND, click, messages, open_app, replayed, session_of

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "4_Learn.py")


def _learn(at) -> AppTest:
    at.switch_page("app_pages/4_Learn.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label))


def _latex(at) -> str:
    return "\n".join(e.value for e in at.latex)


def _gradient_table(at):
    return next(d.value for d in at.dataframe if "finite difference" in d.value.columns)


def test_the_page_explains_the_epoch_on_the_main_page():
    at = click(open_app(), "b_step10")
    at = _learn(at)
    assert at.slider(key="l_epoch").value == 10
    assert any("epoch 10" in m.value for m in at.markdown)
    snap = session_of(at).recording.snapshot(10)
    data = session_of(at).data
    p = snap.predict_proba(data.Z_train[:1])[0]
    assert "p = \\sigma(Z_3)" in _latex(at) and f"= {p:.4g}" in _latex(at)  # training row 1 at epoch 10
    assert "Z_1 = W_1^\\top X + b_1" in _latex(at) and "X'' = \\mathrm{ReLU}(Z_2)" in _latex(at)
    assert "p - y" in _latex(at)


def test_the_displayed_gradients_agree_with_finite_differences_and_with_the_core():
    at = _learn(click(open_app(), "b_step10"))
    assert _metric(at, "Largest relative error, this sample") < 1e-6
    assert _metric(at, "Largest relative error, the batch") < 1e-6
    at.radio(key="l_check").set_value("The batch").run()
    table = _gradient_table(at)
    a, n = table["backpropagation"].to_numpy(), table["finite difference"].to_numpy()
    assert len(table) == 3 * 3 + 3 + 3 * 2 + 2 + 2 + 1
    assert np.max(np.abs(a - n) / np.maximum(np.abs(a), np.abs(n))) < 1e-6
    assert np.all(table["relative error"] < 1e-6)
    # The analytic column is the core's own batch gradient at the epoch on screen.
    s = session_of(at)
    snap, d = s.recording.snapshot(10), s.data
    _, coef_grads, intercept_grads, _ = network.loss_and_gradients(
        [np.array(W) for W in snap.coefs], [np.array(b) for b in snap.intercepts], d.Z_train,
        d.y_train.reshape(-1, 1), "relu", 0.0)
    expected = np.concatenate([np.concatenate([g.ravel(), b]) for g, b in zip(coef_grads, intercept_grads,
                                                                               strict=True)])
    np.testing.assert_allclose(a, expected, rtol=1e-12, atol=1e-16)
    assert table["parameter"].iloc[0] == "W1[0,0]" and table["parameter"].iloc[-1] == "b3[0]"


def test_the_sample_table_is_one_rows_gradient():
    at = _learn(open_app())
    at.number_input(key="l_row").set_value(7).run()
    table = _gradient_table(at)
    s = session_of(at)
    snap, d = s.recording.snapshot(0), s.data
    x, y = d.Z_train[6:7], d.y_train[6:7].reshape(-1, 1)
    _, coef_grads, intercept_grads, _ = network.loss_and_gradients(
        [np.array(W) for W in snap.coefs], [np.array(b) for b in snap.intercepts], x, y, "relu", 0.0)
    expected = np.concatenate([np.concatenate([g.ravel(), b]) for g, b in zip(coef_grads, intercept_grads,
                                                                               strict=True)])
    np.testing.assert_allclose(table["backpropagation"].to_numpy(), expected, rtol=1e-12, atol=1e-16)
    assert "training row 7" in " ".join(m.value for m in at.markdown)


def test_a_point_of_your_own_goes_through_the_network():
    at = _learn(open_app())
    at.radio(key="l_kind").set_value("point").run()
    s = session_of(at)
    keys = [f"l_x{j}_{s.run_id}" for j in range(3)]
    for key, value in zip(keys, (0.5, -0.25, 1.0), strict=True):
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    d = s.recording.snapshot(0)
    z = (np.array([0.5, -0.25, 1.0]) - s.data.mean) / s.data.scale
    p = d.predict_proba(z[None, :])[0]
    assert f"= {p:.4g}" in _latex(at)
    assert _metric(at, "Largest relative error, this sample") < 1e-6


def test_moving_the_epoch_here_moves_the_main_page():
    at = _learn(click(open_app(), "b_step10"))
    at.slider(key="l_epoch").set_value(4).run()
    assert session_of(at).playback.epoch == 4
    assert any("epoch 4" in m.value for m in at.markdown)
    at.switch_page(PLAYGROUND).run()
    assert not at.exception
    assert replayed(at) == 4


def test_a_gradient_descent_step_from_here_gives_the_next_epoch():
    at = _learn(click(open_app(), "b_step10"))
    text = next(m.value for m in at.markdown if "the largest difference is" in m.value)
    assert float(re.search(r"largest difference is ([0-9.e+-]+)", text).group(1)) < 1e-14


def test_training_that_plays_is_paused_on_the_epoch_it_reached():
    at = click(open_app(), "b_train")
    at = _learn(at)
    s = session_of(at)
    assert not s.playback.playing
    assert any("paused at epoch" in m for m in messages(at, "info"))


def test_the_page_opened_first_starts_the_run_the_main_page_then_keeps():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    s = session_of(at)
    run_id, first = s.run_id, s.recording.snapshot(0).params.copy()
    assert _metric(at, "Largest relative error, the batch") < 1e-6
    assert s.recording.snapshot(0).architecture.units == [3, 3, 2, 1]
    main = AppTest.from_file(APP, default_timeout=120)
    main.session_state["mlp_session"] = s  # the same browser session, now on the main page
    main.run()
    assert not main.exception
    s = session_of(main)
    assert s.run_id == run_id
    np.testing.assert_array_equal(s.recording.snapshot(0).params, first)


def test_a_stuck_network_is_named_and_one_click_gives_it_new_weights():
    at = open_app({"seed": "36"})  # the article's 3-2 ReLU net on the default data: layer 2 dead from the start
    s = session_of(at)
    assert s.experiment.train.seed == 36
    warning = next(m for m in messages(at, "warning") if "stuck" in m)
    assert "hidden layer 2" in warning
    learn = _learn(AppTest.from_file(APP, default_timeout=120).run())
    learn.session_state["mlp_session"] = s
    learn.run()
    assert any(m.startswith("Dead on the training data: h2.1, h2.2.") for m in messages(learn, "warning"))
    table = next(d.value for d in learn.dataframe if "dead" in d.value.columns)
    assert table["dead"].tolist() == [False, False, False, True, True]
    at = click(at, "b_reinit")
    s = session_of(at)
    assert s.experiment.train.seed == 37 and at.number_input(key="w_seed").value == 37
    assert s.playback.epoch == 0 and not any("stuck" in m for m in messages(at, "warning"))
    assert any("36 → 37" in m for m in messages(at, "info"))
    s.recording.extend()
    final = s.recording.last
    assert final.accuracy > 0.9  # the new weights learn the data


def test_a_network_that_dies_during_training_is_caught_at_the_end():
    at = open_app({"seed": "1"})  # alive at epoch 0, dead by the end of the run
    assert not any("stuck" in m for m in messages(at, "warning"))
    s = session_of(at)
    s.recording.extend()
    s.playback.pause_at(s.recording.n_epochs - 1)
    at.run()
    assert any("stuck" in m for m in messages(at, "warning"))
    at = _learn(at)
    assert any("stuck" in m for m in messages(at, "warning"))
    at = click(at, "b_reinit")
    assert session_of(at).experiment.train.seed == 2
    at.switch_page(PLAYGROUND).run()
    assert at.number_input(key="w_seed").value == 2 and not any("stuck" in m for m in messages(at, "warning"))


@pytest.mark.parametrize("features", [1, 12])
def test_a_csv_with_few_or_many_inputs_is_explained(features):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, features))
    y = (X.sum(axis=1) > 0).astype(int)
    header = ",".join(f"<b>f{j}</b>" for j in range(features)) + ",label"
    rows = [header] + [",".join(f"{v:.4f}" for v in r) + f",{t}" for r, t in zip(X, y, strict=True)]
    at = open_app()
    at.radio(key="w_src").set_value("csv").run()
    at.file_uploader(key="w_upload").set_value(("mine.csv", "\n".join(rows).encode(), "text/csv"))
    at.run()
    at = _learn(click(at, "b_step10"))
    assert _metric(at, "Largest relative error, the batch") < 1e-6
    if features > 8:
        assert "W_1^top_{(3 \\times 12)}" in _latex(at)  # too wide to write out: named, and the table has it all
