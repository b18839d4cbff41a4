// Above the network graph: − and + to remove or add a hidden layer, and a unit of each hidden layer, as TensorFlow
// Playground has them. A click sends the new hidden layer sizes (control.network, the `network` trigger); the server
// makes them the network setting — the sidebar's "Hidden layers" and the link follow — and a new run starts.
// data.editing gives the sizes now and the limits (ui/settings: the "Hidden layers" setting's range).

// bar: the element above the graph, emptied and filled with each hidden layer's − n +; xs: each hidden column's
// centre (CSS px from the bar's left); tools: the panel header's place for the hidden layers' − and + (core.js).
function shapeControls(bar, tools, data, xs) {
  bar.replaceChildren();
  tools.replaceChildren();
  const e = data.editing, control = data.control;
  if (!e || !control) return;
  const hidden = e.hidden, [low, high] = e.units;
  const send = (sizes) => {
    for (const b of bar.querySelectorAll("button")) b.disabled = true;  // one change at a time: a new run comes
    control.network(sizes);
  };
  const button = (parent, text, label, enabled, sizes, why) => {
    const b = htmlEl("button", { type: "button", textContent: text, className: "graph-shape-button",
                                 title: enabled ? label : why, disabled: !enabled }, parent);
    b.setAttribute("aria-label", label);
    b.addEventListener("click", () => send(sizes));
    return b;
  };
  const layers = htmlEl("span", { className: "graph-shape-layers" }, tools);
  htmlEl("span", { textContent: hidden.length + " hidden layer" + (hidden.length === 1 ? "" : "s") }, layers);
  const lastSize = hidden.length ? hidden[hidden.length - 1] : Math.min(high, Math.max(low, 2));
  button(layers, "\u2212", "Remove the last hidden layer", hidden.length > 0, hidden.slice(0, -1),
         "No hidden layer left to remove");
  button(layers, "+", "Add a hidden layer", hidden.length < e.max_layers, [...hidden, lastSize],
         "At most " + e.max_layers + " hidden layers");
  hidden.forEach((n, li) => {
    if (xs[li] === undefined) return;
    const group = htmlEl("div", { className: "graph-shape-units" }, bar);
    group.style.left = xs[li] + "px";
    const sized = (k) => hidden.map((m, j) => (j === li ? k : m));
    const name = "hidden layer " + (li + 1);
    button(group, "\u2212", "One unit fewer in " + name, n > low, sized(n - 1), "At least " + low + " unit");
    htmlEl("span", { textContent: String(n) }, group);
    button(group, "+", "One unit more in " + name, n < high, sized(n + 1), "At most " + high + " units");
  });
}
