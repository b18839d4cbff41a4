"""Build a session's data and training run from its settings, shared by every page that shows the run.

The main page calls these after drawing its sidebar; the other pages call them with the settings the
session already has, so a page opened first starts the same run the main page would, and the main
page finds it there afterwards.
"""

from __future__ import annotations

import dataclasses
import time

import streamlit as st

from mlp_core.config import TrainingConfig
from mlp_core.csv_messages import CSVError
from mlp_core.edits import Edit
from mlp_core.explain import stuck_reason
from mlp_core.network import output_units
from ui.common.text import say
from ui.session import janitor
from ui.session.axes import Reliance, reliance
from ui.session.data import from_csv, synthetic
from ui.session.recording import Recording
from ui.session.state import Session, get_session, show_notices
from ui.session.verdict import stuck_verdict
from ui.settings import edits as hand
from ui.settings import sidebar
from ui.settings.experiment import Experiment, run_problems
from ui.settings.limits import FIRST_DRAW_SECONDS, parameter_count

SEED_SEARCH_SECONDS = 3.0


def data_or_stop(session: Session) -> None:
    """For a page other than the Playground: the data of the session's settings, or, when there is none (a CSV
    source without a usable file), where to get it, and the page stops there. Under the session's lock."""
    prepare_data(session, session.experiment, session.csv_choices)
    if session.data is None:
        show_notices(session)  # a link's ignored values, said before the page stops
        say("info", "Upload a CSV file on the Playground page, or choose a teaching dataset there.")
        st.stop()


def prepare_data(session: Session, exp: Experiment, csv_choices: dict | None) -> None:
    """Build the train/test data when its settings changed. When a CSV file cannot be used (unreadable, no target
    chosen, refused by the reading), the previous data and its run are cleared from the page, so that nothing
    trains on them, and the refusal is said on every rerun without reading the file again; the uploaded file and
    every choice are kept, so that a change of choice can mend it."""
    key = ("csv", csv_choices, hash(session.csv_bytes)) if exp.data.source == "csv" else ("synthetic", exp.data)
    if key == session.data_key:
        return
    if exp.data.source == "csv":
        if csv_choices is None:
            clear_data(session)
            return
        session.csv_choices = csv_choices
        if session.data_error is not None and session.data_error[0] == key:
            clear_data(session)
            say("error", session.data_error[1])
            return
        try:
            loaded = sidebar.load_user_csv(session, csv_choices)
        except CSVError as exc:
            clear_data(session)
            session.data_error = (key, f"{session.csv_name}: {exc}")
            say("error", session.data_error[1])
            return
        session.data = from_csv(loaded, exp.data.test_size, exp.data.seed, session.csv_name)
        del loaded
        janitor.release_memory(collect=False)  # the parser's buffers, often hundreds of MB for a large file
    else:
        session.data = synthetic(exp.data)
    session.data_key = key


def clear_data(session: Session) -> None:
    """No data and no run: the page shows neither views nor model, and Train waits for a usable table."""
    session.data, session.data_key, session.recording, session.run_key, session.reliance = None, None, None, None, None


def prepare_run(session: Session, exp: Experiment, notice: bool = True) -> None:
    """Start a new recording when the data, the network or the training settings changed. A new run starts without
    hand edits (the notice says how many were dropped); only the session's first run takes the link's."""
    key = (session.data_key, exp.network, exp.train)
    if key == session.run_key or session.data is None:
        return
    d = session.data
    found = run_problems(exp, len(d.feature_names), len(d.Z_train))
    if found:  # whatever path the settings came by: the sidebar, a link, another page
        say("error", found[0].sentence, lead="This run cannot start.")
        session.recording, session.run_key = None, None
        return
    config = exp.train.training_config(exp.network)
    dropped = session.recording.edits if session.recording is not None else ()
    if session.run_key is not None and notice:
        changed = "data" if key[0] != session.run_key[0] else "network" if key[1] != session.run_key[1] else "training"
        session.notices.append(f"The {changed} settings changed, so training starts again from epoch 0."
                               + dropped_edits(dropped))
    session.recording = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test, n_classes=d.n_classes,
                                  edits=link_edits(session, exp) if session.run_id == 0 else ())
    session.recording.extend(seconds=FIRST_DRAW_SECONDS)
    session.run_key = key
    session.run_id += 1
    session.playback.pause_at(0)
    keep_edits(session)


