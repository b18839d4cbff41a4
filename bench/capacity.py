"""How many visitors one server holds, measured with simulated visitors that speak Streamlit's websocket protocol.

    python bench/capacity.py [--visitors 1,5,10,20,30,40] [--play 10] [--over S] [--url http://host:port]

Each visitor (``bench/visitor.py``: no browser, so the server alone is measured) opens the page with its own
data seed in the link, clicks Step three times and +10 once — and must then read "Epoch 13" in the status line,
or the script fails — presses Train, stays ``--play`` seconds while the page plays (sending the reruns the page's
fragment asks for, as a browser does), presses Pause and leaves. Visitors start ``--stagger`` seconds apart, or
all within ``--over`` seconds whatever their number (a class told to open the link now: the load grows with the
number of visitors, where a fixed stagger caps how many are there at once).

For each number of visitors it prints: seconds from opening to the first complete page (p50, p95), seconds from a
click to the end of the run it started (p50, p95, max), errors (exceptions or error boxes on a page, runs that did
not finish, a wrong epoch), the server's memory at its peak and once the visitors have left, the server's CPU (a
share of one core), and the bytes each visitor received per second while playing. The last line is the capacity:
the most visitors with a click answered within 0.5 s at the 95th percentile.

Without ``--url`` it starts ``streamlit run app.py`` on loopback (closed sessions forgotten after 10 s, so that
memory after they leave can be read); with ``--url`` it measures that deployment, e.g. replicas behind HAProxy
(``deploy/serve.py``): memory and CPU are then not read, and the warm-up opens several visitors at once, so that
a load balancer sends one to each replica.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.heavy import cpu_seconds  # noqa: E402
from bench.visitor import Visitor  # noqa: E402
from tests.conftest import StreamlitServer, _free_port  # noqa: E402

CLICK_GOAL = 0.5  # seconds, at the 95th percentile
OPEN_GOAL = 3.0
WARM = 4  # visitors opened together before measuring: one-time imports and compiled kernels, on each replica


@dataclass
class Outcome:
    """What one simulated visitor measured."""

    open_s: float = float("nan")
    clicks: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    play_bytes_per_s: float = float("nan")


async def visit(url: str, seed: int, play: float, timeout: float) -> Outcome:
    out = Outcome()
    started = time.perf_counter()
    try:
        visitor = await Visitor.open(url, f"dseed={seed}", timeout=timeout)
    except (TimeoutError, OSError) as exc:
        out.errors.append(f"open: {exc!r}")
        return out
    out.open_s = time.perf_counter() - started
    try:
        for label in ("Step", "Step", "Step", "+10"):
            out.clicks.append(await visitor.click(label, timeout))
        if visitor.epoch != 13:
            out.errors.append(f"after Step × 3 and +10 the status says {visitor.status!r}, not epoch 13")
        out.clicks.append(await visitor.click("Train", timeout))
        received = visitor.bytes_received
        await visitor.play(play)
        out.play_bytes_per_s = (visitor.bytes_received - received) / play
        out.clicks.append(await visitor.click("Pause", timeout))
    except (TimeoutError, KeyError, OSError) as exc:
        out.errors.append(f"click: {exc!r}")
    out.errors += [f"exception on the page: {e[:80]}" for e in visitor.exceptions]
    out.errors += [f"error box: {e[:80]}" for e in visitor.errors]
    await visitor.close()
    return out


async def crowd(url: str, n: int, stagger: float, play: float, timeout: float) -> list[Outcome]:
    async def later(i: int) -> Outcome:
        await asyncio.sleep(i * stagger)
        return await visit(url, i, play, timeout)

    return await asyncio.gather(*(later(i) for i in range(n)))


def memory_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def quantile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


async def sample_peak(pid: int | None, stop: asyncio.Event, peak: list[float]) -> None:
    if pid is None:
        peak[0] = float("nan")
    while pid is not None and not stop.is_set():
        peak[0] = max(peak[0], memory_mb(pid))
        await asyncio.sleep(0.25)


async def level(url: str, pid: int | None, n: int, args) -> dict:
    stop, peak = asyncio.Event(), [0.0]
    sampler = asyncio.create_task(sample_peak(pid, stop, peak))
    cpu, started = (cpu_seconds(pid) if pid else 0.0), time.perf_counter()
    stagger = args.over / n if args.over else args.stagger
    outcomes = await crowd(url, n, stagger, args.play, args.timeout)
    elapsed = time.perf_counter() - started
    share = (cpu_seconds(pid) - cpu) / elapsed if pid else float("nan")
    stop.set()
    await sampler
    after = float("nan")
    if pid is not None:  # the janitor frees what closed sessions held once their reconnection time is up
        await asyncio.sleep(args.ttl + 12)
        after = memory_mb(pid)
    clicks, opens = [c for o in outcomes for c in o.clicks], [o.open_s for o in outcomes]
    return {
        "n": n, "open_p50": quantile(opens, 0.5), "open_p95": quantile(opens, 0.95),
        "click_p50": quantile(clicks, 0.5), "click_p95": quantile(clicks, 0.95), "click_max": max(clicks, default=0),
        "errors": [e for o in outcomes for e in o.errors], "peak_mb": peak[0], "after_mb": after, "cpu": share,
        "bytes_per_s": statistics.mean(o.play_bytes_per_s for o in outcomes if o.play_bytes_per_s == o.play_bytes_per_s)
        if any(o.play_bytes_per_s == o.play_bytes_per_s for o in outcomes) else float("nan"),
    }


def report(rows: list[dict], start_mb: float) -> int:
    print(f"{'visitors':>8} | {'open p50':>8} {'p95':>6} | {'click p50':>9} {'p95':>6} {'max':>6} | {'errors':>6} | "
          f"{'peak MB':>7} {'after':>6} | {'CPU':>5} | {'KB/s each':>9}")
    for r in rows:
        print(f"{r['n']:>8} | {r['open_p50']:>8.2f} {r['open_p95']:>6.2f} | {r['click_p50']:>9.2f} "
              f"{r['click_p95']:>6.2f} {r['click_max']:>6.2f} | {len(r['errors']):>6} | {r['peak_mb']:>7.0f} "
              f"{r['after_mb']:>6.0f} | {r['cpu']:>5.0%} | {r['bytes_per_s'] / 1000:>9.1f}")
    for r in rows:
        for e in r["errors"][:5]:
            print(f"  {r['n']} visitors: {e}")
    held = [r["n"] for r in rows if r["click_p95"] <= CLICK_GOAL and not r["errors"]]
    print(f"server memory before the first visitor: {start_mb:.0f} MB (after one warm-up visit)")
    capacity = max(held, default=0)
    print(f"capacity: {capacity} visitors with a click answered within {CLICK_GOAL} s at the 95th percentile "
          f"(and no error)")
    return 1 if any(r["errors"] for r in rows) else 0


async def main_async(args) -> int:
    sizes = [int(v) for v in args.visitors.split(",")]
    server = None
    if args.url:
        url, pid = args.url, None
    else:
        log = Path(tempfile.mkdtemp()) / "streamlit.log"
        server = StreamlitServer(_free_port(), log, extra=["--server.disconnectedSessionTTL", str(args.ttl)])
        server.start()
        url, pid = server.url, server.proc.pid
    try:
        warm = await asyncio.gather(*(Visitor.open(url, "", timeout=args.timeout) for _ in range(WARM)))
        for visitor in warm:
            await visitor.close()
        await asyncio.sleep(args.ttl + 8)
        start_mb = memory_mb(pid) if pid else float("nan")
        rows = []
        for n in sizes:
            rows.append(await level(url, pid, n, args))
            print(f"  measured {n} visitors", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
    status = report(rows, start_mb)
    if server is not None and "Traceback" in server.log_path.read_text(errors="replace"):
        print(f"a traceback is in the server's log: {server.log_path}")
        status = 1
    else:
        print("tracebacks in the server's log: 0" if server is not None else "")
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", default="1,5,10,20,30,40", help="the numbers of visitors to measure, in turn")
    parser.add_argument("--play", type=float, default=10.0, help="seconds each visitor stays playing")
    parser.add_argument("--stagger", type=float, default=0.2, help="seconds between two visitors' arrivals")
    parser.add_argument("--over", type=float, help="seconds within which all visitors arrive (instead of --stagger)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a run may take before it counts as lost")
    parser.add_argument("--ttl", type=int, default=10, help="seconds the server keeps a closed session")
    parser.add_argument("--url", help="measure this server instead of starting one (e.g. a deployment)")
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
