"""Data sets: the question's two observations, logic gates, generated 2-D sets, and tables of numbers.

Inputs ``X`` have shape ``(observations, features)`` and targets ``Y`` ``(observations, outputs)``.
Every table a user gives (a CSV file, the page's editable table, the ``inputs`` and ``targets``
settings) is read by :func:`numbers`, within one set of limits, and refused in one sentence that
names the row and the column at fault.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .echo import echo
from .errors import ConfigError

MAX_ROWS = 10_000
MAX_COLUMNS = 64  # inputs, and targets: a table of both has up to twice as many columns
MAX_TABLE_COLUMNS = 2 * MAX_COLUMNS
MAX_VALUE = 1e6
# One limit for every file a user gives: a CSV, a configuration or an exported run (JSON).
MAX_FILE_BYTES = 10_000_000


class DataError(ConfigError):
    """Data that cannot be used; ``field`` says where it came from (``CSV``, ``data table``, ``inputs``)."""


@dataclass(frozen=True)
class Dataset:
    X: np.ndarray
    Y: np.ndarray

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.Y.shape[1]


_GATE_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]


def _fixed(X: list, Y: list) -> Callable[[int, float, int], Dataset]:
    return lambda points, noise, seed: Dataset(np.array(X), np.array(Y))


def circle(points: int, noise: float, seed: int) -> Dataset:
    """Points in the square ``[-1, 1]^2``; target 1 inside the circle of radius 0.6."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    inside = np.hypot(X[:, 0], X[:, 1]) < 0.6
    X = X + rng.normal(0.0, noise, size=X.shape)
    return Dataset(X, inside[:, None].astype(float))


def spiral(points: int, noise: float, seed: int) -> Dataset:
    """Two interleaved spirals of ``points // 2`` points each; target 0 or 1 by spiral."""
    rng = np.random.default_rng(seed)
    half = points // 2
    labels = np.repeat([0.0, 1.0], [half, points - half])
    t = np.concatenate([np.linspace(0.0, 1.0, half), np.linspace(0.0, 1.0, points - half)])
    angle = 3.0 * np.pi * t + np.pi * labels
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    X = X + rng.normal(0.0, noise, size=X.shape)
    return Dataset(X, labels[:, None])


