"""The Classify page under Streamlit's AppTest: a file scored by the main page's network or a model file,
every row accounted for, metrics when the target is present, and bad files refused with a named reason."""

import json
from pathlib import Path

import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score
from sklearn.neural_network import MLPClassifier
from streamlit.testing.v1 import AppTest

from mlp_core.persistence import load_model
from mlp_core.scoring import score_table
from tests.apptest import chart_array, messages, open_page, shown, trained_session
from ui.classify import scored_file
from ui.common import figures
from ui.session.export import model_json
from ui.session.state import Session

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "3_Classify.py")


def _fruit(n: int = 160, seed: int = 0, header: str = "size,colour,weight,label") -> str:
    rng = np.random.RandomState(seed)
    rows = [header]
    for _ in range(n):
        size, weight, colour = rng.rand() * 7, rng.rand() * 11, "red" if rng.rand() > 0.4 else "blue"
        rows.append(f"{size:.3f},{colour},{weight:.3f},{'yes' if size + weight + (colour == 'red') * 3 > 9 else 'no'}")
    return "\n".join(rows)


def _session(text: str | None = None, epochs: int = 60) -> Session:
    return trained_session(None if text is None else text.encode(), "fruit.csv", epochs)


def _page(session: Session | None = None) -> AppTest:
    return open_page(PAGE, session)


def _upload(at: AppTest, key: str, name: str, data: str | bytes) -> AppTest:
    at.file_uploader(key=key).set_value((name, data.encode() if isinstance(data, str) else data, "text/csv"))
    return at.run()


def test_without_a_trained_model_the_page_asks_for_one():
    at = _page()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Classify a CSV"
    assert any("Train a model on the main page or upload a model file" in m for m in messages(at, "info"))


def test_the_main_pages_network_scores_a_csv_lists_bad_rows_and_measures_it():
    session = _session(_fruit())
    at = _page(session)
    new = _fruit(40, seed=1).splitlines()
    new[3] = "2.5,green,4.0,no"  # a colour the model never saw as 0/1
    new[7] = "NA,red,4.0,yes"
    at = _upload(at, "cl_csv", "new.csv", "\n".join(new))
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("epoch 60" in t.value for t in at.text)
    table = at.dataframe[0].value
    assert len(table) == 40 and {"probability", "prediction", "reason"} <= set(table.columns)
    bad = at.dataframe[1].value
    assert list(bad.index) == [3, 7]  # data rows, 1-based
    assert "'colour' is neither" in bad["reason"].iloc[0] and "'size' is missing" in bad["reason"].iloc[1]
    assert any("38 of 40 rows scored" in t.value for t in at.text)
    metrics = {m.label: m.value for m in at.metric}
    expected = score_table(load_model(model_json(session.recording, session.data, 60)), "\n".join(new).encode())
    assert metrics["Accuracy"] == f"{expected.metrics['accuracy']:.1%}"
    assert metrics["ROC AUC"] == f"{expected.metrics['roc_auc']:.4f}"
    assert metrics["Rows with a label"] == "38"
    assert len(at.get("plotly_chart")) == 3  # confusion matrix, ROC curve, decision-boundary slice
    across, up = at.selectbox(key="cl_x").value, at.selectbox(key="cl_y").value
    assert {session.data.feature_names[across], session.data.feature_names[up]} == {"size", "weight"}  # numbers first


def test_a_file_without_the_target_gets_predictions_and_no_metrics():
    at = _page(_session(_fruit()))
    rows = [",".join(r.split(",")[:3]) for r in _fruit(20, seed=2).splitlines()]
    at = _upload(at, "cl_csv", "unlabelled.csv", "\n".join(rows))
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 20 and not at.metric
    assert len(at.get("plotly_chart")) == 1


def test_a_column_named_otherwise_is_matched_by_hand():
    at = _page(_session(_fruit()))
    at = _upload(at, "cl_csv", "renamed.csv", _fruit(30, seed=4, header="SIZE,colour,weight,label"))
    assert not at.exception
    assert at.warning and "choose the file's column" in shown(at.warning[0])
    assert any("no column 'size'" in m for m in messages(at, "error"))
    box = next(s for s in at.selectbox if s.key.startswith("cl_map_") and s.value is None)
    box.set_value("SIZE")
    at = at.run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 30


