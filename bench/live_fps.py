"""How smooth the live dashboard is, measured in headless Chromium on this machine.

    python bench/live_fps.py [--seconds 5]

Starts ``streamlit run app.py`` on loopback, opens it, presses Train with the default settings (the
article's 3-2 network on the default dataset, all views on screen) and samples the "Epoch N" label of
every view on every animation frame. Prints: distinct epochs drawn per second per view, frames in
which a view was blank, how long the views kept moving after Pause, and how long the page took to
become interactive. Then, as a presenter at 1400 × 900: Train with the space bar, scrolled down to the
slices, the sticky status line's epochs per second, and how long it kept moving after space paused. Last, the
network graph's unit thumbnails (each unit's map over the slice plane) for the article's network and for 6 hidden
layers of 8: how many are drawn, the distinct epochs per second every view draws with them on, and the frames in
which a thumbnail showed another epoch than the views.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import server_and_browser  # noqa: E402
from tests.browser_probe import FIND, START_SAMPLING, distinct_epochs_per_second, epoch_of  # noqa: E402
from tests.conftest import wait_until_idle  # noqa: E402


def open_app(page, url: str) -> float:
    """Seconds from opening the URL until the app is connected, idle, and the views are drawn."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    wait_until_idle(page)
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch !== undefined", timeout=30_000)
    return time.perf_counter() - started


def measure(page, url: str, seconds: float) -> dict:
    interactive = open_app(page, url)

    page.get_by_role("button", name="Train").click()
    page.wait_for_timeout(800)  # the rerun that starts playback
    page.evaluate(START_SAMPLING, seconds)
    samples = page.evaluate("window.__samples")
    rates = distinct_epochs_per_second(samples)
    blank = sum(1 for s in samples if s["blank"] or len(s["labels"]) < len(rates))
    frame_ms = [b["t"] - a["t"] for a, b in zip(samples, samples[1:], strict=False)]

    # Pause: sample while clicking, then find the last label change after the click.
    page.evaluate("(s) => { window.__done = (SAMPLER)(s); }".replace("SAMPLER", START_SAMPLING), 2.5)
    page.wait_for_timeout(500)
    click_t = page.evaluate("() => performance.now() - window.__t0")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(2300)
    pause_samples = page.evaluate("window.__samples")
    last_change = click_t
    for a, b in zip(pause_samples, pause_samples[1:], strict=False):
        if b["t"] > click_t and b["labels"] != a["labels"]:
            last_change = b["t"]
    final = {v: epoch_of(label) for v, label in pause_samples[-1]["labels"].items()}
    return {
        "interactive_s": interactive,
        "rates": rates,
        "frames": len(samples),
        "frame_ms_median": statistics.median(frame_ms) if frame_ms else float("nan"),
        "blank_frames": blank,
        "pause_hold_s": (last_change - click_t) / 1000,
        "paused_at": final,
    }


# Every animation frame for `seconds`: the time and the sticky status line's epoch ("Epoch N · ...").
STATUS_SAMPLER = """(seconds) => new Promise((done) => {
  const out = [], t0 = performance.now();
  window.__statusT0 = t0;
  const tick = () => {
    const el = document.querySelector(".st-key-toolbar .mlp-status");
    const m = el && /Epoch (\\d+)/.exec(el.textContent);
    out.push({ t: performance.now() - t0, epoch: m ? Number(m[1]) : null });
    if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick); else done(out);
  };
  requestAnimationFrame(tick);
})"""


