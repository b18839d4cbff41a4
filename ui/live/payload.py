"""What the live views draw, computed in Python: layout, scales, slices, the points near each slice; and what of
the recorded run the browser is sent, render after render.

The component (``ui/live``) only draws: these pure functions decide the geometry and the numbers, and
``live_payload`` packs them with the recorded run for the browser. The browser keeps what it was sent, so each
render sends only what is new — the epochs recorded since the last render, the views' specs when the run or the
view settings change — and what the browser asks for (``Want``): epochs it no longer holds, or everything again
after it lost its views (a page switch). So the bytes of a render do not grow with the epochs recorded.
No streamlit here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from mlp_core.architecture import parameter_table
from mlp_core.importance import binary_inputs
from ui.common.grid import axis_range, points_near
from ui.common.palette import live_spec
from ui.landscape import live as landscape
from ui.session.data import Prepared, majority_baseline
from ui.session.recording import Recording
from ui.session.verdict import final_verdict
from ui.settings import limits
from ui.settings.limits import EDIT_LIMIT, MAX_EDITS, RECORDING_BUDGET
from ui.settings.table import ACTIVATIONS, BY_KEY

# A run this small is sent whole (every epoch's weights) when the browser needs its views again: at most
# 8 MB (the article's network: 1,000 epochs in 184 KB). A larger one, the epochs around the one on screen.
WHOLE_RUN_BYTES = 8 * 2**20


@dataclass
class Sent:
    """What this session's browser has of the current run: the run (and its generation: a Reset starts a new one)
    and the view settings its views were built for, and the epochs whose numbers (loss, accuracies) it has. The
    weights of the epochs recorded since are sent once (``Recording.take_frames``), the landscape's map once a run
    (and again once its recording completes)."""

    run_id: str | None = None
    views_key: str | None = None
    scalars: int = 0
    landscape: str | None = None  # the key of the landscape map it has (``ui.landscape.live.due``)


@dataclass(frozen=True)
class Axes:
    """Where the views stand beyond the sidebar's two inputs: ``third`` is the 3-D view's third input and the one
    the slices cut across (None: the first other input); ``row`` is the training row every other input is held at,
    the test rows then drawn by projection (None: teaching data, held at their means, the points near each slice)."""

    third: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class Want:
    """What the browser asked for with its last render's trigger: epochs ``first`` to ``last`` (their weights),
    or everything again (``resync``: it lost its views, or found a gap), or the landscape map of key ``landscape``
    (it was told one is due: it is computed in the render that answers)."""

    first: int = 0
    last: int = -1
    resync: bool = False
    landscape: str | None = None

    @classmethod
    def from_triggers(cls, state) -> Want:
        """From the component's state in ``st.session_state`` (its trigger values of this run)."""
        state = state or {}
        asked = state.get("landscape")
        common = {"resync": bool(state.get("resync")), "landscape": asked if isinstance(asked, str) else None}
        want = state.get("want")
        if isinstance(want, dict) and isinstance(want.get("from"), int) and isinstance(want.get("to"), int):
            return cls(max(0, want["from"]), want["to"] - 1, **common)
        return cls(**common)


@dataclass(frozen=True)
class Replay:
    """The epoch of run ``run`` the browser's replay slider was let go at (or ← / → moved to), with the browser's
    time of it (``at``), which tells one report from the next."""

    epoch: int
    at: object
    run: str | None

    @classmethod
    def from_state(cls, state) -> Replay | None:
        """From the component's state in ``st.session_state`` (its ``replay`` value), or None."""
        told = (state or {}).get("replay")
        if isinstance(told, dict) and isinstance(told.get("epoch"), int) and not isinstance(told["epoch"], bool):
            return cls(max(0, told["epoch"]), told.get("at"), told.get("run"))
        return None


def output_labels(units, class_names) -> list[str]:
    """The output units' labels: "p" for the one sigmoid unit of two classes, else each unit's class name."""
    return ["p"] if units[-1] == 1 else [str(c) for c in class_names]


