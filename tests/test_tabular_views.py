"""The views of a table: permutation importance against scikit-learn's, the axis rule, the real reference row, the
slices' held values and test rows by projection, and the same rule on the main page and the Classify page."""

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import permutation_importance as sklearn_importance
from sklearn.linear_model import LogisticRegression

from mlp_core.csv_inputs import load_csv
from mlp_core.importance import axis_inputs, binary_inputs, permutation_importance
from mlp_core.persistence import load_model
from mlp_core.reference import reference_row
from tests.apptest import open_app, session_of
from ui.classify import scored_file
from ui.live.payload import Axes, slices_spec, view3d_spec
from ui.session.data import from_csv
from ui.session.export import model_json
from ui.session.recording import Recording
from ui.settings.experiment import Experiment


def test_permutation_importance_agrees_with_scikit_learns_and_is_zero_for_an_unused_input():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(3000, 3))
    y = (3 * X[:, 0] + X[:, 1] + rng.normal(size=3000) > 0).astype(int)
    model = LogisticRegression().fit(X[:, :2], y)

    def predict(Z):  # the third input is not used at all
        return model.predict_proba(Z[:, :2])[:, 1]

    ours = permutation_importance(predict, X, y, repeats=20, seed=1)
    theirs = sklearn_importance(model, X[:, :2], y, scoring="neg_log_loss", n_repeats=20, random_state=2)
    assert ours[2] == 0.0
    assert ours[0] > ours[1] > 0
    # Two independent estimates of the same mean increase of the log loss: within four standard errors.
    spread = theirs.importances_std / np.sqrt(20)
    np.testing.assert_allclose(ours[:2], theirs.importances_mean, atol=float(4 * spread.max() + 1e-3))


def test_permutation_importance_of_k_classes_agrees_with_scikit_learns():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(3000, 3))
    y = np.digitize(2 * X[:, 0] + X[:, 1] + rng.normal(size=3000), [-1, 1])  # three classes
    model = LogisticRegression().fit(X[:, :2], y)

    def predict(Z):  # one probability per class; the third input is not used
        return model.predict_proba(Z[:, :2])

    ours = permutation_importance(predict, X, y, repeats=20, seed=1)
    theirs = sklearn_importance(model, X[:, :2], y, scoring="neg_log_loss", n_repeats=20, random_state=2)
    assert ours[2] == 0.0 and ours[0] > ours[1] > 0
    spread = theirs.importances_std / np.sqrt(20)
    np.testing.assert_allclose(ours[:2], theirs.importances_mean, atol=float(4 * spread.max() + 1e-3))


def test_permutation_importance_is_the_mean_of_shuffled_losses_by_hand():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    y = np.array([0, 0, 1, 1])

    def predict(Z):
        return 1 / (1 + np.exp(-(Z[:, 0] - 1.5)))

    base = -np.mean(y * np.log(predict(X)) + (1 - y) * np.log(1 - predict(X)))
    rng = np.random.RandomState(3)
    shuffled = X.copy()
    shuffled[:, 0] = X[rng.permutation(4), 0]
    p = predict(shuffled)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) - base
    np.testing.assert_allclose(permutation_importance(predict, X, y, repeats=1, seed=3)[0], expected, rtol=1e-12)


def test_the_axis_rule_puts_inputs_of_many_values_first_each_by_importance():
    importance = np.array([0.9, 0.1, 0.5, 0.5, 0.7])
    binary = np.array([True, False, False, False, True])
    assert axis_inputs(importance, binary, 5) == (2, 3, 1, 0, 4)  # ties by position; 0/1 inputs last
    assert axis_inputs(importance, binary, 2) == (2, 3)
    assert axis_inputs(importance[:2], binary[:2], 3) == (1, 0)
    assert binary_inputs(np.array([[0, 1, 0.5], [1, 1, 1], [0, 0, 2]])).tolist() == [True, True, False]


