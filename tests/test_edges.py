"""Numerical edges and properties: the parser only ever raises ConfigError, valid settings survive every
round trip, and runs at the edges (huge starts, diverging rates, dead relus, one observation, one neuron,
20 layers) end with an honest status, no exception and no RuntimeWarning, on the engine and on the page.

tests/test_config.py already feeds short text and small JSON values to every field and round-trips small
valid configurations; this file adds numbers of any size, tables, argv and JSON text, wide custom tables,
exported runs and sweeps.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import mlp
from lab import charts, diagnosis, frames
from mlp import Config, ConfigError, DataError, Run, train
from mlp.cli import UsageError, parse_config, summary, trace_text
from mlp.config import PARSERS, SWEEP_FIELDS, SweepSpec
from mlp.export import run_to_dict

pytestmark = pytest.mark.slow  # a minute or more: every edge trained, generated inputs at every entrance

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
TIMEOUT = 60
FINITE = {"allow_nan": False, "allow_infinity": False}

# ---------------------------------------------------------------------------------------------------
# The parser: anything in, a Config or a ConfigError out.

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),  # past the float range: float() overflows
    st.floats(),  # NaN, infinities, subnormals, -0.0
    st.floats().map(np.float64),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.booleans(),
)
number_text = st.from_regex(r"\A\s*[-+]?(\d{0,400}|nan|inf|infinity)\.?\d{0,5}([eE][-+]?\d{1,4})?\s*\Z")


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(list(PARSERS)), value=st.one_of(numbers, number_text, st.text(max_size=20)))
@example(field="lr", value=10**400)
@example(field="init_scale", value=-(10**400))
def test_config_any_number_or_text_gives_config_or_config_error(field, value):
    try:
        config = Config.from_mapping({field: value})
    except ConfigError as error:
        assert str(error).startswith(f"{error.field}: ") and "\n" not in str(error)
    else:
        assert isinstance(config, Config)


cell = st.one_of(st.floats(), st.integers(min_value=-(10**400), max_value=10**400), st.text(max_size=5), st.none())
tables = st.one_of(
    st.lists(st.lists(cell, max_size=4), max_size=4),
    st.text(alphabet="0123456789.,;-+eE nai", max_size=30),
    numbers,
)


@settings(max_examples=300, deadline=None)
@given(inputs=tables, targets=tables)
@example(inputs=[[10**400]], targets=[[1.0]])
def test_custom_tables_give_config_or_config_error(inputs, targets):
    try:
        Config.from_mapping({"data": "custom", "inputs": inputs, "targets": targets})
    except ConfigError as error:
        assert str(error).startswith(f"{error.field}: ") and "\n" not in str(error)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(list(PARSERS)), text=st.one_of(number_text, st.text(max_size=30)))
def test_cli_any_flag_value_gives_config_or_one_line_error(field, text):
    try:
        parse_config([f"--{field.replace('_', '-')}={text}"])
    except (ConfigError, DataError, UsageError) as error:
        assert "\n" not in str(error)


json_values = st.recursive(
    st.none() | st.booleans() | numbers.filter(lambda v: not isinstance(v, np.generic)) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([*PARSERS, "x"]), children),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=60), json_values.map(json.dumps)))
@example(text="[" * 100_000 + "]" * 100_000)  # json.loads raises RecursionError
@example(text='{"lr": 1' + "0" * 400 + "}")
def test_config_from_json_any_text_gives_config_or_config_error(text):
    try:
        Config.from_json(text)
    except ConfigError as error:
        assert "\n" not in str(error)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(SWEEP_FIELDS), value=st.one_of(json_values, number_text, st.text(max_size=30)))
@example(field="lrs", value=[10**400])
def test_sweep_any_list_gives_spec_or_config_error(field, value):
    try:
        SweepSpec.from_mapping({field: value})
    except ConfigError as error:
        assert str(error).startswith(f"{error.field}: ") and "\n" not in str(error)


# ---------------------------------------------------------------------------------------------------
# Round trips the existing tests leave thin: wide custom tables of awkward floats, exported runs, sweeps.

ROUND_TRIPS = {
    "query": lambda c: Config.from_mapping(c.to_query()),
    "json": lambda c: Config.from_json(c.to_json()),
    "cli": lambda c: parse_config(c.to_args()),
}
awkward = st.one_of(
    st.floats(-1e6, 1e6, **FINITE),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-300, 0.1 + 0.2, 1 / 3, 1e6, -1e6, 2.0**-1074]),
)


@st.composite
def custom_configs(draw) -> Config:
    rows, n_in, n_out = draw(st.integers(1, 40)), draw(st.integers(1, 12)), draw(st.integers(1, 4))
    table = st.lists(st.lists(awkward, min_size=n_in + n_out, max_size=n_in + n_out), min_size=rows, max_size=rows)
    values = draw(table)
    hidden = draw(st.lists(st.integers(1, 6), max_size=2))
    return Config(
        data="custom",
        inputs=tuple(tuple(v[:n_in]) for v in values),
        targets=tuple(tuple(v[n_in:]) for v in values),
        layers=(n_in, *hidden, n_out),
        output_activation="linear",
        iterations=draw(st.integers(0, 20)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(config=custom_configs())
def test_custom_tables_survive_every_round_trip_bit_for_bit(config):
    for trip in ROUND_TRIPS.values():
        back = trip(config)
        assert back == config and hash(back) == hash(config)
        for mine, theirs in ((back.dataset.X, config.dataset.X), (back.dataset.Y, config.dataset.Y)):
            np.testing.assert_array_equal(mine, theirs)
            np.testing.assert_array_equal(np.signbit(mine), np.signbit(theirs))  # -0.0 stays -0.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(config=custom_configs())
def test_exported_run_reruns_its_config(config):
    exported = json.dumps(run_to_dict(train(config)))
    assert Config.from_json(exported) == config  # `python -m mlp --config run.json`


@st.composite
def sweep_specs(draw) -> SweepSpec:
    def unique(elements):
        return draw(st.lists(elements, min_size=1, max_size=3, unique=True))

    return SweepSpec(
        draw(st.sampled_from([Config(iterations=5), Config(data="xor", layers=(2, 2, 1), iterations=3)])),
        inits=tuple(unique(st.tuples(st.sampled_from(list(mlp.INITIALIZERS)), st.floats(-1e6, 1e6, **FINITE)))),
        noises=tuple(unique(st.floats(0.0, 1e6, **FINITE))),
        lrs=tuple(unique(st.floats(0.0, 1e6, exclude_min=True, **FINITE))),
        optimizers=tuple(unique(st.sampled_from(list(mlp.OPTIMIZERS)))),
        seeds=tuple(unique(st.integers(0, 2**32 - 1))),
        threshold=draw(st.floats(0.0, 1e6, **FINITE)),
    )


@settings(max_examples=100, deadline=None)
@given(spec=sweep_specs())
def test_sweep_specs_survive_url_and_json_round_trips(spec):
    for back in (
        SweepSpec.from_mapping(spec.to_query()),
        SweepSpec.from_mapping(json.loads(json.dumps(spec.to_mapping()))),
    ):
        assert back == spec and hash(back) == hash(spec)
        assert back.configs() == spec.configs()


# ---------------------------------------------------------------------------------------------------
# Runs at the edges: each one trained, drawn (frames, charts, words) and summed up without a warning.

DEEP = (2,) + (3,) * 18 + (2,)  # 20 layers: 18 hidden
LINEAR = {"activation": "linear", "output_activation": "linear"}
EDGES = {
    "init-1e6-sigmoid": (Config(init="normal", init_scale=1e6), "finished"),
    "init-1e6-tanh": (Config(init="normal", init_scale=1e6, activation="tanh"), "finished"),
    "init-1e6-relu": (Config(init="normal", init_scale=1e6, activation="relu"), "finished"),
    "init-1e6-relu-linear-output": (
        Config(init="normal", init_scale=1e6, activation="relu", output_activation="linear"),
        "finished",
    ),
    "lr-5-gd-diverges": (Config(init="normal", lr=5.0, **LINEAR), "diverged"),
    "lr-100-momentum-diverges": (Config(init="normal", lr=100.0, optimizer="momentum", **LINEAR), "diverged"),
    "lr-1000-relu-diverges": (
        Config(init="normal", lr=1e3, activation="relu", output_activation="linear"),
        "diverged",
    ),
    "diverges-at-iteration-0": (  # 29 linear hidden layers of weights 1e6 on an input of 1e6: a^L ~ 1e200
        Config(
            data="custom", inputs=((1e6,),), targets=((0.0,),), layers=(1,) + (3,) * 29 + (1,),
            init_scale=1e6, iterations=5, **LINEAR,
        ),
        "diverged",
    ),
    "dead-relu": (Config(init="constant", init_scale=-1.0, activation="relu"), "finished"),
    "one-observation": (Config(data="custom", inputs=((0.8, 0.4),), targets=((0.2, 0.4),)), "finished"),
    "one-neuron": (Config(data="and", layers=(2, 1, 1), init="normal"), "finished"),
    "20-layers": (Config(layers=DEEP, init="normal"), "finished"),
    "20-layers-constant": (Config(layers=DEEP), "finished"),
}  # fmt: skip
BARE = re.compile(r"(?<![A-Za-z])[-+]?(?:nan|inf)(?![A-Za-z])")  # how Python prints NaN and infinities
SAID = re.compile(r"diverged|non-finite|infinite or NaN|NaN or infinite")


def bare_numbers(text: str) -> list[str]:
    """A NaN or infinity printed as a number in ``text`` that does not say, in words, why."""
    return [] if SAID.search(text) else BARE.findall(text)


def everything_about(run: Run) -> list[str]:
    """Build every frame and chart the dashboard builds, and return every sentence the lab says.

    Frames at the first and last snapshot; heatmaps (slow to build) of the first and last matrix only.
    """
    last = len(run.weights) - 1
    runs = {"run": run}
    chart_list = [
        charts.loss_chart(frames.loss_frame(runs)),
        charts.outputs_chart(frames.outputs_frame(runs)),
        charts.symmetry_chart(frames.symmetry_frame(runs)),
    ]
    for s in (0, last):  # the frames of the first snapshot, then of the last one, which is drawn
        gradients = [frames.matrix_frame(G, l) for l, G in enumerate(run.gradients[s])]
        matrices = [*frames.weights_frames(run, s), *gradients]
        activations = frames.activations_frame(run, s)
    chart_list += [charts.heatmap(df, "W") for df in (matrices[0], matrices[-1])]
    if len(activations):
        ends = activations["layer"].isin([1, activations["layer"].max()])  # first and last hidden layer
        chart_list.append(charts.activations_chart(activations[ends]))
    if (surface := frames.surface_frame(run)) is not None:
        chart_list.append(charts.surface_chart(surface, frames.points_frame(run)))
    for chart in chart_list:
        chart.to_dict(validate=False)
    for step in frames.trace_steps(run, 0):
        frames.step_table(step)
    mlp.gradient_check(run.config.architecture, run.weights[0], run.inputs, run.targets)
    found = mlp.findings(run)
    words = [diagnosis.status_sentence(run), *diagnosis.diagnose(found), diagnosis.headline(run, found) or ""]
    # The CLI prints the summary, then the trace: a trace of inf gradients follows its status line.
    return [*words, *summary(run).splitlines(), summary(run) + "\n" + trace_text(run)]


@pytest.fixture(scope="module")
def edge_runs() -> dict[str, tuple[Run, list[str]]]:
    """Each edge trained once, with warnings as errors, and everything said about it."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, (config, _) in EDGES.items():
            run = train(config)
            out[name] = (run, everything_about(run))
    return out


