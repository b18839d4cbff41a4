"""The CSV loader: what it reads, how it picks the target and encodes the features, what it drops (always
with a notice), and that every file it cannot use is refused with a ``CSVError`` — never another exception.

Reference values come from scikit-learn's own loaders, from the generated data itself, or by hand."""

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_iris, load_wine

from mlp_core import MLPBinaryClassifier
from mlp_core.config import MAX_CLASSES
from mlp_core.csv_inputs import ID_NAME, LoadedCSV, load_csv
from mlp_core.csv_messages import SETTINGS, CSVError, Message, worded
from mlp_core.csv_table import read_table
from mlp_core.persistence import dump_model, load_model

SKLEARN_DATA = Path(sklearn.__file__).parent / "datasets" / "data"
SMALL = "a,b,label\n1,2,yes\n3,4,no\n5,6,yes\n7,8,no\n"
SMALL_X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
SMALL_Y = [1, 0, 1, 0]


def _load(text: str, **kwargs) -> LoadedCSV:
    return load_csv(text.encode("utf-8"), **kwargs)


def _refusal(data: bytes | str, **kwargs) -> str:
    data = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(CSVError) as info:
        load_csv(data, **kwargs)
    message = str(info.value)
    assert message.strip()
    return message


def _error(data: bytes | str, **kwargs) -> CSVError:
    data = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(CSVError) as info:
        load_csv(data, **kwargs)
    return info.value


def _as_options(setting: str, words: str) -> str:
    """How a caller with options of its own (the command line) words a mention of a setting."""
    return f"{words} [option {setting}]"


def _notices(loaded: LoadedCSV) -> str:
    return "\n".join(loaded.report["notices"])


# scikit-learn's shipped CSV files: a count header instead of column names, targets coded 0..k-1.

def test_breast_cancer_matches_scikit_learn_loader():
    loaded = load_csv(SKLEARN_DATA / "breast_cancer.csv")
    ref = load_breast_cancer()
    assert loaded.report["rows_read"] == 569
    assert loaded.report["rows_used"] == 569
    assert loaded.X.shape == (569, 30)
    np.testing.assert_array_equal(loaded.X, ref.data)
    expected_counts = {str(name): int(np.sum(ref.target == k)) for k, name in enumerate(ref.target_names)}
    assert expected_counts == {"malignant": 212, "benign": 357}
    assert loaded.report["classes"] == expected_counts
    positive = loaded.report["positive"]
    assert positive in ("malignant", "benign")
    np.testing.assert_array_equal(loaded.y, (ref.target_names[ref.target] == positive).astype(int))
    assert "count header" in _notices(loaded)


def test_iris_three_classes_load_as_class_indices_with_their_names():
    loaded = load_csv(SKLEARN_DATA / "iris.csv")
    ref = load_iris()
    np.testing.assert_array_equal(loaded.X, ref.data)
    np.testing.assert_array_equal(loaded.y, ref.target)
    assert loaded.preprocessing.classes == tuple(ref.target_names) == tuple(loaded.report["labels"])
    assert loaded.preprocessing.positive is None and loaded.report["positive"] is None
    assert loaded.report["class_counts_used"] == {name: 50 for name in ref.target_names}
    assert "3 classes" in _notices(loaded) and "positive class" in _notices(loaded)


def test_iris_three_classes_refused_where_two_are_the_most_with_the_classes_and_how_to_choose():
    message = _refusal((SKLEARN_DATA / "iris.csv").read_bytes(), max_classes=2)
    for name in ("setosa", "versicolor", "virginica", "At most 2 classes", "positive class", "target column"):
        assert name in message


def test_up_to_the_most_classes_load_and_one_more_is_refused_saying_what_to_do():
    def table(k):
        return "a,b,kind\n" + "".join(f"{i * 0.37 % 5:.2f},{i % 7},c{i % k}\n" for i in range(3 * k))
    assert len(_load(table(MAX_CLASSES)).preprocessing.classes) == MAX_CLASSES
    message = _refusal(table(MAX_CLASSES + 1))
    for words in (f"{MAX_CLASSES + 1} classes", f"At most {MAX_CLASSES} classes", "positive class", "one-vs-rest",
                  "another target column"):
        assert words in message


def test_a_class_with_a_single_row_is_refused_naming_it():
    message = _refusal("a,b,kind\n1,2,setosa\n3,4,versicolor\n5,6,virginica\n7,8,setosa\n8,9,virginica\n")
    assert "'versicolor'" in message and "fewer than two usable rows" in message and "'setosa'" not in message


def test_iris_one_vs_rest_with_a_chosen_positive_class():
    loaded = load_csv(SKLEARN_DATA / "iris.csv", positive="virginica")
    ref = load_iris()
    assert loaded.X.shape == (150, 4)
    np.testing.assert_array_equal(loaded.X, ref.data)
    assert int(loaded.y.sum()) == 50
    np.testing.assert_array_equal(loaded.y, (ref.target == 2).astype(int))
    assert loaded.report["positive"] == "virginica"
    assert "one-vs-rest" in _notices(loaded).lower()


