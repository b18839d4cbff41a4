"""The settings table (ui/settings.py) and the link's round trip (ui/config.py): one declaration per setting,
values from a link kept exactly when valid, and every other value named in a plain-text notice."""

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.common.text import QUOTE_CHARS
from ui.settings import limits
from ui.settings.experiment import DataSettings, Experiment, NetworkSettings, TrainingSettings, ViewSettings, problems
from ui.settings.link import from_query, to_query
from ui.settings.table import BY_FIELD, BY_KEY, SETTINGS, in_plain_words, parse_hidden


def test_every_field_of_an_experiment_is_declared_once_with_its_default():
    parts = {"data": DataSettings, "network": NetworkSettings, "train": TrainingSettings, "view": ViewSettings}
    fields = {(part, f.name) for part, cls in parts.items() for f in dataclasses.fields(cls)}
    assert fields == set(BY_FIELD)
    assert len({s.key for s in SETTINGS}) == len(SETTINGS) == len({s.widget_key for s in SETTINGS})
    for s in SETTINGS:
        assert getattr(getattr(Experiment(), s.part), s.field) == s.default
        assert s.accepts(s.default), s.key
        assert s.parse(s.encode(s.default)) == s.default


def test_each_setting_accepts_its_bounds_and_refuses_just_outside():
    for s in SETTINGS:
        if s.kind in ("int", "float"):
            assert s.parse(s.encode(s.low)) == s.low and s.parse(s.encode(s.high)) == s.high
            below, above = (s.low - 1, s.high + 1) if s.kind == "int" else (s.low - 1e-9, s.high * 1.0001 + 1e-9)
            for outside in (below, above):
                with pytest.raises(ValueError, match="must be"):
                    s.parse(s.encode(outside))


# The cases of the issue, found by editing links by hand: each either crashed the page or was silently rewritten.
KEPT_EXACTLY = {"n": ["20", "49", "437", "2001", "5000"], "seed": ["100001", "4294967295"], "dseed": ["10001"],
                "lr": ["0.05", "1e-06", "10"], "alpha": ["0.05", "10"], "batch": ["7", "5000", "full"],
                "speed": ["7"], "mom": ["0.99", "0.123"], "noise": ["0.123"], "test": ["0.3"]}
REFUSED = {"n": ["19", "5001", "20000", "4e2", ""], "mom": ["0.995", "1"], "seed": ["-1", "4294967296"],
           "dseed": ["-1"], "lr": ["1e-9", "100", "0", "nan", "inf"], "alpha": ["100", "-1"],
           "batch": ["0", "100000"], "speed": ["0", "241"], "hidden": ["3,x", "65", "1,1,1,1,1,1,1"],
           "act": ["softmax", "![x](http://example.invalid/x.png)"], "log": ["yes"], "slices": ["6"]}


@pytest.mark.parametrize("key,text", [(k, v) for k, values in KEPT_EXACTLY.items() for v in values])
def test_a_valid_value_from_a_link_is_kept_exactly(key, text):
    exp, notices = from_query({key: text})
    s = BY_KEY[key]
    assert notices == [] and exp.get(s) == s.parse(text)
    assert from_query(to_query(exp)) == (exp, [])


@pytest.mark.parametrize("key,text", [(k, v) for k, values in REFUSED.items() for v in values])
def test_an_invalid_value_is_ignored_with_a_notice_naming_the_key_and_the_accepted_values(key, text):
    exp, notices = from_query({key: text, "ds": "xor"})
    assert exp == Experiment(DataSettings(dataset="xor"))  # the rest of the link is applied
    assert len(notices) == 1 and notices[0].startswith(f"The link's {key}=")
    assert BY_KEY[key].accepted() in notices[0]


def test_present_round_trips_through_the_link():
    exp, notices = from_query({"present": "1"})
    assert notices == [] and exp == Experiment(view=ViewSettings(present=True))
    assert to_query(exp) == {"present": "1"} and from_query(to_query(exp)) == (exp, [])
    assert to_query(Experiment()) == {}  # off by default, and then not in the link
    exp, notices = from_query({"present": "yes"})
    assert not exp.view.present
    assert notices == ["The link's present='yes' was ignored: the present mode must be 0 or 1."]


def test_the_slices_two_inputs_must_differ_and_exist():
    exp, notices = from_query({"x": "0", "y": "0"})
    assert (exp.view.x_input, exp.view.y_input) == (0, 1) and "two different inputs" in notices[0]
    exp, notices = from_query({"x": "2", "y": "7"})
    assert (exp.view.x_input, exp.view.y_input) == (2, 1) and "3 inputs" in notices[0]
    assert from_query({"x": "2", "y": "0"}) == (Experiment(view=ViewSettings(x_input=2, y_input=0)), [])


