"""Synthetic two-class datasets in three inputs, sized for the article's 3 → 3 → 2 → 1 network.

Each generator is a pure function ``(n, noise, seed) -> (X, y)``: X float64 of shape (n, 3), y int 0/1
of shape (n,), the same arrays for the same arguments. Every dataset has ``n // 2`` samples of class 0
and the rest of class 1, in shuffled order, with features roughly within [-3, 3] so that the default
learning rate works without scaling.

``noise`` (0 to 1) means the same thing everywhere: each clean point is labelled by the dataset's rule,
then every feature is moved by Gaussian jitter of standard deviation ``noise``, in feature units (the
clean data spans about [-2.5, 2.5]). At 0 the labels follow the rule exactly; at 1 the classes overlap
widely.
The jitter is drawn last, so for one seed the clean points and the labels do not depend on ``noise``.

``DATASETS`` lists them by key; ``make_dataset`` validates its arguments and builds one;
``stratified_split`` cuts any labelled data into a train and a test part.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .checks import is_int

N_MIN, N_MAX = 20, 100_000
FEATURE_NAMES = ("x1", "x2", "x3")


def _balanced(rng, n, draw, rule) -> tuple[np.ndarray, np.ndarray]:
    """Clean points (n, 3) and labels (n,) with exactly n // 2 of class 0, by drawing and sorting out.

    ``draw(rng, m)`` returns m candidate points (m, 3); ``rule(X)`` labels them 0/1. Drawing until both
    quotas are full keeps the classes balanced even where the rule's regions differ in size.
    """
    quota = (n // 2, n - n // 2)
    kept = ([], [])
    counts = [0, 0]
    while counts[0] < quota[0] or counts[1] < quota[1]:
        X = draw(rng, n)
        y = rule(X)
        for c in (0, 1):
            take = X[y == c][: quota[c] - counts[c]]
            kept[c].append(take)
            counts[c] += len(take)
    X = np.concatenate([*kept[0], *kept[1]])
    y = np.repeat([0, 1], quota)
    return _shuffled(rng, X, y)


def _shuffled(rng, X, y) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order]


def _jittered(rng, X, noise) -> np.ndarray:
    return X + noise * rng.standard_normal(X.shape)


def _uniform_cube(rng, m) -> np.ndarray:
    return rng.uniform(-2.0, 2.0, (m, 3))


def _unit_directions(rng, m) -> np.ndarray:
    v = rng.standard_normal((m, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# A normal that involves all three inputs, so that no single input decides alone.
PLANE_NORMAL = np.array([1.0, -2.0, 1.5]) / math.sqrt(1.0 + 4.0 + 2.25)


def plane(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in the cube [-2, 2]³, class 1 on one side of a tilted plane through the origin."""
    rng = np.random.default_rng(seed)
    X, y = _balanced(rng, n, _uniform_cube, lambda X: (X @ PLANE_NORMAL > 0).astype(int))
    return _jittered(rng, X, noise), y


# Centres of the eight octant clusters sit at (±1.2, ±1.2, ±1.2); their spread keeps them apart.
OCTANT_CENTRE, OCTANT_SPREAD = 1.2, 0.4


def _octant_clusters(rng, m) -> np.ndarray:
    return OCTANT_CENTRE * rng.choice([-1.0, 1.0], (m, 3)) + OCTANT_SPREAD * rng.standard_normal((m, 3))


def xor(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """3-D parity: class 1 where an odd number of coordinates is positive.

    Points come from eight Gaussian clusters, one per octant, rather than uniformly from the cube: the
    labels are still the parity of the signs, but the checkerboard is visible and the gaps between
    octants give the tiny network a chance: on points uniform in the cube it stays near 65 % accuracy.
    """
    rng = np.random.default_rng(seed)
    X, y = _balanced(rng, n, _octant_clusters, lambda X: (np.sum(X > 0, axis=1) % 2).astype(int))
    return _jittered(rng, X, noise), y


def spheres(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 fills a ball of radius 1; class 0 a shell of radii 1.6 to 2.4 around it."""
    rng = np.random.default_rng(seed)
    n0 = n // 2
    radius = np.concatenate([rng.uniform(1.6, 2.4, n0), rng.uniform(0.0, 1.0, n - n0)])
    X = radius[:, None] * _unit_directions(rng, n)
    X, y = _shuffled(rng, X, np.repeat([0, 1], (n0, n - n0)))
    return _jittered(rng, X, noise), y


# Turns the moons' plane by 45° about the x1 axis, so that x2 and x3 both carry the second coordinate.
_R = 1.0 / math.sqrt(2.0)
MOONS_ROTATION = np.array([[1.0, 0.0, 0.0], [0.0, _R, _R], [0.0, _R, -_R]])


def moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons, as scikit-learn's ``make_moons``, 1.0 thick and tilted into 3-D.

    Drawn in coordinates (u, v, w): the moons in (u, v), centred and scaled by 1.5, and w uniform in
    [-0.5, 0.5]; then x = (u, (v + w)/√2, (v − w)/√2).
    """
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t = rng.uniform(0.0, math.pi, n)
    upper = np.column_stack([np.cos(t[:n0]), np.sin(t[:n0])])
    lower = np.column_stack([1.0 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])])
    uv = 1.5 * (np.concatenate([upper, lower]) - [0.5, 0.25])
    uvw = np.column_stack([uv, rng.uniform(-0.5, 0.5, n)])
    X, y = _shuffled(rng, uvw @ MOONS_ROTATION.T, np.repeat([0, 1], (n0, n - n0)))
    return _jittered(rng, X, noise), y


