"""lab.charts: the Vega-Lite each chart builds, read back with ``to_dict()``."""

import json

import numpy as np
import pandas as pd
import pytest

import mlp
from lab import charts, frames, neurons


def views(spec: dict) -> list[dict]:
    """Every single view of a spec, however layered or concatenated."""
    children = [c for key in ("layer", "hconcat", "vconcat", "concat") for c in spec.get(key, [])]
    inner = [spec["spec"]] if "spec" in spec else []
    own = [spec] if "mark" in spec else []
    return own + [v for child in children + inner for v in views(child)]


def marks(spec: dict) -> list[str]:
    return [v["mark"] if isinstance(v["mark"], str) else v["mark"]["type"] for v in views(spec)]


def rows(spec: dict) -> list[dict]:
    """Every row of every inline data set."""
    return [row for data in spec.get("datasets", {}).values() for row in data]


def color_scale(spec: dict) -> dict:
    return next(v["encoding"]["color"]["scale"] for v in views(spec) if "scale" in v["encoding"].get("color", {}))


def test_loss_chart_log_scale(default_run):
    spec = charts.loss_chart(frames.loss_frame({"a": default_run})).to_dict()
    assert marks(spec) == ["line"]
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["width"] == "container"
    assert spec["encoding"]["color"]["legend"] is None  # one run: no legend


def test_loss_chart_linear_when_asked_or_when_a_loss_is_not_positive(default_run):
    df = frames.loss_frame({"a": default_run})
    assert "type" not in charts.loss_chart(df, log_scale=False).to_dict()["encoding"]["y"]["scale"]
    zero = df.assign(loss=df["loss"].where(df["iteration"] > 0, 0.0))
    assert "type" not in charts.loss_chart(zero, log_scale=True).to_dict()["encoding"]["y"]["scale"]


def test_loss_chart_legend_for_several_runs(default_run, normal_run):
    spec = charts.loss_chart(frames.loss_frame({"a": default_run, "b": normal_run})).to_dict()
    assert spec["encoding"]["color"]["field"] == "run"
    assert spec["encoding"]["color"]["legend"] is not None


def test_heatmap_small_matrix_has_cells_and_values(normal_run):
    spec = charts.heatmap(frames.weights_frames(normal_run, -1)[0], "W^0").to_dict()
    assert marks(spec) == ["rect", "rect", "text"]
    scale = color_scale(spec)
    assert scale["scheme"] == charts.DIVERGING and scale["domainMid"] == 0
    d = float(np.abs(normal_run.weights[-1][0]).max())
    np.testing.assert_allclose(scale["domain"], [-d, d], atol=0)
    assert spec["width"] == {"step": charts.CELL[0]} and spec["height"] == {"step": charts.CELL[1]}
    assert spec["title"] == "W^0"
    text = next(v for v in views(spec) if v["mark"] == "text" or v["mark"].get("type") == "text")
    assert text["encoding"]["text"]["field"] == "label"


def test_heatmap_rows_in_matrix_order_with_bias_on_top(default_run):
    spec = charts.heatmap(frames.weights_frames(default_run, 0)[1], "W^1").to_dict()
    encoding = spec["layer"][1]["encoding"]
    assert encoding["y"]["field"] == "from_label" and encoding["y"]["sort"]["field"] == "row"
    assert encoding["x"]["field"] == "to_label" and encoding["x"]["sort"]["field"] == "col"
    assert encoding["x"]["axis"]["orient"] == "top"


def test_heatmap_values_written_with_3_significant_digits():
    df = frames.matrix_frame(np.array([[0.59927057, -0.000125], [2.0, 1234.5]]), 0)
    labels = [row["label"] for row in rows(charts.heatmap(df, "W").to_dict())]
    assert labels == ["0.599", "-1.25e-4", "2", "1.23e+3"]


def test_heatmap_given_domain_and_all_zero_matrix():
    df = frames.matrix_frame(np.zeros((3, 2)), 0)
    assert color_scale(charts.heatmap(df, "W").to_dict())["domain"] == [-1.0, 1.0]
    assert color_scale(charts.heatmap(df, "W", domain=2.5).to_dict())["domain"] == [-2.5, 2.5]


