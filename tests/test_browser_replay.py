"""The replay slider in a real browser: it follows the epoch on screen while playing, a drag redraws every view at
the epoch under the thumb before it is let go (and pauses there), an epoch the browser dropped is fetched and
drawn, ← / → scrub while paused; and the views stay where they are while notices come and go."""

import re

import pytest

from tests.browser_probe import FIND
from tests.conftest import wait_until_idle, wait_until_main_page_ready

pytestmark = pytest.mark.browser
STATUS = ".st-key-toolbar .mlp-status"

# Everything that says which epoch is on screen, read in one go: the replay slider's value, the status line's epoch
# and every view's "Epoch N" label.
SHOWN_NOW = """() => {
  const live = (FIND_FN)()[0];
  const slider = live.querySelector('.live-replay input[type=range]');
  const status = document.querySelector(STATUS_SEL).textContent;
  const labels = {};
  for (const el of live.querySelectorAll('.epoch-label')) labels[el.dataset.view] = el.textContent;
  return {slider: Number(slider.value), status, labels};
}""".replace("FIND_FN", FIND.strip()).replace("STATUS_SEL", repr(STATUS))
# The same in an animation frame, after the views' own (registered earlier): one frame's state, whole.
SHOWN = f"() => new Promise((resolve) => requestAnimationFrame(() => resolve(({SHOWN_NOW})())))"

# Move the slider's thumb as a drag does: its value, then an "input" event; "change" only with let_go (release).
DRAG = """([v, letGo]) => {
  const live = (FIND_FN)()[0];
  const slider = live.querySelector('.live-replay input[type=range]');
  slider.value = String(v);
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  if (letGo) slider.dispatchEvent(new Event('change', {bubbles: true}));
}""".replace("FIND_FN", FIND.strip())

FIRST_VIEW_TOP = """() => (FIND_FN)()[0].querySelector('.panel').getBoundingClientRect().top""".replace(
    "FIND_FN", FIND.strip())


def _epoch(text: str) -> int:
    return int(re.match(r"Epoch (\d+)", text).group(1))


def _every_view_at(page, epoch: int, timeout: float = 10_000) -> None:
    """Wait until every view's label (and the status) reads ``epoch``."""
    page.wait_for_function(f"""() => {{ const s = ({SHOWN_NOW})();  // polled in animation frames
        return Object.keys(s.labels).length >= 4 && Object.values(s.labels).every((l) => l === 'Epoch {epoch}')
            && s.status.startsWith('Epoch {epoch} ·'); }}""", timeout=timeout)


