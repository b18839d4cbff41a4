"""The one place where a session's state lives: a small dataclass in ``st.session_state``.

Playback is kept as (playing, the epoch and the time it started from, speed): the browser plays
the recorded run on its own clock, and the server computes the same epoch when the user pauses.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from ui.common.text import say
from ui.landscape.live import Maps
from ui.live.payload import Sent
from ui.session.data import Prepared
from ui.session.recording import Recording
from ui.settings.experiment import Experiment
from ui.settings.link import from_query


@dataclass
class Playback:
    playing: bool = False
    epoch: int = 0  # the shown epoch when paused; the start epoch while playing
    started: float = 0.0  # time.monotonic() when playing started
    speed: float = 30.0
    token: int = 0  # changes with every control action, so the browser restarts its clock

    def current(self, last_epoch: int) -> int:
        """The epoch on screen now."""
        if not self.playing:
            return min(self.epoch, last_epoch)
        return min(last_epoch, self.epoch + int((time.monotonic() - self.started) * self.speed))

    def play(self, from_epoch: int, speed: float) -> None:
        self.playing, self.epoch, self.started, self.speed = True, from_epoch, time.monotonic(), speed
        self.token += 1

    def pause_at(self, epoch: int) -> None:
        self.playing, self.epoch = False, epoch
        self.token += 1

    def as_dict(self) -> dict:
        return {"playing": self.playing, "epoch": self.epoch, "speed": self.speed, "token": self.token}


@dataclass
class Session:
    experiment: Experiment = field(default_factory=Experiment)
    data: Prepared | None = None
    data_key: tuple | None = None  # what the data was built from; a change rebuilds it
    run_key: tuple | None = None  # what the run was built from (data, network, training); a change resets it
    recording: Recording | None = None
    run_id: int = 0
    playback: Playback = field(default_factory=Playback)
    csv_bytes: bytes | None = None
    csv_name: str | None = None
    csv_choices: dict | None = None  # target, positive class, features, imputation last used
    csv_table: object = None  # the uploaded file read as a Table, or the message saying why it cannot be
    data_error: tuple | None = None  # (data settings, message) of the last data that could not be used
    held_row: int | None = None  # the training row a CSV file's views hold the inputs off the axes at
    reliance: object = None  # (run_id, ui.session.axes.Reliance): what the run's network relies on, measured once
    notices: list[str] = field(default_factory=list)
    seeded_widgets: tuple[str, ...] = ()  # seeded widget keys to send again (sidebar.hold)
    replay_report: object = None  # the last epoch the browser's replay slider was let go at, used once
    pause_report: object = None  # the last "paused at" message from the browser, used once
    edit_report: object = None  # the last weight the browser set by hand (its ``at``), used once
    network_report: object = None  # the last hidden layers the browser's +/- asked for (its ``at``), used once
    pending_hidden: tuple[int, ...] | None = None  # those hidden layers, for the sidebar's next full run
    sent: Sent = field(default_factory=Sent)  # what the browser's live views have of the run
    landscape_maps: Maps = field(default_factory=Maps, repr=False, compare=False)  # the landscape view's, computing
    # Held while a run of a page reads or changes the recording and the playback: a click can start a new run
    # while the previous one is still working, in another thread (Streamlit's fast reruns).
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def views_run(self) -> str:
        """The run as the live views know it (their payload's ``run_id``): a new run, a Reset or an edit is another."""
        return f"{self.run_id}.{self.recording.generation}"


def get_session() -> Session:
    """This browser session's state. Created at the session's first run, whichever page the link opens, from
    the settings the link carries: the valid ones kept exactly, the others named in notices."""
    if "mlp_session" not in st.session_state:
        experiment, notices = from_query({k: st.query_params.get_all(k) for k in st.query_params})
        st.session_state["mlp_session"] = Session(experiment=experiment, notices=notices)
    return st.session_state["mlp_session"]


def show_notices(session: Session) -> None:
    """The notices waiting for this session (a link's ignored values, a run started again), shown once."""
    for notice in session.notices:
        say("info", notice)
    session.notices.clear()


def remembered(memo: str, key, compute, size: int = 8, refusal: str | None = None):
    """``compute()``'s result kept in this session under ``key`` (the last ``size`` in the ``memo``): results
    hold the user's data, so they live here and never in a cache shared between visitors. With ``refusal``, a
    ValueError's message is the result, after ``refusal`` — remembered too, so a refused file is not read again
    on every rerun."""
    results = st.session_state.setdefault(memo, {})
    if key not in results:
        try:
            results[key] = compute()
        except ValueError as exc:
            if refusal is None:
                raise
            results[key] = f"{refusal}: {exc}"
        while len(results) > size:
            results.pop(next(iter(results)))
    return results[key]