def link_edits(session: Session, exp: Experiment) -> tuple[Edit, ...]:
    """The link's edits for the session's first run, once the data says which parameters its network has (a CSV
    file's are known only now): those that fit it, or none, with a notice."""
    d = session.data
    n_params = parameter_count(len(d.feature_names), exp.network.hidden, output_units(d.n_classes))
    problem = hand.link_problem(exp.edits, n_params, exp.train.max_epochs)
    if problem:
        session.notices.append(hand.ignored(hand.encode(exp.edits), problem))
        return ()
    return exp.edits


def run_edits(session: Session) -> tuple[Edit, ...]:
    """The hand edits of the session's run, as its link carries them: the recording's; before the session's first run
    (a CSV file not chosen yet), the link's, waiting for it."""
    if session.recording is not None:
        return session.recording.edits
    return session.experiment.edits if session.run_id == 0 else ()


def keep_edits(session: Session) -> None:
    """The session's settings take its run's edits (``run_edits``), so that its link carries them."""
    session.experiment = dataclasses.replace(session.experiment, edits=run_edits(session))


def dropped_edits(edits) -> str:
    """The words a notice that training starts again adds when the run had hand edits: they are not kept."""
    if not edits:
        return ""
    if len(edits) == 1:
        return " The run's hand edit of a weight was dropped."
    return f" The run's {len(edits)} hand edits of its weights were dropped."


def run_reliance(session: Session) -> Reliance | None:
    """What the run in use relies on (``ui.session.axes``), measured once per run; None without a run."""
    if session.recording is None or session.data is None:
        return None
    if session.reliance is None or session.reliance[0] != session.run_id:
        session.reliance = (session.run_id, reliance(session.recording, session.data))
    return session.reliance[1]


def _survives(session: Session, config: TrainingConfig, deadline: float) -> bool:
    """Whether a run with these settings is alive at its start and still alive when it ends (or at the deadline)."""
    d, activation = session.data, config.activation
    recording = Recording(d.Z_train, d.y_train, config, n_classes=d.n_classes)
    first = recording.snapshot(0)
    if stuck_reason(first.coefs, first.intercepts, d.Z_train, activation):
        return False
    recording.extend(seconds=max(0.0, deadline - time.perf_counter()))
    last = recording.last
    return stuck_reason(last.coefs, last.intercepts, d.Z_train, activation) is None


def live_seed(session: Session) -> int:
    """The next weights seed after the current one whose run does not get stuck, trying for a few seconds."""
    exp = session.experiment
    deadline = time.perf_counter() + SEED_SEARCH_SECONDS
    seed = exp.train.seed
    for candidate in range(exp.train.seed + 1, exp.train.seed + 1000):
        seed = candidate
        config = dataclasses.replace(exp.train, seed=candidate).training_config(exp.network)
        if _survives(session, config, min(deadline, time.perf_counter() + 0.5)) or time.perf_counter() > deadline:
            break
    return seed


def reinitialize(session: Session) -> None:
    """New initial weights: the experiment moves to a seed whose run does not get stuck, and starts again."""
    old = session.experiment.train.seed
    seed = live_seed(session)
    exp = session.experiment
    dropped = run_edits(session)
    session.experiment = dataclasses.replace(exp, train=dataclasses.replace(exp.train, seed=seed))
    st.session_state["w_seed"] = seed  # the main page's sidebar shows and keeps it
    prepare_run(session, session.experiment, notice=False)
    session.notices.append(f"New initial weights: weights seed {old} → {seed}; training starts again from epoch 0."
                           + dropped_edits(dropped))


def _on_reinitialize() -> None:
    session = get_session()
    with session.lock:
        reinitialize(session)


def stuck_notice(session: Session, epoch: int, link_to_learn: bool = True) -> bool:
    """Say so when the network at this epoch can no longer learn, and why (``ui.session.verdict``): a network that
    died in training needs a lower learning rate; one stuck from its start, other initial weights (offered by a
    button). From another page, a link to the Learn page's map of the dead units. Returns whether it said so."""
    exp = session.experiment
    verdict = stuck_verdict(session.recording, session.data.Z_train, exp.network.activation, epoch,
                            exp.train.learning_rate)
    if verdict is None:
        return False
    say(verdict.kind, verdict.text, lead=verdict.lead)
    left, right = st.columns([1, 3])
    if verdict.cause == "initial weights":
        left.button("Re-initialize the weights", icon=":material/casino:", on_click=_on_reinitialize, key="b_reinit",
                    help="Moves to the next weights seed whose network does not get stuck, and trains from epoch 0.")
    if link_to_learn:
        right.page_link("app_pages/4_Learn.py", label="Which units are dead, and why", icon=":material/function:")
    return True
