"""The network as pure functions: initialize, forward, loss, backward.

Shapes (n samples, d inputs, layer sizes ``units = [d, *hidden, n_out]``):
``coefs[i]`` is ``W`` of layer i, shape ``(units[i], units[i+1])``; ``intercepts[i]`` is ``b``, shape
``(units[i+1],)``; a layer computes ``Z = A @ W + b`` (the article's Z = Wᵀx + b, one row per sample).
For two classes the output is one sigmoid unit and the loss is the mean logistic loss, as in the article;
for k > 2 classes it is a softmax over k units and the loss is the mean cross-entropy −log p(true class):
scikit-learn's ``MLPClassifier`` does both. Operations run in scikit-learn's order so that both round alike.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, DERIVATIVES, OUTPUT_ACTIVATIONS


def as_random_state(seed) -> np.random.RandomState:
    """A ``RandomState`` from None, an int or a ``RandomState`` (as scikit-learn's check_random_state)."""
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is None:
        return np.random.mtrand._rand
    return np.random.RandomState(seed)


def output_units(n_classes: int) -> int:
    """The output layer's width: one sigmoid unit for two classes, one softmax unit per class for more."""
    return 1 if n_classes == 2 else int(n_classes)


def layer_units(n_features: int, hidden_layer_sizes, n_classes: int = 2) -> list[int]:
    """``[d, *hidden, n_out]``: the width of every layer, input and output included."""
    return [int(n_features), *(int(h) for h in hidden_layer_sizes), output_units(n_classes)]


def one_hot(y, n_classes: int) -> np.ndarray:
    """Class indices (n,) as the targets the loss compares with: (n, 1) of 0/1 for two classes, else (n, k) one-hot."""
    y = np.asarray(y).astype(int).ravel()
    if n_classes == 2:
        return y.astype(float).reshape(-1, 1)
    return (y[:, None] == np.arange(n_classes)).astype(float)


def init_params(units, activation: str, random_state) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Glorot-uniform weights and biases, drawn exactly as scikit-learn draws them.

    For each layer in turn, W then b ~ U(±√(f / (fan_in + fan_out))) from one ``RandomState``,
    with f = 2 when the hidden activation is logistic and 6 otherwise.
    """
    rng = as_random_state(random_state)
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(units[:-1], units[1:], strict=True):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def forward(coefs, intercepts, X, activation: str) -> list[np.ndarray]:
    """Activations of every layer: ``[X, A_1, ..., A_L]``; the last is p = σ(Z_L), shape (n, 1), or
    P = softmax(Z_L), shape (n, k)."""
    hidden = ACTIVATIONS[activation]
    output = OUTPUT_ACTIVATIONS["logistic" if coefs[-1].shape[1] == 1 else "softmax"]
    activations = [X]
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z = activations[-1] @ W
        Z += b
        activations.append(output(Z) if i == last else hidden(Z))
    return activations


def output_logit(coefs, intercepts, X, activation: str) -> np.ndarray:
    """Z of the output layer: for one unit, shape (n,), the log-odds of the positive class; else (n, k)."""
    A = X
    hidden = ACTIVATIONS[activation]
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        Z = A @ W
        Z += b
        A = hidden(Z)
    Z = A @ coefs[-1]
    Z += intercepts[-1]
    return Z.ravel() if Z.shape[1] == 1 else Z


def predict_proba(coefs, intercepts, X, activation: str) -> np.ndarray:
    """Probability of the positive class, shape (n,), for one output unit; of each class, shape (n, k), for k."""
    p = forward(coefs, intercepts, X, activation)[-1]
    return p.ravel() if p.shape[1] == 1 else p


def log_loss(y, p) -> float:
    """Mean logistic loss −[y log p + (1 − y) log(1 − p)], p clipped to [eps, 1 − eps]; for k classes the mean
    cross-entropy −Σ y log p, the same for two.

    ``y`` and ``p`` have shape (n, 1) or (n,) (``predict_proba``'s p of two classes), y holding 0.0 and 1.0; or
    (n, k), y one-hot (``one_hot``).
    """
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    if p.ndim == 1 or p.shape[1] == 1:
        return -float(np.mean(np.where(y == 1, np.log(p), np.log(1 - p)), axis=0).sum())
    return -float(np.mean(np.where(y == 1, np.log(p), 0.0), axis=0).sum())


def l2_penalty(coefs, alpha: float, n_samples: int) -> float:
    """scikit-learn's L2 term added to the loss: (alpha / 2n) · Σ‖W‖² (weights only, not biases)."""
    values = 0
    for W in coefs:
        w = W.ravel()
        values += np.dot(w, w)
    return float((0.5 * alpha) * values / n_samples)


def backward(coefs, activations, y, activation: str, alpha: float) -> tuple[list, list]:
    """Gradients of (loss + L2 term) with respect to every W and b, given ``forward``'s activations.

    Returns ``(coef_grads, intercept_grads)`` with the shapes of ``coefs`` and ``intercepts``.
    """
    n = activations[0].shape[0]
    derivative = DERIVATIVES[activation]
    last = len(coefs) - 1
    coef_grads: list = [None] * len(coefs)
    intercept_grads: list = [None] * len(coefs)
    # Sigmoid output with logistic loss, or softmax with cross-entropy: dL/dZ_out simplifies to p − y (the
    # article's derivative), P − Y one-hot for k classes.
    delta = activations[-1] - y
    for i in range(last, -1, -1):
        dW = activations[i].T @ delta
        dW += alpha * coefs[i]
        dW /= n
        coef_grads[i] = dW
        intercept_grads[i] = np.sum(delta, axis=0) / n
        if i > 0:
            delta = delta @ coefs[i].T
            derivative(activations[i], delta)
    return coef_grads, intercept_grads


def loss_and_gradients(coefs, intercepts, X, y, activation: str, alpha: float):
    """One forward and one backward pass: ``(loss, coef_grads, intercept_grads, p)``.

    ``y`` has shape (n, 1) or, for k classes, (n, k) one-hot; ``p``, of the same shape, is the forward pass's
    output, returned for metrics.
    """
    activations = forward(coefs, intercepts, X, activation)
    p = activations[-1]
    loss = log_loss(y, p) + l2_penalty(coefs, alpha, X.shape[0])
    coef_grads, intercept_grads = backward(coefs, activations, y, activation, alpha)
    return loss, coef_grads, intercept_grads, p
