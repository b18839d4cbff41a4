"""The live dashboard in a real browser: every view animates in step, Pause holds, the math is the core's."""

import numpy as np
import pytest

from tests.browser_probe import FIND, distinct_epochs_per_second, epoch_of, live_labels, sample
from tests.conftest import wait_until_idle
from ui.session.data import synthetic
from ui.session.recording import Recording
from ui.settings.experiment import Experiment

pytestmark = pytest.mark.browser
VIEWS = {"graph", "loss", "heatmaps", "slices", "view3d", "landscape"}


def _wait_for_views(page):
    page.wait_for_function(f"() => (({FIND})()[0] || {{}}).dataset?.epoch !== undefined", timeout=30_000)


def test_training_animates_every_view_in_step_and_pause_holds(app_page, artifacts_dir):
    page = app_page
    _wait_for_views(page)
    assert set(live_labels(page)) == VIEWS
    page.screenshot(path=str(artifacts_dir / "dashboard-epoch0.png"), full_page=True)

    page.get_by_role("button", name="Train").click()
    page.wait_for_timeout(1000)
    samples = sample(page, 1.5)
    rates = distinct_epochs_per_second(samples)
    assert set(rates) == VIEWS
    assert all(rate * 1.5 >= 5 for rate in rates.values()), rates  # every view moved through epochs
    for s in samples:  # all views show the same epoch in every frame
        assert len(set(s["labels"].values())) == 1, s
        assert not s["blank"], s
    page.screenshot(path=str(artifacts_dir / "dashboard-training.png"), full_page=True)

    page.get_by_role("button", name="Pause").click()
    wait_until_idle(page)
    page.wait_for_timeout(400)
    held = live_labels(page)
    page.wait_for_timeout(1000)
    assert live_labels(page) == held
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(artifacts_dir / "dashboard-paused.png"), full_page=True)

    # The server paused too, at the very epoch the browser froze on.
    epoch = epoch_of(next(iter(held.values())))
    assert page.get_by_role("button", name="Train").is_enabled()
    assert page.get_by_text(f"Epoch {epoch} · loss").count() == 1

    # The browser's forward pass gives the core's probabilities at the paused epoch.
    exp = Experiment()
    data = synthetic(exp.data)
    run = Recording(data.Z_train, data.y_train, exp.train.training_config(exp.network), data.Z_test, data.y_test)
    run.extend(until_epoch=epoch)
    points = data.Z_test[:8]
    in_browser = page.evaluate("([e, X]) => window.mlpPlayground.predict(e, X)", [epoch, points.tolist()])
    np.testing.assert_allclose(in_browser, run.snapshot(epoch).predict_proba(points), atol=2e-5)
