"""Altair charts from the frames of :mod:`lab.frames`: pure functions, DataFrame in, chart out.

Titles use the learner's notation in Unicode (Vega-Lite cannot render LaTeX): ``W¹`` from layer 1 to 2,
activations ``a¹₀``, cost ``C``. Numbers are written one way everywhere, in cells, legends, axes and
tooltips: 3 significant digits, the shorter of decimal and exponent form (:func:`short`, :data:`SHORT`).
Runs compared keep one colour each, given by the caller (``colours``: run name -> colour).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from lab.frames import unicode

DIVERGING = "blueorange"  # colour-blind safe; weights and gradients, centred on 0
SEQUENTIAL = "viridis"  # colour-blind safe; activations and network outputs
MISSING = "#bdbdbd"  # grey of a non-finite cell
CELL = (46, 34)  # px: width and height of a heatmap cell, wide enough for "-1.25e-4"
FONT = 10  # px: font of the values written in heatmap cells
MIN_FONT = 6  # px: cells too small for their value in this size get no text (a 256 x 256 heatmap has none)
CHAR_WIDTH = 0.56  # width of one character of that font, in font sizes
MAX_GRID = 560  # px: tallest a heatmap gets, and widest the activations get; larger matrices get smaller cells
MAX_MATRIX_WIDTH = 320  # px: widest a W^l heatmap gets, so W^l and dC/dW^l fit side by side in ~700 px
MAX_VALUE_CELLS = 64  # matrices up to this many cells have their values written in
MAX_LABELLED = 12  # rows or columns up to which every neuron label is written (more: every other one)
MAX_BARS = 48  # output bars (observation x neuron) drawn at most; more outputs are a scatter
DARK_DIVERGING = 0.6  # |value| / d above which a diverging cell is dark enough for white text
DARK_SEQUENTIAL = 0.45  # fraction of the range below which a viridis cell is dark enough for white text
SEAMLESS = 1.1  # surface cells are drawn this much larger than their step, so no white seams show
GAP_FLOOR = 1e-17  # where a symmetry gap of exactly 0 is drawn on the log scale
WIDTH = 560  # px: width of concatenated charts, which cannot fill their container
HEIGHT = 260  # px: height of single charts
TOP_LEGEND = alt.Legend(title=None, orient="top", labelLimit=400)  # run names and layers, above the plot
RUN_LEGEND = alt.Legend(title=None, orient="top", direction="vertical", labelLimit=WIDTH)  # one run a line
# Charts fitted to their container's width keep their runs' legend on the right: above the plot, Vega's fit
# takes the legend's height from the plot's (a 260 px chart of four runs kept a 50 px plot).
SIDE_LEGEND = alt.Legend(title=None, orient="right", labelLimit=220)
# Okabe and Ito's colour-blind-safe palette: black for the current run, the others for kept runs, each
# kept run holding its colour for as long as it is kept (ui/kept.py).
CURRENT_COLOUR = "#000000"
RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#F0E442")
FEW_OBSERVATIONS = 8  # up to this many observations the outputs are bars; more are a scatter against the targets
MAX_TICKS = 7  # powers of ten written on a log axis at most (every k-th power beyond)
# The same numbers as short(), written by Vega: for legends and axes. Vega's format() writes a leading
# minus sign as U+2212, the cells (Python) as '-': replace() puts the same character in both.
SHORT = (
    "replace(length(format(datum.value, '.3~g')) <= length(format(datum.value, '.2~e')) "
    "? format(datum.value, '.3~g') : format(datum.value, '.2~e'), '\u2212', '-')"
)


def short(value: float) -> str:
    """3 significant digits, the shorter of decimal and exponent form (``0.599``, ``-1.25e-4``); nan, inf."""
    if not math.isfinite(value):
        return str(value)
    forms = (f"{value:.3g}", f"{value:.2e}")
    return min((form.replace("e-0", "e-").replace("e+0", "e+") for form in forms), key=len)


def _powers(low: float, high: float) -> list[float]:
    """Powers of ten from ``low`` to ``high`` (> 0), every k-th so at most MAX_TICKS: a log axis's ticks."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, math.ceil((last - first + 1) / MAX_TICKS))
    return [10.0**k for k in range(last, first - 1, -step)][::-1]


