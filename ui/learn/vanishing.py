"""The article's case for ReLU hidden units, run: the same network trained twice from the same weights, once
with ReLU and once with sigmoid hidden units, and the gradient of every layer recorded.

σ′(Z) = σ(Z)(1 − σ(Z)) is at most 1/4, so on its way back to the input the gradient is multiplied by a
number below 1/4 at every sigmoid layer and reaches the first layers vanishingly small; a ReLU unit passes
it on unchanged (slope 1) or not at all (slope 0). Pure functions over arrays, plotly but no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from mlp_core.config import TrainingConfig
from mlp_core.network import init_params, layer_units, log_loss
from mlp_core.training import train
from ui.common.figures import OURS, SKLEARN, ZERO_FLOOR, _layout, _power
from ui.settings.table import ACTIVATIONS

# Six hidden layers of eight: on the default data (the ball in a shell) ReLU learns from every seed tried
# (0..29, learning rate 0.1, 500 epochs) while the sigmoid network never leaves the loss of a constant guess.
DEEP = (8, 8, 8, 8, 8, 8)


@dataclass(frozen=True)
class VanishingRun:
    """One training run. Row k of ``loss`` (E,) and ``grad_norms`` (E, L) is measured at the weights after k
    epochs (k = 0: the initial weights): the loss, and per layer l = 1..L the norm of the gradient of all
    its weights and biases together (layer 1: the first hidden layer's incoming ones; layer L: the output
    unit's). ``final_loss`` and ``accuracy`` are those of the final weights, on the training rows;
    ``layer_change`` (L,) is how far each layer's parameters moved, ‖θ_end − θ_0‖ / ‖θ_0‖;
    ``baseline_loss`` is the loss of a network that ignores its inputs (p = the share of class 1)."""

    activation: str
    loss: np.ndarray
    grad_norms: np.ndarray
    final_loss: float
    accuracy: float
    layer_change: np.ndarray
    baseline_loss: float
    stop_reason: str | None = None  # set when training stopped early (it diverged)

    @property
    def epochs(self) -> int:
        """Epochs trained."""
        return len(self.loss)


def _run(Z, y, hidden, activation, learning_rate, epochs, initial_params, progress) -> VanishingRun:
    config = TrainingConfig(hidden_layer_sizes=tuple(hidden), activation=activation, solver="sgd", alpha=0.0,
                            learning_rate_init=learning_rate, max_iter=epochs, tol=None, weight_tol=None,
                            momentum=0.0, shuffle=False).validate()
    snaps = []
    for snap in train(Z, y, config, evaluate_every=0, initial_params=initial_params):
        snaps.append(snap)
        progress(snap.epoch / epochs)
    stop_reason = None
    if snaps[-1].stop_rule == "diverged":  # the last snapshot repeats the weights kept
        stop_reason = snaps[-1].stop_reason
        snaps = snaps[:-1]
    # Full batch: snapshot e > 0 holds the loss and gradient at the weights after e − 1 epochs (the update
    # of epoch e); snapshot 0 repeats snapshot 1's, so it is left out.
    measured = snaps[1:] or snaps
    first, last = snaps[0], snaps[-1]
    y_col = np.asarray(y, dtype=float).reshape(-1, 1)
    p = last.predict_proba(Z)
    change = np.sqrt(np.add.reduceat((last.params - first.params) ** 2, first.architecture.layer_starts))
    size = np.sqrt(np.add.reduceat(first.params**2, first.architecture.layer_starts))
    share = float(y_col.mean())
    return VanishingRun(
        activation=activation,
        loss=np.array([s.loss for s in measured]),
        grad_norms=np.array([s.grad_norms for s in measured]),
        final_loss=log_loss(y_col, p.reshape(-1, 1)),
        accuracy=float(np.mean((p > 0.5) == (y_col.ravel() == 1))),
        layer_change=np.divide(change, size, out=change.copy(), where=size > 0),
        baseline_loss=log_loss(y_col, np.full_like(y_col, share)),
        stop_reason=stop_reason,
    )


def vanishing_experiment(Z, y, hidden: tuple[int, ...], learning_rate: float, epochs: int,
                         seed: int, progress=None) -> dict[str, VanishingRun]:
    """Train the network ``hidden`` on ``Z`` (n, d) standardized and ``y`` (n,) of 0/1 twice, by plain
    full-batch gradient descent for ``epochs`` epochs, from the same initial weights (drawn with ``seed``
    as for ReLU): with ReLU and with sigmoid hidden units. Keys "relu" and "logistic". Raises ValueError
    for settings the core refuses. ``progress(share)``, if given, is called after every epoch."""
    Z = np.asarray(Z, dtype=float)
    initial = init_params(layer_units(Z.shape[1], hidden), "relu", seed)
    runs = {}
    for k, act in enumerate(("relu", "logistic")):
        runs[act] = _run(Z, y, hidden, act, learning_rate, epochs, initial,
                         lambda share, k=k: progress((k + share) / 2) if progress else None)
    return runs


def layer_ratio(run: VanishingRun, epoch: int = 0) -> float:
    """The first layer's gradient norm over the output layer's at ``epoch``; NaN when the output's is 0."""
    first, last = run.grad_norms[epoch, 0], run.grad_norms[epoch, -1]
    return float(first / last) if last > 0 else float("nan")


def _layer_names(count: int) -> list[str]:
    return [f"layer {k}" + (" (input side)" if k == 1 else " (output)" if k == count else "")
            for k in range(1, count + 1)]


def _layer_colours(count: int) -> list[str]:
    # Viridis from light green (input side) to dark purple (output): the order reads as a sequence.
    return sample_colorscale("Viridis", list(np.linspace(0.85, 0.0, count))) if count > 1 else [OURS]


def _fraction(ratio: float) -> str:
    """0.0004 -> "1/2,500"; 2e-8 -> "1/5.0e7"; 3.2 -> "3.2 times"."""
    if ratio >= 1:
        return f"{ratio:.2g} times"
    n = float(f"{1 / ratio:.2g}")
    return f"1/{n:,.10g}" if n < 1e6 else f"1/{n:.1e}".replace("e+0", "e").replace("e+", "e")


def _blocked(run: VanishingRun) -> str | None:
    """"layer 1" or "layers 1 to k" when no gradient reaches them at epoch 0, else None."""
    g = run.grad_norms[0]
    if g[0] > 0:
        return None
    k = int(np.argmax(g > 0)) if (g > 0).any() else len(g)
    return "layer 1" if k == 1 else f"layers 1 to {k}"


def _panel_title(run: VanishingRun) -> str:
    ratio = layer_ratio(run)
    name = ACTIVATIONS[run.activation]
    blocked = _blocked(run)
    if blocked:
        return f"{name} hidden units: no gradient reaches {blocked}"
    if np.isnan(ratio):
        return f"{name} hidden units"
    return f"{name} hidden units: layer 1 gets {_fraction(ratio)}{'' if ratio >= 1 else ' of'} the output's gradient"


def _log_dtick(values: np.ndarray) -> int:
    """Decades between labels on a log axis: every decade, or fewer when they span many."""
    span = np.log10(values.max()) - np.log10(values.min())
    return max(1, int(np.ceil(span / 8)))


def vanishing_figure(runs: dict[str, VanishingRun]) -> go.Figure:
    """Per-layer gradient norm over the epochs, ReLU (left) and sigmoid (right), on one shared log axis:
    one line per layer, coloured from the input side (light) to the output (dark). Exact zeros are drawn
    at ``ZERO_FLOOR`` and say so in their hover text."""
    order = [a for a in ("relu", "logistic") if a in runs]
    fig = make_subplots(rows=1, cols=len(order), shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=[_panel_title(runs[a]) for a in order])
    any_zero, drawn = False, []
    for col, act in enumerate(order, start=1):
        g = runs[act].grad_norms
        count = g.shape[1]
        epochs = np.arange(len(g))
        for k, (name, colour) in enumerate(zip(_layer_names(count), _layer_colours(count), strict=True)):
            values = g[:, k]
            zero = values == 0
            any_zero |= bool(zero.any())
            shown = np.where(zero, ZERO_FLOOR, values)
            drawn.append(shown)
            hover = np.where(zero, f"exactly 0 (drawn at {_power(ZERO_FLOOR)})",
                             np.char.mod("%.3g", values))
            fig.add_trace(go.Scatter(
                x=epochs, y=shown, mode="lines", name=name, legendgroup=name, showlegend=col == 1,
                line=dict(color=colour, width=2), customdata=hover,
                hovertemplate=f"{ACTIVATIONS[act]}, {name}<br>epoch %{{x}}: %{{customdata}}<extra></extra>",
            ), row=1, col=col)
        fig.update_xaxes(title_text="epoch", row=1, col=col)
    fig.update_yaxes(type="log", exponentformat="power", dtick=_log_dtick(np.concatenate(drawn)))
    fig.update_yaxes(title_text="gradient norm of the layer's W and b", row=1, col=1)
    fig.update_annotations(font=dict(size=13))
    note = f"An exact 0 (a layer the gradient does not reach) is drawn at {_power(ZERO_FLOOR)}." if any_zero else None
    return _layout(fig, 430, legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="center", x=0.5),
                   margin=dict(l=70, r=20, t=60, b=110),
                   title=dict(text=note, x=0.5, xanchor="center", y=0.995, font=dict(size=12)) if note else None)


