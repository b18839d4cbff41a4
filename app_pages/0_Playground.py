"""Playground, the main page: watch the article's network learn.

The page reads top to bottom: settings (sidebar), data, the recorded run, the controls, the live views.
Training is recorded ahead of the playback; the browser plays it back and redraws every view in place.
"""

import streamlit as st

from ui.common.figures import importance_figure
from ui.common.text import literal, say
from ui.live import live_views
from ui.live.asks import apply_pending_network, take_asks
from ui.live.payload import Axes, Replay, Sent, Want, live_payload, sent_whole
from ui.session.axes import default_row, held_values, third_axis
from ui.session.data import majority_baseline
from ui.session.export import model_filename, model_json
from ui.session.preview import balance_text, show_preview
from ui.session.runs import dropped_edits, keep_edits, prepare_data, prepare_run, run_edits, run_reliance, stuck_notice
from ui.session.state import Session, get_session, show_notices
from ui.session.verdict import final_verdict
from ui.settings import sidebar
from ui.settings.experiment import Experiment, run_problems
from ui.settings.limits import FIRST_DRAW_SECONDS, RECORD_SECONDS
from ui.settings.link import to_query
from ui.settings.table import ACTIVATIONS, SOLVERS

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def intro(session: Session) -> str:
    """The page's first paragraph, naming the network in use: its inputs (the data's), hidden layers and output."""
    d = len(session.data.feature_names) if session.data is not None else 3
    net = session.experiment.network
    def word(k: int) -> str:
        return NUMBERS[k] if k < len(NUMBERS) else f"{k:,}"

    unit = ACTIVATIONS[net.activation]
    layers = [f"a hidden layer of {word(h)} {unit} unit{'s' * (h != 1)}" for h in net.hidden]
    article = session.data is not None and d == 3 and net.hidden == (3, 2) and net.activation == "relu"
    inputs = f"{word(d)} input{'s' * (d != 1)}"
    if session.data is None and session.experiment.data.source == "csv":
        inputs = "one input per number or category of your table"
    k = session.data.n_classes if session.data is not None else 2
    output = "one sigmoid output" if k == 2 else f"{word(k)} softmax outputs, one per class"
    return (f"A small neural network learns while you watch: {inputs}, "
            + "".join(f"{layer}, " for layer in layers) + f"and {output}"
            + (" — the network of the article *Building a Multi layer Perceptron model* —" if article else ",")
            + f" trained by {SOLVERS[session.experiment.train.solver]} on the "
            + ("logistic loss" if k == 2 else "cross-entropy") + ". Press **Train** and watch "
            "the weights change colour and thickness, the loss fall, and the decision boundary bend around the data.")


# The toolbar and the live status stay at the top of the page (below Streamlit's header) while the views scroll, so
# that Pause is at hand wherever the class is looking; the status is large enough to read from the back of a room.
TOOLBAR_STYLE = """
[data-testid="stLayoutWrapper"]:has(> .st-key-toolbar) { position: sticky; top: 3.75rem; z-index: 990;
  background: #fff; padding: 0.35rem 0 1.1rem; border-bottom: 1px solid rgba(49, 51, 63, 0.15); }
.st-key-toolbar .mlp-status { font-size: 1.25rem; font-weight: 600; line-height: 1.3;
  font-variant-numeric: tabular-nums; }
.st-key-toolbar [data-testid="stVerticalBlock"], .st-key-toolbar { gap: 0.4rem; }
.st-key-toolbar [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 0.4rem; }
.st-key-toolbar [data-testid="stColumn"] { min-width: max-content; }
"""
# (the last two: a narrow page — 150 % zoom — wraps the buttons rather than cutting their labels off)
SHORTCUTS_HELP = """
**Keyboard shortcuts** (with the focus on the page, not in a field):

- **Space**: Train, or Pause while training
- **→**: Step one epoch · **Shift + →**: ten epochs
- **R**: Reset to the initial weights
- **← / →** while paused: one epoch back or on (scrub)
"""
# Messages about the run (how it ended, a stuck network, a Reset, a link's ignored values) have one place of a fixed
# height between the toolbar and the views, scrolled when they need more: the views never move as they come and go.
NOTES_HEIGHT = 132
NO_NOTES = "Messages about the run appear here."
HOW_TO_READ = """
- **Network**: edge width is the weight's size, colour its sign (purple positive, orange negative);
  a unit's border (its fill, in a large network) is its bias. Inside each unit, its output over the slices' two
  inputs: an input its own value, a hidden unit its activation (a ReLU's grey where it is off), the output p as
  in the slices. A ReLU unit off for every training row says **dead**: no gradient reaches it. Hover an edge or
  a unit for the value and its gradient; click a unit to enlarge its map (the black line is where its
  pre-activation is 0). Paused, click an edge or a unit to change its weight or bias: every view shows it at
  once, Apply goes on training from it (a mark on the Replay slider; Reset returns to the initial weights).
  The − and + above the graph remove or add a hidden layer, or a unit of a layer.
- **Loss and accuracy**: log loss (solid) and accuracy (dashed) on the training and the test split.
- **Weights and biases**: every W and b, colour symmetric about 0, value in the cell.
- **Decision boundary**: the probability of the positive class over two inputs, with the third held at
  the value in each panel's title; the dark line is p = 0.5. On a teaching dataset the dots are the
  training points near that slice; on your CSV file the other inputs are held at one real training row
  (named above the views) and every test row is drawn at its two values, in its true class's colour,
  ringed where the network gets it wrong. A 0/1 input on an axis shows the network at 0 and at 1.
  With more than two classes each point of a slice has the colour of the class the network predicts there
  (paler where it is less sure) and the dark lines are where that class changes; or, chosen in the sidebar
  ("Colour the boundary by"), one class's probability with its p = 0.5 line.
- **3-D**: the p = 0.5 surface among the points, over the slices' two inputs and a third; drag to rotate. With
  more than two classes, a surface around each predicted class's region in its colour (or one class's p = 0.5).
- **The loss landscape**: the training loss on a plane through the final weights, spanned by the two
  directions the weights moved most in (their share of the movement on the axes), with the run's path
  and the epoch on screen as a marker; beside it the loss on the straight line from the initial to the
  final weights. Drawn once the run is recorded to its end (or paused); the Landscape page explains it.
- On a CSV file the axes start at the inputs the network relies on most (shuffling them hurts its test
  loss most: the chart "Which inputs the network relies on"), inputs of many values before 0/1 inputs.
"""


