"""The first look at an uploaded table: column types, distinct values and missing cells; the target suggested only
for a two-valued column named like a label; the preview's table of what is done with each column."""

import pandas as pd

from mlp_core.csv_inputs import load_csv
from mlp_core.csv_preview import column_summaries, suggested_target
from mlp_core.csv_table import read_table
from ui.session.data import from_csv, majority_baseline
from ui.session.preview import balance_text, column_table


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: [str(v) for v in vs] for k, vs in columns.items()})


def test_a_two_valued_column_named_like_a_label_is_suggested():
    assert suggested_target(_frame(a=[1, 2, 3], diagnosis=["M", "B", "M"])) == "diagnosis"
    assert suggested_target(_frame(Survived=[0, 1, 1], Sex=["m", "f", "f"])) == "Survived"
    assert suggested_target(_frame(is_fraud=["no", "yes", "no"], amount=[1, 2, 3])) == "is_fraud"


def test_no_suggestion_without_a_two_valued_label_column_so_the_user_is_asked():
    assert suggested_target(_frame(a=[1, 2, 3], year=[2007, 2008, 2009])) is None  # the last column, three values
    assert suggested_target(_frame(a=[1, 2, 3], label=["x", "y", "z"])) is None  # named like a label, three values
    assert suggested_target(_frame(a=[1, 2, 3], member=["yes", "no", "yes"])) is None  # two values, not a label
    assert suggested_target(_frame(passengerClass=[1, 2, 1], x=[1, 2, 3])) is None  # 'class' inside a word


def test_column_summaries_count_types_values_and_missing_cells():
    frame = _frame(n=["1", "2.5", "", "NA"], t=["a", "b", "a", "?"])
    assert column_summaries(frame) == [
        {"name": "n", "type": "number", "distinct": 2, "missing": 2},
        {"name": "t", "type": "text", "distinct": 2, "missing": 1},
    ]


def test_the_preview_says_what_is_done_with_each_column_and_the_baseline_is_the_majority_rate():
    rows = ["id,size,colour,member,label"] + [
        f"{i},{i % 7},{['red', 'green', 'blue'][i % 3]},{'yes' if i % 2 else 'no'},{'a' if i % 4 == 0 else 'b'}"
        for i in range(80)]
    text = "\n".join(rows).encode()
    table = read_table(text)
    assert column_table(table, None, None)["what is done with it"].tolist() == ["decided once a target is chosen"] * 5
    data = from_csv(load_csv(text, target="label"), 0.25, 0, "t.csv")
    use = dict(zip(*column_table(table, "label", data)[["column", "what is done with it"]].to_numpy().T, strict=True))
    assert use == {"id": "not used (see What was done)", "size": "input, as a number",
                   "colour": "one-hot: 3 inputs of 0/1", "member": "input, 0/1 (yes = 1, no = 0)",
                   "label": "target: the class to predict"}
    name, accuracy = majority_baseline(data)
    majority = int(data.y_train.mean() > 0.5)
    assert name == data.class_names[majority] and accuracy == (data.y_test == majority).mean()
    assert f"{accuracy:.1%}" in balance_text(data) and name in balance_text(data)
