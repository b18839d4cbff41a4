"""Turn the chosen data (a teaching dataset or an uploaded CSV) into standardized train and test splits."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mlp_core.csv_inputs import LoadedCSV
from mlp_core.datasets import make_dataset, stratified_split
from mlp_core.preprocessing import Preprocessing, standardization
from ui.settings.experiment import DataSettings


@dataclass(frozen=True)
class Prepared:
    """Train and test splits in original units (X_*) and standardized (Z_*), with what they mean."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]  # the names of y's indices: (negative, positive) for two classes, else all k
    title: str
    preprocessing: Preprocessing | None = None  # for CSV data: how to score new files
    notices: tuple[str, ...] = ()

    # Standardized once, at first use; the recording trains on these very arrays.
    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @cached_property
    def Z_train(self) -> np.ndarray:
        return (self.X_train - self.mean) / self.scale

    @cached_property
    def Z_test(self) -> np.ndarray:
        return (self.X_test - self.mean) / self.scale


def synthetic(config: DataSettings) -> Prepared:
    ds = make_dataset(config.dataset, n=config.n, noise=config.noise, seed=config.seed)
    X_train, X_test, y_train, y_test = stratified_split(ds.X, ds.y, test_size=config.test_size, seed=config.seed)
    mean, scale = standardization(X_train)
    return Prepared(X_train, X_test, y_train, y_test, mean, scale, tuple(ds.feature_names), ("class 0", "class 1"),
                    ds.spec.title)


def from_csv(loaded: LoadedCSV, test_size: float, seed: int, title: str) -> Prepared:
    """Split a loaded CSV (stratified) and fit the standardization on the training part only."""
    X_train, X_test, y_train, y_test = stratified_split(loaded.X, loaded.y, test_size=test_size, seed=seed)
    pre = loaded.preprocessing.fitted(X_train)
    return Prepared(X_train, X_test, y_train, y_test, pre.mean, pre.scale, tuple(pre.feature_names),
                    tuple(str(c) for c in pre.classes), title, pre, tuple(loaded.report["notices"]))


def majority_baseline(data: Prepared) -> tuple[str, float]:
    """The training split's majority class and the test accuracy of always guessing it (the first on ties)."""
    majority = int(np.argmax(np.bincount(data.y_train.astype(int), minlength=data.n_classes)))
    return data.class_names[majority], float(np.mean(data.y_test == majority))