def blobs(points: int, noise: float, seed: int) -> Dataset:
    """Two Gaussian clusters around ``(-0.5, -0.5)`` (target 0) and ``(0.5, 0.5)`` (target 1)."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(points) % 2).astype(float)
    X = (labels[:, None] - 0.5) + rng.normal(0.0, 0.25 + noise, size=(points, 2))
    return Dataset(X, labels[:, None])


@dataclass(frozen=True)
class Source:
    """A data set of the registry: its name for people, and how to build it.

    ``generated`` sets are drawn from ``(points, noise, seed)``; the others ignore them. ``recipe``
    holds settings that learn this data set (the names of :data:`RECIPE_FIELDS`, values as in
    ``mlp.config.Config``), or nothing.
    """

    label: str
    build: Callable[[int, float, int], Dataset]
    generated: bool = False
    recipe: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __call__(self, points: int, noise: float, seed: int) -> Dataset:
        return self.build(points, noise, seed)


# What a recipe sets; applying one (mlp.config.recipe) keeps the data and the seed and sets the rest.
RECIPE_FIELDS = ("layers", "activation", "output_activation", "loss", "init", "init_scale", "optimizer", "lr",
                 "iterations")  # fmt: skip


def _recipe(layers: tuple[int, ...], **settings: Any) -> Mapping[str, Any]:
    """A recipe, read-only: the layer sizes, then the other settings of :data:`RECIPE_FIELDS`."""
    return MappingProxyType({"layers": layers, **settings})


# Settings that learn each data set (mlp.config.recipe applies them; tests/test_recipes.py checks the
# figures for seeds 0-2 and data seeds 0-1, at the default points and noise; the figures below hold for
# seeds 0-19 of the fixed sets, and seeds 0-7 x data seeds 0-3 of the generated ones). The question's data
# keeps the question's network and only starts at random; the others use tanh units and cross_entropy,
# trained by adam, whose steps do not grow with the number of observations.
_QUESTION = dict(activation="sigmoid", output_activation="sigmoid", loss="sse", init="normal", init_scale=1.0,
                 optimizer="gd", lr=0.5, iterations=3000)  # fmt: skip
_ADAM = dict(activation="tanh", output_activation="sigmoid", loss="cross_entropy", init="xavier", init_scale=1.0,
             optimizer="adam", lr=0.02, iterations=2000)  # fmt: skip
_GATE = _recipe((2, 4, 1), **_ADAM)  # every output within 0.002 of its target
_PLANE = _recipe((2, 24, 24, 1), **_ADAM)  # on the right side of 0.5: circle >= 99.5%, blobs 100%, spiral >= 96%

# name (the link's and the CLI's value) -> Source. A new entry shows in the CLI, the page and the schema.
DATASETS: dict[str, Source] = {
    "seed": Source(
        "The question's 2 observations",
        _fixed([[0.8, 0.4], [0.3, 0.3]], [[0.2, 0.4], [1.0, 0.0]]),
        recipe=_recipe((2, 3, 3, 2), **_QUESTION),  # every output within 0.021 of its target
    ),
    "xor": Source("XOR (4 points)", _fixed(_GATE_INPUTS, [[0.0], [1.0], [1.0], [0.0]]), recipe=_GATE),
    "and": Source("AND (4 points)", _fixed(_GATE_INPUTS, [[0.0], [0.0], [0.0], [1.0]]), recipe=_GATE),
    "or": Source("OR (4 points)", _fixed(_GATE_INPUTS, [[0.0], [1.0], [1.0], [1.0]]), recipe=_GATE),
    "circle": Source("Circle (generated)", circle, generated=True, recipe=_PLANE),
    "spiral": Source("Two spirals (generated)", spiral, generated=True, recipe=_PLANE),
    "blobs": Source("Two blobs (generated)", blobs, generated=True, recipe=_PLANE),
}
GENERATED = tuple(name for name, source in DATASETS.items() if source.generated)


# Tables of numbers.


def numbers(
    rows: Sequence[Sequence[Any]], where: str, names: Sequence[str] = (), first_row: int = 1, most: int = MAX_COLUMNS
) -> np.ndarray:
    """The cells of ``rows`` (text or numbers) as floats, shape ``(len(rows), columns)``.

    Every row has as many cells as ``names`` (or as the first row), at most ``most``; every cell is a finite number
    from ``-MAX_VALUE`` to ``MAX_VALUE``. Raises :class:`DataError` naming ``where``, the first bad
    row (counted from ``first_row``) and its column (by ``names``, else from 1).
    """
    if not rows:
        raise DataError(where, "there are no rows; give at least one row of numbers.")
    if len(rows) > MAX_ROWS:
        raise DataError(where, f"{len(rows):,} rows is too many; at most {MAX_ROWS:,} are allowed.")
    if not names and not isinstance(rows[0], (list, tuple)):
        raise DataError(where, f"row {first_row} is {echo(rows[0])}, not a row of numbers.")
    width = len(names) or len(rows[0])
    if not 1 <= width <= most:
        raise DataError(where, f"{width:,} columns is not allowed; use 1 to {most} columns.")
    try:  # fast path: numpy converts text and numbers alike; any doubt goes to the cell-by-cell reading
        values = np.array(rows, dtype=float)
        if values.shape == (len(rows), width) and _in_range(values) and not _has_bool(rows):
            return values
    except (ValueError, TypeError, OverflowError):
        pass
    return _read_cells(rows, where, names, width, first_row)


def _in_range(values: np.ndarray) -> bool:
    return bool(np.all(np.abs(values) <= MAX_VALUE))  # False for NaN too


def _has_bool(rows: Sequence[Sequence[Any]]) -> bool:
    return any(type(cell) is bool for row in rows for cell in row)


def _read_cells(rows, where: str, names: Sequence[str], width: int, first_row: int) -> np.ndarray:
    """The slow reading of :func:`numbers`, cell by cell, that finds and names the first bad one."""
    values = np.empty((len(rows), width))
    reference = "the header has {} columns" if names else f"row {first_row} has {{}}"
    for i, row in enumerate(rows):
        r = first_row + i
        if not isinstance(row, (list, tuple)):
            raise DataError(where, f"row {r} is {echo(row)}, not a row of numbers.")
        if len(row) != width:
            count = f"{len(row)} value{'s' if len(row) != 1 else ''}"
            raise DataError(where, f"row {r} has {count} but {reference.format(width)}; give every row {width}.")
        for j, cell in enumerate(row):
            column = names[j] if names else str(j + 1)
            values[i, j] = _cell(cell, f"row {r}, column {column}", where)
    return values


def _cell(cell: Any, place: str, where: str) -> float:
    """One cell as a float; DataError says what is wrong with it."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise DataError(where, f"{place} is empty; every cell needs a number.")
    shown = echo(cell) if isinstance(cell, str) else f"{cell:g}" if isinstance(cell, float) else echo(cell)
    if isinstance(cell, bool) or not isinstance(cell, (str, int, float)):
        raise DataError(where, f"{place}: {shown} is not a number.")
    rule = f"use numbers from -{MAX_VALUE:,.0f} to {MAX_VALUE:,.0f}"
    try:
        value = float(cell)
    except ValueError:
        raise DataError(where, f"{place}: {shown} is not a number.") from None
    except OverflowError:  # an integer past the float range, such as JSON's 1 followed by 400 zeros
        raise DataError(where, f"{place}: {shown} is out of range; {rule}.") from None
    if not math.isfinite(value):
        raise DataError(where, f"{place}: {shown} is not a finite number.")
    if abs(value) > MAX_VALUE:
        raise DataError(where, f"{place}: {shown} is out of range; {rule}.")
    return value


