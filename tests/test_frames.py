"""lab.frames: Runs as DataFrames, checked against the learner's printed numbers and the engine."""

import numpy as np
import pandas as pd
import pytest

import mlp
from lab import frames

# The question's first forward pass (shared/seed/), every weight 1.
A1 = [[0.9002495] * 3, [0.8320184] * 3]
A2 = [[0.9758906] * 3, [0.9705753] * 3]
OUTPUTS_AFTER_1000 = [[0.59927057, 0.19976566], [0.59931759, 0.20043062]]


@pytest.fixture(scope="module")
def diverged_run() -> mlp.Run:
    run = mlp.train(mlp.Config(activation="linear", output_activation="linear", lr=50))
    assert run.status == "diverged"
    return run


def test_loss_frame_downsampling_keeps_first_and_last(default_run):
    df = frames.loss_frame({"a": default_run}, max_points=10)
    assert list(df.columns) == ["run", "iteration", "loss"]
    assert len(df) <= 10
    assert df["iteration"].iloc[0] == 0 and df["iteration"].iloc[-1] == 1000
    assert df["iteration"].is_monotonic_increasing
    np.testing.assert_allclose(df["loss"], default_run.loss_history[df["iteration"]], rtol=0, atol=0)


def test_loss_frame_keeps_a_short_history_whole_and_thins_a_long_one_evenly(default_run, normal_run):
    df = frames.loss_frame({"a": default_run, "b": normal_run}, max_points=1001)
    assert df.groupby("run").size().to_dict() == {"a": 1001, "b": 1001}
    thinned = frames.loss_frame({"a": default_run})  # 1,001 costs, 300 points at most
    assert len(thinned) == 300 and thinned["iteration"].iloc[[0, -1]].tolist() == [0, 1000]
    assert np.ptp(np.diff(thinned["iteration"])) <= 1  # evenly spaced, to the iteration
    assert thinned["loss"].tolist() == default_run.loss_history[thinned["iteration"]].tolist()


def test_loss_frame_diverged_run_stops_before_divergence(diverged_run):
    df = frames.loss_frame({"d": diverged_run})
    assert df["iteration"].max() == diverged_run.diverged_at - 1
    assert np.isfinite(df["loss"]).all()