def settings(session: Session) -> tuple[Experiment, str | None]:
    """The sidebar: every setting of the experiment, and why the settings chosen cannot be used (or None). The data
    and the run are prepared before the view settings are drawn, so that they name the inputs of the data in use
    and the inputs the run relies on. A teaching-data run larger than one visitor may ask of the server is refused
    here with a message that says what to change, and the previous settings are kept meanwhile (a CSV file's run
    is checked once the file is read, by ``prepare_run``)."""
    exp = session.experiment
    with st.sidebar:
        data, csv_choices = sidebar.data_controls(session, exp.data)
        network = sidebar.network_controls(exp.network)
        train = sidebar.training_controls()
    chosen = Experiment(data, network, train, exp.view, exp.edits)
    found = run_problems(chosen)
    problem = None
    if found:
        problem = f"{found[0].sentence} Until then the previous settings are kept."
        chosen, csv_choices = exp, session.csv_choices
    prepare_data(session, chosen, csv_choices)
    prepare_run(session, chosen)
    found = run_reliance(session) if tabular(session) else None
    names = session.data.feature_names if session.data is not None else None
    with st.sidebar:
        view = sidebar.view_controls(exp.view, names, found.order[:2] if found is not None else None,
                                     session.data.class_names if session.data is not None else None)
        if found is not None and len(names) > 3:
            session.held_row = sidebar.held_row_control(names, len(session.data.X_train), default_row(session.data))
        elif found is not None:
            session.held_row = default_row(session.data)
    return Experiment(chosen.data, chosen.network, chosen.train, view, run_edits(session)), problem


def tabular(session: Session) -> bool:
    """Whether the data in use is a CSV file's (views by the inputs relied on most, held at a real row)."""
    return session.data is not None and session.data.preprocessing is not None and session.recording is not None


def view_axes(session: Session, exp: Experiment) -> Axes:
    """The views' third input and held row: for a CSV file, by the rule and the row chosen; else as the article."""
    if not tabular(session):
        return Axes()
    order = run_reliance(session).order
    return Axes(third_axis(order, exp.view.x_input, exp.view.y_input), session.held_row)


def last_epoch(session: Session) -> int:
    return session.recording.n_epochs - 1


# The toolbar's callbacks run at the start of the run the click starts. A click while the previous run is still
# recording starts that run at once, in another thread (Streamlit's fast reruns): each callback takes the
# session's lock, so it is applied after the previous run has let go of the recording, and nothing is lost.


def on_train() -> None:
    s, told = get_session(), replay_report()
    with s.lock:
        take_replay(s, told)  # scrubbed to an epoch just before: from there
        start = s.playback.current(last_epoch(s))
        if s.recording.done and start >= last_epoch(s):
            start = 0  # at the end: play the run again from the start
        s.playback.play(start, s.experiment.view.speed)


