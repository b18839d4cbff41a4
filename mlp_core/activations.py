"""Activation functions and their derivatives, keyed by their public names.

Every function works in place, as scikit-learn's do (``sklearn/neural_network/_base.py``), so the
training loop allocates nothing it does not need and rounds exactly as scikit-learn rounds.
Adding an activation is one forward function, one derivative and two dict entries.
"""

import numpy as np


def identity(Z):
    """Leave ``Z`` as it is."""
    return Z


def logistic(Z):
    """Sigmoid 1 / (1 + e^-Z), in place."""
    with np.errstate(over="ignore"):  # e^-Z overflows to inf for Z < -709; 1/inf = 0 is the right limit
        np.negative(Z, out=Z)
        np.exp(Z, out=Z)
        Z += 1.0
        np.reciprocal(Z, out=Z)
    return Z


def tanh(Z):
    """Hyperbolic tangent, in place."""
    return np.tanh(Z, out=Z)


def relu(Z):
    """max(Z, 0), in place."""
    return np.maximum(Z, 0, out=Z)


def softmax(Z):
    """Each row's e^Z over its sum, in place: the output of k > 2 classes (scikit-learn's ``inplace_softmax``,
    the row's largest Z subtracted first so that e^Z cannot overflow)."""
    tmp = Z - Z.max(axis=1)[:, np.newaxis]
    np.exp(tmp, out=Z)
    Z /= Z.sum(axis=1)[:, np.newaxis]
    return Z


def identity_derivative(A, delta):
    """Identity: the derivative is 1, so ``delta`` stays."""


def logistic_derivative(A, delta):
    """Multiply ``delta`` by σ'(Z) = A(1 − A), where A = σ(Z) is the layer's output."""
    delta *= A
    delta *= 1 - A


def tanh_derivative(A, delta):
    """Multiply ``delta`` by tanh'(Z) = 1 − A², where A = tanh(Z)."""
    delta *= 1 - A**2


def relu_derivative(A, delta):
    """Zero ``delta`` where the unit was off (A = max(Z, 0) = 0; at Z = 0 the derivative is taken as 0)."""
    delta[A == 0] = 0


ACTIVATIONS = {"identity": identity, "logistic": logistic, "tanh": tanh, "relu": relu}
# The output layer's: one sigmoid unit for two classes, a softmax over k units for k > 2 (as scikit-learn's).
OUTPUT_ACTIVATIONS = {"logistic": logistic, "softmax": softmax}
DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}
