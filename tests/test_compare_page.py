"""The Compare page under Streamlit's AppTest: it reports, in its own text, that the two networks are equal."""

import re
from pathlib import Path

import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from streamlit.testing.v1 import AppTest

from mlp_core.csv_inputs import load_csv
from tests.apptest import messages, shown
from ui.compare.comparison import TOLERANCE, compare
from ui.session.data import from_csv, synthetic
from ui.session.state import Session
from ui.settings.experiment import Experiment, TrainingSettings, ViewSettings

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "2_Compare.py")


def _page(session: Session | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    if session is not None:
        at.session_state["mlp_session"] = session
    return at.run()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _number(text: str) -> float:
    return float(re.search(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text).group())


def test_default_configuration_reports_equal_weights_and_full_agreement():
    at = _page()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Compare with scikit-learn"
    assert _number(_metric(at, "Largest weight difference")) < TOLERANCE
    assert _number(_metric(at, "Test predictions that agree")) == 100.0
    assert _metric(at, "Initial weights") == "identical"
    assert _number(_metric(at, "Wall time, ours")) > 0 and _number(_metric(at, "Wall time, scikit-learn")) > 0
    assert any(m.startswith("Equal.") for m in messages(at, "success"))
    assert not at.error


def test_defaults_mode_runs_and_explains_why_there_is_no_weight_difference():
    at = _page()
    at.radio(key="c_mode").set_value("defaults")
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Largest weight difference" not in [m.label for m in at.metric]
    assert _metric(at, "Initial weights") == "identical"
    exp = at.session_state["mlp_session"].experiment
    data = synthetic(exp.data)  # the page's data when the main page has none yet
    result = compare(data.Z_train, data.y_train, data.Z_test, data.y_test, exp.network, exp.train, "defaults",
                     exp.train.max_epochs)
    assert _metric(at, "Test predictions that agree") == f"{result.agreement:.1%}"  # the same run, the same count
    assert any("No weight difference to plot" in m.value for m in at.markdown)


def test_uploaded_csv_with_one_input_and_a_markup_name_is_compared_as_plain_text():
    rng = np.random.RandomState(0)
    x = rng.randn(120)
    rows = ["**dose**,outcome", *(f"{v:.4f},{'yes' if v > 0.2 else 'no'}" for v in x)]
    data = from_csv(load_csv("\n".join(rows).encode()), 0.25, 0, "[trial](http://example.com).csv")
    exp = Experiment(view=ViewSettings(x_input=0, y_input=0))
    at = _page(Session(experiment=exp, data=data, data_key=("csv",)))
    assert not at.exception, [e.value for e in at.exception]
    assert _number(_metric(at, "Largest weight difference")) < TOLERANCE
    assert any("[trial](http://example.com).csv" in t.value for t in at.text)  # shown as text, not a link
    assert not any("example.com" in m.value for m in [*at.markdown, *at.caption])
    assert any("one input" in c.value for c in at.caption)


def test_diverging_settings_show_an_error_instead_of_a_traceback():
    at = _page(Session(experiment=Experiment(train=TrainingSettings(learning_rate=10.0))))
    assert not at.exception, [e.value for e in at.exception]
    assert "diverged" in shown(at.error[0])


def _iris_data():
    """scikit-learn's shipped iris, written to a CSV and read back as the main page reads an upload: 3 classes."""
    iris = load_iris(as_frame=True)
    frame = iris.frame.drop(columns="target")
    frame["species"] = [iris.target_names[t] for t in iris.target]
    return from_csv(load_csv(frame.to_csv(index=False).encode(), target="species"), 0.25, 0, "iris.csv")


def test_a_three_class_run_is_compared_with_mlpclassifier_and_found_equal():
    data = _iris_data()
    assert data.class_names == ("setosa", "versicolor", "virginica")
    exp = Experiment(train=TrainingSettings(max_epochs=300), view=ViewSettings(x_input=2, y_input=3))
    at = _page(Session(experiment=exp, data=data, data_key=("csv",)))
    assert not at.exception, [e.value for e in at.exception]
    assert _number(_metric(at, "Largest weight difference")) < TOLERANCE
    assert any(m.startswith("Equal.") for m in messages(at, "success"))
    # scikit-learn on its own, one partial_fit per epoch with the page's settings: the test accuracy the page reports
    reference = MLPClassifier(hidden_layer_sizes=(3, 2), solver="sgd", learning_rate_init=0.1, momentum=0.0,
                              batch_size=len(data.Z_train), shuffle=False, random_state=exp.train.seed, alpha=0.0)
    for _ in range(300):
        reference.partial_fit(data.Z_train, data.y_train, classes=[0, 1, 2])
    expected = float(np.mean(reference.predict(data.Z_test) == data.y_test))
    table = at.dataframe[0].value
    rows = table[table["split"] == "test"].set_index("model")
    assert rows.loc["scikit-learn", "accuracy"] == expected and rows.loc["ours", "accuracy"] == expected
    theirs = reference.predict_proba(data.Z_test)
    assert rows.loc["scikit-learn", "ROC AUC"] == roc_auc_score(data.y_test, theirs, multi_class="ovr")
    assert _metric(at, "Test predictions that agree") == "100.0%"
    chart = at.get("plotly_chart")[-1].proto.spec
    assert all(name in chart for name in ("setosa", "versicolor", "virginica"))  # the boundary by class
    assert any("each of the 3 classes in its colour" in c.value for c in at.caption)
