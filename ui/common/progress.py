"""Long work on a page, shown and stoppable: a progress bar whose updates are where the work can end.

Streamlit stops a script only inside its own calls, so a long computation with none would go on after its
visitor left or clicked elsewhere (two such visitors pinned both cores of a server). Work that takes longer
than a moment reports its progress here, at most ten times a second: each report redraws the bar, and is the
point where Streamlit ends the run when a newer run or the visitor's departure asks it to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

EVERY = 0.1  # seconds between two reports that reach the page


@contextmanager
def progress(text: str) -> Iterator[Callable[[float], None]]:
    """A bar labelled ``text``, gone when the work is done; yields ``report(share)``, share from 0 to 1."""
    bar = st.progress(0.0, text=text)
    last = time.monotonic()

    def report(share: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= EVERY:
            last = now
            bar.progress(min(max(float(share), 0.0), 1.0), text=text)

    try:
        yield report
    finally:
        bar.empty()