def _log_axis(values: pd.Series | np.ndarray, title: str, floor: float | None = None) -> alt.Axis:
    """A log axis over the positive ``values``: ticks at powers of ten, written as short() writes numbers."""
    v = _finite(values)
    v = v[v > 0]
    low = floor if floor is not None else float(v.min(initial=1.0))
    return alt.Axis(title=title, values=_powers(low, max(float(v.max(initial=1.0)), low)), labelExpr=SHORT)


def _legend(values: list[float], title: str | None = None) -> alt.Legend:
    """A gradient legend that writes exactly ``values`` (the ends of the colour scale), as the cells are written."""
    return alt.Legend(title=title, gradientLength=120, values=values, labelExpr=SHORT)


def _run_colour(field: str, colours: Mapping[str, str] | None, legend: alt.Legend | None) -> alt.Color:
    """Colour by run name; with ``colours`` (name -> colour) each run keeps its own colour."""
    scale = alt.Scale(domain=list(colours), range=list(colours.values())) if colours else alt.Undefined
    return alt.Color(f"{field}:N", scale=scale, legend=legend)


def _finite(values: pd.Series | np.ndarray) -> np.ndarray:
    """The finite entries of ``values`` as a flat float array."""
    v = np.asarray(values, dtype=float).ravel()
    return v[np.isfinite(v)]


def _cells(df: pd.DataFrame, value: str, dark: pd.Series) -> pd.DataFrame:
    """``df`` plus columns label (3 digits), exact (every digit) and dark (white text) for ``value``."""
    v = df[value].astype(float)
    return df.assign(label=v.map(short), exact=v.map(repr), dark=dark & np.isfinite(v))


def _grid(
    cells: pd.DataFrame,
    x: alt.X,
    y: alt.Y,
    color: alt.Color,
    size: tuple[int, int],
    show_values: bool,
    tooltip: list[alt.Tooltip],
    max_width: float,
    title: str | alt.Title,
    selection: alt.Parameter | None = None,
    cell: tuple[int, int] = CELL,
) -> alt.LayerChart:
    """Columns of _cells -> a coloured rect per cell over a grey one (left grey when not finite), label on top.

    ``size`` is ``(rows, columns)``; cells are ``cell`` px (``CELL``) unless the grid would pass ``max_width`` wide or
    ``MAX_GRID`` tall. Values are written only where they fit at ``MIN_FONT`` px or more. With a
    ``selection``, clicking a cell selects it and the other cells fade. The layers share the data of the
    layer chart, and its properties are set at once: Altair compares layers' data by printing each frame,
    and copies the whole chart on every ``properties`` call (together 70% of building a heatmap).
    """
    rows, cols = size
    width, height = min(cell[0], max_width / max(cols, 1)), min(cell[1], MAX_GRID / max(rows, 1))
    longest = int(cells["label"].str.len().max()) if len(cells) else 1
    font = min(FONT, height - 2, (width - 4) / (CHAR_WIDTH * longest))  # long labels (1.23e+132): smaller font
    show_values = show_values and font >= MIN_FONT
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    missing = base.mark_rect(color=MISSING)  # shows through where the colour layer drops NaN and inf
    rect = base.mark_rect().encode(color=color)
    if selection is not None:
        rect = rect.add_params(selection).encode(
            opacity=alt.when(selection).then(alt.value(1.0)).otherwise(alt.value(0.4))
        )
    layers = [missing, rect]
    if show_values:
        dark = alt.ColorValue("black", condition={"test": "datum.dark", "value": "white"})
        layers.append(base.mark_text(fontSize=font).encode(text=alt.Text("label:N"), color=dark))
    return alt.layer(*layers, data=cells, width=alt.Step(width), height=alt.Step(height), title=title)


def _message(text: str) -> alt.Chart:
    """A chart holding only ``text``: what to show when there is nothing to draw."""
    return (
        alt.Chart(pd.DataFrame({"text": [text]}))
        .mark_text(fontSize=13)
        .encode(text=alt.Text("text:N"))
        .properties(width="container", height=40)
    )


def _values(title: str) -> list[alt.Tooltip]:
    """A cell's tooltips: its value as the cell writes it, and every digit (text: NaN and inf written out)."""
    return [alt.Tooltip("label:N", title=title), alt.Tooltip("exact:N", title="every digit")]


