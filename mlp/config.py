"""The configuration of a run: one frozen, hashable, self-validating object.

The same names are used everywhere: CLI flags (``--init-scale``), URL query parameters
(``init_scale``), JSON keys and the dashboard's widget keys. Each field has one parser that
accepts either text (CLI, URL) or a JSON value, so the three round trips share one code path.
"""

from __future__ import annotations

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
from .activation_functions import ACTIVATIONS
from .data import DATASETS, Dataset
from .errors import ConfigError
from .initializers import INITIALIZERS
from .losses import LOSSES
from .network import Architecture
from .optimizers import OPTIMIZERS

MAX_WIDTH = 256
MAX_DEPTH = 32
MAX_ROWS = 10_000
MAX_COLUMNS = 64
MAX_ITERATIONS = 1_000_000
MAX_SCALE = 1e6
MAX_TEXT = 200_000


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value) if _jsonable(value) else repr(value)
    return repr(text[:40] + "..." if len(text) > 40 else text)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
        return True
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else value


def _number_text(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def choice(options: Mapping[str, Any] | tuple[str, ...]) -> Callable[[str, Any], str]:
    names = tuple(options)

    def parse(field: str, value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in names:
            return value.strip().lower()
        raise ConfigError(field, f"{_show(value)} is not one of the allowed values: {', '.join(names)}.")

    return parse


def integer(low: int, high: int) -> Callable[[str, Any], int]:
    def parse(field: str, value: Any) -> int:
        number = _text(value)
        if isinstance(number, str):
            try:
                number = int(number.replace("_", ""), 10) if number.lstrip("+-").isdigit() else None
            except ValueError:
                number = None
        elif isinstance(number, float) and number.is_integer():
            number = int(number)
        if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
            raise ConfigError(field, f"{_show(value)} is not allowed; use a whole number from {low:,} to {high:,}.")
        return number

    return parse


def real(low: float, high: float, *, above: bool = False) -> Callable[[str, Any], float]:
    """A finite float in ``[low, high]`` (``(low, high]`` when ``above``)."""
    lo, hi = _number_text(low), _number_text(high)
    rule = f"greater than {lo} and at most {hi}" if above else f"from {lo} to {hi}"

    def parse(field: str, value: Any) -> float:
        number = _text(value)
        if isinstance(number, str):
            try:
                number = float(number)
            except ValueError:
                raise ConfigError(field, f"{_show(value)} is not a number; use a number {rule}.") from None
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ConfigError(field, f"{_show(value)} is not a number; use a number {rule}.")
        try:
            number = float(number)
        except OverflowError:  # an int past the float range, such as JSON's 1 followed by 400 zeros
            raise ConfigError(field, f"{_show(value)} is out of range; use a number {rule}.") from None
        if not math.isfinite(number):
            raise ConfigError(field, f"{_show(value)} is not a finite number; use a number {rule}.")
        if not (low < number if above else low <= number) or number > high:
            raise ConfigError(field, f"{number:g} is out of range; use a number {rule}.")
        return number

    return parse


def sizes(field: str, value: Any) -> tuple[int, ...]:
    """Layer sizes, input first: ``"2,3,3,2"`` or ``[2, 3, 3, 2]``."""
    rule = f"use 2 to {MAX_DEPTH} whole numbers from 1 to {MAX_WIDTH} separated by commas, such as 2,3,3,2"
    items = _text(value).split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not 2 <= len(items) <= MAX_DEPTH:
        raise ConfigError(field, f"{_show(value)} is not a list of layer sizes; {rule}.")
    try:
        parsed = tuple(integer(1, MAX_WIDTH)(field, item) for item in items)
    except ConfigError:
        raise ConfigError(field, f"{_show(value)} has a size that is not allowed; {rule}.") from None
    return parsed


def matrix(field: str, value: Any) -> tuple[tuple[float, ...], ...] | None:
    """A table of finite numbers: ``"0.8,0.4;0.3,0.3"`` (rows by ``;``) or nested lists."""
    rule = f"use rows separated by ';' of numbers separated by ',', such as 0.8,0.4;0.3,0.3 (at most {MAX_ROWS:,} rows)"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ConfigError(field, f"the table is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed.")
        rows = [row.split(",") for row in value.strip().strip(";").split(";")]
    else:
        rows = value
    if not isinstance(rows, (list, tuple)) or not rows or len(rows) > MAX_ROWS:
        raise ConfigError(field, f"{_show(value)} is not a table; {rule}.")
    if any(not isinstance(row, (list, tuple)) or len(row) != len(rows[0]) for row in rows):
        raise ConfigError(field, f"{_show(value)} has rows of different lengths; {rule}.")
    if not 1 <= len(rows[0]) <= MAX_COLUMNS:
        raise ConfigError(field, f"{_show(value)} needs 1 to {MAX_COLUMNS} columns; {rule}.")
    number = real(-MAX_SCALE, MAX_SCALE)
    try:
        return tuple(tuple(number(field, item) for item in row) for row in rows)
    except ConfigError as error:
        limit = _number_text(MAX_SCALE)
        raise ConfigError(
            field, f"{_show(value)} holds a value that is not a number from -{limit} to {limit}; {rule}."
        ) from error


# The one table of every setting: name -> (parser, help). Field order is the dataclass's.
PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "data": choice(tuple(DATASETS) + ("custom",)),
    "points": integer(4, MAX_ROWS),
    "data_noise": real(0.0, 1.0),
    "data_seed": integer(0, 2**32 - 1),
    "inputs": matrix,
    "targets": matrix,
    "layers": sizes,
    "activation": choice(ACTIVATIONS),
    "output_activation": choice(ACTIVATIONS),
    "loss": choice(LOSSES),
    "init": choice(INITIALIZERS),
    "init_scale": real(-MAX_SCALE, MAX_SCALE),
    "noise": real(0.0, MAX_SCALE),
    "seed": integer(0, 2**32 - 1),
    "optimizer": choice(OPTIMIZERS),
    "lr": real(0.0, MAX_SCALE, above=True),
    "iterations": integer(0, MAX_ITERATIONS),
    "snapshots": integer(2, 1000),
}

HELP: dict[str, str] = {
    "data": "data set: the question's 2 observations (seed), a logic gate, a generated 2-D set, or custom",
    "points": "number of points of a generated data set (circle, spiral, blobs)",
    "data_noise": "std of the noise added to a generated data set",
    "data_seed": "seed of a generated data set",
    "inputs": "custom inputs, rows separated by ';': 0.8,0.4;0.3,0.3",
    "targets": "custom targets, rows separated by ';': 0.2,0.4;1,0",
    "layers": "layer sizes, input first; the first and last must match the data",
    "activation": "activation of the hidden layers",
    "output_activation": "activation of the output layer",
    "loss": "cost: sse (the question's sum of squares), mse or cross_entropy",
    "init": "initialization of every weight and bias",
    "init_scale": "constant value, uniform half-width, normal std, or xavier/he gain",
    "noise": "std of Gaussian noise added to every initial weight (breaks symmetry)",
    "seed": "seed of the random generator for initialization and noise",
    "optimizer": "gd (the question's gradient descent), momentum or adam",
    "lr": "learning rate",
    "iterations": "number of full-batch steps",
    "snapshots": "number of weight snapshots kept, evenly spaced, first and last included",
}


@dataclass(frozen=True)
class Config:
    """Everything that defines a run. Defaults are the question's network, every weight at 1."""

    data: str = "seed"
    points: int = 200
    data_noise: float = 0.1
    data_seed: int = 0
    inputs: tuple[tuple[float, ...], ...] | None = None
    targets: tuple[tuple[float, ...], ...] | None = None
    layers: tuple[int, ...] = (2, 3, 3, 2)
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "sse"
    init: str = "constant"
    init_scale: float = 1.0
    noise: float = 0.0
    seed: int = 0
    optimizer: str = "gd"
    lr: float = 0.5
    iterations: int = 1000
    snapshots: int = 200

    def __post_init__(self) -> None:
        for name, parse in PARSERS.items():
            object.__setattr__(self, name, parse(name, getattr(self, name)))
        _check_network(self)
        budget.check_run(self)

    # Conversions. Every one goes through `from_mapping`, so they all validate the same way.

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Config:
        """A Config from text or JSON values keyed by the field names; missing ones default.

        Without ``layers`` the default hidden sizes ``3,3`` are framed by the data's sizes.
        """
        unknown = [key for key in values if key not in PARSERS]
        if unknown:
            raise ConfigError(unknown[0], f"is not a setting; the settings are: {', '.join(PARSERS)}.")
        parsed = {name: PARSERS[name](name, value) for name, value in values.items()}
        if "layers" not in parsed:
            data = _dataset(*(parsed.get(name, getattr(cls, name)) for name in _DATA_FIELDS))
            parsed["layers"] = (data.n_inputs, *cls.layers[1:-1], data.n_outputs)
        return cls(**parsed)

    def to_mapping(self) -> dict[str, Any]:
        """JSON values keyed by field name (tables as nested lists; absent tables left out)."""
        out = {}
        for name in PARSERS:
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = [list(row) for row in value] if name in _TABLES else list(value) if name == "layers" else value
        return out

    def to_query(self) -> dict[str, str]:
        """A flat ``{name: text}`` map for URL query parameters; floats written exactly."""
        return {name: query_text(value) for name, value in self.to_mapping().items()}

    def to_args(self) -> list[str]:
        """CLI arguments (``--init-scale=1.0 ...``) that rebuild this configuration."""
        # One `--name=value` token each: argparse would take a separate value such as "-1e-300"
        # or "-2.5,1;3,4" for an option and refuse it.
        return [f"--{name.replace('_', '-')}={text}" for name, text in self.to_query().items()]

    def to_json(self) -> str:
        return json.dumps(self.to_mapping())

    @classmethod
    def from_json(cls, text: str) -> Config:
        """A Config from a JSON object of settings, or from an exported run holding one under "config"."""
        try:
            values = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            raise ConfigError("config", "the text is not valid JSON.") from None
        if isinstance(values, dict) and isinstance(values.get("config"), dict):
            values = values["config"]  # an exported run (`python -m mlp --json`, the dashboard's download)
        if not isinstance(values, dict):
            raise ConfigError("config", 'the JSON must be an object of settings, such as {"lr": 0.5}.')
        return cls.from_mapping(values)

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    # Derived facts.

    @property
    def dataset(self) -> Dataset:
        """The inputs and targets this configuration trains on (shared: do not modify)."""
        return _dataset(*(getattr(self, name) for name in _DATA_FIELDS))

    @property
    def architecture(self) -> Architecture:
        """Layer sizes, activations and cost: everything of the network but its weights."""
        return Architecture(self.layers, self.activation, self.output_activation, self.loss)

    @property
    def n_params(self) -> int:
        return sum((1 + a) * b for a, b in zip(self.layers, self.layers[1:]))

    @property
    def work(self) -> float:
        """Nanoseconds of the server's CPU this run is priced at (see ``mlp.budget``)."""
        return budget.work(self)


_DATA_FIELDS = ("data", "points", "data_noise", "data_seed", "inputs", "targets")
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
    c.architecture  # noqa: B018  (refuses a cost that does not fit the output activation)
    if LOSSES[c.loss].needs_sigmoid_output and np.any((data.Y < 0) | (data.Y > 1)):
        raise ConfigError("loss", "cross_entropy needs every target between 0 and 1; use sse or mse for these targets.")


# Sweeps: a base configuration and lists of values for some of its settings.

MAX_SWEEP_RUNS = 512
# The lists of a sweep, in the nesting order of SweepSpec.configs(), and the Config fields they set.
AXES = ("inits", "noises", "lrs", "optimizers", "seeds")
SWEEP_FIELDS = (*AXES, "threshold")
SWEPT = ("init", "init_scale", "noise", "lr", "optimizer", "seed")
_EXAMPLES = {
    "inits": "constant 1;normal 0.5",
    "noises": "0,0.01,0.1",
    "lrs": "0.1,0.5,1",
    "optimizers": "gd,momentum,adam",
    "seeds": "0,1,2",
}


# Parsing: every value goes through the Config field's own parser (mlp.config.PARSERS).


def _items(axis: str, value: Any, separator: str) -> list:
    """The items of a list given as text (``"0.1,0.5"``), a sequence (JSON array, range) or one value."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ConfigError(axis, f"the text is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed.")
        items = [item for item in value.split(separator) if item.strip()]
    elif isinstance(value, np.ndarray):
        items = value.tolist()
    else:
        items = list(value) if isinstance(value, Sequence) else [value]
    if not items:
        rule = f"give one or more values separated by '{separator}', such as {_EXAMPLES[axis]}"
        raise ConfigError(axis, f"the list is empty; {rule}.")
    if len(items) > MAX_SWEEP_RUNS:
        raise ConfigError(axis, f"{len(items):,} values is more than the {MAX_SWEEP_RUNS} runs a sweep may have.")
    return items


def _init_pair(item: Any) -> tuple[str, float]:
    """``"normal 0.5"``, ``["normal", 0.5]`` or ``"xavier"`` (scale 1) -> ``("normal", 0.5)``."""
    parts = item.split() if isinstance(item, str) else item
    if not isinstance(parts, (list, tuple)) or not 1 <= len(parts) <= 2:
        raise ConfigError("inits", f"{item!r} is not an init and a scale; write them like {_EXAMPLES['inits']}.")
    scale = parts[1] if len(parts) == 2 else 1.0
    return PARSERS["init"]("init", parts[0]), PARSERS["init_scale"]("init_scale", scale)


def _parse_axis(axis: str, value: Any) -> tuple:
    """One list of a sweep, from text or JSON; a value that is not allowed names its Config field."""
    if axis == "inits":
        parsed = tuple(_init_pair(item) for item in _items(axis, value, ";"))
    else:
        name = axis[:-1]  # "lrs" -> "lr"
        parsed = tuple(PARSERS[name](name, item) for item in _items(axis, value, ","))
    repeated = next((v for i, v in enumerate(parsed) if v in parsed[:i]), None)
    if repeated is not None:
        shown = " ".join(map(str, repeated)) if axis == "inits" else repeated
        raise ConfigError(axis, f"{shown} is listed twice; give each value once.")
    return parsed


def _axis_text(axis: str, values: tuple) -> str:
    """The URL text of a list: ``"constant 1.0;normal 0.5"`` or ``"0.1,0.5"`` (floats exact)."""
    if axis == "inits":
        return ";".join(f"{name} {scale!r}" for name, scale in values)
    return ",".join(repr(v) if isinstance(v, float) else str(v) for v in values)


@dataclass(frozen=True)
class SweepSpec:
    """A base :class:`Config` and the values each swept setting takes; hashable, self-validating.

    A list left as ``None`` holds the base's value alone. After construction every list is a
    tuple and ``base`` holds the first value of each, so equal sweeps compare and hash equal.
    ``threshold`` is the cost a run must reach for ``iterations_to_threshold``.
    """

    base: Config = Config()
    _: KW_ONLY
    inits: tuple[tuple[str, float], ...] | None = None
    noises: tuple[float, ...] | None = None
    lrs: tuple[float, ...] | None = None
    optimizers: tuple[str, ...] | None = None
    seeds: tuple[int, ...] | None = None
    threshold: float = 0.01

    def __post_init__(self) -> None:
        b = self.base
        if not isinstance(b, Config):
            raise ConfigError("base", f"{b!r} is not a Config; build one with Config(...).")
        alone = {
            "inits": ((b.init, b.init_scale),),
            "noises": (b.noise,),
            "lrs": (b.lr,),
            "optimizers": (b.optimizer,),
            "seeds": (b.seed,),
        }
        for axis in AXES:
            value = getattr(self, axis)
            object.__setattr__(self, axis, alone[axis] if value is None else _parse_axis(axis, value))
        object.__setattr__(self, "threshold", real(0.0, MAX_SCALE)("threshold", self.threshold))
        runs = self.n_runs
        if runs > MAX_SWEEP_RUNS:
            sizes = " x ".join(str(len(getattr(self, axis))) for axis in AXES)
            raise ConfigError(
                "sweep", f"{runs:,} runs ({sizes} values) is more than {MAX_SWEEP_RUNS}; use fewer values in the lists."
            )
        firsts = (*self.inits[0], *(getattr(self, axis)[0] for axis in AXES[1:]))
        object.__setattr__(self, "base", b.replace(**dict(zip(SWEPT, firsts))))
        budget.check_sweep(self.base, runs)

    @property
    def n_runs(self) -> int:
        return math.prod(len(getattr(self, axis)) for axis in AXES)

    def configs(self) -> list[Config]:
        """One Config per run, init-major: nested loops over init, noise, lr, optimizer, seed."""
        return [
            self.base.replace(init=init, init_scale=scale, noise=noise, lr=lr, optimizer=optimizer, seed=seed)
            for (init, scale), noise, lr, optimizer, seed in itertools.product(
                self.inits, self.noises, self.lrs, self.optimizers, self.seeds
            )
        ]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SweepSpec:
        """A sweep from text (URL) or JSON values: the base's settings and the sweep's fields.

        Lists are text like ``"0.1,0.5,1"`` (``inits``: ``"constant 1;normal 0.5"``) or JSON
        arrays. A swept setting given alone (``lr``) is used when its list (``lrs``) is absent.
        """
        unknown = [key for key in values if key not in PARSERS and key not in SWEEP_FIELDS]
        if unknown:
            raise ConfigError(
                unknown[0],
                f"is not a setting; the settings are: {', '.join(PARSERS)}, and for a sweep {', '.join(SWEEP_FIELDS)}.",
            )
        base = Config.from_mapping({k: v for k, v in values.items() if k in PARSERS})
        return cls(base, **{k: v for k, v in values.items() if k in SWEEP_FIELDS})

    def to_mapping(self) -> dict[str, Any]:
        """JSON values: the base's settings (less the swept ones), the lists as text, the threshold."""
        base = {k: v for k, v in self.base.to_mapping().items() if k not in SWEPT}
        return base | self._lists_text() | {"threshold": self.threshold}

    def to_query(self) -> dict[str, str]:
        """A flat ``{name: text}`` map for URL query parameters (floats written exactly)."""
        base = {k: v for k, v in self.base.to_query().items() if k not in SWEPT}
        return base | self._lists_text() | {"threshold": repr(self.threshold)}

    def _lists_text(self) -> dict[str, str]:
        return {axis: _axis_text(axis, getattr(self, axis)) for axis in AXES}
