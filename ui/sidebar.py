"""The sidebar: each section draws its widgets and returns plain values keyed by setting name.

Every widget's key is the configuration's name for it (``init_scale``) and every widget is bound
to the URL query parameter of that name, so the address bar always reproduces the current run
(settings at their default are left out of it). :func:`sidebar` turns the values into a
:class:`Config`; :func:`check_link` vets a link's parameters before any widget reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from mlp import ACTIVATIONS, DATASETS, INITIALIZERS, LOSSES, OPTIMIZERS, Config, ConfigError, DataError, read_csv
from mlp.config import MAX_ITERATIONS, MAX_ROWS, PARSERS, query_text
from mlp.data import GENERATED, Dataset

DEFAULTS = Config()
DATA_LABELS = {
    "seed": "The question's 2 observations",
    "xor": "XOR (4 points)",
    "and": "AND (4 points)",
    "or": "OR (4 points)",
    "circle": "Circle (generated)",
    "spiral": "Two spirals (generated)",
    "blobs": "Two blobs (generated)",
    "custom": "Custom table / CSV",
}
SCALE_LABELS = {
    "constant": "Value of every weight",
    "uniform": "Half-width a of U(-a, a)",
    "normal": "Standard deviation",
    "xavier": "Gain",
    "he": "Gain",
}
MAX_UPLOAD_BYTES = 10_000_000


def widget_defaults() -> dict[str, Any]:
    """The widgets' values for the question's run (layers as text, tables left out)."""
    values = DEFAULTS.to_mapping()
    values["layers"] = ",".join(map(str, DEFAULTS.layers))
    return values


WIDGET_DEFAULTS = widget_defaults()
TABLES = ("inputs", "targets")  # custom data travels in the URL too, but has no widget of its own
PAGE_PARAMS = ("tab",)  # parameters of the page itself, not of the run


def _bound(key: str) -> dict[str, Any]:
    """Keyword arguments binding a widget to the setting ``key``: its default and its URL parameter."""
    return {"key": key, "bind": "query-params", "value": WIDGET_DEFAULTS[key]}


def _choice(key: str, options: list[str]) -> dict[str, Any]:
    return {"key": key, "bind": "query-params", "index": options.index(WIDGET_DEFAULTS[key])}


def check_link() -> list[str]:
    """Vet the URL's query parameters once per session, before any widget reads them.

    Unknown names and invalid values are removed and each gives one sentence for the user; so are
    settings that do not fit together (layers that do not match the data). A link naming data but
    no layers gets the default hidden sizes framed by that data. Custom data (``inputs``,
    ``targets``) fills the editable table. When anything was removed the page reruns at once, so
    the widgets start from the cleaned link (they read a link as it arrived).
    """
    if st.session_state.get("link_checked"):
        return st.session_state.pop("link_notes", [])
    st.session_state.link_checked = True
    params = st.query_params
    notes, values = [], {}
    for key in [k for k in params if k not in PAGE_PARAMS]:
        if key not in PARSERS:
            notes.append(f"The link's '{key[:40]}' is not a setting and was ignored.")
        else:
            try:
                values[key] = PARSERS[key](key, params.get(key, ""))
                continue
            except ConfigError as error:
                notes.append(f"The link's {error} The default is used instead.")
        del params[key]
    while values:  # settings that are valid alone but not together: drop the one named, and retry
        try:
            config = Config.from_mapping(values)
            break
        except ConfigError as error:
            notes.append(f"The link's {error} The default is used instead.")
            values.pop(error.field if error.field in values else next(iter(values)))
            params.pop(error.field, None)
    else:
        config = DEFAULTS
    if "data" in values and "layers" not in params and config.layers != DEFAULTS.layers:
        params["layers"] = query_text(list(config.layers))
    if config.data == "custom":
        st.session_state.custom_table = table_of(config.dataset)
    if notes or ("layers" in params and "layers" not in values):
        st.session_state.link_notes = notes
        st.rerun()
    return notes


def init_state() -> None:
    """Session values that are not widgets: the editable custom table."""
    if "custom_table" not in st.session_state:
        st.session_state.custom_table = table_of(DEFAULTS.dataset)


def table_of(data: Dataset) -> pd.DataFrame:
    """The editable table of a data set: columns x1..xk then y1..ym."""
    columns = [f"x{i + 1}" for i in range(data.n_inputs)] + [f"y{j + 1}" for j in range(data.n_outputs)]
    return pd.DataFrame(np.hstack([data.X, data.Y]), columns=columns)


def dataset_from_table(table: pd.DataFrame) -> Dataset:
    """The data set in an edited table; DataError names the first empty or non-numeric cell."""
    inputs = [c for c in table.columns if str(c).startswith("x")]
    if not inputs or len(inputs) == len(table.columns):
        raise DataError("data table: it needs columns x1..xk and y1..ym.")
    if len(table) == 0:
        raise DataError("data table: it has no rows; add at least one observation.")
    values = table.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0.0))
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        cell = table.iloc[row, col]
        shown = "empty" if pd.isna(cell) or str(cell).strip() == "" else f"'{str(cell)[:20]}', not a number"
        raise DataError(f"data table: row {row + 1}, column {table.columns[col]} is {shown}; enter a number.")
    array = values.to_numpy(dtype=float)
    return Dataset(array[:, : len(inputs)], array[:, len(inputs) :])


def _follow_data() -> None:
    """When the data changes, keep the hidden sizes and frame them with the data's sizes."""
    try:
        sizes = [int(s) for s in str(st.session_state.layers).split(",")]
        hidden = sizes[1:-1]
    except ValueError:
        hidden = list(DEFAULTS.layers[1:-1])
    data = _current_dataset()
    if data is not None:
        st.session_state.layers = ",".join(map(str, [data.n_inputs, *hidden, data.n_outputs]))


