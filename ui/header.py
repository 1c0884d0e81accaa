"""Above the tabs: the run's status and headline figures, then the row of buttons that keep and download it."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import streamlit as st

from lab import frames
from lab.diagnosis import headline, status_sentence
from lab.lesson import EXPERIMENTS
from mlp import Config, Run
from mlp.export import run_to_dict
from mlp.findings import accuracy
from ui import state
from ui.kept import MAX_KEPT, keep, set_up_lesson
from ui.lesson import set_up_buttons
from ui.runs import findings_of, trained

MAX_JSON_SNAPSHOT_VALUES = 1_000_000  # weights and gradients written into the JSON download (~20 MB of text)


def status(run: Run) -> None:
    """Status in words and the headline figures."""
    if run.status == "diverged":
        st.error(status_sentence(run), icon="⚠️")
    note = st.session_state.pop(state.SET_UP_NOTE, None)
    if note:
        st.success(note, icon=":material/check:")
    found = findings_of(run)
    lesson = headline(run, found)
    if lesson:
        st.info(lesson, icon=":material/lightbulb:")
        if {f.code for f in found} & {"clones", "near_clones"}:
            st.caption("Two experiments tell capacity from speed, one click each:")
            set_up_buttons(EXPERIMENTS, "Results", "experiment")
    metrics(run)


# The label of the output metric: observation 0's, after training. The first screen writes its notation in
# Unicode, as the charts do: LaTeX there loads KaTeX (a 265 KB script and its fonts) into every new visitor's
# first load, which measured 1.37-1.48x the yardstick with it and 1.20-1.26x without, in three alternating
# pairs of `python -m benchmarks.dashboard --loads-only --root` runs. The other tabs render it as maths.
OUTPUT = "Final output aᴸ₀ (obs. 0)"
ACCURACY = "Right side of 0.5"  # the label of the accuracy metric (classification data only)


def metrics(run: Run) -> None:
    """The headline figures in one row that wraps on a narrow screen: cost, accuracy, an output, clones, time."""
    c = run.config
    after = f"after {run.iterations_run:,} iterations"
    right = accuracy(run)
    with st.container(horizontal=True, gap="small"):
        st.metric("Final cost", _shown(run.final_loss, ".4g"), help=f"{c.loss} {after}", width="content")
        if right is not None:
            st.metric(
                ACCURACY,
                f"{right:.1%}",
                width="content",
                help=f"Accuracy: the share of observations whose every output is on its target's side of 0.5, {after}",
            )
        first = f"Output neuron 0 of observation 0, {after}; the table has them all"
        st.metric(OUTPUT, _shown(run.outputs[0, 0], ".4f"), help=first, width="content")
        shown = frames.distinct_text(run.distinct_neurons[-1], c.layers[1:-1])
        st.metric("Distinct hidden neurons", shown, help="Per hidden layer, at the last iteration", width="content")
        st.metric("Training time", f"{run.seconds:.2f} s", width="content")


def _shown(value: float, spec: str) -> str:
    """A figure for a metric: ``spec`` while readable, 3 significant digits when huge, words when not finite."""
    if not np.isfinite(value):
        return "not finite (diverged)"
    return format(value, spec) if abs(value) < 1e4 else f"{value:.3g}"


def _keep(config: Config) -> None:
    """Keep ``config`` for Compare and say so above the tabs (a button's callback)."""
    said = keep(config)
    st.session_state[state.SET_UP_NOTE] = f"{said} The Compare tab compares it with the current run and the others."


def buttons(config: Config) -> None:
    """Keep, set up the lesson, and the downloads in one popover: one row of buttons, two on a phone."""
    row = st.container(horizontal=True, vertical_alignment="center")
    row.button(
        "Keep this run",
        icon=":material/bookmark_add:",
        on_click=_keep,
        args=(config,),
        help=f"Keep it for the Compare tab (at most {MAX_KEPT})",
    )
    row.button(
        "Set up the question's lesson",
        icon=":material/school:",
        on_click=set_up_lesson,
        help="Keep the question's run (every weight 1) and the same network from a random start; compare them",
    )
    with row.popover("Download", icon=":material/download:"):
        downloads(config)


def downloads(config: Config) -> None:
    """The run as JSON, its loss history and its outputs as CSV."""
    # The files are built only when a button is pressed (callables), from the configuration: the session
    # holds no copy of the run, which comes back from the shared cache.
    snapshots = _snapshot_values(config) <= MAX_JSON_SNAPSHOT_VALUES
    what = "snapshots" if snapshots else f"no snapshots (more than {MAX_JSON_SNAPSHOT_VALUES:,} values)"
    st.download_button(
        "Run as JSON",
        partial(_run_json, config, snapshots),
        "backprop-lab-run.json",
        "application/json",
        help=f"Configuration, loss history, {what} and outputs; `python -m mlp --config run.json` reruns it",
    )
    st.download_button("Loss history CSV", partial(_history_csv, config), "loss-history.csv", "text/csv")
    st.download_button("Outputs CSV", partial(_outputs_csv, config), "outputs.csv", "text/csv")


def _snapshot_values(config: Config) -> int:
    """Weights and gradients of every snapshot of ``config``'s run."""
    return 2 * min(config.snapshots, config.iterations + 1) * config.n_params


def _run_json(config: Config, snapshots: bool) -> str:
    return json.dumps(run_to_dict(trained(config), snapshots=snapshots))


def _history_csv(config: Config) -> str:
    run = trained(config)
    return frames.loss_frame({"run": run}, max_points=run.iterations_run + 1).drop(columns="run").to_csv(index=False)


def _outputs_csv(config: Config) -> str:
    return frames.outputs_frame({"run": trained(config)}).drop(columns="run").to_csv(index=False)
