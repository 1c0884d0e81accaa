"""The run's configuration: defaults, validation messages, round trips through URL, JSON and CLI."""

import dataclasses
import json
import math
import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlp
from mlp.cli import parse_config
from mlp.config import MAX_JSON_VALUES, PARSERS, RUN_PARTS, SWEEP_FIELDS, SWEPT, Config, ConfigError, most_iterations
from mlp.echo import ECHO_LENGTH
from mlp.export import run_to_dict
from mlp.fields import AXES, FIELDS, MAX_ITERATIONS, THRESHOLD, Choice, Integer, Real, Sizes, Table


def error_for(**values) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Config.from_mapping(values)
    return caught.value


def is_one_sentence(text: str) -> bool:
    """One line, ending with a full stop, with no full stop followed by a new sentence inside."""
    return "\n" not in text and text.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", text[:-1])


def test_config_defaults_are_the_question_run():
    c = Config()
    assert (c.data, c.layers, c.activation, c.output_activation, c.loss) == (
        "seed",
        (2, 3, 3, 2),
        "sigmoid",
        "sigmoid",
        "sse",
    )
    assert (c.init, c.init_scale, c.noise, c.optimizer, c.lr, c.iterations) == ("constant", 1.0, 0.0, "gd", 0.5, 1000)
    np.testing.assert_array_equal(c.dataset.X, [[0.8, 0.4], [0.3, 0.3]])
    np.testing.assert_array_equal(c.dataset.Y, [[0.2, 0.4], [1.0, 0.0]])
    assert c.n_params == 3 * 3 + 4 * 3 + 4 * 2
    assert Config.from_mapping({}) == c and hash(Config.from_mapping({})) == hash(c)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"layers": "2,0,2"}, "layers", ["'2,0,2'", "1 to 256"]),
        ({"layers": "abc"}, "layers", ["'abc'"]),
        ({"layers": "3,3,2"}, "layers", ["first size must be 2"]),
        ({"layers": "2,3,3"}, "layers", ["last size must be 2"]),
        ({"lr": "0"}, "lr", ["greater than 0"]),
        ({"lr": 0}, "lr", ["greater than 0"]),
        ({"lr": "nan"}, "lr", ["'nan'", "finite"]),
        ({"lr": "inf"}, "lr", ["'inf'", "finite"]),
        ({"lr": "-1"}, "lr", ["-1", "greater than 0"]),
        ({"iterations": "-1"}, "iterations", ["'-1'", "whole number"]),
        ({"iterations": "1.5"}, "iterations", ["'1.5'", "whole number"]),
        ({"nme": "x"}, "nme", ["is not a setting", "layers"]),
        ({"activation": "softmax"}, "activation", ["'softmax'", "sigmoid, tanh, relu, leaky_relu, linear"]),
        ({"init": "zeros"}, "init", ["'zeros'", "constant, uniform, normal, xavier, he"]),
        ({"optimizer": "sgd"}, "optimizer", ["'sgd'", "gd, momentum, adam"]),
        ({"data": "mnist"}, "data", ["'mnist'", "seed, xor"]),
        ({"loss": "cross_entropy", "output_activation": "linear"}, "loss", ["sigmoid", "linear"]),
        ({"loss": "cross_entropy", "output_activation": "sigmoid", "data": "custom", "inputs": "1", "targets": "2"},
         "loss", ["between 0 and 1"]),
        ({"data": "custom", "inputs": "0,1;1,0", "targets": "1"}, "targets", ["1 rows", "inputs has 2"]),
        ({"data": "custom", "inputs": "0,1;1,0"}, "targets", ["missing"]),
        ({"data": "custom", "inputs": "0,1;1", "targets": "1;0"}, "inputs", ["row 2 has 1 value", "row 1 has 2"]),
        ({"data": "custom", "inputs": "0,x;1,0", "targets": "1;0"}, "inputs", ["row 1, column 2: 'x' is not a number"]),
        ({"data": "custom", "inputs": [[0, True]], "targets": "1"}, "inputs", ["row 1, column 2: 'True'"]),
        ({"iterations": 1_000_000}, "iterations", ["1,000,000", "at most"]),
        ({"iterations": "1000000"}, "iterations", ["1,000,000", "at most"]),
        ({"snapshots": "1"}, "snapshots", ["2 to 1,000"]),
        ({"noise": "-0.1"}, "noise", ["-0.1", "from 0"]),
    ],
)  # fmt: skip
def test_config_error_names_field_in_one_sentence(values, field, words):
    error = error_for(**values)
    text = str(error)
    assert error.field == field
    assert text.startswith(f"{field}: ")
    assert is_one_sentence(text), text
    for word in words:
        assert word in text, (word, text)


