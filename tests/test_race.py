"""The race of optimizers (``mlp_core.race``): each run is, bit for bit, the ``mlp_core`` run of its settings
written out by hand; the winner and the diverged runs are read from the losses; the shared landscape holds every
path around the winner's final weights."""

import numpy as np

from mlp_core import TrainingConfig, train
from mlp_core import landscape as ls
from mlp_core.datasets import make_dataset
from mlp_core.race import contenders, race, race_landscape, winner


def _data(n=240):
    ds = make_dataset("moons", n=n, noise=0.1, seed=3)
    return (ds.X - ds.X.mean(axis=0)) / ds.X.std(axis=0), ds.y.astype(float)


BASE = TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None, weight_tol=1e-6)
# The same runs, each written out as a TrainingConfig of its own.
BY_HAND = {
    "gradient descent, 0.1": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                            learning_rate_init=0.1),
    "momentum, 0.1": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                    learning_rate_init=0.1, momentum=0.9),
    "Nesterov, 0.1": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                    learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=True),
    "Adam, 0.1": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None, solver="adam",
                                learning_rate_init=0.1),
    "gradient descent, 3": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                          learning_rate_init=3.0),
    "momentum, 3": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                  learning_rate_init=3.0, momentum=0.9),
    "Nesterov, 3": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None,
                                  learning_rate_init=3.0, momentum=0.9, nesterovs_momentum=True),
    "Adam, 3": TrainingConfig(random_state=11, max_iter=150, alpha=0.001, batch_size=32, tol=None, solver="adam",
                              learning_rate_init=3.0),
}


def test_each_run_of_the_race_is_the_mlp_core_run_of_its_settings_bit_for_bit():
    X, y = _data()
    laps = race(X, y, BASE, contenders([0.1, 3.0]), kept=40)
    assert [lap.contender.name for lap in laps] == list(BY_HAND)
    for lap in laps:
        alone = list(train(X, y, BY_HAND[lap.contender.name], evaluate_every=0))
        ended = alone[-1]
        kept = [s for s in alone if s.stop_rule != "diverged"]
        np.testing.assert_array_equal(lap.losses, [s.loss for s in kept])
        by_epoch = {s.epoch: s.params for s in kept}
        np.testing.assert_array_equal(lap.params, [by_epoch[e] for e in lap.epochs])
        assert lap.epochs[0] == 0 and lap.epochs[-1] == kept[-1].epoch and len(lap.epochs) <= 41
        np.testing.assert_array_equal(lap.params[0], alone[0].params)  # the same initial weights for all
        assert (lap.stop_rule, lap.stop_reason) == (ended.stop_rule, ended.stop_reason)
    assert all(np.array_equal(lap.params[0], laps[0].params[0]) for lap in laps)


def test_the_winner_has_the_lowest_loss_of_the_runs_that_did_not_diverge():
    X, y = _data()
    laps = race(X, y, BASE, contenders([0.1, 3.0]))
    diverged = {lap.contender.name for lap in laps if lap.diverged}
    assert diverged and len(diverged) < len(laps)  # 3 is too large a step for some of them here, not for all
    best = winner(laps)
    assert best.contender.name not in diverged
    assert best.best_loss == min(min(lap.losses) for lap in laps if not lap.diverged)
    assert best.losses[best.best_epoch] == best.best_loss
    assert winner([lap for lap in laps if lap.diverged]) is None


def test_the_race_landscape_holds_every_path_around_the_winners_final_weights():
    X, y = _data()
    laps = race(X, y, BASE, contenders([0.1]))
    arch = train(X, y, BASE).__next__().architecture
    loss = ls.LossFunction(X, y, arch, BASE.alpha)
    shared, paths = race_landscape(loss, laps, points=15)
    best = winner(laps)
    np.testing.assert_array_equal(shared.plane.origin, best.params[-1])
    row, col = shared.origin_index
    assert shared.loss[row, col] == loss(best.params[-1])
    np.testing.assert_allclose(shared.plane.directions @ shared.plane.directions.T, np.eye(2), atol=1e-12)
    for lap, path in zip(laps, paths, strict=True):
        assert path.shape == (len(lap.epochs), 2)
        assert shared.x[0] <= path[:, 0].min() and path[:, 0].max() <= shared.x[-1]
        assert shared.y[0] <= path[:, 1].min() and path[:, 1].max() <= shared.y[-1]
    np.testing.assert_allclose(paths[laps.index(best)][-1], [0.0, 0.0], atol=1e-12)
