"""Many visitors at once: isolation, response times and the server's memory, in headless Chromium.

    python bench/load.py [--sessions 8] [--csv-mb 50] [--speed 30] [--session-ttl 20] [--rounds 1]
                         [--timeout 300] [--shots DIR] [--verbose]

Starts ``streamlit run app.py`` on loopback and one headless Chromium with one browser context (an isolated
visitor, its own cookies) per session. ``--sessions`` visitors open the app at the same moment, each with its
own data and weights seeds in the URL, and press Train together on the article's network (3-2 ReLU, gradient
descent, step 0.1, the article's stop rule); once they are all training, one more visitor uploads a generated
CSV of ``--csv-mb`` MB and steps 10 epochs on it. Every visitor's final epoch, loss and downloaded model file
must be exactly what ``mlp_core`` computes here for that visitor's own settings; no other page may show the
uploaded file's column names; no page may show an exception, nor the server log a traceback.

Prints the response times and the server's memory (resident set of the server process and its children): at
the start, after two warm-up visits (the app's imports), the peak, and after the visitors leave. Streamlit keeps
a closed session for ``server.disconnectedSessionTTL`` seconds in case it reconnects (``--session-ttl`` sets it
for this server; Streamlit's default is 120 s); the app's janitor (ui/janitor.py) then shuts it down and gives its
memory back, so the last figure is taken after the TTL, with no visit in between. At most 15 % of what the load
added may still be held then. ``--rounds 2`` repeats the load on the same server, to tell memory that is kept
once from memory that grows with every round.

Exits 0 only if every check held, 1 if one did not, 3 if the run exceeded ``--timeout`` seconds per round.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.browser_probe import FIND  # noqa: E402
from tests.conftest import CHROMIUM_FLAGS, CONNECTED, IDLE, StreamlitServer, _free_port  # noqa: E402
from ui.session import janitor  # noqa: E402
from ui.settings.experiment import DataSettings, NetworkSettings, TrainingSettings  # noqa: E402

CSV_COLUMNS = ("upl_alpha", "upl_bravo", "upl_charlie", "upl_delta", "upl_echo", "upl_label")
WEIGHTS_SEEDS = (6, 2, 4, 7, 9, 12, 8, 10, 13, 14, 15, 16)  # candidates; stuck runs are skipped anyway
STATUS = re.compile(r"Epoch (\d+) · loss (\d+\.\d{4})")
EPOCH_SHOWN = f"() => Number((({FIND})()[0] || {{dataset: {{}}}}).dataset.epoch || 0)"
# Every text on the page, the live views' shadow roots included.
DEEP_TEXT = """
() => {
  const out = [document.body.innerText];
  const roots = [document];
  while (roots.length) {
    const r = roots.pop();
    for (const el of r.querySelectorAll('*')) {
      if (el.shadowRoot) { roots.push(el.shadowRoot); out.push(el.shadowRoot.textContent); }
    }
  }
  return out.join('\\n');
}
"""
VERBOSE = False
RETURNED = 0.15  # after the visitors left, at most this share of what the load added to memory may stay
T0 = time.monotonic()


def note(message: str) -> None:
    """Progress on stderr, with --verbose."""
    if VERBOSE:
        print(f"[{time.monotonic() - T0:6.1f} s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the server process

def _tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (VmRSS), in MB."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants so far."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every core of the machine has spent busy so far (server, browser and this script alike)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Samples the server's memory every ``interval`` seconds and keeps the peak (``reset_peak`` starts anew)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._halt.wait(self.interval)

    def reset_peak(self) -> None:
        self.peak = rss_mb(self.pid)

    def stop(self) -> None:
        self._halt.set()
        self.join()


# --------------------------------------------------------------------------- what each visitor must see

@dataclass
class Expected:
    epoch: int
    loss: str  # as the page prints it, 4 decimals
    model: dict  # the model file's JSON


def _expected(recording, data, epoch: int) -> Expected:
    from ui.session.export import model_json

    return Expected(epoch, f"{recording.snapshot(epoch).loss:.4f}", json.loads(model_json(recording, data, epoch)))


def expected_synthetic(dseed: int, seed: int) -> tuple[Expected, bool]:
    """The default network trained to its stop rule on the default data with these seeds; and whether it got stuck."""
    from mlp_core.explain import stuck_reason
    from ui.session.data import synthetic
    from ui.session.recording import Recording

    data = synthetic(DataSettings(seed=dseed))
    network = NetworkSettings()
    rec = Recording(data.Z_train, data.y_train, TrainingSettings(seed=seed).training_config(network), data.Z_test,
                    data.y_test)
    rec.extend()
    last = rec.last
    stuck = stuck_reason(last.coefs, last.intercepts, data.Z_train, network.activation) is not None
    return _expected(rec, data, rec.n_epochs - 1), stuck


def expected_csv(path: Path, epochs: int) -> Expected:
    """The default network after ``epochs`` epochs on the uploaded file, read with the page's defaults."""
    from mlp_core.csv_inputs import load_csv
    from mlp_core.csv_table import read_table
    from ui.session.data import from_csv
    from ui.session.recording import Recording

    loaded = load_csv(read_table(path.read_bytes()))
    d = DataSettings()
    data = from_csv(loaded, d.test_size, d.seed, path.name)
    rec = Recording(data.Z_train, data.y_train, TrainingSettings().training_config(NetworkSettings()), data.Z_test,
                    data.y_test)
    rec.extend(until_epoch=epochs)
    return _expected(rec, data, epochs)


