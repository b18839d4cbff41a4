"""Training's hyperparameters, and their validation: every value checked once, with a message that names it.

Named and meant as in scikit-learn's ``MLPClassifier`` where shared; ``weight_tol`` adds the article's stopping
rule. Plain Python.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .activations import ACTIVATIONS
from .checks import is_finite, is_int

MAX_LAYERS = 20
MAX_UNITS = 1024
# The most classes a network here is trained for (one softmax unit each): beyond it a CSV's target, a model file
# and the estimator are refused, with what to do. The dashboard draws one colour per class.
MAX_CLASSES = 20


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
        if self.batch_size is not None and not (is_int(self.batch_size) and self.batch_size >= 1):
            raise ValueError(
                f"batch_size must be None (full batch) or an integer >= 1, got {self.batch_size!r}"
            )
        _check_real("learning_rate_init", self.learning_rate_init, low=0.0, strict=True)
        if not (is_int(self.max_iter) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if self.tol is not None:
            _check_real("tol", self.tol, low=0.0)
        if not (is_int(self.n_iter_no_change) and self.n_iter_no_change >= 1):
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
        if not (rs is None or (is_int(rs) and 0 <= rs < 2**32) or isinstance(rs, np.random.RandomState)):
            raise ValueError(f"random_state must be None, an integer 0..2**32-1 or a RandomState, got {rs!r}")
        return dataclasses.replace(self, hidden_layer_sizes=tuple(int(h) for h in sizes))


def _check_real(name, value, low=None, high=None, strict=False, high_open=False):
    if isinstance(value, bool) or not isinstance(value, Real) or not is_finite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {low:g}, got {value!r}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value!r}")