def cost(config: Config, weights: list[np.ndarray]) -> float:
    with np.errstate(all="ignore"):
        return mlp.gradients(config.architecture, weights, config.dataset.X, config.dataset.Y).loss


@pytest.mark.parametrize("name", EDGES)
def test_edge_run_has_an_honest_status(edge_runs, name):
    run, said = edge_runs[name]
    config, status = EDGES[name]
    assert run.status == status
    history = run.loss_history
    assert np.all(np.isfinite(history))
    if status == "finished":
        assert run.diverged_at is None and len(history) == config.iterations + 1
        np.testing.assert_allclose(cost(config, run.final_weights), run.final_loss, rtol=1e-9)
    else:
        k = run.diverged_at
        assert len(history) == k and run.iterations_run == max(k - 1, 0)
        if k == 0:  # the very first cost is infinite: nothing finite to report
            assert np.isnan(run.final_loss) and not np.isfinite(cost(config, run.weights[0]))
        else:
            assert np.isfinite(cost(config, run.final_weights))
        assert f"diverged at iteration {k:,}" in summary(run)
        assert any(f"diverged at iteration {k:,}" in sentence for sentence in said)
    assert all(np.isfinite(W).all() for weights in run.weights for W in weights)
    for sentence in said:
        assert not bare_numbers(sentence), sentence