def test_wine_three_classes_then_one_vs_rest():
    path = SKLEARN_DATA / "wine_data.csv"
    ref = load_wine()
    loaded = load_csv(path)
    np.testing.assert_array_equal(loaded.y, ref.target)
    assert loaded.preprocessing.classes == ("class_0", "class_1", "class_2")
    loaded = load_csv(path, positive="class_0")
    assert loaded.preprocessing.classes == ("rest", "class_0")
    np.testing.assert_array_equal(loaded.X, ref.data)
    np.testing.assert_array_equal(loaded.y, (ref.target == 0).astype(int))
    assert int(loaded.y.sum()) == 59
    assert loaded.report["classes"] == {f"class_{k}": int(np.sum(ref.target == k)) for k in range(3)}
    assert "one-vs-rest" in _notices(loaded).lower()


# Reading: delimiters, decimal commas, encodings, quoting, line endings.

@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_delimiter_is_sniffed(delimiter, name):
    loaded = _load(SMALL.replace(",", delimiter))
    assert loaded.report["delimiter"] == name
    assert loaded.feature_names == ["a", "b"]
    np.testing.assert_array_equal(loaded.X, SMALL_X)
    np.testing.assert_array_equal(loaded.y, SMALL_Y)


def test_decimal_comma_in_a_semicolon_file():
    loaded = _load("a;b;label\n1,5;2;yes\n3,25;4;no\n-5;6,75;yes\n7;8;no\n")
    assert loaded.report["decimal_comma"] is True
    np.testing.assert_array_equal(loaded.X, [[1.5, 2.0], [3.25, 4.0], [-5.0, 6.75], [7.0, 8.0]])
    assert "decimal comma" in _notices(loaded)


def test_utf8_bom_is_not_part_of_the_first_name():
    loaded = load_csv(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert loaded.feature_names == ["a", "b"]
    assert loaded.report["encoding"] == "UTF-8 with BOM"
    np.testing.assert_array_equal(loaded.X, SMALL_X)


def test_utf8_names_and_values_are_decoded():
    loaded = _load("größe,名前,label\n1,茶,yes\n2,水,no\n3,茶,yes\n4,水,no\n")
    assert loaded.feature_names == ["größe", "名前"]
    assert loaded.report["encoding"] == "UTF-8"
    assert "'茶'" in _notices(loaded) and "'水'" in _notices(loaded)


def test_latin1_bytes_are_decoded_with_a_notice():
    data = "größe,gewicht,label\n1,2,yes\n3,4,no\n5,6,yes\n7,8,no\n".encode("latin-1")
    loaded = load_csv(data)
    assert loaded.feature_names == ["größe", "gewicht"]
    assert loaded.report["encoding"] == "Latin-1"
    assert "Latin-1" in _notices(loaded)
    np.testing.assert_array_equal(loaded.X, SMALL_X)


def test_quoted_fields_keep_delimiters_and_newlines():
    text = ('a,note,city,b,label\n'
            '1,"x, y",Paris,2,yes\n'
            '3,"multi\nline",Paris,4,no\n'
            '5,"p, q","Rome, IT",6,yes\n'
            '7,"r ""quoted""","Rome, IT",8,no\n')
    loaded = _load(text)
    assert loaded.report["rows_read"] == 4
    assert loaded.feature_names == ["a", "city", "b"]
    np.testing.assert_array_equal(loaded.X[:, [0, 2]], SMALL_X)
    city = next(f for f in loaded.report["features"] if f["name"] == "city")
    assert "'Rome, IT'" in city["encoding"] and "'Paris'" in city["encoding"]
    rome = 1.0 if "'Rome, IT' = 1" in city["encoding"] else 0.0
    np.testing.assert_array_equal(loaded.X[:, 1], [1 - rome, 1 - rome, rome, rome])
    assert "'note'" in _notices(loaded)


def test_crlf_line_endings():
    loaded = _load(SMALL.replace("\n", "\r\n"))
    assert loaded.feature_names == ["a", "b"]
    assert loaded.report["positive"] == "yes"
    assert set(loaded.report["classes"]) == {"yes", "no"}
    np.testing.assert_array_equal(loaded.X, SMALL_X)


def test_blank_lines_in_the_middle_and_at_the_end():
    loaded = _load("a,b,label\n1,2,yes\n\n3,4,no\n   \n5,6,yes\n7,8,no\n\n\n")
    assert loaded.report["rows_read"] == 4
    assert loaded.report["rows_used"] == 4
    np.testing.assert_array_equal(loaded.X, SMALL_X)


# Files that cannot be used: refused with a message that says what is wrong.

@pytest.mark.parametrize(("data", "words"), [
    (b"a,b,label\n", ["no data rows"]),
    (b"", ["empty"]),
    (b"   \n\t\n  \r\n", ["empty"]),
    (b"\xef\xbb\xbf\n", ["empty"]),
    (bytes(np.random.default_rng(0).integers(0, 256, 2000, dtype=np.uint8)) + b"\x00", ["binary"]),
    (b"\x89PNG\r\n\x1a\n" + SMALL.encode(), ["PNG"]),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + SMALL.encode(), ["JPEG"]),
    (b"PK\x03\x04\x14\x00" + SMALL.encode(), ["ZIP"]),
    (b"<!DOCTYPE html>\n<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>\n", ["HTML"]),
    (b'[{"a": 1, "label": "yes"}, {"a": 2, "label": "no"}]', ["JSON"]),
    (b'{"a": [1, 2], "label": ["yes", "no"]}', ["JSON"]),
    (b"a\n1\n2\n3\n", ["one column"]),
], ids=["header-only", "empty", "whitespace-only", "bom-only", "binary-garbage", "png", "jpeg", "zip", "html",
        "json-list", "json-object", "single-column"])
