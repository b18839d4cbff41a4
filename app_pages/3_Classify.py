"""Classify a CSV: score a file with the main page's network (at the epoch on screen) or a saved model file."""

from pathlib import Path

import pandas as pd
import streamlit as st

from mlp_core.csv_table import Table, read_table
from mlp_core.persistence import LoadedModel, load_model
from mlp_core.scoring import Scored, score_table
from ui.classify import scored_file
from ui.common import figures
from ui.common.text import say
from ui.session.export import model_at_epoch
from ui.session.state import get_session, remembered, show_notices

INTRO = (
    "Score a new CSV file with a trained network: the one on the main page, at the epoch it shows, or a model "
    "file downloaded from there or written by `python -m mlp_core train`. Columns are matched to the model's "
    "inputs by name, the preprocessing saved with the model is applied, and every row comes back with the "
    "probability of the positive class (of each class, for a model of more than two) and the predicted class, or "
    "with the reason it could not be scored. "
    "When the file has the target column, the page also says how good the predictions are."
)
SOURCES = {"main": "The main page's network", "file": "A model file (JSON)"}



def model_controls() -> tuple[LoadedModel | None, tuple]:
    """The model to score with, the main page's at the epoch on screen or an uploaded model file, and a key
    that names it (what the scored file is remembered under)."""
    session = get_session()
    trained = session.recording is not None and session.data is not None
    if not trained:
        say("info", "Train a model on the main page or upload a model file.")
    source = st.radio("Model", list(SOURCES) if trained else ["file"], format_func=SOURCES.get, horizontal=True,
                      key="cl_source")
    if source == "main":
        with session.lock:  # a click elsewhere cannot change the run while its network is read
            epoch = session.playback.current(session.recording.n_epochs - 1)
            model = LoadedModel(*model_at_epoch(session.recording, session.data, epoch))
        st.text(f"The main page's network at epoch {epoch}, trained on {session.data.title}.")
        return model, ("main", session.run_id, epoch)
    upload = st.file_uploader("Model file (JSON)", type=["json"], key="cl_model")
    if upload is None:
        return None, ()

    model = remembered("classify_memo", ("model", upload.file_id), lambda: load_model(upload.getvalue()), size=4,
                       refusal="This model file cannot be used")
    if isinstance(model, str):
        say("error", model)
        return None, ()
    if model.preprocessing is None:
        say("error", "This model file holds no preprocessing (it was not trained on a CSV file), so it cannot score "
                 "a CSV file.")
        return None, ()
    st.text(f"Model file {upload.name}: {model.estimator.n_iter_} epochs, inputs "
            f"{', '.join(model.preprocessing.feature_names)}.")
    return model, ("file", upload.file_id)


def column_controls(model: LoadedModel, table: Table, file_id: str) -> dict[str, str]:
    """``{model column: file column}``: by name, with a choice for every column the file lacks, and
    every match changeable by hand."""
    pre, names = model.preprocessing, list(table.frame.columns)
    missing = scored_file.unmatched(pre, names)
    if missing:
        say("warning", "The file has no column of the same name for some of the model's inputs: choose the file's "
                   "column for each.")
    mapping = {}
    by_hand = st.expander("Match columns by hand")
    for i, column in enumerate(scored_file.model_columns(pre)):
        where = st.container() if column in missing else by_hand
        left, right = where.columns([1, 2])
        left.text(column + (" (target)" if column == pre.target else ""))
        chosen = right.selectbox("File column", names, index=names.index(column) if column in names else None,
                                 placeholder="not in this file", key=f"cl_map_{file_id}_{i}",
                                 label_visibility="collapsed")
        if chosen is not None and chosen != column:
            mapping[column] = chosen
    return mapping


