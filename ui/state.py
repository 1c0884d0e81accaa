"""The session's own values: every key the main area keeps in st.session_state, with its default, in one place.

:func:`init` gives each key its default before any widget is drawn, so widgets take their value from the
session and are never also given a default (Streamlit warns when both set one). The tabs read and write
these names only; the sidebar keeps its widgets under the configuration's own names (ui/sidebar.py).
A session holds configurations and ids, never a run: runs live in the shared cache (ui/cache.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

TAB = "tab"  # the open tab; bound to the link's ``tab`` parameter
KEPT = "kept"  # list of ui.kept.Kept: the runs kept for the Compare tab, oldest first
KEPT_NEXT_ID = "kept_next_id"  # the id the next kept run gets
COMPARE_SELECTION = "compare_selection"  # the run ids compared ("current" or a kept run's id)
COMPARE_ALL_SETTINGS = "compare_all_settings"  # show every setting, not only those that differ
COMPARE_ITERATION = "compare_iteration"  # the iteration the Compare tab shows the weights at
COMPARE_MATRICES = "compare_matrices"  # the group of W^l the Compare tab draws, in a network of many layers
RUN_UPLOAD = "run_upload"  # the Compare tab's JSON upload widget
RUN_UPLOAD_SEEN = "run_upload_seen"  # the file id of the last upload handled, so it is kept once
LOSS_LOG = "loss_log"  # the Results tab's log-scale toggle
RESULTS_VIEW = "results_view"  # the Results tab's lower view: the cost, or the output over the input plane
WEIGHTS_ITERATION = "weights_iteration"  # the Weights tab's snapshot slider
WEIGHTS_MATRICES = "weights_matrices"  # the group of W^l the Weights tab draws, in a network of many layers
MATHS_ITERATION = "maths_iteration"  # the Backprop maths tab's snapshot slider
MATHS_MATRICES = "maths_matrices"  # the group of W^l whose passes the Backprop maths tab writes out
SWEEP_SPEC = "sweep_spec"  # the last sweep submitted (a SweepSpec), or None
SWEEP_INITS = "sweep_inits"  # the sweep form's fields: starts, learning rates, optimizers, seeds, threshold
SWEEP_LRS = "sweep_lrs"
SWEEP_OPTIMIZERS = "sweep_optimizers"
SWEEP_SEEDS = "sweep_seeds"
SWEEP_THRESHOLD = "sweep_threshold"
LESSON_STEP = "lesson_step"  # the Lesson tab's step, from 0
CHAOS = "chaos"  # the Symmetry tab's toggle that trains the run again from a start 1e-12 apart
BLAS_RERUN = "blas_rerun"  # the Results toggle that trains a run summed in order again, summed by BLAS
SET_UP_NOTE = "set_up_note"  # what a set-up button just put in the sidebar, said once above the tabs

# The defaults. Streamlit forgets a widget's value after a run that does not draw it (another tab is
# open); init() writes each value back every run, which makes it the session's, so it outlives its tab.
_DEFAULTS: dict[str, Callable[[], Any]] = {
    KEPT: list,
    KEPT_NEXT_ID: lambda: 1,
    RUN_UPLOAD_SEEN: lambda: None,
    LOSS_LOG: lambda: True,
    COMPARE_ALL_SETTINGS: lambda: False,
    COMPARE_SELECTION: lambda: None,  # None: the Compare tab picks the last two
    COMPARE_MATRICES: lambda: None,  # None: the matrix pickers start at their first group (choice())
    WEIGHTS_MATRICES: lambda: None,
    MATHS_MATRICES: lambda: None,
    SWEEP_SPEC: lambda: None,
    SWEEP_INITS: lambda: "constant 1; normal 1; xavier 1",
    SWEEP_LRS: lambda: "0.1, 0.5, 1, 2",
    SWEEP_OPTIMIZERS: lambda: ["gd"],
    SWEEP_SEEDS: lambda: "0, 1, 2, 3",
    SWEEP_THRESHOLD: lambda: 0.01,
    LESSON_STEP: lambda: 0,
    CHAOS: lambda: False,
    BLAS_RERUN: lambda: False,
}


def init() -> None:
    """Give every key of the main area its default, or keep the value it holds; before any widget."""
    for key, default in _DEFAULTS.items():
        st.session_state[key] = st.session_state[key] if key in st.session_state else default()


def choice(key: str, options: list, default: Any) -> None:
    """Make the widget ``key`` hold one of ``options``: ``default`` when it holds none of them (a new run)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
