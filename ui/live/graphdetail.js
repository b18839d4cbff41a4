// Beside the network graph: a card with one unit's map enlarged — with the line where its pre-activation z is 0 —
// or one weight; and, while the run is paused, the editor of that weight or of the unit's bias: a number to type or
// a slider to drag, drawn in every view at once (control.preview) and, on Apply, sent to the server, which starts a
// new branch of the run from the epoch on screen (control.edit; ui/live/README.md, the `edit` trigger).

const DETAIL_GRID = 48;  // the enlarged map's grid, points a side
const DETAIL_SIZE = 200; // its canvas, CSS px

// host: the element the card goes in; ctx: {table, activation, control, units (the graph's node records:
// name, where, param), limit (the largest |value| an edit may set)}.
function createGraphDetail(host, ctx) {
  const card = htmlEl("aside", { className: "graph-detail", hidden: true }, host);
  card.setAttribute("aria-live", "polite");
  const head = htmlEl("div", { className: "graph-detail-head" }, card);
  const title = htmlEl("span", { className: "graph-detail-title" }, head);
  const close = htmlEl("button", { className: "graph-detail-close", textContent: "\u00D7", title: "Close" }, head);
  close.setAttribute("aria-label", "Close");
  const where = htmlEl("div", { className: "graph-detail-where" }, card);
  const canvas = htmlEl("canvas", { className: "graph-detail-map" }, card);
  const caption = htmlEl("div", { className: "graph-detail-caption" }, card);
  const state = htmlEl("div", { className: "graph-detail-state" }, card);
  const editor = makeEditor(card, ctx);
  let shown = null;   // {kind: "unit", index} | {kind: "edge", rec}
  let maps = null, mapsFor = null, frame = null, plane = null;  // mapsFor: the plane and table maps was made for
  const image = { off: htmlEl("canvas", { width: DETAIL_GRID, height: DETAIL_GRID }) };
  image.ctx = image.off.getContext("2d");
  image.img = image.ctx.createImageData(DETAIL_GRID, DETAIL_GRID);
  image.pix = new Uint32Array(image.img.data.buffer);

  close.addEventListener("click", () => hide());

  function hide() {
    editor.cancel();
    shown = null;
    card.hidden = true;
    if (ctx.onClose) ctx.onClose();
  }

  function showUnit(index, p) {
    editor.cancel();
    shown = { kind: "unit", index };
    plane = p;
    open();
  }

  function showEdge(rec) {
    editor.cancel();
    shown = { kind: "edge", rec };
    open();
  }

  function open() {
    card.hidden = false;
    if (frame) update(frame, null);
  }

  // The map of unit `index` on the plane, its z = 0 line in black.
  function drawMap(index) {
    // A new plane or network comes with new views (new objects): the maps are made again only then, not every frame.
    if (!mapsFor || mapsFor.plane !== plane || mapsFor.table !== ctx.table) {
      mapsFor = { plane, table: ctx.table };
      maps = plane ? createUnitMaps(ctx.table, ctx.activation, plane, DETAIL_GRID) : null;
    }
    canvas.hidden = !maps;
    if (!maps) return;
    const dpr = window.devicePixelRatio || 1, S = DETAIL_SIZE, G = DETAIL_GRID, cell = S / (G - 1);
    if (canvas.width !== Math.round(S * dpr)) {
      canvas.width = canvas.height = Math.round(S * dpr);
      canvas.style.width = canvas.style.height = S + "px";
    }
    maps.compute(frame.theta);
    maps.paint(index, image.pix);
    image.ctx.putImageData(image.img, 0, 0);
    const c = canvas.getContext("2d");
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.imageSmoothingEnabled = true;
    c.drawImage(image.off, -cell / 2, -cell / 2, cell * G, cell * G);
    const z = maps.pre(index);
    if (!z) return;
    c.beginPath();
    traceZeroLine(c, z, G, 0, 0, cell);
    c.strokeStyle = "rgba(20,20,20,0.9)";
    c.lineWidth = 2;
    c.stroke();
  }

  // Redrawn with every frame while open: the map at the epoch on screen, what the unit is, and whether it is dead.
  function update(f, dead) {
    frame = f;
    if (!shown || !f || !f.theta.length) return;
    const paused = !ctx.control.playing();
    if (shown.kind === "edge") {
      const e = shown.rec;
      setText(title, e.name);
      setText(where, e.where + " \u00B7 w = " + fmt(f.theta[e.param]) + " at epoch " + f.epoch);
      canvas.hidden = true;
      setText(caption, "");
      setText(state, paused ? "" : "Pause to change this weight.");
      editor.show(paused ? { param: e.param, what: "weight", value: f.theta[e.param], epoch: f.epoch } : null);
      return;
    }
    const u = ctx.units[shown.index];
    setText(title, u.name);
    const b = u.param === null ? "" : " \u00B7 b = " + fmt(f.theta[u.param]);
    setText(where, (u.where || "input, fed in standardized") + b + " at epoch " + f.epoch);
    drawMap(shown.index);
    const axes = plane ? plane.ps.x.name + " across, " + plane.ps.y.name + " up; " + plane.ps.title : "";
    setText(caption, !plane ? "A map needs two inputs." : u.kind === "input"
      ? "Its own standardized value over the plane (" + axes + ")."
      : "Its output over the plane (" + axes + "); black: where its pre-activation z = 0" +
        (u.kind === "output" && ctx.table[ctx.table.length - 1][1] === 1 ? " (p = 0.5)." : "."));
    setText(state, dead && dead.dead[shown.index]
      ? "Dead: off for every one of " + dead.rows + " at epoch " + dead.epoch +
        ", so no gradient reaches its weights."
      : u.kind === "hidden" && ctx.activation === "relu" ? "Grey: off (z \u2264 0), its output 0." : "");
    editor.show(paused && u.param !== null
      ? { param: u.param, what: "bias", value: f.theta[u.param], epoch: f.epoch } : null);
  }

  return { showUnit, showEdge, hide, update, isOpen: () => !card.hidden, shown: () => shown, element: card };
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// The editor of one parameter: its value as a number and on a slider; every change drawn at once in the views
// (control.preview), Apply (or Enter) sends it (control.edit), Cancel (or Escape) puts the recorded value back.
function makeEditor(card, ctx) {
  // Checked here (value()), not by the browser's form validation, which refused a number off the slider's range.
  const box = htmlEl("form", { className: "graph-edit", hidden: true, noValidate: true }, card);
  const label = htmlEl("label", { className: "graph-edit-label" }, box);
  const name = htmlEl("span", null, label);
  const number = htmlEl("input", { type: "number", step: "any", className: "graph-edit-number" }, label);
  const slider = htmlEl("input", { type: "range", className: "graph-edit-slider" }, box);
  slider.setAttribute("aria-label", "Drag to change the value");
  const buttons = htmlEl("div", { className: "graph-edit-buttons" }, box);
  const apply = htmlEl("button", { type: "submit", textContent: "Apply", className: "graph-edit-apply" }, buttons);
  const cancel = htmlEl("button", { type: "button", textContent: "Cancel" }, buttons);
  const message = htmlEl("div", { className: "graph-edit-message" }, box);
  message.setAttribute("role", "status");
  let target = null;  // {param, what, value (recorded), epoch}

  function value() {
    const v = Number(number.value);
    return number.value.trim() !== "" && Number.isFinite(v) && Math.abs(v) <= ctx.limit ? v : null;
  }

  function changed(v) {
    if (v === null) {
      setText(message, "Type a number from \u2212" + ctx.limit + " to " + ctx.limit + ".");
      return;
    }
    setText(message, v === target.value ? "" : "Shown in every view; Apply goes on training from it.");
    ctx.control.preview(target.param, v === target.value ? null : v);
  }

  number.addEventListener("input", () => {
    const v = value();
    if (v !== null) {
      if (Math.abs(v) > Number(slider.max)) setRange(Math.min(ctx.limit, 2 * Math.abs(v)));  // the slider widens
      slider.value = String(v);
    }
    changed(v);
  });
  slider.addEventListener("input", () => {
    number.value = String(Number(slider.value));
    changed(value());
  });
  box.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = value();
    if (v === null) return changed(null);
    if (v === target.value) return setText(message, "That is its value already.");
    ctx.control.edit(target.param, v);
    setText(message, "Sent: the run goes on from epoch " + target.epoch + " with " + fmt(v) + ".");
    apply.disabled = true;
  });
  cancel.addEventListener("click", () => reset());
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); reset(); }
  });

  // The slider from −range to range, in 200 steps.
  function setRange(range) {
    slider.min = String(-range);
    slider.max = String(range);
    slider.step = String(range / 200);
  }

  function reset() {
    if (!target) return;
    number.value = String(target.value);
    slider.value = String(target.value);
    setText(message, "");
    ctx.control.preview(target.param, null);
  }

  return {
    // Edit `t` (null: nothing to edit). The same parameter at the same epoch keeps what is being typed.
    show(t) {
      if (!t) {
        if (target) ctx.control.preview(target.param, null);
        target = null;
        box.hidden = true;
        return;
      }
      box.hidden = false;
      if (target && target.param === t.param && target.epoch === t.epoch) return;
      if (target) ctx.control.preview(target.param, null);
      // The browser holds float32 values: shown to the 6 digits they carry (Apply compares with this).
      target = { ...t, value: Number(t.value.toPrecision(6)) };
      apply.disabled = false;
      setRange(Math.min(ctx.limit, Math.max(1, 3 * Math.abs(target.value))));
      setText(name, (t.what === "bias" ? "Bias b" : "Weight w") + " at epoch " + t.epoch);
      number.value = String(target.value);
      slider.value = String(target.value);
      setText(message, "");
    },
    cancel() {
      reset();
      target = null;
      box.hidden = true;
    },
  };
}
