"""The loss landscape: the Playground's run drawn as a walk over the training loss, and a race of optimizers."""

import dataclasses

import numpy as np
import streamlit as st

from mlp_core.landscape import LossFunction
from mlp_core.race import MOMENTUM, OPTIMIZERS, contenders, winner
from ui.common.progress import progress
from ui.common.text import say
from ui.landscape import figures, recorded
from ui.landscape.explain import (
    INTRO,
    PLANES,
    PROFILE_TEXT,
    RACE_INTRO,
    plane_text,
    standings,
    where_the_marker_is,
)
from ui.session.runs import data_or_stop, prepare_run
from ui.session.state import get_session, remembered, show_notices
from ui.settings import limits
from ui.settings.table import ACTIVATIONS, BY_KEY

SECOND_RATES = BY_KEY["lr"].presets


def run_in_view():
    """The session's run (started here with the Playground's settings if none exists), recorded to its end when that
    fits in the page's work, and the epoch the Playground shows. Read under the session's lock."""
    session = get_session()
    with session.lock:
        exp = session.experiment
        data_or_stop(session)
        prepare_run(session, exp)
        if session.recording is None:
            st.stop()
        show_notices(session)
        recording, pb = session.recording, session.playback
        complete = recorded.record_rest(recording, len(session.data.Z_train), exp.train.batch_size)
        if pb.playing:
            pb.pause_at(pb.current(recording.n_epochs - 1))
        return session, recording, complete, min(pb.epoch, recording.n_epochs - 1)


def _move_main_page() -> None:
    session = get_session()
    with session.lock:
        session.playback.pause_at(st.session_state["ls_epoch"])


def epoch_control(shown: int, last: int) -> int:
    """The epoch whose weights the marker shows: the Playground's, and moving it here moves the Playground too."""
    st.session_state["ls_epoch"] = shown
    st.slider("Epoch", 0, last, key="ls_epoch", on_change=_move_main_page,
              help="Moves the marker along the path. The Playground shows the same epoch.")
    return shown


def plane_control() -> tuple[str, int]:
    left, right = st.columns([3, 1])
    kind = left.radio("Plane", list(PLANES), format_func=PLANES.get, horizontal=True, key="ls_plane")
    seed = 0
    if kind == "random":
        seed = int(right.number_input("Directions seed", 0, 2**31 - 1, 0, key="ls_seed",
                                      help="Draws other random directions."))
    return kind, seed


def landscape_section(session, recording, complete: bool, shown: int) -> None:
    data, exp = session.data, session.experiment
    last = recording.n_epochs - 1
    if not complete:
        say("info", f"The run is recorded to epoch {last} so far, and the rest would take longer than this page may "
                    "ask of the shared server: the landscape covers the recorded epochs. Press Train on the "
                    "Playground to record the rest, then come back.")
    if last == 0:
        say("info", "Only epoch 0 is recorded: train on the Playground, or Step there, to see a path.")
        return
    kind, seed = plane_control()

    def compute():
        with session.lock:
            epochs, thetas = recorded.path_weights(recording)
        with progress("Computing the loss over the plane…") as report:
            return recorded.run_landscape(recording.architecture, epochs, thetas, data.Z_train, data.y_train,
                                          exp.train.alpha, kind, seed, report)

    result = remembered("landscape_memo", ("run", session.run_id, recording.generation, last, kind, seed), compute,
                        size=4, refusal="No landscape")
    if isinstance(result, str):
        say("info", result)
        return
    shown_landscape, (a, line) = result
    epoch = epoch_control(shown, last)
    with session.lock:
        weights = recording.snapshot(epoch).params
    marker = shown_landscape.plane.project(weights)[0]
    loss = LossFunction(data.Z_train, data.y_train, recording.architecture, exp.train.alpha)
    left, right = st.columns([3, 2])
    with left:
        st.subheader("The loss on a plane through the final weights")
        st.plotly_chart(figures.landscape_figure(shown_landscape, tuple(marker), epoch, last), key="ls_map")
        st.caption(where_the_marker_is(epoch, loss(weights), loss(shown_landscape.plane.point(*marker)),
                                       float(np.linalg.norm(weights - shown_landscape.plane.point(*marker)))))
    with right:
        st.subheader("Along the line from the initial to the final weights")
        st.plotly_chart(figures.profile_figure(a, line), key="ls_profile")
    st.markdown(plane_text(shown_landscape, recording.final, len(shown_landscape.x)))
    st.markdown(PROFILE_TEXT)


