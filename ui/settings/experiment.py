"""An experiment's settings as small frozen dataclasses, and what makes a combination of them usable.

Every default and range comes from the table (``ui.settings.table``); the work limits from
``ui.settings.limits``; the core's own validation has the last word. Plain Python: no streamlit.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from mlp_core.config import TrainingConfig
from mlp_core.datasets import FEATURE_NAMES
from mlp_core.edits import Edit
from ui.settings import limits
from ui.settings.table import SETTINGS, Setting, default, in_plain_words


@dataclass(frozen=True)
class DataSettings:
    source: str = default("data", "source")
    dataset: str = default("data", "dataset")
    n: int = default("data", "n")
    noise: float = default("data", "noise")
    seed: int = default("data", "seed")
    test_size: float = default("data", "test_size")


@dataclass(frozen=True)
class NetworkSettings:
    hidden: tuple[int, ...] = default("network", "hidden")
    activation: str = default("network", "activation")


@dataclass(frozen=True)
class TrainingSettings:
    solver: str = default("train", "solver")
    learning_rate: float = default("train", "learning_rate")
    momentum: float = default("train", "momentum")
    alpha: float = default("train", "alpha")
    batch_size: int | None = default("train", "batch_size")
    max_epochs: int = default("train", "max_epochs")
    seed: int = default("train", "seed")
    stop: str = default("train", "stop")

    def training_config(self, network: NetworkSettings) -> TrainingConfig:
        """The core's TrainingConfig: stop rules switched on or off as chosen; momentum only for gradient
        descent (Adam has its own). Raises ValueError, in the sidebar's words, for what the core refuses."""
        try:
            return TrainingConfig(
                hidden_layer_sizes=network.hidden,
                activation=network.activation,
                solver=self.solver,
                alpha=self.alpha,
                batch_size=self.batch_size,
                learning_rate_init=self.learning_rate,
                max_iter=self.max_epochs,
                tol=1e-4 if self.stop in ("loss", "either") else None,
                weight_tol=1e-6 if self.stop in ("weights", "either") else None,
                momentum=self.momentum if self.solver == "sgd" else 0.0,
                random_state=self.seed,
                shuffle=True,
            ).validate()
        except ValueError as exc:
            raise ValueError(in_plain_words(str(exc))) from None


@dataclass(frozen=True)
class ViewSettings:
    speed: int = default("view", "speed")  # epochs per second of playback
    log_scale: bool = default("view", "log_scale")
    x_input: int = default("view", "x_input")
    y_input: int = default("view", "y_input")
    slices: int = default("view", "slices")
    shown_class: int = default("view", "shown_class")  # k classes: −1 colours by the predicted class, c by p(c)
    present: bool = default("view", "present")  # for a projector: larger text, the main views on one screen


@dataclass(frozen=True)
class Experiment:
    data: DataSettings = DataSettings()
    network: NetworkSettings = NetworkSettings()
    train: TrainingSettings = TrainingSettings()
    view: ViewSettings = ViewSettings()
    # The run's hand edits of its weights, in effect (``mlp_core.edits.merged``): the link carries them
    # (``ui.settings.edits``), the session's run applies them (``ui.session.runs.run_edits``).
    edits: tuple[Edit, ...] = ()

    def get(self, s: Setting):
        return getattr(getattr(self, s.part), s.field)

    def with_values(self, values: dict[Setting, object]) -> Experiment:
        """A copy with these settings changed."""
        parts = {}
        for s, value in values.items():
            parts.setdefault(s.part, {})[s.field] = value
        return dataclasses.replace(self, **{part: dataclasses.replace(getattr(self, part), **fields)
                                            for part, fields in parts.items()})


@dataclass(frozen=True)
class Problem:
    """What is wrong with a combination of settings, and the settings (link keys) that make it so."""

    keys: tuple[str, ...]
    text: str

    @property
    def sentence(self) -> str:
        return f"{self.text[0].upper()}{self.text[1:]}."


def synthetic_train_rows(data: DataSettings) -> int:
    """At most how many training rows a teaching dataset has: each of its two classes sends round(share ×
    its count) rows, at least one, to the test split."""
    return min(data.n - 2, math.floor(data.n * (1 - data.test_size)) + 1)


def problems(exp: Experiment, n_inputs: int | None = None, train_rows: int | None = None) -> list[Problem]:
    """What makes this combination unusable, in words: a value the table does not accept (one set in code), the
    slices' two inputs, and what ``run_problems`` finds. ``n_inputs`` and ``train_rows`` describe a CSV file's
    data (None while none is loaded); a teaching dataset's are known from the settings."""
    if exp.data.source == "synthetic":
        n_inputs = len(FEATURE_NAMES)
    found = [Problem((s.key,), f"the {s.noun} must be {s.accepted()}") for s in SETTINGS if not s.accepts(exp.get(s))]
    v = exp.view
    if v.x_input == v.y_input:
        found.append(Problem(("y", "x"), "the slices need two different inputs"))
    elif n_inputs is not None and max(v.x_input, v.y_input) >= n_inputs and n_inputs >= 2:
        found.append(Problem(("x", "y") if v.x_input >= n_inputs else ("y",),
                             f"the data has {n_inputs} inputs, numbered 0 to {n_inputs - 1}"))
    return found or run_problems(exp, n_inputs, train_rows)


def run_problems(exp: Experiment, n_inputs: int | None = None, train_rows: int | None = None) -> list[Problem]:
    """Why a run with these settings cannot start: larger than one visitor may ask of the server
    (``ui.settings.limits``), or refused by the core's own validation, which has the last word."""
    if exp.data.source == "synthetic":
        n_inputs, train_rows = len(FEATURE_NAMES), synthetic_train_rows(exp.data)
    t = exp.train
    if train_rows is not None and n_inputs is not None:
        too_much = limits.run_problem(n_inputs, exp.network.hidden, train_rows, t.batch_size, t.max_epochs)
        if too_much:
            return [Problem(("epochs", "hidden", "n", "batch"), too_much)]
    try:
        t.training_config(exp.network)
    except ValueError as exc:
        return [Problem(("solver", "lr", "mom", "alpha", "batch", "epochs", "seed", "hidden", "act"), str(exc))]
    return []
