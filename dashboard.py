"""Backprop Lab: `streamlit run dashboard.py`.

The sidebar yields a configuration, one cached call trains it, and each tab draws the run.
"""

from __future__ import annotations

import streamlit as st

from mlp import ConfigError, DataError
from ui import compare, tabs
from ui.runs import train_with_progress
from ui.sidebar import check_link, sidebar
from ui.text import plain

st.set_page_config(page_title="Backprop Lab", page_icon="🧮", layout="wide")


def main() -> None:
    st.title("Backprop Lab")
    st.caption(
        "Why do hidden neurons that start with equal weights stay equal? Change the start in the sidebar "
        "and watch the weights, the symmetry and the maths of backprop."
    )
    for note in check_link():
        st.warning(plain(note))
    try:
        config = sidebar()
    except (ConfigError, DataError) as error:
        st.error(plain(str(error)))
        return
    run = train_with_progress(config)
    tabs.header(run)
    compare.share(run)
    results, weights, symmetry, maths, comparison = st.tabs(
        ["Results", "Weights", "Symmetry", "Backprop maths", "Compare"]
    )
    with results:
        tabs.results(run)
    with weights:
        tabs.weights(run)
    with symmetry:
        tabs.symmetry(run)
    with maths:
        tabs.maths(run)
    with comparison:
        compare.compare(config)


main()
