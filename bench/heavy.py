"""The heaviest work one visitor may ask for, and what it leaves for everyone else, measured on this machine.

    python bench/heavy.py [--seconds 5]

Starts ``streamlit run app.py`` on loopback (one server process) and headless Chromium, then:

1. opens the Learn page for the largest network the limits allow (6 hidden layers of 64 units, 5,000 points)
   and times it until every section is drawn, with the server's CPU time it took;
2. opens it again in a new session and leaves as soon as its work has started: how long the server's CPU
   stays busy after the visitor left (the work must stop, not run to its end);
3. while one visitor trains the largest run the limits allow over and over (full batch, and one row per step;
   a visitor without a browser, ``bench/visitor.py``, so that only the server's work is shared), a second
   visitor opens the default page in Chromium and plays it: seconds until interactive (goal ≤ 3 s) and distinct
   epochs drawn per second (goal ≥ 15).

Every figure is printed beside its goal; the script exits with status 1 if an exception or an error box shows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import server_and_browser  # noqa: E402
from bench.live_fps import open_app  # noqa: E402
from bench.visitor import Visitor  # noqa: E402
from tests.browser_probe import START_SAMPLING, distinct_epochs_per_second  # noqa: E402
from tests.conftest import wait_until_idle  # noqa: E402
from ui.settings import limits  # noqa: E402
from ui.settings.experiment import DataSettings, synthetic_train_rows  # noqa: E402

LARGEST = (64,) * 6
POINTS = 5000


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    """The process's largest resident memory so far (VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def largest_link(batch: int | None) -> dict:
    """The largest run the limits allow: the largest network, the most points, as many epochs as allowed."""
    rows = synthetic_train_rows(DataSettings(n=POINTS))
    epochs = min(5000, limits.max_run_epochs(limits.parameter_count(3, LARGEST), rows, batch))
    link = {"hidden": ",".join(map(str, LARGEST)), "n": str(POINTS), "epochs": str(epochs), "stop": "epochs",
            "lr": "0.001"}
    if batch:
        link["batch"] = str(batch)
    return link


def check_page(page) -> None:
    if page.locator("[data-testid=stException]").count() or page.locator("[data-testid=stAlertContentError]").count():
        page.screenshot(path="/tmp/heavy-failure.png")
        raise SystemExit("an exception or an error box is on the page (see /tmp/heavy-failure.png)")


def learn_page(browser, server, link: dict) -> tuple[float, float]:
    """Seconds until the Learn page is complete for this link, and the server CPU seconds it took."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    cpu, started = cpu_seconds(server.proc.pid), time.perf_counter()
    page.goto(f"{server.url}/Learn?{urlencode(link)}", wait_until="domcontentloaded")
    page.locator("h1").filter(has_text="Learn: the mathematics, live").wait_for(timeout=120_000)
    page.get_by_text("6 · ReLU regions and dead units").wait_for(timeout=300_000)
    wait_until_idle(page, timeout_ms=300_000)
    seconds, used = time.perf_counter() - started, cpu_seconds(server.proc.pid) - cpu
    check_page(page)
    context.close()
    return seconds, used


def leave_while_working(browser, server, link: dict) -> tuple[float, float]:
    """Open the Learn page, leave once a progress bar shows; (seconds until the server's CPU is back under 10 %
    for a whole second, CPU seconds used after leaving)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/Learn?{urlencode(link)}", wait_until="domcontentloaded")
    page.locator("[data-testid=stProgress]").first.wait_for(timeout=120_000)
    context.close()
    left, cpu_left = time.perf_counter(), cpu_seconds(server.proc.pid)
    quiet_since, last = None, cpu_left
    while time.perf_counter() - left < 60:
        time.sleep(0.25)
        now = cpu_seconds(server.proc.pid)
        busy = (now - last) / 0.25
        last = now
        if busy < 0.10:
            quiet_since = quiet_since or time.perf_counter() - 0.25
            if time.perf_counter() - quiet_since >= 1.0:
                break
        else:
            quiet_since = None
    return (quiet_since or time.perf_counter()) - left, last - cpu_left


