"""lab.neurons and lab.scrub: frames checked against the engine and numpy, specs read back with ``to_dict()``."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_scrub_specs import validated

import mlp
from lab import charts, frames, neurons, scrub
from mlp import clone_groups

ROOT = Path(__file__).resolve().parents[1]


def build(run: mlp.Run) -> neurons.NeuronFrames:
    snapshots = neurons.kept_snapshots(run)
    return neurons.neuron_frames(run, snapshots, [clone_groups(run.weights[s]) for s in snapshots])


def per_frame(df: pd.DataFrame, prefix: str) -> np.ndarray:
    """The columns ``<prefix>0 ..`` as ``(rows, K)``, in frame order."""
    columns = sorted((c for c in df.columns if re.fullmatch(rf"{prefix}\d+", c)), key=lambda c: int(c[len(prefix) :]))
    return df[columns].to_numpy()


def views(spec: dict) -> list[dict]:
    """Every single view of a spec, however layered or concatenated."""
    children = [c for key in ("layer", "hconcat", "vconcat") for c in spec.get(key, [])]
    return ([spec] if "mark" in spec else []) + [v for child in children for v in views(child)]


def data_rows(spec: dict) -> int:
    """Rows of every data set a spec holds (named DataFrames, as Streamlit gets them)."""
    return sum(len(d) for d in spec["datasets"].values())


@pytest.fixture(scope="module")
def question(default_run):
    return build(default_run)


@pytest.fixture(scope="module")
def normal(normal_run):
    return build(normal_run)


@pytest.fixture(scope="module", params=["question", "normal"])
def case(request, question, normal, default_run, normal_run):
    """(frames, run) of the question's run and of a normal start."""
    return {"question": (question, default_run), "normal": (normal, normal_run)}[request.param]


@pytest.fixture(scope="module")
def xor_clones():
    return mlp.train(mlp.Config(data="xor", layers=(2, 4, 1), iterations=2000))


# What is drawn.


def test_layout_draws_every_layer_and_neuron_of_a_small_network():
    lay = neurons.layout((2, 3, 3, 2))
    assert lay.drawn == (0, 1, 2, 3) and lay.gap is None
    assert [lay.shown(l) for l in lay.drawn] == [2, 3, 3, 2]
    assert lay.pairs == [0, 1, 2]


def test_layout_of_a_deep_wide_network_is_bounded():
    layers = (2,) + (256,) * 30 + (1,)
    lay = neurons.layout(layers)
    assert len(lay.drawn) == neurons.MAX_LAYERS - 1  # one column is the gap
    assert lay.drawn[0] == 0 and lay.drawn[-1] == 31
    assert lay.drawn[lay.gap] - lay.drawn[lay.gap - 1] - 1 == 31 + 1 - len(lay.drawn)  # the left-out layers
    assert max(lay.shown(l) for l in lay.drawn) == neurons.MAX_NODES
    assert lay.left_out(1) == 256 - neurons.MAX_NODES
    assert all(l + 1 in lay.drawn for l in lay.pairs)


def test_neuron_names_in_the_learners_notation():
    assert neurons.neuron_name(1, 2) == "a¹₂"
    assert neurons.neuron_name(12, 30) == "a¹²₃₀"
    assert neurons.neuron_name(0) == "a⁰"


def test_kept_snapshots_are_evenly_spaced_with_first_and_last(default_run):
    kept = neurons.kept_snapshots(default_run)
    assert kept[0] == 0 and kept[-1] == len(default_run.snapshot_iterations) - 1
    assert len(kept) == min(scrub.MAX_FRAMES, len(default_run.snapshot_iterations))
    assert np.all(np.diff(kept) > 0)
    np.testing.assert_allclose(np.diff(kept), np.diff(kept).mean(), atol=1)


def test_kept_frames_fit_the_values_limit():
    assert len(scrub.kept_frames(1000, 10_000)) == scrub.MAX_VALUES // 10_000
    assert list(scrub.kept_frames(1000, 10**9)) == [0, 999]  # never fewer than the first and the last
    assert list(scrub.kept_frames(1, 50)) == [0]


# Frames against the engine.


def test_node_biases_are_row_0_of_the_incoming_matrix(case):
    f, run = case
    snapshots = neurons.kept_snapshots(run)
    bias = per_frame(f.nodes, "b")
    for row, (l, j) in enumerate(zip(f.nodes["layer"], f.nodes["neuron"])):
        expected = [run.weights[s][l - 1][0, j] for s in snapshots] if l > 0 else [np.nan] * len(snapshots)
        np.testing.assert_allclose(bias[row].astype(float), expected, rtol=0, atol=0)


