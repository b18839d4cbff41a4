"""The Landscape page under Streamlit's AppTest: it draws the Playground's run on the plane of its own path, the
marker follows the epoch slider (and the Playground with it), the axes carry the shares of the variance, a diverging
run is named, a landscape over the work limit is refused with what to change, and the race names the optimizer that
separate mlp_core runs of the same settings find best."""

import dataclasses
import json

import numpy as np

from mlp_core import train
from tests.apptest import chart_array, messages, open_app, session_of

PAGE = "app_pages/5_Landscape.py"


def _landscape(at):
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _marker(spec) -> np.ndarray:
    trace = spec["data"][-1]  # the epoch's marker is the map's last trace
    return np.r_[chart_array(trace["x"]), chart_array(trace["y"])]


def _by_hand(session):
    """The plane of the run's path computed here with NumPy alone: the final weights and the first two right singular
    vectors of every epoch's offset from them, signed so that epoch 0 has negative coordinates."""
    rec = session.recording
    thetas = np.array([rec.snapshot(e).params for e in range(rec.n_epochs)])
    offsets = thetas - thetas[-1]
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    directions = vt[:2] * np.where(offsets[0] @ vt[:2].T > 0, -1.0, 1.0)[:, None]
    return thetas, directions, s[:2] ** 2 / np.sum(s**2)


def test_the_map_draws_the_run_and_the_marker_follows_the_epoch_slider_and_moves_the_playground():
    at = _landscape(open_app())
    session = session_of(at)
    assert session.recording.done  # the page recorded the default run to its end
    thetas, directions, shares = _by_hand(session)
    spec = _chart(at)
    layout = spec["layout"]
    assert f"{shares[0]:.1%} of its variance" in layout["xaxis"]["title"]["text"]
    assert f"{shares[1]:.1%} of its variance" in layout["yaxis"]["title"]["text"]
    path = spec["data"][1]
    drawn = np.c_[chart_array(path["x"]), chart_array(path["y"])]
    np.testing.assert_allclose(drawn, (thetas - thetas[-1]) @ directions.T, atol=1e-9)
    np.testing.assert_allclose(_marker(spec), (thetas[0] - thetas[-1]) @ directions.T, atol=1e-9)  # epoch 0
    at.slider(key="ls_epoch").set_value(300).run()
    assert not at.exception
    np.testing.assert_allclose(_marker(_chart(at)), (thetas[300] - thetas[-1]) @ directions.T, atol=1e-9)
    assert session_of(at).playback.epoch == 300  # the Playground shows the same epoch
    assert any(c.value.startswith("Epoch 300: the training loss of its weights is") for c in at.caption)
    assert any("Li, Xu, Taylor, Studer and Goldstein" in m.value for m in at.markdown)
    assert any("Goodfellow, Vinyals and Saxe" in m.value for m in at.markdown)
    profile = _chart(at, 1)["data"][0]
    assert len(chart_array(profile["x"])) == 61


def test_a_diverging_run_is_drawn_and_explained():
    at = _landscape(open_app({"lr": "10"}))
    final = session_of(at).recording.final
    assert final is not None and final.stop_rule == "diverged"
    assert any("This run **diverged**" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2


def test_a_landscape_over_the_work_limit_is_refused_with_what_to_change():
    at = _landscape(open_app({"hidden": "64,64,64,64,64,64", "n": "5000", "epochs": "10"}))
    refusal = [m for m in messages(at, "info") if m.startswith("No landscape")]
    assert refusal and "larger than one visitor may ask" in refusal[0] and "Use a smaller network or fewer rows" in \
        refusal[0]
    assert not at.get("plotly_chart")


def test_the_race_names_the_optimizer_that_separate_runs_find_best():
    at = _landscape(open_app())
    at.button(key="ls_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    session = session_of(at)
    base = session.experiment.train.training_config(session.experiment.network)
    d = session.data
    settings = {"gradient descent": dict(), "momentum": dict(momentum=0.9),
                "Nesterov": dict(momentum=0.9, nesterovs_momentum=True), "Adam": dict(solver="adam")}
    lowest = {}
    for name, changes in settings.items():
        losses = [s.loss for s in train(d.Z_train, d.y_train, dataclasses.replace(base, **changes), evaluate_every=0)]
        lowest[name] = min(losses)
    best = min(lowest, key=lowest.get)
    standings = next(m.value for m in at.markdown if "reached the lowest training loss" in m.value)
    assert standings.startswith(f"**{best}** reached the lowest training loss, **{lowest[best]:.4g}**")
    assert len(at.get("plotly_chart")) == 4  # the run's map and profile, the race's map and loss curves
    race_map = _chart(at, 2)
    assert {t.get("name") for t in race_map["data"]} >= set(settings)


def test_a_race_where_every_optimizer_diverges_says_so_and_still_draws_the_paths():
    at = _landscape(open_app({"lr": "10"}))
    at.button(key="ls_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    standings = next(m.value for m in at.markdown if "diverged" in m.value and m.value.startswith("**Every"))
    assert standings.startswith("**Every optimizer diverged** at this learning rate")
    assert standings.count("**diverged** in epoch") == 4
    race_map = _chart(at, 2)
    assert sum(t.get("name", "").endswith(": diverged") for t in race_map["data"]) == 4  # a cross at each end


def test_random_directions_span_the_unit_square_around_the_final_weights():
    at = _landscape(open_app())
    at.radio(key="ls_plane").set_value("random").run()
    assert not at.exception, [e.value for e in at.exception]
    spec = _chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "random direction 1 (filter-normalized)"
    grid = spec["data"][0]
    x = chart_array(grid["x"])
    assert x[0] == -1.0 and x[-1] == 1.0 and 0.0 in x
    assert any(m.value.startswith("**Random directions.**") for m in at.markdown)
    before = chart_array(spec["data"][1]["x"])
    at.number_input(key="ls_seed").set_value(3).run()
    assert not np.array_equal(chart_array(_chart(at)["data"][1]["x"]), before)  # other directions, another projection
