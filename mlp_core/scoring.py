"""Train on a CSV and score new CSVs with a saved model: what the ``train`` and ``predict`` commands do.

``train_on_table`` loads a file (``csv_inputs.load_csv``), splits it by class, fits the standardization
on the training split only and trains ``MLPBinaryClassifier``. ``score_table`` applies a saved model
to a new table: columns are matched by name (or an explicit mapping), the stored preprocessing is
applied, and every row comes back — scored, or with the reason it could not be. ``neutralize_formulas``
makes a table safe to open in a spreadsheet. Metrics are computed here in NumPy; the tests check them
against scikit-learn's.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from .csv_inputs import load_csv
from .csv_table import Table, read_table
from .datasets import stratified_split
from .estimator import MLPBinaryClassifier
from .persistence import LoadedModel
from .preprocessing import Preprocessing, missing_mask

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")


@dataclass(frozen=True)
class TrainedModel:
    """A model trained on a CSV: the estimator, the preprocessing to save with it, metrics, load report."""

    estimator: MLPBinaryClassifier
    preprocessing: Preprocessing
    metrics: dict
    report: dict


@dataclass(frozen=True)
class Scored:
    """Every row of a scored table, in file order, plus ``probability`` and ``prediction`` (empty for a
    row that could not be scored) and ``reason`` (why not; empty for a scored row). ``metrics``: None
    unless the file has the target column."""

    frame: pd.DataFrame
    reasons: dict[int, str]  # row position -> why it could not be scored
    metrics: dict | None
    columns: dict[str, str]  # the names of the added columns: probability, prediction, reason

    @property
    def scored(self) -> pd.DataFrame:
        return self.frame[self.frame[self.columns["reason"]] == ""]

    @property
    def unscorable(self) -> pd.DataFrame:
        return self.frame[self.frame[self.columns["reason"]] != ""]


def train_on_table(
    table_or_bytes: Table | bytes | str | Path,
    target: str | None = None,
    positive: str | None = None,
    features: list[str] | None = None,
    impute: bool = False,
    hidden: tuple[int, ...] = (3, 2),
    activation: str = "relu",
    solver: str = "sgd",
    lr: float = 0.1,
    alpha: float = 0.0,
    batch_size: int | None = None,
    epochs: int = 1000,
    seed: int = 0,
    test_size: float = 0.25,
    progress: Callable[[int, int], None] | None = None,
) -> TrainedModel:
    """Train the network on a CSV; raise ``ValueError`` (``CSVError``) for a file or setting it cannot use.

    The split (``stratified_split``) and the initial weights both come from ``seed``; the estimator's
    stopping rules (``tol``, ``weight_tol``) are its defaults, and why training stopped is reported in
    the metrics instead of as a warning. ``progress(epoch, epochs)`` is called after every epoch.
    """
    loaded = load_csv(table_or_bytes, target=target, positive=positive, features=features, impute=impute)
    X_train, X_test, y_train, y_test = stratified_split(loaded.X, loaded.y, test_size=test_size, seed=seed)
    pre = loaded.preprocessing.fitted(X_train)
    estimator = MLPBinaryClassifier(
        hidden_layer_sizes=tuple(hidden), activation=activation, solver=solver, learning_rate_init=lr,
        alpha=alpha, batch_size=batch_size, max_iter=epochs, random_state=seed,
    )
    fit_with_progress(estimator, pre.standardize(X_train), y_train, progress)
    metrics = {
        "train": binary_metrics(y_train, estimator.predict_proba(pre.standardize(X_train))[:, 1]),
        "test": binary_metrics(y_test, estimator.predict_proba(pre.standardize(X_test))[:, 1]),
        "epochs": int(estimator.n_iter_),
        "stop_rule": estimator.stop_rule_,
        "stop_reason": estimator.stop_reason_,
    }
    return TrainedModel(estimator, pre, metrics, loaded.report)


def fit_with_progress(estimator: MLPBinaryClassifier, X, y, progress=None) -> MLPBinaryClassifier:
    """``estimator.fit(X, y, progress)`` without the ConvergenceWarning (``stop_reason_`` says it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, progress=progress)


