"""What the Classify page computes, as plain functions (no streamlit): which columns need matching, the
scored file as CSV, the ROC curve, and the decision-boundary slice through the scored rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlp_core.csv_table import Table
from mlp_core.importance import axis_inputs, binary_inputs, permutation_importance
from mlp_core.persistence import LoadedModel
from mlp_core.preprocessing import Preprocessing
from mlp_core.scoring import Scored, class_indices, read_labels
from mlp_core.scoring import scored_csv as scoring_csv
from ui.common.grid import axis, plane

FAR = 1e6  # in scales of the training data: rows further out are not drawn on the boundary slice


@dataclass(frozen=True)
class Slice:
    """p (len(y), len(x)) over inputs ``x_name``/``y_name``, the others (``held``) at their training mean (k > 2
    classes: each class's, (len(y), len(x), k)); ``points``: the scored rows on those two inputs with their
    predicted class (x, y, label lists)."""

    x: np.ndarray
    y: np.ndarray
    p: np.ndarray
    points: dict
    x_name: str
    y_name: str
    held: tuple[str, ...]


def model_columns(pre: Preprocessing) -> list[str]:
    """The columns a file should have for this model: its inputs' source columns, then the target if known."""
    return [*pre.columns, *([pre.target] if pre.target and pre.target not in pre.columns else [])]


def unmatched(pre: Preprocessing, file_columns) -> list[str]:
    """The model's input columns the file has no column of the same name for."""
    return [c for c in pre.columns if c not in set(file_columns)]


def scored_csv(scored: Scored) -> bytes:
    """The scored table exactly as ``python -m mlp_core predict`` writes it, as UTF-8 bytes."""
    return scoring_csv(scored).encode("utf-8")


def probabilities(scored: Scored) -> np.ndarray:
    """Every row's probability of the positive class (n,), or of each of k classes (n, k); NaN where unscored."""
    P = scored.frame[scored.probability_columns].to_numpy(dtype=float)
    return P[:, 0] if P.shape[1] == 1 else P


def predicted_classes(scored: Scored) -> np.ndarray:
    """Every row's predicted class index, as ``predict`` gives it: p > 0.5 for two classes, the likeliest of k."""
    P = probabilities(scored)
    return (P > 0.5).astype(int) if P.ndim == 1 else np.argmax(np.nan_to_num(P, nan=-1.0), axis=1)


def _labels(scored: Scored, pre: Preprocessing, cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Class indices and whether each is known, read as ``score_table`` reads them (k classes: by name)."""
    if scored.class_columns:
        return class_indices(cells, list(scored.class_columns))
    return read_labels(cells.astype(str), pre)


def labelled_rows(scored: Scored, pre: Preprocessing, mapping: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """y (m,) of class indices and p (m,) of the positive class, or P (m, k), for the scored rows whose label is
    known: those the metrics count."""
    target = mapping.get(pre.target, pre.target)
    y, known = _labels(scored, pre, scored.frame[target])  # the same reading of labels as score_table's
    use = known & (scored.frame[scored.columns["reason"]] == "").to_numpy()
    return y[use], probabilities(scored)[use]


def roc_curve(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False and true positive rates at every distinct threshold, from (0, 0) to (1, 1); tied scores
    make one diagonal step, so the area under it is the ROC AUC with ties counted half."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="mergesort")
    y, p = y[order], p[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(p)), len(p) - 1]
    tp, fp = np.cumsum(y)[last_of_tie], np.cumsum(1 - y)[last_of_tie]
    fpr = np.r_[0.0, fp / fp[-1]] if fp[-1] > 0 else np.r_[0.0, np.zeros_like(fp)]
    tpr = np.r_[0.0, tp / tp[-1]] if tp[-1] > 0 else np.r_[0.0, np.zeros_like(tp)]
    return fpr, tpr


def axis_order(model: LoadedModel, X: np.ndarray, limit: int = 2000) -> tuple[int, ...]:
    """Every input in the order the chart puts them on its axes: the rule of every page
    (``mlp_core.importance.axis_inputs``) over the model's permutation importance on the scored rows (at most
    ``limit``; X (n, d) in original units, NaN rows unscored), judged against the model's own predictions, since a
    file to classify need not have labels: how much its answers change when an input is shuffled."""
    pre, estimator = model.preprocessing, model.estimator
    rows = X[np.all(np.isfinite(X), axis=1)][:limit]
    if len(rows) < 2:
        return tuple(range(X.shape[1]))
    Z = pre.standardize(rows)
    two = len(estimator.classes_) == 2

    def proba(Z_):  # of the positive class for two, each class's for k, as permutation_importance reads them
        return estimator.predict_proba(Z_)[:, 1] if two else estimator.predict_proba(Z_)

    P = proba(Z)
    own = (P > 0.5).astype(int) if two else np.argmax(P, axis=1)
    importance = permutation_importance(proba, Z, own)
    return axis_inputs(importance, binary_inputs(rows), X.shape[1])


def true_classes(scored: Scored, pre: Preprocessing, mapping: dict[str, str]) -> np.ndarray | None:
    """Per row of the scored table, its true class index or NaN where unknown; None when the file has no target."""
    target = mapping.get(pre.target, pre.target) if pre.target else None
    if target is None or target not in scored.frame.columns:
        return None
    y, known = _labels(scored, pre, scored.frame[target])
    return np.where(known, y, np.nan).astype(float)


def encoded_inputs(pre: Preprocessing, table: Table, mapping: dict[str, str]) -> np.ndarray:
    """The file's rows as the network's inputs before standardization, X (n, d), in the scored table's order;
    NaN rows are unscored, the rows with more fields than the header (``Table.long_rows``) among them."""
    inputs = pd.DataFrame({c: table.frame[mapping.get(c, c)] for c in pre.columns})
    X = pre.encode(inputs, decimal_comma=table.decimal_comma)[0]
    if table.long_rows is None:
        return X
    out = np.full((table.n_rows, X.shape[1]), np.nan)
    out[table.positions] = X
    return out


def boundary_slice(model: LoadedModel, X: np.ndarray, predicted: np.ndarray, x_input: int, y_input: int,
                   grid: int = 80, limit: int = 2000, truth: np.ndarray | None = None) -> Slice:
    """p over inputs ``x_input`` and ``y_input`` in original units, every other input at its training mean
    (the stored standardization's mean), with at most ``limit`` scored rows: those within ``FAR`` scales of the
    training mean on both inputs, so that a value such as 1e308 does not stretch the slice past what a float can
    hold. Without ``truth`` the rows are coloured by ``predicted`` (class indices); with it (NaN where unknown) only the
    rows of known class are drawn, by their true class, with ``wrong`` marking where the prediction differs."""
    pre = model.preprocessing
    pair = [x_input, y_input]
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.abs((X[:, pair] - pre.mean[pair]) / pre.scale[pair])
    ok = np.all(np.isfinite(X), axis=1) & np.all(z <= FAR, axis=1)
    drawn = ok if truth is None else ok & np.isfinite(truth)
    rows = np.flatnonzero(drawn)[:limit]
    # From the scored rows' range, or the training mean ± 3 scales without rows.
    axes = [axis(X[ok, i] if ok.any() else pre.mean[i] + 3 * pre.scale[i] * np.array([-1.0, 1.0]), grid)
            for i in (x_input, y_input)]
    rows_grid = plane(pre.mean, x_input, y_input, *axes)
    P = model.estimator.predict_proba(pre.standardize(rows_grid))
    p = P[:, 1].reshape(grid, grid) if P.shape[1] == 2 else P.reshape(grid, grid, P.shape[1])
    names = pre.feature_names
    predicted = np.asarray(predicted).astype(int)
    label = predicted[rows] if truth is None else truth[rows].astype(int)
    points = {"x": X[rows, x_input].tolist(), "y": X[rows, y_input].tolist(), "label": label.tolist()}
    if truth is not None:
        points["wrong"] = (label != predicted[rows]).tolist()
    held = tuple(n for i, n in enumerate(names) if i not in (x_input, y_input))
    return Slice(axes[0], axes[1], p, points, names[x_input], names[y_input], held)
