"""The live views: one Streamlit component (``st.components.v2``) that keeps its drawings mounted
and plays the recorded run back in the browser, redrawing every view in place at the same epoch.

Its JavaScript is plain files in this folder, concatenated: ``VIEW_FILES``, then ``core.js``. It draws with
SVG and canvas (plotly.js redraws were measured at 10 frames per second here, too slow to animate).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import streamlit as st

HERE = Path(__file__).parent
# The network's forward pass and the drawing helpers every view shares, the run as the browser holds it, one file
# per view, the parts of the graph (its units' maps, its card, its + and −, a large network's strongest edges) and
# of the 3-D view (its surface, camera, rasterizer and box) in files of their own, and the toolbar's side (status
# line, keyboard, replay slider).
VIEW_FILES = (
    "forward.js", "draw.js", "store.js",
    "unitmaps.js", "graphdetail.js", "graphshape.js", "graphedges.js", "graph.js",
    "loss.js", "heatmaps.js", "slices.js", "sliceslegend.js",
    "surface.js", "camera.js", "raster.js", "box.js", "view3d.js", "landscape.js",
    "presenter.js",
)


def _source() -> tuple[str, str]:
    js = "\n".join((HERE / name).read_text() for name in (*VIEW_FILES, "core.js"))
    return js, (HERE / "style.css").read_text()


_JS, _CSS = _source()
_component = st.components.v2.component("mlp_playground_live", js=_JS, css=_CSS)


def wire(payload: dict) -> dict:
    """The payload as the component sends it: the frames' numbers leave the JSON for an Arrow table (one float32
    column), which Streamlit sends as binary beside it and the browser reads without copying — a large network's
    second of epochs is megabytes, which as base64 in JSON cost the page a stall of tenths of a second to parse. The
    training rows of the graph's dead-unit check (``unit_rows``, with new views) travel the same way."""
    frames = payload["frames"]
    values, rows = frames["values"], payload.get("unit_rows")
    return {**payload, "frames": {"epochs": frames["epochs"]},
            "frame_values": pa.table({"v": values.ravel()}) if values.size else None,
            "unit_rows": pa.table({"v": rows.ravel()}) if rows is not None and rows.size else None}


def live_views(payload: dict, key: str = "live"):
    """Mount (or update) the live views with ``ui.live.payload.live_payload``'s dict."""
    return _component(data=wire(payload), key=key)
