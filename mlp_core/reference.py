"""The real row the views hold their other inputs at.

A slice shows p over two inputs with every other input held at one value each. Holding them at their means
draws a case that cannot exist (a 0/1 input at 0.37, a one-hot group with three categories at a third each).
Holding them at a real row keeps every 0/1 input at 0 or 1 and every one-hot group with exactly one category
set. The default row is the training row closest to the medians, distances measured in units of each input's
spread, so that every input counts alike.
"""

from __future__ import annotations

import numpy as np


def reference_row(X: np.ndarray) -> int:
    """The index of the row of X (n, d) closest to the column medians, each column divided by its standard
    deviation (1 for a constant column); the first such row on ties."""
    X = np.asarray(X, dtype=float)
    spread = X.std(axis=0)
    spread[spread == 0] = 1.0
    distance = np.sum(((X - np.median(X, axis=0)) / spread) ** 2, axis=1)
    return int(np.argmin(distance))
