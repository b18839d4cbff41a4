"""What the live views draw, computed in Python: layout, scales, slices, the points near each slice.

The component (``ui/live``) only draws: these pure functions decide the geometry and the numbers, and
``live_payload`` packs them with the recorded run for the browser. No streamlit here.
"""

from __future__ import annotations

import base64
import hashlib
import json

import numpy as np

from mlp_core.architecture import parameter_table
from ui.common.grid import axis_range, points_near
from ui.session.data import Prepared
from ui.session.recording import Recording
from ui.settings.table import ACTIVATIONS


def encode_floats(values: np.ndarray) -> str:
    """float32, little-endian, base64: what the browser decodes into a Float32Array."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def network_graph_spec(units, feature_names, activation, params, width=640, height=300) -> dict:
    """Node positions (inputs left, output right), edges with their parameter index, and the scales.

    ``params`` (E, P): the recorded parameters; widths and colours are scaled by their largest
    magnitude over the whole run so that a frame compares with the next.
    """
    table = parameter_table(units)
    margin_x, top, bottom = 70, 36, 28
    columns = len(units)
    nodes, index_of = [], {}
    for layer, size in enumerate(units):
        x = margin_x + (width - 2 * margin_x) * layer / max(columns - 1, 1)
        span = height - top - bottom
        for i in range(size):
            y = top + span * (i + 0.5) / size
            if layer == 0:
                kind, label, bias, title = "input", feature_names[i], None, f"input {feature_names[i]}"
            elif layer == columns - 1:
                kind, label, title = "output", "p", "output unit"
                bias = int(table[layer - 1][3] + i)
            else:
                kind, label, title = "hidden", f"h{layer}.{i + 1}", f"hidden layer {layer}, unit {i + 1}"
                bias = int(table[layer - 1][3] + i)
            index_of[(layer, i)] = len(nodes)
            nodes.append({"x": round(x, 1), "y": round(y, 1), "label": label, "kind": kind, "bias": bias,
                          "title": title})
    edges = []
    weight_mask = np.zeros(params.shape[1], dtype=bool)
    for layer, (fan_in, fan_out, w_off, _) in enumerate(table):
        for k in range(fan_in):
            for j in range(fan_out):
                p = int(w_off + k * fan_out + j)
                weight_mask[p] = True
                edges.append({"from": index_of[(layer, k)], "to": index_of[(layer + 1, j)], "param": p})
    weights = np.abs(params[:, weight_mask])
    biases = np.abs(params[:, ~weight_mask])
    return {
        "width": width, "height": height, "nodes": nodes, "edges": edges,
        "weight_scale": float(weights.max()) if weights.size else 1.0,
        "bias_scale": float(biases.max()) if biases.size else 1.0,
        "activation": ACTIVATIONS[activation],  # the hidden layers' captions, as the sidebar names it
    }


def heatmap_spec(units, feature_names, params) -> dict:
    """One block per layer: W (fan_in × fan_out) and b, labelled, with the layer's largest |value|."""
    table = parameter_table(units)
    layers = []
    for layer, (fan_in, fan_out, w_off, b_off) in enumerate(table):
        rows = list(feature_names) if layer == 0 else [f"h{layer}.{k + 1}" for k in range(fan_in)]
        last = layer == len(table) - 1
        cols = ["p"] if last else [f"h{layer + 1}.{j + 1}" for j in range(fan_out)]
        block = params[:, w_off:b_off + fan_out]
        source = "inputs" if layer == 0 else f"hidden {layer}"
        target = "output" if last else f"hidden {layer + 1}"
        layers.append({
            "title": f"{source} → {target}", "rows": rows, "cols": cols, "fan_in": int(fan_in),
            "fan_out": int(fan_out), "w_offset": int(w_off), "b_offset": int(b_off),
            "scale": float(np.abs(block).max()) or 1.0,
        })
    return {"layers": layers}


def loss_spec(recording: Recording, max_epochs: int, log_scale: bool) -> dict:
    """The recorded curves (None where not measured) and how to draw them."""

    def series(name):
        values = recording.array(name)
        return None if np.all(np.isnan(values)) else [None if np.isnan(v) else round(float(v), 6) for v in values]

    final = recording.final
    return {
        "loss": series("loss"), "val_loss": series("val_loss"), "accuracy": series("accuracy"),
        "val_accuracy": series("val_accuracy"), "max_epochs": int(max_epochs), "log_scale": bool(log_scale),
        "stop_reason": None if final is None else final.stop_reason,
    }