def test_the_replay_slider_follows_the_playback_and_scrubs_every_view_live(app_page, artifacts_dir):
    page = app_page
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(".st-key-b_pause button:not([disabled])").wait_for(timeout=30_000)
    slider = page.get_by_role("slider", name="Replay")
    assert slider.is_enabled()  # it keeps its name, and can be used, while playing
    # The server's "Training, …" until the browser's first frame of the run (the run is recorded meanwhile).
    page.wait_for_function(f"() => document.querySelector({STATUS!r}).textContent.startsWith('Epoch')")

    # While playing: the slider's value is the epoch every view and the status show, frame after frame.
    seen = []
    for _ in range(8):
        page.wait_for_timeout(120)
        shown = page.evaluate(SHOWN)
        assert set(shown["labels"].values()) == {f"Epoch {shown['slider']}"}, shown
        assert _epoch(shown["status"]) == shown["slider"], shown
        seen.append(shown["slider"])
    assert len(set(seen)) >= 4 and seen == sorted(seen), seen  # it moved with the playback

    # A drag while playing: every view redraws at the thumb's epoch before the release, and the playback holds.
    for target in (5, 2, 9):
        page.evaluate(DRAG, [target, False])
        _every_view_at(page, target)
    page.wait_for_timeout(400)
    held = page.evaluate(SHOWN)
    assert set(held["labels"].values()) == {"Epoch 9"} and held["slider"] == 9
    page.screenshot(path=str(artifacts_dir / "replay-scrubbing.png"))

    # Let go: the server pauses there (Train comes back), and Step goes on from the epoch on screen.
    page.evaluate(DRAG, [6, True])
    page.locator(".st-key-b_train button:not([disabled])").wait_for(timeout=30_000)
    wait_until_idle(page)
    _every_view_at(page, 6)
    assert "majority-class baseline" in page.locator(STATUS).inner_text()  # the server's own status, at 6
    page.get_by_role("button", name="Step", exact=True).click()
    wait_until_idle(page)
    _every_view_at(page, 7, timeout=30_000)
    wait_until_idle(page)

    # ← / → while paused scrub one epoch, at once, and the server follows (Step from there).
    page.locator("body").press("ArrowLeft")
    _every_view_at(page, 6)
    page.locator("body").press("ArrowLeft")
    page.locator("body").press("ArrowLeft")
    _every_view_at(page, 4)
    page.locator("body").press("ArrowRight")
    _every_view_at(page, 5)
    wait_until_idle(page)
    page.get_by_role("button", name="+10", exact=True).click()
    wait_until_idle(page)
    _every_view_at(page, 15, timeout=30_000)
    assert page.evaluate(SHOWN)["slider"] == 15
    assert page.locator("[data-testid=stException]").count() == 0


def test_an_epoch_the_browser_dropped_is_fetched_when_scrubbed_to(app_page):
    page = app_page
    page.get_by_role("button", name="+10", exact=True).click()
    wait_until_idle(page)
    page.get_by_role("button", name="+10", exact=True).click()
    wait_until_idle(page)
    _every_view_at(page, 20, timeout=30_000)
    # Drop epochs 3 to 8 as the budget would (store.js thinFrames): the browser no longer holds them.
    page.evaluate("""() => { const s = window.__mlpLiveState.store;
        for (let e = 3; e <= 8; e++) if (s.frames.delete(e)) s.bytes -= 8 * s.P; }""")
    page.evaluate(DRAG, [6, False])
    page.wait_for_function("() => window.__mlpLiveState.store.frames.has(6)", timeout=30_000)  # asked for, and sent
    _every_view_at(page, 6, timeout=30_000)  # drawn exactly, not the nearest epoch held before it


def test_notices_come_and_go_without_moving_the_views(browser, streamlit_server, artifacts_dir):
    # At learning rate 3 the network dies within a few epochs: the run ends with messages about it.
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(streamlit_server.url + "/?lr=3", wait_until="domcontentloaded")
        wait_until_main_page_ready(page)
        page.wait_for_function(f"() => ({FIND})().length > 0 && ({FIND})()[0].querySelector('.panel')")
        before = page.evaluate(FIRST_VIEW_TOP)
        page.get_by_role("button", name="Train", exact=True).click()
        page.locator(".st-key-b_pause button:not([disabled])").wait_for(timeout=30_000)
        playing = page.evaluate(FIRST_VIEW_TOP)
        page.locator(".st-key-b_train button:not([disabled])").wait_for(timeout=60_000)  # played to its end
        wait_until_idle(page)
        notes = page.locator(".st-key-notices [data-testid=stAlert]")
        assert "learning rate" in " ".join(notes.all_inner_texts()).lower(), notes.all_inner_texts()
        ended = page.evaluate(FIRST_VIEW_TOP)
        page.screenshot(path=str(artifacts_dir / "notices-after-a-dead-run.png"))
        page.get_by_role("button", name="Reset", exact=True).click()
        wait_until_idle(page)
        notes.filter(has_text="back to the same initial weights").wait_for()  # "Reset:" has a word joiner
        reset = page.evaluate(FIRST_VIEW_TOP)
        assert before == playing == ended == reset, (before, playing, ended, reset)
    finally:
        context.close()
