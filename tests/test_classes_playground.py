"""The Playground with a three-class table under AppTest: scikit-learn's shipped iris, written to a CSV and uploaded.
Each species gets its own softmax output; one species against the rest is still a choice (one sigmoid output); the
views' payload carries the palette's marks of the classes and the class whose probability is shown; the balance and the
majority baseline count three classes; the model download holds the three."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_iris

from mlp_core.persistence import load_model
from tests.apptest import open_app, session_of
from ui.common import palette
from ui.live.payload import Axes, Sent, live_payload
from ui.session.export import model_json

SPECIES = ("setosa", "versicolor", "virginica")


def _iris_csv() -> bytes:
    iris = load_iris(as_frame=True)
    frame = iris.frame.drop(columns="target")
    frame["species"] = [iris.target_names[t] for t in iris.target]
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def iris_page():
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    at.file_uploader(key="w_upload").set_value(("iris.csv", _iris_csv(), "text/csv"))
    at = at.run()
    at.selectbox(key="w_target").set_value("species")  # three values: never suggested, chosen
    return at.run()


def _payload(session) -> dict:
    return live_payload(session.recording, session.data, "t", session.experiment.view, session.playback.as_dict(),
                        Sent(), axes=Axes(row=session.held_row))


def test_a_three_class_target_trains_one_softmax_output_per_class(iris_page):
    at = iris_page
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    s = session_of(at)
    assert s.data.class_names == SPECIES
    assert s.recording.architecture.units[-1] == 3  # one output unit per species
    assert at.selectbox(key="w_positive").value is not None
    assert "all 3 classes" in at.selectbox(key="w_positive").format_func(at.selectbox(key="w_positive").value)
    assert "three softmax outputs, one per class" in at.markdown[0].value
    assert "cross-entropy" in at.markdown[0].value
    # the balance and the baseline, counted here from the split the page trains on
    counts = np.bincount(s.data.y_train.astype(int), minlength=3)
    majority = int(np.argmax(counts))
    baseline = float(np.mean(s.data.y_test == majority))
    caption = next(c.value for c in at.caption if "Training split" in c.value)
    for name, count in zip(SPECIES, counts, strict=True):
        assert f"{name} {count}" in caption
    assert f"{baseline:.1%}".replace(".", "\\.") in caption
    # accuracy over three classes: the likeliest class, as the recording measures it
    epoch = s.recording.n_epochs - 1
    snap = s.recording.snapshot(epoch)
    accuracy = float(np.mean(np.argmax(snap.predict_proba(s.data.Z_test), axis=1) == s.data.y_test))
    assert s.recording.scalar("val_accuracy", epoch) == pytest.approx(accuracy, abs=1e-12)


def test_the_live_payload_carries_k_outputs_the_classes_colours_and_the_model_download_them(iris_page):
    s = session_of(iris_page)
    payload = _payload(s)
    assert payload["class_names"] == list(SPECIES)
    assert payload["classes"] == {"shown": None}  # each class's colour and symbol: the palette's, for every page
    marks = [(c["color"], c["symbol"]) for c in payload["specs"]["palette"]["classes"][:3]]
    assert marks == [(palette.class_colour(k), palette.class_symbol(k)) for k in range(3)] and len(set(marks)) == 3
    assert payload["forward"]["table"][-1][1] == 3
    outputs = [n for n in payload["specs"]["graph"]["nodes"] if n["kind"] == "output"]
    assert [n["label"] for n in outputs] == list(SPECIES)
    assert payload["specs"]["heatmaps"]["layers"][-1]["cols"] == list(SPECIES)
    assert payload["specs"]["slices"]["projected"]["label"]  # test rows by projection, labelled 0..2
    assert set(payload["specs"]["slices"]["projected"]["label"]) == {0, 1, 2}
    text = model_json(s.recording, s.data, 50)
    model = load_model(text)
    assert list(model.estimator.classes_) == list(SPECIES)
    assert json.loads(text)["architecture"]["output_activation"] == "softmax"
    snap = s.recording.snapshot(50)
    np.testing.assert_allclose(model.estimator.predict_proba(s.data.Z_test), snap.predict_proba(s.data.Z_test),
                               atol=1e-15)


def test_one_class_probability_is_shown_on_request_and_kept_in_the_link(iris_page):
    at = iris_page
    at.selectbox(key="w_shade").set_value(1)
    at = at.run()
    assert not at.exception
    s = session_of(at)
    assert s.experiment.view.shown_class == 1
    assert _payload(s)["classes"]["shown"] == 1
    assert at.query_params["shade"] in ("1", ["1"])
    at.selectbox(key="w_shade").set_value(-1)
    at = at.run()
    assert session_of(at).experiment.view.shown_class == -1


def test_one_class_against_the_rest_is_still_a_choice_with_one_sigmoid_output(iris_page):
    at = iris_page
    at.selectbox(key="w_positive").set_value("virginica")
    at = at.run()
    assert not at.exception and not at.error
    s = session_of(at)
    assert s.data.class_names == ("rest", "virginica")
    assert s.recording.architecture.units[-1] == 1
    assert _payload(s)["classes"] is None  # two classes: the views as they always were
    assert "one sigmoid output" in at.markdown[0].value
    assert s.data.y_train.sum() + s.data.y_test.sum() == 50  # the 50 virginica against the 100 others


@pytest.mark.parametrize("page", ["app_pages/2_Compare.py", "app_pages/3_Classify.py", "app_pages/4_Learn.py",
                                  "app_pages/5_Landscape.py"])
def test_every_other_page_opens_on_a_three_class_run(page):
    at = open_app()
    at.radio(key="w_src").set_value("csv")
    at = at.run()
    at.file_uploader(key="w_upload").set_value(("iris.csv", _iris_csv(), "text/csv"))
    at = at.run()
    at.selectbox(key="w_target").set_value("species")
    at = at.run()
    at.switch_page(page)
    at = at.run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert session_of(at).data.class_names == SPECIES
    if page.endswith("Learn.py"):  # it writes out the two-class network: it says so, and how to get one
        assert any("one class against the rest" in i.value for i in at.info)