def test_outputs_frame_values_after_1000_iterations(default_run):
    df = frames.outputs_frame({"a": default_run})
    assert list(df.columns) == ["run", "observation", "neuron", "initial", "output", "target", "error"]
    assert df[["observation", "neuron"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    # The question's a^3 at iteration 0, every weight 1.
    np.testing.assert_allclose(df["initial"], [0.98069073, 0.98069073, 0.98038645, 0.98038645], atol=1e-8)
    np.testing.assert_allclose(df["output"].iloc[0], 0.59927057, atol=1e-7)
    np.testing.assert_allclose(df["output"], np.ravel(OUTPUTS_AFTER_1000), atol=1e-7)
    np.testing.assert_allclose(df["target"], [0.2, 0.4, 1.0, 0.0], atol=0)
    np.testing.assert_allclose(df["error"], df["output"] - df["target"], atol=1e-15)


def test_outputs_frame_one_block_per_run(default_run, normal_run):
    df = frames.outputs_frame({"a": default_run, "b": normal_run})
    assert df["run"].tolist() == ["a"] * 4 + ["b"] * 4


def test_outputs_frame_diverged_run_shows_the_last_finite_outputs(diverged_run):
    df = frames.outputs_frame({"d": diverged_run})
    assert len(df) == 4
    np.testing.assert_array_equal(df["output"], diverged_run.outputs.ravel())
    assert np.isfinite(df["output"]).all()


def test_matrix_frame_labels_in_the_learners_notation():
    M = np.arange(9.0).reshape(3, 3)
    df = frames.matrix_frame(M, 0)
    assert list(df.columns) == ["row", "col", "from_label", "to_label", "value"]
    assert len(df) == 9
    assert df["from_label"].unique().tolist() == ["b⁰ (bias)", "a⁰₀", "a⁰₁"]
    assert df["to_label"].unique().tolist() == ["a¹₀", "a¹₁", "a¹₂"]
    assert df.iloc[-1].tolist() == [2, 2, "a⁰₁", "a¹₂", 8.0]


def test_matrix_frame_labels_use_the_layer_index():
    df = frames.matrix_frame(np.zeros((4, 2)), 2)
    assert df["from_label"].unique().tolist() == ["b² (bias)", "a²₀", "a²₁", "a²₂"]
    assert df["to_label"].unique().tolist() == ["a³₀", "a³₁"]


@pytest.mark.parametrize("snapshot", [0, -1])
def test_weights_frames_one_frame_per_matrix(default_run, snapshot):
    dfs = frames.weights_frames(default_run, snapshot)
    assert [len(df) for df in dfs] == [9, 12, 8]
    for df, W in zip(dfs, default_run.weights[snapshot]):
        np.testing.assert_allclose(df["value"], W.ravel(), atol=0)


def test_gradient_matrix_frames_match_the_run(default_run):
    dfs = [frames.matrix_frame(G, l) for l, G in enumerate(default_run.gradients[0])]  # as the Weights tab draws
    for df, G in zip(dfs, default_run.gradients[0]):
        np.testing.assert_allclose(df["value"], G.ravel(), atol=0)
    np.testing.assert_allclose(dfs[2]["value"].iloc[:2], [0.0288126, 0.0596958], atol=1e-7)  # the question's dC/dW^2


def test_activations_frame_first_iteration_is_the_questions(default_run):
    df = frames.activations_frame(default_run, 0)
    assert list(df.columns) == ["layer", "observation", "neuron", "activation"]
    assert df["layer"].unique().tolist() == [1, 2]
    for layer, expected in ((1, A1), (2, A2)):
        values = df[df["layer"] == layer]["activation"].to_numpy().reshape(2, 3)
        np.testing.assert_allclose(values, expected, atol=1e-7)


def test_activations_frame_without_hidden_layer_is_empty():
    df = frames.activations_frame(mlp.train(mlp.Config(layers=(2, 2), iterations=5)), 0)
    assert df.empty and list(df.columns) == ["layer", "observation", "neuron", "activation"]


def test_activations_frame_keeps_the_first_50_observations():
    run = mlp.train(mlp.Config(data="circle", points=120, layers=(2, 4, 1), init="normal", iterations=5))
    df = frames.activations_frame(run, -1)
    assert df["observation"].tolist() == list(np.repeat(np.arange(50), 4))
    expected = mlp.activations(run.config.architecture, run.weights[-1], run.inputs[:50])[1]
    np.testing.assert_allclose(df["activation"], expected.ravel(), atol=0)


def test_symmetry_frame_default_run_is_clones_at_every_iteration(default_run):
    df = frames.symmetry_frame({"a": default_run})
    assert list(df.columns) == ["run", "iteration", "layer", "width", "distinct", "gap"]
    assert (df["width"] == 3).all()
    assert len(df) == 2 * len(default_run.snapshot_iterations)
    assert sorted(df["layer"].unique()) == [1, 2]
    assert (df["distinct"] == 1).all() and (df["gap"] == 0).all()
    assert df["iteration"].iloc[-1] == 1000


def test_symmetry_frame_normal_run_is_not_symmetric(normal_run):
    df = frames.symmetry_frame({"b": normal_run})
    assert (df["distinct"] == 3).all()
    assert (df["gap"] > 0.01).all()


def test_symmetry_frame_one_neuron_layer_has_nan_gap():
    run = mlp.train(mlp.Config(layers=(2, 1, 3, 2), init="normal", iterations=10))
    df = frames.symmetry_frame({"r": run})
    assert df[df["layer"] == 1]["gap"].isna().all()
    assert df[df["layer"] == 2]["gap"].notna().all()


def test_surface_frame_pads_the_range_by_10_percent(default_run):
    df = frames.surface_frame(default_run, resolution=5)
    assert list(df.columns) == ["x1", "x2", "output"] and len(df) == 25
    np.testing.assert_allclose([df["x1"].min(), df["x1"].max()], [0.25, 0.85], atol=1e-12)  # 0.3..0.8 +- 0.05
    np.testing.assert_allclose([df["x2"].min(), df["x2"].max()], [0.29, 0.41], atol=1e-12)  # 0.3..0.4 +- 0.01
    grid = df[["x1", "x2"]].to_numpy()
    expected = mlp.forward(default_run.config.architecture, default_run.final_weights, grid)[:, 0]
    np.testing.assert_allclose(df["output"], expected, atol=0)


def test_surface_frame_degenerate_range_is_padded_by_half():
    config = mlp.Config(data="custom", inputs="1,2;1,3", targets="0;1", layers=(2, 2, 1), iterations=1)
    df = frames.surface_frame(mlp.train(config), resolution=3)
    np.testing.assert_allclose(sorted(df["x1"].unique()), [0.5, 1.0, 1.5], atol=1e-12)


def test_surface_frame_none_unless_two_inputs():
    config = mlp.Config(data="custom", inputs="1;2;3", targets="0;1;0", layers=(1, 2, 1), iterations=1)
    assert frames.surface_frame(mlp.train(config)) is None


def test_points_frame_first_inputs_target_and_output(default_run):
    df = frames.points_frame(default_run)
    assert list(df.columns) == ["observation", "x1", "x2", "target", "output"]
    np.testing.assert_allclose(df[["x1", "x2"]], [[0.8, 0.4], [0.3, 0.3]], atol=0)
    np.testing.assert_allclose(df["target"], [0.2, 1.0], atol=0)
    np.testing.assert_allclose(df["output"], [0.59927057, 0.59931759], atol=1e-7)


def test_matrix_table_names_rows_and_columns():
    table = frames.matrix_table(np.eye(2), ["r0", "r1"], ["c0", "c1"])
    assert table.index.tolist() == ["r0", "r1"] and table.columns.tolist() == ["c0", "c1"]
    assert table.loc["r1", "c1"] == 1.0
    assert frames.matrix_table(np.eye(2), None, None).columns.tolist() == [0, 1]


def test_trace_steps_first_iteration_is_the_questions(default_run):
    steps = {s.symbol: s for s in frames.trace_steps(default_run, 0)}
    np.testing.assert_allclose(steps["n^1"].value, [[2.2] * 3, [1.6] * 3], atol=1e-12)
    np.testing.assert_allclose(steps["a^1"].value, A1, atol=1e-7)
    np.testing.assert_allclose(steps["dC/da^3"].value, [[1.5613816, 1.1613816], [-0.0392272, 1.9607728]], atol=1e-7)


def test_trace_steps_use_the_snapshot_weights(default_run):
    steps = {s.symbol: s for s in frames.trace_steps(default_run, -1)}
    np.testing.assert_allclose(steps["a^3"].value, OUTPUTS_AFTER_1000, atol=1e-7)


def test_step_table_names_rows_and_columns(default_run):
    tables = {s.symbol: frames.step_table(s) for s in frames.trace_steps(default_run, 0)}
    ones = tables["[1 | a^0]"]
    assert ones.index.tolist() == ["obs 0", "obs 1"]
    assert ones.columns.tolist() == ["1", "a⁰₀", "a⁰₁"]  # the engine's a^0_0, in Unicode
    np.testing.assert_allclose(ones.to_numpy(), [[1, 0.8, 0.4], [1, 0.3, 0.3]], atol=0)
    assert tables["n^1"].columns.tolist() == ["n¹₀", "n¹₁", "n¹₂"]
    assert tables["delta^3"].columns.tolist() == ["a³₀", "a³₁"]
    dW = tables["dC/dW^2"]
    assert dW.index.tolist() == ["1 (bias)", "a²₀", "a²₁", "a²₂"]
    assert dW.columns.tolist() == ["a³₀", "a³₁"]
    np.testing.assert_allclose(dW.loc["a²₁", "a³₁"], 0.0580562, atol=1e-7)


def test_settings_frame_marks_the_differing_settings(default_run, normal_run):
    configs = {"a": default_run.config, "b": normal_run.config.replace(lr=0.25)}
    df = frames.settings_frame(configs)
    assert df.columns.tolist() == ["a", "b", "differs"]
    assert "inputs" not in df.index and "targets" not in df.index
    assert df.index[0] == "data"
    assert df.index[df["differs"]].tolist() == ["init", "lr"]
    assert df.loc["init"].tolist() == ["constant", "normal", True]


def test_settings_frame_leaves_out_custom_tables():
    config = mlp.Config(data="custom", inputs="1,2;1,3", targets="0;1", layers=(2, 2, 1))
    df = frames.settings_frame({"a": config, "b": mlp.Config()})
    assert "inputs" not in df.index and "targets" not in df.index
    assert df.loc["data", "differs"]


def test_run_names_name_the_differing_settings():
    names = frames.run_names([mlp.Config(init="constant"), mlp.Config(init="normal", seed=3)])
    assert names == ["init=constant 1, seed=0", "init=normal 1, seed=3"]


def test_run_names_example_of_the_brief():
    names = frames.run_names([mlp.Config(seed=3), mlp.Config(init="normal", seed=3)])
    assert names == ["init=constant 1", "init=normal 1"]


def test_run_names_fold_init_scale_into_init():
    names = frames.run_names([mlp.Config(), mlp.Config(init_scale=0.5), mlp.Config(init_scale=0.5, lr=0.1)])
    assert names == ["init=constant 1, lr=0.5", "init=constant 0.5, lr=0.5", "init=constant 0.5, lr=0.1"]


def test_run_names_single_config_is_named_by_its_init():
    assert frames.run_names([mlp.Config()]) == ["init=constant 1"]
    assert frames.run_names([mlp.Config(init="he", init_scale=2)]) == ["init=he 2"]


def test_run_names_identical_configs_are_numbered():
    assert frames.run_names([mlp.Config(), mlp.Config()]) == ["run 1", "run 2"]


def test_run_names_are_unique():
    names = frames.run_names([mlp.Config(), mlp.Config(), mlp.Config(lr=0.1)])
    assert names == ["lr=0.5", "lr=0.5 (2)", "lr=0.1"]


def test_run_names_stay_short():
    configs = [
        mlp.Config(),
        mlp.Config(
            data="xor",
            layers=(2, 5, 5, 5, 1),
            activation="tanh",
            output_activation="linear",
            loss="mse",
            init="xavier",
            noise=0.01,
            seed=7,
            optimizer="adam",
            lr=0.01,
            iterations=20,
        ),
    ]
    names = frames.run_names(configs)
    assert all(len(name) <= frames.MAX_NAME for name in names)
    assert names[1].startswith("data=xor, layers=2,5,5,5,1")
    assert len(set(names)) == 2


def test_frames_are_dataframes(default_run):
    built = [
        frames.loss_frame({"a": default_run}),
        frames.outputs_frame({"a": default_run}),
        frames.symmetry_frame({"a": default_run}),
        frames.activations_frame(default_run, 0),
        frames.surface_frame(default_run),
        frames.points_frame(default_run),
    ]
    assert all(isinstance(df, pd.DataFrame) for df in built)


# Thinning and summaries: what the page draws of large networks, each entry still the engine's own.


def test_spread_keeps_the_ends_and_spaces_evenly():
    np.testing.assert_array_equal(frames.spread(257, 5), [0, 64, 128, 192, 256])
    np.testing.assert_array_equal(frames.spread(3, 5), [0, 1, 2])
    np.testing.assert_array_equal(frames.spread(7, None), np.arange(7))


def test_matrix_frame_thinned_keeps_the_bias_row_and_real_indices():
    M = np.arange(257.0 * 256).reshape(257, 256)
    df = frames.matrix_frame(M, 1, max_side=5)
    assert len(df) == 25
    assert df["row"].unique().tolist() == [0, 64, 128, 192, 256]
    assert df["col"].unique().tolist() == [0, 64, 128, 191, 255]
    assert df["from_label"].unique().tolist() == ["b¹ (bias)", "a¹₆₃", "a¹₁₂₇", "a¹₁₉₁", "a¹₂₅₅"]
    assert df["to_label"].unique().tolist() == ["a²₀", "a²₆₄", "a²₁₂₈", "a²₁₉₁", "a²₂₅₅"]
    np.testing.assert_array_equal(df["value"], M[df["row"], df["col"]])


def test_activations_frame_thinned_keeps_each_neurons_index():
    run = mlp.train(mlp.Config(data="xor", layers=(2, 40, 9, 1), init="normal", iterations=3))
    df = frames.activations_frame(run, -1, max_neurons=4)
    expected = mlp.activations(run.config.architecture, run.weights[-1], run.inputs)
    for layer, neurons in ((1, [0, 13, 26, 39]), (2, [0, 3, 5, 8])):
        part = df[df["layer"] == layer]
        assert sorted(part["neuron"].unique()) == neurons
        np.testing.assert_allclose(part["activation"], expected[layer][:, neurons].ravel(), atol=0)


def test_points_frame_thinned_to_evenly_spaced_observations():
    run = mlp.train(mlp.Config(data="circle", points=2000, layers=(2, 3, 1), iterations=2))
    df = frames.points_frame(run, max_points=1000)
    assert len(df) == 1000 and df["observation"].iloc[[0, -1]].tolist() == [0, 1999]
    np.testing.assert_array_equal(df["x1"], run.inputs[df["observation"], 0])
    np.testing.assert_array_equal(df["output"], run.outputs[df["observation"], 0])


def test_step_table_corner_is_the_top_left_of_the_matrix():
    run = mlp.train(mlp.Config(data="circle", points=30, layers=(2, 20, 1), iterations=2))
    step = next(s for s in frames.trace_steps(run, 0) if s.symbol == "dC/dW^0")
    corner = frames.step_table(step, max_rows=2, max_columns=5)
    assert corner.shape == (2, 5) and step.value.shape == (3, 20)
    assert corner.index.tolist() == ["1 (bias)", "a⁰₀"]
    assert corner.columns.tolist() == [frames.unicode(f"a^1_{j}") for j in range(5)]
    np.testing.assert_array_equal(corner.to_numpy(), step.value[:2, :5])
