"""The network's math against independent references: finite differences, hand-worked numbers, scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from mlp_core.activations import ACTIVATIONS
from mlp_core.network import (
    forward,
    init_params,
    l2_penalty,
    layer_units,
    log_loss,
    loss_and_gradients,
    one_hot,
    output_logit,
    predict_proba,
)


def _problem(activation, hidden=(3, 2), n=25, d=3, seed=0, n_classes=2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = one_hot(rng.randint(0, n_classes, n), n_classes)  # (n, 1) of 0/1 for two classes, else one-hot
    coefs, intercepts = init_params(layer_units(d, hidden, n_classes), activation, rng)
    return X, y, coefs, intercepts


def _objective(coefs, intercepts, X, y, activation, alpha):
    p = forward(coefs, intercepts, X, activation)[-1]
    return log_loss(y, p) + l2_penalty(coefs, alpha, X.shape[0])


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [(3, 2), (4,), (), (5, 4, 3)], ids=str)
def test_backward_matches_central_finite_differences(activation, alpha, hidden, n_classes):
    # Two classes: sigmoid output and logistic loss; three and four: softmax and cross-entropy, delta P − Y.
    X, y, coefs, intercepts = _problem(activation, hidden, n_classes=n_classes)
    _, coef_grads, intercept_grads, _ = loss_and_gradients(coefs, intercepts, X, y, activation, alpha)
    # Five-point central difference: truncation error O(h^4), so for smooth activations h can stay
    # large enough that rounding does not swamp the tiny gradients of deep logistic networks; ReLU is
    # piecewise linear (no truncation error) but has kinks, so it takes a small step that stays off them.
    h = 1e-6 if activation == "relu" else 1e-4
    for params, grads in ((coefs, coef_grads), (intercepts, intercept_grads)):
        for P, G in zip(params, grads, strict=True):
            numeric = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                f = {}
                for k in (-2, -1, 1, 2):
                    P[idx] = old + k * h
                    f[k] = _objective(coefs, intercepts, X, y, activation, alpha)
                P[idx] = old
                numeric[idx] = (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * h)
            # Relative error of the whole array, so entries that are (nearly) zero do not divide by ~0.
            rel = np.linalg.norm(G - numeric) / max(np.linalg.norm(G) + np.linalg.norm(numeric), 1e-12)
            assert rel < 1e-6, (activation, alpha, rel)


def test_forward_matches_hand_worked_numbers():
    # The article's network on one sample, with weights small enough to follow by hand.
    x = np.array([[1.0, 2.0, -1.0]])
    W1 = np.array([[0.1, -0.2, 0.3], [0.0, 0.1, -0.1], [0.2, 0.0, 0.1]])
    b1 = np.array([0.0, 0.1, -0.5])
    W2 = np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0]])
    b2 = np.array([0.1, 0.0])
    W3 = np.array([[2.0], [-1.0]])
    b3 = np.array([0.25])
    # Z1 = xW1 + b1 = [0.1-0.2, -0.2+0.2+0.1, 0.3-0.2-0.1-0.5] = [-0.1, 0.1, -0.5] -> A1 = [0, 0.1, 0]
    # Z2 = A1 W2 + b2 = [0.05+0.1, 0.05] = [0.15, 0.05] -> A2 = [0.15, 0.05]
    # Z3 = 0.3 - 0.05 + 0.25 = 0.5 -> p = 1 / (1 + e^-0.5)
    acts = forward([W1, W2, W3], [b1, b2, b3], x, "relu")
    np.testing.assert_allclose(acts[1], [[0.0, 0.1, 0.0]], atol=1e-15)
    np.testing.assert_allclose(acts[2], [[0.15, 0.05]], atol=1e-15)
    np.testing.assert_allclose(output_logit([W1, W2, W3], [b1, b2, b3], x, "relu"), [0.5], atol=1e-15)
    np.testing.assert_allclose(acts[3], [[1 / (1 + np.exp(-0.5))]], rtol=1e-15)


def test_output_delta_is_p_minus_y():
    # With one sample and no hidden layer, dL/db = p - y exactly (the article's derivative).
    X = np.array([[0.5, -1.0]])
    W, b = np.array([[0.3], [0.2]]), np.array([0.1])
    for label in (0.0, 1.0):
        y = np.array([[label]])
        loss, _, intercept_grads, p = loss_and_gradients([W], [b], X, y, "relu", 0.0)
        np.testing.assert_allclose(intercept_grads[0], p.ravel() - label, rtol=1e-15)
        expected = -np.log(p[0, 0]) if label == 1 else -np.log(1 - p[0, 0])
        np.testing.assert_allclose(loss, expected, rtol=1e-15)


def test_log_loss_clips_certain_mistakes_to_a_finite_value():
    y = np.array([[1.0], [0.0]])
    p = np.array([[0.0], [1.0]])
    loss = log_loss(y, p)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, -np.log(np.finfo(float).eps), rtol=1e-12)


def test_logistic_output_has_no_overflow_warning_and_saturates(recwarn):
    Z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    p = ACTIVATIONS["logistic"](Z.copy())
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-np.clip(Z, -700, 700))), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_init_is_scikit_learns_own_init_coef_draw_for_draw(activation):
    ref = MLPClassifier(activation=activation)
    ref._random_state = np.random.RandomState(7)  # what fit() sets from random_state=7 before drawing
    coefs, intercepts = init_params([3, 3, 2, 1], activation, 7)
    for W, b, (fan_in, fan_out) in zip(coefs, intercepts, [(3, 3), (3, 2), (2, 1)], strict=True):
        W_ref, b_ref = ref._init_coef(fan_in, fan_out, np.float64)
        np.testing.assert_array_equal(W, W_ref)
        np.testing.assert_array_equal(b, b_ref)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_predict_proba_is_scikit_learns_for_the_same_weights(activation):
    X, y, _, _ = _problem(activation, n=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = MLPClassifier(hidden_layer_sizes=(3, 2), activation=activation, max_iter=5, random_state=1)
        ref.fit(X, y.ravel())
    np.testing.assert_allclose(predict_proba(ref.coefs_, ref.intercepts_, X, activation), ref.predict_proba(X)[:, 1],
                               rtol=1e-13, atol=1e-300)


def test_softmax_output_delta_is_p_minus_one_hot_and_loss_is_minus_log_p_true():
    # One sample, no hidden layer, three classes: dL/db = P − Y and L = −log P[true], by hand.
    X = np.array([[0.5, -1.0]])
    W, b = np.array([[0.3, -0.2, 0.1], [0.2, 0.4, -0.3]]), np.array([0.1, 0.0, -0.1])
    z = X[0] @ W + b
    P = np.exp(z) / np.exp(z).sum()
    for label in range(3):
        Y = one_hot([label], 3)
        loss, _, intercept_grads, p = loss_and_gradients([W], [b], X, Y, "relu", 0.0)
        np.testing.assert_allclose(p[0], P, rtol=1e-15)
        np.testing.assert_allclose(intercept_grads[0], P - Y[0], rtol=1e-15, atol=1e-17)
        np.testing.assert_allclose(loss, -np.log(P[label]), rtol=1e-15)


@pytest.mark.parametrize("k", [3, 4])
def test_k_class_init_and_predict_proba_are_scikit_learns(k):
    X, y, _, _ = _problem("tanh", n=80, n_classes=k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = MLPClassifier(hidden_layer_sizes=(3, 2), activation="tanh", max_iter=1, random_state=5)
        ref._random_state = np.random.RandomState(5)
        coefs, intercepts = init_params(layer_units(3, (3, 2), k), "tanh", 5)
        for W, b, (fan_in, fan_out) in zip(coefs, intercepts, [(3, 3), (3, 2), (2, k)], strict=True):
            W_ref, b_ref = ref._init_coef(fan_in, fan_out, np.float64)  # the output layer has k units
            np.testing.assert_array_equal(W, W_ref)
            np.testing.assert_array_equal(b, b_ref)
        ref.fit(X, y.argmax(axis=1))
    np.testing.assert_allclose(predict_proba(ref.coefs_, ref.intercepts_, X, "tanh"), ref.predict_proba(X),
                               rtol=1e-13, atol=1e-300)