def test_an_uploaded_model_file_is_used_and_a_bad_one_is_refused_naming_the_field():
    session = _session(_fruit())
    text = model_json(session.recording, session.data, 60)
    at = _page()
    at = _upload(at, "cl_model", "model.json", text)
    assert not at.exception and not at.error
    at = _upload(at, "cl_csv", "new.csv", _fruit(25, seed=5))
    assert not at.error and len(at.dataframe[0].value) == 25 and at.metric

    doc = json.loads(text)
    doc["architecture"]["activation"] = "<b>softplus</b>"
    at = _upload(at, "cl_model", "bad.json", json.dumps(doc))
    assert not at.exception
    assert "architecture.activation" in shown(at.error[0])
    assert not at.dataframe  # nothing scored with a refused model


def test_a_markup_header_stays_text_and_a_teaching_model_scores_by_feature_name():
    session = _session()
    names = session.data.feature_names
    at = _page(session)
    X = session.data.X_test[:15]
    rows = [f"{','.join(names)},[note](http://example.com)"]
    rows += [f"{a},{b},{c},**bold**" for a, b, c in X]
    at = _upload(at, "cl_csv", "[points](http://example.com).csv", "\n".join(rows))
    assert not at.exception and not at.error
    assert "[note](http://example.com)" in at.dataframe[0].value.columns
    assert not any("example.com" in m.value for m in [*at.markdown, *at.caption])


