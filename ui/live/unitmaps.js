// Inside every unit: what each unit computes over the slice plane (the network graph's thumbnails and the enlarged
// map beside it), and which ReLU units are dead — off for every training row — from the recorded weights, in the
// browser. The colours follow the slices' conventions: an input shows its own standardized value (±2 at the ends of
// the diverging scale), a hidden unit its output (tanh as it is, the logistic's 0..1 as p, ReLU and identity against
// the largest |value| of its layer on the plane), the output p exactly as the slices colour it; a ReLU unit's off
// region, where its output is 0, is grey: no value of the diverging scale.

const UNIT_OFF = [156, 156, 156];  // a ReLU unit off (output 0): a mid grey, apart from the scale's near-white middle
const DEAD_CHECK_WORK = 300000;     // multiply-adds of the dead check per frame: a large network's pass spans frames

// The network's units in the graph's order (inputs, each hidden layer, the output units): {layer, unit, kind}.
function unitList(table) {
  const sizes = [table[0][0], ...table.map((r) => r[1])], out = [];
  sizes.forEach((n, layer) => {
    const kind = layer === 0 ? "input" : layer === sizes.length - 1 ? "output" : "hidden";
    for (let unit = 0; unit < n; unit++) out.push({ layer, unit, kind });
  });
  return out;
}

// Every unit's map on a T × T grid of the plane `plane` ({ps: a slices panel, mean, scale}). compute(theta) runs the
// network over the grid; paint(i, pix) writes unit i's map into pix (Uint32, T × T, image row 0 the plane's top);
// pre(i) is unit i's pre-activation at every node (null for an input), for its zero line.
function createUnitMaps(table, activation, plane, T) {
  const d = table[0][0], n = T * T, units = unitList(table), K = table[table.length - 1][1];
  const X = planeInputs(plane.ps, plane.mean, plane.scale, T, d);
  const net = makeLayers(table, activation, n);
  const lut = divergingLut();
  const off = new Uint32Array(new Uint8ClampedArray([...UNIT_OFF, 255]).buffer)[0];
  const widest = new Float64Array(table.length);  // per layer, the largest |output| on the plane
  const relu = activation === "relu";

  function compute(theta) {
    net.forward(theta, X, n, d);
    table.forEach((r, li) => {
      let top = 0;
      const a = net.A[li];
      for (let s = 0; s < a.length; s++) top = Math.max(top, Math.abs(a[s]));
      widest[li] = top || 1;
    });
  }

  // Unit i's value at grid node s, and the point of the scale (t in [-1, 1]) it is drawn at; NaN: off.
  function shade(i) {
    const u = units[i];
    if (u.kind === "input") return (s) => X[s * d + u.unit] / 2;
    const li = u.layer - 1, w = table[li][1], a = net.A[li], z = net.Z[li], j = u.unit;
    if (u.kind === "output") return (s) => 2 * a[s * w + j] - 1;
    if (relu) return (s) => (z[s * w + j] > 0 ? a[s * w + j] / widest[li] : NaN);
    if (activation === "tanh") return (s) => a[s * w + j];
    if (activation === "logistic") return (s) => 2 * a[s * w + j] - 1;
    return (s) => a[s * w + j] / widest[li];
  }

  function paint(i, pix) {
    const t = shade(i);
    for (let r = 0; r < T; r++) {
      const src = (T - 1 - r) * T;
      for (let c = 0; c < T; c++) {
        const v = t(src + c);
        pix[r * T + c] = v !== v ? off : lut[((Math.max(-1, Math.min(1, v)) + 1) * 127.5 + 0.5) | 0];
      }
    }
  }

  function pre(i) {
    const u = units[i];
    if (u.kind === "input") return null;
    const li = u.layer - 1, w = table[li][1], z = net.Z[li], out = new Float64Array(n);
    for (let s = 0; s < n; s++) out[s] = z[s * w + u.unit];
    return out;
  }

  return { compute, paint, pre, units, T, softmax: K > 1 };
}

// The words for the rows a dead check went through: "the 300 training rows", or for a sample of a large table
// "2,000 training rows sampled from 90,000".
function rowsChecked(rows) {
  const n = rows.n.toLocaleString("en");
  return rows.total > rows.n ? n + " training rows sampled from " + rows.total.toLocaleString("en")
    : "the " + n + " training rows";
}

// Which ReLU units are dead at an epoch: off (pre-activation ≤ 0) for every one of the training rows sent
// (rows: {values: Float32Array, n, d, total}). A pass over the rows takes a chunk of them a frame (at most
// DEAD_CHECK_WORK multiply-adds: the whole pass, for the article's network) and ends as soon as every hidden unit has
// been on once (a live network: after the first chunk); its result is the epoch it started at. step(theta, epoch)
// goes on (or starts a pass at `epoch`) and returns the last result: {epoch, dead: Uint8Array (1 for a dead unit, by
// the graph's unit order), rows: the words for the rows checked} or null.
function createDeadCheck(table, rows) {
  const hidden = table.slice(0, -1), d = table[0][0], first = d;
  const total = hidden.reduce((s, r) => s + r[1], 0);
  const cost = table.reduce((s, r) => s + r[0] * r[1], 0) || 1;
  const chunk = Math.max(1, Math.min(rows ? rows.n : 1, Math.floor(DEAD_CHECK_WORK / cost)));  // rows a frame
  const net = makeLayers(table, "relu", chunk);
  let pass = null, result = null;

  function start(theta, epoch) {
    pass = { theta: Float64Array.from(theta), epoch, row: 0, on: new Uint8Array(total), count: 0 };
  }

  function finish() {
    const dead = new Uint8Array(first + total + table[table.length - 1][1]);
    for (let u = 0; u < total; u++) dead[first + u] = pass.on[u] ? 0 : 1;
    result = { epoch: pass.epoch, dead, rows: rowsChecked(rows) };
    pass = null;
  }

  function step(theta, epoch) {
    if (!hidden.length || !rows || !rows.n) return null;
    if (!pass && (!result || result.epoch !== epoch)) start(theta, epoch);
    if (!pass) return result;
    const count = Math.min(chunk, rows.n - pass.row), on = pass.on;
    net.forward(pass.theta, rows.values.subarray(pass.row * d, (pass.row + count) * d), count, d);
    let base = 0;
    hidden.forEach(([, fout], li) => {
      const z = net.Z[li];
      for (let j = 0; j < fout; j++) {
        if (on[base + j]) continue;
        for (let s = 0; s < count; s++) {
          if (z[s * fout + j] > 0) { on[base + j] = 1; pass.count++; break; }
        }
      }
      base += fout;
    });
    pass.row += count;
    if (pass.row >= rows.n || pass.count >= total) finish();
    return result;
  }

  return { step };
}
