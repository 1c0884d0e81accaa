"""The Neurons view: the network as a graph and each neuron over the input plane, at every kept snapshot.

As in TensorFlow Playground: layers run left to right, a node per neuron ``a^l_j`` filled by its bias
``b^{l-1}_j`` (``W^{l-1}[0, j]``), an edge per weight ``W^l[1 + i, j]`` from ``a^l_i`` to ``a^{l+1}_j``,
orange when positive and blue when negative, as wide as ``|w|``. Below, for 2-D inputs, each neuron's
output ``a^l_j(x)`` over the input plane (a small heatmap, the data on top), one row per layer. Neurons of
one clone group (equal incoming and outgoing weights) share an outline colour in both.

Everything is laid out here in pixels (Vega-Lite's ``scale: null``), bounded by construction: at most
MAX_LAYERS layers (the first and the last ones), MAX_NODES neurons a layer and MAX_EDGES edges between two
layers are drawn, whatever the network; the rest is counted in words ("… 248 more"). The snapshots are
scrubbed and played in the browser (:mod:`lab.scrub`).

The update of one step of gradient descent, with the clone groups marked, closes the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

import mlp
from lab import charts, frames, scrub
from lab.charts import DIVERGING, MISSING, SEQUENTIAL
from mlp import Run

MAX_NODES = 8  # neurons drawn per layer; a wider layer shows its first MAX_NODES and "… k more"
MAX_LAYERS = 8  # columns of the graph; a deeper network shows its first and last layers around "k more layers"
MAX_EDGES = 32  # edges drawn between two layers: the largest |w| at some kept snapshot
RESOLUTION = (6, 10)  # cells along each side of a thumbnail: 10 as Playground's, fewer for many thumbnails
MAX_CELLS = 1200  # thumbnail cells redrawn per frame, which most of a frame's time goes to
THUMB = 64  # px: side of a thumbnail
MAX_POINTS = 60  # observations drawn on each output thumbnail (evenly picked beyond that)
FEW_POINTS = 16  # data sets up to this size are drawn on the hidden neurons' thumbnails too
MAX_FORWARD = 2e9  # multiply-adds of the thumbnails' forward passes: frames x grid points x weights

POSITIVE, NEGATIVE = "#e8862a", "#3b75af"  # orange and blue edges, as the heatmaps' colours
INPUT_FILL = "#f2f2f2"
ALONE = "#505050"  # outline of a neuron that has no clone
# Outlines of clone groups: no orange or blue, which the edges use.
CLONE_COLOURS = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
COLUMN, ROW, RADIUS = 140, 52, 14  # px: graph column and row steps (at most), node radius
GRAPH_WIDTH = 760  # px: widest the graph gets (its legends aside); many layers get narrower columns
TOP, LEFT = 66, 40  # px: graph margins (iteration line and column heads above)
GAP_X, GAP_Y, LABEL_WIDTH = 14, 26, 90  # px: thumbnail gaps and the row labels' width

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def neuron_name(l: int, j: int | None = None) -> str:
    """``a¹₀`` for neuron ``j`` of layer ``l`` (``a¹`` for the layer), the learner's a^l_j."""
    return "a" + str(l).translate(_SUPERSCRIPT) + ("" if j is None else str(j).translate(_SUBSCRIPT))


# Which layers and neurons are drawn.


@dataclass(frozen=True)
class Layout:
    """The drawn part of a network with layer sizes ``layers`` (``n_0 .. n_L``).

    ``drawn`` lists the drawn layers' indexes ``l``; when some are left out, they are those between
    ``drawn[gap - 1]`` and ``drawn[gap]``.
    """

    layers: tuple[int, ...]
    drawn: tuple[int, ...]
    gap: int | None

    def shown(self, l: int) -> int:
        """Neurons drawn of layer ``l``: the first ones."""
        return min(self.layers[l], MAX_NODES)

    def left_out(self, l: int) -> int:
        return self.layers[l] - self.shown(l)

    @property
    def pairs(self) -> list[int]:
        """The ``l`` of each W^l drawn: both its layers are drawn."""
        return [l for l in self.drawn if l + 1 in self.drawn]

    @property
    def thumbnails(self) -> int:
        return sum(self.shown(l) for l in self.drawn if l > 0)

    @property
    def resolution(self) -> int:
        """Cells along each side of a thumbnail: as many as MAX_CELLS allows, within RESOLUTION."""
        low, high = RESOLUTION
        return int(np.clip(np.sqrt(MAX_CELLS / max(self.thumbnails, 1)), low, high))

    def per_frame(self, thumbnails: bool) -> int:
        """Values one snapshot adds to the chart: a bias per node, a weight per edge, a value per thumbnail cell,
        a clone group per thumbnail."""
        nodes = sum(self.shown(l) for l in self.drawn)
        edges = sum(min(MAX_EDGES, self.shown(l) * self.shown(l + 1)) for l in self.pairs)
        return nodes + edges + (self.thumbnails * (self.resolution**2 + 1) if thumbnails else 0)