def network_graph_spec(units, feature_names, activation, width=640, height=300, class_names=()) -> dict:
    """Node positions (inputs left, output right) and edges with their parameter index; their widths and colours
    come with ``scales`` (the largest magnitudes over the run, so that a frame compares with the next). k > 2
    classes: one output unit per class, labelled with its name (``class_names``)."""
    outputs = output_labels(units, class_names)
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
                kind, label = "output", outputs[i]
                title = "output unit" if units[-1] == 1 else f"output unit: p({label})"
                bias = int(table[layer - 1][3] + i)
            else:
                kind, label, title = "hidden", f"h{layer}.{i + 1}", f"hidden layer {layer}, unit {i + 1}"
                bias = int(table[layer - 1][3] + i)
            index_of[(layer, i)] = len(nodes)
            nodes.append({"x": round(x, 1), "y": round(y, 1), "label": label, "kind": kind, "bias": bias,
                          "title": title})
    edges = []
    for layer, (fan_in, fan_out, w_off, _) in enumerate(table):
        for k in range(fan_in):
            for j in range(fan_out):
                edges.append({"from": index_of[(layer, k)], "to": index_of[(layer + 1, j)],
                              "param": int(w_off + k * fan_out + j)})
    return {
        "width": width, "height": height, "nodes": nodes, "edges": edges,
        "activation": ACTIVATIONS[activation],  # the hidden layers' captions, as the sidebar names it
    }