def on_pause() -> None:
    s, told = get_session(), replay_report()
    shown = (st.session_state.get("live") or {}).get("paused_at")  # read before the lock: see replay_report
    with s.lock:
        take_replay(s, told)  # scrubbed to an epoch just before: from there
        epoch = s.playback.current(last_epoch(s))
        # The browser froze the playback on the click and sent the epoch it shows: pause exactly there.
        if isinstance(shown, dict) and isinstance(shown.get("epoch"), int) and shown.get("at") != s.pause_report:
            s.pause_report = shown.get("at")
            epoch = min(max(shown["epoch"], 0), last_epoch(s))
        s.playback.pause_at(epoch)


def on_step(k: int) -> None:
    s, told = get_session(), replay_report()
    with s.lock:
        take_replay(s, told)  # scrubbed to an epoch just before: from there
        target = s.playback.current(last_epoch(s)) + k
        s.recording.extend(until_epoch=target)
        s.playback.pause_at(min(target, last_epoch(s)))


def on_reset() -> None:
    s, told = get_session(), replay_report()
    with s.lock:
        take_replay(s, told)  # scrubbed to an epoch just before: from there
        dropped = s.recording.edits
        s.recording.reset()
        keep_edits(s)
        s.recording.extend(seconds=FIRST_DRAW_SECONDS)
        s.playback.pause_at(0)
        s.notices.append("Reset: back to the same initial weights, epoch 0." + dropped_edits(dropped))


def replay_report() -> Replay | None:
    """Where the browser's replay slider was let go (or ← / → moved to), from the component's state. A callback reads
    it before it takes the session's lock: reading st.session_state is where Streamlit stops a run that a newer click
    replaces, and a callback stopped after waiting for the lock would lose its click."""
    return Replay.from_state(st.session_state.get("live"))


def take_replay(session: Session, told: Replay | None) -> None:
    """The browser's replay slider was let go (or ← / → pressed) at an epoch of this run: pause there, so that the
    status, Step and +10 go on from the epoch on screen. The report stays in the component's state and goes with
    every rerun, a click's too, so each control takes it first; it is used once."""
    if told is None or told.at == session.replay_report:
        return
    with session.lock:
        session.replay_report = told.at
        if told.run == session.views_run:
            session.playback.pause_at(min(told.epoch, last_epoch(session)))


def toolbar(session: Session) -> None:
    """Train, Pause, Step, Reset and the live status (the replay slider: ui/live/presenter.js)."""
    pb, last = session.playback, last_epoch(session)
    st.html(f"<style>{TOOLBAR_STYLE}</style>")
    toolbar_box = st.container(key="toolbar")  # stays in view while the page scrolls (TOOLBAR_STYLE)
    cols = toolbar_box.columns([1, 1, 1, 1, 1, 3.4, 0.6])
    cols[0].button("Train", icon=":material/play_arrow:", on_click=on_train, type="primary", key="b_train",
                   disabled=pb.playing, width="stretch")
    cols[1].button("Pause", icon=":material/pause:", on_click=on_pause, disabled=not pb.playing, key="b_pause",
                   width="stretch")
    cols[2].button("Step", icon=":material/skip_next:", on_click=on_step, args=(1,), key="b_step",
                   width="stretch",
                   help="One epoch forward")
    cols[3].button("+10", icon=":material/fast_forward:", on_click=on_step, args=(10,), key="b_step10",
                   width="stretch",
                   help="Ten epochs forward")
    cols[4].button("Reset", icon=":material/restart_alt:", on_click=on_reset, key="b_reset",
                   width="stretch",
                   help="Back to the same initial weights")
    shown = pb.current(last)
    rec = session.recording
    if pb.playing:  # the browser writes the epoch on screen here, every frame, as below (ui/live/presenter.js)
        status = f"Training, {pb.speed:g} epochs per second."
    else:
        loss, accuracy, val_accuracy = (rec.scalar(name, shown) for name in ("loss", "accuracy", "val_accuracy"))
        status = f"Epoch {shown} · loss {loss:.4f}"
        if accuracy == accuracy:  # NaN where not measured (every few epochs on big data)
            status += f" · train accuracy {accuracy:.1%}"
        if val_accuracy == val_accuracy:
            baseline = majority_baseline(session.data)[1]
            status += f" · test accuracy {val_accuracy:.1%} (majority-class baseline {baseline:.1%})"
    toolbar_box.markdown(f"<div class='mlp-status' role='status'>{status}</div>", unsafe_allow_html=True)
    with cols[6].popover("", icon=":material/keyboard:", help="Keyboard shortcuts"):
        st.markdown(SHORTCUTS_HELP)


