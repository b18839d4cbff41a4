"""Models saved as JSON come back exactly, and damaged or hostile model files are refused with a ValueError
that names the field at fault."""

import functools
import json
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from mlp_core import MLPPlaygroundClassifier
from mlp_core.config import MAX_CLASSES, MAX_LAYERS
from mlp_core.persistence import MAX_BYTES, LoadedModel, dump_model, load_model, model_from_dict, model_to_dict
from mlp_core.preprocessing import InputSpec, Preprocessing

X = np.random.RandomState(0).randn(200, 3)
XOR = (X[:, 0] > 0) ^ (X[:, 1] > 0)
X_NEW = np.random.RandomState(1).randn(50, 3)  # data the models never saw
LABELS = {"str": np.where(XOR, "yes", "no"), "int": np.where(XOR, 7, -3), "bool": XOR}
FEATURES = Preprocessing(
    (InputSpec("a", "a", "number"), InputSpec("b is yes", "b", "binary", "yes", "no", fill=0.0),
     InputSpec("c=red", "c", "category", "red")),
    mean=np.array([0.5, -1.25, 3.0]), scale=np.array([2.0, 0.1, 1e-3]), target="label", positive="yes",
    negative="no", decimal_comma=True,
)


def _fit(y=LABELS["int"], **params) -> MLPPlaygroundClassifier:
    params = {"random_state": 3, "max_iter": 60, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPPlaygroundClassifier(**params).fit(X, y)


@functools.cache
def _valid_text() -> str:
    return dump_model(_fit(), preprocessing=FEATURES)


def _valid_doc() -> dict:
    """A fresh copy of a valid model document (int labels, 3-2 ReLU, feature names)."""
    return json.loads(_valid_text())


def _assert_same_fit(loaded: MLPPlaygroundClassifier, model: MLPPlaygroundClassifier) -> None:
    assert np.array_equal(loaded.predict_proba(X_NEW), model.predict_proba(X_NEW))
    assert np.array_equal(loaded.predict(X_NEW), model.predict(X_NEW))
    assert np.array_equal(loaded.classes_, model.classes_)
    assert loaded.classes_.dtype.kind == model.classes_.dtype.kind
    assert len(loaded.coefs_) == len(model.coefs_)
    assert all(np.array_equal(a, b) for a, b in zip(loaded.coefs_, model.coefs_, strict=True))
    assert len(loaded.intercepts_) == len(model.intercepts_)
    assert all(np.array_equal(a, b) for a, b in zip(loaded.intercepts_, model.intercepts_, strict=True))
    assert loaded.loss_curve_ == model.loss_curve_
    assert loaded.n_iter_ == model.n_iter_
    assert loaded.stop_reason_ == model.stop_reason_
    assert loaded.n_features_in_ == model.n_features_in_
    assert loaded.get_params() == model.get_params()


# --- round trip --------------------------------------------------------------------------------------


@pytest.mark.parametrize("labels", sorted(LABELS))
@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_round_trip_gives_the_same_model(activation, labels):
    model = _fit(LABELS[labels], activation=activation)
    loaded = load_model(dump_model(model))
    assert isinstance(loaded, LoadedModel)
    assert loaded.preprocessing is None
    _assert_same_fit(loaded.estimator, model)
    assert isinstance(loaded.estimator.get_params()["random_state"], int)


def test_round_trip_keeps_non_default_training_settings():
    model = _fit(hidden_layer_sizes=(4,), solver="adam", alpha=1e-3, batch_size=32, learning_rate_init=0.01,
                 tol=None, weight_tol=None, shuffle=False, beta_1=0.8, epsilon=1e-7, max_iter=15, random_state=11)
    _assert_same_fit(load_model(dump_model(model)).estimator, model)


def test_round_trip_keeps_the_preprocessing():
    model = _fit()
    loaded = load_model(dump_model(model, preprocessing=FEATURES))
    assert loaded.preprocessing.to_dict() == FEATURES.to_dict()
    assert loaded.preprocessing.inputs == FEATURES.inputs
    np.testing.assert_array_equal(loaded.preprocessing.scale, FEATURES.scale)
    _assert_same_fit(loaded.estimator, model)


def test_round_trip_of_a_network_without_hidden_layers():
    model = _fit(hidden_layer_sizes=())
    loaded = load_model(dump_model(model)).estimator
    assert len(loaded.coefs_) == 1 and loaded.get_params()["hidden_layer_sizes"] == ()
    _assert_same_fit(loaded, model)


def test_model_dict_round_trips_without_json():
    model = _fit(activation="tanh")
    loaded = model_from_dict(model_to_dict(model, FEATURES))
    assert loaded.preprocessing.to_dict() == FEATURES.to_dict()
    _assert_same_fit(loaded.estimator, model)


def test_load_model_accepts_the_file_as_bytes():
    model = _fit()
    _assert_same_fit(load_model(dump_model(model).encode("utf-8")).estimator, model)


# --- strict JSON, unfitted models ----------------------------------------------------------------------


def _refuse_constant(name):
    raise AssertionError(f"the saved text holds {name}")


def test_saved_text_is_strict_json_and_nan_in_it_is_refused():
    text = _valid_text()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=_refuse_constant)
    doc = json.loads(text)
    doc["training"]["loss_curve"][0] = float("nan")
    tainted = json.dumps(doc)  # Python writes the non-standard literal NaN
    assert "NaN" in tainted
    with pytest.raises(ValueError, match="NaN"):
        load_model(tainted)


