"""A session's recorded run as a landscape takes it: the run recorded to its end when that fits in the page's work,
the epochs whose weights make its path, and the landscape of that path — computed once per run and plane, and
remembered in the session. The Playground's landscape view can call ``run_landscape`` on the same recording.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp_core import landscape as core
from mlp_core.architecture import Architecture
from mlp_core.network import layer_units
from mlp_core.race import Contender, race, race_landscape
from ui.session.recording import Recording
from ui.settings import limits


def record_rest(recording: Recording, rows: int, batch_size: int | None) -> bool:
    """Record the rest of the run when it fits in the page's work (``limits.record_epochs``); whether it is complete."""
    if not recording.done:
        most = limits.record_epochs(recording.architecture.size, rows, batch_size)
        if recording.config.max_iter - recording.last.epoch <= most:
            recording.extend()
    return recording.done


def path_epochs(recording: Recording) -> np.ndarray:
    """The epochs whose weights make the path: the kept keyframes (every epoch of a small network's run) and the last
    recorded epoch, evenly thinned to at most ``limits.path_epochs`` (the first and the last always kept)."""
    kept = np.array(sorted({*recording.keyframes, recording.n_epochs - 1}))
    most = limits.path_epochs(recording.architecture.size)
    if len(kept) <= most:
        return kept
    return kept[np.unique(np.round(np.linspace(0, len(kept) - 1, most)).astype(int))]


def run_landscape(recording: Recording, X, y, alpha: float, kind: str = "pca", seed: int = 0,
                  report: Callable[[float], None] | None = None) -> tuple[core.Landscape, tuple[np.ndarray, ...]]:
    """The landscape of a recorded run over the plane of its path (``kind`` "pca") or of two filter-normalized
    random directions (``kind`` "random", with ``seed``) through its last recorded weights, on the grid the work
    limits allow; and Goodfellow et al.'s profile from its initial to those weights ``(a, loss)``. Raises ValueError
    when the weights never moved, or when no grid fits (``limits.landscape_problem`` says why)."""
    arch = recording.architecture
    problem = limits.landscape_problem(arch.size, len(X))
    if problem:
        raise ValueError(problem)
    epochs = path_epochs(recording)
    thetas = np.array([recording.snapshot(int(e)).params for e in epochs])
    loss = core.LossFunction(X, y, arch, alpha)
    plane = (core.trajectory_plane(thetas) if kind == "pca" else core.random_plane(thetas[-1], arch, seed))
    points = limits.landscape_grid(arch.size, len(X))
    shown = core.landscape(loss, plane, thetas, epochs, points, report)
    return shown, core.profile(loss, thetas[0], thetas[-1])


def race_of(X, y, config, field: tuple[Contender, ...], report: Callable[[float], None] | None = None):
    """The race on the session's data (``config``: the session's settings, its epochs within the page's work): its
    laps, their shared landscape (each path projected on it) or None, and why None (no landscape fits, or no
    weights moved)."""
    report = report or (lambda share: None)
    arch = Architecture(layer_units(X.shape[1], config.hidden_layer_sizes), config.activation)
    laps = race(X, y, config, field, kept=max(2, limits.path_epochs(arch.size) // len(field)),
                report=lambda share: report(0.7 * share))
    problem = limits.landscape_problem(arch.size, len(X))
    if problem:
        return laps, None, problem
    try:
        shared = race_landscape(core.LossFunction(X, y, arch, config.alpha), laps,
                                limits.landscape_grid(arch.size, len(X)), lambda share: report(0.7 + 0.3 * share))
    except ValueError as exc:
        return laps, None, str(exc)
    return laps, shared, None
