"""Models as JSON, never pickle: write a fitted ``MLPPlaygroundClassifier``, read it back validated.

The file holds the format and its version, the architecture (one sigmoid output for two classes, a softmax output
of k units for k > 2), the weights (Python's float repr round-trips every double exactly), the class labels, the
preprocessing that new data must go through, and the training settings. Files written before k classes (two
classes, no ``preprocessing.classes``) read as they always did. ``load_model`` checks every field and raises
``ValueError`` naming the first one that is wrong, so a hostile or damaged file is refused, not half-loaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .activations import ACTIVATIONS
from .checks import expect, is_finite, is_int
from .config import MAX_CLASSES, MAX_LAYERS, MAX_UNITS, TrainingConfig
from .estimator import MLPPlaygroundClassifier
from .network import output_units
from .preprocessing import Preprocessing

FORMAT = "mlp-playground-model"
FORMAT_VERSION = 1
MAX_FEATURES = 10_000
MAX_CURVE = 1_000_000
MAX_BYTES = 64 * 1024 * 1024
# Trained weights stay far below this; larger ones only come from a damaged or crafted file and would
# overflow the forward pass.
MAX_ABS_WEIGHT = 1e8
_SETTINGS = [f.name for f in fields(TrainingConfig) if f.name not in ("hidden_layer_sizes", "activation")]


@dataclass(frozen=True)
class LoadedModel:
    """A model read from JSON: the estimator, ready to predict, and the preprocessing to apply first."""

    estimator: MLPPlaygroundClassifier
    preprocessing: Preprocessing | None


def model_to_dict(estimator: MLPPlaygroundClassifier, preprocessing: Preprocessing | None = None) -> dict:
    """A JSON-ready description of a fitted estimator (and its data preprocessing)."""
    if not hasattr(estimator, "coefs_"):
        raise ValueError("the model is not trained yet: fit it before saving")
    params = estimator.get_params()
    settings = {name: params[name] for name in _SETTINGS}
    if not (settings["random_state"] is None or isinstance(settings["random_state"], int)):
        settings["random_state"] = None  # a RandomState object has no JSON form
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": {
            "n_features_in": int(estimator.n_features_in_),
            "hidden_layer_sizes": [int(W.shape[1]) for W in estimator.coefs_[:-1]],
            "activation": estimator.activation,
            "output_activation": _output_activation(len(estimator.classes_)),
        },
        "classes": [_json_scalar(c) for c in estimator.classes_],
        "coefs": [W.tolist() for W in estimator.coefs_],
        "intercepts": [b.tolist() for b in estimator.intercepts_],
        "training": {
            "settings": settings,
            "n_iter": int(estimator.n_iter_),
            "stop_rule": estimator.stop_rule_,
            "stop_reason": estimator.stop_reason_,
            "loss_curve": [float(v) for v in getattr(estimator, "loss_curve_", [])],
        },
        "preprocessing": None if preprocessing is None else preprocessing.to_dict(),
    }


def dump_model(estimator: MLPPlaygroundClassifier, preprocessing: Preprocessing | None = None) -> str:
    """The model as a JSON text."""
    return json.dumps(model_to_dict(estimator, preprocessing), allow_nan=False, indent=1)


def load_model(text: str | bytes) -> LoadedModel:
    """Read a model written by ``dump_model``; raise ``ValueError`` naming the first bad field."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise ValueError(f"not a model file: larger than {MAX_BYTES // 2**20} MB")
    if isinstance(text, bytes) and text[:1] == b"\x80" and text[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise ValueError("not a model file: this is a Python pickle, and pickles are never loaded (loading one can "
                         "run any code). Save the model as JSON: download it from the main page or use "
                         "python -m mlp_core train")
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except _NotANumber as exc:
        raise ValueError(f"not a model file: {exc}") from None
    except RecursionError:
        raise ValueError("not a model file: the JSON is nested too deeply") from None
    except ValueError as exc:  # invalid JSON or text, or an integer too long to read
        raise ValueError(f"not a model file: the text is not valid JSON ({exc})") from None
    return model_from_dict(doc)


def model_from_dict(doc: Any) -> LoadedModel:
    """Validate a parsed model document field by field and build the estimator."""
    expect(isinstance(doc, dict), "the model file", "a JSON object")
    expect(doc.get("format") == FORMAT, "format", f'"{FORMAT}" (this is not an MLP Playground model)')
    version = doc.get("format_version")
    expect(is_int(version), "format_version", "an integer")
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version: version {version} is not supported (this app reads {FORMAT_VERSION})")

    arch = doc.get("architecture")
    expect(isinstance(arch, dict), "architecture", "an object")
    d = arch.get("n_features_in")
    expect(is_int(d) and 1 <= d <= MAX_FEATURES, "architecture.n_features_in", f"an integer 1..{MAX_FEATURES}")
    hidden = arch.get("hidden_layer_sizes")
    expect(
        isinstance(hidden, list) and len(hidden) <= MAX_LAYERS
        and all(is_int(h) and 1 <= h <= MAX_UNITS for h in hidden),
        "architecture.hidden_layer_sizes",
        f"a list of at most {MAX_LAYERS} integers 1..{MAX_UNITS}",
    )
    activation = arch.get("activation")
    expect(
        isinstance(activation, str) and activation in ACTIVATIONS,
        "architecture.activation", f"one of {sorted(ACTIVATIONS)}",
    )
    classes = doc.get("classes")
    expect(
        isinstance(classes, list) and 2 <= len(classes) <= MAX_CLASSES
        and all(isinstance(c, str | int | float | bool) and _finite_scalar(c) for c in classes)
        and len(set(classes)) == len(classes) and len({type(c) for c in classes}) == 1,
        "classes", f"2 to {MAX_CLASSES} distinct labels of one type",
    )
    output = _output_activation(len(classes))
    expect(arch.get("output_activation") == output, "architecture.output_activation",
           f'"{output}" for {len(classes)} classes')

    units = [d, *hidden, output_units(len(classes))]
    coefs = _arrays(doc.get("coefs"), "coefs", [(a, b) for a, b in zip(units[:-1], units[1:], strict=True)])
    intercepts = _arrays(doc.get("intercepts"), "intercepts", [(b,) for b in units[1:]])

    training = doc.get("training")
    expect(isinstance(training, dict), "training", "an object")
    settings = training.get("settings")
    expect(isinstance(settings, dict), "training.settings", "an object")
    unknown = sorted(set(settings) - set(_SETTINGS))
    if unknown:
        raise ValueError(f"training.settings: unknown setting(s) {unknown}")
    estimator = MLPPlaygroundClassifier(hidden_layer_sizes=tuple(hidden), activation=activation)
    try:
        estimator.set_params(**settings)
        estimator.training_config()
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"training.settings: {exc}") from None
    n_iter = training.get("n_iter")
    expect(is_int(n_iter) and n_iter >= 0, "training.n_iter", "an integer >= 0")
    reason = training.get("stop_reason")
    expect(reason is None or isinstance(reason, str), "training.stop_reason", "a string or null")
    rule = training.get("stop_rule")
    expect(rule in (None, "max_iter", "tol", "weight_tol"), "training.stop_rule",
            "null, 'max_iter', 'tol' or 'weight_tol'")
    curve = training.get("loss_curve")
    expect(
        isinstance(curve, list) and len(curve) <= MAX_CURVE and all(is_finite(v) for v in curve),
        "training.loss_curve", "a list of finite numbers",
    )
    raw = doc.get("preprocessing")
    preprocessing = None if raw is None else Preprocessing.from_dict(raw, d)
    expect(preprocessing is None or not preprocessing.classes or len(preprocessing.classes) == len(classes),
           "preprocessing.classes", f"one name for each of the {len(classes)} classes")

    estimator.coefs_ = coefs
    estimator.intercepts_ = intercepts
    estimator.classes_ = np.array(classes)
    estimator.n_features_in_ = d
    estimator.n_iter_ = n_iter
    estimator.stop_rule_ = rule
    estimator.stop_reason_ = reason
    estimator.loss_curve_ = [float(v) for v in curve]
    return LoadedModel(estimator, preprocessing)


class _NotANumber(ValueError):
    pass


def _refuse_constant(name):
    raise _NotANumber(f"{name} is not a number a model may hold")





def _output_activation(n_classes: int) -> str:
    return "logistic" if n_classes == 2 else "softmax"


def _finite_scalar(v) -> bool:
    return not isinstance(v, float) or math.isfinite(v)


def _json_scalar(value):
    """A class label as a JSON scalar (NumPy scalars become Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def _arrays(value, field: str, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Check a list of nested number lists against the expected shapes; return float arrays."""
    expect(isinstance(value, list) and len(value) == len(shapes), field, f"a list of {len(shapes)} arrays")
    out = []
    for i, (item, shape) in enumerate(zip(value, shapes, strict=True)):
        name = f"{field}[{i}]"
        expect(_has_shape(item, shape), name, f"numbers in shape {shape}")
        arr = np.array(item, dtype=float)
        expect(bool(np.all(np.abs(arr) <= MAX_ABS_WEIGHT)), name, f"finite numbers within ±{MAX_ABS_WEIGHT:g}")
        out.append(arr)
    return out


def _has_shape(item, shape) -> bool:
    if not shape:
        return is_finite(item)
    return isinstance(item, list) and len(item) == shape[0] and all(_has_shape(x, shape[1:]) for x in item)
