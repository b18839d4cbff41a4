"""In front of a class, at 1400 × 900: the toolbar and the live status stay in view while the page scrolls to the
slices, the status follows every frame, and the keyboard drives the run."""

import re

import pytest

from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser
STATUS = ".st-key-toolbar .mlp-status"


def _status(page) -> str:
    return page.locator(STATUS).inner_text()


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }}""")


def _epochs_seen(page, seconds: float) -> list[int]:
    seen = page.evaluate(f"""async () => {{ const out = [], end = performance.now() + {seconds * 1000};
        while (performance.now() < end) {{
            out.push(document.querySelector({STATUS!r}).textContent);
            await new Promise(requestAnimationFrame); }}
        return out; }}""")
    return [int(re.match(r"Epoch (\d+) · loss \d\.\d{4} · train accuracy [\d.]+% · test accuracy [\d.]+%"
                             r" \(majority-class baseline [\d.]+%\)$", s).group(1))
            for s in seen]


def test_the_toolbar_and_a_live_status_stay_in_view_and_the_keyboard_drives_the_run(app_page, artifacts_dir):
    page = app_page
    page.locator("body").press(" ")  # space: Train
    page.get_by_role("button", name="Pause").wait_for(state="visible")
    page.locator(".st-key-b_pause button:not([disabled])").wait_for(timeout=30_000)
    page.get_by_text("Decision boundary: slices").scroll_into_view_if_needed()
    assert _in_viewport(page, ".st-key-toolbar") and _in_viewport(page, STATUS)
    epochs = _epochs_seen(page, 1.0)
    assert len(set(epochs)) >= 2 and epochs == sorted(epochs), epochs  # it follows the playback, in the page's words
    page.screenshot(path=str(artifacts_dir / "presenter-scrolled-to-slices.png"))

    page.locator("body").press(" ")  # space again: Pause
    page.locator(".st-key-b_train button:not([disabled])").wait_for(timeout=10_000)
    wait_until_idle(page)
    paused = _status(page)
    page.wait_for_timeout(500)
    assert _status(page) == paused  # held
    shown = int(re.match(r"Epoch (\d+)", paused).group(1))
    assert page.evaluate("window.mlpPlayground.epoch()") == shown

    page.locator("body").press("ArrowRight")  # → : one epoch
    page.get_by_text(re.compile(rf"^Epoch {shown + 1} · loss")).wait_for(timeout=30_000)
    page.locator("body").press("Shift+ArrowRight")  # Shift+→ : ten
    page.get_by_text(re.compile(rf"^Epoch {shown + 11} · loss")).wait_for(timeout=30_000)
    page.locator("body").press("r")  # R: back to epoch 0
    page.get_by_text(re.compile(r"^Epoch 0 · loss")).wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