def trained_on(model_key: tuple, data: bytes) -> None:
    """Say so when the file scored is the one the main page's network was trained on: most of its rows were."""
    session = get_session()
    if model_key[:1] != ("main",) or session.data is None or data != session.csv_bytes:
        return
    n_train, n_test = len(session.data.X_train), len(session.data.X_test)
    say("warning", f"This is the file the main page's network was trained on: {n_train:,} of its rows were in the "
                   f"training split, so the scores below are mostly on rows the network has seen and overstate how "
                   f"well it does on new data. The main page's test accuracy ({n_test:,} rows held out) is the one "
                   "to trust.", lead="Scored rows were trained on.")


def results_section(scored: Scored, file_name: str) -> None:
    st.subheader("Predictions")
    n, bad = len(scored.frame), len(scored.reasons)
    st.text(f"{n - bad} of {n} rows scored." + (f" {bad} could not be; see below." if bad else ""))
    st.dataframe(scored.frame.set_axis(range(1, n + 1)), column_config={
        column: st.column_config.NumberColumn(format="%.4f") for column in scored.probability_columns})
    st.download_button("Download the predictions (CSV)", scored_file.scored_csv(scored), on_click="ignore",
                       file_name=f"{Path(file_name).stem}-predictions.csv", mime="text/csv",
                       icon=":material/download:", key="cl_download")
    st.caption(("Every row of the file plus probability" if not scored.class_columns else
                "Every row of the file plus each class's probability (probability_<class>)")
               + " (in full precision), prediction and reason, exactly as `python -m mlp_core predict` writes them; "
               "cells a spreadsheet would run as a formula start with '.")
    if bad:
        st.subheader("Rows that could not be scored")
        st.text(f"{bad} row(s) have a missing or invalid cell, or more fields than the header. They stay in the "
                "table and the download, with an empty probability and the reason.")
        rows = scored.unscorable
        reason = scored.columns["reason"]
        st.dataframe(pd.concat([rows[[reason]], rows.drop(columns=reason)], axis=1).set_axis(rows.index + 1),
                     column_config={"_index": st.column_config.NumberColumn("data row")})


def metrics_section(scored: Scored, model: LoadedModel, mapping: dict[str, str]) -> None:
    """Accuracy, log loss, ROC AUC, the confusion matrix and the ROC curve, when the file has the target."""
    metrics, pre = scored.metrics, model.preprocessing
    if metrics is None:
        return
    st.subheader("How good the predictions are")
    if metrics["rows"] == 0:
        st.text("No scored row has a known label, so there is nothing to measure.")
        return
    cols = st.columns(4)
    cols[0].metric("Rows with a label", f"{metrics['rows']}")
    cols[1].metric("Accuracy", f"{metrics['accuracy']:.1%}")
    cols[2].metric("Log loss", f"{metrics['log_loss']:.4f}")
    several = "roc_auc_per_class" in metrics  # k classes
    cols[3].metric("ROC AUC, mean over classes" if several else "ROC AUC",
                   "—" if metrics["roc_auc"] is None else f"{metrics['roc_auc']:.4f}",
                   help=("Each class against all the others, averaged; needs rows of every class." if several
                         else None if metrics["roc_auc"] is not None else "Needs rows of both classes."))
    if metrics["rows_without_known_label"]:
        st.text(f"{metrics['rows_without_known_label']} scored row(s) have a label the model does not know; "
                "they are not counted.")
    left, right = st.columns(2)
    matrix = metrics["confusion_matrix"]
    with left:
        st.plotly_chart(figures.confusion_figure(matrix["rows_true_columns_predicted"], tuple(matrix["labels"])))
        st.caption("Rows by true class (down) and predicted class (across), "
                   + ("the likeliest class." if several else "at the threshold p = 0.5."))
    with right:
        y, p = scored_file.labelled_rows(scored, pre, mapping)
        if several:
            curves = [(name, *scored_file.roc_curve(y == c, p[:, c]), auc)
                      for c, (name, auc) in enumerate(metrics["roc_auc_per_class"].items())]
            st.plotly_chart(figures.class_roc_figure(curves))
            st.caption("Each class against all the others: the share of its rows found above every threshold of its "
                       "probability; the dotted diagonal is guessing.")
        else:
            st.plotly_chart(figures.roc_figure(*scored_file.roc_curve(y, p), metrics["roc_auc"]))
            st.caption("The share of each class found above every threshold; the dotted diagonal is guessing.")


