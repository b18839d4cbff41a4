"""How a run ended, as the Playground says it: a network that died is never a success, a death in training is a
learning-rate problem, and the words are the sidebar's, not scikit-learn's."""

import re

import numpy as np
import pytest

from mlp_core.explain import stuck_reason
from tests.apptest import click, messages, open_app, session_of
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.session.verdict import died_at, final_verdict, stuck_verdict
from ui.settings.link import from_query

SKLEARN_NAMES = re.compile(r"max_iter|learning_rate_init|weight_tol|n_iter_no_change|hidden_layer_sizes|\btol=|"
                           r"\balpha=|batch_size|random_state")


def _run(query: dict) -> tuple[Recording, object, object]:
    exp, _ = from_query(query)
    data = synthetic(exp.data)
    rec = Recording(data.Z_train, data.y_train, exp.train.training_config(exp.network), data.Z_test, data.y_test)
    rec.extend()
    return rec, data, exp


def _stuck(rec, data, epoch) -> bool:
    snap = rec.snapshot(epoch)
    return stuck_reason(snap.coefs, snap.intercepts, data.Z_train, "relu") is not None


def test_a_network_that_dies_after_a_large_step_is_a_learning_rate_problem():
    rec, data, exp = _run({"lr": "3"})
    last = rec.n_epochs - 1
    assert rec.final.stop_rule == "weight_tol"  # the core's rule fired: its weights stopped changing
    verdict = final_verdict(rec, data.Z_train, "relu", 3.0)
    assert verdict.kind == "warning" and verdict.cause == "learning rate"
    died = died_at(rec, data.Z_train, "relu", last)
    assert not _stuck(rec, data, 0) and not _stuck(rec, data, died - 1) and _stuck(rec, data, died)
    assert f"died in epoch {died}" in verdict.lead and "learning rate 3" in verdict.text
    assert "Lower the learning rate" in verdict.text


def test_a_network_that_fades_out_without_overshooting_is_a_problem_of_the_seed():
    rec, data, exp = _run({"seed": "1"})  # the default learning rate: the loss never rises, the units die slowly
    last = rec.n_epochs - 1
    died = died_at(rec, data.Z_train, "relu", last)
    assert died is not None and not _stuck(rec, data, died - 1)
    assert max(np.diff(rec.scalars("loss")[1:died + 1])) <= 0.1 * rec.scalar("loss", 1)  # no overshoot
    verdict = stuck_verdict(rec, data.Z_train, "relu", last, 0.1)
    assert verdict.cause == "initial weights" and f"got stuck in epoch {died}" in verdict.lead


def test_a_network_stuck_from_its_initial_weights_is_a_problem_of_the_seed():
    # The first weights seed, on the default data, whose network is dead before any step.
    for seed in range(300):
        rec, data, exp = _run({"seed": str(seed), "epochs": "5", "stop": "epochs"})
        if _stuck(rec, data, 0):
            break
    else:
        pytest.fail("no seed below 300 starts stuck")
    verdict = stuck_verdict(rec, data.Z_train, "relu", rec.n_epochs - 1, 0.1)
    assert verdict.cause == "initial weights" and "other initial weights" in verdict.text
    assert died_at(rec, data.Z_train, "relu", rec.n_epochs - 1) is None


def test_a_run_that_learned_ends_in_the_sidebars_words():
    rec, data, exp = _run({"stop": "loss"})
    verdict = final_verdict(rec, data.Z_train, "relu", 0.1)
    assert rec.final.stop_rule == "tol" and verdict.kind == "success"
    assert "improved by less than 0.0001 for 10 epochs in a row" in verdict.text
    assert not SKLEARN_NAMES.search(verdict.text)
    rec, data, exp = _run({"lr": "0.000001"})  # steps this small move no weight by 1e-6: the article's rule stops it
    verdict = final_verdict(rec, data.Z_train, "relu", 0.000001)
    assert rec.final.stop_rule == "weight_tol" and verdict.kind == "success"
    assert "the weights stopped changing" in verdict.text and not SKLEARN_NAMES.search(verdict.text)
    rec, data, exp = _run({"epochs": "30", "stop": "epochs"})
    verdict = final_verdict(rec, data.Z_train, "relu", 0.1)
    assert verdict.kind == "info" and "maximum number of epochs (30)" in verdict.text


def _page_text(at) -> str:
    """Everything a visitor reads on the page: markdown, captions, messages, widget labels and their help."""
    parts = [m.value for m in [*at.markdown, *at.caption, *at.title, *at.header, *at.subheader]]
    parts += messages(at)
    for widget in [*at.button, *at.slider, *at.select_slider, *at.selectbox, *at.number_input, *at.text_input,
                   *at.checkbox, *at.radio]:
        parts += [str(getattr(widget, "label", "")), str(getattr(widget, "help", "") or "")]
    return "\n".join(parts)


def test_the_playground_says_a_death_in_training_without_a_success_box():
    at = open_app({"lr": "3"})
    for _ in range(3):
        at = click(at, "b_step10")
    session = session_of(at)
    assert session.playback.epoch == session.recording.n_epochs - 1  # at the end of the run
    assert not at.success
    assert any("died in epoch" in m and "Lower the learning rate" in m for m in messages(at, "warning"))
    assert not [b for b in at.button if b.key == "b_reinit"]  # other initial weights would not help
    assert not SKLEARN_NAMES.search(_page_text(at))


@pytest.mark.parametrize("query", [{}, {"epochs": "20", "stop": "epochs"}, {"lr": "10"}],
                         ids=["start", "max-epochs", "diverged"])
def test_no_scikit_learn_parameter_names_on_the_playground(query):
    at = open_app(query)
    for _ in range(3):
        at = click(at, "b_step10")
    assert not at.exception
    assert not SKLEARN_NAMES.search(_page_text(at)), SKLEARN_NAMES.findall(_page_text(at))
