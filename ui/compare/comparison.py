"""Our network beside scikit-learn's ``MLPClassifier``: trained side by side from the same weights, compared.

Two modes. ``"matched"``: the main page's network and training settings mapped onto ``MLPClassifier``,
both trained for exactly E epochs with every stopping rule off; scikit-learn runs one ``partial_fit`` per
epoch (which keeps its optimizer state) so that its weights can be read after every epoch. ``"defaults"``:
``MLPClassifier`` with only the network and the seed set, fitted with its own defaults, against ours as the
main page trains it — the same initial weights, another optimizer. No streamlit here.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier

from mlp_core import Snapshot, TrainingConfig, train
from ui.common.grid import axis, plane, points_near
from ui.session.data import Prepared
from ui.settings import limits
from ui.settings.experiment import NetworkSettings, TrainingSettings

MODES = {
    "matched": "The same network and settings",
    "defaults": "scikit-learn with its own defaults",
}
TOLERANCE = 1e-12  # equal: every weight and loss within this (the same arithmetic; 1.1e-15 is the most seen)
OPTIMIZER_NAMES = {"sgd": "gradient descent", "adam": "Adam"}
# The main page's stopping rules (ui.settings.table.STOP_RULES) in the core's numbers.
_WEIGHT_RULE = "no weight moves more than 1e-6 in an epoch"
_LOSS_RULE = "the training loss improves less than 1e-4 for 10 epochs"
STOP_WORDS = {"weights": _WEIGHT_RULE, "loss": _LOSS_RULE, "either": f"{_WEIGHT_RULE}, or {_LOSS_RULE}", "epochs": ""}


@dataclass(frozen=True)
class Comparison:
    """Both runs, compared. Loss curves are per epoch 1..E as ``loss_curve_`` records them (the mean of
    the batch losses, each before its update); ``weight_difference`` (E + 1,) is the largest
    |ours − scikit-learn| over all weights and biases after each epoch 0..E ("matched" mode only)."""

    mode: str
    epochs: int  # asked for
    loss_ours: np.ndarray
    loss_sklearn: np.ndarray
    weight_difference: np.ndarray | None
    initial_difference: float  # largest |difference| of the initial weights (0.0: drawn identically)
    fit_difference: float | None  # matched: a plain .fit for E epochs against the partial_fit path
    seconds_ours: float
    seconds_sklearn: float
    stop_ours: str
    stop_sklearn: str
    metrics: tuple[dict, ...]  # one row per (model, split): accuracy, log loss, ROC AUC
    agreement: float  # share of test points both classify alike
    settings: tuple[tuple[str, str, str, bool], ...]  # (setting, ours, scikit-learn, same?)
    notes: tuple[str, ...]  # what could not be mapped, in words
    ours: Snapshot  # the final weights
    reference: MLPClassifier

    @property
    def largest_difference(self) -> float | None:
        return None if self.weight_difference is None else float(self.weight_difference.max())

    @property
    def loss_difference(self) -> float | None:
        if len(self.loss_ours) != len(self.loss_sklearn):
            return None
        return float(np.abs(self.loss_ours - self.loss_sklearn).max(initial=0.0))


@dataclass(frozen=True)
class BoundarySlice:
    """p of the positive class on a grid in original units: (len(y), len(x)) over two inputs, the others at
    their training mean; ``y`` is None for data with one input, and then p has shape (len(x),). With k > 2
    classes, each class's probability: a last axis of k."""

    x: np.ndarray
    y: np.ndarray | None
    p_ours: np.ndarray
    p_sklearn: np.ndarray
    points: dict  # training points: x, y (absent for one input), label
    x_name: str
    y_name: str | None
    held: tuple[str, ...]  # inputs held at their mean


def epoch_limit(n_inputs: int, network: NetworkSettings, n: int, batch_size: int | None) -> int:
    """The most epochs a comparison runs for this network on n training rows in batches of ``batch_size``."""
    return limits.compare_epochs(limits.parameter_count(n_inputs, network.hidden), n, batch_size)


