"""Compiled kernels (numba) for the hot loops: a fused forward + backward pass over blocks of samples.

One pass over the data computes the loss and every gradient without materializing a layer's
activations for all samples: each block of ``BLOCK`` rows is transposed into a small buffer that stays
in cache, pushed forward and back, and reduced into that block's row of partial sums. Blocks run on all
cores; their partial sums are added in block order, so the result does not depend on the number of
threads or their timing. Parameters live in one flat vector ``theta``: for each layer W (fan_in ×
fan_out, row-major) then b, as ``layout`` describes. The output is one sigmoid unit with the log loss (two classes)
or, when the last layer has k > 1 units, a softmax with the cross-entropy (k classes).

Compiled code is cached on disk (``cache=True``), so only the very first run pays the compile time. The
kernels release Python's GIL (``nogil=True``): one web visitor's training leaves the server's other threads —
other visitors, the websocket's event loop — free to run on the other cores.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange, types
from numba.core.extending import intrinsic

# Streamlit serves every session from its own thread: use a threading layer that is safe for that.
numba.config.THREADING_LAYER = "threadsafe"

BLOCK = 256
# The data is cut into this many chunks whatever the number of threads, so sums always add up alike.
N_CHUNKS = 16
ACTIVATION_CODES = {"identity": 0, "logistic": 1, "tanh": 2, "relu": 3}


EPS = 2.220446049250313e-16  # np.finfo(float).eps: log loss clips p to [EPS, 1 − EPS], as scikit-learn does




@intrinsic
def _as_float(typingctx, bits):
    """Reinterpret an int64's bits as a float64 (free: a bitcast)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))
    return types.float64(types.int64), codegen


