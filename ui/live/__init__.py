"""The live views: one Streamlit component (``st.components.v2``) that keeps its drawings mounted
and plays the recorded run back in the browser, redrawing every view in place at the same epoch.

Its JavaScript is plain files in this folder, concatenated: ``VIEW_FILES``, then ``core.js``. It draws with
SVG and canvas (plotly.js redraws were measured at 10 frames per second here, too slow to animate).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent
# The run as the browser holds it, one file per view, and the parts of the 3-D view (its surface, camera,
# rasterizer and box) in files of their own.
VIEW_FILES = (
    "store.js",
    "graph.js", "loss.js", "heatmaps.js", "slices.js",
    "surface.js", "camera.js", "raster.js", "box.js", "view3d.js",
)


def _source() -> tuple[str, str]:
    js = "\n".join((HERE / name).read_text() for name in (*VIEW_FILES, "core.js"))
    return js, (HERE / "style.css").read_text()


_JS, _CSS = _source()
_component = st.components.v2.component("mlp_playground_live", js=_JS, css=_CSS)


def live_views(payload: dict, key: str = "live"):
    """Mount (or update) the live views with ``ui.views.live_payload``'s dict."""
    return _component(data=payload, key=key)
