"""The vocabulary of a run: one table of settings, from which every face of a setting is made.

A :class:`Field` declares a setting once: its name (the CLI's ``--init-scale``, the link's
``init_scale``, the JSON key, the widget's key), its kind (which parses text or JSON values and
knows its bounds), its default, one phrase of help, and how the sidebar shows it (label, section,
step, number format). From :data:`FIELDS`:

- ``mlp.config.Config`` takes its fields, in this order, with these defaults;
- ``mlp.cli`` makes its flags and their help, and ``Config.json_schema()`` the JSON schema;
- ``ui.sidebar`` makes its widgets (label, help, bounds, options and their labels) and checks links.

A choice whose options are a registry (data sets, activations, costs, ...) reads the registry when
asked, so one new entry in ``mlp.data.DATASETS`` is one new option everywhere; an entry with a
``label`` is shown by that label. :data:`AXES` declares the lists of a sweep the same way: each
list names the settings it sets, and their fields parse its values.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .activation_functions import ACTIVATIONS
from .data import DATASETS, MAX_COLUMNS, MAX_ROWS, MAX_VALUE, numbers
from .echo import echo
from .errors import ConfigError
from .initializers import INITIALIZERS
from .losses import LOSSES
from .network import MOST_TERMS, PRODUCTS
from .optimizers import OPTIMIZERS

MAX_WIDTH = 256
MAX_DEPTH = 32
MAX_ITERATIONS = 1_000_000
MAX_SNAPSHOTS = 1000
MAX_SCALE = 1e6
MAX_SEED = 2**32 - 1
# The longest text of one setting or sweep list: a table this long still fits in a link (Streamlit
# drops query strings over 524,288 characters, and a link holds both tables).
MAX_TEXT = 200_000


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def check_length(field: str, text: str) -> None:
    """Refuse text longer than ``MAX_TEXT`` before reading it."""
    if len(text) > MAX_TEXT:
        raise ConfigError(field, f"the text is {len(text):,} characters long; at most {MAX_TEXT:,} are allowed.")


def number_text(x: float) -> str:
    """``1,000,000`` for whole numbers, ``0.05`` otherwise: numbers in sentences."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


# Kinds of setting. Each parses text (CLI, link) or a JSON value, raising ConfigError(field, one
# sentence), and describes itself as a JSON schema; ``widget`` says which widget shows it.


@dataclass(frozen=True)
class Integer:
    """A whole number from ``low`` to ``high``; text may use ``_`` between digits."""

    low: int
    high: int
    type: ClassVar = int
    widget: ClassVar = "number"

    @property
    def rule(self) -> str:
        return f"a whole number from {self.low:,} to {self.high:,}"

    def __call__(self, field: str, value: Any) -> int:
        number = _text(value)
        if isinstance(number, str):
            try:
                number = int(number.replace("_", ""), 10) if number.lstrip("+-").isdigit() else None
            except ValueError:
                number = None
        elif isinstance(number, float) and number.is_integer():
            number = int(number)
        if not isinstance(number, int) or isinstance(number, bool) or not self.low <= number <= self.high:
            raise ConfigError(field, f"{echo(value)} is not allowed; use {self.rule}.")
        return number

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True)
class Real:
    """A finite number in ``[low, high]``, or ``(low, high]`` when ``above``."""

    low: float
    high: float
    above: bool = False
    type: ClassVar = float
    widget: ClassVar = "number"

    @property
    def rule(self) -> str:
        lo, hi = number_text(self.low), number_text(self.high)
        return f"a number greater than {lo} and at most {hi}" if self.above else f"a number from {lo} to {hi}"

    def __call__(self, field: str, value: Any) -> float:
        number = _text(value)
        if isinstance(number, str):
            try:
                number = float(number)
            except ValueError:
                raise ConfigError(field, f"{echo(value)} is not a number; use {self.rule}.") from None
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ConfigError(field, f"{echo(value)} is not a number; use {self.rule}.")
        try:
            number = float(number)
        except OverflowError:  # an int past the float range, such as JSON's 1 followed by 400 zeros
            raise ConfigError(field, f"{echo(value)} is out of range; use {self.rule}.") from None
        if not math.isfinite(number):
            raise ConfigError(field, f"{echo(value)} is not a finite number; use {self.rule}.")
        if not (self.low < number if self.above else self.low <= number) or number > self.high:
            raise ConfigError(field, f"{number:g} is out of range; use {self.rule}.")
        return number

    def schema(self) -> dict[str, Any]:
        low = {"exclusiveMinimum": self.low} if self.above else {"minimum": self.low}
        return {"type": "number", **low, "maximum": self.high}