@intrinsic
def _as_int(typingctx, x):
    """Reinterpret a float64's bits as an int64."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))
    return types.int64(types.float64), codegen


# exp and log after fdlibm (e_exp.c, e_log.c), accurate to < 1 ulp. Written here, branch-free, so that
# loops over a block vectorize: LLVM's own exp and log are scalar library calls, five times slower.
# They must be compiled without fastmath: the split of ln 2 into hi + lo parts relies on exact rounding.
_LN2_HI, _LN2_LO, _INV_LN2 = 6.93147180369123816490e-01, 1.90821492927058770002e-10, 1.44269504088896338700e00
_P1, _P2, _P3 = 1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05
_P4, _P5 = -1.65339022054652515390e-06, 4.13813679705723846039e-08
_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6 = 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01


@njit(cache=True, error_model="numpy", inline="always")
def _exp(x):
    """e^x for x clamped to [-708, 709], where results are normal numbers (enough for sigmoids)."""
    x = min(max(x, -708.0), 709.0)
    k = math.floor(x * _INV_LN2 + 0.5)
    hi = x - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    return y * _as_float((np.int64(k) + 1023) << 52)


@njit(cache=True, error_model="numpy", inline="always")
def _log(x):
    """Natural log of a positive normal number."""
    bits = _as_int(x)
    k = (bits >> 52) - 1023
    m = bits & 0x000FFFFFFFFFFFFF
    i = (m + 0x95F6400000000) & 0x10000000000000  # 1 when the mantissa is above √2: halve it
    f = _as_float(m | (i ^ 0x3FF0000000000000)) - 1.0
    dk = float(k + (i >> 52))
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    R = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7))) + w * (_LG2 + w * (_LG4 + w * _LG6))
    hfsq = 0.5 * f * f
    return dk * _LN2_HI - ((hfsq - (s * (hfsq + R) + dk * _LN2_LO)) - f)


@njit(cache=True, nogil=True, error_model="numpy")
def _sigmoid_rows(z, m):
    for s in range(m):
        z[s] = 1.0 / (1.0 + _exp(-z[s]))


@njit(cache=True, nogil=True, error_model="numpy")
def _output(z, yb, dz, losses, m):
    """p = σ(z); per-sample log loss (p clipped as scikit-learn clips it); dz = p − y."""
    for s in range(m):
        p = 1.0 / (1.0 + _exp(-z[s]))
        q = min(max(p, EPS), 1.0 - EPS)
        losses[s] = _log(q if yb[s] == 1.0 else 1.0 - q)
        dz[s] = p - yb[s]


@njit(cache=True, nogil=True, error_model="numpy")
def _softmax_rows(acts, a_off, k, mx, total, m):
    """Softmax over the k output rows acts[a_off:a_off + k, :m], in place, as scikit-learn computes it:
    e^(z − max z) over its sum. ``mx`` and ``total`` are scratch rows."""
    for s in range(m):
        mx[s] = acts[a_off, s]
    for j in range(1, k):
        z = acts[a_off + j]
        for s in range(m):
            mx[s] = max(mx[s], z[s])
    for s in range(m):
        total[s] = 0.0
    for j in range(k):
        z = acts[a_off + j]
        for s in range(m):
            z[s] = _exp(z[s] - mx[s])
            total[s] += z[s]
    for j in range(k):
        z = acts[a_off + j]
        for s in range(m):
            z[s] /= total[s]


@njit(cache=True, nogil=True, error_model="numpy")
def _softmax_output(acts, a_off, k, yb, deltas, losses, scratch, m):
    """P = softmax(Z) over k classes; per-sample log p of the true class yb (an index, P clipped as
    scikit-learn clips it); delta = P − Y one-hot, the derivative of softmax + cross-entropy."""
    _softmax_rows(acts, a_off, k, scratch[0], scratch[1], m)
    for j in range(k):
        p, dz = acts[a_off + j], deltas[a_off + j]
        for s in range(m):
            dz[s] = p[s]
    for s in range(m):
        c = int(yb[s])
        q = min(max(acts[a_off + c, s], EPS), 1.0 - EPS)
        losses[s] = _log(q)
        deltas[a_off + c, s] -= 1.0


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _activate(code, row, m):
    """Apply the hidden activation to row[:m] in place (one simple loop per kind, so it vectorizes)."""
    if code == 3:
        for s in range(m):
            row[s] = max(row[s], 0.0)
    elif code == 1:
        _sigmoid_rows(row, m)
    elif code == 2:
        for s in range(m):
            row[s] = math.tanh(row[s])


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _times_derivative(code, delta, a, m):
    """delta *= f'(Z), written with the layer's output a = f(Z), as scikit-learn's derivatives are."""
    if code == 3:
        for s in range(m):
            delta[s] = delta[s] if a[s] != 0.0 else 0.0
    elif code == 1:
        for s in range(m):
            delta[s] *= a[s] * (1.0 - a[s])
    elif code == 2:
        for s in range(m):
            delta[s] *= 1.0 - a[s] * a[s]


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _hidden_layers(acts, m, theta, lay, code):
    """Forward pass of a block whose inputs are in acts[0:d, :m]: every layer's Z into the rows that
    follow, hidden activations applied, the output left as Z. Returns the output row's offset."""
    a_off = 0
    n_layers = lay.shape[0]
    for li in range(n_layers):
        fan_in, fan_out, w_off, b_off = lay[li, 0], lay[li, 1], lay[li, 2], lay[li, 3]
        z_off = a_off + fan_in
        for j in range(fan_out):
            z = acts[z_off + j]
            bj = theta[b_off + j]
            for s in range(m):
                z[s] = bj
            for k in range(fan_in):
                w = theta[w_off + k * fan_out + j]
                a = acts[a_off + k]
                for s in range(m):
                    z[s] += w * a[s]
            if li < n_layers - 1:
                _activate(code, z, m)
        a_off = z_off
    return a_off


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _block(X, y, rows, start, stop, theta, lay, code, acts, deltas, yb, losses, scratch, out):
    """Add the loss and gradient sums of rows[start:stop] to ``out`` (len(theta) + 1: the loss last).
    ``y`` holds class indices: 0/1 for one sigmoid output, 0..k−1 for k softmax outputs."""
    m = stop - start
    d = X.shape[1]
    # acts[0:d, :m] holds the block's inputs, transposed; each layer's outputs follow.
    if rows.shape[0] == 0:  # no row list: the rows start..stop in order
        for k in range(d):
            for s in range(m):
                acts[k, s] = X[start + s, k]
        for s in range(m):
            yb[s] = y[start + s]
    else:
        for s in range(m):
            r = rows[start + s]
            yb[s] = y[r]
            for k in range(d):
                acts[k, s] = X[r, k]
    a_off = _hidden_layers(acts, m, theta, lay, code)
    # Output: sigmoid, clipped log loss, and the delta p − y of sigmoid + log loss; or the same for softmax.
    n_out = lay[lay.shape[0] - 1, 1]
    if n_out == 1:
        _output(acts[a_off], yb, deltas[a_off], losses, m)
    else:
        _softmax_output(acts, a_off, n_out, yb, deltas, losses, scratch, m)
    loss = 0.0
    for s in range(m):
        loss += losses[s]
    out[out.shape[0] - 1] -= loss
    # Backward: layer by layer from the output, gradients summed over the block.
    for li in range(lay.shape[0] - 1, -1, -1):
        fan_in, fan_out, w_off, b_off = lay[li, 0], lay[li, 1], lay[li, 2], lay[li, 3]
        z_off = a_off
        a_off = z_off - fan_in
        for j in range(fan_out):
            dz = deltas[z_off + j]
            acc = 0.0
            for s in range(m):
                acc += dz[s]
            out[b_off + j] += acc
            for k in range(fan_in):
                a = acts[a_off + k]
                acc = 0.0
                for s in range(m):
                    acc += a[s] * dz[s]
                out[w_off + k * fan_out + j] += acc
        if li > 0:
            for k in range(fan_in):
                da = deltas[a_off + k]
                for s in range(m):
                    da[s] = 0.0
                for j in range(fan_out):
                    w = theta[w_off + k * fan_out + j]
                    dz = deltas[z_off + j]
                    for s in range(m):
                        da[s] += w * dz[s]
                _times_derivative(code, da, acts[a_off + k], m)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _chunk(X, y, rows, lo, hi, theta, lay, code, total_units, out):
    """Sums over rows[lo:hi], block by block, with scratch buffers that fit in the L1 cache."""
    acts = np.empty((total_units, BLOCK))
    deltas = np.empty((total_units, BLOCK))
    yb = np.empty(BLOCK)
    losses = np.empty(BLOCK)
    scratch = np.empty((2, BLOCK))
    out[:] = 0.0
    for start in range(lo, hi, BLOCK):
        _block(X, y, rows, start, min(hi, start + BLOCK), theta, lay, code, acts, deltas, yb, losses, scratch, out)


