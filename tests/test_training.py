"""The training generator: snapshots, stopping rules, divergence, determinism."""

import dataclasses

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier

from mlp_core import MLPBinaryClassifier, TrainingConfig, train


def _xor3(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n, 3))
    y = (np.prod(np.sign(X), axis=1) > 0).astype(float)
    return X, y


def _flat(snap):
    return np.concatenate([a.ravel() for a in snap.coefs + snap.intercepts])


def test_first_snapshot_is_the_initial_weights_and_then_one_per_epoch():
    X, y = _xor3()
    config = TrainingConfig(random_state=4, max_iter=20, tol=None, weight_tol=None)
    snaps = list(train(X, y, config))
    assert [s.epoch for s in snaps] == list(range(21))
    assert snaps[0].max_weight_change is None and snaps[0].stop_reason is None
    assert all(s.stop_reason is None for s in snaps[:-1])
    assert snaps[-1].stop_rule == "max_iter" and "max_iter=20" in snaps[-1].stop_reason
    # The same run by scikit-learn (full-batch gradient descent, no early stop): the same weights and losses.
    ref = MLPClassifier(hidden_layer_sizes=(3, 2), solver="sgd", momentum=0.0, learning_rate_init=0.1, alpha=0.0,
                        batch_size=len(X), shuffle=False, max_iter=20, n_iter_no_change=10**6, random_state=4)
    with pytest.warns(ConvergenceWarning):
        ref.fit(X, y)
    fitted = np.concatenate([a.ravel() for a in ref.coefs_ + ref.intercepts_])
    np.testing.assert_allclose(_flat(snaps[-1]), fitted, rtol=0, atol=1e-13)
    np.testing.assert_allclose([s.loss for s in snaps[1:]], ref.loss_curve_, rtol=0, atol=1e-13)


def test_snapshot_fields_are_consistent_with_the_weights():
    X, y = _xor3()
    X_val, y_val = _xor3(100, seed=1)
    snaps = list(train(X, y, TrainingConfig(random_state=4, max_iter=5, tol=None), X_val, y_val))
    for before, after in zip(snaps, snaps[1:], strict=False):
        np.testing.assert_allclose(after.max_weight_change, np.max(np.abs(_flat(after) - _flat(before))))
    for s in snaps:
        assert len(s.grad_norms) == 3 and all(g >= 0 for g in s.grad_norms)
        np.testing.assert_allclose(
            s.grad_norms[0], np.sqrt(np.sum(s.coef_grads[0] ** 2) + np.sum(s.intercept_grads[0] ** 2))
        )
        model = MLPBinaryClassifier().fit(X[:4], [0, 1, 0, 1])  # any fitted model, then give it s's weights
        model.coefs_, model.intercepts_ = list(s.coefs), list(s.intercepts)
        assert s.accuracy == pytest.approx(model.score(X, y))
        assert s.val_accuracy == pytest.approx(model.score(X_val, y_val))


def test_snapshots_are_read_only_copies():
    X, y = _xor3()
    gen = train(X, y, TrainingConfig(random_state=0, max_iter=10))
    first = next(gen)
    kept = _flat(first).copy()
    for _ in range(5):
        next(gen)
    np.testing.assert_array_equal(_flat(first), kept)
    with pytest.raises(ValueError, match="read-only"):
        first.coefs[0][0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.epoch = 3


def test_closing_the_generator_midway_leaves_every_yielded_snapshot_whole():
    X, y = _xor3()
    gen = train(X, y, TrainingConfig(random_state=0, max_iter=100, tol=None))
    seen = [next(gen) for _ in range(7)]
    gen.close()
    again = list(train(X, y, TrainingConfig(random_state=0, max_iter=6, tol=None)))
    for a, b in zip(seen, again, strict=True):
        np.testing.assert_array_equal(_flat(a), _flat(b))


def test_same_seed_gives_identical_snapshots_and_another_seed_does_not():
    X, y = _xor3()
    config = TrainingConfig(random_state=11, max_iter=30, batch_size=32, solver="adam", learning_rate_init=0.01)
    a, b = list(train(X, y, config)), list(train(X, y, config))
    assert len(a) == len(b)
    for s, t in zip(a, b, strict=True):
        np.testing.assert_array_equal(_flat(s), _flat(t))
        assert s.loss == t.loss
    c = list(train(X, y, dataclasses.replace(config, random_state=12)))
    assert not np.array_equal(_flat(a[-1]), _flat(c[-1]))


def test_article_stop_rule_stops_at_the_first_epoch_whose_weights_barely_moved():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 3)
    y = (X[:, 0] + rng.randn(300) > 0).astype(float)  # noisy labels: the weights settle instead of growing
    weight_tol = 1e-3
    config = TrainingConfig(random_state=2, max_iter=20000, tol=None, weight_tol=weight_tol)
    snaps = list(train(X, y, config))
    last = snaps[-1]
    assert last.stop_rule == "weight_tol", last.stop_reason
    assert last.max_weight_change < weight_tol
    assert all(s.max_weight_change >= weight_tol for s in snaps[1:-1])
    # Independently: the largest change between consecutive snapshots first drops below tol here.
    changes = [np.max(np.abs(_flat(b) - _flat(a))) for a, b in zip(snaps, snaps[1:], strict=False)]
    assert int(np.argmax(np.array(changes) < weight_tol)) + 1 == last.epoch


