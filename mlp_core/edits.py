"""Hand edits of a run's weights: a weight or bias set to a value at the end of an epoch, and training going on from
there.

An ``Edit`` (epoch e, index p into the flat parameter vector, value v) replaces the snapshot of epoch e — what a
view shows at "Epoch e" — by the same snapshot with p set to v: its loss and gradient are measured again at the
edited weights, over the full batch, as training measures its initial weights, and so are its accuracies. Everything
else of the run is kept: the optimizer's state, the random generator and the order of the rows, the stop rules'
counters (the snapshot's ``Resume`` data) — but for the loss the divergence rule compares with, which becomes the
edited weights' loss when that is higher: training that goes down from a worse start is not "diverging" (the rule
would stop it at the next epoch and blame the learning rate). Training goes on from the edited snapshot (``train``'s
``start``), so an edited run is the run ``train`` gives from that snapshot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .config import TrainingConfig
from .training import Snapshot, train


@dataclass(frozen=True)
class Edit:
    """Parameter ``param`` of the flat parameter vector (``architecture.parameter_table`` says where each layer's W
    and b sit) set to ``value`` at the end of epoch ``epoch`` (0: the initial weights)."""

    epoch: int
    param: int
    value: float


def merged(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """The edits in effect: one per epoch and parameter, the last given winning, ordered by epoch then parameter
    (edits of one epoch are applied together, so their order there changes nothing)."""
    last = {(e.epoch, e.param): e for e in edits}
    return tuple(last[key] for key in sorted(last))


def branched(edits: Iterable[Edit], edit: Edit) -> tuple[Edit, ...]:
    """The edits in effect once ``edit`` is made on a run paused at its epoch: those of the epochs up to its own, and
    ``edit`` (it wins for its parameter); those of later epochs belonged to the epochs the run goes on without."""
    return merged([*(e for e in edits if e.epoch <= edit.epoch), edit])


def edited_snapshot(snap: Snapshot, edits: Sequence[Edit], X, y, config: TrainingConfig, X_val=None, y_val=None,
                    evaluate_every: int = 1, n_classes: int = 2) -> Snapshot:
    """``snap`` with each edit's parameter set to its value (the later winning), and its loss (L2 term included),
    gradient and accuracies measured at those weights over the full batch, exactly as ``train`` measures the initial
    weights of epoch 0 (it does, here); its epoch, largest weight change and ``Resume`` data are kept, the divergence
    rule's starting loss raised to the edited loss when that is higher. A stop at an epoch before ``max_iter`` is
    lifted: training goes on from the edited weights."""
    params = snap.params.copy()
    for edit in edits:
        params[edit.param] = edit.value
    arch = snap.architecture
    measured = next(train(X, y, config, X_val, y_val, evaluate_every=evaluate_every,
                          initial_params=(arch.coefs(params), arch.intercepts(params)), n_classes=n_classes))
    stop = {} if snap.epoch >= config.max_iter else {"stop_rule": None, "stop_reason": None}
    resume = snap.resume
    if resume is not None and measured.loss > resume.initial_loss:
        resume = dataclasses.replace(resume, initial_loss=measured.loss)
    return dataclasses.replace(snap, params=measured.params, grads=measured.grads, loss=measured.loss,
                               accuracy=measured.accuracy, val_loss=measured.val_loss,
                               val_accuracy=measured.val_accuracy, resume=resume, **stop)


def train_with_edits(X, y, config: TrainingConfig, edits: Sequence[Edit], X_val=None, y_val=None,
                     evaluate_every: int = 1, initial_params=None, resumable=None, start: Snapshot | None = None,
                     n_classes: int = 2) -> Iterator[Snapshot]:
    """``mlp_core.training.train`` with ``edits``: whenever it yields the snapshot of an edited epoch, the edited
    snapshot (``edited_snapshot``) is yielded instead, and training goes on from it. The arguments are ``train``'s;
    from ``start``, the edits of the epochs after it are applied (those of its own epoch are in it already). An edited
    epoch's snapshot carries its ``Resume`` data, whatever ``resumable`` asks."""
    after = -1 if start is None else start.epoch
    pending: dict[int, list[Edit]] = {}
    for edit in edits:
        if edit.epoch > after:
            pending.setdefault(edit.epoch, []).append(edit)
    asked = resumable or (lambda epoch: False)

    def run_from(snap: Snapshot | None) -> Iterator[Snapshot]:
        return train(X, y, config, X_val, y_val, evaluate_every=evaluate_every, initial_params=initial_params,
                     resumable=lambda epoch: epoch in pending or asked(epoch), start=snap, n_classes=n_classes)

    run = run_from(start)
    while run is not None:
        current, run = run, None
        for snap in current:
            changes = pending.pop(snap.epoch, None)
            if changes is not None:
                snap = edited_snapshot(snap, changes, X, y, config, X_val, y_val, evaluate_every, n_classes)
                current.close()
                run = run_from(snap)
            yield snap
            if run is not None:
                break