def _thinned(shown: tuple[int, int], shape: tuple[int, int] | None) -> str | None:
    """``65 of 257 rows and 64 of 256 columns, evenly spaced`` when ``shown`` is less than ``shape``; else None."""
    if shape is None:
        return None
    parts = [f"{k:,} of {n:,} {name}" for k, n, name in zip(shown, shape, ("rows", "columns")) if k < n]
    return " and ".join(parts) + ", evenly spaced" if parts else None


def matrix_axes(labelled: bool, **x_axis) -> tuple[alt.X, alt.Y]:
    """A matrix frame's axes (lab.frames.matrix_frame): its rows (``from_label``, in row order) down, its
    columns (``to_label``, in column order) across the top; every label while ``labelled``, else every other
    one. ``x_axis``: more properties of the top axis."""
    overlap = False if labelled else "parity"
    x = alt.X(
        "to_label:N",
        sort=alt.EncodingSortField("col", op="min"),
        title=None,
        axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=overlap, **x_axis),
    )
    y = alt.Y(
        "from_label:N", sort=alt.EncodingSortField("row", op="min"), title=None, axis=alt.Axis(labelOverlap=overlap)
    )
    return x, y


def label_tooltips() -> list[alt.Tooltip]:
    """A matrix cell's row and column, for its tooltip."""
    return [alt.Tooltip("from_label:N", title="from"), alt.Tooltip("to_label:N", title="to")]


def heatmap(
    df: pd.DataFrame,
    title: str | alt.Title,
    domain: float | None = None,
    show_values: bool | None = None,
    shape: tuple[int, int] | None = None,
    max_width: float = MAX_MATRIX_WIDTH,
    legend: bool = True,
) -> alt.LayerChart:
    """Columns row, col, from_label, to_label, value (a matrix_frame) -> W^l as cells, bias row on top.

    ``shape`` is the whole matrix's: when the frame holds fewer rows or columns, the subtitle says so. The
    legend writes the colour scale's ends, ``-d`` and ``d``, as the cells are written.
    """
    v = df["value"].astype(float)
    largest = float(np.abs(_finite(v)).max(initial=0.0))
    d = domain if domain is not None and domain > 0 else largest if largest > 0 else 1.0
    cells = _cells(df, "value", v.abs() > DARK_DIVERGING * d)
    size = (df["row"].nunique(), df["col"].nunique())
    x, y = matrix_axes(max(size) <= MAX_LABELLED, labelPadding=4)
    color = alt.Color(
        "value:Q",
        scale=alt.Scale(scheme=DIVERGING, domain=[-d, d], domainMid=0),
        legend=_legend([-d, 0.0, d]) if legend else None,
    )
    tooltip = [*label_tooltips(), *_values("value")]
    show = len(df) <= MAX_VALUE_CELLS if show_values is None else show_values
    return _grid(cells, x, y, color, size, show, tooltip, max_width, _with_subtitle(title, _thinned(size, shape)))


def _with_subtitle(title: str | alt.Title, line: str | None) -> str | alt.Title:
    """``title`` with ``line`` added under it (after a subtitle it has already); unchanged if ``line`` is None."""
    if not line:
        return title
    if not isinstance(title, alt.Title):
        return alt.Title(title, subtitle=line)
    spec = title.to_dict()
    above = spec.get("subtitle", [])
    return alt.Title(**spec | {"subtitle": [*([above] if isinstance(above, str) else above), line]})


def heatmaps_side_by_side(
    matrices: Mapping[str, pd.DataFrame],
    title: str,
    domain: float,
    colours: Mapping[str, str] | None = None,
    shapes: Mapping[str, tuple[int, int]] | None = None,
    width: float = 2 * WIDTH,
) -> alt.HConcatChart:
    """Run name -> matrix_frame of the same W^l -> one heatmap per run in a row, on one colour scale with one
    legend; each run's name on one line above its heatmap, in the run's colour (``colours``)."""
    colours, shapes = colours or {}, shapes or {}
    each = width / max(len(matrices), 1)
    maps = []
    for name, df in matrices.items():
        heading = alt.Title(name, subtitle=title, limit=each - 20, color=colours.get(name, "black"), anchor="start")
        maps.append(heatmap(df, heading, domain, shape=shapes.get(name), max_width=each - 70))
    return alt.HConcatChart(hconcat=maps, resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="shared")))