def pick_sessions(n: int) -> list[tuple[int, int, Expected]]:
    """(data seed, weights seed, expected) for n visitors: none stuck, no two with the same printed loss."""
    chosen, losses = [], set()
    for i in range(1, 1000):
        dseed, seed = i, WEIGHTS_SEEDS[i % len(WEIGHTS_SEEDS)]
        exp, stuck = expected_synthetic(dseed, seed)
        if stuck or exp.loss in losses:
            continue
        chosen.append((dseed, seed, exp))
        losses.add(exp.loss)
        if len(chosen) == n:
            return chosen
    raise RuntimeError("could not find enough distinct live runs")


def write_csv(path: Path, megabytes: float) -> int:
    """A CSV of about ``megabytes`` MB: five numeric columns and a 0/1 label. Returns the number of rows."""
    block = 100_000
    rng = np.random.default_rng(2024)

    def lines(n: int) -> str:
        X = rng.normal(0.0, 3.0, (n, 5))
        y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] + rng.normal(0.0, 1.0, n) > 0).astype(int)
        return "".join(",".join(f"{v:.6f}" for v in row) + f",{label}\n"
                       for row, label in zip(X.tolist(), y.tolist(), strict=True))

    per_row = len(lines(10_000).encode()) / 10_000
    rows = int(round(megabytes * 1e6 / per_row, -4))
    rng = np.random.default_rng(2024)
    with open(path, "w") as f:
        f.write(",".join(CSV_COLUMNS) + "\n")
        for start in range(0, rows, block):
            f.write(lines(min(block, rows - start)))
    return rows


def _weights_gap(page_model: dict, expected: dict) -> float:
    """Largest difference between the page's and the expected weights (inf when the shapes differ)."""
    gap = 0.0
    for key in ("coefs", "intercepts"):
        if len(page_model[key]) != len(expected[key]):
            return float("inf")
        for a, b in zip(page_model[key], expected[key], strict=True):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            if a.shape != b.shape:
                return float("inf")
            gap = max(gap, float(np.max(np.abs(a - b))) if a.size else 0.0)
    return gap


# --------------------------------------------------------------------------- the visitors

@dataclass
class Visit:
    name: str
    url: str
    expected: Expected
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    interactive_s: float | None = None
    first_epoch_s: float | None = None
    finished_s: float | None = None
    finished_at: float | None = None  # time.monotonic() when its run was over on the page
    upload_s: float | None = None
    upload_started: float | None = None
    upload_ready_at: float | None = None
    step_s: float | None = None
    shown: str = ""
    stage: str = "opening the app"  # where it is, for a report on a run that did not end
    exceptions: int = 0
    page_errors: list[str] = field(default_factory=list)
    context: object = None
    page: object = None


