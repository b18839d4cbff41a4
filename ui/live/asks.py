"""What the live views ask the server to change: a weight or bias set by hand on the network graph (the trigger
``edit``) and the hidden layers resized by the graph's +/- buttons (the trigger ``network``).

Each ask is read from the component's state, checked as a link's edits and the sidebar's "Hidden layers" are, applied
once (its ``at`` tells one ask from the next, whichever run of the page carries it: the views' fragment's or the whole
page's) and said in the session's notices; a refusal says what was wrong and what is accepted.
"""

from __future__ import annotations

import dataclasses
import math

import streamlit as st

from mlp_core.edits import Edit, branched
from ui.session.runs import keep_edits
from ui.session.state import Session
from ui.settings import edits as hand
from ui.settings.experiment import run_problems
from ui.settings.table import BY_KEY, number

HIDDEN = BY_KEY["hidden"]


def take_asks(session: Session, state) -> bool:
    """Apply the asks the component's ``state`` carries, each once. Returns whether the page must be drawn again for
    them (an edit made, new hidden layers waiting for the sidebar, a refusal to say): from the views' fragment, a
    rerun of the whole page."""
    edited = take_edit(session, state)
    resized = take_network(session, state)
    return edited or resized


def take_edit(session: Session, state) -> bool:
    """The browser's ``edit: {run, epoch, param, value, at}``: for the run the views show, set the parameter at that
    recorded epoch (``Recording.edit``: the run branches there) and pause there. Returns whether it was taken."""
    told = (state or {}).get("edit")
    if not isinstance(told, dict) or told.get("at") == session.edit_report:
        return False
    with session.lock:
        session.edit_report = told.get("at")
        rec = session.recording
        if rec is None or told.get("run") != session.views_run:
            return False  # an edit of a run the views no longer show
        edit = _edit_of(told)
        problem = edit if isinstance(edit, str) else (
            hand.edit_problem(edit, rec.architecture.size, rec.n_epochs - 1, "the epochs recorded")
            or hand.count_problem(len(branched(rec.edits, edit))))
        if problem:
            session.notices.append(f"The weight was not set: {problem}.")
            return True
        later = sum(e.epoch > edit.epoch for e in rec.edits)
        rec.edit(edit.epoch, edit.param, edit.value)
        keep_edits(session)
        session.playback.pause_at(edit.epoch)
        table = rec.architecture.table
        kind = "Weight" if hand.is_weight(table, edit.param) else "Bias"
        notice = (f"{kind} {hand.parameter_name(table, edit.param)} set to {number(edit.value)} at epoch {edit.epoch}: "
                  "the run goes on from there (Reset goes back to the original initial weights).")
        if later:
            notice += f" The {later} edit{'s' * (later != 1)} of later epochs went with them."
        session.notices.append(notice)
        return True


def _edit_of(told: dict) -> Edit | str:
    """The edit an ask stands for, or why it is none (its fields of the wrong type)."""
    epoch, param, value = told.get("epoch"), told.get("param"), told.get("value")
    if not (_whole(epoch) and _whole(param) and isinstance(value, int | float) and not isinstance(value, bool)):
        return "an edit needs an epoch and a parameter, whole numbers, and a value, a number"
    try:
        return Edit(epoch, param, float(value))
    except OverflowError:  # a whole number too large for a float
        return Edit(epoch, param, math.inf if value > 0 else -math.inf)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def take_network(session: Session, state) -> bool:
    """The browser's ``network: {hidden, at}``: hidden layer sizes accepted as the sidebar accepts them wait for the
    page's next full run (``apply_pending_network``). Returns whether it was taken."""
    told = (state or {}).get("network")
    if not isinstance(told, dict) or told.get("at") == session.network_report:
        return False
    with session.lock:
        session.network_report = told.get("at")
        given = told.get("hidden")
        try:
            hidden = HIDDEN.check(tuple(given) if isinstance(given, list) else given)
        except ValueError as exc:
            session.notices.append(f"The hidden layers were not changed: {exc}.")
            return True
        exp, d = session.experiment, session.data
        chosen = dataclasses.replace(exp, network=dataclasses.replace(exp.network, hidden=hidden))
        found = run_problems(chosen, *((len(d.feature_names), len(d.Z_train)) if d is not None else ()))
        if found:
            session.notices.append(f"The hidden layers were not changed: {found[0].text}.")
            return True
        session.pending_hidden = hidden
        return True


def apply_pending_network(session: Session) -> None:
    """The hidden layers the browser asked for, into the sidebar's "Hidden layers" field before it is drawn: the
    page's settings take them from there, a new run starts and the link follows. Call it before the sidebar."""
    if session.pending_hidden is not None:
        st.session_state[HIDDEN.widget_key] = HIDDEN.encode(session.pending_hidden)
        session.pending_hidden = None
