// MLP Playground live views: the core. It keeps the views mounted between reruns, decodes the
// recorded run, and plays it back on the client with requestAnimationFrame, so that every view
// redraws in place at the same epoch; and it holds the helpers the views share. View files
// (concatenated before this one) each define a create*View(element, spec, data) function returning
// {update(frame), setData?(data)} (README.md).

// The hidden units' activations, by the names the payload gives (forward.activation); the output is one sigmoid
// unit (two classes) or a softmax over k units (k > 2 classes), whatever they are.
const ACT = {
  identity: (z) => z, logistic: (z) => 1 / (1 + Math.exp(-z)), tanh: Math.tanh, relu: (z) => (z > 0 ? z : 0),
};

// The network's forward pass for many points: X is a Float64Array of n rows of d standardized inputs.
// table rows are [fan_in, fan_out, w_offset, b_offset] into theta (W row-major, then b): the parameter table.
// out gets p of class 1 for each point (n values) or, with k output units, each class's probability (n × k, row by
// row).
function makeForward(table, activation) {
  const act = ACT[activation];
  const K = table[table.length - 1][1];
  const widest = Math.max(...table.map((r) => Math.max(r[0], r[1])));
  let a = new Float64Array(widest), z = new Float64Array(widest);
  return function forward(theta, X, n, d, out) {
    for (let s = 0; s < n; s++) {
      for (let k = 0; k < d; k++) a[k] = X[s * d + k];
      for (let li = 0; li < table.length; li++) {
        const [fin, fout, w, b] = table[li];
        // Row by row of W (its layout in theta): the same sums in the same order as column by column, read
        // in order; an input that is 0 (a ReLU unit off) adds nothing and is skipped.
        for (let j = 0; j < fout; j++) z[j] = theta[b + j];
        for (let k = 0; k < fin; k++) {
          const ak = a[k];
          if (ak === 0) continue;
          const row = w + k * fout;
          for (let j = 0; j < fout; j++) z[j] += theta[row + j] * ak;
        }
        if (li < table.length - 1) for (let j = 0; j < fout; j++) z[j] = act(z[j]);
        else if (K === 1) z[0] = 1 / (1 + Math.exp(-z[0]));
        else softmax(z, K);
        const t = a; a = z; z = t;
      }
      if (K === 1) out[s] = a[0];
      else for (let j = 0; j < K; j++) out[s * K + j] = a[j];
    }
    return out;
  };
}

// z[0..k) turned into probabilities in place (the largest subtracted first, as scikit-learn's softmax does).
function softmax(z, k) {
  let top = z[0];
  for (let j = 1; j < k; j++) if (z[j] > top) top = z[j];
  let sum = 0;
  for (let j = 0; j < k; j++) { z[j] = Math.exp(z[j] - top); sum += z[j]; }
  for (let j = 0; j < k; j++) z[j] /= sum;
}

// k > 2 classes: at each of n points, from the probabilities P (n × k), the likeliest class into top[s] and the
// margin of each point's own class over the best other, log p(top) − log p(second), into margin[s] (clamped to 40).
// The boundary between two predicted classes is where the margin falls to 0.
function likeliest(P, n, k, top, margin) {
  for (let s = 0; s < n; s++) {
    let a = 0, b = -1;
    for (let j = 1; j < k; j++) {
      const v = P[s * k + j];
      if (v > P[s * k + a]) { b = a; a = j; } else if (b < 0 || v > P[s * k + b]) b = j;
    }
    top[s] = a;
    const m = Math.log(P[s * k + a] / P[s * k + b]);
    margin[s] = m > 40 ? 40 : m;
  }
}

// The margin of class c over the likeliest other class at point s (positive inside the region predicted c), from
// likeliest()'s top and margin and the probabilities P (n × k).
function classMargin(P, k, top, margin, s, c) {
  if (top[s] === c) return margin[s];
  const m = Math.log(P[s * k + c] / P[s * k + top[s]]);
  return m < -40 ? -40 : m;
}

// The logit log(p / (1 - p)), on which the views trace the p = 0.5 boundary (it is 0 there). Clamped so that
// a saturated grid node (p rounds to 0 or 1) still interpolates to a finite point.
function logit(p) {
  const z = Math.log(p / (1 - p));
  return z > 40 ? 40 : z < -40 ? -40 : z;
}

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

function makePanel(root, view, title) {
  // A titled panel whose header carries the "Epoch N" label the tests and the bench sample.
  const panel = htmlEl("section", { className: "panel panel-" + view }, root);
  const head = htmlEl("header", null, panel);
  htmlEl("span", { className: "panel-title", textContent: title }, head);
  const label = htmlEl("span", { className: "epoch-label", textContent: "Epoch 0" }, head);
  label.dataset.view = view;
  const body = htmlEl("div", { className: "panel-body" }, panel);
  return { panel, body, label };
}

