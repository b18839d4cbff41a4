// The presenter's side of the views: Pause answered at once, the toolbar's live status line, the keyboard
// shortcuts, and the replay slider (follow, scrub, tell the server).

function hookPauseButton() {
  // Pause answers at once: a click on Streamlit's Pause button freezes the playback here, and the
  // epoch on screen travels to the server with the click, so the server pauses at the same epoch.
  if (window.__mlpPauseHook) return;
  window.__mlpPauseHook = true;
  document.addEventListener("click", (e) => {
    const live = window.__mlpLiveState;
    const tool = e.target && e.target.closest && e.target.closest(".st-key-toolbar button");
    if (live && tool && live.tellTimer) tellServer(live); // a scrub not yet told goes first: Step goes on from it
    const hit = e.target && e.target.closest && e.target.closest(".st-key-b_pause");
    if (!live || !hit || !live.playing) return;
    live.e0 = live.drawn;
    live.playing = false;
    live.dirty = true;
    live.setStateValue("paused_at", { epoch: live.drawn, at: Date.now() });
  }, true);
}

// The toolbar's status line (app_pages/0_Playground.py), written here on every frame, in the words the server
// writes it in when paused: "Epoch N · loss L · train accuracy A · test accuracy T (majority-class baseline B)".
// Always here once the views play: the browser's text replaces the server's node, which a later rerun of the page
// may then no longer reach, so the browser keeps it right.
function writeStatus(store, epoch, baseline) {
  const el = document.querySelector(".st-key-toolbar .mlp-status");
  if (!el) return;
  const at = (k) => store.series[k][epoch];
  let text = `Epoch ${epoch}`;
  if (at("loss") !== null && at("loss") !== undefined) text += ` · loss ${at("loss").toFixed(4)}`;
  if (at("accuracy") !== null && at("accuracy") !== undefined) {
    text += ` · train accuracy ${(100 * at("accuracy")).toFixed(1)}%`;
  }
  if (at("val_accuracy") !== null && at("val_accuracy") !== undefined) {
    text += ` · test accuracy ${(100 * at("val_accuracy")).toFixed(1)}%`;
    if (typeof baseline === "number") text += ` (majority-class baseline ${(100 * baseline).toFixed(1)}%)`;
  }
  if (el.textContent !== text) el.textContent = text;
}

// Keyboard shortcuts, with the focus anywhere but a text field or a slider: space trains or pauses, → steps one
// epoch and Shift+→ ten, R resets. They press the toolbar's own buttons, so they do exactly what a click does.
// While paused, ← and → scrub instead (one epoch back or on, drawn at once, as the replay slider does); → at the
// last epoch recorded presses Step, which records the next one.
const SHORTCUTS = { " ": ["b_train", "b_pause"], ArrowRight: ["b_step"], "Shift+ArrowRight": ["b_step10"],
                    r: ["b_reset"], R: ["b_reset"] };

function hookShortcuts() {
  if (window.__mlpKeysHook) return;
  window.__mlpKeysHook = true;
  document.addEventListener("keydown", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target; // inside the views' shadow root too
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable], [role=slider], [role=combobox]")) return;
    if (e.key === " " && t && t.closest && t.closest("button, a")) return; // space presses what has the focus
    const live = window.__mlpLiveState;
    if (!e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight") && live && !live.playing && live.drawn >= 0) {
      // From the epoch scrubbed to, which the next frame draws (two presses within a frame are two epochs).
      const to = Math.min(live.e0, live.store.E - 1) + (e.key === "ArrowLeft" ? -1 : 1);
      if (to >= 0 && to <= live.store.E - 1) {
        e.preventDefault();
        scrub(live, to, "soon");
        return;
      }
    }
    const keys = SHORTCUTS[(e.shiftKey && e.key === "ArrowRight" ? "Shift+" : "") + e.key];
    if (!keys) return;
    for (const key of keys) {
      const button = document.querySelector(`.st-key-${key} button`);
      if (button && !button.disabled) {
        e.preventDefault();
        button.click();
        return;
      }
    }
  });
}

