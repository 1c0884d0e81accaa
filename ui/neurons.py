"""The Neurons tab: the network drawn at every kept snapshot, scrubbed and played in the browser."""

from __future__ import annotations

import streamlit as st

from lab import neurons as views
from lab import scrub
from mlp import Config, Run, clone_groups
from ui.chart import chart_spec, show
from ui.runs import trained


@chart_spec
def _chart(config: Config):
    """The graph and thumbnails of ``config``'s run at its kept snapshots (built once, shared)."""
    run = trained(config)
    snapshots = views.kept_snapshots(run)
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
    show(scrub.playable(_chart(run.config)), width="content")
    st.caption(
        scrub.holding_sentence(len(snapshots), len(run.snapshot_iterations))
        + " Move the snapshot slider under the chart, or tick play."
    )
    reason = views.no_thumbnails(run)
    if reason:
        st.info(reason)
