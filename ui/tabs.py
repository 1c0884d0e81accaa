"""The run's tabs: Results, Weights, Symmetry and Backprop maths, one small function each.

Drawing is bounded whatever the network: heatmaps share a budget of cells per tab (thinned to evenly
spaced rows and columns past it), tables show at most a corner of their matrix, and what is costly to
compute (charts, the trace, the gradient check) is computed once per configuration and snapshot, in the
shared cache. Every figure thinned or summarised says so on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab import charts, frames, neurons, scrub
from lab.diagnosis import diagnose, products_sentence, rerun_sentence, status_sentence
from lab.text import markdown_table, notation
from mlp import Config, Finding, Run, chaotic, clone_groups
from mlp.findings import moved_start
from mlp.gradcheck import gradient_check
from ui import state
from ui.cache import shared
from ui.chart import chart_spec, show
from ui.runs import findings_of, trained

WEIGHT_CELLS = 24_000  # heatmap cells on the Weights tab (and on the Compare tab), shared by its matrices
MAX_MATRICES = 10  # W^l drawn at once (with their gradients); deeper networks show them ten at a time
MAX_TRACED_MATRICES = 3  # W^l whose passes the maths tab writes out at once (up to 5 tables each way per W^l)
MAX_SIDE = 64  # rows or columns of one heatmap at most: W^l of a 256-wide layer shows every 4th
MIN_SIDE = 8  # ... and at least, however many matrices share the cells
ACTIVATION_CELLS = 12_000  # cells of the hidden activations chart (50 observations x neurons x layers)
MAX_POINTS = 1_000  # data points drawn over the output surface
# The surface is one forward pass of a grid (50 x 50 points at most): points x weights multiply-adds, at
# most this many (30 layers of 256: 1.9 million weights took 3 s for 2,500 points; 15 x 15 here).
SURFACE_WORK = 5e8
MAX_TABLE_ROWS = 100  # rows of the outputs table
STATIC_TABLE_ROWS = 12  # up to this many rows the outputs are a Markdown table, past it a data grid
MAX_TRACE_ROWS, MAX_TRACE_COLUMNS = 20, 12  # corner of each matrix of the Backprop maths tab
# The gradient check runs 2 forward passes per weight: 2 x weights x (weights x observations + a per-layer
# overhead) multiply-adds. Measured here at 0.7 to 10 ns each (the passes run as the runs of one stacked
# network, in chunks: mlp/gradcheck.py), so this many take at most ~2 s; 2-30-1 on 5,000 points (1.5e8) 0.5 s.
GRADIENT_CHECK_WORK = 2e8
LAYER_OVERHEAD = 2_000


def _snapshot_slider(run: Run, key: str, default_last: bool = True) -> int:
    """A slider over the kept iterations; returns the snapshot index."""
    iterations = [int(k) for k in run.snapshot_iterations]
    if len(iterations) == 1:
        st.caption(f"Iteration {iterations[0]} (the only snapshot)")
        return 0
    state.choice(key, iterations, iterations[-1] if default_last else iterations[0])
    chosen = st.select_slider("Iteration", options=iterations, key=key)
    return iterations.index(chosen)


# Results


@chart_spec
def _outputs_chart(config: Config) -> alt.LayerChart:
    return charts.outputs_chart(frames.outputs_frame({"run": trained(config)}))


@chart_spec
def _loss_chart(config: Config, log_scale: bool) -> alt.Chart:
    return charts.loss_chart(frames.loss_frame({"run": trained(config)}), log_scale)


def surface_resolution(config: Config) -> int:
    """Grid points along each input of the output surface: 50, fewer for networks of many weights."""
    return max(10, min(50, math.isqrt(int(SURFACE_WORK // config.n_params))))


@chart_spec
def _surface_chart(config: Config) -> alt.LayerChart:
    run = trained(config)
    surface = frames.surface_frame(run, resolution=surface_resolution(config))
    return charts.surface_chart(surface, frames.points_frame(run, MAX_POINTS), observations=len(run.inputs))


@shared
def _outputs_table(config: Config) -> tuple[pd.DataFrame, int]:
    """The first MAX_TABLE_ROWS rows of the outputs against the targets, and how many rows there are."""
    run = trained(config)
    names = {"observation": "obs", "initial": "aᴸ at 0", "output": f"aᴸ at {run.iterations_run:,}", "target": "y"}
    dropped = ["run", "initial"] if run.iterations_run == 0 else ["run"]  # one column when nothing ran
    dropped += ["neuron"] if run.outputs.shape[1] == 1 else []  # one output: its index says nothing
    table = frames.outputs_frame({"run": run}).drop(columns=dropped).rename(columns=names)
    return table.head(MAX_TABLE_ROWS), len(table)


def results(run: Run) -> None:
    """Outputs against targets, the loss curve and, for 2-D inputs, the output over the input plane."""
    st.markdown(status_sentence(run))
    _products(run)
    c = run.config
    left, right = st.columns(2)
    with left:
        show(_outputs_chart(c))
    with right:
        table, rows = _outputs_table(c)
        _show_outputs_table(table)
        if rows > len(table):
            st.caption(f"The first {len(table)} of {rows:,} rows; 'Download', 'Outputs CSV' above holds them all.")
    # Only the open view runs: the surface (2,500 cells) cost a new visitor's first load about 1.5 s of
    # the browser's time, more than the rest of the tab (python -m benchmarks.dashboard).
    views = ["Cost over the iterations", *(["Output over the input plane"] if run.inputs.shape[1] == 2 else [])]
    cost, *plane = st.tabs(views, key=state.RESULTS_VIEW, on_change="rerun")
    if cost.open:
        with cost:
            log_scale = st.toggle("Log scale", key=state.LOSS_LOG)
            show(_loss_chart(c, log_scale))
    if plane and plane[0].open:
        with plane[0]:
            show(_surface_chart(c))


def _show_outputs_table(table: pd.DataFrame) -> None:
    """A few rows as a static table; more in the data grid, which scrolls and sorts. Numbers to 4 significant digits."""
    if len(table) <= STATIC_TABLE_ROWS:
        # The data grid's scripts (1.4 MB) cost a new visitor's first load 0.15-0.3 s (python -m
        # benchmarks.dashboard --against), and the question's 4 rows need none of it. A Markdown table, not
        # st.table: that loads 0.75 MB of those scripts, draws each cell as a Markdown element of its own,
        # and its number format (a pandas Styler) took a third of the new visitor's script on the server.
        st.markdown(markdown_table(table))
        return
    # Narrow columns: the grid fits a phone's 390 px (356 px inside), and the outputs' columns get the room
    # their headers need ("aᴸ at 100,000").
    widths = {"obs": 40, "neuron": 56, "y": 44, "error": 62}
    other = (356 - sum(widths.get(name, 0) for name in table)) // sum(name not in widths for name in table)
    narrow = {name: st.column_config.NumberColumn(width=widths.get(name, other), format="%.4g") for name in table}
    st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(table)), column_config=narrow)


def _products(run: Run) -> None:
    """For a run summed in order (as a sweep sums it): why the run summed by BLAS may differ, and on demand how far."""
    sentence = products_sentence(run)
    if sentence is None:
        return
    st.caption(sentence)
    if st.toggle("Train it again summed by BLAS", key=state.BLAS_RERUN, help="Costs a second training."):
        st.caption(rerun_sentence(run, trained(run.config.replace(products="blas"))))


# Weights


def heatmap_side(matrices: int) -> int:
    """Rows and columns each of ``matrices`` heatmaps may show so that together they hold WEIGHT_CELLS at most."""
    return max(MIN_SIDE, min(MAX_SIDE, math.isqrt(WEIGHT_CELLS // max(matrices, 1))))


@chart_spec
def _matrix_chart(config: Config, snapshot: int, layer: int, gradient: bool, side: int) -> alt.LayerChart:
    run = trained(config)
    M = (run.gradients if gradient else run.weights)[snapshot][layer]
    title = frames.unicode(f"dC/dW^{layer}" if gradient else f"W^{layer}")
    return charts.heatmap(frames.matrix_frame(M, layer, side), title, shape=M.shape)


@chart_spec
def _activations_chart(config: Config, snapshot: int) -> alt.HConcatChart | alt.Chart:
    run = trained(config)
    hidden = config.layers[1:-1]
    shown = min(len(run.inputs), frames.MAX_OBSERVATIONS)
    neurons = max(2, ACTIVATION_CELLS // max(1, shown * len(hidden)))
    domain = (0.0, 1.0) if config.activation == "sigmoid" else None
    df = frames.activations_frame(run, snapshot, neurons)
    widths = {l + 1: width for l, width in enumerate(hidden)}
    return charts.activations_chart(df, domain, widths=widths, observations=len(run.inputs))


def matrices_shown(count: int, at_once: int, key: str) -> range:
    """The W^l to draw: all ``count`` of them, or the group of ``at_once`` the learner picks (widget ``key``)."""
    groups = [range(i, min(i + at_once, count)) for i in range(0, count, at_once)]
    if len(groups) == 1:
        return groups[0]
    labels = [frames.unicode(f"W^{g[0]} to W^{g[-1]}" if len(g) > 1 else f"W^{g[0]}") for g in groups]
    state.choice(key, labels, labels[0])
    chosen = st.radio(f"Matrices ({at_once} at a time)", labels, horizontal=True, key=key)
    return groups[labels.index(chosen)]


def frame_cells(config: Config, shown: range) -> int:
    """Cells one snapshot of the Weights tab draws: W^l and dC/dW^l for l in ``shown``, the hidden activations."""
    n, n_obs = config.layers, config.dataset.X.shape[0]
    return 2 * sum((1 + n[l]) * n[l + 1] for l in shown) + min(n_obs, frames.MAX_OBSERVATIONS) * sum(n[1:-1])


def server_scrub_reason(config: Config, shown: range, side: int) -> str | None:
    """Why the Weights tab moves through the iterations on the server, in words ("" when there is only one
    snapshot); None when it draws every kept snapshot in the browser."""
    n, n_obs = config.layers, config.dataset.X.shape[0]
    if min(config.snapshots, config.iterations + 1) < 2:
        return ""
    if any(max(1 + n[l], n[l + 1]) > side for l in shown) or n_obs > frames.MAX_OBSERVATIONS:
        return (
            "These heatmaps show part of a large matrix or of a large data set: the slider asks the server for "
            "each iteration."
        )
    heatmaps = 2 * len(shown) + len(n[1:-1])  # W^l and dC/dW^l, one activation heatmap per hidden layer
    reason = scrub.too_large(heatmaps, frame_cells(config, shown))
    return None if reason is None else f"{reason}: the slider asks the server for each iteration."


def _kept(config: Config, shown: range) -> np.ndarray:
    """The snapshots the scrubbed chart holds (scrub.kept_frames)."""
    return scrub.kept_frames(len(trained(config).snapshot_iterations), frame_cells(config, shown))


@chart_spec
def _scrub_chart(config: Config, shown: range) -> dict:
    """W^l, dC/dW^l and the hidden activations at every kept snapshot, one range input for all."""
    run, kept = trained(config), _kept(config, shown)
    matrices = [
        (title, scrub.over_time(frames.matrix_frame(M[0][l], l), [M[s][l].ravel() for s in kept]))
        for l in shown
        for title, M in ((f"W^{l}", run.weights), (f"dC/dW^{l}", run.gradients))
    ]
    hidden = scrub.activation_matrices(run, kept) if config.layers[1:-1] else []
    domain = (0.0, 1.0) if config.activation == "sigmoid" else None
    iterations = [int(run.snapshot_iterations[s]) for s in kept]
    return scrub.scrub_heatmaps(matrices, iterations, activations=hidden, activation_domain=domain)


def weights(run: Run) -> None:
    """Every W^l and its gradient at one iteration, then the hidden activations; scrubbed in the browser
    when the network is small enough, else at the iteration of a slider on the server."""
    c = run.config
    shown = matrices_shown(len(run.weights[0]), MAX_MATRICES, state.WEIGHTS_MATRICES)
    side = heatmap_side(2 * len(shown))
    st.caption(
        "Row 0 of $W^l$ is the bias $b^l$; row $i+1$ holds the weights from neuron $i$ of layer $l$; "
        "column $j$ goes to neuron $j$ of layer $l+1$. Orange is positive, blue negative."
    )
    reason = server_scrub_reason(c, shown, side)
    if reason is None:
        show(scrub.playable(_scrub_chart(c, shown)), width="content")
        st.caption(
            scrub.holding_sentence(len(_kept(c, shown)), len(run.snapshot_iterations))
            + " Move the snapshot slider under the chart, or tick play."
        )
        return
    if reason:
        st.caption(reason)
    s = _snapshot_slider(run, state.WEIGHTS_ITERATION)
    for l in shown:
        left, right = st.columns(2)
        with left:
            show(_matrix_chart(c, s, l, False, side), width="content")
        with right:
            show(_matrix_chart(c, s, l, True, side), width="content")
    if c.layers[1:-1]:
        st.subheader("Hidden activations per observation")
        show(_activations_chart(c, s), width="content")


# Symmetry


@chart_spec
def _symmetry_chart(config: Config) -> alt.VConcatChart | alt.Chart:
    return charts.symmetry_chart(frames.symmetry_frame({"run": trained(config)}))


def symmetry(run: Run) -> None:
    """Distinct neurons and the symmetry gap over the iterations, and the diagnosis in words."""
    hidden = run.config.layers[1:-1]
    if not any(width > 1 for width in hidden):  # a layer of one neuron has no pair of neurons to compare
        st.info(
            "This network has no hidden layer of two neurons or more: no pair of neurons to compare."
            if hidden
            else "This network has no hidden layer: no hidden neurons to compare."
        )
    for sentence in diagnose(findings_of(run)):
        st.markdown(f"- {notation(sentence)}")
    if any(width > 1 for width in hidden):
        show(_symmetry_chart(run.config), width="content")
    _chaos(run)


@shared
def _chaotic(config: Config) -> Finding | None:
    return chaotic(config, trained(config))


def _chaos(run: Run) -> None:
    """On demand, as it trains the run again: does a start 1e-12 apart end elsewhere?"""
    moved = moved_start(run.config)
    if moved is None or run.status != "finished":
        return
    st.subheader("Chaos")
    if not st.toggle(
        "Train it again from a start moved by 1e-12 of every weight",
        key=state.CHAOS,
        help="Costs a second training. Where two starts that close end far apart, training is chaotic.",
    ):
        return
    finding = _chaotic(run.config)
    if finding is not None:
        st.warning(finding.sentence, icon=":material/cyclone:")
    else:
        other = trained(moved).final_loss
        st.success(
            f"Not chaotic: the moved start ends at cost {other:.6g} against {run.final_loss:.6g}, within 1% "
            "(a difference the size of rounding stays small here).",
            icon=":material/check:",
        )


# Backprop maths


@dataclass(frozen=True)
class TraceTable:
    """One matrix of the trace as the page shows it: its LaTeX name, its whole shape and its top left corner."""

    phase: str
    matrix: int  # the l of the W^l whose step it is
    latex: str
    shape: tuple[int, int]
    corner: pd.DataFrame


@shared
def _trace_tables(config: Config, snapshot: int) -> list[TraceTable]:
    """Every matrix of one pass at ``snapshot``, each cut to its corner (the whole trace is not kept)."""
    steps = frames.trace_steps(trained(config), snapshot)
    return [
        TraceTable(
            step.phase,
            step.matrix,
            step.latex,
            step.value.shape,
            frames.step_table(step, MAX_TRACE_ROWS, MAX_TRACE_COLUMNS),
        )
        for step in steps
    ]


def corner_note(shape: tuple[int, int], shown: tuple[int, int]) -> str | None:
    """``2,000 x 257: the first 20 rows and 12 columns`` when ``shown`` is less than ``shape``; else None."""
    cut = [f"{k} {name}" for k, n, name in zip(shown, shape, ("rows", "columns")) if k < n]
    return f"{shape[0]:,} x {shape[1]:,}: the first {' and '.join(cut)}" if cut else None


def check_work(config: Config) -> float:
    """Multiply-adds of the gradient check of ``config`` (see GRADIENT_CHECK_WORK)."""
    n_obs, L = config.dataset.X.shape[0], len(config.layers) - 1
    return 2 * config.n_params * (config.n_params * n_obs + LAYER_OVERHEAD * L)


@shared
def _gradient_check_error(config: Config, snapshot: int) -> float:
    run = trained(config)
    return gradient_check(config.architecture, run.weights[snapshot], run.inputs, run.targets).max_relative_error


UPDATE_CELLS = 400  # W^l drawn three times in the update (weights, step, new): at most this many cells each


@shared
def _update_of(config: Config, snapshot: int, layers: tuple[int, ...]) -> neurons.Update:
    run = trained(config)
    return neurons.update_frames(run, snapshot, clone_groups(run.weights[snapshot]), layers)


@chart_spec
def _update_chart(config: Config, snapshot: int, layers: tuple[int, ...], layer: int) -> alt.HConcatChart:
    return neurons.update_chart(_update_of(config, snapshot, layers), layer)


def _update(run: Run, snapshot: int, shown: range) -> None:
    """The step from these weights to the next: W^l, the step and the new W^l of each ``l`` in ``shown``,
    each clone group's columns marked."""
    st.subheader("The update")
    drawn = tuple(l for l in shown if run.weights[snapshot][l].size <= UPDATE_CELLS)
    update = _update_of(run.config, snapshot, drawn)
    st.markdown(update.rule)
    for l in shown:
        if l in drawn:
            show(_update_chart(run.config, snapshot, drawn, l), width="content")
        else:
            size = run.weights[snapshot][l].size
            st.caption(f"$W^{l}$ has {size:,} weights: too many to draw three times here; the Weights tab shows it.")