// The replay slider, above the views: its value follows the epoch on screen every frame, while playing too. Dragging
// it draws the epoch under the thumb in every view at once (an epoch the browser dropped is asked for, as while
// playing, and drawn when it comes) and pauses a playing run there; on release (or a key) the server is told the
// epoch (a state value), so that its playback — the status, Step, +10, the model download — goes on from there.
function makeReplay(live, host) {
  const bar = htmlEl("div", { className: "live-replay" }, host);
  htmlEl("span", { className: "live-replay-name", textContent: "Replay" }, bar);
  const track = htmlEl("span", { className: "live-replay-track" }, bar);
  const input = htmlEl("input", { type: "range", min: 0, max: 0, step: 1, value: 0, disabled: true,
                                  title: "Drag to see every view at another recorded epoch" }, track);
  input.setAttribute("aria-label", "Replay");
  const marks = htmlEl("span", { className: "live-replay-marks" }, track);  // the epochs edited by hand
  const out = htmlEl("span", { className: "live-replay-value", textContent: "Epoch 0 of 0" }, bar);
  const edited = htmlEl("span", { className: "live-replay-edited" }, bar);
  let markKey = "";
  input.addEventListener("input", () => {
    live.scrubbing = true;
    scrub(live, Number(input.value), false);
  });
  input.addEventListener("change", () => {
    live.scrubbing = false;
    scrub(live, Number(input.value), "now");
  });
  // A mark over the slider at each epoch where a weight was changed by hand (the run's branch points), named in text.
  function placeMarks() {
    const epochs = JSON.parse(markKey || "[]"), last = Math.max(1, Number(input.max));
    marks.replaceChildren();
    for (const e of epochs) {
      const m = htmlEl("span", { className: "live-replay-mark", title: "Edited by hand at epoch " + e }, marks);
      m.style.left = `calc(8px + (100% - 16px) * ${Math.min(1, e / last)})`;
    }
    setText(edited, epochs.length ? "edited at epoch" + (epochs.length > 1 ? "s " : " ") + epochs.join(", ") : "");
  }
  return {
    input,
    mark(edits) {
      const key = JSON.stringify([...new Set(edits.map((e) => e.epoch))].sort((a, b) => a - b));
      if (key !== markKey) {
        markKey = key;
        placeMarks();
      }
    },
    follow(epoch, last) {
      if (input.max !== String(last)) {
        input.max = String(last);
        placeMarks();
      }
      if (input.disabled !== last < 1) input.disabled = last < 1;
      if (!live.scrubbing && input.value !== String(epoch)) input.value = String(epoch);
      const shown = Number(input.value), text = `Epoch ${shown} of ${last}`;
      if (out.textContent !== text) {
        out.textContent = text;
        input.setAttribute("aria-valuetext", `Epoch ${shown}`);
      }
    },
  };
}

// Show `epoch` now, paused (the next frame draws it in every view); with `tell`, the server is told too: "now", or
// "soon" — once the keys rest for a quarter of a second, so that a run of key presses costs the server one rerun,
// not one each (a click on the toolbar tells it at once, before the click).
function scrub(live, epoch, tell) {
  live.playing = false;
  live.e0 = epoch;
  live.dirty = true;
  if (tell) {
    live.told = { epoch, at: Date.now(), run: live.store.runId };
    clearTimeout(live.tellTimer);
    live.tellTimer = setTimeout(() => tellServer(live), tell === "soon" ? 250 : 0);
  }
}

// A state value, not a trigger: it goes with every rerun after it, a click's too, so a Step or a Train pressed
// before the server took it still starts from the epoch scrubbed to.
function tellServer(live) {
  clearTimeout(live.tellTimer);
  live.tellTimer = null;
  live.setStateValue("replay", live.told);
}

