"""A training run recorded epoch by epoch within a memory budget, so that it can be played, paused, stepped and
replayed at any epoch, exactly.

The run is computed ahead of the playback. Every epoch's loss and accuracies are kept (a few numbers each). Of the
weights, a recording keeps what the budget (``ui.settings.limits.RECORDING_BUDGET``) allows:

- *keyframes*, exact snapshots that training can go on from (``mlp_core.training.Resume``), every ``stride``
  epochs: every epoch while they fit in half the budget, then every 2nd, 4th, … (the stride doubles and the
  keyframes off it are dropped);
- *frames*, each epoch's weights and gradients in float32 as the browser draws them, for the epochs recorded but
  not yet sent to the browser (``take_frames`` hands them over), in the other half.

Any other epoch is recomputed from the keyframe before it — at most ``stride - 1`` epochs of training, the same
arithmetic, so the same numbers. The article's network on the teaching data keeps every epoch as a keyframe.

A run may carry hand edits of its weights (``mlp_core.edits``): training, keeping and recomputing all go through
``train_with_edits``, so an edited epoch is honoured wherever it falls, on the stride or between two keyframes.
``edit`` branches the run at a recorded epoch; ``reset`` goes back to the original initial weights, without edits.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict

import numba
import numpy as np

from mlp_core.config import TrainingConfig
from mlp_core.edits import Edit, branched, merged, train_with_edits
from mlp_core.training import Snapshot
from ui.settings.limits import RECORDING_BUDGET

EVALUATED_ROWS_PER_EPOCH = 50_000
SCALARS = ("loss", "accuracy", "val_loss", "val_accuracy", "max_weight_change")
RECOMPUTED_KEPT = 16  # recomputed snapshots kept for the next question (Step, the Learn page, a download)


class Recording:
    """One run, recorded, with its hand edits (``edits``). ``reset()`` starts again from the same initial weights."""

    def __init__(self, X, y, config: TrainingConfig, X_val=None, y_val=None, initial_params=None,
                 budget: int = RECORDING_BUDGET, n_classes: int = 2, edits=()):
        self._args = (X, y, config, X_val, y_val)
        self.n_classes = n_classes  # two: one sigmoid output; more: a softmax output of one unit per class
        self.config = config
        self.budget = budget
        # Accuracy and test loss cost a forward pass each: on big data, measure them every few epochs
        # so that training stays ahead of the playback (the loss itself is recorded every epoch).
        rows = len(X) + (0 if X_val is None else len(X_val))
        self.evaluate_every = max(1, -(-rows // EVALUATED_ROWS_PER_EPOCH))
        self.generation = 0  # a Reset or an edit starts a new one: other weights per epoch
        self._edits: tuple[Edit, ...] = ()
        self._start(initial_params)
        self.initial_params = (self.last.coefs, self.last.intercepts)  # the original ones, before any edit
        self._edits = merged(edits)
        if any(e.epoch == 0 for e in self._edits):
            self._branch(0)

    def _start(self, initial_params) -> None:
        """Record epoch 0 from these initial weights (with the edits of epoch 0), forgetting everything else."""
        self.stride = 1
        self._run = self._train(initial_params=initial_params, resumable=self._on_stride)
        first = next(self._run)
        self.architecture = first.architecture
        self._scalars = {name: [] for name in SCALARS}
        self.keyframes: dict[int, Snapshot] = {}
        self._keyframe_bytes = 0
        self.frames: OrderedDict[int, np.ndarray] = OrderedDict()  # epoch -> (2, P) float32, not yet sent
        self._recomputed: OrderedDict[int, Snapshot] = OrderedDict()
        self._peaks = np.zeros(first.params.size)  # the largest |value| of each parameter over the epochs
        self.last: Snapshot = first
        self.n_epochs = 0
        self._keep(first)

    def _on_stride(self, epoch: int) -> bool:
        return epoch % self.stride == 0

    def _train(self, **kw):
        X, y, config, X_val, y_val = self._args
        return train_with_edits(X, y, config, self._edits, X_val, y_val, evaluate_every=self.evaluate_every,
                                n_classes=self.n_classes, **kw)

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The run's hand edits, ordered by epoch (then parameter); those of epochs not recorded yet are applied when
        the recording reaches them."""
        return self._edits

    def reset(self) -> None:
        """Forget every epoch after 0 and every edit, and train again from the same initial weights."""
        self._run.close()
        self._edits = ()
        self.generation += 1
        self._start(self.initial_params)

    def edit(self, epoch: int, param: int, value: float) -> None:
        """Set parameter ``param`` (an index into the flat parameter vector) to ``value`` at the end of the recorded
        epoch ``epoch``: the run branches there. The epochs recorded after it, and the edits of later epochs, are
        forgotten; the epoch is recorded again with the edit, and training goes on from it (a new generation)."""
        if not 0 <= epoch < self.n_epochs:
            raise IndexError(f"epoch {epoch} is not recorded (0 to {self.n_epochs - 1})")
        if not 0 <= param < self.architecture.size:
            raise IndexError(f"parameter {param} is not one of the network's (0 to {self.architecture.size - 1})")
        self._edits = branched(self._edits, Edit(int(epoch), int(param), float(value)))
        self.generation += 1
        self._branch(epoch)

    def _branch(self, epoch: int) -> None:
        """Record ``epoch`` again, with the edits as they are now, and go on from it: the epochs before it are kept,
        the others forgotten. It is recomputed from the keyframe before it (epoch 0, from the initial weights)."""
        self._run.close()
        if epoch == 0:
            self._start(self.initial_params)
            return
        start = self.keyframes[max(e for e in self.keyframes if e < epoch)]
        for name in SCALARS:
            del self._scalars[name][epoch:]
        self.keyframes = {e: s for e, s in self.keyframes.items() if e < epoch}
        self._keyframe_bytes = _nbytes(self.keyframes.values())
        self.frames = OrderedDict((e, f) for e, f in self.frames.items() if e < epoch)
        self._recomputed = OrderedDict((e, s) for e, s in self._recomputed.items() if e < epoch)
        self.n_epochs = epoch
        self._run = self._train(start=start, resumable=self._on_stride)
        with one_thread():
            for snap in self._run:  # the epochs between the keyframe and ``epoch`` are recorded already
                if snap.epoch == epoch:
                    self._keep(snap)
                    break

    @property
    def done(self) -> bool:
        return self.last.stop_reason is not None

    @property
    def final(self) -> Snapshot | None:
        """The last snapshot once training has stopped (``stop_rule`` and ``stop_reason`` say why)."""
        return self.last if self.done else None

    def scalars(self, name: str) -> np.ndarray:
        """One number per recorded epoch: loss, accuracy, val_loss, val_accuracy or max_weight_change (NaN where
        it was not measured)."""
        return np.array(self._scalars[name], dtype=float)

    def scalar(self, name: str, epoch: int) -> float:
        """One of ``scalars``, at one epoch."""
        return float(self._scalars[name][epoch])

    @property
    def peaks(self) -> np.ndarray:
        """The largest |value| of each parameter over the epochs recorded (the views' colour and width scales); after
        an edit, over the epochs the run went on without too, so that the scales never shrink under the views."""
        return self._peaks

    def extend(self, until_epoch: int | None = None, seconds: float | None = None) -> None:
        """Record more epochs: up to ``until_epoch`` (all when None); with ``seconds``, for at most that long and
        while the unsent frames fit in their half of the budget."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        with one_thread():
            while not self.done and (until_epoch is None or self.last.epoch < until_epoch):
                self._keep(next(self._run))
                if deadline is not None and (time.perf_counter() > deadline or self.frames_full):
                    break

    def _keep(self, snap: Snapshot) -> None:
        if snap.stop_rule == "diverged":
            # The core repeats the last good epoch with the reason: it is the end, not a new epoch.
            self.last = snap
            return
        self.last = snap
        self.n_epochs = snap.epoch + 1
        for name in SCALARS:
            value = getattr(snap, name)
            self._scalars[name].append(np.nan if value is None else value)
        np.maximum(self._peaks, np.abs(snap.params), out=self._peaks)
        if snap.resume is not None and self._on_stride(snap.epoch):  # an edited epoch carries it off the stride too
            self.keyframes[snap.epoch] = snap
            self._keyframe_bytes += _nbytes([snap])
        self.frames[snap.epoch] = _frame(snap)
        self._fit_budget()

    def _fit_budget(self) -> None:
        """Halve the keyframes (double the stride) while they use more than half the budget; drop the oldest
        unsent frames while they use more than the other half (the browser asks for them again if it needs them)."""
        half = self.budget // 2
        while len(self.keyframes) > 1 and self._keyframe_bytes > half:
            self.stride *= 2
            self.keyframes = {e: s for e, s in self.keyframes.items() if e % self.stride == 0}
            self._keyframe_bytes = _nbytes(self.keyframes.values())
        frame = 8 * self.last.params.size
        while len(self.frames) > 1 and frame * len(self.frames) > half:
            self.frames.popitem(last=False)

    @property
    def frames_full(self) -> bool:
        """Whether the unsent frames fill their half of the budget: recording on would drop the oldest."""
        return 8 * self.architecture.size * len(self.frames) >= self.budget // 2

    @property
    def bytes_held(self) -> int:
        """What this recording keeps in memory, roughly: keyframes, frames, one number per epoch per scalar."""
        return (self._keyframe_bytes + sum(f.nbytes for f in self.frames.values())
                + _nbytes(self._recomputed.values()) + 8 * len(SCALARS) * self.n_epochs)

    def take_frames(self) -> list[tuple[int, np.ndarray]]:
        """The frames recorded since the last call, handed over to be sent (and no longer kept here)."""
        taken = list(self.frames.items())
        self.frames.clear()
        return taken

    def frames_for(self, epochs: range) -> list[tuple[int, np.ndarray]]:
        """The frames of consecutive recorded epochs, those not kept recomputed in one pass from the keyframe
        before the first of them."""
        out, epochs = [], range(max(0, epochs.start), min(epochs.stop, self.n_epochs))
        kept = {**self.keyframes, **self._recomputed, self.last.epoch: self.last}
        missing = [e for e in epochs if e not in kept]
        if missing:
            start = self.keyframes[max(e for e in self.keyframes if e <= missing[0])]
            with one_thread():
                for snap in self._train(start=start):
                    kept[snap.epoch] = snap
                    if snap.epoch >= epochs.stop - 1:
                        break
        for e in epochs:
            out.append((e, _frame(kept[e])))
        return out

    def snapshot(self, epoch: int) -> Snapshot:
        """The exact snapshot of a recorded epoch: kept, or recomputed from the keyframe before it."""
        if not 0 <= epoch < self.n_epochs:
            raise IndexError(f"epoch {epoch} is not recorded (0 to {self.n_epochs - 1})")
        if epoch == self.last.epoch:
            return self.last
        if epoch in self.keyframes:
            return self.keyframes[epoch]
        if epoch in self._recomputed:
            self._recomputed.move_to_end(epoch)
            return self._recomputed[epoch]
        start = self.keyframes[max(e for e in self.keyframes if e <= epoch)]
        with one_thread():
            for snap in self._train(start=start):
                self._recomputed[snap.epoch] = snap
                while len(self._recomputed) > RECOMPUTED_KEPT:
                    self._recomputed.popitem(last=False)
                if snap.epoch >= epoch:
                    break
        return self._recomputed[epoch]


@contextlib.contextmanager
def one_thread():
    """Train on one thread: the server shares its cores between visitors (and, on a laptop, the browser drawing
    the views); a parallel kernel waiting for a busy core stalls every epoch."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


def _frame(snap: Snapshot) -> np.ndarray:
    """An epoch's weights and gradients as the browser draws them: (2, P) float32."""
    return np.stack([snap.params, snap.grads]).astype(np.float32)


def _nbytes(snapshots) -> int:
    """Memory held by snapshots: their weights and gradients, and the state they can be resumed from."""
    total = 0
    for s in snapshots:
        total += s.params.nbytes + s.grads.nbytes
        if s.resume is not None:
            total += sum(a.nbytes for a in _arrays(s.resume.optimizer))
            total += 0 if s.resume.sample_idx is None else s.resume.sample_idx.nbytes
            total += 0 if s.resume.rng is None else 5000  # the Mersenne Twister's 624 words and a few numbers
    return total


def _arrays(state):
    """The arrays in an optimizer's state (nested tuples of arrays and numbers)."""
    if isinstance(state, np.ndarray):
        yield state
    elif isinstance(state, tuple | list):
        for item in state:
            yield from _arrays(item)