function buildViews(box, data) {
  box.replaceChildren();
  const grid = htmlEl("div", { className: "live-grid" }, box);
  const views = [];
  const add = (key, title, create, spec, cls) => {
    if (!spec) return;
    const p = makePanel(grid, key, title);
    if (cls) p.panel.classList.add(cls);
    views.push({ key, label: p.label, view: create(p.body, spec, data) });
  };
  add("graph", "Network", createGraphView, data.graph, "wide");
  add("loss", "Loss and accuracy", createLossView, data.loss, "wide");
  add("heatmaps", "Weights and biases", createHeatmapView, data.heatmaps, "full");
  add("slices", "Decision boundary: slices", createSlicesView, data.slices, "full");
  add("view3d", "Decision boundary in 3-D", createView3d, data.view3d, "full");
  add("landscape", "The loss landscape", createLandscapeView, data.landscape, "full");
  return views;
}

function hookPauseButton() {
  // Pause answers at once: a click on Streamlit's Pause button freezes the playback here, and the
  // epoch on screen travels to the server with the click, so the server pauses at the same epoch.
  if (window.__mlpPauseHook) return;
  window.__mlpPauseHook = true;
  document.addEventListener("click", (e) => {
    const live = window.__mlpLiveState;
    const tool = e.target && e.target.closest && e.target.closest(".st-key-toolbar button");
    if (live && tool && live.tellTimer) tellServer(live); // a scrub not yet told goes first: Step goes on from it
    const hit = e.target && e.target.closest && e.target.closest(".st-key-b_pause");
    if (!live || !hit || !live.playing) return;
    live.e0 = live.drawn;
    live.playing = false;
    live.dirty = true;
    live.setStateValue("paused_at", { epoch: live.drawn, at: Date.now() });
  }, true);
}

// The toolbar's status line (app_pages/0_Playground.py), written here on every frame, in the words the server
// writes it in when paused: "Epoch N · loss L · train accuracy A · test accuracy T (majority-class baseline B)".
// Always here once the views play: the browser's text replaces the server's node, which a later rerun of the page
// may then no longer reach, so the browser keeps it right.
function writeStatus(store, epoch, baseline) {
  const el = document.querySelector(".st-key-toolbar .mlp-status");
  if (!el) return;
  const at = (k) => store.series[k][epoch];
  let text = `Epoch ${epoch}`;
  if (at("loss") !== null && at("loss") !== undefined) text += ` · loss ${at("loss").toFixed(4)}`;
  if (at("accuracy") !== null && at("accuracy") !== undefined) {
    text += ` · train accuracy ${(100 * at("accuracy")).toFixed(1)}%`;
  }
  if (at("val_accuracy") !== null && at("val_accuracy") !== undefined) {
    text += ` · test accuracy ${(100 * at("val_accuracy")).toFixed(1)}%`;
    if (typeof baseline === "number") text += ` (majority-class baseline ${(100 * baseline).toFixed(1)}%)`;
  }
  if (el.textContent !== text) el.textContent = text;
}

// Keyboard shortcuts, with the focus anywhere but a text field or a slider: space trains or pauses, → steps one
// epoch and Shift+→ ten, R resets. They press the toolbar's own buttons, so they do exactly what a click does.
// While paused, ← and → scrub instead (one epoch back or on, drawn at once, as the replay slider does); → at the
// last epoch recorded presses Step, which records the next one.
const SHORTCUTS = { " ": ["b_train", "b_pause"], ArrowRight: ["b_step"], "Shift+ArrowRight": ["b_step10"],
                    r: ["b_reset"], R: ["b_reset"] };

function hookShortcuts() {
  if (window.__mlpKeysHook) return;
  window.__mlpKeysHook = true;
  document.addEventListener("keydown", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target; // inside the views' shadow root too
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable], [role=slider], [role=combobox]")) return;
    if (e.key === " " && t && t.closest && t.closest("button, a")) return; // space presses what has the focus
    const live = window.__mlpLiveState;
    if (!e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight") && live && !live.playing && live.drawn >= 0) {
      // From the epoch scrubbed to, which the next frame draws (two presses within a frame are two epochs).
      const to = Math.min(live.e0, live.store.E - 1) + (e.key === "ArrowLeft" ? -1 : 1);
      if (to >= 0 && to <= live.store.E - 1) {
        e.preventDefault();
        scrub(live, to, "soon");
        return;
      }
    }
    const keys = SHORTCUTS[(e.shiftKey && e.key === "ArrowRight" ? "Shift+" : "") + e.key];
    if (!keys) return;
    for (const key of keys) {
      const button = document.querySelector(`.st-key-${key} button`);
      if (button && !button.disabled) {
        e.preventDefault();
        button.click();
        return;
      }
    }
  });
}