def layout(layers: Sequence[int]) -> Layout:
    """Every layer when they fit in MAX_LAYERS columns; else the first and the last ones around a gap column."""
    L = len(layers) - 1
    if L + 1 <= MAX_LAYERS:
        return Layout(tuple(layers), tuple(range(L + 1)), None)
    head = MAX_LAYERS // 2
    tail = MAX_LAYERS - 1 - head  # one column goes to the gap
    return Layout(tuple(layers), tuple(range(head)) + tuple(range(L + 1 - tail, L + 1)), head)


def kept_snapshots(run: Run) -> np.ndarray:
    """The snapshots the Neurons chart holds: evenly spaced, within scrub's limits and MAX_FORWARD."""
    lay = layout(run.config.layers)
    planar = no_thumbnails(run) is None
    forward = MAX_FORWARD // (lay.resolution**2 * run.config.n_params) if planar else scrub.MAX_FRAMES
    count = len(run.snapshot_iterations)
    return scrub.kept_frames(count, lay.per_frame(planar), max_frames=int(min(scrub.MAX_FRAMES, forward)))


# Clone groups as names and colours.


def clone_names(labels: np.ndarray, l: int) -> list[str]:
    """Per neuron of hidden layer ``l``, its clone group's name (``a¹₀ = a¹₁ = a¹₂``), or "" when alone.

    ``labels``: one int per neuron, equal for clones (``mlp.clone_groups``).
    """
    labels = np.asarray(labels)
    names = {}
    for label in np.unique(labels):
        members = [neuron_name(l, int(i)) for i in np.flatnonzero(labels == label)]
        if len(members) < 2:
            names[label] = ""
        elif len(members) <= 3:
            names[label] = " = ".join(members)
        else:
            names[label] = f"{members[0]} = {members[1]} = … ({len(members)} neurons)"
    return [names[label] for label in labels]


def _clone_scale(names: Sequence[str]) -> alt.Scale:
    """One colour per clone group in order of first appearance, ALONE for "" (same scale in every view)."""
    groups = list(dict.fromkeys(n for n in names if n))
    colours = [CLONE_COLOURS[i % len(CLONE_COLOURS)] for i in range(len(groups))]
    return alt.Scale(domain=[*groups, ""], range=[*colours, ALONE])


# The frames.


@dataclass(frozen=True)
class NeuronFrames:
    """What the Neurons chart draws, at K kept snapshots (frames). Positions are px.

    Values that change with the snapshot sit in one column per frame (:mod:`lab.scrub`): ``b3`` is a
    node's bias at frame 3.

    - ``nodes``: layer, neuron, name, x, y, b0 .. (bias, NaN for inputs), c0 .. (clone group name or "");
    - ``edges``: layer (the l of W^l), row, col (the entry of W^l), source, target, x, y, x2, y2, w0 .. (weight);
    - ``notes``: x, y, text: column heads, "… k more" and left-out layers;
    - ``cells``: layer, neuron, x, y (a cell's centre), v0 ..: ``a^l_j`` over the input plane (None without
      2-D inputs); ``boxes``: layer, neuron, name, x, y, x2, y2, c0 ..: each thumbnail's outline;
      ``points``: x, y, target (NaN on hidden neurons): the data on thumbnails; ``grid_notes``: x, y, text,
      align: row labels, neuron names and "… k more"; ``activation_domain``: the thumbnails' colour range;
    - ``reason``: why there are no thumbnails (None when there are).
    """

    iterations: list[int]
    costs: list[float]
    layout: Layout
    nodes: pd.DataFrame
    edges: pd.DataFrame
    notes: pd.DataFrame
    cells: pd.DataFrame | None
    boxes: pd.DataFrame | None
    points: pd.DataFrame | None
    grid_notes: pd.DataFrame | None
    activation_domain: tuple[float, float]
    reason: str | None


def _columns(lay: Layout) -> dict[int, float]:
    """x of each drawn layer's column (the gap takes one column), within GRAPH_WIDTH."""
    count = len(lay.drawn) + (lay.gap is not None)
    step = min(COLUMN, (GRAPH_WIDTH - 2 * LEFT) / max(count - 1, 1))
    return {l: LEFT + step * (i + (lay.gap is not None and i >= lay.gap)) for i, l in enumerate(lay.drawn)}


def _slots(lay: Layout, l: int) -> int:
    """Rows layer ``l`` takes in the graph: its drawn neurons and a "… k more" line."""
    return lay.shown(l) + (1 if lay.left_out(l) else 0)


