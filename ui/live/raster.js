// A software rasterizer for translucent surfaces: triangles of one opacity (alpha), their colours
// interpolated between their vertices, blended "over" (straight alpha) into a W × H image on an offscreen
// canvas (`canvas`, to draw elsewhere). Canvas paths would leave seams between neighbouring translucent
// triangles, and thousands of fills cost more. Per pixel it also keeps the depths of the last two
// triangles painted, so that what is drawn on top can tell how many of them cover it.

function createRaster(alpha) {
  const canvas = htmlEl("canvas");
  const ctx = canvas.getContext("2d");
  // "Over" with source opacity a/255 onto a pixel of opacity d/255 moves its colour by MIX[a << 8 | d] of
  // the way to the source and leaves opacity OVER[a << 8 | d]: tables instead of a division per pixel.
  const MIX = new Float32Array(65536), OVER = new Uint8Array(65536);
  for (let sa = 0; sa < 256; sa++)
    for (let d = 0; d < 256; d++) {
      const outA = sa / 255 + (d / 255) * (1 - sa / 255);
      MIX[(sa << 8) | d] = outA > 0 ? sa / 255 / outA : 0;
      OVER[(sa << 8) | d] = Math.round(outA * 255);
    }
  const ONE_FACE = Math.round(alpha * 255);       // a pixel's opacity where one triangle was painted
  const FACE = ONE_FACE << 8;
  let W = 0, H = 0, img = null, u8 = null, u32 = null;
  let front = null, second = null;                // per pixel: depths of the last two triangles painted
  let dirty = [0, 0, 0, 0];                       // pixels written last frame: x0, y0, x1, y1
  let bx0, by0, bx1, by1;                         // pixels written this frame: their bounding box
  // The next triangle's vertex colours: r, g, b of vertex 0, then 1, then 2.
  const rgb = new Float64Array(9);

  function resize(w, h) {
    W = w; H = h;
    canvas.width = W;
    canvas.height = H;
    img = ctx.createImageData(W, H);
    u8 = img.data;
    u32 = new Uint32Array(u8.buffer);
    front = new Float32Array(W * H);
    second = new Float32Array(W * H);
    dirty = [0, 0, W, H];
  }

  // Clears what the last frame wrote.
  function begin() {
    for (let y = dirty[1]; y < dirty[3]; y++) u32.fill(0, y * W + dirty[0], y * W + dirty[2]);
    bx0 = W; by0 = H; bx1 = -1; by1 = -1;
  }

  // Copies the pixels this frame or the last one wrote to the canvas.
  function end() {
    const ux0 = Math.min(dirty[0], bx0), uy0 = Math.min(dirty[1], by0);
    const ux1 = Math.max(dirty[2], bx1 + 1), uy1 = Math.max(dirty[3], by1 + 1);
    if (ux1 > ux0 && uy1 > uy0) ctx.putImageData(img, 0, 0, ux0, uy0, ux1 - ux0, uy1 - uy0);
    dirty = bx1 >= 0 ? [bx0, by0, bx1 + 1, by1 + 1] : [0, 0, 0, 0];
  }

  // A triangle with the colours in rgb, at one depth. Scanline fill: a pixel is painted when its centre lies
  // in [left edge, right edge) and its row's centre in [top, bottom), so triangles sharing an edge never
  // both paint (or both skip) a pixel.
  function fill(x0, y0, x1, y1, x2, y2, depth) {
    const ux = x1 - x0, uy = y1 - y0, vx = x2 - x0, vy = y2 - y0;
    const area = ux * vy - uy * vx;
    if (area === 0 || area !== area) return;
    // Colour planes c(x, y) = c0 + cx (x - x0) + cy (y - y0).
    const inv = 1 / area, r0 = rgb[0], g0 = rgb[1], b0 = rgb[2];
    const dr1 = rgb[3] - r0, dr2 = rgb[6] - r0, dg1 = rgb[4] - g0, dg2 = rgb[7] - g0, db1 = rgb[5] - b0, db2 = rgb[8] - b0;
    const rx = (dr1 * vy - dr2 * uy) * inv, ry = (dr2 * ux - dr1 * vx) * inv;
    const gx = (dg1 * vy - dg2 * uy) * inv, gy = (dg2 * ux - dg1 * vx) * inv;
    const bx = (db1 * vy - db2 * uy) * inv, by = (db2 * ux - db1 * vx) * inv;
    // Vertices by height: a on top, b in the middle, c at the bottom.
    let ax = x0, ay = y0, mx = x1, my = y1, cx = x2, cy = y2, t;
    if (my < ay) { t = ax; ax = mx; mx = t; t = ay; ay = my; my = t; }
    if (cy < ay) { t = ax; ax = cx; cx = t; t = ay; ay = cy; cy = t; }
    if (cy < my) { t = mx; mx = cx; cx = t; t = my; my = cy; cy = t; }
    const yStart = Math.max(0, Math.ceil(ay - 0.5)), yEnd = Math.min(H, Math.ceil(cy - 0.5));
    if (yStart >= yEnd) return;
    const sLong = (cx - ax) / (cy - ay), sTop = (mx - ax) / (my - ay), sBottom = (cx - mx) / (cy - my);
    if (yStart < by0) by0 = yStart;
    if (yEnd - 1 > by1) by1 = yEnd - 1;
    for (let y = yStart; y < yEnd; y++) {
      const py = y + 0.5;
      const xLong = ax + (py - ay) * sLong;
      const xShort = py < my ? ax + (py - ay) * sTop : mx + (py - my) * sBottom;
      const xs = Math.max(0, Math.ceil((xLong < xShort ? xLong : xShort) - 0.5));
      const xe = Math.min(W, Math.ceil((xLong < xShort ? xShort : xLong) - 0.5));
      if (xs >= xe) continue;
      if (xs < bx0) bx0 = xs;
      if (xe - 1 > bx1) bx1 = xe - 1;
      const dx = xs + 0.5 - x0, dy = py - y0;
      let r = r0 + rx * dx + ry * dy, g = g0 + gx * dx + gy * dy, b = b0 + bx * dx + by * dy;
      for (let o = (y * W + xs) * 4, end = (y * W + xe) * 4; o < end; o += 4, r += rx, g += gx, b += bx) {
        const p = o >> 2;
        second[p] = front[p];
        front[p] = depth;
        const m = FACE | u8[o + 3], k = MIX[m];
        u8[o] += (r - u8[o]) * k; u8[o + 1] += (g - u8[o + 1]) * k; u8[o + 2] += (b - u8[o + 2]) * k;
        u8[o + 3] = OVER[m];
      }
    }
  }

  // How many triangles (0, 1 or 2: the two painted last) lie in front of depth w at pixel (x, y).
  function facesInFront(x, y, w) {
    let faces = 0;
    if (x >= 0 && y >= 0 && x < W && y < H) {
      const p = y * W + x, a = u8[p * 4 + 3];
      if (a > 0 && front[p] > w) faces++;
      if (a > ONE_FACE && second[p] > w) faces++;
    }
    return faces;
  }

  return { canvas, rgb, resize, begin, fill, end, facesInFront };
}