def test_edge_weights_are_the_matrix_entries(case):
    f, run = case
    snapshots = neurons.kept_snapshots(run)
    weights = per_frame(f.edges, "w")
    assert len(f.edges) == 2 * 3 + 3 * 3 + 3 * 2  # every edge of 2-3-3-2
    for k, edge in f.edges.iterrows():
        expected = [run.weights[s][edge["layer"]][edge["row"], edge["col"]] for s in snapshots]
        np.testing.assert_allclose(weights[k].astype(float), expected, rtol=0, atol=0)
        # row 1 + i of W^l goes from a^l_i, column j to a^{l+1}_j
        assert edge["source"] == neurons.neuron_name(edge["layer"], edge["row"] - 1)
        assert edge["target"] == neurons.neuron_name(edge["layer"] + 1, edge["col"])


def test_thumbnail_cells_are_the_activations_over_the_grid(case):
    f, run = case
    snapshots = neurons.kept_snapshots(run)
    d = f.layout.resolution
    _, _, grid = neurons.input_grid(run.inputs, d)
    values = per_frame(f.cells, "v")
    for k in (0, len(snapshots) // 2, len(snapshots) - 1):
        a = mlp.activations(run.config.architecture, run.weights[snapshots[k]], grid)
        for (l, j), cells in f.cells.groupby(["layer", "neuron"]):
            np.testing.assert_allclose(values[cells.index, k].astype(float), a[l][:, j], rtol=0, atol=0)
    assert f.cells.groupby(["layer", "neuron"]).ngroups == 3 + 3 + 2
    assert len(f.cells) == 8 * d**2


def test_question_thumbnails_at_iteration_0_are_the_all_ones_sigmoid(question, default_run):
    """At iteration 0 every weight is 1: a^1_0 at the grid's top-right corner is sigmoid(1 + x1 + x2) there."""
    x1, x2, _ = neurons.input_grid(default_run.inputs, question.layout.resolution)
    assert x1[-1] > 0.8 > x1[0] and x2[-1] > 0.4 > x2[0]
    cells = question.cells[(question.cells["layer"] == 1) & (question.cells["neuron"] == 0)]
    top_right = cells.loc[(cells["x"] + cells["y"] * -1).idxmax(), "v0"]  # largest x1, largest x2
    w = np.ones((3, 3))
    expected = 1 / (1 + np.exp(-np.array([1, x1[-1], x2[-1]]) @ w[:, 0]))
    np.testing.assert_allclose(top_right, expected, rtol=1e-12)


def test_costs_and_iterations_per_frame(question, default_run):
    snapshots = neurons.kept_snapshots(default_run)
    assert question.iterations == [int(default_run.snapshot_iterations[s]) for s in snapshots]
    np.testing.assert_allclose(question.costs, default_run.loss_history[question.iterations], rtol=0, atol=0)


# Clone groups.


def test_clone_names():
    assert neurons.clone_names(np.array([0, 0, 0]), 1) == ["a¹₀ = a¹₁ = a¹₂"] * 3
    assert neurons.clone_names(np.array([0, 1, 0]), 2) == ["a²₀ = a²₂", "", "a²₀ = a²₂"]
    assert neurons.clone_names(np.array([5]), 1) == [""]
    assert neurons.clone_names(np.zeros(256, dtype=int), 3)[0] == "a³₀ = a³₁ = … (256 neurons)"


def test_question_run_has_one_clone_group_per_hidden_layer(question):
    clones = per_frame(question.nodes, "c")
    hidden = question.nodes["layer"].isin([1, 2]).to_numpy()
    assert (clones[~hidden] == "").all()
    for l, name in ((1, "a¹₀ = a¹₁ = a¹₂"), (2, "a²₀ = a²₁ = a²₂")):
        assert (clones[(question.nodes["layer"] == l).to_numpy()] == name).all()
    assert (per_frame(question.boxes, "c")[question.boxes["layer"].isin([1, 2]).to_numpy()] != "").all()


def test_normal_start_has_no_clones(normal):
    assert (per_frame(normal.nodes, "c") == "").all() and (per_frame(normal.boxes, "c") == "").all()


def _ring_scales(spec: dict) -> list[dict]:
    return [v["encoding"]["stroke"]["scale"] for v in views(spec) if "stroke" in v.get("encoding", {})]


@pytest.mark.slow
def test_clone_ring_colours_are_one_per_group_and_the_same_in_graph_and_thumbnails(question):
    spec = neurons.neurons_chart(question).to_dict()
    scales = _ring_scales(spec)
    assert len(scales) == 2  # graph rings, thumbnail rings
    assert scales[0] == scales[1]
    colour = dict(zip(scales[0]["domain"], scales[0]["range"]))
    groups = ["a¹₀ = a¹₁ = a¹₂", "a²₀ = a²₁ = a²₂"]
    assert set(colour) == {*groups, ""}
    assert colour[groups[0]] != colour[groups[1]] and colour[""] == neurons.ALONE
    assert all(colour[g] in neurons.CLONE_COLOURS for g in groups)
    legend = next(s["legend"] for s in (v["encoding"].get("stroke", {}) for v in views(spec)) if s.get("legend"))
    assert legend["title"] == "clones of each other" and legend["values"] == groups


def test_xor_clones_share_one_colour_at_every_frame(xor_clones):
    f = build(xor_clones)
    clones = per_frame(f.nodes, "c")[(f.nodes["layer"] == 1).to_numpy()]
    assert (clones == "a¹₀ = a¹₁ = … (4 neurons)").all()


# Specs.


@pytest.mark.parametrize("name", ["question", "normal"])
@pytest.mark.slow
def test_neurons_chart_validates_and_binds_one_range_and_play(name, request):
    spec = neurons.neurons_chart(request.getfixturevalue(name)).to_dict()  # validates against Vega-Lite's schema
    params = {p["name"]: p for p in spec["params"]}
    assert params[scrub.FRAME]["bind"] == {"input": "range", "min": 0, "max": 99, "step": 1, "name": "snapshot "}
    assert params[scrub.FRAME]["value"] == 99  # the last snapshot first
    assert params[scrub.PLAY]["bind"]["input"] == "checkbox" and params[scrub.PLAY]["value"] is False
    assert len(spec["vconcat"]) == 2
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas" and spec["config"]["aria"] is False


def test_playable_adds_a_timer_that_advances_the_frame(question):
    spec = charts.spec(neurons.neurons_chart(question))
    played = scrub.playable(spec)
    frame = next(p for p in played["params"] if p["name"] == scrub.FRAME)
    assert frame["on"] == [
        {"events": {"type": "timer", "throttle": scrub.frame_ms(100)}, "update": "play ? (frame + 1) % 100 : frame"}
    ]
    assert "on" not in next(p for p in spec["params"] if p["name"] == scrub.FRAME)  # the input is not changed
    assert scrub.FRAME_MS[0] <= scrub.frame_ms(100) <= scrub.FRAME_MS[1]
    with pytest.raises(ValueError, match="no 'frame' parameter"):
        scrub.playable({"params": []})


def test_three_inputs_have_no_thumbnails_and_still_a_graph():
    run = mlp.train(mlp.Config(data="custom", inputs=((0, 0, 1), (1, 0, 0)), targets=((1,), (0,)), layers=(3, 4, 1)))
    f = build(run)
    assert f.cells is None and f.boxes is None
    assert f.reason == neurons.no_thumbnails(run)
    assert f.reason.endswith("the plane of two inputs, and this data has 3 input columns.")
    spec = neurons.neurons_chart(f).to_dict()
    assert len(spec["vconcat"]) == 1
    assert len(f.nodes) == 3 + 4 + 1


def test_a_network_without_hidden_layers():
    f = build(mlp.train(mlp.Config(data="xor", layers=(2, 1), iterations=10)))
    assert len(f.nodes) == 3 and len(f.edges) == 2
    assert f.cells.groupby(["layer", "neuron"]).ngroups == 1
    neurons.neurons_chart(f).to_dict()


@pytest.mark.parametrize("layers", [(2, 256, 256, 1), (2,) + (8,) * 30 + (1,)], ids=["256 wide", "32 deep"])
@pytest.mark.slow
def test_wide_and_deep_networks_stay_within_the_caps(layers):
    run = mlp.train(mlp.Config(data="circle", layers=layers, init="normal", iterations=20, snapshots=21))
    f = build(run)
    spec = charts.spec(neurons.neurons_chart(f))
    lay = f.layout
    assert len(f.nodes) <= neurons.MAX_LAYERS * neurons.MAX_NODES
    assert len(f.edges) <= len(lay.pairs) * neurons.MAX_EDGES
    assert f.boxes is not None and len(f.boxes) <= (neurons.MAX_LAYERS - 1) * neurons.MAX_NODES
    assert len(f.cells) <= neurons.MAX_CELLS * 1.25  # the resolution is a whole number of cells
    assert len(f.iterations) * lay.per_frame(True) <= scrub.MAX_VALUES
    assert data_rows(spec) < 5_000
    texts = list(f.notes["text"]) + list(f.grid_notes["text"])
    if layers[1] == 256:
        assert texts.count("… 248 more") == 2 + 2  # under both hidden columns and beside both thumbnail rows
        assert "32 largest |w| of 65,536" in texts  # W^1: 256 x 256 weights
        assert "32 largest |w| of 512" not in texts  # W^0: 2 x 8 drawn, all of them
    else:
        assert "⋯ 25 more layers ⋯" in texts and "⋯ 25 more layers" in texts  # graph, thumbnails


# The update of one step, with clones marked.


def test_gd_update_is_w_minus_lr_times_the_gradient(default_run):
    for s in (0, 100, len(default_run.snapshot_iterations) - 1):
        update = neurons.update_frames(default_run, s, clone_groups(default_run.weights[s]))
        assert update.optimizer == "gd" and update.learning_rate == 0.5
        for l, df in enumerate(update.frames):
            W, G = default_run.weights[s][l], default_run.gradients[s][l]
            np.testing.assert_array_equal(df["weight"], W.ravel())
            np.testing.assert_array_equal(df["gradient"], G.ravel())
            np.testing.assert_array_equal(df["step"], (-0.5 * G).ravel())
            np.testing.assert_array_equal(df["new"], (W - 0.5 * G).ravel())


def test_gd_update_is_the_next_iterations_weights():
    run = mlp.train(mlp.Config(iterations=5, snapshots=6))
    update = neurons.update_frames(run, 2, clone_groups(run.weights[2]))
    for l, df in enumerate(update.frames):
        np.testing.assert_allclose(df["new"], run.weights[3][l].ravel(), rtol=0, atol=1e-15)


def test_question_update_at_iteration_0_from_the_printed_gradient(default_run):
    """The question's dC/dW^2 at iteration 0 (shared/seed/): rows 1..3 hold 0.028122 and 0.0580562."""
    update = neurons.update_frames(default_run, 0, clone_groups(default_run.weights[0]))
    W2 = update.frames[2]
    gradient = W2.pivot(index="row", columns="col", values="gradient").to_numpy()
    np.testing.assert_allclose(gradient[1:], [[0.028122, 0.0580562]] * 3, atol=5e-7)
    np.testing.assert_allclose(W2["new"], 1 - 0.5 * W2["gradient"], rtol=0, atol=0)


def test_clone_columns_are_equal_in_weight_gradient_and_new(default_run):
    s = len(default_run.snapshot_iterations) // 2
    update = neurons.update_frames(default_run, s, clone_groups(default_run.weights[s]))
    for l in (0, 1):  # W^0 and W^1 go into the hidden layers 1 and 2
        df = update.frames[l]
        assert df["to_clones"].nunique() == 1 and df["to_clones"].iloc[0] == f"a{'¹²'[l]}₀ = a{'¹²'[l]}₁ = a{'¹²'[l]}₂"
        for value in ("weight", "gradient", "step", "new"):
            table = df.pivot(index="row", columns="col", values=value).to_numpy()
            np.testing.assert_array_equal(table, table[:, :1].repeat(table.shape[1], axis=1))
    assert (update.frames[2]["to_clones"] == "").all()  # outputs are not clones
    assert (update.frames[2].loc[update.frames[2]["row"] > 0, "from_clones"] != "").all()
    assert (update.frames[0]["from_clones"] == "").all()  # inputs are not clones


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_other_optimizers_show_the_step_actually_taken(optimizer):
    adjacent = mlp.train(mlp.Config(optimizer=optimizer, lr=0.1, iterations=6, snapshots=7))
    spaced = mlp.train(mlp.Config(optimizer=optimizer, lr=0.1, iterations=6, snapshots=3))  # 0, 3, 6
    for run, s, after in ((adjacent, 3, 4), (spaced, 0, 1), (adjacent, 0, 1)):  # the next one kept, or iteration 0
        update = neurons.update_frames(run, s, clone_groups(run.weights[s]))
        assert "not lr times the gradient" in update.rule and "Shown: the step actually taken" in update.rule
        first_momentum = optimizer == "momentum" and s == 0  # v = dC/dW at the first step: lr times the gradient
        nxt = mlp.train(mlp.Config(optimizer=optimizer, lr=0.1, iterations=after)).final_weights
        for l, df in enumerate(update.frames):
            assert np.array_equal(df["new"], nxt[l].ravel())  # the step training took, to the bit
            np.testing.assert_allclose(df["step"], (nxt[l] - run.weights[s][l]).ravel(), rtol=0, atol=1e-15)
            assert np.allclose(df["step"], -0.1 * df["gradient"]) == first_momentum
    update = neurons.update_frames(spaced, 1, clone_groups(spaced.weights[1]))  # iteration 3: 4 is not kept
    assert "shown at iteration 0 and just before a kept iteration only" in update.rule
    assert all(df["new"].isna().all() for df in update.frames)


def test_update_frames_keep_the_matrix_frame_labels(default_run):
    update = neurons.update_frames(default_run, 0, clone_groups(default_run.weights[0]))
    expected = frames.matrix_frame(default_run.weights[0][1], 1)
    pd.testing.assert_frame_equal(
        update.frames[1][["row", "col", "from_label", "to_label"]], expected[["row", "col", "from_label", "to_label"]]
    )


# Heatmaps that follow the frame (for the Weights tab).


@pytest.mark.slow
def test_scrub_heatmaps_hold_every_frame_and_its_own_colour_range(default_run):
    kept = scrub.kept_frames(len(default_run.snapshot_iterations), 42, max_frames=12)
    matrices = [
        pair
        for l in range(3)
        for pair in (
            (f"W^{l}", [frames.matrix_frame(default_run.weights[s][l], l) for s in kept]),
            (f"dC/dW^{l}", [frames.matrix_frame(default_run.gradients[s][l], l) for s in kept]),
        )
    ]
    spec = validated(scrub.scrub_heatmaps(matrices, [int(default_run.snapshot_iterations[s]) for s in kept]))
    params = {p["name"]: p for p in spec["params"]}
    assert params[scrub.FRAME]["bind"]["max"] == len(kept) - 1
    largest = params["largest_1"]["value"]  # dC/dW^0, per frame
    np.testing.assert_allclose(largest, [np.abs(default_run.gradients[s][0]).max() for s in kept], rtol=0, atol=0)
    assert len(spec["vconcat"]) == 3 and all(len(row["hconcat"]) == 2 for row in spec["vconcat"])
    w0 = spec["vconcat"][0]["hconcat"][0]
    assert w0["title"] == "W⁰"
    cells = spec["datasets"][w0["data"]["name"]]
    np.testing.assert_array_equal(per_frame(cells, "v")[:, -1], default_run.weights[kept[-1]][0].ravel())
    color = w0["layer"][0]["encoding"]["color"]["condition"]
    assert (
        color["scale"]["domain"] == {"expr": "[-largest_0[frame], largest_0[frame]]"}
        and color["scale"]["domainMid"] == 0
    )
    # The legend writes the scale's ends, the largest |w| of the frame on screen (1.07, not a round 1 inside).
    assert color["legend"]["values"] == {"expr": "[-largest_0[frame], 0, largest_0[frame]]"}


def test_wide_refuses_frames_of_different_matrices():
    a, b = frames.matrix_frame(np.zeros((2, 2)), 0), frames.matrix_frame(np.zeros((3, 2)), 0)
    with pytest.raises(ValueError, match="do not share"):
        scrub.wide([a, b], ["row", "col"], "value")


@pytest.mark.slow
def test_update_chart_rings_each_clone_column_in_the_neurons_views_colour(default_run, question):
    update = neurons.update_frames(default_run, 0, clone_groups(default_run.weights[0]))
    graph = neurons.neurons_chart(question).to_dict()
    ring_colour = dict(zip(*(_ring_scales(graph)[0][k] for k in ("domain", "range"))))
    for l, group in ((0, "a¹₀ = a¹₁ = a¹₂"), (1, "a²₀ = a²₁ = a²₂")):
        spec = neurons.update_chart(update, l).to_dict()  # validates
        titles = [frames.unicode(t) for t in (f"W^{l}", f"- lr dC/dW^{l}", f"new W^{l}")]
        assert [m["layer"][0]["title"] for m in spec["hconcat"]] == titles
        bands = [m["layer"][1] for m in spec["hconcat"]]
        assert all(pd.DataFrame(spec["datasets"][b["data"]["name"]])["clones"].eq(group).all() for b in bands)
        assert all(len(spec["datasets"][b["data"]["name"]]) == 3 for b in bands)  # the three clone columns
        scale = bands[0]["encoding"]["stroke"]["scale"]
        assert dict(zip(scale["domain"], scale["range"]))[group] == ring_colour[group]
        assert bands[-1]["encoding"]["stroke"]["legend"]["values"] == [group]
    output = neurons.update_chart(update, 2).to_dict()  # W^2's columns go to the outputs: no clones, no bands
    assert all("mark" in part for m in output["hconcat"] for part in m["layer"])  # the heatmaps alone
    assert not any(v["mark"].get("filled") is False for v in views(output))


def test_scrub_heatmap_labels_are_the_shorter_form():
    """Cells and legend are written by one Vega expression (tests/test_scrub.py reads what it writes in a browser)."""
    assert "'.3~g'" in scrub.SHORT and "'.2~e'" in scrub.SHORT
    W = frames.matrix_frame(np.array([[0.599, -0.000125]]), 0)
    spec = validated(scrub.scrub_heatmaps([("W", [W, W])], [0, 1]))
    text = next(v for v in views(spec) if v["mark"]["type"] == "text")
    assert text["transform"][-1] == {"calculate": scrub.SHORT, "as": "label"}
    legend = next(v for v in views(spec) if v["mark"]["type"] == "rect")["encoding"]["color"]["condition"]["legend"]
    assert legend["labelExpr"] == scrub.SHORT


def test_scrub_heatmaps_refuse_more_cells_than_a_frame_may_redraw():
    big = frames.matrix_frame(np.zeros((1 + 64, 64)), 1)
    with pytest.raises(ValueError, match="more than the 2,000 a frame may redraw"):
        scrub.scrub_heatmaps([("W^1", [big, big])], [0, 1])


# The tab, headless.

APP = str(ROOT / "dashboard.py")


def neurons_tab(**settings) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    for name, value in settings.items():
        at.session_state[name] = value
    at.session_state["tab"] = "Neurons"
    return at.run()


def test_neurons_tab_says_what_the_chart_holds(default_run):
    at = neurons_tab()
    assert not at.exception and not at.error
    captions = [c.value for c in at.caption]
    assert scrub.holding_sentence(100, 200) + " Move the snapshot slider under the chart, or tick play." in captions
    assert scrub.holding_sentence(100, 200).startswith("The chart holds 100 of the run's 200 snapshots, evenly spaced")
    assert len(neurons.kept_snapshots(default_run)) == 100 and len(default_run.snapshot_iterations) == 200
    assert not [i for i in at.info if "thumbnails" in i.value]
    (chart,) = at.get("vega_lite_chart")
    frame = next(p for p in json.loads(chart.proto.spec)["params"] if p["name"] == scrub.FRAME)
    assert frame["on"][0]["events"]["type"] == "timer"  # play runs in the page


def test_neurons_tab_says_why_there_are_no_thumbnails():
    table = pd.DataFrame({"x1": [0.0, 1.0], "x2": [0.0, 0.0], "x3": [1.0, 0.0], "y1": [1.0, 0.0]})
    at = neurons_tab(data="custom", custom_table=table, layers="3,4,1")
    assert not at.exception and not at.error
    run = mlp.train(mlp.Config(data="custom", inputs=((0, 0, 1), (1, 0, 0)), targets=((1,), (0,)), layers=(3, 4, 1)))
    assert [i.value for i in at.info if "thumbnails" in i.value] == [neurons.no_thumbnails(run)]
    assert len(at.get("vega_lite_chart")) == 1  # the graph is still drawn


@pytest.mark.slow
def test_graph_fits_its_width_whatever_the_depth(question):
    deep = neurons.layout((2,) + (8,) * 30 + (1,))
    x = neurons._columns(deep)
    assert max(x.values()) + neurons.LEFT <= neurons.GRAPH_WIDTH
    assert np.allclose(np.diff(sorted(x.values()))[[0, -1]], (neurons.GRAPH_WIDTH - 2 * neurons.LEFT) / 7)
    assert neurons.neurons_chart(question).to_dict()["vconcat"][0]["width"] == 3 * neurons.COLUMN + 2 * neurons.LEFT