async def wait_idle(page, timeout_ms: float = 120_000) -> None:
    await page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    await page.wait_for_selector(IDLE, timeout=timeout_ms)


async def open_app(page, url: str) -> float:
    """Seconds from opening the URL until the app is connected, its first run is over and Train is on screen.

    Connected and "notRunning" alone can hold before the first run has even started.
    """
    started = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded")
    await wait_idle(page)
    await page.get_by_role("button", name="Train").wait_for(timeout=120_000)
    await wait_idle(page)
    return time.perf_counter() - started


async def new_visitor(browser, visit: Visit):
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)[:200]))
    visit.context, visit.page = context, page
    return page


async def count_exceptions(page, visit: Visit) -> None:
    visit.exceptions = max(visit.exceptions, await page.locator("[data-testid=stException]").count())


async def status(page) -> tuple[int, str]:
    text = await page.get_by_text(STATUS).first.inner_text(timeout=30_000)
    m = STATUS.search(text)
    return int(m.group(1)), m.group(2)


async def download_model(page, tmp: Path, name: str) -> dict:
    async with page.expect_download(timeout=60_000) as info:
        await page.get_by_role("button", name="Download the model (JSON)").click()
    download = await info.value
    path = tmp / f"{name}-model.json"
    await download.save_as(path)
    return json.loads(path.read_text())


def compare(visit: Visit, epoch: int, loss: str, model: dict) -> None:
    exp = visit.expected
    visit.shown = f"epoch {epoch} loss {loss}"
    if epoch != exp.epoch or loss != exp.loss:
        visit.problems.append(f"the page shows epoch {epoch} loss {loss}; its own run ends at epoch {exp.epoch} "
                              f"loss {exp.loss}")
    if model != exp.model:
        visit.problems.append(f"the downloaded model is not its own run's (largest weight difference "
                              f"{_weights_gap(model, exp.model):.3g})")


def _failed(visit: Visit, exc: Exception) -> None:
    visit.problems.append(f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}")
    note(f"{visit.name} failed: {visit.problems[-1]}")


async def _failure_shot(visit: Visit, folder: Path) -> None:
    """A screenshot, and the settings the page had then (the app writes them into the URL after every run)."""
    path = folder / f"{visit.name}-failure.png"
    with contextlib.suppress(Exception):
        await visit.page.screenshot(path=str(path), timeout=10_000)
        visit.problems.append(f"screenshot: {path}")
    with contextlib.suppress(Exception):
        query = visit.page.url.partition("?")[2] or "(default settings)"
        hidden = await visit.page.locator("input[aria-label='Hidden layers']").first.input_value(timeout=5_000)
        visit.problems.append(f"settings in its URL then: {query}; the Hidden layers box shows {hidden!r}")


class Phases:
    """Who has reached which point: the trainers press Train together; the upload starts when all are playing."""

    def __init__(self, trainers: int):
        self.trainers = trainers
        self.ready, self.playing = 0, 0
        self.all_ready, self.all_playing = asyncio.Event(), asyncio.Event()

    def reached_ready(self) -> None:
        self.ready += 1
        if self.ready == self.trainers:
            self.all_ready.set()

    def reached_playing(self) -> None:
        self.playing += 1
        if self.playing == self.trainers:
            self.all_playing.set()


