"""A large network played in a real browser: six hidden layers of 64 units on 2,000 points.

Its run is recorded while it plays (the whole of it would not fit the memory budget), so this is the path where
the server sends only new epochs every second, the browser thins what it holds to its budget, and an epoch it
dropped is asked for again and recomputed exactly on the server from the keyframe before it.
"""

import numpy as np
import pytest

from tests.browser_probe import FIND, distinct_epochs_per_second, epoch_of, live_labels, sample
from tests.conftest import wait_until_idle
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.settings.link import from_query

pytestmark = pytest.mark.browser
LINK = {"hidden": "64,64,64,64,64,64", "n": "2000", "epochs": "5000", "stop": "epochs", "lr": "0.001"}


def _held(page, epoch: int) -> bool:
    return page.evaluate("(e) => window.__mlpLiveState.store.frames.has(e)", epoch)


@pytest.fixture
def tall_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 3200})  # every view inside: all painted
    yield context.new_page()
    context.close()


def test_a_large_network_plays_for_20_seconds_with_every_view_drawn(streamlit_server, tall_page, artifacts_dir):
    page = tall_page
    link = "&".join(f"{k}={v}" for k, v in LINK.items())
    page.goto(f"{streamlit_server.url}/?{link}", wait_until="domcontentloaded")
    wait_until_idle(page)
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch !== undefined", timeout=60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => window.mlpPlayground && window.mlpPlayground.epoch() > 0", timeout=30_000)

    last = 0
    for _stretch in range(4):  # 20 s of playing, in four stretches of 5 s
        samples = sample(page, 5)
        for s in samples:
            assert not s["blank"], s  # no view is ever empty
            assert len(s["labels"]) == 6 and len(set(s["labels"].values())) == 1, s  # all six, at one epoch
        rates = distinct_epochs_per_second(samples)
        assert min(rates.values()) * 5 >= 2, rates  # moving, stretch after stretch (how fast: bench/large_run.py;
        # a test on a busy machine can only say that it moves)
        epoch = epoch_of(samples[-1]["labels"]["graph"])
        assert epoch > last
        last = epoch
        store = page.evaluate("() => { const s = window.__mlpLiveState.store;"
                              " return {E: s.E, held: s.bytes, budget: s.budget, frames: s.frames.size}; }")
        assert store["held"] <= store["budget"], store  # the browser keeps its frames within the budget
        assert store["held"] == store["frames"] * 8 * page.evaluate("window.__mlpLiveState.store.P")
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(artifacts_dir / "large-network-playing.png"), full_page=True)

    # Once the browser has filled its budget it thins the early epochs (after about 13 s of playing at 30 epochs
    # per second; later on a busy machine); going back to one it dropped brings it from the server, recomputed from
    # a keyframe: the views land on it exactly, with the core's weights.
    page.wait_for_function("() => { const f = window.__mlpLiveState.store.frames;"
                           " for (let e = 1; e < 40; e++) if (!f.has(e)) return true; return false; }", timeout=180_000)
    page.get_by_role("button", name="Pause").click()
    wait_until_idle(page)
    dropped = [e for e in range(1, 40) if not _held(page, e)]
    assert dropped, "the browser held every early epoch: nothing was thinned"
    target = dropped[0]
    replay = page.get_by_role("slider", name="Replay")
    replay.focus()
    page.keyboard.press("Home")
    wait_until_idle(page)
    for _ in range(target):
        page.keyboard.press("ArrowRight")
    wait_until_idle(page)
    page.wait_for_function(f"() => window.mlpPlayground.epoch() === {target}", timeout=30_000)
    assert set(live_labels(page).values()) == {f"Epoch {target}"}

    exp, _ = from_query(LINK)
    data = synthetic(exp.data)
    run = Recording(data.Z_train, data.y_train, exp.train.training_config(exp.network), data.Z_test, data.y_test)
    run.extend(until_epoch=target)
    points = data.Z_test[:8]
    in_browser = page.evaluate("([e, X]) => window.mlpPlayground.predict(e, X)", [target, points.tolist()])
    np.testing.assert_allclose(in_browser, run.snapshot(target).predict_proba(points), atol=2e-5)
    page.screenshot(path=str(artifacts_dir / "large-network-replayed.png"), full_page=True)
