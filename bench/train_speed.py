"""Per-epoch training time of mlp_core against scikit-learn and PyTorch (CPU), in one run.

    python bench/train_speed.py            # about a minute on a 2-core machine
    python bench/train_speed.py --quick    # smaller sizes, a few seconds

The article's network (3 → 3 → 2 → 1, ReLU, sigmoid output), full-batch plain gradient descent, float64
for every peer (PyTorch also in float32). The per-epoch time of a peer is (t(long run) − t(short run)) /
(epochs difference), so that setup and validation cancel; peers are interleaved within each repeat and
the median over repeats is reported. Memory is the peak resident set size above the level before
training, measured in a fresh process per peer (Linux: VmHWM after resetting it via clear_refs).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from mlp_core import MLPBinaryClassifier  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is optional: its columns are left out
    torch = None

LR = 0.01
# n → (short run, long run) in epochs; long enough that the slowest peer's difference is ~0.1-1 s.
SIZES = {1_000: (50, 550), 10_000: (20, 220), 100_000: (5, 45), 1_000_000: (3, 13)}
QUICK_SIZES = {1_000: (20, 220), 10_000: (10, 60)}
QUOTED_BOUND_MS = 5.0  # issue #4: a fused single-pass kernel over both cores, n = 1e6


def data(n: int, seed: int = 0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 3)
    y = (X[:, 0] * X[:, 1] + 0.5 * X[:, 2] > 0).astype(np.int64)
    return X, y


def fit_ours(X, y, epochs):
    MLPBinaryClassifier(learning_rate_init=LR, max_iter=epochs, tol=None, weight_tol=None, random_state=0).fit(X, y)


def fit_sklearn(X, y, epochs):
    MLPClassifier(
        hidden_layer_sizes=(3, 2), activation="relu", solver="sgd", momentum=0.0, nesterovs_momentum=False,
        alpha=0.0, batch_size=len(X), shuffle=False, learning_rate_init=LR, max_iter=epochs,
        n_iter_no_change=10**9, random_state=0,
    ).fit(X, y)


def fit_torch(X, y, epochs, dtype):
    torch.manual_seed(0)
    Xt = torch.from_numpy(X).to(dtype)
    yt = torch.from_numpy(y).to(dtype).reshape(-1, 1)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)
    ).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    curve = []
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        optimizer.step()
        curve.append(loss.item())  # every peer records its full loss curve


def peers():
    out = {"mlp_core": fit_ours, "sklearn": fit_sklearn}
    if torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)
        out["torch64"] = lambda X, y, e: fit_torch(X, y, e, torch.float64)
        out["torch32"] = lambda X, y, e: fit_torch(X, y, e, torch.float32)
    return out


def timed(fit, X, y, epochs) -> float:
    t = time.perf_counter()
    fit(X, y, epochs)
    return time.perf_counter() - t


def per_epoch_times(sizes, repeats):
    fits = peers()
    X0, y0 = data(2000)
    for fit in fits.values():  # warm up: imports, thread pools, compiled kernels
        fit(X0, y0, 3)
    table = {}
    for n, (short, long) in sizes.items():
        X, y = data(n)
        samples = {name: [] for name in fits}
        for r in range(repeats):
            order = list(fits)[r % len(fits):] + list(fits)[: r % len(fits)]
            for name in order:
                dt = timed(fits[name], X, y, long) - timed(fits[name], X, y, short)
                samples[name].append(dt / (long - short))
        table[n] = {name: statistics.median(v) for name, v in samples.items()}
    return table


MEMORY_CHILD = """
import sys, warnings
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
warnings.simplefilter("ignore")
import train_speed as b
X, y = b.data({n})
fit = b.peers()[{name!r}]
fit(X[:2000], y[:2000], 2)
def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current size
before = rss_kb("VmRSS:")
fit(X, y, 3)
print(rss_kb("VmHWM:") - before)
"""


def peak_extra_memory_mb(name: str, n: int) -> float | None:
    code = MEMORY_CHILD.format(root=str(ROOT), bench=str(Path(__file__).parent), n=n, name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def grid_time_ms(repeats=50):
    X, y = data(2000)
    model = MLPBinaryClassifier(learning_rate_init=0.1, max_iter=50, random_state=0, tol=None)
    model.fit(X, y)
    from mlp_core.architecture import Architecture

    lay = Architecture([3, 3, 2, 1], "relu")
    theta = lay.flatten(model.coefs_, model.intercepts_)
    g = np.linspace(-3, 3, 200)
    grid = np.column_stack([np.repeat(g, 200), np.tile(g, 200), np.zeros(40_000)])
    out = {}
    for label, fn in (("compiled kernel", lambda: lay.predict_proba(theta, grid)),
                      ("NumPy predict_proba", lambda: model.predict_proba(grid))):
        fn()
        ts = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        out[label] = statistics.median(ts) * 1e3
    return out


def fmt_time(seconds):
    return f"{seconds * 1e3:9.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} µs"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only, a few seconds")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    sizes = QUICK_SIZES if args.quick else SIZES
    started = time.perf_counter()

    import numba
    import sklearn

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {numba.__version__}, scikit-learn {sklearn.__version__}"
          + (f", torch {torch.__version__}" if torch else ", torch not installed"))
    print("network 3 → 3 → 2 → 1 (ReLU), full-batch gradient descent, float64; per-epoch time, median of "
          f"{args.repeats} interleaved repeats\n")

    table = per_epoch_times(sizes, args.repeats)
    names = list(next(iter(table.values())))
    others = [n for n in names if n != "mlp_core"]
    header = f"{'n':>9} | " + " | ".join(f"{name:>12}" for name in names) + " | " + " | ".join(
        f"{'÷ ' + name:>10}" for name in others)
    print(header)
    print("-" * len(header))
    for n, row in table.items():
        cells = " | ".join(f"{fmt_time(row[name]):>12}" for name in names)
        ratios = " | ".join(f"{row['mlp_core'] / row[name]:>10.3f}" for name in others)
        print(f"{n:>9,} | {cells} | {ratios}")
    if 1_000_000 in table:
        ours = table[1_000_000]["mlp_core"] * 1e3
        print(f"\nn = 1e6: mlp_core {ours:.2f} ms/epoch = {ours / QUOTED_BOUND_MS:.2f} × the {QUOTED_BOUND_MS:g} ms "
              "fused-kernel bound quoted in issue #4")

    n_mem = 1_000_000 if not args.quick else 100_000
    x_mb = n_mem * 3 * 8 / 2**20
    print(f"\npeak extra memory while training, n = {n_mem:,} (X is {x_mb:.1f} MB):")
    for name in names:
        mb = peak_extra_memory_mb(name, n_mem)
        print(f"  {name:>9}: " + ("unavailable" if mb is None else f"{mb:7.1f} MB = {mb / x_mb:.2f} × X"))

    print("\ndecision-boundary grid, 200 × 200 points (median of 50):")
    for label, ms in grid_time_ms().items():
        print(f"  {label:>20}: {ms:.2f} ms")
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
