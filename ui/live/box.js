// The box around the 3-D view's data, drawn on its canvas: the box's edges (those meeting at the corner
// farthest from the viewer apart, to be dashed and drawn under the surface) and, on its outline, the three
// axes with their ticks and names.

function createBox(ctx, camera) {
  const BOX = [];
  for (let v = 0; v < 8; v++) BOX.push([v & 1 ? 1 : -1, v & 2 ? 1 : -1, v & 4 ? 1 : -1]);
  const EDGES = [];                     // [corner, corner, axis it runs along]
  for (let v = 0; v < 8; v++) for (let a = 0; a < 3; a++) if (!(v & (1 << a))) EDGES.push([v, v | (1 << a), a]);
  let corners = null, far = 0;          // this frame's corners on screen; the one farthest away

  // Places the corners for this frame (after camera.aim).
  function place() {
    corners = BOX.map(camera.toScreen);
    far = 0;
    for (let v = 1; v < 8; v++) if (corners[v][2] < corners[far][2]) far = v;
  }

  // The edges behind (those at the far corner: dashed and fainter, for under the surface) or the others.
  function strokeEdges(behind) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = behind ? "rgba(128,128,128,0.5)" : "rgba(128,128,128,0.6)";
    if (behind) ctx.setLineDash([3, 3]);
    ctx.beginPath();
    for (const [a, b] of EDGES) {
      if ((a === far || b === far) !== behind) continue;
      ctx.moveTo(corners[a][0], corners[a][1]);
      ctx.lineTo(corners[b][0], corners[b][1]);
    }
    ctx.stroke();
    if (behind) ctx.setLineDash([]);
  }

  function halo(text, x, y) {
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  }

  // Axes on the box's outline, as in most 3-D plots: the two horizontal ones on the lowest edges, the
  // vertical one on the leftmost edge; ticks along them, the names beyond their far ends.
  function drawAxes(axes, theme) {
    const { ink, paper, font } = theme;
    const mx = corners.reduce((s, c) => s + c[0], 0) / 8, my = corners.reduce((s, c) => s + c[1], 0) / 8;
    axes.forEach((axis, a) => {
      let best = null, bestScore = -Infinity;
      for (const e of EDGES) {
        if (e[2] !== a) continue;
        const p = corners[e[0]], q = corners[e[1]];
        const score = a === 2 ? -(p[0] + q[0]) : p[1] + q[1];
        if (score > bestScore + 1e-6) { bestScore = score; best = e; }
      }
      const c0 = corners[best[0]], c1 = corners[best[1]];
      let dx = c1[0] - c0[0], dy = c1[1] - c0[1];
      const len = Math.hypot(dx, dy) || 1;
      dx /= len; dy /= len;
      // Labels go on the side of the edge away from the box's centre.
      let nx = -dy, ny = dx;
      if (nx * ((c0[0] + c1[0]) / 2 - mx) + ny * ((c0[1] + c1[1]) / 2 - my) < 0) { nx = -nx; ny = -ny; }
      ctx.strokeStyle = ink;
      ctx.globalAlpha = 0.7;
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      ctx.moveTo(c0[0], c0[1]);
      ctx.lineTo(c1[0], c1[1]);
      const marks = [];
      for (const [v, s] of niceTicks(axis.min, axis.max, 4)) {
        const u = (v - axis.min) / (axis.max - axis.min);
        if (u < 0.1 || u > 0.9) continue;             // leave the corners to the names
        const px = c0[0] + (c1[0] - c0[0]) * u, py = c0[1] + (c1[1] - c0[1]) * u;
        ctx.moveTo(px, py);
        ctx.lineTo(px + nx * 4, py + ny * 4);
        marks.push([px, py, s]);
      }
      ctx.stroke();
      ctx.globalAlpha = 0.85;
      ctx.font = `${font.small}px ${font.family}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = ink;
      ctx.strokeStyle = paper;
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      for (const [px, py, s] of marks) {
        const tw = ctx.measureText(s).width;
        const off = 8 + Math.abs(nx) * tw / 2 + Math.abs(ny) * 5;
        halo(s, px + nx * off, py + ny * off);
      }
      ctx.globalAlpha = 1;
      ctx.font = `600 ${font.text}px ${font.family}`;
      ctx.lineWidth = 3.5;
      const name = fitText(ctx, axis.name, 140);
      const tw = ctx.measureText(name).width;
      // Just past the axis end and out from the box, clear of the edge and of the next axis's ticks.
      const out = 10 + Math.abs(nx) * tw / 2 + Math.abs(ny) * 7;
      halo(name, c1[0] + dx * 8 + nx * out, c1[1] + dy * 8 + ny * out);
    });
  }

  return { place, strokeEdges, drawAxes };
}
