"""A run's hand edits of its weights (``mlp_core.edits``) as a visitor gives them: in a link, written
``edits=40:7:0.5,41:3:-1.25`` (epoch:parameter:value, the value as Python writes a float, exactly) and read back;
checked against the limits (``limits.MAX_EDITS``, ``limits.EDIT_LIMIT``) with messages that say what is accepted;
and named as the heatmaps show them ("layer 1, W[2, 3]"). Plain Python: no streamlit.
"""

from __future__ import annotations

import math

from mlp_core.edits import Edit, merged
from ui.common.text import quoted
from ui.settings.limits import EDIT_LIMIT, MAX_EDITS

KEY = "edits"  # the link's key
FORMAT = "written epoch:parameter:value, separated by commas, like 40:7:0.5,41:3:-1.25"
DIGITS = 12  # an epoch or a parameter index written longer is no index of any network here


def encode(edits) -> str:
    """The link's text for ``edits`` (read back by ``parse`` to the same edits)."""
    return ",".join(f"{e.epoch}:{e.param}:{float(e.value)!r}" for e in edits)


def parse(text: str) -> tuple[Edit, ...]:
    """The edits a link's text stands for, in effect (``mlp_core.edits.merged``); empty text: none. ValueError, saying
    how they are written, when the text is not edits; their ranges are checked by ``edits_problem``."""
    text = text.strip()
    if not text:
        return ()
    entries = text.split(",")
    if len(entries) > MAX_EDITS:
        raise ValueError(f"a link carries at most {MAX_EDITS} edits, {FORMAT}")
    edits = []
    for entry in entries:
        fields = [f.strip() for f in entry.split(":")]
        if len(fields) != 3 or not all(_index(f) for f in fields[:2]):
            raise ValueError(f"the edits must be {FORMAT}")
        try:
            value = float(fields[2])
        except ValueError:
            raise ValueError(f"the edits must be {FORMAT}") from None
        edits.append(Edit(int(fields[0]), int(fields[1]), value))
    return merged(edits)


def _index(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= DIGITS


def edit_problem(edit: Edit, n_params: int | None, last_epoch: int, epochs: str) -> str | None:
    """What is wrong with one edit, saying what is accepted; None when nothing is. Its epoch goes from 0 to
    ``last_epoch``, which ``epochs`` names ("the epochs recorded"); its parameter is one of the network's ``n_params``
    (None: not known yet, the network of a CSV file not read); its value a number within ±``EDIT_LIMIT``."""
    if not 0 <= edit.epoch <= last_epoch:
        return f"an edit's epoch is one of {epochs}, 0 to {last_epoch}; got {edit.epoch}"
    if edit.param < 0 or (n_params is not None and edit.param >= n_params):
        numbered = "from 0" if n_params is None else f"0 to {n_params - 1}"
        return f"the network's weights and biases are numbered {numbered}; got {edit.param}"
    if not (math.isfinite(edit.value) and abs(edit.value) <= EDIT_LIMIT):
        return f"a weight or bias can be set to a number from {-EDIT_LIMIT:g} to {EDIT_LIMIT:g}; got {edit.value!r}"
    return None


def count_problem(count: int) -> str | None:
    """Why ``count`` edits are too many for a run; None when they are not."""
    if count > MAX_EDITS:
        return f"a run takes at most {MAX_EDITS} edits of its weights; got {count}"
    return None


def edits_problem(edits, n_params: int | None, last_epoch: int, epochs: str) -> str | None:
    """The first thing wrong with a run's edits (their number, then each as ``edit_problem`` checks it), or None."""
    return count_problem(len(edits)) or next(
        (found for edit in edits if (found := edit_problem(edit, n_params, last_epoch, epochs))), None)


def link_problem(edits, n_params: int | None, max_epochs: int) -> str | None:
    """Why a link's edits do not fit the run of its settings (``edits_problem``: up to its max epochs)."""
    return edits_problem(edits, n_params, max_epochs, "the run's epochs (up to its max epochs)")


def ignored(text: str, problem: str) -> str:
    """The notice for a link's edits that were ignored, quoting the link's text."""
    return f"The link's {KEY}={quoted(text)} was ignored: {problem}."


def parameter_name(table, param: int) -> str:
    """Parameter ``param`` of a network with this parameter table (``mlp_core.architecture.parameter_table``) as the
    heatmaps show it, counted from 1: "layer 1, W[2, 3]" (row 2, column 3 of the first layer's W) or "layer 2, b[1]"."""
    for layer, (_, fan_out, w_off, b_off) in enumerate(table, start=1):
        if w_off <= param < b_off:
            row, column = divmod(int(param - w_off), int(fan_out))
            return f"layer {layer}, W[{row + 1}, {column + 1}]"
        if b_off <= param < b_off + fan_out:
            return f"layer {layer}, b[{int(param - b_off) + 1}]"
    raise IndexError(f"parameter {param} is not in the table")


def is_weight(table, param: int) -> bool:
    """Whether parameter ``param`` is a weight (in a W) rather than a bias."""
    return any(w_off <= param < b_off for _, _, w_off, b_off in table)

