"""The compiled kernels compute what the NumPy reference computes, whatever the threads do."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba import njit

from mlp_core import kernels
from mlp_core.architecture import Architecture
from mlp_core.network import forward, init_params, layer_units, loss_and_gradients, one_hot

ROOT = Path(__file__).resolve().parent.parent


def _case(n, hidden=(3, 2), activation="relu", d=3, seed=0, n_classes=2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * 2
    y = rng.randint(0, n_classes, n).astype(float)
    units = layer_units(d, hidden, n_classes)
    coefs, intercepts = init_params(units, activation, rng)
    lay = Architecture(units, activation)
    return X, y, coefs, intercepts, lay


def _kernel_sums(X, y, lay, theta, lo=0, hi=None, rows=kernels.NO_ROWS):
    hi = len(X) if hi is None else hi
    partial = np.zeros((kernels.N_CHUNKS, lay.size + 1))
    return kernels.loss_and_gradient_sums(X, y, lo, hi, theta, lay.table, lay.code, sum(lay.units), partial, rows)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
@pytest.mark.parametrize("hidden", [(3, 2), (), (7, 5, 4)], ids=str)
@pytest.mark.parametrize("n", [1, 255, 4097, 20_000])  # one block, several, and the parallel path
def test_fused_pass_equals_numpy_reference(n, hidden, activation):
    X, y, coefs, intercepts, lay = _case(n, hidden, activation)
    sums = _kernel_sums(X, y, lay, lay.flatten(coefs, intercepts))
    loss, coef_grads, intercept_grads, _ = loss_and_gradients(coefs, intercepts, X, y.reshape(-1, 1), activation, 0.0)
    np.testing.assert_allclose(sums[-1] / n, loss, rtol=1e-12)
    np.testing.assert_allclose(sums[:-1] / n, lay.flatten(coef_grads, intercept_grads), rtol=1e-10, atol=1e-15)


def test_row_lists_and_slices_select_the_same_samples():
    X, y, coefs, intercepts, lay = _case(10_000)
    theta = lay.flatten(coefs, intercepts)
    rows = np.random.RandomState(1).permutation(10_000)
    picked = _kernel_sums(X, y, lay, theta, 3000, 9000, rows)
    direct = _kernel_sums(X[rows[3000:9000]], y[rows[3000:9000]], lay, theta)
    np.testing.assert_allclose(picked, direct, rtol=1e-12)
    sliced = _kernel_sums(X, y, lay, theta, 100, 7000)
    np.testing.assert_allclose(sliced, _kernel_sums(X[100:7000], y[100:7000], lay, theta), rtol=1e-12)


THREADS_CHECK = """
import numba, numpy as np
from numba import njit, prange
from tests.test_kernels import _case, _kernel_sums
from mlp_core import kernels

@njit(parallel=True)
def threads_that_ran(chunks):
    ids = np.zeros(chunks, np.int64)
    for c in prange(chunks):
        ids[c] = numba.get_thread_id()
    return ids

X, y, coefs, intercepts, lay = _case(200_000)
theta = lay.flatten(coefs, intercepts)
numba.set_num_threads(1)
one = _kernel_sums(X, y, lay, theta)
for threads in (2, 3, 4):
    numba.set_num_threads(threads)
    ran = len(set(threads_that_ran(kernels.N_CHUNKS).tolist()))
    assert ran > 1, f"only {ran} thread ran with {threads} asked for"
    np.testing.assert_array_equal(_kernel_sums(X, y, lay, theta), one)
    print(threads, ran)
