"""The loss landscape (``mlp_core.landscape``): the grid holds the final weights' training loss at its origin, as
training itself reports it; the other grid points are the reference network's loss at their weights; the trajectory
plane's directions are orthonormal and reconstruct the path within the variance they leave out (exactly when they
leave none); filter-normalized directions have each unit's norm; the profile ends on the final weights."""

import dataclasses

import numpy as np
import pytest

from mlp_core import TrainingConfig, train
from mlp_core import landscape as ls
from mlp_core.architecture import Architecture
from mlp_core.datasets import make_dataset
from mlp_core.network import layer_units, loss_and_gradients


def _data(n=300, name="spheres"):
    ds = make_dataset(name, n=n, noise=0.1, seed=0)
    return (ds.X - ds.X.mean(axis=0)) / ds.X.std(axis=0), ds.y.astype(float)


def _run(X, y, **settings):
    config = TrainingConfig(random_state=6, tol=None, weight_tol=None, **settings)
    snaps = list(train(X, y, config, evaluate_every=0))
    return config, snaps


def _reference_loss(arch, theta, X, y, alpha):
    """The readable reference network's loss (``mlp_core.network``), not the compiled kernels."""
    coefs, intercepts = [np.array(W) for W in arch.coefs(theta)], [np.array(b) for b in arch.intercepts(theta)]
    return loss_and_gradients(coefs, intercepts, X, y.reshape(-1, 1), arch.activation, alpha)[0]


@pytest.mark.parametrize("settings", [dict(max_iter=200), dict(max_iter=150, alpha=0.3),
                                      dict(max_iter=120, alpha=0.01, hidden_layer_sizes=(4,), activation="tanh")])
def test_the_grid_at_the_origin_is_the_loss_training_reports_for_the_final_weights(settings):
    X, y = _data()
    config, snaps = _run(X, y, **settings)
    thetas = np.array([s.params for s in snaps])
    shown = ls.trajectory_landscape(X, y, snaps[0].architecture, config.alpha, thetas, [s.epoch for s in snaps])
    # Training reports an epoch's loss on the weights before its update: one more full-batch epoch from the same
    # start measures the final weights.
    after = list(train(X, y, dataclasses.replace(config, max_iter=config.max_iter + 1), evaluate_every=0))[-1]
    row, col = shown.origin_index
    assert shown.x[col] == 0.0 and shown.y[row] == 0.0
    assert abs(shown.loss[row, col] - after.loss) <= 1e-12
    assert shown.loss.shape == (ls.GRID_POINTS, ls.GRID_POINTS)
    # Away from the origin, every grid point is the loss of its weights, by the reference network.
    for i, j in [(0, 0), (3, 37), (40, 11), (row, 40)]:
        theta = shown.plane.point(shown.x[j], shown.y[i])
        expected = _reference_loss(snaps[0].architecture, theta, X, y, config.alpha)
        assert abs(shown.loss[i, j] - expected) <= 1e-12 * max(1.0, expected)


def test_the_path_directions_are_orthonormal_and_reconstruct_the_weights_within_the_unexplained_variance():
    X, y = _data()
    _, snaps = _run(X, y, max_iter=300, solver="sgd", momentum=0.9)
    thetas = np.array([s.params for s in snaps])
    plane = ls.trajectory_plane(thetas)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(plane.origin, thetas[-1])
    coords = plane.project(thetas)
    rebuilt = np.array([plane.point(a, b) for a, b in coords])
    residual = np.sum((thetas - rebuilt) ** 2, axis=1)
    total = np.sum((thetas - thetas[-1]) ** 2)
    unexplained = (1.0 - plane.shares.sum()) * total
    assert 0.0 < plane.shares.sum() < 1.0 and plane.shares[0] >= plane.shares[1] > 0.0
    np.testing.assert_allclose(residual.sum(), unexplained, rtol=1e-8)
    assert np.all(residual <= unexplained * (1 + 1e-9))  # no point lies further off the plane than all of them
    assert np.all(coords[0] <= 0.0)  # the path arrives from the left and from below
    # The shares are those of the PCA itself: what the first direction alone leaves out, point by point.
    alone = thetas - thetas[-1] - np.outer(coords[:, 0], plane.directions[0])
    np.testing.assert_allclose(np.sum(alone**2), (1.0 - plane.shares[0]) * total, rtol=1e-8)