def maths(run: Run) -> None:
    """One iteration written out as in the question, matrix by matrix, and the gradient check."""
    s = _snapshot_slider(run, state.MATHS_ITERATION, default_last=False)
    iteration = int(run.snapshot_iterations[s])
    st.markdown(
        f"Iteration **{iteration:,}**. Forward: $n^{{l+1}} = [\\,1 \\mid a^l\\,]\\, W^l$, $a^{{l+1}} = f(n^{{l+1}})$. "
        "Backward: $\\delta^{l+1} = \\frac{\\partial C}{\\partial a^{l+1}} \\odot f'(n^{l+1})$, "
        "$\\frac{\\partial C}{\\partial W^l} = [\\,1 \\mid a^l\\,]^\\top \\delta^{l+1}$, "
        "$\\frac{\\partial C}{\\partial a^l} = \\delta^{l+1} (W^l_{1:})^\\top$."
    )
    shown = matrices_shown(len(run.weights[s]), MAX_TRACED_MATRICES, state.MATHS_MATRICES)
    tables = [t for t in _trace_tables(run.config, s) if t.matrix in shown]
    for phase in ("forward", "backward"):
        st.subheader("Forward pass" if phase == "forward" else "Backward pass")
        for t in (x for x in tables if x.phase == phase):
            name, cell = st.columns([2, 3], vertical_alignment="center")
            name.latex(t.latex)
            numbers = {c: st.column_config.NumberColumn(format="%.7f") for c in t.corner.columns}
            cell.dataframe(t.corner, column_config=numbers, width="content")
            note = corner_note(t.shape, t.corner.shape)
            if note:
                cell.caption(note)
    _update(run, s, shown)
    st.subheader("Gradient check")
    work = check_work(run.config)
    if work > GRADIENT_CHECK_WORK:
        st.info(
            f"Skipped: the check runs two passes over all {len(run.inputs):,} observations for each of the "
            f"{run.config.n_params:,} weights, {work:.2g} multiply-adds (at most {GRADIENT_CHECK_WORK:.0e})."
        )
        return
    error = _gradient_check_error(run.config, s)
    verdict = "agree" if error < 1e-5 else "DISAGREE" if np.isfinite(error) else "cannot be compared (non-finite)"
    st.markdown(
        f"Central finite differences and backprop's gradients {verdict}: the largest relative error over all "
        f"{run.config.n_params:,} weights is **{error:.2e}**."
    )