def test_unusable_file_is_refused_with_a_reason(data, words):
    message = _refusal(data)
    for word in words:
        assert word in message


def test_single_class_target_is_refused():
    message = _refusal("a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n")
    assert "one class" in message and "'yes'" in message and "another target column" in message


def test_no_usable_feature_is_refused_naming_what_was_dropped():
    message = _refusal("id,comment,label\n1,hello there,yes\n2,good day,no\n3,bye now,yes\n4,what now,no\n")
    assert "'id'" in message and "'comment'" in message and "feature columns" in message


# Columns: dropped or encoded, each with a notice.

def test_all_missing_column_is_dropped_with_a_notice():
    loaded = _load("a,b,c,label\n1,,2,yes\n3,NA,4,no\n5,,6,yes\n7,?,8,no\n")
    assert loaded.feature_names == ["a", "c"]
    assert loaded.report["rows_used"] == 4
    assert any("'b'" in n and "dropped" in n for n in loaded.report["notices"])


def test_infinite_values_drop_rows_counted_by_column():
    loaded = _load("a,b,label\n1,2,yes\ninf,4,no\n5,-inf,yes\n7,8,no\n9,10,yes\n-Inf,11,no\n12,13,no\n")
    assert loaded.report["rows_read"] == 7
    assert loaded.report["rows_used"] == 4
    assert loaded.report["dropped"] == {"rows": 3, "by_column": {"a": 2, "b": 1}}
    np.testing.assert_array_equal(loaded.X, [[1, 2], [7, 8], [9, 10], [12, 13]])
    np.testing.assert_array_equal(loaded.rows, [0, 3, 4, 6])
    assert "3 row(s)" in _notices(loaded)


MISSING = "a,b,label\n1,2,yes\n,4,no\n5,NA,yes\n7,?,no\n9,10,yes\n11,12,no\n13,14,yes\n"


def test_missing_tokens_drop_rows_counted_by_column():
    loaded = _load(MISSING)
    assert loaded.report["dropped"] == {"rows": 3, "by_column": {"a": 1, "b": 2}}
    np.testing.assert_array_equal(loaded.X, [[1, 2], [9, 10], [11, 12], [13, 14]])
    np.testing.assert_array_equal(loaded.y, [1, 1, 0, 1])
    assert "3 row(s)" in _notices(loaded) and "a: 1" in _notices(loaded) and "b: 2" in _notices(loaded)


def test_impute_fills_missing_cells_with_the_column_mean():
    loaded = _load(MISSING, impute=True)
    mean_a = np.mean([1, 5, 7, 9, 11, 13])  # the cells of column a that are present
    mean_b = np.mean([2, 4, 10, 12, 14])
    assert loaded.report["rows_used"] == 7
    expected = [[1, 2], [mean_a, 4], [5, mean_b], [7, mean_b], [9, 10], [11, 12], [13, 14]]
    np.testing.assert_allclose(loaded.X, expected, rtol=1e-12)
    assert "filled" in _notices(loaded)


def test_duplicate_column_names_are_made_unique_with_a_notice():
    loaded = _load("a,a,b,label\n1,2,3,yes\n4,5,7,no\n7,8,6,yes\n9,1,2,no\n")
    names = loaded.feature_names
    assert len(names) == 3 and len(set(names)) == 3 and names[0] == "a" and names[2] == "b"
    np.testing.assert_array_equal(loaded.X[:, 1], [2, 5, 8, 1])
    assert any(names[1] in n for n in loaded.report["notices"]), "renaming the second 'a' must be reported"


def test_constant_column_is_dropped_with_a_notice():
    loaded = _load("a,c,b,label\n1,5,3,yes\n4,5,7,no\n7,5,6,yes\n9,5,2,no\n")
    assert loaded.feature_names == ["a", "b"]
    assert any("'c'" in n and "constant" in n for n in loaded.report["notices"])


def test_column_named_id_is_dropped():
    rows = "\n".join(f"{i + 100},{i * 0.37 % 1:.3f},{'yes' if i % 3 else 'no'}" for i in range(10))
    loaded = _load("id,x,label\n" + rows + "\n")
    assert loaded.feature_names == ["x"]
    assert any("'id'" in n and "identifier" in n for n in loaded.report["notices"])


