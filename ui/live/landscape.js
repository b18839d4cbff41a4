// The loss landscape (ui/landscape/live.py): the training loss over the plane through the final weights spanned by
// the two directions the run moved most in, as a map (colour and contour lines), with the path of the recorded epochs
// projected on it; beside it the loss along the line from the initial to the final weights. The map and the line
// are drawn once per map the server sends; update() only moves the marker to the epoch on screen.
function createLandscapeView(element, spec, data) {
  const M = { left: 64, right: 14, top: 10, bottom: 54 }; // around each plot, room for ticks (up to 16 px, Present) and a title
  const root = htmlEl("div", { className: "landscape-view" }, element);
  const note = htmlEl("div", { className: "landscape-note" }, root);
  const row = htmlEl("div", { className: "landscape-row" }, root);
  const mapBox = htmlEl("div", { className: "landscape-map" }, row);
  const canvas = htmlEl("canvas", { className: "landscape-canvas" }, mapBox);
  const svg = svgEl("svg", { class: "landscape-svg" }, mapBox);
  const profBox = htmlEl("div", { className: "landscape-profile" }, row);
  const psvg = svgEl("svg", { class: "landscape-svg" }, profBox);
  const legend = htmlEl("div", { className: "view-legend landscape-legend" }, root);

  const layer = (parent, cls) => svgEl("g", { class: cls }, parent);
  const g = {
    contours: svgEl("path", { class: "landscape-contours" }, svg),
    frame: svgEl("rect", { class: "plot-frame" }, svg),
    ticks: layer(svg, "landscape-ticks"),
    path: svgEl("polyline", { class: "landscape-path" }, svg),
    start: svgEl("circle", { class: "landscape-start", r: 5.5 }, svg),
    end: svgEl("path", { class: "landscape-end" }, svg),
    marker: svgEl("circle", { class: "landscape-marker", r: 7 }, svg),
  };
  const p = {
    frame: svgEl("rect", { class: "plot-frame" }, psvg),
    ticks: layer(psvg, "landscape-ticks"),
    curve: svgEl("polyline", { class: "landscape-line" }, psvg),
    start: svgEl("circle", { class: "landscape-start", r: 5.5 }, psvg),
    end: svgEl("path", { class: "landscape-end" }, psvg),
  };

  let d = spec, map = null, drawnKey = null, width = 0, place = null, last = null;

  // A five-pointed star of outer radius r at (x, y): the final weights, the plane's origin.
  const star = (x, y, r) => Array.from({ length: 10 }, (_, k) => {
    const a = -Math.PI / 2 + (k * Math.PI) / 5, q = k % 2 ? r * 0.45 : r;
    return (k ? "L" : "M") + (x + q * Math.cos(a)).toFixed(1) + " " + (y + q * Math.sin(a)).toFixed(1);
  }).join("") + "Z";

  // The map's colour at t in [0, 1] (0: the lowest loss on the map), from the server's scale of [stop, colour].
  function scaleColor(t) {
    const stops = map.colors.map, hex = (c, k) => parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16);
    let i = 1;
    while (i < stops.length - 1 && t > stops[i][0]) i++;
    const [t0, c0] = stops[i - 1], [t1, c1] = stops[i], u = Math.max(0, Math.min(1, (t - t0) / (t1 - t0)));
    return [0, 1, 2].map((k) => Math.round(hex(c0, k) + (hex(c1, k) - hex(c0, k)) * u));
  }

  function text(parent, x, y, s, attrs) {
    const t = svgEl("text", { x, y, ...attrs }, parent);
    t.textContent = s;
    return t;
  }

  function axisTicks(parent, lo, hi, at, horizontal, label) {
    for (const [v, s] of niceTicks(lo, hi, 4)) {
      const q = at(v);
      if (horizontal) text(parent, q, place.top + place.S + 18, s, { "text-anchor": "middle" });
      else text(parent, place.left - 7, q, label ? label(v) : s, { "text-anchor": "end", "dominant-baseline": "middle" });
    }
  }

  function drawMap() {
    const nx = map.x.length, ny = map.y.length, S = place.S;
    // Log of the loss, an overflowed one (null) at the top of the scale.
    const logs = map.loss.map((r) => r.map((v) => (v === null || !(v > 0) ? NaN : Math.log10(v))));
    let lo = Infinity, hi = -Infinity;
    for (const r of logs) for (const v of r) if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo)) hi = lo + 1;
    const at = (j, i) => (isFinite(logs[j][i]) ? logs[j][i] : hi);
    canvas.width = nx;
    canvas.height = ny;
    const ctx = canvas.getContext("2d"), img = ctx.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const c = scaleColor((at(j, i) - lo) / (hi - lo)), o = 4 * ((ny - 1 - j) * nx + i);
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    Object.assign(canvas.style, { left: place.left + "px", top: place.top + "px", width: S + "px", height: S + "px" });
    // Pixel i's centre is grid point i: the plot spans half a cell beyond the grid on each side.
    const gu = (u) => place.left + ((u + 0.5) * S) / nx, gv = (v) => place.top + ((ny - 0.5 - v) * S) / ny;
    const dx = (map.x[nx - 1] - map.x[0]) / (nx - 1), dy = (map.y[ny - 1] - map.y[0]) / (ny - 1);
    place.X = (a) => gu((a - map.x[0]) / dx);
    place.Y = (b) => gv((b - map.y[0]) / dy);
    // Contour lines at evenly spaced log losses (marching squares, draw.js).
    const parts = [], eu = new Float64Array(4), ev = new Float64Array(4), LEVELS = 14;
    for (let k = 1; k < LEVELS; k++) {
      const level = lo + ((hi - lo) * k) / LEVELS;
      for (let j = 0; j < ny - 1; j++) for (let i = 0; i < nx - 1; i++) {
        const c0 = at(j, i) - level, c1 = at(j, i + 1) - level, c2 = at(j + 1, i + 1) - level, c3 = at(j + 1, i) - level;
        const seg = squareSegments(c0, c1, c2, c3);
        if (!seg) continue;
        squareCrossings(c0, c1, c2, c3, i, j, eu, ev);
        for (let s = 0; s < seg.length; s += 2) {
          const a = seg[s], b = seg[s + 1];
          parts.push(`M${gu(eu[a]).toFixed(1)} ${gv(ev[a]).toFixed(1)}L${gu(eu[b]).toFixed(1)} ${gv(ev[b]).toFixed(1)}`);
        }
      }
    }
    g.contours.setAttribute("d", parts.join(""));
    g.ticks.replaceChildren();
    const x0 = map.x[0] - dx / 2, x1 = map.x[nx - 1] + dx / 2, y0 = map.y[0] - dy / 2, y1 = map.y[ny - 1] + dy / 2;
    axisTicks(g.ticks, x0, x1, place.X, true);
    axisTicks(g.ticks, y0, y1, place.Y, false);
    text(g.ticks, place.left + S / 2, place.top + S + 40, map.titles[0], { class: "landscape-title", "text-anchor": "middle" });
    text(g.ticks, 0, 0, map.titles[1], {
      class: "landscape-title", "text-anchor": "middle",
      transform: `translate(16 ${place.top + S / 2}) rotate(-90)`,
    });
    const a = map.path.a, b = map.path.b;
    g.path.setAttribute("points", a.map((v, k) => place.X(v).toFixed(1) + "," + place.Y(b[k]).toFixed(1)).join(" "));
    g.start.setAttribute("cx", place.X(a[0]));
    g.start.setAttribute("cy", place.Y(b[0]));
    g.end.setAttribute("d", star(place.X(0), place.Y(0), 9));
    // The legend's colour bar: the map's scale from its lowest to its highest loss.
    bar.style.background = "linear-gradient(to right, " + map.colors.map.map(([t, c]) => `${c} ${100 * t}%`).join(", ") + ")";
    barLo.textContent = fmt(Math.pow(10, lo));
    barHi.textContent = fmt(Math.pow(10, hi));
  }

  function drawProfile() {
    const pr = map.profile, W = place.pw, H = place.S, left = place.left, top = place.top;
    const ys = pr.loss.map((v) => (v === null ? NaN : pr.log ? Math.log10(v) : v));
    let lo = Infinity, hi = -Infinity;
    for (const v of ys) if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    const pad = 0.06 * (hi - lo);
    lo -= pad; hi += pad;
    const a0 = pr.a[0], a1 = pr.a[pr.a.length - 1];
    const X = (a) => left + ((a - a0) / (a1 - a0)) * W, Y = (v) => top + (1 - (v - lo) / (hi - lo)) * H;
    for (const [k, v] of Object.entries({ x: left, y: top, width: W, height: H })) p.frame.setAttribute(k, v);
    p.ticks.replaceChildren();
    axisTicks(p.ticks, a0, a1, X, true);
    axisTicks(p.ticks, lo, hi, Y, false, pr.log ? (v) => fmt(Math.pow(10, v)) : null);
    text(p.ticks, left + W / 2, top + H + 40, pr.title, { class: "landscape-title", "text-anchor": "middle" });
    text(p.ticks, 0, 0, pr.log ? "training loss (log scale)" : "training loss", {
      class: "landscape-title", "text-anchor": "middle", transform: `translate(16 ${top + H / 2}) rotate(-90)`,
    });
    const pts = [];
    pr.a.forEach((a, k) => { if (isFinite(ys[k])) pts.push(X(a).toFixed(1) + "," + Y(Math.min(hi, ys[k])).toFixed(1)); });
    p.curve.setAttribute("points", pts.join(" "));
    const y = (a) => ys[pr.a.reduce((best, v, k) => (Math.abs(v - a) < Math.abs(pr.a[best] - a) ? k : best), 0)];
    p.start.setAttribute("cx", X(0));
    p.start.setAttribute("cy", Y(y(0)));
    p.end.setAttribute("d", star(X(1), Y(y(1)), 9));
  }

  // The legend: the path's symbols (the same weights on both plots) and the map's colour bar.
  const item = (draw, label) => {
    const it = htmlEl("span", { className: "legend-item" }, legend);
    const sw = svgEl("svg", { width: 22, height: 18, class: "legend-swatch" }, it);
    draw(sw);
    htmlEl("span", { textContent: label }, it);
    return it;
  };
  item((sw) => svgEl("line", { x1: 1, x2: 21, y1: 9, y2: 9, class: "landscape-path" }, sw), "the path, epoch by epoch");
  item((sw) => svgEl("circle", { cx: 11, cy: 9, r: 5, class: "landscape-start" }, sw), "initial weights");
  item((sw) => svgEl("path", { d: star(11, 9, 8), class: "landscape-end" }, sw), "final weights (the origin)");
  const markerItem = item((sw) => svgEl("circle", { cx: 11, cy: 9, r: 6, class: "landscape-marker" }, sw), "the epoch on screen");
  const barItem = htmlEl("span", { className: "legend-item" }, legend);
  htmlEl("span", { textContent: "training loss" }, barItem);
  const barLo = htmlEl("span", { className: "landscape-bar-value" }, barItem);
  const bar = htmlEl("span", { className: "landscape-bar" }, barItem);
  const barHi = htmlEl("span", { className: "landscape-bar-value" }, barItem);

  function layout() {
    width = Math.round(element.clientWidth || 600);
    const mapW = Math.max(280, Math.min(480, Math.round(0.5 * width)));
    const S = mapW - M.left - M.right, height = S + M.top + M.bottom;
    const beside = width - mapW - 16 >= 280;
    const profW = beside ? width - mapW - 16 : width;
    place = { left: M.left, top: M.top, S, pw: Math.max(120, Math.min(profW, 560) - M.left - M.right) };
    for (const [el, w] of [[svg, mapW], [psvg, place.pw + M.left + M.right]]) {
      el.setAttribute("width", w);
      el.setAttribute("height", height);
      el.setAttribute("viewBox", `0 0 ${w} ${height}`);
    }
    mapBox.style.width = mapW + "px";
    mapBox.style.height = height + "px";
    for (const [k, v] of Object.entries({ x: M.left, y: M.top, width: S, height: S })) g.frame.setAttribute(k, v);
  }

  function draw() {
    const problem = d.problem || (d.map && d.map.problem);
    map = problem || !d.map ? null : d.map;
    row.hidden = legend.hidden = !map;
    if (problem) note.textContent = problem;
    else if (!map) note.textContent = "The map is computed once the first epochs are recorded.";
    if (!map) return;
    root.style.setProperty("--path", map.colors.path);
    root.style.setProperty("--marker", map.colors.marker);
    drawMap();
    drawProfile();
    drawnKey = map.key;
  }

  function update(frame) {
    last = frame;
    if (!map) return;
    const epochs = map.epochs, e = frame.epoch, end = epochs[epochs.length - 1];
    let lo = 0, hi = epochs.length - 1; // the last epoch of the path at or before the one on screen
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (epochs[mid] <= e) lo = mid; else hi = mid - 1;
    }
    const beyond = e > end;
    g.marker.style.visibility = markerItem.style.visibility = beyond ? "hidden" : "";
    g.marker.setAttribute("cx", place.X(map.path.a[lo]).toFixed(1));
    g.marker.setAttribute("cy", place.Y(map.path.b[lo]).toFixed(1));
    g.marker.dataset.epoch = String(e);
    g.marker.dataset.pathEpoch = String(epochs[lo]);
    const says = beyond
      ? `The map covers epochs 0 to ${end}, recorded when it was drawn; it is drawn again as the run is recorded.`
      : `The path of epochs 0 to ${end} on the plane of the two directions the weights moved most in, through the ` +
        "final weights (the star): every point is a whole network. The Landscape page explains it.";
    if (note.textContent !== says) note.textContent = says;
  }

  new ResizeObserver(() => {
    const w = Math.round(element.clientWidth);
    if (w > 0 && w !== width) {
      layout();
      draw();
      if (last) update(last);
    }
  }).observe(element);

  layout();
  draw();
  return {
    update,
    setData(next) {
      d = next.landscape || d;
      if ((d.map && d.map.key) !== drawnKey || d.problem) {
        draw();
        if (last) update(last);
      }
    },
  };
}
