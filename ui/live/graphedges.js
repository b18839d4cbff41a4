// A large network's graph draws only its strongest edges (more than graph.js's DRAWN_EDGES weights make a hairball
// whose painting alone takes longer than a frame): a fixed set of paths, the slots, handed from edge to edge as the
// weights change, each epoch to the `most` largest |w|.

// The k-th largest of values (reordered in place): Hoare's selection, linear on average, where a sort of the
// 20,000 weights of a 6 × 64 network took a tenth of each frame.
function kthLargest(values, k) {
  let lo = 0, hi = values.length - 1;
  const want = values.length - k;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i]; values[i] = values[j]; values[j] = t;
        i++; j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return values[want];
}

// Hand the slots to this epoch's strongest edges; an edge still among them keeps its slot (no DOM change).
function assignStrongest(edges, slots, order, th, most) {
  for (let i = 0; i < edges.length; i++) order[i] = Math.abs(th[edges[i].param]);
  const cut = kthLargest(order.slice(), most);
  const keep = new Set();
  for (let i = 0; i < edges.length && keep.size < most; i++) if (order[i] >= cut) keep.add(i);
  const free = [];
  for (const slot of slots) {
    if (keep.has(slot.edge)) keep.delete(slot.edge);
    else free.push(slot);
  }
  let k = 0;
  for (const i of keep) {
    const slot = free[k++], e = edges[i];
    slot.edge = i;
    slot.param = e.param;
    slot.name = e.name;
    slot.where = e.where;
    slot.path.setAttribute("d", e.d);
    slot.hit.setAttribute("d", e.d);
  }
}
