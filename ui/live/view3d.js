// Decision boundary in 3-D: the p = 0.5 surface among the training points, over three inputs (the others
// held fixed). Each frame p is computed on an N × N × N grid, the surface is extracted by marching
// tetrahedra, and its triangles are painted back to front by a small software rasterizer into an offscreen
// layer: it blends translucent faces without the seams canvas paths leave between neighbours, and is
// faster than thousands of separate canvas fills. Points, box, axes and labels are drawn on the canvas
// around that layer. Drag (mouse or touch) or the arrow keys rotate.

function createView3d(element, spec, data) {
  const YAW0 = 0.52, PITCH0 = 0.4;      // default view: from the front left, a little above
  const HELD_LINES = 8;                 // inputs held fixed named in the legend, one a line; the rest are counted
  const CAM = 7;                        // camera distance in box half-widths: a mild perspective
  const LIGHT = normalize([-0.45, 0.6, 0.66]);   // view space: from the upper left, toward the viewer
  const ALPHA = 0.62;
  const TAG = 262144;                   // sort keys are depth * TAG + triangle index (fewer than TAG)
  // Surface colour: DIVERGING's middle with a purple tint; faces turned to the light move toward LIT.
  const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
  const SHADE = mix(DIVERGING.mid, DIVERGING.pos, 0.8);
  const LIT = mix(DIVERGING.mid, DIVERGING.pos, 0.25);   // never so light that it vanishes
  const NEG = DIVERGING.neg, POS = DIVERGING.pos;
  // The six tetrahedra of a cube around its 0-7 diagonal (corner v = dx + 2 dy + 4 dz). Neighbouring
  // cubes split their shared face along the same diagonal, so the surface has no cracks.
  const TETS = [0, 1, 3, 7, 0, 1, 5, 7, 0, 2, 3, 7, 0, 2, 6, 7, 0, 4, 5, 7, 0, 4, 6, 7];
  // For each inside/outside pattern of a tetrahedron's 4 corners (bit c set = corner c on the class 1
  // side): its triangles as flat triples of cut edges (corner pairs), and one corner on the class 1 side.
  const TET_CASES = [];
  for (let mask = 0; mask < 16; mask++) {
    const ins = [0, 1, 2, 3].filter((c) => mask & (1 << c)), outs = [0, 1, 2, 3].filter((c) => !(mask & (1 << c)));
    let cuts = [];
    if (ins.length === 1 || ins.length === 3) {
      const [lone, rest] = ins.length === 1 ? [ins[0], outs] : [outs[0], ins];
      cuts = [[lone, rest[0]], [lone, rest[1]], [lone, rest[2]]];
    } else if (ins.length === 2) {
      const [a, b] = ins, [c, d] = outs;
      cuts = [[a, c], [a, d], [b, d], [a, c], [b, d], [b, c]];
    }
    TET_CASES.push({ cuts: cuts.flat(), inside: ins[0] });
  }
  const BOX = [];
  for (let v = 0; v < 8; v++) BOX.push([v & 1 ? 1 : -1, v & 2 ? 1 : -1, v & 4 ? 1 : -1]);
  const EDGES = [];                     // [corner, corner, axis it runs along]
  for (let v = 0; v < 8; v++) for (let a = 0; a < 3; a++) if (!(v & (1 << a))) EDGES.push([v, v | (1 << a), a]);

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
  const layer = htmlEl("canvas");
  const lctx = layer.getContext("2d");

  let forward = null, specKey = "", vs = null, nIn = 0, N = 0;
  let X = null, P = null, L = null, coord = null;           // grid: inputs, p, logit, node positions
  let gx = null, gy = null, gz = null;                       // gradient of the logit at the nodes
  let pts = null, ptLabel = null, nPts = 0;                 // points in box coordinates [-1, 1]
  let pscr = null, pointGroup = null;         // points: screen x, y, depth; depth band * 3 + faces in front
  let cap = 0, nTri = 0, tri = null, vnorm = null, side1 = null;   // triangles, vertex normals, face side
  let faceSeg = null, faceCount = new Int32Array(6);          // the surface's outline on each box face
  let scr = null, keys = null;                 // per triangle: screen x, y of its corners and depth; sort keys
  // W × H is the software layer holding the surface, at one pixel per CSS px whatever the screen: a
  // smooth translucent surface gains nothing visible from more, and each pixel costs. The canvas itself is
  // at the device's ratio dpr, so the points, box, outlines and text drawn on it stay crisp.
  let W = 0, H = 0, dpr = 1, cssW = 0, cssH = 0, img = null, u8 = null, u32 = null;
  let front = null, second = null;                 // per layer pixel: depths of the last two faces painted
  let dirty = [0, 0, 0, 0];                                 // layer pixels written last frame: x0, y0, x1, y1
  let yaw = YAW0, pitch = PITCH0, lastFrame = null, pMin = 0, pMax = 0, pending = false;
  let font = "sans-serif", ink = "#31333f", paper = "rgba(255,255,255,0.85)";

  function className(d, k) {
    const c = d.class_names;
    return Array.isArray(c) && c.length === 2 ? String(c[k]) : "class " + k;
  }

  function buildSide(d) {
    side.replaceChildren();
    const item = (draw, text) => {
      const row = htmlEl("div", { className: "mlpx-3d-item" }, side);
      draw(svgEl("svg", { width: 16, height: 14, "aria-hidden": "true" }, row));
      htmlEl("span", { textContent: text }, row);
    };
    const rgb = (c) => `rgb(${c.map(Math.round).join(",")})`;
    item((s) => svgEl("path", { d: "M1 11 L6 2 L15 4 L11 13 Z", fill: rgb(mix(SHADE, LIT, 0.5)), stroke: rgb(SHADE) }, s),
      "p = 0.5 surface (decision boundary)");
    // "yes (class 1)" for a CSV's labels; plain "class 1" when the classes have no other name.
    const named = Array.isArray(d.class_names) && d.class_names.length === 2 && String(d.class_names[1]) !== "class 1";
    item((s) => svgEl("circle", { cx: 8, cy: 7, r: 4.5, fill: rgb(POS), stroke: "#fff", "stroke-width": 1.3 }, s),
      className(d, 1) + (named ? " (class 1)" : ""));
    item((s) => svgEl("rect", { x: 3.5, y: 2.5, width: 9, height: 9, fill: rgb(NEG), stroke: "#fff", "stroke-width": 1.3 }, s),
      className(d, 0) + (named ? " (class 0)" : ""));
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
    htmlEl("div", { className: "mlpx-3d-hint", textContent: "Drag to rotate (or use the arrow keys); double-click to reset." }, side);
    canvas.setAttribute("aria-label", "Decision boundary in 3-D over " + vs.axes.map((a) => a.name).join(", "));
  }

  // Everything that depends only on the payload: standardized grid inputs and points in box units.
  function prepare(d) {
    vs = d.view3d;
    N = vs.grid;
    nIn = d.forward.layout[0][0];
    const n3 = N * N * N;
    X = new Float64Array(n3 * nIn);
    P = new Float64Array(n3);
    L = new Float64Array(n3);
    gx = new Float64Array(n3); gy = new Float64Array(n3); gz = new Float64Array(n3);
    coord = new Float64Array(N);
    for (let i = 0; i < N; i++) coord[i] = -1 + (2 * i) / (N - 1);
    const ax = vs.axes, g = [0, 0, 0];
    const axisOf = Array.from({ length: nIn }, (_, f) => ax.findIndex((e) => e.index === f));
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++)
        for (let i = 0; i < N; i++) {
          const row = (i + N * j + N * N * k) * nIn;
          g[0] = i; g[1] = j; g[2] = k;
          for (let f = 0; f < nIn; f++) {
            const a = axisOf[f];
            const v = a >= 0 ? ax[a].min + ((ax[a].max - ax[a].min) * g[a]) / (N - 1) : vs.fixed[f];
            X[row + f] = (v - vs.mean[f]) / vs.scale[f];
          }
        }
    const src = [vs.points.x, vs.points.y, vs.points.z];
    nPts = vs.points.label.length;
    pts = new Float32Array(nPts * 3);
    ptLabel = Uint8Array.from(vs.points.label);
    for (let s = 0; s < nPts; s++)
      for (let a = 0; a < 3; a++) pts[s * 3 + a] = -1 + (2 * (src[a][s] - ax[a].min)) / (ax[a].max - ax[a].min);
    pscr = new Float32Array(nPts * 3);
    pointGroup = new Uint8Array(nPts);
    faceSeg = new Float32Array(6 * (N - 1) * (N - 1) * 12);
    cap = 0; tri = null;
    grow(4096);
  }

  function grow(want) {
    if (want <= cap) return;
    cap = Math.max(want, cap * 2);
    const t = new Float32Array(cap * 9), n = new Float32Array(cap * 9), s = new Int8Array(cap);
    if (tri) { t.set(tri); n.set(vnorm); s.set(side1); }
    tri = t; vnorm = n; side1 = s;
    scr = new Float32Array(cap * 7);
    keys = new Float64Array(cap);
  }

  // Marching tetrahedra on the logit: a ReLU network makes it piecewise linear, so linear interpolation
  // puts each vertex where the network's boundary is. Vertex normals come from the logit's gradient,
  // which keeps the truly flat faces flat and shades the grid-sampled creases between them smoothly.
  const cv = new Float64Array(8), ci = new Int32Array(8), cx = new Float64Array(8), cy = new Float64Array(8), cz = new Float64Array(8);
  const ex = new Float64Array(3), ey = new Float64Array(3), ez = new Float64Array(3);
  const nx3 = new Float64Array(3), ny3 = new Float64Array(3), nz3 = new Float64Array(3);

  function edgePoint(u, v, slot) {
    if (u > v) { const t = u; u = v; v = t; }           // same order from both tets: identical vertices
    const t = cv[u] / (cv[u] - cv[v]), a = ci[u], b = ci[v];
    ex[slot] = cx[u] + (cx[v] - cx[u]) * t;
    ey[slot] = cy[u] + (cy[v] - cy[u]) * t;
    ez[slot] = cz[u] + (cz[v] - cz[u]) * t;
    nx3[slot] = gx[a] + (gx[b] - gx[a]) * t;
    ny3[slot] = gy[a] + (gy[b] - gy[a]) * t;
    nz3[slot] = gz[a] + (gz[b] - gz[a]) * t;
  }

  // Stores the triangle in slots 0, 1, 2, with which side of it faces class 1 (corner `inside`).
  function emit(inside) {
    const ux = ex[1] - ex[0], uy = ey[1] - ey[0], uz = ez[1] - ez[0];
    const vx = ex[2] - ex[0], vy = ey[2] - ey[0], vz = ez[2] - ez[0];
    const fx = uy * vz - uz * vy, fy = uz * vx - ux * vz, fz = ux * vy - uy * vx;
    const len = Math.sqrt(fx * fx + fy * fy + fz * fz);
    if (len < 1e-12) return;                          // a sliver of no area: nothing to draw
    const toward = fx * (cx[inside] - ex[0]) + fy * (cy[inside] - ey[0]) + fz * (cz[inside] - ez[0]) >= 0 ? 1 : -1;
    if (nTri >= cap) grow(nTri + 1);
    const o = nTri * 9;
    for (let v = 0; v < 3; v++) {
      tri[o + 3 * v] = ex[v]; tri[o + 3 * v + 1] = ey[v]; tri[o + 3 * v + 2] = ez[v];
      let n = Math.sqrt(nx3[v] * nx3[v] + ny3[v] * ny3[v] + nz3[v] * nz3[v]);
      // A vanishing gradient (never on a real boundary, but possible in a flat corner) takes the face's normal.
      const ok = n > 1e-9;
      if (!ok) n = len * toward;
      vnorm[o + 3 * v] = (ok ? nx3[v] : fx) / n;
      vnorm[o + 3 * v + 1] = (ok ? ny3[v] : fy) / n;
      vnorm[o + 3 * v + 2] = (ok ? nz3[v] : fz) / n;
    }
    side1[nTri] = toward;                             // face normal (f) times this points to class 1
    nTri++;
  }

  function extract() {
    nTri = 0;
    const N2 = N * N;
    for (let k = 0; k < N - 1; k++)
      for (let j = 0; j < N - 1; j++)
        for (let i = 0; i < N - 1; i++) {
          const base = i + N * j + N2 * k;
          let pos = 0;
          for (let v = 0; v < 8; v++) {
            const idx = base + (v & 1) + (v & 2 ? N : 0) + (v & 4 ? N2 : 0);
            ci[v] = idx;
            cv[v] = L[idx];
            if (L[idx] > 0) pos++;
          }
          if (pos === 0 || pos === 8) continue;
          for (let v = 0; v < 8; v++) {
            cx[v] = coord[i + (v & 1)]; cy[v] = coord[j + ((v >> 1) & 1)]; cz[v] = coord[k + ((v >> 2) & 1)];
          }
          for (let t = 0; t < 24; t += 4) {
            const mask = (cv[TETS[t]] > 0) | ((cv[TETS[t + 1]] > 0) << 1) | ((cv[TETS[t + 2]] > 0) << 2) | ((cv[TETS[t + 3]] > 0) << 3);
            const { cuts, inside } = TET_CASES[mask];
            for (let c = 0; c < cuts.length; c += 6) {
              edgePoint(TETS[t + cuts[c]], TETS[t + cuts[c + 1]], 0);
              edgePoint(TETS[t + cuts[c + 2]], TETS[t + cuts[c + 3]], 1);
              edgePoint(TETS[t + cuts[c + 4]], TETS[t + cuts[c + 5]], 2);
              emit(TETS[t + inside]);
            }
          }
        }
  }

  // Where the surface meets the box: marching squares on the logits of each of the six faces (face
  // 2a + s lies on axis a at its min, s = 0, or max, s = 1), with core.js's squareSegments.
  const fu = new Float64Array(4), fv = new Float64Array(4);
  function faceContours() {
    const stride = [1, N, N * N], h = 2 / (N - 1);
    for (let f = 0; f < 6; f++) {
      const a = f >> 1, u = (a + 1) % 3, v = (a + 2) % 3;
      const base = (f & 1) * (N - 1) * stride[a], su = stride[u], sv = stride[v];
      const w = (f & 1) ? 1 : -1;
      let n = 0, o = f * (N - 1) * (N - 1) * 12;
      for (let j = 0; j < N - 1; j++)
        for (let i = 0; i < N - 1; i++) {
          const p = base + i * su + j * sv;
          const c0 = L[p], c1 = L[p + su], c2 = L[p + su + sv], c3 = L[p + sv];
          const seg = squareSegments(c0, c1, c2, c3);
          if (!seg) continue;
          squareCrossings(c0, c1, c2, c3, i, j, fu, fv);
          for (let k = 0; k < seg.length; k++, o += 3) {
            faceSeg[o + a] = w;
            faceSeg[o + u] = -1 + fu[seg[k]] * h;
            faceSeg[o + v] = -1 + fv[seg[k]] * h;
          }
          n += seg.length / 2;
        }
      faceCount[f] = n;
    }
  }

  function compute(theta) {
    const n3 = N * N * N, N2 = N * N, h = 2 / (N - 1);
    forward(theta, X, n3, nIn, P);
    pMin = 1; pMax = 0;
    for (let s = 0; s < n3; s++) {
      const v = P[s];
      if (v < pMin) pMin = v;
      if (v > pMax) pMax = v;
      L[s] = logit(v);
    }
    // Central differences inside the grid, one-sided on its faces.
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++)
        for (let i = 0; i < N; i++) {
          const s = i + N * j + N2 * k;
          const i0 = i > 0 ? s - 1 : s, i1 = i < N - 1 ? s + 1 : s;
          const j0 = j > 0 ? s - N : s, j1 = j < N - 1 ? s + N : s;
          const k0 = k > 0 ? s - N2 : s, k1 = k < N - 1 ? s + N2 : s;
          gx[s] = (L[i1] - L[i0]) / (h * (i1 - i0));
          gy[s] = (L[j1] - L[j0]) / ((h * (j1 - j0)) / N);
          gz[s] = (L[k1] - L[k0]) / ((h * (k1 - k0)) / N2);
        }
    extract();
    faceContours();
  }

  function layout() {
    const avail = root.clientWidth || element.clientWidth || 960;
    const sideW = avail >= 640 ? 248 : 0;
    const w = Math.max(300, Math.min(680, avail - sideW));
    const h = Math.round(Math.max(280, Math.min(480, w * 0.72)));
    const ratio = window.devicePixelRatio || 1;
    if (w === cssW && h === cssH && ratio === dpr) return false;
    cssW = w; cssH = h; dpr = ratio;
    W = w; H = h;
    layer.width = W;
    layer.height = H;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    img = lctx.createImageData(W, H);
    u8 = img.data;
    u32 = new Uint32Array(u8.buffer);
    front = new Float32Array(W * H);
    second = new Float32Array(W * H);
    dirty = [0, 0, W, H];
    const cs = getComputedStyle(root);
    font = cs.fontFamily || font;
    ink = cs.color || ink;
    // Halos and the note take the page's background side: light text means a dark theme.
    const rgb = (ink.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
    paper = rgb[0] + rgb[1] + rgb[2] > 384 ? "rgba(14,17,23,0.85)" : "rgba(255,255,255,0.85)";
    return true;
  }

  // --- projection: turn about the vertical axis (yaw), tilt (pitch), then a mild perspective.
  let cY, sY, cP, sP, scale, ox, oy;
  function setCamera() {
    cY = Math.cos(yaw); sY = Math.sin(yaw); cP = Math.cos(pitch); sP = Math.sin(pitch);
    scale = Math.min(W * 0.9, H) / 3.9;
    ox = W / 2; oy = H / 2;
  }
  // Writes screen x, y (CSS px) and depth (toward the viewer) into out[o..o+2].
  function project(x, y, z, out, o) {
    const x1 = x * cY - y * sY, y1 = x * sY + y * cY;
    const v = y1 * sP + z * cP, w = -y1 * cP + z * sP;
    const f = CAM / (CAM - w);
    out[o] = ox + scale * x1 * f;
    out[o + 1] = oy - scale * v * f;
    out[o + 2] = w;
  }
  const tmp = new Float64Array(3);
  const toScreen = (p) => { project(p[0], p[1], p[2], tmp, 0); return [tmp[0], tmp[1], tmp[2]]; };

  // --- software rasterizer into the layer (straight alpha, "over" blending) ---
  // "Over" with source opacity a/255 onto a pixel of opacity d/255 moves its colour by MIX[a << 8 | d] of
  // the way to the source and leaves opacity OVER[a << 8 | d]: tables instead of a division per pixel.
  const MIX = new Float32Array(65536), OVER = new Uint8Array(65536);
  for (let sa = 0; sa < 256; sa++)
    for (let d = 0; d < 256; d++) {
      const outA = sa / 255 + (d / 255) * (1 - sa / 255);
      MIX[(sa << 8) | d] = outA > 0 ? sa / 255 / outA : 0;
      OVER[(sa << 8) | d] = Math.round(outA * 255);
    }
  const FACE = Math.round(ALPHA * 255) << 8;
  let bx0, by0, bx1, by1;

  // A triangle with vertex colours (r, g, b per vertex, in rgb) interpolated across it, opacity ALPHA.
  // Scanline fill: a pixel is painted when its centre lies in [left edge, right edge) and its row's centre
  // in [top, bottom), so triangles sharing an edge never both paint (or both skip) a pixel.
  const rgb = new Float64Array(9);
  function fillTriangle(x0, y0, x1, y1, x2, y2, depth) {
    const ux = x1 - x0, uy = y1 - y0, vx = x2 - x0, vy = y2 - y0;
    const area = ux * vy - uy * vx;
    if (area === 0 || area !== area) return;
    // Colour planes c(x, y) = c0 + cx (x - x0) + cy (y - y0).
    const inv = 1 / area, r0 = rgb[0], g0 = rgb[1], b0 = rgb[2];
    const dr1 = rgb[3] - r0, dr2 = rgb[6] - r0, dg1 = rgb[4] - g0, dg2 = rgb[7] - g0, db1 = rgb[5] - b0, db2 = rgb[8] - b0;
    const rx = (dr1 * vy - dr2 * uy) * inv, ry = (dr2 * ux - dr1 * vx) * inv;
    const gx = (dg1 * vy - dg2 * uy) * inv, gy = (dg2 * ux - dg1 * vx) * inv;
    const bx = (db1 * vy - db2 * uy) * inv, by = (db2 * ux - db1 * vx) * inv;
    // Vertices by height: a on top, b in the middle, c at the bottom.
    let ax = x0, ay = y0, mx = x1, my = y1, cx = x2, cy = y2, t;
    if (my < ay) { t = ax; ax = mx; mx = t; t = ay; ay = my; my = t; }
    if (cy < ay) { t = ax; ax = cx; cx = t; t = ay; ay = cy; cy = t; }
    if (cy < my) { t = mx; mx = cx; cx = t; t = my; my = cy; cy = t; }
    const yStart = Math.max(0, Math.ceil(ay - 0.5)), yEnd = Math.min(H, Math.ceil(cy - 0.5));
    if (yStart >= yEnd) return;
    const sLong = (cx - ax) / (cy - ay), sTop = (mx - ax) / (my - ay), sBottom = (cx - mx) / (cy - my);
    if (yStart < by0) by0 = yStart;
    if (yEnd - 1 > by1) by1 = yEnd - 1;
    for (let y = yStart; y < yEnd; y++) {
      const py = y + 0.5;
      const xLong = ax + (py - ay) * sLong;
      const xShort = py < my ? ax + (py - ay) * sTop : mx + (py - my) * sBottom;
      const xs = Math.max(0, Math.ceil((xLong < xShort ? xLong : xShort) - 0.5));
      const xe = Math.min(W, Math.ceil((xLong < xShort ? xShort : xLong) - 0.5));
      if (xs >= xe) continue;
      if (xs < bx0) bx0 = xs;
      if (xe - 1 > bx1) bx1 = xe - 1;
      const dx = xs + 0.5 - x0, dy = py - y0;
      let r = r0 + rx * dx + ry * dy, g = g0 + gx * dx + gy * dy, b = b0 + bx * dx + by * dy;
      for (let o = (y * W + xs) * 4, end = (y * W + xe) * 4; o < end; o += 4, r += rx, g += gx, b += bx) {
        const p = o >> 2;
        second[p] = front[p];
        front[p] = depth;
        const m = FACE | u8[o + 3], k = MIX[m];
        u8[o] += (r - u8[o]) * k; u8[o + 1] += (g - u8[o + 1]) * k; u8[o + 2] += (b - u8[o + 2]) * k;
        u8[o + 3] = OVER[m];
      }
    }
  }

  function render() {
    if (!W || !lastFrame) return;
    setCamera();
    // Project the triangles and sort them by the depth of their centroids; project the points.
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
    for (let q = 0; q < nPts; q++) project(pts[q * 3], pts[q * 3 + 1], pts[q * 3 + 2], pscr, q * 3);

    // Clear what the last frame wrote, then paint back to front.
    for (let y = dirty[1]; y < dirty[3]; y++) u32.fill(0, y * W + dirty[0], y * W + dirty[2]);
    bx0 = W; by0 = H; bx1 = -1; by1 = -1;
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
      fillTriangle(scr[s], scr[s + 1], scr[s + 2], scr[s + 3], scr[s + 4], scr[s + 5], scr[s + 6]);
    }
    const ux0 = Math.min(dirty[0], bx0), uy0 = Math.min(dirty[1], by0);
    const ux1 = Math.max(dirty[2], bx1 + 1), uy1 = Math.max(dirty[3], by1 + 1);
    if (ux1 > ux0 && uy1 > uy0) lctx.putImageData(img, 0, 0, ux0, uy0, ux1 - ux0, uy1 - uy0);
    dirty = bx1 >= 0 ? [bx0, by0, bx1 + 1, by1 + 1] : [0, 0, 0, 0];
    countFaces();

    // Compose: the box's hidden edges, the layer, then the other edges, axes and labels on top.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const corners = BOX.map(toScreen);
    let far = 0;
    for (let v = 1; v < 8; v++) if (corners[v][2] < corners[far][2]) far = v;
    ctx.lineWidth = 1;
    ctx.strokeStyle = "rgba(128,128,128,0.5)";
    ctx.setLineDash([3, 3]);
    strokeEdges(corners, (a, b) => a === far || b === far);
    ctx.setLineDash([]);
    strokeOutline(false);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(layer, 0, 0, cssW, cssH);
    drawPoints();
    ctx.strokeStyle = "rgba(128,128,128,0.6)";
    ctx.lineWidth = 1;
    strokeEdges(corners, (a, b) => a !== far && b !== far);
    strokeOutline(true);
    drawAxes(corners);
    if (nTri === 0) drawNote();
  }

  // Points are drawn on the canvas over the layer, crisp at any pixel ratio. A point seen through n faces
  // (counted from the two front-most faces painted at its pixel; faces are painted back to front and
  // never overlap within one sheet) shows (1 - ALPHA)^n of its colour, which is what drawing it under
  // them would give. Nearer points are stronger: three depth bands.
  const ONE_FACE = Math.round(ALPHA * 255);                 // the layer's opacity where one face was painted
  function countFaces() {
    for (let q = 0; q < nPts; q++) {
      const w = pscr[q * 3 + 2], px = Math.floor(pscr[q * 3]), py = Math.floor(pscr[q * 3 + 1]);
      let faces = 0;
      if (px >= 0 && py >= 0 && px < W && py < H) {
        const p = py * W + px, a = u8[p * 4 + 3];
        if (a > 0 && front[p] > w) faces++;
        if (a > ONE_FACE && second[p] > w) faces++;
      }
      pointGroup[q] = (w < -0.45 ? 0 : w < 0.45 ? 1 : 2) * 3 + faces;
    }
  }

  function drawPoints() {
    ctx.lineWidth = 1.3;
    ctx.strokeStyle = "#fff";
    for (let band = 0; band < 3; band++)
      for (let faces = 2; faces >= 0; faces--) {
        ctx.globalAlpha = [0.55, 0.78, 1][band] * Math.pow(1 - ALPHA, faces);
        for (const cls of [0, 1]) {
          ctx.beginPath();
          let any = false;
          for (let q = 0; q < nPts; q++) {
            if (ptLabel[q] !== cls || pointGroup[q] !== band * 3 + faces) continue;
            const x = pscr[q * 3], y = pscr[q * 3 + 1];
            const r = (3.2 * CAM) / (CAM - pscr[q * 3 + 2]);   // perspective: nearer, larger
            if (cls) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
            else ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
            any = true;
          }
          if (!any) continue;
          ctx.fillStyle = cls ? `rgb(${POS.join(",")})` : `rgb(${NEG.join(",")})`;
          ctx.fill();
          ctx.stroke();
        }
      }
    ctx.globalAlpha = 1;
  }

  // The surface's outline on the box faces the camera sees into (drawn under the surface) or on the
  // faces toward it (drawn over). A face on axis a, side w, is toward the camera when w * camera[a] > 1.
  function strokeOutline(visible) {
    const cam = [-sY * cP * CAM, -cY * cP * CAM, sP * CAM];
    const q = new Float64Array(3);
    ctx.beginPath();
    for (let f = 0; f < 6; f++) {
      if ((((f & 1) ? 1 : -1) * cam[f >> 1] > 1) !== visible) continue;
      const o0 = f * (N - 1) * (N - 1) * 12;
      for (let k = 0; k < faceCount[f]; k++) {
        const o = o0 + k * 6;
        project(faceSeg[o], faceSeg[o + 1], faceSeg[o + 2], q, 0);
        ctx.moveTo(q[0], q[1]);
        project(faceSeg[o + 3], faceSeg[o + 4], faceSeg[o + 5], q, 0);
        ctx.lineTo(q[0], q[1]);
      }
    }
    ctx.lineCap = "round";
    ctx.lineWidth = visible ? 1.6 : 1.2;
    ctx.strokeStyle = visible ? "rgba(60,28,100,0.85)" : "rgba(84,39,136,0.45)";
    ctx.stroke();
  }

  function strokeEdges(corners, keep) {
    ctx.beginPath();
    for (const [a, b] of EDGES) {
      if (!keep(a, b)) continue;
      ctx.moveTo(corners[a][0], corners[a][1]);
      ctx.lineTo(corners[b][0], corners[b][1]);
    }
    ctx.stroke();
  }

  function halo(text, x, y) {
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  }

  // Axes on the box's outline, as in most 3-D plots: the two horizontal ones on the lowest edges, the
  // vertical one on the leftmost edge; ticks along them, the names beyond their far ends.
  function drawAxes(corners) {
    const mx = corners.reduce((s, c) => s + c[0], 0) / 8, my = corners.reduce((s, c) => s + c[1], 0) / 8;
    vs.axes.forEach((axis, a) => {
      let best = null, bestScore = -Infinity;
      for (const e of EDGES) {
        if (e[2] !== a) continue;
        const p = corners[e[0]], q = corners[e[1]];
        const score = a === 2 ? -(p[0] + q[0]) : p[1] + q[1];
        if (score > bestScore + 1e-6) { bestScore = score; best = e; }
      }
      const c0 = corners[best[0]], c1 = corners[best[1]];
      let dx = c1[0] - c0[0], dy = c1[1] - c0[1];
      const len = Math.hypot(dx, dy) || 1;
      dx /= len; dy /= len;
      // Labels go on the side of the edge away from the box's centre.
      let nx = -dy, ny = dx;
      if (nx * ((c0[0] + c1[0]) / 2 - mx) + ny * ((c0[1] + c1[1]) / 2 - my) < 0) { nx = -nx; ny = -ny; }
      ctx.strokeStyle = ink;
      ctx.globalAlpha = 0.7;
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      ctx.moveTo(c0[0], c0[1]);
      ctx.lineTo(c1[0], c1[1]);
      const marks = [];
      for (const [v, s] of niceTicks(axis.min, axis.max, 4)) {
        const u = (v - axis.min) / (axis.max - axis.min);
        if (u < 0.1 || u > 0.9) continue;             // leave the corners to the names
        const px = c0[0] + (c1[0] - c0[0]) * u, py = c0[1] + (c1[1] - c0[1]) * u;
        ctx.moveTo(px, py);
        ctx.lineTo(px + nx * 4, py + ny * 4);
        marks.push([px, py, s]);
      }
      ctx.stroke();
      ctx.globalAlpha = 0.85;
      ctx.font = `10.5px ${font}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = ink;
      ctx.strokeStyle = paper;
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      for (const [px, py, s] of marks) {
        const tw = ctx.measureText(s).width;
        const off = 8 + Math.abs(nx) * tw / 2 + Math.abs(ny) * 5;
        halo(s, px + nx * off, py + ny * off);
      }
      ctx.globalAlpha = 1;
      ctx.font = `600 12.5px ${font}`;
      ctx.lineWidth = 3.5;
      const name = fitText(ctx, axis.name, 140);
      const tw = ctx.measureText(name).width;
      // Just past the axis end and out from the box, clear of the edge and of the next axis's ticks.
      const out = 10 + Math.abs(nx) * tw / 2 + Math.abs(ny) * 7;
      halo(name, c1[0] + dx * 8 + nx * out, c1[1] + dy * 8 + ny * out);
    });
  }

  function drawNote() {
    const which = pMax < 0.5 ? 0 : 1;
    const lo = pMin.toFixed(2), hi = pMax.toFixed(2);
    const text = `No p = 0.5 surface in this box: the network says "${className(lastFrame.data, which)}" everywhere ` +
      (lo === hi ? `(p = ${lo}).` : `(p from ${lo} to ${hi}).`);
    ctx.font = `12px ${font}`;
    const t = fitText(ctx, text, cssW - 24);
    const tw = ctx.measureText(t).width;
    ctx.fillStyle = paper;
    ctx.strokeStyle = "rgba(128,128,128,0.5)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.roundRect(cssW / 2 - tw / 2 - 10, 6, tw + 20, 24, 12);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = ink;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(t, cssW / 2, 18);
  }

  function requestRender() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  // Rotation: dragging turns the box like a globe; the pitch stops short of straight above or below.
  let drag = null;
  const clampPitch = (p) => Math.max(-1.45, Math.min(1.45, p));
  canvas.addEventListener("pointerdown", (e) => {
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    yaw += (e.clientX - drag.x) * 0.01;
    pitch = clampPitch(pitch + (e.clientY - drag.y) * 0.01);
    drag.x = e.clientX; drag.y = e.clientY;
    requestRender();
  });
  const endDrag = (e) => { if (drag && e.pointerId === drag.id) drag = null; };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  canvas.addEventListener("dblclick", () => { yaw = YAW0; pitch = PITCH0; requestRender(); });
  canvas.addEventListener("keydown", (e) => {
    const step = 0.087;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!moves[e.key]) return;
    yaw += moves[e.key][0];
    pitch = clampPitch(pitch + moves[e.key][1]);
    e.preventDefault();
    requestRender();
  });

  function setData(d) {
    const key = JSON.stringify([d.view3d, d.class_names || null, d.forward.layout, d.feature_names]);
    if (key === specKey) return;
    specKey = key;
    forward = makeForward(d.forward.layout, d.forward.activation);
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
  root.mlpProbe = () => ({ grid: N, p: Array.from(P), triangles: nTri, yaw, pitch });

  return {
    update(frame) {
      lastFrame = frame;
      compute(frame.theta);
      render();
    },
    setData,
  };
}
