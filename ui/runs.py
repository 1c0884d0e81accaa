"""Training behind the page: one cached call per configuration, with a progress bar when slow."""

from __future__ import annotations

import time

import streamlit as st

from mlp import Config, Finding, Run, findings, train

PROGRESS_AFTER_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 0.1


@st.cache_data(max_entries=32, show_spinner=False)
def trained(config: Config) -> Run:
    """The run of ``config``; identical configurations come from the cache, for every session.

    Training that takes more than half a second shows a progress bar, drawn and removed inside
    this function: Streamlit replays a cached function's elements on a cache hit, and these end
    removed, so a hit shows nothing.
    """
    slot = st.empty()
    started = shown = time.perf_counter()

    def progress(done: int, total: int) -> None:
        nonlocal shown
        now = time.perf_counter()
        if now - started > PROGRESS_AFTER_SECONDS and now - shown > PROGRESS_EVERY_SECONDS:
            shown = now
            slot.progress(done / max(total, 1), text=f"Training: iteration {done:,} of {total:,}")

    run = train(config, progress=progress)
    slot.empty()
    return run


def findings_of(run: Run) -> list[Finding]:
    """The findings of ``run``, computed once per configuration."""
    return _findings(run, run.config)


@st.cache_data(max_entries=32, show_spinner=False)
def _findings(_run: Run, config: Config) -> list[Finding]:
    return findings(_run)  # a run is a pure function of its configuration: the key
