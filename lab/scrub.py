"""Scrub and play training in the browser: every kept snapshot inside one chart, picked by a range input.

A chart built here holds K frames (snapshots of a run, thinned to fit :data:`MAX_FRAMES` and
:data:`MAX_VALUES`) and two Vega-Lite parameters bound to inputs under the chart:

- ``frame`` (a range input, 0 .. K-1): which snapshot is drawn. Values that change with the
  snapshot sit in one column per frame (``v0 .. v{K-1}``) and a ``calculate`` transform reads
  ``datum['v' + frame]``, so a move costs one pass over one frame's rows, not over all K (a filter
  on a long frame would test every row of every frame). That pass matters: Streamlit runs Vega with
  its expression interpreter (no ``eval``), a few microseconds per expression and mark item;
- ``play`` (a checkbox): while checked, a Vega timer advances ``frame`` (see :func:`playable`).

Moving either sends nothing to the server: Vega redraws in the page. Streamlit only listens to a
chart's selection parameters (``on_select``); these are plain variable parameters.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from lab.charts import (
    CELL,
    DARK_DIVERGING,
    DARK_SEQUENTIAL,
    DIVERGING,
    MAX_GRID,
    MAX_LABELLED,
    MAX_MATRIX_WIDTH,
    MAX_VALUE_CELLS,
    MISSING,
    SEQUENTIAL,
    label_tooltips,
    matrix_axes,
)
from lab.frames import activations_frame, hidden_activations, unicode
from mlp import Run
from mlp.training import snapshot_schedule

MAX_FRAMES = 100  # snapshots a chart holds at most
MAX_VALUES = 200_000  # rows x frames a chart holds at most (about 1.6 MB as float64)
MAX_CELLS = 2_000  # heatmap cells a frame redraws at most (each costs microseconds of Vega's interpreter)
# Heatmaps one scrubbed chart holds at most; past it the page keeps the server's slider. Each heatmap adds its
# own axes, legend and marks to every frame the browser draws: tests/test_scrub.py measured a frame of the
# question's Weights tab (8 heatmaps) at 18-27 ms of CPU in Chromium here, one of 11 at 36 ms, and one of 14
# at 48 ms, on the 50 ms line. Building them costs the server milliseconds (``python -m benchmarks.workarounds``).
MAX_HEATMAPS = 12
LOOP_SECONDS = 6.0  # play runs through all frames in about this long
FRAME_MS = (60, 400)  # bounds of the time a frame stays on screen while playing, ms
FRAME, PLAY, ITERATIONS = "frame", "play", "iterations"  # parameter names


def kept_frames(count: int, per_frame: int, max_frames: int = MAX_FRAMES, max_values: int = MAX_VALUES) -> np.ndarray:
    """Indexes of the snapshots a chart holds: evenly spaced among ``count``, first and last included.

    At most ``max_frames``, and at most ``max_values // per_frame`` (never fewer than the first and last).
    """
    fit = max(2, min(max_frames, max_values // max(per_frame, 1)))
    return snapshot_schedule(count - 1, min(count, fit))


def values_column(k: int, prefix: str = "v") -> str:
    """The column holding frame ``k``'s values: ``v0``, ``v1`` ..."""
    return f"{prefix}{k}"


def per_frame(values: np.ndarray | Sequence[Sequence], prefix: str = "v") -> dict[str, np.ndarray]:
    """Columns ``<prefix>0 .. <prefix>{K-1}`` from ``values`` of shape ``(K, rows)``: frame ``k``'s values."""
    return {values_column(k, prefix): np.asarray(row) for k, row in enumerate(values)}


def wide(frames: Sequence[pd.DataFrame], keys: Sequence[str], value: str) -> pd.DataFrame:
    """Per-frame long frames with the same rows -> the ``keys`` columns and one column ``v<k>`` per frame.

    Every frame must list the same keys in the same order (a frame per snapshot of one matrix).
    """
    first = frames[0][list(keys)].reset_index(drop=True)
    for df in frames[1:]:
        if not df[list(keys)].reset_index(drop=True).equals(first):
            raise ValueError(f"the frames do not share their {', '.join(keys)} rows")
    columns = per_frame([df[value].to_numpy(dtype=float) for df in frames])
    return pd.concat([first, pd.DataFrame(columns)], axis=1)


