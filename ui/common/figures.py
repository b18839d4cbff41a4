"""Plotly figures for the Compare and Classify pages, built by pure functions from arrays (plotly, no streamlit).

Colours follow the dashboard's colour-blind-safe purple/orange palette (ColorBrewer PuOr): ours purple
and solid, scikit-learn orange and dashed; p and the classes' marks come from ``ui.common.palette``, as on every
page and in the live views.
Feature and class names come from users' files: they pass through ``plain`` before plotly sees them,
because plotly reads tags such as <a> and <br> in its text. Titles cannot wrap or cut themselves short, so a
slice's titles cut long names (``short``) and wrap the list of inputs held fixed; the hover keeps every name whole.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.common.palette import PROBABILITY_SCALE, class_colour, class_marker, pale_class_colour

OURS = "#5e3c99"
SKLEARN = "#e66101"
OURS_NAME = "ours (mlp_core)"
SKLEARN_NAME = "scikit-learn MLPClassifier"
ZERO_FLOOR = 1e-18  # where an exact zero is drawn on a log axis
NAME_CHARS = 30  # a name longer than this is cut short in a title (the hover shows it whole)
TITLE_CHARS = 48  # characters on a line of a slice's title: at 13 px, about 340 px, narrower than a half-width chart
HELD_CHARS = 64  # the held inputs a slice's title names, at most (the rest are counted: "and 3 more")
HOVER_HELD = 6  # the held inputs the hover names, one a line


def _power(value: float) -> str:
    """1e-09 -> 1e-9."""
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")


def plain(text: str) -> str:
    """A user's text as plotly shows it literally (its tags escaped)."""
    return html.escape(str(text), quote=False)


def cut(text: str, limit: int = NAME_CHARS) -> str:
    """A user's name cut to ``limit`` characters with an ellipsis when longer (still raw text: see ``short``)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def short(text: str, limit: int = NAME_CHARS) -> str:
    """A user's name for a title: cut to ``limit`` characters with an ellipsis when longer, then ``plain``."""
    return plain(cut(text, limit))


