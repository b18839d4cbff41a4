"""Inside every neuron, in a real browser: each unit of the network graph shows its map over the slice plane (a
canvas of its own) and the maps follow the training; a dead ReLU unit is named dead — the same units `mlp_core`
finds off for every training row; a click enlarges a unit's map beside the graph; a weight edited while paused is
drawn at once and the run goes on from it exactly as `mlp_core` trains from the edited weights; + and − change the
network, the sidebar and the link."""

import dataclasses
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from mlp_core.explain import dead_units
from mlp_core.persistence import load_model
from mlp_core.training import train
from tests.browser_probe import FIND
from tests.conftest import wait_until_idle, wait_until_main_page_ready
from ui.session.data import synthetic
from ui.settings.link import from_query

pytestmark = pytest.mark.browser
LIVE = f"({FIND})()[0]"
SHOTS = Path("/work/notes/shots21")  # where the screenshots are kept, beside tests/artifacts/

# Each unit's thumbnail: its name for a screen reader and its pixels.
THUMBS = f"""() => Array.from({LIVE}.querySelectorAll('.graph-thumb')).map((c) => (
  {{ label: c.getAttribute('aria-label'), pixels: c.toDataURL() }}))"""
SLICE_P = f"() => Array.from({LIVE}.querySelector('.mlpx-slices').mlpProbe().panels[0])"