class HeavyVisitor:
    """A visitor without a browser (``bench/visitor.py``: the server's work, none of the drawing, which happens on
    the visitor's own machine) training ``link`` over and over: Reset, Train, play, again, until stopped."""

    def __init__(self, url: str, link: dict):
        self.url, self.link, self.rounds, self.problems = url, link, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._loop()), daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait(300)

    async def _loop(self) -> None:
        visitor = await Visitor.open(self.url, urlencode(self.link))
        self._ready.set()
        while not self._stop.is_set():
            await visitor.click("Reset")
            await visitor.click("Train")
            await visitor.play(3)
            self.rounds += 1
            self.bytes = visitor.bytes_received
        self.problems = visitor.exceptions + visitor.errors
        await visitor.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)


def beside(browser, server, link: dict | None, seconds: float) -> tuple[float, dict, float]:
    """While a visitor trains ``link`` over and over (None: nobody), another opens the default page in Chromium
    and plays it. (Seconds until the second is interactive, its distinct epochs drawn per second per view, the
    server's CPU meanwhile as a share of one core.)"""
    heavy = HeavyVisitor(server.url, link) if link is not None else None
    cpu, started = cpu_seconds(server.proc.pid), time.perf_counter()
    page = browser.new_context(viewport={"width": 1400, "height": 3200}).new_page()
    interactive = open_app(page, server.url)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_timeout(800)
    page.evaluate(START_SAMPLING, seconds)
    rates = distinct_epochs_per_second(page.evaluate("window.__samples"))
    share = (cpu_seconds(server.proc.pid) - cpu) / (time.perf_counter() - started)
    check_page(page)
    page.context.close()
    if heavy is not None:
        heavy.stop()
        if heavy.problems:
            raise SystemExit(f"the heavy visitor saw {heavy.problems}")
    return interactive, rates, share


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to sample the second visitor's views")
    args = parser.parse_args()
    with server_and_browser() as (server, browser):
        warm = browser.new_page()
        open_app(warm, server.url)  # the server's one-time imports, not counted below
        warm.close()
        full = largest_link(None)
        learn_s, learn_cpu = learn_page(browser, server, full)
        stopped_s, after_cpu = leave_while_working(browser, server, full)
        alone = beside(browser, server, None, args.seconds)
        heavy = {batch: beside(browser, server, largest_link(batch), args.seconds) for batch in (None, 1)}
        peak = peak_memory_mb(server.proc.pid)
    log = server.log_path
    if "Traceback" in log.read_text(errors="replace"):
        raise SystemExit(f"a traceback is in the server's log: {log}")
    print("the heaviest work one visitor may ask for (limits in ui/settings/limits.py), one server process, "
          "this machine")
    print(f"  Learn page, {len(LARGEST)} × {LARGEST[0]} network on {POINTS:,} points: complete after {learn_s:.1f} s,"
          f" {learn_cpu:.1f} s of server CPU (two gradient checks of about 1 s each, and the rest)")
    print(f"  the same page left while working: server CPU quiet again {stopped_s:.1f} s after leaving, "
          f"{after_cpu:.1f} s of CPU used after leaving (goal: a few seconds; its whole work takes {learn_cpu:.1f})")
    interactive, rates, share = alone
    print(f"  alone, a new visitor is interactive after {interactive:.2f} s and plays at "
          f"{min(rates.values()):.1f} distinct epochs per second in its slowest view; server CPU {share:.0%}")
    for batch, (interactive, rates, share) in heavy.items():
        link = largest_link(batch)
        slowest = min(rates.values()) if rates else 0.0
        print(f"  beside a visitor training {len(LARGEST)} × {LARGEST[0]} on {POINTS:,} points, {link['epochs']} "
              f"epochs, {'full batch' if batch is None else f'batches of {batch}'}, over and over (Reset, Train, "
              "play 3 s):")
        print(f"    a new visitor is interactive after {interactive:.2f} s (goal ≤ 3 s) and plays at "
              f"{slowest:.1f} distinct epochs per second in its slowest view (goal ≥ 15); server CPU "
              f"{share:.0%} of one core meanwhile")
    print(f"  the server's largest memory over the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