def _current_dataset() -> Dataset | None:
    s = st.session_state
    if s.data == "custom":
        try:
            return dataset_from_table(s.custom_table)
        except DataError:
            return None
    generator = {k: s.get(k, WIDGET_DEFAULTS[k]) for k in ("points", "data_noise", "data_seed")}
    return DATASETS[s.data](int(generator["points"]), float(generator["data_noise"]), int(generator["data_seed"]))


def _new_seed() -> None:
    st.session_state.seed = int(np.random.default_rng().integers(0, 1_000_000))


def apply_config(config: Config) -> None:
    """Set every sidebar widget to ``config`` (in a callback: the next run reads it, and the URL follows)."""
    values = config.to_mapping()
    values["layers"] = ",".join(map(str, config.layers))
    for key in WIDGET_DEFAULTS:
        st.session_state[key] = values[key]
    if config.data == "custom":
        st.session_state.custom_table = table_of(config.dataset)
        st.session_state.pop("table_editor", None)


def data_section() -> dict[str, Any]:
    """Data set choice, generator settings, and the custom table with its CSV upload."""
    st.sidebar.header("Data")
    names = list(DATA_LABELS)  # the option itself is the URL value, so no format_func
    name = st.sidebar.selectbox("Data set", names, on_change=_follow_data, **_choice("data", names))
    st.sidebar.caption(DATA_LABELS[name])
    values: dict[str, Any] = {"data": name}
    if name in GENERATED:
        values["points"] = st.sidebar.number_input("Points", 4, MAX_ROWS, step=10, **_bound("points"))
        values["data_noise"] = st.sidebar.number_input("Noise", 0.0, 1.0, step=0.05, **_bound("data_noise"))
        values["data_seed"] = st.sidebar.number_input("Data seed", 0, 2**32 - 1, **_bound("data_seed"))
    if name == "custom":
        values.update(custom_data())
    for key in TABLES:  # the link carries the custom table while it is in use
        if key in values:
            st.query_params[key] = query_text(values[key])
        else:
            st.query_params.pop(key, None)
    return values


