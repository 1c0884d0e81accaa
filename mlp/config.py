"""The configuration of a run: one frozen, hashable, self-validating object, made from mlp.fields.

The same names are used everywhere: CLI flags (``--init-scale``), URL query parameters
(``init_scale``), JSON keys and the dashboard's widget keys. Each setting is declared once, in
``mlp.fields.FIELDS``; its kind parses either text (CLI, URL) or a JSON value, so the three round
trips share one code path, and the same table gives the JSON schema (``Config.json_schema()``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np

from . import budget
from .data import DATASETS, MAX_FILE_BYTES, Dataset
from .echo import echo
from .errors import ConfigError
from .fields import AXES, FIELDS, MAX_ITERATIONS, THRESHOLD, Axis, check_length, json_value
from .losses import LOSSES
from .network import Architecture

# Each setting's parser, by name (a view of the table, for code that only parses).
PARSERS: dict[str, Callable[[str, Any], Any]] = {name: field.kind for name, field in FIELDS.items()}

# JSON text is measured before it is parsed: json.loads builds one Python object per value (a
# float, a list ...), 30 to 60 bytes each, so the count of ',', '[' and '{' bounds its memory.
# Two tables of the largest custom data hold 1.28 million numbers.
MAX_JSON_VALUES = 1_500_000
# The parts of an exported run (mlp.export.run_to_dict, the CLI's --json, the page's download).
RUN_PARTS = (
    "config", "status", "diverged_at", "iterations_run", "final_loss", "accuracy", "outputs", "targets",
    "distinct_neurons", "symmetry_gap", "loss_history", "first_gradients", "snapshots", "findings",
)  # fmt: skip


def _fields_from_the_table(cls: type) -> type:
    """Make ``cls`` a frozen dataclass with one field per entry of FIELDS: its name, type and default."""
    cls.__annotations__ = {name: field.kind.type for name, field in FIELDS.items()}
    for name, field in FIELDS.items():
        setattr(cls, name, field.default)
    return dataclass(frozen=True)(cls)


@_fields_from_the_table
class Config:
    """Everything that defines a run: the settings of ``mlp.fields.FIELDS``, in its order, with its defaults.

    The defaults are the question's network, every weight at 1. Building one parses every field,
    checks that the network fits the data, and asks the work budget.
    """

    def __post_init__(self) -> None:
        for name, field in FIELDS.items():
            object.__setattr__(self, name, field.parse(getattr(self, name)))
        _check_network(self)
        budget.check_run(self)

    # Conversions. Every one goes through `from_mapping`, so they all validate the same way.

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Config:
        """A Config from text or JSON values keyed by the field names; missing ones default.

        Without ``layers`` the default hidden sizes ``3,3`` are framed by the data's sizes.
        """
        unknown = [key for key in values if key not in FIELDS]
        if unknown:
            key, names = echo(unknown[0], quote=False), ", ".join(FIELDS)
            raise ConfigError(key, f"is not a setting; the settings are: {names}.")
        parsed = {name: FIELDS[name].parse(value) for name, value in values.items()}
        if "layers" not in parsed:
            data = _dataset(*(parsed.get(name, FIELDS[name].default) for name in _DATA_FIELDS))
            parsed["layers"] = (data.n_inputs, *FIELDS["layers"].default[1:-1], data.n_outputs)
        return cls(**parsed)

    def to_mapping(self) -> dict[str, Any]:
        """JSON values keyed by field name (tuples as lists; absent tables left out)."""
        return {name: json_value(getattr(self, name)) for name in FIELDS if getattr(self, name) is not None}

    def to_query(self) -> dict[str, str]:
        """A flat ``{name: text}`` map for URL query parameters; floats written exactly."""
        return {name: query_text(value) for name, value in self.to_mapping().items()}

    def to_args(self) -> list[str]:
        """CLI arguments (``--init-scale=1.0 ...``) that rebuild this configuration."""
        # One `--name=value` token each: argparse would take a separate value such as "-1e-300"
        # or "-2.5,1;3,4" for an option and refuse it.
        return [f"{FIELDS[name].flag}={text}" for name, text in self.to_query().items()]

    def to_json(self) -> str:
        return json.dumps(self.to_mapping())

    @classmethod
    def from_json(cls, text: str, source: str = "config") -> Config:
        """A Config from a JSON object of settings, or from an exported run holding one under "config".

        ``source`` names the text in messages (the CLI's ``config``, the page's ``run file``). The text
        is measured before it is parsed (``MAX_FILE_BYTES``, ``MAX_JSON_VALUES``); an exported run's
        other parts are not used, but each must be a known part no larger than the run it describes.
        """
        values = _json_object(text, source)
        if "config" not in values:
            return cls.from_mapping(values)
        if not isinstance(values["config"], dict):
            raise ConfigError(source, "the run's config is not an object of settings.")
        config = cls.from_mapping(values["config"])
        _check_run_parts(values, config, source)
        return config

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema (draft 2020-12) of a configuration's JSON form (:meth:`to_mapping`), from FIELDS.

        It states each setting's type, bounds, options, default and help; what it cannot state (the
        layer sizes must match the data, the work budget) is checked when a Config is built.
        """
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Backprop Lab configuration",
            "description": "Everything that defines a run; missing settings take their default.",
            "type": "object",
            "properties": {name: field.schema() for name, field in FIELDS.items()},
            "additionalProperties": False,
        }

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    def _with_checked(self, settings: dict[str, Any]) -> Config:
        """This configuration with ``settings`` that are parsed and checked already (a sweep's
        items, see :meth:`SweepSpec.configs`): built without a second parse. It shares the data set."""
        new = object.__new__(Config)
        new.__dict__.update({name: getattr(self, name) for name in FIELDS} | settings)
        new.__dict__["dataset"] = self.dataset  # the data's settings are never swept
        return new

    # Derived facts.

    @functools.cached_property
    def dataset(self) -> Dataset:
        """The inputs and targets this configuration trains on (shared: do not modify).

        Kept on the instance once built: hashing the largest custom tables for the shared cache
        (``_dataset``) takes tens of milliseconds, and the budget asks for the data set often.
        """
        return _dataset(*(getattr(self, name) for name in _DATA_FIELDS))

    def __getstate__(self) -> dict[str, Any]:
        """Pickles and copies hold the settings only; the data set is rebuilt when asked for."""
        return {name: self.__dict__[name] for name in FIELDS}

    @property
    def architecture(self) -> Architecture:
        """Layer sizes, activations, cost and products: everything of the network but its weights."""
        return Architecture(self.layers, self.activation, self.output_activation, self.loss, self.products)

    @property
    def n_params(self) -> int:
        return sum((1 + a) * b for a, b in zip(self.layers, self.layers[1:]))

    @property
    def work(self) -> float:
        """Nanoseconds of the server's CPU this run is priced at (see ``mlp.budget``)."""
        return budget.work(self)