def test_heatmap_large_matrix_has_no_values():
    df = frames.matrix_frame(np.random.default_rng(0).normal(size=(20, 20)), 1)
    spec = charts.heatmap(df, "W^1").to_dict()
    assert marks(spec) == ["rect", "rect"]
    assert spec["width"]["step"] < charts.CELL[0] and spec["height"]["step"] < charts.CELL[1]
    narrow = frames.matrix_frame(np.random.default_rng(0).normal(size=(20, 6)), 1)  # 120 cells wide enough to write
    assert "text" not in marks(charts.heatmap(narrow, "W^1").to_dict())
    assert "text" in marks(charts.heatmap(narrow, "W^1", show_values=True).to_dict())


def test_heatmap_non_finite_values_written_out():
    df = frames.matrix_frame(np.array([[np.nan, 1.0], [np.inf, -0.5]]), 0)
    spec = charts.heatmap(df, "W").to_dict()
    labels = [row["label"] for row in rows(spec)]
    assert labels == ["nan", "1", "inf", "-0.5"]
    assert color_scale(spec)["domain"] == [-1.0, 1.0]
    json.dumps(spec, allow_nan=False)  # NaN and inf leave the spec as null


def test_activations_chart_one_heatmap_per_hidden_layer(default_run):
    spec = charts.activations_chart(frames.activations_frame(default_run, 0), domain=(0.0, 1.0)).to_dict()
    assert len(spec["hconcat"]) == 2
    assert "equal columns: neurons that compute the same values" in spec["title"]["subtitle"]
    scale = color_scale(spec)
    assert scale["scheme"] == charts.SEQUENTIAL and scale["domain"] == [0.0, 1.0]
    assert marks(spec).count("text") == 2


def test_activations_chart_data_range_by_default(normal_run):
    df = frames.activations_frame(normal_run, -1)
    scale = color_scale(charts.activations_chart(df).to_dict())
    np.testing.assert_allclose(scale["domain"], [df["activation"].min(), df["activation"].max()], atol=0)


def test_activations_chart_without_hidden_layer_says_so():
    df = frames.activations_frame(mlp.train(mlp.Config(layers=(2, 2), iterations=5)), 0)
    spec = charts.activations_chart(df).to_dict()
    assert marks(spec) == ["text"] and "no hidden layer" in rows(spec)[0]["text"]


