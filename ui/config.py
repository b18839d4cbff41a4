"""The experiment's settings as small frozen dataclasses, and their round trip through the URL.

As in TensorFlow Playground, the whole configuration — the random seeds included — lives in the
query string, so a link reproduces an experiment. Everything here is plain Python: no streamlit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mlp_core.activations import ACTIVATIONS
from mlp_core.datasets import DATASETS
from mlp_core.training import MAX_UNITS, TrainingConfig

STOP_RULES = {
    "weights": "The weights stop changing (the article's rule)",
    "loss": "The loss stops improving (scikit-learn's rule)",
    "either": "Either of the two",
    "epochs": "Only the maximum number of epochs",
}


@dataclass(frozen=True)
class DataConfig:
    source: str = "synthetic"  # or "csv"
    dataset: str = "spheres"
    n: int = 400
    noise: float = 0.1
    seed: int = 0
    test_size: float = 0.25


@dataclass(frozen=True)
class NetworkConfig:
    hidden: tuple[int, ...] = (3, 2)
    activation: str = "relu"


@dataclass(frozen=True)
class TrainConfig:
    solver: str = "sgd"
    learning_rate: float = 0.1
    momentum: float = 0.0
    alpha: float = 0.0
    batch_size: int | None = None
    max_epochs: int = 1000
    seed: int = 6
    stop: str = "weights"

    def training_config(self, network: NetworkConfig) -> TrainingConfig:
        """The core's TrainingConfig: stop rules switched on or off as chosen (raises ValueError)."""
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
            momentum=self.momentum,
            random_state=self.seed,
            shuffle=True,
        ).validate()


@dataclass(frozen=True)
class ViewConfig:
    speed: int = 30  # epochs per second of playback
    log_scale: bool = False
    x_input: int = 0
    y_input: int = 1
    slices: int = 3


@dataclass(frozen=True)
class Experiment:
    data: DataConfig = DataConfig()
    network: NetworkConfig = NetworkConfig()
    train: TrainConfig = TrainConfig()
    view: ViewConfig = ViewConfig()


# Query-string keys: short, stable, one per setting.
_KEYS = {
    ("data", "source"): "src", ("data", "dataset"): "ds", ("data", "n"): "n", ("data", "noise"): "noise",
    ("data", "seed"): "dseed", ("data", "test_size"): "test",
    ("network", "hidden"): "hidden", ("network", "activation"): "act",
    ("train", "solver"): "solver", ("train", "learning_rate"): "lr", ("train", "momentum"): "mom",
    ("train", "alpha"): "alpha", ("train", "batch_size"): "batch", ("train", "max_epochs"): "epochs",
    ("train", "seed"): "seed", ("train", "stop"): "stop",
    ("view", "speed"): "speed", ("view", "log_scale"): "log", ("view", "x_input"): "x", ("view", "y_input"): "y",
    ("view", "slices"): "slices",
}


def to_query(exp: Experiment) -> dict[str, str]:
    """The settings that differ from the defaults, as query-string pairs."""
    default = Experiment()
    out = {}
    for (part, name), key in _KEYS.items():
        value = getattr(getattr(exp, part), name)
        if value != getattr(getattr(default, part), name):
            out[key] = _encode(value)
    return out


def from_query(query: dict[str, str]) -> tuple[Experiment, list[str]]:
    """Settings from a query string; values that do not parse or are out of range are ignored with
    a notice, so a damaged link still opens the app."""
    parts = {part: {} for part in ("data", "network", "train", "view")}
    notices = []
    default = Experiment()
    for (part, name), key in _KEYS.items():
        if key not in query:
            continue
        current = getattr(getattr(default, part), name)
        try:
            parts[part][name] = _decode(query[key], current, name)
        except ValueError as exc:
            notices.append(f"The link's {key}={query[key][:40]!r} was ignored: {exc}.")
    exp = Experiment(
        DataConfig(**parts["data"]), NetworkConfig(**parts["network"]), TrainConfig(**parts["train"]),
        ViewConfig(**parts["view"]),
    )
    problems = validate(exp)
    if problems:
        notices.extend(f"The link's settings were reset: {p}." for p in problems)
        exp = default
    return exp, notices


def validate(exp: Experiment) -> list[str]:
    """What is wrong with a configuration, in words (empty when it is fine)."""
    problems = []
    d, net, tr, v = exp.data, exp.network, exp.train, exp.view
    if d.source not in ("synthetic", "csv"):
        problems.append("the data source must be synthetic or csv")
    if d.dataset not in DATASETS:
        problems.append(f"unknown dataset {d.dataset!r}")
    if not 20 <= d.n <= 20_000:
        problems.append("the number of points must be between 20 and 20000")
    if not 0 <= d.noise <= 1:
        problems.append("noise must be between 0 and 1")
    if not 0.05 <= d.test_size <= 0.5:
        problems.append("the test share must be between 0.05 and 0.5")
    if len(net.hidden) > 6 or any(not 1 <= h <= min(MAX_UNITS, 64) for h in net.hidden):
        problems.append("use at most 6 hidden layers of 1 to 64 units")
    if net.activation not in ACTIVATIONS:
        problems.append(f"unknown activation {net.activation!r}")
    if tr.stop not in STOP_RULES:
        problems.append(f"unknown stop rule {tr.stop!r}")
    if not 1 <= tr.max_epochs <= 5000:
        problems.append("max epochs must be between 1 and 5000")
    if not 1 <= v.speed <= 240:
        problems.append("the speed must be between 1 and 240 epochs per second")
    if not 1 <= v.slices <= 5:
        problems.append("use 1 to 5 slices")
    try:
        tr.training_config(net)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def parse_hidden(text: str) -> tuple[int, ...]:
    """'3, 2' -> (3, 2); '' or 'none' -> () (no hidden layer). Raises ValueError with a usable message."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "0", "()"):
        return ()
    try:
        sizes = tuple(int(part) for part in cleaned.replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(
            f"write the hidden layer sizes as numbers separated by commas, like 3,2 — got {text!r}"
        ) from None
    if any(h < 1 for h in sizes):
        raise ValueError("every hidden layer needs at least one unit")
    return sizes


def replace(exp: Experiment, **parts) -> Experiment:
    return dataclasses.replace(exp, **parts)


def _encode(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or "none"
    if value is None:
        return "full"
    return str(value)


def _decode(text: str, current, name: str):
    text = text.strip()
    if isinstance(current, bool):
        if text not in ("0", "1"):
            raise ValueError("expected 0 or 1")
        return text == "1"
    if isinstance(current, tuple):
        return parse_hidden(text)
    if name == "batch_size":
        return None if text in ("full", "") else _positive_int(text)
    if isinstance(current, int):
        return int(text)
    if isinstance(current, float):
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return value
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("expected a positive whole number")
    return value