def test_unnamed_integer_index_is_dropped():
    rows = "\n".join(f"{i},{i * 0.37 % 1:.3f},{'yes' if i % 2 else 'no'}" for i in range(30))
    loaded = _load(",x,label\n" + rows + "\n")  # what DataFrame.to_csv writes by default
    assert loaded.feature_names == ["x"]
    assert "identifier" in _notices(loaded)
    np.testing.assert_allclose(loaded.X[:, 0], [i * 0.37 % 1 for i in range(30)], atol=5e-4)


def test_free_text_column_is_dropped_with_a_notice():
    rows = "\n".join(f"{i % 7},comment number {i},{'yes' if i % 2 else 'no'}" for i in range(12))
    loaded = _load("x,remark,label\n" + rows + "\n")
    assert loaded.feature_names == ["x"]
    assert any("'remark'" in n and "free text" in n for n in loaded.report["notices"])


def test_two_valued_text_column_becomes_0_1_with_yes_as_1():
    loaded = _load("a,smoker,label\n1,no,yes\n2,yes,no\n3,yes,yes\n4,no,no\n")
    assert loaded.feature_names == ["a", "smoker"]
    np.testing.assert_array_equal(loaded.X[:, 1], [0, 1, 1, 0])
    assert loaded.report["features"][1]["encoding"].startswith("0/1: 'yes' = 1, 'no' = 0")
    assert any("'smoker'" in n for n in loaded.report["notices"])


def test_few_valued_text_column_is_one_hot_encoded():
    loaded = _load("a,color,label\n1,red,yes\n2,green,no\n3,blue,yes\n4,red,no\n5,green,yes\n6,blue,no\n")
    assert loaded.feature_names == ["a", "color=blue", "color=green", "color=red"]
    np.testing.assert_array_equal(loaded.X[:, 1:], [[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]])
    assert any("'color'" in n and "one-hot" in n for n in loaded.report["notices"])


# Target and positive class.

def test_target_chosen_by_name_case_insensitive():
    loaded = _load("a,Group,b\n1,x,p\n3,y,q\n5,x,p\n7,y,q\n", target="GROUP")
    assert loaded.report["target"] == "Group"
    assert "Group" not in loaded.feature_names and "b" in loaded.feature_names
    np.testing.assert_array_equal(loaded.y, [0, 1, 0, 1])


def test_target_found_by_label_like_name():
    loaded = _load("Outcome,a,b\n1,2,3\n0,4,5\n1,6,7\n0,8,9\n")
    assert loaded.report["target"] == "Outcome"
    assert loaded.feature_names == ["a", "b"]
    np.testing.assert_array_equal(loaded.y, [1, 0, 1, 0])


def test_target_defaults_to_the_last_column():
    loaded = _load("a,b,kind\n1,2,p\n3,4,q\n5,6,p\n7,8,q\n")
    assert loaded.report["target"] == "kind"
    assert "last column" in _notices(loaded)


@pytest.mark.parametrize(("first", "second", "positive"), [
    ("no", "yes", "yes"), ("yes", "zebra", "yes"), ("false", "true", "true"), ("TRUE", "unsure", "TRUE"),
    ("0", "1", "1"), ("1", "2", "1"), ("cat", "dog", "dog"), ("2", "10", "10"),
])
def test_default_positive_class(first, second, positive):
    loaded = _load(f"a,b,outcome\n1,2,{first}\n3,4,{second}\n5,6,{first}\n7,8,{second}\n")
    assert loaded.report["positive"] == positive
    np.testing.assert_array_equal(loaded.y, [first == positive, second == positive] * 2)
    assert f"Positive class: {positive!r}" in _notices(loaded)


def test_explicit_positive_class():
    loaded = _load("a,b,c\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n", positive="CAT")
    assert loaded.report["positive"] == "cat"
    assert loaded.report["negative"] == "dog"
    np.testing.assert_array_equal(loaded.y, [1, 0, 1, 0])


def test_unknown_positive_class_is_refused_listing_classes():
    message = _refusal("a,b,c\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n", positive="cow")
    assert "'cow'" in message and "cat" in message and "dog" in message


def test_unknown_target_is_refused_listing_columns():
    message = _refusal(SMALL, target="zzz")
    assert "'zzz'" in message
    for name in ("'a'", "'b'", "'label'"):
        assert name in message


# Feature selection.

def test_features_select_columns():
    loaded = _load("a,b,d,c\n1,2,9,cat\n3,4,8,dog\n5,6,6,cat\n7,8,1,dog\n", features=["D", "a"])
    assert loaded.feature_names == ["d", "a"]
    np.testing.assert_array_equal(loaded.X, [[9, 1], [8, 3], [6, 5], [1, 7]])


def test_unknown_feature_is_refused_listing_columns():
    message = _refusal("a,b,d,c\n1,2,9,cat\n3,4,8,dog\n5,6,6,cat\n7,8,1,dog\n", features=["a", "q"])
    assert "'q'" in message and "'d'" in message