def our_config(network: NetworkSettings, train_config: TrainingSettings, mode: str, epochs: int) -> TrainingConfig:
    """The core's settings: the main page's, for exactly ``epochs`` epochs in order ("matched"), or as the
    main page trains ("defaults"). Raises ValueError for settings the core refuses."""
    config = dataclasses.replace(train_config.training_config(network), max_iter=epochs)
    if mode == "matched":
        config = dataclasses.replace(config, tol=None, weight_tol=None, shuffle=False)
    return config


def sklearn_params(config: TrainingConfig, n: int) -> dict:
    """``MLPClassifier`` arguments for the core's ``config`` on n training rows, one epoch per partial_fit."""
    return dict(
        hidden_layer_sizes=config.hidden_layer_sizes, activation=config.activation, solver=config.solver,
        learning_rate_init=config.learning_rate_init, learning_rate="constant", alpha=config.alpha,
        batch_size=min(config.batch_size or n, n), momentum=config.momentum, nesterovs_momentum=False,
        beta_1=config.beta_1, beta_2=config.beta_2, epsilon=config.epsilon,
        random_state=config.random_state, shuffle=False, early_stopping=False,
    )


def sklearn_default_params(config: TrainingConfig, epochs: int) -> dict:
    """``MLPClassifier`` with its own defaults: only the network, the seed and the epoch limit set."""
    return dict(hidden_layer_sizes=config.hidden_layer_sizes, activation=config.activation,
                random_state=config.random_state, max_iter=epochs)


