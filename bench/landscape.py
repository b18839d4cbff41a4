"""How long a loss landscape takes on this machine: the 41 × 41 grid of issue 22 for the article's network.

    python bench/landscape.py            # about ten seconds on a 2-core machine
    python bench/landscape.py --repeats 3

The article's network (3 → 3 → 2 → 1, ReLU) is trained 1,000 epochs by full-batch gradient descent on the
``spheres`` teaching dataset (standardized), every epoch's weights kept. Timed, median of the repeats: the whole
landscape as the page computes it (``mlp_core.landscape.trajectory_landscape``: the PCA of the path, the 41 × 41
grid of training losses, the path projected) and Goodfellow et al.'s 61-point profile, on 400 and on 20,000 training
points, on every core and on one thread as the app computes it (the server's cores are shared: a parallel pass waiting
for a busy core stalls); then a race of the four optimizers on 400 points (4 × 1,000 epochs and their shared
landscape); and the Playground's landscape view of the default run, as its server computes and sends it. Each figure
is printed beside its goal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlp_core import TrainingConfig, kernels, train  # noqa: E402
from mlp_core import landscape as ls  # noqa: E402
from mlp_core.datasets import make_dataset  # noqa: E402
from mlp_core.race import contenders, race, race_landscape  # noqa: E402

GOALS = {400: 0.5, 20_000: 3.0}  # seconds for a 41 × 41 landscape (issue 22)
EPOCHS = 1000


def data(n: int):
    ds = make_dataset("spheres", n=n, noise=0.1, seed=0)
    return (ds.X - ds.X.mean(axis=0)) / ds.X.std(axis=0), ds.y.astype(float)


def timed(repeats: int, work, *args) -> tuple[float, object]:
    """The median wall time of ``work(*args)`` over ``repeats`` calls, and its result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    kernels.warm()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}")
    print(f"network 3 → 3 → 2 → 1 (ReLU), {EPOCHS} epochs of full-batch gradient descent recorded; "
          f"median of {args.repeats}\n")
    config = TrainingConfig(random_state=6, max_iter=EPOCHS, tol=None, weight_tol=None)
    header = (f"{'n':>7} | {'41 × 41, all cores':>18} | {'one thread (app)':>16} | {'per loss':>9} | "
              f"{'profile (61 losses)':>19} | goal")
    print(header)
    print("-" * len(header))
    cores = numba.get_num_threads()
    for n, goal in GOALS.items():
        X, y = data(n)
        snaps = list(train(X, y, config, evaluate_every=0))
        thetas, epochs = np.array([s.params for s in snaps]), [s.epoch for s in snaps]
        arch = snaps[0].architecture
        seconds, shown = timed(args.repeats, ls.trajectory_landscape, X, y, arch, 0.0, thetas, epochs)
        numba.set_num_threads(1)  # as the app computes it: the server's cores are shared between visitors
        single, _ = timed(args.repeats, ls.trajectory_landscape, X, y, arch, 0.0, thetas, epochs)
        profile_seconds, _ = timed(args.repeats, ls.profile, ls.LossFunction(X, y, arch), thetas[0], thetas[-1])
        numba.set_num_threads(cores)
        verdict = "met" if max(seconds, single) <= goal else "MISSED"
        print(f"{n:>7,} | {seconds:>16.3f} s | {single:>14.3f} s | {single / shown.loss.size * 1e6:>6.1f} µs | "
              f"{profile_seconds * 1e3:>16.1f} ms | ≤ {goal:g} s: {verdict}   (the path's two directions hold "
              f"{shown.plane.shares.sum():.1%} of its variance)")

    X, y = data(400)
    field = contenders([0.1])
    seconds, laps = timed(max(1, args.repeats // 2), race, X, y, config, field)
    arch = next(train(X, y, config)).architecture
    map_seconds, _ = timed(max(1, args.repeats // 2), race_landscape, ls.LossFunction(X, y, arch), laps)
    print(f"\nrace of {len(field)} optimizers, n = 400, {EPOCHS} epochs each: training {seconds:.3f} s, "
          f"shared 41 × 41 landscape {map_seconds:.3f} s")
    playground_view(args.repeats)


def playground_view(repeats: int) -> None:
    """The Playground's landscape view of the default run: its map as the server computes and sends it once the run
    is recorded (``ui.landscape.live.landscape_map``: the path's weights, the grid, the line, rounded for the wire)."""
    from ui.landscape import recorded
    from ui.landscape.live import landscape_map
    from ui.session.data import synthetic
    from ui.session.recording import Recording
    from ui.settings.experiment import Experiment

    exp = Experiment()
    d = synthetic(exp.data)
    rec = Recording(d.Z_train, d.y_train, exp.train.training_config(exp.network), d.Z_test, d.y_test)
    rec.extend()

    def view_map():  # what the server does: the path's weights under the session's lock, the map on its thread
        epochs, thetas = recorded.path_weights(rec)
        return landscape_map("bench", rec.architecture, rec.config.alpha, epochs, thetas, d.Z_train, d.y_train)

    seconds, sent = timed(repeats, view_map)
    print(f"the Playground's landscape view, default run ({rec.n_epochs - 1} epochs, {len(d.Z_train)} training rows): "
          f"its {len(sent['x'])} × {len(sent['y'])} map computed and packed in {seconds:.3f} s, "
          f"{len(json.dumps(sent)) / 1024:.0f} KB of JSON, sent once a run")


if __name__ == "__main__":
    main()
