"""Sidebar controls, grouped as in Streamlit's demos: each ``*_controls()`` returns the settings it shows.

Widgets keep their values in ``st.session_state`` under the keys below; ``seed_widgets`` fills them
from an Experiment (the one in the URL) before the first render.
"""

from __future__ import annotations

import zlib

import streamlit as st

from mlp_core.csv_data import CSVError, Table, default_target, load_csv, read_table
from mlp_core.datasets import DATASETS

from .config import STOP_RULES, DataConfig, Experiment, NetworkConfig, TrainConfig, ViewConfig, parse_hidden
from .state import Session
from .text import literal

LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
ALPHAS = [0.0, 0.0001, 0.001, 0.01, 0.1, 1.0]
BATCHES = {"full batch": None, "1": 1, "10": 10, "32": 32, "100": 100}
SPEEDS = [1, 2, 5, 10, 20, 30, 60, 120, 240]
ACTIVATIONS = {"relu": "ReLU", "logistic": "sigmoid", "tanh": "tanh", "identity": "identity (linear)"}
AUTO = "(automatic)"


def seed_widgets(exp: Experiment, csv_choices: dict | None = None,
                 feature_names: tuple[str, ...] = ("x1", "x2", "x3")) -> tuple[str, ...]:
    """Put an experiment's values (and the CSV reading choices) into the widgets' state before they
    are drawn: at the first visit (from the URL), and when coming back from another page, since
    Streamlit forgets the widgets a page did not draw. Returns the keys set, for ``resend_seeded``."""
    d, net, tr, v = exp.data, exp.network, exp.train, exp.view
    values = {
        "w_source": "Your CSV file" if d.source == "csv" else "Teaching dataset",
        "w_dataset": d.dataset, "w_n": d.n, "w_noise": d.noise, "w_dseed": d.seed,
        "w_hidden": ",".join(map(str, net.hidden)) or "none", "w_activation": net.activation,
        "w_solver": tr.solver, "w_lr": _nearest(LEARNING_RATES, tr.learning_rate), "w_momentum": tr.momentum,
        "w_alpha": _nearest(ALPHAS, tr.alpha),
        "w_batch": next((k for k, b in BATCHES.items() if b == tr.batch_size), "full batch"),
        "w_epochs": tr.max_epochs, "w_seed": tr.seed, "w_stop": tr.stop,
        "w_speed": _nearest(SPEEDS, v.speed), "w_log": v.log_scale, "w_slices": v.slices,
    }
    key_x, key_y = slice_keys(feature_names)
    values.update({key_x: v.x_input, key_y: v.y_input})
    if csv_choices is not None:
        values.update({
            "w_target": csv_choices["target"] or AUTO, "w_positive": csv_choices["positive"] or AUTO,
            "w_features": list(csv_choices["features"] or []), "w_impute": csv_choices["impute"],
        })
    st.session_state.update(values)
    return tuple(values)


