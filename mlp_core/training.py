"""Training as a generator of immutable snapshots.

``train`` yields one ``Snapshot`` for the initial weights (epoch 0) and one after every epoch; the last
carries ``stop_reason``. The dashboard draws each snapshot as it comes; ``MLPPlaygroundClassifier.fit``
drains the generator. Closing the generator at any point leaves nothing half-updated: every snapshot
holds its own read-only copies. A snapshot taken with its ``Resume`` data (``resumable``) is a point training
can go on from, exactly as if it had never stopped (``start``): what lets a recording keep only some epochs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from . import kernels
from .architecture import Architecture
from .config import TrainingConfig
from .network import as_random_state, init_params, layer_units, log_loss, one_hot
from .optimizers import apply_updates, make_optimizer

# Training counts as diverged when an epoch's loss exceeds this multiple of the initial loss: gradient
# descent that works seldom climbs that far (one initialization in 2,000 on scikit-learn's unscaled check blobs at
# step 0.1 reaches 2.4 times and comes back, tests/test_estimator.py), and clipped log loss saturates instead of
# becoming infinite.
DIVERGENCE_FACTOR = 2.0


@dataclass(frozen=True)
class Resume:
    """What training holds besides the weights, at the end of an epoch: the optimizer's state (velocities, or
    Adam's moments and step count), the random generator's state and the order of the rows (mini-batches only),
    the loss rule's counters and the initial loss the divergence rule compares with."""

    optimizer: tuple
    rng: tuple | None
    sample_idx: np.ndarray | None
    best_loss: float
    no_improvement: int
    initial_loss: float


@dataclass(frozen=True)
class Snapshot:
    """The network after ``epoch`` epochs (0: the initial weights). Arrays are read-only copies.

    ``loss`` is the epoch's training loss as scikit-learn's ``loss_curve_`` records it: the mean of the
    batch losses (L2 term included), each measured before its batch's update; at epoch 0 it is the loss
    of the initial weights. ``accuracy``, ``val_loss`` and ``val_accuracy`` are measured on the
    snapshot's own weights when evaluation was asked for this epoch, else None. Gradients are those of
    the epoch's last batch (full batch: the gradient that produced this epoch's update).
    ``params`` and ``grads`` are flat vectors; ``coefs``, ``intercepts`` and their gradients are views.
    """

    epoch: int
    params: np.ndarray
    grads: np.ndarray
    architecture: Architecture
    loss: float
    max_weight_change: float | None = None
    accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    stop_rule: str | None = None
    stop_reason: str | None = None
    resume: Resume | None = None  # set when asked for (``train``'s ``resumable``): training can go on from here

    @property
    def coefs(self) -> tuple[np.ndarray, ...]:
        return self.architecture.coefs(self.params)

    @property
    def intercepts(self) -> tuple[np.ndarray, ...]:
        return self.architecture.intercepts(self.params)

    @property
    def coef_grads(self) -> tuple[np.ndarray, ...]:
        return self.architecture.coefs(self.grads)

    @property
    def intercept_grads(self) -> tuple[np.ndarray, ...]:
        return self.architecture.intercepts(self.grads)

    def predict_proba(self, X) -> np.ndarray:
        """For the rows of X (n, d) at this epoch's weights: the probability of the positive class, shape (n,), with
        one output unit; of each class, shape (n, k), with k softmax outputs."""
        return self.architecture.predict_proba(self.params, X)

    @property
    def grad_norms(self) -> tuple[float, ...]:
        """Per layer, the Euclidean norm of all its weight and bias gradients together."""
        return tuple(float(v) for v in np.sqrt(np.add.reduceat(self.grads**2, self.architecture.layer_starts)))


def _frozen(flat) -> np.ndarray:
    c = flat.copy()
    c.flags.writeable = False
    return c