def current(name: str = "value", prefix: str = "v") -> dict[str, str]:
    """Keyword for ``transform_calculate``: ``name`` = the value of the frame on screen (column ``<prefix><frame>``)."""
    return {name: f"datum['{prefix}' + {FRAME}]"}


def controls(iterations: Sequence[int], costs: Sequence[float] | None = None) -> list[alt.Parameter]:
    """The frame's range input (starting on the last frame), the play checkbox, and per-frame arrays.

    ``iterations[frame]`` (and ``costs[frame]`` when given) can be read in expressions.
    """
    last = len(iterations) - 1
    params = [
        alt.param(name=FRAME, value=last, bind=alt.binding_range(min=0, max=last, step=1, name="snapshot ")),
        alt.param(name=PLAY, value=False, bind=alt.binding_checkbox(name="play ▶ ")),
        alt.param(name=ITERATIONS, value=[int(i) for i in iterations]),
    ]
    if costs is not None:
        params.append(alt.param(name="costs", value=[float(c) if np.isfinite(c) else None for c in costs]))
    return params


def iteration_text(with_cost: bool = False) -> str:
    """A Vega expression: ``iteration 1,234`` of the frame on screen (and ``· cost C = 0.0123``)."""
    text = f"'iteration ' + format({ITERATIONS}[{FRAME}], ',')"
    return text + " + '   ·   cost C = ' + format(costs[frame], '.4~g')" if with_cost else text


def frame_ms(frames: int) -> int:
    """How long each frame stays on screen while playing: LOOP_SECONDS for the whole run, within FRAME_MS."""
    low, high = FRAME_MS
    return int(np.clip(1000 * LOOP_SECONDS / max(frames, 1), low, high))


def playable(spec: dict) -> dict:
    """``spec`` (a chart's Vega-Lite dict) with a timer that advances ``frame`` while ``play`` is checked.

    Vega-Lite has no timer for a variable parameter, but it hands a parameter's other properties to
    the Vega signal it compiles (vega-lite's ``assembleParameterSignals`` spreads them), and a Vega
    signal's ``on`` takes a ``timer`` event stream that fires every ``throttle`` ms. Altair refuses the
    property, so it is added to the dict. ``spec`` is not changed.
    """
    params = spec.get("params", [])
    frame = next((p for p in params if p.get("name") == FRAME), None)
    if frame is None:
        raise ValueError(f"the spec has no '{FRAME}' parameter to play")
    count = frame["bind"]["max"] + 1
    tick = {"type": "timer", "throttle": frame_ms(count)}
    on = [{"events": tick, "update": f"{PLAY} ? ({FRAME} + 1) % {count} : {FRAME}"}]
    return {**spec, "params": [{**p, "on": on} if p is frame else p for p in params]}


def holding_sentence(kept: int, snapshots: int) -> str:
    """What the chart holds, in words."""
    if kept == snapshots:
        return f"The chart holds all {snapshots:,} kept snapshots: scrubbing and playing happen in your browser."
    return (
        f"The chart holds {kept:,} of the run's {snapshots:,} snapshots, evenly spaced (at most {MAX_FRAMES} and "
        f"{MAX_VALUES:,} values): scrubbing and playing happen in your browser."
    )


# Heatmaps of W^l and dC/dW^l over the frames (for the Weights tab).


# 3 significant digits, the shorter of decimal and exponent form (0.599, -1.25e-4), as the lab writes values
SHORT = (
    "length(format(datum.value, '.3~g')) <= length(format(datum.value, '.2~e')) "
    "? format(datum.value, '.3~g') : format(datum.value, '.2~e')"
)


KEYS = ["row", "col", "from_label", "to_label"]  # a matrix cell's columns (lab.frames.matrix_frame) besides its value
# A heatmap's frames: the wide frame (KEYS and v0 .. v{K-1}, see over_time) or one matrix_frame per frame.
Frames = pd.DataFrame | Sequence[pd.DataFrame]