def _node_xy(lay: Layout) -> dict[tuple[int, int], tuple[float, float]]:
    """Centre of each drawn node ``(l, j)``; every column centred on the tallest."""
    tallest = max(_slots(lay, l) for l in lay.drawn)
    out = {}
    for l, x in _columns(lay).items():
        top = TOP + (tallest - _slots(lay, l)) * ROW / 2 + ROW / 2
        for j in range(lay.shown(l)):
            out[(l, j)] = (x, top + j * ROW)
    return out


def _graph_notes(lay: Layout) -> pd.DataFrame:
    """Column heads, "… k more" under wide layers and the left-out layers' count in the gap column."""
    xy, columns, L = _node_xy(lay), _columns(lay), len(lay.layers) - 1
    rows = []
    for l, x in columns.items():
        head = "input " + neuron_name(0) if l == 0 else "output " + neuron_name(l) if l == L else neuron_name(l)
        rows.append((x, TOP - 14, head))
        if lay.left_out(l):
            x, y = xy[(l, lay.shown(l) - 1)]
            rows.append((x, y + ROW, f"… {lay.left_out(l)} more"))
    tallest = max(_slots(lay, l) for l in lay.drawn)
    for l in lay.pairs:  # edges thinned to the largest |w|: say how many of how many
        if lay.shown(l) * lay.shown(l + 1) > MAX_EDGES:
            total = lay.layers[l] * lay.layers[l + 1]
            rows.append(
                ((columns[l] + columns[l + 1]) / 2, TOP + tallest * ROW + 14, f"{MAX_EDGES} largest |w| of {total:,}")
            )
    if lay.gap is not None:
        hidden = lay.drawn[lay.gap] - lay.drawn[lay.gap - 1] - 1
        gap = (columns[lay.drawn[lay.gap - 1]] + columns[lay.drawn[lay.gap]]) / 2
        rows.append((gap, TOP + tallest * ROW / 2, f"⋯ {hidden} more layers ⋯"))
    return pd.DataFrame(rows, columns=["x", "y", "text"])


def _nodes(run: Run, lay: Layout, snapshots: Sequence[int], names: list[list[list[str]]]) -> pd.DataFrame:
    """layer, neuron, name, x, y of each drawn node, b0 .. (its bias per frame), c0 .. (its clone group per frame)."""
    xy, L = _node_xy(lay), len(lay.layers) - 1
    # b^{l-1}_j is row 0 of W^{l-1}; inputs have none
    bias = [[run.weights[s][l - 1][0, j] if l > 0 else np.nan for l, j in xy] for s in snapshots]
    clones = [[per_layer[l - 1][j] if 0 < l < L else "" for l, j in xy] for per_layer in names]
    position = np.array(list(xy.values()))
    return pd.DataFrame({**_placed(list(xy), position), **scrub.per_frame(bias, "b"), **scrub.per_frame(clones, "c")})


