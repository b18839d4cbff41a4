// Decision boundary in 3-D: the p = 0.5 surface among the training points, over three inputs (the others
// held fixed). Each frame p is computed on an N × N × N grid and surface.js extracts the surface; its
// triangles, shaded and sorted back to front, are painted by raster.js into an offscreen layer, and the box,
// the surface's outline on it, the points, axes and labels are drawn on the canvas around that layer, as
// seen from camera.js's camera (which dragging and the arrow keys turn).
// With k > 2 classes (data.classes): the surface of one class's p = 0.5 when that class's probability is shown,
// else one surface per class around the region where the network predicts it (the zero of its margin over the best
// other class), in its colour; points in their class's colour.

function createView3d(element, spec, data) {
  const HELD_LINES = 8;                 // inputs held fixed named in the legend, one a line; the rest are counted
  const LIGHT = normalize([-0.45, 0.6, 0.66]);   // view space: from the upper left, toward the viewer
  const ALPHA = 0.62;                   // the surface's opacity
  const TAG = 262144;                   // sort keys are depth * TAG + triangle index (fewer than TAG)
  // Surface colour: DIVERGING's middle with a purple tint; faces turned to the light move toward LIT.
  const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
  const SHADE = mix(DIVERGING.mid, DIVERGING.pos, 0.8);
  const LIT = mix(DIVERGING.mid, DIVERGING.pos, 0.25);   // never so light that it vanishes
  const NEG = DIVERGING.neg;

  function normalize(v) {
    const n = Math.hypot(v[0], v[1], v[2]);
    return v.map((c) => c / n);
  }

  const root = htmlEl("div", { className: "mlpx-3d" });
  const wrap = htmlEl("div", { className: "mlpx-3d-wrap" }, root);
  const stage = htmlEl("div", { className: "mlpx-3d-stage" }, wrap);
  const canvas = htmlEl("canvas", { tabIndex: 0 }, stage);
  canvas.setAttribute("role", "img");
  const side = htmlEl("div", { className: "mlpx-3d-side" }, wrap);
  element.appendChild(root);
  const ctx = canvas.getContext("2d");
  const camera = createCamera(canvas, requestRender);
  const raster = createRaster(ALPHA);
  const box = createBox(ctx, camera);

  let vs = null, specKey = "", forward = null;   // the payload's view3d; what it was built for; the network
  let grid = null;        // {N, nIn, X: standardized inputs of every node, p, logit, pMin, pMax}
  let points = null;      // {n, xyz: in box coordinates [-1, 1], label, screen: x, y, depth, group (placePoints)}
  let surfaces = [];      // createSurface's, for this grid: one, or (k classes, the predicted class) one per class
  let tints = [];         // per surface: [shade, lit] colours
  let K = 1, shown = null;   // output units; k classes: the class whose probability is shown, or null
  let scr = null, keys = null;   // per triangle: screen x, y of its corners and depth; sort key
  const size = { w: 0, h: 0, dpr: 1 };   // the drawing in CSS px, and the device's pixel ratio
  // font: viewFont(root) (the text's sizes in px and family), read by layout()
  const theme = { font: null, ink: "#31333f", paper: "rgba(255,255,255,0.85)" };
  let lastFrame = null, pending = false;

  function className(d, k) {
    const c = d.class_names;
    return Array.isArray(c) && (c.length === 2 || K > 1) ? String(c[k]) : "class " + k;
  }

  function buildSide(d) {
    side.replaceChildren();
    const item = (draw, text, cls) => {  // an icon drawn by `draw`, or class cls's mark
      const row = htmlEl("div", { className: "mlpx-3d-item" }, side);
      if (draw) draw(svgEl("svg", { width: 16, height: 14, "aria-hidden": "true" }, row));
      else classIcon(row, cls, 16, 14);
      htmlEl("span", { textContent: text }, row);
    };
    const rgb = (c) => `rgb(${c.map(Math.round).join(",")})`;
    if (K > 1) {
      const sheet = shown === null ? "surfaces around each predicted class's region, in its colour" :
        "p(" + className(d, shown) + ") = 0.5 surface";
      item((s) => svgEl("path", { d: "M1 11 L6 2 L15 4 L11 13 Z", fill: rgb(mix(SHADE, LIT, 0.5)), stroke: rgb(SHADE) }, s),
        sheet);
      d.class_names.forEach((name, c) => item(null, String(name), c));
      heldLines(d);
      return;
    }
    item((s) => svgEl("path", { d: "M1 11 L6 2 L15 4 L11 13 Z", fill: rgb(mix(SHADE, LIT, 0.5)), stroke: rgb(SHADE) }, s),
      "p = 0.5 surface (decision boundary)");
    // "yes (class 1)" for a CSV's labels; plain "class 1" when the classes have no other name.
    const named = Array.isArray(d.class_names) && d.class_names.length === 2 && String(d.class_names[1]) !== "class 1";
    item(null, className(d, 1) + (named ? " (class 1)" : ""), 1);
    item(null, className(d, 0) + (named ? " (class 0)" : ""), 0);
    heldLines(d);
  }

  function heldLines(d) {
    const held = [];
    const used = new Set(vs.axes.map((a) => a.index));
    (d.feature_names || []).forEach((name, k) => {
      if (!used.has(k) && vs.fixed[k] != null) held.push([String(name), fmt(vs.fixed[k])]);
    });
    if (held.length) {
      // One line per input, its name cut short with an ellipsis where the panel ends (CSS: the legend is HTML,
      // so the browser measures it in the panel's own font and width) and its value always shown; the whole
      // name is the line's tooltip. Inputs past HELD_LINES are counted, and listed in that line's tooltip.
      const h = htmlEl("div", { className: "mlpx-3d-hint" }, side);
      htmlEl("div", { textContent: "Other inputs held at:" }, h);
      const line = (name, value, title) => {
        const row = htmlEl("div", { className: "mlpx-3d-held", title }, h);
        htmlEl("span", { className: "mlpx-3d-held-name", textContent: name }, row);
        htmlEl("span", { className: "mlpx-3d-held-value", textContent: value }, row);
      };
      const shown = held.length > HELD_LINES ? HELD_LINES - 1 : held.length;
      for (const [name, value] of held.slice(0, shown)) line(name, "\u00a0=\u00a0" + value, name + " = " + value);
      if (shown < held.length) {
        const rest = held.slice(shown);
        line("and " + rest.length + " more", "", rest.map(([n, v]) => n + " = " + v).join("\n"));
      }
    }
    const hint = "Drag to rotate (or use the arrow keys); double-click to reset.";
    htmlEl("div", { className: "mlpx-3d-hint", textContent: hint }, side);
    canvas.setAttribute("aria-label", "Decision boundary in 3-D over " + vs.axes.map((a) => a.name).join(", "));
  }

  // Everything that depends only on the payload: standardized grid inputs and points in box units.
  function prepare(d) {
    vs = d.view3d;
    const N = vs.grid, nIn = d.forward.table[0][0], n3 = N * N * N;
    const X = new Float64Array(n3 * nIn);
    const ax = vs.axes, g = [0, 0, 0];
    const raw = new Float64Array(nIn);
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++)
        for (let i = 0; i < N; i++) {
          const row = (i + N * j + N * N * k) * nIn;
          g[0] = i; g[1] = j; g[2] = k;
          raw.set(vs.fixed);
          for (let a = 0; a < 3; a++) {
            let v = ax[a].min + ((ax[a].max - ax[a].min) * g[a]) / (N - 1);
            if (ax[a].binary) v = v < 0.5 ? 0 : 1;  // a 0/1 input: the network at 0, then at 1
            raw[ax[a].index] = v;
            holdOneHot(raw, ax[a], v);
          }
          for (let f = 0; f < nIn; f++) X[row + f] = (raw[f] - vs.mean[f]) / vs.scale[f];
        }
    grid = { N, nIn, X, p: new Float64Array(n3), logit: new Float64Array(n3), pMin: 0, pMax: 0 };
    if (K > 1) {
      grid.P = new Float64Array(n3 * K);
      grid.top = new Uint8Array(n3);
      grid.margin = new Float64Array(n3);
    }
    const src = [vs.points.x, vs.points.y, vs.points.z], n = vs.points.label.length;
    const xyz = new Float32Array(n * 3);
    for (let s = 0; s < n; s++)
      for (let a = 0; a < 3; a++) xyz[s * 3 + a] = -1 + (2 * (src[a][s] - ax[a].min)) / (ax[a].max - ax[a].min);
    const label = Uint8Array.from(vs.points.label);
    points = { n, xyz, label, screen: new Float32Array(n * 3), group: new Uint8Array(n) };
    const regions = K > 1 && shown === null;
    surfaces = Array.from({ length: regions ? K : 1 }, () => createSurface(N));
    grid.fields = surfaces.map(() => new Float64Array(n3));
    tints = surfaces.map((_, c) => {
      if (!regions) return [SHADE, LIT];
      const rgb = classRGB(c);
      return [mix(DIVERGING.mid, rgb, 0.8), mix(DIVERGING.mid, rgb, 0.25)];
    });
  }

  function compute(theta) {
    const { N, X, p, logit: L } = grid, n3 = N * N * N;
    if (K > 1) {
      forward(theta, X, n3, grid.nIn, grid.P);
      likeliest(grid.P, n3, K, grid.top, grid.margin);
      if (shown === null) {
        surfaces.forEach((sf, c) => {
          const F = grid.fields[c];
          for (let s = 0; s < n3; s++) F[s] = classMargin(grid.P, K, grid.top, grid.margin, s, c);
          sf.update(F);
        });
        return;
      }
      for (let s = 0; s < n3; s++) p[s] = grid.P[s * K + shown];
    } else forward(theta, X, n3, grid.nIn, p);
    let lo = 1, hi = 0;
    for (let s = 0; s < n3; s++) {
      const v = p[s];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      L[s] = logit(v);
    }
    grid.pMin = lo; grid.pMax = hi;
    surfaces[0].update(L);
  }

  // The layer holding the surface is at one pixel per CSS px whatever the screen: a smooth translucent
  // surface gains nothing visible from more, and each pixel costs. The canvas itself is at the device's
  // ratio, so the points, box, outlines and text drawn on it stay crisp.
  function layout() {
    const avail = root.clientWidth || element.clientWidth || 960;
    const sideW = avail >= 640 ? 248 : 0;
    const w = Math.max(300, Math.min(680, avail - sideW));
    const h = Math.round(Math.max(280, Math.min(480, w * 0.72)));
    const ratio = window.devicePixelRatio || 1, f = viewFont(root);
    const same = theme.font && f.small === theme.font.small && f.text === theme.font.text;
    if (w === size.w && h === size.h && ratio === size.dpr && same) return false;
    size.w = w; size.h = h; size.dpr = ratio;
    theme.font = f;
    raster.resize(w, h);
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    theme.ink = getComputedStyle(root).color || theme.ink;
    // Halos and the note take the page's background side: light text means a dark theme.
    const rgb = (theme.ink.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
    theme.paper = rgb[0] + rgb[1] + rgb[2] > 384 ? "rgba(14,17,23,0.85)" : "rgba(255,255,255,0.85)";
    return true;
  }

  function render() {
    if (!size.w || !lastFrame) return;
    camera.aim(size.w, size.h);
    paintSurface();
    placePoints();
    compose();
  }

  // Each surface's triangles, sorted by the depth of their centroids and shaded, painted back to front (with k
  // classes' regions, one surface after the other).
  function paintSurface() {
    raster.begin();
    surfaces.forEach((sf, c) => paintOne(sf, tints[c][0], tints[c][1]));
    raster.end();
  }

  function paintOne(surface, SHADE, LIT) {
    const project = camera.project, { cY, sY, cP, sP } = camera;
    const nTri = surface.count, tri = surface.xyz, vnorm = surface.normals, side1 = surface.side;
    if (!keys || keys.length !== side1.length) {
      scr = new Float32Array(side1.length * 7);
      keys = new Float64Array(side1.length);
    }
    for (let t = 0; t < nTri; t++) {
      const o = t * 9, s = t * 7;
      project(tri[o], tri[o + 1], tri[o + 2], scr, s);
      const w0 = scr[s + 2];
      project(tri[o + 3], tri[o + 4], tri[o + 5], scr, s + 2);
      const w1 = scr[s + 4];
      project(tri[o + 6], tri[o + 7], tri[o + 8], scr, s + 4);
      const depth = (w0 + w1 + scr[s + 6]) / 3;
      scr[s + 6] = depth;
      keys[t] = Math.floor((depth + 2) * 65536) * TAG + t;
    }
    const order = keys.subarray(0, nTri);
    order.sort();
    const rgb = raster.rgb;
    const [lx, ly, lz] = LIGHT;
    const [sr, sg, sb] = SHADE, dr = LIT[0] - sr, dg = LIT[1] - sg, db = LIT[2] - sb;
    const wr = NEG[0] - sr, wg = NEG[1] - sg, wb = NEG[2] - sb;
    for (let k = 0; k < nTri; k++) {
      const id = order[k] % TAG, s = id * 7, o = id * 9;
      // A triangle whose normal (v1 - v0) x (v2 - v0) faces the viewer winds clockwise on screen (y down);
      // side1 says whether that normal points to class 1. Exact under perspective.
      const wind = (scr[s + 2] - scr[s]) * (scr[s + 5] - scr[s + 1]) - (scr[s + 3] - scr[s + 1]) * (scr[s + 4] - scr[s]);
      const frontIs1 = (wind < 0 ? 1 : -1) * side1[id] > 0;
      const flip = frontIs1 ? 1 : -1;
      const warm = frontIs1 ? 0 : 0.15;             // the class 0 side is a touch warmer
      for (let v = 0, n = o; v < 3; v++, n += 3) {
        const nx = vnorm[n] * flip, ny = vnorm[n + 1] * flip, nz = vnorm[n + 2] * flip;
        const n1x = nx * cY - ny * sY, n1y = nx * sY + ny * cY;
        const dot = n1x * lx + (n1y * sP + nz * cP) * ly + (-n1y * cP + nz * sP) * lz;
        const lit = dot > 0 ? dot : 0;
        rgb[3 * v] = sr + dr * lit + wr * warm;
        rgb[3 * v + 1] = sg + dg * lit + wg * warm;
        rgb[3 * v + 2] = sb + db * lit + wb * warm;
      }
      raster.fill(scr[s], scr[s + 1], scr[s + 2], scr[s + 3], scr[s + 4], scr[s + 5], scr[s + 6]);
    }
  }

  // What lies behind the surface (the box's far edges, the outline on the far faces), the surface's layer,
  // the points, then the near edges and outline, axes and labels on top.
  function compose() {
    const cssW = size.w, cssH = size.h;
    ctx.setTransform(size.dpr, 0, 0, size.dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    box.place();
    box.strokeEdges(true);
    strokeOutline(false);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(raster.canvas, 0, 0, cssW, cssH);
    drawPoints();
    box.strokeEdges(false);
    strokeOutline(true);
    box.drawAxes(vs.axes, theme);
    if (surfaces.every((sf) => sf.count === 0)) drawNote();
  }

  // Points are drawn on the canvas over the layer, crisp at any pixel ratio. A point seen through n faces
  // (counted from the two front-most faces painted at its pixel; faces are painted back to front and
  // never overlap within one sheet) shows (1 - ALPHA)^n of its colour, which is what drawing it under
  // them would give. Nearer points are stronger: three depth bands. Here: each point's place on screen
  // and its group, depth band * 3 + faces in front.
  function placePoints() {
    const pts = points.xyz, pscr = points.screen;
    for (let q = 0; q < points.n; q++) {
      camera.project(pts[q * 3], pts[q * 3 + 1], pts[q * 3 + 2], pscr, q * 3);
      const w = pscr[q * 3 + 2];
      const faces = raster.facesInFront(Math.floor(pscr[q * 3]), Math.floor(pscr[q * 3 + 1]), w);
      points.group[q] = (w < -0.45 ? 0 : w < 0.45 ? 1 : 2) * 3 + faces;
    }
  }

  function drawPoints() {
    const { n, label, screen: pscr, group } = points, D = camera.distance;
    ctx.lineWidth = 1.3;
    ctx.strokeStyle = CLASS_OUTLINE;
    for (let band = 0; band < 3; band++)
      for (let faces = 2; faces >= 0; faces--) {
        ctx.globalAlpha = [0.55, 0.78, 1][band] * Math.pow(1 - ALPHA, faces);
        for (let cls = 0, k = classCount(label); cls < k; cls++) {
          ctx.beginPath();
          let any = false;
          for (let q = 0; q < n; q++) {
            if (label[q] !== cls || group[q] !== band * 3 + faces) continue;
            const x = pscr[q * 3], y = pscr[q * 3 + 1];
            const r = (3.2 * D) / (D - pscr[q * 3 + 2]);   // perspective: nearer, larger
            traceMark(ctx, cls, x, y, r);
            any = true;
          }
          if (!any) continue;
          ctx.fillStyle = CLASSES[cls].color;
          ctx.fill();
          ctx.stroke();
        }
      }
    ctx.globalAlpha = 1;
  }

  // The surface's outline on the box faces the camera sees into (drawn under the surface) or on the
  // faces toward it (drawn over). A face on axis a, side w, is toward the camera when w * eye[a] > 1.
  function strokeOutline(visible) {
    for (const surface of surfaces) strokeOutlineOf(surface, visible);
  }

  function strokeOutlineOf(surface, visible) {
    const eye = camera.eye(), seg = surface.outline;
    const q = new Float64Array(3);
    ctx.beginPath();
    for (let f = 0; f < 6; f++) {
      if ((((f & 1) ? 1 : -1) * eye[f >> 1] > 1) !== visible) continue;
      const o0 = f * surface.outlineStride;
      for (let k = 0; k < surface.outlineCount[f]; k++) {
        const o = o0 + k * 6;
        camera.project(seg[o], seg[o + 1], seg[o + 2], q, 0);
        ctx.moveTo(q[0], q[1]);
        camera.project(seg[o + 3], seg[o + 4], seg[o + 5], q, 0);
        ctx.lineTo(q[0], q[1]);
      }
    }
    ctx.lineCap = "round";
    ctx.lineWidth = visible ? 1.6 : 1.2;
    ctx.strokeStyle = visible ? "rgba(60,28,100,0.85)" : "rgba(84,39,136,0.45)";
    ctx.stroke();
  }

  function drawNote() {
    const { ink, paper, font } = theme, { pMin, pMax } = grid, cssW = size.w;
    const which = pMax < 0.5 ? 0 : 1;
    const lo = pMin.toFixed(2), hi = pMax.toFixed(2);
    let text = `No p = 0.5 surface in this box: the network says "${className(lastFrame.data, which)}" everywhere ` +
      (lo === hi ? `(p = ${lo}).` : `(p from ${lo} to ${hi}).`);
    if (K > 1 && shown === null) text = `No boundary in this box: the network predicts "${className(lastFrame.data, grid.top[0])}" everywhere.`;
    else if (K > 1) text = `No p(${className(lastFrame.data, shown)}) = 0.5 surface in this box ` + (lo === hi ? `(p = ${lo}).` : `(p from ${lo} to ${hi}).`);
    ctx.font = `${font.small}px ${font.family}`;
    const t = fitText(ctx, text, cssW - 24);
    const tw = ctx.measureText(t).width;
    ctx.fillStyle = paper;
    ctx.strokeStyle = "rgba(128,128,128,0.5)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    const h = font.small + 11;
    ctx.roundRect(cssW / 2 - tw / 2 - 10, 6, tw + 20, h, h / 2);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = ink;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(t, cssW / 2, 6 + h / 2);
  }

  function requestRender() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  function setData(d) {
    const key = JSON.stringify([d.view3d, d.class_names || null, d.forward.table, d.feature_names, d.classes || null]);
    if (key === specKey) return;
    specKey = key;
    forward = makeForward(d.forward.table, d.forward.activation);
    K = d.forward.table[d.forward.table.length - 1][1];
    shown = K > 1 && d.classes ? d.classes.shown : null;
    prepare(d);
    buildSide(d);
    layout();
    if (lastFrame) { compute(lastFrame.theta); render(); }
  }

  setData(data);
  // core.js drops the whole view when the run changes; stop observing then.
  const resize = new ResizeObserver(() => {
    if (!root.isConnected) resize.disconnect();
    else if (layout()) render();
  });
  resize.observe(root);

  // Tests read the last computed grid and surface through this hook; the app does not use it.
  root.mlpProbe = () => ({
    grid: grid.N, p: Array.from(grid.p), triangles: surfaces.reduce((t, sf) => t + sf.count, 0), yaw: camera.yaw,
    pitch: camera.pitch, predicted: K > 1 ? Array.from(grid.top) : null,
    fonts: theme.font && [theme.font.small, theme.font.text],  // px sizes of the text painted on the canvas
  });

  return {
    update(frame) {
      lastFrame = frame;
      compute(frame.theta);
      render();
    },
    setData,
  };
}
