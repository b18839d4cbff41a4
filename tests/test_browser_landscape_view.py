"""The Playground's landscape view in a real browser: its map arrives after the first draw, and while a run plays
the marker moves along the drawn path with the epoch on screen, in step with the panel's "Epoch N" label; a
diverging learning rate's map is drawn too. Screenshots of both go to tests/artifacts."""

import pytest

from tests.browser_probe import FIND
from tests.conftest import wait_until_idle, wait_until_main_page_ready, whole_page_screenshot

pytestmark = pytest.mark.browser

# The marker, the path's points and the panel's label, read in one go (one animation frame).
READ = """
() => {
  const live = (FIND_FN)()[0];
  const panel = live && live.querySelector('.panel-landscape');
  const marker = panel && panel.querySelector('.landscape-map .landscape-marker');
  if (!marker || marker.dataset.epoch === undefined) return null;
  const points = panel.querySelector('.landscape-map .landscape-path').getAttribute('points').split(' ')
    .map((p) => p.split(',').map(Number));
  return {epoch: +marker.dataset.epoch, pathEpoch: +marker.dataset.pathEpoch,
          x: +marker.getAttribute('cx'), y: +marker.getAttribute('cy'), visible: marker.style.visibility !== 'hidden',
          label: panel.querySelector('.epoch-label').textContent, points,
          note: panel.querySelector('.landscape-note').textContent,
          complete: window.__mlpLiveState.store.done && points.length === window.__mlpLiveState.store.E};
}
""".replace("FIND_FN", FIND.strip())


def _marker(page) -> dict:
    """The marker once the map has come (and while views are built again after a rerun, once they are drawn)."""
    return page.wait_for_function(f"() => ({READ})()", timeout=30_000).json_value()


def _on_its_epoch(m: dict) -> None:
    """The marker stands on the path's point of the epoch on screen (every epoch of the default run is on the path),
    and the panel's label names that epoch."""
    assert m["visible"] and m["label"] == f"Epoch {m['epoch']}" and m["pathEpoch"] == m["epoch"], m
    px, py = m["points"][m["epoch"]]
    assert abs(m["x"] - px) <= 0.1 and abs(m["y"] - py) <= 0.1, (m["x"], m["y"], px, py)


def _open(browser, server, query: str = ""):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server.url + query, wait_until="domcontentloaded")
    wait_until_main_page_ready(page)
    return context, page


def _shoot(page, path) -> None:
    panel = page.locator(".panel-landscape")
    panel.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    panel.screenshot(path=str(path))


def test_the_marker_moves_along_the_path_with_the_epoch_while_playing(browser, streamlit_server, artifacts_dir):
    context, page = _open(browser, streamlit_server)
    try:
        start = _marker(page)
        assert start["epoch"] == 0
        _on_its_epoch(start)
        page.get_by_role("button", name="Train").click()
        # The run's recording completes as it starts playing (on a busy machine the first draw has fewer epochs),
        # and the map of every epoch follows.
        page.wait_for_function(f"() => {{ const r = ({READ})(); return r && r.complete && r.epoch >= 15; }}",
                               timeout=30_000)
        first = _marker(page)
        page.wait_for_timeout(700)
        second = _marker(page)
        assert second["epoch"] > first["epoch"] > 0, (first["epoch"], second["epoch"])
        for m in (first, second):
            _on_its_epoch(m)
        assert (first["x"], first["y"]) != (second["x"], second["y"])  # it moved on screen
        page.get_by_role("button", name="Pause").click()
        wait_until_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        _shoot(page, artifacts_dir / "playground-landscape-default.png")
        whole_page_screenshot(page, artifacts_dir / "playground-landscape-default-page.png")
    finally:
        context.close()


def test_a_diverging_learning_rate_draws_its_landscape(browser, streamlit_server, artifacts_dir):
    context, page = _open(browser, streamlit_server, "/?lr=10")
    try:
        m = _marker(page)
        _on_its_epoch(m)
        last = len(m["points"]) - 1
        page.get_by_role("button", name="Train").click()
        page.wait_for_function(f"() => (({READ})() || {{}}).epoch === {last}", timeout=30_000)
        _on_its_epoch(_marker(page))
        wait_until_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        _shoot(page, artifacts_dir / "playground-landscape-diverging.png")
    finally:
        context.close()
