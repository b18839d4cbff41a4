// Weights and biases as tables of coloured cells, one block per layer: W (rows = the layer's inputs,
// columns = its units) and a bias row "b". A cell's colour is its value over the layer's largest |value|
// in the run, so 0 is always the light middle colour. update() sets colours and numbers in place. A block of
// more than TABLE_CELLS cells (a wide layer, whose numbers no one could read) is a canvas, a small square a cell.
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

  const TABLE_CELLS = 400, CELL_PX = 5;
  let layers = [], cells = [], last = null, hover = null, signature = "";

  function build(spec) {
    blocks.replaceChildren();
    cells = [];
    layers = spec.layers.map((L) => {
      const block = htmlEl("div", { className: "heatmap-block" }, blocks);
      htmlEl("div", { className: "heatmap-title", textContent: L.title }, block);
      if ((L.fan_in + 1) * L.fan_out > TABLE_CELLS) return pixelBlock(L, block);
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
      return { L, ...colorbar(block) };
    });
    signature = spec.layers.map((L) => [L.fan_in, L.fan_out, L.w_offset].join(",")).join(";");
    setScales(spec);
  }

  function colorbar(block) {
    const bar = htmlEl("div", { className: "colorbar" }, block);
    const grad = htmlEl("div", { className: "colorbar-ramp" }, bar);
    const ticks = htmlEl("div", { className: "colorbar-ticks" }, bar);
    const lo = htmlEl("span", null, ticks);
    htmlEl("span", { textContent: "0" }, ticks);
    const hi = htmlEl("span", null, ticks);
    return { lo, hi, grad };
  }

  // A wide layer: W's rows and then, a square apart, the bias row, CELL_PX pixels a cell; hovering names the cell.
  function pixelBlock(L, block) {
    // A pixel a cell, shown CELL_PX times larger (CSS, pixelated); row fan_in stays empty, setting the biases apart.
    const rows = L.fan_in + 2, canvas = htmlEl("canvas", { className: "heatmap-pixels" }, block);
    canvas.width = L.fan_out;
    canvas.height = rows;
    canvas.style.width = L.fan_out * CELL_PX + "px";
    canvas.style.height = rows * CELL_PX + "px";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${L.title}: ${L.fan_in} × ${L.fan_out} weights and ${L.fan_out} biases`);
    const first = cells.length;
    for (let k = 0; k <= L.fan_in; k++) {
      const bias = k === L.fan_in;
      for (let j = 0; j < L.fan_out; j++) {
        cells.push({ td: null, param: bias ? L.b_offset + j : L.w_offset + k * L.fan_out + j, scale: L.scale || 1,
          name: bias ? `b[${L.cols[j]}]` : `W[${L.rows[k]} \u2192 ${L.cols[j]}]`, where: L.title });
      }
    }
    canvas.addEventListener("pointermove", (ev) => {
      const j = Math.floor(ev.offsetX / CELL_PX), k = Math.floor(ev.offsetY / CELL_PX);  // CSS pixels
      const row = k === L.fan_in + 1 ? L.fan_in : k < L.fan_in ? k : -1;
      pointAt(row < 0 || j >= L.fan_out ? null : cells[first + row * L.fan_out + j], ev);
    });
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(canvas.width, canvas.height);
    return { L, canvas, ctx, image, pixels: new Uint32Array(image.data.buffer), first, ...colorbar(block) };
  }

  // The diverging palette as 511 RGBA pixels (little-endian), for t from -1 to 1 in steps of 1/255.
  const PALETTE = Uint32Array.from({ length: 511 }, (_, i) => {
    const [r, g, b] = divergingRGB(i / 255 - 1);
    return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  });

  // Paint a wide layer's cells, a pixel each: W's rows, then (a row below) the biases.
  function paint(l, th) {
    const { L, pixels, first } = l;
    for (let k = 0; k <= L.fan_in; k++) {
      const row = (k === L.fan_in ? k + 1 : k) * L.fan_out;
      for (let j = 0; j < L.fan_out; j++) {
        const c = cells[first + k * L.fan_out + j], t = Math.max(-1, Math.min(1, th[c.param] / c.scale));
        pixels[row + j] = PALETTE[Math.round((t + 1) * 255)];
      }
    }
    l.ctx.putImageData(l.image, 0, 0);
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
    for (const l of layers) if (l.canvas) paint(l, th);
    for (const c of cells) {
      if (!c.td) continue;
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

  function pointAt(rec, ev) {
    if (rec !== hover) {
      hover = rec;
      if (hover) showTip();
      else tip.hide();
    }
    if (hover) tip.move(ev);
  }

  blocks.addEventListener("pointermove", (ev) => {
    if (ev.target.tagName === "CANVAS") return; // a wide layer's canvas names its cells itself
    const td = ev.target.closest ? ev.target.closest("td[data-cell]") : null;
    pointAt(td ? cells[+td.dataset.cell] : null, ev);
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
