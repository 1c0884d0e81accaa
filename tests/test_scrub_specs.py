"""The scrubbed heatmaps of the Weights and Compare tabs: frames checked against the engine, specs validated,
and the Weights tab's choice between the browser and the server (AppTest)."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import mlp
from lab import frames, scrub
from ui import tabs

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
LARGE = mlp.Config(layers=(2, 30, 30, 2))  # 2 x (90 + 930 + 62) weight cells + 2 x 60 activations: past MAX_CELLS


@pytest.fixture(scope="module")
def question() -> mlp.Run:
    return mlp.train(mlp.Config())


@pytest.fixture(scope="module")
def normal() -> mlp.Run:
    return mlp.train(mlp.Config(init="normal"))


def sigmoid(n: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-n))


def values(df, frame: int) -> np.ndarray:
    return df[scrub.values_column(frame)].to_numpy()


def validated(spec: dict) -> dict:
    """``spec`` (a scrubbed chart: its frames are named DataFrames) checked against Vega-Lite's schema."""
    alt.Root.validate(spec | {"datasets": {name: df.to_dict("records") for name, df in spec["datasets"].items()}})
    return spec


def data(spec: dict, view: dict) -> pd.DataFrame:
    """The frame a view of ``spec`` draws."""
    return spec["datasets"][view["data"]["name"]]


def test_activation_matrices_hold_the_forward_pass(question):
    kept = [0, len(question.snapshot_iterations) - 1]
    hidden = scrub.activation_matrices(question, kept)
    assert [title for title, _ in hidden] == ["a^1", "a^2"]
    for k, s in enumerate(kept):
        W = question.weights[s]
        a1 = sigmoid(np.hstack([np.ones((2, 1)), question.inputs]) @ W[0])  # a^1 = f([1 | a^0] W^0)
        a2 = sigmoid(np.hstack([np.ones((2, 1)), a1]) @ W[1])
        for l, ((_, cells), a) in enumerate(zip(hidden, (a1, a2)), start=1):
            np.testing.assert_allclose(values(cells, k), a.ravel(), rtol=1e-12)  # observations down
            assert list(cells["to_label"][:3]) == [frames.unicode(f"a^{l}_{j}") for j in range(3)]
            assert list(cells["from_label"].unique()) == ["0", "1"]


def weights_chart(run: mlp.Run, kept: list[int]):
    matrices = [
        (title, [frames.matrix_frame(M[s][l], l) for s in kept])
        for l in range(3)
        for title, M in ((f"W^{l}", run.weights), (f"dC/dW^{l}", run.gradients))
    ]
    hidden = scrub.activation_matrices(run, kept)
    iterations = [int(run.snapshot_iterations[s]) for s in kept]
    return scrub.scrub_heatmaps(matrices, iterations, activations=hidden, activation_domain=(0.0, 1.0))


@pytest.mark.slow
def test_weights_chart_validates_and_holds_every_kept_snapshot(question):
    kept = [0, 50, len(question.snapshot_iterations) - 1]
    spec = validated(weights_chart(question, kept))
    params = {p["name"]: p for p in spec["params"]}
    assert params[scrub.FRAME]["bind"]["max"] == 2 and params[scrub.FRAME]["value"] == 2
    assert params[scrub.ITERATIONS]["value"] == [int(question.snapshot_iterations[s]) for s in kept]
    assert [len(row["hconcat"]) for row in spec["vconcat"]] == [2, 2, 2, 2]  # W^l beside dC/dW^l; a^1 beside a^2
    gradient_scale = params["largest_1"]["value"]  # dC/dW^0 at each frame
    np.testing.assert_allclose(gradient_scale, [np.abs(question.gradients[s][0]).max() for s in kept], rtol=1e-12)
    cells = data(spec, spec["vconcat"][0]["hconcat"][1])  # dC/dW^0's cells, one column per frame
    for k, s in enumerate(kept):
        np.testing.assert_allclose(values(cells, k), question.gradients[s][0].ravel(), rtol=1e-12)


