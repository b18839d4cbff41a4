"""What one visitor's work may cost the server, in one place: a training run, a comparison with scikit-learn,
an experiment or a gradient check on the Learn page, a loss landscape or a race of optimizers; and what one frame
of the live views may cost the browser. Also how far a visitor may edit a run's weights by hand.
The pages ask here before they start any work, whatever path the settings came by (the sidebar, a link, another
page); the README states the same limits.

Work is counted in row-parameter steps — one parameter of the network applied to one row, forward and
backward — plus a fixed cost per gradient step: on this project's 2-core machine the fused kernels do a
row-parameter step in about 0.3 ns, and a gradient step costs about 4 µs plus 8 ns a parameter
(``python bench/heavy.py`` prints the machine's own figures). Plain Python: no streamlit.
"""

from __future__ import annotations

import math

from mlp_core.landscape import GRID_POINTS, PROFILE_POINTS

# One run on the main page: about a minute of one core here.
RUN_WORK = 2e11
# What one run's recording may hold in the server's memory, and the browser in the page's: the weights of the
# epochs it keeps (see ui/session/recording.py); any other epoch is recomputed from the nearest kept one.
RECORDING_BUDGET = 64 * 2**20
# Training a new run before it is first drawn (the rest is recorded while it plays), and what of each second a run
# that is still being recorded may take while it plays: the 6 × 64 network on 2,000 points records about 70 epochs
# a second here, so half a second keeps ahead of a playback at 30 a second.
FIRST_DRAW_SECONDS = 0.05
RECORD_SECONDS = 0.5
# Hand edits of a run's weights (the live network graph, or a link's ``edits``): at most this many per run, each
# value within ±EDIT_LIMIT (the weights the article's network learns stay within a few units).
MAX_EDITS = 20
EDIT_LIMIT = 100.0
# One computation on another page (a comparison, the Learn page's ReLU-against-sigmoid runs): a few seconds.
PAGE_WORK = 1e10
# One gradient check: losses computed in extended precision, about 3.6 ns a row-parameter step here, and at
# least about 30 µs a layer however few the rows (NumPy's cost per call): about a second here.
CHECK_WORK = 2.5e8
CHECK_LAYER_FLOOR = 8_000  # what one layer of a loss costs at least, in row-parameter steps
CHECKED_PARAMETERS = 200  # a large network's gradients are checked on an evenly spread sample of this many
CHECKED_ROWS = 5000  # the batch whose gradient is written out and checked: the training set, or its first rows
COMPARE_EPOCHS = 1000
# scikit-learn's partial_fit costs about 1 ms a call beyond the arithmetic, and each batch about 70 µs:
# cap the weight updates per comparison so that it takes seconds, not minutes.
COMPARE_UPDATES = 20_000

# The Landscape page: recording the rest of a run in half a page's work, then the loss over a plane's grid and along
# the initial-to-final line (each point one full-batch loss, as costly as an epoch of full-batch descent) in the other
# half; a race of optimizers trains within a page's work, and draws its landscape within half another. The weights
# of at most PATH_EPOCHS epochs (and PATH_FLOATS numbers) make a path.
LANDSCAPE_WORK = PAGE_WORK
LANDSCAPE_GRID = (11, GRID_POINTS)  # points a side, at least and at most
PATH_EPOCHS = 5000  # the most epochs a run may have: every epoch of a small network's run
PATH_FLOATS = 4_000_000  # 32 MB of float64
# The Playground's landscape view: its map and line are computed on the server once per run (when its recording is
# complete, or paused), within a tenth of the page's budget — a fraction of a second — or not drawn live at all.
LIVE_LANDSCAPE_WORK = PAGE_WORK / 10


# What the browser may compute for one frame of the boundary views (multiply-adds of the forward pass over their
# grids; about 0.8 per ns in Chromium here): the slices and the 3-D view of a large network are drawn on coarser
# grids, so that the views keep up with the playback. The article's network gets the finest grids.
SLICES_FRAME_WORK = 4e6
VIEW3D_FRAME_WORK = 3e6
SLICES_GRID = (8, 56)  # points a side of a slice, at least and at most
VIEW3D_GRID = (5, 16)
# The network graph's dead-unit check runs in the browser over the training rows: at most this many numbers of them
# travel with a run's views (800 KB of float32; an evenly spread sample of a larger table's rows).
UNIT_ROWS_VALUES = 200_000


def slices_grid(weights: int, panels: int) -> int:
    """Points a side of each slice's grid for a network of ``weights`` weights."""
    return int(min(SLICES_GRID[1], max(SLICES_GRID[0], (SLICES_FRAME_WORK / (panels * max(weights, 1))) ** 0.5)))


def view3d_grid(weights: int) -> int:
    """Points a side of the 3-D view's grid."""
    return int(min(VIEW3D_GRID[1], max(VIEW3D_GRID[0], (VIEW3D_FRAME_WORK / max(weights, 1)) ** (1 / 3))))


def parameter_count(n_inputs: int, hidden: tuple[int, ...], outputs: int = 1) -> int:
    """The network's weights and biases; ``outputs``: the units of its last layer (one for two classes)."""
    units = (n_inputs, *hidden, outputs)
    return sum(a * b + b for a, b in zip(units[:-1], units[1:], strict=True))


