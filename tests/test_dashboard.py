"""The dashboard driven headless with Streamlit's AppTest: pages, tabs, and every bad input."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit import config
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest

import mlp
from lab import scrub
from lab.text import markdown_table
from mlp.findings import accuracy
from mlp.training import sweep
from ui.header import ACCURACY, OUTPUT

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
TIMEOUT = 60  # training the larger cases takes seconds on a shared 2-core machine


def fresh() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def open_tab(at: AppTest, label: str) -> AppTest:
    """Switch tabs as a click does (the tab and the link's ``tab``): only the open tab's content runs."""
    at.session_state["tab"] = label
    at.query_params["tab"] = label
    at.run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def all_text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.info])


def assert_page_alive(at: AppTest) -> None:
    """No exception, no error, and the question's run on screen again."""
    assert not at.exception
    assert not at.error
    assert metric(at, "Distinct hidden neurons")


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    return fresh()


def test_default_page_shows_the_questions_run(default_page):
    at = default_page
    assert metric(at, OUTPUT) == "0.5993"  # after 1,000 iterations, as the question printed
    assert metric(at, "Distinct hidden neurons") == "1/3 · 1/3"
    assert "computes only what a 2-1-1-2 network can" in " ".join(i.value for i in at.info)


def test_default_page_shows_the_questions_first_outputs(default_page):
    table = next(m.value for m in default_page.markdown if m.value.startswith("| obs"))
    assert not default_page.dataframe  # a Markdown table: the data grid's scripts stay out of the first load
    header, _, first, *rest = table.splitlines()
    assert header == "| obs | neuron | aᴸ at 0 | aᴸ at 1,000 | y | error |"
    # a^3 at iteration 0 and after 1,000 iterations, as the question printed them; the error is a^3 - y
    assert first == "| 0 | 0 | 0.9807 | 0.5993 | 0.2 | 0.3993 |"
    assert len(rest) == 3


def test_markdown_table_right_aligns_and_formats_numbers_to_four_digits():
    frame = pd.DataFrame({"obs": [0, 1], "aᴸ at 1,000": [0.599271, 3.3401e-10], "y|z": [1.0, float("nan")]})
    assert markdown_table(frame).splitlines() == [
        "| obs | aᴸ at 1,000 | y\\|z |",
        "| ---: | ---: | ---: |",
        "| 0 | 0.5993 | 1 |",
        "| 1 | 3.34e-10 | nan |",
    ]


@pytest.mark.slow
def test_every_tab_renders():
    at = fresh()
    tabs = ["Results", "Weights", "Neurons", "Symmetry", "Backprop maths", "Compare", "Lesson", "Sweep"]
    assert [t.label for t in at.tabs if t.label in tabs] == tabs  # the page's tabs (Results has two views of its own)
    for label in tabs:
        open_tab(at, label)
        shown = next(t for t in at.tabs if t.label == label)
        assert len(shown.children) > 0, label
        assert not at.error, label


def test_symmetry_tab_says_the_layers_are_clones():
    at = open_tab(fresh(), "Symmetry")
    assert "Hidden layer 1\\: its 3 neurons are clones from iteration 0 on" in all_text(at)
    assert "equal incoming weights (columns of $W^{0}$) and outgoing weights (rows of $W^{1}$)" in all_text(at)
    assert "equal gradients" in all_text(at)


def test_maths_tab_writes_the_questions_matrices_and_checks_gradients():
    at = open_tab(fresh(), "Backprop maths")
    assert len(at.latex) >= 10  # every matrix of one iteration is named in LaTeX
    a3 = next(df.value for df in at.dataframe if "a³₀" in df.value.columns and len(df.value) == 2)
    assert round(float(a3["a³₀"].iloc[0]), 4) == 0.9807  # the question's a^3 at iteration 0
    assert "agree:" in all_text(at)


@pytest.mark.slow
def test_slow_run_from_the_cache_renders_again():
    # A run slow enough to show a progress bar, trained, left, and served again from the cache.
    at = fresh()
    for iterations in (40_000, 1_000, 40_000):
        at.number_input(key="iterations").set_value(iterations).run()
        assert not at.exception
    assert metric(at, "Distinct hidden neurons") == "1/3 · 1/3"


def chart_data(at: AppTest) -> list[bytes]:
    """Every chart's data as sent to the browser (Arrow bytes), in page order."""
    return [b"".join(d.data.data for d in e.proto.datasets) for e in at.get("vega_lite_chart")]


def test_cached_charts_follow_the_snapshot_and_the_run():
    """Charts come from a cache keyed by run, view and snapshot: each key draws its own data."""
    at = fresh()
    at.text_input(key="layers").set_value("2,30,30,2").run()  # past the cells a browser scrubs: the server's slider
    at.radio(key="init").set_value("normal").run()
    open_tab(at, "Weights")
    last = chart_data(at)
    assert len(last) == 7  # W^0..W^2, their gradients, the hidden activations
    at.select_slider(key="weights_iteration").set_value(0).run()
    first = chart_data(at)
    assert all(a != b for a, b in zip(first, last))  # every matrix and activation moved in 1,000 steps
    open_tab(at, "Results")
    question = chart_data(at)
    at.number_input(key="init_scale").set_value(0.5).run()
    assert all(a != b for a, b in zip(chart_data(at), question))
    at.number_input(key="init_scale").set_value(1.0).run()
    assert chart_data(at) == question


@pytest.mark.parametrize("method", ["uniform", "normal", "xavier", "he"])
def test_random_initialization_makes_hidden_neurons_distinct(method):
    at = fresh()
    at.radio(key="init").set_value(method).run()
    assert not at.exception
    assert metric(at, "Distinct hidden neurons") == "3/3 · 3/3"


def test_noise_breaks_the_symmetry():
    at = fresh()
    at.number_input(key="noise").set_value(0.01).run()
    assert metric(at, "Distinct hidden neurons") == "3/3 · 3/3"


def test_question_preset_restores_the_questions_run():
    at = fresh()
    at.radio(key="init").set_value("normal").run()
    at.text_input(key="layers").set_value("2,5,2").run()
    button(at, "The question's network").click().run()
    assert at.radio(key="init").value == "constant"
    assert at.text_input(key="layers").value == "2,3,3,2"
    assert metric(at, OUTPUT) == "0.5993"


def test_new_seed_changes_only_the_seed():
    at = fresh()
    at.radio(key="init").set_value("normal").run()
    before = {k: at.session_state[k] for k in ("init", "init_scale", "lr", "layers", "seed")}
    button(at, "New seed").click().run()
    after = {k: at.session_state[k] for k in before}
    assert after["seed"] != before["seed"]
    assert {k: v for k, v in after.items() if k != "seed"} == {k: v for k, v in before.items() if k != "seed"}


def test_changing_data_keeps_hidden_sizes_and_follows_the_data():
    at = fresh()
    at.radio(key="data").set_value("xor").run()
    assert at.text_input(key="layers").value == "2,3,3,1"
    assert not at.exception and not at.error


def test_diverged_run_says_where_in_words():
    at = fresh()
    at.radio(key="activation").set_value("linear")
    at.radio(key="output_activation").set_value("linear")
    at.radio(key="init").set_value("normal")
    at.number_input(key="lr").set_value(5.0).run()
    assert not at.exception
    assert any("diverged at iteration" in e.value for e in at.error)


BAD_WIDGET_VALUES = [
    ("text_input", "layers", "2,0,2", "layers"),
    ("text_input", "layers", "abc", "layers"),
    ("text_input", "layers", "3,3,2", "first size must be 2"),
    ("number_input", "lr", 0.0, "lr"),
]  # iterations over the budget: the widget's maximum is the budget's (tests/test_bad_inputs.py)


@pytest.mark.parametrize(("kind", "key", "value", "words"), BAD_WIDGET_VALUES)
def test_bad_widget_value_shows_one_error_and_page_recovers(kind, key, value, words):
    at = fresh()
    widget = getattr(at, kind)(key=key)
    good = widget.value
    widget.set_value(value).run()
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value
    getattr(at, kind)(key=key).set_value(good).run()
    assert_page_alive(at)


def custom_page() -> AppTest:
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    assert not at.exception and not at.error
    return at


def test_custom_table_trains_on_the_questions_data_by_default():
    at = custom_page()
    assert metric(at, OUTPUT) == "0.5993"


def test_edited_table_with_empty_cell_is_explained():
    at = custom_page()
    at.session_state["table_editor"] = {"edited_rows": {1: {"x2": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert any("row 2, column x2 is empty" in e.value for e in at.error)


def test_csv_upload_replaces_the_table_and_the_layers_follow():
    at = custom_page()
    at.file_uploader(key="csv_upload").set_value(("gate.csv", b"x1,x2,x3,y1\n0,0,1,0\n1,1,0,1\n", "text/csv")).run()
    assert not at.exception and not at.error
    assert at.text_input(key="layers").value == "3,3,3,1"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"x1,x2\n0,1\n", "header"),
        (b"x1,y1\n0,abc\n", "row 2, column y1"),
        (b"x1,x2,y1\n", "no data rows"),
        (b"\x00\x01\x02" * 1000, "not text"),
        (b"\xff\xfe" * 10, "not UTF-8"),
        (b"junk," * 2_100_000, "10 MB"),
    ],
    ids=["missing-y", "non-number", "no-rows", "binary", "not-utf8", "10MB-junk"],
)
def test_bad_csv_upload_is_explained(content, words):
    at = custom_page()
    at.file_uploader(key="csv_upload").set_value(("data.csv", content, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value


def test_sweep_trains_the_grid_and_opens_a_run():
    at = open_tab(fresh(), "Sweep")
    button(at, "Run sweep").click().run()
    assert not at.exception and not at.error
    assert any("48 runs of 1,000 iterations" in m.value for m in at.markdown)  # 3 starts x 4 lrs x 4 seeds
    assert any("Products summed term by term, in order" in m.value for m in at.markdown)
    best = next(m.value for m in at.markdown if "final cost" in m.value)
    button(at, "Open").click().run()
    assert not at.exception
    start, optimizer, lr, seed = best.split(" · ")[:4]
    assert at.radio(key="init").value == start.split()[0]
    assert at.number_input(key="lr").value == float(lr.split()[1])
    assert len(at.session_state["kept"]) == 1  # opened runs are kept, ready to compare
    assert at.session_state["tab"] == "Results"  # it opens on Results, and says what it opened
    said = " ".join(s.value for s in at.success)
    assert f"Opened from the sweep: {start} · {optimizer} · {lr}, {seed.split(':')[0]} (kept" in said
    cost = float(best.split("**")[1])
    assert metric(at, "Final cost") == f"{cost:.4g}"  # the same run as the sweep's
    # ... to the last bit: the sweep summed its products in order, and so does the opened run.
    opened = at.session_state["kept"][0].config
    assert at.radio(key="products").value == opened.products == "in_order"
    result = sweep(at.session_state["sweep_spec"])
    assert mlp.train(opened).final_loss == result.final_loss[result.configs.index(opened)]
    # Results says why the run summed by BLAS may differ, and on demand how far.
    assert any(c.value.startswith("Products summed term by term, in order") for c in at.caption)
    at.toggle(key="blas_rerun").set_value(True).run()
    blas = mlp.train(opened.replace(products="blas")).final_loss
    said = next(c.value for c in at.caption if c.value.startswith("Summed by BLAS"))
    assert f"{blas:.17g}" in said or f"same cost, {blas:.6g}" in said


def test_a_run_summed_by_blas_says_nothing_of_products():
    at = fresh()
    assert at.radio(key="products").value == "blas"
    assert not any("term by term" in c.value for c in at.caption)


def test_bad_sweep_list_is_explained():
    at = open_tab(fresh(), "Sweep")
    at.text_input(key="sweep_lrs").set_value("0.1, 0")
    button(at, "Run sweep").click().run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("lr")


def test_a_crash_shows_the_visitor_nothing_internal(monkeypatch):
    # The project's .streamlit/config.toml, as a server started from the repository reads it.
    monkeypatch.chdir(Path(APP).parent)
    config.get_config_options(force_reparse=True)
    try:
        at = AppTest.from_string("raise RuntimeError('secret at /srv/app/ui/tabs.py')", default_timeout=TIMEOUT).run()
        shown = [e.proto for e in at.exception]
        assert len(shown) == 1
        text = " ".join([shown[0].message, shown[0].type, *shown[0].stack_trace])
        assert "secret" not in text and "/srv/app" not in text and "RuntimeError" not in text
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


def test_sweep_of_150_learning_rates_draws_its_heatmaps():
    at = open_tab(fresh(), "Sweep")
    at.text_input(key="sweep_inits").set_value("normal 1")
    at.text_input(key="sweep_lrs").set_value(", ".join(f"{0.01 * k:g}" for k in range(1, 151)))
    at.text_input(key="sweep_seeds").set_value("0")
    button(at, "Run sweep").click().run()
    assert not at.exception and not at.error
    assert any("150 runs of 1,000 iterations" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 3


def chart_titles(at: AppTest) -> list:
    return [json.loads(e.proto.spec).get("title") for e in at.get("vega_lite_chart")]


@pytest.mark.slow
def test_weights_of_a_deep_network_are_drawn_ten_matrices_at_a_time():
    at = fresh()
    at.radio(key="data").set_value("xor").run()
    at.text_input(key="layers").set_value(",".join(["2", *["26"] * 20, "1"])).run()  # too many cells to scrub
    open_tab(at, "Weights")
    assert at.radio(key="weights_matrices").options == ["W⁰ to W⁹", "W¹⁰ to W¹⁹", "W²⁰"]
    titles = chart_titles(at)
    assert titles[:4] == ["W⁰", "dC/dW⁰", "W¹", "dC/dW¹"] and len(titles) == 2 * 10 + 1  # and the activations
    at.radio(key="weights_matrices").set_value("W²⁰").run()
    assert not at.exception and chart_titles(at)[:2] == ["W²⁰", "dC/dW²⁰"] and len(chart_titles(at)) == 3


@pytest.mark.slow
def test_the_maths_of_a_deep_network_is_written_out_three_matrices_at_a_time():
    at = fresh()
    at.text_input(key="layers").set_value(",".join(["2", *["3"] * 6, "2"])).run()  # W^0 .. W^6
    open_tab(at, "Backprop maths")
    assert at.radio(key="maths_matrices").options == ["W⁰ to W²", "W³ to W⁵", "W⁶"]
    first = [e.value.strip("$\n") for e in at.latex]
    assert first[:2] == ["[\\,1 \\mid a^{0}\\,]", "n^{1} = [\\,1 \\mid a^{0}\\,]\\, W^{0}"]
    assert any("W^{2}" in t for t in first) and not any("W^{3}" in t for t in first)
    at.radio(key="maths_matrices").set_value("W⁶").run()
    last = [e.value for e in at.latex]
    assert not at.exception and any("W^{6}" in t for t in last) and not any("W^{5}" in t for t in last)


@pytest.mark.slow
def test_main_area_widgets_take_their_values_from_the_session_only(monkeypatch):
    # ui/state.py sets the main area's keys before their widgets, which get no default of their own, so
    # Streamlit's "created with a default value but also set via the Session State API" never applies to
    # them (the sidebar's widgets still need .streamlit/config.toml's disableWidgetStateDuplicationWarning).
    said: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: said.append(record.getMessage())
    logger = logging.getLogger(policies.__name__)
    logger.addHandler(handler)
    config.set_option("global.disableWidgetStateDuplicationWarning", False)
    try:
        at = fresh()
        button(at, "Set up the question's lesson").click().run()
        for tab in ["Weights", "Backprop maths", "Compare", "Sweep", "Results"]:
            monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # else it warns once per process
            open_tab(at, tab)
    finally:
        logger.removeHandler(handler)
        config.get_config_options(force_reparse=True)
    assert not [m for m in said if "default value but also had its value set" in m]


def link_page(query: dict[str, str], tab: str = "Results") -> AppTest:
    """A new session opening the link ``query`` on ``tab``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in {**query, "tab": tab}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    return at


CIRCLE = {"data": "circle", "points": "200", "init": "normal", "iterations": "20"}


def test_outputs_table_shows_its_first_rows_and_says_so():
    at = link_page({**CIRCLE, "layers": "2,4,1"})
    table = next(df.value for df in at.dataframe if "aᴸ at 20" in df.value.columns)
    run = mlp.train(mlp.Config(data="circle", points=200, layers=(2, 4, 1), init="normal", iterations=20))
    assert len(table) == 100
    np.testing.assert_allclose(table["aᴸ at 20"], run.outputs[:100, 0], rtol=1e-12)
    assert "The first 100 of 200 rows; 'Download', 'Outputs CSV' above holds them all." in [c.value for c in at.caption]


def test_maths_tables_show_a_corner_of_large_matrices_and_say_so():
    at = link_page({**CIRCLE, "layers": "2,20,1"}, "Backprop maths")
    run = mlp.train(mlp.Config(data="circle", points=200, layers=(2, 20, 1), init="normal", iterations=20))
    steps = {s.symbol: s for s in mlp.trace(run.config.architecture, run.weights[0], run.inputs, run.targets)}
    notes = [c.value for c in at.caption]
    assert "200 x 3: the first 20 rows" in notes  # [1 | a^0]
    assert "3 x 20: the first 12 columns" in notes  # dC/dW^0
    assert "200 x 20: the first 20 rows and 12 columns" in notes  # n^1, a^1 ...
    dW = next(df.value for df in at.dataframe if list(df.value.index) == ["1 (bias)", "a⁰₀", "a⁰₁"])
    assert dW.shape == (3, 12)
    np.testing.assert_allclose(dW.to_numpy(), steps["dC/dW^0"].value[:, :12], rtol=1e-12)


def test_gradient_check_of_a_costly_network_is_skipped_with_its_price():
    at = link_page({**CIRCLE, "layers": "2,40,40,1"}, "Backprop maths")
    said = " ".join(i.value for i in at.info)
    assert (
        "Skipped: the check runs two passes over all 200 observations for each of the 1,801 weights, "
        "1.3e+09 multiply-adds (at most 2e+08)."
    ) in said
    assert "agree" not in all_text(at)


def test_json_download_of_a_run_with_many_snapshot_values_leaves_them_out_and_says_so():
    at = link_page({"layers": "2,128,128,2", "init": "normal", "snapshots": "40", "iterations": "39"})
    helps = [e.proto.help for e in at.get("download_button")]
    assert any(h.startswith("Configuration, loss history, no snapshots (more than 1,000,000 values)") for h in helps)
    at = link_page({"init": "normal"})
    helps = [e.proto.help for e in at.get("download_button")]
    assert any(h.startswith("Configuration, loss history, snapshots and outputs") for h in helps)


def test_a_sweep_cell_of_many_seeds_lists_its_best_runs_and_says_so():
    at = open_tab(fresh(), "Sweep")
    at.text_input(key="sweep_inits").set_value("normal 1")
    at.text_input(key="sweep_lrs").set_value("0.5")
    at.text_input(key="sweep_seeds").set_value(",".join(str(seed) for seed in range(20)))
    button(at, "Run sweep").click().run()
    at.session_state["sweep_loss_map"] = {"selection": {"cell": [{"cell": "normal 1 · gd · lr 0.5"}]}}  # a click
    at.run()
    assert not at.exception
    assert "The 16 with the lowest final cost of its 20 runs." in [c.value for c in at.caption]
    listed = [float(m.value.split("**")[1]) for m in at.markdown if "final cost **" in m.value]
    assert len(listed) == 16 and listed == sorted(listed)
    assert len([b for b in at.button if b.label == "Open"]) == 16


def layout(node, path: tuple = ()) -> list[tuple]:
    """Every element and block under ``node`` as (path, type), in page order."""
    out = []
    for i, child in sorted(getattr(node, "children", {}).items()):
        out += [(path + (i,), child.type), *layout(child, path + (i,))]
    return out


def test_a_run_from_the_cache_keeps_every_element_in_its_place():
    # A miss trains under a progress placeholder; a hit draws the same placeholder, so the browser updates the
    # charts where they are instead of drawing them again (shifted elements cost 0.3 s of redrawing a rerun).
    at = fresh()
    at.number_input(key="init_scale").set_value(0.61).run()  # a new run: trained
    trained = layout(at.main)
    at.number_input(key="init_scale").set_value(1.0).run()  # the question's run: from the cache
    assert layout(at.main) == trained


# Every action answers.


def test_setting_up_the_lesson_opens_compare_with_the_two_runs_and_says_so():
    at = fresh()
    button(at, "Set up the question's lesson").click().run()
    assert not at.exception
    assert at.session_state["tab"] == "Compare"
    assert "Kept two runs" in " ".join(s.value for s in at.success)
    kept = at.session_state["kept"]
    assert [k.config for k in kept] == [mlp.Config(), mlp.Config(init="normal")]
    assert at.multiselect(key="compare_selection").value == [str(k.id) for k in kept]
    assert len(at.get("vega_lite_chart")) >= 4  # the Compare tab is drawn: cost, symmetry, outputs, W^l
    button(at, "Set up the question's lesson").click().run()
    assert "Both runs were kept already" in " ".join(s.value for s in at.success)


def test_keep_this_run_says_so():
    at = fresh()
    button(at, "Keep this run").click().run()
    assert "Kept." in " ".join(s.value for s in at.success)
    button(at, "Keep this run").click().run()
    assert "This run is kept already." in " ".join(s.value for s in at.success)


def test_an_uploaded_run_is_kept_selected_and_said_once():
    at = open_tab(fresh(), "Compare")
    assert "No kept runs yet" in " ".join(i.value for i in at.info)
    run = json.dumps({"config": mlp.Config(init="normal", iterations=50).to_mapping()})
    at.file_uploader(key="run_upload").set_value(("run.json", run.encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert not [i for i in at.info if "No kept runs yet" in i.value]  # the upload is kept before the list is drawn
    assert any(s.value.startswith("Kept. The uploaded run") for s in at.success)
    (kept,) = at.session_state["kept"]
    assert kept.config == mlp.Config(init="normal", iterations=50)
    selector = at.multiselect(key="compare_selection")
    assert "init=normal 1, iterations=50" in selector.options and selector.value == ["current", str(kept.id)]


@pytest.mark.slow
def test_each_compared_run_keeps_its_colour_when_the_selection_changes():
    at = fresh()
    button(at, "Set up the question's lesson").click().run()
    question, random_start = (str(k.id) for k in at.session_state["kept"])

    def colours() -> dict[str, str]:
        spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the cost chart
        scale = spec["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"]))

    first = colours()
    at.multiselect(key="compare_selection").set_value([random_start, "current", question]).run()
    again = colours()
    assert len(set(again.values())) == 3
    assert {name: again[name] for name in first} == first


def test_accuracy_is_shown_beside_the_cost_for_classification_data():
    config = mlp.recipe(mlp.Config(data="xor", layers=(2, 3, 1)))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in config.to_query().items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    right = accuracy(mlp.train(config))
    assert right == 1.0 and metric(at, ACCURACY) == "100.0%"
    labels = [m.label for m in at.metric]
    assert labels.index(ACCURACY) == labels.index("Final cost") + 1


def test_no_accuracy_for_targets_that_are_not_classes(default_page):
    assert ACCURACY not in [m.label for m in default_page.metric]  # the question's targets 0.2, 0.4 ...


@pytest.mark.slow
def test_kept_runs_are_renamed_by_an_edit_only():
    at = fresh()
    button(at, "Set up the question's lesson").click().run()
    upload = json.dumps({"config": mlp.Config(lr=0.25).to_mapping()}).encode()
    at.file_uploader(key="run_upload").set_value(("run.json", upload, "application/json")).run()
    assert [k.name for k in at.session_state["kept"]] == ["", "", ""]  # names made from settings follow them
    assert at.text_input(key="kept_name_1").value == "init=constant 1, lr=0.5"  # what differs among the kept
    at.text_input(key="kept_name_1").set_value("every weight 1").run()
    assert [k.name for k in at.session_state["kept"]] == ["every weight 1", "", ""]
    assert "every weight 1" in at.multiselect(key="compare_selection").options


@pytest.mark.slow
def test_compare_of_a_deep_network_draws_five_matrices_at_a_time():
    at = fresh()
    at.text_input(key="layers").set_value(",".join(["2", *["3"] * 11, "2"])).run()  # W^0 .. W^11
    button(at, "Keep this run").click().run()
    at.number_input(key="lr").set_value(1.0).run()
    open_tab(at, "Compare")
    assert at.radio(key="compare_matrices").options == ["W⁰ to W⁴", "W⁵ to W⁹", "W¹⁰ to W¹¹"]
    assert scrubbed_matrices(at) == ["W⁰", "W¹", "W²", "W³", "W⁴"] * 2  # small: both runs in one scrubbed chart
    at.radio(key="compare_matrices").set_value("W¹⁰ to W¹¹").run()
    assert not at.exception and scrubbed_matrices(at) == ["W¹⁰", "W¹¹"] * 2


def test_compare_of_a_wide_network_draws_on_the_server_at_one_iteration():
    at = fresh()
    at.text_input(key="layers").set_value("2,40,40,2").run()  # 40 x 41 = 1,640 weights in W^1 alone
    button(at, "Keep this run").click().run()
    at.number_input(key="lr").set_value(1.0).run()
    open_tab(at, "Compare")
    assert any("the server draws the iteration of this slider" in c.value for c in at.caption)
    assert at.slider(key="compare_iteration").value == 1000
    assert compared_matrices(at) == ["W⁰", "W¹", "W²"]


def scrubbed_matrices(at: AppTest) -> list[str]:
    """The titles of the heatmaps in the Compare tab's scrubbed chart, run after run."""
    spec = next(s for s in map(json.loads, (e.proto.spec for e in at.get("vega_lite_chart"))) if "params" in s)
    return [m["title"] for column in spec["hconcat"] for m in column["vconcat"]]


def compared_matrices(at: AppTest) -> list[str]:
    """The W^l whose rows of side-by-side heatmaps the Compare tab draws (each run's subtitle names it)."""
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    titles = [s["hconcat"][0]["title"] for s in specs if "hconcat" in s]
    rows = [t["subtitle"] for t in titles if isinstance(t, dict) and "subtitle" in t]
    return [(row if isinstance(row, str) else row[0]).split(" at ")[0] for row in rows]


def test_the_main_areas_choices_are_kept_by_the_session_so_they_outlive_their_tab():
    # Streamlit forgets a widget's value after a run that does not draw it; ui.state.init() writes back
    # every key it owns each run (tests/test_lesson_page.py checks it on the lesson's step). AppTest cannot
    # switch tabs with the Compare tab's selection of kept-run ids drawn, so the keys are checked here.
    from ui import state

    widgets = {state.COMPARE_SELECTION, state.COMPARE_MATRICES, state.WEIGHTS_MATRICES, state.MATHS_MATRICES}
    widgets |= {state.LESSON_STEP, state.COMPARE_ALL_SETTINGS, state.LOSS_LOG, state.CHAOS}
    assert widgets <= set(state._DEFAULTS)


@pytest.mark.slow
def test_weights_of_many_small_layers_are_drawn_on_the_server_not_in_one_heavy_chart():
    at = fresh()
    at.radio(key="data").set_value("xor").run()
    at.text_input(key="layers").set_value(",".join(["2", *["8"] * 12, "1"])).run()  # few cells, many heatmaps
    open_tab(at, "Weights")
    assert any(f"more than the {scrub.MAX_HEATMAPS} one chart holds" in c.value for c in at.caption)
    assert at.select_slider(key="weights_iteration") is not None