def wrap(words: list[str], width: int = TITLE_CHARS) -> list[str]:
    """``words`` (raw text) joined by spaces into lines of at most ``width`` characters; a longer word is a line
    of its own. ``plain`` each line before plotly sees it, and join the lines with <br>."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def held_title(held: tuple[str, ...]) -> list[str]:
    """The lines of a slice's title naming the inputs ``held`` at their mean, as plotly text: names cut short,
    as many as fit in ``HELD_CHARS`` (at least one, the rest counted), wrapped at ``TITLE_CHARS`` a line."""
    if not held:
        return []
    names = [cut(n) for n in held]
    shown = 1
    while shown < len(names) and sum(len(n) + 2 for n in names[:shown + 1]) <= HELD_CHARS:
        shown += 1
    words = [n + ("," if i < shown - 1 else "") for i, n in enumerate(names[:shown])]
    if shown < len(names):
        words.append(f"and {len(names) - shown} more")
    words.append(f"held at {'their' if len(held) > 1 else 'its'} mean")
    return [plain(line) for line in wrap(words)]


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        height=height, template="plotly_white", margin=dict(l=60, r=20, t=40, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return fig.update_layout(**extra)


def loss_figure(loss_ours: np.ndarray, loss_sklearn: np.ndarray) -> go.Figure:
    """Training loss per epoch (1..E) of both runs, overlaid: ours solid, scikit-learn dashed on top."""
    fig = go.Figure([
        go.Scatter(x=np.arange(1, len(loss_ours) + 1), y=loss_ours, mode="lines", name=OURS_NAME,
                   line=dict(color=OURS, width=4)),
        go.Scatter(x=np.arange(1, len(loss_sklearn) + 1), y=loss_sklearn, mode="lines", name=SKLEARN_NAME,
                   line=dict(color=SKLEARN, width=2, dash="dash")),
    ])
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="training log loss")
    return _layout(fig, 360)


def weight_difference_figure(difference: np.ndarray, tolerance: float) -> go.Figure:
    """The largest |ours − scikit-learn| over all weights and biases after each epoch 0..E, on a log axis.

    Exact zeros have no logarithm: they are drawn at ``ZERO_FLOOR`` and marked by a trace of their own.
    """
    difference = np.asarray(difference, dtype=float)
    epochs = np.arange(len(difference))
    shown = np.where(difference > 0, difference, ZERO_FLOOR)
    zero = difference == 0
    traces = [
        go.Scatter(x=epochs, y=shown, mode="lines+markers" if len(epochs) <= 60 else "lines",
                   name="largest |ours − scikit-learn|", line=dict(color=OURS, width=2), marker=dict(size=4)),
    ]
    if zero.any():
        traces.append(go.Scatter(x=epochs[zero], y=np.full(zero.sum(), ZERO_FLOOR), mode="markers",
                                 name=f"exactly 0 (drawn at {_power(ZERO_FLOOR)})",
                                 marker=dict(color=SKLEARN, size=8, symbol="circle-open", line=dict(width=2))))
    traces.append(go.Scatter(x=[0, max(len(difference) - 1, 1)], y=[tolerance, tolerance], mode="lines",
                             name=f"tolerance of the tests ({_power(tolerance)})",
                             line=dict(color="#555555", width=1.5, dash="dot")))
    fig = go.Figure(traces)
    top = max(np.log10(tolerance) + 1.5, np.log10(shown.max()) + 0.5)
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="largest weight difference", type="log", range=[np.log10(ZERO_FLOOR) - 0.7, top],
                     dtick=3, exponentformat="power")
    return _layout(fig, 360)


def boundary_figure(x: np.ndarray, y: np.ndarray, p_ours: np.ndarray, p_sklearn: np.ndarray, points: dict,
                    x_name: str, y_name: str, class_names: tuple[str, str], held: tuple[str, ...] = ()) -> go.Figure:
    """p of the positive class over a grid, ours and scikit-learn's side by side: heatmap on 0..1 (PuOr),
    the p = 0.5 line, and the training points by class (``points``: x, y, label lists).

    ``p_*`` have shape (len(y), len(x)); ``held`` names the inputs held at their mean, for the title.
    """
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(OURS_NAME, SKLEARN_NAME))
    labels = np.asarray(points["label"], dtype=int)
    px, py = np.asarray(points["x"], dtype=float), np.asarray(points["y"], dtype=float)
    for col, p in ((1, p_ours), (2, p_sklearn)):
        for trace in _slice_traces(x, y, p, px, py, labels, class_names, first=col == 1,
                                   names=(x_name, y_name, held)):
            fig.add_trace(trace, row=1, col=col)
    fig.update_xaxes(title_text=short(x_name))
    fig.update_yaxes(title_text=short(y_name), row=1, col=1)
    return _slice_layout(fig, held)


def scored_boundary_figure(x: np.ndarray, y: np.ndarray, p: np.ndarray, points: dict, x_name: str, y_name: str,
                           class_names: tuple[str, str], held: tuple[str, ...] = ()) -> go.Figure:
    """One model's p over a grid (heatmap on 0..1, PuOr), the p = 0.5 line, and scored rows as markers by
    their predicted class (``points``: x, y, label lists), or by their true class with the wrongly predicted ones
    ringed (``points["wrong"]``: bool list). ``p`` has shape (len(y), len(x))."""
    labels = np.asarray(points["label"], dtype=int)
    px, py = np.asarray(points["x"], dtype=float), np.asarray(points["y"], dtype=float)
    truth = "wrong" in points
    names = tuple(f"{'true' if truth else 'predicted'} {name}" for name in class_names)
    fig = go.Figure(_slice_traces(x, y, p, px, py, labels, names, first=True, colorbar=f"p({plain(class_names[1])})",
                                  names=(x_name, y_name, held)))
    if truth:
        wrong = np.asarray(points["wrong"], dtype=bool)
        fig.add_trace(go.Scatter(x=px[wrong], y=py[wrong], mode="markers", name="predicted wrong",
                                 marker=dict(size=15, symbol="circle-open", color="#111111", line=dict(width=1.6))))
    fig.update_xaxes(title_text=short(x_name))
    fig.update_yaxes(title_text=short(y_name))
    return _slice_layout(fig, held)


def _slice_traces(x, y, p, px, py, labels, class_names, first: bool, colorbar: str | None = None,
                  names: tuple = ("x", "y", ())) -> list:
    """Heatmap of p, its 0.5 contour, and the points by class, for one panel. ``names``: the inputs across and
    up and those held at their mean, named whole in the heatmap's hover (passed as ``meta``, never read as a
    template, so a name with %{…} in it stays text)."""
    x_name, y_name, held = names
    hover = "%{meta[0]} = %{x:.3g}<br>%{meta[1]} = %{y:.3g}<br>p = %{z:.3f}"
    meta = [plain(x_name), plain(y_name)]
    if held:
        listed = [plain(n) for n in held[:HOVER_HELD]] + ([f"and {len(held) - HOVER_HELD} more"]
                                                          if len(held) > HOVER_HELD else [])
        hover += "<br>held at " + ("their" if len(held) > 1 else "its") + " mean: %{meta[2]}"
        meta.append("".join(f"<br>· {n}" for n in listed) if len(held) > 1 else listed[0])
    traces = [
        go.Heatmap(
            x=x, y=y, z=p, zmin=0.0, zmax=1.0, colorscale=PROBABILITY_SCALE, showscale=first, name="p", zsmooth="best",
            colorbar=dict(title=dict(text=colorbar or f"p({plain(class_names[1])})", side="right"), len=0.9),
            meta=meta, hovertemplate=hover + "<extra></extra>",
        ),
        go.Contour(
            x=x, y=y, z=p, name="p = 0.5", showscale=False, showlegend=first, legendgroup="contour",
            contours=dict(start=0.5, end=0.5, size=1.0, coloring="lines"), line=dict(color="#111111", width=2.5),
            colorscale=[[0, "#111111"], [1, "#111111"]], hoverinfo="skip",
        ),
    ]
    for label in range(len(class_names)):
        mask = labels == label
        traces.append(go.Scatter(
            x=px[mask], y=py[mask], mode="markers", name=plain(class_names[label]), legendgroup=f"class{label}",
            showlegend=first, marker=class_marker(label),
        ))
    return traces


def class_boundary_figure(x: np.ndarray, y: np.ndarray, panels: tuple[tuple[str, np.ndarray], ...], points: dict,
                          x_name: str, y_name: str, class_names: tuple[str, ...], held: tuple[str, ...] = ()
                          ) -> go.Figure:
    """k > 2 classes: the class each model predicts over a grid, side by side (``panels``: (title, P) with P of shape
    (len(y), len(x), k)), each class in its colour (``ui.common.palette``), and the points by class
    (``points``: x, y, label lists; with ``points["wrong"]``, bool list, the wrongly predicted ones ringed)."""
    k = len(class_names)
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[title for title, _ in panels] if len(panels) > 1 else None)
    scale = []
    for c in range(k):  # one flat band of its colour, lightened, per class
        tint = pale_class_colour(c)
        scale += [[c / k, tint], [(c + 1) / k, tint]]
    names = np.array([plain(n) for n in class_names], dtype=object)
    labels = np.asarray(points["label"], dtype=int)
    px, py = np.asarray(points["x"], dtype=float), np.asarray(points["y"], dtype=float)
    for col, (_, P) in enumerate(panels, start=1):
        top = np.argmax(P, axis=-1)
        fig.add_trace(go.Heatmap(x=x, y=y, z=top, zmin=-0.5, zmax=k - 0.5, colorscale=scale, showscale=False,
                                 text=names[top], hovertemplate="predicted %{text}<extra></extra>", name="predicted"),
                      row=1, col=col)
        for c in range(k):
            mask = labels == c
            fig.add_trace(go.Scatter(x=px[mask], y=py[mask], mode="markers", name=plain(class_names[c]),
                                     legendgroup=f"class{c}", showlegend=col == 1,
                                     marker=class_marker(c)), row=1, col=col)
        if "wrong" in points:
            wrong = np.asarray(points["wrong"], dtype=bool)
            fig.add_trace(go.Scatter(x=px[wrong], y=py[wrong], mode="markers", name="predicted wrong",
                                     showlegend=col == 1, marker=dict(size=15, symbol="circle-open", color="#111111",
                                                                      line=dict(width=1.6))), row=1, col=col)
    fig.update_xaxes(title_text=short(x_name))
    fig.update_yaxes(title_text=short(y_name), row=1, col=1)
    return _slice_layout(fig, held)


def _slice_layout(fig: go.Figure, held: tuple[str, ...]) -> go.Figure:
    lines = held_title(held)
    title = "<br>".join(lines) if lines else None
    return _layout(fig, 470 + 17 * max(0, len(lines) - 1),
                   title=dict(text=title, x=0.5, xanchor="center", y=0.97, yanchor="top", font=dict(size=13)),
                   margin=dict(l=60, r=20, t=70 + 17 * max(0, len(lines) - 1) if title else 40, b=50),
                   legend=dict(orientation="h", yanchor="top", y=-0.14, xanchor="center", x=0.5))


def confusion_figure(matrix, labels: tuple[str, ...]) -> go.Figure:
    """The confusion matrix ``matrix`` (k, k), rows the true class and columns the predicted one, as an
    annotated heatmap (darker: more rows)."""
    matrix = np.asarray(matrix, dtype=int)
    names = [plain(label) for label in labels]
    fig = go.Figure(go.Heatmap(
        x=[f"predicted {n}" for n in names], y=[f"true {n}" for n in names], z=matrix, text=matrix,
        texttemplate="%{text}", textfont=dict(size=18), colorscale="Purples", showscale=False,
        hovertemplate="%{y}, %{x}: %{z} rows<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 340 + 24 * max(0, len(labels) - 3))


def roc_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float | None) -> go.Figure:
    """The ROC curve (true against false positive rate) with the diagonal of a model that guesses."""
    name = "this model" if auc is None else f"this model (AUC {auc:.3f})"
    fig = go.Figure([
        go.Scatter(x=fpr, y=tpr, mode="lines", name=name, line=dict(color=OURS, width=3)),
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="guessing", line=dict(color="#888888", width=1.5,
                                                                                   dash="dot")),
    ])
    fig.update_xaxes(title_text="false positive rate", range=[-0.02, 1.02])
    fig.update_yaxes(title_text="true positive rate", range=[-0.02, 1.02])
    return _layout(fig, 340)


def class_roc_figure(curves: list[tuple[str, np.ndarray, np.ndarray, float | None]]) -> go.Figure:
    """k classes: each class's ROC curve against all the others (name, false and true positive rates, AUC), in
    the class's colour, with the diagonal of a model that guesses."""
    traces = [go.Scatter(x=fpr, y=tpr, mode="lines", line=dict(color=class_colour(c), width=2.5),
                         name=plain(name) + ("" if auc is None else f" (AUC {auc:.3f})"))
              for c, (name, fpr, tpr, auc) in enumerate(curves)]
    traces.append(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="guessing",
                             line=dict(color="#888888", width=1.5, dash="dot")))
    fig = go.Figure(traces)
    fig.update_xaxes(title_text="false positive rate", range=[-0.02, 1.02])
    fig.update_yaxes(title_text="true positive rate", range=[-0.02, 1.02])
    return _layout(fig, 340)


