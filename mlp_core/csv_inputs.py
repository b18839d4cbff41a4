"""A CSV table turned into the network's inputs, saying what was done with every column.

``load_csv`` picks the target and its classes (two, k > 2, or one against the rest), encodes the feature columns
(numbers; two-valued text as 0/1; few-valued text one-hot) and drops identifiers, free text, constant and empty
columns, names too long for a model file, and rows with missing or unusable values — each with a notice. Every
refusal is a ``CSVError`` whose message says what is wrong and what to do.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import MAX_CLASSES
from .csv_messages import CSVError, Message, clipped, listing
from .csv_table import Table, read_table
from .preprocessing import (
    MAX_INPUTS,
    MAX_NUMBER,
    MAX_TEXT,
    InputSpec,
    Preprocessing,
    missing_mask,
    to_numbers,
)

MAX_ONE_HOT = 10


TARGET_NAMES = ("label", "target", "class", "y", "outcome")

POSITIVE_WORDS = frozenset({"1", "1.0", "yes", "y", "true", "t", "positive", "pos", "+", "+1", "on"})

ID_NAME = re.compile(r"^(id|idx|index|row|row_?id|row_?number|unnamed: ?0|.*[_ ]id)$", re.IGNORECASE)


@dataclass(frozen=True)
class LoadedCSV:
    """A file ready to train on: X (n, d) encoded but not standardized, y (n,) of class indices (0/1 for two classes,
    1 the positive; 0..k−1 for k, the index into ``preprocessing.classes``), and the report."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray  # for each row of X, its position among the file's data rows (0-based)
    preprocessing: Preprocessing  # mean 0, scale 1 until ``fitted`` on a training split
    report: dict

    @property
    def feature_names(self) -> list[str]:
        return self.preprocessing.feature_names