def test_target_as_feature_is_refused():
    message = _refusal("a,b,d,c\n1,2,9,cat\n3,4,8,dog\n5,6,6,cat\n7,8,1,dog\n", features=["a", "c"])
    assert "'c'" in message and "target" in message


# Malformed rows and hostile text.

def test_rows_with_extra_fields_are_skipped_with_a_notice():
    loaded = _load("a,b,c\n1,2,cat\n3,4,dog,extra\n5,6,cat\n7,8,dog\n9,10,cat\n")
    np.testing.assert_array_equal(loaded.X, [[1, 2], [5, 6], [7, 8], [9, 10]])
    notice = next(n for n in loaded.report["notices"] if "more fields" in n)
    assert "1 line(s) have more fields than the header's 3 (line 3: 4 fields)" in notice and "skipped" in notice


def test_rows_with_extra_fields_are_kept_aside_with_their_file_lines_past_quoted_line_breaks():
    text = 'note,a,b,label\n"two\nlines",1,2,yes\nok,3,4,no,extra\n\n"x",5,6,no\nz,7,8,yes,1,2\nw,9,9,no\n'
    lines = text.split("\n")
    table = read_table(text.encode())
    assert lines[3] == "ok,3,4,no,extra" and lines[6] == "z,7,8,yes,1,2"  # 0-based: lines 4 and 7 of the file
    np.testing.assert_array_equal(table.long_rows.lines, [4, 7])
    np.testing.assert_array_equal(table.long_rows.fields, [5, 6])
    np.testing.assert_array_equal(table.long_rows.rows, [1, 3])  # among the five data rows
    assert table.long_rows.cells == (("ok", "3", "4", "no,extra"), ("z", "7", "8", "yes,1,2"))
    assert table.long_rows.reasons() == {1: "line 4 has 5 fields, the header has 4: a separator too many?",
                                         3: "line 7 has 6 fields, the header has 4: a separator too many?"}
    assert list(table.frame["note"]) == ["two\nlines", "x", "w"] and table.n_rows == 5
    np.testing.assert_array_equal(table.positions, [0, 2, 4])
    notice = next(n for n in load_csv(table).report["notices"] if "more fields" in n)
    assert notice.startswith("2 line(s) have more fields than the header's 4 (line 4: 5 fields, line 7: 6)")
    assert notice.endswith("so they were skipped.")


# Lines 3 and 7 have too few fields: line 3 lacks a value somewhere, so its 'no' lands in column c. Line 5 is blank.
SHORT = "a,b,c,label\n1,2,3,yes\n4,5,no\n6,7,8,no\n\n9,10,11,yes\n12,yes\n13,14,15,no\n16,17,18,yes\n"


@pytest.mark.parametrize("impute", [False, True])
def test_rows_with_fewer_fields_are_named_by_line_and_left_out(impute):
    loaded = _load(SHORT, impute=impute)
    notice = next(n for n in loaded.report["notices"] if "fewer fields" in n)
    assert notice.startswith("2 line(s) have fewer fields than the header's 4 (line 3: 3 fields, line 7: 2):")
    assert "left out" in notice
    # Left out before the columns are read: the 'no' shifted into c does not make c look like text.
    assert loaded.feature_names == ["a", "b", "c"]
    np.testing.assert_array_equal(loaded.X, [[1, 2, 3], [6, 7, 8], [9, 10, 11], [13, 14, 15], [16, 17, 18]])
    np.testing.assert_array_equal(loaded.y, [1, 0, 1, 0, 1])
    np.testing.assert_array_equal(loaded.rows, [0, 2, 3, 5, 6])  # positions among the file's 7 data rows
    assert loaded.report["rows_read"] == 7 and loaded.report["rows_used"] == 5
    # Not reported as missing cells of the columns the short lines left empty.
    assert loaded.report["dropped"] == {"rows": 2, "by_column": {}}
    assert not any("without a target value" in n or "were dropped" in n for n in loaded.report["notices"])


def test_short_rows_are_counted_by_physical_line_past_quoted_newlines_and_skipped_headers():
    text = 'note,a,b,label\n"two\nlines",1,2,yes\nok,3,no\n"x",5,6,no\nz,7,8,yes\n"y",9,10,no\n'
    table = read_table(text.encode())
    assert table.short_rows.lines == ((4, 3),)
    np.testing.assert_array_equal(table.short_rows.rows, [1])
    assert list(table.frame.iloc[1]) == ["ok", "3", "no", ""]  # still in the table: scoring keeps every row
    counted = read_table(b"4,2,no,yes\na,b,label\n1,2,yes\n3,no\n5,6,no\n7,8,yes\n")  # a count header first
    assert counted.short_rows.lines == ((4, 2),)


def test_a_header_ending_in_a_separator_makes_no_row_short():
    loaded = _load("a,b,label,\n1,2,yes\n3,4,no\n5,6,yes\n7,8,no\n")
    assert read_table(b"a,b,label,\n1,2,yes\n3,4,no\n5,6,yes\n7,8,no\n").short_rows is None
    assert loaded.report["rows_used"] == 4 and loaded.feature_names == ["a", "b"]
    assert "fewer fields" not in _notices(loaded)