def dead_check_rows(data: Prepared, activation: str) -> np.ndarray | None:
    """The training rows (standardized, float32) on which the browser checks which ReLU units are dead — off for
    every one of them — at the epoch on screen: all of them, or an evenly spread sample of ``limits.UNIT_ROWS_VALUES``
    numbers; None for other activations (no unit is ever dead)."""
    if activation != "relu":
        return None
    Z = data.Z_train
    n = max(1, min(len(Z), limits.UNIT_ROWS_VALUES // max(1, Z.shape[1])))
    idx = np.linspace(0, len(Z) - 1, n).round().astype(int) if n < len(Z) else slice(None)
    return np.ascontiguousarray(Z[idx], dtype=np.float32)


def scales(architecture, peaks: np.ndarray) -> dict:
    """The views' scales from each parameter's largest |value| over the epochs recorded: the largest weight and
    bias (the graph's widths and fills) and each layer's largest value (its heatmap's colours)."""
    weights, biases = peaks[architecture.weight_mask == 1], peaks[architecture.weight_mask == 0]
    return {
        "weight": float(weights.max()) if weights.size else 1.0,
        "bias": float(biases.max()) if biases.size else 1.0,
        "layers": [float(peaks[w:b + o].max()) or 1.0 for _, o, w, b in architecture.table],
    }


def heatmap_spec(units, feature_names, class_names=()) -> dict:
    """One block per layer: W (fan_in × fan_out) and b, labelled (its colour scale comes with ``scales``)."""
    table = parameter_table(units)
    layers = []
    for layer, (fan_in, fan_out, w_off, b_off) in enumerate(table):
        rows = list(feature_names) if layer == 0 else [f"h{layer}.{k + 1}" for k in range(fan_in)]
        last = layer == len(table) - 1
        cols = output_labels(units, class_names) if last else [f"h{layer + 1}.{j + 1}" for j in range(fan_out)]
        source = "inputs" if layer == 0 else f"hidden {layer}"
        target = "output" if last else f"hidden {layer + 1}"
        layers.append({
            "title": f"{source} → {target}", "rows": rows, "cols": cols, "fan_in": int(fan_in),
            "fan_out": int(fan_out), "w_offset": int(w_off), "b_offset": int(b_off),
        })
    return {"layers": layers}


def loss_spec(recording: Recording, data: Prepared, log_scale: bool) -> dict:
    """How to draw the curves (their numbers travel with ``scalar_chunk``), and how the run ended, in the words the
    page uses (``ui.session.verdict``)."""
    verdict = final_verdict(recording, data.Z_train, recording.architecture.activation,
                            recording.config.learning_rate_init)
    return {"log_scale": bool(log_scale), "stop_reason": None if verdict is None else f"{verdict.lead} {verdict.text}"}


def scalar_chunk(recording: Recording, first: int) -> dict:
    """The loss and accuracies of epochs ``first`` onwards (None where not measured), rounded for the page."""
    out = {"from": int(first)}
    for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
        values = recording.scalars(name)[first:]
        out[name] = [None if np.isnan(v) else round(float(v), 6) for v in values]
    return out


def slice_values(X: np.ndarray, held: int, count: int) -> list[float]:
    """Where to cut across the held input: its mean for one slice, else evenly spaced quantiles 10%..90%;
    an input with only a few values (a 0/1 column) is cut at each of them."""
    if count == 1:
        return [float(X[:, held].mean())]
    values = np.unique(X[:, held])
    if len(values) <= count:
        return [float(v) for v in values]
    return [float(v) for v in np.quantile(X[:, held], np.linspace(0.1, 0.9, count))]


def one_hot_groups(data: Prepared) -> dict[int, list[int]]:
    """For each input that is one category of a one-hot column, the inputs of that column's other categories."""
    columns: dict[str, list[int]] = {}
    for i, spec in enumerate(data.preprocessing.inputs if data.preprocessing is not None else ()):
        if spec.kind == "category":
            columns.setdefault(spec.column, []).append(i)
    return {i: [j for j in group if j != i] for group in columns.values() for i in group}


def hold_one_hot(values: np.ndarray, others: list[int] | None, value: float) -> None:
    """Keep a one-hot group a real row once one of its inputs is set to ``value``: at 1 its other categories are 0;
    at 0, when no other category is set (the row had this one), the first other category is. In place."""
    if not others:
        return
    if value == 1:
        values[others] = 0.0
    elif not values[others].any():
        values[others[0]] = 1.0


def _axis(X, i, names, groups: dict[int, list[int]] | None = None) -> dict:
    lo, hi = axis_range(X[:, i])
    out = {"index": int(i), "name": names[i], "min": round(lo, 4), "max": round(hi, 4)}
    if binary_inputs(X[:, [i]])[0]:
        out["binary"] = True  # drawn as its two values, 0 and 1
    if groups and i in groups:
        out["group"] = groups[i]  # one category of a one-hot column: the browser keeps the group a real row
    return out


def projected_rows(data: Prepared, limit: int = 400) -> dict:
    """Test rows (at most ``limit``, a fixed sample) in original units, with their true class: every panel places
    each by its two axis values, and the browser marks those the network gets wrong at the epoch on screen."""
    n = len(data.X_test)
    idx = np.sort(np.random.RandomState(0).permutation(n)[:limit])
    return {"rows": data.X_test[idx].round(6).tolist(), "label": data.y_test[idx].astype(int).tolist()}


def slices_spec(data: Prepared, x_input: int, y_input: int, count: int, grid: int = 56,
                axes: Axes = Axes()) -> dict | None:
    """Panels of p over two inputs, one other input (``axes.third``) cut at ``count`` values, the others held at
    training row ``axes.row`` (with the test rows by projection), or at their mean (with the points near)."""
    X, d = data.X_train, data.X_train.shape[1]
    if d < 2:
        return None
    names = list(data.feature_names)
    others = [i for i in range(d) if i not in (x_input, y_input)]
    cut = axes.third if axes.third in others else (others[0] if others else None)
    base = X.mean(axis=0) if axes.row is None else X[axes.row].astype(float)
    spread = X.std(axis=0)
    groups = one_hot_groups(data)
    panels = []
    for value in slice_values(X, cut, count) if cut is not None else [None]:
        fixed = base.copy()
        if value is not None:
            fixed[cut] = value
            hold_one_hot(fixed, groups.get(cut), value)
        title = f"{names[cut]} = {value:.3g}" if cut is not None else "all points"
        points = None
        if axes.row is None:
            # Points count as near when their held inputs lie in a slab around the cut.
            width = spread / (2 * max(count, 1)) if others else spread
            points = points_near(X, data.y_train, fixed, (x_input, y_input), width)
            if len(others) > 1:
                title += " (others at their mean)"
        panels.append({"title": title, "x": _axis(X, x_input, names, groups), "y": _axis(X, y_input, names, groups),
                       "fixed": fixed.round(6).tolist(), "points": points})
    spec = {"grid": grid, "mean": data.mean.tolist(), "scale": data.scale.tolist(), "panels": panels}
    if axes.row is not None:
        spec["projected"] = projected_rows(data)
    return spec


def view3d_spec(data: Prepared, axes: tuple[int, int, int] = (0, 1, 2), grid: int = 16,
                limit: int = 500, row: int | None = None) -> dict | None:
    """The p = 0.5 surface over three inputs (the others at their mean, or at training row ``row``) and a sample
    of the training points."""
    X, d = data.X_train, data.X_train.shape[1]
    if d < 3:
        return None
    names = list(data.feature_names)
    fixed = X.mean(axis=0) if row is None else X[row].astype(float)
    idx = np.sort(np.random.RandomState(0).choice(len(X), size=min(limit, len(X)), replace=False))
    return {
        "grid": grid, "mean": data.mean.tolist(), "scale": data.scale.tolist(),
        "axes": [_axis(X, i, names, one_hot_groups(data)) for i in axes], "fixed": fixed.round(6).tolist(),
        "points": {"x": X[idx, axes[0]].round(4).tolist(), "y": X[idx, axes[1]].round(4).tolist(),
                   "z": X[idx, axes[2]].round(4).tolist(), "label": data.y_train[idx].astype(int).tolist()},
    }


def _three(data: Prepared, view, axes: Axes) -> tuple[int, int, int]:
    """The 3-D view's inputs: the slices' two and the third (the first other input unless ``axes`` names one)."""
    others = [i for i in range(len(data.feature_names)) if i not in (view.x_input, view.y_input)]
    third = axes.third if axes.third in others else (others[0] if others else view.y_input)
    return view.x_input, view.y_input, third


def sent_whole(recording: Recording, n_epochs: int | None = None) -> bool:
    """Whether a run of ``n_epochs`` (the epochs recorded when None) is small enough to send whole."""
    epochs = recording.n_epochs if n_epochs is None else n_epochs + 1  # epoch 0 is the initial weights
    return epochs * 8 * recording.architecture.size <= WHOLE_RUN_BYTES


def frames_to_send(recording: Recording, want: Want, shown: int, speed: float) -> dict[int, np.ndarray]:
    """The weights (and gradients) of the epochs the browser gets with this render: those recorded since the last
    one, and those it asked for; after ``resync``, the whole run if it is small, else the epochs around ``shown``."""
    frames = dict(recording.take_frames())
    wanted = range(0)
    if want.resync:
        wanted = range(0, recording.n_epochs) if sent_whole(recording) else range(max(0, shown - int(2 * speed)),
                                                                 min(recording.n_epochs, shown + int(3 * speed) + 1))
    elif want.last >= want.first:
        wanted = range(want.first, min(want.last + 1, recording.n_epochs))
    frames.update((e, f) for e, f in recording.frames_for(wanted) if e not in frames)
    return dict(sorted(frames.items()))


def live_payload(recording: Recording, data: Prepared, run_id: str, view, playback: dict, sent: Sent,
                 want: Want = Want(), axes: Axes = Axes(), maps: landscape.Maps | None = None) -> dict:
    """What the live component gets for one render; ``sent`` is brought up to date with it. ``maps`` computes the
    landscape view's maps (None: the map is said to be due, never computed)."""
    arch = recording.architecture
    units, activation, weights = arch.units, arch.activation, int(arch.weight_mask.sum())
    k = data.n_classes
    shown_class = view.shown_class if k > 2 and 0 <= view.shown_class < k else None
    views = [run_id, view.x_input, view.y_input, view.slices, axes.third, axes.row, shown_class, view.present]
    views_key = hashlib.sha1(json.dumps(views).encode()).hexdigest()[:12]
    if want.resync or sent.run_id != run_id:  # new views: everything again (a small run whole, else around shown)
        sent.scalars, sent.views_key, sent.landscape, want = 0, None, None, Want(resync=True)
    new_views = sent.views_key != views_key
    shown = min(playback["epoch"], recording.n_epochs - 1)
    frames = frames_to_send(recording, want, shown, playback["speed"])
    rows = dead_check_rows(data, activation) if new_views else None
    payload = {
        "run_id": run_id,
        "views_key": views_key,
        "n_epochs": recording.n_epochs,
        "n_params": int(arch.size),
        "done": recording.done,
        "budget": RECORDING_BUDGET,
        # float32, one row per epoch (weights, then gradients); the component sends them as binary (ui/live)
        "frames": {"epochs": list(frames),
                   "values": np.array(list(frames.values()), dtype=np.float32).reshape(len(frames), 2 * arch.size)},
        "scalars": scalar_chunk(recording, sent.scalars),
        "scales": scales(arch, recording.peaks),
        "forward": {"table": parameter_table(units).tolist(), "activation": activation},
        "playback": playback,
        "present": bool(view.present),  # for a projector: larger text, the main views together (style.css)
        "feature_names": list(data.feature_names),
        "class_names": list(data.class_names),
        # k > 2 classes: the class whose probability the boundary views show (None: they show the predicted class);
        # each class's colour and symbol are the palette's (specs.palette.classes)
        "classes": {"shown": shown_class} if k > 2 else None,
        "baseline": majority_baseline(data)[1],  # the test accuracy of always guessing the majority class
        "loss": loss_spec(recording, data, view.log_scale),
        "specs": {
            "palette": live_spec(),
            "graph": {**network_graph_spec(units, data.feature_names, activation, class_names=data.class_names),
                      # the dead-unit check's rows: their values in `unit_rows`, binary beside the JSON (ui/live)
                      "rows": None if rows is None else {"n": len(rows), "d": int(rows.shape[1]),
                                                         "total": len(data.Z_train)}},
            "heatmaps": heatmap_spec(units, data.feature_names, data.class_names),
            "slices": slices_spec(data, view.x_input, view.y_input, view.slices,
                                  limits.slices_grid(weights, view.slices), axes),
            "view3d": view3d_spec(data, _three(data, view, axes), limits.view3d_grid(weights), row=axes.row),
            "landscape": landscape.view_spec(recording, len(data.Z_train)),
        } if new_views else None,
        "landscape": landscape_part(recording, data, run_id, playback["playing"], sent, want, maps),
        "unit_rows": rows,
        "edits": [{"epoch": e.epoch, "param": e.param, "value": e.value} for e in recording.edits],
        "editing": editing_spec(recording),
    }
    sent.run_id, sent.views_key, sent.scalars = run_id, views_key, recording.n_epochs
    return payload


def editing_spec(recording: Recording) -> dict:
    """What the graph may change by hand, from the limits and the settings table: a parameter's value within
    ±``limit``, at most ``max_edits`` edits a run; the hidden layers (now ``hidden``) of ``units`` units each, at
    most ``max_layers`` of them."""
    hidden = BY_KEY["hidden"]
    return {"limit": EDIT_LIMIT, "max_edits": MAX_EDITS, "hidden": recording.architecture.units[1:-1],
            "units": [int(hidden.low), int(hidden.high)], "max_layers": hidden.max_layers}


def landscape_part(recording: Recording, data: Prepared, run_id: str, playing: bool, sent: Sent, want: Want,
                   maps: landscape.Maps | None) -> dict | None:
    """The landscape view's map: None when the browser has the one due (or none is); ``{key, due: true}`` when it
    lacks it — started only when it asks, after its views are drawn from a render, and computed on the landscape
    thread, so it never delays a draw (``pending``: underway, ask again in a moment); the map itself once computed,
    of the epochs recorded when it started (``ui.landscape.live.Maps``). While the recording grows under a playback
    the views' fragment reruns every second on its own: the map is started and sent without asks (whose reruns would
    interrupt the recording's)."""
    key = landscape.due(run_id, recording, playing, sent.landscape)
    if key is None or sent.landscape == key or landscape.view_spec(recording, len(data.Z_train))["problem"]:
        return None
    ticking = playing and not recording.done
    if maps is None or not (ticking or landscape.same_run(want.landscape, run_id)):
        return {"key": key, "due": True}
    made = maps.map_for(key, sent.landscape, recording, data.Z_train, data.y_train)
    if made is None:
        return None if ticking else {"key": key, "due": True, "pending": True}
    sent.landscape = made["key"]
    return made