def probability_figure(x: np.ndarray, p_ours: np.ndarray, p_sklearn: np.ndarray, points: dict, x_name: str,
                       class_names: tuple[str, str]) -> go.Figure:
    """For data with one input: p over that input, both models (ours solid, scikit-learn dashed), the p = 0.5
    line, and the training points at p = their class (``points``: x, label lists)."""
    labels = np.asarray(points["label"], dtype=int)
    px = np.asarray(points["x"], dtype=float)
    traces = [
        go.Scatter(x=x, y=p_ours, mode="lines", name=OURS_NAME, line=dict(color=OURS, width=4)),
        go.Scatter(x=x, y=p_sklearn, mode="lines", name=SKLEARN_NAME, line=dict(color=SKLEARN, width=2, dash="dash")),
        go.Scatter(x=[x[0], x[-1]], y=[0.5, 0.5], mode="lines", name="p = 0.5",
                   line=dict(color="#111111", width=1.5, dash="dot")),
    ]
    for label in range(len(class_names)):
        mask = labels == label
        traces.append(go.Scatter(x=px[mask], y=np.full(mask.sum(), float(label)), mode="markers",
                                 name=plain(class_names[label]), marker=class_marker(label, opacity=0.6)))
    fig = go.Figure(traces)
    fig.update_xaxes(title_text=plain(x_name))
    fig.update_yaxes(title_text=f"p({plain(class_names[1])})", range=[-0.08, 1.08])
    return _layout(fig, 380)


def importance_figure(names: list[str], importance: np.ndarray, on_axes: tuple[int, ...], shown: int = 20) -> go.Figure:
    """Permutation importance per input (the increase of the test log loss when its column is shuffled), largest
    first, at most ``shown`` inputs; the inputs on the views' axes in purple, the others grey."""
    order = np.argsort(-np.asarray(importance), kind="stable")[:shown]
    fig = go.Figure(go.Bar(
        x=[float(importance[i]) for i in order][::-1], y=[short(plain(names[i])) for i in order][::-1],
        orientation="h", marker_color=[OURS if i in on_axes else "#b0b0b0" for i in order][::-1],
        customdata=[plain(names[i]) for i in order][::-1],
        hovertemplate="%{customdata}: %{x:.4f}<extra></extra>"))
    fig.update_xaxes(title_text="increase of the test log loss when the input is shuffled")
    fig.update_yaxes(automargin=True)
    return _layout(fig, 120 + 22 * len(order), showlegend=False)
