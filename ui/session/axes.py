"""Which inputs the main page's views put on their axes, and which real row they hold the others at, for the run
in use: the core's rule (``mlp_core.importance.axis_inputs``) applied to the run's permutation importance on the
test split, and the core's reference row (``mlp_core.reference.reference_row``) of the training split.

The importance is measured once per run, on the network at epoch ``AXES_EPOCH`` (or the run's end, if sooner), so
that the same settings and file give the same axes whatever the speed of the machine; only a run too large to reach
that epoch in ``AXES_SECONDS`` is measured earlier (the page names the epoch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_core.importance import axis_inputs, binary_inputs, permutation_importance
from mlp_core.network import predict_proba
from mlp_core.reference import reference_row
from ui.session.data import Prepared
from ui.session.recording import Recording

AXES_EPOCH = 200
AXES_SECONDS = 1.0  # a run too large to reach AXES_EPOCH in this time is measured where it got to (its epoch is shown)
AXES_ROWS = 5000  # test rows the importance is measured on, at most (a fixed sample)


@dataclass(frozen=True)
class Reliance:
    """The run's permutation importance (d,) at ``epoch`` and every input in the order the views take them."""

    epoch: int
    importance: np.ndarray
    order: tuple[int, ...]


def reliance(recording: Recording, data: Prepared) -> Reliance:
    """The importance of every input to the run's network on the test split, and the axis order from it."""
    recording.extend(until_epoch=AXES_EPOCH, seconds=AXES_SECONDS)
    epoch = min(AXES_EPOCH, recording.n_epochs - 1)
    snap = recording.snapshot(epoch)
    activation = recording.config.activation
    rows = np.random.RandomState(0).permutation(len(data.Z_test))[:AXES_ROWS]
    importance = permutation_importance(lambda Z: predict_proba(snap.coefs, snap.intercepts, Z, activation),
                                        data.Z_test[rows], data.y_test[rows])
    order = axis_inputs(importance, binary_inputs(data.X_train), len(importance))
    return Reliance(epoch, importance, order)


def third_axis(order: tuple[int, ...], x_input: int, y_input: int) -> int | None:
    """The 3-D view's third input (and the input the slices cut across): the first in ``order`` off the two axes."""
    return next((i for i in order if i not in (x_input, y_input)), None)


def default_row(data: Prepared) -> int:
    """The training row the views hold the other inputs at until the user chooses one."""
    return reference_row(data.X_train)


def held_values(data: Prepared, row: int, shown: tuple[int, ...]) -> list[tuple[str, float]]:
    """(name, value) of the inputs off the axes ``shown``, as held at training row ``row``."""
    return [(name, float(data.X_train[row, i])) for i, name in enumerate(data.feature_names) if i not in shown]
