"""An uploaded table as the main page shows it before and beside training: its first rows, each column's type,
distinct values, missing cells and what is done with it, and the classes' balance with the accuracy of always
guessing the majority class (the baseline a network must beat)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mlp_core.csv_preview import column_summaries
from mlp_core.csv_table import Table
from ui.common.text import literal
from ui.session.data import Prepared, majority_baseline
from ui.session.state import remembered

PREVIEW_ROWS = 8


def column_table(table: Table, target: str | None, data: Prepared | None, summaries: list[dict] | None = None
                 ) -> pd.DataFrame:
    """One row per column of the file: name, type, distinct values, missing cells (``summaries``, computed when
    None: ``column_summaries``), and what is done with it."""
    inputs: dict[str, list] = {}
    if data is not None and data.preprocessing is not None:
        for spec in data.preprocessing.inputs:
            inputs.setdefault(spec.column, []).append(spec)
    rows = []
    for s in summaries if summaries is not None else column_summaries(table.frame):
        rows.append({"column": s["name"], "type": s["type"], "distinct values": s["distinct"],
                     "missing cells": s["missing"], "what is done with it": _use(s["name"], target, inputs, data)})
    return pd.DataFrame(rows)


def _use(column: str, target: str | None, inputs: dict, data: Prepared | None) -> str:
    if column == target:
        return "target: the class to predict"
    specs = inputs.get(column)
    if specs:
        kind = specs[0].kind
        if kind == "number":
            return "input, as a number"
        if kind == "binary":
            return f"input, 0/1 ({specs[0].value} = 1, {specs[0].other} = 0)"
        return f"one-hot: {len(specs)} inputs of 0/1"
    if data is None:
        return "decided once a target is chosen" if target is None else "not known: the table cannot be used yet"
    return "not used (see What was done)"


def show_preview(name: str, file_key, table: Table, target: str | None, data: Prepared | None) -> None:
    """The first rows and the column table, in an expander open while nothing is trained. The columns are summed up
    once per file (``file_key``): a large file is not read again on every click."""
    summaries = remembered("preview_memo", file_key, lambda: column_summaries(table.frame), size=2)
    with st.expander(f"Preview of {literal(name)}: {table.n_rows:,} rows, {len(table.frame.columns)} columns",
                     expanded=data is None):
        st.dataframe(table.frame.head(PREVIEW_ROWS), hide_index=True)
        st.dataframe(column_table(table, target, data, summaries), hide_index=True)


def balance_text(data: Prepared) -> str:
    """The classes' counts in the training split and the majority-class baseline on the test split."""
    n = len(data.y_train)
    counts = np.bincount(data.y_train.astype(int), minlength=data.n_classes)
    order = (1, 0) if data.n_classes == 2 else range(data.n_classes)  # two classes: the positive first
    parts = ", ".join(f"{data.class_names[k]} {counts[k]} ({counts[k] / n:.0%})" for k in order)
    name, accuracy = majority_baseline(data)
    return (f"Training split: {parts}. Always guessing the majority class ({name}) scores {accuracy:.1%} on the "
            "test split: the baseline the network must beat.")
