"""A large network played live: smoothness, bytes per render, and memory, on this machine.

    python bench/large_run.py [--seconds 30] [--link "hidden=64,64,64,64,64,64&n=2000&epochs=5000&stop=epochs"]

Three measurements of the same run (by default six hidden layers of 64 units on 2,000 points, 5,000 epochs):

1. The core alone: epochs per second of ``mlp_core.train`` on the run's data, and of the app's ``Recording``
   (training plus what it keeps), in this process.
2. The whole run recorded in this process as the server records it (extend, then hand the new frames over, a
   second of playback at a time) to the last epoch: the most memory the recording held, against the budget.
3. The app in headless Chromium: Train, then every 5 s the distinct epochs each view drew per second, the
   renders the server sent and their mean size, the server's memory, and the frames the browser holds.

The goal: every view draws at least 0.8 × min(speed, the core's epochs per second) distinct epochs per second;
the bytes per render stay flat as the epochs grow; the recording stays within its budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import server_and_browser  # noqa: E402
from bench.live_fps import open_app  # noqa: E402
from mlp_core.training import train  # noqa: E402
from tests.browser_probe import START_SAMPLING, distinct_epochs_per_second  # noqa: E402
from ui.session.data import synthetic  # noqa: E402
from ui.session.recording import Recording  # noqa: E402
from ui.settings.limits import RECORDING_BUDGET  # noqa: E402
from ui.settings.link import from_query  # noqa: E402

LINK = "hidden=64,64,64,64,64,64&n=2000&epochs=5000&stop=epochs&lr=0.001"
WINDOW = 5.0
RENDER_BYTES = 10_000  # websocket messages at least this big are the live views' renders (the rest: status, acks)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def core_speed(exp, seconds: float = 3.0) -> tuple[float, float]:
    """Epochs per second of the core's training loop, and of the app's recording of it, on the run's data."""
    d = synthetic(exp.data)
    config = exp.train.training_config(exp.network)
    run = train(d.Z_train, d.y_train, config, evaluate_every=0)
    next(run)  # compiled kernels, initial loss
    started, n = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        next(run)
        n += 1
    core = n / (time.perf_counter() - started)
    rec = Recording(d.Z_train, d.y_train, config, d.Z_test, d.y_test)
    started = time.perf_counter()
    rec.extend(seconds=seconds)
    return core, (rec.n_epochs - 1) / (time.perf_counter() - started)


def whole_run_memory(exp) -> tuple[int, int, int]:
    """Record the whole run as the server does, a second of playback at a time: the most bytes held, epochs, stride."""
    d = synthetic(exp.data)
    rec = Recording(d.Z_train, d.y_train, exp.train.training_config(exp.network), d.Z_test, d.y_test)
    most = rec.bytes_held
    while not rec.done:
        rec.extend(until_epoch=rec.n_epochs + 3 * exp.view.speed)
        most = max(most, rec.bytes_held)
        rec.take_frames()  # sent to the browser
    return most, rec.n_epochs, rec.stride


def play_in_browser(link: str, seconds: float) -> list[dict]:
    windows = []
    with server_and_browser() as (server, browser):
        page = browser.new_context(viewport={"width": 1400, "height": 3200}).new_page()
        renders: list[tuple[float, int]] = []

        def received(message) -> None:
            if len(message) >= RENDER_BYTES:
                renders.append((time.perf_counter(), len(message)))

        page.on("websocket", lambda ws: ws.on("framereceived", received))
        open_app(page, f"{server.url}/?{link}")
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function("() => window.mlpPlayground && window.mlpPlayground.epoch() > 0", timeout=30_000)
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            page.evaluate(START_SAMPLING, WINDOW)
            rates = distinct_epochs_per_second(page.evaluate("window.__samples"))
            t1 = time.perf_counter()
            sizes = [n for t, n in renders if t0 <= t < t1]
            store = page.evaluate("() => { const s = window.__mlpLiveState.store;"
                                  " return {E: s.E, frames: s.frames.size, held: s.bytes, budget: s.budget}; }")
            windows.append({"t": t1 - started, "rate": min(rates.values()), "views": len(rates),
                            "renders": len(sizes), "bytes": statistics.mean(sizes) if sizes else 0,
                            "rss": rss_mb(server.proc.pid), **store})
    return windows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--link", default=LINK, help="the run's settings, as in the app's address")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to watch it play in the browser")
    args = parser.parse_args()
    exp, notices = from_query({k: v[-1] for k, v in parse_qs(args.link).items()})
    if notices:
        sys.exit("The link was not taken whole: " + " ".join(notices))

    core, recorded = core_speed(exp)
    speed = exp.view.speed
    goal = 0.8 * min(speed, core)
    print(f"run: {args.link}  (speed {speed} epochs/s)")
    print(f"core alone            {core:7.1f} epochs/s   (mlp_core.train, no evaluation)")
    print(f"recording             {recorded:7.1f} epochs/s   (the app's Recording: training, accuracy, frames)")

    windows = play_in_browser(args.link, args.seconds)
    print(f"\nin Chromium, 1400 × 3200 (every view on screen), every {WINDOW:g} s after the first draw:")
    print("     t   distinct epochs/s   renders   bytes/render   server RSS   browser frames (MB of budget)")
    for w in windows:
        print(f"{w['t']:6.1f}   {w['rate']:10.1f} ({w['views']} views) {w['renders']:6d}   {w['bytes'] / 1e6:9.2f} MB"
              f"   {w['rss']:7.0f} MB   {w['frames']:5d} at epoch ≤ {w['E'] - 1}"
              f" ({w['held'] / 2**20:.0f} of {w['budget'] / 2**20:.0f})")
    rates = [w["rate"] for w in windows]
    steady = rates[1:] or rates
    print(f"distinct epochs drawn per second: {statistics.mean(rates):.1f} over the whole time, "
          f"{statistics.mean(steady):.1f} after the first window, lowest window {min(rates):.1f}   "
          f"(goal ≥ {goal:.1f} = 0.8 × min({speed}, {core:.0f}))")
    sized = [w["bytes"] for w in windows if w["renders"]]
    half = len(sized) // 2
    if half:
        first, last = statistics.mean(sized[:half]), statistics.mean(sized[half:])
        print(f"bytes per render: {first / 1e6:.2f} MB in the first half, {last / 1e6:.2f} MB in the second "
              f"(ratio {last / first:.2f}; flat is 1)")

    most, epochs, stride = whole_run_memory(exp)
    print(f"\nthe whole run recorded here ({epochs} epochs): at most {most / 2**20:.1f} MB held, "
          f"budget {RECORDING_BUDGET / 2**20:.0f} MB ({most / RECORDING_BUDGET:.0%}); keyframes every {stride} epochs")


if __name__ == "__main__":
    main()
