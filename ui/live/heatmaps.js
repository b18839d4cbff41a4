// Weights and biases as tables of coloured cells, one block per layer: W (rows = the layer's inputs,
// columns = its units) and a bias row "b". A cell's colour is its value over the layer's largest |value|
// in the run, so 0 is always the light middle colour. update() sets colours and numbers in place.
function createHeatmapView(element, spec, data) {
  const root = htmlEl("div", { className: "heatmap-view" });
  const blocks = htmlEl("div", { className: "heatmap-blocks" }, root);
  htmlEl("div", {
    className: "view-legend heatmap-note",
    textContent: "Cell colour = value \u00F7 the layer\u2019s largest |value| over the run: " +
      "orange negative, purple positive, light near 0. Row b holds the biases. Hover a cell for its gradient.",
  }, root);
  element.appendChild(root);
  const tip = makeTip(root);

  let layers = [], cells = [], last = null, hover = null, signature = "";

  function build(spec) {
    blocks.replaceChildren();
    cells = [];
    layers = spec.layers.map((L) => {
      const block = htmlEl("div", { className: "heatmap-block" }, blocks);
      htmlEl("div", { className: "heatmap-title", textContent: L.title }, block);
      const table = htmlEl("table", { className: "heatmap" }, block);
      const head = table.createTHead().insertRow();
      htmlEl("th", null, head);
      for (const c of L.cols) htmlEl("th", { className: "col-label", textContent: c, title: c }, head);
      const body = table.createTBody();
      const rowLabels = [...L.rows, "b"];
      rowLabels.forEach((label, k) => {
        const bias = k === L.fan_in;
        if (bias) body.insertRow().className = "gap-row"; // sets the bias row slightly apart
        const tr = body.insertRow();
        if (bias) tr.className = "bias-row";
        htmlEl("th", { className: "row-label", textContent: label, title: bias ? "biases" : label }, tr);
        for (let j = 0; j < L.fan_out; j++) {
          const td = tr.insertCell();
          td.className = "cell";
          const text = document.createTextNode("");
          td.appendChild(text);
          const param = bias ? L.b_offset + j : L.w_offset + k * L.fan_out + j;
          td.dataset.cell = cells.length;
          cells.push({ td, text, param, scale: L.scale || 1, bg: "", str: "", light: false,
            name: bias ? `b[${L.cols[j]}]` : `W[${label} \u2192 ${L.cols[j]}]`, where: L.title });
        }
      });
      const bar = htmlEl("div", { className: "colorbar" }, block);
      const grad = htmlEl("div", { className: "colorbar-ramp" }, bar);
      const ticks = htmlEl("div", { className: "colorbar-ticks" }, bar);
      const lo = htmlEl("span", null, ticks);
      htmlEl("span", { textContent: "0" }, ticks);
      const hi = htmlEl("span", null, ticks);
      return { L, lo, hi, grad };
    });
    signature = spec.layers.map((L) => [L.fan_in, L.fan_out, L.w_offset].join(",")).join(";");
    setScales(spec);
  }

  function setScales(spec) {
    const stops = [-1, -0.5, 0, 0.5, 1].map((t) => divergingColor(t)).join(", ");
    layers.forEach((l, i) => {
      const s = spec.layers[i].scale || 1;
      l.lo.textContent = "\u2212" + fmt(s);
      l.hi.textContent = "+" + fmt(s);
      l.grad.style.background = `linear-gradient(to right, ${stops})`;
    });
    let c = 0;
    spec.layers.forEach((L) => {
      const n = (L.fan_in + 1) * L.fan_out;
      for (let i = 0; i < n; i++, c++) {
        if (cells[c].scale !== (L.scale || 1)) {
          cells[c].scale = L.scale || 1;
          cells[c].bg = "";
        }
      }
    });
  }

  function update(frame) {
    last = frame;
    const th = frame.theta;
    if (th.length === 0) return;
    for (const c of cells) {
      const v = th[c.param], t = v / c.scale;
      const bg = divergingColor(t);
      if (bg !== c.bg) {
        c.bg = bg;
        c.td.style.backgroundColor = bg;
        const light = needsLightText(t);
        if (light !== c.light) {
          c.light = light;
          c.td.classList.toggle("on-dark", light);
        }
      }
      const s = fmt(v);
      if (s !== c.str) {
        c.str = s;
        c.text.data = s;
      }
    }
    if (hover) showTip();
  }

  function showTip() {
    const lines = [hover.name, hover.where];
    if (last && last.theta.length) {
      lines.push("value = " + fmt(last.theta[hover.param]));
      lines.push("\u2202loss/\u2202value = " + fmt(last.grad[hover.param]) + "  (epoch " + last.epoch + ")");
    }
    tip.set(lines);
  }

  blocks.addEventListener("pointermove", (ev) => {
    const td = ev.target.closest ? ev.target.closest("td[data-cell]") : null;
    const rec = td ? cells[+td.dataset.cell] : null;
    if (rec !== hover) {
      hover = rec;
      if (hover) showTip();
      else tip.hide();
    }
    if (hover) tip.move(ev);
  });
  blocks.addEventListener("pointerleave", () => {
    hover = null;
    tip.hide();
  });

  build(spec);
  return {
    update,
    setData(d) {
      const s = d.heatmaps;
      if (!s) return;
      const sig = s.layers.map((L) => [L.fan_in, L.fan_out, L.w_offset].join(",")).join(";");
      if (sig !== signature) build(s);
      else setScales(s);
    },
  };
}