def test_divergence_stops_with_a_reason_and_finite_weights_everywhere():
    X, y = _xor3()
    X_val, y_val = _xor3(50, seed=3)
    for activation in ("relu", "logistic", "tanh", "identity"):
        config = TrainingConfig(random_state=0, learning_rate_init=50.0, activation=activation, max_iter=500)
        snaps = list(train(X, y, config, X_val, y_val))
        last = snaps[-1]
        assert last.stop_rule == "diverged", (activation, last.stop_reason)
        assert "Lower the learning rate" in last.stop_reason
        assert last.epoch == snaps[-2].epoch  # the diverged epoch's weights are not kept
        for s in snaps:
            values = [*_flat(s), s.loss, *s.grad_norms, s.accuracy, s.val_loss, s.val_accuracy]
            assert np.all(np.isfinite(np.array(values, dtype=float))), activation


def test_divergence_to_overflow_is_caught_without_warnings(recwarn):
    X, y = _xor3()
    X = X * 1e6  # unscaled inputs make the identity network overflow
    config = TrainingConfig(random_state=0, learning_rate_init=10.0, activation="identity", max_iter=100)
    last = list(train(X, y, config))[-1]
    assert last.stop_rule == "diverged"
    assert np.all(np.isfinite(_flat(last)))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_evaluate_every_measures_only_when_asked():
    X, y = _xor3()
    snaps = list(train(X, y, TrainingConfig(random_state=0, max_iter=10, tol=None), evaluate_every=4))
    measured = [s.epoch for s in snaps if s.accuracy is not None]
    assert measured == [0, 4, 8, 10]
    assert all(s.accuracy is None for s in train(X, y, TrainingConfig(max_iter=3), evaluate_every=0))


def test_initial_params_are_used_as_given():
    X, y = _xor3()
    first = next(train(X, y, TrainingConfig(random_state=5)))
    again = next(train(X, y, TrainingConfig(random_state=99), initial_params=(first.coefs, first.intercepts)))
    np.testing.assert_array_equal(_flat(first), _flat(again))
    assert first.loss == again.loss


def test_default_network_learns_xor_over_octants():
    X, y = _xor3(400)
    model = MLPBinaryClassifier(hidden_layer_sizes=(8, 4), learning_rate_init=0.5, max_iter=3000,
                                random_state=1, momentum=0.9)
    model.fit(X, y)
    assert model.score(X, y) > 0.9


@pytest.mark.parametrize("settings", [
    dict(),  # the article's plain full-batch gradient descent
    dict(momentum=0.9),
    dict(momentum=0.9, nesterovs_momentum=True, batch_size=16),  # shuffled mini-batches: the rng and row order
    dict(solver="adam", learning_rate_init=0.01, batch_size=32, alpha=0.01),
    dict(tol=3e-4, n_iter_no_change=3),  # the loss rule's counters: it stops the run at epoch 23
])
def test_training_goes_on_from_a_resumable_snapshot_exactly_as_it_would_have(settings):
    X, y = _xor3()
    config = TrainingConfig(max_iter=60, random_state=3, **{"weight_tol": None, "tol": None, **settings})
    straight = list(train(X, y, config, X[:20], y[:20]))
    marks = (0, len(straight) // 5, len(straight) // 2)
    assert marks[1] >= 2
    kept = {s.epoch: s for s in train(X, y, config, X[:20], y[:20], resumable=lambda e: e in marks)}
    assert {e for e, s in kept.items() if s.resume is not None} == set(marks) and kept[1].resume is None
    for epoch in marks:
        resumed = list(train(X, y, config, X[:20], y[:20], start=kept[epoch]))
        assert [s.epoch for s in resumed] == [s.epoch for s in straight[epoch + 1:]]
        for a, b in zip(resumed, straight[epoch + 1:], strict=True):
            np.testing.assert_array_equal(a.params, b.params)
            np.testing.assert_array_equal(a.grads, b.grads)
            assert (a.loss, a.accuracy, a.val_loss, a.stop_rule) == (b.loss, b.accuracy, b.val_loss, b.stop_rule)


def test_k_class_snapshots_measure_accuracy_and_validation_loss_of_their_own_softmax():
    rng = np.random.RandomState(2)
    X, X_val = rng.randn(240, 3), rng.randn(80, 3)
    y, y_val = (np.digitize(Z[:, 0] + Z[:, 1] * Z[:, 2], [-0.5, 0.5]) for Z in (X, X_val))
    config = TrainingConfig(hidden_layer_sizes=(5,), random_state=1, max_iter=30, tol=None, weight_tol=None)
    snaps = list(train(X, y, config, X_val=X_val, y_val=y_val, n_classes=3))
    assert snaps[-1].coefs[-1].shape == (5, 3)
    for snap in (snaps[0], snaps[-1]):
        P, P_val = snap.predict_proba(X), snap.predict_proba(X_val)
        assert P.shape == (240, 3) and P_val.shape == (80, 3)
        assert snap.accuracy == np.mean(P.argmax(axis=1) == y)
        assert snap.val_accuracy == np.mean(P_val.argmax(axis=1) == y_val)
        np.testing.assert_allclose(snap.val_loss, log_loss(y_val, P_val, labels=range(3)), rtol=1e-12)
    assert snaps[-1].loss < snaps[0].loss