def test_a_row_ending_in_an_empty_cell_is_a_missing_value_not_a_short_row():
    loaded = _load("a,b,label\n1,2,yes\n3,4,\n5,6,no\n7,8,yes\n9,10,no\n")
    assert "fewer fields" not in _notices(loaded)
    assert loaded.report["dropped"] == {"rows": 1, "by_column": {"label": 1}}


# Messages that ask to change a setting name it in plain words, as the app's controls do, and know which setting
# each mention is about, so that the command line can say its option instead.

WIDE = ",".join(f"c{j}" for j in range(1005)) + ",label\n" + "".join(
    ",".join(str((i * 7 + j) % 5) for j in range(1005)) + f",{'yes' if i % 2 else 'no'}\n" for i in range(6))
ASKING = {  # a file and load_csv's arguments: the settings its refusal asks to change
    "three classes": ("x,y,kind\n1,2,setosa\n3,4,versicolor\n5,6,virginica\n7,8,setosa\n", {"max_classes": 2},
                      {"positive", "target"}),
    "a class of one row": ("x,y,kind\n1,2,setosa\n3,4,versicolor\n5,6,virginica\n7,8,setosa\n", {},
                           {"positive", "target"}),
    "one class": ("a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n", {}, {"target"}),
    "no usable feature": ("id,comment,label\n1,hello there,yes\n2,good day,no\n3,bye now,yes\n4,what now,no\n", {},
                          {"features"}),
    "too many inputs": (WIDE, {}, {"features"}),
    "no row left": ("a,b,label\n1,,yes\n,2,no\n3,,yes\n,4,no\n", {}, {"impute", "features"}),
    "one class left": ("a,b,label\n1,5,yes\n,6,no\n2,7,yes\n,8,no\n", {}, {"impute", "features"}),
}


@pytest.mark.parametrize("case", ASKING)
def test_a_refusal_names_the_settings_it_asks_about_without_options(case):
    text, kwargs, settings = ASKING[case]
    error = _error(text, **kwargs)
    assert "--" not in str(error)
    worded_text = error.worded(_as_options)
    assert {s for s in SETTINGS if f"[option {s}]" in worded_text} == settings, worded_text


def test_notices_name_the_settings_they_ask_about_without_options():
    loaded = _load("a,b,label\n1,2,yes\n3,,no\n5,6,yes\n7,8,no\n9,10,yes\n")
    short = _load(SHORT)
    notices = loaded.report["notices"] + short.report["notices"]
    assert not any("--" in n for n in notices), notices
    asked = {s for n in notices for s in SETTINGS if f"[option {s}]" in worded(n, _as_options)}
    assert asked == {"target", "positive", "impute"}
    assert "choose it as the target column" in _notices(loaded) and "as the positive class" in _notices(loaded)


def test_a_message_is_its_plain_text_and_keeps_its_mentions_through_copies():
    import copy
    import pickle

    message = Message("Choose another ", ("target", "target column"), ".")
    assert message == "Choose another target column." and isinstance(message, str)
    for twin in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):  # noqa: S301 - our own object
        assert twin.worded(_as_options) == "Choose another target column [option target]."
    assert worded("plain text", _as_options) == "plain text"
    with pytest.raises(ValueError):
        Message(("colour", "colour"))


def test_markup_in_headers_and_cells_comes_back_verbatim():
    header, cell_a, cell_b = "<script>alert(1)</script>", "<i>a</i>", "<img src=x onerror=alert(1)>"
    text = f"{header},<b>x</b>,label\n1,{cell_a},yes\n2,{cell_b},no\n3,{cell_a},yes\n4,{cell_b},no\n"
    loaded = _load(text)
    assert loaded.feature_names == [header, "<b>x</b>"]
    assert loaded.report["features"][0]["name"] == header
    notices = _notices(loaded)
    assert "<b>x</b>" in notices and cell_a in notices and cell_b in notices
    assert "&lt;" not in notices and "&lt;" not in "".join(loaded.feature_names)


# Size.

def test_million_row_file_loads(tmp_path):
    rng = np.random.default_rng(0)
    n = 1_000_000
    frame = pd.DataFrame({
        "x1": rng.normal(size=n).round(4), "x2": rng.uniform(size=n).round(4),
        "grp": rng.choice(["a", "b", "c"], n), "label": rng.choice(["yes", "no"], n),
    })
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    loaded = load_csv(path)
    assert loaded.X.shape == (n, 5)
    assert loaded.feature_names == ["x1", "x2", "grp=a", "grp=b", "grp=c"]
    np.testing.assert_array_equal(loaded.X[:, 0], frame["x1"].to_numpy())
    np.testing.assert_array_equal(loaded.X[:, 3], (frame["grp"] == "b").to_numpy())
    np.testing.assert_array_equal(loaded.y, (frame["label"] == "yes").to_numpy())


# The preprocessing goes with the model and applies to new files.

