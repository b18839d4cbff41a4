// The network in the browser: its forward pass over many points from the recorded weights (the output, or every
// unit of every layer), the inputs of a slice plane's grid, a parameter's name, the likeliest class and the margins
// the views trace their lines on.

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

// Every unit's pre-activation and output for many points, layer by layer: after forward(theta, X, n, d),
// Z[li] and A[li] (Float64Array, n × fan_out of layer li, point by point) hold layer li's pre-activations and
// outputs (the hidden activation, then the sigmoid or softmax output). Sized for at most n points.
function makeLayers(table, activation, n) {
  const act = ACT[activation];
  const Z = table.map((r) => new Float64Array(n * r[1])), A = table.map((r) => new Float64Array(n * r[1]));
  const last = table.length - 1, K = table[last][1];
  function forward(theta, X, count, d) {
    let a = X, width = d;
    for (let li = 0; li < table.length; li++) {
      const [fin, fout, w, b] = table[li], z = Z[li], out = A[li];
      for (let s = 0; s < count; s++) {
        const zs = s * fout, as = s * width;
        for (let j = 0; j < fout; j++) z[zs + j] = theta[b + j];
        for (let k = 0; k < fin; k++) {
          const ak = a[as + k];
          if (ak === 0) continue;
          const row = w + k * fout;
          for (let j = 0; j < fout; j++) z[zs + j] += theta[row + j] * ak;
        }
        if (li < last) for (let j = 0; j < fout; j++) out[zs + j] = act(z[zs + j]);
        else if (K === 1) out[zs] = 1 / (1 + Math.exp(-z[zs]));
        else {
          for (let j = 0; j < K; j++) out[zs + j] = z[zs + j];
          softmax(out.subarray(zs, zs + K), K);
        }
      }
      a = out;
      width = fout;
    }
  }
  return { forward, Z, A };
}

// The standardized inputs of a slice plane's G × G grid nodes, node (i, j) at row j * G + i (j along y from the
// bottom, i along x): the panel's two inputs across their ranges (a 0/1 input at the value nearest the node: the
// network at 0, then at 1), every other input held at ps.fixed (original units), a one-hot group kept a real row.
// The slices and the units' maps in the network graph draw the same plane from it.
function planeInputs(ps, mean, scale, G, nIn) {
  const X = new Float64Array(G * G * nIn);
  const at = (a, t) => { const v = a.min + (a.max - a.min) * t; return a.binary ? (v < 0.5 ? 0 : 1) : v; };
  const raw = new Float64Array(nIn);
  for (let j = 0; j < G; j++) {
    const yv = at(ps.y, j / (G - 1));
    for (let i = 0; i < G; i++) {
      const row0 = (j * G + i) * nIn, xv = at(ps.x, i / (G - 1));
      raw.set(ps.fixed);
      raw[ps.x.index] = xv;
      raw[ps.y.index] = yv;
      holdOneHot(raw, ps.x, xv);
      holdOneHot(raw, ps.y, yv);
      for (let k = 0; k < nIn; k++) X[row0 + k] = (raw[k] - mean[k]) / scale[k];
    }
  }
  return X;
}

// Where a parameter sits: "layer 2, W[3, 1]" (row = input of the layer, column = unit) or
// "layer 2, b[1]", 1-based as in the heatmaps.
function parameterName(table, p) {
  for (let li = 0; li < table.length; li++) {
    const [fin, fout, w, b] = table[li];
    if (p >= w && p < w + fin * fout) {
      return `layer ${li + 1}, W[${Math.floor((p - w) / fout) + 1}, ${((p - w) % fout) + 1}]`;
    }
    if (p >= b && p < b + fout) return `layer ${li + 1}, b[${p - b + 1}]`;
  }
  return "";
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

