"""Charts on the page: each one is built and validated once, then drawn from the cache on every rerun.

Building an Altair chart and validating its spec takes tens of milliseconds, and a tab holds several;
a rerun that changes nothing in a chart should not pay that again. A chart's key names everything it
depends on: what it shows and the configurations of its runs (a run is a pure function of its
configuration), the snapshot and any option.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Literal

import altair as alt
import streamlit as st

from lab import charts


@st.cache_data(max_entries=512, show_spinner=False)
def _spec(key: Hashable, _build: Callable[..., alt.TopLevelMixin], _args: tuple) -> dict:
    """The spec of ``_build(*_args)``, cached under ``key`` alone (st.cache_data does not hash ``_`` arguments)."""
    return charts.spec(_build(*_args))


def show(
    key: Hashable, build: Callable[..., alt.TopLevelMixin], *args, width: Literal["stretch", "content"] = "stretch"
) -> None:
    """Draw the chart ``build(*args)`` identified by ``key``; it is built only when the cache does not hold it."""
    st.vega_lite_chart(_spec(key, build, args), width=width)