def test_symmetry_chart_default_run_shows_clones_at_the_floor(default_run):
    spec = charts.symmetry_chart(frames.symmetry_frame({"a": default_run})).to_dict()
    distinct, gap = spec["vconcat"]
    assert distinct["mark"]["interpolate"] == "step-after"
    assert distinct["encoding"]["y"]["axis"]["values"] == [0, 1, 2, 3]  # up to the layer width: 1 of 3
    assert distinct["encoding"]["color"]["field"] == "hidden"
    assert marks(gap) == ["line", "rule", "text"]
    assert gap["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert gap["layer"][0]["encoding"]["y"]["scale"]["domain"][0] < charts.GAP_FLOOR
    assert {"shown": charts.GAP_FLOOR, "text": "0 = clones"} in rows(spec)
    shown = [row["shown"] for row in rows(spec) if "gap" in row]
    assert shown and all(value == charts.GAP_FLOOR for value in shown)


def test_symmetry_chart_no_floor_without_clones(normal_run):
    spec = charts.symmetry_chart(frames.symmetry_frame({"b": normal_run})).to_dict()
    assert marks(spec["vconcat"][1]) == ["line"]


def test_symmetry_chart_several_runs_colour_by_run(default_run, normal_run):
    spec = charts.symmetry_chart(frames.symmetry_frame({"a": default_run, "b": normal_run})).to_dict()
    encoding = spec["vconcat"][0]["encoding"]
    assert encoding["color"]["field"] == "run" and encoding["strokeDash"]["field"] == "hidden"


def test_outputs_chart_bars_and_target_ticks(default_run):
    spec = charts.outputs_chart(frames.outputs_frame({"a": default_run})).to_dict()
    assert marks(spec) == ["bar", "tick"]
    assert [row["cell"] for row in rows(spec)] == ["obs 0 · aᴸ₀", "obs 0 · aᴸ₁", "obs 1 · aᴸ₀", "obs 1 · aᴸ₁"]
    assert "xOffset" not in spec["layer"][0]["encoding"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0.0, 1.0]
    assert spec["width"] == "container"


def test_outputs_chart_offsets_several_runs(default_run, normal_run):
    spec = charts.outputs_chart(frames.outputs_frame({"a": default_run, "b": normal_run})).to_dict()
    assert all(layer["encoding"]["xOffset"]["field"] == "run" for layer in spec["layer"])


def test_outputs_chart_domain_widens_to_the_data():
    df = pd.DataFrame({"run": "r", "observation": [0, 1], "neuron": 0, "output": [-0.5, np.nan], "target": [1.5, 0.0]})
    spec = charts.outputs_chart(df.assign(error=df["output"] - df["target"])).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [-0.5, 1.5]


def test_surface_chart_output_grid_and_points(default_run):
    spec = charts.surface_chart(frames.surface_frame(default_run), frames.points_frame(default_run)).to_dict()
    assert marks(spec) == ["rect", "circle"]
    assert spec["layer"][1]["mark"]["stroke"] == "black"
    assert spec["layer"][0]["encoding"]["color"]["scale"]["scheme"] == charts.SEQUENTIAL
    assert spec["layer"][1]["encoding"]["color"]["field"] == "target"
    assert spec["width"] == "container"


@pytest.mark.slow
def test_charts_are_valid_json(default_run):
    for chart in every_chart(default_run):
        json.dumps(chart.to_dict(), allow_nan=False)


def _rows_in_place(spec: dict, datasets: dict) -> dict:
    """``spec`` with every ``{"data": {"name": n}}`` replaced by the rows of data set ``n``, as JSON."""
    if isinstance(spec, dict):
        if set(spec) == {"name"} and spec["name"] in datasets:
            return {"rows": json.loads(json.dumps(datasets[spec["name"]]))}
        return {k: _rows_in_place(v, datasets) for k, v in spec.items() if k not in ("datasets", "config")}
    if isinstance(spec, list):
        return [_rows_in_place(v, datasets) for v in spec]
    return spec


def every_chart(run: mlp.Run) -> list:
    """One chart of each kind the tabs draw with Altair: single, layered, side by side, stacked, with parameters."""
    runs = {"a": run}
    circle = mlp.train(mlp.Config(data="circle", layers=(2, 4, 4, 1), init="normal", iterations=40, snapshots=5))
    two = {"a": run, "b": mlp.train(run.config.replace(seed=run.config.seed + 1))}
    kept = range(len(circle.snapshot_iterations))
    sweep = mlp.sweep(mlp.SweepSpec(mlp.Config(iterations=20), lrs=(0.5, 1.0), seeds=(0, 1)))
    cells = frames.sweep_cells(frames.sweep_frame(sweep.frame_records()), (3, 3))
    return [
        charts.loss_chart(frames.loss_frame(runs)),
        charts.outputs_chart(frames.outputs_frame(runs)),
        charts.outputs_chart(frames.outputs_frame({"circle": circle})),  # a scatter past eight observations
        charts.symmetry_chart(frames.symmetry_frame(runs)),
        charts.symmetry_chart(frames.symmetry_frame(two), {"a": "#1f77b4", "b": "#d62728"}),
        charts.activations_chart(frames.activations_frame(run, -1)),
        charts.surface_chart(frames.surface_frame(run), frames.points_frame(run)),
        *(charts.heatmap(df, f"W^{l}") for l, df in enumerate(frames.weights_frames(run, -1))),
        charts.heatmaps_side_by_side({name: frames.weights_frames(r, -1)[1] for name, r in two.items()}, "W^1", 1.0),
        charts.sweep_heatmap(cells, "final_loss", "Final cost", log_scale=True),
        neurons.neurons_chart(neurons.neuron_frames(circle, kept, [mlp.clone_groups(circle.weights[k]) for k in kept])),
        neurons.update_chart(neurons.update_frames(run, 0, mlp.clone_groups(run.weights[0])), 1),
    ]


def test_spec_is_altairs_spec_with_the_data_as_named_dataframes(normal_run):
    for chart in every_chart(normal_run):
        altair = chart.to_dict()
        ours = charts.spec(chart)
        assert all(isinstance(df, pd.DataFrame) for df in ours["datasets"].values())
        # Altair writes a missing value (NaN) as null; Arrow carries it as a missing value too
        as_rows = {
            name: df.astype(object).where(df.notna(), None).to_dict("records") for name, df in ours["datasets"].items()
        }
        assert _rows_in_place(ours, as_rows) == _rows_in_place(altair, altair["datasets"])
        own = {k: v for k, v in altair.get("config", {}).items() if k != "view"}  # the chart's, not the theme's
        assert {k: v for k, v in ours.get("config", {}).items() if k != "view"} == own
        json.dumps({k: v for k, v in ours.items() if k != "datasets"}, allow_nan=False)


def test_spec_leaves_the_chart_and_the_default_theme_out(default_run):
    chart = charts.loss_chart(frames.loss_frame({"a": default_run}))
    spec = charts.spec(chart)
    assert isinstance(chart.data, pd.DataFrame)
    assert spec["data"] == {"name": "data-0"}
    assert "continuousWidth" not in json.dumps({k: v for k, v in spec.items() if k != "datasets"})


def test_spec_names_a_frame_shared_by_layers_once(default_run):
    spec = charts.spec(charts.heatmap(frames.weights_frames(default_run, -1)[0], "W^0"))
    assert list(spec["datasets"]) == ["data-0"]
    assert len(spec["datasets"]["data-0"]) == 9  # bias row and 2 inputs, times 3 neurons


def text_views(spec: dict) -> list[dict]:
    return [v for v in views(spec) if marks({"mark": v["mark"]}) == ["text"]]


def test_heatmap_too_small_for_its_values_writes_none():
    # 81 columns in 320 px: 3.95 px a cell, too narrow for any digit (the font size was negative)
    df = frames.matrix_frame(np.random.default_rng(0).normal(size=(3, 81)), 0)
    spec = charts.heatmap(df, "W^0", show_values=True).to_dict()  # validated: no negative font size
    assert marks(spec) == ["rect", "rect"]


def test_heatmap_cells_that_fit_keep_their_values_at_a_readable_size():
    df = frames.matrix_frame(np.full((3, 6), 0.599), 0)  # 46 px cells: "0.599" fits at 10 px
    text = text_views(charts.heatmap(df, "W", show_values=True).to_dict())
    assert len(text) == 1 and text[0]["mark"]["fontSize"] == charts.FONT
    long = frames.matrix_frame(np.full((3, 6), -1.25e-132), 0)  # 10 characters: a smaller font, still readable
    text = text_views(charts.heatmap(long, "W", show_values=True).to_dict())
    assert len(text) == 1 and charts.MIN_FONT <= text[0]["mark"]["fontSize"] < charts.FONT


@pytest.mark.slow
def test_activations_of_twenty_hidden_layers_draw_without_values():
    # 20 hidden layers of 8 on 4 observations: 28 px per layer, 3.5 px per neuron (the font size was negative)
    df = pd.DataFrame(
        [(l, o, j, 0.5) for l in range(1, 21) for o in range(4) for j in range(8)],
        columns=["layer", "observation", "neuron", "activation"],
    )
    spec = charts.activations_chart(df).to_dict()
    assert len(spec["hconcat"]) == 20 and "text" not in marks(spec)


def test_sweep_heatmap_of_512_learning_rates_writes_no_values():
    lrs = np.geomspace(1e-3, 10, 512)
    cells = pd.DataFrame({"row": "normal 1 · gd", "lr": lrs, "runs": 1, "final_loss": lrs})
    cells["cell"] = "normal 1 · gd · lr " + cells["lr"].map("{:g}".format)
    spec = charts.sweep_heatmap(cells, "final_loss", "Final cost", log_scale=True).to_dict()
    assert "text" not in marks(spec)
    small = charts.sweep_heatmap(cells.head(4), "final_loss", "Final cost").to_dict()
    assert "text" in marks(small)


def test_heatmap_of_a_thinned_matrix_says_what_it_shows():
    M = np.random.default_rng(0).normal(size=(257, 256))
    spec = charts.heatmap(frames.matrix_frame(M, 1, max_side=20), "W^1", shape=M.shape).to_dict()
    assert spec["title"] == {"text": "W^1", "subtitle": "20 of 257 rows and 20 of 256 columns, evenly spaced"}
    whole = charts.heatmap(frames.matrix_frame(M[:4, :3], 1), "W^1", shape=(4, 3)).to_dict()
    assert whole["title"] == "W^1"


def test_activations_chart_says_how_many_neurons_and_observations_it_shows():
    run = mlp.train(mlp.Config(data="circle", points=80, layers=(2, 40, 3, 1), init="normal", iterations=3))
    df = frames.activations_frame(run, -1, max_neurons=10)
    spec = charts.activations_chart(df, widths={1: 40, 2: 3}, observations=80).to_dict()
    assert [grid["title"] for grid in spec["hconcat"]] == ["a¹: 10 of 40 neurons", "a²"]
    assert spec["title"]["subtitle"].endswith("; the first 50 of 80 observations")


def test_surface_chart_says_how_many_points_it_draws():
    run = mlp.train(mlp.Config(data="circle", points=2000, layers=(2, 3, 1), iterations=2))
    spec = charts.surface_chart(frames.surface_frame(run), frames.points_frame(run, 1000), observations=2000)
    subtitle = spec.to_dict()["title"]["subtitle"]
    assert subtitle == "points coloured by their target y₀; 1,000 of 2,000 points, evenly spaced"


# One notation, one number format, one colour per run.


def legend_of(spec: dict) -> dict:
    return next(v["encoding"]["color"]["legend"] for v in views(spec) if v["encoding"].get("color", {}).get("legend"))


def test_chart_labels_are_the_learners_notation_in_unicode(default_run):
    df = frames.matrix_frame(default_run.weights[0][1], 1)
    assert df["from_label"].unique().tolist() == ["b¹ (bias)", "a¹₀", "a¹₁", "a¹₂"]
    assert df["to_label"].unique().tolist() == ["a²₀", "a²₁", "a²₂"]
    spec = charts.activations_chart(frames.activations_frame(default_run, 0)).to_dict()
    labels = {row["name"] for row in rows(spec)}
    assert labels == {"a¹₀", "a¹₁", "a¹₂", "a²₀", "a²₁", "a²₂"}
    x_axes = [v["encoding"]["x"]["axis"] for v in views(spec) if v["mark"]["type"] == "rect"]
    assert all(axis["labelOverlap"] is False for axis in x_axes)  # 3 neurons: every label written


def test_heatmap_legend_writes_the_scale_ends_as_the_cells_are_written(default_run):
    W = default_run.weights[-1][0]  # largest |w| 1.07
    spec = charts.heatmap(frames.matrix_frame(W, 0), "W⁰").to_dict()
    legend = legend_of(spec)
    d = float(np.abs(W).max())
    assert legend["values"] == [-d, 0.0, d] and legend["labelExpr"] == charts.SHORT
    assert charts.short(d) == "1.07" and charts.short(-d) == "-1.07"
    G = default_run.gradients[-1][0]  # largest |dC/dw| 8.17e-5: the legend and the cells both write 8.17e-5
    labels = {row["label"] for row in rows(charts.heatmap(frames.matrix_frame(G, 0), "dC/dW⁰").to_dict())}
    assert charts.short(float(np.abs(G).max())) == "8.17e-5" and "-8.17e-5" in labels
    tooltips = [t["field"] for t in next(v for v in views(spec) if v["mark"]["type"] == "rect")["encoding"]["tooltip"]]
    assert "label" in tooltips and "exact" in tooltips


def test_short_expression_is_shorts_rule():
    # Vega's format(): '.3~g' and '.2~e'; short() writes the same strings for these values.
    assert "'.3~g'" in charts.SHORT and "'.2~e'" in charts.SHORT
    written = [charts.short(v) for v in (1.0699, 8.17e-5, 0.599, 1234.5, 0.0)]
    assert written == ["1.07", "8.17e-5", "0.599", "1.23e+3", "0"]


def test_log_axes_tick_at_powers_of_ten(default_run):
    spec = charts.loss_chart(frames.loss_frame({"a": default_run})).to_dict()
    axis = spec["encoding"]["y"]["axis"]
    assert axis["labelExpr"] == charts.SHORT
    assert all(np.log10(v) == round(np.log10(v)) for v in axis["values"])
    assert axis["values"] == [0.1, 1.0, 10.0]  # the cost goes from 3.8 down to 0.4: the powers of ten around it
    assert [row["loss_text"] for row in rows(spec)][:1] == [charts.short(float(default_run.loss_history[0]))]
    gap = charts.symmetry_chart(frames.symmetry_frame({"a": default_run})).to_dict()["vconcat"][1]["layer"][0]
    values = gap["encoding"]["y"]["axis"]["values"]
    assert values[-1] == 1.0 and values[0] <= 1e-15 and len(values) <= charts.MAX_TICKS
    assert all(np.log10(v) == round(np.log10(v)) for v in values)


def test_each_run_keeps_its_colour_whatever_is_selected(default_run, normal_run):
    colours = {"question": charts.RUN_COLOURS[0], "random": charts.RUN_COLOURS[1], "now": charts.CURRENT_COLOUR}
    runs = {"question": default_run, "random": normal_run, "now": default_run}

    def scale(names: list[str]) -> dict[str, str]:
        chosen = {n: runs[n] for n in names}
        paint = {n: colours[n] for n in names}
        specs = [
            charts.loss_chart(frames.loss_frame(chosen), colours=paint).to_dict(),
            charts.symmetry_chart(frames.symmetry_frame(chosen), paint).to_dict(),
            charts.outputs_chart(frames.outputs_frame(chosen), paint).to_dict(),
        ]
        found = [color_scale(spec) for spec in specs]
        assert all(f == found[0] for f in found)  # the same colours in every chart
        return dict(zip(found[0]["domain"], found[0]["range"]))

    assert scale(["question", "random"]) == {"question": "#0072B2", "random": "#D55E00"}
    assert scale(["random", "now", "question"]) == {"random": "#D55E00", "now": "#000000", "question": "#0072B2"}


def test_compared_heatmaps_share_one_scale_and_one_legend(default_run, normal_run):
    matrices = {
        "question": frames.matrix_frame(default_run.weights[-1][0], 0),
        "a run whose name is long enough to wrap": frames.matrix_frame(normal_run.weights[-1][0], 0),
    }
    colours = {"question": "#0072B2", "a run whose name is long enough to wrap": "#D55E00"}
    spec = charts.heatmaps_side_by_side(matrices, "W⁰", 2.0, colours, width=600).to_dict()
    assert spec["resolve"]["scale"]["color"] == "shared"
    titles = [part["title"] for part in spec["hconcat"]]
    assert [t["text"] for t in titles] == list(matrices) and [t["color"] for t in titles] == list(colours.values())
    assert all(t["limit"] == 280 for t in titles)  # one line each, cut to the column: the heatmaps line up
    assert all(color_scale(part)["domain"] == [-2.0, 2.0] for part in spec["hconcat"])


def test_compared_heatmaps_of_thinned_matrices_say_so_under_each_runs_name():
    W = np.arange(257.0 * 256).reshape(257, 256)  # W^0 of 2-256-256-1 would be 3 x 256: a wide W^1
    shown = frames.matrix_frame(W[::4, ::4], 1)
    spec = charts.heatmaps_side_by_side({"a": shown, "b": shown}, "W¹", 1.0, shapes={"a": W.shape, "b": W.shape})
    titles = [part["title"] for part in spec.to_dict()["hconcat"]]
    assert [t["text"] for t in titles] == ["a", "b"]
    assert all(t["subtitle"] == ["W¹", "65 of 257 rows and 64 of 256 columns, evenly spaced"] for t in titles)


def test_outputs_of_many_observations_are_a_scatter_against_the_targets():
    run = mlp.train(mlp.Config(data="circle", layers=(2, 4, 1), init="normal", iterations=50))
    spec = charts.outputs_chart(frames.outputs_frame({"a": run})).to_dict()
    assert marks(spec) == ["rule", "circle"]
    rule, points = spec["layer"]
    assert rows({"datasets": {"r": spec["datasets"][rule["data"]["name"]]}}) == [{"y": 0.5}]  # the 0.5 line
    data = pd.DataFrame(spec["datasets"][points["data"]["name"]])
    assert len(data) == 200 and points["encoding"]["y"]["field"] == "output"
    np.testing.assert_allclose(data["output"], run.outputs[:, 0], rtol=0, atol=0)
    spread = data["x"] - data["target"]  # targets 0 and 1, spread sideways to read the points of each
    assert spread.abs().max() <= 0.15 + 1e-12 and spread.std() > 0.05
    assert spec["title"]["subtitle"] == "200 observations; right: above 0.5 for target 1, below for 0"


def test_outputs_of_continuous_targets_are_read_against_y_equals_x():
    df = pd.DataFrame(
        {
            "run": "r",
            "observation": range(20),
            "neuron": 0,
            "output": np.linspace(0, 2, 20),
            "target": np.linspace(0.1, 2.1, 20),
        }
    )
    spec = charts.outputs_chart(df.assign(error=df["output"] - df["target"])).to_dict()
    line = pd.DataFrame(spec["datasets"][spec["layer"][0]["data"]["name"]])
    assert marks(spec) == ["line", "circle"] and (line["x"] == line["y"]).all()
    data = pd.DataFrame(spec["datasets"][spec["layer"][1]["data"]["name"]])
    assert (data["x"] == data["target"]).all()  # not spread: the targets are values, not classes


def test_sweep_distinct_cells_are_written_as_the_header_writes_them():
    runs = pd.DataFrame(
        {
            "run": range(4),
            "row": ["constant 1 · gd"] * 2 + ["normal 1 · gd"] * 2,
            "lr": 0.5,
            "cell": ["c"] * 2 + ["n"] * 2,
            "final_loss": 0.1,
            "iterations_to_threshold": -1,
            "distinct_layer_1": [1, 1, 3, 2],
            "distinct_layer_2": [1, 1, 3, 3],
        }
    )
    cells = frames.sweep_cells(runs, (3, 3))
    assert cells["distinct_text"].tolist() == ["1/3 · 1/3", "2/3 · 3/3"]
    spec = charts.sweep_heatmap(cells, "distinct", "Distinct", label="distinct_text").to_dict()
    assert [row["label"] for row in rows(spec)] == ["1/3 · 1/3", "2/3 · 3/3"]
    assert all(
        v["encoding"]["color"].get("legend", None) is None
        for v in views(spec)
        if "color" in v["encoding"] and "field" in v["encoding"]["color"]
    )
    assert [v["mark"]["fontSize"] for v in text_views(spec)] == [charts.FONT]  # cells wide enough for the text


def test_compared_output_bars_stand_in_the_legends_order(default_run, normal_run):
    paint = {"z first": "#0072B2", "a second": "#D55E00"}
    df = frames.outputs_frame({"z first": default_run, "a second": normal_run})
    offset = charts.outputs_chart(df, paint).to_dict()["layer"][0]["encoding"]["xOffset"]
    assert offset["sort"] == ["z first", "a second"]