def compare(Z_train, y_train, Z_test, y_test, network: NetworkSettings, train_config: TrainingSettings, mode: str,
            epochs: int, progress=None, n_classes: int = 2) -> Comparison:
    """Train ours and scikit-learn's on standardized ``Z_train`` (n, d) and ``y_train`` (n,) of class indices
    0..n_classes−1 (0/1 for two) and compare.

    Raises ValueError when the settings cannot be used or training diverges (the message says why).
    ``progress(share)``, if given, is called after every epoch of ours and of scikit-learn's path.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    report = progress or (lambda share: None)
    y_train, y_test = np.asarray(y_train).astype(int), np.asarray(y_test).astype(int)
    config = our_config(network, train_config, mode, epochs)
    classes = list(range(n_classes))
    snapshots, seconds_ours = _train_ours(Z_train, y_train, config, lambda e: report(0.5 * e / epochs), n_classes)
    initial = _initial_weights(Z_train, y_train, config, classes)
    initial_difference = float(np.abs(initial - snapshots[0].params).max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # expected: both run a fixed number of epochs
        if mode == "matched":
            params = sklearn_params(config, len(Z_train))
            reference, path = _partial_fit_path(Z_train, y_train, params, epochs,
                                                lambda e: report(0.5 + 0.5 * e / epochs), classes)
            ours_path = np.stack([s.params for s in snapshots])
            weight_difference = np.abs(ours_path - np.vstack([initial, path])).max(axis=1)
            # The time of a plain fit (partial_fit checks its input on every call, about 2 ms each).
            start = time.perf_counter()
            fitted = MLPClassifier(**params, max_iter=epochs, n_iter_no_change=epochs + 1).fit(Z_train, y_train)
            seconds_sklearn = time.perf_counter() - start
            fit_difference = float(np.abs(_flat(fitted) - path[-1]).max())
            stop_sklearn = f"Ran {epochs} epochs: one partial_fit call each, no stopping rule."
        else:
            weight_difference, fit_difference = None, None
            start = time.perf_counter()
            reference = MLPClassifier(**sklearn_default_params(config, epochs)).fit(Z_train, y_train)
            seconds_sklearn = time.perf_counter() - start
            stop_sklearn = (
                f"Stopped after {reference.n_iter_} epochs: the training loss improved less than tol=1e-4 "
                f"for {reference.n_iter_no_change} consecutive epochs." if reference.n_iter_ < epochs
                else f"Reached max_iter={epochs} epochs."
            )
    agreement = (float(np.mean(_predicted(snapshots[-1].predict_proba(Z_test)) == reference.predict(Z_test)))
                 if len(Z_test) else 1.0)
    return Comparison(
        mode=mode, epochs=epochs,
        loss_ours=np.array([s.loss for s in snapshots[1:]]), loss_sklearn=np.array(reference.loss_curve_),
        weight_difference=weight_difference, initial_difference=initial_difference, fit_difference=fit_difference,
        seconds_ours=seconds_ours, seconds_sklearn=seconds_sklearn,
        stop_ours=snapshots[-1].stop_reason or "", stop_sklearn=stop_sklearn,
        metrics=_metrics(snapshots[-1], reference, Z_train, y_train, Z_test, y_test), agreement=agreement,
        settings=_settings(config, train_config, mode, len(Z_train), epochs),
        notes=_notes(config, train_config, mode, len(Z_train), epochs,
                     epoch_limit(Z_train.shape[1], network, len(Z_train), config.batch_size)),
        ours=snapshots[-1], reference=reference,
    )


def boundary_slice(result: Comparison, data: Prepared, x_input: int, y_input: int, grid: int = 80) -> BoundarySlice:
    """Both models' p over inputs ``x_input`` and ``y_input`` (others at their training mean), or over the
    only input; with the training points near the slice (as on the main page's single slice)."""
    X, d, names = data.X_train, data.X_train.shape[1], list(data.feature_names)
    if d >= 2 and not (0 <= x_input < d and 0 <= y_input < d and x_input != y_input):
        x_input, y_input = 0, 1
    axes = [axis(X[:, x_input], grid)]
    if d >= 2:
        axes.append(axis(X[:, y_input], grid))
        rows = plane(X.mean(axis=0), x_input, y_input, *axes)
    else:
        rows = axes[0].reshape(-1, 1)
    Z = (rows - data.mean) / data.scale
    shape = (grid, grid) if d >= 2 else (grid,)
    k = len(result.reference.classes_)
    if k > 2:  # each class's probability
        shape += (k,)
    p_ours = result.ours.predict_proba(Z).reshape(shape)
    p_sklearn = _proba(result.reference, Z).reshape(shape)
    if d >= 2:
        points = points_near(X, data.y_train, X.mean(axis=0), (x_input, y_input), X.std(axis=0) / 2)
        held = tuple(names[i] for i in range(d) if i not in (x_input, y_input))
        return BoundarySlice(axes[0], axes[1], p_ours, p_sklearn, points, names[x_input], names[y_input], held)
    points = {"x": X[:, 0].round(4).tolist(), "label": data.y_train.astype(int).tolist()}
    return BoundarySlice(axes[0], None, p_ours, p_sklearn, points, names[0], None, ())


def _predicted(p: np.ndarray) -> np.ndarray:
    """The predicted class indices from p (n,) of the positive class (threshold 0.5) or P (n, k) (the likeliest)."""
    return (p > 0.5).astype(int) if p.ndim == 1 else np.argmax(p, axis=1)


def _proba(reference: MLPClassifier, Z) -> np.ndarray:
    """scikit-learn's probabilities as the core gives them: of the positive class (n,) for two, else (n, k)."""
    P = reference.predict_proba(Z)
    return P[:, 1] if P.shape[1] == 2 else P


def _train_ours(X, y, config: TrainingConfig, progress, n_classes: int = 2) -> tuple[list[Snapshot], float]:
    """Every snapshot of the core's run, and the seconds its epochs took (epoch 0, which loads the compiled
    kernels, not counted; nor does ``progress(epoch)``). Raises ValueError when training diverges."""
    run = train(X, y, config, evaluate_every=0, n_classes=n_classes)
    snapshots = [next(run)]
    seconds = 0.0
    start = time.perf_counter()
    for snap in run:
        seconds += time.perf_counter() - start
        snapshots.append(snap)
        progress(snap.epoch)
        start = time.perf_counter()
    if snapshots[-1].stop_rule == "diverged":
        raise ValueError(snapshots[-1].stop_reason)
    return snapshots, seconds


def _initial_weights(X, y, config: TrainingConfig, classes: list[int]) -> np.ndarray:
    """scikit-learn's own initial weights for this network and seed, flat in the core's order.

    MLPClassifier draws them inside its first partial_fit and has no public way to show them before it
    steps; a plain gradient step of size 1e-300 moves no weight of the size Glorot draws (|w| > 1e-280),
    so the weights after it are the initial ones, bit for bit.
    """
    probe = MLPClassifier(hidden_layer_sizes=config.hidden_layer_sizes, activation=config.activation, solver="sgd",
                          learning_rate_init=1e-300, momentum=0.0, batch_size=len(X), shuffle=False,
                          random_state=config.random_state)
    return _flat(probe.partial_fit(X, y, classes=classes))


def _partial_fit_path(X, y, params: dict, epochs: int, progress, classes: list[int]) -> tuple[MLPClassifier,
                                                                                              np.ndarray]:
    """One partial_fit per epoch; the flat weights after each, shape (epochs, P)."""
    model = MLPClassifier(**params)
    path = []
    for epoch in range(1, epochs + 1):
        model.partial_fit(X, y, classes=classes)
        path.append(_flat(model))
        progress(epoch)
    return model, np.array(path)


def _flat(model: MLPClassifier) -> np.ndarray:
    """The weights of a fitted MLPClassifier in the core's flat order: each layer's W (row-major), then b."""
    return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in zip(model.coefs_, model.intercepts_,
                                                                                   strict=True)])


