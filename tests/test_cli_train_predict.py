"""``python -m mlp_core train`` and ``predict``, run in a subprocess: the model file, the metrics, the
predictions (the same numbers as ``score_table`` in this process, formula cells neutralized, no row
dropped), and one ``error:`` line with exit status 2 for anything it cannot use."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlp_core.persistence import load_model
from mlp_core.scoring import score_table

ROOT = Path(__file__).resolve().parent.parent
NOTES = ["=SUM(A1)", "-cmd", "hello", "@x", "+1+1"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlp_core", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def _csv(n: int = 200, seed: int = 1) -> str:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X[:, 0] + 0.5 * X[:, 1] - X[:, 2] + 0.3 * rng.normal(size=n) > 0
    rows = [",".join([*(repr(float(v)) for v in x), NOTES[i % len(NOTES)] + str(i), "yes" if t else "no"])
            for i, (x, t) in enumerate(zip(X, y, strict=True))]
    return "\n".join(["x1,x2,x3,note,label", *rows]) + "\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    data = folder / "data.csv"
    data.write_text(_csv(), encoding="utf-8")
    model = folder / "model.json"
    result = _run("train", str(data), "--out", str(model), "--epochs", "400", "--seed", "2")
    assert result.returncode == 0, result.stderr
    return folder, data, model, result


def _predictions(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_train_writes_a_loadable_model_and_prints_metrics(trained):
    _, _, model, result = trained
    loaded = load_model(model.read_bytes())
    assert loaded.preprocessing.columns == ["x1", "x2", "x3"]  # the free-text note column is not an input
    assert (loaded.preprocessing.positive, loaded.preprocessing.negative) == ("yes", "no")
    metrics = json.loads(result.stdout)
    assert set(metrics) == {"train", "test", "epochs", "stop_rule", "stop_reason"}
    for part in ("train", "test"):
        assert set(metrics[part]) == {"rows", "accuracy", "log_loss", "roc_auc"}
    assert metrics["test"]["rows"] == 50 and metrics["test"]["roc_auc"] > 0.9
    assert metrics["epochs"] == loaded.estimator.n_iter_ <= 400
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr


def test_predict_to_a_file_prints_metrics_and_matches_score_table(trained):
    folder, data, model, _ = trained
    out = folder / "pred.csv"
    result = _run("predict", str(model), str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["rows"] == 200 and {"accuracy", "log_loss", "roc_auc", "confusion_matrix"} <= set(metrics)
    frame = _predictions(out.read_text(encoding="utf-8"))
    assert list(frame.columns) == ["x1", "x2", "x3", "note", "label", "probability", "prediction", "reason"]
    expected = score_table(load_model(model.read_bytes()), data.read_bytes())
    assert [float(p) for p in frame["probability"]] == expected.frame["probability"].tolist()  # exact
    assert frame["prediction"].tolist() == expected.frame["prediction"].tolist()
    assert frame["x1"].tolist() == expected.frame["x1"].tolist()  # numbers, negative ones too, untouched


def test_predict_neutralizes_formula_cells(trained):
    _, data, model, _ = trained
    result = _run("predict", str(model), str(data))
    assert result.returncode == 0, result.stderr
    notes = _predictions(result.stdout)["note"].tolist()
    assert notes[:5] == ["'=SUM(A1)0", "'-cmd1", "hello2", "'@x3", "'+1+14"]


def test_predict_to_stdout_puts_metrics_on_stderr(trained):
    _, data, model, _ = trained
    result = _run("predict", str(model), str(data))
    assert result.returncode == 0
    assert len(_predictions(result.stdout)) == 200
    (line,) = result.stderr.splitlines()
    assert line.startswith("metrics: ") and json.loads(line.removeprefix("metrics: "))["rows"] == 200


def test_predict_keeps_unscorable_rows_with_a_reason(trained):
    folder, _, model, _ = trained
    data = folder / "gaps.csv"
    data.write_text("x3,x1,x2\n0.5,1.0,-2.0\n0.1,,0.3\n1.0,2.0,abc\n", encoding="utf-8")
    out = folder / "gaps_pred.csv"
    result = _run("predict", str(model), str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # no target column: no metrics
    assert result.stderr.startswith("notice: 2 of 3 rows could not be scored")
    frame = _predictions(out.read_text(encoding="utf-8"))
    assert frame["probability"].tolist()[1:] == ["", ""] and frame["probability"][0] != ""
    assert frame["reason"].tolist() == ["", "'x1' is missing", "'x2' is not a finite number: 'abc'"]


def _refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("make_args", "words"), [
    (lambda d, m, t: ["train", str(t / "missing.csv"), "--out", str(t / "m.json")], ["missing.csv"]),
    (lambda d, m, t: ["train", str(d)], ["--out"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "no" / "dir" / "m.json")], ["cannot write"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--hidden", "3,x"], ["--hidden"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--lr", "-1"], ["--lr must be > 0"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--solver", "lbfgs"], ["--solver must be"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--test-size", "1.5"], ["--test-size must be"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--target", "nope"], ["'nope'"]),
    (lambda d, m, t: ["train", str(d), "--out", str(t / "m.json"), "--lr", "1e6", "--epochs", "50"],
     ["Lower the learning rate (--lr = "]),
    (lambda d, m, t: ["predict", str(t / "missing.json"), str(d)], ["missing.json"]),
    (lambda d, m, t: ["predict", str(d), str(d)], ["not a model file"]),
    (lambda d, m, t: ["predict", str(m), str(t / "missing.csv")], ["missing.csv"]),
    (lambda d, m, t: ["predict", str(m), _write(t, "wrong.csv", "x1,y,label\n1,2,yes\n3,4,no\n")],
     ["'x2'", "'x1', 'y', 'label'"]),
    (lambda d, m, t: ["predict", str(m), _write(t, "empty.csv", "")], ["empty"]),
    (lambda d, m, t: ["predict", str(m)], ["file"]),
], ids=["train-missing-file", "train-no-out", "train-unwritable-out", "bad-hidden", "bad-lr", "bad-solver",
        "bad-test-size", "unknown-target", "diverges", "missing-model", "not-a-model", "predict-missing-file",
        "missing-column", "empty-csv", "predict-no-file"])
def test_unusable_input_gives_one_error_line_and_exit_2(trained, tmp_path, make_args, words):
    _, data, model, _ = trained
    line = _refused(_run(*make_args(data, model, tmp_path)))
    for word in words:
        assert word in line, line


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _penguins_like(n: int = 240, seed: int = 3) -> str:
    """Three species told apart by two measurements and an island, with a text column, names with spaces."""
    rng = np.random.default_rng(seed)
    species = np.array(["Adelie", "Chinstrap", "Gentoo penguin"])[np.arange(n) % 3]
    centre = {"Adelie": (38.8, 18.3), "Chinstrap": (48.8, 18.4), "Gentoo penguin": (47.5, 15.0)}
    rows = []
    for i, s in enumerate(species):
        bill, depth = rng.normal(centre[s], (2.5, 0.9))
        island = "Biscoe" if s == "Gentoo penguin" or i % 5 == 0 else "Dream"
        rows.append(f"{bill:.1f},{depth:.1f},{island},{s}")
    return "\n".join(["bill_length,bill_depth,island,species", *rows]) + "\n"


@pytest.fixture(scope="module")
def trained_three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli3")
    data = folder / "penguins.csv"
    data.write_text(_penguins_like(), encoding="utf-8")
    model = folder / "model.json"
    result = _run("train", str(data), "--target", "species", "--hidden", "6", "--epochs", "300", "--seed", "1",
                  "--out", str(model))
    assert result.returncode == 0, result.stderr
    return folder, data, model, result


def test_train_three_classes_writes_a_softmax_model_and_per_class_metrics(trained_three):
    _, _, model, result = trained_three
    doc = json.loads(model.read_text(encoding="utf-8"))
    assert doc["architecture"]["output_activation"] == "softmax" and len(doc["coefs"][-1][0]) == 3
    loaded = load_model(model.read_bytes())
    assert loaded.preprocessing.classes == ("Adelie", "Chinstrap", "Gentoo penguin")
    assert loaded.preprocessing.positive is None
    metrics = json.loads(result.stdout)
    for part in ("train", "test"):
        assert set(metrics[part]) == {"rows", "accuracy", "log_loss", "roc_auc", "roc_auc_per_class"}
        assert set(metrics[part]["roc_auc_per_class"]) == set(loaded.preprocessing.classes)
    assert metrics["test"]["rows"] == 60 and metrics["test"]["accuracy"] > 0.9  # three well-separated species


def test_predict_three_classes_writes_each_class_probability_and_a_k_by_k_confusion_matrix(trained_three):
    folder, data, model, _ = trained_three
    out = folder / "pred.csv"
    result = _run("predict", str(model), str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = _predictions(out.read_text(encoding="utf-8"))
    classes = ["Adelie", "Chinstrap", "Gentoo penguin"]
    columns = [f"probability_{c}" for c in classes]
    assert list(frame.columns) == ["bill_length", "bill_depth", "island", "species", *columns, "prediction", "reason"]
    P = frame[columns].astype(float).to_numpy()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert frame["prediction"].tolist() == [classes[i] for i in P.argmax(axis=1)]
    estimator = load_model(model.read_bytes())
    expected = score_table(estimator, data.read_bytes())
    for column in columns:
        assert [float(p) for p in frame[column]] == expected.frame[column].tolist()  # exact
    metrics = json.loads(result.stdout)
    matrix = np.array(metrics["confusion_matrix"]["rows_true_columns_predicted"])
    assert metrics["confusion_matrix"]["labels"] == classes and matrix.shape == (3, 3)
    truth = frame["species"].map(classes.index).to_numpy()
    for i in range(3):
        for j in range(3):
            assert matrix[i, j] == np.sum((truth == i) & (P.argmax(axis=1) == j))
    assert metrics["accuracy"] == np.trace(matrix) / 240


def test_inspect_three_classes_and_one_against_the_rest(tmp_path):
    data = tmp_path / "penguins.csv"
    data.write_text(_penguins_like(), encoding="utf-8")
    report = json.loads(_run("inspect", str(data), "--target", "species").stdout)
    assert report["labels"] == ["Adelie", "Chinstrap", "Gentoo penguin"] and report["positive"] is None
    report = json.loads(_run("inspect", str(data), "--target", "species", "--positive", "gentoo penguin").stdout)
    assert report["labels"] == ["rest", "Gentoo penguin"] and report["positive"] == "Gentoo penguin"
