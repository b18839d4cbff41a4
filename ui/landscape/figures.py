"""Plotly figures of the loss landscape, built by pure functions from arrays (plotly, no streamlit).

The map is coloured on the house's purple/orange palette (ColorBrewer PuOr), pale so that paths read on it: low loss
pale purple, high loss pale orange, on a log scale (a landscape's losses span orders of magnitude). A single run's
path is drawn in the dashboard's purple (``ui.common.figures.OURS``); a race's optimizers each in a colour of their
own, the second learning rate dashed with open markers.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mlp_core.landscape import Landscape
from mlp_core.race import OPTIMIZERS
from ui.common.figures import OURS, SKLEARN, _layout
from ui.common.palette import PALE_SCALE

LOSS_SCALE = [list(stop) for stop in PALE_SCALE]  # ui.common.palette: the house's PuOr, pale
MARKER = "#111111"
RACE_COLOURS = dict(zip(OPTIMIZERS, (OURS, SKLEARN, "#0072b2", "#111111"), strict=True))
RACE_SYMBOLS = dict(zip(OPTIMIZERS, ("circle", "square", "diamond", "triangle-up"), strict=True))


def axis_title(landscape: Landscape, k: int) -> str:
    """An axis's title: a trajectory direction with its share of the variance, or a random direction."""
    if landscape.plane.kind == "pca":
        return f"direction {k + 1} of the path: {landscape.plane.shares[k]:.1%} of its variance"
    return f"random direction {k + 1} (filter-normalized)"


def _ticks(loss: np.ndarray) -> tuple[list[float], list[str]]:
    """Colour-bar ticks on a log scale, labelled in loss values: 1, 2 and 5 times the powers of ten in range."""
    low, high = np.log10(max(float(np.nanmin(loss)), 1e-12)), np.log10(max(float(np.nanmax(loss)), 1e-12))
    values = [m * 10.0**e for e in range(int(np.floor(low)), int(np.ceil(high)) + 1) for m in (1, 2, 5)]
    shown = [v for v in values if low <= np.log10(v) <= high] or [10**low]
    return [float(np.log10(v)) for v in shown], [f"{v:g}" for v in shown]


def _map(landscape: Landscape) -> go.Contour:
    loss = np.maximum(landscape.loss, 1e-12)
    tickvals, ticktext = _ticks(loss)
    return go.Contour(
        x=landscape.x, y=landscape.y, z=np.log10(loss), customdata=landscape.loss, name="training loss",
        colorscale=LOSS_SCALE, ncontours=24, line=dict(color="#8c8c8c", width=0.6),
        colorbar=dict(title=dict(text="training loss", side="right"), tickvals=tickvals, ticktext=ticktext, len=0.9),
        hovertemplate="(%{x:.3g}, %{y:.3g})<br>loss %{customdata:.4g}<extra></extra>",
    )


def _frame(fig: go.Figure, landscape: Landscape, height: int) -> go.Figure:
    fig.update_xaxes(title_text=axis_title(landscape, 0), range=[landscape.x[0], landscape.x[-1]], zeroline=False)
    fig.update_yaxes(title_text=axis_title(landscape, 1), range=[landscape.y[0], landscape.y[-1]], zeroline=False)
    return _layout(fig, height, legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
                   margin=dict(l=60, r=20, t=30, b=60))


def landscape_figure(landscape: Landscape, marker: tuple[float, float], marker_epoch: int, final_epoch: int,
                     height: int = 520) -> go.Figure:
    """The loss over the plane, the path of the recorded epochs projected on it, the final weights (the origin) as a
    star and epoch ``marker_epoch``'s weights, projected at ``marker`` (a, b), as the last trace."""
    path = landscape.path
    fig = go.Figure([
        _map(landscape),
        go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name="the path, epoch by epoch",
                   line=dict(color=OURS, width=2), marker=dict(size=4, color=OURS), customdata=landscape.epochs,
                   hovertemplate="epoch %{customdata}<extra></extra>"),
        go.Scatter(x=[path[0, 0]], y=[path[0, 1]], mode="markers",
                   name=f"initial weights (epoch {landscape.epochs[0]})",
                   marker=dict(size=11, color="white", symbol="circle", line=dict(color=OURS, width=2.5))),
        go.Scatter(x=[0.0], y=[0.0], mode="markers", name=f"final weights (epoch {final_epoch}): the origin",
                   marker=dict(size=16, color=OURS, symbol="star", line=dict(color="white", width=1))),
        go.Scatter(x=[marker[0]], y=[marker[1]], mode="markers", name=f"epoch {marker_epoch}",
                   marker=dict(size=15, color=SKLEARN, symbol="circle", line=dict(color=MARKER, width=2))),
    ])
    return _frame(fig, landscape, height)