def test_saving_a_model_with_nan_weights_raises_instead_of_writing_nan():
    model = _fit()
    model.coefs_[0][0, 0] = np.nan
    with pytest.raises(ValueError):
        dump_model(model)


def test_saving_an_unfitted_estimator_raises():
    with pytest.raises(ValueError, match="not trained"):
        dump_model(MLPPlaygroundClassifier())
    with pytest.raises(ValueError, match="not trained"):
        model_to_dict(MLPPlaygroundClassifier())


# --- a corpus of malformed files -----------------------------------------------------------------------


def _literal(text: str) -> str:
    """A placeholder that ``_as_text`` writes into the JSON text as the raw token ``text``."""
    return f"@@{text}@@"


def _as_text(doc) -> str:
    return re.sub(r'"@@(.*?)@@"', r"\1", json.dumps(doc))


def _set(*path_and_value):
    *path, value = path_and_value

    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _drop(*path):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _edit(fn):
    def mutate(doc):
        fn(doc)

    return mutate


def _drop_last_column(matrix):
    for row in matrix:
        row.pop()


def _padded_past_max_bytes(doc) -> str:
    """The valid file, padded with whitespace (still valid JSON) to one byte more than allowed."""
    text = json.dumps(doc)
    return text + " " * (MAX_BYTES + 1 - len(text))


BIG_INT = _literal("1" + "0" * 400)  # a JSON integer beyond every float