def most_iterations(config: Config) -> int:
    """The most iterations the work budget allows for ``config``'s network and data, whatever its own
    (``MAX_ITERATIONS`` when it allows them all; 0 when it allows none)."""
    return min(MAX_ITERATIONS, max(budget.most_iterations(config), 0))


def recipe(config: Config) -> Config:
    """``config`` with its data set's recipe (``mlp.data.DATASETS[config.data].recipe``) applied.

    The data (name, points, noise, data_seed, tables) and the seed are kept; the recipe sets the
    settings of ``mlp.data.RECIPE_FIELDS``, and every other setting takes its default. The recipe's
    iterations are cut to what the work budget allows (only a large generated set needs it). Custom
    data has no recipe: ConfigError naming ``data``.
    """
    settings = DATASETS[config.data].recipe if config.data in DATASETS else {}
    if not settings:
        with_recipes = ", ".join(name for name, source in DATASETS.items() if source.recipe)
        raise ConfigError("data", f"{echo(config.data)} has no recipe; the data sets with one are {with_recipes}.")
    kept = {name: getattr(config, name) for name in RECIPE_KEEPS}
    start = Config(**kept, **(dict(settings) | {"iterations": 0}))
    return start.replace(iterations=min(settings["iterations"], most_iterations(start)))


