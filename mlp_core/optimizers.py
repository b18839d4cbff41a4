"""Optimizers: turn gradients into updates, with scikit-learn's exact formulas.

An optimizer only computes updates (and keeps its own state: velocities, moments);
``apply_updates`` adds them to the parameters. ``params`` and ``grads`` are flat lists,
``coefs + intercepts``, in that order.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Gradient descent with optional (Nesterov) momentum.

    v ← μv − η·g; the update is v, or μv − η·g again with Nesterov's look-ahead.
    With μ = 0 this is the article's plain gradient descent, Δ = −η·g.
    """

    def __init__(self, params, learning_rate: float, momentum: float = 0.0, nesterov: bool = False):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = [np.zeros_like(p) for p in params]

    def state(self) -> tuple:
        """A copy of what the next updates depend on besides the gradients: the velocities."""
        return tuple(v.copy() for v in self.velocities)

    def restore(self, state: tuple) -> None:
        self.velocities = [v.copy() for v in state]

    def updates(self, grads) -> list[np.ndarray]:
        mu, lr = self.momentum, self.learning_rate
        if mu == 0:  # 0·v − η·g is exactly −η·g: skip the arithmetic on v
            return [-lr * g for g in grads]
        self.velocities = [mu * v - lr * g for v, g in zip(self.velocities, grads, strict=True)]
        if self.nesterov:
            return [mu * v - lr * g for v, g in zip(self.velocities, grads, strict=True)]
        return self.velocities


class Adam:
    """Adam (Kingma & Ba) as scikit-learn writes it: the bias corrections are folded into the step,
    η_t = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ), and ε is added to √v."""

    def __init__(self, params, learning_rate: float, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate_init = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def state(self) -> tuple:
        """A copy of what the next updates depend on besides the gradients: the step count and both moments."""
        return (self.t, tuple(m.copy() for m in self.ms), tuple(v.copy() for v in self.vs))

    def restore(self, state: tuple) -> None:
        self.t = state[0]
        self.ms, self.vs = [m.copy() for m in state[1]], [v.copy() for v in state[2]]

    def updates(self, grads) -> list[np.ndarray]:
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        self.ms = [b1 * m + (1 - b1) * g for m, g in zip(self.ms, grads, strict=True)]
        self.vs = [b2 * v + (1 - b2) * (g**2) for v, g in zip(self.vs, grads, strict=True)]
        lr = self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        return [-lr * m / (np.sqrt(v) + self.epsilon) for m, v in zip(self.ms, self.vs, strict=True)]


def make_optimizer(config, params):
    """The optimizer a ``TrainingConfig`` asks for, started on ``params``."""
    if config.solver == "adam":
        return Adam(params, config.learning_rate_init, config.beta_1, config.beta_2, config.epsilon)
    return SGD(params, config.learning_rate_init, config.momentum, config.nesterovs_momentum)


def apply_updates(params, updates) -> None:
    """Add each update to its parameter, in place."""
    for p, u in zip(params, updates, strict=True):
        p += u