def load_csv(
    source: bytes | str | Path | Table,
    target: str | None = None,
    positive: str | None = None,
    features: list[str] | None = None,
    impute: bool = False,
    max_classes: int = MAX_CLASSES,
) -> LoadedCSV:
    """Read a CSV and prepare it for classification; raise ``CSVError`` when it cannot be used.

    ``target``: the label column (default: a column named like label/target/class/y/outcome, else
    the last one). ``positive``: the positive class (default: a yes/true/1-like value, else the larger
    of the two); with more than two classes, naming one trains it against all the others (one-vs-rest),
    else each class is its own (up to ``max_classes``, at most ``MAX_CLASSES``). ``features``: the
    columns to use (default: all usable ones). ``impute``: fill missing feature cells (mean, or the most
    frequent value) instead of dropping those rows.
    """
    table = source if isinstance(source, Table) else read_table(source)
    frame, notices = table.frame, list(table.notices)
    rows_read = len(frame)
    positions = np.arange(rows_read)  # of the rows used below, among the file's data rows
    if table.long_rows is not None:  # never in ``frame``: pandas skipped them
        notices.append(table.long_rows.describe() + ", so they were skipped.")
    if table.short_rows is not None:  # left out before anything is learnt from the columns' values
        positions = np.setdiff1d(positions, table.short_rows.rows)
        frame = frame.iloc[positions].reset_index(drop=True)
        notices.append(Message(table.short_rows.describe() + " They were left out; ", ("impute", "filling missing "
                               "cells"), " does not bring them back, as it fills empty cells. Add the missing fields "
                               "to use them."))
    target_col = _choose_target(frame, target, notices)
    labels = frame[target_col].astype(str).str.strip()
    label_missing = missing_mask(frame[target_col].astype(str))
    if table.class_names and set(labels[~label_missing]) <= {str(i) for i in range(len(table.class_names))}:
        labels = labels.map(lambda v: table.class_names[int(v)] if v.isdigit() and int(v) < len(table.class_names)
                            else v)
        notices.append(f"Target values 0…{len(table.class_names) - 1} were named after the count header: "
                       f"{', '.join(table.class_names)}.")
    counts = Counter({str(k): int(v) for k, v in labels[~label_missing].value_counts().items()})
    classes, positive_value, negative_value = _choose_classes(target_col, counts, positive, notices, max_classes)
    for what, text in (("name of the target column", target_col), *(("class", c) for c in classes)):
        if len(text) > MAX_TEXT:
            raise CSVError(f"The {what} ({clipped(text)}) has {len(text):,} characters; a model file keeps at most "
                           f"{MAX_TEXT}. Shorten it in the file, or choose another target column.")

    candidates = _feature_candidates(frame, target_col, features)
    numbers = {}  # each column parsed once: parsing text is the slow part of a big file
    specs: list[InputSpec] = []
    for k, column in enumerate(candidates, 1):
        specs.extend(_encode_column(column, frame[column].astype(str), table.decimal_comma, len(frame), notices,
                                    explicit=features is not None, numbers=numbers))
        if len(specs) > MAX_INPUTS:  # stop here: encoding thousands of columns only to refuse them takes seconds
            raise CSVError(Message(f"The file gives more than {MAX_INPUTS} network inputs ({len(specs)} from its "
                                   f"first {k} of {len(candidates)} feature columns); at most {MAX_INPUTS} are "
                                   "supported. Choose fewer ", ("features", "feature columns"), "."))
    if not specs:
        raise CSVError(Message("No usable feature column is left: " + " ".join(n for n in notices if "dropped" in n)
                               + " Add numeric columns, or choose the ", ("features", "feature columns"), "."))

    pre = Preprocessing(tuple(specs), np.zeros(len(specs)), np.ones(len(specs)), target=target_col,
                        positive=positive_value, negative=negative_value, decimal_comma=table.decimal_comma,
                        classes=classes)
    X, reasons = pre.encode(frame, numbers=numbers)
    keep = ~label_missing
    if impute:
        specs = _with_fills(specs, frame, ~label_missing, table.decimal_comma, numbers)
        pre = dataclasses.replace(pre, inputs=tuple(specs))
        X, reasons = pre.encode(frame, numbers=numbers)
        filled = {s.column: s.fill for s in specs if s.fill is not None}
        if filled:
            notices.append("Missing cells were filled (mean of a numeric column, most frequent value otherwise) "
                           f"in: {', '.join(sorted(filled))}.")
    dropped = _dropped_counts(frame, specs, label_missing, target_col, table.decimal_comma, numbers)
    if reasons:
        keep[list(reasons)] = False
    keep &= ~np.any(np.abs(X) > MAX_NUMBER, axis=1)  # a model file could not hold their mean or scale
    if not impute and dropped:
        total = int((~keep).sum())
        by_col = ", ".join(f"{col}: {k}" for col, k in dropped.items())
        notices.append(Message(f"{total} row(s) with missing, infinite or invalid values (or numbers beyond ±1e300) "
                               f"were dropped ({by_col}). To keep rows with missing cells, ",
                               ("impute", "fill missing cells instead of dropping rows"), "."))
    elif label_missing.any():
        notices.append(f"{int(label_missing.sum())} row(s) without a target value were dropped.")
    used = np.flatnonzero(keep)  # among ``frame``'s rows
    values = labels.to_numpy()[used]
    if positive_value is not None:
        y = (values == positive_value).astype(np.int64)
    else:
        y = pd.Series(values).map({c: i for i, c in enumerate(classes)}).to_numpy(np.int64)
    if len(used) == 0:
        raise CSVError(Message("No row is left after dropping rows with missing or invalid values. ",
                               ("impute", "Fill missing cells instead of dropping rows"), ", or choose other ",
                               ("features", "feature columns"), "."))
    if len(set(y)) < 2:
        raise CSVError(Message(f"After dropping incomplete rows only one class ({'positive' if y[0] else 'negative'}"
                               ") is left. ", ("impute", "Fill missing cells instead of dropping rows"),
                               ", or choose other ", ("features", "feature columns"), "."))
    few = [c for i, c in enumerate(classes) if np.sum(y == i) < 2] if positive_value is None else []
    if few:  # the split needs a row of every class on each side
        raise CSVError(Message(f"The class{'es' if len(few) > 1 else ''} {listing(few)} of the target column "
                               f"{target_col!r} {'have' if len(few) > 1 else 'has'} fewer than two usable rows; every "
                               "class needs two, one to train on and one to test. Add rows, choose a ",
                               ("positive", "positive class"), " to train against all the others, or another ",
                               ("target", "target column"), "."))
    used_counts = Counter(labels.to_numpy()[used])
    rows = positions[used]
    report = {
        "rows_read": rows_read,
        "rows_used": int(len(rows)),
        "dropped": {"rows": rows_read - int(len(rows)), "by_column": dropped},
        "target": target_col,
        "classes": {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))},
        "labels": list(classes),
        "positive": positive_value,
        "negative": negative_value,
        "class_counts_used": ({c: int(used_counts.get(c, 0)) for c in classes} if positive_value is None else
                              {"positive": int(used_counts.get(positive_value, 0)),
                               "negative": int(len(rows) - used_counts.get(positive_value, 0))}),
        "features": [{"name": s.name, "column": s.column, "encoding": s.describe()} for s in specs],
        "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(table.delimiter, table.delimiter),
        "decimal_comma": table.decimal_comma,
        "encoding": table.encoding,
        "notices": notices,
    }
    return LoadedCSV(X[used], y, rows, pre, report)



