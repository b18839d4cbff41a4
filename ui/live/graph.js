// Network graph: inputs, hidden units and output as columns; each edge's width is |w| and its colour
// the sign of w; each unit's fill (its border when it shows its map) and the number under it are its bias. Every
// unit shows what it computes over the slice plane, a thumbnail of its own (unitmaps.js), and a dead ReLU unit says
// so; a click on a unit enlarges its map, a click on an edge shows its weight, beside the graph, where a paused run's
// weights and biases can be changed (graphdetail.js); + and − above change the network (graphshape.js). Built once
// per payload; update() only sets attributes, and only those that changed. A large network (more than DRAWN_EDGES
// weights, a hairball whose painting alone would take longer than a frame) shows its DRAWN_EDGES strongest weights of
// the epoch, on a fixed set of paths that update() hands from edge to edge (graphedges.js).
let GRAPH_PICK = null;  // the unit or edge the card shows, across the views' rebuilds (pick() in the view)

function createGraphView(element, spec, data) {
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
  // The palette's ends; on a dark theme they are lifted a little towards the light middle to stay visible.
  const colors = { pos: rgb(DIVERGING.pos), neg: rgb(DIVERGING.neg), dark: false };
  const LABEL_EMS = 8; // longer feature names are cut with an ellipsis (full name on hover)
  const OUTPUT_LABEL = "P(y=1)";
  const DRAWN_EDGES = 500;
  const THUMBS_MOST = 120;  // units; more, and the dots are too small to show a map (click one: its map, enlarged)
  const THUMB_GRID = 20;    // a thumbnail's grid, points a side
  const DETAIL_ROOM = 236;  // the card beside the graph (graphdetail.js), with its gap, when the view is wide enough

  const root = htmlEl("div", { className: "graph-view" });
  // The graph beside its card: the plate (+ and − above the drawing, the thumbnails over it) centred in its stage.
  const row = htmlEl("div", { className: "graph-row" }, root);
  const stage = htmlEl("div", { className: "graph-stage" }, row);
  const plate = htmlEl("div", { className: "graph-plate" }, stage);
  const shapeBar = htmlEl("div", { className: "graph-shape" }, plate);
  const drawing = htmlEl("div", { className: "graph-drawing" }, plate);
  const svg = svgEl("svg", { class: "graph-svg", role: "img", "aria-label": "Network graph" }, drawing);
  const thumbLayer = htmlEl("div", { className: "graph-thumbs" }, drawing);
  const panel = element.closest(".panel");  // its header's place for the hidden layers' − and + (core.js)
  const tools = (panel && panel.querySelector(".panel-tools")) || htmlEl("span", null, root);
  const tip = makeTip(root);
  const legend = htmlEl("div", { className: "view-legend" }, root);
  element.appendChild(root);

  const measure = textMeasurer(root);
  const ellipsize = (t, maxWidth, size) => ellipsizeText(measure, t, maxWidth, size);
  let g = null; // what build() made: scales, edge and node records
  let last = null; // the last frame drawn, for hover refreshes
  let hover = null; // the hovered edge or node record
  let width = 0; // the view's width the drawing was laid out for (CSS px)
  let built = null; // the spec and data it was built from
  let maps = null;  // the units' maps on the slice plane (unitmaps.js), when the thumbnails are shown
  let deadCheck = null, dead = null;  // ReLU units off for every training row: the check and its last result
  let detail = null; // the card beside the graph (graphdetail.js), and what it knows of the network
  const detailCtx = { onClose: () => { GRAPH_PICK = null; relayout(); } };

  // Laid out in CSS px for the view's width (again when it changes: a wider screen gets a bigger drawing, the text
  // staying at its size): the spec's node positions are stretched across the width left by the labels.
  function build(spec, data) {
    themeColors();
    svg.replaceChildren();
    const f = viewFont(root), table = data.forward.table;
    const act = spec.activation;  // the label the sidebar uses (ui.settings.table.ACTIVATIONS)
    const full = Math.round(root.clientWidth) || spec.width;
    width = full;
    if (detail && detail.isOpen() && width >= 2 * DETAIL_ROOM + 240) width -= DETAIL_ROOM;  // the card beside it
    row.classList.toggle("stacked", !!detail && detail.isOpen() && width === full);
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
    // Every unit's map as its own canvas over its node, when there is room for one (a large network: on a click);
    // units that show one are drawn larger.
    const plane = slicePlane(data), thumbable = !!plane && spec.nodes.length <= THUMBS_MOST;
    const rMax = (thumbable ? 2.2 : 1.5) * f.text, pad = 4;
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
    const r = Math.max(4, Math.min(rMax, rowGap * 0.3, colGap * (thumbable ? 0.18 : 0.12)));
    const roomy = rowGap >= 2 * r + f.small + 8; // room for the bias value under each unit
    const thumbs = thumbable && r >= 9;

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
        name: "weight " + a.label + " \u2192 " + b.label, where: parameterName(table, e.param) };
    });
    // One path (and its wider invisible twin for hovering) per edge, or per slot of the strongest ones.
    const slots = (pooled ? Array.from({ length: DRAWN_EDGES }, () => ({ edge: -1 })) : edges).map((rec, i) => {
      rec.path = svgEl("path", { d: pooled ? "" : rec.d, class: "edge", stroke: colors.pos, "stroke-width": 1 },
        edgeLayer);
      rec.hit = svgEl("path", { d: pooled ? "" : rec.d, class: "edge-hit", "data-edge": i }, hitLayer);
      return rec;
    });

    const half = 0.7 * f.text;  // half a line of a name, for the extent
    thumbLayer.replaceChildren();
    const recs = nodes.map((n, i) => {
      const grp = svgEl("g", { class: "node node-" + n.kind + (thumbs ? " thumb" : ""), "data-node": i,
                               tabindex: 0, role: "button" }, nodeLayer);  // Enter or a click: its card
      const hasBias = n.bias !== null && n.bias !== undefined;
      const rec = { param: hasBias ? n.bias : null, shape: null, value: null, inner: null, fill: "", text: "",
        dark: false, name: n.title || String(n.label), where: hasBias ? parameterName(table, n.bias) : "", grp,
        label: String(n.label), kind: n.kind, x: n.x, y: n.y, canvas: null, dead: false };
      const label = String(n.label);
      if (thumbs) {
        rec.shape = svgEl("rect", { x: n.x - r, y: n.y - r, width: 2 * r, height: 2 * r, rx: 4 }, grp);
        rec.canvas = htmlEl("canvas", { width: THUMB_GRID, height: THUMB_GRID, className: "graph-thumb" }, thumbLayer);
        rec.canvas.setAttribute("role", "img");
        rec.ctx = rec.canvas.getContext("2d");
        rec.img = rec.ctx.createImageData(THUMB_GRID, THUMB_GRID);
        rec.pix = new Uint32Array(rec.img.data.buffer);
      }
      setThumbLabel(rec);
      if (n.kind === "input") {
        if (!thumbs) rec.shape = svgEl("rect", { x: n.x - r, y: n.y - r, width: 2 * r, height: 2 * r, rx: 3 }, grp);
        const t = svgEl("text", { x: n.x - r - 7, y: n.y, class: "node-label input-label" }, grp);
        t.textContent = shown[i];
        extend(n.x - r - 7 - measure(shown[i], f.text), n.x, n.y - half, n.y + half);
      } else {
        if (!thumbs) rec.shape = svgEl("circle", { cx: n.x, cy: n.y, r, fill: divergingColor(0) }, grp);
        if (!thumbs && measure(label, f.small) <= 2 * r - 5) {
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
    plate.style.width = w + "px";
    g = { edges, slots, pooled, nodes: recs, ws: spec.weight_scale || 1, bs: spec.bias_scale || 1,
      count: nodes.length, ecount: spec.edges.length, roomy, order: pooled ? new Float32Array(edges.length) : null,
      thumbs, plane, r, left: x0 - pad, top: y0 - pad, w, h };
    built = { spec, data, full };
    placeThumbs();
    maps = thumbs ? createUnitMaps(table, data.forward.activation, plane, THUMB_GRID) : null;
    const rows = data.forward.activation === "relu" ? data.graph.rows : null;
    deadCheck = rows ? createDeadCheck(table, rows) : null;
    dead = null;
    Object.assign(detailCtx, { table, activation: data.forward.activation, control: data.control, units: recs,
      limit: data.editing ? data.editing.limit : 0 });
    if (!detail) detail = createGraphDetail(row, detailCtx);
    const hiddenXs = cols.filter((c, ci) => ci > 0 && ci < cols.length - 1).map((c) => c.x - g.left);
    shapeControls(shapeBar, tools, data, hiddenXs);
    buildLegend();
  }

  // The thumbnails over their nodes, each in its node's box less the border: the SVG's user units are CSS px, unless
  // a panel too narrow for the drawing shrinks it (style.css's max-width; its height stays, the drawing centred in it).
  function placeThumbs() {
    const shown = svg.getBoundingClientRect().width, s = shown > 0 ? Math.min(1, shown / g.w) : 1;
    const dy = (g.h - g.h * s) / 2, side = (2 * g.r - 4) * s;
    for (const n of g.nodes) {
      if (!n.canvas) continue;
      Object.assign(n.canvas.style, { left: (n.x - g.r + 2 - g.left) * s + "px",
        top: dy + (n.y - g.r + 2 - g.top) * s + "px", width: side + "px", height: side + "px" });
    }
  }

  // A unit's name for a screen reader and a hover: what it is, and dead when it is.
  function setThumbLabel(n) {
    const text = n.name + (n.dead ? " — dead: off for every training row" : "") + ": its map over the slice plane";
    if (n.canvas) n.canvas.setAttribute("aria-label", text);
    n.grp.setAttribute("aria-label", n.name + (n.dead ? " (dead)" : ""));
  }

  function buildLegend() {
    legend.replaceChildren();
    const item = (swatch, text, kind) => {
      const span = htmlEl("span", { className: "legend-item" + (kind ? " " + kind : "") }, legend);
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
    const part = g.thumbs ? "border" : "fill";
    item(dots, (g.roomy ? "unit " + part + " and number = bias" : "unit " + part + " = bias (hover for values)") +
      " (\u00B1" + fmt(g.bs) + ")");
    if (g.thumbs) {
      const ps = g.plane.ps;
      item(null, "in each unit: its output over " + ps.x.name + " \u00D7 " + ps.y.name + " (" + ps.title + ")" +
        (built.data.forward.activation === "relu" ? ", grey where off" : "") + "; click one to enlarge", "maps");
    } else item(null, "click a unit: its map");
  }

  // Show a unit or an edge in the card; remembered for the next views of a network of the same shape (a new branch
  // of the run after an edit rebuilds them), so the card stays open on what was being looked at.
  function pick(what) {
    GRAPH_PICK = { ...what, count: g.count, ecount: g.ecount };
    if (what.kind === "unit") detail.showUnit(what.index, g.plane);
    else detail.showEdge(what.rec);
  }

  // The plane the units' maps are drawn on: the middle slice (the slices' two inputs, the others held as there).
  function slicePlane(d) {
    const sl = d.slices;
    if (!sl || !sl.panels || !sl.panels.length) return null;
    return { ps: sl.panels[(sl.panels.length - 1) >> 1], mean: sl.mean, scale: sl.scale };
  }

  // The width changed, or the card beside the graph opened or closed: laid out again, at the epoch on screen.
  function relayout() {
    build(built.spec, built.data);
    if (last) update(last);
  }

  function update(frame) {
    last = frame;
    if (!g || frame.theta.length === 0) return;
    const th = frame.theta;
    if (g.pooled) assignStrongest(g.edges, g.slots, g.order, th, DRAWN_EDGES);
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
        if (g.thumbs) n.shape.style.stroke = fill;  // the border (a style: style.css's outline would win)
        else n.shape.setAttribute("fill", fill);
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
    if (maps) {
      maps.compute(th);
      g.nodes.forEach((n, i) => {
        if (n.kind === "input" && n.painted) return;  // an input's map is its own value: the same every epoch
        maps.paint(i, n.pix);
        n.ctx.putImageData(n.img, 0, 0);
        n.painted = true;
      });
      root.dataset.mapsEpoch = String(frame.epoch);  // the bench checks they are of the epoch the views show
    }
    if (deadCheck) markDead(deadCheck.step(th, frame.epoch));
    if (detail) detail.update(frame, dead);
    if (hover) showTip();
  }

  // The dead units of the check's last result: a dashed outline, "dead" under the unit, in its name for a screen
  // reader and on hover.
  function markDead(result) {
    dead = result;
    if (!result) return;
    g.nodes.forEach((n, i) => {
      const now = !!result.dead[i];
      if (now === n.dead) return;
      n.dead = now;
      n.grp.classList.toggle("dead", now);
      setThumbLabel(n);
      if (now && !n.deadText) {
        n.deadText = svgEl("text", { x: n.x, y: n.y - g.r - 4, class: "node-dead" }, n.grp);
        n.deadText.textContent = "dead";
      }
      if (n.deadText) n.deadText.style.display = now ? "" : "none";
    });
  }

  function showTip() {
    const lines = [hover.name];
    if (hover.where) lines.push(hover.where);
    if (hover.param === null) {
      lines.push("input feature, fed in standardized");
    } else if (last && last.theta.length) {
      const what = hover.path ? "w" : "b";
      if (hover.dead && dead) lines.push("dead: off for every one of " + dead.rows + " (epoch " + dead.epoch + ")");
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
  // A click on a unit (or Enter on it): its map, enlarged, beside the graph (and its bias to edit, paused); on an
  // edge: its weight.
  svg.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || !ev.target.closest || !ev.target.closest("[data-node]")) return;
    ev.preventDefault();
    ev.target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  });
  svg.addEventListener("click", (ev) => {
    const t = ev.target.closest ? ev.target.closest("[data-edge],[data-node]") : null;
    if (!t || !g || !detail) return;
    const wasOpen = detail.isOpen();
    if (t.dataset.node !== undefined) pick({ kind: "unit", index: +t.dataset.node });
    else if (g.slots[+t.dataset.edge].param !== undefined) {
      const e = g.slots[+t.dataset.edge];  // a large network's slot changes edges: the card keeps this one
      pick({ kind: "edge", rec: { param: e.param, name: e.name, where: e.where } });
    }
    if (!wasOpen) relayout();  // room for the card beside the graph
    else if (last) update(last);
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

  build(spec, data);
  if (GRAPH_PICK && GRAPH_PICK.count === g.count && GRAPH_PICK.ecount === g.ecount) {
    pick(GRAPH_PICK);
    relayout();
  }
  // A new width (a resize, a screen turned, the sidebar closed): the drawing again, at the epoch on screen.
  const resize = new ResizeObserver(() => {
    if (!root.isConnected) resize.disconnect();
    else if (Math.round(root.clientWidth) !== built.full && root.clientWidth > 0) relayout();
  });
  resize.observe(root);
  return { update, setData };
}