def test_config_error_is_raised_by_the_constructor_too():
    with pytest.raises(ConfigError, match=r"^lr: "):
        Config(lr=-1.0)
    with pytest.raises(ConfigError, match=r"^layers: "):
        Config(layers=(3, 3, 2))


def test_config_budget_refuses_a_million_iterations_of_the_question():
    error = error_for(iterations=1_000_000)
    assert error.field == "iterations" and "iterations" in str(error)
    assert Config(iterations=100_000).iterations == 100_000


def test_config_custom_value_out_of_range_says_what_is_allowed():
    # -2.5e10 is finite: the message must give the allowed range, not call it "not finite".
    error = error_for(data="custom", inputs="0.1,1e-300;-2.5e10,3", targets="1;0")
    assert error.field == "inputs" and is_one_sentence(str(error))
    assert "1e+06" in str(error) or "1,000,000" in str(error), str(error)


@pytest.mark.parametrize(
    ("data", "layers"),
    [("xor", (2, 3, 3, 1)), ("seed", (2, 3, 3, 2)), ("and", (2, 3, 3, 1)), ("circle", (2, 3, 3, 1))],
)
def test_config_from_mapping_without_layers_adapts_to_data(data, layers):
    assert Config.from_mapping({"data": data}).layers == layers


def test_config_from_mapping_custom_data_sizes_the_layers():
    c = Config.from_mapping({"data": "custom", "inputs": "1,2,3;4,5,6", "targets": "0.5;0.25"})
    assert c.layers == (3, 3, 3, 1)
    np.testing.assert_array_equal(c.dataset.X, [[1, 2, 3], [4, 5, 6]])


def test_config_accepts_text_with_spaces_and_any_case():
    c = Config.from_mapping({"layers": " 2, 4 ,2 ", "activation": " TANH ", "lr": " 0.25 ", "iterations": " 1000 "})
    assert (c.layers, c.activation, c.lr, c.iterations) == ((2, 4, 2), "tanh", 0.25, 1000)


def test_config_is_frozen_and_hashable():
    c = Config()
    with pytest.raises(AttributeError):
        c.lr = 1.0
    assert {c: 1}[Config()] == 1
    assert c.replace(lr=0.1) != c and c.replace(lr=0.1).lr == 0.1
    with pytest.raises(ConfigError):
        c.replace(lr=0)


AWKWARD = Config(
    data="custom",
    inputs=((0.1, 1e-300), (-2.5e5, 3.0), (5e-324, -0.0)),
    targets=((0.1,), (1e-300,), (-2.5e5,)),
    layers=(2, 4, 1),
    activation="leaky_relu",
    output_activation="linear",
    init="uniform",
    init_scale=0.1 + 0.2,
    noise=1e-300,
    seed=2**32 - 1,
    optimizer="adam",
    lr=1 / 3,
    iterations=12,
    snapshots=7,
)
ROUND_TRIPS = {
    "query": lambda c: Config.from_mapping(c.to_query()),
    "json": lambda c: Config.from_json(c.to_json()),
    "cli": lambda c: parse_config(c.to_args()),
}


@pytest.mark.parametrize("trip", ROUND_TRIPS)
@pytest.mark.parametrize(
    "config",
    [
        Config(),
        AWKWARD,
        Config(init_scale=-1e-300),
        Config.from_mapping({"data": "spiral", "points": 33, "data_noise": 0.05}),
    ],
    ids=["default", "awkward", "negative-exponent", "spiral"],
)
def test_config_round_trip_is_exact(trip, config):
    back = ROUND_TRIPS[trip](config)
    assert back == config
    assert hash(back) == hash(config)
    np.testing.assert_array_equal(back.dataset.X, config.dataset.X)


def test_config_query_is_flat_text():
    query = AWKWARD.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    assert query["inputs"] == "0.1,1e-300;-250000.0,3.0;5e-324,-0.0"
    assert query["lr"] == repr(1 / 3)


def test_config_from_json_rejects_non_objects():
    for text in ["[1, 2]", "not json", '"lr"', "{"]:
        with pytest.raises(ConfigError) as caught:
            Config.from_json(text)
        assert is_one_sentence(str(caught.value))