async def trainer(browser, visit: Visit, phases: Phases, tmp: Path, shots: Path | None) -> None:
    page = await new_visitor(browser, visit)
    ready = playing = False
    try:
        visit.interactive_s = await open_app(page, visit.url)
        note(f"{visit.name} interactive after {visit.interactive_s:.2f} s")
        await count_exceptions(page, visit)
        ready = True
        phases.reached_ready()
        visit.stage = "waiting for the others to be interactive"
        await asyncio.wait_for(phases.all_ready.wait(), timeout=180)
        visit.stage = "pressing Train"
        started = time.perf_counter()
        await page.get_by_role("button", name="Train").click()
        await page.wait_for_function(f"() => ({EPOCH_SHOWN})() > 0", timeout=120_000, polling=50)
        visit.first_epoch_s = time.perf_counter() - started
        playing = True
        phases.reached_playing()
        visit.stage = "training"
        note(f"{visit.name} playing after {visit.first_epoch_s:.2f} s")
        if shots is not None:
            await page.wait_for_timeout(3000)
            await page.screenshot(path=str(shots / f"{visit.name}-training.png"))
        await page.get_by_text("Stopped at epoch").wait_for(timeout=240_000)
        visit.finished_s = time.perf_counter() - started
        visit.finished_at = time.monotonic()
        note(f"{visit.name} finished after {visit.finished_s:.2f} s")
        visit.stage = "checking its results"
        await wait_idle(page)
        epoch, loss = await status(page)
        compare(visit, epoch, loss, await download_model(page, tmp, visit.name))
        await count_exceptions(page, visit)
        visit.ok = not visit.problems
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
        _failed(visit, exc)
        await _failure_shot(visit, shots or tmp)
    finally:  # nobody waits for a visitor that failed
        if not ready:
            phases.reached_ready()
        if not playing:
            phases.reached_playing()


async def uploader(browser, visit: Visit, csv_path: Path, phases: Phases, tmp: Path, shots: Path | None) -> None:
    page = await new_visitor(browser, visit)
    dropzone = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
    try:
        visit.interactive_s = await open_app(page, visit.url)
        note(f"{visit.name} interactive after {visit.interactive_s:.2f} s")
        await page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
        await dropzone.wait_for(state="attached", timeout=120_000)
        await wait_idle(page)
        visit.stage = "waiting for the others to train"
        await asyncio.wait_for(phases.all_playing.wait(), timeout=240)  # upload while the others train
        visit.stage = "uploading"
        visit.upload_started = time.monotonic()
        note("upload starts")
        started = time.perf_counter()
        await dropzone.set_input_files(str(csv_path))
        # Until the file is read, the page keeps showing the previous data: wait for the file's own run.
        await page.get_by_text(f"What was done with {csv_path.name}").wait_for(timeout=180_000)
        await wait_idle(page, timeout_ms=180_000)
        await page.get_by_text(re.compile(r"^Epoch 0 · loss")).first.wait_for(timeout=60_000)
        visit.upload_s = time.perf_counter() - started
        visit.upload_ready_at = time.monotonic()
        note(f"upload ready after {visit.upload_s:.2f} s")
        visit.stage = "stepping 10 epochs"
        await count_exceptions(page, visit)
        if shots is not None:
            await page.screenshot(path=str(shots / f"{visit.name}-loaded.png"))
        started = time.perf_counter()
        await page.get_by_role("button", name="+10").click()
        stepped = page.get_by_text(re.compile(rf"^Epoch {visit.expected.epoch} · loss")).first
        restarted = page.get_by_text(re.compile(r"settings changed, so training starts again")).first
        await stepped.or_(restarted).first.wait_for(timeout=120_000)
        await wait_idle(page, timeout_ms=120_000)
        if await restarted.count():
            raise RuntimeError(f"+10 did not step: the page says {await restarted.inner_text()!r}")
        visit.step_s = time.perf_counter() - started
        visit.finished_at = time.monotonic()
        note(f"upload: +10 epochs after {visit.step_s:.2f} s")
        visit.stage = "checking its results"
        epoch, loss = await status(page)
        compare(visit, epoch, loss, await download_model(page, tmp, visit.name))
        text = await page.evaluate(DEEP_TEXT)
        missing = [c for c in CSV_COLUMNS[:-1] if c not in text]
        if missing:
            visit.problems.append(f"its own columns are not on the page: {missing}")
        await count_exceptions(page, visit)
        if shots is not None:
            await page.screenshot(path=str(shots / f"{visit.name}-stepped.png"))
        visit.ok = not visit.problems
    except Exception as exc:  # noqa: BLE001
        _failed(visit, exc)
        await _failure_shot(visit, shots or tmp)