def boundary_section(scored: Scored, model: LoadedModel, table: Table, mapping: dict[str, str], key: tuple) -> None:
    """The scored rows on a slice of the model's decision boundary."""
    pre = model.preprocessing
    names = pre.feature_names
    st.subheader("The scored rows on the decision boundary")
    if len(names) < 2:
        st.text("The model has one input, so there is no two-input slice to draw.")
        return
    rows = scored_file.encoded_inputs(pre, table, mapping)
    first, second = remembered("classify_memo", ("axes", *key),
                               lambda: scored_file.axis_order(model, rows)[:2], size=8)
    left, right = st.columns(2)
    x_input = left.selectbox("Across", range(len(names)), index=first, format_func=names.__getitem__, key="cl_x")
    y_input = right.selectbox("Up", range(len(names)), index=second, format_func=names.__getitem__, key="cl_y")
    if x_input == y_input:
        st.text("Choose two different inputs.")
        return
    truth = scored_file.true_classes(scored, pre, mapping)
    cut = scored_file.boundary_slice(model, rows, scored_file.predicted_classes(scored), x_input, y_input,
                                     truth=truth)
    classes = tuple(str(c) for c in model.estimator.classes_)
    rule = ("(at first the two the model relies on most: shuffling them changes its answers most, inputs of many "
            "values before 0/1 inputs, the main page's rule), every other input held at its training mean")
    if len(classes) > 2:
        st.plotly_chart(figures.class_boundary_figure(cut.x, cut.y, (("", cut.p),), cut.points, cut.x_name,
                                                      cut.y_name, classes, cut.held))
        what = f"The class the model predicts over two inputs {rule}, each of the {len(classes)} classes in its colour."
    else:
        st.plotly_chart(figures.scored_boundary_figure(cut.x, cut.y, cut.p, cut.points, cut.x_name, cut.y_name,
                                                       classes, cut.held))
        what = (f"The probability of the positive class over two inputs {rule}: orange 0, white 0.5, purple 1; the "
                "black line is p = 0.5.")
    st.caption(what + " Markers are the scored rows wherever their other inputs lie: "
               + ("those with a known label, by their true class, ringed where the prediction is wrong."
                  if truth is not None else "by predicted class (the file has no target column)."))


st.title("Classify a CSV")
st.markdown(INTRO)
show_notices(get_session())
model, model_key = model_controls()
if model is None:
    st.stop()
upload = st.file_uploader("CSV file to classify", type=["csv", "txt", "tsv"], key="cl_csv")
if upload is None:
    st.stop()
# Remembered per file, so that a widget change does not read and score a big file again.
table = remembered("classify_memo", ("table", upload.file_id), lambda: read_table(upload.getvalue()), size=4,
                   refusal="This file cannot be read")
if isinstance(table, str):
    say("error", table)
    st.stop()
for notice in table.notices:
    st.text(notice)
if table.long_rows is not None:
    st.text(f"{table.long_rows.describe()}{table.long_rows.kept()}")
if table.short_rows is not None:
    st.text(f"{table.short_rows.describe()} Their missing last cells are read as empty.")
mapping = column_controls(model, table, upload.file_id)
scored = remembered("classify_memo", ("scored", model_key, upload.file_id, tuple(sorted(mapping.items()))),
                    lambda: score_table(model, table, mapping), size=4,
                    refusal="The file cannot be scored with this model")
if isinstance(scored, str):
    say("error", scored)
    st.stop()
trained_on(model_key, upload.getvalue())
results_section(scored, upload.name)
metrics_section(scored, model, mapping)
boundary_section(scored, model, table, mapping, (model_key, upload.file_id, tuple(sorted(mapping.items()))))
