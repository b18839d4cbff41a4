"""A session's run as a landscape takes it: the run recorded to its end when that fits in the page's work, the
epochs whose weights make its path, the landscape of that path within the work limits; and a race on the session's
data. The Playground's landscape view can call ``path_weights`` and ``run_landscape`` on its recording too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp_core import landscape as core
from mlp_core.architecture import Architecture
from mlp_core.network import layer_units
from mlp_core.race import Contender, race, race_landscape
from ui.session.recording import Recording, one_thread
from ui.settings import limits


def record_rest(recording: Recording, rows: int, batch_size: int | None) -> bool:
    """Record the rest of the run when it fits in the page's work (``limits.record_epochs``); whether it is complete."""
    if not recording.done:
        most = limits.record_epochs(recording.architecture.size, rows, batch_size)
        if recording.config.max_iter - recording.last.epoch <= most:
            recording.extend()
    return recording.done


def path_weights(recording: Recording) -> tuple[np.ndarray, np.ndarray]:
    """The epochs (T,) whose weights make the path, and their weights (T, P): the kept keyframes (every epoch of a
    small network's run) and the last recorded epoch, evenly thinned to at most ``limits.path_epochs`` (the first and
    the last always kept). Read it under the session's lock: a click elsewhere may be extending the recording."""
    kept = np.array(sorted({*recording.keyframes, recording.n_epochs - 1}))
    most = limits.path_epochs(recording.architecture.size)
    if len(kept) > most:
        kept = kept[np.unique(np.round(np.linspace(0, len(kept) - 1, most)).astype(int))]
    return kept, np.array([recording.snapshot(int(e)).params for e in kept])


def run_landscape(architecture: Architecture, epochs: np.ndarray, thetas: np.ndarray, X, y, alpha: float,
                  kind: str = "pca", seed: int = 0, report: Callable[[float], None] | None = None,
                  budget: float = limits.LANDSCAPE_WORK / 2) -> tuple[core.Landscape, tuple[np.ndarray, np.ndarray]]:
    """The landscape of a run's path (``path_weights``) over the plane of its principal directions (``kind`` "pca")
    or of two filter-normalized random directions (``kind`` "random", with ``seed``) through its last weights, on the
    grid the work limits allow (``budget``: the page's; the Playground's view has less); and Goodfellow et al.'s
    profile from its initial to those weights ``(a, loss)``. Raises ValueError when no grid fits
    (``limits.landscape_problem`` says why) or the weights never moved."""
    problem = limits.landscape_problem(architecture.size, len(X), budget)
    if problem:
        raise ValueError(problem)
    loss = core.LossFunction(X, y, architecture, alpha)
    plane = core.trajectory_plane(thetas) if kind == "pca" else core.random_plane(thetas[-1], architecture, seed)
    with one_thread():  # as training on the server: the cores are shared with the other visitors
        shown = core.landscape(loss, plane, thetas, epochs, limits.landscape_grid(architecture.size, len(X), budget),
                               report)
        return shown, core.profile(loss, thetas[0], thetas[-1])


def race_of(X, y, config, field: tuple[Contender, ...], report: Callable[[float], None] | None = None):
    """The race on the session's data (``config``: the session's settings, its epochs within the page's work): its
    laps, their shared landscape (each path projected on it) or None, and why None (no landscape fits, or no
    weights moved)."""
    report = report or (lambda share: None)
    arch = Architecture(layer_units(X.shape[1], config.hidden_layer_sizes), config.activation)
    with one_thread():
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
