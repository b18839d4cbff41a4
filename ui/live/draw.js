// What the views draw with: the palette's colours and class marks, the diverging scale, marching squares,
// SVG and HTML elements that never parse text as markup, ticks, the text sizes of style.css, a tooltip.

// The colours every view draws with, from the payload (specs.palette, ui/common/palette.py: the same as every page's
// figures), set before the views are built. DIVERGING: the colour-blind-safe diverging palette (ColorBrewer PuOr),
// {neg, mid, pos} as [r, g, b]: orange for negative (and p near 0), purple for positive (p near 1). CLASSES[k]:
// class k's {color, symbol}; CLASS_OUTLINE: the outline of every class mark.
let DIVERGING = null, CLASSES = [], CLASS_OUTLINE = "#fff";

function usePalette(palette) {
  DIVERGING = palette.diverging;
  CLASSES = palette.classes;
  CLASS_OUTLINE = palette.outline;
}

// Class k's mark at (x, y), of radius about r, traced on `pen`: a canvas context, or svgPen() for an SVG path.
// The symbols are plotly's names, so the pages' figures and the live views draw a class alike.
function traceMark(pen, k, x, y, r) {
  const s = (CLASSES[k] || {}).symbol;
  const q = r * 1.25, h = r * 0.9;
  if (s === "square") { pen.moveTo(x - h, y - h); pen.lineTo(x + h, y - h); pen.lineTo(x + h, y + h); pen.lineTo(x - h, y + h); }
  else if (s === "diamond") { pen.moveTo(x, y - q); pen.lineTo(x + q, y); pen.lineTo(x, y + q); pen.lineTo(x - q, y); }
  else if (s === "triangle-up") { pen.moveTo(x, y - q); pen.lineTo(x + q, y + h); pen.lineTo(x - q, y + h); }
  else if (s === "triangle-down") { pen.moveTo(x, y + q); pen.lineTo(x + q, y - h); pen.lineTo(x - q, y - h); }
  else { pen.moveTo(x + r, y); pen.arc(x, y, r, 0, 2 * Math.PI); }
  pen.closePath();
}

function svgPen() {
  const d = [];
  return {
    moveTo: (x, y) => d.push(`M${x} ${y}`),
    lineTo: (x, y) => d.push(`L${x} ${y}`),
    arc: (x, y, r) => d.push(`A${r} ${r} 0 1 1 ${x - r} ${y}A${r} ${r} 0 1 1 ${x + r} ${y}`),
    closePath: () => d.push("Z"),
    path: () => d.join(""),
  };
}

// How many classes the labels use (the largest label + 1, at most the palette's): the views loop over these only.
function classCount(label) {
  let top = 0;
  for (let i = 0; i < label.length; i++) if (label[i] > top) top = label[i];
  return Math.min(top + 1, CLASSES.length);
}

// Class k's colour as [r, g, b] (0 to 255), for views that mix it into pixels.
function classRGB(k) {
  const hex = CLASSES[k].color;
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// Class k's mark as a legend's SVG icon (w × h px).
function classIcon(parent, k, w, h) {
  const svg = svgEl("svg", { width: w, height: h, "aria-hidden": "true" }, parent);
  const pen = svgPen();
  traceMark(pen, k, w / 2, h / 2, Math.min(w, h) / 2 - 1.8);
  svgEl("path", { d: pen.path(), fill: CLASSES[k].color, stroke: CLASS_OUTLINE, "stroke-width": 1.3 }, svg);
  return svg;
}

function divergingRGB(t) {
  // t in [-1, 1] -> [r, g, b] (0 to 255); 0 is the light middle colour.
  const c = t < 0 ? DIVERGING.neg : DIVERGING.pos;
  const u = Math.min(1, Math.abs(t));
  const m = DIVERGING.mid;
  return [0, 1, 2].map((k) => Math.round(m[k] + (c[k] - m[k]) * u));
}

function divergingColor(t) {
  return `rgb(${divergingRGB(t).join(",")})`;
}

// The diverging scale as 256 whole pixels (Uint32, canvas byte order), entry q the colour of t = 2q/255 − 1: p's
// colour at (p * 255 + 0.5) | 0 (the slices), any t in [-1, 1] at ((t + 1) * 127.5 + 0.5) | 0 (the units' maps).
function divergingLut() {
  const bytes = new Uint8ClampedArray(256 * 4);
  for (let q = 0; q < 256; q++) bytes.set([...divergingRGB((2 * q) / 255 - 1), 255], q * 4);
  return new Uint32Array(bytes.buffer);
}

// s cut short with an ellipsis so that it fits in maxW pixels in the canvas context's font.
function fitText(ctx, s, maxW) {
  if (ctx.measureText(s).width <= maxW) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(s.slice(0, mid) + "…").width <= maxW) lo = mid; else hi = mid - 1;
  }
  return s.slice(0, lo) + "…";
}

