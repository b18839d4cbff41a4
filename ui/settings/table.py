"""The table of settings: every setting of an experiment declared once.

As TensorFlow Playground's ``State.PROPS`` does, each ``Setting`` states its key in the link, its label, its
type, default, accepted values, step and help. The link's reading and writing (``link``), the checks
(``experiment``), the sidebar's widgets and their seeding (``sidebar``) all come from this table, so they
cannot disagree.
Plain Python: no streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlp_core.config import MAX_CLASSES
from mlp_core.datasets import DATASETS

SEED_MAX = 2**32 - 1  # what numpy's RandomState accepts, as scikit-learn's random_state
MAX_INPUTS = 10_000  # an input's index in a link: the data decides how many there really are
BOOLEANS = {"0": False, "1": True, "false": False, "true": True}


@dataclass(frozen=True, eq=False)
class Setting:
    """One setting: ``part`` and ``field`` say where it lives in an ``Experiment``; ``kind`` is one of
    int, float, bool, choice, layers (hidden layer sizes) or batch (a size, or None for the full batch).
    Numbers are accepted from ``low`` to ``high`` inclusive, whatever the widget's ``step``; a choice is one
    of ``options`` (value → label). ``presets`` are the values a select-slider offers (a valid value from a
    link is added to them). ``core`` is the name of the same setting in ``mlp_core.TrainingConfig``."""

    key: str
    part: str
    field: str
    label: str
    kind: str
    default: Any
    widget: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: Mapping[Any, str] | None = None
    presets: tuple = ()
    max_layers: int | None = None
    help: str | None = None
    core: str | None = None

    @property
    def widget_key(self) -> str:
        return f"w_{self.key}"

    @property
    def noun(self) -> str:
        """The label as a message names it: "learning rate", "L2 penalty (alpha)"."""
        label = self.label.split(": ")[-1]
        return label if label[1:2].isupper() or label[1:2].isdigit() else label[0].lower() + label[1:]

    def accepted(self) -> str:
        """The accepted values, in words."""
        if self.kind == "choice":
            return "one of " + ", ".join(str(v) for v in self.options)
        if self.kind == "bool":
            return "0 or 1"
        if self.kind == "layers":
            return (f"at most {self.max_layers} hidden layers of {self.low:g} to {self.high:g} units, written like "
                    "3,2 (or none)")
        if self.kind == "batch":
            return f"full, or a whole number from {self.low:g} to {self.high:g}"
        what = "a whole number" if self.kind == "int" else "a number"
        return f"{what} from {number(self.low)} to {number(self.high)}"

    def check(self, value) -> Any:
        """``value`` if this setting accepts it, else ValueError saying what it accepts."""
        if not self.accepts(value):
            raise ValueError(f"the {self.noun} must be {self.accepted()}")
        return value

    def accepts(self, value) -> bool:
        if self.kind == "choice":
            return isinstance(value, str) and value in self.options
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "layers":
            return (isinstance(value, tuple) and len(value) <= self.max_layers
                    and all(_whole(h) and self.low <= h <= self.high for h in value))
        if self.kind == "batch" and value is None:
            return True
        if self.kind in ("int", "batch"):
            return _whole(value) and self.low <= value <= self.high
        return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
                and self.low <= value <= self.high)

    def parse(self, text: str) -> Any:
        """The value a link's text stands for; ValueError (saying what is accepted) when it is not valid."""
        text = text.strip()
        try:
            value = self._read(text)
        except (ValueError, KeyError, OverflowError):
            raise ValueError(f"the {self.noun} must be {self.accepted()}") from None
        return self.check(value)

    def _read(self, text: str) -> Any:
        if self.kind == "bool":
            return BOOLEANS[text.lower()]  # KeyError: not a yes or no
        if self.kind == "choice":
            return text
        if self.kind == "layers":
            return parse_hidden(text)
        if self.kind == "batch" and text.lower() in ("full", ""):
            return None
        if self.kind in ("int", "batch"):
            return int(text)
        return float(text)

    def encode(self, value) -> str:
        """The link's text for ``value`` (read back by ``parse`` to the same value)."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "layers":
            return ",".join(str(h) for h in value) or "none"
        if self.kind == "batch" and value is None:
            return "full"
        return repr(value) if isinstance(value, float) else str(value)

    def label_of(self, value) -> str:
        """How a widget shows ``value``."""
        if self.options is not None:
            return self.options.get(value, str(value))
        if self.kind == "batch":
            return "full batch" if value is None else str(value)
        return number(value) if isinstance(value, float) else str(value)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number(value: float) -> str:
    """A number as the sidebar and the messages write it, exactly and shortly: 0.0001, 1e-06, 0.05, 10."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def parse_hidden(text: str) -> tuple[int, ...]:
    """'3, 2' -> (3, 2); '' or 'none' -> () (no hidden layer). Raises ValueError with a usable message."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "0", "()"):
        return ()
    try:
        sizes = tuple(int(part) for part in cleaned.replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(
            f"write the hidden layer sizes as numbers separated by commas, like 3,2 — got {text[:40]!r}"
        ) from None
    if any(h < 1 for h in sizes):
        raise ValueError("every hidden layer needs at least one unit")
    return sizes


STOP_RULES = {
    "weights": "The weights stop changing (the article's rule)",
    "loss": "The loss stops improving (scikit-learn's rule)",
    "either": "Either of the two",
    "epochs": "Only the maximum number of epochs",
}
# Hidden activations by the core's names (scikit-learn's), as the app says them everywhere.
ACTIVATIONS = {"relu": "ReLU", "logistic": "sigmoid", "tanh": "tanh", "identity": "identity"}
SOLVERS = {"sgd": "gradient descent", "adam": "Adam"}
SOURCES = {"synthetic": "Teaching dataset", "csv": "Your CSV file"}

SETTINGS: tuple[Setting, ...] = (
    Setting("src", "data", "source", "Source", "choice", "synthetic", "radio", options=SOURCES),
    Setting("ds", "data", "dataset", "Dataset", "choice", "spheres", "select",
            options={key: spec.title for key, spec in DATASETS.items()}),
    Setting("n", "data", "n", "Points", "int", 400, "slider", low=20, high=5000, step=10,
            help="How many points the teaching dataset has, training and test together."),
    Setting("noise", "data", "noise", "Noise", "float", 0.1, "slider", low=0.0, high=1.0, step=0.05,
            help="Standard deviation of the jitter added to every input, in input units."),
    Setting("dseed", "data", "seed", "Data seed", "int", 0, "number", low=0, high=SEED_MAX, step=1,
            help="The same seed draws the same points and the same train/test split."),
    Setting("test", "data", "test_size", "Test share", "float", 0.25, "slider", low=0.05, high=0.5, step=0.05,
            help="The share of the rows held out to measure the network on data it was not trained on."),
    Setting("hidden", "network", "hidden", "Hidden layers", "layers", (3, 2), "text", low=1, high=64,
            max_layers=6, core="hidden_layer_sizes",
            help="Units per hidden layer, separated by commas: 3,2 is the article's network; 'none' trains a "
                 "single sigmoid unit. At most 6 layers of 64 units."),
    Setting("act", "network", "activation", "Hidden activation", "choice", "relu", "select", options=ACTIVATIONS,
            core="activation"),
    Setting("solver", "train", "solver", "Optimizer", "choice", "sgd", "select", options=SOLVERS, core="solver"),
    Setting("lr", "train", "learning_rate", "Learning rate", "float", 0.1, "select_slider", low=1e-6, high=10.0,
            presets=(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0),
            core="learning_rate_init", help="How far each step of gradient descent moves the weights."),
    Setting("mom", "train", "momentum", "Momentum", "float", 0.0, "slider", low=0.0, high=0.99, step=0.01,
            core="momentum", help="0 is the article's plain gradient descent."),
    Setting("alpha", "train", "alpha", "L2 penalty (alpha)", "float", 0.0, "select_slider", low=0.0, high=10.0,
            presets=(0.0, 0.0001, 0.001, 0.01, 0.1, 1.0, 10.0), core="alpha",
            help="Pulls every weight towards 0; larger values give smoother boundaries."),
    Setting("batch", "train", "batch_size", "Batch size", "batch", None, "select", low=1, high=5000,
            presets=(None, 1, 10, 32, 100), core="batch_size",
            help="Rows per gradient step; the full batch is the article's gradient descent."),
    Setting("epochs", "train", "max_epochs", "Max epochs", "int", 1000, "number", low=1, high=5000, step=100,
            core="max_iter"),
    Setting("seed", "train", "seed", "Weights seed", "int", 6, "number", low=0, high=SEED_MAX, step=1,
            core="random_state",
            help="The same seed draws the same initial weights (as scikit-learn draws them from this seed)."),
    Setting("stop", "train", "stop", "Stop when", "choice", "weights", "select", options=STOP_RULES),
    Setting("speed", "view", "speed", "Speed (epochs per second)", "int", 30, "select_slider", low=1, high=240,
            presets=(1, 2, 5, 10, 20, 30, 60, 120, 240)),
    Setting("log", "view", "log_scale", "Log scale for the loss", "bool", False, "checkbox"),
    Setting("x", "view", "x_input", "Slice: horizontal input", "int", 0, "input", low=0, high=MAX_INPUTS - 1),
    Setting("y", "view", "y_input", "Slice: vertical input", "int", 1, "input", low=0, high=MAX_INPUTS - 1),
    Setting("slices", "view", "slices", "Slices across the other input", "int", 3, "slider", low=1, high=5, step=1),
    Setting("shade", "view", "shown_class", "Colour the boundary by", "int", -1, "input", low=-1,
            high=MAX_CLASSES - 1, help="With more than two classes: each point in the colour of the class the "
                                       "network predicts there, or one class's probability."),
    Setting("present", "view", "present", "Present mode", "bool", False, "toggle",
            help="For a projector: larger text in every view, and the network, the loss and a slice of the "
                 "decision boundary on one screen (the introduction goes below the views)."),
)
BY_KEY = {s.key: s for s in SETTINGS}
BY_FIELD = {(s.part, s.field): s for s in SETTINGS}


def default(part: str, field: str):
    """The table's default for a field of an Experiment part (the dataclasses' defaults come from here)."""
    return BY_FIELD[(part, field)].default


def in_plain_words(message: str) -> str:
    """A message of mlp_core's with its parameter names (learning_rate_init, max_iter, ...) replaced by the
    sidebar's labels, for people who never read scikit-learn's documentation."""
    return _CORE_NAME.sub(lambda m: _CORE_LABEL[m.group(0)], message)


_CORE_LABEL = {s.core: s.noun for s in SETTINGS if s.core}
_CORE_NAME = re.compile(r"\b(" + "|".join(_CORE_LABEL) + r")\b")