def custom_data() -> dict[str, Any]:
    """The editable table (inputs x1..xk, targets y1..ym) and a CSV upload that replaces it."""
    upload = st.sidebar.file_uploader("Upload CSV (x1..xk, y1..ym)", type=["csv"], key="csv_upload")
    if upload is not None and st.session_state.get("csv_loaded") != upload.file_id:
        st.session_state.csv_loaded = upload.file_id
        if upload.size > MAX_UPLOAD_BYTES:
            raise DataError(f"CSV: the file is {upload.size / 1e6:.1f} MB; at most 10 MB are allowed.")
        try:
            text = upload.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            raise DataError("CSV: the file is not UTF-8 text; upload a CSV with columns x1..xk then y1..ym.") from None
        st.session_state.custom_table = table_of(read_csv(text))
        st.session_state.pop("table_editor", None)
        _follow_data()
    edited = st.sidebar.data_editor(
        st.session_state.custom_table, num_rows="dynamic", key="table_editor", hide_index=True
    )
    data = dataset_from_table(edited)
    return {"inputs": data.X.tolist(), "targets": data.Y.tolist()}


def network_section() -> dict[str, Any]:
    st.sidebar.header("Network")
    return {
        "layers": st.sidebar.text_input(
            "Layer sizes, input first", help="e.g. 2,3,3,2; the first and last follow the data", **_bound("layers")
        ),
        "activation": st.sidebar.selectbox(
            "Hidden activation", list(ACTIVATIONS), **_choice("activation", list(ACTIVATIONS))
        ),
        "output_activation": st.sidebar.selectbox(
            "Output activation", list(ACTIVATIONS), **_choice("output_activation", list(ACTIVATIONS))
        ),
        "loss": st.sidebar.selectbox("Cost", list(LOSSES), **_choice("loss", list(LOSSES))),
    }


def init_section() -> dict[str, Any]:
    st.sidebar.header("Initialization")
    method = st.sidebar.selectbox("Method", list(INITIALIZERS), **_choice("init", list(INITIALIZERS)))
    values = {
        "init": method,
        "init_scale": st.sidebar.number_input(SCALE_LABELS[method], step=0.1, format="%g", **_bound("init_scale")),
        "noise": st.sidebar.number_input(
            "Noise (std added to every weight)",
            0.0,
            step=0.01,
            format="%g",
            **_bound("noise"),
            help="Any noise > 0 makes the neurons different: the symmetry-breaking experiment",
        ),
    }
    seed_col, button_col = st.sidebar.columns([3, 2], vertical_alignment="bottom")
    values["seed"] = seed_col.number_input("Random seed", 0, 2**32 - 1, **_bound("seed"))
    button_col.button("New seed", on_click=_new_seed, help="Draw another seed; nothing else changes")
    return values


def training_section() -> dict[str, Any]:
    st.sidebar.header("Training")
    return {
        "optimizer": st.sidebar.selectbox("Optimizer", list(OPTIMIZERS), **_choice("optimizer", list(OPTIMIZERS))),
        "lr": st.sidebar.number_input("Learning rate", step=0.1, format="%g", **_bound("lr")),
        "iterations": st.sidebar.number_input("Iterations", 0, MAX_ITERATIONS, step=500, **_bound("iterations")),
        "snapshots": st.sidebar.number_input("Snapshots kept", 2, 1000, step=10, **_bound("snapshots")),
    }


def sidebar() -> Config:
    """Draw the whole sidebar and return its configuration (ConfigError / DataError if invalid)."""
    init_state()
    st.sidebar.button(
        "The question's network",
        on_click=apply_config,
        args=(DEFAULTS,),
        type="primary",
        width="stretch",
        help="2-3-3-2 sigmoid network, every weight and bias 1, lr 0.5, 1,000 iterations",
    )
    values: dict[str, Any] = {}
    errors: list[Exception] = []
    for section in (data_section, network_section, init_section, training_section):
        try:
            values.update(section())
        except DataError as error:
            errors.append(error)
    if errors:
        raise errors[0]
    return Config.from_mapping(values)


__all__ = ["ConfigError", "DataError", "dataset_from_table", "sidebar", "table_of"]
