// The 3-D view's camera: how the box [-1, 1]³ is turned (yaw about its vertical axis z, then pitch toward
// the viewer), which dragging (mouse or touch) and the arrow keys change and a double-click resets, and the
// projection of box coordinates onto the screen with a mild perspective. onTurn is called after each turn.

function createCamera(canvas, onTurn) {
  const YAW0 = 0.52, PITCH0 = 0.4;      // default view: from the front left, a little above
  const DISTANCE = 7;                   // from the box's centre, in box half-widths: a mild perspective
  let cY, sY, cP, sP, scale, ox, oy;

  const camera = {
    yaw: YAW0,
    pitch: PITCH0,
    distance: DISTANCE,
    cY: 1, sY: 0, cP: 1, sP: 0,           // cos and sin of yaw and pitch, as set by aim()
    aim,
    project,
    toScreen,
    eye,
  };

  // Fixes the turn for a frame and fits the box into a W × H px drawing.
  function aim(W, H) {
    cY = Math.cos(camera.yaw); sY = Math.sin(camera.yaw); cP = Math.cos(camera.pitch); sP = Math.sin(camera.pitch);
    camera.cY = cY; camera.sY = sY; camera.cP = cP; camera.sP = sP;
    scale = Math.min(W * 0.9, H) / 3.9;
    ox = W / 2; oy = H / 2;
  }

  // Writes screen x, y (CSS px) and depth (toward the viewer) into out[o..o+2].
  function project(x, y, z, out, o) {
    const x1 = x * cY - y * sY, y1 = x * sY + y * cY;
    const v = y1 * sP + z * cP, w = -y1 * cP + z * sP;
    const f = DISTANCE / (DISTANCE - w);
    out[o] = ox + scale * x1 * f;
    out[o + 1] = oy - scale * v * f;
    out[o + 2] = w;
  }

  const tmp = new Float64Array(3);
  function toScreen(p) {
    project(p[0], p[1], p[2], tmp, 0);
    return [tmp[0], tmp[1], tmp[2]];
  }

  // Where the viewer stands, in box coordinates.
  function eye() {
    return [-sY * cP * DISTANCE, -cY * cP * DISTANCE, sP * DISTANCE];
  }

  // Dragging turns the box like a globe; the pitch stops short of straight above or below.
  let drag = null;
  const turn = (dYaw, dPitch) => {
    camera.yaw += dYaw;
    camera.pitch = Math.max(-1.45, Math.min(1.45, camera.pitch + dPitch));
    onTurn();
  };
  canvas.addEventListener("pointerdown", (e) => {
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    drag.x = e.clientX; drag.y = e.clientY;
    turn(dx * 0.01, dy * 0.01);
  });
  const endDrag = (e) => { if (drag && e.pointerId === drag.id) drag = null; };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  canvas.addEventListener("dblclick", () => { camera.yaw = YAW0; camera.pitch = PITCH0; onTurn(); });
  canvas.addEventListener("keydown", (e) => {
    const step = 0.087;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!moves[e.key]) return;
    e.preventDefault();
    turn(moves[e.key][0], moves[e.key][1]);
  });

  return camera;
}