# Each class sits at ±centre: the two classes' clusters are point-symmetric, so no plane separates them.
BLOB_CENTRES = np.array([[1.4, 1.4, 0.8], [1.4, -1.4, -0.8]])
BLOB_SPREAD = 0.35


def blobs(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clusters (spread 0.35): class 0 around ±(1.4, 1.4, 0.8), class 1 around ±(1.4, −1.4, −0.8)."""
    rng = np.random.default_rng(seed)
    n0 = n // 2
    y = np.repeat([0, 1], (n0, n - n0))
    sign = rng.choice([-1.0, 1.0], n)
    X = sign[:, None] * BLOB_CENTRES[y] + BLOB_SPREAD * rng.standard_normal((n, 3))
    X, y = _shuffled(rng, X, y)
    return _jittered(rng, X, noise), y


def noise_input(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-2, 2]³; class 1 above the V-shaped boundary x2 = 2|x1| − 1, whatever x3."""
    rng = np.random.default_rng(seed)
    X, y = _balanced(rng, n, _uniform_cube, lambda X: (X[:, 1] > 2.0 * np.abs(X[:, 0]) - 1.0).astype(int))
    return _jittered(rng, X, noise), y


@dataclass(frozen=True)
class DatasetSpec:
    """One entry of the registry: a generator and what it is for. How well the article's network learns each
    is measured against scikit-learn's own network by ``tests/test_datasets.py``, not stated here."""

    key: str
    title: str
    teaches: str
    generate: Callable[[int, float, int], tuple[np.ndarray, np.ndarray]]
    default_noise: float


DATASETS: dict[str, DatasetSpec] = {
    spec.key: spec
    for spec in (
        DatasetSpec(
            "plane", "Plane (linearly separable)",
            "A single plane separates the classes: a network with no hidden layer already solves it.",
            plane, 0.1,
        ),
        DatasetSpec(
            "xor", "XOR of octants (3-D parity)",
            "Neighbouring octants alternate like a 3-D checkerboard, which the 3-2 network can only just "
            "draw, so training often settles with an octant or two wrong (about 75 %).",
            xor, 0.1,
        ),
        DatasetSpec(
            "spheres", "Ball inside a shell",
            "Fencing in a ball needs a closed boundary, and three first-layer ReLUs give only a few flat "
            "faces, so some of the shell leaks in.",
            spheres, 0.1,
        ),
        DatasetSpec(
            "moons", "Interleaved moons, tilted",
            "A plane already gets about 90 % of the hooked arcs right, and the rest needs the bent boundary "
            "that hidden units piece together from flat faces.",
            moons, 0.1,
        ),
        DatasetSpec(
            "blobs", "Blobs, two per class",
            "Each class is two clusters on opposite sides of the origin, so no plane separates them, but "
            "two hidden ReLUs, each firing for one cluster of the same class, do.",
            blobs, 0.1,
        ),
        DatasetSpec(
            "noise_input", "V shape; x3 is noise",
            "Only x1 and x2 decide the class, so the network must learn to give x3 almost no weight.",
            noise_input, 0.1,
        ),
    )
}


@dataclass(frozen=True)
class Dataset:
    """A generated dataset: ``X`` (n, 3) float64, ``y`` (n,) int 0/1, and the spec that made it."""

    key: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    spec: DatasetSpec



def make_dataset(key: str, n: int = 400, noise: float | None = None, seed: int = 0) -> Dataset:
    """Generate dataset ``key`` with ``n`` samples; ``noise=None`` takes the dataset's default.

    Raises ``ValueError`` naming the bad argument.
    """
    if not (isinstance(key, str) and key in DATASETS):
        raise ValueError(f"unknown dataset {key!r}; choose one of {', '.join(DATASETS)}")
    if not (is_int(n) and N_MIN <= n <= N_MAX):
        raise ValueError(f"n must be an integer between {N_MIN} and {N_MAX}, got {n!r}")
    spec = DATASETS[key]
    if noise is None:
        noise = spec.default_noise
    if isinstance(noise, bool) or not isinstance(noise, Real) or not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be a number between 0 and 1, got {noise!r}")
    if not (is_int(seed) and seed >= 0):
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    X, y = spec.generate(int(n), float(noise), int(seed))
    return Dataset(key, X, y, FEATURE_NAMES, spec)


def stratified_split(
    X, y, test_size: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split X (n, d) and y (n,) into ``X_train, X_test, y_train, y_test``, class by class.

    Each class sends ``round(test_size × its count)`` samples to the test part, clamped so that both
    parts get at least one; rows keep their original order. Raises ``ValueError`` when ``test_size`` is
    not strictly between 0 and 1 or a class has fewer than two samples.
    """
    if isinstance(test_size, bool) or not isinstance(test_size, Real) or not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a number strictly between 0 and 1, got {test_size!r}")
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    if len(classes) == 0 or counts.min() < 2:
        few = "no samples" if len(classes) == 0 else f"class {classes[counts.argmin()].item()!r} has {counts.min()}"
        raise ValueError(f"stratified_split needs at least 2 samples of every class, {few}")
    rng = np.random.default_rng(seed)
    is_test = np.zeros(len(y), dtype=bool)
    for c, count in enumerate(counts):
        members = np.flatnonzero(codes == c)
        k = min(max(round(test_size * count), 1), count - 1)
        is_test[rng.choice(members, k, replace=False)] = True
    return X[~is_test], X[is_test], y[~is_test], y[is_test]
