"""Data sets: the question's two observations, logic gates, generated 2-D sets, CSV files.

Inputs ``X`` have shape ``(observations, features)`` and targets ``Y`` ``(observations, outputs)``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class DataError(ValueError):
    """Data that cannot be used: the message is one sentence for the user."""


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


# name -> builder(points, noise, seed); only the generated sets use the three arguments.
DATASETS: dict[str, Callable[[int, float, int], Dataset]] = {
    "seed": _fixed([[0.8, 0.4], [0.3, 0.3]], [[0.2, 0.4], [1.0, 0.0]]),
    "xor": _fixed(_GATE_INPUTS, [[0.0], [1.0], [1.0], [0.0]]),
    "and": _fixed(_GATE_INPUTS, [[0.0], [0.0], [0.0], [1.0]]),
    "or": _fixed(_GATE_INPUTS, [[0.0], [1.0], [1.0], [1.0]]),
    "circle": circle,
    "spiral": spiral,
    "blobs": blobs,
}
GENERATED = ("circle", "spiral", "blobs")


def read_csv(text: str, max_rows: int = 10_000, max_columns: int = 64) -> Dataset:
    """Parse CSV text whose header is ``x1..xk`` then ``y1..ym`` (k, m >= 1) into a Dataset.

    Raises :class:`DataError` with one sentence naming the row or column at fault.
    """
    if "\x00" in text:
        raise DataError("CSV: the file is not text; upload a CSV with columns x1..xk then y1..ym.")
    text = text.removeprefix("\ufeff")  # the byte order mark of Excel's "CSV UTF-8"
    try:
        rows = list(csv.reader(io.StringIO(text.strip())))
    except csv.Error:  # a stray carriage return inside a value, or a value over 131,072 characters
        raise DataError(
            "CSV: the file is not valid CSV; look for a line break inside a value or a value over 131,072 characters."
        ) from None
    if not rows or not rows[0]:
        raise DataError("CSV: the file is empty; it needs a header x1..xk,y1..ym and at least one row.")
    header = [h.strip() for h in rows[0]]
    k = sum(1 for h in header if h.startswith("x"))
    expected = [f"x{i + 1}" for i in range(k)] + [f"y{i + 1}" for i in range(len(header) - k)]
    if header != expected or k == 0 or k == len(header):
        shown = ",".join(header)[:80]
        raise DataError(f"CSV: header '{shown}' must be x1..xk then y1..ym with at least one of each, e.g. x1,x2,y1.")
    if len(header) > max_columns:
        raise DataError(f"CSV: {len(header)} columns is too many; at most {max_columns} are allowed.")
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        raise DataError("CSV: there are no data rows under the header.")
    if len(body) > max_rows:
        raise DataError(f"CSV: {len(body)} rows is too many; at most {max_rows} are allowed.")
    values = np.empty((len(body), len(header)))
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(f"CSV: row {i} has {len(row)} values but the header has {len(header)} columns.")
        for j, cell in enumerate(row):
            values[i - 2, j] = _number(cell, f"CSV: row {i}, column {header[j]}")
    return Dataset(values[:, :k], values[:, k:])


def _number(cell: str, where: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{where}: '{cell.strip()[:20]}' is not a number.") from None
    if not np.isfinite(value):
        raise DataError(f"{where}: '{cell.strip()}' is not a finite number.")
    return value


def to_csv(dataset: Dataset) -> str:
    """The inverse of :func:`read_csv`."""
    header = [f"x{i + 1}" for i in range(dataset.n_inputs)] + [f"y{i + 1}" for i in range(dataset.n_outputs)]
    lines = [",".join(header)]
    lines += [",".join(repr(float(v)) for v in row) for row in np.hstack([dataset.X, dataset.Y])]
    return "\n".join(lines) + "\n"