# Valid configurations drawn from the registries and the allowed ranges.
finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def valid_configs(draw):
    data = draw(st.sampled_from([*mlp.DATASETS, "custom"]))
    values = {
        "data": data,
        "points": draw(st.integers(4, 60)),
        "data_noise": draw(st.floats(0.0, 1.0, **finite)),
        "data_seed": draw(st.integers(0, 2**32 - 1)),
    }
    if data == "custom":
        rows, n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
        number = st.floats(-1e6, 1e6, **finite)
        values["inputs"] = tuple(tuple(draw(number) for _ in range(n_in)) for _ in range(rows))
        values["targets"] = tuple(tuple(draw(number) for _ in range(n_out)) for _ in range(rows))
    dataset = mlp.config._dataset(*(values.get(k, getattr(Config, k)) for k in mlp.config._DATA_FIELDS))
    hidden = draw(st.lists(st.integers(1, 8), max_size=3))
    output_activation = draw(st.sampled_from(list(mlp.ACTIVATIONS)))
    unit_targets = bool(np.all((dataset.Y >= 0) & (dataset.Y <= 1)))
    losses = [n for n, loss in mlp.LOSSES.items() if not loss.needs_sigmoid_output or (
        output_activation == "sigmoid" and unit_targets)]  # fmt: skip
    values.update(
        layers=(dataset.n_inputs, *hidden, dataset.n_outputs),
        activation=draw(st.sampled_from(list(mlp.ACTIVATIONS))),
        output_activation=output_activation,
        loss=draw(st.sampled_from(losses)),
        init=draw(st.sampled_from(list(mlp.INITIALIZERS))),
        init_scale=draw(st.floats(-1e6, 1e6, **finite)),
        noise=draw(st.floats(0.0, 1e6, **finite)),
        seed=draw(st.integers(0, 2**32 - 1)),
        optimizer=draw(st.sampled_from(list(mlp.OPTIMIZERS))),
        lr=draw(st.floats(0.0, 1e6, exclude_min=True, **finite)),
        iterations=draw(st.integers(0, 10_000)),
        snapshots=draw(st.integers(2, 1000)),
    )
    architecture = mlp.Architecture(values["layers"])
    if architecture.most_terms(len(dataset.X)) <= mlp.network.MOST_TERMS:  # else in_order is refused
        values["products"] = draw(st.sampled_from(list(mlp.network.PRODUCTS)))
    return Config(**values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=valid_configs())
def test_config_round_trips_survive_any_valid_config(config):
    for trip in ROUND_TRIPS.values():
        assert trip(config) == config


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(list(PARSERS)), text=st.text(max_size=40))
def test_config_any_text_gives_config_or_config_error(field, text):
    try:
        c = Config.from_mapping({field: text})
    except ConfigError as error:
        assert str(error).startswith(f"{error.field}: ")
        assert "\n" not in str(error)
    else:
        assert isinstance(c, Config)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(list(PARSERS)), value=json_values)
@pytest.mark.slow
def test_config_any_json_value_gives_config_or_config_error(field, value):
    try:
        Config.from_mapping({field: value})
    except ConfigError as error:
        assert str(error).startswith(f"{error.field}: ")


@settings(max_examples=100, deadline=None)
@given(
    field=st.sampled_from(["lr", "init_scale", "noise", "data_noise"]),
    text=st.from_regex(r"\A[ +-]?[0-9_]{0,5}\.?[0-9]{0,5}([eE][+-]?[0-9]{1,4})?\Z"),
)
def test_config_number_like_text_gives_config_or_config_error(field, text):
    try:
        c = Config.from_mapping({field: text})
    except ConfigError as error:
        assert error.field == field
    else:
        assert math.isfinite(getattr(c, field))


# ---------------------------------------------------------------------------------------------------
# One table: the dataclass, the schema and the sweep's lists are made from mlp.fields.


def test_config_fields_are_the_tables_in_order_with_its_defaults():
    fields = dataclasses.fields(Config)
    assert [f.name for f in fields] == list(FIELDS)
    assert {f.name: f.default for f in fields} == {name: field.default for name, field in FIELDS.items()}
    assert list(PARSERS) == list(FIELDS) and all(PARSERS[name] is FIELDS[name].kind for name in FIELDS)


