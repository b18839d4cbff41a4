"""The vanishing-gradient experiment (ui/vanishing.py): ReLU against sigmoid from the same weights."""

import dataclasses
import re

import numpy as np
import pytest

from mlp_core.config import TrainingConfig
from mlp_core.network import init_params, layer_units, loss_and_gradients
from mlp_core.training import train
from ui.common.figures import ZERO_FLOOR
from ui.learn import vanishing
from ui.learn.vanishing import DEEP, VanishingRun, explanation, layer_ratio, vanishing_experiment, vanishing_figure
from ui.session.data import synthetic
from ui.settings.experiment import DataSettings

SEED = 6  # the main page's default training seed


@pytest.fixture(scope="module")
def data():
    return synthetic(DataSettings())


@pytest.fixture(scope="module")
def deep_runs(data):
    return vanishing_experiment(data.Z_train, data.y_train, DEEP, 0.1, 300, SEED)


def _reference_norms(coefs, intercepts, Z, y, activation):
    """Per layer ‖(dW, db)‖ from the reference backward pass in mlp_core.network."""
    loss, dW, db, _ = loss_and_gradients(coefs, intercepts, Z, y.reshape(-1, 1).astype(float), activation, 0.0)
    return loss, np.array([np.sqrt(np.sum(w**2) + np.sum(b**2)) for w, b in zip(dW, db, strict=True)])


def _dead_relu_seed(Z, y, hidden):
    """A seed whose initial ReLU network passes no gradient back to layer 1."""
    for seed in range(200):
        coefs, intercepts = init_params(layer_units(Z.shape[1], hidden), "relu", seed)
        if _reference_norms(coefs, intercepts, Z, y, "relu")[1][0] == 0:
            return seed
    raise AssertionError("no seed in 0..199 gives a dead ReLU network")


def test_both_runs_start_from_the_same_weights_and_differ_only_in_activation(data, monkeypatch):
    calls = []

    def spy(X, y, config, **kwargs):
        calls.append((config, kwargs["initial_params"]))
        return train(X, y, config, **kwargs)

    monkeypatch.setattr(vanishing, "train", spy)
    vanishing_experiment(data.Z_train, data.y_train, (3, 3, 3), 0.2, 5, SEED)
    (relu_config, relu_params), (sigmoid_config, sigmoid_params) = calls
    assert relu_config.activation == "relu" and sigmoid_config.activation == "logistic"
    assert dataclasses.replace(relu_config, activation="logistic") == sigmoid_config
    assert relu_config.solver == "sgd" and relu_config.momentum == 0 and relu_config.alpha == 0
    assert relu_config.tol is None and relu_config.weight_tol is None and relu_config.max_iter == 5
    expected = init_params(layer_units(3, (3, 3, 3)), "relu", SEED)
    for params in (relu_params, sigmoid_params):
        for got, want in zip([*params[0], *params[1]], [*expected[0], *expected[1]], strict=True):
            np.testing.assert_array_equal(got, want)


def test_epoch_0_gradient_norms_and_loss_match_the_reference_backward_pass(data):
    runs = vanishing_experiment(data.Z_train, data.y_train, DEEP, 0.1, 3, SEED)
    coefs, intercepts = init_params(layer_units(3, DEEP), "relu", SEED)
    for activation, run in runs.items():
        loss, norms = _reference_norms(coefs, intercepts, data.Z_train, data.y_train, activation)
        assert run.grad_norms.shape == (3, len(DEEP) + 1) and run.loss.shape == (3,)
        np.testing.assert_allclose(run.grad_norms[0], norms, rtol=1e-9, atol=0)
        np.testing.assert_allclose(run.loss[0], loss, rtol=1e-12)


def test_row_k_is_measured_at_the_weights_after_k_epochs(data):
    epochs = 20
    run = vanishing_experiment(data.Z_train, data.y_train, (4, 3), 0.5, epochs, SEED)["logistic"]
    config = TrainingConfig(hidden_layer_sizes=(4, 3), activation="logistic", learning_rate_init=0.5,
                            max_iter=epochs, tol=None, weight_tol=None).validate()
    initial = init_params(layer_units(3, (4, 3)), "relu", SEED)
    snaps = list(train(data.Z_train, data.y_train, config, initial_params=initial, evaluate_every=0))
    for k in (0, 1, 7, epochs - 1):
        loss, norms = _reference_norms(snaps[k].coefs, snaps[k].intercepts, data.Z_train, data.y_train, "logistic")
        np.testing.assert_allclose(run.grad_norms[k], norms, rtol=1e-9)
        np.testing.assert_allclose(run.loss[k], loss, rtol=1e-12)
    last = snaps[-1]
    p = last.predict_proba(data.Z_train)
    assert run.accuracy == np.mean((p > 0.5) == (data.y_train == 1))
    np.testing.assert_allclose(run.layer_change[0], np.linalg.norm(np.concatenate(
        [(last.coefs[0] - initial[0][0]).ravel(), last.intercepts[0] - initial[1][0]])) / np.linalg.norm(
        np.concatenate([initial[0][0].ravel(), initial[1][0]])), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, SEED])
