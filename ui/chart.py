"""Charts on the page: each one is built, converted and serialised once, then drawn from the shared cache.

Building an Altair chart and converting it to a spec takes tens of milliseconds, and a tab holds several;
a rerun that changes nothing in a chart should not pay that again. :func:`chart_spec` turns a builder
whose arguments are hashable (configurations, snapshots, options: a run is a pure function of its
configuration) into a function that returns the chart's spec from the shared cache of ui/cache.py, its
key made of the builder and those arguments. The spec's data is kept as Arrow bytes, the form
st.vega_lite_chart sends, so a rerun does not serialise the frames again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Literal, ParamSpec

import altair as alt
import streamlit as st
from streamlit import dataframe_util

from lab import charts
from ui.cache import shared

P = ParamSpec("P")


def chart_spec(build: Callable[P, alt.TopLevelMixin | dict]) -> Callable[P, dict]:
    """``build(*args)``'s Vega-Lite spec, with its data as Arrow bytes, built once per arguments and shared."""

    @functools.wraps(build)
    def spec(*args: P.args, **kwargs: P.kwargs) -> dict:
        result = charts.spec(build(*args, **kwargs))
        datasets = {name: dataframe_util.convert_anything_to_arrow_bytes(df) for name, df in result["datasets"].items()}
        return result | {"datasets": datasets}

    return shared(spec)


def show(spec: dict, width: Literal["stretch", "content"] = "stretch", **selection) -> object:
    """Draw a spec made by a :func:`chart_spec` function; ``selection`` (``key``, ``on_select``) makes its
    clicks an event, which is returned."""
    return st.vega_lite_chart(spec, width=width, **selection)