def test_the_reference_row_is_the_row_closest_to_the_medians_in_units_of_spread():
    X = np.array([[0.0, 100.0], [10.0, 100.0], [5.0, 300.0], [6.0, 120.0], [4.0, 500.0]])
    # medians (5, 120); spreads (3.41…, 151.5…): row 3 is 0.29 spreads away, row 2 is 1.19
    assert reference_row(X) == 3
    assert reference_row(np.array([[1.0, 0.0], [1.0, 0.0]])) == 0  # constant columns, a tie: the first


def _table(n=400, seed=0) -> str:
    """A table with two informative numbers hidden among a weak number, a one-hot colour and a 0/1 member column."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame({
        "colour": rng.choice(["red", "green", "blue"], n), "member": rng.choice(["yes", "no"], n),
        "noise": rng.normal(size=n).round(3), "height": rng.normal(170, 10, n).round(1),
        "weight": rng.normal(70, 12, n).round(1)})
    signal = (frame.height - 170) / 10 - (frame.weight - 70) / 12 + 0.3 * (frame.colour == "red")
    frame["churned"] = np.where(signal + rng.normal(0, 0.3, n) > 0, "yes", "no")
    return frame.to_csv(index=False)


def _data(text):
    return from_csv(load_csv(text.encode(), target="churned"), 0.25, 0, "t.csv")


def test_slices_hold_a_real_row_and_draw_every_test_row_by_projection():
    data = _data(_table())
    names = list(data.feature_names)
    x, y = names.index("height"), names.index("weight")
    row = reference_row(data.X_train)
    cut = names.index("noise")
    spec = slices_spec(data, x, y, 3, grid=20, axes=Axes(third=cut, row=row))
    group = [i for i, n in enumerate(names) if n.startswith("colour=")]
    for panel in spec["panels"]:
        fixed = np.array(panel["fixed"])
        held = [i for i in range(len(names)) if i not in (x, y, cut)]
        np.testing.assert_allclose(fixed[held], data.X_train[row, held], atol=1e-6)
        assert fixed[group].sum() == 1 and set(fixed[group]) <= {0.0, 1.0}  # one colour, not a third of each
        assert fixed[names.index("member")] in (0.0, 1.0)
        assert panel["points"] is None and panel["title"].startswith("noise = ")
    projected = spec["projected"]
    assert len(projected["rows"]) == len(data.X_test) and sorted(projected["label"]) == sorted(data.y_test.tolist())
    assert sorted(map(tuple, projected["rows"])) == sorted(map(tuple, data.X_test.round(6).tolist()))
    assert spec["panels"][0]["x"].get("binary") is None
    binary = slices_spec(data, names.index("member"), y, 1, axes=Axes(row=row))["panels"][0]["x"]
    assert binary["binary"] is True
    three = view3d_spec(data, (y, x, cut), row=row)
    assert [a["name"] for a in three["axes"]] == ["weight", "height", "noise"]
    np.testing.assert_allclose(np.array(three["fixed"])[group], data.X_train[row, group], atol=1e-6)


def test_teaching_slices_are_as_before_held_at_the_mean_with_points_near():
    from ui.session.data import synthetic
    from ui.settings.experiment import DataSettings

    data = synthetic(DataSettings())
    spec = slices_spec(data, 0, 1, 3)
    assert "projected" not in spec and all(p["points"] is not None for p in spec["panels"])
    assert view3d_spec(data)["axes"][2]["index"] == 2


@pytest.fixture(scope="module")
def main_page_on_table():
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    at.file_uploader(key="w_upload").set_value(("people.csv", _table().encode(), "text/csv"))
    return at.run()


def test_the_main_pages_axes_are_the_two_inputs_relied_on_most_never_a_one_hot_column(main_page_on_table):
    at = main_page_on_table
    assert not at.exception
    s = session_of(at)
    names = s.data.feature_names
    found = s.reliance[1]
    chosen = {b.label: b.value for b in at.selectbox}
    axes = (chosen["Slice: horizontal input"], chosen["Slice: vertical input"])
    assert {names[i] for i in axes} == {"height", "weight"}  # the two the label is made of
    assert axes == found.order[:2]
    expected = axis_inputs(found.importance, binary_inputs(s.data.X_train), len(names))
    assert found.order == expected
    assert not any(names[i].startswith("colour=") or names[i] == "member" for i in found.order[:3])
    assert s.held_row == reference_row(s.data.X_train)
    captions = [c.value for c in at.caption]
    assert any(f"held at training row {s.held_row}" in c for c in captions)
    assert any("Always guessing the majority class" in c for c in captions)


def test_the_classify_page_takes_its_axes_by_the_same_rule(main_page_on_table):
    s = session_of(main_page_on_table)
    model = load_model(model_json(s.recording, s.data, s.recording.n_epochs - 1))
    from mlp_core.csv_table import read_table

    table = read_table(_table(200, seed=5).encode())
    X = scored_file.encoded_inputs(model.preprocessing, table, {})
    order = scored_file.axis_order(model, X)
    names = model.preprocessing.feature_names
    assert {names[i] for i in order[:2]} == {"height", "weight"}
    assert sorted(order) == list(range(len(names)))


def test_reliance_is_measured_on_the_test_split_at_a_fixed_epoch():
    from ui.session.axes import AXES_EPOCH, reliance

    data = _data(_table())
    exp = Experiment()
    config = exp.train.training_config(exp.network)
    one = reliance(Recording(data.Z_train, data.y_train, config, data.Z_test, data.y_test), data)
    two = reliance(Recording(data.Z_train, data.y_train, config, data.Z_test, data.y_test), data)
    assert one.epoch == two.epoch == AXES_EPOCH
    np.testing.assert_array_equal(one.importance, two.importance)  # the same run gives the same axes


def test_the_3d_view_follows_the_chosen_axes_and_the_held_row_can_be_chosen(main_page_on_table):
    from ui.live.payload import Sent, live_payload
    from ui.settings.experiment import ViewSettings

    at = main_page_on_table
    s = session_of(at)
    names = s.data.feature_names
    view = ViewSettings(x_input=names.index("noise"), y_input=names.index("weight"))
    from ui.session.axes import third_axis

    third = third_axis(s.reliance[1].order, view.x_input, view.y_input)
    payload = live_payload(s.recording, s.data, "r", view, s.playback.as_dict(), Sent(), axes=Axes(third, 5))
    three = [a["name"] for a in payload["specs"]["view3d"]["axes"]]
    assert three[:2] == ["noise", "weight"] and three[2] == "height"  # the next by the rule
    np.testing.assert_allclose(payload["specs"]["view3d"]["fixed"][0], s.data.X_train[5, 0], atol=1e-6)
    row = next(b for b in at.number_input if b.label == "Hold the other inputs at training row")
    row.set_value(7)
    at = at.run()
    assert session_of(at).held_row == 7
    assert any("held at training row 7" in c.value for c in at.caption)


def test_a_one_hot_input_on_an_axis_or_cut_keeps_its_group_a_real_row():
    from ui.live.payload import hold_one_hot, one_hot_groups

    data = _data(_table())
    names = list(data.feature_names)
    group = [names.index(f"colour={c}") for c in ("blue", "green", "red")]
    groups = one_hot_groups(data)
    assert groups[group[2]] == group[:2] and set(groups) == set(group)  # member (0/1) is no group
    row = np.array([0.0, 1.0, 0.0])  # green
    for i, value, expected in [(2, 1.0, [0, 0, 1]), (2, 0.0, [0, 1, 0]), (1, 0.0, [1, 0, 0])]:
        values = row.copy()
        values[i] = value
        hold_one_hot(values, [j for j in range(3) if j != i], value)
        assert values.tolist() == expected  # exactly one colour set, the row's own when it can stay
    held = reference_row(data.X_train)
    spec = slices_spec(data, names.index("height"), names.index("weight"), 2, axes=Axes(third=group[2], row=held))
    for panel in spec["panels"]:
        fixed = np.array(panel["fixed"])[group]
        assert fixed.sum() == 1 and set(fixed) <= {0.0, 1.0}
    assert spec["panels"][0]["x"].get("group") is None
    assert slices_spec(data, group[0], 0, 1, axes=Axes(row=held))["panels"][0]["x"]["group"] == group[1:]