def test_gd_divergence_is_one_step_past_the_last_finite_weights(edge_runs):
    # Independent oracle: one more plain gradient step from the record's last weights is not finite.
    run, _ = edge_runs["lr-5-gd-diverges"]
    c = run.config
    grads = mlp.gradients(c.architecture, run.final_weights, c.dataset.X, c.dataset.Y)
    assert np.isfinite(grads.loss)
    stepped = [W - c.lr * G for W, G in zip(run.final_weights, grads.grads)]
    assert not np.isfinite(cost(c, stepped))


@pytest.mark.parametrize(("name", "low", "high"), [("init-1e6-sigmoid", 0.0, 1.0), ("init-1e6-tanh", -1.0, 1.0)])
def test_huge_start_saturates_every_hidden_neuron(edge_runs, name, low, high):
    run, _ = edge_runs[name]
    c = run.config
    for a in mlp.activations(c.architecture, run.weights[0], run.inputs)[1:-1]:
        assert np.all(np.isclose(a, low, atol=1e-9) | np.isclose(a, high, atol=1e-9))


def test_dead_relu_neurons_stay_dead_and_their_weights_never_move(edge_runs):
    run, said = edge_runs["dead-relu"]
    c = run.config
    for weights, gradients in zip(run.weights, run.gradients):
        hidden = mlp.activations(c.architecture, weights, run.inputs)[1:-1]
        assert all(np.all(a == 0.0) for a in hidden)  # relu(-1 - 1 x ...) = 0 for every neuron
        assert np.all(gradients[0] == 0.0) and np.all(gradients[1] == 0.0)
    np.testing.assert_array_equal(run.final_weights[0], run.weights[0][0])
    assert np.all(run.distinct_neurons == 1)
    assert any("clones" in sentence for sentence in said)