def from_rows(header: Sequence[str], rows: Sequence[Sequence[Any]], where: str, first_row: int) -> Dataset:
    """A Dataset from a header ``x1..xk, y1..ym`` and rows of cells (see :func:`numbers`)."""
    k = input_columns(header, where)
    values = numbers(rows, where, header, first_row, MAX_TABLE_COLUMNS)
    return Dataset(values[:, :k], values[:, k:])


def input_columns(header: Sequence[str], where: str) -> int:
    """The ``k`` of a header ``x1..xk, y1..ym`` (1 <= k, m <= MAX_COLUMNS); DataError otherwise."""
    if len(header) > MAX_TABLE_COLUMNS:
        rule = f"at most {MAX_COLUMNS} inputs and {MAX_COLUMNS} targets are allowed"
        raise DataError(where, f"{len(header):,} columns is too many; {rule}.")
    k = sum(1 for h in header if h.startswith("x"))
    expected = [f"x{i + 1}" for i in range(k)] + [f"y{i + 1}" for i in range(len(header) - k)]
    if list(header) != expected or k == 0 or k == len(header):
        shown = echo(",".join(header))
        raise DataError(where, f"header {shown} must be x1..xk then y1..ym with at least one of each, e.g. x1,x2,y1.")
    for part, count in (("input", k), ("target", len(header) - k)):
        if count > MAX_COLUMNS:
            raise DataError(where, f"{count:,} {part} columns is too many; at most {MAX_COLUMNS} are allowed.")
    return k


def read_csv(text: str) -> Dataset:
    """Parse CSV text whose header is ``x1..xk`` then ``y1..ym`` (k, m >= 1) into a Dataset.

    Lines and values are counted before anything is parsed, so a file far over the limits is
    refused at once. Raises :class:`DataError` with one sentence naming the row or column at fault.
    """
    text = text.removeprefix("\ufeff").strip()  # the byte order mark of Excel's "CSV UTF-8"
    n_lines = text.count("\n") + 1
    if n_lines - 1 > MAX_ROWS:
        rule = f"at most {MAX_ROWS:,} rows under the header are allowed"
        raise DataError("CSV", f"the file has {n_lines:,} lines; {rule}.")
    if "\x00" in text:
        raise DataError("CSV", "the file is not text; upload a CSV with columns x1..xk then y1..ym.")
    if not text:
        raise DataError("CSV", "the file is empty; it needs a header x1..xk,y1..ym and at least one row.")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    widest = max(line.count(",") for line in lines) + 1
    if widest > MAX_TABLE_COLUMNS + 1:  # one more than allowed is enough to name the row or header at fault
        row = next(i for i, line in enumerate(lines, start=1) if line.count(",") + 1 == widest)
        where = "the header has" if row == 1 else f"row {row} has"
        rule = f"at most {MAX_COLUMNS} inputs and {MAX_COLUMNS} targets are allowed"
        raise DataError("CSV", f"{where} {widest:,} columns; {rule}.")
    try:
        rows = list(csv.reader(lines))
    except csv.Error:  # a stray carriage return inside a value, or a value over 131,072 characters
        raise DataError(
            "CSV", "the file is not valid CSV; look for a line break inside a value or a value over 131,072 characters."
        ) from None
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        raise DataError("CSV", "there are no data rows under the header.")
    return from_rows(header, body, "CSV", first_row=2)


def to_csv(dataset: Dataset) -> str:
    """The inverse of :func:`read_csv`."""
    header = [f"x{i + 1}" for i in range(dataset.n_inputs)] + [f"y{i + 1}" for i in range(dataset.n_outputs)]
    lines = [",".join(header)]
    lines += [",".join(repr(float(v)) for v in row) for row in np.hstack([dataset.X, dataset.Y])]
    return "\n".join(lines) + "\n"