def resend_seeded(keys: tuple[str, ...]) -> None:
    """Make this run send the seeded widgets' values to the browser again. Call it before any widget is drawn,
    in the runs after the seeding one, until one of them has drawn the whole page.

    Streamlit sends a value set in ``st.session_state`` along with its widget only in the run that set it, and a
    new run drops the messages not yet sent. So when a click reaches the server while the seeding run is drawing
    (or just after it ended), the browser may never get the values: it shows the widgets' defaults, and sends
    them back as new settings with the next click. Setting a key to its current value (for a widget just clicked,
    the click's value) makes this run send it again."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def data_controls(session: Session, current: DataConfig) -> tuple[DataConfig, dict | None]:
    """The data source and its settings; for a CSV also how to read it (target, positive, features)."""
    st.header("Data")
    source = st.radio("Source", ["Teaching dataset", "Your CSV file"], key="w_source", horizontal=True)
    if source == "Teaching dataset":
        key = st.selectbox("Dataset", list(DATASETS), key="w_dataset", format_func=lambda k: DATASETS[k].title)
        st.caption(DATASETS[key].teaches)
        n = st.slider("Points", 50, 2000, step=50, key="w_n")
        noise = st.slider("Noise", 0.0, 1.0, step=0.05, key="w_noise",
                          help="Standard deviation of the jitter added to every input, in input units.")
        seed = st.number_input("Data seed", 0, 10_000, step=1, key="w_dseed")
        return DataConfig("synthetic", key, int(n), float(noise), int(seed), current.test_size), None
    return DataConfig("csv", current.dataset, current.n, current.noise, current.seed, current.test_size), \
        csv_controls(session)


def csv_controls(session: Session) -> dict | None:
    """Upload and reading choices; returns what ``load_csv`` needs, or None while there is no usable file."""
    upload = st.file_uploader("CSV file", type=["csv", "txt", "tsv"], key="w_upload",
                              help="Comma-, semicolon- or tab-separated; the first row names the columns.")
    if upload is not None:
        data = upload.getvalue()
        if data != session.csv_bytes:
            session.csv_bytes, session.csv_name, session.csv_table = data, upload.name, None
    if session.csv_bytes is None:
        st.info("Upload a CSV file to train on your own data.")
        return None
    table = _table(session)
    if isinstance(table, str):
        st.error(literal(table))
        return None
    columns = list(table.frame.columns)
    target = st.selectbox("Target column", [AUTO, *columns], key="w_target")
    target = None if target == AUTO else target
    classes = _classes(table, target)
    positive = st.selectbox("Positive class", [AUTO, *classes], key="w_positive",
                            help="With more than two classes, choose one: it is trained against all the others.")
    positive = None if positive == AUTO else positive
    features = st.multiselect("Feature columns", [c for c in columns if c != target], key="w_features",
                              placeholder="all usable columns")
    impute = st.checkbox("Fill missing cells instead of dropping rows", key="w_impute")
    return {"name": session.csv_name, "target": target, "positive": positive,
            "features": tuple(features) or None, "impute": impute}


def _table(session: Session) -> Table | str:
    """The uploaded file read as a table (kept in this session only), or the message saying why not."""
    if session.csv_table is None:
        try:
            session.csv_table = read_table(session.csv_bytes)
        except CSVError as exc:
            session.csv_table = str(exc)
    return session.csv_table


def _classes(table: Table, target: str | None) -> list[str]:
    column = target if target is not None else default_target(list(table.frame.columns))
    values = table.frame[column].astype(str).str.strip()
    return sorted(v for v in values.unique()[:50] if v)


def load_user_csv(session: Session, choices: dict):
    """Load the uploaded CSV with the chosen settings (raises CSVError with a message to show)."""
    table = _table(session)
    if isinstance(table, str):
        raise CSVError(table)
    return load_csv(table, target=choices["target"], positive=choices["positive"], features=choices["features"],
                    impute=choices["impute"])


def network_controls(current: NetworkConfig) -> NetworkConfig:
    st.header("Network")
    text = st.text_input("Hidden layers", key="w_hidden",
                         help="Units per hidden layer, separated by commas: 3,2 is the article's network; "
                              "'none' trains a single sigmoid unit.")
    try:
        hidden = parse_hidden(text)
    except ValueError as exc:
        st.error(f"{literal(exc)}. Keeping {','.join(map(str, current.hidden)) or 'none'}.")
        hidden = current.hidden
    if len(hidden) > 6 or any(h > 64 for h in hidden):
        st.error("Use at most 6 hidden layers of at most 64 units each. Keeping the previous network.")
        hidden = current.hidden
    activation = st.selectbox("Hidden activation", list(ACTIVATIONS), key="w_activation",
                              format_func=ACTIVATIONS.get)
    return NetworkConfig(hidden, activation)


def training_controls() -> TrainConfig:
    st.header("Training")
    solver = st.selectbox("Optimizer", ["sgd", "adam"], key="w_solver",
                          format_func={"sgd": "gradient descent", "adam": "Adam"}.get)
    lr = st.select_slider("Learning rate", LEARNING_RATES, key="w_lr")
    momentum = st.slider("Momentum", 0.0, 0.99, step=0.01, key="w_momentum",
                         disabled=solver != "sgd", help="0 is the article's plain gradient descent.")
    alpha = st.select_slider("L2 penalty (alpha)", ALPHAS, key="w_alpha")
    batch = st.selectbox("Batch size", list(BATCHES), key="w_batch")
    epochs = st.number_input("Max epochs", 1, 5000, step=100, key="w_epochs")
    seed = st.number_input("Weights seed", 0, 100_000, step=1, key="w_seed",
                           help="Initial weights are drawn as scikit-learn draws them for this random_state.")
    stop = st.selectbox("Stop when", list(STOP_RULES), key="w_stop", format_func=STOP_RULES.get)
    return TrainConfig(solver, float(lr), float(momentum if solver == "sgd" else 0.0), float(alpha), BATCHES[batch],
                       int(epochs), int(seed), stop)


def slice_keys(feature_names) -> tuple[str, str]:
    """The slice selectboxes' keys, one pair per set of input names: the browser keeps showing a selectbox's
    old option text when only its format_func changes, so a file with other inputs gets new widgets."""
    tag = zlib.crc32("\0".join(feature_names).encode())
    return f"w_x_{tag}", f"w_y_{tag}"


def view_controls(feature_names: tuple[str, ...]) -> ViewConfig:
    st.header("Playback and views")
    speed = st.select_slider("Speed (epochs per second)", SPEEDS, key="w_speed")
    log_scale = st.checkbox("Log scale for the loss", key="w_log")
    d = len(feature_names)
    options = list(range(d))
    key_x, key_y = slice_keys(feature_names)
    for key in (key_x, key_y):  # a choice made for another set of inputs
        if key in st.session_state and st.session_state[key] not in options:
            st.session_state.pop(key)
    if st.session_state.get(key_y) == st.session_state.get(key_x):
        st.session_state.pop(key_y, None)
    x = st.selectbox("Slice: horizontal input", options, key=key_x, format_func=lambda i: feature_names[i],
                     index=0) if d >= 2 else 0
    y_options = [i for i in options if i != x]
    y = st.selectbox("Slice: vertical input", y_options, key=key_y, format_func=lambda i: feature_names[i],
                     index=0) if d >= 2 else 0
    slices = st.slider("Slices across the other input", 1, 5, key="w_slices", disabled=d < 3)
    return ViewConfig(int(speed), bool(log_scale), int(x), int(y), int(slices))


def _nearest(options, value):
    return min(options, key=lambda o: abs(o - value))