export default function (component) {
  const { data, parentElement } = component;
  hookPauseButton();
  hookShortcuts();
  // The live views' state (the run's store, the views, the playback clock), kept on the element across reruns.
  let live = parentElement.__mlpLive;
  if (!live || live.store.runId !== data.run_id) {
    if (live && live.raf) cancelAnimationFrame(live.raf);
    if (live && live.root) live.root.remove();
    const root = htmlEl("div", { className: "mlp-live" }, parentElement);
    live = parentElement.__mlpLive = { store: createRunStore(data), root, views: [], viewsKey: null, drawn: -1,
                                       token: null, asked: null, finished: null, scrubbing: false, told: null };
    live.replay = makeReplay(live, root);
    live.box = htmlEl("div", { className: "live-views" }, root);
  }
  live.data = data;
  live.setStateValue = component.setStateValue;
  live.setTriggerValue = component.setTriggerValue;
  window.__mlpLiveState = live;
  const pb = data.playback;
  if (pb.token !== live.token) {
    live.token = pb.token;
    live.speed = pb.speed;
    // The slider held, or a playback from before the server took the last scrub (pb.replayed: the last report it
    // took): the epoch on screen stays; else the server's playback takes over.
    const behind = live.told && !pb.playing && pb.replayed !== live.told.at && Date.now() - live.told.at < 3000;
    if (live.scrubbing || behind) live.playing = false;
    else {
      live.t0 = performance.now();
      live.e0 = pb.epoch;
      live.playing = pb.playing;
    }
  }
  live.asked = null; // a render answers whatever was asked before it
  const lost = absorbPayload(live.store, data, Math.max(0, live.drawn));
  if (lost) {
    ask(live, "resync", true);
    return;
  }
  usePalette(live.store.specs.palette);
  live.root.style.setProperty("--positive", `rgb(${DIVERGING.pos.join(",")})`);
  const vd = viewData(live.store, data);
  if (live.viewsKey !== data.views_key) {
    live.viewsKey = data.views_key;
    live.root.classList.toggle("present", !!data.present); // before the views are built: they read its text sizes
    live.views = buildViews(live.box, vd);
  }
  for (const v of live.views) if (v.view.setData) v.view.setData(vd);
  live.vd = vd;
  live.dirty = true;
  // A landscape map is due that the views lack: ask for it once they are built from this render, which they draw
  // from meanwhile (the server starts it when asked, on a thread of its own: never before the first draw); while it
  // is underway, ask again in a moment.
  clearTimeout(live.landscapeAsk);
  const due = data.landscape;
  if (due && due.due) askForMap(live, due.key, due.pending ? 500 : 0);
  const tick = () => {
    const store = live.store, now = performance.now();
    let epoch = live.e0;
    if (live.playing) {
      epoch = live.e0 + Math.floor(((now - live.t0) / 1000) * live.speed);
      // At most the epochs of one 60th of a second a frame: when frames come slower than that (a large network,
      // a busy machine), the playback slows down a little instead of skipping epochs.
      const most = live.drawn + Math.max(1, Math.ceil(live.speed / 60));
      if (live.drawn >= live.e0 && epoch > most) {
        live.e0 = epoch = most;
        live.t0 = now - 1000 / live.speed; // the next epoch is due at the next frame
      }
    }
    if (live.playing && !store.done && epoch > store.E - 1) {
      // Ahead of the recording: the clock waits at the last epoch recorded, so that the epochs still to come are
      // played one by one when they arrive, not skipped.
      live.e0 = epoch = store.E - 1;
      live.t0 = now;
    }
    epoch = Math.max(0, Math.min(store.E - 1, epoch));
    const frame = frameAt(store, epoch);
    if (frame && !frame.exact) {
      // Dropped to fit the budget, or not sent yet: draw the one before it, ask for the next few seconds, and
      // while playing, hold the clock here until they come (played one by one then, not skipped).
      ask(live, "want", { from: epoch, to: Math.min(store.E, epoch + Math.max(10, Math.ceil(3 * live.speed))) });
      if (live.playing) {
        live.e0 = epoch;
        live.t0 = now;
      }
    }
    if (frame && (frame.epoch !== live.drawn || live.dirty)) {
      const f = { epoch: frame.epoch, theta: frame.theta, grad: frame.grad, data: live.vd };
      for (const v of live.views) {
        v.view.update(f);
        v.label.textContent = "Epoch " + frame.epoch;
      }
      live.root.dataset.epoch = String(frame.epoch);
      live.drawn = frame.epoch;
      live.dirty = false;
    }
    // Paused, the epoch asked for (its numbers are held even while its weights are being fetched); playing, the drawn.
    if (frame) writeStatus(store, live.playing ? frame.epoch : epoch, live.data.baseline);
    live.replay.follow(live.playing ? live.drawn : epoch, store.E - 1);
    if (live.playing && store.done && epoch >= store.E - 1 && live.finished !== live.token) {
      live.finished = live.token; // played to the end: the server shows the run stopped
      live.setTriggerValue("finished", live.token);
    }
    live.raf = requestAnimationFrame(tick);
  };
  if (live.raf) cancelAnimationFrame(live.raf);
  live.raf = requestAnimationFrame(tick);
  // Tests and the bench read the playback through this hook; it is not used by the app itself.
  window.mlpPlayground = {
    epoch: () => live.drawn,
    predict: (epoch, X) => {
      const f = makeForward(data.forward.table, data.forward.activation);
      const K = data.forward.table[data.forward.table.length - 1][1];
      const out = new Float64Array(X.length * K);
      const d = X[0].length;
      const at = frameAt(live.store, epoch);
      const flat = Array.from(f(at.theta, Float64Array.from(X.flat()), X.length, d, out));
      return K === 1 ? flat : X.map((_, s) => flat.slice(s * K, (s + 1) * K));  // k classes: a row each
    },
  };
}

