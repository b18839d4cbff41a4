"""The Playground's landscape view, as the browser is sent it: whether this run gets one, when its map is due, and
the map itself — the loss over the plane of the run's path, the path, the initial-to-final line — computed once per
run on the server (``recorded``, within ``limits.LIVE_LANDSCAPE_WORK``). The browser moves the marker along the path
on every frame. Plain Python: no streamlit.
"""

from __future__ import annotations

import numpy as np

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


def due(run_id: str, recording: Recording, playing: bool) -> str | None:
    """The key of the landscape the browser should have now: this run's, of the epochs recorded so far, once the
    recording is complete or paused (not while it grows under a playback: the map would be redrawn every second and
    take the time the recording needs); None when none is due."""
    if recording.n_epochs < 2 or (playing and not recording.done):
        return None
    return f"{run_id}:{recording.n_epochs - 1}"


def _numbers(values) -> list:
    """Rounded for the wire; a loss that overflowed (a diverging run, far from its path) is sent as None."""
    values = np.asarray(values, dtype=float)
    if values.ndim > 1:
        return [_numbers(row) for row in values]
    return [float(f"{v:.{DIGITS}g}") if np.isfinite(v) else None for v in values]


def landscape_map(key: str, recording: Recording, X, y) -> dict:
    """The map of ``recording``'s path on the training data (X, y), as the view draws it: grid coordinates ``x``,
    ``y`` and ``loss`` (rows along y), the axes' titles (with the explained-variance shares), the path (one point per
    epoch of ``epochs``) and the profile along the initial-to-final line; or ``problem`` when there is none. Read
    under the session's lock (``recorded.path_weights``)."""
    epochs, thetas = recorded.path_weights(recording)
    try:
        shown, (a, line) = recorded.run_landscape(recording.architecture, epochs, thetas, X, y,
                                                  recording.config.alpha, budget=limits.LIVE_LANDSCAPE_WORK)
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
