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

from . import kernels
from .activations import ACTIVATIONS
from .network import as_random_state, init_params, layer_units, log_loss
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


class FlatLayout:
    """The network's shape and hidden activation, and where each layer's W and b sit in one flat
    parameter vector: W (fan_in × fan_out, row-major), then b."""

    def __init__(self, units, activation: str = "relu"):
        self.units = [int(u) for u in units]
        self.activation = activation
        self.code = kernels.ACTIVATION_CODES[activation]
        self.table = kernels.layout(self.units)
        self.size = int(self.table[-1, 3] + self.table[-1, 1])
        self.weight_mask = np.zeros(self.size)
        for fan_in, fan_out, w_off, _ in self.table:
            self.weight_mask[w_off:w_off + fan_in * fan_out] = 1.0
        self.weight_index = np.flatnonzero(self.weight_mask)
        # Start of each layer's block (its W then b) for per-layer sums of squares.
        self.layer_starts = self.table[:, 2].copy()

    def coefs(self, flat) -> tuple[np.ndarray, ...]:
        return tuple(flat[w:w + i * o].reshape(i, o) for i, o, w, _ in self.table)

    def intercepts(self, flat) -> tuple[np.ndarray, ...]:
        return tuple(flat[b:b + o] for _, o, _, b in self.table)

    def predict_proba(self, flat, X) -> np.ndarray:
        """Probability of the positive class for the rows of X (n, d), with parameters ``flat``."""
        X = np.ascontiguousarray(X, dtype=float)
        return kernels.predict_proba(X, flat, self.table, self.code, sum(self.units))

    def flatten(self, coefs, intercepts) -> np.ndarray:
        return np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)]) for W, b in zip(coefs, intercepts,
                                                                                            strict=True)])


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
    layout: FlatLayout
    loss: float
    max_weight_change: float | None = None
    accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    stop_rule: str | None = None
    stop_reason: str | None = None

    @property
    def coefs(self) -> tuple[np.ndarray, ...]:
        return self.layout.coefs(self.params)

    @property
    def intercepts(self) -> tuple[np.ndarray, ...]:
        return self.layout.intercepts(self.params)

    @property
    def coef_grads(self) -> tuple[np.ndarray, ...]:
        return self.layout.coefs(self.grads)

    @property
    def intercept_grads(self) -> tuple[np.ndarray, ...]:
        return self.layout.intercepts(self.grads)

    def predict_proba(self, X) -> np.ndarray:
        """Probability of the positive class for the rows of X (n, d) at this epoch's weights, shape (n,)."""
        return self.layout.predict_proba(self.params, X)

    @property
    def grad_norms(self) -> tuple[float, ...]:
        """Per layer, the Euclidean norm of all its weight and bias gradients together."""
        return tuple(float(v) for v in np.sqrt(np.add.reduceat(self.grads**2, self.layout.layer_starts)))


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
) -> Iterator[Snapshot]:
    """Train a binary MLP on ``X`` (n, d) float and ``y`` (n,) of 0/1, yielding snapshots.

    ``evaluate_every``: measure accuracy (and validation loss and accuracy when ``X_val`` is given)
    every k epochs, and on the first and last; 0 never. ``initial_params``: ``(coefs, intercepts)``
    to start from instead of drawing them from ``config.random_state``.
    The inputs are trusted: validate them at the boundary (the estimator's ``fit`` does).
    Each batch's loss and gradients come from one fused pass (``kernels``); the optimizer steps follow
    scikit-learn's formulas on the flat parameter vector, element by element.
    """
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float).ravel()
    n, d = X.shape
    act, alpha = config.activation, config.alpha
    rng = as_random_state(config.random_state)
    units = layer_units(d, config.hidden_layer_sizes)
    lay = FlatLayout(units, act)
    if initial_params is None:
        initial_params = init_params(units, act, rng)
    theta = lay.flatten(*initial_params).astype(float)
    optimizer = make_optimizer(config, [theta])
    code, total_units = lay.code, sum(units)
    partial = np.zeros((kernels.N_CHUNKS, lay.size + 1))
    batch_size = n if config.batch_size is None else min(config.batch_size, n)
    # Reordering a full batch changes nothing but the rounding of sums, so only mini-batches shuffle.
    shuffle = config.shuffle and batch_size < n
    sample_idx = np.arange(n) if shuffle else None

    def loss_and_grad(lo, hi, rows):
        sums = kernels.loss_and_gradient_sums(X, y, lo, hi, theta, lay.table, code, total_units, partial, rows)
        m = hi - lo
        grad = sums[:-1]
        loss = sums[-1] / m
        if alpha:
            w = theta[lay.weight_index]
            loss += (0.5 * alpha) * np.dot(w, w) / m
            grad += alpha * theta * lay.weight_mask
        grad /= m
        return float(loss), grad

    def evaluate(snap_theta):
        metrics = {}
        p = lay.predict_proba(snap_theta, X)
        metrics["accuracy"] = float(np.mean((p > 0.5) == (y == 1)))
        if X_val is not None and len(X_val):
            p_val = lay.predict_proba(snap_theta, X_val)
            metrics["val_loss"] = log_loss(y_val_col, p_val.reshape(-1, 1))
            metrics["val_accuracy"] = float(np.mean((p_val > 0.5) == (y_val_col.ravel() == 1)))
        return metrics

    if X_val is not None:
        X_val = np.ascontiguousarray(X_val, dtype=float)
        y_val_col = np.asarray(y_val, dtype=float).reshape(-1, 1)

    def evaluate_at(epoch, final=False):
        return evaluate_every > 0 and (final or epoch % evaluate_every == 0)

    with np.errstate(over="ignore", invalid="ignore"):
        initial_loss, grad = loss_and_grad(0, n, kernels.NO_ROWS)
    params = _frozen(theta)
    last = Snapshot(0, params, _frozen(grad), lay, initial_loss, **(evaluate(params) if evaluate_at(0) else {}))
    yield last

    best_loss, no_improvement = np.inf, 0
    for epoch in range(1, config.max_iter + 1):
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
        last = Snapshot(epoch, params, _frozen(grad), lay, epoch_loss, max_change, **metrics, **stop)
        yield last
        if stop:
            return