def test_a_run_over_the_work_limit_is_refused_from_a_link_with_what_to_change():
    big = {"hidden": "64,64,64,64,64,64", "n": "5000", "lr": "0.01"}
    most = limits.max_run_epochs(limits.parameter_count(3, (64,) * 6), 3751, None)
    assert 1000 <= most < 5000  # the largest network on the most points: fewer epochs than the sidebar allows
    exp, notices = from_query({**big, "epochs": str(most)})
    assert notices == [] and exp.network.hidden == (64,) * 6 and exp.train.max_epochs == most
    exp, notices = from_query({**big, "epochs": str(most + 1)})
    assert notices == [f"The link's epochs='{most + 1}' was ignored: this run is larger than one visitor may ask of "
                       f"the shared server: {most + 1:,} epochs of a network of 21,121 parameters on 3,751 training "
                       f"rows. Use at most {most:,} max epochs with this network and data, or a smaller network, "
                       "fewer rows."]
    assert exp == Experiment(DataSettings(n=5000), NetworkSettings((64,) * 6), TrainingSettings(learning_rate=0.01))
    # With one row a step, the default 1,000 epochs are too many as well: the network goes too, and says so.
    exp, notices = from_query({**big, "batch": "1"})
    assert len(notices) == 1 and notices[0].startswith("The link's hidden='64,64,64,64,64,64' was ignored")


def test_markup_and_long_values_are_cut_short_in_notices():
    long = "![x](http://example.invalid/x.png)" * 20
    _, notices = from_query({"act": long, "lr": "$\\rule{2000px}{300px}$"})
    assert all(len(n) < 400 for n in notices)
    assert long[:QUOTE_CHARS] + "…" in notices[0] and long[:QUOTE_CHARS + 1] not in notices[0]


def test_repeated_and_unknown_keys_are_named():
    exp, notices = from_query({"lr": ["0.3", "0.03"], "learning_rate": "1", "embed": "true"})
    assert exp.train.learning_rate == 0.03
    assert any("gives lr 2 times" in n for n in notices) and any("'learning_rate' is not a setting" in n
                                                                  for n in notices)
    assert not any("embed" in n for n in notices)  # Streamlit's own


def test_core_messages_are_put_in_the_sidebars_words():
    assert in_plain_words("learning_rate_init must be > 0, got 0") == "learning rate must be > 0, got 0"
    assert in_plain_words("max_iter must be an integer >= 1") == "max epochs must be an integer >= 1"
    assert in_plain_words("alpha must be >= 0 (alphabet)") == "L2 penalty (alpha) must be >= 0 (alphabet)"
    with pytest.raises(ValueError, match="^learning rate must be > 0"):
        TrainingSettings(learning_rate=0.0).training_config(NetworkSettings())


def test_hidden_layers_parse_with_messages():
    assert parse_hidden(" 3, 2 ") == (3, 2) and parse_hidden("none") == ()
    with pytest.raises(ValueError, match="like 3,2"):
        parse_hidden("three")


def _valid_values(s):
    """Values the table accepts for a setting, boundaries included."""
    if s.kind == "choice":
        return st.sampled_from(list(s.options))
    if s.kind == "bool":
        return st.booleans()
    if s.kind == "layers":
        return st.lists(st.integers(int(s.low), int(s.high)), max_size=s.max_layers).map(tuple)
    if s.kind == "batch":
        return st.one_of(st.none(), st.integers(int(s.low), int(s.high)))
    if s.kind == "int":
        return st.integers(int(s.low), int(s.high))
    return st.floats(s.low, s.high, allow_nan=False)


experiments = st.fixed_dictionaries({s: _valid_values(s) for s in SETTINGS}).map(Experiment().with_values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(experiments)
def test_settings_to_link_to_settings_is_the_identity_for_every_valid_experiment(exp):
    back, notices = from_query(to_query(exp))
    if problems(exp):  # a combination refused as a whole: said, and the rest kept
        assert notices and not problems(back)
    else:
        assert back == exp and notices == []


_texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "0", "-0", "1e309", "nan", "-inf", "1_000", "0x10", "３", "١٢", "full", "none",
                     "3,,2", "64," * 7, "<b>x</b>", "[a](b)", "![x](http://e.invalid/x.png)", "$x$", ":smile:",
                     "\u202e1", "a" * 5000]),
    st.integers(-(2**40), 2**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
queries = st.dictionaries(st.one_of(st.sampled_from([s.key for s in SETTINGS]), st.text(max_size=10)),
                          st.one_of(_texts, st.lists(_texts, min_size=1, max_size=3)), max_size=8)


@settings(max_examples=500, deadline=None)
@given(queries)
def test_any_query_string_gives_usable_settings_and_short_plain_notices(query):
    exp, notices = from_query(query)
    assert problems(exp) == []
    for notice in notices:
        assert isinstance(notice, str) and len(notice) < 600
    assert from_query(to_query(exp)) == (exp, [])
    for s in SETTINGS:
        value = exp.get(s)
        assert not (isinstance(value, float) and not math.isfinite(value))