// Width of a string in px at an element's font (canvas measurement: works before the element is shown): a function
// (s, size) -> px.
function textMeasurer(el) {
  const ctx = htmlEl("canvas").getContext("2d");
  let family = null;
  return (s, size) => {
    if (family === null) family = getComputedStyle(el).fontFamily || "sans-serif";
    ctx.font = size + "px " + family;
    return ctx.measureText(s).width * 1.05;
  };
}

// s cut short with an ellipsis to fit maxWidth px at `size`, measured by a textMeasurer.
function ellipsizeText(measure, s, maxWidth, size) {
  if (measure(s, size) <= maxWidth) return s;
  let n = s.length;
  while (n > 1 && measure(s.slice(0, n) + "\u2026", size) > maxWidth) n--;
  return s.slice(0, n) + "\u2026";
}

// Whether text on divergingColor(t) is more legible light than dark (WCAG contrast ratio).
function needsLightText(t) {
  const c = t < 0 ? DIVERGING.neg : DIVERGING.pos, m = DIVERGING.mid, u = Math.min(1, Math.abs(t));
  const lin = (k) => {
    const v = (m[k] + (c[k] - m[k]) * u) / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const L = 0.2126 * lin(0) + 0.7152 * lin(1) + 0.0722 * lin(2);
  return 1.05 / (L + 0.05) > (L + 0.05) / 0.05;
}

// Marching squares, for the slices' p = 0.5 line and the 3-D surface's outline on the box. A cell has
// logits c0 (i,j), c1 (i+1,j), c2 (i+1,j+1), c3 (i,j+1); its edges are 0 = c0c1, 1 = c1c2, 2 = c3c2,
// 3 = c0c3. SQUARE_CASES[case] lists the crossed edges in pairs; the saddles (5, 10) cut off c1 and c3,
// or c0 and c2, whichever pair lies on the other side from the cell's centre.
const SQUARE_CASES = [[], [3, 0], [0, 1], [3, 1], [1, 2], null, [0, 2], [3, 2], [2, 3], [0, 2], null, [1, 2], [1, 3], [0, 1], [3, 0], []];
const CUT_C1_C3 = [0, 1, 2, 3], CUT_C0_C2 = [3, 0, 1, 2];

function squareSegments(c0, c1, c2, c3) {
  const cs = (c0 > 0) | ((c1 > 0) << 1) | ((c2 > 0) << 2) | ((c3 > 0) << 3);
  if (cs === 0 || cs === 15) return null;
  return SQUARE_CASES[cs] || ((cs === 5) === (c0 + c1 + c2 + c3 > 0) ? CUT_C1_C3 : CUT_C0_C2);
}

// Where the logit crosses 0 on each edge of cell (i, j), linearly interpolated, into (eu[e], ev[e]).
function squareCrossings(c0, c1, c2, c3, i, j, eu, ev) {
  eu[0] = i + c0 / (c0 - c1); ev[0] = j;
  eu[1] = i + 1; ev[1] = j + c1 / (c1 - c2);
  eu[2] = i + c3 / (c3 - c2); ev[2] = j + 1;
  eu[3] = i; ev[3] = j + c0 / (c0 - c3);
}

// The zero line of L, values at the nodes of a G × G grid (node (i, j) at j * G + i, j up), traced by marching
// squares into ctx's current path: node (i, j) at (x0 + i * cell, y0 + (G − 1 − j) * cell). Returns whether it
// crossed any cell. The slices trace p = 0.5 on the logit; the graph's card a unit's pre-activation z = 0.
const ZERO_EU = new Float64Array(4), ZERO_EV = new Float64Array(4);

function traceZeroLine(ctx, L, G, x0, y0, cell) {
  const S = cell * (G - 1), ex = ZERO_EU, ey = ZERO_EV;
  let any = false;
  for (let j = 0; j < G - 1; j++) {
    for (let i = 0; i < G - 1; i++) {
      const a = L[j * G + i], b = L[j * G + i + 1], c = L[(j + 1) * G + i + 1], d = L[(j + 1) * G + i];
      const seg = squareSegments(a, b, c, d);
      if (!seg) continue;
      squareCrossings(a, b, c, d, i, j, ex, ey);
      for (let s = 0; s < seg.length; s += 2) {
        ctx.moveTo(x0 + ex[seg[s]] * cell, y0 + S - ey[seg[s]] * cell);
        ctx.lineTo(x0 + ex[seg[s + 1]] * cell, y0 + S - ey[seg[s + 1]] * cell);
      }
      any = true;
    }
  }
  return any;
}

// svgEl sets attributes (SVG has no properties for most of them); htmlEl sets properties (className,
// textContent, title, hidden ...), so that text given to it is never parsed as markup.
// An input on an axis that is one category of a one-hot column (axis.group: the column's other inputs) keeps the
// group a real row: at 1 the other categories are 0; at 0, when none of them is set, the first other one is.
// raw: one grid node's inputs in original units, changed in place (ui/live/payload.hold_one_hot does the same).
function holdOneHot(raw, axis, v) {
  if (!axis.group) return;
  if (v === 1) for (const o of axis.group) raw[o] = 0;
  else if (axis.group.every((o) => raw[o] === 0)) raw[axis.group[0]] = 1;
}

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

function htmlEl(tag, props, parent) {
  const el = document.createElement(tag);
  if (props) Object.assign(el, props);
  if (parent) parent.appendChild(el);
  return el;
}

// Axis ticks at round values, the step 1, 2, 2.5 or 5 times a power of ten and at least (hi - lo) / target:
// [value, label] pairs, each label with the decimals the step needs (2.5 one more); a value that is 0 but for
// rounding is labelled 0.
function niceTicks(lo, hi, target) {
  const raw = (hi - lo) / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) + (step / mag === 2.5 ? 1 : 0);
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push([v, (Math.abs(v) < step * 1e-9 ? 0 : v).toFixed(decimals)]);
  return out;
}

