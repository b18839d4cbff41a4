"""A training run recorded epoch by epoch, so that it can be played, paused, stepped and replayed.

The run is computed ahead of the playback (the core trains the article's network on a few hundred
points in microseconds an epoch); the recording keeps every snapshot and can grow while the user
watches, for data large enough that training takes a while.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from mlp_core.config import TrainingConfig
from mlp_core.training import Snapshot, train

EVALUATED_ROWS_PER_EPOCH = 50_000


class Recording:
    """Snapshots of one run. ``reset()`` starts again from the same initial weights."""

    def __init__(self, X, y, config: TrainingConfig, X_val=None, y_val=None, initial_params=None):
        self._args = (X, y, config, X_val, y_val)
        self.config = config
        # Accuracy and test loss cost a forward pass each: on big data, measure them every few epochs
        # so that training stays ahead of the playback (the loss itself is recorded every epoch).
        rows = len(X) + (0 if X_val is None else len(X_val))
        self.evaluate_every = max(1, -(-rows // EVALUATED_ROWS_PER_EPOCH))
        self._start(initial_params)

    def _start(self, initial_params) -> None:
        X, y, config, X_val, y_val = self._args
        self._run = train(X, y, config, X_val, y_val, evaluate_every=self.evaluate_every,
                          initial_params=initial_params)
        self.snapshots: list[Snapshot] = [next(self._run)]
        self.initial_params = (self.snapshots[0].coefs, self.snapshots[0].intercepts)
        self._arrays: dict[str, np.ndarray] = {}

    def reset(self) -> None:
        """Forget every epoch after 0 and train again from the same initial weights."""
        self._run.close()
        self._start(self.initial_params)

    @property
    def done(self) -> bool:
        return self.snapshots[-1].stop_reason is not None

    @property
    def n_epochs(self) -> int:
        """Number of recorded snapshots (epochs 0 .. n_epochs - 1)."""
        return len(self.snapshots)

    @property
    def final(self) -> Snapshot | None:
        return self.snapshots[-1] if self.done else None

    def extend(self, until_epoch: int | None = None, seconds: float | None = None) -> None:
        """Record more epochs: up to ``until_epoch`` (all when None), for at most ``seconds``."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        # One thread per session: the server shares its cores between visitors (and, on a laptop, the
        # browser drawing the views); a parallel kernel waiting for a busy core stalls every epoch.
        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            self._record(until_epoch, deadline)
        finally:
            numba.set_num_threads(threads)
        self._arrays.clear()

    def _record(self, until_epoch, deadline) -> None:
        while not self.done and (until_epoch is None or self.snapshots[-1].epoch < until_epoch):
            snap = next(self._run)
            if snap.stop_rule == "diverged":
                # The core repeats the last good epoch with the reason; keep one entry per epoch.
                self.snapshots[-1] = snap
            else:
                self.snapshots.append(snap)
            if deadline is not None and time.perf_counter() > deadline:
                break

    def array(self, name: str) -> np.ndarray:
        """A field of every snapshot stacked: 'params', 'grads' (E, P); 'loss', 'accuracy', ... (E,)."""
        if name not in self._arrays:
            if name in ("params", "grads"):
                self._arrays[name] = np.stack([getattr(s, name) for s in self.snapshots])
            else:
                self._arrays[name] = np.array(
                    [np.nan if getattr(s, name) is None else getattr(s, name) for s in self.snapshots], dtype=float
                )
        return self._arrays[name]