def test_two_directions_that_explain_everything_reconstruct_every_epoch_exactly():
    # Two epochs of training: the offsets from the final weights are θ₀ − θ₂, θ₁ − θ₂ and 0, which span a plane.
    X, y = _data()
    config, snaps = _run(X, y, max_iter=2, solver="adam", learning_rate_init=0.05)
    thetas = np.array([s.params for s in snaps])
    shown = ls.trajectory_landscape(X, y, snaps[0].architecture, config.alpha, thetas, [0, 1, 2])
    plane = shown.plane
    assert abs(plane.shares.sum() - 1.0) <= 1e-12
    rebuilt = np.array([plane.point(a, b) for a, b in shown.path])
    np.testing.assert_allclose(rebuilt, thetas, rtol=0, atol=1e-12)
    assert np.all(shown.off_plane <= 1e-12)


def test_weights_that_never_moved_are_refused_with_a_reason():
    theta = np.linspace(-1, 1, 23)
    with pytest.raises(ValueError, match="have not moved"):
        ls.trajectory_plane(np.array([theta, theta, theta]))


def test_filter_normalized_directions_give_each_unit_the_norm_of_its_weights_and_leave_biases_out():
    arch = Architecture(layer_units(3, (3, 2)), "relu")
    theta = np.random.RandomState(1).standard_normal(arch.size)
    theta[arch.table[0, 2] + 1::3][:3] = 0.0  # unit 2 of layer 1 has no incoming weight: its direction is zero too
    directions = ls.filter_normalized_directions(theta, arch, seed=4)
    for d in directions:
        for W, D in zip(arch.coefs(theta), arch.coefs(d), strict=True):
            np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
        assert not np.any(d[arch.weight_mask == 0])
    assert not np.allclose(directions[0], directions[1])
    np.testing.assert_array_equal(directions, ls.filter_normalized_directions(theta, arch, seed=4))
    assert not np.array_equal(directions, ls.filter_normalized_directions(theta, arch, seed=5))


def test_a_random_plane_spans_the_unit_square_and_projects_its_own_points_back():
    X, y = _data()
    config, snaps = _run(X, y, max_iter=50)
    arch, final = snaps[0].architecture, snaps[-1].params
    plane = ls.random_plane(final, arch, seed=2)
    shown = ls.landscape(ls.LossFunction(X, y, arch), plane, np.array([s.params for s in snaps]), range(51), 21)
    assert shown.x[0] == -1.0 and shown.x[-1] == 1.0 and shown.x[10] == 0.0
    np.testing.assert_allclose(plane.project(plane.point(0.3, -0.7)), [[0.3, -0.7]], atol=1e-12)
    row, col = shown.origin_index
    assert shown.loss[row, col] == ls.LossFunction(X, y, arch)(final)


def test_the_profile_runs_from_the_initial_to_exactly_the_final_weights():
    X, y = _data()
    config, snaps = _run(X, y, max_iter=100, alpha=0.1)
    arch = snaps[0].architecture
    loss = ls.LossFunction(X, y, arch, config.alpha)
    a, values = ls.profile(loss, snaps[0].params, snaps[-1].params)
    assert len(a) == ls.PROFILE_POINTS and a[0] == pytest.approx(-0.25) and a[-1] == pytest.approx(1.25)
    end, start = int(np.flatnonzero(a == 1.0)[0]), int(np.argmin(np.abs(a)))
    assert values[end] == loss(snaps[-1].params)
    assert abs(values[start] - snaps[0].loss) <= 1e-12  # epoch 0's loss is measured on the initial weights
    middle = 0.5 * (snaps[0].params + snaps[-1].params)
    assert abs(values[int(np.argmin(np.abs(a - 0.5)))] - _reference_loss(arch, middle, X, y, 0.1)) <= 1e-12


def test_the_axis_holds_zero_exactly_and_covers_the_range():
    for low, high, points in [(-3.1, 0.7, 41), (-1e-3, 2e-3, 11), (-1.0, 1.0, 41), (-5.0, 0.0, 7)]:
        axis = ls.axis_through_zero(low, high, points)
        assert len(axis) == points and 0.0 in axis
        step = (high - low) / (points - 1)
        assert axis[0] <= low + step / 2 + 1e-15 and axis[-1] >= high - step / 2 - 1e-15
