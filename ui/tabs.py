"""The main area: a header with the run's status, then one small function per tab."""

from __future__ import annotations

import altair as alt
import numpy as np
import streamlit as st

from lab import charts, frames
from lab.diagnosis import diagnose, headline, status_sentence
from mlp import Run
from mlp.gradcheck import gradient_check
from ui.chart import show
from ui.runs import findings_of

GRADIENT_CHECK_MAX_WEIGHTS = 2_000  # two forward passes per weight; larger networks are skipped


def header(run: Run) -> None:
    """Status in words and the headline figures."""
    if run.status == "diverged":
        st.error(status_sentence(run), icon="⚠️")
    lesson = headline(run, findings_of(run))
    if lesson:
        st.info(lesson, icon=":material/content_copy:")
    c = run.config
    cols = st.columns(4)
    after = f"{c.loss} after {run.iterations_run:,} iterations"
    cols[0].metric("Final cost", _shown(run.final_loss, ".4g"), help=after)
    cols[1].metric("First output", _shown(run.outputs[0, 0], ".4f"), help="a^L_0 of observation 0")
    widths = c.layers[1:-1]
    distinct = run.distinct_neurons[-1]
    shown = " · ".join(f"{d}/{w}" for d, w in zip(distinct, widths)) or "no hidden layer"
    cols[2].metric("Distinct hidden neurons", shown, help="per hidden layer, at the last iteration")
    cols[3].metric("Training time", f"{run.seconds:.2f} s")


def _shown(value: float, spec: str) -> str:
    """A figure for a metric: ``spec`` while readable, 3 significant digits when huge, words when not finite."""
    if not np.isfinite(value):
        return "not finite (diverged)"
    return format(value, spec) if abs(value) < 1e4 else f"{value:.3g}"


def _snapshot_slider(run: Run, key: str, default_last: bool = True) -> int:
    """A slider over the kept iterations; returns the snapshot index."""
    iterations = [int(k) for k in run.snapshot_iterations]
    if st.session_state.get(key) not in iterations:
        st.session_state[key] = iterations[-1] if default_last else iterations[0]
    if len(iterations) == 1:
        st.caption(f"Iteration {iterations[0]} (the only snapshot)")
        return 0
    chosen = st.select_slider("Iteration", options=iterations, key=key)
    return iterations.index(chosen)


def results(run: Run) -> None:
    """Outputs against targets, the loss curve and, for 2-D inputs, the output over the input plane."""
    st.markdown(status_sentence(run))
    c = run.config
    outputs = frames.outputs_frame({"run": run})
    left, right = st.columns(2)
    with left:
        show(("outputs", c), charts.outputs_chart, outputs)
    with right:
        names = {"initial": "a^L at 0", "output": f"a^L at {run.iterations_run:,}", "target": "target y"}
        dropped = ["run", "initial"] if run.iterations_run == 0 else ["run"]  # one column when nothing ran
        table = outputs.drop(columns=dropped).rename(columns=names)
        st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(table)))
    log_scale = st.toggle("Log scale", value=True, key="loss_log")
    show(("loss", c, log_scale), lambda: charts.loss_chart(frames.loss_frame({"run": run}), log_scale))
    if run.inputs.shape[1] == 2:
        st.subheader("Output over the input plane")
        show(("surface", c), lambda: charts.surface_chart(frames.surface_frame(run), frames.points_frame(run)))


def weights(run: Run) -> None:
    """Every W^l and its gradient at one iteration, then the hidden activations."""
    s = _snapshot_slider(run, "weights_iteration")
    st.caption(
        "Row 0 of W^l is the bias b^l; row i+1 holds the weights from neuron i of layer l; "
        "column j goes to neuron j of layer l+1. Orange is positive, blue negative."
    )
    c = run.config
    for l, (W, G) in enumerate(zip(run.weights[s], run.gradients[s])):
        left, right = st.columns(2)
        with left:
            show(("W", c, s, l), _matrix_chart, W, l, f"W^{l}", width="content")
        with right:
            show(("dW", c, s, l), _matrix_chart, G, l, f"dC/dW^{l}", width="content")
    if c.layers[1:-1]:
        st.subheader("Hidden activations per observation")
        domain = (0.0, 1.0) if c.activation == "sigmoid" else None
        show(("activations", c, s), _activations_chart, run, s, domain, width="content")


def _matrix_chart(M: np.ndarray, l: int, title: str) -> alt.LayerChart:
    return charts.heatmap(frames.matrix_frame(M, l), title)


def _activations_chart(run: Run, s: int, domain: tuple[float, float] | None) -> alt.HConcatChart | alt.Chart:
    return charts.activations_chart(frames.activations_frame(run, s), domain)


def symmetry(run: Run) -> None:
    """Distinct neurons and the symmetry gap over the iterations, and the diagnosis in words."""
    for sentence in diagnose(findings_of(run)):
        st.markdown(f"- {sentence}")
    c = run.config
    if c.layers[1:-1]:
        show(("symmetry", c), lambda: charts.symmetry_chart(frames.symmetry_frame({"run": run})), width="content")


@st.cache_data(max_entries=32, show_spinner=False)
def _gradient_check(_run: Run, key: tuple, snapshot: int) -> float:
    check = gradient_check(_run.config.architecture, _run.weights[snapshot], _run.inputs, _run.targets)
    return check.max_relative_error


def maths(run: Run) -> None:
    """One iteration written out as in the question, matrix by matrix, and the gradient check."""
    s = _snapshot_slider(run, "maths_iteration", default_last=False)
    iteration = int(run.snapshot_iterations[s])
    st.markdown(
        f"Iteration **{iteration:,}**: forward `n^(l+1) = [1 | a^l] W^l`, `a^(l+1) = f(n^(l+1))`; backward "
        "`delta = dC/da * f'(n)`, `dC/dW^l = [1 | a^l]^T delta`, `dC/da^l = delta W^l[1:]^T`."
    )
    steps = frames.trace_steps(run, s)
    for phase in ("forward", "backward"):
        st.subheader("Forward pass" if phase == "forward" else "Backward pass")
        for step in (x for x in steps if x.phase == phase):
            name, table = st.columns([2, 3], vertical_alignment="center")
            name.latex(step.latex)
            table.dataframe(frames.step_table(step).style.format("{:.7f}"), width="content")
    st.subheader("Gradient check")
    if run.config.n_params > GRADIENT_CHECK_MAX_WEIGHTS:
        st.info(
            f"Skipped: the check needs two forward passes per weight, and this network has "
            f"{run.config.n_params:,} (at most {GRADIENT_CHECK_MAX_WEIGHTS:,})."
        )
        return
    error = _gradient_check(run, (run.config, s), s)
    verdict = "agree" if error < 1e-5 else "DISAGREE" if np.isfinite(error) else "cannot be compared (non-finite)"
    st.markdown(
        f"Central finite differences and backprop's gradients {verdict}: the largest relative error over all "
        f"{run.config.n_params:,} weights is **{error:.2e}**."
    )