async def short_visit(browser, url: str) -> float:
    """Open the app, wait until it is interactive, leave. Returns the seconds to interactive."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    seconds = await open_app(await context.new_page(), url)
    await context.close()
    return seconds


# --------------------------------------------------------------------------- the run

@dataclass
class Round:
    visits: list[Visit]
    load_s: float = 0.0
    server_cpu_s: float = 0.0
    machine_cpu_s: float = 0.0
    memory: dict = field(default_factory=dict)


async def load_round(browser, args, server: StreamlitServer, sampler: MemorySampler, specs, csv_path: Path,
                     csv_expected: Expected, tmp: Path, shots: Path | None, number: int, rounds: list) -> None:
    pid = server.proc.pid
    trainers = [Visit(f"s{i + 1}", f"{server.url}/?dseed={dseed}&seed={seed}&speed={args.speed}", exp)
                for i, (dseed, seed, exp) in enumerate(specs)]
    up = Visit("upload", server.url, csv_expected)
    result = Round([*trainers, up])
    rounds.append(result)  # reported even if the round does not end
    sampler.reset_peak()
    cpu, machine, started = cpu_seconds(pid), machine_cpu_seconds(), time.monotonic()
    phases = Phases(len(trainers))
    await asyncio.gather(*(trainer(browser, v, phases, tmp, shots) for v in trainers),
                         uploader(browser, up, csv_path, phases, tmp, shots))
    result.load_s, result.server_cpu_s = time.monotonic() - started, cpu_seconds(pid) - cpu
    result.machine_cpu_s = machine_cpu_seconds() - machine

    # Isolation across visitors: no other page shows the uploaded file's column names.
    for v in trainers:
        if not v.ok:
            continue
        try:
            leaked = [c for c in CSV_COLUMNS if c in await v.page.evaluate(DEEP_TEXT)]
            if leaked:
                v.problems.append(f"shows another visitor's columns: {leaked}")
            await count_exceptions(v.page, v)
        except Exception as exc:  # noqa: BLE001
            _failed(v, exc)
    for v in result.visits:
        v.ok = v.ok and not v.problems and not v.exceptions and not v.page_errors
        if v.context is not None:
            await v.context.close()
    closed = time.monotonic()
    note(f"round {number}: every visitor left")
    mem = result.memory
    mem["peak"] = sampler.peak
    await asyncio.sleep(max(0.0, closed + 5 - time.monotonic()))
    mem["+5 s"] = rss_mb(pid)
    # Streamlit keeps a closed session for the TTL in case its browser comes back; the app's janitor shuts it
    # down within janitor.EVERY seconds after that. No visit in between: nothing else wakes the server.
    await asyncio.sleep(max(0.0, closed + args.session_ttl + 2 * janitor.EVERY + 2 - time.monotonic()))
    mem["swept"] = rss_mb(pid)
    mem["swept_at"] = time.monotonic() - closed
    note(f"round {number}: past the session TTL; server at {mem['swept']:.0f} MB")


async def run(args, server: StreamlitServer, sampler: MemorySampler, specs, csv_path: Path, csv_expected: Expected,
              tmp: Path, report: dict) -> None:
    from playwright.async_api import async_playwright

    shots = Path(args.shots) if args.shots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    home = tmp / "chromium-home"
    home.mkdir()
    rounds: list[Round] = report.setdefault("rounds", [])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS,
                                           env={**os.environ, "HOME": str(home)})
        # The first visitor after a start also pays for the app's imports; then one visitor alone, for comparison.
        report["first_s"] = await short_visit(browser, server.url)
        report["alone_s"] = await short_visit(browser, server.url)
        await asyncio.sleep(2)
        report["mem_warm"] = rss_mb(server.proc.pid)
        note(f"warm-up visits done; server at {report['mem_warm']:.0f} MB")
        for number in range(1, args.rounds + 1):
            await load_round(browser, args, server, sampler, specs, csv_path, csv_expected, tmp, shots, number,
                             rounds)
        await browser.close()


def _spread(values) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"min {min(values):5.1f}   median {statistics.median(values):5.1f}   max {max(values):5.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=8, help="visitors training at once (besides the uploader)")
    parser.add_argument("--csv-mb", type=float, default=50.0, help="size of the uploaded CSV, in MB")
    parser.add_argument("--speed", type=int, default=30, help="playback speed of the trainers, epochs per second "
                        "(the app's default: 30)")
    parser.add_argument("--session-ttl", type=int, default=20,
                        help="server.disconnectedSessionTTL for this server, in seconds (Streamlit's default: 120)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the load this many times on the same server")
    parser.add_argument("--timeout", type=float, default=300, help="time limit per round, in seconds")
    parser.add_argument("--shots", help="save screenshots of the visitors in this directory")
    parser.add_argument("--verbose", action="store_true", help="print progress on stderr")
    parser.add_argument("--log", help="copy the server's log to this file")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    t_start = time.monotonic()
    limit = args.timeout * args.rounds

    # A hard stop that does not rely on the event loop: it kills the server and exits.
    servers: list[StreamlitServer] = []

    def hard_stop():
        print(f"FAILED: the load run did not end within {limit + 60:.0f} s (hard stop)", flush=True)
        for s in servers:
            if s.proc and s.proc.poll() is None:
                s.proc.kill()
        os._exit(3)

    watchdog = threading.Timer(limit + 60, hard_stop)
    watchdog.daemon = True
    watchdog.start()

    tmp = Path(tempfile.mkdtemp(prefix="mlp-load-"))
    csv_path = tmp / "upload.csv"
    rows = write_csv(csv_path, args.csv_mb)
    csv_mb = csv_path.stat().st_size / 1e6
    csv_expected = expected_csv(csv_path, 10)
    specs = pick_sessions(args.sessions)
    note(f"data and expected runs ready ({rows:,} rows in the CSV)")

    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(args.session_ttl)
    # Serve the code as it is now: an edit in the checkout during the run must not re-import modules under load.
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    log = tmp / "streamlit.log"
    server = StreamlitServer(_free_port(), log)
    servers.append(server)
    report: dict = {}
    failure, timed_out = None, False
    server.start()
    sampler = MemorySampler(server.proc.pid)
    try:
        time.sleep(1.0)
        report["mem_start"] = rss_mb(server.proc.pid)
        sampler.start()
        budget = limit - (time.monotonic() - t_start)
        asyncio.run(asyncio.wait_for(run(args, server, sampler, specs, csv_path, csv_expected, tmp, report),
                                     timeout=budget))
    except TimeoutError:
        failure = f"the load run did not end within --timeout {args.timeout:.0f} s per round"
        timed_out = True
    except Exception as exc:  # noqa: BLE001
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            sampler.stop()
        finally:
            server.stop()
            watchdog.cancel()
    runtime = time.monotonic() - t_start
    tracebacks = log.read_text(errors="replace").count("Traceback")
    if args.log:
        shutil.copyfile(log, args.log)
    rounds: list[Round] = report.get("rounds", [])
    if failure is None and (len(rounds) < args.rounds or any("swept" not in r.memory for r in rounds)):
        failure = "not every round ran to its end"
    visits = [v for r in rounds for v in r.visits]
    trainers = [v for v in visits if v.name != "upload"]
    uploads = [v for v in visits if v.name == "upload"]
    # Memory must come back near where it was before the load: within RETURNED of what the load added at its peak.
    kept = [(r.memory["swept"] - report["mem_warm"]) / max(r.memory["peak"] - report["mem_warm"], 1.0)
            for r in rounds if "swept" in r.memory]
    memory_ok = bool(kept) and max(kept) <= RETURNED
    all_ok = failure is None and all(v.ok for v in visits) and tracebacks == 0 and memory_ok
    exceptions = sum(v.exceptions for v in visits)
    page_errors = sum(len(v.page_errors) for v in visits)
    epochs = specs[0][2].epoch

    print(f"load: {args.sessions} sessions training + 1 uploading a {csv_mb:.1f} MB CSV ({rows:,} rows), "
          f"one headless Chromium, server on loopback, {os.cpu_count()} cores"
          + (f", {args.rounds} rounds" if args.rounds > 1 else ""))
    if failure:
        print(f"  FAILED: {failure}")
    print(f"  every session finished, own data and model: {'yes' if all_ok else 'NO'}   exceptions on pages: "
          f"{exceptions}   page errors: {page_errors}   tracebacks in the server log: {tracebacks}")
    if "mem_warm" in report:
        print(f"  server memory  start {report['mem_start']:.0f} MB · after two single visits (imports) "
              f"{report['mem_warm']:.0f} MB")
    for i, r in enumerate(rounds, 1):
        m = r.memory
        if "swept" in m:
            label = f"round {i}:" if args.rounds > 1 else ""
            share = (m["swept"] - report["mem_warm"]) / max(m["peak"] - report["mem_warm"], 1.0)
            print(f"  {label:<13}peak {m['peak']:.0f} MB · after the visitors left +5 s {m['+5 s']:.0f} MB, "
                  f"+{m['swept_at']:.0f} s {m['swept']:.0f} MB (past the {args.session_ttl} s session TTL): "
                  f"{share:.0%} of what the load added is still held "
                  f"{'(returned near its start)' if share <= RETURNED else f'(MORE THAN {RETURNED:.0%})'}")
    if visits:
        print(f"  open → interactive        {_spread([v.interactive_s for v in visits])}   ({args.sessions + 1} "
              f"opening at once; one alone {report.get('alone_s', float('nan')):.1f} s, the first after the start "
              f"{report.get('first_s', float('nan')):.1f} s)")
        print(f"  Train → first epoch drawn {_spread([v.first_epoch_s for v in trainers])}   "
              f"({args.sessions} pressing Train at once)")
        print(f"  Train → finished          {_spread([v.finished_s for v in trainers])}   "
              f"({epochs} epochs at {args.speed} per second: {epochs / args.speed:.1f} s of playback)")
    for i, (r, up) in enumerate(zip(rounds, uploads, strict=True), 1):
        ready_s = f"{up.upload_s:.1f} s" if up.upload_s is not None else "n/a"
        step_s = f"{up.step_s:.1f} s" if up.step_s is not None else "n/a"
        mine = [v for v in r.visits if v.name != "upload"]
        still = sum(1 for v in mine if up.upload_ready_at and v.finished_at and v.finished_at > up.upload_ready_at)
        label = f" (round {i})" if args.rounds > 1 else ""
        if up.upload_started is not None:
            print(f"  upload → ready{label}  {ready_s}, then +10 epochs {step_s}   (started while all {len(mine)} "
                  f"were training; {still} still were when it was ready)")
        if not r.load_s:
            continue
        print(f"  CPU{label}  the {r.load_s:.0f} s of load kept the {os.cpu_count()} cores "
              f"{r.machine_cpu_s / (r.load_s * os.cpu_count()):.0%} busy; the server used {r.server_cpu_s:.0f} s "
              f"of the {r.machine_cpu_s:.0f} s, the browser and this script the rest")
    print(f"  runtime {runtime:.0f} s")
    print("  session   data seed  weights seed  the page shows          its own run             model file")
    for r in rounds[-1:]:
        for (dseed, seed, exp), v in zip([*specs, ("csv", 6, csv_expected)], r.visits, strict=True):
            print(f"  {v.name:<8}  {dseed:>9}  {seed:>12}  {v.shown or '-':<22}  epoch {exp.epoch} loss {exp.loss:<7}"
                  f"  {'same' if v.ok else 'CHECK FAILED'}")
    for v in visits:
        if not v.ok and not v.problems:
            print(f"  {v.name}: did not end; it was {v.stage}")
        for problem in v.problems + [f"page error: {e}" for e in v.page_errors]:
            print(f"  {v.name}: {problem}")
        if v.exceptions:
            print(f"  {v.name}: {v.exceptions} exception element(s) on the page")
    print(f"  {'PASSED' if all_ok else 'FAILED'}")
    if all_ok:
        shutil.rmtree(tmp, ignore_errors=True)  # the CSV, the model files, the server log
    else:
        print(f"  kept for a look: {tmp} (server log, downloaded models, failure screenshots)")
    return 0 if all_ok else 3 if timed_out else 1


if __name__ == "__main__":
    sys.exit(main())