@njit(cache=True, nogil=True, parallel=True, fastmath=True, error_model="numpy")
def _sums_parallel(X, y, rows, lo, hi, theta, lay, code, total_units, partial):
    n_chunks = partial.shape[0]
    per_chunk = ((hi - lo + n_chunks - 1) // n_chunks + BLOCK - 1) // BLOCK * BLOCK
    for c in prange(n_chunks):
        _chunk(X, y, rows, min(hi, lo + c * per_chunk), min(hi, lo + (c + 1) * per_chunk), theta, lay, code,
               total_units, partial[c])
    out = np.zeros(partial.shape[1])
    for c in range(n_chunks):
        out += partial[c]
    return out


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _sums_serial(X, y, rows, lo, hi, theta, lay, code, total_units, partial):
    _chunk(X, y, rows, lo, hi, theta, lay, code, total_units, partial[0])
    return partial[0].copy()


NO_ROWS = np.empty(0, dtype=np.int64)


def loss_and_gradient_sums(X, y, lo, hi, theta, lay, code, total_units, partial, rows=NO_ROWS):
    """Sum of the log loss and of its gradient with respect to ``theta`` over samples lo..hi.

    ``y`` (float) holds class indices: 0/1 when the network has one (sigmoid) output, 0..k−1 when it has k > 1
    (softmax) outputs, as the last row of ``lay`` says. The samples are rows lo..hi of X and y, or rows
    ``rows[lo:hi]`` when ``rows`` is given (shuffled mini-batches). The loss is the log loss, or the cross-entropy
    of k classes. Returns a vector: gradient sums in theta's layout, then the loss sum (no L2 term,
    not divided by n). ``partial`` is a reusable (N_CHUNKS, len(theta) + 1) buffer.
    Small batches run on one thread: starting threads would cost more than it saves.
    """
    kernel = _sums_parallel if hi - lo > N_CHUNKS * BLOCK else _sums_serial
    return kernel(X, y, rows, lo, hi, theta, lay, code, total_units, partial)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _forward_chunk(X, lo, hi, theta, lay, code, total_units, p):
    acts = np.empty((total_units, BLOCK))
    scratch = np.empty((2, BLOCK))
    d = X.shape[1]
    n_out = p.shape[1]
    for start in range(lo, hi, BLOCK):
        m = min(hi, start + BLOCK) - start
        for k in range(d):
            for s in range(m):
                acts[k, s] = X[start + s, k]
        a_off = _hidden_layers(acts, m, theta, lay, code)
        if n_out == 1:
            _sigmoid_rows(acts[a_off], m)
        else:
            _softmax_rows(acts, a_off, n_out, scratch[0], scratch[1], m)
        for j in range(n_out):
            for s in range(m):
                p[start + s, j] = acts[a_off + j, s]


@njit(cache=True, nogil=True, parallel=True, fastmath=True, error_model="numpy")
def _forward_parallel(X, theta, lay, code, total_units, p):
    n = X.shape[0]
    per_chunk = ((n + N_CHUNKS - 1) // N_CHUNKS + BLOCK - 1) // BLOCK * BLOCK
    for c in prange(N_CHUNKS):
        _forward_chunk(X, min(n, c * per_chunk), min(n, (c + 1) * per_chunk), theta, lay, code, total_units, p)


def predict_proba(X, theta, lay, code, total_units) -> np.ndarray:
    """For every row of X (C-contiguous float64): with one output, the probability of the positive class, shape
    (n,); with k > 1 outputs, the probability of each class, shape (n, k)."""
    n_out = int(lay[-1, 1])
    p = np.empty((X.shape[0], n_out))
    if X.shape[0] > N_CHUNKS * BLOCK:
        _forward_parallel(X, theta, lay, code, total_units, p)
    else:
        _forward_chunk(X, 0, X.shape[0], theta, lay, code, total_units, p)
    return p.ravel() if n_out == 1 else p


def warm() -> None:
    """Compile every kernel (or load it from the disk cache), on tiny data: the serial and parallel passes, with
    and without a row order. ``python -m mlp_core compile`` runs it, so that no visitor waits for a compile."""
    from .architecture import Architecture

    for n_out in (1, 3):  # one sigmoid output, and softmax outputs: one compiled pass serves both
        arch = Architecture([2, 3, n_out], "relu")
        theta = np.linspace(-1.0, 1.0, arch.size)
        frozen = theta.copy()
        frozen.flags.writeable = False  # a snapshot's weights are read-only: to numba, another type
        for n in (8, N_CHUNKS * BLOCK + 1):  # under and over the size where a pass runs on every core
            X = np.linspace(-1.0, 1.0, 2 * n).reshape(n, 2)
            y = (X[:, 0] > 0).astype(float)
            partial = np.zeros((N_CHUNKS, arch.size + 1))
            for rows in (NO_ROWS, np.arange(n, dtype=np.int64)):
                loss_and_gradient_sums(X, y, 0, n, theta, arch.table, arch.code, sum(arch.units), partial, rows)
            for weights in (theta, frozen):
                predict_proba(X, weights, arch.table, arch.code, sum(arch.units))
