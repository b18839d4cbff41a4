// The recorded run as the browser holds it, render after render: each epoch's weights and gradients (a frame)
// within a memory budget, every epoch's loss and accuracies, and the views' specs and scales. Python sends only
// what is new (ui/live/payload.py); the store says what it lacks, for the server to send with the next render.

const SERIES_KEYS = ["loss", "val_loss", "accuracy", "val_accuracy"];

function createRunStore(data) {
  return {
    runId: data.run_id, P: data.n_params, E: 0, done: false, budget: data.budget,
    frames: new Map(), // epoch -> Float32Array(2P): the weights, then the gradients
    bytes: 0,
    stride: 1, // over budget, epochs away from the one on screen are kept every `stride` only
    series: Object.fromEntries(SERIES_KEYS.map((k) => [k, []])),
    specs: null, scales: null, loss: null,
    unitRows: null, // the training rows of the graph's dead-unit check: {n, d, total, values: Float32Array(n × d)}
    landscape: null, // the landscape view's map, kept until a newer one comes (ui/landscape/live.py)
  };
}

// Take in one render's payload. Returns what to ask the server for: {resync: true} when something was lost
// (a gap in the numbers, or views to build without their specs), else null.
function absorbPayload(store, data, shown) {
  store.E = data.n_epochs;
  store.done = data.done;
  store.scales = data.scales;
  store.loss = data.loss;
  if (data.specs) {
    store.specs = data.specs;
    // The graph's dead-unit check's training rows come with the specs, as binary (one float32 column).
    const rows = data.specs.graph && data.specs.graph.rows;
    store.unitRows = rows && data.unit_rows ? { ...rows, values: data.unit_rows.getChild("v").toArray().slice() } : null;
  }
  const sc = data.scalars;
  if (sc.from > store.series.loss.length || !store.specs) return { resync: true };
  // After the check: a render that lost something is not drawn, and the server sends the map again after a resync.
  if (data.landscape && !data.landscape.due) store.landscape = data.landscape;
  for (const k of SERIES_KEYS) {
    const s = store.series[k];
    s.length = sc.from;
    for (const v of sc[k]) s.push(v);
  }
  // The frames' numbers arrive as binary: an Arrow table of one float32 column, the epochs one after another.
  const values = data.frame_values ? data.frame_values.getChild("v").toArray() : new Float32Array(0);
  const n2 = 2 * store.P;
  data.frames.epochs.forEach((e, i) => {
    if (!store.frames.has(e)) store.bytes += 4 * n2;
    store.frames.set(e, values.slice(i * n2, (i + 1) * n2)); // a copy: a dropped frame frees its memory
  });
  thinFrames(store, shown, data.playback.speed);
  return null;
}

// Over budget: keep the epochs about to be played (up to 10 s ahead of the one on screen) and the last 3 s played,
// each at most a share of the budget; of the others, every `stride`-th, the smallest power-of-two stride whose
// frames fit what is left. Computed afresh each time, so the stride falls again when the budget allows; a dropped
// frame is sent again when the playback reaches it.
function thinFrames(store, shown, speed) {
  if (store.bytes <= store.budget) return;
  const frameBytes = 8 * store.P, room = Math.floor(store.budget / frameBytes);
  const ahead = Math.min(Math.ceil(10 * speed), Math.floor(room / 2));
  const behind = Math.min(Math.ceil(3 * speed), Math.floor(room / 4));
  const keys = [...store.frames.keys()];
  const far = keys.filter((e) => e < shown - behind || e > shown + ahead);
  const left = room - (keys.length - far.length);
  let stride = 1;
  while (stride <= store.E && far.filter((e) => e % stride === 0).length > left) stride *= 2;
  for (const e of far) {
    if (e % stride !== 0) {
      store.frames.delete(e);
      store.bytes -= frameBytes;
    }
  }
  store.stride = stride;
}

// The frame to draw for `epoch`: its own, or the nearest held one before it (then `exact` is false).
function frameAt(store, epoch) {
  for (let e = epoch; e >= 0; e--) {
    const f = store.frames.get(e);
    if (f) return { epoch: e, exact: e === epoch, theta: f.subarray(0, store.P), grad: f.subarray(store.P) };
  }
  return null;
}

// What the views are given: the specs with the run's current scales, and the curves recorded so far.
function viewData(store, data) {
  const s = store.specs, sc = store.scales;
  const curve = (k) => (store.series[k].some((v) => v !== null) ? store.series[k] : null);
  return {
    ...data,
    graph: s.graph && { ...s.graph, weight_scale: sc.weight, bias_scale: sc.bias, rows: store.unitRows },
    heatmaps: s.heatmaps && { layers: s.heatmaps.layers.map((L, i) => ({ ...L, scale: sc.layers[i] })) },
    loss: { ...store.loss, ...Object.fromEntries(SERIES_KEYS.map((k) => [k, curve(k)])) },
    slices: s.slices,
    view3d: s.view3d,
    landscape: s.landscape && { ...s.landscape, map: store.landscape },
  };
}
