"""Which inputs a model relies on: permutation importance, and the one rule that picks the views' axes from it.

Permutation importance (Breiman 2001; scikit-learn's ``permutation_importance``): shuffle one input's column
among the rows, keep the others, and measure how much worse the model's log loss gets; the mean over a few
shuffles is that input's importance. ``axis_inputs`` turns importances into the inputs every page puts on its
axes: the most relied-on inputs that take many values first (a 0/1 input, one of a one-hot group among them,
shows only its two edges on an axis), then the 0/1 inputs, most relied-on first.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import log_loss, one_hot

REPEATS = 5


def permutation_importance(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                           repeats: int = REPEATS, seed: int = 0) -> np.ndarray:
    """Mean increase of the log loss of ``predict`` (X (n, d) → p (n,) of the positive class, or P (n, k) of each
    class; y holds class indices) on (X, y) when one input's column is shuffled, shape (d,); ``repeats`` shuffles
    per input, drawn from ``seed``.
    Negative values (shuffling helped, by chance) are kept: they say the input does not matter."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    base = _loss(y, predict(X))
    rng = np.random.RandomState(seed)
    importance = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        shuffled = X.copy()
        for _ in range(repeats):
            shuffled[:, j] = X[rng.permutation(len(X)), j]
            importance[j] += _loss(y, predict(shuffled)) - base
    return importance / repeats


def _loss(y: np.ndarray, p: np.ndarray) -> float:
    """``log_loss`` of class indices ``y`` and ``predict``'s output, one probability per row or one per class."""
    if p.ndim == 1:
        return log_loss(y.astype(float).reshape(-1, 1), p.reshape(-1, 1))
    return log_loss(one_hot(y.astype(int), p.shape[1]), p)


def binary_inputs(X: np.ndarray) -> np.ndarray:
    """(d,) True for the inputs whose values are all 0 or 1 (a two-valued column, a one-hot category)."""
    X = np.asarray(X, dtype=float)
    return np.all((X == 0) | (X == 1), axis=0)


def axis_inputs(importance: np.ndarray, binary: np.ndarray, count: int) -> tuple[int, ...]:
    """The ``count`` inputs the views put on their axes: inputs of many values before 0/1 inputs, each by
    importance (largest first), ties by position. Fewer when there are fewer inputs."""
    importance = np.asarray(importance, dtype=float)
    order = np.lexsort((np.arange(len(importance)), -importance, np.asarray(binary, dtype=bool)))
    return tuple(int(i) for i in order[:count])