def _choose_target(frame: pd.DataFrame, target: str | None, notices: list[str]) -> str:
    columns = list(frame.columns)
    if target is not None:
        if target in columns:
            return target
        lowered = {c.lower(): c for c in columns}
        if target.strip().lower() in lowered:
            return lowered[target.strip().lower()]
        raise CSVError(f"There is no column {target!r}. The columns are: {listing(columns)}.")
    column = default_target(columns)
    why = "named like a label" if column != columns[-1] or column.strip().lower() in TARGET_NAMES else "the last column"
    notices.append(Message(f"Target: {column!r} ({why}). To use another column, choose it as the ",
                           ("target", "target column"), "."))
    return column


def default_target(columns: list[str]) -> str:
    """The column used as target when none is named: the first named like a label, else the last."""
    for name in TARGET_NAMES:
        for column in columns:
            if column.strip().lower() == name:
                return column
    return columns[-1]


def _choose_classes(target: str, counts: Counter, positive: str | None, notices: list[str], max_classes: int):
    """The class names in the order of y's indices, and the positive and negative class (None for k classes)."""
    classes = sorted(counts, key=_sort_key)
    listing = ", ".join(f"{c} ({counts[c]})" for c in sorted(counts, key=lambda c: (-counts[c], _sort_key(c)))[:20])
    if len(classes) < 2:
        only = f" ({classes[0]!r})" if classes else ""
        raise CSVError(Message(f"The target column {target!r} has only one class{only}: a classifier needs two. "
                               "Choose another ", ("target", "target column"), "."))
    if positive is not None:
        match = _match_value(positive, classes)
        if match is None:
            raise CSVError(f"{positive!r} is not a value of the target column {target!r}. Its classes are: {listing}.")
        if len(classes) > 2:
            notices.append(f"One-vs-rest: {match!r} is the positive class; the other {len(classes) - 1} classes "
                           "are negative.")
            return ("rest", match), match, "rest"
        other = next(c for c in classes if c != match)
        return (other, match), match, other
    if len(classes) > max_classes:
        hint = " It looks like a number to predict, not a class." if len(classes) > MAX_CLASSES else ""
        raise CSVError(Message(f"The target column {target!r} has {len(classes)} classes: {listing}"
                               f"{', …' if len(classes) > 20 else ''}.{hint} At most {max_classes} classes can be "
                               "trained here. Choose a ", ("positive", "positive class"),
                               " to train against all the others (one-vs-rest), or another ",
                               ("target", "target column"), "."))
    if len(classes) > 2:
        notices.append(Message(f"{len(classes)} classes: {', '.join(map(repr, classes))}; the network gets one "
                               "(softmax) output per class. To train one class against all the others, choose a ",
                               ("positive", "positive class"), "."))
        return tuple(classes), None, None
    liked = [c for c in classes if c.strip().lower() in POSITIVE_WORDS]
    pos = liked[0] if len(liked) == 1 else classes[1]
    neg = classes[0] if pos == classes[1] else classes[1]
    why = "it reads as yes/true/1" if len(liked) == 1 else "it sorts last"
    notices.append(Message(f"Positive class: {pos!r} ({why}); negative: {neg!r}. To swap them, choose {neg!r} as the ",
                           ("positive", "positive class"), "."))
    return (neg, pos), pos, neg


def _sort_key(value: str):
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _match_value(value: str, classes: list[str]) -> str | None:
    value = value.strip()
    for c in classes:
        if c == value:
            return c
    for c in classes:
        if c.lower() == value.lower():
            return c
    try:
        number = float(value)
    except ValueError:
        return None
    return next((c for c in classes if _sort_key(c)[0] == 0 and float(c) == number), None)


def _feature_candidates(frame: pd.DataFrame, target: str, features: list[str] | None) -> list[str]:
    columns = [c for c in frame.columns if c != target]
    if features is None:
        return columns
    chosen = []
    for name in features:
        match = name if name in frame.columns else next((c for c in frame.columns if c.lower() == name.strip().lower()),
                                                        None)
        if match is None:
            raise CSVError(f"There is no column {name!r}. The columns are: {listing(list(frame.columns))}.")
        if match == target:
            raise CSVError(f"{match!r} is the target column; it cannot also be a feature. Choose other features.")
        if match not in chosen:
            chosen.append(match)
    return chosen


