"""Training behind the page: one cached call per configuration, with a progress bar when slow."""

from __future__ import annotations

import time

import streamlit as st

from mlp import Config, Run, train

PROGRESS_AFTER_SECONDS = 0.5


@st.cache_data(max_entries=32, show_spinner=False)
def trained(config: Config, _progress=None) -> Run:
    """The run of ``config``; identical configurations come from the cache, for every session."""
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