def race_controls(learning_rate: float) -> tuple[list[str], float | None]:
    left, right = st.columns([3, 1])
    names = left.multiselect("Optimizers", list(OPTIMIZERS), default=list(OPTIMIZERS), key="ls_optimizers",
                             help=f"Momentum and Nesterov use a momentum of {MOMENTUM:g}; Adam its usual β₁ = 0.9, "
                                  "β₂ = 0.999.")
    rates = [None, *(r for r in SECOND_RATES if r != learning_rate)]
    second = right.selectbox("Second learning rate", rates, format_func=lambda r: "none" if r is None else f"{r:g}",
                             key="ls_rate2", help="Runs every optimizer again at this learning rate, dashed.")
    return names, second


def race_section(session) -> None:
    data, exp = session.data, session.experiment
    st.markdown(RACE_INTRO)
    names, second = race_controls(exp.train.learning_rate)
    if not names:
        say("info", "Choose at least one optimizer.")
        return
    field = contenders([exp.train.learning_rate] + ([second] if second else []), names)
    parameters = session.recording.architecture.size
    most = limits.page_epochs(parameters, len(data.Z_train), exp.train.batch_size, runs=len(field))
    epochs = min(exp.train.max_epochs, most)
    if epochs < exp.train.max_epochs:
        st.caption(f"The race runs at most {most:,} epochs for this network and data, so that its {len(field)} runs "
                   "keep the server responsive for everyone.")
    config = dataclasses.replace(exp.train, max_epochs=epochs).training_config(exp.network)
    key = ("race", session.data_key, exp.network, config, field)
    if st.button("Start the race", key="ls_start", icon=":material/flag:"):
        st.session_state["ls_race"] = key
    if st.session_state.get("ls_race") != key:
        st.caption("Every optimizer trains from the Playground's initial weights on its data, with its settings.")
        return

    def compute():
        with progress("Racing…") as report:
            return recorded.race_of(data.Z_train, data.y_train, config, field, report)

    laps, shared, why = remembered("landscape_memo", key, compute, size=4)
    st.markdown(standings(laps, winner(laps)))
    longest = max(len(lap.losses) for lap in laps) - 1
    if st.session_state.get("ls_race_epoch", 0) > longest:  # a shorter race than the last one
        st.session_state["ls_race_epoch"] = longest
    at = longest
    if longest > 0:
        at = st.slider("Race epoch", 0, longest, longest, key="ls_race_epoch",
                       help="Moves every optimizer's marker to its weights at this epoch (or its last).")
    left, right = st.columns([3, 2])
    with left:
        if shared is None:
            say("info", why)
        else:
            landscape, paths = shared
            markers = [int(np.searchsorted(lap.epochs, min(at, lap.epochs[-1]), side="right") - 1) for lap in laps]
            st.plotly_chart(figures.race_map_figure(landscape, [lap.contender.name for lap in laps], paths, markers,
                                                    [lap.diverged for lap in laps]), key="ls_race_map")
    with right:
        st.plotly_chart(figures.race_loss_figure([lap.contender.name for lap in laps], [lap.losses for lap in laps],
                                                 at), key="ls_race_loss")


st.title("The loss landscape")
st.markdown(INTRO)
session, recording, complete, shown = run_in_view()
exp = session.experiment
sizes = " → ".join(map(str, [len(session.data.feature_names), *exp.network.hidden, 1]))
st.markdown(f"**Network** {sizes}, hidden activation {ACTIVATIONS[exp.network.activation]} · "
            f"{recording.architecture.size} weights and biases · {len(session.data.Z_train):,} training rows · "
            f"{recording.n_epochs - 1} epochs recorded")
landscape_section(session, recording, complete, shown)
st.header("A race of optimizers")
race_section(session)