def test_compare_heatmaps_line_runs_up_at_one_iteration_on_one_scale(question, normal):
    runs = {"ones": question, "normal": normal}
    iterations = scrub.shared_iterations(1000, 11)
    assert iterations == list(range(0, 1001, 100))
    pairs = [
        (
            name,
            [
                (f"W^{l}", [frames.matrix_frame(r.weights[r.snapshot_index(t)][l], l) for t in iterations])
                for l in range(3)
            ],
        )
        for name, r in runs.items()
    ]
    spec = validated(scrub.compare_heatmaps(pairs, iterations))
    assert spec["resolve"]["scale"]["color"] == "shared"
    assert [c["title"]["text"] for c in spec["hconcat"]] == ["ones", "normal"]
    largest = next(p for p in spec["params"] if p["name"] == "largest")["value"]
    expected = [max(np.abs(W).max() for r in runs.values() for W in r.weights[r.snapshot_index(t)]) for t in iterations]
    np.testing.assert_allclose(largest, expected, rtol=1e-12)
    w2 = data(spec, spec["hconcat"][1]["vconcat"][2])  # the normal run's W^2, frame k at iteration 100 k
    np.testing.assert_allclose(values(w2, 3), normal.weights[normal.snapshot_index(300)][2].ravel(), rtol=1e-12)


def test_too_many_cells_or_heatmaps_are_refused(question):
    big = [("W", [frames.matrix_frame(np.zeros((50, 41)), 0)])]
    with pytest.raises(ValueError, match="2,050 cells, more than the 2,000"):
        scrub.scrub_heatmaps(big, [0])
    with pytest.raises(ValueError, match="2,050 cells"):
        scrub.compare_heatmaps([("run", big)], [0])
    many = [(f"W^{l}", [frames.matrix_frame(np.zeros((2, 1)), l)]) for l in range(scrub.MAX_HEATMAPS + 1)]
    over = scrub.MAX_HEATMAPS + 1
    with pytest.raises(ValueError, match=f"{over} heatmaps, more than the {scrub.MAX_HEATMAPS}"):
        scrub.scrub_heatmaps(many, [0])
    with pytest.raises(ValueError, match=f"{over} heatmaps"):
        scrub.compare_heatmaps([("one", many[:6]), ("other", many[6:])], [0])
    assert scrub.too_large(scrub.MAX_HEATMAPS, scrub.MAX_CELLS) is None


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (mlp.Config(), None),
        (mlp.Config(iterations=0), ""),  # one snapshot: nothing to scrub
        (LARGE, "One iteration of these heatmaps is 2,284 cells, more than the 2,000"),
        (mlp.Config(data="circle", layers=(2, 4, 1)), "part of a large matrix or of a large data set"),
    ],
)
def test_weights_tab_scrubs_in_the_browser_while_a_frame_fits(config, reason):
    shown = range(len(config.layers) - 1)
    said = tabs.server_scrub_reason(config, shown, tabs.heatmap_side(2 * len(shown)))
    assert said == reason if not reason else said.startswith(reason) or reason in said


def open_weights(at: AppTest) -> AppTest:
    at.session_state["tab"] = "Weights"
    at.query_params["tab"] = "Weights"
    at.run()
    assert not at.exception
    return at


def test_weights_tab_is_one_playable_chart_for_the_question():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    open_weights(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 and not at.select_slider
    spec = charts[0].proto.spec
    assert '"throttle"' in spec and '"name": "frame"' in spec.replace('":"', '": "')
    assert any("scrubbing and playing happen in your browser" in c.value for c in at.caption)


def test_weights_tab_falls_back_to_the_server_past_the_cell_limit():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["layers"] = "2,30,30,2"
    at.run()
    open_weights(at)
    assert len(at.get("vega_lite_chart")) == 7  # W^0..W^2, their gradients, the hidden activations
    assert at.select_slider(key="weights_iteration").value == 1000
    assert any(c.value.startswith("One iteration of these heatmaps is 2,284 cells") for c in at.caption)


def test_the_workarounds_benchmark_times_a_chart_compare_draws():
    """`python -m benchmarks.workarounds` times Compare's scrubbed chart of its most runs (it once asked for five)."""
    from benchmarks.workarounds import scrub_costs

    costs = scrub_costs()
    assert list(costs) == ["12 heatmaps built in Altair", "the chart assembled from templates"]
    assert all(ms > 0 for ms in costs.values())
