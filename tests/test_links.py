"""Links as visitors write them, opened on every page under AppTest: no page ever fails, valid settings are
kept exactly (the sidebar's widgets hold them, and the URL written back reads as the same settings), and
every notice is plain text. The run's hand edits (``edits``) too: kept exactly, or ignored with a notice."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, messages, session_of
from ui.common.text import literal
from ui.settings.limits import EDIT_LIMIT, MAX_EDITS
from ui.settings.link import from_query, to_query
from ui.settings.table import SETTINGS

ROOT = Path(APP).parent
# The main page through app.py (its navigation), the others opened directly as a link to them opens them.
PAGES = [APP, *(str(p) for p in sorted((ROOT / "app_pages").glob("*.py")) if p.name != "0_Playground.py")]


def _numbers(s):
    """A numeric setting's texts: inside, at and just outside its range, and of the wrong type."""
    low, high = s.low, s.high
    if s.kind in ("int", "batch"):
        inside = st.integers(int(low), int(high)).map(str)
        edges = [low, high, low - 1, high + 1]
    else:
        inside = st.floats(low, high, allow_nan=False).map(repr)
        edges = [low, high, low - 1e-9, high + 1e-6]
    edges = [repr(v) if isinstance(v, float) else str(int(v)) for v in edges]
    return st.one_of(inside, st.sampled_from([*edges, "1.5", "x", "", "1e999"]))


def _texts(s):
    """Texts for one setting: its valid values, its edges and neighbours, and hostile ones."""
    hostile = st.sampled_from(["![x](http://example.invalid/x.png)", "[click](http://example.invalid)",
                               "$\\rule{2000px}{300px}$", "<img src=x onerror=alert(1)>", "**bold**", ":smile:",
                               "\u202eevil", "é" * 300, "a" * 3000, " ", "null", "None"])
    if s.kind == "choice":
        own = st.sampled_from(list(s.options))
    elif s.kind == "bool":
        own = st.sampled_from(["0", "1", "true", "false", "2"])
    elif s.kind == "layers":
        own = st.one_of(st.lists(st.integers(0, 70), max_size=7).map(lambda h: ",".join(map(str, h)) or "none"),
                        st.sampled_from(["3,2", "none", "64,64,64,64,64,64", "3;2", "3,2,"]))
    else:
        own = _numbers(s)
    return st.one_of(own, own, hostile)


# A link's hand edits spelt oddly or with hostile values: not edits, too many, not finite, too large, of a parameter the
# network does not have or an epoch past the run's, long texts, other digits and number syntaxes.
HOSTILE_EDITS = ["40-7-0.5", "40:7", "40:7:0.5:1", "x:y:z", "-1:7:0.5", "40:7:nan", "40:7:inf", "40:7:-inf",
                 "40:7:1e999", "40:7:1e300", "40:7:100.000001", "40:23:0.5", "40:9999999:0.5", "5001:1:0.5",
                 ",".join(["1:1:0.5"] * (MAX_EDITS + 1)), "1:1:" + "9" * 10_000, "1:1:0.5," * 2500, "é" * 10_000,
                 "40:7:0x10", "40:7:1_0", "４０:7:0.5"]


def _edits():
    """The link's ``edits``: valid ones for the default network and epochs (a link's other settings may make them
    invalid), and hostile ones."""
    edit = st.tuples(st.integers(0, 1000), st.integers(0, 22), st.floats(-EDIT_LIMIT, EDIT_LIMIT, allow_nan=False))
    valid = st.lists(edit, min_size=1, max_size=4).map(lambda es: ",".join(f"{e}:{p}:{v!r}" for e, p, v in es))
    return st.tuples(st.just("edits"), st.one_of(valid, st.sampled_from(HOSTILE_EDITS)))


def _query():
    setting = st.sampled_from(SETTINGS).flatmap(lambda s: st.tuples(st.just(s.key), _texts(s)))
    pairs = st.lists(st.one_of(setting, setting, setting, _edits()), max_size=8)
    extra = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=20)), max_size=1)
    return st.tuples(pairs, extra).map(lambda p: _as_query(p[0] + p[1]))


def _as_query(pairs):
    """Pairs as AppTest takes them: a key given several times becomes a list (a repeated key in the URL)."""
    query = {}
    for key, value in pairs:
        if key in query:
            query[key] = [*(query[key] if isinstance(query[key], list) else [query[key]]), value]
        else:
            query[key] = value
    return query


def _open(page: str, query: dict) -> AppTest:
    at = AppTest.from_file(page, default_timeout=120)
    at.query_params.update(query)
    return at.run()


def _check(page: str, query: dict) -> None:
    expected, notices = from_query(query)
    at = _open(page, query)
    assert not at.exception, [e.value for e in at.exception]
    assert session_of(at).experiment == expected  # kept exactly, the sidebar's widgets included
    shown = [m.value for m in at.info]
    for notice in notices:
        assert literal(notice) in shown  # a link's text is shown as plain text, never as markup
    if page == APP:
        written = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
        assert written == to_query(expected) and from_query(written) == (expected, [])
        errors = messages(at, "error")
        assert not errors, errors


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(query=_query())
def test_any_link_opens_every_page_and_keeps_its_valid_settings_exactly(page, query):
    _check(page, query)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_the_links_of_the_issue_open_every_page(page):
    """The links found by hand: each crashed a page, was silently rewritten, or showed markup."""
    for query in ({"n": "20"}, {"n": "2001"}, {"mom": "0.995"}, {"mom": "1"}, {"seed": "100001"},
                  {"dseed": "10001"}, {"lr": "1e-9"}, {"lr": "0.05"}, {"alpha": "100"}, {"batch": "7"},
                  {"speed": "7"}, {"x": "0", "y": "0"}, {"act": "![x](http://example.invalid/x.png)"},
                  {"act": "[click](http://example.invalid)"}, {"act": "$\\rule{2000px}{300px}$"}):
        _check(page, query)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_a_links_edits_open_every_page_kept_exactly_or_ignored_with_a_notice(page):
    for query in ({"edits": "0:3:0.5,40:7:-1.25"}, {"edits": "3:40:2.5", "hidden": "8,4", "epochs": "300"},
                  *({"edits": text, "lr": "0.3"} for text in HOSTILE_EDITS)):
        _check(page, query)
        expected, notices = from_query(query)
        assert bool(expected.edits) != bool(notices), (query, notices)  # kept, or said to be ignored
