"""Training as a generator of immutable snapshots.

``train`` yields one ``Snapshot`` for the initial weights (epoch 0) and one after every epoch; the last
carries ``stop_reason``. The dashboard draws each snapshot as it comes; ``MLPBinaryClassifier.fit``
drains the generator. Closing the generator at any point leaves nothing half-updated: every snapshot
holds its own read-only copies.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .activations import ACTIVATIONS
from .network import as_random_state, forward, init_params, layer_units, log_loss, loss_and_gradients
from .optimizers import apply_updates, make_optimizer

MAX_LAYERS = 20
MAX_UNITS = 1024
# Training counts as diverged when an epoch's loss exceeds this multiple of the initial loss: gradient
# descent that works never climbs that far, and clipped log loss saturates instead of becoming infinite.
DIVERGENCE_FACTOR = 2.0


@dataclass(frozen=True)
class TrainingConfig:
    """Hyperparameters, named and meant as in scikit-learn's ``MLPClassifier`` where shared.

    The defaults are the article's: a 3-2 ReLU network trained by plain full-batch gradient descent.
    ``tol=None`` or ``weight_tol=None`` turns that stopping rule off.
    """

    hidden_layer_sizes: tuple[int, ...] = (3, 2)
    activation: str = "relu"
    solver: str = "sgd"
    alpha: float = 0.0
    batch_size: int | None = None
    learning_rate_init: float = 0.1
    max_iter: int = 1000
    tol: float | None = 1e-4
    n_iter_no_change: int = 10
    weight_tol: float | None = 1e-6
    momentum: float = 0.0
    nesterovs_momentum: bool = False
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    shuffle: bool = True
    random_state: object = None

    def validate(self) -> TrainingConfig:
        """Check every value; raise ``ValueError`` naming the first bad one. Returns self."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = (sizes,)
        if not all(isinstance(h, Integral) and not isinstance(h, bool) for h in sizes):
            raise ValueError(f"hidden_layer_sizes must be whole numbers, got {self.hidden_layer_sizes!r}")
        if len(sizes) > MAX_LAYERS or any(not 1 <= h <= MAX_UNITS for h in sizes):
            raise ValueError(
                f"hidden_layer_sizes must have at most {MAX_LAYERS} layers of 1 to {MAX_UNITS} units, "
                f"got {self.hidden_layer_sizes!r}"
            )
        if not (isinstance(self.activation, str) and self.activation in ACTIVATIONS):
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if not (isinstance(self.solver, str) and self.solver in ("sgd", "adam")):
            raise ValueError(f"solver must be 'sgd' or 'adam', got {self.solver!r}")
        _check_real("alpha", self.alpha, low=0.0)
        if self.batch_size is not None and not (_is_int(self.batch_size) and self.batch_size >= 1):
            raise ValueError(
                f"batch_size must be None (full batch) or an integer >= 1, got {self.batch_size!r}"
            )
        _check_real("learning_rate_init", self.learning_rate_init, low=0.0, strict=True)
        if not (_is_int(self.max_iter) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if self.tol is not None:
            _check_real("tol", self.tol, low=0.0)
        if not (_is_int(self.n_iter_no_change) and self.n_iter_no_change >= 1):
            raise ValueError(f"n_iter_no_change must be an integer >= 1, got {self.n_iter_no_change!r}")
        if self.weight_tol is not None:
            _check_real("weight_tol", self.weight_tol, low=0.0)
        _check_real("momentum", self.momentum, low=0.0, high=1.0)
        _check_real("beta_1", self.beta_1, low=0.0, high=1.0, high_open=True)
        _check_real("beta_2", self.beta_2, low=0.0, high=1.0, high_open=True)
        _check_real("epsilon", self.epsilon, low=0.0, strict=True)
        for name in ("nesterovs_momentum", "shuffle"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        rs = self.random_state
        if not (rs is None or (_is_int(rs) and 0 <= rs < 2**32) or isinstance(rs, np.random.RandomState)):
            raise ValueError(f"random_state must be None, an integer 0..2**32-1 or a RandomState, got {rs!r}")
        return dataclasses.replace(self, hidden_layer_sizes=tuple(int(h) for h in sizes))


def _isfinite(value) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_real(name, value, low=None, high=None, strict=False, high_open=False):
    if isinstance(value, bool) or not isinstance(value, Real) or not _isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {low:g}, got {value!r}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value!r}")


@dataclass(frozen=True)
class Snapshot:
    """The network after ``epoch`` epochs (0: the initial weights). Arrays are read-only copies.

    ``loss`` is the epoch's training loss as scikit-learn's ``loss_curve_`` records it: the mean of the
    batch losses (L2 term included), each measured before its batch's update; at epoch 0 it is the loss
    of the initial weights. ``accuracy``, ``val_loss`` and ``val_accuracy`` are measured on the
    snapshot's own weights when evaluation was asked for this epoch, else None. Gradients are those of
    the epoch's last batch (full batch: the gradient that produced this epoch's update).
    """

    epoch: int
    coefs: tuple[np.ndarray, ...]
    intercepts: tuple[np.ndarray, ...]
    coef_grads: tuple[np.ndarray, ...]
    intercept_grads: tuple[np.ndarray, ...]
    loss: float
    grad_norms: tuple[float, ...]
    max_weight_change: float | None = None
    accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    stop_rule: str | None = None
    stop_reason: str | None = None


def _frozen(arrays) -> tuple[np.ndarray, ...]:
    out = []
    for a in arrays:
        c = np.array(a, dtype=float, copy=True)
        c.flags.writeable = False
        out.append(c)
    return tuple(out)


def _accuracy(y, p) -> float:
    return float(np.mean((p.ravel() > 0.5) == (y.ravel() == 1)))


def train(
    X,
    y,
    config: TrainingConfig,
    X_val=None,
    y_val=None,
    evaluate_every: int = 1,
    initial_params=None,
) -> Iterator[Snapshot]:
    """Train a binary MLP on ``X`` (n, d) float and ``y`` (n,) of 0/1, yielding snapshots.

    ``evaluate_every``: measure accuracy (and validation loss and accuracy when ``X_val`` is given)
    every k epochs, and on the first and last; 0 never. ``initial_params``: ``(coefs, intercepts)``
    to start from instead of drawing them from ``config.random_state``.
    The inputs are trusted: validate them at the boundary (the estimator's ``fit`` does).
    """
    X = np.ascontiguousarray(X, dtype=float)
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    n, d = X.shape
    if X_val is not None:
        X_val = np.ascontiguousarray(X_val, dtype=float)
        Y_val = np.asarray(y_val, dtype=float).reshape(-1, 1)
    act, alpha = config.activation, config.alpha
    rng = as_random_state(config.random_state)
    if initial_params is None:
        coefs, intercepts = init_params(layer_units(d, config.hidden_layer_sizes), act, rng)
    else:
        coefs = [np.array(W, dtype=float) for W in initial_params[0]]
        intercepts = [np.array(b, dtype=float) for b in initial_params[1]]
    params = coefs + intercepts
    optimizer = make_optimizer(config, params)
    batch_size = n if config.batch_size is None else min(config.batch_size, n)
    # Reordering a full batch changes nothing but the rounding of sums, so only mini-batches shuffle.
    shuffle = config.shuffle and batch_size < n
    sample_idx = np.arange(n)

    def snapshot(epoch, loss, coef_grads, intercept_grads, max_change, evaluate, **stop):
        with np.errstate(over="ignore", invalid="ignore"):
            return _snapshot(epoch, loss, coef_grads, intercept_grads, max_change, evaluate, **stop)

    def _snapshot(epoch, loss, coef_grads, intercept_grads, max_change, evaluate, **stop):
        metrics = {}
        if evaluate:
            metrics["accuracy"] = _accuracy(Y, forward(coefs, intercepts, X, act)[-1])
            if X_val is not None and len(X_val):
                p_val = forward(coefs, intercepts, X_val, act)[-1]
                metrics["val_loss"] = log_loss(Y_val, p_val)
                metrics["val_accuracy"] = _accuracy(Y_val, p_val)
        norms = tuple(
            float(np.sqrt(np.sum(gW**2) + np.sum(gb**2)))
            for gW, gb in zip(coef_grads, intercept_grads, strict=True)
        )
        return Snapshot(
            epoch=epoch, coefs=_frozen(coefs), intercepts=_frozen(intercepts),
            coef_grads=_frozen(coef_grads), intercept_grads=_frozen(intercept_grads),
            loss=float(loss), grad_norms=norms, max_weight_change=max_change, **metrics, **stop,
        )

    def evaluate_at(epoch, final=False):
        return evaluate_every > 0 and (final or epoch % evaluate_every == 0)

    initial_loss, coef_grads, intercept_grads, _ = loss_and_gradients(coefs, intercepts, X, Y, act, alpha)
    last = snapshot(0, initial_loss, coef_grads, intercept_grads, None, evaluate_at(0))
    yield last

    best_loss, no_improvement = np.inf, 0
    for epoch in range(1, config.max_iter + 1):
        if shuffle:
            perm = np.arange(n)
            rng.shuffle(perm)
            sample_idx = sample_idx[perm]
        accumulated = 0.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, n, batch_size):
                rows = sample_idx[start:start + batch_size] if shuffle else slice(start, start + batch_size)
                Xb, Yb = X[rows], Y[rows]
                batch_loss, coef_grads, intercept_grads, _ = loss_and_gradients(
                    coefs, intercepts, Xb, Yb, act, alpha
                )
                accumulated += batch_loss * Xb.shape[0]
                apply_updates(params, optimizer.updates(coef_grads + intercept_grads))
            epoch_loss = accumulated / n
            finite = math.isfinite(epoch_loss) and all(np.isfinite(p).all() for p in params)
        if not finite or epoch_loss > DIVERGENCE_FACTOR * initial_loss:
            what = (
                "weights became infinite or NaN" if math.isfinite(epoch_loss) and not finite
                else "loss became infinite or NaN" if not finite
                else f"loss rose to {epoch_loss:.3g}, more than {DIVERGENCE_FACTOR:g} times its "
                f"starting value {initial_loss:.3g}"
            )
            yield dataclasses.replace(
                last,
                stop_rule="diverged",
                stop_reason=(
                    f"Training diverged in epoch {epoch}: the {what}. The weights of epoch "
                    f"{last.epoch} are kept. Lower the learning rate (learning_rate_init = "
                    f"{config.learning_rate_init:g}) and train again."
                ),
            )
            return
        previous = last.coefs + last.intercepts
        max_change = float(max(np.max(np.abs(p - q)) for p, q in zip(params, previous, strict=True)))

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
        last = snapshot(
            epoch, epoch_loss, coef_grads, intercept_grads, max_change, evaluate_at(epoch, bool(stop)), **stop
        )
        yield last
        if stop:
            return
