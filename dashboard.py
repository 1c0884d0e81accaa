"""Backprop Lab: `streamlit run dashboard.py`.

The sidebar yields a configuration, one cached call trains it, and each tab draws the run.
"""

from __future__ import annotations

import time

import streamlit as st

from mlp import Config, ConfigError, DataError, Run, train
from ui import tabs
from ui.sidebar import sidebar

PROGRESS_AFTER_SECONDS = 0.5

st.set_page_config(page_title="Backprop Lab", page_icon="🧮", layout="wide")


@st.cache_data(max_entries=24, show_spinner=False)
def trained(config: Config, _progress=None) -> Run:
    """The run of ``config``; identical configurations come from the cache."""
    return train(config, progress=_progress)


def train_with_progress(config: Config) -> Run:
    """Train, showing a progress bar once training has taken more than half a second."""
    slot, started = st.empty(), time.perf_counter()

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - started > PROGRESS_AFTER_SECONDS:
            slot.progress(done / max(total, 1), text=f"Training: iteration {done:,} of {total:,}")

    run = trained(config, progress)
    slot.empty()
    return run


def main() -> None:
    st.title("Backprop Lab")
    st.caption(
        "Why do hidden neurons that start with equal weights stay equal? Change the start in the sidebar "
        "and watch the weights, the symmetry and the maths of backprop."
    )
    try:
        config = sidebar()
    except (ConfigError, DataError) as error:
        st.error(str(error))
        return
    run = train_with_progress(config)
    tabs.header(run)
    results, weights, symmetry, maths = st.tabs(["Results", "Weights", "Symmetry", "Backprop maths"])
    with results:
        tabs.results(run)
    with weights:
        tabs.weights(run)
    with symmetry:
        tabs.symmetry(run)
    with maths:
        tabs.maths(run)


main()