@dataclass(frozen=True, eq=False)
class Choice:
    """One name of a registry (read when asked, so new entries count), or of ``extra``'s names.

    An option is shown by its registry entry's ``label`` when it has one (``extra`` maps its own
    names to labels); the name itself is the value in links, flags and JSON.
    """

    registry: Mapping[str, Any]
    extra: Mapping[str, str] = dataclasses.field(default_factory=dict)
    type: ClassVar = str
    widget: ClassVar = "choice"

    def options(self) -> tuple[str, ...]:
        return (*self.registry, *self.extra)

    def label(self, option: str) -> str:
        if option in self.extra:
            return self.extra[option]
        return getattr(self.registry.get(option), "label", option)

    def __call__(self, field: str, value: Any) -> str:
        names = self.options()
        if isinstance(value, str) and value.strip().lower() in names:
            return value.strip().lower()
        raise ConfigError(field, f"{echo(value)} is not one of the allowed values: {', '.join(names)}.")

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.options())}


@dataclass(frozen=True)
class Sizes:
    """Layer sizes, input first: ``"2,3,3,2"`` or ``[2, 3, 3, 2]``."""

    depth: int
    width: int
    type: ClassVar = tuple[int, ...]
    widget: ClassVar = "text"

    def __call__(self, field: str, value: Any) -> tuple[int, ...]:
        rule = f"use 2 to {self.depth} whole numbers from 1 to {self.width} separated by commas, such as 2,3,3,2"
        if isinstance(value, str):
            check_length(field, value)
        items = _text(value).split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not 2 <= len(items) <= self.depth:
            raise ConfigError(field, f"{echo(value)} is not a list of layer sizes; {rule}.")
        try:
            return tuple(Integer(1, self.width)(field, item) for item in items)
        except ConfigError:
            raise ConfigError(field, f"{echo(value)} has a size that is not allowed; {rule}.") from None

    def schema(self) -> dict[str, Any]:
        sizes = {"type": "integer", "minimum": 1, "maximum": self.width}
        return {"type": "array", "items": sizes, "minItems": 2, "maxItems": self.depth}


@dataclass(frozen=True)
class Table:
    """A table of numbers or nothing: ``"0.8,0.4;0.3,0.3"`` (rows by ``;``), nested lists, or empty.

    Cells are read by ``mlp.data.numbers``, the reader of every table (CSV files and the page's too).
    """

    type: ClassVar = tuple[tuple[float, ...], ...] | None
    widget: ClassVar = "table"
    rule: ClassVar = "use rows separated by ';' of numbers separated by ',', such as 0.8,0.4;0.3,0.3"

    def __call__(self, field: str, value: Any) -> tuple[tuple[float, ...], ...] | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            check_length(field, value)
            rows = [row.split(",") for row in value.strip().strip(";").split(";")]
        elif isinstance(value, (list, tuple)):
            rows = value
        else:
            raise ConfigError(field, f"{echo(value)} is not a table; {self.rule}.")
        return tuple(map(tuple, numbers(rows, field).tolist()))

    def schema(self) -> dict[str, Any]:
        cell = {"type": "number", "minimum": -MAX_VALUE, "maximum": MAX_VALUE}
        row = {"type": "array", "items": cell, "minItems": 1, "maxItems": MAX_COLUMNS}
        return {"type": ["array", "null"], "items": row, "minItems": 1, "maxItems": MAX_ROWS}


Kind = Integer | Real | Choice | Sizes | Table


@dataclass(frozen=True)
class Field:
    """One setting: name, kind, default, help (a phrase), and its widget's label, section, step and format."""

    name: str
    kind: Kind
    default: Any
    help: str
    label: str
    section: str
    step: float | None = None
    format: str | None = None

    @property
    def flag(self) -> str:
        """The CLI flag: ``--init-scale`` for ``init_scale``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, value: Any) -> Any:
        return self.kind(self.name, value)

    def schema(self) -> dict[str, Any]:
        return self.kind.schema() | {"description": self.help, "default": json_value(self.default)}


def json_value(value: Any) -> Any:
    """A setting's value as JSON data: tuples (layer sizes, tables) as lists."""
    return [json_value(v) for v in value] if isinstance(value, tuple) else value


