"""The Learn page's equations: a traced forward and backward pass written in the article's notation
(LaTeX, with the numbers of the epoch on screen), and the gradient check as a table. No streamlit.

The article's names: inputs X, the hidden layers' outputs X' and X'', pre-activations Z, weight
matrices W₁, W₂, W₃ (applied transposed, Z = Wᵀx + b) and the output p = σ(Z₃). The article writes
every bias as W₀; here layer l's bias is b_l.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlp_core.activations import DERIVATIVES
from mlp_core.explain import GradientCheck, Trace

ACTIVATION_TEX = {"relu": r"\mathrm{ReLU}", "logistic": r"\sigma", "tanh": r"\tanh", "identity": r"\mathrm{id}"}
DERIVATIVE_TEX = {
    "relu": r"\mathrm{ReLU}'(Z) = [Z > 0]",
    "logistic": r"\sigma'(Z) = \sigma(Z)\,(1 - \sigma(Z))",
    "tanh": r"\tanh'(Z) = 1 - \tanh^2(Z)",
    "identity": r"\mathrm{id}'(Z) = 1",
}
LARGEST_MATRIX = 8  # rows or columns written out in an equation; larger ones are named and tabled


def number(value: float, digits: int = 4) -> str:
    """A number as LaTeX: 4 significant digits, powers of ten written out (1.2 \\times 10^{-5})."""
    value = float(value)
    if value == 0:
        return "0"
    if not np.isfinite(value):
        return r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\mathrm{NaN}")
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, power = text.split("e")
        return rf"{mantissa} \times 10^{{{int(power)}}}"
    return text


def matrix(M, name: str | None = None) -> str:
    """A vector or matrix as a LaTeX bmatrix; a large one as its name and shape only."""
    M = np.atleast_2d(np.asarray(M, dtype=float))
    if max(M.shape) > LARGEST_MATRIX:
        return rf"{name or 'M'}_{{({M.shape[0]} \times {M.shape[1]})}}"
    rows = r" \\ ".join(" & ".join(number(v) for v in row) for row in M)
    return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"


def layer_input(layer: int) -> str:
    """What layer ``layer`` (1-based) reads: X, X', X'', then X^{(3)}, ..."""
    return "X" if layer == 1 else "X" + "'" * (layer - 1) if layer <= 3 else f"X^{{({layer - 1})}}"


def derivative_values(A: np.ndarray, activation: str) -> np.ndarray:
    """The activation's derivative at each unit, computed from its output A (as backpropagation does)."""
    ones = np.ones_like(A)
    DERIVATIVES[activation](A, ones)
    return ones


def forward_equations(t: Trace, activation: str, coefs, intercepts) -> list[str]:
    """One sample's forward pass, a line per step: Z_l = W_lᵀ X + b_l and its activation, then p."""
    lines, last = [], len(coefs)
    x = t.X[0]
    for layer in range(1, last + 1):
        W, b = coefs[layer - 1], intercepts[layer - 1]
        below = x if layer == 1 else t.A[layer - 2][0]
        z, a = t.Z[layer - 1][0], t.A[layer - 1][0]
        lines.append(
            rf"Z_{layer} = W_{layer}^\top {layer_input(layer)} + b_{layer} = {matrix(W.T, f'W_{layer}^top')}"
            rf" {matrix(below[:, None], layer_input(layer))} + {matrix(b[:, None], f'b_{layer}')}"
            rf" = {matrix(z[:, None], f'Z_{layer}')}"
        )
        if layer < last:
            lines.append(rf"{layer_input(layer + 1)} = {ACTIVATION_TEX[activation]}(Z_{layer})"
                         rf" = {matrix(a[:, None], layer_input(layer + 1))}")
        else:
            lines.append(rf"p = \sigma(Z_{layer}) = \frac{{1}}{{1 + e^{{-({number(z[0])})}}}} = {number(a[0])}")
    return lines