def _metrics(snapshot: Snapshot, reference: MLPClassifier, Z_train, y_train, Z_test, y_test) -> tuple[dict, ...]:
    """Accuracy, log loss and ROC AUC (k classes: the mean of each class against the rest) of both models on both
    splits, by scikit-learn's metrics."""
    rows = []
    labels = list(range(len(reference.classes_)))
    models = (("ours", snapshot.predict_proba), ("scikit-learn", lambda Z: _proba(reference, Z)))
    for model, proba in models:
        for split, Z, y in (("train", Z_train, y_train), ("test", Z_test, y_test)):
            if not len(Z):
                continue
            p = proba(Z)
            every_class = len(np.unique(y)) == len(labels)  # ROC AUC needs every class among the points
            rows.append({
                "model": model, "split": split, "accuracy": float(np.mean(_predicted(p) == y)),
                "log loss": float(log_loss(y, p, labels=labels)),
                "ROC AUC": (float(roc_auc_score(y, p, multi_class="ovr", labels=labels) if p.ndim == 2
                                  else roc_auc_score(y, p)) if every_class else None),
            })
    return tuple(rows)


def _batch_words(batch_size: int | None, n: int) -> str:
    return f"full batch ({n} rows)" if batch_size is None or batch_size >= n else f"batches of {batch_size}"


