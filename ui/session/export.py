"""The main page's network at one recorded epoch as a saved model: an estimator and its preprocessing.

The result is what ``python -m mlp_core train`` would have written after that epoch, so a model
downloaded from the browser scores a file from the command line exactly as it does on the Classify page.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from mlp_core.config import TrainingConfig
from mlp_core.estimator import MLPBinaryClassifier
from mlp_core.persistence import dump_model
from mlp_core.preprocessing import InputSpec, Preprocessing
from ui.session.data import Prepared
from ui.session.recording import Recording


def model_at_epoch(recording: Recording, data: Prepared, epoch: int) -> tuple[MLPBinaryClassifier, Preprocessing]:
    """An estimator holding the weights recorded after ``epoch``, and how new rows must be prepared for it."""
    config = recording.config
    estimator = MLPBinaryClassifier(**{f.name: getattr(config, f.name) for f in fields(TrainingConfig)})
    snap = recording.snapshot(epoch)
    estimator.coefs_ = [np.array(W) for W in snap.coefs]
    estimator.intercepts_ = [np.array(b) for b in snap.intercepts]
    estimator.classes_ = np.array(data.class_names)
    estimator.n_features_in_ = len(data.feature_names)
    estimator.n_iter_ = snap.epoch
    final = recording.final is not None and epoch == recording.n_epochs - 1
    # A diverged run keeps its last finite weights; the file format knows only the rules that end a fit.
    estimator.stop_rule_ = snap.stop_rule if final and snap.stop_rule != "diverged" else None
    estimator.stop_reason_ = snap.stop_reason if final else None
    estimator.loss_curve_ = [float(v) for v in recording.scalars("loss")[1:epoch + 1]]
    return estimator, data.preprocessing or _number_inputs(data)


def model_json(recording: Recording, data: Prepared, epoch: int) -> str:
    """The model at ``epoch`` as the JSON text ``python -m mlp_core predict`` reads."""
    return dump_model(*model_at_epoch(recording, data, epoch))


def model_filename(epoch: int) -> str:
    return f"mlp-playground-epoch-{epoch}.json"


def _number_inputs(data: Prepared) -> Preprocessing:
    """Teaching data: every input a number column named after its feature, standardized as in training."""
    inputs = tuple(InputSpec(name, name, "number") for name in data.feature_names)
    return Preprocessing(inputs, np.asarray(data.mean, dtype=float), np.asarray(data.scale, dtype=float),
                         target=None, negative=data.class_names[0], positive=data.class_names[1])