def vanishing_loss_figure(runs: dict[str, VanishingRun]) -> go.Figure:
    """The training loss of both runs over the epochs, overlaid (ReLU purple, sigmoid orange dashed), with
    the loss of a network that ignores its inputs as a dotted line."""
    styles = {"relu": dict(color=OURS, width=3), "logistic": dict(color=SKLEARN, width=3, dash="dash")}
    traces = []
    for act, run in runs.items():
        traces.append(go.Scatter(x=np.arange(run.epochs), y=run.loss, mode="lines",
                                 name=f"{ACTIVATIONS[act]} hidden units", line=styles.get(act, {}),
                                 hovertemplate="epoch %{x}: loss %{y:.4f}<extra></extra>"))
    longest = max(run.epochs for run in runs.values())
    baseline = next(iter(runs.values())).baseline_loss
    traces.append(go.Scatter(x=[0, max(longest - 1, 1)], y=[baseline, baseline], mode="lines",
                             name=f"ignoring the inputs ({baseline:.3f})", line=dict(color="#555555", width=1.5,
                                                                                    dash="dot"),
                             hoverinfo="skip"))
    fig = go.Figure(traces)
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="training log loss", rangemode="tozero")
    return _layout(fig, 340)


def _reach(run: VanishingRun) -> str:
    """How much of the output layer's gradient reaches layer 1 at epoch 0, in words."""
    blocked = _blocked(run)
    if blocked:
        if run.activation != "relu":
            return f"no gradient at all reaches {blocked}: it underflows to exactly 0"
        text = f"no gradient at all reaches {blocked}: ReLU units that are off (slope 0) block it on every row"
        if (run.grad_norms[:, 0] == 0).all():
            text += ", and none ever does: the network is stuck with 'dead' units — try another seed"
        return text
    if run.grad_norms[0, -1] == 0:
        return "the output layer's gradient is exactly 0"
    ratio = layer_ratio(run)
    return f"the gradient reaching layer 1 is **{_fraction(ratio)}**{'' if ratio >= 1 else ' of'} the output layer's"


