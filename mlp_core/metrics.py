"""Classification metrics in NumPy, of probabilities against true classes: accuracy, log loss, ROC AUC, the confusion
matrix; for two classes (one probability per row) and for k (one per class). The tests check each against
scikit-learn's.
"""

from __future__ import annotations

import numpy as np

EPS = np.finfo(float).eps  # probabilities are clipped to [EPS, 1 − EPS] for the log loss, as scikit-learn clips them


def binary_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """Accuracy (threshold 0.5, as ``predict``), log loss and ROC AUC (None with a single class) of the
    probabilities ``p`` (n,) for labels ``y`` (n,) of 0/1."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    q = np.clip(p, EPS, 1 - EPS)
    return {
        "rows": int(len(y)),
        "accuracy": float(np.mean((p > 0.5) == (y == 1))),
        "log_loss": float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))),
        "roc_auc": roc_auc(y, p),
    }


def roc_auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve as the Mann-Whitney statistic, ties counted half; None with one class."""
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    n_pos = int(np.sum(y == 1))
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    _, first, counts = np.unique(p[order], return_index=True, return_counts=True)
    ranks = np.empty(len(p))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)  # average 1-based rank of each tie group
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def class_metrics(y: np.ndarray, P: np.ndarray, classes) -> dict:
    """For k classes: accuracy of the likeliest class (the first on ties, as ``predict``), log loss (mean −log p of
    the true class), and ROC AUC of each class against the rest (None when the rows hold no row of it, or only it)
    with their mean (``roc_auc``: None unless every class has one). ``y`` (n,) are indices into ``classes``, ``P``
    (n, k) the probabilities, of at least one row."""
    y, P = np.asarray(y, dtype=int), np.asarray(P, dtype=float)
    true_p = np.clip(P[np.arange(len(y)), y], EPS, 1 - EPS)
    per_class = {str(c): roc_auc(y == i, P[:, i]) for i, c in enumerate(classes)}
    aucs = list(per_class.values())
    return {
        "rows": int(len(y)),
        "accuracy": float(np.mean(np.argmax(P, axis=1) == y)),
        "log_loss": float(-np.mean(np.log(true_p))),
        "roc_auc": float(np.mean(aucs)) if aucs and None not in aucs else None,
        "roc_auc_per_class": per_class,
    }


def confusion(y: np.ndarray, predicted: np.ndarray, labels) -> dict:
    """The k × k confusion matrix: row i counts the rows of true class i by the class predicted for them; ``y`` and
    ``predicted`` are indices into ``labels``."""
    k = len(labels)
    counts = np.bincount(np.asarray(y, dtype=int) * k + np.asarray(predicted, dtype=int), minlength=k * k)
    return {"labels": list(labels), "rows_true_columns_predicted": counts.reshape(k, k).tolist()}
