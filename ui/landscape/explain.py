"""The Landscape page's words: what the plane is, why the path looks as it does, and who won the race — the text
for a learner, written from the numbers of the visitor's own run (plain Python: no streamlit)."""

from __future__ import annotations

from mlp_core.landscape import Landscape
from mlp_core.race import Lap
from ui.common.text import literal
from ui.settings.table import in_plain_words

LI = ("Li, Xu, Taylor, Studer and Goldstein, *Visualizing the Loss Landscape of Neural Nets*, NeurIPS 2018")
GOODFELLOW = ("Goodfellow, Vinyals and Saxe, *Qualitatively characterizing neural network optimization problems*, "
              "ICLR 2015")
INTRO = (
    "Training moves the network's weights downhill on the loss — but the loss is a surface over as many dimensions as "
    "the network has weights and biases (23 for the article's network), which no one can draw. This page draws two "
    f"slices of it that can be drawn, as the research papers do. A **plane** through the weights where training "
    f"ended, spanned by the two directions in which training moved most (following {LI}): every point of the map is a "
    "whole network, and the path is the Playground's run, epoch by epoch, seen from above. And the **line** from the "
    f"initial to the final weights ({GOODFELLOW}). Below, a **race**: four optimizers start from the same weights."
)
PLANES = {"pca": "Directions of the path (PCA)", "random": "Random directions, filter-normalized"}
PROFILE_TEXT = (
    "**The line.** Goodfellow et al. asked whether training is hard because of hills between the start and the end. "
    "Walking in a straight line from the initial weights (a = 0) to the final ones (a = 1), they often found the loss "
    "falling smoothly, without a bump: the straight way down was open, even though training never took it — the path "
    "on the map curves. Beyond a = 1 the line leaves the minimum on the other side, and the loss rises again."
)
RACE_INTRO = (
    "Each optimizer turns the same gradients into different steps. **Gradient descent** steps straight down the "
    "slope, a learning rate times the gradient. **Momentum** keeps 90 % of its last step and adds the new one, like a "
    "ball rolling: it gathers speed on a long slope and overshoots a narrow valley. **Nesterov** momentum takes the "
    "gradient where the momentum is about to carry it, and so brakes earlier. **Adam** divides each weight's step by "
    "the typical size of its gradients, so that every weight moves about as far per step. All start from the "
    "Playground's initial weights, on its data and with its settings; their paths are drawn on one plane, spanned "
    "by the directions in which all of them moved (a run that diverged is left out of that choice: its last weights "
    "lie far away)."
)


def plane_text(landscape: Landscape, final, points: int) -> str:
    """What this plane is and how far to trust the path drawn on it, with this run's numbers."""
    grid = f"The map is the training loss (the L2 term included) computed at {points} × {points} points of the plane."
    if landscape.plane.kind == "random":
        return (
            f"**Random directions.** {grid} Each direction is random, then scaled unit by unit to the length of that "
            "unit's incoming weights: Li et al.'s *filter normalization*, which makes a step of 1 change every unit "
            "by as much as its own weights, so that maps of differently scaled networks compare. Such a plane shows "
            "the shape of the minimum around the final weights, but not the path: in a space of many dimensions two "
            "random directions are nearly orthogonal to the directions training moved in, so the path's projection "
            "crumples towards the origin. That is why Li et al. draw trajectories on the path's own directions."
        )
    share = float(landscape.plane.shares.sum())
    trust = (
        "The path lies almost entirely in this plane. Almost is not all: the little movement left outside it can still "
        "change the loss (near the start above all, where the steps are long), so the map under a point of the path "
        "need not be the loss the weights had there — the caption under the map gives both at the marker."
        if share >= 0.95 else
        "The rest of the path's movement is outside the plane: its projection can cross contours of losses the "
        "weights never had (the caption under the map gives both at the marker)."
    )
    if final is not None and final.stop_rule == "diverged":
        why = ("**Why the path looks as it does.** This run **diverged**: each step was so long that it overshot the "
               "valley and landed higher up on its far side, so the path jumps away from the low ground instead of "
               "settling into it, until the loss more than doubled and training stopped. The origin is the last "
               "finite weights; lower the learning rate on the Playground to see the path settle.")
    else:
        why = ("**Why the path looks as it does.** Gradient descent steps against the gradient, across the contours. "
               "Early on the slope is steep and the steps long, so the first epochs' points lie far apart; near the "
               "minimum the gradient, and with it every step, shrinks, so the last epochs crowd together near the "
               "origin. A path that curves first runs down the steepest wall of a valley and then along its floor, "
               "where the slope is gentle: that slow final stretch is most of a run's epochs.")
    return (
        f"**The plane.** {grid} Its origin is the final weights; the two directions are the principal components of "
        "the path's offsets from there (the weights at every recorded epoch minus the final weights), the directions "
        f"in which the path moved most: together they hold {share:.1%} of the path's squared distance to the end, as "
        f"the axes say. {trust}\n\n{why}"
    )


def where_the_marker_is(epoch: int, true_loss: float, map_loss: float, distance: float) -> str:
    """The caption under the map: the marker's epoch, the loss of its real weights and of its projection."""
    return (f"Epoch {epoch}: the training loss of its weights is {true_loss:.4g}; the map under the marker reads "
            f"{map_loss:.4g}, the loss of its projection, {distance:.3g} away in the directions the plane leaves out. "
            "The Playground's loss curve shows this epoch's loss one epoch later: it measures each epoch before its "
            "update, as scikit-learn's loss_curve_ does (with mini-batches, as the mean of the batches' losses).")


def standings(laps: tuple[Lap, ...], best: Lap | None) -> str:
    """Who reached the lowest training loss and at which epoch, and how each run ended."""
    lines = []
    if best is None:
        lines.append("**Every optimizer diverged** at this learning rate: lower it on the Playground.")
    else:
        lines.append(f"**{best.contender.name}** reached the lowest training loss, **{best.best_loss:.4g}**, at epoch "
                     f"{best.best_epoch}.")
    for lap in laps:
        if lap.diverged:
            end = f"**diverged** in epoch {len(lap.losses)}"
        elif lap.stop_rule == "max_iter":
            end = f"ran all {len(lap.losses) - 1} epochs"
        else:
            end = f"stopped after epoch {len(lap.losses) - 1}: {literal(in_plain_words(lap.stop_reason))}"
        lines.append(f"- {lap.contender.name}: lowest loss {lap.best_loss:.4g} at epoch {lap.best_epoch}; {end}")
    return "\n".join(lines)
