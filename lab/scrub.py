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

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lab.charts import (
    CELL,
    DARK_DIVERGING,
    DIVERGING,
    MAX_GRID,
    MAX_LABELLED,
    MAX_MATRIX_WIDTH,
    MAX_VALUE_CELLS,
    MISSING,
)
from mlp.training import snapshot_schedule

MAX_FRAMES = 100  # snapshots a chart holds at most
MAX_VALUES = 200_000  # rows x frames a chart holds at most (about 1.6 MB as float64)
MAX_CELLS = 2_000  # heatmap cells a frame redraws at most (each costs microseconds of Vega's interpreter)
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


def _largest(frames: Sequence[pd.DataFrame]) -> list[float]:
    """Per frame, the largest finite |value| (1 when there is none, so the colour scale keeps a width)."""
    out = []
    for df in frames:
        v = np.abs(df["value"].to_numpy(dtype=float))
        v = v[np.isfinite(v)]
        out.append(float(v.max()) if len(v) and v.max() > 0 else 1.0)
    return out


def _heatmap(frames: Sequence[pd.DataFrame], title: str, name: str) -> alt.LayerChart:
    """Per-frame matrix frames (row, col, from_label, to_label, value) -> one heatmap that follows ``frame``.

    The colour scale spans each frame's own largest |value| (the array parameter ``name``), so a gradient
    that shrinks a thousandfold stays visible; values are written in while the matrix has at most
    MAX_VALUE_CELLS cells.
    """
    cells = wide(frames, ["row", "col", "from_label", "to_label"], "value")
    rows, cols = cells["row"].nunique(), cells["col"].nunique()
    width, height = min(CELL[0], MAX_MATRIX_WIDTH / max(cols, 1)), min(CELL[1], MAX_GRID / max(rows, 1))
    d = f"{name}[{FRAME}]"
    overlap = {"labelOverlap": False} if max(rows, cols) <= MAX_LABELLED else {"labelOverlap": "parity"}
    base = (
        alt.Chart(cells)
        .transform_calculate(**current())
        .encode(
            x=alt.X("to_label:N", sort=alt.EncodingSortField("col", op="min"), title=None,
                    axis=alt.Axis(orient="top", labelAngle=0, **overlap)),
            y=alt.Y("from_label:N", sort=alt.EncodingSortField("row", op="min"), title=None, axis=alt.Axis(**overlap)),
            tooltip=[alt.Tooltip("from_label:N", title="from"), alt.Tooltip("to_label:N", title="to"),
                     alt.Tooltip("value:Q", format=".6~g")],
        )
    )
    color = alt.Color(
        "value:Q",
        scale=alt.Scale(scheme=DIVERGING, domain=alt.ExprRef(f"[-{d}, {d}]"), domainMid=0),
        legend=alt.Legend(title=None, gradientLength=120, labelExpr=SHORT),  # written as the cells are
    )
    layers = [base.mark_rect().encode(color=alt.condition("isFinite(datum.value)", color, alt.value(MISSING)))]
    if rows * cols <= MAX_VALUE_CELLS:
        dark = f"abs(datum.value) > {DARK_DIVERGING} * {d}"
        layers.append(
            base.mark_text(fontSize=10)
            .transform_calculate(label=SHORT)
            .encode(text="label:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
        )
    return alt.layer(*layers).properties(width=alt.Step(width), height=alt.Step(height), title=title)


def scrub_heatmaps(
    matrices: Sequence[tuple[str, Sequence[pd.DataFrame]]], iterations: Sequence[int], columns: int = 2
) -> alt.VConcatChart:
    """(title, per-frame matrix frames) pairs -> their heatmaps in rows of ``columns``, one range input for all.

    For the Weights tab: ``[("W^0", [matrix_frame(run.weights[s][0], 0) for s in kept]), ("dC/dW^0", ...), ...]``
    with ``iterations`` the kept snapshots' iterations (``kept_frames`` picks them). Pass the spec through
    :func:`playable` for the play checkbox to run. Matrices of more than MAX_CELLS cells in all are refused
    (ValueError): a frame would take too long to draw; the tab keeps its server-side slider for them.
    """
    cells = sum(len(frames[0]) for _, frames in matrices)
    if cells > MAX_CELLS:
        raise ValueError(f"{cells:,} cells are more than the {MAX_CELLS:,} a frame may redraw; keep the slider")
    maps = [_heatmap(frames, title, f"largest_{i}") for i, (title, frames) in enumerate(matrices)]
    largest = [alt.param(name=f"largest_{i}", value=_largest(frames)) for i, (_, frames) in enumerate(matrices)]
    rows = [alt.hconcat(*maps[i : i + columns]) for i in range(0, len(maps), columns)]
    title = alt.Title(alt.ExprRef(iteration_text()), anchor="start", fontSize=14)
    chart = alt.vconcat(*[row.resolve_scale(color="independent") for row in rows], title=title)
    chart = chart.resolve_scale(color="independent")
    return chart.add_params(*controls(iterations), *largest)
