"""An experiment's settings to and from the link's query string.

As in TensorFlow Playground, the whole configuration — the random seeds included — lives in the query
string, so a link reproduces an experiment: the valid values are kept exactly, the others named in notices.
The run's hand edits of its weights go with them (``edits``, ``ui.settings.edits``), so a link opens the same edited
run. Plain Python: no streamlit.
"""

from __future__ import annotations

import dataclasses

from mlp_core.datasets import FEATURE_NAMES
from ui.common.text import quoted
from ui.settings import edits as hand
from ui.settings.experiment import Experiment, problems
from ui.settings.limits import parameter_count
from ui.settings.table import BY_KEY, SETTINGS

# Query-string keys Streamlit itself uses; a link may carry them.
STREAMLIT_KEYS = frozenset({"embed", "embed_options"})


def to_query(exp: Experiment) -> dict[str, str]:
    """The settings that differ from the defaults, and the run's edits if it has any, as query-string pairs."""
    query = {s.key: s.encode(exp.get(s)) for s in SETTINGS if exp.get(s) != s.default}
    if exp.edits:
        query[hand.KEY] = hand.encode(exp.edits)
    return query


def from_query(query: dict[str, str | list[str]]) -> tuple[Experiment, list[str]]:
    """Settings from a query string (a key given twice: its last value). A value that is valid is kept exactly;
    one that is not is ignored with a notice naming the key and what it accepts, and the rest of the link is
    applied, so a damaged link still opens the app. The edits are checked last, against the network and the epochs
    the rest of the link sets. Notices are plain text (see ``ui.common.text``)."""
    values, edits, edits_text, notices = {}, (), "", []
    for key, given in query.items():
        text = given[-1] if isinstance(given, list) else given
        s = BY_KEY.get(key)
        if s is None and key != hand.KEY:
            if key not in STREAMLIT_KEYS:
                notices.append(f"The link's {quoted(key)} is not a setting of this app and was ignored.")
            continue
        if isinstance(given, list) and len(given) > 1:
            notices.append(f"The link gives {key} {len(given)} times; its last value is used.")
        try:
            if s is None:
                edits, edits_text = hand.parse(text), text
            else:
                values[s] = s.parse(text)
        except ValueError as exc:
            notices.append(f"The link's {key}={quoted(text)} was ignored: {exc}.")
    exp = Experiment().with_values(values)
    for _ in range(len(SETTINGS)):  # drop a setting a combination problem names, one at a time
        found = problems(exp)
        culprit = next((BY_KEY[k] for k in found[0].keys if BY_KEY[k] in values), None) if found else None
        if culprit is None:  # fine, or a problem of the defaults alone, which no link can mend
            break
        del values[culprit]
        notices.append(f"The link's {culprit.key}={quoted(culprit.encode(exp.get(culprit)))} was ignored: "
                       f"{found[0].text}.")
        exp = Experiment().with_values(values)
    problem = edits_problem(exp, edits)
    if problem:
        notices.append(hand.ignored(edits_text, problem))
        edits = ()
    return dataclasses.replace(exp, edits=edits), notices


def edits_problem(exp: Experiment, edits) -> str | None:
    """Why a link's edits do not fit the run its other settings make: an epoch past the max epochs, a parameter the
    network does not have (known before the data only for a teaching dataset), too many, a value out of range."""
    synthetic = exp.data.source == "synthetic"
    n_params = parameter_count(len(FEATURE_NAMES), exp.network.hidden) if synthetic else None
    return hand.link_problem(edits, n_params, exp.train.max_epochs)
