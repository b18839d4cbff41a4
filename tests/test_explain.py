"""The Learn page's numbers: a traced pass equal to the core's, a gradient check that catches a wrong
gradient, and dead ReLU units found where they are."""

import numpy as np
import pytest

from mlp_core import explain, network
from mlp_core.datasets import make_dataset

ACTIVATIONS = ["relu", "logistic", "tanh", "identity"]


def _data(n=120, seed=0):
    ds = make_dataset("spheres", n=n, noise=0.1, seed=seed)
    X = (ds.X - ds.X.mean(axis=0)) / ds.X.std(axis=0)
    return X, ds.y.astype(float)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_trace_equals_the_core_forward_and_backward_pass(activation, alpha):
    X, y = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, (3, 2)), activation, 1)
    loss, coef_grads, intercept_grads, p = network.loss_and_gradients(coefs, intercepts, X, y.reshape(-1, 1),
                                                                       activation, alpha)
    t = explain.trace(coefs, intercepts, X, y, activation, alpha)
    assert t.loss == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(t.p, p.ravel(), rtol=0, atol=1e-15)
    for mine, theirs in zip(t.dW + t.db, coef_grads + intercept_grads, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-17)
    np.testing.assert_allclose(t.delta[-1], p - y.reshape(-1, 1), rtol=0, atol=0)  # the article's p − y


def test_trace_of_one_sample_writes_out_each_layer():
    X, y = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, (3, 2)), "relu", 2)
    t = explain.trace(coefs, intercepts, X[4], y[4], "relu")
    np.testing.assert_allclose(t.Z[0], X[4:5] @ coefs[0] + intercepts[0], rtol=1e-15)
    np.testing.assert_allclose(t.A[0], np.maximum(t.Z[0], 0), rtol=0)
    np.testing.assert_allclose(t.A[2][0, 0], 1 / (1 + np.exp(-t.Z[2][0, 0])), rtol=1e-15)
    # For one sample the weight gradient is the outer product of the layer's input and its delta.
    np.testing.assert_allclose(t.dW[1], np.outer(t.A[0], t.delta[1]), rtol=1e-15)
    assert t.data_loss == pytest.approx(-np.log(t.p[0]) if y[4] == 1 else -np.log(1 - t.p[0]), rel=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(3, 2), (4,), (), (5, 4, 3)])
def test_gradient_check_agrees_to_far_below_one_in_a_million(activation, hidden):
    X, y = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, hidden), activation, 3)
    for rows in (slice(0, 1), slice(None)):
        check = explain.gradient_check(coefs, intercepts, X[rows], y[rows], activation, alpha=0.2)
        assert len(check.names) == sum(W.size + b.size for W, b in zip(coefs, intercepts, strict=True))
        assert check.relative_error < 1e-8
        assert check.relative_errors.max() < 1e-6


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    X, y = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, (3, 2)), "tanh", 3)
    honest = explain.trace

    def off_by_a_little(*args, **kwargs):
        t = honest(*args, **kwargs)
        t.dW[0][1, 2] *= 1.001
        return t

    monkeypatch.setattr(explain, "trace", off_by_a_little)
    check = explain.gradient_check(coefs, intercepts, X, y, "tanh")
    worst = int(np.argmax(check.relative_errors))
    assert check.names[worst] == "W1[1,2]"
    assert check.relative_errors[worst] == pytest.approx(0.001, rel=0.01)


def test_dead_units_and_a_stuck_network_are_found():
    X, y = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, (3, 2)), "relu", 0)
    assert explain.stuck_reason(coefs, intercepts, X, "relu") is None
    intercepts[0][1] = -100.0  # unit 2 of layer 1 never turns on
    dead = explain.dead_units(coefs, intercepts, X, "relu")
    assert dead[0].tolist() == [False, True, False] and not dead[1].any()
    assert explain.stuck_reason(coefs, intercepts, X, "relu") is None  # one dead unit: the others still learn
    intercepts[1][:] = -100.0
    reason = explain.stuck_reason(coefs, intercepts, X, "relu")
    assert "hidden layer 2" in reason
    check = explain.gradient_check(coefs, intercepts, X, y, "relu")
    below_output = [a for name, a in zip(check.names, check.analytic, strict=True) if not name.startswith(("W3", "b3"))]
    assert not np.any(below_output)  # why the network is stuck: nothing below the output moves


def test_other_activations_have_no_dead_units_but_a_constant_output_is_stuck():
    X, _ = _data()
    coefs, intercepts = network.init_params(network.layer_units(3, (3, 2)), "tanh", 3)
    intercepts[0][:] = -100.0
    assert not any(d.any() for d in explain.dead_units(coefs, intercepts, X, "tanh"))
    assert explain.stuck_reason(coefs, intercepts, X, "tanh") is not None  # every unit saturated at −1
