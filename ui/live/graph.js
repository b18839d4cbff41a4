// Network graph: inputs, hidden units and output as columns; each edge's width is |w| and its colour
// the sign of w; each unit's fill and the number under it are its bias. Built once per payload;
// update() only sets attributes, and only those that changed. A large network (more than DRAWN_EDGES weights,
// a hairball whose painting alone would take longer than a frame) shows its DRAWN_EDGES strongest weights of
// the epoch, on a fixed set of paths that update() hands from edge to edge.
function createGraphView(element, spec, data) {
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
  // The palette's ends; on a dark theme they are lifted a little towards the light middle to stay visible.
  const colors = { pos: rgb(DIVERGING.pos), neg: rgb(DIVERGING.neg), dark: false };
  const LABEL_EMS = 8; // longer feature names are cut with an ellipsis (full name on hover)
  const OUTPUT_LABEL = "P(y=1)";
  const DRAWN_EDGES = 500;

  const root = htmlEl("div", { className: "graph-view" });
  const svg = svgEl("svg", { class: "graph-svg", role: "img", "aria-label": "Network graph" }, root);
  const tip = makeTip(root);
  const legend = htmlEl("div", { className: "view-legend" }, root);
  element.appendChild(root);

  const measure = textMeasurer(root);
  let g = null; // what build() made: scales, edge and node records
  let last = null; // the last frame drawn, for hover refreshes
  let hover = null; // the hovered edge or node record
  let width = 0; // the view's width the drawing was laid out for (CSS px)
  let built = null; // the spec and data it was built from

  // Laid out in CSS px for the view's width (again when it changes: a wider screen gets a bigger drawing, the text
  // staying at its size): the spec's node positions are stretched across the width left by the labels.
  function build(spec, data) {
    themeColors();
    svg.replaceChildren();
    const f = viewFont(root), table = data.forward.table;
    const act = spec.activation;  // the label the sidebar uses (ui.settings.table.ACTIVATIONS)
    width = Math.round(root.clientWidth) || spec.width;
    const softmax = spec.nodes.filter((n) => n.kind === "output").length > 1;  // k > 2 classes: a unit per class

    // Columns are the nodes sharing an x.
    const byX = new Map();
    spec.nodes.forEach((n, i) => {
      const k = Math.round(n.x);
      if (!byX.has(k)) byX.set(k, []);
      byX.get(k).push(i);
    });
    const cols = [...byX.entries()].sort((a, b) => a[0] - b[0]).map(([x, ids]) => ({ x, ids }));
    let hidden = 0;
    const capLines = cols.map((c) => {
      const kinds = new Set(c.ids.map((i) => spec.nodes[i].kind));
      if (kinds.has("input")) return ["inputs"];
      if (kinds.has("output")) return ["output", softmax ? "(softmax)" : "(sigmoid)"];
      hidden += 1;
      return ["hidden " + hidden, "(" + act + ")"];
    });

    // Room at the sides for the input names, the output's label and the outer columns' captions.
    const rMax = 1.5 * f.text, pad = 4;
    const shown = spec.nodes.map((n) => (n.kind === "input" ? ellipsize(String(n.label), LABEL_EMS * f.text, f.text) : ""));
    // An output's label: P(y=1) for the one sigmoid unit, p(its class) for each of k softmax units.
    const outLabel = spec.nodes.map((n) => (n.kind !== "output" ? "" : softmax
      ? "p(" + ellipsize(String(n.label), LABEL_EMS * f.text, f.text) + ")" : OUTPUT_LABEL));
    const capHalf = (ci) => Math.max(...capLines[ci].map((l) => measure(l, f.small))) / 2;
    const left = pad + Math.max(Math.max(0, ...shown.map((l) => measure(l, f.text))) + rMax + 7, capHalf(0));
    const right = pad + Math.max(Math.max(...outLabel.map((l) => measure(l, f.text))) + rMax + 7,
      capHalf(cols.length - 1));
    const sx0 = cols[0].x, k = Math.max(0.1, (width - left - right) / Math.max(1, cols[cols.length - 1].x - sx0));
    const ky = Math.min(1.5, Math.max(0.6, k));  // heights follow, within bounds: a wide screen, a dense network
    for (const c of cols) c.x = left + (c.x - sx0) * k;
    const nodes = spec.nodes.map((n) => ({ ...n, x: left + (n.x - sx0) * k, y: n.y * ky }));

    // The radius follows the tightest spacing.
    let rowGap = 1e9, colGap = 1e9;
    for (const c of cols) {
      const ys = c.ids.map((i) => nodes[i].y).sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) rowGap = Math.min(rowGap, ys[i] - ys[i - 1]);
    }
    for (let i = 1; i < cols.length; i++) colGap = Math.min(colGap, cols[i].x - cols[i - 1].x);
    const r = Math.max(4, Math.min(rMax, rowGap * 0.3, colGap * 0.12));
    const roomy = rowGap >= 2 * r + f.small + 8; // room for the bias value under each unit

    // The drawing's extent grows with what is drawn; the viewBox is fitted to it at the end.
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    const extend = (xa, xb, ya, yb) => {
      x0 = Math.min(x0, xa); x1 = Math.max(x1, xb); y0 = Math.min(y0, ya); y1 = Math.max(y1, yb);
    };
    for (const n of nodes) extend(n.x - r, n.x + r, n.y - r, n.y + r);

    // Column captions, on one baseline above the highest node; on two lines when columns are close.
    const caps = svgEl("g", { class: "graph-captions" }, svg);
    const oneLine = capLines.every((l) => measure(l.join(" "), f.small) + 24 < colGap);
    const lh = Math.round(1.15 * f.small), capY = y0 - lh - (oneLine ? 0 : lh);
    cols.forEach((c, ci) => {
      const lines = oneLine ? [capLines[ci].join(" ")] : capLines[ci];
      lines.forEach((s, li) => {
        const t = svgEl("text", { x: c.x, y: capY + li * lh, class: li ? "caption sub" : "caption" }, caps);
        t.textContent = s;
        const w = measure(s, f.small) / 2;
        extend(c.x - w, c.x + w, capY - f.small, capY + li * lh);
      });
    });

    const edgeLayer = svgEl("g", { class: "graph-edges" }, svg);
    const hitLayer = svgEl("g", { class: "graph-hits" }, svg);
    const nodeLayer = svgEl("g", { class: "graph-nodes" }, svg);

    const pooled = spec.edges.length > DRAWN_EDGES;
    const edges = spec.edges.map((e) => {
      const a = nodes[e.from], b = nodes[e.to];
      const xa = a.x + r, xb = b.x - r, xm = (xa + xb) / 2;
      const d = `M${xa},${a.y} C${xm},${a.y} ${xm},${b.y} ${xb},${b.y}`;
      return { param: e.param, d, path: null, hit: null, width: -1, pos: true,
        name: "weight " + a.label + " \u2192 " + b.label, where: layerName(table, e.param) };
    });
    // One path (and its wider invisible twin for hovering) per edge, or per slot of the strongest ones.
    const slots = (pooled ? Array.from({ length: DRAWN_EDGES }, () => ({ edge: -1 })) : edges).map((rec, i) => {
      rec.path = svgEl("path", { d: pooled ? "" : rec.d, class: "edge", stroke: colors.pos, "stroke-width": 1 },
        edgeLayer);
      rec.hit = svgEl("path", { d: pooled ? "" : rec.d, class: "edge-hit", "data-edge": i }, hitLayer);
      return rec;
    });

    const half = 0.7 * f.text;  // half a line of a name, for the extent
    const recs = nodes.map((n, i) => {
      const grp = svgEl("g", { class: "node node-" + n.kind, "data-node": i }, nodeLayer);
      const hasBias = n.bias !== null && n.bias !== undefined;
      const rec = { param: hasBias ? n.bias : null, shape: null, value: null, inner: null, fill: "", text: "",
        dark: false, name: n.title || String(n.label), where: hasBias ? layerName(table, n.bias) : "" };
      const label = String(n.label);
      if (n.kind === "input") {
        rec.shape = svgEl("rect", { x: n.x - r, y: n.y - r, width: 2 * r, height: 2 * r, rx: 3 }, grp);
        const t = svgEl("text", { x: n.x - r - 7, y: n.y, class: "node-label input-label" }, grp);
        t.textContent = shown[i];
        extend(n.x - r - 7 - measure(shown[i], f.text), n.x, n.y - half, n.y + half);
      } else {
        rec.shape = svgEl("circle", { cx: n.x, cy: n.y, r, fill: divergingColor(0) }, grp);
        if (measure(label, f.small) <= 2 * r - 5) {
          rec.inner = svgEl("text", { x: n.x, y: n.y, class: "node-inner" }, grp);
          rec.inner.textContent = label;
        }
        if (n.kind === "output") {
          const t = svgEl("text", { x: n.x + r + 7, y: n.y, class: "node-label output-label" }, grp);
          t.textContent = outLabel[i];
          extend(n.x, n.x + r + 7 + measure(outLabel[i], f.text), n.y - half, n.y + half);
        }
      }
      if (roomy && hasBias) {
        rec.value = svgEl("text", { x: n.x, y: n.y + r + f.small, class: "node-bias" }, grp);
        extend(n.x - 1.4 * f.small, n.x + 1.4 * f.small, n.y, n.y + r + f.small + 4);
      }
      return rec;
    });

    // One user unit a CSS pixel: the text is drawn at the size style.css gives it.
    const w = Math.ceil(x1 - x0 + 2 * pad), h = Math.ceil(y1 - y0 + 2 * pad);
    svg.setAttribute("viewBox", `${x0 - pad} ${y0 - pad} ${w} ${h}`);
    svg.style.width = w + "px";
    svg.style.height = h + "px";
    g = { edges, slots, pooled, nodes: recs, ws: spec.weight_scale || 1, bs: spec.bias_scale || 1,
      count: nodes.length, ecount: spec.edges.length, roomy, order: pooled ? new Float32Array(edges.length) : null };
    built = { spec, data };
    buildLegend();
  }

  function buildLegend() {
    legend.replaceChildren();
    const item = (swatch, text) => {
      const span = htmlEl("span", { className: "legend-item" }, legend);
      if (swatch) span.appendChild(swatch);
      htmlEl("span", { textContent: text }, span);
    };
    const lines = (color) => {
      const s = svgEl("svg", { width: 34, height: 14, class: "legend-swatch" });
      [1, 3, 6].forEach((w, i) => svgEl("line", { x1: 2 + i * 11, x2: 10 + i * 11, y1: 7, y2: 7, stroke: color,
        "stroke-width": w, "stroke-linecap": "round" }, s));
      return s;
    };
    item(lines(colors.pos), "positive weight");
    item(lines(colors.neg), "negative weight");
    item(null, "width \u221D |w| (widest = " + fmt(g.ws) + ")" + (g.pooled
      ? "; the " + DRAWN_EDGES.toLocaleString("en") + " strongest of " + g.ecount.toLocaleString("en") + " weights"
      : ""));
    const dots = svgEl("svg", { width: 46, height: 14, class: "legend-swatch" });
    [-1, -0.5, 0, 0.5, 1].forEach((t, i) => svgEl("circle", { cx: 6 + i * 8.5, cy: 7, r: 4.2,
      fill: divergingColor(t), class: "legend-dot" }, dots));
    item(dots, (g.roomy ? "unit fill and number = bias" : "unit fill = bias (hover for values)") +
      " (\u00B1" + fmt(g.bs) + ")");
  }

  function update(frame) {
    last = frame;
    if (!g || frame.theta.length === 0) return;
    const th = frame.theta;
    if (g.pooled) assignStrongest(th);
    // Invisible differences do not touch the DOM: widths in quarter pixels, fills in the palette's steps. A large
    // network's dots and hairlines change in coarser steps (whole pixels, eighths of the bias scale): repainting
    // its hundreds of units every frame cost more than all the other views together.
    const widthSteps = g.pooled ? 1 : 4, fillSteps = g.pooled ? 8 : Infinity;
    for (const e of g.slots) {
      const w = th[e.param];
      const width = Math.round((1 + 8 * Math.min(1, Math.abs(w) / g.ws)) * widthSteps) / widthSteps;
      if (width !== e.width) {
        e.width = width;
        e.path.setAttribute("stroke-width", width);
      }
      const pos = !(w < 0);
      if (pos !== e.pos) {
        e.pos = pos;
        e.path.setAttribute("stroke", pos ? colors.pos : colors.neg);
      }
    }
    for (const n of g.nodes) {
      if (n.param === null) continue;
      const b = th[n.param], t = fillSteps === Infinity ? b / g.bs : Math.round(fillSteps * b / g.bs) / fillSteps;
      const fill = divergingColor(t);
      if (fill !== n.fill) {
        n.fill = fill;
        n.shape.setAttribute("fill", fill);
        const dark = needsLightText(t);
        if (n.inner && dark !== n.dark) n.inner.classList.toggle("on-dark", dark);
        n.dark = dark;
      }
      const text = n.value ? fmt(b) : "";
      if (text !== n.text) {
        n.text = text;
        n.value.textContent = text;
      }
    }
    if (hover) showTip();
  }

  // The k-th largest of values (reordered in place): Hoare's selection, linear on average, where a sort of the
  // 20,000 weights of a 6 × 64 network took a tenth of each frame.
  function kthLargest(values, k) {
    let lo = 0, hi = values.length - 1;
    const want = values.length - k;
    while (lo < hi) {
      const pivot = values[(lo + hi) >> 1];
      let i = lo, j = hi;
      while (i <= j) {
        while (values[i] < pivot) i++;
        while (values[j] > pivot) j--;
        if (i <= j) {
          const t = values[i]; values[i] = values[j]; values[j] = t;
          i++; j--;
        }
      }
      if (want <= j) hi = j;
      else if (want >= i) lo = i;
      else break;
    }
    return values[want];
  }

  // Hand the slots to this epoch's strongest edges; an edge still among them keeps its slot (no DOM change).
  function assignStrongest(th) {
    const edges = g.edges, order = g.order;
    for (let i = 0; i < edges.length; i++) order[i] = Math.abs(th[edges[i].param]);
    const cut = kthLargest(order.slice(), DRAWN_EDGES);
    const keep = new Set();
    for (let i = 0; i < edges.length && keep.size < DRAWN_EDGES; i++) if (order[i] >= cut) keep.add(i);
    const free = [];
    for (const slot of g.slots) {
      if (keep.has(slot.edge)) keep.delete(slot.edge);
      else free.push(slot);
    }
    let k = 0;
    for (const i of keep) {
      const slot = free[k++], e = edges[i];
      slot.edge = i;
      slot.param = e.param;
      slot.name = e.name;
      slot.where = e.where;
      slot.path.setAttribute("d", e.d);
      slot.hit.setAttribute("d", e.d);
    }
  }

  function showTip() {
    const lines = [hover.name];
    if (hover.where) lines.push(hover.where);
    if (hover.param === null) {
      lines.push("input feature, fed in standardized");
    } else if (last && last.theta.length) {
      const what = hover.path ? "w" : "b";
      lines.push(what + " = " + fmt(last.theta[hover.param]));
      lines.push("\u2202loss/\u2202" + what + " = " + fmt(last.grad[hover.param]) + "  (epoch " + last.epoch + ")");
    }
    tip.set(lines);
  }

  svg.addEventListener("pointermove", (ev) => {
    const t = ev.target.closest ? ev.target.closest("[data-edge],[data-node]") : null;
    const rec = !t || !g ? null : t.dataset.edge !== undefined ? g.slots[+t.dataset.edge] : g.nodes[+t.dataset.node];
    if (rec !== hover) {
      if (hover && hover.path) hover.path.classList.remove("hovered");
      hover = rec;
      if (hover && hover.path) hover.path.classList.add("hovered");
      if (hover) showTip();
      else tip.hide();
    }
    if (hover) tip.move(ev);
  });
  svg.addEventListener("pointerleave", () => {
    if (hover && hover.path) hover.path.classList.remove("hovered");
    hover = null;
    tip.hide();
  });

  function setData(d) {
    const s = d.graph;
    if (!s) return;
    if (!g || s.nodes.length !== g.count || s.edges.length !== g.ecount) {
      build(s, d);
      return;
    }
    const ws = s.weight_scale || 1, bs = s.bias_scale || 1;
    if (themeColors() || ws !== g.ws || bs !== g.bs) {
      g.ws = ws;
      g.bs = bs;
      for (const e of g.slots) {
        e.width = -1;
        e.pos = null;
      }
      for (const n of g.nodes) n.fill = "";
      buildLegend();
    }
  }

  // Where a parameter sits: "layer 2, W[3, 1]" (row = input of the layer, column = unit) or
  // "layer 2, b[1]", 1-based as in the heatmaps.
  function layerName(table, p) {
    for (let li = 0; li < table.length; li++) {
      const [fin, fout, w, b] = table[li];
      if (p >= w && p < w + fin * fout) {
        return `layer ${li + 1}, W[${Math.floor((p - w) / fout) + 1}, ${((p - w) % fout) + 1}]`;
      }
      if (p >= b && p < b + fout) return `layer ${li + 1}, b[${p - b + 1}]`;
    }
    return "";
  }

  // On a dark theme (light text) the palette's dark ends would vanish into the background: lift them.
  function themeColors() {
    const m = /(\d+)[, ]+(\d+)[, ]+(\d+)/.exec(getComputedStyle(root).color || "");
    const dark = !!m && 0.299 * m[1] + 0.587 * m[2] + 0.114 * m[3] > 140;
    if (dark === colors.dark) return false;
    colors.dark = dark;
    colors.pos = dark ? divergingColor(0.7) : rgb(DIVERGING.pos);
    colors.neg = dark ? divergingColor(-0.7) : rgb(DIVERGING.neg);
    return true;
  }

  // Width of a string in px at the view's font (canvas measurement: works before the view is shown).
  function textMeasurer(el) {
    const ctx = htmlEl("canvas").getContext("2d");
    let family = null;
    return (s, size) => {
      if (family === null) family = getComputedStyle(el).fontFamily || "sans-serif";
      ctx.font = size + "px " + family;
      return ctx.measureText(s).width * 1.05;
    };
  }

  function ellipsize(s, maxWidth, size) {
    if (measure(s, size) <= maxWidth) return s;
    let n = s.length;
    while (n > 1 && measure(s.slice(0, n) + "\u2026", size) > maxWidth) n--;
    return s.slice(0, n) + "\u2026";
  }

  build(spec, data);
  // A new width (a resize, a screen turned, the sidebar closed): the drawing again, at the epoch on screen.
  const resize = new ResizeObserver(() => {
    if (!root.isConnected) resize.disconnect();
    else if (Math.round(root.clientWidth) !== width && root.clientWidth > 0) {
      build(built.spec, built.data);
      if (last) update(last);
    }
  });
  resize.observe(root);
  return { update, setData };
}
