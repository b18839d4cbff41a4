// MLP Playground live views: the core. It keeps the views mounted between reruns, decodes the
// recorded run, and plays it back on the client with requestAnimationFrame, so that every view
// redraws in place at the same epoch. The helpers the views share are in forward.js and draw.js, the
// toolbar's side in presenter.js. View files (concatenated before this one) each define a
// create*View(element, spec, data) function returning {update(frame), setData?(data)} (README.md).

function makePanel(root, view, title) {
  // A titled panel whose header carries the "Epoch N" label the tests and the bench sample, and a place for the
  // view's own controls (.panel-tools: the graph's hidden layers' − and +).
  const panel = htmlEl("section", { className: "panel panel-" + view }, root);
  const head = htmlEl("header", null, panel);
  htmlEl("span", { className: "panel-title", textContent: title }, head);
  htmlEl("span", { className: "panel-tools" }, head);
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

export default function (component) {
  const { data, parentElement } = component;
  hookPauseButton();
  hookShortcuts();
  // The live views' state (the run's store, the views, the playback clock), kept on the element across reruns.
  let live = parentElement.__mlpLive;
  if (!live || live.store.runId !== data.run_id) {
    if (live) {
      stop(live);
      live.root.remove();
    }
    const root = htmlEl("div", { className: "mlp-live" }, parentElement);
    live = parentElement.__mlpLive = { store: createRunStore(data), root, views: [], viewsKey: null, drawn: -1,
                                       token: null, asked: null, finished: null, scrubbing: false, told: null };
    live.replay = makeReplay(live, root);
    live.control = makeControl(live);
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
  // Streamlit calls the function a render returned when the views leave the page (another data source, a file that
  // cannot be read): from then on they neither draw nor ask the server for anything. It calls it too for a render
  // that a newer one overtook while this one's module was loading (quick reruns): the views are still on the page
  // then, and go on as the newer render says.
  const unmount = () => {
    if (parentElement.isConnected) return;
    stop(live);
    if (parentElement.__mlpLive === live) parentElement.__mlpLive = null;
    if (window.__mlpLiveState === live) window.__mlpLiveState = null;
  };
  const lost = absorbPayload(live.store, data, Math.max(0, live.drawn));
  if (lost) {
    ask(live, "resync", true);
    return unmount;
  }
  usePalette(live.store.specs.palette);
  live.root.style.setProperty("--positive", `rgb(${DIVERGING.pos.join(",")})`);
  const vd = { ...viewData(live.store, data), control: live.control };
  live.replay.mark(data.edits || []);
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
    const frame = withPreview(live, frameAt(store, epoch));
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
  return unmount;
}

// The views of a run that has left (a new run, or the views removed from the page): no more frames, no timer left
// to ask the server for anything (a landscape map asked for every 2 s until it came, a scrub still to tell).
function stop(live) {
  live.stopped = true;
  cancelAnimationFrame(live.raf);
  clearTimeout(live.landscapeAsk);
  clearTimeout(live.tellTimer);
}

// What the views may do besides drawing (the network graph: its card and its + and −): whether the run plays,
// a value drawn in place of a parameter's at the epoch on screen (preview; null: the recorded one again), an edit
// sent to the server (the `edit` trigger: it starts a new branch of the run, a new run for the browser) and new
// hidden layer sizes (the `network` trigger).
function makeControl(live) {
  const control = {
    playing: () => live.playing,
    preview(param, value) {
      live.preview = value === null ? null : { epoch: live.drawn, param, value };
      live.dirty = true;
    },
    edit(param, value) {
      const at = Date.now();
      live.preview = { epoch: live.drawn, param, value, at };
      live.dirty = true;
      live.setTriggerValue("edit", { run: live.store.runId, epoch: live.drawn, param, value, at });
      // Refused (a notice says why), the run does not change: the recorded value is drawn again.
      setTimeout(() => { if (live.preview && live.preview.at === at) control.preview(param, null); }, 4000);
    },
    network: (hidden) => live.setTriggerValue("network", { hidden, at: Date.now() }),
  };
  return control;
}

// The frame to draw with a previewed value in place of the recorded one (a copy: the store keeps what it was sent).
function withPreview(live, frame) {
  const p = live.preview;
  if (!frame || !p || frame.epoch !== p.epoch) return frame;
  if (!live.previewed || live.previewed.key !== p) {
    const theta = Float32Array.from(frame.theta);
    theta[p.param] = p.value;
    live.previewed = { key: p, theta };
  }
  return { ...frame, theta: live.previewed.theta };
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
  if (live.asked || live.stopped) return;
  live.asked = what;
  live.setTriggerValue(what, value);
}