def test_a_file_that_is_not_csv_is_refused_with_its_reason():
    at = _page(_session())
    at = _upload(at, "cl_csv", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not at.exception
    assert "PNG" in shown(at.error[0])


def test_roc_curve_has_the_area_of_the_mann_whitney_auc():
    rng = np.random.RandomState(0)
    y = (rng.rand(300) > 0.6).astype(float)
    p = np.round(np.clip(0.3 * y + rng.rand(300) * 0.7, 0, 1), 2)  # rounded: many ties
    fpr, tpr = scored_file.roc_curve(y, p)
    from sklearn.metrics import roc_auc_score

    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    np.testing.assert_allclose(np.trapezoid(tpr, fpr), roc_auc_score(y, p), rtol=0, atol=1e-12)


def test_confusion_and_roc_figures_show_their_numbers_and_names_as_text():
    fig = figures.confusion_figure([[5, 2], [1, 7]], ("<b>no</b>", "yes"))
    heat = fig.data[0]
    assert heat.z.tolist() == [[5, 2], [1, 7]] and heat.texttemplate == "%{text}"
    assert list(heat.x) == ["predicted &lt;b&gt;no&lt;/b&gt;", "predicted yes"]
    assert list(heat.y) == ["true &lt;b&gt;no&lt;/b&gt;", "true yes"]
    assert fig.layout.yaxis.autorange == "reversed"  # the first class on top, as the matrix is read
    fig = figures.roc_figure(np.array([0, 0.5, 1]), np.array([0, 0.9, 1]), 0.7)
    assert list(fig.data[0].x) == [0, 0.5, 1] and list(fig.data[0].y) == [0, 0.9, 1]
    assert fig.data[0].name == "this model (AUC 0.700)" and list(fig.data[1].x) == [0, 1]
    assert fig.layout.xaxis.title.text == "false positive rate"


def test_scored_boundary_slice_holds_other_inputs_at_the_mean_and_draws_rows_by_prediction():
    session = _session(_fruit())
    model = load_model(model_json(session.recording, session.data, 60))
    text = _fruit(30, seed=6)
    scored = score_table(model, text.encode())
    from mlp_core.csv_table import read_table

    table = read_table(text.encode())
    X = scored_file.encoded_inputs(model.preprocessing, table, {})
    predicted = scored.frame["probability"].to_numpy(dtype=float) > 0.5
    cut = scored_file.boundary_slice(model, X, predicted, 0, 2, grid=20)
    pre = model.preprocessing
    rows = np.tile(pre.mean, (1, 1))
    rows[0, 0], rows[0, 2] = cut.x[3], cut.y[5]
    p = model.estimator.predict_proba(pre.standardize(rows))[0, 1]
    assert cut.p.shape == (20, 20) and cut.p[5, 3] == p
    assert cut.held == (pre.feature_names[1],) and cut.points["label"] == predicted.astype(int).tolist()
    fig = figures.scored_boundary_figure(cut.x, cut.y, cut.p, cut.points, cut.x_name, cut.y_name, ("no", "<i>yes</i>"),
                                         cut.held)
    kinds = [type(t).__name__ for t in fig.data]
    assert kinds == ["Heatmap", "Contour", "Scatter", "Scatter"]
    assert fig.data[1].contours.start == fig.data[1].contours.end == 0.5
    assert fig.data[3].name == "predicted &lt;i&gt;yes&lt;/i&gt;" and len(fig.data[3].x) == predicted.sum()
    assert "held at its mean" in fig.layout.title.text


def test_a_scored_file_is_remembered_so_other_choices_do_not_score_it_again(monkeypatch):
    import mlp_core.csv_table
    import mlp_core.scoring

    page = _page(_session(_fruit()))
    calls = {"read": 0, "score": 0}
    read, score = mlp_core.csv_table.read_table, mlp_core.scoring.score_table
    monkeypatch.setattr(mlp_core.csv_table, "read_table", lambda *a: calls.__setitem__("read", calls["read"] + 1)
                        or read(*a))
    monkeypatch.setattr(mlp_core.scoring, "score_table", lambda *a: calls.__setitem__("score", calls["score"] + 1)
                        or score(*a))
    at = _upload(page, "cl_csv", "new.csv", _fruit(40, seed=1))
    assert calls == {"read": 1, "score": 1}
    at.selectbox(key="cl_y").set_value(0 if at.selectbox(key="cl_y").value != 0 else 2)
    at.run()
    assert not at.exception and calls == {"read": 1, "score": 1}  # the boundary moved, the scores were kept
    session = at.session_state["mlp_session"]
    session.playback.pause_at(30)  # another epoch on the main page: another model, scored afresh
    at.run()
    assert calls == {"read": 1, "score": 2}


def _long_names(n: int = 200, seed: int = 0) -> tuple[str, list[str]]:
    """A CSV whose five feature columns have 60-character names, and those names."""
    rng = np.random.RandomState(seed)
    names = [f"average_reading_of_the_{side}_sensor_over_the_whole_window".ljust(60, "_")
             for side in ("left", "right", "upper", "lower", "middle")]
    X = rng.normal(size=(n, 5)).round(3)
    labels = np.where(X[:, 0] + X[:, 1] - X[:, 2] > 0, "yes", "no")
    rows = [",".join([*names, "label"])] + [",".join([*map(str, x), label]) for x, label in zip(X, labels, strict=True)]
    return "\n".join(rows), names


def test_the_boundary_charts_titles_stay_short_with_long_column_names_and_the_hover_names_them_whole():
    import html

    text, names = _long_names()
    assert {len(n) for n in names} == {60}
    at = _upload(_page(_session(text)), "cl_csv", "long.csv", text)
    assert not at.exception and not at.error
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)  # the decision-boundary slice
    layout = spec["layout"]
    across, up = names[at.selectbox(key="cl_x").value], names[at.selectbox(key="cl_y").value]
    held = [n for n in names if n not in (across, up)]
    # Plotly neither wraps nor cuts a title: at 13 px, 50 characters are about 350 px, inside the chart even at
    # half of a 1400 px window; an axis title of 30 characters fits along either axis.
    lines = [html.unescape(line) for line in layout["title"]["text"].split("<br>")]
    assert all(len(line) <= 50 for line in lines), lines
    assert " ".join(lines).endswith("held at their mean")
    assert lines[0].startswith(held[0][:20])  # the held inputs are still named, by their beginnings
    for axis, name in (("xaxis", across), ("yaxis", up)):
        shown = html.unescape(layout[axis]["title"]["text"])
        assert len(shown) <= 30 and name.startswith(shown.removesuffix("…")), shown
    heatmap = next(t for t in spec["data"] if t["type"] == "heatmap")
    meta = [html.unescape(m) for m in heatmap["meta"]]
    assert meta[:2] == [across, up]  # the hover names the inputs whole
    assert all(name in meta[2] for name in held)
    assert "%{meta[0]}" in heatmap["hovertemplate"] and "%{meta[2]}" in heatmap["hovertemplate"]


