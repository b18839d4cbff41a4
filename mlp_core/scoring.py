"""Train on a CSV and score new CSVs with a saved model: what the ``train`` and ``predict`` commands do.

``train_on_table`` loads a file (``csv_inputs.load_csv``), splits it by class, fits the standardization
on the training split only and trains ``MLPPlaygroundClassifier`` (two classes, or k). ``score_table`` applies a
saved model to a new table: columns are matched by name (or an explicit mapping), the stored preprocessing is
applied, and every row comes back — scored, or with the reason it could not be. ``neutralize_formulas``
makes a table safe to open in a spreadsheet. The metrics come from ``metrics``.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from .csv_inputs import load_csv
from .csv_table import Table, read_table
from .datasets import stratified_split
from .estimator import MLPPlaygroundClassifier
from .metrics import binary_metrics, class_metrics, confusion
from .persistence import LoadedModel
from .preprocessing import Preprocessing, missing_mask

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")


@dataclass(frozen=True)
class TrainedModel:
    """A model trained on a CSV: the estimator, the preprocessing to save with it, metrics, load report."""

    estimator: MLPPlaygroundClassifier
    preprocessing: Preprocessing
    metrics: dict
    report: dict


@dataclass(frozen=True)
class Scored:
    """Every row of a scored table, in file order, plus ``probability`` (of the positive class; for k classes one
    ``probability_<class>`` column per class instead) and ``prediction`` (empty for a row that could not be
    scored) and ``reason`` (why not; empty for a scored row). ``metrics``: None unless the file has the target
    column."""

    frame: pd.DataFrame
    reasons: dict[int, str]  # row position -> why it could not be scored
    metrics: dict | None
    columns: dict[str, str]  # the names of the added columns: probability (two classes), prediction, reason
    class_columns: dict[str, str] = field(default_factory=dict)  # k classes: each class's probability column

    @property
    def probability_columns(self) -> list[str]:
        return list(self.class_columns.values()) or [self.columns["probability"]]

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
    estimator = MLPPlaygroundClassifier(
        hidden_layer_sizes=tuple(hidden), activation=activation, solver=solver, learning_rate_init=lr,
        alpha=alpha, batch_size=batch_size, max_iter=epochs, random_state=seed,
    )
    fit_with_progress(estimator, pre.standardize(X_train), y_train, progress)
    metrics = {
        "train": _metrics(y_train, estimator.predict_proba(pre.standardize(X_train)), pre.classes),
        "test": _metrics(y_test, estimator.predict_proba(pre.standardize(X_test)), pre.classes),
        "epochs": int(estimator.n_iter_),
        "stop_rule": estimator.stop_rule_,
        "stop_reason": estimator.stop_reason_,
    }
    return TrainedModel(estimator, pre, metrics, loaded.report)


def fit_with_progress(estimator: MLPPlaygroundClassifier, X, y, progress=None) -> MLPPlaygroundClassifier:
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
    k = len(model.estimator.classes_)
    P = np.full((len(frame), k), np.nan)
    if ok.any():
        P[ok] = model.estimator.predict_proba(pre.standardize(X[ok]))
    labels = _class_names(pre, k)
    # The class ``predict`` gives: p > 0.5 of the positive class for two, the likeliest for k.
    index = (P[:, 1] > 0.5).astype(int) if k == 2 else np.argmax(np.nan_to_num(P, nan=-1.0), axis=1)
    predicted = np.array(labels, dtype=object)[index]
    predicted[~ok] = ""

    names = {key: _free_name(key, frame.columns) for key in ("probability", "prediction", "reason")}
    out = frame.copy()
    if k == 2:
        out[names["probability"]] = P[:, 1]
        class_columns = {}
    else:
        del names["probability"]
        class_columns = _class_columns(labels, [*frame.columns, *names.values()])
        for i, column in enumerate(class_columns.values()):
            out[column] = P[:, i]
    out[names["prediction"]] = predicted
    out[names["reason"]] = [reasons.get(i, "") for i in range(len(frame))]
    if table.long_rows is not None:  # rows pandas skipped for too many fields: back in place, unscored
        out, reasons = _with_long_rows(out, reasons, table, names, class_columns)

    metrics = None
    target = mapping.get(pre.target, pre.target) if pre.target else None
    if target is not None and target in frame.columns:
        y, labelled = read_labels(frame[target].astype(str), pre) if k == 2 else class_indices(frame[target], labels)
        use = ok & labelled
        metrics = _metrics(y[use], P[use], labels) if use.any() else {"rows": 0}
        metrics["rows_without_known_label"] = int((ok & ~labelled).sum())
        metrics["confusion_matrix"] = confusion(y[use], index[use], labels)
    return Scored(out, reasons, metrics, names, class_columns)


def _metrics(y: np.ndarray, P: np.ndarray, labels) -> dict:
    """``binary_metrics`` of the positive class's probability for two classes, else ``class_metrics``."""
    return binary_metrics(y, P[:, 1]) if P.shape[1] == 2 else class_metrics(y, P, labels)


def _class_names(pre: Preprocessing, k: int) -> list[str]:
    """The names of the model's k classes: the preprocessing's, or "0", "1", … when it has none."""
    return list(pre.classes) if len(pre.classes) == k else [str(i) for i in range(k)]


def _class_columns(labels: list[str], taken: list[str]) -> dict[str, str]:
    """Each class's probability column, ``probability_<class>``, named apart from the file's columns."""
    out = {}
    for label in labels:
        out[label] = _free_name(f"probability_{label}", [*taken, *out.values()])
    return out


def class_indices(cells: pd.Series, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """y (n,) of class indices into ``labels`` and whether each row's label is one of them."""
    values = cells.astype(str).str.strip()
    y = values.map({c: i for i, c in enumerate(labels)})
    known = y.notna().to_numpy()
    return y.fillna(0).to_numpy(dtype=int), known


def _with_long_rows(out: pd.DataFrame, reasons: dict[int, str], table: Table, names: dict[str, str],
                    class_columns: dict[str, str]) -> tuple[pd.DataFrame, dict[int, str]]:
    """The scored rows of ``table.frame`` and its long rows (``Table.long_rows``), unscored with their reason, in
    file order; the reasons keyed by position among all the file's data rows."""
    long = table.long_rows
    at = table.positions
    extra = pd.DataFrame(list(long.cells), columns=table.frame.columns, index=long.rows)
    for column in class_columns.values() or [names["probability"]]:
        extra[column] = np.nan
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


def read_labels(cells: pd.Series, pre: Preprocessing) -> tuple[np.ndarray, np.ndarray]:
    """y (n,) of 0/1 and whether each row's label is known (one-vs-rest: any other value is negative)."""
    values = cells.str.strip().to_numpy()
    present = ~missing_mask(cells)
    positive = values == pre.positive
    negative = (values == pre.negative) | ((pre.negative == "rest") & present & ~positive)
    return positive.astype(float), present & (positive | negative)


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
    for column in scored.probability_columns:
        frame[column] = [repr(float(p)) if p == p else "" for p in scored.frame[column]]
    buffer = io.StringIO()
    # CRLF line ends (RFC 4180): Python's csv module quotes a cell holding a carriage return only when the line
    # end has one, and an unquoted CR breaks the row in every reader.
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()
