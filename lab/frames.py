"""Runs as pandas frames: long forms for the charts, wide tables for display.

Only reshaping and thinning here; every number comes from the engine. Labels follow the learner's notation:
``W^l`` goes from layer ``l`` to ``l+1``, row 0 is the bias ``b^l``, row ``i+1`` comes from ``a^l_i``.
Tables keep the caret form (``a^1_0``); what charts draw is written with Unicode super- and subscripts
(``a¹₀``, :func:`unicode`), as Vega-Lite cannot render LaTeX.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

import mlp
from mlp import Config, Run, Step
from mlp.training import snapshot_schedule

MAX_OBSERVATIONS = 50  # observations shown in the activations heatmap
LONG_SETTINGS = ("inputs", "targets")  # tables too long for the settings comparison
MAX_NAME = 60  # characters of a run name
MAX_NAME_VALUE = 16  # characters of one setting's value inside a run name
FIELDS = tuple(field.name for field in dataclasses.fields(Config))  # the configuration's field order
_SUPERSCRIPT = dict(zip("0123456789+-lLn", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˡᴸⁿ"))
_SUBSCRIPT = dict(zip("0123456789ij", "₀₁₂₃₄₅₆₇₈₉ᵢⱼ"))
_SCRIPTS = re.compile(r"([\^_])(?:\{([^{}]*)\}|([0-9]+|[lLnij]))")  # ^2, _{10}, ^L, _j


def _script(match: re.Match) -> str:
    """One ``^x``/``_x`` in Unicode; left as it is when a character has no Unicode form."""
    table = _SUPERSCRIPT if match.group(1) == "^" else _SUBSCRIPT
    text = match.group(2) if match.group(2) is not None else match.group(3)
    return "".join(table[c] for c in text) if all(c in table for c in text) else match.group(0)


def unicode(text: str) -> str:
    """The learner's caret notation with Unicode scripts, for chart titles and labels: ``a^1_0`` -> ``a¹₀``,
    ``dC/dW^2`` -> ``dC/dW²``, ``a^L_0`` -> ``aᴸ₀``."""
    return _SCRIPTS.sub(_script, text)


def spread(n: int, most: int | None) -> np.ndarray:
    """At most ``most`` evenly spaced indices of ``range(n)``, the first and the last included (all if None)."""
    return np.arange(n) if most is None or n <= most else snapshot_schedule(n - 1, most)


def _long(M: np.ndarray, row: str, col: str, value: str) -> pd.DataFrame:
    """Columns <row>, <col>, <value>: one row per entry of the 2-D ``M``, in row-major order."""
    rows, cols = np.indices(M.shape)
    return pd.DataFrame({row: rows.ravel(), col: cols.ravel(), value: M.ravel()})


def _stack(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames one under the other with ``columns`` in order; an empty frame with them if none."""
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _finite(a: np.ndarray) -> np.ndarray:
    """``a`` as floats with every inf turned into NaN (a diverged run's outputs)."""
    a = np.asarray(a, dtype=float)
    return np.where(np.isfinite(a), a, np.nan)


def _neurons(layer: int, n: int) -> list[str]:
    """Labels ``a¹₀ .. a¹ₙ₋₁`` (a^l_j) of the ``n`` neurons of layer ``l``, as charts write them."""
    return [unicode(f"a^{layer}_{i}") for i in range(n)]


def _network(run: Run, snapshot: int, X: np.ndarray) -> list[np.ndarray]:
    """``a^0 .. a^L`` for inputs ``X`` at the weights of ``snapshot`` (quiet on blown-up weights)."""
    with np.errstate(all="ignore"):
        return mlp.activations(run.config.architecture, run.weights[snapshot], X)


def loss_frame(runs: Mapping[str, Run], max_points: int = 300) -> pd.DataFrame:
    """Columns run, iteration, loss: each run's cost history thinned evenly to at most ``max_points``.

    300 points is a point every two or three pixels of a chart on a laptop's screen; 1,500 drew the
    cost curve 0.15 to 0.18 s later on a new visitor's first load (python -m benchmarks.dashboard).
    """
    frames = []
    for name, run in runs.items():
        kept = snapshot_schedule(run.iterations_run, max_points)  # evenly spaced, first and last kept
        kept = kept[: len(run.loss_history)]  # none when the very first cost was already infinite
        frames.append(pd.DataFrame({"run": name, "iteration": kept, "loss": run.loss_history[kept]}))
    return _stack(frames, ["run", "iteration", "loss"])


def outputs_frame(runs: Mapping[str, Run]) -> pd.DataFrame:
    """Columns run, observation, neuron, initial (a^L at iteration 0), output (final a^L), target,
    error (output - target); non-finite values NaN."""
    frames = []
    for name, run in runs.items():
        df = _long(_finite(run.outputs), "observation", "neuron", "output")
        target = run.targets.ravel()
        initial = _finite(_network(run, 0, run.inputs)[-1]).ravel()
        frames.append(df.assign(run=name, initial=initial, target=target, error=df["output"] - target))
    return _stack(frames, ["run", "observation", "neuron", "initial", "output", "target", "error"])


