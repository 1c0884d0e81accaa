"""The Neurons tab: the network drawn at every kept snapshot, scrubbed and played in the browser."""

from __future__ import annotations

import numpy as np
import streamlit as st

import mlp
from lab import neurons as views
from lab import scrub
from mlp import Run
from mlp.symmetry import TOLERANCE, _components, _squared_distances, neuron_vectors
from ui.chart import _spec


def _clone_groups_fallback(weights: list[np.ndarray]) -> list[np.ndarray]:
    """Per hidden layer, an int label per neuron (equal labels = clones).

    FALLBACK until the engine has ``mlp.clone_groups`` (used below as soon as it does): the groups the
    header's "Distinct hidden neurons" counts (mlp.symmetry: vectors within 1e-6 of the layer's RMS),
    so the page agrees with itself; it reuses that module's private helpers on purpose.
    """
    labels = []
    for W_in, W_out in zip(weights, weights[1:]):
        V = neuron_vectors(W_in, W_out)[None]  # (1, n, d)
        peak = np.max(np.abs(V))
        V = V / peak if np.isfinite(peak) and peak > 0 else V
        limit = np.array([V.shape[2] * (TOLERANCE * np.sqrt(np.mean(V * V))) ** 2])
        labels.append(_components(_squared_distances(V, limit) <= limit[0])[0])
    return labels


clone_groups = getattr(mlp, "clone_groups", _clone_groups_fallback)


def _chart(run: Run, snapshots: np.ndarray):
    groups = [clone_groups(run.weights[s]) for s in snapshots]
    return views.neurons_chart(views.neuron_frames(run, snapshots, groups))


def neurons(run: Run) -> None:
    """The graph and, for 2-D inputs, each neuron over the input plane; a range input and play under them."""
    st.caption(
        "Each circle is a neuron $a^l_j$, filled by its bias $b$; each line a weight of $W^l$ from $a^l_i$ to "
        "$a^{l+1}_j$, orange when positive, blue when negative, wider when $|w|$ is larger. "
        "Neurons outlined in one colour are clones of each other: equal incoming and outgoing weights."
    )
    snapshots = views.kept_snapshots(run)
    spec = scrub.playable(_spec(("neurons", run.config, len(snapshots)), _chart, (run, snapshots)))
    st.vega_lite_chart(spec, width="content")
    st.caption(scrub.holding_sentence(len(snapshots), len(run.snapshot_iterations)) +
               " Move the snapshot slider under the chart, or tick play.")
    reason = views.no_thumbnails(run)
    if reason:
        st.info(reason)
