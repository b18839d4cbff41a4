"""How a table's columns become the network's inputs, stored with the model and applied to new files.

A ``Preprocessing`` holds, for every input of the network, the column it comes from and how it is
encoded (a number as it is, a two-valued column as 0/1, one category of a one-hot encoded column),
the values that fill missing cells when the model was trained with imputation, and the
standardization (mean and scale fitted on the training split only), and the names of the classes the network's
outputs stand for. ``to_dict`` / ``from_dict`` give its JSON form; ``from_dict`` validates every field and raises
``ValueError`` naming the bad one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import expect, is_finite
from .config import MAX_CLASSES

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "missing", "#n/a"})
MAX_INPUTS = 1000
MAX_TEXT = 500
# The largest number a model file keeps: a larger value would give a mean or a scale the saved model could not hold.
MAX_NUMBER = 1e300


def missing_mask(cells: pd.Series) -> np.ndarray:
    """True where a cell (text) is empty or a usual spelling of 'missing' (NA, n/a, null, ?, ...)."""
    return cells.str.strip().str.lower().isin(MISSING_TOKENS).to_numpy()


def to_numbers(cells: pd.Series, decimal_comma: bool = False) -> np.ndarray:
    """Cells (text) as float64; NaN where a cell is not a number, and ±inf kept as such."""
    text = cells.str.strip().str.replace("\u00a0", "", regex=False)
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    try:
        return text.astype(float).to_numpy()  # all cells numbers: three times faster than to_numeric
    except ValueError:
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


@dataclass(frozen=True)
class InputSpec:
    """One input of the network. ``kind``: 'number' (the column's value), 'binary' (1 when the cell is
    ``value``, 0 when it is ``other``), or 'category' (1 when the cell is ``value``, else 0)."""

    name: str
    column: str
    kind: str
    value: str | None = None
    other: str | None = None
    fill: float | None = None  # used for missing cells when trained with imputation; None: the row is dropped

    def describe(self) -> str:
        if self.kind == "number":
            how = "number"
        elif self.kind == "binary":
            how = f"0/1: {self.value!r} = 1, {self.other!r} = 0"
        else:
            how = f"one-hot: 1 when {self.column!r} is {self.value!r}"
        return how + ("" if self.fill is None else f"; missing cells filled with {self.fill:g}")


@dataclass(frozen=True)
class Preprocessing:
    """Everything needed to turn a new table into standardized network inputs, and to read its labels.

    ``classes``: the target's class names in the order of the class indices y the network was trained on. Two
    classes: ``(negative, positive)``, y = 1 for ``positive`` (``negative`` is "rest" when one class was trained
    against all the others); k > 2 classes: all k, and ``positive`` and ``negative`` are None. Given only
    ``positive`` and ``negative`` (a model file written before k classes), it is ``(negative, positive)``.
    """

    inputs: tuple[InputSpec, ...]
    mean: np.ndarray
    scale: np.ndarray
    target: str | None = None
    positive: str | None = None
    negative: str | None = None
    decimal_comma: bool = False
    notes: tuple[str, ...] = field(default=())
    classes: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.classes and self.positive is not None and self.negative is not None:
            object.__setattr__(self, "classes", (self.negative, self.positive))

    @property
    def feature_names(self) -> list[str]:
        return [spec.name for spec in self.inputs]

    @property
    def columns(self) -> list[str]:
        """The source columns a new file must have, each once, in order of first use."""
        return list(dict.fromkeys(spec.column for spec in self.inputs))

    def standardize(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.scale

    def fitted(self, X_train: np.ndarray) -> Preprocessing:
        """The same preprocessing with its standardization fitted on ``X_train`` (the training split only)."""
        mean, scale = standardization(X_train)
        return dataclasses.replace(self, mean=mean, scale=scale)

    def encode(self, frame: pd.DataFrame, decimal_comma: bool | None = None, numbers: dict | None = None):
        """Encode the rows of ``frame`` (cells as text), without standardizing.

        Returns ``(X, reasons)``: X (n, d) float, and for every row that cannot be scored the first
        reason, as ``{row position: reason}``; those rows hold NaN in X. A missing column raises
        ``ValueError`` naming it. ``numbers``: columns already parsed by ``to_numbers``, to reuse.
        """
        decimal_comma = self.decimal_comma if decimal_comma is None else decimal_comma
        missing_columns = [c for c in self.columns if c not in frame.columns]
        if missing_columns:
            raise ValueError(f"the file has no column {missing_columns[0]!r}, which the model needs")
        n = len(frame)
        X = np.empty((n, len(self.inputs)))
        reasons: dict[int, str] = {}
        for j, spec in enumerate(self.inputs):
            cells = frame[spec.column].astype(str)
            missing = missing_mask(cells)
            stripped = cells.str.strip()
            if spec.kind == "number":
                values = (numbers or {}).get(spec.column)
                values = to_numbers(cells, decimal_comma) if values is None else values
                bad = ~missing & ~np.isfinite(values)
                why = "is not a finite number"
            elif spec.kind == "binary":
                values = np.where(stripped == spec.value, 1.0, 0.0)
                bad = ~missing & (stripped != spec.value).to_numpy() & (stripped != spec.other).to_numpy()
                why = f"is neither {spec.value!r} nor {spec.other!r}"
            else:
                values = np.where(stripped == spec.value, 1.0, 0.0)
                bad = np.zeros(n, dtype=bool)  # an unseen category is simply not this one
                why = ""
            if spec.fill is not None:
                values = np.where(missing, spec.fill, values)
            else:
                for i in np.flatnonzero(missing):
                    reasons.setdefault(int(i), f"{spec.column!r} is missing")
            for i in np.flatnonzero(bad):
                reasons.setdefault(int(i), f"{spec.column!r} {why}: {stripped.iat[i][:40]!r}")
            X[:, j] = values
        if reasons:
            X[list(reasons)] = np.nan
        return X, reasons

    def to_dict(self) -> dict:
        return {
            "inputs": [
                {k: v for k, v in vars(spec).items() if v is not None} for spec in self.inputs
            ],
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "target": self.target,
            "positive": self.positive,
            "negative": self.negative,
            "classes": list(self.classes),
            "decimal_comma": self.decimal_comma,
        }

    @classmethod
    def from_dict(cls, doc, n_features: int) -> Preprocessing:
        """Validate the JSON form against a network with ``n_features`` inputs; raise ``ValueError``."""
        expect(isinstance(doc, dict), "preprocessing", "an object or null")
        unknown = sorted(set(doc) - {"inputs", "mean", "scale", "target", "positive", "negative", "classes",
                                     "decimal_comma"})
        if unknown:
            raise ValueError(f"preprocessing: unknown field(s) {unknown}")
        items = doc.get("inputs")
        expect(isinstance(items, list) and len(items) == n_features, "preprocessing.inputs",
                f"a list of {n_features} input descriptions")
        inputs = tuple(_input_from_dict(item, f"preprocessing.inputs[{i}]") for i, item in enumerate(items))
        names = [spec.name for spec in inputs]
        expect(len(set(names)) == len(names), "preprocessing.inputs", "distinct input names")
        mean = _vector(doc.get("mean"), n_features, "preprocessing.mean")
        scale = _vector(doc.get("scale"), n_features, "preprocessing.scale")
        expect(bool(np.all(scale > 0)), "preprocessing.scale", "positive numbers")
        texts = {}
        for key in ("target", "positive", "negative"):
            value = doc.get(key)
            expect(value is None or _short_text(value), f"preprocessing.{key}", "a short text or null")
            texts[key] = value
        classes = doc.get("classes", [])  # absent from files written before k classes
        expect(isinstance(classes, list) and len(classes) <= MAX_CLASSES and len(set(map(str, classes))) == len(classes)
               and all(_short_text(c) for c in classes) and len(classes) != 1, "preprocessing.classes",
               f"a list of 2 to {MAX_CLASSES} distinct short texts, or empty")
        k_classes = len(classes) > 2
        expect(not k_classes or texts["positive"] is None and texts["negative"] is None, "preprocessing.positive",
               "null when there are more than two classes")
        expect(k_classes or not classes or classes == [texts["negative"], texts["positive"]], "preprocessing.classes",
               "[negative, positive] for two classes")
        decimal_comma = doc.get("decimal_comma", False)
        expect(isinstance(decimal_comma, bool), "preprocessing.decimal_comma", "true or false")
        return cls(inputs, mean, scale, decimal_comma=decimal_comma, classes=tuple(classes), **texts)


def standardization(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and scale that standardize each column of ``X_train`` (n, d), the training split only: the test
    split and new files are scaled with them. Scale 1 for a constant column; robust to huge values."""
    peak = np.max(np.abs(X_train), axis=0) if len(X_train) else np.ones(X_train.shape[1])
    peak = np.where(peak > 0, peak, 1.0)
    Xs = X_train / peak  # dividing first keeps sums of squares finite even for values near 1e308
    mean = Xs.mean(axis=0) * peak
    std = Xs.std(axis=0) * peak
    scale = np.where(std > 0, std, 1.0)
    return mean, scale