def test_one_observation_trains_towards_its_target(edge_runs):
    run, _ = edge_runs["one-observation"]
    assert run.outputs.shape == (1, 2) and run.final_loss < run.loss_history[0] / 10


def test_one_neuron_says_so_instead_of_printing_its_nan_gap(edge_runs):
    run, said = edge_runs["one-neuron"]
    assert run.distinct_neurons[-1].tolist() == [1] and np.isnan(run.symmetry_gap[-1, 0])  # documented: no pair
    assert "clone" not in summary(run) and "symmetr" not in summary(run)  # a single neuron: no symmetry talk
    assert not any("clone" in sentence or "symmetr" in sentence for sentence in said)  # nor on the page


@pytest.mark.parametrize("name", ["20-layers", "20-layers-constant"])
def test_twenty_layers_measure_all_eighteen_hidden_layers(edge_runs, name):
    run, _ = edge_runs[name]
    assert run.distinct_neurons.shape[1] == 18
    expected = 1 if name.endswith("constant") else 3
    assert np.all(run.distinct_neurons[-1] == expected)


def test_a_run_diverged_at_iteration_0_draws_an_empty_loss_curve(edge_runs):
    run, _ = edge_runs["diverges-at-iteration-0"]
    assert run.diverged_at == 0 and len(frames.loss_frame({"run": run})) == 0


# ---------------------------------------------------------------------------------------------------
# The same edges on the page: diverged in words, and no NaN printed as a number without saying so.

RUN_TABS = ("Results", "Weights", "Neurons", "Symmetry", "Backprop maths")
SIDEBAR = [name for name in PARSERS if name not in ("inputs", "targets")]


def show(config: Config) -> AppTest:
    """The dashboard showing ``config``: every sidebar widget set as a preset sets them."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    values = config.to_mapping() | {"layers": ",".join(map(str, config.layers))}
    for name in SIDEBAR:
        at.session_state[name] = values[name]
    if config.data == "custom":
        data = config.dataset
        columns = [f"x{i + 1}" for i in range(data.n_inputs)] + [f"y{j + 1}" for j in range(data.n_outputs)]
        at.session_state["custom_table"] = pd.DataFrame(np.hstack([data.X, data.Y]), columns=columns)
    return at.run()


def page_texts(at: AppTest) -> list[str]:
    """Every element's text; a metric as 'label: value'."""
    elements = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success, *at.subheader]
    return [str(e.value) for e in elements] + [f"{m.label}: {m.value}" for m in at.metric]


PAGE_EDGES = [
    pytest.param(EDGES["lr-5-gd-diverges"][0], id="lr-5-gd-diverges"),
    pytest.param(EDGES["init-1e6-sigmoid"][0], id="init-1e6-sigmoid"),
    pytest.param(EDGES["dead-relu"][0], id="dead-relu"),
    pytest.param(EDGES["one-observation"][0], id="one-observation"),
    pytest.param(EDGES["one-neuron"][0], id="one-neuron"),
    pytest.param(EDGES["20-layers"][0], id="20-layers"),
    pytest.param(
        EDGES["diverges-at-iteration-0"][0],
        id="diverges-at-iteration-0",
    ),
    pytest.param(Config(iterations=0), id="zero-iterations"),
]


def assert_honest(at: AppTest, run: Run, tab: str) -> None:
    """No exception; a diverged run says where in words; no NaN or infinity printed bare."""
    assert not at.exception, (tab, [e.value for e in at.exception])
    said = page_texts(at)
    if run.status == "diverged":
        assert any(f"diverged at iteration {run.diverged_at:,}" in text for text in said), (tab, said)
    else:
        assert not at.error, (tab, [e.value for e in at.error])
    for text in said:
        assert not bare_numbers(text), (tab, text)


@pytest.mark.parametrize("config", PAGE_EDGES)
def test_page_shows_the_edge_run_honestly(config):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        at = show(config)
        run = train(config)
        for tab in RUN_TABS:
            at.session_state["tab"] = tab
            at.run()
            assert_honest(at, run, tab)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]
