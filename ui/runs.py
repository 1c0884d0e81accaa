"""Training behind the page: one run per configuration, shared by every session, with a progress bar when slow."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from mlp import Config, Finding, Run, findings, train
from ui.cache import cache, gate, shared

PROGRESS_AFTER_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 0.1
BUFFERS = 8  # a training holds about this many (observations x neurons) arrays: a^l, n^l, deltas, slopes ...
# The symmetry metrics stack one hidden layer's neuron vectors over the snapshots, and compare them a
# chunk of at most SYMMETRY_CHUNK values at a time in about SYMMETRY_BUFFERS arrays (mlp/symmetry.py;
# tests/test_memory.py checks the whole estimate against tracemalloc's peak).
SYMMETRY_CHUNK = 2_000_000
SYMMETRY_BUFFERS = 5


def training_bytes(config: Config) -> int:
    """Memory a training of ``config`` holds at its peak: snapshots, buffers and the symmetry metrics' arrays."""
    S = min(config.snapshots, config.iterations + 1)
    n_obs = config.dataset.X.shape[0]
    snapshots = 2 * S * config.n_params  # weights and gradients
    buffers = BUFFERS * n_obs * sum(config.layers)
    layers = zip(config.layers, config.layers[1:-1], config.layers[2:])
    stacks = [(S * n * (1 + n_in + n_out), S * n * max(n, 1 + n_in + n_out)) for n_in, n, n_out in layers if n > 1]
    symmetry = max((stack + SYMMETRY_BUFFERS * min(SYMMETRY_CHUNK, pairs) for stack, pairs in stacks), default=0)
    return 8 * (snapshots + buffers + symmetry)


def trained(config: Config) -> Run:
    """The run of ``config``, from the cache shared by every session; trained on a miss (nothing drawn)."""
    return cache().get(_key(config), lambda: _train(config))


def trained_on_page(config: Config) -> Run:
    """:func:`trained`, with a progress bar on the page while a miss trains for more than half a second.

    Its placeholder is drawn on hits too, so that the elements below it keep their places from one rerun to
    the next, and the browser updates them where they are instead of drawing them again.
    """
    slot = st.empty()
    run = cache().get(_key(config), lambda: _train(config, slot))
    slot.empty()
    return run


def _key(config: Config) -> tuple:
    return (f"{__name__}.trained", config)


def _train(config: Config, slot: DeltaGenerator | None = None) -> Run:
    """Train ``config`` once the gate lets it; with a ``slot``, waiting and progress are shown there."""
    if slot is None:
        with gate().hold(training_bytes(config)):
            return train(config)

    def progress(done: int, total: int) -> None:
        nonlocal shown
        now = time.perf_counter()
        if now - started > PROGRESS_AFTER_SECONDS and now - shown > PROGRESS_EVERY_SECONDS:
            shown = now
            slot.progress(done / max(total, 1), text=f"Training: iteration {done:,} of {total:,}")

    waiting = lambda: slot.info("Waiting for memory: other runs are training on this server.")  # noqa: E731
    with gate().hold(training_bytes(config), on_wait=waiting):
        started = shown = time.perf_counter()  # once the gate lets it train
        return train(config, progress=progress)


@shared
def findings_for(config: Config) -> list[Finding]:
    """The findings of ``config``'s run (mlp.findings), computed once and shared by every session."""
    return findings(trained(config))


def findings_of(run: Run) -> list[Finding]:
    return findings_for(run.config)