def test_preprocessing_round_trip_scores_a_new_file_the_same_way():
    rng = np.random.default_rng(1)
    n = 120
    smoker = rng.choice(["yes", "no"], n)
    x1, x2 = rng.normal(size=n).round(3), rng.normal(loc=5, size=n).round(3)
    label = np.where(x1 + (smoker == "yes") + rng.normal(scale=0.5, size=n) > 0.5, "sick", "healthy")
    cells = pd.DataFrame({"x1": x1.astype(str), "smoker": smoker, "color": rng.choice(["red", "green", "blue"], n),
                          "x2": x2.astype(str), "label": label})
    loaded = load_csv(cells.to_csv(index=False).encode())
    assert loaded.feature_names == ["x1", "smoker", "color=blue", "color=green", "color=red", "x2"]

    order = rng.permutation(n)
    train, test = order[:90], order[90:]
    pre = loaded.preprocessing.fitted(loaded.X[train])
    np.testing.assert_allclose(pre.mean, loaded.X[train].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(pre.scale, loaded.X[train].std(axis=0), rtol=1e-12)
    assert not np.allclose(pre.mean, loaded.X.mean(axis=0), rtol=1e-6)  # the full data's mean is not used

    model = MLPBinaryClassifier(random_state=0).fit(pre.standardize(loaded.X[train]), loaded.y[train])
    restored = load_model(dump_model(model, pre))
    assert restored.preprocessing.feature_names == pre.feature_names

    new = cells.iloc[test].copy()
    new.iloc[-2, new.columns.get_loc("smoker")] = "maybe"  # a value the binary column never had
    new.iloc[-1, new.columns.get_loc("x2")] = ""
    new = new[["label", "x2", "color", "smoker", "x1"]]
    frame = read_table(new.to_csv(index=False).encode()).frame
    X_new, reasons = restored.preprocessing.encode(frame)
    assert X_new.shape == (30, 6)
    assert sorted(reasons) == [28, 29]
    assert "'smoker'" in reasons[28] and "'maybe'" in reasons[28]
    assert "'x2'" in reasons[29]
    assert np.isnan(X_new[[28, 29]]).all()

    X_original, original_reasons = pre.encode(frame)
    assert original_reasons == reasons
    np.testing.assert_array_equal(X_new, X_original)
    scorable = test[:28]
    p_restored = restored.estimator.predict_proba(restored.preprocessing.standardize(X_new[:28]))[:, 1]
    p_original = model.predict_proba(pre.standardize(loaded.X[scorable]))[:, 1]
    np.testing.assert_array_equal(p_restored, p_original)


# Fuzzing: a usable LoadedCSV or a CSVError, nothing else.

def _check_contract(data: bytes, **kwargs) -> None:
    try:
        loaded = load_csv(data, **kwargs)
    except CSVError as exc:
        assert str(exc).strip()
        return
    assert isinstance(loaded, LoadedCSV)
    n = loaded.report["rows_used"]
    assert np.isfinite(loaded.X).all()
    assert len(loaded.X) == len(loaded.y) == len(loaded.rows) == n
    assert set(np.unique(loaded.y).tolist()) == {0, 1}


CELLS = st.one_of(
    st.integers(-50, 50).map(str),
    st.floats(-1e3, 1e3).map(lambda v: f"{v:.3g}"),
    st.text(max_size=6),
    st.sampled_from(["", "NA", "?", "inf", "-inf", "nan", "1,5", "1e309", "yes", "no", "0", "1", '"', "a,b", "x\ny",
                     "\r", " ", "\u00a0", "\x1e", "\u2028", "\x85", "²", "<b>", "größe", "名前"]),
)


@st.composite
def csv_like(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(CELLS, min_size=max(1, width - 1), max_size=width + 1), max_size=25))
    if rows and draw(st.booleans()):  # a label-like last column, so more inputs get past the target checks
        labels = draw(st.lists(st.sampled_from(["yes", "no", "0", "1", "a", "b", "c", ""]),
                               min_size=len(rows), max_size=len(rows)))
        rows = [row[:-1] + [label] for row, label in zip(rows, labels, strict=True)]
    quote_all = draw(st.booleans())

    def field(cell: str) -> str:
        if quote_all or any(ch in cell for ch in f'"\r\n{delimiter}'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    lines = [delimiter.join(map(field, row)) for row in rows]
    if draw(st.booleans()):
        lines.insert(0, f"{len(rows)},{width - 1},neg,pos")
    text = newline.join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), errors="replace")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