def over_time(cells: pd.DataFrame, values: np.ndarray | Sequence[np.ndarray]) -> pd.DataFrame:
    """One frame's cells (KEYS columns) and ``values`` of shape ``(K, rows)`` -> KEYS and ``v0 .. v{K-1}``.

    The quick way to a heatmap's frames: ``over_time(matrix_frame(Ws[0], l), [W.ravel() for W in Ws])`` (a
    matrix_frame lists the cells in row-major order, as ``ravel`` does).
    """
    return pd.concat([cells[KEYS].reset_index(drop=True), pd.DataFrame(per_frame(values))], axis=1)


def _wide(frames: Frames) -> pd.DataFrame:
    return frames if isinstance(frames, pd.DataFrame) else wide(frames, KEYS, "value")


def _frame_values(cells: pd.DataFrame) -> np.ndarray:
    """The ``v0 .. v{K-1}`` columns of a wide frame as ``(K, rows)``."""
    count = sum(1 for c in cells.columns if c.startswith("v") and c[1:].isdigit())
    return np.stack([cells[values_column(k)].to_numpy(dtype=float) for k in range(count)])


def _largest(cells: pd.DataFrame) -> list[float]:
    """Per frame of a wide frame, the largest finite |value| (1 when there is none: the colour scale keeps a width)."""
    v = np.abs(_frame_values(cells))
    v = np.where(np.isfinite(v), v, 0.0).max(axis=1)
    return [float(x) if x > 0 else 1.0 for x in v]


