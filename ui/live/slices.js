// Decision-boundary slices: for each panel, the network's probability p over two inputs (the others held
// fixed), recomputed every frame on a G × G grid, with the p = 0.5 contour and either the training points near
// the slice (teaching data) or every test row placed by its two axis values (a table: spec.projected), each
// coloured by its true class and ringed where the network, at the epoch on screen, gets it wrong. A 0/1 input
// on an axis is drawn as its two values. Each panel stacks two canvases: the map, contour and projected rows
// (redrawn per frame) under the near points and axes (redrawn only on resize or new data).
// With k > 2 classes (data.classes) a panel shows either the class the network predicts at each point, in that
// class's colour (paler where it is less sure), with the lines where the prediction changes, or one class's
// probability on the two-class scale with its p = 0.5 line (data.classes.shown); points in their class's mark.
// Every class's colour and mark are the palette's (specs.palette: CLASSES, traceMark and classIcon in draw.js); the legend is sliceslegend.js.

function createSlicesView(element, spec, data) {
  // Plot margins inside each panel's canvases (CSS px): room for tick labels and the axis names, set by layout()
  // from the text's sizes (style.css's variables).
  const M = { left: 46, right: 10, top: 6, bottom: 38 };
  const GAP = 18;
  const MIN_SIZE = 220;  // a panel's width, at least; a wider screen gets bigger slices, up to style.css's --slice-max
  const POINT_R = 3.6;

  const lut = divergingLut();  // p's colour at (p * 255 + 0.5) | 0

  const root = htmlEl("div", { className: "mlpx-slices" });
  const row = htmlEl("div", { className: "mlpx-slices-row" }, root);
  const legend = htmlEl("div", { className: "mlpx-legend" }, root);
  element.appendChild(root);

  let forward = null;
  let panels = [];          // per panel: its spec ps, DOM, offscreen G × G image, grid inputs X, p, logit
  let proj = null;          // the test rows by projection: {n, rows, label, Z (standardized), p, wrong}
  let G = 0;
  let cssSize = 0;          // canvas width in CSS px (the plot is cssSize − margins wide)
  let dpr = 1;
  let lastFrame = null;
  let specKey = "";
  let font = null;          // viewFont(root): the text's sizes and family
  let ink = "#31333f";
  let K = 1;                // output units: 1 (two classes) or k
  let shown = null;         // k classes: the class whose probability is shown, or null (the predicted class)
  let regionLut = null;     // k classes, predicted: per class, 256 pixels from pale (unsure) to its colour (sure)

  function buildLegend(d) {
    buildSlicesLegend(legend, d, { k: K, shown, projected: !!proj, ink });
  }

  function buildPanels(sl) {
    row.replaceChildren();
    panels = sl.panels.map((ps) => {
      const fig = htmlEl("figure", { className: "mlpx-slice" });
      const head = htmlEl("div", { className: "mlpx-slice-head" }, fig);
      const title = htmlEl("span", { className: "mlpx-slice-title" }, head);
      const note = htmlEl("span", { className: "mlpx-slice-note" }, head);
      const plot = htmlEl("div", { className: "mlpx-slice-plot" }, fig);
      const map = htmlEl("canvas", null, plot);
      const axes = htmlEl("canvas", null, plot);
      const labels = svgEl("svg", { class: "mlpx-slice-labels" }, plot);
      row.appendChild(fig);
      return { fig, head, title, note, noteText: "", plot, map, axes, labels, ps };
    });
  }

  // Standardized inputs of every grid node, computed once per payload: row j (y, bottom to top), column i.
  function prepareGrids(sl, d) {
    G = sl.grid;
    const nIn = d.forward.table[0][0];
    for (const pn of panels) {
      const X = planeInputs(pn.ps, sl.mean, sl.scale, G, nIn);
      pn.X = X;
      pn.nIn = nIn;
      pn.p = new Float64Array(G * G);
      pn.logit = new Float64Array(G * G);
      if (K > 1) {
        pn.P = new Float64Array(G * G * K);
        pn.top = new Uint8Array(G * G);
        pn.margin = new Float64Array(G * G);
      }
      pn.off = htmlEl("canvas", { width: G, height: G });
      pn.offCtx = pn.off.getContext("2d");
      pn.img = pn.offCtx.createImageData(G, G);
      pn.pix = new Uint32Array(pn.img.data.buffer);
    }
    proj = null;
    if (sl.projected) {
      const rows = sl.projected.rows, n = rows.length;
      const Z = new Float64Array(n * nIn);
      for (let r = 0; r < n; r++) for (let k = 0; k < nIn; k++) Z[r * nIn + k] = (rows[r][k] - sl.mean[k]) / sl.scale[k];
      proj = { n, rows, label: sl.projected.label, Z, nIn, p: new Float64Array(n * K), wrong: new Uint8Array(n) };
    }
  }

  // Points class by class (0 first, so the usually fewer class 1 stay visible where classes mix), each in its
  // class's mark (CLASSES); a point the network gets wrong is ringed in the ink colour.
  function drawPoints(ctx, n, px, py, label, wrong) {
    ctx.lineWidth = 1.3;
    for (let cls = 0, k = classCount(label); cls < k; cls++) {
      ctx.fillStyle = CLASSES[cls].color;
      for (let i = 0; i < n; i++) {
        if (label[i] !== cls) continue;
        const x = px(i), y = py(i);
        ctx.strokeStyle = CLASS_OUTLINE;
        ctx.beginPath();
        traceMark(ctx, cls, x, y, POINT_R);
        ctx.fill();
        ctx.stroke();
        if (wrong && wrong[i]) {
          ctx.strokeStyle = "#111";
          ctx.beginPath();
          ctx.arc(x, y, POINT_R + 2.4, 0, 2 * Math.PI);
          ctx.stroke();
        }
      }
    }
  }

  function layout() {
    const width = root.clientWidth || element.clientWidth || 960;
    // As many panels a row as fit at MIN_SIZE (all of them on a wide screen, one on a phone), sharing its width.
    const n = Math.max(1, Math.min(panels.length, Math.floor((width + GAP) / (MIN_SIZE + GAP))));
    const size = Math.max(MIN_SIZE, Math.min(cssPx(root, "--slice-max"), Math.floor((width - GAP * (n - 1)) / n)));
    const ratio = window.devicePixelRatio || 1;
    const f = viewFont(root);
    if (size === cssSize && ratio === dpr && font && f.small === font.small && f.text === font.text) return false;
    cssSize = size;
    dpr = ratio;
    font = f;
    ink = getComputedStyle(root).color || ink;
    M.left = Math.round(f.text + 2.6 * f.small + 12);
    M.bottom = Math.round(f.small + f.text + 15);
    const h = plotSize() + M.top + M.bottom;
    for (const pn of panels) {
      pn.head.style.marginLeft = M.left + "px";
      pn.fig.style.width = size + "px";
      pn.plot.style.width = size + "px";
      pn.plot.style.height = h + "px";
      for (const c of [pn.map, pn.axes]) {
        c.width = Math.round(size * dpr);
        c.height = Math.round(h * dpr);
        c.style.width = size + "px";
        c.style.height = h + "px";
      }
      pn.labels.setAttribute("width", size);
      pn.labels.setAttribute("height", h);
      drawAxes(pn);
    }
    return true;
  }

  const plotSize = () => cssSize - M.left - M.right;

  // Static layer: training points, frame, ticks and axis names.
  function drawAxes(pn) {
    const ctx = pn.axes.getContext("2d");
    const ps = pn.ps, S = plotSize(), x0 = M.left, y0 = M.top;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssSize, S + M.top + M.bottom);
    const sx = (v) => x0 + ((v - ps.x.min) / (ps.x.max - ps.x.min)) * S;
    const sy = (v) => y0 + S - ((v - ps.y.min) / (ps.y.max - ps.y.min)) * S;

    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, S, S);
    ctx.clip();
    const pts = ps.points;
    if (pts) drawPoints(ctx, pts.label.length, (i) => sx(pts.x[i]), (i) => sy(pts.y[i]), pts.label, null);
    ctx.restore();

    ctx.strokeStyle = "rgba(128,128,128,0.55)";
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 - 0.5, y0 - 0.5, S + 1, S + 1);
    ctx.strokeStyle = ink;
    ctx.globalAlpha = 0.8;
    ctx.beginPath();
    // The tick marks on the canvas; their labels and the axis names as SVG text over it (text a screen reader and
    // a test can read, at style.css's sizes).
    const labels = pn.labels, text = (s, attrs) => { svgEl("text", attrs, labels).textContent = s; };
    labels.replaceChildren();
    const ticks = (a) => (a.binary ? [[0, "0"], [1, "1"]] : niceTicks(a.min, a.max, 5));
    for (const [v, s] of ticks(ps.x)) {
      const px = Math.round(sx(v)) + 0.5;
      ctx.moveTo(px, y0 + S + 0.5);
      ctx.lineTo(px, y0 + S + 4.5);
      text(s, { x: px, y: y0 + S + 6, class: "tick", "text-anchor": "middle", "dominant-baseline": "hanging" });
    }
    for (const [v, s] of ticks(ps.y)) {
      const py = Math.round(sy(v)) + 0.5;
      ctx.moveTo(x0 - 0.5, py);
      ctx.lineTo(x0 - 4.5, py);
      text(s, { x: x0 - 6, y: py, class: "tick", "text-anchor": "end", "dominant-baseline": "middle" });
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    // Names come from users' files: set as text (never parsed as markup), shortened to fit (measured on the canvas).
    ctx.font = `600 ${font.text}px ${font.family}`;
    text(fitText(ctx, ps.x.name, S), { x: x0 + S / 2, y: y0 + S + M.bottom - 5, class: "name", "text-anchor": "middle" });
    const yc = Math.round(0.6 * font.text) + 2;
    text(fitText(ctx, ps.y.name, S), { x: 0, y: 0, class: "name", "text-anchor": "middle", "dominant-baseline": "middle",
      transform: `translate(${yc} ${y0 + S / 2}) rotate(-90)` });
  }

  // Marching squares on the logit, which a ReLU network makes piecewise linear, so linear interpolation
  // puts the p = 0.5 line where the network has it (traceZeroLine, in draw.js).
  const contourPath = (ctx, L, x0, y0, cell) => traceZeroLine(ctx, L, G, x0, y0, cell);
  const ex = new Float64Array(4), ey = new Float64Array(4);  // the k classes' borders' crossings (drawRegions)

  // k classes, the predicted class: each node in its class's colour, as sure as the network is (p of that class
  // from 1/k to 1), and the lines where the class changes: for each class present at a cell's corners, the zero
  // line of its margin over the best other class (marching squares, as the p = 0.5 line).
  function drawRegions(pn, ctx, x0, y0, cell) {
    const P = pn.P, top = pn.top, margin = pn.margin, pix = pn.pix;
    let seen = 0;  // the classes predicted somewhere, a bit each
    for (let r = 0; r < G; r++) {
      const src = (G - 1 - r) * G;
      for (let i = 0; i < G; i++) {
        const s = src + i, c = top[s];
        seen |= 1 << Math.min(c, 30);
        const sure = (P[s * K + c] - 1 / K) / (1 - 1 / K);
        pix[r * G + i] = regionLut[c][(sure * 255 + 0.5) | 0];
      }
    }
    pn.offCtx.putImageData(pn.img, 0, 0);
    const S = cell * (G - 1);
    ctx.drawImage(pn.off, x0 - cell / 2, y0 - cell / 2, cell * G, cell * G);
    ctx.beginPath();
    const m = [0, 0, 0, 0], corner = [0, 0, 0, 0];
    for (let j = 0; j < G - 1; j++) {
      for (let i = 0; i < G - 1; i++) {
        corner[0] = j * G + i; corner[1] = j * G + i + 1; corner[2] = (j + 1) * G + i + 1; corner[3] = (j + 1) * G + i;
        const t0 = top[corner[0]];
        if (t0 === top[corner[1]] && t0 === top[corner[2]] && t0 === top[corner[3]]) continue;
        for (let q = 0; q < 4; q++) {
          const c = top[corner[q]];
          if (q > 0 && [0, 1, 2].slice(0, q).some((o) => top[corner[o]] === c)) continue;  // each class once
          for (let o = 0; o < 4; o++) m[o] = classMargin(P, K, top, margin, corner[o], c);
          const seg = squareSegments(m[0], m[1], m[2], m[3]);
          if (!seg) continue;
          squareCrossings(m[0], m[1], m[2], m[3], i, j, ex, ey);
          for (let s = 0; s < seg.length; s += 2) {
            ctx.moveTo(x0 + ex[seg[s]] * cell, y0 + S - ey[seg[s]] * cell);
            ctx.lineTo(x0 + ex[seg[s + 1]] * cell, y0 + S - ey[seg[s + 1]] * cell);
          }
        }
      }
    }
    return seen;
  }

  function drawPanel(pn, theta) {
    const p = pn.p, L = pn.logit, pix = pn.pix, n = G * G;
    if (K > 1) {
      forward(theta, pn.X, n, pn.nIn, pn.P);
      likeliest(pn.P, n, K, pn.top, pn.margin);
      if (shown === null) return drawPredicted(pn);
      for (let s = 0; s < n; s++) p[s] = pn.P[s * K + shown];
    } else forward(theta, pn.X, n, pn.nIn, p);
    let lo = 1, hi = 0;
    for (let r = 0; r < G; r++) {
      // Image row 0 is the top of the plot, the largest y.
      const src = (G - 1 - r) * G;
      for (let i = 0; i < G; i++) {
        const v = p[src + i];
        pix[r * G + i] = lut[(v * 255 + 0.5) | 0];
      }
    }
    for (let k = 0; k < n; k++) {
      const v = p[k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      L[k] = logit(v);
    }
    pn.offCtx.putImageData(pn.img, 0, 0);
    const any = paintMap(pn, (ctx, x0, y0, cell) => {
      ctx.drawImage(pn.off, x0 - cell / 2, y0 - cell / 2, cell * G, cell * G);
      ctx.beginPath();
      return contourPath(ctx, L, x0, y0, cell);
    });
    const note = any ? "" : hi < 0.5 ? "p < 0.5 everywhere" : lo > 0.5 ? "p > 0.5 everywhere" : "";
    if (note !== pn.noteText) pn.note.textContent = pn.noteText = note;
  }

  // The map layer of a panel: what draw(ctx, x0, y0, cell) paints (the image of the grid, then the path of its
  // lines, which are stroked here), then the projected rows, inside the plot; returns what draw returns.
  function paintMap(pn, draw) {
    const ctx = pn.map.getContext("2d");
    const S = plotSize(), x0 = M.left, y0 = M.top, cell = S / (G - 1);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssSize, S + M.top + M.bottom);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, S, S);
    ctx.clip();
    // Grid nodes sit on the plot's edges, so the image is drawn half a cell larger on every side to put
    // each texel centre on its node; smoothing then interpolates bilinearly between nodes.
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "low";
    const out = draw(ctx, x0, y0, cell);
    ctx.strokeStyle = "rgba(20,20,20,0.9)";
    ctx.lineWidth = 2;
    ctx.lineCap = "round";
    ctx.stroke();
    drawProjected(ctx, pn, S, x0, y0);
    ctx.restore();
    return out;
  }

  // k classes, the predicted class: the regions, their borders and the points (drawRegions).
  function drawPredicted(pn) {
    const seen = paintMap(pn, (ctx, x0, y0, cell) => drawRegions(pn, ctx, x0, y0, cell));
    const only = seen && (seen & (seen - 1)) === 0 ? Math.log2(seen) : -1;
    const note = only >= 0 && only < 30 ? "predicted " + String(lastFrame.data.class_names[only]) + " everywhere" : "";
    if (note !== pn.noteText) pn.note.textContent = pn.noteText = note;
  }

  function drawProjected(ctx, pn, S, x0, y0) {
    if (!proj) return;
    const ps = pn.ps, xi = ps.x.index, yi = ps.y.index;
    const sx = (v) => x0 + ((v - ps.x.min) / (ps.x.max - ps.x.min)) * S;
    const sy = (v) => y0 + S - ((v - ps.y.min) / (ps.y.max - ps.y.min)) * S;
    drawPoints(ctx, proj.n, (i) => sx(proj.rows[i][xi]), (i) => sy(proj.rows[i][yi]), proj.label, proj.wrong);
  }

  // Whether the network gets each projected test row wrong: p ≥ 0.5 against class 1, or the likeliest of k.
  function judgeProjected() {
    forward(lastFrame.theta, proj.Z, proj.n, proj.nIn, proj.p);
    for (let i = 0; i < proj.n; i++) {
      let predicted = proj.p[i] >= 0.5 ? 1 : 0;
      if (K > 1) {
        predicted = 0;
        for (let c = 1; c < K; c++) if (proj.p[i * K + c] > proj.p[i * K + predicted]) predicted = c;
      }
      proj.wrong[i] = predicted !== proj.label[i] ? 1 : 0;
    }
  }

  function redraw() {
    if (!lastFrame) return;
    if (proj) judgeProjected();
    for (const pn of panels) drawPanel(pn, lastFrame.theta);
  }

  function setData(d) {
    const sl = d.slices;
    const key = JSON.stringify([sl, d.class_names || null, d.forward.table, d.classes || null]);
    if (key === specKey) return;
    specKey = key;
    forward = makeForward(d.forward.table, d.forward.activation);
    K = d.forward.table[d.forward.table.length - 1][1];
    shown = K > 1 && d.classes ? d.classes.shown : null;
    regionLut = K > 1 ? Array.from({ length: K }, (_, cls) => {
      // From a pale tint of the class's colour (p = 1/k, unsure) to three quarters of the way to it (sure).
      const bytes = new Uint8ClampedArray(256 * 4), m = DIVERGING.mid, rgb = classRGB(cls);
      for (let q = 0; q < 256; q++) {
        const t = 0.18 + 0.57 * (q / 255);
        bytes.set([0, 1, 2].map((c) => m[c] + (rgb[c] - m[c]) * t).concat(255), q * 4);
      }
      return new Uint32Array(bytes.buffer);
    }) : null;
    if (sl.panels.length !== panels.length) buildPanels(sl);
    sl.panels.forEach((ps, k) => {
      panels[k].ps = ps;
      panels[k].title.textContent = ps.title;
      panels[k].title.title = ps.title;
    });
    prepareGrids(sl, d);
    buildLegend(d);
    cssSize = 0;
    layout();
    redraw();
  }

  setData(data);
  // core.js drops the whole view when the run changes; stop observing then.
  const resize = new ResizeObserver(() => {
    if (!root.isConnected) resize.disconnect();
    else if (layout()) redraw();
  });
  resize.observe(root);

  // Tests read the last computed grids through this hook; the app does not use it.
  root.mlpProbe = () => ({
    grid: G, panels: panels.map((pn) => Array.from(pn.p)),
    // k classes: each panel's predicted class at every grid node, and the class whose probability is shown (or null)
    classes: K > 1 ? { k: K, shown, predicted: panels.map((pn) => Array.from(pn.top)), colours: CLASSES.slice(0, K).map((c) => c.color) } : null,
    points: panels.map((pn) => (pn.ps.points ? pn.ps.points.label.length : proj ? proj.n : 0)),
    projected: proj ? { n: proj.n, wrong: proj.wrong.reduce((a, b) => a + b, 0) } : null,
    axes: panels.map((pn) => [pn.ps.x.name, pn.ps.y.name]),
    // panel k's grid node (column i, row j): its standardized inputs, as the network gets them
    node: (k, i, j) => Array.from(panels[k].X.slice((j * G + i) * panels[k].nIn, (j * G + i + 1) * panels[k].nIn)),
  });

  return {
    update(frame) {
      lastFrame = frame;
      redraw();
    },
    setData,
  };
}