def presenter(browser, url: str, seconds: float) -> dict:
    """The status line's distinct epochs per second while playing, and how long it moved after space paused."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    open_app(page, url)
    page.locator("body").press(" ")  # space: Train
    page.locator(".st-key-b_pause button:not([disabled])").wait_for(timeout=30_000)
    page.get_by_text("Decision boundary: slices").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    samples = page.evaluate(STATUS_SAMPLER, seconds)
    epochs = [s["epoch"] for s in samples if s["epoch"] is not None]
    span = (samples[-1]["t"] - samples[0]["t"]) / 1000
    page.evaluate("(s) => { window.__pause = (SAMPLER)(s); }".replace("SAMPLER", STATUS_SAMPLER), 2.0)
    page.wait_for_timeout(500)
    pressed = page.evaluate("() => performance.now() - window.__statusT0")
    page.locator("body").press(" ")  # space: Pause
    after = page.evaluate("window.__pause")
    last_change, before = pressed, 0
    for a, b in zip(after, after[1:], strict=False):
        if b["epoch"] != a["epoch"]:
            if b["t"] > pressed:
                last_change = b["t"]
            else:
                before += 1
    page.context.close()
    return {"status_rate": len(set(epochs)) / span if span > 0 else float("nan"),
            "space_hold_s": (last_change - pressed) / 1000, "moving_before": before}


# Every animation frame for `seconds`: each view's "Epoch N", the epoch the graph's thumbnails were painted at, and
# how many thumbnails there are.
THUMB_SAMPLER = """(seconds) => new Promise((done) => {
  const live = (FIND_FN)()[0], out = [], t0 = performance.now();
  const tick = () => {
    const labels = {};
    for (const el of live.querySelectorAll('.epoch-label')) labels[el.dataset.view] = el.textContent;
    const view = live.querySelector('.graph-view');
    out.push({ t: performance.now() - t0, labels, maps: view.dataset.mapsEpoch,
               thumbs: live.querySelectorAll('.graph-thumb').length });
    if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick); else done(out);
  };
  requestAnimationFrame(tick);
})""".replace("FIND_FN", FIND.strip())


def thumbnails(browser, url: str, seconds: float, width: int, height: int) -> dict:
    """With the graph's thumbnails on: the distinct epochs per second each view draws, the thumbnails' count, and
    the frames in which they showed another epoch than the graph's label (they are painted in the same update)."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    open_app(page, url)
    page.get_by_role("button", name="Train").click()
    page.locator(".st-key-b_pause button:not([disabled])").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    samples = page.evaluate(THUMB_SAMPLER, seconds)
    page.context.close()
    lagging = sum(1 for s in samples if s["maps"] is not None and "graph" in s["labels"]
                  and f"Epoch {s['maps']}" != s["labels"]["graph"])
    return {"rates": distinct_epochs_per_second(samples), "thumbs": max(s["thumbs"] for s in samples),
            "lagging": lagging, "frames": len(samples)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to sample the playing views")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=3200, help="viewport height; the default shows every view")
    args = parser.parse_args()
    with server_and_browser() as (server, browser):
        # The first visitor after a server start also pays for Python's imports; measure it apart.
        first = browser.new_page(viewport={"width": args.width, "height": args.height})
        first_visit = open_app(first, server.url)
        first.close()
        # Tall enough that every view is inside the viewport, so each one is painted on every frame.
        page = browser.new_context(viewport={"width": args.width, "height": args.height}).new_page()
        result = measure(page, server.url, args.seconds)
        shown = presenter(browser, server.url, args.seconds)
        networks = (("the article's network (3, 2)", ""), ("6 hidden layers of 8", "/?hidden=8,8,8,8,8,8"))
        maps = {name: thumbnails(browser, server.url + query, args.seconds, args.width, args.height)
                for name, query in networks}
    print(f"live dashboard, default settings, headless Chromium, {args.width} × {args.height} viewport "
          "(every view inside it)")
    print(f"  interactive after          {result['interactive_s']:.2f} s   (goal ≤ 3 s; a new visitor)")
    print(f"  first visit after start    {first_visit:.2f} s   (includes the server's one-time imports)")
    for view, rate in result["rates"].items():
        print(f"  {view:>9}: distinct epochs drawn per second {rate:6.1f}   (goal ≥ 15)")
    print(f"  frames sampled             {result['frames']} (median {result['frame_ms_median']:.1f} ms apart)")
    print(f"  frames with a blank view   {result['blank_frames']}")
    print(f"  views moved after Pause    {result['pause_hold_s']:.2f} s   (goal ≤ 0.3 s)")
    print(f"  paused at epochs           {sorted(set(result['paused_at'].values()))}")
    print("presenter, 1400 × 900, scrolled down to the slices, Train and Pause with the space bar")
    print(f"  status line: distinct epochs per second {shown['status_rate']:6.1f}   (goal ≥ 15)")
    print(f"  status moved after space   {shown['space_hold_s']:.2f} s   (goal ≤ 0.3 s; it changed "
          f"{shown['moving_before']} times in the 0.5 s before the key)")
    for name, m in maps.items():
        print(f"network graph with a thumbnail in every unit: {name}, {m['thumbs']} thumbnails")
        for view, rate in m["rates"].items():
            print(f"  {view:>9}: distinct epochs drawn per second {rate:6.1f}   (goal ≥ 15)")
        print(f"  frames whose thumbnails showed another epoch than the views: {m['lagging']} of {m['frames']}")


if __name__ == "__main__":
    main()