def test_on_the_deep_net_sigmoid_starves_the_first_layer(data, seed):
    runs = vanishing_experiment(data.Z_train, data.y_train, DEEP, 0.1, 300, seed)
    relu, sigmoid = runs["relu"], runs["logistic"]
    assert layer_ratio(sigmoid) < layer_ratio(relu) / 10
    # Over training: the first layer's gradient is far smaller throughout, and its weights barely move.
    assert np.median(sigmoid.grad_norms[:, 0]) < np.median(relu.grad_norms[:, 0]) / 10
    assert sigmoid.layer_change[0] < relu.layer_change[0] / 10
    assert relu.final_loss < 0.5 * sigmoid.final_loss


def test_baseline_loss_is_the_entropy_of_the_class_share(deep_runs, data):
    q = data.y_train.mean()
    for run in deep_runs.values():
        np.testing.assert_allclose(run.baseline_loss, -(q * np.log(q) + (1 - q) * np.log(1 - q)), rtol=1e-12)


def test_figure_has_one_trace_per_layer_per_panel_on_a_shared_log_axis(deep_runs):
    fig = vanishing_figure(deep_runs)
    layers = len(DEEP) + 1
    assert len(fig.data) == 2 * layers
    left, right = fig.data[:layers], fig.data[layers:]
    assert {t.xaxis for t in left} == {"x"} and {t.xaxis for t in right} == {"x2"}
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert fig.layout.yaxis2.matches == "y"
    assert [t.name for t in left] == [t.name for t in right]
    assert left[0].name == "layer 1 (input side)" and left[-1].name == f"layer {layers} (output)"
    assert all(t.showlegend for t in left) and not any(t.showlegend for t in right)
    colours = [t.line.color for t in left]
    assert len(set(colours)) == layers and colours == [t.line.color for t in right]
    np.testing.assert_allclose(left[0].y, deep_runs["relu"].grad_norms[:, 0])
    np.testing.assert_allclose(right[-1].y, deep_runs["logistic"].grad_norms[:, -1])
    assert fig.layout.xaxis.title.text == "epoch" and fig.layout.yaxis.title.text
    assert "ReLU" in fig.layout.annotations[0].text and "sigmoid" in fig.layout.annotations[1].text


def test_loss_figure_overlays_both_runs_and_the_baseline(deep_runs):
    fig = vanishing.vanishing_loss_figure(deep_runs)
    assert [t.name for t in fig.data[:2]] == ["ReLU hidden units", "sigmoid hidden units"]
    np.testing.assert_array_equal(fig.data[1].y, deep_runs["logistic"].loss)
    assert fig.data[2].y[0] == deep_runs["relu"].baseline_loss
    assert fig.layout.yaxis.title.text == "training log loss"


def test_dead_relu_network_is_drawn_at_the_floor_and_explained_without_nan(data):
    hidden = (3, 3, 3, 3, 3, 3)
    seed = _dead_relu_seed(data.Z_train, data.y_train, hidden)
    runs = vanishing_experiment(data.Z_train, data.y_train, hidden, 0.1, 50, seed)
    relu = runs["relu"]
    assert relu.grad_norms[0, 0] == 0 and layer_ratio(relu) == 0.0
    fig = vanishing_figure(runs)
    first = fig.data[0]
    assert np.all(np.asarray(first.y) == ZERO_FLOOR)
    assert all(text.startswith("exactly 0") for text in first.customdata)
    assert "1e-18" in fig.layout.title.text
    text = explanation(runs)
    assert not re.search(r"\bnan\b|\binf\b", text, re.IGNORECASE)
    assert "no gradient at all reaches layer" in text and "dead" in text


def test_explanation_without_any_gradient_has_no_nan():
    zeros = VanishingRun("relu", np.full(4, np.log(2)), np.zeros((4, 3)), float(np.log(2)), 0.5, np.zeros(3),
                         float(np.log(2)))
    sigmoid = dataclasses.replace(zeros, activation="logistic", grad_norms=np.array([[1e-6, 1e-3, 0.0]] * 4))
    assert np.isnan(layer_ratio(sigmoid))
    text = explanation({"relu": zeros, "logistic": sigmoid})
    assert not re.search(r"\bnan\b|\binf\b", text, re.IGNORECASE)
    assert "output layer's gradient is exactly 0" in text
    vanishing_figure({"relu": zeros, "logistic": sigmoid})  # draws


def test_explanation_quotes_the_measured_ratios_and_losses(deep_runs):
    text = explanation(deep_runs)
    quoted = [float(n.replace(",", "")) for n in re.findall(r"\*\*1/([\d,.]+)\*\*", text)]
    want = [1 / layer_ratio(deep_runs["logistic"]), 1 / layer_ratio(deep_runs["relu"])]
    np.testing.assert_allclose(quoted, want, rtol=0.05)
    assert f"{deep_runs['logistic'].final_loss:.3f}" in text and f"{deep_runs['relu'].final_loss:.3f}" in text
    assert "after 300 epochs" in text


def test_fractions_read_as_words():
    assert vanishing._fraction(0.0004) == "1/2,500"
    assert vanishing._fraction(2e-8) == "1/5.0e7"
    assert vanishing._fraction(3.2) == "3.2 times"


def test_diverged_run_keeps_its_last_good_epochs(data):
    runs = vanishing_experiment(data.Z_train, data.y_train, (8, 8, 8, 8, 8, 8, 8, 8), 0.5, 300, 0)
    diverged = [run for run in runs.values() if run.stop_reason]
    assert diverged, "expected the ReLU run to diverge at learning rate 0.5"
    for run in diverged:
        assert run.epochs < 300 and np.all(np.isfinite(run.loss)) and np.all(np.isfinite(run.grad_norms))
    assert "diverged" in explanation(runs)

