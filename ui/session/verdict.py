"""How a run stands at the epoch on screen, in words a class can trust.

The core says why training stopped in its own terms (``tol``, ``weight_tol``, ``max_iter``). Here that becomes
the sidebar's words, and a stop is judged by what it means: weights that stopped changing because every unit died
is no success, and a network that was alive at epoch 0 and died after a step is a learning-rate problem, not a
problem of the initial weights.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from mlp_core.explain import stuck_reason
from ui.session.recording import Recording
from ui.settings.table import in_plain_words


@dataclass(frozen=True)
class Verdict:
    kind: str  # the box: "success", "info", "warning" or "error"
    lead: str
    text: str
    cause: str | None = None  # for a stuck network: "learning rate" (it died in training) or "initial weights"


def died_at(recording: Recording, X, activation: str, epoch: int) -> int | None:
    """The first epoch whose network is stuck, if epoch ``epoch``'s is and epoch 0's was not; None otherwise.
    A stuck network stays stuck (no gradient reaches the weights below), so the epoch is found by halving."""
    def stuck(e: int) -> bool:
        snap = recording.snapshot(e)
        return stuck_reason(snap.coefs, snap.intercepts, X, activation) is not None

    if epoch == 0 or not stuck(epoch) or stuck(0):
        return None
    alive, dead = 0, epoch
    while dead - alive > 1:
        middle = (alive + dead) // 2
        alive, dead = (alive, middle) if stuck(middle) else (middle, dead)
    return dead


def overshot(recording: Recording, until: int, rise: float = 0.1) -> bool:
    """Whether the training loss rose more than ``rise`` (a share) above its lowest so far in epochs 1 to ``until``:
    the mark of steps too large, as full-batch gradient descent with a small enough step only lowers it."""
    losses = recording.scalars("loss")[1:until + 1]
    lowest = float("inf")
    for loss in losses:
        if loss > lowest * (1 + rise):
            return True
        lowest = min(lowest, loss)
    return False


# Verdicts already reached, per recording (gone with it): the page's messages, the loss chart's note and every
# render ask again, and each answer is a forward pass over the training data — more, a search over the epochs, for a
# stuck network. A Reset (a new generation) starts afresh.
_KNOWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KNOWN_PER_RUN = 16


def _known(recording: Recording, key: tuple, reach):
    generation, known = _KNOWN.get(recording, (None, {}))
    if generation != recording.generation:
        known = {}
        _KNOWN[recording] = (recording.generation, known)
    if key not in known:
        if len(known) >= _KNOWN_PER_RUN:
            known.pop(next(iter(known)))
        known[key] = reach()
    return known[key]


def stuck_verdict(recording: Recording, X, activation: str, epoch: int, learning_rate: float) -> Verdict | None:
    """Whether the network at ``epoch`` can no longer learn, and why; None when it can."""
    return _known(recording, ("stuck", epoch, id(X), activation, learning_rate),
                  lambda: _stuck_verdict(recording, X, activation, epoch, learning_rate))


def _stuck_verdict(recording: Recording, X, activation: str, epoch: int, learning_rate: float) -> Verdict | None:
    snap = recording.snapshot(epoch)
    reason = stuck_reason(snap.coefs, snap.intercepts, X, activation)
    if reason is None:
        return None
    died = died_at(recording, X, activation, epoch)
    if died is not None and overshot(recording, died):
        return Verdict("warning", f"The network died in epoch {died}:",
                       f"{reason}. It was alive before: at learning rate {learning_rate:g} the steps overshot (the "
                       "loss went up) and one of them moved the weights so far that no unit of that layer fires any "
                       "more; more epochs will not bring it back. Lower the learning rate and train again.",
                       cause="learning rate")
    since = f"in epoch {died}" if died is not None else f"at epoch {epoch}"
    return Verdict("warning", f"The network got stuck {since}:",
                   f"{reason}. More epochs will not change that — gradient descent only moves weights that receive a "
                   "gradient. This is a common fate of a small ReLU network for some initial weights: start again "
                   "from other initial weights.", cause="initial weights")


def final_verdict(recording: Recording, X, activation: str, learning_rate: float) -> Verdict | None:
    """How the run ended, shown at its last epoch: None while it is still being recorded."""
    final = recording.final
    if final is None:
        return None
    last = recording.n_epochs - 1
    if final.stop_rule == "diverged":
        return Verdict("error", f"Stopped at epoch {last}:", in_plain_words(final.stop_reason))
    stuck = stuck_verdict(recording, X, activation, last, learning_rate)
    if stuck is not None:
        return stuck  # the weights stopped changing, but because the network died: no success
    config, lead = recording.config, f"Stopped at epoch {last}:"
    if final.stop_rule == "weight_tol":
        return Verdict("success", lead, f"the weights stopped changing — no weight moved more than "
                       f"{final.max_weight_change:.2g} in the last epoch, below {config.weight_tol:g} (the article's "
                       "rule).")
    if final.stop_rule == "tol":
        return Verdict("success", lead, f"the training loss improved by less than {config.tol:g} for "
                       f"{config.n_iter_no_change} epochs in a row.")
    return Verdict("info", lead, f"the maximum number of epochs ({config.max_iter:,}) was reached; the loss may "
                   "still fall with more epochs.")
