"""The Lesson tab: the question walked through one step at a time, each step one click to set up."""

from __future__ import annotations

import streamlit as st

from lab.lesson import STEPS, Step
from mlp import Config, Run
from ui import state
from ui.runs import findings_of, trained
from ui.sidebar import SETTINGS, apply_config


def set_up(config: Config, tab: str, label: str) -> None:
    """Put ``config`` in the sidebar and open ``tab`` (a button's callback: the next run shows it)."""
    apply_config(config)
    st.session_state[state.TAB] = tab
    st.session_state[state.SET_UP_NOTE] = f"Set up: {label}, now in {SETTINGS}; the {tab} tab shows it."


def set_up_buttons(runs: tuple[tuple[str, Config], ...], tab: str, key: str) -> None:
    """One button per run: put it in the sidebar and open ``tab``."""
    for column, (label, config) in zip(st.columns(len(runs)), runs):
        column.button(label, key=f"{key}_{label}", on_click=set_up, args=(config, tab, label), width="stretch")


def _text(step: Step) -> str:
    runs = {config: trained(config) for _, config in step.runs}
    return step.text(runs, {config: findings_of(run) for config, run in runs.items()})


def _move(to: int) -> None:
    st.session_state[state.LESSON_STEP] = to


def lesson(run: Run) -> None:
    """The step chosen (first by default): its text from its runs, its set-up buttons, previous and next."""
    titles = [f"{i + 1}. {step.title}" for i, step in enumerate(STEPS)]
    index = st.selectbox("Step", range(len(STEPS)), format_func=titles.__getitem__, key=state.LESSON_STEP)
    step = STEPS[index]
    st.markdown(_text(step))
    st.caption(f"Set it up: one click puts its configuration in {SETTINGS} and opens the {step.tab} tab.")
    set_up_buttons(step.runs, step.tab, f"lesson_{index}")
    back, forward = st.columns(2)
    back.button("Previous step", disabled=index == 0, on_click=_move, args=(index - 1,), width="stretch")
    forward.button("Next step", disabled=index == len(STEPS) - 1, on_click=_move, args=(index + 1,), width="stretch")