PROFILE_AXIS = "a: the weights (1 − a)·initial + a·final"


def profile_log(loss: np.ndarray) -> bool:
    """Whether the profile's loss axis is logarithmic: when its losses are all positive and span more than a factor
    of 20."""
    positive = loss[loss > 0]
    return bool(positive.size == loss.size and positive.max() > 20 * positive.min())


def profile_figure(a: np.ndarray, loss: np.ndarray, height: int = 520) -> go.Figure:
    """Goodfellow et al.'s profile: the loss at (1 − a)·θ₀ + a·θ_final, with the initial (a = 0) and final (a = 1)
    weights marked; a log axis when the losses span more than a factor of 20."""
    at = {k: int(np.argmin(np.abs(a - k))) for k in (0.0, 1.0)}
    fig = go.Figure([
        go.Scatter(x=a, y=loss, mode="lines", name="loss along the line", line=dict(color=OURS, width=3),
                   hovertemplate="a = %{x:.3f}<br>loss %{y:.4g}<extra></extra>"),
        go.Scatter(x=[a[at[0.0]]], y=[loss[at[0.0]]], mode="markers", name="initial weights (a = 0)",
                   marker=dict(size=11, color="white", line=dict(color=OURS, width=2.5))),
        go.Scatter(x=[a[at[1.0]]], y=[loss[at[1.0]]], mode="markers", name="final weights (a = 1)",
                   marker=dict(size=16, color=OURS, symbol="star", line=dict(color="white", width=1))),
    ])
    fig.update_xaxes(title_text=PROFILE_AXIS)
    fig.update_yaxes(title_text="training loss", type="log" if profile_log(loss) else "linear")
    return _layout(fig, height, legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
                   margin=dict(l=60, r=20, t=30, b=60))


def race_styles(names: list[str]) -> list[tuple[str, str, str, bool]]:
    """Each contender's style; those at the second learning rate (after the first rate's) dashed, open markers."""
    rates = list(dict.fromkeys(n.partition(", ")[2] for n in names))
    styles = []
    for name in names:
        optimizer, _, rate = name.partition(", ")
        second = rates.index(rate) > 0
        styles.append((RACE_COLOURS[optimizer], RACE_SYMBOLS[optimizer], "dash" if second else "solid", second))
    return styles


def race_map_figure(landscape: Landscape, names: list[str], paths: list[np.ndarray], markers: list[int],
                    diverged: list[bool], height: int = 560) -> go.Figure:
    """Every contender's path on one landscape, each with a marker at its point of the race's epoch (``markers``:
    an index into its path); a diverged path ends in a cross."""
    fig = go.Figure([_map(landscape)])
    for name, path, at, lost, (colour, symbol, dash, hollow) in zip(names, paths, markers, diverged,
                                                                     race_styles(names), strict=True):
        fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", name=name, legendgroup=name,
                                 line=dict(color=colour, width=2.5, dash=dash), hoverinfo="name"))
        fig.add_trace(go.Scatter(x=[path[at, 0]], y=[path[at, 1]], mode="markers", legendgroup=name,
                                 showlegend=False, hoverinfo="name", name=name,
                                 marker=dict(size=13, color="white" if hollow else colour, symbol=symbol,
                                             line=dict(color=colour if hollow else "white", width=2))))
        if lost:
            fig.add_trace(go.Scatter(x=[path[-1, 0]], y=[path[-1, 1]], mode="markers", legendgroup=name,
                                     showlegend=False, name=f"{name}: diverged", hoverinfo="name",
                                     marker=dict(size=14, color=colour, symbol="x")))
    fig.add_trace(go.Scatter(x=[0.0], y=[0.0], mode="markers", name="the winner's final weights: the origin",
                             marker=dict(size=16, color="white", symbol="star", line=dict(color=MARKER, width=1.5))))
    return _frame(fig, landscape, height)


def race_loss_figure(names: list[str], losses: list[np.ndarray], epoch: int, height: int = 560) -> go.Figure:
    """Every contender's training loss per epoch, on a log axis, with the race's epoch as a vertical line."""
    fig = go.Figure()
    for name, loss, (colour, _, dash, _) in zip(names, losses, race_styles(names), strict=True):
        fig.add_trace(go.Scatter(x=np.arange(len(loss)), y=loss, mode="lines", name=name,
                                 line=dict(color=colour, width=2.5, dash=dash)))
    fig.add_vline(x=epoch, line=dict(color="#555555", width=1, dash="dot"))
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="training loss", type="log")
    return _layout(fig, height, legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
                   margin=dict(l=60, r=20, t=30, b=60))
