"""Driving the whole app (``app.py`` and its pages) under Streamlit's AppTest, as the page tests do."""

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLAYGROUND = "app_pages/0_Playground.py"  # the main page, as AppTest.switch_page names it


def open_app(query=None, timeout: float = 120) -> AppTest:
    """The main page after its first run, with ``query`` as the URL's settings."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def session_of(at):
    """The session's state (``ui.state.Session``)."""
    return at.session_state["mlp_session"]


def live_data(at) -> dict:
    """The live views' payload of the last run (its JSON part): what the browser's views and replay slider draw."""
    proto = at.get("bidi_component")[0].proto
    return json.loads(proto.mixed.json if proto.WhichOneof("data") == "mixed" else proto.json)  # mixed: with binary


def replayed(at) -> int | None:
    """The epoch the browser's replay slider shows when paused: the playback's epoch the views were sent (None while
    playing, when the slider follows the browser's clock)."""
    playback = live_data(at)["playback"]
    return None if playback["playing"] else playback["epoch"]


def let_go_replay(at, epoch: int, at_time: float = 1.0) -> AppTest:
    """What the browser sends when its replay slider is let go at ``epoch`` of the run it shows (the component's
    ``replay`` state, ``at_time`` telling one report from the next), and the run it starts."""
    at.session_state["live"] = {"replay": {"epoch": epoch, "at": at_time, "run": live_data(at)["run_id"]}}
    return at.run()


def ask(at, trigger: str, value: dict) -> AppTest:
    """What the browser's live views send with one of their triggers (``edit``, ``network``: ``ui/live/asks.py``), and
    the run it starts."""
    at.session_state["live"] = {trigger: value}
    return at.run()


def click(at, key):
    at.button(key=key).click()
    return at.run()


def trained_session(csv: bytes | None = None, title: str = "data.csv", epochs: int = 60):
    """A session as the main page leaves it: trained ``epochs`` epochs (and paused there) on a CSV file, or on
    the default teaching dataset when ``csv`` is None."""
    from mlp_core.csv_inputs import load_csv
    from ui.session.data import from_csv, synthetic
    from ui.session.recording import Recording
    from ui.session.state import Session
    from ui.settings.experiment import DataSettings, Experiment

    data = synthetic(DataSettings()) if csv is None else from_csv(load_csv(csv), 0.25, 0, title)
    exp = Experiment()
    rec = Recording(data.Z_train, data.y_train, exp.train.training_config(exp.network), data.Z_test, data.y_test,
                    n_classes=data.n_classes)
    rec.extend(until_epoch=epochs)
    session = Session(experiment=exp, data=data, data_key=("csv",), recording=rec)
    session.playback.pause_at(epochs)
    return session


def open_page(path: str, session=None) -> AppTest:
    """One page on its own, after its first run, with ``session`` as the browser session's state."""
    at = AppTest.from_file(path, default_timeout=120)
    if session is not None:
        at.session_state["mlp_session"] = session
    return at.run()


def shown(element) -> str:
    """A message box's (or a string's) text as the user reads it: markdown escapes, bold marks and the invisible
    word joiners of ``ui.text.literal`` removed."""
    text = element if isinstance(element, str) else element.value
    return re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("\u2060", ""))


def messages(at, *kinds: str) -> list[str]:
    """The text of every message box of these kinds (info, success, warning, error) on the page."""
    return [shown(m) for kind in (kinds or ("info", "success", "warning", "error")) for m in getattr(at, kind)]


def chart_array(value) -> np.ndarray:
    """A plotly trace's numbers as a chart's spec holds them: NumPy arrays are sent as base64 typed arrays."""
    if isinstance(value, dict):
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return array.reshape([int(n) for n in value["shape"].split(",")]) if "shape" in value else array
    return np.asarray(value, dtype=float)
