"""The loss landscape around a training run: the training loss over a plane through the weights, and along the line
from the initial to the final weights.

Two planes through the final weights θ_f, as Li et al. ("Visualizing the Loss Landscape of Neural Nets", NeurIPS
2018) draw them: the trajectory's own principal directions (``trajectory_plane``: PCA of θ_t − θ_f over the recorded
epochs, with the share of the squared distances to θ_f each direction explains), or two filter-normalized random
directions (``random_plane``). ``profile`` is Goodfellow et al.'s 1-D view ("Qualitatively characterizing neural
network optimization problems", ICLR 2015): the loss along (1 − a)·θ_0 + a·θ_f.

The loss is the training loss of the weights over every training row, L2 term included, as training reports a
full batch's loss (``LossFunction``), computed by the same compiled pass training runs (``kernels``). Weights are
flat parameter vectors θ of shape (P,), laid out as ``Architecture`` says; a trajectory is (T, P), oldest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import kernels
from .architecture import Architecture
from .network import l2_penalty

GRID_POINTS = 41  # points a side of a landscape's grid
PROFILE_POINTS = 61  # points along the initial-to-final line, from a = −0.25 to 1.25
MARGIN = 0.2  # of the path's extent, added each side of a trajectory plane's grid


class LossFunction:
    """The training loss at any weights θ (P,): the mean log loss over the rows of X (n, d) with labels y (n,), plus
    scikit-learn's L2 term (α / 2n)·Σ‖W‖² — the loss training reports for one full batch."""

    def __init__(self, X, y, architecture: Architecture, alpha: float = 0.0):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.y = np.ascontiguousarray(y, dtype=float).ravel()
        self.architecture, self.alpha = architecture, float(alpha)
        self._partial = np.zeros((kernels.N_CHUNKS, architecture.size + 1))
        self._units = sum(architecture.units)

    def __call__(self, theta: np.ndarray) -> float:
        arch, n = self.architecture, len(self.y)
        theta = np.ascontiguousarray(theta, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            sums = kernels.loss_and_gradient_sums(self.X, self.y, 0, n, theta, arch.table, arch.code, self._units,
                                                  self._partial)
            loss = float(sums[-1] / n)
            if self.alpha:
                loss += l2_penalty(arch.coefs(theta), self.alpha, n)
        return loss


@dataclass(frozen=True)
class Plane:
    """A plane through ``origin`` (P,) spanned by ``directions`` (2, P). ``shares``: for a trajectory plane, the share
    of the squared distances of the trajectory's weights to the origin that each direction explains; NaN for random
    directions. ``kind``: "pca" or "random"."""

    origin: np.ndarray
    directions: np.ndarray
    shares: np.ndarray
    kind: str

    def project(self, thetas: np.ndarray) -> np.ndarray:
        """Coordinates (T, 2) of the weights ``thetas`` (T, P) projected orthogonally on the plane."""
        offsets = np.atleast_2d(thetas) - self.origin
        if self.kind == "pca":  # orthonormal directions: the coordinates are dot products
            return offsets @ self.directions.T
        gram = self.directions @ self.directions.T
        return np.linalg.solve(gram, self.directions @ offsets.T).T

    def point(self, a: float, b: float) -> np.ndarray:
        """The weights at coordinates (a, b): origin + a·d₁ + b·d₂."""
        return self.origin + a * self.directions[0] + b * self.directions[1]


def trajectory_plane(thetas: np.ndarray, origin: np.ndarray | None = None) -> Plane:
    """The plane through ``origin`` (by default the last row of ``thetas``, the final weights) spanned by the first
    two principal directions of the rows of ``thetas`` (T, P) minus the origin.

    The PCA is taken about the origin (the singular vectors of the offsets θ_t − θ_f, not centred on their mean), so
    that the plane passes through the final weights and ``shares`` are exact: the squared distances of the projected
    points to their weights add up to (1 − shares.sum()) of Σ‖θ_t − θ_f‖². Each direction's sign makes the first
    row's coordinate negative or zero, so the path arrives at the origin from the left and from below. Raises
    ValueError when no row differs from the origin (nothing to find directions in)."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    origin = thetas[-1] if origin is None else np.asarray(origin, dtype=float)
    offsets = thetas - origin
    if len(offsets) < 2 or not np.any(offsets):
        raise ValueError("the weights have not moved from where they ended: train at least one epoch first")
    _, singular, vt = np.linalg.svd(offsets, full_matrices=False)
    directions = vt[:2].copy()
    first = offsets[0] @ directions.T
    directions[first > 0] *= -1.0
    power = singular**2
    shares = power[:2] / power.sum()
    return Plane(origin.copy(), directions, shares, "pca")


def filter_normalized_directions(theta: np.ndarray, architecture: Architecture, seed: int, count: int = 2):
    """``count`` random directions (count, P) for the weights θ, filter-normalized as Li et al. do it: Gaussian, then
    each unit's incoming weights (a column of its layer's W, the unit's "filter") rescaled to the norm of that unit's
    weights in θ; the biases' entries are zero (Li et al. leave biases out of the directions). Seeded, so a seed
    gives the same directions."""
    rng = np.random.RandomState(seed)
    out = np.zeros((count, architecture.size))
    for k in range(count):
        d = rng.standard_normal(architecture.size)
        for W, D in zip(architecture.coefs(theta), architecture.coefs(d), strict=True):
            norms = np.linalg.norm(D, axis=0)
            D *= np.linalg.norm(W, axis=0) / np.where(norms > 0, norms, 1.0)
        d[architecture.weight_mask == 0] = 0.0
        out[k] = d
    return out


def random_plane(theta: np.ndarray, architecture: Architecture, seed: int) -> Plane:
    """The plane through θ spanned by two filter-normalized random directions (not orthogonalized, as in Li et al.;
    in many dimensions two random directions are nearly orthogonal)."""
    directions = filter_normalized_directions(theta, architecture, seed)
    if not np.any(directions[0]) or not np.any(directions[1]):
        raise ValueError("every weight is zero, so filter-normalized directions have no length")
    return Plane(np.asarray(theta, dtype=float).copy(), directions, np.full(2, np.nan), "random")


def axis_through_zero(low: float, high: float, points: int) -> np.ndarray:
    """``points`` evenly spaced coordinates covering about [low, high] (low ≤ 0 ≤ high), one of them exactly 0, so
    that the grid holds the plane's origin itself and not a point a rounding away from it."""
    step = (high - low) / (points - 1)
    first = min(0, max(-(points - 1), round(low / step)))
    return (first + np.arange(points)) * step


def path_extent(coords: np.ndarray, margin: float = MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    """The ranges of the two axes that hold the path's coordinates (T, 2) and the origin, widened by ``margin`` of
    the extent each side; an axis the path hardly spans gets at least a quarter of the other's extent."""
    low = np.minimum(coords.min(axis=0), 0.0)
    high = np.maximum(coords.max(axis=0), 0.0)
    span = high - low
    widest = float(span.max()) or 1.0
    pad = np.maximum(span, 0.25 * widest) - span
    low, high = low - pad / 2, high + pad / 2
    span = high - low
    return ((float(low[0] - margin * span[0]), float(high[0] + margin * span[0])),
            (float(low[1] - margin * span[1]), float(high[1] + margin * span[1])))


def loss_grid(loss: LossFunction, plane: Plane, x: np.ndarray, y: np.ndarray,
              report: Callable[[float], None] | None = None) -> np.ndarray:
    """The loss at every point of the grid, shape (len(y), len(x)): row i at coordinate y[i] along the second
    direction. ``report(share)`` is called after each row (a progress bar; where a page's work can be stopped)."""
    out = np.empty((len(y), len(x)))
    for i, b in enumerate(y):
        row = plane.origin + b * plane.directions[1]
        for j, a in enumerate(x):
            out[i, j] = loss(row + a * plane.directions[0])
        if report is not None:
            report((i + 1) / len(y))
    return out


@dataclass(frozen=True)
class Landscape:
    """The loss over a plane: ``loss`` (len(y), len(x)) at coordinates ``x`` along the first direction and ``y``
    along the second; the path of ``epochs`` (T,) projected on the plane (``path``, (T, 2)) and its distance from the
    plane (``off_plane``, (T,): the norm of what the projection leaves out)."""

    plane: Plane
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    epochs: np.ndarray
    path: np.ndarray
    off_plane: np.ndarray

    @property
    def origin_index(self) -> tuple[int, int]:
        """(row, column) of the grid point at the plane's origin."""
        return int(np.flatnonzero(self.y == 0)[0]), int(np.flatnonzero(self.x == 0)[0])


def landscape(loss: LossFunction, plane: Plane, thetas: np.ndarray, epochs, points: int = GRID_POINTS,
              report: Callable[[float], None] | None = None) -> Landscape:
    """The loss over ``plane`` on a grid of ``points`` × ``points`` around the path of ``thetas`` (T, P) (epochs
    ``epochs``): a trajectory plane's grid covers the path, a random plane's the square [−1, 1]² (Li et al.'s
    units: 1 is a step as long as each unit's weights)."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    coords = plane.project(thetas)
    if plane.kind == "pca":
        x_range, y_range = path_extent(coords)
    else:
        x_range = y_range = (-1.0, 1.0)
    x, y = axis_through_zero(*x_range, points), axis_through_zero(*y_range, points)
    rebuilt = plane.origin + coords @ plane.directions
    off = np.linalg.norm(thetas - rebuilt, axis=1)
    return Landscape(plane, x, y, loss_grid(loss, plane, x, y, report), np.asarray(epochs), coords, off)


def trajectory_landscape(X, y, architecture: Architecture, alpha: float, thetas: np.ndarray, epochs,
                         points: int = GRID_POINTS, report: Callable[[float], None] | None = None) -> Landscape:
    """A recorded run's landscape in one call: the training loss of (X, y) over the plane of its trajectory's
    principal directions through its final weights (the last row of ``thetas``), with the path of ``epochs``."""
    thetas = np.atleast_2d(np.asarray(thetas, dtype=float))
    return landscape(LossFunction(X, y, architecture, alpha), trajectory_plane(thetas), thetas, epochs, points, report)


def profile(loss: LossFunction, initial: np.ndarray, final: np.ndarray, points: int = PROFILE_POINTS,
            low: float = -0.25, high: float = 1.25) -> tuple[np.ndarray, np.ndarray]:
    """Goodfellow et al.'s profile: a (points,) from ``low`` to ``high`` and the loss at θ_f + (1 − a)(θ_0 − θ_f),
    the initial weights at a = 0 and exactly the final ones at a = 1 (both points lie on the grid of a)."""
    initial, final = np.asarray(initial, dtype=float), np.asarray(final, dtype=float)
    a = 1.0 + axis_through_zero(low - 1.0, high - 1.0, points)  # 0 on the axis is a = 1: the final weights exactly
    toward_initial = initial - final
    return a, np.array([loss(final + (1.0 - t) * toward_initial) for t in a])