def _json_object(text: str, source: str) -> dict[str, Any]:
    """The JSON object in ``text``, measured before it is parsed; ConfigError names ``source``."""
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError(source, f"the text is {len(text):,} characters long; at most {MAX_FILE_BYTES:,} are allowed.")
    pieces = text.count(",") + text.count("[") + text.count("{")
    if pieces > MAX_JSON_VALUES:
        rule = f"a run or a configuration holds at most {MAX_JSON_VALUES:,}"
        raise ConfigError(source, f"the JSON holds about {pieces:,} values; {rule}.")
    try:
        values = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise ConfigError(source, "the text is not valid JSON; give settings or a run saved by Backprop Lab.") from None
    if not isinstance(values, dict):
        raise ConfigError(source, 'the JSON must be an object of settings, such as {"lr": 0.5}, or a saved run.')
    return values


def _check_run_parts(run: Mapping[str, Any], config: Config, source: str) -> None:
    """Refuse an exported run's part that is unknown, or larger than a run of ``config`` exports."""
    unknown = [key for key in run if key not in RUN_PARTS]
    if unknown:
        parts = ", ".join(RUN_PARTS)
        raise ConfigError(source, f"{echo(unknown[0])} is not a part of a saved run; its parts are {parts}.")
    most = _most_entries(config)
    for part, value in run.items():
        size = len(value) if isinstance(value, (list, dict, str)) else 1
        if part != "config" and size > most[part]:
            unit = "characters" if isinstance(value, str) else "entries"
            rule = f"a run of this configuration saves at most {most[part]:,}"
            raise ConfigError(source, f"the part {part} has {size:,} {unit}; {rule}.")


def _most_entries(c: Config) -> dict[str, int]:
    """The most entries (list items, characters of text) each part of an exported run of ``c`` has."""
    n_obs, n_hidden, n_matrices = c.dataset.X.shape[0], len(c.layers) - 2, len(c.layers) - 1
    return {
        "status": 40, "diverged_at": 1, "iterations_run": 1, "final_loss": 1, "accuracy": 1, "outputs": n_obs,
        "targets": n_obs, "distinct_neurons": n_hidden, "symmetry_gap": n_hidden, "loss_history": c.iterations + 1,
        "first_gradients": n_matrices, "snapshots": c.snapshots, "findings": 16 * (n_hidden + 2),
    }  # fmt: skip


_DATA_FIELDS = ("data", "points", "data_noise", "data_seed", "inputs", "targets")
RECIPE_KEEPS = (*_DATA_FIELDS, "seed")  # what applying a recipe keeps of a configuration
_TABLES = ("inputs", "targets")