def test_a_row_with_too_many_fields_is_shown_in_its_place_with_its_line_and_is_in_the_download(monkeypatch):
    import csv
    import io

    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores = []  # the page's media files (the download's bytes), kept by AppTest's storage of each run

    class Recorded(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recorded)
    rows = _fruit(12, seed=3, header="size,colour,weight,label,note").splitlines()
    rows = [rows[0], *(f"{r},n{i}" for i, r in enumerate(rows[1:]))]
    rows[2] = rows[2].rsplit(",", 1)[0] + ',"two\nlines"'  # a quoted line break before the long row
    rows[6] += ",oops"  # data row 6 (1-based) has a field too many
    text = "\n".join(rows) + "\n"
    line = text[:text.index(rows[6])].count("\n") + 1
    reason = f"line {line} has 6 fields, the header has 5: a separator too many?"
    at = _upload(_page(_session(_fruit())), "cl_csv", "long.csv", text)
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    table = at.dataframe[0].value
    assert len(table) == 12 and list(table.index) == list(range(1, 13))  # every data row, numbered from 1
    assert table.loc[6, "reason"] == reason and np.isnan(table.loc[6, "probability"])
    assert table.loc[6, "note"] == "n5,oops"
    assert (table.drop(index=6)["reason"] == "").all()
    bad = at.dataframe[1].value
    assert list(bad.index) == [6] and bad["reason"].iloc[0] == reason
    assert any("11 of 12 rows scored" in t.value for t in at.text)
    assert any(t.value.startswith(f"1 line(s) have more fields than the header's 5 (line {line}: 6 fields)")
               and "kept" in t.value for t in at.text)
    url = at.get("download_button")[0].proto.url
    data = stores[-1].get_file(url.rsplit("/", 1)[1]).content
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(records) == 13 and records[6][-1] == reason and records[6][-3:-1] == ["", ""]
    assert records[6][4] == "n5,oops" and records[2][4] == "two\nlines"
    assert sum(1 for r in records[1:] if r[-3]) == 11  # the other rows are scored
    # The boundary slice's rows line up with the scored table's: the long row is among the unscored (NaN) ones.
    from mlp_core.csv_table import read_table

    session = at.session_state["mlp_session"]
    model = load_model(model_json(session.recording, session.data, 60))
    table_read = read_table(text.encode())
    X = scored_file.encoded_inputs(model.preprocessing, table_read, {})
    scored = score_table(model, table_read)
    assert len(X) == len(scored.frame) == 12 and np.isnan(X[5]).all() and np.isfinite(np.delete(X, 5, axis=0)).all()


def test_scoring_the_training_file_says_its_rows_were_trained_on_and_another_file_does_not():
    text = _fruit()
    session = _session(text)
    session.csv_bytes = text.encode()  # the file the main page trained on
    at = _upload(_page(session), "cl_csv", "fruit.csv", text)
    warned = [shown(w) for w in at.warning if "Scored rows were trained on" in shown(w)]
    assert len(warned) == 1 and f"{len(session.data.X_train):,} of its rows" in warned[0]
    at = _upload(at, "cl_csv", "new.csv", _fruit(40, seed=1))
    assert not [w for w in at.warning if "trained on" in shown(w)]