def batches(rows: int, batch_size: int | None) -> int:
    return math.ceil(rows / min(batch_size or rows, rows)) if rows else 0


def epoch_work(parameters: int, rows: int, batch_size: int | None) -> float:
    """One epoch's work: every row through every parameter, and each gradient step's own cost."""
    return parameters * rows + batches(rows, batch_size) * (27 * parameters + 13_000)


def max_run_epochs(parameters: int, rows: int, batch_size: int | None) -> int:
    """The most epochs one run of the main page may train."""
    return int(RUN_WORK // epoch_work(parameters, rows, batch_size))


def run_problem(n_inputs: int, hidden: tuple[int, ...], rows: int, batch_size: int | None, epochs: int) -> str | None:
    """Why this run would cost more than one visitor may ask of the server, and what to change; None if it fits."""
    parameters = parameter_count(n_inputs, hidden)
    most = max_run_epochs(parameters, rows, batch_size)
    if epochs <= most:
        return None
    if most >= 1:
        fix = f"Use at most {most:,} max epochs with this network and data, or a smaller network, fewer rows"
    else:
        fix = "Use a smaller network or fewer rows"
    fix += " or larger batches" if batch_size else ""
    return (f"this run is larger than one visitor may ask of the shared server: {epochs:,} epochs of a network of "
            f"{parameters:,} parameters on {rows:,} training rows{_in_batches(batch_size)}. {fix}")


def _in_batches(batch_size: int | None) -> str:
    return f" in batches of {batch_size}" if batch_size else ""


def page_epochs(parameters: int, rows: int, batch_size: int | None, runs: int = 1) -> int:
    """The most epochs ``runs`` trainings side by side may take on a page other than the main one."""
    return max(1, int(PAGE_WORK // (runs * epoch_work(parameters, rows, batch_size))))


def compare_epochs(parameters: int, rows: int, batch_size: int | None) -> int:
    """The most epochs a comparison with scikit-learn runs: ours, scikit-learn's path one partial_fit an epoch,
    and a plain fit to time it, about as costly each."""
    return max(1, min(COMPARE_EPOCHS, COMPARE_UPDATES // batches(rows, batch_size),
                      page_epochs(parameters, rows, batch_size, runs=3)))


def loss_work(weights: int, layers: int, rows: int) -> int:
    """One loss of a gradient check, in row-parameter steps of extended precision."""
    return max(rows * weights, layers * CHECK_LAYER_FLOOR)


def gradient_check_plan(parameters: int, weights: int, layers: int, rows: int) -> tuple[int, int]:
    """(rows, parameters) a batch gradient check uses: all of both when they fit in ``CHECK_WORK``, else the
    first rows and an evenly spread sample of ``CHECKED_PARAMETERS`` parameters."""
    rows = min(rows, CHECKED_ROWS)
    if 2 * parameters * loss_work(weights, layers, rows) > CHECK_WORK:
        wanted = min(parameters, CHECKED_PARAMETERS)
        rows = max(1, min(rows, int(CHECK_WORK // (2 * wanted * weights))))
    return rows, checked_parameters(parameters, weights, layers, rows)


def checked_parameters(parameters: int, weights: int, layers: int, rows: int) -> int:
    """How many parameters a gradient check on ``rows`` rows may nudge (two losses each)."""
    return max(1, min(parameters, int(CHECK_WORK // (2 * loss_work(weights, layers, rows)))))


def landscape_grid(parameters: int, rows: int, budget: float = LANDSCAPE_WORK / 2) -> int:
    """Points a side of a landscape's grid that, with the initial-to-final line, fit in ``budget`` (half the page's
    work: the other half records the run); 0 when not even the coarsest grid does."""
    evaluations = budget / epoch_work(parameters, rows, None) - PROFILE_POINTS
    side = int(max(evaluations, 0.0) ** 0.5)
    return min(LANDSCAPE_GRID[1], side) if side >= LANDSCAPE_GRID[0] else 0


def landscape_problem(parameters: int, rows: int, budget: float = LANDSCAPE_WORK / 2) -> str | None:
    """Why no landscape of this network on this data fits in one visitor's share of the server (``budget``), and
    what to change; None when one does."""
    if landscape_grid(parameters, rows, budget):
        return None
    return (f"a landscape of a network of {parameters:,} parameters on {rows:,} training rows is larger than one "
            f"visitor may ask of the shared server: even its coarsest grid, {LANDSCAPE_GRID[0]} × {LANDSCAPE_GRID[0]} "
            "points, needs as many passes over the data. Use a smaller network or fewer rows")


def record_epochs(parameters: int, rows: int, batch_size: int | None) -> int:
    """The most epochs the Landscape page may record to complete a run before drawing it: half its work."""
    return int(LANDSCAPE_WORK / 2 // epoch_work(parameters, rows, batch_size))


def path_epochs(parameters: int) -> int:
    """The most epochs whose weights make one path (or all the paths of a race together)."""
    return max(2, min(PATH_EPOCHS, PATH_FLOATS // max(parameters, 1)))
