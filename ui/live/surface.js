// The p = 0.5 surface as geometry, from the logit on an N × N × N grid spanning the box [-1, 1]³ (node
// (i, j, k) at index i + N j + N² k, axis coordinate -1 + 2 i / (N - 1)): its triangles by marching
// tetrahedra, a normal at each of their vertices, which side of each faces class 1, and the surface's
// outline on the box's six faces. Pure geometry, no DOM and no canvas: view3d.js draws what update() leaves
// in the returned object's arrays.

function createSurface(N) {
  // The six tetrahedra of a cube around its 0-7 diagonal (corner v = dx + 2 dy + 4 dz). Neighbouring
  // cubes split their shared face along the same diagonal, so the surface has no cracks.
  const TETS = [0, 1, 3, 7, 0, 1, 5, 7, 0, 2, 3, 7, 0, 2, 6, 7, 0, 4, 5, 7, 0, 4, 6, 7];
  // For each inside/outside pattern of a tetrahedron's 4 corners (bit c set = corner c on the class 1
  // side): its triangles as flat triples of cut edges (corner pairs), and one corner on the class 1 side.
  const TET_CASES = [];
  for (let mask = 0; mask < 16; mask++) {
    const ins = [0, 1, 2, 3].filter((c) => mask & (1 << c)), outs = [0, 1, 2, 3].filter((c) => !(mask & (1 << c)));
    let cuts = [];
    if (ins.length === 1 || ins.length === 3) {
      const [lone, rest] = ins.length === 1 ? [ins[0], outs] : [outs[0], ins];
      cuts = [[lone, rest[0]], [lone, rest[1]], [lone, rest[2]]];
    } else if (ins.length === 2) {
      const [a, b] = ins, [c, d] = outs;
      cuts = [[a, c], [a, d], [b, d], [a, c], [b, d], [b, c]];
    }
    TET_CASES.push({ cuts: cuts.flat(), inside: ins[0] });
  }
  const N2 = N * N, n3 = N2 * N, h = 2 / (N - 1);
  const coord = new Float64Array(N);
  for (let i = 0; i < N; i++) coord[i] = -1 + (2 * i) / (N - 1);
  const gx = new Float64Array(n3), gy = new Float64Array(n3), gz = new Float64Array(n3);   // the logit's gradient
  let L = null;

  const surface = {
    count: 0,              // triangles
    xyz: null,             // per triangle, its 3 vertices' x, y, z
    normals: null,         // per triangle, a unit normal at each vertex
    side: null,            // per triangle, +1 when (v1 - v0) × (v2 - v0) points to class 1, else -1
    outlineStride: (N - 1) * (N - 1) * 12,
    outline: null,         // box face f's segments (two x, y, z points each) from f * outlineStride
    outlineCount: new Int32Array(6),   // segments on each face
    update,
  };
  surface.outline = new Float32Array(6 * surface.outlineStride);
  let cap = 0;
  grow(4096);

  function grow(want) {
    if (want <= cap) return;
    cap = Math.max(want, cap * 2);
    const t = new Float32Array(cap * 9), n = new Float32Array(cap * 9), s = new Int8Array(cap);
    if (surface.xyz) { t.set(surface.xyz); n.set(surface.normals); s.set(surface.side); }
    surface.xyz = t; surface.normals = n; surface.side = s;
  }

  // logit: the N³ node values (see logit in forward.js).
  function update(logit) {
    L = logit;
    gradient();
    triangles();
    outline();
  }

  // Central differences inside the grid, one-sided on its faces.
  function gradient() {
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++)
        for (let i = 0; i < N; i++) {
          const s = i + N * j + N2 * k;
          const i0 = i > 0 ? s - 1 : s, i1 = i < N - 1 ? s + 1 : s;
          const j0 = j > 0 ? s - N : s, j1 = j < N - 1 ? s + N : s;
          const k0 = k > 0 ? s - N2 : s, k1 = k < N - 1 ? s + N2 : s;
          gx[s] = (L[i1] - L[i0]) / (h * (i1 - i0));
          gy[s] = (L[j1] - L[j0]) / ((h * (j1 - j0)) / N);
          gz[s] = (L[k1] - L[k0]) / ((h * (k1 - k0)) / N2);
        }
  }

  // Marching tetrahedra on the logit: a ReLU network makes it piecewise linear, so linear interpolation
  // puts each vertex where the network's boundary is. Vertex normals come from the logit's gradient,
  // which keeps the truly flat faces flat and shades the grid-sampled creases between them smoothly.
  const cv = new Float64Array(8), ci = new Int32Array(8), cx = new Float64Array(8), cy = new Float64Array(8), cz = new Float64Array(8);
  const ex = new Float64Array(3), ey = new Float64Array(3), ez = new Float64Array(3);
  const nx3 = new Float64Array(3), ny3 = new Float64Array(3), nz3 = new Float64Array(3);

  function edgePoint(u, v, slot) {
    if (u > v) { const t = u; u = v; v = t; }           // same order from both tets: identical vertices
    const t = cv[u] / (cv[u] - cv[v]), a = ci[u], b = ci[v];
    ex[slot] = cx[u] + (cx[v] - cx[u]) * t;
    ey[slot] = cy[u] + (cy[v] - cy[u]) * t;
    ez[slot] = cz[u] + (cz[v] - cz[u]) * t;
    nx3[slot] = gx[a] + (gx[b] - gx[a]) * t;
    ny3[slot] = gy[a] + (gy[b] - gy[a]) * t;
    nz3[slot] = gz[a] + (gz[b] - gz[a]) * t;
  }

  // Stores the triangle in slots 0, 1, 2, with which side of it faces class 1 (corner `inside`).
  function emit(inside) {
    const ux = ex[1] - ex[0], uy = ey[1] - ey[0], uz = ez[1] - ez[0];
    const vx = ex[2] - ex[0], vy = ey[2] - ey[0], vz = ez[2] - ez[0];
    const fx = uy * vz - uz * vy, fy = uz * vx - ux * vz, fz = ux * vy - uy * vx;
    const len = Math.sqrt(fx * fx + fy * fy + fz * fz);
    if (len < 1e-12) return;                          // a sliver of no area: nothing to draw
    const toward = fx * (cx[inside] - ex[0]) + fy * (cy[inside] - ey[0]) + fz * (cz[inside] - ez[0]) >= 0 ? 1 : -1;
    const nTri = surface.count;
    if (nTri >= cap) grow(nTri + 1);
    const tri = surface.xyz, vnorm = surface.normals, o = nTri * 9;
    for (let v = 0; v < 3; v++) {
      tri[o + 3 * v] = ex[v]; tri[o + 3 * v + 1] = ey[v]; tri[o + 3 * v + 2] = ez[v];
      let n = Math.sqrt(nx3[v] * nx3[v] + ny3[v] * ny3[v] + nz3[v] * nz3[v]);
      // A vanishing gradient (never on a real boundary, but possible in a flat corner) takes the face's normal.
      const ok = n > 1e-9;
      if (!ok) n = len * toward;
      vnorm[o + 3 * v] = (ok ? nx3[v] : fx) / n;
      vnorm[o + 3 * v + 1] = (ok ? ny3[v] : fy) / n;
      vnorm[o + 3 * v + 2] = (ok ? nz3[v] : fz) / n;
    }
    surface.side[nTri] = toward;
    surface.count = nTri + 1;
  }

  function triangles() {
    surface.count = 0;
    for (let k = 0; k < N - 1; k++)
      for (let j = 0; j < N - 1; j++)
        for (let i = 0; i < N - 1; i++) {
          const base = i + N * j + N2 * k;
          let pos = 0;
          for (let v = 0; v < 8; v++) {
            const idx = base + (v & 1) + (v & 2 ? N : 0) + (v & 4 ? N2 : 0);
            ci[v] = idx;
            cv[v] = L[idx];
            if (L[idx] > 0) pos++;
          }
          if (pos === 0 || pos === 8) continue;
          for (let v = 0; v < 8; v++) {
            cx[v] = coord[i + (v & 1)]; cy[v] = coord[j + ((v >> 1) & 1)]; cz[v] = coord[k + ((v >> 2) & 1)];
          }
          for (let t = 0; t < 24; t += 4) {
            const mask = (cv[TETS[t]] > 0) | ((cv[TETS[t + 1]] > 0) << 1) | ((cv[TETS[t + 2]] > 0) << 2) | ((cv[TETS[t + 3]] > 0) << 3);
            const { cuts, inside } = TET_CASES[mask];
            for (let c = 0; c < cuts.length; c += 6) {
              edgePoint(TETS[t + cuts[c]], TETS[t + cuts[c + 1]], 0);
              edgePoint(TETS[t + cuts[c + 2]], TETS[t + cuts[c + 3]], 1);
              edgePoint(TETS[t + cuts[c + 4]], TETS[t + cuts[c + 5]], 2);
              emit(TETS[t + inside]);
            }
          }
        }
  }

  // Where the surface meets the box: marching squares on the logits of each of the six faces (face
  // 2a + s lies on axis a at its min, s = 0, or max, s = 1), with draw.js's squareSegments.
  const fu = new Float64Array(4), fv = new Float64Array(4);
  function outline() {
    const stride = [1, N, N2], seg3 = surface.outline;
    for (let f = 0; f < 6; f++) {
      const a = f >> 1, u = (a + 1) % 3, v = (a + 2) % 3;
      const base = (f & 1) * (N - 1) * stride[a], su = stride[u], sv = stride[v];
      const w = (f & 1) ? 1 : -1;
      let n = 0, o = f * surface.outlineStride;
      for (let j = 0; j < N - 1; j++)
        for (let i = 0; i < N - 1; i++) {
          const p = base + i * su + j * sv;
          const c0 = L[p], c1 = L[p + su], c2 = L[p + su + sv], c3 = L[p + sv];
          const seg = squareSegments(c0, c1, c2, c3);
          if (!seg) continue;
          squareCrossings(c0, c1, c2, c3, i, j, fu, fv);
          for (let k = 0; k < seg.length; k++, o += 3) {
            seg3[o + a] = w;
            seg3[o + u] = -1 + fu[seg[k]] * h;
            seg3[o + v] = -1 + fv[seg[k]] * h;
          }
          n += seg.length / 2;
        }
      surface.outlineCount[f] = n;
    }
  }

  return surface;
}