@example(b"\xef\xbb\xbf\n")
@example(b"\x1d")
@example("\u2028".encode())
@example("5,²,neg,pos\n1,2,3,yes\n4,5,6,no\n".encode())
def test_fuzz_arbitrary_bytes_give_a_table_or_a_csv_error(data):
    _check_contract(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(csv_like(), st.booleans(), st.sampled_from([None, "yes", "1", "a"]))
def test_fuzz_csv_like_text_gives_a_table_or_a_csv_error(data, impute, positive):
    _check_contract(data, impute=impute, positive=positive)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(csv_like())
def test_fuzz_long_rows_are_the_records_python_csv_reads_with_too_many_fields(data):
    try:
        table = read_table(data)
    except CSVError:
        return
    long = table.long_rows
    if long is None:
        return
    width = table.frame.shape[1]
    assert long.expected == width and len(long.rows) == len(long.lines) == len(long.fields) == len(long.cells)
    assert list(long.rows) == sorted(set(long.rows.tolist())) and long.rows[-1] < table.n_rows
    assert list(long.lines) == sorted(set(long.lines.tolist())) and (long.fields > width).all()
    assert all(len(cells) == width for cells in long.cells)
    np.testing.assert_array_equal(np.sort(np.r_[table.positions, long.rows]), np.arange(table.n_rows))
    # Each is the record Python's csv module reads from its line on, with that many fields.
    text = data.decode(table.encoding.replace(" with BOM", "").replace("UTF-8", "utf-8-sig"))
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]  # where each line of the file starts
    for line, fields, cells in zip(long.lines, long.fields, long.cells, strict=True):
        record = next(csv.reader(io.StringIO(text[starts[line - 1]:], newline=""), delimiter=table.delimiter))
        assert len(record) == fields
        assert [*record[:width - 1], table.delimiter.join(record[width - 1:])] == list(cells)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(csv_like())
def test_fuzz_short_rows_are_rows_of_the_table_with_empty_last_cells(data):
    try:
        table = read_table(data)
    except CSVError:
        return
    short = table.short_rows
    if short is None:
        return
    assert 0 < len(short.rows) < len(table.frame) and short.expected <= table.frame.shape[1]
    assert list(short.rows) == sorted(set(short.rows.tolist())) and short.rows[-1] < len(table.frame)
    for row, (line, fields) in zip(short.rows, short.lines, strict=False):
        assert line >= 2 and 1 <= fields < short.expected
        assert (table.frame.iloc[row, fields:] == "").all()  # pandas filled what the line lacks with empty cells


# Fuzzing the success branch: well-formed tables written every way a CSV may be written (delimiter, line ends,
# quoting, encoding, missing cells, a label column anywhere), which must load, with what was written.

NAME = st.text(st.characters(categories=["L"]), min_size=1, max_size=8)
NUMBER = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def written_table(draw) -> tuple[bytes, dict]:
    width = draw(st.integers(1, 5))
    names = draw(st.lists(NAME, min_size=width + 1, max_size=width + 1, unique_by=str.casefold)
                 .filter(lambda ns: not any(n.casefold() in ("label", "target", "class", "y", "outcome")
                                            or ID_NAME.match(n) for n in ns)))  # no name the reader takes for an id
    n = draw(st.integers(6, 30))
    # Never 0/1-like (unique), never a run of consecutive whole numbers (read as a row identifier).
    columns = [draw(st.lists(NUMBER, min_size=n, max_size=n, unique=True)
                    .filter(lambda c: not np.all(np.diff(c) == 1))) for _ in range(width)]
    negative, positive = draw(st.sampled_from([("no", "yes"), ("0", "1"), ("ham", "spam"), ("False", "True")]))
    labels = draw(st.lists(st.sampled_from([negative, positive]), min_size=n, max_size=n)
                  .filter(lambda ls: min(ls.count(negative), ls.count(positive)) >= 3))  # both left after drops
    missing = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, width - 1)), max_size=2))
    at = draw(st.integers(0, width))  # where the label column stands
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote_all = draw(st.booleans())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))

    def field(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if quote_all else cell

    header = [*names[:width]]
    header.insert(at, names[width])
    lines = [delimiter.join(map(field, header))]
    for i in range(n):
        cells = ["" if (i, j) in missing else repr(columns[j][i]) for j in range(width)]
        cells.insert(at, labels[i])
        lines.append(delimiter.join(map(field, cells)))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    written = dict(names=names[:width], target=names[width], columns=columns, labels=labels, missing=missing,
                   positive=positive)
    return text.encode(encoding), written


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(written_table(), st.booleans())
def test_fuzz_a_well_formed_table_loads_with_what_was_written(table, impute):
    data, written = table
    loaded = load_csv(data, target=written["target"], impute=impute)
    assert loaded.feature_names == written["names"]  # every column, by its name, in the file's order
    assert loaded.preprocessing.positive == written["positive"]
    n = len(written["labels"])
    gaps = {i for i, _ in written["missing"]}
    kept = list(range(n)) if impute else [i for i in range(n) if i not in gaps]
    assert loaded.rows.tolist() == kept and loaded.report["rows_used"] == len(kept)
    np.testing.assert_array_equal(loaded.y, [written["labels"][i] == written["positive"] for i in kept])
    X = np.array(written["columns"]).T[kept]  # the numbers as written, read back to the last bit
    if impute:
        for i, j in written["missing"]:
            X[i, j] = np.mean([v for r, v in enumerate(written["columns"][j]) if (r, j) not in written["missing"]])
    np.testing.assert_allclose(loaded.X, X, rtol=1e-15 if impute else 0)