def _layer_grid(
    cells: pd.DataFrame, l: int, color: alt.Color, tooltip: list, max_width: float, width: int | None
) -> alt.LayerChart:
    """The _cells of hidden layer ``l`` -> its heatmap, neurons ``a^l_j`` across, observations down.

    ``width`` is the layer's number of neurons: when the cells hold fewer, the title says how many are shown.
    """
    names = {j: unicode(f"a^{l}_{j}") for j in cells["neuron"].unique()}
    cells = cells.assign(name=cells["neuron"].map(names))
    size = (cells["observation"].nunique(), cells["neuron"].nunique())
    overlap = False if size[1] <= MAX_LABELLED else "parity"
    x = alt.X(
        "name:N",
        sort=alt.EncodingSortField("neuron", op="min"),
        title=None,
        axis=alt.Axis(orient="top", labelAngle=0, labelPadding=4, labelOverlap=overlap),
    )
    y = alt.Y("observation:O", title="observation", axis=alt.Axis(labelOverlap="parity"))
    layer = unicode(f"a^{l}")
    title = layer if width is None or size[1] >= width else f"{layer}: {size[1]} of {width} neurons"
    return _grid(cells, x, y, color, size, len(cells) <= MAX_VALUE_CELLS, tooltip, max_width, title)


def activations_chart(
    df: pd.DataFrame,
    domain: tuple[float, float] | None = None,
    widths: Mapping[int, int] | None = None,
    observations: int | None = None,
) -> alt.HConcatChart | alt.Chart:
    """Columns layer, observation, neuron, activation -> one heatmap per hidden layer a^l, side by side.

    ``domain`` fixes the colour range (``(0, 1)`` for sigmoid); by default it is the data's range.
    ``widths`` (neurons of each layer) and ``observations`` (of the data set) are the whole run's: when the
    frame holds fewer, the titles say so.
    """
    if df.empty:
        return _message("This network has no hidden layer: there are no hidden activations to show.")
    v, finite = df["activation"].astype(float), _finite(df["activation"])
    low, high = domain if domain is not None else (finite.min(), finite.max()) if len(finite) else (0.0, 1.0)
    low, high = (float(low), float(high)) if high > low else (float(low) - 0.5, float(high) + 0.5)
    cells = _cells(df, "activation", v < low + DARK_SEQUENTIAL * (high - low))
    color = alt.Color(
        "activation:Q", scale=alt.Scale(scheme=SEQUENTIAL, domain=[low, high]), legend=_legend([low, high], "aˡ")
    )
    tooltip = [alt.Tooltip("observation:O"), alt.Tooltip("name:N", title="neuron"), *_values("activation")]
    layers = sorted(df["layer"].unique())
    widths = widths or {}
    grids = [
        _layer_grid(cells[cells["layer"] == l], l, color, tooltip, MAX_GRID / len(layers), widths.get(l))
        for l in layers
    ]
    subtitle = "one row per observation; equal columns: neurons that compute the same values on these observations"
    shown = df["observation"].nunique()
    if observations is not None and shown < observations:
        subtitle += f"; the first {shown} of {observations:,} observations"
    return alt.hconcat(*grids, title=alt.Title("Hidden activations aˡ", subtitle=subtitle))