def _settings(config: TrainingConfig, train_config: TrainingSettings, mode: str, n: int,
              epochs: int) -> tuple[tuple[str, str, str, bool], ...]:
    """(setting, ours, scikit-learn, same?) for the table on the page."""
    c = config
    hidden = ", ".join(map(str, c.hidden_layer_sizes)) or "none"
    ours_optimizer = OPTIMIZER_NAMES[c.solver]
    if c.solver == "sgd":
        ours_optimizer += f", momentum {c.momentum:g}" if c.momentum else " (plain)"
    batch = min(c.batch_size or n, n)
    if mode == "matched":
        sk_optimizer = f"solver='{c.solver}'" + (
            f", momentum={c.momentum:g}, nesterovs_momentum=False" if c.solver == "sgd"
            else f", beta_1={c.beta_1:g}, beta_2={c.beta_2:g}, epsilon={c.epsilon:g}"
        )
        rows = [
            ("hidden layers", hidden, f"hidden_layer_sizes={c.hidden_layer_sizes}"),
            ("hidden activation", c.activation, f"activation='{c.activation}'"),
            ("optimizer", ours_optimizer, sk_optimizer),
            ("learning rate", f"{c.learning_rate_init:g}, constant",
             f"learning_rate_init={c.learning_rate_init:g}, learning_rate='constant'"),
            ("L2 penalty", f"alpha {c.alpha:g}", f"alpha={c.alpha:g}"),
            ("batches", _batch_words(c.batch_size, n), f"batch_size={batch}"),
            ("initial weights", f"seed {c.random_state}", f"random_state={c.random_state}"),
            ("order of the rows", "as given, every epoch", "shuffle=False"),
            ("when to stop", f"after exactly {epochs} epochs", f"{epochs} calls of partial_fit, one epoch each"),
        ]
        return tuple((*row, True) for row in rows)
    shuffled = "shuffled every epoch" if c.shuffle and batch < n else "as given (one batch: order is irrelevant)"
    stops = ", or ".join(filter(None, [STOP_WORDS[train_config.stop], f"after {epochs} epochs"]))
    return (
        ("hidden layers", hidden, f"hidden_layer_sizes={c.hidden_layer_sizes}", True),
        ("hidden activation", c.activation, f"activation='{c.activation}'", True),
        ("optimizer", ours_optimizer, "solver='adam' (default)", c.solver == "adam"),
        ("learning rate", f"{c.learning_rate_init:g}", "learning_rate_init=0.001 (default)",
         c.learning_rate_init == 0.001),
        ("L2 penalty", f"alpha {c.alpha:g}", "alpha=0.0001 (default)", c.alpha == 1e-4),
        ("batches", _batch_words(c.batch_size, n), f"batch_size='auto' = min(200, n) = {min(200, n)}",
         batch == min(200, n)),
        ("initial weights", f"seed {c.random_state}", f"random_state={c.random_state}", True),
        ("order of the rows", shuffled, "shuffle=True (default): shuffled every epoch", False),
        ("when to stop", stops, f"{_LOSS_RULE} (tol, n_iter_no_change), or max_iter={epochs}",
         False),
    )


def _notes(config: TrainingConfig, train_config: TrainingSettings, mode: str, n: int, epochs: int,
           limit: int) -> tuple[str, ...]:
    """What could not be mapped, or differs by design, in plain words."""
    notes = []
    if train_config.max_epochs > epochs:
        notes.append(f"The main page allows up to {train_config.max_epochs} epochs; this comparison runs {epochs} "
                     f"(at most {limit} for these settings, to keep the server responsive for everyone).")
    if mode == "defaults":
        notes.append(
            "The two paths differ by design: scikit-learn's defaults are Adam with step 0.001 on shuffled batches "
            f"of min(200, n) = {min(200, n)} rows with L2 penalty 1e-4, and it stops when the training loss has "
            "improved by less than 1e-4 for 10 epochs. Only the network and the initial weights are shared, so "
            "compare where they end up: loss, accuracy, agreement and boundaries."
        )
        notes.append("Ours runs as the main page trains it, stopping rule and shuffling included.")
        return tuple(notes)
    notes.append(
        "Stopping: the article's rule (stop when no weight moved more than 1e-6 in an epoch) has no counterpart "
        "in scikit-learn, and scikit-learn's loss-plateau rule (tol, n_iter_no_change) never stops a "
        f"partial_fit call. Both are off here: each network trains exactly {epochs} epochs."
        + (f" (The main page stops when {STOP_WORDS[train_config.stop]}.)" if train_config.stop != "epochs" else "")
    )
    batch = min(config.batch_size or n, n)
    notes.append(
        "Shuffling: off on both sides. "
        + ("The main page shuffles the mini-batches every epoch; partial_fit re-seeds its random generator on "
           "every call, so it would repeat the first epoch's order while ours draws a new one each epoch."
           if batch < n else "With one full batch the order of the rows changes nothing but rounding.")
    )
    if config.solver == "sgd":
        notes.append("Nesterov momentum: off (scikit-learn's default is on; the main page has plain momentum only).")
    notes.append("Learning-rate schedule: constant on both sides; scikit-learn's 'invscaling' and 'adaptive' "
                 "schedules and its early stopping on a validation split have no counterpart here.")
    notes.append("Divergence: ours stops when the loss climbs above twice its starting value; scikit-learn "
                 "has no such rule and only fails when a weight becomes infinite.")
    return tuple(notes)

