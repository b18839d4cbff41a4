"""Our network walks scikit-learn's path: same weights, losses and probabilities, epoch for epoch."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from mlp_core import MLPBinaryClassifier
from ui.compare.comparison import TOLERANCE

TOL = TOLERANCE  # 1e-12: a drift of a few ulps an epoch would show within the 150 epochs
OPTIMIZERS = {
    "gd": dict(solver="sgd", momentum=0.0, nesterovs_momentum=False),
    "momentum": dict(solver="sgd", momentum=0.9, nesterovs_momentum=False),
    "nesterov": dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
    "adam": dict(solver="adam"),
}


def _data(n=240, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = np.where(X[:, 0] * X[:, 1] + 0.3 * X[:, 2] > 0, "in", "out")
    return X, y


def _fit_both(X, y, **params):
    # No early stop in either: a patience longer than the run, and our weight rule off.
    common = dict(max_iter=150, tol=1e-4, n_iter_no_change=10**6, random_state=3, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = MLPClassifier(**common).fit(X, y)
        ours = MLPBinaryClassifier(weight_tol=None, **common).fit(X, y)
    return ref, ours


def _assert_same(ref, ours, X):
    assert ours.n_iter_ == ref.n_iter_ == 150
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=0, atol=TOL)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("alpha", [0.0, 1e-3])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_full_batch_training_equals_scikit_learn(activation, optimizer, alpha):
    X, y = _data()
    lr = 0.01 if optimizer == "adam" else 0.1
    ref, ours = _fit_both(
        X, y, hidden_layer_sizes=(3, 2), activation=activation, alpha=alpha,
        batch_size=len(X), shuffle=False, learning_rate_init=lr, **OPTIMIZERS[optimizer],
    )
    _assert_same(ref, ours, X)
    assert ref.loss_curve_[-1] < ref.loss_curve_[0], "the run should learn something, or it proves little"


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_mini_batch_training_equals_scikit_learn(optimizer, shuffle):
    X, y = _data(n=230)  # 230 = 4 batches of 50 and a last one of 30
    ref, ours = _fit_both(
        X, y, hidden_layer_sizes=(4, 3), activation="relu", alpha=1e-4, batch_size=50,
        shuffle=shuffle, learning_rate_init=0.01, **OPTIMIZERS[optimizer],
    )
    _assert_same(ref, ours, X)


def test_other_architectures_equal_scikit_learn():
    X, y = _data(d=5)
    for hidden in [(8,), (6, 5, 4)]:
        ref, ours = _fit_both(X, y, hidden_layer_sizes=hidden, batch_size=len(X), shuffle=False,
                              learning_rate_init=0.05, solver="sgd", momentum=0.5, nesterovs_momentum=True, alpha=1e-4)
        _assert_same(ref, ours, X)


def test_scikit_learn_stop_rule_stops_at_the_same_epoch():
    X, y = _data()
    params = dict(hidden_layer_sizes=(3, 2), batch_size=len(X), shuffle=False, learning_rate_init=0.1,
                  solver="sgd", momentum=0.0, alpha=0.0, max_iter=5000, tol=1e-3, n_iter_no_change=5, random_state=1)
    ref = MLPClassifier(**params).fit(X, y)
    ours = MLPBinaryClassifier(weight_tol=None, **params).fit(X, y)
    assert ref.n_iter_ < 5000, "the reference should stop early for this test to mean anything"
    assert ours.n_iter_ == ref.n_iter_
    assert ours.stop_rule_ == "tol"
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=0, atol=TOL)


def _data_k(k, n=240, d=3, seed=0):
    """k classes from bands of a non-linear score: no plane separates them."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    score = X[:, 0] * X[:, 1] + 0.5 * X[:, 2]
    y = np.digitize(score, np.quantile(score, np.arange(1, k) / k))
    return X, np.array([f"class {c}" for c in "ABCD"])[y]


def _assert_close_k(ref, ours, X, tol):
    assert ours.n_iter_ == ref.n_iter_ == 150
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    assert ours.coefs_[-1].shape[1] == ref.coefs_[-1].shape[1] == len(ref.classes_)  # k softmax units
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=tol)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=0, atol=tol)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=0, atol=tol)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


K_TOL = 1e-9  # the bound for k classes; the softmax's exp and sums round a little differently


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("k", [3, 4])
def test_k_class_full_batch_training_equals_scikit_learn(k, activation, optimizer):
    X, y = _data_k(k)
    lr = 0.01 if optimizer == "adam" else 0.1
    ref, ours = _fit_both(
        X, y, hidden_layer_sizes=(5, 4), activation=activation, alpha=1e-3,
        batch_size=len(X), shuffle=False, learning_rate_init=lr, **OPTIMIZERS[optimizer],
    )
    _assert_close_k(ref, ours, X, K_TOL)
    assert ref.loss_curve_[-1] < 0.9 * ref.loss_curve_[0], "the run should learn something, or it proves little"


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("k", [3, 4])
def test_k_class_shuffled_mini_batch_training_equals_scikit_learn(k, activation, optimizer):
    X, y = _data_k(k, n=230)  # 4 batches of 50 and a last one of 30, reshuffled every epoch
    ref, ours = _fit_both(
        X, y, hidden_layer_sizes=(4, 3), activation=activation, alpha=1e-4, batch_size=50,
        shuffle=True, learning_rate_init=0.01, **OPTIMIZERS[optimizer],
    )
    _assert_close_k(ref, ours, X, K_TOL)
