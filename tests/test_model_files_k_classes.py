"""Model files of k classes come back exactly and say which class each output is; a binary model file written
before k classes still loads and predicts as it did."""

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from mlp_core import MLPPlaygroundClassifier
from mlp_core.persistence import dump_model, load_model, model_from_dict
from mlp_core.scoring import score_table
from tests.test_persistence import FEATURES, X_NEW, X, _assert_same_fit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPECIES = np.array(["Adelie", "Chinstrap", "Gentoo", "Macaroni"])


@pytest.mark.parametrize("k", [3, 4])
def test_round_trip_of_a_k_class_model_with_its_class_names(k):
    y = SPECIES[np.digitize(X[:, 0] + X[:, 1] * X[:, 2], np.quantile(X[:, 0], np.arange(1, k) / k))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPPlaygroundClassifier(hidden_layer_sizes=(4,), random_state=3, max_iter=60).fit(X, y)
    pre = dataclasses.replace(FEATURES, positive=None, negative=None, classes=tuple(SPECIES[:k]))
    text = dump_model(model, preprocessing=pre)
    assert json.loads(text)["architecture"]["output_activation"] == "softmax"
    loaded = load_model(text)
    _assert_same_fit(loaded.estimator, model)
    assert loaded.estimator.predict_proba(X_NEW).shape == (50, k)
    assert loaded.preprocessing.classes == tuple(SPECIES[:k])
    doc = json.loads(text)
    doc["preprocessing"]["classes"] = [*SPECIES[:k], "Emperor"]
    with pytest.raises(ValueError, match=rf"^preprocessing\.classes: .*each of the {k} classes"):
        model_from_dict(doc)


def test_a_binary_model_file_written_before_k_classes_still_loads_and_predicts_as_it_did():
    # Written by `python -m mlp_core train` and `predict` of the code before k classes (tests/fixtures).
    loaded = load_model((FIXTURES / "binary_model_v1.json").read_bytes())
    assert "classes" not in json.loads((FIXTURES / "binary_model_v1.json").read_text())["preprocessing"]
    assert loaded.preprocessing.classes == ("benign", "malignant")
    assert (loaded.preprocessing.negative, loaded.preprocessing.positive) == ("benign", "malignant")
    scored = score_table(loaded, (FIXTURES / "binary_v1_rows.csv").read_bytes())
    before = pd.read_csv(FIXTURES / "binary_v1_predictions.csv", dtype=str, keep_default_na=False)
    assert list(scored.frame.columns) == list(before.columns)
    assert scored.frame["probability"].tolist() == [float(p) for p in before["probability"]]  # bit for bit
    assert scored.frame["prediction"].tolist() == before["prediction"].tolist()
    # Saved again, it carries its class names and reads back the same.
    again = load_model(dump_model(loaded.estimator, loaded.preprocessing))
    assert again.preprocessing.classes == ("benign", "malignant")
    np.testing.assert_array_equal(again.estimator.coefs_[0], loaded.estimator.coefs_[0])
