"""Sidebar controls, grouped as in Streamlit's demos: each ``*_controls()`` returns the settings it shows.

Every widget is drawn from its row of the settings table (``ui.settings.table``): label, range, step, help, and the
key ``w_<link key>`` under which it keeps its value in ``st.session_state``. ``seed_widgets`` fills those keys
from an Experiment (the link's) before the first render. A widget can hold every value the table accepts:
sliders keep values between their steps, and a select-slider offers a link's own value beside its presets.
"""

from __future__ import annotations

import zlib

import streamlit as st

from mlp_core.csv_inputs import load_csv
from mlp_core.csv_messages import CSVError
from mlp_core.csv_preview import suggested_target
from mlp_core.csv_table import Table, read_table
from mlp_core.datasets import DATASETS
from ui.common.text import literal, quoted, say
from ui.session.state import Session
from ui.settings.experiment import DataSettings, Experiment, NetworkSettings, TrainingSettings, ViewSettings
from ui.settings.table import BY_KEY, SETTINGS, Setting, number

AUTO = "(automatic)"
CHOOSE = "(choose the target)"
CSV_KEYS = ("w_target", "w_positive", "w_features")  # the reading choices of one file
FULL_BATCH = 0  # how the batch-size widget holds "full batch"
# The widgets of each data source's own settings: the teaching dataset's (the test share is both's) and a file's
# reading choices.
SOURCE_KEYS = tuple(BY_KEY[key].widget_key for key in ("ds", "n", "noise", "dseed")) + CSV_KEYS + ("w_impute",)
SLICE_KEYS = ("w_x_", "w_y_")  # how the slice selectboxes' keys begin (``slice_keys``)


def to_widget(s: Setting, value):
    """A setting's value as its widget holds it."""
    if s.kind == "layers":
        return s.encode(value)
    if s.kind == "batch":
        return FULL_BATCH if value is None else value
    return value


def from_widget(s: Setting, value):
    """A widget's value as the setting's (the hidden-layers text is parsed by ``network_controls``)."""
    if s.kind == "batch":
        return None if value == FULL_BATCH else int(value)
    if s.kind == "int":
        return int(value)
    if s.kind == "float":
        return float(value)
    return value


def seed_widgets(exp: Experiment, csv_choices: dict | None = None,
                 feature_names: tuple[str, ...] = ("x1", "x2", "x3")) -> tuple[str, ...]:
    """Put an experiment's values (and the CSV reading choices) into the widgets' state before they
    are drawn: at the first visit (from the URL), and when coming back from another page, since
    Streamlit forgets the widgets a page did not draw. Returns the keys set, for ``hold``."""
    values = {s.widget_key: to_widget(s, exp.get(s)) for s in SETTINGS if s.widget != "input"}
    key_x, key_y = slice_keys(feature_names)
    values.update({key_x: exp.view.x_input, key_y: exp.view.y_input, BY_KEY["shade"].widget_key: exp.view.shown_class})
    if csv_choices is not None:
        values.update({
            "w_target": csv_choices["target"] or CHOOSE, "w_positive": csv_choices["positive"] or AUTO,
            "w_features": list(csv_choices["features"] or []), "w_impute": csv_choices["impute"],
        })
    st.session_state.update(values)
    return tuple(values)


def hold(keys) -> None:
    """Set each of these widget keys that has a value to that value again (for a widget just clicked, the click's
    value). Call it before the widgets are drawn. Streamlit then

    - sends the value with its widget in this run: it does so only in the run that set it, and a new run drops the
      messages not yet sent, so when a click reaches the server while the seeding run (``seed_widgets``) is drawing
      or just after it, the browser may never get the values, show the widgets' defaults and send them back as new
      settings with the next click (the main page holds the seeded keys until a run has drawn the whole page);
    - keeps the value through a run that does not draw its widget, which it would otherwise forget
      (``data_controls``: the settings of the data source not shown)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def widget(key: str, disabled: bool = False):
    """Draw the widget of the setting with this link key, as the table describes it; returns the setting's value."""
    s = BY_KEY[key]
    common = dict(key=s.widget_key, help=s.help, disabled=disabled)
    current = st.session_state.get(s.widget_key, to_widget(s, s.default))
    if s.widget == "radio":
        value = st.radio(s.label, list(s.options), format_func=s.label_of, horizontal=True, **common)
    elif s.widget == "select":
        value = st.selectbox(s.label, _choices(s, current), format_func=lambda v: s.label_of(from_widget(s, v)),
                             **common)
    elif s.widget == "select_slider":
        value = st.select_slider(s.label, _choices(s, current), format_func=s.label_of, **common)
    elif s.widget == "slider":
        value = st.slider(s.label, s.low, s.high, step=s.step, format=_format(s, current), **common)
    elif s.widget == "number":
        value = st.number_input(s.label, s.low, s.high, step=s.step, **common)
    elif s.widget == "checkbox":
        value = st.checkbox(s.label, **common)
    elif s.widget == "toggle":
        value = st.toggle(s.label, **common)
    else:
        return st.text_input(s.label, **common)
    return from_widget(s, value)


