"""The Neurons tab: the network drawn at every kept snapshot, scrubbed and played in the browser."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab import neurons as views
from lab import scrub
from mlp import Run, clone_groups
from ui.chart import _spec


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