def matrix_frame(M: np.ndarray, layer: int, max_side: int | None = None) -> pd.DataFrame:
    """Columns row, col, from_label (``b¹ (bias)``, ``a¹₀`` ...), to_label (``a²₀`` ...), value: the long form
    of ``W^layer`` or ``dC/dW^layer``, labelled for a chart.

    With ``max_side``, only that many evenly spaced rows and columns (the bias row and the first and last
    neuron included); row and col stay the matrix's own indices.
    """
    rows, cols = spread(M.shape[0], max_side), spread(M.shape[1], max_side)
    df = _long(M[np.ix_(rows, cols)], "row", "col", "value")
    df["row"], df["col"] = rows[df["row"]], cols[df["col"]]
    from_labels = np.array([unicode(f"b^{layer} (bias)"), *_neurons(layer, M.shape[0] - 1)])
    to_labels = np.array(_neurons(layer + 1, M.shape[1]))
    return df.assign(from_label=from_labels[df["row"]], to_label=to_labels[df["col"]])[
        ["row", "col", "from_label", "to_label", "value"]
    ]


def weights_frames(run: Run, snapshot: int, max_side: int | None = None) -> list[pd.DataFrame]:
    """One matrix_frame (row, col, from_label, to_label, value) per ``W^l`` at ``snapshot``."""
    return [matrix_frame(W, l, max_side) for l, W in enumerate(run.weights[snapshot])]


def activations_frame(run: Run, snapshot: int, max_neurons: int | None = None) -> pd.DataFrame:
    """Columns layer, observation, neuron, activation: hidden ``a^1 .. a^{L-1}`` of the first 50 observations.

    With ``max_neurons``, only that many evenly spaced neurons of each layer (neuron keeps its index ``j``).
    """
    frames = []
    for l, a in enumerate(hidden_activations(run, snapshot), start=1):
        neurons = spread(a.shape[1], max_neurons)
        df = _long(a[:, neurons], "observation", "neuron", "activation")
        frames.append(df.assign(neuron=neurons[df["neuron"]], layer=l))
    return _stack(frames, ["layer", "observation", "neuron", "activation"])


def hidden_activations(run: Run, snapshot: int) -> list[np.ndarray]:
    """``a^1 .. a^{L-1}`` of the first 50 observations at ``snapshot``, each observations x neurons."""
    return _network(run, snapshot, run.inputs[:MAX_OBSERVATIONS])[1:-1]


def symmetry_frame(runs: Mapping[str, Run]) -> pd.DataFrame:
    """Columns run, iteration, layer (hidden layer l, from 1), width (its neurons), distinct, gap: one row per
    snapshot and layer."""
    frames = []
    for name, run in runs.items():
        df = _long(run.distinct_neurons, "snapshot", "layer", "distinct")
        iteration = run.snapshot_iterations[df["snapshot"]]
        width = np.asarray(run.config.layers[1:-1])[df["layer"]]
        frames.append(
            df.assign(run=name, iteration=iteration, layer=df["layer"] + 1, width=width, gap=run.symmetry_gap.ravel())
        )
    return _stack(frames, ["run", "iteration", "layer", "width", "distinct", "gap"])


def surface_frame(run: Run, snapshot: int = -1, resolution: int = 50) -> pd.DataFrame | None:
    """Columns x1, x2, output: output neuron 0 over a grid around 2-input data (None for other data)."""
    X = run.inputs
    if X.shape[1] != 2:
        return None
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.where(high > low, 0.1 * (high - low), 0.5)
    x1, x2 = np.meshgrid(*(np.linspace(lo - p, hi + p, resolution) for lo, hi, p in zip(low, high, pad)))
    grid = np.column_stack([x1.ravel(), x2.ravel()])
    output = _network(run, snapshot, grid)[-1][:, 0]
    return pd.DataFrame({"x1": grid[:, 0], "x2": grid[:, 1], "output": _finite(output)})


def points_frame(run: Run, max_points: int | None = None) -> pd.DataFrame:
    """Columns observation, x1, x2 (NaN for 1-input data), target, output: first input pair and first output.

    With ``max_points``, only that many evenly spaced observations.
    """
    shown = spread(len(run.inputs), max_points)
    X = run.inputs[shown]
    return pd.DataFrame(
        {
            "observation": shown,
            "x1": X[:, 0],
            "x2": X[:, 1] if X.shape[1] > 1 else np.nan,
            "target": run.targets[shown, 0],
            "output": _finite(run.outputs[shown, 0]),
        }
    )


def matrix_table(M: np.ndarray, row_names: list[str] | None, col_names: list[str] | None) -> pd.DataFrame:
    """The 2-D ``M`` as a wide table indexed by ``row_names`` with columns ``col_names`` (0, 1, ... if None)."""
    return pd.DataFrame(M, index=row_names, columns=col_names)


