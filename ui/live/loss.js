// Loss and accuracy over epochs: log loss above, accuracy (0-1) below, on one shared epoch axis that
// spans the whole run so the curves grow into it. Pixel coordinates are computed once per payload or
// resize; update() only cuts each precomputed points string at the shown epoch and moves the marker.
function createLossView(element, spec, data) {
  const SERIES = [
    // Train and validation differ in colour (Okabe-Ito blue / bluish green) and in dash pattern.
    { key: "loss", plot: 0, label: "train loss", cls: "train" },
    { key: "val_loss", plot: 0, label: "validation loss", cls: "val" },
    { key: "accuracy", plot: 1, label: "train accuracy", cls: "train" },
    { key: "val_accuracy", plot: 1, label: "validation accuracy", cls: "val" },
  ];
  const M = { left: 56, right: 14 };
  // Plot areas in px, the heights set by layout() from the width; the lowest plot shown gets room below for the
  // epoch labels.
  const HEIGHTS = [{ top: 8, plot: 150, bottom: 8 }, { top: 8, plot: 72, bottom: 8 }];

  const root = htmlEl("div", { className: "loss-view" }, element);

  const plots = HEIGHTS.map((h, pi) => {
    const legend = htmlEl("div", { className: "view-legend loss-legend" }, root);
    const svg = svgEl("svg", { class: "loss-svg" }, root);
    const p = {
      h, legend, svg,
      grid: svgEl("g", { class: "axis-grid" }, svg),
      yTicks: svgEl("g", { class: "axis-ticks y" }, svg),
      xTicks: svgEl("g", { class: "axis-ticks x" }, svg),
      frame: svgEl("rect", { class: "plot-frame" }, svg),
      ylabel: svgEl("text", { class: "axis-label", "text-anchor": "middle" }, svg),
      curves: svgEl("g", { class: "curves" }, svg),
      marker: svgEl("line", { class: "epoch-marker" }, svg),
      dots: svgEl("g", {}, svg),
    };
    p.ylabel.textContent = pi === 0 ? "log loss" : "accuracy";
    return p;
  });
  const xlabel = svgEl("text", { class: "axis-label", "text-anchor": "end" }, plots[1].svg);
  xlabel.textContent = "epoch";
  const note = htmlEl("div", { className: "loss-note" }, root);

  const series = SERIES.map((s) => {
    const p = plots[s.plot];
    const item = htmlEl("span", { className: "legend-item" }, p.legend);
    const sw = svgEl("svg", { width: 26, height: 10, class: "legend-swatch" }, item);
    svgEl("line", { x1: 1, x2: 25, y1: 5, y2: 5, class: "curve " + s.cls }, sw);
    htmlEl("span", { textContent: s.label }, item);
    const value = htmlEl("span", { className: "legend-value" }, item);
    return {
      ...s, item, value,
      line: svgEl("polyline", { class: "curve " + s.cls, points: "" }, p.curves),
      dot: svgEl("circle", { class: "curve-dot " + s.cls, r: 3.2 }, p.dots),
      vals: null, str: "", ends: null, lastIdx: null, ys: null, shownEnd: -1, shownText: null,
    };
  });

  let d = spec, E = 0, width = 0, last = null;

  // Not draw.js's niceTicks: these axes start at 0 and want the 1-2-5 step NEAREST span / count, where
  // niceTicks takes the next one up (2.5 included) for a range that may start anywhere.
  function niceStep(span, count) {
    const raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
  }
  const tickText = (v) => (v === 0 ? "0" : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5
    ? v.toExponential(0).replace("e+", "e") : String(+v.toPrecision(3)));

  // The loss axis: linear from 0, or logarithmic around the recorded range; fixed for the whole run.
  function lossAxis(h) {
    let lo = Infinity, hi = -Infinity;
    for (const k of ["loss", "val_loss"]) for (const v of d[k] || []) {
      if (v !== null && isFinite(v) && (!d.log_scale || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    if (!(hi > 0)) { lo = 0.1; hi = 1; }
    if (d.log_scale) {
      let a = Math.log10(lo) - 0.05, b = Math.log10(hi) + 0.05;
      if (b - a < 0.3) { a -= 0.15; b += 0.15; }
      // The sparsest of these tick sets that still gives three ticks: decades, then 1-2-5, then 1..9.
      let ticks = [];
      for (const mults of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
        ticks = [];
        for (let k = Math.floor(a); k <= Math.ceil(b); k++) for (const m of mults) {
          const lv = Math.log10(m) + k;
          if (lv >= a && lv <= b) ticks.push(m * Math.pow(10, k));
        }
        if (ticks.length >= 3) break;
      }
      const every = Math.ceil(ticks.length / 7);
      ticks = ticks.filter((_, i) => i % every === 0);
      return { ticks, y: (v) => h.top + h.plot * (1 - (Math.log10(v) - a) / (b - a)), ok: (v) => v > 0 };
    }
    const step = niceStep(hi, 4), top = Math.ceil(hi * 1.02 / step) * step;
    const ticks = [];
    for (let v = 0; v <= top + step / 2; v += step) ticks.push(+v.toPrecision(12));
    return { ticks, y: (v) => h.top + h.plot * (1 - v / top), ok: () => true };
  }

  function layout() {
    width = Math.round(element.clientWidth || root.clientWidth || 600);
    // A wider panel gets a taller chart; the margins follow the text's size (style.css's variables).
    const f = viewFont(root);
    M.left = Math.round(3.4 * f.small + 12);
    const most = cssPx(root, "--loss-max");
    HEIGHTS[0].plot = Math.round(Math.min(most, Math.max(Math.min(130, most), 0.3 * width)));
    HEIGHTS[1].plot = Math.round(HEIGHTS[0].plot / 2);
    const below = Math.round(2 * f.small + 10);
    E = Math.max(0, ...SERIES.map((s) => (d[s.key] ? d[s.key].length : 0)));
    // The epochs recorded so far: a run that diverges at epoch 3 or dies at 17 fills the chart.
    const xmax = Math.max(1, E - 1);
    const pw = Math.max(40, width - M.left - M.right);
    const X = (e) => M.left + (pw * e) / xmax;
    const xStep = Math.max(1, niceStep(xmax, Math.max(2, Math.floor(pw / 80))));  // whole epochs
    const accH = plots[1].h;
    const axes = [lossAxis(plots[0].h),
      { ticks: [0, 0.5, 1], y: (v) => accH.top + accH.plot * (1 - v), ok: () => true }];
    // A series with no recorded value at all (null, or only nulls) is left out, legend entry included.
    const has = (k) => Array.isArray(d[k]) && d[k].some((v) => v !== null);
    const hasAcc = has("accuracy") || has("val_accuracy");

    plots.forEach((p, pi) => {
      const h = p.h, ax = axes[pi], y0 = h.top, y1 = h.top + h.plot;
      const shown = pi === 0 || hasAcc;
      // The lowest plot shown carries the epoch tick labels and the axis title.
      const labelX = hasAcc ? pi === 1 : pi === 0;
      const height = y1 + (labelX ? below : h.bottom);
      p.svg.style.display = p.legend.style.display = shown ? "" : "none";
      p.svg.setAttribute("width", width);
      p.svg.setAttribute("height", height);
      p.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
      for (const [k, v] of Object.entries({ x: M.left, y: y0, width: pw, height: h.plot })) {
        p.frame.setAttribute(k, v);
      }
      p.grid.replaceChildren();
      p.yTicks.replaceChildren();
      p.xTicks.replaceChildren();
      for (const v of ax.ticks) {
        const y = ax.y(v);
        svgEl("line", { x1: M.left, x2: M.left + pw, y1: y, y2: y }, p.grid);
        svgEl("text", { x: M.left - 6, y, "text-anchor": "end", "dominant-baseline": "middle" }, p.yTicks)
          .textContent = tickText(v);
      }
      for (let e = 0; e <= xmax + 1e-9; e += xStep) {
        const x = X(e);
        svgEl("line", { x1: x, x2: x, y1: y0, y2: y1 }, p.grid);
        if (labelX) svgEl("text", { x, y: y1 + f.small + 2, "text-anchor": "middle" }, p.xTicks).textContent = tickText(e);
      }
      p.ylabel.setAttribute("transform", `translate(${f.small} ${(y0 + y1) / 2}) rotate(-90)`);
      p.marker.setAttribute("y1", y0);
      p.marker.setAttribute("y2", y1);
      if (labelX) {
        p.svg.appendChild(xlabel);
        xlabel.setAttribute("x", M.left + pw);
        xlabel.setAttribute("y", y1 + below - 3);
      }
    });
    plots[0].ylabel.textContent = d.log_scale ? "log loss (log scale)" : "log loss";

    // One points string per series; ends[e] = its length up to epoch e, so a frame is one slice.
    for (const s of series) {
      const vals = has(s.key) ? d[s.key] : null, ax = axes[s.plot];
      s.vals = vals;
      s.item.style.display = vals ? "" : "none";
      s.line.style.display = s.dot.style.display = vals ? "" : "none";
      s.dot.style.visibility = "hidden"; // until update() has a recorded value to put it on
      if (!vals) continue;
      const parts = [], ends = new Int32Array(vals.length), lastIdx = new Int32Array(vals.length), ys = [];
      let len = 0, li = -1;
      for (let e = 0; e < vals.length; e++) {
        const v = vals[e];
        if (v !== null && isFinite(v) && ax.ok(v)) {
          const y = ax.y(v), piece = (len ? " " : "") + X(e).toFixed(1) + "," + y.toFixed(1);
          parts.push(piece);
          len += piece.length;
          li = e;
          ys[e] = y;
        }
        ends[e] = len;
        lastIdx[e] = li;
      }
      s.str = parts.join("");
      s.ends = ends;
      s.lastIdx = lastIdx;
      s.ys = ys;
      s.X = X;
      s.shownEnd = -1;
      s.shownText = null;
    }
    plots.forEach((p) => (p.X = X));
  }

  function update(frame) {
    last = frame;
    const epoch = frame.epoch;
    for (const s of series) {
      if (!s.vals) continue;
      const e = Math.min(epoch, s.vals.length - 1);
      const end = e < 0 ? 0 : s.ends[e], li = e < 0 ? -1 : s.lastIdx[e];
      if (end !== s.shownEnd) {
        s.shownEnd = end;
        s.line.setAttribute("points", s.str.slice(0, end));
      }
      const text = li < 0 ? "\u2013" : fmt(s.vals[li]);
      if (text !== s.shownText) {
        s.shownText = text;
        s.value.textContent = text;
      }
      if (li >= 0) {
        s.dot.setAttribute("cx", s.X(li));
        s.dot.setAttribute("cy", s.ys[li]);
      }
      s.dot.style.visibility = li < 0 ? "hidden" : "";
    }
    for (const p of plots) {
      const x = p.X(epoch);
      p.marker.setAttribute("x1", x);
      p.marker.setAttribute("x2", x);
    }
    // Why training stopped is news only once the playback reaches the end.
    const stop = d.stop_reason && epoch >= E - 1 ? d.stop_reason : "";
    if (note.textContent !== stop) note.textContent = note.title = stop;
  }

  function relayout() {
    layout();
    if (last) update(last);
  }

  new ResizeObserver(() => {
    const w = Math.round(element.clientWidth);
    if (w > 0 && w !== width) relayout();
  }).observe(element);

  layout();
  return {
    update,
    setData(data) {
      d = data.loss || d;
      relayout();
    },
  };
}