// The replay slider, above the views: its value follows the epoch on screen every frame, while playing too. Dragging
// it draws the epoch under the thumb in every view at once (an epoch the browser dropped is asked for, as while
// playing, and drawn when it comes) and pauses a playing run there; on release (or a key) the server is told the
// epoch (a state value), so that its playback — the status, Step, +10, the model download — goes on from there.
function makeReplay(live, host) {
  const bar = htmlEl("div", { className: "live-replay" }, host);
  htmlEl("span", { className: "live-replay-name", textContent: "Replay" }, bar);
  const input = htmlEl("input", { type: "range", min: 0, max: 0, step: 1, value: 0, disabled: true,
                                  title: "Drag to see every view at another recorded epoch" }, bar);
  input.setAttribute("aria-label", "Replay");
  const out = htmlEl("span", { className: "live-replay-value", textContent: "Epoch 0 of 0" }, bar);
  input.addEventListener("input", () => {
    live.scrubbing = true;
    scrub(live, Number(input.value), false);
  });
  input.addEventListener("change", () => {
    live.scrubbing = false;
    scrub(live, Number(input.value), "now");
  });
  return {
    input,
    follow(epoch, last) {
      if (input.max !== String(last)) input.max = String(last);
      if (input.disabled !== last < 1) input.disabled = last < 1;
      if (!live.scrubbing && input.value !== String(epoch)) input.value = String(epoch);
      const shown = Number(input.value), text = `Epoch ${shown} of ${last}`;
      if (out.textContent !== text) {
        out.textContent = text;
        input.setAttribute("aria-valuetext", `Epoch ${shown}`);
      }
    },
  };
}

// Show `epoch` now, paused (the next frame draws it in every view); with `tell`, the server is told too: "now", or
// "soon" — once the keys rest for a quarter of a second, so that a run of key presses costs the server one rerun,
// not one each (a click on the toolbar tells it at once, before the click).
function scrub(live, epoch, tell) {
  live.playing = false;
  live.e0 = epoch;
  live.dirty = true;
  if (tell) {
    live.told = { epoch, at: Date.now(), run: live.store.runId };
    clearTimeout(live.tellTimer);
    live.tellTimer = setTimeout(() => tellServer(live), tell === "soon" ? 250 : 0);
  }
}

// A state value, not a trigger: it goes with every rerun after it, a click's too, so a Step or a Train pressed
// before the server took it still starts from the epoch scrubbed to.
function tellServer(live) {
  clearTimeout(live.tellTimer);
  live.tellTimer = null;
  live.setStateValue("replay", live.told);
}

// Ask for the landscape map of `key` in `delay` ms, and again every 2 s until a render brings it (a render cancels
// this and asks afresh if it is still due): an ask whose rerun never came is not waited for forever.
function askForMap(live, key, delay) {
  live.landscapeAsk = setTimeout(() => {
    if (live.store.landscape && live.store.landscape.key === key) return;
    if (live.asked === "landscape") live.asked = null;
    ask(live, "landscape", key);
    askForMap(live, key, 2000);
  }, delay);
}

// Ask the server for something with a trigger (one rerun), once until the next render answers.
function ask(live, what, value) {
  if (live.asked) return;
  live.asked = what;
  live.setTriggerValue(what, value);
}