def trace_steps(run: Run, snapshot: int = 0) -> list[Step]:
    """Every matrix of one forward and backward pass at the weights of ``snapshot`` (see ``mlp.trace``)."""
    with np.errstate(all="ignore"):
        return mlp.trace(run.config.architecture, run.weights[snapshot], run.inputs, run.targets)


def step_table(step: Step, max_rows: int | None = None, max_columns: int | None = None) -> pd.DataFrame:
    """A step's matrix, wide, with the rows and columns the engine names, in Unicode notation (``obs i`` /
    ``a⁰₀`` for the engine's ``a^0_0`` ...).

    With ``max_rows`` and ``max_columns``, only its top left corner of at most that many rows and columns.
    """
    r, c = max_rows, max_columns  # None slices everything
    rows, columns = ([unicode(name) for name in names] for names in (step.rows[:r], step.columns[:c]))
    return matrix_table(step.value[:r, :c], rows, columns)


def settings_frame(configs: Mapping[str, Config]) -> pd.DataFrame:
    """Index setting, one text column per run, boolean column differs (inputs and targets left out)."""
    table = pd.DataFrame({name: c.to_query() for name, c in configs.items()}, dtype=object)
    table = table.drop(index=list(LONG_SETTINGS), errors="ignore").rename_axis("setting")
    return table.assign(differs=table.nunique(axis=1, dropna=False) > 1)


def _setting_text(config: Config, key: str) -> str:
    """``key``'s value written for a run name; ``init`` carries its scale (``constant 1``)."""
    value = getattr(config, key)
    if key == "init":
        text = f"{value} {config.init_scale:g}"
    else:
        text = f"{value:g}" if isinstance(value, float) else config.to_query().get(key, "none")
    return text if len(text) <= MAX_NAME_VALUE else text[: MAX_NAME_VALUE - 1] + "…"


def _unique(names: list[str]) -> list[str]:
    """``names`` with `` (2)``, `` (3)`` ... appended to repeats."""
    seen: set[str] = set()
    out = []
    for name in names:
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name} ({k})", k + 1
        seen.add(unique)
        out.append(unique)
    return out


def run_names(configs: Sequence[Config]) -> list[str]:
    """A short unique name per configuration from the settings that differ: ``init=normal 1, seed=3``."""
    queries = [c.to_query() for c in configs]
    differing = [k for k in FIELDS if len({q.get(k) for q in queries}) > 1] if len(configs) > 1 else ["init"]
    keys = list(dict.fromkeys("init" if k == "init_scale" else k for k in differing))
    if not keys:
        return [f"run {i + 1}" for i in range(len(configs))]
    names = [", ".join(f"{k}={_setting_text(c, k)}" for k in keys) for c in configs]
    return _unique([n if len(n) <= MAX_NAME else n[: MAX_NAME - 1] + "…" for n in names])


def sweep_frame(records: Sequence[Mapping]) -> pd.DataFrame:
    """One row per sweep run (``SweepResult.frame_records``) plus columns start (``normal 0.5``) and cell.

    ``cell`` names the grid cell a run belongs to: its start, noise, optimizer and learning rate (the
    runs of one cell differ by seed only).
    """
    df = pd.DataFrame(list(records))
    start = df["init"] + " " + df["init_scale"].map("{:g}".format)
    start = start.where(df["noise"] == 0, start + " + noise " + df["noise"].map("{:g}".format))
    row = start + " · " + df["optimizer"]
    return df.assign(start=start, row=row, cell=row + " · lr " + df["lr"].map("{:g}".format))


def distinct_text(distinct: Sequence[int], widths: Sequence[int]) -> str:
    """Distinct neurons per hidden layer as the page writes them: ``1/3 · 1/3`` (``no hidden layer`` if none)."""
    return " · ".join(f"{d}/{w}" for d, w in zip(distinct, widths)) or "no hidden layer"


def sweep_cells(runs: pd.DataFrame, widths: Sequence[int] = ()) -> pd.DataFrame:
    """Columns row, lr, cell, runs, final_loss (median over seeds), distinct (fewest distinct hidden
    neurons over seeds, summed over the layers), distinct_text (the fewest of each hidden layer of
    ``widths`` over seeds: ``1/3 · 1/3``), reached (runs that reached the threshold), iterations (median
    iterations to reach it among those, NaN if none)."""
    distinct = [c for c in runs.columns if c.startswith("distinct_layer_")]
    per_run = runs.assign(
        distinct_total=runs[distinct].sum(axis=1) if distinct else 0,
        iterations=runs["iterations_to_threshold"].where(runs["iterations_to_threshold"] >= 0),
    )
    cells = (
        per_run.groupby(["row", "lr", "cell"], sort=False)
        .agg(
            runs=("run", "size"),
            final_loss=("final_loss", "median"),
            distinct=("distinct_total", "min"),
            reached=("iterations", "count"),
            iterations=("iterations", "median"),
            **{layer: (layer, "min") for layer in distinct},
        )
        .reset_index()
    )
    text = [distinct_text(fewest, widths) for fewest in cells[distinct].to_numpy(dtype=int)]
    return cells.drop(columns=distinct).assign(distinct_text=text)
