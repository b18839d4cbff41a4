"""Reading the live views from a real browser: "Epoch N" labels sampled on every animation frame.

Shared by the browser tests and ``bench/live_fps.py``. The component lives in a shadow root, so the
probe walks shadow roots to find it.
"""

from __future__ import annotations

FIND = """
() => {
  const roots = [document];
  const found = [];
  while (roots.length) {
    const r = roots.pop();
    for (const el of r.querySelectorAll('*')) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      if (el.classList && el.classList.contains('mlp-live')) found.push(el);
    }
  }
  return found;
}
"""

START_SAMPLING = """
(seconds) => {
  const find = FIND_FN;
  window.__samples = [];
  const t0 = performance.now();
  window.__t0 = t0;
  return new Promise((resolve) => {
    const step = () => {
      const live = find()[0];
      const labels = {};
      let blank = [];
      if (live) {
        for (const el of live.querySelectorAll('.epoch-label')) labels[el.dataset.view] = el.textContent;
        for (const body of live.querySelectorAll('.panel-body')) {
          const empty = !body.firstElementChild || body.getBoundingClientRect().height < 20;
          if (empty) blank.push(body.parentElement.className);
        }
      }
      window.__samples.push({t: performance.now() - t0, labels, blank});
      if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(step); else resolve(window.__samples.length);
    };
    requestAnimationFrame(step);
  });
}
""".replace("FIND_FN", FIND.strip())


SMALLEST_TEXT = """
() => {
  const live = (FIND_FN)()[0];
  let px = Infinity, where = "";
  const see = (size, what) => { if (size < px) { px = size; where = what; } };
  for (const el of live.querySelectorAll("*")) {
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const m = el instanceof SVGGraphicsElement && el.getScreenCTM();
    if (m) size *= Math.hypot(m.a, m.b);  // an SVG drawn smaller than its viewBox shrinks its text with it
    see(size, (el.getAttribute("class") || el.tagName) + ": " + el.textContent.slice(0, 30));
  }
  for (const root of live.querySelectorAll(".mlpx-3d")) {
    for (const size of root.mlpProbe().fonts) see(size, root.className + ": text painted on its canvas");
  }
  return { px, where };
}
""".replace("FIND_FN", FIND.strip())


def smallest_text(page) -> dict:
    """The smallest text in the live views as drawn, in CSS px (an SVG's scale included; the 3-D view's painted text
    by its probe): {px, where}."""
    return page.evaluate(SMALLEST_TEXT)


def live_labels(page) -> dict[str, str]:
    """The current "Epoch N" label of every view."""
    return page.evaluate(
        ("() => { const live = (FIND_FN)()[0]; const out = {}; if (!live) return out;"
         " for (const el of live.querySelectorAll('.epoch-label')) out[el.dataset.view] = el.textContent;"
         " return out; }").replace("FIND_FN", FIND.strip())
    )


def sample(page, seconds: float) -> list[dict]:
    """Labels of every view on every animation frame for ``seconds``: [{t (ms), labels, blank}]."""
    page.evaluate(START_SAMPLING, seconds)
    return page.evaluate("window.__samples")


def epoch_of(label: str) -> int:
    return int(label.split()[-1])


def distinct_epochs_per_second(samples: list[dict]) -> dict[str, float]:
    """For each view, how many different epochs it showed per second of sampling."""
    if len(samples) < 2:
        return {}
    span = (samples[-1]["t"] - samples[0]["t"]) / 1000
    views = set().union(*(s["labels"] for s in samples))
    return {v: len({s["labels"].get(v) for s in samples if v in s["labels"]}) / span for v in sorted(views)}