def test_sweep_lists_are_the_axes_of_the_table():
    assert SWEEP_FIELDS == ("inits", "noises", "lrs", "optimizers", "seeds", "threshold")
    assert SWEPT == ("init", "init_scale", "noise", "lr", "optimizer", "seed")
    assert {f.name for f in dataclasses.fields(mlp.SweepSpec)} == {"base", *SWEEP_FIELDS}
    assert set(SWEPT) <= set(FIELDS) and mlp.SweepSpec().threshold == THRESHOLD.default == 0.01
    for axis in AXES:
        spec = mlp.SweepSpec.from_mapping({axis.name: axis.example})
        assert len(getattr(spec, axis.name)) == axis.example.count(axis.separator) + 1


jsonschema = pytest.importorskip("jsonschema")  # altair's own dependency: no new one


def schema_errors(instance) -> list[str]:
    validator = jsonschema.Draft202012Validator(Config.json_schema())
    return [e.message for e in validator.iter_errors(instance)]


def test_json_schema_is_a_valid_schema_made_from_the_table():
    schema = Config.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(schema["properties"]) == list(FIELDS) and schema["additionalProperties"] is False
    for name, field in FIELDS.items():
        prop, kind = schema["properties"][name], field.kind
        assert prop["description"] == field.help
        if isinstance(kind, (Integer, Real)):
            assert (prop.get("minimum", prop.get("exclusiveMinimum")), prop["maximum"]) == (kind.low, kind.high)
        if isinstance(kind, Choice):
            assert prop["enum"] == list(kind.options())
        if isinstance(kind, Sizes):
            assert (prop["maxItems"], prop["items"]["maximum"]) == (kind.depth, kind.width)
        if isinstance(kind, Table):
            assert prop["maxItems"] == mlp.data.MAX_ROWS and prop["items"]["maxItems"] == mlp.data.MAX_COLUMNS
    assert schema["properties"]["lr"]["exclusiveMinimum"] == 0.0


@pytest.mark.parametrize("config", [Config(), AWKWARD, Config.from_mapping({"data": "spiral", "points": 33})])
def test_json_schema_accepts_real_configurations(config):
    assert schema_errors(json.loads(config.to_json())) == []
    assert schema_errors(Config.json_schema()["properties"]["lr"]["default"]) != []  # a number is no config


@pytest.mark.parametrize(
    "bad",
    [{"lr": 0}, {"layers": [2, 0, 2]}, {"layers": [2] * 33}, {"activation": "softmax"},
     {"iterations": 1.5}, {"snapshots": 1}, {"nme": 1}, {"inputs": [[1e7]]}, {"inputs": [[1, 2]] * 10_001},
     {"data": "mnist"}, {"noise": -0.1}],
)  # fmt: skip
def test_json_schema_refuses_what_the_parsers_refuse(bad):
    assert schema_errors(bad) != [], bad
    with pytest.raises(ConfigError):
        Config.from_mapping(bad)


def test_json_schema_follows_a_new_data_set(monkeypatch):
    monkeypatch.setitem(mlp.DATASETS, "moons", mlp.data.Source("Two moons (generated)", mlp.data.blobs, True))
    assert "moons" in Config.json_schema()["properties"]["data"]["enum"]
    assert schema_errors({"data": "moons"}) == [] and Config.from_mapping({"data": "moons"}).data == "moons"


# ---------------------------------------------------------------------------------------------------
# The most iterations the budget allows, asked of the budget itself.


@pytest.mark.parametrize(
    "config",
    [Config(), Config.from_mapping({"data": "circle", "points": 2000, "layers": "2,64,64,1", "iterations": 50}),
     Config.from_mapping({"data": "custom", "inputs": "1", "targets": "1", "layers": "1,1"})],
    ids=["question", "wide-circle", "tiny"],
)  # fmt: skip
def test_most_iterations_is_the_budgets_edge(config):
    most = most_iterations(config)
    assert config.replace(iterations=most).iterations == most  # allowed
    if most < MAX_ITERATIONS:
        with pytest.raises(ConfigError) as caught:
            config.replace(iterations=most + 1)
        assert caught.value.field == "iterations" and f"use at most {most:,} iterations" in str(caught.value)


def test_most_iterations_of_the_question_network():
    assert most_iterations(Config()) == mlp.budget.most_iterations(Config()) > 100_000
    assert most_iterations(Config(iterations=0)) == most_iterations(Config(iterations=100_000))


# ---------------------------------------------------------------------------------------------------
# JSON in: refused before it is expensive, unknown parts and oversize parts in one sentence.


def exported(iterations: int = 20) -> dict:
    return json.loads(json.dumps(run_to_dict(mlp.train(Config(iterations=iterations)), snapshots=True)))


def test_run_parts_are_what_an_export_holds():
    assert set(exported()) == set(RUN_PARTS)