# The one table: Field(name, kind, default, help, label, section, step, format). Its order is the
# dataclass's, the CLI's, the JSON's, the schema's and the sidebar's within each section.
FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("data", Choice(DATASETS, {"custom": "Custom table / CSV"}), "seed",
              "the data set, by name; custom uses inputs and targets", "Data set", "Data"),
        Field("points", Integer(4, MAX_ROWS), 200, "number of points of a generated data set", "Points", "Data",
              step=10),
        Field("data_noise", Real(0.0, 1.0), 0.1, "std of the Gaussian noise added to a generated data set's points",
              "Noise on the points (std)", "Data", step=0.05),
        Field("data_seed", Integer(0, MAX_SEED), 0, "seed of the generator that draws a generated data set's points",
              "Seed of the points", "Data"),
        Field("inputs", Table(), None, "custom inputs, one row per observation: 0.8,0.4;0.3,0.3", "Inputs", "Data"),
        Field("targets", Table(), None, "custom targets, one row per observation: 0.2,0.4;1,0", "Targets", "Data"),
        Field("layers", Sizes(MAX_DEPTH, MAX_WIDTH), (2, 3, 3, 2),
              "layer sizes, input first, such as 2,3,3,2; the first and last must match the data",
              "Layer sizes, input first", "Network"),
        Field("activation", Choice(ACTIVATIONS), "sigmoid", "activation of the hidden layers", "Hidden activation",
              "Network"),
        Field("output_activation", Choice(ACTIVATIONS), "sigmoid", "activation of the output layer",
              "Output activation", "Network"),
        Field("loss", Choice(LOSSES), "sse", "cost; sse is the question's sum of squared errors", "Cost", "Network"),
        Field("init", Choice(INITIALIZERS), "constant", "initialization of every weight and bias", "Method",
              "Initialization"),
        Field("init_scale", Real(-MAX_SCALE, MAX_SCALE), 1.0,
              "constant: the value of every weight (any sign); uniform: the half-width, normal: the std, "
              "xavier and he: the gain, each taken as its absolute value", "Scale", "Initialization",
              step=0.1, format="%g"),
        Field("noise", Real(0.0, MAX_SCALE), 0.0,
              "std of the Gaussian noise added to every initial weight and bias; 0 adds none",
              "Noise on the start (std)", "Initialization", step=0.01, format="%g"),
        Field("seed", Integer(0, MAX_SEED), 0,
              "seed of the generator that draws the initial weights and the noise; same seed, same run",
              "Seed of the start", "Initialization"),
        Field("optimizer", Choice(OPTIMIZERS), "gd", "gd is the question's gradient descent", "Optimizer",
              "Training"),
        Field("lr", Real(0.0, MAX_SCALE, above=True), 0.5, "learning rate", "Learning rate", "Training",
              step=0.1, format="%g"),
        Field("iterations", Integer(0, MAX_ITERATIONS), 1000,
              "number of full-batch steps; the work budget allows fewer for large networks and data",
              "Iterations", "Training", step=500),
        Field("snapshots", Integer(2, MAX_SNAPSHOTS), 200,
              "number of weight snapshots kept, evenly spaced, first and last included", "Snapshots kept",
              "Training", step=10),
        Field("products", Choice({}, PRODUCTS), "blas",
              "how each product and cost is summed: blas is numpy's @ (OpenBLAS, fused multiply-adds); in_order "
              f"adds the terms one at a time, as a sweep of a small network does (at most {MOST_TERMS} terms a sum)",
              "Products summed by", "Training"),
    )
}  # fmt: skip


# Sweeps: lists of values for some settings, every combination trained together.


@dataclass(frozen=True)
class Axis:
    """A list of a sweep: values of the settings ``fields``, items separated by ``separator``.

    ``item`` names one item in messages (``an init and a scale``).
    """

    name: str
    fields: tuple[str, ...]
    separator: str
    example: str
    item: str


# In the nesting order of SweepSpec.configs(). An item of "inits" is a pair: "normal 0.5".
AXES: tuple[Axis, ...] = (
    Axis("inits", ("init", "init_scale"), ";", "constant 1;normal 0.5", "an init and a scale"),
    Axis("noises", ("noise",), ",", "0,0.01,0.1", "a noise"),
    Axis("lrs", ("lr",), ",", "0.1,0.5,1", "a learning rate"),
    Axis("optimizers", ("optimizer",), ",", "gd,momentum,adam", "an optimizer"),
    Axis("seeds", ("seed",), ",", "0,1,2", "a seed"),
)
THRESHOLD = Field("threshold", Real(0.0, MAX_SCALE), 0.01, "the cost a run must reach to count as arrived",
                  "Cost threshold", "Sweep", format="%g")  # fmt: skip
