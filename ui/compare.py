"""Kept runs: keep, name, rename, remove, upload and download them, and compare two to four."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import streamlit as st

from lab import charts, frames
from mlp import Config, ConfigError, Run
from mlp.export import run_to_dict
from ui.chart import show
from ui.runs import trained
from ui.sidebar import MAX_UPLOAD_BYTES
from ui.text import plain
from ui.uploads import config_from_upload

MAX_KEPT = 8
MAX_COMPARED = 4
CURRENT = "current"


@dataclass(frozen=True)
class Kept:
    """A kept run: its configuration (the run itself comes back from the cache) and a chosen name."""

    id: int
    config: Config
    name: str = ""


def kept() -> list[Kept]:
    """This session's kept runs, oldest first."""
    return st.session_state.setdefault("kept", [])


def keep(config: Config) -> str:
    """Keep ``config`` unless it is kept already; past MAX_KEPT the oldest is dropped."""
    runs = kept()
    if any(k.config == config for k in runs):
        return "This run is kept already."
    next_id = st.session_state.get("kept_next_id", 1)
    st.session_state.kept_next_id = next_id + 1
    runs.append(Kept(next_id, config))
    if len(runs) > MAX_KEPT:
        runs.pop(0)
        return f"Kept. The oldest kept run was dropped: at most {MAX_KEPT} are kept."
    return "Kept."


def names(current: Config) -> dict[str, str]:
    """A display name per run id (``current`` included): the chosen name, else what differs."""
    runs = kept()
    distinct = list(dict.fromkeys([current, *(k.config for k in runs)]))  # equal runs share one name
    auto = dict(zip(distinct, frames.run_names(distinct)))
    out = {CURRENT: f"current: {auto[current]}"}
    out.update({str(k.id): k.name or auto[k.config] for k in runs})
    return out


def _config_of(run_id: str, current: Config) -> Config:
    return current if run_id == CURRENT else next(k.config for k in kept() if str(k.id) == run_id)


def _set_up_lesson() -> None:
    """The question's run with every weight at 1, next to the same network from a random start."""
    question, random_start = Config(), Config(init="normal")
    for config in (question, random_start):
        keep(config)
    ids = {k.config: str(k.id) for k in kept()}
    st.session_state.compare_selection = [ids[question], ids[random_start]]


def share(run: Run) -> None:
    """Keep, download and upload runs: the row of buttons under the header."""
    keep_col, lesson_col, json_col, loss_col, out_col = st.columns([2, 3, 2, 2, 2], vertical_alignment="center")
    if keep_col.button("Keep this run", help=f"Keep it for the Compare tab (at most {MAX_KEPT})"):
        st.toast(keep(run.config))
    lesson_col.button(
        "Set up the question's lesson",
        on_click=_set_up_lesson,
        help="Keep the question's run (every weight 1) and the same network from a random start; compare them",
    )
    # The files are built only when a button is pressed (callables), not on every rerun.
    json_col.download_button(
        "Run as JSON",
        partial(_run_json, run),
        "backprop-lab-run.json",
        "application/json",
        help="Configuration, loss history, snapshots and outputs; `python -m mlp --config run.json` reruns it",
    )
    loss_col.download_button("Loss history CSV", partial(_history_csv, run), "loss-history.csv", "text/csv")
    out_col.download_button("Outputs CSV", partial(_outputs_csv, run), "outputs.csv", "text/csv")


def _run_json(run: Run) -> str:
    return json.dumps(run_to_dict(run, snapshots=True))


def _history_csv(run: Run) -> str:
    return frames.loss_frame({"run": run}, max_points=run.iterations_run + 1).drop(columns="run").to_csv(index=False)


def _outputs_csv(run: Run) -> str:
    return frames.outputs_frame({"run": run}).drop(columns="run").to_csv(index=False)


