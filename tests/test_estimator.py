"""MLPPlaygroundClassifier behaves as a scikit-learn estimator, for two classes or more, and says what to change when
it cannot train."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine, make_blobs
from sklearn.exceptions import ConvergenceWarning, SkipTestWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle
from sklearn.utils.estimator_checks import check_estimator

from mlp_core import MLPBinaryClassifier, MLPPlaygroundClassifier
from mlp_core.config import MAX_CLASSES
from mlp_core.datasets import stratified_split
from mlp_core.preprocessing import standardization
from mlp_core.training import DIVERGENCE_FACTOR

# scikit-learn's check fits unscaled iris with the defaults (full-batch gradient descent, step 0.1): the loss of
# epoch 2 is 2.1 times the initial loss, which the divergence rule stops and fit refuses, saying to lower the
# learning rate; the test below shows MLPClassifier climbing exactly so on the same data.
EXPECTED_FAILURES = {"check_non_transformer_estimators_n_iter": "diverges on unscaled iris at learning rate 0.1"}


def test_passes_scikit_learn_estimator_checks():
    # Without the binary-only tag: scikit-learn's multi-class checks run too.
    assert MLPPlaygroundClassifier().__sklearn_tags__().classifier_tags.multi_class
    # A fixed seed: some checks fit the estimator as given, without setting its random_state. On the unscaled
    # blobs of check_decision_proba_consistency at learning rate 0.1, 1 initialization in 2,000 (seed 1548) climbs
    # past the divergence rule's 2 times the initial loss at epoch 3 (MLPClassifier's loss curve with that seed:
    # 0.75, 1.22, 1.84, then 0.87), and fit refuses; with no seed, CI met such a draw once.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkipTestWarning)
        results = check_estimator(MLPPlaygroundClassifier(random_state=0), on_fail=None,
                                  expected_failed_checks=EXPECTED_FAILURES)
    failed = {r["check_name"]: repr(r["exception"]) for r in results if r["status"] == "failed"}
    assert not failed
    assert {r["check_name"] for r in results if r["status"] == "xfail"} == set(EXPECTED_FAILURES)
    # The only skip allowed is scikit-learn's own array-API check, which needs SCIPY_ARRAY_API set.
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert skipped <= {"check_array_api_input"}


def _check_estimator_blobs():
    """The two-class problem of scikit-learn's check_classifiers_train."""
    X, y = make_blobs(n_samples=300, random_state=0)
    X, y = shuffle(X, y, random_state=7)
    X = StandardScaler().fit_transform(X)
    return X[y != 2], y[y != 2]


def test_default_network_dies_for_seed_zero_exactly_as_scikit_learn_does():
    # Why the estimator declares poor_score: the article's 3-2 ReLU net, seed 0, on the check's data.
    X, y = _check_estimator_blobs()
    ours = MLPPlaygroundClassifier(random_state=0).fit(X, y)
    ref = MLPClassifier(hidden_layer_sizes=(3, 2), solver="sgd", momentum=0.0, alpha=0.0, batch_size=len(X),
                        learning_rate_init=0.1, shuffle=False, max_iter=ours.n_iter_, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X, y)
    assert ours.score(X, y) == ref.score(X, y) == 0.5
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9)


def test_the_expected_failure_is_the_divergence_scikit_learn_shows_on_unscaled_iris():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"diverged in epoch 2: the loss rose.*Lower the learning rate"):
        MLPPlaygroundClassifier(random_state=0).fit(X, y)
    ref = MLPClassifier(hidden_layer_sizes=(3, 2), solver="sgd", momentum=0.0, alpha=0.0, batch_size=len(X),
                        learning_rate_init=0.1, shuffle=False, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X, y)
    assert ref.loss_curve_[1] > DIVERGENCE_FACTOR * ref.loss_curve_[0]
    # Standardized, the same network learns iris.
    Z = StandardScaler().fit_transform(X)
    model = MLPPlaygroundClassifier(hidden_layer_sizes=(8,), random_state=0, max_iter=300, tol=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert model.fit(Z, y).score(Z, y) > 0.9


def test_default_network_learns_the_check_data_for_most_seeds():
    X, y = _check_estimator_blobs()
    scores = [MLPPlaygroundClassifier(random_state=seed).fit(X, y).score(X, y) for seed in range(1, 11)]
    assert sum(s > 0.83 for s in scores) >= 8, scores


def test_the_former_name_is_the_same_estimator():
    assert MLPBinaryClassifier is MLPPlaygroundClassifier


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_three_classes_train_a_softmax_output_of_three_units():
    X = np.random.RandomState(0).randn(300, 2)
    y = np.select([X[:, 0] > 0.5, X[:, 1] > 0], ["setosa", "virginica"], "versicolor")
    model = MLPPlaygroundClassifier(hidden_layer_sizes=(8,), random_state=1, max_iter=500, tol=None).fit(X, y)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert [W.shape for W in model.coefs_] == [(2, 8), (8, 3)]
    p = model.predict_proba(X)
    assert p.shape == (300, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), model.classes_[p.argmax(axis=1)])
    np.testing.assert_array_equal(model.decision_function(X).argmax(axis=1), p.argmax(axis=1))
    majority = max(np.mean(y == c) for c in model.classes_)
    assert model.score(X, y) > majority + 0.3