def test_from_json_reads_a_whole_exported_run():
    run = exported() | {"findings": [{"code": "clones", "layer": 1, "sentence": "hidden layer 1: clones."}]}
    assert Config.from_json(json.dumps(run)) == Config(iterations=20)


@pytest.mark.parametrize(
    ("change", "words"),
    [({"filler": "x" * 1000}, ["'filler' is not a part of a saved run", "loss_history"]),
     ({"loss_history": [0.5] * 22}, ["loss_history has 22 entries", "at most 21"]),
     ({"status": "x" * 41}, ["status has 41 characters", "at most 40"]),
     ({"snapshots": [{}] * 201}, ["snapshots has 201 entries", "at most 200"]),
     ({"config": [1, 2]}, ["config is not an object"])],
    ids=["unknown-part", "long-history", "long-status", "too-many-snapshots", "config-not-object"],
)  # fmt: skip
def test_from_json_refuses_unknown_and_oversize_parts(change, words):
    with pytest.raises(ConfigError) as caught:
        Config.from_json(json.dumps(exported() | change), source="run file")
    text = str(caught.value)
    assert text.startswith("run file: ") and is_one_sentence(text), text
    for word in words:
        assert word in text, (word, text)


LIMIT = f"{MAX_JSON_VALUES:,}"


@pytest.mark.parametrize(
    ("filler", "words"),
    [('"x": [' + "0," * 4_000_000 + "0]", ["about 4,000,00", f"configuration holds at most {LIMIT}"]),
     ('"x": [' + "[]," * 3_000_000 + "[]]", ["about 6,000,00", "values"]),
     ('"x": "' + "a" * 10_000_000 + '"', ["10,000,0", "characters long", "at most 10,000,000"])],
    ids=["8MB-of-numbers", "9MB-of-lists", "10MB-string"],
)  # fmt: skip
def test_from_json_refuses_filler_before_parsing_it(filler, words):
    """10 MB of filler beside a valid run cost 230 MB to parse; it is refused from a count, for almost nothing."""
    text = '{"config": {"lr": 0.5}, ' + filler + "}"
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as caught:
            Config.from_json(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak  # nothing of the text was parsed
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))


# ---------------------------------------------------------------------------------------------------
# Echoes of user text in messages: one line, at most ECHO_LENGTH characters of it.

HOSTILE = [
    "https://evil.example/login",
    "line one\n# a heading\n- a list",
    "x" * 5000,
    "\u202eevil\u200b\t\r\x00",
]


def echoed(message: str) -> list[str]:
    """The quoted parts of a message."""
    return re.findall(r"'([^']*)'", message)


@pytest.mark.parametrize("text", HOSTILE, ids=["url", "newlines", "5000-characters", "invisible"])
@pytest.mark.parametrize("field", ["lr", "iterations", "layers", "init", "inputs", "nme"])
def test_config_errors_echo_user_text_short_and_on_one_line(field, text):
    error = error_for(**{field: text})
    message = str(error)
    assert "\n" not in message and "\r" not in message and all(c.isprintable() for c in message), message
    assert all(len(part) <= ECHO_LENGTH for part in echoed(message)), message
    assert len(error.field) <= ECHO_LENGTH and "\n" not in error.field


def test_sweep_errors_echo_user_text_short():
    with pytest.raises(ConfigError) as caught:
        mlp.SweepSpec.from_mapping({"inits": "normal 0.5 " + "x" * 5000})
    assert all(len(part) <= ECHO_LENGTH for part in echoed(str(caught.value))), str(caught.value)


# ---------------------------------------------------------------------------------------------------
# A negative init_scale: the sign's meaning for the random starts, its value for constant.


@pytest.mark.parametrize("init", ["uniform", "normal", "xavier", "he"])
def test_negative_scale_of_a_random_start_is_its_absolute_value(init):
    negative, positive = (
        mlp.train(Config(init=init, init_scale=-0.5, iterations=0)),
        mlp.train(Config(init=init, init_scale=0.5, iterations=0)),
    )
    for W, V in zip(negative.weights[0], positive.weights[0]):
        np.testing.assert_array_equal(W, V)


def test_negative_constant_start_keeps_its_sign():
    run = mlp.train(Config(init_scale=-1.0, iterations=0))
    assert all(np.all(W == -1.0) for W in run.weights[0])
    assert "absolute value" in FIELDS["init_scale"].help and "any sign" in FIELDS["init_scale"].help