def train(
    X,
    y,
    config: TrainingConfig,
    X_val=None,
    y_val=None,
    evaluate_every: int = 1,
    initial_params=None,
    resumable=None,
    start: Snapshot | None = None,
    n_classes: int = 2,
) -> Iterator[Snapshot]:
    """Train an MLP on ``X`` (n, d) float and ``y`` (n,) of class indices 0..n_classes−1, yielding snapshots.

    Two classes: one sigmoid output, y of 0/1 (1 the positive class). More: a softmax output of n_classes units.

    ``evaluate_every``: measure accuracy (and validation loss and accuracy when ``X_val`` is given)
    every k epochs, and on the first and last; 0 never. ``initial_params``: ``(coefs, intercepts)``
    to start from instead of drawing them from ``config.random_state``. ``resumable(epoch) -> bool``: the
    epochs whose snapshots carry their ``Resume`` data. ``start``: such a snapshot (of a run with the same data
    and config) to go on from: the epochs after it are yielded, each exactly as the first run yielded it.
    The inputs are trusted: validate them at the boundary (the estimator's ``fit`` does).
    Each batch's loss and gradients come from one fused pass (``kernels``); the optimizer steps follow
    scikit-learn's formulas on the flat parameter vector, element by element.
    """
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float).ravel()
    n, d = X.shape
    act, alpha = config.activation, config.alpha
    rng = as_random_state(config.random_state)
    units = layer_units(d, config.hidden_layer_sizes, n_classes)
    arch = Architecture(units, act)
    if initial_params is None:
        initial_params = init_params(units, act, rng)
    theta = arch.flatten(*initial_params).astype(float) if start is None else start.params.copy()
    optimizer = make_optimizer(config, [theta])
    code, total_units = arch.code, sum(units)
    partial = np.zeros((kernels.N_CHUNKS, arch.size + 1))
    batch_size = n if config.batch_size is None else min(config.batch_size, n)
    # Reordering a full batch changes nothing but the rounding of sums, so only mini-batches shuffle.
    shuffle = config.shuffle and batch_size < n
    sample_idx = np.arange(n) if shuffle else None
    resumable = resumable or (lambda epoch: False)

    def resume_data(epoch):
        return Resume(optimizer.state(), rng.get_state() if shuffle else None,
                      None if sample_idx is None else sample_idx.copy(), float(best_loss), no_improvement,
                      initial_loss) if resumable(epoch) else None

    def loss_and_grad(lo, hi, rows):
        sums = kernels.loss_and_gradient_sums(X, y, lo, hi, theta, arch.table, code, total_units, partial, rows)
        m = hi - lo
        grad = sums[:-1]
        loss = sums[-1] / m
        if alpha:
            w = theta[arch.weight_index]
            loss += (0.5 * alpha) * np.dot(w, w) / m
            grad += alpha * theta * arch.weight_mask
        grad /= m
        return float(loss), grad

    def predicted(p):
        """Class indices from the output: p > 0.5 for one sigmoid unit, the likeliest class for softmax."""
        return (p > 0.5).astype(float) if p.ndim == 1 else np.argmax(p, axis=1).astype(float)

    def evaluate(snap_theta):
        metrics = {}
        metrics["accuracy"] = float(np.mean(predicted(arch.predict_proba(snap_theta, X)) == y))
        if X_val is not None and len(X_val):
            p_val = arch.predict_proba(snap_theta, X_val)
            metrics["val_loss"] = log_loss(y_val_target, p_val.reshape(len(X_val), -1))
            metrics["val_accuracy"] = float(np.mean(predicted(p_val) == y_val_index))
        return metrics

    if X_val is not None:
        X_val = np.ascontiguousarray(X_val, dtype=float)
        y_val_index = np.asarray(y_val, dtype=float).ravel()
        y_val_target = one_hot(y_val_index, n_classes)

    def evaluate_at(epoch, final=False):
        return evaluate_every > 0 and (final or epoch % evaluate_every == 0)

    best_loss, no_improvement = np.inf, 0
    if start is None:
        with np.errstate(over="ignore", invalid="ignore"):
            initial_loss, grad = loss_and_grad(0, n, kernels.NO_ROWS)
        params = _frozen(theta)
        last = Snapshot(0, params, _frozen(grad), arch, initial_loss, **(evaluate(params) if evaluate_at(0) else {}),
                        resume=resume_data(0))
        yield last
    else:
        r = start.resume
        optimizer.restore(r.optimizer)
        if shuffle:
            rng.set_state(r.rng)
            sample_idx = r.sample_idx.copy()
        best_loss, no_improvement, initial_loss, last = r.best_loss, r.no_improvement, r.initial_loss, start

    for epoch in range(last.epoch + 1, config.max_iter + 1):
        rows = kernels.NO_ROWS
        if shuffle:
            perm = np.arange(n)
            rng.shuffle(perm)
            sample_idx = sample_idx[perm]
            rows = sample_idx
        accumulated = 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            for lo in range(0, n, batch_size):
                hi = min(n, lo + batch_size)
                batch_loss, grad = loss_and_grad(lo, hi, rows)
                accumulated += batch_loss * (hi - lo)
                apply_updates([theta], optimizer.updates([grad]))
            epoch_loss = accumulated / n
            # A NaN or infinite weight makes the largest change NaN or infinite too.
            max_change = float(np.abs(theta - last.params).max())
            finite = math.isfinite(epoch_loss) and math.isfinite(max_change)
        if not finite or epoch_loss > DIVERGENCE_FACTOR * initial_loss:
            what = (
                "weights became infinite or NaN" if math.isfinite(epoch_loss) and not finite
                else "loss became infinite or NaN" if not finite
                else f"loss rose to {epoch_loss:.3g}, more than {DIVERGENCE_FACTOR:g} times its "
                f"starting value {initial_loss:.3g}"
            )
            yield dataclasses.replace(
                last,
                resume=None,
                stop_rule="diverged",
                stop_reason=(
                    f"Training diverged in epoch {epoch}: the {what}. The weights of epoch "
                    f"{last.epoch} are kept. Lower the learning rate (learning_rate_init = "
                    f"{config.learning_rate_init:g}) and train again."
                ),
            )
            return

        stop = {}
        if config.tol is not None:
            # scikit-learn's rule: count epochs whose loss is not below the best so far by tol.
            no_improvement = no_improvement + 1 if epoch_loss > best_loss - config.tol else 0
            best_loss = min(best_loss, epoch_loss)
            if no_improvement > config.n_iter_no_change:
                stop = dict(
                    stop_rule="tol",
                    stop_reason=(
                        f"Training loss did not improve more than tol={config.tol:g} "
                        f"for {config.n_iter_no_change} consecutive epochs."
                    ),
                )
        if not stop and config.weight_tol is not None and max_change < config.weight_tol:
            stop = dict(
                stop_rule="weight_tol",
                stop_reason=(
                    f"The weights stopped changing: the largest change in epoch {epoch} was "
                    f"{max_change:.3g}, below weight_tol={config.weight_tol:g} (the article's rule)."
                ),
            )
        if not stop and epoch == config.max_iter:
            stop = dict(stop_rule="max_iter", stop_reason=f"Reached max_iter={config.max_iter} epochs.")
        params = _frozen(theta)
        metrics = evaluate(params) if evaluate_at(epoch, bool(stop)) else {}
        last = Snapshot(epoch, params, _frozen(grad), arch, epoch_loss, max_change, **metrics, **stop,
                        resume=resume_data(epoch))
        yield last
        if stop:
            return
