"""A race of optimizers: gradient descent, momentum, Nesterov momentum and Adam (at one or two learning rates) from
the same initial weights on the same data, each an ordinary ``train`` run, and who won.

A contender changes only the optimizer and its learning rate of a base ``TrainingConfig``; everything else — the
network, the seed (so the initial weights and the order of mini-batches), L2, batch size, stopping rules — is the
base's. Every run keeps its loss for every epoch and its weights for at most ``kept`` evenly spread epochs (the
first and the last always), for a landscape of all the paths together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .config import TrainingConfig
from .landscape import GRID_POINTS, Landscape, LossFunction, landscape, trajectory_plane
from .training import train

MOMENTUM = 0.9  # the momentum of the momentum and Nesterov contenders (scikit-learn's default)


@dataclass(frozen=True)
class Contender:
    """One optimizer at one learning rate: ``solver`` "sgd" (with ``momentum`` and ``nesterov``) or "adam"."""

    name: str
    solver: str
    learning_rate: float
    momentum: float = 0.0
    nesterov: bool = False

    def config(self, base: TrainingConfig) -> TrainingConfig:
        """The base configuration with this optimizer and learning rate."""
        return dataclasses.replace(base, solver=self.solver, learning_rate_init=self.learning_rate,
                                   momentum=self.momentum, nesterovs_momentum=self.nesterov).validate()


OPTIMIZERS = {  # name -> (solver, momentum, nesterov)
    "gradient descent": ("sgd", 0.0, False),
    "momentum": ("sgd", MOMENTUM, False),
    "Nesterov": ("sgd", MOMENTUM, True),
    "Adam": ("adam", 0.0, False),
}


def contenders(learning_rates, names=tuple(OPTIMIZERS)) -> tuple[Contender, ...]:
    """Each optimizer of ``names`` at each learning rate; named "Adam" alone, or "Adam, 0.01" with two rates."""
    rates = list(dict.fromkeys(learning_rates))
    return tuple(Contender(name if len(rates) == 1 else f"{name}, {rate:g}", *OPTIMIZERS[name][:1], rate,
                           *OPTIMIZERS[name][1:]) for rate in rates for name in names)


@dataclass(frozen=True)
class Lap:
    """One contender's run: ``losses`` (E + 1,) the training loss of epochs 0..E as training reports it; ``epochs``
    (K,) the epochs whose weights ``params`` (K, P) holds; ``stop_rule`` and ``stop_reason`` as training gives them
    ("diverged": the weights kept are the last finite ones)."""

    contender: Contender
    losses: np.ndarray
    epochs: np.ndarray
    params: np.ndarray
    stop_rule: str
    stop_reason: str

    @property
    def diverged(self) -> bool:
        return self.stop_rule == "diverged"

    @property
    def best_epoch(self) -> int:
        return int(np.argmin(self.losses))

    @property
    def best_loss(self) -> float:
        return float(self.losses.min())


def run(X, y, config: TrainingConfig, contender: Contender, kept: int = 500) -> Lap:
    """One contender trained on (X, y) with the base ``config``, keeping the weights of at most ``kept`` epochs."""
    every = max(1, -(-config.max_iter // max(kept - 1, 1)))
    losses, epochs, params = [], [], []
    last = None
    for snap in train(X, y, contender.config(config), evaluate_every=0):
        if snap.stop_rule == "diverged":  # the last good epoch again, with the reason: not a new epoch
            last = snap
            break
        losses.append(snap.loss)
        if snap.epoch % every == 0 or snap.stop_reason:
            epochs.append(snap.epoch)
            params.append(snap.params)
        last = snap
    if epochs[-1] != last.epoch:
        epochs.append(last.epoch)
        params.append(last.params)
    return Lap(contender, np.array(losses), np.array(epochs), np.array(params), last.stop_rule, last.stop_reason)


def race(X, y, config: TrainingConfig, field, kept: int = 500,
         report: Callable[[float], None] | None = None) -> tuple[Lap, ...]:
    """Every contender of ``field`` trained from the same initial weights (``config.random_state``)."""
    laps = []
    for i, contender in enumerate(field):
        laps.append(run(X, y, config, contender, kept))
        if report is not None:
            report((i + 1) / len(field))
    return tuple(laps)


def winner(laps) -> Lap | None:
    """The run that reached the lowest training loss without diverging (the earlier epoch breaks a tie); None when
    every run diverged."""
    finishers = [lap for lap in laps if not lap.diverged]
    return min(finishers, key=lambda lap: (lap.best_loss, lap.best_epoch)) if finishers else None


def race_landscape(loss: LossFunction, laps, points: int = GRID_POINTS,
                   report: Callable[[float], None] | None = None) -> tuple[Landscape, list[np.ndarray]]:
    """One landscape for every path: the plane through the winner's final weights (the first run's when all
    diverged) spanned by the principal directions of all the paths together, those that diverged left out (their
    last weights, far away, would take the plane for themselves) unless every run diverged; and each run's path
    projected on it, (K, 2) each."""
    best = winner(laps) or laps[0]
    fitted = [lap for lap in laps if not lap.diverged] or list(laps)
    thetas = np.concatenate([lap.params for lap in fitted])
    plane = trajectory_plane(thetas, origin=best.params[-1])
    shared = landscape(loss, plane, thetas, np.concatenate([lap.epochs for lap in fitted]), points, report)
    return shared, [plane.project(lap.params) for lap in laps]