def run_notes(session: Session, problem: str | None) -> None:
    """The messages of this run, in their place of fixed height (``NOTES_HEIGHT``): settings that cannot be used,
    the session's notices, how the run ended (a dead network: no success) and a network stuck at the epoch shown."""
    pb, last, rec = session.playback, last_epoch(session), session.recording
    shown = pb.current(last)
    verdict = None
    if not pb.playing and shown == last and rec.final is not None:
        verdict = final_verdict(rec, session.data.Z_train, session.experiment.network.activation,
                                session.experiment.train.learning_rate)
    with st.container(height=NOTES_HEIGHT, key="notices"):
        blank = st.empty()
        said = bool(problem or session.notices)
        if problem:
            say("error", problem, lead="These settings cannot be used together.")
        show_notices(session)
        if verdict is not None and verdict.kind != "warning":
            say(verdict.kind, verdict.text, lead=verdict.lead)
            said = True
        if not pb.playing:
            said = stuck_notice(session, shown) or said
        if not said:
            blank.caption(NO_NOTES)


def notes_and_download(session: Session, problem: str | None) -> None:
    """The run's messages in their box, the model download beside it: no extra row above the views."""
    notes, side = st.columns([4, 1])
    with notes:
        run_notes(session, problem)
    with side:
        model_download(session)


def model_download(session: Session) -> None:
    """The network at the epoch on screen as a model file (JSON) that the Classify page and
    ``python -m mlp_core predict`` read."""
    pb = session.playback
    epoch = pb.current(last_epoch(session))
    text = "" if pb.playing else model_json(session.recording, session.data, epoch)
    st.download_button("Download the model (JSON)", text, file_name=model_filename(epoch), mime="application/json",
                       on_click="ignore", icon=":material/download:", disabled=pb.playing, key="b_model",
                       help="Pause first. Score a file with it on the Classify a CSV page or by "
                            "`python -m mlp_core predict`.")


def live_panel(session: Session, axes: Axes) -> None:
    """The live views, in a fragment: while a run that is still being recorded plays, the fragment reruns every
    second on its own — it records ahead of the playback and sends the views the new epochs — without redrawing
    the rest of the page. The views' own requests (epochs they lack, the end of the playback) rerun it too.

    A click on Pause reaches the server as a rerun of this fragment (the browser's "paused at" message, sent from
    inside it, goes first): the fragment then sees the playback changed under it and reruns the whole page."""
    pb, rec = session.playback, session.recording
    drawn_for, ticking = pb.token, pb.playing and not rec.done

    @st.fragment(run_every=1.0 if ticking else None)
    def views():
        state = st.session_state.get("live") or {}
        take_replay(session, replay_report())  # the slider let go: its report reruns this fragment
        if take_asks(session, state):  # a weight set, the hidden layers resized: the toolbar, status and URL follow
            st.rerun(scope="app")
        if pb.token != drawn_for or (pb.playing and state.get("finished") == pb.token):
            st.rerun(scope="app")  # paused, stepped… or played to the end: the toolbar and the status must follow
        with session.lock:
            if pb.playing and not rec.done:  # a run small enough to send whole to its end, else 3 s of playback ahead
                ahead = None if sent_whole(rec, rec.config.max_iter) else pb.current(last_epoch(session)) + 3 * pb.speed
                rec.extend(until_epoch=ahead, seconds=RECORD_SECONDS)
        if ticking and rec.done:
            st.rerun(scope="app")  # recorded to the end: the page again, its fragment without the timer
        with session.lock:
            payload = live_payload(rec, session.data, session.views_run, session.experiment.view,
                                   {**pb.as_dict(), "replayed": session.replay_report}, session.sent,
                                   Want.from_triggers(state), axes, session.landscape_maps)
        live_views(payload)

    views()


def held_section(session: Session, exp: Experiment, axes: Axes) -> None:
    """For a CSV file: the values the views hold the other inputs at, and what the network relies on."""
    found = run_reliance(session)
    names = session.data.feature_names
    shown = (exp.view.x_input, exp.view.y_input) + ((axes.third,) if axes.third is not None else ())
    held = held_values(session.data, axes.row, shown)
    if held:
        values = ", ".join(f"{name} = {value:.4g}" for name, value in held)
        st.caption(f"Inputs off the axes are held at training row {axes.row}: {literal(values)}.")
    with st.expander("Which inputs the network relies on (why these axes)"):
        st.caption(f"Permutation importance on the test split, at epoch {found.epoch}: how much the test log loss "
                   "grows when one input's column is shuffled among the rows. The axes start at the two (three for "
                   "the 3-D view) most relied on, inputs of many values before 0/1 inputs; in purple, those on the "
                   "axes now.")
        st.plotly_chart(importance_figure(list(names), found.importance, shown))


