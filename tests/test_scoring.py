"""Training on a CSV and scoring new CSVs (``mlp_core.scoring``): accuracy against scikit-learn's logistic
regression on real data, metrics against scikit-learn's, scores against the estimator itself, and every
row accounted for."""

import io
import os
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from mlp_core import MLPBinaryClassifier
from mlp_core.csv_inputs import load_csv
from mlp_core.csv_table import read_table
from mlp_core.datasets import stratified_split
from mlp_core.metrics import binary_metrics, class_metrics, confusion, roc_auc
from mlp_core.persistence import dump_model, load_model
from mlp_core.preprocessing import standardization
from mlp_core.scoring import fit_with_progress, neutralize_formulas, score_table, scored_csv, train_on_table

DATA = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data")
BREAST_CANCER = os.path.join(DATA, "breast_cancer.csv")
WINE = os.path.join(DATA, "wine_data.csv")


def _references(path: str, positive=None) -> dict:
    """On the same split and standardization as ``train_on_table``: scikit-learn's logistic regression, its own
    network with the same settings and seed, and always guessing the majority class."""
    loaded = load_csv(path, positive=positive)
    X_train, X_test, y_train, y_test = stratified_split(loaded.X, loaded.y, test_size=0.25, seed=0)
    scaler = StandardScaler().fit(X_train)
    Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
    linear = LogisticRegression(max_iter=10_000).fit(Z_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network = MLPClassifier(hidden_layer_sizes=(3, 2), solver="sgd", momentum=0.0, learning_rate_init=0.1,
                                alpha=0.0, batch_size=len(Z_train), shuffle=False, max_iter=1000, random_state=0)
        network.fit(Z_train, y_train)
    return {
        "linear_auc": roc_auc_score(y_test, linear.predict_proba(Z_test)[:, 1]),
        "network_auc": roc_auc_score(y_test, network.predict_proba(Z_test)[:, 1]),
        "network_accuracy": network.score(Z_test, y_test),
        "majority": max(np.mean(y_test == 0), np.mean(y_test == 1)),
    }


@pytest.fixture(scope="module")
def breast_cancer():
    with open(BREAST_CANCER, "rb") as handle:
        return train_on_table(handle.read())


def _saved(trained) -> object:
    return load_model(dump_model(trained.estimator, trained.preprocessing))


@pytest.mark.parametrize(("path", "positive"), [(BREAST_CANCER, None), (WINE, "class_0"), (WINE, "class_1"),
                                              (WINE, "class_2")], ids=["breast_cancer", "wine0", "wine1", "wine2"])
def test_defaults_rank_and_classify_as_well_as_the_references(path, positive):
    with open(path, "rb") as handle:
        test = train_on_table(handle.read(), positive=positive).metrics["test"]
    ref = _references(path, positive)
    # Margins that a model stopped after 20 epochs (one class predicted, AUC 0.957 on breast cancer) fails.
    assert test["roc_auc"] >= max(ref["network_auc"] - 0.005, ref["linear_auc"] - 0.01), (test, ref)
    assert test["accuracy"] >= max(ref["network_accuracy"] - 0.02, ref["majority"] + 0.2), (test, ref)


def test_training_reports_metrics_epochs_and_stop_reason(breast_cancer):
    metrics = breast_cancer.metrics
    assert metrics["train"]["rows"] + metrics["test"]["rows"] == 569
    assert metrics["test"]["rows"] == round(0.25 * 212) + round(0.25 * 357)
    for part in ("train", "test"):
        assert set(metrics[part]) == {"rows", "accuracy", "log_loss", "roc_auc"}
        assert 0.9 < metrics[part]["accuracy"] <= 1
    assert metrics["epochs"] == breast_cancer.estimator.n_iter_ > 0
    assert metrics["stop_rule"] in ("tol", "weight_tol", "max_iter")
    assert metrics["stop_reason"]


def test_fit_with_progress_equals_fit_and_reports_every_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    calls = []
    ours = fit_with_progress(MLPBinaryClassifier(random_state=3, max_iter=50), X, y,
                             lambda e, total: calls.append((e, total)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = MLPBinaryClassifier(random_state=3, max_iter=50).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert ours.loss_curve_ == reference.loss_curve_
    assert (ours.n_iter_, ours.stop_rule_, ours.stop_reason_) == (reference.n_iter_, reference.stop_rule_,
                                                                 reference.stop_reason_)
    assert calls == [(e, 50) for e in range(ours.n_iter_ + 1)]


def test_training_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        trained = train_on_table(SMALL.encode(), epochs=3)
    assert trained.metrics["stop_rule"] == "max_iter"


def test_metrics_match_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.clip(0.3 * y + rng.uniform(size=300) * 0.7, 0, 1)
    p[:40] = np.round(p[:40], 1)  # ties
    p[40] = 0.0  # clipped in the log loss
    metrics = binary_metrics(y, p)
    np.testing.assert_allclose(metrics["roc_auc"], roc_auc_score(y, p), rtol=1e-12)
    np.testing.assert_allclose(metrics["log_loss"], log_loss(y, p), rtol=1e-12)
    assert metrics["accuracy"] == np.mean((p > 0.5) == y)
    assert roc_auc(np.ones(5), np.linspace(0, 1, 5)) is None


SMALL = ("a,b,color,label\n"
         "1.0,2.0,red,yes\n3.5,4.0,green,no\n5.0,1.0,red,yes\n7.0,8.5,blue,no\n"
         "2.0,3.0,green,yes\n6.0,7.0,blue,no\n1.5,2.5,red,yes\n8.0,9.0,green,no\n")


@pytest.fixture(scope="module")
def small_model():
    return _saved(train_on_table(SMALL.encode(), hidden=(3,), seed=1, epochs=200))


def test_scores_equal_the_estimator_on_the_same_rows(small_model):
    scored = score_table(small_model, read_table(SMALL.encode()))
    loaded = load_csv(SMALL.encode())
    pre = small_model.preprocessing
    expected = small_model.estimator.predict_proba(pre.standardize(loaded.X))[:, 1]
    np.testing.assert_array_equal(scored.frame["probability"].to_numpy(), expected)
    assert list(scored.frame["prediction"]) == ["yes" if p > 0.5 else "no" for p in expected]
    assert list(scored.frame.columns) == ["a", "b", "color", "label", "probability", "prediction", "reason"]
    assert scored.reasons == {} and (scored.frame["reason"] == "").all()


def test_columns_are_matched_by_name_in_any_order(small_model):
    frame = read_table(SMALL.encode()).frame
    shuffled = frame[["label", "color", "b", "a"]].to_csv(index=False).encode()
    a = score_table(small_model, SMALL.encode()).frame["probability"].to_numpy()
    b = score_table(small_model, shuffled).frame["probability"].to_numpy()
    np.testing.assert_array_equal(a, b)


def test_mapping_overrides_column_names(small_model):
    renamed = SMALL.replace("a,b,color,label", "width,b,colour,truth").encode()
    with pytest.raises(ValueError, match="'a'"):
        score_table(small_model, renamed)
    scored = score_table(small_model, renamed, mapping={"a": "width", "color": "colour", "label": "truth"})
    np.testing.assert_array_equal(scored.frame["probability"].to_numpy(),
                                  score_table(small_model, SMALL.encode()).frame["probability"].to_numpy())
    assert scored.metrics is not None and scored.metrics["rows"] == 8
    with pytest.raises(ValueError, match="'nope'"):
        score_table(small_model, renamed, mapping={"nope": "width"})


def test_unscorable_rows_are_kept_with_their_reason(small_model):
    text = "a,b,color\n1.0,2.0,red\n,4.0,green\n5.0,abc,red\n7.0,8.5,purple\n"
    scored = score_table(small_model, text.encode())
    assert len(scored.frame) == 4
    assert set(scored.reasons) == {1, 2}
    assert "'a' is missing" in scored.reasons[1]
    assert "'b' is not a finite number" in scored.reasons[2]
    assert list(scored.unscorable.index) == [1, 2] and list(scored.scored.index) == [0, 3]
    assert scored.frame["probability"].isna().tolist() == [False, True, True, False]
    assert scored.frame["prediction"].tolist()[1:3] == ["", ""]
    assert scored.metrics is None  # no target column


def test_metrics_when_the_target_is_present(small_model):
    text = SMALL + "2.0,,red,yes\n3.0,3.0,red,maybe\n"
    scored = score_table(small_model, text.encode())
    metrics = scored.metrics
    p = scored.frame["probability"].to_numpy()[:8]
    y = (read_table(SMALL.encode()).frame["label"] == "yes").to_numpy().astype(int)
    assert metrics["rows"] == 8  # the unscorable row and the unknown label are left out
    assert metrics["rows_without_known_label"] == 1
    np.testing.assert_allclose(metrics["log_loss"], log_loss(y, p, labels=[0, 1]), rtol=1e-12)
    assert metrics["accuracy"] == np.mean((p > 0.5) == y)
    (tn, fp), (fn, tp) = metrics["confusion_matrix"]["rows_true_columns_predicted"]
    assert metrics["confusion_matrix"]["labels"] == ["no", "yes"]
    assert tp == np.sum((p > 0.5) & (y == 1)) and tn == np.sum((p <= 0.5) & (y == 0))
    assert tn + fp + fn + tp == 8


def test_a_missing_column_names_it_and_lists_the_file_columns(small_model):
    with pytest.raises(ValueError) as info:
        score_table(small_model, b"a,colour,label\n1,red,yes\n2,blue,no\n")
    message = str(info.value)
    assert "'b'" in message and "'a', 'colour', 'label'" in message


def test_existing_output_column_names_are_not_overwritten(small_model):
    text = "a,b,color,probability\n1.0,2.0,red,mine\n3.5,4.0,green,mine\n"
    scored = score_table(small_model, text.encode())
    assert scored.frame["probability"].tolist() == ["mine", "mine"]
    assert scored.columns["probability"] == "probability_2"
    assert scored.frame["probability_2"].notna().all()


@pytest.mark.parametrize(("cell", "expected"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1+1", "'+1+1"), ("-cmd", "'-cmd"), ("@x", "'@x"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-1.5", "-1.5"), ("+3", "+3"), ("-2e-5", "-2e-5"), ("-1,5", "-1,5"),
    ("hello", "hello"), ("a=b", "a=b"), ("", ""),
])
def test_neutralize_formulas(cell, expected):
    frame = pd.DataFrame({"text": [cell], "number": [-1.5]})
    out = neutralize_formulas(frame)
    assert out["text"].iloc[0] == expected
    assert out["number"].iloc[0] == -1.5
    assert frame["text"].iloc[0] == cell  # the input is not changed


def test_neutralize_formulas_covers_column_names():
    assert list(neutralize_formulas(pd.DataFrame({"=cmd": ["x"], "ok": ["y"]})).columns) == ["'=cmd", "ok"]


def test_rows_with_more_fields_than_the_header_are_kept_in_place_unscored_with_their_line(small_model):
    # A quoted line break in the first row's note: line numbers are the file's lines, not pandas' records.
    rows = SMALL.replace("a,b,color,label", "a,b,color,label,note").splitlines()
    rows = [rows[0], *(r + ",n" for r in rows[1:])]
    rows[1] = rows[1].removesuffix(",n") + ',"two\nlines"'
    rows[3] = rows[3] + ",extra"  # the second data row after the multi-line one has 6 fields
    text = "\n".join(rows) + "\n"
    line = text[:text.index(rows[3])].count("\n") + 1
    scored = score_table(small_model, text.encode())
    assert len(scored.frame) == len(rows) - 1  # every data row comes back
    assert scored.reasons == {2: f"line {line} has 6 fields, the header has 5: a separator too many?"}
    assert line == 5
    row = scored.frame.iloc[2]
    assert np.isnan(row["probability"]) and row["prediction"] == "" and row["reason"] == scored.reasons[2]
    assert row["note"] == "n,extra" and row["a"] == rows[3].split(",")[0]  # its cells, the extra one kept
    others = score_table(small_model, SMALL.encode())  # the other rows score as without the long row
    kept = [i for i in range(len(scored.frame)) if i != 2]
    np.testing.assert_array_equal(scored.frame["probability"].to_numpy()[kept],
                                  others.frame["probability"].to_numpy()[kept])
    assert scored.metrics["rows"] == len(kept)  # the long row is not measured


# k classes


def test_class_metrics_match_scikit_learn():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 4, 400)
    P = rng.dirichlet(np.ones(4), 400)
    P[np.arange(400), y] += 0.4 * rng.uniform(size=400)
    P /= P.sum(axis=1, keepdims=True)
    P[:50] = np.round(P[:50], 1) / np.round(P[:50], 1).sum(axis=1, keepdims=True)  # ties
    P[50] = [0.0, 0.0, 1.0, 0.0] if y[50] != 2 else [1.0, 0.0, 0.0, 0.0]  # clipped in the log loss
    names = ["a", "b", "c", "d"]
    metrics = class_metrics(y, P, names)
    np.testing.assert_allclose(metrics["log_loss"], log_loss(y, P, labels=range(4)), rtol=1e-12)
    np.testing.assert_allclose(metrics["roc_auc"], roc_auc_score(y, P, multi_class="ovr", average="macro"),
                               rtol=1e-12)
    for i, name in enumerate(names):
        np.testing.assert_allclose(metrics["roc_auc_per_class"][name], roc_auc_score(y == i, P[:, i]), rtol=1e-12)
    assert metrics["accuracy"] == accuracy_score(y, P.argmax(axis=1))
    predicted = P.argmax(axis=1)
    assert confusion(y, predicted, names)["rows_true_columns_predicted"] == confusion_matrix(y, predicted).tolist()
    assert class_metrics(y[y != 3], P[y != 3], names)["roc_auc"] is None  # no row of 'd': no macro AUC


@pytest.fixture(scope="module")
def wine():
    with open(WINE, "rb") as handle:
        return train_on_table(handle.read())


def test_wine_three_classes_classify_as_well_as_a_logistic_regression(wine):
    loaded = load_csv(WINE)
    X_train, X_test, y_train, y_test = stratified_split(loaded.X, loaded.y, test_size=0.25, seed=0)
    mean, scale = standardization(X_train)
    linear = LogisticRegression(max_iter=10_000).fit((X_train - mean) / scale, y_train)
    test = wine.metrics["test"]
    assert wine.estimator.coefs_[-1].shape[1] == 3 and wine.preprocessing.classes == ("class_0", "class_1", "class_2")
    assert test["rows"] == len(y_test)
    assert abs(test["accuracy"] - linear.score((X_test - mean) / scale, y_test)) <= 0.03, test
    majority = max(np.mean(y_test == c) for c in range(3))
    assert test["accuracy"] >= majority + 0.4 and test["roc_auc"] > 0.95, test


def test_k_class_scores_equal_the_estimator_with_a_column_per_class(wine):
    frame = pd.DataFrame(load_wine().data, columns=[f"column_{j + 1}" for j in range(13)]).astype(object)
    frame["column_14"] = np.array(wine.preprocessing.classes)[load_wine().target]
    frame.loc[3, "column_2"] = "n/a"
    scored = score_table(_saved(wine), frame.to_csv(index=False).encode())
    expected = wine.estimator.predict_proba(wine.preprocessing.standardize(load_wine().data))
    columns = [f"probability_{c}" for c in wine.preprocessing.classes]
    assert list(scored.frame.columns) == [*frame.columns, *columns, "prediction", "reason"]
    ok = np.arange(len(frame)) != 3
    np.testing.assert_array_equal(scored.frame[columns].to_numpy()[ok], expected[ok])
    assert scored.frame.loc[3, "reason"] and scored.frame.loc[3, "prediction"] == ""
    assert np.isnan(scored.frame.loc[3, columns].to_numpy(dtype=float)).all()
    predicted = expected.argmax(axis=1)
    assert scored.frame["prediction"][ok].tolist() == [wine.preprocessing.classes[i] for i in predicted[ok]]
    truth = load_wine().target
    assert scored.metrics["rows"] == len(frame) - 1
    np.testing.assert_allclose(scored.metrics["log_loss"], log_loss(truth[ok], expected[ok]), rtol=1e-12)
    assert scored.metrics["confusion_matrix"]["rows_true_columns_predicted"] == confusion_matrix(
        truth[ok], predicted[ok]).tolist()
    written = pd.read_csv(io.StringIO(scored_csv(scored)), dtype=str, keep_default_na=False)
    assert [float(p) for p in written[columns[2]][ok]] == expected[ok, 2].tolist()  # full precision
    assert (written.loc[3, columns] == "").all()