"""


def test_sums_do_not_depend_on_the_number_of_threads():
    # In a process of its own with four threads, whatever the machine's cores (a CI runner may have one): the sums
    # with 2, 3 and 4 threads equal the single thread's bit for bit, and more than one thread really ran.
    env = {**os.environ, "NUMBA_NUM_THREADS": "4"}
    out = subprocess.run([sys.executable, "-c", THREADS_CHECK], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    ran = dict(line.split() for line in out.stdout.split("\n") if line)
    assert sorted(ran) == ["2", "3", "4"] and all(int(n) > 1 for n in ran.values()), out.stdout


def test_loss_clipping_matches_reference_for_certain_mistakes():
    X, y, coefs, intercepts, lay = _case(64, hidden=())
    coefs = [np.full_like(coefs[0], 400.0)]  # |z| in the hundreds: p is 0 or 1 to the last bit
    sums = _kernel_sums(X, y, lay, lay.flatten(coefs, intercepts))
    loss = loss_and_gradients(coefs, intercepts, X, y.reshape(-1, 1), "relu", 0.0)[0]
    np.testing.assert_allclose(sums[-1] / 64, loss, rtol=1e-12)


@njit
def _map_exp(x, out):
    for i in range(x.size):
        out[i] = kernels._exp(x[i])


@njit
def _map_log(x, out):
    for i in range(x.size):
        out[i] = kernels._log(x[i])


def test_vectorized_exp_and_log_are_within_two_ulp_of_numpy():
    rng = np.random.RandomState(0)
    x = np.concatenate([rng.uniform(-708, 709, 200_000), rng.uniform(-1, 1, 200_000), [0.0, -708.0, 709.0]])
    out = np.empty_like(x)
    _map_exp(x, out)
    assert np.max(np.abs(out - np.exp(x)) / np.spacing(np.exp(x))) <= 2
    q = np.concatenate([np.exp(rng.uniform(-745 * 0.95, 0, 200_000)), 1 - rng.uniform(0, 1e-6, 1000),
                        [np.finfo(float).eps, 1 - np.finfo(float).eps, 1.0]])
    out = np.empty_like(q)
    _map_log(q, out)
    assert np.max(np.abs(out - np.log(q)) / np.maximum(np.spacing(np.abs(np.log(q))), 5e-324)) <= 2


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
@pytest.mark.parametrize("hidden", [(3, 2), ()], ids=str)
@pytest.mark.parametrize("n", [1, 255, 20_000])
@pytest.mark.parametrize("k", [3, 5])
def test_fused_softmax_pass_equals_numpy_reference(k, n, hidden, activation):
    X, y, coefs, intercepts, lay = _case(n, hidden, activation, n_classes=k)
    sums = _kernel_sums(X, y, lay, lay.flatten(coefs, intercepts))
    Y = one_hot(y, k)
    loss, coef_grads, intercept_grads, _ = loss_and_gradients(coefs, intercepts, X, Y, activation, 0.0)
    np.testing.assert_allclose(sums[-1] / n, loss, rtol=1e-12)
    np.testing.assert_allclose(sums[:-1] / n, lay.flatten(coef_grads, intercept_grads), rtol=1e-10, atol=1e-15)


def test_softmax_loss_clipping_matches_reference_for_certain_mistakes():
    X, y, coefs, intercepts, lay = _case(64, hidden=(), n_classes=4)
    coefs = [np.linspace(-400.0, 400.0, coefs[0].size).reshape(coefs[0].shape)]  # one class takes p = 1
    sums = _kernel_sums(X, y, lay, lay.flatten(coefs, intercepts))
    loss = loss_and_gradients(coefs, intercepts, X, one_hot(y, 4), "relu", 0.0)[0]
    assert loss > 0.5 * -np.log(np.finfo(float).eps)  # most rows are certain of a wrong class: p clipped to eps
    np.testing.assert_allclose(sums[-1] / 64, loss, rtol=1e-12)


@pytest.mark.parametrize("k", [3, 6])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_compiled_softmax_forward_equals_numpy_forward(activation, k):
    X, _, coefs, intercepts, lay = _case(30_000, (4, 3), activation, n_classes=k)
    P = lay.predict_proba(lay.flatten(coefs, intercepts), X)
    assert P.shape == (30_000, k)
    np.testing.assert_allclose(P, forward(coefs, intercepts, X, activation)[-1], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_compiled_forward_equals_numpy_forward(activation):
    X, _, coefs, intercepts, lay = _case(30_000, (4, 3), activation)
    p = lay.predict_proba(lay.flatten(coefs, intercepts), X)
    np.testing.assert_allclose(p, forward(coefs, intercepts, X, activation)[-1].ravel(), rtol=1e-12, atol=1e-300)


def test_training_at_a_million_rows_needs_under_three_times_the_data_in_extra_memory():
    # Measured in a fresh process: the peak resident size above the level just before fit.
    code = (
        "import sys; sys.path.insert(0, 'bench'); sys.path.insert(0, '.')\n"
        "import train_speed as b\n"
        "print(b.peak_extra_memory_mb('mlp_core', 1_000_000))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    extra_mb = float(out.stdout.strip().splitlines()[-1])
    x_mb = 1_000_000 * 3 * 8 / 2**20
    assert 0 < extra_mb < 3 * x_mb, f"{extra_mb:.1f} MB extra for {x_mb:.1f} MB of X"