def waiting(session: Session) -> None:
    """No usable data: say what to do, and show Train disabled."""
    if session.experiment.data.source == "csv" and session.csv_bytes is not None:
        say("info", "Train is available once the table can be used: choose the target column in the sidebar, or "
                    "change the choice the message above names, or upload another file.")
    else:
        say("info", "Upload a CSV file in the sidebar, or choose a teaching dataset.")
    st.button("Train", icon=":material/play_arrow:", type="primary", key="b_train", disabled=True)


def csv_preview(session: Session) -> None:
    """For the CSV source: the uploaded table's preview, or why it cannot be read."""
    table = sidebar.uploaded_table(session)
    if session.experiment.data.source != "csv" or table is None:
        return
    if isinstance(table, str):
        say("error", f"{session.csv_name}: {table}", lead="This file cannot be read.")
        return
    target = (session.csv_choices or {}).get("target") if session.data is not None else None
    chosen = st.session_state.get("w_target")
    show_preview(session.csv_name, (session.csv_name, hash(session.csv_bytes)), table,
                 chosen if chosen in table.frame.columns else target, session.data)


# Present, for a projector: the page starts just under Streamlit's header, so that the toolbar, the network, the
# loss and a slice fill one 1400 × 900 screen (the views' own layout and text sizes: ui/live/style.css).
PRESENT_STYLE = "[data-testid=stMainBlockContainer] { padding-top: 4.25rem; }"


def introduction(session: Session) -> None:
    """The title, the first paragraph and how to read the views: above the toolbar, or below the views in Present."""
    st.title("MLP Playground")
    st.markdown(intro(session))
    with st.expander("How to read the views"):
        st.markdown(HOW_TO_READ)


def main_page(session: Session) -> None:
    """The page below the widgets' seeding: title, sidebar, toolbar and live views."""
    head = st.container()  # the introduction, unless Present puts it below the views
    exp, problem = settings(session)  # the data and the run prepared too
    session.experiment = exp
    if exp.view.present:
        st.html(f"<style>{PRESENT_STYLE}</style>")
    else:
        with head:
            introduction(session)
    csv_preview(session)
    if session.data is None or session.recording is None:
        if problem:
            say("error", problem, lead="These settings cannot be used together.")
        show_notices(session)
        waiting(session)
        if exp.view.present:
            introduction(session)
        return
    take_replay(session, replay_report())
    pb, last = session.playback, last_epoch(session)
    if pb.playing and pb.speed != exp.view.speed:  # a new speed takes over from the epoch on screen
        pb.play(pb.current(last), exp.view.speed)
    # Played to the end: by this server's clock, or by the browser's, which says so with a trigger.
    finished = (st.session_state.get("live") or {}).get("finished") == pb.token
    if pb.playing and session.recording.done and (pb.current(last) >= last or finished):
        pb.pause_at(last)
    if session.data.notices:
        with st.expander(f"What was done with {literal(session.data.title)}"):
            for notice in session.data.notices:
                st.text(notice)

    toolbar(session)
    if not exp.view.present:
        notes_and_download(session, problem)
    if tabular(session):
        st.caption(literal(balance_text(session.data)))
    axes = view_axes(session, exp)
    if tabular(session):
        held_section(session, exp, axes)
    live_panel(session, axes)
    if exp.view.present:  # the views first on a projector; the run's messages are also on the loss chart
        notes_and_download(session, problem)
        introduction(session)
    st.query_params.from_dict(to_query(exp))


def playground() -> None:
    session = get_session()
    seeding = "w_hidden" not in st.session_state
    if seeding:  # the first visit, or back from another page: Streamlit forgot the widgets, the browser the views
        names = session.data.feature_names if session.data is not None else ("x1", "x2", "x3")
        session.seeded_widgets = sidebar.seed_widgets(session.experiment, session.csv_choices, names)
        session.sent = Sent()
    else:  # a click may have stopped the seeding run, or followed it, before the browser got the values
        sidebar.hold(session.seeded_widgets)
    with session.lock:
        take_asks(session, st.session_state.get("live"))  # when this run, not the views' fragment's, carries them
        apply_pending_network(session)  # the hidden layers the views asked for, before the sidebar draws them
        main_page(session)
    if not seeding:  # reached only when the run was not stopped: the values were sent after the seeding run
        session.seeded_widgets = ()


playground()