def backward_equations(t: Trace, activation: str, coefs) -> list[str]:
    """One sample's loss and backward pass: L, δ at the output (p − y), then each layer's δ and gradients."""
    p, y = t.p[0], t.y[0]
    last = len(coefs)
    term = rf"\log({number(p)})" if y == 1 else rf"\log(1 - {number(p)})"
    lines = [
        rf"L = -\left[\,y \log p + (1 - y) \log(1 - p)\,\right] = -{term} = {number(t.data_loss)}",
        rf"\delta_{last} = \frac{{\partial L}}{{\partial Z_{last}}} = p - y = {number(p)} - {number(y)}"
        rf" = {number(t.delta[-1][0, 0])}",
    ]
    for layer in range(last, 0, -1):
        delta = t.delta[layer - 1][0]
        lines.append(
            rf"\frac{{\partial L}}{{\partial W_{layer}}} = {layer_input(layer)}\,\delta_{layer}^\top"
            rf" = {matrix(t.dW[layer - 1], f'dW_{layer}')}, \qquad"
            rf" \frac{{\partial L}}{{\partial b_{layer}}} = \delta_{layer} = {matrix(delta[:, None], f'delta_{layer}')}"
        )
        if layer > 1:
            carried = coefs[layer - 1] @ delta
            slope = derivative_values(t.A[layer - 2][:1], activation)[0]
            lines.append(
                rf"\delta_{layer - 1} = (W_{layer}\,\delta_{layer}) \odot {ACTIVATION_TEX[activation]}'(Z_{layer - 1})"
                rf" = {matrix(carried[:, None], 'W delta')} \odot {matrix(slope[:, None], 'slope')}"
                rf" = {matrix(t.delta[layer - 2][0][:, None], f'delta_{layer - 1}')}"
            )
    return lines


def batch_equations(t: Trace, alpha: float, learning_rate: float, coefs) -> list[str]:
    """The batch gradient, as training uses it, and the gradient-descent step it makes."""
    n, last = len(t.X), len(coefs)
    penalty = r" + \frac{\alpha}{2n}\sum_l \lVert W_l \rVert^2" if alpha else ""
    lines = [
        rf"L = \frac{{1}}{{n}} \sum_{{i=1}}^{{n}} L_i{penalty} = {number(t.loss)}, \qquad n = {n}",
    ]
    reg = r" + \alpha W_l" if alpha else ""
    lines.append(rf"\frac{{\partial L}}{{\partial W_l}} = \frac{{1}}{{n}}\left(A_{{l-1}}^\top \Delta_l{reg}\right)"
                 r", \qquad \frac{\partial L}{\partial b_l} = \frac{1}{n} \sum_i \delta_{l,i}"
                 r" \qquad (A_0 = X,\ A_1 = X',\ \ldots;\ \text{row } i \text{ of } A \text{ and } \Delta"
                 r" \text{ belongs to sample } i)")
    for layer in range(last, 0, -1):
        lines.append(
            rf"\frac{{\partial L}}{{\partial W_{layer}}} = {matrix(t.dW[layer - 1], f'dW_{layer}')}, \qquad"
            rf" \frac{{\partial L}}{{\partial b_{layer}}} = {matrix(t.db[layer - 1][:, None], f'db_{layer}')}"
        )
    lines.append(rf"W_l \leftarrow W_l - \eta\,\frac{{\partial L}}{{\partial W_l}}, \quad"
                 rf" b_l \leftarrow b_l - \eta\,\frac{{\partial L}}{{\partial b_l}},"
                 rf" \qquad \eta = {number(learning_rate)}")
    return lines


def gradient_table(check: GradientCheck) -> pd.DataFrame:
    """One row per parameter: backpropagation's gradient, the finite difference, their relative error."""
    return pd.DataFrame({
        "parameter": check.names,
        "backpropagation": check.analytic,
        "finite difference": check.numeric,
        "relative error": check.relative_errors,
    })


def input_table(raw: np.ndarray, standardized: np.ndarray, mean, scale, names) -> pd.DataFrame:
    """The chosen sample in the file's units and as the network sees it (standardized)."""
    return pd.DataFrame({"input": list(names), "value": raw, "training mean": mean, "training std": scale,
                         "standardized (what the network reads)": standardized})


def gradient_step(coefs, intercepts, t: Trace, learning_rate: float) -> tuple[list, list]:
    """The weights and biases after one plain gradient-descent step with the trace's gradients."""
    return ([W - learning_rate * dW for W, dW in zip(coefs, t.dW, strict=True)],
            [b - learning_rate * db for b, db in zip(intercepts, t.db, strict=True)])
