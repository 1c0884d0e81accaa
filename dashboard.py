"""Backprop Lab: `streamlit run dashboard.py`.

The sidebar yields a configuration, one shared call trains it, and each tab draws the run.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import compare, header, lesson, neurons, state, sweep, tabs
from ui.cache import freeze_imports
from ui.runs import trained_on_page
from ui.sidebar import SETTINGS, settings

st.set_page_config(page_title="Backprop Lab", page_icon="🧮", layout="wide")
PHONE_CSS = Path(__file__).parent / "ui" / "phone.css"


def main() -> None:
    freeze_imports()
    state.init()
    st.html(PHONE_CSS)  # style only: it takes no space on the page
    st.title("Backprop Lab")
    st.caption(
        "Why do hidden neurons that start with equal weights stay equal? Change the start in "
        f"{SETTINGS} and watch the weights, the symmetry and the maths of backprop."
    )
    config = settings()
    if config is None:
        return
    run = trained_on_page(config)
    header.status(run)
    header.buttons(config)
    # Only the open tab runs (on_change="rerun"), and the open tab is part of the link.
    pages = {
        "Results": tabs.results,
        "Weights": tabs.weights,
        "Neurons": neurons.neurons,
        "Symmetry": tabs.symmetry,
        "Backprop maths": tabs.maths,
        "Compare": lambda run: compare.compare(run.config),
        "Lesson": lesson.lesson,
        "Sweep": lambda run: sweep.sweep_tab(run.config),
    }
    opened = st.tabs(list(pages), key=state.TAB, on_change="rerun", bind="query-params")
    for tab, draw in zip(opened, pages.values()):
        if tab.open:
            with tab:
                draw(run)


main()
