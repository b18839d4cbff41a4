"""A network's architecture over one flat parameter vector: its layers' units, its hidden activation, and where
each layer's W and b sit in the vector — the table the compiled kernels (``kernels``) read.

Layer by layer, W (fan_in × fan_out, row-major) then b; ``parameter_table`` gives the offsets. The browser's
forward pass reads the same table from the live views' payload.
"""

from __future__ import annotations

import numpy as np

from . import kernels


def parameter_table(units) -> np.ndarray:
    """Per layer: fan_in, fan_out, offset of W in theta, offset of b; shape (n_layers, 4), int64."""
    rows, offset = [], 0
    for fan_in, fan_out in zip(units[:-1], units[1:], strict=True):
        rows.append((fan_in, fan_out, offset, offset + fan_in * fan_out))
        offset += fan_in * fan_out + fan_out
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


class Architecture:
    """The network's shape and hidden activation, and where each layer's W and b sit in one flat
    parameter vector: W (fan_in × fan_out, row-major), then b."""

    def __init__(self, units, activation: str = "relu"):
        self.units = [int(u) for u in units]
        self.activation = activation
        self.code = kernels.ACTIVATION_CODES[activation]
        self.table = parameter_table(self.units)
        self.size = int(self.table[-1, 3] + self.table[-1, 1])
        self.weight_mask = np.zeros(self.size)
        for fan_in, fan_out, w_off, _ in self.table:
            self.weight_mask[w_off:w_off + fan_in * fan_out] = 1.0
        self.weight_index = np.flatnonzero(self.weight_mask)
        # Start of each layer's block (its W then b) for per-layer sums of squares.
        self.layer_starts = self.table[:, 2].copy()

    def coefs(self, flat) -> tuple[np.ndarray, ...]:
        return tuple(flat[w:w + i * o].reshape(i, o) for i, o, w, _ in self.table)

    def intercepts(self, flat) -> tuple[np.ndarray, ...]:
        return tuple(flat[b:b + o] for _, o, _, b in self.table)

    def predict_proba(self, flat, X) -> np.ndarray:
        """For the rows of X (n, d), with parameters ``flat``: the probability of the positive class, shape (n,), with
        one output unit; of each class, shape (n, k), with k."""
        X = np.ascontiguousarray(X, dtype=float)
        return kernels.predict_proba(X, flat, self.table, self.code, sum(self.units))

    def flatten(self, coefs, intercepts) -> np.ndarray:
        return np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)]) for W, b in zip(coefs, intercepts,
                                                                                            strict=True)])