function fmt(v) {
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1000) ? v.toExponential(1) : v.toFixed(2);
}

// A size in px that style.css sets as a CSS variable on the views (e.g. --slice-max), as `el` inherits it.
function cssPx(el, name) {
  return parseFloat(getComputedStyle(el).getPropertyValue(name));
}

// The view's text sizes in px, from the CSS variables of style.css (--text-small, --text, --text-head), and its font
// family: read where a view lays out or paints text (on build or resize, never per frame), so a size is written once.
function viewFont(el) {
  return { small: cssPx(el, "--text-small"), text: cssPx(el, "--text"), head: cssPx(el, "--text-head"),
           family: getComputedStyle(el).fontFamily || "sans-serif" };
}

// A hover tooltip inside `host` showing lines of text (set with textContent: names are data).
function makeTip(host) {
  const el = htmlEl("div", { className: "live-tip", hidden: true }, host);
  const rows = [];
  return {
    set(lines) {
      while (rows.length < lines.length) rows.push(htmlEl("div", null, el));
      rows.forEach((d, i) => {
        d.hidden = i >= lines.length;
        if (i < lines.length && d.textContent !== lines[i]) d.textContent = lines[i];
      });
      el.hidden = false;
    },
    move(ev) {
      const b = host.getBoundingClientRect(), x = ev.clientX - b.left, y = ev.clientY - b.top;
      const w = el.offsetWidth;
      el.style.left = (x + 14 + w > b.width ? Math.max(0, x - 14 - w) : x + 14) + "px";
      el.style.top = y + 14 + "px";
    },
    hide() {
      el.hidden = true;
    },
  };
}

