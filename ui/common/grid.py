"""The plane a decision boundary is drawn on: two inputs across the data's range, padded by 8 % each side, every
other input held at a value, and the training points near it. The main page's slices, the Compare, Classify and
Learn pages all use it."""

from __future__ import annotations

import numpy as np

PAD = 0.08  # of the range, each side


def axis_range(values: np.ndarray) -> tuple[float, float]:
    """The values' range padded by ``PAD`` of it each side (by ``PAD`` when the values are all equal)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = PAD * (hi - lo or 1.0)
    return lo - pad, hi + pad


def axis(values: np.ndarray, count: int) -> np.ndarray:
    """``count`` evenly spaced points over the values' padded range."""
    return np.linspace(*axis_range(values), count)


def plane(fixed: np.ndarray, x_input: int, y_input: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows (len(y) · len(x), d) of ``fixed`` with inputs ``x_input`` and ``y_input`` set to every point of the grid,
    x varying along a row: reshaped to (len(y), len(x)) a result lies as the grid does."""
    gx, gy = np.meshgrid(x, y)
    rows = np.tile(np.asarray(fixed, dtype=float), (gx.size, 1))
    rows[:, x_input], rows[:, y_input] = gx.ravel(), gy.ravel()
    return rows


def points_near(X: np.ndarray, y: np.ndarray, fixed: np.ndarray, free: tuple[int, int], width: np.ndarray,
                limit: int = 400) -> dict:
    """Training points whose held inputs are within ±width of the slice's values (at most ``limit``)."""
    held = [i for i in range(X.shape[1]) if i not in free]
    near = np.all(np.abs(X[:, held] - fixed[held]) <= width[held], axis=1) if held else np.ones(len(X), bool)
    idx = np.flatnonzero(near)[:limit]
    return {"x": X[idx, free[0]].round(4).tolist(), "y": X[idx, free[1]].round(4).tolist(),
            "label": y[idx].astype(int).tolist()}