def _percent(share: float) -> str:
    value = 100 * share
    if value == 0:
        return "0 %"
    if value < 1e-3:
        return "less than 0.001 %"
    return f"{value:.0f} %" if value >= 10 else f"{value:.2g} %"


def explanation(runs: dict[str, VanishingRun]) -> str:
    """A short markdown paragraph with the measured numbers of both runs."""
    relu, sigmoid = runs["relu"], runs["logistic"]
    parts = [
        f"From the same starting weights, at epoch 0: with sigmoid hidden units {_reach(sigmoid)}; "
        f"with ReLU {_reach(relu)}. Backpropagation multiplies the gradient by σ′(Z) ≤ 1/4 at every sigmoid "
        f"layer, and by 0 or 1 at a ReLU layer.",
        f"Over training, layer 1's weights and biases moved by {_percent(sigmoid.layer_change[0])} of their size "
        f"with sigmoid units, {_percent(relu.layer_change[0])} with ReLU.",
    ]
    ends = []
    for run in (sigmoid, relu):
        name = ACTIVATIONS[run.activation]
        stopped = " (it diverged and stopped there)" if run.stop_reason else ""
        ends.append(f"{name} {run.final_loss:.3f} after {run.epochs} epochs{stopped}, "
                    f"{100 * run.accuracy:.0f} % of the training rows right")
    parts.append(f"Training loss: {'; '.join(ends)}. A network that ignores its inputs scores "
                 f"{relu.baseline_loss:.3f}.")
    return " ".join(parts)