def test_the_scored_rows_are_drawn_by_true_class_with_the_wrong_ones_ringed():
    session = _session(_fruit())
    model = load_model(model_json(session.recording, session.data, 60))
    text = _fruit(60, seed=6)
    scored = score_table(model, text.encode())
    from mlp_core.csv_table import read_table

    X = scored_file.encoded_inputs(model.preprocessing, read_table(text.encode()), {})
    predicted = scored.frame["probability"].to_numpy(dtype=float) > 0.5
    truth = scored_file.true_classes(scored, model.preprocessing, {})
    expected = np.array([1.0 if line.endswith(",yes") else 0.0 for line in text.splitlines()[1:]])
    np.testing.assert_array_equal(truth, expected)
    cut = scored_file.boundary_slice(model, X, predicted, 0, 2, grid=10, truth=truth)
    assert cut.points["label"] == expected.astype(int).tolist()
    assert cut.points["wrong"] == (expected != predicted).tolist()
    fig = figures.scored_boundary_figure(cut.x, cut.y, cut.p, cut.points, cut.x_name, cut.y_name, ("no", "yes"))
    assert [t.name for t in fig.data[2:]] == ["true no", "true yes", "predicted wrong"]
    assert len(fig.data[4].x) == int((expected != predicted).sum())


def _iris_csv(rows=None) -> str:
    """scikit-learn's shipped iris written as a CSV (its ``rows`` only, when given): three species."""
    iris = load_iris(as_frame=True)
    frame = iris.frame.drop(columns="target")
    frame["species"] = [iris.target_names[t] for t in iris.target]
    return (frame if rows is None else frame.iloc[rows]).to_csv(index=False)


def test_a_three_class_model_is_scored_with_a_k_by_k_confusion_matrix_and_a_roc_curve_per_class():
    session = trained_session(_iris_csv().encode(), "iris.csv", 300)
    assert session.data.n_classes == 3
    at = _page(session)
    new = _iris_csv(range(0, 150, 3))  # 50 rows, of every species
    at = _upload(at, "cl_csv", "new-iris.csv", new)
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    columns = ["probability_setosa", "probability_versicolor", "probability_virginica"]
    assert set(columns) <= set(table.columns) and "probability" not in table.columns
    P = table[columns].to_numpy(dtype=float)
    # scikit-learn's MLPClassifier holding the recorded weights of epoch 300 gives the same probabilities
    snap = session.recording.snapshot(300)
    reference = MLPClassifier(hidden_layer_sizes=(3, 2)).partial_fit(session.data.Z_train, session.data.y_train,
                                                                     classes=[0, 1, 2])
    reference.coefs_, reference.intercepts_ = list(snap.coefs), list(snap.intercepts)
    rows = load_iris().data[::3]
    np.testing.assert_allclose(P, reference.predict_proba(session.data.preprocessing.standardize(rows)), atol=1e-12)
    y = load_iris().target[::3]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accuracy"] == f"{accuracy_score(y, P.argmax(axis=1)):.1%}"
    assert metrics["ROC AUC, mean over classes"] == f"{roc_auc_score(y, P, multi_class='ovr'):.4f}"
    confusion, roc, boundary = at.get("plotly_chart")
    z = chart_array(json.loads(confusion.proto.spec)["data"][0]["z"])
    np.testing.assert_array_equal(z, confusion_matrix(y, P.argmax(axis=1)))  # 3 × 3, rows the true class
    curves = json.loads(roc.proto.spec)["data"]
    assert len(curves) == 4  # one per class, and guessing
    for c, name in enumerate(("setosa", "versicolor", "virginica")):
        assert curves[c]["name"] == f"{name} (AUC {roc_auc_score(y == c, P[:, c]):.3f})"
    traces = json.loads(boundary.proto.spec)["data"]
    assert traces[0]["type"] == "heatmap" and {t["name"] for t in traces[1:4]} == {"setosa", "versicolor", "virginica"}
    assert any("each of the 3 classes in its colour" in c.value for c in at.caption)
    model = load_model(model_json(session.recording, session.data, 300))  # what the page's download button gets
    header = scored_file.scored_csv(score_table(model, new.encode())).decode().splitlines()[0]
    assert header.endswith(",species,probability_setosa,probability_versicolor,probability_virginica,prediction,reason")
