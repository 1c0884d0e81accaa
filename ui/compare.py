"""The Compare tab: manage the kept runs, add one from a JSON file, and compare two to four side by side."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab import charts, frames, scrub
from lab.text import plain
from mlp import Config, ConfigError, Run
from ui import state
from ui.chart import chart_spec, show
from ui.kept import CURRENT, MAX_KEPT, config_of, keep, kept, names, remove, rename
from ui.kept import colours as run_colours
from ui.runs import trained, trained_on_page
from ui.sidebar import MAX_UPLOAD_BYTES
from ui.tabs import heatmap_side, matrices_shown
from ui.uploads import config_from_upload

MAX_COMPARED = 4
COMPARE_WIDTH = 900  # px: the heatmaps of all compared runs, side by side
MAX_MATRICES = 5  # W^l rows drawn at once (up to four runs each); deeper networks show them five at a time
Named = tuple[tuple[str, Config], ...]  # (name, configuration) of each compared run, in order
Colours = tuple[str, ...]  # the colour of each compared run, in the same order


def upload(current: Config) -> None:
    """A JSON run file added to the kept runs, validated and size-limited, and selected for comparing."""
    file = st.file_uploader(
        "Add a run from a JSON file", type=["json"], key=state.RUN_UPLOAD, max_upload_size=MAX_UPLOAD_BYTES // 1_000_000
    )
    if file is None or st.session_state[state.RUN_UPLOAD_SEEN] == file.file_id:
        return
    st.session_state[state.RUN_UPLOAD_SEEN] = file.file_id
    try:
        config = config_from_upload(file)
    except ConfigError as error:
        st.error(plain(str(error)))
        return
    said = keep(config)
    run_id = next(str(k.id) for k in kept() if k.config == config)
    chosen = [c for c in st.session_state.get(state.COMPARE_SELECTION) or [CURRENT] if c != run_id]
    st.session_state[state.COMPARE_SELECTION] = [*chosen, run_id][-MAX_COMPARED:]
    st.success(f"{said} The uploaded run, {plain(names(current)[run_id])}, is selected below.")


def _manage(current: Config) -> None:
    """Rename or remove kept runs."""
    runs, shown = kept(), names(current)
    if not runs:
        st.info("No kept runs yet: press 'Keep this run' above, or 'Set up the question's lesson', or upload one.")
        return
    with st.expander(f"Kept runs ({len(runs)} of at most {MAX_KEPT}; the oldest is dropped past that)"):
        for k in list(runs):
            name_col, remove_col = st.columns([5, 1], vertical_alignment="bottom")
            # The box shows the run's name as it is now (a name made from its settings changes when other runs
            # are kept); only an edit renames it.
            st.session_state[f"kept_name_{k.id}"] = shown[str(k.id)]
            name_col.text_input("Name", key=f"kept_name_{k.id}", max_chars=60, on_change=_renamed, args=(k.id,))
            if remove_col.button("Remove", key=f"kept_remove_{k.id}"):
                remove(k.id)
                st.rerun()


def _renamed(run_id: int) -> None:
    """Rename kept run ``run_id`` to what its name box now holds (the box's callback)."""
    rename(run_id, st.session_state[f"kept_name_{run_id}"])


def _runs(named: Named) -> dict[str, Run]:
    return {name: trained(config) for name, config in named}


def _colours(named: Named, colours: Colours) -> dict[str, str]:
    return {name: colour for (name, _), colour in zip(named, colours)}


@chart_spec
def _loss_chart(named: Named, colours: Colours) -> alt.Chart:
    return charts.loss_chart(frames.loss_frame(_runs(named)), colours=_colours(named, colours))


@chart_spec
def _symmetry_chart(named: Named, colours: Colours) -> alt.VConcatChart | alt.Chart:
    return charts.symmetry_chart(frames.symmetry_frame(_runs(named)), _colours(named, colours))


@chart_spec
def _outputs_chart(named: Named, colours: Colours) -> alt.LayerChart:
    return charts.outputs_chart(frames.outputs_frame(_runs(named)), _colours(named, colours))


@chart_spec
def _matrices_chart(
    named: Named, colours: Colours, snapshots: tuple[int, ...], layer: int, domain: float, side: int
) -> alt.HConcatChart:
    """W^layer of every compared run that has one, side by side on one colour scale."""
    matrices, shapes, iterations = {}, {}, set()
    for (name, config), s in zip(named, snapshots):
        run = trained(config)
        if layer < len(run.weights[s]):
            W = run.weights[s][layer]
            matrices[name], shapes[name] = frames.matrix_frame(W, layer, side), W.shape
            iterations.add(int(run.snapshot_iterations[s]))
    at = f" at iteration {iterations.pop():,}" if len(iterations) == 1 else ""
    title = frames.unicode(f"W^{layer}") + at
    return charts.heatmaps_side_by_side(matrices, title, domain or 1.0, _colours(named, colours), shapes, COMPARE_WIDTH)


def compare(current: Config) -> None:
    """The Compare tab: settings that differ, overlaid curves, outputs and weights side by side."""
    upload(current)
    _manage(current)
    shown = names(current)
    options = list(shown)
    chosen = [c for c in st.session_state.get(state.COMPARE_SELECTION) or options[-2:] if c in options]
    st.session_state[state.COMPARE_SELECTION] = chosen or options[-2:]
    selection = st.multiselect(
        "Runs to compare (two to four)",
        options,
        format_func=shown.get,
        key=state.COMPARE_SELECTION,
        max_selections=MAX_COMPARED,
    )
    if len(selection) < 2:
        st.info(
            "Choose at least two runs: keep this run, change a setting, and keep or compare it with the current one."
        )
        return
    named = tuple((shown[i], config_of(i, current)) for i in selection)
    colours = tuple(run_colours()[i] for i in selection)
    for _, config in named:
        trained_on_page(config)  # a kept run no longer cached trains here, its progress shown
    settings = frames.settings_frame(dict(named))
    everything = st.toggle("Show every setting", key=state.COMPARE_ALL_SETTINGS)
    table = settings if everything else settings[settings["differs"]]
    st.dataframe(
        table.style.apply(lambda row: ["background-color: #fde8d7" if row["differs"] else ""] * len(row), axis=1),
        width="stretch",
    )
    show(_loss_chart(named, colours))
    show(_symmetry_chart(named, colours), width="content")
    show(_outputs_chart(named, colours))
    _weights_side_by_side(named, colours)


def _largest(run: Run, snapshot: int) -> float:
    """The largest finite |w| of ``run``'s weights at ``snapshot`` (0 if none)."""
    return max(float(np.abs(W[np.isfinite(W)]).max(initial=0.0)) for W in run.weights[snapshot])


@chart_spec
def _scrub_chart(named: Named, colours: Colours, shown: tuple[int, ...]) -> dict:
    """Every run's W^l of ``shown`` at every iteration of a shared schedule: scrubbed and played in the browser."""
    runs = _runs(named)
    iterations = scrub.shared_iterations(max(r.iterations_run for r in runs.values()))

    def over_time(r: Run, l: int) -> pd.DataFrame:
        return scrub.over_time(
            frames.matrix_frame(r.weights[0][l], l), [r.weights[r.snapshot_index(t)][l].ravel() for t in iterations]
        )

    pairs = [
        (name, [(frames.unicode(f"W^{l}"), over_time(r, l)) for l in shown if l < len(r.weights[0])])
        for name, r in runs.items()
    ]
    return scrub.compare_heatmaps(pairs, iterations, _colours(named, colours))


def _weights_side_by_side(named: Named, colours: Colours) -> None:
    """Every run's W^l at one shared iteration, with one shared colour scale: in the browser (a slider and a
    play button in the chart) unless the chart is scrub.too_large to scrub, else one row per W^l at the
    iteration of a slider on the server."""
    runs = _runs(named)
    last = max(r.iterations_run for r in runs.values())
    shown = matrices_shown(max(len(r.weights[0]) for r in runs.values()), MAX_MATRICES, state.COMPARE_MATRICES)
    cells = sum(r.weights[0][l].size for r in runs.values() for l in shown if l < len(r.weights[0]))
    heatmaps = sum(l < len(r.weights[0]) for r in runs.values() for l in shown)
    reason = scrub.too_large(heatmaps, cells)
    if last > 0 and reason is None:
        show(scrub.playable(_scrub_chart(named, colours, tuple(shown))), width="content")
        st.caption(
            f"Every run at the same iteration, {min(scrub.MAX_FRAMES, last + 1)} iterations from 0 to {last:,}: "
            "move the slider under the chart, or tick play; it happens in your browser."
        )
        return
    if last > 0:
        st.caption(f"{reason}: the server draws the iteration of this slider.")
    iteration = st.slider("Iteration (all runs)", 0, max(last, 1), last, key=state.COMPARE_ITERATION)
    snapshots = tuple(r.snapshot_index(iteration) for r in runs.values())
    domain = max(_largest(r, s) for r, s in zip(runs.values(), snapshots))
    side = heatmap_side(len(shown) * len(runs))
    for layer in shown:
        show(_matrices_chart(named, colours, snapshots, layer, domain, side), width="content")