def test_more_classes_than_the_limit_are_refused_saying_what_to_do():
    X = np.random.RandomState(0).randn(3 * (MAX_CLASSES + 1), 2)
    y = np.repeat(np.arange(MAX_CLASSES + 1), 3)
    with pytest.raises(ValueError, match=f"at most {MAX_CLASSES} classes; got {MAX_CLASSES + 1}.*Group the rare"):
        MLPPlaygroundClassifier().fit(X, y)


def test_single_class_target_is_refused():
    X = np.random.RandomState(0).randn(10, 3)
    with pytest.raises(ValueError, match="one class"):
        MLPPlaygroundClassifier().fit(X, np.ones(10))


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("alpha", -1, "alpha must be >= 0, got -1"),
        ("learning_rate_init", 0, "learning_rate_init must be > 0"),
        ("hidden_layer_sizes", (3, 0), "hidden_layer_sizes"),
        ("activation", "softmax", "activation must be one of"),
        ("solver", "lbfgs", "solver must be 'sgd' or 'adam'"),
        ("batch_size", 0, "batch_size"),
        ("max_iter", 0, "max_iter"),
        ("momentum", 1.5, "momentum must be <= 1"),
        ("beta_2", 1.0, "beta_2 must be < 1"),
        ("weight_tol", float("nan"), "weight_tol must be a finite number"),
    ],
)
def test_bad_hyperparameters_are_named_in_the_error(param, value, message):
    X = np.random.RandomState(0).randn(20, 3)
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=message):
        MLPPlaygroundClassifier(**{param: value}).fit(X, y)


def test_divergence_raises_saying_what_to_change():
    X = np.random.RandomState(0).randn(200, 3)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    with pytest.raises(ValueError, match=r"diverged.*Lower the learning rate \(learning_rate_init = 50\)"):
        MLPPlaygroundClassifier(learning_rate_init=50, random_state=0).fit(X, y)


def test_labels_keep_their_values_and_positive_class_is_classes_1():
    X = np.random.RandomState(0).randn(200, 2)
    y = np.where(X[:, 0] > 0, "spam", "ham")
    model = MLPPlaygroundClassifier(hidden_layer_sizes=(), random_state=0).fit(X, y)
    assert list(model.classes_) == ["ham", "spam"]
    assert model.score(X, y) > 0.95
    p = model.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), np.where(p[:, 1] > 0.5, "spam", "ham"))
    np.testing.assert_array_equal(model.decision_function(X) > 0, p[:, 1] > 0.5)


def test_max_iter_reached_warns_like_scikit_learn():
    X = np.random.RandomState(0).randn(50, 3)
    y = (X[:, 0] > 0).astype(int)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
        model = MLPPlaygroundClassifier(max_iter=3, random_state=0).fit(X, y)
    assert model.n_iter_ == 3 and model.stop_rule_ == "max_iter" and len(model.loss_curve_) == 3


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(("data", "hidden"), [("wine", (3, 2)), ("iris", (8,))])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_class_held_out_accuracy_is_a_logistic_regressions(data, hidden, seed):
    # Penguins-like tables shipped by scikit-learn, three classes each; both models see the same standardized split.
    X, y = {"wine": load_wine, "iris": load_iris}[data](return_X_y=True)
    X_train, X_test, y_train, y_test = stratified_split(X, y, test_size=0.25, seed=seed)
    mean, scale = standardization(X_train)
    Z_train, Z_test = (X_train - mean) / scale, (X_test - mean) / scale
    reference = LogisticRegression(max_iter=5000).fit(Z_train, y_train).score(Z_test, y_test)
    ours = MLPPlaygroundClassifier(hidden_layer_sizes=hidden, random_state=seed).fit(Z_train, y_train)
    assert ours.coefs_[-1].shape[1] == 3
    assert abs(ours.score(Z_test, y_test) - reference) <= 0.03, (ours.score(Z_test, y_test), reference)