def _texts(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` plus a column ``<c>_text`` per column ``c``: its values as short() writes them, for tooltips."""
    return df.assign(**{f"{c}_text": df[c].astype(float).map(short) for c in columns})


def loss_chart(df: pd.DataFrame, log_scale: bool = True, colours: Mapping[str, str] | None = None) -> alt.Chart:
    """Columns run, iteration, loss -> the cost C over iterations, one line per run (log scale when asked).

    A log axis has its ticks at powers of ten. ``colours`` (run name -> colour) keeps each run's colour.
    """
    log = log_scale and bool((df["loss"] > 0).all()) and len(df) > 0
    several = df["run"].nunique() > 1
    title = f"cost C{' (log scale)' if log else ''}"
    axis = _log_axis(df["loss"], title) if log else alt.Axis(title=title, labelExpr=SHORT)
    return (
        alt.Chart(_texts(df, ["loss"]))
        .mark_line()
        .encode(
            x=alt.X("iteration:Q", title="iteration"),
            y=alt.Y("loss:Q", axis=axis, scale=alt.Scale(type="log") if log else alt.Scale(zero=True)),
            color=_run_colour("run", colours, SIDE_LEGEND if several else None),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("iteration:Q", format=","),
                alt.Tooltip("loss_text:N", title="cost"),
            ],
        )
        .properties(width="container", height=HEIGHT, title="Cost C over iterations")
    )


def _classification(targets: pd.Series) -> bool:
    """Whether every target is 0 or 1: outputs are read against 0.5."""
    t = _finite(targets)
    return len(t) > 0 and bool(np.isin(t, (0.0, 1.0)).all())


def outputs_chart(df: pd.DataFrame, colours: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Columns run, observation, neuron, output, target, error -> outputs against targets.

    Up to FEW_OBSERVATIONS observations (and MAX_BARS bars): bars of a^L_j and black ticks of the targets y_j.
    More: a scatter of each output against its target (:func:`outputs_scatter`).
    """
    n_obs, n_out = df["observation"].nunique(), df["neuron"].nunique()
    if n_obs > FEW_OBSERVATIONS or n_obs * n_out > MAX_BARS:
        return outputs_scatter(df, colours)
    several = df["run"].nunique() > 1
    values = _finite(df[["output", "target"]])
    low, high = float(values.min(initial=0.0)), float(values.max(initial=1.0))  # at least [0, 1]
    data = _texts(df, ["output", "target", "error"])
    names = {j: unicode(f"a^L_{j}") for j in df["neuron"].unique()}
    data = data.assign(cell="obs " + df["observation"].astype(str) + " · " + df["neuron"].map(names))
    base = alt.Chart(data).encode(
        x=alt.X("cell:N", title="observation · output neuron", sort=None, axis=alt.Axis(labelAngle=0)),
        **({"xOffset": alt.XOffset("run:N", sort=list(colours) if colours else "ascending")} if several else {}),
        tooltip=[
            alt.Tooltip("run:N"),
            alt.Tooltip("observation:O"),
            alt.Tooltip("neuron:O"),
            *(alt.Tooltip(f"{c}_text:N", title=c) for c in ("output", "target", "error")),
        ],
    )
    bars = base.mark_bar().encode(
        y=alt.Y("output:Q", title="output aᴸ and target y", scale=alt.Scale(domain=[low, high])),
        color=_run_colour("run", colours, SIDE_LEGEND if several else None),
    )
    ticks = base.mark_tick(color="black", thickness=3).encode(y=alt.Y("target:Q"))
    title = alt.Title("Outputs aᴸ against targets y", subtitle="bars: outputs; black ticks: targets")
    return alt.layer(bars, ticks).properties(width="container", height=HEIGHT, title=title)


def _spread(observations: pd.Series) -> np.ndarray:
    """A fixed offset in [-0.5, 0.5) per observation (golden-ratio steps): spreads points of equal target."""
    return (observations.to_numpy(dtype=float) * 0.6180339887) % 1.0 - 0.5


def outputs_scatter(df: pd.DataFrame, colours: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Columns run, observation, neuron, output, target, error -> each output a^L_j against its target y_j.

    A point on the grey line y = x is right. For classification data (targets 0 and 1) the points of a
    target are spread sideways, and the dashed line at 0.5 splits right from wrong. Colour: the run when
    there are several, else the output neuron when there are several.
    """
    several = df["run"].nunique() > 1
    classes = _classification(df["target"])
    names = {j: unicode(f"a^L_{j}") for j in df["neuron"].unique()}
    data = _texts(df, ["output", "target", "error"]).assign(
        output_neuron=df["neuron"].map(names),
        x=df["target"] + (0.3 * _spread(df["observation"]) if classes else 0.0),
    )
    values = _finite(df[["output", "target"]])
    low, high = float(values.min(initial=0.0)), float(values.max(initial=1.0))
    pad = 0.2 if classes else 0.05 * (high - low or 1.0)
    scale = alt.Scale(domain=[low - pad, high + pad], nice=False, zero=False)
    if several:
        color = _run_colour("run", colours, SIDE_LEGEND)
    elif len(names) > 1:
        color = alt.Color("output_neuron:N", title=None, legend=alt.Legend(orient="top"))
    else:
        color = alt.value(RUN_COLOURS[0])
    points = (
        alt.Chart(data)
        .mark_circle(size=36, opacity=0.7)
        .encode(
            x=alt.X(
                "x:Q",
                title="target y" + (" (points spread sideways)" if classes else ""),
                scale=scale,
                axis=alt.Axis(values=[0, 0.5, 1] if classes else alt.Undefined, labelExpr=SHORT),
            ),
            y=alt.Y("output:Q", title="output aᴸ", scale=alt.Scale(domain=[min(low, 0.0), max(high, 1.0)], nice=False)),
            color=color,
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("observation:O"),
                alt.Tooltip("output_neuron:N", title="output"),
                *(alt.Tooltip(f"{c}_text:N", title=c) for c in ("output", "target", "error")),
            ],
        )
    )
    if classes:  # the line at 0.5 splits right from wrong
        guide = alt.Chart(pd.DataFrame({"y": [0.5]})).mark_rule(color="grey", strokeDash=[6, 4]).encode(y="y:Q")
        right = "right: above 0.5 for target 1, below for 0"
    else:  # the line y = x: outputs equal to their targets
        ends = [low - pad, high + pad]
        guide = alt.Chart(pd.DataFrame({"x": ends, "y": ends})).mark_line(color="grey", strokeDash=[6, 4])
        guide = guide.encode(x="x:Q", y="y:Q")
        right = "right: on the dashed line y = x"
    subtitle = f"{df['observation'].nunique():,} observations; {right}"
    title = alt.Title("Outputs aᴸ against targets y", subtitle=subtitle)
    return alt.layer(guide, points).properties(width="container", height=HEIGHT, title=title)


def _distinct_chart(base: alt.Chart, most: int) -> alt.Chart:
    """Step lines of the distinct-neuron counts on an integer axis from 0 to ``most``."""
    return (
        base.mark_line(interpolate="step-after")
        .encode(
            y=alt.Y(
                "distinct:Q",
                title="distinct neurons",
                axis=alt.Axis(values=list(range(most + 1)) if most <= 10 else alt.Undefined, format="d"),
                scale=alt.Scale(domain=[0, most + 0.3], nice=False),
            ),
        )
        .properties(width=WIDTH, height=150, title="Distinct neurons per hidden layer")
    )


def _gap_chart(base: alt.Chart, clones: bool, top: float, gaps: pd.Series) -> alt.LayerChart:
    """Gap lines on a log axis, ticks at powers of ten; with ``clones``, the axis spans GAP_FLOOR to ``top``
    with a ``0 = clones`` rule."""
    scale = alt.Scale(type="log", domain=[GAP_FLOOR / 10, top], nice=False) if clones else alt.Scale(type="log")
    title = "symmetry gap (log scale)"
    axis = _log_axis(pd.concat([gaps, pd.Series([top])]), title, GAP_FLOOR if clones else None)
    lines = base.mark_line().encode(y=alt.Y("shown:Q", axis=axis, scale=scale))
    floor = alt.Chart(pd.DataFrame({"shown": [GAP_FLOOR], "text": ["0 = clones"]})).encode(y=alt.Y("shown:Q"))
    rule = floor.mark_rule(strokeDash=[4, 4], color="grey")
    label = floor.mark_text(align="left", dx=4, dy=-7, color="grey").encode(x=alt.XValue(0), text=alt.Text("text:N"))
    return alt.layer(lines, *([rule, label] if clones else [])).properties(
        width=WIDTH,
        height=200,
        title=alt.Title("Symmetry gap", subtitle="the smallest difference between two neurons of a layer"),
    )


def symmetry_chart(df: pd.DataFrame, colours: Mapping[str, str] | None = None) -> alt.VConcatChart | alt.Chart:
    """Columns run, iteration, layer, distinct, gap -> distinct neurons and symmetry gap per hidden layer.

    Several runs are coloured by run (``colours``: run name -> colour), the layers told apart by dashes.
    """
    if df.empty:
        return _message("This network has no hidden layer: there is nothing to be symmetric.")
    data = _texts(df, ["gap"]).assign(hidden="layer " + df["layer"].astype(str), shown=df["gap"].clip(lower=GAP_FLOOR))
    several = data["run"].nunique() > 1
    base = alt.Chart(data).encode(
        x=alt.X("iteration:Q", title="iteration"),
        color=_run_colour("run", colours, RUN_LEGEND) if several else alt.Color("hidden:N", legend=TOP_LEGEND),
        strokeDash=alt.StrokeDash("hidden:N", legend=TOP_LEGEND),
        tooltip=[
            *map(alt.Tooltip, ["run:N", "iteration:Q", "hidden:N", "distinct:Q"]),
            alt.Tooltip("gap_text:N", title="gap"),
        ],
    )
    top = max(1.0, float(data["shown"].max()))  # a gap near 1 means neurons as different as the weights are large
    clones = bool((data["gap"] == 0).any())
    widest = int(max(data["distinct"].max(), data["width"].max() if "width" in data else 0))
    return alt.vconcat(_distinct_chart(base, widest), _gap_chart(base, clones, top, data["shown"]))


def _edges(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Left and right edges of the cells around evenly spaced grid ``values`` (overlapping a little: no seams)."""
    points = np.unique(values)
    half = (points[-1] - points[0]) / (len(points) - 1) / 2 if len(points) > 1 else 0.5
    return values - half * SEAMLESS, values + half * SEAMLESS


def surface_chart(surface_df: pd.DataFrame, points_df: pd.DataFrame, observations: int | None = None) -> alt.LayerChart:
    """surface_frame (x1, x2, output) and points_frame (observation, x1, x2, target, output) -> a^L_0 map.

    ``observations`` is the data set's size: when the points frame holds fewer, the subtitle says so.
    """
    (x1_lo, x1_hi), (x2_lo, x2_hi) = _edges(surface_df["x1"]), _edges(surface_df["x2"])
    grid = _texts(surface_df, ["x1", "x2", "output"]).assign(x1_lo=x1_lo, x1_hi=x1_hi, x2_lo=x2_lo, x2_hi=x2_hi)
    scale = alt.Scale(scheme=SEQUENTIAL)
    x_scale = alt.Scale(domain=[float(x1_lo.min()), float(x1_hi.max())], nice=False, zero=False)
    y_scale = alt.Scale(domain=[float(x2_lo.min()), float(x2_hi.max())], nice=False, zero=False)
    surface = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X("x1_lo:Q", title="input a⁰₀ (x1)", scale=x_scale),
            x2=alt.X2("x1_hi:Q"),
            y=alt.Y("x2_lo:Q", title="input a⁰₁ (x2)", scale=y_scale),
            y2=alt.Y2("x2_hi:Q"),
            color=alt.Color("output:Q", scale=scale, title="aᴸ₀ / y₀", legend=alt.Legend(labelExpr=SHORT)),
            tooltip=[alt.Tooltip(f"{c}_text:N", title=c) for c in ("x1", "x2", "output")],
        )
    )
    points = (
        alt.Chart(_texts(points_df, ["x1", "x2", "target", "output"]))
        .mark_circle(size=90, opacity=1, stroke="black", strokeWidth=1)
        .encode(
            x=alt.X("x1:Q"),
            y=alt.Y("x2:Q"),
            color=alt.Color("target:Q", scale=scale),
            tooltip=[
                alt.Tooltip("observation:O"),
                *(alt.Tooltip(f"{c}_text:N", title=c) for c in ("x1", "x2", "target", "output")),
            ],
        )
    )
    subtitle = "points coloured by their target y₀"
    if observations is not None and len(points_df) < observations:
        subtitle += f"; {len(points_df):,} of {observations:,} points, evenly spaced"
    title = alt.Title("Output aᴸ₀ over the inputs", subtitle=subtitle)
    return alt.layer(surface, points).properties(width="container", height=380, title=title)


def spec(chart: alt.TopLevelMixin | dict) -> dict:
    """The Vega-Lite spec of ``chart`` as ``st.vega_lite_chart`` takes it, with its data left as DataFrames.

    A spec already in that form (a dict, as lab/scrub.py assembles its charts of many heatmaps) is returned as is.

    Every DataFrame becomes a named dataset (``spec["datasets"]``), which Streamlit sends as Arrow, so the
    spec can be cached and drawn again without Altair (``python -m benchmarks.workarounds``: converting the
    Weights tab's 7 charts as st.altair_chart does on every rerun costs 204 ms of CPU). Altair's default
    theme (a 300 px view) is left out, as ``st.altair_chart`` leaves it out. ``chart`` itself is not
    changed: its DataFrames are lent a name during the call and put back. Altair's other way, a data
    transformer, is one global setting for every thread of the server; converting a deep copy of the
    chart costs 73 ms for those 7 charts, against 24 ms here.
    """
    if isinstance(chart, dict):
        return chart
    datasets: dict[str, pd.DataFrame] = {}
    names: dict[int, str] = {}
    swapped: list[tuple[alt.TopLevelMixin, pd.DataFrame]] = []

    def name_data(part: alt.TopLevelMixin) -> None:
        if isinstance(getattr(part, "data", None), pd.DataFrame):
            name = names.setdefault(id(part.data), f"data-{len(names)}")
            datasets[name] = part.data
            swapped.append((part, part.data))
            part.data = alt.NamedData(name=name)
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in getattr(part, key, None) or ():
                name_data(child)

    name_data(chart)
    try:
        result = _to_dict(chart)  # the same dict; tests/test_charts.py checks it against a validated one
    finally:  # put the DataFrames back
        for part, frame in swapped:
            part.data = frame
    config = result.get("config", {})
    for default in ("continuousWidth", "continuousHeight"):
        config.get("view", {}).pop(default, None)
    for empty in [k for k, v in config.items() if v == {}]:
        del config[empty]
    if config == {}:
        result.pop("config", None)
    result["datasets"] = {**result.get("datasets", {}), **datasets}
    return result


COMPOUND = (alt.LayerChart, alt.HConcatChart, alt.VConcatChart, alt.ConcatChart)


def _to_dict(chart: alt.TopLevelMixin) -> dict:
    """``chart.to_dict(validate=False)``, without the copy of ``chart`` it starts with when ``chart`` is layered
    or concatenated: that copy runs the chart's constructor again, which deep-copies every sub-chart, half of
    the conversion's time (the update chart of the question's W^1: 132 ms, 55 ms without; the Neurons view of
    2-6-6-1: 84 ms, 24 ms). The sub-charts convert as Altair converts them; tests/test_charts.py checks the
    result against Altair's own for every kind of chart the tabs draw."""
    if not isinstance(chart, COMPOUND):
        return chart.to_dict(validate=False)
    context = {"datasets": {}, "top_level": False, "pre_transform": False}
    if chart.data is not alt.Undefined:
        context["data"] = chart.data
    return {**alt.SchemaBase.to_dict(chart, validate=False, context=context), "$schema": alt.SCHEMA_URL}


SWEEP_SELECTION = "cell"  # name of the click selection on sweep heatmaps (the dashboard reads it)


def sweep_heatmap(
    cells: pd.DataFrame, value: str, title: str, log_scale: bool = False, label: str | None = None
) -> alt.LayerChart:
    """Columns row, lr, cell, <value> (a sweep_cells frame) -> learning rate across, start and optimizer
    down, coloured by ``value``; clicking a cell selects it (selection ``SWEEP_SELECTION``, field cell).

    Cells are written as short() writes ``value``, or with the text of column ``label`` (then no legend: the
    cells say it). A log colour scale's legend writes powers of ten.
    """
    v = cells[value].astype(float)
    finite = _finite(v)
    low, high = (float(np.min(finite, initial=np.inf)), float(np.max(finite, initial=-np.inf)))
    use_log = log_scale and low > 0
    middle = np.sqrt(low * high) if use_log else (low + high) / 2
    data = _cells(cells.assign(lr_text=cells["lr"].map("{:g}".format)), value, v < middle)
    if label is not None:
        data["label"] = data[label]
    data.loc[~np.isfinite(v.to_numpy()), "label"] = "—"  # never reached, or every seed diverged
    selection = alt.selection_point(name=SWEEP_SELECTION, fields=["cell"])
    x = alt.X("lr_text:N", title="learning rate", sort=None, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("row:N", title=None, sort=None)
    if label is not None or not len(finite):
        legend = None
    elif use_log and len(_powers(low, high)) > 1:
        legend = _legend([p for p in _powers(low, high) if low <= p <= high] or [low, high])
    else:
        legend = _legend([low, high] if high > low else [low])
    color = alt.Color(
        f"{value}:Q", title=None, scale=alt.Scale(scheme=SEQUENTIAL, type="log" if use_log else "linear"), legend=legend
    )
    tooltip = [alt.Tooltip("cell:N", title="runs"), alt.Tooltip("runs:Q", title="seeds"), *_values(title)]
    rows, cols = data["row"].nunique(), data["lr_text"].nunique()
    show = rows * cols <= 4 * MAX_VALUE_CELLS
    longest = int(data["label"].str.len().max()) if len(data) else 1
    cell = (max(CELL[0], math.ceil(FONT * CHAR_WIDTH * longest) + 6), CELL[1])  # "1/3 · 1/3" at full size
    return _grid(data, x, y, color, (rows, cols), show, tooltip, WIDTH, title, selection, cell)