def _edges(run: Run, lay: Layout, snapshots: Sequence[int]) -> pd.DataFrame:
    """layer, row, col, source, target, x, y, x2, y2, w0 ..: each drawn edge, its weight W^l[row, col] per frame.

    Between two drawn layers, the MAX_EDGES edges whose |w| is largest at some kept snapshot.
    """
    xy, parts = _node_xy(lay), []
    for l in lay.pairs:
        n_in, n_out = lay.shown(l), lay.shown(l + 1)
        # (K, n_in * n_out): W^l[1 + i, j] goes from a^l_i to a^{l+1}_j
        W = np.stack([run.weights[s][l][1 : 1 + n_in, :n_out] for s in snapshots]).reshape(len(snapshots), -1)
        strongest = np.max(np.where(np.isfinite(W), np.abs(W), -1.0), axis=0)  # non-finite weights rank last
        kept = np.sort(np.argsort(-strongest, kind="stable")[:MAX_EDGES])
        i, j = np.unravel_index(kept, (n_in, n_out))
        start = np.array([xy[(l, a)] for a in range(n_in)])[i]
        end = np.array([xy[(l + 1, b)] for b in range(n_out)])[j]
        parts.append(
            pd.DataFrame(
                {
                    "layer": l,
                    "row": 1 + i,
                    "col": j,
                    "source": [neuron_name(l, a) for a in i],
                    "target": [neuron_name(l + 1, b) for b in j],
                    "x": start[:, 0] + RADIUS,
                    "y": start[:, 1],
                    "x2": end[:, 0] - RADIUS,
                    "y2": end[:, 1],
                    **scrub.per_frame(W[:, kept], "w"),
                }
            )
        )
    columns = ["layer", "row", "col", "source", "target", "x", "y", "x2", "y2"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


# Thumbnails: each neuron over the input plane.


def input_grid(X: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres along x1 and x2 around 2-D data ``X`` (10% margin), and the ``(resolution², 2)`` grid.

    Grid point ``p`` is ``(x1[p % resolution], x2[p // resolution])``.
    """
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.where(high > low, 0.1 * (high - low), 0.5)
    x1, x2 = (np.linspace(lo - p, hi + p, resolution) for lo, hi, p in zip(low, high, pad))
    g1, g2 = np.meshgrid(x1, x2)
    return x1, x2, np.column_stack([g1.ravel(), g2.ravel()])


def _rows(lay: Layout) -> dict[int, float]:
    """Top y of each thumbnail row (one row per drawn layer after the input); the gap takes a short row."""
    tops, y = {}, 0.0
    for i, l in enumerate(lay.drawn[1:], start=1):
        if lay.gap is not None and i == lay.gap:
            y += GAP_Y
        tops[l] = y + GAP_Y
        y = tops[l] + THUMB
    return tops


def _thumb_xy(lay: Layout) -> dict[tuple[int, int], tuple[float, float]]:
    """Top-left corner of each thumbnail ``(l, j)``."""
    rows = _rows(lay)
    return {(l, j): (LABEL_WIDTH + j * (THUMB + GAP_X), rows[l]) for l in rows for j in range(lay.shown(l))}


def _grid_notes(lay: Layout) -> pd.DataFrame:
    """Row labels, neuron names above thumbnails, "… k more" and the left-out layers."""
    L, rows = len(lay.layers) - 1, []
    for l, top in _rows(lay).items():
        rows.append((0, top + THUMB / 2, ("output " if l == L else "layer ") + neuron_name(l), "left"))
        if lay.left_out(l):
            rows.append(
                (LABEL_WIDTH + lay.shown(l) * (THUMB + GAP_X), top + THUMB / 2, f"… {lay.left_out(l)} more", "left")
            )
    for (l, j), (x, top) in _thumb_xy(lay).items():
        rows.append((x + THUMB / 2, top - 13, neuron_name(l, j), "center"))
    if lay.gap is not None:
        hidden = lay.drawn[lay.gap] - lay.drawn[lay.gap - 1] - 1
        rows.append((0, _rows(lay)[lay.drawn[lay.gap]] - GAP_Y, f"⋯ {hidden} more layers", "left"))
    return pd.DataFrame(rows, columns=["x", "y", "text", "align"])


def _activation_domain(run: Run, values: np.ndarray) -> tuple[float, float]:
    """The thumbnails' colour range: the activations' own range when bounded (sigmoid, tanh), else the values'."""
    used = {run.config.activation, run.config.output_activation}
    if used <= {"sigmoid"}:
        return (0.0, 1.0)
    if used <= {"sigmoid", "tanh"}:
        return (-1.0, 1.0)
    finite = values[np.isfinite(values)]
    low, high = (float(np.percentile(finite, 1)), float(np.percentile(finite, 99))) if len(finite) else (0.0, 1.0)
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def _thumbnails(run: Run, lay: Layout, snapshots: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """cells (layer, neuron, x, y: the cell's centre, v0 ..) and points (x, y, target) of every thumbnail."""
    d = lay.resolution
    x1, x2, grid = input_grid(run.inputs, d)
    corners = _thumb_xy(lay)
    size = THUMB / d
    p = np.arange(d**2)
    u, v = p % d, p // d  # x1 across, x2 up
    with np.errstate(all="ignore"):
        a = [mlp.activations(run.config.architecture, run.weights[s], grid) for s in snapshots]
    parts = []
    for (l, j), (left, top) in corners.items():
        values = scrub.per_frame([a[k][l][:, j] for k in range(len(snapshots))])
        parts.append(
            pd.DataFrame(
                {
                    "layer": l,
                    "neuron": j,
                    "x": left + (u + 0.5) * size,
                    "y": top + (d - 0.5 - v) * size,
                    **values,
                }
            )
        )
    cells = pd.concat(parts, ignore_index=True)
    # the data, in each thumbnail's px: cell centres x1[0] .. x1[-1] span THUMB - size
    pick = np.unique(np.linspace(0, len(run.inputs) - 1, min(MAX_POINTS, len(run.inputs))).astype(int))
    X, Y = run.inputs[pick], run.targets[pick]
    span = np.array([x1[-1] - x1[0], x2[-1] - x2[0]])
    across = size / 2 + (X - [x1[0], x2[0]]) / np.where(span > 0, span, 1) * (THUMB - size)
    L, few = len(lay.layers) - 1, len(run.inputs) <= FEW_POINTS
    points = [  # on the outputs, coloured by their target; on hidden neurons (white dots) only when they are few
        pd.DataFrame(
            {"x": left + across[:, 0], "y": top + THUMB - across[:, 1], "target": Y[:, j] if l == L else np.nan}
        )
        for (l, j), (left, top) in corners.items()
        if l == L or few
    ]
    return cells, pd.concat(points, ignore_index=True)


def _placed(neurons: list[tuple[int, int]], xy: np.ndarray) -> dict[str, Any]:
    """The columns layer, neuron, name, x, y of ``neurons`` ``(l, j)`` drawn at ``xy`` ``(len(neurons), 2)``."""
    return {
        "layer": [l for l, _ in neurons],
        "neuron": [j for _, j in neurons],
        "name": [neuron_name(l, j) for l, j in neurons],
        "x": xy[:, 0],
        "y": xy[:, 1],
    }


def _boxes(lay: Layout, names: list[list[list[str]]]) -> pd.DataFrame:
    """layer, neuron, name, x, y, x2, y2 of each thumbnail's outline, c0 .. (its clone group per frame)."""
    corners, L = _thumb_xy(lay), len(lay.layers) - 1
    clones = [[per_layer[l - 1][j] if l < L else "" for l, j in corners] for per_layer in names]
    xy = np.array(list(corners.values())).reshape(-1, 2)
    return pd.DataFrame(
        {
            **_placed(list(corners), xy),
            "x2": xy[:, 0] + THUMB,
            "y2": xy[:, 1] + THUMB,
            **scrub.per_frame(clones, "c"),
        }
    )


def no_thumbnails(run: Run) -> str | None:
    """Why the run's neurons cannot be drawn over the input plane (None when they can)."""
    n = run.inputs.shape[1]
    if n == 2:
        return None
    return (
        f"No thumbnails: they draw each neuron's output over the plane of two inputs, and this data has {n} "
        f"input column{'s' if n != 1 else ''}."
    )


def neuron_frames(run: Run, snapshots: Sequence[int], groups: Sequence[Sequence[np.ndarray]]) -> NeuronFrames:
    """Everything the Neurons chart draws, at ``snapshots`` (from :func:`kept_snapshots`).

    ``groups[k]`` holds, per hidden layer, an int label per neuron at snapshot ``snapshots[k]`` (equal labels
    = clones): ``mlp.clone_groups(run.weights[s])``.
    """
    lay = layout(run.config.layers)
    names = [[clone_names(labels, h + 1) for h, labels in enumerate(per_layer)] for per_layer in groups]
    iterations = [int(run.snapshot_iterations[s]) for s in snapshots]
    costs = [float(run.loss_history[i]) if i < len(run.loss_history) else float("nan") for i in iterations]
    cells = boxes = points = grid_notes = None
    domain, reason = (0.0, 1.0), no_thumbnails(run)
    if reason is None:
        cells, points = _thumbnails(run, lay, snapshots)
        boxes, grid_notes = _boxes(lay, names), _grid_notes(lay)
        domain = _activation_domain(run, cells.filter(regex=r"^v\d+$").to_numpy())
    return NeuronFrames(
        iterations,
        costs,
        lay,
        _nodes(run, lay, snapshots, names),
        _edges(run, lay, snapshots),
        _graph_notes(lay),
        cells,
        boxes,
        points,
        grid_notes,
        domain,
        reason,
    )


# The chart.


def _px(field: str, channel: type = alt.X):
    """A position channel in px (no scale, no axis)."""
    return channel(f"{field}:Q", scale=None, axis=None)


def _text(df: pd.DataFrame, field: str, **mark) -> alt.Chart:
    """``df``'s column ``field`` written at its x, y (px)."""
    return (
        alt.Chart(df)
        .mark_text(fontSize=12, tooltip=False, **mark)
        .encode(x=_px("x"), y=_px("y", alt.Y), text=f"{field}:N")
    )


def _frame_columns(df: pd.DataFrame, prefix: str) -> np.ndarray:
    """The per-frame columns ``<prefix>0 ..`` of ``df`` as an array ``(rows, K)``."""
    return df.filter(regex=rf"^{prefix}\d+$").to_numpy()


def _largest(values: np.ndarray) -> float:
    """The largest finite |value| (1 when there is none)."""
    v = np.abs(values.astype(float))
    return float(v[np.isfinite(v)].max(initial=0.0)) or 1.0


def _shown_groups(f: NeuronFrames) -> list[str]:
    """Every clone group name shown at some frame, in order of first appearance."""
    columns = [_frame_columns(f.nodes, "c")] + ([_frame_columns(f.boxes, "c")] if f.boxes is not None else [])
    return [n for c in columns for n in c.T.ravel()]


def _ring(clones: alt.Scale, legend: alt.Legend | None) -> dict:
    """Encodings of a clone-coloured ring: the group's colour, none for a neuron without clones."""
    return {
        "stroke": alt.Stroke("clones:N", scale=clones, legend=legend),
        "strokeOpacity": alt.condition("datum.clones != ''", alt.value(1), alt.value(0)),
    }


def _graph(f: NeuronFrames, clones: alt.Scale) -> alt.LayerChart:
    """Edges, clone rings, nodes, names and notes of the network at the frame on screen."""
    w = _largest(_frame_columns(f.edges, "w"))
    b = _largest(_frame_columns(f.nodes, "b"))
    edges = (
        alt.Chart(f.edges)
        .transform_calculate(**scrub.current("weight", "w"))
        .transform_calculate(sign="datum.weight < 0 ? 'negative' : 'positive'")
        .mark_rule(opacity=0.8)
        .encode(
            x=_px("x"),
            y=_px("y", alt.Y),
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(domain=["positive", "negative"], range=[POSITIVE, NEGATIVE]),
                legend=alt.Legend(title="weight w (width: |w|)", orient="right"),
            ),
            # |w| as width: a scale falling from -w to 0 and rising again to w
            strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(domain=[-w, 0, w], range=[8, 0.5, 8]), legend=None),
            tooltip=[
                alt.Tooltip("source:N", title="from"),
                alt.Tooltip("target:N", title="to"),
                alt.Tooltip("weight:Q", format=".6~g"),
            ],
        )
    )
    nodes = alt.Chart(f.nodes).transform_calculate(**scrub.current("bias", "b"), **scrub.current("clones", "c"))
    has_clones = any(_shown_groups(f))
    ring = {"size": np.pi * (RADIUS + 3.5) ** 2, "filled": False, "opacity": 1, "strokeWidth": 5, "tooltip": False}
    rings = nodes.mark_circle(**ring).encode(
        x=_px("x"),
        y=_px("y", alt.Y),
        **_ring(clones, _clone_legend(clones.domain) if has_clones else None),
    )
    discs = nodes.mark_circle(size=np.pi * RADIUS**2, opacity=1, stroke="#444", strokeWidth=1).encode(
        x=_px("x"),
        y=_px("y", alt.Y),
        fill=alt.condition(
            "isFinite(datum.bias)",
            alt.Fill(
                "bias:Q",
                scale=alt.Scale(scheme=DIVERGING, domain=[-b, b], domainMid=0),
                legend=alt.Legend(title="bias b", gradientLength=100, format=".3~g", orient="right"),
            ),
            alt.value(INPUT_FILL),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="neuron"),
            alt.Tooltip("bias:Q", format=".6~g"),
            alt.Tooltip("clones:N", title="clones"),
        ],
    )
    names = _text(f.nodes, "name", dy=-RADIUS - 10)
    notes = _text(f.notes, "text", color="#555")
    clock = alt.Chart(alt.Data(values=[{}])).mark_text(
        align="left",
        fontSize=14,
        fontWeight="bold",
        x=0,
        y=12,
        text=alt.ExprRef(scrub.iteration_text(True)),
        tooltip=False,
    )
    height = TOP + max(_slots(f.layout, l) for l in f.layout.drawn) * ROW + 24  # + the edges' notes
    width = max(_columns(f.layout).values()) + LEFT
    return alt.layer(edges, rings, discs, names, notes, clock).properties(width=width, height=height)


def _clone_legend(names: Sequence[str]) -> alt.Legend:
    """The colours of the clone groups ``names`` (not the outline of neurons without clones)."""
    return alt.Legend(
        title="clones of each other",
        orient="right",
        symbolType="circle",
        symbolFillColor="white",
        symbolStrokeWidth=3,
        labelLimit=260,
        values=list(dict.fromkeys(n for n in names if n)),
    )


def _grid(f: NeuronFrames, clones: alt.Scale) -> alt.LayerChart:
    """Each drawn neuron's a^l_j over the input plane at the frame on screen, the data on top."""
    low, high = f.activation_domain
    fill = alt.Scale(scheme=SEQUENTIAL, domain=[low, high], clamp=True)
    size = THUMB / f.layout.resolution + 0.5  # + 0.5 px: neighbouring cells overlap, so no seam shows
    # tooltip=False: Streamlit's theme gives every mark a tooltip of all its fields, formatted for each item at
    # each frame; on thousands of cells that was most of a frame's time.
    # A grey square under each thumbnail shows through cells whose value is not finite (no fill).
    under = (
        alt.Chart(f.boxes)
        .mark_rect(fill=MISSING, tooltip=False)
        .encode(x=_px("x"), y=_px("y", alt.Y), x2="x2:Q", y2="y2:Q")
    )
    cells = alt.Chart(f.cells).transform_calculate(**scrub.current()).mark_rect(width=size, height=size, tooltip=False)
    cells = cells.encode(
        x=_px("x"),
        y=_px("y", alt.Y),
        fill=alt.Fill(
            "value:Q",
            scale=fill,
            legend=alt.Legend(title="output aˡⱼ", gradientLength=100, format=".3~g", orient="right"),
        ),
    )
    # On the outputs, points in their target's colour ringed in white (as Playground's); elsewhere white dots.
    on_output = f.points["target"].notna()
    targets = alt.Chart(f.points[on_output]).mark_circle(
        size=36, stroke="white", strokeWidth=1.2, opacity=1, tooltip=False
    )
    targets = targets.encode(x=_px("x"), y=_px("y", alt.Y), fill=alt.Fill("target:Q", scale=fill, legend=None))
    dots = alt.Chart(f.points[~on_output]).mark_circle(
        size=30, fill="white", stroke="#222", strokeWidth=1.2, opacity=1, tooltip=False
    )
    dots = dots.encode(x=_px("x"), y=_px("y", alt.Y))
    # the ring: 4 px wide, just outside the thumbnail
    rings = alt.Chart(f.boxes).transform_calculate(**scrub.current("clones", "c"))
    rings = rings.transform_calculate(x0="datum.x - 3", y0="datum.y - 3", x3="datum.x2 + 3", y3="datum.y2 + 3")
    rings = rings.mark_rect(fillOpacity=0, strokeWidth=4).encode(
        x=_px("x0"),
        y=_px("y0", alt.Y),
        x2="x3:Q",
        y2="y3:Q",
        **_ring(clones, None),
        tooltip=[alt.Tooltip("name:N", title="neuron"), alt.Tooltip("clones:N", title="clones")],
    )
    notes = f.grid_notes
    text = [_text(notes[notes["align"] == align], "text", color="#555", align=align) for align in ("left", "center")]
    height = float(f.boxes["y2"].max()) + 4
    widest = max(f.layout.shown(l) + (1 if f.layout.left_out(l) else 0) for l in f.layout.drawn[1:])
    width = LABEL_WIDTH + widest * (THUMB + GAP_X)
    title = alt.Title(
        "Each neuron's output over the input plane (x₁ across, x₂ up), the data on top", anchor="start", fontSize=13
    )
    return alt.layer(under, cells, targets, dots, rings, *text).properties(width=width, height=height, title=title)


def neurons_chart(f: NeuronFrames) -> alt.VConcatChart:
    """The graph over the thumbnails (when the inputs are 2-D), one snapshot range input and play for both."""
    clones = _clone_scale(_shown_groups(f))
    views = [_graph(f, clones)] + ([_grid(f, clones)] if f.cells is not None else [])
    # One constructor call: Altair's add_params and resolve_scale copy every sub-chart (a third of a second here).
    return alt.VConcatChart(
        vconcat=views,
        spacing=24,
        params=[p.param for p in scrub.controls(f.iterations, f.costs)],
        # Each view its own legends; the outlines' scale is the same object in both (clones share a colour).
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(fill="independent", color="independent", stroke="independent")),
        usermeta={"embedOptions": {"renderer": "canvas"}},  # a frame redraws thousands of cells: no SVG nodes
        config=alt.Config(aria=False),  # no ARIA description per mark: it formats every value of every frame
    )


# One step of training, W^l -> new W^l, with the clone groups marked.


@dataclass(frozen=True)
class Update:
    """One step from the weights of a snapshot: per W^l a frame, and the rule in words.

    ``frames[l]``: row, col, from_label, to_label, weight (W^l), gradient (dC/dW^l), step (what the
    optimizer adds: ``-lr dC/dW^l`` for gd), new (the weights after it), from_clones and to_clones (the clone
    group of neuron ``i`` of layer ``l`` on row ``i + 1``, of neuron ``j`` of layer ``l + 1`` in column
    ``j``; "" when alone, for the bias row and for inputs and outputs). Columns with the same non-empty
    ``to_clones`` are equal in weight, gradient, step and new.
    """

    iteration: int
    optimizer: str
    learning_rate: float
    rule: str
    frames: list[pd.DataFrame | None]  # None for a W^l not asked for
    clones: list[str]  # every clone group's name, every layer: the colour scale the Neurons view uses


def _next_weights(run: Run, snapshot: int) -> list[np.ndarray] | None:
    """The weights one step after ``snapshot``: the next snapshot when it is the next iteration; at iteration 0,
    one step of the run's optimizer from its empty state, as training took it. None otherwise: momentum's and
    Adam's step depends on past gradients the run does not keep (training again would double a run's cost)."""
    iteration = int(run.snapshot_iterations[snapshot])
    following = run.snapshot_iterations[snapshot + 1 :]
    if len(following) and following[0] == iteration + 1:
        return run.weights[snapshot + 1]
    if iteration > 0:
        return None
    c = run.config
    params, grads = (np.concatenate([M.ravel() for M in Ms])[None] for Ms in (run.weights[0], run.gradients[0]))
    mlp.OPTIMIZERS[c.optimizer](params, np.array([c.lr])).step(params, grads)
    return c.architecture.split(params[0])


def _update_rule(run: Run, iteration: int, known: bool = True) -> str:
    c = run.config
    if c.optimizer == "gd":
        return (
            f"Gradient descent at iteration {iteration:,}: new $W^l = W^l - \\text{{lr}}\\,"
            f"\\frac{{\\partial C}}{{\\partial W^l}}$ with lr = {c.lr:g}. Clones have equal columns in $W^l$ "
            "and in $\\frac{\\partial C}{\\partial W^l}$, so their new columns are equal too."
        )
    momentum = "a running sum of past gradients ($v \\leftarrow 0.9\\,v + \\frac{\\partial C}{\\partial W}$)"
    memory = momentum if c.optimizer == "momentum" else "running averages of past gradients and of their squares"
    shown = (
        "Shown: the step actually taken, the next iteration's weights minus these."
        if known
        else "The run keeps no past gradients here, so the step is shown at iteration 0 and just before a kept "
        "iteration only."
    )
    return (
        f"{c.optimizer} at iteration {iteration:,}: the step is in general not lr times the gradient; it is "
        f"built from {memory}. {shown} Clones get equal gradients at every iteration, so those sums are equal "
        "and their steps too."
    )


def _group_labels(names: list[list[str]], l: int, n: int) -> list[str]:
    """Clone names of the ``n`` neurons of layer ``l`` ("" for inputs and outputs)."""
    return names[l - 1] if 0 < l <= len(names) else [""] * n


def update_frames(run: Run, snapshot: int, groups: Sequence[np.ndarray], layers: Sequence[int] | None = None) -> Update:
    """The step taken from the weights of ``snapshot``; ``groups`` per hidden layer (``mlp.clone_groups``);
    frames of the W^l in ``layers`` only (all of them if None)."""
    c = run.config
    W, G = run.weights[snapshot], run.gradients[snapshot]
    iteration = int(run.snapshot_iterations[snapshot])
    names = [clone_names(labels, h + 1) for h, labels in enumerate(groups)]
    if c.optimizer == "gd":
        steps = [-(c.lr * D) for D in G]
        new = [M - c.lr * D for M, D in zip(W, G)]  # the optimizer's own arithmetic: W - (dC/dW * lr)
    else:
        following = _next_weights(run, snapshot)
        new = following if following is not None else [np.full_like(M, np.nan) for M in W]
        steps = [N - M for M, N in zip(W, new)]
    out: list[pd.DataFrame | None] = []
    for l, (M, D, step, N) in enumerate(zip(W, G, steps, new)):
        if layers is not None and l not in layers:
            out.append(None)
            continue
        df = frames.matrix_frame(M, l).rename(columns={"value": "weight"})
        from_clones = np.array(["", *_group_labels(names, l, M.shape[0] - 1)], dtype=object)
        to_clones = np.array(_group_labels(names, l + 1, M.shape[1]), dtype=object)
        out.append(
            df.assign(
                gradient=D.ravel(),
                step=step.ravel(),
                new=N.ravel(),
                from_clones=from_clones[df["row"]],
                to_clones=to_clones[df["col"]],
            )
        )
    known = c.optimizer == "gd" or _next_weights(run, snapshot) is not None
    clones = [name for l, M in enumerate(W) for name in _group_labels(names, l + 1, M.shape[1])]
    return Update(iteration, c.optimizer, c.lr, _update_rule(run, iteration, known), out, clones)


def update_chart(update: Update, layer: int) -> alt.HConcatChart:
    """W^l, the step and the new W^l of one Update side by side; each clone group's columns ringed in its colour.

    Clones' columns are equal in all three: the learner sees the step keep them equal.
    """
    df = update.frames[layer]
    step = "- lr dC/dW" if update.optimizer == "gd" else "step taken"
    parts = [
        (column, frames.unicode(title))
        for column, title in (("weight", f"W^{layer}"), ("step", f"{step}^{layer}"), ("new", f"new W^{layer}"))
    ]
    clones = _clone_scale(update.clones)  # the Neurons view's colours
    has_clones = bool((df["to_clones"] != "").any())
    columns = df.loc[df["to_clones"] != "", ["col", "to_label", "to_clones"]].drop_duplicates("col")
    maps = []
    for i, (value, title) in enumerate(parts):
        heatmap = charts.heatmap(
            df.rename(columns={value: "value"})[["row", "col", "from_label", "to_label", "value"]], title
        )
        if has_clones:  # a band over each clone's column, as tall as the matrix
            legend = _clone_legend(columns["to_clones"]) if i == len(parts) - 1 else None
            band = (
                alt.Chart(columns.rename(columns={"to_clones": "clones"}))
                .mark_rect(filled=False, strokeWidth=3, opacity=1, tooltip=False)
                .encode(
                    x=alt.X("to_label:N", sort=alt.EncodingSortField("col", op="min"), title=None),
                    stroke=alt.Stroke("clones:N", scale=clones, legend=legend),
                )
            )
            heatmap = alt.layer(heatmap, band)
        maps.append(heatmap)
    # One constructor call: resolve_scale would copy every sub-chart again (0.13 s of 0.46 s here).
    return alt.HConcatChart(
        hconcat=maps, resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent", stroke="independent"))
    )