def _encode_column(column: str, cells: pd.Series, decimal_comma: bool, n: int, notices: list[str], explicit: bool,
                   numbers: dict):
    """The inputs a column becomes, or none (with a notice saying why it was dropped).

    A numeric column's parsed values are left in ``numbers[column]``."""
    if len(column) > MAX_TEXT:
        notices.append(f"Column {clipped(column)} was dropped: its name has {len(column):,} characters; a model file "
                       f"keeps at most {MAX_TEXT}.")
        return []
    missing = missing_mask(cells)
    present = cells[~missing].str.strip()
    if present.empty:
        notices.append(f"Column {column!r} was dropped: it has no values.")
        return []
    numeric_share = float(np.mean(~np.isnan(to_numbers(present.head(200), decimal_comma))))
    if numeric_share >= 0.5:  # looks numeric: parse the whole column (a text column is not worth it)
        parsed = to_numbers(cells, decimal_comma)
        numbers[column] = parsed
        values = parsed[~missing]
        numeric_share = float(np.mean(~np.isnan(values)))
    distinct = present.nunique()
    if numeric_share >= 0.95:
        if numeric_share < 1:
            bad = present[np.isnan(values)].unique()[:3]
            notices.append(f"Column {column!r}: {int(np.isnan(values).sum())} cell(s) are not numbers "
                           f"({', '.join(repr(b[:20]) for b in bad)}); those rows count as invalid.")
        finite = values[np.isfinite(values)]
        if len(np.unique(finite)) <= 1:
            notices.append(f"Column {column!r} was dropped: it is constant.")
            return []
        if not explicit and _is_identifier(column, finite, n):
            notices.append(f"Column {column!r} was dropped: it looks like a row identifier.")
            return []
        return [InputSpec(column, column, "number")]
    if distinct == 1:
        notices.append(f"Column {column!r} was dropped: it is constant.")
        return []
    values = sorted(present.unique(), key=_sort_key)
    if distinct <= MAX_ONE_HOT and any(len(f"{column}={v}") > MAX_TEXT for v in values):
        notices.append(f"Column {clipped(column)} was dropped: a value of it is too long to name a network input (at "
                       f"most {MAX_TEXT} characters with the column's name).")
        return []
    if distinct == 2:
        liked = [v for v in values if v.lower() in POSITIVE_WORDS]
        one = liked[0] if len(liked) == 1 else values[1]
        zero = values[0] if one == values[1] else values[1]
        notices.append(f"Column {column!r} has two values; encoded as 0/1 ({one!r} = 1, {zero!r} = 0).")
        return [InputSpec(column, column, "binary", one, zero)]
    unique = distinct == len(present) and len(present) > 2  # every row its own value: a name or an id
    if distinct <= MAX_ONE_HOT and not unique:
        notices.append(f"Column {column!r} has {distinct} values; one-hot encoded into {distinct} inputs.")
        return [InputSpec(f"{column}={v}", column, "category", v) for v in values]
    kind = "an identifier or free text" if distinct > 0.5 * len(present) else "a category with too many values"
    notices.append(f"Column {column!r} was dropped: it looks like {kind} ({distinct} distinct values in "
                   f"{len(present)} rows; one-hot encoding takes at most {MAX_ONE_HOT}).")
    return []


def _is_identifier(column: str, numbers: np.ndarray, n: int) -> bool:
    if ID_NAME.match(column.strip()):
        return True
    if len(numbers) < 20 or not np.all(numbers == np.round(numbers)):
        return False
    steps = np.diff(numbers)
    return bool(len(np.unique(numbers)) == len(numbers) and np.all(steps == 1))


def _with_fills(specs, frame: pd.DataFrame, rows: np.ndarray, decimal_comma: bool, numbers: dict):
    """Specs with the value that fills a missing cell: the column's mean over ``rows``, or for text
    columns the encoding of its most frequent value."""
    out = []
    for spec in specs:
        cells = frame[spec.column].astype(str)[rows]
        present = ~missing_mask(cells)
        if spec.kind == "number":
            values = numbers[spec.column][rows] if spec.column in numbers else to_numbers(cells, decimal_comma)
            known = values[present & np.isfinite(values)]
            fill = float(np.mean(known)) if len(known) else 0.0
        else:
            counts = cells[present].str.strip().value_counts()
            fill = 1.0 if len(counts) and counts.index[0] == spec.value else 0.0
        out.append(InputSpec(spec.name, spec.column, spec.kind, spec.value, spec.other, fill))
    return out


def _dropped_counts(frame, specs, label_missing, target, decimal_comma, numbers) -> dict[str, int]:
    """Per column, how many rows it made unusable (missing, infinite or invalid cells)."""
    out = {}
    if label_missing.any():
        out[target] = int(label_missing.sum())
    seen = set()
    for spec in specs:
        if spec.column in seen:
            continue
        seen.add(spec.column)
        cells = frame[spec.column].astype(str)
        missing = missing_mask(cells)
        bad = missing if spec.fill is None else np.zeros(len(cells), dtype=bool)
        if spec.kind == "number":
            values = numbers[spec.column] if spec.column in numbers else to_numbers(cells, decimal_comma)
            bad = bad | (~missing & ~(np.abs(values) <= MAX_NUMBER))  # NaN, ±inf and huge
        elif spec.kind == "binary":
            stripped = cells.str.strip()
            bad = bad | (~missing & (stripped != spec.value).to_numpy() & (stripped != spec.other).to_numpy())
        if bad.any():
            out[spec.column] = int(bad.sum())
    return out
