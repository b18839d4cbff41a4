"""The Playground's landscape view, as the browser is sent it: whether this run gets one, when its map is due, and
the map itself — the loss over the plane of the run's path, the path, the initial-to-final line — computed on the
server once a run is recorded (a few times more while a long recording grows: ``due``), each time within
``limits.LIVE_LANDSCAPE_WORK`` (``recorded``), on a thread of its own (``Maps``): no render waits for it. The browser
moves the marker along the path on every frame. Plain Python: no streamlit.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from mlp_core.architecture import Architecture
from ui.common.figures import OURS, SKLEARN
from ui.landscape import figures, recorded
from ui.session.recording import Recording
from ui.settings import limits

DIGITS = 5  # significant digits of the numbers sent: the map and the path are drawn, not computed with


def view_spec(recording: Recording, rows: int) -> dict:
    """The view's part of the specs: the grid's side, or why no landscape of this run is drawn live."""
    parameters = recording.architecture.size
    problem = limits.landscape_problem(parameters, rows, limits.LIVE_LANDSCAPE_WORK)
    if problem:
        return {"problem": f"Not drawn live for this run: {problem}; or open the Landscape page, which may take "
                           "longer."}
    return {"problem": None, "grid": limits.landscape_grid(parameters, rows, limits.LIVE_LANDSCAPE_WORK)}


def due(run_id: str, recording: Recording, playing: bool, have: str | None = None) -> str | None:
    """The key of the landscape map the browser should have now, ``have`` the one it has: of the epochs recorded so
    far, once the recording is complete or paused; while it grows under a playback, each time the epochs recorded
    have doubled since the map it has (a handful of maps a run, not one a second, each within the view's work);
    None when none is due."""
    last = recording.n_epochs - 1
    if last < 1:
        return None
    key = f"{run_id}:{last}"
    if playing and not recording.done and same_run(have, run_id) and last < 2 * int(have.rpartition(":")[2]):
        return None
    return key


def same_run(key: str | None, run_id: str) -> bool:
    """Whether a landscape ``key`` (``due``'s) is of run ``run_id``."""
    return isinstance(key, str) and key.rpartition(":")[0] == run_id


def _numbers(values) -> list:
    """Rounded for the wire; a loss that overflowed (a diverging run, far from its path) is sent as None."""
    values = np.asarray(values, dtype=float)
    if values.ndim > 1:
        return [_numbers(row) for row in values]
    return [float(f"{v:.{DIGITS}g}") if np.isfinite(v) else None for v in values]


class Maps:
    """One session's landscape maps, computed on the server's landscape thread (one for every visitor: at most one
    core): the last one started, underway or done."""

    def __init__(self):
        self.key: str | None = None
        self.future: Future | None = None

    def map_for(self, key: str, have: str | None, recording: Recording, X, y) -> dict | None:
        """A map of ``key``'s run that the browser, which has ``have``, lacks: one computed and not yet sent (of the
        epochs recorded when it started: a growing recording does not restart it), or None while one is underway —
        then ``key``'s is started when none of this run is. Read under the session's lock (``path_weights``)."""
        run = key.rpartition(":")[0]
        if self.future is not None and same_run(self.key, run):
            if not self.future.done():
                return None
            if self.key != have:
                return self.future.result()
        if self.future is not None:
            self.future.cancel()  # another run's, not started yet
        epochs, thetas = recorded.path_weights(recording)
        self.key = key
        self.future = _WORKER.submit(landscape_map, key, recording.architecture, recording.config.alpha, epochs,
                                     thetas, X, y)
        return None


_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landscape")


def landscape_map(key: str, architecture: Architecture, alpha: float, epochs, thetas, X, y) -> dict:
    """The map of a run's path (``recorded.path_weights``) on the training data (X, y), as the view draws it: grid
    coordinates ``x``, ``y`` and ``loss`` (rows along y), the axes' titles (with the explained-variance shares), the
    path (one point per epoch of ``epochs``) and the profile along the initial-to-final line; or ``problem`` when
    there is none."""
    try:
        shown, (a, line) = recorded.run_landscape(architecture, epochs, thetas, X, y, alpha,
                                                  budget=limits.LIVE_LANDSCAPE_WORK)
    except ValueError as exc:
        return {"key": key, "problem": f"No landscape yet: {exc}."}
    return {
        "key": key,
        "x": _numbers(shown.x), "y": _numbers(shown.y), "loss": _numbers(shown.loss),
        "titles": [figures.axis_title(shown, k) for k in (0, 1)],
        "colors": {"map": figures.LOSS_SCALE, "path": OURS, "marker": SKLEARN},
        "epochs": [int(e) for e in shown.epochs],
        "path": {"a": _numbers(shown.path[:, 0]), "b": _numbers(shown.path[:, 1])},
        "profile": {"a": _numbers(a), "loss": _numbers(line), "log": figures.profile_log(line),
                    "title": figures.PROFILE_AXIS},
    }