def _choices(s: Setting, current) -> list:
    """A choice's options, or a number's presets with the current value among them (a link's own value)."""
    if s.options is not None:
        return list(s.options)
    presets = [to_widget(s, v) for v in s.presets]
    return presets if current in presets else sorted([*presets, current])


def _format(s: Setting, current) -> str | None:
    """A float slider shows as many decimals as its step, or as its value when a link set one between steps."""
    if s.kind != "float":
        return None
    decimals = max(_decimals(s.step), _decimals(current))
    return f"%.{min(decimals, 8)}f"


def _decimals(value) -> int:
    text = number(float(value))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 2


def data_controls(session: Session, current: DataSettings) -> tuple[DataSettings, dict | None]:
    """The data source and its settings; for a CSV also how to read it (target, positive, features)."""
    st.header("Data")
    # Each source's own settings, set again in every run: Streamlit forgets the value of a widget that a run does
    # not draw (those of the source not shown), and sends a value held for a widget only in a run that sets it
    # (the run that shows them again), else the browser shows the widget's default.
    hold(SOURCE_KEYS)
    source = widget("src")
    if source == "synthetic":
        key = widget("ds")
        st.caption(DATASETS[key].teaches)
        data = DataSettings("synthetic", key, widget("n"), widget("noise"), widget("dseed"), widget("test"))
        return data, None
    choices = csv_controls(session)
    return DataSettings("csv", current.dataset, current.n, current.noise, current.seed, widget("test")), choices


def csv_controls(session: Session) -> dict | None:
    """Upload and reading choices; returns what ``load_csv`` needs, or None while there is no usable file or no
    target chosen (the page then says what to do). A new file starts with its own target suggestion."""
    upload = st.file_uploader("CSV file", type=["csv", "txt", "tsv"], key="w_upload",
                              help="Comma-, semicolon- or tab-separated; the first row names the columns.")
    if upload is not None:
        data = upload.getvalue()
        if data != session.csv_bytes:
            session.csv_bytes, session.csv_name, session.csv_table = data, upload.name, None
            for key in CSV_KEYS:  # the choices made for another file's columns
                st.session_state.pop(key, None)
    if session.csv_bytes is None:
        say("info", "Upload a CSV file to train on your own data.")
        return None
    if upload is None:  # back from other data or another page: Streamlit's uploader forgot the file, the page did not
        st.caption(f"Using {literal(session.csv_name)}, uploaded earlier; upload a file to replace it.")
    table = _table(session)
    if isinstance(table, str):
        return None  # the page says why, beside the preview it cannot show
    columns = list(table.frame.columns)
    options = [CHOOSE, *columns]
    if "w_target" not in st.session_state:
        suggestion = suggested_target(table.frame)
        st.session_state["w_target"] = suggestion if suggestion is not None else CHOOSE
    target = st.selectbox("Target column", options, key="w_target",
                          help="The column the network learns to predict. Suggested only when a column of two "
                               "values is named like a label; otherwise choose it.")
    if target == CHOOSE:
        return None
    classes = _classes(table, target)
    if len(classes) > 2:  # each class its own output, or one class against all the others
        positive = st.selectbox("Classes", [AUTO, *classes], key="w_positive",
                                format_func=lambda c: f"all {len(classes)} classes" if c == AUTO else
                                f"one class against the rest: {c}",
                                help="The network learns every class, with one output each; or, if you choose "
                                     "one class, that class against all the others, with one output.")
    else:
        positive = st.selectbox("Positive class", [AUTO, *classes], key="w_positive",
                                help="The class whose probability the network's one output gives.")
    positive = None if positive == AUTO else positive
    features = st.multiselect("Feature columns", [c for c in columns if c != target], key="w_features",
                              placeholder="all usable columns")
    impute = st.checkbox("Fill missing cells instead of dropping rows", key="w_impute")
    return {"name": session.csv_name, "target": target, "positive": positive,
            "features": tuple(features) or None, "impute": impute}


def uploaded_table(session: Session) -> Table | str | None:
    """The uploaded file read as a table, the message saying why it cannot be, or None without a file."""
    return None if session.csv_bytes is None else _table(session)


def _table(session: Session) -> Table | str:
    """The uploaded file read as a table (kept in this session only), or the message saying why not."""
    if session.csv_table is None:
        try:
            session.csv_table = read_table(session.csv_bytes)
        except CSVError as exc:
            session.csv_table = str(exc)
    return session.csv_table


def _classes(table: Table, target: str) -> list[str]:
    values = table.frame[target].astype(str).str.strip()
    return sorted(v for v in values.unique()[:50] if v)