def score_table(model: LoadedModel, table: Table | bytes | str | Path,
                mapping: dict[str, str] | None = None) -> Scored:
    """Score every row of ``table`` with a saved model; raise ``ValueError`` when a needed column is absent.

    ``mapping``: ``{model column: file column}`` for columns named differently in this file (the
    target column included). Rows with a missing or invalid cell are kept with their reason, and so are rows with
    more fields than the header (``Table.long_rows``), in their place in the file.
    """
    table = table if isinstance(table, Table) else read_table(table)
    pre = model.preprocessing
    if pre is None:
        raise ValueError("the model file holds no preprocessing (it was not trained on a CSV), so it cannot "
                         "score a CSV file")
    frame = table.frame
    mapping = dict(mapping or {})
    known = set(pre.columns) | ({pre.target} if pre.target else set())
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise ValueError(f"the mapping names {unknown[0]!r}, which is not a column of the model; its columns are: "
                         f"{', '.join(map(repr, pre.columns))}")
    sources = {c: mapping.get(c, c) for c in pre.columns}
    for column, source in sources.items():
        if source not in frame.columns:
            via = "" if source == column else f" (mapped to {source!r})"
            raise ValueError(f"the file has no column {source!r}{via}, which the model needs; the file's columns "
                             f"are: {', '.join(map(repr, frame.columns))}")
    inputs = pd.DataFrame({c: frame[s] for c, s in sources.items()})
    X, reasons = pre.encode(inputs, decimal_comma=table.decimal_comma)
    ok = np.ones(len(frame), dtype=bool)
    ok[list(reasons)] = False
    p = np.full(len(frame), np.nan)
    if ok.any():
        p[ok] = model.estimator.predict_proba(pre.standardize(X[ok]))[:, 1]
    predicted = np.where(p > 0.5, pre.positive or "1", pre.negative or "0").astype(object)
    predicted[~ok] = ""

    names = {key: _free_name(key, frame.columns) for key in ("probability", "prediction", "reason")}
    out = frame.copy()
    out[names["probability"]] = p
    out[names["prediction"]] = predicted
    out[names["reason"]] = [reasons.get(i, "") for i in range(len(frame))]
    if table.long_rows is not None:  # rows pandas skipped for too many fields: back in place, unscored
        out, reasons = _with_long_rows(out, reasons, table, names)

    metrics = None
    target = mapping.get(pre.target, pre.target) if pre.target else None
    if target is not None and target in frame.columns:
        y, labelled = read_labels(frame[target].astype(str), pre)
        use = ok & labelled
        metrics = binary_metrics(y[use], p[use]) if use.any() else {"rows": 0}
        metrics["rows_without_known_label"] = int((ok & ~labelled).sum())
        metrics["confusion_matrix"] = _confusion(y[use], p[use], pre)
    return Scored(out, reasons, metrics, names)


def _with_long_rows(out: pd.DataFrame, reasons: dict[int, str], table: Table,
                    names: dict[str, str]) -> tuple[pd.DataFrame, dict[int, str]]:
    """The scored rows of ``table.frame`` and its long rows (``Table.long_rows``), unscored with their reason, in
    file order; the reasons keyed by position among all the file's data rows."""
    long = table.long_rows
    at = table.positions
    extra = pd.DataFrame(list(long.cells), columns=table.frame.columns, index=long.rows)
    extra[names["probability"]] = np.nan
    extra[names["prediction"]] = ""
    extra[names["reason"]] = [long.reason(k) for k in range(len(long.rows))]
    merged = pd.concat([out.set_axis(at), extra]).sort_index(kind="stable").reset_index(drop=True)
    return merged, dict(sorted({**{int(at[i]): r for i, r in reasons.items()}, **long.reasons()}.items()))


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text cells (and column names) that a spreadsheet would run as a formula — those
    starting with =, +, -, @, tab or carriage return — begin with ``'``, so they show as text (OWASP's
    advice against CSV injection). Plain numbers such as -1.5 or +3 stay as they are."""
    out = frame.rename(columns=lambda c: _neutral(c) if isinstance(c, str) else c)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(lambda v: _neutral(v) if isinstance(v, str) else v)
    return out


def binary_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """Accuracy (threshold 0.5, as ``predict``), log loss and ROC AUC (None with a single class) of the
    probabilities ``p`` (n,) for labels ``y`` (n,) of 0/1."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    eps = np.finfo(float).eps  # scikit-learn's log_loss clips the same way
    q = np.clip(p, eps, 1 - eps)
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


def read_labels(cells: pd.Series, pre: Preprocessing) -> tuple[np.ndarray, np.ndarray]:
    """y (n,) of 0/1 and whether each row's label is known (one-vs-rest: any other value is negative)."""
    values = cells.str.strip().to_numpy()
    present = ~missing_mask(cells)
    positive = values == pre.positive
    negative = (values == pre.negative) | ((pre.negative == "rest") & present & ~positive)
    return positive.astype(float), present & (positive | negative)


def _confusion(y: np.ndarray, p: np.ndarray, pre: Preprocessing) -> dict:
    hit = p > 0.5
    tp, fn = int(np.sum(hit & (y == 1))), int(np.sum(~hit & (y == 1)))
    fp, tn = int(np.sum(hit & (y == 0))), int(np.sum(~hit & (y == 0)))
    return {"labels": [pre.negative, pre.positive], "rows_true_columns_predicted": [[tn, fp], [fn, tp]]}


def _free_name(name: str, taken) -> str:
    """``name``, or ``name_2``, ``name_3``, ... when the file already has a column of that name."""
    taken, k, out = set(taken), 1, name
    while out in taken:
        k += 1
        out = f"{name}_{k}"
    return out


def _neutral(text: str) -> str:
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def scored_csv(scored: Scored) -> str:
    """The scored table as CSV text (CRLF line ends), as ``predict`` writes it and the Classify page downloads it:
    formula cells neutralized, the probability in full precision (repr reads back as the same double), empty for
    a row that could not be scored."""
    frame = neutralize_formulas(scored.frame)
    column = scored.columns["probability"]
    frame[column] = [repr(float(p)) if p == p else "" for p in scored.frame[column]]
    buffer = io.StringIO()
    # CRLF line ends (RFC 4180): Python's csv module quotes a cell holding a carriage return only when the line
    # end has one, and an unquoted CR breaks the row in every reader.
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()