def _input_from_dict(item, where: str) -> InputSpec:
    expect(isinstance(item, dict), where, "an object")
    unknown = sorted(set(item) - {"name", "column", "kind", "value", "other", "fill"})
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}")
    for key in ("name", "column"):
        expect(_short_text(item.get(key)) and item.get(key) != "", f"{where}.{key}", "a non-empty short text")
    kind = item.get("kind")
    expect(kind in ("number", "binary", "category"), f"{where}.kind", "'number', 'binary' or 'category'")
    if kind in ("binary", "category"):
        expect(_short_text(item.get("value")), f"{where}.value", "a short text")
    if kind == "binary":
        expect(_short_text(item.get("other")), f"{where}.other", "a short text")
    fill = item.get("fill")
    expect(fill is None or is_finite(fill, MAX_NUMBER), f"{where}.fill", "a finite number or absent")
    return InputSpec(
        item["name"], item["column"], kind, item.get("value"), item.get("other"),
        None if fill is None else float(fill),
    )


def _vector(value, n: int, where: str) -> np.ndarray:
    expect(isinstance(value, list) and len(value) == n and all(is_finite(v, MAX_NUMBER) for v in value), where,
            f"a list of {n} finite numbers")
    return np.array(value, dtype=float)



def _short_text(v) -> bool:
    return isinstance(v, str) and len(v) <= MAX_TEXT


