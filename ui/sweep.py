"""The Sweep tab: lists of starts, learning rates, optimizers and seeds, trained together."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lab import charts, frames
from lab.text import plain
from mlp import Config, ConfigError
from mlp.config import MAX_SWEEP_RUNS, SweepSpec
from mlp.optimizers import OPTIMIZERS
from mlp.training import SweepResult, sweep
from ui import state
from ui.cache import gate, shared
from ui.chart import chart_spec, show
from ui.kept import ALREADY, KEPT, keep
from ui.runs import BUFFERS
from ui.sidebar import SETTINGS, apply_config

MAX_LISTED = 16  # runs of a clicked cell listed (a cell holds one run per seed)
STATE = 8  # copies of the stacked weights a sweep holds: weights, gradients, optimizer state, best so far ...


def sweep_bytes(spec: SweepSpec) -> int:
    """Memory a sweep of ``spec`` holds at its peak: its stacked weights and its stacked buffers."""
    base, runs = spec.base, spec.n_runs
    n_obs = base.dataset.X.shape[0]
    return 8 * runs * (STATE * base.n_params + BUFFERS * n_obs * sum(base.layers))


@shared
def swept(spec: SweepSpec) -> SweepResult:
    """Every run of ``spec``, trained together; identical sweeps come from the shared cache."""
    with gate().hold(sweep_bytes(spec)):
        return sweep(spec)


def _form(base: Config) -> SweepSpec | None:
    """The lists to sweep (the sidebar's run gives everything else); None until submitted."""
    with st.form("sweep_form"):
        st.markdown(
            f"Every combination is trained on the network and data of {SETTINGS}, all together "
            f"(at most {MAX_SWEEP_RUNS} runs)."
        )
        left, right = st.columns(2)
        inits = left.text_input("Starts: init and scale, separated by ';'", key=state.SWEEP_INITS)
        lrs = right.text_input("Learning rates", key=state.SWEEP_LRS)
        optimizers = left.multiselect("Optimizers", list(OPTIMIZERS), key=state.SWEEP_OPTIMIZERS)
        seeds = right.text_input("Seeds", key=state.SWEEP_SEEDS)
        threshold = left.number_input("Cost threshold", 0.0, format="%g", key=state.SWEEP_THRESHOLD)
        if not st.form_submit_button("Run sweep", type="primary"):
            return st.session_state[state.SWEEP_SPEC]
    values = {"inits": inits, "lrs": lrs, "optimizers": ",".join(optimizers), "seeds": seeds, "threshold": threshold}
    try:
        spec = SweepSpec.from_mapping(base.to_mapping() | values)
    except ConfigError as error:
        st.error(plain(str(error)))
        return None
    st.session_state[state.SWEEP_SPEC] = spec
    return spec


@shared
def _runs(spec: SweepSpec) -> pd.DataFrame:
    """One row per run of the sweep (frames.sweep_frame)."""
    return frames.sweep_frame(swept(spec).frame_records())


@chart_spec
def _heatmap(spec: SweepSpec, value: str, title: str, log_scale: bool, label: str | None = None) -> alt.LayerChart:
    cells = frames.sweep_cells(_runs(spec), spec.base.layers[1:-1])
    return charts.sweep_heatmap(cells, value, title, log_scale=log_scale, label=label)


def _open(config: Config, cell: str, seed: int) -> None:
    """Put a sweep's run in the sidebar, keep it for Compare, open Results and say so (a button's callback)."""
    said = keep(config)
    apply_config(config)
    st.session_state[state.TAB] = "Results"
    known = {KEPT: "kept for the Compare tab", ALREADY: "kept already"}
    kept = known.get(said, "kept for the Compare tab; the oldest kept run was dropped")
    st.session_state[state.SET_UP_NOTE] = (
        f"Opened from the sweep: {cell}, seed {seed} ({kept}). {SETTINGS[:1].upper() + SETTINGS[1:]} hold it; "
        "trained again here, it is the sweep's run to the last bit"
        + (", its products summed in order as the sweep sums them." if config.products == "in_order" else ".")
    )


def sweep_tab(base: Config) -> None:
    """Sweep form, heatmaps over the grid, and the runs of a clicked cell, each one click from opening."""
    spec = _form(base)
    if spec is None:
        st.info("Choose the lists and press 'Run sweep'.")
        return
    with st.spinner("Training the sweep ..."):  # drawn on hits too: the elements below keep their places
        result = swept(spec)
    runs = _runs(spec)
    diverged = int((runs["status"] == "diverged").sum())
    summed = " Products summed term by term, in order, as a run opened from here is: the sweep's run to the last bit."
    st.markdown(
        f"{len(runs)} runs of {result.configs[0].iterations:,} iterations in {result.seconds:.2f} s"
        + (f"; {diverged} diverged." if diverged else ".")
        + (summed if spec.base.products == "in_order" else "")
        + " Click a cell to list its runs."
    )
    loss_map = _heatmap(spec, "final_loss", "Final cost (median over seeds)", True)
    event = show(loss_map, width="content", key="sweep_loss_map", on_select="rerun")
    left, right = st.columns(2)
    with left:
        title = "Distinct hidden neurons per layer (fewest over seeds)"
        show(_heatmap(spec, "distinct", title, False, "distinct_text"), width="content")
    with right:
        title = f"Iterations to reach cost {spec.threshold:g} (median)"
        show(_heatmap(spec, "iterations", title, False), width="content")
    clicked = event.get("selection", {}).get(charts.SWEEP_SELECTION, []) if event else []
    chosen = [p.get("cell") for p in clicked]
    shown = runs[runs["cell"].isin(chosen)] if chosen else runs.nsmallest(8, "final_loss")
    st.subheader("Runs of the selected cell" if chosen else "The 8 runs with the lowest final cost")
    _run_list(shown, result)


def _run_list(shown: pd.DataFrame, result: SweepResult) -> None:
    if len(shown) > MAX_LISTED:
        st.caption(f"The {MAX_LISTED} with the lowest final cost of its {len(shown)} runs.")
        shown = shown.nsmallest(MAX_LISTED, "final_loss")
    for _, row in shown.iterrows():
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(
            f"{plain(row['cell'])} · seed {row['seed']}: final cost **{row['final_loss']:.4g}**, {row['status']}"
        )
        args = (result.configs[row["run"]], row["cell"], int(row["seed"]))
        button.button("Open", key=f"sweep_open_{row['run']}", on_click=_open, args=args, help="Open it on Results")
