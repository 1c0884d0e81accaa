"""The session's kept runs: configurations with an id and a chosen name, for the Compare tab.

A kept run is its configuration; the run itself comes back from the shared cache (ui/runs.py). Each
kept run holds one colour, for as long as it is kept, in every chart that compares it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from lab import charts, frames
from mlp import Config
from ui import state

MAX_KEPT = 8
CURRENT = "current"  # the id of the sidebar's run, which is always there to compare
KEPT, ALREADY = "Kept.", "This run is kept already."  # what keep() says (and more when the oldest is dropped)


@dataclass(frozen=True)
class Kept:
    """A kept run: its configuration (the run itself comes back from the cache) and a chosen name."""

    id: int
    config: Config
    name: str = ""
    colour: str = charts.RUN_COLOURS[0]


def kept() -> list[Kept]:
    """This session's kept runs, oldest first."""
    return st.session_state[state.KEPT]


def keep(config: Config) -> str:
    """Keep ``config`` unless it is kept already; past MAX_KEPT the oldest is dropped. Says what happened."""
    runs = kept()
    if any(k.config == config for k in runs):
        return ALREADY
    next_id = st.session_state[state.KEPT_NEXT_ID]
    st.session_state[state.KEPT_NEXT_ID] = next_id + 1
    if len(runs) >= MAX_KEPT:
        dropped = runs.pop(0)
        runs.append(Kept(next_id, config, colour=dropped.colour))
        return f"{KEPT} The oldest kept run was dropped: at most {MAX_KEPT} are kept."
    used = {k.colour for k in runs}
    runs.append(Kept(next_id, config, colour=next(c for c in charts.RUN_COLOURS if c not in used)))
    return KEPT


def rename(run_id: int, name: str) -> None:
    runs = kept()
    runs[:] = [replace(k, name=name.strip()) if k.id == run_id else k for k in runs]


def remove(run_id: int) -> None:
    runs = kept()
    runs[:] = [k for k in runs if k.id != run_id]


def names(current: Config) -> dict[str, str]:
    """A display name per run id (``current`` included): the chosen name, else what differs."""
    runs = kept()
    distinct = list(dict.fromkeys([current, *(k.config for k in runs)]))  # equal runs share one name
    auto = dict(zip(distinct, frames.run_names(distinct)))
    out = {CURRENT: f"current: {auto[current]}"}
    out.update({str(k.id): k.name or auto[k.config] for k in runs})
    return out


def colours() -> dict[str, str]:
    """A colour per run id (``current`` included), each kept run's its own for as long as it is kept."""
    return {CURRENT: charts.CURRENT_COLOUR} | {str(k.id): k.colour for k in kept()}


def config_of(run_id: str, current: Config) -> Config:
    """The configuration of run ``run_id`` (``current`` or a kept run's id)."""
    return current if run_id == CURRENT else next(k.config for k in kept() if str(k.id) == run_id)


def set_up_lesson() -> None:
    """Keep the question's run with every weight at 1 and the same network from a random start; open the
    Compare tab with the two selected and say so (a button's callback: the next run shows it)."""
    question, random_start = Config(), Config(init="normal")
    said = [keep(config) for config in (question, random_start)]
    ids = {k.config: str(k.id) for k in kept()}
    st.session_state[state.COMPARE_SELECTION] = [ids[question], ids[random_start]]
    st.session_state[state.TAB] = "Compare"
    fresh = sum(s != ALREADY for s in said)
    what = {2: "Kept two runs", 1: "Kept one more run", 0: "Both runs were kept already"}[fresh]
    st.session_state[state.SET_UP_NOTE] = (
        f"{what}: the question's network with every weight 1, and the same network from a random start "
        "(init normal). The Compare tab shows them side by side."
    )