def query_text(value: Any) -> str:
    """A setting's value as URL text: floats exact (repr), lists by commas, tables by ";" and ","."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list) and value and isinstance(value[0], list):
        return ";".join(",".join(query_text(float(v)) for v in row) for row in value)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


@functools.lru_cache(maxsize=64)
def _dataset(data, points, noise, seed, inputs, targets) -> Dataset:
    if data != "custom":
        return DATASETS[data](points, noise, seed)
    for name, table in zip(_TABLES, (inputs, targets)):
        if table is None:
            raise ConfigError(name, "is missing; custom data needs both inputs and targets.")
    if len(inputs) != len(targets):
        raise ConfigError(
            "targets", f"has {len(targets)} rows but inputs has {len(inputs)}; each observation needs one row of each."
        )
    return Dataset(np.array(inputs, dtype=float), np.array(targets, dtype=float))


def _check_network(c: Config) -> None:
    data = c.dataset
    name = f"data '{c.data}'"
    if c.layers[0] != data.n_inputs:
        raise ConfigError(
            "layers",
            f"{query_text(list(c.layers))} starts with {c.layers[0]} inputs but {name} has {data.n_inputs} "
            f"input columns; the first size must be {data.n_inputs}.",
        )
    if c.layers[-1] != data.n_outputs:
        raise ConfigError(
            "layers",
            f"{query_text(list(c.layers))} ends with {c.layers[-1]} outputs but {name} has {data.n_outputs} "
            f"target columns; the last size must be {data.n_outputs}.",
        )
    c.architecture.check_products(len(data.X))  # and refuses a cost that does not fit the output activation
    if LOSSES[c.loss].needs_sigmoid_output and np.any((data.Y < 0) | (data.Y > 1)):
        raise ConfigError("loss", "cross_entropy needs every target between 0 and 1; use sse or mse for these targets.")


# Sweeps: a base configuration and lists of values for some of its settings (mlp.fields.AXES).

MAX_SWEEP_RUNS = 512
SWEEP_FIELDS = (*(axis.name for axis in AXES), THRESHOLD.name)
SWEPT = tuple(name for axis in AXES for name in axis.fields)  # the Config fields the lists set


def _items(axis: Axis, value: Any) -> list:
    """The items of a list given as text (``"0.1,0.5"``), a sequence (JSON array, range) or one value."""
    if isinstance(value, str):
        check_length(axis.name, value)
        items = [item for item in value.split(axis.separator) if item.strip()]
    elif isinstance(value, np.ndarray):
        items = value.tolist()
    else:
        items = list(value) if isinstance(value, Sequence) else [value]
    if not items:
        rule = f"give one or more values separated by '{axis.separator}', such as {axis.example}"
        raise ConfigError(axis.name, f"the list is empty; {rule}.")
    if len(items) > MAX_SWEEP_RUNS:
        raise ConfigError(axis.name, f"{len(items):,} values is more than the {MAX_SWEEP_RUNS} runs a sweep may have.")
    return items


def _item(axis: Axis, item: Any) -> Any:
    """One item of a list, parsed by its fields: ``0.5`` for ``lrs``; ``"normal 0.5"`` -> ``("normal", 0.5)``.

    An item of several fields may leave out the last ones, which take their defaults (``"xavier"``).
    """
    if len(axis.fields) == 1:
        return FIELDS[axis.fields[0]].parse(item)
    parts = item.split() if isinstance(item, str) else item
    if not isinstance(parts, (list, tuple)) or not 1 <= len(parts) <= len(axis.fields):
        raise ConfigError(axis.name, f"{echo(item)} is not {axis.item}; write them like {axis.example}.")
    given = dict(zip(axis.fields, parts))
    return tuple(FIELDS[name].parse(given.get(name, FIELDS[name].default)) for name in axis.fields)


def _parse_axis(axis: Axis, value: Any) -> tuple:
    """One list of a sweep, from text or JSON; a value that is not allowed names its Config field."""
    parsed = tuple(_item(axis, item) for item in _items(axis, value))
    repeated = next((v for i, v in enumerate(parsed) if v in parsed[:i]), None)
    if repeated is not None:
        raise ConfigError(axis.name, f"{_item_text(repeated)} is listed twice; give each value once.")
    return parsed


def _item_text(item: Any) -> str:
    """An item as URL text: ``"normal 0.5"`` or ``"0.1"`` (floats exact)."""
    return " ".join(map(query_text, item)) if isinstance(item, tuple) else query_text(item)


def _base_item(axis: Axis, config: Config) -> Any:
    """The item of ``axis`` that ``config`` holds: ``("constant", 1.0)`` or ``0.5``."""
    values = tuple(getattr(config, name) for name in axis.fields)
    return values if len(values) > 1 else values[0]


def _sweep_fields_from_the_table(cls: type) -> type:
    """Make ``cls`` a frozen dataclass: ``base``, then keyword-only one list per axis, then the threshold."""
    lists = {axis.name: tuple | None for axis in AXES}
    cls.__annotations__ = {"base": Config, "_": KW_ONLY, **lists, THRESHOLD.name: float}
    cls.base = Config()
    for name in lists:
        setattr(cls, name, None)
    setattr(cls, THRESHOLD.name, THRESHOLD.default)
    return dataclass(frozen=True)(cls)


@_sweep_fields_from_the_table
class SweepSpec:
    """A base :class:`Config` and the values each swept setting takes; hashable, self-validating.

    Its lists are those of ``mlp.fields.AXES`` (``inits``, ``noises``, ``lrs``, ``optimizers``,
    ``seeds``). A list left as ``None`` holds the base's value alone. After construction every list
    is a tuple and ``base`` holds the first value of each, so equal sweeps compare and hash equal.
    ``threshold`` is the cost a run must reach for ``iterations_to_threshold``.

    Its runs sum their products ``in_order`` wherever the network allows it (every sum at most
    ``MOST_TERMS`` terms: the question's network, XOR 2-4-1) and one run summed so fits a run's
    work budget: 256 runs of the question's network then train about 1.4 times faster than with a
    BLAS call per run and product (mlp/network.py).
    Each run carries the setting, so a run opened from the sweep, its link and its JSON reproduce
    the sweep's numbers to the last bit.
    """

    def __post_init__(self) -> None:
        b = self.base
        if not isinstance(b, Config):
            raise ConfigError("base", f"{echo(b)} is not a Config; build one with Config(...).")
        for axis in AXES:
            value = getattr(self, axis.name)
            object.__setattr__(self, axis.name, (_base_item(axis, b),) if value is None else _parse_axis(axis, value))
        object.__setattr__(self, THRESHOLD.name, THRESHOLD.parse(getattr(self, THRESHOLD.name)))
        runs = self.n_runs
        if runs > MAX_SWEEP_RUNS:
            sizes = " x ".join(str(len(getattr(self, axis.name))) for axis in AXES)
            raise ConfigError(
                "sweep", f"{runs:,} runs ({sizes} values) is more than {MAX_SWEEP_RUNS}; use fewer values in the lists."
            )
        base = b.replace(**self._settings(tuple(getattr(self, a.name)[0] for a in AXES)))
        with contextlib.suppress(ConfigError):  # refused in order (a sum of more terms, a run over budget): BLAS
            base = base.replace(products="in_order")
        object.__setattr__(self, "base", base)
        for optimizer in self.optimizers[1:]:  # each run can be opened as a run: priced as one
            budget.check_run(self.base.replace(optimizer=optimizer))
        budget.check_sweep(self.base, runs, tuple(self.optimizers))

    @property
    def n_runs(self) -> int:
        return math.prod(len(getattr(self, axis.name)) for axis in AXES)

    def configs(self) -> list[Config]:
        """One Config per run, in the nesting order of AXES: init, noise, lr, optimizer, seed.

        Each is the base with one item of each list. The lists were parsed when the sweep was
        built, and each optimizer's run was priced as a run (no other swept setting changes a
        run's price), so the runs are not parsed or priced again: 256 of them cost 1 ms, not 13.
        """
        lists = [getattr(self, axis.name) for axis in AXES]
        return [self.base._with_checked(self._settings(items)) for items in itertools.product(*lists)]

    @staticmethod
    def _settings(items: tuple) -> dict[str, Any]:
        """One item per axis -> the Config fields they set."""
        values = [v for item in items for v in (item if isinstance(item, tuple) else (item,))]
        return dict(zip(SWEPT, values))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SweepSpec:
        """A sweep from text (URL) or JSON values: the base's settings and the sweep's fields.

        Lists are text like ``"0.1,0.5,1"`` (``inits``: ``"constant 1;normal 0.5"``) or JSON
        arrays. A swept setting given alone (``lr``) is used when its list (``lrs``) is absent.
        """
        unknown = [key for key in values if key not in FIELDS and key not in SWEEP_FIELDS]
        if unknown:
            raise ConfigError(
                echo(unknown[0], quote=False),
                f"is not a setting; the settings are: {', '.join(FIELDS)}, and for a sweep {', '.join(SWEEP_FIELDS)}.",
            )
        base = Config.from_mapping({k: v for k, v in values.items() if k in FIELDS})
        return cls(base, **{k: v for k, v in values.items() if k in SWEEP_FIELDS})

    def to_mapping(self) -> dict[str, Any]:
        """JSON values: the base's settings (less the swept ones), the lists as text, the threshold."""
        base = {k: v for k, v in self.base.to_mapping().items() if k not in SWEPT}
        return base | self._lists_text() | {THRESHOLD.name: self.threshold}

    def to_query(self) -> dict[str, str]:
        """A flat ``{name: text}`` map for URL query parameters (floats written exactly)."""
        base = {k: v for k, v in self.base.to_query().items() if k not in SWEPT}
        return base | self._lists_text() | {THRESHOLD.name: repr(self.threshold)}

    def _lists_text(self) -> dict[str, str]:
        return {axis.name: axis.separator.join(map(_item_text, getattr(self, axis.name))) for axis in AXES}