MALFORMED = [
    ("empty text", "", r"^not a model file"),
    ("not JSON", "model: yes", r"^not a model file"),
    ("binary garbage", bytes(range(256)) * 4, r"^not a model file"),
    ("invalid UTF-8", b"\x80\x81\xfe\xff{}", r"^not a model file"),
    ("a JSON list", "[1, 2]", r"^the model file:"),
    ("a JSON number", "42", r"^the model file:"),
    ("a JSON string", '"mlp-playground-model"', r"^the model file:"),
    ("deeply nested JSON", "[" * 100_000, r"^not a model file"),
    ("deeply nested JSON, closed", "[" * 100_000 + "]" * 100_000, r"^not a model file"),
    ("oversized text", _padded_past_max_bytes, r"^not a model file: larger than"),
    ("format missing", _drop("format"), r"^format:"),
    ("wrong format", _set("format", "some-other-model"), r"^format:"),
    ("format_version missing", _drop("format_version"), r"^format_version:"),
    ("format_version 99", _set("format_version", 99), r"^format_version:"),
    ("format_version '1'", _set("format_version", "1"), r"^format_version:"),
    ("format_version 1.0", _set("format_version", 1.0), r"^format_version:"),
    ("format_version true", _set("format_version", True), r"^format_version:"),
    ("architecture missing", _drop("architecture"), r"^architecture:"),
    ("architecture a list", _set("architecture", []), r"^architecture:"),
    ("n_features_in missing", _drop("architecture", "n_features_in"), r"^architecture\.n_features_in:"),
    ("n_features_in 0", _set("architecture", "n_features_in", 0), r"^architecture\.n_features_in:"),
    ("n_features_in negative", _set("architecture", "n_features_in", -3), r"^architecture\.n_features_in:"),
    ("n_features_in a float", _set("architecture", "n_features_in", 3.0), r"^architecture\.n_features_in:"),
    ("n_features_in a string", _set("architecture", "n_features_in", "3"), r"^architecture\.n_features_in:"),
    ("n_features_in huge", _set("architecture", "n_features_in", 10**9), r"^architecture\.n_features_in:"),
    ("n_features_in 5000 digits", _set("architecture", "n_features_in", _literal("9" * 5000)),
     r"^(not a model file|architecture\.n_features_in)"),
    ("hidden size 0", _set("architecture", "hidden_layer_sizes", [3, 0]), r"^architecture\.hidden_layer_sizes:"),
    ("hidden size negative", _set("architecture", "hidden_layer_sizes", [-3, 2]),
     r"^architecture\.hidden_layer_sizes:"),
    ("hidden sizes a string", _set("architecture", "hidden_layer_sizes", "3,2"),
     r"^architecture\.hidden_layer_sizes:"),
    ("hidden size a string", _set("architecture", "hidden_layer_sizes", [3, "2"]),
     r"^architecture\.hidden_layer_sizes:"),
    ("hidden size a bool", _set("architecture", "hidden_layer_sizes", [3, True]),
     r"^architecture\.hidden_layer_sizes:"),
    ("too many hidden layers", _set("architecture", "hidden_layer_sizes", [2] * (MAX_LAYERS + 1)),
     r"^architecture\.hidden_layer_sizes:"),
    ("unknown activation", _set("architecture", "activation", "softplus"), r"^architecture\.activation:"),
    ("activation a list", _set("architecture", "activation", ["relu"]), r"^architecture\.activation:"),
    ("activation an object", _set("architecture", "activation", {"relu": 1}), r"^architecture\.activation:"),
    ("wrong output_activation", _set("architecture", "output_activation", "softmax"),
     r"^architecture\.output_activation:"),
    ("output_activation missing", _drop("architecture", "output_activation"), r"^architecture\.output_activation:"),
    ("classes missing", _drop("classes"), r"^classes:"),
    ("one class", _set("classes", [7]), r"^classes:"),
    ("three classes for one output unit", _set("classes", [-3, 7, 9]), r"^architecture\.output_activation:"),
    ("three classes, softmax, one output unit", _edit(lambda d: (d["classes"].append(9),
                                                                 d["architecture"].update(output_activation="softmax"))),
     r"^coefs\[2\]:"),
    ("more classes than the most", _set("classes", list(range(MAX_CLASSES + 1))), r"^classes:"),
    ("duplicate classes", _set("classes", [7, 7]), r"^classes:"),
    ("nested class list", _set("classes", [[-3], [7]]), r"^classes:"),
    ("mixed class types", _set("classes", [-3, "7"]), r"^classes:"),
    ("null class", _set("classes", [None, 7]), r"^classes:"),
    ("coefs missing", _drop("coefs"), r"^coefs:"),
    ("coefs a layer short", _edit(lambda d: d["coefs"].pop()), r"^coefs:"),
    ("coefs a layer too many", _edit(lambda d: d["coefs"].append([[0.5]])), r"^coefs:"),
    ("coefs[0] a row short", _edit(lambda d: d["coefs"][0].pop()), r"^coefs\[0\]:"),
    ("coefs[1] a column short", _edit(lambda d: _drop_last_column(d["coefs"][1])), r"^coefs\[1\]:"),
    ("coefs[2] a vector, not a matrix", _set("coefs", 2, [0.5, 0.5]), r"^coefs\[2\]:"),
    ("string in a weight matrix", _set("coefs", 0, 1, 1, "0.5"), r"^coefs\[0\]:"),
    ("null in a weight matrix", _set("coefs", 1, 0, 0, None), r"^coefs\[1\]:"),
    ("bool in a weight matrix", _set("coefs", 0, 0, 0, True), r"^coefs\[0\]:"),
    ("NaN literal in a weight", _set("coefs", 0, 0, 0, _literal("NaN")), r"^not a model file: NaN\b"),
    ("Infinity literal in a bias", _set("intercepts", 1, 0, _literal("Infinity")), r"^not a model file: Infinity\b"),
    ("-Infinity literal in a weight", _set("coefs", 2, 0, 0, _literal("-Infinity")),
     r"^not a model file: -Infinity\b"),
    ("1e400 in a weight", _set("coefs", 1, 2, 1, _literal("1e400")), r"^coefs\[1\]:"),
    ("-1e400 in a bias", _set("intercepts", 0, 2, _literal("-1e400")), r"^intercepts\[0\]:"),
    ("401-digit integer in a weight", _set("coefs", 0, 0, 0, BIG_INT), r"^coefs\[0\]:"),
    ("401-digit integer in a bias", _set("intercepts", 2, 0, BIG_INT), r"^intercepts\[2\]:"),
    ("intercepts missing", _drop("intercepts"), r"^intercepts:"),
    ("intercepts[0] too short", _edit(lambda d: d["intercepts"][0].pop()), r"^intercepts\[0\]:"),
    ("intercepts[2] too long", _edit(lambda d: d["intercepts"][2].append(0.0)), r"^intercepts\[2\]:"),
    ("training missing", _drop("training"), r"^training:"),
    ("settings missing", _drop("training", "settings"), r"^training\.settings:"),
    ("unknown setting", _set("training", "settings", "colour", "blue"), r"^training\.settings:"),
    ("setting hidden_layer_sizes", _set("training", "settings", "hidden_layer_sizes", [3, 2]),
     r"^training\.settings:"),
    ("learning_rate_init -1", _set("training", "settings", "learning_rate_init", -1),
     r"^training\.settings: .*learning_rate_init"),
    ("solver lbfgs", _set("training", "settings", "solver", "lbfgs"), r"^training\.settings: .*solver"),
    ("max_iter a string", _set("training", "settings", "max_iter", "100"), r"^training\.settings: .*max_iter"),
    ("shuffle 1", _set("training", "settings", "shuffle", 1), r"^training\.settings: .*shuffle"),
    ("random_state a string", _set("training", "settings", "random_state", "0"),
     r"^training\.settings: .*random_state"),
    ("alpha a 401-digit integer", _set("training", "settings", "alpha", BIG_INT), r"^training\.settings: .*alpha"),
    ("n_iter negative", _set("training", "n_iter", -1), r"^training\.n_iter:"),
    ("n_iter a float", _set("training", "n_iter", 12.5), r"^training\.n_iter:"),
    ("stop_reason a number", _set("training", "stop_reason", 3), r"^training\.stop_reason:"),
    ("loss_curve missing", _drop("training", "loss_curve"), r"^training\.loss_curve:"),
    ("string in loss_curve", _set("training", "loss_curve", 0, "0.69"), r"^training\.loss_curve:"),
    ("401-digit integer in loss_curve", _set("training", "loss_curve", 0, BIG_INT), r"^training\.loss_curve:"),
    ("preprocessing a list", _set("preprocessing", ["a", "b", "c"]), r"^preprocessing:"),
    ("preprocessing a string", _set("preprocessing", "standardize"), r"^preprocessing:"),
    ("preprocessing unknown key", _set("preprocessing", "scaler", "standard"), r"^preprocessing:"),
    ("inputs missing", _drop("preprocessing", "inputs"), r"^preprocessing\.inputs:"),
    ("inputs too short", lambda d: d["preprocessing"]["inputs"].pop(), r"^preprocessing\.inputs:"),
    ("inputs a string", _set("preprocessing", "inputs", "abc"), r"^preprocessing\.inputs:"),
    ("input a list", _set("preprocessing", "inputs", 0, ["a"]), r"^preprocessing\.inputs\[0\]:"),
    ("input name a number", _set("preprocessing", "inputs", 0, "name", 2), r"^preprocessing\.inputs\[0\]\.name:"),
    ("input name a list", _set("preprocessing", "inputs", 0, "name", ["a"]), r"^preprocessing\.inputs\[0\]\.name:"),
    ("input name empty", _set("preprocessing", "inputs", 0, "name", ""), r"^preprocessing\.inputs\[0\]\.name:"),
    ("input name huge", _set("preprocessing", "inputs", 0, "name", "x" * 10_000),
     r"^preprocessing\.inputs\[0\]\.name:"),
    ("input kind unknown", _set("preprocessing", "inputs", 0, "kind", "eval"), r"^preprocessing\.inputs\[0\]\.kind:"),
    ("binary input without other", _drop("preprocessing", "inputs", 1, "other"),
     r"^preprocessing\.inputs\[1\]\.other:"),
    ("input fill a string", _set("preprocessing", "inputs", 1, "fill", "0"), r"^preprocessing\.inputs\[1\]\.fill:"),
    ("input unknown field", _set("preprocessing", "inputs", 0, "code", "x"), r"^preprocessing\.inputs\[0\]:"),
    ("duplicate input names", _set("preprocessing", "inputs", 2, "name", "a"), r"^preprocessing\.inputs:"),
    ("mean too short", _set("preprocessing", "mean", [0.0, 1.0]), r"^preprocessing\.mean:"),
    ("mean with a string", _set("preprocessing", "mean", [0.0, "1", 2.0]), r"^preprocessing\.mean:"),
    ("scale zero", _set("preprocessing", "scale", [1.0, 0.0, 1.0]), r"^preprocessing\.scale:"),
    ("scale negative", _set("preprocessing", "scale", [1.0, -2.0, 1.0]), r"^preprocessing\.scale:"),
    ("target a number", _set("preprocessing", "target", 5), r"^preprocessing\.target:"),
    ("class names not [negative, positive]", _set("preprocessing", "classes", ["yes", "no"]),
     r"^preprocessing\.classes:"),
    ("one class name", _set("preprocessing", "classes", ["no"]), r"^preprocessing\.classes:"),
    ("class names a string", _set("preprocessing", "classes", "no,yes"), r"^preprocessing\.classes:"),
    ("three class names beside a positive class", _set("preprocessing", "classes", ["a", "b", "c"]),
     r"^preprocessing\.positive:"),
    ("decimal_comma a string", _set("preprocessing", "decimal_comma", "yes"), r"^preprocessing\.decimal_comma:"),
]


