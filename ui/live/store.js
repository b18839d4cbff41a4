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
  };
}

// Take in one render's payload. Returns what to ask the server for: {resync: true} when something was lost
// (a gap in the numbers, or views to build without their specs), else null.
function absorbPayload(store, data, shown) {
  store.E = data.n_epochs;
  store.done = data.done;
  store.scales = data.scales;
  store.loss = data.loss;
  if (data.specs) store.specs = data.specs;
  const sc = data.scalars;
  if (sc.from > store.series.loss.length || !store.specs) return { resync: true };
  for (const k of SERIES_KEYS) {
    const s = store.series[k];
    s.length = sc.from;
    for (const v of sc[k]) s.push(v);
  }
  const values = decodeFloats(data.frames.values), n2 = 2 * store.P;
  data.frames.epochs.forEach((e, i) => {
    if (!store.frames.has(e)) store.bytes += 4 * n2;
    store.frames.set(e, values.slice(i * n2, (i + 1) * n2)); // a copy: a dropped frame frees its memory
  });
  thinFrames(store, shown, data.playback.speed);
  return null;
}

// Over budget: keep every epoch within 3 s of playback around the one on screen, and every `stride`-th
// elsewhere, the stride doubling until the frames fit (the server sends a dropped one again when asked).
function thinFrames(store, shown, speed) {
  const near = Math.max(30, Math.ceil(3 * speed));
  while (store.bytes > store.budget && store.stride < store.E) {
    store.stride *= 2;
    for (const e of [...store.frames.keys()]) {
      if (Math.abs(e - shown) > near && e % store.stride !== 0) {
        store.frames.delete(e);
        store.bytes -= 8 * store.P;
      }
    }
  }
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
    graph: s.graph && { ...s.graph, weight_scale: sc.weight, bias_scale: sc.bias },
    heatmaps: s.heatmaps && { layers: s.heatmaps.layers.map((L, i) => ({ ...L, scale: sc.layers[i] })) },
    loss: { ...store.loss, ...Object.fromEntries(SERIES_KEYS.map((k) => [k, curve(k)])) },
    slices: s.slices,
    view3d: s.view3d,
  };
}
