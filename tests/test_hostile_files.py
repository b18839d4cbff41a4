"""The hostile corpus (tests/hostile/, listed in its README) through the command line, the main page and the
Classify page. A file that cannot be used gets one clear message — on the command line exit status 2 and one
``error:`` line, in the app an ``st.error`` — and nothing is lost: the main page keeps its data and its run, and
both pages go on working. A file that is usable after all gives the right result. Names and values from files
reach the page escaped, never as markdown or HTML, and a pickle is refused without being unpickled."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mlp_core.__main__ import main
from mlp_core.persistence import load_model
from mlp_core.scoring import score_table
from tests.apptest import click, open_app, open_page, session_of, shown, trained_session
from tests.hostile.make_corpus import write_large
from ui.classify import scored_file
from ui.common.text import literal
from ui.session.state import Session
from ui.settings import sidebar

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
CLASSIFY = str(ROOT / "app_pages" / "3_Classify.py")
GOOD_CSV = HOSTILE / "csv" / "good.csv"
GOOD_MODEL = HOSTILE / "models" / "good_model.json"
X123 = ("x1", "x2", "x3")


@dataclass(frozen=True)
class CSVCase:
    """What a hostile CSV should give. ``refused``: words of the message when it cannot be trained on (empty:
    usable, with ``features`` as the network's inputs from ``rows`` rows). ``predict``: words of the message when
    good_model.json cannot score it (None: it scores the file, ``scored_rows`` rows, ``unscorable`` of them with a
    reason)."""

    refused: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    rows: int = 0
    predict: tuple[str, ...] | None = None
    scored_rows: int = 0
    unscorable: int = 0


def _unreadable(*words: str) -> CSVCase:
    return CSVCase(refused=words, predict=words)


NOT_CSV = "Export the data as CSV"
MARKUP_NAMES = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**bold**")
CSV_CASES = {
    "empty.csv": _unreadable("The file is empty"),
    "whitespace_only.csv": _unreadable("The file is empty"),
    "header_only.csv": _unreadable("header but no data rows"),
    "binary_garbage.csv": _unreadable("binary", "NUL bytes", NOT_CSV),
    "image_png.csv": _unreadable("PNG image", NOT_CSV),
    "image_jpeg.csv": _unreadable("JPEG image", NOT_CSV),
    "archive_zip.csv": _unreadable("ZIP archive", NOT_CSV),
    "document_pdf.csv": _unreadable("PDF document", NOT_CSV),
    "page_html.csv": _unreadable("HTML/XML or JSON", NOT_CSV),
    "document_json.csv": _unreadable("HTML/XML or JSON", NOT_CSV),
    "document_xml.csv": _unreadable("HTML/XML or JSON", NOT_CSV),
    "nul_bytes.csv": _unreadable("binary", "NUL bytes"),
    "one_column.csv": _unreadable("only one column", "separated by commas"),
    "unbalanced_quotes.csv": _unreadable("quotation mark", "line 6", "never closed"),
    "single_class.csv": CSVCase(refused=("only one class", "'yes'", "another target column"), predict=None,
                                scored_rows=30),
    "three_classes.csv": CSVCase(features=X123, rows=60, predict=None, scored_rows=60),
    "wide_5000_columns.csv": CSVCase(refused=("more than 1000 network inputs", "5000 feature columns",
                                              "fewer feature columns"), predict=("no column 'x1'",)),
    "utf16_bom.csv": CSVCase(features=X123, rows=60, predict=None, scored_rows=60),
    "huge_values.csv": CSVCase(features=X123, rows=55, predict=None, scored_rows=60, unscorable=3),
    "formula_cells.csv": CSVCase(features=(*X123, "note=+1+1", "note=-2+3", "note==1+2", "note==cmd|' /C calc'!A0",
                                           "note=@SUM(1)", '=HYPERLINK("http://example.invalid","x")'),
                                 rows=60, predict=None, scored_rows=60),
    "markup_headers.csv": CSVCase(features=(*MARKUP_NAMES, *(f"![x](http://example.invalid/x.png)={v}" for v in
                                                              ("$\\LaTeX$", ":material/home:", "<b>b</b>"))),
                                  rows=60, predict=("no column 'x1'", "'<script>alert(1)</script>'")),
    "long_header.csv": CSVCase(features=("x3",), rows=60, predict=("no column 'x1'",)),
    "ragged_rows.csv": CSVCase(features=("x1", "x2", "x3"), rows=51, predict=None, scored_rows=60, unscorable=9),
    "duplicate_headers.csv": CSVCase(features=("x", "x_2", "x_3"), rows=60, predict=("no column 'x1'",)),
    "control_chars.csv": CSVCase(features=("x1", "\x1b[2J\x1b[31mx2\x1b[0m", "\u202ex3"), rows=60,
                                 predict=("no column 'x2'", r"'\x1b[2J\x1b[31mx2\x1b[0m'")),
    "long_line_1mb.csv": CSVCase(features=X123, rows=60, predict=None, scored_rows=60),
}
MODEL_CASES = {  # words of the refusal
    "empty.json": ("not a model file", "not valid JSON"),
    "binary_garbage.json": ("not a model file", "not valid JSON"),
    "truncated.json": ("not a model file", "not valid JSON"),
    "json_array.json": ("expected a JSON object",),
    "json_number.json": ("expected a JSON object",),
    "json_null.json": ("expected a JSON object",),
    "deeply_nested.json": ("not a model file", "nested too deeply"),
    "other_json_object.json": ("format", "not an MLP Playground model"),
    "pickle_renamed.json": ("not a model file", "pickle", "never loaded"),
    "nan_literal.json": ("NaN is not a number",),
    "infinity_literal.json": ("-Infinity is not a number",),
    "wrong_shape_rows.json": ("coefs[0]", "shape (3, 3)"),
    "wrong_shape_flat.json": ("coefs[2]", "shape (2, 1)"),
    "wrong_shape_transposed.json": ("coefs[1]", "shape (3, 2)"),
    "strings_for_numbers.json": ("coefs[0]", "shape (3, 3)"),
    "nested_objects.json": ("coefs[0]", "shape (3, 3)"),
    "huge_weight_values.json": ("coefs[0]", "finite numbers within"),
    "huge_layer_million_units.json": ("architecture.hidden_layer_sizes", "1..1024"),
    "huge_feature_count.json": ("architecture.n_features_in", "1..10000"),
    "huge_array_20mb.json": ("coefs[0]", "shape (3, 3)"),
    "no_preprocessing.json": ("no preprocessing",),
}
# Text from markup_headers.csv (and the names the app tests upload under) that markdown or HTML would turn into
# something else: none may reach a markdown-rendered element as it is.
RAW_MARKUP = (*MARKUP_NAMES, "![x](http://example.invalid/x.png)", "[link](javascript:alert(1))", "$\\LaTeX$",
              ":material/home:", "<b>b</b>", "<i>yes</i>", ":smile:")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every corpus file by name: the committed ones and the large ones, written into a temporary folder."""
    files = {p.name: p for p in sorted((HOSTILE / "csv").glob("*.csv"))}
    files.update({f"model:{p.name}": p for p in sorted((HOSTILE / "models").glob("*.json"))})
    for name, path in write_large(tmp_path_factory.mktemp("hostile")).items():
        files[f"model:{name}" if name.endswith(".json") else name] = path
    return files


def test_the_corpus_and_the_expectations_list_the_same_files(corpus):
    assert set(corpus) - {"good.csv", "over_limit_2mb.csv"} == set(CSV_CASES) | {f"model:{m}" for m in MODEL_CASES} \
        | {"model:good_model.json", "model:markup_names_model.json"}
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    for name in corpus:
        assert f"`{name.removeprefix('model:')}`" in readme, f"{name} is not described in tests/hostile/README.md"


# --- the command line ----------------------------------------------------------------------------------------


def _cli(capsys, *args) -> tuple[int, str, str]:
    """``python -m mlp_core ARGS`` in this process (a subprocess costs a second of imports): status, out, err.
    An exception other than SystemExit escapes and fails the test: that would have been a traceback."""
    try:
        status = main([str(a) for a in args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def _refused(status: int, out: str, err: str, words) -> str:
    assert status == 2, (status, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert not re.search(CONTROL, lines[0]), lines[0]  # a name from a file cannot move the cursor or turn the text
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


CONTROL = r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]"  # terminal escapes and bidirectional overrides


def _predictions(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", CSV_CASES)
def test_cli_inspect_and_train_refuse_with_one_line_or_give_the_right_result(name, corpus, capsys, tmp_path):
    case, path = CSV_CASES[name], corpus[name]
    model = tmp_path / "model.json"
    if case.refused:
        line = _refused(*_cli(capsys, "inspect", path), case.refused)
        assert line.startswith(f"error: {path}: ")  # the file at fault is named
        _refused(*_cli(capsys, "train", path, "--out", model, "--epochs", 20), case.refused)
        assert not model.exists()
        return
    status, out, err = _cli(capsys, "inspect", path)
    assert status == 0 and err == "", err
    report = json.loads(out)
    assert tuple(f["name"] for f in report["features"]) == case.features
    assert report["rows_used"] == case.rows
    status, out, err = _cli(capsys, "train", path, "--out", model, "--epochs", 20)
    assert status == 0 and err == "", err
    assert json.loads(out)["epochs"] == 20
    # The model written can be read back, and scores the file it was trained on.
    assert load_model(model.read_bytes()).preprocessing.feature_names == list(case.features)
    status, out, err = _cli(capsys, "predict", model, path)
    assert status == 0, err
    assert "error" not in err


@pytest.mark.parametrize("name", CSV_CASES)
def test_cli_predict_with_a_good_model_scores_or_refuses_each_file(name, corpus, capsys):
    case, path = CSV_CASES[name], corpus[name]
    if case.predict is not None:
        _refused(*_cli(capsys, "predict", GOOD_MODEL, path), case.predict)
        return
    status, out, err = _cli(capsys, "predict", GOOD_MODEL, path)
    assert status == 0, err
    assert all(line.startswith(("notice: ", "metrics: ")) for line in err.splitlines()), err
    frame = _predictions(out)
    assert len(frame) == case.scored_rows  # every row comes back, scored or with its reason
    assert (frame["reason"] != "").sum() == case.unscorable
    assert all((frame["probability"] == "") == (frame["reason"] != ""))


def test_cli_predict_neutralizes_every_formula_looking_cell(corpus, capsys):
    status, out, _ = _cli(capsys, "predict", GOOD_MODEL, corpus["formula_cells.csv"])
    assert status == 0
    frame = _predictions(out)
    assert frame.columns[4] == "'=HYPERLINK(\"http://example.invalid\",\"x\")"
    notes = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1+2", "\r=1+2"]
    assert list(frame["note"][:6]) == ["'" + n for n in notes]  # a carriage return stays inside its cell
    assert set(frame.iloc[:, 4]) == {"'=1+1", "'@A1"}
    numbers = frame[["x1", "x2", "x3"]].astype(float)  # plain numbers such as -0.132 are left alone
    assert numbers.notna().all().all()


def test_the_classify_pages_download_neutralizes_formula_cells_as_the_command_line_does(corpus, capsys):
    status, out, _ = _cli(capsys, "predict", GOOD_MODEL, corpus["formula_cells.csv"])
    assert status == 0
    scored = score_table(load_model(GOOD_MODEL.read_bytes()), corpus["formula_cells.csv"].read_bytes())
    page_download = scored_file.scored_csv(scored).decode("utf-8")  # the bytes of "Download the predictions"
    assert page_download.removesuffix("\r\n") == out.removesuffix("\n").removesuffix("\r")
    assert "'=cmd|' /C calc'!A0" in page_download


@pytest.mark.parametrize("name", MODEL_CASES)
def test_cli_predict_refuses_each_bad_model_naming_the_file_and_the_field(name, corpus, capsys):
    path = corpus[f"model:{name}"]
    line = _refused(*_cli(capsys, "predict", path, GOOD_CSV), MODEL_CASES[name])
    # The model file is named, except in "the model file holds no preprocessing", which only it can mean.
    assert line.startswith(f"error: {path}: ") or name == "no_preprocessing.json"


def test_cli_predict_with_a_model_with_markup_names_keeps_them_verbatim(corpus, capsys):
    status, out, err = _cli(capsys, "predict", corpus["model:markup_names_model.json"], corpus["markup_headers.csv"])
    assert status == 0, err
    frame = _predictions(out)
    assert list(frame.columns[:3]) == list(MARKUP_NAMES) and len(frame) == 60
    assert json.loads(err.removeprefix("metrics: "))["confusion_matrix"]["labels"] == [":smile: no", "<i>yes</i>"]


def tripwire(message: str) -> None:
    """What pickle_renamed.json calls when it is unpickled: leaves a mark where MLP_PICKLE_CANARY says, and fails."""
    mark = os.environ.get("MLP_PICKLE_CANARY")
    if mark:
        Path(mark).write_text(message)
    raise AssertionError(message)


def test_the_pickle_canary_fires_when_the_file_is_unpickled(corpus, tmp_path, monkeypatch):
    # The check below that the app never unpickles the file is worth something only if unpickling leaves a mark.
    mark = tmp_path / "unpickled"
    monkeypatch.setenv("MLP_PICKLE_CANARY", str(mark))
    with pytest.raises(AssertionError, match="was unpickled"):
        pickle.loads(corpus["model:pickle_renamed.json"].read_bytes())  # noqa: S301 - the test's own canary
    assert mark.exists()


# A few cases as real processes: exit status, stderr and no traceback exactly as a user sees them.
SUBPROCESS_CASES = [
    (["inspect", "csv:binary_garbage.csv"], 2, "binary"),
    (["inspect", "csv:long_line_1mb.csv"], 0, None),
    (["predict", "model:pickle_renamed.json", "csv:good.csv"], 2, "pickle"),
]


@pytest.mark.parametrize(("args", "status", "word"), SUBPROCESS_CASES,
                         ids=["inspect-binary", "inspect-1mb-line", "predict-pickle"])
def test_cli_as_a_real_process(args, status, word, corpus, tmp_path):
    argv = [str(corpus[a.removeprefix("csv:")]) if ":" in a else a for a in args]
    mark = tmp_path / "unpickled"
    env = {**os.environ, "MLP_PICKLE_CANARY": str(mark)}
    result = subprocess.run([sys.executable, "-m", "mlp_core", *argv], cwd=ROOT, capture_output=True, text=True,
                            encoding="utf-8", timeout=120, env=env)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    if word is not None:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1 and word in result.stderr
    assert not mark.exists()  # the pickle was never unpickled


# --- the app (AppTest) ---------------------------------------------------------------------------------------


def _rendered_markdown(at) -> list[str]:
    """Every text of the page that Streamlit reads as markdown: bodies of markdown, captions, alerts and headings,
    labels and help of widgets and expanders, radio options."""
    out = []

    def walk(node):
        kind = getattr(node, "type", None)
        if kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader"):
            out.append(node.value)
        for attribute in ("label", "help"):
            text = getattr(node, attribute, None)
            if isinstance(text, str):
                out.append(text)
        if kind == "radio":
            out.extend(map(str, node.options))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return out


def _assert_no_markup_from_files(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in _rendered_markdown(at):
        for raw in RAW_MARKUP:
            assert raw not in text, f"{raw!r} reaches markdown unescaped in {text[:300]!r}"
    for chart in at.get("plotly_chart"):  # plotly reads <b>, <i>, <a href> in its texts
        for raw in ("<script", "<img", "<b>b</b>", "<i>yes</i>"):
            assert raw not in chart.proto.spec


def _errors(at) -> list[str]:
    return [shown(e.value) for e in at.error]


def _upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=key).set_value((name, data, "text/csv"))
    at = at.run()
    if key == "w_upload":
        at = _choose_target_if_asked(at)
    return at


def _choose_target_if_asked(at: AppTest) -> AppTest:
    """When the main page suggests no target (no two-valued column named like a label), it asks, and Train waits;
    the tests then choose the last column, as an analyst reading the preview would for these files."""
    chooser = [s for s in at.selectbox if s.key == "w_target"]
    if not chooser or chooser[0].value != "(choose the target)":
        return at
    assert any("choose the target column" in shown(i.value) for i in at.info)
    assert session_of(at).data is None and at.button(key="b_train").disabled
    chooser[0].set_value(chooser[0].options[-1])
    return at.run()


def _main_page_trained_on_good_csv() -> AppTest:
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    return _back_to_good_csv(at.run())


def _back_to_good_csv(at: AppTest) -> AppTest:
    """The main page trained a few epochs on good.csv (where the page's earlier test may have left it)."""
    at = _upload(at, "w_upload", "good.csv", GOOD_CSV.read_bytes())
    if session_of(at).playback.epoch < 10:
        at = click(at, "b_step10")
    s = session_of(at)
    assert not at.exception and not at.error and s.data.title == "good.csv" and s.playback.epoch >= 10
    return at


@pytest.fixture(scope="module")
def main_page() -> dict:
    """One main page for the module's tests, each starting from good.csv: opening the app costs a second."""
    return {"at": _main_page_trained_on_good_csv()}


def _uploaded_name(name: str) -> str:
    """The name the app tests upload a file under: the file's, with markup around it."""
    return f"**{Path(name).stem}** <img src=x onerror=alert(1)>.csv"


@pytest.mark.parametrize("name", CSV_CASES)
def test_main_page_refuses_a_hostile_csv_keeping_data_and_run_or_trains_on_it(name, corpus, main_page):
    case = CSV_CASES[name]
    at = main_page["at"] = _back_to_good_csv(main_page["at"])
    before = session_of(at)
    run_id = before.run_id
    uploaded = _uploaded_name(name)
    at = _upload(at, "w_upload", uploaded, corpus[name].read_bytes())
    _assert_no_markup_from_files(at)
    s = session_of(at)
    refused = case.refused
    if refused:
        errors = _errors(at)
        assert any(all(word in e for word in refused) for e in errors), errors
        assert s.data is None and s.recording is None  # the old run is cleared from the page ...
        assert at.button(key="b_train").disabled and not at.get("download_button")
        at = _back_to_good_csv(at)  # ... and the page goes on working with a usable file
        assert session_of(at).run_id > run_id
    else:
        assert not at.error, _errors(at)
        assert s.data.title == uploaded and s.data.feature_names == case.features
        assert len(s.data.y_train) + len(s.data.y_test) == case.rows
        assert s.run_id == run_id + 1
        assert any(literal(uploaded) in text for text in _rendered_markdown(at))  # the name is shown, escaped
        at = click(at, "b_step")
        assert session_of(at).playback.epoch == 1
    _assert_no_markup_from_files(at)


def test_main_page_does_not_reread_a_refused_file_on_every_rerun(corpus, main_page, monkeypatch):
    # Reading wide_5000_columns.csv to refuse it takes a second or two: every Step must not pay for it again.
    at = main_page["at"] = _back_to_good_csv(main_page["at"])
    calls = []
    read = sidebar.load_user_csv
    monkeypatch.setattr(sidebar, "load_user_csv", lambda *a, **k: calls.append(1) or read(*a, **k))
    at = _upload(at, "w_upload", "single_class.csv", corpus["single_class.csv"].read_bytes())
    at = at.run().run()  # two more runs of the page (Step is gone with the old run)
    assert any("only one class" in e for e in _errors(at))  # the message stays on every rerun
    assert len(calls) == 1


def test_main_page_trains_three_classes_then_one_against_the_rest(corpus):
    at = _main_page_trained_on_good_csv()
    at = _upload(at, "w_upload", "three_classes.csv", corpus["three_classes.csv"].read_bytes())
    assert not at.exception and not at.error, _errors(at)
    assert session_of(at).data.class_names == ("setosa", "versicolor", "virginica")
    assert session_of(at).recording.architecture.units[-1] == 3
    at.selectbox(key="w_positive").set_value("virginica")
    at = at.run()
    assert not at.exception and not at.error, _errors(at)
    s = session_of(at)
    assert s.data.title == "three_classes.csv" and s.data.class_names == ("rest", "virginica")


# The app's controls are "Target column", "Positive class", "Feature columns" and "Fill missing cells instead of
# dropping rows": a message shown in the app names a setting so, never as a command-line option.
OPTION = re.compile(r"--[a-z]")
ASKS = ("target column", "positive class", "feature columns", "fill missing cells")


def _messages(at) -> list[str]:
    """What the main page says about a file: its errors and notices (plain text, escapes removed)."""
    return [shown(e.value) for e in (*at.error, *at.warning, *at.info)] + [t.value for t in at.text]


def _short_lines(path: Path) -> list[tuple[int, int]]:
    """(line number, fields) of every line of ``path`` with fewer fields than its header, by Python's csv module."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    return [(i + 1, len(row)) for i, row in enumerate(rows) if 0 < len(row) < len(rows[0])]


def _long_lines(path: Path) -> list[tuple[int, int]]:
    """(line number, fields) of every line of ``path`` with more fields than its header, by Python's csv module."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    return [(i + 1, len(row)) for i, row in enumerate(rows) if len(row) > len(rows[0])]


@pytest.mark.parametrize("name", ["three_classes.csv", "single_class.csv", "wide_5000_columns.csv", "huge_values.csv",
                                  "ragged_rows.csv"])
def test_main_page_names_settings_by_its_controls_never_by_command_line_options(name, corpus, main_page):
    at = main_page["at"] = _back_to_good_csv(main_page["at"])
    at = _upload(at, "w_upload", name, corpus[name].read_bytes())
    messages = _messages(at)
    assert any(word in m.lower() for m in messages for word in ASKS), messages  # it does ask about a setting
    shown = messages + _rendered_markdown(at)
    assert not [t for t in shown if OPTION.search(t)], [t for t in shown if OPTION.search(t)]


def test_main_page_says_which_lines_have_too_few_fields_and_that_they_were_left_out(corpus, main_page):
    at = main_page["at"] = _back_to_good_csv(main_page["at"])
    at = _upload(at, "w_upload", "ragged_rows.csv", corpus["ragged_rows.csv"].read_bytes())
    short = _short_lines(corpus["ragged_rows.csv"])
    first = f"{len(short)} line(s) have fewer fields than the header's 4 (line {short[0][0]}: {short[0][1]} fields, "
    notice = next(t for t in _messages(at) if t.startswith(first))
    assert all(f"line {line}: {k}" in notice for line, k in short[:5]) and "left out" in notice
    assert not any("'x3' was dropped" in t for t in _messages(at))  # the short lines did not spoil column x3


def _good_session(epochs: int = 20) -> Session:
    return trained_session(GOOD_CSV.read_bytes(), "good.csv", epochs)


def _classify_page(session: Session | None = None) -> AppTest:
    return open_page(CLASSIFY, session)


SMALL = b"x1,x2,x3\n0.1,0.2,0.3\n-1,0.5,2\n1.5,-0.3,0.7\n"  # three rows to score, no label


def _assert_scores_small_csv(at: AppTest) -> AppTest:
    """The page goes on working: a good file is scored."""
    at = _upload(at, "cl_csv", "small.csv", SMALL)
    assert not at.exception and not at.error, _errors(at)
    assert list(at.dataframe[0].value["reason"]) == ["", "", ""]
    return at


@pytest.fixture(scope="module")
def classify_page() -> dict:
    """One Classify page for the module's CSV tests, with the main page's network trained on good.csv."""
    session = _good_session()
    return {"at": _classify_page(session), "session": session}


@pytest.mark.parametrize("name", CSV_CASES)
def test_classify_page_scores_a_hostile_csv_or_says_why_not_and_goes_on(name, corpus, classify_page):
    case = CSV_CASES[name]
    at = _upload(classify_page["at"], "cl_csv", _uploaded_name(name), corpus[name].read_bytes())
    _assert_no_markup_from_files(at)
    if case.predict is None:
        assert not at.error, _errors(at)
        table = at.dataframe[0].value
        assert len(table) == case.scored_rows and (table["reason"] != "").sum() == case.unscorable
    else:
        errors = _errors(at)
        assert any(all(word in e for word in case.predict) for e in errors), errors
        assert not at.dataframe  # nothing half-scored
    assert session_of(at).recording is classify_page["session"].recording  # the main page's run is untouched
    classify_page["at"] = _assert_scores_small_csv(at)


def test_classify_page_says_which_lines_have_too_few_fields(corpus, classify_page):
    at = _upload(classify_page["at"], "cl_csv", "ragged_rows.csv", corpus["ragged_rows.csv"].read_bytes())
    short = _short_lines(corpus["ragged_rows.csv"])
    first = f"{len(short)} line(s) have fewer fields than the header's 4 (line {short[0][0]}: {short[0][1]} fields, "
    assert any(t.value.startswith(first) and t.value.endswith("read as empty.") for t in at.text)
    assert len(at.dataframe[0].value) == CSV_CASES["ragged_rows.csv"].scored_rows  # every row kept, short ones too
    classify_page["at"] = _assert_scores_small_csv(at)


def test_cli_predict_and_the_classify_page_keep_the_lines_with_too_many_fields_with_their_reason(corpus, capsys,
                                                                                                 classify_page):
    path = corpus["ragged_rows.csv"]
    long = _long_lines(path)
    assert long  # the corpus file has some
    reasons = [f"line {line} has {k} fields, the header has 4: a separator too many?" for line, k in long]
    status, out, err = _cli(capsys, "predict", GOOD_MODEL, path)
    assert status == 0, err
    assert any(n.startswith(f"notice: {len(long)} line(s) have more fields than the header's 4 (line {long[0][0]}: ")
               for n in err.splitlines()), err
    frame = _predictions(out)
    data_lines = [i + 1 for i, row in enumerate(csv.reader(path.read_text(encoding="utf-8").splitlines())) if row][1:]
    assert len(frame) == len(data_lines)  # one row out for every data line in
    rows = [data_lines.index(line) for line, _ in long]  # where each long line's row is among the data rows
    assert frame["reason"].iloc[rows].tolist() == reasons and (frame["probability"].iloc[rows] == "").all()
    at = _upload(classify_page["at"], "cl_csv", "ragged_rows.csv", path.read_bytes())
    table = at.dataframe[0].value
    assert len(table) == len(data_lines) and table["reason"].iloc[rows].tolist() == reasons
    classify_page["at"] = _assert_scores_small_csv(at)


@pytest.fixture(scope="module")
def model_page() -> dict:
    """One Classify page for the module's model tests, with no network on the main page: a model file is needed."""
    return {"at": _classify_page()}


@pytest.mark.parametrize("name", MODEL_CASES)
def test_classify_page_refuses_a_bad_model_file_and_takes_a_good_one(name, corpus, model_page):
    at = _upload(model_page["at"], "cl_model", name, corpus[f"model:{name}"].read_bytes())
    _assert_no_markup_from_files(at)
    errors = _errors(at)
    assert any(e.startswith("This model file") and all(w in e for w in MODEL_CASES[name]) for e in errors), errors
    assert [u.key for u in at.file_uploader] == ["cl_model"]  # no CSV to score without a usable model
    at = _upload(at, "cl_model", "good_model.json", GOOD_MODEL.read_bytes())
    assert not at.error, _errors(at)
    model_page["at"] = _assert_scores_small_csv(at)


def test_classify_page_with_a_markup_model_shows_every_name_as_text(corpus):
    at = _upload(_classify_page(), "cl_model", "[link](javascript:alert(1)).json",
                 corpus["model:markup_names_model.json"].read_bytes())
    assert not at.error, _errors(at)
    at = _upload(at, "cl_csv", "markup_headers.csv", corpus["markup_headers.csv"].read_bytes())
    _assert_no_markup_from_files(at)
    assert not at.error, _errors(at)
    table = at.dataframe[0].value
    assert list(table.columns[:5]) == [*MARKUP_NAMES, "![x](http://example.invalid/x.png)",
                                       "[link](javascript:alert(1))"]
    assert set(table["prediction"]) <= {"<i>yes</i>", ":smile: no"}
    assert any("<script>alert(1)</script>" in t.value for t in at.text)  # shown, as plain text
    assert len(at.get("plotly_chart")) == 3  # confusion matrix, ROC curve and the boundary, names escaped
