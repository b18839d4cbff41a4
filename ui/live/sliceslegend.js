// The slices' legend: the p scale or, with k classes, the predicted class's meaning, the lines' swatch, each
// class's mark and name (the palette's), and the ring of a test row the network gets wrong.

function slicesClassNames(d) {
  const c = d.class_names;
  return Array.isArray(c) && c.length === 2 ? [String(c[0]), String(c[1])] : ["class 0", "class 1"];
}

// k classes: each class's symbol (as drawPoints draws it) and name; the map's meaning and its lines.
function slicesClassLegend(d, shown, item, text) {
  const names = d.class_names.map(String);
  if (shown === null) {
    text(item(), "Colour: the class predicted there (paler where the network is less sure)");
  } else {
    colourBar(item("mlpx-cbar"), "p(" + names[shown] + ")", text);
  }
  contourItem(item(), text, shown === null ? "where the predicted class changes" : "p = 0.5");
  names.forEach((name, c) => {
    const one = item("mlpx-legend-class");
    classIcon(one, c, 13, 13);
    text(one, name);
  });
}

// The lines' swatch, shown on the map's light middle colour, as in the plots, so it also reads on a dark theme.
function contourItem(contour, text, label) {
  const svg1 = svgEl("svg", { width: 26, height: 12, "aria-hidden": "true" }, contour);
  svgEl("rect", { x: 0, y: 0, width: 26, height: 12, rx: 2, fill: divergingColor(0) }, svg1);
  svgEl("line", { x1: 4, y1: 6, x2: 22, y2: 6, stroke: "#1b1b1b", "stroke-width": 2, "stroke-linecap": "round" }, svg1);
  text(contour, label);
}

function colourBar(cb, label, text) {
  text(cb, label);
  const bar = htmlEl("span", { className: "mlpx-cbar-bar" }, cb);
  const stops = [];
  for (let s = 0; s <= 10; s++) stops.push(divergingColor(s / 5 - 1) + " " + s * 10 + "%");
  bar.style.background = "linear-gradient(to right, " + stops.join(", ") + ")";
  htmlEl("span", { className: "mlpx-cbar-mid" }, bar);
  const ticks = htmlEl("span", { className: "mlpx-cbar-ticks" }, cb);
  for (const [v, at] of [["0", "0%"], ["0.5", "50%"], ["1", "100%"]]) {
    htmlEl("span", { textContent: v }, ticks).style.left = at;
  }
}

function buildSlicesLegend(legend, d, { k, shown, projected, ink }) {
  const [neg, pos] = slicesClassNames(d);
  legend.replaceChildren();
  const item = (cls) => htmlEl("span", { className: "mlpx-legend-item" + (cls ? " " + cls : "") }, legend);
  const text = (parent, t) => htmlEl("span", { textContent: t }, parent);
  if (k > 1) {
    slicesClassLegend(d, shown, item, text);
    if (projected) wrongLegend(item, text, ink);
    return;
  }

  colourBar(item("mlpx-cbar"), "p(" + pos + ")", text);
  contourItem(item(), text, "p = 0.5 (decision boundary)");

  const one = item();
  classIcon(one, 1, 13, 13);
  text(one, pos + " (class 1)");

  const zero = item();
  classIcon(zero, 0, 13, 13);
  text(zero, neg + " (class 0)");
  if (projected) wrongLegend(item, text, ink);
  if (neg === "class 0") {
    // Without class names the "(class k)" suffix would repeat the name.
    one.lastChild.textContent = pos;
    zero.lastChild.textContent = neg;
  }
}

function wrongLegend(item, text, ink) {
  const miss = item();
  const svg4 = svgEl("svg", { width: 16, height: 16, "aria-hidden": "true" }, miss);
  svgEl("circle", { cx: 8, cy: 8, r: 6.2, fill: "none", stroke: ink, "stroke-width": 1.3 }, svg4);
  text(miss, "wrong at this epoch (test rows, by their true class)");
}

