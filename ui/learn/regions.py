"""Which hidden units are on where, over one 2-D slice through the inputs.

A ReLU unit is either off (output 0) or passes its input on with slope 1, so wherever the on/off pattern of
all hidden units is the same, the network is one linear function of its inputs: each pattern is one linear
region, and the boundary p = 0.5 is straight inside it. The slice is the dashboard's (``ui.live.payload.slices_spec``):
two inputs on the axes, the others held. Pure functions over arrays, plotly but no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from mlp_core.explain import dead_units, unit_activity
from mlp_core.network import predict_proba
from ui.common.figures import TITLE_CHARS, _layout, cut, plain, short, wrap
from ui.common.grid import axis, plane, points_near
from ui.common.palette import class_marker
from ui.session.data import Prepared

# Light colours, so that the black p = 0.5 line and the class markers stay readable on top.
REGION_COLOURS = qualitative.Pastel1 + qualitative.Set3 + qualitative.Pastel2
MAX_UNIT_MAPS = 16  # small maps, one per hidden unit; more would be too small to read
UNIT_MAPS_PER_ROW = 8
MIN_MAP_COLUMNS = 5
ON, OFF = "#3f007d", "#efedf5"  # a unit on: dark purple; off: light
CAPTION_CHARS = 72  # characters on a line of the caption under the map: at 12 px, about 330 px
TITLE_LINE, CAPTION_LINE = 19, 16  # pixels a line of the title (14 px) and of the caption (12 px) takes


@dataclass(frozen=True)
class RegionsGrid:
    """A grid over two inputs in original units: ``x`` (nx,), ``y`` (ny,); ``fixed`` (d,) the point the slice
    goes through (the held inputs' values; entries of the two free inputs unused), ``held`` their indices.

    ``active`` per hidden layer (ny, nx, units) booleans, unit on (Z > 0); ``p`` (ny, nx);
    ``region`` (ny, nx) the index of each point's pattern in ``patterns``, which lists the distinct
    patterns (all hidden units in order, layer by layer), largest area first.
    """

    x: np.ndarray
    y: np.ndarray
    fixed: np.ndarray
    held: tuple[int, ...]
    activation: str
    active: list[np.ndarray]
    p: np.ndarray
    region: np.ndarray
    patterns: list[tuple[bool, ...]]


def regions_grid(coefs, intercepts, activation: str, data: Prepared, x_input: int, y_input: int,
                 held_value: float | None, resolution: int = 120) -> RegionsGrid:
    """On/off pattern of every hidden unit and p over a ``resolution`` × ``resolution`` grid of inputs
    ``x_input`` and ``y_input``, spanning the training data as the dashboard's slices do.

    As in ``ui.live.payload.slices_spec``, the first other input is held at ``held_value`` (None: its training mean)
    and any further ones at their training means. Raises ValueError unless the two inputs are different
    inputs of the data.
    """
    X = data.X_train
    d = X.shape[1]
    if not (0 <= x_input < d and 0 <= y_input < d and x_input != y_input):
        raise ValueError(f"the slice needs two different inputs out of {d}, got {x_input} and {y_input}")
    held = tuple(i for i in range(d) if i not in (x_input, y_input))
    fixed = X.mean(axis=0)
    if held and held_value is not None:
        fixed[held[0]] = held_value
    x, y = axis(X[:, x_input], resolution), axis(X[:, y_input], resolution)
    Z = (plane(fixed, x_input, y_input, x, y) - data.mean) / data.scale
    on = unit_activity(coefs, intercepts, Z, activation)
    p = predict_proba(coefs, intercepts, Z, activation)
    flat = np.concatenate(on, axis=1)
    patterns, inverse, counts = np.unique(flat, axis=0, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    shape = (resolution, resolution)
    return RegionsGrid(
        x=x, y=y, fixed=fixed, held=held, activation=activation,
        active=[a.reshape(*shape, a.shape[1]) for a in on], p=p.reshape(shape),
        region=rank[inverse.ravel()].reshape(shape),
        patterns=[tuple(bool(v) for v in patterns[i]) for i in order],
    )


def pattern_text(pattern: tuple[bool, ...], units: list[int]) -> str:
    """"layer 1: ●○● · layer 2: ●○" (● on, ○ off) for one pattern; ``units`` the hidden layers' widths."""
    parts, start = [], 0
    for layer, width in enumerate(units, start=1):
        parts.append(f"layer {layer}: " + "".join("●" if v else "○" for v in pattern[start:start + width]))
        start += width
    return " · ".join(parts)


def _region_colours(region: np.ndarray, count: int) -> np.ndarray:
    """A colour index per region: its own colour while the palette lasts, else a greedy colouring in which
    regions that touch never share one."""
    if count <= len(REGION_COLOURS):
        return np.arange(count)
    touching = [set() for _ in range(count)]
    for a, b in ((region[:, :-1], region[:, 1:]), (region[:-1, :], region[1:, :])):
        edge = a != b
        for i, j in zip(a[edge], b[edge], strict=True):
            touching[i].add(j)
            touching[j].add(i)
    colour, uses = np.full(count, -1), np.zeros(len(REGION_COLOURS), dtype=int)
    for r in range(count):  # largest first; of the colours its neighbours leave free, the least used so far
        taken = {colour[n] for n in touching[r]}
        free = [c for c in range(len(REGION_COLOURS)) if c not in taken] or range(len(REGION_COLOURS))
        colour[r] = min(free, key=lambda c: uses[c])
        uses[colour[r]] += 1
    return colour


def _held_text(grid: RegionsGrid, names: list[str], data: Prepared) -> str:
    """"x3 held at 0.12 (its mean)" and the like, the name cut short (raw text, not yet ``plain``); "" when there is
    no other input."""
    if not grid.held:
        return ""
    first = grid.held[0]
    value = grid.fixed[first]
    text = f"{cut(names[first])} held at {value:.3g}"
    mean = float(data.X_train.mean(axis=0)[first])
    if abs(value - mean) <= 1e-9 * max(1.0, abs(mean)):  # the slider's mean differs in the last digits
        text += " (its mean)"
    if len(grid.held) > 1:
        text += ", the others at their mean"
    return text


def regions_figure(grid: RegionsGrid, data: Prepared, x_input: int, y_input: int) -> go.Figure:
    """(a) The slice coloured by on/off pattern (one colour per linear region), the p = 0.5 line in black and
    the training points near the slice; (b) below it, one small map per hidden unit (dark: on), at most
    ``MAX_UNIT_MAPS``. Plotly neither wraps nor cuts a title, so names are cut short in the titles and the title
    and caption are wrapped (as the other slices' in ``figures``); the hover names the two inputs whole."""
    names = list(data.feature_names)
    units = [a.shape[2] for a in grid.active]
    total = sum(units)
    shown = min(total, MAX_UNIT_MAPS)
    cols = min(max(shown, 1), UNIT_MAPS_PER_ROW)
    small_rows = -(-shown // cols)
    fig = make_subplots(rows=1 + small_rows, cols=cols,
                        specs=[[{"colspan": cols}] + [None] * (cols - 1)] + [[{}] * cols] * small_rows)

    count = len(grid.patterns)
    colour = _region_colours(grid.region, count)
    steps = int(colour.max()) + 1
    scale = [[edge, c] for i, c in enumerate(REGION_COLOURS[:steps]) for edge in (i / steps, (i + 1) / steps)]
    texts = np.array([f"region {r + 1} of {count}<br>{pattern_text(pat, units)}"
                      for r, pat in enumerate(grid.patterns)])
    fig.add_trace(go.Heatmap(  # names as ``meta``, never read as a template: a name with %{…} in it stays text
        x=grid.x, y=grid.y, z=colour[grid.region], zmin=-0.5, zmax=steps - 0.5, colorscale=scale, showscale=False,
        text=texts[grid.region], customdata=grid.p, name="regions", meta=[plain(names[x_input]), plain(names[y_input])],
        hovertemplate="%{meta[0]} = %{x:.3g}<br>%{meta[1]} = %{y:.3g}<br>%{text}<br>p = %{customdata:.3f}"
                      "<extra></extra>",
    ), row=1, col=1)
    fig.add_trace(go.Contour(
        x=grid.x, y=grid.y, z=grid.p, name="p = 0.5", showscale=False, showlegend=True,
        contours=dict(start=0.5, end=0.5, size=1.0, coloring="lines"), line=dict(color="#111111", width=2.5),
        colorscale=[[0, "#111111"], [1, "#111111"]], hoverinfo="skip",
    ), row=1, col=1)
    X = data.X_train
    near = points_near(X, data.y_train, grid.fixed, (x_input, y_input), X.std(axis=0) / 2)
    labels = np.asarray(near["label"], dtype=int)
    px, py = np.asarray(near["x"], dtype=float), np.asarray(near["y"], dtype=float)
    for label in range(len(data.class_names)):
        mask = labels == label
        fig.add_trace(go.Scatter(x=px[mask], y=py[mask], mode="markers", name=plain(data.class_names[label]),
                                 marker=class_marker(label, size=7), hoverinfo="skip"), row=1, col=1)
    fig.update_xaxes(title_text=short(names[x_input]), title_standoff=4, row=1, col=1)
    fig.update_yaxes(title_text=short(names[y_input]), row=1, col=1)

    caption = "Each hidden unit hN.k (layer N, unit k): dark where it is on (Z > 0), light where it is off"
    if shown < total:
        caption += f"; the first {shown} of {total} units"
    if count > len(REGION_COLOURS):
        caption += "; colours repeat, never in touching regions"
    caption_lines = wrap((caption + ".").split(" "), CAPTION_CHARS)
    # Laid out in pixels from the top of the plotting area: the map, its axis title, a caption, then rows
    # of small maps each under its own title.
    main, gap, title_h, small, small_gap = 400, 62, 20, 96, 12
    caption_h = 26 + CAPTION_LINE * (len(caption_lines) - 1)
    height = main + gap + caption_h + small_rows * (title_h + small + small_gap)

    def span(top, size):
        return [1 - (top + size) / height, 1 - top / height]

    fig.update_yaxes(domain=span(0, main), row=1, col=1)
    slots = max(cols, MIN_MAP_COLUMNS)  # a few units: small maps, not wide ones
    width = (1 - 0.015 * (slots - 1)) / slots
    flat_on = np.concatenate(grid.active, axis=2)
    unit_names = [f"h{layer}.{k}" for layer, width in enumerate(units, start=1) for k in range(1, width + 1)]
    for i in range(shown):
        row, col = i // cols, i % cols
        top = main + gap + caption_h + row * (title_h + small + small_gap) + title_h
        left = col * (width + 0.015)
        fig.add_trace(go.Heatmap(
            x=grid.x, y=grid.y, z=flat_on[:, :, i].astype(int), zmin=0, zmax=1, showscale=False,
            colorscale=[[0, OFF], [0.5, OFF], [0.5, ON], [1, ON]], name=unit_names[i],
            hovertemplate=f"{unit_names[i]}: %{{z}}<br>%{{x:.3g}}, %{{y:.3g}}<extra></extra>",
        ), row=2 + row, col=1 + col)
        fig.update_xaxes(domain=[left, left + width], showticklabels=False, row=2 + row, col=1 + col)
        fig.update_yaxes(domain=span(top, small), showticklabels=False, row=2 + row, col=1 + col)
        label = unit_names[i] if flat_on[:, :, i].any() else f"{unit_names[i]} (off here)"
        fig.add_annotation(text=label, xref="paper", yref="paper", x=left + width / 2, y=span(top, 0)[0],
                           xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=12))

    kind = "linear regions" if grid.activation == "relu" else "on/off patterns (Z > 0)"
    title = f"{count} {kind} in this slice" + (", one colour each" if count <= len(REGION_COLOURS) else "")
    held = _held_text(grid, names, data)
    lines = [title + f"; {held}" if held else title]
    if len(lines[0]) > TITLE_CHARS:  # too long for one line: the count on its line(s), what is held on its own
        lines = wrap(title.split(" ")) + (wrap(held.split(" ")) if held else [])
    if shown:
        fig.add_annotation(text="<br>".join(map(plain, caption_lines)), xref="paper", yref="paper", x=0,
                           y=span(main + gap, 0)[0], xanchor="left", yanchor="top", align="left", showarrow=False,
                           font=dict(size=12))
    else:
        height = main + gap
        fig.update_yaxes(domain=[gap / height, 1], row=1, col=1)
    extra = TITLE_LINE * (len(lines) - 1)  # the title's further lines, above the legend
    # 6 px from the top; plotly drops its cap shift (0.7 em) from a title of several lines, which would then
    # start above the chart, so those are moved down by as much.
    return _layout(fig, height + 100 + extra,
                   title=dict(text="<br>".join(map(plain, lines)), xref="paper", x=0, xanchor="left", yref="container",
                              y=1, yanchor="top", pad=dict(t=6 + (10 if len(lines) > 1 else 0)), font=dict(size=14)),
                   margin=dict(l=60, r=20, t=80 + extra, b=20),
                   legend=dict(orientation="h", yanchor="bottom", y=1.005, xanchor="right", x=1))


def dead_unit_table(coefs, intercepts, activation: str, Z_train) -> list[dict]:
    """One row per hidden unit: ``layer`` and ``unit`` (1-based), ``name`` ("h1.2"), ``share_on`` (the share
    of training rows ``Z_train`` (n, d) on which it is on, Z > 0) and ``dead`` (a ReLU unit never on)."""
    on = unit_activity(coefs, intercepts, Z_train, activation)
    dead = dead_units(coefs, intercepts, Z_train, activation)
    return [
        {"layer": layer, "unit": k + 1, "name": f"h{layer}.{k + 1}", "share_on": float(share), "dead": bool(flag)}
        for layer, (active, flags) in enumerate(zip(on, dead, strict=True), start=1)
        for k, (share, flag) in enumerate(zip(active.mean(axis=0), flags, strict=True))
    ]