def test_the_corpus_base_document_loads():
    # Each malformed case below differs from this document in one place only.
    loaded = load_model(_as_text(_valid_doc()))
    assert loaded.preprocessing.to_dict() == FEATURES.to_dict()


@pytest.mark.parametrize(("source", "match"), [pytest.param(s, m, id=name) for name, s, m in MALFORMED])
def test_malformed_model_file_is_refused_naming_the_field(source, match):
    if callable(source):
        doc = _valid_doc()
        built = source(doc)
        text = built if isinstance(built, str) else _as_text(doc)
    else:
        text = source
    with pytest.raises(ValueError, match=match):
        load_model(text)


def test_huge_but_finite_weights_are_refused_or_give_finite_probabilities():
    # A file may hold any finite double; a loaded model must still answer ordinary input sensibly.
    doc = model_to_dict(_fit(activation="identity"))
    doc["coefs"][0][0] = [1.7e308] * 3
    try:
        loaded = load_model(json.dumps(doc))
    except ValueError as exc:
        assert str(exc).startswith("coefs[0]")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        p = loaded.estimator.predict_proba(np.array([[2.0, 0.0, 0.0], [0.5, -1.0, 1.0]]))
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()


# --- any one field replaced by any JSON value ----------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(node, path=()):
    """The path of every node in a JSON document, the root included."""
    yield path
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _paths(child, (*path, i))


@st.composite
def _docs_with_one_field_replaced(draw):
    doc = _valid_doc()
    path = draw(st.sampled_from(list(_paths(doc))))
    value = draw(JSON_SCALARS | JSON_VALUES)  # scalars half the time: most leaves hold one
    if not path:
        return value
    _set(*path, value)(doc)
    return doc


@settings(max_examples=200, deadline=None)
@given(_docs_with_one_field_replaced())
def test_any_replaced_field_loads_a_working_model_or_raises_value_error(doc):
    try:
        loaded = load_model(json.dumps(doc))
    except ValueError:
        return
    estimator = loaded.estimator
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        p = estimator.predict_proba(np.random.RandomState(2).randn(20, estimator.n_features_in_))
    assert p.shape == (20, 2)
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()