def _open(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_until_main_page_ready(page)
    return page


def _at_epoch(page, epoch: int) -> None:
    """Wait until the graph shows ``epoch`` (its label, and its thumbnails painted at it)."""
    page.wait_for_function(f"""() => {{ const live = {LIVE}; const v = live && live.querySelector('.graph-view');
        return v && v.dataset.mapsEpoch === '{epoch}' && live.dataset.epoch === '{epoch}'; }}""", timeout=30_000)
    page.wait_for_timeout(300)  # a frame more: the dead-unit check of a small network ends within its frame


def _step(page, button: str, epoch: int) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    wait_until_idle(page)
    _at_epoch(page, epoch)


def _run(query: str, epochs: int, edits=()):
    """The run of a link's settings, in Python: the data and the snapshots of epochs 0..epochs (resumable), trained
    by ``mlp_core`` alone; ``edits`` (epoch, param, value) applied to the weights at the end of their epochs, training
    going on from them."""
    exp, notices = from_query({k: v[-1] for k, v in parse_qs(query).items() if k != "edits"})
    assert not notices
    data = synthetic(exp.data)
    config = exp.train.training_config(exp.network)
    snaps, start = [], None
    while len(snaps) <= epochs:
        for snap in train(data.Z_train, data.y_train, config, resumable=lambda e: True, start=start):
            changes = [(p, v) for e, p, v in edits if e == snap.epoch]
            if changes and (start is None or snap.epoch != start.epoch):
                params = snap.params.copy()
                for p, v in changes:
                    params[p] = v
                snaps.append(dataclasses.replace(snap, params=params))
                start = snaps[-1]
                break
            if start is None or snap.epoch > start.epoch:
                snaps.append(snap)
            if len(snaps) > epochs:
                break
    return data, snaps


def test_every_unit_shows_its_map_and_the_maps_follow_the_training(app_page, artifacts_dir):
    page = app_page
    page.wait_for_function(f"() => {LIVE} && {LIVE}.dataset.epoch === '0'", timeout=30_000)
    _at_epoch(page, 0)
    before = page.evaluate(THUMBS)
    assert len(before) == 9  # 3 inputs, 3 + 2 hidden units, 1 output: each its own canvas
    names = [t["label"].split(":")[0] for t in before]
    assert names[:3] == ["input x1", "input x2", "input x3"]
    assert names[3:] == ["hidden layer 1, unit 1", "hidden layer 1, unit 2", "hidden layer 1, unit 3",
                         "hidden layer 2, unit 1", "hidden layer 2, unit 2", "output unit"]
    _step(page, "+10", 10)
    after = page.evaluate(THUMBS)
    # An input's map is its own value over the plane, whatever the weights; every other unit's changed with them.
    assert [a["pixels"] == b["pixels"] for a, b in zip(before, after, strict=True)] == [True] * 3 + [False] * 6
    assert len({t["pixels"] for t in after}) == 9  # nine different maps, none blank or alike
    legend = page.evaluate(f"() => {LIVE}.querySelector('.graph-view .view-legend').textContent")
    assert "in each unit: its output over x1 \u00D7 x2" in legend


def test_dead_units_are_named_dead_as_mlp_core_finds_them(browser, streamlit_server, artifacts_dir):
    query = "seed=36"
    page = _open(browser, streamlit_server.url + "/?" + query)
    data, snaps = _run(query, 30)
    for epoch, button in ((0, None), (10, "+10"), (20, "+10"), (30, "+10")):
        if button:
            _step(page, button, epoch)
        else:
            _at_epoch(page, 0)
        snap = snaps[epoch]
        expected = [bool(x) for layer in dead_units(snap.coefs, snap.intercepts, data.Z_train, "relu") for x in layer]
        labels = [t["label"] for t in page.evaluate(THUMBS)][3:-1]  # the hidden units
        assert ["dead" in label for label in labels] == expected, (epoch, labels)
        if epoch == 30:
            assert any(expected)  # this seed's second layer dies: the premise of the check
            words = page.evaluate(f"() => Array.from({LIVE}.querySelectorAll('.graph-svg .node-dead'))"
                                  ".filter((t) => t.style.display !== 'none').length")
            assert words == sum(expected)  # the word "dead" by each dead unit, not only a colour
            unit = 3 + expected.index(True)  # the first dead unit, after the 3 inputs: its card says why
            page.locator(f".graph-svg [data-node='{unit}']").click()
            state = page.locator(".graph-detail-state").text_content()
            assert state.startswith(f"Dead: off for every one of the {len(data.Z_train)} training rows at epoch 30")
    shutil.copy(_shot(page, "seed36-dead.png", artifacts_dir), SHOTS / "seed36-dead.png")
    page.context.close()


def test_a_click_on_a_unit_enlarges_its_map_beside_the_graph(app_page, artifacts_dir):
    page = app_page
    _step(page, "+10", 10)
    card = page.locator(".graph-detail")
    assert card.is_hidden()
    page.locator(".graph-svg [data-node='4']").click()  # hidden layer 1, unit 2
    card.wait_for(state="visible")
    assert card.locator(".graph-detail-title").text_content() == "hidden layer 1, unit 2"
    assert "black: where its pre-activation z = 0" in card.text_content()
    box, graph = card.bounding_box(), page.locator(".graph-drawing").bounding_box()
    assert box["x"] >= graph["x"] + graph["width"] - 1  # beside the graph, to its right
    size = page.evaluate(f"() => {{ const c = {LIVE}.querySelector('.graph-detail-map'); "
                         "return [c.clientWidth, c.clientHeight, c.toDataURL().length]; }")
    assert size[0] == size[1] == 200 and size[2] > 2000  # drawn: a blank canvas's data is a few hundred bytes
    # The graph laid out again beside the card: each thumbnail still inside its unit's box, centred on it.
    offsets = page.evaluate(f"""() => {{ const live = {LIVE};
        const rects = Array.from(live.querySelectorAll('.graph-svg .node rect')).map((r) => r.getBoundingClientRect());
        return Array.from(live.querySelectorAll('.graph-thumb')).map((c, i) => {{
          const t = c.getBoundingClientRect(), r = rects[i];
          return [t.left + t.width / 2 - (r.left + r.width / 2), t.top + t.height / 2 - (r.top + r.height / 2),
                  r.width - t.width]; }}); }}""")
    assert len(offsets) == 9 and all(abs(dx) < 1 and abs(dy) < 1 and 0 < room < 8 for dx, dy, room in offsets), offsets
    page.locator(".graph-detail-close").click()
    card.wait_for(state="hidden")


def _shot(page, name: str, artifacts_dir: Path) -> Path:
    page.locator(".panel-graph").scroll_into_view_if_needed()
    path = artifacts_dir / name
    page.screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    return path




def test_a_weight_edited_while_paused_is_drawn_at_once_and_the_run_goes_on_from_it(app_page, artifacts_dir):
    page = app_page
    for epoch in (10, 20, 30, 40):
        _step(page, "+10", epoch)
    before = page.evaluate(SLICE_P)
    run = page.evaluate("() => window.__mlpLiveState.store.runId")
    page.locator(".graph-svg [data-edge='0']").click(force=True)  # x1 → h1.1: W[1, 1] of layer 1, parameter 0
    card = page.locator(".graph-detail")
    card.wait_for(state="visible")
    assert card.locator(".graph-detail-title").text_content() == "weight x1 \u2192 h1.1"
    number = card.locator(".graph-edit-number")
    number.fill("2.5")
    # Drawn at once, before anything is sent: the slices with the new weight.
    page.wait_for_function(f"(p) => JSON.stringify(({SLICE_P})()) !== JSON.stringify(p)", arg=before, timeout=10_000)
    card.get_by_role("button", name="Apply").click()
    page.wait_for_function("(r) => window.__mlpLiveState.store.runId !== r", arg=run, timeout=30_000)  # a branch
    wait_until_idle(page)
    _at_epoch(page, 40)
    assert page.evaluate("() => window.__mlpLiveState.store.frames.get(40)[0]") == 2.5
    query = urlparse(page.url).query
    assert parse_qs(query)["edits"] == ["40:0:2.5"]  # the link carries the edit
    assert page.locator(".live-replay-mark").count() == 1  # the replay marks the edited epoch
    assert "edited at epoch 40" in page.locator(".live-replay").text_content()
    _step(page, "Step", 41)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the model (JSON)").click()
    model = load_model(Path(download.value.path()).read_text())
    _, snaps = _run(query, 41, edits=[(40, 0, 2.5)])
    for got, want in zip(model.estimator.coefs_ + model.estimator.intercepts_,
                         snaps[41].coefs + snaps[41].intercepts, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)  # the run went on from the edited weight
    assert not np.allclose(snaps[41].params, _run("", 41)[1][41].params)  # and the edit made a difference
    # Reset: back to the original initial weights, no edit left.
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_until_idle(page)
    page.wait_for_function("() => !new URL(location.href).searchParams.has('edits')", timeout=10_000)


def test_plus_and_minus_change_the_network_the_sidebar_and_the_link(app_page, artifacts_dir):
    page = app_page
    hidden = page.locator("[data-testid=stSidebar]").get_by_role("textbox", name="Hidden layers")

    def press(label: str, sizes: str, thumbs: int) -> None:
        page.get_by_role("button", name=label).click()
        page.wait_for_function("(s) => new URL(location.href).searchParams.get('hidden') === s", arg=sizes,
                               timeout=30_000)
        wait_until_idle(page)
        page.wait_for_function(f"(n) => {LIVE}.querySelectorAll('.graph-thumb').length === n", arg=thumbs,
                               timeout=30_000)
        assert hidden.input_value() == sizes

    press("One unit more in hidden layer 1", "4,2", 10)
    press("Add a hidden layer", "4,2,2", 12)
    press("One unit fewer in hidden layer 3", "4,2,1", 11)
    press("Remove the last hidden layer", "4,2", 10)
