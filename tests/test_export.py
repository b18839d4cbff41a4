"""A model downloaded from the main page: the recorded epoch's weights, saved and read back exactly, and
scored from the command line with the same probabilities as in the browser and the recording."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlp_core.csv_inputs import load_csv
from mlp_core.persistence import dump_model, load_model
from mlp_core.scoring import score_table
from ui.session.data import from_csv, synthetic
from ui.session.export import model_at_epoch, model_filename, model_json
from ui.session.recording import Recording
from ui.settings.experiment import DataSettings, Experiment, TrainingSettings

ROOT = Path(__file__).resolve().parent.parent


def _recording(data, train: TrainingSettings | None = None, until: int | None = 40) -> Recording:
    config = (train or TrainingSettings()).training_config(Experiment().network)
    rec = Recording(data.Z_train, data.y_train, config, data.Z_test, data.y_test)
    rec.extend(until_epoch=until)
    return rec


def _csv_data():
    rng = np.random.RandomState(3)
    X = rng.randn(200, 3)
    colour = np.where(rng.rand(200) > 0.5, "red", "blue")
    y = X[:, 0] + 0.5 * X[:, 1] - (colour == "red") > 0
    rows = ["width;height;depth;colour;label",
            *(f"{a:.4f};{b:.4f};{c:.4f};{k};{'yes' if t else 'no'}".replace(".", ",")
              for (a, b, c), k, t in zip(X, colour, y, strict=True))]
    return from_csv(load_csv("\n".join(rows).encode()), 0.25, 0, "shapes.csv"), "\n".join(rows)


def _snapshot_p(rec: Recording, epoch: int, Z: np.ndarray) -> np.ndarray:
    """p of the positive class by the recorded snapshot itself."""
    return rec.snapshot(epoch).predict_proba(Z)


@pytest.mark.parametrize("source", ["synthetic", "csv"])
def test_model_at_epoch_round_trips_and_predicts_as_the_snapshot(source):
    data = synthetic(DataSettings()) if source == "synthetic" else _csv_data()[0]
    rec = _recording(data)
    epoch = 17
    estimator, pre = model_at_epoch(rec, data, epoch)
    loaded = load_model(dump_model(estimator, pre))
    assert loaded.estimator.n_iter_ == epoch
    assert loaded.estimator.stop_rule_ is None and loaded.estimator.stop_reason_ is None
    assert loaded.estimator.loss_curve_ == [rec.snapshot(e).loss for e in range(1, epoch + 1)]
    assert list(loaded.estimator.classes_) == list(data.class_names)
    assert loaded.estimator.get_params()["learning_rate_init"] == rec.config.learning_rate_init
    assert loaded.estimator.get_params()["random_state"] == rec.config.random_state
    for X, Z in ((data.X_train, data.Z_train), (data.X_test, data.Z_test)):
        p = loaded.estimator.predict_proba(loaded.preprocessing.standardize(X))[:, 1]
        np.testing.assert_allclose(p, _snapshot_p(rec, epoch, Z), rtol=0, atol=1e-12)
    if source == "csv":
        assert loaded.preprocessing.to_dict() == data.preprocessing.to_dict()
    else:
        assert loaded.preprocessing.columns == list(data.feature_names) and loaded.preprocessing.target is None
        np.testing.assert_array_equal(loaded.preprocessing.mean, data.mean)


def test_the_final_snapshot_carries_why_training_stopped():
    data = synthetic(DataSettings())
    rec = _recording(data, TrainingSettings(max_epochs=25), until=None)
    assert rec.done
    estimator, _ = model_at_epoch(rec, data, rec.n_epochs - 1)
    assert estimator.stop_rule_ == rec.final.stop_rule and estimator.stop_reason_ == rec.final.stop_reason
    loaded = load_model(model_json(rec, data, rec.n_epochs - 1)).estimator
    assert loaded.stop_rule_ == rec.final.stop_rule and loaded.n_iter_ == rec.n_epochs - 1
    assert model_filename(123) == "mlp-playground-epoch-123.json"


@pytest.mark.parametrize("source", ["synthetic", "csv"])
def test_downloaded_model_scores_a_file_from_the_command_line_with_the_same_probabilities(tmp_path, source):
    if source == "csv":
        data, text = _csv_data()
        new_file = "\n".join(text.splitlines()[:60]) + "\n;1,0;2;red;yes\n"  # one row with a missing cell
    else:
        data = synthetic(DataSettings())
        rows = np.round(data.X_test[:50], 6)
        new_file = pd.DataFrame(rows, columns=list(data.feature_names)).to_csv(index=False)
    rec = _recording(data)
    epoch = 23
    (tmp_path / "model.json").write_text(model_json(rec, data, epoch))
    (tmp_path / "new.csv").write_text(new_file)
    run = subprocess.run([sys.executable, "-m", "mlp_core", "predict", str(tmp_path / "model.json"),
                          str(tmp_path / "new.csv"), "--out", str(tmp_path / "pred.csv")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    cli = pd.read_csv(tmp_path / "pred.csv", dtype=str, keep_default_na=False)
    p_cli = np.array([float(v) if v else np.nan for v in cli["probability"]])

    scored = score_table(load_model(model_json(rec, data, epoch)), new_file.encode())
    np.testing.assert_array_equal(p_cli, scored.frame["probability"].to_numpy(dtype=float))
    ok = scored.frame["reason"] == ""
    assert (~ok).sum() == (1 if source == "csv" else 0)
    X = data.preprocessing.encode(scored.frame[data.preprocessing.columns], decimal_comma=True)[0] \
        if source == "csv" else scored.frame[list(data.feature_names)].to_numpy(dtype=float)
    Z = (X[ok.to_numpy()] - data.mean) / data.scale
    # The snapshot's predict_proba is the compiled forward pass; the estimator's is NumPy's: they may differ
    # in the last bit of a double (1.1e-16 seen), never more.
    np.testing.assert_allclose(p_cli[ok.to_numpy()], _snapshot_p(rec, epoch, Z), rtol=0, atol=1e-12)