@functools.cache
def _heatmap_layers(name: str, domain: tuple[float, float] | None, values: bool, labelled: bool) -> str:
    """The layers of one kind of heatmap as Vega-Lite JSON, made by Altair once per kind.

    Without ``domain`` the colour scale is diverging and spans each frame's own largest |value| (the array
    parameter ``name``), so a gradient that shrinks a thousandfold stays visible; with it, sequential over
    ``domain`` in every frame (activations). ``values``: the values are written in the cells; ``labelled``:
    every row and column is labelled (else every other one). Altair takes tens of milliseconds to build a
    heatmap and deep-copies every subchart into each concatenation that holds it; a chart of many heatmaps is
    assembled from these layers as plain dicts instead (``python -m benchmarks.workarounds``).
    """
    x, y = matrix_axes(labelled)
    tooltip = [*label_tooltips(), alt.Tooltip("value:Q", format=".6~g")]
    base = alt.Chart().transform_calculate(**current()).encode(x=x, y=y, tooltip=tooltip)
    if domain is None:
        d = f"{name}[{FRAME}]"
        scale = alt.Scale(scheme=DIVERGING, domain=alt.ExprRef(f"[-{d}, {d}]"), domainMid=0)
        dark = f"abs(datum.value) > {DARK_DIVERGING} * {d}"
        ends = alt.ExprRef(f"[-{d}, 0, {d}]")
    else:
        low, high = domain
        scale = alt.Scale(scheme=SEQUENTIAL, domain=[low, high])
        dark = f"datum.value < {low + DARK_SEQUENTIAL * (high - low)!r}"
        ends = [low, high]
    # The legend writes the ends of the colour scale as the cells are written (1.07, not the round 1 inside).
    legend = alt.Legend(title=None, gradientLength=120, values=ends, labelExpr=SHORT)
    color = alt.Color("value:Q", scale=scale, legend=legend)
    layers = [base.mark_rect().encode(color=alt.condition("isFinite(datum.value)", color, alt.value(MISSING)))]
    if values:
        layers.append(
            base.mark_text(fontSize=10)
            .transform_calculate(label=SHORT)
            .encode(text="label:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
        )
    dicts = [layer.to_dict(validate=False, context={"top_level": False}) for layer in layers]
    return json.dumps([{k: v for k, v in layer.items() if k != "data"} for layer in dicts])  # the data: the heatmap's


def _heatmap(cells: pd.DataFrame, title: str, name: str, domain: tuple[float, float] | None = None) -> dict:
    """A wide frame (KEYS, v0 .. v{K-1}) -> one heatmap that follows ``frame``, as a Vega-Lite layer dict whose
    ``data`` is the frame itself (:func:`_spec` names it), titled in Unicode notation (``W^0`` -> ``W⁰``).
    Colours as in :func:`_heatmap_layers`; values are written in while the matrix has at most MAX_VALUE_CELLS
    cells."""
    rows, cols = cells["row"].nunique(), cells["col"].nunique()
    width, height = min(CELL[0], MAX_MATRIX_WIDTH / max(cols, 1)), min(CELL[1], MAX_GRID / max(rows, 1))
    layers = _heatmap_layers(name, domain, rows * cols <= MAX_VALUE_CELLS, max(rows, cols) <= MAX_LABELLED)
    size = {"width": {"step": width}, "height": {"step": height}}
    return {"layer": json.loads(layers), "data": cells, **size, "title": unicode(title)}


def activation_matrices(run: Run, kept: Sequence[int]) -> list[tuple[str, pd.DataFrame]]:
    """The hidden activations of ``run`` (lab.frames.activations_frame) at each snapshot of ``kept`` ->
    ``(a^l, wide frame)`` per hidden layer: observations down, neurons ``a^l_j`` across.

    One frame of cells, then each snapshot's arrays in the same row-major order: the question's 200 snapshots
    in 67 ms, against 1.08 s with a frame per snapshot."""
    first = activations_frame(run, kept[0])
    values = [hidden_activations(run, s) for s in kept]
    out = []
    for l in sorted(first["layer"].unique()):
        cells = first[first["layer"] == l].rename(columns={"observation": "row", "neuron": "col"})
        labels = [unicode(f"a^{l}_{j}") for j in cells["col"]]  # a¹₀ a¹₁ ...
        cells = cells.assign(from_label=cells["row"].astype(str), to_label=labels)
        out.append((f"a^{l}", over_time(cells, [a[l - 1].ravel() for a in values])))
    return out


def _range(matrices: Sequence[tuple[str, pd.DataFrame]]) -> tuple[float, float]:
    """The lowest and highest finite value in every frame of ``matrices`` (widened by 0.5 each way when equal)."""
    v = np.concatenate([_frame_values(cells).ravel() for _, cells in matrices])
    v = v[np.isfinite(v)]
    low, high = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
    return (low, high) if high > low else (low - 0.5, high + 0.5)


INDEPENDENT = {"scale": {"color": "independent"}}  # each heatmap its own colour scale


def _spec(chart: dict, params: list[alt.Parameter]) -> dict:
    """A top-level spec of ``chart`` (concatenations of :func:`_heatmap` dicts) with ``params``, drawn on a canvas
    without ARIA (a description per mark formats every value of every frame), its frames named datasets (the
    form of lab.charts.spec, which passes it through)."""
    datasets: dict[str, pd.DataFrame] = {}

    def named(part):
        if isinstance(part, dict):
            if isinstance(part.get("data"), pd.DataFrame):
                name = f"data-{len(datasets)}"
                datasets[name] = part["data"]
                part = part | {"data": {"name": name}}
            return {key: named(value) for key, value in part.items()}
        return [named(p) for p in part] if isinstance(part, list) else part

    spec = {"$schema": alt.SCHEMA_URL, **named(chart), "params": [p.param.to_dict() for p in params]}
    canvas = {"usermeta": {"embedOptions": {"renderer": "canvas"}}, "config": {"aria": False}}
    return spec | canvas | {"datasets": datasets}


def _title(text: str | alt.ExprRef, **properties) -> dict:
    return alt.Title(text, **properties).to_dict()


def _iteration_title() -> dict:
    """The chart's title: the iteration of the frame on screen."""
    return _title(alt.ExprRef(iteration_text()), anchor="start", fontSize=14)


def too_large(heatmaps: int, cells: int) -> str | None:
    """Why a chart of ``heatmaps`` heatmaps redrawing ``cells`` cells a frame cannot scrub in the browser, in
    words; None when it can."""
    if heatmaps > MAX_HEATMAPS:
        return f"These are {heatmaps} heatmaps, more than the {MAX_HEATMAPS} one chart holds while scrubbing"
    if cells > MAX_CELLS:
        return f"One iteration of these heatmaps is {cells:,} cells, more than the {MAX_CELLS:,} a frame may redraw"
    return None


def frame_cells(matrices: Sequence[tuple[str, Frames]]) -> int:
    """Heatmap cells one frame of ``matrices`` redraws."""
    return sum(len(frames) if isinstance(frames, pd.DataFrame) else len(frames[0]) for _, frames in matrices)


def scrub_heatmaps(
    matrices: Sequence[tuple[str, Frames]],
    iterations: Sequence[int],
    columns: int = 2,
    activations: Sequence[tuple[str, Frames]] = (),
    activation_domain: tuple[float, float] | None = None,
) -> dict:
    """(title, frames) pairs -> their heatmaps in rows of ``columns``, one range input for all.

    For the Weights tab: ``[("W^0", [matrix_frame(run.weights[s][0], 0) for s in kept]), ("dC/dW^0", ...), ...]``
    (or each matrix's wide frame, quicker: :func:`over_time`) with ``iterations`` the kept snapshots' iterations
    (``kept_frames`` picks them). ``activations`` (from
    :func:`activation_matrices`) add a row of the hidden activations, coloured over ``activation_domain``
    (``(0, 1)`` for sigmoid; by default the lowest and highest value of every frame). Pass the spec through
    :func:`playable` for the play checkbox to run. A chart :func:`too_large` to scrub is refused (ValueError):
    a frame would take too long to draw; the tab keeps its server-side slider for it.
    """
    reason = too_large(len(matrices) + len(activations), frame_cells([*matrices, *activations]))
    if reason:
        raise ValueError(reason)
    matrices = [(title, _wide(frames)) for title, frames in matrices]
    activations = [(title, _wide(frames)) for title, frames in activations]
    maps = [_heatmap(cells, title, f"largest_{i}") for i, (title, cells) in enumerate(matrices)]
    largest = [alt.param(name=f"largest_{i}", value=_largest(cells)) for i, (_, cells) in enumerate(matrices)]
    rows = [{"hconcat": maps[i : i + columns], "resolve": INDEPENDENT} for i in range(0, len(maps), columns)]
    if activations:
        domain = activation_domain or _range(activations)
        layers = [_heatmap(cells, title, "", domain) for title, cells in activations]
        title = _title("Hidden activations aˡ, one row per observation", subtitle="identical columns: clones")
        rows.append({"hconcat": layers, "title": title})
    chart = {"vconcat": rows, "title": _iteration_title()}
    return _spec(chart | {"resolve": INDEPENDENT}, [*controls(iterations), *largest])


# Side by side: every compared run's W^l at one shared iteration (for the Compare tab).


def shared_iterations(last: int, count: int = MAX_FRAMES) -> list[int]:
    """At most ``count`` evenly spaced iterations from 0 to ``last``, both included: the frames of a comparison."""
    return [int(i) for i in snapshot_schedule(last, min(count, last + 1))]


def compare_heatmaps(
    runs: Sequence[tuple[str, Sequence[tuple[str, Frames]]]],
    iterations: Sequence[int],
    colours: Mapping[str, str] | None = None,
) -> dict:
    """(run name, [(title, frames), ...]) per run -> one column per run, its W^l one under the other, every run
    at the same iteration ``iterations[frame]``, one colour scale for all.

    Frame ``k`` of every run is its snapshot nearest iteration ``iterations[k]`` (``Run.snapshot_index``); runs
    with other snapshot schedules still line up. The scale spans each frame's largest |w| over every run, so
    one colour means one value across the columns. Each run's name is written in its colour (``colours``).
    A chart :func:`too_large` to scrub is refused (ValueError).
    """
    heatmaps = [pair for _, pairs in runs for pair in pairs]
    reason = too_large(len(heatmaps), frame_cells(heatmaps))
    if reason:
        raise ValueError(reason)
    runs = [(name, [(title, _wide(frames)) for title, frames in pairs]) for name, pairs in runs]
    largest = np.max([_largest(cells) for _, pairs in runs for _, cells in pairs], axis=0).tolist()
    columns = [
        {
            "vconcat": [_heatmap(cells, title, "largest") for title, cells in pairs],
            "title": _title(name, color=(colours or {}).get(name, "black"), anchor="start"),
        }
        for name, pairs in runs
    ]
    chart = {"hconcat": columns, "title": _iteration_title(), "resolve": {"scale": {"color": "shared"}}}
    return _spec(chart, [*controls(iterations), alt.param(name="largest", value=largest)])