def upload() -> None:
    """A JSON run file added to the kept runs, validated and size-limited."""
    file = st.file_uploader(
        "Add a run from a JSON file", type=["json"], key="run_upload", max_upload_size=MAX_UPLOAD_BYTES // 1_000_000
    )
    if file is None or st.session_state.get("run_upload_seen") == file.file_id:
        return
    st.session_state.run_upload_seen = file.file_id
    try:
        st.success(keep(config_from_upload(file)))
    except ConfigError as error:
        st.error(plain(str(error)))


def _manage(current: Config) -> None:
    """Rename or remove kept runs."""
    runs, shown = kept(), names(current)
    if not runs:
        st.info("No kept runs yet: press 'Keep this run', or 'Set up the question's lesson'.")
        return
    with st.expander(f"Kept runs ({len(runs)} of at most {MAX_KEPT}; the oldest is dropped past that)"):
        for i, k in enumerate(list(runs)):
            name_col, remove_col = st.columns([5, 1], vertical_alignment="bottom")
            new = name_col.text_input("Name", value=shown[str(k.id)], key=f"kept_name_{k.id}", max_chars=60)
            if new != shown[str(k.id)]:
                runs[i] = replace(k, name=new.strip())
            if remove_col.button("Remove", key=f"kept_remove_{k.id}"):
                runs.remove(k)
                st.rerun()


def compare(current: Config) -> None:
    """The Compare tab: settings that differ, overlaid curves, outputs and weights side by side."""
    _manage(current)
    upload()
    shown = names(current)
    options = list(shown)
    chosen = [c for c in st.session_state.get("compare_selection", options[-2:]) if c in options]
    st.session_state.compare_selection = chosen or options[-2:]
    selection = st.multiselect(
        "Runs to compare (two to four)",
        options,
        format_func=shown.get,
        key="compare_selection",
        max_selections=MAX_COMPARED,
    )
    if len(selection) < 2:
        st.info(
            "Choose at least two runs: keep this run, change a setting, and keep or compare it with the current one."
        )
        return
    runs = {shown[i]: trained(_config_of(i, current)) for i in selection}
    settings = frames.settings_frame({name: r.config for name, r in runs.items()})
    everything = st.toggle("Show every setting", key="compare_all_settings")
    table = settings if everything else settings[settings["differs"]]
    st.dataframe(
        table.style.apply(lambda row: ["background-color: #fde8d7" if row["differs"] else ""] * len(row), axis=1),
        width="stretch",
    )
    key = tuple((name, r.config) for name, r in runs.items())
    show(("compare loss", key), lambda: charts.loss_chart(frames.loss_frame(runs)))
    show(("compare symmetry", key), lambda: charts.symmetry_chart(frames.symmetry_frame(runs)), width="content")
    show(("compare outputs", key), lambda: charts.outputs_chart(frames.outputs_frame(runs)))
    _weights_side_by_side(runs)


def _weights_side_by_side(runs: dict[str, Run]) -> None:
    """Every run's W^l at one shared iteration, with one shared colour scale."""
    last = max(r.iterations_run for r in runs.values())
    iteration = st.slider("Iteration (all runs)", 0, max(last, 1), last, key="compare_iteration")
    snapshots = {name: r.snapshot_index(iteration) for name, r in runs.items()}
    tables = {name: frames.weights_frames(r, snapshots[name]) for name, r in runs.items()}
    domain = max(float(np.nanmax(np.abs(t["value"].to_numpy()), initial=0.0)) for ts in tables.values() for t in ts)
    for column, (name, matrices) in zip(st.columns(len(runs)), tables.items()):
        with column:
            k = int(runs[name].snapshot_iterations[snapshots[name]])
            st.markdown(f"**{plain(name)}** at iteration {k:,}")
            for l, table in enumerate(matrices):
                key = ("compare W", runs[name].config, snapshots[name], l, domain)
                show(key, charts.heatmap, table, f"W^{l}", domain or None, width="content")
