"""The numbers behind one training step, laid out for a lesson: a traced forward and backward pass,
a finite-difference check of the gradients, and which ReLU units are on where.

Everything here is computed independently of the training kernels, from ``network``'s reference
functions, so the Learn page shows the article's formulas evaluated step by step. Shapes follow
``network``: ``coefs[i]`` is W of layer i, (units[i], units[i+1]); X is (n, d); y is (n,) of 0/1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, DERIVATIVES
from .network import l2_penalty, log_loss

# Central differences with this step, the loss evaluated in extended precision (np.longdouble, 64-bit
# mantissa on x86): small enough that a ReLU unit rarely crosses its kink, and the rounding of the
# two losses (≈ 1e-19 · loss / step) stays far below even small gradients.
FD_STEP = 1e-6


@dataclass(frozen=True)
class Trace:
    """A forward and backward pass written out. Per layer l = 1..L (lists of length L):

    ``Z[l-1]`` (n, units[l]) pre-activations, ``A[l-1]`` their activations (``A[-1]`` is p),
    ``delta[l-1]`` = ∂loss/∂Z of that layer, per row and not yet averaged (the output's is p − y),
    ``dW[l-1]``, ``db[l-1]`` the gradients of the mean loss plus the L2 term. ``X`` is the input.
    """

    X: np.ndarray
    y: np.ndarray
    Z: list[np.ndarray]
    A: list[np.ndarray]
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    loss: float  # mean log loss + (alpha / 2n) Σ‖W‖²
    data_loss: float  # the mean log loss alone
    p: np.ndarray  # (n,)


def trace(coefs, intercepts, X, y, activation: str, alpha: float = 0.0) -> Trace:
    """Forward and backward pass over the rows of X, every intermediate kept (see ``Trace``)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    n, last = len(X), len(coefs) - 1
    Z, A = [], []
    inputs = X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z.append(inputs @ W + b)
        A.append(ACTIVATIONS["logistic" if i == last else activation](Z[-1].copy()))
        inputs = A[-1]
    p = A[-1][:, 0]
    data_loss = log_loss(y.reshape(-1, 1), A[-1])
    delta = [None] * len(coefs)
    dW, db = [None] * len(coefs), [None] * len(coefs)
    # Sigmoid output and logistic loss: ∂loss/∂Z_out = p − y, the article's derivative.
    delta[last] = A[-1] - y.reshape(-1, 1)
    for i in range(last, -1, -1):
        below = X if i == 0 else A[i - 1]
        dW[i] = (below.T @ delta[i] + alpha * coefs[i]) / n
        db[i] = delta[i].sum(axis=0) / n
        if i > 0:
            d = delta[i] @ coefs[i].T
            DERIVATIVES[activation](A[i - 1], d)
            delta[i - 1] = d
    return Trace(X, y, Z, A, delta, dW, db, data_loss + l2_penalty(coefs, alpha, n), data_loss, p)


def _extended_loss(coefs, intercepts, X, positive, activation: str, alpha: float) -> np.longdouble:
    """Mean log loss plus the L2 term, every step in np.longdouble (X and the parameters already are)."""
    A, last = X, len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        A = ACTIVATIONS["logistic" if i == last else activation](A @ W + b)
    eps = np.finfo(np.float64).eps  # clip where float64 training clips
    p = np.clip(A[:, 0], eps, 1 - eps)
    data = -np.mean(np.where(positive, np.log(p), np.log1p(-p)))
    return data + (alpha / 2) * sum(np.sum(W * W) for W in coefs) / len(X)


@dataclass(frozen=True)
class GradientCheck:
    """Checked parameters' analytic and numeric gradients, in the order W_1, b_1, W_2, b_2, ...

    ``names`` like "W1[2,0]" (1-based layer, 0-based row and column as in the arrays); ``total`` is the
    network's number of parameters (more than ``len(names)`` when a sample of them was checked).
    """

    names: list[str]
    analytic: np.ndarray
    numeric: np.ndarray
    total: int

    @property
    def relative_errors(self) -> np.ndarray:
        """|a − n| / max(|a|, |n|) per parameter; 0 where both are exactly 0 (a dead unit's weights)."""
        a, n = np.abs(self.analytic), np.abs(self.numeric)
        scale = np.maximum(a, n)
        return np.divide(np.abs(self.analytic - self.numeric), scale, out=np.zeros_like(scale), where=scale > 0)

    @property
    def relative_error(self) -> float:
        """‖a − n‖ / max(‖a‖, ‖n‖) over all parameters together (0 when both gradients are 0)."""
        scale = max(np.linalg.norm(self.analytic), np.linalg.norm(self.numeric))
        return float(np.linalg.norm(self.analytic - self.numeric) / scale) if scale > 0 else 0.0


def spread(sizes: list[int], count: int | None) -> list[np.ndarray]:
    """For arrays of these sizes, the flat indices to check: all of them (``count`` None or at least their
    total), else about ``count`` spread evenly over every array, at least one from each."""
    total = sum(sizes)
    if count is None or count >= total:
        return [np.arange(size) for size in sizes]
    return [np.unique(np.linspace(0, size - 1, max(1, round(count * size / total))).round().astype(int))
            for size in sizes]


def gradient_check(coefs, intercepts, X, y, activation: str, alpha: float = 0.0, step: float = FD_STEP,
                   count: int | None = None, progress=None) -> GradientCheck:
    """Backpropagation's gradients (float64) against central differences (L(θ + h) − L(θ − h)) / 2h,
    one parameter at a time, each loss computed in extended precision. ``count``: check about that many
    parameters, spread over every layer's W and b (see ``spread``), instead of all. ``progress(share)``, if
    given, is called after each parameter with the share done (0 to 1)."""
    t = trace(coefs, intercepts, X, y, activation, alpha)
    coefs = [np.array(W, dtype=np.longdouble) for W in coefs]
    intercepts = [np.array(b, dtype=np.longdouble) for b in intercepts]
    X = np.atleast_2d(np.asarray(X, dtype=np.longdouble))
    positive = np.asarray(y).reshape(-1) == 1
    blocks = [(layer, array, grad, label)
              for layer, (W, b) in enumerate(zip(coefs, intercepts, strict=True), start=1)
              for array, grad, label in ((W, t.dW[layer - 1], "W"), (b, t.db[layer - 1], "b"))]
    chosen = spread([array.size for _, array, _, _ in blocks], count)
    todo, done = sum(len(c) for c in chosen), 0
    names, analytic, numeric = [], [], []
    for (layer, array, grad, label), flat in zip(blocks, chosen, strict=True):
        for index in (np.unravel_index(i, array.shape) for i in flat):
            keep = array[index]
            array[index] = keep + step
            up = _extended_loss(coefs, intercepts, X, positive, activation, alpha)
            array[index] = keep - step
            down = _extended_loss(coefs, intercepts, X, positive, activation, alpha)
            array[index] = keep
            names.append(f"{label}{layer}[{','.join(str(int(k)) for k in index)}]")
            analytic.append(grad[index])
            numeric.append(float((up - down) / (2 * step)))
            done += 1
            if progress is not None:
                progress(done / todo)
    return GradientCheck(names, np.array(analytic), np.array(numeric), sum(a.size for _, a, _, _ in blocks))


def unit_activity(coefs, intercepts, X, activation: str) -> list[np.ndarray]:
    """Per hidden layer, (n, units) booleans: whether each unit is on (its pre-activation Z > 0) for each row.

    For ReLU "on" means the unit passes its input on (output > 0, slope 1); for the other activations
    it marks the side of the unit's own boundary Z = 0.
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    on, inputs = [], X
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        Z = inputs @ W + b
        on.append(Z > 0)
        inputs = ACTIVATIONS[activation](Z)
    return on


def dead_units(coefs, intercepts, X, activation: str) -> list[np.ndarray]:
    """Per hidden layer, booleans (units,): ReLU units that are off for every row of X.

    A dead unit outputs 0 everywhere, so no gradient reaches its incoming weights and gradient descent
    cannot revive it. Only ReLU units die this way: for other activations the result is all False.
    """
    if activation != "relu":
        return [np.zeros(W.shape[1], dtype=bool) for W in coefs[:-1]]
    return [~on.any(axis=0) for on in unit_activity(coefs, intercepts, X, activation)]


def stuck_reason(coefs, intercepts, X, activation: str) -> str | None:
    """Why this network cannot learn from X any more, or None when it can.

    Stuck means the output is the same for every row: a hidden layer whose units are all dead, or
    (for any activation) no variation left in what reaches the output unit. Then every weight below
    gets a zero gradient and only the output's bias still moves.
    """
    for layer, dead in enumerate(dead_units(coefs, intercepts, X, activation), start=1):
        if dead.all():
            return (f"every ReLU unit of hidden layer {layer} is off for every training row ('dead'), so the "
                    f"output is the same for all of them and no gradient reaches the weights below")
    X = np.atleast_2d(np.asarray(X, dtype=float))
    inputs = X
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        inputs = ACTIVATIONS[activation](inputs @ W + b)
    if len(coefs) > 1 and len(X) > 1 and np.ptp(inputs @ coefs[-1], axis=0).max() == 0:
        return "the output is the same for every training row, so no gradient reaches the weights below it"
    return None