def slice_values(X: np.ndarray, held: int, count: int) -> list[float]:
    """Where to cut across the held input: its mean for one slice, else evenly spaced quantiles 10%..90%;
    an input with only a few values (a 0/1 column) is cut at each of them."""
    if count == 1:
        return [float(X[:, held].mean())]
    values = np.unique(X[:, held])
    if len(values) <= count:
        return [float(v) for v in values]
    return [float(v) for v in np.quantile(X[:, held], np.linspace(0.1, 0.9, count))]


def _axis(X, i, names) -> dict:
    lo, hi = axis_range(X[:, i])
    return {"index": int(i), "name": names[i], "min": round(lo, 4), "max": round(hi, 4)}


def slices_spec(data: Prepared, x_input: int, y_input: int, count: int, grid: int = 56) -> dict | None:
    """Panels of p over two inputs, the first other input cut at ``count`` values (others at their mean)."""
    X, d = data.X_train, data.X_train.shape[1]
    if d < 2:
        return None
    names = list(data.feature_names)
    others = [i for i in range(d) if i not in (x_input, y_input)]
    means = X.mean(axis=0)
    spread = X.std(axis=0)
    panels = []
    cuts = slice_values(X, others[0], count) if others else [None]
    for value in cuts:
        fixed = means.copy()
        if value is not None:
            fixed[others[0]] = value
        # Points count as near when their held inputs lie in a slab around the cut.
        width = spread / (2 * max(count, 1)) if others else spread
        title = f"{names[others[0]]} = {value:.3g}" if others else "all points"
        if len(others) > 1:
            title += " (others at their mean)"
        panels.append({
            "title": title, "x": _axis(X, x_input, names), "y": _axis(X, y_input, names),
            "fixed": fixed.round(6).tolist(),
            "points": points_near(X, data.y_train, fixed, (x_input, y_input), width),
        })
    return {"grid": grid, "mean": data.mean.tolist(), "scale": data.scale.tolist(), "panels": panels}


def view3d_spec(data: Prepared, axes: tuple[int, int, int] = (0, 1, 2), grid: int = 16,
                limit: int = 500) -> dict | None:
    """The p = 0.5 surface over three inputs (the others at their mean) and a sample of the points."""
    X, d = data.X_train, data.X_train.shape[1]
    if d < 3:
        return None
    names = list(data.feature_names)
    idx = np.sort(np.random.RandomState(0).choice(len(X), size=min(limit, len(X)), replace=False))
    return {
        "grid": grid, "mean": data.mean.tolist(), "scale": data.scale.tolist(),
        "axes": [_axis(X, i, names) for i in axes], "fixed": X.mean(axis=0).round(6).tolist(),
        "points": {"x": X[idx, axes[0]].round(4).tolist(), "y": X[idx, axes[1]].round(4).tolist(),
                   "z": X[idx, axes[2]].round(4).tolist(), "label": data.y_train[idx].astype(int).tolist()},
    }


def live_payload(recording: Recording, data: Prepared, run_id: str, view, playback: dict, max_epochs: int) -> dict:
    """Everything the live component needs for one render."""
    snap0 = recording.snapshots[0]
    units, activation = snap0.architecture.units, snap0.architecture.activation
    params = recording.array("params")
    views_key = hashlib.sha1(json.dumps([run_id, view.x_input, view.y_input, view.slices]).encode()).hexdigest()[:12]
    return {
        "run_id": run_id,
        "views_key": views_key,
        "n_epochs": recording.n_epochs,
        "n_params": int(params.shape[1]),
        "params": encode_floats(params),
        "grads": encode_floats(recording.array("grads")),
        "forward": {"table": parameter_table(units).tolist(), "activation": activation},
        "playback": playback,
        "feature_names": list(data.feature_names),
        "class_names": list(data.class_names),
        "graph": network_graph_spec(units, data.feature_names, activation, params),
        "heatmaps": heatmap_spec(units, data.feature_names, params),
        "loss": loss_spec(recording, max_epochs, view.log_scale),
        "slices": slices_spec(data, view.x_input, view.y_input, view.slices),
        "view3d": view3d_spec(data),
    }