def load_user_csv(session: Session, choices: dict):
    """Load the uploaded CSV with the chosen settings (raises CSVError with a message to show)."""
    table = _table(session)
    if isinstance(table, str):
        raise CSVError(table)
    return load_csv(table, target=choices["target"], positive=choices["positive"], features=choices["features"],
                    impute=choices["impute"])


def network_controls(current: NetworkSettings) -> NetworkSettings:
    st.header("Network")
    s = BY_KEY["hidden"]
    text = widget("hidden")
    try:
        hidden = s.parse(text)
    except ValueError as exc:
        say("error", f"{exc}; got {quoted(text)}. Keeping {s.encode(current.hidden)}.")
        hidden = current.hidden
    return NetworkSettings(hidden, widget("act"))


def training_controls() -> TrainingSettings:
    st.header("Training")
    solver = widget("solver")
    return TrainingSettings(solver, widget("lr"), widget("mom", disabled=solver != "sgd"), widget("alpha"),
                       widget("batch"), widget("epochs"), widget("seed"), widget("stop"))


def slice_keys(feature_names) -> tuple[str, str]:
    """The slice selectboxes' keys, one pair per set of input names: the browser keeps showing a selectbox's
    old option text when only its format_func changes, so a file with other inputs gets new widgets."""
    tag = zlib.crc32("\0".join(feature_names).encode())
    return f"{SLICE_KEYS[0]}{tag}", f"{SLICE_KEYS[1]}{tag}"


def view_controls(current: ViewSettings, feature_names: tuple[str, ...] | None,
                  suggested: tuple[int, ...] | None = None, class_names: tuple[str, ...] | None = None
                  ) -> ViewSettings:
    """Playback and the slices' inputs (for data of at least two inputs; otherwise the choice in the settings is
    kept for later data). ``suggested``: the inputs the model relies on most, the axes a new file starts with."""
    st.header("Playback and views")
    present = widget("present")
    speed = widget("speed")
    log_scale = widget("log")
    d = 0 if feature_names is None else len(feature_names)
    x, y = current.x_input, current.y_input
    # The axes chosen for each set of inputs and the class shown, held while other data is shown (as in
    # ``data_controls``): back to a dataset, its slices are as they were.
    hold([key for key in st.session_state if key.startswith(SLICE_KEYS)] + [BY_KEY["shade"].widget_key])
    if d >= 2:
        options = list(range(d))
        key_x, key_y = slice_keys(feature_names)
        for key in (key_x, key_y):  # a choice made for another set of inputs
            if key in st.session_state and st.session_state[key] not in options:
                st.session_state.pop(key)
        if st.session_state.get(key_y) == st.session_state.get(key_x):
            st.session_state.pop(key_y, None)
        if suggested is not None and len(suggested) >= 2:  # a new file's axes: the inputs the model relies on most
            st.session_state.setdefault(key_x, suggested[0])
            if st.session_state[key_x] != suggested[1]:
                st.session_state.setdefault(key_y, suggested[1])
        x = st.selectbox(BY_KEY["x"].label, options, key=key_x, format_func=lambda i: feature_names[i], index=0)
        y = st.selectbox(BY_KEY["y"].label, [i for i in options if i != x], key=key_y,
                         format_func=lambda i: feature_names[i], index=0)
    slices = widget("slices", disabled=d < 3)
    shown = current.shown_class
    if class_names is not None and len(class_names) > 2:
        shown = shown_class_control(class_names)
    return ViewSettings(speed, log_scale, int(x), int(y), slices, shown, present)


def shown_class_control(class_names: tuple[str, ...]) -> int:
    """With k > 2 classes: what the boundary views are coloured by, the predicted class (−1) or class c's
    probability (c). A choice made for other classes falls back to the predicted class."""
    options = [-1, *range(len(class_names))]
    key = BY_KEY["shade"].widget_key
    if st.session_state.get(key) not in options:
        st.session_state[key] = -1
    return int(st.selectbox(BY_KEY["shade"].label, options, key=key, help=BY_KEY["shade"].help,
                            format_func=lambda c: "the predicted class" if c < 0 else
                            f"the probability of {class_names[c]}"))


def held_row_control(feature_names: tuple[str, ...], n_rows: int, default: int) -> int:
    """Which training row the inputs off the axes are held at (a real row: 0/1 inputs at 0 or 1, one category of
    each one-hot group); a new file starts at ``default``, the row closest to the medians."""
    key = f"w_row_{zlib.crc32(chr(0).join(feature_names).encode())}_{n_rows}"
    st.session_state.setdefault(key, default)
    return int(st.number_input("Hold the other inputs at training row", 0, n_rows - 1, step=1, key=key,
                               help=f"Row {default} is the training row closest to the medians of every input. "
                                    "The views show the other inputs' values beside them."))
