"""A typical small Streamlit dashboard, the yardstick of the lab's first load.

    streamlit run benchmarks/yardstick.py


A sidebar of ten number inputs, one Altair chart of 1,000 points and one table, nothing else.
``python -m benchmarks.dashboard`` loads it beside the lab, in the same browser and the same run, and
prints the lab's cold page load as a multiple of this one's.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

POINTS = 1_000

st.set_page_config(page_title="Yardstick", layout="wide")
st.title("A small dashboard")
st.sidebar.header("Parameters")
values = [st.sidebar.number_input(f"Parameter {i + 1}", value=float(i + 1), step=0.5) for i in range(10)]
rng = np.random.default_rng(0)
x = rng.uniform(0, 10, POINTS)
data = pd.DataFrame({"x": x, "y": values[0] * np.sin(x) + rng.normal(0, values[1] / 10, POINTS)})
data["group"] = np.where(data["y"] > 0, "above", "below")
chart = alt.Chart(data).mark_circle(size=20).encode(x="x:Q", y="y:Q", color="group:N", tooltip=["x:Q", "y:Q"])
st.altair_chart(chart.properties(height=320, title=f"{POINTS:,} points"), width="stretch")
st.dataframe(data.describe(), width="stretch")
